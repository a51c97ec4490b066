"""Writing sign-ups back in the sign-up format (:func:`write_signups`)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import IO, TYPE_CHECKING, Any

from mentormatch._errors import MentormatchError
from mentormatch.participants import Mentee, Mentor

if TYPE_CHECKING:
    pass
from mentormatch._files.signups import FIELDS, column_key
from mentormatch._files.writing import PathOrFile, cell_out, csv_writer, format_of, open_target, put
from mentormatch.io.fields import _SEP
from mentormatch.io.results import RESULTS_FORMAT_VERSION
from mentormatch.io.signups import read_signups  # noqa: F401  (the examples use it)

__all__ = ["write_signups"]


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
        For an open file (default ``"csv"``). A path is written in the format
        its extension names (``.csv``, ``.json``); another extension, or a
        ``format`` that disagrees with it, is refused before anything is written.

    Raises
    ------
    MentormatchError
        For a path whose extension is not ``.csv`` or ``.json``.
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
    fmt = format_of(dest, format)
    if fmt == "json":
        payload = {
            "version": RESULTS_FORMAT_VERSION,
            "mentees": [_participant_dict(p) for p in tees],
            "mentors": [_participant_dict(p) for p in tors],
        }
        open_target(
            dest, fmt, lambda h: put(h, json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
        )
        return
    extra: list[str] = []
    for person in (*tees, *tors):
        for key in person.attributes:
            if column_key(key) in FIELDS or key != key.strip().lower() or key == "attributes":
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
        writer = csv_writer(handle)
        writer.writerow(header)
        for row in rows:
            writer.writerow([cell_out(v) for v in row])

    open_target(dest, fmt, write)
