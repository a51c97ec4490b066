"""The large-programme solver core: candidates, an exact solve, and a proof by pricing.

:func:`solve_large` takes a block-scoring callback (rows -> scores against
every mentor), the capacities, the rules in encoded form and options, and
returns an assignment with its exact duals and a certificate. It knows
nothing of participants or criteria.

1. **Candidates.** Every block of rows is scored once (on threads). Each
   row keeps its ``k`` best pairs for the graph and the next ``reserve`` in a
   reserve; of the rest it keeps only a bound per mentor group: the best
   grid score it left out there. Ties are broken canonically (see
   :mod:`.grid`), so the graph is a function of the problem, not of the
   order of the input.
2. **Solve** the graph exactly (:mod:`.flow`) and compute the least duals
   certifying it there (:mod:`.duals`), in int64.
3. **Price** every pair left out: reserve pairs exactly; a row whose every
   group bound is at most its dual plus the group's smallest mentor dual is
   proved without scoring it; the other rows are rescored (given
   ``score_cells``, against the mentors of their failing groups only), and
   their violators join the graph. Back to 2 until a round finds none: then the
   duals price out every eligible pair and the answer is optimal.
"""

# Over 600 lines: the rounds of one algorithm (candidates, solve, duals, pricing, repair)
# share its state and invariants; phase 2 of issue 13 splits it when it goes behind Matcher.

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Protocol, TypeVar

import numpy as np
from numpy.typing import NDArray

from mentormatch._errors import MentormatchError
from mentormatch._large.blocks import (
    NO_BOUND,
    BlockPicks,
    group_bounds,
    split_picks,
    top_k,
    violators,
)
from mentormatch._large.duals import Duals, big_m, least_duals
from mentormatch._large.flow import have_ortools, solve_ortools, solve_scipy
from mentormatch._large.grid import NO_PAIR, grid_bits, pack_block, tie_ranks
from mentormatch._large.warm import warm_start

logger = logging.getLogger(__name__)

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

BACKENDS = ("auto", "ortools", "scipy")


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


@dataclass(frozen=True)
class Certificate:
    """How the answer was proved optimal: the last pricing round found no violator.

    ``max_reduced`` is the largest reduced cost (grid units) of any priced
    pair in that round, <= 0; rows in ``proved_by_bound`` were proved without
    rescoring, ``rescored`` were scored again to be priced exactly.
    """

    rounds: int
    max_reduced: int
    proved_by_bound: int
    rescored: int


@dataclass(frozen=True)
class LargeSolution:
    """The outcome of :func:`solve_large`.

    Attributes
    ----------
    assignment : ndarray of int, shape (n_rows,)
        Each row's mentor column, or -1.
    theta, v : ndarray of int64
        Row duals (``u_i - M``) and mentor duals, in grid units, in input order.
    bits : int
        The score grid: scores were rounded to multiples of ``2**-bits``.
    backend : str
    certificate : Certificate
    stats : dict
        Candidates, pairs added, rows rescored, timings per phase (seconds).
    """

    assignment: NDArray[np.intp]
    theta: _I64
    v: _I64
    bits: int
    backend: str
    certificate: Certificate
    stats: dict[str, float] = field(default_factory=dict)


def default_k(n_rows: int, capacity: _I64) -> int:
    """Starting candidates per row: 8 in a loose market, 16 or more where places are scarce.

    In a tight market (fewer than two places per row) a top-8 graph leaves
    rows unmatched and costs pricing rounds (measured in
    ``benchmarks/families.md``); with a shortage, more again.

    Examples
    --------
    >>> import numpy as np
    >>> default_k(100, np.full(40, 5)), default_k(100, np.full(20, 5)), default_k(100, np.full(5, 5))
    (8, 16, 32)
    """
    places = max(int(np.minimum(capacity, n_rows).sum()), 1)
    if places >= 2 * n_rows:
        return 8
    return int(min(32, 16 * -(-n_rows // places)))


@dataclass
class _Problem:
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


def _canonical_keys(
    row_key: _I64 | None, col_key: _I64 | None, n: int, m: int
) -> tuple[_I64, _I64]:
    rk = np.arange(n, dtype=np.int64) if row_key is None else np.asarray(row_key, dtype=np.int64)
    ck = np.arange(m, dtype=np.int64) if col_key is None else np.asarray(col_key, dtype=np.int64)
    for name, key, size in (("row_key", rk, n), ("col_key", ck, m)):
        if key.shape != (size,) or np.unique(key).size != size:
            raise MentormatchError(
                f"{name} must hold {size} distinct integers (one per {'row' if name == 'row_key' else 'mentor'})",
                field=name,
            )
    return rk, ck


def _keys_of_block(p: _Problem, rows: _Int, cols: _Int | None = None) -> _I64:
    """Packed keys of canonical rows ``rows`` against every mentor, in canonical column order.

    ``cols`` (canonical mentor indices): against those mentors only, scored by
    ``score_cells`` when the problem has it.
    """
    if cols is not None and p.score_cells is None:
        return _keys_of_block(p, rows)[:, cols]
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


@contextmanager
def _pool(options: LargeOptions) -> Iterator[Executor | None]:
    if options.executor is not None:
        yield options.executor
    elif options.workers > 1:
        with ThreadPoolExecutor(max_workers=options.workers) as pool:
            yield pool
    else:
        yield None


def _blocks(rows: _Int, step: int) -> list[_Int]:
    return [rows[lo : lo + step] for lo in range(0, rows.size, step)]


class _Sized(Protocol):
    @property
    def size(self) -> int: ...


_B = TypeVar("_B", bound=_Sized)


def _map(
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


class _CoverBest:
    """Each free mentor's ``add`` best rows over all blocks so far (a coverage round).

    Folding a block keeps ``(free, add)`` arrays: memory does not grow with
    the number of blocks (a block of a wide programme holds a dozen rows, and
    each of thousands of free mentors picks from every block).
    """

    def __init__(self, n_free: int, add: int) -> None:
        self.add = add
        self.key = np.full((n_free, add), NO_PAIR, dtype=np.int64)
        self.row = np.full((n_free, add), -1, dtype=np.int64)

    def fold(
        self, part: tuple[_I64, _I64, _I64, _I64, _I64, _I64]
    ) -> tuple[_I64, _I64, _I64, _I64, _I64, _I64]:
        r2, c2, k2 = part[3], part[4], part[5]
        if k2.size and self.add:
            order = np.lexsort((-k2, c2))
            r2, c2, k2 = r2[order], c2[order], k2[order]
            slot = np.arange(c2.size) - np.searchsorted(c2, c2, side="left")
            first = slot < self.add  # a block's own best, at most ``add`` a mentor
            r2, c2, k2, slot = r2[first], c2[first], k2[first], slot[first]
            key = np.full_like(self.key, NO_PAIR)
            row = np.full_like(self.row, -1)
            key[c2, slot], row[c2, slot] = k2, r2
            both_k = np.concatenate([self.key, key], axis=1)
            both_r = np.concatenate([self.row, row], axis=1)
            top = np.argsort(-both_k, axis=1, kind="stable")[:, : self.add]
            self.key = np.take_along_axis(both_k, top, axis=1)
            self.row = np.take_along_axis(both_r, top, axis=1)
        return part[0], part[1], part[2], _EMPTY, _EMPTY, _EMPTY

    def pairs(self, free: _Int) -> tuple[_I64, _I64, _I64]:
        """``(rows, mentors, keys)`` of every kept pair, mentors as indices into ``free``'s values."""
        ok = self.key >= 0
        c = np.broadcast_to(free.astype(np.int64)[:, None], self.key.shape)[ok]
        return self.row[ok], c, self.key[ok]


def _popularity_groups(
    p: _Problem, pool: Executor | None, k: int, n_groups: int, step: int
) -> tuple[_Int, _Int]:
    """Mentors by popularity (how often in a sample of rows' top ``k``), cut into groups.

    Popular mentors get high duals; grouping mentors of like popularity makes
    ``bound - min(v in group)`` tight. Where places are scarce (fewer than two
    a row) the sample picks about 16 pairs per mentor: at 100,000 x 20,000 a
    sample of 1,024 rows (2.5 picks a mentor) left each row's bounds failing
    in 22 of 32 groups at the first pricing, 6,666 rows (16 a mentor) in 13.
    Where they are plenty the first duals prove nearly every row whatever
    the groups: 1,024 rows (a larger sample cost 4 s of the 40 s of 100,000
    x 20,000 loose, for nothing).
    """
    n_groups = max(1, min(n_groups, p.m))
    scarce = int(np.minimum(p.capacity, p.n).sum()) < 2 * p.n
    size = min(p.n, max(1024, -(-16 * p.m // max(k, 1))) if scarce else 1024)
    sample = np.unique(np.linspace(0, max(p.n - 1, 0), num=size).astype(np.intp))
    counts = _map(pool, partial(_picked, p, k), _blocks(sample, step), "scoring", None)
    pop = np.sum(counts, axis=0) if counts else np.zeros(p.m, dtype=np.int64)
    order = np.lexsort((np.arange(p.m), -pop)).astype(np.intp)
    starts = (np.arange(n_groups) * p.m // n_groups).astype(np.intp)
    return order, starts


def _picked(p: _Problem, k: int, rows: _Int) -> _I64:
    """How often each mentor is among the ``k`` best of ``rows``."""
    _, c = top_k(_keys_of_block(p, rows), k)
    return np.bincount(c, minlength=p.m).astype(np.int64)


def _first_pass_block(
    p: _Problem, k: int, depth: int, order: _Int, starts: _Int, rows: _Int
) -> BlockPicks:
    return split_picks(_keys_of_block(p, rows), rows, k, depth, order, starts)


def _dense_block(p: _Problem, k: int, rows: _Int) -> tuple[_I64, _Int, _Int]:
    """Dense mode: a block's keys (kept whole) and its rows' ``k`` best pairs."""
    key = _keys_of_block(p, rows)
    r, c = top_k(key, k)
    return key, r, c


@dataclass(frozen=True)
class _Priced:
    add_rows: _I64
    add_cols: _I64
    add_key: _I64
    picks: BlockPicks
    static: _I64
    max_reduced: int


def _graph_pairs(graph_ptr: _I64, graph_cols: _I64, rows: _Int) -> tuple[_Int, _I64]:
    """Every graph pair of ``rows`` (a CSR graph): its block-local row and its column."""
    lo, hi = graph_ptr[rows], graph_ptr[rows + 1]
    count = hi - lo
    idx = np.repeat(lo - np.cumsum(count) + count, count) + np.arange(int(count.sum()))
    return np.repeat(np.arange(rows.size), count), graph_cols[idx]


def _price_block(
    p: _Problem,
    graph_ptr: _I64,
    graph_cols: _I64,
    duals: Duals,
    add: int,
    margin: int,
    depth: _I64,
    order: _Int,
    starts: _Int,
    rows: _Int,
) -> _Priced:
    """Rescore ``rows``: their violators (for the graph), a new reserve and new bounds."""
    key = _keys_of_block(p, rows)
    gr, gc = _graph_pairs(graph_ptr, graph_cols, rows)
    key[gr, gc] = -1  # in the graph: priced
    r, c, red_max = violators(key, duals.theta[rows], duals.v, add, margin)
    add_key = key[r, c]
    key[r, c] = -1
    picks = split_picks(key, rows, 0, depth[rows], order, starts, duals.v)
    static = group_bounds(key, order, starts)
    return _Priced(
        rows[r].astype(np.int64), c.astype(np.int64), add_key, picks, static, int(red_max)
    )


#: A rescored (row, group) keeps ``depth // _GROUP_DEPTH`` pairs (at least 2) in reserve: at
#: 20,000 x 4,000 today tight, 32 gave a reserve of 0.79 million pairs against 1.33 million
#: with 8, for 1% more rows rescored and the same rounds (the reserve is priced every round).
_GROUP_DEPTH = 32


@dataclass(frozen=True)
class _Cells:
    """A block of rows rescored against one mentor group only."""

    group: int
    rows: _Int

    @property
    def size(self) -> int:
        return int(self.rows.size)


def _price_cells(
    p: _Problem,
    graph_ptr: _I64,
    graph_cols: _I64,
    duals: Duals,
    add: int,
    margin: int,
    depth: _I64,
    groups: _Groups,
    task: _Cells,
) -> _Priced:
    """Rescore ``task.rows`` against the mentors of ``task.group`` only.

    As :func:`_price_block` within one group: its violators, its share of
    the reserve (``depth // _GROUP_DEPTH`` pairs a row, at least 2) and its
    two bounds.
    """
    rows, g = task.rows, task.group
    cols = groups.order[groups.starts[g] : groups.ends[g]]
    key = _keys_of_block(p, rows, cols)
    gr, gc = _graph_pairs(graph_ptr, graph_cols, rows)
    inside = groups.group_of[gc] == g
    key[gr[inside], groups.pos[gc[inside]]] = -1  # in the graph: priced
    v = duals.v[cols]
    r, c, red_max = violators(key, duals.theta[rows], v, add, margin)
    add_key = key[r, c]
    key[r, c] = -1
    one = np.zeros(1, dtype=np.intp)
    local = np.arange(cols.size, dtype=np.intp)
    picks = split_picks(key, rows, 0, np.maximum(depth[rows] // _GROUP_DEPTH, 2), local, one, v)
    picks = replace(picks, res_cols=cols[picks.res_cols].astype(np.int64))
    static = group_bounds(key, local, one)
    return _Priced(
        rows[r].astype(np.int64), cols[c].astype(np.int64), add_key, picks, static, int(red_max)
    )


@dataclass(frozen=True)
class _Groups:
    """The mentor groups of the bounds: canonical columns ``order[starts[g]:ends[g]]``."""

    order: _Int
    starts: _Int
    ends: _Int
    group_of: _Int  # column -> its group
    pos: _Int  # column -> its place within the group

    @classmethod
    def of(cls, order: _Int, starts: _Int) -> _Groups:
        ends = np.append(starts[1:], order.size).astype(np.intp)
        group_of = np.empty(order.size, dtype=np.intp)
        pos = np.empty(order.size, dtype=np.intp)
        for g, (a, b) in enumerate(zip(starts.tolist(), ends.tolist(), strict=True)):
            group_of[order[a:b]] = g
            pos[order[a:b]] = np.arange(b - a)
        return cls(order, starts, ends, group_of, pos)


_Arcs = tuple[_I64, _I64, _I64]
_EMPTY = np.zeros(0, dtype=np.int64)


@dataclass
class _SparseState:
    """What the sparse pricing keeps between rounds (see :func:`_unproved`)."""

    reserve: _Arcs
    static: _I64
    bound: _I64
    ref: _Int
    history: list[_I64]
    depth: _I64
    order: _Int
    starts: _Int
    depth0: int
    groups: _Groups
    rescored: int = 0
    cells_rescored: int = 0


@dataclass
class _DenseState:
    """Dense mode: every pair's key, those in the graph set to -1."""

    key: _I64
    rescored: int = 0
    cells_rescored: int = 0


def _first_pass_sparse(
    p: _Problem, pool: Executor | None, k: int, opts: LargeOptions, progress: Progress | None
) -> tuple[_Arcs, _SparseState]:
    depth0 = opts.reserve if opts.reserve is not None else 2 * k
    step = max(1, opts.block_cells // max(p.m, 1))
    order, starts = _popularity_groups(p, pool, k + depth0, opts.groups, step)
    picks = _map(
        pool,
        partial(_first_pass_block, p, k, depth0, order, starts),
        _blocks(np.arange(p.n, dtype=np.intp), step),
        "scoring",
        progress,
    )
    cat = np.concatenate
    graph = (
        cat([_EMPTY, *(b.rows for b in picks)]),
        cat([_EMPTY, *(b.cols for b in picks)]),
        cat([_EMPTY, *(b.key for b in picks)]),
    )
    reserve = (
        cat([_EMPTY, *(b.res_rows for b in picks)]),
        cat([_EMPTY, *(b.res_cols for b in picks)]),
        cat([_EMPTY, *(b.res_key for b in picks)]),
    )
    bound = (
        cat([b.bound for b in picks])
        if picks
        else np.full((0, starts.size), NO_BOUND, dtype=np.int64)
    )
    state = _SparseState(
        reserve=reserve,
        static=bound.copy(),
        bound=bound,
        ref=np.zeros(p.n, dtype=np.intp),
        history=[np.zeros(p.m, dtype=np.int64)],
        depth=np.full(p.n, depth0, dtype=np.int64),
        order=order,
        starts=starts,
        depth0=depth0,
        groups=_Groups.of(order, starts),
    )
    return _merge(graph, (_EMPTY, _EMPTY, _EMPTY), p.m), state


def _first_pass_dense(
    p: _Problem, pool: Executor | None, k: int, opts: LargeOptions, progress: Progress | None
) -> tuple[_Arcs, _DenseState]:
    step = max(1, opts.block_cells // max(p.m, 1))
    blocks = _blocks(np.arange(p.n, dtype=np.intp), step)
    results = _map(pool, partial(_dense_block, p, k), blocks, "scoring", progress)
    key = np.concatenate([r[0] for r in results]) if results else np.zeros((0, p.m), dtype=np.int64)
    rows = np.concatenate([_EMPTY, *(b[r[1]] for b, r in zip(blocks, results, strict=True))])
    cols = np.concatenate([_EMPTY, *(r[2] for r in results)]).astype(np.int64)
    rows = rows.astype(np.int64)
    graph = (rows, cols, key[rows, cols])
    key[rows, cols] = -1
    return _merge(graph, (_EMPTY, _EMPTY, _EMPTY), p.m), _DenseState(key=key)


def _coverage_block(
    p: _Problem, free: _Int, lonely: NDArray[np.bool_], add: int, rows: _Int
) -> tuple[_I64, _I64, _I64, _I64, _I64, _I64]:
    """Coverage pairs of a block: unmatched rows' best free mentors, and each free mentor's best rows.

    Block-local choices; the per-mentor ones (their mentors as positions in
    ``free``) are reduced over blocks by :class:`_CoverBest`.
    """
    key = _keys_of_block(p, rows, free)
    mine = np.flatnonzero(lonely[rows])
    r, c = top_k(key[mine], add)
    r = mine[r]
    c2, r2 = top_k(np.ascontiguousarray(key.T), add)
    return (
        rows[r].astype(np.int64),
        free[c].astype(np.int64),
        key[r, c],
        rows[r2].astype(np.int64),
        c2.astype(np.int64),
        key[r2, c2],
    )


def _price_coverage(
    p: _Problem,
    assign: NDArray[np.intp],
    duals: Duals,
    pool: Executor | None,
    opts: LargeOptions,
    progress: Progress | None,
) -> _Arcs | None:
    """While rows are unmatched and mentors have free places: pairs that can add a match.

    The duals of such a round are on the scale of ``M`` (coverage first) and
    nearly every row fails its bound, so full pricing would rescore nearly
    everything. Instead the rows caught in the shortage (unmatched, or
    sitting with a mentor an unmatched row wants: ``theta < -M/2``; the
    smallest ``theta`` first, as many as the unmatched rows plus ``add`` per
    free mentor) are rescored against the mentors with a free place only: each unmatched row
    gets its best ``add`` of them, and each of them its best ``add`` rows.
    A round that adds pairs need not price everything (only the last round,
    which adds none, is the proof); None when there is nothing to add this way.
    """
    load = np.bincount(assign[assign >= 0], minlength=p.m)
    free = np.flatnonzero(p.open_cols & (load < p.capacity)).astype(np.intp)
    lonely = assign < 0
    n_lonely = int(lonely.sum())
    want = n_lonely + opts.add * int(free.size)
    if n_lonely == 0 or free.size == 0 or want > max(p.n // 2, 1):
        return None
    # the rows most caught in the shortage: the smallest theta (unmatched rows first)
    caught = np.argsort(duals.theta, kind="stable")[:want]
    caught = np.sort(caught[duals.theta[caught] < -(duals.big // 2)]).astype(np.intp)
    # blocks as wide as what is scored: the free mentors only, where columns can be scored
    # (and few blocks to fold: each fold sorts every free mentor's picks)
    width = free.size if p.score_cells is not None else p.m
    step = max(1, opts.block_cells // max(width, 1))
    best = _CoverBest(free.size, opts.add)
    parts = _map(
        pool,
        partial(_coverage_block, p, free, lonely, opts.add),
        _blocks(caught, step),
        "pricing",
        progress,
        fold=best.fold,
    )
    cat = np.concatenate
    r2, c2, k2 = best.pairs(free)
    rows = cat([_EMPTY, *(q[0] for q in parts), r2])
    if rows.size == 0:
        return None
    cols = cat([_EMPTY, *(q[1] for q in parts), c2])
    keys = cat([_EMPTY, *(q[2] for q in parts), k2])
    return rows, cols, keys


def _price_dense(
    state: _DenseState, duals: Duals, opts: LargeOptions, margin: int
) -> tuple[_Arcs, int, int]:
    """Price every pair outside the graph exactly, from the kept keys."""
    r, c, red_max = violators(state.key, duals.theta, duals.v, opts.add, margin)
    rows, cols = r.astype(np.int64), c.astype(np.int64)
    new = (rows, cols, state.key[rows, cols])
    state.key[rows, cols] = -1
    state.rescored += int(np.unique(rows).size)
    return new, int(red_max), 0


def _price_sparse(
    state: _SparseState,
    p: _Problem,
    graph: _Arcs,
    duals: Duals,
    pool: Executor | None,
    opts: LargeOptions,
    margin: int,
    progress: Progress | None,
) -> tuple[_Arcs, int, int]:
    """Price every pair outside the graph: reserve exactly, the rest by bounds or rescoring.

    Returns the pairs to add, the largest reduced cost seen and the number of
    rows rescored.
    """
    n = p.n
    cat = np.concatenate
    need, fail, rise = _unproved(
        state.static,
        state.bound,
        state.ref,
        state.history,
        duals,
        p.open_cols,
        state.order,
        state.starts,
    )
    # rescored against the failing groups' mentors only, where the problem can score columns
    by_group = p.score_cells is not None and state.starts.size > 1
    res = state.reserve
    if by_group:  # a rescored (row, group) gets a new reserve there
        hit = np.zeros((n, state.starts.size), dtype=bool)
        hit[need] = fail
        keep = ~hit[res[0], state.groups.group_of[res[1]]]
    else:  # a rescored row gets a new reserve
        rescoring = np.zeros(n, dtype=bool)
        rescoring[need] = True
        keep = ~rescoring[res[0]]
    add_r, add_c, add_k = [_EMPTY], [_EMPTY], [_EMPTY]
    max_red = int(NO_BOUND)
    rr, rc, rk = res[0][keep], res[1][keep], res[2][keep]
    if rr.size:
        red = duals.reduced(rr, rc, rk >> 32)
        max_red = max(max_red, int(red.max()))
        hot = np.zeros(n, dtype=bool)
        hot[rr[red > 0]] = True
        move = hot[rr] & (red > -margin)
        add_r.append(rr[move])
        add_c.append(rc[move])
        add_k.append(rk[move])
        rr, rc, rk = rr[~move], rc[~move], rk[~move]
    if need.size:
        state.depth[need] = np.minimum(2 * state.depth[need], 8 * state.depth0)
        ptr = np.searchsorted(graph[0], np.arange(n + 1)).astype(np.int64)
        if by_group:
            priced = _rescore_groups(
                state, p, need, fail, rise, (ptr, graph[1]), duals, pool, opts, margin, progress
            )
        else:
            priced = _rescore_rows(
                state, p, need, (ptr, graph[1]), duals, pool, opts, margin, progress
            )
        for q in priced:
            add_r.append(q.add_rows)
            add_c.append(q.add_cols)
            add_k.append(q.add_key)
            max_red = max(max_red, q.max_reduced)
        state.ref[need] = len(state.history)
        state.history.append(duals.v)
        rr = cat([rr, *(q.picks.res_rows for q in priced)])
        rc = cat([rc, *(q.picks.res_cols for q in priced)])
        rk = cat([rk, *(q.picks.res_key for q in priced)])
        state.rescored += int(need.size)
    state.reserve = (rr, rc, rk)
    return (cat(add_r), cat(add_c), cat(add_k)), max_red, int(need.size)


def _rescore_rows(
    state: _SparseState,
    p: _Problem,
    need: _Int,
    graph: tuple[_I64, _I64],
    duals: Duals,
    pool: Executor | None,
    opts: LargeOptions,
    margin: int,
    progress: Progress | None,
) -> list[_Priced]:
    """Rescore the rows ``need`` against every mentor; their new bounds into ``state``."""
    step = max(1, opts.block_cells // max(p.m, 1))
    work = partial(
        _price_block, p, *graph, duals, opts.add, margin, state.depth, state.order, state.starts
    )
    priced = _map(pool, work, _blocks(need, step), "pricing", progress)
    state.bound[need] = np.concatenate([q.picks.bound for q in priced])
    state.static[need] = np.concatenate([q.static for q in priced])
    state.cells_rescored += int(need.size) * p.m
    return priced


def _rescore_groups(
    state: _SparseState,
    p: _Problem,
    need: _Int,
    fail: NDArray[np.bool_],
    rise: _I64,
    graph: tuple[_I64, _I64],
    duals: Duals,
    pool: Executor | None,
    opts: LargeOptions,
    margin: int,
    progress: Progress | None,
) -> list[_Priced]:
    """Rescore each row of ``need`` against the mentors of its failing groups only.

    A row's other groups keep their bounds, moved to this round's duals (a
    bound against older duals, plus how far the group's duals fell since, is
    one against these): the row can then take this round's duals as its
    reference for every group. Of the violators found, each row adds its
    ``add`` worst over all its groups to the graph (as a whole-row rescoring
    does) and the others to the reserve; both in the first element.
    """
    groups = state.groups
    old = state.bound[need]
    moved = old + rise[state.ref[need]]
    state.bound[need] = np.where(old > NO_BOUND // 2, moved, NO_BOUND)
    tasks: list[_Cells] = []
    for g in range(state.starts.size):
        width = int(groups.ends[g] - groups.starts[g])
        step = max(1, opts.block_cells // max(width, 1))
        rows_g = need[fail[:, g]]
        tasks += [_Cells(g, b) for b in _blocks(rows_g, step)]
        state.cells_rescored += int(rows_g.size) * width
    work = partial(_price_cells, p, *graph, duals, opts.add, margin, state.depth, groups)
    priced = _map(pool, work, tasks, "pricing", progress)
    for t, q in zip(tasks, priced, strict=True):
        state.bound[t.rows, t.group] = q.picks.bound[:, 0]
        state.static[t.rows, t.group] = q.static[:, 0]
    if not priced:
        return priced
    # each row's ``add`` worst violators over all its groups, as a whole-row rescoring adds
    cat = np.concatenate
    r, c, k = (cat([getattr(q, f) for q in priced]) for f in ("add_rows", "add_cols", "add_key"))
    red = duals.reduced(r, c, k >> 32)
    order = np.lexsort((-(k & np.int64(0xFFFFFFFF)), -red, r))
    r, c, k = r[order], c[order], k[order]
    first = np.arange(r.size) - np.searchsorted(r, r, side="left") < opts.add
    # the others are left out of the bounds just computed: they join the reserve (priced
    # exactly every round), or the proof would miss them
    rest = BlockPicks(
        *(_EMPTY,) * 3, r[~first], c[~first], k[~first], bound=np.zeros((0, 1), dtype=np.int64)
    )
    red_max = max(q.max_reduced for q in priced)
    chosen = _Priced(r[first], c[first], k[first], rest, _EMPTY, red_max)
    return [chosen, *(replace(q, add_rows=_EMPTY, add_cols=_EMPTY, add_key=_EMPTY) for q in priced)]


def _unproved(
    static: _I64,
    bound: _I64,
    ref: _Int,
    history: list[_I64],
    duals: Duals,
    open_cols: NDArray[np.bool_],
    order: _Int,
    starts: _Int,
) -> tuple[_Int, NDArray[np.bool_], _I64]:
    """Rows whose bounds cannot rule out a violator: they must be rescored.

    Two bounds hold for row ``i``'s pairs in group ``g`` left out of the graph
    and the reserve: ``static[i, g]``, their best score, and ``bound[i, g]``,
    their best ``s_ij - v_j`` against the duals ``history[ref[i]]`` of the
    round that last rescored the row. Now ``s_ij - v_j`` is at most
    ``static[i, g] - min over j in g of v_j`` and at most ``bound[i, g] + max
    over j in g of (old v_j - v_j)``. The row is proved when the smaller is
    at most ``theta_i`` in every group.

    Returns the rows, which of their groups fail (``(rows, groups)``
    booleans) and ``rise`` (per reference round and group, the largest fall
    of a mentor dual since then).
    """
    rise = np.zeros((len(history), starts.size), dtype=np.int64)
    if bound.shape[1] == 0:
        return np.zeros(0, dtype=np.intp), np.zeros((0, 0), dtype=bool), rise
    for r in np.unique(ref):
        diff = np.where(open_cols, history[r] - duals.v, NO_BOUND)[order]
        rise[r] = np.maximum.reduceat(diff, starts)
    fail = np.minimum(static + rise[0], bound + rise[ref]) > duals.theta[:, None]
    need = np.flatnonzero(fail.any(axis=1)).astype(np.intp)
    return need, fail[need], rise


def _solve_graph(
    backend: str, n: int, capacity: _I64, rows: _I64, cols: _I64, key: _I64, bits: int
) -> NDArray[np.intp]:
    score = key >> 32
    if backend == "ortools":
        return solve_ortools(n, capacity, rows, cols, score)
    return solve_scipy(n, capacity, rows, cols, score, bits)


def _merge(
    graph: tuple[_I64, _I64, _I64], add: tuple[_I64, _I64, _I64], m: int
) -> tuple[_I64, _I64, _I64]:
    """Graph arcs plus new ones, deduplicated and sorted by (row, column): canonical."""
    r = np.concatenate([graph[0], add[0]])
    c = np.concatenate([graph[1], add[1]])
    k = np.concatenate([graph[2], add[2]])
    _, first = np.unique(r * max(m, 1) + c, return_index=True)
    return r[first], c[first], k[first]


def solve_large(
    score_block: ScoreBlock,
    capacity: NDArray[np.integer],
    n_rows: int,
    *,
    min_score: float = 0.0,
    required: NDArray[np.integer] | None = None,
    row_key: NDArray[np.integer] | None = None,
    col_key: NDArray[np.integer] | None = None,
    options: LargeOptions | None = None,
    progress: Progress | None = None,
    score_cells: ScoreCells | None = None,
) -> LargeSolution:
    """Exact capacitated assignment (the most pairs, then the largest score), proved optimal.

    Parameters
    ----------
    score_block : callable
        ``score_block(rows) -> ndarray (len(rows), n_mentors)``: scores in
        [0, 1], ``-inf`` (or NaN) where a rule forbids the pair. Called with
        blocks of row indices, possibly from several threads.
    capacity : ndarray of int, shape (n_mentors,)
        Places per mentor (>= 0).
    n_rows : int
        Number of mentee rows.
    min_score : float
        Pairs scoring below it (with 1e-9 slack) cannot be made.
    required : ndarray of int, shape (n_rows,), optional
        Per row, the only mentor it may have, or -1.
    row_key, col_key : ndarray of int, optional
        Distinct keys (for example hashed ids) fixing the canonical order:
        the answer depends on them, never on the order of the input.
        Default: the input positions.
    options : LargeOptions, optional
    progress : callable, optional
        ``progress(phase, done, total)`` as blocks finish (``"scoring"``,
        ``"pricing"``), and ``("solving", 0, 1)`` / ``("solving", 1, 1)``
        around each round's solve.
    score_cells : callable, optional
        ``score_cells(rows, cols) -> ndarray (len(rows), len(cols))``: the
        scores of ``score_block(rows)``'s columns ``cols`` (bit for bit),
        computed for those mentors only. With it, pricing rescores a row
        against the mentor groups its bounds cannot prove, not every mentor,
        and a coverage round against the mentors with a free place.

    Returns
    -------
    LargeSolution
        Optimal on the score grid (``2**-bits``): no assignment has more
        pairs, or as many pairs and a larger total of grid scores.

    Examples
    --------
    >>> import numpy as np
    >>> full = np.array([[0.9, 0.8], [0.1, -np.inf]])
    >>> sol = solve_large(lambda rows: full[rows].copy(), np.array([1, 1]), 2,
    ...                   options=LargeOptions(k=1, backend="scipy"))
    >>> sol.assignment, sol.certificate.max_reduced <= 0
    (array([1, 0]), True)
    """
    opts = options or LargeOptions()
    if opts.backend not in BACKENDS:
        raise MentormatchError(
            f"backend must be one of {', '.join(map(repr, BACKENDS))}; got {opts.backend!r}",
            field="backend",
            value=opts.backend,
        )
    backend = opts.backend
    if backend == "ortools" and not have_ortools():
        raise MentormatchError(
            "backend='ortools' needs OR-Tools: pip install 'mentormatch-engine[fast]' "
            "(or use backend='scipy')",
            field="backend",
            value=backend,
        )
    cap_in = np.asarray(capacity, dtype=np.int64)
    m = cap_in.size
    n = int(n_rows)
    if cap_in.ndim != 1 or (cap_in < 0).any():
        raise MentormatchError(
            "capacity must be one whole number >= 0 per mentor (0 closes a mentor)",
            field="capacity",
        )
    if required is not None and np.shape(required) != (n,):
        raise MentormatchError(
            f"required must hold one mentor index (or -1) per row: {n} values",
            field="required",
        )
    dense = n * m <= opts.dense_cells
    if backend == "auto":
        # measured at 2,000 x 1,000 (benchmarks/families.md): with as many places as rows
        # OR-Tools solves the first graph in 17-18 ms against scipy's 41-46 ms (38 against
        # 32 tie-heavy); with about twice as many scipy takes 0.02 s against 0.04-0.05 (the
        # line between: half way). scipy only while its grid is as fine as OR-Tools' (up
        # to about 2,000 rows)
        plenty = 2 * int(np.minimum(cap_in, n).sum()) >= 3 * n
        exact = grid_bits(n, "scipy") == grid_bits(n, "ortools")
        small = dense and plenty and exact
        backend = "scipy" if small or not have_ortools() else "ortools"
    t_start = time.perf_counter()
    rk, ck = _canonical_keys(
        None if row_key is None else np.asarray(row_key),
        None if col_key is None else np.asarray(col_key),
        n,
        m,
    )
    row_of = np.argsort(rk, kind="stable").astype(np.intp)
    col_of = np.argsort(ck, kind="stable").astype(np.intp)
    row_tie, col_tie = tie_ranks(rk[row_of], ck[col_of])
    bits = grid_bits(n, backend)
    big = big_m(n, bits)
    cap = cap_in[col_of]
    req = None
    if required is not None:
        req_in = np.asarray(required, dtype=np.int64)[row_of]
        col_rank = np.empty(m, dtype=np.int64)
        col_rank[col_of] = np.arange(m)
        req = np.where(req_in >= 0, col_rank[np.maximum(req_in, 0)], -1).astype(np.intp)
    p = _Problem(
        score_block=score_block,
        score_cells=score_cells,
        n=n,
        m=m,
        capacity=cap,
        required=req,
        row_of=row_of,
        col_of=col_of,
        col_sorted=bool((col_of == np.arange(m)).all()),
        bits=bits,
        min_score=float(min_score),
        row_tie=row_tie,
        col_tie=col_tie,
        open_cols=cap > 0,
    )
    k = opts.k if opts.k is not None else default_k(n, cap)
    margin = int(opts.margin * (1 << bits))
    stats: dict[str, float] = {"scoring": 0.0, "solving": 0.0, "pricing": 0.0}
    with _pool(opts) as pool:
        state: _SparseState | _DenseState
        if dense:
            graph, state = _first_pass_dense(p, pool, k, opts, progress)
        else:
            graph, state = _first_pass_sparse(p, pool, k, opts, progress)
        n_start = graph[0].size
        stats["candidates"] = float(n_start)
        stats["k"] = float(k)
        stats["scoring"] = time.perf_counter() - t_start
        warm_ok = False  # after a round: its duals fit the graph, new pairs are few
        t_full = float("inf")
        per_arc = 2e-8  # seconds per shortest path and graph arc (2,000 and 20,000 rows)
        try_cover = True
        assign = np.full(n, -1, dtype=np.intp)
        duals = Duals(np.zeros(n, dtype=np.int64), np.zeros(m, dtype=np.int64), big)
        for rnd in range(1, opts.max_rounds + 1):
            t0 = time.perf_counter()
            if progress is not None:  # a solve can take seconds: say one is under way
                progress("solving", 0, 1)
            certified = None
            if warm_ok:
                paths = opts.warm_paths
                if paths is None:  # as many as beat a full solve, by the cost measured so far
                    paths = int(min(0.8 * t_full / (per_arc * max(graph[0].size, 1)), n + 1))
                arcs = (graph[0], graph[1], graph[2] >> 32)
                warm = warm_start(n, cap, arcs, assign, duals.theta, duals.v, big, paths, t_full)
                if warm is not None:
                    moved, freed = warm
                    certified = least_duals(n, cap, *arcs, moved, big)
                    if certified is not None:
                        if freed:
                            per_arc = (time.perf_counter() - t0) / (freed * max(arcs[0].size, 1))
                        assign = moved
                        stats["warm_starts"] = stats.get("warm_starts", 0.0) + 1
            if certified is None:
                t_solve = time.perf_counter()
                assign = _solve_graph(backend, n, cap, *graph, bits)
                certified = least_duals(n, cap, graph[0], graph[1], graph[2] >> 32, assign, big)
                if certified is None:  # pragma: no cover - the solvers are exact on the grid
                    raise RuntimeError("no dual certificate for the graph's solution")
                t_full = time.perf_counter() - t_solve  # what a warm start must beat
            duals = certified
            t1 = time.perf_counter()
            stats["solving"] += t1 - t0
            if progress is not None:
                progress("solving", 1, 1)
            cover = None
            if isinstance(state, _DenseState):
                new, max_red, n_need = _price_dense(state, duals, opts, margin)
            elif try_cover:
                cover = _price_coverage(p, assign, duals, pool, opts, progress)
            if cover is not None:
                new, max_red, n_need = cover, 1, 0
            elif isinstance(state, _SparseState):
                new, max_red, n_need = _price_sparse(
                    state, p, graph, duals, pool, opts, margin, progress
                )
            stats["pricing"] += time.perf_counter() - t1
            logger.debug(
                "round %d: %d pairs in the graph, %d matched, %d mentors priced above M, "
                "%d rows rescored, %d pairs added, %d in reserve",
                rnd,
                graph[0].size,
                int((assign >= 0).sum()),
                int((duals.v >= big).sum()),
                n_need,
                new[0].size,
                state.reserve[0].size if isinstance(state, _SparseState) else 0,
            )
            if new[0].size == 0:
                if max_red > 0:  # pragma: no cover - a violator is always added
                    raise RuntimeError("pricing found a violator but added nothing")
                stats.update(
                    rounds=float(rnd),
                    pairs_added=float(graph[0].size - n_start),
                    rows_rescored=float(state.rescored),
                    pairs_rescored=float(state.cells_rescored),
                    dense=float(dense),
                    total=time.perf_counter() - t_start,
                )
                cert = Certificate(
                    rounds=rnd,
                    max_reduced=min(max_red, 0),
                    proved_by_bound=0 if dense else int(n - n_need),
                    rescored=int(n_need),
                )
                return _solution(assign, duals, p, bits, backend, cert, stats)
            before = graph[0].size
            graph = _merge(graph, new, m)
            if graph[0].size == before:  # pragma: no cover - every pair added is new
                if cover is None:
                    raise RuntimeError("pricing returned only pairs already in the graph")
                try_cover = False
            warm_ok = opts.repair
    raise RuntimeError(f"pricing did not converge in {opts.max_rounds} rounds")  # pragma: no cover


def _solution(
    assign: NDArray[np.intp],
    duals: Duals,
    p: _Problem,
    bits: int,
    backend: str,
    cert: Certificate,
    stats: dict[str, float],
) -> LargeSolution:
    """The answer in input order."""
    out = np.full(p.n, -1, dtype=np.intp)
    made = assign >= 0
    out[p.row_of[made]] = p.col_of[assign[made]]
    theta = np.empty(p.n, dtype=np.int64)
    theta[p.row_of] = duals.theta
    v = np.empty(p.m, dtype=np.int64)
    v[p.col_of] = duals.v
    return LargeSolution(out, theta, v, bits, backend, cert, stats)
