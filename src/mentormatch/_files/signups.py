"""Sign-up files as rows (private): CSV, JSON or a pandas DataFrame read into
records of cells keyed by field, every problem of a file collected, none raised."""

from __future__ import annotations

import contextlib
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mentormatch._files import tables as _tables
from mentormatch._files.tables import source_name
from mentormatch._problems import Problems, shown

if TYPE_CHECKING:
    pass


FIELDS = (
    "role",
    "id",
    "name",
    "department",
    "manager_id",
    "about",
    "capacity",
    "skills",
    "goals",
    "preferences",
)

__all__ = ["FIELDS", "Record", "cell_text", "column_key", "load_records", "read_text"]


@dataclass(frozen=True)
class Record:
    """One person as read: a row number and cells keyed by normalised column."""

    row: int
    cells: dict[str, object]


def column_key(header: str) -> str:
    """The field for a header (``"Manager ID"``: ``manager_id``), else its trimmed lower case."""
    text = header.strip().lower()
    key = "_".join(text.replace("-", " ").split())
    return key if key in FIELDS or key == "attributes" else text


def read_text(source: object, problems: Problems, what: str = "sign-ups") -> str | None:
    """The text of a path or open file, or ``None`` (with a problem) if it is not text.

    A path that does not exist raises :class:`FileNotFoundError`.
    """
    opened = _tables.open_source(source, what, problems, missing="raise")
    return None if opened is None else opened.text


def records_of_csv(text: str, problems: Problems) -> tuple[list[str], list[Record]] | None:
    """Header keys and records of CSV text; ``None`` when there is no usable header."""
    if not text.strip():
        problems.add(
            "the file is empty; it needs a header row (id, role, ...) and one row per person"
        )
        return None
    delimiter = _tables.sniff_delimiter(text)
    try:
        rows = _tables.csv_records(text, delimiter)
    except _tables.CsvSyntaxError as exc:
        problems.add(str(exc), row=exc.row, column=exc.column, participant_id=exc.cells.get("id"))
        return None
    header_at = _tables.header_index(rows)
    if header_at is None:
        problems.add(
            "the file is empty; it needs a header row (id, role, ...) and one row per person"
        )
        return None
    header = rows[header_at]
    header_row = header_at + 1
    keys: list[str] = []
    seen: dict[str, str] = {}
    body = rows[header_at + 1 :]
    for i, raw in enumerate(header):
        key = column_key(_tables.unneutralise(raw))
        if not key:
            if any(i < len(r) and r[i].strip() for r in body):
                problems.add(
                    f"column {i + 1} has values but no name in the header; name it",
                    row=header_row,
                )
        elif key in seen:
            problems.add(
                f"columns {shown(seen[key])} and {shown(raw.strip())} both mean {shown(key)} (names are compared "
                "ignoring case and surrounding spaces); keep one",
                row=header_row,
                column=key,
            )
        else:
            seen[key] = raw.strip()
        keys.append(key)
    records: list[Record] = []
    for number, cells in _tables.data_records(
        rows, header_at, width=len(keys), delimiter=delimiter, problems=problems
    ):
        values: dict[str, object] = {}
        for key, cell in zip(keys, cells, strict=False):
            if key and key not in values:
                values[key] = _tables.unneutralise(cell)
        records.append(Record(number, values))
    return keys, records


def scalar(value: object) -> object:
    """A DataFrame cell as a plain Python value; missing values become ``None``."""
    if value is None:
        return None
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        with contextlib.suppress(ValueError, TypeError):
            value = value.item()
    if isinstance(value, float):
        if math.isnan(value):
            return None
        return int(value) if value.is_integer() else value
    if type(value).__name__ in {"NAType", "NaTType"}:
        return None
    return value


def records_of_frame(frame: Any, problems: Problems) -> tuple[list[str], list[Record]]:
    header = [str(c) for c in frame.columns]
    keys: list[str] = []
    seen: dict[str, str] = {}
    for raw in header:
        key = column_key(raw)
        if key in seen:
            problems.add(
                f"columns {shown(seen[key])} and {shown(raw)} both mean {shown(key)}; keep one",
                row=1,
                column=key,
            )
        seen[key] = raw
        keys.append(key)
    records = []
    for position, values in enumerate(frame.itertuples(index=False, name=None)):
        cells = {k: scalar(v) for k, v in zip(keys, values, strict=False) if k}
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in cells.values()):
            continue
        records.append(Record(position + 2, cells))
    return keys, records


def records_of_json(
    data: object, problems: Problems, role: str | None
) -> dict[str | None, list[Record]] | None:
    """Records of JSON sign-ups, keyed by the role of their list (``None``: a ``role`` key)."""

    def entries(items: object, label: str) -> list[Record] | None:
        if not isinstance(items, list):
            problems.add(f"{label} must be a list of objects, got {type(items).__name__}")
            return None
        out = []
        for i, item in enumerate(items, start=1):
            if not isinstance(item, dict):
                problems.add(
                    f"entry {i} of {label} must be an object, got {type(item).__name__}", row=i
                )
                continue
            cells: dict[str, object] = {}
            for k, v in item.items():
                key = column_key(str(k))
                if key in cells:
                    problems.add(f"keys {k!r} and another both mean {key!r}; keep one", i, key)
                cells[key] = v
            out.append(Record(i, cells))
        return out

    if isinstance(data, list):
        got = entries(data, "the list")
        return None if got is None else {role: got}
    if isinstance(data, dict):
        unknown = sorted(set(data) - {"mentees", "mentors", "version"})
        if unknown:
            problems.add(
                f"unknown top-level keys {unknown}; a sign-up JSON file is a list of people "
                "with a 'role', or an object with 'mentees' and 'mentors' lists"
            )
        out: dict[str | None, list[Record]] = {}
        for name in ("mentees", "mentors"):
            if name in data:
                got = entries(data[name], repr(name))
                if got is not None:
                    out[name[:-1]] = got
        if role is not None:
            return {role: out.get(role, [])}
        return out
    problems.add(
        f"a sign-up JSON file holds a list or an object, not {type(data).__name__}; "
        "see docs/files.md"
    )
    return None


def cell_text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value).strip()


def load_records(
    source: object, role: str | None, problems: Problems
) -> dict[str | None, list[Record]]:
    """Records of one source, keyed by the role of the whole list (``None``: per row)."""
    if _tables.is_dataframe(source):
        keys, records = records_of_frame(source, problems)
        present = set(keys)
    else:
        name = source_name(source, "")
        text = read_text(source, problems)
        if text is None:
            return {}
        stripped = text.lstrip()
        if name.lower().endswith(".json") or stripped[:1] in ("{", "["):
            data, problem = _tables.load_json(text)
            if problem is not None:
                json_like = stripped[:1] == "{" or "nested more than" in problem
                if name.lower().endswith(".json") or json_like:
                    problems.add(problem, row=None)
                    return {}
            else:
                got = records_of_json(data, problems, role)
                if got is None:
                    return {}
                if not any(got.values()):
                    problems.add(
                        f"the file holds no {role + 's' if role else 'people'}; a sign-up JSON "
                        "file is a list of people, each with a 'role', or an object with "
                        "'mentees' and 'mentors' lists (see docs/files.md)"
                    )
                    return {}
                if role is None and None in got:
                    for rec in got[None]:
                        if "role" not in rec.cells:
                            problems.add(
                                "the entry has no 'role'; write mentor or mentee",
                                rec.row,
                                "role",
                                cell_text(rec.cells.get("id")),
                            )
                return got
        parsed = records_of_csv(text, problems)
        if parsed is None:
            return {}
        keys, records = parsed
        present = set(keys)
    required = ["id"] if role is not None else ["id", "role"]
    missing = [c for c in required if c not in present]
    if missing:
        names = sorted(k for k in present if k)
        found = ", ".join(k if len(k) <= 40 else k[:39] + "…" for k in names[:30]) or "none"
        found += ", …" if len(names) > 30 else ""
        problems.add(
            f"missing required column{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
            f"(columns found: {found}); "
            + (
                "a combined file needs a 'role' column saying mentor or mentee; "
                "for separate files use mentees=... and mentors=..."
                if "role" in missing
                else "add an id column"
            ),
            row=1,
            column=missing[0],
        )
        return {}
    if not records:
        problems.add("the file has a header but no people; add one row per person", row=None)
    return {role: records}
