"""Net Promoter Score with an adjusted-Wald interval."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from mentormatch._errors import MentormatchError
from mentormatch._intervals import ConfidenceInterval
from mentormatch._stats import check_confidence as _check_confidence
from mentormatch._values import Value
from mentormatch.surveys._input import as_vector
from mentormatch.surveys._shared import _fmt, _fmt_ci

__all__ = ["NPS", "nps"]


@dataclass(frozen=True, eq=False)
class NPS(Value):
    """A Net Promoter Score with its adjusted-Wald interval.

    Attributes
    ----------
    score : float
        % promoters - % detractors, on -100..100 (unadjusted).
    promoters, passives, detractors : int
        Counts of answers 9-10, 7-8 and 0-6.
    n : int
        Answers counted (skipped answers excluded).
    n_skipped : int
        ``None``/``NaN`` answers.
    ci : ConfidenceInterval
        Interval for the score on -100..100.
    method : str
        ``"adjusted-wald"``.

    Examples
    --------
    >>> r = nps([10, 9, 8, 3])
    >>> r.score, r.promoters, r.passives, r.detractors
    (25.0, 2, 1, 1)
    """

    score: float
    promoters: int
    passives: int
    detractors: int
    n: int
    n_skipped: int
    ci: ConfidenceInterval
    method: str

    def summary(self) -> str:
        """A short plain-text report for a slide.

        Examples
        --------
        >>> print(nps([10, 9, 9, 8, 7, 3, None]).summary())
        NPS +33 (95% CI -27 to +71) from 6 answers: 50% promoters, 33% passives,
          17% detractors; 1 skipped.
        """
        pct = [100.0 * c / self.n for c in (self.promoters, self.passives, self.detractors)]
        return (
            f"NPS {_fmt(self.score, 0, sign=True)} ({_fmt_ci(self.ci, 0, sign=True)}) "
            f"from {self.n} answers: {pct[0]:.0f}% promoters, {pct[1]:.0f}% passives,\n"
            f"  {pct[2]:.0f}% detractors; {self.n_skipped} skipped."
        )


def nps(answers: Any, confidence: float = 0.95) -> NPS:
    """Net Promoter Score with an adjusted-Wald confidence interval.

    Parameters
    ----------
    answers : sequence of int, numpy array or pandas.Series
        Likelihood-to-recommend answers on 0..10; ``None``/``NaN`` = skipped.
    confidence : float, default 0.95
        Level of the interval.

    Returns
    -------
    NPS

    Raises
    ------
    MentormatchError
        An answer outside 0..10 or not a whole number (naming its position), or no
        answers at all.

    Notes
    -----
    Promoters answer 9-10, passives 7-8, detractors 0-6;
    ``score = 100 (P - D) / n``. The interval is the adjusted-Wald interval
    recommended by Rocks (2016) in the form published by Sauro & Lewis
    (MeasuringU, 2021): add 3 pseudo-observations, ¾ to the promoters and ¾ to the
    detractors (so 1.5 to the passives), ``n' = n + 3``,
    ``p' = (P + 0.75) / n'``, ``d' = (D + 0.75) / n'``,
    ``var = p' + d' - (p' - d')²``, and
    ``100 [(p' - d') ± z sqrt(var / n')]``, clipped to [-100, 100]. It does not
    collapse when every answer is a promoter. The interval is centred on the
    adjusted score ``p' - d'``, not on ``score``; when that puts ``score`` outside
    it (only for unanimous or near-unanimous samples: at 95% only when n = 1, at
    90% for unanimous samples of n <= 4, more often at lower levels) the bound is
    extended to ``score``, so the interval always contains the reported score.
    This extension is ours, not part of the published recipe.

    Checked against an independent re-implementation of the published recipe (R
    4.2 arithmetic, values pinned in the tests); no mainstream Python package
    implements it. R package NPS (Rocks) offers a plain Wald interval, which
    collapses to zero width at 100% promoters.

    References
    ----------
    Rocks, B. (2016). Interval estimation for the "net promoter score". The
    American Statistician, 70(4), 365-372.
    Lewis, J. R., & Sauro, J. (2021). Evaluating NPS confidence intervals with
    real-world data. MeasuringU. https://measuringu.com/nps-three-confidence-intervals/

    Examples
    --------
    >>> r = nps([10, 10, 9, 9, 8, 7, 6, 3, None])
    >>> r.score, r.n, r.n_skipped
    (25.0, 8, 1)
    >>> r.ci
    ConfidenceInterval(low=-29.4167..., high=65.7803..., level=0.95)
    >>> nps([10] * 20).ci.high > nps([10] * 20).ci.low
    True
    """
    from scipy import stats

    _check_confidence(confidence)
    v = as_vector(answers, what="answers")
    skipped = np.isnan(v)
    vals = v[~skipped]
    bad = (vals < 0) | (vals > 10) | (vals != np.round(vals))
    if bad.any():
        pos = np.flatnonzero(~skipped)[np.flatnonzero(bad)[0]]
        raise MentormatchError(
            f"answers[{pos}]: {v[pos]:g} is not a whole number on the 0..10 scale",
            field="answers",
            participant_id=f"row {pos}",
            value=float(v[pos]),
        )
    n = int(vals.size)
    if n == 0:
        raise MentormatchError(
            f"answers: no answers to score ({int(skipped.sum())} skipped)", field="answers"
        )
    pro = int((vals >= 9).sum())
    det = int((vals <= 6).sum())
    pas = n - pro - det
    score = 100.0 * (pro - det) / n
    z = float(stats.norm.isf((1 - confidence) / 2))
    n_adj = n + 3.0
    p_adj = (pro + 0.75) / n_adj
    d_adj = (det + 0.75) / n_adj
    centre = p_adj - d_adj
    var = p_adj + d_adj - centre**2
    half = z * math.sqrt(var / n_adj)
    low = max(-100.0, 100.0 * (centre - half))
    high = min(100.0, 100.0 * (centre + half))
    # The adjusted interval is centred on the shrunken score; for (near-)unanimous small
    # samples or low confidence levels it can miss the observed score. Extend it to the
    # observed score then, so the reported interval always contains the reported score.
    ci = ConfidenceInterval(min(low, score), max(high, score), confidence)
    return NPS(score, pro, pas, det, n, int(skipped.sum()), ci, "adjusted-wald")
