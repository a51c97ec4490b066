"""Tests for mentormatch.surveys.

Reference values were computed once, offline, in a throwaway environment and are
pinned here with the package, version and call that produced them:

* pingouin 0.7.0 (with scipy 1.17.1, numpy 2.4.6, pandas 3.1.1), Python 3.11.7;
* R 4.2.2 with psych 2.2.9 (Debian r-cran-psych);
* R 4.2.2 base arithmetic for published formulas no package implements
  (adjusted-Wald NPS, Kiresuk-Sherman GAS T-scores, Feldt with the used n).

The suite itself needs neither pingouin nor R.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mentormatch import surveys
from mentormatch._errors import MentormatchError
from mentormatch._intervals import ConfidenceInterval
from mentormatch.surveys import (
    NPS,
    GoalAttainmentScores,
    Instrument,
    Omega,
    PairedChange,
    Reliability,
    ScoredSurvey,
    SurveyWarning,
    cronbach_alpha,
    goal_attainment_t,
    nps,
    omega_total,
    pre_post,
    standardized_alpha,
)

TOL = 1e-6

# pingouin 0.7.0 dataset "cronbach_wide_missing" (pg.read_dataset), 12 respondents x 11 items.
BINARY_NAMES = [f"Q{i}" for i in range(1, 12)]
BINARY = [
    [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1],
    [1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 0],
    [None, 0, 1, 1, None, 1, 1, 1, 1, 0, 0],
    [1, 1, 1, 0, 1, 1, 0, 1, 1, 0, 0],
    [1, 1, 1, 1, 1, 0, 0, 0, 1, 0, 0],
    [0, 1, None, 0, 1, 1, 1, 1, 0, 0, 0],
    [1, 1, 1, 1, 0, 0, 1, 0, 0, 0, 0],
    [1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0],
    [0, 1, 0, 1, 1, 0, 0, 0, 0, 1, 0],
    [1, 0, 0, 1, 0, 1, 0, 0, None, 0, 0],
    [1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0],
    [1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0],
]
BINARY_RECORDS = [
    {name: v for name, v in zip(BINARY_NAMES, row, strict=True) if v is not None} for row in BINARY
]

# A 12 x 5 Likert data set on 1..5; q3 is reverse-keyed.
LIKERT_NAMES = ["q1", "q2", "q3", "q4", "q5"]
LIKERT = [
    [4, 5, 2, 4, 4],
    [3, 3, 3, 3, 2],
    [5, 5, 1, 5, 4],
    [2, 3, 4, 2, 3],
    [4, 4, 2, 5, 5],
    [1, 2, 5, 2, 1],
    [3, 4, 3, 3, 3],
    [5, 4, 2, 4, 5],
    [2, 2, 4, 3, 2],
    [4, 5, 1, 4, 4],
    [3, 3, 2, 4, 3],
    [2, 1, 5, 1, 2],
]


def likert_instrument(min_answered: float = 0.5) -> Instrument:
    return Instrument(
        items=LIKERT_NAMES,
        scale=(1, 5),
        reverse=["q3"],
        subscales={"rel": ["q1", "q2"], "gr": ["q3", "q4", "q5"]},
        min_answered=min_answered,
    )


def assert_close(actual: float, expected: float, tol: float = TOL) -> None:
    assert actual == pytest.approx(expected, abs=tol), (actual, expected)


# ======================================================================================
# Scoring
# ======================================================================================


def likert_with_gaps() -> list[list[float | None]]:
    rows: list[list[float | None]] = [list(map(float, r)) for r in LIKERT]
    rows[1][2] = None
    rows[5][0] = rows[5][1] = rows[5][3] = None
    return rows


# R psych 2.2.9: scoreItems(list(all=c("q1","q2","-q3","q4","q5"), rel=c("q1","q2"),
#   gr=c("-q3","q4","q5")), L, min=1, max=5, impute="none", totals=FALSE)$scores
# with L[2,3], L[6,1], L[6,2], L[6,4] set to NA.
PSYCH_TOTAL = [4.20, 2.75, 4.80, 2.40, 4.40, 1.00, 3.20, 4.40, 2.20, 4.40, 3.40, 1.40]
PSYCH_REL = [4.5, 3.0, 5.0, 2.5, 4.0, math.nan, 3.5, 4.5, 2.0, 4.5, 3.0, 1.5]
PSYCH_GR = [4.0, 2.5, 14 / 3, 7 / 3, 14 / 3, 1.0, 3.0, 13 / 3, 7 / 3, 13 / 3, 11 / 3, 4 / 3]


def test_scoring_matches_psych_score_items() -> None:
    # psych scores anyone with one answer, so use a low threshold to compare like with like
    scored = likert_instrument(min_answered=0.2).score(likert_with_gaps())
    np.testing.assert_allclose(scored.total, PSYCH_TOTAL, atol=TOL)
    np.testing.assert_allclose(scored.subscales["rel"], PSYCH_REL, atol=TOL)
    np.testing.assert_allclose(scored.subscales["gr"], PSYCH_GR, atol=TOL)
    assert scored.n_answered.tolist() == [5, 4, 5, 5, 5, 2, 5, 5, 5, 5, 5, 5]


def test_min_answered_prorates_and_blanks() -> None:
    scored = likert_instrument(min_answered=0.5).score(likert_with_gaps())
    # row 5 answered 2 of 5 items < ceil(0.5 * 5) = 3 -> no total
    assert math.isnan(scored.total[5])
    assert scored.min_required == 3
    # its growth subscale has 2 of 3 answered >= ceil(1.5) = 2 -> scored
    assert_close(scored.subscales["gr"][5], 1.0)
    # row 1 answered 4 of 5: mean of answered items, i.e. prorated
    assert_close(scored.total[1], 2.75)


def test_reverse_uses_declared_bounds_not_observed_range() -> None:
    inst = Instrument(items=["a", "b"], scale=(1, 7), reverse=["b"])
    # observed range of b is 3..4, declared 1..7 -> 1 + 7 - x
    scored = inst.score([[4, 3], [4, 4]])
    assert scored.keyed[:, 1].tolist() == [5.0, 4.0]


def test_input_forms_agree() -> None:
    pd = pytest.importorskip("pandas")
    inst = likert_instrument()
    rows = likert_with_gaps()
    from_list = inst.score(rows)
    frame = pd.DataFrame(rows, columns=LIKERT_NAMES)
    frame["id"] = [f"p{i}" for i in range(len(rows))]  # extra columns are ignored
    from_frame = inst.score(frame.set_index("id")[["q5", "q4", "q3", "q2", "q1"]])
    records = [{k: v for k, v in zip(LIKERT_NAMES, r, strict=True) if v is not None} for r in rows]
    from_records = inst.score(records)
    from_array = inst.score(np.array(rows, dtype=float))
    for other in (from_frame, from_records, from_array):
        np.testing.assert_array_equal(other.total, from_list.total)
        np.testing.assert_array_equal(other.keyed, from_list.keyed)
    assert from_frame.respondents[0] == "row 0 (index 'p0')"


def test_pd_na_is_a_skip() -> None:
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"a": pd.array([1, None, 3], dtype="Int64"), "b": [2.0, 2.0, None]})
    scored = Instrument(items=["a", "b"], scale=(1, 5)).score(frame)
    assert scored.n_answered.tolist() == [2, 1, 1]


def test_score_summary_text() -> None:
    scored = likert_instrument().score(likert_with_gaps())
    text = scored.summary()
    assert "scored for 11 of 12 respondents" in text
    assert "rel: mean" in text and "gr: mean" in text


# ======================================================================================
# Reliability: reference values
# ======================================================================================


def test_alpha_pairwise_matches_pingouin_and_psych() -> None:
    rel = cronbach_alpha(BINARY_RECORDS)  # list of dicts, absent keys = skipped
    # pingouin 0.7.0: pg.cronbach_alpha(data) -> (0.732660835214447, [0.435, 0.909])
    # R psych 2.2.9: alpha(data, use="pairwise")$total$raw_alpha = 0.732660835214,
    #   $feldt lower 0.4353104, upper 0.9093629 (n = 12 rows, all have >= 2 answers)
    assert_close(rel.alpha, 0.732660835214447)
    assert_close(rel.ci.low, 0.4353104, 1e-6)
    assert_close(rel.ci.high, 0.9093629, 1e-6)
    assert (rel.n, rel.k, rel.missing) == (12, 11, "pairwise")
    # pingouin 0.7.0: pg.cronbach_alpha(data.drop(columns=c))[0] for each item c;
    # equal to psych alpha(...)$alpha.drop$raw_alpha
    pingouin_dropped = [
        0.7583901206129827, 0.739997771091051, 0.6931327970152734, 0.7694189892101381,
        0.6872294372294373, 0.6985757003462386, 0.6929916058212886, 0.661128751189369,
        0.70269957131271, 0.7134918666703406, 0.7012066567980982,
    ]  # fmt: skip
    for name, value in zip(BINARY_NAMES, pingouin_dropped, strict=True):
        assert_close(rel.alpha_if_dropped[name], value)
    # R psych 2.2.9: alpha(data, use="pairwise")$item.stats$r.drop
    psych_r_drop = [
        -0.00942703464706, 0.17676987560274, 0.51919064919727, -0.06407798757659,
        0.54653834430843, 0.47372536598709, 0.50882147276080, 0.69738237779822,
        0.44927480663167, 0.37814564757012, 0.56872270654304,
    ]  # fmt: skip
    for name, value in zip(BINARY_NAMES, psych_r_drop, strict=True):
        assert_close(rel.item_rest[name], value)


def test_alpha_listwise_matches_pingouin_psych_but_uses_rows_actually_used() -> None:
    rel = cronbach_alpha(BINARY_RECORDS, missing="listwise")
    # pingouin 0.7.0: pg.cronbach_alpha(data, nan_policy="listwise") -> 0.8016949152542373
    # R psych 2.2.9: alpha(data, use="complete.obs")$total$raw_alpha = 0.801694915254
    assert_close(rel.alpha, 0.8016949152542373)
    assert rel.n == 9  # complete rows
    # Convention difference: pingouin 0.7.0 ([0.581, 0.933]) and psych 2.2.9 $feldt
    # (0.5811283, 0.9327678) both use n = 12, the row count before deletion. We use the 9
    # rows actually used. R 4.2.2: 1 - (1 - a) * qf(c(0.975, 0.025), 8, 80)
    assert_close(rel.ci.low, 0.533003199913273)
    assert_close(rel.ci.high, 0.947207967339016)
    assert rel.ci.low < 0.5811283 and rel.ci.high > 0.9327678  # wider: fewer rows
    # R psych 2.2.9: alpha(data, use="complete.obs")$alpha.drop$raw_alpha and r.drop
    psych_dropped = [
        0.812720848057, 0.792452830189, 0.789241622575, 0.829475308642, 0.779645191410,
        0.747567844342, 0.775413711584, 0.747567844342, 0.787795992714, 0.787795992714,
        0.776014109347,
    ]  # fmt: skip
    psych_r_drop = [
        0.118887659656, 0.399291825942, 0.428571428571, 0.0, 0.518562978842, 0.780670868297,
        0.554478862095, 0.780670868297, 0.448129079765, 0.448129079765, 0.614192268640,
    ]  # fmt: skip
    for j, name in enumerate(BINARY_NAMES):
        assert_close(rel.alpha_if_dropped[name], psych_dropped[j])
        assert_close(rel.item_rest[name], psych_r_drop[j])


def test_standardized_alpha_matches_psych() -> None:
    # R psych 2.2.9: alpha(data, use="pairwise")$total$std.alpha = 0.730149341318
    # (psych uses cov2cor of the pairwise covariance matrix; pandas .corr() would differ)
    assert_close(standardized_alpha(BINARY_RECORDS), 0.730149341318)
    # R psych 2.2.9: alpha(data, use="complete.obs")$total$std.alpha = 0.79447505457
    assert_close(standardized_alpha(BINARY_RECORDS, missing="listwise"), 0.79447505457)


def test_likert_alpha_matches_pingouin_and_psych() -> None:
    scored = likert_instrument().score(LIKERT)
    rel = cronbach_alpha(scored)  # a ScoredSurvey brings its item names
    # pingouin 0.7.0: pg.cronbach_alpha(L with q3 -> 6 - q3) -> (0.9637188208616778,
    # [0.916, 0.988]); R psych 2.2.9 alpha(L)$feldt: 0.916498, 0.9880878
    assert_close(rel.alpha, 0.9637188208616778)
    assert_close(rel.ci.low, 0.916498, 1e-6)
    assert_close(rel.ci.high, 0.9880878, 1e-6)
    assert cronbach_alpha(scored.keyed).alpha == rel.alpha
    # R psych 2.2.9: alpha(L)$alpha.drop$raw_alpha and $item.stats$r.drop
    dropped = [0.950495049505, 0.957961783439, 0.947260973120, 0.956925937403, 0.961884102882]
    r_drop = [0.925469011981, 0.878873060710, 0.944916821257, 0.886268906793, 0.853566354419]
    for j, name in enumerate(LIKERT_NAMES):
        assert_close(rel.alpha_if_dropped[name], dropped[j])
        assert_close(rel.item_rest[name], r_drop[j])
    # R psych 2.2.9: alpha(L)$total$std.alpha = 0.963937148819
    assert_close(standardized_alpha(scored), 0.963937148819)


def test_omega_matches_psych_minres() -> None:
    om = omega_total(likert_instrument().score(LIKERT))
    # R psych 2.2.9: fa(L, nfactors=1, fm="minres")$loadings; psych's optimiser stops
    # earlier than ours, hence 1e-5.
    psych_loadings = [0.947516659270, 0.896195955177, 0.970893036597, 0.904500668937,
                      0.870964378063]  # fmt: skip
    for name, value in zip(LIKERT_NAMES, psych_loadings, strict=True):
        assert_close(om.loadings[name], value, 1e-5)
        assert_close(om.uniquenesses[name], 1 - om.loadings[name] ** 2)
    # R 4.2.2 from those psych loadings: sum(l)^2 / (sum(l)^2 + sum(1 - l^2)) = 0.9643128
    assert_close(om.omega, 0.9643128, 1e-6)
    # psych omega(L, nfactors=1)$omega.tot = 0.9643126 divides by the observed sum(R)
    assert_close(om.omega, 0.9643126, 1e-6)
    assert (om.method, om.k, om.n) == ("minres", 5, 12)
    assert "omega total = 0.96" in om.summary()


# ======================================================================================
# Reliability: properties, warnings, errors
# ======================================================================================

likert_matrix = st.integers(min_value=3, max_value=9).flatmap(
    lambda n: st.integers(min_value=3, max_value=5).flatmap(
        lambda k: st.lists(
            st.lists(st.integers(min_value=1, max_value=5), min_size=k, max_size=k),
            min_size=n,
            max_size=n,
        )
    )
)


def _defined(rows: list[list[int]]) -> bool:
    x = np.asarray(rows, dtype=float)
    return bool(x.sum(axis=1).var() > 0 and (x.var(axis=0) > 0).all())


@settings(max_examples=60, deadline=None)
@given(likert_matrix, st.integers(0, 2**32 - 1))
def test_alpha_invariant_to_row_and_item_order(rows: list[list[int]], seed: int) -> None:
    if not _defined(rows):
        return
    x = np.asarray(rows, dtype=float)
    rng = np.random.default_rng(seed)
    shuffled = x[rng.permutation(x.shape[0])][:, rng.permutation(x.shape[1])]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SurveyWarning)  # e.g. a rest score without variance
        base = cronbach_alpha(x).alpha
        assert cronbach_alpha(shuffled).alpha == pytest.approx(base, abs=1e-12)
        # complete data: the two missing-data policies agree
        assert cronbach_alpha(x, missing="listwise").alpha == pytest.approx(base, abs=1e-12)


@settings(max_examples=60, deadline=None)
@given(likert_matrix)
def test_alpha_interval_contains_estimate(rows: list[list[int]]) -> None:
    if not _defined(rows):
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SurveyWarning)
        rel = cronbach_alpha(rows)
    assert rel.ci.contains(rel.alpha)
    assert rel.alpha <= 1.0 + 1e-12


@pytest.mark.parametrize(
    ("data", "kwargs", "why"),
    [
        ([[1], [2], [3]], {}, "at least two items"),
        ([[1, 2, 3]], {}, "at least two respondents"),
        ([[1, 2, 3], [1, 2, 3], [1, 2, 3]], {}, "no variance"),
        ([[1, 2, None], [2, None, 3], [3, 4, None], [None, 1, 2]], {}, "answered together"),
        ([[1, 2], [2, None], [None, 3]], {"missing": "listwise"}, "complete rows"),
    ],
)
def test_alpha_undefined_is_nan_with_reason(data: object, kwargs: dict[str, str], why: str) -> None:
    with pytest.warns(SurveyWarning, match=why):
        rel = cronbach_alpha(data, **kwargs)
    assert math.isnan(rel.alpha) and math.isnan(rel.ci.low)
    assert "undefined" in rel.summary()


def test_two_items_alpha_if_dropped_warns() -> None:
    with pytest.warns(SurveyWarning, match="only two items"):
        rel = cronbach_alpha([[1, 2], [2, 3], [4, 4]])
    assert_close(rel.alpha, 18 / 19)  # k/(k-1) (1 - (7/3 + 1)/(7/3 + 1 + 2 * 3/2))
    assert all(math.isnan(v) for v in rel.alpha_if_dropped.values())


def test_constant_item_has_nan_item_rest_with_warning() -> None:
    with pytest.warns(SurveyWarning, match="item-rest correlation is undefined"):
        rel = cronbach_alpha([[1, 2, 3], [2, 3, 3], [4, 4, 3], [3, 5, 3]])
    assert math.isnan(rel.item_rest["item3"]) and not math.isnan(rel.alpha)


def test_omega_undefined_cases_warn() -> None:
    with pytest.warns(SurveyWarning, match="at least three items"):
        assert math.isnan(omega_total([[1, 2], [2, 3], [4, 4]]).omega)
    with pytest.warns(SurveyWarning, match="no variance"):
        assert math.isnan(standardized_alpha([[1, 2, 3], [2, 2, 3], [3, 2, 3]]))


def test_omega_heywood_warns() -> None:
    data = [[4, 5, 4, 4], [3, 3, 2, 3], [5, 4, 5, 4], [2, 3, 2, 1],
            [4, 4, 3, 5], [3, 2, 3, 3], [1, 2, 2, 2], [4, 5, 4, None]]  # fmt: skip
    with pytest.warns(SurveyWarning, match="Heywood"):
        om = omega_total(data)
    assert 0 < om.omega <= 1


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: cronbach_alpha(LIKERT, missing="mean"), "valid values are 'pairwise', 'listw"),
        (lambda: standardized_alpha(LIKERT, missing="drop"), "valid values"),
        (lambda: omega_total(LIKERT, missing=None), "valid values"),  # type: ignore[arg-type]
        (lambda: cronbach_alpha(LIKERT, confidence=95), "between 0 and 1"),
        (lambda: cronbach_alpha([[1, "x"], [2, 3]]), r"row 0, item 'item2'.*not a number"),
        (lambda: cronbach_alpha(np.empty((0, 3))), "at least one respondent"),
        (lambda: cronbach_alpha([[1, 2], [3]]), "different lengths"),
        (lambda: cronbach_alpha([1, 2, 3]), "2-D table"),
        (lambda: cronbach_alpha([[1, np.inf], [2, 3]]), "infinite"),
        (lambda: cronbach_alpha("q1,q2"), "expected a table"),
    ],
)
def test_reliability_errors(call: object, match: str) -> None:
    with pytest.raises(MentormatchError, match=match):
        call()  # type: ignore[operator]


def test_reliability_summary_text() -> None:
    text = cronbach_alpha(BINARY_RECORDS).summary()
    assert text.startswith("Cronbach's alpha = 0.73 (95% CI 0.44 to 0.91); 11 items, 12 resp")
    assert "Weakest item: Q4" in text


# ======================================================================================
# Instrument errors and invariants
# ======================================================================================


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"reverse": ["q9"]}, r"reverse names unknown item\(s\) \['q9'\]"),
        ({"subscales": {"growth": ["q1", "qX", "qY"]}}, r"'growth'.*\['qX', 'qY'\]"),
        ({"subscales": {"empty": []}}, "has no items"),
        ({"scale": (5, 1)}, "min < max"),
        ({"scale": (1,)}, r"\(min, max\)"),
        ({"min_answered": 0}, r"in \(0, 1\]"),
        ({"min_answered": 1.5}, r"in \(0, 1\]"),
        ({"items": ["q1", "q1"]}, "duplicate item names"),
        ({"items": []}, "at least one item"),
        ({"items": "q1"}, "not one string"),
    ],
)
def test_instrument_errors(kwargs: dict[str, object], match: str) -> None:
    base: dict[str, object] = {"items": ["q1", "q2"], "scale": (1, 5)}
    base.update(kwargs)
    with pytest.raises(MentormatchError, match=match):
        Instrument(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("responses", "match"),
    [
        ([[1, 2], [3, 6]], r"respondent row 1, item 'q2': answer 6 is outside .* 1\.\.5"),
        ([[0, 2]], r"respondent row 0, item 'q1': answer 0"),
        ([{"q1": 2, "q2": "five"}], r"row 0, item 'q2': answer 'five' is not a number"),
        ([[1, 2, 3]], "3 columns but the instrument has 2 items"),
        ([[True, 2]], "boolean"),
    ],
)
def test_score_errors_name_row_and_item(responses: object, match: str) -> None:
    inst = Instrument(items=["q1", "q2"], scale=(1, 5))
    with pytest.raises(MentormatchError, match=match) as info:
        inst.score(responses)
    if "outside" in match:
        assert info.value.field is not None and info.value.participant_id is not None


def test_missing_dataframe_column_is_named() -> None:
    pd = pytest.importorskip("pandas")
    inst = Instrument(items=["q1", "q2"], scale=(1, 5))
    with pytest.raises(MentormatchError, match=r"no column\(s\) \['q2'\]"):
        inst.score(pd.DataFrame({"q1": [1, 2]}))


scale_strategy = st.tuples(st.integers(-3, 3), st.integers(1, 6)).map(lambda t: (t[0], t[0] + t[1]))


@settings(max_examples=60, deadline=None)
@given(scale_strategy, st.data())
def test_scores_stay_in_scale_and_reverse_twice_is_identity(
    scale: tuple[int, int], data: st.DataObject
) -> None:
    lo, hi = scale
    k = data.draw(st.integers(1, 5))
    n = data.draw(st.integers(1, 6))
    cell = st.one_of(st.none(), st.integers(lo, hi), st.floats(lo, hi, allow_nan=False))
    rows = data.draw(st.lists(st.lists(cell, min_size=k, max_size=k), min_size=n, max_size=n))
    items = [f"i{j}" for j in range(k)]
    reverse = data.draw(st.lists(st.sampled_from(items), unique=True))
    inst = Instrument(items=items, scale=(lo, hi), reverse=reverse, min_answered=0.5)
    scored = inst.score(rows)
    finite = scored.total[~np.isnan(scored.total)]
    assert ((finite >= lo) & (finite <= hi)).all()
    raw = np.array([[np.nan if v is None else float(v) for v in r] for r in rows])
    np.testing.assert_allclose(inst.reverse_key(inst.reverse_key(raw)), raw, atol=1e-12)
    assert (scored.n_answered == (~np.isnan(raw)).sum(axis=1)).all()
    need = math.ceil(0.5 * k - 1e-9)
    assert (np.isnan(scored.total) == (scored.n_answered < max(1, need))).all()


# ======================================================================================
# NPS
# ======================================================================================


def test_nps_adjusted_wald_reference() -> None:
    # Adjusted-Wald recipe of Rocks (2016) as published by Lewis & Sauro (MeasuringU 2021):
    # n + 3; +0.75 promoters, +0.75 detractors. Reference: independent R 4.2.2
    # implementation (awald() in the offline script), values below.
    r = nps([10, 10, 9, 9, 8, 7, 6, 3, None])
    assert (r.score, r.promoters, r.passives, r.detractors, r.n, r.n_skipped) == (
        25.0, 4, 2, 2, 8, 1,
    )  # fmt: skip
    assert_close(r.ci.low, -29.4167503071344)
    assert_close(r.ci.high, 65.7803866707708)
    assert r.method == "adjusted-wald"
    r90 = nps([10, 9, 9, 8, 8, 8, 7, 6, 5, 4, 0, 10, 10, 9, 7], confidence=0.90)
    assert_close(r90.score, 13.3333333333333)
    assert_close(r90.ci.low, -19.5767428034754)
    assert_close(r90.ci.high, 41.7989650256977)
    assert r90.ci.level == 0.90


def test_nps_all_promoters_does_not_collapse() -> None:
    r = nps(np.full(20, 10))
    assert r.score == 100.0
    assert_close(r.ci.low, 69.6833440254394)  # R 4.2.2 awald(rep(10, 20))
    assert r.ci.high == 100.0
    assert r.ci.width > 10


def test_nps_accepts_series_with_nan() -> None:
    pd = pytest.importorskip("pandas")
    r = nps(pd.Series([10, np.nan, 3, None, 8], dtype="float64"))
    assert (r.n, r.n_skipped, r.score) == (3, 2, 0.0)


@pytest.mark.parametrize(
    ("answers", "match"),
    [
        ([10, 11], r"answers\[1\]: 11 is not a whole number on the 0\.\.10 scale"),
        ([-1, 5], r"answers\[0\]: -1"),
        ([7.5], "whole number"),
        ([None, np.nan], "no answers to score"),
        ([], "no answers"),
        (["ten"], "not a number"),
        ("9", "expected a sequence"),
    ],
)
def test_nps_errors(answers: object, match: str) -> None:
    with pytest.raises(MentormatchError, match=match):
        nps(answers)


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.one_of(st.none(), st.integers(0, 10)), min_size=0, max_size=60),
    st.sampled_from([0.9, 0.95, 0.99]),
)
def test_nps_invariants(answers: list[int | None], confidence: float) -> None:
    if all(a is None for a in answers):
        return
    r = nps(answers, confidence=confidence)
    assert -100 <= r.ci.low <= r.ci.high <= 100
    assert -100 <= r.score <= 100
    assert r.promoters + r.passives + r.detractors == r.n
    assert r.n + r.n_skipped == len(answers)
    assert r.ci.contains(r.score)  # see nps() Notes: extended for near-unanimous samples


def test_nps_interval_extended_to_unanimous_score_at_low_confidence() -> None:
    # published adjusted-Wald at 80% for 10 promoters: centre 10/13, upper 0.9906 < 1
    r = nps([10] * 10, confidence=0.80)
    assert r.ci.high == 100.0 and r.ci.low < 90
    assert nps([0], confidence=0.95).ci.low == -100.0


def test_nps_summary() -> None:
    assert nps([10, 9, 0, None]).summary().startswith("NPS +33 (95% CI")


# ======================================================================================
# Pre/post
# ======================================================================================

PRE = [3, 2, 4, 3, 2, 3, 4, 2, 3, 3, 2, None]
POST = [4, 3, 4, 5, 3, 3, 5, 4, 3, 4, 2, 4]


def test_pre_post_tied_data_matches_r_and_pingouin() -> None:
    ch = pre_post(PRE, POST)
    assert (ch.n, ch.df, ch.n_dropped) == (11, 10, 1)
    # R 4.2.2: t.test(post, pre, paired=TRUE) (11 complete pairs)
    assert_close(ch.t, 3.61448698006124491)
    assert_close(ch.p, 0.00473274291802687)
    assert_close(ch.ci.low, 0.31381627277078206)
    assert_close(ch.ci.high, 1.32254736359285441)
    assert_close(ch.mean_diff, 0.81818181818181823)
    # R 4.2.2: wilcox.test(post, pre, paired=TRUE): V = 28, p = 0.0176622437234466
    # (ties and zeros -> normal approximation with continuity correction).
    # pingouin 0.7.0 pg.wilcoxon(post, pre) gives p = 0.015625 instead: scipy's
    # method="auto" uses the exact distribution despite ties (convention difference).
    assert ch.wilcoxon_w == 28.0
    assert_close(ch.wilcoxon_p, 0.0176622437234466)
    assert ch.wilcoxon_method == "normal approximation"
    # pingouin 0.7.0: pg.wilcoxon(post, pre)["RBC"] = 1.0
    assert ch.rank_biserial == 1.0
    # pingouin 0.7.0: compute_effsize(post, pre, paired=True, eftype="cohen_dz")
    assert_close(ch.d_z, 1.0898088293170862)
    # pingouin 0.7.0: compute_effsize(post - pre, 0, eftype="hedges") (J = 1 - 3/(4 df - 1))
    assert_close(ch.g_z, 1.0059773809080796)
    # R 4.2.2: mean(post - pre) / ((sd(pre) + sd(post)) / 2); pingouin's paired "cohen"
    # uses sqrt((var_pre + var_post) / 2) instead and gives 0.971625413446943.
    assert_close(ch.d_av, 0.976832348667902)


def test_pre_post_exact_wilcoxon_matches_r_and_pingouin() -> None:
    pre = np.array([2.1, 3.4, 2.8, 3.9, 2.5, 3.0, 3.3, 2.2])
    post = pre + np.array([0.8, -0.3, 0.6, 0.7, 0.9, 0.05, 1.1, -0.2])
    ch = pre_post(pre, post)
    # R 4.2.2: t.test(post2, pre2, paired=TRUE)
    assert_close(ch.t, 2.4281357481888617)
    assert_close(ch.p, 0.0455449867494433)
    assert_close(ch.ci.low, 0.0119338963414933)
    assert_close(ch.ci.high, 0.9005661036585068)
    # R 4.2.2: wilcox.test(post2, pre2, paired=TRUE): V = 31, p = 0.078125 (exact)
    assert ch.wilcoxon_w == 31.0
    assert_close(ch.wilcoxon_p, 0.078125)
    assert ch.wilcoxon_method == "exact"
    # pingouin 0.7.0: wilcoxon RBC, cohen_dz, hedges of the differences
    assert_close(ch.rank_biserial, 0.722222222222222)
    assert_close(ch.d_z, 0.8584756265929078)
    assert_close(ch.g_z, 0.7630894458603624)
    # R 4.2.2: mean(d) / ((sd(pre2) + sd(post2)) / 2)
    assert_close(ch.d_av, 0.626934908732905)
    assert ch.ci.contains(ch.mean_diff)


def test_pre_post_undefined_cases_warn() -> None:
    with pytest.warns(SurveyWarning, match="same amount"):
        ch = pre_post([1, 2, 3], [2, 3, 4])  # everyone +1: sd(diff) = 0
    assert math.isnan(ch.t) and math.isnan(ch.d_z) and ch.mean_diff == 1.0
    assert not math.isnan(ch.d_av)
    with pytest.warns(SurveyWarning) as record:
        ch = pre_post([1, 2, 3], [1, 2, 3])
    messages = " | ".join(str(w.message) for w in record)
    assert "zero change" in messages and "same amount" in messages
    assert math.isnan(ch.wilcoxon_p)
    with pytest.warns(SurveyWarning, match="one pair"):
        ch = pre_post([1, None], [2, 3])
    assert ch.n == 1 and math.isnan(ch.p)


@pytest.mark.parametrize(
    ("pre", "post", "match"),
    [
        ([1, 2], [1, 2, 3], "same length"),
        ([None, 1], [2, None], "no person has both"),
        ([1, "a"], [1, 2], r"pre\[1\]"),
        ([1, np.inf], [1, 2], "infinite"),
    ],
)
def test_pre_post_errors(pre: object, post: object, match: str) -> None:
    with pytest.raises(MentormatchError, match=match):
        pre_post(pre, post)


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.tuples(st.integers(1, 7), st.integers(1, 7)), min_size=3, max_size=30).filter(
        lambda p: len({b - a for a, b in p}) > 1
    )
)
def test_pre_post_invariants(pairs: list[tuple[int, int]]) -> None:
    pre = [a for a, _ in pairs]
    post = [b for _, b in pairs]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SurveyWarning)  # e.g. constant pre and post
        ch = pre_post(pre, post)
        back = pre_post(post, pre)
    assert ch.ci.contains(ch.mean_diff)
    assert 0 <= ch.p <= 1
    assert -1 <= ch.rank_biserial <= 1
    assert back.t == pytest.approx(-ch.t) and back.rank_biserial == pytest.approx(-ch.rank_biserial)


# ======================================================================================
# Goal attainment scaling
# ======================================================================================


def test_gas_matches_hand_computation() -> None:
    # R 4.2.2: 50 + 10 * sum(w * x) / sqrt((1 - rho) * sum(w^2) + rho * sum(w)^2)
    assert_close(goal_attainment_t([1, 1, 1]).t[0], 63.6930639376292)
    assert_close(goal_attainment_t([1]).t[0], 60.0)
    res = goal_attainment_t([[1, 0, None], [-2, -1, 0]], weights=[2, 1, 1])
    assert_close(res.t[0], 58.0321932890250)  # missing goal dropped with its weight
    assert_close(res.t[1], 33.3333333333333)
    assert res.n_goals.tolist() == [2, 3]
    assert_close(goal_attainment_t([2, -1, 1, 0], weights=[3, 1, 2, 1], rho=0.5).t[0],
                 62.3743686707646)  # fmt: skip
    assert_close(goal_attainment_t([0, 1, 2, -1], rho=0).t[0], 60.0)


def test_gas_all_expected_is_50_and_accepts_frames() -> None:
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"g1": [0, 1], "g2": [0, None]}, index=["ana", "ben"])
    res = goal_attainment_t(frame)
    assert res.t[0] == 50.0 and res.t[1] == 60.0
    assert "mean T = 55.0 across 2 people" in res.summary()


def test_gas_person_without_goals_warns() -> None:
    with pytest.warns(SurveyWarning, match="no goal was rated"):
        res = goal_attainment_t([[1, 0], [None, None]])
    assert math.isnan(res.t[1])


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"attainment": [[1, 3]]}, r"person row 0, goal 2: attainment 3 is outside -2\.\.\+2"),
        ({"attainment": [-2.5]}, r"goal 1: attainment -2\.5"),
        ({"attainment": [1, 0], "weights": [1]}, "got 1 weights for 2 goals"),
        ({"attainment": [1, 0], "weights": [1, 0]}, "positive"),
        ({"attainment": [1, 0], "rho": 1.0}, r"rho must be in \[0, 1\)"),
        ({"attainment": [1, 0], "rho": -0.1}, "rho"),
    ],
)
def test_gas_errors(kwargs: dict[str, object], match: str) -> None:
    with pytest.raises(MentormatchError, match=match):
        goal_attainment_t(**kwargs)  # type: ignore[arg-type]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(-2, 2), min_size=1, max_size=6),
    st.floats(0, 0.95),
)
def test_gas_invariants(levels: list[int], rho: float) -> None:
    t = goal_attainment_t(levels, rho=rho).t[0]
    flipped = goal_attainment_t([-v for v in levels], rho=rho).t[0]
    assert t - 50 == pytest.approx(50 - flipped)  # symmetric about 50
    if all(v == 0 for v in levels):
        assert t == 50


# ======================================================================================
# Result objects
# ======================================================================================


def test_results_are_frozen_dataclasses_with_summaries() -> None:
    import dataclasses

    scored = likert_instrument().score(LIKERT)
    results = [
        scored,
        cronbach_alpha(scored),
        omega_total(scored),
        nps([9, 10, 3]),
        pre_post([1, 2, 3, 4], [2, 4, 3, 6]),
        goal_attainment_t([1, 0]),
    ]
    kinds = (ScoredSurvey, Reliability, Omega, NPS, PairedChange, GoalAttainmentScores)
    for result, kind in zip(results, kinds, strict=True):
        assert isinstance(result, kind)
        assert dataclasses.is_dataclass(result)
        field_name = dataclasses.fields(result)[0].name
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(result, field_name, None)
        text = result.summary()
        assert isinstance(text, str) and 0 < len(text) < 400
    assert isinstance(cronbach_alpha(scored).ci, ConfidenceInterval)


def test_instrument_is_comparable_and_has_repr() -> None:
    assert likert_instrument() == likert_instrument()
    assert "reverse=['q3']" in repr(likert_instrument())
    assert likert_instrument().subscales["rel"] == ("q1", "q2")


# --------------------------------------------------------------------------- instrument files


def test_load_instrument_reads_the_documented_example() -> None:
    from pathlib import Path

    inst = surveys.load_instrument(
        Path(__file__).resolve().parents[2] / "docs" / "example_instrument.toml"
    )
    assert inst.items == ("q1", "q2", "q3", "q4", "q5", "q6")
    assert inst.reverse == ("q3", "q6")
    assert inst.subscales == {"relationship": ("q1", "q2", "q3"), "growth": ("q4", "q5", "q6")}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '[instrument]\nitems = ["a"]\nscale = [1, 5]\nreversed = ["a"]\n',
            r"unknown key 'reversed'; did you mean 'reverse'\?",
        ),
        ('[instrument]\nitems = ["a"]\n', "needs scale"),
        ('[instrument]\nitems = ["a"]\nscale = 5\n', r"scale must be \[min, max\]"),
        ("[instrument\n", "not valid TOML"),
    ],
    ids=["unknown-key", "no-scale", "bad-scale", "bad-toml"],
)
def test_load_instrument_errors(tmp_path, text: str, message: str) -> None:
    path = tmp_path / "instrument.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(MentormatchError, match=message):
        surveys.load_instrument(path)


def test_old_goal_attainment_name_warns_and_is_the_scores_class() -> None:
    from mentormatch import surveys

    with pytest.warns(DeprecationWarning, match="use mentormatch.surveys.GoalAttainmentScores"):
        old = surveys.GoalAttainment
    assert old is GoalAttainmentScores
    assert isinstance(goal_attainment_t([[1, 0, -1]]), old)
    with pytest.raises(AttributeError, match="no attribute 'GoalAttainmentz'"):
        _ = surveys.GoalAttainmentz  # type: ignore[attr-defined]
