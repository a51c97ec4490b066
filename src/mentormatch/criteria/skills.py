"""Skill gap: is the mentor ahead of the mentee in the skills the mentee wants to grow?"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from mentormatch._errors import MentormatchError
from mentormatch._text import of_yours
from mentormatch._validation import RealLike, WholeLike, check_int, fold, shown
from mentormatch.criteria._encode import take_rows
from mentormatch.criteria.base import BlockScorer, Criterion
from mentormatch.participants import SKILL_LEVELS, Mentee, Mentor

__all__ = ["SkillGap"]


def _levels(person: Mentee | Mentor) -> dict[str, int]:
    return {fold(k): v for k, v in person.skills.items()}


class SkillGap(Criterion):
    """Credit for a mentor who is ahead of the mentee, best at an ideal gap.

    Parameters
    ----------
    ideal_gap : int, default 2
        The number of levels (1..4) by which a mentor ideally exceeds the
        mentee: close enough to remember being there, far enough to teach.
    weight : float, default 1.0
    name : str, default "skill_gap"

    Notes
    -----
    For each skill :math:`k` the mentee lists, with the mentee's level
    :math:`l_e` and the mentor's :math:`l_m` (0 when the mentor does not list
    the skill), the gap is :math:`g = l_m - l_e` and the credit is

    .. math::

        c(g) = \\begin{cases} 0 & g \\le 0 \\\\ g / g^* & 0 < g \\le g^* \\\\
               g^* / g & g > g^* \\end{cases}

    with :math:`g^*` the ideal gap. The score is the mean credit over the
    mentee's skills, 0 when the mentee lists none. Skill names are compared
    trimmed and case-folded. Vectorised per skill: the credit depends only on the two
    levels, so all pairs are scored with one matrix product per mentee level
    (five in all).

    Examples
    --------
    >>> from mentormatch import Mentee, Mentor, SkillGap
    >>> e = [Mentee(id="e1", skills={"python": 2, "SQL": 1})]
    >>> m = [Mentor(id="m1", skills={"Python": 4, "sql": 5}), Mentor(id="m2", skills={"python": 2})]
    >>> SkillGap().score(e, m)
    array([[0.75, 0.  ]])
    >>> SkillGap().explain(e[0], m[0], 0.75)
    'is ahead of you in both of your skills: python (4 vs your 2), sql (5 vs your 1)'
    """

    default_name = "skill_gap"
    #: its block scorer reads only arrays encoded once: the large path may score on threads
    thread_safe = True

    def __init__(
        self, ideal_gap: WholeLike = 2, *, weight: RealLike = 1.0, name: str | None = None
    ) -> None:
        super().__init__(weight=weight, name=name)
        self.ideal_gap = check_int("SkillGap", "ideal_gap", ideal_gap, minimum=1)
        if self.ideal_gap > 4:
            raise MentormatchError(
                "The 'ideal_gap' parameter of SkillGap must be an integer in 1..4 (levels run "
                f"1..5). Got {shown(ideal_gap)} instead.",
                field="ideal_gap",
                value=ideal_gap,
            )

    def credit(self, gap: NDArray[np.float64]) -> NDArray[np.float64]:
        """The credit ``c(g)`` of the Notes, elementwise.

        Examples
        --------
        >>> import numpy as np
        >>> SkillGap(ideal_gap=2).credit(np.array([-1.0, 0, 1, 2, 3, 4]))
        array([0.        , 0.        , 0.5       , 1.        , 0.66666667, 0.5       ])
        """
        ideal = float(self.ideal_gap)
        safe = np.where(gap > 0, gap, 1.0)
        return np.where(gap <= 0, 0.0, np.where(gap <= ideal, gap / ideal, ideal / safe))

    def score(self, mentees: Sequence[Mentee], mentors: Sequence[Mentor]) -> NDArray[np.float64]:
        """Score every pair (see Notes)."""
        tee_levels = [_levels(e) for e in mentees]
        skills = {k: c for c, k in enumerate(sorted({k for d in tee_levels for k in d}))}
        n_e, n_m, n_s = len(mentees), len(mentors), len(skills)
        # The credit depends only on the two levels, so with E_a the mentees'
        # indicator of "level a in skill s" and W_a[j, s] = c(mentor j's level
        # in s - a), the summed credit is sum_a E_a @ W_a.T: five products.
        tee_level = np.zeros((n_e, n_s), dtype=np.int64)
        for i, d in enumerate(tee_levels):
            for k, lvl in d.items():
                tee_level[i, skills[k]] = lvl
        tor_level = np.zeros((n_m, n_s), dtype=np.float64)
        for j, m in enumerate(mentors):
            for k, lvl in _levels(m).items():
                if k in skills:
                    tor_level[j, skills[k]] = lvl
        total = np.zeros((n_e, n_m))
        low, high = SKILL_LEVELS
        for a in range(low, high + 1):
            e_a = (tee_level == a).astype(np.float64)
            if e_a.any():
                total += e_a @ self.credit(tor_level - a).T
        counts = (tee_level > 0).sum(axis=1).astype(np.float64)[:, None]
        out: NDArray[np.float64] = np.divide(
            total, counts, out=np.zeros_like(total), where=counts > 0
        )
        return out

    def encode(self, mentees: Sequence[Mentee], mentors: Sequence[Mentor]) -> BlockScorer:
        """Levels encoded once; a block is one sparse-by-dense product.

        Row ``i`` of the sparse ``E`` has a 1 at ``(a, s)`` when mentee ``i``
        is at level ``a`` in skill ``s``; column ``j`` of the dense ``W``
        holds ``c(l_js - a)`` at ``(a, s)``. Then ``E @ W`` sums the credits.
        """
        import scipy.sparse as sp

        tee_levels = [_levels(e) for e in mentees]
        skills = {k: c for c, k in enumerate(sorted({k for d in tee_levels for k in d}))}
        n_s = len(skills)
        low, high = SKILL_LEVELS
        r: list[int] = []
        c: list[int] = []
        for i, d in enumerate(tee_levels):
            for k, lvl in d.items():
                r.append(i)
                c.append((lvl - low) * n_s + skills[k])
        n_levels = high - low + 1
        e = sp.csr_matrix(
            (np.ones(len(r)), (r, c)), shape=(len(mentees), n_levels * n_s), dtype=np.float64
        )
        tor_level = np.zeros((len(mentors), n_s), dtype=np.float64)
        for j, m in enumerate(mentors):
            for k, lvl in _levels(m).items():
                if k in skills:
                    tor_level[j, skills[k]] = lvl
        w = np.ascontiguousarray(
            np.concatenate([self.credit(tor_level - a).T for a in range(low, high + 1)])
            if n_s
            else np.zeros((0, len(mentors)))
        )
        counts = np.bincount(np.asarray(r, dtype=np.intp), minlength=len(mentees)).astype(float)

        def scorer(rows: NDArray[np.intp], cols: NDArray[np.intp] | None) -> NDArray[np.float64]:
            ww = w if cols is None else w[:, cols]
            total = np.asarray(take_rows(e, rows) @ ww, dtype=np.float64)
            n = counts[rows][:, None]
            with np.errstate(divide="ignore", invalid="ignore"):
                total /= n  # rows with nothing listed give nan here, and 0 below
            total[(n == 0).ravel()] = 0.0
            return total

        return scorer

    def explain(self, mentee: Mentee, mentor: Mentor, value: float) -> str:
        """Name the skills in which the mentor is ahead, with both levels."""
        mine = _levels(mentee)
        if not mine:
            return "you listed no skills to grow, so skills did not count"
        theirs = _levels(mentor)
        if not theirs:
            return "lists no skills, so is ahead of you in none"
        ahead = [(k, theirs.get(k, 0), lvl) for k, lvl in mine.items() if theirs.get(k, 0) > lvl]
        if not ahead:
            if len(mine) == 1:
                ((skill, level),) = mine.items()
                if skill not in theirs:
                    return f"does not list your skill: {skill}"
                return (
                    f"is not ahead of you in your skill: {skill} ({theirs[skill]} vs your {level})"
                )
            return f"is not ahead of you in any of your {len(mine)} skills"
        listed = ", ".join(f"{k} ({m} vs your {e})" for k, m, e in ahead)
        return f"is ahead of you in {of_yours(len(ahead), len(mine), 'skill', 'skills')}: {listed}"
