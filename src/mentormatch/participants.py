"""Mentors and mentees: frozen pydantic records and the checks across them.

A participant is valid on its own (``Mentee(id="e1", goals=["leadership"])``);
a programme (the mentees and mentors matched together) is checked as a whole by
:func:`validate_programme`: unique ids per role, preferences naming people on
the other side, and no cycle in the manager chain.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from mentormatch._errors import MentormatchError

__all__ = ["Mentee", "Mentor", "validate_programme"]

SKILL_LEVELS = (1, 5)


class _Participant(BaseModel):
    """Fields shared by mentors and mentees (see the class docstrings)."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=False)

    id: str
    name: str | None = None
    department: str = ""
    manager_id: str | None = None
    skills: dict[str, int] = Field(default_factory=dict)
    goals: tuple[str, ...] = ()
    preferences: tuple[str, ...] = ()
    about: str = ""
    attributes: dict[str, str] = Field(default_factory=dict)

    _role: ClassVar[str] = "participant"

    @field_validator("id")
    @classmethod
    def _check_id(cls, value: str) -> str:
        if not value.strip():
            raise ValueError(
                f"{cls._role} id must be a non-empty string, got {value!r}; give every row an id"
            )
        if value != value.strip():
            raise ValueError(
                f"{cls._role} id {value!r} has leading or trailing spaces; remove them so that "
                "preferences and manager ids can refer to it"
            )
        return value

    @field_validator("skills", mode="after")
    @classmethod
    def _check_skills(cls, value: dict[str, int], info: ValidationInfo) -> dict[str, int]:
        who = _who(cls._role, info)
        low, high = SKILL_LEVELS
        for skill, level in value.items():
            if not skill.strip():
                raise ValueError(f"{who}: skill names must be non-empty; remove the empty skill")
            if not low <= level <= high:
                raise ValueError(
                    f"{who}: skill {skill!r} has level {level}; levels run from {low} to {high}"
                )
        folded = [s.strip().casefold() for s in value]
        if len(set(folded)) != len(folded):
            raise ValueError(
                f"{who}: skills {sorted(value)} name the same skill twice (names are compared "
                "case-folded and trimmed); keep one level per skill"
            )
        return value

    @field_validator("manager_id")
    @classmethod
    def _check_manager(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value == "":
            return None
        if value is not None and value != value.strip():
            raise ValueError(
                f"{_who(cls._role, info)}: manager_id {value!r} has surrounding spaces; "
                "give the manager's id exactly, or leave it empty"
            )
        if value is not None and value == info.data.get("id"):
            raise ValueError(f"{_who(cls._role, info)}: manager_id names the person themself")
        return value

    @field_validator("goals")
    @classmethod
    def _check_goals(cls, value: tuple[str, ...], info: ValidationInfo) -> tuple[str, ...]:
        if any(not g.strip() for g in value):
            raise ValueError(
                f"{_who(cls._role, info)}: goals must be non-empty; remove the blank goal"
            )
        return value

    @field_validator("preferences")
    @classmethod
    def _check_preferences(cls, value: tuple[str, ...], info: ValidationInfo) -> tuple[str, ...]:
        if len(set(value)) != len(value):
            dupes = sorted({p for p in value if value.count(p) > 1})
            raise ValueError(
                f"{_who(cls._role, info)}: preferences list {dupes} more than once; "
                "rank each person once"
            )
        return value


def _who(role: str, info: ValidationInfo) -> str:
    pid = info.data.get("id")
    return f"{role} {pid!r}" if pid is not None else role


class Mentee(_Participant):
    """A person who wants a mentor.

    Parameters
    ----------
    id : str
        Unique among mentees; non-empty, no surrounding spaces.
    name : str, optional
        For display only.
    department : str
        Org path, ``/``-separated, e.g. ``"Engineering/Platform/Data"``.
    manager_id : str, optional
        The id of this person's manager (a mentor, a mentee, or nobody in the programme).
    skills : dict of str to int
        The skills the mentee wants to grow, with the current level (1..5).
    goals : sequence of str
        Themes to work on; compared case-folded and trimmed.
    preferences : sequence of str
        Mentor ids, most preferred first.
    about : str
        Free text (goals, background) for text similarity.
    attributes : dict of str to str
        Anything else (location, language, ...) for rules and custom criteria.

    Examples
    --------
    >>> Mentee(id="e1", goals=["leadership"], skills={"python": 2})
    Mentee(id='e1', skills={'python': 2}, goals=('leadership',))
    """

    _role: ClassVar[str] = "mentee"

    def __repr__(self) -> str:
        return _repr(self)


class Mentor(_Participant):
    """A person who offers mentoring.

    Takes the same fields as :class:`Mentee` (``skills`` are levels of
    expertise, ``goals`` the themes offered, ``preferences`` mentee ids) and:

    Parameters
    ----------
    capacity : int, default 1
        How many mentees this mentor may take; 0 keeps the mentor out of the
        matching without removing them from the data.

    Examples
    --------
    >>> Mentor(id="m1", capacity=2, goals=["Leadership "], department="Sales/EMEA")
    Mentor(id='m1', department='Sales/EMEA', goals=('Leadership ',), capacity=2)
    >>> Mentor(id="m2", capacity=-1)
    Traceback (most recent call last):
    ...
    pydantic_core._pydantic_core.ValidationError: 1 validation error for Mentor
    capacity
      Value error, mentor 'm2': capacity must be a whole number >= 0, got -1; set it to 0 to exclude this mentor ...
    """

    capacity: int = 1

    _role: ClassVar[str] = "mentor"

    @field_validator("capacity", mode="before")
    @classmethod
    def _check_capacity(cls, value: Any, info: ValidationInfo) -> int:
        who = _who("mentor", info)
        if isinstance(value, bool) or not isinstance(value, int):
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            else:
                raise ValueError(
                    f"{who}: capacity must be a whole number >= 0, got {value!r}; "
                    "give the number of mentees this mentor can take"
                )
        if value < 0:
            raise ValueError(
                f"{who}: capacity must be a whole number >= 0, got {value}; "
                "set it to 0 to exclude this mentor"
            )
        return int(value)

    def __repr__(self) -> str:
        return _repr(self)


def _repr(p: _Participant) -> str:
    """A short repr: the id and the fields that differ from their defaults."""
    parts = [f"id={p.id!r}"]
    for name, field in type(p).model_fields.items():
        if name == "id":
            continue
        value = getattr(p, name)
        default = field.get_default(call_default_factory=True)
        if value != default:
            parts.append(f"{name}={value!r}")
    return f"{type(p).__name__}({', '.join(parts)})"


def _as_tuple(people: Iterable[Any], cls: type[_Participant], role: str) -> tuple[Any, ...]:
    out = tuple(people)
    for i, p in enumerate(out):
        if isinstance(p, Mapping):
            raise MentormatchError(
                f"{role} #{i} is a dict; build {cls.__name__}(**row) first, or read files with "
                "mentormatch.io",
                participant_id=str(p.get("id")),
            )
        if not isinstance(p, cls):
            raise MentormatchError(
                f"{role} #{i} is a {type(p).__name__}, not a {cls.__name__}; "
                f"pass {cls.__name__} objects",
            )
    return out


def validate_programme(
    mentees: Sequence[Mentee] | Iterable[Mentee], mentors: Sequence[Mentor] | Iterable[Mentor]
) -> tuple[tuple[Mentee, ...], tuple[Mentor, ...]]:
    """Check mentees and mentors as one programme; return them as tuples.

    Parameters
    ----------
    mentees : iterable of Mentee
    mentors : iterable of Mentor

    Returns
    -------
    (tuple of Mentee, tuple of Mentor)
        The same objects, unchanged.

    Raises
    ------
    MentormatchError
        On a duplicate id within a role, a preference naming nobody on the
        other side, or a cycle in the manager chain (``manager_id`` across both
        roles). The message names the field, the id and the fix.

    Examples
    --------
    >>> e = [Mentee(id="e1", preferences=["m9"])]
    >>> validate_programme(e, [Mentor(id="m1")])
    Traceback (most recent call last):
    ...
    mentormatch._errors.MentormatchError: mentee 'e1': preferences name 'm9', who is not a mentor in this programme; remove it or add that mentor
    """
    tees = _as_tuple(mentees, Mentee, "mentee")
    tors = _as_tuple(mentors, Mentor, "mentor")
    for role, people in (("mentee", tees), ("mentor", tors)):
        seen: set[str] = set()
        for p in people:
            if p.id in seen:
                raise MentormatchError(
                    f"{role} id {p.id!r} appears twice; ids must be unique within a role "
                    "(merge the two rows or rename one)",
                    field="id",
                    participant_id=p.id,
                )
            seen.add(p.id)
    tee_ids = {p.id for p in tees}
    tor_ids = {p.id for p in tors}
    for role, people, other, other_role in (
        ("mentee", tees, tor_ids, "mentor"),
        ("mentor", tors, tee_ids, "mentee"),
    ):
        for p in people:
            for pref in p.preferences:
                if pref not in other:
                    raise MentormatchError(
                        f"{role} {p.id!r}: preferences name {pref!r}, who is not a {other_role} "
                        f"in this programme; remove it or add that {other_role}",
                        field="preferences",
                        participant_id=p.id,
                        value=pref,
                    )
    _check_manager_cycles(tees, tors)
    return tees, tors


def capacities(mentors: Sequence[Mentor], n_mentees: int) -> NDArray[np.int64]:
    """The mentors' capacities as an array, each clipped to ``n_mentees``.

    A capacity above the number of mentees cannot matter (no mentor can take
    more mentees than there are), so it is clipped here, once, for every
    solver: a capacity of ``2**70`` never overflows an ``int64``.

    Examples
    --------
    >>> capacities([Mentor(id="m1", capacity=2**70), Mentor(id="m2", capacity=1)], 3)
    array([3, 1])
    """
    return np.array([min(m.capacity, n_mentees) for m in mentors], dtype=np.int64)


def manager_map(mentees: Iterable[Mentee], mentors: Iterable[Mentor]) -> dict[str, str]:
    """Map each person's id to their manager's id, across both roles.

    A person in both roles must name the same manager in both; a conflict is
    an error naming the id.
    """
    out: dict[str, str] = {}
    for p in (*mentees, *mentors):
        if p.manager_id is None:
            continue
        known = out.get(p.id)
        if known is not None and known != p.manager_id:
            raise MentormatchError(
                f"participant {p.id!r} names manager {known!r} as a mentee and "
                f"{p.manager_id!r} as a mentor; give the same manager_id in both rows",
                field="manager_id",
                participant_id=p.id,
            )
        out[p.id] = p.manager_id
    return out


def _check_manager_cycles(mentees: Iterable[Mentee], mentors: Iterable[Mentor]) -> None:
    managers = manager_map(mentees, mentors)
    done: set[str] = set()
    for start in managers:
        path: list[str] = []
        on_path: set[str] = set()
        node: str | None = start
        while node is not None and node not in done:
            if node in on_path:
                cycle = [*path[path.index(node) :], node]
                raise MentormatchError(
                    f"participant {node!r}: the manager chain loops ({' -> '.join(cycle)}); "
                    "fix the manager_id of one of these people",
                    field="manager_id",
                    participant_id=node,
                )
            path.append(node)
            on_path.add(node)
            node = managers.get(node)
        done.update(path)
