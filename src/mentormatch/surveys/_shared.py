"""What every survey statistic shares: the warning for undefined figures, the
missing-data policies, and how numbers are shown in summaries."""

from __future__ import annotations

import math
import warnings
from typing import Literal

import numpy as np

from mentormatch._errors import MentormatchError
from mentormatch._intervals import ConfidenceInterval
from mentormatch.surveys._input import FloatArray

__all__ = ["SurveyWarning"]


MissingPolicy = Literal["pairwise", "listwise"]


_MISSING_POLICIES: tuple[str, ...] = ("pairwise", "listwise")


class SurveyWarning(RuntimeWarning):
    """A survey statistic is undefined for this input and was returned as ``nan``.

    The message says which statistic and why (one item, one respondent, no
    variance, ...). Filter it like any warning::

        warnings.simplefilter("ignore", SurveyWarning)

    Examples
    --------
    >>> issubclass(SurveyWarning, RuntimeWarning)
    True
    """


def _warn(message: str) -> None:
    warnings.warn(message, SurveyWarning, stacklevel=3)


def _check_missing(missing: str) -> None:
    if not isinstance(missing, str) or missing not in _MISSING_POLICIES:
        raise MentormatchError(
            f"missing={missing!r} is not a valid policy; valid values are "
            f"{', '.join(repr(m) for m in _MISSING_POLICIES)}",
            field="missing",
            value=missing,
        )


def _fmt(x: float, digits: int = 2, sign: bool = False) -> str:
    if math.isnan(x):
        return "undefined"
    return f"{x:+.{digits}f}" if sign else f"{x:.{digits}f}"


def _fmt_ci(ci: ConfidenceInterval, digits: int = 2, sign: bool = False) -> str:
    pct = f"{ci.level * 100:g}%"
    if math.isnan(ci.low) or math.isnan(ci.high):
        return f"{pct} CI undefined"
    return f"{pct} CI {_fmt(ci.low, digits, sign)} to {_fmt(ci.high, digits, sign)}"


def _fmt_p(p: float) -> str:
    if math.isnan(p):
        return "p undefined"
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def _rounding(*arrays: FloatArray) -> float:
    """How far apart two results of one subtraction or mean of these numbers may lie by
    rounding alone: a few units in the last place of the largest magnitude."""
    top = max((float(np.max(np.abs(a))) for a in arrays if a.size), default=0.0)
    return float(8.0 * np.finfo(np.float64).eps * top)


def _snap(values: FloatArray, tolerance: float) -> FloatArray:
    """``values`` with numbers that differ by rounding only made equal (and those that
    are zero but for rounding made 0), so ties and zeros are decided as written:
    0.3 - 0.1 and 0.4 - 0.2 are the same change."""
    out = values.astype(np.float64, copy=True)
    if out.size == 0 or tolerance == 0:
        return out
    out[np.abs(out) <= tolerance] = 0.0
    order = np.argsort(out, kind="stable")
    ordered = out[order]
    starts = np.concatenate([[True], np.diff(ordered) > tolerance])
    leader = np.maximum.accumulate(np.where(starts, np.arange(ordered.size), 0))
    out[order] = ordered[leader]
    return out
