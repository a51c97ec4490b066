"""mentormatch: exact, explainable mentor matching and honest programme evaluation.

Examples
--------
>>> import mentormatch as mm
>>> mentees = [mm.Mentee(id="e1", goals=["leadership"])]
>>> mentors = [mm.Mentor(id="m1", goals=["leadership"], capacity=2)]
>>> mm.Matcher(criteria=[mm.GoalOverlap()]).match(mentees, mentors).matches[0].mentor_id
'm1'
"""

from mentormatch import (
    calibrate,
    circles,
    fairness,
    followup,
    kpis,
    lifecycle,
    plot,
    presets,
    stability,
    surveys,
)
from mentormatch._dates import DateLike
from mentormatch._errors import FileEncodingWarning, MentormatchError
from mentormatch._intervals import ConfidenceInterval
from mentormatch.constraints import (
    DifferentDepartment,
    ForbidPairs,
    NotInReportingLine,
    RequireAttribute,
    RequirePairs,
    SameAttribute,
)
from mentormatch.criteria import (
    AttributeMatch,
    Criterion,
    DepartmentDistance,
    FunctionCriterion,
    GoalOverlap,
    SkillGap,
    StatedPreferences,
    TextSimilarity,
)
from mentormatch.io import (
    Problem,
    Signups,
    SignupsError,
    load_demo,
    read_results,
    read_signups,
    write_results,
    write_signups,
)
from mentormatch.matching import (
    Alternative,
    Explanation,
    Match,
    Matcher,
    MatchResult,
    ScoreMatrix,
    Unmatched,
)
from mentormatch.participants import Mentee, Mentor, validate_programme

__version__ = "0.1.0"

__all__ = [
    "Alternative",
    "AttributeMatch",
    "ConfidenceInterval",
    "Criterion",
    "DateLike",
    "DepartmentDistance",
    "DifferentDepartment",
    "Explanation",
    "FileEncodingWarning",
    "ForbidPairs",
    "FunctionCriterion",
    "GoalOverlap",
    "Match",
    "MatchResult",
    "Matcher",
    "Mentee",
    "Mentor",
    "MentormatchError",
    "NotInReportingLine",
    "Problem",
    "RequireAttribute",
    "RequirePairs",
    "SameAttribute",
    "ScoreMatrix",
    "Signups",
    "SignupsError",
    "SkillGap",
    "StatedPreferences",
    "TextSimilarity",
    "Unmatched",
    "__version__",
    "calibrate",
    "circles",
    "fairness",
    "followup",
    "kpis",
    "lifecycle",
    "load_demo",
    "plot",
    "presets",
    "read_results",
    "read_signups",
    "stability",
    "surveys",
    "validate_programme",
    "write_results",
    "write_signups",
]
