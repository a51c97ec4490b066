"""Solvers of the candidate problem: the assignment restricted to a sparse set of pairs.

Two backends with the objective of :func:`~mentormatch._solve.dense.solve_dense`
(the most pairs, then the largest total score): OR-Tools' min-cost flow on
integer-scaled scores (the optional extra, fast) and scipy's sparse
Jonker-Volgenant (exact in floating point, always there).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

__all__ = ["BACKENDS", "Graph", "have_ortools", "solve_candidates"]

#: Backends of :func:`solve_candidates`, fastest first.
BACKENDS = ("ortools", "scipy")


def have_ortools() -> bool:
    """Whether the optional OR-Tools backend can be imported."""
    try:
        importlib.import_module("ortools.graph.python.min_cost_flow")
    except ImportError:
        return False
    return True


@dataclass(frozen=True, eq=False)
class Graph:
    """A candidate problem: ``n`` rows, the columns' capacities, and candidate pairs with scores.

    Examples
    --------
    >>> import numpy as np
    >>> g = Graph.of(2, np.array([1, 1]), rows=[1, 0, 1], cols=[0, 1, 0], score=[0.5, 0.9, 0.7])
    >>> g.rows, g.cols, g.score  # repeats dropped (the first kept), sorted by row, column
    (array([0, 1]), array([1, 0]), array([0.9, 0.5]))
    """

    n: int
    capacity: NDArray[np.int64]
    rows: NDArray[np.int64]
    cols: NDArray[np.int64]
    score: NDArray[np.float64]

    @classmethod
    def of(
        cls, n: int, capacity: NDArray[np.int64], *, rows: object, cols: object, score: object
    ) -> Graph:
        """The graph of these pairs, repeats dropped (keeping the first), sorted by (row, column)."""
        r = np.asarray(rows, dtype=np.int64)
        c = np.asarray(cols, dtype=np.int64)
        s = np.asarray(score, dtype=np.float64)
        key = r * max(capacity.size, 1) + c
        _, first = np.unique(key, return_index=True)
        return cls(n, capacity, r[first], c[first], s[first])

    def plus(self, rows: object, cols: object, score: object) -> Graph:
        """This graph with more pairs (a pair already present keeps its score)."""
        return Graph.of(
            self.n,
            self.capacity,
            rows=np.concatenate([self.rows, np.asarray(rows, dtype=np.int64)]),
            cols=np.concatenate([self.cols, np.asarray(cols, dtype=np.int64)]),
            score=np.concatenate([self.score, np.asarray(score, dtype=np.float64)]),
        )


def _solve_ortools(g: Graph) -> NDArray[np.intp]:
    """Maximum flow of minimum cost (OR-Tools): the most pairs, then the largest total score.

    Costs must be integers, so scores are scaled by a power of two as large
    as OR-Tools' cost scaling allows without overflow; the float certificate
    that follows catches the (rare) suboptimal tie-break this rounding can cause.
    """
    # imported by name: an optional extra, untyped
    min_cost_flow = importlib.import_module("ortools.graph.python.min_cost_flow")

    n, capacity, rows, cols, score = g.n, g.capacity, g.rows, g.cols, g.score
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


def _solve_scipy(g: Graph) -> NDArray[np.intp]:
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

    n, capacity, rows, cols, score = g.n, g.capacity, g.rows, g.cols, g.score
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


def solve_candidates(g: Graph, *, backend: str = "scipy") -> NDArray[np.intp]:
    """Optimal capacitated assignment restricted to a sparse set of candidate pairs.

    Parameters
    ----------
    g : Graph
        The rows, the capacities, the candidate pairs (no repeats) and their scores.
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
    >>> g = Graph.of(2, np.array([1, 1]), rows=[0, 0, 1], cols=[0, 1, 0], score=[0.9, 0.8, 0.1])
    >>> solve_candidates(g)
    array([1, 0])
    """
    if backend == "ortools":
        return _solve_ortools(g)
    return _solve_scipy(g)
