"""followup.plan: cadence arithmetic, milestones, talking points, determinism, values."""

from __future__ import annotations

import copy
import math
import pickle
import warnings
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import mentormatch as mm
from mentormatch.followup import FollowUpWarning, Milestone, PairPlan, TalkingPoint
from mentormatch.kpis import Relationship

from .helpers import people, result_of

START = date(2026, 1, 12)
ONE = result_of([("e1", "m1")])


# --------------------------------------------------------------------------- cadence


@given(
    start=st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31)),
    weeks=st.integers(1, 80),
    every=st.integers(1, 120),
)
def test_check_ins_fall_on_the_cadence_and_stop_before_the_end(
    start: date, weeks: int, every: int
) -> None:
    p = mm.followup.plan(ONE, start=start, weeks=weeks, every_days=every, milestones=[])
    pair = p.pairs[0]
    end = start + timedelta(days=7 * weeks)
    assert len(pair.meetings) == math.ceil(7 * weeks / every)
    assert pair.meetings == tuple(
        start + timedelta(days=k * every) for k in range(len(pair.meetings))
    )
    assert all(start <= d < end for d in pair.meetings)
    assert pair.meetings[-1] + timedelta(days=every) >= end  # none left out
    assert (pair.start, pair.end) == (start, end - timedelta(days=1))


@given(weeks=st.integers(5, 80), every=st.integers(1, 60))
def test_default_milestones_follow_the_length(weeks: int, every: int) -> None:
    pair = mm.followup.plan(ONE, start=START, weeks=weeks, every_days=every).pairs[0]
    due = {m.name: (m.due - START).days for m in pair.milestones}
    assert due == {
        "kick-off": 14,
        "agreement": 28,
        "mid-point review": 7 * weeks // 2,
        "closing review": 7 * weeks - 1,
    }
    assert [m.due for m in pair.milestones] == sorted(m.due for m in pair.milestones)
    assert pair.milestones[-1].due == pair.end


def test_default_milestones_need_five_weeks() -> None:
    with pytest.raises(mm.MentormatchError, match="'agreement' falls 28 days") as info:
        mm.followup.plan(ONE, start=START, weeks=4)
    assert info.value.field == "milestones"


def test_relationships_start_on_their_own_dates() -> None:
    rels = [
        Relationship(mentee_id="e2", mentor_id="m1", started="2025-03-03"),
        Relationship(mentee_id="e1", mentor_id="m2", started=np.datetime64("2025-05-05")),
    ]
    p = mm.followup.plan(rels, weeks=10, every_days=7)
    assert [(x.mentee_id, x.start) for x in p.pairs] == [
        ("e1", date(2025, 5, 5)),
        ("e2", date(2025, 3, 3)),
    ]
    assert p.start is None
    assert p.for_mentee("e2").meetings[1] == date(2025, 3, 10)
    with pytest.raises(mm.MentormatchError, match="'start' parameter of plan must be left out"):
        mm.followup.plan(rels, start=START)


def test_a_mentee_with_two_relationships_has_two_plans() -> None:
    rels = [
        Relationship(mentee_id="e1", mentor_id="m2", started="2025-06-01"),
        Relationship(
            mentee_id="e1",
            mentor_id="m1",
            started="2025-01-01",
            status="ended_early",
            ended="2025-02-01",
        ),
    ]
    p = mm.followup.plan(rels, weeks=10)
    assert [x.mentor_id for x in p.pairs] == ["m1", "m2"]
    assert p.for_pair("e1", "m2").start == date(2025, 6, 1)
    with pytest.raises(mm.MentormatchError, match=r"is in 2 pairs .* use for_pair"):
        p.for_mentee("e1")
    with pytest.raises(mm.MentormatchError, match="is in no pair"):
        p.for_mentee("e9")
    with pytest.raises(mm.MentormatchError, match="is not in this plan"):
        p.for_pair("e1", "m9")
    twice = [*rels, Relationship(mentee_id="e1", mentor_id="m1", started="2025-09-01")]
    with pytest.raises(mm.MentormatchError, match=r"holds the pair .*'e1'.*'m1'.* twice") as info:
        mm.followup.plan(twice, weeks=10)
    assert info.value.field == "pairs"


def test_every_date_like_gives_the_same_plan() -> None:
    pd = pytest.importorskip("pandas")
    from datetime import datetime

    plans = [
        mm.followup.plan(ONE, start=s)
        for s in (
            START,
            datetime(2026, 1, 12, 9, 30),
            pd.Timestamp("2026-01-12"),
            np.datetime64("2026-01-12"),
            "2026-01-12",
        )
    ]
    assert all(p == plans[0] for p in plans)


def test_numpy_integers_are_taken() -> None:
    a = mm.followup.plan(
        ONE, start=START, weeks=np.int64(26), every_days=np.int32(14), n_points=np.int8(2)
    )
    b = mm.followup.plan(ONE, start=START, weeks=26, every_days=14, n_points=2)
    assert a == b
    assert (a.weeks, a.every_days) == (26, 14)
    assert type(a.weeks) is int


def test_an_unmatched_result_gives_an_empty_plan() -> None:
    p = mm.followup.plan(result_of([]), start=START)
    assert p.pairs == () and len(p) == 0
    assert p.to_records() == []
    assert p.to_csv() == "mentee_id,mentor_id,date,event,description\n"


def test_a_plan_cannot_end_after_the_year_9999() -> None:
    with pytest.raises(mm.MentormatchError, match="ends after the year 9999") as info:
        mm.followup.plan(ONE, start=date(9999, 6, 1), weeks=52)
    assert info.value.field == "start"


# --------------------------------------------------------------------------- milestones


def test_own_milestones_as_tuples_and_objects_in_date_order() -> None:
    ms = [
        ("celebration", "end", "Celebrate"),
        ("check goals", "half-way", "Look at the goals"),
        Milestone("cohort day", "2026-02-01", "All pairs meet"),
        ("first", np.int64(0), "Day one"),
        ("same day", 0, "Also day one"),
    ]
    pair = mm.followup.plan(ONE, start=START, weeks=10, milestones=ms).pairs[0]
    assert [(m.name, (m.due - START).days) for m in pair.milestones] == [
        ("first", 0),
        ("same day", 0),
        ("cohort day", 20),
        ("check goals", 35),
        ("celebration", 69),
    ]
    assert pair.milestones[2] == Milestone("cohort day", date(2026, 2, 1), "All pairs meet")


def test_a_fixed_date_outside_a_pairs_plan_names_the_pair() -> None:
    rels = [
        Relationship(mentee_id="e1", mentor_id="m1", started="2026-01-01"),
        Relationship(mentee_id="e2", mentor_id="m2", started="2026-03-01"),
    ]
    with pytest.raises(mm.MentormatchError, match=r"mentee 'e2', mentor 'm2'.*2026-03-01") as info:
        mm.followup.plan(rels, weeks=26, milestones=[Milestone("day", "2026-02-01")])
    assert info.value.field == "milestones"


def test_milestone_names_are_unique_case_folded() -> None:
    with pytest.raises(mm.MentormatchError, match="'Review' and 'review', the same"):
        mm.followup.plan(ONE, start=START, milestones=[("Review", 3, ""), ("review ", 5, "")])


def test_no_milestones() -> None:
    pair = mm.followup.plan(ONE, start=START, milestones=[]).pairs[0]
    assert pair.milestones == ()
    assert "milestones:" not in pair.agreement


# --------------------------------------------------------------------------- talking points


def _pair_plan(mentee: mm.Mentee, mentor: mm.Mentor, **kw: object) -> PairPlan:
    result = result_of([(mentee.id, mentor.id)])
    return mm.followup.plan(result, [mentee, mentor], start=START, **kw).pairs[0]  # type: ignore[arg-type]


def test_points_prefer_shared_goals_then_the_skill_gap_then_the_programme() -> None:
    mentee = mm.Mentee(
        id="e1",
        goals=["Leadership", "kubernetes", "sql"],
        skills={"SQL": 2, "python": 3, "excel": 4},
    )
    mentor = mm.Mentor(
        id="m1",
        goals=["leadership", "SQL", "negotiation"],
        skills={"sql": 5, "python": 5, "excel": 5},
    )
    points = _pair_plan(mentee, mentor, n_points=5, programme="career_guidance").talking_points
    assert [p.source for p in points] == [
        "shared goal",
        "shared goal",
        "skill gap",
        "programme",
        "programme",
    ]
    assert points[0].reason == "you both listed Leadership"
    assert points[1].reason == "you both listed sql"
    assert (
        points[2].reason == "the largest skill gap between you: SQL, level 2 against the mentor's 5"
    )
    bank = mm.followup._topics.default_bank()
    assert points[0].topic in bank.themes["leadership"]
    assert points[2].topic in bank.themes["sql"]
    assert all(p.topic in bank.programmes["career_guidance"] for p in points[3:])
    assert points[3].reason == "a topic for career guidance programmes"
    assert len({p.topic for p in points}) == 5


def test_a_goal_or_skill_without_a_theme_gets_a_prompt_of_its_own() -> None:
    mentee = mm.Mentee(id="e1", goals=["Kubernetes"], skills={"cobol": 1})
    mentor = mm.Mentor(id="m1", goals=["kubernetes"], skills={"COBOL": 4})
    points = _pair_plan(mentee, mentor).talking_points
    assert (
        points[0].topic
        == "What progress on Kubernetes would look like for you by the closing review"
    )
    assert points[1].topic.startswith("A piece of cobol work your mentor is proud of")
    assert points[2].source == "general"  # no programme given
    assert points[2].reason == "a topic for any mentoring pair"


def test_no_gap_when_the_mentor_is_not_ahead() -> None:
    mentee = mm.Mentee(id="e1", skills={"sql": 4})
    mentor = mm.Mentor(id="m1", skills={"sql": 4, "python": 5})
    points = _pair_plan(mentee, mentor, programme="onboarding").talking_points
    assert [p.source for p in points] == ["programme"] * 3


def test_skill_gap_ties_go_to_the_first_skill_alphabetically() -> None:
    mentee = mm.Mentee(id="e1", skills={"writing": 1, "Excel": 2, "sql": 1})
    mentor = mm.Mentor(id="m1", skills={"writing": 4, "excel": 5, "SQL": 4})
    point = _pair_plan(mentee, mentor).talking_points[0]
    assert point.reason.startswith("the largest skill gap between you: Excel,")


@pytest.mark.parametrize("n", [0, 1, 2, 7])
def test_n_points_is_honoured(n: int) -> None:
    mentees, mentors = people(2)
    pair = _pair_plan(mentees[0], mentors[0], n_points=n, programme="skills_training")
    assert len(pair.talking_points) == n
    assert len({p.topic for p in pair.talking_points}) == n


def test_fewer_points_when_the_bank_runs_out() -> None:
    bank = {"general": {"topics": ["One", "Two"]}}
    pair = mm.followup.plan(ONE, start=START, topics=bank, n_points=5).pairs[0]
    assert sorted(p.topic for p in pair.talking_points) == ["One", "Two"]


def test_programme_topics_rotate_between_pairs() -> None:
    n = 40
    result = result_of([(f"e{i}", f"m{i}") for i in range(n)])
    p = mm.followup.plan(result, start=START, programme="onboarding", n_points=1)
    firsts = {x.talking_points[0].topic for x in p.pairs}
    assert len(firsts) >= 6  # 40 pairs over 10 topics


def test_a_missing_participant_gets_general_topics_and_a_warning() -> None:
    mentees, mentors = people(3)
    result = result_of([("e000", "m000"), ("e001", "m404"), ("e999", "m002")])
    with pytest.warns(FollowUpWarning, match=r"2 pairs .*mentor 'm404', mentee 'e999'"):
        p = mm.followup.plan(
            result, mm.Signups(mentees, mentors), start=START, programme="career_guidance"
        )
    for mentee_id in ("e001", "e999"):
        pair = p.for_mentee(mentee_id)
        assert {t.source for t in pair.talking_points} == {"programme"}
        assert pair.agreement.splitlines()[1].startswith("Goals: agree two or three")
    assert p.for_mentee("e001").mentee_name == "Mentee 1"
    assert p.for_mentee("e001").mentor_name is None


def test_no_participants_no_warning() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        p = mm.followup.plan(ONE, start=START)
    assert {t.source for t in p.pairs[0].talking_points} == {"general"}
    assert p.pairs[0].mentee_name is None


# --------------------------------------------------------------------------- determinism


@st.composite
def shuffled(draw: st.DrawFn) -> tuple[list[int], list[int], list[int]]:
    n = draw(st.integers(1, 12))
    order = draw(st.permutations(range(n)))
    tee_order = draw(st.permutations(range(n)))
    tor_order = draw(st.permutations(range(n)))
    return list(order), list(tee_order), list(tor_order)


MENTEES, MENTORS = people(12)


@given(shuffled(), st.sampled_from([None, *mm.followup.PROGRAMMES]))
def test_the_same_pairs_get_the_same_plan_whatever_the_order(
    orders: tuple[list[int], list[int], list[int]], programme: str | None
) -> None:
    order, tee_order, tor_order = orders
    n = len(order)
    pairs = [(f"e{i:03d}", f"m{(i * 5) % n:03d}") for i in range(n)]
    base = mm.followup.plan(
        result_of(pairs), mm.Signups(MENTEES, MENTORS), start=START, programme=programme
    )
    mixed = mm.followup.plan(
        result_of([pairs[i] for i in order]),
        [
            *(MENTORS[i] for i in tor_order),
            *(MENTEES[i] for i in tee_order),
            *MENTEES[n:],
            *MENTORS[n:],
        ],
        start=START,
        programme=programme,
    )
    assert mixed == base
    assert [p.mentee_id for p in mixed.pairs] == sorted(p for p, _ in pairs)
    assert mixed.to_csv() == base.to_csv()


@pytest.mark.slow  # over 2 s
def test_points_do_not_depend_on_the_hash_seed() -> None:
    import subprocess
    import sys

    code = (
        "import mentormatch as mm, datetime, json;"
        "from tests.followup.helpers import people, result_of;"
        "s = people(30); r = result_of([(e.id, m.id) for e, m in zip(*s)]);"
        "p = mm.followup.plan(r, [*s[0], *s[1]], start=datetime.date(2026, 1, 12), programme='career_guidance');"
        "print(json.dumps([[t.topic for t in x.talking_points] for x in p.pairs]))"
    )
    outs = {
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            env={"PYTHONHASHSEED": seed, "PATH": ""},
            cwd=Path(__file__).parents[2],
        ).stdout
        for seed in ("1", "12345")
    }
    assert len(outs) == 1
    assert outs.pop().startswith('[["')


# --------------------------------------------------------------------------- values


def _demo_plan() -> mm.followup.FollowUpPlan:
    signups = mm.load_demo()
    result = mm.presets.career_guidance().match(*signups)
    return mm.followup.plan(result, signups, start=START, programme="career_guidance")


def test_plans_are_values() -> None:
    a, b = _demo_plan(), _demo_plan()
    assert a == b and hash(a) == hash(b)
    assert pickle.loads(pickle.dumps(a)) == a
    assert copy.deepcopy(a) == a
    with pytest.raises(AttributeError):
        a.pairs[0].agreement = "x"  # type: ignore[misc]
    assert a != mm.followup.plan(result_of([("e1", "m1")]), start=START)
    changed = mm.followup.plan(ONE, start=START + timedelta(days=1))
    assert changed != mm.followup.plan(ONE, start=START)


def test_a_pair_plan_built_by_plan_equals_one_built_by_hand() -> None:
    made = _demo_plan().pairs[0]
    by_hand = PairPlan(
        made.mentee_id,
        made.mentor_id,
        list(made.meetings),  # type: ignore[arg-type]
        list(made.milestones),  # type: ignore[arg-type]
        [TalkingPoint(t.topic, t.reason, t.source) for t in made.talking_points],  # type: ignore[arg-type]
        made.agreement,
        made.start,
        made.end,
        mentee_name=made.mentee_name,
        mentor_name=made.mentor_name,
        programme=made.programme,
    )
    assert by_hand == made and hash(by_hand) == hash(made)
    assert type(by_hand.meetings) is tuple


def test_reprs() -> None:
    p = mm.followup.plan(ONE, start=START, weeks=6, every_days=7, milestones=[("a", 3, "")])
    assert repr(p) == (
        "FollowUpPlan(1 pair, 6 weeks from 2026-01-12, a check-in every 7 days, programme=None)"
    )
    assert repr(p.pairs[0]) == (
        "PairPlan(mentee_id='e1', mentor_id='m1', 6 check-ins from 2026-01-12 to 2026-02-16, "
        "1 milestone, 3 talking points)"
    )
    assert repr(Milestone("a", START, "b")) == (
        "Milestone(name='a', due=datetime.date(2026, 1, 12), description='b')"
    )


def test_the_agreement_covers_what_must_be_agreed() -> None:
    mentee = mm.Mentee(id="e1", name="Ana Secret", goals=["leadership", "Public  speaking"])
    mentor = mm.Mentor(id="m1", name="Ben Hidden", goals=["public speaking"])
    text = _pair_plan(mentee, mentor).agreement
    lines = text.splitlines()
    assert [line.split(":")[0] for line in lines[1:]] == [
        "Goals",
        "Cadence and method",
        "Confidentiality",
        "Duration",
        "Ending",
    ]
    assert "leadership and Public speaking (you both listed Public speaking)" in lines[1]
    assert "every 14 days: 13 check-ins, from 2026-01-12 to 2026-06-29" in lines[2]
    assert "26 weeks, from 2026-01-12 to 2026-07-12" in lines[4]
    assert "nobody is at fault" in lines[5]
    assert "Ana" not in text and "Ben" not in text
