"""A warm start between pricing rounds: successive shortest paths from the last duals.

After a round the core holds an assignment that is optimal on its graph,
with exact duals. Pricing then adds pairs, some of which violate those
duals. Re-solving the whole graph from scratch (OR-Tools and scipy take no
starting point) costs as much as the first solve; but when few rows gained
a violating pair, the new optimum is a few augmenting paths away.

The graph is a min-cost flow: every row sends one unit, to a mentor (cost
``-(M + s_ij)``) or straight to the sink (cost 0: unmatched); mentor ``j``
passes at most ``capacity_j`` units to the sink. With potentials
``phi(row i) = M + theta_i``, ``phi(mentor j) = -v_j`` and ``phi(sink) = 0``,
the duals' feasibility and complementary slackness say exactly that every
residual arc has a reduced length ``c(x, y) + phi(x) - phi(y) >= 0``.

Each row with a violating pair raises its ``theta`` to its best pair (its
arcs are feasible again) and gives up its mentor, or leaves the sink: a
unit of excess at the row, a unit of deficit at the mentor (or sink) it
left. Every residual arc is then feasible, so Dijkstra's shortest paths
(:func:`scipy.sparse.csgraph.dijkstra`, in C) from the excess rows find the
cheapest augmenting path to a deficit; augmenting it and adding the
distances (capped at the path's) to the potentials keeps every arc
feasible. One path per freed row restores a flow that is optimal on the
graph (the potentials prove it). Distances are sums of integers below
2**53, so float64 keeps them exact.
"""

from __future__ import annotations

import time
from functools import cached_property

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from scipy.sparse.csgraph import dijkstra

from mentormatch._large.blocks import spans

_I64 = NDArray[np.int64]


class _Residual:
    """Every arc that can be residual, in one CSR structure built once; lengths kept current.

    Nodes: rows ``0..n-1``, mentors ``n + j``, the sink ``n + m``. Each pair of
    the graph has a forward (row to mentor) and a reverse slot, each row a
    slot to and from the sink, each mentor too; a slot that is not residual
    has length ``inf`` (Dijkstra never crosses it).

    Slots are numbered by kind (forward pairs, reverse pairs, row to sink,
    sink to row, mentor to sink, sink to mentor); ``at[slot]`` is its place
    in the CSR structure. A slot from ``x`` to ``y`` has the reduced length
    ``c + phi(x) - phi(y)``. After a path only the slots on it change
    whether they are residual (:meth:`flip`), and only the slots touching a
    node whose potential moved against the others, or on the path, change
    length: :meth:`lengths` recomputes those, not the whole graph.
    """

    def __init__(self, n: int, m: int, arcs: tuple[_I64, _I64, _I64], cap: _I64, big: int) -> None:
        gr, gc, gs = arcs
        self.n, self.m, self.cap = n, m, cap
        self.gr, self.gc = gr, gc
        t = n + m
        rows = np.arange(n, dtype=np.int64)
        cols = n + np.arange(m, dtype=np.int64)
        sink_r, sink_c = np.full(n, t, dtype=np.int64), np.full(m, t, dtype=np.int64)
        src = np.concatenate([gr, n + gc, rows, sink_r, cols, sink_c])
        dst = np.concatenate([n + gc, gr, sink_r, rows, sink_c, cols])
        cost = big + gs
        self.c = np.concatenate([-cost, cost, np.zeros(2 * (n + m), dtype=np.int64)])
        p = gr.size
        #: where each kind of slot ends: forward pairs, reverse pairs, row to sink, ...
        self.edges = np.cumsum([p, p, n, n, m, m])
        order = np.argsort(src, kind="stable")
        self.at = np.empty(src.size, dtype=np.int64)
        self.at[order] = np.arange(src.size)
        ptr = np.zeros(t + 2, dtype=np.int64)
        np.cumsum(np.bincount(src, minlength=t + 1), out=ptr[1:])
        self.graph = sp.csr_matrix(
            (np.zeros(src.size), dst[order].astype(np.int32), ptr.astype(np.int32)),
            shape=(t + 1, t + 1),
        )
        self.out_ptr, self.out_slot = ptr, order  # slots leaving each node
        self.src, self.dst = src, dst
        self.live = np.zeros(src.size, dtype=bool)

    @cached_property
    def entering(self) -> tuple[_I64, _I64]:
        """``(ptr, slots)``: the slots entering each node (built at the first update)."""
        ptr = np.zeros(self.n + self.m + 2, dtype=np.int64)
        np.cumsum(np.bincount(self.dst, minlength=self.n + self.m + 1), out=ptr[1:])
        return ptr, np.argsort(self.dst, kind="stable")

    @cached_property
    def pairs(self) -> tuple[_I64, _I64]:
        """``(order, sorted keys)`` of the pairs by ``row * m + col``, to find a pair's slots."""
        key = self.gr * max(self.m, 1) + self.gc
        if key.size < 2 or bool((key[1:] > key[:-1]).all()):  # the core's arcs come sorted
            return np.arange(key.size, dtype=np.int64), key
        order = np.argsort(key, kind="stable")
        return order, key[order]

    def flip(self, state: tuple[NDArray[np.intp], NDArray[np.bool_], _I64], slots: _I64) -> None:
        """Set whether each of ``slots`` is residual, from the assignment state."""
        assign, bypass, out = state
        kind = np.searchsorted(self.edges, slots, side="right")
        idx = slots - np.concatenate([[0], self.edges[:-1]])[kind]
        live = np.empty(slots.size, dtype=bool)
        for k in range(6):
            sel = kind == k
            if not sel.any():
                continue
            i = idx[sel]
            if k < 2:  # a pair: forward while not used, reverse while used
                used = assign[self.gr[i]] == self.gc[i]
                live[sel] = ~used if k == 0 else used
            elif k < 4:  # a row and the sink: back from the sink while unmatched
                live[sel] = ~bypass[i] if k == 2 else bypass[i]
            else:  # a mentor and the sink
                live[sel] = out[i] < self.cap[i] if k == 4 else out[i] > 0
        self.live[slots] = live

    def on_path(self, path: list[tuple[int, int]]) -> _I64:
        """Both slots (forward and back) of every arc of ``path``."""
        n, m, t = self.n, self.m, self.n + self.m
        p2, n2 = int(self.edges[1]), int(self.edges[3])
        pairs: list[int] = []
        rows: list[int] = []
        cols: list[int] = []
        for x, y in path:
            if x < n and n <= y < t:
                pairs.append(x * max(m, 1) + y - n)
            elif n <= x < t and y < n:
                pairs.append(y * max(m, 1) + x - n)
            elif t in (x, y):
                other = y if x == t else x
                (rows if other < n else cols).append(other if other < n else other - n)
        order, keys = self.pairs
        pair = order[np.searchsorted(keys, np.array(pairs, dtype=np.int64))]
        row, col = np.array(rows, dtype=np.int64), np.array(cols, dtype=np.int64)
        p = int(self.edges[0])
        return np.concatenate([pair, p + pair, p2 + row, p2 + n + row, n2 + col, n2 + m + col])

    def lengths(self, phi: _I64, nodes: NDArray[np.int64] | None = None) -> bool:
        """Set the reduced length of every slot touching ``nodes`` (None: every slot).

        False when a residual slot is negative: the duals were not optimal on
        the graph, and no warm start is possible.
        """
        if nodes is None:
            slots = np.arange(self.src.size, dtype=np.int64)
        else:
            # a slot between two such nodes comes twice: written twice, the same value
            slots = np.concatenate(
                [
                    self.out_slot[spans(self.out_ptr, nodes)],
                    self.entering[1][spans(self.entering[0], nodes)],
                ]
            )
        length = self.c[slots] + phi[self.src[slots]] - phi[self.dst[slots]]
        live = self.live[slots]
        if live.any() and int(length[live].min()) < 0:
            return False
        self.graph.data[self.at[slots]] = np.where(live, length.astype(np.float64), np.inf)
        return True

    def nearest(self, excess: _I64) -> float:
        """The shortest residual slot from an excess node straight to a deficit one (or inf)."""
        sources = np.flatnonzero(excess > 0)
        slots = self.out_slot[spans(self.out_ptr, sources)]
        hit = slots[excess[self.dst[slots]] < 0]
        return float(self.graph.data[self.at[hit]].min()) if hit.size else np.inf


def warm_start(
    n: int,
    capacity: _I64,
    arcs: tuple[_I64, _I64, _I64],
    assign: NDArray[np.intp],
    theta: _I64,
    v: _I64,
    big: int,
    max_paths: int,
    budget: float = float("inf"),
) -> tuple[NDArray[np.intp], int] | None:
    """An assignment optimal on ``arcs`` (rows, cols, grid scores), from one optimal on a subset.

    ``assign``, ``theta`` and ``v`` are the previous round's optimum and its
    exact duals (feasible on the old arcs, complementary slack). Returns the
    new assignment and the number of rows that gained a violating pair (one
    shortest path each); None when more than ``max_paths`` rows did, or the
    paths take longer than ``budget`` seconds (a full solve is then
    cheaper), or when the duals turn out not to fit.

    Examples
    --------
    >>> import numpy as np
    >>> arcs = (np.array([0, 0, 1]), np.array([0, 1, 0]), np.array([5, 4, 3]))
    >>> # row 0 at mentor 0 (theta 5, v 0); the pair (1, 0) is new and violates
    >>> warm_start(2, np.array([1, 1]), arcs, np.array([0, -1]), np.array([5, -100]),
    ...            np.array([0, 0]), 100, 4)
    (array([1, 0]), 1)
    """
    gr, gc, gs = arcs
    m = capacity.size
    t = n + m
    red = gs - v[gc] - theta[gr]
    hot = red > 0
    if not hot.any():
        return np.array(assign, dtype=np.intp), 0
    freed = np.unique(gr[hot])
    if freed.size > max_paths:
        return None
    theta = theta.copy()
    best = np.full(n, np.iinfo(np.int64).min, dtype=np.int64)
    np.maximum.at(best, gr[hot], (gs - v[gc])[hot])
    theta[freed] = np.maximum(theta[freed], best[freed])
    assign = assign.astype(np.intp, copy=True)
    out = np.bincount(assign[assign >= 0], minlength=m).astype(np.int64)
    bypass = assign < 0
    excess = np.zeros(t + 1, dtype=np.int64)
    excess[freed] = 1
    had = assign[freed]
    np.add.at(excess, np.where(had >= 0, n + had, t), -1)
    assign[freed] = -1
    bypass[freed] = False
    phi = np.concatenate([big + theta, -v, np.zeros(1, dtype=np.int64)]).astype(np.int64)
    start = time.perf_counter()
    residual = _Residual(n, m, arcs, capacity, big)
    residual.flip((assign, bypass, out), np.arange(residual.src.size, dtype=np.int64))
    if not residual.lengths(phi):
        return None
    for k in range(freed.size):
        if time.perf_counter() - start > budget:
            return None
        # no path is longer than the shortest direct arc from an excess to a deficit (a
        # freed row's arc back to what it left is one): Dijkstra stops there
        limit = residual.nearest(excess)
        graph = residual.graph
        sources = np.flatnonzero(excess > 0)
        dist, pred, _ = dijkstra(
            graph, indices=sources, min_only=True, return_predecessors=True, limit=limit
        )
        targets = np.flatnonzero(excess < 0)
        reach = dist[targets]
        if not np.isfinite(reach).any():  # pragma: no cover - a freed row reaches what it left
            return None
        end = int(targets[int(np.argmin(reach))])
        far = float(dist[end])
        path = []
        node = end
        while pred[node] >= 0:
            path.append((int(pred[node]), node))
            node = int(pred[node])
        for prev, here in reversed(path):  # in path order: a row is unassigned before reassigned
            if prev < n and n <= here < t:
                assign[prev] = here - n
            elif n <= prev < t and here < n:
                assign[here] = -1
            elif prev < n:
                bypass[prev] = True
            elif prev == t and here < n:
                bypass[here] = False
            elif here == t:
                out[prev - n] += 1
            else:
                out[here - n] -= 1
        excess[node] -= 1
        excess[end] += 1
        if k == freed.size - 1:
            break  # the last path: no lengths needed after it
        # every potential rises by min(dist, far): only nodes nearer than ``far`` rise by
        # less, so only slots touching them (or the path) change length
        near = np.flatnonzero(dist < far)
        phi += np.minimum(dist, far).astype(np.int64)
        residual.flip((assign, bypass, out), residual.on_path(path))
        on_path = np.array([node, *(here for _, here in path)], dtype=np.int64)
        if not residual.lengths(phi, np.concatenate([near, on_path])):
            return None  # pragma: no cover - shortest-path potentials keep every slot >= 0
    if (excess != 0).any() or not np.array_equal(
        out, np.bincount(assign[assign >= 0], minlength=m)
    ):
        return None  # pragma: no cover - every path ends a deficit
    return assign, int(freed.size)
