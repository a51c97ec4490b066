"""The sentences of the explanations: counts in words, and nothing said of a list never given."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

import mentormatch as mm
from mentormatch._text import of_yours

ALL_CRITERIA = (
    mm.GoalOverlap(),
    mm.SkillGap(),
    mm.StatedPreferences(),
    mm.StatedPreferences(mutual=True),
    mm.DepartmentDistance(),
    mm.TextSimilarity(),
)


def _reasons(mentee: mm.Mentee, mentors: list[mm.Mentor]) -> dict[str, str]:
    """Every criterion's sentence for ``mentee`` and its mentor in a real match."""
    result = mm.Matcher(criteria=list(ALL_CRITERIA[:3]) + list(ALL_CRITERIA[4:])).match(
        [mentee], mentors
    )
    match = result.matches[0]
    return dict(zip(match.contributions, match.reasons, strict=True))


def test_a_mentee_who_gave_nothing_reads_no_list_and_no_counts() -> None:
    reasons = _reasons(mm.Mentee(id="e1"), [mm.Mentor(id="m1", goals=["sql"], skills={"sql": 4})])
    assert reasons == {
        "goal_overlap": "you listed no goals, so goals did not count",
        "skill_gap": "you listed no skills to grow, so skills did not count",
        "preferences": "you named no preferred mentors, so preferences did not count",
        "department": "department unknown, so it did not count",
        "text": "you gave no description of yourself, so descriptions did not count",
    }
    assert not any("list of" in r or re.search(r"\b0 of\b", r) for r in reasons.values())


def test_one_goal_and_one_skill_read_as_yours_not_as_counts() -> None:
    e = mm.Mentee(id="e1", goals=["SQL"], skills={"python": 2})
    m = mm.Mentor(id="m1", goals=["sql", "go"], skills={"Python": 4})
    assert mm.GoalOverlap().explain(e, m, 1.0) == "shares your goal: sql"
    assert mm.SkillGap().explain(e, m, 1.0) == "is ahead of you in your skill: python (4 vs your 2)"
    other = mm.Mentor(id="m2", goals=["go"], skills={"python": 1})
    assert mm.GoalOverlap().explain(e, other, 0.0) == "does not share your goal: sql"
    assert mm.SkillGap().explain(e, other, 0.0) == (
        "is not ahead of you in your skill: python (1 vs your 2)"
    )
    assert mm.SkillGap().explain(e, mm.Mentor(id="m3", skills={"go": 5}), 0.0) == (
        "does not list your skill: python"
    )


def test_a_mentor_with_no_goals_or_skills_is_said_to_list_none() -> None:
    e = mm.Mentee(id="e1", goals=["sql", "go"], skills={"python": 2, "sql": 1})
    bare = mm.Mentor(id="m1")
    assert mm.GoalOverlap().explain(e, bare, 0.0) == "lists no goals, so shares none of yours"
    assert mm.SkillGap().explain(e, bare, 0.0) == "lists no skills, so is ahead of you in none"
    assert mm.TextSimilarity().explain(mm.Mentee(id="e1", about="sql"), bare, 0.0) == (
        "gave no description of themselves, so descriptions did not count"
    )


def test_several_goals_and_skills_are_counted_only_when_some_are_shared() -> None:
    e = mm.Mentee(id="e1", goals=["a", "b", "c"], skills={"x": 1, "y": 1})
    assert mm.GoalOverlap().explain(e, mm.Mentor(id="m1", goals=["b"]), 1 / 3) == (
        "shares one of your 3 goals: b"
    )
    assert mm.GoalOverlap().explain(e, mm.Mentor(id="m1", goals=["a", "c"]), 2 / 3) == (
        "shares 2 of your 3 goals: a, c"
    )
    assert mm.GoalOverlap().explain(e, mm.Mentor(id="m1", goals=["c", "b", "a"]), 1.0) == (
        "shares all 3 of your goals: a, b, c"
    )
    assert mm.GoalOverlap().explain(e, mm.Mentor(id="m1", goals=["z"]), 0.0) == (
        "shares none of your 3 goals"
    )
    assert mm.SkillGap().explain(e, mm.Mentor(id="m1", skills={"x": 3, "y": 2}), 1.0) == (
        "is ahead of you in both of your skills: x (3 vs your 1), y (2 vs your 1)"
    )
    assert mm.SkillGap().explain(e, mm.Mentor(id="m1", skills={"x": 1}), 0.0) == (
        "is not ahead of you in any of your 2 skills"
    )


@pytest.mark.parametrize(
    ("mentee_prefs", "mentor_prefs", "expected"),
    [
        ([], [], "neither of you named preferences, so preferences did not count"),
        ([], ["e1"], "ranked you 1st; you named no preferred mentors"),
        (["m1"], [], "is your 1st choice, and named no preferred mentees"),
        (["m2"], ["e2", "e1"], "is not on your list of preferred mentors, and ranked you 2nd"),
        (["m1"], ["e2"], "is your 1st choice, and did not rank you"),
    ],
)
def test_mutual_preferences_speak_only_of_lists_that_were_given(
    mentee_prefs: list[str], mentor_prefs: list[str], expected: str
) -> None:
    e = mm.Mentee(id="e1", preferences=mentee_prefs)
    m = mm.Mentor(id="m1", preferences=mentor_prefs)
    assert mm.StatedPreferences(mutual=True).explain(e, m, 0.0) == expected


_words = st.lists(st.sampled_from(["a", "b", "c", "d", "e"]), max_size=5, unique=True)
_levels = st.dictionaries(st.sampled_from(["x", "y", "z"]), st.integers(1, 5), max_size=3)


@given(_words, _words, _levels, _levels)
def test_no_sentence_counts_one_of_one_or_zero_of_anything(
    mine: list[str], theirs: list[str], my_skills: dict[str, int], their_skills: dict[str, int]
) -> None:
    e = mm.Mentee(id="e1", goals=mine, skills=my_skills)
    m = mm.Mentor(id="m1", goals=theirs, skills=their_skills)
    for criterion in (mm.GoalOverlap(), mm.SkillGap()):
        sentence = criterion.explain(e, m, 0.0)
        assert not re.search(r"\b1 of your 1\b|\b0 of\b|\b1 goals\b|\b1 skills\b", sentence)
    shared = sorted(set(mine) & set(theirs))
    if shared:
        assert (
            mm.GoalOverlap()
            .explain(e, m, 0.0)
            .endswith(": " + ", ".join(g for g in mine if g in theirs))
        )


@given(st.integers(1, 30), st.integers(1, 30))
def test_of_yours_names_the_count_unless_it_is_all_or_one(k: int, n: int) -> None:
    if k > n:
        k, n = n, k
    phrase = of_yours(k, n, "goal", "goals")
    assert phrase.endswith("goal" if n == 1 else "goals")
    assert not re.search(r"\b1 of\b", phrase)
    assert (str(n) in phrase) == (n > 2 or (n == 2 and k == 1))


def test_one_allowed_mentor_below_min_score_is_the_only_one_not_the_best() -> None:
    mentees = [mm.Mentee(id="e1", goals=["sql", "go"])]
    one = mm.Matcher(criteria=[mm.GoalOverlap()], min_score=0.9).match(
        mentees, [mm.Mentor(id="m1", goals=["sql"])]
    )
    assert one.unmatched[0].reason == (
        "no allowed mentor scores at least min_score 0.9 (the only one, m1, scores 0.50)"
    )
    two = mm.Matcher(criteria=[mm.GoalOverlap()], min_score=0.9).match(
        mentees, [mm.Mentor(id="m1", goals=["sql"]), mm.Mentor(id="m2")]
    )
    assert "(the best, m1, scores 0.50)" in two.unmatched[0].reason
