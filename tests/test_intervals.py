"""Statistics that cannot drift, and intervals that cannot be impossible.

* Time to match: the Kaplan-Meier median decided exactly, against an oracle in
  rational arithmetic, scipy.stats.ecdf and lifelines (when installed), on random
  cohorts with ties and censoring.
* Every other hand-written estimator: decisions on sums of decimals (a drop of
  exactly 1.0, a threshold of 0.45 * 20, equal changes) are made as written.
* No estimator in kpis, fairness or surveys returns an interval with its low end
  above its high end: each is ``low <= high`` or nan at both ends.
"""

from __future__ import annotations

import math
import warnings
from datetime import date, timedelta
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mentormatch import Mentee
from mentormatch._errors import MentormatchError
from mentormatch._intervals import ConfidenceInterval
from mentormatch.fairness import group_gaps
from mentormatch.kpis import (
    Relationship,
    at_risk,
    compare_rates,
    meeting_cadence,
    proportion,
    satisfaction_summary,
    time_to_match,
)
from mentormatch.kpis.time_to_match import _kaplan_meier
from mentormatch.surveys import (
    SurveyWarning,
    cronbach_alpha,
    goal_attainment_t,
    nps,
    pre_post,
)
from mentormatch.surveys.instrument import _required
from tests.stand_ins import StandInMatch as _Match
from tests.stand_ins import StandInResult as _Result
from tests.stand_ins import StandInUnmatched as _Unmatched

AS_OF = date(2026, 1, 1)


# ------------------------------------------------------------ time to match
def _oracle(durations: list[int], events: list[bool]) -> tuple[list[int], list[Fraction]]:
    """Kaplan-Meier by the textbook, in exact rational arithmetic."""
    times = sorted({d for d, e in zip(durations, events, strict=True) if e})
    s = Fraction(1)
    curve = []
    for t in times:
        at_risk_n = sum(d >= t for d in durations)
        died = sum(d == t and e for d, e in zip(durations, events, strict=True))
        s *= Fraction(at_risk_n - died, at_risk_n)
        curve.append(s)
    return times, curve


def _oracle_median(durations: list[int], events: list[bool]) -> float | None:
    times, curve = _oracle(durations, events)
    return next((float(t) for t, s in zip(times, curve, strict=True) if s <= Fraction(1, 2)), None)


def _as_dates(durations: list[int], events: list[bool]) -> tuple[dict[str, date], dict[str, date]]:
    signups, matches = {}, {}
    for i, (d, e) in enumerate(zip(durations, events, strict=True)):
        pid = f"p{i:03d}"
        if e:
            signups[pid] = date(2025, 1, 1)
            matches[pid] = date(2025, 1, 1) + timedelta(days=d)
        else:
            signups[pid] = AS_OF - timedelta(days=d)
    return signups, matches


COHORTS = st.integers(1, 40).flatmap(
    lambda n: st.tuples(
        st.lists(st.integers(0, 12), min_size=n, max_size=n),  # few values: ties everywhere
        st.lists(st.booleans(), min_size=n, max_size=n),
    )
)


@settings(max_examples=200)
@given(cohort=COHORTS)
def test_property_median_is_the_exact_kaplan_meier_median(
    cohort: tuple[list[int], list[bool]],
) -> None:
    durations, events = cohort
    t = time_to_match(*_as_dates(durations, events), as_of=AS_OF)
    assert t.median_days == _oracle_median(durations, events)
    assert (t.n, t.matched) == (len(durations), sum(events))
    low, high = t.ci.low, t.ci.high
    assert low <= high
    if t.median_days is not None:
        assert low <= t.median_days <= high


@settings(max_examples=200)
@given(cohort=COHORTS)
def test_property_curve_is_exact_and_agrees_with_scipy_ecdf(
    cohort: tuple[list[int], list[bool]],
) -> None:
    from scipy import stats

    durations, events = cohort
    curve = _kaplan_meier(durations, events, 0.95)
    times, exact = _oracle(durations, events)
    assert list(curve.times) == times and list(curve.survival) == exact
    if not times:
        return
    d = np.array(durations, dtype=float)
    e = np.array(events, dtype=bool)
    sf = stats.ecdf(stats.CensoredData(uncensored=d[e], right=d[~e])).sf
    np.testing.assert_allclose(sf.evaluate(np.array(times, dtype=float)), [float(x) for x in exact])
    assert all(
        lo <= float(s) <= hi
        for lo, s, hi in zip(curve.band_low, exact, curve.band_high, strict=True)
    )


def _find_float_half() -> tuple[list[int], list[bool]]:
    """A cohort whose curve is exactly 1/2 where the float product is not."""
    rng = np.random.default_rng(7)
    for _ in range(20000):
        n = int(rng.integers(4, 30))
        durations = rng.integers(0, 10, n).tolist()
        events = (rng.random(n) < 0.8).tolist()
        times, exact = _oracle(durations, events)
        floats = np.cumprod(
            [1 - sum(d == t and e for d, e in zip(durations, events, strict=True))
             / sum(d >= t for d in durations) for t in times]
        )  # fmt: skip
        for s, f in zip(exact, floats, strict=True):
            if s == Fraction(1, 2) and f > 0.5:
                return durations, events
    raise AssertionError("no such cohort found")


def test_median_is_exact_where_the_float_product_drifts() -> None:
    durations, events = _find_float_half()
    t = time_to_match(*_as_dates(durations, events), as_of=AS_OF)
    assert t.median_days == _oracle_median(durations, events)


@settings(max_examples=100)
@given(cohort=COHORTS)
def test_property_against_lifelines(cohort: tuple[list[int], list[bool]]) -> None:
    kmf_module = pytest.importorskip("lifelines")
    from lifelines.utils import median_survival_times

    durations, events = cohort
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        kmf = kmf_module.KaplanMeierFitter().fit(durations, events)
        band = median_survival_times(kmf.confidence_interval_).to_numpy()[0]
    times, exact = _oracle(durations, events)
    curve = kmf.survival_function_.iloc[:, 0]
    for t, s in zip(times, exact, strict=True):
        assert float(curve.loc[t]) == pytest.approx(float(s), rel=1e-12, abs=1e-15)
    ours = time_to_match(*_as_dates(durations, events), as_of=AS_OF)
    theirs = float(kmf.median_survival_time_)
    expected = math.inf if ours.median_days is None else ours.median_days
    if Fraction(1, 2) not in exact:
        assert expected == theirs
    else:  # lifelines decides "<= 0.5" on floats: it may be one event time late
        later = [float(t) for t in times if t > expected]
        assert theirs in (expected, later[0] if later else math.inf)
    # the band: same formula (exponential Greenwood); its crossings agree away from ties
    assert ours.ci.low <= ours.ci.high
    if not any(abs(x - 0.5) < 1e-9 for x in (*kmf.confidence_interval_.to_numpy().ravel(),)):
        assert (ours.ci.low, ours.ci.high) == (float(band[0]), float(band[1]))


def test_time_to_match_pinned_lifelines_values_still_hold() -> None:
    # lifelines 0.30.3 on the cohort of test_kpis: median 30, CI [8, inf]
    durations = [3, 5, 5, 8, 10, 12, 12, 15, 20, 30, 31, 40, 45, 60, 60]
    events = [bool(x) for x in [1, 1, 0, 1, 1, 1, 0, 1, 0, 1, 1, 0, 1, 0, 0]]
    t = time_to_match(*_as_dates(durations, events), as_of=AS_OF)
    assert (t.median_days, t.ci.low, t.ci.high) == (30.0, 8.0, math.inf)


# ---------------------------------------------------- the rest of the sweep
def test_satisfaction_drop_of_exactly_the_limit_is_flagged() -> None:
    r = Relationship(mentee_id="e1", mentor_id="m1", started="2025-01-01",
                     meetings=["2025-12-20"])  # fmt: skip
    # 4.6 - 3.6 is 0.9999999999999996 in floating point; as written it is 1.0
    history = {("e1", "m1"): [(date(2025, 6, 1), 4.6), (date(2025, 12, 1), 3.6)]}
    (flag,) = at_risk([r], AS_OF, satisfaction_history=history)
    assert flag.satisfaction_drop == pytest.approx(1.0)
    history = {("e1", "m1"): [(date(2025, 6, 1), 3.3), (date(2025, 7, 1), 3.4),
                              (date(2025, 12, 1), 2.35)]}  # fmt: skip
    assert at_risk([r], AS_OF, satisfaction_history=history)


@pytest.mark.parametrize(
    ("share", "items", "needed"),
    [(0.7, 10, 7), (0.45, 20, 9), (0.1, 3, 1), (0.3, 10, 3), (0.35, 20, 7), (0.15, 20, 3),
     (0.5, 7, 4), (1.0, 9, 9), (0.01, 100, 1), (0.29, 100, 29), (0.57, 100, 57)],
)  # fmt: skip
def test_min_answered_threshold_is_exact(share: float, items: int, needed: int) -> None:
    assert _required(share, items) == needed


@given(percent=st.integers(1, 100), items=st.integers(1, 200))
def test_property_min_answered_threshold_is_the_decimal_ceiling(percent: int, items: int) -> None:
    share = percent / 100
    assert _required(share, items) == max(1, -(-percent * items // 100))


def test_pre_post_same_change_written_differently_is_the_same_change() -> None:
    pre = [0.1, 0.2, 0.3, 0.7, 1.1]
    post = [0.2, 0.3, 0.4, 0.8, 1.2]  # everyone +0.1, as written
    with pytest.warns(SurveyWarning, match="exactly the same amount"):
        ch = pre_post(pre, post)
    assert math.isnan(ch.t) and math.isnan(ch.ci.low) and math.isnan(ch.ci.high)
    # ties as written: ranks are shared, so the normal approximation is used
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SurveyWarning)
        tied = pre_post([0.1, 0.2, 1.0, 2.0], [0.3, 0.4, 1.5, 1.0])  # +0.2, +0.2, +0.5, -1
    assert tied.wilcoxon_method == "normal approximation"
    assert tied.wilcoxon_w == pytest.approx(1.5 + 1.5 + 3)
    # 0.1 + 0.2 - 0.3 is no change: dropped as a zero, not ranked as a tiny rise
    zero = pre_post([0.3, 1.0, 2.0, 3.5], [0.1 + 0.2, 2.0, 4.0, 6.5])
    assert zero.wilcoxon_w == 6.0 and zero.wilcoxon_method == "normal approximation"


def test_constant_items_written_as_decimals_have_no_variance() -> None:
    data = [[0.1, 1, 2], [0.1, 2, 3], [0.1, 3, 3], [0.1, 2, 5]]
    with pytest.warns(SurveyWarning, match="item-rest correlation is undefined"):
        rel = cronbach_alpha(data)
    assert math.isnan(rel.item_rest["item1"])
    with pytest.warns(SurveyWarning, match="no variance"):
        cronbach_alpha([[0.1, 0.7], [0.1, 0.7], [0.1, 0.7]])


def test_identical_items_give_alpha_of_exactly_one() -> None:
    col = [0.1, 0.7, 0.3, 0.9, 0.2]
    rel = cronbach_alpha(np.array([col, col, col]).T)
    assert rel.alpha == 1.0 and rel.ci.low == rel.ci.high == 1.0


def test_gas_t_score_of_a_zero_sum_is_fifty() -> None:
    res = goal_attainment_t([[1, 1, -1]], weights=[0.1, 0.2, 0.3])
    assert res.t[0] == 50.0
    assert "0 of 1 above 50" in res.summary()


# --------------------------------------------- alpha above 1 (issue 17, part 3)
# every row has two or more answers; pairwise alpha is 1.035
PAIRWISE_ABOVE_ONE = [[4, None, 3], [5, 5, 5], [2, 1, 2], [None, 1, 5], [4, None, 3], [5, None, 4]]


def test_pairwise_alpha_above_one_warns_and_has_no_impossible_interval() -> None:
    with pytest.warns(SurveyWarning, match=r"above its maximum of 1.*not positive semidefinite"):
        rel = cronbach_alpha(PAIRWISE_ABOVE_ONE, missing="pairwise")
    assert rel.alpha == pytest.approx(1.0354477611940)
    assert math.isnan(rel.ci.low) and math.isnan(rel.ci.high)
    assert "CI undefined" in rel.summary()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SurveyWarning)  # two complete rows are few
        listwise = cronbach_alpha(PAIRWISE_ABOVE_ONE, missing="listwise")
    assert listwise.alpha <= 1 and listwise.ci.low <= listwise.ci.high


@pytest.mark.parametrize("method", ["wilson", "clopper-pearson", "agresti-coull"])
@pytest.mark.parametrize("k", [0, 1, 2**69, 2**70 - 1, 2**70])
def test_huge_counts_give_rates_not_tracebacks(method: str, k: int) -> None:
    r = proportion(k, 2**70, 0.999999, method)
    assert 0 <= r.ci.low <= r.value <= r.ci.high <= 1
    with pytest.raises(MentormatchError, match="beyond what a rate can be computed"):
        proportion(3, 10**400, method=method)


def test_interval_refuses_to_be_impossible() -> None:
    with pytest.raises(MentormatchError, match="low end above its high end"):
        ConfidenceInterval(1.156, 1.002, 0.95)
    with pytest.raises(MentormatchError, match="at both ends or at neither"):
        ConfidenceInterval(math.nan, 1.0, 0.95)
    with pytest.raises(MentormatchError, match="level"):
        ConfidenceInterval(0.1, 0.2, 95)
    with pytest.raises(MentormatchError, match="must be a number"):
        ConfidenceInterval(True, 0.2, 0.95)  # type: ignore[arg-type]
    ci = ConfidenceInterval(np.float64(0.1), np.int64(1), np.float32(0.5))
    assert (type(ci.low), type(ci.high), type(ci.level)) == (float, float, float)
    assert ConfidenceInterval(8.0, math.inf).contains(100)


# ---------------------------------------------------- every interval is sound
def _sound(ci: ConfidenceInterval | None) -> None:
    if ci is None:
        return
    assert (math.isnan(ci.low) and math.isnan(ci.high)) or ci.low <= ci.high, ci


@given(
    n=st.integers(1, 50) | st.sampled_from([2**31, 2**53 + 1, 2**63, 2**70, 10**300]),
    share=st.fractions(0, 1),
    confidence=st.sampled_from([0.5, 0.8, 0.9, 0.95, 0.99, 0.999999]),
    method=st.sampled_from(["wilson", "clopper-pearson", "agresti-coull"]),
)
def test_property_rates_and_differences(
    n: int, share: Fraction, confidence: float, method: str
) -> None:
    k = int(share * n)
    r = proportion(k, n, confidence, method)
    _sound(r.ci)
    assert r.ci.low <= r.value <= r.ci.high
    d = compare_rates(k, n, n - k, n, confidence)
    _sound(d.ci)


SCORES = st.lists(
    st.sampled_from([0.0, 0.1, 0.2, 0.3, 1.0, 3.3, 3.4, 4.6, 1e300, -1e300, 1e-300]),
    min_size=1,
    max_size=12,
)


@given(values=SCORES, confidence=st.sampled_from([0.5, 0.95, 0.999]))
def test_property_means(values: list[float], confidence: float) -> None:
    _sound(satisfaction_summary(values, confidence=confidence).ci)


@given(
    gaps=st.lists(st.integers(0, 200), min_size=1, max_size=10),
    meetings=st.lists(st.integers(0, 20), min_size=10, max_size=10),
)
def test_property_cadence(gaps: list[int], meetings: list[int]) -> None:
    rs = [
        Relationship(
            mentee_id=f"e{i}",
            mentor_id="m1",
            started=AS_OF - timedelta(days=g + 14),
            meetings=[AS_OF - timedelta(days=(j * 7) % (g + 14)) for j in range(meetings[i])],
        )
        for i, g in enumerate(gaps)
    ]
    _sound(meeting_cadence(rs, AS_OF).mean_ci)


@given(
    data=st.lists(
        st.lists(
            st.none() | st.integers(1, 5) | st.sampled_from([0.1, 0.3, 2.5]), min_size=3, max_size=3
        ),
        min_size=2,
        max_size=10,
    ),
    missing=st.sampled_from(["pairwise", "listwise"]),
    confidence=st.sampled_from([0.5, 0.95, 0.999]),
)
def test_property_alpha(data: list[list[float | None]], missing: str, confidence: float) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SurveyWarning)
        try:
            rel = cronbach_alpha(data, missing=missing, confidence=confidence)
        except MentormatchError:
            return  # nothing to score (e.g. no answers at all)
    _sound(rel.ci)
    if not math.isnan(rel.alpha) and rel.alpha <= 1 and not math.isnan(rel.ci.low):
        assert rel.ci.low <= rel.alpha <= rel.ci.high


@given(
    answers=st.lists(st.integers(0, 10) | st.none(), min_size=1, max_size=30),
    confidence=st.sampled_from([0.1, 0.5, 0.9, 0.95, 0.999]),
)
def test_property_nps(answers: list[int | None], confidence: float) -> None:
    if all(a is None for a in answers):
        return
    r = nps(answers, confidence)
    _sound(r.ci)
    assert r.ci.low <= r.score <= r.ci.high


@given(
    pairs=st.lists(
        st.tuples(
            st.sampled_from([0.1, 0.2, 0.3, 1.0, 2.5, 5.0]),
            st.sampled_from([0.1, 0.3, 0.4, 1.0, 5.0]),
        ),
        min_size=1,
        max_size=15,
    )
)
def test_property_pre_post(pairs: list[tuple[float, float]]) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SurveyWarning)
        ch = pre_post([a for a, _ in pairs], [b for _, b in pairs])
    _sound(ch.ci)


@given(
    spec=st.lists(
        st.tuples(
            st.sampled_from(["A", "B", "C"]), st.none() | st.sampled_from([0.0, 0.1, 0.3, 1.0])
        ),
        min_size=1,
        max_size=40,
    ),
    confidence=st.sampled_from([0.5, 0.95, 0.999]),
)
def test_property_group_gaps(spec: list[tuple[str, float | None]], confidence: float) -> None:
    mentees = [Mentee(id=f"e{i}", department=g) for i, (g, _) in enumerate(spec)]
    result = _Result(
        tuple(_Match(f"e{i}", "m1", s) for i, (_, s) in enumerate(spec) if s is not None),
        tuple(_Unmatched(f"e{i}", "none") for i, (_, s) in enumerate(spec) if s is None),
    )
    gaps = group_gaps(result, mentees, min_group_size=3, confidence=confidence)  # type: ignore[arg-type]
    for g in gaps.groups:
        _sound(g.match_rate.ci if g.match_rate else None)
        _sound(g.rate_gap.ci if g.rate_gap else None)
        _sound(g.score_ci)
        _sound(g.score_gap_ci)


@given(cohort=COHORTS, confidence=st.sampled_from([0.5, 0.95, 0.999]))
def test_property_time_to_match_interval(
    cohort: tuple[list[int], list[bool]], confidence: float
) -> None:
    t = time_to_match(*_as_dates(*cohort), as_of=AS_OF, confidence=confidence)
    _sound(t.ci)


def test_pairwise_alpha_if_dropped_above_one_warns_naming_the_item() -> None:
    # without item b, items a and c (answered by different respondents) give 1.0196
    data = {"a": [1, 2, 3, 4, None], "b": [2, 1, 4, 3, 5], "c": [1, 2, 3, 5, 4]}
    rows = [[data[c][i] for c in "abc"] for i in range(5)]
    with pytest.warns(
        SurveyWarning, match=r"alpha if dropped is above its maximum of 1 for \['item2'\]"
    ):
        rel = cronbach_alpha(rows, missing="pairwise")
    assert rel.alpha <= 1
    assert rel.alpha_if_dropped["item2"] == pytest.approx(1.0196078431372548)
