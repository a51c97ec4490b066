"""Stand-ins for a match result, for the KPIs that read one (``match_rate``,
``mentor_utilisation``, the report): they need only ``matches`` (mentee, mentor,
score) and ``unmatched`` (mentee, reason), whatever made them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class StandInMatch:
    mentee_id: str
    mentor_id: str
    score: float


@dataclass(frozen=True)
class StandInUnmatched:
    mentee_id: str
    reason: str


@dataclass(frozen=True)
class StandInResult:
    matches: tuple[StandInMatch, ...]
    unmatched: tuple[StandInUnmatched, ...]
