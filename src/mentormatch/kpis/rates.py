"""Rates with their counts and a confidence interval: :func:`proportion`,
:func:`compare_rates`, and the values they return."""

from __future__ import annotations

import math
from dataclasses import dataclass

from mentormatch._errors import MentormatchError
from mentormatch._intervals import ConfidenceInterval
from mentormatch._stats import agresti_coull, clopper_pearson, wilson
from mentormatch._stats import count as _count
from mentormatch._stats import level_label as _level
from mentormatch._stats import normal_quantile as _z
from mentormatch._values import Value

__all__ = ["NoDataError", "Rate", "RateDifference", "compare_rates", "proportion"]


_METHOD_LABELS = {
    "wilson": "Wilson",
    "clopper-pearson": "Clopper-Pearson",
    "agresti-coull": "Agresti-Coull",
}


#: The largest count a rate is computed for: far above any programme, and safely
#: inside floating point (whose largest number is about 1.8e308).
_LARGEST_COUNT = 10**300


def _pct(x: float) -> str:
    return "undefined" if math.isnan(x) else f"{x * 100:.1f}%"


@dataclass(frozen=True, eq=False)
class Rate(Value):
    """A proportion with its counts and confidence interval.

    Attributes
    ----------
    value : float
        ``numerator / denominator``.
    numerator, denominator : int
        The counts; always reported with the value.
    ci : ConfidenceInterval
        The interval for the underlying proportion.
    method : str
        ``"wilson"``, ``"clopper-pearson"`` or ``"agresti-coull"``.
    """

    value: float
    numerator: int
    denominator: int
    ci: ConfidenceInterval
    method: str

    def summary(self) -> str:
        """``"38/52 = 73.1% (95% CI 59.7%–83.2%, Wilson)"``."""
        label = _METHOD_LABELS.get(self.method, self.method)
        return (
            f"{self.numerator}/{self.denominator} = {_pct(self.value)} "
            f"({_level(self.ci.level)} CI {_pct(self.ci.low)}–{_pct(self.ci.high)}, {label})"
        )

    def __str__(self) -> str:
        return self.summary()


class NoDataError(MentormatchError):
    """A KPI was asked for with nobody to measure: a rate with ``n == 0``, a mean of
    no scores.  A :class:`MentormatchError` (and so a ``ValueError``)."""


def proportion(k: int, n: int, confidence: float = 0.95, method: str = "wilson") -> Rate:
    """The rate ``k/n`` with a confidence interval.

    Parameters
    ----------
    k, n : int
        Successes and trials, ``0 <= k <= n``.  ``n == 0`` raises
        :class:`MentormatchError`: there is no rate of nobody.
    confidence : float
        Confidence level, default 0.95.
    method : {"wilson", "clopper-pearson", "agresti-coull"}
        Wilson score interval (default; good coverage at small n and near 0 or 1),
        Clopper-Pearson exact interval (conservative), or Agresti-Coull (clipped to
        [0, 1]).  All agree with ``statsmodels.stats.proportion.proportion_confint``.
        Counts may be huge (up to 1e300); beyond the reach of scipy's beta
        quantiles (counts in the 1e15s), where the three agree to many digits,
        Clopper-Pearson takes Wilson's bounds.

    Examples
    --------
    >>> print(proportion(0, 10))
    0/10 = 0.0% (95% CI 0.0%–27.8%, Wilson)
    >>> print(proportion(10, 10, method="clopper-pearson"))
    10/10 = 100.0% (95% CI 69.2%–100.0%, Clopper-Pearson)
    >>> proportion(3, 0)
    Traceback (most recent call last):
    ...
    mentormatch.kpis.NoDataError: a rate needs at least one case in its denominator (n = 0)
    """
    k = _count(k, "k")
    n = _count(n, "n")
    key = method.strip().lower().replace("_", "-") if isinstance(method, str) else ""
    if key not in _METHOD_LABELS:
        raise MentormatchError(
            f"unknown interval method {method!r}; use one of "
            + ", ".join(repr(m) for m in _METHOD_LABELS),
            field="method",
            value=method,
        )
    z = _z(confidence)
    if n < 0 or k < 0:
        raise MentormatchError(f"counts must be >= 0, got {k}/{n}", field="n", value=(k, n))
    if n == 0:
        raise NoDataError(
            "a rate needs at least one case in its denominator (n = 0)", field="n", value=0
        )
    if k > n:
        raise MentormatchError(
            f"numerator {k} is larger than denominator {n}", field="k", value=(k, n)
        )
    if n > _LARGEST_COUNT:
        raise MentormatchError(
            f"a denominator of {len(str(n))} digits is beyond what a rate can be computed "
            "for (at most 1e300); check the counts",
            field="n",
            value=n,
        )
    p = k / n  # exact ints: correctly rounded
    if key == "clopper-pearson":
        low, high = wilson(k, n, z)
        exact_low, exact_high = clopper_pearson(k, n, confidence)
        # scipy's beta quantiles give nan for counts in the 1e15s and beyond, where
        # the methods agree to many digits: Wilson's bounds stand in there
        low = low if math.isnan(exact_low) else exact_low
        high = high if math.isnan(exact_high) else exact_high
    elif key == "agresti-coull":
        low, high = agresti_coull(k, n, z)
    else:
        low, high = wilson(k, n, z)
    # exact bounds at the edges, no floating-point crumbs outside [0, 1] or around p
    low = 0.0 if k == 0 else min(max(low, 0.0), p)
    high = 1.0 if k == n else max(min(high, 1.0), p)
    return Rate(p, k, n, ConfidenceInterval(low, high, confidence), key)


@dataclass(frozen=True, eq=False)
class RateDifference(Value):
    """``first.value - second.value`` with its confidence interval.

    An association, never by itself a causal effect: see :func:`compare_rates`.
    """

    difference: float
    ci: ConfidenceInterval
    method: str
    first: Rate | None = None
    second: Rate | None = None

    def summary(self) -> str:
        """E.g. ``"+20.0 points (95% CI +5.2 to +33.4, Newcombe hybrid score)"``."""

        def pts(x: float) -> str:
            return f"{x * 100:+.1f}"

        return (
            f"{pts(self.difference)} points ({_level(self.ci.level)} CI {pts(self.ci.low)} "
            f"to {pts(self.ci.high)}, {self.method})"
        )

    def __str__(self) -> str:
        return self.summary()


def compare_rates(k1: int, n1: int, k2: int, n2: int, confidence: float = 0.95) -> RateDifference:
    """Difference of two independent rates, ``k1/n1 - k2/n2``, with Newcombe's
    hybrid score interval (method 10 of Newcombe 1998, built from the two Wilson
    intervals).

    This is an **association, not a causal effect**.  "Mentees were promoted more
    often than non-mentees" says nothing about what mentoring caused unless the two
    groups are comparable: people select themselves (or are selected) into the
    programme, and the keen, the well-connected and the already-rising are likely
    to sign up.  A fair comparison needs comparable groups (random allocation or a
    waiting list, or at least matching on department, grade, tenure and prior
    performance), the same outcome definition and follow-up time in both groups,
    and enough people that the interval is informative.

    Examples
    --------
    Newcombe (1998), Table II, example (a):

    >>> d = compare_rates(56, 70, 48, 80)
    >>> round(d.difference, 4), round(d.ci.low, 4), round(d.ci.high, 4)
    (0.2, 0.0524, 0.3339)
    >>> print(d)
    +20.0 points (95% CI +5.2 to +33.4, Newcombe hybrid score)
    """
    first = proportion(k1, n1, confidence)
    second = proportion(k2, n2, confidence)
    p1, p2 = first.value, second.value
    l1, u1 = first.ci.low, first.ci.high
    l2, u2 = second.ci.low, second.ci.high
    d = p1 - p2
    low = d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    low, high = max(-1.0, min(low, d)), min(1.0, max(high, d))
    return RateDifference(
        d, ConfidenceInterval(low, high, confidence), "Newcombe hybrid score", first, second
    )
