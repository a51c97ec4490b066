"""Same input, same answer (issue 12, part 7).

* The same programme given as numpy scalars, pandas Series, a generator or in
  a shuffled order gives an equal result and the same explanations, word for
  word (runner-up and unmatched reasons included), on the dense path and in
  the lifecycle functions.
* Weights that differ only by a common factor give the same match and the
  same scores, bit for bit.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Sequence
from fractions import Fraction
from typing import Any

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

import mentormatch as mm
from mentormatch import circles, fairness, lifecycle, shortlist, stability
from tests.strategies import programmes

CRITERIA: dict[str, Callable[[Any], Any]] = {
    "goals": lambda w: mm.GoalOverlap(weight=w),
    "skills": lambda w: mm.SkillGap(weight=w),
    "department": lambda w: mm.DepartmentDistance(weight=w),
    "preferences": lambda w: mm.StatedPreferences(mutual=True, weight=w),
    "text": lambda w: mm.TextSimilarity(weight=w),
    "location": lambda w: mm.AttributeMatch("location", weight=w),
}
RULES: dict[str, Callable[[], Any]] = {
    "reporting": lambda: mm.NotInReportingLine(depth=2),
    "department": lambda: mm.DifferentDepartment(),
    "location": lambda: mm.SameAttribute("location"),
    "forbid": lambda: mm.ForbidPairs([("e0", "m0"), ("e1", "m1")]),
}


@st.composite
def configs(draw: st.DrawFn) -> tuple[dict[str, int], list[str], float]:
    names = draw(st.lists(st.sampled_from(sorted(CRITERIA)), min_size=1, max_size=4, unique=True))
    weights = {n: draw(st.integers(1, 9)) for n in names}
    rules = draw(st.lists(st.sampled_from(sorted(RULES)), max_size=2, unique=True))
    min_score = draw(st.sampled_from([0.0, 0.0, 0.2, 0.5]))
    return weights, rules, min_score


def _matcher(weights: dict[str, Any], rules: list[str], min_score: float) -> mm.Matcher:
    return mm.Matcher(
        [CRITERIA[n](w) for n, w in weights.items()],
        [RULES[r]() for r in rules],
        min_score=min_score,
    )


def _numpy(people: Sequence[Any]) -> list[Any]:
    """The same people as pandas would hand them: numpy numbers, NaN and pd.NA for nothing."""
    out = []
    for p in people:
        data = p.model_dump()
        data["skills"] = {k: np.int64(v) for k, v in p.skills.items()}
        data["goals"] = np.array(p.goals, dtype=object)
        data["name"] = np.nan if p.name is None else p.name
        data["manager_id"] = pd.NA if p.manager_id is None else p.manager_id
        data["attributes"] = {**p.attributes, "unrecorded": np.nan}
        if isinstance(p, mm.Mentor):
            data["capacity"] = np.float64(p.capacity) if p.capacity % 2 else np.int64(p.capacity)
        out.append(type(p)(**data))
    return out


def _forms(
    mentees: list[mm.Mentee], mentors: list[mm.Mentor], rnd: random.Random
) -> dict[str, Callable[[], tuple[Iterable[mm.Mentee], Iterable[mm.Mentor]]]]:
    shuffled_e, shuffled_m = mentees[:], mentors[:]
    rnd.shuffle(shuffled_e)
    rnd.shuffle(shuffled_m)
    return {
        "shuffled": lambda: (shuffled_e, shuffled_m),
        "numpy-shuffled": lambda: (_numpy(shuffled_e), _numpy(shuffled_m)),
        "series": lambda: (pd.Series(shuffled_e, dtype=object), pd.Series(mentors, dtype=object)),
        "generator": lambda: ((e for e in mentees[::-1]), (m for m in shuffled_m)),
    }


def _numpy_matcher(config: Any) -> mm.Matcher:
    """The matcher with its weights and min_score as numpy scalars."""
    weights, rules, min_score = config
    return _matcher(
        {n: np.int64(w) if w % 2 else np.float64(w) for n, w in weights.items()},
        rules,
        np.float64(min_score),
    )


def _texts(result: mm.MatchResult, ids: Iterable[str]) -> dict[str, tuple[Any, str]]:
    return {i: (result.explain(i), result.explain(i).summary()) for i in ids}


#: The functions compared, as ``f(matcher, mentees, mentors) -> result``.
def _runs(base: mm.MatchResult) -> dict[str, Callable[[mm.Matcher, Any, Any], Any]]:
    kept = [base.matches[0]] if base.matches else []
    taken = {(k.mentee_id, k.mentor_id) for k in kept}
    excluded = [p for p in (("e1", "m0"), ("e0", "m1")) if p not in taken][:1]
    return {
        "match": lambda m, e, t: m.match(e, t),
        "rematch": lambda m, e, t: lifecycle.rematch(m, e, t, keep=kept, exclude=excluded),
        "maximin": lambda m, e, t: fairness.match_maximin(m, e, t),
        "review": lambda m, e, t: lifecycle.review(m, e, t, forbid=kept).diff,
        "shortlist": lambda m, e, t: shortlist.shortlist(m, e, t, k=2, ration=1.5),
        "circles": lambda m, e, t: circles.match_circles(e, t, min_size=1, max_size=3, matcher=m),
        "stability": lambda m, e, t: stability.blocking_pairs(base, e, t, matcher=m),
    }


def _known(problem: tuple[list[mm.Mentee], list[mm.Mentor]]) -> bool:
    """Programmes whose fixed pairs name people who are there (the rules refer to e0, m0 ...)."""
    mentees, mentors = problem
    return {"e1", "e0"} <= {e.id for e in mentees} and {"m0", "m1"} <= {m.id for m in mentors}


@settings(max_examples=40)
@given(programmes(), configs(), st.randoms(use_true_random=False))
def test_the_match_and_every_word_of_its_explanations_do_not_depend_on_the_form(
    problem: tuple[list[mm.Mentee], list[mm.Mentor]], config: Any, rnd: random.Random
) -> None:
    mentees, mentors = problem
    base = _matcher(*config).match(mentees, mentors)
    words = _texts(base, (e.id for e in mentees))
    for form, make in _forms(mentees, mentors, rnd).items():
        matcher = _numpy_matcher(config) if form.startswith("numpy") else _matcher(*config)
        again = matcher.match(*make())
        assert again == base, form
        assert _texts(again, (e.id for e in mentees)) == words, form


@settings(max_examples=20)
@given(
    programmes(max_mentees=5, max_mentors=4).filter(_known),
    configs(),
    st.randoms(use_true_random=False),
)
def test_the_lifecycle_functions_do_not_depend_on_the_form(
    problem: tuple[list[mm.Mentee], list[mm.Mentor]], config: Any, rnd: random.Random
) -> None:
    mentees, mentors = problem
    matcher = _matcher(*config)
    base = matcher.match(mentees, mentors)
    runs = _runs(base)
    expected = {name: run(matcher, mentees, mentors) for name, run in runs.items()}
    words = {
        name: _texts(r, (e.id for e in mentees))
        for name, r in expected.items()
        if isinstance(r, mm.MatchResult)
    }
    forms = _forms(mentees, mentors, rnd)
    for form in ("shuffled", "numpy-shuffled"):
        tees, tors = (list(x) for x in forms[form]())
        m = _numpy_matcher(config) if form.startswith("numpy") else matcher
        for name, run in runs.items():
            got = run(m, tees, tors)
            assert got == expected[name], (form, name)
            if name in words:
                assert _texts(got, (e.id for e in mentees)) == words[name], (form, name)


@settings(max_examples=40)
@given(
    programmes(max_mentees=6, max_mentors=4),
    st.lists(st.integers(1, 9), min_size=2, max_size=4),
    st.sampled_from(
        [("times", 2), ("times", 7), ("tenths", 10), ("hundredths", 100), ("billions", 10**-9)]
    ),
)
def test_weights_differing_by_a_common_factor_give_the_same_scores_bit_for_bit(
    problem: tuple[list[mm.Mentee], list[mm.Mentor]], weights: list[int], scale: tuple[str, Any]
) -> None:
    mentees, mentors = problem
    names = ["goals", "skills", "text", "department"][: len(weights)]
    kind, factor = scale
    if kind == "times":
        scaled = [w * factor for w in weights]
    else:  # 3 -> 0.3: the decimal a person would write, not 3 * 0.1 = 0.30000000000000004
        scaled = [float(Fraction(w) / factor) if factor > 1 else float(f"{w}e-9") for w in weights]
    a = _matcher(dict(zip(names, weights, strict=False)), [], 0.0)
    b = _matcher(dict(zip(names, scaled, strict=False)), [], 0.0)
    sa, sb = a.score(mentees, mentors), b.score(mentees, mentors)
    assert sa.total.tobytes() == sb.total.tobytes()
    assert dict(sa.shares) == dict(sb.shares)
    ra, rb = a.match(mentees, mentors), b.match(mentees, mentors)
    assert ra == rb
    assert _texts(ra, (e.id for e in mentees)) == _texts(rb, (e.id for e in mentees))
    for i in range(len(mentees)):
        for j in range(len(mentors)):
            assert sum(sa.contributions(i, j).values()) == sa.total[i, j] or sa.total[i, j] == 1.0


def test_the_three_forms_of_the_issue_give_the_same_scores_bit_for_bit() -> None:
    tees, tors = mm.load_demo()
    totals = [
        mm.Matcher([mm.GoalOverlap(weight=w1), mm.TextSimilarity(weight=w2)])
        .score(tees, tors)
        .total
        for w1, w2 in [(2, 1), (4, 2), (0.2, 0.1), (np.int64(6), np.float32(3))]
    ]
    assert all(t.tobytes() == totals[0].tobytes() for t in totals)


def test_the_demo_programme_in_any_order_gives_the_same_words() -> None:
    tees, tors = mm.load_demo()
    for preset in mm.presets.PRESETS.values():
        matcher = preset()
        base = matcher.match(tees, tors)
        words = _texts(base, (e.id for e in tees))
        for seed in range(3):
            rnd = random.Random(seed)
            e, m = list(tees), list(tors)
            rnd.shuffle(e)
            rnd.shuffle(m)
            again = matcher.match(e, m)
            assert again == base
            assert _texts(again, (x.id for x in tees)) == words
            scores, reordered = matcher.score(tees, tors), matcher.score(e, m)
            rows = [reordered.mentee_ids.index(i) for i in scores.mentee_ids]
            cols = [reordered.mentor_ids.index(j) for j in scores.mentor_ids]
            assert reordered.total[np.ix_(rows, cols)].tobytes() == scores.total.tobytes()
