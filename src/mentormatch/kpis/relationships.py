"""One pair's life as a record (:class:`Relationship`, seen as of a day by
:meth:`Relationship.as_of`), and relationships built from a file's rows
(read by ``mentormatch._files.relationships``)."""

from __future__ import annotations

import bisect
import importlib
import importlib.resources
import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_core.core_schema import ValidationInfo

from mentormatch._dates import DateLike, is_missing, to_date
from mentormatch._errors import MentormatchError
from mentormatch._files.relationships import (
    RelationshipRow,
    normalise_status,
    read_relationship_rows,
)
from mentormatch._problems import Problems
from mentormatch._validation import as_real, as_whole, fold
from mentormatch._values import FrozenDict

__all__ = ["Relationship", "load_demo_relationships", "read_relationships"]


Status = Literal["active", "completed", "ended_early"]


STATUSES: tuple[str, ...] = ("active", "completed", "ended_early")


def _pair(mentee_id: object, mentor_id: object) -> str:
    return f"pair (mentee {mentee_id!r}, mentor {mentor_id!r})"


class Relationship(BaseModel):
    """One mentoring pair's life.

    Attributes
    ----------
    mentee_id, mentor_id : str
    started : date
        Any date-like (``date``, ``datetime``, ``pandas.Timestamp``,
        ``numpy.datetime64``, ISO text); required.
    planned_end, ended : date or None
        Date-likes; ``None``, ``NaT``, ``NaN`` and ``pd.NA`` mean not set.
    status : {"active", "completed", "ended_early"}
        The status in the data, today. :meth:`as_of` gives the status on an
        earlier day.
    meetings : tuple of date
        Dates of meetings held (any iterable of date-likes; sorted on construction).
    goals_set, goals_met : int
        ``0 <= goals_met <= goals_set``; numpy integers and whole floats are
        taken, bools are not.
    satisfaction : float or None
        Latest satisfaction score, on whatever scale the programme uses;
        missing markers mean none.
    attributes : dict of str to str
        Department, cohort... used for breakdowns.
    milestones : mapping of str to date
        The day each milestone of the pair's plan was met (``kick-off``,
        ``agreement``... see :mod:`mentormatch.followup`); a read-only
        mapping. Names are trimmed (inner spaces collapsed) and may appear
        once, compared case-folded; dates are date-likes, none before
        ``started``.

    Examples
    --------
    >>> r = Relationship(mentee_id="e01", mentor_id="m01", started="2025-03-01",
    ...                  status="Ended early", meetings=["2025-04-01", "2025-03-10"],
    ...                  goals_set=2, goals_met=1, ended="2025-05-01",
    ...                  attributes={"department": "Finance"})
    >>> r.status, r.meetings[0]
    ('ended_early', datetime.date(2025, 3, 10))
    >>> Relationship(mentee_id="e01", mentor_id="m01", started="2025-03-01",
    ...              milestones={"kick-off": "2025-03-10"}).milestones
    {'kick-off': datetime.date(2025, 3, 10)}
    >>> Relationship(mentee_id="e01", mentor_id="m01", started="2025-03-01",
    ...              status="completed", ended="2025-01-01")
    Traceback (most recent call last):
    ...
    pydantic_core._pydantic_core.ValidationError: 1 validation error for Relationship
      Value error, pair (mentee 'e01', mentor 'm01'): ended 2025-01-01 is before started ...
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    mentee_id: str
    mentor_id: str
    started: date
    planned_end: date | None = None
    ended: date | None = None
    status: Status = "active"
    meetings: tuple[date, ...] = ()
    goals_set: int = Field(default=0, ge=0)
    goals_met: int = Field(default=0, ge=0)
    satisfaction: float | None = None
    attributes: Mapping[str, str] = Field(default_factory=FrozenDict)
    milestones: Mapping[str, date] = Field(default_factory=FrozenDict)

    @field_validator("mentee_id", "mentor_id")
    @classmethod
    def _id_not_blank(cls, value: str, info: ValidationInfo) -> str:
        value = value.strip()
        if not value:
            raise ValueError(f"{info.field_name} must not be empty")
        return value

    @field_validator("status", mode="before")
    @classmethod
    def _known_status(cls, value: object, info: ValidationInfo) -> str:
        status = normalise_status(value)
        if status not in STATUSES:
            raise ValueError(
                f"{_pair_of(info)}: status {value!r} is not one of "
                + ", ".join(repr(s) for s in STATUSES)
            )
        return status

    @field_validator("started", "planned_end", "ended", mode="before")
    @classmethod
    def _date_like(cls, value: object, info: ValidationInfo) -> date | None:
        name = str(info.field_name)
        try:
            if name == "started":
                return to_date(value, name)
            return to_date(value, name, missing=True)
        except MentormatchError as exc:
            raise ValueError(f"{_pair_of(info)}: {exc}") from None

    @field_validator("meetings", mode="before")
    @classmethod
    def _meeting_dates(cls, value: object, info: ValidationInfo) -> tuple[date, ...]:
        if value is None:
            return ()
        if isinstance(value, (str, bytes, date, Mapping)) or not isinstance(value, Iterable):
            raise ValueError(
                f"{_pair_of(info)}: meetings must be a list of dates, not "
                f"{type(value).__name__}; give [] for none"
            )
        out: list[date] = []
        for i, item in enumerate(value):
            if is_missing(item):
                raise ValueError(
                    f"{_pair_of(info)}: meetings[{i}] is missing; leave it out or give its date"
                )
            try:
                out.append(to_date(item, f"meetings[{i}]"))
            except MentormatchError as exc:
                raise ValueError(f"{_pair_of(info)}: {exc}") from None
        return tuple(sorted(out))

    @field_validator("goals_set", "goals_met", mode="before")
    @classmethod
    def _whole_count(cls, value: object, info: ValidationInfo) -> int:
        whole = as_whole(value)
        if whole is None or whole < 0:
            raise ValueError(
                f"{_pair_of(info)}: {info.field_name} must be a whole number >= 0, "
                f"not {value!r}; give 0 when no goals were set"
            )
        return whole

    @field_validator("satisfaction", mode="before")
    @classmethod
    def _real_score(cls, value: object, info: ValidationInfo) -> float | None:
        if is_missing(value):
            return None
        real = as_real(value)
        if real is None or not math.isfinite(real):
            raise ValueError(
                f"{_pair_of(info)}: satisfaction must be a finite number or missing, not {value!r}"
            )
        return real

    @field_validator("milestones", mode="before")
    @classmethod
    def _milestone_dates(cls, value: object, info: ValidationInfo) -> Mapping[str, date]:
        if value is None:
            return FrozenDict()
        if not isinstance(value, Mapping):
            raise ValueError(
                f"{_pair_of(info)}: milestones must map a milestone's name to the date it was "
                f"met, e.g. {{'kick-off': '2026-01-20'}}, not {type(value).__name__}"
            )
        try:
            return milestone_dates(value.items())
        except MentormatchError as exc:
            raise ValueError(f"{_pair_of(info)}: {exc}") from None

    @field_validator("milestones", mode="after")
    @classmethod
    def _read_only_milestones(cls, value: Mapping[str, date]) -> Mapping[str, date]:
        return FrozenDict(value)

    @model_validator(mode="after")
    def _consistent(self) -> Relationship:
        problems = _relationship_problems(
            self.started,
            planned_end=self.planned_end,
            ended=self.ended,
            status=self.status,
            meetings=self.meetings,
            goals_set=self.goals_set,
            goals_met=self.goals_met,
        )
        if not problems:
            late = _milestone_problem(self.started, self.milestones)
            problems = [] if late is None else [late]
        if problems:
            raise ValueError(f"{_pair(self.mentee_id, self.mentor_id)}: {problems[0][1]}")
        return self

    @field_validator("attributes", mode="after")
    @classmethod
    def _read_only_attributes(cls, value: Mapping[str, str]) -> Mapping[str, str]:
        return FrozenDict(value)

    @property
    def key(self) -> tuple[str, str]:
        """``(mentee_id, mentor_id)``."""
        return (self.mentee_id, self.mentor_id)

    def as_of(self, day: DateLike) -> Relationship | None:
        """This relationship as it stood on ``day``: the one rule every KPI uses.

        * A pair that starts after ``day`` is not in the cohort yet: ``None``.
        * A pair that ended (completed or ended early) after ``day`` was still
          active on it: its status is ``"active"`` and it has no end date. Its
          ``goals_met`` and ``satisfaction`` were recorded at its end, after
          ``day``, so they are not known yet (``0`` and ``None``).
        * Meetings after ``day`` are ignored, and so are milestones met after it.
        * Everything else is as in the data (``planned_end`` is a plan, known
          from the start). The data carry no dates for goals met or
          satisfaction of a pair still active in them, and none for the end of
          a finished pair without ``ended``: those are taken as they are.

        Parameters
        ----------
        day : date-like
            ``date``, ``datetime``, ``pandas.Timestamp``, ``numpy.datetime64`` or
            ISO text.

        Returns
        -------
        Relationship or None
            ``self`` when nothing changed by ``day``.

        Examples
        --------
        >>> r = Relationship(mentee_id="e1", mentor_id="m1", started="2025-01-01",
        ...                  status="completed", ended="2025-09-30", goals_set=2,
        ...                  goals_met=2, meetings=["2025-02-01", "2025-08-01"])
        >>> then = r.as_of("2025-06-30")
        >>> then.status, then.ended, then.goals_met, then.meetings
        ('active', None, 0, (datetime.date(2025, 2, 1),))
        >>> r.as_of("2024-12-31") is None, r.as_of("2025-10-01") is r
        (True, True)
        """
        d = to_date(day, "as_of")
        if self.started > d:
            return None
        finished_later = self.status != "active" and self.ended is not None and self.ended > d
        later_meetings = bool(self.meetings) and self.meetings[-1] > d
        later_milestones = any(met > d for met in self.milestones.values())
        if not (finished_later or later_meetings or later_milestones):
            return self
        update: dict[str, Any] = {}
        if later_meetings:
            update["meetings"] = self.meetings[: bisect.bisect_right(self.meetings, d)]
        if later_milestones:
            update["milestones"] = FrozenDict(
                {name: met for name, met in self.milestones.items() if met <= d}
            )
        if finished_later:
            update.update(status="active", ended=None, goals_met=0, satisfaction=None)
        return self.model_copy(update=update)


def _pair_of(info: ValidationInfo) -> str:
    return _pair(info.data.get("mentee_id"), info.data.get("mentor_id"))


def milestone_dates(items: Iterable[tuple[object, object]]) -> FrozenDict[str, date]:
    """``(name, date-like)`` items as a read-only mapping: names trimmed (inner spaces
    collapsed), each once (case-folded), dates through :func:`to_date`.  A problem
    raises :class:`MentormatchError` naming the milestone."""
    out: dict[str, date] = {}
    seen: dict[str, str] = {}
    for name, met in items:
        if not isinstance(name, str) or not name.strip():
            raise MentormatchError(
                f"a milestone's name must be non-empty text, not {str(name)[:80]!r}",
                field="milestones",
                value=name,
            )
        shown_name = " ".join(name.split())
        key = fold(shown_name)
        if key in seen:
            raise MentormatchError(
                f"milestone {shown_name!r} is given twice (also as {seen[key]!r}); keep the "
                "day it was first met",
                field="milestones",
                value=name,
            )
        seen[key] = shown_name
        if is_missing(met):
            raise MentormatchError(
                f"milestone {shown_name!r} has no date; leave it out until it is met",
                field="milestones",
                value=met,
            )
        try:
            out[shown_name] = to_date(met, f"milestone {shown_name}")
        except MentormatchError:
            raise MentormatchError(
                f"milestone {shown_name!r}: {str(met)[:80]!r} is not a date; write it as "
                f"{shown_name}=YYYY-MM-DD",
                field="milestones",
                value=met,
            ) from None
    return FrozenDict(out)


def _milestone_problem(started: date, milestones: Mapping[str, date]) -> tuple[str, str] | None:
    """A milestone met before the pair started, as ``(field, message)``, or None."""
    early = [(met, name) for name, met in milestones.items() if met < started]
    if not early:
        return None
    met, name = min(early)
    return (
        "milestones",
        f"milestone {name!r} met on {met} is before started {started}; fix the milestone or "
        "the start",
    )


def _relationship_problems(
    started: date,
    *,
    planned_end: date | None,
    ended: date | None,
    status: str,
    meetings: Sequence[date],
    goals_set: int,
    goals_met: int,
) -> list[tuple[str, str]]:
    """Every inconsistency of one relationship as ``(field, message)``."""
    out: list[tuple[str, str]] = []
    if ended is not None and ended < started:
        out.append(("ended", f"ended {ended} is before started {started}; fix the dates"))
    if planned_end is not None and planned_end < started:
        out.append(
            (
                "planned_end",
                f"planned_end {planned_end} is before started {started}; fix the dates",
            )
        )
    if status == "active" and ended is not None:
        out.append(
            (
                "ended",
                f"status is 'active' but ended is {ended}; set status to 'completed' or "
                "'ended_early', or clear ended",
            )
        )
    if goals_met > goals_set:
        out.append(
            (
                "goals_met",
                f"goals_met {goals_met} is more than goals_set {goals_set}; "
                "goals met cannot exceed goals set",
            )
        )
    early = [m for m in meetings if m < started]
    if early:
        out.append(
            (
                "meetings",
                f"meeting on {min(early)} is before started {started}; fix the meeting or the "
                "start",
            )
        )
    return out


def read_relationships(source: Any, meetings: Any = None) -> tuple[Relationship, ...]:
    """Read relationships from a CSV file, an open file or a pandas DataFrame.

    One row per pair.  Columns (matched case-insensitively, trimmed, spaces or
    hyphens as ``_``): ``mentee_id``, ``mentor_id``, ``started``, ``status``
    (required), ``planned_end``, ``ended``, ``meetings`` (ISO dates separated by
    ``;``), ``goals_set``, ``goals_met``, ``satisfaction``; every other column goes
    into ``attributes`` (department, cohort, ...); an
    ``expected_meetings_per_month`` column, the pair's committed cadence, must
    hold numbers >= 0.  UTF-8 with or without BOM; comma or semicolon delimiter.

    ``meetings`` may also be a separate file or DataFrame with ``mentee_id``,
    ``mentor_id`` and ``date`` columns, one row per meeting; its dates are added to
    those of the ``meetings`` column.

    A ``milestones`` column holds the day each milestone of the pair's plan was
    met, as ``name=YYYY-MM-DD`` separated by ``;``
    (``kick-off=2026-01-20; agreement=2026-02-05``; see
    :attr:`Relationship.milestones`); a bad date names the milestone, the row
    and the pair.

    Every problem of both files is reported at once, in one
    :class:`~mentormatch._problems.ProblemsError` (a ``MentormatchError``)
    whose ``problems`` name the file, the row as a spreadsheet shows it (the
    header is row 1; for a DataFrame, the index label), the column, the
    mentee and the fix, e.g. ``rel.csv, row 7, column 'ended', id 'e12':
    ended 2024-01-03 is before started 2024-02-01; fix the dates``.

    Examples
    --------
    >>> import io
    >>> text = "Mentee_ID;Mentor ID;Started;Status;Meetings;Department\\n"
    >>> text += "e01;m01;2025-03-01;active;2025-03-10, 2025-04-02;Finance\\n"
    >>> (r,) = read_relationships(io.StringIO(text))
    >>> r.mentee_id, len(r.meetings), r.attributes
    ('e01', 2, {'department': 'Finance'})
    >>> text = "mentee_id,mentor_id,started,status,milestones\\n"
    >>> text += "e01,m01,2026-01-12,active,kick-off=2026-01-20; agreement=2026-02-05\\n"
    >>> read_relationships(io.StringIO(text))[0].milestones["agreement"]
    datetime.date(2026, 2, 5)
    >>> read_relationships(io.StringIO("mentee_id,mentor_id,started,ended,status\\n"
    ...                                "e12,m01,2024-02-01,2024-01-03,completed\\n"
    ...                                "e13,m01,2024-02-30,,paused\\n"))
    Traceback (most recent call last):
    ...
    mentormatch._problems.ProblemsError: 3 problems in the relationships:
      row 2, column 'ended', id 'e12': ended 2024-01-03 is before started 2024-02-01; fix the dates
      row 3, column 'status', id 'e13': status 'paused' is not one of 'active', 'completed', 'ended_early'
      row 3, column 'started', id 'e13': started '2024-02-30' is not a date; write it as YYYY-MM-DD
    """
    rows, sink = read_relationship_rows(source, meetings, statuses=STATUSES)
    out: list[Relationship] = []
    for pair in rows:
        if not pair.bad:
            built = _build(pair, sink)
            if built is not None:
                out.append(built)
    sink.raise_if_any("the relationships")
    return tuple(out)


def _build(pair: RelationshipRow, sink: Problems) -> Relationship | None:
    """One pair's record, or None with its problems added to ``sink``: every row is
    checked, so the problems of all rows are reported at once."""
    rec = pair.fields
    pair_text = _pair(rec["mentee_id"], rec["mentor_id"])
    if "milestones" in rec:  # (name, date) items as read: names checked here, once each
        try:
            rec["milestones"] = milestone_dates(rec["milestones"])
        except MentormatchError as exc:
            sink.add(f"{pair_text}: {exc}", pair.row, "milestones", rec["mentee_id"])
            return None
    found = _relationship_problems(
        rec["started"],
        planned_end=rec.get("planned_end"),
        ended=rec.get("ended"),
        status=rec["status"],
        meetings=rec["meetings"],
        goals_set=rec["goals_set"],
        goals_met=rec["goals_met"],
    )
    late = _milestone_problem(rec["started"], rec.get("milestones", {}))
    if late is not None:
        found.append((late[0], f"{pair_text}: {late[1]}"))
    for name, message in found:
        sink.add(message, pair.row, name, rec["mentee_id"])
    if found:
        return None
    try:
        return Relationship(**rec)
    except ValidationError as exc:
        for err in exc.errors():
            loc = ".".join(str(p) for p in err["loc"]) or None
            message = str(err["msg"]).removeprefix("Value error, ")
            sink.add(message, pair.row, loc, rec["mentee_id"])
        return None


def load_demo_relationships() -> tuple[Relationship, ...]:
    """The synthetic demo programme: 60 pairs (mentees ``e01``..``e60``, mentors
    ``m01``..``m25``) across departments and two cohorts, 2025-2026.

    >>> demo = load_demo_relationships()
    >>> len(demo), demo[0].mentee_id, sorted({r.attributes["cohort"] for r in demo})
    (60, 'e01', ['2025-autumn', '2025-spring'])
    """
    ref = importlib.resources.files("mentormatch").joinpath("data/demo_relationships.csv")
    with ref.open("rb") as handle:
        return read_relationships(handle)
