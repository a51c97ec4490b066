"""Stability: would a mentee and a mentor both rather be with each other?

When participants state ranked preferences, a matching is *stable* when no
mentee and mentor would both rather leave their partners for each other
(Gale and Shapley's condition, with mentor capacities as in the hospitals /
residents problem). :meth:`Matcher.match` maximises the total score, not
stability; :func:`blocking_pairs` tells a programme manager how many such
pairs a result leaves, and which.

>>> import mentormatch as mm
>>> from mentormatch import stability
>>> from mentormatch.lifecycle import rematch
>>> mentees = [mm.Mentee(id="e1", preferences=["m1", "m2"]), mm.Mentee(id="e2", preferences=["m1"])]
>>> mentors = [mm.Mentor(id="m1", preferences=["e1", "e2"]), mm.Mentor(id="m2", preferences=["e1"])]
>>> result = rematch(mm.Matcher([mm.GoalOverlap()]), mentees, mentors,
...                  keep=[("e1", "m2"), ("e2", "m1")])
>>> print(stability.blocking_pairs(result, mentees, mentors).summary())
1 blocking pair (a mentee and a mentor who would both rather be together):
  e1 and m1: e1 ranks m1 1st, above their mentor m2 (2nd); m1 ranks e1 1st, above e2 (2nd)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from mentormatch._errors import MentormatchError
from mentormatch._frames import Column, Tabular
from mentormatch._text import ordinal
from mentormatch._values import Value
from mentormatch.matching import Matcher, MatchResult
from mentormatch.participants import Mentee, Mentor, as_people, capacities, validate_programme

__all__ = ["BlockingPair", "StabilityReport", "blocking_pairs", "rank_matrices"]


def rank_matrices(
    mentees: Iterable[Mentee], mentors: Iterable[Mentor]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """The stated ranks of every pair, from both sides.

    Parameters
    ----------
    mentees, mentors : iterable of Mentee, iterable of Mentor

    Returns
    -------
    (ndarray, ndarray), each of shape (n_mentees, n_mentors)
        ``mentee_rank[i, j]``: the 0-based position of mentor ``j`` in mentee
        ``i``'s preferences, ``inf`` when unranked; ``mentor_rank[i, j]``: the
        position of mentee ``i`` in mentor ``j``'s preferences.

    Examples
    --------
    >>> import mentormatch as mm
    >>> re, rm = rank_matrices([mm.Mentee(id="e1", preferences=["m2", "m1"])],
    ...                        [mm.Mentor(id="m1"), mm.Mentor(id="m2", preferences=["e1"])])
    >>> re, rm
    (array([[1., 0.]]), array([[inf,  0.]]))
    """
    mentees = as_people(mentees, Mentee, "mentee")
    mentors = as_people(mentors, Mentor, "mentor")
    n, m = len(mentees), len(mentors)
    ie = {e.id: i for i, e in enumerate(mentees)}
    im = {t.id: j for j, t in enumerate(mentors)}
    rank_e = np.full((n, m), np.inf)
    rank_m = np.full((n, m), np.inf)
    # one entry per stated preference (not per pair); unknown ids are ignored
    e_idx = [
        (i, im[p], r) for i, e in enumerate(mentees) for r, p in enumerate(e.preferences) if p in im
    ]
    m_idx = [
        (ie[p], j, r) for j, t in enumerate(mentors) for r, p in enumerate(t.preferences) if p in ie
    ]
    for target, idx in ((rank_e, e_idx), (rank_m, m_idx)):
        if idx:
            a = np.array(idx, dtype=np.int64)
            target[a[:, 0], a[:, 1]] = a[:, 2]
    return rank_e, rank_m


@dataclass(frozen=True, eq=False)
class BlockingPair(Value):
    """A mentee and a mentor who would both rather be with each other.

    Attributes
    ----------
    mentee_id, mentor_id : str
    mentee_rank : int
        Where the mentee ranks this mentor (1 = first choice).
    mentor_rank : int
        Where the mentor ranks this mentee.
    reason : str
        One sentence on why each side prefers the other.
    """

    mentee_id: str
    mentor_id: str
    mentee_rank: int
    mentor_rank: int
    reason: str


@dataclass(frozen=True, eq=False)
class StabilityReport(Tabular, Value):
    """The blocking pairs of a result.

    Attributes
    ----------
    n_blocking : int
    pairs : tuple of BlockingPair
        Sorted by mentee id, then mentor id.
    n_mentees_ranking, n_mentors_ranking : int
        How many participants stated any preference: with few, the report
        says little.
    """

    n_blocking: int
    pairs: tuple[BlockingPair, ...]
    n_mentees_ranking: int
    n_mentors_ranking: int

    _columns = (
        Column("mentee_id", "id"),
        Column("mentor_id", "id"),
        Column("mentee_rank", "count"),
        Column("mentor_rank", "count"),
        Column("reason", "text"),
    )
    _display_skip = ("pairs",)

    def _records(self) -> list[dict[str, object]]:
        return [{c.name: getattr(p, c.name) for c in self._columns} for p in self.pairs]

    @property
    def is_stable(self) -> bool:
        """Whether no pair blocks."""
        return self.n_blocking == 0

    def summary(self) -> str:
        """The count, then one line per blocking pair."""
        if self.n_blocking == 0:
            return (
                f"Stable: no blocking pair ({self.n_mentees_ranking} mentees and "
                f"{self.n_mentors_ranking} mentors stated preferences)."
            )
        head = (
            f"{self.n_blocking} blocking {'pair' if self.n_blocking == 1 else 'pairs'} "
            "(a mentee and a mentor who would both rather be together):"
        )
        return "\n".join(
            [head, *(f"  {p.mentee_id} and {p.mentor_id}: {p.reason}" for p in self.pairs)]
        )


def blocking_pairs(
    result: MatchResult,
    mentees: Iterable[Mentee],
    mentors: Iterable[Mentor],
    *,
    matcher: Matcher | None = None,
) -> StabilityReport:
    """Count and list the pairs that block a result, from stated preferences.

    Parameters
    ----------
    result : MatchResult
    mentees, mentors : iterable of Mentee, iterable of Mentor
        The programme of ``result``; their ``preferences`` are the rankings.
    matcher : Matcher, optional
        When given, pairs its hard rules refuse cannot block (they could
        never be made). A person is never paired with themself.

    Returns
    -------
    StabilityReport

    Notes
    -----
    A ranked list makes the people on it acceptable and everyone else not
    (incomplete lists). A mentee ``e`` and a mentor ``m`` not matched together
    **block** the result when both hold:

    * ``e`` ranks ``m``, and is unmatched, or ranks ``m`` above its mentor
      (a mentor ``e`` did not rank counts as below every ranked one);
    * ``m`` ranks ``e``, and has a free place (fewer mentees than its
      capacity), or ranks ``e`` above its worst-ranked assigned mentee (an
      unranked assigned mentee counts as worst).

    This is the stability of the hospitals / residents problem (Gale and
    Shapley 1962; Roth 1984). It is computed with two rank matrices and array
    comparisons: ``O(n_mentees x n_mentors)`` time and memory, no loop
    over pairs.

    Examples
    --------
    >>> import mentormatch as mm
    >>> mentees = [mm.Mentee(id="e1", preferences=["m1"])]
    >>> mentors = [mm.Mentor(id="m1", preferences=["e1"], capacity=0)]
    >>> result = mm.Matcher([mm.GoalOverlap()]).match(mentees, mentors)
    >>> blocking_pairs(result, mentees, mentors).is_stable  # m1 has no place to give
    True
    """
    tees, tors = validate_programme(mentees, mentors)
    n, m = len(tees), len(tors)
    assignment = _assignment_of(result, tees, tors)
    rank_e, rank_m = rank_matrices(tees, tors)
    matched = assignment >= 0
    rows = np.arange(n)
    current = np.full(n, np.inf)
    current[matched] = rank_e[rows[matched], assignment[matched]]
    e_prefers = rank_e < current[:, None]
    is_mine = assignment[:, None] == np.arange(m)[None, :]
    worst = np.where(is_mine, rank_m, -np.inf).max(axis=0, initial=-np.inf)
    load = is_mine.sum(axis=0)
    capacity = capacities(tors, len(tees))
    free = load < capacity
    m_prefers = np.isfinite(rank_m) & (free[None, :] | (rank_m < worst[None, :]))
    block = e_prefers & m_prefers & ~is_mine
    if block.any():
        tee_ids = np.array([e.id for e in tees], dtype=object)
        tor_ids = np.array([t.id for t in tors], dtype=object)
        block &= tee_ids[:, None] != tor_ids[None, :]
        if matcher is not None:
            block &= matcher.score(tees, tors).allowed
    state = _State(assignment, current, free, is_mine, worst)
    pairs = [
        _blocking_pair(int(i), int(j), people=(tees, tors), ranks=(rank_e, rank_m), state=state)
        for i, j in zip(*np.nonzero(block), strict=True)
    ]
    pairs.sort(key=lambda p: (p.mentee_id, p.mentor_id))
    return StabilityReport(
        len(pairs),
        tuple(pairs),
        sum(1 for e in tees if e.preferences),
        sum(1 for t in tors if t.preferences),
    )


def _assignment_of(
    result: MatchResult, tees: Sequence[Mentee], tors: Sequence[Mentor]
) -> NDArray[np.intp]:
    """The result's mentor column of each mentee (or -1), checked against the programme."""
    ie = {e.id: i for i, e in enumerate(tees)}
    im = {t.id: j for j, t in enumerate(tors)}
    in_result = [x.mentee_id for x in result.matches] + [u.mentee_id for u in result.unmatched]
    for e in in_result:
        if e not in ie:
            raise MentormatchError(
                f"the result matches mentee {e!r}, who is not among the mentees given; "
                "pass the programme the result was made from",
                field="mentees",
                participant_id=e,
            )
    assignment = np.full(len(tees), -1, dtype=np.intp)
    for x in result.matches:
        if x.mentor_id not in im:
            raise MentormatchError(
                f"the result pairs {x.mentee_id!r} with mentor {x.mentor_id!r}, who is not among "
                "the mentors given; pass the programme the result was made from",
                field="mentors",
                participant_id=x.mentor_id,
            )
        assignment[ie[x.mentee_id]] = im[x.mentor_id]
    return assignment


class _State(NamedTuple):
    """The matching as the blocking test reads it."""

    assignment: NDArray[np.intp]
    current: NDArray[np.float64]  # each mentee's rank of their mentor (inf: none or unranked)
    free: NDArray[np.bool_]  # mentors with a free place
    is_mine: NDArray[np.bool_]  # (mentee, mentor) pairs of the matching
    worst: NDArray[np.float64]  # each mentor's rank of their worst mentee


def _blocking_pair(
    i: int,
    j: int,
    *,
    people: tuple[Sequence[Mentee], Sequence[Mentor]],
    ranks: tuple[NDArray[np.float64], NDArray[np.float64]],
    state: _State,
) -> BlockingPair:
    """The blocking pair of mentee ``i`` and mentor ``j``, with why each would rather."""
    tees, tors = people
    rank_e, rank_m = ranks
    e, t = tees[i], tors[j]
    re_, rm_ = int(rank_e[i, j]) + 1, int(rank_m[i, j]) + 1
    if state.assignment[i] >= 0:
        mine = tors[state.assignment[i]].id
        c = state.current[i]
        where = "unranked" if np.isinf(c) else ordinal(int(c) + 1)
        e_why = f"{e.id} ranks {t.id} {ordinal(re_)}, above their mentor {mine} ({where})"
    else:
        e_why = f"{e.id} ranks {t.id} {ordinal(re_)} and is unmatched"
    if state.free[j]:
        m_why = f"{t.id} ranks {e.id} {ordinal(rm_)} and has a free place"
    else:
        worst = state.worst[j]
        assigned = np.flatnonzero(state.is_mine[:, j])
        worst_ones = assigned[rank_m[assigned, j] == worst]
        w = min(worst_ones, key=lambda r: tees[r].id)  # ties by id, not by input order
        where = "unranked" if np.isinf(worst) else ordinal(int(worst) + 1)
        m_why = f"{t.id} ranks {e.id} {ordinal(rm_)}, above {tees[w].id} ({where})"
    return BlockingPair(e.id, t.id, re_, rm_, f"{e_why}; {m_why}")
