"""Explanation text: why a mentee got their mentor (or none), and why not the runner-up.

Every sentence is built from data kept in the result (the criteria and
rules as they were, the participants, the capacities and the assignment)
and from one mentee's :class:`~mentormatch._scoring.Row` of scores, never
from solver state. Lists in sentences are ranked by score, then id, so not
a word depends on the order in which the programme was given.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from mentormatch._results import Alternative, Explanation
from mentormatch._scoring import SELF_RULE, NotYourself, Row, ScoreMatrix
from mentormatch.constraints import ConstraintLike
from mentormatch.criteria.base import CriterionLike
from mentormatch.participants import Mentee, Mentor

__all__ = [
    "Explained",
    "explain",
    "ordered",
    "pair_reasons",
    "reasons_from_values",
    "rule_phrase",
    "unmatched_reason",
]

# Short phrases for the built-in rules, used when summarising why nobody is allowed.
_RULE_PHRASES = {
    "reporting_line": "in your reporting line",
    "forbidden_pairs": "on the forbidden-pairs list",
    "required_pairs": "not the mentor you are required to have",
    "different_department": "in your own department",
    SELF_RULE: "yourself",
}


def rule_phrase(name: str) -> str:
    """A few words for a rule's refusals: ``"all 3 mentors with a place are <phrase>"``."""
    if name in _RULE_PHRASES:
        return _RULE_PHRASES[name]
    if name.startswith("same_"):
        return f"of a different {name[5:]}"
    return f"refused by the rule {name!r}"


def ordered(contrib: Mapping[str, float]) -> dict[str, float]:
    """Contributions largest first, ties in criterion order."""
    names = list(contrib)
    order = sorted(range(len(names)), key=lambda k: -contrib[names[k]])
    return {names[k]: contrib[names[k]] for k in order}


def reasons_from_values(
    criteria: Mapping[str, CriterionLike],
    pair: tuple[Mentee, Mentor],
    *,
    order: Sequence[str],
    values: Mapping[str, float],
) -> tuple[str, ...]:
    """One sentence per criterion, in the order ``order``, from the pair's criterion scores."""
    tee, tor = pair
    return tuple(criteria[k].explain(tee, tor, values[k]) for k in order)


def pair_reasons(
    criteria: Iterable[CriterionLike],
    scores: ScoreMatrix,
    pair: tuple[Mentee, Mentor],
    *,
    at: tuple[int, int],
) -> tuple[dict[str, float], tuple[str, ...]]:
    """The pair ``pair`` at ``at = (i, j)`` of a score matrix: its contributions (largest
    first) and one sentence per criterion in that order, as a :class:`~mentormatch.Match`
    gives them."""
    i, j = at
    row = scores.row(i)
    contrib = ordered(row.contributions(j))
    values = {name: float(s[j]) for name, s in row.by_criterion.items()}
    by_name = {c.name: c for c in criteria}
    return contrib, reasons_from_values(by_name, pair, order=tuple(contrib), values=values)


def _snapshot(obj: Any) -> Any:
    """A shallow copy taken as the result is built, so that a rule's state from this
    programme (the manager chains of :class:`NotInReportingLine`) explains this result,
    whatever the matcher is asked next."""
    try:
        return copy.copy(obj)
    except Exception:  # an object that refuses copying is used as it is
        return obj


def _read_only(a: NDArray[Any]) -> NDArray[Any]:
    out = np.array(a, copy=True)
    out.flags.writeable = False
    return out


class Explained:
    """What every explanation reads: the programme as matched, and one mentee's row on demand.

    Subclasses (:mod:`mentormatch._explain.explainers`) give :meth:`row`
    (from the full matrix, or scored when asked) and ``min_score``.
    Immutable once built: copies share it.
    """

    min_score: float

    def __init__(
        self,
        criteria: Iterable[CriterionLike],
        rules: Iterable[ConstraintLike],
        people: tuple[Sequence[Mentee], Sequence[Mentor]],
        *,
        capacity: NDArray[np.int64],
        assignment: NDArray[np.intp],
    ) -> None:
        self.criteria: dict[str, CriterionLike] = {c.name: _snapshot(c) for c in criteria}
        self.rules: dict[str, ConstraintLike] = {SELF_RULE: NotYourself()}
        self.rules.update({r.name: _snapshot(r) for r in rules})
        self.tees: tuple[Mentee, ...] = tuple(people[0])
        self.tors: tuple[Mentor, ...] = tuple(people[1])
        self.capacity = _read_only(capacity)
        self.assignment = _read_only(assignment)
        self.index = {e.id: i for i, e in enumerate(self.tees)}
        made = self.assignment[self.assignment >= 0]
        self.load = _read_only(np.bincount(made, minlength=len(self.tors)).astype(np.int64))
        ids = np.array([t.id for t in self.tors], dtype=object)
        rank = np.empty(len(self.tors), dtype=np.intp)
        rank[np.argsort(ids, kind="stable")] = np.arange(len(self.tors), dtype=np.intp)
        self.tor_rank = _read_only(rank)  # mentor j's place in id order: the tie-break

    def row(self, i: int) -> Row:
        """Mentee ``i``'s scores and rules against every mentor."""
        raise NotImplementedError  # pragma: no cover - every explainer gives its rows

    def explain(self, mentee_id: str) -> Explanation:
        """The explanation of one mentee."""
        return explain(self, self.index[mentee_id])

    def reasons(self, i: int, j: int) -> tuple[str, ...]:
        """One sentence per criterion for pair (i, j), in the order of its contributions."""
        row = self.row(i)
        values = {name: float(s[j]) for name, s in row.by_criterion.items()}
        order = tuple(ordered(row.contributions(j)))
        pair = (self.tees[i], self.tors[j])
        return reasons_from_values(self.criteria, pair, order=order, values=values)

    def materialise(self) -> dict[str, Explanation]:
        """Every mentee's explanation, as data."""
        return {e.id: explain(self, i) for i, e in enumerate(self.tees)}

    def __copy__(self) -> Explained:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> Explained:
        return self  # immutable: its arrays are read-only, its snapshots private


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _by_score_then_id(ex: Explained, row: Row, cols: NDArray[np.intp]) -> NDArray[np.intp]:
    """``cols`` ranked for the mentee of ``row``: highest score first, ties by mentor id."""
    if cols.size <= 1:
        return cols
    order = np.lexsort((ex.tor_rank[cols], -np.asarray(row.total[cols])))
    return cols[order]


def _rule_sentence(ex: Explained, name: str, pair: tuple[Mentee, Mentor]) -> str:
    rule = ex.rules.get(name)
    if rule is not None:
        return str(rule.explain(*pair))
    return rule_phrase(name)  # pragma: no cover - every refusal comes from a known rule


def _refused_everywhere(ex: Explained, i: int, *, row: Row, open_: NDArray[np.bool_]) -> str:
    """Why no open mentor is allowed: each put down to the first rule refusing it."""
    left = open_.copy()
    first: dict[str, NDArray[np.intp]] = {}
    for name, mask in row.refused_by.items():
        hit = left & np.asarray(mask, dtype=bool)
        if hit.any():
            first[name] = np.flatnonzero(hit)
            left &= ~hit
    n = int(open_.sum())
    if len(first) == 1:
        ((name, js),) = first.items()
        if n == 1:
            sentence = _rule_sentence(ex, name, (ex.tees[i], ex.tors[int(js[0])]))
            return f"the only mentor with a free place is refused: {sentence}"
        return f"all {n} mentors with a place are {rule_phrase(name)}"
    parts = ", ".join(f"{len(js)} {rule_phrase(name)}" for name, js in first.items())
    return f"no mentor is allowed by the rules: of the {n} with a place, {parts}"


def unmatched_reason(ex: Explained, i: int) -> str:
    """The specific reason mentee ``i`` has no mentor: no mentors, rules, min_score, capacity."""
    tors, capacity = ex.tors, ex.capacity
    if not tors:
        return "there are no mentors in this programme"
    open_ = capacity > 0
    if not open_.any():
        return "no mentor has a place (every capacity is 0)"
    row = ex.row(i)
    candidates = np.flatnonzero(open_ & np.asarray(row.allowed, dtype=bool))
    if candidates.size == 0:
        return _refused_everywhere(ex, i, row=row, open_=open_)
    above = candidates[np.asarray(row.eligible[candidates], dtype=bool)]
    if above.size == 0:
        best = int(_by_score_then_id(ex, row, candidates)[0])
        which = "the best" if candidates.size > 1 else "the only one"
        return (
            f"no allowed mentor scores at least min_score {ex.min_score:g} "
            f"({which}, {tors[best].id}, scores {row.total[best]:.2f})"
        )
    places = int(capacity.sum())
    full = _by_score_then_id(ex, row, above[ex.load[above] >= capacity[above]])
    shown_ids = ", ".join(tors[int(j)].id for j in full[:3]) + (", ..." if full.size > 3 else "")
    yours = (
        "your only possible mentor"
        if above.size == 1
        else f"your {_plural(above.size, 'possible mentor', 'possible mentors')}"
    )
    return (
        f"capacity exhausted: {_plural(places, 'place', 'places')} for "
        f"{_plural(len(ex.tees), 'mentee', 'mentees')}, and {yours} ({shown_ids}) "
        "went to mentees who had fewer options or scored higher with them"
    )


def _diff_sentence(row: Row, chosen: int, other: int) -> str:
    a, b = row.contributions(chosen), row.contributions(other)
    diffs = sorted(((b[k] - a[k], k) for k in a), key=lambda t: (-abs(t[0]), t[1]))
    shown_ = [f"{k} {d:+.2f}" for d, k in diffs[:2] if abs(d) >= 0.005]
    return "; the difference: " + ", ".join(shown_) if shown_ else ""


def _why_full(ex: Explained, row: Row, *, j: int, k: int) -> str:
    """Why not mentor ``k``, whose places are all taken (``j``: the mentee's mentor or -1)."""
    s_k = float(row.total[k])
    taken = sorted(ex.tees[int(r)].id for r in np.flatnonzero(ex.assignment == k))
    listed = ", ".join(taken[:3]) + (", ..." if len(taken) > 3 else "")
    places = "its only place" if ex.capacity[k] == 1 else f"its {int(ex.capacity[k])} places"
    if j >= 0 and s_k < row.total[j]:
        return (
            f"scored {s_k:.2f}, below {ex.tors[j].id}'s {row.total[j]:.2f}"
            f"{_diff_sentence(row, j, k)}; and {places} went to {listed}"
        )
    cmp = (
        f"scored {s_k:.2f}, higher than your match's {row.total[j]:.2f}, but "
        if j >= 0 and s_k > row.total[j]
        else f"scored {s_k:.2f}, but "
    )
    return (
        f"{cmp}{places} went to {listed}; "
        "giving you one would have matched fewer people or lowered the total score"
    )


def _runner_up(ex: Explained, i: int, *, row: Row, j: int) -> Alternative | None:
    """The best other open mentor (eligible first), and why the mentee did not get them."""
    others = np.flatnonzero(ex.capacity > 0)
    others = others[others != j]
    if not others.size:
        return None
    ranked = _by_score_then_id(ex, row, others)
    ok = ranked[np.asarray(row.eligible[ranked], dtype=bool)]
    k = int(ok[0]) if ok.size else int(ranked[0])
    s_k = float(row.total[k])
    refused = row.first_refusal(k)
    if refused is not None:
        why = f"refused by a rule: {_rule_sentence(ex, refused, (ex.tees[i], ex.tors[k]))}"
    elif not row.eligible[k]:
        why = f"scores {s_k:.2f}, below min_score {ex.min_score:g}"
    elif ex.load[k] >= ex.capacity[k]:
        why = _why_full(ex, row, j=j, k=k)
    else:
        why = f"scored {s_k:.2f} against {ex.tors[j].id}'s {row.total[j]:.2f}" + (
            _diff_sentence(row, j, k)
        )
    return Alternative(ex.tors[k].id, s_k, row.contributions(k), why)


def explain(ex: Explained, i: int) -> Explanation:
    """Mentee ``i``'s explanation: the match and its reasons (or why none), and the runner-up."""
    tee = ex.tees[i]
    j = int(ex.assignment[i])
    row = ex.row(i)
    runner = _runner_up(ex, i, row=row, j=j)
    if j < 0:
        return Explanation(tee.id, None, None, {}, (), unmatched_reason(ex, i), runner)
    return Explanation(
        tee.id,
        ex.tors[j].id,
        float(row.total[j]),
        ordered(row.contributions(j)),
        ex.reasons(i, j),
        None,
        runner,
    )
