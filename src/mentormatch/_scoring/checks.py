"""Checks of what a programme's criteria and rules are, and of what they return.

A criterion or a rule is a user's object: its shape is checked once (by the
:class:`~mentormatch.Matcher`), and what it returns is checked every time,
on every path: shape, numbers (or booleans) only, finite, scores in [0, 1].
Each message names the criterion or rule, and the mentee and mentor of the
first bad value.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from mentormatch._dates import is_missing
from mentormatch._errors import MentormatchError
from mentormatch._validation import as_real, is_bool, shown
from mentormatch.constraints import ConstraintLike
from mentormatch.criteria.base import CriterionLike
from mentormatch.participants import Mentee, Mentor

__all__ = [
    "SELF_RULE",
    "TOL",
    "check_constraints",
    "check_criteria",
    "check_mask",
    "check_scores",
    "thread_safe",
    "weight_of",
]

#: Scores within this of [0, 1] are rounding noise (clipped); ``min_score`` has this slack.
TOL = 1e-9
#: The name under which "a person is never matched with themself" is reported.
SELF_RULE = "not_yourself"


def thread_safe(obj: object) -> bool:
    """Whether a criterion or rule says it may be called from several threads at once."""
    return getattr(obj, "thread_safe", False) is True


def _has_shape(kind: str, obj: Any, *, attrs: tuple[str, ...], shape: str) -> None:
    """Refuse an object lacking one of ``attrs``; ``shape`` says what one has."""
    missing = [a for a in attrs if not hasattr(obj, a)]
    if missing:
        raise MentormatchError(
            f"{kind} {obj!r} lacks {', '.join(missing)}; {shape}",
            field="criteria" if kind == "criterion" else "constraints",
        )


def _has_name(kind: str, obj: Any, used_in: str) -> None:
    if not isinstance(obj.name, str) or not obj.name.strip():
        what = "a criterion's" if kind == "criterion" else "a rule's"
        raise MentormatchError(
            f"{kind} {shown(obj)} has name {shown(obj.name)}; {what} name is a non-empty "
            f"string, used in {used_in}",
            field="name",
            value=obj.name,
        )


def check_criteria(criteria: Iterable[Any]) -> tuple[CriterionLike, ...]:
    """The criteria of a matcher: at least one, each of the right shape, names unique."""
    out = tuple(criteria)
    if not out:
        raise MentormatchError(
            "Matcher needs at least one criterion, e.g. criteria=[GoalOverlap()]", field="criteria"
        )
    names: set[str] = set()
    for c in out:
        _has_shape(
            "criterion",
            c,
            attrs=("name", "weight", "score", "explain"),
            shape="a criterion has a name, a weight > 0, score(mentees, mentors) and "
            "explain(mentee, mentor, value) (wrap a plain function in FunctionCriterion)",
        )
        _has_name("criterion", c, "contributions and exports")
        weight_of(c)
        if c.name in names:
            raise MentormatchError(
                f"two criteria are named {c.name!r}; give one of them another name= so that "
                "contributions can tell them apart",
                field="name",
                value=c.name,
            )
        names.add(c.name)
    return out


def check_constraints(constraints: Iterable[Any]) -> tuple[ConstraintLike, ...]:
    """The rules of a matcher: each of the right shape, names unique (and not the self rule's)."""
    out = tuple(constraints)
    names: set[str] = set()
    for c in out:
        _has_shape(
            "constraint",
            c,
            attrs=("name", "allowed", "explain"),
            shape="a constraint has a name, allowed(mentees, mentors) and explain(mentee, mentor)",
        )
        _has_name("constraint", c, "the reasons")
        if c.name in names or c.name == SELF_RULE:
            raise MentormatchError(
                f"two constraints are named {c.name!r}; give each rule its own name",
                field="name",
                value=c.name,
            )
        names.add(c.name)
    return out


def weight_of(c: CriterionLike) -> float:
    """A criterion's weight as a float (checked again: a criterion is a user's object)."""
    real = as_real(c.weight)
    if real is None or not math.isfinite(real) or real <= 0:
        raise MentormatchError(
            f"criterion {c.name!r} has weight {shown(c.weight)}; weights must be finite "
            "numbers > 0 (True and False are not weights)",
            field="weight",
            value=c.weight,
        )
    return real


def as_array(raw: Any) -> NDArray[Any]:
    """What a criterion or rule returned, as an array: any array-like, a DataFrame or a
    scipy sparse matrix included."""
    if not isinstance(raw, np.ndarray) and callable(getattr(raw, "toarray", None)):
        raw = raw.toarray()
    return np.asarray(raw)


_is_bool_each = np.frompyfunc(is_bool, 1, 1)
_is_number_each = np.frompyfunc(lambda v: is_bool(v) or as_real(v) is not None, 1, 1)
_KINDS = {"U": "text", "S": "bytes", "M": "dates", "m": "time spans", "c": "complex numbers"}


Grid = tuple[Sequence[Mentee], Sequence[Mentor]]


def _where(grid: Grid, i: int, j: int) -> str:
    return f"mentee {grid[0][i].id!r} and mentor {grid[1][j].id!r}"


def _first_bad(
    who: str,
    found: tuple[NDArray[Any], NDArray[np.bool_], Grid],
    *,
    need: str,
    missing: str,
) -> MentormatchError:
    """The error naming the first value of ``arr`` that ``ok`` refuses, and its pair."""
    arr, ok, grid = found
    i, j = (int(x) for x in np.argwhere(~ok)[0])
    value = arr[i, j]
    return MentormatchError(
        f"{who} returned {shown(value)} for {_where(grid, i, j)}; {need}"
        + (missing if is_missing(value) else ""),
        field="criteria" if who.startswith("criterion") else "constraints",
        participant_id=grid[0][i].id,
    )


def _as_grid(what: str, name: str, raw: Any, *, shape: tuple[int, int]) -> NDArray[Any]:
    """``raw`` as an array of ``shape``, or the error naming ``what`` (criterion or constraint)."""
    field = "criteria" if what == "criterion" else "constraints"
    try:
        arr = as_array(raw)
    except (TypeError, ValueError) as exc:
        kind = "numbers in [0, 1]" if what == "criterion" else "booleans"
        raise MentormatchError(
            f"{what} {name!r} returned {type(raw).__name__}, not an array of {kind}",
            field=field,
        ) from exc
    if arr.shape != shape:
        raise MentormatchError(
            f"{what} {name!r} returned shape {arr.shape}; expected {shape} for "
            f"{shape[0]} mentees x {shape[1]} mentors",
            field=field,
            value=arr.shape,
        )
    return arr


def _numbers_only(name: str, raw: Any, *, arr: NDArray[Any], grid: Grid) -> None:
    """Refuse text, dates ... and, in an object array, anything that is not a number."""
    what = type(raw).__name__
    if arr.size and arr.dtype.kind not in "biuf" and arr.dtype != object:
        held = _KINDS.get(arr.dtype.kind, f"values of dtype {arr.dtype}")
        raise MentormatchError(
            f"criterion {name!r} returned {what} of {held}, not an array of numbers in [0, 1]",
            field="criteria",
            value=str(arr.dtype),
        )
    if arr.dtype == object and arr.size:  # numbers of any kind, or text, None, pd.NA ...
        ok = np.asarray(_is_number_each(arr), dtype=bool)
        if not ok.all():
            raise _first_bad(
                f"criterion {name!r}",
                (arr, ok, grid),
                need="scores must be numbers in [0, 1]",
                missing=" (a missing value is not a score)",
            )


def _in_unit_interval(name: str, s: NDArray[np.float64], grid: Grid) -> NDArray[np.float64]:
    """``s`` when finite and within [0, 1] (rounding noise within ``TOL`` clipped)."""
    lo, hi = float(s.min()), float(s.max())
    if lo >= 0 and hi <= 1:  # NaN fails both comparisons: it never passes here
        return s
    if not np.isfinite(s).all():
        i, j = (int(x) for x in np.argwhere(~np.isfinite(s))[0])
        raise MentormatchError(
            f"criterion {name!r} returned a non-finite value ({s[i, j]}) for "
            f"{_where(grid, i, j)}; scores must be numbers in [0, 1]",
            field="criteria",
            participant_id=grid[0][i].id,
        )
    if lo < -TOL or hi > 1 + TOL:
        i, j = (int(x) for x in np.argwhere((s < -TOL) | (s > 1 + TOL))[0])
        raise MentormatchError(
            f"criterion {name!r} returned {s[i, j]} for {_where(grid, i, j)}; scores must "
            "lie in [0, 1] (rescale them)",
            field="criteria",
            participant_id=grid[0][i].id,
        )
    return np.clip(s, 0.0, 1.0)  # rounding noise within 1e-9 only


def check_scores(
    name: str,
    raw: Any,
    grid: Grid,
    *,
    shape: tuple[int, int] | None = None,
    copy: bool = True,
) -> NDArray[np.float64]:
    """What criterion ``name`` returned for the pairs of ``grid`` (mentees, mentors), checked.

    Returns float scores in [0, 1], or raises naming the first bad pair.
    With ``copy`` (for results that are kept) never the very array returned:
    a criterion may keep and change it.
    """
    shape = (len(grid[0]), len(grid[1])) if shape is None else shape
    arr = _as_grid("criterion", name, raw, shape=shape)
    _numbers_only(name, raw, arr=arr, grid=grid)
    s = np.asarray(arr, dtype=np.float64)
    if s.size == 0:
        return s
    s = _in_unit_interval(name, s, grid)
    return s.copy() if copy and s is raw else s


def check_mask(name: str, raw: Any, grid: Grid) -> NDArray[np.bool_]:
    """What rule ``name`` returned for the pairs of ``grid`` (mentees, mentors), checked.

    Returns booleans (never the very array returned), or raises naming the
    first value that is not a boolean.
    """
    shape = (len(grid[0]), len(grid[1]))
    arr = _as_grid("constraint", name, raw, shape=shape)
    if arr.dtype == np.bool_:
        return arr.copy() if arr is raw else arr
    if arr.dtype == object:  # pandas' nullable booleans, lists of numpy bools ...
        ok = np.asarray(_is_bool_each(arr), dtype=bool) if arr.size else np.ones(shape, bool)
        if ok.all():
            return arr.astype(bool)
        raise _first_bad(
            f"constraint {name!r}",
            (arr, ok, grid),
            need="allowed() must return True or False for every pair",
            missing=" (a missing value is neither)",
        )
    if arr.size == 0:
        return np.ones(shape, dtype=bool)
    raise MentormatchError(
        f"constraint {name!r} returned dtype {arr.dtype}; allowed() must return booleans "
        "(True where the pair may be made), not numbers",
        field="constraints",
        value=str(arr.dtype),
    )
