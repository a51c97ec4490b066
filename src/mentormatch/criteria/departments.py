"""Department distance: how far apart two people sit in the org tree."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from mentormatch._validation import RealLike, check_option, fold
from mentormatch.criteria._encode import codes
from mentormatch.criteria.base import BlockScorer, Criterion
from mentormatch.participants import Mentee, Mentor

__all__ = ["DepartmentDistance", "department_path", "path_distance"]


def department_path(department: str) -> tuple[str, ...]:
    """Split an org path on ``/``, trimmed and case-folded, empty parts dropped.

    Examples
    --------
    >>> department_path(" Engineering / Platform//Data ")
    ('engineering', 'platform', 'data')
    """
    return tuple(p for p in (fold(x) for x in department.split("/")) if p)


def path_distance(a: tuple[str, ...], b: tuple[str, ...]) -> float:
    """Tree distance between two org paths, normalised to [0, 1].

    ``1 - 2 c / (len(a) + len(b))`` with ``c`` the length of the common
    prefix: 0 for the same unit, 1 for different top-level units; ``nan``
    when either path is empty (unknown).

    Examples
    --------
    >>> path_distance(("eng", "platform"), ("eng", "apps"))
    0.5
    >>> path_distance(("eng",), ("sales",)), path_distance(("eng",), ("eng",))
    (1.0, 0.0)
    """
    if not a or not b:
        return float("nan")
    common = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        common += 1
    return 1.0 - 2.0 * common / (len(a) + len(b))


class DepartmentDistance(Criterion):
    """Distance between the two people's departments in the org tree.

    Parameters
    ----------
    prefer : {"different", "same"}, default "different"
        ``"different"`` scores the distance itself (career guidance: a view
        from outside one's own unit); ``"same"`` scores ``1 - distance``
        (onboarding: someone who knows the team's work).
    weight : float, default 1.0
    name : str, default "department"

    Notes
    -----
    Departments are ``/``-separated paths, compared part by part, trimmed and
    case-folded. With :math:`c` the length of the common prefix of paths
    :math:`a` and :math:`b`, the distance is

    .. math:: d(a, b) = 1 - 2c / (|a| + |b|)

    (0 for the same unit, 1 for different top-level units). A pair where
    either department is empty scores 0 under both preferences: no evidence
    of fit is not guessed. Computed once per pair of distinct departments,
    then broadcast to all pairs by integer indexing.

    Examples
    --------
    >>> from mentormatch import DepartmentDistance, Mentee, Mentor
    >>> e = [Mentee(id="e1", department="Engineering/Platform")]
    >>> m = [Mentor(id="m1", department="Engineering/Apps"), Mentor(id="m2", department="Sales")]
    >>> DepartmentDistance().score(e, m)
    array([[0.5, 1. ]])
    >>> DepartmentDistance(prefer="same").score(e, m)
    array([[0.5, 0. ]])
    >>> DepartmentDistance().explain(e[0], m[1], 1.0)
    'works in Sales, outside your part of the organisation'
    """

    default_name = "department"
    #: its block scorer reads only arrays encoded once: the large path may score on threads
    thread_safe = True

    def __init__(
        self, prefer: str = "different", *, weight: RealLike = 1.0, name: str | None = None
    ) -> None:
        super().__init__(weight=weight, name=name)
        self.prefer = check_option("DepartmentDistance", "prefer", prefer, ("different", "same"))

    def score(self, mentees: Sequence[Mentee], mentors: Sequence[Mentor]) -> NDArray[np.float64]:
        """Score every pair (see Notes)."""
        ce, cm, padded = self._table(mentees, mentors)
        return padded[ce[:, None], cm[None, :]]

    def _table(
        self, mentees: Sequence[Mentee], mentors: Sequence[Mentor]
    ) -> tuple[NDArray[np.intp], NDArray[np.intp], NDArray[np.float64]]:
        """Department codes of both sides and the score of every pair of distinct
        departments, with one extra row and column (index -1) for an unknown
        department, which scores 0."""
        ce, ue = codes([e.department for e in mentees])
        cm, um = codes([m.department for m in mentors])
        pe = [department_path(d) for d in ue]
        pm = [department_path(d) for d in um]
        table = np.array([[path_distance(a, b) for b in pm] for a in pe]).reshape(len(pe), len(pm))
        if self.prefer == "same":
            table = 1.0 - table
        padded = np.zeros((len(pe) + 1, len(pm) + 1))
        padded[:-1, :-1] = np.nan_to_num(table, nan=0.0)
        return ce, cm, padded

    def encode(self, mentees: Sequence[Mentee], mentors: Sequence[Mentor]) -> BlockScorer:
        """Department codes and the table of distances built once; a block is a lookup."""
        ce, cm, padded = self._table(mentees, mentors)
        by_code = np.ascontiguousarray(padded[:, cm])  # one row per mentee department

        def scorer(rows: NDArray[np.intp], cols: NDArray[np.intp] | None) -> NDArray[np.float64]:
            if cols is None:
                return by_code[ce[rows]]
            out: NDArray[np.float64] = padded[ce[rows][:, None], cm[cols][None, :]]
            return out

        return scorer

    def explain(self, mentee: Mentee, mentor: Mentor, value: float) -> str:
        """Say where the mentor works relative to the mentee."""
        a, b = department_path(mentee.department), department_path(mentor.department)
        if not a or not b:
            return "department unknown, so it did not count"
        where = mentor.department.strip()
        common = 0
        for x, y in zip(a, b, strict=False):
            if x != y:
                break
            common += 1
        if a == b:
            return "works in your own department"
        if common == 0:
            return f"works in {where}, outside your part of the organisation"
        shared = "/".join(mentor.department.split("/")[:common]).strip()
        return f"works in {where}, close to you (both in {shared})"
