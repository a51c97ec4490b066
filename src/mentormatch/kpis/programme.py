"""The programme report: every KPI, breakdown, target check and the at-risk list
in one value (:func:`programme_report`)."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from mentormatch._dates import DateLike
from mentormatch._errors import MentormatchError
from mentormatch._files.tables import normalise_column as _normalise_column
from mentormatch._intervals import ConfidenceInterval
from mentormatch._stats import check_confidence as _check_confidence
from mentormatch.kpis.at_risk import at_risk
from mentormatch.kpis.breakdown import breakdown
from mentormatch.kpis.cohort import (
    GoalAttainment,
    MeanSummary,
    MeetingCadence,
    MentorUtilisation,
    _cohort,
    _mapping,
    _relationships,
    completion_rate,
    early_termination_rate,
    goal_attainment,
    match_rate,
    meeting_cadence,
    mentor_utilisation,
    satisfaction_summary,
)
from mentormatch.kpis.rates import NoDataError, Rate
from mentormatch.kpis.relationships import (
    STATUSES,
    Relationship,
    load_demo_relationships,  # noqa: F401  (the examples use it)
    read_relationships,
)
from mentormatch.kpis.report import ProgrammeReport
from mentormatch.kpis.report_followup import milestone_figures, readiness_figure
from mentormatch.kpis.suppression import check_min_group_size
from mentormatch.kpis.targets import TargetCheck, Targets, check_target, load_targets

__all__ = ["ProgrammeReport", "programme_report"]


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
    participants: Any = None,
    readiness_key: str = "trained",
    plan: Any = None,
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
    participants : Signups or iterable of Mentee and Mentor, optional
        Everyone in the programme: the report then shows the share of mentors
        and of mentees who were prepared (:func:`readiness` of
        ``readiness_key``, default ``"trained"``), each role suppressed when it
        has fewer than ``min_group_size`` people.
    plan : FollowUpPlan, optional
        The pairs' follow-up plan (:func:`mentormatch.followup.plan`): each
        at-risk pair's next step then names its next milestone or talking point.

    The report also shows, for each milestone with a target in ``targets``
    (``[targets.milestones]``; see :func:`load_targets`), and for ``kick-off``
    and ``agreement`` (days 14 and 28) when the data record milestones, the
    share of pairs that met it on time (:func:`milestone_rate`), checked
    against its target and broken down by each of ``by``; a figure with fewer
    than ``min_group_size`` mentees behind it is suppressed, as in every
    breakdown.

    >>> report = programme_report(load_demo_relationships(), as_of=date(2026, 3, 1),
    ...                           targets={"completion_rate": 0.7}, by="cohort")
    >>> report.pairs, len(report.at_risk), report.target_checks[0].text
    (60, 10, 'inconclusive: CI spans target')
    """
    _check_confidence(confidence)
    day, rels = _cohort(_records_of(relationships), as_of)
    if isinstance(targets, (str, os.PathLike)):
        targets = load_targets(targets)
    elif targets is not None and not isinstance(targets, Targets):
        targets = Targets(dict(_mapping(targets, "targets")))
    if capacities is not None:
        _mapping(capacities, "capacities")
    by_list = _attributes_to_break_down(by, rels)
    min_group_size = check_min_group_size(min_group_size)
    notes: list[str] = []
    undated = sum(r.status != "active" and r.ended is None for r in rels)
    if undated:
        notes.append(
            f"{undated} finished pair(s) have no end date; they are counted as finished "
            f"on {day} whatever day they ended"
        )
    kpis = _Figures.of(
        rels,
        day,
        notes=notes,
        match_result=match_result,
        capacities=capacities,
        confidence=confidence,
    )
    breakdowns = [
        breakdown(kpi, rels, name, min_group_size, as_of=day, confidence=confidence)
        for name in by_list
        for kpi in ("completion_rate", "early_termination_rate", "goal_attainment")
    ]
    milestones, milestone_breakdowns = milestone_figures(
        rels,
        day,
        targets.milestones if isinstance(targets, Targets) else (),
        by_list,
        min_group_size,
        confidence,
    )
    breakdowns += milestone_breakdowns
    prepared = (
        None
        if participants is None
        else readiness_figure(participants, readiness_key, day, min_group_size, confidence)
    )
    return ProgrammeReport(
        as_of=day,
        pairs=len(rels),
        status_counts={s: sum(r.status == s for r in rels) for s in STATUSES},
        match=kpis.match,
        completion=kpis.completion,
        early_termination=kpis.early,
        goals=kpis.goals,
        cadence=kpis.cadence,
        satisfaction=kpis.satisfaction,
        utilisation=kpis.utilisation,
        breakdowns=tuple(breakdowns),
        at_risk=at_risk(
            rels,
            day,
            max_gap_days,
            expected_per_month=expected_per_month,
            satisfaction_history=satisfaction_history,
            plan=plan,
        ),
        target_checks=() if targets is None else kpis.checks(targets),
        goal=targets.goal if isinstance(targets, Targets) else None,
        name=targets.name if isinstance(targets, Targets) else None,
        survey=survey,
        notes=tuple(notes),
        max_gap_days=max_gap_days,
        readiness=prepared,
        milestones=milestones,
    )


def _records_of(relationships: Any) -> list[Relationship]:
    """Relationships given as records, or read from a file or DataFrame."""
    if (
        isinstance(relationships, (str, os.PathLike))
        or hasattr(relationships, "read")
        or type(relationships).__name__ == "DataFrame"
    ):
        return list(read_relationships(relationships))
    return _relationships(relationships)


def _attributes_to_break_down(
    by: str | Sequence[str] | None, rels: Sequence[Relationship]
) -> list[str]:
    """``by`` as a list of attribute names, each one that some relationship has."""
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
    return by_list


@dataclass(frozen=True)
class _Figures:
    """The report's KPIs, each None when it could not be computed (and said why in the
    notes)."""

    match: Rate | None
    completion: Rate | None
    early: Rate | None
    goals: GoalAttainment | None
    cadence: MeetingCadence | None
    satisfaction: MeanSummary | None
    utilisation: MentorUtilisation | None

    @classmethod
    def of(
        cls,
        rels: Sequence[Relationship],
        day: date,
        *,
        notes: list[str],
        match_result: Any,
        capacities: Mapping[str, int] | None,
        confidence: float,
    ) -> _Figures:
        """Every KPI of the cohort ``rels`` on ``day``."""
        match = (
            None
            if match_result is None
            else _try(notes, "match rate", lambda: match_rate(match_result, confidence=confidence))
        )
        completion = _try(
            notes,
            "completion rate",
            lambda: completion_rate(rels, as_of=day, confidence=confidence),
        )
        early = _try(
            notes,
            "early termination",
            lambda: early_termination_rate(rels, as_of=day, confidence=confidence),
        )
        goals = _try(
            notes,
            "goal attainment",
            lambda: goal_attainment(rels, as_of=day, confidence=confidence),
        )
        cadence = _try(
            notes, "meeting cadence", lambda: meeting_cadence(rels, day, confidence=confidence)
        )
        satisfaction = _try(
            notes,
            "satisfaction",
            lambda: satisfaction_summary(rels, as_of=day, confidence=confidence),
        )
        utilisation = None
        if capacities is not None:
            source = match_result if match_result is not None else rels
            utilisation = _try(
                notes,
                "mentor utilisation",
                lambda: mentor_utilisation(source, capacities, as_of=day, confidence=confidence),
            )
        return cls(match, completion, early, goals, cadence, satisfaction, utilisation)

    def checks(self, targets: Targets) -> tuple[TargetCheck, ...]:
        """Each target of ``targets`` checked against its KPI."""
        goals, cadence, satisfaction = self.goals, self.cadence, self.satisfaction
        estimates: dict[str, tuple[float, ConfidenceInterval] | None] = {
            "match_rate": _est(self.match),
            "completion_rate": _est(self.completion),
            "early_termination_rate": _est(self.early),
            "goal_attainment": _est(goals.all_goals if goals else None),
            "goals_met": _est(goals.goals if goals else None),
            "mentor_utilisation": _est(self.utilisation.slots if self.utilisation else None),
            "meeting_cadence": (cadence.mean, cadence.mean_ci) if cadence else None,
            "satisfaction": (satisfaction.mean, satisfaction.ci) if satisfaction else None,
            "time_to_match_days": None,
        }
        checks = []
        for kpi, target in targets.values.items():
            est = estimates[kpi]
            checks.append(check_target(kpi, target, *(est if est else (None, None))))
        return tuple(checks)


def _est(rate: Rate | None) -> tuple[float, ConfidenceInterval] | None:
    return None if rate is None else (rate.value, rate.ci)
