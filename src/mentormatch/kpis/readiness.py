"""Preparation: the share of mentors and mentees who were prepared (:func:`readiness`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from mentormatch._dates import DateLike
from mentormatch._errors import MentormatchError
from mentormatch._files.tables import normalise_column
from mentormatch._validation import fold, shown
from mentormatch._values import Value
from mentormatch.kpis.cohort import _day
from mentormatch.kpis.rates import NoDataError, Rate, proportion
from mentormatch.participants import Mentee, Mentor

__all__ = ["PREPARED", "Readiness", "readiness"]

#: The values that mean "prepared" (compared trimmed and case-folded); a date on or
#: before ``as_of`` means it too.
PREPARED: frozenset[str] = frozenset({"yes", "true", "1", "y", "done", "completed"})

#: The values that mean "not prepared (yet)"; an empty or absent attribute means it too.
NOT_PREPARED: frozenset[str] = frozenset({"no", "false", "0", "n", "not yet", "pending"})


@dataclass(frozen=True, eq=False)
class Readiness(Value):
    """The share of prepared mentors and of prepared mentees, each with its interval.

    Attributes
    ----------
    mentors, mentees : Rate or None
        ``None`` when nobody of that role was given.
    key : str
        The attribute that says whether someone was prepared.
    as_of : datetime.date
        The day a date in the attribute was compared with.
    """

    mentors: Rate | None
    mentees: Rate | None
    key: str = "trained"
    as_of: date | None = None

    def summary(self) -> str:
        """One line per role, e.g. ``"mentors prepared: 8/10 = 80.0% (...)"``."""
        lines = []
        for role, rate in (("mentors", self.mentors), ("mentees", self.mentees)):
            lines.append(f"{role} prepared: {'nobody given' if rate is None else rate}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()


def prepared(value: object, day: date, role: str, pid: str, key: str) -> bool:
    """Whether one attribute value means prepared on ``day``; an unknown value raises
    :class:`MentormatchError` naming the person and ``key``."""
    text = fold(str(value)) if value is not None else ""
    if not text or text in NOT_PREPARED:
        return False
    if text in PREPARED:
        return True
    try:
        when = date.fromisoformat(text)
    except ValueError:
        raise MentormatchError(
            f"{role} {pid!r}: {key} {shown(value)} is neither yes/no nor a date; write yes, no, or the "
            "day the preparation was completed (YYYY-MM-DD)",
            field=key,
            participant_id=pid,
            value=value,
        ) from None
    return when <= day


def _people(participants: object) -> tuple[list[Mentee], list[Mentor]]:
    if isinstance(participants, (str, bytes, Mapping)) or not isinstance(participants, Iterable):
        raise MentormatchError(
            "The 'participants' parameter of readiness must be Signups (read_signups) or a list "
            f"of Mentee and Mentor objects. Got {shown(participants)} instead.",
            field="participants",
            value=participants,
        )
    mentees: list[Mentee] = []
    mentors: list[Mentor] = []
    stack: list[Any] = list(participants)
    while stack:
        item = stack.pop(0)
        if isinstance(item, Mentee):
            mentees.append(item)
        elif isinstance(item, Mentor):
            mentors.append(item)
        elif isinstance(item, (list, tuple)):  # Signups is (mentees, mentors)
            stack[:0] = list(item)
        else:
            raise MentormatchError(
                "The 'participants' parameter of readiness must hold Mentee and Mentor objects. "
                f"Got {shown(item)} instead.",
                field="participants",
                value=item,
            )
    return mentees, mentors


def readiness(
    participants: Any,
    key: str = "trained",
    *,
    as_of: DateLike | None = None,
    confidence: float = 0.95,
    method: str = "wilson",
) -> Readiness:
    """The share of mentors and of mentees who completed their preparation.

    Someone is prepared when their attribute ``key`` is ``yes``, ``true``,
    ``1``, ``y``, ``done`` or ``completed`` (trimmed, any case), or a date
    (YYYY-MM-DD) on or before ``as_of``. ``no``, ``false``, ``0``, ``n``,
    ``not yet``, ``pending``, an empty value or no such attribute mean not
    prepared; any other value is an error naming the person, so that nobody is
    counted on a guess.

    Parameters
    ----------
    participants : Signups or iterable of Mentee and Mentor
        Everyone in the programme (matched or not).
    key : str, default "trained"
        The attribute (a sign-ups column goes into ``attributes``), matched as
        written or as a column name is normalised (``Trained`` -> ``trained``).
    as_of : date-like, optional
        The day a date is compared with (default today).
    confidence, method
        As for :func:`proportion`.

    Returns
    -------
    Readiness
        A frozen value that pickles; a role with nobody in it is ``None``.
        Nobody at all raises :class:`~mentormatch.kpis.NoDataError`.

    Examples
    --------
    >>> from mentormatch import Mentee, Mentor
    >>> people = [Mentor(id="m1", attributes={"trained": "yes"}),
    ...           Mentor(id="m2", attributes={"trained": "2026-02-01"}),
    ...           Mentor(id="m3"), Mentee(id="e1", attributes={"trained": "no"})]
    >>> r = readiness(people, as_of="2026-01-15")
    >>> print(r.mentors)
    1/3 = 33.3% (95% CI 6.1%–79.2%, Wilson)
    >>> r.mentees.numerator, readiness(people, as_of="2026-03-01").mentors.numerator
    (0, 2)
    """
    if not isinstance(key, str) or not key.strip():
        raise MentormatchError(
            f"The 'key' parameter of readiness must be an attribute's name. Got {shown(key)} "
            "instead.",
            field="key",
            value=key,
        )
    day = _day(as_of)
    mentees, mentors = _people(participants)
    if not mentees and not mentors:
        raise NoDataError(
            "readiness needs at least one participant; pass the sign-ups", field="participants"
        )
    names = (key, key.strip(), normalise_column(key))

    def rate(people: list[Mentee] | list[Mentor], role: str) -> Rate | None:
        if not people:
            return None
        k = 0
        for person in people:
            value = next((person.attributes[n] for n in names if n in person.attributes), None)
            k += prepared(value, day, role, person.id, key)
        return proportion(k, len(people), confidence, method)

    return Readiness(rate(mentors, "mentor"), rate(mentees, "mentee"), key, day)
