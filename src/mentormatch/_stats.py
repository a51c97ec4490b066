"""Intervals and argument checks shared by :mod:`mentormatch.kpis` and
:mod:`mentormatch.surveys` (one copy of each).

Every function here takes and returns plain numbers or a
:class:`~mentormatch._intervals.ConfidenceInterval`; the packages above build
their own values (``Rate``, ``Reliability`` ...) from them.

>>> ci = t_interval([3.0, 4.0, 5.0], 0.95)
>>> round(ci.low, 3), round(ci.high, 3)
(1.516, 6.484)
>>> wilson(38, 52, normal_quantile(0.95))
(0.5974..., 0.8323...)
"""

from __future__ import annotations

import math
import statistics
import warnings
from collections.abc import Sequence
from fractions import Fraction

from mentormatch._errors import MentormatchError
from mentormatch._intervals import ConfidenceInterval
from mentormatch._validation import as_real, as_whole

__all__ = [
    "agresti_coull",
    "check_confidence",
    "clopper_pearson",
    "count",
    "decimal",
    "feldt",
    "level_label",
    "normal_quantile",
    "t_interval",
    "wilson",
]


def check_confidence(confidence: object) -> None:
    """Refuse a confidence level that is not a number strictly between 0 and 1."""
    real = as_real(confidence)
    if real is None or not 0 < real < 1:
        raise MentormatchError(
            f"confidence must be between 0 and 1 (e.g. 0.95), not {confidence!r}",
            field="confidence",
            value=confidence,
        )


def normal_quantile(confidence: float) -> float:
    """The two-sided normal quantile ``z`` for ``confidence`` (1.96 for 0.95)."""
    from scipy import stats

    check_confidence(confidence)
    return float(stats.norm.ppf(0.5 + float(confidence) / 2))


def level_label(confidence: float) -> str:
    """``0.95`` as ``"95%"``."""
    return f"{confidence * 100:g}%"


def count(value: object, name: str) -> int:
    """A count: numpy integers and whole floats taken, bools and the rest refused."""
    whole = as_whole(value)
    if whole is None:
        raise MentormatchError(
            f"{name} must be a whole number, not {value!r}", field=name, value=value
        )
    return whole


def decimal(x: float) -> Fraction:
    """The number as written: the shortest decimal that gives the float back, exactly
    (``0.1`` is 1/10, not 0.1000000000000000055...), so comparisons on sums and
    products of such numbers do not drift."""
    return Fraction(repr(float(x)))


def t_interval(values: Sequence[float], confidence: float) -> ConfidenceInterval:
    """Student's t interval for the mean of ``values``; ``nan`` below two values."""
    from scipy import stats

    n = len(values)
    if n < 2:
        return ConfidenceInterval(math.nan, math.nan, confidence)
    mean = statistics.fmean(values)
    sd = stdev(values)
    half = float(stats.t.ppf(0.5 + confidence / 2, n - 1)) * sd / math.sqrt(n)
    return ConfidenceInterval(mean - half, mean + half, confidence)


def stdev(values: Sequence[float]) -> float:
    """The sample standard deviation, exact where :func:`statistics.stdev` is, and
    finite wherever the answer is: Python 3.10's ``stdev`` turns a variance above
    the largest float into an ``OverflowError`` (``[0, 1e300]``), so such values are
    scaled down by their largest magnitude first (the result then carries one
    rounding more).

    >>> math.isclose(stdev([0.0, 1e300]), 1e300 / math.sqrt(2))
    True
    """
    try:
        return statistics.stdev(values)
    except OverflowError:
        scale = max(abs(v) for v in values)
        return statistics.stdev([v / scale for v in values]) * scale


def wilson(k: int, n: int, z: float) -> tuple[float, float]:
    """Wilson's score interval for ``k/n`` (unclipped), for ``0 <= k <= n``, ``n > 0``."""
    kf, nf, rest = float(k), float(n), float(n - k)  # scipy and math take floats
    z2 = z * z
    centre = (kf + z2 / 2) / (nf + z2)
    half = z / (nf + z2) * math.sqrt(kf * (rest / nf) + z2 / 4)
    return centre - half, centre + half


def clopper_pearson(k: int, n: int, confidence: float) -> tuple[float, float]:
    """The exact (Clopper-Pearson) interval for ``k/n``; a bound scipy cannot give
    (counts in the 1e15s and beyond) is ``nan``."""
    alpha = 1 - float(confidence)
    kf, rest = float(k), float(n - k)
    low = _beta_ppf(alpha / 2, kf, rest + 1) if k > 0 else 0.0
    high = _beta_ppf(1 - alpha / 2, kf + 1, rest) if k < n else 1.0
    return low, high


def _beta_ppf(q: float, a: float, b: float) -> float:
    """The beta quantile, or ``nan`` where scipy's series does not converge and says
    so with a RuntimeWarning (older scipy, counts in the 1e15s): a number it warns
    about is not one to report."""
    from scipy import stats

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", RuntimeWarning)
        value = float(stats.beta.ppf(q, a, b))
    return math.nan if any(issubclass(w.category, RuntimeWarning) for w in caught) else value


def agresti_coull(k: int, n: int, z: float) -> tuple[float, float]:
    """The Agresti-Coull interval for ``k/n`` (unclipped)."""
    n_tilde = float(n) + z * z
    p_tilde = (float(k) + z * z / 2) / n_tilde
    half = z * math.sqrt(p_tilde * (1 - p_tilde) / n_tilde)
    return p_tilde - half, p_tilde + half


def feldt(alpha: float, *, n: int, k: int, confidence: float) -> ConfidenceInterval:
    """Feldt's interval for Cronbach's alpha from ``n`` rows and ``k`` items;
    ``nan`` when alpha is undefined or above 1, or below two rows or two items."""
    from scipy import stats

    if math.isnan(alpha) or alpha > 1 or n < 2 or k < 2:
        return ConfidenceInterval(math.nan, math.nan, confidence)
    df1 = n - 1
    df2 = (n - 1) * (k - 1)
    a = 1.0 - confidence
    low = 1.0 - (1.0 - alpha) * float(stats.f.isf(a / 2, df1, df2))
    high = 1.0 - (1.0 - alpha) * float(stats.f.isf(1 - a / 2, df1, df2))
    return ConfidenceInterval(low, high, confidence)
