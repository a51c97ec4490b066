"""Relationship files as rows (private): one row per pair, every cell parsed
into the fields of a relationship, and an optional meetings file (one row per
meeting) added to its pair; every problem of both files collected at once, each
with file, row, column, mentee and the fix.

:mod:`mentormatch.kpis.relationships` builds its ``Relationship`` records from
these rows.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import numpy as np

from mentormatch._errors import MentormatchError
from mentormatch._files.tables import Row, Table, read_table_checked
from mentormatch._problems import Problems, did_you_mean, listed

__all__ = ["RELATIONSHIP_FIELDS", "RelationshipRow", "normalise_status", "read_relationship_rows"]


@dataclass
class RelationshipRow:
    """One pair as read: its row (as a spreadsheet numbers it, or a DataFrame's
    index label), its parsed ``fields`` (keyword arguments of a relationship) and
    whether a cell of it had a problem (``bad``: the pair cannot be built)."""

    row: int | str
    fields: dict[str, Any]
    bad: bool


def read_relationship_rows(
    source: object, meetings: object = None, *, statuses: Sequence[str]
) -> tuple[list[RelationshipRow], Problems]:
    """The pairs of a relationships file (and the dates of a meetings file), with
    every problem found in either; ``statuses`` are the valid status values."""
    what = "the relationships"
    table, sink = read_table_checked(source, what)
    parsed: list[dict[str, Any]] = []
    if table is not None and _require_columns(
        table.columns, REQUIRED, sink=sink, example="a relationships file has one row per pair"
    ):
        if not table.rows:
            sink.add("the file has a header but no pairs; add one row per pair")
        parsed = _parse_rows(table, sink, statuses)
    if meetings is not None:
        sink.items.extend(_add_meetings_file(parsed, meetings).items)
    rows = [RelationshipRow(rec.pop("_row"), rec, rec.pop("_bad")) for rec in parsed]
    return rows, sink


def normalise_status(value: object) -> str:
    text = str(value).strip().lower().replace("-", " ")
    return "_".join(text.split())


RELATIONSHIP_FIELDS = (
    "mentee_id",
    "mentor_id",
    "started",
    "planned_end",
    "ended",
    "status",
    "meetings",
    "goals_set",
    "goals_met",
    "satisfaction",
    "milestones",
)


REQUIRED = ("mentee_id", "mentor_id", "started", "status")


_DATE_SPLIT = re.compile(r"[;,|\s]+")


def _parse_date(value: object, name: str, where: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if type(value).__name__ == "Timestamp" and hasattr(value, "date"):  # pandas, tz-aware too
        got = value.date()
        if isinstance(got, date):
            return got
    text = str(value).strip()
    # a bare date, or a date with a midnight-style time part ("2025-03-01 00:00:00")
    head, _, rest = text.replace("T", " ", 1).partition(" ")
    try:
        if rest and not re.fullmatch(r"\d\d:\d\d(:\d\d(\.\d+)?)?", rest):
            raise ValueError(rest)
        if not re.fullmatch(r"\d{4}-\d\d-\d\d", head):
            raise ValueError(head)
        return date.fromisoformat(head)
    except ValueError:
        raise MentormatchError(
            f"{where}: {name} {text[:80]!r} is not a date; write it as YYYY-MM-DD",
            field=name,
            value=value,
        ) from None


_WHOLE = re.compile(r"[+-]?\d+(\.0*)?")


def _parse_int(value: object, name: str, where: str) -> int:
    number: int | None = None
    if isinstance(value, bool):
        number = None
    elif isinstance(value, (int, np.integer)):
        number = int(value)
    elif isinstance(value, (float, np.floating)):
        number = int(value) if math.isfinite(value) and float(value).is_integer() else None
    else:
        text = str(value).strip()
        if _WHOLE.fullmatch(text) and len(text) <= 18:
            number = int(text.split(".")[0])
        elif _WHOLE.fullmatch(text):
            number = -1 if text.startswith("-") else 10**18  # too many digits: refused below
    if number is None or number < 0 or number >= 10**18:
        raise MentormatchError(
            f"{where}: {name} {str(value)[:80]!r} is not a whole number >= 0"
            + ("" if number is None or number < 0 else " small enough to be a count")
            + "; write a count such as 3",
            field=name,
            value=value,
        )
    return number


def _parse_float(value: object, name: str, where: str) -> float:
    try:
        number = float(str(value).strip().replace(",", "."))
    except (ValueError, OverflowError):
        number = math.nan
    if isinstance(value, bool) or not math.isfinite(number):
        raise MentormatchError(
            f"{where}: {name} {str(value)[:80]!r} is not a number", field=name, value=value
        )
    return number


def _parse_meetings(value: object, where: str) -> list[date]:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [_parse_date(v, "meeting", where) for v in value]
    return [_parse_date(part, "meeting", where) for part in _DATE_SPLIT.split(str(value)) if part]


def _parse_milestones(value: object, pair: str) -> list[tuple[str, date]]:
    """A ``milestones`` cell, ``kick-off=2026-01-20; agreement=2026-02-05``, as
    ``(name, date)`` items in the order written (the relationship checks the names);
    a problem raises :class:`MentormatchError` naming the milestone and the pair."""
    if isinstance(value, Mapping):
        return [(str(name), met) for name, met in value.items()]
    items: list[tuple[str, date]] = []
    for part in str(value).split(";"):
        if not part.strip():
            continue
        name, sep, met = part.rpartition("=")
        if not sep or not name.strip():
            raise MentormatchError(
                f"{pair}: milestone {part.strip()[:80]!r} has no name and date; write "
                "name=YYYY-MM-DD, separated by ';' (kick-off=2026-01-20; "
                "agreement=2026-02-05)",
                field="milestones",
                value=value,
            )
        name = " ".join(name.split())
        try:
            items.append((name, _parse_date(met, f"milestone {name!r}", "")))
        except MentormatchError:
            raise MentormatchError(
                f"{pair}: milestone {name!r} date {met.strip()[:80]!r} is not a date; "
                f"write it as {name}=YYYY-MM-DD",
                field="milestones",
                value=met,
            ) from None
    return items


def _require_columns(
    columns: Sequence[str], required: Sequence[str], *, sink: Problems, example: str
) -> bool:
    missing = [c for c in required if c not in columns]
    for name in missing:
        sink.add(
            f"missing column {name}{did_you_mean(name, columns)}; found "
            + listed(columns)
            + f" (names are matched case-insensitively); {example}",
            row=1,
            column=name,
        )
    return not missing


def _bare(exc: MentormatchError) -> str:
    """The message of a cell parsed with ``where=""``."""
    return str(exc).removeprefix(": ")


def _expected_cadence(value: object) -> str | None:
    """Why an ``expected_meetings_per_month`` cell is not a cadence, or None when it is one."""
    try:
        number = float(str(value).strip().replace(",", "."))
    except (ValueError, OverflowError):
        return f"expected_meetings_per_month {str(value)[:80]!r} is not a number"
    if not math.isfinite(number) or number < 0:
        return (
            f"expected_meetings_per_month {str(value)[:80]!r} must be a number >= 0 "
            "(meetings a month, e.g. 2); a negative cadence cannot be met or missed"
        )
    return None


def _parse_rows(table: Table, sink: Problems, statuses: Sequence[str]) -> list[dict[str, Any]]:
    """One record per row, every cell parsed; ``_bad`` marks rows with a problem."""
    seen: dict[tuple[str, str], int | str] = {}
    return [_parse_row(row, sink, statuses=statuses, seen=seen) for row in table.rows]


def _parse_row(
    row: Row, sink: Problems, *, statuses: Sequence[str], seen: dict[tuple[str, str], int | str]
) -> dict[str, Any]:
    """One row's record; a pair seen before (in ``seen``) is a problem."""
    cells = row.cells
    mentee = cells.get("mentee_id")
    number = row.number
    pid = str(mentee).strip() if mentee is not None else None
    before = len(sink.items)

    for name in REQUIRED:
        if cells.get(name) is None:
            sink.add(f"{name} is empty; every row needs one", number, name, pid)
    rec: dict[str, Any] = {
        "mentee_id": pid or "",
        "mentor_id": str(cells.get("mentor_id") or "").strip(),
        "goals_set": 0,
        "goals_met": 0,
        "meetings": [],
    }
    raw_status = cells.get("status")
    if raw_status is not None:
        status = normalise_status(raw_status)
        if status not in statuses:
            sink.add(
                f"status {str(raw_status)[:80]!r} is not one of "
                + ", ".join(repr(s) for s in statuses),
                number,
                "status",
                pid,
            )
        rec["status"] = status
    _parse_cells(cells, rec, number=number, pid=pid, sink=sink)
    cadence = cells.get("expected_meetings_per_month")
    if cadence is not None:
        why = _expected_cadence(cadence)
        if why is not None:
            sink.add(why, number, "expected_meetings_per_month", pid)
    rec["attributes"] = {
        col: str(value).strip()
        for col, value in cells.items()
        if col not in RELATIONSHIP_FIELDS and value is not None
    }
    key = (rec["mentee_id"], rec["mentor_id"])
    if pid and rec["mentor_id"]:
        if key in seen:
            sink.add(
                f"mentee {key[0]!r} and mentor {key[1]!r} already appear in row "
                f"{seen[key]}; keep one row per pair",
                number,
                "mentee_id",
                pid,
            )
        else:
            seen[key] = row.number
    rec["_bad"] = len(sink.items) > before or "started" not in rec or "status" not in rec
    rec["_row"] = number
    return rec


def _parse_cells(
    cells: dict[str, Any],
    rec: dict[str, Any],
    *,
    number: int | str,
    pid: str | None,
    sink: Problems,
) -> None:
    """The dates, counts, satisfaction and meetings of one row, parsed into ``rec``."""
    for name in ("started", "planned_end", "ended"):
        if cells.get(name) is not None:
            try:
                rec[name] = _parse_date(cells[name], name, "")
            except MentormatchError as exc:
                sink.add(_bare(exc), number, name, pid)
    for name in ("goals_set", "goals_met"):
        if cells.get(name) is not None:
            try:
                rec[name] = _parse_int(cells[name], name, "")
            except MentormatchError as exc:
                sink.add(_bare(exc), number, name, pid)
    if cells.get("satisfaction") is not None:
        try:
            rec["satisfaction"] = _parse_float(cells["satisfaction"], "satisfaction", "")
        except MentormatchError as exc:
            sink.add(_bare(exc), number, "satisfaction", pid)
    try:
        rec["meetings"] = _parse_meetings(cells.get("meetings"), "")
    except MentormatchError as exc:
        sink.add(_bare(exc), number, "meetings", pid)
    if cells.get("milestones") is not None:
        pair = f"pair (mentee {pid!r}, mentor {rec['mentor_id']!r})"
        try:
            rec["milestones"] = _parse_milestones(cells["milestones"], pair)
        except MentormatchError as exc:
            sink.add(str(exc), number, "milestones", pid)


def _add_meetings_file(parsed: list[dict[str, Any]], meetings: Any) -> Problems:
    """Add the dates of a meetings file to the parsed relationships; return its problems."""
    table, sink = read_table_checked(meetings, "the meetings")
    if table is None or not _require_columns(
        table.columns,
        ("mentee_id", "mentor_id", "date"),
        sink=sink,
        example="a meetings file has one row per meeting",
    ):
        return sink
    index = {(rec["mentee_id"], rec["mentor_id"]): rec for rec in parsed}
    for row in table.rows:
        cells = row.cells
        mentee, mentor = cells.get("mentee_id"), cells.get("mentor_id")
        number = row.number
        pid = str(mentee).strip() if mentee is not None else None
        empty = [c for c in ("mentee_id", "mentor_id", "date") if cells.get(c) is None]
        if empty:
            sink.add(
                f"{', '.join(empty)} {'is' if len(empty) == 1 else 'are'} empty; mentee_id, "
                "mentor_id and date are all needed",
                number,
                empty[0],
                pid,
            )
            continue
        rec = index.get((str(mentee).strip(), str(mentor).strip()))
        if rec is None:
            sink.add(
                f"no relationship for mentee {mentee!r} and mentor {mentor!r}"
                f"{did_you_mean(mentee, sorted({k[0] for k in index}))}; check the ids",
                number,
                "mentee_id",
                pid,
            )
            continue
        try:
            held = _parse_date(cells["date"], "date", "")
        except MentormatchError as exc:
            sink.add(_bare(exc), number, "date", pid)
            continue
        started = rec.get("started")
        if started is not None and held < started:
            sink.add(
                f"meeting on {held} is before started {started}; fix the meeting or the start",
                number,
                "date",
                pid,
            )
            continue
        rec["meetings"].append(held)
    return sink
