"""Survey answers in, as float matrices (private to :mod:`mentormatch.surveys`).

Turn arrays, nested lists, pandas objects and lists of dicts into float matrices
with ``nan`` for skipped answers, naming the row and column of any bad cell.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from mentormatch._errors import MentormatchError

FloatArray = npt.NDArray[np.float64]


def is_frame(data: Any) -> bool:
    """Whether ``data`` looks like a pandas DataFrame (without importing pandas)."""
    return hasattr(data, "columns") and hasattr(data, "to_numpy") and hasattr(data, "index")


def is_series(data: Any) -> bool:
    """Whether ``data`` looks like a pandas Series."""
    return hasattr(data, "to_numpy") and hasattr(data, "index") and not hasattr(data, "columns")


def cell_to_float(value: Any, *, where: str, field: str | None, row: str | None) -> float:
    """One answer as a float; ``None``, ``nan`` and ``pd.NA`` become ``nan``."""
    if value is None or type(value).__name__ in ("NAType", "NaTType"):
        return math.nan
    if isinstance(value, (bool, np.bool_)):
        raise MentormatchError(
            f"{where}: answer {value!r} is a boolean, not a number",
            field=field,
            participant_id=row,
            value=value,
        )
    if isinstance(value, (int, float, np.integer, np.floating)):
        try:
            return float(value)
        except OverflowError:
            raise MentormatchError(
                f"{where}: answer {value} is too large to be an answer",
                field=field,
                participant_id=row,
                value=value,
            ) from None
    raise MentormatchError(
        f"{where}: answer {value!r} is not a number (use None or NaN for a skipped answer)",
        field=field,
        participant_id=row,
        value=value,
    )


def _object_matrix_to_float(
    values: npt.NDArray[Any], names: Sequence[str], rows: Sequence[str]
) -> FloatArray:
    out = np.empty(values.shape, dtype=np.float64)
    for i in range(values.shape[0]):
        for j in range(values.shape[1]):
            out[i, j] = cell_to_float(
                values[i, j],
                where=f"respondent {rows[i]}, item {names[j]!r}",
                field=names[j],
                row=rows[i],
            )
    return out


def row_labels(n: int, index: Sequence[Any] | None = None) -> list[str]:
    """Human labels for rows: ``row 0`` or ``row 0 (index 'p1')`` for a DataFrame."""
    if index is None:
        return [f"row {i}" for i in range(n)]
    return [f"row {i} (index {label!r})" for i, label in enumerate(index)]


def as_matrix(
    data: Any, *, columns: Sequence[str] | None = None, what: str = "data"
) -> tuple[FloatArray, list[str], list[str]]:
    """Return ``(matrix, column names, row labels)`` for a table of answers.

    ``columns`` selects and orders the columns (required for lists of dicts
    unless the keys themselves should be used).
    """
    if is_frame(data):
        frame_cols = [str(c) for c in data.columns]
        if columns is not None:
            missing = [c for c in columns if c not in frame_cols]
            if missing:
                raise MentormatchError(
                    f"{what}: the table has no column(s) {missing}; "
                    f"expected the items {list(columns)}",
                    field=missing[0],
                    value=missing,
                )
            positions = [frame_cols.index(c) for c in columns]
            names = list(columns)
        else:
            positions = list(range(len(frame_cols)))
            names = frame_cols
        rows = row_labels(len(data.index), list(data.index))
        raw = data.iloc[:, positions].to_numpy(dtype=object)
        return _object_matrix_to_float(raw, names, rows), names, rows

    if isinstance(data, Sequence) and len(data) > 0 and all(isinstance(r, Mapping) for r in data):
        if columns is None:
            seen: dict[str, None] = {}
            for record in data:
                for key in record:
                    seen[str(key)] = None
            names = list(seen)
        else:
            names = list(columns)
        rows = row_labels(len(data))
        raw = np.empty((len(data), len(names)), dtype=object)
        for i, record in enumerate(data):
            for j, name in enumerate(names):
                raw[i, j] = record.get(name)
        return _object_matrix_to_float(raw, names, rows), names, rows

    if isinstance(data, (str, bytes)) or data is None:
        raise MentormatchError(f"{what}: expected a table of answers, got {data!r}", value=data)
    ragged = MentormatchError(
        f"{what}: rows have different lengths; every respondent needs one entry per item "
        "(use None for a skipped answer)",
    )
    if isinstance(data, np.ndarray):
        arr = data
    else:
        # object dtype keeps booleans, strings and None cell by cell for the error messages
        try:
            arr = np.array(data, dtype=object)
        except ValueError as exc:
            raise ragged from exc
        if arr.ndim == 1 and any(isinstance(r, (Sequence, np.ndarray)) for r in arr):
            raise ragged
    if arr.ndim != 2:
        raise MentormatchError(
            f"{what}: expected a 2-D table (rows = respondents, columns = items), "
            f"got an array of shape {arr.shape}",
            value=arr.shape,
        )
    if columns is not None:
        if arr.shape[1] != len(columns):
            raise MentormatchError(
                f"{what}: the table has {arr.shape[1]} columns but the instrument has "
                f"{len(columns)} items {list(columns)}",
                value=arr.shape,
            )
        names = list(columns)
    else:
        names = [f"item{j + 1}" for j in range(arr.shape[1])]
    rows = row_labels(arr.shape[0])
    if arr.dtype.kind in "iuf":
        return arr.astype(np.float64), names, rows
    if arr.dtype.kind == "O" and all(
        type(v) in (int, float) for v in arr.ravel()
    ):  # plain Python numbers: fast path (a huge integer falls through to the cell check)
        try:
            return arr.astype(np.float64), names, rows
        except OverflowError:
            pass
    return _object_matrix_to_float(arr.astype(object), names, rows), names, rows


def as_vector(data: Any, *, what: str) -> FloatArray:
    """A 1-D float vector with ``nan`` for skipped answers, naming any bad entry."""
    if is_series(data):
        data = data.to_numpy(dtype=object)
    if isinstance(data, (str, bytes)) or data is None:
        raise MentormatchError(f"{what}: expected a sequence of answers, got {data!r}", value=data)
    arr = np.asarray(data, dtype=object) if not isinstance(data, np.ndarray) else data
    if arr.ndim == 0:
        arr = arr.reshape(1)
    if arr.ndim != 1:
        raise MentormatchError(
            f"{what}: expected a 1-D sequence, got shape {arr.shape}", value=arr.shape
        )
    if arr.dtype.kind in "iuf":
        return arr.astype(np.float64)
    if arr.dtype.kind not in "O":
        arr = arr.astype(object)
    out = np.empty(arr.shape[0], dtype=np.float64)
    for i, value in enumerate(arr):
        out[i] = cell_to_float(value, where=f"{what}[{i}]", field=what, row=f"row {i}")
    return out


# --------------------------------------------------------------------------- survey files
