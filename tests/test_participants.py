"""Participants: fields, defaults, and one clear error per bad input."""

from __future__ import annotations

import pytest

import mentormatch as mm


def test_only_id_is_required() -> None:
    e = mm.Mentee(id="e1")
    assert (e.name, e.department, e.manager_id, e.skills, e.goals) == (None, "", None, {}, ())
    assert (e.preferences, e.about, e.attributes) == ((), "", {})
    assert mm.Mentor(id="m1").capacity == 1


def test_participants_are_frozen() -> None:
    e = mm.Mentee(id="e1")
    with pytest.raises(ValueError, match="frozen"):
        e.department = "x"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("cls", "kwargs", "message"),
    [
        (mm.Mentee, {"id": ""}, "mentee id must be a non-empty string"),
        (mm.Mentee, {"id": " e1"}, "has leading or trailing spaces"),
        (
            mm.Mentor,
            {"id": "m1", "capacity": -1},
            "mentor 'm1': capacity must be a whole number >= 0, got -1; set it to 0",
        ),
        (
            mm.Mentor,
            {"id": "m1", "capacity": 1.5},
            "mentor 'm1': capacity must be a whole number >= 0, got 1.5",
        ),
        (mm.Mentor, {"id": "m1", "capacity": "2"}, "capacity must be a whole number"),
        (mm.Mentor, {"id": "m1", "capacity": True}, "capacity must be a whole number"),
        (
            mm.Mentee,
            {"id": "e1", "skills": {"python": 6}},
            "mentee 'e1': skill 'python' has level 6; levels run from 1 to 5",
        ),
        (mm.Mentee, {"id": "e1", "skills": {"python": 0}}, "has level 0"),
        (mm.Mentee, {"id": "e1", "skills": {"SQL": 2, "sql ": 3}}, "name the same skill twice"),
        (mm.Mentee, {"id": "e1", "goals": ["a", " "]}, "goals must be non-empty"),
        (
            mm.Mentee,
            {"id": "e1", "preferences": ["m1", "m1"]},
            r"preferences list \['m1'\] more than once",
        ),
        (mm.Mentee, {"id": "e1", "manager_id": "e1"}, "manager_id names the person themself"),
        (mm.Mentee, {"id": "e1", "nickname": "x"}, "Extra inputs are not permitted"),
    ],
    ids=[
        "empty-id",
        "spaced-id",
        "negative-capacity",
        "fractional-capacity",
        "text-capacity",
        "bool-capacity",
        "level-6",
        "level-0",
        "duplicate-skill",
        "blank-goal",
        "duplicate-preference",
        "self-manager",
        "unknown-field",
    ],
)
def test_bad_participant_fields(cls, kwargs, message) -> None:
    with pytest.raises(ValueError, match=message):
        cls(**kwargs)


def test_whole_float_capacity_is_accepted() -> None:
    assert mm.Mentor(id="m1", capacity=2.0).capacity == 2


@pytest.mark.parametrize(
    ("mentees", "mentors", "message"),
    [
        ([mm.Mentee(id="e1"), mm.Mentee(id="e1")], [], "mentee id 'e1' appears twice"),
        ([], [mm.Mentor(id="m1"), mm.Mentor(id="m1")], "mentor id 'm1' appears twice"),
        (
            [mm.Mentee(id="e1", preferences=["m9"])],
            [mm.Mentor(id="m1")],
            "mentee 'e1': preferences name 'm9'",
        ),
        (
            [mm.Mentee(id="e1")],
            [mm.Mentor(id="m1", preferences=["e7"])],
            "mentor 'm1': preferences name 'e7'",
        ),
        (
            [mm.Mentee(id="a", manager_id="b")],
            [mm.Mentor(id="b", manager_id="c"), mm.Mentor(id="c", manager_id="a")],
            r"the manager chain loops \(a -> b -> c -> a\)",
        ),
        (
            [mm.Mentee(id="x", manager_id="b")],
            [mm.Mentor(id="x", manager_id="c")],
            "names manager 'b' as a mentee and 'c' as a mentor",
        ),
        ([{"id": "e1"}], [], "mentee #0 is a dict"),
        ([mm.Mentor(id="m1")], [], "mentee #0 is a Mentor, not a Mentee"),
    ],
    ids=[
        "duplicate-mentee",
        "duplicate-mentor",
        "unknown-preference",
        "unknown-mentor-preference",
        "manager-cycle",
        "conflicting-managers",
        "dict-row",
        "wrong-role",
    ],
)
def test_bad_programmes(mentees, mentors, message) -> None:
    with pytest.raises(mm.MentormatchError, match=message):
        mm.validate_programme(mentees, mentors)


def test_errors_carry_data() -> None:
    with pytest.raises(mm.MentormatchError) as info:
        mm.validate_programme([mm.Mentee(id="e1", preferences=["zz"])], [])
    assert (info.value.field, info.value.participant_id, info.value.value) == (
        "preferences",
        "e1",
        "zz",
    )


def test_person_in_both_roles_is_valid() -> None:
    tees, tors = mm.validate_programme([mm.Mentee(id="ann")], [mm.Mentor(id="ann")])
    assert tees[0].id == tors[0].id == "ann"


def test_repr_shows_only_what_is_set() -> None:
    assert repr(mm.Mentor(id="m1", capacity=2)) == "Mentor(id='m1', capacity=2)"
