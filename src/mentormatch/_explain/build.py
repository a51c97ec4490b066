"""An assignment to a :class:`~mentormatch.MatchResult`: matches, unmatched with reasons, an explainer.

A match's reasons are built on first access (a large programme does not pay
for sentences nobody reads), from the explainer the result keeps.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from mentormatch._explain.explainers import DenseExplainer, SparseExplainer
from mentormatch._explain.text import Explained, ordered, reasons_from_values, unmatched_reason
from mentormatch._large import Progress
from mentormatch._results import Match, MatchResult, Unmatched
from mentormatch._scoring import ProgrammeScorer, ScoreMatrix, weighted_total
from mentormatch._scoring.blocked import block_rows
from mentormatch.constraints import ConstraintLike
from mentormatch.criteria.base import CriterionLike
from mentormatch.participants import Mentee, Mentor

__all__ = ["Recipe", "build_result", "build_sparse_result"]


class MatcherParts(Protocol):
    """What a result needs of its matcher (a :class:`~mentormatch.Matcher` has it)."""

    @property
    def criteria(self) -> Sequence[CriterionLike]: ...

    @property
    def constraints(self) -> Sequence[ConstraintLike]: ...

    @property
    def min_score(self) -> float: ...


@dataclass(frozen=True, eq=False)
class Recipe:
    """What a result is built from besides the assignment: the matcher's parts, the programme."""

    criteria: Sequence[CriterionLike]
    rules: Sequence[ConstraintLike]
    min_score: float
    tees: Sequence[Mentee]
    tors: Sequence[Mentor]
    capacity: NDArray[np.int64]

    @classmethod
    def of(
        cls,
        matcher: MatcherParts,
        people: tuple[Sequence[Mentee], Sequence[Mentor]],
        capacity: NDArray[np.int64],
    ) -> Recipe:
        """The recipe of ``matcher``'s results on this (validated) programme."""
        tees, tors = people
        return cls(matcher.criteria, matcher.constraints, matcher.min_score, tees, tors, capacity)


def _assemble(
    recipe: Recipe, ex: Explained, *, matches: list[Match], unmatched: list[Unmatched]
) -> MatchResult:
    """The result of either path, explaining on demand through ``ex``."""
    return MatchResult(
        matches=tuple(matches),
        unmatched=tuple(unmatched),
        total_score=math.fsum(m.score for m in matches),
        metadata={
            "n_mentees": len(ex.tees),
            "n_mentors": len(ex.tors),
            "places": int(ex.capacity.sum()),
            "criteria": tuple(c.name for c in recipe.criteria),
            "min_score": recipe.min_score,
        },
        _explainer=ex,
    )


def build_result(recipe: Recipe, scores: ScoreMatrix, assignment: NDArray[np.intp]) -> MatchResult:
    """The result of the dense path (and of rematch and maximin, which score densely)."""
    tees, tors = recipe.tees, recipe.tors
    ex = DenseExplainer(
        recipe.criteria,
        recipe.rules,
        scores=scores,
        people=(tees, tors),
        capacity=recipe.capacity,
        assignment=assignment,
    )
    matches = [
        Match(
            tees[i].id,
            tors[j].id,
            float(scores.total[i, j]),
            ordered(scores.contributions(i, j)),
            make_reasons=partial(ex.reasons, i, j),
        )
        for i, j in enumerate(assignment.tolist())
        if j >= 0
    ]
    unmatched = [
        Unmatched(tees[i].id, unmatched_reason(ex, i))
        for i, j in enumerate(assignment.tolist())
        if j < 0
    ]
    return _assemble(recipe, ex, matches=matches, unmatched=unmatched)


#: Mentors (and matched rows) per block when the matched pairs are scored for their values.
_PAIR_MENTORS = 64
_PAIR_ROWS = 4096


def _pair_values(
    ps: ProgrammeScorer, assignment: NDArray[np.intp]
) -> tuple[dict[int, dict[str, float]], dict[int, float]]:
    """The criterion scores and total of every matched pair, scored in blocks by mentor.

    The matched rows, sorted by mentor, are cut into blocks of at most
    :data:`_PAIR_MENTORS` mentors (and :data:`_PAIR_ROWS` rows), each scored
    against its own mentors only: about ``n_matched x 64`` pairs in all,
    not every matched row against every mentor.
    """
    made = np.flatnonzero(assignment >= 0)
    by_mentor = made[np.argsort(assignment[made], kind="stable")]
    values: dict[int, dict[str, float]] = {}
    totals: dict[int, float] = {}
    mentor = assignment[by_mentor]
    rank = np.cumsum(np.concatenate([[0], mentor[1:] != mentor[:-1]]))
    block = rank // _PAIR_MENTORS * (by_mentor.size + 1) + np.arange(by_mentor.size) // _PAIR_ROWS
    for rows in np.split(by_mentor, np.flatnonzero(np.diff(block)) + 1):
        if rows.size == 0:
            continue
        cols, where = np.unique(assignment[rows], return_inverse=True)
        by = ps.by_criterion(rows, cols, keep=False)
        pick = {name: s[np.arange(rows.size), where] for name, s in by.items()}
        total = weighted_total(pick, ps.shares, (rows.size,))
        for k, i in enumerate(rows):
            values[int(i)] = {name: float(v[k]) for name, v in pick.items()}
            totals[int(i)] = float(total[k])
    return values, totals


def build_sparse_result(
    recipe: Recipe,
    ps: ProgrammeScorer,
    assignment: NDArray[np.intp],
    *,
    progress: Progress | None = None,
) -> MatchResult:
    """:func:`build_result` without a full score matrix.

    Matched pairs are scored in blocks grouped by mentor; the unmatched
    reasons and :meth:`MatchResult.explain` read the mentee's row, scored on
    demand against all mentors, through the same text as the dense path.
    """
    tees, tors = recipe.tees, recipe.tors
    ex = SparseExplainer(
        recipe.criteria,
        recipe.rules,
        min_score=recipe.min_score,
        people=(tees, tors),
        capacity=recipe.capacity,
        assignment=assignment,
        ps=ps,
    )
    values, totals = _pair_values(ps, assignment)
    matches: list[Match] = []
    for i in map(int, np.flatnonzero(assignment >= 0)):
        j = int(assignment[i])
        contrib = ordered({name: ps.shares[name] * s for name, s in values[i].items()})
        why = partial(
            reasons_from_values,
            ex.criteria,
            (tees[i], tors[j]),
            order=tuple(contrib),
            values=values[i],
        )
        matches.append(Match(tees[i].id, tors[j].id, totals[i], contrib, make_reasons=why))
    unmatched: list[Unmatched] = []
    lonely = np.flatnonzero(assignment < 0)
    step = block_rows(len(tors))
    for lo in range(0, lonely.size, step):
        rows = lonely[lo : lo + step]
        ex.cache.prefetch(rows)
        unmatched.extend(Unmatched(tees[i].id, unmatched_reason(ex, i)) for i in map(int, rows))
        if progress is not None:
            progress("explaining", min(lo + step, lonely.size), lonely.size)
    return _assemble(recipe, ex, matches=matches, unmatched=unmatched)
