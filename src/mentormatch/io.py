"""Sign-ups in, results out: CSV, JSON and pandas DataFrames.

Reading
    :func:`read_signups` reads one CSV of sign-ups with a ``role`` column, or
    separate mentee and mentor files, or JSON, or pandas DataFrames, into
    :class:`~mentormatch.Mentee` and :class:`~mentormatch.Mentor` objects. It
    checks the whole input and raises one :class:`SignupsError` listing every
    problem (row, column, id and the fix), so a file is fixed in one pass.
    :func:`load_demo` returns the embedded demo programme.

Writing
    :func:`write_results` writes a match result as CSV (one row per mentee,
    one column per criterion contribution) or as lossless JSON, which
    :func:`read_results` reads back (for a DataFrame, use
    :meth:`MatchResult.to_dataframe`). :func:`write_signups` writes
    participants back in the sign-up format. Files are written to a temporary
    file and moved into place, so a failed write never leaves half a file.

Every text cell of a CSV export that a spreadsheet would run as a formula
(starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) is
neutralised with a leading apostrophe; the readers remove that apostrophe
again, so exports read back unchanged.

The file formats are described in ``docs/files.md``.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import math
import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import IO, TYPE_CHECKING, Any, NamedTuple, Union

from pydantic import ValidationError

from mentormatch._errors import MentormatchError
from mentormatch._files import tables as _tables
from mentormatch._problems import Problem, Problems, ProblemsError, did_you_mean, ordered, shown
from mentormatch.matching import Alternative, Explanation, Match, MatchResult, Unmatched
from mentormatch.participants import Mentee, Mentor, validate_programme

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "Problem",
    "ResultsError",
    "Signups",
    "SignupsError",
    "load_demo",
    "read_results",
    "read_signups",
    "write_results",
    "write_signups",
]

PathOrFile = Union[str, "os.PathLike[str]", IO[str], IO[bytes]]
"""A path, or a file opened in text or binary mode."""

Source = Union[str, "os.PathLike[str]", IO[str], IO[bytes], "pd.DataFrame"]
"""Where sign-ups come from: a path, an open file, or a pandas DataFrame."""

RESULTS_FORMAT_VERSION = 1

_FIELDS = (
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
_ROLES = ("mentee", "mentor")
_SEP = ";"


# --------------------------------------------------------------------------- problems


class SignupsError(ProblemsError):
    """Sign-up data with problems; ``problems`` lists every one of them.

    The message lists them all, one per line, so a file is fixed in one pass.
    ``field``, ``participant_id`` and ``value`` describe the first problem
    (``value`` is its row).

    Parameters
    ----------
    problems : sequence of Problem
        At least one.

    Examples
    --------
    >>> err = SignupsError([Problem("id is empty", row=3, column="id")])
    >>> print(err)
    1 problem in the sign-ups:
      row 3, column 'id': id is empty
    >>> isinstance(err, ValueError), err.problems[0].row
    (True, 3)
    """

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__(problems, "the sign-ups")


class ResultsError(ProblemsError):
    """A results file with problems (damaged, or contradicting itself); ``problems``
    lists every one of them, as :class:`SignupsError` does for sign-ups.

    Examples
    --------
    >>> err = ResultsError([Problem("score must be a number in [0, 1], got null", row=2,
    ...                             column="matches.score", participant_id="e1")])
    >>> print(err)
    1 problem in the results file:
      row 2, column 'matches.score', id 'e1': score must be a number in [0, 1], got null
    """

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__(problems, "the results file")


_Problems = Problems


# --------------------------------------------------------------------------- results of reading


class _SignupsFields(NamedTuple):
    mentees: tuple[Mentee, ...]
    mentors: tuple[Mentor, ...]


class Signups(_SignupsFields):
    """Mentees and mentors read from sign-ups; unpacks as ``mentees, mentors``.

    A value: both are tuples (any iterable given is read once into one), so
    sign-ups cannot change under a result made from them. Add people with
    ``Signups([*s.mentees, new], s.mentors)``.

    Attributes
    ----------
    mentees : tuple of Mentee
        In the order of the input.
    mentors : tuple of Mentor
        In the order of the input.

    Examples
    --------
    >>> s = Signups([Mentee(id="e1")], [Mentor(id="m1")])
    >>> mentees, mentors = s
    >>> len(s.mentees), len(mentors), type(s.mentees).__name__
    (1, 1, 'tuple')
    """

    __slots__ = ()

    def __new__(cls, mentees: Iterable[Mentee], mentors: Iterable[Mentor]) -> Signups:
        return super().__new__(cls, tuple(mentees), tuple(mentors))

    def _replace(self, **changes: Iterable[Any]) -> Signups:
        """As :meth:`typing.NamedTuple._replace`, reading what is given into tuples."""
        fields = {"mentees": self.mentees, "mentors": self.mentors, **changes}
        return Signups(fields["mentees"], fields["mentors"])


@dataclass(frozen=True)
class _Record:
    """One person as read: a row number and cells keyed by normalised column."""

    row: int
    cells: dict[str, object]


# --------------------------------------------------------------------------- low-level reading


def _column_key(header: str) -> str:
    """The field for a header (``"Manager ID"``: ``manager_id``), else its trimmed lower case."""
    text = header.strip().lower()
    key = "_".join(text.replace("-", " ").split())
    return key if key in _FIELDS or key == "attributes" else text


_source_name = _tables.source_name


def _read_text(source: object, problems: _Problems, what: str = "sign-ups") -> str | None:
    """The text of a path or open file, or ``None`` (with a problem) if it is not text.

    A path that does not exist raises :class:`FileNotFoundError`.
    """
    try:
        raw = _tables.read_source(source, what)
    except FileNotFoundError:
        raise
    except MentormatchError as exc:
        problems.add(str(exc).removeprefix(f"{what}: "))
        return None
    text, problem = _tables.to_text(raw)
    if problem is not None:
        problems.add(problem)
    return text


def _csv_records(text: str, problems: _Problems) -> tuple[list[str], list[_Record]] | None:
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
    header_at = next((i for i, r in enumerate(rows) if any(c.strip() for c in r)), None)
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
        key = _column_key(_tables.unneutralise(raw))
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
    records: list[_Record] = []
    for offset, cells in enumerate(body):
        number = header_row + 1 + offset
        if not any(c.strip() for c in cells):
            continue
        if len(cells) > len(keys) and any(c.strip() for c in cells[len(keys) :]):
            problems.add(
                f"the row has {len(cells)} cells but the header has {len(keys)}; a cell that "
                f"contains the delimiter {delimiter!r} must be enclosed in double quotes",
                row=number,
            )
            continue
        values: dict[str, object] = {}
        for key, cell in zip(keys, cells, strict=False):
            if key and key not in values:
                values[key] = _tables.unneutralise(cell)
        records.append(_Record(number, values))
    return keys, records


def _scalar(value: object) -> object:
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


def _frame_records(frame: Any, problems: _Problems) -> tuple[list[str], list[_Record]]:
    header = [str(c) for c in frame.columns]
    keys: list[str] = []
    seen: dict[str, str] = {}
    for raw in header:
        key = _column_key(raw)
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
        cells = {k: _scalar(v) for k, v in zip(keys, values, strict=False) if k}
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in cells.values()):
            continue
        records.append(_Record(position + 2, cells))
    return keys, records


def _json_records(
    data: object, problems: _Problems, role: str | None
) -> dict[str | None, list[_Record]] | None:
    """Records of JSON sign-ups, keyed by the role of their list (``None``: a ``role`` key)."""

    def entries(items: object, label: str) -> list[_Record] | None:
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
                key = _column_key(str(k))
                if key in cells:
                    problems.add(f"keys {k!r} and another both mean {key!r}; keep one", i, key)
                cells[key] = v
            out.append(_Record(i, cells))
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
        out: dict[str | None, list[_Record]] = {}
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


# --------------------------------------------------------------------------- cells to fields


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value).strip()


def _items(value: object, column: str, add: Callable[[str], None]) -> list[str]:
    """A ``;``-separated cell (or a JSON list) as trimmed, non-empty items."""
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        out = []
        for v in value:
            if not isinstance(v, str):
                add(f"{column} must be text items, got {v!r}")
                continue
            if v.strip():
                out.append(v.strip())
        return out
    if not isinstance(value, str):
        add(f"{column} must be text like 'a; b', got {value!r}")
        return []
    return [part.strip() for part in value.split(_SEP) if part.strip()]


def _level(text: object) -> int | None:
    if isinstance(text, bool):
        return None
    if isinstance(text, int):
        return text
    if isinstance(text, float) and text.is_integer():
        return int(text)
    if isinstance(text, str) and re.fullmatch(r"\s*[+-]?\d+\s*", text):
        return int(text)
    return None


def _skills(value: object, add: Callable[[str], None]) -> dict[str, int]:
    pairs: list[tuple[str, object]] = []
    if value is None:
        return {}
    if isinstance(value, dict):
        pairs = [(str(k), v) for k, v in value.items()]
    elif isinstance(value, str):
        for part in value.split(_SEP):
            if not part.strip():
                continue
            skill, colon, written = part.rpartition(":")
            if "," in part:
                add(
                    f"{part.strip()!r} is not one skill:level pair; separate skills with ';', "
                    "e.g. python:4; sql:2"
                )
                continue
            if not colon:
                hint = " (separate skills with ';', not ',')" if "," in part else ""
                add(f"skill {part.strip()!r} has no level; write skill:level, e.g. python:3{hint}")
                continue
            pairs.append((skill, written))
    else:
        add(f"skills must be text like 'python:4; sql:2', got {value!r}")
        return {}
    out: dict[str, int] = {}
    folded: dict[str, str] = {}
    for raw_name, raw in pairs:
        name = raw_name.strip()
        level = _level(raw)
        if not name:
            add(f"a skill has a level ({raw}) but no name; write skill:level")
            continue
        if level is None:
            hint = " (separate skills with ';', not ',')" if "," in str(raw) else ""
            add(f"skill {name!r} has level {str(raw).strip()!r}; give a whole number 1..5{hint}")
            continue
        if not 1 <= level <= 5:
            add(f"skill {name!r} has level {level}; levels run from 1 to 5")
            continue
        key = name.casefold()
        if key in folded:
            add(
                f"skill {name!r} is listed twice (as {folded[key]!r} too); keep one level per skill"
            )
            continue
        folded[key] = name
        out[name] = level
    return out


def _capacity(value: object, add: Callable[[str], None]) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    level = _level(value)
    if level is None and isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            number = math.nan
        if number.is_integer():
            level = int(number)
    if level is None:
        add(
            f"capacity must be a whole number >= 0, got {value!r}; "
            "give how many mentees this mentor can take"
        )
        return None
    if level < 0:
        add(
            f"capacity must be a whole number >= 0, got {level}; set it to 0 to exclude this mentor"
        )
        return None
    return level


def _attributes(cells: Mapping[str, object], add: Callable[[str, str], None]) -> dict[str, str]:
    out: dict[str, str] = {}
    nested = cells.get("attributes")
    if isinstance(nested, dict):
        items: Iterable[tuple[str, object]] = [
            *((str(k), v) for k, v in nested.items()),
            *((k, v) for k, v in cells.items() if k not in _FIELDS and k != "attributes"),
        ]
    else:
        items = ((k, v) for k, v in cells.items() if k not in _FIELDS)
    for key, value in items:
        if value is None:
            continue
        if isinstance(value, (dict, list, tuple)):
            add(key, f"{key} must be a single value, got {type(value).__name__}")
            continue
        text = _text(value)
        if text:
            out[key] = text
    return out


def _build(record: _Record, role: str, problems: _Problems) -> Mentee | Mentor | None:
    """The participant of one record, or ``None`` after adding its problems."""
    cells = record.cells
    pid = _text(cells.get("id"))
    before = len(problems.items)

    def adder(column: str) -> Callable[[str], None]:
        return lambda message: problems.add(message, record.row, column, pid)

    if not pid:
        problems.add("the id is empty; give every person a unique id", record.row, "id")
    fields: dict[str, Any] = {"id": pid}
    for key in ("name", "manager_id"):
        text = _text(cells.get(key))
        if text:
            fields[key] = text
    for key in ("department", "about"):
        fields[key] = _text(cells.get(key))
    fields["skills"] = _skills(cells.get("skills"), adder("skills"))
    fields["goals"] = tuple(_items(cells.get("goals"), "goals", adder("goals")))
    prefs = _items(cells.get("preferences"), "preferences", adder("preferences"))
    dupes = sorted({p for p in prefs if prefs.count(p) > 1})
    if dupes:
        problems.add(
            f"preferences list {dupes} more than once; rank each person once",
            record.row,
            "preferences",
            pid,
        )
    fields["preferences"] = tuple(dict.fromkeys(prefs))
    fields["attributes"] = _attributes(
        cells, lambda column, message: problems.add(message, record.row, column, pid)
    )
    capacity = _capacity(cells.get("capacity"), adder("capacity"))
    if role == "mentor":
        if capacity is not None:
            fields["capacity"] = capacity
    elif capacity is not None:
        problems.add(
            f"capacity {capacity} is given for a mentee; capacity is for mentors only: "
            "leave it empty on mentee rows (or set the role to mentor)",
            record.row,
            "capacity",
            pid,
        )
    if len(problems.items) > before:
        return None
    cls: type[Mentee] | type[Mentor] = Mentor if role == "mentor" else Mentee
    try:
        return cls(**fields)
    except ValidationError as exc:
        for err in exc.errors():
            column = str(err["loc"][0]) if err["loc"] else None
            message = str(err["msg"]).removeprefix("Value error, ")
            problems.add(message, record.row, column, pid)
        return None


def _role_of(record: _Record, expected: str | None, problems: _Problems) -> str | None:
    raw = record.cells.get("role")
    text = _text(raw).lower()
    pid = _text(record.cells.get("id"))
    if not text:
        if expected is not None:
            return expected
        problems.add("the role is empty; write mentor or mentee", record.row, "role", pid)
        return None
    if text not in _ROLES:
        problems.add(
            f"unknown role {_text(raw)!r}; write mentor or mentee", record.row, "role", pid
        )
        return None
    if expected is not None and text != expected:
        problems.add(
            f"role {text!r} in a file of {expected}s; move the row to the {text}s' file "
            "or correct the role",
            record.row,
            "role",
            pid,
        )
        return None
    return text


def _load(source: object, role: str | None, problems: _Problems) -> dict[str | None, list[_Record]]:
    """Records of one source, keyed by the role of the whole list (``None``: per row)."""
    if _tables.is_dataframe(source):
        keys, records = _frame_records(source, problems)
        present = set(keys)
    else:
        name = _source_name(source, "")
        text = _read_text(source, problems)
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
                got = _json_records(data, problems, role)
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
                                _text(rec.cells.get("id")),
                            )
                return got
        parsed = _csv_records(text, problems)
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


# --------------------------------------------------------------------------- public readers


def read_signups(
    source: Source | None = None,
    *,
    mentees: Source | None = None,
    mentors: Source | None = None,
) -> Signups:
    """Read mentees and mentors from sign-ups, checking everything at once.

    Parameters
    ----------
    source : path, open file or pandas.DataFrame, optional
        One table of sign-ups with a ``role`` column (``mentor`` or ``mentee``):
        a CSV file, a JSON file, or a DataFrame.
    mentees, mentors : path, open file or pandas.DataFrame, optional
        Separate tables instead of ``source``; give both. A ``role`` column is
        optional in them (if present it must agree).

    Returns
    -------
    Signups
        ``(mentees, mentors)``, each in the order of the input.

    Raises
    ------
    SignupsError
        Listing every problem found (row, column, id, fix): a missing ``id``
        or ``role`` column, an empty or duplicate id, an unknown role, a
        capacity that is not a whole number (or one given for a mentee), a
        malformed ``skill:level`` pair or a level outside 1..5, a preference
        naming nobody on the other side, a manager cycle, an empty file, a
        file that is not CSV.
    FileNotFoundError
        If a path does not exist.

    Notes
    -----
    CSV: UTF-8 with or without a byte-order mark; the delimiter (comma,
    semicolon or tab) is the one found most often in the header line; cells
    may be quoted and contain line breaks. Column names are matched ignoring
    case, surrounding spaces, and spaces or hyphens for underscores
    (``Manager ID`` is ``manager_id``); any other column goes into
    ``attributes`` under its trimmed lower-case name, empty cells omitted.
    Cells are trimmed. ``skills`` reads ``python:4; sql:2``, ``goals``
    ``leadership; public speaking``, ``preferences`` ``m12; m7`` (most
    preferred first); ``capacity`` is a whole number, default 1, for mentors
    only. Rows whose cells are all empty are skipped. The format is described
    in ``docs/files.md``.

    Examples
    --------
    >>> import io
    >>> csv_text = '''role;id;department;skills;goals;capacity;Location
    ... mentor;m1;Sales;python:5;leadership;2;Paris
    ... mentee;e1;Engineering;python:2;Leadership; ;Lyon
    ... '''
    >>> mentees, mentors = read_signups(io.StringIO(csv_text))
    >>> mentees
    (Mentee(id='e1', department='Engineering', skills={'python': 2}, goals=('Leadership',),
            attributes={'location': 'Lyon'}),)
    >>> mentors[0].capacity
    2
    >>> read_signups(io.StringIO("role,id,skills\\nmentee,e1,python:9\\nboss,e2,\\n"))
    Traceback (most recent call last):
    ...
    mentormatch.io.SignupsError: 2 problems in the sign-ups:
      row 2, column 'skills', id 'e1': skill 'python' has level 9; levels run from 1 to 5
      row 3, column 'role', id 'e2': unknown role 'boss'; write mentor or mentee
    """
    if source is not None and (mentees is not None or mentors is not None):
        raise MentormatchError(
            "give either one combined source (with a role column) or mentees= and mentors=, "
            "not both"
        )
    sources: list[tuple[object, str | None, str]] = []
    if source is not None:
        sources.append((source, None, _source_name(source, "")))
    else:
        if mentees is None or mentors is None:
            raise MentormatchError(
                "give the sign-ups: read_signups(path) for one file with a role column, or "
                "read_signups(mentees=..., mentors=...) for separate files"
            )
        sources.append((mentees, "mentee", _source_name(mentees, "mentees")))
        sources.append((mentors, "mentor", _source_name(mentors, "mentors")))

    entries: list[_Entry] = []
    undecided: set[str] = set()
    people: dict[str, list[tuple[Mentee | Mentor, int, _Problems]]] = {"mentee": [], "mentor": []}
    sinks: list[_Problems] = []
    for src, role, name in sources:
        problems = _Problems(name or None)
        sinks.append(problems)
        for list_role, records in _load(src, role, problems).items():
            for record in records:
                record_role = _role_of(record, list_role, problems)
                pid = _text(record.cells.get("id"))
                if record_role is None:
                    undecided.add(pid)
                    _build(record, "mentor", problems)  # report the other cells' problems too
                    continue
                prefs = _items(record.cells.get("preferences"), "preferences", lambda m: None)
                if pid:
                    manager = _text(record.cells.get("manager_id"))
                    entries.append(
                        _Entry(record_role, pid, tuple(prefs), record.row, problems, manager)
                    )
                person = _build(record, record_role, problems)
                if person is not None:
                    people[record_role].append((person, record.row, problems))
    all_problems = [p for sink in sinks for p in sink.items]
    _cross_check(entries, undecided, all_problems)
    if all_problems:
        raise SignupsError(_ordered(all_problems))
    tees = [p for p, _, _ in people["mentee"] if isinstance(p, Mentee)]
    tors = [p for p, _, _ in people["mentor"] if isinstance(p, Mentor)]
    try:
        validate_programme(tees, tors)
    except MentormatchError as exc:
        rows = {p.id: (row, sink) for role in _ROLES for p, row, sink in people[role]}
        row, sink = rows.get(exc.participant_id or "", (None, None))
        raise SignupsError(
            [Problem(str(exc), row, exc.field, exc.participant_id, sink.source if sink else None)]
        ) from None
    return Signups(tees, tors)


@dataclass(frozen=True)
class _Entry:
    """What the checks across rows need of one row."""

    role: str
    pid: str
    preferences: tuple[str, ...]
    row: int
    sink: _Problems
    manager: str = ""


_ordered = ordered


def _manager_checks(entries: Sequence[_Entry], out: list[Problem]) -> None:
    """A person in both roles naming two managers, and every loop in the manager chain."""
    managers: dict[str, tuple[str, _Entry]] = {}
    for e in entries:
        if not e.manager or e.manager == e.pid:  # naming oneself is reported with the row
            continue
        known = managers.get(e.pid)
        if known is None:
            managers[e.pid] = (e.manager, e)
        elif known[0] != e.manager:
            out.append(
                Problem(
                    f"{e.pid!r} names manager {known[0]!r} as a {known[1].role} (row "
                    f"{known[1].row}) and {e.manager!r} as a {e.role}; give the same manager_id "
                    "in both rows",
                    e.row,
                    "manager_id",
                    e.pid,
                    e.sink.source,
                )
            )
    done: set[str] = set()
    for start in sorted(managers):
        path: list[str] = []
        position: dict[str, int] = {}
        node = start
        while node in managers and node not in done:
            if node in position:
                cycle = path[position[node] :]
                at = min(
                    (managers[c][1] for c in cycle), key=lambda x: (x.sink.source or "", x.row)
                )
                out.append(
                    Problem(
                        f"the manager chain loops ({' -> '.join([*cycle, cycle[0]])}); fix the "
                        "manager_id of one of these people",
                        at.row,
                        "manager_id",
                        at.pid,
                        at.sink.source,
                    )
                )
                break
            position[node] = len(path)
            path.append(node)
            node = managers[node][0]
        done.update(path)


def _cross_check(entries: Sequence[_Entry], undecided: set[str], out: list[Problem]) -> None:
    """Duplicate ids within a role, preferences naming nobody on the other side, managers."""
    _manager_checks(entries, out)
    first: dict[tuple[str, str], _Entry] = {}
    for e in entries:
        seen = first.get((e.role, e.pid))
        if seen is None:
            first[(e.role, e.pid)] = e
            continue
        where = f"rows {seen.row} and {e.row}"
        if seen.sink is not e.sink:
            where = f"{seen.sink.source} row {seen.row} and {e.sink.source} row {e.row}"
        out.append(
            Problem(
                f"{e.role} id {e.pid!r} appears in {where}; ids must be unique within a role "
                "(merge the rows or rename one)",
                e.row,
                "id",
                e.pid,
                e.sink.source,
            )
        )
    ids = {role: {e.pid for e in entries if e.role == role} | undecided for role in _ROLES}
    for e in entries:
        other = "mentor" if e.role == "mentee" else "mentee"
        unknown = [p for p in e.preferences if p not in ids[other]]
        if unknown:
            names = ", ".join(repr(u) for u in unknown)
            out.append(
                Problem(
                    f"preferences name {names}, not {other}s in this programme; "
                    f"remove {'them' if len(unknown) > 1 else 'it'} or add the {other}",
                    e.row,
                    "preferences",
                    e.pid,
                    e.sink.source,
                )
            )


def load_demo() -> Signups:
    """The embedded demo programme: about 60 mentees and 25 mentors.

    Returns
    -------
    Signups
        ``(mentees, mentors)`` read from ``mentormatch/data/demo_signups.csv``.

    Examples
    --------
    >>> mentees, mentors = load_demo()
    >>> mentees[0].id, mentors[0].id
    ('e01', 'm01')
    """
    data = resources.files("mentormatch").joinpath("data/demo_signups.csv").read_bytes()
    return read_signups(io.BytesIO(data))


# --------------------------------------------------------------------------- writing helpers


def _format_number(value: float) -> str:
    return f"{value:.4f}"


def _open_target(dest: PathOrFile, fmt: str, write: Callable[[IO[str]], None]) -> None:
    """Write text to a path (atomically, via a temporary file) or to an open file."""
    if isinstance(dest, (str, os.PathLike)):
        encoding = "utf-8-sig" if fmt == "csv" else "utf-8"
        _tables.write_atomically(dest, write, encoding)
        return
    if not hasattr(dest, "write"):
        raise MentormatchError(f"expected a path or an open file, not {type(dest).__name__}")
    if isinstance(dest, (io.RawIOBase, io.BufferedIOBase)) or "b" in getattr(dest, "mode", ""):
        buffer = io.StringIO(newline="")
        write(buffer)
        dest.write(buffer.getvalue().encode("utf-8"))  # type: ignore[arg-type]
    else:
        write(dest)  # type: ignore[arg-type]


def _put(handle: IO[str], text: str) -> None:
    handle.write(text)


def _format_of(dest: object, fmt: str | None) -> str:
    if fmt is None:
        name = _source_name(dest, "")
        fmt = "json" if name.lower().endswith(".json") else "csv"
    if fmt not in ("csv", "json"):
        raise MentormatchError(
            f"The 'format' parameter must be one of 'csv', 'json'. Got {fmt!r} instead.",
            field="format",
            value=fmt,
        )
    return fmt


def _csv_writer(handle: IO[str]) -> Any:
    # "\r\n" as RFC 4180 says: the writer then quotes every cell holding "\r" or "\n"
    return csv.writer(handle, lineterminator="\r\n")


def _cell_out(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return _format_number(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return _tables.neutralise(str(value))


# --------------------------------------------------------------------------- sign-ups out


def _participant_dict(person: Mentee | Mentor) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": person.id,
        "name": person.name,
        "department": person.department,
        "manager_id": person.manager_id,
        "skills": dict(person.skills),
        "goals": list(person.goals),
        "preferences": list(person.preferences),
        "about": person.about,
        "attributes": dict(person.attributes),
    }
    if isinstance(person, Mentor):
        data["capacity"] = person.capacity
    return data


def _check_csv_item(person: Mentee | Mentor, column: str, item: str) -> str:
    if _SEP in item or item != item.strip():
        raise MentormatchError(
            f"{type(person).__name__.lower()} {person.id!r}: {column} item {item!r} cannot be "
            f"written to CSV (it contains {_SEP!r} or surrounding spaces); write JSON instead",
            field=column,
            participant_id=person.id,
            value=item,
        )
    return item


def write_signups(
    mentees: Iterable[Mentee],
    mentors: Iterable[Mentor],
    dest: PathOrFile,
    *,
    format: str | None = None,
) -> None:
    """Write participants in the sign-up format that :func:`read_signups` reads.

    Parameters
    ----------
    mentees : iterable of Mentee
    mentors : iterable of Mentor
    dest : path or open text file
        A path is written atomically (temporary file, then moved into place).
    format : {"csv", "json"}, optional
        Default: ``"json"`` when ``dest`` ends in ``.json``, else ``"csv"``.

    Raises
    ------
    MentormatchError
        For CSV, when a goal, preference or skill name contains ``;`` (the
        item separator), or an attribute name is a field name; JSON has no
        such limits.

    Notes
    -----
    CSV: one row per person with a ``role`` column, mentees first, the known
    columns and then one column per attribute name; formula-like text cells
    are neutralised. JSON: ``{"version": 1, "mentees": [...], "mentors": [...]}``
    with native lists and objects.

    Examples
    --------
    >>> import io
    >>> out = io.StringIO()
    >>> write_signups([Mentee(id="e1", goals=["=1+1"])], [Mentor(id="m1", capacity=2)], out)
    >>> print(*out.getvalue().splitlines(), sep="\\n")
    role,id,name,department,manager_id,capacity,skills,goals,preferences,about
    mentee,e1,,,,,,'=1+1,,
    mentor,m1,,,,2,,,,
    >>> read_signups(io.StringIO(out.getvalue())).mentees[0].goals
    ('=1+1',)
    """
    tees, tors = list(mentees), list(mentors)
    fmt = _format_of(dest, format)
    if fmt == "json":
        payload = {
            "version": RESULTS_FORMAT_VERSION,
            "mentees": [_participant_dict(p) for p in tees],
            "mentors": [_participant_dict(p) for p in tors],
        }
        _open_target(
            dest, fmt, lambda h: _put(h, json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
        )
        return
    extra: list[str] = []
    for person in (*tees, *tors):
        for key in person.attributes:
            if _column_key(key) in _FIELDS or key != key.strip().lower() or key == "attributes":
                raise MentormatchError(
                    f"{type(person).__name__.lower()} {person.id!r}: attribute {key!r} cannot be a "
                    "CSV column (it is a field name, or not trimmed and lower-case); rename it "
                    "or write JSON",
                    field="attributes",
                    participant_id=person.id,
                    value=key,
                )
            if key not in extra:
                extra.append(key)
    header = [
        "role",
        "id",
        "name",
        "department",
        "manager_id",
        "capacity",
        "skills",
        "goals",
        "preferences",
        "about",
        *extra,
    ]
    rows: list[list[object]] = []
    for role, people in (("mentee", tees), ("mentor", tors)):
        for p in people:
            skills = "; ".join(
                f"{_check_csv_item(p, 'skills', s)}:{level}" for s, level in p.skills.items()
            )
            rows.append(
                [
                    role,
                    p.id,
                    p.name,
                    p.department,
                    p.manager_id,
                    p.capacity if isinstance(p, Mentor) else None,
                    skills,
                    "; ".join(_check_csv_item(p, "goals", g) for g in p.goals),
                    "; ".join(_check_csv_item(p, "preferences", g) for g in p.preferences),
                    p.about,
                    *(p.attributes.get(k) for k in extra),
                ]
            )

    def write(handle: IO[str]) -> None:
        writer = _csv_writer(handle)
        writer.writerow(header)
        for row in rows:
            writer.writerow([_cell_out(v) for v in row])

    _open_target(dest, fmt, write)


# --------------------------------------------------------------------------- results out


def _jsonable(value: Any) -> Any:
    """Tuples, mappings and numpy scalars as plain JSON values (non-finite floats: None)."""
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if hasattr(value, "item"):
        return _jsonable(value.item())
    return str(value)


def _results_dict(result: MatchResult) -> dict[str, Any]:
    ids = [m.mentee_id for m in result.matches] + [u.mentee_id for u in result.unmatched]
    return {
        "version": RESULTS_FORMAT_VERSION,
        "total_score": float(result.total_score),
        "metadata": _jsonable(result.metadata),
        "matches": [
            {
                "mentee_id": m.mentee_id,
                "mentor_id": m.mentor_id,
                "score": float(m.score),
                "contributions": {str(k): float(v) for k, v in m.contributions.items()},
                "reasons": list(m.reasons),
            }
            for m in result.matches
        ],
        "unmatched": [{"mentee_id": u.mentee_id, "reason": u.reason} for u in result.unmatched],
        "explanations": {i: _jsonable(result.explain(i).to_dict()) for i in ids},
    }


def write_results(result: MatchResult, dest: PathOrFile, *, format: str | None = None) -> None:
    """Write a match result as CSV (for people) or JSON (lossless, for :func:`read_results`).

    Parameters
    ----------
    result : MatchResult
        From :meth:`Matcher.match` or :func:`read_results`.
    dest : path or open text file
        A path is written atomically: to a temporary file in the same folder,
        then moved into place, so nothing is left behind if writing fails.
    format : {"csv", "json"}, optional
        Default: ``"json"`` when ``dest`` ends in ``.json``, else ``"csv"``.

    Notes
    -----
    CSV: the records of :meth:`MatchResult.to_records`, one row per mentee
    (matched first, then the unmatched with their reason): ``mentee_id``,
    ``mentor_id``, ``score``, one ``contribution_<criterion>`` column per
    criterion (they add up to the score), ``reasons`` and
    ``unmatched_reason``. Numbers are written to 4 decimals; the file is
    UTF-8 with a byte-order mark when written to a path (so spreadsheets
    detect the encoding); every text cell a spreadsheet would run as a
    formula is neutralised with a leading apostrophe.

    JSON: ``{"version": 1, "total_score", "metadata", "matches", "unmatched",
    "explanations"}``: every match with its exact score, contributions and
    reasons, every unmatched mentee with the reason, and each mentee's
    :class:`Explanation` (:meth:`Explanation.to_dict`), so that
    ``read_results(path).explain(mentee_id)`` works without the sign-ups.

    Examples
    --------
    >>> import io
    >>> import mentormatch as mm
    >>> mentees = [mm.Mentee(id="e1", goals=["sql"]), mm.Mentee(id="e2")]
    >>> result = mm.Matcher(criteria=[mm.GoalOverlap()]).match(mentees, [mm.Mentor(id="m1",
    ...                                                                   goals=["sql"])])
    >>> out = io.StringIO()
    >>> write_results(result, out)
    >>> print(*out.getvalue().splitlines(), sep="\\n")
    mentee_id,mentor_id,score,contribution_goal_overlap,reasons,unmatched_reason
    e1,m1,1.0000,1.0000,shares 1 of your 1 goals: sql,
    e2,,,,,"capacity exhausted: ..."
    """
    fmt = _format_of(dest, format)
    if fmt == "json":
        text = json.dumps(_results_dict(result), indent=2, ensure_ascii=False) + "\n"
        _open_target(dest, fmt, lambda h: _put(h, text))
        return
    rows = result.to_records()
    header = (
        list(rows[0])
        if rows
        else ["mentee_id", "mentor_id", "score", "reasons", "unmatched_reason"]
    )

    def write(handle: IO[str]) -> None:
        writer = _csv_writer(handle)
        writer.writerow(header)
        for row in rows:
            writer.writerow([_cell_out(row.get(k)) for k in header])

    _open_target(dest, fmt, write)


# --------------------------------------------------------------------------- results in


_RESULT_KEYS = ("version", "total_score", "metadata", "matches", "unmatched", "explanations")
_REWRITE = "write the file again (mentormatch match signups.csv -o matches.json)"
_TOLERANCE = 1e-6


def _finite(value: object) -> float | None:
    """A JSON number as a finite float; None for anything else (null, text, bools, huge)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


def _kind(value: object) -> str:
    return "null" if value is None else f"{type(value).__name__} {shown(value)}"


class _ResultChecks:
    """Checks one results file, collecting every problem."""

    def __init__(self, sink: Problems) -> None:
        self.sink = sink

    def add(self, message: str, row: int | None, column: str | None, pid: object = None) -> None:
        self.sink.add(message, row, column, pid if isinstance(pid, str) else None)

    def text(
        self, entry: Mapping[str, Any], key: str, where: tuple[str, int], *, optional: bool = False
    ) -> str | None:
        value = entry.get(key)
        pid = entry.get("mentee_id")
        if value is None and optional:
            return None
        if not isinstance(value, str) or (not value.strip() and key.endswith("_id")):
            self.add(
                f"entry {where[1]} of {where[0]!r}: {key} must be "
                f"{'an id' if key.endswith('_id') else 'text'}, got {_kind(value)}; {_REWRITE}",
                where[1],
                f"{where[0]}.{key}",
                pid,
            )
            return None
        return value

    def number(
        self, entry: Mapping[str, Any], key: str, where: tuple[str, int], *, unit: bool = True
    ) -> float | None:
        value = _finite(entry.get(key))
        if value is None or (unit and not -_TOLERANCE <= value <= 1 + _TOLERANCE):
            self.add(
                f"entry {where[1]} of {where[0]!r}: {key} must be a number"
                f"{' in [0, 1]' if unit else ''}, got {_kind(entry.get(key))}; {_REWRITE}",
                where[1],
                f"{where[0]}.{key}",
                entry.get("mentee_id"),
            )
            return None
        return value

    def contributions(
        self, entry: Mapping[str, Any], where: tuple[str, int]
    ) -> dict[str, float] | None:
        value = entry.get("contributions", {})
        pid = entry.get("mentee_id")
        bad = f"entry {where[1]} of {where[0]!r}: contributions must map criterion names to numbers"
        if not isinstance(value, dict):
            self.add(
                f"{bad}, got {_kind(value)}; {_REWRITE}", where[1], f"{where[0]}.contributions", pid
            )
            return None
        out: dict[str, float] = {}
        for name, share in value.items():
            number = _finite(share)
            if number is None:
                self.add(
                    f"{bad}; {name!r} is {_kind(share)}; {_REWRITE}",
                    where[1],
                    f"{where[0]}.contributions",
                    pid,
                )
                return None
            out[name] = number
        return out

    def texts(
        self, entry: Mapping[str, Any], key: str, where: tuple[str, int]
    ) -> tuple[str, ...] | None:
        value = entry.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.add(
                f"entry {where[1]} of {where[0]!r}: {key} must be a list of sentences, got "
                f"{_kind(value)}; {_REWRITE}",
                where[1],
                f"{where[0]}.{key}",
                entry.get("mentee_id"),
            )
            return None
        return tuple(value)

    def entries(self, data: Mapping[str, Any], key: str) -> list[tuple[int, dict[str, Any]]]:
        items = data.get(key)
        if not isinstance(items, list):
            self.add(
                f"{key!r} must be a list of entries, got {_kind(items)}; {_REWRITE}", None, key
            )
            return []
        out = []
        for i, item in enumerate(items, start=1):
            if isinstance(item, dict):
                out.append((i, item))
            else:
                self.add(
                    f"entry {i} of {key!r} must be an object, got {_kind(item)}; {_REWRITE}", i, key
                )
        return out

    def sums_to(
        self,
        score: float | None,
        parts: Mapping[str, float] | None,
        where: tuple[str, int],
        pid: object,
    ) -> None:
        if score is None or not parts:
            return
        total = math.fsum(parts.values())
        if abs(total - score) > _TOLERANCE:
            self.add(
                f"entry {where[1]} of {where[0]!r}: the contributions add up to {total:.6g}, not "
                f"to the score {score:.6g}; the file was changed by hand or is damaged: {_REWRITE}",
                where[1],
                f"{where[0]}.contributions",
                pid,
            )


def _alternative(
    checks: _ResultChecks, raw: object, where: tuple[str, int], pid: object
) -> Alternative | bool | None:
    """The runner-up of an explanation; None when there is none, False when it is bad."""
    if raw is None:
        return None
    if not isinstance(raw, dict):
        checks.add(
            f"entry {where[1]} of {where[0]!r}: runner_up must be an object or null, got "
            f"{_kind(raw)}; {_REWRITE}",
            where[1],
            f"{where[0]}.runner_up",
            pid,
        )
        return False
    inner = (f"{where[0]}.runner_up", where[1])
    mentor = checks.text(raw, "mentor_id", inner)
    score = checks.number(raw, "score", inner)
    parts = checks.contributions(raw, inner)
    why = checks.text(raw, "why_not", inner)
    if mentor is None or score is None or parts is None or why is None:
        return False
    return Alternative(mentor, score, parts, why)


def _result_from_dict(data: object, sink: Problems) -> MatchResult | None:
    """The result a parsed results file holds, or None after adding its problems to ``sink``."""
    if not isinstance(data, dict) or "matches" not in data or "unmatched" not in data:
        sink.add(
            "this is not a mentormatch results file (no 'matches' and 'unmatched'); "
            "write one with: mentormatch match signups.csv -o matches.json"
        )
        return None
    checks = _ResultChecks(sink)
    version = data.get("version")
    if version != RESULTS_FORMAT_VERSION or isinstance(version, bool):
        checks.add(
            f"results file version {version!r} is not supported (expected "
            f"{RESULTS_FORMAT_VERSION}); write it again with this version of mentormatch",
            None,
            "version",
        )
    for key in sorted(set(data) - set(_RESULT_KEYS)):
        checks.add(
            f"unknown key {shown(key)}{did_you_mean(key, _RESULT_KEYS)}; the keys of a results file "
            f"are {', '.join(_RESULT_KEYS)}",
            None,
            str(key),
        )
    matches: list[Match] = []
    seen: dict[str, str] = {}
    for i, m in checks.entries(data, "matches"):
        where = ("matches", i)
        tee = checks.text(m, "mentee_id", where)
        tor = checks.text(m, "mentor_id", where)
        score = checks.number(m, "score", where)
        parts = checks.contributions(m, where)
        reasons = checks.texts(m, "reasons", where)
        checks.sums_to(score, parts, where, tee)
        if tee is not None:
            if tee in seen:
                checks.add(
                    f"mentee {tee!r} appears twice ({seen[tee]} and entry {i} of 'matches'); "
                    f"a mentee has one mentor at most: {_REWRITE}",
                    i,
                    "matches.mentee_id",
                    tee,
                )
            seen.setdefault(tee, f"entry {i} of 'matches'")
        if tee is not None and tor is not None and tee == tor:
            checks.add(
                f"entry {i} of 'matches': {tee!r} is matched with themself; {_REWRITE}",
                i,
                "matches.mentor_id",
                tee,
            )
        if None not in (tee, tor, score, parts, reasons):
            matches.append(Match(str(tee), str(tor), float(score or 0), dict(parts or {}), reasons))
    unmatched: list[Unmatched] = []
    for i, u in checks.entries(data, "unmatched"):
        where = ("unmatched", i)
        tee = checks.text(u, "mentee_id", where)
        reason = checks.text(u, "reason", where)
        if tee is not None:
            if tee in seen:
                both = "matched" if seen[tee].endswith("'matches'") else "listed"
                checks.add(
                    f"mentee {tee!r} is both {both} ({seen[tee]}) and unmatched (entry {i} of "
                    f"'unmatched'); each mentee appears once: {_REWRITE}",
                    i,
                    "unmatched.mentee_id",
                    tee,
                )
            seen.setdefault(tee, f"entry {i} of 'unmatched'")
        if tee is not None and reason is not None:
            unmatched.append(Unmatched(tee, reason))
    total = _finite(data.get("total_score", 0.0))
    if total is None:
        checks.add(
            f"total_score must be a number, got {_kind(data.get('total_score'))}; {_REWRITE}",
            None,
            "total_score",
        )
    elif not sink.items and abs(total - math.fsum(m.score for m in matches)) > _TOLERANCE * max(
        1, len(matches)
    ):
        checks.add(
            f"total_score {total:.6g} is not the sum of the matches' scores "
            f"({math.fsum(m.score for m in matches):.6g}); {_REWRITE}",
            None,
            "total_score",
        )
    metadata = data.get("metadata") or {}
    if not isinstance(metadata, dict):
        checks.add(
            f"metadata must be an object, got {_kind(metadata)}; {_REWRITE}", None, "metadata"
        )
        metadata = {}
    metadata = dict(metadata)
    criteria = metadata.get("criteria")
    if criteria is not None:
        if not isinstance(criteria, list) or not all(isinstance(c, str) for c in criteria):
            checks.add(
                f"metadata.criteria must be a list of criterion names, got {_kind(criteria)}; "
                f"{_REWRITE}",
                None,
                "metadata.criteria",
            )
        else:
            metadata["criteria"] = tuple(criteria)
    explanations: dict[str, Explanation] = {}
    raw_explanations = data.get("explanations") or {}
    if not isinstance(raw_explanations, dict):
        checks.add(
            f"explanations must be an object of mentee id to explanation, got "
            f"{_kind(raw_explanations)}; {_REWRITE}",
            None,
            "explanations",
        )
        raw_explanations = {}
    by_mentee = {m.mentee_id: m for m in matches}
    left_out = {u.mentee_id for u in unmatched}
    for k, (key, ex) in enumerate(raw_explanations.items(), start=1):
        where = ("explanations", k)
        if key not in seen:
            checks.add(
                f"there is an explanation for {key!r}, who is neither matched nor unmatched in "
                f"this file; {_REWRITE}",
                k,
                "explanations",
                key,
            )
            continue
        if not isinstance(ex, dict):
            checks.add(
                f"the explanation of {key!r} must be an object, got {_kind(ex)}; {_REWRITE}",
                k,
                "explanations",
                key,
            )
            continue
        ex_tee = checks.text(ex, "mentee_id", where)
        if ex_tee is not None and ex_tee != key:
            checks.add(
                f"the explanation stored for {key!r} explains {ex_tee!r}, another mentee; "
                f"{_REWRITE}",
                k,
                "explanations.mentee_id",
                key,
            )
            continue
        ex_tor = checks.text(ex, "mentor_id", where, optional=True)
        ex_score = None
        if ex.get("score") is not None:
            ex_score = checks.number(ex, "score", where)
        parts = checks.contributions(ex, where)
        reasons = checks.texts(ex, "reasons", where)
        why = checks.text(ex, "unmatched_reason", where, optional=True)
        runner = _alternative(checks, ex.get("runner_up"), where, key)
        match = by_mentee.get(key)
        if match is not None and (
            ex_tor != match.mentor_id
            or ex_score is None
            or abs(ex_score - match.score) > _TOLERANCE
        ):
            checks.add(
                f"the explanation of {key!r} says mentor {ex_tor!r} with score {ex_score!r}, but "
                f"the match is with {match.mentor_id!r} at {match.score:.6g}; {_REWRITE}",
                k,
                "explanations.mentor_id",
                key,
            )
            continue
        if key in left_out and ex_tor is not None:
            checks.add(
                f"the explanation of {key!r} names mentor {ex_tor!r}, but {key!r} is unmatched "
                f"in this file; {_REWRITE}",
                k,
                "explanations.mentor_id",
                key,
            )
            continue
        if parts is None or reasons is None or runner is False:
            continue
        explanations[key] = Explanation(
            key,
            ex_tor,
            ex_score,
            parts,
            reasons,
            why,
            runner if isinstance(runner, Alternative) else None,
        )
    if sink.items:
        return None
    return MatchResult.restore(matches, unmatched, float(total or 0.0), metadata, explanations)


def read_results(source: PathOrFile) -> MatchResult:
    """Read a result written by :func:`write_results` as JSON.

    Parameters
    ----------
    source : path or open file

    Returns
    -------
    MatchResult
        Matches, unmatched mentees, total score, metadata and explanations
        exactly as written; ``explain(mentee_id)`` returns the stored
        explanation.

    Raises
    ------
    ResultsError
        Listing every problem (a ``MentormatchError``): the file is not
        JSON, or not a mentormatch results file, or is damaged (missing,
        null or mistyped fields, scores outside [0, 1], contributions or a
        total that do not add up) or contradicts itself (a mentee both
        matched and unmatched, or matched twice; an explanation of someone
        not in the file, of another mentee, or naming another mentor).
    FileNotFoundError
        If a path does not exist.

    Examples
    --------
    >>> import io
    >>> import mentormatch as mm
    >>> result = mm.Matcher(criteria=[mm.GoalOverlap()]).match(
    ...     [mm.Mentee(id="e1", goals=["sql", "r"])], [mm.Mentor(id="m1", goals=["sql"])])
    >>> buffer = io.StringIO()
    >>> write_results(result, buffer, format="json")
    >>> saved = read_results(io.StringIO(buffer.getvalue()))
    >>> saved.matches == result.matches
    True
    >>> print(saved.explain("e1").summary())
    e1 is matched with m1 (score 0.50).
      goal_overlap  0.50  shares 1 of your 2 goals: sql
    """
    sink = Problems(_source_name(source, "the results") or None)
    text = _read_text(source, sink, "the results")
    if text is not None:
        data, problem = _tables.load_json(text)
        if problem is not None:
            sink.add(
                f"{problem}; explanations are read from the JSON written by: "
                "mentormatch match signups.csv -o matches.json"
            )
        else:
            result = _result_from_dict(data, sink)
            if result is not None:
                return result
    raise ResultsError(sink.items)
