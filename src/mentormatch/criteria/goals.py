"""Goal overlap: does the mentor offer what the mentee wants to work on?"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from mentormatch._text import of_yours
from mentormatch._validation import RealLike, fold
from mentormatch.criteria._encode import indicator, take_rows, vocabulary
from mentormatch.criteria.base import BlockScorer, Criterion
from mentormatch.participants import Mentee, Mentor

__all__ = ["GoalOverlap"]


class GoalOverlap(Criterion):
    """Share of the mentee's goals that the mentor offers.

    Parameters
    ----------
    weight : float, default 1.0
    name : str, default "goal_overlap"

    Notes
    -----
    With :math:`G_e` the mentee's goals and :math:`G_m` the mentor's, both
    trimmed and case-folded,

    .. math:: s(e, m) = |G_e \\cap G_m| \\,/\\, |G_e|

    and 0 when the mentee lists no goals (no mentor is preferred). Encoded as
    sparse indicator matrices, all pairs are one sparse product.

    Examples
    --------
    >>> from mentormatch import GoalOverlap, Mentee, Mentor
    >>> e = [Mentee(id="e1", goals=["Leadership", "public speaking", "negotiation"])]
    >>> m = [Mentor(id="m1", goals=["leadership", "Public Speaking"]), Mentor(id="m2")]
    >>> GoalOverlap().score(e, m).round(3)
    array([[0.667, 0.   ]])
    >>> GoalOverlap().explain(e[0], m[0], 2 / 3)
    'shares 2 of your 3 goals: leadership, public speaking'
    """

    default_name = "goal_overlap"
    #: its block scorer reads only arrays encoded once: the large path may score on threads
    thread_safe = True

    def __init__(self, *, weight: RealLike = 1.0, name: str | None = None) -> None:
        super().__init__(weight=weight, name=name)

    def score(self, mentees: Sequence[Mentee], mentors: Sequence[Mentor]) -> NDArray[np.float64]:
        """Score every pair (see Notes)."""
        vocab = vocabulary(e.goals for e in mentees)
        a = indicator([e.goals for e in mentees], vocab)
        b = indicator([m.goals for m in mentors], vocab)
        shared = np.asarray((a @ b.T).todense(), dtype=np.float64)
        n_goals = np.asarray(a.sum(axis=1), dtype=np.float64)
        with np.errstate(invalid="ignore", divide="ignore"):
            out = np.where(n_goals > 0, shared / np.maximum(n_goals, 1), 0.0)
        return out

    def encode(self, mentees: Sequence[Mentee], mentors: Sequence[Mentor]) -> BlockScorer:
        """Indicator matrices built once; a block is one sparse-by-dense product."""
        vocab = vocabulary(e.goals for e in mentees)
        a = indicator([e.goals for e in mentees], vocab)
        bt = np.ascontiguousarray(indicator([m.goals for m in mentors], vocab).T.toarray())
        n_goals = np.asarray(a.sum(axis=1), dtype=np.float64).ravel()

        def scorer(rows: NDArray[np.intp], cols: NDArray[np.intp] | None) -> NDArray[np.float64]:
            b = bt if cols is None else bt[:, cols]
            shared = np.asarray(take_rows(a, rows) @ b, dtype=np.float64)
            n = n_goals[rows][:, None]
            with np.errstate(divide="ignore", invalid="ignore"):
                shared /= n  # rows with nothing listed give nan here, and 0 below
            shared[(n == 0).ravel()] = 0.0
            return shared

        return scorer

    def explain(self, mentee: Mentee, mentor: Mentor, value: float) -> str:
        """Name the shared goals."""
        mine = list(dict.fromkeys(fold(g) for g in mentee.goals))
        if not mine:
            return "you listed no goals, so goals did not count"
        offered = {fold(g) for g in mentor.goals}
        if not offered:
            return "lists no goals, so shares none of yours"
        shared = [g for g in mine if g in offered]
        if not shared:
            return (
                f"does not share your goal: {mine[0]}"
                if len(mine) == 1
                else (f"shares none of your {len(mine)} goals")
            )
        return f"shares {of_yours(len(shared), len(mine), 'goal', 'goals')}: {', '.join(shared)}"
