"""How long mentees wait for a match: a Kaplan-Meier curve that counts those
still waiting as censored."""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from mentormatch._dates import DateLike, to_date
from mentormatch._errors import MentormatchError
from mentormatch._intervals import ConfidenceInterval
from mentormatch._stats import check_confidence as _check_confidence
from mentormatch._stats import level_label as _level
from mentormatch._values import Value
from mentormatch.kpis.cohort import _day
from mentormatch.kpis.rates import NoDataError

__all__ = ["TimeToMatch", "time_to_match"]


@dataclass(frozen=True, eq=False)
class TimeToMatch(Value):
    """Median days from sign-up to match, by Kaplan-Meier.

    People still unmatched on ``as_of`` are censored (they waited at least that
    long), not dropped.  ``median_days`` is None when fewer than half have been
    matched; the interval's ``high`` is ``inf`` when it is not reached.
    """

    median_days: float | None
    ci: ConfidenceInterval
    n: int
    matched: int
    censored: int
    method: str = "Kaplan-Meier"

    def summary(self) -> str:
        def days(x: float | None) -> str:
            return "not reached" if x is None or math.isinf(x) else f"{x:g}"

        return (
            f"median {days(self.median_days)} days ({_level(self.ci.level)} CI "
            f"{days(self.ci.low)}–{days(self.ci.high)}, Kaplan-Meier; {self.matched} of "
            f"{self.n} matched, {self.censored} still waiting)"
        )


@dataclass(frozen=True)
class _Curve:
    """A Kaplan-Meier curve at its event times: exact survival and the float band."""

    times: tuple[int, ...]
    at_risk: tuple[int, ...]
    events: tuple[int, ...]
    survival: tuple[Fraction, ...]
    band_low: tuple[float, ...]
    band_high: tuple[float, ...]


def _kaplan_meier(durations: Sequence[int], events: Sequence[bool], confidence: float) -> _Curve:
    """The Kaplan-Meier curve of whole-day durations, exactly.

    The survival at each event time is the product ``prod (n_j - d_j) / n_j`` kept
    as integers, so "at or below one half" is decided exactly (a float product
    builds 0.5 up as 0.5000000000000001 and moves the median a step later).  The
    pointwise band is the log(-log) (exponential Greenwood) band of
    :func:`scipy.stats.ecdf`; where the curve is at 0 the band is 0.
    """
    from scipy import stats

    d = np.asarray(durations, dtype=np.int64)
    e = np.asarray(events, dtype=bool)
    times_arr, deaths = np.unique(d[e], return_counts=True)
    if times_arr.size == 0:
        return _Curve((), (), (), (), (), ())
    order = np.sort(d)
    risk = d.size - np.searchsorted(order, times_arr, side="left")
    survival: list[Fraction] = []
    num, den = 1, 1
    for n_j, d_j in zip(risk.tolist(), deaths.tolist(), strict=True):
        num *= n_j - d_j
        den *= n_j
        survival.append(Fraction(num, den))
    sample = stats.CensoredData(uncensored=d[e].astype(float), right=d[~e].astype(float))
    sf = stats.ecdf(sample).sf
    with warnings.catch_warnings():
        # scipy warns where the band is undefined (the curve at 0); we set it to 0 there
        warnings.simplefilter("ignore", RuntimeWarning)
        band = sf.confidence_interval(confidence, method="log-log")
        low = band.low.evaluate(times_arr.astype(float))
        high = band.high.evaluate(times_arr.astype(float))
    exact = np.array([float(x) for x in survival])
    low = np.where(np.isnan(low), exact, np.minimum(low, exact))
    high = np.where(np.isnan(high), exact, np.maximum(high, exact))
    return _Curve(
        tuple(times_arr.tolist()),
        tuple(risk.tolist()),
        tuple(deaths.tolist()),
        tuple(survival),
        tuple(low.tolist()),
        tuple(high.tolist()),
    )


def _first_at_or_below_half(times: Sequence[int], values: Sequence[float | Fraction]) -> float:
    half = Fraction(1, 2)
    for t, v in zip(times, values, strict=True):
        if (v <= half) if isinstance(v, Fraction) else (v <= 0.5):
            return float(t)
    return math.inf


def time_to_match(
    signup_dates: Mapping[str, DateLike],
    match_dates: Mapping[str, DateLike | None],
    as_of: DateLike | None = None,
    *,
    confidence: float = 0.95,
) -> TimeToMatch:
    """Median time to match with people still unmatched censored on ``as_of``.

    Parameters
    ----------
    signup_dates : mapping of id to date-like
        When each person signed up.
    match_dates : mapping of id to date-like or missing
        When each matched person was matched; people left out (or with a missing
        marker) are not matched.
    as_of : date-like, optional
        The day the figure describes (default today).  People who sign up later
        are not in the cohort yet; people matched later were still waiting on it
        (censored there).  A day before the first sign-up is an error.
    confidence : float
        Level of the interval.

    Notes
    -----
    The median is the first time the Kaplan-Meier curve is at or below one half,
    decided exactly in integer arithmetic (durations are whole days); its interval
    comes from the pointwise log(-log) Greenwood band of :func:`scipy.stats.ecdf`
    (as in ``lifelines``: ``median_survival_times(kmf.confidence_interval_)``).
    lifelines and a float product of the curve can put the median one step late
    when the curve lands exactly on one half.

    >>> from datetime import date
    >>> s = {"e1": date(2025, 1, 1), "e2": date(2025, 1, 1), "e3": date(2025, 1, 5)}
    >>> t = time_to_match(s, {"e1": date(2025, 1, 11), "e2": date(2025, 1, 21)},
    ...                   as_of=date(2025, 3, 1))
    >>> t.median_days, t.censored
    (20.0, 1)
    >>> time_to_match(s, {"e1": "2025-01-11", "e2": "2025-01-21"}, as_of="2025-01-15").matched
    1
    """
    _check_confidence(confidence)
    day = _day(as_of)
    if not isinstance(signup_dates, Mapping) or not isinstance(match_dates, Mapping):
        raise MentormatchError(
            "signup_dates and match_dates must be mappings of id to date",
            field="signup_dates" if not isinstance(signup_dates, Mapping) else "match_dates",
        )
    signed = {
        str(pid): to_date(value, f"signup_dates[{pid!r}]") for pid, value in signup_dates.items()
    }
    matched_on = {
        str(pid): to_date(value, f"match_dates[{pid!r}]", missing=True)
        for pid, value in match_dates.items()
    }
    unknown = sorted(set(matched_on) - set(signed))
    if unknown:
        raise MentormatchError(
            f"match date for {unknown[0]!r} who has no sign-up date", participant_id=unknown[0]
        )
    if not signed:
        raise NoDataError("no sign-ups given", field="signup_dates")
    first = min(signed.values())
    if day < first:
        raise MentormatchError(
            f"as_of {day} is before the programme began (the first sign-up is on {first}); "
            f"choose a date on or after {first}",
            field="as_of",
            value=day,
        )
    durations: list[int] = []
    events: list[bool] = []
    for pid, start in signed.items():
        when = matched_on.get(pid)
        if when is not None and when < start:
            raise MentormatchError(
                f"{pid!r} matched on {when}, before signing up on {start}; fix the dates",
                participant_id=pid,
                value=when,
            )
        if start > day:
            continue  # not in the cohort yet
        done = when is not None and when <= day
        durations.append(((when if done and when else day) - start).days)
        events.append(done)
    curve = _kaplan_meier(durations, events, confidence)
    median = _first_at_or_below_half(curve.times, curve.survival)
    lower = min(_first_at_or_below_half(curve.times, curve.band_low), median)
    upper = max(_first_at_or_below_half(curve.times, curve.band_high), median)
    matched_n = sum(events)
    return TimeToMatch(
        None if math.isinf(median) else median,
        ConfidenceInterval(lower, upper, confidence),
        len(durations),
        matched_n,
        len(durations) - matched_n,
    )
