"""Hard rules as both paths apply them: each rule's own encoding, or its ``allowed``.

:func:`encode_rules` asks every rule for its :class:`~mentormatch.constraints.EncodedRule`
through the public hook ``encode(mentees, mentors)``; a rule without one is
asked ``allowed`` about each block instead (so it must decide a pair from the
two people alone). Nothing here reads a rule's private state or checks where
its class was defined. The rule that nobody is matched with themself,
:class:`NotYourself`, is one rule among the others.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike, NDArray

from mentormatch._errors import MentormatchError
from mentormatch._scoring.checks import SELF_RULE, check_mask, thread_safe
from mentormatch._validation import shown
from mentormatch.constraints import ConstraintLike, EncodedRule
from mentormatch.participants import Mentee, Mentor

__all__ = ["NotYourself", "RuleBlocks", "all_thread_safe", "encode_rules"]

_Int = NDArray[np.intp]


class NotYourself:
    """A person in both roles is never matched with themself (always applied, never listed).

    Examples
    --------
    >>> import mentormatch as mm
    >>> rule = NotYourself()
    >>> rule.allowed([mm.Mentee(id="a")], [mm.Mentor(id="a"), mm.Mentor(id="b")])
    array([[False,  True]])
    >>> rule.explain(mm.Mentee(id="a"), mm.Mentor(id="a"))
    'that mentor is you'
    """

    name = SELF_RULE
    thread_safe = True

    def encode(self, mentees: Sequence[Mentee], mentors: Sequence[Mentor]) -> EncodedRule:
        """The pairs of one person with themself, as index pairs."""
        both = {m.id: j for j, m in enumerate(mentors)}
        twins = [(i, both[e.id]) for i, e in enumerate(mentees) if e.id in both]
        r = np.array([i for i, _ in twins], dtype=np.intp)
        c = np.array([j for _, j in twins], dtype=np.intp)
        return EncodedRule(refused=(r, c))

    def allowed(self, mentees: Sequence[Mentee], mentors: Sequence[Mentor]) -> NDArray[np.bool_]:
        """False where the mentee and the mentor are the same person."""
        rows = np.arange(len(mentees), dtype=np.intp)
        return self.encode(mentees, mentors).mask(rows, None, n_mentors=len(mentors))

    def explain(self, mentee: Mentee, mentor: Mentor) -> str:
        """Why the pair is refused."""
        return "that mentor is you"

    def __repr__(self) -> str:
        return "NotYourself()"


def _encoded(rule: ConstraintLike, grid: tuple[Sequence[Mentee], Sequence[Mentor]]) -> EncodedRule:
    """The rule's own encoding when it has one, else a block function asking ``allowed``."""
    encode = getattr(rule, "encode", None)
    tees, tors = grid
    if callable(encode):
        enc = encode(tees, tors)
        if not isinstance(enc, EncodedRule):
            raise MentormatchError(
                f"constraint {rule.name!r}: encode() returned {shown(enc)}; it must return an "
                "EncodedRule (or leave encode out and give allowed() only)",
                field="constraints",
            )
        return enc

    def asked(rows: _Int, cols: _Int | None) -> ArrayLike:
        sub_tors = list(tors) if cols is None else [tors[j] for j in cols]
        return rule.allowed([tees[i] for i in rows], sub_tors)

    return EncodedRule(block=asked)


@dataclass(frozen=True, eq=False)
class RuleBlocks:
    """One rule of one programme, encoded: the allowed pairs of any block, checked.

    ``refused`` rules are kept as one sparse matrix (rows sliced cheaply);
    ``block`` answers are checked like ``allowed`` answers (booleans, the
    block's shape), whoever wrote the rule.
    """

    name: str
    rule: ConstraintLike
    encoded: EncodedRule
    tees: Sequence[Mentee]
    tors: Sequence[Mentor]
    refused: sp.csr_matrix | None

    @property
    def required(self) -> _Int | None:
        """Per mentee row, the only allowed mentor column, or -1 (a ``required`` rule)."""
        return self.encoded.required

    @property
    def is_block(self) -> bool:
        """Whether the rule answers block by block (neither index pairs nor required columns)."""
        return self.encoded.block is not None

    def allowed(self, rows: _Int, cols: _Int | None = None) -> NDArray[np.bool_]:
        """The pairs of the block that this rule allows (``cols`` None: all mentors)."""
        m = len(self.tors)
        if self.refused is not None:
            block = self.refused[rows]
            if cols is not None:
                block = block[:, cols]
            return np.asarray(~block.toarray(), dtype=bool)
        block = self.encoded.block
        if block is None:
            return self.encoded.mask(rows, cols, n_mentors=m)
        raw = block(rows, cols)
        width = m if cols is None else len(cols)
        if (
            isinstance(raw, np.ndarray)
            and raw.dtype == np.bool_
            and raw.shape == (len(rows), width)
        ):
            return raw
        sub = [self.tors[j] for j in cols] if cols is not None else self.tors
        return check_mask(self.name, raw, ([self.tees[i] for i in rows], sub))


def _refused_matrix(enc: EncodedRule, shape: tuple[int, int], name: str) -> sp.csr_matrix:
    assert enc.refused is not None
    r, c = (np.asarray(x, dtype=np.intp) for x in enc.refused)
    n, m = shape
    if r.shape != c.shape or (
        r.size and (r.min() < 0 or r.max() >= n or c.min() < 0 or c.max() >= m)
    ):
        raise MentormatchError(
            f"constraint {name!r}: encode() gave refused pairs outside the programme's "
            f"{n} mentees x {m} mentors (or rows and columns of different lengths)",
            field="constraints",
        )
    return sp.csr_matrix((np.ones(r.size, dtype=bool), (r, c)), shape=shape, dtype=bool)


def _check_required(required: _Int, shape: tuple[int, int], name: str) -> None:
    req = np.asarray(required)
    if (
        req.shape != (shape[0],)
        or req.dtype.kind not in "iu"
        or (req.size and (req.min() < -1 or req.max() >= shape[1]))
    ):
        raise MentormatchError(
            f"constraint {name!r}: encode() gave required columns that are not one mentor "
            f"column (or -1) for each of the {shape[0]} mentees",
            field="constraints",
        )


def encode_rules(
    rules: Sequence[ConstraintLike], tees: Sequence[Mentee], tors: Sequence[Mentor]
) -> tuple[RuleBlocks, ...]:
    """Every rule of the programme encoded once, :class:`NotYourself` first."""
    shape = (len(tees), len(tors))
    out = []
    for rule in (NotYourself(), *rules):
        enc = _encoded(rule, (tees, tors))
        refused = None if enc.refused is None else _refused_matrix(enc, shape, rule.name)
        if enc.required is not None:
            _check_required(enc.required, shape, rule.name)
        out.append(RuleBlocks(rule.name, rule, enc, tees, tors, refused))
    return tuple(out)


def all_thread_safe(rules: Sequence[RuleBlocks]) -> bool:
    """Whether every rule may be asked from several threads at once."""
    return all(thread_safe(r.rule) for r in rules)
