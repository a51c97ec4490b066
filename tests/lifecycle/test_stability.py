"""Blocking pairs: the vectorised count against a direct reading of the definition."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings

import mentormatch as mm
from mentormatch.matching import Match, MatchResult, Unmatched
from mentormatch.stability import blocking_pairs, rank_matrices
from tests.oracle import assignments
from tests.strategies import programmes


def result_of(mentees, mentors, choice) -> MatchResult:  # type: ignore[no-untyped-def]
    matches = tuple(
        Match(e.id, mentors[j].id, 0.0, {}, ())
        for e, j in zip(mentees, choice, strict=True)
        if j >= 0
    )
    unmatched = tuple(Unmatched(e.id, "-") for e, j in zip(mentees, choice, strict=True) if j < 0)
    return MatchResult(matches, unmatched, 0.0)


def slow_blocking(mentees, mentors, choice) -> set[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """The definition, pair by pair."""
    out = set()
    for i, e in enumerate(mentees):
        for j, t in enumerate(mentors):
            if choice[i] == j or e.id == t.id:
                continue
            if t.id not in e.preferences or e.id not in t.preferences:
                continue
            if choice[i] >= 0:
                cur = mentors[choice[i]].id
                if cur in e.preferences and e.preferences.index(cur) < e.preferences.index(t.id):
                    continue
            mine = [mentees[k].id for k in range(len(mentees)) if choice[k] == j]
            if len(mine) >= t.capacity:
                ranks = [t.preferences.index(x) if x in t.preferences else 10**9 for x in mine]
                if not ranks or t.preferences.index(e.id) >= max(ranks):
                    continue
            out.add((e.id, t.id))
    return out


def feasible(mentees, mentors):  # type: ignore[no-untyped-def]
    not_self = np.array([[e.id != t.id for t in mentors] for e in mentees], dtype=bool)
    capacity = [t.capacity for t in mentors]
    yield from assignments(not_self.reshape(len(mentees), len(mentors)), capacity)


@settings(max_examples=30)
@given(programmes(max_mentees=4, max_mentors=3, max_capacity=2))
def test_count_matches_the_definition_and_a_stable_matching_exists(programme) -> None:
    mentees, mentors = programme
    counts = []
    for choice in feasible(mentees, mentors):
        report = blocking_pairs(result_of(mentees, mentors, choice), mentees, mentors)
        expected = slow_blocking(mentees, mentors, choice)
        assert {(p.mentee_id, p.mentor_id) for p in report.pairs} == expected
        assert report.n_blocking == len(expected)
        counts.append(report.n_blocking)
    # a stable matching always exists (Gale-Shapley); brute force finds it
    assert min(counts) == 0


@settings(max_examples=30)
@given(programmes(max_mentees=6, max_mentors=4))
def test_matcher_results_are_checked_without_error(programme) -> None:
    mentees, mentors = programme
    matcher = mm.Matcher([mm.StatedPreferences(mutual=True)], [mm.NotInReportingLine()])
    result = matcher.match(mentees, mentors)
    with_rules = blocking_pairs(result, mentees, mentors, matcher=matcher)
    without = blocking_pairs(result, mentees, mentors)
    assert {(p.mentee_id, p.mentor_id) for p in with_rules.pairs} <= {
        (p.mentee_id, p.mentor_id) for p in without.pairs
    }
    assert with_rules.is_stable == (with_rules.n_blocking == 0)


def test_reasons_and_summary() -> None:
    mentees = [mm.Mentee(id="e1", preferences=["m1"]), mm.Mentee(id="e2")]
    mentors = [mm.Mentor(id="m1", preferences=["e1"], capacity=2)]
    r = result_of(mentees, mentors, (-1, 0))
    rep = blocking_pairs(r, mentees, mentors)
    assert (
        rep.pairs[0].reason
        == "e1 ranks m1 1st and is unmatched; m1 ranks e1 1st and has a free place"
    )
    mentors = [mm.Mentor(id="m1", preferences=["e1"], capacity=1)]
    rep = blocking_pairs(r, mentees, mentors)
    assert rep.pairs[0].reason.endswith("m1 ranks e1 1st, above e2 (unranked)")
    assert rep.summary().startswith("1 blocking pair ")
    ok = blocking_pairs(result_of(mentees, mentors, (0, -1)), mentees, mentors)
    assert ok.summary().startswith("Stable: no blocking pair (1 mentees and 1 mentors")


def test_rank_matrices_are_zero_based_with_inf() -> None:
    re, rm = rank_matrices(
        [mm.Mentee(id="e1", preferences=["m2"])], [mm.Mentor(id="m1"), mm.Mentor(id="m2")]
    )
    assert re.tolist() == [[np.inf, 0.0]] and np.isinf(rm).all()


def test_result_from_another_programme_is_an_error() -> None:
    mentees = [mm.Mentee(id="e1")]
    mentors = [mm.Mentor(id="m1")]
    import pytest

    with pytest.raises(mm.MentormatchError, match="'e9'"):
        blocking_pairs(result_of([mm.Mentee(id="e9")], mentors, (0,)), mentees, mentors)
    with pytest.raises(mm.MentormatchError, match="'m9'"):
        blocking_pairs(result_of(mentees, [mm.Mentor(id="m9")], (0,)), mentees, mentors)
