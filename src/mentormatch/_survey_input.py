"""Private input helpers for :mod:`mentormatch.surveys`.

Turn arrays, nested lists, pandas objects and lists of dicts into float matrices
with ``nan`` for skipped answers, naming the row and column of any bad cell; and
read a survey file (:func:`read_responses`), reporting every problem at once.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from mentormatch._errors import MentormatchError
from mentormatch._files.tables import normalise_column, read_table_checked
from mentormatch._problems import ProblemsError, did_you_mean, listed

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

_NUMBER = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?")


@dataclass(frozen=True)
class Responses:
    """The answers of a survey file, checked.

    Attributes
    ----------
    answers : list of dict
        Per respondent, item -> answer (``None`` when skipped), in file order.
    ids : list of str or None
        The respondent ids (``None`` without an id column).
    extra : dict of str to list
        Per extra column (NPS ...), the answers as numbers (``None`` when empty).
    rows : list of int
        The row of each respondent, as a spreadsheet numbers it.
    """

    answers: list[dict[str, float | None]]
    ids: list[str | None]
    extra: dict[str, list[float | None]] = field(default_factory=dict)
    rows: list[int | str] = field(default_factory=list)


def _answer(text: object) -> float | None:
    """A cell as a number; None when it is not one (``nan`` and ``inf`` are not answers)."""
    if isinstance(text, bool):
        return None
    if isinstance(text, (int, float, np.integer, np.floating)):
        try:
            number = float(text)
        except OverflowError:
            return None
        return number if math.isfinite(number) else None
    if not isinstance(text, str) or not _NUMBER.fullmatch(text.strip()):
        return None
    number = float(text.strip().replace(",", "."))
    return number if math.isfinite(number) else None


def read_responses(
    source: Any,
    items: Sequence[str],
    scale: tuple[float, float],
    *,
    id_column: str | None = None,
    require_id: bool = False,
    extra: Mapping[str, tuple[float, float, str]] | None = None,
    what: str = "the responses",
) -> Responses:
    r"""Read a survey file: one row per respondent, one column per item.

    Parameters
    ----------
    source : path, open file or pandas.DataFrame
    items : sequence of str
        The instrument's items; each needs a column (names compared ignoring
        case and spaces).
    scale : (float, float)
        The declared bounds; an answer outside them is a problem.
    id_column : str, optional
        The column of respondent ids; ids must be unique and non-empty.
    require_id : bool
        Whether ``id_column`` must exist (to pair two rounds).
    extra : mapping of column to (low, high, option), optional
        Other columns read as whole numbers in ``low..high`` (the NPS column);
        ``option`` names the command-line option in messages.
    what : str
        What the file is, for the first line of the error.

    Raises
    ------
    ProblemsError
        Listing every problem: the file cannot be read, a column is missing
        (with the nearest existing name), a cell is not a number or lies
        outside the scale (row, column and respondent), an id is empty or
        repeated, or the file has no respondents.

    Examples
    --------
    >>> import io
    >>> got = read_responses(io.StringIO("id,q1,q2\ne1,4,\ne2,5,2\n"), ["q1", "q2"], (1, 5),
    ...                      id_column="id")
    >>> got.answers, got.ids, got.rows
    ([{'q1': 4.0, 'q2': None}, {'q1': 5.0, 'q2': 2.0}], ['e1', 'e2'], [2, 3])
    >>> read_responses(io.StringIO("id,q1,q2\ne1,4,9\ne1,x,2\n"), ["q1", "q2"], (1, 5),
    ...                id_column="id")
    Traceback (most recent call last):
    ...
    mentormatch._problems.ProblemsError: 3 problems in the responses:
      row 2, column 'q2', id 'e1': answer 9 is outside the scale 1..5; correct it, or leave the cell empty if it was skipped
      row 3, column 'q1', id 'e1': 'x' is not a number; write the answer's number, or leave the cell empty if it was skipped
      row 3, column 'id', id 'e1': respondent 'e1' also answers in row 2; each respondent answers once: merge the rows or correct the id
    """
    table, sink = read_table_checked(source, what)
    extra = dict(extra or {})
    if table is None:
        raise ProblemsError(sink.items, what)
    columns = table.columns
    shown = listed(table.original)
    keys = {normalise_column(i): i for i in items}
    missing = [i for key, i in keys.items() if key not in columns]
    if missing:
        hints = "".join(
            f" ({m!r}{did_you_mean(normalise_column(m), columns).removeprefix(';')})"
            for m in missing
            if did_you_mean(normalise_column(m), columns)
        )
        sink.add(
            f"no column for item(s) {missing}{hints}; the columns are {shown}",
            row=1,
            column=normalise_column(missing[0]),
        )
    id_key = normalise_column(id_column) if id_column else None
    if id_key is not None and id_key not in columns:
        if require_id:
            sink.add(
                f"no column {id_column!r} for the respondent ids{did_you_mean(id_key, columns)}; "
                f"the columns are {shown}; name the id column with --id-column",
                row=1,
                column=id_key,
            )
        id_key = None
    for name, (_, _, option) in extra.items():
        if normalise_column(name) not in columns:
            sink.add(
                f"no column {name!r} ({option}){did_you_mean(normalise_column(name), columns)}; "
                f"the columns are {shown}",
                row=1,
                column=normalise_column(name),
            )
    if sink.items:
        raise ProblemsError(sink.items, what)
    if not table.rows:
        sink.add("the file has a header but no responses; add one row per respondent")
    lo, hi = scale
    answers: list[dict[str, float | None]] = []
    ids: list[str | None] = []
    extras: dict[str, list[float | None]] = {name: [] for name in extra}
    first_row: dict[str, int | str] = {}
    for row in table.rows:
        cells = row.cells
        pid = None if id_key is None or cells.get(id_key) is None else str(cells[id_key]).strip()
        record: dict[str, float | None] = {}
        for key, item in keys.items():
            cell = cells.get(key)
            value = None if cell is None else _answer(cell)
            if cell is not None and value is None:
                sink.add(
                    f"{cell!r} is not a number; write the answer's number, or leave the cell "
                    "empty if it was skipped",
                    row=row.number if isinstance(row.number, int) else None,
                    column=key,
                    participant_id=pid,
                )
            elif value is not None and not lo <= value <= hi:
                sink.add(
                    f"answer {cell} is outside the scale {lo:g}..{hi:g}; correct it, or leave "
                    "the cell empty if it was skipped",
                    row=row.number if isinstance(row.number, int) else None,
                    column=key,
                    participant_id=pid,
                )
                value = None
            record[item] = value
        for name, (low, high, _) in extra.items():
            cell = cells.get(normalise_column(name))
            value = None if cell is None else _answer(cell)
            if cell is not None and (
                value is None or not value.is_integer() or not low <= value <= high
            ):
                sink.add(
                    f"{cell!r} is not a whole number {low:g}..{high:g}; correct it, or leave the "
                    "cell empty if it was skipped",
                    row=row.number if isinstance(row.number, int) else None,
                    column=normalise_column(name),
                    participant_id=pid,
                )
                value = None
            extras[name].append(value)
        if id_key is not None:
            if pid is None:
                sink.add(
                    f"the respondent id is empty; give every row an id in the {id_column!r} column",
                    row=row.number if isinstance(row.number, int) else None,
                    column=id_key,
                )
            elif pid in first_row:
                sink.add(
                    f"respondent {pid!r} also answers in row {first_row[pid]}; each respondent "
                    "answers once: merge the rows or correct the id",
                    row=row.number if isinstance(row.number, int) else None,
                    column=id_key,
                    participant_id=pid,
                )
            else:
                first_row[pid] = row.number
        answers.append(record)
        ids.append(pid)
    if sink.items:
        raise ProblemsError(sink.items, what)
    return Responses(answers, ids, extras, [r.number for r in table.rows])
