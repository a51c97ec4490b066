"""The confidence interval shared by every statistic in mentormatch."""

from __future__ import annotations

import math
from dataclasses import dataclass

from mentormatch._values import Value


@dataclass(frozen=True, eq=False)
class ConfidenceInterval(Value):
    """A two-sided confidence interval.

    Attributes
    ----------
    low, high : float
        The bounds; ``nan`` when the interval is undefined.
    level : float
        The confidence level, e.g. 0.95.

    Examples
    --------
    >>> ci = ConfidenceInterval(0.2, 0.6, 0.95)
    >>> ci.contains(0.5), ci.width
    (True, 0.4)
    >>> str(ci)
    '95% CI [0.2, 0.6]'
    """

    low: float
    high: float
    level: float = 0.95

    @property
    def width(self) -> float:
        """``high - low``."""
        return self.high - self.low

    def contains(self, value: float) -> bool:
        """Whether ``low <= value <= high`` (False when undefined)."""
        return bool(self.low <= value <= self.high)

    def __str__(self) -> str:
        pct = f"{self.level * 100:g}%"
        if math.isnan(self.low) or math.isnan(self.high):
            return f"{pct} CI undefined"
        return f"{pct} CI [{self.low:.4g}, {self.high:.4g}]"
