"""KPIs over a cohort of relationships as of a day: match, completion and early
termination rates, goal attainment, satisfaction, meeting cadence and mentor
utilisation."""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
from pydantic import BaseModel

from mentormatch._dates import DateLike, is_missing, to_date, today
from mentormatch._errors import MentormatchError
from mentormatch._intervals import ConfidenceInterval
from mentormatch._stats import check_confidence as _check_confidence
from mentormatch._stats import count as _count
from mentormatch._stats import level_label as _level
from mentormatch._stats import stdev
from mentormatch._stats import t_interval as _t_interval
from mentormatch._validation import as_real, check_int
from mentormatch._values import Value
from mentormatch.kpis.rates import NoDataError, Rate, proportion
from mentormatch.kpis.relationships import (
    Relationship,
    load_demo_relationships,  # noqa: F401  (the examples use it)
)

__all__ = [
    "GoalAttainment",
    "MeanSummary",
    "MeetingCadence",
    "MentorUtilisation",
    "completion_rate",
    "early_termination_rate",
    "goal_attainment",
    "match_rate",
    "meeting_cadence",
    "mentor_utilisation",
    "satisfaction_summary",
]


DAYS_PER_MONTH = 365.25 / 12


def _relationships(records: Iterable[Relationship]) -> list[Relationship]:
    """The records as a list (any iterable: list, tuple, generator read once,
    pandas Series, numpy object array), each checked to be a Relationship."""
    if isinstance(records, (Relationship, str, bytes, Mapping)) or not isinstance(
        records, Iterable
    ):
        raise MentormatchError(
            f"expected a collection of Relationship records, got {type(records).__name__}; "
            "pass a list (read them with read_relationships())",
            value=type(records).__name__,
        )
    out = list(records)
    for r in out:
        if not isinstance(r, Relationship):
            raise MentormatchError(
                f"expected Relationship records, got {type(r).__name__}; "
                "read them with read_relationships()",
                value=type(r).__name__,
            )
    return out


def _day(as_of: DateLike | None) -> date:
    """``as_of`` as a date; ``None`` means today."""
    return today() if as_of is None else to_date(as_of, "as_of")


def _cohort(
    records: Iterable[Relationship], as_of: DateLike | None
) -> tuple[date, list[Relationship]]:
    """The day, and every relationship as it stood on it (:meth:`Relationship.as_of`):
    pairs not started yet left out.  A day before the programme began (the earliest
    start) is an error: there was no cohort to measure."""
    rels = _relationships(records)
    day = _day(as_of)
    if rels:
        first = min(r.started for r in rels)
        if day < first:
            raise MentormatchError(
                f"as_of {day} is before the programme began (the earliest pair started on "
                f"{first}); choose a date on or after {first}",
                field="as_of",
                value=day,
            )
    viewed = [r.as_of(day) for r in rels]
    return day, [r for r in viewed if r is not None]


def match_rate(
    matched: Any, eligible: int | None = None, *, confidence: float = 0.95, method: str = "wilson"
) -> Rate:
    """Share of eligible mentees who were matched.

    ``matched`` is a count (then ``eligible`` is required) or a match result with
    ``.matches`` (objects with ``.mentee_id``) and ``.unmatched`` (objects with
    ``.mentee_id``); then the denominator is matched plus unmatched mentees unless
    ``eligible`` is given.

    >>> print(match_rate(41, 50))
    41/50 = 82.0% (95% CI 69.2%–90.2%, Wilson)
    """
    if hasattr(matched, "matches") and hasattr(matched, "unmatched"):
        got = {str(m.mentee_id) for m in matched.matches}
        missed = {str(u.mentee_id) for u in matched.unmatched} - got
        k = len(got)
        n = k + len(missed) if eligible is None else _count(eligible, "eligible")
        return proportion(k, n, confidence, method)
    if eligible is None:
        raise MentormatchError(
            "match_rate needs eligible when matched is a count", field="eligible"
        )
    return proportion(_count(matched, "matched"), _count(eligible, "eligible"), confidence, method)


def _due(r: Relationship, day: date) -> bool:
    """Whether the outcome of ``r`` (as of ``day``) is due: finished, or active past
    its planned end (overdue)."""
    if r.status != "active":
        return True
    return r.planned_end is not None and r.planned_end < day


def _due_pairs(records: Iterable[Relationship], as_of: DateLike | None) -> list[Relationship]:
    day, rels = _cohort(records, as_of)
    return [r for r in rels if _due(r, day)]


def completion_rate(
    relationships: Iterable[Relationship],
    *,
    as_of: DateLike | None = None,
    confidence: float = 0.95,
    method: str = "wilson",
) -> Rate:
    """Completed pairs among pairs whose outcome is due on ``as_of``.

    Denominator: completed + ended early + active pairs already past their
    planned end, which count as not completed.  Active pairs still within their
    plan are left out: their outcome is not known yet.

    Each relationship is judged as it stood on ``as_of`` (default today; any
    date-like), by :meth:`Relationship.as_of`: a pair that starts later is not in
    the cohort yet, a pair that ended later is still active, and meetings and
    goals met later are ignored.  A date before the programme began (the
    earliest start) is a :class:`MentormatchError`.

    >>> rs = load_demo_relationships()
    >>> print(completion_rate(rs, as_of=date(2026, 3, 1)))
    22/35 = 62.9% (95% CI 46.3%–76.8%, Wilson)
    >>> print(completion_rate(rs, as_of="2025-09-30"))
    0/6 = 0.0% (95% CI 0.0%–39.0%, Wilson)
    """
    due = _due_pairs(relationships, as_of)
    k = sum(r.status == "completed" for r in due)
    return proportion(k, len(due), confidence, method)


def early_termination_rate(
    relationships: Iterable[Relationship],
    *,
    as_of: DateLike | None = None,
    confidence: float = 0.95,
    method: str = "wilson",
) -> Rate:
    """Pairs that ended early, over the same denominator as :func:`completion_rate`.

    Completion + early termination + overdue share = 100%.

    Each relationship is judged as it stood on ``as_of`` (default today; any
    date-like), by :meth:`Relationship.as_of`: a pair that starts later is not in
    the cohort yet, a pair that ended later is still active, and meetings and
    goals met later are ignored.  A date before the programme began (the
    earliest start) is a :class:`MentormatchError`.

    >>> print(early_termination_rate(load_demo_relationships(), as_of=date(2026, 3, 1)))
    10/35 = 28.6% (95% CI 16.3%–45.1%, Wilson)
    """
    due = _due_pairs(relationships, as_of)
    k = sum(r.status == "ended_early" for r in due)
    return proportion(k, len(due), confidence, method)


@dataclass(frozen=True, eq=False)
class GoalAttainment(Value):
    """Goals met among goals set (pooled) and pairs that met all their goals.

    ``goals`` pools goals across pairs; goals of one pair are not independent, so
    its interval is too narrow when pairs differ a lot.  ``all_goals`` (one count
    per pair) has an honest interval and is the headline :attr:`rate`.
    """

    goals: Rate
    all_goals: Rate
    pairs: int
    pairs_without_goals: int

    @property
    def rate(self) -> Rate:
        """The pair-level rate, :attr:`all_goals`."""
        return self.all_goals

    def summary(self) -> str:
        return (
            f"goals met {self.goals.summary()}; pairs meeting all goals {self.all_goals.summary()}"
        )


def _goal_pairs(
    records: Iterable[Relationship], as_of: DateLike | None, include_active: bool
) -> list[Relationship]:
    _, rels = _cohort(records, as_of)
    return [r for r in rels if include_active or r.status != "active"]


def goal_attainment(
    relationships: Iterable[Relationship],
    *,
    as_of: DateLike | None = None,
    include_active: bool = False,
    confidence: float = 0.95,
    method: str = "wilson",
) -> GoalAttainment:
    """Goal attainment of pairs finished by ``as_of`` (completed or ended early; add
    pairs active on that day with ``include_active=True``).  Pairs with no goals set
    are counted aside.

    Each relationship is judged as it stood on ``as_of`` (default today; any
    date-like), by :meth:`Relationship.as_of`: a pair that starts later is not in
    the cohort yet, a pair that ended later is still active, and meetings and
    goals met later are ignored.  A date before the programme began (the
    earliest start) is a :class:`MentormatchError`.

    >>> g = goal_attainment(load_demo_relationships(), as_of=date(2026, 3, 1))
    >>> print(g.goals); print(g.all_goals)
    43/83 = 51.8% (95% CI 41.2%–62.2%, Wilson)
    10/31 = 32.3% (95% CI 18.6%–49.9%, Wilson)
    """
    if not isinstance(include_active, (bool, np.bool_)):
        raise MentormatchError(
            f"include_active must be True or False, not {include_active!r}",
            field="include_active",
            value=include_active,
        )
    pairs = _goal_pairs(relationships, as_of, bool(include_active))
    with_goals = [r for r in pairs if r.goals_set > 0]
    goals = proportion(
        sum(r.goals_met for r in with_goals),
        sum(r.goals_set for r in with_goals),
        confidence,
        method,
    )
    all_met = proportion(
        sum(r.goals_met == r.goals_set for r in with_goals), len(with_goals), confidence, method
    )
    return GoalAttainment(goals, all_met, len(pairs), len(pairs) - len(with_goals))


@dataclass(frozen=True, eq=False)
class MeanSummary(Value):
    """Mean with a t-interval, plus the standard deviation, median and n."""

    mean: float
    ci: ConfidenceInterval
    n: int
    sd: float
    median: float

    def summary(self) -> str:
        ci = (
            "CI undefined (n < 2)"
            if math.isnan(self.ci.low)
            else f"{_level(self.ci.level)} CI {self.ci.low:.2f}–{self.ci.high:.2f}, t"
        )
        return f"mean {self.mean:.2f} ({ci}; median {self.median:.2f}, n = {self.n})"

    def __str__(self) -> str:
        return self.summary()


def satisfaction_summary(
    relationships: Iterable[Relationship | float],
    *,
    as_of: DateLike | None = None,
    confidence: float = 0.95,
) -> MeanSummary:
    """Mean satisfaction with a t-interval, over pairs that gave a score (or over
    plain numbers).

    Relationships are judged as they stood on ``as_of`` (default today), by
    :meth:`Relationship.as_of`: pairs not started yet are left out, and the score of
    a pair that ended after ``as_of`` (recorded at its end) is not known yet.

    >>> print(satisfaction_summary([4, 5, 3, 4, 4]))
    mean 4.00 (95% CI 3.12–4.88, t; median 4.00, n = 5)
    """
    _check_confidence(confidence)
    items = list(_iterable(relationships, "relationships"))
    rels = [r for r in items if isinstance(r, Relationship)]
    day = _day(as_of)
    if rels:
        _, rels = _cohort(rels, day)
    values: list[float] = [r.satisfaction for r in rels if r.satisfaction is not None]
    for i, r in enumerate(items):
        if isinstance(r, Relationship):
            continue
        real = None if is_missing(r) else as_real(r)
        if real is None or not math.isfinite(real):
            raise MentormatchError(
                f"satisfaction score [{i}] must be a finite number, not {r!r}",
                field="satisfaction",
                value=r,
            )
        values.append(real)
    if not values:
        raise NoDataError("no satisfaction scores to summarise", field="satisfaction")
    sd = stdev(values) if len(values) > 1 else math.nan
    return MeanSummary(
        statistics.fmean(values),
        _t_interval(values, confidence),
        len(values),
        sd,
        statistics.median(values),
    )


def _mapping(value: object, what: str) -> Mapping[Any, Any]:
    if not isinstance(value, Mapping):
        raise MentormatchError(
            f"{what} must be a mapping (a dict), not {type(value).__name__}",
            field=what,
            value=type(value).__name__,
        )
    return value


def _iterable(records: object, what: str) -> Iterable[Any]:
    if isinstance(records, (str, bytes, Mapping, BaseModel)) or not isinstance(records, Iterable):
        raise MentormatchError(
            f"{what} must be a collection (list, tuple, Series ...), not {type(records).__name__}",
            field=what,
            value=type(records).__name__,
        )
    return records


@dataclass(frozen=True, eq=False)
class MeetingCadence(Value):
    """Meetings per pair-month: the pooled rate and the distribution over pairs.

    Attributes
    ----------
    pooled : float
        All meetings / all pair-months.
    mean, mean_ci : float, ConfidenceInterval
        Mean of the per-pair rates with a t-interval.
    median, q1, q3 : float
        Median and quartiles of the per-pair rates.
    per_pair : tuple of float
        Each pair's meetings per month (no ids), in input order.
    n, meetings, pair_months, excluded : int, int, float, int
        Pairs counted, meetings counted, exposure, and pairs left out because they
        had less than ``min_days`` of exposure.
    """

    pooled: float
    mean: float
    mean_ci: ConfidenceInterval
    median: float
    q1: float
    q3: float
    per_pair: tuple[float, ...]
    n: int
    meetings: int
    pair_months: float
    excluded: int

    def summary(self) -> str:
        return (
            f"{self.pooled:.2f} meetings per pair-month ({self.meetings} meetings over "
            f"{self.pair_months:.1f} pair-months, {self.n} pairs); per pair: median "
            f"{self.median:.2f}, quartiles {self.q1:.2f}–{self.q3:.2f}"
        )


def _exposure(r: Relationship, day: date) -> tuple[int, int]:
    """(days, meetings) from start to the end or ``day``, of ``r`` as of ``day``."""
    end = min(r.ended, day) if r.ended is not None else day
    held = sum(r.started <= m <= end for m in r.meetings)
    return (end - r.started).days, held


def meeting_cadence(
    relationships: Iterable[Relationship],
    as_of: DateLike | None = None,
    *,
    min_days: int = 14,
    confidence: float = 0.95,
) -> MeetingCadence:
    """Meetings per pair-month, counting each pair from its start to its end (or
    ``as_of``).  Pairs with fewer than ``min_days`` of exposure are left out (one
    meeting in three days is not a cadence) and counted in ``excluded``.

    Each relationship is judged as it stood on ``as_of`` (default today; any
    date-like), by :meth:`Relationship.as_of`: a pair that starts later is not in
    the cohort yet, a pair that ended later is still active, and meetings and
    goals met later are ignored.  A date before the programme began (the
    earliest start) is a :class:`MentormatchError`.

    >>> c = meeting_cadence(load_demo_relationships(), date(2026, 3, 1))
    >>> c.n, round(c.median, 2)
    (60, 1.04)
    """
    min_days = check_int("meeting_cadence", "min_days", min_days, minimum=1)
    _check_confidence(confidence)
    day, rels = _cohort(relationships, as_of)
    pairs: list[tuple[int, int]] = []
    excluded = 0
    for r in rels:
        exp = _exposure(r, day)
        if exp[0] < min_days:
            excluded += 1
            continue
        pairs.append(exp)
    if not pairs:
        raise NoDataError(
            f"no pair has {min_days} days of history on {day}; nothing to measure",
            field="meetings",
        )
    rates = [held / (days / DAYS_PER_MONTH) for days, held in pairs]
    months = sum(days for days, _ in pairs) / DAYS_PER_MONTH
    total = sum(held for _, held in pairs)
    q1, med, q3 = (float(x) for x in np.percentile(rates, [25, 50, 75]))
    return MeetingCadence(
        pooled=total / months,
        mean=statistics.fmean(rates),
        mean_ci=_t_interval(rates, confidence),
        median=med,
        q1=q1,
        q3=q3,
        per_pair=tuple(rates),
        n=len(rates),
        meetings=total,
        pair_months=months,
        excluded=excluded,
    )


@dataclass(frozen=True, eq=False)
class MentorUtilisation(Value):
    """Mentoring slots in use and mentors with at least one mentee.

    ``over_capacity`` counts mentors with more mentees than their capacity; their
    extra mentees are not counted as used slots.
    """

    slots: Rate
    mentors_used: Rate
    over_capacity: int

    @property
    def rate(self) -> Rate:
        return self.slots

    def summary(self) -> str:
        return (
            f"slots used {self.slots.summary()}; mentors with a mentee "
            f"{self.mentors_used.summary()}; over capacity: {self.over_capacity}"
        )


def mentor_utilisation(
    source: Any,
    capacities: Mapping[str, int],
    *,
    as_of: DateLike | None = None,
    confidence: float = 0.95,
    method: str = "wilson",
) -> MentorUtilisation:
    """Mentor capacity in use: active pairs per mentor (from relationships) or
    matches per mentor (from a match result with ``.matches``), against
    ``capacities`` (mentor id -> number of mentees they can take).

    Relationships are counted as they stood on ``as_of`` (default today), by
    :meth:`Relationship.as_of`: a pair active on that day holds a slot, one that
    starts later or had ended by then does not.  ``as_of`` does not apply to a
    match result.

    >>> rs = [Relationship(mentee_id="e1", mentor_id="m1", started="2025-01-01")]
    >>> print(mentor_utilisation(rs, {"m1": 2, "m2": 1}).slots)
    1/3 = 33.3% (95% CI 6.1%–79.2%, Wilson)
    """
    if hasattr(source, "matches"):
        load = Counter(str(m.mentor_id) for m in source.matches)
    else:
        _, rels = _cohort(source, as_of)
        load = Counter(r.mentor_id for r in rels if r.status == "active")
    caps = {
        str(k): _count(v, f"capacity of {k}") for k, v in _mapping(capacities, "capacities").items()
    }
    negative = sorted(m for m, c in caps.items() if c < 0)
    if negative:
        raise MentormatchError(
            f"capacity of {negative[0]} is {caps[negative[0]]}; capacities must be >= 0",
            participant_id=negative[0],
            field="capacities",
            value=caps[negative[0]],
        )
    unknown = sorted(set(load) - set(caps))
    if unknown:
        raise MentormatchError(
            f"no capacity given for mentor(s) {', '.join(unknown)}; add them to capacities",
            participant_id=unknown[0],
            field="capacities",
        )
    used = sum(min(load[m], c) for m, c in caps.items())
    offering = [m for m, c in caps.items() if c > 0]
    return MentorUtilisation(
        slots=proportion(used, sum(caps.values()), confidence, method),
        mentors_used=proportion(
            sum(load[m] > 0 for m in offering), len(offering), confidence, method
        ),
        over_capacity=sum(load[m] > c for m, c in caps.items()),
    )
