"""Results are values: every public result type is frozen, read-only, equal by its
answer, and survives pickling and deep copies (explanations included).

The registry below classifies every class exported by ``mentormatch`` and its
public submodules as a *result*, an *input* or *other* (configuration, errors,
protocols). A test checks the registry against the ``__all__`` lists, so a new
exported class cannot be left out: give it a factory here.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import importlib
import inspect
import multiprocessing
import pickle
from collections.abc import Callable, Mapping
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
import pytest

import mentormatch as mm
from mentormatch import (
    calibrate,
    circles,
    fairness,
    kpis,
    lifecycle,
    shortlist,
    stability,
    surveys,
)

MODULES = [
    "mentormatch",
    "mentormatch.calibrate",
    "mentormatch.circles",
    "mentormatch.constraints",
    "mentormatch.criteria",
    "mentormatch.fairness",
    "mentormatch.io",
    "mentormatch.kpis",
    "mentormatch.lifecycle",
    "mentormatch.matching",
    "mentormatch.participants",
    "mentormatch.presets",
    "mentormatch.shortlist",
    "mentormatch.stability",
    "mentormatch.surveys",
]
AS_OF = date(2025, 11, 30)  # a date on which the demo programme has pairs at risk


# -- building one of each -----------------------------------------------------------------


@functools.cache
def demo_match() -> tuple[mm.Matcher, mm.io.Signups, mm.MatchResult]:
    demo = mm.load_demo()
    matcher = mm.presets.career_guidance()
    return matcher, demo, matcher.match(demo.mentees, demo.mentors)


@functools.cache
def demo_report() -> kpis.ProgrammeReport:
    result = demo_match()[2]
    relationships = kpis.load_demo_relationships()
    return kpis.programme_report(
        relationships,
        as_of=AS_OF,
        match_result=result,
        targets={"completion_rate": 0.7},
        by="department",
        min_group_size=3,
    )


def _unmatched_result() -> mm.MatchResult:
    tees = [mm.Mentee(id="e1", goals=["sql"]), mm.Mentee(id="e2", goals=["sql"])]
    return mm.Matcher([mm.GoalOverlap()]).match(tees, [mm.Mentor(id="m1", goals=["sql"])])


def _blocking() -> stability.StabilityReport:
    tees = [mm.Mentee(id="e1", preferences=["m1", "m2"]), mm.Mentee(id="e2", preferences=["m1"])]
    tors = [mm.Mentor(id="m1", preferences=["e1", "e2"]), mm.Mentor(id="m2", preferences=["e1"])]
    result = lifecycle.rematch(
        mm.Matcher([mm.GoalOverlap()]), tees, tors, keep=[("e1", "m2"), ("e2", "m1")]
    )
    return stability.blocking_pairs(result, tees, tors)


def _review() -> lifecycle.Review:
    matcher, demo, result = demo_match()
    first = result.matches[0]
    return lifecycle.review(matcher, demo.mentees, demo.mentors, forbid=[first])


@functools.cache
def _fit() -> calibrate.WeightFit:
    rng = np.random.default_rng(0)
    records = [
        {"goal_overlap": g, "department": d, "completed": bool(rng.random() < 0.2 + 0.7 * g)}
        for g, d in rng.random((80, 2))
    ]
    return calibrate.fit_weights(records, outcome="completed", n_boot=100)


def _circles() -> circles.Circles:
    tees = [mm.Mentee(id=f"e{i}", goals=["sql"] if i < 3 else ["go"]) for i in range(7)]
    tors = [mm.Mentor(id="m1", goals=["sql"]), mm.Mentor(id="m2", goals=["go"])]
    return circles.match_circles(tees, tors, min_size=3, max_size=3)


def _gaps() -> fairness.GroupGaps:
    _, demo, result = demo_match()
    return fairness.group_gaps(result, demo.mentees, "department", min_group_size=3)


def _survey() -> surveys.ScoredSurvey:
    inst = surveys.Instrument(
        items=["q1", "q2", "q3", "q4"], scale=(1, 5), reverse=["q3"], subscales={"a": ["q1", "q2"]}
    )
    rng = np.random.default_rng(7)  # one factor, loadings well below 1, a skipped answer
    trait = rng.normal(size=(40, 1))
    answers = np.clip(np.round(3 + trait * [0.8, 0.7, -0.6, 0.5] + rng.normal(size=(40, 4))), 1, 5)
    answers[3, 1] = np.nan
    return inst.score(answers)


def _time_to_match() -> kpis.TimeToMatch:
    signed = {f"e{i}": date(2025, 1, 1 + i) for i in range(8)}
    matched = {f"e{i}": date(2025, 1, 10 + 2 * i) for i in range(5)}
    return kpis.time_to_match(signed, matched, AS_OF)


def _first(items: Any) -> Any:
    return next(iter(items))


#: Every public result type, with a function that builds a realistic instance. Each
#: factory must be deterministic: two calls give equal values.
RESULTS: dict[type, Callable[[], Any]] = {
    mm.MatchResult: lambda: demo_match()[2],
    mm.Match: lambda: demo_match()[2].matches[0],
    mm.Unmatched: lambda: _unmatched_result().unmatched[0],
    mm.Explanation: lambda: demo_match()[2].explain(demo_match()[2].matches[0].mentee_id),
    mm.Alternative: lambda: demo_match()[2].explain(demo_match()[2].matches[0].mentee_id).runner_up,
    mm.ScoreMatrix: lambda: demo_match()[0].score(demo_match()[1].mentees, demo_match()[1].mentors),
    mm.ConfidenceInterval: lambda: kpis.proportion(3, 9).ci,
    mm.Problem: lambda: mm.Problem("skill level 7 is outside 1..5", 4, "skills", "e03", "s.csv"),
    mm.Signups: mm.load_demo,
    lifecycle.PairChange: lambda: _first(_review().diff.changes),
    lifecycle.MatchDiff: lambda: _review().diff,
    lifecycle.Review: _review,
    shortlist.ShortlistEntry: lambda: _first(
        demo_match()[0].shortlist(*demo_match()[1], k=2).lists.values()
    )[0],
    shortlist.Shortlist: lambda: demo_match()[0].shortlist(*demo_match()[1], k=2),
    circles.Circle: lambda: _circles().circles[0],
    circles.Circles: _circles,
    stability.BlockingPair: lambda: _blocking().pairs[0],
    stability.StabilityReport: _blocking,
    calibrate.WeightFit: _fit,
    fairness.GroupGap: lambda: _gaps().groups[0],
    fairness.GroupGaps: _gaps,
    kpis.Rate: lambda: kpis.proportion(3, 9),
    kpis.RateDifference: lambda: kpis.compare_rates(56, 70, 48, 80),
    kpis.GoalAttainment: lambda: kpis.goal_attainment(kpis.load_demo_relationships()),
    kpis.MeanSummary: lambda: kpis.satisfaction_summary([4, 5, 3, 4, 4]),
    kpis.MeetingCadence: lambda: kpis.meeting_cadence(kpis.load_demo_relationships(), AS_OF),
    kpis.MentorUtilisation: lambda: kpis.mentor_utilisation(
        demo_match()[2], {m.id: m.capacity for m in demo_match()[1].mentors}
    ),
    kpis.TimeToMatch: _time_to_match,
    kpis.AtRisk: lambda: demo_report().at_risk[0],
    kpis.BreakdownGroup: lambda: demo_report().breakdowns[0].groups[0],
    kpis.Breakdown: lambda: demo_report().breakdowns[0],
    kpis.TargetCheck: lambda: demo_report().target_checks[0],
    kpis.Readiness: lambda: kpis.readiness(
        [mm.Mentor(id="m1", attributes={"trained": "yes"}), mm.Mentee(id="e1")], as_of="2026-01-01"
    ),
    kpis.ProgrammeReport: demo_report,
    surveys.ScoredSurvey: _survey,
    surveys.Reliability: lambda: surveys.cronbach_alpha(_survey().keyed),
    surveys.Omega: lambda: surveys.omega_total(_survey().keyed),
    surveys.NPS: lambda: surveys.nps([10, 9, 9, 8, 7, 3, 10, 0]),
    surveys.PairedChange: lambda: surveys.pre_post([3, 4, 2, 5, 3, 4], [4, 4, 3, 5, 4, 5]),
    surveys.GoalAttainmentScores: lambda: surveys.goal_attainment_t(
        [[1, 0, -1], [2, 1, 0], [0, 0, 0]]
    ),
}

#: Inputs a user builds: frozen records and configuration that pickle and compare.
INPUTS: dict[type, Callable[[], Any]] = {
    mm.Mentee: lambda: mm.Mentee(
        id="e1", skills={"sql": 2}, goals=["sql"], attributes={"loc": "Lyon"}
    ),
    mm.Mentor: lambda: mm.Mentor(
        id="m1", skills={"sql": 5}, capacity=2, attributes={"loc": "Lyon"}
    ),
    kpis.Relationship: lambda: kpis.load_demo_relationships()[0],
    kpis.Targets: lambda: kpis.Targets({"completion_rate": 0.7}, goal="career_guidance"),
    kpis.MilestoneTarget: lambda: kpis.MilestoneTarget("kick-off", 14, 0.9),
    surveys.Instrument: lambda: surveys.Instrument(
        items=["q1", "q2"], scale=(1, 5), reverse=["q2"]
    ),
}

#: Everything else that is exported, and why it is neither a result nor an input.
OTHER: dict[type, str] = {
    mm.Matcher: "configuration (pickles: see test_a_matcher_of_built_ins_pickles)",
    mm.Criterion: "base class of criteria",
    mm.criteria.CriterionLike: "protocol",
    mm.constraints.ConstraintLike: "protocol",
    mm.constraints.EncodedRule: "a rule's encoding for one programme (holds a function)",
    mm.MentormatchError: "exception",
    mm.SignupsError: "exception",
    mm.io.ResultsError: "exception",
    kpis.NoDataError: "exception",
    surveys.SurveyWarning: "warning",
    **dict.fromkeys(
        (
            mm.AttributeMatch,
            mm.DepartmentDistance,
            mm.FunctionCriterion,
            mm.GoalOverlap,
            mm.SkillGap,
            mm.StatedPreferences,
            mm.TextSimilarity,
        ),
        "criterion",
    ),
    **dict.fromkeys(
        (
            mm.DifferentDepartment,
            mm.ForbidPairs,
            mm.NotInReportingLine,
            mm.RequireAttribute,
            mm.RequirePairs,
            mm.SameAttribute,
        ),
        "rule",
    ),
}


def _exported_classes() -> set[type]:
    out: set[type] = set()
    for name in MODULES:
        module = importlib.import_module(name)
        for attr in getattr(module, "__all__", ()):
            obj = getattr(module, attr)
            if inspect.isclass(obj) and obj.__module__.startswith("mentormatch"):
                out.add(obj)
    return out


def test_the_registry_classifies_every_exported_class() -> None:
    classified = [set(RESULTS), set(INPUTS), set(OTHER)]
    assert not (
        classified[0] & classified[1]
        or classified[0] & classified[2]
        or classified[1] & classified[2]
    )
    exported = _exported_classes()
    missing = exported - set().union(*classified)
    assert not missing, (
        f"classify these in tests/test_values.py: {sorted(c.__qualname__ for c in missing)}"
    )
    assert set().union(*classified) <= exported


RESULT_IDS = [f"{c.__module__.rsplit('.', 1)[-1]}.{c.__qualname__}" for c in RESULTS]


@pytest.fixture(params=list(RESULTS), ids=RESULT_IDS)
def result(request: pytest.FixtureRequest) -> Any:
    value = RESULTS[request.param]()
    assert type(value) is request.param
    return value


def _mappings(value: Any) -> list[tuple[str, Mapping[Any, Any]]]:
    names = [f.name for f in dataclasses.fields(value)] if dataclasses.is_dataclass(value) else []
    names += [n for n in ("contributions",) if hasattr(value, n)]
    return [(n, getattr(value, n)) for n in names if isinstance(getattr(value, n), Mapping)]


def _arrays(value: Any) -> list[tuple[str, np.ndarray]]:
    if not dataclasses.is_dataclass(value):
        return []
    out = []
    for f in dataclasses.fields(value):
        v = getattr(value, f.name)
        if isinstance(v, np.ndarray):
            out.append((f.name, v))
        elif isinstance(v, Mapping):
            out += [(f"{f.name}[{k!r}]", a) for k, a in v.items() if isinstance(a, np.ndarray)]
    return out


def test_results_equal_from_the_same_input(result: Any) -> None:
    again = RESULTS[type(result)]()
    assert again == result
    assert (again != result) is False
    assert hash(again) == hash(result)


def test_results_pickle_and_deep_copy_to_equal_values(result: Any) -> None:
    for protocol in (2, pickle.HIGHEST_PROTOCOL):
        back = pickle.loads(pickle.dumps(result, protocol=protocol))
        assert type(back) is type(result) and back == result
    assert copy.deepcopy(result) == result
    assert copy.copy(result) == result


def test_results_are_frozen(result: Any) -> None:
    name = (
        next(iter(dataclasses.fields(result))).name if dataclasses.is_dataclass(result) else "score"
    )
    if isinstance(result, tuple):  # Signups, a NamedTuple: immutable by nature
        with pytest.raises(AttributeError):
            result.mentees = ()  # type: ignore[misc]
        assert all(isinstance(part, tuple) for part in result)
        return
    with pytest.raises(AttributeError):
        setattr(result, name, None)
    with pytest.raises(AttributeError):
        delattr(result, name)


def test_result_mappings_and_arrays_are_read_only(result: Any) -> None:
    for name, mapping in _mappings(result):
        with pytest.raises(TypeError, match="read-only"):
            mapping["x"] = 1  # type: ignore[index]
        with pytest.raises(TypeError, match="read-only"):
            mapping.clear()  # type: ignore[attr-defined]
        assert mapping == dict(mapping), name
    for name, array in _arrays(result):
        with pytest.raises(ValueError, match="read-only"):
            array.flat[0] = 0
        assert not array.flags.writeable, name


@pytest.mark.parametrize("kind", list(INPUTS), ids=[c.__qualname__ for c in INPUTS])
def test_inputs_pickle_and_compare(kind: type) -> None:
    value = INPUTS[kind]()
    assert pickle.loads(pickle.dumps(value)) == value == INPUTS[kind]()
    assert copy.deepcopy(value) == value
    for name in ("skills", "attributes", "values"):
        mapping = getattr(value, name, None)
        if isinstance(mapping, Mapping):
            with pytest.raises(TypeError, match="read-only"):
                mapping["x"] = 1  # type: ignore[index]


def test_errors_pickle_with_their_data() -> None:
    errors = [
        mm.MentormatchError("bad capacity", field="capacity", participant_id="m1", value=-1),
        mm.SignupsError([mm.Problem("id is empty", row=3, column="id")]),
        mm.io.ResultsError([mm.Problem("score is null", row=2, column="matches.score")]),
        kpis.NoDataError("nothing to measure"),
    ]
    for err in errors:
        back = pickle.loads(pickle.dumps(err))
        assert type(back) is type(err) and str(back) == str(err)
        assert (back.field, back.participant_id, back.value) == (
            err.field,
            err.participant_id,
            err.value,
        )


# -- equality is the answer, not the run ----------------------------------------------------


def test_two_runs_are_equal_though_their_timings_differ() -> None:
    matcher, demo, first = demo_match()
    again = matcher.match(demo.mentees, demo.mentors)
    assert again.metadata["timings"] != first.metadata["timings"]
    assert again == first and hash(again) == hash(first)
    sparse = mm.Matcher(matcher.criteria, matcher.constraints, solver="sparse").match(*demo)
    assert sparse.metadata["solver"] == "sparse" and sparse == first


def test_results_that_differ_in_their_answer_are_not_equal() -> None:
    _, _, first = demo_match()
    assert dataclasses.replace(first, total_score=first.total_score + 1e-12) != first
    assert dataclasses.replace(first, matches=first.matches[1:]) != first
    swapped = mm.Match(
        first.matches[0].mentee_id,
        first.matches[1].mentor_id,
        first.matches[0].score,
        first.matches[0].contributions,
        first.matches[0].reasons,
    )
    assert dataclasses.replace(first, matches=(swapped, *first.matches[1:])) != first
    assert mm.Unmatched("e1", "a") != mm.Unmatched("e1", "b")


def test_nan_fields_are_equal_to_themselves() -> None:
    a = mm.ConfidenceInterval(float("nan"), float("nan"), 0.95)
    b = mm.ConfidenceInterval(float("nan"), float("nan"), 0.95)
    assert a == b and hash(a) == hash(b)
    assert mm.ConfidenceInterval(float("nan"), float("nan"), 0.9) != b
    assert kpis.MeanSummary(float("nan"), b, 0, float("nan"), float("nan")) == kpis.MeanSummary(
        float("nan"), a, 0, float("nan"), float("nan")
    )


def test_a_result_equals_its_restored_json() -> None:
    import io as stdio

    _, demo, result = demo_match()
    buffer = stdio.StringIO()
    mm.write_results(result, buffer, format="json")
    restored = mm.read_results(stdio.StringIO(buffer.getvalue()))
    assert restored == result
    for e in demo.mentees:
        assert restored.explain(e.id) == result.explain(e.id)


# -- explanations travel with the result --------------------------------------------------


@pytest.mark.parametrize("solver", ["dense", "sparse"])
def test_explanations_survive_pickling_and_deep_copies(solver: str) -> None:
    matcher, demo, _ = demo_match()
    result = mm.Matcher(matcher.criteria, matcher.constraints, solver=solver).match(*demo)
    explained = {e.id: result.explain(e.id) for e in demo.mentees}
    for back in (pickle.loads(pickle.dumps(result)), copy.deepcopy(result)):
        assert back == result
        assert {e.id: back.explain(e.id) for e in demo.mentees} == explained
        assert [m.reasons for m in back.matches] == [m.reasons for m in result.matches]


def test_a_result_with_a_lambda_criterion_still_pickles() -> None:
    crit = mm.FunctionCriterion(lambda e, m: np.full((len(e), len(m)), 0.5), name="half")
    tees, tors = mm.load_demo()
    for solver in ("dense", "sparse"):
        result = mm.Matcher([crit, mm.GoalOverlap()], solver=solver).match(tees, tors)
        back = pickle.loads(pickle.dumps(result))
        assert back == result
        assert all(back.explain(e.id) == result.explain(e.id) for e in tees)


def test_rematch_and_maximin_results_pickle_with_their_explanations() -> None:
    matcher, demo, result = demo_match()
    results = [
        lifecycle.rematch(matcher, *demo, keep=result.matches[:5], exclude=[result.matches[6]]),
        fairness.match_maximin(matcher, *demo),
        _review().result,
    ]
    for r in results:
        back = pickle.loads(pickle.dumps(r))
        assert back == r and copy.deepcopy(r) == r
        assert all(back.explain(e.id) == r.explain(e.id) for e in demo.mentees)


def test_explanations_do_not_change_when_the_matcher_is_used_again() -> None:
    # NotInReportingLine keeps the manager chains of the last programme it saw; a
    # result's explanations use the chains of its own programme.
    rule = mm.NotInReportingLine(depth=2)
    matcher = mm.Matcher([mm.GoalOverlap()], [rule])
    tees = [mm.Mentee(id="e1", manager_id="boss", goals=["sql"])]
    tors = [
        mm.Mentor(id="boss", manager_id="ceo", capacity=0),
        mm.Mentor(id="ceo"),
        mm.Mentor(id="m3", goals=["sql"]),
    ]
    result = matcher.match(tees, tors)  # e1 gets m3; the runner-up, ceo, is refused
    matcher.match([mm.Mentee(id="x")], [mm.Mentor(id="y")])
    runner = result.explain("e1").runner_up
    assert runner is not None and runner.mentor_id == "ceo"
    assert runner.why_not == "refused by a rule: 'ceo' is your manager's manager"


# -- matchers and criteria pickle; a process pool gives the same answer --------------------

BUILT_INS = [
    mm.GoalOverlap(weight=2),
    mm.SkillGap(ideal_gap=1),
    mm.DepartmentDistance(prefer="same"),
    mm.StatedPreferences(mutual=True),
    mm.TextSimilarity(),
    mm.AttributeMatch("location"),
]
RULES = [
    mm.NotInReportingLine(depth=1),
    mm.ForbidPairs([("e01", "m01")]),
    mm.SameAttribute("location"),
    mm.DifferentDepartment(level=1),
    mm.RequirePairs([("e02", "m02")]),
]


def test_a_matcher_of_built_ins_pickles() -> None:
    tees, tors = mm.load_demo()
    for criterion in BUILT_INS:
        for rule in RULES:
            matcher = mm.Matcher([criterion], [rule], min_score=0.0)
            back = pickle.loads(pickle.dumps(matcher))
            assert repr(back) == repr(matcher)
            assert back.match(tees, tors) == matcher.match(tees, tors)
    for preset in mm.presets.PRESETS.values():
        matcher = preset()
        matcher.match(tees, tors)  # with its caches filled
        back = copy.deepcopy(pickle.loads(pickle.dumps(matcher)))
        assert back.match(tees, tors) == matcher.match(tees, tors)


def test_a_match_in_a_process_pool_equals_one_in_this_process() -> None:
    matcher, demo, here = demo_match()
    sparse = mm.Matcher(matcher.criteria, matcher.constraints, solver="sparse")
    context = multiprocessing.get_context("spawn")  # nothing shared: everything travels by pickle
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        dense_job = pool.submit(matcher.match, demo.mentees, demo.mentors)
        sparse_job = pool.submit(sparse.match, demo.mentees, demo.mentors)
        there, there_sparse = dense_job.result(timeout=300), sparse_job.result(timeout=300)
    assert there == here and there_sparse == here
    for e in demo.mentees:
        assert there.explain(e.id) == here.explain(e.id)
    assert there_sparse.explain(demo.mentees[0].id).mentee_id == demo.mentees[0].id


def test_the_result_json_export_handles_read_only_mappings() -> None:
    import json

    _, _, result = demo_match()
    json.dumps(dict(result.metadata), default=str)
    json.dumps(result.matches[0].contributions)
    frame = result.to_dataframe()
    assert isinstance(frame, pd.DataFrame) and len(frame) == len(result.matches) + len(
        result.unmatched
    )
    report = demo_report()
    json.dumps(report.status_counts)
