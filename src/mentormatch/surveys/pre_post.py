"""Matched before/after change: mean change with its t interval, paired t test,
Wilcoxon signed-rank and effect sizes named precisely."""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np

from mentormatch._errors import MentormatchError
from mentormatch._intervals import ConfidenceInterval
from mentormatch._stats import check_confidence as _check_confidence
from mentormatch._values import Value
from mentormatch.surveys._align import align_pair
from mentormatch.surveys._input import FloatArray, as_vector
from mentormatch.surveys._shared import _fmt, _fmt_ci, _fmt_p, _rounding, _snap, _warn

__all__ = ["PairedChange", "pre_post"]


@dataclass(frozen=True, eq=False)
class PairedChange(Value):
    """Matched before/after change (``diff = post - pre``).

    Attributes
    ----------
    n : int
        Pairs with both values.
    mean_diff : float
        Mean of ``post - pre``.
    ci : ConfidenceInterval
        t interval for ``mean_diff``.
    t : float
        Paired t statistic.
    df : int
        ``n - 1``.
    p : float
        Two-sided p-value of the paired t test.
    d_z : float
        ``mean(diff) / sd(diff)`` (Cohen's d_z).
    g_z : float
        Hedges-corrected d_z: ``d_z * (1 - 3 / (4 df - 1))``.
    d_av : float
        ``mean(diff) / ((sd_pre + sd_post) / 2)`` (Cumming's d_av, as printed in
        Lakens 2013).
    wilcoxon_w : float
        Wilcoxon signed-rank statistic W+ = sum of the ranks of positive
        differences (zeros dropped), as R's ``V``.
    wilcoxon_p : float
        Two-sided Wilcoxon p-value (see :attr:`wilcoxon_method`).
    rank_biserial : float
        Matched-pairs rank-biserial correlation ``(W+ - W-) / (W+ + W-)``; positive
        when post tends to exceed pre.
    wilcoxon_method : str
        ``"exact"`` or ``"normal approximation"``.
    n_dropped : int
        Pairs dropped because a value was missing.

    Examples
    --------
    >>> ch = pre_post([2, 3, 3, 4], [3, 4, 5, 4])
    >>> ch.n, ch.mean_diff, ch.df
    (4, 1.0, 3)
    """

    n: int
    mean_diff: float
    ci: ConfidenceInterval
    t: float
    df: int
    p: float
    d_z: float
    g_z: float
    d_av: float
    wilcoxon_w: float
    wilcoxon_p: float
    rank_biserial: float
    wilcoxon_method: str = "exact"
    n_dropped: int = 0

    def summary(self) -> str:
        """A short plain-text report for a slide.

        Examples
        --------
        >>> print(pre_post([2, 3, 3, 4, 2, 3], [3, 4, 5, 4, 4, 3]).summary())
        Mean change +1.00 (95% CI +0.06 to +1.94) across 6 matched pairs.
          Paired t(5) = 2.74, p = 0.041; Wilcoxon p = 0.095 (normal approximation);
          d_z = 1.12, rank-biserial r = 1.00.
        """
        text = (
            f"Mean change {_fmt(self.mean_diff, sign=True)} ({_fmt_ci(self.ci, sign=True)}) "
            f"across {self.n} matched pairs"
        )
        if self.n_dropped:
            plural = "s" if self.n_dropped > 1 else ""
            text += f" ({self.n_dropped} incomplete pair{plural} left out)"
        return text + (
            f".\n  Paired t({self.df}) = {_fmt(self.t)}, {_fmt_p(self.p)}; "
            f"Wilcoxon {_fmt_p(self.wilcoxon_p)} ({self.wilcoxon_method});\n"
            f"  d_z = {_fmt(self.d_z)}, rank-biserial r = {_fmt(self.rank_biserial)}."
        )


def _wilcoxon(diff: FloatArray) -> tuple[float, float, float, str]:
    """W+, p, rank-biserial and method name for the differences."""
    from scipy import stats

    nz = diff[diff != 0]
    m = int(nz.size)
    if m == 0:
        _warn("Wilcoxon test is undefined: every pair has zero change; returning nan")
        return math.nan, math.nan, math.nan, "undefined"
    ranks = stats.rankdata(np.abs(nz))
    w_plus = float(ranks[nz > 0].sum())
    w_minus = float(ranks[nz < 0].sum())
    rbc = (w_plus - w_minus) / (w_plus + w_minus)
    has_ties = np.unique(np.abs(nz)).size < m
    has_zeros = m < diff.size
    exact = m < 50 and not has_ties and not has_zeros
    method = "exact" if exact else "normal approximation"
    with warnings.catch_warnings():
        # scipy < 1.11 warns that n < 10 is small for the normal approximation;
        # we state the method in the result instead.
        warnings.filterwarnings("ignore", message=".*[Ss]ample size too small.*")
        res = stats.wilcoxon(
            nz,
            zero_method="wilcox",
            correction=not exact,
            alternative="two-sided",
            method="exact" if exact else "approx",
        )
    return w_plus, float(res.pvalue), rbc, method


def pre_post(
    pre: Any, post: Any, confidence: float = 0.95, *, align: str = "exact"
) -> PairedChange:
    """Describe matched before/after change with a t interval, tests and effect sizes.

    Parameters
    ----------
    pre, post : sequence of float, numpy array or pandas.Series
        Scores of the same people before and after; ``None``/``NaN`` for a missing
        score. Pairs missing either value are dropped. Two pandas Series are paired
        by their index (the person), whatever their row order; plain sequences by
        position (same length and order). A Series indexed by person is not paired
        with a plain list (there is nothing to pair it by).
    confidence : float, default 0.95
        Level of the interval for the mean change.
    align : {"exact", "inner"}, default "exact"
        For two Series: ``"exact"`` refuses indexes with different people;
        ``"inner"`` keeps the people in both, counting the others in
        ``n_dropped`` as incomplete pairs.

    Returns
    -------
    PairedChange

    Raises
    ------
    MentormatchError
        Different lengths, non-numeric values, or no complete pair; for Series, an
        index label twice, no label in common, or different people with
        ``align="exact"``.

    Warns
    -----
    SurveyWarning
        Fewer than two pairs, identical changes for everyone (sd of the differences
        is 0), or all changes zero; the affected statistics are ``nan``.

    Notes
    -----
    ``diff = post - pre``; ``mean_diff ± t_{1-a/2, n-1} sd(diff) / sqrt(n)``;
    ``t = mean(diff) / (sd(diff) / sqrt(n))`` with a two-sided p-value on ``n - 1``
    df (identical to ``scipy.stats.ttest_rel(post, pre)``).
    Effect sizes: ``d_z = mean(diff) / sd(diff)``; ``g_z = d_z (1 - 3 / (4 (n - 1) - 1))``
    (Hedges' approximate small-sample correction); ``d_av = mean(diff) /
    ((sd_pre + sd_post) / 2)`` with the SDs of the complete pairs (ddof = 1).

    Differences that are equal but for floating-point rounding (``0.3 - 0.1`` and
    ``0.4 - 0.2``; within 8 units in the last place of the largest score) are taken
    as equal, and as zero when they are zero but for rounding, before the
    Wilcoxon ranks, ties and zeros, and the "everyone changed alike" check are
    decided (R's ``wilcox.test(digits.rank=)`` offers the like; scipy and pingouin
    rank the raw floats).

    Wilcoxon signed-rank: zero differences are dropped (``zero_method="wilcox"``);
    the p-value is exact when fewer than 50 non-zero differences remain and there are
    no ties and no zeros, otherwise the normal approximation with tie-corrected
    variance and continuity correction. This is R's ``wilcox.test(post, pre,
    paired=TRUE)`` rule; ``W`` is R's ``V`` (sum of positive ranks). scipy's
    default ``method="auto"`` (and so pingouin 0.7.0) uses the exact distribution
    even with ties, and reports ``min(W+, W-)``.

    Checked against R 4.2.2 ``t.test(post, pre, paired=TRUE)`` and ``wilcox.test``
    (t, df, p, interval, V, p) and pingouin 0.7.0 (``ttest`` paired, ``wilcoxon``
    RBC, ``compute_effsize(..., eftype="cohen_dz")`` and Hedges g of the
    differences). pingouin's paired ``cohen`` is ``mean(diff) / sqrt((var_pre +
    var_post) / 2)`` (Cumming's RMS form), not ``d_av`` as defined here.

    References
    ----------
    Lakens, D. (2013). Calculating and reporting effect sizes to facilitate
    cumulative science. Frontiers in Psychology, 4, 863.
    Kerby, D. S. (2014). The simple difference formula: an approach to teaching
    nonparametric correlation. Comprehensive Psychology, 3, 11.IT.3.1.
    Hedges, L. V. (1981). Distribution theory for Glass's estimator of effect size.
    Journal of Educational Statistics, 6(2), 107-128.

    Examples
    --------
    >>> ch = pre_post([3, 2, 4, 3, 2, None], [4, 3, 4, 5, 3, 4])
    >>> ch.n, ch.n_dropped, round(ch.mean_diff, 2)
    (5, 1, 1.0)
    >>> round(ch.t, 3), round(ch.p, 4)
    (3.162, 0.0341)

    Two exports sorted differently are paired by person:

    >>> import pandas as pd
    >>> pre = pd.Series([3, 2, 4, 3, 2], index=["p1", "p2", "p3", "p4", "p5"])
    >>> post = pd.Series([3, 5, 4, 4, 3], index=["p5", "p4", "p3", "p1", "p2"])
    >>> pre_post(pre, post).mean_diff == ch.mean_diff
    True
    """
    from scipy import stats

    _check_confidence(confidence)
    pre, post, one_sided = align_pair(pre, post, names=("pre", "post"), align=align)
    a = as_vector(pre, what="pre")
    b = as_vector(post, what="post")
    if a.shape != b.shape:
        raise MentormatchError(
            f"pre and post must have the same length (one entry per person), got "
            f"{a.size} and {b.size}",
            field="post",
            value=(a.size, b.size),
        )
    if np.isinf(a).any() or np.isinf(b).any():
        raise MentormatchError("pre/post: infinite values cannot be scored", value="inf")
    ok = ~np.isnan(a) & ~np.isnan(b)
    dropped = int((~ok).sum()) + one_sided
    n = int(ok.sum())
    if n == 0:
        raise MentormatchError("pre_post: no person has both a pre and a post value")
    a, b = a[ok], b[ok]
    diff = b - a
    # changes equal but for rounding (0.3 - 0.1 and 0.4 - 0.2) are equal; zero is zero
    snapped = _snap(diff, _rounding(a, b))
    mean_diff = float(diff.mean())
    nan_ci = ConfidenceInterval(math.nan, math.nan, confidence)
    df = n - 1
    if n < 2:
        _warn("pre_post: one pair gives no spread, so t, p, the interval and effect sizes are nan")
        w, wp, rbc, method = _wilcoxon(snapped)
        return PairedChange(
            n, mean_diff, nan_ci, math.nan, df, math.nan, math.nan, math.nan, math.nan,
            w, wp, rbc, method, dropped,
        )  # fmt: skip
    sd = float(diff.std(ddof=1))
    if np.ptp(snapped) > 0:
        se = sd / math.sqrt(n)
        t = mean_diff / se
        p = float(2 * stats.t.sf(abs(t), df))
        crit = float(stats.t.isf((1 - confidence) / 2, df))
        ci = ConfidenceInterval(mean_diff - crit * se, mean_diff + crit * se, confidence)
        d_z = mean_diff / sd
        g_z = d_z * (1 - 3 / (4 * df - 1)) if df > 0 else math.nan
    else:
        _warn(
            "pre_post: every person changed by exactly the same amount (sd of the "
            "differences is 0), so t, p, the interval, d_z and g_z are nan"
        )
        t = p = d_z = g_z = math.nan
        ci = nan_ci
    sd_avg = (float(a.std(ddof=1)) + float(b.std(ddof=1))) / 2
    if np.ptp(a) > 0 or np.ptp(b) > 0:
        d_av = mean_diff / sd_avg
    else:
        _warn("pre_post: neither pre nor post scores vary, so d_av is nan")
        d_av = math.nan
    w, wp, rbc, method = _wilcoxon(snapped)
    return PairedChange(n, mean_diff, ci, t, df, p, d_z, g_z, d_av, w, wp, rbc, method, dropped)
