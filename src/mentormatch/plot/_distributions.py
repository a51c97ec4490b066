"""Distributions over pairs: the scores of a match, and the meeting cadence."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from mentormatch._errors import MentormatchError
from mentormatch._validation import as_real, check_int
from mentormatch.plot import _base
from mentormatch.plot._base import AS_WRITTEN, BLUE, ORANGE, SKY, VERMILLION

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from numpy.typing import NDArray

    from mentormatch.kpis import MeetingCadence
    from mentormatch.matching import MatchResult, ScoreMatrix


def _scores(data: object, owner: str) -> tuple[NDArray[np.float64], str, str, float]:
    """The scores to draw, what they are, a note for the axis, and the minimum score."""
    from mentormatch.matching import MatchResult, ScoreMatrix

    if isinstance(data, MatchResult):
        values = np.array([m.score for m in data.matches], dtype=float)
        n = len(data.unmatched)
        note = f"; {n} mentee{'s' if n != 1 else ''} unmatched, not shown" if n else ""
        return values, "matched pairs", note, 0.0
    if isinstance(data, ScoreMatrix):
        values = np.asarray(data.total, dtype=float)[np.asarray(data.allowed, dtype=bool)]
        refused = int(np.asarray(data.allowed).size - values.size)
        note = f"; {refused} refused pair{'s' if refused != 1 else ''} not shown" if refused else ""
        return values, "allowed pairs", note, float(data.min_score)
    raise _base.wrong_type(
        owner, "data", "a MatchResult (Matcher.match) or a ScoreMatrix (Matcher.score)", data
    )


def score_distribution(
    data: MatchResult | ScoreMatrix,
    scores: ScoreMatrix | None = None,
    *,
    ax: Axes | None = None,
    bins: int = 20,
) -> Axes:
    """How the pairs' scores are spread, from 0 to 1.

    Parameters
    ----------
    data : MatchResult or ScoreMatrix
        A match (the scores of its matched pairs; the unmatched mentees are
        counted in the axis label), or a score matrix (every pair the rules
        allow; the refused pairs are counted in the axis label, and a
        ``min_score`` above 0 is drawn as a dotted line).
    scores : ScoreMatrix, optional
        With a match: the programme's score matrix, drawn behind the match as
        an outline, so that the matched pairs can be seen against every
        allowed pair. Both are then shown as a share of their own pairs.
    ax : matplotlib Axes, optional
        Where to draw; by default a new figure.
    bins : int
        Number of equal bins between 0 and 1 (at least 1).

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn into. With no pair to draw, it says so and has no ticks.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> import mentormatch as mm
    >>> from mentormatch import plot
    >>> signups = mm.load_demo()
    >>> matcher = mm.presets.career_guidance()
    >>> result = matcher.match(signups.mentees, signups.mentors)
    >>> fig = Figure(figsize=(7, 3.5), layout="constrained")
    >>> ax = plot.score_distribution(result, matcher.score(signups.mentees, signups.mentors),
    ...                              ax=fig.subplots())
    >>> ax.get_title()
    'Scores of 58 matched pairs and all 1508 allowed pairs'
    >>> ax.get_xlabel()
    'score of the pair (0 to 1); 3 mentees unmatched, not shown'
    """
    from mentormatch.matching import MatchResult, ScoreMatrix

    owner = "score_distribution"
    _base.require_matplotlib(owner)
    n_bins = check_int(owner, "bins", bins, minimum=1, maximum=1000)
    values, what, note, min_score = _scores(data, owner)
    background = None
    if scores is not None:
        if not isinstance(data, MatchResult) or not isinstance(scores, ScoreMatrix):
            raise MentormatchError(
                f"The 'scores' parameter of {owner} goes with a MatchResult as 'data' and "
                f"must be a ScoreMatrix (Matcher.score); got data={type(data).__name__}, "
                f"scores={type(scores).__name__}",
                field="scores",
            )
        background, _, _, min_score = _scores(scores, owner)
    out = _base.axes(ax, owner, size=(7.0, 3.6))
    title = f"Scores of {values.size} {what}"
    if background is not None:
        title += f" and all {background.size} allowed pairs"
    if values.size == 0:
        return _base.empty(out, title, f"No {what} to show.")
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    share = background is not None
    if background is not None and background.size:
        out.hist(
            background,
            bins=edges.tolist(),
            weights=np.full(background.size, 100 / background.size),
            histtype="step",
            color=ORANGE,
            linewidth=2,
            linestyle="--",
            zorder=3,  # over the match's bars
            label=f"all {background.size} allowed pairs",
        )
    out.hist(
        values,
        bins=edges.tolist(),
        weights=np.full(values.size, 100 / values.size) if share else None,
        color=SKY,
        edgecolor=BLUE,
        label=f"{values.size} {what}",
    )
    median = float(np.median(values))
    out.axvline(median, color=BLUE, linewidth=2, label=f"median of {what} {median:.2f}")
    if min_score > 0:
        out.axvline(
            min_score,
            color=VERMILLION,
            linestyle=":",
            linewidth=2,
            label=f"min_score {min_score:g}",
        )
    out.set_xlim(0, 1)
    out.set_xlabel(f"score of the pair (0 to 1){note}", **AS_WRITTEN)
    out.set_ylabel("share of each set (%)" if share else "pairs")
    _base.legend_above(out, title, ncols=3)
    return out


def meeting_cadence(
    cadence: MeetingCadence,
    *,
    ax: Axes | None = None,
    target: float | None = None,
) -> Axes:
    """Meetings per month of each pair: a histogram, with the median and the middle half.

    Parameters
    ----------
    cadence : MeetingCadence
        From :func:`mentormatch.kpis.meeting_cadence` (or a report's ``cadence``).
    ax : matplotlib Axes, optional
        Where to draw; by default a new figure.
    target : float, optional
        A target in meetings per pair-month (the programme's
        ``meeting_cadence`` target), drawn as a dotted line.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn into. With no pair, it says so and has no ticks.

    Notes
    -----
    Bins are a quarter of a meeting per month wide, from 0, widened to keep
    at most 20 of them.

    Examples
    --------
    >>> from datetime import date
    >>> from matplotlib.figure import Figure
    >>> from mentormatch import kpis, plot
    >>> c = kpis.meeting_cadence(kpis.load_demo_relationships(), date(2026, 3, 1))
    >>> fig = Figure(figsize=(7, 3.5), layout="constrained")
    >>> ax = plot.meeting_cadence(c, ax=fig.subplots(), target=1.5)
    >>> ax.get_title()
    'Meeting cadence: mean 1.14 per pair-month (95% CI 1.02–1.26)'
    """
    from mentormatch.kpis import MeetingCadence

    owner = "meeting_cadence"
    _base.require_matplotlib(owner)
    if not isinstance(cadence, MeetingCadence):
        raise _base.wrong_type(owner, "cadence", "a MeetingCadence (kpis.meeting_cadence)", cadence)
    goal = None
    if target is not None:
        goal = as_real(target)
        if goal is None or not math.isfinite(goal) or goal < 0:
            raise MentormatchError(
                f"The 'target' parameter of {owner} must be a finite number >= 0 "
                f"(meetings per pair-month) or None. Got {target!r} instead.",
                field="target",
                value=target,
            )
    out = _base.axes(ax, owner, size=(7.0, 3.4))
    per_pair = np.array([x for x in cadence.per_pair if math.isfinite(x)], dtype=float)
    if per_pair.size == 0:
        return _base.empty(out, "Meeting cadence", "No pair to show.")
    top = max(float(per_pair.max()), goal or 0.0, 0.25)
    width = max(0.25, math.ceil(top / 0.25 / 20) * 0.25)
    edges = np.arange(0.0, top + width, width)
    if edges[-1] < top:
        edges = np.append(edges, edges[-1] + width)
    out.hist(per_pair, bins=edges.tolist(), color=SKY, edgecolor=BLUE, label="pairs")
    out.axvspan(cadence.q1, cadence.q3, color=BLUE, alpha=0.12, label="middle half of pairs")
    out.axvline(cadence.median, color=BLUE, linewidth=2, label=f"median {cadence.median:.2f}")
    if goal is not None:
        out.axvline(goal, color=VERMILLION, linestyle=":", linewidth=2.5, label=f"target {goal:g}")
    out.set_xlim(0, edges[-1])
    out.set_xlabel(
        f"meetings per month, per pair; pooled over all pairs: {_base.number(cadence.pooled)}"
    )
    out.set_ylabel(f"pairs ({cadence.n} in all)")
    _base.legend_above(
        out,
        f"Meeting cadence: mean {_base.number(cadence.mean)} per pair-month "
        f"({_base.interval(cadence.mean_ci)})",
        ncols=4 if goal is not None else 3,
    )
    return out
