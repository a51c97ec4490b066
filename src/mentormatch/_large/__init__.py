"""The large-programme solver core (private): pure array functions, no participants.

From a block-scoring callback, capacities, an allowed/required encoding and
options to an assignment, its exact duals and a certificate of optimality.
See :func:`solve_large`.
"""

from mentormatch._large.core import (
    Certificate,
    LargeSolution,
    default_k,
    solve_large,
)
from mentormatch._large.flow import have_ortools
from mentormatch._large.problem import (
    LargeOptions,
    Progress,
    ScoreBlock,
    ScoreCells,
    total_places,
)

__all__ = [
    "Certificate",
    "LargeOptions",
    "LargeSolution",
    "Progress",
    "ScoreBlock",
    "ScoreCells",
    "default_k",
    "have_ortools",
    "solve_large",
    "total_places",
]
