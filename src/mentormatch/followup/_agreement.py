"""The written agreement of a pair's plan: goals, cadence and method, confidentiality,
duration and a no-fault way to end (private; see :func:`~mentormatch.followup.plan`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from mentormatch.followup._milestones import Milestone

__all__ = ["agreement_tail", "goals_line", "goals_of"]


def goals_of(goals: Sequence[str]) -> tuple[str, ...]:
    """A mentee's goals as written (spaces tidied), each once (case-folded)."""
    out: dict[str, str] = {}
    for goal in goals:
        shown_goal = " ".join(goal.split())
        out.setdefault(shown_goal.casefold(), shown_goal)
    out.pop("", None)
    return tuple(out.values())


def join_words(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


_NO_GOALS = (
    "Goals: agree two or three at the kick-off, and write down what progress on each would "
    "look like."
)


def goals_line(goals: Sequence[str], shared: Sequence[str]) -> str:
    if not goals:
        return _NO_GOALS
    line = f"the mentee's goals are {join_words(goals)}"
    if shared:
        line += f" (you both listed {join_words(shared)})"
    return (
        f"Goals: {line}. At the kick-off, choose the two or three that matter most and write "
        "down what progress on each would look like."
    )


def agreement_tail(
    every: int,
    meetings: Sequence[date],
    start: date,
    end: date,
    weeks: int,
    milestones: Sequence[Milestone],
) -> str:
    """The part of the agreement after the goals: the same for every pair with these dates."""
    n = len(meetings)
    due = "; ".join(f"{m.name} by {m.due}" for m in milestones)
    return "\n".join(
        (
            f"Cadence and method: meet every {every} days: {n} check-in{'s' if n != 1 else ''}, "
            f"from {meetings[0]} to {meetings[-1]}. Agree how you meet (in person, video or "
            "phone), for how long, and who sends the invitation, and write it here.",
            "Confidentiality: what you talk about stays between the two of you, unless you "
            "both agree to share it or someone's safety is at risk. The programme team sees "
            "when you meet and which milestones you reach, never what you discuss.",
            f"Duration: {weeks} weeks, from {start} to {end}"
            + (f"; milestones: {due}." if due else "."),
            "Ending: either of you may end the relationship at any time, for any reason, "
            "and nobody is at fault. Tell the programme team; no explanation is needed, and "
            "the mentee can be offered a new match.",
        )
    )
