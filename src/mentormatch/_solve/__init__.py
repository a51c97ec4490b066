"""The dense assignment solver: pure functions from scores, an allowed mask and capacities.

They know nothing of participants or criteria. Every solver returns, for each
mentee row, the index of its mentor column or ``-1``, and optimises the same
lexicographic objective: (1) the largest number of matched mentees (each
mentor ``j`` taking at most ``capacity[j]``, only allowed pairs); (2) among
those, the largest total score.

- :mod:`~mentormatch._solve.dense`: Hungarian / Jonker-Volgenant with
  capacities (the small-programme path), and its id-ordered form.

The large-programme path is the exact core :mod:`mentormatch._large`
(candidates, a min-cost flow, pricing to a proof of optimality).
"""

from mentormatch._solve.dense import assignment_value, slot_counts, solve_dense, solve_in_id_order

__all__ = [
    "assignment_value",
    "slot_counts",
    "solve_dense",
    "solve_in_id_order",
]
