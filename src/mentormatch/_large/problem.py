"""The large core's problem in canonical order, and how its blocks are scored and mapped.

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
from typing import TYPE_CHECKING, Protocol, TypeVar

import numpy as np
from numpy.typing import NDArray

from mentormatch._errors import MentormatchError
from mentormatch._large.grid import pack_block

if TYPE_CHECKING:
    pass

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
