"""Reading sign-ups: :func:`read_signups` and :func:`load_demo`, with every
problem of every file in one :class:`SignupsError`."""

from __future__ import annotations

import io
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import IO, TYPE_CHECKING, Any, NamedTuple, Union

from mentormatch._errors import MentormatchError
from mentormatch._problems import Problem, Problems, ProblemsError, ordered
from mentormatch.participants import Mentee, Mentor, validate_programme

if TYPE_CHECKING:
    import pandas as pd
from mentormatch._files.signups import cell_text, load_records
from mentormatch._files.tables import source_name
from mentormatch.io.fields import _ROLES, _build, _items, _role_of

__all__ = ["Signups", "SignupsError", "load_demo", "read_signups"]


Source = Union[str, "os.PathLike[str]", IO[str], IO[bytes], "pd.DataFrame"]
"""Where sign-ups come from: a path, an open file, or a pandas DataFrame."""


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
    >>> s
    Signups(mentees=1, mentors=1)
    """

    __slots__ = ()

    def __repr__(self) -> str:
        return f"Signups(mentees={len(self.mentees)}, mentors={len(self.mentors)})"

    def _display_rows(self) -> list[tuple[str, object]]:
        places = sum(m.capacity for m in self.mentors)
        return [
            ("mentees", len(self.mentees)),
            ("mentors", len(self.mentors)),
            ("mentor places", places),
        ]

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        """IPython's display: the counts (names stay in the data)."""
        from mentormatch._display import pretty

        pretty(self, p, cycle)

    def _repr_html_(self) -> str:
        """Jupyter's display: the counts, in a small table."""
        from mentormatch._display import html

        return html(self)

    def __new__(cls, mentees: Iterable[Mentee], mentors: Iterable[Mentor]) -> Signups:
        return super().__new__(cls, tuple(mentees), tuple(mentors))

    def _replace(self, **changes: Iterable[Any]) -> Signups:
        """As :meth:`typing.NamedTuple._replace`, reading what is given into tuples."""
        fields = {"mentees": self.mentees, "mentors": self.mentors, **changes}
        return Signups(fields["mentees"], fields["mentors"])


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
        sources.append((source, None, source_name(source, "")))
    else:
        if mentees is None or mentors is None:
            raise MentormatchError(
                "give the sign-ups: read_signups(path) for one file with a role column, or "
                "read_signups(mentees=..., mentors=...) for separate files"
            )
        sources.append((mentees, "mentee", source_name(mentees, "mentees")))
        sources.append((mentors, "mentor", source_name(mentors, "mentors")))

    entries: list[_Entry] = []
    undecided: set[str] = set()
    people: dict[str, list[tuple[Mentee | Mentor, int, Problems]]] = {"mentee": [], "mentor": []}
    sinks: list[Problems] = []
    for src, role, name in sources:
        problems = Problems(name or None)
        sinks.append(problems)
        for list_role, records in load_records(src, role, problems).items():
            for record in records:
                record_role = _role_of(record, list_role, problems)
                pid = cell_text(record.cells.get("id"))
                if record_role is None:
                    undecided.add(pid)
                    _build(record, "mentor", problems)  # report the other cells' problems too
                    continue
                prefs = _items(record.cells.get("preferences"), "preferences", lambda m: None)
                if pid:
                    manager = cell_text(record.cells.get("manager_id"))
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
    sink: Problems
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
