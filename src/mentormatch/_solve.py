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

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import linear_sum_assignment

__all__ = ["solve_dense"]


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
