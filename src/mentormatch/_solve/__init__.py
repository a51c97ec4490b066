"""Assignment solvers: pure functions from scores, an allowed mask and capacities.

They know nothing of participants or criteria. Every solver returns, for each
mentee row, the index of its mentor column or ``-1``, and optimises the same
lexicographic objective: (1) the largest number of matched mentees (each
mentor ``j`` taking at most ``capacity[j]``, only allowed pairs); (2) among
those, the largest total score.

- :mod:`~mentormatch._solve.dense`: Hungarian / Jonker-Volgenant with
  capacities (the small-programme path), and its id-ordered form.
- :mod:`~mentormatch._solve.flow`: the same objective on a sparse set of
  candidate pairs (OR-Tools min-cost flow, or scipy).
- :mod:`~mentormatch._solve.proof`: duals on the candidates and the pricing
  loop that proves the answer optimal for the full problem.
- :mod:`~mentormatch._solve.pricing`: the candidate graph and the pricer of
  the large path, over any source of score blocks.
- :mod:`~mentormatch._solve.blocks`: block sizes, a thread map, top-k per row.
"""

from mentormatch._solve.dense import assignment_value, slot_counts, solve_dense, solve_in_id_order
from mentormatch._solve.flow import BACKENDS, Graph, have_ortools, solve_candidates
from mentormatch._solve.proof import (
    PRICE_TOL,
    Duals,
    Pricer,
    SparseSolution,
    candidate_duals,
    solve_sparse,
)

__all__ = [
    "BACKENDS",
    "PRICE_TOL",
    "Duals",
    "Graph",
    "Pricer",
    "SparseSolution",
    "assignment_value",
    "candidate_duals",
    "have_ortools",
    "slot_counts",
    "solve_candidates",
    "solve_dense",
    "solve_in_id_order",
    "solve_sparse",
]
