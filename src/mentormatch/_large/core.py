"""The large-programme solver core: candidates, an exact solve, and a proof by pricing.

:func:`solve_large` takes a block-scoring callback (rows -> scores against
every mentor), the capacities, the rules in encoded form and options, and
returns an assignment with its exact duals and a certificate. It knows
nothing of participants or criteria. The problem and its blocks are in
:mod:`.problem`, the first pass in :mod:`.candidates`, pricing in
:mod:`.pricing`; this module runs the rounds.

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

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from concurrent.futures import Executor, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from mentormatch._errors import MentormatchError
from mentormatch._large.candidates import first_pass_dense, first_pass_sparse
from mentormatch._large.duals import Duals, big_m, least_duals
from mentormatch._large.flow import have_ortools, solve_ortools, solve_scipy
from mentormatch._large.grid import grid_bits, tie_ranks
from mentormatch._large.pricing import (
    DenseState,
    SparseState,
    price_coverage,
    price_dense,
    price_sparse,
)
from mentormatch._large.problem import (
    LargeOptions,
    Problem,
    Progress,
    ScoreBlock,
    ScoreCells,
    merge_arcs,
    total_places,
)
from mentormatch._large.warm import warm_start

logger = logging.getLogger(__name__)


_Int = NDArray[np.intp]


_I64 = NDArray[np.int64]


BACKENDS = ("auto", "ortools", "scipy")


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
    places = max(total_places(capacity, n_rows), 1)
    if places >= 2 * n_rows:
        return 8
    return int(min(32, 16 * -(-n_rows // places)))


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


@contextmanager
def _pool(options: LargeOptions) -> Iterator[Executor | None]:
    if options.executor is not None:
        yield options.executor
    elif options.workers > 1:
        with ThreadPoolExecutor(max_workers=options.workers) as pool:
            yield pool
    else:
        yield None


def _solve_graph(
    backend: str, n: int, capacity: _I64, rows: _I64, cols: _I64, key: _I64, bits: int
) -> NDArray[np.intp]:
    score = key >> 32
    if backend == "ortools":
        return solve_ortools(n, capacity, rows, cols, score)
    return solve_scipy(n, capacity, rows, cols, score, bits)


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
        plenty = 2 * total_places(cap_in, n) >= 3 * n
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
    p = Problem(
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
        state: SparseState | DenseState
        if dense:
            graph, state = first_pass_dense(p, pool, k, opts, progress)
        else:
            graph, state = first_pass_sparse(p, pool, k, opts, progress)
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
            if isinstance(state, DenseState):
                new, max_red, n_need = price_dense(state, duals, opts, margin)
            elif try_cover:
                cover = price_coverage(p, assign, duals, pool, opts, progress)
            if cover is not None:
                new, max_red, n_need = cover, 1, 0
            elif isinstance(state, SparseState):
                new, max_red, n_need = price_sparse(
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
                state.reserve[0].size if isinstance(state, SparseState) else 0,
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
            graph = merge_arcs(graph, new, m)
            if graph[0].size == before:  # pragma: no cover - every pair added is new
                if cover is None:
                    raise RuntimeError("pricing returned only pairs already in the graph")
                try_cover = False
            warm_ok = opts.repair
    raise RuntimeError(f"pricing did not converge in {opts.max_rounds} rounds")  # pragma: no cover


def _solution(
    assign: NDArray[np.intp],
    duals: Duals,
    p: Problem,
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
