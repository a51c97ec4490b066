"""The matcher: invariants over random programmes, optimality against brute force, errors."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import mentormatch as mm
from mentormatch._solve import solve_dense
from tests.oracle import check_assignment, check_result
from tests.strategies import programmes

ALL_CRITERIA = [
    mm.GoalOverlap(weight=2),
    mm.SkillGap(),
    mm.DepartmentDistance(prefer="different"),
    mm.StatedPreferences(mutual=True),
    mm.TextSimilarity(weight=0.5),
    mm.AttributeMatch("location"),
]


def full_matcher(min_score: float = 0.0, forbid: tuple[tuple[str, str], ...] = ()) -> mm.Matcher:
    return mm.Matcher(
        criteria=ALL_CRITERIA,
        constraints=[mm.NotInReportingLine(depth=2), mm.ForbidPairs(forbid)],
        min_score=min_score,
    )


forbid_lists = st.lists(
    st.tuples(st.sampled_from([f"e{i}" for i in range(6)]), st.sampled_from(["m0", "m1", "m2"])),
    max_size=4,
)


@pytest.mark.slow  # over 2 s
@given(programmes(), st.sampled_from([0.0, 0.2, 0.5]), forbid_lists)
def test_invariants(programme, min_score, forbid) -> None:
    mentees, mentors = programme
    matcher = full_matcher(min_score, tuple(forbid))
    result = matcher.match(mentees, mentors)
    scores = matcher.score(mentees, mentors)
    check_result(result, mentees, mentors, scores, optimal=False)
    # the rules, read directly: forbidden pairs, two levels of reporting line, both ways
    managers = {p.id: p.manager_id for p in (*mentees, *mentors) if p.manager_id}
    for match in result.matches:
        assert (match.mentee_id, match.mentor_id) not in set(forbid)
        up_e = [managers.get(match.mentee_id)]
        up_e.append(managers.get(up_e[0]) if up_e[0] else None)
        up_m = [managers.get(match.mentor_id)]
        up_m.append(managers.get(up_m[0]) if up_m[0] else None)
        assert match.mentor_id not in up_e and match.mentee_id not in up_m
        assert match.score >= min_score - 1e-9
        assert len(match.reasons) == len(ALL_CRITERIA)
    for u in result.unmatched:
        assert result.explain(u.mentee_id).mentor_id is None


@given(programmes(max_mentees=5, max_mentors=3, max_capacity=2), st.sampled_from([0.0, 0.3]))
def test_optimal_against_brute_force(programme, min_score) -> None:
    mentees, mentors = programme
    matcher = full_matcher(min_score, (("e0", "m0"),))
    scores = matcher.score(mentees, mentors)
    check_result(matcher.match(mentees, mentors), mentees, mentors, scores)


@given(
    st.integers(1, 6).flatmap(
        lambda n: st.tuples(
            st.lists(st.lists(st.floats(0, 1), min_size=3, max_size=3), min_size=n, max_size=n),
            st.lists(st.lists(st.booleans(), min_size=3, max_size=3), min_size=n, max_size=n),
            st.lists(st.integers(0, 3), min_size=3, max_size=3),
        )
    )
)
def test_solver_coverage_first_then_score(data) -> None:
    s, ok, cap = (np.array(x) for x in data)
    s = s.astype(float)
    ok = ok.astype(bool)
    cap = cap.astype(np.int64)
    check_assignment(solve_dense(s, ok, cap), s, ok, cap)


@given(programmes(), st.randoms(use_true_random=False))
def test_deterministic_and_order_independent(programme, rnd) -> None:
    mentees, mentors = programme
    matcher = full_matcher(0.1)
    first = matcher.match(mentees, mentors)
    again = matcher.match(mentees, mentors)
    assert first.matches == again.matches and first.unmatched == again.unmatched
    shuffled_tors = list(mentors)
    rnd.shuffle(shuffled_tors)
    shuffled_tees = list(mentees)
    rnd.shuffle(shuffled_tees)
    other = matcher.match(shuffled_tees, shuffled_tors)
    pairs = {(m.mentee_id, m.mentor_id, round(m.score, 12)) for m in first.matches}
    assert pairs == {(m.mentee_id, m.mentor_id, round(m.score, 12)) for m in other.matches}


def test_inputs_are_not_mutated() -> None:
    mentees = [mm.Mentee(id="e1", goals=["a"]), mm.Mentee(id="e2")]
    mentors = [mm.Mentor(id="m1", goals=["a"])]
    before = ([e.model_dump() for e in mentees], [m.model_dump() for m in mentors])
    as_lists = (list(mentees), list(mentors))
    mm.Matcher([mm.GoalOverlap()]).match(mentees, mentors)
    assert before == ([e.model_dump() for e in mentees], [m.model_dump() for m in mentors])
    assert as_lists == (mentees, mentors)


@pytest.mark.parametrize(
    ("n_e", "n_m"), [(0, 0), (2, 0), (0, 3)], ids=["nobody", "no-mentors", "no-mentees"]
)
def test_empty_programmes_give_empty_well_formed_results(n_e: int, n_m: int) -> None:
    mentees = [mm.Mentee(id=f"e{i}") for i in range(n_e)]
    mentors = [mm.Mentor(id=f"m{j}") for j in range(n_m)]
    result = mm.Matcher([mm.GoalOverlap()]).match(mentees, mentors)
    assert result.matches == ()
    assert len(result.unmatched) == n_e
    assert result.total_score == 0.0
    assert all(u.reason == "there are no mentors in this programme" for u in result.unmatched)


def test_unmatched_reasons_are_specific() -> None:
    mentors = [
        mm.Mentor(id="boss", capacity=1, department="Eng", goals=["x"]),
        mm.Mentor(id="m2", capacity=1, department="Eng", goals=["x"], manager_id="boss"),
        mm.Mentor(id="zero", capacity=0),
    ]
    mentees = [
        mm.Mentee(id="e1", manager_id="m2", goals=["x"], department="Eng"),  # both in line
        mm.Mentee(id="e2", goals=["y"], department="Eng"),  # below min score
        mm.Mentee(id="e3", goals=["x"], department="Sales"),
        mm.Mentee(id="e4", goals=["x"], department="Sales"),
        mm.Mentee(id="e5", goals=["x"], department="Sales"),  # capacity
    ]
    matcher = mm.Matcher([mm.GoalOverlap()], [mm.NotInReportingLine()], min_score=0.4)
    result = matcher.match(mentees, mentors)
    reasons = {u.mentee_id: u.reason for u in result.unmatched}
    assert reasons["e1"] == "all 2 mentors with a place are in your reporting line"
    assert reasons["e2"].startswith("no allowed mentor scores at least min_score 0.4")
    capacity = [r for k, r in reasons.items() if k in {"e3", "e4", "e5"}]
    assert len(capacity) == 1
    assert capacity[0].startswith("capacity exhausted: 2 places for 5 mentees")


def test_explanation_names_runner_up_and_why() -> None:
    mentees = [
        mm.Mentee(id="e1", goals=["a", "b"]),
        mm.Mentee(id="e2", goals=["a"]),
    ]
    mentors = [mm.Mentor(id="m1", goals=["a"]), mm.Mentor(id="m2", goals=["a", "b"])]
    result = mm.Matcher([mm.GoalOverlap()]).match(mentees, mentors)
    assert result.mentor_of("e1") == "m2" and result.mentor_of("e2") == "m1"
    ex = result.explain("e2")
    assert ex.runner_up is not None and ex.runner_up.mentor_id == "m2"
    assert "its only place went to e1" in ex.runner_up.why_not
    assert "e2 is matched with m1" in ex.summary()
    with pytest.raises(mm.MentormatchError, match="'nobody' is not in this result"):
        result.explain("nobody")


def test_person_in_both_roles_is_never_matched_with_themself() -> None:
    mentees = [mm.Mentee(id="ann", goals=["a"])]
    mentors = [mm.Mentor(id="ann", goals=["a"])]
    result = mm.Matcher([mm.GoalOverlap()]).match(mentees, mentors)
    assert result.unmatched[0].reason == (
        "the only mentor with a free place is refused: that mentor is you"
    )


def test_custom_function_criterion_changes_the_matches() -> None:
    mentees = [mm.Mentee(id="e1", attributes={"tz": "CET"})]
    mentors = [
        mm.Mentor(id="m1", goals=["x"], attributes={"tz": "PST"}),
        mm.Mentor(id="m2", attributes={"tz": "CET"}),
    ]
    base = mm.Matcher([mm.GoalOverlap()])
    assert base.match(mentees, mentors).mentor_of("e1") == "m1"  # tie broken by id

    def same_tz(tees, tors):
        a = np.array([e.attributes.get("tz") for e in tees], dtype=object)
        b = np.array([m.attributes.get("tz") for m in tors], dtype=object)
        return (a[:, None] == b[None, :]).astype(float)

    custom = mm.Matcher([mm.GoalOverlap(), mm.FunctionCriterion(same_tz, name="time_zone")])
    result = custom.match(mentees, mentors)
    assert result.mentor_of("e1") == "m2"
    assert result.matches[0].contributions == {"time_zone": 0.5, "goal_overlap": 0.0}


class _Bad:
    def __init__(self, name: str, value: object) -> None:
        self.name = name
        self.weight = 1.0
        self.value = value

    def score(self, tees, tors):
        return self.value(len(tees), len(tors)) if callable(self.value) else self.value

    def explain(self, tee, tor, value):
        return ""


ONE = [mm.Mentee(id="e1")]
TWO = [mm.Mentor(id="m1"), mm.Mentor(id="m2")]


@pytest.mark.parametrize(
    ("criterion", "message"),
    [
        (
            _Bad("shape", np.zeros((2, 2))),
            r"criterion 'shape' returned shape \(2, 2\); expected \(1, 2\)",
        ),
        (_Bad("nan", np.array([[np.nan, 0.5]])), r"criterion 'nan' returned a non-finite value"),
        (
            _Bad("big", np.array([[1.5, 0.5]])),
            r"criterion 'big' returned 1.5 .* must lie in \[0, 1\]",
        ),
        (_Bad("neg", np.array([[-0.1, 0.5]])), r"criterion 'neg' returned -0.1"),
        (
            _Bad("text", [["a", "b"]]),
            r"criterion 'text' returned list of text, not an array of numbers",
        ),
    ],
    ids=["wrong-shape", "nan", "above-1", "below-0", "not-numbers"],
)
def test_bad_criterion_output_names_the_criterion(criterion, message) -> None:
    with pytest.raises(mm.MentormatchError, match=message):
        mm.Matcher([criterion]).match(ONE, TWO)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"criteria": []}, "needs at least one criterion"),
        (
            {"criteria": [mm.GoalOverlap(), mm.GoalOverlap()]},
            "two criteria are named 'goal_overlap'",
        ),
        ({"criteria": [object()]}, "lacks name, weight, score, explain"),
        ({"criteria": [mm.GoalOverlap()], "min_score": 1.5}, "'min_score' parameter of Matcher"),
        ({"criteria": [mm.GoalOverlap()], "solver": "fast"}, "must be one of 'auto', 'dense'"),
        (
            {
                "criteria": [mm.GoalOverlap()],
                "constraints": [mm.ForbidPairs([]), mm.ForbidPairs([])],
            },
            "two constraints are named 'forbidden_pairs'",
        ),
    ],
    ids=["no-criteria", "duplicate-names", "not-a-criterion", "min-score", "solver", "dup-rules"],
)
def test_bad_matcher_parameters(kwargs, message) -> None:
    with pytest.raises(ValueError, match=message):
        mm.Matcher(**kwargs)


def test_bad_constraint_output() -> None:
    class Rule:
        name = "odd"

        def allowed(self, tees, tors):
            return np.ones((len(tees), len(tors)))

        def explain(self, tee, tor):
            return ""

    with pytest.raises(mm.MentormatchError, match="constraint 'odd' returned dtype float64"):
        mm.Matcher([mm.GoalOverlap()], [Rule()]).match(ONE, TWO)


def test_reprs_read_like_code() -> None:
    matcher = mm.Matcher([mm.GoalOverlap(weight=2)], [mm.NotInReportingLine()], min_score=0.2)
    assert repr(matcher) == (
        "Matcher(criteria=[GoalOverlap(weight=2.0)], constraints=[NotInReportingLine(depth=2)], "
        "min_score=0.2)"
    )
    result = matcher.match(ONE, TWO)
    assert repr(result) == "MatchResult(1 mentees: 0 matched, 1 unmatched; total_score=0.0000)"


def test_to_records_and_dataframe() -> None:
    mentees = [mm.Mentee(id="e1", goals=["a"]), mm.Mentee(id="e2")]
    result = mm.Matcher([mm.GoalOverlap()]).match(mentees, [mm.Mentor(id="m1", goals=["a"])])
    records = result.to_records()
    assert [r["mentee_id"] for r in records] == ["e1", "e2"]
    assert records[0]["contribution_goal_overlap"] == 1.0
    assert records[1]["unmatched_reason"].startswith("capacity exhausted")
    df = result.to_dataframe()
    assert list(df["mentee_id"]) == ["e1", "e2"]


def test_score_matrix_exposes_criteria_and_rules() -> None:
    mentees = [mm.Mentee(id="e1", manager_id="m1")]
    scores = mm.Matcher([mm.GoalOverlap()], [mm.NotInReportingLine()]).score(mentees, TWO)
    assert scores.allowed.tolist() == [[False, True]]
    assert scores.refused_by["reporting_line"].tolist() == [[True, False]]
    assert set(scores.by_criterion) == {"goal_overlap"}


def test_keep_and_exclude_through_match() -> None:
    mentees = [mm.Mentee(id="e1", goals=["a"]), mm.Mentee(id="e2", goals=["a"])]
    mentors = [mm.Mentor(id="m1", goals=["a"]), mm.Mentor(id="m2")]
    matcher = mm.Matcher([mm.GoalOverlap()])
    best = matcher.match(mentees, mentors)
    kept = matcher.match(mentees, mentors, keep=[("e2", "m2")], exclude=[("e1", "m2")])
    assert kept.mentor_of("e2") == "m2" and kept.mentor_of("e1") == "m1"
    excluded = matcher.match(mentees, mentors, exclude=[("e1", "m1"), ("e2", "m1")])
    assert excluded.mentor_of("e1") in {"m2", None} and excluded.n_matched == 1
    assert best.diff(best).cost == 0.0


def test_lower_scoring_full_runner_up_is_not_blamed_on_capacity() -> None:
    mentees = [mm.Mentee(id="e1", goals=["a", "b"]), mm.Mentee(id="e2", goals=["b"])]
    mentors = [mm.Mentor(id="m1", goals=["a", "b"]), mm.Mentor(id="m2", goals=["b"])]
    result = mm.Matcher([mm.GoalOverlap()]).match(mentees, mentors)
    runner = result.explain("e1").runner_up
    assert runner is not None and runner.mentor_id == "m2"
    assert runner.why_not.startswith("scored 0.50, below m1's 1.00")


# -- the words of an explanation do not follow the input order ------------------------------


def test_unmatched_reasons_list_rules_in_their_order_and_mentors_best_first() -> None:
    tee = mm.Mentee(id="e1", manager_id="m3", department="Eng", goals=["sql"])
    tors = [
        mm.Mentor(id="m3", department="Sales"),  # e1's manager
        mm.Mentor(id="m1", department="Eng"),  # e1's department
        mm.Mentor(id="m2", department="Eng/Data"),
    ]
    matcher = mm.Matcher([mm.GoalOverlap()], [mm.DifferentDepartment(), mm.NotInReportingLine()])
    for order in (tors, tors[::-1], [tors[1], tors[0], tors[2]]):
        (u,) = matcher.match([tee], order).unmatched
        assert u.reason == (
            "no mentor is allowed by the rules: of the 3 with a place, "
            "2 in your own department, 1 in your reporting line"
        )
    full = [
        mm.Mentor(id="m1", goals=["sql"]),
        mm.Mentor(id="m2", goals=["sql", "go"]),
        mm.Mentor(id="m0"),
    ]
    tees = [mm.Mentee(id=f"e{i}", goals=["sql", "go"]) for i in range(4)]
    for order in (full, full[::-1]):
        result = mm.Matcher([mm.GoalOverlap()]).match(tees, order)
        reasons = {u.reason for u in result.unmatched}
        assert reasons == {
            "capacity exhausted: 3 places for 4 mentees, and your 3 possible mentors "
            "(m2, m1, m0) went to mentees who had fewer options or scored higher with them"
        }


def test_the_runner_up_names_the_mentees_who_took_its_places_in_id_order() -> None:
    tees = [mm.Mentee(id=f"e{i}", goals=["sql"]) for i in (3, 1, 2)]
    tors = [mm.Mentor(id="m1", goals=["sql"], capacity=2), mm.Mentor(id="m2")]
    for order in (tees, tees[::-1]):
        result = mm.Matcher([mm.GoalOverlap()]).match(order, tors)
        loser = next(m.mentee_id for m in result.matches if m.mentor_id == "m2")
        why = result.explain(loser).runner_up
        assert why is not None and why.mentor_id == "m1"
        taken = sorted(m.mentee_id for m in result.matches if m.mentor_id == "m1")
        assert f"its 2 places went to {', '.join(taken)}" in why.why_not


def test_contributions_add_up_to_the_score_with_exact_shares() -> None:
    e = [mm.Mentee(id="e1", goals=["a", "b", "c"], skills={"python": 1})]
    m = [mm.Mentor(id="m1", goals=["a"], skills={"python": 4})]
    for weights in [(3, 1), (0.3, 0.1), (np.int64(6), np.float32(2))]:
        sm = mm.Matcher([mm.GoalOverlap(weight=weights[0]), mm.SkillGap(weight=weights[1])]).score(
            e, m
        )
        assert dict(sm.shares) == {"goal_overlap": 0.75, "skill_gap": 0.25}
        assert sum(sm.contributions(0, 0).values()) == sm.total[0, 0]
