"""Explanations of a match, from the scores and data kept in the result (never solver state).

- :mod:`~mentormatch._explain.text`: the sentences (why this mentor, why
  none, why not the runner-up), from one mentee's row of scores.
- :mod:`~mentormatch._explain.explainers`: the explainer a result keeps,
  dense (the full matrix) or sparse (rows scored on demand).
- :mod:`~mentormatch._explain.build`: an assignment to a ``MatchResult``.
"""

from mentormatch._explain.build import Recipe, build_result, build_sparse_result
from mentormatch._explain.explainers import DenseExplainer, SparseExplainer
from mentormatch._explain.text import Explained, ordered, reasons_from_values, unmatched_reason

__all__ = [
    "DenseExplainer",
    "Explained",
    "Recipe",
    "SparseExplainer",
    "build_result",
    "build_sparse_result",
    "ordered",
    "reasons_from_values",
    "unmatched_reason",
]
