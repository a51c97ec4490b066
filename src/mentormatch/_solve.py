"""Assignment solvers: pure functions from scores, an allowed mask and capacities.

They know nothing of participants or criteria. Every solver returns, for each
mentee row, the index of its mentor column or ``-1``, and optimises the same
lexicographic objective:

1. the largest number of matched mentees (each mentor ``j`` taking at most
   ``capacity[j]``, only pairs with ``allowed`` True);
2. among those, the largest total score.

The dense solver makes the objective a single linear one exactly: a matched
pair earns ``M + score`` with ``M = n_rows + 1``. One more match gains ``M``,
while all the scores of an assignment add up to at most ``n_rows < M``, so no
loss of score can pay for a lost match and every optimum of the weighted
problem is an optimum of the lexicographic one (and vice versa).
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import linear_sum_assignment

__all__ = ["solve_candidates", "solve_dense", "solve_sparse"]


def slot_counts(allowed: NDArray[np.bool_], capacity: NDArray[np.int64]) -> NDArray[np.int64]:
    """Places per mentor that can possibly be used: ``min(capacity, allowed rows)``."""
    usable = allowed.sum(axis=0, dtype=np.int64)
    return np.asarray(np.minimum(capacity.astype(np.int64), usable), dtype=np.int64)


def solve_dense(
    score: NDArray[np.float64],
    allowed: NDArray[np.bool_],
    capacity: NDArray[np.int64],
) -> NDArray[np.intp]:
    """Exact capacitated assignment by Hungarian / Jonker-Volgenant (scipy).

    Parameters
    ----------
    score : ndarray of shape (n, m)
        Pair scores; only allowed pairs are read.
    allowed : ndarray of bool, shape (n, m)
        Pairs that may be made.
    capacity : ndarray of int, shape (m,)
        Places per mentor (>= 0).

    Returns
    -------
    ndarray of int, shape (n,)
        The mentor column of each row, or -1 when the row is unmatched.

    Notes
    -----
    Mentor ``j``'s column is repeated ``min(capacity[j], rows allowed with j)``
    times and the rectangular problem is solved with
    :func:`scipy.optimize.linear_sum_assignment` on costs ``-(M + score)``
    for allowed pairs and 0 otherwise (see the module docstring for why this
    is exactly "coverage first, then score"). Rows and columns with no
    allowed pair are left out before solving. Deterministic: the same input
    gives the same output.

    Examples
    --------
    >>> import numpy as np
    >>> s = np.array([[0.9, 0.8], [0.1, 0.0]])
    >>> ok = np.array([[True, True], [True, False]])
    >>> solve_dense(s, ok, np.array([1, 1]))  # coverage first: row 0 gives way
    array([1, 0])
    >>> solve_dense(s, ok, np.array([2, 1]))
    array([0, 0])
    """
    n, m = score.shape
    out = np.full(n, -1, dtype=np.intp)
    if n == 0 or m == 0:
        return out
    slots = slot_counts(allowed, capacity)
    cols = np.flatnonzero(slots > 0)
    rows = np.flatnonzero(allowed[:, cols].any(axis=1))
    if rows.size == 0:
        return out
    whole = rows.size == n and cols.size == m
    sub_allowed = allowed if whole else allowed[np.ix_(rows, cols)]
    big = float(rows.size + 1)
    # cost -(M + score) on allowed pairs, 0 elsewhere, built in place
    cost = np.negative(score if whole else score[np.ix_(rows, cols)])
    cost -= big
    cost[~sub_allowed] = 0.0
    expand = np.repeat(np.arange(cols.size), slots[cols])
    if expand.size != cols.size:
        cost = cost[:, expand]
    r, c = linear_sum_assignment(cost)
    made = sub_allowed[r, expand[c]]
    out[rows[r[made]]] = cols[expand[c[made]]]
    return out


def assignment_value(assignment: NDArray[np.intp], score: NDArray[np.float64]) -> tuple[int, float]:
    """``(number matched, total score)`` of an assignment, for comparisons and tests."""
    made = assignment >= 0
    rows = np.flatnonzero(made)
    return int(made.sum()), float(score[rows, assignment[rows]].sum())


# -- the large-programme path: a sparse candidate graph, proved optimal by pricing ----------

#: Reduced costs up to this much are treated as zero (scores live in [0, 1]).
PRICE_TOL = 1e-9

#: Backends of :func:`solve_candidates`, fastest first.
BACKENDS = ("ortools", "scipy")


def have_ortools() -> bool:
    """Whether the optional OR-Tools backend can be imported."""
    try:
        importlib.import_module("ortools.graph.python.min_cost_flow")
    except ImportError:
        return False
    return True


def _dedupe(
    rows: NDArray[np.int64], cols: NDArray[np.int64], score: NDArray[np.float64], n_cols: int
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64]]:
    """Drop repeated pairs (keeping the first), sorted by (row, column)."""
    key = rows * max(n_cols, 1) + cols
    _, first = np.unique(key, return_index=True)
    return rows[first], cols[first], score[first]


def _solve_ortools(
    n: int,
    capacity: NDArray[np.int64],
    rows: NDArray[np.int64],
    cols: NDArray[np.int64],
    score: NDArray[np.float64],
) -> NDArray[np.intp]:
    """Maximum flow of minimum cost (OR-Tools): the most pairs, then the largest total score.

    Costs must be integers, so scores are scaled by a power of two as large
    as OR-Tools' cost scaling allows without overflow; the float certificate
    that follows catches the (rare) suboptimal tie-break this rounding can cause.
    """
    # imported by name: an optional extra, untyped
    min_cost_flow = importlib.import_module("ortools.graph.python.min_cost_flow")

    m = capacity.size
    nodes = n + m + 2
    src, snk = n + m, n + m + 1
    # cost-scaling multiplies costs by (nodes + 1); keep well inside int64
    bits = min(40, int(np.floor(np.log2(2.0**62 / (nodes + 1)))))
    scale = float(2**bits)
    used_rows = np.unique(rows)
    used_cols = np.unique(cols)
    tails = np.concatenate([np.full(used_rows.size, src), rows, n + used_cols]).astype(np.int32)
    heads = np.concatenate([used_rows, n + cols, np.full(used_cols.size, snk)]).astype(np.int32)
    caps = np.concatenate(
        [np.ones(used_rows.size + rows.size, dtype=np.int64), capacity[used_cols]]
    ).astype(np.int64)
    costs = np.concatenate(
        [
            np.zeros(used_rows.size, dtype=np.int64),
            -np.rint(score * scale).astype(np.int64),
            np.zeros(used_cols.size, dtype=np.int64),
        ]
    )
    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
    supply = int(min(used_rows.size, int(capacity[used_cols].sum())))
    flow.set_node_supply(src, supply)
    flow.set_node_supply(snk, -supply)
    status = flow.solve_max_flow_with_min_cost()
    if status != flow.OPTIMAL:  # pragma: no cover - OR-Tools refuses only on overflow
        raise RuntimeError(f"OR-Tools min-cost flow failed with status {status}")
    arcs = np.arange(used_rows.size, used_rows.size + rows.size)
    made = np.asarray(flow.flows(arcs)) > 0
    out = np.full(n, -1, dtype=np.intp)
    out[rows[made]] = cols[made]
    return out


def _solve_scipy(
    n: int,
    capacity: NDArray[np.int64],
    rows: NDArray[np.int64],
    cols: NDArray[np.int64],
    score: NDArray[np.float64],
) -> NDArray[np.intp]:
    """Sparse Jonker-Volgenant (scipy's ``min_weight_full_bipartite_matching``), exact in floats.

    Mentor ``j`` becomes ``min(capacity[j], candidate rows of j)`` slot
    columns, and every row gets a column of its own meaning "unmatched".
    A pair costs ``2 - score`` and "unmatched" costs ``M + 2`` with
    ``M = n + 1``: that is the big-M objective of :func:`solve_dense` minus
    the constant ``M + 2`` per row, so the optimum is the same, and all
    costs are >= 1 (scipy drops zero weights).
    """
    import scipy.sparse as sp
    from scipy.sparse.csgraph import min_weight_full_bipartite_matching

    out = np.full(n, -1, dtype=np.intp)
    if rows.size == 0:
        return out
    m = capacity.size
    degree = np.bincount(cols, minlength=m)
    slots = np.minimum(capacity, degree)
    first = np.concatenate([[0], np.cumsum(slots)])
    reps = slots[cols]
    keep = reps > 0
    r, c, s, reps = rows[keep], cols[keep], score[keep], reps[keep]
    rr = np.repeat(r, reps)
    offset = np.arange(rr.size) - np.repeat(np.cumsum(reps) - reps, reps)
    cc = first[np.repeat(c, reps)] + offset
    ww = 2.0 - np.repeat(s, reps)
    total_slots = int(first[-1])
    big = float(n + 1) + 2.0
    graph = sp.csr_matrix(
        (
            np.concatenate([ww, np.full(n, big)]),
            (np.concatenate([rr, np.arange(n)]), np.concatenate([cc, total_slots + np.arange(n)])),
        ),
        shape=(n, total_slots + n),
    )
    row_ind, col_ind = min_weight_full_bipartite_matching(graph)
    real = col_ind < total_slots
    slot_owner = np.repeat(np.arange(m), slots)
    out[row_ind[real]] = slot_owner[col_ind[real]]
    return out


def solve_candidates(
    n: int,
    capacity: NDArray[np.int64],
    rows: NDArray[np.int64],
    cols: NDArray[np.int64],
    score: NDArray[np.float64],
    *,
    backend: str = "scipy",
) -> NDArray[np.intp]:
    """Optimal capacitated assignment restricted to a sparse set of candidate pairs.

    Parameters
    ----------
    n : int
        Number of mentee rows.
    capacity : ndarray of int, shape (m,)
        Places per mentor.
    rows, cols : ndarray of int
        The candidate pairs (no repeats).
    score : ndarray of float
        Their scores.
    backend : {"scipy", "ortools"}
        ``"scipy"``: sparse Jonker-Volgenant, exact in floating point;
        ``"ortools"``: OR-Tools' max-flow-min-cost on integer-scaled scores (fast).

    Returns
    -------
    ndarray of int, shape (n,)
        The mentor of each row or -1. Same objective as :func:`solve_dense`
        (the most pairs, then the largest total score), over the candidates only.

    Examples
    --------
    >>> import numpy as np
    >>> rows, cols = np.array([0, 0, 1]), np.array([0, 1, 0])
    >>> solve_candidates(2, np.array([1, 1]), rows, cols, np.array([0.9, 0.8, 0.1]))
    array([1, 0])
    """
    if backend == "ortools":
        return _solve_ortools(n, capacity, rows, cols, score)
    return _solve_scipy(n, capacity, rows, cols, score)


@dataclass
class Duals:
    """Dual values that prove a sparse solution optimal.

    For the LP ``max sum (M + s_ij) x_ij`` s.t. ``sum_j x_ij <= 1`` and
    ``sum_i x_ij <= cap_j``, the duals are ``u_i = M + theta_i >= 0`` and
    ``v_j >= 0``; a pair is priced out when ``s_ij - v_j <= theta_i + tol``.
    ``theta`` is kept without ``M`` so that nothing large is subtracted.
    """

    theta: NDArray[np.float64]
    v: NDArray[np.float64]
    big: float

    def reduced(
        self, rows: NDArray[np.int64], cols: NDArray[np.int64], score: NDArray[np.float64]
    ) -> NDArray[np.float64]:
        """``(M + s_ij) - u_i - v_j`` of the given pairs; > 0 means the pair violates."""
        return np.asarray(score - self.v[cols] - self.theta[rows], dtype=np.float64)


def candidate_duals(
    n: int,
    capacity: NDArray[np.int64],
    rows: NDArray[np.int64],
    cols: NDArray[np.int64],
    score: NDArray[np.float64],
    assignment: NDArray[np.intp],
    *,
    tol: float = PRICE_TOL,
) -> Duals | None:
    """Smallest mentor duals that certify ``assignment`` on the candidate pairs, or None.

    With ``u_i = M + s_{i,a(i)} - v_{a(i)}`` for a matched row (complementary
    slackness) and ``u_i = 0`` for an unmatched one, dual feasibility on the
    candidates is a system of difference constraints on the mentors' ``v``:
    ``v_b >= v_a + s_ib - s_ia`` for a row at ``a`` with candidate ``b``, and
    ``v_b >= M + s_ib`` for an unmatched row with candidate ``b``, ``v >= 0``.
    Its least solution is a longest-path problem, solved by label-correcting
    (Bellman-Ford restricted to the nodes that changed), each arc loosened by
    ``tol``. The assignment is optimal (within ``tol`` per pair) exactly when
    that solution exists and also meets the upper bounds: ``v_j = 0`` for a
    mentor with a free place and ``u_i >= 0``. Returns None otherwise.

    Examples
    --------
    >>> import numpy as np
    >>> rows, cols, s = np.array([0, 0, 1]), np.array([0, 1, 0]), np.array([0.9, 0.8, 0.1])
    >>> d = candidate_duals(2, np.array([1, 1]), rows, cols, s, np.array([1, 0]))
    >>> d.v.round(6), d.theta.round(6)
    (array([0.1, 0. ]), array([0.8, 0. ]))
    >>> candidate_duals(2, np.array([1, 1]), rows, cols, s, np.array([0, -1])) is None
    True
    """
    m = capacity.size
    big = float(n + 1)
    matched = assignment >= 0
    load = np.bincount(assignment[matched], minlength=m)
    if (load > capacity).any():
        return None
    own = np.full(n, np.nan)
    at = assignment[rows] == cols
    own[rows[at]] = score[at]
    if np.isnan(own[matched]).any():
        return None  # a row is assigned to a pair that is not a candidate
    v = np.zeros(m)
    free_row = ~matched[rows]
    if free_row.any():
        np.maximum.at(v, cols[free_row], big + score[free_row] - tol)
    arc = ~free_row & ~at
    src = assignment[rows[arc]].astype(np.int64)
    dst = cols[arc]
    wgt = score[arc] - own[rows[arc]] - tol
    order = np.argsort(src, kind="stable")
    src, dst, wgt = src[order], dst[order], wgt[order]
    start = np.searchsorted(src, np.arange(m + 1))
    frontier = np.flatnonzero(np.bincount(src, minlength=m) > 0)
    for _ in range(m + 2):
        lo, hi = start[frontier], start[frontier + 1]
        count = hi - lo
        idx = np.repeat(lo - np.cumsum(count) + count, count) + np.arange(int(count.sum()))
        cand = v[src[idx]] + wgt[idx]
        better = cand > v[dst[idx]]
        if not better.any():
            break
        before = v.copy()
        np.maximum.at(v, dst[idx[better]], cand[better])
        frontier = np.flatnonzero(v > before)
    else:
        return None  # still rising after m + 2 rounds: a positive cycle, not optimal
    full = load >= capacity
    if (v[~full] > tol).any():
        return None  # a mentor with a free place would be wanted: not optimal
    v[~full] = 0.0
    theta = np.full(n, -big)
    theta[matched] = own[matched] - v[assignment[matched]]
    if (theta[matched] < -big - tol).any():
        return None
    return Duals(theta=theta, v=v, big=big)


@dataclass
class SparseSolution:
    """The outcome of :func:`solve_sparse`: an assignment and how it was proved."""

    assignment: NDArray[np.intp]
    duals: Duals
    rounds: int
    pairs_added: int
    n_candidates: int
    backend: str
    timings: dict[str, float] = field(default_factory=dict)


#: ``price(duals) -> (rows, cols, scores)``: eligible pairs that violate the duals.
Pricer = Callable[[Duals], tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64]]]


def solve_sparse(
    n: int,
    capacity: NDArray[np.int64],
    rows: NDArray[np.int64],
    cols: NDArray[np.int64],
    score: NDArray[np.float64],
    price: Pricer,
    *,
    backend: str = "auto",
    max_rounds: int = 1000,
) -> SparseSolution:
    """Exact capacitated assignment from candidate pairs, proved optimal by pricing.

    Solves the problem on the candidate pairs, computes duals that certify
    the solution there (:func:`candidate_duals`), then asks ``price`` for
    every eligible pair *outside* the candidates whose reduced cost is
    positive. Those are added and the problem solved again, until none is
    left: the duals are then feasible for the full problem and the
    assignment optimal for it (LP duality; the constraint matrix is totally
    unimodular, so the LP optimum is integral).

    Parameters
    ----------
    n : int
        Number of mentee rows.
    capacity : ndarray of int, shape (m,)
    rows, cols, score : ndarray
        The starting candidate pairs (eligible pairs only).
    price : callable
        ``price(duals) -> (rows, cols, scores)`` of eligible pairs with
        ``duals.reduced(...) > PRICE_TOL``; it may return pairs already present.
    backend : {"auto", "ortools", "scipy"}
        ``"auto"`` uses OR-Tools when it is installed, scipy otherwise.
    max_rounds : int
        Safety net; each round adds at least one pair, so the loop ends anyway.

    Returns
    -------
    SparseSolution

    Examples
    --------
    >>> import numpy as np
    >>> full = np.array([[0.9, 0.8], [0.1, 0.0]])
    >>> ok = np.array([[True, True], [True, False]])
    >>> def price(d):  # every eligible pair, checked against the duals
    ...     r, c = np.nonzero(ok)
    ...     bad = d.reduced(r, c, full[r, c]) > PRICE_TOL
    ...     return r[bad], c[bad], full[r[bad], c[bad]]
    >>> sol = solve_sparse(2, np.array([1, 1]), np.array([0]), np.array([0]), np.array([0.9]),
    ...                    price, backend="scipy")
    >>> sol.assignment, sol.rounds
    (array([1, 0]), 3)
    """
    if backend == "auto":
        backend = "ortools" if have_ortools() else "scipy"
    m = capacity.size
    rows = np.asarray(rows, dtype=np.int64)
    cols = np.asarray(cols, dtype=np.int64)
    score = np.asarray(score, dtype=np.float64)
    rows, cols, score = _dedupe(rows, cols, score, m)
    n_start = rows.size
    timings = {"solving": 0.0, "pricing": 0.0}
    used = backend
    for rnd in range(1, max_rounds + 1):
        t0 = time.perf_counter()
        assignment = solve_candidates(n, capacity, rows, cols, score, backend=backend)
        duals = candidate_duals(n, capacity, rows, cols, score, assignment)
        if duals is None and backend != "scipy":
            # integer rounding in OR-Tools broke a near-tie: redo this round exactly
            used = f"{backend}+scipy"
            assignment = solve_candidates(n, capacity, rows, cols, score, backend="scipy")
            duals = candidate_duals(n, capacity, rows, cols, score, assignment)
        if duals is None:  # pragma: no cover - the exact solver is optimal on its graph
            raise RuntimeError("no dual certificate for the candidate solution")
        t1 = time.perf_counter()
        new_r, new_c, new_s = price(duals)
        t2 = time.perf_counter()
        timings["solving"] += t1 - t0
        timings["pricing"] += t2 - t1
        new_r = np.asarray(new_r, dtype=np.int64)
        new_c = np.asarray(new_c, dtype=np.int64)
        new_s = np.asarray(new_s, dtype=np.float64)
        before = rows.size
        if new_r.size:
            rows, cols, score = _dedupe(
                np.concatenate([rows, new_r]),
                np.concatenate([cols, new_c]),
                np.concatenate([score, new_s]),
                m,
            )
        if rows.size == before:
            return SparseSolution(
                assignment=assignment,
                duals=duals,
                rounds=rnd,
                pairs_added=rows.size - n_start,
                n_candidates=n_start,
                backend=used,
                timings=timings,
            )
    raise RuntimeError(f"pricing did not converge in {max_rounds} rounds")  # pragma: no cover
