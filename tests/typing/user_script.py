"""A user's script, typed as a people analyst would write it.

CI checks it with ``mypy --strict`` (see ``.ci/run``), so that the public
API's signatures say what they accept and return; ``tests/test_typing.py``
runs it. It touches matching (with a criterion of the user's own), the
lifecycle, KPIs and surveys, through the names a user imports.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

import numpy as np
import pandas as pd
from numpy.typing import NDArray

import mentormatch as mm
from mentormatch import kpis, lifecycle, surveys


class SameLanguage:
    """A criterion of the user's own: no base class, a DataFrame for scores."""

    name = "language"
    weight = 2.0

    def score(self, mentees: Sequence[mm.Mentee], mentors: Sequence[mm.Mentor]) -> pd.DataFrame:
        mine = [e.attributes.get("language", "") for e in mentees]
        theirs = [m.attributes.get("language", "") for m in mentors]
        return pd.DataFrame([[float(a == b != "") for b in theirs] for a in mine])

    def explain(self, mentee: mm.Mentee, mentor: mm.Mentor, value: float) -> str:
        return "speaks your language" if value else "speaks another language"


class OnlyTrained:
    """A rule of the user's own."""

    name = "trained"

    def allowed(
        self, mentees: Sequence[mm.Mentee], mentors: Sequence[mm.Mentor]
    ) -> NDArray[np.bool_]:
        ok = np.array([m.attributes.get("trained", "yes") == "yes" for m in mentors], dtype=bool)
        out: NDArray[np.bool_] = np.tile(ok, (len(mentees), 1))
        return out

    def explain(self, mentee: mm.Mentee, mentor: mm.Mentor) -> str:
        return f"{mentor.id} has not completed mentor training"


def report_day(day: mm.DateLike) -> mm.DateLike:
    """A user's helper that takes any date-like, as every ``as_of`` does."""
    return day


def matching() -> mm.MatchResult:
    signups = mm.load_demo()
    mentees: tuple[mm.Mentee, ...] = signups.mentees
    mentors = pd.Series(list(signups.mentors))  # a pandas Series of mentors is taken too
    matcher = mm.Matcher(
        [mm.GoalOverlap(weight=np.int64(2)), mm.SkillGap(ideal_gap=2), SameLanguage()],
        [mm.NotInReportingLine(depth=2), OnlyTrained()],
        min_score=0.05,
    )
    result = matcher.match(mentees, mentors)
    best: Mapping[str, float] = result.matches[0].contributions
    reasons: tuple[str, ...] = result.matches[0].reasons
    assert sum(best.values()) > 0 and reasons
    why = result.explain(result.matches[0].mentee_id)
    runner: mm.Alternative | None = why.runner_up
    if runner is not None:
        print(runner.mentor_id, round(runner.score, 2), runner.why_not)
    frame: pd.DataFrame = result.to_dataframe()
    print(frame.shape, result.metadata.get("solver"))
    scores: mm.ScoreMatrix = matcher.score(mentees, mentors)
    print(scores.total.shape, dict(scores.shares))
    return result


def lifecycle_steps(result: mm.MatchResult) -> None:
    signups = mm.load_demo()
    matcher = mm.presets.career_guidance()
    first = result.matches[0]
    again = lifecycle.rematch(
        matcher, signups.mentees, signups.mentors, keep=result.matches[1:], exclude=[first]
    )
    change: lifecycle.MatchDiff = result.diff(again)
    print(f"cost {change.cost:.2f}", [c.summary() for c in change.changed][:2])
    lists = matcher.shortlist(signups.mentees, signups.mentors, k=3)
    print([entry.mentor_id for entry in lists.for_mentee(first.mentee_id)])


def programme_kpis() -> None:
    relationships = kpis.load_demo_relationships()
    as_of = date(2025, 6, 30)
    completion: kpis.Rate = kpis.completion_rate(relationships, as_of=as_of)
    low: float = completion.ci.low
    print(completion.summary(), low <= completion.value, report_day("2025-06-30"))
    for day in (report_day("2025-06-30"), pd.Timestamp("2025-06-30"), np.datetime64("2025-06-30")):
        assert kpis.completion_rate(relationships, as_of=day) == completion
    report = kpis.programme_report(relationships, as_of=as_of)
    print(report.summary().splitlines()[0])


def survey_scores() -> None:
    inst = surveys.Instrument(items=["q1", "q2", "q3", "q4"], scale=(1, 5), reverse=["q3"])
    answers = pd.DataFrame(
        {"q1": [4, 5, 3, 4], "q2": [4, 4, 2, 5], "q3": [2, 1, 4, 2], "q4": [5, 4, 3, 4]}
    )
    scored = inst.score(answers)
    alpha: surveys.Reliability = surveys.cronbach_alpha(scored.keyed)
    promoters: surveys.NPS = surveys.nps([10, 9, 7, 3, 10])
    print(f"alpha {alpha.alpha:.2f}", alpha.ci, f"NPS {promoters.score:.0f}")


def main() -> None:
    result = matching()
    lifecycle_steps(result)
    programme_kpis()
    survey_scores()


if __name__ == "__main__":
    main()
