"""Built-in criteria: formulas on worked examples, vectorised equals per-pair, bad options."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings

import mentormatch as mm
from mentormatch.criteria.departments import department_path, path_distance
from tests.strategies import programmes

BUILT_IN = [
    mm.GoalOverlap(),
    mm.SkillGap(),
    mm.SkillGap(ideal_gap=1),
    mm.DepartmentDistance(),
    mm.DepartmentDistance(prefer="same"),
    mm.StatedPreferences(),
    mm.StatedPreferences(mutual=True),
    mm.TextSimilarity(),
    mm.AttributeMatch("location"),
    mm.AttributeMatch("location", prefer="different"),
]


@pytest.mark.parametrize("criterion", BUILT_IN, ids=repr)
@settings(max_examples=25)
@given(programme=programmes())
def test_scores_in_unit_interval_and_shaped(criterion, programme) -> None:
    mentees, mentors = programme
    s = criterion.score(mentees, mentors)
    assert s.shape == (len(mentees), len(mentors))
    assert np.isfinite(s).all()
    assert ((s >= 0) & (s <= 1)).all()
    # the vectorised score of a pair equals the score of that pair alone
    # (TF-IDF weights depend on the whole corpus, so text is checked elsewhere)
    if mentees and mentors and not isinstance(criterion, mm.TextSimilarity):
        for i in range(len(mentees)):
            for j in range(len(mentors)):
                alone = criterion.score([mentees[i]], [mentors[j]])
                if isinstance(criterion, mm.StatedPreferences):
                    continue  # ranks refer to the whole lists; checked by hand below
                assert alone[0, 0] == pytest.approx(s[i, j])
                assert isinstance(criterion.explain(mentees[i], mentors[j], s[i, j]), str)


def test_goal_overlap_formula() -> None:
    e = [mm.Mentee(id="e1", goals=["A", "b", "c", "d"]), mm.Mentee(id="e2")]
    m = [mm.Mentor(id="m1", goals=[" a ", "B", "z"])]
    assert mm.GoalOverlap().score(e, m).tolist() == [[0.5], [0.0]]
    assert (
        mm.GoalOverlap().explain(e[1], m[0], 0.0) == "you listed no goals, so goals did not count"
    )
    assert mm.GoalOverlap().explain(e[0], m[0], 0.5) == "shares 2 of your 4 goals: a, b"


def test_skill_gap_credit_curve() -> None:
    e = [mm.Mentee(id="e1", skills={"x": 1})]
    m = [mm.Mentor(id=f"m{lvl}", skills={"x": lvl}) for lvl in range(1, 6)] + [mm.Mentor(id="none")]
    got = mm.SkillGap(ideal_gap=2).score(e, m)[0]
    np.testing.assert_allclose(got, [0, 0.5, 1.0, 2 / 3, 0.5, 0])
    got3 = mm.SkillGap(ideal_gap=3).score(e, m)[0]
    np.testing.assert_allclose(got3, [0, 1 / 3, 2 / 3, 1.0, 0.75, 0])


def test_department_distance_formula() -> None:
    assert department_path("Eng/Data") == ("eng", "data")
    assert path_distance(("eng", "data", "ml"), ("eng", "apps")) == pytest.approx(1 - 2 / 5)
    e = [mm.Mentee(id="e1", department="Eng/Data"), mm.Mentee(id="e2")]
    m = [mm.Mentor(id="m1", department="eng / data"), mm.Mentor(id="m2", department="Sales")]
    assert mm.DepartmentDistance().score(e, m).tolist() == [[0.0, 1.0], [0.0, 0.0]]
    assert mm.DepartmentDistance(prefer="same").score(e, m).tolist() == [[1.0, 0.0], [0.0, 0.0]]


def test_stated_preferences_ranks() -> None:
    e = [mm.Mentee(id="e1", preferences=["m3", "m1", "m2", "m4"])]
    m = [mm.Mentor(id=f"m{k}") for k in range(1, 6)]
    assert mm.StatedPreferences().score(e, m).tolist() == [[0.75, 0.5, 1.0, 0.25, 0.0]]
    assert mm.StatedPreferences().explain(e[0], m[2], 1.0) == "is your 1st choice"
    assert mm.StatedPreferences().explain(e[0], m[4], 0.0) == (
        "is not on your list of preferred mentors"
    )


def test_text_similarity_identical_and_disjoint() -> None:
    e = [mm.Mentee(id="e1", about="kubernetes observability"), mm.Mentee(id="e2", about="")]
    m = [mm.Mentor(id="m1", about="Kubernetes observability"), mm.Mentor(id="m2", about="tax law")]
    s = mm.TextSimilarity().score(e, m)
    assert s[0, 0] == pytest.approx(1.0)
    assert s[0, 1] == 0.0 and (s[1] == 0).all()
    only_stop_words = [mm.Mentee(id="e1", about="the and of")]
    assert mm.TextSimilarity().score(only_stop_words, m).tolist() == [[0.0, 0.0]]


def test_attribute_match_missing_is_not_guessed() -> None:
    e = [mm.Mentee(id="e1", attributes={"site": "Lyon"}), mm.Mentee(id="e2")]
    m = [mm.Mentor(id="m1", attributes={"site": "LYON"}), mm.Mentor(id="m2")]
    assert mm.AttributeMatch("site").score(e, m).tolist() == [[1, 0], [0, 0]]
    assert mm.AttributeMatch("site", prefer="different").score(e, m).tolist() == [[0, 0], [0, 0]]


@pytest.mark.parametrize(
    ("factory", "message"),
    [
        (
            lambda: mm.GoalOverlap(weight=0),
            "The 'weight' parameter of GoalOverlap must be a number > 0. Got 0",
        ),
        (lambda: mm.GoalOverlap(weight=-1), "Got -1 instead"),
        (lambda: mm.GoalOverlap(weight=float("nan")), "must be a number > 0"),
        (
            lambda: mm.SkillGap(ideal_gap=0),
            "'ideal_gap' parameter of SkillGap must be an integer >= 1",
        ),
        (lambda: mm.SkillGap(ideal_gap=5), "must be an integer in 1..4"),
        (
            lambda: mm.DepartmentDistance(prefer="near"),
            "must be one of 'different', 'same'. Got 'near'",
        ),
        (lambda: mm.AttributeMatch("x", prefer="equal"), "must be one of 'same', 'different'"),
        (lambda: mm.AttributeMatch(""), "'key' parameter of AttributeMatch"),
        (lambda: mm.StatedPreferences(mutual="yes"), "must be True or False"),
        (lambda: mm.TextSimilarity(stop_words="french"), "must be one of 'english', None"),
        (lambda: mm.FunctionCriterion(42, name="x"), "must be callable"),
        (lambda: mm.GoalOverlap(name=" "), "'name' parameter of GoalOverlap"),
    ],
    ids=[
        "zero-weight",
        "negative-weight",
        "nan-weight",
        "gap-0",
        "gap-5",
        "prefer",
        "attr-prefer",
        "attr-key",
        "mutual",
        "stop-words",
        "func",
        "name",
    ],
)
def test_bad_parameters(factory, message) -> None:
    with pytest.raises(ValueError, match=message):
        factory()


def test_reprs() -> None:
    assert repr(mm.SkillGap(ideal_gap=3, weight=2)) == "SkillGap(ideal_gap=3, weight=2.0)"
    assert repr(mm.DepartmentDistance(prefer="same")) == "DepartmentDistance(prefer='same')"
    assert repr(mm.AttributeMatch("site")) == "AttributeMatch(key='site')"
    assert repr(mm.GoalOverlap(name="goals")) == "GoalOverlap(name='goals')"
    assert repr(mm.TextSimilarity(stop_words=None)) == "TextSimilarity(stop_words=None)"
