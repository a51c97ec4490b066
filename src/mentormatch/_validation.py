"""Parameter checks shared by criteria, constraints and the matcher.

One message template for every bad parameter, in the manner of scikit-learn:
"The 'weight' parameter of GoalOverlap must be a number > 0. Got -1 instead."
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import numpy as np

from mentormatch._errors import MentormatchError


def is_bool(value: object) -> bool:
    """Whether ``value`` is a bool (Python's or numpy's): never a number here."""
    return isinstance(value, bool | np.bool_)


def as_real(value: object) -> float | None:
    """``value`` as a float when it is a real number (numpy's included, bools not), else None."""
    if is_bool(value) or not isinstance(value, numbers.Real):
        return None
    return float(value)


def as_whole(value: object) -> int | None:
    """``value`` as an int when it is a whole number, else None.

    Integers of any kind (``int``, ``numpy.int64`` ...) and finite floats with
    no fractional part are whole numbers; bools, NaN, text and anything else
    are not. Python ints are unbounded, so a huge value never overflows here:
    callers clip it where it cannot matter (a capacity above the number of
    mentees, say).

    Examples
    --------
    >>> import numpy as np
    >>> as_whole(np.int64(3)), as_whole(2.0), as_whole(2**70) == 2**70
    (3, 2, True)
    >>> as_whole(True), as_whole(2.5), as_whole(float("nan")), as_whole("3")
    (None, None, None, None)
    """
    if is_bool(value):
        return None
    if isinstance(value, numbers.Integral):
        return int(value)
    if (
        isinstance(value, float | np.floating)
        and math.isfinite(value)
        and float(value).is_integer()
    ):
        return int(value)
    return None


def check_weight(owner: str, weight: Any) -> float:
    """Return ``weight`` as a float, or raise if it is not a finite number > 0."""
    real = as_real(weight)
    if real is None or not math.isfinite(real):
        raise MentormatchError(
            f"The 'weight' parameter of {owner} must be a number > 0. Got {weight!r} instead.",
            field="weight",
            value=weight,
        )
    if real <= 0:
        raise MentormatchError(
            f"The 'weight' parameter of {owner} must be a number > 0. Got {weight!r} instead; "
            "leave the criterion out to ignore it.",
            field="weight",
            value=weight,
        )
    return real


def check_option(owner: str, param: str, value: Any, valid: Sequence[str]) -> str:
    """Return ``value`` if it is one of ``valid``; otherwise raise, listing them."""
    if not isinstance(value, str) or value not in valid:
        listed = ", ".join(repr(v) for v in valid)
        raise MentormatchError(
            f"The {param!r} parameter of {owner} must be one of {listed}. Got {value!r} instead.",
            field=param,
            value=value,
        )
    return value


def check_int(owner: str, param: str, value: Any, *, minimum: int) -> int:
    """Return ``value`` as an int if it is a whole number >= ``minimum`` (see :func:`as_whole`)."""
    whole = as_whole(value)
    if whole is None or whole < minimum:
        raise MentormatchError(
            f"The {param!r} parameter of {owner} must be an integer >= {minimum}. "
            f"Got {value!r} instead.",
            field=param,
            value=value,
        )
    return whole


def check_unit_interval(owner: str, param: str, value: Any) -> float:
    """Return ``value`` as a float if it lies in [0, 1]; otherwise raise."""
    real = as_real(value)
    if real is None or not math.isfinite(real) or not 0 <= real <= 1:
        raise MentormatchError(
            f"The {param!r} parameter of {owner} must be a number in [0, 1]. Got {value!r} instead.",
            field=param,
            value=value,
        )
    return real


@lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """The comparison form of a goal, skill or attribute value: trimmed and case-folded."""
    return " ".join(text.split()).casefold()
