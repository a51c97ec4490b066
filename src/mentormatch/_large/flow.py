"""The capacitated assignment on the candidate graph: the most pairs, then the largest score.

Two backends solve the same problem exactly on the integer grid:

- ``"ortools"``: OR-Tools' ``SimpleMinCostFlow.solve_max_flow_with_min_cost``
  (the ``fast`` extra). Maximum flow first, then minimum cost among maximum
  flows: exactly "coverage first, then score", with no big-M.
- ``"scipy"``: scipy's sparse Jonker-Volgenant
  (``min_weight_full_bipartite_matching``) on mentor places as columns plus
  one "unmatched" column per row, with a big-M weighting. Every cost is an
  integer and every total below 2**53 (:func:`.grid.grid_bits` picks the
  grid so), so the float arithmetic is exact.

Arcs come sorted in canonical order, so each backend's answer is a function
of the problem alone.
"""

from __future__ import annotations

import importlib

import numpy as np
from numpy.typing import NDArray

_I64 = NDArray[np.int64]


def have_ortools() -> bool:
    """Whether OR-Tools' min-cost flow can be imported.

    Examples
    --------
    >>> isinstance(have_ortools(), bool)
    True
    """
    try:
        importlib.import_module("ortools.graph.python.min_cost_flow")
    except ImportError:
        return False
    return True


def solve_ortools(n: int, capacity: _I64, rows: _I64, cols: _I64, score: _I64) -> NDArray[np.intp]:
    """Assignment by OR-Tools' max-flow-min-cost on grid scores (``score`` in grid units).

    Examples
    --------
    >>> import numpy as np
    >>> if have_ortools():
    ...     a = solve_ortools(2, np.array([1, 1]), np.array([0, 0, 1]), np.array([0, 1, 0]),
    ...                       np.array([9, 8, 1]))
    ... else:
    ...     a = np.array([1, 0])
    >>> a
    array([1, 0])
    """
    out = np.full(n, -1, dtype=np.intp)
    if rows.size == 0:
        return out
    mcf = importlib.import_module("ortools.graph.python.min_cost_flow")
    m = capacity.size
    src, snk = n + m, n + m + 1
    used_rows = np.unique(rows)
    used_cols = np.unique(cols)
    tails = np.concatenate([np.full(used_rows.size, src), rows, n + used_cols])
    heads = np.concatenate([used_rows, n + cols, np.full(used_cols.size, snk)])
    caps = np.concatenate([np.ones(used_rows.size + rows.size, np.int64), capacity[used_cols]])
    costs = np.concatenate(
        [np.zeros(used_rows.size, np.int64), -score, np.zeros(used_cols.size, np.int64)]
    )
    flow = mcf.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(
        tails.astype(np.int32), heads.astype(np.int32), caps.astype(np.int64), costs
    )
    supply = int(min(used_rows.size, int(capacity[used_cols].sum())))
    flow.set_node_supply(src, supply)
    flow.set_node_supply(snk, -supply)
    status = flow.solve_max_flow_with_min_cost()
    if status != flow.OPTIMAL:  # pragma: no cover - refused only on overflow, ruled out by the grid
        raise RuntimeError(f"OR-Tools min-cost flow failed with status {status}")
    arcs = np.arange(used_rows.size, used_rows.size + rows.size)
    made = np.asarray(flow.flows(arcs)) > 0
    out[rows[made]] = cols[made]
    return out


def solve_scipy(
    n: int, capacity: _I64, rows: _I64, cols: _I64, score: _I64, bits: int
) -> NDArray[np.intp]:
    """Assignment by scipy's sparse Jonker-Volgenant, exact in float64 on the grid.

    A pair costs ``2**bits + 1 - s`` (>= 1: scipy drops zero weights) and a
    row's "unmatched" column costs ``2**bits + 1 + n * 2**bits + 1``: one
    more match is worth more than any total of scores, so the optimum is the
    lexicographic one.

    Examples
    --------
    >>> import numpy as np
    >>> solve_scipy(2, np.array([1, 1]), np.array([0, 0, 1]), np.array([0, 1, 0]),
    ...             np.array([9, 8, 1]), 4)
    array([1, 0])
    """
    import scipy.sparse as sp
    from scipy.sparse.csgraph import min_weight_full_bipartite_matching

    out = np.full(n, -1, dtype=np.intp)
    if rows.size == 0:
        return out
    m = capacity.size
    unit = 1 << bits
    used_rows, row_pos = np.unique(rows, return_inverse=True)
    nr = used_rows.size
    degree = np.bincount(cols, minlength=m)
    slots = np.minimum(capacity, degree)
    first = np.concatenate([[0], np.cumsum(slots)])
    reps = slots[cols]
    keep = reps > 0
    rp, c, s, reps = row_pos[keep], cols[keep], score[keep], reps[keep]
    rr = np.repeat(rp, reps)
    offset = np.arange(rr.size) - np.repeat(np.cumsum(reps) - reps, reps)
    cc = first[np.repeat(c, reps)] + offset
    ww = (unit + 1 - np.repeat(s, reps)).astype(np.float64)
    n_slots = int(first[-1])
    big = float(unit + 1 + nr * unit + 1)
    graph = sp.csr_matrix(
        (
            np.concatenate([ww, np.full(nr, big)]),
            (np.concatenate([rr, np.arange(nr)]), np.concatenate([cc, n_slots + np.arange(nr)])),
        ),
        shape=(nr, n_slots + nr),
    )
    row_ind, col_ind = min_weight_full_bipartite_matching(graph)
    real = col_ind < n_slots
    owner = np.repeat(np.arange(m), slots)
    out[used_rows[row_ind[real]]] = owner[col_ind[real]]
    return out
