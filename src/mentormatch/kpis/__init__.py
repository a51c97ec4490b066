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

from mentormatch.kpis.at_risk import AtRisk, at_risk
from mentormatch.kpis.breakdown import Breakdown, BreakdownGroup, breakdown
from mentormatch.kpis.cohort import (
    DAYS_PER_MONTH as DAYS_PER_MONTH,
)
from mentormatch.kpis.cohort import (
    GoalAttainment,
    MeanSummary,
    MeetingCadence,
    MentorUtilisation,
    completion_rate,
    early_termination_rate,
    goal_attainment,
    match_rate,
    meeting_cadence,
    mentor_utilisation,
    satisfaction_summary,
)
from mentormatch.kpis.milestones import MilestoneTarget, milestone_rate
from mentormatch.kpis.programme import ProgrammeReport, programme_report
from mentormatch.kpis.rates import NoDataError, Rate, RateDifference, compare_rates, proportion
from mentormatch.kpis.readiness import Readiness, readiness
from mentormatch.kpis.relationships import (
    STATUSES as STATUSES,
)
from mentormatch.kpis.relationships import (
    Relationship,
    load_demo_relationships,
    read_relationships,
)
from mentormatch.kpis.relationships import (
    Status as Status,
)
from mentormatch.kpis.suppression import check_min_group_size, groups_to_hide
from mentormatch.kpis.targets import KPI_NAMES, TargetCheck, Targets, check_target, load_targets
from mentormatch.kpis.time_to_match import TimeToMatch, time_to_match

# The suppression rule under its old private names: mentormatch.fairness imports
# these until it is pointed at mentormatch.kpis.suppression (the matching half).
_check_min_group_size = check_min_group_size
_suppressed = groups_to_hide

__all__ = [
    "KPI_NAMES",
    "AtRisk",
    "Breakdown",
    "BreakdownGroup",
    "GoalAttainment",
    "MeanSummary",
    "MeetingCadence",
    "MentorUtilisation",
    "MilestoneTarget",
    "NoDataError",
    "ProgrammeReport",
    "Rate",
    "RateDifference",
    "Readiness",
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
    "milestone_rate",
    "programme_report",
    "proportion",
    "read_relationships",
    "readiness",
    "satisfaction_summary",
    "time_to_match",
]

# The error shows under the module users catch it from (``mentormatch.kpis.NoDataError``).
NoDataError.__module__ = __name__
