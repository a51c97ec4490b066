"""The sparse, priced solver against the dense one and against brute force."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.typing import NDArray

from mentormatch._solve import (
    PRICE_TOL,
    Duals,
    Graph,
    assignment_value,
    candidate_duals,
    have_ortools,
    solve_candidates,
    solve_dense,
    solve_sparse,
)
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
    """Run the priced sparse solver, starting from each row's top-k allowed pairs."""
    n = score.shape[0]
    masked = np.where(allowed, score, -np.inf)
    order = np.argsort(-masked, axis=1, kind="stable")[:, :k]
    rows = np.repeat(np.arange(n), order.shape[1])
    cols = order.ravel()
    keep = allowed[rows, cols]
    rows, cols = rows[keep], cols[keep]
    zero = capacity == 0

    def price(d: Duals) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64]]:
        r, c = np.nonzero(allowed & ~zero[None, :])
        bad = d.reduced(r, c, score[r, c]) > PRICE_TOL
        return r[bad], c[bad], score[r[bad], c[bad]]

    ok = ~zero[cols]
    start = Graph.of(n, capacity, rows=rows[ok], cols=cols[ok], score=score[rows[ok], cols[ok]])
    sol = solve_sparse(start, price, backend=backend)
    return sol.assignment, sol.rounds


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
    assert s_s == pytest.approx(s_d, abs=1e-9)


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


def test_duals_refuse_a_suboptimal_assignment() -> None:
    rows, cols = np.array([0, 0, 1]), np.array([0, 1, 0])
    s = np.array([0.9, 0.8, 0.1])
    cap = np.array([1, 1])
    g = Graph.of(2, cap, rows=rows, cols=cols, score=s)
    assert candidate_duals(g, np.array([0, -1])) is None  # fewer matched
    assert candidate_duals(g, np.array([1, 0])) is not None
    # a row placed on a pair outside the candidates
    assert candidate_duals(g, np.array([1, 1])) is None


@pytest.mark.parametrize("backend", BACKENDS)
def test_solve_candidates_no_pairs(backend: str) -> None:
    empty = np.zeros(0, dtype=np.int64)
    g = Graph.of(3, np.array([1, 2]), rows=empty, cols=empty, score=np.zeros(0))
    a = solve_candidates(g, backend=backend)
    assert a.tolist() == [-1, -1, -1]
