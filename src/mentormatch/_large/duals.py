"""Exact dual values (int64) that certify an assignment on the candidate graph.

For the linear programme ``max sum (M + s_ij) x_ij`` subject to
``sum_j x_ij <= 1`` and ``sum_i x_ij <= cap_j`` (``M`` larger than any total
of scores, so coverage comes first), the duals are ``u_i = M + theta_i >= 0``
per row and ``v_j >= 0`` per mentor. A pair ``(i, j)`` is priced out when its
reduced cost ``s_ij - v_j - theta_i`` is at most 0. An assignment is optimal
for the whole problem exactly when duals exist that price out every
eligible pair and meet complementary slackness (LP duality; the constraint
matrix is totally unimodular, so the LP optimum is integral). Everything is
in grid units, so every comparison is exact.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from mentormatch._large.blocks import spans

logger = logging.getLogger(__name__)

_I64 = NDArray[np.int64]


@dataclass(frozen=True)
class Duals:
    """Row duals ``theta`` (``u_i - M``), mentor duals ``v`` and ``M``, all in grid units."""

    theta: _I64
    v: _I64
    big: int

    def reduced(self, rows: _I64, cols: _I64, score: _I64) -> _I64:
        """``s_ij - v_j - theta_i`` of the given pairs; > 0 means the pair violates.

        Examples
        --------
        >>> import numpy as np
        >>> d = Duals(theta=np.array([3]), v=np.array([1, 0]), big=10)
        >>> d.reduced(np.array([0, 0]), np.array([0, 1]), np.array([4, 5]))
        array([0, 2])
        """
        return np.asarray(score - self.v[cols] - self.theta[rows], dtype=np.int64)


def big_m(n: int, bits: int) -> int:
    """``M``: one more pair outweighs any total of ``n`` grid scores.

    Examples
    --------
    >>> big_m(3, 4)
    49
    """
    return n * (1 << bits) + 1


def least_duals(
    n: int,
    capacity: _I64,
    rows: _I64,
    cols: _I64,
    score: _I64,
    assignment: NDArray[np.intp],
    big: int,
    max_passes: int | None = None,
) -> Duals | None:
    """The least mentor duals certifying ``assignment`` on the given pairs, or None.

    Complementary slackness fixes ``theta_i = s_{i,a(i)} - v_{a(i)}`` for a
    matched row and ``theta_i = -M`` for an unmatched one; dual feasibility
    on the pairs becomes difference constraints on ``v``: ``v_b >= v_a +
    s_ib - s_ia`` (row at ``a``, pair with ``b``), ``v_b >= M + s_ib``
    (unmatched row), ``v >= 0``. Their least solution is a longest-path
    problem, solved by vectorised label-correcting from the nodes that
    changed. The assignment is optimal on the pairs exactly when that
    solution exists (no positive cycle), is 0 at every mentor with a free
    place, and leaves ``u_i >= 0``. ``max_passes`` gives up (None) sooner
    than the ``m + 2`` passes that prove a positive cycle.

    Examples
    --------
    >>> import numpy as np
    >>> r, c, s = np.array([0, 0, 1]), np.array([0, 1, 0]), np.array([9, 8, 1])
    >>> d = least_duals(2, np.array([1, 1]), r, c, s, np.array([1, 0]), big_m(2, 4))
    >>> d.v, d.theta
    (array([1, 0]), array([8, 0]))
    >>> least_duals(2, np.array([1, 1]), r, c, s, np.array([0, -1]), big_m(2, 4)) is None
    True
    """
    m = capacity.size
    matched = assignment >= 0
    load = np.bincount(assignment[matched], minlength=m)
    if (load > capacity).any():
        return None
    at = assignment[rows] == cols
    own = np.full(n, np.iinfo(np.int64).min, dtype=np.int64)
    own[rows[at]] = score[at]
    if (own[matched] == np.iinfo(np.int64).min).any():
        return None  # a row sits on a pair that is not in the graph
    v = np.zeros(m, dtype=np.int64)
    free_row = ~matched[rows]
    if free_row.any():
        np.maximum.at(v, cols[free_row], big + score[free_row])
    arc = ~free_row & ~at
    src = assignment[rows[arc]].astype(np.int64)
    dst = cols[arc]
    wgt = score[arc] - own[rows[arc]]
    order = np.argsort(src, kind="stable")
    src, dst, wgt = src[order], dst[order], wgt[order]
    start = np.searchsorted(src, np.arange(m + 1))
    frontier = np.unique(src)  # every label starts valid (0 or an unmatched row's bound)
    passes = m + 2 if max_passes is None else min(m + 2, max_passes)
    for it in range(passes):
        idx = spans(start, frontier)
        if idx.size == 0:
            break
        cand = v[src[idx]] + wgt[idx]
        better = cand > v[dst[idx]]
        if not better.any():
            logger.debug("least duals: %d passes", it + 1)
            break
        before = v.copy()
        np.maximum.at(v, dst[idx[better]], cand[better])
        frontier = np.flatnonzero(v > before)
    else:
        return None  # still rising: a positive cycle, so the assignment is not optimal
    full = load >= capacity
    if (v[~full] > 0).any():
        return None  # a mentor with a free place would be wanted
    theta = np.full(n, -big, dtype=np.int64)
    theta[matched] = own[matched] - v[assignment[matched]]
    if (theta[matched] < -big).any():
        return None
    return Duals(theta=theta, v=v, big=big)
