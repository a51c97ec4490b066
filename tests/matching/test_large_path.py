"""The exact core behind Matcher (issue 13, phase 2): solver="sparse" equals solver="dense".

Ties everywhere (criteria with few distinct values), forbidden pairs (rules),
fixed mentors, ``min_score``, capacity shortages and zero capacities,
``keep``/``exclude``; every mentee once, capacities held, refused pairs never
made, the same answer twice and under a shuffled input; and the operations
without a large form refuse ``solver="sparse"`` by name.
"""

from __future__ import annotations

import os
import random
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mentormatch as mm
from mentormatch import _large_match, circles, fairness, lifecycle, shortlist
from mentormatch._large import have_ortools
from mentormatch._large_match import id_keys, required_of
from mentormatch._scoring import ProgrammeScorer
from tests.oracle import check_result
from tests.strategies import programmes

BACKENDS = ["scipy", *(["ortools"] if have_ortools() else [])]
#: few distinct values each: most mentees have several mentors of equal score
TIED = [
    mm.GoalOverlap(weight=2),
    mm.DepartmentDistance(prefer="same"),
    mm.AttributeMatch("location"),
]


def grid(n: int) -> float:
    """How far the core's total may sit from the dense one: its grid, ``2**-30`` per pair."""
    return max(n, 1) * 2.0**-30 + 1e-12


@st.composite
def cases(draw: st.DrawFn) -> dict[str, Any]:
    tees, tors = draw(programmes(max_mentees=8, max_mentors=5, max_capacity=2))
    pairs = [(e.id, t.id) for e in tees for t in tors]
    forbid = draw(st.lists(st.sampled_from(pairs), max_size=4, unique=True)) if pairs else []
    rules: list[Any] = [mm.NotInReportingLine(), mm.ForbidPairs(forbid)]
    if pairs and draw(st.booleans()):
        rules.append(mm.RequirePairs([draw(st.sampled_from(pairs))]))
    return {
        "tees": tees,
        "tors": tors,
        "rules": rules,
        "min_score": draw(st.sampled_from([0.0, 0.0, 0.3, 0.6])),
        "backend": draw(st.sampled_from(BACKENDS)),
        "candidates": draw(st.sampled_from([None, 1, 2])),
    }


def matchers(case: dict[str, Any]) -> tuple[mm.Matcher, mm.Matcher]:
    kw = {"min_score": case["min_score"]}
    dense = mm.Matcher(TIED, case["rules"], solver="dense", **kw)
    sparse = mm.Matcher(
        TIED,
        case["rules"],
        solver="sparse",
        candidates=case["candidates"],
        backend=case["backend"],
        **kw,
    )
    return dense, sparse


def shuffled(people: list[Any], seed: int) -> list[Any]:
    out = people[:]
    random.Random(seed).shuffle(out)
    return out


@settings(max_examples=60, deadline=None)
@given(cases(), st.integers(0, 2**16))
def test_sparse_equals_dense_with_ties_rules_and_shortages(case: dict[str, Any], seed: int) -> None:
    tees, tors = case["tees"], case["tors"]
    dense_m, sparse_m = matchers(case)
    dense = dense_m.match(tees, tors)
    sparse = sparse_m.match(tees, tors)
    assert sparse.metadata["solver"] == "sparse" and dense.metadata["solver"] == "dense"
    assert sparse.n_matched == dense.n_matched
    assert abs(sparse.total_score - dense.total_score) <= grid(len(tees))
    # every mentee once, capacities held, refused pairs never made, contributions add up
    check_result(sparse, tees, tors, dense_m.score(tees, tors), optimal=False)
    assert sparse.metadata["certified"] is True and sparse.metadata["max_reduced"] <= 0
    # deterministic: the same answer again, and whatever the order of the input
    assert sparse_m.match(tees, tors) == sparse
    assert sparse_m.match(shuffled(tees, seed), shuffled(tors, seed + 1)) == sparse


@settings(max_examples=40, deadline=None)
@given(cases(), st.data())
def test_rematch_on_the_large_path_equals_the_dense_rematch(
    case: dict[str, Any], data: st.DataObject
) -> None:
    tees, tors = case["tees"], case["tors"]
    dense_m, sparse_m = matchers(case)
    base = dense_m.match(tees, tors)
    made = [(m.mentee_id, m.mentor_id) for m in base.matches]
    keep = data.draw(st.lists(st.sampled_from(made), unique=True)) if made else []
    others = [(e.id, t.id) for e in tees for t in tors if (e.id, t.id) not in keep]
    exclude = (
        data.draw(st.lists(st.sampled_from(others), max_size=3, unique=True)) if others else []
    )
    dense = lifecycle.rematch(dense_m, tees, tors, keep=keep, exclude=exclude)
    sparse = lifecycle.rematch(sparse_m, tees, tors, keep=keep, exclude=exclude)
    assert sparse.metadata["solver"] == "sparse" and dense.metadata["solver"] == "dense"
    assert sparse.n_matched == dense.n_matched
    assert abs(sparse.total_score - dense.total_score) <= grid(len(tees))
    pairs = {(m.mentee_id, m.mentor_id) for m in sparse.matches}
    assert set(keep) <= pairs and not pairs & set(exclude)
    assert sparse.metadata["kept"] == dense.metadata["kept"]
    seen = [m.mentee_id for m in sparse.matches] + [u.mentee_id for u in sparse.unmatched]
    assert sorted(seen) == sorted(e.id for e in tees)
    load: dict[str, int] = {}
    for m in sparse.matches:
        load[m.mentor_id] = load.get(m.mentor_id, 0) + 1
    assert all(load.get(t.id, 0) <= t.capacity for t in tors)
    assert sparse_m.match(tees, tors, keep=keep, exclude=exclude) == sparse


def test_rematch_explanations_name_the_kept_pairs_on_both_paths() -> None:
    mentees = [mm.Mentee(id=f"e{i}", goals=["sql"]) for i in (1, 2, 3)]
    mentors = [mm.Mentor(id="m1", goals=["sql"], capacity=2), mm.Mentor(id="m2")]
    got = {}
    for solver in ("dense", "sparse"):
        matcher = mm.Matcher([mm.GoalOverlap()], solver=solver, backend="scipy")
        r = lifecycle.rematch(
            matcher, mentees, mentors, keep=[("e3", "m2")], exclude=[("e1", "m1")]
        )
        got[solver] = r
        assert r.metadata["solver"] == solver
        assert r.explain("e1").runner_up.why_not == (
            "scored 0.00, but its only place went to kept pairs (e3) or other mentees"
        )
    assert got["sparse"] == got["dense"]


def test_a_kept_pair_a_rule_refuses_is_refused_on_the_large_path() -> None:
    mentees = [mm.Mentee(id="e1", manager_id="m1"), mm.Mentee(id="e2")]
    mentors = [mm.Mentor(id="m1"), mm.Mentor(id="m2")]
    matcher = mm.Matcher([mm.GoalOverlap()], [mm.NotInReportingLine()], solver="sparse")
    with pytest.raises(
        mm.MentormatchError, match="refused by the rule 'reporting_line': 'm1' is your manager"
    ):
        lifecycle.rematch(matcher, mentees, mentors, keep=[("e1", "m1")])


@settings(max_examples=40, deadline=None)
@given(cases())
def test_maximin_on_the_large_path_equals_the_dense_maximin(case: dict[str, Any]) -> None:
    tees, tors = case["tees"], case["tors"]
    dense_m, sparse_m = matchers(case)
    dense = fairness.match_maximin(dense_m, tees, tors)
    sparse = fairness.match_maximin(sparse_m, tees, tors)
    assert sparse.metadata["solver"] == "sparse" and dense.metadata["solver"] == "dense"
    assert sparse.metadata["objective"] == "maximin" and sparse.metadata["maximin_solves"] >= 1
    assert sparse.n_matched == dense.n_matched
    if dense.metadata["threshold"] is None:
        assert sparse.metadata["threshold"] is None
    else:
        assert abs(sparse.metadata["threshold"] - dense.metadata["threshold"]) <= 1e-9
        assert min(m.score for m in sparse.matches) == sparse.metadata["threshold"]
    assert abs(sparse.total_score - dense.total_score) <= grid(len(tees))
    check_result(sparse, tees, tors, dense_m.score(tees, tors), optimal=False)


def test_maximin_bisects_the_interval_past_max_values(monkeypatch: pytest.MonkeyPatch) -> None:
    """Too many distinct scores to keep: the interval bisection reaches the same threshold."""
    rng = np.random.default_rng(3)
    words = ["data", "sales", "lead", "python", "cloud", "design", "people", "growth"]

    def about() -> str:
        return " ".join(rng.choice(words, 4))

    tees = [mm.Mentee(id=f"e{i}", goals=[str(rng.choice(words))], about=about()) for i in range(12)]
    tors = [
        mm.Mentor(id=f"m{j}", goals=list(rng.choice(words, 2)), about=about(), capacity=2)
        for j in range(6)
    ]
    crit = [mm.GoalOverlap(), mm.TextSimilarity()]
    dense = fairness.match_maximin(mm.Matcher(crit, solver="dense"), tees, tors)
    monkeypatch.setattr(_large_match, "MAX_VALUES", 1)
    sparse = fairness.match_maximin(mm.Matcher(crit, solver="sparse"), tees, tors)
    assert sparse.n_matched == dense.n_matched
    assert abs(sparse.metadata["threshold"] - dense.metadata["threshold"]) <= 2e-9
    assert sparse.metadata["maximin_solves"] > 10  # the interval, halved down to 1e-9


def test_operations_without_a_large_form_refuse_solver_sparse_by_name() -> None:
    tees = [mm.Mentee(id="e1", goals=["sql"]), mm.Mentee(id="e2")]
    tors = [mm.Mentor(id="m1", goals=["sql"]), mm.Mentor(id="m2")]
    sparse = mm.Matcher([mm.GoalOverlap()], solver="sparse")
    calls = {
        "match_circles": lambda: circles.match_circles(tees, tors, min_size=1, matcher=sparse),
        "shortlist": lambda: shortlist.shortlist(sparse, tees, tors, k=1),
    }
    for name, call in calls.items():
        with pytest.raises(mm.MentormatchError, match=f"{name} has no large-programme form") as e:
            call()
        assert e.value.field == "solver"
    with pytest.raises(mm.MentormatchError, match="shortlist has no large-programme form"):
        sparse.shortlist(tees, tors, k=1)


def test_the_learned_matcher_keeps_the_solver_options() -> None:
    from mentormatch.calibrate import WeightFit

    fit = WeightFit(
        {"goal_overlap": 0.75, "department": 0.25},
        {},
        (),
        "binary",
        "roc_auc",
        0.7,
        mm.ConfidenceInterval(0.6, 0.8),
        100,
        True,
    )
    base = mm.Matcher(
        [mm.GoalOverlap(), mm.DepartmentDistance()], solver="sparse", candidates=3, backend="scipy"
    )
    learned = fit.matcher(base)
    assert (learned.solver, learned.candidates, learned.backend) == ("sparse", 3, "scipy")


def test_id_keys_are_stable_distinct_and_order_free() -> None:
    ids = [f"p{i}" for i in range(2000)]
    keys = id_keys(ids)
    assert np.unique(keys).size == keys.size and (keys >= 0).all()
    rev = id_keys(ids[::-1])
    np.testing.assert_array_equal(rev[::-1], keys)
    assert id_keys(["p7"])[0] == keys[7]  # a key depends on its id alone


def test_required_mentors_reach_the_core() -> None:
    tees = [mm.Mentee(id="e1"), mm.Mentee(id="e2"), mm.Mentee(id="e3")]
    tors = [mm.Mentor(id="m1"), mm.Mentor(id="m2")]
    second = mm.RequirePairs([("e2", "m1"), ("e3", "m1")])
    second.name = "required_too"
    rules = [mm.RequirePairs([("e2", "m2")]), second]
    ps = ProgrammeScorer([mm.GoalOverlap()], rules, (tees, tors), min_score=0.0)
    req = required_of(ps)
    assert req is not None and req.tolist() == [-1, 1, 0]
    result = mm.Matcher([mm.GoalOverlap()], rules, solver="sparse").match(tees, tors)
    dense = mm.Matcher([mm.GoalOverlap()], rules, solver="dense").match(tees, tors)
    assert result == dense  # e2 is fixed to two mentors: unmatched on both paths, same reason
    assert [u.mentee_id for u in result.unmatched] == ["e2"]
    assert required_of(ProgrammeScorer([mm.GoalOverlap()], [], (tees, tors), min_score=0.0)) is None


def test_the_metadata_names_the_path_and_every_phase() -> None:
    tees = [mm.Mentee(id=f"e{i}", goals=["sql"] if i % 2 else ["go"]) for i in range(30)]
    tors = [mm.Mentor(id=f"m{j}", goals=["sql"], capacity=2) for j in range(10)]
    meta = (
        mm.Matcher([mm.GoalOverlap()], solver="sparse", backend="scipy").match(tees, tors).metadata
    )
    assert meta["solver"] == "sparse" and meta["backend"] == "scipy"
    assert set(meta["timings"]) == {"encoding", "scoring", "solving", "pricing", "explaining"}
    assert all(t >= 0 for t in meta["timings"].values())
    assert meta["pricing_rounds"] >= 1 and meta["grid_bits"] == 30
    assert meta["certified"] is True and meta["max_reduced"] <= 0
    for key in ("pairs_added", "rows_rescored", "rows_proved_by_bound", "candidate_pairs"):
        assert isinstance(meta[key], int) and meta[key] >= 0, key


def test_blocks_are_scored_on_threads_only_when_every_part_is_thread_safe() -> None:
    tees = [mm.Mentee(id=f"e{i}", goals=["sql"]) for i in range(6)]
    tors = [mm.Mentor(id=f"m{j}", goals=["sql"]) for j in range(3)]

    def plain(es: Any, ts: Any) -> np.ndarray:
        return np.full((len(es), len(ts)), 0.5)

    safe = mm.Matcher([mm.GoalOverlap()], solver="sparse").match(tees, tors)
    # a criterion of your own says nothing of threads: one thread
    unsafe = mm.Matcher([mm.FunctionCriterion(plain, name="plain")], solver="sparse")
    assert safe.metadata["workers"] == min(os.cpu_count() or 1, _large_match.MAX_WORKERS)
    assert unsafe.match(tees, tors).metadata["workers"] == 1
