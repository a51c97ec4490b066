"""The large-programme core (mentormatch._large) against a dense oracle.

The oracle is scipy's ``linear_sum_assignment`` on the capacity-expanded
matrix with the big-M weighting (the dense path's formulation), on scores
that are multiples of 1/8: exact on the core's grid and in floats, and full
of ties, so coverage and total score must agree exactly.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linear_sum_assignment

from mentormatch._errors import MentormatchError
from mentormatch._large import LargeOptions, have_ortools, solve_large
from mentormatch._large.duals import big_m
from mentormatch._large.grid import MIN_SCORE_TOL

BACKENDS = ["scipy", *(["ortools"] if have_ortools() else [])]


def eligible(
    score: np.ndarray, cap: np.ndarray, min_score: float, required: np.ndarray | None
) -> np.ndarray:
    ok = np.isfinite(score) & (score >= min_score - MIN_SCORE_TOL) & (cap > 0)[None, :]
    if required is not None:
        fixed = np.flatnonzero(required >= 0)
        mask = np.zeros_like(ok)
        mask[fixed, required[fixed]] = True
        ok[fixed] &= mask[fixed]
    return ok


def dense_optimum(score: np.ndarray, ok: np.ndarray, cap: np.ndarray) -> tuple[int, float]:
    """(matched, total score) by LSA on the expanded matrix, big-M weighted."""
    n, m = score.shape
    slots = np.repeat(np.arange(m), np.minimum(cap, n))
    if n == 0 or slots.size == 0:
        return 0, 0.0
    cost = np.where(ok, -(float(n + 1) + np.where(ok, score, 0.0)), 0.0)[:, slots]
    r, c = linear_sum_assignment(cost)
    made = ok[r, slots[c]]
    return int(made.sum()), float(score[r[made], slots[c][made]].sum())


def value(assign: np.ndarray, score: np.ndarray) -> tuple[int, float]:
    rows = np.flatnonzero(assign >= 0)
    return int(rows.size), float(score[rows, assign[rows]].sum())


@st.composite
def problems(draw: Any) -> dict[str, Any]:
    n = draw(st.integers(0, 14))
    m = draw(st.integers(0, 7))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    score = rng.integers(0, 9, size=(n, m)) / 8.0  # ties everywhere
    score[rng.random((n, m)) < draw(st.sampled_from([0.0, 0.2, 0.5]))] = -np.inf
    cap = rng.integers(0, 4, size=m)  # capacity shortages and closed mentors
    required = None
    if n and m and draw(st.booleans()):
        required = np.where(rng.random(n) < 0.3, rng.integers(0, m, size=n), -1)
    return {
        "score": score,
        "cap": cap,
        "min_score": draw(st.sampled_from([0.0, 0.3, 0.5])),
        "required": required,
        "options": LargeOptions(
            k=draw(st.integers(1, 3)),
            reserve=draw(st.integers(0, 2)),
            add=draw(st.integers(1, 3)),
            margin=draw(st.sampled_from([0.0, 0.1])),
            backend=draw(st.sampled_from(BACKENDS)),
            groups=draw(st.integers(1, 4)),
            block_cells=draw(st.integers(1, 40)),
            dense_cells=draw(st.sampled_from([0, 10_000])),
            repair=draw(st.booleans()),
        ),
        # pricing by mentor group (the rows rescored against failing groups only)
        "cells": draw(st.booleans()),
    }


def solve(pb: dict[str, Any], **kw: Any) -> Any:
    score = pb["score"]
    if pb.get("cells"):
        kw.setdefault("score_cells", lambda rows, cols: score[np.ix_(rows, cols)])
    return solve_large(
        lambda rows: score[rows].copy(),
        pb["cap"],
        score.shape[0],
        min_score=pb["min_score"],
        required=pb["required"],
        options=kw.pop("options", pb["options"]),
        **kw,
    )


@given(problems())
@settings(max_examples=150)
def test_same_coverage_and_total_as_the_dense_path(pb: dict[str, Any]) -> None:
    score, cap = pb["score"], pb["cap"]
    ok = eligible(score, cap, pb["min_score"], pb["required"])
    sol = solve(pb)
    a = sol.assignment
    rows = np.flatnonzero(a >= 0)
    assert ok[rows, a[rows]].all(), "an ineligible pair was made"
    assert (np.bincount(a[rows], minlength=cap.size) <= cap).all(), "a mentor over capacity"
    assert value(a, score) == dense_optimum(score, ok, cap)


@given(
    st.integers(0, 2**32 - 1),
    st.integers(2, 40),
    st.integers(2, 12),
    st.integers(1, 12),
    st.sampled_from([0.0, 0.1]),
)
@settings(max_examples=150)
def test_pricing_by_mentor_group_is_exact(
    seed: int, n: int, m: int, groups: int, margin: float
) -> None:
    """Rows rescored against their failing groups only, with few candidates and many violators.

    One candidate, no reserve and one violator added per row and round: a
    row rescored in several groups finds more violators than it adds, and
    the ones it does not add must still be priced (the reserve keeps them).
    """
    rng = np.random.default_rng(seed)
    score = rng.integers(0, 9, size=(n, m)) / 8.0
    score[rng.random((n, m)) < 0.2] = -np.inf
    cap = rng.integers(0, 3, size=m)
    opts = LargeOptions(
        k=1, reserve=0, add=1, margin=margin, groups=groups, dense_cells=0, backend="scipy"
    )
    pb = {"score": score, "cap": cap, "min_score": 0.0, "required": None, "cells": True}
    sol = solve({**pb, "options": opts})
    assert value(sol.assignment, score) == dense_optimum(
        score, eligible(score, cap, 0.0, None), cap
    )


@given(problems())
def test_the_duals_certify_the_answer(pb: dict[str, Any]) -> None:
    """Checked independently: every eligible pair priced out, complementary slackness."""
    score, cap = pb["score"], pb["cap"]
    n, m = score.shape
    sol = solve(pb)
    unit = 1 << sol.bits
    big = big_m(n, sol.bits)
    ok = eligible(score, cap, pb["min_score"], pb["required"])
    grid = np.rint(np.where(ok, score, 0.0) * unit).astype(np.int64)
    red = grid - sol.v[None, :] - sol.theta[:, None]
    assert (red[ok] <= 0).all()
    assert (sol.v >= 0).all() and (sol.theta >= -big).all()
    a = sol.assignment
    rows = np.flatnonzero(a >= 0)
    assert (red[rows, a[rows]] == 0).all()  # matched pairs are tight
    assert (sol.theta[a < 0] == -big).all()  # unmatched rows: u_i = 0
    load = np.bincount(a[rows], minlength=m)
    assert (sol.v[load < cap] == 0).all()  # a mentor with a free place costs nothing
    assert sol.certificate.max_reduced <= 0


@given(problems(), st.integers(0, 2**32 - 1))
def test_deterministic_under_shuffled_input(pb: dict[str, Any], seed: int) -> None:
    """Shuffle rows and mentors (keys travel with them): the same pairs, exactly."""
    score, cap, req = pb["score"], pb["cap"], pb["required"]
    n, m = score.shape
    rng = np.random.default_rng(seed)
    pr, pc = rng.permutation(n), rng.permutation(m)
    keys_r, keys_c = rng.permutation(10 * n + 1)[:n], rng.permutation(10 * m + 1)[:m]
    first = solve(pb, row_key=keys_r, col_key=keys_c)
    inv_c = np.argsort(pc)
    shuffled = {
        **pb,
        "score": score[np.ix_(pr, pc)],
        "cap": cap[pc],
        "required": None if req is None else np.where(req[pr] >= 0, inv_c[req[pr]], -1),
    }
    second = solve(shuffled, row_key=keys_r[pr], col_key=keys_c[pc])
    back = np.append(pc, -1)[second.assignment]  # -1 (unmatched) picks the appended -1
    assert (back == first.assignment[pr]).all()


@pytest.mark.parametrize("backend", BACKENDS)
def test_continuous_scores_agree_within_the_grid(backend: str) -> None:
    rng = np.random.default_rng(7)
    for _ in range(20):
        n, m = int(rng.integers(5, 40)), int(rng.integers(2, 10))
        score = rng.random((n, m))
        score[rng.random((n, m)) < 0.1] = -np.inf
        cap = rng.integers(0, 5, size=m)
        opts = LargeOptions(k=2, backend=backend, dense_cells=0, block_cells=64)
        sol = solve_large(lambda rows, s=score: s[rows].copy(), cap, n, options=opts)
        got, want = value(sol.assignment, score), dense_optimum(score, np.isfinite(score), cap)
        assert got[0] == want[0]
        assert abs(got[1] - want[1]) <= n * 2.0**-sol.bits


def test_threads_and_an_executor_give_the_same_answer() -> None:
    from concurrent.futures import ThreadPoolExecutor

    rng = np.random.default_rng(3)
    score = rng.integers(0, 5, size=(300, 40)) / 4.0
    cap = rng.integers(1, 9, size=40)

    def run(**kw: Any) -> np.ndarray:
        opts = LargeOptions(k=3, dense_cells=0, block_cells=400, **kw)
        return solve_large(lambda r: score[r].copy(), cap, 300, options=opts).assignment

    one = run()
    assert (run(workers=2) == one).all()
    with ThreadPoolExecutor(2) as pool:
        assert (run(executor=pool) == one).all()


def test_progress_is_reported_per_phase() -> None:
    score = np.full((50, 5), 0.5)
    seen: list[tuple[str, int, int]] = []
    solve_large(
        lambda r: score[r].copy(),
        np.full(5, 4),
        50,
        options=LargeOptions(k=1, dense_cells=0, block_cells=50),
        progress=lambda *a: seen.append(a),
    )
    assert seen[0][0] == "scoring" and seen[-1][0] in {"scoring", "solving", "pricing"}
    scoring = [s for s in seen if s[0] == "scoring"]
    assert scoring[-1][1] == scoring[-1][2] == 50
    # every round's solve is announced and closed, then priced
    solving = [s for s in seen if s[0] == "solving"]
    assert solving and solving[0] == ("solving", 0, 1)
    assert solving.count(("solving", 0, 1)) == solving.count(("solving", 1, 1))


def test_bad_input_is_refused_with_the_field() -> None:
    score = np.array([[0.5, 1.5]])
    with pytest.raises(MentormatchError, match=r"\[0, 1\].*row 0 has 1\.5") as err:
        solve_large(lambda r: score[r].copy(), np.array([1, 1]), 1)
    assert err.value.field == "score"
    with pytest.raises(MentormatchError, match="shape") as err:
        solve_large(lambda r: np.zeros((len(r), 3)), np.array([1, 1]), 1)
    assert err.value.field == "score_block"
    with pytest.raises(MentormatchError, match="distinct") as err:
        solve_large(lambda r: np.zeros((len(r), 2)), np.array([1, 1]), 2, row_key=np.array([4, 4]))
    assert err.value.field == "row_key"
    with pytest.raises(MentormatchError, match="capacity") as err:
        solve_large(lambda r: np.zeros((len(r), 2)), np.array([1, -1]), 1)
    assert err.value.field == "capacity"
    with pytest.raises(MentormatchError, match="required") as err:
        solve_large(lambda r: np.zeros((len(r), 2)), np.array([1, 1]), 2, required=np.array([0]))
    assert err.value.field == "required"
    with pytest.raises(MentormatchError, match="backend") as err:
        solve_large(
            lambda r: np.zeros((len(r), 2)), np.array([1, 1]), 1, options=LargeOptions(backend="x")
        )
    assert err.value.field == "backend"


@given(st.integers(0, 2**32 - 1), st.integers(1, 4), st.integers(1, 5))
@settings(max_examples=100, deadline=None)
def test_coverage_keeps_each_mentors_best_rows_over_blocks(seed: int, add: int, cuts: int) -> None:
    from mentormatch._large.pricing import CoverBest

    rng = np.random.default_rng(seed)
    n_free, n_pairs = int(rng.integers(1, 6)), int(rng.integers(0, 40))
    cols = rng.integers(0, n_free, size=n_pairs)
    rows = rng.permutation(1000)[:n_pairs].astype(np.int64)
    keys = rng.permutation(10**6)[:n_pairs].astype(np.int64)  # distinct, as the core's are
    best = CoverBest(n_free, add)
    empty = np.zeros(0, dtype=np.int64)
    for part in np.array_split(np.arange(n_pairs), cuts):
        best.fold((empty, empty, empty, rows[part], cols[part], keys[part]))
    free = np.arange(10, 10 + n_free)
    r, c, k = best.pairs(free)
    expected = set()
    for j in range(n_free):
        mine = np.flatnonzero(cols == j)
        top = mine[np.argsort(-keys[mine])][:add]
        expected |= {(int(rows[t]), int(free[j]), int(keys[t])) for t in top}
    assert set(zip(r.tolist(), c.tolist(), k.tolist(), strict=True)) == expected
