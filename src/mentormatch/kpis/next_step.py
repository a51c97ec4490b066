"""The next step for a pair at risk: one sentence tied to its reason and, when a follow-up
plan is given, to the pair's next milestone or talking point (see
:func:`mentormatch.kpis.at_risk`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from mentormatch._errors import MentormatchError
from mentormatch._validation import fold, shown
from mentormatch.kpis.relationships import Relationship

__all__: list[str] = []  # helpers of at_risk and the report; kpis.at_risk is the public door

QUIET, BEHIND, UNHAPPY = "quiet", "behind", "unhappy"

_ACTION = {
    QUIET: "Nudge the pair to book their next check-in this week",
    BEHIND: "Ask the pair whether the cadence they agreed still works, and agree one they can keep",
    UNHAPPY: "Talk with the mentee and the mentor separately about how it is going, and offer "
    "a no-fault rematch if it is not working",
}


def plans_by_pair(plan: object) -> Mapping[tuple[str, str], Any]:
    """The pair plans of a :class:`~mentormatch.followup.FollowUpPlan` by
    ``(mentee_id, mentor_id)``; ``None`` gives an empty mapping."""
    if plan is None:
        return {}
    pairs = getattr(plan, "pairs", None)
    if not isinstance(pairs, Iterable) or isinstance(pairs, (str, bytes)):
        raise MentormatchError(
            "The 'plan' parameter must be a follow-up plan (mentormatch.followup.plan). "
            f"Got {shown(plan)} instead.",
            field="plan",
            value=plan,
        )
    return {(p.mentee_id, p.mentor_id): p for p in pairs}


def _plan_clause(r: Relationship, pair_plan: Any, day: date) -> str:
    """``", to reach ..."`` for the pair's next milestone or talking point, or ``""``."""
    met = {fold(name) for name in r.milestones}
    open_ = [m for m in pair_plan.milestones if fold(m.name) not in met]
    overdue = [m for m in open_ if m.due <= day]
    if overdue:
        m = overdue[0]
        return f", to reach their {m.name} milestone (due {m.due})"
    points = pair_plan.talking_points
    if points:
        point = points[len(r.meetings) % len(points)]
        return f", and suggest they open with: {point.topic.rstrip('.')}"
    if open_:
        m = open_[0]
        return f", ahead of their {m.name} on {m.due}"
    return ""


def next_step(kinds: Iterable[str], r: Relationship, pair_plan: Any, day: date) -> str:
    """One sentence for the most urgent of ``kinds`` (a satisfaction drop, then a
    shortfall, then silence), tied to the pair's plan when there is one."""
    given = set(kinds)
    kind = next(k for k in (UNHAPPY, BEHIND, QUIET) if k in given)
    clause = "" if pair_plan is None else _plan_clause(r, pair_plan, day)
    return f"{_ACTION[kind]}{clause}."
