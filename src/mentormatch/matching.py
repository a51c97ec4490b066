"""The matcher: criteria and rules in, an exact, explained assignment out.

Results are values (see :mod:`mentormatch._values`): :class:`MatchResult`,
:class:`Match`, :class:`Explanation` ... are frozen, compare equal when they
give the same answer (timings and run metadata aside), pickle and
deep-copy. Explanations are computed on demand from the data kept in the
result, by a small explainer object (never a closure), so a result travels
through ``multiprocessing``, joblib or a cache with its explanations.
"""

from __future__ import annotations

import copy
import itertools
import math
import os
import pickle
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import FrozenInstanceError, dataclass, field, replace
from functools import cached_property, partial
from typing import TYPE_CHECKING, Any, Protocol, TypeAlias, cast

import numpy as np
from numpy.typing import NDArray

from mentormatch._blocks import (
    LazyRows,
    ProgrammeScorer,
    ProgressFn,
    RowCache,
    _is_builtin,
    block_rows,
    candidate_pass,
    make_pricer,
)
from mentormatch._dates import is_missing
from mentormatch._errors import MentormatchError
from mentormatch._solve import have_ortools, solve_dense, solve_sparse
from mentormatch._validation import (
    RealLike,
    WholeLike,
    as_real,
    check_int,
    check_option,
    check_unit_interval,
    is_bool,
    shares,
    shown,
)
from mentormatch._values import FrozenDict, Value, same, value_hash
from mentormatch.constraints import ConstraintLike
from mentormatch.criteria.base import CriterionLike
from mentormatch.participants import Mentee, Mentor, capacities, validate_programme

if TYPE_CHECKING:
    import pandas as pd

    from mentormatch.lifecycle import MatchDiff
    from mentormatch.shortlist import Shortlist

__all__ = [
    "Alternative",
    "Explanation",
    "Match",
    "MatchResult",
    "Matcher",
    "ScoreMatrix",
    "Unmatched",
]

_TOL = 1e-9
SOLVERS = ("auto", "dense", "sparse")
BACKENDS = ("auto", "ortools", "scipy")
#: ``solver="auto"`` takes the dense path while ``n_mentees x places`` is at most this.
DENSE_LIMIT = 16_000_000
SELF_RULE = "not_yourself"

# Short phrases for the built-in rules, used when summarising why nobody is allowed.
_RULE_PHRASES = {
    "reporting_line": "in your reporting line",
    "forbidden_pairs": "on the forbidden-pairs list",
    "required_pairs": "not the mentor you are required to have",
    "different_department": "in your own department",
    SELF_RULE: "yourself",
}


def _rule_phrase(name: str) -> str:
    if name in _RULE_PHRASES:
        return _RULE_PHRASES[name]
    if name.startswith("same_"):
        return f"of a different {name[5:]}"
    return f"refused by the rule {name!r}"


@dataclass(frozen=True, eq=False)
class ScoreMatrix(Value):
    """All pair scores of a programme, with the rules applied.

    A value: its arrays are read-only and its mappings too; ``==`` compares
    every field, arrays element by element.

    Attributes
    ----------
    mentee_ids, mentor_ids : tuple of str
        Row and column labels, in the order given.
    total : ndarray of shape (n_mentees, n_mentors)
        Weighted mean of the criterion scores, ``sum(w_i s_i) / sum(w_i)``,
        computed as ``sum(share_i * s_i)`` with the exact :func:`shares`.
    by_criterion : mapping of str to ndarray
        Each criterion's own scores ``s_i`` in [0, 1].
    weights : mapping of str to float
        Each criterion's weight.
    allowed : ndarray of bool
        Pairs that every hard rule allows (and that are not the same person).
    refused_by : mapping of str to ndarray of bool
        For each rule, the pairs it refuses.
    min_score : float
        Pairs scoring below it are not made.

    Examples
    --------
    >>> import mentormatch as mm
    >>> e = [mm.Mentee(id="e1", goals=["sql"])]
    >>> m = [mm.Mentor(id="m1", goals=["sql"]), mm.Mentor(id="m2")]
    >>> sm = mm.Matcher(criteria=[mm.GoalOverlap()]).score(e, m)
    >>> sm.total
    array([[1., 0.]])
    >>> sm.contributions(0, 0)
    {'goal_overlap': 1.0}
    """

    mentee_ids: tuple[str, ...]
    mentor_ids: tuple[str, ...]
    total: NDArray[np.float64]
    by_criterion: Mapping[str, NDArray[np.float64]]
    weights: Mapping[str, float]
    allowed: NDArray[np.bool_]
    refused_by: Mapping[str, NDArray[np.bool_]]
    min_score: float = 0.0

    @cached_property
    def shares(self) -> Mapping[str, float]:
        """Each criterion's share of the total weight (see :func:`shares`)."""
        return FrozenDict(shares(self.weights))

    @property
    def eligible(self) -> NDArray[np.bool_]:
        """Pairs that may be made: allowed and scoring at least ``min_score``."""
        return np.asarray(self.allowed & (self.total >= self.min_score - _TOL), dtype=bool)

    def contributions(self, i: int, j: int) -> dict[str, float]:
        """The terms ``w_k s_k / sum(w)`` of pair ``(i, j)``; they add up to ``total[i, j]``."""
        share = self.shares
        return {name: share[name] * float(s[i, j]) for name, s in self.by_criterion.items()}


def _frozen_setattr(self: object, name: str, value: object) -> None:
    raise FrozenInstanceError(f"cannot assign to field {name!r}: {type(self).__name__} is a value")


def _frozen_delattr(self: object, name: str) -> None:
    raise FrozenInstanceError(f"cannot delete field {name!r}: {type(self).__name__} is a value")


class Match:
    """One mentee-mentor pair of a result.

    A value: frozen, equal to another match of the same pair with the same
    score, contributions and reasons; it pickles and deep-copies.

    Attributes
    ----------
    mentee_id, mentor_id : str
    score : float
        The pair's score in [0, 1]; equals ``sum(contributions.values())``.
    contributions : mapping of str to float
        Each criterion's share of the score, ``w_i s_i / sum(w)``, largest first.
    reasons : tuple of str
        One sentence per criterion, in the order of ``contributions``. Built
        on first access (a large programme does not pay for sentences nobody
        reads), then kept; comparing or pickling a match builds them.

    Examples
    --------
    >>> Match("e1", "m1", 0.5, {"goal_overlap": 0.5}, ("shares 1 of your 2 goals: sql",))
    Match(mentee_id='e1', mentor_id='m1', score=0.5, contributions={'goal_overlap': 0.5}, reasons=('shares 1 of your 2 goals: sql',))
    """

    __slots__ = ("_make_reasons", "_reasons", "contributions", "mentee_id", "mentor_id", "score")

    mentee_id: str
    mentor_id: str
    score: float
    contributions: Mapping[str, float]
    _reasons: tuple[str, ...] | None
    _make_reasons: Callable[[], tuple[str, ...]] | None

    def __init__(
        self,
        mentee_id: str,
        mentor_id: str,
        score: float,
        contributions: Mapping[str, float],
        reasons: Iterable[str] | None = None,
        *,
        make_reasons: Callable[[], tuple[str, ...]] | None = None,
    ) -> None:
        if reasons is None and make_reasons is None:
            raise MentormatchError("Match needs reasons or make_reasons", field="reasons")
        put = object.__setattr__
        put(self, "mentee_id", mentee_id)
        put(self, "mentor_id", mentor_id)
        put(self, "score", score)
        put(self, "contributions", FrozenDict(contributions))
        put(self, "_reasons", None if reasons is None else tuple(reasons))
        put(self, "_make_reasons", make_reasons if reasons is None else None)

    __setattr__ = _frozen_setattr
    __delattr__ = _frozen_delattr

    @property
    def reasons(self) -> tuple[str, ...]:
        """One sentence per criterion, largest contribution first."""
        if self._reasons is None and self._make_reasons is not None:
            object.__setattr__(self, "_reasons", tuple(self._make_reasons()))
            object.__setattr__(self, "_make_reasons", None)
        return self._reasons or ()

    def _key(self) -> tuple[Any, ...]:
        return (self.mentee_id, self.mentor_id, self.score, self.contributions, self.reasons)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Match):
            return NotImplemented
        return same(self._key(), other._key())

    def __hash__(self) -> int:  # the reasons follow from the rest: left out, not built
        return value_hash((self.mentee_id, self.mentor_id, self.score, self.contributions))

    def __reduce__(self) -> tuple[Any, ...]:
        return (
            Match,
            (self.mentee_id, self.mentor_id, self.score, dict(self.contributions), self.reasons),
        )

    def __copy__(self) -> Match:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> Match:
        return self  # immutable: a copy would be the same value

    def __repr__(self) -> str:
        return (
            f"Match(mentee_id={self.mentee_id!r}, mentor_id={self.mentor_id!r}, "
            f"score={self.score!r}, contributions={self.contributions!r}, "
            f"reasons={self.reasons!r})"
        )


#: A pair to keep, exclude, lock or forbid: ``(mentee_id, mentor_id)``, or a :class:`Match`.
PairLike: TypeAlias = "tuple[str, str] | Match"


@dataclass(frozen=True, eq=False)
class Unmatched(Value):
    """A mentee left without a mentor, and why.

    Attributes
    ----------
    mentee_id : str
    reason : str
        A specific reason: the rules, ``min_score``, or exhausted capacity.
    """

    mentee_id: str
    reason: str


@dataclass(frozen=True, eq=False)
class Alternative(Value):
    """Another mentor a mentee could have had, and why they did not get them.

    Attributes
    ----------
    mentor_id : str
    score : float
        The pair's score (0 contributions when refused by a rule).
    contributions : mapping of str to float
    why_not : str
        One sentence: full, lower score, below ``min_score``, or a rule.
    """

    mentor_id: str
    score: float
    contributions: Mapping[str, float]
    why_not: str


@dataclass(frozen=True, eq=False)
class Explanation(Value):
    """Why a mentee got their mentor (or none), and why not the runner-up.

    Attributes
    ----------
    mentee_id : str
    mentor_id : str or None
        None when the mentee is unmatched.
    score : float or None
    contributions : mapping of str to float
    reasons : tuple of str
    unmatched_reason : str or None
    runner_up : Alternative or None
        The best other mentor the mentee could have had.
    """

    mentee_id: str
    mentor_id: str | None
    score: float | None
    contributions: Mapping[str, float]
    reasons: tuple[str, ...]
    unmatched_reason: str | None
    runner_up: Alternative | None

    def summary(self) -> str:
        """A short text a mentee or a programme manager can read.

        Examples
        --------
        >>> ex = Explanation("e1", "m1", 0.5, {"goal_overlap": 0.5}, ("shares 1 of your 2 goals: sql",),
        ...                  None, None)
        >>> print(ex.summary())
        e1 is matched with m1 (score 0.50).
          goal_overlap  0.50  shares 1 of your 2 goals: sql
        """
        lines = []
        if self.mentor_id is None:
            lines.append(f"{self.mentee_id} is not matched: {self.unmatched_reason}.")
        else:
            lines.append(
                f"{self.mentee_id} is matched with {self.mentor_id} (score {self.score:.2f})."
            )
            width = max((len(k) for k in self.contributions), default=0)
            ordered = sorted(self.contributions.items(), key=lambda kv: -kv[1])
            for (name, value), reason in zip(ordered, self.reasons, strict=False):
                lines.append(f"  {name:<{width}}  {value:.2f}  {reason}")
        if self.runner_up is not None:
            r = self.runner_up
            lines.append(f"Runner-up: {r.mentor_id} (score {r.score:.2f}): {r.why_not}.")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict; :meth:`from_dict` reads it back.

        Examples
        --------
        >>> ex = Explanation("e1", None, None, {}, (), "no mentors", None)
        >>> Explanation.from_dict(ex.to_dict()) == ex
        True
        """
        out: dict[str, Any] = {
            "mentee_id": self.mentee_id,
            "mentor_id": self.mentor_id,
            "score": self.score,
            "contributions": dict(self.contributions),
            "reasons": list(self.reasons),
            "unmatched_reason": self.unmatched_reason,
            "runner_up": None,
        }
        if self.runner_up is not None:
            r = self.runner_up
            out["runner_up"] = {
                "mentor_id": r.mentor_id,
                "score": r.score,
                "contributions": dict(r.contributions),
                "why_not": r.why_not,
            }
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Explanation:
        """Rebuild an explanation written by :meth:`to_dict`."""
        r = data.get("runner_up")
        runner = (
            Alternative(r["mentor_id"], float(r["score"]), dict(r["contributions"]), r["why_not"])
            if r
            else None
        )
        score = data.get("score")
        return cls(
            mentee_id=data["mentee_id"],
            mentor_id=data.get("mentor_id"),
            score=None if score is None else float(score),
            contributions={k: float(v) for k, v in data.get("contributions", {}).items()},
            reasons=tuple(data.get("reasons", ())),
            unmatched_reason=data.get("unmatched_reason"),
            runner_up=runner,
        )


class _Explainer(Protocol):
    """What a :class:`MatchResult` asks for an explanation (see the classes at the end)."""

    def explain(self, mentee_id: str) -> Explanation: ...


def _by_mentee(items: Iterable[Any]) -> list[Any]:
    return sorted(items, key=lambda x: x.mentee_id)


@dataclass(frozen=True, eq=False, repr=False)
class MatchResult(Value):
    """The outcome of :meth:`Matcher.match`.

    Every mentee given appears exactly once, in :attr:`matches` or in
    :attr:`unmatched`.

    A value: frozen, with read-only mappings; it pickles and deep-copies
    (explanations included: they are built from data kept in the result).
    Two results are ``==`` when they give the same answer: the same pairs
    with the same scores, contributions and reasons, the same mentees
    unmatched for the same reasons, and the same total, whatever the order
    in which the mentees were given; ``metadata`` (timings, the solver path)
    is left out.

    Attributes
    ----------
    matches : tuple of Match
        In the order the mentees were given.
    unmatched : tuple of Unmatched
        In the order the mentees were given, each with its reason.
    total_score : float
        Sum of the matched pairs' scores (:func:`math.fsum`: exactly rounded,
        whatever their order).
    metadata : mapping
        ``solver`` (``"dense"`` or ``"sparse"``: the path used), ``timings``
        (seconds per phase: scoring, solving, pricing, explaining),
        ``n_mentees``, ``n_mentors``, ``places``, ``criteria``, ``min_score``;
        the sparse path adds ``backend``, ``pricing_rounds``, ``pairs_added``,
        ``candidate_pairs``, ``rows_rescored`` and ``certified`` (the
        optimality proof held for every eligible pair). Not part of ``==``.
    """

    matches: tuple[Match, ...]
    unmatched: tuple[Unmatched, ...]
    total_score: float
    metadata: Mapping[str, Any] = field(default_factory=FrozenDict, compare=False)
    _explainer: _Explainer | None = field(default=None, repr=False, compare=False)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, MatchResult):
            return NotImplemented
        return (
            same(self.total_score, other.total_score)
            and len(self.matches) == len(other.matches)
            and len(self.unmatched) == len(other.unmatched)
            and _by_mentee(self.matches) == _by_mentee(other.matches)
            and _by_mentee(self.unmatched) == _by_mentee(other.unmatched)
        )

    def __hash__(self) -> int:
        return hash(
            (
                value_hash(self.total_score),
                frozenset(self.matches),
                frozenset(self.unmatched),
            )
        )

    def explain(self, mentee_id: str) -> Explanation:
        """Why this mentee got this mentor, or none, and why not the runner-up.

        Parameters
        ----------
        mentee_id : str

        Returns
        -------
        Explanation
            The same, word for word, whatever the order in which the
            mentees and mentors were given.

        Examples
        --------
        >>> import mentormatch as mm
        >>> e = [mm.Mentee(id="e1", goals=["sql", "python"])]
        >>> m = [mm.Mentor(id="m1", goals=["sql"]), mm.Mentor(id="m2", goals=["sql", "python"])]
        >>> result = mm.Matcher(criteria=[mm.GoalOverlap()]).match(e, m)
        >>> print(result.explain("e1").summary())
        e1 is matched with m2 (score 1.00).
          goal_overlap  1.00  shares 2 of your 2 goals: sql, python
        Runner-up: m1 (score 0.50): scored 0.50 against m2's 1.00; the difference: goal_overlap -0.50.
        """
        known = {m.mentee_id for m in self.matches} | {u.mentee_id for u in self.unmatched}
        if mentee_id not in known:
            raise MentormatchError(
                f"mentee {shown(mentee_id)} is not in this result; check the id",
                participant_id=str(mentee_id),
            )
        if self._explainer is None:
            raise MentormatchError(
                "this result was rebuilt without its score matrix; explanations are stored "
                "in the JSON export (mentormatch.io)"
            )
        return self._explainer.explain(mentee_id)

    def diff(self, other: MatchResult) -> MatchDiff:
        """What changed from this result to ``other``, mentee by mentee, with the score cost.

        See :func:`mentormatch.lifecycle.diff`.

        Examples
        --------
        >>> import mentormatch as mm
        >>> e = [mm.Mentee(id="e1", goals=["a"])]
        >>> m = [mm.Mentor(id="m1", goals=["a"]), mm.Mentor(id="m2")]
        >>> matcher = mm.Matcher([mm.GoalOverlap()])
        >>> best = matcher.match(e, m)
        >>> forced = matcher.match(e, m, keep=[("e1", "m2")])
        >>> best.diff(forced).cost
        1.0
        """
        from mentormatch.lifecycle import diff  # lifecycle builds on this module

        return diff(self, other)

    @classmethod
    def restore(
        cls,
        matches: Iterable[Match],
        unmatched: Iterable[Unmatched],
        total_score: float,
        metadata: Mapping[str, Any],
        explanations: Mapping[str, Explanation],
    ) -> MatchResult:
        """Rebuild a result from stored parts (e.g. a JSON export), explanations included.

        Examples
        --------
        >>> ex = Explanation("e1", None, None, {}, (), "no mentors", None)
        >>> r = MatchResult.restore([], [Unmatched("e1", "no mentors")], 0.0, {}, {"e1": ex})
        >>> r.explain("e1").unmatched_reason
        'no mentors'
        """
        return cls(
            tuple(matches),
            tuple(unmatched),
            float(total_score),
            dict(metadata),
            _StoredExplanations(explanations),
        )

    @property
    def n_matched(self) -> int:
        """Number of matched mentees."""
        return len(self.matches)

    def mentor_of(self, mentee_id: str) -> str | None:
        """The mentor of a mentee, or None when unmatched."""
        for m in self.matches:
            if m.mentee_id == mentee_id:
                return m.mentor_id
        return None

    def to_records(self) -> list[dict[str, Any]]:
        """One flat dict per mentee: matched first-come in input order, then the unmatched.

        Keys: ``mentee_id``, ``mentor_id``, ``score``, one
        ``contribution_<criterion>`` per criterion, ``reasons`` (joined with
        ``"; "``) and ``unmatched_reason``.

        Examples
        --------
        >>> import mentormatch as mm
        >>> r = mm.Matcher(criteria=[mm.GoalOverlap()]).match([mm.Mentee(id="e1")], [])
        >>> r.to_records()
        [{'mentee_id': 'e1', 'mentor_id': None, 'score': None, 'contribution_goal_overlap': None, 'reasons': '', 'unmatched_reason': 'there are no mentors in this programme'}]
        """
        names = list(self.metadata.get("criteria", ()))
        rows: list[dict[str, Any]] = []
        for m in self.matches:
            row: dict[str, Any] = {"mentee_id": m.mentee_id, "mentor_id": m.mentor_id}
            row["score"] = m.score
            row.update({f"contribution_{k}": m.contributions.get(k) for k in names})
            row["reasons"] = "; ".join(m.reasons)
            row["unmatched_reason"] = None
            rows.append(row)
        for u in self.unmatched:
            row = {"mentee_id": u.mentee_id, "mentor_id": None, "score": None}
            row.update({f"contribution_{k}": None for k in names})
            row["reasons"] = ""
            row["unmatched_reason"] = u.reason
            rows.append(row)
        return rows

    def to_dataframe(self) -> pd.DataFrame:
        """The records of :meth:`to_records` as a pandas DataFrame (needs pandas).

        Examples
        --------
        >>> import mentormatch as mm
        >>> r = mm.Matcher(criteria=[mm.GoalOverlap()]).match([mm.Mentee(id="e1")], [mm.Mentor(id="m1")])
        >>> r.to_dataframe()[["mentee_id", "mentor_id", "score"]]
          mentee_id mentor_id  score
        0        e1        m1    0.0
        """
        try:
            import pandas as pd
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise ImportError(
                "to_dataframe needs pandas: pip install 'mentormatch-engine[pandas]'"
            ) from exc
        return cast("pd.DataFrame", pd.DataFrame.from_records(self.to_records()))

    def __repr__(self) -> str:
        n = len(self.matches) + len(self.unmatched)
        return (
            f"MatchResult({n} mentees: {len(self.matches)} matched, {len(self.unmatched)} "
            f"unmatched; total_score={self.total_score:.4f})"
        )


def _check_criteria(criteria: Iterable[Any]) -> tuple[CriterionLike, ...]:
    out = tuple(criteria)
    if not out:
        raise MentormatchError(
            "Matcher needs at least one criterion, e.g. criteria=[GoalOverlap()]", field="criteria"
        )
    names: set[str] = set()
    for c in out:
        missing = [a for a in ("name", "weight", "score", "explain") if not hasattr(c, a)]
        if missing:
            raise MentormatchError(
                f"criterion {c!r} lacks {', '.join(missing)}; a criterion has a name, a weight > 0, "
                "score(mentees, mentors) and explain(mentee, mentor, value) "
                "(wrap a plain function in FunctionCriterion)",
                field="criteria",
            )
        if not isinstance(c.name, str) or not c.name.strip():
            raise MentormatchError(
                f"criterion {shown(c)} has name {shown(c.name)}; a criterion's name is a "
                "non-empty string, used in contributions and exports",
                field="name",
                value=c.name,
            )
        w = c.weight
        real = as_real(w)
        if real is None or not math.isfinite(real) or real <= 0:
            raise MentormatchError(
                f"criterion {c.name!r} has weight {shown(w)}; weights must be finite numbers > 0 "
                "(True and False are not weights)",
                field="weight",
                value=w,
            )
        if c.name in names:
            raise MentormatchError(
                f"two criteria are named {c.name!r}; give one of them another name= so that "
                "contributions can tell them apart",
                field="name",
                value=c.name,
            )
        names.add(c.name)
    return out


def _check_constraints(constraints: Iterable[Any]) -> tuple[ConstraintLike, ...]:
    out = tuple(constraints)
    names: set[str] = set()
    for c in out:
        missing = [a for a in ("name", "allowed", "explain") if not hasattr(c, a)]
        if missing:
            raise MentormatchError(
                f"constraint {c!r} lacks {', '.join(missing)}; a constraint has a name, "
                "allowed(mentees, mentors) and explain(mentee, mentor)",
                field="constraints",
            )
        if not isinstance(c.name, str) or not c.name.strip():
            raise MentormatchError(
                f"constraint {shown(c)} has name {shown(c.name)}; a rule's name is a non-empty "
                "string, used in the reasons",
                field="name",
                value=c.name,
            )
        if c.name in names or c.name == SELF_RULE:
            raise MentormatchError(
                f"two constraints are named {c.name!r}; give each rule its own name",
                field="name",
                value=c.name,
            )
        names.add(c.name)
    return out


class Matcher:
    """Match mentees with mentors, exactly and explainably.

    Parameters
    ----------
    criteria : sequence of criteria
        Scorers with a ``name``, a ``weight`` > 0, ``score`` and ``explain``
        (the built-ins, :class:`FunctionCriterion`, or any object of that shape).
    constraints : sequence of rules, optional
        Hard rules with a ``name``, ``allowed`` and ``explain``.
    min_score : float in [0, 1], default 0.0
        Pairs scoring below it are not made.
    solver : {"auto", "dense", "sparse"}, default "auto"
        The assignment path; every path returns the same answer (the same
        number of matches and total score; under exact ties the pairs may
        differ). ``"dense"`` builds the full score matrix and solves it with
        Hungarian / Jonker-Volgenant. ``"sparse"`` (for large programmes)
        scores in blocks, keeps each mentee's best candidates, solves that
        sparse problem and proves the answer optimal for the full problem by
        pricing every pair left out against the dual values. ``"auto"`` takes
        the dense path while ``n_mentees x places`` is at most ``DENSE_LIMIT``
        (16 million), the sparse path beyond. The result's
        ``metadata["solver"]`` says which path ran.
    candidates : int, optional
        Sparse path: how many best mentors per mentee to start from (default
        adaptive: 8, more when places are scarce). Pricing adds any pair the
        proof needs, so this changes the speed, never the answer.
    backend : {"auto", "ortools", "scipy"}, default "auto"
        Sparse path: the solver of the candidate problem. ``"ortools"`` (the
        optional extra ``mentormatch-engine[fast]``) is much faster on large
        programmes; ``"scipy"`` needs nothing more; ``"auto"`` uses OR-Tools
        when it is installed.
    progress : callable, optional
        ``progress(phase, done, total)``, called as the work advances, with
        ``phase`` one of ``"scoring"``, ``"solving"``, ``"pricing"``,
        ``"explaining"``. For progress bars on large programmes.

    Notes
    -----
    The score of a pair is the weighted mean of its criterion scores,
    ``sum(w_i s_i) / sum(w_i)``, in [0, 1]; its contributions are the terms
    ``w_i s_i / sum(w_i)``. :meth:`match` first matches as many mentees as
    capacities and rules allow, then maximises the total score among those
    assignments, exactly (see :func:`mentormatch._solve.solve_dense`).
    The weights enter through their exact shares (:func:`shares`), so
    weights that differ only by a common factor give bit for bit the same
    scores and the same match. Ties are broken by sorting mentees and mentors
    by id before solving, and every explanation ranks and lists mentors and
    mentees by score, then id, so neither the result nor a word of its
    explanations depends on the order of the input.

    A matcher made of the built-in criteria and rules pickles (for a process
    pool, say); so does one with your own criteria when they are defined at
    module level.

    Examples
    --------
    >>> import mentormatch as mm
    >>> mentees = [mm.Mentee(id="e1", goals=["leadership"], department="Sales"),
    ...            mm.Mentee(id="e2", goals=["python"], department="Engineering")]
    >>> mentors = [mm.Mentor(id="m1", goals=["python"], department="Sales"),
    ...            mm.Mentor(id="m2", goals=["leadership"], department="Finance")]
    >>> matcher = mm.Matcher(criteria=[mm.GoalOverlap(weight=2), mm.DepartmentDistance()])
    >>> result = matcher.match(mentees, mentors)
    >>> result
    MatchResult(2 mentees: 2 matched, 0 unmatched; total_score=2.0000)
    >>> [(m.mentee_id, m.mentor_id, round(m.score, 3)) for m in result.matches]
    [('e1', 'm2', 1.0), ('e2', 'm1', 1.0)]
    >>> result.matches[0].reasons
    ('shares 1 of your 1 goals: leadership', 'works in Finance, outside your part of the organisation')
    """

    def __init__(
        self,
        criteria: Iterable[CriterionLike],
        constraints: Iterable[ConstraintLike] = (),
        *,
        min_score: RealLike = 0.0,
        solver: str = "auto",
        candidates: WholeLike | None = None,
        backend: str = "auto",
        progress: ProgressFn | None = None,
    ) -> None:
        self.criteria = _check_criteria(criteria)
        self.constraints = _check_constraints(constraints)
        self.min_score = check_unit_interval("Matcher", "min_score", min_score)
        self.solver = check_option("Matcher", "solver", solver, SOLVERS)
        self.candidates = (
            None
            if candidates is None
            else check_int("Matcher", "candidates", candidates, minimum=1)
        )
        self.backend = check_option("Matcher", "backend", backend, BACKENDS)
        if backend == "ortools" and not have_ortools():
            raise MentormatchError(
                "backend='ortools' needs OR-Tools: pip install 'mentormatch-engine[fast]' "
                "(or use backend='scipy')",
                field="backend",
                value=backend,
            )
        if progress is not None and not callable(progress):
            raise MentormatchError(
                f"The 'progress' parameter of Matcher must be callable. Got {progress!r} instead.",
                field="progress",
                value=progress,
            )
        self.progress = progress

    def __repr__(self) -> str:
        parts = [f"criteria={list(self.criteria)!r}"]
        if self.constraints:
            parts.append(f"constraints={list(self.constraints)!r}")
        if self.min_score:
            parts.append(f"min_score={self.min_score!r}")
        if self.solver != "auto":
            parts.append(f"solver={self.solver!r}")
        return f"Matcher({', '.join(parts)})"

    # -- scoring -----------------------------------------------------------------

    def score(self, mentees: Iterable[Mentee], mentors: Iterable[Mentor]) -> ScoreMatrix:
        """Score every pair and apply the rules.

        Parameters
        ----------
        mentees : iterable of Mentee
        mentors : iterable of Mentor
            Lists, tuples, generators (read once), pandas Series or numpy
            object arrays.

        Returns
        -------
        ScoreMatrix

        Raises
        ------
        MentormatchError
            Bad participants (see :func:`validate_programme`), or a criterion
            or rule returning the wrong shape, NaN, or values outside [0, 1];
            the message names the criterion or rule.
        """
        tees, tors = validate_programme(mentees, mentors)
        return self._score(tees, tors)

    def _score(self, tees: Sequence[Mentee], tors: Sequence[Mentor]) -> ScoreMatrix:
        shape = (len(tees), len(tors))
        by: dict[str, NDArray[np.float64]] = {}
        for c in self.criteria:
            by[c.name] = _checked_scores(c, tees, tors, shape)
        weights = {c.name: _weight(c) for c in self.criteria}
        share = shares(weights)
        total = np.zeros(shape)
        for name, s in by.items():
            total += share[name] * s
        np.clip(total, 0.0, 1.0, out=total)
        refused: dict[str, NDArray[np.bool_]] = {}
        both = {m.id: j for j, m in enumerate(tors)}
        twins = [(i, both[e.id]) for i, e in enumerate(tees) if e.id in both]
        if twins:  # people in both roles are never matched with themselves
            self_pairs = np.zeros(shape, dtype=bool)
            self_pairs[tuple(np.array(twins).T)] = True
            refused[SELF_RULE] = self_pairs
        for rule in self.constraints:
            ok = _checked_mask(rule, tees, tors, shape)
            if not ok.all():
                refused[rule.name] = ~ok
        allowed = np.ones(shape, dtype=bool)
        for mask in refused.values():
            allowed &= ~mask
        return ScoreMatrix(
            mentee_ids=tuple(e.id for e in tees),
            mentor_ids=tuple(m.id for m in tors),
            total=total,
            by_criterion=by,
            weights=weights,
            allowed=allowed,
            refused_by=refused,
            min_score=self.min_score,
        )

    # -- matching ----------------------------------------------------------------

    def match(
        self,
        mentees: Iterable[Mentee],
        mentors: Iterable[Mentor],
        *,
        keep: Iterable[PairLike] = (),
        exclude: Iterable[PairLike] = (),
    ) -> MatchResult:
        """Match mentees with mentors: the most matches, then the largest total score.

        Parameters
        ----------
        mentees : iterable of Mentee
        mentors : iterable of Mentor
            Lists, tuples, generators (read once), pandas Series or numpy
            object arrays; the order does not change the result.
        keep : iterable of (mentee_id, mentor_id) pairs or Match, optional
            Pairs that stay as they are (an administrator's locks, pairs that
            work); everyone else is matched optimally into the places left.
            See :func:`mentormatch.lifecycle.rematch`.
        exclude : iterable of (mentee_id, mentor_id) pairs, optional
            Pairs that must not be made again (they did not work).

        Returns
        -------
        MatchResult
            Every mentee once, in ``matches`` or ``unmatched`` (with a reason).

        Examples
        --------
        >>> import mentormatch as mm
        >>> mentees = [mm.Mentee(id="e1", manager_id="m1", goals=["sql"]), mm.Mentee(id="e2")]
        >>> mentors = [mm.Mentor(id="m1", goals=["sql"])]
        >>> result = mm.Matcher([mm.GoalOverlap()], [mm.NotInReportingLine()]).match(mentees, mentors)
        >>> result.matches[0].mentee_id, result.unmatched
        ('e2', (Unmatched(mentee_id='e1', reason="the only mentor with a free place is refused: 'm1' is your manager"),))
        """
        keep, exclude = tuple(keep), tuple(exclude)
        if keep or exclude:
            from mentormatch.lifecycle import rematch  # lifecycle builds on this module

            return rematch(self, mentees, mentors, keep=keep, exclude=exclude)
        t0 = time.perf_counter()
        tees, tors = validate_programme(mentees, mentors)
        capacity = capacities(tors, len(tees))
        if _pick_path(self.solver, len(tees), capacity) == "sparse":
            return _match_sparse(self, tees, tors, capacity, t0)
        scores = self._score(tees, tors)
        t1 = time.perf_counter()
        _report(self.progress, "scoring", len(tees), len(tees))
        assignment = self._solve(scores, tees, tors, capacity)
        t2 = time.perf_counter()
        _report(self.progress, "solving", 1, 1)
        result = _build_result(self, scores, tees, tors, capacity, assignment)
        t3 = time.perf_counter()
        _report(self.progress, "explaining", len(tees), len(tees))
        return _with_metadata(
            result,
            solver="dense",
            timings={
                "scoring": t1 - t0,
                "solving": t2 - t1,
                "pricing": 0.0,
                "explaining": t3 - t2,
            },
        )

    def shortlist(
        self,
        mentees: Iterable[Mentee],
        mentors: Iterable[Mentor],
        *,
        k: WholeLike = 5,
        ration: RealLike = 2.0,
    ) -> Shortlist:
        """Suggest ``k`` mentors to each mentee, rationed so popular mentors are not swamped.

        See :func:`mentormatch.shortlist.shortlist` for the objective and the
        returned :class:`~mentormatch.shortlist.Shortlist`.

        Examples
        --------
        >>> import mentormatch as mm
        >>> e = [mm.Mentee(id="e1", goals=["sql"]), mm.Mentee(id="e2", goals=["sql"])]
        >>> m = [mm.Mentor(id="m1", goals=["sql"]), mm.Mentor(id="m2")]
        >>> lists = mm.Matcher([mm.GoalOverlap()]).shortlist(e, m, k=1, ration=1.0)
        >>> sorted(len(entries) for entries in lists.lists.values())
        [1, 1]
        """
        from mentormatch.shortlist import shortlist  # shortlist builds on this module

        return shortlist(self, mentees, mentors, k=k, ration=ration)

    def _solve(
        self,
        scores: ScoreMatrix,
        tees: Sequence[Mentee],
        tors: Sequence[Mentor],
        capacity: NDArray[np.int64],
    ) -> NDArray[np.intp]:
        """Solve in id order (deterministic ties), return in input order."""
        re = _id_order(tees)
        rm = _id_order(tors)
        eligible = scores.eligible
        if re is None and rm is None:
            sub = solve_dense(scores.total, eligible, capacity)
        else:
            re_ = np.arange(len(tees)) if re is None else re
            rm_ = np.arange(len(tors)) if rm is None else rm
            grid = np.ix_(re_, rm_)
            sub = solve_dense(scores.total[grid], eligible[grid], capacity[rm_])
        re = np.arange(len(tees)) if re is None else re
        rm = np.arange(len(tors)) if rm is None else rm
        out = np.full(len(tees), -1, dtype=np.intp)
        made = sub >= 0
        out[re[made]] = rm[sub[made]]
        return out


def _id_order(people: Sequence[Mentee] | Sequence[Mentor]) -> NDArray[np.intp] | None:
    """The permutation that sorts people by id, or None when they already are."""
    ids = [p.id for p in people]
    if all(a < b for a, b in itertools.pairwise(ids)):
        return None
    return np.asarray(sorted(range(len(ids)), key=ids.__getitem__), dtype=np.intp)


def _report(progress: ProgressFn | None, phase: str, done: int, total: int) -> None:
    if progress is not None:
        progress(phase, done, total)


def _pick_path(solver: str, n: int, capacity: NDArray[np.int64]) -> str:
    """``"dense"`` or ``"sparse"``: what ``solver`` means for a programme of this size."""
    if solver != "auto":
        return solver
    places = int(np.minimum(capacity, n).sum())
    return "dense" if n * places <= DENSE_LIMIT else "sparse"


def _default_candidates(n: int, capacity: NDArray[np.int64]) -> int:
    """Starting candidates per mentee: 8, more when places are scarce (more competition)."""
    places = max(int(capacity.sum()), 1)
    return int(min(32, max(8, 8 * math.ceil(n / places))))


def _match_sparse(
    matcher: Matcher,
    tees: Sequence[Mentee],
    tors: Sequence[Mentor],
    capacity: NDArray[np.int64],
    t0: float,
) -> MatchResult:
    """The large-programme path: blocked scoring, sparse solve, pricing to a proof."""
    ps = ProgrammeScorer(
        matcher.criteria, matcher.constraints, tees, tors, matcher.min_score, SELF_RULE
    )
    open_cols = capacity > 0
    # far more candidates than mentors cannot matter: clipped, so a huge value never reaches
    # numpy (the usual values, up to 32, are left as they are)
    k = min(matcher.candidates or _default_candidates(len(tees), capacity), max(len(tors), 32))
    workers = min(os.cpu_count() or 1, 4)
    cand = candidate_pass(ps, open_cols, k, 3 * k, matcher.progress, workers)
    t1 = time.perf_counter()
    price = make_pricer(ps, open_cols, cand, k, matcher.progress, workers)
    sol = solve_sparse(
        len(tees), capacity, cand.rows, cand.cols, cand.score, price, backend=matcher.backend
    )
    t2 = time.perf_counter()
    _report(matcher.progress, "solving", 1, 1)
    result = _build_sparse_result(matcher, ps, tees, tors, capacity, sol.assignment)
    t3 = time.perf_counter()
    return _with_metadata(
        result,
        solver="sparse",
        backend=sol.backend,
        timings={
            "scoring": t1 - t0,
            "solving": sol.timings["solving"],
            "pricing": sol.timings["pricing"],
            "explaining": t3 - t2,
        },
        candidates_per_mentee=k,
        candidate_pairs=sol.n_candidates,
        pricing_rounds=sol.rounds,
        pairs_added=sol.pairs_added,
        rows_rescored=int(cand.stats.get("rows_rescored", 0)),
        certified=True,
    )


def _build_sparse_result(
    matcher: Matcher,
    ps: ProgrammeScorer,
    tees: Sequence[Mentee],
    tors: Sequence[Mentor],
    capacity: NDArray[np.int64],
    assignment: NDArray[np.intp],
) -> MatchResult:
    """:func:`_build_result` without a full score matrix.

    Matched pairs are scored in blocks grouped by mentor; the unmatched
    reasons and :meth:`MatchResult.explain` read the mentee's row, scored on
    demand against all mentors, through the same :func:`_unmatched_reason`
    and :func:`_explain` as the dense path.
    """
    ex = _SparseExplainer(
        matcher.criteria,
        matcher.constraints,
        matcher.min_score,
        tees,
        tors,
        capacity,
        assignment,
        ps,
    )
    made = np.flatnonzero(assignment >= 0)
    by_mentor = made[np.argsort(assignment[made], kind="stable")]
    pair_values: dict[int, dict[str, float]] = {}
    pair_total: dict[int, float] = {}
    step = max(block_rows(1, 1 << 12), 1)
    for lo in range(0, by_mentor.size, step):
        rows = by_mentor[lo : lo + step]
        cols, where = np.unique(assignment[rows], return_inverse=True)
        by = ps.by_criterion(rows, cols)
        pick = {name: s[np.arange(rows.size), where] for name, s in by.items()}
        total = ps.combine(pick, (rows.size,))
        for k, i in enumerate(rows):
            pair_values[int(i)] = {name: float(v[k]) for name, v in pick.items()}
            pair_total[int(i)] = float(total[k])
    matches: list[Match] = []
    for i in map(int, made):
        j = int(assignment[i])
        values = pair_values[i]
        contrib = _contrib_from_values(ps.shares, values)
        matches.append(
            Match(
                tees[i].id,
                tors[j].id,
                pair_total[i],
                contrib,
                make_reasons=partial(
                    _reasons_from_values, ex.criteria, tees[i], tors[j], tuple(contrib), values
                ),
            )
        )
    unmatched: list[Unmatched] = []
    lonely = np.flatnonzero(assignment < 0)
    step = block_rows(len(tors))
    for lo in range(0, lonely.size, step):
        rows = lonely[lo : lo + step]
        ex.cache.prefetch(rows)
        for i in map(int, rows):
            unmatched.append(Unmatched(tees[i].id, _unmatched_reason(ex, i)))
        _report(matcher.progress, "explaining", min(lo + step, lonely.size), lonely.size)

    return _assemble(matcher, ex, matches, unmatched)


def _weight(c: CriterionLike) -> float:
    """A criterion's weight as a float (checked again: a criterion is a user's object)."""
    real = as_real(c.weight)
    if real is None or not math.isfinite(real) or real <= 0:
        raise MentormatchError(
            f"criterion {c.name!r} has weight {shown(c.weight)}; weights must be finite "
            "numbers > 0 (True and False are not weights)",
            field="weight",
            value=c.weight,
        )
    return real


def _dense(raw: Any) -> NDArray[Any]:
    """What a criterion or rule returned, as an array: any array-like, a DataFrame or a
    scipy sparse matrix included."""
    if not isinstance(raw, np.ndarray) and callable(getattr(raw, "toarray", None)):
        raw = raw.toarray()
    return np.asarray(raw)


_is_bool_each = np.frompyfunc(is_bool, 1, 1)
_is_number_each = np.frompyfunc(lambda v: is_bool(v) or as_real(v) is not None, 1, 1)
_KINDS = {"U": "text", "S": "bytes", "M": "dates", "m": "time spans", "c": "complex numbers"}


def _checked_scores(
    c: CriterionLike, tees: Sequence[Mentee], tors: Sequence[Mentor], shape: tuple[int, int]
) -> NDArray[np.float64]:
    raw = c.score(tees, tors)
    what = type(raw).__name__
    try:
        arr = _dense(raw)
    except (TypeError, ValueError) as exc:
        raise MentormatchError(
            f"criterion {c.name!r} returned {what}, not an array of numbers in [0, 1]",
            field="criteria",
        ) from exc
    if arr.shape != shape:
        raise MentormatchError(
            f"criterion {c.name!r} returned shape {arr.shape}; expected {shape} for "
            f"{shape[0]} mentees x {shape[1]} mentors",
            field="criteria",
            value=arr.shape,
        )
    if arr.size and arr.dtype.kind not in "biuf" and arr.dtype != object:
        held = _KINDS.get(arr.dtype.kind, f"values of dtype {arr.dtype}")
        raise MentormatchError(
            f"criterion {c.name!r} returned {what} of {held}, not an array of numbers in [0, 1]",
            field="criteria",
            value=str(arr.dtype),
        )
    if arr.dtype == object and arr.size:  # numbers of any kind, or text, None, pd.NA ...
        ok = np.asarray(_is_number_each(arr), dtype=bool)
        if not ok.all():
            i, j = (int(x) for x in np.argwhere(~ok)[0])
            value = arr[i, j]
            raise MentormatchError(
                f"criterion {c.name!r} returned {shown(value)} for mentee {tees[i].id!r} and "
                f"mentor {tors[j].id!r}; scores must be numbers in [0, 1]"
                + (" (a missing value is not a score)" if is_missing(value) else ""),
                field="criteria",
                participant_id=tees[i].id,
            )
    s = np.asarray(arr, dtype=np.float64)
    if s.size == 0:
        return s
    if not np.isfinite(s).all():
        bad_ij = np.argwhere(~np.isfinite(s))[0]
        raise MentormatchError(
            f"criterion {c.name!r} returned a non-finite value ({s[tuple(bad_ij)]}) for mentee "
            f"{tees[bad_ij[0]].id!r} and mentor {tors[bad_ij[1]].id!r}; scores must be numbers "
            "in [0, 1]",
            field="criteria",
            participant_id=tees[bad_ij[0]].id,
        )
    lo, hi = float(s.min()), float(s.max())
    if lo < -_TOL or hi > 1 + _TOL:
        bad_ij = np.argwhere((s < -_TOL) | (s > 1 + _TOL))[0]
        raise MentormatchError(
            f"criterion {c.name!r} returned {s[tuple(bad_ij)]} for mentee "
            f"{tees[bad_ij[0]].id!r} and mentor {tors[bad_ij[1]].id!r}; scores must lie in "
            "[0, 1] (rescale them)",
            field="criteria",
            participant_id=tees[bad_ij[0]].id,
        )
    if lo < 0 or hi > 1:
        s = np.clip(s, 0.0, 1.0)  # rounding noise within 1e-9 only
    if s is raw and not _is_builtin(c):
        s = s.copy()  # ours: a user's criterion may keep and change what it returned
    return s


def _checked_mask(
    rule: ConstraintLike, tees: Sequence[Mentee], tors: Sequence[Mentor], shape: tuple[int, int]
) -> NDArray[np.bool_]:
    raw = rule.allowed(tees, tors)
    try:
        arr = _dense(raw)
    except (TypeError, ValueError) as exc:
        raise MentormatchError(
            f"constraint {rule.name!r} returned {type(raw).__name__}, not an array of booleans",
            field="constraints",
        ) from exc
    if arr.shape != shape:
        raise MentormatchError(
            f"constraint {rule.name!r} returned shape {arr.shape}; expected {shape} for "
            f"{shape[0]} mentees x {shape[1]} mentors",
            field="constraints",
            value=arr.shape,
        )
    if arr.dtype == np.bool_:
        return arr.copy() if arr is raw else arr
    if arr.dtype == object:  # pandas' nullable booleans, lists of numpy bools ...
        ok = np.asarray(_is_bool_each(arr), dtype=bool) if arr.size else np.ones(shape, bool)
        if ok.all():
            return arr.astype(bool)
        i, j = (int(x) for x in np.argwhere(~ok)[0])
        value = arr[i, j]
        raise MentormatchError(
            f"constraint {rule.name!r} returned {shown(value)} for mentee {tees[i].id!r} and "
            f"mentor {tors[j].id!r}; allowed() must return True or False for every pair"
            + (" (a missing value is neither)" if is_missing(value) else ""),
            field="constraints",
            participant_id=tees[i].id,
        )
    if arr.size == 0:
        return np.ones(shape, dtype=bool)
    raise MentormatchError(
        f"constraint {rule.name!r} returned dtype {arr.dtype}; allowed() must return booleans "
        "(True where the pair may be made), not numbers",
        field="constraints",
        value=str(arr.dtype),
    )


# -- building the result ----------------------------------------------------------


def _ordered(contrib: Mapping[str, float]) -> dict[str, float]:
    """Contributions largest first, ties in criterion order."""
    names = list(contrib)
    order = sorted(range(len(names)), key=lambda k: -contrib[names[k]])
    return {names[k]: contrib[names[k]] for k in order}


def _contributions(scores: ScoreMatrix, i: int, j: int) -> dict[str, float]:
    """Contributions of pair (i, j), largest first (ties in criterion order)."""
    return _ordered(scores.contributions(i, j))


def _reasons(
    matcher: Matcher, scores: ScoreMatrix, tee: Mentee, tor: Mentor, i: int, j: int
) -> tuple[str, ...]:
    """One sentence per criterion, in the order of :func:`_contributions`."""
    by_name = {c.name: c for c in matcher.criteria}
    return tuple(
        by_name[k].explain(tee, tor, float(scores.by_criterion[k][i, j]))
        for k in _contributions(scores, i, j)
    )


def _contrib_from_values(share: Mapping[str, float], values: dict[str, float]) -> dict[str, float]:
    """As :func:`_contributions`, from a pair's criterion scores and the weights' shares."""
    return _ordered({name: share[name] * s for name, s in values.items()})


def _reasons_from_values(
    criteria: Mapping[str, CriterionLike],
    tee: Mentee,
    tor: Mentor,
    order: Sequence[str],
    values: dict[str, float],
) -> tuple[str, ...]:
    """As :func:`_reasons`, from a pair's criterion scores."""
    return tuple(criteria[k].explain(tee, tor, values[k]) for k in order)


def _with_metadata(result: MatchResult, **extra: Any) -> MatchResult:
    """``result`` with more run metadata (a new value: results are frozen)."""
    return replace(result, metadata={**result.metadata, **extra})


def _build_result(
    matcher: Matcher,
    scores: ScoreMatrix,
    tees: Sequence[Mentee],
    tors: Sequence[Mentor],
    capacity: NDArray[np.int64],
    assignment: NDArray[np.intp],
) -> MatchResult:
    """The result of the dense path: matches, unmatched with reasons, an explainer."""
    ex = _DenseExplainer(
        matcher.criteria, matcher.constraints, scores, tees, tors, capacity, assignment
    )
    matches = [
        Match(
            tees[i].id,
            tors[j].id,
            float(scores.total[i, j]),
            _contributions(scores, i, int(j)),
            make_reasons=partial(ex.reasons, i, int(j)),
        )
        for i, j in enumerate(assignment.tolist())
        if j >= 0
    ]
    unmatched = [
        Unmatched(tees[i].id, _unmatched_reason(ex, i))
        for i, j in enumerate(assignment.tolist())
        if j < 0
    ]
    return _assemble(matcher, ex, matches, unmatched)


def _assemble(
    matcher: Matcher,
    ex: _LiveExplainer,
    matches: list[Match],
    unmatched: list[Unmatched],
) -> MatchResult:
    """The result of either path, explaining on demand through ``ex``."""
    return MatchResult(
        matches=tuple(matches),
        unmatched=tuple(unmatched),
        total_score=math.fsum(m.score for m in matches),
        metadata={
            "n_mentees": len(ex.tees),
            "n_mentors": len(ex.tors),
            "places": int(ex.capacity.sum()),
            "criteria": tuple(c.name for c in matcher.criteria),
            "min_score": matcher.min_score,
        },
        _explainer=ex,
    )


# -- explainers: explanations from data kept in the result, never from a closure ----------


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


class _StoredExplanations:
    """Explanations kept as data: restored from a file, or built for pickling."""

    def __init__(self, explanations: Mapping[str, Explanation]) -> None:
        self.explanations: Mapping[str, Explanation] = FrozenDict(explanations)

    def explain(self, mentee_id: str) -> Explanation:
        if mentee_id not in self.explanations:
            raise MentormatchError(
                f"no explanation was stored for mentee {mentee_id!r}; export the result "
                "again with its explanations (write_results(..., format='json'))",
                participant_id=mentee_id,
            )
        return self.explanations[mentee_id]

    def __copy__(self) -> _StoredExplanations:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> _StoredExplanations:
        return self  # immutable


class _LiveExplainer:
    """Explanations computed on demand from the result's own scores, rules and assignment.

    Subclasses give ``scores`` (a :class:`ScoreMatrix`, dense or computed row
    by row) and ``eligible``. Immutable once built: copies share it.
    """

    scores: ScoreMatrix
    eligible: NDArray[np.bool_]

    def __init__(
        self,
        criteria: Iterable[CriterionLike],
        rules: Iterable[ConstraintLike],
        tees: Sequence[Mentee],
        tors: Sequence[Mentor],
        capacity: NDArray[np.int64],
        assignment: NDArray[np.intp],
    ) -> None:
        self.criteria: dict[str, CriterionLike] = {c.name: _snapshot(c) for c in criteria}
        self.rules: dict[str, ConstraintLike] = {r.name: _snapshot(r) for r in rules}
        self.tees: tuple[Mentee, ...] = tuple(tees)
        self.tors: tuple[Mentor, ...] = tuple(tors)
        self.capacity = _read_only(capacity)
        self.assignment = _read_only(assignment)
        self.index = {e.id: i for i, e in enumerate(self.tees)}
        made = self.assignment[self.assignment >= 0]
        self.load = _read_only(np.bincount(made, minlength=len(self.tors)).astype(np.int64))
        ids = np.array([t.id for t in self.tors], dtype=object)
        rank = np.empty(len(self.tors), dtype=np.intp)
        rank[np.argsort(ids, kind="stable")] = np.arange(len(self.tors), dtype=np.intp)
        self.tor_rank = _read_only(rank)  # mentor j's place in id order: the tie-break

    def explain(self, mentee_id: str) -> Explanation:
        return _explain(self, self.index[mentee_id])

    def reasons(self, i: int, j: int) -> tuple[str, ...]:
        """One sentence per criterion for pair (i, j), in the order of its contributions."""
        tee, tor = self.tees[i], self.tors[j]
        by = self.scores.by_criterion
        return tuple(
            self.criteria[k].explain(tee, tor, float(by[k][i, j]))
            for k in _contributions(self.scores, i, j)
        )

    def materialise(self) -> dict[str, Explanation]:
        """Every mentee's explanation, as data."""
        return {e.id: _explain(self, i) for i, e in enumerate(self.tees)}

    def __copy__(self) -> _LiveExplainer:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> _LiveExplainer:
        return self  # immutable: its arrays are read-only, its snapshots private


class _DenseExplainer(_LiveExplainer):
    """The dense path's explainer: the full score matrix is at hand.

    Pickled, it becomes the explanations themselves (:class:`_StoredExplanations`):
    one per mentee is far smaller than the score matrices, and needs none of the
    criteria to be picklable.
    """

    def __init__(
        self,
        criteria: Iterable[CriterionLike],
        rules: Iterable[ConstraintLike],
        scores: ScoreMatrix,
        tees: Sequence[Mentee],
        tors: Sequence[Mentor],
        capacity: NDArray[np.int64],
        assignment: NDArray[np.intp],
    ) -> None:
        super().__init__(criteria, rules, tees, tors, capacity, assignment)
        self.scores = scores
        self.eligible = _read_only(scores.eligible)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_StoredExplanations, (self.materialise(),))


class _SparseExplainer(_LiveExplainer):
    """The large path's explainer: a mentee's row is scored when asked for.

    Pickled, it travels as its recipe (criteria, rules, participants,
    assignment) and scores rows again where it lands, with the same result
    bit for bit; when a criterion or rule cannot be pickled, as the
    explanations themselves.
    """

    def __init__(
        self,
        criteria: Iterable[CriterionLike],
        rules: Iterable[ConstraintLike],
        min_score: float,
        tees: Sequence[Mentee],
        tors: Sequence[Mentor],
        capacity: NDArray[np.int64],
        assignment: NDArray[np.intp],
        ps: ProgrammeScorer | None = None,
    ) -> None:
        super().__init__(criteria, rules, tees, tors, capacity, assignment)
        self.min_score = min_score
        self._ps = ps

    @cached_property
    def cache(self) -> RowCache:
        ps = self._ps
        if ps is None:
            ps = ProgrammeScorer(
                tuple(self.criteria.values()),
                tuple(self.rules.values()),
                self.tees,
                self.tors,
                self.min_score,
                SELF_RULE,
            )
        return RowCache(ps)

    @cached_property
    def scores(self) -> ScoreMatrix:  # type: ignore[override]
        cache = self.cache
        return ScoreMatrix(
            mentee_ids=tuple(e.id for e in self.tees),
            mentor_ids=tuple(m.id for m in self.tors),
            total=cast(NDArray[np.float64], LazyRows(cache, "total")),
            by_criterion={
                name: cast(NDArray[np.float64], LazyRows(cache, "c:" + name))
                for name in self.criteria
            },
            weights={name: _weight(c) for name, c in self.criteria.items()},
            allowed=cast(NDArray[np.bool_], LazyRows(cache, "allowed")),
            refused_by={
                r.name: cast(NDArray[np.bool_], LazyRows(cache, "r:" + r.name))
                for r in cache.ps.rules
            },
            min_score=self.min_score,
        )

    @cached_property
    def eligible(self) -> NDArray[np.bool_]:  # type: ignore[override]
        return cast(NDArray[np.bool_], LazyRows(self.cache, "eligible"))

    def __reduce__(self) -> tuple[Any, ...]:
        recipe = (
            tuple(self.criteria.values()),
            tuple(self.rules.values()),
            self.min_score,
            self.tees,
            self.tors,
            np.asarray(self.capacity),
            np.asarray(self.assignment),
        )
        try:
            pickle.dumps(recipe[:2])
        except Exception:  # a user's criterion or rule that cannot travel: send the answers
            return (_StoredExplanations, (self.materialise(),))
        return (_SparseExplainer, recipe)


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _by_score_then_id(ex: _LiveExplainer, i: int, cols: NDArray[np.intp]) -> NDArray[np.intp]:
    """``cols`` ranked for mentee ``i``: highest score first, ties by mentor id."""
    if cols.size <= 1:
        return cols
    order = np.lexsort((ex.tor_rank[cols], -np.asarray(ex.scores.total[i, cols])))
    return cols[order]


def _mentee_ids(ex: _LiveExplainer, rows: NDArray[np.intp]) -> list[str]:
    """The ids of mentees ``rows``, sorted: lists in sentences do not follow the input order."""
    return sorted(ex.tees[int(r)].id for r in rows)


def _unmatched_reason(ex: _LiveExplainer, i: int) -> str:
    scores, tees, tors, capacity = ex.scores, ex.tees, ex.tors, ex.capacity
    if not tors:
        return "there are no mentors in this programme"
    open_ = capacity > 0
    if not open_.any():
        return "no mentor has a place (every capacity is 0)"
    allowed_i = np.asarray(scores.allowed[i], dtype=bool)
    candidates = np.flatnonzero(open_ & allowed_i)
    if candidates.size == 0:
        # each open mentor is put down to the first rule (in the rules' order) refusing it
        left = open_.copy()
        first: dict[str, NDArray[np.intp]] = {}
        for name, mask in scores.refused_by.items():
            hit = left & np.asarray(mask[i], dtype=bool)
            if hit.any():
                first[name] = np.flatnonzero(hit)
                left &= ~hit
        n = int(open_.sum())
        if len(first) == 1:
            ((name, js),) = first.items()
            if n == 1:
                sentence = _rule_sentence(ex, name, tees[i], tors[int(js[0])])
                return f"the only mentor with a free place is refused: {sentence}"
            return f"all {n} mentors with a place are {_rule_phrase(name)}"
        parts = ", ".join(f"{len(js)} {_rule_phrase(name)}" for name, js in first.items())
        return f"no mentor is allowed by the rules: of the {n} with a place, {parts}"
    above = candidates[np.asarray(ex.eligible[i, candidates], dtype=bool)]
    if above.size == 0:
        best = int(_by_score_then_id(ex, i, candidates)[0])
        return (
            f"no allowed mentor scores at least min_score {scores.min_score:g} "
            f"(the best, {tors[best].id}, scores {scores.total[i, best]:.2f})"
        )
    places = int(capacity.sum())
    full = _by_score_then_id(ex, i, above[ex.load[above] >= capacity[above]])
    shown_ids = ", ".join(tors[int(j)].id for j in full[:3]) + (", ..." if full.size > 3 else "")
    return (
        f"capacity exhausted: {_plural(places, 'place', 'places')} for {len(tees)} mentees, and your "
        f"{_plural(above.size, 'possible mentor', 'possible mentors')} ({shown_ids}) went to mentees "
        "who had fewer options or scored higher with them"
    )


def _rule_sentence(ex: _LiveExplainer, name: str, tee: Mentee, tor: Mentor) -> str:
    if name == SELF_RULE:
        return "that mentor is you"
    rule = ex.rules.get(name)
    if rule is not None:
        return str(rule.explain(tee, tor))
    return _rule_phrase(name)  # pragma: no cover - every refusal comes from a known rule


def _diff_sentence(scores: ScoreMatrix, i: int, chosen: int, other: int) -> str:
    a, b = scores.contributions(i, chosen), scores.contributions(i, other)
    diffs = sorted(((b[k] - a[k], k) for k in a), key=lambda t: (-abs(t[0]), t[1]))
    shown_ = [f"{k} {d:+.2f}" for d, k in diffs[:2] if abs(d) >= 0.005]
    return "; the difference: " + ", ".join(shown_) if shown_ else ""


def _explain(ex: _LiveExplainer, i: int) -> Explanation:
    scores, eligible, tees, tors = ex.scores, ex.eligible, ex.tees, ex.tors
    capacity, assignment, load = ex.capacity, ex.assignment, ex.load
    tee = tees[i]
    j = int(assignment[i])
    others = np.flatnonzero(capacity > 0)
    others = others[others != j]
    runner: Alternative | None = None
    if others.size:
        ranked = _by_score_then_id(ex, i, others)
        ok = ranked[np.asarray(eligible[i, ranked], dtype=bool)]
        k = int(ok[0]) if ok.size else int(ranked[0])
        s_k = float(scores.total[i, k])
        contrib_k = scores.contributions(i, k)
        if not scores.allowed[i, k]:
            name = next(n for n, mask in scores.refused_by.items() if mask[i, k])
            why = f"refused by a rule: {_rule_sentence(ex, name, tee, tors[k])}"
        elif not eligible[i, k]:
            why = f"scores {s_k:.2f}, below min_score {scores.min_score:g}"
        elif load[k] >= capacity[k]:
            taken = _mentee_ids(ex, np.flatnonzero(assignment == k))
            listed = ", ".join(taken[:3]) + (", ..." if len(taken) > 3 else "")
            places = _plural(int(capacity[k]), "place", "places")
            if j >= 0 and s_k < scores.total[i, j]:
                why = (
                    f"scored {s_k:.2f}, below {tors[j].id}'s {scores.total[i, j]:.2f}"
                    f"{_diff_sentence(scores, i, j, k)}; and {places} went to {listed}"
                )
            else:
                cmp = (
                    f"scored {s_k:.2f}, higher than your match's {scores.total[i, j]:.2f}, but "
                    if j >= 0 and s_k > scores.total[i, j]
                    else f"scored {s_k:.2f}, but "
                )
                why = (
                    f"{cmp}{places} went to {listed}; "
                    "giving you one would have matched fewer people or lowered the total score"
                )
        else:
            why = f"scored {s_k:.2f} against {tors[j].id}'s {scores.total[i, j]:.2f}" + (
                _diff_sentence(scores, i, j, k)
            )
        runner = Alternative(tors[k].id, s_k, contrib_k, why)
    if j < 0:
        return Explanation(tee.id, None, None, {}, (), _unmatched_reason(ex, i), runner)
    return Explanation(
        tee.id,
        tors[j].id,
        float(scores.total[i, j]),
        _contributions(scores, i, j),
        ex.reasons(i, j),
        None,
        runner,
    )
