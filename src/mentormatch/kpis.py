"""Programme KPIs: is the programme reaching people, are relationships alive, did
they reach their goals, and is it worth it.

Every rate comes with its counts and a confidence interval, never a bare
percentage:

>>> r = proportion(38, 52)
>>> print(r)
38/52 = 73.1% (95% CI 59.7%–83.2%, Wilson)
>>> r.numerator, r.denominator, round(r.ci.low, 4)
(38, 52, 0.5975)

Conventions
-----------
* A rate with no one in its denominator is not a number: :func:`proportion`
  raises :class:`~mentormatch._errors.MentormatchError` for ``n == 0``.
* Completion and early termination share one denominator: pairs whose outcome is
  known (completed or ended early) plus active pairs already past their planned
  end on ``as_of`` (overdue, counted as not completed).
* Groups smaller than ``min_group_size`` (at least 3) are suppressed in every
  breakdown, and one more group is suppressed when only one would be.
* The only personal data any output carries is the pair ids in the at-risk list.
"""

from __future__ import annotations

import importlib
import importlib.resources
import math
import os
import re
import statistics
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_core.core_schema import ValidationInfo
from scipy import stats

from mentormatch import _report, _toml
from mentormatch._errors import MentormatchError
from mentormatch._intervals import ConfidenceInterval
from mentormatch._problems import Problems, did_you_mean, listed, shown
from mentormatch._tables import Row, Table, read_table_checked, write_atomically, write_csv
from mentormatch._tables import normalise_column as _normalise_column

__all__ = [
    "KPI_NAMES",
    "AtRisk",
    "Breakdown",
    "BreakdownGroup",
    "GoalAttainment",
    "MeanSummary",
    "MeetingCadence",
    "MentorUtilisation",
    "NoDataError",
    "ProgrammeReport",
    "Rate",
    "RateDifference",
    "Relationship",
    "TargetCheck",
    "Targets",
    "TimeToMatch",
    "at_risk",
    "breakdown",
    "check_target",
    "compare_rates",
    "completion_rate",
    "early_termination_rate",
    "goal_attainment",
    "load_demo_relationships",
    "load_targets",
    "match_rate",
    "meeting_cadence",
    "mentor_utilisation",
    "programme_report",
    "proportion",
    "read_relationships",
    "satisfaction_summary",
    "time_to_match",
]

Status = Literal["active", "completed", "ended_early"]
STATUSES: tuple[str, ...] = ("active", "completed", "ended_early")
DAYS_PER_MONTH = 365.25 / 12

_METHOD_LABELS = {
    "wilson": "Wilson",
    "clopper-pearson": "Clopper-Pearson",
    "agresti-coull": "Agresti-Coull",
}


# --------------------------------------------------------------------------- rates
def _pct(x: float) -> str:
    return "undefined" if math.isnan(x) else f"{x * 100:.1f}%"


def _level(confidence: float) -> str:
    return f"{confidence * 100:g}%"


@dataclass(frozen=True)
class Rate:
    """A proportion with its counts and confidence interval.

    Attributes
    ----------
    value : float
        ``numerator / denominator``.
    numerator, denominator : int
        The counts; always reported with the value.
    ci : ConfidenceInterval
        The interval for the underlying proportion.
    method : str
        ``"wilson"``, ``"clopper-pearson"`` or ``"agresti-coull"``.
    """

    value: float
    numerator: int
    denominator: int
    ci: ConfidenceInterval
    method: str

    def summary(self) -> str:
        """``"38/52 = 73.1% (95% CI 59.7%–83.2%, Wilson)"``."""
        label = _METHOD_LABELS.get(self.method, self.method)
        return (
            f"{self.numerator}/{self.denominator} = {_pct(self.value)} "
            f"({_level(self.ci.level)} CI {_pct(self.ci.low)}–{_pct(self.ci.high)}, {label})"
        )

    def __str__(self) -> str:
        return self.summary()


class NoDataError(MentormatchError):
    """A KPI was asked for with nobody to measure: a rate with ``n == 0``, a mean of
    no scores.  A :class:`MentormatchError` (and so a ``ValueError``)."""


def _z(confidence: float) -> float:
    _check_confidence(confidence)
    return float(stats.norm.ppf(0.5 + confidence / 2))


def _check_confidence(confidence: float) -> None:
    if not (isinstance(confidence, (int, float)) and 0 < confidence < 1):
        raise MentormatchError(
            f"confidence must be between 0 and 1 (e.g. 0.95), not {confidence!r}",
            field="confidence",
            value=confidence,
        )


def _count(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise MentormatchError(
            f"{name} must be a whole number, not {value!r}", field=name, value=value
        )
    return int(value)


def proportion(k: int, n: int, confidence: float = 0.95, method: str = "wilson") -> Rate:
    """The rate ``k/n`` with a confidence interval.

    Parameters
    ----------
    k, n : int
        Successes and trials, ``0 <= k <= n``.  ``n == 0`` raises
        :class:`MentormatchError`: there is no rate of nobody.
    confidence : float
        Confidence level, default 0.95.
    method : {"wilson", "clopper-pearson", "agresti-coull"}
        Wilson score interval (default; good coverage at small n and near 0 or 1),
        Clopper-Pearson exact interval (conservative), or Agresti-Coull (clipped to
        [0, 1]).  All agree with ``statsmodels.stats.proportion.proportion_confint``.

    Examples
    --------
    >>> print(proportion(0, 10))
    0/10 = 0.0% (95% CI 0.0%–27.8%, Wilson)
    >>> print(proportion(10, 10, method="clopper-pearson"))
    10/10 = 100.0% (95% CI 69.2%–100.0%, Clopper-Pearson)
    >>> proportion(3, 0)
    Traceback (most recent call last):
    ...
    mentormatch.kpis.NoDataError: a rate needs at least one case in its denominator (n = 0)
    """
    k = _count(k, "k")
    n = _count(n, "n")
    key = method.strip().lower().replace("_", "-") if isinstance(method, str) else ""
    if key not in _METHOD_LABELS:
        raise MentormatchError(
            f"unknown interval method {method!r}; use one of "
            + ", ".join(repr(m) for m in _METHOD_LABELS),
            field="method",
            value=method,
        )
    z = _z(confidence)
    if n < 0 or k < 0:
        raise MentormatchError(f"counts must be >= 0, got {k}/{n}", field="n", value=(k, n))
    if n == 0:
        raise NoDataError(
            "a rate needs at least one case in its denominator (n = 0)", field="n", value=0
        )
    if k > n:
        raise MentormatchError(
            f"numerator {k} is larger than denominator {n}", field="k", value=(k, n)
        )
    p = k / n
    if key == "wilson":
        z2 = z * z
        centre = (k + z2 / 2) / (n + z2)
        half = z / (n + z2) * math.sqrt(k * (n - k) / n + z2 / 4)
        low, high = centre - half, centre + half
    elif key == "clopper-pearson":
        alpha = 1 - confidence
        low = float(stats.beta.ppf(alpha / 2, k, n - k + 1)) if k > 0 else 0.0
        high = float(stats.beta.ppf(1 - alpha / 2, k + 1, n - k)) if k < n else 1.0
    else:  # agresti-coull
        n_tilde = n + z * z
        p_tilde = (k + z * z / 2) / n_tilde
        half = z * math.sqrt(p_tilde * (1 - p_tilde) / n_tilde)
        low, high = p_tilde - half, p_tilde + half
    # exact bounds at the edges, no floating-point crumbs outside [0, 1] or around p
    low = 0.0 if k == 0 else min(max(low, 0.0), p)
    high = 1.0 if k == n else max(min(high, 1.0), p)
    return Rate(p, k, n, ConfidenceInterval(low, high, confidence), key)


@dataclass(frozen=True)
class RateDifference:
    """``first.value - second.value`` with its confidence interval.

    An association, never by itself a causal effect: see :func:`compare_rates`.
    """

    difference: float
    ci: ConfidenceInterval
    method: str
    first: Rate | None = None
    second: Rate | None = None

    def summary(self) -> str:
        """E.g. ``"+20.0 points (95% CI +5.2 to +33.4, Newcombe hybrid score)"``."""

        def pts(x: float) -> str:
            return f"{x * 100:+.1f}"

        return (
            f"{pts(self.difference)} points ({_level(self.ci.level)} CI {pts(self.ci.low)} "
            f"to {pts(self.ci.high)}, {self.method})"
        )

    def __str__(self) -> str:
        return self.summary()


def compare_rates(k1: int, n1: int, k2: int, n2: int, confidence: float = 0.95) -> RateDifference:
    """Difference of two independent rates, ``k1/n1 - k2/n2``, with Newcombe's
    hybrid score interval (method 10 of Newcombe 1998, built from the two Wilson
    intervals).

    This is an **association, not a causal effect**.  "Mentees were promoted more
    often than non-mentees" says nothing about what mentoring caused unless the two
    groups are comparable: people select themselves (or are selected) into the
    programme, and the keen, the well-connected and the already-rising are likely
    to sign up.  A fair comparison needs comparable groups (random allocation or a
    waiting list, or at least matching on department, grade, tenure and prior
    performance), the same outcome definition and follow-up time in both groups,
    and enough people that the interval is informative.

    Examples
    --------
    Newcombe (1998), Table II, example (a):

    >>> d = compare_rates(56, 70, 48, 80)
    >>> round(d.difference, 4), round(d.ci.low, 4), round(d.ci.high, 4)
    (0.2, 0.0524, 0.3339)
    >>> print(d)
    +20.0 points (95% CI +5.2 to +33.4, Newcombe hybrid score)
    """
    first = proportion(k1, n1, confidence)
    second = proportion(k2, n2, confidence)
    p1, p2 = first.value, second.value
    l1, u1 = first.ci.low, first.ci.high
    l2, u2 = second.ci.low, second.ci.high
    d = p1 - p2
    low = d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    low, high = max(-1.0, min(low, d)), min(1.0, max(high, d))
    return RateDifference(
        d, ConfidenceInterval(low, high, confidence), "Newcombe hybrid score", first, second
    )


# --------------------------------------------------------------------- relationships
def _normalise_status(value: object) -> str:
    text = str(value).strip().lower().replace("-", " ")
    return "_".join(text.split())


def _pair(mentee_id: object, mentor_id: object) -> str:
    return f"pair (mentee {mentee_id!r}, mentor {mentor_id!r})"


class Relationship(BaseModel):
    """One mentoring pair's life.

    Attributes
    ----------
    mentee_id, mentor_id : str
    started : date
    planned_end, ended : date or None
    status : {"active", "completed", "ended_early"}
    meetings : tuple of date
        Dates of meetings held (sorted on construction).
    goals_set, goals_met : int
        ``0 <= goals_met <= goals_set``.
    satisfaction : float or None
        Latest satisfaction score, on whatever scale the programme uses.
    attributes : dict of str to str
        Department, cohort... used for breakdowns.

    Examples
    --------
    >>> r = Relationship(mentee_id="e01", mentor_id="m01", started="2025-03-01",
    ...                  status="Ended early", meetings=["2025-04-01", "2025-03-10"],
    ...                  goals_set=2, goals_met=1, ended="2025-05-01",
    ...                  attributes={"department": "Finance"})
    >>> r.status, r.meetings[0]
    ('ended_early', datetime.date(2025, 3, 10))
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
    attributes: dict[str, str] = Field(default_factory=dict)

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
        status = _normalise_status(value)
        if status not in STATUSES:
            pair = _pair(info.data.get("mentee_id"), info.data.get("mentor_id"))
            raise ValueError(
                f"{pair}: status {value!r} is not one of " + ", ".join(repr(s) for s in STATUSES)
            )
        return status

    @field_validator("meetings")
    @classmethod
    def _sorted_meetings(cls, value: tuple[date, ...]) -> tuple[date, ...]:
        return tuple(sorted(value))

    @field_validator("satisfaction")
    @classmethod
    def _finite(cls, value: float | None) -> float | None:
        if value is not None and not math.isfinite(value):
            raise ValueError("satisfaction must be a finite number or None")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Relationship:
        problem = _relationship_problem(
            self.started,
            self.planned_end,
            self.ended,
            self.status,
            self.meetings,
            self.goals_set,
            self.goals_met,
        )
        if problem is not None:
            raise ValueError(f"{_pair(self.mentee_id, self.mentor_id)}: {problem[1]}")
        return self

    @property
    def key(self) -> tuple[str, str]:
        """``(mentee_id, mentor_id)``."""
        return (self.mentee_id, self.mentor_id)


def _relationship_problem(
    started: date,
    planned_end: date | None,
    ended: date | None,
    status: str,
    meetings: Sequence[date],
    goals_set: int,
    goals_met: int,
) -> tuple[str, str] | None:
    """The first inconsistency as ``(field, message)``, or None."""
    problems = _relationship_problems(
        started, planned_end, ended, status, meetings, goals_set, goals_met
    )
    return problems[0] if problems else None


def _relationship_problems(
    started: date,
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


_RELATIONSHIP_FIELDS = (
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
)
_REQUIRED = ("mentee_id", "mentor_id", "started", "status")
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


def _where(what: str, row: Row, table_from_frame: bool, mentee: object = None) -> str:
    label = f"{what} {row.number!r}" if table_from_frame else f"{what} {row.number}"
    return f"{label} (mentee {str(mentee)!r})" if mentee else label


def _require_columns(
    columns: Sequence[str], required: Sequence[str], sink: Problems, example: str
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
    what = "the relationships"
    table, sink = read_table_checked(source, what)
    if table is not None and _require_columns(
        table.columns, _REQUIRED, sink, "a relationships file has one row per pair"
    ):
        if not table.rows:
            sink.add("the file has a header but no pairs; add one row per pair")
        parsed = _parse_relationship_rows(table, sink)
    else:
        parsed = []
    if meetings is not None:
        meetings_sink = _add_meetings_file(parsed, meetings)
        sink.items.extend(meetings_sink.items)
    out: list[Relationship] = []
    for rec in parsed:
        row = rec.pop("_row")
        if rec.pop("_bad"):
            continue
        for name, message in _relationship_problems(
            rec["started"],
            rec.get("planned_end"),
            rec.get("ended"),
            rec["status"],
            rec["meetings"],
            rec["goals_set"],
            rec["goals_met"],
        ):
            sink.add(message, row, name, rec["mentee_id"])
        if sink.items:
            continue
        try:
            out.append(Relationship(**rec))
        except ValidationError as exc:
            for err in exc.errors():
                loc = ".".join(str(p) for p in err["loc"]) or None
                message = str(err["msg"]).removeprefix("Value error, ")
                sink.add(message, row, loc, rec["mentee_id"])
    sink.raise_if_any(what)
    return tuple(out)


def _parse_relationship_rows(table: Table, sink: Problems) -> list[dict[str, Any]]:
    """One record per row, every cell parsed; ``_bad`` marks rows with a problem."""
    parsed: list[dict[str, Any]] = []
    seen: dict[tuple[str, str], int | str] = {}
    for row in table.rows:
        cells = row.cells
        mentee = cells.get("mentee_id")
        number = row.number
        pid = str(mentee).strip() if mentee is not None else None
        before = len(sink.items)

        for name in _REQUIRED:
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
            status = _normalise_status(raw_status)
            if status not in STATUSES:
                sink.add(
                    f"status {str(raw_status)[:80]!r} is not one of "
                    + ", ".join(repr(s) for s in STATUSES),
                    number,
                    "status",
                    pid,
                )
            rec["status"] = status
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
        cadence = cells.get("expected_meetings_per_month")
        if cadence is not None:
            why = _expected_cadence(cadence)
            if why is not None:
                sink.add(why, number, "expected_meetings_per_month", pid)
        rec["attributes"] = {
            col: str(value).strip()
            for col, value in cells.items()
            if col not in _RELATIONSHIP_FIELDS and value is not None
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
        parsed.append(rec)
    return parsed


def _add_meetings_file(parsed: list[dict[str, Any]], meetings: Any) -> Problems:
    """Add the dates of a meetings file to the parsed relationships; return its problems."""
    table, sink = read_table_checked(meetings, "the meetings")
    if table is None or not _require_columns(
        table.columns,
        ("mentee_id", "mentor_id", "date"),
        sink,
        "a meetings file has one row per meeting",
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


# --------------------------------------------------------------------------- KPIs
def _relationships(records: Iterable[Relationship]) -> list[Relationship]:
    out = list(records)
    for r in out:
        if not isinstance(r, Relationship):
            raise MentormatchError(
                f"expected Relationship records, got {type(r).__name__}; "
                "read them with read_relationships()",
                value=type(r).__name__,
            )
    return out


def match_rate(
    matched: Any, eligible: int | None = None, *, confidence: float = 0.95, method: str = "wilson"
) -> Rate:
    """Share of eligible mentees who were matched.

    ``matched`` is a count (then ``eligible`` is required) or a match result with
    ``.matches`` (objects with ``.mentee_id``) and ``.unmatched`` (objects with
    ``.mentee_id``); then the denominator is matched plus unmatched mentees unless
    ``eligible`` is given.

    >>> print(match_rate(41, 50))
    41/50 = 82.0% (95% CI 69.2%–90.2%, Wilson)
    """
    if hasattr(matched, "matches") and hasattr(matched, "unmatched"):
        got = {str(m.mentee_id) for m in matched.matches}
        missed = {str(u.mentee_id) for u in matched.unmatched} - got
        k = len(got)
        n = k + len(missed) if eligible is None else _count(eligible, "eligible")
        return proportion(k, n, confidence, method)
    if eligible is None:
        raise MentormatchError(
            "match_rate needs eligible when matched is a count", field="eligible"
        )
    return proportion(_count(matched, "matched"), _count(eligible, "eligible"), confidence, method)


def _due(r: Relationship, as_of: date | None) -> bool:
    if r.status != "active":
        return True
    return as_of is not None and r.planned_end is not None and r.planned_end < as_of


def completion_rate(
    relationships: Iterable[Relationship],
    *,
    as_of: date | None = None,
    confidence: float = 0.95,
    method: str = "wilson",
) -> Rate:
    """Completed pairs among pairs whose outcome is due.

    Denominator: completed + ended early + (with ``as_of``) active pairs already
    past their planned end, which count as not completed.  Active pairs still
    within their plan are left out: their outcome is not known yet.

    >>> rs = load_demo_relationships()
    >>> print(completion_rate(rs, as_of=date(2026, 3, 1)))
    22/35 = 62.9% (95% CI 46.3%–76.8%, Wilson)
    """
    due = [r for r in _relationships(relationships) if _due(r, as_of)]
    k = sum(r.status == "completed" for r in due)
    return proportion(k, len(due), confidence, method)


def early_termination_rate(
    relationships: Iterable[Relationship],
    *,
    as_of: date | None = None,
    confidence: float = 0.95,
    method: str = "wilson",
) -> Rate:
    """Pairs that ended early, over the same denominator as :func:`completion_rate`.

    Completion + early termination + overdue share = 100%.
    """
    due = [r for r in _relationships(relationships) if _due(r, as_of)]
    k = sum(r.status == "ended_early" for r in due)
    return proportion(k, len(due), confidence, method)


@dataclass(frozen=True)
class GoalAttainment:
    """Goals met among goals set (pooled) and pairs that met all their goals.

    ``goals`` pools goals across pairs; goals of one pair are not independent, so
    its interval is too narrow when pairs differ a lot.  ``all_goals`` (one count
    per pair) has an honest interval and is the headline :attr:`rate`.
    """

    goals: Rate
    all_goals: Rate
    pairs: int
    pairs_without_goals: int

    @property
    def rate(self) -> Rate:
        """The pair-level rate, :attr:`all_goals`."""
        return self.all_goals

    def summary(self) -> str:
        return (
            f"goals met {self.goals.summary()}; pairs meeting all goals {self.all_goals.summary()}"
        )


def goal_attainment(
    relationships: Iterable[Relationship],
    *,
    include_active: bool = False,
    confidence: float = 0.95,
    method: str = "wilson",
) -> GoalAttainment:
    """Goal attainment of finished pairs (completed or ended early; add active pairs
    with ``include_active=True``).  Pairs with no goals set are counted aside.

    >>> g = goal_attainment(load_demo_relationships())
    >>> print(g.goals); print(g.all_goals)
    43/83 = 51.8% (95% CI 41.2%–62.2%, Wilson)
    10/31 = 32.3% (95% CI 18.6%–49.9%, Wilson)
    """
    pairs = [r for r in _relationships(relationships) if include_active or r.status != "active"]
    with_goals = [r for r in pairs if r.goals_set > 0]
    goals = proportion(
        sum(r.goals_met for r in with_goals),
        sum(r.goals_set for r in with_goals),
        confidence,
        method,
    )
    all_met = proportion(
        sum(r.goals_met == r.goals_set for r in with_goals), len(with_goals), confidence, method
    )
    return GoalAttainment(goals, all_met, len(pairs), len(pairs) - len(with_goals))


def _t_interval(values: Sequence[float], confidence: float) -> ConfidenceInterval:
    n = len(values)
    if n < 2:
        return ConfidenceInterval(math.nan, math.nan, confidence)
    mean = statistics.fmean(values)
    sd = statistics.stdev(values)
    half = float(stats.t.ppf(0.5 + confidence / 2, n - 1)) * sd / math.sqrt(n)
    return ConfidenceInterval(mean - half, mean + half, confidence)


@dataclass(frozen=True)
class MeanSummary:
    """Mean with a t-interval, plus the standard deviation, median and n."""

    mean: float
    ci: ConfidenceInterval
    n: int
    sd: float
    median: float

    def summary(self) -> str:
        ci = (
            "CI undefined (n < 2)"
            if math.isnan(self.ci.low)
            else f"{_level(self.ci.level)} CI {self.ci.low:.2f}–{self.ci.high:.2f}, t"
        )
        return f"mean {self.mean:.2f} ({ci}; median {self.median:.2f}, n = {self.n})"

    def __str__(self) -> str:
        return self.summary()


def satisfaction_summary(
    relationships: Iterable[Relationship | float], *, confidence: float = 0.95
) -> MeanSummary:
    """Mean satisfaction with a t-interval, over pairs that gave a score (or over
    plain numbers).

    >>> print(satisfaction_summary([4, 5, 3, 4, 4]))
    mean 4.00 (95% CI 3.12–4.88, t; median 4.00, n = 5)
    """
    _check_confidence(confidence)
    values: list[float] = []
    for r in relationships:
        if isinstance(r, Relationship):
            if r.satisfaction is not None:
                values.append(r.satisfaction)
        else:
            values.append(float(r))
    if not values:
        raise NoDataError("no satisfaction scores to summarise", field="satisfaction")
    sd = statistics.stdev(values) if len(values) > 1 else math.nan
    return MeanSummary(
        statistics.fmean(values),
        _t_interval(values, confidence),
        len(values),
        sd,
        statistics.median(values),
    )


@dataclass(frozen=True)
class MeetingCadence:
    """Meetings per pair-month: the pooled rate and the distribution over pairs.

    Attributes
    ----------
    pooled : float
        All meetings / all pair-months.
    mean, mean_ci : float, ConfidenceInterval
        Mean of the per-pair rates with a t-interval.
    median, q1, q3 : float
        Median and quartiles of the per-pair rates.
    per_pair : tuple of float
        Each pair's meetings per month (no ids), in input order.
    n, meetings, pair_months, excluded : int, int, float, int
        Pairs counted, meetings counted, exposure, and pairs left out because they
        had less than ``min_days`` of exposure.
    """

    pooled: float
    mean: float
    mean_ci: ConfidenceInterval
    median: float
    q1: float
    q3: float
    per_pair: tuple[float, ...]
    n: int
    meetings: int
    pair_months: float
    excluded: int

    def summary(self) -> str:
        return (
            f"{self.pooled:.2f} meetings per pair-month ({self.meetings} meetings over "
            f"{self.pair_months:.1f} pair-months, {self.n} pairs); per pair: median "
            f"{self.median:.2f}, quartiles {self.q1:.2f}–{self.q3:.2f}"
        )


def _exposure(r: Relationship, as_of: date) -> tuple[int, int] | None:
    """(days, meetings) from start to ``min(ended, as_of)``; None if not started."""
    if r.started > as_of:
        return None
    end = min(r.ended, as_of) if r.ended is not None else as_of
    held = sum(r.started <= m <= end for m in r.meetings)
    return (end - r.started).days, held


def meeting_cadence(
    relationships: Iterable[Relationship],
    as_of: date,
    *,
    min_days: int = 14,
    confidence: float = 0.95,
) -> MeetingCadence:
    """Meetings per pair-month, counting each pair from its start to its end (or
    ``as_of``).  Pairs with fewer than ``min_days`` of exposure are left out (one
    meeting in three days is not a cadence) and counted in ``excluded``.

    >>> c = meeting_cadence(load_demo_relationships(), date(2026, 3, 1))
    >>> c.n, round(c.median, 2)
    (60, 1.04)
    """
    pairs: list[tuple[int, int]] = []
    excluded = 0
    for r in _relationships(relationships):
        exp = _exposure(r, as_of)
        if exp is None:
            continue
        if exp[0] < min_days:
            excluded += 1
            continue
        pairs.append(exp)
    if not pairs:
        raise NoDataError(
            f"no pair has {min_days} days of history on {as_of}; nothing to measure",
            field="meetings",
        )
    rates = [held / (days / DAYS_PER_MONTH) for days, held in pairs]
    months = sum(days for days, _ in pairs) / DAYS_PER_MONTH
    total = sum(held for _, held in pairs)
    q1, med, q3 = (float(x) for x in np.percentile(rates, [25, 50, 75]))
    return MeetingCadence(
        pooled=total / months,
        mean=statistics.fmean(rates),
        mean_ci=_t_interval(rates, confidence),
        median=med,
        q1=q1,
        q3=q3,
        per_pair=tuple(rates),
        n=len(rates),
        meetings=total,
        pair_months=months,
        excluded=excluded,
    )


@dataclass(frozen=True)
class MentorUtilisation:
    """Mentoring slots in use and mentors with at least one mentee.

    ``over_capacity`` counts mentors with more mentees than their capacity; their
    extra mentees are not counted as used slots.
    """

    slots: Rate
    mentors_used: Rate
    over_capacity: int

    @property
    def rate(self) -> Rate:
        return self.slots

    def summary(self) -> str:
        return (
            f"slots used {self.slots.summary()}; mentors with a mentee "
            f"{self.mentors_used.summary()}; over capacity: {self.over_capacity}"
        )


def mentor_utilisation(
    source: Any,
    capacities: Mapping[str, int],
    *,
    confidence: float = 0.95,
    method: str = "wilson",
) -> MentorUtilisation:
    """Mentor capacity in use: active pairs per mentor (from relationships) or
    matches per mentor (from a match result with ``.matches``), against
    ``capacities`` (mentor id -> number of mentees they can take).

    >>> rs = [Relationship(mentee_id="e1", mentor_id="m1", started="2025-01-01")]
    >>> print(mentor_utilisation(rs, {"m1": 2, "m2": 1}).slots)
    1/3 = 33.3% (95% CI 6.1%–79.2%, Wilson)
    """
    if hasattr(source, "matches"):
        load = Counter(str(m.mentor_id) for m in source.matches)
    else:
        load = Counter(r.mentor_id for r in _relationships(source) if r.status == "active")
    caps = {str(k): _count(v, f"capacity of {k}") for k, v in capacities.items()}
    unknown = sorted(set(load) - set(caps))
    if unknown:
        raise MentormatchError(
            f"no capacity given for mentor(s) {', '.join(unknown)}; add them to capacities",
            participant_id=unknown[0],
            field="capacities",
        )
    used = sum(min(load[m], c) for m, c in caps.items())
    offering = [m for m, c in caps.items() if c > 0]
    return MentorUtilisation(
        slots=proportion(used, sum(caps.values()), confidence, method),
        mentors_used=proportion(
            sum(load[m] > 0 for m in offering), len(offering), confidence, method
        ),
        over_capacity=sum(load[m] > c for m, c in caps.items()),
    )


@dataclass(frozen=True)
class TimeToMatch:
    """Median days from sign-up to match, by Kaplan-Meier.

    People still unmatched on ``as_of`` are censored (they waited at least that
    long), not dropped.  ``median_days`` is None when fewer than half have been
    matched; the interval's ``high`` is ``inf`` when it is not reached.
    """

    median_days: float | None
    ci: ConfidenceInterval
    n: int
    matched: int
    censored: int
    method: str = "Kaplan-Meier"

    def summary(self) -> str:
        def days(x: float | None) -> str:
            return "not reached" if x is None or math.isinf(x) else f"{x:g}"

        return (
            f"median {days(self.median_days)} days ({_level(self.ci.level)} CI "
            f"{days(self.ci.low)}–{days(self.ci.high)}, Kaplan-Meier; {self.matched} of "
            f"{self.n} matched, {self.censored} still waiting)"
        )


def time_to_match(
    signup_dates: Mapping[str, date],
    match_dates: Mapping[str, date],
    as_of: date,
    *,
    confidence: float = 0.95,
) -> TimeToMatch:
    """Median time to match with unmatched people censored on ``as_of``.

    The median is the first time the Kaplan-Meier curve is at or below one half;
    its interval comes from the pointwise log(-log) Greenwood band (as in
    ``lifelines``: ``median_survival_times(kmf.confidence_interval_)``).

    >>> s = {"e1": date(2025, 1, 1), "e2": date(2025, 1, 1), "e3": date(2025, 1, 5)}
    >>> t = time_to_match(s, {"e1": date(2025, 1, 11), "e2": date(2025, 1, 21)},
    ...                   as_of=date(2025, 3, 1))
    >>> t.median_days, t.censored
    (20.0, 1)
    """
    _check_confidence(confidence)
    unknown = sorted(set(match_dates) - set(signup_dates))
    if unknown:
        raise MentormatchError(
            f"match date for {unknown[0]!r} who has no sign-up date", participant_id=unknown[0]
        )
    durations: list[int] = []
    events: list[bool] = []
    for pid, signed in signup_dates.items():
        if signed > as_of:
            raise MentormatchError(
                f"{pid!r} signed up on {signed}, after as_of {as_of}", participant_id=pid
            )
        matched = match_dates.get(pid)
        if matched is not None and not signed <= matched <= as_of:
            raise MentormatchError(
                f"{pid!r} matched on {matched}, outside sign-up {signed} .. as_of {as_of}",
                participant_id=pid,
                value=matched,
            )
        durations.append(((matched or as_of) - signed).days)
        events.append(matched is not None)
    if not durations:
        raise NoDataError("no sign-ups given", field="signup_dates")
    z = _z(confidence)
    surv, green = 1.0, 0.0
    median = lower = upper = math.inf
    for t in sorted({d for d, e in zip(durations, events, strict=True) if e}):
        at_risk_n = sum(d >= t for d in durations)
        died = sum(d == t and e for d, e in zip(durations, events, strict=True))
        surv *= 1 - died / at_risk_n
        if surv > 0:
            green += died / (at_risk_n * (at_risk_n - died))
            log_s = math.log(surv)
            spread = z * math.sqrt(green) / log_s if log_s < 0 else 0.0
            band_low, band_high = surv ** math.exp(-spread), surv ** math.exp(spread)
        else:
            band_low = band_high = 0.0
        if median == math.inf and surv <= 0.5:
            median = float(t)
        if lower == math.inf and band_low <= 0.5:
            lower = float(t)
        if upper == math.inf and band_high <= 0.5:
            upper = float(t)
    matched_n = sum(events)
    return TimeToMatch(
        None if math.isinf(median) else median,
        ConfidenceInterval(lower, upper, confidence),
        len(durations),
        matched_n,
        len(durations) - matched_n,
    )


# ------------------------------------------------------------------------- at risk
@dataclass(frozen=True)
class AtRisk:
    """An active pair that needs a nudge.

    Attributes
    ----------
    mentee_id, mentor_id : str
    reason : str
        All reasons, joined by ``"; "``.
    days_since_last_meeting : int
        Days since the last meeting, or since the start if they never met.
    last_meeting : date or None
    reasons : tuple of str
    meetings_behind : float or None
        Shortfall against the committed cadence, when one is known.
    satisfaction_drop : float or None
        Latest score below the average of the earlier ones, when flagged.
    """

    mentee_id: str
    mentor_id: str
    reason: str
    days_since_last_meeting: int
    last_meeting: date | None = None
    reasons: tuple[str, ...] = ()
    meetings_behind: float | None = None
    satisfaction_drop: float | None = None


def _expected_rate(r: Relationship, default: float | None) -> float | None:
    raw = r.attributes.get("expected_meetings_per_month")
    if raw:
        try:
            return float(raw.replace(",", "."))
        except ValueError:
            raise MentormatchError(
                f"{_pair(r.mentee_id, r.mentor_id)}: expected_meetings_per_month {raw!r} "
                "is not a number",
                field="expected_meetings_per_month",
                participant_id=r.mentee_id,
                value=raw,
            ) from None
    return default


def at_risk(
    relationships: Iterable[Relationship],
    as_of: date,
    max_gap_days: int = 30,
    *,
    expected_per_month: float | None = None,
    satisfaction_history: Mapping[tuple[str, str], Sequence[tuple[date, float]]] | None = None,
    satisfaction_drop: float = 1.0,
) -> tuple[AtRisk, ...]:
    """Active pairs that have gone quiet, fallen behind, or are getting less happy.

    A pair (started on or before ``as_of``) is flagged when

    * it has not met for more than ``max_gap_days`` (counting from the start if
      it never met);
    * it is at least one full meeting behind its committed cadence:
      ``expected_per_month`` for everyone, or a pair's own
      ``expected_meetings_per_month`` attribute;
    * ``satisfaction_history`` (``(mentee_id, mentor_id) -> [(date, score), ...]``)
      has at least two scores and the latest is ``satisfaction_drop`` or more
      below the mean of the earlier ones.

    Sorted by urgency: more reasons first, then longer silence.

    >>> rs = [Relationship(mentee_id="e1", mentor_id="m1", started="2025-01-01",
    ...                    meetings=["2025-01-10"]),
    ...       Relationship(mentee_id="e2", mentor_id="m1", started="2025-01-01",
    ...                    meetings=["2025-02-25"])]
    >>> for flag in at_risk(rs, as_of=date(2025, 3, 1)):
    ...     print(flag.mentee_id, flag.days_since_last_meeting, flag.reason)
    e1 50 no meeting for 50 days (last 2025-01-10)
    """
    if max_gap_days < 1:
        raise MentormatchError("max_gap_days must be at least 1", field="max_gap_days")
    history = satisfaction_history or {}
    flagged: list[AtRisk] = []
    for r in _relationships(relationships):
        if r.status != "active" or r.started > as_of:
            continue
        held = [m for m in r.meetings if m <= as_of]
        last = held[-1] if held else None
        gap = (as_of - (last or r.started)).days
        reasons: list[str] = []
        if gap > max_gap_days:
            reasons.append(
                f"no meeting for {gap} days (last {last})"
                if last
                else f"no meeting since the start {gap} days ago"
            )
        behind: float | None = None
        expected = _expected_rate(r, expected_per_month)
        if expected is not None:
            due = expected * (as_of - r.started).days / DAYS_PER_MONTH
            if due - len(held) >= 1:
                behind = due - len(held)
                reasons.append(
                    f"{len(held)} meetings against about {due:.0f} expected ({expected:g} a month)"
                )
        drop: float | None = None
        scores = [s for d, s in sorted(history.get(r.key, ())) if d <= as_of]
        if len(scores) >= 2:
            fall = statistics.fmean(scores[:-1]) - scores[-1]
            if fall >= satisfaction_drop:
                drop = fall
                reasons.append(f"satisfaction fell to {scores[-1]:g} ({fall:.1f} below earlier)")
        if reasons:
            flagged.append(
                AtRisk(
                    r.mentee_id,
                    r.mentor_id,
                    "; ".join(reasons),
                    gap,
                    last,
                    tuple(reasons),
                    behind,
                    drop,
                )
            )
    flagged.sort(
        key=lambda a: (-len(a.reasons), -a.days_since_last_meeting, a.mentee_id, a.mentor_id)
    )
    return tuple(flagged)


# ----------------------------------------------------------------------- breakdown
@dataclass(frozen=True)
class BreakdownGroup:
    """One group of a breakdown; ``n`` and ``rate`` are None when suppressed."""

    group: str
    n: int | None
    rate: Rate | None
    suppressed: bool


@dataclass(frozen=True)
class Breakdown:
    """A KPI by group, with small groups suppressed.

    ``n`` is the rate's denominator: the people the figure is about.
    """

    kpi: str
    by: str
    groups: tuple[BreakdownGroup, ...]
    total: Rate | None
    min_group_size: int

    def summary(self) -> str:
        lines = [f"{self.kpi} by {self.by} (groups under {self.min_group_size} suppressed)"]
        width = max([len(g.group) for g in self.groups] + [5])
        for g in self.groups:
            text = "suppressed (small group)" if g.rate is None else g.rate.summary()
            lines.append(f"  {g.group:<{width}}  {text}")
        total = "suppressed (small total)" if self.total is None else self.total.summary()
        lines.append(f"  {'total':<{width}}  {total}")
        return "\n".join(lines)


_NOT_RECORDED = "(not recorded)"


def _group_of(record: Any, by: str | Callable[[Any], object]) -> str:
    if callable(by):
        value: object = by(record)
    else:
        key = _normalise_column(by)
        attributes = getattr(record, "attributes", None)
        if isinstance(attributes, Mapping) and key in attributes:
            value = attributes[key]
        elif isinstance(record, Mapping):
            value = record.get(by, record.get(key))
        else:
            value = getattr(record, key, None)
    text = "" if value is None else str(value).strip()
    return text or _NOT_RECORDED


def _as_rate(result: object) -> Rate:
    if isinstance(result, Rate):
        return result
    rate = getattr(result, "rate", None)
    if isinstance(rate, Rate):
        return rate
    raise MentormatchError(
        f"breakdown needs a KPI that returns a Rate (or has .rate), got {type(result).__name__}"
    )


def _check_min_group_size(min_group_size: object) -> None:
    if isinstance(min_group_size, bool) or not isinstance(min_group_size, int):
        raise MentormatchError("min_group_size must be a whole number", field="min_group_size")
    if min_group_size < 3:
        raise MentormatchError(
            f"min_group_size must be at least 3 (got {min_group_size}); smaller groups "
            "could identify people",
            field="min_group_size",
            value=min_group_size,
        )


def _suppressed(sizes: Mapping[str, int], min_group_size: int) -> set[str]:
    """The groups to hide: those under ``min_group_size``, and when that is exactly one
    group, the next smallest too, so the hidden one cannot be recovered by subtracting
    the others from the total.

    >>> sorted(_suppressed({"a": 2, "b": 6, "c": 9}, 5))
    ['a', 'b']
    """
    hidden = {g for g, n in sizes.items() if n < min_group_size}
    if len(hidden) == 1 and len(sizes) > 1:
        hidden.add(min((n, g) for g, n in sizes.items() if g not in hidden)[1])
    return hidden


def breakdown(
    kpi: str | Callable[..., Any],
    records: Iterable[Any],
    by: str | Callable[[Any], object] = "department",
    min_group_size: int = 5,
    **kpi_options: Any,
) -> Breakdown:
    """A KPI per group (department, cohort or any attribute), with suppression.

    Parameters
    ----------
    kpi : str or callable
        A KPI name (``"completion_rate"``, ``"early_termination_rate"``,
        ``"goal_attainment"``, ``"goals_met"``) or a function from a list of records
        to a :class:`Rate` (or to a result with a ``.rate``).
    records : iterable
        Relationships, or any records your ``kpi`` understands.
    by : str or callable
        An attribute name (looked up in ``record.attributes``, then as a key or an
        attribute of the record) or a function giving the group.  Records without
        it form the group ``"(not recorded)"``.
    min_group_size : int
        Groups whose ``n`` (the rate's denominator) is below this are suppressed:
        no n, no value, no interval.  Must be at least 3.  When exactly one group
        is suppressed, the next smallest is suppressed too, so the hidden group
        cannot be recovered by subtracting the others from the total.  The total is
        suppressed when it is itself below the threshold.
    **kpi_options
        Passed to the KPI, e.g. ``as_of=...``.

    Examples
    --------
    >>> b = breakdown("completion_rate", load_demo_relationships(), by="department",
    ...               as_of=date(2026, 3, 1))
    >>> print(b.summary())
    completion_rate by department (groups under 5 suppressed)
      Engineering  7/8 = 87.5% (95% CI 52.9%–97.8%, Wilson)
      Finance      5/9 = 55.6% (95% CI 26.7%–81.1%, Wilson)
      Legal        suppressed (small group)
      Marketing    suppressed (small group)
      Operations   3/5 = 60.0% (95% CI 23.1%–88.2%, Wilson)
      People       3/6 = 50.0% (95% CI 18.8%–81.2%, Wilson)
      total        22/35 = 62.9% (95% CI 46.3%–76.8%, Wilson)
    """
    _check_min_group_size(min_group_size)
    if isinstance(kpi, str):
        name = kpi
        func = _KPI_BY_NAME.get(kpi)
        if func is None:
            raise MentormatchError(
                f"unknown KPI {kpi!r} for breakdown; use one of "
                + ", ".join(repr(k) for k in _KPI_BY_NAME)
                + " or pass a function",
                field="kpi",
                value=kpi,
            )
    else:
        name = getattr(kpi, "__name__", "kpi")
        func = kpi
    items = list(records)
    by_name = by if isinstance(by, str) else getattr(by, "__name__", "group")
    grouped: dict[str, list[Any]] = defaultdict(list)
    for record in items:
        grouped[_group_of(record, by)].append(record)

    def evaluate(subset: list[Any]) -> Rate | None:
        try:
            return _as_rate(func(subset, **kpi_options))
        except NoDataError:
            return None

    computed = {g: evaluate(subset) for g, subset in grouped.items()}
    sizes = {g: (r.denominator if r is not None else 0) for g, r in computed.items()}
    hidden = _suppressed(sizes, min_group_size)
    groups = tuple(
        BreakdownGroup(g, None, None, True)
        if g in hidden
        else BreakdownGroup(g, sizes[g], computed[g], False)
        for g in sorted(grouped, key=lambda g: (g == _NOT_RECORDED, g))
    )
    total = evaluate(items)
    if total is not None and total.denominator < min_group_size:
        total = None
    return Breakdown(name, by_name, groups, total, min_group_size)


# ------------------------------------------------------------------------- targets
#: KPI names a programme file may set targets for, with the better direction.
KPI_NAMES: dict[str, str] = {
    "match_rate": "at least",
    "completion_rate": "at least",
    "early_termination_rate": "at most",
    "goal_attainment": "at least",
    "goals_met": "at least",
    "meeting_cadence": "at least",
    "mentor_utilisation": "at least",
    "satisfaction": "at least",
    "time_to_match_days": "at most",
}
_RATE_KPIS = {
    "match_rate",
    "completion_rate",
    "early_termination_rate",
    "goal_attainment",
    "goals_met",
    "mentor_utilisation",
}


@dataclass(frozen=True)
class Targets:
    """Targets per KPI (see :data:`KPI_NAMES`) and the programme's stated goal."""

    values: dict[str, float] = field(default_factory=dict)
    goal: str | None = None
    name: str | None = None

    def __post_init__(self) -> None:
        _check_targets(self.values)


def _check_targets(values: Mapping[str, object]) -> None:
    for kpi, target in values.items():
        if kpi not in KPI_NAMES:
            raise MentormatchError(
                f"unknown KPI {kpi!r} in targets; valid names: " + ", ".join(KPI_NAMES),
                field=kpi,
                value=target,
            )
        if isinstance(target, bool) or not isinstance(target, (int, float)):
            raise MentormatchError(
                f"target for {kpi} must be a number, not {target!r}", field=kpi, value=target
            )
        if kpi in _RATE_KPIS and not 0 <= target <= 1:
            raise MentormatchError(
                f"target for {kpi} is {target}; write rates as fractions (0.8 for 80%)",
                field=kpi,
                value=target,
            )


def load_targets(path: str | os.PathLike[str]) -> Targets:
    """Targets from a programme file in TOML.

    ``[targets]`` holds ``kpi = value`` (rates as fractions; see :data:`KPI_NAMES`)
    and may hold ``goal = "..."``; ``goal`` and ``name`` may also sit at the top
    level or under ``[programme]``.  Other tables are ignored (the file may
    configure other things too). Every problem of ``[targets]`` and
    ``[programme]`` is reported at once: an unknown KPI (naming the nearest
    valid one), a value that is not a finite number, a rate outside [0, 1], a
    goal or name that is not text.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "programme.toml"
    >>> _ = p.write_text('[targets]\\nmatch_rate = 0.8\\ncompletion_rate = 0.7\\n'
    ...                  'goal = "career guidance"\\n')
    >>> load_targets(p)
    Targets(values={'match_rate': 0.8, 'completion_rate': 0.7}, goal='career guidance', name=None)
    >>> _ = p.write_text('[targets]\\nmatch_rat = 0.8\\ncompletion_rate = 70\\n')
    >>> load_targets(p)
    Traceback (most recent call last):
    ...
    mentormatch._problems.ProblemsError: 2 problems in the targets:
      ...programme.toml, column 'targets.match_rat': unknown KPI 'match_rat' in targets; did you mean 'match_rate'? Valid names: match_rate, ...
      ...programme.toml, column 'targets.completion_rate': target for completion_rate is 70; write rates as fractions (0.8 for 80%)
    """
    data = _toml.load(path, "programme file")
    sink = Problems(os.fspath(path))
    programme = data.get("programme", {})
    table = data.get("targets", {})
    for key, value in (("targets", table), ("programme", programme)):
        if not isinstance(value, dict):
            sink.add(
                f"[{key}] must be a table, written as a [{key}] header with one key = value "
                f"per line; got {key} = {shown(value)}",
                column=key,
            )
    if not isinstance(table, dict):
        table = {}
    if not isinstance(programme, dict):
        programme = {}
    values: dict[str, float] = {}
    for kpi, target in table.items():
        if kpi == "goal":
            continue
        column = f"targets.{kpi}"
        if kpi not in KPI_NAMES:
            sink.add(
                f"unknown KPI {kpi!r} in targets{did_you_mean(kpi, KPI_NAMES)}"
                f"{' Valid' if did_you_mean(kpi, KPI_NAMES) else '; valid'} names: "
                + ", ".join(KPI_NAMES),
                column=column,
            )
            continue
        number: float | None = None
        if not isinstance(target, bool) and isinstance(target, (int, float)):
            try:
                number = float(target)
            except OverflowError:
                number = None
        if number is None or not math.isfinite(number):
            numeric = not isinstance(target, bool) and isinstance(target, (int, float))
            sink.add(
                f"target for {kpi} "
                + (
                    f"is {shown(target)}, not a finite number"
                    if numeric
                    else f"must be a number, not {shown(target)}"
                )
                + ("; write rates as fractions (0.8 for 80%)" if kpi in _RATE_KPIS else ""),
                column=column,
            )
            continue
        if kpi in _RATE_KPIS and not 0 <= number <= 1:
            sink.add(
                f"target for {kpi} is {target}; write rates as fractions (0.8 for 80%)",
                column=column,
            )
            continue
        values[kpi] = number
    texts: dict[str, str | None] = {}
    for key, sources in (
        ("goal", (table, programme, data)),
        ("name", (programme, data)),
    ):
        found = next((src[key] for src in sources if src.get(key) is not None), None)
        if found is not None and not isinstance(found, str):
            sink.add(f"{key} must be text in quotes, not {shown(found)}", column=key)
            found = None
        texts[key] = found or None
    sink.raise_if_any("the targets")
    return Targets(values, texts["goal"], texts["name"])


@dataclass(frozen=True)
class TargetCheck:
    """A KPI against its target: ``verdict`` is ``"met"``, ``"not met"``,
    ``"inconclusive"`` or ``"not computed"``; ``text`` explains it."""

    kpi: str
    target: float
    direction: str
    estimate: float | None
    ci: ConfidenceInterval | None
    verdict: str
    text: str


def check_target(
    kpi: str, target: float, estimate: float | None, ci: ConfidenceInterval | None
) -> TargetCheck:
    """Whether the interval clears the target.

    >>> check_target("completion_rate", 0.7, 0.8, ConfidenceInterval(0.72, 0.86)).text
    'met: CI entirely above target'
    >>> check_target("early_termination_rate", 0.1, 0.12, ConfidenceInterval(0.05, 0.2)).text
    'inconclusive: CI spans target'
    """
    _check_targets({kpi: target})
    direction = KPI_NAMES[kpi]
    if estimate is None or ci is None or math.isnan(ci.low) or math.isnan(ci.high):
        return TargetCheck(
            kpi,
            target,
            direction,
            estimate,
            ci,
            "not computed",
            "not computed: no data for this KPI",
        )
    above, below = ci.low > target, ci.high < target
    if direction == "at least":
        verdict = "met" if above else "not met" if below else "inconclusive"
    else:
        verdict = "met" if below else "not met" if above else "inconclusive"
    if verdict == "inconclusive":
        text = "inconclusive: CI spans target"
    else:
        side = "above" if above else "below"
        text = f"{verdict}: CI entirely {side} target"
    return TargetCheck(kpi, target, direction, estimate, ci, verdict, text)


# -------------------------------------------------------------------------- report
@dataclass(frozen=True)
class ProgrammeReport:
    """The cohort's KPIs, breakdowns, target checks and at-risk list.

    KPIs that could not be computed (no data yet) are None and explained in
    ``notes``.  Render with :meth:`summary`, :meth:`to_markdown`, :meth:`to_html`
    or :meth:`save_html`; export the figures with :meth:`to_csv`.
    """

    as_of: date
    pairs: int
    status_counts: dict[str, int]
    match: Rate | None
    completion: Rate | None
    early_termination: Rate | None
    goals: GoalAttainment | None
    cadence: MeetingCadence | None
    satisfaction: MeanSummary | None
    utilisation: MentorUtilisation | None
    breakdowns: tuple[Breakdown, ...]
    at_risk: tuple[AtRisk, ...]
    target_checks: tuple[TargetCheck, ...]
    goal: str | None = None
    name: str | None = None
    survey: Any = None
    notes: tuple[str, ...] = ()
    max_gap_days: int = 30

    def kpi_rows(self) -> list[tuple[str, str, object]]:
        """``(key, label, result)`` for every computed KPI, in report order."""
        rows: list[tuple[str, str, object]] = [
            ("match_rate", "Match rate", self.match),
            ("completion_rate", "Completion rate", self.completion),
            ("early_termination_rate", "Early termination", self.early_termination),
            ("goals_met", "Goals met (pooled)", self.goals.goals if self.goals else None),
            (
                "goal_attainment",
                "Pairs meeting all goals",
                self.goals.all_goals if self.goals else None,
            ),
            (
                "mentor_utilisation",
                "Mentor slots used",
                self.utilisation.slots if self.utilisation else None,
            ),
            ("meeting_cadence", "Meetings per pair-month", self.cadence),
            ("satisfaction", "Satisfaction", self.satisfaction),
        ]
        return [row for row in rows if row[2] is not None]

    def summary(self) -> str:
        """Plain-text report."""
        return _report.render_text(self)

    def __str__(self) -> str:
        return self.summary()

    def to_markdown(self) -> str:
        """Markdown report."""
        return _report.render_markdown(self)

    def to_html(self, *, plots: bool = True) -> str:
        """One self-contained HTML page (plots inline as PNG when matplotlib is
        installed and ``plots`` is true)."""
        return _report.render_html(self, plots=plots)

    def save_html(self, path: str | os.PathLike[str], *, plots: bool = True) -> Path:
        """Write :meth:`to_html` to ``path`` (UTF-8, atomically; a pipe or device is written
        in place, never replaced); returns the path."""
        out = Path(path)
        html = self.to_html(plots=plots)
        write_atomically(out, lambda handle: handle.write(html), "utf-8")
        return out

    def to_csv(self, path: str | os.PathLike[str] | None = None) -> str:
        """Every figure (KPIs and breakdown groups) as CSV, no personal data; text
        cells are neutralised against spreadsheet formulas."""
        return write_csv(_report.CSV_HEADER, _report.csv_rows(self), path)

    def at_risk_csv(self, path: str | os.PathLike[str] | None = None) -> str:
        """The at-risk list as CSV (pair ids, reason, days since last meeting)."""
        rows = [
            (
                a.mentee_id,
                a.mentor_id,
                a.days_since_last_meeting,
                "" if a.last_meeting is None else a.last_meeting.isoformat(),
                a.reason,
            )
            for a in self.at_risk
        ]
        return write_csv(
            ["mentee_id", "mentor_id", "days_since_last_meeting", "last_meeting", "reason"],
            rows,
            path,
        )


def _try(notes: list[str], label: str, func: Callable[[], Any]) -> Any:
    try:
        return func()
    except NoDataError as exc:
        notes.append(f"{label}: not computed ({exc})")
        return None


def programme_report(
    relationships: Any,
    *,
    as_of: date,
    match_result: Any = None,
    targets: Targets | Mapping[str, float] | str | os.PathLike[str] | None = None,
    by: str | Sequence[str] | None = None,
    min_group_size: int = 5,
    survey: Any = None,
    capacities: Mapping[str, int] | None = None,
    max_gap_days: int = 30,
    expected_per_month: float | None = None,
    satisfaction_history: Mapping[tuple[str, str], Sequence[tuple[date, float]]] | None = None,
    confidence: float = 0.95,
) -> ProgrammeReport:
    """Gather the cohort's KPIs, breakdowns, target checks and at-risk list.

    Parameters
    ----------
    relationships
        Relationship records, or anything :func:`read_relationships` reads.
    as_of : date
        The day the report describes; nothing defaults to today, so a report can
        be reproduced.
    match_result : optional
        A match result (``.matches``, ``.unmatched``) for the match rate; its
        capacity use is measured against ``capacities`` when both are given.
    targets : Targets, mapping, or path to a programme TOML file, optional
    by : str or list of str, optional
        Attributes to break completion, early termination and goal attainment
        down by (e.g. ``"department"``, ``["department", "cohort"]``).
    min_group_size : int
        Suppression threshold for breakdowns (at least 3).
    survey : optional
        Any object with a ``summary()`` method; its text is included.

    >>> report = programme_report(load_demo_relationships(), as_of=date(2026, 3, 1),
    ...                           targets={"completion_rate": 0.7}, by="cohort")
    >>> report.pairs, len(report.at_risk), report.target_checks[0].text
    (60, 10, 'inconclusive: CI spans target')
    """
    _check_confidence(confidence)
    if (
        isinstance(relationships, (str, os.PathLike))
        or hasattr(relationships, "read")
        or type(relationships).__name__ == "DataFrame"
    ):
        rels = list(read_relationships(relationships))
    else:
        rels = _relationships(relationships)
    if isinstance(targets, (str, os.PathLike)):
        targets = load_targets(targets)
    elif targets is not None and not isinstance(targets, Targets):
        targets = Targets(dict(targets))
    by_list = [by] if isinstance(by, str) else list(by or [])
    known = sorted({k for r in rels for k in r.attributes})
    for name in by_list:
        if _normalise_column(name) not in known:
            raise MentormatchError(
                f"no attribute {name!r} to break down by; available: "
                + (", ".join(known) or "none"),
                field="by",
                value=name,
            )

    _check_min_group_size(min_group_size)
    notes: list[str] = []
    match = (
        None
        if match_result is None
        else _try(notes, "match rate", lambda: match_rate(match_result, confidence=confidence))
    )
    completion = _try(
        notes, "completion rate", lambda: completion_rate(rels, as_of=as_of, confidence=confidence)
    )
    early = _try(
        notes,
        "early termination",
        lambda: early_termination_rate(rels, as_of=as_of, confidence=confidence),
    )
    goals = _try(notes, "goal attainment", lambda: goal_attainment(rels, confidence=confidence))
    cadence = _try(
        notes, "meeting cadence", lambda: meeting_cadence(rels, as_of, confidence=confidence)
    )
    satisfaction = _try(
        notes, "satisfaction", lambda: satisfaction_summary(rels, confidence=confidence)
    )
    utilisation = None
    if capacities is not None:
        source = match_result if match_result is not None else rels
        utilisation = _try(
            notes,
            "mentor utilisation",
            lambda: mentor_utilisation(source, capacities, confidence=confidence),
        )

    breakdowns: list[Breakdown] = []
    for name in by_list:
        breakdowns.append(
            breakdown(
                "completion_rate", rels, name, min_group_size, as_of=as_of, confidence=confidence
            )
        )
        breakdowns.append(
            breakdown(
                "early_termination_rate",
                rels,
                name,
                min_group_size,
                as_of=as_of,
                confidence=confidence,
            )
        )
        breakdowns.append(
            breakdown("goal_attainment", rels, name, min_group_size, confidence=confidence)
        )

    checks: list[TargetCheck] = []
    if targets is not None:
        estimates: dict[str, tuple[float, ConfidenceInterval] | None] = {
            "match_rate": _est(match),
            "completion_rate": _est(completion),
            "early_termination_rate": _est(early),
            "goal_attainment": _est(goals.all_goals if goals else None),
            "goals_met": _est(goals.goals if goals else None),
            "mentor_utilisation": _est(utilisation.slots if utilisation else None),
            "meeting_cadence": (cadence.mean, cadence.mean_ci) if cadence else None,
            "satisfaction": (satisfaction.mean, satisfaction.ci) if satisfaction else None,
            "time_to_match_days": None,
        }
        for kpi, target in targets.values.items():
            est = estimates[kpi]
            checks.append(check_target(kpi, target, *(est if est else (None, None))))

    return ProgrammeReport(
        as_of=as_of,
        pairs=len(rels),
        status_counts={s: sum(r.status == s for r in rels) for s in STATUSES},
        match=match,
        completion=completion,
        early_termination=early,
        goals=goals,
        cadence=cadence,
        satisfaction=satisfaction,
        utilisation=utilisation,
        breakdowns=tuple(breakdowns),
        at_risk=at_risk(
            rels,
            as_of,
            max_gap_days,
            expected_per_month=expected_per_month,
            satisfaction_history=satisfaction_history,
        ),
        target_checks=tuple(checks),
        goal=targets.goal if isinstance(targets, Targets) else None,
        name=targets.name if isinstance(targets, Targets) else None,
        survey=survey,
        notes=tuple(notes),
        max_gap_days=max_gap_days,
    )


def _est(rate: Rate | None) -> tuple[float, ConfidenceInterval] | None:
    return None if rate is None else (rate.value, rate.ci)


def _goals_met(relationships: Sequence[Relationship], **options: Any) -> Rate:
    return goal_attainment(relationships, **options).goals


_KPI_BY_NAME: dict[str, Callable[..., Any]] = {
    "completion_rate": completion_rate,
    "early_termination_rate": early_termination_rate,
    "goal_attainment": goal_attainment,
    "goals_met": _goals_met,
}
