"""Matching again around pairs that stay, without pairs that did not work; a review.

:func:`rematch` keeps pairs as given and matches everyone else optimally
into the places left; :func:`review` applies an administrator's locks and
vetoes and costs them against the optimum (with :func:`~mentormatch.lifecycle.diff`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from mentormatch._errors import MentormatchError
from mentormatch._explain import Recipe, build_result, build_sparse_result
from mentormatch._large_match import solve_blocks
from mentormatch._results import (
    Explainer,
    Explanation,
    MatchResult,
    PairLike,
    explainer_of,
    with_explainer,
    with_metadata,
)
from mentormatch._scoring import NotYourself, ProgrammeScorer, ScoreMatrix
from mentormatch._solve import solve_in_id_order
from mentormatch._values import Value
from mentormatch.constraints import ConstraintLike, ForbidPairs
from mentormatch.lifecycle._pairs import Pair, as_pairs, check_known
from mentormatch.lifecycle.diffs import MatchDiff, diff
from mentormatch.matching import Matcher, _pick_path
from mentormatch.participants import Mentee, Mentor, capacities, validate_programme

__all__ = ["Review", "rematch", "review"]

#: The name of the rule :func:`rematch` adds for the excluded pairs.
EXCLUDED_RULE = "excluded_pairs"

_KEPT_WORD = {"keep": "kept", "lock": "locked"}


class _Excluded(ForbidPairs):
    """The rule :func:`rematch` adds: pairs that did not work, or an administrator's veto."""

    def __init__(self, pairs: Iterable[Pair], name: str = EXCLUDED_RULE) -> None:
        super().__init__(pairs)
        self.name = name

    def explain(self, mentee: Mentee, mentor: Mentor) -> str:
        return "this pair was excluded (it did not work before, or an administrator vetoed it)"

    def __repr__(self) -> str:
        return f"_Excluded({sorted(self.pairs)!r})"


def _rule_text(rules: Iterable[ConstraintLike], name: str, pair: tuple[Mentee, Mentor]) -> str:
    for rule in (NotYourself(), *rules):
        if rule.name == name:
            return str(rule.explain(*pair))
    return name  # pragma: no cover - every refusal comes from a known rule


@dataclass(frozen=True)
class _Lists:
    """The kept and excluded pairs of a rematch, with the names its messages use."""

    keep: Sequence[Pair]
    exclude: Sequence[Pair]
    params: tuple[str, str] = ("keep", "exclude")


def _one_mentor_each(keep: Sequence[Pair], param: str) -> list[Pair]:
    """The kept pairs sorted, refusing a mentee kept with two mentors."""
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
    return sorted(seen.items())


#: ``refusals(rows, cols)``: for each pair, the first rule refusing it, or None.
_Refusals = Callable[[NDArray[np.intp], NDArray[np.intp]], Sequence["str | None"]]


def _dense_refusals(scores: ScoreMatrix) -> _Refusals:
    def refusals(rows: NDArray[np.intp], cols: NDArray[np.intp]) -> list[str | None]:
        return [scores.row(int(i)).first_refusal(int(j)) for i, j in zip(rows, cols, strict=True)]

    return refusals


def _check_keep(
    lists: _Lists,
    refusals: _Refusals,
    *,
    rules: Sequence[ConstraintLike],
    people: tuple[Sequence[Mentee], Sequence[Mentor]],
    capacity: NDArray[np.int64],
) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """Validate the kept pairs; return their row and column indices."""
    tees, tors = people
    param, other = lists.params
    ie = {e.id: i for i, e in enumerate(tees)}
    im = {m.id: j for j, m in enumerate(tors)}
    check_known(param, lists.keep, tee_index=ie, tor_index=im)
    both = sorted(set(lists.keep) & set(lists.exclude))
    if both:
        e, m = both[0]
        raise MentormatchError(
            f"the pair ({e!r}, {m!r}) is in both {param} and {other}; remove it from one list",
            field=param,
            participant_id=e,
            value=(e, m),
        )
    pairs = _one_mentor_each(lists.keep, param)
    rows = np.array([ie[e] for e, _ in pairs], dtype=np.intp)
    cols = np.array([im[m] for _, m in pairs], dtype=np.intp)
    for (e, m), i, j, name in zip(pairs, rows, cols, refusals(rows, cols), strict=True):
        if name is not None:
            raise MentormatchError(
                f"the pair ({e!r}, {m!r}) in {param} is refused by the rule {name!r}: "
                f"{_rule_text(rules, name, (tees[i], tors[j]))}. A lock overrides scores and "
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
    gives the cost).

    The matcher's ``solver``, ``candidates`` and ``backend`` apply as in
    :meth:`Matcher.match` (``"auto"`` chooses by the whole programme's size):
    the dense path scores the full matrix; the large path leaves the kept
    rows out of the problem, takes their places off the capacities, and
    refuses the excluded pairs in the block scorer. ``metadata["solver"]``
    says which ran.

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
    'capacity exhausted: 3 places for 3 mentees, and your only possible mentor (m2) went to mentees who had fewer options or scored higher with them'
    >>> print(r.explain("e1").runner_up.why_not)
    scored 0.00, but its only place went to kept pairs (e3) or other mentees
    """
    tees, tors = validate_programme(mentees, mentors)
    lists = _Lists(as_pairs("keep", keep), as_pairs("exclude", exclude))
    return _rematch(matcher, (tees, tors), lists)


def _derived(matcher: Matcher, exclude: Sequence[Pair]) -> Matcher:
    """The matcher with the excluded pairs as one more rule (under a name of its own)."""
    names = {c.name for c in matcher.constraints}
    rule_name = EXCLUDED_RULE
    while rule_name in names:
        rule_name += "_"
    rules: list[ConstraintLike] = list(matcher.constraints)
    if exclude:
        rules.append(_Excluded(exclude, rule_name))
    return matcher._derive(constraints=rules)


def _rematch(
    matcher: Matcher, people: tuple[Sequence[Mentee], Sequence[Mentor]], lists: _Lists
) -> MatchResult:
    """:func:`rematch` of a validated programme, with the parameter names its messages use."""
    t0 = time.perf_counter()
    tees, tors = people
    ie = {e.id: i for i, e in enumerate(tees)}
    im = {m.id: j for j, m in enumerate(tors)}
    check_known(lists.params[1], lists.exclude, tee_index=ie, tor_index=im)
    derived = _derived(matcher, lists.exclude)
    capacity = capacities(tors, len(tees))
    path = _pick_path(derived.solver, len(tees), capacity)
    recipe = Recipe.of(derived, people, capacity)
    if path == "sparse":
        ps = ProgrammeScorer(
            derived.criteria, derived.constraints, people, min_score=derived.min_score
        )
        refusals: _Refusals = ps.first_refusals
    else:
        scores = derived.score(tees, tors)
        refusals = _dense_refusals(scores)
    k_rows, k_cols = _check_keep(
        lists, refusals, rules=derived.constraints, people=people, capacity=capacity
    )
    t1 = time.perf_counter()
    free = np.setdiff1d(np.arange(len(tees), dtype=np.intp), k_rows)
    residual = capacity - np.bincount(k_cols, minlength=len(tors)).astype(np.int64)
    extra: dict[str, Any] = {"solver": path}
    if path == "sparse":
        run = solve_blocks(derived, ps, residual, rows=free, progress=derived.progress)
        assignment = run.assignment
        assignment[k_rows] = k_cols
        t2 = time.perf_counter()
        built = build_sparse_result(recipe, ps, assignment, progress=derived.progress)
        extra = dict(run.metadata)
        timings = dict(extra.pop("timings"))
        timings["encoding"] += t1 - t0
    else:
        assignment = np.full(len(tees), -1, dtype=np.intp)
        assignment[k_rows] = k_cols
        assignment[free] = solve_in_id_order(
            scores.total,
            scores.eligible,
            residual,
            tee_ids=scores.mentee_ids,
            tor_ids=scores.mentor_ids,
            rows=free,
        )
        t2 = time.perf_counter()
        built = build_result(recipe, scores, assignment)
        timings = {"scoring": t1 - t0, "solving": t2 - t1, "pricing": 0.0}
    timings["explaining"] = time.perf_counter() - t2
    kept_by: dict[str, list[str]] = {}
    for i, j in zip(k_rows, k_cols, strict=True):
        kept_by.setdefault(tors[j].id, []).append(tees[i].id)
    base = explainer_of(built)
    explainer = None if base is None else _KeptExplainer(base, kept_by, lists.params[0])
    return with_metadata(
        with_explainer(built, explainer),
        **extra,
        objective="rematch",
        kept=tuple((tees[i].id, tors[j].id) for i, j in zip(k_rows, k_cols, strict=True)),
        excluded=tuple(sorted(set(lists.exclude))),
        timings=timings,
    )


class _KeptExplainer:
    """The explanations of a rematch: the base ones, naming the kept pairs that hold a place.

    Plain data (the base explainer, the kept mentees per mentor, a word), so the
    result pickles; immutable, so copies share it.
    """

    def __init__(self, base: Explainer, kept_by: dict[str, list[str]], param: str) -> None:
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


# -- review ---------------------------------------------------------------------------


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
    locked = as_pairs("lock", lock)
    forbidden = as_pairs("forbid", forbid)
    base = baseline if baseline is not None else matcher.match(tees, tors)
    result = _rematch(matcher, (tees, tors), _Lists(locked, forbidden, ("lock", "forbid")))
    return Review(base, result, diff(base, result), tuple(locked), tuple(forbidden))
