"""Matching after the first match: rematch, late joiners, and an administrator's review.

A programme is not matched once. Pairs that do not work are ended and their
mentees matched again; people join late; an administrator reviews the
proposed matches, locks some pairs and vetoes others before anything is
released. :func:`rematch` does all of these with the matcher's own objective
(the most matched mentees, then the largest total score), and :func:`diff`
says what changed between two results and what each change cost.

>>> import mentormatch as mm
>>> from mentormatch import lifecycle
>>> mentees = [mm.Mentee(id="e1", goals=["sql"]), mm.Mentee(id="e2", goals=["sql"])]
>>> mentors = [mm.Mentor(id="m1", goals=["sql"]), mm.Mentor(id="m2")]
>>> matcher = mm.Matcher(criteria=[mm.GoalOverlap()])
>>> before = matcher.match(mentees, mentors)
>>> after = lifecycle.rematch(matcher, mentees, mentors, exclude=[("e1", "m1")])
>>> print(lifecycle.diff(before, after).summary())
2 mentees changed; total score 1.00 -> 1.00 (cost 0.00); matched 2 -> 2.
  e1  m1 -> m2  score 1.00 -> 0.00 (-1.00)
  e2  m2 -> m1  score 0.00 -> 1.00 (+1.00)
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from mentormatch._errors import MentormatchError
from mentormatch._solve import solve_dense
from mentormatch._validation import RealLike, check_real
from mentormatch._values import Value
from mentormatch.matching import (
    Explanation,
    Matcher,
    MatchResult,
    PairLike,
    ScoreMatrix,
    _build_result,
    _Explainer,
    _with_metadata,
)
from mentormatch.participants import Mentee, Mentor, capacities, validate_programme

__all__ = ["MatchDiff", "PairChange", "Review", "diff", "rematch", "review"]

#: The name of the rule :func:`rematch` adds for the excluded pairs.
EXCLUDED_RULE = "excluded_pairs"

Pair = tuple[str, str]
_KEPT_WORD = {"keep": "kept", "lock": "locked"}


# -- shared helpers (also used by mentormatch.fairness and mentormatch.shortlist) ------------


def _as_pairs(param: str, pairs: Iterable[Any]) -> list[Pair]:
    """``(mentee_id, mentor_id)`` tuples from tuples or :class:`Match`-like objects."""
    if (
        isinstance(pairs, str | tuple)
        and len(pairs) == 2
        and all(isinstance(p, str) for p in pairs)
    ):
        raise MentormatchError(
            f"{param} takes a list of (mentee_id, mentor_id) pairs; got the single pair "
            f"{pairs!r}. Write {param}=[{pairs!r}].",
            field=param,
            value=pairs,
        )
    out: list[Pair] = []
    for p in pairs:
        if hasattr(p, "mentee_id") and hasattr(p, "mentor_id"):
            out.append((str(p.mentee_id), str(p.mentor_id)))
            continue
        items = None if isinstance(p, str) else tuple(p)
        if items is None or len(items) != 2:
            raise MentormatchError(
                f"{param} takes (mentee_id, mentor_id) pairs or Match objects; got {p!r}. "
                "Write pairs as tuples, e.g. [('e1', 'm3')].",
                field=param,
                value=p,
            )
        out.append((str(items[0]), str(items[1])))
    return out


def _solve_in_id_order(
    total: NDArray[np.float64],
    eligible: NDArray[np.bool_],
    capacity: NDArray[np.int64],
    rows: NDArray[np.intp],
    tee_ids: Sequence[str],
    tor_ids: Sequence[str],
) -> NDArray[np.intp]:
    """Solve the sub-problem of ``rows`` exactly, with mentees and mentors in id order.

    Returns the mentor column of each of ``rows`` (or -1). Sorting by id
    before solving makes ties independent of the input order, as in
    :meth:`Matcher.match`.
    """
    if rows.size == 0 or capacity.size == 0:
        return np.full(rows.size, -1, dtype=np.intp)
    r_order = rows[np.argsort(np.asarray([tee_ids[i] for i in rows]), kind="stable")]
    c_order = np.argsort(np.asarray(tor_ids), kind="stable").astype(np.intp)
    grid = np.ix_(r_order, c_order)
    sub = solve_dense(total[grid], eligible[grid], capacity[c_order])
    by_row = dict(zip(r_order.tolist(), sub.tolist(), strict=True))
    out = np.array([by_row[int(i)] for i in rows], dtype=np.intp)
    made = out >= 0
    out[made] = c_order[out[made]]
    return out


class _Excluded:
    """The rule :func:`rematch` adds: pairs that did not work, or an administrator's veto."""

    def __init__(self, pairs: Iterable[Pair], name: str = EXCLUDED_RULE) -> None:
        self.pairs = frozenset(pairs)
        self.name = name

    def allowed(self, mentees: Sequence[Mentee], mentors: Sequence[Mentor]) -> NDArray[np.bool_]:
        out = np.ones((len(mentees), len(mentors)), dtype=bool)
        ie = {e.id: i for i, e in enumerate(mentees)}
        im = {m.id: j for j, m in enumerate(mentors)}
        for e, m in self.pairs:
            if e in ie and m in im:
                out[ie[e], im[m]] = False
        return out

    def explain(self, mentee: Mentee, mentor: Mentor) -> str:
        return "this pair was excluded (it did not work before, or an administrator vetoed it)"

    def __repr__(self) -> str:
        return f"_Excluded({sorted(self.pairs)!r})"


def _check_known(
    param: str, pairs: Sequence[Pair], tee_index: dict[str, int], tor_index: dict[str, int]
) -> None:
    for e, m in pairs:
        if e not in tee_index:
            raise MentormatchError(
                f"{param} names the pair ({e!r}, {m!r}), but {e!r} is not a mentee in this "
                "programme; remove the pair or add the mentee",
                field=param,
                participant_id=e,
                value=(e, m),
            )
        if m not in tor_index:
            raise MentormatchError(
                f"{param} names the pair ({e!r}, {m!r}), but {m!r} is not a mentor in this "
                "programme; remove the pair or add the mentor",
                field=param,
                participant_id=m,
                value=(e, m),
            )


def _rule_text(matcher: Matcher, name: str, tee: Mentee, tor: Mentor) -> str:
    if name == "not_yourself":
        return "a person cannot mentor themself"
    for rule in matcher.constraints:
        if rule.name == name:
            return str(rule.explain(tee, tor))
    return name  # pragma: no cover - every refusal comes from a known rule


def _check_keep(
    keep: Sequence[Pair],
    exclude: Sequence[Pair],
    matcher: Matcher,
    scores: ScoreMatrix,
    tees: Sequence[Mentee],
    tors: Sequence[Mentor],
    capacity: NDArray[np.int64],
    param: str,
    other: str,
) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """Validate the kept pairs; return their row and column indices."""
    ie = {e.id: i for i, e in enumerate(tees)}
    im = {m.id: j for j, m in enumerate(tors)}
    _check_known(param, keep, ie, im)
    both = sorted(set(keep) & set(exclude))
    if both:
        e, m = both[0]
        raise MentormatchError(
            f"the pair ({e!r}, {m!r}) is in both {param} and {other}; remove it from one list",
            field=param,
            participant_id=e,
            value=(e, m),
        )
    seen: dict[str, str] = {}
    for e, m in keep:
        if e in seen and seen[e] != m:
            raise MentormatchError(
                f"{param} pairs mentee {e!r} with two mentors, {seen[e]!r} and {m!r}; keep one pair",
                field=param,
                participant_id=e,
                value=(e, m),
            )
        seen[e] = m
    pairs = sorted(seen.items())
    rows = np.array([ie[e] for e, _ in pairs], dtype=np.intp)
    cols = np.array([im[m] for _, m in pairs], dtype=np.intp)
    for (e, m), i, j in zip(pairs, rows, cols, strict=True):
        if not scores.allowed[i, j]:
            name = next(n for n, mask in scores.refused_by.items() if mask[i, j])
            raise MentormatchError(
                f"the pair ({e!r}, {m!r}) in {param} is refused by the rule {name!r}: "
                f"{_rule_text(matcher, name, tees[i], tors[j])}. A lock overrides scores and "
                "min_score, never a hard rule; remove the pair or change the rule",
                field=param,
                participant_id=e,
                value=(e, m),
            )
    load = np.bincount(cols, minlength=len(tors))
    over = np.flatnonzero(load > capacity)
    if over.size:
        j = int(over[0])
        raise MentormatchError(
            f"mentor {tors[j].id!r} has capacity {int(capacity[j])} but {int(load[j])} pairs in "
            f"{param}; raise the mentor's capacity or list fewer of their pairs",
            field=param,
            participant_id=tors[j].id,
            value=int(load[j]),
        )
    return rows, cols


# -- rematch -------------------------------------------------------------------------------


def rematch(
    matcher: Matcher,
    mentees: Iterable[Mentee],
    mentors: Iterable[Mentor],
    *,
    keep: Iterable[PairLike] = (),
    exclude: Iterable[PairLike] = (),
) -> MatchResult:
    """Match again around pairs that stay, without pairs that did not work.

    Kept pairs are made as given; everyone else is matched into the places
    left, optimally, with the matcher's own objective. Use it to rematch
    mentees whose pair ended, to match late joiners into the remaining
    capacity, and to re-solve after an administrator locks or vetoes pairs.

    Parameters
    ----------
    matcher : Matcher
        Its criteria, rules and ``min_score`` apply to the pairs it makes.
    mentees, mentors : iterable of Mentee, iterable of Mentor
        The whole programme, including the kept pairs' people and any late
        joiners.
    keep : iterable of (mentee_id, mentor_id) or Match
        Pairs that stay (for example ``before.matches``, less the pairs that
        ended). Each appears in the result unchanged, with its score and
        contributions; its mentee and the place it uses are taken out of the
        problem. A kept pair may score below ``min_score`` (a lock overrides
        scoring) but never break a hard rule.
    exclude : iterable of (mentee_id, mentor_id) or Match
        Pairs that must not be made (they did not work, or were vetoed).
        They are refused like a rule named ``"excluded_pairs"``, which the
        unmatched reasons and :meth:`MatchResult.explain` mention.

    Returns
    -------
    MatchResult
        Every mentee once. ``metadata["kept"]`` and ``metadata["excluded"]``
        list the pairs given; :func:`diff` against the earlier result says
        what changed.

    Raises
    ------
    MentormatchError
        A pair naming an unknown id; a mentee kept with two mentors; a pair
        both kept and excluded; a kept pair that a hard rule refuses; more
        kept pairs on a mentor than its capacity. The message names the pair.

    Notes
    -----
    With kept rows ``K`` and their mentors' loads ``l``, the rest is the
    problem of :meth:`Matcher.match` on the mentees outside ``K``, with
    capacities ``capacity - l`` and the excluded pairs refused: the most
    matched mentees, then the largest total score, solved exactly by
    :func:`mentormatch._solve.solve_dense` in id order. Kept pairs are
    fixed, so the result is optimal among the assignments that contain them
    (and no better than :meth:`Matcher.match` without them; :func:`diff`
    gives the cost). This path scores the full matrix in memory.

    Examples
    --------
    >>> import mentormatch as mm
    >>> mentees = [mm.Mentee(id="e1", goals=["sql"]), mm.Mentee(id="e2", goals=["sql"]),
    ...            mm.Mentee(id="e3", goals=["sql"])]
    >>> mentors = [mm.Mentor(id="m1", goals=["sql"], capacity=2), mm.Mentor(id="m2")]
    >>> matcher = mm.Matcher(criteria=[mm.GoalOverlap()])
    >>> r = rematch(matcher, mentees, mentors, keep=[("e3", "m2")], exclude=[("e1", "m1")])
    >>> [(m.mentee_id, m.mentor_id, m.score) for m in r.matches]
    [('e2', 'm1', 1.0), ('e3', 'm2', 0.0)]
    >>> r.unmatched[0].reason
    'capacity exhausted: 3 places for 3 mentees, and your 1 possible mentor (m2) went to mentees who had fewer options or scored higher with them'
    >>> print(r.explain("e1").runner_up.why_not)
    scored 0.00, but 1 place went to kept pairs (e3) or other mentees
    """
    return _rematch(matcher, mentees, mentors, keep, exclude, ("keep", "exclude"))


def _rematch(
    matcher: Matcher,
    mentees: Iterable[Mentee],
    mentors: Iterable[Mentor],
    keep: Iterable[Any],
    exclude: Iterable[Any],
    params: tuple[str, str],
) -> MatchResult:
    """:func:`rematch`, with the parameter names its messages use."""
    t0 = time.perf_counter()
    tees, tors = validate_programme(mentees, mentors)
    keep_pairs = _as_pairs(params[0], keep)
    exclude_pairs = _as_pairs(params[1], exclude)
    ie = {e.id: i for i, e in enumerate(tees)}
    im = {m.id: j for j, m in enumerate(tors)}
    _check_known(params[1], exclude_pairs, ie, im)
    names = {c.name for c in matcher.constraints}
    rule_name = EXCLUDED_RULE
    while rule_name in names:
        rule_name += "_"
    rules: list[Any] = list(matcher.constraints)
    if exclude_pairs:
        rules.append(_Excluded(exclude_pairs, rule_name))
    derived = Matcher(
        matcher.criteria, rules, min_score=matcher.min_score, progress=matcher.progress
    )
    scores = derived.score(tees, tors)
    capacity = capacities(tors, len(tees))
    k_rows, k_cols = _check_keep(
        keep_pairs, exclude_pairs, derived, scores, tees, tors, capacity, *params
    )
    t1 = time.perf_counter()
    assignment = np.full(len(tees), -1, dtype=np.intp)
    assignment[k_rows] = k_cols
    free = np.setdiff1d(np.arange(len(tees), dtype=np.intp), k_rows)
    residual = capacity - np.bincount(k_cols, minlength=len(tors)).astype(np.int64)
    assignment[free] = _solve_in_id_order(
        scores.total, scores.eligible, residual, free, scores.mentee_ids, scores.mentor_ids
    )
    t2 = time.perf_counter()
    built = _build_result(derived, scores, tees, tors, capacity, assignment)
    kept_by: dict[str, list[str]] = {}
    for i, j in zip(k_rows, k_cols, strict=True):
        kept_by.setdefault(tors[j].id, []).append(tees[i].id)
    base = built._explainer
    explainer = None if base is None else _KeptExplainer(base, kept_by, params[0])
    return _with_metadata(
        replace(built, _explainer=explainer),
        solver="dense",
        objective="rematch",
        kept=tuple((tees[i].id, tors[j].id) for i, j in zip(k_rows, k_cols, strict=True)),
        excluded=tuple(sorted(set(exclude_pairs))),
        timings={
            "scoring": t1 - t0,
            "solving": t2 - t1,
            "pricing": 0.0,
            "explaining": time.perf_counter() - t2,
        },
    )


class _KeptExplainer:
    """The explanations of a rematch: the base ones, naming the kept pairs that hold a place.

    Plain data (the base explainer, the kept mentees per mentor, a word), so the
    result pickles; immutable, so copies share it.
    """

    def __init__(self, base: _Explainer, kept_by: dict[str, list[str]], param: str) -> None:
        self.base = base
        self.kept_by = {m: tuple(sorted(ids)) for m, ids in kept_by.items()}
        self.word = _KEPT_WORD.get(param, param)

    def explain(self, mentee_id: str) -> Explanation:
        ex = self.base.explain(mentee_id)
        r = ex.runner_up
        if r is None or r.mentor_id not in self.kept_by or " went to " not in r.why_not:
            return ex
        kept = self.kept_by[r.mentor_id]
        listed = ", ".join(kept[:3]) + ("" if len(kept) <= 3 else ", ...")
        why = f"{r.why_not.split(' went to ')[0]} went to {self.word} pairs ({listed}) or other mentees"
        return replace(ex, runner_up=replace(r, why_not=why))

    def __copy__(self) -> _KeptExplainer:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> _KeptExplainer:
        return self


# -- diff ----------------------------------------------------------------------------------


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
class MatchDiff(Value):
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
    >>> after = rematch(matcher, mentees, mentors, keep=[("e1", "m2")])
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


# -- review --------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Review(Value):
    """An administrator's review: the optimum, the overridden result, and the difference.

    Attributes
    ----------
    baseline : MatchResult
        The unconstrained optimum (or the result under review).
    result : MatchResult
        The result with the locks and vetoes applied.
    diff : MatchDiff
        ``diff(baseline, result)``; ``diff.cost`` is the total score the
        overrides cost.
    locked, forbidden : tuple of (str, str)
    """

    baseline: MatchResult
    result: MatchResult
    diff: MatchDiff
    locked: tuple[Pair, ...]
    forbidden: tuple[Pair, ...]

    @property
    def cost(self) -> float:
        """Total score of the baseline minus that of the overridden result."""
        return self.diff.cost

    def summary(self) -> str:
        """The overrides and what they changed, for the administrator."""
        lines = [
            f"Review: {len(self.locked)} locked, {len(self.forbidden)} forbidden.",
            self.diff.summary(),
        ]
        return "\n".join(lines)


def review(
    matcher: Matcher,
    mentees: Iterable[Mentee],
    mentors: Iterable[Mentor],
    *,
    lock: Iterable[PairLike] = (),
    forbid: Iterable[PairLike] = (),
    baseline: MatchResult | None = None,
) -> Review:
    """Apply an administrator's locks and vetoes, re-solve, and cost each override.

    Parameters
    ----------
    matcher : Matcher
    mentees, mentors : iterable of Mentee, iterable of Mentor
    lock : iterable of (mentee_id, mentor_id) or Match
        Pairs that must be made (see ``keep`` in :func:`rematch`).
    forbid : iterable of (mentee_id, mentor_id) or Match
        Pairs that must not be made (see ``exclude`` in :func:`rematch`).
    baseline : MatchResult, optional
        The result under review; default ``matcher.match(mentees, mentors)``,
        the unconstrained optimum.

    Returns
    -------
    Review
        ``review.cost`` is the baseline's total score minus the overridden
        result's; ``review.diff.changes`` gives each mentee's score change.

    Examples
    --------
    >>> import mentormatch as mm
    >>> mentees = [mm.Mentee(id="e1", goals=["sql"]), mm.Mentee(id="e2", goals=["sql", "go"])]
    >>> mentors = [mm.Mentor(id="m1", goals=["sql"]), mm.Mentor(id="m2", goals=["go"])]
    >>> rv = review(mm.Matcher(criteria=[mm.GoalOverlap()]), mentees, mentors, lock=[("e2", "m1")])
    >>> print(rv.summary())
    Review: 1 locked, 0 forbidden.
    2 mentees changed; total score 1.50 -> 0.50 (cost 1.00); matched 2 -> 2.
      e1  m1 -> m2  score 1.00 -> 0.00 (-1.00)
      e2  m2 -> m1  score 0.50 -> 0.50 (+0.00)
    """
    tees, tors = validate_programme(mentees, mentors)
    locked = _as_pairs("lock", lock)
    forbidden = _as_pairs("forbid", forbid)
    base = baseline if baseline is not None else matcher.match(tees, tors)
    result = _rematch(matcher, tees, tors, locked, forbidden, ("lock", "forbid"))
    return Review(base, result, diff(base, result), tuple(locked), tuple(forbidden))
