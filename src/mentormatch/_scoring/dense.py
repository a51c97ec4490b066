"""The dense score matrix: every pair of a programme scored, with the rules applied.

:func:`score_programme` is what :meth:`mentormatch.Matcher.score` returns:
each criterion's full ``score(mentees, mentors)``, checked, their weighted
mean, and each rule's refusals from its own encoding (or ``allowed``). A
:class:`Row` is one mentee's scores against every mentor, the unit the
explanations read (dense or blocked alike).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
from numpy.typing import NDArray

from mentormatch._scoring.checks import TOL, check_scores, weight_of
from mentormatch._scoring.rules import encode_rules
from mentormatch._validation import shares
from mentormatch._values import FrozenDict, Value
from mentormatch.constraints import ConstraintLike
from mentormatch.criteria.base import CriterionLike
from mentormatch.participants import Mentee, Mentor

__all__ = ["Row", "ScoreMatrix", "score_programme", "weighted_total"]


def weighted_total(
    by: Mapping[str, NDArray[np.float64]], share: Mapping[str, float], shape: tuple[int, ...]
) -> NDArray[np.float64]:
    """``sum(share_i * s_i)`` clipped to [0, 1]: the same operations in the same order on
    every path (so a block is bitwise the slice of the full matrix). The inputs are
    never written to.

    Examples
    --------
    >>> import numpy as np
    >>> weighted_total({"a": np.array([1.0, 0.0]), "b": np.array([0.5, 1.0])},
    ...                {"a": 0.5, "b": 0.5}, (2,))
    array([0.75, 0.5 ])
    """
    total: NDArray[np.float64] | None = None
    tmp: NDArray[np.float64] | None = None
    for name, s in by.items():
        if total is None:
            total = np.multiply(s, share[name], dtype=np.float64)
            continue
        tmp = np.multiply(s, share[name], out=tmp, dtype=np.float64)
        total += tmp
    if total is None:
        return np.zeros(shape)
    np.clip(total, 0.0, 1.0, out=total)
    return total


@dataclass(frozen=True, eq=False)
class Row(Value):
    """One mentee's scores and rules against every mentor (arrays of shape ``(n_mentors,)``)."""

    total: NDArray[np.float64]
    by_criterion: Mapping[str, NDArray[np.float64]]
    allowed: NDArray[np.bool_]
    eligible: NDArray[np.bool_]
    refused_by: Mapping[str, NDArray[np.bool_]]
    shares: Mapping[str, float]

    def contributions(self, j: int) -> dict[str, float]:
        """The terms ``w_k s_k / sum(w)`` of the pair with mentor ``j``, in criterion order."""
        return {name: self.shares[name] * float(s[j]) for name, s in self.by_criterion.items()}

    def first_refusal(self, j: int) -> str | None:
        """The name of the first rule (in the rules' order) refusing mentor ``j``, if any."""
        return next((n for n, mask in self.refused_by.items() if mask[j]), None)


@dataclass(frozen=True, eq=False)
class ScoreMatrix(Value):
    """All pair scores of a programme, with the rules applied.

    A value: its arrays are read-only and its mappings too; ``==`` compares
    every field, arrays element by element.

    Attributes
    ----------
    mentee_ids, mentor_ids : tuple of str
        Row and column labels, in the order given.
    total : ndarray of shape (n_mentees, n_mentors)
        Weighted mean of the criterion scores, ``sum(w_i s_i) / sum(w_i)``,
        computed as ``sum(share_i * s_i)`` with the exact :func:`shares`.
    by_criterion : mapping of str to ndarray
        Each criterion's own scores ``s_i`` in [0, 1].
    weights : mapping of str to float
        Each criterion's weight.
    allowed : ndarray of bool
        Pairs that every hard rule allows (and that are not the same person).
    refused_by : mapping of str to ndarray of bool
        For each rule, the pairs it refuses.
    min_score : float
        Pairs scoring below it are not made.

    Examples
    --------
    >>> import mentormatch as mm
    >>> e = [mm.Mentee(id="e1", goals=["sql"])]
    >>> m = [mm.Mentor(id="m1", goals=["sql"]), mm.Mentor(id="m2")]
    >>> sm = mm.Matcher(criteria=[mm.GoalOverlap()]).score(e, m)
    >>> sm.total
    array([[1., 0.]])
    >>> sm.contributions(0, 0)
    {'goal_overlap': 1.0}
    """

    mentee_ids: tuple[str, ...]
    mentor_ids: tuple[str, ...]
    total: NDArray[np.float64]
    by_criterion: Mapping[str, NDArray[np.float64]]
    weights: Mapping[str, float]
    allowed: NDArray[np.bool_]
    refused_by: Mapping[str, NDArray[np.bool_]]
    min_score: float = 0.0

    @cached_property
    def shares(self) -> Mapping[str, float]:
        """Each criterion's share of the total weight (see :func:`shares`)."""
        return FrozenDict(shares(self.weights))

    @property
    def eligible(self) -> NDArray[np.bool_]:
        """Pairs that may be made: allowed and scoring at least ``min_score``."""
        return np.asarray(self.allowed & (self.total >= self.min_score - TOL), dtype=bool)

    def contributions(self, i: int, j: int) -> dict[str, float]:
        """The terms ``w_k s_k / sum(w)`` of pair ``(i, j)``; they add up to ``total[i, j]``."""
        share = self.shares
        return {name: share[name] * float(s[i, j]) for name, s in self.by_criterion.items()}

    def row(self, i: int) -> Row:
        """Mentee ``i``'s scores and rules against every mentor."""
        total = self.total[i]
        return Row(
            total=total,
            by_criterion={name: s[i] for name, s in self.by_criterion.items()},
            allowed=self.allowed[i],
            eligible=self.allowed[i] & (total >= self.min_score - TOL),
            refused_by={name: mask[i] for name, mask in self.refused_by.items()},
            shares=self.shares,
        )


def score_programme(
    criteria: Sequence[CriterionLike],
    rules: Sequence[ConstraintLike],
    people: tuple[Sequence[Mentee], Sequence[Mentor]],
    *,
    min_score: float,
) -> ScoreMatrix:
    """Score every pair of a (validated) programme and apply the rules: the dense path.

    Examples
    --------
    >>> import mentormatch as mm
    >>> people = ([mm.Mentee(id="a")], [mm.Mentor(id="a"), mm.Mentor(id="b")])
    >>> sm = score_programme([mm.GoalOverlap()], [], people, min_score=0.0)
    >>> sm.allowed, list(sm.refused_by)
    (array([[False,  True]]), ['not_yourself'])
    """
    tees, tors = people
    shape = (len(tees), len(tors))
    by = {c.name: check_scores(c.name, c.score(tees, tors), people, shape=shape) for c in criteria}
    weights = {c.name: weight_of(c) for c in criteria}
    total = weighted_total(by, shares(weights), shape)
    rows = np.arange(shape[0], dtype=np.intp)
    refused: dict[str, NDArray[np.bool_]] = {}
    for rule in encode_rules(rules, tees, tors):
        ok = rule.allowed(rows)
        if not ok.all():
            refused[rule.name] = ~ok
    allowed = np.ones(shape, dtype=bool)
    for mask in refused.values():
        allowed &= ~mask
    return ScoreMatrix(
        mentee_ids=tuple(e.id for e in tees),
        mentor_ids=tuple(m.id for m in tors),
        total=total,
        by_criterion=by,
        weights=weights,
        allowed=allowed,
        refused_by=refused,
        min_score=min_score,
    )
