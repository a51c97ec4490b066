"""The large core's problem and options, and how its blocks are scored and mapped.

:class:`LargeOptions` are the options of :func:`.core.solve_large` (here, so
the first pass and pricing can read them without importing the core);
:class:`Problem` holds the callbacks, capacities and rules in canonical order
(rows and mentors sorted by key); :func:`keys_of_block` scores a block of rows
(against every mentor, or some) into packed keys (:mod:`.grid`);
:func:`map_blocks` maps a function over blocks, on a thread pool when there is
one, reporting progress from the calling thread; :func:`merge_arcs` keeps a
graph canonical.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Protocol, TypeVar

import numpy as np
from numpy.typing import NDArray

from mentormatch._errors import MentormatchError
from mentormatch._large.grid import pack_block

_Int = NDArray[np.intp]
_I64 = NDArray[np.int64]
_T = TypeVar("_T")

#: ``score_block(rows) -> (len(rows), n_mentors)`` float scores in [0, 1], ``-inf``
#: (or NaN) where a pair cannot be made. The core may overwrite the returned array.
ScoreBlock = Callable[[_Int], NDArray[np.float64]]


#: ``score_cells(rows, cols) -> (len(rows), len(cols))``: the same scores, against the
#: mentors ``cols`` only (bit for bit the columns ``cols`` of ``score_block(rows)``).
ScoreCells = Callable[[_Int, _Int], NDArray[np.float64]]


#: ``progress(phase, done, total)``, called from the calling thread as blocks finish.
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class LargeOptions:
    """Options of :func:`solve_large`.

    Attributes
    ----------
    k : int or None
        Candidates per row given to the solver at first; None: see
        :func:`default_k`.
    reserve : int or None
        Pairs per row kept in reserve (priced exactly every round, never
        rescored); None: ``2 * k``.
    add : int
        Violators added per rescored row and round.
    margin : float
        In a row with a violator, pairs within this much score of violating
        join the graph too.
    backend : {"auto", "ortools", "scipy"}
        ``"auto"``: OR-Tools when installed, except scipy in dense mode
        where places are plenty (at least 1.5 a row) and its grid is as
        fine (up to about 2,000 rows); scipy without OR-Tools.
    groups : int
        Mentor groups of the pricing bounds.
    block_cells : int
        Pairs scored per block (memory per thread: 8 bytes per pair, a few times).
    workers : int
        Threads scoring blocks (the callback must be thread-safe when > 1).
    executor : concurrent.futures.Executor or None
        Map blocks over this instead of a private thread pool.
    dense_cells : int
        Up to this many pairs (rows x mentors), every pair's key is kept
        (8 bytes each) and priced exactly each round, never rescored.
    repair : bool
        After a round, move the last optimum to the new graph by successive
        shortest paths from its duals (:mod:`.warm`) instead of solving again
        from scratch, when few rows gained a violating pair.
    warm_paths : int or None
        At most this many such rows (one shortest path each); more, or paths
        slower than the last full solve, and the graph is solved again.
        None: as many as the last full solve's time allows, at the seconds
        per path and arc measured so far (first guess: 2e-8, measured at
        2,000 and 20,000 rows).
    max_rounds : int
        Safety net: each round adds at least one pair, so the loop ends anyway.
    """

    k: int | None = None
    reserve: int | None = None
    add: int = 8
    margin: float = 0.02
    backend: str = "auto"
    groups: int = 32
    block_cells: int = 1 << 18
    workers: int = 1
    executor: Executor | None = None
    dense_cells: int = 1 << 24
    repair: bool = True
    warm_paths: int | None = None
    max_rounds: int = 1000


def total_places(capacity: NDArray[np.integer], n_rows: int) -> int:
    """Places that rows can take: each mentor's capacity, at most ``n_rows`` each.

    How scarce places are (against ``n_rows``) decides the starting
    candidates, the popularity sample and, in dense mode, the backend.

    Examples
    --------
    >>> import numpy as np
    >>> total_places(np.array([5, 1, 0]), 3)
    4
    """
    return int(np.minimum(capacity, n_rows).sum())


@dataclass
class Problem:
    """The problem in canonical order (rows and mentors sorted by key), and its state."""

    score_block: ScoreBlock
    score_cells: ScoreCells | None
    n: int
    m: int
    capacity: _I64
    required: _Int | None
    row_of: _Int  # canonical row -> input row
    col_of: _Int  # canonical column -> input column
    col_sorted: bool
    bits: int
    min_score: float
    row_tie: _I64
    col_tie: _I64
    open_cols: NDArray[np.bool_]


def keys_of_block(p: Problem, rows: _Int, cols: _Int | None = None) -> _I64:
    """Packed keys of canonical rows ``rows`` against every mentor, in canonical column order.

    ``cols`` (canonical mentor indices): against those mentors only, scored by
    ``score_cells`` when the problem has it.
    """
    if cols is not None and p.score_cells is None:
        return keys_of_block(p, rows)[:, cols]
    if cols is None:
        raw = np.asarray(p.score_block(p.row_of[rows]), dtype=np.float64)
        width, name = p.m, "score_block"
    else:
        assert p.score_cells is not None
        raw = np.asarray(p.score_cells(p.row_of[rows], p.col_of[cols]), dtype=np.float64)
        width, name = cols.size, "score_cells"
    if raw.shape != (rows.size, width):
        raise MentormatchError(
            f"the block scorer returned shape {raw.shape}; expected {(rows.size, width)} "
            f"for {rows.size} rows x {width} mentors",
            field=name,
        )
    block = raw if p.col_sorted or cols is not None else raw[:, p.col_of]
    return pack_block(
        block,
        rows,
        bits=p.bits,
        min_score=p.min_score,
        open_cols=p.open_cols,
        required=p.required,
        row_tie=p.row_tie,
        col_tie=p.col_tie,
        cols=cols,
    )


def cut_blocks(rows: _Int, step: int) -> list[_Int]:
    return [rows[lo : lo + step] for lo in range(0, rows.size, step)]


class _Sized(Protocol):
    @property
    def size(self) -> int: ...


_B = TypeVar("_B", bound=_Sized)


def map_blocks(
    pool: Executor | None,
    func: Callable[[_B], _T],
    blocks: Sequence[_B],
    phase: str,
    progress: Progress | None,
    fold: Callable[[_T], _T] | None = None,
) -> list[_T]:
    """``[func(b) for b in blocks]``, on the pool when there is one; progress in this thread.

    Progress counts ``b.size`` (rows) per block.

    ``fold`` sees each result as it arrives, in this thread, and what it
    returns is kept instead (so a reduction over blocks holds one block's
    worth of memory, not every block's).
    """
    out: list[_T] = []
    results = map(func, blocks) if pool is None else pool.map(func, blocks)
    total = sum(b.size for b in blocks)
    done = 0
    for b, res in zip(blocks, results, strict=True):
        out.append(res if fold is None else fold(res))
        done += b.size
        if progress is not None:
            progress(phase, done, total)
    return out


Arcs = tuple[_I64, _I64, _I64]


EMPTY = np.zeros(0, dtype=np.int64)


def merge_arcs(
    graph: tuple[_I64, _I64, _I64], add: tuple[_I64, _I64, _I64], m: int
) -> tuple[_I64, _I64, _I64]:
    """Graph arcs plus new ones, deduplicated and sorted by (row, column): canonical."""
    r = np.concatenate([graph[0], add[0]])
    c = np.concatenate([graph[1], add[1]])
    k = np.concatenate([graph[2], add[2]])
    _, first = np.unique(r * max(m, 1) + c, return_index=True)
    return r[first], c[first], k[first]
