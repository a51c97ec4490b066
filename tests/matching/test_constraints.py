"""Hard rules: masks, explanations, bad input."""

from __future__ import annotations

import pytest

import mentormatch as mm


def test_reporting_line_both_ways_and_depth() -> None:
    people_e = [mm.Mentee(id="e1", manager_id="mgr"), mm.Mentee(id="ceo")]
    people_m = [
        mm.Mentor(id="mgr", manager_id="vp"),
        mm.Mentor(id="vp", manager_id="ceo"),
        mm.Mentor(id="x", manager_id="e1"),
    ]
    rule = mm.NotInReportingLine(depth=2)
    got = rule.allowed(people_e, people_m).tolist()
    # e1: mgr (1 up), vp (2 up) refused; x reports to e1 -> refused the other way
    assert got[0] == [False, False, False]
    # ceo manages vp directly and mgr two levels down; x is four levels down
    assert got[1] == [False, False, True]
    assert mm.NotInReportingLine(depth=4).allowed(people_e, people_m).tolist()[1] == [
        False,
        False,
        False,
    ]
    assert rule.explain(people_e[0], people_m[2]) == "you are 'x''s manager"
    assert rule.explain(people_e[0], people_m[1]) == "'vp' is your manager's manager"


def test_forbid_and_require() -> None:
    e = [mm.Mentee(id="e1"), mm.Mentee(id="e2")]
    m = [mm.Mentor(id="m1"), mm.Mentor(id="m2")]
    assert mm.ForbidPairs([("e1", "m1"), ("zz", "m1")]).allowed(e, m).tolist() == [
        [False, True],
        [True, True],
    ]
    assert mm.RequirePairs([("e2", "m1")]).allowed(e, m).tolist() == [[True, True], [True, False]]
    result = mm.Matcher([mm.GoalOverlap()], [mm.RequirePairs([("e1", "m2")])]).match(e, m)
    assert result.mentor_of("e1") == "m2"


@pytest.mark.parametrize(
    ("factory", "message"),
    [
        (lambda: mm.ForbidPairs(["e1m1"]), r"takes \(mentee_id, mentor_id\) pairs; got 'e1m1'"),
        (lambda: mm.RequirePairs([("e1", "m1"), ("e1", "m2")]), "required with both 'm1' and 'm2'"),
        (lambda: mm.NotInReportingLine(depth=0), "'depth' parameter of NotInReportingLine"),
        (lambda: mm.DifferentDepartment(level=0), "'level' parameter of DifferentDepartment"),
        (lambda: mm.SameAttribute(""), "'key' parameter of SameAttribute"),
    ],
    ids=["pair-shape", "two-required", "depth", "level", "key"],
)
def test_bad_rules(factory, message) -> None:
    with pytest.raises(ValueError, match=message):
        factory()


def test_require_unknown_ids_is_an_error() -> None:
    with pytest.raises(mm.MentormatchError, match="RequirePairs names mentor 'm9' for mentee 'e1'"):
        mm.RequirePairs([("e1", "m9")]).allowed([mm.Mentee(id="e1")], [mm.Mentor(id="m1")])
    with pytest.raises(mm.MentormatchError, match="RequirePairs names mentee 'e9'"):
        mm.RequirePairs([("e9", "m1")]).allowed([mm.Mentee(id="e1")], [mm.Mentor(id="m1")])


def test_same_attribute_and_different_department() -> None:
    e = [mm.Mentee(id="e1", department="Eng/Data", attributes={"lang": "de"}), mm.Mentee(id="e2")]
    m = [
        mm.Mentor(id="m1", department="Eng/Apps", attributes={"lang": "DE"}),
        mm.Mentor(id="m2", department="Sales"),
    ]
    assert mm.SameAttribute("lang").allowed(e, m).tolist() == [[True, False], [False, False]]
    assert mm.DifferentDepartment().allowed(e, m).tolist() == [[False, True], [False, False]]
    assert (
        mm.DifferentDepartment().explain(e[0], m[0])
        == "'m1' works in your own department (Eng/Apps)"
    )
    assert mm.SameAttribute("lang").explain(e[1], m[0]) == "you have no lang recorded"


def test_rule_reasons_reach_unmatched() -> None:
    e = [mm.Mentee(id="e1", department="Eng")]
    m = [mm.Mentor(id="m1", department="Eng/Apps"), mm.Mentor(id="m2", department="Eng")]
    result = mm.Matcher([mm.GoalOverlap()], [mm.DifferentDepartment()]).match(e, m)
    assert result.unmatched[0].reason == "all 2 mentors with a place are in your own department"
    mixed = mm.Matcher(
        [mm.GoalOverlap()], [mm.DifferentDepartment(), mm.ForbidPairs([("e1", "m3")])]
    ).match(e, [*m, mm.Mentor(id="m3", department="Sales")])
    assert mixed.unmatched[0].reason == (
        "no mentor is allowed by the rules: of the 3 with a place, 2 in your own department, "
        "1 on the forbidden-pairs list"
    )
