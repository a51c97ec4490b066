"""The maximin option and the group gap report."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mentormatch as mm
from mentormatch._solve import solve_dense
from mentormatch.fairness import group_gaps, match_maximin
from mentormatch.lifecycle.fairness import _max_coverage
from tests.oracle import best_maximin
from tests.strategies import programmes

CRITERIA = [mm.GoalOverlap(weight=2), mm.SkillGap(), mm.DepartmentDistance()]


@settings(max_examples=40)
@given(programmes(max_mentees=5, max_mentors=3), st.sampled_from([0.0, 0.3]))
def test_maximin_is_exact_and_never_worse_for_the_worst_off(programme, min_score) -> None:
    mentees, mentors = programme
    matcher = mm.Matcher(CRITERIA, [mm.NotInReportingLine()], min_score=min_score)
    default = matcher.match(mentees, mentors)
    fair = match_maximin(matcher, mentees, mentors)
    assert fair.n_matched == default.n_matched
    if default.matches:
        assert min(m.score for m in fair.matches) >= min(m.score for m in default.matches) - 1e-12
        assert fair.total_score <= default.total_score + 1e-9
        assert fair.metadata["threshold"] == pytest.approx(min(m.score for m in fair.matches))
    scores = matcher.score(mentees, mentors)
    cap = np.array([t.capacity for t in mentors])
    n, worst, total = best_maximin(scores.total, scores.eligible, cap)
    assert fair.n_matched == n
    if n:
        assert min(m.score for m in fair.matches) == pytest.approx(worst)
        assert fair.total_score == pytest.approx(total)
    ids = [m.mentee_id for m in fair.matches] + [u.mentee_id for u in fair.unmatched]
    assert sorted(ids) == sorted(e.id for e in mentees)


@settings(max_examples=40)
@given(st.integers(0, 6), st.integers(0, 4), st.integers(0, 2**32 - 1))
def test_max_coverage_agrees_with_the_assignment_solver(n, m, seed) -> None:
    rng = np.random.default_rng(seed)
    mask = rng.random((n, m)) < 0.5
    cap = rng.integers(0, 3, m)
    expected = int((solve_dense(np.zeros((n, m)), mask, cap) >= 0).sum())
    assert _max_coverage(mask, cap) == expected


def cohort() -> tuple[list[mm.Mentee], mm.MatchResult]:
    depts = ["Sales"] * 6 + ["Eng"] * 6 + ["Legal"] * 2 + ["HR"] * 3
    mentees = [
        mm.Mentee(
            id=f"e{i:02d}",
            department=d,
            goals=["sql"] if i % 3 else ["x"],
            attributes={"site": "Paris" if i % 2 else "Berlin"},
        )
        for i, d in enumerate(depts)
    ]
    mentors = [mm.Mentor(id="m1", goals=["sql"], capacity=10), mm.Mentor(id="m2", capacity=3)]
    return mentees, mm.Matcher([mm.GoalOverlap()]).match(mentees, mentors)


def test_group_gaps_suppresses_small_groups() -> None:
    mentees, result = cohort()
    gaps = group_gaps(result, mentees, by="department", min_group_size=5)
    by = {g.group: g for g in gaps.groups}
    # Legal (2) is small; HR (3) is suppressed too so Legal cannot be recovered
    assert by["Legal"].suppressed and by["HR"].suppressed
    assert by["Legal"].n is None and by["Legal"].match_rate is None
    sales = by["Sales"]
    assert not sales.suppressed and sales.n == 6
    k = sum(1 for e in mentees if e.department == "Sales" and result.mentor_of(e.id))
    assert sales.match_rate == mm.kpis.proportion(k, 6)
    assert "suppressed (small group)" in gaps.summary()


def test_group_gaps_by_attribute_and_function() -> None:
    mentees, result = cohort()
    g = group_gaps(result, mentees, by="site", min_group_size=3)
    assert [x.group for x in g.groups] == ["Berlin", "Paris"]
    assert g.max_rate_gap is not None and g.max_score_gap is not None
    a, b = g.groups
    assert a.score_gap == pytest.approx(-b.score_gap)  # type: ignore[operator]
    top = group_gaps(result, mentees, by=lambda e: e.department[:1], min_group_size=3)
    assert top.by == "<lambda>"
    none = group_gaps(result, mentees, by="nothing", min_group_size=3)
    assert [x.group for x in none.groups] == ["(not recorded)"]
    assert none.groups[0].rate_gap is None


@pytest.mark.parametrize("size", [2, 0, True, 2.5])
def test_group_gaps_threshold_cannot_go_below_three(size) -> None:
    mentees, result = cohort()
    with pytest.raises(mm.MentormatchError, match="min_group_size"):
        group_gaps(result, mentees, min_group_size=size)


def test_group_gaps_needs_the_result_mentees() -> None:
    mentees, result = cohort()
    with pytest.raises(mm.MentormatchError, match="'zz' is not in the result"):
        group_gaps(result, [*mentees, mm.Mentee(id="zz")])
