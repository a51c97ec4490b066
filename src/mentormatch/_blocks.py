"""Blocked scoring for large programmes: encode everyone once, score a block of mentees at a time.

The dense path builds the full ``(n_mentees, n_mentors)`` :class:`ScoreMatrix`.
A programme of 100,000 mentees and 20,000 mentors would need 16 GB for it,
so the large-programme path never does: a :class:`ProgrammeScorer` encodes
the criteria and rules once (vocabularies, codes, a TF-IDF fit, manager
chains, sparse lists of refused pairs) and then scores any block of mentee
rows against all mentors (or some) with array operations. Memory is bounded
by the block size.

The pieces here are private; :mod:`mentormatch.matching` puts them together.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from mentormatch._solve import PRICE_TOL, Duals, Pricer
from mentormatch._validation import shares
from mentormatch.constraints import (
    ConstraintLike,
    DifferentDepartment,
    ForbidPairs,
    NotInReportingLine,
    RequirePairs,
    SameAttribute,
)
from mentormatch.criteria.attributes import attribute_codes
from mentormatch.criteria.base import BlockScorer, Criterion, CriterionLike
from mentormatch.participants import Mentee, Mentor

_TOL = 1e-9  # as in mentormatch.matching: min_score is compared with this slack

#: In a round that finds violated pairs, examined pairs within this much of violating
#: are added too: the next duals move, and they would otherwise cost a round each.
MARGIN = 0.02

#: ``progress(phase, done, total)``, called as blocks finish.
ProgressFn = Callable[[str, int, int], None]

_Int = NDArray[np.intp]


def block_rows(n_mentors: int, cells: int = 1 << 18) -> int:
    """Mentee rows per block so that a block holds about ``cells`` pairs (>= 1).

    Examples
    --------
    >>> block_rows(20_000), block_rows(10), block_rows(0)
    (13, 26214, 262144)
    """
    return max(1, cells // max(n_mentors, 1))


def _is_builtin(c: Any) -> bool:
    """A built-in criterion with its own block encoding (trusted: its output is not re-checked).

    Anything else, :class:`FunctionCriterion` included, is scored by calling
    its ``score`` on each block, and checked like the dense path checks it.
    """
    own = getattr(type(c), "encode", None)
    return type(c).__module__.startswith("mentormatch.criteria.") and own not in (
        None,
        Criterion.encode,
    )


@dataclass
class _Rule:
    """One hard rule, encoded: refused pairs as a sparse matrix, a required column, or a function."""

    name: str
    refused: sp.csr_matrix | None = None  # sparse refusals
    required: _Int | None = None  # per row: the only allowed column, or -1
    dense: Callable[[_Int, _Int | None], NDArray[np.bool_]] | None = None

    def allowed(self, rows: _Int, cols: _Int | None, m: int) -> NDArray[np.bool_]:
        width = m if cols is None else len(cols)
        if self.dense is not None:
            return self.dense(rows, cols)
        out = np.ones((len(rows), width), dtype=bool)
        if self.refused is not None:
            block = self.refused[rows]
            if cols is not None:
                block = block[:, cols]
            out &= ~block.toarray()
        if self.required is not None:
            req = self.required[rows]
            fixed = np.flatnonzero(req >= 0)
            if fixed.size:
                target = req[fixed]
                if cols is None:
                    keep = np.zeros((fixed.size, width), dtype=bool)
                    keep[np.arange(fixed.size), target] = True
                else:
                    keep = np.asarray(cols)[None, :] == target[:, None]
                out[fixed] &= keep
        return out


_BUILTIN_RULES = (ForbidPairs, RequirePairs, NotInReportingLine, SameAttribute, DifferentDepartment)


def _pairs_matrix(pairs: list[tuple[int, int]], n: int, m: int) -> sp.csr_matrix:
    if not pairs:
        return sp.csr_matrix((n, m), dtype=bool)
    r, c = np.array(pairs, dtype=np.intp).T
    return sp.csr_matrix((np.ones(r.size, dtype=bool), (r, c)), shape=(n, m))


def _encode_rule(rule: ConstraintLike, tees: Sequence[Mentee], tors: Sequence[Mentor]) -> _Rule:
    """Encode a rule once. The built-ins get exact block forms; any other rule is
    asked about each block (so it must decide a pair from the two people alone)."""
    n, m = len(tees), len(tors)
    ie = {p.id: i for i, p in enumerate(tees)}
    im = {p.id: j for j, p in enumerate(tors)}
    if type(rule) is ForbidPairs:
        pairs = [(ie[e], im[t]) for e, t in rule.pairs if e in ie and t in im]
        return _Rule(rule.name, refused=_pairs_matrix(pairs, n, m))
    if type(rule) is RequirePairs:
        # the rule's own check of its ids (it raises naming a missing one), on its rows only
        rule.allowed([tees[ie[e]] for e in rule._required if e in ie], tors)
        required = np.full(n, -1, dtype=np.intp)
        for e, t in rule._required.items():
            required[ie[e]] = im[t]
        return _Rule(rule.name, required=required)
    if type(rule) is NotInReportingLine:
        _, chains = rule._chains(tees, tors)
        rule._chains_seen = chains  # as allowed() does, for explain()
        pairs = [(ie[e.id], im[a]) for e in tees for a in chains[e.id] if a in im]
        pairs += [(ie[a], im[t.id]) for t in tors for a in chains[t.id] if a in ie]
        return _Rule(rule.name, refused=_pairs_matrix(pairs, n, m))
    if type(rule) is SameAttribute:
        ce, cm = attribute_codes(rule.key, tees, tors)

        def same(rows: _Int, cols: _Int | None) -> NDArray[np.bool_]:
            a = ce[rows][:, None]
            b = (cm if cols is None else cm[cols])[None, :]
            return np.asarray((a == b) & (a >= 0), dtype=bool)

        return _Rule(rule.name, dense=same)
    if type(rule) is DifferentDepartment:
        prefixes = [rule._prefix(p.department) for p in (*tees, *tors)]
        uniq = {v: i for i, v in enumerate(sorted(set(prefixes)))}
        code = np.array([uniq[v] if v else -1 for v in prefixes], dtype=np.intp)
        de, dm = code[:n], code[n:]

        def different(rows: _Int, cols: _Int | None) -> NDArray[np.bool_]:
            a = de[rows][:, None]
            b = (dm if cols is None else dm[cols])[None, :]
            return np.asarray((a != b) & (a >= 0) & (b >= 0), dtype=bool)

        return _Rule(rule.name, dense=different)

    from mentormatch.matching import _checked_mask

    def asked(rows: _Int, cols: _Int | None) -> NDArray[np.bool_]:
        sub_tors = list(tors) if cols is None else [tors[j] for j in cols]
        sub_tees = [tees[i] for i in rows]
        return _checked_mask(rule, sub_tees, sub_tors, (len(sub_tees), len(sub_tors)))

    return _Rule(rule.name, dense=asked)


class ProgrammeScorer:
    """A programme's criteria and rules, encoded once, scoring blocks of mentee rows.

    Parameters
    ----------
    criteria, constraints : sequences
        As held by the :class:`~mentormatch.Matcher`.
    tees, tors : sequences of Mentee, Mentor
        The (validated) programme.
    min_score : float
    self_rule : str
        The name under which "a person is never matched with themself" is reported.

    Notes
    -----
    The total of a block is computed with the same floating-point operations
    as :meth:`Matcher.score` (``total += (w / sum(w)) * s`` per criterion,
    then clipped to [0, 1]), so a block equals the slice of the full matrix
    wherever the criterion scores do.

    Examples
    --------
    >>> import numpy as np
    >>> import mentormatch as mm
    >>> e = [mm.Mentee(id="e1", goals=["sql"]), mm.Mentee(id="e2")]
    >>> m = [mm.Mentor(id="m1", goals=["sql"]), mm.Mentor(id="e2")]
    >>> ps = ProgrammeScorer([mm.GoalOverlap()], [], e, m, 0.0, "not_yourself")
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
        tees: Sequence[Mentee],
        tors: Sequence[Mentor],
        min_score: float,
        self_rule: str,
    ) -> None:
        self.tees, self.tors = tees, tors
        self.n, self.m = len(tees), len(tors)
        self.min_score = min_score
        self.criteria = tuple(criteria)
        self.weights = {c.name: float(c.weight) for c in criteria}
        #: exact shares of the weights, as the dense path uses them (bitwise the same totals)
        self.shares = shares(self.weights)
        #: only the built-ins are known to be safe to score from several threads at once
        self.thread_safe = all(_is_builtin(c) for c in criteria) and all(
            type(r) in _BUILTIN_RULES for r in constraints
        )
        self._encoded: dict[str, BlockScorer] = {
            c.name: cast(Any, c).encode(tees, tors) for c in criteria if _is_builtin(c)
        }
        rules: list[_Rule] = []
        both = {t.id: j for j, t in enumerate(tors)}
        twins = [(i, both[e.id]) for i, e in enumerate(tees) if e.id in both]
        if twins:
            rules.append(_Rule(self_rule, refused=_pairs_matrix(twins, self.n, self.m)))
        rules.extend(_encode_rule(r, tees, tors) for r in constraints)
        self.rules = rules
        # all sparse refusals together, applied to bulk blocks in one step
        sparse_rules = [r.refused for r in rules if r.refused is not None]
        self._refused_all: sp.csr_matrix | None = (
            sp.csr_matrix(sum(sparse_rules[1:], sparse_rules[0]).astype(bool))
            if sparse_rules
            else None
        )

    # -- criteria ---------------------------------------------------------------------

    def by_criterion(self, rows: _Int, cols: _Int | None = None) -> dict[str, NDArray[np.float64]]:
        """Each criterion's scores of the block, checked like the dense path checks them."""
        from mentormatch.matching import _checked_scores

        width = self.m if cols is None else len(cols)
        out: dict[str, NDArray[np.float64]] = {}
        for c in self.criteria:
            enc = self._encoded.get(c.name)
            if enc is not None:
                out[c.name] = enc(rows, cols)
            else:
                sub_tees = [self.tees[i] for i in rows]
                sub_tors = list(self.tors) if cols is None else [self.tors[j] for j in cols]
                checked = _checked_scores(c, sub_tees, sub_tors, (len(rows), width))
                out[c.name] = np.array(checked, dtype=np.float64)  # ours to overwrite
        return out

    def combine(
        self, by: dict[str, NDArray[np.float64]], shape: tuple[int, ...], *, consume: bool = False
    ) -> NDArray[np.float64]:
        """The weighted mean of the criterion scores, as :meth:`Matcher.score` computes it.

        The same operations in the same order (``0 + x`` is exact, and
        clipping non-negative values to [0, 1] is taking the minimum with 1),
        so the result is bitwise the dense one. ``consume`` lets it overwrite ``by``.
        """
        if not consume:
            total = np.zeros(shape)
            for name, s in by.items():
                total += self.shares[name] * s
            np.clip(total, 0.0, 1.0, out=total)
            return total
        out: NDArray[np.float64] | None = None
        for name, s in by.items():
            s = np.asarray(s, dtype=np.float64)
            np.multiply(s, self.shares[name], out=s)
            if out is None:
                out = s
            else:
                out += s
        if out is None:
            return np.zeros(shape)
        np.clip(out, 0.0, 1.0, out=out)
        return out

    def total(self, rows: _Int, cols: _Int | None = None) -> NDArray[np.float64]:
        """Total scores of a block."""
        width = self.m if cols is None else len(cols)
        return self.combine(self.by_criterion(rows, cols), (len(rows), width))

    # -- rules ------------------------------------------------------------------------

    def refused_by(self, rows: _Int, cols: _Int | None = None) -> dict[str, NDArray[np.bool_]]:
        """For each rule (the self rule first), the pairs of the block it refuses."""
        return {r.name: ~r.allowed(rows, cols, self.m) for r in self.rules}

    def allowed(self, rows: _Int, cols: _Int | None = None) -> NDArray[np.bool_]:
        """Pairs of the block that every rule allows."""
        width = self.m if cols is None else len(cols)
        out = np.ones((len(rows), width), dtype=bool)
        for r in self.rules:
            out &= r.allowed(rows, cols, self.m)
        return out

    def eligible_total(self, rows: _Int, open_cols: NDArray[np.bool_]) -> NDArray[np.float64]:
        """Totals of a block against all mentors, ``-inf`` where the pair cannot be made.

        A pair cannot be made when a rule refuses it, it scores below
        ``min_score``, or the mentor has no place (``open_cols`` False).
        """
        total = self.combine(self.by_criterion(rows), (len(rows), self.m), consume=True)
        if self._refused_all is not None:
            block = self._refused_all[rows].tocoo()
            total[block.row, block.col] = -np.inf
        for r in self.rules:
            if r.dense is not None:
                total[~r.dense(rows, None)] = -np.inf
            elif r.required is not None:
                req = r.required[rows]
                fixed = np.flatnonzero(req >= 0)
                if fixed.size:
                    keep = total[fixed, req[fixed]]
                    total[fixed] = -np.inf
                    total[fixed, req[fixed]] = keep
        if self.min_score > 0:
            total[total < self.min_score - _TOL] = -np.inf
        if not open_cols.all():
            total[:, ~open_cols] = -np.inf
        return total


# -- the candidate graph and its pricing --------------------------------------------------


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

    rows: NDArray[np.int64]
    cols: NDArray[np.int64]
    score: NDArray[np.float64]
    reserve: tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64]]
    groups: _Int
    starts: _Int
    bound: NDArray[np.float64]
    stats: dict[str, Any] = field(default_factory=dict)


def _top_k_sort(total: NDArray[np.float64], k: int) -> tuple[_Int, _Int, NDArray[np.float64]]:
    """:func:`_top_k` by a partial sort of every row."""
    b, m = total.shape
    if m <= k:
        r, c = np.nonzero(np.isfinite(total))
        return r, c, total[r, c]
    top = np.argpartition(total, m - k - 1, axis=1)[:, m - k :]
    ar = np.arange(b)[:, None]
    vals = total[ar, top]
    ok = np.isfinite(vals)
    r = np.broadcast_to(ar, top.shape)[ok]
    return r, top[ok], vals[ok]


def _top_k(total: NDArray[np.float64], k: int) -> tuple[_Int, _Int, NDArray[np.float64]]:
    """The ``k`` best finite entries of each row (block-local rows; ties broken arbitrarily).

    A threshold per row is read off a sample of its columns, low enough that
    (almost always) more than ``k`` entries reach it; only the entries that
    do are sorted. Rows where the threshold keeps too few (or, with many
    tied scores, too many) entries are partially sorted whole instead.
    """
    b, m = total.shape
    if m < 32 * k or b == 0:
        return _top_k_sort(total, k)
    stride = m // (8 * k)
    sample = total[:, ::stride]
    t = min(sample.shape[1], -(-2 * k // stride) + 2)
    thr = np.partition(sample, sample.shape[1] - t, axis=1)[:, sample.shape[1] - t]
    mask = total >= thr[:, None]
    flat = np.flatnonzero(mask)  # much faster than a 2-d nonzero
    r, c = np.divmod(flat, m)
    count = np.bincount(r, minlength=b)
    bad = ~np.isfinite(thr) | (count < k) | (count > 16 * k)
    if bad.any():
        ok = ~bad[r]
        r, c = r[ok], c[ok]
    v = total[r, c]
    order = np.lexsort((-v, r))
    r, c, v = r[order], c[order], v[order]
    first = np.searchsorted(r, r, side="left")
    take = (np.arange(r.size) - first) < k
    r, c, v = r[take], c[take], v[take]
    if bad.any():
        rows = np.flatnonzero(bad)
        r2, c2, v2 = _top_k_sort(total[rows], k)
        r = np.concatenate([r, rows[r2]])
        c = np.concatenate([c, c2])
        v = np.concatenate([v, v2])
    return r, c, v


def _split_best(r: _Int, c: _Int, v: NDArray[np.float64], k: int) -> NDArray[np.bool_]:
    """Which of the kept pairs are each row's ``k`` best (by score, then column)."""
    order = np.lexsort((c, -v, r))
    first = np.searchsorted(r[order], r[order], side="left")
    rank = np.empty(r.size, dtype=np.intp)
    rank[order] = np.arange(r.size) - first
    return np.asarray(rank < k, dtype=bool)


def _map_blocks(
    func: Callable[[_Int], Any],
    blocks: list[_Int],
    workers: int,
    after: Callable[[_Int], None] | None = None,
) -> list[Any]:
    """``[func(b) for b in blocks]`` on ``workers`` threads (numpy and scipy release the GIL).

    ``after(block)`` runs in the calling thread as each block's result comes
    in, in order (progress callbacks are never called from a worker thread).
    """
    out: list[Any] = []
    if workers <= 1 or len(blocks) <= 1:
        for b in blocks:
            out.append(func(b))
            if after is not None:
                after(b)
        return out
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=workers) as pool:
        for b, res in zip(blocks, pool.map(func, blocks), strict=True):
            out.append(res)
            if after is not None:
                after(b)
    return out


def mentor_groups(
    ps: ProgrammeScorer, open_cols: NDArray[np.bool_], k: int, n_groups: int = 32
) -> tuple[_Int, _Int]:
    """Mentors ordered by popularity and cut into groups, for the pricing bounds.

    Popularity: in how many of a sample of mentees' rows (up to 1,024, evenly
    spread) the mentor scores at least the row's ``k``-th best. Popular
    mentors end up with high dual values, so grouping mentors of like
    popularity makes ``bound[i, g] - min(v in g)`` a tight bound.
    """
    m = ps.m
    n_groups = max(1, min(n_groups, m))
    sample = np.unique(np.linspace(0, max(ps.n - 1, 0), num=min(ps.n, 1024)).astype(np.intp))
    pop = np.zeros(m)
    for lo in range(0, sample.size, block_rows(m)):
        rows = sample[lo : lo + block_rows(m)]
        total = ps.eligible_total(rows, open_cols)
        if m > k:
            kth = np.partition(total, m - k, axis=1)[:, m - k]
            pop += (total >= kth[:, None]).sum(axis=0)
    order = np.lexsort((np.arange(m), -pop)).astype(np.intp)
    starts = (np.arange(n_groups) * m // n_groups).astype(np.intp)
    return order, starts


def _group_max(total: NDArray[np.float64], order: _Int, starts: _Int) -> NDArray[np.float64]:
    if total.shape[1] == 0:
        return np.full((total.shape[0], starts.size), -np.inf)
    out: NDArray[np.float64] = np.maximum.reduceat(total[:, order], starts, axis=1)
    return out


def candidate_pass(
    ps: ProgrammeScorer,
    open_cols: NDArray[np.bool_],
    k: int,
    reserve: int = 0,
    progress: ProgressFn | None = None,
    workers: int = 1,
) -> Candidates:
    """Score every block once; keep each mentee's ``k`` best mentors, and ``reserve`` more.

    Examples
    --------
    >>> import numpy as np
    >>> import mentormatch as mm
    >>> e = [mm.Mentee(id="e1", goals=["a", "b"])]
    >>> m = [mm.Mentor(id=f"m{j}", goals=g) for j, g in enumerate([["a"], ["a", "b"], []])]
    >>> ps = ProgrammeScorer([mm.GoalOverlap()], [], e, m, 0.0, "not_yourself")
    >>> c = candidate_pass(ps, np.ones(3, dtype=bool), k=1)
    >>> c.cols, c.score, c.bound.max(axis=1)
    (array([1]), array([1.]), array([0.5]))
    >>> c = candidate_pass(ps, np.ones(3, dtype=bool), k=1, reserve=1)
    >>> c.reserve[1], c.bound.max(axis=1)
    (array([0]), array([0.]))
    """
    n = ps.n
    step = block_rows(ps.m)
    keep = k + reserve
    order, starts = mentor_groups(ps, open_cols, keep)
    bound = np.full((n, starts.size), -np.inf)
    blocks = [np.arange(lo, min(lo + step, n), dtype=np.intp) for lo in range(0, n, step)]
    done = [0]

    def one(rows: _Int) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64]]:
        total = ps.eligible_total(rows, open_cols)
        r, c, v = _top_k(total, keep)
        total[r, c] = -np.inf
        bound[rows] = _group_max(total, order, starts)
        return (rows[r].astype(np.int64), c.astype(np.int64), v)

    def report(rows: _Int) -> None:
        done[0] += rows.size
        if progress is not None:
            progress("scoring", done[0], n)

    parts = _map_blocks(one, blocks, workers if ps.thread_safe else 1, report)
    empty = np.zeros(0, dtype=np.int64)
    if not parts:
        res = (empty, empty, np.zeros(0))
        return Candidates(empty, empty, np.zeros(0), res, order, starts, bound)
    r_all = np.concatenate([p[0] for p in parts])
    c_all = np.concatenate([p[1] for p in parts])
    v_all = np.concatenate([p[2] for p in parts])
    best = _split_best(r_all, c_all, v_all, k)
    res = (r_all[~best], c_all[~best], v_all[~best])
    return Candidates(r_all[best], c_all[best], v_all[best], res, order, starts, bound)


def make_pricer(
    ps: ProgrammeScorer,
    open_cols: NDArray[np.bool_],
    cand: Candidates,
    k: int,
    progress: ProgressFn | None = None,
    workers: int = 1,
) -> Pricer:
    """The pricing step of :func:`mentormatch._solve.solve_sparse` for a programme.

    A pair ``(i, j)`` outside the solver's graph violates the duals when
    ``s_ij - v_j > theta_i + tol``. The reserve pairs are checked exactly,
    all at once. For the rest of row ``i``, ``s_ij <= bound[i, g]`` and
    ``v_j >= min(v in g)`` in each mentor group ``g``, so a row with
    ``max_g(bound[i, g] - min(v in g)) <= theta_i + tol`` is proved without
    scoring it again; the others are rescored in blocks: each gives its ``k``
    most violated pairs to the graph and its next best pairs to the reserve,
    and its bounds drop below them. ``cand.stats`` counts the rows rescored.

    Two shortcuts (a round that adds pairs need not be complete; only the
    round that adds none is the proof): while rows are unmatched and
    mentors are priced at 0, a round rescores only the rows of smallest
    ``theta`` and adds their most violated pairs with those mentors
    (``by_column``); and a round that finds violators also adds the
    examined pairs within ``MARGIN`` of violating.
    """
    m, n = ps.m, ps.n
    bound = cand.bound
    order, starts = cand.groups, cand.starts
    depth = max(k, int(np.ceil(cand.reserve[0].size / max(n, 1))))
    res_r, res_c, res_s = cand.reserve
    known_r = [cand.rows, res_r]
    known_c = [cand.cols, res_c]
    state: dict[str, Any] = {"res": (res_r, res_c, res_s), "known": None}
    cand.stats.setdefault("rows_rescored", 0)
    step = block_rows(m)

    def known_matrix() -> sp.csr_matrix:
        if state["known"] is None:
            r, c = np.concatenate(known_r), np.concatenate(known_c)
            state["known"] = sp.csr_matrix((np.ones(r.size, dtype=bool), (r, c)), shape=(n, m))
            known_r[:] = [r]
            known_c[:] = [c]
        return cast(sp.csr_matrix, state["known"])

    def by_column(d: Duals) -> tuple[Any, ...] | None:
        """Augmenting pairs: unmatched rows with the mentors priced at 0.

        While rows are unmatched and mentors are priced at 0 (a free place,
        or no competition among the candidates), every row violates with
        those mentors, and finding that out by the bounds means rescoring
        nearly every row: a whole scoring pass. Rescoring only the unmatched
        rows and giving each of those mentors its ``k`` best of them (and each
        of them its ``k`` best of those mentors) is a fraction of that.
        """
        n_lonely = int((d.theta <= -d.big).sum())
        free = np.flatnonzero(open_cols & (d.v <= 0.0))
        if n_lonely == 0 or free.size == 0:
            return None
        # a pair with a mentor priced at 0 has reduced cost s_ij - theta_i, s_ij in [0, 1]:
        # the most violated ones are in the rows of smallest theta
        n_rows = n_lonely + k * free.size
        if n_rows > n // 2:
            return None
        lonely = np.sort(np.argsort(d.theta, kind="stable")[:n_rows])
        known = known_matrix()
        blocks = [lonely[lo : lo + step] for lo in range(0, lonely.size, step)]

        def one(rows: _Int) -> tuple[Any, ...]:
            total = ps.eligible_total(rows, open_cols)
            kb = known[rows].tocoo()
            total[kb.row, kb.col] = -np.inf
            sub = total[:, free]
            red = sub - d.theta[rows][:, None]
            red[~(red > PRICE_TOL)] = -np.inf
            lone = np.flatnonzero(d.theta[rows] <= -d.big)
            r, c, _ = _top_k(red[lone], k)  # each unmatched row's k most violated of those mentors
            r = lone[r]
            c2, r2, w2 = _top_k(np.ascontiguousarray(red.T), k)  # and the other way
            return rows[r], free[c], sub[r, c], rows[r2], free[c2], sub[r2, c2], w2

        # The other way, each mentor's k most violated rows over all blocks, is
        # reduced after every few blocks: keeping every block's k per mentor
        # until the end would hold blocks x k x mentors pairs (gigabytes at 100k).
        kept: list[tuple[Any, ...]] = []
        r2 = c2 = np.empty(0, dtype=np.int64)
        s2 = w2 = np.empty(0, dtype=np.float64)
        chunk = 4 * max(workers, 1)
        for lo in range(0, len(blocks), chunk):
            parts = _map_blocks(one, blocks[lo : lo + chunk], workers if ps.thread_safe else 1)
            kept.extend(p[:3] for p in parts)
            r2 = np.concatenate([r2, *(p[3] for p in parts)])
            c2 = np.concatenate([c2, *(p[4] for p in parts)])
            s2 = np.concatenate([s2, *(p[5] for p in parts)])
            w2 = np.concatenate([w2, *(p[6] for p in parts)])
            best = _split_best(c2, r2, w2, k)
            r2, c2, s2, w2 = r2[best], c2[best], s2[best], w2[best]
        br = np.concatenate([*(p[0] for p in kept), r2]).astype(np.int64)
        bc = np.concatenate([*(p[1] for p in kept), c2]).astype(np.int64)
        bs = np.concatenate([*(p[2] for p in kept), s2])
        if br.size == 0:
            return None
        cand.stats["columns_rescored"] = cand.stats.get("columns_rescored", 0) + int(free.size)
        cand.stats["rows_rescored"] += int(lonely.size)
        return br, bc, bs

    def price(d: Duals) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64]]:
        out_r: list[NDArray[np.int64]] = []
        out_c: list[NDArray[np.int64]] = []
        out_s: list[NDArray[np.float64]] = []
        col = by_column(d)
        if col is not None:
            # violators found: the row pass can wait for the next round (only an
            # empty answer has to be complete)
            known_r.append(col[0])
            known_c.append(col[1])
            state["known"] = None
            return col
        # 1. the reserve, exactly
        rr, rc, rs = state["res"]
        if rr.size:
            red = d.reduced(rr, rc, rs)
            bad = red > PRICE_TOL
            if bad.any():
                # and the pairs about to violate, to spare rounds of one or two pairs
                bad = red > -MARGIN
                out_r.append(rr[bad])
                out_c.append(rc[bad])
                out_s.append(rs[bad])
                state["res"] = (rr[~bad], rc[~bad], rs[~bad])
        # 2. rows whose bounds do not prove them: rescore
        if m:
            v_low = np.where(open_cols, d.v, np.inf)[order]
            vmin = np.minimum.reduceat(v_low, starts)
            slack = (bound - vmin[None, :]).max(axis=1)
            need = np.flatnonzero(slack > d.theta + PRICE_TOL)
        else:
            need = np.zeros(0, dtype=np.intp)
        cand.stats["rows_rescored"] += int(need.size)
        if need.size:
            known = known_matrix()
            blocks = [need[lo : lo + step] for lo in range(0, need.size, step)]
            done = [0]

            def one(rows: _Int) -> tuple[Any, ...]:
                total = ps.eligible_total(rows, open_cols)
                kb = known[rows].tocoo()
                total[kb.row, kb.col] = -np.inf  # in the graph or the reserve: priced already
                red = total - d.v[None, :]
                red -= d.theta[rows][:, None]
                hot = np.flatnonzero((red > PRICE_TOL).any(axis=1))
                add: tuple[Any, ...] = ()
                if hot.size:
                    sub = red[hot]
                    sub[~(sub > -MARGIN)] = -np.inf
                    r, c, _ = _top_k(sub, k)
                    r = hot[r]
                    add = (rows[r].astype(np.int64), c.astype(np.int64), total[r, c])
                    total[r, c] = -np.inf
                r2, c2, v2 = _top_k(total, depth)
                keep = (rows[r2].astype(np.int64), c2.astype(np.int64), v2)
                total[r2, c2] = -np.inf
                bound[rows] = _group_max(total, order, starts)
                return add, keep

            def report(rows: _Int) -> None:
                done[0] += rows.size
                if progress is not None:
                    progress("pricing", done[0], need.size)

            results = _map_blocks(one, blocks, workers if ps.thread_safe else 1, report)
            new_res = [kp for _, kp in results]
            for add, _ in results:
                if add:
                    out_r.append(add[0])
                    out_c.append(add[1])
                    out_s.append(add[2])
            rr, rc, rs = state["res"]
            state["res"] = (
                np.concatenate([rr, *(p[0] for p in new_res)]),
                np.concatenate([rc, *(p[1] for p in new_res)]),
                np.concatenate([rs, *(p[2] for p in new_res)]),
            )
            known_r.extend(p[0] for p in new_res)
            known_c.extend(p[1] for p in new_res)
            state["known"] = None
        if not out_r:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, np.zeros(0)
        ar, ac = np.concatenate(out_r), np.concatenate(out_c)
        known_r.append(ar)
        known_c.append(ac)
        state["known"] = None
        return ar, ac, np.concatenate(out_s)

    return price


# -- rows on demand, for explanations -------------------------------------------------------


class RowCache:
    """Scores and rules of single mentee rows, computed on demand and kept for a while.

    The large path has no full score matrix; :class:`LazyRows` views index
    it like one (``view[i, j]``, ``view[i, cols]``, ``view[i]``), computing
    mentee ``i``'s row against all mentors the first time it is needed.
    :meth:`prefetch` computes many rows as one block.
    """

    def __init__(self, ps: ProgrammeScorer, keep: int = 4096) -> None:
        self.ps = ps
        self.keep = keep
        self._rows: dict[int, dict[str, NDArray[Any]]] = {}

    def prefetch(self, rows: _Int) -> None:
        """Compute these rows together (one block) and keep them."""
        rows = np.asarray([i for i in rows if int(i) not in self._rows], dtype=np.intp)
        if rows.size == 0:
            return
        if len(self._rows) + rows.size > self.keep:
            self._rows.clear()
        ps = self.ps
        by = ps.by_criterion(rows)
        total = ps.combine(by, (rows.size, ps.m))
        refused = ps.refused_by(rows)
        allowed = np.ones((rows.size, ps.m), dtype=bool)
        for mask in refused.values():
            allowed &= ~mask
        eligible = allowed & (total >= ps.min_score - _TOL)
        for k, i in enumerate(rows):
            entry: dict[str, NDArray[Any]] = {
                "total": total[k],
                "allowed": allowed[k],
                "eligible": eligible[k],
            }
            for name, s in by.items():
                entry["c:" + name] = s[k]
            for name, mask in refused.items():
                entry["r:" + name] = mask[k]
            self._rows[int(i)] = entry

    def row(self, i: int, key: str) -> NDArray[Any]:
        if i not in self._rows:
            self.prefetch(np.array([i], dtype=np.intp))
        return self._rows[i][key]


class LazyRows:
    """A read-only stand-in for an ``(n_mentees, n_mentors)`` array, computed row by row."""

    def __init__(self, cache: RowCache, key: str) -> None:
        self.cache = cache
        self.key = key
        self.shape = (cache.ps.n, cache.ps.m)

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, tuple):
            i, rest = index[0], index[1:]
        else:
            i, rest = index, ()
        row = self.cache.row(int(i), self.key)
        if not rest:
            return row
        return row[rest[0]] if len(rest) == 1 else row[rest]
