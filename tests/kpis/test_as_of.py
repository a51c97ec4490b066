"""As-of semantics: every KPI judges each relationship as it stood on the day.

The rule (DESIGN.md, "Programme KPIs"): a pair that starts after the day is not
in the cohort yet, a pair that ended after it was still active on it, meetings
and goals met after it are ignored, and a day before the programme began is an
error. Dates come as pandas and numpy hand them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from mentormatch import kpis
from mentormatch._errors import MentormatchError
from mentormatch.cli import main
from mentormatch.kpis import (
    NoDataError,
    Relationship,
    at_risk,
    breakdown,
    completion_rate,
    early_termination_rate,
    goal_attainment,
    meeting_cadence,
    mentor_utilisation,
    programme_report,
    satisfaction_summary,
    time_to_match,
)

D = date(2025, 6, 30)
START = date(2025, 1, 6)


def rel(
    mentee: str,
    *,
    started: Any = START,
    status: str = "active",
    ended: Any = None,
    planned_end: Any = None,
    meetings: Iterable[Any] = (),
    goals: tuple[int, int] = (0, 0),
    satisfaction: float | None = None,
    mentor: str = "m1",
    department: str = "Eng",
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
        attributes={"department": department},
    )


# ------------------------------------------------------------------ date-likes
DATE_LIKES: list[tuple[str, Any]] = [
    ("date", date(2025, 6, 30)),
    ("datetime", datetime(2025, 6, 30, 17, 45)),
    ("Timestamp", pd.Timestamp("2025-06-30")),
    ("Timestamp-tz", pd.Timestamp("2025-06-30 08:00", tz="Europe/Paris")),
    ("datetime64[D]", np.datetime64("2025-06-30")),
    ("datetime64[ns]", np.datetime64("2025-06-30T12:00:00.000000000")),
    ("ISO text", "2025-06-30"),
    ("ISO text with time", "2025-06-30T09:30:00"),
    ("ISO text padded", " 2025-06-30 "),
]
MISSING: list[tuple[str, Any]] = [
    ("None", None),
    ("NaN", float("nan")),
    ("np.nan", np.nan),
    ("pd.NA", pd.NA),
    ("pd.NaT", pd.NaT),
    ("datetime64 NaT", np.datetime64("NaT")),
]
NOT_DATES: list[tuple[str, Any]] = [
    ("bool", True),
    ("int", 20250630),
    ("float", 1.5),
    ("garbage text", "last tuesday"),
    ("impossible day", "2025-02-30"),
    ("list", [2025, 6, 30]),
    ("timedelta", timedelta(days=3)),
]


@pytest.mark.parametrize(("kind", "value"), DATE_LIKES, ids=[k for k, _ in DATE_LIKES])
@pytest.mark.parametrize("name", ["started", "planned_end", "ended"])
def test_relationship_dates_take_every_date_like(name: str, kind: str, value: Any) -> None:
    fields: dict[str, Any] = {"started": date(2025, 1, 1), "status": "completed"}
    fields[name] = value
    r = Relationship(mentee_id="e1", mentor_id="m1", **fields)
    assert getattr(r, name) == date(2025, 6, 30)
    assert type(getattr(r, name)) is date


@pytest.mark.parametrize(("kind", "value"), DATE_LIKES, ids=[k for k, _ in DATE_LIKES])
def test_meetings_take_every_date_like_and_any_collection(kind: str, value: Any) -> None:
    r = rel("e1", meetings=[value, "2025-02-01"])
    assert r.meetings == (date(2025, 2, 1), date(2025, 6, 30))
    for collection in (
        (value,),
        iter([value]),
        pd.Series([value], dtype=object),
        np.array([value], dtype=object),
    ):
        assert rel("e1", meetings=collection).meetings == (date(2025, 6, 30),)
    assert rel("e1", meetings=pd.DatetimeIndex(["2025-06-30"])).meetings == (date(2025, 6, 30),)


@pytest.mark.parametrize(("kind", "value"), MISSING, ids=[k for k, _ in MISSING])
@pytest.mark.parametrize("name", ["planned_end", "ended"])
def test_missing_markers_are_missing_where_allowed(name: str, kind: str, value: Any) -> None:
    r = Relationship(
        mentee_id="e1", mentor_id="m1", started="2025-01-01", status="completed", **{name: value}
    )
    assert getattr(r, name) is None


@pytest.mark.parametrize(("kind", "value"), MISSING, ids=[k for k, _ in MISSING])
def test_missing_start_is_a_named_error(kind: str, value: Any) -> None:
    with pytest.raises(ValidationError, match=r"mentee 'e7'.*'started' parameter is missing"):
        Relationship(mentee_id="e7", mentor_id="m1", started=value)


@pytest.mark.parametrize(("kind", "value"), MISSING, ids=[k for k, _ in MISSING])
def test_missing_meeting_is_a_named_error(kind: str, value: Any) -> None:
    with pytest.raises(ValidationError, match=r"mentee 'e7'.*meetings\[1\] is missing"):
        rel("e7", meetings=["2025-02-01", value])


@pytest.mark.parametrize(("kind", "value"), NOT_DATES, ids=[k for k, _ in NOT_DATES])
@pytest.mark.parametrize("name", ["started", "planned_end", "ended", "meetings"])
def test_relationship_refuses_what_is_not_a_date(name: str, kind: str, value: Any) -> None:
    fields: dict[str, Any] = {"started": "2025-01-01", "status": "completed"}
    fields[name] = [value] if name == "meetings" else value
    with pytest.raises(ValidationError, match=r"mentee 'e7', mentor 'm1'.*(must be a date|list)"):
        Relationship(mentee_id="e7", mentor_id="m1", **fields)


@pytest.mark.parametrize("value", ["2025-02-01", date(2025, 2, 1), 5, {"a": 1}])
def test_meetings_must_be_a_collection(value: Any) -> None:
    with pytest.raises(ValidationError, match="meetings must be a list of dates"):
        rel("e7", meetings=value)


@pytest.mark.parametrize(
    ("value", "expected"), [(np.int64(3), 3), (3.0, 3), (np.float64(2.0), 2), (2**70, 2**70)]
)
def test_goal_counts_take_numpy_and_whole_numbers(value: Any, expected: int) -> None:
    r = rel("e1", goals=(value, 0))
    assert r.goals_set == expected and type(r.goals_set) is int


@pytest.mark.parametrize("value", [True, np.bool_(False), 2.5, "3", -1, None, math.nan, pd.NA])
def test_goal_counts_refuse_bools_and_non_counts(value: Any) -> None:
    with pytest.raises(ValidationError, match=r"mentee 'e7'.*goals_set must be a whole number"):
        rel("e7", goals=(value, 0))


@pytest.mark.parametrize(("value", "expected"), [(np.float32(4.5), 4.5), (np.int64(4), 4.0)])
def test_satisfaction_takes_numpy(value: Any, expected: float) -> None:
    assert rel("e1", satisfaction=value).satisfaction == expected


@pytest.mark.parametrize(("kind", "value"), MISSING, ids=[k for k, _ in MISSING])
def test_satisfaction_missing_markers(kind: str, value: Any) -> None:
    assert rel("e1", satisfaction=value).satisfaction is None


@pytest.mark.parametrize("value", [True, "high", math.inf])
def test_satisfaction_refuses_bools_and_text(value: Any) -> None:
    with pytest.raises(ValidationError, match="satisfaction must be a finite number"):
        rel("e7", satisfaction=value)


# ---------------------------------------------------------------- the cohort
def cohort() -> list[Relationship]:
    """Pairs on both sides of D."""
    return [
        # finished before D
        rel("e1", status="completed", ended="2025-05-01", goals=(2, 2), satisfaction=5.0,
            meetings=["2025-02-01", "2025-03-01"]),
        rel("e2", status="ended_early", ended="2025-04-01", goals=(1, 0), satisfaction=2.0),
        # completed after D: active on D, its goals and score not known yet
        rel("e3", status="completed", ended="2025-09-01", goals=(3, 3), satisfaction=4.0,
            meetings=["2025-02-10", "2025-07-15", "2025-08-20"], mentor="m2"),
        # ended early after D
        rel("e4", status="ended_early", ended="2025-07-01", goals=(1, 1), mentor="m2"),
        # active, overdue on D
        rel("e5", planned_end="2025-06-01", meetings=["2025-05-20"]),
        # starts after D: not in the cohort
        rel("e6", started="2025-07-01", status="completed", ended="2025-08-01", goals=(1, 1),
            satisfaction=1.0, mentor="m3"),
        rel("e7", started="2025-08-01", mentor="m3"),
    ]  # fmt: skip


def test_as_of_view_of_one_relationship() -> None:
    e3 = cohort()[2]
    then = e3.as_of(D)
    assert then is not None
    assert (then.status, then.ended, then.goals_met, then.satisfaction) == ("active", None, 0, None)
    assert then.meetings == (date(2025, 2, 10),)
    assert then.goals_set == 3 and then.planned_end == e3.planned_end
    assert e3.as_of("2025-09-01") is e3  # ended that day: finished on it
    assert e3.as_of(date(2025, 1, 5)) is None  # not started
    assert e3.as_of(START) is not None
    with pytest.raises(MentormatchError, match="'as_of'"):
        e3.as_of("soon")


def test_completion_and_early_termination_as_of() -> None:
    rs = cohort()
    c = completion_rate(rs, as_of=D)
    e = early_termination_rate(rs, as_of=D)
    # due on D: e1 (completed), e2 (ended early), e5 (overdue); e3, e4 active; e6, e7 later
    assert (c.numerator, c.denominator) == (1, 3)
    assert (e.numerator, e.denominator) == (1, 3)
    later = completion_rate(rs, as_of="2025-12-31")
    assert (later.numerator, later.denominator) == (3, 6)


def test_goal_attainment_as_of_ignores_goals_met_later() -> None:
    rs = cohort()
    g = goal_attainment(rs, as_of=D)
    assert (g.goals.numerator, g.goals.denominator) == (2, 3)  # e1 and e2 only
    assert g.pairs == 2
    with_active = goal_attainment(rs, as_of=D, include_active=True)
    # e3 and e4 active on D with their goals set, none met yet; e5 has none; e6 not started
    assert (with_active.goals.numerator, with_active.goals.denominator) == (2, 7)
    assert with_active.all_goals.denominator == 4


def test_satisfaction_as_of_ignores_scores_recorded_later() -> None:
    s = satisfaction_summary(cohort(), as_of=D)
    assert (s.n, s.mean) == (2, 3.5)
    assert satisfaction_summary(cohort(), as_of="2025-12-31").n == 4


def test_meeting_cadence_as_of_ignores_later_meetings_and_pairs() -> None:
    c = meeting_cadence(cohort(), D)
    assert c.n + c.excluded == 5 and c.meetings == 4
    assert meeting_cadence(cohort(), as_of="2025-12-31").meetings == 6


def test_at_risk_as_of_sees_pairs_that_ended_later_as_active() -> None:
    flags = {f.mentee_id: f for f in at_risk(cohort(), D, max_gap_days=30)}
    assert set(flags) == {"e3", "e4", "e5"}
    assert flags["e3"].last_meeting == date(2025, 2, 10)  # the July meeting is after D
    assert flags["e3"].days_since_last_meeting == (D - date(2025, 2, 10)).days
    history = {("e3", "m2"): [("2025-03-01", 5.0), ("2025-04-01", 4.5), ("2025-08-01", 1.0)]}
    e3 = next(f for f in at_risk(cohort(), D, satisfaction_history=history) if f.mentee_id == "e3")
    assert e3.satisfaction_drop is None  # the fall came after D


def test_mentor_utilisation_as_of() -> None:
    u = mentor_utilisation(cohort(), {"m1": 2, "m2": 2, "m3": 2}, as_of=D)
    # active on D: e5 (m1), e3 and e4 (m2); m3's pairs start later
    assert (u.slots.numerator, u.slots.denominator) == (3, 6)
    assert (u.mentors_used.numerator, u.mentors_used.denominator) == (2, 3)


def test_breakdown_and_report_as_of() -> None:
    rs = [*cohort(), *(rel(f"x{i}", status="completed", ended="2025-05-01") for i in range(6))]
    b = breakdown("completion_rate", rs, by="department", min_group_size=3, as_of=D)
    assert b.total is not None and (b.total.numerator, b.total.denominator) == (7, 9)
    report = programme_report(rs, as_of=D, by="department", min_group_size=3)
    assert report.as_of == D and report.pairs == 11
    assert report.status_counts == {"active": 3, "completed": 7, "ended_early": 1}
    assert report.completion is not None and report.completion.denominator == 9
    assert {a.mentee_id for a in report.at_risk} >= {"e3", "e4"}
    assert report.completion == completion_rate(rs, as_of=D)
    assert report.breakdowns[0] == b


def test_time_to_match_as_of() -> None:
    signups = {"a": "2025-01-01", "b": "2025-01-01", "c": "2025-01-10", "d": "2025-07-01"}
    matches = {"a": "2025-01-11", "b": "2025-03-01", "c": pd.NaT, "d": "2025-07-02"}
    t = time_to_match(signups, matches, as_of="2025-02-01")
    # d is not in the cohort yet; b was still waiting on Feb 1 (censored), c too
    assert (t.n, t.matched, t.censored) == (3, 1, 2)
    later = time_to_match(signups, matches, as_of="2025-12-31")
    assert (later.n, later.matched, later.censored) == (4, 3, 1)
    with pytest.raises(MentormatchError, match="before the programme began"):
        time_to_match(signups, matches, as_of="2024-12-31")
    with pytest.raises(MentormatchError, match=r"signup_dates\['a'\]"):
        time_to_match({"a": "soon"}, {}, as_of=D)


KPI_CALLS: list[tuple[str, Callable[[list[Relationship], Any], object]]] = [
    ("completion_rate", lambda rs, d: completion_rate(rs, as_of=d)),
    ("early_termination_rate", lambda rs, d: early_termination_rate(rs, as_of=d)),
    ("goal_attainment", lambda rs, d: goal_attainment(rs, as_of=d, include_active=True)),
    ("satisfaction_summary", lambda rs, d: satisfaction_summary(rs, as_of=d)),
    ("meeting_cadence", lambda rs, d: meeting_cadence(rs, d, min_days=1)),
    ("mentor_utilisation", lambda rs, d: mentor_utilisation(rs, {"m1": 1, "m2": 2}, as_of=d)),
    ("at_risk", lambda rs, d: at_risk(rs, d)),
    ("breakdown", lambda rs, d: breakdown("completion_rate", rs, min_group_size=3, as_of=d)),
    ("programme_report", lambda rs, d: programme_report(rs, as_of=d, by="department")),
]
KPI_IDS = [name for name, _ in KPI_CALLS]


def _simple() -> list[Relationship]:
    return [
        rel(f"e{i}", status="completed", ended="2025-05-01", goals=(1, 1), satisfaction=4.0,
            meetings=["2025-02-01"], mentor="m2")
        for i in range(4)
    ]  # fmt: skip


@pytest.mark.parametrize(("name", "call"), KPI_CALLS, ids=KPI_IDS)
@pytest.mark.parametrize(("kind", "value"), DATE_LIKES, ids=[k for k, _ in DATE_LIKES])
def test_every_as_of_takes_every_date_like(
    name: str, call: Callable[[list[Relationship], Any], object], kind: str, value: Any
) -> None:
    assert call(_simple(), value) == call(_simple(), D)


@pytest.mark.parametrize(("name", "call"), KPI_CALLS, ids=KPI_IDS)
@pytest.mark.parametrize(
    ("kind", "value"),
    [*MISSING[1:], *NOT_DATES],
    ids=[k for k, _ in [*MISSING[1:], *NOT_DATES]],
)
def test_every_as_of_refuses_what_is_not_a_date(
    name: str, call: Callable[[list[Relationship], Any], object], kind: str, value: Any
) -> None:
    with pytest.raises(MentormatchError, match="'as_of'") as info:
        call(_simple(), value)
    assert info.value.field == "as_of"


@pytest.mark.parametrize(("name", "call"), KPI_CALLS, ids=KPI_IDS)
def test_every_as_of_before_the_programme_is_an_error(
    name: str, call: Callable[[list[Relationship], Any], object]
) -> None:
    with pytest.raises(MentormatchError, match=r"before the programme began.*2025-01-06") as info:
        call(_simple(), START - timedelta(days=1))
    assert info.value.field == "as_of"


@pytest.mark.parametrize(("name", "call"), KPI_CALLS, ids=KPI_IDS)
def test_every_as_of_defaults_to_today(
    name: str, call: Callable[[list[Relationship], Any], object], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(kpis.cohort, "today", lambda: D)
    assert call(_simple(), None) == call(_simple(), D)


@pytest.mark.parametrize(("name", "call"), KPI_CALLS, ids=KPI_IDS)
@pytest.mark.parametrize(
    "wrap",
    [
        tuple,
        lambda rs: (r for r in rs),
        lambda rs: pd.Series(rs, dtype=object),
        lambda rs: np.array([*rs, None], dtype=object)[:-1],
    ],
    ids=["tuple", "generator", "Series", "object array"],
)
def test_every_kpi_takes_any_collection(
    name: str, call: Callable[[Any, Any], object], wrap: Callable[[list[Relationship]], Any]
) -> None:
    rs = cohort()
    assert call(wrap(rs), D) == call(rs, D)


@pytest.mark.parametrize(("name", "call"), KPI_CALLS, ids=KPI_IDS)
@pytest.mark.parametrize("bad", [cohort()[0], "e1,m1", {"e1": 1}, 5])
def test_every_kpi_refuses_what_is_not_a_collection_of_relationships(
    name: str, call: Callable[[Any, Any], object], bad: object
) -> None:
    with pytest.raises(MentormatchError):
        call(bad, D)


# ------------------------------------------------- nothing after the day counts
DAYS = st.integers(0, 400)


@st.composite
def relationships(draw: st.DrawFn) -> list[Relationship]:
    out = []
    for i in range(draw(st.integers(1, 12))):
        start = START + timedelta(days=draw(DAYS))
        status = draw(st.sampled_from(["active", "completed", "ended_early"]))
        length = draw(st.integers(0, 300))
        ended = start + timedelta(days=length) if status != "active" else None
        meetings = sorted(
            start + timedelta(days=draw(DAYS)) for _ in range(draw(st.integers(0, 4)))
        )
        goals_set = draw(st.integers(0, 3))
        out.append(
            Relationship(
                mentee_id=f"e{i}",
                mentor_id=f"m{draw(st.integers(1, 2))}",
                started=start,
                planned_end=start + timedelta(days=draw(st.integers(30, 300))),
                ended=ended,
                status=status,
                meetings=meetings,
                goals_set=goals_set,
                goals_met=draw(st.integers(0, goals_set)),
                satisfaction=draw(st.none() | st.integers(1, 5).map(float)),
                attributes={"department": draw(st.sampled_from(["A", "B", "C"]))},
            )
        )
    return out


def _rewrite_the_future(r: Relationship, day: date, shift: int) -> Relationship | None:
    """The same pair with everything after ``day`` changed: later meetings moved and
    added, a later end moved (its outcome and score changed too), a later start
    dropped."""
    if r.started > day:
        return None
    update: dict[str, Any] = {
        "meetings": (
            *(m for m in r.meetings if m <= day),
            *(day + timedelta(days=k) for k in range(1, shift % 3 + 2)),
        )
    }
    if r.ended is not None and r.ended > day:
        update.update(
            ended=r.ended + timedelta(days=shift),
            status="completed" if r.status == "ended_early" else "ended_early",
            goals_met=r.goals_set - r.goals_met,
            satisfaction=None if r.satisfaction else 3.0,
        )
    return Relationship(**{**r.model_dump(), **update})


def _outcome(
    call: Callable[[list[Relationship], Any], object], rs: list[Relationship], day: date
) -> object:
    try:
        return call(rs, day)
    except NoDataError as exc:
        return ("no data", str(exc))


@given(rs=relationships(), offset=DAYS, shift=st.integers(1, 90))
def test_property_nothing_after_the_day_changes_any_kpi(
    rs: list[Relationship], offset: int, shift: int
) -> None:
    day = min(r.started for r in rs) + timedelta(days=offset)
    changed = [c for r in rs if (c := _rewrite_the_future(r, day, shift)) is not None]
    # pairs that start after the day: not in the cohort, whatever they hold
    changed.append(rel("late", started=day + timedelta(days=1), status="completed",
                       ended=day + timedelta(days=5), goals=(2, 2), satisfaction=1.0))  # fmt: skip
    for _, call in KPI_CALLS:
        assert _outcome(call, rs, day) == _outcome(call, changed, day)


@given(rs=relationships(), offset=DAYS)
def test_property_view_is_idempotent_and_never_later_than_the_day(
    rs: list[Relationship], offset: int
) -> None:
    day = min(r.started for r in rs) + timedelta(days=offset)
    for r in rs:
        v = r.as_of(day)
        if v is None:
            assert r.started > day
            continue
        assert v.as_of(day) == v
        assert all(m <= day for m in v.meetings)
        assert v.ended is None or v.ended <= day
        assert (v.status == "active") == (r.status == "active" or (r.ended or day) > day)


# ------------------------------------------------------------------ the CLI
def test_cli_as_of_judges_pairs_as_they_stood(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "pairs.csv"
    rows = ["mentee_id,mentor_id,started,ended,status,department"]
    rows += [f"e{i},m1,2025-01-06,2025-05-01,completed,Eng" for i in range(5)]
    rows += [f"f{i},m2,2025-01-06,2025-09-01,completed,Eng" for i in range(5)]
    rows += [f"g{i},m3,2025-08-01,2025-10-01,ended_early,Eng" for i in range(5)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert main(["kpis", str(path), "--as-of", "2025-06-30"]) == 0
    out = capsys.readouterr().out
    assert "10 pairs: 5 active, 5 completed, 0 ended early" in out
    assert "Completion rate" in out and "5/5 = 100.0%" in out
    assert main(["kpis", str(path), "--as-of", "2024-12-31"]) == 2
    assert "before the programme began" in capsys.readouterr().err


def test_finished_pair_without_an_end_date_is_counted_and_said() -> None:
    rs = [rel("e1", status="completed"), *_simple()]
    then = rs[0].as_of(D)
    assert then is rs[0] and then.status == "completed"  # no date to judge by: as recorded
    report = programme_report(rs, as_of=D)
    assert any("have no end date" in note for note in report.notes)
    assert all("no end date" not in note for note in programme_report(_simple(), as_of=D).notes)
