"""Pairs gone quiet or behind their meeting cadence, each with its reason."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Any

from mentormatch._dates import DateLike, to_date
from mentormatch._errors import MentormatchError
from mentormatch._stats import decimal as _decimal
from mentormatch._validation import as_real, check_int
from mentormatch._values import Value
from mentormatch.kpis.cohort import _cohort, _iterable, _mapping
from mentormatch.kpis.next_step import BEHIND, QUIET, UNHAPPY, next_step, plans_by_pair
from mentormatch.kpis.relationships import Relationship, _pair

__all__ = ["AtRisk", "at_risk"]


@dataclass(frozen=True, eq=False)
class AtRisk(Value):
    """An active pair that needs a nudge.

    Attributes
    ----------
    mentee_id, mentor_id : str
    reason : str
        All reasons, joined by ``"; "``.
    days_since_last_meeting : int
        Days since the last meeting, or since the start if they never met.
    last_meeting : date or None
    reasons : tuple of str
    meetings_behind : float or None
        Shortfall against the committed cadence, when one is known.
    satisfaction_drop : float or None
        Latest score below the average of the earlier ones, when flagged.
    next_step : str
        What to do, in one sentence tied to the most urgent reason (a
        satisfaction drop, then a shortfall, then silence) and, when a plan is
        given, to the pair's next milestone or talking point.
    """

    mentee_id: str
    mentor_id: str
    reason: str
    days_since_last_meeting: int
    last_meeting: date | None = None
    reasons: tuple[str, ...] = ()
    meetings_behind: float | None = None
    satisfaction_drop: float | None = None
    next_step: str = ""


#: Days per month as an exact fraction: 365.25 / 12.
_MONTH = Fraction(1461, 48)


def _check_cadence(value: object, name: str, where: str = "") -> float:
    real = as_real(value)
    if real is None or not math.isfinite(real) or real < 0:
        raise MentormatchError(
            f"{where}{name} must be a number of meetings a month >= 0, not {value!r}",
            field=name,
            value=value,
        )
    return real


def _expected_rate(r: Relationship, default: float | None) -> float | None:
    raw = r.attributes.get("expected_meetings_per_month")
    if raw:
        where = f"{_pair(r.mentee_id, r.mentor_id)}: "
        try:
            number = float(raw.replace(",", "."))
        except ValueError:
            raise MentormatchError(
                f"{where}expected_meetings_per_month {raw!r} is not a number",
                field="expected_meetings_per_month",
                participant_id=r.mentee_id,
                value=raw,
            ) from None
        return _check_cadence(number, "expected_meetings_per_month", where)
    return default


def _scores_until(history: Iterable[Any], day: date, r: Relationship) -> list[float]:
    """The pair's satisfaction scores dated on or before ``day``, oldest first."""
    dated: list[tuple[date, float]] = []
    for i, item in enumerate(history):
        try:
            when, score = item
        except (TypeError, ValueError):
            raise MentormatchError(
                f"satisfaction_history for {_pair(r.mentee_id, r.mentor_id)}: entry {i} must "
                f"be a (date, score) pair, not {item!r}",
                field="satisfaction_history",
                participant_id=r.mentee_id,
            ) from None
        d = to_date(when, f"satisfaction_history[{r.key!r}][{i}] date")
        real = as_real(score)
        if real is None or not math.isfinite(real):
            raise MentormatchError(
                f"satisfaction_history for {_pair(r.mentee_id, r.mentor_id)}: score {score!r} "
                "is not a number",
                field="satisfaction_history",
                participant_id=r.mentee_id,
                value=score,
            )
        if d <= day:
            dated.append((d, real))
    dated.sort()
    return [score for _, score in dated]


def at_risk(
    relationships: Iterable[Relationship],
    as_of: DateLike | None = None,
    max_gap_days: int = 30,
    *,
    expected_per_month: float | None = None,
    satisfaction_history: Mapping[tuple[str, str], Sequence[tuple[date, float]]] | None = None,
    satisfaction_drop: float = 1.0,
    plan: Any = None,
) -> tuple[AtRisk, ...]:
    """Active pairs that have gone quiet, fallen behind, or are getting less happy.

    A pair (started on or before ``as_of``) is flagged when

    * it has not met for more than ``max_gap_days`` (counting from the start if
      it never met);
    * it is at least one full meeting behind its committed cadence:
      ``expected_per_month`` for everyone, or a pair's own
      ``expected_meetings_per_month`` attribute;
    * ``satisfaction_history`` (``(mentee_id, mentor_id) -> [(date, score), ...]``)
      has at least two scores and the latest is ``satisfaction_drop`` or more
      below the mean of the earlier ones.

    Sorted by urgency: more reasons first, then longer silence.  Each item's
    ``next_step`` says what to do in one sentence; with ``plan`` (a
    :class:`~mentormatch.followup.FollowUpPlan`) it names the pair's first
    milestone that is due and not met (per :attr:`Relationship.milestones`),
    else the talking point for their next meeting (the points taken in turn,
    one a meeting held), else their next milestone.

    Each relationship is judged as it stood on ``as_of`` (default today; any
    date-like), by :meth:`Relationship.as_of`: a pair that starts later is not in
    the cohort yet, a pair that ended later is still active (and may be at risk on
    that day), and meetings later are ignored.  A date before the programme began
    (the earliest start) is a :class:`MentormatchError`.

    >>> rs = [Relationship(mentee_id="e1", mentor_id="m1", started="2025-01-01",
    ...                    meetings=["2025-01-10"]),
    ...       Relationship(mentee_id="e2", mentor_id="m1", started="2025-01-01",
    ...                    meetings=["2025-02-25"])]
    >>> for flag in at_risk(rs, as_of=date(2025, 3, 1)):
    ...     print(flag.mentee_id, flag.days_since_last_meeting, flag.reason)
    e1 50 no meeting for 50 days (last 2025-01-10)
    >>> print(at_risk(rs, as_of=date(2025, 3, 1))[0].next_step)
    Nudge the pair to book their next check-in this week.
    """
    max_gap_days = check_int("at_risk", "max_gap_days", max_gap_days, minimum=1)
    if expected_per_month is not None:
        expected_per_month = _check_cadence(expected_per_month, "expected_per_month")
    drop_limit = as_real(satisfaction_drop)
    if drop_limit is None or not math.isfinite(drop_limit) or drop_limit <= 0:
        raise MentormatchError(
            f"satisfaction_drop must be a number > 0, not {satisfaction_drop!r}",
            field="satisfaction_drop",
            value=satisfaction_drop,
        )
    history = _mapping(
        {} if satisfaction_history is None else satisfaction_history, "satisfaction_history"
    )
    day, rels = _cohort(relationships, as_of)
    plans = plans_by_pair(plan)
    flagged: list[AtRisk] = []
    for r in rels:
        if r.status != "active":
            continue
        held = r.meetings
        last = held[-1] if held else None
        gap = (day - (last or r.started)).days
        reasons: list[str] = []
        kinds: list[str] = []
        if gap > max_gap_days:
            kinds.append(QUIET)
            reasons.append(
                f"no meeting for {gap} days (last {last})"
                if last
                else f"no meeting since the start {gap} days ago"
            )
        behind: float | None = None
        expected = _expected_rate(r, expected_per_month)
        if expected is not None:
            # exact: the expected rate as written (0.1 is 1/10), days over 365.25 / 12
            due_exact = _decimal(expected) * (day - r.started).days / _MONTH
            if due_exact - len(held) >= 1:
                due = float(due_exact)
                behind = float(due_exact - len(held))
                kinds.append(BEHIND)
                reasons.append(
                    f"{len(held)} meetings against about {due:.0f} expected ({expected:g} a month)"
                )
        drop: float | None = None
        scores = _scores_until(_iterable(history.get(r.key, ()), "satisfaction_history"), day, r)
        if len(scores) >= 2:
            earlier = [_decimal(x) for x in scores[:-1]]
            fall_exact = sum(earlier, Fraction(0)) / len(earlier) - _decimal(scores[-1])
            fall = float(fall_exact)
            if fall_exact >= _decimal(drop_limit):
                drop = fall
                kinds.append(UNHAPPY)
                reasons.append(f"satisfaction fell to {scores[-1]:g} ({fall:.1f} below earlier)")
        if reasons:
            flagged.append(
                AtRisk(
                    r.mentee_id,
                    r.mentor_id,
                    "; ".join(reasons),
                    gap,
                    last,
                    tuple(reasons),
                    behind,
                    drop,
                    next_step(kinds, r, plans.get(r.key), day),
                )
            )
    flagged.sort(
        key=lambda a: (-len(a.reasons), -a.days_since_last_meeting, a.mentee_id, a.mentor_id)
    )
    return tuple(flagged)
