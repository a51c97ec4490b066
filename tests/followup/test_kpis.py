"""KPIs that follow the plan: Relationship.milestones, milestone_rate, readiness, next steps,
milestone targets."""

from __future__ import annotations

import io
import pickle
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import mentormatch as mm
from mentormatch.kpis import (
    MilestoneTarget,
    NoDataError,
    Readiness,
    Relationship,
    at_risk,
    load_targets,
    milestone_rate,
    read_relationships,
    readiness,
)
from mentormatch.kpis.next_step import plans_by_pair

from .helpers import result_of

START = date(2026, 1, 12)


def rel(mentee: str = "e1", started: date = START, **kw: object) -> Relationship:
    return Relationship(mentee_id=mentee, mentor_id="m1", started=started, **kw)


# --------------------------------------------------------------------------- the field


def test_milestones_are_a_read_only_mapping_of_dates() -> None:
    r = rel(milestones={" kick-off ": "2026-01-20", "agreement": date(2026, 2, 5)})
    assert r.milestones == {"kick-off": date(2026, 1, 20), "agreement": date(2026, 2, 5)}
    with pytest.raises(TypeError):
        r.milestones["kick-off"] = date(2026, 1, 21)  # type: ignore[index]
    assert pickle.loads(pickle.dumps(r)) == r
    assert rel() == rel(milestones={})
    assert rel(milestones={"kick-off": "2026-01-20"}) != rel()


@pytest.mark.parametrize(
    ("milestones", "words"),
    [
        ({"kick-off": "2026-02-30"}, ["'kick-off'", "not a date", "mentee 'e1'", "mentor 'm1'"]),
        ({"kick-off": True}, ["'kick-off'", "not a date"]),
        ({"kick-off": None}, ["'kick-off'", "no date"]),
        ({"kick-off": "2026-01-01"}, ["'kick-off'", "before started 2026-01-12"]),
        ({"kick-off": "2026-01-20", "Kick-Off": "2026-01-21"}, ["twice"]),
        ({"": "2026-01-20"}, ["name"]),
        ("kick-off=2026-01-20", ["must map"]),
    ],
)
def test_a_bad_milestone_names_itself_and_the_pair(milestones: object, words: list[str]) -> None:
    with pytest.raises(ValueError) as caught:
        rel(milestones=milestones)
    for word in words:
        assert word in str(caught.value)


def test_milestone_dates_come_in_through_the_date_boundary() -> None:
    pd = pytest.importorskip("pandas")
    import numpy as np

    for met in (np.datetime64("2026-01-20"), pd.Timestamp("2026-01-20 09:30"), "2026-01-20"):
        assert rel(milestones={"kick-off": met}).milestones == {"kick-off": date(2026, 1, 20)}
    for bad in (pd.NaT, np.datetime64("NaT"), 20260120, False):
        with pytest.raises(ValueError, match="'kick-off'"):
            rel(milestones={"kick-off": bad})


def test_the_relationships_csv_reads_the_milestones_column() -> None:
    text = (
        "mentee_id,mentor_id,started,status,milestones,department\n"
        "e1,m1,2026-01-12,active,kick-off=2026-01-20; agreement=2026-02-05,Finance\n"
        "e2,m1,2026-01-12,active,,Finance\n"
    )
    a, b = read_relationships(io.StringIO(text))
    assert a.milestones == {"kick-off": date(2026, 1, 20), "agreement": date(2026, 2, 5)}
    assert b.milestones == {}
    assert "milestones" not in a.attributes


def test_a_bad_milestone_cell_names_the_milestone_the_row_and_the_pair() -> None:
    text = (
        "mentee_id,mentor_id,started,status,milestones\n"
        "e1,m1,2026-01-12,active,kick-off=2026-01-20\n"
        "e2,m7,2026-01-12,active,kick-off=2026-01-20; agreement=2026-13-05\n"
        "e3,m1,2026-01-12,active,agreement\n"
    )
    with pytest.raises(mm.MentormatchError) as caught:
        read_relationships(io.StringIO(text))
    problems = caught.value.problems  # type: ignore[attr-defined]
    assert [(p.row, p.column) for p in problems] == [(3, "milestones"), (4, "milestones")]
    first = str(problems[0])
    for word in ("'agreement'", "2026-13-05", "mentee 'e2'", "mentor 'm7'", "row 3"):
        assert word in first


def test_as_of_hides_milestones_met_later() -> None:
    r = rel(milestones={"kick-off": "2026-01-20", "agreement": "2026-02-05"})
    assert r.as_of("2026-01-31").milestones == {"kick-off": date(2026, 1, 20)}  # type: ignore[union-attr]
    assert r.as_of("2026-02-05") is r


# --------------------------------------------------------------------------- milestone_rate


def brute_force(rels: list[Relationship], name: str, days: int, day: date) -> tuple[int, int]:
    due = met = 0
    for r in rels:
        if r.started > day or r.started + timedelta(days=days) > day:
            continue
        due += 1
        when = r.milestones.get(name)
        if when is not None and when <= day and when <= r.started + timedelta(days=days):
            met += 1
    return met, due


@st.composite
def cohorts(draw: st.DrawFn) -> list[Relationship]:
    n = draw(st.integers(1, 12))
    out = []
    for i in range(n):
        started = START + timedelta(days=draw(st.integers(0, 60)))
        met = {}
        for name in ("kick-off", "agreement"):
            offset = draw(st.none() | st.integers(0, 90))
            if offset is not None:
                met[name] = started + timedelta(days=offset)
        out.append(rel(f"e{i}", started, milestones=met))
    return out


@given(
    rels=cohorts(),
    name=st.sampled_from(["kick-off", "agreement"]),
    days=st.integers(0, 60),
    as_of=st.integers(0, 160),
)
def test_milestone_rate_matches_a_brute_force_count(
    rels: list[Relationship], name: str, days: int, as_of: int
) -> None:
    day = min(r.started for r in rels) + timedelta(days=as_of)
    met, due = brute_force(rels, name, days, day)
    if due == 0:
        with pytest.raises(NoDataError):
            milestone_rate(rels, name, within_days=days, as_of=day)
        return
    rate = milestone_rate(rels, name, within_days=days, as_of=day)
    assert (rate.numerator, rate.denominator) == (met, due)


def test_milestone_rate_compares_names_case_folded_and_refuses_bad_arguments() -> None:
    rels = [rel(milestones={"Kick-Off": "2026-01-20"})]
    assert milestone_rate(rels, " kick-off", within_days=14, as_of="2026-03-01").numerator == 1
    for bad in (-1, True, 1.5, "14"):
        with pytest.raises(mm.MentormatchError, match="within_days"):
            milestone_rate(rels, "kick-off", within_days=bad, as_of="2026-03-01")  # type: ignore[arg-type]
    with pytest.raises(mm.MentormatchError, match="'name'"):
        milestone_rate(rels, "", within_days=14, as_of="2026-03-01")
    with pytest.raises(mm.MentormatchError, match="as_of"):
        milestone_rate(rels, "kick-off", within_days=14, as_of="2025-01-01")


# --------------------------------------------------------------------------- readiness


def test_readiness_counts_yes_and_dates_on_or_before_as_of() -> None:
    people = [
        mm.Mentor(id="m1", attributes={"trained": " YES "}),
        mm.Mentor(id="m2", attributes={"trained": "2026-02-01"}),
        mm.Mentor(id="m3", attributes={"trained": "no"}),
        mm.Mentor(id="m4"),
        mm.Mentee(id="e1", attributes={"trained": "true"}),
        mm.Mentee(id="e2", attributes={"trained": "1"}),
    ]
    before = readiness(people, as_of="2026-01-31")
    assert (before.mentors.numerator, before.mentors.denominator) == (1, 4)  # type: ignore[union-attr]
    assert (before.mentees.numerator, before.mentees.denominator) == (2, 2)  # type: ignore[union-attr]
    on = readiness(people, as_of="2026-02-01")
    assert on.mentors.numerator == 2  # type: ignore[union-attr]
    assert isinstance(on, Readiness)
    assert pickle.loads(pickle.dumps(on)) == on
    with pytest.raises(AttributeError):
        on.mentors = None  # type: ignore[misc]


@given(
    values=st.lists(
        st.sampled_from(["yes", "No", "TRUE", "0", "", None]) | st.integers(-30, 30), max_size=12
    ),
    as_of=st.integers(-30, 30),
)
def test_readiness_matches_a_brute_force_count(values: list[object], as_of: int) -> None:
    day = START + timedelta(days=as_of)

    def text(v: object) -> str | None:
        return str(START + timedelta(days=v)) if isinstance(v, int) else v  # type: ignore[return-value]

    people = [
        mm.Mentor(id=f"m{i}", attributes={} if text(v) is None else {"trained": str(text(v))})
        for i, v in enumerate(values)
    ]
    expected = sum(
        (isinstance(v, int) and START + timedelta(days=v) <= day)
        or (isinstance(v, str) and v.casefold() in ("yes", "true"))
        for v in values
    )
    if not people:
        with pytest.raises(NoDataError):
            readiness(people, as_of=day)
        return
    got = readiness(people, as_of=day).mentors
    assert got is not None and (got.numerator, got.denominator) == (expected, len(values))


def test_readiness_takes_signups_and_refuses_what_it_cannot_read() -> None:
    signups = mm.load_demo()
    r = readiness(signups, as_of="2026-01-01")
    assert r.mentors.denominator == len(signups.mentors)  # type: ignore[union-attr]
    assert readiness([mm.Mentor(id="m1")], as_of="2026-01-01").mentees is None
    with pytest.raises(mm.MentormatchError, match="mentor 'm1': trained 'maybe'"):
        readiness([mm.Mentor(id="m1", attributes={"trained": "maybe"})])
    with pytest.raises(NoDataError):
        readiness([])
    with pytest.raises(mm.MentormatchError, match="'participants'"):
        readiness("signups.csv")
    with pytest.raises(mm.MentormatchError, match="'key'"):
        readiness(signups, key="")


# --------------------------------------------------------------------------- next steps


def test_every_flag_gets_a_next_step_tied_to_its_reason() -> None:
    quiet = rel("e1", meetings=["2026-01-13"])
    behind = rel("e2", meetings=["2026-02-25"], attributes={"expected_meetings_per_month": "4"})
    flags = {a.mentee_id: a for a in at_risk([quiet, behind], as_of="2026-03-01")}
    assert flags["e1"].next_step.startswith("Nudge the pair to book")
    assert flags["e2"].next_step.startswith("Ask the pair whether the cadence")
    unhappy = at_risk(
        [rel("e3", meetings=["2026-02-28"])],
        as_of="2026-03-01",
        satisfaction_history={("e3", "m1"): [("2026-01-20", 5), ("2026-02-20", 2)]},
    )
    assert unhappy[0].next_step.startswith("Talk with the mentee and the mentor separately")
    assert all(a.next_step.endswith(".") for a in flags.values())


def test_with_a_plan_the_next_step_names_the_next_milestone_or_talking_point() -> None:
    plan = mm.followup.plan(result_of([("e1", "m1"), ("e2", "m1")]), start=START)
    overdue = rel("e1", meetings=["2026-01-13"], milestones={"kick-off": "2026-01-13"})
    on_track = rel(
        "e2",
        meetings=["2026-01-13"],
        milestones={"kick-off": "2026-01-13", "agreement": "2026-01-20"},
    )
    flags = {a.mentee_id: a for a in at_risk([overdue, on_track], as_of="2026-03-01", plan=plan)}
    assert "agreement milestone (due 2026-02-09)" in flags["e1"].next_step
    point = plan.for_mentee("e2").talking_points[1].topic.rstrip(".")
    assert flags["e2"].next_step.endswith(f"suggest they open with: {point}.")
    # a pair the plan does not hold gets the plain sentence
    other = at_risk([rel("e9", meetings=["2026-01-13"])], as_of="2026-03-01", plan=plan)
    assert other[0].next_step == "Nudge the pair to book their next check-in this week."
    with pytest.raises(mm.MentormatchError, match="'plan'"):
        plans_by_pair(3)


# --------------------------------------------------------------------------- targets


def test_the_programme_file_may_set_milestone_targets(tmp_path: Path) -> None:
    p = tmp_path / "programme.toml"
    p.write_text(
        "[targets]\ncompletion_rate = 0.7\n[targets.milestones]\nkick-off = 0.9\n"
        '"mid-point review" = { target = 0.8, within_days = 91 }\n'
    )
    targets = load_targets(p)
    assert targets.values == {"completion_rate": 0.7}
    assert targets.milestones == (
        MilestoneTarget("kick-off", 14, 0.9),
        MilestoneTarget("mid-point review", 91, 0.8),
    )
    assert pickle.loads(pickle.dumps(targets)) == targets


def test_bad_milestone_targets_are_all_reported(tmp_path: Path) -> None:
    p = tmp_path / "programme.toml"
    p.write_text(
        "[targets.milestones]\nkick-off = 90\ncelebration = 0.5\n"
        'agreement = { target = 0.8, days = 3 }\n"closing review" = { target = 0.8, '
        "within_days = -1 }\n"
    )
    with pytest.raises(mm.MentormatchError) as caught:
        load_targets(p)
    columns = [x.column for x in caught.value.problems]  # type: ignore[attr-defined]
    assert columns == [
        "targets.milestones.kick-off",
        "targets.milestones.celebration",
        "targets.milestones.agreement",
        "targets.milestones.closing review",
    ]
    assert "needs within_days" in str(caught.value)
    with pytest.raises(mm.MentormatchError, match="fraction"):
        MilestoneTarget("kick-off", 14, 1.5)
    with pytest.raises(mm.MentormatchError, match="MilestoneTarget"):
        mm.kpis.Targets({}, milestones=("kick-off",))  # type: ignore[arg-type]
