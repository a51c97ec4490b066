"""Fairness: match for the worst-off mentee, and see whether matching favours a group.

Maximising the total score can leave a few mentees with poor matches while
most do well. :func:`match_maximin` first matches as many mentees as the
default does, then makes the worst match as good as possible, then
maximises the total. :func:`group_gaps` reports match rates and scores per
group (department, location, any attribute) with confidence intervals, small
groups suppressed, so a manager can see whether matching favours one group.

>>> import mentormatch as mm
>>> from mentormatch import fairness
>>> mentees = [mm.Mentee(id="e1", goals=["a", "b", "c", "d", "e"]), mm.Mentee(id="e2", goals=["a", "g"])]
>>> mentors = [mm.Mentor(id="m1", goals=["a", "b", "c", "d", "e"]), mm.Mentor(id="m2", goals=["b", "c"])]
>>> matcher = mm.Matcher(criteria=[mm.GoalOverlap()])
>>> [(m.mentee_id, m.mentor_id, m.score) for m in matcher.match(mentees, mentors).matches]
[('e1', 'm1', 1.0), ('e2', 'm2', 0.0)]
>>> [(m.mentee_id, m.mentor_id, m.score) for m in fairness.match_maximin(matcher, mentees, mentors).matches]
[('e1', 'm2', 0.4), ('e2', 'm1', 0.5)]
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import sparse
from scipy.sparse.csgraph import maximum_flow

from mentormatch import _text
from mentormatch._errors import MentormatchError
from mentormatch._explain import Recipe, build_result, build_sparse_result
from mentormatch._frames import Column, Tabular
from mentormatch._intervals import ConfidenceInterval
from mentormatch._large_match import maximin_blocks
from mentormatch._results import MatchResult, with_metadata
from mentormatch._scoring import ProgrammeScorer
from mentormatch._solve import solve_in_id_order
from mentormatch._stats import t_interval
from mentormatch._values import Value
from mentormatch.kpis import (
    Rate,
    RateDifference,
    _check_min_group_size,
    _suppressed,
    compare_rates,
    proportion,
)
from mentormatch.matching import Matcher, _pick_path
from mentormatch.participants import Mentee, Mentor, capacities, validate_programme

__all__ = ["GroupGap", "GroupGaps", "group_gaps", "match_maximin"]


# -- maximin -------------------------------------------------------------------------------


def _max_coverage(mask: NDArray[np.bool_], capacity: NDArray[np.int64]) -> int:
    """The most mentees a capacitated assignment over ``mask`` can match (exact max flow).

    Network: source -> mentee (1) -> mentor (1 per allowed pair) -> sink
    (capacity); :func:`scipy.sparse.csgraph.maximum_flow` on integers.
    """
    n, m = mask.shape
    if n == 0 or m == 0 or not mask.any():
        return 0
    rows, cols = np.nonzero(mask)
    src, snk = n + m, n + m + 1
    tails = np.concatenate([np.full(n, src), rows, n + np.arange(m)])
    heads = np.concatenate([np.arange(n), n + cols, np.full(m, snk)])
    caps = np.concatenate(
        [np.ones(n + rows.size, dtype=np.int64), np.minimum(capacity, n).astype(np.int64)]
    )
    keep = caps > 0
    graph = sparse.csr_matrix(
        (caps[keep].astype(np.int32), (tails[keep], heads[keep])), shape=(n + m + 2, n + m + 2)
    )
    return int(maximum_flow(graph, src, snk).flow_value)


def _maximin_threshold(
    score: NDArray[np.float64], eligible: NDArray[np.bool_], capacity: NDArray[np.int64]
) -> float | None:
    """The best worst score of a maximum-coverage assignment (None when nobody can be matched).

    Binary search over the distinct eligible scores for the largest ``t``
    such that the pairs scoring at least ``t`` still match as many mentees
    as all eligible pairs do.

    Examples
    --------
    >>> s = np.array([[1.0, 0.5], [1.0, 0.0]])
    >>> _maximin_threshold(s, np.ones((2, 2), dtype=bool), np.array([1, 1]))
    0.5
    """
    cover = _max_coverage(eligible, capacity)
    if cover == 0:
        return None
    values = np.unique(score[eligible])
    lo, hi = 0, values.size - 1  # values[lo] is always feasible: it keeps every eligible pair
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if _max_coverage(eligible & (score >= values[mid]), capacity) == cover:
            lo = mid
        else:
            hi = mid - 1
    return float(values[lo])


def match_maximin(
    matcher: Matcher, mentees: Iterable[Mentee], mentors: Iterable[Mentor]
) -> MatchResult:
    """Match for the worst-off mentee: most matched, then the best worst score, then the total.

    Parameters
    ----------
    matcher : Matcher
        Its criteria, rules and ``min_score`` apply as in :meth:`Matcher.match`.
    mentees, mentors : iterable of Mentee, iterable of Mentor

    Returns
    -------
    MatchResult
        As many mentees matched as :meth:`Matcher.match` matches; the lowest
        score among them as high as possible; among those assignments the
        largest total. ``metadata["objective"]`` is ``"maximin"`` and
        ``metadata["threshold"]`` the lowest matched score reached (None
        when nobody can be matched). Explanations of runners-up speak of the
        total score; under maximin a runner-up may also have been refused to
        keep the worst match above the threshold.

    Notes
    -----
    Exact, in three steps: (1) ``k``, the most mentees any assignment
    matches (max flow, :func:`scipy.sparse.csgraph.maximum_flow`); (2) the
    largest threshold ``t`` among the distinct eligible scores such that the
    pairs scoring at least ``t`` still match ``k`` mentees, by binary search
    (about ``log2`` of the number of distinct scores max-flow runs; feasibility
    is monotone in ``t``); (3) the largest total among assignments using only
    those pairs, by :func:`mentormatch._solve.solve_dense`, which matches
    ``k`` there because step 2 proved it possible. The optimal worst score is
    the score of some pair, so searching the distinct scores is exhaustive.
    The minimum score is never lower than the default's, and the total
    never higher. Solved in id order, like :meth:`Matcher.match`.

    The matcher's ``solver``, ``candidates`` and ``backend`` apply as in
    :meth:`Matcher.match`: the dense path holds the score matrix in memory;
    the large path (``metadata["solver"]`` ``"sparse"``) never does: one
    blocked pass collects the distinct scores, and the three steps are exact
    solves of the large-programme core, with ``min_score`` raised to each
    probed threshold (``metadata["maximin_solves"]`` of them, about
    ``log2`` of the number of distinct scores; each costs about one
    :meth:`Matcher.match`). Its thresholds and totals agree with the dense
    path's to the core's grid (``2**-30`` per pair).

    Examples
    --------
    >>> import mentormatch as mm
    >>> mentees = [mm.Mentee(id="e1", goals=["a", "b"]), mm.Mentee(id="e2", goals=["a"])]
    >>> mentors = [mm.Mentor(id="m1", goals=["a", "b"]), mm.Mentor(id="m2", goals=["b"])]
    >>> r = match_maximin(mm.Matcher(criteria=[mm.GoalOverlap()]), mentees, mentors)
    >>> min(m.score for m in r.matches), r.total_score, r.metadata["threshold"]
    (0.5, 1.5, 0.5)
    """
    t0 = time.perf_counter()
    tees, tors = validate_programme(mentees, mentors)
    capacity = capacities(tors, len(tees))
    if _pick_path(matcher.solver, len(tees), capacity) == "sparse":
        return _maximin_sparse(matcher, (tees, tors), capacity)
    scores = matcher.score(tees, tors)
    t1 = time.perf_counter()
    eligible = scores.eligible
    threshold = _maximin_threshold(scores.total, eligible, capacity)
    mask = eligible if threshold is None else eligible & (scores.total >= threshold)
    assignment = solve_in_id_order(
        scores.total, mask, capacity, tee_ids=scores.mentee_ids, tor_ids=scores.mentor_ids
    )
    t2 = time.perf_counter()
    result = build_result(Recipe.of(matcher, (tees, tors), capacity), scores, assignment)
    return with_metadata(
        result,
        solver="dense",
        objective="maximin",
        threshold=threshold,
        timings={
            "scoring": t1 - t0,
            "solving": t2 - t1,
            "pricing": 0.0,
            "explaining": time.perf_counter() - t2,
        },
    )


def _maximin_sparse(
    matcher: Matcher, people: tuple[Sequence[Mentee], Sequence[Mentor]], capacity: NDArray[np.int64]
) -> MatchResult:
    """:func:`match_maximin` on the large path: the core, once per threshold probe."""
    ps = ProgrammeScorer(matcher.criteria, matcher.constraints, people, min_score=matcher.min_score)
    run, solves = maximin_blocks(matcher, ps, capacity, progress=matcher.progress)
    t0 = time.perf_counter()
    recipe = Recipe.of(matcher, people, capacity)
    result = build_sparse_result(recipe, ps, run.assignment, progress=matcher.progress)
    timings = {**run.metadata["timings"], "explaining": time.perf_counter() - t0}
    threshold = min((m.score for m in result.matches), default=None)
    return with_metadata(
        result,
        **{**run.metadata, "timings": timings},
        objective="maximin",
        threshold=threshold,
        maximin_solves=solves,
    )


# -- group gaps ----------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class GroupGap(Value):
    """One group's match rate and scores, against everyone else.

    Suppressed groups (fewer than ``min_group_size`` mentees, or hidden so
    that a small group cannot be worked out from the others) carry only their
    name: every other field is None.  The score figures (``mean_score``,
    ``score_ci``, ``score_gap``, ``score_gap_ci``) are about the group's
    *matched* mentees and follow the same rule on them: with fewer than
    ``min_group_size`` matched (or to shield another such group) they are None
    and ``score_suppressed`` is True.

    Attributes
    ----------
    group : str
    n : int or None
        Mentees in the group.
    match_rate : Rate or None
        Matched / mentees, with its Wilson interval.
    mean_score : float or None
        Mean score of the group's matched mentees (None when none matched).
    score_ci : ConfidenceInterval or None
        Student-t interval of that mean (undefined, nan, with one matched).
    rate_gap : RateDifference or None
        This group's match rate minus the rest's, Newcombe's interval.
    score_gap : float or None
        This group's mean score minus the rest's (matched mentees).
    score_gap_ci : ConfidenceInterval or None
        Welch interval of ``score_gap``.
    suppressed : bool
    score_suppressed : bool
    """

    group: str
    n: int | None
    match_rate: Rate | None
    mean_score: float | None
    score_ci: ConfidenceInterval | None
    rate_gap: RateDifference | None
    score_gap: float | None
    score_gap_ci: ConfidenceInterval | None
    suppressed: bool
    score_suppressed: bool = False


@dataclass(frozen=True, eq=False)
class GroupGaps(Tabular, Value):
    """Match rates and scores per group, and the gaps between groups.

    Attributes
    ----------
    by : str
    groups : tuple of GroupGap
        Sorted by group name, ``"(not recorded)"`` last.
    min_group_size : int
    max_rate_gap : float or None
        Highest minus lowest match rate among the groups shown.
    max_score_gap : float or None
        Highest minus lowest mean score among the groups shown.
    """

    by: str
    groups: tuple[GroupGap, ...]
    min_group_size: int
    max_rate_gap: float | None
    max_score_gap: float | None

    _columns = (
        Column("group", "text"),
        Column("n", "count", nullable=True),
        Column("matched", "count", nullable=True),
        Column("match_rate", "float"),
        Column("match_rate_ci_low", "float"),
        Column("match_rate_ci_high", "float"),
        Column("rate_gap", "float"),
        Column("mean_score", "float"),
        Column("score_gap", "float"),
        Column("suppressed", "bool"),
        Column("score_suppressed", "bool"),
    )
    _display_skip = ("groups",)

    def _records(self) -> list[dict[str, object]]:
        return [
            {
                "group": g.group,
                "n": g.n,
                "matched": None if g.match_rate is None else g.match_rate.numerator,
                "match_rate": None if g.match_rate is None else g.match_rate.value,
                "match_rate_ci_low": None if g.match_rate is None else g.match_rate.ci.low,
                "match_rate_ci_high": None if g.match_rate is None else g.match_rate.ci.high,
                "rate_gap": None if g.rate_gap is None else g.rate_gap.difference,
                "mean_score": g.mean_score,
                "score_gap": g.score_gap,
                "suppressed": g.suppressed,
                "score_suppressed": g.score_suppressed,
            }
            for g in self.groups
        ]

    def summary(self) -> str:
        """A table a manager can read: per group, match rate and mean score with intervals."""
        lines = [
            f"Matching by {_text.plain(self.by)} (groups under {self.min_group_size} "
            "suppressed; gaps are the group minus everyone else)"
        ]
        names = {g.group: _text.plain(g.group) for g in self.groups}
        width = max([len(name) for name in names.values()] + [5])
        for g in self.groups:
            name = names[g.group]
            if g.suppressed or g.match_rate is None:
                lines.append(f"  {name:<{width}}  suppressed (small group)")
                continue
            rate = g.match_rate
            text = (
                f"matched {rate.numerator}/{rate.denominator} = {rate.value * 100:.0f}% "
                f"[{rate.ci.low * 100:.0f}%, {rate.ci.high * 100:.0f}%]"
            )
            if g.rate_gap is not None:
                text += f", gap {g.rate_gap.difference * 100:+.0f} pts"
            if g.score_suppressed:
                text += "; mean score suppressed (few matched)"
            elif g.mean_score is not None:
                text += f"; mean score {g.mean_score:.2f}"
                if g.score_gap is not None:
                    text += f", gap {g.score_gap:+.2f}"
                    ci = g.score_gap_ci
                    if ci is not None and not math.isnan(ci.low):
                        text += f" [{ci.low:+.2f}, {ci.high:+.2f}]"
            lines.append(f"  {name:<{width}}  {text}")
        if self.max_rate_gap is not None:
            lines.append(f"Largest match-rate gap: {self.max_rate_gap * 100:.0f} pts")
        if self.max_score_gap is not None:
            lines.append(f"Largest mean-score gap: {self.max_score_gap:.2f}")
        return "\n".join(lines)


_NOT_RECORDED = "(not recorded)"


def _group(mentee: Mentee, by: str | Callable[[Mentee], object]) -> str:
    if callable(by):
        value: object = by(mentee)
    elif by in mentee.attributes:
        value = mentee.attributes[by]
    elif by in ("department", "name", "manager_id"):
        value = getattr(mentee, by)
    else:
        value = None
    text = "" if value is None else str(value).strip()
    return text or _NOT_RECORDED


def _welch(a: NDArray[np.float64], b: NDArray[np.float64], confidence: float) -> ConfidenceInterval:
    from scipy import stats

    if a.size < 2 or b.size < 2:
        return ConfidenceInterval(math.nan, math.nan, confidence)
    va, vb = float(a.var(ddof=1)) / a.size, float(b.var(ddof=1)) / b.size
    d = float(a.mean() - b.mean())
    se = math.sqrt(va + vb)
    if se == 0:
        return ConfidenceInterval(d, d, confidence)
    df = (va + vb) ** 2 / (va**2 / (a.size - 1) + vb**2 / (b.size - 1))
    q = float(stats.t.ppf(0.5 + confidence / 2, df))
    return ConfidenceInterval(d - q * se, d + q * se, confidence)


def group_gaps(
    result: MatchResult,
    mentees: Iterable[Mentee],
    by: str | Callable[[Mentee], object] = "department",
    *,
    min_group_size: int = 5,
    confidence: float = 0.95,
) -> GroupGaps:
    """Match rates and scores per group of mentees, and each group's gap to the rest.

    Parameters
    ----------
    result : MatchResult
    mentees : iterable of Mentee
        The mentees of ``result`` (their groups are read from them).
    by : str or callable, default "department"
        An attribute key (``mentee.attributes[by]``), ``"department"`` (the
        full path), or a function of the mentee, e.g.
        ``lambda e: e.department.split("/")[0]`` for the top level. Mentees
        without it form the group ``"(not recorded)"``.
    min_group_size : int, default 5
        At least 3: smaller groups could identify people. The rule of
        :func:`mentormatch.kpis.breakdown`, on people: a group with fewer
        mentees is suppressed (no figures); when a suppressed group has anyone
        in it, more groups are suppressed, smallest first, until at least two
        are and together they hold at least ``min_group_size`` mentees, so that
        none can be worked out from the others and the gaps to the rest. The
        score figures count the group's *matched* mentees the same way (a
        group with nobody matched shields nothing).
    confidence : float, default 0.95

    Returns
    -------
    GroupGaps
        Per group: match rate (Wilson interval, :func:`mentormatch.kpis.proportion`),
        its difference from the rest (Newcombe, :func:`mentormatch.kpis.compare_rates`),
        mean matched score (t interval) and its difference from the rest
        (Welch interval); and the largest gaps between shown groups.

    Examples
    --------
    >>> import mentormatch as mm
    >>> goals = [["sql"]] * 2 + [["sql", "go"]] * 3 + [["sql", "go"]] * 5 + [[]] * 2
    >>> mentees = [mm.Mentee(id=f"e{i:02d}", department="Sales" if i < 5 else "Eng", goals=g)
    ...            for i, g in enumerate(goals)]
    >>> mentors = [mm.Mentor(id="m1", goals=["sql"], capacity=12)]
    >>> result = mm.Matcher(criteria=[mm.GoalOverlap()], min_score=0.1).match(mentees, mentors)
    >>> print(group_gaps(result, mentees, min_group_size=5).summary())
    Matching by department (groups under 5 suppressed; gaps are the group minus everyone else)
      Eng    matched 5/7 = 71% [36%, 92%], gap -29 pts; mean score 0.50, gap -0.20 [-0.54, +0.14]
      Sales  matched 5/5 = 100% [57%, 100%], gap +29 pts; mean score 0.70, gap +0.20 [-0.14, +0.54]
    Largest match-rate gap: 29 pts
    Largest mean-score gap: 0.20
    """
    min_group_size = _check_min_group_size(min_group_size)
    tees = _mentees_of(result, mentees)
    score_of = {m.mentee_id: m.score for m in result.matches}
    labels = np.array([_group(e, by) for e in tees], dtype=object)
    matched = np.array([e.id in score_of for e in tees], dtype=bool)
    score = np.array([score_of.get(e.id, np.nan) for e in tees], dtype=np.float64)
    names = sorted(set(labels.tolist()), key=lambda g: (g == _NOT_RECORDED, g))
    ids = np.array([e.id for e in tees], dtype=object)
    people = {g: frozenset(ids[labels == g].tolist()) for g in names}
    hidden = _suppressed(people, min_group_size)
    scored = {g: frozenset(ids[(labels == g) & matched].tolist()) for g in names}
    score_hidden = _suppressed(scored, min_group_size, hidden)
    groups = [
        GroupGap(g, None, None, None, None, None, None, None, True)
        if g in hidden
        else _group_gap(
            g, labels == g, (matched, score), confidence=confidence, hide_scores=g in score_hidden
        )
        for g in names
    ]
    rates = [x.match_rate.value for x in groups if x.match_rate is not None]
    means = [x.mean_score for x in groups if x.mean_score is not None]
    by_name = by if isinstance(by, str) else getattr(by, "__name__", "group")
    return GroupGaps(
        by_name,
        tuple(groups),
        min_group_size,
        max(rates) - min(rates) if rates else None,
        max(means) - min(means) if means else None,
    )


def _mentees_of(result: MatchResult, mentees: Iterable[Mentee]) -> tuple[Mentee, ...]:
    """The mentees, checked: Mentee records, each of them in the result."""
    if not (hasattr(result, "matches") and hasattr(result, "unmatched")):
        raise MentormatchError(
            f"result must be a match result (with matches and unmatched), not "
            f"{type(result).__name__}",
            field="result",
        )
    if isinstance(mentees, (str, bytes, Mentee)) or not isinstance(mentees, Iterable):
        raise MentormatchError(
            f"mentees must be a collection of Mentee, not {type(mentees).__name__}",
            field="mentees",
        )
    tees = tuple(mentees)
    strays = [type(e).__name__ for e in tees if not isinstance(e, Mentee)]
    if strays:
        raise MentormatchError(
            f"mentees must be Mentee records, got {strays[0]}", field="mentees", value=strays[0]
        )
    in_result = {m.mentee_id for m in result.matches} | {u.mentee_id for u in result.unmatched}
    missing = [e.id for e in tees if e.id not in in_result]
    if missing:
        raise MentormatchError(
            f"mentee {missing[0]!r} is not in the result; pass the mentees that were matched",
            field="mentees",
            participant_id=missing[0],
        )
    return tees


def _group_gap(
    g: str,
    inside: NDArray[np.bool_],
    outcome: tuple[NDArray[np.bool_], NDArray[np.float64]],
    *,
    confidence: float,
    hide_scores: bool,
) -> GroupGap:
    """One shown group: its match rate and gap to the rest, and (unless hidden) its scores'."""
    matched, score = outcome
    k, n = int(matched[inside].sum()), int(inside.sum())
    rate = proportion(k, n, confidence)
    rest_n = int((~inside).sum())
    rate_gap = (
        compare_rates(k, n, int(matched[~inside].sum()), rest_n, confidence) if rest_n else None
    )
    if hide_scores:
        return GroupGap(g, n, rate, None, None, rate_gap, None, None, False, True)
    mine = score[inside & matched]
    rest = score[~inside & matched]
    mean = float(mine.mean()) if mine.size else None
    gap = float(mine.mean() - rest.mean()) if mine.size and rest.size else None
    return GroupGap(
        g,
        n,
        rate,
        mean,
        t_interval(mine.tolist(), confidence) if mine.size else None,
        rate_gap,
        gap,
        _welch(mine, rest, confidence) if gap is not None else None,
        False,
    )
