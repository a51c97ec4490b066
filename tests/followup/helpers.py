"""Shared builders for the follow-up tests: small programmes and their match results."""

from __future__ import annotations

from collections.abc import Sequence

import mentormatch as mm
from mentormatch.matching import Match, MatchResult


def result_of(pairs: Sequence[tuple[str, str]]) -> MatchResult:
    """A match result holding exactly these pairs (scores do not matter to a plan)."""
    matches = tuple(Match(e, m, 0.5, {"goal_overlap": 0.5}, ("",)) for e, m in pairs)
    return MatchResult(matches, (), 0.5 * len(matches))


def people(n: int) -> tuple[list[mm.Mentee], list[mm.Mentor]]:
    """n mentees and n mentors with goals and skills that overlap in varied ways."""
    goals = ["leadership", "SQL", "public speaking", "career growth", "kubernetes", "negotiation"]
    skills = ["python", "sql", "writing", "excel"]
    mentees = [
        mm.Mentee(
            id=f"e{i:03d}",
            name=f"Mentee {i}",
            goals=[goals[i % 6], goals[(i * 5 + 1) % 6]],
            skills={skills[i % 4]: 1 + i % 3, skills[(i + 1) % 4]: 2},
        )
        for i in range(n)
    ]
    mentors = [
        mm.Mentor(
            id=f"m{i:03d}",
            name=f"Mentor {i}",
            goals=[goals[(i + 1) % 6], goals[(i * 7) % 6], goals[(i + 3) % 6]],
            skills={skills[j]: 1 + (i + j) % 5 for j in range(4)},
        )
        for i in range(n)
    ]
    return mentees, mentors
