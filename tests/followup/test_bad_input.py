"""Bad input to followup.plan: each gets a MentormatchError naming the parameter, before any
work; random values of every kind get our error or a plan, never another exception."""

from __future__ import annotations

import warnings
from datetime import date
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import mentormatch as mm

from .helpers import result_of

START = date(2026, 1, 12)
ONE = result_of([("e1", "m1")])

BAD: dict[str, tuple[str, object, str]] = {
    "weeks 0": ("weeks", 0, "must be an integer in 1..520"),
    "weeks -1": ("weeks", -1, "must be an integer in 1..520"),
    "weeks 521": ("weeks", 521, "must be an integer in 1..520"),
    "weeks bool": ("weeks", True, "Got True instead"),
    "weeks 2.5": ("weeks", 2.5, "Got 2.5 instead"),
    "weeks text": ("weeks", "26", "Got '26' instead"),
    "weeks None": ("weeks", None, "Got None instead"),
    "weeks nan": ("weeks", float("nan"), "Got nan instead"),
    "every 0": ("every_days", 0, "'every_days' parameter of plan must be an integer >= 1"),
    "every -14": ("every_days", -14, "must be an integer >= 1"),
    "every numpy bool": ("every_days", np.bool_(True), "must be an integer >= 1"),
    "every 1.5": ("every_days", 1.5, "must be an integer >= 1"),
    "n_points -1": ("n_points", -1, "must be an integer >= 0"),
    "n_points bool": ("n_points", False, "must be an integer >= 0"),
    "programme unknown": (
        "programme",
        "career",
        "must be one of 'career_guidance', 'onboarding', 'reverse_mentoring', 'skills_training'",
    ),
    "programme number": ("programme", 3, "must be one of"),
    "start text": ("start", "next monday", "must be a date"),
    "start number": ("start", 20260112, "must be a date"),
    "start bool": ("start", True, "must be a date"),
    "start missing": ("start", None, "'start' parameter of plan is missing"),
    "start NaT": ("start", np.datetime64("NaT"), "'start' parameter of plan is missing"),
    "milestones text": (
        "milestones",
        "kick-off",
        "must be a list of (name, days_after_start, description)",
    ),
    "milestones a Milestone": ("milestones", mm.followup.Milestone("a", START), "must be a list"),
    "milestone short": (
        "milestones",
        [("a", 3)],
        "each milestone must be a (name, days_after_start, description)",
    ),
    "milestone no name": (
        "milestones",
        [(" ", 3, "")],
        "a milestone's name must be non-empty text",
    ),
    "milestone name number": (
        "milestones",
        [(3, 3, "")],
        "a milestone's name must be non-empty text",
    ),
    "milestone description": (
        "milestones",
        [("a", 3, None)],
        "the description of milestone 'a' must be text",
    ),
    "milestone negative": (
        "milestones",
        [("a", -1, "")],
        "whole number >= 0, 'half-way' or 'end'. Got -1",
    ),
    "milestone bool": ("milestones", [("a", True, "")], "Got True instead"),
    "milestone fraction": ("milestones", [("a", 2.5, "")], "Got 2.5 instead"),
    "milestone word": ("milestones", [("a", "middle", "")], "Got 'middle' instead"),
    "milestone array": ("milestones", [("a", np.array([1, 2]), "")], "whole number >= 0"),
    "milestone past the end": (
        "milestones",
        [("a", 182, "")],
        "past the programme's last day (day 181 of weeks=26)",
    ),
    "milestone item": ("milestones", [3], "each milestone must be"),
    "pairs text": ("pairs", "e1,m1", "must be a MatchResult or a list of relationships"),
    "pairs mapping": ("pairs", {"e1": "m1"}, "must be a MatchResult or a list of relationships"),
    "pairs number": ("pairs", 3, "must be a MatchResult"),
    "pairs item": ("pairs", [("e1", "m1")], "item 0 must be a Match or a Relationship"),
    "participants text": ("participants", "signups.csv", "must be Signups"),
    "participants item": ("participants", [3], "must hold Mentee and Mentor objects"),
    "participants twice": (
        "participants",
        [mm.Mentee(id="e1"), mm.Mentee(id="e1")],
        "holds mentee 'e1' twice",
    ),
    "topics number": ("topics", 3, "must be a path to a TOML topic bank"),
}


@pytest.mark.parametrize("param, value, message", BAD.values(), ids=BAD.keys())
def test_bad_input_names_the_parameter(param: str, value: object, message: str) -> None:
    kwargs: dict[str, Any] = {"start": START}
    pairs: object = ONE
    if param == "pairs":
        pairs = value
    else:
        kwargs[param] = value
    with pytest.raises(mm.MentormatchError) as info:
        mm.followup.plan(pairs, **kwargs)  # type: ignore[arg-type]
    assert message in str(info.value)
    assert info.value.field == param, str(info.value)


def test_a_bad_milestone_object() -> None:
    with pytest.raises(
        mm.MentormatchError, match="milestone 'a': The 'due' parameter must be a date"
    ):
        mm.followup.Milestone("a", "soon")
    with pytest.raises(mm.MentormatchError, match="name must be non-empty text"):
        mm.followup.Milestone("", START)


def test_whole_floats_are_whole_numbers() -> None:
    assert mm.followup.plan(ONE, start=START, weeks=26.0, every_days=np.float64(14)) == (
        mm.followup.plan(ONE, start=START)
    )


_anything = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**20), 10**20),
    st.floats(),
    st.text(max_size=12),
    st.binary(max_size=4),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    st.dates(),
    st.sampled_from(
        [
            np.int64(3),
            np.float64("nan"),
            np.datetime64("NaT"),
            np.array([1, 2]),
            object(),
            "half-way",
            "end",
            "onboarding",
        ]
    ),
)


@given(
    st.sampled_from(
        [
            "start",
            "weeks",
            "every_days",
            "programme",
            "topics",
            "milestones",
            "n_points",
            "participants",
        ]
    ),
    _anything,
)
def test_any_value_gets_a_plan_or_our_error(param: str, value: object) -> None:
    kwargs: dict[str, Any] = {"start": START, param: value}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", mm.followup.FollowUpWarning)
            mm.followup.plan(ONE, **kwargs)
    except mm.MentormatchError as exc:
        assert exc.field in (param, "start", "milestones"), (param, str(exc))


@given(st.lists(st.tuples(_anything, _anything, _anything), max_size=3))
def test_any_milestones_get_a_plan_or_our_error(milestones: list[tuple[object, ...]]) -> None:
    try:
        mm.followup.plan(ONE, start=START, milestones=milestones)  # type: ignore[arg-type]
    except mm.MentormatchError as exc:
        assert exc.field == "milestones"
