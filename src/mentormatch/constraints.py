"""Hard rules: boolean "allowed" masks over all mentee-mentor pairs.

A constraint is any object with a ``name`` and two methods:
``allowed(mentees, mentors) -> ndarray[bool]`` of shape
``(n_mentees, n_mentors)`` (vectorised, like criteria) and
``explain(mentee, mentor) -> str``, one sentence saying why that pair is
refused. Refused pairs are never made; a mentee whom the rules leave with no
mentor comes back in ``MatchResult.unmatched`` with the reason.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol, runtime_checkable

import numpy as np
from numpy.typing import ArrayLike, NDArray

from mentormatch._errors import MentormatchError
from mentormatch._require import RequireAttribute as RequireAttribute
from mentormatch._validation import WholeLike, check_int, shown
from mentormatch.criteria.attributes import attribute_codes
from mentormatch.criteria.departments import department_path
from mentormatch.participants import Mentee, Mentor, manager_map

__all__ = [
    "ConstraintLike",
    "DifferentDepartment",
    "ForbidPairs",
    "NotInReportingLine",
    "RequirePairs",
    "SameAttribute",
]


@runtime_checkable
class ConstraintLike(Protocol):
    """The shape every constraint has; user classes need not inherit anything.

    ``name`` may be a plain attribute or a property; ``allowed`` may return
    any array-like of booleans (a numpy array, nested lists, a DataFrame of
    booleans); the :class:`~mentormatch.Matcher` checks it.
    """

    @property
    def name(self) -> str:
        """The label in reasons."""
        ...

    def allowed(self, mentees: Sequence[Mentee], mentors: Sequence[Mentor]) -> ArrayLike:
        """Booleans, shape ``(len(mentees), len(mentors))``; False refuses the pair."""
        ...

    def explain(self, mentee: Mentee, mentor: Mentor) -> str:
        """Why this pair is refused, in one sentence."""
        ...


def _pairs(owner: str, pairs: Iterable[tuple[str, str]]) -> frozenset[tuple[str, str]]:
    def bad(p: object) -> MentormatchError:
        return MentormatchError(
            f"{owner} takes (mentee_id, mentor_id) pairs; got {shown(p)}. "
            "Write pairs as tuples, e.g. [('e1', 'm3')].",
            field="pairs",
            value=p,
        )

    if isinstance(pairs, str | bytes) or not isinstance(pairs, Iterable):
        raise bad(pairs)
    out = []
    for p in pairs:
        if isinstance(p, str | bytes) or not isinstance(p, Iterable):
            raise bad(p)
        items = tuple(p)
        if len(items) != 2:
            raise bad(p)
        a, b = items
        out.append((str(a), str(b)))
    return frozenset(out)


def _index(people: Sequence[Mentee] | Sequence[Mentor]) -> dict[str, int]:
    return {p.id: i for i, p in enumerate(people)}


class ForbidPairs:
    """Never make these pairs (an administrator's veto, a past pair that did not work).

    Parameters
    ----------
    pairs : iterable of (mentee_id, mentor_id)
        Pairs naming people not in the programme have no effect.

    Examples
    --------
    >>> from mentormatch import ForbidPairs, Mentee, Mentor
    >>> rule = ForbidPairs([("e1", "m1")])
    >>> rule.allowed([Mentee(id="e1")], [Mentor(id="m1"), Mentor(id="m2")])
    array([[False,  True]])
    >>> rule.explain(Mentee(id="e1"), Mentor(id="m1"))
    'this pair is on the list of forbidden pairs'
    """

    name = "forbidden_pairs"

    def __init__(self, pairs: Iterable[tuple[str, str]]) -> None:
        self.pairs = _pairs("ForbidPairs", pairs)

    def allowed(self, mentees: Sequence[Mentee], mentors: Sequence[Mentor]) -> NDArray[np.bool_]:
        """False for each listed pair present in the programme."""
        out = np.ones((len(mentees), len(mentors)), dtype=bool)
        ie, im = _index(mentees), _index(mentors)
        for e, m in self.pairs:
            if e in ie and m in im:
                out[ie[e], im[m]] = False
        return out

    def explain(self, mentee: Mentee, mentor: Mentor) -> str:
        """Why the pair is refused."""
        return "this pair is on the list of forbidden pairs"

    def __repr__(self) -> str:
        return f"ForbidPairs({sorted(self.pairs)!r})"


class RequirePairs:
    """Fix these pairs: a listed mentee may only be matched with the listed mentor.

    Parameters
    ----------
    pairs : iterable of (mentee_id, mentor_id)
        At most one mentor per mentee. Both ids must be in the programme;
        a required pair that another rule refuses leaves the mentee
        unmatched, with the reason.

    Examples
    --------
    >>> from mentormatch import Mentee, Mentor, RequirePairs
    >>> rule = RequirePairs([("e1", "m2")])
    >>> rule.allowed([Mentee(id="e1"), Mentee(id="e2")], [Mentor(id="m1"), Mentor(id="m2")])
    array([[False,  True],
           [ True,  True]])
    """

    name = "required_pairs"

    def __init__(self, pairs: Iterable[tuple[str, str]]) -> None:
        self.pairs = _pairs("RequirePairs", pairs)
        self._required: dict[str, str] = {}
        for e, m in sorted(self.pairs):
            if e in self._required:
                raise MentormatchError(
                    f"RequirePairs: mentee {e!r} is required with both {self._required[e]!r} and "
                    f"{m!r}; keep one",
                    field="pairs",
                    participant_id=e,
                )
            self._required[e] = m

    def allowed(self, mentees: Sequence[Mentee], mentors: Sequence[Mentor]) -> NDArray[np.bool_]:
        """For a listed mentee, only the required mentor's column is True."""
        out = np.ones((len(mentees), len(mentors)), dtype=bool)
        ie, im = _index(mentees), _index(mentors)
        for e, m in self._required.items():
            if e not in ie:
                raise MentormatchError(
                    f"RequirePairs names mentee {e!r}, who is not in this programme; "
                    "remove the pair or add the mentee",
                    field="pairs",
                    participant_id=e,
                )
            if m not in im:
                raise MentormatchError(
                    f"RequirePairs names mentor {m!r} for mentee {e!r}, but that mentor is not "
                    "in this programme; remove the pair or add the mentor",
                    field="pairs",
                    participant_id=m,
                )
            out[ie[e], :] = False
            out[ie[e], im[m]] = True
        return out

    def explain(self, mentee: Mentee, mentor: Mentor) -> str:
        """Why the pair is refused."""
        return f"you are required to be matched with {self._required.get(mentee.id)!r}"

    def __repr__(self) -> str:
        return f"RequirePairs({sorted(self.pairs)!r})"


class NotInReportingLine:
    """No pair within ``depth`` levels of one reporting line, in either direction.

    Parameters
    ----------
    depth : int, default 2
        1 refuses a mentor who is the mentee's manager; 2 also the manager's
        manager; and so on. The same holds the other way round (a mentee who
        manages the mentor), so reverse mentoring never pairs a manager with
        their own report.

    Notes
    -----
    The manager chain follows ``manager_id`` across both roles (a manager
    who signed up as mentee or mentor, or who appears only as someone's
    ``manager_id``). Each person's chain is walked once, ``depth`` steps, so
    the work is linear in the number of participants, not of pairs.

    Examples
    --------
    >>> from mentormatch import Mentee, Mentor, NotInReportingLine
    >>> e = [Mentee(id="e1", manager_id="boss")]
    >>> m = [Mentor(id="boss", manager_id="ceo"), Mentor(id="ceo"), Mentor(id="m3")]
    >>> rule = NotInReportingLine()
    >>> rule.allowed(e, m)
    array([[False, False,  True]])
    >>> NotInReportingLine(depth=1).allowed(e, m)
    array([[False,  True,  True]])
    >>> rule.explain(e[0], m[1])
    "'ceo' is your manager's manager"
    """

    name = "reporting_line"

    def __init__(self, depth: WholeLike = 2) -> None:
        self.depth = check_int("NotInReportingLine", "depth", depth, minimum=1)
        # the chains of the last programme seen by allowed(), so that explain()
        # can name a manager's manager who is not one of the two people asked about
        self._chains_seen: dict[str, list[str]] = {}

    def _chains(
        self, mentees: Sequence[Mentee], mentors: Sequence[Mentor]
    ) -> tuple[dict[str, str], dict[str, list[str]]]:
        managers = manager_map(mentees, mentors)
        chains: dict[str, list[str]] = {}
        for p in (*mentees, *mentors):
            chain: list[str] = []
            node = managers.get(p.id)
            while node is not None and len(chain) < self.depth and node not in chain:
                chain.append(node)
                node = managers.get(node)
            chains[p.id] = chain
        return managers, chains

    def allowed(self, mentees: Sequence[Mentee], mentors: Sequence[Mentor]) -> NDArray[np.bool_]:
        """False where one is the other's manager within ``depth`` levels."""
        _, chains = self._chains(mentees, mentors)
        self._chains_seen = chains
        out = np.ones((len(mentees), len(mentors)), dtype=bool)
        ie, im = _index(mentees), _index(mentors)
        for e in mentees:
            cols = [im[a] for a in chains[e.id] if a in im]
            out[ie[e.id], cols] = False
        for m in mentors:
            rows = [ie[a] for a in chains[m.id] if a in ie]
            out[rows, im[m.id]] = False
        return out

    def explain(self, mentee: Mentee, mentor: Mentor) -> str:
        """Name the reporting relation."""
        _, chains = self._chains([mentee], [mentor])
        for pid in (mentee.id, mentor.id):
            if len(self._chains_seen.get(pid, ())) > len(chains[pid]):
                chains[pid] = self._chains_seen[pid]
        titles = ["manager", "manager's manager"] + [
            "manager" + "'s manager" * k for k in range(2, self.depth)
        ]
        if mentor.id in chains[mentee.id]:
            return f"{mentor.id!r} is your {titles[chains[mentee.id].index(mentor.id)]}"
        if mentee.id in chains[mentor.id]:
            return f"you are {mentor.id!r}'s {titles[chains[mentor.id].index(mentee.id)]}"
        return "you are in the same reporting line"

    def __repr__(self) -> str:
        return f"NotInReportingLine(depth={self.depth})"


class SameAttribute:
    """Only pair people who share an attribute value (same location, same language).

    Parameters
    ----------
    key : str
        The attribute; values are compared trimmed and case-folded. A pair
        where either value is missing is refused (it cannot be shown to match).

    Examples
    --------
    >>> from mentormatch import Mentee, Mentor, SameAttribute
    >>> e = [Mentee(id="e1", attributes={"language": "German"})]
    >>> m = [Mentor(id="m1", attributes={"language": "german"}), Mentor(id="m2")]
    >>> SameAttribute("language").allowed(e, m)
    array([[ True, False]])
    >>> SameAttribute("language").explain(e[0], m[1])
    "'m2' has no language recorded"
    """

    def __init__(self, key: str) -> None:
        if not isinstance(key, str) or not key.strip():
            raise MentormatchError(
                "The 'key' parameter of SameAttribute must be a non-empty string. "
                f"Got {shown(key)} instead.",
                field="key",
                value=key,
            )
        self.key = key
        self.name = f"same_{key}"

    def allowed(self, mentees: Sequence[Mentee], mentors: Sequence[Mentor]) -> NDArray[np.bool_]:
        """True where both have the attribute with equal values."""
        ce, cm = attribute_codes(self.key, mentees, mentors)
        return np.asarray((ce[:, None] == cm[None, :]) & (ce[:, None] >= 0), dtype=bool)

    def explain(self, mentee: Mentee, mentor: Mentor) -> str:
        """Why the pair is refused."""
        mine, theirs = mentee.attributes.get(self.key, ""), mentor.attributes.get(self.key, "")
        if not mine.strip():
            return f"you have no {self.key} recorded"
        if not theirs.strip():
            return f"{mentor.id!r} has no {self.key} recorded"
        return f"different {self.key} ({theirs.strip()}, yours is {mine.strip()})"

    def __repr__(self) -> str:
        return f"SameAttribute({self.key!r})"


class DifferentDepartment:
    """Only pair people from different departments, compared at the first ``level`` parts.

    Parameters
    ----------
    level : int, default 1
        1 compares top-level units (``Engineering`` vs ``Sales``); 2 the
        second level (``Engineering/Platform`` vs ``Engineering/Apps`` differ).
        A pair where either department is empty is refused: it cannot be
        shown to be different.

    Examples
    --------
    >>> from mentormatch import DifferentDepartment, Mentee, Mentor
    >>> e = [Mentee(id="e1", department="Engineering/Platform")]
    >>> m = [Mentor(id="m1", department="Engineering/Apps"), Mentor(id="m2", department="Sales")]
    >>> DifferentDepartment().allowed(e, m)
    array([[False,  True]])
    >>> DifferentDepartment(level=2).allowed(e, m)
    array([[ True,  True]])
    """

    name = "different_department"

    def __init__(self, level: WholeLike = 1) -> None:
        self.level = check_int("DifferentDepartment", "level", level, minimum=1)

    def _prefix(self, department: str) -> str:
        return "/".join(department_path(department)[: self.level])

    def allowed(self, mentees: Sequence[Mentee], mentors: Sequence[Mentor]) -> NDArray[np.bool_]:
        """True where both departments are known and differ at ``level``."""
        prefixes = [self._prefix(p.department) for p in (*mentees, *mentors)]
        uniq = {v: i for i, v in enumerate(sorted(set(prefixes)))}
        c = np.array([uniq[v] if v else -1 for v in prefixes], dtype=np.intp)
        ce, cm = c[: len(mentees)], c[len(mentees) :]
        return np.asarray(
            (ce[:, None] != cm[None, :]) & (ce[:, None] >= 0) & (cm[None, :] >= 0), dtype=bool
        )

    def explain(self, mentee: Mentee, mentor: Mentor) -> str:
        """Why the pair is refused."""
        if not mentee.department.strip() or not mentor.department.strip():
            return "a department is unknown, so it cannot be shown to be different"
        return f"{mentor.id!r} works in your own department ({mentor.department.strip()})"

    def __repr__(self) -> str:
        return f"DifferentDepartment(level={self.level})"
