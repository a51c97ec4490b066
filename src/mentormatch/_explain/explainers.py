"""The two explainers a result keeps: rows from the full matrix, or rows scored on demand.

Both are plain data (no closures), so a result pickles with its
explanations: the dense one becomes the explanations themselves, the
sparse one its recipe (criteria, rules, participants, assignment), scored
again where it lands, bit for bit the same.
"""

from __future__ import annotations

import pickle
from collections.abc import Iterable, Sequence
from functools import cached_property, partial
from typing import Any

import numpy as np
from numpy.typing import NDArray

from mentormatch._explain.text import Explained
from mentormatch._results import StoredExplanations
from mentormatch._scoring import ProgrammeScorer, Row, RowScores, ScoreMatrix
from mentormatch.constraints import ConstraintLike
from mentormatch.criteria.base import CriterionLike
from mentormatch.participants import Mentee, Mentor

__all__ = ["DenseExplainer", "SparseExplainer"]


class DenseExplainer(Explained):
    """The dense path's explainer: the full score matrix is at hand.

    Pickled, it becomes the explanations themselves (:class:`StoredExplanations`):
    one per mentee is far smaller than the score matrices, and needs none of the
    criteria to be picklable.
    """

    def __init__(
        self,
        criteria: Iterable[CriterionLike],
        rules: Iterable[ConstraintLike],
        *,
        scores: ScoreMatrix,
        people: tuple[Sequence[Mentee], Sequence[Mentor]],
        capacity: NDArray[np.int64],
        assignment: NDArray[np.intp],
    ) -> None:
        super().__init__(criteria, rules, people, capacity=capacity, assignment=assignment)
        self.scores = scores
        self.min_score = scores.min_score

    def row(self, i: int) -> Row:
        """Mentee ``i``'s row of the matrix."""
        return self.scores.row(i)

    def __reduce__(self) -> tuple[Any, ...]:
        return (StoredExplanations, (self.materialise(),))


class SparseExplainer(Explained):
    """The large path's explainer: a mentee's row is scored when asked for.

    Pickled, it travels as its recipe (criteria, rules, participants,
    assignment) and scores rows again where it lands, with the same result
    bit for bit; when a criterion or rule cannot be pickled, as the
    explanations themselves.
    """

    def __init__(
        self,
        criteria: Iterable[CriterionLike],
        rules: Iterable[ConstraintLike],
        *,
        min_score: float,
        people: tuple[Sequence[Mentee], Sequence[Mentor]],
        capacity: NDArray[np.int64],
        assignment: NDArray[np.intp],
        ps: ProgrammeScorer | None = None,
    ) -> None:
        super().__init__(criteria, rules, people, capacity=capacity, assignment=assignment)
        self.min_score = min_score
        self._ps = ps

    @cached_property
    def cache(self) -> RowScores:
        """The rows scored so far (the programme encoded again after unpickling)."""
        ps = self._ps
        if ps is None:
            user_rules = [r for name, r in self.rules.items() if name in self._user_rules]
            people = (self.tees, self.tors)
            ps = ProgrammeScorer(
                tuple(self.criteria.values()), user_rules, people, min_score=self.min_score
            )
        return RowScores(ps)

    @property
    def _user_rules(self) -> tuple[str, ...]:
        return tuple(self.rules)[1:]  # the self rule comes first and is always applied

    def row(self, i: int) -> Row:
        """Mentee ``i``'s row, scored against all mentors if it is not kept."""
        return self.cache.row(i)

    def __reduce__(self) -> tuple[Any, ...]:
        rules = tuple(self.rules[name] for name in self._user_rules)
        parts = (tuple(self.criteria.values()), rules)
        try:
            pickle.dumps(parts)
        except Exception:  # a user's criterion or rule that cannot travel: send the answers
            return (StoredExplanations, (self.materialise(),))
        again = partial(
            SparseExplainer,
            min_score=self.min_score,
            people=(self.tees, self.tors),
            capacity=np.asarray(self.capacity),
            assignment=np.asarray(self.assignment),
        )
        return (again, parts)
