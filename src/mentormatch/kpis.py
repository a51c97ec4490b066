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
* Every figure is as of a day (``as_of``, default today): each relationship is
  seen as it stood that day (:meth:`Relationship.as_of`).
* Groups with fewer than ``min_group_size`` people (distinct mentees, at least 3)
  behind their figure are suppressed in every breakdown, and more groups are
  suppressed until no hidden figure can be worked out from the rest (see
  :func:`breakdown`).
* The only personal data any output carries is the pair ids in the at-risk list.
"""

from __future__ import annotations

import bisect
import importlib
import importlib.resources
import inspect
import math
import os
import re
import statistics
import warnings
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from datetime import date, datetime
from fractions import Fraction
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_core.core_schema import ValidationInfo
from scipy import stats

from mentormatch import _report, _text, _toml
from mentormatch._dates import DateLike, is_missing, to_date, today
from mentormatch._errors import MentormatchError
from mentormatch._intervals import ConfidenceInterval
from mentormatch._problems import Problems, did_you_mean, listed, shown
from mentormatch._tables import Row, Table, read_table_checked, write_atomically, write_csv
from mentormatch._tables import normalise_column as _normalise_column
from mentormatch._validation import as_real, as_whole, check_int
from mentormatch._values import FrozenDict, Value

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
#: The largest count a rate is computed for: far above any programme, and safely
#: inside floating point (whose largest number is about 1.8e308).
_LARGEST_COUNT = 10**300


def _pct(x: float) -> str:
    return "undefined" if math.isnan(x) else f"{x * 100:.1f}%"


def _level(confidence: float) -> str:
    return f"{confidence * 100:g}%"


@dataclass(frozen=True, eq=False)
class Rate(Value):
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
    return float(stats.norm.ppf(0.5 + float(confidence) / 2))


def _check_confidence(confidence: float) -> None:
    real = as_real(confidence)
    if real is None or not 0 < real < 1:
        raise MentormatchError(
            f"confidence must be between 0 and 1 (e.g. 0.95), not {confidence!r}",
            field="confidence",
            value=confidence,
        )


def _count(value: object, name: str) -> int:
    """A count: numpy integers and whole floats taken, bools and the rest refused."""
    whole = as_whole(value)
    if whole is None:
        raise MentormatchError(
            f"{name} must be a whole number, not {value!r}", field=name, value=value
        )
    return whole


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
        Counts may be huge (up to 1e300); beyond the reach of scipy's beta
        quantiles (counts in the 1e15s), where the three agree to many digits,
        Clopper-Pearson takes Wilson's bounds.

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
    if n > _LARGEST_COUNT:
        raise MentormatchError(
            f"a denominator of {len(str(n))} digits is beyond what a rate can be computed "
            "for (at most 1e300); check the counts",
            field="n",
            value=n,
        )
    p = k / n  # exact ints: correctly rounded
    kf, nf, rest = float(k), float(n), float(n - k)  # scipy and math take floats
    z2 = z * z
    centre = (kf + z2 / 2) / (nf + z2)
    half = z / (nf + z2) * math.sqrt(kf * (rest / nf) + z2 / 4)
    low, high = centre - half, centre + half  # Wilson
    if key == "clopper-pearson":
        alpha = 1 - float(confidence)
        exact_low = float(stats.beta.ppf(alpha / 2, kf, rest + 1)) if k > 0 else 0.0
        exact_high = float(stats.beta.ppf(1 - alpha / 2, kf + 1, rest)) if k < n else 1.0
        # scipy's beta quantiles give nan for counts in the 1e15s and beyond, where
        # the methods agree to many digits: Wilson's bounds stand in there
        low = low if math.isnan(exact_low) else exact_low
        high = high if math.isnan(exact_high) else exact_high
    elif key == "agresti-coull":
        n_tilde = nf + z * z
        p_tilde = (kf + z * z / 2) / n_tilde
        half = z * math.sqrt(p_tilde * (1 - p_tilde) / n_tilde)
        low, high = p_tilde - half, p_tilde + half
    # exact bounds at the edges, no floating-point crumbs outside [0, 1] or around p
    low = 0.0 if k == 0 else min(max(low, 0.0), p)
    high = 1.0 if k == n else max(min(high, 1.0), p)
    return Rate(p, k, n, ConfidenceInterval(low, high, confidence), key)


@dataclass(frozen=True, eq=False)
class RateDifference(Value):
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
    attributes: Mapping[str, str] = Field(default_factory=FrozenDict)

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
        * Meetings after ``day`` are ignored.
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
        if not (finished_later or later_meetings):
            return self
        update: dict[str, Any] = {}
        if later_meetings:
            update["meetings"] = self.meetings[: bisect.bisect_right(self.meetings, d)]
        if finished_later:
            update.update(status="active", ended=None, goals_met=0, satisfaction=None)
        return self.model_copy(update=update)


def _pair_of(info: ValidationInfo) -> str:
    return _pair(info.data.get("mentee_id"), info.data.get("mentor_id"))


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
    """The records as a list (any iterable: list, tuple, generator read once,
    pandas Series, numpy object array), each checked to be a Relationship."""
    if isinstance(records, (Relationship, str, bytes, Mapping)) or not isinstance(
        records, Iterable
    ):
        raise MentormatchError(
            f"expected a collection of Relationship records, got {type(records).__name__}; "
            "pass a list (read them with read_relationships())",
            value=type(records).__name__,
        )
    out = list(records)
    for r in out:
        if not isinstance(r, Relationship):
            raise MentormatchError(
                f"expected Relationship records, got {type(r).__name__}; "
                "read them with read_relationships()",
                value=type(r).__name__,
            )
    return out


def _day(as_of: DateLike | None) -> date:
    """``as_of`` as a date; ``None`` means today."""
    return today() if as_of is None else to_date(as_of, "as_of")


def _cohort(
    records: Iterable[Relationship], as_of: DateLike | None
) -> tuple[date, list[Relationship]]:
    """The day, and every relationship as it stood on it (:meth:`Relationship.as_of`):
    pairs not started yet left out.  A day before the programme began (the earliest
    start) is an error: there was no cohort to measure."""
    rels = _relationships(records)
    day = _day(as_of)
    if rels:
        first = min(r.started for r in rels)
        if day < first:
            raise MentormatchError(
                f"as_of {day} is before the programme began (the earliest pair started on "
                f"{first}); choose a date on or after {first}",
                field="as_of",
                value=day,
            )
    viewed = [r.as_of(day) for r in rels]
    return day, [r for r in viewed if r is not None]


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


def _due(r: Relationship, day: date) -> bool:
    """Whether the outcome of ``r`` (as of ``day``) is due: finished, or active past
    its planned end (overdue)."""
    if r.status != "active":
        return True
    return r.planned_end is not None and r.planned_end < day


def _due_pairs(records: Iterable[Relationship], as_of: DateLike | None) -> list[Relationship]:
    day, rels = _cohort(records, as_of)
    return [r for r in rels if _due(r, day)]


def completion_rate(
    relationships: Iterable[Relationship],
    *,
    as_of: DateLike | None = None,
    confidence: float = 0.95,
    method: str = "wilson",
) -> Rate:
    """Completed pairs among pairs whose outcome is due on ``as_of``.

    Denominator: completed + ended early + active pairs already past their
    planned end, which count as not completed.  Active pairs still within their
    plan are left out: their outcome is not known yet.

    Each relationship is judged as it stood on ``as_of`` (default today; any
    date-like), by :meth:`Relationship.as_of`: a pair that starts later is not in
    the cohort yet, a pair that ended later is still active, and meetings and
    goals met later are ignored.  A date before the programme began (the
    earliest start) is a :class:`MentormatchError`.

    >>> rs = load_demo_relationships()
    >>> print(completion_rate(rs, as_of=date(2026, 3, 1)))
    22/35 = 62.9% (95% CI 46.3%–76.8%, Wilson)
    >>> print(completion_rate(rs, as_of="2025-09-30"))
    0/6 = 0.0% (95% CI 0.0%–39.0%, Wilson)
    """
    due = _due_pairs(relationships, as_of)
    k = sum(r.status == "completed" for r in due)
    return proportion(k, len(due), confidence, method)


def early_termination_rate(
    relationships: Iterable[Relationship],
    *,
    as_of: DateLike | None = None,
    confidence: float = 0.95,
    method: str = "wilson",
) -> Rate:
    """Pairs that ended early, over the same denominator as :func:`completion_rate`.

    Completion + early termination + overdue share = 100%.

    Each relationship is judged as it stood on ``as_of`` (default today; any
    date-like), by :meth:`Relationship.as_of`: a pair that starts later is not in
    the cohort yet, a pair that ended later is still active, and meetings and
    goals met later are ignored.  A date before the programme began (the
    earliest start) is a :class:`MentormatchError`.

    >>> print(early_termination_rate(load_demo_relationships(), as_of=date(2026, 3, 1)))
    10/35 = 28.6% (95% CI 16.3%–45.1%, Wilson)
    """
    due = _due_pairs(relationships, as_of)
    k = sum(r.status == "ended_early" for r in due)
    return proportion(k, len(due), confidence, method)


@dataclass(frozen=True, eq=False)
class GoalAttainment(Value):
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


def _goal_pairs(
    records: Iterable[Relationship], as_of: DateLike | None, include_active: bool
) -> list[Relationship]:
    _, rels = _cohort(records, as_of)
    return [r for r in rels if include_active or r.status != "active"]


def goal_attainment(
    relationships: Iterable[Relationship],
    *,
    as_of: DateLike | None = None,
    include_active: bool = False,
    confidence: float = 0.95,
    method: str = "wilson",
) -> GoalAttainment:
    """Goal attainment of pairs finished by ``as_of`` (completed or ended early; add
    pairs active on that day with ``include_active=True``).  Pairs with no goals set
    are counted aside.

    Each relationship is judged as it stood on ``as_of`` (default today; any
    date-like), by :meth:`Relationship.as_of`: a pair that starts later is not in
    the cohort yet, a pair that ended later is still active, and meetings and
    goals met later are ignored.  A date before the programme began (the
    earliest start) is a :class:`MentormatchError`.

    >>> g = goal_attainment(load_demo_relationships(), as_of=date(2026, 3, 1))
    >>> print(g.goals); print(g.all_goals)
    43/83 = 51.8% (95% CI 41.2%–62.2%, Wilson)
    10/31 = 32.3% (95% CI 18.6%–49.9%, Wilson)
    """
    if not isinstance(include_active, (bool, np.bool_)):
        raise MentormatchError(
            f"include_active must be True or False, not {include_active!r}",
            field="include_active",
            value=include_active,
        )
    pairs = _goal_pairs(relationships, as_of, bool(include_active))
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


@dataclass(frozen=True, eq=False)
class MeanSummary(Value):
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
    relationships: Iterable[Relationship | float],
    *,
    as_of: DateLike | None = None,
    confidence: float = 0.95,
) -> MeanSummary:
    """Mean satisfaction with a t-interval, over pairs that gave a score (or over
    plain numbers).

    Relationships are judged as they stood on ``as_of`` (default today), by
    :meth:`Relationship.as_of`: pairs not started yet are left out, and the score of
    a pair that ended after ``as_of`` (recorded at its end) is not known yet.

    >>> print(satisfaction_summary([4, 5, 3, 4, 4]))
    mean 4.00 (95% CI 3.12–4.88, t; median 4.00, n = 5)
    """
    _check_confidence(confidence)
    items = list(_iterable(relationships, "relationships"))
    rels = [r for r in items if isinstance(r, Relationship)]
    day = _day(as_of)
    if rels:
        _, rels = _cohort(rels, day)
    values: list[float] = [r.satisfaction for r in rels if r.satisfaction is not None]
    for i, r in enumerate(items):
        if isinstance(r, Relationship):
            continue
        real = None if is_missing(r) else as_real(r)
        if real is None or not math.isfinite(real):
            raise MentormatchError(
                f"satisfaction score [{i}] must be a finite number, not {r!r}",
                field="satisfaction",
                value=r,
            )
        values.append(real)
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


def _mapping(value: object, what: str) -> Mapping[Any, Any]:
    if not isinstance(value, Mapping):
        raise MentormatchError(
            f"{what} must be a mapping (a dict), not {type(value).__name__}",
            field=what,
            value=type(value).__name__,
        )
    return value


def _iterable(records: object, what: str) -> Iterable[Any]:
    if isinstance(records, (str, bytes, Mapping, BaseModel)) or not isinstance(records, Iterable):
        raise MentormatchError(
            f"{what} must be a collection (list, tuple, Series ...), not {type(records).__name__}",
            field=what,
            value=type(records).__name__,
        )
    return records


@dataclass(frozen=True, eq=False)
class MeetingCadence(Value):
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


def _exposure(r: Relationship, day: date) -> tuple[int, int]:
    """(days, meetings) from start to the end or ``day``, of ``r`` as of ``day``."""
    end = min(r.ended, day) if r.ended is not None else day
    held = sum(r.started <= m <= end for m in r.meetings)
    return (end - r.started).days, held


def meeting_cadence(
    relationships: Iterable[Relationship],
    as_of: DateLike | None = None,
    *,
    min_days: int = 14,
    confidence: float = 0.95,
) -> MeetingCadence:
    """Meetings per pair-month, counting each pair from its start to its end (or
    ``as_of``).  Pairs with fewer than ``min_days`` of exposure are left out (one
    meeting in three days is not a cadence) and counted in ``excluded``.

    Each relationship is judged as it stood on ``as_of`` (default today; any
    date-like), by :meth:`Relationship.as_of`: a pair that starts later is not in
    the cohort yet, a pair that ended later is still active, and meetings and
    goals met later are ignored.  A date before the programme began (the
    earliest start) is a :class:`MentormatchError`.

    >>> c = meeting_cadence(load_demo_relationships(), date(2026, 3, 1))
    >>> c.n, round(c.median, 2)
    (60, 1.04)
    """
    min_days = check_int("meeting_cadence", "min_days", min_days, minimum=1)
    _check_confidence(confidence)
    day, rels = _cohort(relationships, as_of)
    pairs: list[tuple[int, int]] = []
    excluded = 0
    for r in rels:
        exp = _exposure(r, day)
        if exp[0] < min_days:
            excluded += 1
            continue
        pairs.append(exp)
    if not pairs:
        raise NoDataError(
            f"no pair has {min_days} days of history on {day}; nothing to measure",
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


@dataclass(frozen=True, eq=False)
class MentorUtilisation(Value):
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
    as_of: DateLike | None = None,
    confidence: float = 0.95,
    method: str = "wilson",
) -> MentorUtilisation:
    """Mentor capacity in use: active pairs per mentor (from relationships) or
    matches per mentor (from a match result with ``.matches``), against
    ``capacities`` (mentor id -> number of mentees they can take).

    Relationships are counted as they stood on ``as_of`` (default today), by
    :meth:`Relationship.as_of`: a pair active on that day holds a slot, one that
    starts later or had ended by then does not.  ``as_of`` does not apply to a
    match result.

    >>> rs = [Relationship(mentee_id="e1", mentor_id="m1", started="2025-01-01")]
    >>> print(mentor_utilisation(rs, {"m1": 2, "m2": 1}).slots)
    1/3 = 33.3% (95% CI 6.1%–79.2%, Wilson)
    """
    if hasattr(source, "matches"):
        load = Counter(str(m.mentor_id) for m in source.matches)
    else:
        _, rels = _cohort(source, as_of)
        load = Counter(r.mentor_id for r in rels if r.status == "active")
    caps = {
        str(k): _count(v, f"capacity of {k}") for k, v in _mapping(capacities, "capacities").items()
    }
    negative = sorted(m for m, c in caps.items() if c < 0)
    if negative:
        raise MentormatchError(
            f"capacity of {negative[0]} is {caps[negative[0]]}; capacities must be >= 0",
            participant_id=negative[0],
            field="capacities",
            value=caps[negative[0]],
        )
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


@dataclass(frozen=True, eq=False)
class TimeToMatch(Value):
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


@dataclass(frozen=True)
class _Curve:
    """A Kaplan-Meier curve at its event times: exact survival and the float band."""

    times: tuple[int, ...]
    at_risk: tuple[int, ...]
    events: tuple[int, ...]
    survival: tuple[Fraction, ...]
    band_low: tuple[float, ...]
    band_high: tuple[float, ...]


def _kaplan_meier(durations: Sequence[int], events: Sequence[bool], confidence: float) -> _Curve:
    """The Kaplan-Meier curve of whole-day durations, exactly.

    The survival at each event time is the product ``prod (n_j - d_j) / n_j`` kept
    as integers, so "at or below one half" is decided exactly (a float product
    builds 0.5 up as 0.5000000000000001 and moves the median a step later).  The
    pointwise band is the log(-log) (exponential Greenwood) band of
    :func:`scipy.stats.ecdf`; where the curve is at 0 the band is 0.
    """
    d = np.asarray(durations, dtype=np.int64)
    e = np.asarray(events, dtype=bool)
    times_arr, deaths = np.unique(d[e], return_counts=True)
    if times_arr.size == 0:
        return _Curve((), (), (), (), (), ())
    order = np.sort(d)
    risk = d.size - np.searchsorted(order, times_arr, side="left")
    survival: list[Fraction] = []
    num, den = 1, 1
    for n_j, d_j in zip(risk.tolist(), deaths.tolist(), strict=True):
        num *= n_j - d_j
        den *= n_j
        survival.append(Fraction(num, den))
    sample = stats.CensoredData(uncensored=d[e].astype(float), right=d[~e].astype(float))
    sf = stats.ecdf(sample).sf
    with warnings.catch_warnings():
        # scipy warns where the band is undefined (the curve at 0); we set it to 0 there
        warnings.simplefilter("ignore", RuntimeWarning)
        band = sf.confidence_interval(confidence, method="log-log")
        low = band.low.evaluate(times_arr.astype(float))
        high = band.high.evaluate(times_arr.astype(float))
    exact = np.array([float(x) for x in survival])
    low = np.where(np.isnan(low), exact, np.minimum(low, exact))
    high = np.where(np.isnan(high), exact, np.maximum(high, exact))
    return _Curve(
        tuple(times_arr.tolist()),
        tuple(risk.tolist()),
        tuple(deaths.tolist()),
        tuple(survival),
        tuple(low.tolist()),
        tuple(high.tolist()),
    )


def _first_at_or_below_half(times: Sequence[int], values: Sequence[float | Fraction]) -> float:
    half = Fraction(1, 2)
    for t, v in zip(times, values, strict=True):
        if (v <= half) if isinstance(v, Fraction) else (v <= 0.5):
            return float(t)
    return math.inf


def time_to_match(
    signup_dates: Mapping[str, DateLike],
    match_dates: Mapping[str, DateLike | None],
    as_of: DateLike | None = None,
    *,
    confidence: float = 0.95,
) -> TimeToMatch:
    """Median time to match with people still unmatched censored on ``as_of``.

    Parameters
    ----------
    signup_dates : mapping of id to date-like
        When each person signed up.
    match_dates : mapping of id to date-like or missing
        When each matched person was matched; people left out (or with a missing
        marker) are not matched.
    as_of : date-like, optional
        The day the figure describes (default today).  People who sign up later
        are not in the cohort yet; people matched later were still waiting on it
        (censored there).  A day before the first sign-up is an error.
    confidence : float
        Level of the interval.

    Notes
    -----
    The median is the first time the Kaplan-Meier curve is at or below one half,
    decided exactly in integer arithmetic (durations are whole days); its interval
    comes from the pointwise log(-log) Greenwood band of :func:`scipy.stats.ecdf`
    (as in ``lifelines``: ``median_survival_times(kmf.confidence_interval_)``).
    lifelines and a float product of the curve can put the median one step late
    when the curve lands exactly on one half.

    >>> s = {"e1": date(2025, 1, 1), "e2": date(2025, 1, 1), "e3": date(2025, 1, 5)}
    >>> t = time_to_match(s, {"e1": date(2025, 1, 11), "e2": date(2025, 1, 21)},
    ...                   as_of=date(2025, 3, 1))
    >>> t.median_days, t.censored
    (20.0, 1)
    >>> time_to_match(s, {"e1": "2025-01-11", "e2": "2025-01-21"}, as_of="2025-01-15").matched
    1
    """
    _check_confidence(confidence)
    day = _day(as_of)
    if not isinstance(signup_dates, Mapping) or not isinstance(match_dates, Mapping):
        raise MentormatchError(
            "signup_dates and match_dates must be mappings of id to date",
            field="signup_dates" if not isinstance(signup_dates, Mapping) else "match_dates",
        )
    signed = {
        str(pid): to_date(value, f"signup_dates[{pid!r}]") for pid, value in signup_dates.items()
    }
    matched_on = {
        str(pid): to_date(value, f"match_dates[{pid!r}]", missing=True)
        for pid, value in match_dates.items()
    }
    unknown = sorted(set(matched_on) - set(signed))
    if unknown:
        raise MentormatchError(
            f"match date for {unknown[0]!r} who has no sign-up date", participant_id=unknown[0]
        )
    if not signed:
        raise NoDataError("no sign-ups given", field="signup_dates")
    first = min(signed.values())
    if day < first:
        raise MentormatchError(
            f"as_of {day} is before the programme began (the first sign-up is on {first}); "
            f"choose a date on or after {first}",
            field="as_of",
            value=day,
        )
    durations: list[int] = []
    events: list[bool] = []
    for pid, start in signed.items():
        when = matched_on.get(pid)
        if when is not None and when < start:
            raise MentormatchError(
                f"{pid!r} matched on {when}, before signing up on {start}; fix the dates",
                participant_id=pid,
                value=when,
            )
        if start > day:
            continue  # not in the cohort yet
        done = when is not None and when <= day
        durations.append(((when if done and when else day) - start).days)
        events.append(done)
    curve = _kaplan_meier(durations, events, confidence)
    median = _first_at_or_below_half(curve.times, curve.survival)
    lower = min(_first_at_or_below_half(curve.times, curve.band_low), median)
    upper = max(_first_at_or_below_half(curve.times, curve.band_high), median)
    matched_n = sum(events)
    return TimeToMatch(
        None if math.isinf(median) else median,
        ConfidenceInterval(lower, upper, confidence),
        len(durations),
        matched_n,
        len(durations) - matched_n,
    )


# ------------------------------------------------------------------------- at risk
@dataclass(frozen=True, eq=False)
class AtRisk(Value):
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


#: Days per month as an exact fraction: 365.25 / 12.
_MONTH = Fraction(1461, 48)


def _decimal(x: float) -> Fraction:
    """The number as written: the shortest decimal that gives the float back, exactly
    (``0.1`` is 1/10, not 0.1000000000000000055...), so comparisons on sums and
    products of such numbers do not drift."""
    return Fraction(repr(float(x)))


def _check_cadence(value: object, name: str, where: str = "") -> float:
    real = as_real(value)
    if real is None or not math.isfinite(real) or real < 0:
        raise MentormatchError(
            f"{where}{name} must be a number of meetings a month >= 0, not {value!r}",
            field=name,
            value=value,
        )
    return real


def _expected_rate(r: Relationship, default: float | None) -> float | None:
    raw = r.attributes.get("expected_meetings_per_month")
    if raw:
        where = f"{_pair(r.mentee_id, r.mentor_id)}: "
        try:
            number = float(raw.replace(",", "."))
        except ValueError:
            raise MentormatchError(
                f"{where}expected_meetings_per_month {raw!r} is not a number",
                field="expected_meetings_per_month",
                participant_id=r.mentee_id,
                value=raw,
            ) from None
        return _check_cadence(number, "expected_meetings_per_month", where)
    return default


def _scores_until(history: Iterable[Any], day: date, r: Relationship) -> list[float]:
    """The pair's satisfaction scores dated on or before ``day``, oldest first."""
    dated: list[tuple[date, float]] = []
    for i, item in enumerate(history):
        try:
            when, score = item
        except (TypeError, ValueError):
            raise MentormatchError(
                f"satisfaction_history for {_pair(r.mentee_id, r.mentor_id)}: entry {i} must "
                f"be a (date, score) pair, not {item!r}",
                field="satisfaction_history",
                participant_id=r.mentee_id,
            ) from None
        d = to_date(when, f"satisfaction_history[{r.key!r}][{i}] date")
        real = as_real(score)
        if real is None or not math.isfinite(real):
            raise MentormatchError(
                f"satisfaction_history for {_pair(r.mentee_id, r.mentor_id)}: score {score!r} "
                "is not a number",
                field="satisfaction_history",
                participant_id=r.mentee_id,
                value=score,
            )
        if d <= day:
            dated.append((d, real))
    dated.sort()
    return [score for _, score in dated]


def at_risk(
    relationships: Iterable[Relationship],
    as_of: DateLike | None = None,
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

    Each relationship is judged as it stood on ``as_of`` (default today; any
    date-like), by :meth:`Relationship.as_of`: a pair that starts later is not in
    the cohort yet, a pair that ended later is still active (and may be at risk on
    that day), and meetings later are ignored.  A date before the programme began
    (the earliest start) is a :class:`MentormatchError`.

    >>> rs = [Relationship(mentee_id="e1", mentor_id="m1", started="2025-01-01",
    ...                    meetings=["2025-01-10"]),
    ...       Relationship(mentee_id="e2", mentor_id="m1", started="2025-01-01",
    ...                    meetings=["2025-02-25"])]
    >>> for flag in at_risk(rs, as_of=date(2025, 3, 1)):
    ...     print(flag.mentee_id, flag.days_since_last_meeting, flag.reason)
    e1 50 no meeting for 50 days (last 2025-01-10)
    """
    max_gap_days = check_int("at_risk", "max_gap_days", max_gap_days, minimum=1)
    if expected_per_month is not None:
        expected_per_month = _check_cadence(expected_per_month, "expected_per_month")
    drop_limit = as_real(satisfaction_drop)
    if drop_limit is None or not math.isfinite(drop_limit) or drop_limit <= 0:
        raise MentormatchError(
            f"satisfaction_drop must be a number > 0, not {satisfaction_drop!r}",
            field="satisfaction_drop",
            value=satisfaction_drop,
        )
    history = _mapping(
        {} if satisfaction_history is None else satisfaction_history, "satisfaction_history"
    )
    day, rels = _cohort(relationships, as_of)
    flagged: list[AtRisk] = []
    for r in rels:
        if r.status != "active":
            continue
        held = r.meetings
        last = held[-1] if held else None
        gap = (day - (last or r.started)).days
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
            # exact: the expected rate as written (0.1 is 1/10), days over 365.25 / 12
            due_exact = _decimal(expected) * (day - r.started).days / _MONTH
            if due_exact - len(held) >= 1:
                due = float(due_exact)
                behind = float(due_exact - len(held))
                reasons.append(
                    f"{len(held)} meetings against about {due:.0f} expected ({expected:g} a month)"
                )
        drop: float | None = None
        scores = _scores_until(_iterable(history.get(r.key, ()), "satisfaction_history"), day, r)
        if len(scores) >= 2:
            earlier = [_decimal(x) for x in scores[:-1]]
            fall_exact = sum(earlier, Fraction(0)) / len(earlier) - _decimal(scores[-1])
            fall = float(fall_exact)
            if fall_exact >= _decimal(drop_limit):
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
@dataclass(frozen=True, eq=False)
class BreakdownGroup(Value):
    """One group of a breakdown; ``n`` and ``rate`` are None when suppressed."""

    group: str
    n: int | None
    rate: Rate | None
    suppressed: bool


@dataclass(frozen=True, eq=False)
class Breakdown(Value):
    """A KPI by group, with small groups suppressed.

    ``n`` is the rate's denominator: the people the figure is about.
    """

    kpi: str
    by: str
    groups: tuple[BreakdownGroup, ...]
    total: Rate | None
    min_group_size: int

    def summary(self) -> str:
        plain = _text.plain
        lines = [
            f"{plain(self.kpi)} by {plain(self.by)} (groups under {self.min_group_size} suppressed)"
        ]
        names = [plain(g.group) for g in self.groups]
        width = max([len(name) for name in names] + [5])
        for name, g in zip(names, self.groups, strict=True):
            text = "suppressed (small group)" if g.rate is None else g.rate.summary()
            lines.append(f"  {name:<{width}}  {text}")
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


def _check_min_group_size(min_group_size: object) -> int:
    """``min_group_size`` as an int, at least 3 (numpy integers taken, bools not)."""
    whole = as_whole(min_group_size)
    if whole is None:
        raise MentormatchError(
            f"min_group_size must be a whole number, not {min_group_size!r}",
            field="min_group_size",
            value=min_group_size,
        )
    if whole < 3:
        raise MentormatchError(
            f"min_group_size must be at least 3 (got {whole}); smaller groups "
            "could identify people",
            field="min_group_size",
            value=min_group_size,
        )
    return whole


def _suppressed(
    people: Mapping[str, AbstractSet[Hashable]],
    min_group_size: int,
    hidden: AbstractSet[str] = frozenset(),
) -> set[str]:
    """The groups to hide, by the one anonymity rule of every group figure.

    ``people`` maps each group to the people (distinct mentees) in the KPI's
    denominator for that group.  A group with fewer than ``min_group_size`` is
    hidden (as is every group in ``hidden``).  When a hidden group has anyone in
    it, more groups are hidden, smallest first (then by name), until at least two
    hidden groups have people in them and the hidden groups together hold at least
    ``min_group_size`` people: then no hidden group's figure can be worked out from
    the shown groups and the total.  A group with nobody in the denominator is
    hidden but shields nothing, so it is not counted.

    >>> p = {"a": {1, 2}, "b": {3, 4, 5, 6, 7, 8}, "c": set(range(9, 18)), "d": set()}
    >>> sorted(_suppressed(p, 5))
    ['a', 'b', 'd']
    >>> sorted(_suppressed({"a": {1}, "b": {2}, "c": set(range(3, 12))}, 5))
    ['a', 'b', 'c']
    """
    out = set(hidden) | {g for g, who in people.items() if len(who) < min_group_size}

    def shielded() -> bool:
        holding = [g for g in out if people[g]]
        if not holding:
            return True
        pooled: set[Hashable] = set().union(*(people[g] for g in holding))
        return len(holding) >= 2 and len(pooled) >= min_group_size

    for _, group in sorted((len(who), g) for g, who in people.items() if g not in out and who):
        if shielded():
            break
        out.add(group)
    return out


def _person_key(record: object, index: int) -> Hashable:
    """Who a record is about: its ``mentee_id`` (attribute or key), else the record itself
    (by position: each record without an id counts as one person)."""
    pid = getattr(record, "mentee_id", None)
    if pid is None and isinstance(record, Mapping):
        pid = record.get("mentee_id")
    return ("id", str(pid)) if pid is not None else ("row", index)


@dataclass(frozen=True)
class _GroupFigure:
    rate: Rate | None
    people: frozenset[Hashable]


def _named_figure(
    name: str, subset: Sequence[Relationship], options: Mapping[str, Any]
) -> _GroupFigure:
    """A built-in KPI on a group, and the mentees in its denominator."""
    as_of = options.get("as_of")
    if name in ("completion_rate", "early_termination_rate"):
        members: Sequence[Relationship] = _due_pairs(subset, as_of)
    else:  # goal_attainment, goals_met: pairs with goals set among the finished
        include = bool(options.get("include_active", False))
        members = [r for r in _goal_pairs(subset, as_of, include) if r.goals_set > 0]
    try:
        rate: Rate | None = _as_rate(_KPI_BY_NAME[name](subset, **options))
    except NoDataError:
        rate = None
    return _GroupFigure(rate, frozenset(("id", r.mentee_id) for r in members))


def _custom_figure(
    func: Callable[..., Any],
    subset: Sequence[Any],
    keys: Sequence[Hashable],
    options: Mapping[str, Any],
) -> _GroupFigure:
    """Your own KPI on a group.  A person is in its denominator when the KPI on that
    person's records alone has someone in its denominator."""

    def evaluate(records: list[Any]) -> Rate | None:
        try:
            return _as_rate(func(records, **options))
        except NoDataError:
            return None

    rate = evaluate(list(subset))
    if rate is None or rate.denominator == 0:
        return _GroupFigure(rate, frozenset())
    by_person: dict[Hashable, list[Any]] = defaultdict(list)
    for key, record in zip(keys, subset, strict=True):
        by_person[key].append(record)
    people = frozenset(
        key
        for key, own in by_person.items()
        if (mine := evaluate(own)) is not None and mine.denominator > 0
    )
    return _GroupFigure(rate, people)


def breakdown(
    kpi: str | Callable[..., Any],
    records: Iterable[Any],
    by: str | Callable[[Any], object] = "department",
    min_group_size: int = 5,
    *,
    as_of: DateLike | None = None,
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
        Relationships, or any records your ``kpi`` understands (any iterable:
        list, tuple, generator, pandas Series, numpy object array).
    by : str or callable
        An attribute name (looked up in ``record.attributes``, then as a key or an
        attribute of the record) or a function giving the group.  Records without
        it form the group ``"(not recorded)"``.
    min_group_size : int
        At least 3.  The threshold counts **people** (distinct mentees) in the
        KPI's denominator, whatever the KPI counts (pairs, goals): a group with
        fewer is suppressed (no n, no value, no interval).  When a suppressed group
        has anyone in it, more groups are suppressed, smallest first, until at
        least two suppressed groups have people and together they hold at least
        ``min_group_size`` people, so that no suppressed figure can be worked out
        from the shown groups and the total.  A group with nobody in the
        denominator shields nothing.  The total is suppressed when it holds fewer
        than ``min_group_size`` people.  For your own ``kpi`` a person is in the
        denominator when the KPI on that person's records alone has one.
    as_of : date-like, optional
        Relationships are judged as they stood on this day (default today), by
        :meth:`Relationship.as_of`: a pair that starts later is not in the cohort
        yet (and is in no group), a pair that ended later is still active, and
        meetings and goals met later are ignored.  Passed on to the named KPIs,
        and to your own KPI when it takes ``as_of``.
    **kpi_options
        Passed to the KPI, e.g. ``confidence=0.9``.

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
    min_group_size = _check_min_group_size(min_group_size)
    items = list(_iterable(records, "records"))
    if isinstance(kpi, str):
        name = kpi
        if kpi not in _KPI_BY_NAME:
            raise MentormatchError(
                f"unknown KPI {kpi!r} for breakdown; use one of "
                + ", ".join(repr(k) for k in _KPI_BY_NAME)
                + " or pass a function",
                field="kpi",
                value=kpi,
            )
    elif callable(kpi):
        name = str(getattr(kpi, "__name__", "kpi"))
    else:
        raise MentormatchError(
            f"kpi must be a KPI name or a function, not {type(kpi).__name__}", field="kpi"
        )
    if not (isinstance(by, str) or callable(by)):
        raise MentormatchError(
            f"by must be an attribute name or a function, not {by!r}", field="by", value=by
        )
    day = _day(as_of)
    if all(isinstance(r, Relationship) for r in items):
        _, items = _cohort(items, day)
    else:
        items = [r.as_of(day) if isinstance(r, Relationship) else r for r in items]
        items = [r for r in items if r is not None]
    keys = [_person_key(r, i) for i, r in enumerate(items)]
    options = dict(kpi_options)
    if isinstance(kpi, str) or _takes_as_of(kpi):
        options["as_of"] = day
    by_name = by if isinstance(by, str) else str(getattr(by, "__name__", "group"))
    grouped: dict[str, list[int]] = defaultdict(list)
    for i, record in enumerate(items):
        grouped[_group_of(record, by)].append(i)

    def figure(indices: Sequence[int]) -> _GroupFigure:
        subset = [items[i] for i in indices]
        if isinstance(kpi, str):
            return _named_figure(kpi, subset, options)
        return _custom_figure(kpi, subset, [keys[i] for i in indices], options)

    figures = {g: figure(indices) for g, indices in grouped.items()}
    hidden = _suppressed({g: f.people for g, f in figures.items()}, min_group_size)
    groups = tuple(
        BreakdownGroup(g, None, None, True)
        if g in hidden or figures[g].rate is None
        else BreakdownGroup(g, _denominator(figures[g].rate), figures[g].rate, False)
        for g in sorted(grouped, key=lambda g: (g == _NOT_RECORDED, g))
    )
    overall = figure(range(len(items)))
    total = overall.rate if len(overall.people) >= min_group_size else None
    return Breakdown(name, by_name, groups, total, min_group_size)


def _denominator(rate: Rate | None) -> int | None:
    return None if rate is None else rate.denominator


def _takes_as_of(func: Callable[..., Any]) -> bool:
    try:
        params = inspect.signature(func).parameters.values()
    except (TypeError, ValueError):
        return False
    return any(p.name == "as_of" or p.kind is inspect.Parameter.VAR_KEYWORD for p in params)


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


@dataclass(frozen=True, eq=False)
class Targets(Value):
    """Targets per KPI (see :data:`KPI_NAMES`) and the programme's stated goal."""

    values: Mapping[str, float] = field(default_factory=dict)
    goal: str | None = None
    name: str | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        _check_targets(self.values)


def _check_targets(values: Mapping[str, object]) -> None:
    for kpi, target in _mapping(values, "targets").items():
        if not isinstance(kpi, str) or kpi not in KPI_NAMES:
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


@dataclass(frozen=True, eq=False)
class TargetCheck(Value):
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
    if not isinstance(kpi, str):
        raise MentormatchError(f"kpi must be a KPI name, not {kpi!r}", field="kpi", value=kpi)
    if ci is not None and not isinstance(ci, ConfidenceInterval):
        raise MentormatchError(
            f"ci must be a ConfidenceInterval or None, not {type(ci).__name__}",
            field="ci",
            value=ci,
        )
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
@dataclass(frozen=True, eq=False)
class ProgrammeReport(Value):
    """The cohort's KPIs, breakdowns, target checks and at-risk list.

    KPIs that could not be computed (no data yet) are None and explained in
    ``notes``.  Render with :meth:`summary`, :meth:`to_markdown`, :meth:`to_html`
    or :meth:`save_html`; export the figures with :meth:`to_csv`.
    """

    as_of: date
    pairs: int
    status_counts: Mapping[str, int]
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
    as_of: DateLike | None = None,
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
    as_of : date-like, optional
        The day the report describes (default today; give it to reproduce a
        report).  Every figure sees each relationship as it stood that day
        (:meth:`Relationship.as_of`): a pair that starts later is not in the
        cohort yet, a pair that ended later is still active, and meetings and
        goals met later are ignored.  A day before the programme began (the
        earliest start) is a :class:`MentormatchError`.
    match_result : optional
        A match result (``.matches``, ``.unmatched``) for the match rate; its
        capacity use is measured against ``capacities`` when both are given.
    targets : Targets, mapping, or path to a programme TOML file, optional
    by : str or list of str, optional
        Attributes to break completion, early termination and goal attainment
        down by (e.g. ``"department"``, ``["department", "cohort"]``).
    min_group_size : int
        Suppression threshold for breakdowns, in people (at least 3; see
        :func:`breakdown`).
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
        records = list(read_relationships(relationships))
    else:
        records = _relationships(relationships)
    day, rels = _cohort(records, as_of)
    if isinstance(targets, (str, os.PathLike)):
        targets = load_targets(targets)
    elif targets is not None and not isinstance(targets, Targets):
        targets = Targets(dict(_mapping(targets, "targets")))
    if capacities is not None:
        _mapping(capacities, "capacities")
    if by is None:
        by_list: list[str] = []
    elif isinstance(by, str):
        by_list = [by]
    elif isinstance(by, (list, tuple)) and all(isinstance(name, str) for name in by):
        by_list = list(by)
    else:
        raise MentormatchError(
            f"by must be an attribute name or a list of them, not {by!r}", field="by", value=by
        )
    known = sorted({k for r in rels for k in r.attributes})
    for name in by_list:
        if _normalise_column(name) not in known:
            raise MentormatchError(
                f"no attribute {name!r} to break down by; available: "
                + (", ".join(known) or "none"),
                field="by",
                value=name,
            )

    min_group_size = _check_min_group_size(min_group_size)
    notes: list[str] = []
    undated = sum(r.status != "active" and r.ended is None for r in rels)
    if undated:
        notes.append(
            f"{undated} finished pair(s) have no end date; they are counted as finished "
            f"on {day} whatever day they ended"
        )
    match = (
        None
        if match_result is None
        else _try(notes, "match rate", lambda: match_rate(match_result, confidence=confidence))
    )
    completion = _try(
        notes, "completion rate", lambda: completion_rate(rels, as_of=day, confidence=confidence)
    )
    early = _try(
        notes,
        "early termination",
        lambda: early_termination_rate(rels, as_of=day, confidence=confidence),
    )
    goals = _try(
        notes, "goal attainment", lambda: goal_attainment(rels, as_of=day, confidence=confidence)
    )
    cadence = _try(
        notes, "meeting cadence", lambda: meeting_cadence(rels, day, confidence=confidence)
    )
    satisfaction = _try(
        notes, "satisfaction", lambda: satisfaction_summary(rels, as_of=day, confidence=confidence)
    )
    utilisation = None
    if capacities is not None:
        source = match_result if match_result is not None else rels
        utilisation = _try(
            notes,
            "mentor utilisation",
            lambda: mentor_utilisation(source, capacities, as_of=day, confidence=confidence),
        )

    breakdowns: list[Breakdown] = []
    for name in by_list:
        breakdowns.append(
            breakdown(
                "completion_rate", rels, name, min_group_size, as_of=day, confidence=confidence
            )
        )
        breakdowns.append(
            breakdown(
                "early_termination_rate",
                rels,
                name,
                min_group_size,
                as_of=day,
                confidence=confidence,
            )
        )
        breakdowns.append(
            breakdown(
                "goal_attainment", rels, name, min_group_size, as_of=day, confidence=confidence
            )
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
        as_of=day,
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
            day,
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
