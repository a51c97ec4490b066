"""Sign-up cells to participant fields (private): skills, goals, capacity,
attributes, and a Mentee or Mentor built from one record."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from mentormatch._problems import Problems
from mentormatch.participants import Mentee, Mentor

if TYPE_CHECKING:
    pass
from mentormatch._files.signups import FIELDS, Record, cell_text

_ROLES = ("mentee", "mentor")


_SEP = ";"


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
            *((k, v) for k, v in cells.items() if k not in FIELDS and k != "attributes"),
        ]
    else:
        items = ((k, v) for k, v in cells.items() if k not in FIELDS)
    for key, value in items:
        if value is None:
            continue
        if isinstance(value, (dict, list, tuple)):
            add(key, f"{key} must be a single value, got {type(value).__name__}")
            continue
        text = cell_text(value)
        if text:
            out[key] = text
    return out


def _build(record: Record, role: str, problems: Problems) -> Mentee | Mentor | None:
    """The participant of one record, or ``None`` after adding its problems."""
    cells = record.cells
    pid = cell_text(cells.get("id"))
    before = len(problems.items)

    def adder(column: str) -> Callable[[str], None]:
        return lambda message: problems.add(message, record.row, column, pid)

    if not pid:
        problems.add("the id is empty; give every person a unique id", record.row, "id")
    fields: dict[str, Any] = {"id": pid}
    for key in ("name", "manager_id"):
        text = cell_text(cells.get(key))
        if text:
            fields[key] = text
    for key in ("department", "about"):
        fields[key] = cell_text(cells.get(key))
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


def _role_of(record: Record, expected: str | None, problems: Problems) -> str | None:
    raw = record.cells.get("role")
    text = cell_text(raw).lower()
    pid = cell_text(record.cells.get("id"))
    if not text:
        if expected is not None:
            return expected
        problems.add("the role is empty; write mentor or mentee", record.row, "role", pid)
        return None
    if text not in _ROLES:
        problems.add(
            f"unknown role {cell_text(raw)!r}; write mentor or mentee", record.row, "role", pid
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
