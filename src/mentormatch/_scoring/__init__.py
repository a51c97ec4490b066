"""Criteria and rules to scores: the dense :class:`ScoreMatrix`, or blocks of a large programme.

- :mod:`~mentormatch._scoring.checks`: what a criterion or rule is, and what
  it returns (shape, numbers or booleans, [0, 1]), checked on every path.
- :mod:`~mentormatch._scoring.rules`: each rule's own encoding (its public
  ``encode`` hook) or its ``allowed``, applied to blocks; the self rule.
- :mod:`~mentormatch._scoring.dense`: :func:`score_programme`, the full matrix.
- :mod:`~mentormatch._scoring.blocked`: :class:`ProgrammeScorer`, blocks of
  mentee rows, and :class:`RowScores`, one mentee's row on demand.

Both give the explanations the same thing, a :class:`Row` per mentee.
"""

from mentormatch._scoring.blocked import ProgrammeScorer, RowScores
from mentormatch._scoring.checks import (
    SELF_RULE,
    TOL,
    check_constraints,
    check_criteria,
    weight_of,
)
from mentormatch._scoring.dense import Row, ScoreMatrix, score_programme, weighted_total
from mentormatch._scoring.rules import NotYourself

__all__ = [
    "SELF_RULE",
    "TOL",
    "NotYourself",
    "ProgrammeScorer",
    "Row",
    "RowScores",
    "ScoreMatrix",
    "check_constraints",
    "check_criteria",
    "score_programme",
    "weight_of",
    "weighted_total",
]
