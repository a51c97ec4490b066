"""Time to match: the Kaplan-Meier curve of the share still waiting."""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING

import numpy as np

from mentormatch._dates import DateLike, to_date, today
from mentormatch.plot import _base
from mentormatch.plot._base import BLUE, GREY

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from numpy.typing import NDArray


def _waits(
    signup_dates: Mapping[str, DateLike], match_dates: Mapping[str, DateLike | None], day: date
) -> tuple[NDArray[np.int64], NDArray[np.bool_]]:
    """Each person's wait in days up to ``day`` and whether it ended in a match
    (the inputs already checked by :func:`mentormatch.kpis.time_to_match`)."""
    matched_on = {str(pid): value for pid, value in match_dates.items()}
    waits, matched = [], []
    for pid, value in signup_dates.items():
        start = to_date(value, "signup_dates")
        if start > day:
            continue  # not in the cohort yet
        when = to_date(matched_on.get(str(pid)), "match_dates", missing=True)
        done = when is not None and when <= day
        waits.append(((when if done and when is not None else day) - start).days)
        matched.append(done)
    return np.array(waits, dtype=np.int64), np.array(matched, dtype=bool)


def _curve(
    waits: NDArray[np.int64], matched: NDArray[np.bool_], confidence: float
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Times, the share still waiting just after each, and its pointwise band.

    The curve and its log(-log) band are :func:`scipy.stats.ecdf`'s, as in
    :func:`mentormatch.kpis.time_to_match`; where the band is undefined (the
    curve at 1 or 0) it is the curve itself.
    """
    from scipy import stats

    times = np.unique(waits).astype(float)
    if not matched.any():
        ones = np.ones(times.size)
        return times, ones, ones, ones
    sample = stats.CensoredData(
        uncensored=waits[matched].astype(float), right=waits[~matched].astype(float)
    )
    sf = stats.ecdf(sample).sf
    with warnings.catch_warnings():
        # scipy warns where the band is undefined; it is the curve there
        warnings.simplefilter("ignore", RuntimeWarning)
        band = sf.confidence_interval(confidence, method="log-log")
        low = band.low.evaluate(times)
        high = band.high.evaluate(times)
    curve = sf.evaluate(times)
    low = np.where(np.isnan(low), curve, np.minimum(low, curve))
    high = np.where(np.isnan(high), curve, np.maximum(high, curve))
    return times, curve, low, high


def _median(median: float | None, low: float, high: float, confidence: float) -> str:
    """``median 20 days (95% CI 10–30 days)``; an end not reached is said so."""
    ci = f"{_base.level(confidence)} CI"
    if math.isinf(low):
        ci += " not reached"
    elif math.isinf(high):
        ci += f" {low:g} days or more"
    else:
        ci += f" {low:g}–{high:g} days"
    return ("median not reached" if median is None else f"median {median:g} days") + f" ({ci})"


def time_to_match(
    signup_dates: Mapping[str, DateLike],
    match_dates: Mapping[str, DateLike | None],
    as_of: DateLike | None = None,
    *,
    confidence: float = 0.95,
    ax: Axes | None = None,
) -> Axes:
    """The share of people still waiting for a match, day by day since sign-up.

    The Kaplan-Meier curve (a step down at each day someone is matched), its
    pointwise band, a ``+`` on the curve for each person still waiting on
    ``as_of`` (censored: they waited at least that long), and the median with
    its interval, which are those of :func:`mentormatch.kpis.time_to_match`
    on the same input.

    Parameters
    ----------
    signup_dates, match_dates, as_of, confidence
        As for :func:`mentormatch.kpis.time_to_match`, which checks them (and
        raises its errors: no sign-up at all, a match before its sign-up, an
        ``as_of`` before the first sign-up ...).
    ax : matplotlib Axes, optional
        Where to draw; by default a new figure.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn into. Nobody matched yet is a flat curve at 100%, with
        the median "not reached".

    Notes
    -----
    The curve and band come from :func:`scipy.stats.ecdf` (log(-log) band, as
    in lifelines' ``KaplanMeierFitter``); the median is decided exactly by
    :func:`mentormatch.kpis.time_to_match`, so it may sit one step before
    where a floating-point curve would put it.

    Examples
    --------
    >>> from datetime import date
    >>> from matplotlib.figure import Figure
    >>> from mentormatch import plot
    >>> signed = {"e1": "2025-01-01", "e2": "2025-01-01", "e3": "2025-01-05", "e4": "2025-01-06"}
    >>> matched = {"e1": "2025-01-11", "e2": "2025-01-21", "e4": "2025-01-12"}
    >>> fig = Figure(figsize=(7, 3.5), layout="constrained")
    >>> ax = plot.time_to_match(signed, matched, as_of=date(2025, 2, 1), ax=fig.subplots())
    >>> ax.get_legend_handles_labels()[1]
    ['still waiting (Kaplan-Meier)', '95% pointwise band', 'median 10 days (95% CI 6 days or more)', 'still waiting on 2025-02-01 (censored)']
    """
    from mentormatch import kpis

    owner = "time_to_match"
    _base.require_matplotlib(owner)
    day = today() if as_of is None else to_date(as_of, "as_of")
    result = kpis.time_to_match(signup_dates, match_dates, day, confidence=confidence)
    out = _base.axes(ax, owner, size=(7.0, 3.8))
    title = f"Time to match, as of {day.isoformat()}"
    waits, matched = _waits(signup_dates, match_dates, day)
    times, curve, low, high = _curve(waits, matched, confidence)
    x = np.concatenate([[0.0], times])
    out.step(
        x,
        np.concatenate([[100.0], curve * 100]),
        where="post",
        color=BLUE,
        linewidth=2,
        label="still waiting (Kaplan-Meier)",
    )
    if matched.any():  # with nobody matched the band is the curve: nothing to shade
        out.fill_between(
            x,
            np.concatenate([[100.0], low * 100]),
            np.concatenate([[100.0], high * 100]),
            step="post",
            color=BLUE,
            alpha=0.15,
            linewidth=0,
            label=f"{_base.level(confidence)} pointwise band",
        )
    median = result.median_days
    summary = _median(median, result.ci.low, result.ci.high, confidence)
    if median is not None:
        out.plot(
            [0, median, median],
            [50, 50, 0],
            color=GREY,
            linestyle=":",
            linewidth=1.5,
            label=summary,
        )
    censored = waits[~matched].astype(float)
    if censored.size:
        at = curve[np.searchsorted(times, censored, side="right") - 1] * 100
        out.plot(
            censored,
            at,
            linestyle="none",
            marker="+",
            markersize=10,
            mew=1.5,
            color="black",
            label=f"still waiting on {day.isoformat()} (censored)",
        )
    last = float(times[-1])
    out.set_xlim(0, max(last * 1.02 + 0.5, 1.0))  # room for a censoring mark on the last day
    out.set_ylim(0, 102)
    out.set_xlabel("days since sign-up" + ("" if median is not None else f"; {summary}"))
    out.set_ylabel("still waiting (%)")
    out.grid(color=_base.LIGHT, linewidth=0.8)
    out.set_axisbelow(True)
    _base.legend_above(
        out, f"{title}: {result.matched} of {result.n} matched, {result.censored} still waiting"
    )
    return out
