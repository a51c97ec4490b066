"""Mentoring circles: size limits, rules, every mentee accounted for."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mentormatch as mm
from mentormatch.circles import match_circles
from tests.oracle import assignments
from tests.strategies import programmes


@settings(max_examples=30)
@given(programmes(max_mentees=7, max_mentors=3), st.integers(1, 3), st.integers(0, 3))
def test_circles_respect_sizes_and_rules(programme, lo, extra) -> None:
    mentees, mentors = programme
    hi = lo + extra
    matcher = mm.Matcher([mm.GoalOverlap()], [mm.NotInReportingLine()])
    r = match_circles(mentees, mentors, min_size=lo, max_size=hi, matcher=matcher)
    allowed = matcher.score(mentees, mentors)
    ie = {e: i for i, e in enumerate(allowed.mentee_ids)}
    im = {t: j for j, t in enumerate(allowed.mentor_ids)}
    placed = [e for c in r.circles for e in c.mentee_ids]
    assert len(placed) == len(set(placed))
    assert sorted(placed + [u.mentee_id for u in r.unmatched]) == sorted(e.id for e in mentees)
    assert len({c.mentor_id for c in r.circles}) == len(r.circles)
    cap = {t.id: t.capacity for t in mentors}
    for c in r.circles:
        assert lo <= len(c.mentee_ids) <= hi
        assert cap[c.mentor_id] > 0
        for e in c.mentee_ids:
            assert allowed.allowed[ie[e], im[c.mentor_id]]
    assert r.optimal
    # the most mentees placed: brute force over circle memberships
    best = 0
    open_ = np.array([t.capacity > 0 for t in mentors], dtype=bool)
    for choice in assignments(allowed.eligible & open_[None, :], None):
        sizes = [sum(1 for x in choice if x == j) for j in range(len(mentors))]
        if all(s == 0 or lo <= s <= hi for s in sizes):
            best = max(best, sum(sizes))
    assert len(placed) == best


def test_shared_goals_are_explained() -> None:
    mentees = [
        mm.Mentee(id="a", goals=["sql", "Go"]),
        mm.Mentee(id="b", goals=["sql", "go "]),
        mm.Mentee(id="c", goals=["sql"]),
    ]
    r = match_circles(mentees, [mm.Mentor(id="m", goals=["sql"])], min_size=2, max_size=3)
    c = r.circles[0]
    assert c.shared_goals == {"sql": ("a", "b", "c"), "go": ("a", "b")}
    assert c.explain() == "m with a, b, c: all share sql; go (a, b)"
    assert r.summary().startswith("1 circles, 3 of 3 mentees (optimal).")


def test_too_many_for_one_circle() -> None:
    mentees = [mm.Mentee(id=f"e{i}") for i in range(4)]
    r = match_circles(mentees, [mm.Mentor(id="m")], min_size=1, max_size=3)
    assert len(r.circles[0].mentee_ids) == 3
    assert "full" in r.unmatched[0].reason


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"min_size": 0}, "'min_size'"), ({"min_size": 4, "max_size": 3}, "below min_size")],
)
def test_bad_sizes(kwargs, message) -> None:
    with pytest.raises(mm.MentormatchError, match=message):
        match_circles([], [], **kwargs)
