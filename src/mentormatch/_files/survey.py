"""Reading a survey file (private): one row per respondent, one column per item,
every problem reported at once (:func:`read_responses`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from mentormatch._files.tables import Row, Table, normalise_column, read_table_checked
from mentormatch._problems import Problems, ProblemsError, did_you_mean, listed

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
    keys, id_key = _find_columns(
        table, items, id_column=id_column, require_id=require_id, extra=extra, sink=sink
    )
    if sink.items:
        raise ProblemsError(sink.items, what)
    if not table.rows:
        sink.add("the file has a header but no responses; add one row per respondent")
    answers: list[dict[str, float | None]] = []
    ids: list[str | None] = []
    extras: dict[str, list[float | None]] = {name: [] for name in extra}
    first_row: dict[str, int | str] = {}
    for row in table.rows:
        cells = row.cells
        pid = None if id_key is None or cells.get(id_key) is None else str(cells[id_key]).strip()
        answers.append(_item_answers(row, keys, scale=scale, pid=pid, sink=sink))
        for name, bounds in extra.items():
            extras[name].append(_extra_answer(row, name, bounds, pid=pid, sink=sink))
        if id_key is not None:
            _check_id(row, pid, id_column=id_column, first_row=first_row, sink=sink)
        ids.append(pid)
    if sink.items:
        raise ProblemsError(sink.items, what)
    return Responses(answers, ids, extras, [r.number for r in table.rows])


def _find_columns(
    table: Table,
    items: Sequence[str],
    *,
    id_column: str | None,
    require_id: bool,
    extra: Mapping[str, tuple[float, float, str]],
    sink: Problems,
) -> tuple[dict[str, str], str | None]:
    """The column of each item (normalised name -> item) and of the ids (None when
    there is none), a problem for each column missing."""
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
    return keys, id_key


def _row_of(row: Row) -> int | None:
    return row.number if isinstance(row.number, int) else None


def _item_answers(
    row: Row,
    keys: Mapping[str, str],
    *,
    scale: tuple[float, float],
    pid: str | None,
    sink: Problems,
) -> dict[str, float | None]:
    """One respondent's answers, item -> number (None when skipped or bad)."""
    lo, hi = scale
    record: dict[str, float | None] = {}
    for key, item in keys.items():
        cell = row.cells.get(key)
        value = None if cell is None else _answer(cell)
        if cell is not None and value is None:
            sink.add(
                f"{cell!r} is not a number; write the answer's number, or leave the cell "
                "empty if it was skipped",
                row=_row_of(row),
                column=key,
                participant_id=pid,
            )
        elif value is not None and not lo <= value <= hi:
            sink.add(
                f"answer {cell} is outside the scale {lo:g}..{hi:g}; correct it, or leave "
                "the cell empty if it was skipped",
                row=_row_of(row),
                column=key,
                participant_id=pid,
            )
            value = None
        record[item] = value
    return record


def _extra_answer(
    row: Row, name: str, bounds: tuple[float, float, str], *, pid: str | None, sink: Problems
) -> float | None:
    """The whole number of an extra column (the NPS one), None when empty or bad."""
    low, high, _ = bounds
    cell = row.cells.get(normalise_column(name))
    value = None if cell is None else _answer(cell)
    if cell is not None and (value is None or not value.is_integer() or not low <= value <= high):
        sink.add(
            f"{cell!r} is not a whole number {low:g}..{high:g}; correct it, or leave the "
            "cell empty if it was skipped",
            row=_row_of(row),
            column=normalise_column(name),
            participant_id=pid,
        )
        return None
    return value


def _check_id(
    row: Row,
    pid: str | None,
    *,
    id_column: str | None,
    first_row: dict[str, int | str],
    sink: Problems,
) -> None:
    """An empty or repeated respondent id is a problem; a new one is noted in ``first_row``."""
    id_key = normalise_column(id_column)
    if pid is None:
        sink.add(
            f"the respondent id is empty; give every row an id in the {id_column!r} column",
            row=_row_of(row),
            column=id_key,
        )
    elif pid in first_row:
        sink.add(
            f"respondent {pid!r} also answers in row {first_row[pid]}; each respondent "
            "answers once: merge the rows or correct the id",
            row=_row_of(row),
            column=id_key,
            participant_id=pid,
        )
    else:
        first_row[pid] = row.number
