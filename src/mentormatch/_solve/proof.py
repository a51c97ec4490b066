"""The optimality proof of the large path: duals on the candidates, pricing to a certificate.

:func:`solve_sparse` solves the candidate problem, computes the least duals
that certify its answer there (:func:`candidate_duals`) and asks a pricer for
every eligible pair outside the candidates that violates them; those are
added and the problem solved again until none is left. The duals are then
feasible for the full problem: the assignment is optimal for it (LP duality;
the constraint matrix is totally unimodular, so the LP optimum is integral).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from mentormatch._solve.flow import Graph, have_ortools, solve_candidates

__all__ = ["PRICE_TOL", "Duals", "Pricer", "SparseSolution", "candidate_duals", "solve_sparse"]

#: Reduced costs up to this much are treated as zero (scores live in [0, 1]).
PRICE_TOL = 1e-9


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
    g: Graph, assignment: NDArray[np.intp], *, tol: float = PRICE_TOL
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
    >>> g = Graph.of(2, np.array([1, 1]), rows=[0, 0, 1], cols=[0, 1, 0], score=[0.9, 0.8, 0.1])
    >>> d = candidate_duals(g, np.array([1, 0]))
    >>> d.v.round(6), d.theta.round(6)
    (array([0.1, 0. ]), array([0.8, 0. ]))
    >>> candidate_duals(g, np.array([0, -1])) is None
    True
    """
    n, capacity, rows, cols, score = g.n, g.capacity, g.rows, g.cols, g.score
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


def _solve_round(g: Graph, backend: str) -> tuple[NDArray[np.intp], Duals, str]:
    """Solve the candidate graph and certify the answer on it; the backend that did."""
    assignment = solve_candidates(g, backend=backend)
    duals = candidate_duals(g, assignment)
    used = backend
    if duals is None and backend != "scipy":
        # integer rounding in OR-Tools broke a near-tie: redo this round exactly
        used = f"{backend}+scipy"
        assignment = solve_candidates(g, backend="scipy")
        duals = candidate_duals(g, assignment)
    if duals is None:  # pragma: no cover - the exact solver is optimal on its graph
        raise RuntimeError("no dual certificate for the candidate solution")
    return assignment, duals, used


def solve_sparse(
    start: Graph, price: Pricer, *, backend: str = "auto", max_rounds: int = 1000
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
    start : Graph
        The rows, the capacities and the starting candidate pairs (eligible pairs only).
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
    >>> g = Graph.of(2, np.array([1, 1]), rows=[0], cols=[0], score=[0.9])
    >>> sol = solve_sparse(g, price, backend="scipy")
    >>> sol.assignment, sol.rounds
    (array([1, 0]), 3)
    """
    if backend == "auto":
        backend = "ortools" if have_ortools() else "scipy"
    g = Graph.of(start.n, start.capacity, rows=start.rows, cols=start.cols, score=start.score)
    n_start = g.rows.size
    timings = {"solving": 0.0, "pricing": 0.0}
    used = backend
    for rnd in range(1, max_rounds + 1):
        t0 = time.perf_counter()
        assignment, duals, how = _solve_round(g, backend)
        used = how if how != backend else used
        t1 = time.perf_counter()
        new = price(duals)
        timings["solving"] += t1 - t0
        timings["pricing"] += time.perf_counter() - t1
        before = g.rows.size
        if np.asarray(new[0]).size:
            g = g.plus(*new)
        if g.rows.size == before:
            return SparseSolution(
                assignment=assignment,
                duals=duals,
                rounds=rnd,
                pairs_added=g.rows.size - n_start,
                n_candidates=n_start,
                backend=used,
                timings=timings,
            )
    raise RuntimeError(f"pricing did not converge in {max_rounds} rounds")  # pragma: no cover
