"""Array helpers of the large path: block sizes, a thread map, the k best entries per row.

Pure numpy, used by the pricing (:mod:`mentormatch._solve.pricing`) and by
the blocked scoring and results of the large path.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import numpy as np
from numpy.typing import NDArray

__all__ = ["block_rows", "group_max", "map_blocks", "split_best", "top_k"]

_Int = NDArray[np.intp]
T = TypeVar("T")


def block_rows(n_mentors: int, cells: int = 1 << 18) -> int:
    """Mentee rows per block so that a block holds about ``cells`` pairs (>= 1).

    Examples
    --------
    >>> block_rows(20_000), block_rows(10), block_rows(0)
    (13, 26214, 262144)
    """
    return max(1, cells // max(n_mentors, 1))


def top_k_sort(total: NDArray[np.float64], k: int) -> tuple[_Int, _Int, NDArray[np.float64]]:
    """:func:`top_k` by a partial sort of every row."""
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


def top_k(total: NDArray[np.float64], k: int) -> tuple[_Int, _Int, NDArray[np.float64]]:
    """The ``k`` best finite entries of each row (block-local rows; ties broken arbitrarily).

    A threshold per row is read off a sample of its columns, low enough that
    (almost always) more than ``k`` entries reach it; only the entries that
    do are sorted. Rows where the threshold keeps too few (or, with many
    tied scores, too many) entries are partially sorted whole instead.
    """
    b, m = total.shape
    if m < 32 * k or b == 0:
        return top_k_sort(total, k)
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
        r2, c2, v2 = top_k_sort(total[rows], k)
        r = np.concatenate([r, rows[r2]])
        c = np.concatenate([c, c2])
        v = np.concatenate([v, v2])
    return r, c, v


def split_best(r: _Int, c: _Int, v: NDArray[np.float64], *, k: int) -> NDArray[np.bool_]:
    """Which of the kept pairs are each row's ``k`` best (by score, then column)."""
    order = np.lexsort((c, -v, r))
    first = np.searchsorted(r[order], r[order], side="left")
    rank = np.empty(r.size, dtype=np.intp)
    rank[order] = np.arange(r.size) - first
    return np.asarray(rank < k, dtype=bool)


def map_blocks(
    func: Callable[[_Int], T],
    blocks: list[_Int],
    *,
    workers: int,
    after: Callable[[_Int], None] | None = None,
) -> list[T]:
    """``[func(b) for b in blocks]`` on ``workers`` threads (numpy and scipy release the GIL).

    ``after(block)`` runs in the calling thread as each block's result comes
    in, in order (progress callbacks are never called from a worker thread).
    """
    out: list[T] = []
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


def group_max(total: NDArray[np.float64], order: _Int, starts: _Int) -> NDArray[np.float64]:
    if total.shape[1] == 0:
        return np.full((total.shape[0], starts.size), -np.inf)
    out: NDArray[np.float64] = np.maximum.reduceat(total[:, order], starts, axis=1)
    return out
