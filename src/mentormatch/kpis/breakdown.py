"""The same KPI per group, with small groups suppressed (see
:mod:`mentormatch.kpis.suppression`)."""

from __future__ import annotations

import inspect
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from mentormatch import _text
from mentormatch._dates import DateLike
from mentormatch._errors import MentormatchError
from mentormatch._files.tables import normalise_column as _normalise_column
from mentormatch._frames import Column, Tabular
from mentormatch._values import Value
from mentormatch.kpis._labels import breakdown_heading
from mentormatch.kpis.cohort import (
    _cohort,
    _day,
    _due_pairs,
    _goal_pairs,
    _iterable,
    completion_rate,
    early_termination_rate,
    goal_attainment,
)
from mentormatch.kpis.rates import NoDataError, Rate
from mentormatch.kpis.relationships import (
    Relationship,
    load_demo_relationships,  # noqa: F401  (the examples use it)
)
from mentormatch.kpis.suppression import check_min_group_size, groups_to_hide

__all__ = ["Breakdown", "BreakdownGroup", "breakdown"]


@dataclass(frozen=True, eq=False)
class BreakdownGroup(Value):
    """One group of a breakdown; ``n`` and ``rate`` are None when suppressed."""

    group: str
    n: int | None
    rate: Rate | None
    suppressed: bool


@dataclass(frozen=True, eq=False)
class Breakdown(Tabular, Value):
    """A KPI by group, with small groups suppressed.

    ``n`` is the rate's denominator: the people the figure is about.
    """

    kpi: str
    by: str
    groups: tuple[BreakdownGroup, ...]
    total: Rate | None
    min_group_size: int

    _columns = (
        Column("group", "text"),
        Column("n", "count", nullable=True),
        Column("numerator", "count", nullable=True),
        Column("rate", "float"),
        Column("ci_low", "float"),
        Column("ci_high", "float"),
        Column("suppressed", "bool"),
    )
    _display_skip = ("groups",)

    def _records(self) -> list[dict[str, Any]]:
        rows = [(g.group, g.rate, g.suppressed) for g in self.groups]
        rows.append(("total", self.total, self.total is None))
        return [
            {
                "group": name,
                "n": None if rate is None else rate.denominator,
                "numerator": None if rate is None else rate.numerator,
                "rate": None if rate is None else rate.value,
                "ci_low": None if rate is None else rate.ci.low,
                "ci_high": None if rate is None else rate.ci.high,
                "suppressed": hidden or rate is None,
            }
            for name, rate, hidden in rows
        ]

    def summary(self) -> str:
        plain = _text.plain
        lines = [
            f"{plain(breakdown_heading(self.kpi, self.by))} "
            f"(groups under {self.min_group_size} suppressed)"
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
    *,
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
    >>> from datetime import date
    >>> b = breakdown("completion_rate", load_demo_relationships(), by="department",
    ...               as_of=date(2026, 3, 1))
    >>> print(b.summary())
    Completion rate by department (groups under 5 suppressed)
      Engineering  7/8 = 87.5% (95% CI 52.9%–97.8%, Wilson)
      Finance      5/9 = 55.6% (95% CI 26.7%–81.1%, Wilson)
      Legal        suppressed (small group)
      Marketing    suppressed (small group)
      Operations   3/5 = 60.0% (95% CI 23.1%–88.2%, Wilson)
      People       3/6 = 50.0% (95% CI 18.8%–81.2%, Wilson)
      total        22/35 = 62.9% (95% CI 46.3%–76.8%, Wilson)
    """
    min_group_size = check_min_group_size(min_group_size)
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
        return _custom_figure(kpi, subset, keys=[keys[i] for i in indices], options=options)

    figures = {g: figure(indices) for g, indices in grouped.items()}
    hidden = groups_to_hide({g: f.people for g, f in figures.items()}, min_group_size)
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


def _goals_met(relationships: Sequence[Relationship], **options: Any) -> Rate:
    return goal_attainment(relationships, **options).goals


_KPI_BY_NAME: dict[str, Callable[..., Any]] = {
    "completion_rate": completion_rate,
    "early_termination_rate": early_termination_rate,
    "goal_attainment": goal_attainment,
    "goals_met": _goals_met,
}
