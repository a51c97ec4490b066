"""Milestones met on time (:func:`milestone_rate`), and the targets a programme file
sets for them (:class:`MilestoneTarget`, the ``[targets.milestones]`` table)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from mentormatch._dates import DateLike
from mentormatch._errors import MentormatchError
from mentormatch._problems import Problems, shown
from mentormatch._validation import as_whole, check_int, fold
from mentormatch._values import Value
from mentormatch.kpis.cohort import _cohort
from mentormatch.kpis.rates import NoDataError, Rate, proportion
from mentormatch.kpis.relationships import Relationship

__all__ = ["MILESTONE_DAYS", "MilestoneTarget", "milestone_rate"]

#: The longest ``within_days``: a century (plans are at most 520 weeks).
_MAX_DAYS = 36_525

#: The days after the start by which the default plan's milestones with a fixed offset
#: are due (:data:`mentormatch.followup.DEFAULT_MILESTONES`): a target for one of them
#: may leave ``within_days`` out.
MILESTONE_DAYS: Mapping[str, int] = {"kick-off": 14, "agreement": 28}


def _name(name: object, owner: str) -> str:
    if not isinstance(name, str) or not name.strip():
        raise MentormatchError(
            f"The 'name' parameter of {owner} must be a milestone's name, e.g. 'kick-off'. "
            f"Got {shown(name)} instead.",
            field="name",
            value=name,
        )
    return " ".join(name.split())


def milestone_rate(
    relationships: Iterable[Relationship],
    name: str,
    *,
    within_days: int,
    as_of: DateLike | None = None,
    confidence: float = 0.95,
    method: str = "wilson",
) -> Rate:
    """The share of pairs that met a milestone on time, among those for which it was due.

    A pair's milestone is due when ``started + within_days <= as_of``; it was
    met on time when :attr:`Relationship.milestones` holds ``name`` (compared
    case-folded) on or before ``started + within_days``. A pair for which it
    is due and that has not met it, or met it late, counts as not met, also
    when the pair has ended since.

    Each relationship is judged as it stood on ``as_of`` (default today; any
    date-like), by :meth:`Relationship.as_of`: a pair that starts later is not
    in the cohort yet, and a milestone met after ``as_of`` is not known yet. A
    date before the programme began (the earliest start) is a
    :class:`MentormatchError`.

    Parameters
    ----------
    relationships : iterable of Relationship
    name : str
        The milestone, e.g. ``"kick-off"``.
    within_days : int
        Days after the start by which it is due, 0 to 36525 (the default plan:
        14 for ``kick-off``, 28 for ``agreement``).
    as_of : date-like, optional
    confidence, method
        As for :func:`proportion`.

    Returns
    -------
    Rate
        With its counts and interval. Nobody due raises
        :class:`~mentormatch.kpis.NoDataError`.

    Examples
    --------
    >>> from mentormatch.kpis import Relationship
    >>> rs = [Relationship(mentee_id="e1", mentor_id="m1", started="2026-01-12",
    ...                    milestones={"kick-off": "2026-01-20"}),
    ...       Relationship(mentee_id="e2", mentor_id="m1", started="2026-01-12",
    ...                    milestones={"kick-off": "2026-02-20"}),
    ...       Relationship(mentee_id="e3", mentor_id="m2", started="2026-03-01")]
    >>> print(milestone_rate(rs, "kick-off", within_days=14, as_of="2026-03-10"))
    1/2 = 50.0% (95% CI 9.5%–90.5%, Wilson)
    """
    shown_name = _name(name, "milestone_rate")
    days = check_int("milestone_rate", "within_days", within_days, minimum=0, maximum=_MAX_DAYS)
    day, rels = _cohort(relationships, as_of)
    key = fold(shown_name)
    due = met = 0
    for r in rels:
        if (day - r.started).days < days:
            continue
        due += 1
        when = next((d for n, d in r.milestones.items() if fold(n) == key), None)
        met += when is not None and (when - r.started).days <= days
    if not due:
        first = min((r.started for r in rels), default=None)
        if first is not None and first > date.max - timedelta(days=days):
            first = None
        raise NoDataError(
            f"no pair's {shown_name!r} was due on {day} (due {days} days after the start"
            + (f"; the first is due on {first + timedelta(days=days)})" if first else ")")
            + "; choose a later as_of",
            field="as_of",
            value=day,
        )
    return proportion(met, due, confidence, method)


@dataclass(frozen=True, eq=False)
class MilestoneTarget(Value):
    """A target for a milestone: at least ``target`` of the pairs meet ``name`` within
    ``within_days`` days of their start.

    Examples
    --------
    >>> MilestoneTarget("kick-off", 14, 0.9)
    MilestoneTarget(name='kick-off', within_days=14, target=0.9)
    """

    name: str
    within_days: int
    target: float

    def __post_init__(self) -> None:
        object.__setattr__(self, "name", _name(self.name, "MilestoneTarget"))
        object.__setattr__(
            self,
            "within_days",
            check_int(
                "MilestoneTarget", "within_days", self.within_days, minimum=0, maximum=_MAX_DAYS
            ),
        )
        if (
            isinstance(self.target, bool)
            or not isinstance(self.target, (int, float))
            or not 0 <= self.target <= 1
        ):
            raise MentormatchError(
                f"the target for milestone {self.name!r} must be a fraction in [0, 1] (0.8 for "
                f"80%), not {shown(self.target)}",
                field="target",
                value=self.target,
            )
        object.__setattr__(self, "target", float(self.target))
        super().__post_init__()


def parse_milestone_targets(table: object, sink: Problems) -> tuple[MilestoneTarget, ...]:
    """The ``[targets.milestones]`` table of a programme file; problems go to ``sink``.

    Each key is a milestone's name; its value is the target (``kick-off = 0.9``,
    for the milestones of :data:`MILESTONE_DAYS`) or a table
    ``{ target = 0.8, within_days = 28 }``.
    """
    if not isinstance(table, dict):
        sink.add(
            "[targets.milestones] must be a table of milestone = target, e.g. "
            f"kick-off = 0.9; got {shown(table)}",
            column="targets.milestones",
        )
        return ()
    out: list[MilestoneTarget] = []
    for name, value in table.items():
        column = f"targets.milestones.{name}"
        days: object = MILESTONE_DAYS.get(fold(str(name)))
        target: object = value
        if isinstance(value, dict):
            unknown = sorted(set(value) - {"target", "within_days"})
            if unknown:
                sink.add(
                    f"unknown key {unknown[0]!r} for milestone {name!r}; give target and "
                    "within_days",
                    column=column,
                )
                continue
            target, days = value.get("target"), value.get("within_days", days)
        if days is None:
            sink.add(
                f"milestone {name!r} needs within_days, the days after the start by which it "
                f"is due: write {name} = {{ target = 0.8, within_days = 90 }}",
                column=column,
            )
            continue
        whole = as_whole(days)
        number = (
            float(target)
            if not isinstance(target, bool) and isinstance(target, (int, float))
            else math.nan
        )
        if whole is None or not 0 <= whole <= _MAX_DAYS:
            sink.add(
                f"within_days for milestone {name!r} must be a whole number of days in "
                f"0..{_MAX_DAYS}, not {shown(days)}",
                column=column,
            )
        elif not 0 <= number <= 1:
            sink.add(
                f"the target for milestone {name!r} must be a fraction in [0, 1] (0.8 for "
                f"80%), not {shown(target)}",
                column=column,
            )
        else:
            out.append(MilestoneTarget(str(name), whole, number))
    return tuple(out)
