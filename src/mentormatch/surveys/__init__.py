"""Score programme surveys and report them with honest uncertainty.

The module covers the survey steps of a mentoring programme evaluation:

* :class:`Instrument` declares a questionnaire (items, scale bounds, reverse-keyed
  items, subscales, how many answers a person needs) and scores responses into a
  :class:`ScoredSurvey`.
* :func:`cronbach_alpha`, :func:`standardized_alpha` and :func:`omega_total`
  estimate internal consistency.
* :func:`nps` computes a Net Promoter Score with an adjusted-Wald interval.
* :func:`pre_post` describes matched before/after change (t test, Wilcoxon, effect sizes).
* :func:`goal_attainment_t` computes Kiresuk-Sherman goal attainment T-scores
  (:class:`GoalAttainmentScores`; the old name ``GoalAttainment`` still works
  and warns that it is deprecated).

Statistics that are undefined for the data at hand (one item, one respondent, no
variance) come back as ``nan`` with a :class:`SurveyWarning` saying why; input
that cannot be scored at all raises :class:`~mentormatch._errors.MentormatchError`.
Stored values are never rounded; only ``summary()`` text is.
"""

from __future__ import annotations

import warnings
from typing import Any

from mentormatch.surveys._shared import MissingPolicy as MissingPolicy
from mentormatch.surveys._shared import SurveyWarning
from mentormatch.surveys.goal_attainment import GoalAttainmentScores, goal_attainment_t
from mentormatch.surveys.instrument import Instrument, ScoredSurvey, load_instrument
from mentormatch.surveys.nps import NPS, nps
from mentormatch.surveys.pre_post import PairedChange, pre_post
from mentormatch.surveys.reliability import (
    Omega,
    Reliability,
    cronbach_alpha,
    omega_total,
    standardized_alpha,
)

__all__ = [
    "NPS",
    "GoalAttainmentScores",
    "Instrument",
    "Omega",
    "PairedChange",
    "Reliability",
    "ScoredSurvey",
    "SurveyWarning",
    "cronbach_alpha",
    "goal_attainment_t",
    "load_instrument",
    "nps",
    "omega_total",
    "pre_post",
    "standardized_alpha",
]

#: Names that still work but warn: the old name -> (the name to use, why).
_DEPRECATED = {
    "GoalAttainment": (
        "GoalAttainmentScores",
        "mentormatch.kpis.GoalAttainment is the goals-met KPI; the survey T-scores are "
        "mentormatch.surveys.GoalAttainmentScores",
    ),
}


def __getattr__(name: str) -> Any:
    """The deprecated names: each still works, with a DeprecationWarning."""
    if name in _DEPRECATED:
        new, why = _DEPRECATED[name]
        warnings.warn(
            f"mentormatch.surveys.{name} is deprecated and will be removed in a later "
            f"release; use mentormatch.surveys.{new} ({why})",
            DeprecationWarning,
            stacklevel=2,
        )
        return globals()[new]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
