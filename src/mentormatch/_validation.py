"""Parameter checks shared by criteria, constraints and the matcher.

One message template for every bad parameter, in the manner of scikit-learn:
"The 'weight' parameter of GoalOverlap must be a number > 0. Got -1 instead."
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping, Sequence
from fractions import Fraction
from functools import lru_cache
from typing import Any, TypeAlias, cast

import numpy as np

from mentormatch._errors import MentormatchError

#: What a real-number parameter accepts in a signature: Python's and numpy's numbers.
#: (A bool is refused at run time, though a type checker counts it as an int.)
RealLike: TypeAlias = "float | np.floating[Any] | np.integer[Any]"
#: What a whole-number parameter accepts: Python's and numpy's integers (a whole float too,
#: at run time).
WholeLike: TypeAlias = "int | np.integer[Any]"
#: What a True/False parameter accepts: Python's and numpy's bools.
BoolLike: TypeAlias = "bool | np.bool_"


def shown(value: object, limit: int = 60) -> str:
    """``repr(value)`` for a message: cut to ``limit`` characters, and a huge integer by its size.

    Python refuses to print an int of more than 4300 digits, and a message
    should not carry one of 400: such a number is shown by its digit count.

    Examples
    --------
    >>> shown(3), shown(2**70), shown("x" * 100)[-5:], shown(10**500)
    ('3', '1180591620717411303424', 'xx...', 'an integer of 501 digits')
    """
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 100:
        if value.bit_length() < 10_000:
            return f"an integer of {len(str(abs(value)))} digits"
        return f"an integer of about {int(value.bit_length() * math.log10(2)) + 1} digits"
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def is_bool(value: object) -> bool:
    """Whether ``value`` is a bool (Python's or numpy's): never a number here."""
    return isinstance(value, bool | np.bool_)


def as_real(value: object) -> float | None:
    """``value`` as a float when it is a real number (numpy's included, bools not), else None."""
    if is_bool(value) or not isinstance(value, numbers.Real):
        return None
    try:
        return float(value)
    except OverflowError:  # an int too large for a float: an infinity, refused where finite
        return math.inf if cast(Any, value) > 0 else -math.inf


def finite(value: object) -> float | None:
    """``value`` as a finite float when it is a real number (numpy's included); None for
    anything else: text, bools, None, nan, an infinity or an integer too large for a float.

    >>> finite(2), finite(True), finite(float("nan")), finite(10**400), finite("1")
    (2.0, None, None, None, None)
    """
    real = as_real(value)
    return real if real is not None and math.isfinite(real) else None


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


def check_bool(owner: str, param: str, value: Any) -> bool:
    """Return ``value`` as a bool if it is one (Python's or numpy's); otherwise raise.

    A number is not a bool: ``1`` and ``0`` are refused, as a bool is refused
    where a number is expected.
    """
    if not is_bool(value):
        raise MentormatchError(
            f"The {param!r} parameter of {owner} must be True or False. Got {shown(value)} instead.",
            field=param,
            value=value,
        )
    return bool(value)


def check_real(
    owner: str, param: str, value: Any, *, minimum: float = -math.inf, strict: bool = False
) -> float:
    """Return ``value`` as a float if it is a finite real number >= ``minimum``
    (> ``minimum`` when ``strict``); numpy's included, bools refused."""
    real = as_real(value)
    if real is not None and math.isfinite(real) and (real > minimum if strict else real >= minimum):
        return real
    bound = "" if minimum == -math.inf else f" {'>' if strict else '>='} {minimum:g}"
    raise MentormatchError(
        f"The {param!r} parameter of {owner} must be a finite number{bound}. "
        f"Got {shown(value)} instead.",
        field=param,
        value=value,
    )


def check_weight(owner: str, weight: Any) -> float:
    """Return ``weight`` as a float, or raise if it is not a finite number > 0."""
    real = as_real(weight)
    if real is None or not math.isfinite(real):
        raise MentormatchError(
            f"The 'weight' parameter of {owner} must be a number > 0. Got {shown(weight)} instead.",
            field="weight",
            value=weight,
        )
    if real <= 0:
        raise MentormatchError(
            f"The 'weight' parameter of {owner} must be a number > 0. Got {shown(weight)} instead; "
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
            f"The {param!r} parameter of {owner} must be one of {listed}. Got {shown(value)} instead.",
            field=param,
            value=value,
        )
    return value


def check_int(
    owner: str, param: str, value: Any, *, minimum: int, maximum: int | None = None
) -> int:
    """Return ``value`` as an int if it is a whole number >= ``minimum`` (and <= ``maximum``
    when given); see :func:`as_whole`. Bools are refused; numpy integers and whole floats
    are taken; a huge value is an int like any other (callers clip it where it cannot
    matter)."""
    whole = as_whole(value)
    if whole is None or whole < minimum or (maximum is not None and whole > maximum):
        bound = f">= {minimum}" if maximum is None else f"in {minimum}..{maximum}"
        raise MentormatchError(
            f"The {param!r} parameter of {owner} must be an integer {bound}. "
            f"Got {shown(value)} instead.",
            field=param,
            value=value,
        )
    return whole


def check_unit_interval(owner: str, param: str, value: Any) -> float:
    """Return ``value`` as a float if it lies in [0, 1]; otherwise raise."""
    real = as_real(value)
    if real is None or not math.isfinite(real) or not 0 <= real <= 1:
        raise MentormatchError(
            f"The {param!r} parameter of {owner} must be a number in [0, 1]. Got {shown(value)} instead.",
            field=param,
            value=value,
        )
    return real


def shares(weights: Mapping[str, float]) -> dict[str, float]:
    """Each criterion's share of the total weight, ``w_i / sum(w)``, exactly rounded.

    The weights are read at their shortest decimal form (``repr``) and
    normalised in exact rational arithmetic, then rounded once. So weights
    that differ only by a common factor (``2, 1``; ``4, 2``; ``0.2, 0.1``;
    ``3, 1`` and ``0.3, 0.1``) give bit for bit the same shares, hence the
    same scores and the same match.

    Examples
    --------
    >>> shares({"a": 2, "b": 1}) == shares({"a": 0.2, "b": 0.1}) == shares({"a": 4e9, "b": 2e9})
    True
    >>> shares({"a": 0.3, "b": 0.1})
    {'a': 0.75, 'b': 0.25}
    """
    exact = {k: Fraction(repr(float(w))) for k, w in weights.items()}
    total = sum(exact.values(), Fraction(0))
    return {k: float(q / total) for k, q in exact.items()}


@lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """The comparison form of a goal, skill or attribute value: trimmed and case-folded."""
    return " ".join(text.split()).casefold()
