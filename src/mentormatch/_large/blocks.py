"""Per-block work of the large-programme core: top-k, bounds, pricing of one block of rows.

Every function here takes one block of packed keys (see :mod:`.grid`) and
returns plain arrays; the core maps them over blocks of rows on threads
(numpy releases the GIL). All of them are pure, so the answer does not
depend on how rows are cut into blocks or in what order blocks finish.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from mentormatch._large.grid import NO_PAIR

#: A bound meaning "no pair left out in this group".
NO_BOUND = np.int64(-(1 << 62))

_Int = NDArray[np.intp]
_I64 = NDArray[np.int64]


def spans(ptr: NDArray[np.int64], nodes: NDArray[np.integer]) -> NDArray[np.int64]:
    """Every position ``ptr[x] <= i < ptr[x + 1]`` for each ``x`` in ``nodes``, in order.

    The entries of rows ``nodes`` of a CSR structure whose row pointer is ``ptr``.

    Examples
    --------
    >>> import numpy as np
    >>> spans(np.array([0, 2, 2, 5]), np.array([2, 0]))
    array([2, 3, 4, 0, 1])
    """
    lo = ptr[nodes]
    count = ptr[nodes + 1] - lo
    return np.asarray(
        np.repeat(lo - np.cumsum(count) + count, count) + np.arange(int(count.sum())),
        dtype=np.int64,
    )


def _top_k_sort(key: _I64, k: int) -> tuple[_Int, _Int]:
    """:func:`top_k` by a partial sort of every row."""
    b, m = key.shape
    if m <= k:
        r, c = np.nonzero(key >= 0)
        order = np.lexsort((-key[r, c], r))
        return r[order].astype(np.intp), c[order].astype(np.intp)
    top = np.argpartition(key, m - k, axis=1)[:, m - k :]
    vals = np.take_along_axis(key, top, axis=1)
    order = np.argsort(-vals, axis=1, kind="stable")
    top = np.take_along_axis(top, order, axis=1)
    vals = np.take_along_axis(vals, order, axis=1)
    ok = vals >= 0
    r = np.broadcast_to(np.arange(b, dtype=np.intp)[:, None], top.shape)[ok]
    return r, top[ok].astype(np.intp)


def top_k(key: _I64, k: int) -> tuple[_Int, _Int]:
    """Block-local ``(rows, cols)`` of each row's ``k`` largest keys that are >= 0, best first.

    Keys of a row are distinct (see :func:`.grid.pack_block`), so the choice
    is canonical: the same whatever the order of the rows or the block's cut.
    A threshold per row is read off a strided sample of its columns, low
    enough that (almost always) more than ``k`` keys reach it; only those are
    sorted. Rows where it keeps too few or too many are partially sorted whole.

    Examples
    --------
    >>> import numpy as np
    >>> top_k(np.array([[5, -1, 7, 6], [-1, -1, 2, -1]]), 2)
    (array([0, 0, 1]), array([2, 3, 2]))
    """
    b, m = key.shape
    if k <= 0 or b == 0 or m == 0:
        empty = np.zeros(0, dtype=np.intp)
        return empty, empty
    if m < 32 * k:
        return _top_k_sort(key, k)
    stride = m // (8 * k)
    sample = key[:, ::stride]
    t = min(sample.shape[1], -(-2 * k // stride) + 2)
    thr = np.partition(sample, sample.shape[1] - t, axis=1)[:, sample.shape[1] - t]
    whole = thr < 0  # the threshold lets every pair of the row in: complete, however few
    np.maximum(thr, 0, out=thr)
    flat = np.flatnonzero(key >= thr[:, None])
    r, c = np.divmod(flat, m)
    count = np.bincount(r, minlength=b)
    bad = ((count < k) & ~whole) | (count > 16 * max(k, t * stride))
    if bad.any():
        ok = ~bad[r]
        r, c = r[ok], c[ok]
    v = key[r, c]
    order = np.lexsort((-v, r))
    r, c = r[order], c[order]
    first = np.searchsorted(r, r, side="left")
    take = (np.arange(r.size) - first) < k
    r, c = r[take].astype(np.intp), c[take].astype(np.intp)
    if bad.any():
        fix = np.flatnonzero(bad)
        r2, c2 = _top_k_sort(key[fix], k)
        r = np.concatenate([r, fix[r2]])
        c = np.concatenate([c, c2])
        order = np.argsort(r, kind="stable")
        r, c = r[order], c[order]
    return r, c


def group_bounds(key: _I64, order: _Int, starts: _Int, v: _I64 | None = None) -> _I64:
    """Per row and mentor group, the best ``s_ij - v_j`` left in ``key`` (:data:`NO_BOUND` if none).

    ``v`` (mentor duals, grid units) defaults to 0: the bound is then the best
    grid score. A bound taken against the duals of one round still bounds the
    pairs in a later one, loosened by how much the duals of the group fell.

    Examples
    --------
    >>> import numpy as np
    >>> key = np.array([[3 << 32, -1, 1 << 32]])
    >>> group_bounds(key, np.array([0, 2, 1]), np.array([0, 2]))
    array([[                   3, -4611686018427387904]])
    """
    if key.shape[1] == 0:
        return np.full((key.shape[0], starts.size), NO_BOUND, dtype=np.int64)
    if v is None:
        best = np.maximum.reduceat(key[:, order], starts, axis=1)
        return np.where(best >= 0, best >> 32, NO_BOUND).astype(np.int64)
    sub = key[:, order]
    ok = sub >= 0
    sub >>= 32
    sub -= v[order][None, :]
    sub[~ok] = NO_BOUND
    return np.asarray(np.maximum.reduceat(sub, starts, axis=1), dtype=np.int64)


@dataclass(frozen=True)
class BlockPicks:
    """What one block of rows hands back: pairs for the graph, a reserve, and bounds.

    ``rows`` are global (canonical) row indices; ``bound`` has one row per
    row of the block, in the block's order.
    """

    rows: _I64
    cols: _I64
    key: _I64
    res_rows: _I64
    res_cols: _I64
    res_key: _I64
    bound: _I64


def split_picks(
    key: _I64,
    rows: _Int,
    k: int,
    depth: NDArray[np.int64] | int,
    order: _Int,
    starts: _Int,
    v: _I64 | None = None,
) -> BlockPicks:
    """Each row's ``k`` best pairs for the graph, the next ``depth`` in reserve, and bounds.

    ``key`` is consumed (the picks are overwritten with -1). ``depth`` is one
    number or one per row of the block; ``v`` as in :func:`group_bounds`.
    """
    deep = int(np.max(depth)) if np.ndim(depth) else int(depth)
    r, c = top_k(key, k + deep)
    first = np.searchsorted(r, r, side="left")
    rank = np.arange(r.size) - first
    limit = (np.asarray(depth)[r] if np.ndim(depth) else deep) + k
    keep = rank < limit
    r, c, rank = r[keep], c[keep], rank[keep]
    vals = key[r, c]
    key[r, c] = NO_PAIR
    best = rank < k
    g = rows[r].astype(np.int64)
    return BlockPicks(
        rows=g[best],
        cols=c[best].astype(np.int64),
        key=vals[best],
        res_rows=g[~best],
        res_cols=c[~best].astype(np.int64),
        res_key=vals[~best],
        bound=group_bounds(key, order, starts, v),
    )


def violators(
    key: _I64,
    theta: _I64,
    v: _I64,
    k: int,
    margin: int,
) -> tuple[_Int, _Int, int]:
    """Block-local pairs that violate the duals (reduced cost > 0), each row's ``k`` worst.

    The reduced cost of pair ``(i, j)`` is ``s_ij - v_j - theta_i`` in grid
    units. In a row with a violator, pairs within ``margin`` of violating
    come too (the next duals move; they would cost a round each). Among
    pairs more than 2**31 below the row's worst, the tie-break rank decides.
    Returns block-local rows and columns, and the largest reduced cost of
    any pair in the block (:data:`NO_BOUND` when there is none).

    Examples
    --------
    >>> import numpy as np
    >>> key = np.array([[5 << 32, 3 << 32, 1 << 32]])
    >>> violators(key, np.array([2]), np.array([0, 0, 0]), 2, 0)
    (array([0, 0]), array([0, 1]), 3)
    """
    ok = key >= 0
    red = key >> 32
    red -= v[None, :]
    red -= theta[:, None]
    red[~ok] = NO_BOUND
    best = red.max(axis=1, initial=NO_BOUND)
    worst_all = int(best.max(initial=NO_BOUND))
    hot = np.flatnonzero(best > 0)
    empty = np.zeros(0, dtype=np.intp)
    if hot.size == 0:
        return empty, empty, worst_all
    sub = red[hot]
    near = sub > -margin
    worst = best[hot]
    gap = np.minimum(worst[:, None] - sub, (1 << 31) - 1)
    pk = (((1 << 31) - 1) - gap) << 32
    pk |= key[hot] & np.int64(0xFFFFFFFF)
    pk[~near] = NO_PAIR
    r, c = top_k(pk, k)
    return hot[r], c, worst_all
