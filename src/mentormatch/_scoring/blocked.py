"""Blocked scoring for large programmes: encode everyone once, score a block of mentees at a time.

The dense path builds the full ``(n_mentees, n_mentors)`` :class:`ScoreMatrix`.
A programme of 100,000 mentees and 20,000 mentors would need 16 GB for it,
so the large path never does: a :class:`ProgrammeScorer` encodes the
criteria (through their ``encode`` hook, or by calling ``score`` on each
block) and the rules (through theirs, or ``allowed``) once, then scores any
block of mentee rows against all mentors (or some) with array operations.
Memory is bounded by the block size. :class:`RowScores` gives the
explanations one mentee's :class:`Row` at a time, computed on demand.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from mentormatch._large.grid import places_among
from mentormatch._scoring.checks import TOL, check_scores, thread_safe, weight_of
from mentormatch._scoring.dense import Row, weighted_total
from mentormatch._scoring.rules import RuleBlocks, all_thread_safe, encode_rules
from mentormatch._validation import shares
from mentormatch._values import FrozenDict
from mentormatch.constraints import ConstraintLike
from mentormatch.criteria.base import CriterionLike
from mentormatch.participants import Mentee, Mentor

__all__ = ["ProgrammeScorer", "RowScores", "block_rows"]

_Int = NDArray[np.intp]
_Scorer = Callable[[_Int, "_Int | None"], Any]


def block_rows(n_mentors: int, cells: int = 1 << 18) -> int:
    """Mentee rows per block so that a block holds about ``cells`` pairs (>= 1).

    Examples
    --------
    >>> block_rows(20_000), block_rows(10), block_rows(0)
    (13, 26214, 262144)
    """
    return max(1, cells // max(n_mentors, 1))


def _block_scorer(c: CriterionLike, tees: Sequence[Mentee], tors: Sequence[Mentor]) -> _Scorer:
    """The criterion's own ``encode(mentees, mentors)`` when it has one, else ``score`` per block."""
    encode = getattr(c, "encode", None)
    if callable(encode):
        return encode(tees, tors)  # type: ignore[no-any-return]

    def asked(rows: _Int, cols: _Int | None) -> Any:
        sub_tors = list(tors) if cols is None else [tors[j] for j in cols]
        return c.score([tees[i] for i in rows], sub_tors)

    return asked


class ProgrammeScorer:
    """A programme's criteria and rules, encoded once, scoring blocks of mentee rows.

    Parameters
    ----------
    criteria, constraints : sequences
        As held by the :class:`~mentormatch.Matcher`.
    people : (sequence of Mentee, sequence of Mentor)
        The (validated) programme.
    min_score : float

    Notes
    -----
    The total of a block is computed with the same floating-point operations
    as :meth:`Matcher.score` (:func:`weighted_total`), so a block equals the
    slice of the full matrix wherever the criterion scores do. Every block a
    criterion or rule returns is checked as the dense path checks it.

    Examples
    --------
    >>> import numpy as np
    >>> import mentormatch as mm
    >>> e = [mm.Mentee(id="e1", goals=["sql"]), mm.Mentee(id="e2")]
    >>> m = [mm.Mentor(id="m1", goals=["sql"]), mm.Mentor(id="e2")]
    >>> ps = ProgrammeScorer([mm.GoalOverlap()], [], (e, m), min_score=0.0)
    >>> ps.total(np.array([0, 1]))
    array([[1., 0.],
           [0., 0.]])
    >>> ps.allowed(np.array([0, 1]))
    array([[ True,  True],
           [ True, False]])
    """

    def __init__(
        self,
        criteria: Sequence[CriterionLike],
        constraints: Sequence[ConstraintLike],
        people: tuple[Sequence[Mentee], Sequence[Mentor]],
        *,
        min_score: float,
    ) -> None:
        tees, tors = people
        self.tees, self.tors = tees, tors
        self.n, self.m = len(tees), len(tors)
        self.min_score = min_score
        self.criteria = tuple(criteria)
        self.weights = {c.name: weight_of(c) for c in criteria}
        #: exact shares of the weights, as the dense path uses them (bitwise the same totals)
        self.shares = FrozenDict(shares(self.weights))
        self._scorers = {c.name: _block_scorer(c, tees, tors) for c in criteria}
        self.rules: tuple[RuleBlocks, ...] = encode_rules(constraints, tees, tors)
        #: whether blocks may be scored on several threads (every criterion and rule says so)
        self.thread_safe = all(thread_safe(c) for c in criteria) and all_thread_safe(self.rules)
        # all sparse refusals together, applied to bulk blocks in one step
        sparse_rules = [r.refused for r in self.rules if r.refused is not None and r.refused.nnz]
        self._refused_all: sp.csr_matrix | None = (
            sp.csr_matrix(sum(sparse_rules[1:], sparse_rules[0]).astype(bool))
            if sparse_rules
            else None
        )

    # -- criteria ---------------------------------------------------------------------

    def by_criterion(
        self, rows: _Int, cols: _Int | None = None, *, keep: bool = True
    ) -> dict[str, NDArray[np.float64]]:
        """Each criterion's scores of the block, checked like the dense path checks them.

        ``keep=False``: the caller reads the arrays at once and drops them, so
        an array a criterion returned is not copied first.
        """
        sub_tors = self.tors if cols is None else [self.tors[j] for j in cols]
        grid = ([self.tees[i] for i in rows], sub_tors)
        shape = (len(rows), len(sub_tors))
        return {
            name: check_scores(name, scorer(rows, cols), grid, shape=shape, copy=keep)
            for name, scorer in self._scorers.items()
        }

    def total(self, rows: _Int, cols: _Int | None = None) -> NDArray[np.float64]:
        """Total scores of a block."""
        width = self.m if cols is None else len(cols)
        by = self.by_criterion(rows, cols, keep=False)
        return weighted_total(by, self.shares, (len(rows), width))

    # -- rules ------------------------------------------------------------------------

    def refused_by(self, rows: _Int, cols: _Int | None = None) -> dict[str, NDArray[np.bool_]]:
        """For each rule (the self rule first), the pairs of the block it refuses."""
        return {r.name: ~r.allowed(rows, cols) for r in self.rules}

    def allowed(self, rows: _Int, cols: _Int | None = None) -> NDArray[np.bool_]:
        """Pairs of the block that every rule allows."""
        width = self.m if cols is None else len(cols)
        out = np.ones((len(rows), width), dtype=bool)
        for r in self.rules:
            out &= r.allowed(rows, cols)
        return out

    def first_refusals(self, rows: _Int, cols: _Int) -> list[str | None]:
        """For each pair ``(rows[k], cols[k])``, the first rule refusing it (in order), or None.

        Scored in blocks of pairs against only the mentors they name, so a
        long list of pairs (the kept pairs of a rematch) never needs the full
        matrix. The order of the rules is :meth:`refused_by`'s (the self rule
        first), as :meth:`Row.first_refusal` reads it.
        """
        rows, cols = np.asarray(rows, dtype=np.intp), np.asarray(cols, dtype=np.intp)
        out: list[str | None] = [None] * rows.size
        step = block_rows(1, 1 << 9)
        for lo in range(0, rows.size, step):
            r, c = rows[lo : lo + step], cols[lo : lo + step]
            mentors, where = np.unique(c, return_inverse=True)
            pick = np.arange(r.size)
            for name, mask in self.refused_by(r, mentors).items():
                for k in np.flatnonzero(mask[pick, where]).tolist():
                    if out[lo + k] is None:
                        out[lo + k] = name
        return out

    def eligible_total(
        self, rows: _Int, open_cols: NDArray[np.bool_], cols: _Int | None = None
    ) -> NDArray[np.float64]:
        """Totals of a block, ``-inf`` where the pair cannot be made.

        A pair cannot be made when a rule refuses it, it scores below
        ``min_score``, or the mentor has no place (``open_cols`` False).
        ``cols`` (mentor indices, any order) scores the rows against those
        mentors only: the result equals the full block's columns ``cols``,
        bit for bit.

        Examples
        --------
        >>> import numpy as np
        >>> import mentormatch as mm
        >>> e = [mm.Mentee(id="e1", goals=["sql"])]
        >>> m = [mm.Mentor(id="m1", goals=["sql"]), mm.Mentor(id="m2"), mm.Mentor(id="e1")]
        >>> ps = ProgrammeScorer([mm.GoalOverlap()], [], (e, m), min_score=0.0)
        >>> ps.eligible_total(np.array([0]), np.ones(3, dtype=bool), np.array([2, 0]))
        array([[-inf,   1.]])
        """
        total = self.total(rows, cols)
        if self._refused_all is not None:
            sub = self._refused_all[rows]
            block = (sub if cols is None else sub[:, cols]).tocoo()
            total[block.row, block.col] = -np.inf
        for r in self.rules:
            if r.is_block:
                total[~r.allowed(rows, cols)] = -np.inf
            elif r.required is not None:
                _only_required(total, r.required[rows], cols, self.m)
        if self.min_score > 0:
            total[total < self.min_score - TOL] = -np.inf
        shut = ~(open_cols if cols is None else open_cols[cols])
        if shut.any():
            total[:, shut] = -np.inf
        return total


def _only_required(total: NDArray[np.float64], req: _Int, cols: _Int | None, m: int) -> None:
    """Rows with a required mentor (``req >= 0``, one of ``m`` mentor indices) keep that pair only.

    With ``cols``, ``total``'s columns are those mentors: a row whose
    required mentor is not among them keeps nothing.
    """
    fixed = np.flatnonzero(req >= 0)
    if fixed.size == 0:
        return
    pos = places_among(req[fixed], cols, m)
    here = pos >= 0
    keep = total[fixed[here], pos[here]]
    total[fixed] = -np.inf
    total[fixed[here], pos[here]] = keep


class RowScores:
    """One mentee's :class:`Row` at a time, scored on demand and kept for a while.

    The large path has no full score matrix; the explanations read rows.
    :meth:`prefetch` computes many rows as one block.
    """

    def __init__(self, ps: ProgrammeScorer, keep: int = 4096) -> None:
        self.ps = ps
        self.keep = keep
        self.min_score = ps.min_score
        self._rows: dict[int, Row] = {}

    def prefetch(self, rows: _Int) -> None:
        """Compute these rows together (one block) and keep them."""
        rows = np.asarray([i for i in rows if int(i) not in self._rows], dtype=np.intp)
        if rows.size == 0:
            return
        if len(self._rows) + rows.size > self.keep:
            self._rows.clear()
        ps = self.ps
        by = ps.by_criterion(rows)
        total = weighted_total(by, ps.shares, (rows.size, ps.m))
        refused = ps.refused_by(rows)
        allowed = np.ones((rows.size, ps.m), dtype=bool)
        for mask in refused.values():
            allowed &= ~mask
        eligible = allowed & (total >= ps.min_score - TOL)
        for k, i in enumerate(rows):
            self._rows[int(i)] = Row(
                total=total[k],
                by_criterion={name: s[k] for name, s in by.items()},
                allowed=allowed[k],
                eligible=eligible[k],
                refused_by={name: mask[k] for name, mask in refused.items()},
                shares=ps.shares,
            )

    def row(self, i: int) -> Row:
        """Mentee ``i``'s scores and rules against every mentor."""
        if i not in self._rows:
            self.prefetch(np.array([i], dtype=np.intp))
        return self._rows[i]
