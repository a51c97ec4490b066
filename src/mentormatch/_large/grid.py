"""Scores on an integer grid, and the canonical tie-break of equal scores.

The large-programme core works in integers: a score ``s`` in [0, 1] becomes
``round(s * 2**bits)``, so every sum, difference and dual value the solvers
and the certificate handle is exact (int64, or float64 below 2**53). The
answer is then exactly optimal for the scores rounded to that grid.

Ties decide a great deal on sign-up data (many mentors score the same for a
mentee), so which of the tied pairs a row keeps as candidates must not
depend on the order the caller listed people in. Each pair gets a 32-bit
tie-break rank, a bijection of the mentor's key for a fixed mentee (so no
two of a row's pairs tie), that differs from row to row (so tied mentees do
not all crowd the same tied mentors). Scores and ranks are packed into one
int64 per pair: ``(grid score << 32) | rank``, negative for a pair that
cannot be made.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from mentormatch._errors import MentormatchError

#: Bits of the score grid: scores are exact to 2**-30 (about 1e-9).
GRID_BITS = 30

#: ``min_score`` is compared with this slack, as the dense path compares it.
MIN_SCORE_TOL = 1e-9

#: The packed key of a pair that cannot be made.
NO_PAIR = np.int64(-1)

_MASK32 = np.uint64(0xFFFFFFFF)
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)  # an odd constant: multiplying by it is a bijection


def _mix(x: NDArray[np.uint64]) -> NDArray[np.uint64]:
    """splitmix64's finaliser: a bijection of uint64 that scatters nearby keys."""
    with np.errstate(over="ignore"):
        x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return np.asarray(x ^ (x >> np.uint64(31)), dtype=np.uint64)


def grid_bits(n_rows: int, backend: str) -> int:
    """Bits of the score grid a backend can keep exact for ``n_rows`` rows.

    OR-Tools works in int64 (its cost scaling multiplies costs by the number
    of nodes), so 30 bits always fit. scipy's sparse Jonker-Volgenant works
    in float64, exact while every total stays below 2**53; with the big-M
    weighting that needs a score weight of at most ``2**53 / (n + 1)**2``.

    Examples
    --------
    >>> grid_bits(100_000, "ortools"), grid_bits(2_000, "scipy"), grid_bits(100_000, "scipy")
    (30, 30, 18)
    """
    if backend == "ortools":
        return GRID_BITS
    need = 2 * int(np.ceil(np.log2(n_rows + 2)))
    return int(max(8, min(GRID_BITS, 52 - need)))


def tie_ranks(
    row_key: NDArray[np.int64], col_key: NDArray[np.int64]
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Per-row offsets and per-column scrambles (< 2**32); a pair's rank is ``col ^ row``.

    ``col_key`` must hold distinct values (ids hashed by the caller, or
    positions in id order). Then for a fixed row the rank is a bijection of
    the mentor's key (modulo 2**32, far more than any programme's mentors),
    so a row's pairs never tie on (score, rank).

    Examples
    --------
    >>> import numpy as np
    >>> off, scr = tie_ranks(np.array([1, 2]), np.array([10, 11, 12]))
    >>> ranks = scr[None, :] ^ off[:, None]
    >>> [len(set(r.tolist())) for r in ranks]  # distinct within each row
    [3, 3]
    """
    with np.errstate(over="ignore"):
        cols = _mix(col_key.astype(np.uint64) * _GOLDEN) & _MASK32
        rows = _mix(row_key.astype(np.uint64) ^ _GOLDEN) & _MASK32
    # mixing then masking to 32 bits may collide: make the column scrambles distinct
    if np.unique(cols).size != cols.size:
        cols = np.argsort(np.argsort(cols, kind="stable"), kind="stable").astype(np.uint64)
    return rows.astype(np.int64), cols.astype(np.int64)


def places_among(
    want: NDArray[np.integer], cols: NDArray[np.integer] | None, m: int
) -> NDArray[np.intp]:
    """Where each of the mentor indices ``want`` (of ``m``) stands among ``cols``; -1 if absent.

    ``cols`` None stands for every mentor in order: ``want`` itself.

    Examples
    --------
    >>> import numpy as np
    >>> places_among(np.array([4, 1, 2]), np.array([2, 4]), 5)
    array([ 1, -1,  0])
    """
    if cols is None:
        return np.asarray(want, dtype=np.intp)
    pos_of = np.full(m, -1, dtype=np.intp)
    pos_of[cols] = np.arange(len(cols))
    return np.asarray(pos_of[want], dtype=np.intp)


def pack_block(
    score: NDArray[np.float64],
    rows: NDArray[np.intp],
    *,
    bits: int,
    min_score: float,
    open_cols: NDArray[np.bool_],
    required: NDArray[np.intp] | None,
    row_tie: NDArray[np.int64],
    col_tie: NDArray[np.int64],
    cols: NDArray[np.intp] | None = None,
) -> NDArray[np.int64]:
    """A block of float scores as packed int64 keys (negative where the pair cannot be made).

    A pair cannot be made when its score is not finite (the caller's way to
    forbid it), below ``min_score`` (with :data:`MIN_SCORE_TOL` slack), its
    mentor has no place, or the row requires another mentor. ``score`` is
    overwritten. ``cols``: the block's columns are these mentors only
    (``open_cols``, ``required`` and ``col_tie`` still speak of all mentors).

    Raises
    ------
    MentormatchError
        When a finite score lies outside [0, 1].

    Examples
    --------
    >>> import numpy as np
    >>> row, col = np.zeros(1, dtype=np.int64), np.arange(3, dtype=np.int64)
    >>> key = pack_block(np.array([[0.5, -np.inf, 1.0]]), np.array([0]), bits=4, min_score=0.0,
    ...                  open_cols=np.ones(3, dtype=bool), required=None, row_tie=row, col_tie=col)
    >>> key >> 32
    array([[ 8, -1, 16]])
    """
    ok = score >= 0.0
    high = score > 1.0
    if high.any() or (not ok.all() and np.isfinite(score[~ok]).any()):
        bad = np.flatnonzero((high | (np.isfinite(score) & ~ok)).any(axis=1))[0]
        wrong = score[bad][np.isfinite(score[bad]) & ((score[bad] < 0) | (score[bad] > 1))]
        raise MentormatchError(
            "block scores must lie in [0, 1] (or be -inf where a pair cannot be made); "
            f"row {int(rows[bad])} has {float(wrong[0]):g}",
            field="score",
        )
    if min_score > 0.0:
        ok &= score >= min_score - MIN_SCORE_TOL
    m = open_cols.size
    if cols is not None:
        open_cols, col_tie = open_cols[cols], col_tie[cols]
    if not open_cols.all():
        ok &= open_cols[None, :]
    if required is not None:
        req = required[rows]
        fixed = np.flatnonzero(req >= 0)
        if fixed.size:
            pos = places_among(req[fixed], cols, m)
            here = pos >= 0
            keep = ok[fixed[here], pos[here]]
            ok[fixed] = False
            ok[fixed[here], pos[here]] = keep
    unit = float(1 << bits)
    np.copyto(score, -1.0 / unit, where=~ok)
    score *= unit
    np.rint(score, out=score)
    key = score.astype(np.int64)
    key <<= 32
    key |= col_tie[None, :]
    key ^= row_tie[rows][:, None]
    return key
