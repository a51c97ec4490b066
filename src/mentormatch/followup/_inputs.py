"""What :func:`~mentormatch.followup.plan` is given, checked: the pairs (a match result or
relationships) and the participants (private)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from mentormatch._errors import MentormatchError
from mentormatch._validation import shown
from mentormatch.io import Signups
from mentormatch.kpis import Relationship
from mentormatch.matching import Match, MatchResult
from mentormatch.participants import Mentee, Mentor

__all__ = ["plan_pairs", "plan_people"]


def plan_pairs(pairs: object, start: date | None) -> list[tuple[str, str, date]]:
    """``(mentee_id, mentor_id, start)`` per pair, checked."""
    if isinstance(pairs, MatchResult):
        items: Sequence[object] = pairs.matches
    elif isinstance(pairs, str | bytes | Mapping | Match | Relationship) or not isinstance(
        pairs, Iterable
    ):
        raise MentormatchError(
            "The 'pairs' parameter of plan must be a MatchResult or a list of relationships "
            f"(mentormatch.kpis.Relationship). Got {shown(pairs)} instead.",
            field="pairs",
            value=pairs,
        )
    else:
        items = list(pairs)
    out: list[tuple[str, str, date]] = []
    seen: dict[tuple[str, str], date] = {}
    for i, item in enumerate(items):
        if isinstance(item, Relationship):
            if start is not None:
                raise MentormatchError(
                    "The 'start' parameter of plan must be left out when 'pairs' are "
                    "relationships: each pair's plan starts on its own 'started' date",
                    field="start",
                    value=start,
                )
            begins = item.started
        elif isinstance(item, Match):
            if start is None:
                raise MentormatchError(
                    "The 'start' parameter of plan is missing: a match result has no start "
                    "dates; give start=, e.g. start='2026-01-12'",
                    field="start",
                )
            begins = start
        else:
            raise MentormatchError(
                f"The 'pairs' parameter of plan: item {i} must be a Match or a Relationship. "
                f"Got {shown(item)} instead.",
                field="pairs",
                value=item,
            )
        key = (item.mentee_id, item.mentor_id)
        if key in seen:
            raise MentormatchError(
                f"The 'pairs' parameter of plan holds the pair (mentee {key[0]!r}, mentor "
                f"{key[1]!r}) twice (starting {seen[key]} and {begins}); plan each relationship "
                "once, e.g. only the current one",
                field="pairs",
                participant_id=key[0],
            )
        seen[key] = begins
        out.append((key[0], key[1], begins))
    if isinstance(pairs, MatchResult) and start is None:
        raise MentormatchError(
            "The 'start' parameter of plan is missing: a match result has no start dates; "
            "give start=, e.g. start='2026-01-12'",
            field="start",
        )
    return out


def plan_people(participants: object) -> tuple[dict[str, Mentee], dict[str, Mentor]] | None:
    if participants is None:
        return None
    if isinstance(participants, Signups):
        people: list[object] = [*participants.mentees, *participants.mentors]
    elif isinstance(participants, str | bytes | Mapping) or not isinstance(participants, Iterable):
        raise MentormatchError(
            "The 'participants' parameter of plan must be Signups (mentormatch.read_signups) or "
            f"a list of Mentee and Mentor objects. Got {shown(participants)} instead.",
            field="participants",
            value=participants,
        )
    else:
        people = []
        for item in participants:
            if isinstance(item, Mentee | Mentor):
                people.append(item)
            elif isinstance(item, list | tuple):  # (mentees, mentors)
                people.extend(item)
            else:
                people.append(item)
    mentees: dict[str, Mentee] = {}
    mentors: dict[str, Mentor] = {}
    for person in people:
        if isinstance(person, Mentee):
            book: dict[str, Any] = mentees
            role = "mentee"
        elif isinstance(person, Mentor):
            book, role = mentors, "mentor"
        else:
            raise MentormatchError(
                "The 'participants' parameter of plan must hold Mentee and Mentor objects. "
                f"Got {shown(person)} instead.",
                field="participants",
                value=person,
            )
        if person.id in book:
            raise MentormatchError(
                f"The 'participants' parameter of plan holds {role} {person.id!r} twice; give "
                "each person once per role",
                field="participants",
                participant_id=person.id,
            )
        book[person.id] = person
    return mentees, mentors
