"""mentormatch: exact, explainable mentor matching and honest programme evaluation.

Examples
--------
>>> import mentormatch as mm
>>> mentees = [mm.Mentee(id="e1", goals=["leadership"])]
>>> mentors = [mm.Mentor(id="m1", goals=["leadership"], capacity=2)]
>>> mm.Matcher(criteria=[mm.GoalOverlap()]).match(mentees, mentors).matches[0].mentor_id
'm1'

Importing the package is quick: each name below is imported the first time it
is used (``mm.Matcher`` imports the matching code, ``mm.kpis`` the KPIs), so
``import mentormatch`` loads neither scipy, pandas nor matplotlib.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the same names, for type checkers and editors
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

#: Each public name and the module that defines it, imported at first use.
_LAZY: dict[str, str] = {
    **dict.fromkeys(
        [
            "calibrate",
            "circles",
            "fairness",
            "followup",
            "kpis",
            "lifecycle",
            "plot",
            "presets",
            "stability",
            "surveys",
        ],
        "",
    ),
    "DateLike": "_dates",
    "FileEncodingWarning": "_errors",
    "MentormatchError": "_errors",
    "ConfidenceInterval": "_intervals",
    **dict.fromkeys(
        [
            "DifferentDepartment",
            "ForbidPairs",
            "NotInReportingLine",
            "RequireAttribute",
            "RequirePairs",
            "SameAttribute",
        ],
        "constraints",
    ),
    **dict.fromkeys(
        [
            "AttributeMatch",
            "Criterion",
            "DepartmentDistance",
            "FunctionCriterion",
            "GoalOverlap",
            "SkillGap",
            "StatedPreferences",
            "TextSimilarity",
        ],
        "criteria",
    ),
    **dict.fromkeys(
        [
            "Problem",
            "Signups",
            "SignupsError",
            "load_demo",
            "read_results",
            "read_signups",
            "write_results",
            "write_signups",
        ],
        "io",
    ),
    **dict.fromkeys(
        [
            "Alternative",
            "Explanation",
            "Match",
            "Matcher",
            "MatchResult",
            "ScoreMatrix",
            "Unmatched",
        ],
        "matching",
    ),
    **dict.fromkeys(["Mentee", "Mentor", "validate_programme"], "participants"),
}


def __getattr__(name: str) -> Any:
    """Import a public name (or subpackage) the first time it is used."""
    try:
        module = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module 'mentormatch' has no attribute {name!r}") from None
    if not module:  # a subpackage or submodule: importing it binds it here
        return importlib.import_module(f"{__name__}.{name}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


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
