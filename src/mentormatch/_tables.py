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
import re
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from mentormatch._errors import MentormatchError

__all__ = [
    "Row",
    "Table",
    "neutralise",
    "normalise_column",
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


def read_source(source: object, what: str) -> str | bytes:
    """The raw content of a path or an open file (text or binary)."""
    if isinstance(source, (str, os.PathLike)):
        return Path(source).read_bytes()  # FileNotFoundError names the path
    if hasattr(source, "read"):
        data = source.read()
        if isinstance(data, (str, bytes)):
            return data
        raise MentormatchError(f"{what}: reading the buffer gave {type(data).__name__}")
    raise MentormatchError(
        f"{what}: expected a path, an open file or a pandas DataFrame, not {type(source).__name__}",
        value=type(source).__name__,
    )


def to_text(data: str | bytes) -> tuple[str | None, str | None]:
    r"""``(text, None)`` for UTF-8 text (a byte-order mark removed), else ``(None, problem)``.

    >>> to_text(b"\xef\xbb\xbfid\ne1\n")
    ('id\ne1\n', None)
    >>> to_text(b"PK\x03\x04...")[1]
    "this is a zip file (an Excel workbook?), not CSV; save the sheet as 'CSV UTF-8' and read that"
    """
    if isinstance(data, bytes):
        if data.startswith(b"PK\x03\x04"):
            return None, (
                "this is a zip file (an Excel workbook?), not CSV; "
                "save the sheet as 'CSV UTF-8' and read that"
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
    """Text that is not valid CSV; ``row`` is the record where parsing failed."""

    def __init__(self, message: str, row: int) -> None:
        super().__init__(message)
        self.row = row


def csv_records(text: str, delimiter: str) -> list[list[str]]:
    r"""All records of CSV text, strictly parsed (a record may span lines).

    Record ``k`` (0-based) is row ``k + 1`` as a spreadsheet shows it.

    >>> csv_records('a,b\n"x\ny",2\n', ",")
    [['a', 'b'], ['x\ny', '2']]
    """
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[list[str]] = []
    try:
        for record in reader:
            rows.append(record)
    except csv.Error as exc:
        raise CsvSyntaxError(
            f"this is not valid CSV ({exc}); a cell that contains quotes, the delimiter "
            "or a line break must be enclosed in double quotes, with inner quotes doubled",
            row=len(rows) + 1,
        ) from None
    return rows


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
    if is_dataframe(source):
        frame: Any = source
        original = tuple(str(c) for c in frame.columns)
        names = _check_columns(original, what)
        rows = []
        tuples = frame.itertuples(index=False, name=None)
        for label, values in zip(frame.index, tuples, strict=True):
            cells = {col: _cell(v) for col, v in zip(names, values, strict=True)}
            rows.append(Row(label if isinstance(label, (int, str)) else str(label), cells))
        return Table(names, original, tuple(rows), from_dataframe=True)

    if isinstance(source, (str, os.PathLike)) and not Path(source).is_file():
        raise MentormatchError(f"{what}: no such file {str(source)!r}", value=str(source))
    text, problem = to_text(read_source(source, what))
    if text is None:
        raise MentormatchError(f"{what}: {problem}")
    try:
        records = csv_records(text, sniff_delimiter(text))
    except CsvSyntaxError as exc:
        raise MentormatchError(f"{what}: row {exc.row}: {exc}") from None
    header_at = next((i for i, r in enumerate(records) if any(c.strip() for c in r)), None)
    if header_at is None:
        raise MentormatchError(f"{what}: the file is empty; it needs a header row")
    header = [unneutralise(c) for c in records[header_at]]
    columns = _check_columns(header, what)
    out: list[Row] = []
    for offset, record in enumerate(records[header_at + 1 :]):
        number = header_at + 2 + offset  # as a spreadsheet numbers rows
        if not any(cell.strip() for cell in record):
            continue
        if len(record) > len(columns) and any(c.strip() for c in record[len(columns) :]):
            raise MentormatchError(
                f"{what}: row {number} has {len(record)} cells but the header has "
                f"{len(columns)}; quote cells that contain the delimiter",
                participant_id=str(number),
            )
        padded = [unneutralise(c) for c in record[: len(columns)]]
        padded += [""] * (len(columns) - len(padded))
        out.append(Row(number, {c: _cell(v) for c, v in zip(columns, padded, strict=True)}))
    return Table(columns, tuple(header), tuple(out))


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

        def put(handle: IO[str]) -> None:
            handle.write(text)

        write_atomically(path, put, "utf-8")
    return text


def write_atomically(
    path: str | os.PathLike[str], write: Callable[[IO[str]], None], encoding: str = "utf-8"
) -> None:
    """Write through ``write(handle)`` to a temporary file beside ``path``, then move it
    into place: a failed write never leaves a half-written file. An existing file keeps
    its permissions; a new one gets 0o644."""
    target = Path(path)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding=encoding, newline="") as handle:
            write(handle)
        os.chmod(tmp, target.stat().st_mode & 0o777 if target.exists() else 0o644)
        os.replace(tmp, target)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
