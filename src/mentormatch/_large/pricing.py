"""The large core's pricing: every pair left out of the graph, priced against the duals.

Reserve pairs are priced exactly; a row whose every group bound is at most
its dual plus the group's smallest mentor dual is proved without scoring it;
the other rows are scored again (against the mentors of their failing groups
only, when the problem can score columns) and their violators join the
graph. A coverage round, while rows are unmatched and mentors have free
places, looks for pairs that add a match instead. Dense mode prices every
kept key.
"""

from __future__ import annotations

from concurrent.futures import Executor
from dataclasses import dataclass, replace
from functools import partial

import numpy as np
from numpy.typing import NDArray

from mentormatch._large.blocks import (
    NO_BOUND,
    BlockPicks,
    group_bounds,
    spans,
    split_picks,
    top_k,
    violators,
)
from mentormatch._large.duals import Duals
from mentormatch._large.grid import NO_PAIR
from mentormatch._large.problem import (
    EMPTY,
    Arcs,
    LargeOptions,
    Problem,
    Progress,
    cut_blocks,
    keys_of_block,
    map_blocks,
)

_Int = NDArray[np.intp]
_I64 = NDArray[np.int64]


class CoverBest:
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
        return part[0], part[1], part[2], EMPTY, EMPTY, EMPTY

    def pairs(self, free: _Int) -> tuple[_I64, _I64, _I64]:
        """``(rows, mentors, keys)`` of every kept pair, mentors as indices into ``free``'s values."""
        ok = self.key >= 0
        c = np.broadcast_to(free.astype(np.int64)[:, None], self.key.shape)[ok]
        return self.row[ok], c, self.key[ok]


def _coverage_block(
    p: Problem, free: _Int, lonely: NDArray[np.bool_], add: int, rows: _Int
) -> tuple[_I64, _I64, _I64, _I64, _I64, _I64]:
    """Coverage pairs of a block: unmatched rows' best free mentors, and each free mentor's best rows.

    Block-local choices; the per-mentor ones (their mentors as positions in
    ``free``) are reduced over blocks by :class:`CoverBest`.
    """
    key = keys_of_block(p, rows, free)
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


def price_coverage(
    p: Problem,
    assign: NDArray[np.intp],
    duals: Duals,
    pool: Executor | None,
    opts: LargeOptions,
    progress: Progress | None,
) -> Arcs | None:
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
    best = CoverBest(free.size, opts.add)
    parts = map_blocks(
        pool,
        partial(_coverage_block, p, free, lonely, opts.add),
        cut_blocks(caught, step),
        "pricing",
        progress,
        fold=best.fold,
    )
    cat = np.concatenate
    r2, c2, k2 = best.pairs(free)
    rows = cat([EMPTY, *(q[0] for q in parts), r2])
    if rows.size == 0:
        return None
    cols = cat([EMPTY, *(q[1] for q in parts), c2])
    keys = cat([EMPTY, *(q[2] for q in parts), k2])
    return rows, cols, keys


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
    count = graph_ptr[rows + 1] - graph_ptr[rows]
    return np.repeat(np.arange(rows.size), count), graph_cols[spans(graph_ptr, rows)]


def _priced(
    key: _I64,
    rows: _Int,
    theta: _I64,
    v: _I64,
    add: int,
    margin: int,
    depth: _I64,
    order: _Int,
    starts: _Int,
    cols: _Int | None = None,
) -> _Priced:
    """A rescored block's violators (for the graph), its new reserve and its two bounds.

    ``key`` holds the block's pairs outside the graph (consumed); ``v`` the
    duals of its columns, which are the mentors ``cols`` (None: every mentor).
    """
    r, c, red_max = violators(key, theta, v, add, margin)
    add_key = key[r, c]
    key[r, c] = -1
    picks = split_picks(key, rows, 0, depth, order, starts, v)
    static = group_bounds(key, order, starts)
    if cols is not None:
        c = cols[c]
        picks = replace(picks, res_cols=cols[picks.res_cols].astype(np.int64))
    return _Priced(
        rows[r].astype(np.int64), c.astype(np.int64), add_key, picks, static, int(red_max)
    )


def _price_block(
    p: Problem,
    graph_ptr: _I64,
    graph_cols: _I64,
    duals: Duals,
    add: int,
    margin: int,
    depth: _I64,
    groups: Groups,
    rows: _Int,
) -> _Priced:
    """Rescore ``rows`` against every mentor."""
    key = keys_of_block(p, rows)
    gr, gc = _graph_pairs(graph_ptr, graph_cols, rows)
    key[gr, gc] = -1  # in the graph: priced
    theta = duals.theta[rows]
    return _priced(key, rows, theta, duals.v, add, margin, depth[rows], groups.order, groups.starts)


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
    p: Problem,
    graph_ptr: _I64,
    graph_cols: _I64,
    duals: Duals,
    add: int,
    margin: int,
    depth: _I64,
    groups: Groups,
    task: _Cells,
) -> _Priced:
    """Rescore ``task.rows`` against the mentors of ``task.group`` only.

    As :func:`_price_block` within one group, the group's columns one group of
    the bounds; the row's share of the reserve is ``depth // _GROUP_DEPTH``
    pairs, at least 2.
    """
    rows, g = task.rows, task.group
    cols = groups.order[groups.starts[g] : groups.ends[g]]
    key = keys_of_block(p, rows, cols)
    gr, gc = _graph_pairs(graph_ptr, graph_cols, rows)
    inside = groups.group_of[gc] == g
    key[gr[inside], groups.pos[gc[inside]]] = -1  # in the graph: priced
    share = np.maximum(depth[rows] // _GROUP_DEPTH, 2)
    local = np.arange(cols.size, dtype=np.intp)
    one = np.zeros(1, dtype=np.intp)
    theta = duals.theta[rows]
    return _priced(key, rows, theta, duals.v[cols], add, margin, share, local, one, cols)


@dataclass(frozen=True)
class Groups:
    """The mentor groups of the bounds: canonical columns ``order[starts[g]:ends[g]]``."""

    order: _Int
    starts: _Int
    ends: _Int
    group_of: _Int  # column -> its group
    pos: _Int  # column -> its place within the group

    @classmethod
    def of(cls, order: _Int, starts: _Int) -> Groups:
        ends = np.append(starts[1:], order.size).astype(np.intp)
        group_of = np.empty(order.size, dtype=np.intp)
        pos = np.empty(order.size, dtype=np.intp)
        for g, (a, b) in enumerate(zip(starts.tolist(), ends.tolist(), strict=True)):
            group_of[order[a:b]] = g
            pos[order[a:b]] = np.arange(b - a)
        return cls(order, starts, ends, group_of, pos)


@dataclass
class SparseState:
    """What the sparse pricing keeps between rounds (see :func:`_unproved`)."""

    reserve: Arcs
    static: _I64
    bound: _I64
    ref: _Int
    history: list[_I64]
    depth: _I64
    depth0: int
    groups: Groups
    rescored: int = 0
    cells_rescored: int = 0


@dataclass
class DenseState:
    """Dense mode: every pair's key, those in the graph set to -1."""

    key: _I64
    rescored: int = 0
    cells_rescored: int = 0


def price_dense(
    state: DenseState, duals: Duals, opts: LargeOptions, margin: int
) -> tuple[Arcs, int, int]:
    """Price every pair outside the graph exactly, from the kept keys."""
    r, c, red_max = violators(state.key, duals.theta, duals.v, opts.add, margin)
    rows, cols = r.astype(np.int64), c.astype(np.int64)
    new = (rows, cols, state.key[rows, cols])
    state.key[rows, cols] = -1
    state.rescored += int(np.unique(rows).size)
    return new, int(red_max), 0


def price_sparse(
    state: SparseState,
    p: Problem,
    graph: Arcs,
    duals: Duals,
    pool: Executor | None,
    opts: LargeOptions,
    margin: int,
    progress: Progress | None,
) -> tuple[Arcs, int, int]:
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
        state.groups.order,
        state.groups.starts,
    )
    # rescored against the failing groups' mentors only, where the problem can score columns
    by_group = p.score_cells is not None and state.groups.starts.size > 1
    res = state.reserve
    if by_group:  # a rescored (row, group) gets a new reserve there
        hit = np.zeros((n, state.groups.starts.size), dtype=bool)
        hit[need] = fail
        keep = ~hit[res[0], state.groups.group_of[res[1]]]
    else:  # a rescored row gets a new reserve
        rescoring = np.zeros(n, dtype=bool)
        rescoring[need] = True
        keep = ~rescoring[res[0]]
    add_r, add_c, add_k = [EMPTY], [EMPTY], [EMPTY]
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
        added, red_max, reserve = _gathered(priced)
        if by_group:  # each row's ``add`` worst over all its groups, as a whole row adds
            added, extra = _worst(added, duals, opts.add)
            reserve = (
                cat([reserve[0], extra[0]]),
                cat([reserve[1], extra[1]]),
                cat([reserve[2], extra[2]]),
            )
        for lst, arr in zip((add_r, add_c, add_k), added, strict=True):
            lst.append(arr)
        max_red = max(max_red, red_max)
        state.ref[need] = len(state.history)
        state.history.append(duals.v)
        rr, rc, rk = cat([rr, reserve[0]]), cat([rc, reserve[1]]), cat([rk, reserve[2]])
        state.rescored += int(need.size)
    state.reserve = (rr, rc, rk)
    return (cat(add_r), cat(add_c), cat(add_k)), max_red, int(need.size)


def _rescore_rows(
    state: SparseState,
    p: Problem,
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
    work = partial(_price_block, p, *graph, duals, opts.add, margin, state.depth, state.groups)
    priced = map_blocks(pool, work, cut_blocks(need, step), "pricing", progress)
    state.bound[need] = np.concatenate([q.picks.bound for q in priced])
    state.static[need] = np.concatenate([q.static for q in priced])
    state.cells_rescored += int(need.size) * p.m
    return priced


def _rescore_groups(
    state: SparseState,
    p: Problem,
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
    reference for every group. The caller keeps each row's ``add`` worst
    violators over all its groups (:func:`_worst`).
    """
    groups = state.groups
    old = state.bound[need]
    moved = old + rise[state.ref[need]]
    state.bound[need] = np.where(old > NO_BOUND // 2, moved, NO_BOUND)
    tasks: list[_Cells] = []
    for g in range(groups.starts.size):
        width = int(groups.ends[g] - groups.starts[g])
        step = max(1, opts.block_cells // max(width, 1))
        rows_g = need[fail[:, g]]
        tasks += [_Cells(g, b) for b in cut_blocks(rows_g, step)]
        state.cells_rescored += int(rows_g.size) * width
    work = partial(_price_cells, p, *graph, duals, opts.add, margin, state.depth, groups)
    priced = map_blocks(pool, work, tasks, "pricing", progress)
    for t, q in zip(tasks, priced, strict=True):
        state.bound[t.rows, t.group] = q.picks.bound[:, 0]
        state.static[t.rows, t.group] = q.static[:, 0]
    return priced


def _gathered(priced: list[_Priced]) -> tuple[Arcs, int, Arcs]:
    """The blocks' violators, the largest reduced cost among them, and their new reserve."""
    cat = np.concatenate
    added = (
        cat([EMPTY, *(q.add_rows for q in priced)]),
        cat([EMPTY, *(q.add_cols for q in priced)]),
        cat([EMPTY, *(q.add_key for q in priced)]),
    )
    reserve = (
        cat([EMPTY, *(q.picks.res_rows for q in priced)]),
        cat([EMPTY, *(q.picks.res_cols for q in priced)]),
        cat([EMPTY, *(q.picks.res_key for q in priced)]),
    )
    return added, max((q.max_reduced for q in priced), default=int(NO_BOUND)), reserve


def _worst(pairs: Arcs, duals: Duals, add: int) -> tuple[Arcs, Arcs]:
    """Each row's ``add`` most violating pairs (ties by rank), and the others.

    The others were left out of the bounds when they were found: they go to
    the reserve (priced exactly every round), or the proof would miss them.
    """
    r, c, k = pairs
    red = duals.reduced(r, c, k >> 32)
    order = np.lexsort((-(k & np.int64(0xFFFFFFFF)), -red, r))
    r, c, k = r[order], c[order], k[order]
    first = np.arange(r.size) - np.searchsorted(r, r, side="left") < add
    return (r[first], c[first], k[first]), (r[~first], c[~first], k[~first])


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
