"""The large core's first pass: every block of rows scored once, into candidates and bounds.

Each row keeps its ``k`` best pairs for the graph and the next ``reserve`` in
a reserve; of the rest only a bound per mentor group (mentors grouped by
popularity in a sample of rows). In dense mode (few pairs in all) every
pair's key is kept instead, and priced exactly each round.
"""

from __future__ import annotations

from concurrent.futures import Executor
from functools import partial

import numpy as np
from numpy.typing import NDArray

from mentormatch._large.blocks import (
    NO_BOUND,
    BlockPicks,
    split_picks,
    top_k,
)
from mentormatch._large.pricing import DenseState, Groups, SparseState
from mentormatch._large.problem import (
    EMPTY,
    Arcs,
    LargeOptions,
    Problem,
    Progress,
    cut_blocks,
    keys_of_block,
    map_blocks,
    merge_arcs,
    total_places,
)

_Int = NDArray[np.intp]
_I64 = NDArray[np.int64]


def _popularity_groups(
    p: Problem, pool: Executor | None, k: int, n_groups: int, step: int
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
    scarce = total_places(p.capacity, p.n) < 2 * p.n
    size = min(p.n, max(1024, -(-16 * p.m // max(k, 1))) if scarce else 1024)
    sample = np.unique(np.linspace(0, max(p.n - 1, 0), num=size).astype(np.intp))
    counts = map_blocks(pool, partial(_picked, p, k), cut_blocks(sample, step), "scoring", None)
    pop = np.sum(counts, axis=0) if counts else np.zeros(p.m, dtype=np.int64)
    order = np.lexsort((np.arange(p.m), -pop)).astype(np.intp)
    starts = (np.arange(n_groups) * p.m // n_groups).astype(np.intp)
    return order, starts


def _picked(p: Problem, k: int, rows: _Int) -> _I64:
    """How often each mentor is among the ``k`` best of ``rows``."""
    _, c = top_k(keys_of_block(p, rows), k)
    return np.bincount(c, minlength=p.m).astype(np.int64)


def _first_pass_block(
    p: Problem, k: int, depth: int, order: _Int, starts: _Int, rows: _Int
) -> BlockPicks:
    return split_picks(keys_of_block(p, rows), rows, k, depth, order, starts)


def _dense_block(p: Problem, k: int, rows: _Int) -> tuple[_I64, _Int, _Int]:
    """Dense mode: a block's keys (kept whole) and its rows' ``k`` best pairs."""
    key = keys_of_block(p, rows)
    r, c = top_k(key, k)
    return key, r, c


def first_pass_sparse(
    p: Problem, pool: Executor | None, k: int, opts: LargeOptions, progress: Progress | None
) -> tuple[Arcs, SparseState]:
    depth0 = opts.reserve if opts.reserve is not None else 2 * k
    step = max(1, opts.block_cells // max(p.m, 1))
    order, starts = _popularity_groups(p, pool, k + depth0, opts.groups, step)
    picks = map_blocks(
        pool,
        partial(_first_pass_block, p, k, depth0, order, starts),
        cut_blocks(np.arange(p.n, dtype=np.intp), step),
        "scoring",
        progress,
    )
    cat = np.concatenate
    graph = (
        cat([EMPTY, *(b.rows for b in picks)]),
        cat([EMPTY, *(b.cols for b in picks)]),
        cat([EMPTY, *(b.key for b in picks)]),
    )
    reserve = (
        cat([EMPTY, *(b.res_rows for b in picks)]),
        cat([EMPTY, *(b.res_cols for b in picks)]),
        cat([EMPTY, *(b.res_key for b in picks)]),
    )
    bound = (
        cat([b.bound for b in picks])
        if picks
        else np.full((0, starts.size), NO_BOUND, dtype=np.int64)
    )
    state = SparseState(
        reserve=reserve,
        static=bound.copy(),
        bound=bound,
        ref=np.zeros(p.n, dtype=np.intp),
        history=[np.zeros(p.m, dtype=np.int64)],
        depth=np.full(p.n, depth0, dtype=np.int64),
        depth0=depth0,
        groups=Groups.of(order, starts),
    )
    return merge_arcs(graph, (EMPTY, EMPTY, EMPTY), p.m), state


def first_pass_dense(
    p: Problem, pool: Executor | None, k: int, opts: LargeOptions, progress: Progress | None
) -> tuple[Arcs, DenseState]:
    step = max(1, opts.block_cells // max(p.m, 1))
    blocks = cut_blocks(np.arange(p.n, dtype=np.intp), step)
    results = map_blocks(pool, partial(_dense_block, p, k), blocks, "scoring", progress)
    key = np.concatenate([r[0] for r in results]) if results else np.zeros((0, p.m), dtype=np.int64)
    rows = np.concatenate([EMPTY, *(b[r[1]] for b, r in zip(blocks, results, strict=True))])
    cols = np.concatenate([EMPTY, *(r[2] for r in results)]).astype(np.int64)
    rows = rows.astype(np.int64)
    graph = (rows, cols, key[rows, cols])
    key[rows, cols] = -1
    return merge_arcs(graph, (EMPTY, EMPTY, EMPTY), p.m), DenseState(key=key)
