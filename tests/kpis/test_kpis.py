"""Tests of mentormatch.kpis: intervals pinned to published and package values,
reading relationships, KPIs, at-risk flags, breakdown suppression and targets."""

from __future__ import annotations

import io
import math
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from mentormatch._errors import MentormatchError
from mentormatch._intervals import ConfidenceInterval
from mentormatch.kpis import (
    KPI_NAMES,
    NoDataError,
    Rate,
    Relationship,
    at_risk,
    breakdown,
    check_target,
    compare_rates,
    completion_rate,
    early_termination_rate,
    goal_attainment,
    load_demo_relationships,
    load_targets,
    match_rate,
    meeting_cadence,
    mentor_utilisation,
    proportion,
    read_relationships,
    satisfaction_summary,
    time_to_match,
)
from tests.stand_ins import StandInMatch as _Match
from tests.stand_ins import StandInResult as _Result
from tests.stand_ins import StandInUnmatched as _Unmatched

AS_OF = date(2026, 3, 1)

# ----------------------------------------------------------------------------------
# Reference values for single proportions: statsmodels 0.15.0,
# statsmodels.stats.proportion.proportion_confint(k, n, alpha, method) with
# method = "wilson", "beta" (Clopper-Pearson) and "agresti_coull", computed in a
# separate virtual environment and pasted here: (k, n, confidence, low, high).
WILSON = [
    (38, 52, 0.95, 0.5974778016637287, 0.8323103970483349),
    (38, 52, 0.90, 0.6200556452232939, 0.8186567499865061),
    (0, 10, 0.95, 0.0, 0.27753279986288926),
    (10, 10, 0.95, 0.7224672001371106, 1.0),
    (1, 1, 0.95, 0.2065493143772374, 1.0),
    (0, 1, 0.90, 0.0, 0.730134051215946),
    (7, 10, 0.95, 0.39677814746114537, 0.8922087325936989),
    (81, 263, 0.95, 0.2552885198782742, 0.36620957698280004),
    (3, 500, 0.95, 0.002042596271960238, 0.017490252104053382),
    (499, 500, 0.90, 0.9910858741996682, 0.9995536890290091),
]
CLOPPER_PEARSON = [
    (38, 52, 0.95, 0.5897570445405818, 0.8443173498809233),
    (38, 52, 0.90, 0.6115403317784123, 0.8292976432765856),
    (0, 10, 0.95, 0.0, 0.30849710781876083),
    (10, 10, 0.95, 0.6915028921812392, 1.0),
    (1, 1, 0.95, 0.025, 1.0),
    (0, 1, 0.90, 0.0, 0.95),
    (7, 10, 0.95, 0.3475471499400027, 0.9332604888222655),
    (81, 263, 0.95, 0.25273674558527126, 0.3676219226013514),
    (3, 500, 0.95, 0.0012390575435407506, 0.017433673725913514),
    (499, 500, 0.90, 0.9905477177919249, 0.999897418673049),
]
AGRESTI_COULL = [
    (38, 52, 0.95, 0.5964826566836946, 0.8333055420283689),
    (38, 52, 0.90, 0.6194341531860214, 0.8192782420237789),
    (0, 10, 0.95, 0.0, 0.3208873057505458),
    (10, 10, 0.95, 0.6791126942494543, 1.0),
    (1, 1, 0.95, 0.167499485479413, 1.0),
    (0, 1, 0.90, 0.0, 0.7764549564150678),
    (7, 10, 0.95, 0.39232529797726956, 0.8966615820775747),
    (81, 263, 0.95, 0.25522066518999675, 0.3662774316710775),
    (3, 500, 0.95, 0.001179497478219554, 0.018353350897794066),
    (499, 500, 0.90, 0.9903126985445285, 1.0),
]


@pytest.mark.parametrize(
    ("method", "cases"),
    [("wilson", WILSON), ("clopper-pearson", CLOPPER_PEARSON), ("agresti-coull", AGRESTI_COULL)],
)
def test_proportion_matches_statsmodels(method: str, cases: list[tuple[int, ...]]) -> None:
    for k, n, conf, low, high in cases:
        rate = proportion(int(k), int(n), float(conf), method)
        assert rate.ci.low == pytest.approx(low, abs=1e-9), (method, k, n, conf)
        assert rate.ci.high == pytest.approx(high, abs=1e-9), (method, k, n, conf)
        assert rate.ci.level == conf
        assert (rate.numerator, rate.denominator, rate.method) == (k, n, method)


# Newcombe RG (1998), "Interval estimation for the difference between independent
# proportions: comparison of eleven methods", Statistics in Medicine 17:873-890,
# Table II, method 10 (hybrid score, no continuity correction), examples (a)-(h).
# Four-decimal values as published; examples (a), (b) and (g) are also pinned in
# the DescTools R package's tests (BinomDiffCI, method "score"), which reproduce
# the table, and all eight agree with statsmodels 0.15.0
# confint_proportions_2indep(..., method="newcomb", compare="diff").
NEWCOMBE_TABLE_II = [
    ((56, 70, 48, 80), (0.0524, 0.3339)),
    ((9, 10, 3, 10), (0.1705, 0.8090)),
    ((6, 7, 2, 7), (0.0582, 0.8062)),
    ((5, 56, 0, 29), (-0.0381, 0.1926)),
    ((0, 10, 0, 20), (-0.1611, 0.2775)),
    ((0, 10, 0, 10), (-0.2775, 0.2775)),
    ((10, 10, 0, 20), (0.6791, 1.0000)),
    ((10, 10, 0, 10), (0.6075, 1.0000)),
]
# statsmodels 0.15.0 confint_proportions_2indep(..., method="newcomb"), full precision.
NEWCOMBE_STATSMODELS = [
    ((56, 70, 48, 80), (0.05243147240236498, 0.33387265403690614)),
    ((84, 101, 89, 105), (-0.11774964978519353, 0.08507135181574296)),
    ((5, 56, 0, 29), (-0.038137147903536936, 0.19256001385511165)),
]


@pytest.mark.parametrize(("counts", "expected"), NEWCOMBE_TABLE_II)
def test_compare_rates_reproduces_newcombe_table_ii(
    counts: tuple[int, int, int, int], expected: tuple[float, float]
) -> None:
    d = compare_rates(*counts)
    k1, n1, k2, n2 = counts
    assert d.difference == pytest.approx(k1 / n1 - k2 / n2)
    assert round(d.ci.low, 4) == expected[0]
    assert round(d.ci.high, 4) == expected[1]
    assert d.ci.contains(d.difference)


@pytest.mark.parametrize(("counts", "expected"), NEWCOMBE_STATSMODELS)
def test_compare_rates_matches_statsmodels(
    counts: tuple[int, int, int, int], expected: tuple[float, float]
) -> None:
    d = compare_rates(*counts)
    assert (d.ci.low, d.ci.high) == pytest.approx(expected, abs=1e-9)


def test_compare_rates_is_antisymmetric_and_documents_association() -> None:
    a, b = compare_rates(9, 12, 20, 138), compare_rates(20, 138, 9, 12)
    assert a.ci.low == pytest.approx(-b.ci.high) and a.ci.high == pytest.approx(-b.ci.low)
    assert a.first is not None and a.first.denominator == 12
    doc = compare_rates.__doc__ or ""
    assert "not a causal effect" in doc and "comparable groups" in doc
    assert str(compare_rates(56, 70, 48, 80)).startswith("+20.0 points (95% CI +5.2 to +33.4")


def test_rate_summary_format() -> None:
    assert str(proportion(38, 52)) == "38/52 = 73.1% (95% CI 59.7%–83.2%, Wilson)"
    assert proportion(38, 52).summary() == str(proportion(38, 52))
    assert "90% CI" in proportion(5, 9, confidence=0.9).summary()


def test_proportion_edges_and_errors() -> None:
    zero, full = proportion(0, 7), proportion(7, 7)
    assert zero.ci.low == 0.0 and zero.ci.high > 0
    assert full.ci.high == 1.0 and full.ci.low < 1
    with pytest.raises(NoDataError, match="n = 0"):
        proportion(0, 0)
    assert issubclass(NoDataError, MentormatchError)
    with pytest.raises(MentormatchError, match="'wilson', 'clopper-pearson', 'agresti-coull'"):
        proportion(1, 2, method="wald")
    with pytest.raises(MentormatchError, match="larger than"):
        proportion(3, 2)
    with pytest.raises(MentormatchError, match=">= 0"):
        proportion(-1, 2)
    with pytest.raises(MentormatchError, match="confidence"):
        proportion(1, 2, confidence=95)
    with pytest.raises(MentormatchError, match="whole number"):
        proportion(1.5, 2)  # type: ignore[arg-type]
    assert proportion(1, 2, method="Clopper_Pearson").method == "clopper-pearson"


@settings(max_examples=150, deadline=None)
@given(
    n=st.integers(1, 2000),
    frac=st.floats(0, 1),
    conf=st.sampled_from([0.8, 0.9, 0.95, 0.99]),
    method=st.sampled_from(["wilson", "clopper-pearson", "agresti-coull"]),
)
def test_property_rates_in_unit_interval_and_ci_contains_estimate(
    n: int, frac: float, conf: float, method: str
) -> None:
    k = round(frac * n)
    r = proportion(k, n, conf, method)
    assert 0.0 <= r.ci.low <= r.value <= r.ci.high <= 1.0
    assert r.value == k / n


@settings(max_examples=100, deadline=None)
@given(
    n1=st.integers(1, 300),
    n2=st.integers(1, 300),
    f1=st.floats(0, 1),
    f2=st.floats(0, 1),
)
def test_property_newcombe_interval_contains_difference(
    n1: int, n2: int, f1: float, f2: float
) -> None:
    d = compare_rates(round(f1 * n1), n1, round(f2 * n2), n2)
    assert -1.0 <= d.ci.low <= d.difference <= d.ci.high <= 1.0


# ------------------------------------------------------------------ relationships
def rel(
    mentee: str = "e01",
    mentor: str = "m01",
    *,
    started: date = date(2025, 9, 1),
    status: str = "active",
    ended: date | None = None,
    planned_end: date | None = None,
    meetings: tuple[date, ...] = (),
    goals: tuple[int, int] = (0, 0),
    satisfaction: float | None = None,
    **attributes: str,
) -> Relationship:
    return Relationship(
        mentee_id=mentee,
        mentor_id=mentor,
        started=started,
        status=status,
        ended=ended,
        planned_end=planned_end,
        meetings=meetings,
        goals_set=goals[0],
        goals_met=goals[1],
        satisfaction=satisfaction,
        attributes=attributes,
    )


def test_relationship_validation_names_field_and_pair() -> None:
    with pytest.raises(ValidationError, match=r"mentee 'e07', mentor 'm02'.*ended 2025-08-01"):
        rel("e07", "m02", status="completed", ended=date(2025, 8, 1))
    with pytest.raises(
        ValidationError, match=r"mentee 'e07'.*goals_met 3 is more than goals_set 2"
    ):
        rel("e07", goals=(2, 3))
    with pytest.raises(ValidationError, match=r"meeting on 2025-08-30 is before started"):
        rel("e07", meetings=(date(2025, 8, 30),))
    with pytest.raises(ValidationError, match=r"mentee 'e07'.*status 'paused' is not one of"):
        rel("e07", status="paused")
    with pytest.raises(ValidationError, match="status is 'active' but ended"):
        rel(ended=date(2025, 10, 1))
    with pytest.raises(ValidationError, match="goals_set"):
        rel(goals=(-1, 0))
    assert rel(satisfaction=math.nan).satisfaction is None  # NaN is how pandas writes "none"
    with pytest.raises(ValidationError, match="satisfaction must be a finite number"):
        rel(satisfaction=math.inf)
    r = rel(meetings=(date(2025, 10, 1), date(2025, 9, 2)), status="Active")
    assert r.meetings == (date(2025, 9, 2), date(2025, 10, 1)) and r.status == "active"
    assert r.key == ("e01", "m01")
    with pytest.raises(ValidationError):
        r.status = "completed"  # type: ignore[misc]


CSV = """\
Mentee ID , MENTOR_ID,Started,Planned End,Ended,Status,Meetings,Goals Set,Goals Met,Satisfaction,Department,Cohort
e01,m01,2025-03-01,2025-12-01,2025-11-20,completed,2025-03-10;2025-04-10,3,3,4.5,Finance,spring
e02,m01,2025-03-01,2025-12-01,,active,"2025-03-12; 2025-05-01",2,1,,People,spring
e03,m02,2025-03-05,,2025-06-01,Ended early,,0,0,2,Finance,
"""


def test_read_relationships_csv_columns_and_attributes() -> None:
    rs = read_relationships(io.StringIO(CSV))
    assert [r.mentee_id for r in rs] == ["e01", "e02", "e03"]
    assert rs[0].attributes == {"department": "Finance", "cohort": "spring"}
    assert rs[2].attributes == {"department": "Finance"}
    assert rs[1].meetings == (date(2025, 3, 12), date(2025, 5, 1))
    assert rs[2].status == "ended_early" and rs[2].satisfaction == 2.0
    assert rs[0].goals_set == 3 and rs[1].planned_end == date(2025, 12, 1)


def test_read_relationships_bom_semicolon_bytes_and_path(tmp_path: Path) -> None:
    text = (
        CSV.replace(",", ";")
        .replace("2025-03-10;2025-04-10", '"2025-03-10;2025-04-10"')
        .replace('"2025-03-12; 2025-05-01"', "2025-03-12 2025-05-01")
    )
    data = ("\ufeff" + text).encode("utf-8")
    rs = read_relationships(io.BytesIO(data))
    assert len(rs) == 3 and rs[1].meetings[1] == date(2025, 5, 1)
    path = tmp_path / "rel.csv"
    path.write_bytes(data)
    assert read_relationships(path) == rs
    assert read_relationships(str(path)) == rs


def test_read_relationships_meetings_file() -> None:
    meetings = "mentee_id,mentor_id,date\ne03,m02,2025-03-20\ne01,m01,2025-05-10\n"
    rs = read_relationships(io.StringIO(CSV), meetings=io.StringIO(meetings))
    assert rs[2].meetings == (date(2025, 3, 20),)
    assert rs[0].meetings[-1] == date(2025, 5, 10)
    with pytest.raises(
        MentormatchError, match=r"row 2, column 'mentee_id', id 'e09': no relationship"
    ):
        read_relationships(
            io.StringIO(CSV), meetings=io.StringIO("mentee_id,mentor_id,date\ne09,m01,2025-05-10\n")
        )
    with pytest.raises(
        MentormatchError, match=r"row 2, column 'date', id 'e01': meeting .*is before started"
    ):
        read_relationships(
            io.StringIO(CSV), meetings=io.StringIO("mentee_id,mentor_id,date\ne01,m01,2024-05-10\n")
        )


HEADER = "mentee_id,mentor_id,started,ended,status,goals_set,goals_met\n"


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            "e12,m01,2024-02-01,2024-01-03,completed,0,0",
            "row 3, column 'ended', id 'e12': ended 2024-01-03 is before started 2024-02-01; fix the dates",
        ),
        (
            "e12,m01,2024-02-31,,active,0,0",
            "row 3, column 'started', id 'e12': started '2024-02-31' is not a date",
        ),
        (
            "e12,m01,2024-02-01,,paused,0,0",
            "row 3, column 'status', id 'e12': status 'paused' is not one of",
        ),
        (
            "e12,m01,2024-02-01,,active,1,2",
            "row 3, column 'goals_met', id 'e12': goals_met 2 is more than goals_set 1",
        ),
        (
            "e12,m01,2024-02-01,,active,x,0",
            "row 3, column 'goals_set', id 'e12': goals_set 'x' is not a whole number",
        ),
        (",m01,2024-02-01,,active,0,0", "row 3, column 'mentee_id': mentee_id is empty"),
        (
            "e00,m00,2024-02-01,,active,0,0",
            "row 3, column 'mentee_id', id 'e00': mentee 'e00' and mentor 'm00' already",
        ),
    ],
)
def test_read_relationships_row_numbered_errors(row: str, message: str) -> None:
    text = HEADER + "e00,m00,2024-01-01,,active,0,0\n" + row + "\n"
    with pytest.raises(MentormatchError) as info:
        read_relationships(io.StringIO(text))
    assert str(info.value).splitlines()[1].strip().startswith(message)


def test_read_relationships_structural_errors(tmp_path: Path) -> None:
    with pytest.raises(MentormatchError, match=r"missing column.*status"):
        read_relationships(io.StringIO("mentee_id,mentor_id,started\ne1,m1,2025-01-01\n"))
    with pytest.raises(MentormatchError, match="empty"):
        read_relationships(io.StringIO(""))
    with pytest.raises(MentormatchError, match="not UTF-8"):
        read_relationships(
            # 0x81: neither UTF-8 nor Windows-1252 (which would be read, with a warning)
            io.BytesIO(HEADER.encode() + b"\x811,m1,2025-01-01,,active,0,0\n")
        )
    with pytest.raises(MentormatchError, match="no such file"):
        read_relationships(tmp_path / "missing.csv")
    with pytest.raises(MentormatchError, match="both mean 'status'"):
        read_relationships(io.StringIO("mentee_id,mentor_id,started,Status,status\n"))
    with pytest.raises(MentormatchError, match="expected a path"):
        read_relationships(42)


def test_read_relationships_from_dataframe() -> None:
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(
        {
            " Mentee_ID": ["e01", "e02"],
            "mentor_id": ["m01", "m02"],
            "started": [pd.Timestamp("2025-03-01"), pd.Timestamp("2025-03-02")],
            "ended": [pd.NaT, pd.Timestamp("2025-06-01")],
            "status": ["active", "completed"],
            "goals_set": [2.0, float("nan")],
            "Department": ["Finance", None],
        },
        index=[10, 11],
    )
    rs = read_relationships(frame)
    assert rs[1].ended == date(2025, 6, 1) and rs[1].goals_set == 0
    assert rs[0].attributes == {"department": "Finance"} and rs[1].attributes == {}
    frame.loc[11, "ended"] = pd.Timestamp("2025-01-01")
    with pytest.raises(
        MentormatchError, match=r"row 11, column 'ended', id 'e02': ended 2025-01-01"
    ):
        read_relationships(frame)


def test_demo_relationships_shape() -> None:
    rs = load_demo_relationships()
    assert len(rs) == 60
    assert {r.mentee_id for r in rs} == {f"e{i:02d}" for i in range(1, 61)}
    assert {r.mentor_id for r in rs} <= {f"m{i:02d}" for i in range(1, 26)}
    assert {r.status for r in rs} == {"active", "completed", "ended_early"}
    assert all(m.year in (2025, 2026) for r in rs for m in r.meetings)
    assert at_risk(rs, AS_OF)  # some pairs have gone quiet


# --------------------------------------------------------------------------- KPIs


RESULT = _Result(
    (_Match("e1", "m1", 0.9), _Match("e2", "m1", 0.8), _Match("e3", "m2", 0.5)),
    (_Unmatched("e4", "no mentor in department"),),
)


def test_match_rate_counts_and_match_result() -> None:
    assert match_rate(41, 50) == proportion(41, 50)
    r = match_rate(RESULT)
    assert (r.numerator, r.denominator) == (3, 4)
    assert match_rate(RESULT, eligible=10).denominator == 10
    with pytest.raises(MentormatchError, match="eligible"):
        match_rate(3)


def test_completion_and_early_termination_share_denominator() -> None:
    rs = [
        rel("e1", status="completed", ended=date(2025, 12, 1)),
        rel("e2", status="ended_early", ended=date(2025, 10, 1)),
        rel("e3", planned_end=date(2026, 1, 1)),  # overdue on AS_OF
        rel("e4", planned_end=date(2026, 6, 1)),  # still running
        rel("e5"),  # no planned end: not due
    ]
    c = completion_rate(rs, as_of=AS_OF)
    e = early_termination_rate(rs, as_of=AS_OF)
    assert (c.numerator, c.denominator) == (1, 3)
    assert (e.numerator, e.denominator) == (1, 3)
    # the default day is today: e3 and e4 are both past their planned end by now
    assert completion_rate(rs).denominator == 4
    with pytest.raises(NoDataError):
        completion_rate([rel("e4")], as_of=AS_OF)
    with pytest.raises(MentormatchError, match="Relationship records"):
        completion_rate([{"mentee_id": "e1"}])  # type: ignore[list-item]


def test_goal_attainment() -> None:
    rs = [
        rel("e1", status="completed", ended=date(2025, 12, 1), goals=(3, 3)),
        rel("e2", status="completed", ended=date(2025, 12, 1), goals=(2, 1)),
        rel("e3", status="ended_early", ended=date(2025, 10, 1), goals=(0, 0)),
        rel("e4", goals=(4, 0)),
    ]
    g = goal_attainment(rs)
    assert (g.goals.numerator, g.goals.denominator) == (4, 5)
    assert (g.all_goals.numerator, g.all_goals.denominator) == (1, 2)
    assert (g.pairs, g.pairs_without_goals) == (3, 1)
    assert g.rate is g.all_goals
    assert goal_attainment(rs, include_active=True).goals.denominator == 9


def test_meeting_cadence_distribution() -> None:
    start = date(2025, 9, 1)
    rs = [
        rel("e1", started=start, meetings=tuple(start + timedelta(days=30 * i) for i in range(6))),
        rel("e2", started=start, meetings=(start,)),
        rel(
            "e3",
            status="ended_early",
            started=start,
            ended=start + timedelta(days=61),
            meetings=(start, start + timedelta(days=30), start + timedelta(days=60)),
        ),
        rel("e4", started=AS_OF - timedelta(days=5)),  # too new: excluded
        rel("e5", started=AS_OF + timedelta(days=5)),  # not started: ignored
    ]
    c = meeting_cadence(rs, AS_OF)
    months = (AS_OF - start).days / (365.25 / 12)
    expected = sorted([6 / months, 1 / months, 3 / (61 / (365.25 / 12))])
    assert sorted(c.per_pair) == pytest.approx(expected)
    assert c.median == pytest.approx(expected[1])
    assert c.q1 <= c.median <= c.q3
    assert (c.n, c.excluded, c.meetings) == (3, 1, 10)
    assert c.pooled == pytest.approx(10 / (2 * months + 61 / (365.25 / 12)))
    assert c.mean_ci.contains(c.mean)
    assert "meetings per pair-month" in c.summary()
    with pytest.raises(NoDataError):
        meeting_cadence([rel("e4", started=AS_OF)], AS_OF)


def test_mentor_utilisation() -> None:
    rs = [
        rel("e1", "m1"),
        rel("e2", "m1"),
        rel("e3", "m1"),
        rel("e4", "m2", status="completed", ended=date(2025, 12, 1)),
    ]
    u = mentor_utilisation(rs, {"m1": 2, "m2": 1, "m3": 0})
    assert (u.slots.numerator, u.slots.denominator) == (2, 3)
    assert (u.mentors_used.numerator, u.mentors_used.denominator) == (1, 2)
    assert u.over_capacity == 1
    u2 = mentor_utilisation(RESULT, {"m1": 2, "m2": 2})
    assert (u2.slots.numerator, u2.slots.denominator) == (3, 4)
    with pytest.raises(MentormatchError, match=r"no capacity given for mentor.*m2"):
        mentor_utilisation(RESULT, {"m1": 2})


def test_time_to_match_matches_lifelines() -> None:
    # lifelines 0.30.3: KaplanMeierFitter().fit(durations, events); median_survival_time_
    # and median_survival_times(kmf.confidence_interval_) -> 30.0, [8.0, inf]
    durations = [3, 5, 5, 8, 10, 12, 12, 15, 20, 30, 31, 40, 45, 60, 60]
    events = [1, 1, 0, 1, 1, 1, 0, 1, 0, 1, 1, 0, 1, 0, 0]
    as_of = date(2025, 12, 31)
    signups, matches = {}, {}
    for i, (d, e) in enumerate(zip(durations, events, strict=True)):
        pid = f"e{i:02d}"
        if e:
            signups[pid] = date(2025, 6, 1)
            matches[pid] = date(2025, 6, 1) + timedelta(days=d)
        else:  # censored exactly d days after sign-up
            signups[pid] = as_of - timedelta(days=d)
    t = time_to_match(signups, matches, as_of)
    assert t.median_days == 30.0
    assert t.ci.low == 8.0 and math.isinf(t.ci.high)
    assert (t.n, t.matched, t.censored) == (15, 9, 6)
    assert "still waiting" in t.summary()


def test_time_to_match_lifelines_second_case_and_not_reached() -> None:
    # lifelines 0.30.3 on durations [2,4,6,9,9,14,21,21,28,35], events [1,1,1,1,0,1,0,1,0,0]:
    # median 14.0, CI [2.0, inf]
    durations = [2, 4, 6, 9, 9, 14, 21, 21, 28, 35]
    events = [1, 1, 1, 1, 0, 1, 0, 1, 0, 0]
    as_of = date(2025, 12, 31)
    signups = {f"p{i}": as_of - timedelta(days=d) for i, d in enumerate(durations)}
    matches = {f"p{i}": as_of for i, (d, e) in enumerate(zip(durations, events, strict=True)) if e}
    t = time_to_match(signups, matches, as_of)
    assert (t.median_days, t.ci.low, t.ci.high) == (14.0, 2.0, math.inf)
    few = time_to_match(
        {"a": date(2025, 1, 1), "b": date(2025, 1, 1), "c": date(2025, 1, 1)},
        {"a": date(2025, 1, 5)},
        date(2025, 2, 1),
    )
    assert few.median_days is None and "not reached" in few.summary()
    with pytest.raises(MentormatchError, match="before signing up"):
        time_to_match({"a": date(2025, 1, 5)}, {"a": date(2025, 1, 1)}, date(2025, 2, 1))
    with pytest.raises(MentormatchError, match="no sign-up date"):
        time_to_match({}, {"a": date(2025, 1, 1)}, date(2025, 2, 1))


def test_satisfaction_summary_t_interval() -> None:
    s = satisfaction_summary([rel("e1", satisfaction=4.0), rel("e2", satisfaction=2.0), rel("e3")])
    # mean 3, sd sqrt(2), t(0.975, 1) = 12.7062...; half-width 12.7062 * sqrt(2) / sqrt(2)
    assert (s.mean, s.n) == (3.0, 2)
    assert s.ci.high - s.mean == pytest.approx(12.706204736174707)
    single = satisfaction_summary([5.0])
    assert math.isnan(single.ci.low) and "undefined" in single.summary()
    with pytest.raises(NoDataError):
        satisfaction_summary([rel("e1")])


# ------------------------------------------------------------------------ at risk
def test_at_risk_reasons_and_urgency() -> None:
    start = date(2025, 11, 1)
    rs = [
        rel("e1", started=start, meetings=(date(2026, 2, 20),)),  # fine
        rel("e2", started=start, meetings=(date(2025, 12, 1),)),  # 90 days quiet
        rel("e3", started=start),  # never met: 120 days since start
        rel("e4", started=start, meetings=(date(2026, 1, 20),), expected_meetings_per_month="2"),
        rel("e5", status="completed", started=start, ended=date(2025, 12, 1)),  # not active
        rel("e6", started=start, meetings=(date(2026, 2, 25),)),
    ]
    history = {
        ("e6", "m01"): [(date(2025, 12, 1), 4.5), (date(2026, 1, 1), 4.0), (date(2026, 2, 1), 2.5)],
        ("e1", "m01"): [(date(2025, 12, 1), 4.0), (date(2026, 2, 1), 3.5)],  # small dip only
    }
    flags = at_risk(rs, AS_OF, max_gap_days=30, satisfaction_history=history)
    assert [f.mentee_id for f in flags] == ["e4", "e3", "e2", "e6"]
    e4 = flags[0]
    assert len(e4.reasons) == 2 and e4.days_since_last_meeting == 40
    assert e4.meetings_behind is not None and e4.meetings_behind > 6
    assert flags[1].last_meeting is None and flags[1].days_since_last_meeting == 120
    assert "no meeting since the start" in flags[1].reason
    assert flags[3].satisfaction_drop == pytest.approx(1.75)
    assert "satisfaction fell to 2.5" in flags[3].reason
    behind = at_risk(rs, AS_OF, max_gap_days=200, expected_per_month=1.0)
    assert {f.mentee_id for f in behind} == {"e1", "e2", "e3", "e4", "e6"}
    with pytest.raises(MentormatchError):
        at_risk(rs, AS_OF, max_gap_days=0)


# ---------------------------------------------------------------------- breakdown
def _pairs(groups: dict[str, tuple[int, int]]) -> list[Relationship]:
    out = []
    i = 0
    for dept, (done, failed) in groups.items():
        for j in range(done + failed):
            i += 1
            status = "completed" if j < done else "ended_early"
            out.append(rel(f"e{i}", status=status, ended=date(2025, 12, 1), department=dept))
    return out


def test_breakdown_suppresses_small_and_complementary_groups() -> None:
    rs = _pairs({"A": (6, 4), "B": (5, 3), "C": (1, 1), "D": (4, 4)})
    b = breakdown("completion_rate", rs, by="department", min_group_size=5)
    groups = {g.group: g for g in b.groups}
    assert groups["C"].suppressed and groups["C"].rate is None and groups["C"].n is None
    # exactly one group below the threshold -> the next smallest (B, n=8) goes too
    assert groups["B"].suppressed and groups["B"].n is None
    assert not groups["D"].suppressed and groups["D"].n == 8
    assert groups["A"].rate is not None and groups["A"].rate.numerator == 6
    assert b.total is not None and b.total.denominator == 28
    assert "suppressed (small group)" in b.summary()


def test_breakdown_options_and_errors() -> None:
    extra = rel("x1", status="completed", ended=date(2025, 12, 1))
    rs = [*_pairs({"A": (3, 3), "B": (4, 2)}), extra]
    b = breakdown("completion_rate", rs, by="Department", min_group_size=3)
    assert [g.group for g in b.groups] == ["A", "B", "(not recorded)"]
    # (not recorded) has n=1; the next smallest (A and B tie at 6; A by name) goes too
    assert [g.suppressed for g in b.groups] == [True, False, True]
    with pytest.raises(MentormatchError, match="at least 3"):
        breakdown("completion_rate", rs, min_group_size=2)
    with pytest.raises(MentormatchError, match=r"unknown KPI 'nps'.*'completion_rate'"):
        breakdown("nps", rs)
    custom = breakdown(
        lambda group: proportion(sum(r.status == "completed" for r in group), len(group)),
        rs,
        by=lambda r: r.mentee_id[0],
        min_group_size=3,
    )
    assert [g.group for g in custom.groups] == ["e", "x"]
    g = breakdown("goal_attainment", _pairs({"A": (5, 0)}), min_group_size=3)
    assert g.total is None  # no goals set anywhere: nothing to report
    records = [{"team": "t1", "ok": True}] * 4 + [{"team": "t2", "ok": False}] * 4
    dicts = breakdown(
        lambda group: proportion(sum(r["ok"] for r in group), len(group)),
        records,
        by="team",
        min_group_size=3,
    )
    assert [g.n for g in dicts.groups] == [4, 4]
    tiny = breakdown("completion_rate", _pairs({"A": (1, 1)}), min_group_size=3)
    assert tiny.total is None and tiny.groups[0].suppressed


@settings(max_examples=60, deadline=None)
@given(
    sizes=st.lists(st.tuples(st.integers(0, 12), st.integers(0, 12)), min_size=1, max_size=6),
    threshold=st.integers(3, 8),
)
def test_property_suppression_never_reveals_small_groups_and_counts_add_up(
    sizes: list[tuple[int, int]], threshold: int
) -> None:
    spec = {f"g{i}": s for i, s in enumerate(sizes) if sum(s) > 0}
    rs = _pairs(spec)
    if not rs:
        return
    b = breakdown("completion_rate", rs, by="department", min_group_size=threshold)
    true_n = {g: sum(s) for g, s in spec.items()}
    assert sum(true_n.values()) == len(rs)
    for g in b.groups:
        if true_n[g.group] < threshold:
            assert g.suppressed and g.n is None and g.rate is None
        if not g.suppressed:
            assert g.rate is not None and g.n == true_n[g.group] == g.rate.denominator
    hidden = [g for g in b.groups if g.suppressed]
    assert len(hidden) != 1 or len(b.groups) == 1
    if b.total is not None:
        assert b.total.denominator == sum(true_n.values())
        visible = sum(g.n for g in b.groups if g.n is not None)
        hidden_n = sum(true_n[g.group] for g in hidden)
        assert visible + hidden_n == b.total.denominator
        # subtracting the visible groups from the total never isolates one small group
        assert len(hidden) != 1
    else:
        assert len(rs) < threshold


# ------------------------------------------------------------------------ targets
def test_load_targets(tmp_path: Path) -> None:
    p = tmp_path / "programme.toml"
    p.write_text(
        '[programme]\nname = "Pilot"\n[targets]\nmatch_rate = 0.8\ncompletion_rate = 0.7\n'
        'early_termination_rate = 0.15\nmeeting_cadence = 1\ngoal = "career guidance"\n'
        "[matching]\nweights = 3\n",
        encoding="utf-8",
    )
    t = load_targets(p)
    assert t.values == {
        "match_rate": 0.8,
        "completion_rate": 0.7,
        "early_termination_rate": 0.15,
        "meeting_cadence": 1.0,
    }
    assert (t.goal, t.name) == ("career guidance", "Pilot")
    p.write_text("[targets]\nnps = 40\n", encoding="utf-8")
    with pytest.raises(MentormatchError, match=r"unknown KPI 'nps'.*match_rate, completion_rate"):
        load_targets(p)
    p.write_text("[targets]\ncompletion_rate = 70\n", encoding="utf-8")
    with pytest.raises(MentormatchError, match=r"0\.8 for 80%"):
        load_targets(p)
    p.write_text("[targets\n", encoding="utf-8")
    with pytest.raises(MentormatchError, match="not valid TOML"):
        load_targets(p)
    with pytest.raises(MentormatchError, match="no such programme file"):
        load_targets(tmp_path / "nope.toml")
    assert set(KPI_NAMES) >= {"match_rate", "completion_rate", "early_termination_rate"}


def test_check_target_verdicts() -> None:
    ci = ConfidenceInterval(0.6, 0.7)
    assert check_target("completion_rate", 0.5, 0.65, ci).text == "met: CI entirely above target"
    assert (
        check_target("completion_rate", 0.8, 0.65, ci).text == "not met: CI entirely below target"
    )
    assert check_target("completion_rate", 0.65, 0.65, ci).verdict == "inconclusive"
    assert check_target("early_termination_rate", 0.8, 0.65, ci).verdict == "met"
    assert check_target("early_termination_rate", 0.5, 0.65, ci).verdict == "not met"
    assert check_target("match_rate", 0.5, None, None).verdict == "not computed"
    rate = proportion(48, 50)
    assert isinstance(rate, Rate)
    assert check_target("match_rate", 0.8, rate.value, rate.ci).verdict == "met"


# ------------------------------------------------- numbers as numpy hands them
_PAIRS = [
    rel(f"e{i}", status="completed", ended=date(2025, 12, 1), goals=(1, 1), satisfaction=4.0,
        meetings=(date(2025, 10, 1),), department="Eng")
    for i in range(6)
]  # fmt: skip

NUMERIC_CALLS = {
    "proportion k": lambda v: proportion(v, 10),
    "proportion n": lambda v: proportion(3, v),
    "confidence": lambda v: completion_rate(_PAIRS, as_of=AS_OF, confidence=v),
    "satisfaction confidence": lambda v: satisfaction_summary(_PAIRS, as_of=AS_OF, confidence=v),
    "min_group_size": lambda v: breakdown("completion_rate", _PAIRS, min_group_size=v, as_of=AS_OF),
    "max_gap_days": lambda v: at_risk(_PAIRS, AS_OF, max_gap_days=v),
    "expected_per_month": lambda v: at_risk(_PAIRS, AS_OF, expected_per_month=v),
    "satisfaction_drop": lambda v: at_risk(_PAIRS, AS_OF, satisfaction_drop=v),
    "min_days": lambda v: meeting_cadence(_PAIRS, AS_OF, min_days=v),
    "capacity": lambda v: mentor_utilisation(_PAIRS, {"m01": v}, as_of=AS_OF),
}
GOOD = {
    "proportion k": [np.int64(3), 3.0, np.float64(3.0)],
    "proportion n": [np.int64(10), 10.0, 2**70],
    "confidence": [np.float64(0.9), np.float32(0.5), 0.95],
    "satisfaction confidence": [np.float64(0.9), np.float32(0.5)],
    "min_group_size": [np.int64(3), 5.0, np.int32(4)],
    "max_gap_days": [np.int64(30), 30.0, 2**70],
    "expected_per_month": [np.float64(1.5), np.int64(1), 0],
    "satisfaction_drop": [np.float64(0.5), np.int64(1)],
    "min_days": [np.int64(14), 14.0],
    "capacity": [np.int64(8), 8.0, 2**70],
}
BAD = {
    "proportion k": [True, 2.5, "3", None],
    "proportion n": [True, np.bool_(True), 10.5, "10"],
    "confidence": [True, 0, 1, 95, "0.95", math.nan],
    "satisfaction confidence": [True, 1.5],
    "min_group_size": [True, 2, 4.5, "5", np.bool_(True)],
    "max_gap_days": [True, 0, 1.5, "30"],
    "expected_per_month": [True, -1, math.inf, "2"],
    "satisfaction_drop": [True, 0, -1, math.nan],
    "min_days": [True, 0, 2.5],
    "capacity": [True, -1, 1.5, "8"],
}


@pytest.mark.parametrize(
    ("name", "value"), [(n, v) for n, vs in GOOD.items() for v in vs], ids=repr
)
def test_numeric_parameters_take_numpy_scalars(name: str, value: object) -> None:
    NUMERIC_CALLS[name](value)


@pytest.mark.parametrize(("name", "value"), [(n, v) for n, vs in BAD.items() for v in vs], ids=repr)
def test_numeric_parameters_refuse_bools_and_non_numbers(name: str, value: object) -> None:
    with pytest.raises(MentormatchError):
        NUMERIC_CALLS[name](value)
