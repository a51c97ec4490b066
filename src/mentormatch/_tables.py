"""Low-level reading and writing of small tables (private).

Reading turns a CSV file, a text or binary buffer, or a pandas DataFrame into a
header (normalised column names) and numbered rows of cells.  Writing produces CSV
text in which every string cell that a spreadsheet would treat as a formula is
neutralised.

Examples
--------
>>> import io
>>> table = read_table(io.StringIO("\\ufeffMentee ID;Started\\ne01;2025-03-01\\n"))
>>> table.columns, table.rows[0].number, table.rows[0].cells
(('mentee_id', 'started'), 2, {'mentee_id': 'e01', 'started': '2025-03-01'})
>>> neutralise("=HYPERLINK(1)"), neutralise("-3"), neutralise("ok")
("'=HYPERLINK(1)", "'-3", 'ok')
>>> print(write_csv(["id", "value"], [["@x", 0.5], ["e01", -1]]), end="")
id,value
'@x,0.5
e01,-1
"""

from __future__ import annotations

import csv
import io
import math
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mentormatch._errors import MentormatchError

__all__ = [
    "Row",
    "Table",
    "neutralise",
    "normalise_column",
    "read_table",
    "write_csv",
]

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Row:
    """One data row: ``number`` is the row as a spreadsheet shows it (header = 1),
    or the index label of a DataFrame row; ``cells`` maps column to a cell, ``None``
    when empty."""

    number: int | str
    cells: dict[str, Any]


@dataclass(frozen=True)
class Table:
    """Normalised column names, the original header texts and the rows."""

    columns: tuple[str, ...]
    original: tuple[str, ...]
    rows: tuple[Row, ...]
    from_dataframe: bool = False


def normalise_column(name: object) -> str:
    """Trim, lower-case and turn runs of spaces or hyphens into ``_``.

    >>> normalise_column("  Goals Met ")
    'goals_met'
    """
    text = str(name).strip().lower().replace("-", " ")
    return "_".join(text.split())


def _is_dataframe(obj: object) -> bool:
    cls = type(obj)
    return cls.__name__ == "DataFrame" and cls.__module__.split(".")[0] == "pandas"


def _read_text(source: object, what: str) -> str:
    data: str | bytes
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        if not path.is_file():
            raise MentormatchError(f"{what}: no such file {str(path)!r}", value=str(path))
        data = path.read_bytes()
    elif hasattr(source, "read"):
        data = source.read()
    else:
        raise MentormatchError(
            f"{what}: expected a path, an open file or a pandas DataFrame, "
            f"not {type(source).__name__}",
            value=type(source).__name__,
        )
    if isinstance(data, bytes):
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise MentormatchError(
                f"{what}: the file is not UTF-8 (byte {exc.start}); save it as UTF-8 CSV"
            ) from None
    if not isinstance(data, str):
        raise MentormatchError(f"{what}: reading the buffer gave {type(data).__name__}")
    return data.removeprefix("\ufeff")


def _sniff_delimiter(header_line: str) -> str:
    """Comma or semicolon, whichever occurs more often outside quotes in the header."""
    counts = {",": 0, ";": 0}
    quoted = False
    for ch in header_line:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    return ";" if counts[";"] > counts[","] else ","


def _cell(value: object) -> Any:
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, str):
        value = value.strip()
        return value or None
    if type(value).__name__ in {"NaTType", "NAType"}:
        return None
    return value


def _check_columns(original: Sequence[object], what: str) -> tuple[str, ...]:
    columns = tuple(normalise_column(c) for c in original)
    seen: dict[str, int] = {}
    for i, col in enumerate(columns):
        if not col:
            raise MentormatchError(f"{what}: column {i + 1} has no name", field=f"column {i + 1}")
        if col in seen:
            raise MentormatchError(
                f"{what}: columns {original[seen[col]]!r} and {original[i]!r} "
                f"both mean {col!r}; keep one",
                field=col,
            )
        seen[col] = i
    return columns


def read_table(source: object, what: str = "table") -> Table:
    """Read a CSV (path, text or binary buffer) or a pandas DataFrame.

    UTF-8 with or without a byte-order mark; comma or semicolon delimiter, chosen
    from the header line.  Blank lines are skipped.
    """
    if _is_dataframe(source):
        frame: Any = source
        original = tuple(str(c) for c in frame.columns)
        names = _check_columns(original, what)
        rows = []
        tuples = frame.itertuples(index=False, name=None)
        for label, values in zip(frame.index, tuples, strict=True):
            cells = {col: _cell(v) for col, v in zip(names, values, strict=True)}
            rows.append(Row(label if isinstance(label, (int, str)) else str(label), cells))
        return Table(names, original, tuple(rows), from_dataframe=True)

    text = _read_text(source, what)
    lines = text.splitlines()
    first = next((line for line in lines if line.strip()), None)
    if first is None:
        raise MentormatchError(f"{what}: the file is empty; it needs a header row")
    reader = csv.reader(io.StringIO(text), delimiter=_sniff_delimiter(first))
    header: list[str] | None = None
    columns: tuple[str, ...] = ()
    out: list[Row] = []
    for record in reader:
        if not any(cell.strip() for cell in record):
            continue
        if header is None:
            header = record
            columns = _check_columns(header, what)
            continue
        number = reader.line_num
        if len(record) > len(columns):
            extra = [c for c in record[len(columns) :] if c.strip()]
            if extra:
                raise MentormatchError(
                    f"{what}: row {number} has {len(record)} cells but the header has "
                    f"{len(columns)}; quote cells that contain the delimiter",
                    participant_id=str(number),
                )
        padded = list(record[: len(columns)]) + [""] * (len(columns) - len(record))
        out.append(Row(number, {c: _cell(v) for c, v in zip(columns, padded, strict=True)}))
    assert header is not None
    return Table(columns, tuple(header), tuple(out))


def neutralise(cell: str) -> str:
    """Prefix ``'`` to a text cell a spreadsheet would run as a formula."""
    return "'" + cell if cell.startswith(_FORMULA_STARTS) else cell


def _format(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return "" if isinstance(value, float) and math.isnan(value) else repr(value)
    return neutralise(str(value))


def write_csv(
    header: Sequence[str],
    rows: Iterable[Sequence[object]],
    path: str | os.PathLike[str] | None = None,
) -> str:
    """CSV text (also written to ``path`` as UTF-8 when given).

    Numbers are written as numbers; every other cell is text and is neutralised
    (:func:`neutralise`), so a cell can never become a spreadsheet formula.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([neutralise(h) for h in header])
    for row in rows:
        writer.writerow([_format(v) for v in row])
    text = buffer.getvalue()
    if path is not None:
        Path(path).write_text(text, encoding="utf-8")
    return text
