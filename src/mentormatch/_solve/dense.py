"""The dense solver: exact capacitated assignment by Hungarian / Jonker-Volgenant.

The objective of every solver here, in this order: (1) the largest number of
matched rows (each mentor column ``j`` taking at most ``capacity[j]``, only
pairs with ``allowed`` True); (2) among those, the largest total score.

The dense solver makes the objective a single linear one exactly: a matched
pair earns ``M + score`` with ``M = n_rows + 1``. One more match gains ``M``,
while all the scores of an assignment add up to at most ``n_rows < M``, so no
loss of score can pay for a lost match and every optimum of the weighted
problem is an optimum of the lexicographic one (and vice versa).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

__all__ = ["assignment_value", "slot_counts", "solve_dense", "solve_in_id_order"]


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
    from scipy.optimize import linear_sum_assignment

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


def id_order(ids: Sequence[str]) -> NDArray[np.intp] | None:
    """The permutation that sorts ``ids`` (Python's order of strings), or None when they are.

    Examples
    --------
    >>> id_order(["b", "a", "c"]), id_order(["a", "b"])
    (array([1, 0, 2]), None)
    """
    if all(a < b for a, b in itertools.pairwise(ids)):
        return None
    return np.asarray(sorted(range(len(ids)), key=ids.__getitem__), dtype=np.intp)


def solve_in_id_order(
    total: NDArray[np.float64],
    eligible: NDArray[np.bool_],
    capacity: NDArray[np.int64],
    *,
    tee_ids: Sequence[str],
    tor_ids: Sequence[str],
    rows: NDArray[np.intp] | None = None,
) -> NDArray[np.intp]:
    """:func:`solve_dense` on ``rows`` (all by default), with rows and columns sorted by id.

    Sorting by id before solving makes the choice among tied optima
    independent of the order in which the people were given. Returns the
    column of each of ``rows``, in the order of ``rows``, or -1.

    Examples
    --------
    >>> import numpy as np
    >>> total = np.array([[0.5, 0.5]])
    >>> ok = np.ones((1, 2), dtype=bool)
    >>> cap = np.array([1, 1])
    >>> solve_in_id_order(total, ok, cap, tee_ids=["e1"], tor_ids=["m2", "m1"])  # the tie to m1
    array([1])
    """
    n = total.shape[0]
    every = rows is None
    rows = np.arange(n, dtype=np.intp) if rows is None else np.asarray(rows, dtype=np.intp)
    if rows.size == 0 or capacity.size == 0:
        return np.full(rows.size, -1, dtype=np.intp)
    r_perm = id_order([tee_ids[i] for i in rows])
    c_perm = id_order(tor_ids)
    if every and r_perm is None and c_perm is None:
        return solve_dense(total, eligible, capacity)
    r_order = rows if r_perm is None else rows[r_perm]
    c_order = np.arange(capacity.size, dtype=np.intp) if c_perm is None else c_perm
    grid = np.ix_(r_order, c_order)
    sub = solve_dense(total[grid], eligible[grid], capacity[c_order])
    by_row = np.full(n, -1, dtype=np.intp)
    made = sub >= 0
    by_row[r_order[made]] = c_order[sub[made]]
    return by_row[rows]
