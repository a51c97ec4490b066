"""One error style for every input file (private).

Every reader collects what is wrong with a file as :class:`Problem` records
(file, row as a spreadsheet numbers it, column, id, and the fix) and raises
them together in one :class:`ProblemsError`, so that a file is fixed in one
pass. :func:`nearest` finds the valid name a typo was meant to be.

Examples
--------
>>> sink = Problems("programme.toml")
>>> sink.add("unknown key 'min_scor'" + did_you_mean("min_scor", ["min_score", "preset"]),
...          column="min_scor")
>>> sink.raise_if_any("the programme file")
Traceback (most recent call last):
...
mentormatch._problems.ProblemsError: 1 problem in the programme file:
  programme.toml, column 'min_scor': unknown key 'min_scor'; did you mean 'min_score'?
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from mentormatch._errors import MentormatchError
from mentormatch._values import Value

__all__ = [
    "Problem",
    "Problems",
    "ProblemsError",
    "did_you_mean",
    "listed",
    "nearest",
    "ordered",
    "shown",
    "then",
]


@dataclass(frozen=True, eq=False)
class Problem(Value):
    """One problem found in input data.

    Attributes
    ----------
    message : str
        What is wrong and how to fix it.
    row : int, str or None
        The row as a spreadsheet numbers it (the header is row 1, the first
        person row 2); for JSON the entry number (from 1) in its list; for a
        DataFrame the position of the row plus 2, as if it were saved as CSV
        (the sign-ups), or its index label (relationships).
        ``None`` for a problem with the file as a whole.
    column : str or None
        The column (field, or key of a TOML or JSON file) at fault, normalised
        (``"manager_id"``).
    participant_id : str or None
        The id on that row, when there is one.
    source : str or None
        The file (or ``"mentees"`` / ``"mentors"`` for in-memory data).

    Examples
    --------
    >>> p = Problem("skill level 7 is outside 1..5", row=4, column="skills",
    ...             participant_id="e03", source="signups.csv")
    >>> str(p)
    "signups.csv, row 4, column 'skills', id 'e03': skill level 7 is outside 1..5"
    """

    message: str
    row: int | str | None = None
    column: str | None = None
    participant_id: str | None = None
    source: str | None = None

    def __str__(self) -> str:
        where = []
        if self.source:
            where.append(self.source)
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column {shown(self.column)}")
        if self.participant_id:
            where.append(f"id {shown(self.participant_id)}")
        return f"{', '.join(where)}: {self.message}" if where else self.message


class ProblemsError(MentormatchError):
    """Input with problems; ``problems`` lists every one of them.

    The message lists them all, one per line. ``field``, ``participant_id`` and
    ``value`` describe the first problem (``value`` is its row).

    Parameters
    ----------
    problems : sequence of Problem
        At least one.
    what : str
        What was read, for the first line ("the sign-ups", "the relationships").

    Examples
    --------
    >>> err = ProblemsError([Problem("id is empty", row=3, column="id")], "the relationships")
    >>> print(err)
    1 problem in the relationships:
      row 3, column 'id': id is empty
    """

    def __init__(self, problems: Sequence[Problem], what: str = "the input") -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        self.what = what
        n = len(self.problems)
        head = f"{n} problem{'s' if n != 1 else ''} in {what}:"
        lines = [head, *(f"  {p}" for p in self.problems)]
        first = self.problems[0] if self.problems else Problem("")
        super().__init__(
            "\n".join(lines),
            field=first.column,
            participant_id=first.participant_id,
            value=first.row,
        )

    def __reduce__(self) -> tuple[Any, ...]:  # it travels, e.g. back from a process pool
        return (_rebuild_error, (type(self), self.problems, self.what))


def _rebuild_error(cls: type[ProblemsError], problems: tuple[Problem, ...], what: str) -> Any:
    err = cls.__new__(cls)
    ProblemsError.__init__(err, problems, what)
    return err


class Problems:
    """Collects the problems of one source."""

    def __init__(self, source: str | None) -> None:
        self.source = source
        self.items: list[Problem] = []

    def add(
        self,
        message: str,
        row: int | str | None = None,
        column: str | None = None,
        participant_id: str | None = None,
    ) -> None:
        """Record one problem of this source."""
        self.items.append(Problem(message, row, column, participant_id or None, self.source))

    def __len__(self) -> int:
        return len(self.items)

    def raise_if_any(self, what: str) -> None:
        """Raise one :class:`ProblemsError` with every problem recorded, if there is any,
        in file order (:func:`ordered`)."""
        if self.items:
            raise ProblemsError(ordered(self.items), what)


def ordered(problems: Iterable[Problem]) -> list[Problem]:
    """Problems by file (in order of first appearance), then file-level ones, then by row.

    Rows that are not all numbers (DataFrame index labels) keep the order found.

    >>> [p.row for p in ordered([Problem("b", row=3), Problem("a"), Problem("c", row=2)])]
    [None, 2, 3]
    """
    items = list(problems)
    order = {src: i for i, src in enumerate(dict.fromkeys(p.source for p in items))}
    numbered = all(p.row is None or isinstance(p.row, int) for p in items)

    def key(p: Problem) -> tuple[int, bool, int]:
        row = p.row if numbered and isinstance(p.row, int) else 0
        return (order[p.source], p.row is not None, row)

    return sorted(items, key=key)


def nearest(word: object, choices: Iterable[str]) -> str | None:
    """The valid name closest to ``word`` (a likely typo), or None when none is close.

    Compared case-insensitively, with :func:`difflib.get_close_matches`.

    Examples
    --------
    >>> nearest("tragets", ["targets", "criteria"]), nearest("zzz", ["targets"])
    ('targets', None)
    """
    options = list(dict.fromkeys(choices))
    folded = {c.casefold(): c for c in options}
    text = str(word).casefold()
    if text in folded:
        return folded[text]
    got = difflib.get_close_matches(text, list(folded), n=1, cutoff=0.6)
    return folded[got[0]] if got else None


def did_you_mean(word: object, choices: Iterable[str]) -> str:
    """``"; did you mean 'x'?"`` for the nearest valid name, or ``""`` when none is close.

    >>> did_you_mean("GoalOverlapp", ["GoalOverlap", "SkillGap"])
    "; did you mean 'GoalOverlap'?"
    """
    best = nearest(word, choices)
    return f"; did you mean {best!r}?" if best is not None else ""


def shown(value: object, limit: int = 80) -> str:
    """A value as a message shows it: ``repr``, huge integers abbreviated, long text cut.

    >>> shown(2**70), shown(10**400), shown("x" * 100)[-6:], shown([1, 10**30])
    ('1180591620717411303424', '1000…000 (401 digits)', "xxxx…'", '[1, 1000…000 (31 digits)]')
    """

    def one(v: object) -> str:
        if isinstance(v, int) and not isinstance(v, bool) and abs(v) >= 10**24:
            digits = len(str(abs(v)))
            text = str(v)
            return f"{text[: 4 + (v < 0)]}…{text[-3:]} ({digits} digits)"
        if isinstance(v, list):
            return "[" + ", ".join(one(x) for x in v[:10]) + (", …]" if len(v) > 10 else "]")
        return repr(v)

    try:
        text = one(value)
    except ValueError:  # an integer too long to print
        text = f"an integer of more than {4300} digits"
    return text if len(text) <= limit else text[: limit - 2] + "…" + text[-1]


def listed(names: Iterable[object], most: int = 30) -> str:
    """Names for a message, ``"a, b, c"``: each cut to 40 characters, at most ``most``.

    >>> listed(["id", "x" * 50]), listed(range(40))[-17:]
    ('id, xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…', '29, … (40 in all)')
    """
    items = [str(n) if len(str(n)) <= 40 else str(n)[:39] + "…" for n in names]
    if len(items) > most:
        return ", ".join(items[:most]) + f", … ({len(items)} in all)"
    return ", ".join(items) or "none"


def then(hint: str, fix: str) -> str:
    """A :func:`did_you_mean` hint followed by the fix, punctuated either way.

    >>> "no column 'nmae'" + then("; did you mean 'name'?", "the columns are id, name")
    "no column 'nmae'; did you mean 'name'? The columns are id, name"
    >>> "no column 'zz'" + then("", "the columns are id, name")
    "no column 'zz'; the columns are id, name"
    """
    return f"{hint} {fix[:1].upper()}{fix[1:]}" if hint else f"; {fix}"
