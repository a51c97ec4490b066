"""The candidate graph of the large path and its pricing, over any source of score blocks.

The large path never holds the full score matrix. A *block source* (the
programme's blocked scorer, :class:`mentormatch._scoring.ProgrammeScorer`,
or a test's array) gives the eligible totals of a block of mentee rows
against all mentors; from it :func:`candidate_pass` keeps each row's best
mentors, a reserve behind them and bounds on the rest, and a
:class:`CandidatePricer` finds, for :func:`~mentormatch._solve.proof.solve_sparse`,
the pairs left out that violate the duals. Nothing here knows participants
or criteria.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from mentormatch._solve.blocks import block_rows, group_max, map_blocks, split_best, top_k
from mentormatch._solve.proof import PRICE_TOL, Duals

__all__ = [
    "MARGIN",
    "BlockSource",
    "CandidatePricer",
    "Candidates",
    "ProgressFn",
    "candidate_pass",
    "mentor_groups",
]

#: In a round that finds violated pairs, examined pairs within this much of violating
#: are added too: the next duals move, and they would otherwise cost a round each.
MARGIN = 0.02

#: ``progress(phase, done, total)``, called as blocks finish.
ProgressFn = Callable[[str, int, int], None]

_Int = NDArray[np.intp]
_I64 = NDArray[np.int64]
_F64 = NDArray[np.float64]
Triple = tuple[_I64, _I64, _F64]


class BlockSource(Protocol):
    """Score blocks of an ``(n, m)`` problem, computed when asked."""

    @property
    def n(self) -> int:
        """Rows (mentees)."""
        ...

    @property
    def m(self) -> int:
        """Columns (mentors)."""
        ...

    @property
    def thread_safe(self) -> bool:
        """Whether blocks may be computed on several threads at once."""
        ...

    def eligible_total(self, rows: _Int, open_cols: NDArray[np.bool_]) -> _F64:
        """Totals of ``rows`` against every column, ``-inf`` where a pair cannot be made."""
        ...


def _empty() -> Triple:
    return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0)


@dataclass
class Candidates:
    """Each mentee's best eligible mentors, a reserve behind them, and bounds on the rest.

    Attributes
    ----------
    rows, cols, score : ndarray
        The candidate pairs given to the solver (each row's ``k`` best).
    reserve : tuple of ndarray
        ``(rows, cols, score)`` of the next best pairs of each row: not given
        to the solver, but priced exactly (and cheaply) in every round.
    groups : ndarray of int, shape (m,)
        The mentors in a fixed order, cut into ``G`` equal groups at ``starts``.
    starts : ndarray of int, shape (G,)
    bound : ndarray of float, shape (n, G)
        ``bound[i, g]``: the best score of row ``i``'s eligible pairs in mentor
        group ``g`` that are neither candidates nor in reserve (``-inf`` if none).
    """

    rows: _I64
    cols: _I64
    score: _F64
    reserve: Triple
    groups: _Int
    starts: _Int
    bound: _F64
    stats: dict[str, int] = field(default_factory=dict)


def mentor_groups(
    src: BlockSource, open_cols: NDArray[np.bool_], k: int, *, n_groups: int = 32
) -> tuple[_Int, _Int]:
    """Mentors ordered by popularity and cut into groups, for the pricing bounds.

    Popularity: in how many of a sample of mentees' rows (up to 1,024, evenly
    spread) the mentor scores at least the row's ``k``-th best. Popular
    mentors end up with high dual values, so grouping mentors of like
    popularity makes ``bound[i, g] - min(v in g)`` a tight bound.
    """
    m = src.m
    n_groups = max(1, min(n_groups, m))
    sample = np.unique(np.linspace(0, max(src.n - 1, 0), num=min(src.n, 1024)).astype(np.intp))
    pop = np.zeros(m)
    for lo in range(0, sample.size, block_rows(m)):
        rows = sample[lo : lo + block_rows(m)]
        total = src.eligible_total(rows, open_cols)
        if m > k:
            kth = np.partition(total, m - k, axis=1)[:, m - k]
            pop += (total >= kth[:, None]).sum(axis=0)
    order = np.lexsort((np.arange(m), -pop)).astype(np.intp)
    starts = (np.arange(n_groups) * m // n_groups).astype(np.intp)
    return order, starts


def candidate_pass(
    src: BlockSource,
    open_cols: NDArray[np.bool_],
    k: int,
    *,
    reserve: int = 0,
    progress: ProgressFn | None = None,
    workers: int = 1,
) -> Candidates:
    """Score every block once; keep each mentee's ``k`` best mentors, and ``reserve`` more.

    Examples
    --------
    >>> import numpy as np
    >>> import mentormatch as mm
    >>> from mentormatch._scoring import ProgrammeScorer
    >>> e = [mm.Mentee(id="e1", goals=["a", "b"])]
    >>> m = [mm.Mentor(id=f"m{j}", goals=g) for j, g in enumerate([["a"], ["a", "b"], []])]
    >>> ps = ProgrammeScorer([mm.GoalOverlap()], [], (e, m), min_score=0.0)
    >>> c = candidate_pass(ps, np.ones(3, dtype=bool), k=1)
    >>> c.cols, c.score, c.bound.max(axis=1)
    (array([1]), array([1.]), array([0.5]))
    >>> c = candidate_pass(ps, np.ones(3, dtype=bool), k=1, reserve=1)
    >>> c.reserve[1], c.bound.max(axis=1)
    (array([0]), array([0.]))
    """
    n = src.n
    step = block_rows(src.m)
    keep = k + reserve
    order, starts = mentor_groups(src, open_cols, keep)
    bound = np.full((n, starts.size), -np.inf)
    blocks = [np.arange(lo, min(lo + step, n), dtype=np.intp) for lo in range(0, n, step)]
    done = [0]

    def one(rows: _Int) -> Triple:
        total = src.eligible_total(rows, open_cols)
        r, c, v = top_k(total, keep)
        total[r, c] = -np.inf
        bound[rows] = group_max(total, order, starts)
        return (rows[r].astype(np.int64), c.astype(np.int64), v)

    def report(rows: _Int) -> None:
        done[0] += rows.size
        if progress is not None:
            progress("scoring", done[0], n)

    parts = map_blocks(one, blocks, workers=workers if src.thread_safe else 1, after=report)
    if not parts:
        e = _empty()
        return Candidates(e[0], e[1], e[2], _empty(), order, starts, bound)
    r_all = np.concatenate([p[0] for p in parts])
    c_all = np.concatenate([p[1] for p in parts])
    v_all = np.concatenate([p[2] for p in parts])
    best = split_best(r_all, c_all, v_all, k=k)
    res = (r_all[~best], c_all[~best], v_all[~best])
    return Candidates(r_all[best], c_all[best], v_all[best], res, order, starts, bound)


def _concat(parts: list[Triple]) -> Triple:
    if not parts:
        return _empty()
    return (
        np.concatenate([p[0] for p in parts]),
        np.concatenate([p[1] for p in parts]),
        np.concatenate([p[2] for p in parts]),
    )


class CandidatePricer:
    """The pricing step of :func:`~mentormatch._solve.proof.solve_sparse` for a block source.

    A pair ``(i, j)`` outside the solver's graph violates the duals when
    ``s_ij - v_j > theta_i + tol``. The reserve pairs are checked exactly,
    all at once (:meth:`price_reserve`). For the rest of row ``i``,
    ``s_ij <= bound[i, g]`` and ``v_j >= min(v in g)`` in each mentor group
    ``g``, so a row with ``max_g(bound[i, g] - min(v in g)) <= theta_i + tol``
    is proved without scoring it again; the others are rescored in blocks
    (:meth:`rescore_rows`): each gives its ``k`` most violated pairs to the
    graph and its next best pairs to the reserve, and its bounds drop below
    them. ``cand.stats`` counts the rows rescored.

    Two shortcuts (a round that adds pairs need not be complete; only the
    round that adds none is the proof): while rows are unmatched and
    mentors are priced at 0, a round rescores only the rows of smallest
    ``theta`` and adds their most violated pairs with those mentors
    (:meth:`by_column`); and a round that finds violators also adds the
    examined pairs within ``MARGIN`` of violating.
    """

    def __init__(
        self,
        src: BlockSource,
        open_cols: NDArray[np.bool_],
        cand: Candidates,
        *,
        k: int,
        progress: ProgressFn | None = None,
        workers: int = 1,
    ) -> None:
        self.src, self.open_cols, self.cand, self.k = src, open_cols, cand, k
        self.progress = progress
        self.workers = workers if src.thread_safe else 1
        self.depth = max(k, int(np.ceil(cand.reserve[0].size / max(src.n, 1))))
        self.reserve: Triple = cand.reserve
        self._known_r: list[_I64] = [cand.rows, cand.reserve[0]]
        self._known_c: list[_I64] = [cand.cols, cand.reserve[1]]
        self._known: sp.csr_matrix | None = None
        self.step = block_rows(src.m)
        cand.stats.setdefault("rows_rescored", 0)

    def __call__(self, d: Duals) -> Triple:
        """Eligible pairs outside the graph that violate ``d`` (none: the proof holds)."""
        col = self.by_column(d)
        if col is not None:
            # violators found: the row pass can wait for the next round (only an
            # empty answer has to be complete)
            self._learn(col[0], col[1])
            return col
        out = [self.price_reserve(d), self.rescore_rows(d)]
        found = _concat([p for p in out if p[0].size])
        if found[0].size:
            self._learn(found[0], found[1])
        return found

    # -- the pairs already in the graph or the reserve ---------------------------------------

    def _learn(self, rows: _I64, cols: _I64) -> None:
        self._known_r.append(rows)
        self._known_c.append(cols)
        self._known = None

    def known(self) -> sp.csr_matrix:
        """Every pair given to the solver or kept in reserve, as a boolean sparse matrix."""
        if self._known is None:
            r, c = np.concatenate(self._known_r), np.concatenate(self._known_c)
            shape = (self.src.n, self.src.m)
            self._known = sp.csr_matrix((np.ones(r.size, dtype=bool), (r, c)), shape=shape)
            self._known_r, self._known_c = [r], [c]
        return self._known

    def _unknown_total(self, rows: _Int, known: sp.csr_matrix) -> _F64:
        total = self.src.eligible_total(rows, self.open_cols)
        kb = known[rows].tocoo()
        total[kb.row, kb.col] = -np.inf  # in the graph or the reserve: priced already
        return total

    # -- 1. the reserve, exactly ------------------------------------------------------------

    def price_reserve(self, d: Duals) -> Triple:
        """The reserve pairs that violate (and those within ``MARGIN``), moved to the graph."""
        rr, rc, rs = self.reserve
        if not rr.size:
            return _empty()
        red = d.reduced(rr, rc, rs)
        if not (red > PRICE_TOL).any():
            return _empty()
        bad = red > -MARGIN  # and the pairs about to violate, to spare rounds of one or two
        self.reserve = (rr[~bad], rc[~bad], rs[~bad])
        return rr[bad], rc[bad], rs[bad]

    # -- 2. rows whose bounds do not prove them: rescore ----------------------------------

    def unproved_rows(self, d: Duals) -> _Int:
        """Rows whose group bounds allow a violating pair outside the graph and reserve."""
        if not self.src.m:
            return np.zeros(0, dtype=np.intp)
        cand = self.cand
        v_low = np.where(self.open_cols, d.v, np.inf)[cand.groups]
        vmin = np.minimum.reduceat(v_low, cand.starts)
        slack = (cand.bound - vmin[None, :]).max(axis=1)
        return np.flatnonzero(slack > d.theta + PRICE_TOL)

    def _row_block(self, rows: _Int, d: Duals, known: sp.csr_matrix) -> tuple[Triple, Triple]:
        """A rescored block: its most violated pairs, and its next best pairs for the reserve."""
        total = self._unknown_total(rows, known)
        red = total - d.v[None, :]
        red -= d.theta[rows][:, None]
        hot = np.flatnonzero((red > PRICE_TOL).any(axis=1))
        add = _empty()
        if hot.size:
            sub = red[hot]
            sub[~(sub > -MARGIN)] = -np.inf
            r, c, _ = top_k(sub, self.k)
            r = hot[r]
            add = (rows[r].astype(np.int64), c.astype(np.int64), total[r, c])
            total[r, c] = -np.inf
        r2, c2, v2 = top_k(total, self.depth)
        keep = (rows[r2].astype(np.int64), c2.astype(np.int64), v2)
        total[r2, c2] = -np.inf
        self.cand.bound[rows] = group_max(total, self.cand.groups, self.cand.starts)
        return add, keep

    def rescore_rows(self, d: Duals) -> Triple:
        """Rescore the unproved rows; return their violating pairs, refill the reserve."""
        need = self.unproved_rows(d)
        self.cand.stats["rows_rescored"] += int(need.size)
        if not need.size:
            return _empty()
        known = self.known()
        blocks = [need[lo : lo + self.step] for lo in range(0, need.size, self.step)]
        done = [0]

        def report(rows: _Int) -> None:
            done[0] += rows.size
            if self.progress is not None:
                self.progress("pricing", done[0], need.size)

        results = map_blocks(
            lambda b: self._row_block(b, d, known), blocks, workers=self.workers, after=report
        )
        new_res = [kp for _, kp in results]
        self.reserve = _concat([self.reserve, *new_res])
        for kp in new_res:
            self._learn(kp[0], kp[1])
        return _concat([add for add, _ in results if add[0].size])

    # -- the shortcut for unmatched rows and mentors priced at 0 -------------------------

    def by_column(self, d: Duals) -> Triple | None:
        """Augmenting pairs: unmatched rows with the mentors priced at 0.

        While rows are unmatched and mentors are priced at 0 (a free place,
        or no competition among the candidates), every row violates with
        those mentors, and finding that out by the bounds means rescoring
        nearly every row: a whole scoring pass. Rescoring only the unmatched
        rows and giving each of those mentors its ``k`` best of them (and each
        of them its ``k`` best of those mentors) is a fraction of that.
        """
        n, k = self.src.n, self.k
        n_lonely = int((d.theta <= -d.big).sum())
        free = np.flatnonzero(self.open_cols & (d.v <= 0.0))
        if n_lonely == 0 or free.size == 0:
            return None
        # a pair with a mentor priced at 0 has reduced cost s_ij - theta_i, s_ij in [0, 1]:
        # the most violated ones are in the rows of smallest theta
        n_rows = n_lonely + k * free.size
        if n_rows > n // 2:
            return None
        lonely = np.sort(np.argsort(d.theta, kind="stable")[:n_rows])
        found = self._by_column_blocks(lonely, d, free)
        if found is None:
            return None
        stats = self.cand.stats
        stats["columns_rescored"] = stats.get("columns_rescored", 0) + int(free.size)
        stats["rows_rescored"] += int(lonely.size)
        return found

    def _column_block(
        self, rows: _Int, d: Duals, *, free: _Int, known: sp.csr_matrix
    ) -> tuple[Triple, Triple, _F64]:
        """One block of :meth:`by_column`: each unmatched row's ``k`` most violated pairs with
        the free mentors, and each free mentor's ``k`` most violated rows of the block."""
        total = self._unknown_total(rows, known)
        sub = total[:, free]
        red = sub - d.theta[rows][:, None]
        red[~(red > PRICE_TOL)] = -np.inf
        lone = np.flatnonzero(d.theta[rows] <= -d.big)
        r, c, _ = top_k(red[lone], self.k)
        r = lone[r]
        c2, r2, w2 = top_k(np.ascontiguousarray(red.T), self.k)  # and the other way
        return (rows[r], free[c], sub[r, c]), (rows[r2], free[c2], sub[r2, c2]), w2

    def _by_column_blocks(self, lonely: _Int, d: Duals, free: _Int) -> Triple | None:
        """:meth:`_column_block` over ``lonely`` in blocks.

        The other way, each mentor's ``k`` most violated rows over all blocks,
        is reduced after every few blocks: keeping every block's ``k`` per
        mentor until the end would hold blocks x k x mentors pairs (gigabytes
        at 100k).
        """
        known = self.known()
        step = self.step
        blocks = [lonely[lo : lo + step] for lo in range(0, lonely.size, step)]
        kept: list[Triple] = []
        other: Triple = _empty()
        weight = np.empty(0, dtype=np.float64)
        chunk = 4 * max(self.workers, 1)
        for lo in range(0, len(blocks), chunk):
            parts = map_blocks(
                lambda b: self._column_block(b, d, free=free, known=known),
                blocks[lo : lo + chunk],
                workers=self.workers,
            )
            kept.extend(p[0] for p in parts)
            other = _concat([other, *(p[1] for p in parts)])
            weight = np.concatenate([weight, *(p[2] for p in parts)])
            best = split_best(other[1], other[0], weight, k=self.k)
            other = (other[0][best], other[1][best], other[2][best])
            weight = weight[best]
        br, bc, bs = _concat([*kept, other])
        if br.size == 0:
            return None
        return br.astype(np.int64), bc.astype(np.int64), bs
