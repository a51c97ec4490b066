"""The results of matching: :class:`Match`, :class:`Unmatched`, :class:`Explanation` ...

Results are values (see :mod:`mentormatch._values`): :class:`MatchResult`,
:class:`Match`, :class:`Explanation` ... are frozen, compare equal when they
give the same answer (timings and run metadata aside), pickle and
deep-copy. A result explains its mentees through a small explainer object
(:mod:`mentormatch._explain`, never a closure) holding the data kept in the
result, so a result travels through ``multiprocessing``, joblib or a cache
with its explanations.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import FrozenInstanceError, dataclass, field, replace
from typing import TYPE_CHECKING, Any, Protocol, TypeAlias, TypeVar

from mentormatch._errors import MentormatchError
from mentormatch._frames import Column, Tabular
from mentormatch._validation import shown
from mentormatch._values import FrozenDict, Value, same, value_hash

if TYPE_CHECKING:
    import pandas as pd

    from mentormatch.lifecycle.diffs import MatchDiff

__all__ = [
    "Alternative",
    "Explainer",
    "Explanation",
    "Match",
    "MatchResult",
    "PairLike",
    "StoredExplanations",
    "Unmatched",
    "explainer_of",
    "with_explainer",
    "with_metadata",
]


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
    >>> Match("e1", "m1", 0.5, {"goal_overlap": 0.5}, ("shares one of your 2 goals: sql",))
    Match(mentee_id='e1', mentor_id='m1', score=0.5, contributions={'goal_overlap': 0.5}, reasons=('shares one of your 2 goals: sql',))
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

    def _display_rows(self) -> list[tuple[str, object]]:
        parts = [f"{k} {v:.3g}" for k, v in self.contributions.items()]
        return [
            ("mentee_id", self.mentee_id),
            ("mentor_id", self.mentor_id),
            ("score", self.score),
            ("contributions", ", ".join(parts)),
            ("reasons", "; ".join(self.reasons)),
        ]

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        """IPython's display: a few readable lines (see :mod:`mentormatch._display`)."""
        from mentormatch._display import pretty

        pretty(self, p, cycle)

    def _repr_html_(self) -> str:
        """Jupyter's display: a compact, escaped HTML table."""
        from mentormatch._display import html

        return html(self)

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
        from mentormatch._display import code_repr

        names = ("mentee_id", "mentor_id", "score", "contributions", "reasons")
        return code_repr("Match", [(n, getattr(self, n)) for n in names])


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
        >>> ex = Explanation("e1", "m1", 0.5, {"goal_overlap": 0.5}, ("shares one of your 2 goals: sql",),
        ...                  None, None)
        >>> print(ex.summary())
        e1 is matched with m1 (score 0.50).
          goal_overlap  0.50  shares one of your 2 goals: sql
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


class Explainer(Protocol):
    """What a :class:`MatchResult` asks for an explanation (see :mod:`mentormatch._explain`)."""

    def explain(self, mentee_id: str) -> Explanation: ...


_M = TypeVar("_M", "Match", "Unmatched")


def _by_mentee(items: Iterable[_M]) -> list[_M]:
    return sorted(items, key=lambda x: x.mentee_id)


@dataclass(frozen=True, eq=False, repr=False)
class MatchResult(Tabular, Value):
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
        (seconds per phase: scoring, solving, pricing, explaining; the
        sparse path adds encoding), ``n_mentees``, ``n_mentors``,
        ``places``, ``criteria``, ``min_score``; the sparse path adds
        ``backend``, ``candidates_per_mentee``, ``candidate_pairs``,
        ``pricing_rounds``, ``pairs_added``, ``rows_rescored``,
        ``pairs_rescored`` (the pairs those rows were scored against again),
        ``rows_proved_by_bound``, ``certified`` (the optimality proof held
        for every eligible pair), ``max_reduced`` (its largest reduced cost,
        in grid units, <= 0), ``grid_bits`` (scores exact to
        ``2**-grid_bits``) and ``workers``. Not part of ``==``.
    """

    matches: tuple[Match, ...]
    unmatched: tuple[Unmatched, ...]
    total_score: float
    metadata: Mapping[str, Any] = field(default_factory=FrozenDict, compare=False)
    _explainer: Explainer | None = field(default=None, repr=False, compare=False)

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
          goal_overlap  1.00  shares both of your goals: sql, python
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
        # lifecycle builds on this module: imported here, a named exception in the
        # import-linter contract "matching-layers" (pyproject.toml)
        from mentormatch.lifecycle.diffs import diff

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
            StoredExplanations(explanations),
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

    _display_skip = ("matches", "unmatched")

    @property
    def _columns(self) -> tuple[Column, ...]:  # type: ignore[override]
        names = self.metadata.get("criteria", ())
        return (
            Column("mentee_id", "id"),
            Column("mentor_id", "id"),
            Column("score", "float"),
            *(Column(f"contribution_{k}", "float") for k in names),
            Column("reasons", "text"),
            Column("unmatched_reason", "text"),
        )

    def _records(self) -> list[dict[str, Any]]:
        return self.to_records()

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

        ``mentee_id``, ``mentor_id``, ``reasons`` and ``unmatched_reason`` are pandas
        ``string`` columns (``<NA>`` where there is none), ``score`` and the
        ``contribution_<criterion>`` columns ``float64`` (NaN for the unmatched).

        Examples
        --------
        >>> import mentormatch as mm
        >>> r = mm.Matcher(criteria=[mm.GoalOverlap()]).match([mm.Mentee(id="e1")], [mm.Mentor(id="m1")])
        >>> r.to_dataframe()[["mentee_id", "mentor_id", "score"]]
          mentee_id mentor_id  score
        0        e1        m1    0.0
        """
        return Tabular.to_dataframe(self)

    def __repr__(self) -> str:
        n = len(self.matches) + len(self.unmatched)
        return (
            f"MatchResult({n} mentees: {len(self.matches)} matched, {len(self.unmatched)} "
            f"unmatched; total_score={self.total_score:.4f})"
        )


class StoredExplanations:
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

    def __copy__(self) -> StoredExplanations:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> StoredExplanations:
        return self  # immutable


def with_metadata(result: MatchResult, **extra: Any) -> MatchResult:
    """``result`` with more run metadata (a new value: results are frozen)."""
    return replace(result, metadata={**result.metadata, **extra})


def explainer_of(result: MatchResult) -> Explainer | None:
    """What explains ``result``'s mentees (None for a result rebuilt without one)."""
    return result._explainer


def with_explainer(result: MatchResult, explainer: Explainer | None) -> MatchResult:
    """``result`` explained by ``explainer`` instead (a new value)."""
    return replace(result, _explainer=explainer)
