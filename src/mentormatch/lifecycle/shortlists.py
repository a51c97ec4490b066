"""Self-selection: give each mentee a short list of mentors to choose from, rationed.

Many programmes let mentees pick their mentor. Shown every mentor, mentees
flock to the same few, who are swamped while others wait. :func:`shortlist`
gives each mentee ``k`` suggestions, with reasons, and limits how many
shortlists a mentor appears on to ``ceil(ration * capacity)``, choosing the
lists together so that they are as good as possible overall.

>>> import mentormatch as mm
>>> from mentormatch.shortlist import shortlist
>>> mentees = [mm.Mentee(id=f"e{i}", goals=["sql"]) for i in range(3)]
>>> mentors = [mm.Mentor(id="star", goals=["sql"]), mm.Mentor(id="m2"), mm.Mentor(id="m3")]
>>> sl = shortlist(mm.Matcher([mm.GoalOverlap()]), mentees, mentors, k=2, ration=2.0)
>>> sl.load
{'star': 2, 'm2': 2, 'm3': 2}
>>> [len(sl.for_mentee(e.id)) for e in mentees]  # two of three see the star
[2, 2, 2]
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

from mentormatch._errors import MentormatchError
from mentormatch._explain.text import pair_reasons
from mentormatch._frames import Column, Tabular
from mentormatch._validation import RealLike, WholeLike, check_int
from mentormatch._values import Value
from mentormatch.matching import Matcher, ScoreMatrix, _dense_only
from mentormatch.participants import Mentee, Mentor, capacities, validate_programme

__all__ = ["Shortlist", "ShortlistEntry", "shortlist", "slot_bonus"]


@dataclass(frozen=True, eq=False)
class ShortlistEntry(Value):
    """One suggested mentor.

    Attributes
    ----------
    mentor_id : str
    score : float
        The pair's score, as in :class:`~mentormatch.Match`.
    contributions : dict of str to float
        Each criterion's share of the score, largest first.
    reasons : tuple of str
        One sentence per criterion, in the order of ``contributions``.
    """

    mentor_id: str
    score: float
    contributions: Mapping[str, float]
    reasons: tuple[str, ...]


@dataclass(frozen=True, eq=False)
class Shortlist(Tabular, Value):
    """Every mentee's suggested mentors, rationed.

    Attributes
    ----------
    lists : dict of str to tuple of ShortlistEntry
        Per mentee (in input order), best first; empty when nobody is eligible.
    notes : dict of str to str
        Why a mentee has fewer than ``k`` suggestions.
    k : int
    ration : float
    limits : dict of str to int
        Per mentor, the most shortlists it may appear on: ``ceil(ration * capacity)``.
    load : dict of str to int
        Per mentor, the shortlists it appears on.
    total_score : float
        The sum of all listed pairs' scores (what the lists maximise).
    """

    lists: Mapping[str, tuple[ShortlistEntry, ...]]
    notes: Mapping[str, str]
    k: int
    ration: float
    limits: Mapping[str, int]
    load: Mapping[str, int]
    total_score: float

    _columns = (
        Column("mentee_id", "id"),
        Column("rank", "count"),
        Column("mentor_id", "id"),
        Column("score", "float"),
        Column("reasons", "text"),
    )
    _display_skip = ("lists", "limits", "load")

    def _records(self) -> list[dict[str, Any]]:
        return self.to_records()

    def for_mentee(self, mentee_id: str) -> tuple[ShortlistEntry, ...]:
        """The suggestions of one mentee, best first."""
        if mentee_id not in self.lists:
            raise MentormatchError(
                f"mentee {mentee_id!r} is not in this shortlist; check the id",
                participant_id=mentee_id,
            )
        return self.lists[mentee_id]

    def to_records(self) -> list[dict[str, Any]]:
        """One flat dict per suggestion: ``mentee_id``, ``rank`` (1 = best), ``mentor_id``,
        ``score``, ``reasons`` (joined with ``"; "``)."""
        return [
            {
                "mentee_id": e,
                "rank": r,
                "mentor_id": x.mentor_id,
                "score": x.score,
                "reasons": "; ".join(x.reasons),
            }
            for e, entries in self.lists.items()
            for r, x in enumerate(entries, start=1)
        ]

    def summary(self) -> str:
        """How full the lists are and how the load is spread."""
        n = len(self.lists)
        full = sum(len(v) == self.k for v in self.lists.values())
        capped = sum(self.load[m] == self.limits[m] > 0 for m in self.limits)
        lines = [
            f"Shortlists of up to {self.k} for {n} mentees: {full} full, "
            f"{n - full} shorter; {capped} of {len(self.limits)} mentors at their limit "
            f"(ration {self.ration:g} x capacity)."
        ]
        lines += [f"  {e}: {note}" for e, note in self.notes.items()]
        return "\n".join(lines)


def slot_bonus(k: int) -> NDArray[np.float64]:
    """The bonus ``B_t = 2 (k - t + 1)`` of a list's ``t``-th suggestion, ``t = 1..k``.

    Examples
    --------
    >>> slot_bonus(3)
    array([6., 4., 2.])
    """
    return 2.0 * (k - np.arange(k, dtype=np.float64))


def _solve_lists(
    score: NDArray[np.float64],
    eligible: NDArray[np.bool_],
    *,
    k: int,
    limits: NDArray[np.int64],
) -> NDArray[np.bool_]:
    """Choose pairs: each row at most ``k``, each column at most ``limits``, each pair once.

    A min-cost flow written as a linear program: ``x_ij`` per usable pair,
    and per mentee ``k`` slot variables ``y_it`` with ``sum_t y_it = sum_j
    x_ij``, maximising ``sum s_ij x_ij + sum B_t y_it``. The constraint
    matrix is a network matrix (totally unimodular), so the basic optimum
    HiGHS' dual simplex returns is integral; :func:`scipy.optimize.milp`
    takes over should rounding ever leave a fractional ``x``.
    """
    n, m = score.shape
    chosen = np.zeros((n, m), dtype=bool)
    usable = eligible & (limits > 0)[None, :]
    rows, cols = np.nonzero(usable)
    if rows.size == 0:
        return chosen
    v = rows.size
    nv = v + n * k  # x, then y[i, t] at v + i * k + t
    y_rows = np.repeat(np.arange(n), k)
    y_cols = v + np.arange(n * k)
    a_eq = sparse.csr_matrix((np.ones(v), (rows, np.arange(v))), shape=(n, nv)) + sparse.csr_matrix(
        (-np.ones(n * k), (y_rows, y_cols)), shape=(n, nv)
    )
    a_ub = sparse.csr_matrix((np.ones(v), (cols, np.arange(v))), shape=(m, nv))
    c = -np.concatenate([score[rows, cols], np.tile(slot_bonus(k), n)])
    res = linprog(
        c,
        A_ub=a_ub,
        b_ub=limits.astype(np.float64),
        A_eq=a_eq,
        b_eq=np.zeros(n),
        bounds=(0, 1),
        method="highs-ds",
    )
    x = None if res.x is None else res.x[:v]
    if x is None or np.abs(x - np.round(x)).max() > 1e-6:  # pragma: no cover - TU: integral
        res = milp(
            c,
            constraints=[
                LinearConstraint(a_ub, -np.inf, limits.astype(np.float64)),
                LinearConstraint(a_eq, 0.0, 0.0),
            ],
            integrality=np.concatenate([np.ones(v), np.zeros(n * k)]),
            bounds=Bounds(0, 1),
        )
        if res.x is None:
            raise RuntimeError(f"shortlist solver failed: {res.message}")
        x = res.x[:v]
    picked = x > 0.5
    chosen[rows[picked], cols[picked]] = True
    return chosen


def shortlist(
    matcher: Matcher,
    mentees: Iterable[Mentee],
    mentors: Iterable[Mentor],
    *,
    k: WholeLike = 5,
    ration: RealLike = 2.0,
) -> Shortlist:
    """Suggest ``k`` mentors to each mentee, so that no mentor is on too many lists.

    Parameters
    ----------
    matcher : Matcher
        Its criteria score the suggestions; its rules and ``min_score`` decide
        which mentors may be suggested at all.
    mentees, mentors : iterable of Mentee, iterable of Mentor
    k : int, default 5
        Suggestions per mentee (fewer when fewer mentors are available). Any
        whole number >= 1: a ``k`` above the number of mentors gives the same
        lists as ``k`` equal to it (no list can be longer), so ``k=10**30`` is
        fine.
    ration : float, default 2.0
        A mentor appears on at most ``ceil(ration * capacity)`` lists: with
        capacity 1 and ration 2, two mentees compete for each place. A mentor
        with capacity 0 is never suggested. No mentor can be on more lists than
        there are mentees, so a huge ration (``inf``, or an integer too large
        for a float) simply means no rationing; ``nan`` is refused.

    Returns
    -------
    Shortlist
        Each mentee's suggestions, best first, with score, contributions and
        reasons; a note for each mentee with fewer than ``k``.

    Notes
    -----
    The lists are chosen together as a capacitated bipartite selection
    (a b-matching): pair ``(i, j)`` is listed (``x_ij = 1``) only if
    allowed by the rules and scoring at least ``min_score``; each mentee has
    at most ``k`` pairs, each mentor at most ``ceil(ration * capacity)``.
    Among such selections it finds, exactly, the one of largest value,
    where a mentee's list is worth ``sum_t (B_t + s_t)`` over its
    suggestions (``s_t`` the scores, best first) and ``B_t = 2 (k - t + 1)``
    a bonus for its ``t``-th entry (:func:`slot_bonus`). The bonus falls by 2 per position, more than any
    difference of scores in [0, 1], so the lists are filled evenly: a
    scarce mentor's place is never spent on a mentee's ``t``-th suggestion
    when it could be another mentee's earlier one, and a list is never left
    short when a mentor could still be added. Among lists that agree on
    that, the total score decides. This is a min-cost flow (source ->
    mentee slots -> mentee -> mentor -> sink), solved as a linear program by
    HiGHS' dual simplex (:func:`scipy.optimize.linprog`); its matrix is a
    network matrix, totally unimodular, so the optimum is integral.
    Repeating mentee rows ``k`` times for
    :func:`scipy.optimize.linear_sum_assignment` would not do: it could
    list a mentor twice for the same mentee. Sizes: one variable per
    eligible pair, comfortable up to some hundred thousand pairs.

    Dense only: the program reads every eligible pair, so the full score
    matrix is scored whatever the matcher's ``solver``; a matcher with
    ``solver="sparse"`` is refused with a :class:`MentormatchError` naming
    ``solver``.

    Examples
    --------
    >>> import mentormatch as mm
    >>> mentees = [mm.Mentee(id="e1", goals=["sql"]), mm.Mentee(id="e2", goals=["go"])]
    >>> mentors = [mm.Mentor(id="m1", goals=["sql"]), mm.Mentor(id="m2", goals=["go"]),
    ...            mm.Mentor(id="m3", capacity=0)]
    >>> sl = shortlist(mm.Matcher([mm.GoalOverlap()]), mentees, mentors, k=3, ration=2.0)
    >>> [(x.mentor_id, x.score, x.reasons) for x in sl.for_mentee("e1")]
    [('m1', 1.0, ('shares your goal: sql',)), ('m2', 0.0, ('does not share your goal: sql',))]
    >>> sl.notes["e1"]
    'only 2 mentors can be suggested to you (the rest have no place or are refused by the rules or min_score)'
    """
    _dense_only(matcher, "shortlist")
    k = check_int("shortlist", "k", k, minimum=1)
    ration_value = _ration(ration)
    tees, tors = validate_programme(mentees, mentors)
    scores = matcher.score(tees, tors)
    limits = _limits(ration_value, capacities(tors, len(tees)), len(tees))
    chosen = _choose(scores, k=min(k, max(len(tors), 1)), limits=limits)
    available = (scores.eligible & (limits > 0)[None, :]).sum(axis=1)
    load = chosen.sum(axis=0)
    lists: dict[str, tuple[ShortlistEntry, ...]] = {}
    notes: dict[str, str] = {}
    tor_ids = np.array([t.id for t in tors], dtype=object)
    for i, tee in enumerate(tees):
        js = np.flatnonzero(chosen[i])
        js = js[np.lexsort((tor_ids[js], -scores.total[i, js]))] if js.size else js
        lists[tee.id] = tuple(
            ShortlistEntry(
                tors[j].id,
                float(scores.total[i, j]),
                *pair_reasons(matcher.criteria, scores, (tee, tors[j]), at=(i, int(j))),
            )
            for j in js
        )
        note = _note(k, got=js.size, available=int(available[i]))
        if note:
            notes[tee.id] = note
    return Shortlist(
        lists,
        notes,
        k,
        ration_value,
        {t.id: int(limits[j]) for j, t in enumerate(tors)},
        {t.id: int(load[j]) for j, t in enumerate(tors)},
        math.fsum(scores.total[chosen].tolist()),  # exactly rounded: no order to depend on
    )


def _limits(ration: float, capacity: NDArray[np.int64], n_tees: int) -> NDArray[np.int64]:
    """Lists per mentor: ``ceil(ration * capacity)``, at most one per mentee.

    A mentor cannot be on more lists than there are mentees: the bound keeps
    huge rations exact and the program small.
    """
    bound = min(ration, float(max(n_tees, 1)))
    # ceil with a tolerance, so that 2.0000000001 * 1 stays 2
    limits = np.minimum(np.ceil(bound * capacity - 1e-9), n_tees)
    return np.asarray(limits, dtype=np.int64)


def _choose(scores: ScoreMatrix, *, k: int, limits: NDArray[np.int64]) -> NDArray[np.bool_]:
    """The listed pairs, solved with mentees and mentors in id order (ties do not follow
    the input order)."""
    eligible = scores.eligible
    re = np.argsort(np.array(scores.mentee_ids, dtype=object), kind="stable")
    rm = np.argsort(np.array(scores.mentor_ids, dtype=object), kind="stable")
    grid = np.ix_(re, rm)
    chosen = np.zeros_like(eligible)
    chosen[grid] = _solve_lists(scores.total[grid], eligible[grid], k=k, limits=limits[rm])
    return chosen


def _note(k: int, *, got: int, available: int) -> str | None:
    """Why a mentee has fewer than ``k`` suggestions (None when the list is full)."""
    if got >= k:
        return None
    if available < k:
        return (
            f"only {_mentors(available)} can be suggested to you (the rest have no "
            "place or are refused by the rules or min_score)"
        )
    return (
        f"{k - got} of your {k} suggestions are missing: the other mentors you could "
        "have seen are already on as many lists as rationing allows"
    )


def _ration(ration: object) -> float:
    """``ration`` as a float > 0; ``inf`` (or an integer too large for a float) means no
    rationing."""
    if isinstance(ration, bool) or not isinstance(ration, int | float | np.integer | np.floating):
        value = math.nan
    elif isinstance(ration, int | np.integer) and ration > 0:
        value = float(ration) if ration < 2**1023 else math.inf
    else:
        value = float(ration)
    if math.isnan(value) or value <= 0:
        raise MentormatchError(
            f"The 'ration' parameter of shortlist must be a number > 0. Got {ration!r} instead; "
            "2.0 lets two mentees see each place.",
            field="ration",
            value=ration,
        )
    return value


def _mentors(n: int) -> str:
    return "1 mentor" if n == 1 else f"{n} mentors"
