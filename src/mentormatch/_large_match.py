"""The large-programme path (private): a programme's block scorer behind the exact core.

:func:`solve_blocks` runs :func:`mentormatch._large.solve_large` with a
:class:`~mentormatch._scoring.ProgrammeScorer` as its block callback, for
:meth:`Matcher.match <mentormatch.Matcher.match>` (``solver="sparse"``) and
for :func:`mentormatch.lifecycle.rematch` (kept pairs fixed: their rows are
left out and their places taken off the capacities). The canonical order of
rows and mentors comes from a stable hash of the ids (:func:`id_keys`), so the
answer never depends on the order of the input; the rules that fix a
mentee's mentor reach the core as ``required``.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

from mentormatch._large import LargeOptions, LargeSolution, Progress, solve_large
from mentormatch._scoring import ProgrammeScorer
from mentormatch._scoring.blocked import block_rows

__all__ = [
    "LargeRun",
    "MatcherOptions",
    "id_keys",
    "maximin_blocks",
    "required_of",
    "solve_blocks",
]

_Int = NDArray[np.intp]
_I64 = NDArray[np.int64]

#: Threads scoring blocks at most (numpy releases the GIL; more rarely pays on a laptop).
MAX_WORKERS = 4

#: Maximin: past this many distinct scores, bisect the score interval instead of the values.
MAX_VALUES = 1 << 20

#: Maximin's interval bisection stops when the interval is this narrow (the grid's order).
VALUE_TOL = 1e-9


class MatcherOptions(Protocol):
    """The solver options the large path reads (a :class:`~mentormatch.Matcher` has them)."""

    @property
    def candidates(self) -> int | None: ...

    @property
    def backend(self) -> str: ...

    @property
    def min_score(self) -> float: ...


def id_keys(ids: Sequence[str]) -> _I64:
    """Distinct non-negative int64 keys from a stable hash of the ids (BLAKE2b, 63 bits).

    A key depends on its id alone (not on the other ids or the order they
    come in), so the core's canonical order and tie-break are a function of
    the programme. Should two ids collide (about one chance in 10**10 for
    100,000 ids), the keys become the ranks of (hash, id), still distinct and
    order-free.

    Examples
    --------
    >>> a, b = id_keys(["e1", "e2", "e3"]), id_keys(["e3", "e1", "e2"])
    >>> bool((a[[2, 0, 1]] == b).all()), bool((a >= 0).all())
    (True, True)
    """
    raw = [
        int.from_bytes(hashlib.blake2b(i.encode(), digest_size=8).digest(), "big") >> 1 for i in ids
    ]
    keys = np.array(raw, dtype=np.int64).reshape(len(raw))
    if np.unique(keys).size == keys.size:
        return keys
    order = sorted(range(len(ids)), key=lambda k: (raw[k], ids[k]))  # pragma: no cover - 2**-63
    ranks = np.empty(len(ids), dtype=np.int64)  # pragma: no cover
    ranks[order] = np.arange(len(ids), dtype=np.int64)  # pragma: no cover
    return ranks  # pragma: no cover


def required_of(ps: ProgrammeScorer) -> _Int | None:
    """Per mentee row, the mentor column a rule fixes (the first such rule), or -1; None if none.

    A mentee two rules fix to different mentors keeps the first: the block
    scorer refuses every pair of that row, so it stays unmatched (and its
    reason names the rules), as on the dense path.
    """
    req: _Int | None = None
    for rule in ps.rules:
        if rule.required is None:
            continue
        got = np.asarray(rule.required, dtype=np.intp)
        req = got.copy() if req is None else np.where(req >= 0, req, got).astype(np.intp)
    return req


@dataclass(frozen=True)
class LargeRun:
    """The core's answer over all of the programme's rows, and what the result's metadata says."""

    assignment: _Int
    solution: LargeSolution
    metadata: dict[str, Any]


def _workers(ps: ProgrammeScorer) -> int:
    return min(os.cpu_count() or 1, MAX_WORKERS) if ps.thread_safe else 1


def solve_blocks(
    options: MatcherOptions,
    ps: ProgrammeScorer,
    capacity: _I64,
    *,
    rows: _Int | None = None,
    progress: Progress | None = None,
) -> LargeRun:
    """The core on ``ps``'s programme (only ``rows``, the others left unmatched), proved optimal.

    Parameters
    ----------
    options : Matcher or the like
        ``candidates`` (the core's starting ``k``), ``backend``, ``min_score``.
    ps : ProgrammeScorer
        The programme, encoded; its ``eligible_total`` is the block callback.
    capacity : ndarray of int64
        Places per mentor for these rows (``rematch``: what the kept pairs left).
    rows : ndarray of int, optional
        The mentee rows to match (default: all).
    progress : callable, optional
        ``progress(phase, done, total)``: the core's ``"scoring"`` and
        ``"pricing"`` blocks, then one ``"solving"`` call.

    Returns
    -------
    LargeRun
        ``assignment`` over every row of ``ps`` (-1 outside ``rows``);
        ``metadata``: the path's figures (see :meth:`MatchResult.metadata
        <mentormatch.MatchResult.metadata>`), timings without ``explaining``.

    Examples
    --------
    >>> import numpy as np
    >>> import mentormatch as mm
    >>> e = [mm.Mentee(id="e1", goals=["sql"]), mm.Mentee(id="e2", goals=["go"])]
    >>> m = [mm.Mentor(id="m1", goals=["go"]), mm.Mentor(id="m2", goals=["sql"])]
    >>> matcher = mm.Matcher([mm.GoalOverlap()], backend="scipy")
    >>> ps = ProgrammeScorer(matcher.criteria, matcher.constraints, (e, m), min_score=0.0)
    >>> run = solve_blocks(matcher, ps, np.array([1, 1]))
    >>> run.assignment, run.metadata["certified"]
    (array([1, 0]), True)
    """
    t0 = time.perf_counter()
    sub = np.arange(ps.n, dtype=np.intp) if rows is None else np.asarray(rows, dtype=np.intp)
    open_cols = capacity > 0
    req = required_of(ps)
    every = rows is None

    def score_block(block: _Int) -> NDArray[np.float64]:
        return ps.eligible_total(block if every else sub[block], open_cols)

    def score_cells(block: _Int, cols: _Int) -> NDArray[np.float64]:
        return ps.eligible_total(block if every else sub[block], open_cols, cols)

    n_tees = len(ps.tees)
    tee_keys = id_keys([e.id for e in ps.tees])
    tor_keys = id_keys([t.id for t in ps.tors])
    # far more candidates than mentors cannot matter: clipped, so a huge value never reaches numpy
    k = None if options.candidates is None else min(options.candidates, max(ps.m, 1))
    opts = LargeOptions(k=k, backend=options.backend, workers=_workers(ps))
    t1 = time.perf_counter()
    sol = solve_large(
        score_block,
        capacity,
        int(sub.size),
        min_score=options.min_score,
        required=None if req is None else req[sub],
        row_key=tee_keys[sub],
        col_key=tor_keys,
        options=opts,
        progress=progress,
        score_cells=score_cells,
    )
    if progress is not None:
        progress("solving", 1, 1)
    assignment = np.full(n_tees, -1, dtype=np.intp)
    assignment[sub] = sol.assignment
    st, cert = sol.stats, sol.certificate
    metadata: dict[str, Any] = {
        "solver": "sparse",
        "backend": sol.backend,
        "timings": {
            "encoding": t1 - t0,
            "scoring": float(st["scoring"]),
            "solving": float(st["solving"]),
            "pricing": float(st["pricing"]),
        },
        "candidates_per_mentee": int(st["k"]),
        "candidate_pairs": int(st["candidates"]),
        "pricing_rounds": cert.rounds,
        "pairs_added": int(st["pairs_added"]),
        "rows_rescored": int(st["rows_rescored"]),
        "pairs_rescored": int(st["pairs_rescored"]),
        "rows_proved_by_bound": cert.proved_by_bound,
        "certified": cert.max_reduced <= 0,
        "max_reduced": cert.max_reduced,
        "grid_bits": sol.bits,
        "workers": opts.workers,
    }
    return LargeRun(assignment, sol, metadata)


@dataclass(frozen=True)
class _Options:
    """The solver options of a maximin probe: the matcher's, with a higher ``min_score``."""

    candidates: int | None
    backend: str
    min_score: float


def _candidate_thresholds(
    ps: ProgrammeScorer, open_cols: NDArray[np.bool_], first: _Int, cover: int
) -> tuple[NDArray[np.float64], bool]:
    """The scores the maximin threshold can take, sorted, and whether that is all of them.

    One blocked pass over every row (the memory of a block, plus the values)
    keeps the distinct scores of the pairs that can be made between two
    bounds read in the same pass: the lowest score of ``first`` (a
    maximum-coverage assignment, so feasible: the first value) and the
    ``cover``-th largest of the rows' best scores (``cover`` mentees each
    need a pair at the threshold or above). Past ``MAX_VALUES`` distinct
    scores only the two bounds are returned (and False).
    """
    values = np.zeros(0, dtype=np.float64)
    floor, many = np.inf, False
    best = np.full(ps.n, -np.inf)
    step = block_rows(ps.m)
    for start in range(0, ps.n, step):
        rows = np.arange(start, min(start + step, ps.n), dtype=np.intp)
        total = ps.eligible_total(rows, open_cols)
        made = first[rows] >= 0
        if made.any():
            floor = min(floor, float(total[np.flatnonzero(made), first[rows][made]].min()))
        if total.shape[1]:
            best[rows] = total.max(axis=1)
        if not many:
            values = np.union1d(values, np.unique(total[np.isfinite(total)]))
            many = values.size > MAX_VALUES
    ceiling = float(np.sort(best)[-cover])
    if many:
        return np.array([floor, ceiling]), False
    return values[(values >= floor) & (values <= ceiling)], True


def maximin_blocks(
    options: MatcherOptions,
    ps: ProgrammeScorer,
    capacity: _I64,
    *,
    progress: Progress | None = None,
) -> tuple[LargeRun, int]:
    """Maximin on the large path: most matched, then the best worst score, then the total.

    The core, run again with a rising ``min_score``: (1) a first solve gives
    ``k``, the most mentees any assignment matches; (2) bisection over the
    distinct scores of the pairs that can be made, between that solve's
    lowest score and the ``k``-th largest of the mentees' best scores (one
    blocked pass collects them; past ``MAX_VALUES`` of them, over that
    interval down to ``VALUE_TOL``) finds the largest threshold ``t`` at
    which the core, with ``min_score=t``, still matches ``k``; (3) that solve already has the
    largest total among those assignments. Feasibility is monotone in ``t``,
    so the search is exact (on the core's grid, and with its ``1e-9`` slack
    on ``min_score``). About ``log2`` of the distinct scores solves.

    Returns
    -------
    (LargeRun, int)
        The final solve (``metadata["timings"]`` summed over every solve and
        the pass collecting the scores) and the number of solves.

    Examples
    --------
    >>> import numpy as np
    >>> import mentormatch as mm
    >>> e = [mm.Mentee(id="e1", goals=["a", "b"]), mm.Mentee(id="e2", goals=["a"])]
    >>> m = [mm.Mentor(id="m1", goals=["a", "b"]), mm.Mentor(id="m2", goals=["b"])]
    >>> matcher = mm.Matcher([mm.GoalOverlap()], backend="scipy")
    >>> ps = ProgrammeScorer(matcher.criteria, matcher.constraints, (e, m), min_score=0.0)
    >>> run, solves = maximin_blocks(matcher, ps, np.array([1, 1]))
    >>> run.assignment, solves
    (array([1, 0]), 2)
    """
    timings: dict[str, float] = {"encoding": 0.0, "scoring": 0.0, "solving": 0.0, "pricing": 0.0}
    solves = 0

    def solve(min_score: float) -> LargeRun:
        nonlocal solves
        probe = _Options(options.candidates, options.backend, max(options.min_score, min_score))
        run = solve_blocks(probe, ps, capacity, progress=progress)
        for phase, seconds in run.metadata["timings"].items():
            timings[phase] += seconds
        solves += 1
        return run

    def covers(run: LargeRun) -> bool:
        return int((run.assignment >= 0).sum()) == cover

    best = solve(options.min_score)
    cover = int((best.assignment >= 0).sum())
    t0 = time.perf_counter()
    values, every = (
        _candidate_thresholds(ps, capacity > 0, best.assignment, cover)
        if cover
        else (np.zeros(0), True)
    )
    timings["scoring"] += time.perf_counter() - t0
    if every:
        lo, hi = 0, values.size - 1  # values[0] is the first solve's lowest score: feasible
        while lo < hi:
            mid = (lo + hi + 1) // 2
            run = solve(float(values[mid]))
            if covers(run):
                lo, best = mid, run
            else:
                hi = mid - 1
    else:  # too many distinct scores to keep: bisect the interval between the ends
        low, high = float(values[0]), float(values[1])
        top = solve(high)
        if covers(top):
            best, low = top, high
        while high - low > VALUE_TOL:
            middle = (low + high) / 2
            run = solve(middle)
            if covers(run):
                low, best = middle, run
            else:
                high = middle
    return replace(best, metadata={**best.metadata, "timings": timings}), solves
