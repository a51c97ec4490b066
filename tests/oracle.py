"""The one test oracle: brute-force optima by enumeration, and the invariants of a result.

Every solver test compares against these functions instead of keeping its own
copy. The enumerations are exponential: keep problems at about 6 mentees and
4 mentors.

- :func:`assignments` lists every feasible assignment (each row a column or
  -1, capacities held, only allowed pairs).
- :func:`best_value` is the lexicographic optimum "most pairs, then largest
  total score"; :func:`best_maximin` the fairness optimum "most pairs, then
  the best worst score, then the largest total"; :func:`best_shortlist` the
  optimum of rationed shortlists (many mentors per mentee).
- :func:`check_assignment` and :func:`check_result` assert the invariants:
  nobody dropped or duplicated, capacities held, refused pairs never made,
  coverage then score optimal, contributions adding up to the score.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence

import numpy as np
from numpy.typing import NDArray

import mentormatch as mm

#: Two totals closer than this are equal (the solvers are exact up to rounding).
TOL = 1e-9

Choice = tuple[int, ...]


def assignments(
    allowed: NDArray[np.bool_],
    capacity: NDArray[np.int64] | Sequence[int] | None,
    rows: Iterable[int] | None = None,
) -> Iterator[Choice]:
    """Every feasible assignment of ``rows`` (all rows by default): a column or -1 each.

    ``capacity=None`` puts no limit on a column (for circles, whose sizes are
    checked by the caller).
    """
    rows = list(range(allowed.shape[0])) if rows is None else list(rows)
    options = [[-1, *np.flatnonzero(allowed[i]).tolist()] for i in rows]
    for choice in itertools.product(*options):
        if capacity is not None:
            load = Counter(j for j in choice if j >= 0)
            if any(load[j] > capacity[j] for j in load):
                continue
        yield choice


def _value(score: NDArray[np.float64], rows: Sequence[int], choice: Choice) -> tuple[int, float]:
    made = [(i, j) for i, j in zip(rows, choice, strict=True) if j >= 0]
    return len(made), math.fsum(float(score[i, j]) for i, j in made)


def best_value(
    score: NDArray[np.float64],
    allowed: NDArray[np.bool_],
    capacity: NDArray[np.int64] | Sequence[int],
    rows: Iterable[int] | None = None,
) -> tuple[int, float]:
    """The best ``(number matched, total score)`` over every assignment, lexicographically."""
    rows = list(range(score.shape[0])) if rows is None else list(rows)
    best = (0, 0.0)
    for choice in assignments(allowed, capacity, rows):
        value = _value(score, rows, choice)
        if value[0] > best[0] or (value[0] == best[0] and value[1] > best[1] + 1e-12):
            best = value
    return best


def best_maximin(
    score: NDArray[np.float64], allowed: NDArray[np.bool_], capacity: NDArray[np.int64]
) -> tuple[int, float, float]:
    """``(matched, best worst score, best total at that worst)`` over every assignment."""
    best: tuple[int, float, float] = (0, -np.inf, 0.0)
    for choice in assignments(allowed, capacity):
        vals = [float(score[i, j]) for i, j in enumerate(choice) if j >= 0]
        value = (len(vals), min(vals, default=-np.inf), math.fsum(vals))
        if value[0] > best[0] or (
            value[0] == best[0]
            and (
                value[1] > best[1] + 1e-12
                or (abs(value[1] - best[1]) <= 1e-12 and value[2] > best[2] + 1e-12)
            )
        ):
            best = value
    return best


def best_shortlist(
    score: NDArray[np.float64],
    eligible: NDArray[np.bool_],
    *,
    per_row: int,
    per_column: NDArray[np.int64],
    bonus: NDArray[np.float64],
) -> float:
    """The best value of a set of pairs, at most ``per_row`` per row and ``per_column[j]`` per
    column: a row with ``r`` pairs earns ``bonus[:r].sum()``, plus the pairs' scores."""
    pairs = list(zip(*np.nonzero(eligible), strict=True))
    n, m = score.shape
    best = 0.0
    for r in range(len(pairs) + 1):
        for subset in itertools.combinations(pairs, r):
            per_i = np.bincount([i for i, _ in subset], minlength=n)
            per_j = np.bincount([j for _, j in subset], minlength=m)
            if (per_i > per_row).any() or (per_j > per_column).any():
                continue
            value = float(sum(bonus[: int(k)].sum() for k in per_i)) + math.fsum(
                float(score[i, j]) for i, j in subset
            )
            best = max(best, value)
    return best


def check_assignment(
    assignment: NDArray[np.intp],
    score: NDArray[np.float64],
    allowed: NDArray[np.bool_],
    capacity: NDArray[np.int64],
    *,
    optimal: bool = True,
) -> None:
    """A solver's answer: one column or -1 per row, allowed pairs only, capacities held,
    and (``optimal``) as many pairs and as large a total as brute force finds."""
    n, m = score.shape
    assert assignment.shape == (n,)
    made = assignment >= 0
    assert (assignment < m).all()
    assert allowed[np.flatnonzero(made), assignment[made]].all(), "a refused pair was made"
    load = np.bincount(assignment[made], minlength=m)
    assert (load <= capacity).all(), "a capacity was exceeded"
    if optimal:
        rows = np.flatnonzero(made)
        got = (int(made.sum()), math.fsum(score[rows, assignment[rows]].tolist()))
        want = best_value(score, allowed, capacity)
        assert got[0] == want[0], f"matched {got[0]}, brute force {want[0]}"
        assert math.isclose(got[1], want[1], abs_tol=TOL), f"total {got[1]} vs {want[1]}"


def check_result(
    result: mm.MatchResult,
    mentees: Sequence[mm.Mentee],
    mentors: Sequence[mm.Mentor],
    scores: mm.ScoreMatrix,
    *,
    optimal: bool = True,
) -> None:
    """A result's invariants against its score matrix.

    Every mentee exactly once; capacities held; only eligible pairs (allowed
    by every rule, never oneself, at least ``min_score``); each match's
    score the matrix's, its contributions adding up to it, one reason per
    criterion; the total the sum of the scores; each unmatched mentee with a
    reason; and (``optimal``) coverage then score as brute force finds them.
    """
    seen = [m.mentee_id for m in result.matches] + [u.mentee_id for u in result.unmatched]
    assert sorted(seen) == sorted(e.id for e in mentees), "a mentee was dropped or added"
    assert len(seen) == len(set(seen)), "a mentee appears twice"
    load = Counter(m.mentor_id for m in result.matches)
    cap = {t.id: t.capacity for t in mentors}
    assert all(load[k] <= cap[k] for k in load), "a capacity was exceeded"
    ie = {e: i for i, e in enumerate(scores.mentee_ids)}
    im = {t: j for j, t in enumerate(scores.mentor_ids)}
    n_criteria = len(scores.by_criterion)
    for match in result.matches:
        i, j = ie[match.mentee_id], im[match.mentor_id]
        assert scores.eligible[i, j], f"pair {match.mentee_id}-{match.mentor_id} is refused"
        assert match.mentee_id != match.mentor_id
        assert math.isclose(float(scores.total[i, j]), match.score, abs_tol=1e-12)
        assert math.isclose(sum(match.contributions.values()), match.score, abs_tol=TOL)
        assert len(match.reasons) == n_criteria
    assert math.isclose(result.total_score, math.fsum(m.score for m in result.matches), abs_tol=TOL)
    assert all(u.reason for u in result.unmatched)
    if optimal:
        capacity = np.array([t.capacity for t in mentors], dtype=np.int64)
        want = best_value(scores.total, scores.eligible, capacity)
        assert len(result.matches) == want[0], f"matched {len(result.matches)}, best {want[0]}"
        assert math.isclose(result.total_score, want[1], abs_tol=TOL)
