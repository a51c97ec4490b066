"""The warm start between rounds (mentormatch._large.warm) against a solve from scratch.

An optimum on a random part of a graph, with its least duals, is moved to
the whole graph by successive shortest paths; it must be optimal there
(the least duals certify it, and it scores what a fresh solve scores), with
ties everywhere, closed mentors, shortages and rows that end unmatched.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from mentormatch._large.duals import big_m, least_duals
from mentormatch._large.flow import solve_scipy
from mentormatch._large.warm import warm_start

BITS = 3


@st.composite
def graphs(draw: Any) -> dict[str, Any]:
    n = draw(st.integers(1, 12))
    m = draw(st.integers(1, 6))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    dense = rng.random((n, m)) < draw(st.sampled_from([0.4, 0.7, 1.0]))
    rows, cols = np.nonzero(dense)
    score = rng.integers(0, 1 << BITS, size=rows.size).astype(np.int64)  # ties everywhere
    old = rng.random(rows.size) < draw(st.sampled_from([0.3, 0.6, 0.9]))
    return {
        "n": n,
        "cap": rng.integers(0, 3, size=m).astype(np.int64),
        "arcs": (rows.astype(np.int64), cols.astype(np.int64), score),
        "old": old,
    }


def total(assign: np.ndarray, arcs: tuple[np.ndarray, ...]) -> tuple[int, int]:
    rows, cols, score = arcs
    made = assign[rows] == cols
    return int((assign >= 0).sum()), int(score[made].sum())


@given(graphs())
@settings(max_examples=300, deadline=None)
def test_warm_start_reaches_the_optimum_of_the_whole_graph(g: dict[str, Any]) -> None:
    n, cap, arcs, old = g["n"], g["cap"], g["arcs"], g["old"]
    big = big_m(n, BITS)
    part = tuple(a[old] for a in arcs)
    first = solve_scipy(n, cap, *part, BITS)
    duals = least_duals(n, cap, *part, first, big)
    assert duals is not None
    warm = warm_start(n, cap, arcs, first, duals.theta, duals.v, big, max_paths=n)
    assert warm is not None
    moved, _ = warm
    fresh = solve_scipy(n, cap, *arcs, BITS)
    assert total(moved, arcs) == total(fresh, arcs)
    assert least_duals(n, cap, *arcs, moved, big) is not None  # certified on the whole graph
    # a valid assignment: only pairs of the graph, capacities held
    made = np.flatnonzero(moved >= 0)
    pairs = set(zip(arcs[0].tolist(), arcs[1].tolist(), strict=True))
    assert all((int(i), int(moved[i])) in pairs for i in made)
    assert (np.bincount(moved[made], minlength=cap.size) <= cap).all()


def test_too_many_rows_to_move_is_left_to_a_full_solve() -> None:
    arcs = (np.array([0, 1]), np.array([0, 0]), np.array([5, 6]))
    none = np.full(2, -1)
    duals = (np.full(2, -100), np.zeros(1, dtype=np.int64))
    assert warm_start(2, np.array([2]), arcs, none, *duals, 100, max_paths=1) is None
    warm = warm_start(2, np.array([2]), arcs, none, *duals, 100, max_paths=2)
    assert warm is not None and warm[0].tolist() == [0, 0] and warm[1] == 2
