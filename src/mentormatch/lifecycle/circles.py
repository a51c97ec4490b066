"""Mentoring circles: one mentor with a small group of mentees who share goals.

>>> import mentormatch as mm
>>> from mentormatch.circles import match_circles
>>> mentees = [mm.Mentee(id=f"e{i}", goals=["sql"] if i < 3 else ["leadership"]) for i in range(6)]
>>> mentors = [mm.Mentor(id="m1", goals=["sql"]), mm.Mentor(id="m2", goals=["leadership"])]
>>> print(match_circles(mentees, mentors, min_size=3, max_size=3).summary())
2 circles, 6 of 6 mentees (optimal).
  m1 with e0, e1, e2: all share sql
  m2 with e3, e4, e5: all share leadership
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from mentormatch._errors import MentormatchError
from mentormatch._frames import Column, Tabular
from mentormatch._validation import RealLike, WholeLike, check_int, check_real, fold
from mentormatch._values import Value
from mentormatch.criteria import GoalOverlap
from mentormatch.matching import Matcher, Unmatched, _dense_only
from mentormatch.participants import Mentee, Mentor, validate_programme

__all__ = ["Circle", "Circles", "match_circles"]


@dataclass(frozen=True, eq=False)
class Circle(Value):
    """One mentor and their group.

    Attributes
    ----------
    mentor_id : str
    mentee_ids : tuple of str
        In id order.
    score : float
        Sum of the members' scores with the mentor.
    shared_goals : dict of str to tuple of str
        Each goal held by at least two members, and who holds it.
    """

    mentor_id: str
    mentee_ids: tuple[str, ...]
    score: float
    shared_goals: Mapping[str, tuple[str, ...]]

    def explain(self) -> str:
        """One line: who, and which goals they share."""
        who = ", ".join(self.mentee_ids)
        if not self.shared_goals:
            return f"{self.mentor_id} with {who}: no goal shared by two members"
        parts = []
        for goal, ids in self.shared_goals.items():
            if len(ids) == len(self.mentee_ids):
                parts.append(f"all share {goal}")
            else:
                parts.append(f"{goal} ({', '.join(ids)})")
        return f"{self.mentor_id} with {who}: {'; '.join(parts)}"


@dataclass(frozen=True, eq=False)
class Circles(Tabular, Value):
    """The circles formed, and who is left out.

    Attributes
    ----------
    circles : tuple of Circle
        Sorted by mentor id.
    unmatched : tuple of Unmatched
        In id order.
    total_score : float
    optimal : bool
        False when the time limit stopped the solver first (the answer is
        then the best found, with ``gap`` its proven relative distance to
        the optimum).
    gap : float
    """

    circles: tuple[Circle, ...]
    unmatched: tuple[Unmatched, ...]
    total_score: float
    optimal: bool
    gap: float

    _columns = (
        Column("mentor_id", "id"),
        Column("mentee_id", "id"),
        Column("circle_size", "count", nullable=True),
        Column("circle_score", "float"),
        Column("unmatched_reason", "text"),
    )
    _display_skip = ("circles", "unmatched")

    def _records(self) -> list[dict[str, object]]:
        rows: list[dict[str, object]] = [
            {
                "mentor_id": c.mentor_id,
                "mentee_id": e,
                "circle_size": len(c.mentee_ids),
                "circle_score": c.score,
            }
            for c in self.circles
            for e in c.mentee_ids
        ]
        rows += [{"mentee_id": u.mentee_id, "unmatched_reason": u.reason} for u in self.unmatched]
        return rows

    def summary(self) -> str:
        """The circles, one per line."""
        n = sum(len(c.mentee_ids) for c in self.circles)
        total = n + len(self.unmatched)
        state = "optimal" if self.optimal else f"best found, within {self.gap:.1%} of optimal"
        lines = [f"{len(self.circles)} circles, {n} of {total} mentees ({state})."]
        lines += [f"  {c.explain()}" for c in self.circles]
        lines += [f"  {u.mentee_id} not placed: {u.reason}" for u in self.unmatched]
        return "\n".join(lines)


def match_circles(
    mentees: Iterable[Mentee],
    mentors: Iterable[Mentor],
    *,
    min_size: WholeLike = 3,
    max_size: WholeLike = 6,
    matcher: Matcher | None = None,
    time_limit: RealLike = 30.0,
) -> Circles:
    """Form mentoring circles: each mentor leads at most one group of mentees.

    Parameters
    ----------
    mentees, mentors : iterable of Mentee, iterable of Mentor
        Lists, tuples, generators, pandas Series or numpy object arrays; the
        order does not change the circles. Mentors with capacity 0 lead no circle; a mentor's capacity does not
        limit the circle's size (``max_size`` does).
    min_size, max_size : int
        A circle has between ``min_size`` and ``max_size`` mentees.
    matcher : Matcher, optional
        Scores mentee-mentor fit and applies its rules and ``min_score``;
        default ``Matcher([GoalOverlap()])``: the share of a mentee's goals
        the mentor offers.
    time_limit : float, default 30
        Seconds the solver may take; past it the best circles found are
        returned with ``optimal=False`` and their proven ``gap``.

    Returns
    -------
    Circles

    Notes
    -----
    An integer program (HiGHS via :func:`scipy.optimize.milp`): ``x_ij = 1``
    when mentee ``i`` joins mentor ``j``'s circle (allowed pairs only),
    ``z_j = 1`` when that circle runs, ``min_size z_j <= sum_i x_ij <=
    max_size z_j``, each mentee in at most one circle. It maximises first
    the number of mentees placed, then the sum of the members' scores with
    their mentor. With the default score, every member shares goals with
    the mentor, so members placed around the same mentor's goals share them
    with each other; goals shared between members are reported, not
    optimised directly (that objective is quadratic). Exact within the time
    limit: moderate programmes (hundreds of mentees) solve in seconds.

    Dense only: the integer program has a variable for every allowed pair,
    so the full score matrix is scored whatever the matcher's ``solver``; a
    matcher with ``solver="sparse"`` is refused with a
    :class:`MentormatchError` naming ``solver``.

    Examples
    --------
    >>> import mentormatch as mm
    >>> r = match_circles([mm.Mentee(id="e1")], [mm.Mentor(id="m1")], min_size=2, max_size=4)
    >>> r.unmatched[0].reason
    'too few mentees could join a circle (circles need at least 2)'
    """
    _dense_only(matcher, "match_circles")
    min_size = check_int("match_circles", "min_size", min_size, minimum=1)
    max_size = check_int("match_circles", "max_size", max_size, minimum=1)
    time_limit = check_real("match_circles", "time_limit", time_limit, minimum=0, strict=True)
    if max_size < min_size:
        raise MentormatchError(
            f"max_size ({max_size}) is below min_size ({min_size}); raise max_size",
            field="max_size",
            value=max_size,
        )
    tees, tors = validate_programme(mentees, mentors)
    # in id order: the solver breaks ties by position, and the answer must not follow the input
    tees = tuple(sorted(tees, key=lambda e: e.id))
    tors = tuple(sorted(tors, key=lambda t: t.id))
    m = matcher if matcher is not None else Matcher([GoalOverlap()])
    scores = m.score(tees, tors)
    open_ = np.array([t.capacity > 0 for t in tors], dtype=bool)
    usable = scores.eligible & open_[None, :]
    chosen, optimal, gap = _solve_circles(
        scores.total, usable, sizes=(min_size, max_size), time_limit=time_limit
    )
    out = [
        _circle(tees, tors[j], members=np.flatnonzero(chosen == j), fit=scores.total[:, j])
        for j in np.unique(chosen[chosen >= 0])
    ]
    out.sort(key=lambda c: c.mentor_id)
    sizes = (min_size, max_size)
    unmatched = [
        Unmatched(
            tees[i].id,
            _why_unplaced(usable[i], any_pair=bool(usable.any()), formed=bool(out), sizes=sizes),
        )
        for i in np.flatnonzero(chosen < 0)
    ]
    return Circles(
        tuple(out),
        tuple(unmatched),
        math.fsum(c.score for c in out),
        optimal,
        gap,
    )


def _solve_circles(
    total: NDArray[np.float64],
    usable: NDArray[np.bool_],
    *,
    sizes: tuple[int, int],
    time_limit: float,
) -> tuple[NDArray[np.intp], bool, float]:
    """Each mentee's circle (its mentor's column, or -1), whether proved optimal, the gap.

    Two integer programs: the most mentees placed, then (with that many
    placed) the largest sum of scores.
    """
    rows, cols = np.nonzero(usable)
    n, k = usable.shape
    chosen = np.full(n, -1, dtype=np.intp)
    if not rows.size:
        return chosen, True, 0.0
    v = rows.size
    nv = v + k
    ar = np.arange(v)
    per_mentee = sparse.csr_matrix((np.ones(v), (rows, ar)), shape=(n, nv))
    load = sparse.csr_matrix((np.ones(v), (cols, ar)), shape=(k, nv))
    z = sparse.csr_matrix((np.ones(k), (np.arange(k), v + np.arange(k))), shape=(k, nv))
    # sizes beyond the number of mentees cannot matter: clipped, so no huge coefficient
    # reaches the solver (min_size above n still forms no circle)
    top, bottom = min(sizes[1], n), min(sizes[0], n + 1)
    cons = [
        LinearConstraint(per_mentee, -np.inf, 1),
        LinearConstraint(load - top * z, -np.inf, 0),
        LinearConstraint(load - bottom * z, 0, np.inf),
    ]
    opts = {"time_limit": time_limit, "mip_rel_gap": 0.0}
    c1 = np.concatenate([-np.ones(v), np.zeros(k)])
    first = milp(c1, constraints=cons, integrality=np.ones(nv), bounds=Bounds(0, 1), options=opts)
    if first.x is None or round(-float(first.fun)) <= 0:
        return chosen, True, 0.0
    placed = round(-float(first.fun))
    cover = LinearConstraint(sparse.csr_matrix(-c1), placed - 0.5, np.inf)
    c2 = np.concatenate([-total[rows, cols], np.zeros(k)])
    second = milp(
        c2, constraints=[*cons, cover], integrality=np.ones(nv), bounds=Bounds(0, 1), options=opts
    )
    best = second if second.x is not None else first
    picked = best.x[:v] > 0.5
    chosen[rows[picked]] = cols[picked]
    optimal = first.status == 0 and second.status == 0
    return chosen, optimal, float(getattr(best, "mip_gap", 0.0) or 0.0)


def _circle(
    tees: Sequence[Mentee], mentor: Mentor, *, members: NDArray[np.intp], fit: NDArray[np.float64]
) -> Circle:
    """One circle: its members, their total fit with the mentor, the goals two or more share."""
    goals: dict[str, list[str]] = {}
    for i in members:
        for g in dict.fromkeys(fold(x) for x in tees[i].goals):
            goals.setdefault(g, []).append(tees[i].id)
    shared = {
        g: tuple(ids)
        for g, ids in sorted(goals.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        if len(ids) >= 2
    }
    members_ids = tuple(tees[i].id for i in members)
    return Circle(mentor.id, members_ids, math.fsum(fit[members].tolist()), shared)


def _why_unplaced(
    usable: NDArray[np.bool_], *, any_pair: bool, formed: bool, sizes: tuple[int, int]
) -> str:
    """Why a mentee is in no circle."""
    if not usable.any():
        return "no mentor leading a circle is allowed for you (rules, min_score or capacity 0)"
    if any_pair and not formed:
        return f"too few mentees could join a circle (circles need at least {sizes[0]})"
    return (
        f"the circles you could join are full (at most {sizes[1]}) or could not reach "
        f"{sizes[0]} members"
    )
