"""Rationed shortlists: limits, eligibility, and optimality against brute force."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mentormatch as mm
from mentormatch.shortlist import shortlist, slot_bonus
from tests.oracle import best_shortlist
from tests.strategies import programmes

CRITERIA = [mm.GoalOverlap(weight=2), mm.SkillGap(), mm.DepartmentDistance()]


@settings(max_examples=40)
@given(
    programmes(max_mentees=6, max_mentors=4),
    st.integers(1, 3),
    st.sampled_from([0.5, 1.0, 1.5, 2.0]),
    st.sampled_from([0.0, 0.3]),
)
def test_limits_and_eligibility_hold(programme, k, ration, min_score) -> None:
    mentees, mentors = programme
    matcher = mm.Matcher(CRITERIA, [mm.NotInReportingLine()], min_score=min_score)
    sl = shortlist(matcher, mentees, mentors, k=k, ration=ration)
    scores = matcher.score(mentees, mentors)
    ie = {e: i for i, e in enumerate(scores.mentee_ids)}
    im = {t: j for j, t in enumerate(scores.mentor_ids)}
    assert list(sl.lists) == [e.id for e in mentees]
    count = dict.fromkeys(im, 0)
    for e, entries in sl.lists.items():
        assert len(entries) <= k
        assert len({x.mentor_id for x in entries}) == len(entries)
        assert [x.score for x in entries] == sorted((x.score for x in entries), reverse=True)
        for x in entries:
            assert scores.eligible[ie[e], im[x.mentor_id]]  # never a refused pair
            assert x.score == pytest.approx(scores.total[ie[e], im[x.mentor_id]])
            count[x.mentor_id] += 1
        assert (len(entries) < k) == (e in sl.notes)
    for t in mentors:  # a capacity above the number of mentees is clipped: it cannot matter,
        # and so is a limit (a mentor cannot be on more lists than there are mentees)
        limit = min(math.ceil(ration * min(t.capacity, len(mentees))), len(mentees))
        assert count[t.id] == sl.load[t.id] <= limit == sl.limits[t.id]


@settings(max_examples=30)
@given(programmes(max_mentees=4, max_mentors=3, max_capacity=2), st.integers(1, 2))
def test_optimal_against_brute_force(programme, k) -> None:
    mentees, mentors = programme
    matcher = mm.Matcher(CRITERIA)
    sl = shortlist(matcher, mentees, mentors, k=k, ration=1.0)
    scores = matcher.score(mentees, mentors)
    cap = np.array([t.capacity for t in mentors])
    bonus = slot_bonus(k)
    best = best_shortlist(
        scores.total, scores.eligible & (cap > 0)[None, :], per_row=k, per_column=cap, bonus=bonus
    )
    lengths = [len(v) for v in sl.lists.values()]
    got = float(sum(bonus[:n].sum() for n in lengths)) + sl.total_score
    assert got == pytest.approx(best, abs=1e-7)


def test_popular_mentor_is_rationed_and_notes_say_why() -> None:
    mentees = [mm.Mentee(id=f"e{i}", goals=["sql"]) for i in range(4)]
    mentors = [mm.Mentor(id="star", goals=["sql"]), mm.Mentor(id="m2", capacity=1)]
    sl = shortlist(mm.Matcher([mm.GoalOverlap()]), mentees, mentors, k=2, ration=2.0)
    assert sl.load == {"star": 2, "m2": 2}
    assert sum(len(v) for v in sl.lists.values()) == 4
    assert any("rationing" in note for note in sl.notes.values())
    assert sl.summary().startswith("Shortlists of up to 2 for 4 mentees: 0 full, 4 shorter")
    assert all(len(v) == 1 for v in sl.lists.values())  # filled evenly
    recs = sl.to_records()
    assert len(recs) == 4 and recs[0]["rank"] == 1


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"k": 0}, "'k' parameter"),
        ({"ration": 0}, "'ration' parameter"),
        ({"ration": True}, "ration"),
    ],
)
def test_bad_parameters(kwargs, message) -> None:
    with pytest.raises(mm.MentormatchError, match=message):
        shortlist(mm.Matcher([mm.GoalOverlap()]), [], [], **kwargs)


def test_unknown_mentee() -> None:
    sl = shortlist(mm.Matcher([mm.GoalOverlap()]), [], [])
    assert sl.lists == {} and sl.total_score == 0.0
    with pytest.raises(mm.MentormatchError, match="'e1' is not in this shortlist"):
        sl.for_mentee("e1")
