"""RequireAttribute: a hard rule on one attribute, on both solver paths."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mentormatch as mm
from mentormatch import constraints

TRAINED = st.sampled_from(["yes", "YES ", "no", "", None, "true"])


def programme(
    tee_flags: list[str | None], tor_flags: list[str | None]
) -> tuple[list[mm.Mentee], list[mm.Mentor]]:
    tees = [
        mm.Mentee(
            id=f"e{i}",
            goals=["leadership"],
            attributes={} if flag is None else {"trained": flag},
        )
        for i, flag in enumerate(tee_flags)
    ]
    tors = [
        mm.Mentor(
            id=f"m{j}",
            goals=["leadership"],
            capacity=2,
            attributes={} if flag is None else {"trained": flag},
        )
        for j, flag in enumerate(tor_flags)
    ]
    return tees, tors


def passes(person: mm.Mentee | mm.Mentor) -> bool:
    return person.attributes.get("trained", "").strip().casefold() == "yes"


def test_it_is_exported_where_the_other_rules_are() -> None:
    assert mm.RequireAttribute is constraints.RequireAttribute
    assert isinstance(mm.RequireAttribute("trained"), constraints.ConstraintLike)


@pytest.mark.parametrize("solver", ["dense", "sparse"])
@settings(max_examples=25, deadline=None)
@given(
    tee_flags=st.lists(TRAINED, min_size=1, max_size=6),
    tor_flags=st.lists(TRAINED, min_size=1, max_size=5),
    role=st.sampled_from(["mentor", "mentee", "both"]),
)
def test_no_match_breaks_the_rule_on_either_path(
    solver: str, tee_flags: list[str | None], tor_flags: list[str | None], role: str
) -> None:
    tees, tors = programme(tee_flags, tor_flags)
    rule = mm.RequireAttribute("trained", role=role)
    result = mm.Matcher(criteria=[mm.GoalOverlap()], constraints=[rule], solver=solver).match(
        tees, tors
    )
    assert result.metadata["solver"] == solver
    by_id = {p.id: p for p in (*tees, *tors)}
    for m in result.matches:
        if role != "mentee":
            assert passes(by_id[m.mentor_id])
        if role != "mentor":
            assert passes(by_id[m.mentee_id])
    # as many matched as the allowed places permit: the rule refuses only what it must
    ok_tees = [t for t in tees if role == "mentor" or passes(t)]
    ok_places = sum(2 for t in tors if role == "mentee" or passes(t))
    assert result.n_matched == min(len(ok_tees), ok_places)


@pytest.mark.parametrize("solver", ["dense", "sparse"])
def test_the_unmatched_reason_names_the_attribute(solver: str) -> None:
    tees, tors = programme([None, None], ["no", None])
    result = mm.Matcher(
        criteria=[mm.GoalOverlap()], constraints=[mm.RequireAttribute("trained")], solver=solver
    ).match(tees, tors)
    assert not result.matches
    assert [u.reason for u in result.unmatched] == [
        "all 2 mentors with a place are refused by the rule 'require_trained'"
    ] * 2
    one = mm.Matcher(
        criteria=[mm.GoalOverlap()], constraints=[mm.RequireAttribute("trained")], solver=solver
    ).match(*programme([None], ["no"]))
    assert one.unmatched[0].reason == (
        "the only mentor with a free place is refused: 'm0' has trained 'no' (needed: yes)"
    )


def test_values_roles_and_explanations() -> None:
    tees, tors = programme(["yes", "no"], ["Done", None])
    rule = mm.RequireAttribute("trained", values=["yes", " done "], role="both")
    assert rule.allowed(tees, tors).tolist() == [[True, False], [False, False]]
    assert rule.explain(tees[1], tors[0]) == "you have trained 'no' (needed: yes or done)"
    assert rule.explain(tees[0], tors[1]) == "'m1' has no trained recorded (needed: yes or done)"
    mentee_rule = mm.RequireAttribute("trained", role="mentee")
    assert mentee_rule.allowed(tees, tors).tolist() == [[True, True], [False, False]]
    assert mentee_rule.allowed([], tors).shape == (0, 2)
    assert rule.allowed(tees, []).dtype == np.bool_
    assert repr(rule) == "RequireAttribute('trained', values=('yes', 'done'), role='both')"
    assert pickle.loads(pickle.dumps(rule)).allowed(tees, tors).tolist() == (
        rule.allowed(tees, tors).tolist()
    )


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"key": ""}, "'key'"),
        ({"key": 3}, "'key'"),
        ({"key": "trained", "values": "yes"}, "'values'"),
        ({"key": "trained", "values": []}, "'values'"),
        ({"key": "trained", "values": ["yes", 1]}, "'values'"),
        ({"key": "trained", "role": "manager"}, "'role'"),
    ],
)
def test_bad_arguments_name_the_parameter(kwargs: dict[str, object], field: str) -> None:
    with pytest.raises(mm.MentormatchError, match=field):
        mm.RequireAttribute(**kwargs)  # type: ignore[arg-type]
