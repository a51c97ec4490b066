"""A criterion and rules written outside the package work on both paths, with the same answer.

Nothing here is registered or inherits from mentormatch: the objects only
have the documented shape (and, for one rule, the public ``encode`` hook).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray

import mentormatch as mm
from mentormatch.constraints import EncodedRule
from tests.oracle import check_result
from tests.strategies import programmes


class Seniority:
    """A user's criterion: mentors with more skills score higher (no encode hook)."""

    name = "seniority"
    weight = 1.5

    def score(self, mentees: Sequence[mm.Mentee], mentors: Sequence[mm.Mentor]) -> Any:
        levels = np.array([sum(m.skills.values()) for m in mentors], dtype=float)
        return np.tile(levels / 10.0, (len(mentees), 1)).clip(0, 1)

    def explain(self, mentee: mm.Mentee, mentor: mm.Mentor, value: float) -> str:
        return f"seniority {value:.1f}"


class NotSameInitial:
    """A user's rule with only ``allowed``: no pair whose ids end in the same digit."""

    name = "not_same_digit"

    def allowed(self, mentees: Sequence[mm.Mentee], mentors: Sequence[mm.Mentor]) -> Any:
        a = np.array([e.id[-1] for e in mentees], dtype=object)
        b = np.array([m.id[-1] for m in mentors], dtype=object)
        return a[:, None] != b[None, :]

    def explain(self, mentee: mm.Mentee, mentor: mm.Mentor) -> str:
        return "your ids end in the same digit"


class SameLocationOrNone:
    """A user's rule with the encode hook: a block function over codes computed once."""

    name = "same_location_or_none"
    thread_safe = True

    def encode(self, mentees: Sequence[mm.Mentee], mentors: Sequence[mm.Mentor]) -> EncodedRule:
        where = sorted({p.attributes.get("location", "") for p in (*mentees, *mentors)})
        code = {w: k for k, w in enumerate(where)}
        ce = np.array([code[e.attributes.get("location", "")] for e in mentees], dtype=np.intp)
        cm = np.array([code[m.attributes.get("location", "")] for m in mentors], dtype=np.intp)
        blank = code.get("", -1)

        def block(rows: NDArray[np.intp], cols: NDArray[np.intp] | None) -> NDArray[np.bool_]:
            a = ce[rows][:, None]
            b = (cm if cols is None else cm[cols])[None, :]
            return np.asarray((a == b) | (a == blank) | (b == blank), dtype=bool)

        return EncodedRule(block=block)

    def allowed(self, mentees: Sequence[mm.Mentee], mentors: Sequence[mm.Mentor]) -> Any:
        raise AssertionError("encode() is there: allowed() is not called")

    def explain(self, mentee: mm.Mentee, mentor: mm.Mentor) -> str:
        return "you are in different locations"


class VetoFirstMentor:
    """A user's rule with the encode hook as index pairs: mentee 0 never gets mentor 0."""

    name = "veto_first"

    def encode(self, mentees: Sequence[mm.Mentee], mentors: Sequence[mm.Mentor]) -> EncodedRule:
        if not mentees or not mentors:
            return EncodedRule(refused=(np.zeros(0, np.intp), np.zeros(0, np.intp)))
        return EncodedRule(refused=(np.array([0]), np.array([0])))

    def allowed(self, mentees: Sequence[mm.Mentee], mentors: Sequence[mm.Mentor]) -> Any:
        raise AssertionError("encode() is there: allowed() is not called")

    def explain(self, mentee: mm.Mentee, mentor: mm.Mentor) -> str:
        return "vetoed"


RULES = [NotSameInitial(), SameLocationOrNone(), VetoFirstMentor(), mm.NotInReportingLine()]


@settings(max_examples=40)
@given(programmes(max_mentees=6, max_mentors=4), st.sampled_from([0.0, 0.2]))
def test_user_criterion_and_rules_give_the_same_answer_on_both_paths(programme, min_score) -> None:
    mentees, mentors = programme
    criteria = [Seniority(), mm.GoalOverlap()]
    dense_m = mm.Matcher(criteria, RULES, min_score=min_score, solver="dense")
    sparse_m = mm.Matcher(criteria, RULES, min_score=min_score, solver="sparse", candidates=1)
    dense = dense_m.match(mentees, mentors)
    sparse = sparse_m.match(mentees, mentors)
    scores = dense_m.score(mentees, mentors)
    check_result(dense, mentees, mentors, scores)
    check_result(sparse, mentees, mentors, scores)
    assert sparse.n_matched == dense.n_matched
    assert sparse.total_score == pytest.approx(dense.total_score, abs=1e-9)
    for e in mentees:  # the same words, whenever the pairs are the same
        if dense.mentor_of(e.id) == sparse.mentor_of(e.id):
            assert dense.explain(e.id) == sparse.explain(e.id)


def test_a_user_rule_is_named_in_the_reasons_on_both_paths() -> None:
    mentees = [mm.Mentee(id="e1", attributes={"location": "Oslo"})]
    mentors = [mm.Mentor(id="m1", attributes={"location": "Rome"})]
    for solver in ("dense", "sparse"):
        r = mm.Matcher([Seniority()], [SameLocationOrNone()], solver=solver).match(mentees, mentors)
        assert r.unmatched[0].reason == (
            "the only mentor with a free place is refused: you are in different locations"
        )


class _BadEncoding:
    name = "bad"

    def __init__(self, enc: Any) -> None:
        self.enc = enc

    def encode(self, mentees: Sequence[mm.Mentee], mentors: Sequence[mm.Mentor]) -> Any:
        return self.enc

    def allowed(self, mentees: Sequence[mm.Mentee], mentors: Sequence[mm.Mentor]) -> Any:
        return np.ones((len(mentees), len(mentors)), dtype=bool)

    def explain(self, mentee: mm.Mentee, mentor: mm.Mentor) -> str:
        return "bad"


@pytest.mark.parametrize(
    ("enc", "message"),
    [
        ("yes", r"constraint 'bad': encode\(\) returned 'yes'; it must return an EncodedRule"),
        (
            EncodedRule(refused=(np.array([5]), np.array([0]))),
            r"refused pairs outside the programme's 1 mentees x 2 mentors",
        ),
        (EncodedRule(required=np.array([7])), r"required columns that are not one mentor"),
        (
            EncodedRule(block=lambda rows, cols: np.ones((1, 2))),
            r"constraint 'bad' returned dtype float64",
        ),
    ],
    ids=["not-an-encoding", "refused-out-of-range", "required-out-of-range", "block-of-floats"],
)
@pytest.mark.parametrize("solver", ["dense", "sparse"])
def test_a_bad_encoding_is_our_error_naming_the_rule(enc: Any, message: str, solver: str) -> None:
    matcher = mm.Matcher([mm.GoalOverlap()], [_BadEncoding(enc)], solver=solver)
    with pytest.raises(mm.MentormatchError, match=message):
        matcher.match([mm.Mentee(id="e1")], [mm.Mentor(id="m1"), mm.Mentor(id="m2")])


def test_an_encoding_is_exactly_one_form() -> None:
    with pytest.raises(mm.MentormatchError, match="exactly one of refused=, required= or block="):
        EncodedRule()
    with pytest.raises(mm.MentormatchError, match="got 2"):
        EncodedRule(required=np.array([0]), block=lambda r, c: np.ones((1, 1), bool))


BUILT_IN_RULES = [
    mm.NotInReportingLine(),
    mm.NotInReportingLine(depth=1),
    mm.SameAttribute("location"),
    mm.DifferentDepartment(),
    mm.DifferentDepartment(level=2),
]


@given(programmes(max_mentees=7, max_mentors=5), st.data())
def test_every_built_in_encoding_gives_slices_of_its_full_mask(programme, data) -> None:
    tees, tors = programme
    n, m = len(tees), len(tors)
    rows = np.array(data.draw(st.lists(st.integers(0, n - 1), unique=True)) if n else [], np.intp)
    cols = np.array(data.draw(st.lists(st.integers(0, m - 1), unique=True)) if m else [], np.intp)
    rules: list[Any] = [*BUILT_IN_RULES]
    if tees and tors:
        rules += [
            mm.ForbidPairs([(tees[0].id, tors[-1].id)]),
            mm.RequirePairs([(tees[-1].id, tors[0].id)]),
        ]
    for rule in rules:
        full = rule.allowed(tees, tors)
        enc = rule.encode(tees, tors)
        np.testing.assert_array_equal(enc.mask(rows, None, n_mentors=m), full[rows])
        np.testing.assert_array_equal(enc.mask(rows, cols, n_mentors=m), full[np.ix_(rows, cols)])
