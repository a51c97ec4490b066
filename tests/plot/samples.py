"""One realistic input for each plot function, built once: the demo programme."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import Any

import mentormatch as mm
from mentormatch import kpis, plot, surveys

AS_OF = date(2026, 3, 1)


@dataclass(frozen=True)
class Case:
    """A plot function with the data it draws (positional) and its options."""

    func: Callable[..., Any]
    args: tuple[Any, ...]
    kwargs: tuple[tuple[str, Any], ...] = ()

    def draw(self, **more: Any) -> Any:
        return self.func(*self.args, **dict(self.kwargs), **more)


def waits(n: int = 40, seed: int = 1) -> tuple[dict[str, date], dict[str, date]]:
    """Sign-up and match dates of ``n`` people, about three in four matched by AS_OF."""
    rng = random.Random(seed)
    signed: dict[str, date] = {}
    matched: dict[str, date] = {}
    for i in range(n):
        day = date(2025, 10, 1) + timedelta(days=rng.randrange(140))
        signed[f"p{i}"] = day
        if rng.random() < 0.75:
            matched[f"p{i}"] = day + timedelta(days=rng.randrange(50))
    return signed, matched


ITEMS = [
    [4, 5, 4, 4, 2],
    [3, 3, 2, 3, 5],
    [4, 4, 5, 4, 1],
    [2, 3, 2, 1, 4],
    [3, 4, 3, 5, 3],
    [3, 2, 3, 3, 2],
    [1, 2, 2, 2, 5],
    [5, 5, 4, 2, 1],
]


@cache
def cases() -> dict[str, Case]:
    signups = mm.load_demo()
    matcher = mm.presets.career_guidance()
    result = matcher.match(signups.mentees, signups.mentors)
    scores = matcher.score(signups.mentees, signups.mentors)
    rels = kpis.load_demo_relationships()
    report = kpis.programme_report(
        rels,
        as_of=AS_OF,
        match_result=result,
        by="department",
        targets={"completion_rate": 0.7, "early_termination_rate": 0.15, "match_rate": 0.9},
    )
    signed, matched = waits()
    assert report.cadence is not None
    return {
        "score_distribution": Case(plot.score_distribution, (result,)),
        "score_distribution_vs_all": Case(plot.score_distribution, (result, scores)),
        "score_distribution_matrix": Case(plot.score_distribution, (scores,)),
        "kpis_vs_targets": Case(plot.kpis_vs_targets, (report,)),
        "kpis_vs_targets_mapping": Case(
            plot.kpis_vs_targets,
            ({"match_rate": report.match, "completion_rate": report.completion},),
            (("targets", {"completion_rate": 0.7}),),
        ),
        "breakdown": Case(plot.breakdown, (report.breakdowns[0],)),
        "time_to_match": Case(plot.time_to_match, (signed, matched, AS_OF)),
        "meeting_cadence": Case(plot.meeting_cadence, (report.cadence,), (("target", 1.5),)),
        "reliability": Case(plot.reliability, (surveys.cronbach_alpha(ITEMS),)),
    }
