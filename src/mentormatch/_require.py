"""The hard rule :class:`RequireAttribute`: only people with an attribute value may be
matched (a mentor who was prepared, a mentee who signed the agreement).

Re-exported as ``mentormatch.RequireAttribute`` and from :mod:`mentormatch.constraints`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
from numpy.typing import NDArray

from mentormatch._errors import MentormatchError
from mentormatch._validation import check_option, fold, shown
from mentormatch.participants import Mentee, Mentor

__all__ = ["ROLES", "RequireAttribute"]

#: Whose attribute :class:`RequireAttribute` looks at.
ROLES = ("mentor", "mentee", "both")


class RequireAttribute:
    """Only match people whose attribute ``key`` holds one of ``values``.

    With ``role="mentor"`` (the default) a mentor without it is never matched,
    so a programme can match only prepared mentors
    (``RequireAttribute("trained")``); a mentee whom the rule leaves with no
    mentor comes back unmatched, with a reason that names the attribute.

    Parameters
    ----------
    key : str
        The attribute (a sign-ups column goes into ``attributes``).
    values : iterable of str, default ("yes",)
        The values that pass, compared trimmed and case-folded. An absent or
        empty attribute never passes.
    role : {"mentor", "mentee", "both"}, default "mentor"
        Whose attribute must hold it.

    Notes
    -----
    :func:`mentormatch.kpis.readiness` also counts a date of completion as
    prepared; this rule compares values only, so list the ones your data use
    (``values=("yes", "true", "1")``).

    Examples
    --------
    >>> from mentormatch import Mentee, Mentor, RequireAttribute
    >>> rule = RequireAttribute("trained")
    >>> tors = [Mentor(id="m1", attributes={"trained": "Yes"}), Mentor(id="m2")]
    >>> rule.allowed([Mentee(id="e1"), Mentee(id="e2")], tors)
    array([[ True, False],
           [ True, False]])
    >>> rule.explain(Mentee(id="e1"), tors[1])
    "'m2' has no trained recorded (needed: yes)"
    """

    def __init__(self, key: str, values: Iterable[str] = ("yes",), role: str = "mentor") -> None:
        if not isinstance(key, str) or not key.strip():
            raise MentormatchError(
                "The 'key' parameter of RequireAttribute must be a non-empty string. "
                f"Got {shown(key)} instead.",
                field="key",
                value=key,
            )
        if isinstance(values, str | bytes) or not isinstance(values, Iterable):
            raise MentormatchError(
                "The 'values' parameter of RequireAttribute must be a list of text values, "
                f"e.g. ('yes',). Got {shown(values)} instead.",
                field="values",
                value=values,
            )
        given = tuple(values)
        bad = [v for v in given if not isinstance(v, str) or not v.strip()]
        if bad or not given:
            raise MentormatchError(
                "The 'values' parameter of RequireAttribute must hold at least one non-empty "
                f"text value. Got {shown(bad[0] if bad else given)} instead.",
                field="values",
                value=values,
            )
        self.key = key
        self.values = tuple(dict.fromkeys(" ".join(v.split()) for v in given))
        self.role = check_option("RequireAttribute", "role", role, ROLES)
        self.name = f"require_{key}"
        self._passing = frozenset(fold(v) for v in self.values)

    def _passes(self, people: Sequence[Mentee] | Sequence[Mentor]) -> NDArray[np.bool_]:
        passing = self._passing
        return np.fromiter(
            (fold(p.attributes.get(self.key, "")) in passing for p in people),
            dtype=bool,
            count=len(people),
        )

    def allowed(self, mentees: Sequence[Mentee], mentors: Sequence[Mentor]) -> NDArray[np.bool_]:
        """True where the person (or both) of ``role`` holds one of ``values``."""
        rows = self._passes(mentees) if self.role != "mentor" else np.ones(len(mentees), dtype=bool)
        cols = self._passes(mentors) if self.role != "mentee" else np.ones(len(mentors), dtype=bool)
        return np.asarray(rows[:, None] & cols[None, :], dtype=bool)

    def _needed(self) -> str:
        return " or ".join(self.values)

    def _why(self, person: Mentee | Mentor, who: str, has: str) -> str | None:
        value = " ".join(person.attributes.get(self.key, "").split())
        if fold(value) in self._passing:
            return None
        if not value:
            return f"{who} {has} no {self.key} recorded (needed: {self._needed()})"
        return f"{who} {has} {self.key} {value!r} (needed: {self._needed()})"

    def explain(self, mentee: Mentee, mentor: Mentor) -> str:
        """Why the pair is refused: whose ``key`` is missing or does not pass."""
        if self.role != "mentor":
            why = self._why(mentee, "you", "have")
            if why is not None:
                return why
        if self.role != "mentee":
            why = self._why(mentor, repr(mentor.id), "has")
            if why is not None:
                return why
        return f"both need {self.key} {self._needed()}"  # pragma: no cover - only if allowed

    def __repr__(self) -> str:
        return f"RequireAttribute({self.key!r}, values={self.values!r}, role={self.role!r})"
