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
import json
import math
import numbers
import os
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import numpy as np

from mentormatch._errors import MentormatchError
from mentormatch._files import outputs as _outputs
from mentormatch._problems import Problems, shown

__all__ = [
    "Row",
    "Table",
    "TableSource",
    "neutralise",
    "normalise_column",
    "open_source",
    "read_table",
    "write_csv",
]


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


def is_dataframe(obj: object) -> bool:
    """Whether ``obj`` is a pandas DataFrame (without importing pandas)."""
    cls = type(obj)
    return cls.__name__ == "DataFrame" and cls.__module__.split(".")[0] == "pandas"


def source_name(source: object, default: str) -> str:
    """How messages name a source: its path, an open file's name, else ``default``."""
    if isinstance(source, (str, os.PathLike)):
        return os.fspath(source)
    name = getattr(source, "name", None)
    return name if isinstance(name, str) and name and not name.startswith("<") else default


def read_source(source: object, what: str) -> str | bytes:
    """The raw content of a path or an open file (text or binary).

    A path that does not exist raises :class:`FileNotFoundError` (naming it);
    a folder or an unreadable file raises :class:`MentormatchError`.
    """
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        if path.is_dir():
            raise MentormatchError(
                f"{what}: {str(path)!r} is a folder, not a file; give the file inside it",
                value=str(path),
            )
        try:
            return path.read_bytes()
        except FileNotFoundError:
            raise
        except OSError as exc:
            raise MentormatchError(
                f"{what}: cannot read {str(path)!r} ({exc.strerror or exc})", value=str(path)
            ) from None
    if hasattr(source, "read"):
        try:
            data = source.read()
        except (OSError, ValueError) as exc:
            raise MentormatchError(f"{what}: reading the buffer failed ({exc})") from None
        if isinstance(data, (str, bytes)):
            return data
        raise MentormatchError(f"{what}: reading the buffer gave {type(data).__name__}")
    raise MentormatchError(
        f"{what}: expected a path, an open file or a pandas DataFrame, not {type(source).__name__}",
        value=type(source).__name__,
    )


@dataclass(frozen=True)
class TableSource:
    """One table's input, opened once: the seam every reader of the project goes
    through (sign-ups, results, relationships, meetings, surveys).

    ``frame`` is a pandas DataFrame as given; otherwise ``text`` is the file's
    decoded text. A new format (an ``.xlsx`` workbook) or encoding (cp1252) is
    added here, in :func:`open_source` and :func:`to_text`, and every reader has it.
    """

    name: str
    text: str | None = None
    frame: Any = None


def open_source(
    source: object, what: str, problems: Problems, *, missing: str = "problem"
) -> TableSource | None:
    """Open a path, an open file or a DataFrame as a :class:`TableSource`.

    ``None`` (with the reason added to ``problems``) when it cannot be read or is
    not UTF-8 text. A path that does not exist is a problem, or raises
    :class:`FileNotFoundError` when ``missing="raise"``.

    >>> import io
    >>> got = open_source(io.BytesIO(b"id\\ne1\\n"), "the table", Problems(None))
    >>> got.text, got.frame
    ('id\\ne1\\n', None)
    """
    name = source_name(source, "")
    if is_dataframe(source):
        return TableSource(name, frame=source)
    try:
        raw = read_source(source, what)
    except FileNotFoundError:
        if missing == "raise":
            raise
        problems.add("no such file; check the name and the folder")
        return None
    except MentormatchError as exc:
        problems.add(str(exc).removeprefix(f"{what}: "))
        return None
    text, problem = to_text(raw)
    if text is None:
        problems.add(str(problem))
        return None
    return TableSource(name, text=text)


_SURROGATE = re.compile("[\ud800-\udfff]")


def to_text(data: str | bytes) -> tuple[str | None, str | None]:
    r"""``(text, None)`` for UTF-8 text (a byte-order mark removed), else ``(None, problem)``.

    >>> to_text(b"\xef\xbb\xbfid\ne1\n")
    ('id\ne1\n', None)
    >>> to_text(b"PK\x03\x04...")[1]
    "this is a zip file (an Excel workbook?), not CSV; save the sheet as 'CSV UTF-8' and read that"
    >>> to_text("id\n\x00")[1]
    'the file contains NUL characters: it is binary, not CSV; export it as CSV'
    """
    if isinstance(data, bytes):
        if data.startswith(b"PK\x03\x04"):
            return None, (
                "this is a zip file (an Excel workbook?), not CSV; "
                "save the sheet as 'CSV UTF-8' and read that"
            )
        if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
            return None, (
                "the file is UTF-16 text, not UTF-8; save it as 'CSV UTF-8' (in Excel: "
                "File > Save As > CSV UTF-8)"
            )
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            return None, (
                f"the file is not UTF-8 text (undecodable byte at offset {exc.start}); "
                "save it as 'CSV UTF-8'"
            )
    else:
        text = data.removeprefix("\ufeff")
    if "\x00" in text:
        return None, "the file contains NUL characters: it is binary, not CSV; export it as CSV"
    bad = _SURROGATE.search(text)
    if bad is not None:
        return None, (
            f"the text holds an invalid character (a lone surrogate, U+{ord(bad.group()):04X}, "
            f"at offset {bad.start()}); save the file as UTF-8 again"
        )
    return text, None


def sniff_delimiter(text: str) -> str:
    r"""Comma, semicolon or tab: whichever occurs most often outside quotes in the first line.

    >>> sniff_delimiter('id;name\n"a;b";c'), sniff_delimiter("id,name"), sniff_delimiter("id")
    (';', ',', ',')
    """
    counts = {",": 0, ";": 0, "\t": 0}
    quoted = False
    for ch in text:
        if ch == '"':
            quoted = not quoted
        elif not quoted:
            if ch in "\r\n":
                break
            if ch in counts:
                counts[ch] += 1
    best = max(counts.values())
    return next(d for d in counts if counts[d] == best)


class CsvSyntaxError(MentormatchError):
    """Text that is not valid CSV.

    ``row`` is the record where parsing failed (as a spreadsheet numbers it);
    ``column`` the normalised header name of the cell at fault and ``cells``
    the raw cells of that row's first line split at the delimiter, when known.
    """

    def __init__(
        self,
        message: str,
        row: int,
        column: str | None = None,
        cells: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message, field=column)
        self.row = row
        self.column = column
        self.cells = cells or {}


def _physical_line(text: str, number: int) -> str:
    """Line ``number`` (from 1) of ``text``, with the line ends the csv module uses."""
    for k, line in enumerate(io.StringIO(text, newline=""), start=1):
        if k == number:
            return line.rstrip("\r\n")
    return ""  # pragma: no cover - the csv reader only reports lines that exist


def csv_records(text: str, delimiter: str) -> list[list[str]]:
    r"""All records of CSV text, strictly parsed (a record may span lines).

    Record ``k`` (0-based) is row ``k + 1`` as a spreadsheet shows it.

    >>> csv_records('a,b\n"x\ny",2\n', ",")
    [['a', 'b'], ['x\ny', '2']]
    """
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[list[str]] = []
    line_before = 0
    try:
        for record in reader:
            rows.append(record)
            line_before = reader.line_num
    except csv.Error as exc:
        row = len(rows) + 1
        if "field larger than field limit" not in str(exc):
            raise CsvSyntaxError(
                f"this is not valid CSV ({exc}); a cell that contains quotes, the delimiter "
                "or a line break must be enclosed in double quotes, with inner quotes doubled",
                row=row,
            ) from None
        limit = csv.field_size_limit()
        header = next((r for r in rows if any(c.strip() for c in r)), [])
        names = [normalise_column(unneutralise(h)) for h in header]
        raw = _physical_line(text, line_before + 1).split(delimiter)
        at = next((i for i, c in enumerate(raw) if len(c) > limit), len(raw) - 1)
        column = names[at] if at < len(names) else None
        cells = {n: c.strip() for n, c in zip(names, raw, strict=False) if len(c) <= limit}
        raise CsvSyntaxError(
            f"a cell is longer than {limit:,} characters, the most a cell may hold; if a "
            'quote (") opened in this row is never closed, close it; otherwise shorten the cell',
            row=row,
            column=column,
            cells=cells,
        ) from None
    return rows


MAX_JSON_DEPTH = 64
"""How deeply JSON input may nest (mentormatch's own files nest 5 levels)."""


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON; write null for a missing number")


def load_json(text: str) -> tuple[Any, str | None]:
    """Parse JSON text: ``(value, None)``, or ``(None, problem)`` for text that is not JSON
    mentormatch can read (invalid, ``NaN``, nested more than :data:`MAX_JSON_DEPTH`
    levels, a lone surrogate in a string, an integer of thousands of digits).

    >>> load_json('{"a": [1, 2]}')
    ({'a': [1, 2]}, None)
    >>> load_json("[" * 10_000 + "]" * 10_000)[1]
    'the JSON is nested more than 64 levels deep; a mentormatch file nests only a few'
    >>> load_json('{"a": NaN}')[1]
    'this is not valid JSON: NaN is not valid JSON; write null for a missing number'
    """
    too_deep = (
        None,
        f"the JSON is nested more than {MAX_JSON_DEPTH} levels deep; a mentormatch file nests "
        "only a few",
    )
    try:
        data = json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        return None, f"this is not valid JSON ({exc}); check the file, or write it again"
    except RecursionError:
        return too_deep
    except ValueError as exc:  # NaN, Infinity; integers of more than 4300 digits
        return None, f"this is not valid JSON: {exc}"
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            bad = _SURROGATE.search(value)
            if bad is not None:
                return None, (
                    f"a text holds an invalid character (a lone surrogate, "
                    f"U+{ord(bad.group()):04X}); write the text as valid Unicode"
                )
        elif isinstance(value, (list, dict)):
            if depth >= MAX_JSON_DEPTH:
                return too_deep
            items = value.items() if isinstance(value, dict) else enumerate(value)
            for key, item in items:
                if isinstance(key, str):
                    stack.append((key, depth + 1))
                stack.append((item, depth + 1))
    return data, None


_ESCAPED = re.compile(r"^'+[=+\-@\t\r]")
_TO_ESCAPE = re.compile(r"^'*[=+\-@\t\r]")


def neutralise(cell: str) -> str:
    """Prefix ``'`` to a text cell a spreadsheet would run as a formula.

    Reversible: :func:`unneutralise` removes exactly one apostrophe, so a cell
    that already began with apostrophes reads back unchanged.

    >>> neutralise("=SUM(A1)"), neutralise("'=x"), neutralise("ok")
    ("'=SUM(A1)", "''=x", 'ok')
    """
    return "'" + cell if _TO_ESCAPE.match(cell) else cell


def unneutralise(cell: str) -> str:
    """Undo :func:`neutralise`.

    >>> unneutralise("'=SUM(A1)"), unneutralise("''=x"), unneutralise("'plain")
    ('=SUM(A1)', "'=x", "'plain")
    """
    return cell[1:] if _ESCAPED.match(cell) else cell


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


def _check_columns(
    original: Sequence[object], problems: Problems, header_row: int = 1
) -> tuple[str, ...] | None:
    """Normalised column names; ``None`` (with problems) when a name is empty or repeated."""
    columns = tuple(normalise_column(c) for c in original)
    seen: dict[str, int] = {}
    ok = True
    for i, col in enumerate(columns):
        if not col:
            problems.add(f"column {i + 1} has no name in the header; name it", row=header_row)
            ok = False
        elif col in seen:
            problems.add(
                f"columns {shown(original[seen[col]])} and {shown(original[i])} both mean {shown(col)} "
                "(names are compared ignoring case and spaces); keep one",
                row=header_row,
                column=col,
            )
            ok = False
        else:
            seen[col] = i
    return columns if ok else None


def _frame_table(frame: Any, problems: Problems) -> tuple[Table | None, Problems]:
    """A DataFrame's table: its columns checked, one row per index label."""
    original = tuple(str(c) for c in frame.columns)
    names = _check_columns(original, problems)
    if names is None:
        return None, problems
    rows = []
    tuples = frame.itertuples(index=False, name=None)
    for label, values in zip(frame.index, tuples, strict=True):
        cells = {col: _cell(v) for col, v in zip(names, values, strict=True)}
        rows.append(Row(label if isinstance(label, (int, str)) else str(label), cells))
    return Table(names, original, tuple(rows), from_dataframe=True), problems


def header_index(records: Sequence[Sequence[str]]) -> int | None:
    """The index of the header: the first record with a non-blank cell (None: no header)."""
    return next((i for i, r in enumerate(records) if any(c.strip() for c in r)), None)


def data_records(
    records: Sequence[list[str]],
    header_at: int,
    *,
    width: int,
    delimiter: str,
    problems: Problems,
) -> Iterator[tuple[int, list[str]]]:
    """The records below the header with their row as a spreadsheet numbers it: blank
    ones skipped, and one with more cells than the header's ``width`` reported (the
    delimiter inside an unquoted cell) and left out."""
    for offset, record in enumerate(records[header_at + 1 :]):
        number = header_at + 2 + offset
        if not any(cell.strip() for cell in record):
            continue
        if len(record) > width and any(c.strip() for c in record[width:]):
            problems.add(
                f"the row has {len(record)} cells but the header has {width}; a cell "
                f"that contains the delimiter {delimiter!r} must be enclosed in double quotes",
                row=number,
            )
            continue
        yield number, record


def read_table_checked(source: object, what: str = "the table") -> tuple[Table | None, Problems]:
    """Read a CSV (path, text or binary buffer) or a pandas DataFrame, collecting problems.

    Returns the table (``None`` when the file cannot be read as a table at all)
    and the problems found: the file is not UTF-8 text, not valid CSV, empty,
    has a column without a name or two with the same meaning, or rows with more
    cells than the header (those rows are left out of the table). A path that
    does not exist is a problem too (``"no such file"``).

    UTF-8 with or without a byte-order mark; comma, semicolon or tab delimiter,
    chosen from the header line. Blank lines are skipped.
    """
    problems = Problems(source_name(source, "") or None)
    opened = open_source(source, what, problems)
    if opened is None:
        return None, problems
    if opened.frame is not None:
        return _frame_table(opened.frame, problems)
    text = opened.text
    assert text is not None  # not a frame: the decoded text
    delimiter = sniff_delimiter(text)
    try:
        records = csv_records(text, delimiter)
    except CsvSyntaxError as exc:
        problems.add(str(exc), row=exc.row, column=exc.column)
        return None, problems
    header_at = header_index(records)
    if header_at is None:
        problems.add("the file is empty; it needs a header row naming the columns")
        return None, problems
    header = [unneutralise(c) for c in records[header_at]]
    columns = _check_columns(header, problems, header_at + 1)
    if columns is None:
        return None, problems
    out: list[Row] = []
    for number, record in data_records(
        records, header_at, width=len(columns), delimiter=delimiter, problems=problems
    ):
        padded = [unneutralise(c) for c in record[: len(columns)]]
        padded += [""] * (len(columns) - len(padded))
        out.append(Row(number, {c: _cell(v) for c, v in zip(columns, padded, strict=True)}))
    return Table(columns, tuple(header), tuple(out)), problems


def read_table(source: object, what: str = "the table") -> Table:
    """:func:`read_table_checked`, raising every problem found in one ProblemsError."""
    table, problems = read_table_checked(source, what)
    problems.raise_if_any(what)
    assert table is not None  # no problems: the table was read
    return table


def _format(value: object) -> str:
    """A cell as CSV text: numbers (numpy's too) as numbers, everything else neutralised.

    >>> import numpy as np
    >>> [_format(v) for v in (np.float64(0.5), np.int64(3), np.bool_(True), float("nan"), "=x")]
    ['0.5', '3', 'true', '', "'=x"]
    """
    if value is None:
        return ""
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        number = float(value)
        return "" if math.isnan(number) else repr(number)
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

        def put(handle: IO[str]) -> None:
            handle.write(text)

        write_atomically(path, put, "utf-8")
    return text


def write_atomically(
    path: str | os.PathLike[str], write: Callable[[IO[str]], Any], encoding: str = "utf-8"
) -> None:
    """Write through ``write(handle)`` to ``path`` safely (see :mod:`mentormatch._files.outputs`).

    A regular or new file is written to a temporary file beside it, then moved
    into place (a failed write never leaves a half-written file; an existing
    file keeps its permissions); a pipe or device is written in place, never
    replaced; a folder, or a missing or read-only folder, is refused with a
    message naming it.
    """
    _outputs.write_path(path, write, encoding)
