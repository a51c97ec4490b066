"""The boundary for dates and missing values: what pandas and numpy hand in.

Every public entry point that takes a date (``as_of``, ``started``, ``start``,
a meeting ...) calls :func:`to_date` once, and every reader that may meet a
missing value asks :func:`is_missing`. Nothing else in the library compares a
raw date-like.

Accepted as a date: :class:`datetime.date`, :class:`datetime.datetime` (the
date part), :class:`pandas.Timestamp` (a ``datetime``), :class:`numpy.datetime64`
and ISO text (``"2025-06-30"``, or ``"2025-06-30T09:00"``). Missing: ``None``,
``NaN``, ``pandas.NA``, ``pandas.NaT`` and ``numpy.datetime64("NaT")``. A bool
is never a date. pandas is never imported here: its markers are recognised by
type name, so the boundary costs nothing at import.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Literal, TypeAlias, overload

import numpy as np

from mentormatch._errors import MentormatchError
from mentormatch._validation import shown

#: What a date parameter accepts (``datetime`` and ``pandas.Timestamp`` are dates).
DateLike: TypeAlias = date | str | np.datetime64

__all__ = ["DateLike", "is_missing", "to_date", "today"]

_DATE_HELP = (
    "give a date: datetime.date, datetime, pandas.Timestamp, numpy.datetime64 "
    "or ISO text such as '2025-06-30'"
)
_MISSING_TYPES = ("NAType", "NaTType")


def is_missing(value: object) -> bool:
    """Whether ``value`` is one of the markers of a missing value.

    ``None``, a float NaN (Python or numpy), ``pandas.NA``, ``pandas.NaT`` and
    ``numpy.datetime64("NaT")``. Empty text is *not* missing here: readers
    decide what an empty cell means.

    Examples
    --------
    >>> import numpy as np
    >>> [is_missing(v) for v in (None, float("nan"), np.float32("nan"), np.datetime64("NaT"), 0, "")]
    [True, True, True, True, False, False]
    """
    if value is None:
        return True
    if type(value).__name__ in _MISSING_TYPES:
        return True
    if isinstance(value, float | np.floating):
        return math.isnan(value)
    if isinstance(value, np.datetime64 | np.timedelta64):
        return bool(np.isnat(value))
    return False


def today() -> date:
    """Today's date: the default ``as_of`` everywhere."""
    return date.today()


@overload
def to_date(value: object, param: str, *, missing: Literal[False] = False) -> date: ...
@overload
def to_date(value: object, param: str, *, missing: Literal[True]) -> date | None: ...
def to_date(value: object, param: str, *, missing: bool = False) -> date | None:
    """Normalise a date-like to :class:`datetime.date`.

    Parameters
    ----------
    value : date-like or missing marker
        See the module docstring for what is accepted.
    param : str
        The parameter's name, for the error message (``"as_of"``, ``"started"``).
    missing : bool, default False
        Whether a missing marker is allowed (then it gives ``None``).

    Returns
    -------
    datetime.date or None

    Raises
    ------
    MentormatchError
        When ``value`` is not a date, or is missing where a date is required;
        the message names ``param``.

    Examples
    --------
    >>> import numpy as np
    >>> from datetime import datetime
    >>> to_date("2025-06-30", "as_of"), to_date(datetime(2025, 6, 30, 9), "as_of")
    (datetime.date(2025, 6, 30), datetime.date(2025, 6, 30))
    >>> to_date(np.datetime64("2025-06-30T12:00"), "as_of")
    datetime.date(2025, 6, 30)
    >>> to_date(None, "ended", missing=True) is None
    True
    >>> to_date(None, "started")
    Traceback (most recent call last):
    ...
    mentormatch._errors.MentormatchError: The 'started' parameter is missing; give a date: ...
    """
    if is_missing(value):
        if missing:
            return None
        raise MentormatchError(
            f"The {param!r} parameter is missing; {_DATE_HELP}", field=param, value=None
        )
    if isinstance(value, datetime):  # pandas.Timestamp is a datetime
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, np.datetime64):
        return _from_datetime64(value, param)
    if isinstance(value, str):
        return _from_text(value, param)
    raise MentormatchError(
        f"The {param!r} parameter must be a date. Got {shown(value)} instead; {_DATE_HELP}",
        field=param,
        value=value,
    )


def _from_datetime64(value: np.datetime64, param: str) -> date:
    day = value.astype("datetime64[D]")
    out = day.item()
    if not isinstance(out, date):  # years outside 1..9999 come back as an int
        raise MentormatchError(
            f"The {param!r} parameter, {value!r}, lies outside the years 1 to 9999; {_DATE_HELP}",
            field=param,
            value=value,
        )
    return out


def _from_text(value: str, param: str) -> date:
    text = value.strip()
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    try:  # date and time, as spreadsheets and pandas write them
        return datetime.fromisoformat(text.replace("Z", "+00:00").replace(" ", "T", 1)).date()
    except ValueError:
        raise MentormatchError(
            f"The {param!r} parameter must be a date. Got {shown(value)} instead; write it as "
            "YYYY-MM-DD, e.g. '2025-06-30'",
            field=param,
            value=value,
        ) from None
