"""Learning weights from outcomes: recovery on synthetic data, and refusals."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mentormatch as mm
from mentormatch.calibrate import WeightFit, fit_weights, pair_features


def synthetic(n: int, seed: int, binary: bool = True) -> list[dict[str, object]]:
    rng = np.random.default_rng(seed)
    x = rng.random((n, 3))
    signal = 3 * x[:, 0] + 1 * x[:, 1] - 0.5 * x[:, 2]
    out: list[dict[str, object]] = []
    for row, s in zip(x, signal, strict=True):
        y: object = (
            bool(rng.random() < 1 / (1 + np.exp(-(s - 1.5) * 2)))
            if binary
            else float(s + rng.normal(0, 0.3))
        )
        out.append({"goals": row[0], "skills": row[1], "text": row[2], "outcome": y})
    return out


def test_binary_recovers_the_ordering_and_clips_negative() -> None:
    data = synthetic(150, 1)
    fit = fit_weights(data)
    assert fit == fit_weights(data)  # the same seed gives the same fit
    assert fit.kind == "binary" and fit.metric == "roc_auc" and fit.supported
    assert fit.weights["goals"] > fit.weights["skills"] >= fit.weights["text"]
    assert sum(fit.weights.values()) == pytest.approx(1.0)
    assert all(w >= 0 for w in fit.weights.values())
    assert fit.ci.low <= fit.score <= fit.ci.high
    assert "Weights learned from 150 pairs" in fit.summary()


def test_numeric_uses_non_negative_ridge() -> None:
    fit = fit_weights(synthetic(200, 2, binary=False))
    assert fit.kind == "numeric" and fit.metric == "r2" and fit.supported
    assert fit.weights["text"] == 0.0 and fit.clipped == ()
    assert fit.weights["goals"] > fit.weights["skills"] > 0


def test_noise_is_not_recommended() -> None:
    rng = np.random.default_rng(4)
    data = [{"goals": a, "skills": b, "outcome": bool(c < 0.5)} for a, b, c in rng.random((60, 3))]
    fit = fit_weights(data)
    assert not fit.supported
    assert "Not recommended" in fit.summary()
    with pytest.raises(mm.MentormatchError, match="better than chance"):
        fit.matcher([mm.GoalOverlap(name="goals"), mm.SkillGap(name="skills")])
    forced = fit.matcher([mm.GoalOverlap(name="goals"), mm.SkillGap(name="skills")], force=True)
    assert isinstance(forced, mm.Matcher)


def test_matcher_keeps_rules_and_drops_zero_weights() -> None:
    from mentormatch._intervals import ConfidenceInterval

    fit = WeightFit(
        {"goal_overlap": 1.0, "department": 0.0},
        {},
        ("department",),
        "binary",
        "roc_auc",
        0.8,
        ConfidenceInterval(0.7, 0.9),
        50,
        True,
    )
    base = mm.Matcher(
        [mm.GoalOverlap(weight=3), mm.DepartmentDistance()],
        [mm.NotInReportingLine()],
        min_score=0.2,
    )
    new = fit.matcher(base)
    assert [c.name for c in new.criteria] == ["goal_overlap"]
    assert new.criteria[0].weight == 1.0 and base.criteria[0].weight == 3.0
    assert new.constraints == base.constraints and new.min_score == 0.2
    with pytest.raises(mm.MentormatchError, match="none of the criteria"):
        fit.matcher([mm.SkillGap()])
    # a criterion left out of the fit keeps its share of the total weight
    mixed = fit.matcher([mm.GoalOverlap(weight=3), mm.SkillGap(weight=1)])
    assert [(c.name, c.weight) for c in mixed.criteria] == [
        ("goal_overlap", 0.75),
        ("skill_gap", 0.25),
    ]


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 2**16), st.integers(30, 60))
def test_refuses_degenerate_data(seed, n) -> None:
    rng = np.random.default_rng(seed)
    x = rng.random((n, 2))
    # no variation in the outcome
    same = [{"a": a, "b": b, "outcome": True} for a, b in x]
    with pytest.raises(mm.MentormatchError, match="no variation"):
        fit_weights(same)
    # too few of the rarer class
    rare = [{"a": a, "b": b, "outcome": k < 3} for k, (a, b) in enumerate(x)]
    with pytest.raises(mm.MentormatchError, match="rarer outcome"):
        fit_weights(rare)
    # a criterion with no variation
    flat = [{"a": a, "b": 0.5, "outcome": k % 2 == 0} for k, (a, _) in enumerate(x)]
    with pytest.raises(mm.MentormatchError, match="criterion 'b' has the same score"):
        fit_weights(flat)
    # too few pairs
    with pytest.raises(mm.MentormatchError, match="at least 30"):
        fit_weights(same[: n % 30])


@pytest.mark.parametrize(
    ("records", "kwargs", "message"),
    [
        ([{"a": 0.1, "outcome": None}] * 40, {}, "outcome 'outcome' is None"),
        ([{"outcome": 1.0}] * 40, {}, "no criterion scores"),
        (
            [{"a": 0.1, "outcome": 2.0}, {"a": 0.2, "outcome": 1.0}] * 20,
            {"kind": "binary"},
            "True/False",
        ),
        ([], {"kind": "other"}, "'kind' parameter"),
        ([], {"n_boot": 10}, "'n_boot' parameter"),
        ([], {"confidence": 95}, "confidence"),
    ],
    ids=["missing", "no-features", "not-binary", "kind", "n_boot", "confidence"],
)
def test_bad_input(records, kwargs, message) -> None:
    with pytest.raises(mm.MentormatchError, match=message):
        fit_weights(records, **kwargs)


def test_all_negative_is_refused() -> None:
    rng = np.random.default_rng(7)
    x = rng.random(200)
    data = [{"a": a, "outcome": bool(rng.random() < 0.9 - 0.8 * a)} for a in x]
    with pytest.raises(mm.MentormatchError, match="no criterion goes with better outcomes"):
        fit_weights(data)


def test_pair_features_reads_the_score_matrix() -> None:
    e = [mm.Mentee(id="e1", goals=["sql"]), mm.Mentee(id="e2")]
    m = [mm.Mentor(id="m1", goals=["sql"])]
    sm = mm.Matcher([mm.GoalOverlap()]).score(e, m)
    result = mm.Matcher([mm.GoalOverlap()]).match(e, m)
    feats = pair_features(sm, result.matches)
    assert feats == [{"mentee_id": "e1", "mentor_id": "m1", "goal_overlap": 1.0}]
    with pytest.raises(mm.MentormatchError, match="'e9' is not a mentee"):
        pair_features(sm, [("e9", "m1")])
