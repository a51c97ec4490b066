"""Low-level reading and writing of small tables (private).

Reading turns a CSV file, an Excel workbook (``.xlsx``, through the ``[excel]``
extra), a text or binary buffer, or a pandas DataFrame into a header (normalised
column names) and numbered rows of cells.  Text is UTF-8 with or without a
byte-order mark; a file that is not UTF-8 but is valid Windows-1252 (what Excel
on Windows saves as "CSV") is read as cp1252 with a
:class:`~mentormatch._errors.FileEncodingWarning` naming the file.  Writing
produces CSV text, or an ``.xlsx`` workbook, in which every string cell that a
spreadsheet would treat as a formula is neutralised.

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

# Over 600 lines: the CSV and the .xlsx readers and writers share this module's Row,
# Table and column checks; the workbook half (read_xlsx_checked, write_xlsx) can move to
# a module of its own once Row and Table sit in a module below both.

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import numbers
import os
import re
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import numpy as np

from mentormatch._errors import FileEncodingWarning, MentormatchError
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
    "write_table",
    "write_xlsx",
]

EXCEL_EXTRA = "pip install 'mentormatch-engine[excel]'"


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
            return windows_fallback(path.read_bytes(), str(path))
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
        if isinstance(data, bytes):
            return windows_fallback(data, source_name(source, "the buffer"))
        if isinstance(data, str):
            return data
        raise MentormatchError(f"{what}: reading the buffer gave {type(data).__name__}")
    raise MentormatchError(
        f"{what}: expected a path, an open file or a pandas DataFrame, not {type(source).__name__}",
        value=type(source).__name__,
    )


#: A well-formed UTF-8 sequence of two to four bytes (cp1252 text rarely holds one).
_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xec\xee\xef][\x80-\xbf]{2}|\xed[\x80-\x9f][\x80-\xbf]"
    rb"|[\xf0-\xf4][\x80-\xbf]{3}"
)
#: A surrogate encoded as if it were a character: broken UTF-8, not cp1252.
_ENCODED_SURROGATE = re.compile(rb"\xed[\xa0-\xbf][\x80-\xbf]")
_BINARY_STARTS = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"\xff\xfe", b"\xfe\xff")


def windows_fallback(data: bytes, name: str) -> str | bytes:
    r"""``data`` unchanged when it is UTF-8 (or binary: left to :func:`to_text` to name);
    decoded as Windows-1252, with a :class:`FileEncodingWarning` naming ``name``,
    when it is not UTF-8 but is valid cp1252 text, as Excel on Windows saves "CSV".

    >>> import warnings
    >>> windows_fallback("id\ne1\n".encode(), "a.csv")
    b'id\ne1\n'
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     windows_fallback("name\nJos\xe9\n".encode("cp1252"), "signups.csv")
    'name\nJosé\n'
    >>> print(caught[0].message)
    signups.csv is not UTF-8; read it as Windows-1252 (cp1252), the encoding Excel on Windows saves 'CSV' in. Check accented names, and save the file as 'CSV UTF-8' to silence this warning
    """
    if data.startswith((*_BINARY_STARTS, b"\xef\xbb\xbf")) or b"\x00" in data:
        return data  # binary, or marked as UTF-8: a bad byte is an error, not a guess
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        if _UTF8_MULTIBYTE.search(data) or _ENCODED_SURROGATE.search(data):
            return data  # UTF-8 with a damaged byte: an error to report, not cp1252 to guess
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            return data  # neither: to_text says it is not UTF-8
        warnings.warn(
            FileEncodingWarning(
                f"{name} is not UTF-8; read it as Windows-1252 (cp1252), the encoding Excel "
                "on Windows saves 'CSV' in. Check accented names, and save the file as "
                "'CSV UTF-8' to silence this warning"
            ),
            stacklevel=4,
        )
        return text
    return data


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
    workbook: bytes | None = None


def open_source(
    source: object,
    what: str,
    problems: Problems,
    *,
    missing: str = "problem",
    workbooks: bool = False,
) -> TableSource | None:
    """Open a path, an open file or a DataFrame as a :class:`TableSource`.

    ``None`` (with the reason added to ``problems``) when it cannot be read or is
    not text (UTF-8, or cp1252 with a :class:`FileEncodingWarning`). A path that
    does not exist is a problem, or raises :class:`FileNotFoundError` when
    ``missing="raise"``. With ``workbooks``, a zip file (an ``.xlsx`` workbook)
    comes back as its bytes in ``workbook``, for :func:`read_xlsx_checked`.

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
    if workbooks and isinstance(raw, bytes) and raw.startswith(b"PK\x03\x04"):
        return TableSource(name, workbook=raw)
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
    "this is a zip file (an Excel workbook?), not CSV; save the sheet as 'CSV UTF-8' and read that, or pass pandas.read_excel(path) as a DataFrame"
    >>> to_text("id\n\x00")[1]
    'the file contains NUL characters: it is binary, not CSV; export it as CSV'
    """
    if isinstance(data, bytes):
        if data.startswith(b"PK\x03\x04"):
            return None, (
                "this is a zip file (an Excel workbook?), not CSV; "
                "save the sheet as 'CSV UTF-8' and read that, or pass "
                "pandas.read_excel(path) as a DataFrame"
            )
        if data.startswith(b"\xd0\xcf\x11\xe0"):
            return None, (
                "this is an old-style Excel file (.xls) or an encrypted workbook, not CSV; "
                "save the sheet as 'CSV UTF-8' (or as an unprotected .xlsx) and read that"
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
                f"the file is not UTF-8 text (undecodable byte at offset {exc.start}), nor "
                "Windows-1252; save it as 'CSV UTF-8'"
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


def read_table_checked(
    source: object, what: str = "the table", *, sheet: str | None = None
) -> tuple[Table | None, Problems]:
    """Read a CSV or an Excel workbook (path, text or binary buffer) or a pandas
    DataFrame, collecting problems.

    Returns the table (``None`` when the file cannot be read as a table at all)
    and the problems found: the file is not text (UTF-8, or cp1252 with a
    :class:`FileEncodingWarning`), not valid CSV, empty, has a column without a
    name or two with the same meaning, or rows with more cells than the header
    (those rows are left out of the table). A path that does not exist is a
    problem too (``"no such file"``).

    UTF-8 with or without a byte-order mark; comma, semicolon or tab delimiter,
    chosen from the header line. Blank lines are skipped.

    A workbook (``.xlsx``; any zip file is tried as one) is read with openpyxl
    (the ``[excel]`` extra): the first sheet, or the one named ``sheet``, its
    first non-empty row the header. Cells come as Excel holds them (see
    :func:`read_xlsx_checked`). ``sheet`` is refused for a source that is not a
    workbook.
    """
    problems = Problems(source_name(source, "") or None)
    opened = open_source(source, what, problems, workbooks=True)
    if opened is None:
        return None, problems
    if opened.workbook is not None:
        return read_xlsx_checked(opened.workbook, problems, sheet)
    if sheet is not None:
        problems.add(
            f"sheet={sheet!r} was given, but this is not an Excel workbook (.xlsx); "
            "leave 'sheet' out for CSV"
        )
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


def read_table(source: object, what: str = "the table", *, sheet: str | None = None) -> Table:
    """:func:`read_table_checked`, raising every problem found in one ProblemsError."""
    table, problems = read_table_checked(source, what, sheet=sheet)
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


# ------------------------------------------------------------------------- Excel
def _openpyxl() -> Any:
    """The openpyxl module, imported on first use (the ``[excel]`` extra)."""
    try:
        import openpyxl
    except ImportError:
        return None
    return openpyxl


def _excel_cell(value: object, kind: str) -> Any:
    """A workbook cell as the table holds it: text trimmed (``None`` when empty) and
    un-neutralised, whole floats as ``int``, dates as :class:`datetime.datetime`."""
    if isinstance(value, str):
        return _cell(unneutralise(value))
    if isinstance(value, float) and value.is_integer() and kind == "n":
        return int(value)
    return _cell(value)


def read_xlsx_checked(
    data: bytes, problems: Problems, sheet: str | None = None
) -> tuple[Table | None, Problems]:
    """The table on one sheet of an ``.xlsx`` workbook's bytes, collecting problems.

    The first sheet, or the one named ``sheet``. Its first row with a value is
    the header; every later row with a value is a row, numbered as Excel numbers
    it. Cells come as Excel holds them: numbers (whole ones as ``int``), text
    (trimmed; formulas neutralised by :func:`write_xlsx` read back as written),
    ``bool``, :class:`datetime.datetime` for dates (Excel has no date without a
    time), ``None`` for an empty cell; a formula as the value Excel last
    computed. A cell holding an Excel error (``#DIV/0!``, ``#N/A`` ...) is a
    problem naming its row and column.

    Examples
    --------
    >>> from datetime import date
    >>> data = write_xlsx(["Mentee ID", "Started", "Goals"], [["=e1", date(2025, 3, 1), 2.0]])
    >>> table, problems = read_xlsx_checked(data, Problems("x.xlsx"))
    >>> table.columns, table.rows[0].number, table.rows[0].cells
    (('mentee_id', 'started', 'goals'), 2, {'mentee_id': '=e1', 'started': datetime.datetime(2025, 3, 1, 0, 0), 'goals': 2})
    """
    openpyxl = _openpyxl()
    if openpyxl is None:
        problems.add(
            f"this is an Excel workbook; reading it needs openpyxl ({EXCEL_EXTRA}), or save "
            "the sheet as 'CSV UTF-8' and read that"
        )
        return None, problems
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a damaged or foreign zip
        problems.add(
            f"this is a zip file but not a readable Excel workbook (.xlsx) "
            f"({type(exc).__name__}: {exc}); open it in Excel and save it again as .xlsx, "
            "or as 'CSV UTF-8'"
        )
        return None, problems
    try:
        names = list(book.sheetnames)
        if sheet is not None and sheet not in names:
            problems.add(
                f"the workbook has no sheet {sheet!r}; its sheets are "
                + ", ".join(repr(n) for n in names)
            )
            return None, problems
        if not names:  # pragma: no cover - openpyxl refuses a workbook without sheets
            problems.add("the workbook has no sheet")
            return None, problems
        try:
            grid = [
                (number, [(c.value, getattr(c, "data_type", "n")) for c in row])
                for number, row in enumerate(book[sheet or names[0]].iter_rows(), start=1)
            ]
        except Exception as exc:  # a damaged sheet inside a readable zip
            problems.add(
                f"the sheet {sheet or names[0]!r} cannot be read ({type(exc).__name__}: {exc}); "
                "open the workbook in Excel and save it again"
            )
            return None, problems
    finally:
        book.close()
    return _grid_table(grid, problems, sheet or names[0])


def _grid_table(
    grid: list[tuple[int, list[tuple[Any, str]]]], problems: Problems, sheet: str
) -> tuple[Table | None, Problems]:
    filled = [
        (n, cells) for n, cells in grid if any(_excel_cell(v, k) is not None for v, k in cells)
    ]
    if not filled:
        problems.add(
            f"the sheet {sheet!r} is empty; it needs a header row naming the columns "
            "(give sheet='...' to read another sheet)"
        )
        return None, problems
    header_row, header_cells = filled[0]
    header = [_excel_cell(v, k) for v, k in header_cells]
    while header and header[-1] is None:
        header.pop()
    original = ["" if h is None else str(h) for h in header]
    columns = _check_columns(original, problems, header_row)
    if columns is None:
        return None, problems
    out: list[Row] = []
    for number, cells in filled[1:]:
        values = [_excel_cell(v, k) for v, k in cells]
        if any(v is not None for v in values[len(columns) :]):
            problems.add(
                f"the row has a value in column {_column_letter(len(columns) + 1)} or later, "
                f"but the header names only {len(columns)} columns; name the column or clear "
                "the cell",
                row=number,
            )
            continue
        bad = False
        for col, (value, kind) in zip(columns, cells, strict=False):
            if kind == "e":
                problems.add(
                    f"the cell holds the Excel error {value}; fix the formula or clear the cell",
                    row=number,
                    column=col,
                )
                bad = True
        if bad:
            continue
        values += [None] * (len(columns) - len(values))
        out.append(Row(number, dict(zip(columns, values[: len(columns)], strict=True))))
    return Table(columns, tuple(original), tuple(out)), problems


def _column_letter(index: int) -> str:
    """Excel's name of column ``index`` (from 1): ``A`` ... ``Z``, ``AA`` ...

    >>> _column_letter(1), _column_letter(26), _column_letter(28)
    ('A', 'Z', 'AB')
    """
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


#: Characters an .xlsx cell cannot hold (XML 1.0 forbids them; a carriage
#: return would come back as a line feed).
_NOT_IN_XLSX = re.compile("[\x00-\x08\x0b-\x0d\x0e-\x1f\ufffe\uffff]")
_EXCEL_MAX_TEXT = 32_767
_EXCEL_MAX_INT = 2**53


def _xlsx_value(value: object, row: int, column: str) -> Any:
    """A cell as written to a workbook: numbers as numbers, dates as dates, text neutralised."""

    def refuse(why: str) -> MentormatchError:
        return MentormatchError(
            f"row {row}, column {column!r}: {why}", field=column, value=shown(value)
        )

    if value is None or type(value).__name__ in {"NaTType", "NAType"}:
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, numbers.Integral):
        number = int(value)
        if abs(number) > _EXCEL_MAX_INT:
            raise refuse(
                "the whole number is too long for Excel, which keeps 15 digits; write it as text"
            )
        return number
    if isinstance(value, numbers.Real):
        real = float(value)
        if math.isnan(real):
            return None
        if math.isinf(real) or math.isinf(float(f"{real:.16g}")):  # the digits a workbook keeps
            raise refuse(
                "Excel cannot hold an infinite number, nor one this close to the largest "
                "float; write it as text or leave it out"
            )
        return real
    if isinstance(value, np.datetime64):
        value = value.astype("datetime64[us]").item()
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            raise refuse(
                "Excel dates have no time zone; convert the date to local time and drop "
                "the zone (value.replace(tzinfo=None))"
            )
        return value
    if isinstance(value, (dt.date, dt.time)):
        return value
    text = neutralise(str(value))
    bad = _NOT_IN_XLSX.search(text)
    if bad is not None:
        raise refuse(
            f"the text holds a control character (U+{ord(bad.group()):04X}) that an Excel "
            "cell cannot hold; remove it, or write CSV"
        )
    if len(text) > _EXCEL_MAX_TEXT:
        raise refuse(
            f"the text has {len(text):,} characters; an Excel cell holds {_EXCEL_MAX_TEXT:,}"
        )
    return text


def write_xlsx(
    header: Sequence[str],
    rows: Iterable[Sequence[object]],
    path: str | os.PathLike[str] | None = None,
    *,
    sheet: str = "Sheet1",
) -> bytes:
    """An ``.xlsx`` workbook of one sheet (also written to ``path`` when given).

    Numbers (numpy's too) are written as numbers, bools as Excel's TRUE and
    FALSE, dates and datetimes as dates, missing values (``None``, NaN, NaT) as
    empty cells; every other cell is text and is neutralised
    (:func:`neutralise`), so a cell can never become a formula. A cell Excel
    cannot hold (a control character, a time zone, an infinite number, more than
    32,767 characters, a whole number of more than 15 digits) is a
    :class:`MentormatchError` naming its row and column: nothing is changed
    silently. Needs openpyxl (the ``[excel]`` extra).

    The file is written like every output (:func:`write_atomically`); the
    workbook carries no author and no clock reading, so the same table always
    gives the same bytes.

    Examples
    --------
    >>> data = write_xlsx(["id", "value"], [["@x", 0.5], ["e01", -1]])
    >>> [r.cells for r in read_table(io.BytesIO(data)).rows]
    [{'id': '@x', 'value': 0.5}, {'id': 'e01', 'value': -1}]
    """
    openpyxl = _openpyxl()
    if openpyxl is None:
        raise MentormatchError(f"writing an Excel workbook needs openpyxl: {EXCEL_EXTRA}")
    names = [str(h) for h in header]
    cells = [[_xlsx_value(h, 1, h) for h in names]]
    for number, row in enumerate(rows, start=2):
        values = list(row)
        cells.append(
            [_xlsx_value(v, number, names[i] if i < len(names) else _column_letter(i + 1))
             for i, v in enumerate(values)]
        )  # fmt: skip
    book = openpyxl.Workbook(write_only=True)
    book.properties.creator = None
    book.properties.created = book.properties.modified = dt.datetime(2000, 1, 1)
    page = book.create_sheet(sheet)
    for line in cells:
        page.append(line)
    buffer = io.BytesIO()
    book.save(buffer)
    data = _reproducible(buffer.getvalue())
    if path is not None:

        def put(handle: IO[str]) -> None:
            handle.flush()
            handle.buffer.write(data)  # type: ignore[attr-defined]  # a binary file under the text one

        write_atomically(path, put)
    return data


_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")
_EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can carry


def _reproducible(data: bytes) -> bytes:
    """The workbook with every clock reading fixed (zip entries, "last modified"), so
    the same table always gives the same bytes."""
    import zipfile  # only when a workbook is written: import mentormatch stays lean

    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = _MODIFIED.sub(rb"\g<1>2000-01-01T00:00:00Z\g<2>", content)
            fixed = zipfile.ZipInfo(info.filename, date_time=_EPOCH)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            target.writestr(fixed, content)
    return out.getvalue()


def write_table(
    header: Sequence[str],
    rows: Iterable[Sequence[object]],
    path: str | os.PathLike[str],
) -> Path:
    """Write a table to ``path`` in the format its extension names: ``.csv`` (or
    ``.txt``) as CSV, ``.xlsx`` as a workbook; any other extension is a
    :class:`MentormatchError` listing those, before anything is written.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> write_table(["id"], [["e1"]], folder / "out.xlsx").suffix
    '.xlsx'
    >>> write_table(["id"], [["e1"]], folder / "out.md")
    Traceback (most recent call last):
    ...
    mentormatch._errors.MentormatchError: cannot write '.md' files: ...
    """
    out = Path(path)
    suffix = out.suffix.lower()
    if suffix in (".csv", ".txt"):
        write_csv(header, rows, out)
    elif suffix == ".xlsx":
        write_xlsx(header, rows, out)
    else:
        raise MentormatchError(
            f"cannot write {suffix or 'extensionless'!r} files: {str(out)!r} should end in "
            ".csv or .xlsx",
            field="path",
            value=str(out),
        )
    return out
