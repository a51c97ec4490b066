"""The boundary: what pandas and numpy hand the Python API is taken, or refused by name.

* a bool is never a number: refused for every numeric parameter, in one message style;
* numpy scalars (integers, whole floats, float32) are taken wherever Python's are;
* huge whole numbers never overflow;
* collections of participants come as lists, tuples, generators, Series or arrays;
* a criterion may return any array-like of the right shape; a rule any bool array-like;
* dates and missing markers go through one normaliser.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd
import pydantic
import pytest
import scipy.sparse as sp

import mentormatch as mm
from mentormatch import calibrate, circles, fairness, lifecycle, presets, shortlist, stability
from mentormatch._dates import DateLike, is_missing, to_date
from mentormatch._validation import as_whole

BAD = (mm.MentormatchError, pydantic.ValidationError)

MENTEES = [
    mm.Mentee(id="e1", goals=["sql", "go"], skills={"python": 2}, department="Eng/Data"),
    mm.Mentee(id="e2", goals=["go"], skills={"sql": 1}, department="Sales"),
    mm.Mentee(id="e3", goals=["sql"], manager_id="m1", department="Eng"),
]
MENTORS = [
    mm.Mentor(id="m1", goals=["sql"], skills={"python": 4, "sql": 5}, department="Eng"),
    mm.Mentor(id="m2", goals=["go"], skills={"python": 3}, department="Sales", capacity=2),
]
MATCHER = mm.Matcher(
    [mm.GoalOverlap(weight=2), mm.SkillGap(), mm.DepartmentDistance()], [mm.NotInReportingLine()]
)


def _records(n: int = 40) -> list[dict[str, object]]:
    rng = np.random.default_rng(3)
    return [
        {"goals": float(g), "dept": float(d), "outcome": bool(rng.random() < 0.15 + 0.7 * g)}
        for g, d in rng.random((n, 2))
    ]


# -- numeric parameters: bools refused, numpy scalars taken -------------------------------

#: (label, call with the value, a valid value). Every numeric parameter of a public
#: constructor or function of the modules this boundary covers.
NUMERIC: list[tuple[str, Callable[[Any], object], int | float]] = [
    *(
        (f"{cls.__name__}.weight", lambda v, cls=cls: cls(weight=v), 2)
        for cls in (mm.GoalOverlap, mm.SkillGap, mm.DepartmentDistance, mm.TextSimilarity)
    ),
    ("StatedPreferences.weight", lambda v: mm.StatedPreferences(weight=v), 2),
    ("AttributeMatch.weight", lambda v: mm.AttributeMatch("loc", weight=v), 2),
    (
        "FunctionCriterion.weight",
        lambda v: mm.FunctionCriterion(np.zeros, name="z", weight=v),
        2,
    ),
    ("SkillGap.ideal_gap", lambda v: mm.SkillGap(ideal_gap=v), 2),
    ("NotInReportingLine.depth", lambda v: mm.NotInReportingLine(depth=v), 2),
    ("DifferentDepartment.level", lambda v: mm.DifferentDepartment(level=v), 1),
    ("Matcher.min_score", lambda v: mm.Matcher([mm.GoalOverlap()], min_score=v), 0.5),
    ("Matcher.candidates", lambda v: mm.Matcher([mm.GoalOverlap()], candidates=v), 8),
    ("Mentor.capacity", lambda v: mm.Mentor(id="m", capacity=v), 3),
    ("Mentee.skills level", lambda v: mm.Mentee(id="e", skills={"sql": v}), 3),
    ("Mentor.skills level", lambda v: mm.Mentor(id="m", skills={"sql": v}), 3),
    *(
        (f"presets.{name}.min_score", lambda v, f=f: f(min_score=v), 0.5)
        for name, f in presets.PRESETS.items()
    ),
    (
        "match_circles.min_size",
        lambda v: circles.match_circles(MENTEES, MENTORS, min_size=v, max_size=3),
        1,
    ),
    (
        "match_circles.max_size",
        lambda v: circles.match_circles(MENTEES, MENTORS, min_size=1, max_size=v),
        3,
    ),
    (
        "match_circles.time_limit",
        lambda v: circles.match_circles(MENTEES, MENTORS, time_limit=v),
        5,
    ),
    (
        "lifecycle.diff.tol",
        lambda v: lifecycle.diff(
            MATCHER.match(MENTEES, MENTORS), MATCHER.match(MENTEES, MENTORS), tol=v
        ),
        1,
    ),
    (
        "fit_weights.min_pairs",
        lambda v: calibrate.fit_weights(_records(), "outcome", min_pairs=v),
        30,
    ),
    (
        "fit_weights.min_per_class",
        lambda v: calibrate.fit_weights(_records(), "outcome", min_per_class=v),
        5,
    ),
    ("fit_weights.n_boot", lambda v: calibrate.fit_weights(_records(), "outcome", n_boot=v), 100),
    (
        "fit_weights.seed",
        lambda v: calibrate.fit_weights(_records(), "outcome", n_boot=100, seed=v),
        3,
    ),
]
NUMERIC_IDS = [label for label, _, _ in NUMERIC]


@pytest.mark.parametrize(("label", "call", "valid"), NUMERIC, ids=NUMERIC_IDS)
@pytest.mark.parametrize("flag", [True, False, np.True_, np.False_], ids=repr)
def test_a_bool_is_never_a_number(
    label: str, call: Callable[[Any], object], valid: object, flag: object
) -> None:
    with pytest.raises(BAD) as info:
        call(flag)
    assert "True" in str(info.value) or "False" in str(info.value) or "bool" in str(info.value)


def _numpy_forms(valid: int | float, few: bool = False) -> list[object]:
    forms: list[object] = [np.float64(valid)] if few else [np.float64(valid), np.float32(valid)]
    if float(valid).is_integer():
        forms += (
            [np.int64(valid)]
            if few
            else [np.int64(valid), np.int32(valid), np.uint8(valid), np.int16(valid), float(valid)]
        )
    return forms


@pytest.mark.parametrize(("label", "call", "valid"), NUMERIC, ids=NUMERIC_IDS)
def test_numpy_scalars_are_taken_as_python_numbers(
    label: str, call: Callable[[Any], object], valid: int | float
) -> None:
    expected = call(valid)
    slow = label.startswith(("fit_weights", "match_circles"))  # a model fit, an integer program
    for value in _numpy_forms(valid, few=slow):
        got = call(value)
        if isinstance(expected, mm.Mentor | mm.Mentee | mm.MatchResult) or hasattr(
            expected, "__dataclass_fields__"
        ):
            assert got == expected, (label, value)
        else:  # configuration objects: the same repr, the same behaviour
            assert repr(got) == repr(expected), (label, value)


def test_numpy_bools_are_bools_and_numbers_are_not() -> None:
    assert mm.StatedPreferences(mutual=np.True_).mutual is True
    for bad in (1, 0, 1.0, "yes", None):
        with pytest.raises(
            mm.MentormatchError,
            match="'mutual' parameter of StatedPreferences must be True or False",
        ):
            mm.StatedPreferences(mutual=bad)
    fit = calibrate.WeightFit(
        {"goal_overlap": 1.0},
        {},
        (),
        "binary",
        "roc_auc",
        0.5,
        mm.ConfidenceInterval(0.4, 0.6),
        40,
        False,
    )
    assert fit.matcher([mm.GoalOverlap()], force=np.True_).criteria[0].name == "goal_overlap"
    with pytest.raises(mm.MentormatchError, match="'force'"):
        fit.matcher([mm.GoalOverlap()], force=1)


def test_a_criterion_of_the_users_own_with_a_numpy_weight_is_taken() -> None:
    class Mine:
        name = "mine"
        weight = np.int64(2)

        def score(self, mentees: Any, mentors: Any) -> Any:
            return np.ones((len(mentees), len(mentors)))

        def explain(self, mentee: Any, mentor: Any, value: float) -> str:
            return "mine"

    sm = mm.Matcher([Mine(), mm.GoalOverlap()]).score(MENTEES, MENTORS)
    assert sm.weights == {"mine": 2.0, "goal_overlap": 1.0}
    for bad in (True, np.bool_(False), float("nan"), -1, 0, "2"):
        Mine.weight = bad  # type: ignore[assignment]
        with pytest.raises(mm.MentormatchError, match="criterion 'mine' has weight"):
            mm.Matcher([Mine()])


@pytest.mark.parametrize(
    "call",
    [
        lambda: mm.Mentor(id="m", capacity=10**400),
        lambda: mm.Mentor(id="m", capacity=-(10**5000)),
        lambda: mm.GoalOverlap(weight=10**400),
        lambda: mm.SkillGap(ideal_gap=10**400),
        lambda: mm.Matcher([mm.GoalOverlap()], min_score=10**400),
        lambda: calibrate.fit_weights(_records(), "outcome", seed=2**64),
    ],
    ids=[
        "capacity-huge-is-fine",
        "capacity-hugely-negative",
        "weight",
        "ideal_gap",
        "min_score",
        "seed",
    ],
)
def test_huge_numbers_never_overflow(call: Callable[[], object]) -> None:
    try:
        call()
    except BAD as exc:
        assert len(str(exc)) < 2000  # the number is shown by its size, not its 400 digits


def test_a_huge_capacity_is_clipped_where_it_cannot_matter() -> None:
    mentors = [
        mm.Mentor(id="m1", goals=["sql"], capacity=2**70),
        mm.Mentor(id="m2", capacity=10**30),
    ]
    for solver in ("dense", "sparse"):
        result = mm.Matcher([mm.GoalOverlap()], solver=solver, candidates=10**30).match(
            MENTEES, mentors
        )
        assert result.n_matched == 3
        assert result.metadata["places"] == 6  # each capacity counts at most the 3 mentees
        assert "2**70" not in str(result.metadata)
        for e in MENTEES:
            text = result.explain(e.id).summary()
            assert "1180591620717411303424" not in text
    assert circles.match_circles(MENTEES, mentors, min_size=10**30, max_size=10**31).circles == ()
    big = circles.match_circles(MENTEES, mentors, min_size=1, max_size=10**31)
    assert sum(len(c.mentee_ids) for c in big.circles) == 3


# -- participants -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "missing", [None, float("nan"), np.nan, pd.NA, pd.NaT, np.datetime64("NaT")], ids=repr
)
def test_a_missing_marker_for_an_optional_field_means_not_given(missing: object) -> None:
    fields = (
        "name",
        "department",
        "manager_id",
        "goals",
        "preferences",
        "about",
        "skills",
        "attributes",
    )
    person = mm.Mentee(id="e1", **dict.fromkeys(fields, missing))  # type: ignore[arg-type]
    assert person == mm.Mentee(id="e1")
    assert mm.Mentor(id="m1", capacity=missing).capacity == 1  # type: ignore[arg-type]
    assert mm.Mentee(id="e1", attributes={"loc": missing, "lang": "fr"}).attributes == {
        "lang": "fr"
    }
    with pytest.raises(pydantic.ValidationError, match="id is missing"):
        mm.Mentee(id=missing)  # type: ignore[arg-type]
    with pytest.raises(pydantic.ValidationError, match="skill 'sql' has no level"):
        mm.Mentee(id="e1", skills={"sql": missing})


@pytest.mark.parametrize(
    ("level", "message"),
    [
        (True, "has level True; a level is a whole number from 1 to 5, not True or False"),
        (np.False_, "not True or False"),
        (2.5, "has level 2.5; a level is a whole number"),
        ("3", "has level '3'; a level is a whole number"),
        (np.float64(7.0), "has level 7; levels run from 1 to 5"),
        (10**400, "levels run from 1 to 5"),
    ],
    ids=["bool", "numpy-bool", "fraction", "text", "too-high", "huge"],
)
def test_skill_levels_are_whole_numbers_1_to_5(level: object, message: str) -> None:
    with pytest.raises(pydantic.ValidationError, match=message):
        mm.Mentee(id="e1", skills={"sql": level})


def test_skill_levels_and_capacities_from_pandas_columns() -> None:
    frame = pd.DataFrame(
        {"id": ["m1", "m2"], "capacity": pd.array([2, None], dtype="Int64"), "sql": [4.0, np.nan]}
    )
    mentors = [
        mm.Mentor(id=row.id, capacity=row.capacity, skills=pd.Series({"sql": row.sql}).dropna())
        for row in frame.itertuples()
    ]
    assert mentors == [mm.Mentor(id="m1", capacity=2, skills={"sql": 4}), mm.Mentor(id="m2")]


def test_participants_are_truly_read_only() -> None:
    person = mm.Mentee(id="e1", skills={"sql": 2}, attributes={"loc": "Paris"})
    with pytest.raises(TypeError, match="read-only"):
        person.skills["sql"] = 9  # type: ignore[index]
    with pytest.raises(TypeError, match="read-only"):
        person.attributes.update(loc="Berlin")  # type: ignore[attr-defined]
    with pytest.raises(pydantic.ValidationError):
        person.skills = {"sql": 9}  # type: ignore[misc]
    with pytest.raises(pydantic.ValidationError, match="levels run from 1 to 5"):
        person.model_copy(update={"skills": {"sql": 9}})
    assert person.model_copy(update={"skills": {"sql": 3}}).skills == {"sql": 3}
    assert person.model_dump()["skills"] == {"sql": 2}
    assert mm.Mentee.model_validate_json(person.model_dump_json()) == person
    assert hash(person) == hash(mm.Mentee(id="e1", skills={"sql": 2}, attributes={"loc": "Paris"}))


# -- collections of participants ----------------------------------------------------------


def _forms(people: list[Any]) -> dict[str, Callable[[], Iterable[Any]]]:
    return {
        "list": lambda: list(people),
        "tuple": lambda: tuple(people),
        "generator": lambda: (p for p in people),
        "series": lambda: pd.Series(people, dtype=object),
        "series-with-an-index": lambda: pd.Series(
            people, index=[f"r{i}" for i in range(len(people))], dtype=object
        ),
        "object-array": lambda: np.array([*people, None], dtype=object)[:-1],
    }


#: Every function taking participants, as ``f(mentees, mentors) -> comparable answer``.
TAKERS: dict[str, Callable[[Any, Any], object]] = {
    "validate_programme": lambda e, m: mm.validate_programme(e, m),
    "Matcher.score": lambda e, m: MATCHER.score(e, m),
    "Matcher.match": lambda e, m: MATCHER.match(e, m),
    "Matcher.match(keep=)": lambda e, m: MATCHER.match(e, m, keep=[("e2", "m2")]),
    "lifecycle.rematch": lambda e, m: lifecycle.rematch(MATCHER, e, m, exclude=[("e1", "m1")]),
    "lifecycle.review": lambda e, m: lifecycle.review(MATCHER, e, m, lock=[("e1", "m2")]).diff,
    "shortlist": lambda e, m: shortlist.shortlist(MATCHER, e, m, k=2),
    "Matcher.shortlist": lambda e, m: MATCHER.shortlist(e, m, k=1),
    "match_circles": lambda e, m: circles.match_circles(e, m, min_size=1, max_size=2),
    "match_maximin": lambda e, m: fairness.match_maximin(MATCHER, e, m),
    "blocking_pairs": lambda e, m: stability.blocking_pairs(MATCHER.match(MENTEES, MENTORS), e, m),
    "rank_matrices": lambda e, m: tuple(x.tolist() for x in stability.rank_matrices(e, m)),
}


@pytest.mark.parametrize("taker", TAKERS, ids=list(TAKERS))
def test_every_collection_gives_the_same_answer(taker: str) -> None:
    call = TAKERS[taker]
    expected = call(list(MENTEES), list(MENTORS))
    tees, tors = _forms(MENTEES), _forms(MENTORS)
    for kind in tees:
        got = call(tees[kind](), tors[kind]())
        assert got == expected, kind


class _Once:
    """An iterable that can be read only once, like a generator or a cursor."""

    def __init__(self, people: list[Any]) -> None:
        self.people = people
        self.read = False

    def __iter__(self) -> Iterator[Any]:
        assert not self.read, "read twice"
        self.read = True
        return iter(self.people)


@pytest.mark.parametrize("taker", TAKERS, ids=list(TAKERS))
def test_collections_are_read_once(taker: str) -> None:
    TAKERS[taker](_Once(MENTEES), _Once(MENTORS))


@pytest.mark.parametrize(
    ("people", "message"),
    [
        (MENTEES[0], "got a single Mentee: wrap it in a list"),
        ("e1", "got a str"),
        ({"e1": MENTEES[0]}, "got a dict"),
        (pd.DataFrame({"id": ["e1"]}), "read a table of sign-ups with mentormatch.io.read_signups"),
        (np.array([MENTEES, MENTEES], dtype=object), "must be one-dimensional"),
        (3, "cannot be iterated"),
        ([{"id": "e1"}], "mentee #0 is a dict; build Mentee"),
        ([MENTORS[0]], "mentee #0 is a Mentor, not a Mentee"),
    ],
    ids=["single", "text", "dict", "dataframe", "2-d", "number", "dict-row", "wrong-role"],
)
def test_what_is_not_a_collection_of_people_is_refused_with_the_fix(
    people: object, message: str
) -> None:
    for call in TAKERS.values():
        with pytest.raises(mm.MentormatchError, match=message):
            call(people, MENTORS)


# -- what a criterion or a rule returns ---------------------------------------------------

GOOD = np.array([[0.5, 1.0], [0.0, 0.25], [1.0, 0.0]])
with warnings.catch_warnings():  # numpy discourages np.matrix; users still hand it in
    warnings.simplefilter("ignore", PendingDeprecationWarning)
    MATRIX = np.asmatrix(GOOD)


class _Returns:
    weight = 1.0

    def __init__(self, name: str, value: Any) -> None:
        self.name = name
        self.value = value

    def score(self, mentees: Any, mentors: Any) -> Any:
        return self.value

    def allowed(self, mentees: Any, mentors: Any) -> Any:
        return self.value

    def explain(self, *args: Any) -> str:
        return self.name


@pytest.mark.parametrize(
    "value",
    [
        GOOD,
        GOOD.tolist(),
        tuple(map(tuple, GOOD.tolist())),
        GOOD.astype(np.float32),
        pd.DataFrame(GOOD),
        pd.DataFrame(GOOD, dtype="Float64"),
        MATRIX,
        sp.csr_matrix(GOOD),
        sp.coo_array(GOOD),
        GOOD.astype(object),
    ],
    ids=[
        "array",
        "lists",
        "tuples",
        "float32",
        "dataframe",
        "nullable-dataframe",
        "matrix",
        "csr",
        "coo-array",
        "object",
    ],
)
def test_a_criterion_may_return_any_array_like(value: Any) -> None:
    sm = mm.Matcher([_Returns("c", value)]).score(MENTEES, MENTORS)
    assert np.array_equal(sm.by_criterion["c"], GOOD)  # every value of GOOD is exact in float32


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            GOOD[:, :1],
            r"criterion 'c' returned shape \(3, 1\); expected \(3, 2\) for 3 mentees x 2 mentors",
        ),
        (GOOD.ravel(), r"returned shape \(6,\); expected \(3, 2\)"),
        (0.5, r"returned shape \(\); expected \(3, 2\)"),
        (
            np.where(GOOD > 0.9, np.nan, GOOD),
            r"returned a non-finite value \(nan\) for mentee 'e1' and mentor 'm2'",
        ),
        (np.where(GOOD > 0.9, np.inf, GOOD), r"non-finite value \(inf\)"),
        (GOOD * 2, r"returned 2.0 for mentee 'e1' and mentor 'm2'; scores must lie in \[0, 1\]"),
        # the large path scores rows in its canonical (hashed-id) order: e2 or e3 comes first
        (GOOD - 0.5, r"returned -0.5 for mentee 'e[23]'"),
        (GOOD.astype(str), r"returned ndarray of text, not an array of numbers"),
        (
            pd.DataFrame(GOOD, dtype="Float64").mask(GOOD > 0.9),
            r"returned <NA> for mentee 'e1' and mentor 'm2'.*a missing value is not a score",
        ),
        (
            np.array([[0.5, None], [0, 0], [0, 0]], dtype=object),
            r"returned None for mentee 'e1' and mentor 'm2'",
        ),
        (np.array([[0.5, "x"], [0, 0], [0, 0]], dtype=object), r"returned 'x' for mentee 'e1'"),
        (None, r"returned shape \(\)"),
    ],
    ids=[
        "shape",
        "1-d",
        "scalar",
        "nan",
        "inf",
        "above-1",
        "below-0",
        "text",
        "NA",
        "None",
        "text-in-objects",
        "nothing",
    ],
)
def test_a_bad_criterion_output_is_an_error_naming_the_criterion(value: Any, message: str) -> None:
    with pytest.raises(mm.MentormatchError, match=message):
        mm.Matcher([_Returns("c", value)]).score(MENTEES, MENTORS)
    with pytest.raises(mm.MentormatchError, match=message):  # the large path checks it too
        mm.Matcher([_Returns("c", value)], solver="sparse").match(MENTEES, MENTORS)


ALLOWED = np.array([[True, False], [True, True], [False, True]])


@pytest.mark.parametrize(
    "value",
    [
        ALLOWED,
        ALLOWED.tolist(),
        pd.DataFrame(ALLOWED),
        pd.DataFrame(ALLOWED, dtype="boolean"),
        np.array(ALLOWED.tolist(), dtype=object),
        np.array(
            [[np.True_, np.False_], [np.True_, np.True_], [np.False_, np.True_]], dtype=object
        ),
        sp.csr_matrix(ALLOWED),
    ],
    ids=["array", "lists", "dataframe", "nullable-dataframe", "objects", "numpy-bools", "sparse"],
)
def test_a_rule_may_return_any_bool_array_like(value: Any) -> None:
    sm = mm.Matcher([mm.GoalOverlap()], [_Returns("r", value)]).score(MENTEES, MENTORS)
    assert np.array_equal(sm.allowed, ALLOWED)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            ALLOWED[:2],
            r"constraint 'r' returned shape \(2, 2\); expected \(3, 2\) for 3 mentees x 2 mentors",
        ),
        (
            ALLOWED.astype(int),
            r"constraint 'r' returned dtype int64; allowed\(\) must return booleans",
        ),
        (ALLOWED.astype(float), r"returned dtype float64"),
        (
            pd.DataFrame(ALLOWED, dtype="boolean").mask(~ALLOWED),
            r"returned <NA> for mentee 'e1' and mentor 'm2'.*a missing value is neither",
        ),
        (
            np.array([[True, 1], [True, True], [True, True]], dtype=object),
            r"returned 1 for mentee 'e1' and mentor 'm2'",
        ),
    ],
    ids=["shape", "ints", "floats", "NA", "a-number-among-bools"],
)
def test_a_bad_rule_output_is_an_error_naming_the_rule(value: Any, message: str) -> None:
    with pytest.raises(mm.MentormatchError, match=message):
        mm.Matcher([mm.GoalOverlap()], [_Returns("r", value)]).score(MENTEES, MENTORS)


def test_a_criterion_keeping_what_it_returned_cannot_change_the_result() -> None:
    kept = GOOD.copy()
    sm = mm.Matcher([_Returns("c", kept)]).score(MENTEES, MENTORS)
    kept[:] = 0.0
    assert np.array_equal(sm.by_criterion["c"], GOOD)
    with pytest.raises(ValueError, match="read-only"):
        sm.total[0, 0] = 1.0


# -- dates --------------------------------------------------------------------------------

DAY = date(2025, 6, 30)
DATE_LIKES: dict[str, object] = {
    "date": DAY,
    "datetime": datetime(2025, 6, 30, 9, 30),
    "Timestamp": pd.Timestamp("2025-06-30 23:59"),
    "Timestamp-tz": pd.Timestamp("2025-06-30 12:00", tz="Europe/Paris"),
    "datetime64[D]": np.datetime64("2025-06-30"),
    "datetime64[ns]": np.datetime64("2025-06-30T17:00:00.000000000"),
    "iso": "2025-06-30",
    "iso-spaces": " 2025-06-30 ",
    "iso-time": "2025-06-30T09:00",
    "iso-space-time": "2025-06-30 09:00:00",
    "iso-zulu": "2025-06-30T09:00:00Z",
    "numpy-str": np.str_("2025-06-30"),
    "pandas-period-start": pd.Period("2025-06-30", "D").start_time,
}
MISSING: dict[str, object] = {
    "None": None,
    "nan": float("nan"),
    "np.nan": np.float64("nan"),
    "float32-nan": np.float32("nan"),
    "pd.NA": pd.NA,
    "pd.NaT": pd.NaT,
    "datetime64-NaT": np.datetime64("NaT"),
}
NOT_DATES: dict[str, object] = {
    "bool": True,
    "int": 20250630,
    "float": 2025.5,
    "month-13": "2025-13-01",
    "words": "last Tuesday",
    "empty": "",
    "bytes": b"2025-06-30",
    "list": ["2025-06-30"],
    "year-0": np.datetime64("-0001-01-01"),
}
#: The date parameters of the library: its date boundary serves every one of them.
DATE_PARAMS = ["as_of", "started", "ended", "planned_end", "start", "meeting"]


@pytest.mark.parametrize("param", DATE_PARAMS)
@pytest.mark.parametrize("kind", DATE_LIKES)
def test_every_date_like_is_a_date(kind: str, param: str) -> None:
    assert to_date(DATE_LIKES[kind], param) == DAY
    assert to_date(DATE_LIKES[kind], param, missing=True) == DAY


@pytest.mark.parametrize("param", DATE_PARAMS)
@pytest.mark.parametrize("kind", MISSING)
def test_missing_markers_are_missing_where_allowed_and_named_where_not(
    kind: str, param: str
) -> None:
    value = MISSING[kind]
    assert is_missing(value)
    assert to_date(value, param, missing=True) is None
    with pytest.raises(mm.MentormatchError, match=f"The '{param}' parameter is missing") as info:
        to_date(value, param)
    assert info.value.field == param


@pytest.mark.parametrize("param", DATE_PARAMS)
@pytest.mark.parametrize("kind", NOT_DATES)
def test_anything_else_is_an_error_naming_the_parameter(kind: str, param: str) -> None:
    with pytest.raises(mm.MentormatchError, match=f"The '{param}' parameter") as info:
        to_date(NOT_DATES[kind], param, missing=True)
    assert info.value.field == param


def test_datelike_is_public_for_annotations() -> None:
    assert mm.DateLike is DateLike
    assert "DateLike" in mm.__all__


def test_whole_numbers_are_one_rule() -> None:
    assert [
        as_whole(v) for v in (np.int8(3), np.uint64(2**64 - 1), 3.0, np.float32(2.0), 2**70)
    ] == [
        3,
        2**64 - 1,
        3,
        2,
        2**70,
    ]
    assert [
        as_whole(v) for v in (True, np.True_, 2.5, math.inf, float("nan"), pd.NA, "3", None)
    ] == [None] * 8


def test_past_pairs_come_as_records_a_dataframe_or_a_generator() -> None:
    records = _records(60)
    fit = calibrate.fit_weights(records, "outcome", n_boot=100)
    assert calibrate.fit_weights(pd.DataFrame(records), "outcome", n_boot=100) == fit
    assert calibrate.fit_weights((r for r in records), "outcome", n_boot=100) == fit
    numpy_records = [
        {k: np.float64(v) if k != "outcome" else np.bool_(v) for k, v in r.items()} for r in records
    ]
    assert calibrate.fit_weights(numpy_records, "outcome", n_boot=np.int64(100)) == fit
    for bad, message in [
        ("x", "got str"),
        ({"a": 1}, "got dict"),
        ([1, 2], "record 0 is a int"),
        (3, "got int"),
    ]:
        with pytest.raises(mm.MentormatchError, match=message):
            calibrate.fit_weights(bad, "outcome")  # type: ignore[arg-type]


def test_preset_takes_what_each_preset_takes() -> None:
    matcher = presets.preset(
        "onboarding", min_score=np.float64(0.25), constraints=[mm.SameAttribute("location")]
    )
    assert matcher.min_score == 0.25 and [r.name for r in matcher.constraints] == [
        "reporting_line",
        "same_location",
    ]
