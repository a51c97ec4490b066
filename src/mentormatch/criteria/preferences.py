"""Stated preferences: who did the mentee (and the mentor) ask for?"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from mentormatch._text import ordinal
from mentormatch._validation import BoolLike, RealLike, check_bool
from mentormatch.criteria._encode import take_rows
from mentormatch.criteria.base import BlockScorer, Criterion
from mentormatch.participants import Mentee, Mentor

__all__ = ["StatedPreferences"]


def _rank_pairs(
    choosers: Sequence[Mentee | Mentor], chosen: Sequence[Mentee | Mentor]
) -> tuple[list[int], list[int], list[float]]:
    """The non-zero entries of :func:`_rank_scores`, as (rows, cols, values)."""
    index = {p.id: j for j, p in enumerate(chosen)}
    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    for i, p in enumerate(choosers):
        n = len(p.preferences)
        for r, x in enumerate(p.preferences):
            if x in index:
                rows.append(i)
                cols.append(index[x])
                vals.append(float((n - np.float64(r)) / n))
    return rows, cols, vals


def _rank_scores(
    choosers: Sequence[Mentee | Mentor], chosen: Sequence[Mentee | Mentor]
) -> NDArray[np.float64]:
    """``(L - r) / L`` for the person at 0-based rank ``r`` of a list of length ``L``."""
    index = {p.id: j for j, p in enumerate(chosen)}
    out = np.zeros((len(choosers), len(chosen)))
    for i, p in enumerate(choosers):
        prefs = p.preferences
        n = len(prefs)
        cols = [index[x] for x in prefs if x in index]
        ranks = [r for r, x in enumerate(prefs) if x in index]
        if cols:
            out[i, cols] = (n - np.asarray(ranks, dtype=np.float64)) / n
    return out


class StatedPreferences(Criterion):
    """Credit for the mentor's place in the mentee's ranked list.

    Parameters
    ----------
    mutual : bool, default False
        Also count the mentee's place in the mentor's list; the score is then
        the mean of the two directions.
    weight : float, default 1.0
    name : str, default "preferences"

    Notes
    -----
    A person at 0-based rank :math:`r` in a list of length :math:`L` scores
    :math:`(L - r) / L`: the first choice 1, the last :math:`1/L`, anyone
    unranked 0. The encoding reads each list once (linear in the total
    length of all lists) and fills a dense array; no loop over pairs.

    Examples
    --------
    >>> from mentormatch import Mentee, Mentor, StatedPreferences
    >>> e = [Mentee(id="e1", preferences=["m2", "m1"])]
    >>> m = [Mentor(id="m1"), Mentor(id="m2", preferences=["e1"]), Mentor(id="m3")]
    >>> StatedPreferences().score(e, m)
    array([[0.5, 1. , 0. ]])
    >>> StatedPreferences(mutual=True).score(e, m)
    array([[0.25, 1.  , 0.  ]])
    >>> StatedPreferences(mutual=True).explain(e[0], m[1], 1.0)
    'is your 1st choice, and ranked you 1st'
    """

    default_name = "preferences"
    #: its block scorer reads only arrays encoded once: the large path may score on threads
    thread_safe = True

    def __init__(
        self, mutual: BoolLike = False, *, weight: RealLike = 1.0, name: str | None = None
    ) -> None:
        super().__init__(weight=weight, name=name)
        self.mutual = check_bool("StatedPreferences", "mutual", mutual)

    def score(self, mentees: Sequence[Mentee], mentors: Sequence[Mentor]) -> NDArray[np.float64]:
        """Score every pair (see Notes)."""
        out = _rank_scores(mentees, mentors)
        if self.mutual:
            out = (out + _rank_scores(mentors, mentees).T) / 2.0
        return out

    def encode(self, mentees: Sequence[Mentee], mentors: Sequence[Mentor]) -> BlockScorer:
        """The ranks as a sparse matrix built once (linear in the lists); a block is a slice."""
        import scipy.sparse as sp

        shape = (len(mentees), len(mentors))
        r, c, v = _rank_pairs(mentees, mentors)
        mine = sp.csr_matrix((v, (r, c)), shape=shape, dtype=np.float64)
        if self.mutual:
            r2, c2, v2 = _rank_pairs(mentors, mentees)
            theirs = sp.csr_matrix((v2, (c2, r2)), shape=shape, dtype=np.float64)
            mine = sp.csr_matrix((mine + theirs) / 2.0)

        def scorer(rows: NDArray[np.intp], cols: NDArray[np.intp] | None) -> NDArray[np.float64]:
            block = take_rows(mine, rows)
            block = block if cols is None else block[:, cols]
            return np.asarray(block.toarray(), dtype=np.float64)

        return scorer

    def explain(self, mentee: Mentee, mentor: Mentor, value: float) -> str:
        """Say where each ranked the other; of a list never given, say only that."""
        if not mentee.preferences:
            mine = "you named no preferred mentors"
        elif mentor.id in mentee.preferences:
            mine = f"is your {ordinal(mentee.preferences.index(mentor.id) + 1)} choice"
        else:
            mine = "is not on your list of preferred mentors"
        if not self.mutual:
            return f"{mine}, so preferences did not count" if not mentee.preferences else mine
        if not mentor.preferences:
            if not mentee.preferences:
                return "neither of you named preferences, so preferences did not count"
            return f"{mine}, and named no preferred mentees"
        theirs = (
            f"ranked you {ordinal(mentor.preferences.index(mentee.id) + 1)}"
            if mentee.id in mentor.preferences
            else "did not rank you"
        )
        return f"{theirs}; {mine}" if not mentee.preferences else f"{mine}, and {theirs}"
