"""Mentors and mentees: frozen pydantic records and the checks across them.

A participant is valid on its own (``Mentee(id="e1", goals=["leadership"])``);
a programme (the mentees and mentors matched together) is checked as a whole by
:func:`validate_programme`: unique ids per role, preferences naming people on
the other side, and no cycle in the manager chain.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, ClassVar, TypeVar, cast

import numpy as np
from numpy.typing import NDArray
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from mentormatch._dates import is_missing
from mentormatch._errors import MentormatchError
from mentormatch._validation import as_whole, is_bool, shown
from mentormatch._values import FrozenDict

__all__ = ["Mentee", "Mentor", "validate_programme"]

SKILL_LEVELS = (1, 5)

#: Fields that may be left out; a missing marker (None, NaN, pd.NA, NaT) given for
#: one of them means "not given": the field takes its default.
_OPTIONAL = (
    "name",
    "department",
    "manager_id",
    "skills",
    "goals",
    "preferences",
    "about",
    "attributes",
    "capacity",
)

_P = TypeVar("_P", bound="_Participant")
_PT = TypeVar("_PT", "Mentee", "Mentor")


class _Participant(BaseModel):
    """Fields shared by mentors and mentees (see the class docstrings)."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=False)

    id: str
    name: str | None = None
    department: str = ""
    manager_id: str | None = None
    skills: Mapping[str, int] = Field(default_factory=FrozenDict)
    goals: tuple[str, ...] = ()
    preferences: tuple[str, ...] = ()
    about: str = ""
    attributes: Mapping[str, str] = Field(default_factory=FrozenDict)

    _role: ClassVar[str] = "participant"

    @model_validator(mode="before")
    @classmethod
    def _missing_means_default(cls, data: Any) -> Any:
        """What pandas hands in: a missing marker for an optional field is "not given"."""
        if not isinstance(data, Mapping):
            return data
        if "id" in data and is_missing(data["id"]):
            raise ValueError(f"{cls._role} id is missing; give every row an id")
        out = {k: v for k, v in data.items() if not (k in _OPTIONAL and is_missing(v))}
        for key in ("goals", "preferences"):  # a numpy array or pandas Series of text
            value = out.get(key)
            if (
                value is not None
                and not isinstance(value, str | list | tuple)
                and hasattr(value, "tolist")
            ):
                out[key] = value.tolist()
        for key in ("skills", "attributes"):  # a pandas Series indexed by name
            value = out.get(key)
            if value is not None and not isinstance(value, Mapping) and hasattr(value, "to_dict"):
                out[key] = value.to_dict()
        return out

    def model_copy(self: _P, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> _P:
        """A copy, with ``update`` validated like the constructor's arguments.

        pydantic's own ``model_copy`` puts updates in unchecked; here they go
        through validation, so no copy holds a value a participant may not have.

        Examples
        --------
        >>> Mentee(id="e1").model_copy(update={"skills": {"sql": 9}})
        Traceback (most recent call last):
        ...
        pydantic_core._pydantic_core.ValidationError: 1 validation error for Mentee
        skills
          Value error, mentee 'e1': skill 'sql' has level 9; levels run from 1 to 5 ...
        """
        if not update:
            return super().model_copy(deep=deep)
        fields = {
            k: getattr(self, k) for k in type(self).model_fields if k in self.model_fields_set
        }
        return type(self).model_validate({**fields, **dict(update)})

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

    @field_validator("skills", mode="before")
    @classmethod
    def _skill_levels(cls, value: Any, info: ValidationInfo) -> Any:
        """Levels from numpy and pandas are whole numbers; a bool or a missing level is refused."""
        if not isinstance(value, Mapping):
            return value
        who = _who(cls._role, info)
        out: dict[Any, Any] = {}
        for skill, level in value.items():
            if is_bool(level):
                raise ValueError(
                    f"{who}: skill {skill!r} has level {level!r}; a level is a whole number "
                    "from 1 to 5, not True or False"
                )
            if is_missing(level):
                raise ValueError(
                    f"{who}: skill {skill!r} has no level ({shown(level)}); give a level "
                    "from 1 to 5, or leave the skill out"
                )
            whole = as_whole(level)
            if whole is None:
                raise ValueError(
                    f"{who}: skill {skill!r} has level {shown(level)}; a level is a whole "
                    "number from 1 to 5"
                )
            out[skill] = whole
        return out

    @field_validator("skills", mode="after")
    @classmethod
    def _check_skills(cls, value: Mapping[str, int], info: ValidationInfo) -> Mapping[str, int]:
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
        return FrozenDict(value)

    @field_validator("attributes", mode="before")
    @classmethod
    def _attribute_values(cls, value: Any) -> Any:
        """A missing value (None, NaN, pd.NA) means the attribute is not recorded."""
        if not isinstance(value, Mapping):
            return value
        return {k: v for k, v in value.items() if not is_missing(v)}

    @field_validator("attributes", mode="after")
    @classmethod
    def _read_only_attributes(cls, value: Mapping[str, str]) -> Mapping[str, str]:
        return FrozenDict(value)

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
        whole = as_whole(value)
        if whole is None:
            raise ValueError(
                f"{who}: capacity must be a whole number >= 0, got {shown(value)}; "
                "give the number of mentees this mentor can take"
            )
        if whole < 0:
            raise ValueError(
                f"{who}: capacity must be a whole number >= 0, got {shown(whole)}; "
                "set it to 0 to exclude this mentor"
            )
        return whole

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


def as_people(people: object, cls: type[_PT], role: str) -> tuple[_PT, ...]:
    """Read a collection of participants once, as a tuple.

    Lists, tuples, generators (read once), pandas Series and one-dimensional
    numpy object arrays all give the same tuple. A single participant, a text,
    a dict or a DataFrame is refused with the fix.

    Examples
    --------
    >>> import numpy as np
    >>> as_people(np.array([Mentee(id="e1")], dtype=object), Mentee, "mentee")
    (Mentee(id='e1'),)
    >>> as_people(Mentee(id="e1"), Mentee, "mentee")
    Traceback (most recent call last):
    ...
    mentormatch._errors.MentormatchError: mentees must be a collection of Mentee objects (a list, tuple, generator, pandas Series or numpy array); got a single Mentee: wrap it in a list, [person]
    """
    plural = f"{role}s"
    kinds = "(a list, tuple, generator, pandas Series or numpy array)"
    if isinstance(people, _Participant):
        raise MentormatchError(
            f"{plural} must be a collection of {cls.__name__} objects {kinds}; got a single "
            f"{type(people).__name__}: wrap it in a list, [person]",
            field=plural,
        )
    if isinstance(people, str | bytes | Mapping) or type(people).__name__ == "DataFrame":
        fix = (
            "read a table of sign-ups with mentormatch.io.read_signups(frame)"
            if type(people).__name__ == "DataFrame"
            else f"pass the {cls.__name__} objects themselves"
        )
        raise MentormatchError(
            f"{plural} must be a collection of {cls.__name__} objects {kinds}; got a "
            f"{type(people).__name__}: {fix}",
            field=plural,
        )
    if isinstance(people, np.ndarray) and people.ndim != 1:
        raise MentormatchError(
            f"{plural} must be one-dimensional; got an array of shape {people.shape}: "
            "flatten it with .ravel()",
            field=plural,
        )
    try:
        out: tuple[Any, ...] = tuple(cast(Iterable[Any], people))
    except TypeError:
        raise MentormatchError(
            f"{plural} must be a collection of {cls.__name__} objects {kinds}; got "
            f"{type(people).__name__}, which cannot be iterated",
            field=plural,
        ) from None
    for i, p in enumerate(out):
        if isinstance(p, Mapping):
            raise MentormatchError(
                f"{role} #{i} is a dict; build {cls.__name__}(**row) first, or read files with "
                "mentormatch.io",
                field=plural,
                participant_id=str(p.get("id")),
            )
        if not isinstance(p, cls):
            raise MentormatchError(
                f"{role} #{i} is a {type(p).__name__}, not a {cls.__name__}; "
                f"pass {cls.__name__} objects",
                field=plural,
            )
    return out


def validate_programme(
    mentees: Iterable[Mentee], mentors: Iterable[Mentor]
) -> tuple[tuple[Mentee, ...], tuple[Mentor, ...]]:
    """Check mentees and mentors as one programme; return them as tuples.

    Parameters
    ----------
    mentees : iterable of Mentee
    mentors : iterable of Mentor
        A list, tuple, generator (read once), pandas Series or numpy object
        array; see :func:`as_people`.

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
    tees = as_people(mentees, Mentee, "mentee")
    tors = as_people(mentors, Mentor, "mentor")
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
