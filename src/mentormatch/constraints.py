"""Hard rules: boolean "allowed" masks over all mentee-mentor pairs.

A constraint is any object with a ``name`` and two methods:
``allowed(mentees, mentors) -> ndarray[bool]`` of shape
``(n_mentees, n_mentors)`` (vectorised, like criteria) and
``explain(mentee, mentor) -> str``, one sentence saying why that pair is
refused. Refused pairs are never made; a mentee whom the rules leave with no
mentor comes back in ``MatchResult.unmatched`` with the reason.

A rule may also offer ``encode(mentees, mentors) -> EncodedRule``: its
refusals in one programme, once, as index pairs, required columns or a
function of blocks. Both solver paths call it when present (the built-ins
all have it) and fall back to ``allowed`` otherwise, so a rule written
outside the package holds on every path, encoded or not. A rule may set
``thread_safe = True`` when its ``allowed`` (or encoded block function) may be
called from several threads at once; the large path then scores in parallel.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
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
    "EncodedRule",
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


#: ``block(rows, cols)``: booleans of the mentees at ``rows`` against the mentors at
#: ``cols`` (all mentors when ``cols`` is None), True where the pair is allowed.
BlockRule = Callable[[NDArray[np.intp], "NDArray[np.intp] | None"], ArrayLike]

_Index = NDArray[np.intp]


def _positions(axis: _Index, values: _Index) -> tuple[_Index, NDArray[np.bool_]]:
    """Where each of ``values`` stands in ``axis`` (distinct indices), and whether it does."""
    if axis.size == 0:
        return np.zeros(values.size, dtype=np.intp), np.zeros(values.size, dtype=bool)
    order = np.argsort(axis, kind="stable")
    k = np.minimum(np.searchsorted(axis[order], values), axis.size - 1)
    return order[k], axis[order][k] == values


@dataclass(frozen=True, eq=False)
class EncodedRule:
    """A rule's refusals in one programme, encoded once, in the form cheapest to apply.

    Give exactly one of the three; the solver paths apply it to blocks of
    mentee rows without building the full ``(n_mentees, n_mentors)`` mask
    (except where they need it).

    Attributes
    ----------
    refused : (ndarray of int, ndarray of int), optional
        ``(rows, cols)`` of the refused pairs, for a rule that refuses few
        pairs (a veto list, a reporting line).
    required : ndarray of int, shape (n_mentees,), optional
        For each mentee row, the only mentor column it may have, or -1 where
        the rule does not restrict the mentee.
    block : callable, optional
        ``block(rows, cols) -> booleans`` of shape ``(len(rows), len(cols))``
        (``cols`` None: all mentors), True where allowed; for a rule that
        compares the two people (same language, different department).

    Examples
    --------
    >>> import numpy as np
    >>> rule = EncodedRule(refused=(np.array([0]), np.array([1])))
    >>> rule.mask(np.arange(2), None, n_mentors=2)
    array([[ True, False],
           [ True,  True]])
    >>> EncodedRule(required=np.array([-1, 0])).mask(np.arange(2), None, n_mentors=2)
    array([[ True,  True],
           [ True, False]])
    """

    refused: tuple[_Index, _Index] | None = None
    required: _Index | None = None
    block: BlockRule | None = None

    def __post_init__(self) -> None:
        given = sum(x is not None for x in (self.refused, self.required, self.block))
        if given != 1:
            raise MentormatchError(
                f"EncodedRule takes exactly one of refused=, required= or block=; got {given}",
                field="encode",
            )

    def mask(self, rows: _Index, cols: _Index | None, *, n_mentors: int) -> NDArray[np.bool_]:
        """The allowed pairs of a block (``cols`` None: all ``n_mentors`` mentors).

        A ``block`` rule's answer is returned as given: the caller checks it.
        """
        width = n_mentors if cols is None else len(cols)
        if self.block is not None:
            return np.asarray(self.block(rows, cols))
        out = np.ones((len(rows), width), dtype=bool)
        if self.refused is not None:
            r, c = (np.asarray(x, dtype=np.intp) for x in self.refused)
            at_r, in_r = _positions(rows, r)
            if cols is None:
                at_c, in_c = c, (c >= 0) & (c < n_mentors)
            else:
                at_c, in_c = _positions(np.asarray(cols, dtype=np.intp), c)
            hit = in_r & in_c
            out[at_r[hit], at_c[hit]] = False
        if self.required is not None:
            req = self.required[rows]
            fixed = np.flatnonzero(req >= 0)
            if fixed.size:
                target = req[fixed]
                if cols is None:
                    keep_ = np.zeros((fixed.size, width), dtype=bool)
                    keep_[np.arange(fixed.size), target] = True
                else:
                    keep_ = np.asarray(cols)[None, :] == target[:, None]
                out[fixed] &= keep_
        return out


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


def _pair_arrays(pairs: Iterable[tuple[int, int]]) -> tuple[_Index, _Index]:
    got = sorted(set(pairs))
    if not got:
        return np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.intp)
    r, c = np.array(got, dtype=np.intp).T
    return r, c


def _mask(
    rule: _Encodes, mentees: Sequence[Mentee], mentors: Sequence[Mentor]
) -> NDArray[np.bool_]:
    """A built-in rule's ``allowed``: its own encoding, applied to the whole programme."""
    enc = rule.encode(mentees, mentors)
    return enc.mask(np.arange(len(mentees), dtype=np.intp), None, n_mentors=len(mentors))


class _Encodes(Protocol):
    def encode(self, mentees: Sequence[Mentee], mentors: Sequence[Mentor]) -> EncodedRule: ...


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
    thread_safe = True

    def __init__(self, pairs: Iterable[tuple[str, str]]) -> None:
        self.pairs = _pairs("ForbidPairs", pairs)

    def encode(self, mentees: Sequence[Mentee], mentors: Sequence[Mentor]) -> EncodedRule:
        """The listed pairs present in the programme, as index pairs."""
        ie, im = _index(mentees), _index(mentors)
        return EncodedRule(
            refused=_pair_arrays((ie[e], im[m]) for e, m in self.pairs if e in ie and m in im)
        )

    def allowed(self, mentees: Sequence[Mentee], mentors: Sequence[Mentor]) -> NDArray[np.bool_]:
        """False for each listed pair present in the programme."""
        return _mask(self, mentees, mentors)

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
    thread_safe = True

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

    def encode(self, mentees: Sequence[Mentee], mentors: Sequence[Mentor]) -> EncodedRule:
        """Each listed mentee's required mentor column (-1 for the others).

        Raises
        ------
        MentormatchError
            A listed mentee or mentor is not in the programme.
        """
        ie, im = _index(mentees), _index(mentors)
        required = np.full(len(mentees), -1, dtype=np.intp)
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
            required[ie[e]] = im[m]
        return EncodedRule(required=required)

    def allowed(self, mentees: Sequence[Mentee], mentors: Sequence[Mentor]) -> NDArray[np.bool_]:
        """For a listed mentee, only the required mentor's column is True."""
        return _mask(self, mentees, mentors)

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
    thread_safe = True

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

    def encode(self, mentees: Sequence[Mentee], mentors: Sequence[Mentor]) -> EncodedRule:
        """The pairs within ``depth`` levels of one reporting line, as index pairs.

        Keeps the programme's manager chains, so that :meth:`explain` can name
        a manager's manager who is not one of the two people asked about.
        """
        _, chains = self._chains(mentees, mentors)
        self._chains_seen = chains
        ie, im = _index(mentees), _index(mentors)
        pairs = [(ie[e.id], im[a]) for e in mentees for a in chains[e.id] if a in im]
        pairs += [(ie[a], im[t.id]) for t in mentors for a in chains[t.id] if a in ie]
        return EncodedRule(refused=_pair_arrays(pairs))

    def allowed(self, mentees: Sequence[Mentee], mentors: Sequence[Mentor]) -> NDArray[np.bool_]:
        """False where one is the other's manager within ``depth`` levels."""
        return _mask(self, mentees, mentors)

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

    thread_safe = True

    def encode(self, mentees: Sequence[Mentee], mentors: Sequence[Mentor]) -> EncodedRule:
        """Codes of the attribute on one scale; a block compares them."""
        ce, cm = attribute_codes(self.key, mentees, mentors)

        def same(rows: _Index, cols: _Index | None) -> NDArray[np.bool_]:
            a = ce[rows][:, None]
            b = (cm if cols is None else cm[cols])[None, :]
            return np.asarray((a == b) & (a >= 0), dtype=bool)

        return EncodedRule(block=same)

    def allowed(self, mentees: Sequence[Mentee], mentors: Sequence[Mentor]) -> NDArray[np.bool_]:
        """True where both have the attribute with equal values."""
        return _mask(self, mentees, mentors)

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
    thread_safe = True

    def __init__(self, level: WholeLike = 1) -> None:
        self.level = check_int("DifferentDepartment", "level", level, minimum=1)

    def _prefix(self, department: str) -> str:
        return "/".join(department_path(department)[: self.level])

    def encode(self, mentees: Sequence[Mentee], mentors: Sequence[Mentor]) -> EncodedRule:
        """Codes of the departments' first ``level`` parts; a block compares them."""
        prefixes = [self._prefix(p.department) for p in (*mentees, *mentors)]
        uniq = {v: i for i, v in enumerate(sorted(set(prefixes)))}
        code = np.array([uniq[v] if v else -1 for v in prefixes], dtype=np.intp)
        ce, cm = code[: len(mentees)], code[len(mentees) :]

        def different(rows: _Index, cols: _Index | None) -> NDArray[np.bool_]:
            a = ce[rows][:, None]
            b = (cm if cols is None else cm[cols])[None, :]
            return np.asarray((a != b) & (a >= 0) & (b >= 0), dtype=bool)

        return EncodedRule(block=different)

    def allowed(self, mentees: Sequence[Mentee], mentors: Sequence[Mentor]) -> NDArray[np.bool_]:
        """True where both departments are known and differ at ``level``."""
        return _mask(self, mentees, mentors)

    def explain(self, mentee: Mentee, mentor: Mentor) -> str:
        """Why the pair is refused."""
        if not mentee.department.strip() or not mentor.department.strip():
            return "a department is unknown, so it cannot be shown to be different"
        return f"{mentor.id!r} works in your own department ({mentor.department.strip()})"

    def __repr__(self) -> str:
        return f"DifferentDepartment(level={self.level})"
