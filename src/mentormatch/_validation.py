"""Parameter checks shared by criteria, constraints and the matcher.

One message template for every bad parameter, in the manner of scikit-learn:
"The 'weight' parameter of GoalOverlap must be a number > 0. Got -1 instead."
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from mentormatch._errors import MentormatchError


def check_weight(owner: str, weight: Any) -> float:
    """Return ``weight`` as a float, or raise if it is not a finite number > 0."""
    if isinstance(weight, bool) or not isinstance(weight, int | float) or not math.isfinite(weight):
        raise MentormatchError(
            f"The 'weight' parameter of {owner} must be a number > 0. Got {weight!r} instead.",
            field="weight",
            value=weight,
        )
    if weight <= 0:
        raise MentormatchError(
            f"The 'weight' parameter of {owner} must be a number > 0. Got {weight!r} instead; "
            "leave the criterion out to ignore it.",
            field="weight",
            value=weight,
        )
    return float(weight)


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
    """Return ``value`` if it is an int >= ``minimum``; otherwise raise."""
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise MentormatchError(
            f"The {param!r} parameter of {owner} must be an integer >= {minimum}. "
            f"Got {value!r} instead.",
            field=param,
            value=value,
        )
    return value


def check_unit_interval(owner: str, param: str, value: Any) -> float:
    """Return ``value`` as a float if it lies in [0, 1]; otherwise raise."""
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or not 0 <= value <= 1
    ):
        raise MentormatchError(
            f"The {param!r} parameter of {owner} must be a number in [0, 1]. Got {value!r} instead.",
            field=param,
            value=value,
        )
    return float(value)


@lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """The comparison form of a goal, skill or attribute value: trimmed and case-folded."""
    return " ".join(text.split()).casefold()
