"""Attribute match: equality of one attribute (location, language, ...)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from mentormatch._errors import MentormatchError
from mentormatch._validation import RealLike, check_option, shown
from mentormatch.criteria._encode import codes
from mentormatch.criteria.base import BlockScorer, Criterion
from mentormatch.participants import Mentee, Mentor

__all__ = ["AttributeMatch"]


def attribute_codes(
    key: str, mentees: Sequence[Mentee], mentors: Sequence[Mentor]
) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """Integer codes of one attribute on a shared scale (``-1`` where missing)."""
    both, _ = codes(
        [e.attributes.get(key, "") for e in mentees] + [m.attributes.get(key, "") for m in mentors]
    )
    return both[: len(mentees)], both[len(mentees) :]


class AttributeMatch(Criterion):
    """1 when the two people share (or, if asked, differ in) one attribute.

    Parameters
    ----------
    key : str
        The attribute, e.g. ``"location"``.
    prefer : {"same", "different"}, default "same"
    weight : float, default 1.0
    name : str, default the key

    Notes
    -----
    Values are compared trimmed and case-folded. With ``prefer="same"`` a
    pair scores 1 when both have the attribute and the values are equal;
    with ``"different"``, when both have it and the values differ. A pair
    where either value is missing scores 0: a missing value is not guessed.

    Examples
    --------
    >>> from mentormatch import AttributeMatch, Mentee, Mentor
    >>> e = [Mentee(id="e1", attributes={"location": "Paris"})]
    >>> m = [Mentor(id="m1", attributes={"location": "paris "}), Mentor(id="m2")]
    >>> AttributeMatch("location").score(e, m)
    array([[1., 0.]])
    >>> AttributeMatch("location").explain(e[0], m[0], 1.0)
    'same location as you (Paris)'
    """

    #: its block scorer reads only arrays encoded once: the large path may score on threads
    thread_safe = True

    def __init__(
        self, key: str, prefer: str = "same", *, weight: RealLike = 1.0, name: str | None = None
    ) -> None:
        if not isinstance(key, str) or not key.strip():
            raise MentormatchError(
                "The 'key' parameter of AttributeMatch must be a non-empty string. "
                f"Got {shown(key)} instead.",
                field="key",
                value=key,
            )
        self.key = key
        self.default_name = key
        super().__init__(weight=weight, name=name)
        self.prefer = check_option("AttributeMatch", "prefer", prefer, ("same", "different"))

    def score(self, mentees: Sequence[Mentee], mentors: Sequence[Mentor]) -> NDArray[np.float64]:
        """Score every pair (see Notes)."""
        ce, cm = attribute_codes(self.key, mentees, mentors)
        known = (ce[:, None] >= 0) & (cm[None, :] >= 0)
        equal = ce[:, None] == cm[None, :]
        hit = equal if self.prefer == "same" else ~equal
        return np.asarray(known & hit, dtype=np.float64)

    def encode(self, mentees: Sequence[Mentee], mentors: Sequence[Mentor]) -> BlockScorer:
        """Codes on a shared scale built once; a block is one comparison."""
        ce, cm = attribute_codes(self.key, mentees, mentors)
        same = self.prefer == "same"

        def table(a: NDArray[np.intp], b: NDArray[np.intp]) -> NDArray[np.float64]:
            a, b = a[:, None], b[None, :]
            hit = (a == b) if same else (a != b)
            return np.asarray(hit & (a >= 0) & (b >= 0), dtype=np.float64)

        # one row per distinct value (the last for "missing"), looked up per block
        by_code = table(
            np.append(np.arange(max(ce.max(initial=-1), cm.max(initial=-1)) + 1), -1), cm
        )

        def scorer(rows: NDArray[np.intp], cols: NDArray[np.intp] | None) -> NDArray[np.float64]:
            if cols is None:
                return by_code[ce[rows]]
            return table(ce[rows], cm[cols])

        return scorer

    def explain(self, mentee: Mentee, mentor: Mentor, value: float) -> str:
        """Say whether the attribute is shared."""
        mine, theirs = mentee.attributes.get(self.key, ""), mentor.attributes.get(self.key, "")
        if not mine.strip() or not theirs.strip():
            return f"{self.key} unknown, so it did not count"
        if value > 0:
            if self.prefer == "same":
                return f"same {self.key} as you ({mine.strip()})"
            return f"a different {self.key} from yours ({theirs.strip()})"
        if self.prefer == "same":
            return f"a different {self.key} from yours ({theirs.strip()})"
        return f"same {self.key} as you ({mine.strip()})"
