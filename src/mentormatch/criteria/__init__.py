"""Pluggable, vectorised scorers of mentee-mentor pairs; one module per family."""

from mentormatch.criteria.attributes import AttributeMatch
from mentormatch.criteria.base import Criterion, CriterionLike, FunctionCriterion
from mentormatch.criteria.departments import DepartmentDistance
from mentormatch.criteria.goals import GoalOverlap
from mentormatch.criteria.preferences import StatedPreferences
from mentormatch.criteria.skills import SkillGap
from mentormatch.criteria.text import TextSimilarity

__all__ = [
    "AttributeMatch",
    "Criterion",
    "CriterionLike",
    "DepartmentDistance",
    "FunctionCriterion",
    "GoalOverlap",
    "SkillGap",
    "StatedPreferences",
    "TextSimilarity",
]
