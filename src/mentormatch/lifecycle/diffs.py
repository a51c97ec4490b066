"""What changed between two results, mentee by mentee, and what it cost."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mentormatch._errors import MentormatchError
from mentormatch._frames import Column, Tabular
from mentormatch._results import MatchResult
from mentormatch._validation import RealLike, check_real
from mentormatch._values import Value

__all__ = ["MatchDiff", "PairChange", "diff"]


@dataclass(frozen=True, eq=False)
class PairChange(Value):
    """How one mentee's match changed between two results.

    Attributes
    ----------
    mentee_id : str
    kind : {"added", "removed", "changed", "rescored"}
        ``"added"``: unmatched (or absent) before, matched after;
        ``"removed"``: matched before, unmatched (or absent) after;
        ``"changed"``: another mentor; ``"rescored"``: the same mentor with a
        different score (the criteria or weights changed).
    before_mentor, after_mentor : str or None
    before_score, after_score : float or None

    Examples
    --------
    >>> PairChange("e1", "changed", "m1", "m2", 0.75, 0.5).delta
    -0.25
    """

    mentee_id: str
    kind: str
    before_mentor: str | None
    after_mentor: str | None
    before_score: float | None
    after_score: float | None

    @property
    def delta(self) -> float:
        """``after_score - before_score``, an unmatched side counting 0."""
        return (self.after_score or 0.0) - (self.before_score or 0.0)

    def summary(self) -> str:
        """One line: the mentee, the mentors and the score change."""
        a = self.before_mentor or "unmatched"
        b = self.after_mentor or "unmatched"
        sa = "-" if self.before_score is None else f"{self.before_score:.2f}"
        sb = "-" if self.after_score is None else f"{self.after_score:.2f}"
        return f"{self.mentee_id}  {a} -> {b}  score {sa} -> {sb} ({self.delta:+.2f})"


@dataclass(frozen=True, eq=False)
class MatchDiff(Tabular, Value):
    """What changed from one result to another, and what it cost.

    Attributes
    ----------
    changes : tuple of PairChange
        One per mentee whose match changed, sorted by mentee id.
    unchanged : tuple of str
        Mentees with the same mentor (or unmatched in both) and the same score.
    before_total, after_total : float
        The two results' total scores.
    before_matched, after_matched : int
        How many mentees each result matched.

    Examples
    --------
    >>> d = MatchDiff((PairChange("e1", "removed", "m1", None, 0.5, None),), ("e2",), 1.5, 1.0, 2, 1)
    >>> d.cost, [c.mentee_id for c in d.removed]
    (0.5, ['e1'])
    """

    changes: tuple[PairChange, ...]
    unchanged: tuple[str, ...]
    before_total: float
    after_total: float
    before_matched: int
    after_matched: int

    _columns = (
        Column("mentee_id", "id"),
        Column("kind", "text"),
        Column("before_mentor", "id"),
        Column("after_mentor", "id"),
        Column("before_score", "float"),
        Column("after_score", "float"),
        Column("delta", "float"),
    )
    _display_skip = ("changes", "unchanged")

    def _records(self) -> list[dict[str, Any]]:
        names = ("mentee_id", "kind", "before_mentor", "after_mentor", "before_score")
        return [
            {**{n: getattr(c, n) for n in names}, "after_score": c.after_score, "delta": c.delta}
            for c in self.changes
        ]

    @property
    def cost(self) -> float:
        """``before_total - after_total``: the score given up (negative: gained)."""
        return self.before_total - self.after_total

    @property
    def added(self) -> tuple[PairChange, ...]:
        """Mentees matched only after."""
        return tuple(c for c in self.changes if c.kind == "added")

    @property
    def removed(self) -> tuple[PairChange, ...]:
        """Mentees matched only before."""
        return tuple(c for c in self.changes if c.kind == "removed")

    @property
    def changed(self) -> tuple[PairChange, ...]:
        """Mentees with another mentor."""
        return tuple(c for c in self.changes if c.kind == "changed")

    @property
    def rescored(self) -> tuple[PairChange, ...]:
        """Mentees with the same mentor and another score."""
        return tuple(c for c in self.changes if c.kind == "rescored")

    def summary(self) -> str:
        """A short report: the totals, then one line per change."""
        n = len(self.changes)
        head = (
            f"{n} {'mentee' if n == 1 else 'mentees'} changed; total score "
            f"{self.before_total:.2f} -> {self.after_total:.2f} (cost {self.cost:.2f}); "
            f"matched {self.before_matched} -> {self.after_matched}."
        )
        return "\n".join([head, *("  " + c.summary() for c in self.changes)])

    def to_records(self) -> list[dict[str, Any]]:
        """One flat dict per change, for a table or a CSV.

        Examples
        --------
        >>> MatchDiff((PairChange("e1", "added", None, "m1", None, 0.5),), (), 0, 0.5, 0, 1).to_records()
        [{'mentee_id': 'e1', 'kind': 'added', 'before_mentor': None, 'after_mentor': 'm1', 'before_score': None, 'after_score': 0.5, 'delta': 0.5}]
        """
        return [
            {
                "mentee_id": c.mentee_id,
                "kind": c.kind,
                "before_mentor": c.before_mentor,
                "after_mentor": c.after_mentor,
                "before_score": c.before_score,
                "after_score": c.after_score,
                "delta": c.delta,
            }
            for c in self.changes
        ]


def diff(before: MatchResult, after: MatchResult, *, tol: RealLike = 1e-9) -> MatchDiff:
    """What changed between two results, mentee by mentee, with the score cost.

    Parameters
    ----------
    before, after : MatchResult
        For an administrator's review, ``before`` is the unconstrained
        optimum (:meth:`Matcher.match`) and ``after`` the overridden result;
        for a rematch, the old and the new results. A mentee present in only
        one of them counts as unmatched in the other.
    tol : float, default 1e-9
        Score differences up to this are no change.

    Returns
    -------
    MatchDiff
        ``cost = before.total_score - after.total_score``; each change's
        ``delta`` is that mentee's score difference (unmatched counts 0).

    Examples
    --------
    >>> import mentormatch as mm
    >>> mentees = [mm.Mentee(id="e1", goals=["sql"])]
    >>> mentors = [mm.Mentor(id="m1", goals=["sql"]), mm.Mentor(id="m2")]
    >>> matcher = mm.Matcher(criteria=[mm.GoalOverlap()])
    >>> before = matcher.match(mentees, mentors)
    >>> after = mm.lifecycle.rematch(matcher, mentees, mentors, keep=[("e1", "m2")])
    >>> d = diff(before, after)
    >>> d.cost, d.changed[0].summary()
    (1.0, 'e1  m1 -> m2  score 1.00 -> 0.00 (-1.00)')
    """
    tol = check_real("diff", "tol", tol, minimum=0)
    if not isinstance(before, MatchResult) or not isinstance(after, MatchResult):
        raise MentormatchError(
            "diff compares two MatchResult objects (from Matcher.match or rematch); got "
            f"{type(before).__name__} and {type(after).__name__}",
            field="before" if not isinstance(before, MatchResult) else "after",
        )
    a = {m.mentee_id: m for m in before.matches}
    b = {m.mentee_id: m for m in after.matches}
    everyone = (
        set(a)
        | set(b)
        | {u.mentee_id for u in before.unmatched}
        | {u.mentee_id for u in after.unmatched}
    )
    changes: list[PairChange] = []
    same: list[str] = []
    for e in sorted(everyone):
        x, y = a.get(e), b.get(e)
        if x is None and y is None:
            same.append(e)
            continue
        if x is None and y is not None:
            kind = "added"
        elif y is None:
            kind = "removed"
        elif x is not None and x.mentor_id != y.mentor_id:
            kind = "changed"
        elif x is not None and abs(x.score - y.score) > tol:
            kind = "rescored"
        else:
            same.append(e)
            continue
        changes.append(
            PairChange(
                e,
                kind,
                None if x is None else x.mentor_id,
                None if y is None else y.mentor_id,
                None if x is None else x.score,
                None if y is None else y.score,
            )
        )
    return MatchDiff(
        tuple(changes),
        tuple(same),
        before.total_score,
        after.total_score,
        before.n_matched,
        after.n_matched,
    )
