"""The confidence interval shared by every statistic in mentormatch.

No interval has its low end above its high end: :class:`ConfidenceInterval`
refuses one, so an estimator that would build one fails loudly instead of
handing it on.  An undefined interval is ``nan`` at both ends.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from mentormatch._errors import MentormatchError
from mentormatch._validation import as_real
from mentormatch._values import Value


@dataclass(frozen=True, eq=False)
class ConfidenceInterval(Value):
    """A two-sided confidence interval.

    Attributes
    ----------
    low, high : float
        The bounds, ``low <= high`` (either may be infinite); both ``nan`` when
        the interval is undefined.
    level : float
        The confidence level, e.g. 0.95.

    Raises
    ------
    MentormatchError
        When ``low > high``, when only one end is ``nan``, or when a bound or
        the level is not a number (a bool is not).

    Examples
    --------
    >>> ci = ConfidenceInterval(0.2, 0.6, 0.95)
    >>> ci.contains(0.5), ci.width
    (True, 0.4)
    >>> str(ci)
    '95% CI [0.2, 0.6]'
    >>> ConfidenceInterval(1.156, 1.002)
    Traceback (most recent call last):
    ...
    mentormatch._errors.MentormatchError: an interval cannot have its low end above its high end: [1.156, 1.002]
    """

    low: float
    high: float
    level: float = 0.95

    def __post_init__(self) -> None:
        super().__post_init__()
        values = {}
        for name in ("low", "high", "level"):
            raw = getattr(self, name)
            real = as_real(raw)
            if real is None:
                raise MentormatchError(
                    f"the interval's {name} must be a number, not {raw!r}", field=name, value=raw
                )
            values[name] = real
        low, high, level = values["low"], values["high"], values["level"]
        if math.isnan(low) != math.isnan(high):
            raise MentormatchError(
                f"an interval is undefined at both ends or at neither: [{low}, {high}]",
                field="low",
                value=(low, high),
            )
        if low > high:
            raise MentormatchError(
                f"an interval cannot have its low end above its high end: [{low}, {high}]",
                field="low",
                value=(low, high),
            )
        if not 0 < level < 1:
            raise MentormatchError(
                f"the interval's level must be between 0 and 1, not {level}",
                field="level",
                value=level,
            )
        # plain floats, whatever came in (numpy scalars compare and print alike)
        object.__setattr__(self, "low", low)
        object.__setattr__(self, "high", high)
        object.__setattr__(self, "level", level)

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
