"""Matchers configured per programme type, each with the reason for its choices.

A programme's goal decides what a good pair is. Each preset returns a new
:class:`~mentormatch.Matcher`; pass ``min_score`` or extra rules to adapt it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from mentormatch._validation import RealLike, check_option
from mentormatch.constraints import ConstraintLike, NotInReportingLine
from mentormatch.criteria import (
    DepartmentDistance,
    GoalOverlap,
    SkillGap,
    StatedPreferences,
    TextSimilarity,
)
from mentormatch.matching import Matcher

__all__ = [
    "PRESETS",
    "career_guidance",
    "onboarding",
    "preset",
    "reverse_mentoring",
    "skills_training",
]


def career_guidance(
    *, min_score: RealLike = 0.0, constraints: Iterable[ConstraintLike] = ()
) -> Matcher:
    """Career guidance: a mentor from elsewhere in the organisation who offers your goals.

    Goals weigh most (3): the mentee came with themes to work on. Distance
    in the org tree comes next (2): career guidance is best given by someone
    outside the mentee's line, with a view across the organisation and no
    stake in the mentee's team. Stated preferences (1) and the free-text
    bios (1) break near-ties. No one is mentored within two levels of their
    own reporting line.

    Examples
    --------
    >>> career_guidance()
    Matcher(criteria=[GoalOverlap(weight=3.0), DepartmentDistance(weight=2.0), StatedPreferences(), TextSimilarity()], constraints=[NotInReportingLine(depth=2)])
    """
    return Matcher(
        criteria=[
            GoalOverlap(weight=3),
            DepartmentDistance(prefer="different", weight=2),
            StatedPreferences(),
            TextSimilarity(),
        ],
        constraints=[NotInReportingLine(depth=2), *constraints],
        min_score=min_score,
    )


def skills_training(
    *, min_score: RealLike = 0.0, constraints: Iterable[ConstraintLike] = ()
) -> Matcher:
    """Skills training: the same skill at a higher level, ideally two levels up.

    The skill gap weighs most (3): the mentor must be ahead in the skills the
    mentee wants to grow, ideally by two levels (close enough to remember the
    way, far enough to teach it). Goals (1) and stated preferences (1) follow.
    Department is left out: the skill may live anywhere. Nobody is trained by
    their own manager or manager's manager.

    Examples
    --------
    >>> skills_training()
    Matcher(criteria=[SkillGap(weight=3.0), GoalOverlap(), StatedPreferences()], constraints=[NotInReportingLine(depth=2)])
    """
    return Matcher(
        criteria=[SkillGap(ideal_gap=2, weight=3), GoalOverlap(), StatedPreferences()],
        constraints=[NotInReportingLine(depth=2), *constraints],
        min_score=min_score,
    )


def onboarding(*, min_score: RealLike = 0.0, constraints: Iterable[ConstraintLike] = ()) -> Matcher:
    """Onboarding buddies: someone close by in the organisation who knows the ropes.

    Closeness in the org tree weighs most (3): a newcomer needs someone who
    knows their unit's tools, people and habits. Goals (1) and bios (1)
    personalise the pair. The buddy is never the newcomer's own manager.

    Examples
    --------
    >>> onboarding()
    Matcher(criteria=[DepartmentDistance(prefer='same', weight=3.0), GoalOverlap(), TextSimilarity()], constraints=[NotInReportingLine(depth=1)])
    """
    return Matcher(
        criteria=[DepartmentDistance(prefer="same", weight=3), GoalOverlap(), TextSimilarity()],
        constraints=[NotInReportingLine(depth=1), *constraints],
        min_score=min_score,
    )


def reverse_mentoring(
    *, min_score: RealLike = 0.0, constraints: Iterable[ConstraintLike] = ()
) -> Matcher:
    """Reverse mentoring: a (usually junior) mentor teaches a senior mentee a new skill.

    The skill gap weighs most (3): the point is expertise the mentee lacks
    (digital tools, new markets, a generation's view). Distance in the org
    tree (2) brings a perspective from outside the mentee's unit, and goals
    (1) focus the pair. Reporting lines are excluded three levels deep, both
    ways: a senior leader is never taught by someone in their own line.

    Examples
    --------
    >>> reverse_mentoring()
    Matcher(criteria=[SkillGap(ideal_gap=1, weight=3.0), DepartmentDistance(weight=2.0), GoalOverlap()], constraints=[NotInReportingLine(depth=3)])
    """
    return Matcher(
        criteria=[
            SkillGap(ideal_gap=1, weight=3),
            DepartmentDistance(prefer="different", weight=2),
            GoalOverlap(),
        ],
        constraints=[NotInReportingLine(depth=3), *constraints],
        min_score=min_score,
    )


PRESETS: dict[str, Callable[..., Matcher]] = {
    "career_guidance": career_guidance,
    "onboarding": onboarding,
    "reverse_mentoring": reverse_mentoring,
    "skills_training": skills_training,
}


def preset(
    name: str, *, min_score: RealLike = 0.0, constraints: Iterable[ConstraintLike] = ()
) -> Matcher:
    """The preset matcher called ``name`` (see :data:`PRESETS`), with ``min_score`` and
    extra ``constraints`` as each preset takes them.

    Examples
    --------
    >>> preset("onboarding", min_score=0.2).min_score
    0.2
    >>> preset("speed_dating")
    Traceback (most recent call last):
    ...
    mentormatch._errors.MentormatchError: The 'name' parameter of preset must be one of 'career_guidance', 'onboarding', 'reverse_mentoring', 'skills_training'. Got 'speed_dating' instead.
    """
    check_option("preset", "name", name, tuple(PRESETS))
    return PRESETS[name](min_score=min_score, constraints=constraints)
