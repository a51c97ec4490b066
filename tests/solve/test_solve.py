"""The dense solver against brute force, and the large core against the dense solver."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.typing import NDArray

from mentormatch._large import LargeOptions, have_ortools, solve_large
from mentormatch._solve import assignment_value, solve_dense
from tests.oracle import check_assignment

BACKENDS = [
    "scipy",
    pytest.param("ortools", marks=pytest.mark.skipif(not have_ortools(), reason="no OR-Tools")),
]


def sparse_from_dense(
    score: NDArray[np.float64],
    allowed: NDArray[np.bool_],
    capacity: NDArray[np.int64],
    k: int,
    backend: str,
) -> tuple[NDArray[np.intp], int]:
    """The large core on this matrix (no dense mode: pricing by bounds and rescoring)."""
    masked = np.where(allowed, score, -np.inf)
    opts = LargeOptions(k=k, backend=backend, dense_cells=0, block_cells=8)
    sol = solve_large(lambda rows: masked[rows].copy(), capacity, score.shape[0], options=opts)
    return sol.assignment, sol.certificate.rounds


@st.composite
def problems(
    draw: st.DrawFn, max_n: int = 9, max_m: int = 6
) -> tuple[NDArray[np.float64], NDArray[np.bool_], NDArray[np.int64]]:
    n = draw(st.integers(0, max_n))
    m = draw(st.integers(0, max_m))
    levels = draw(st.sampled_from([2, 3, 5, 1000]))  # few levels -> many ties
    score = np.array(
        draw(st.lists(st.integers(0, levels - 1), min_size=n * m, max_size=n * m)), dtype=float
    ).reshape(n, m) / (levels - 1)
    allowed = np.array(
        draw(st.lists(st.booleans() | st.just(True), min_size=n * m, max_size=n * m)), dtype=bool
    ).reshape(n, m)
    capacity = np.array(draw(st.lists(st.integers(0, 3), min_size=m, max_size=m)), dtype=np.int64)
    return score, allowed, capacity


@pytest.mark.parametrize("backend", BACKENDS)
@given(problems(), st.integers(1, 3))
def test_sparse_equals_dense(
    backend: str, prob: tuple[NDArray[np.float64], NDArray[np.bool_], NDArray[np.int64]], k: int
) -> None:
    score, allowed, capacity = prob
    dense = solve_dense(score, allowed, capacity)
    sparse, _ = sparse_from_dense(score, allowed, capacity, k, backend)
    check_assignment(sparse, score, allowed, capacity, optimal=False)
    n_d, s_d = assignment_value(dense, score)
    n_s, s_s = assignment_value(sparse, score)
    assert n_s == n_d
    assert s_s == pytest.approx(s_d, abs=max(score.shape[0], 1) * 2.0**-30)


@given(problems(max_n=5, max_m=3))
def test_dense_equals_brute_force(
    prob: tuple[NDArray[np.float64], NDArray[np.bool_], NDArray[np.int64]],
) -> None:
    score, allowed, capacity = prob
    check_assignment(solve_dense(score, allowed, capacity), score, allowed, capacity)


@given(problems(max_n=5, max_m=3), st.integers(1, 2))
def test_sparse_equals_brute_force(
    prob: tuple[NDArray[np.float64], NDArray[np.bool_], NDArray[np.int64]], k: int
) -> None:
    score, allowed, capacity = prob
    sparse, _ = sparse_from_dense(score, allowed, capacity, k, "scipy")
    check_assignment(sparse, score, allowed, capacity)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("seed", range(6))
def test_pairs_equal_without_ties(backend: str, seed: int) -> None:
    rng = np.random.default_rng(seed)
    n, m = 60, 25
    score = rng.random((n, m))
    allowed = rng.random((n, m)) > 0.3
    capacity = rng.integers(0, 4, size=m)
    dense = solve_dense(score, allowed, capacity)
    sparse, rounds = sparse_from_dense(score, allowed, capacity, 2, backend)
    np.testing.assert_array_equal(sparse, dense)
    assert rounds >= 1


@pytest.mark.parametrize("shape", [(0, 0), (2, 0), (0, 3)])
@pytest.mark.parametrize("backend", BACKENDS)
def test_empty_shapes(shape: tuple[int, int], backend: str) -> None:
    score = np.zeros(shape)
    allowed = np.ones(shape, dtype=bool)
    capacity = np.ones(shape[1], dtype=np.int64)
    a, rounds = sparse_from_dense(score, allowed, capacity, 2, backend)
    assert a.shape == (shape[0],)
    assert (a == -1).all()
    assert rounds == 1


def test_shortage_leaves_the_lowest_out() -> None:
    score = np.array([[0.9], [0.5], [0.7]])
    allowed = np.ones((3, 1), dtype=bool)
    a, _ = sparse_from_dense(score, allowed, np.array([2]), 1, "scipy")
    assert a.tolist() == [0, -1, 0]
