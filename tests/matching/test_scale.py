"""The large-programme path: blocked scoring, and Matcher(solver="sparse") == solver="dense"."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import mentormatch as mm
from mentormatch import _large_match, matching
from mentormatch._large import have_ortools
from mentormatch._scoring import ProgrammeScorer
from mentormatch._scoring.blocked import block_rows
from tests.oracle import check_result
from tests.strategies import programmes

BUILTINS = [
    mm.GoalOverlap(weight=2),
    mm.SkillGap(),
    mm.SkillGap(ideal_gap=1, name="skill1"),
    mm.DepartmentDistance(prefer="different"),
    mm.DepartmentDistance(prefer="same", name="dept_same"),
    mm.StatedPreferences(mutual=True),
    mm.StatedPreferences(name="prefs_one_way"),
    mm.TextSimilarity(weight=0.5),
    mm.TextSimilarity(stop_words=None, name="text_all"),
    mm.AttributeMatch("location"),
    mm.AttributeMatch("location", prefer="different", name="loc_diff"),
]
BACKENDS = ["scipy", *(["ortools"] if have_ortools() else [])]


def rules(forbid: Sequence[tuple[str, str]] = ()) -> list[Any]:
    return [mm.NotInReportingLine(depth=2), mm.ForbidPairs(forbid)]


# -- blocked scoring equals the full matrix --------------------------------------------------


@given(programmes(max_mentees=7, max_mentors=5), st.data())
def test_blocks_equal_the_full_matrix(programme: Any, data: st.DataObject) -> None:
    tees, tors = programme
    n, m = len(tees), len(tors)
    rows = np.array(
        data.draw(st.lists(st.integers(0, max(n - 1, 0)), max_size=4)) if n else [], dtype=np.intp
    )
    cols = np.array(
        data.draw(st.lists(st.integers(0, max(m - 1, 0)), max_size=4)) if m else [], dtype=np.intp
    )
    for c in BUILTINS:
        full = c.score(tees, tors)
        enc = c.encode(tees, tors)
        np.testing.assert_allclose(enc(np.arange(n), None), full, rtol=0, atol=1e-12)
        np.testing.assert_allclose(enc(rows, None), full[rows], rtol=0, atol=1e-12)
        np.testing.assert_allclose(enc(rows, cols), full[np.ix_(rows, cols)], rtol=0, atol=1e-12)


@given(programmes(max_mentees=7, max_mentors=5), st.sampled_from([0.0, 0.3]), st.booleans())
def test_programme_scorer_equals_score_matrix(
    programme: Any, min_score: float, extra: bool
) -> None:
    tees, tors = programme
    constraints = rules([(e.id, t.id) for e in tees[:2] for t in tors[:1]])
    if extra:
        constraints += [mm.SameAttribute("location"), mm.DifferentDepartment()]
        if tees and tors:
            constraints.append(mm.RequirePairs([(tees[0].id, tors[-1].id)]))
    matcher = mm.Matcher(BUILTINS[:3] + BUILTINS[5:], constraints, min_score=min_score)
    sm = matcher.score(tees, tors)
    ps = ProgrammeScorer(matcher.criteria, matcher.constraints, (tees, tors), min_score=min_score)
    rows = np.arange(len(tees))
    np.testing.assert_allclose(ps.total(rows), sm.total, rtol=0, atol=1e-12)
    np.testing.assert_array_equal(ps.allowed(rows), sm.allowed)
    refused = ps.refused_by(rows)
    for name, mask in sm.refused_by.items():
        np.testing.assert_array_equal(refused[name], mask)
    for name, mask in refused.items():
        assert name in sm.refused_by or not mask.any()
    open_cols = np.array([t.capacity > 0 for t in tors], dtype=bool)
    et = ps.eligible_total(rows, open_cols)
    np.testing.assert_array_equal(np.isfinite(et), sm.eligible & open_cols[None, :])


@given(programmes(max_mentees=7, max_mentors=6), st.sampled_from([0.0, 0.3]), st.data())
def test_scoring_some_mentors_equals_the_full_blocks_columns(
    programme: Any, min_score: float, data: st.DataObject
) -> None:
    """``eligible_total(rows, open, cols)`` is the full block's columns ``cols``, bit for bit.

    Every built-in criterion and rule kind (index pairs, blocks, a required
    mentor), columns in any order: the large path's pricing by mentor group
    relies on it.
    """
    tees, tors = programme
    constraints = rules([(e.id, t.id) for e in tees[:2] for t in tors[:1]])
    constraints += [mm.SameAttribute("location"), mm.NotInReportingLine()]
    if tees and tors:
        constraints.append(mm.RequirePairs([(tees[0].id, tors[-1].id)]))
    ps = ProgrammeScorer(BUILTINS, constraints, (tees, tors), min_score=min_score)
    rows = (
        np.array(
            data.draw(st.lists(st.integers(0, max(len(tees) - 1, 0)), max_size=len(tees))),
            dtype=np.intp,
        )
        if tees
        else np.zeros(0, dtype=np.intp)
    )
    cols = np.array(
        data.draw(st.permutations(range(len(tors))))[: data.draw(st.integers(0, len(tors)))],
        dtype=np.intp,
    )
    open_cols = np.array([t.capacity > 0 for t in tors], dtype=bool)
    full = ps.eligible_total(rows, open_cols)
    part = ps.eligible_total(rows, open_cols, cols)
    assert part.shape == (rows.size, cols.size)
    np.testing.assert_array_equal(part, full[:, cols])


# -- the sparse path gives the dense path's answer --------------------------------------------


@pytest.mark.slow  # over 2 s
@pytest.mark.parametrize("backend", BACKENDS)
@given(
    programmes(max_mentees=8, max_mentors=5),
    st.sampled_from([0.0, 0.2, 0.5]),
    st.integers(1, 3),
    st.booleans(),
)
def test_sparse_equals_dense(
    backend: str, programme: Any, min_score: float, k: int, extra: bool
) -> None:
    tees, tors = programme
    forbid = [(e.id, t.id) for e in tees[::2] for t in tors[:1]]
    constraints = rules(forbid) + ([mm.SameAttribute("location")] if extra else [])
    kw: dict[str, Any] = {"min_score": min_score}
    dense = mm.Matcher(BUILTINS, constraints, solver="dense", **kw).match(tees, tors)
    sparse = mm.Matcher(
        BUILTINS, constraints, solver="sparse", candidates=k, backend=backend, **kw
    ).match(tees, tors)
    assert sparse.metadata["solver"] == "sparse"
    assert sparse.n_matched == dense.n_matched
    assert sparse.total_score == pytest.approx(dense.total_score, abs=1e-9)
    sm = mm.Matcher(BUILTINS, constraints, **kw).score(tees, tors)
    check_result(sparse, tees, tors, sm, optimal=False)
    if [(m.mentee_id, m.mentor_id) for m in sparse.matches] == [
        (m.mentee_id, m.mentor_id) for m in dense.matches
    ]:
        # same pairs: the same result, reasons and explanations included
        assert sparse.matches == dense.matches
        assert sparse.unmatched == dense.unmatched
        for e in tees:
            assert sparse.explain(e.id) == dense.explain(e.id)


def random_programme(
    seed: int, n: int, m: int, shortage: bool
) -> tuple[list[mm.Mentee], list[mm.Mentor], mm.FunctionCriterion]:
    """A programme whose scores have no ties (a continuous random criterion)."""
    rng = np.random.default_rng(seed)
    words = ["data", "sales", "lead", "python", "cloud", "design", "people", "growth"]
    depts = ["Eng/Data", "Eng/Apps", "Sales", "Sales/EMEA", "HR"]
    tees = [
        mm.Mentee(
            id=f"e{i:03d}",
            goals=list(rng.choice(words, 2, replace=False)),
            department=str(rng.choice(depts)),
            skills={"python": int(rng.integers(1, 4))},
            about=" ".join(rng.choice(words, 4)),
        )
        for i in range(n)
    ]
    high = 2 if shortage else 5
    tors = [
        mm.Mentor(
            id=f"m{j:03d}",
            capacity=int(rng.integers(0, high)),
            goals=list(rng.choice(words, 3, replace=False)),
            department=str(rng.choice(depts)),
            skills={"python": int(rng.integers(1, 6))},
            about=" ".join(rng.choice(words, 4)),
        )
        for j in range(m)
    ]
    noise = rng.random((n, m))
    row = {e.id: i for i, e in enumerate(tees)}
    col = {t.id: j for j, t in enumerate(tors)}

    def jitter(es: Sequence[mm.Mentee], ts: Sequence[mm.Mentor]) -> np.ndarray:
        return noise[np.ix_([row[e.id] for e in es], [col[t.id] for t in ts])]

    return tees, tors, mm.FunctionCriterion(jitter, name="jitter", weight=0.3)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(
    ("seed", "shortage", "min_score"),
    [(0, False, 0.0), (1, True, 0.0), (2, True, 0.35), (3, False, 0.3)],
)
def test_pairs_equal_without_ties(
    backend: str, seed: int, shortage: bool, min_score: float
) -> None:
    tees, tors, jitter = random_programme(seed, 90, 30, shortage)
    crit = [mm.GoalOverlap(), mm.SkillGap(), mm.DepartmentDistance(), mm.TextSimilarity(), jitter]
    cons = [mm.ForbidPairs([(tees[0].id, tors[0].id)]), mm.DifferentDepartment(level=2)]
    dense = mm.Matcher(crit, cons, min_score=min_score, solver="dense").match(tees, tors)
    sparse = mm.Matcher(
        crit, cons, min_score=min_score, solver="sparse", candidates=2, backend=backend
    ).match(tees, tors)
    assert sparse.matches == dense.matches
    assert sparse.unmatched == dense.unmatched
    assert sparse.total_score == dense.total_score
    for e in tees[:10]:
        assert sparse.explain(e.id) == dense.explain(e.id)
    meta = sparse.metadata
    assert meta["certified"] is True
    assert meta["pricing_rounds"] >= 1
    assert set(meta["timings"]) >= {"scoring", "solving", "pricing"}


@pytest.mark.parametrize(("mentors", "rows"), [(1, 1), (2, 3), (7, 1000)])
def test_matched_pairs_scored_in_small_blocks_keep_their_values(
    mentors: int, rows: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    import mentormatch._explain.build as build

    monkeypatch.setattr(build, "_PAIR_MENTORS", mentors)
    monkeypatch.setattr(build, "_PAIR_ROWS", rows)
    tees, tors, jitter = random_programme(5, 90, 30, False)
    crit = [mm.GoalOverlap(), mm.SkillGap(), mm.DepartmentDistance(), jitter]
    dense = mm.Matcher(crit, solver="dense").match(tees, tors)
    sparse = mm.Matcher(crit, solver="sparse").match(tees, tors)
    assert sparse.matches == dense.matches  # each pair's score and contributions


def test_progress_callback_and_metadata() -> None:
    tees, tors, jitter = random_programme(4, 40, 12, False)
    calls: list[tuple[str, int, int]] = []
    for solver in ("dense", "sparse"):
        calls.clear()
        matcher = mm.Matcher(
            [mm.GoalOverlap(), jitter], solver=solver, progress=lambda *a: calls.append(a)
        )
        result = matcher.match(tees, tors)
        phases = {c[0] for c in calls}
        assert {"scoring", "solving"} <= phases
        assert all(0 <= done <= total for _, done, total in calls)
        assert ("scoring", len(tees), len(tees)) in calls
        assert result.metadata["solver"] == solver
        assert set(result.metadata["timings"]) >= {"scoring", "solving", "pricing"}
    # the sparse path says when each round's solve starts and ends
    rounds = result.metadata["pricing_rounds"]
    assert calls.count(("solving", 0, 1)) == rounds
    assert calls.count(("solving", 1, 1)) >= rounds


def test_candidates_in_the_metadata_are_the_ones_used() -> None:
    tees, tors, jitter = random_programme(5, 40, 12, False)
    adaptive = mm.Matcher([mm.GoalOverlap(), jitter], solver="sparse").match(tees, tors)
    chosen = mm.Matcher([mm.GoalOverlap(), jitter], solver="sparse", candidates=3).match(tees, tors)
    assert adaptive.metadata["candidates_per_mentee"] in (8, 16, 32)
    assert chosen.metadata["candidates_per_mentee"] == 3
    assert adaptive == chosen  # the same optimum, whatever the start


def test_auto_picks_the_path_by_size(monkeypatch: pytest.MonkeyPatch) -> None:
    tees, tors, jitter = random_programme(5, 20, 8, False)
    assert mm.Matcher([jitter]).match(tees, tors).metadata["solver"] == "dense"
    monkeypatch.setattr(matching, "DENSE_LIMIT", 10)
    assert mm.Matcher([jitter]).match(tees, tors).metadata["solver"] == "sparse"


@pytest.mark.parametrize(("n_e", "n_m"), [(0, 0), (2, 0), (0, 3)])
def test_empty_programmes(n_e: int, n_m: int) -> None:
    tees = [mm.Mentee(id=f"e{i}") for i in range(n_e)]
    tors = [mm.Mentor(id=f"m{j}") for j in range(n_m)]
    sparse = mm.Matcher([mm.GoalOverlap()], solver="sparse").match(tees, tors)
    dense = mm.Matcher([mm.GoalOverlap()], solver="dense").match(tees, tors)
    assert sparse.matches == dense.matches == ()
    assert sparse.unmatched == dense.unmatched


def test_sparse_path_checks_criteria_and_rules() -> None:
    def bad(es: Sequence[mm.Mentee], ts: Sequence[mm.Mentor]) -> np.ndarray:
        return np.full((len(es), len(ts)), 2.0)

    tees, tors = [mm.Mentee(id="e1")], [mm.Mentor(id="m1")]
    with pytest.raises(mm.MentormatchError, match=r"criterion 'bad' returned 2\.0"):
        mm.Matcher([mm.FunctionCriterion(bad, name="bad")], solver="sparse").match(tees, tors)
    with pytest.raises(mm.MentormatchError, match="RequirePairs names mentee 'e9'"):
        mm.Matcher([mm.GoalOverlap()], [mm.RequirePairs([("e9", "m1")])], solver="sparse").match(
            tees, tors
        )


def test_bad_solver_options() -> None:
    with pytest.raises(mm.MentormatchError, match="'auto', 'dense', 'sparse'"):
        mm.Matcher([mm.GoalOverlap()], solver="fast")
    with pytest.raises(mm.MentormatchError, match="'candidates' parameter"):
        mm.Matcher([mm.GoalOverlap()], candidates=0)
    with pytest.raises(mm.MentormatchError, match="'backend' parameter"):
        mm.Matcher([mm.GoalOverlap()], backend="gurobi")
    with pytest.raises(mm.MentormatchError, match="'progress' parameter"):
        mm.Matcher([mm.GoalOverlap()], progress=3)  # type: ignore[arg-type]


def test_block_rows() -> None:
    assert block_rows(1) * 1 <= 1 << 18
    assert block_rows(10**9) == 1


def _core_options(monkeypatch: pytest.MonkeyPatch, **kw: Any) -> None:
    """The Matcher's core with these options forced (for example no dense mode, tiny blocks)."""
    real = _large_match.LargeOptions
    monkeypatch.setattr(_large_match, "LargeOptions", lambda **given: real(**{**given, **kw}))


def test_many_small_blocks_on_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    """Blocks of a few rows, scored on several threads, change nothing."""
    tees, tors, _ = random_programme(6, 120, 40, True)
    crit = [mm.GoalOverlap(), mm.SkillGap(), mm.DepartmentDistance(), mm.TextSimilarity()]
    cons = [mm.NotInReportingLine(), mm.ForbidPairs([(tees[1].id, tors[1].id)])]
    dense = mm.Matcher(crit, cons, solver="dense").match(tees, tors)
    _core_options(monkeypatch, block_cells=7 * 40, dense_cells=0)
    monkeypatch.setattr(_large_match, "_workers", lambda ps: 3)
    sparse = mm.Matcher(crit, cons, solver="sparse", candidates=1).match(tees, tors)
    assert sparse.metadata["workers"] == 3
    assert sparse.n_matched == dense.n_matched
    assert sparse.total_score == pytest.approx(dense.total_score, abs=len(tees) * 2.0**-30)


@pytest.mark.parametrize("backend", BACKENDS)
def test_wide_programmes_sparse_pricing(backend: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Many mentors (the sampled top-k), a shortage, and the core's sparse pricing (no dense mode)."""
    _core_options(monkeypatch, dense_cells=0, block_cells=1 << 14)
    rescored = 0
    for seed in (7, 8, 9):
        tees, tors, jitter = random_programme(seed, 300, 400, True)
        crit = [mm.GoalOverlap(), mm.SkillGap(), mm.DepartmentDistance(), jitter]
        cons = [mm.ForbidPairs([(tees[0].id, tors[0].id)])]
        dense = mm.Matcher(crit, cons, solver="dense").match(tees, tors)
        sparse = mm.Matcher(crit, cons, solver="sparse", candidates=1, backend=backend).match(
            tees, tors
        )
        assert sparse.matches == dense.matches
        assert sparse.total_score == dense.total_score
        meta = sparse.metadata
        assert meta["certified"] is True and meta["max_reduced"] <= 0
        assert 0 <= meta["rows_proved_by_bound"] <= len(tees)
        rescored += meta["rows_rescored"]
    assert rescored > 0
