"""Milestones: named points of a pair's plan with a due date (private; see ``followup.plan``)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Final, Literal, TypeAlias

from mentormatch._dates import to_date
from mentormatch._errors import MentormatchError
from mentormatch._validation import as_whole, fold, is_bool, shown
from mentormatch._values import Value

__all__ = [
    "DEFAULT_MILESTONES",
    "HALF_WAY",
    "LAST_DAY",
    "Milestone",
    "MilestoneSpec",
    "Offset",
    "check_milestones",
]

HALF_WAY: Final = "half-way"
"""A milestone offset: half the programme's days after the start (rounded down)."""
LAST_DAY: Final = "end"
"""A milestone offset: the programme's last day (``7 * weeks - 1`` days after the start)."""

Offset: TypeAlias = "int | Literal['half-way', 'end']"


@dataclass(frozen=True, eq=False)
class Milestone(Value):
    """A named point of a pair's plan, due on a day.

    Attributes
    ----------
    name : str
        ``"kick-off"``, ``"agreement"``, ``"mid-point review"``, ``"closing review"``
        or a programme's own; the name that ``kpis`` will count milestones by.
    due : datetime.date
        The day by which it should be met.
    description : str
        What meeting it means, in a sentence.

    Examples
    --------
    >>> from datetime import date
    >>> m = Milestone("celebration", "2026-06-30", "The whole cohort meets to celebrate")
    >>> m.due
    datetime.date(2026, 6, 30)
    """

    name: str
    due: date
    description: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise MentormatchError(
                f"A milestone's name must be non-empty text. Got {shown(self.name)} instead.",
                field="milestones",
                value=self.name,
            )
        if not isinstance(self.description, str):
            raise MentormatchError(
                f"The description of milestone {self.name!r} must be text. Got "
                f"{shown(self.description)} instead.",
                field="milestones",
                value=self.description,
            )
        object.__setattr__(self, "name", " ".join(self.name.split()))
        try:
            due = to_date(self.due, "due")
        except MentormatchError as exc:
            raise MentormatchError(
                f"milestone {self.name!r}: {exc}", field="due", value=self.due
            ) from None
        object.__setattr__(self, "due", due)
        super().__post_init__()


#: The milestones every plan gets unless ``milestones=`` says otherwise, as
#: ``(name, days_after_start, description)``; ``"half-way"`` and ``"end"`` are
#: offsets that follow the programme's length.
DEFAULT_MILESTONES: tuple[tuple[str, Offset, str], ...] = (
    (
        "kick-off",
        14,
        "First meeting, within 14 days: get to know each other, say what you each hope for, "
        "and plan how you will meet",
    ),
    (
        "agreement",
        28,
        "By day 28: goals, how often and how you meet, confidentiality and duration agreed "
        "and written down",
    ),
    (
        "mid-point review",
        HALF_WAY,
        "Half-way: look back at your goals together, keep what works and change what does not",
    ),
    (
        "closing review",
        LAST_DAY,
        "The last day: what you achieved, what comes next, and a good close to the relationship",
    ),
)


@dataclass(frozen=True)
class MilestoneSpec:
    """A milestone as asked for: a day offset from each pair's start, or a fixed date."""

    name: str
    description: str
    offset: int | None  # days after the start, resolved against the programme's length
    due: date | None  # a fixed date, the same for every pair


def _offset(value: object, name: str, days: int, weeks: int) -> int:
    if isinstance(value, str) and value == HALF_WAY:
        return days // 2
    if isinstance(value, str) and value == LAST_DAY:
        return days - 1
    whole = None if is_bool(value) else as_whole(value)
    if whole is None or whole < 0:
        raise MentormatchError(
            f"The 'milestones' parameter: the days after the start of milestone {name!r} must "
            f"be a whole number >= 0, {HALF_WAY!r} or {LAST_DAY!r}. Got {shown(value)} instead.",
            field="milestones",
            value=value,
        )
    if whole > days - 1:
        raise MentormatchError(
            f"The 'milestones' parameter: milestone {name!r} falls {whole} days after the start, "
            f"past the programme's last day (day {days - 1} of weeks={weeks}); move it to day "
            f"{days - 1} or earlier ({LAST_DAY!r} means the last day), or plan more weeks",
            field="milestones",
            value=value,
        )
    return whole


def check_milestones(milestones: object, weeks: int) -> tuple[MilestoneSpec, ...]:
    """Check ``milestones=`` against a programme of ``weeks`` weeks.

    Examples
    --------
    >>> [s.offset for s in check_milestones(None, 26)]
    [14, 28, 91, 181]
    >>> check_milestones([("kick-off", 200, "")], 26)
    Traceback (most recent call last):
    ...
    mentormatch._errors.MentormatchError: The 'milestones' parameter: milestone 'kick-off' falls 200 days after the start, past the programme's last day (day 181 of weeks=26); ...
    """
    days = 7 * weeks
    given: Iterable[object] = DEFAULT_MILESTONES if milestones is None else milestones  # type: ignore[assignment]
    if isinstance(given, str | bytes | Milestone) or not isinstance(given, Iterable):
        raise MentormatchError(
            "The 'milestones' parameter of plan must be a list of (name, days_after_start, "
            f"description) tuples or Milestone objects. Got {shown(milestones)} instead.",
            field="milestones",
            value=milestones,
        )
    out: list[MilestoneSpec] = []
    seen: dict[str, str] = {}
    for item in given:
        if isinstance(item, Milestone):
            spec = MilestoneSpec(item.name, item.description, None, item.due)
        elif isinstance(item, tuple | list) and len(item) == 3:
            name, offset, description = item
            if not isinstance(name, str) or not name.strip():
                raise MentormatchError(
                    f"The 'milestones' parameter: a milestone's name must be non-empty text. Got "
                    f"{shown(name)} instead.",
                    field="milestones",
                    value=name,
                )
            name = " ".join(name.split())
            if not isinstance(description, str):
                raise MentormatchError(
                    f"The 'milestones' parameter: the description of milestone {name!r} must be "
                    f"text. Got {shown(description)} instead.",
                    field="milestones",
                    value=description,
                )
            spec = MilestoneSpec(name, description, _offset(offset, name, days, weeks), None)
        else:
            raise MentormatchError(
                "The 'milestones' parameter: each milestone must be a (name, days_after_start, "
                f"description) tuple or a Milestone. Got {shown(item)} instead.",
                field="milestones",
                value=item,
            )
        key = fold(spec.name)
        if key in seen:
            raise MentormatchError(
                f"The 'milestones' parameter names {seen[key]!r} and {spec.name!r}, the same "
                "milestone (names are compared trimmed and case-folded); give each one once",
                field="milestones",
                value=spec.name,
            )
        seen[key] = spec.name
        out.append(spec)
    return tuple(out)
