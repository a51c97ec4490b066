"""Goal attainment scaling: Kiresuk-Sherman T-scores."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from mentormatch._errors import MentormatchError
from mentormatch._frames import Column, Tabular
from mentormatch._values import Value
from mentormatch.surveys._align import align_to_columns
from mentormatch.surveys._input import FloatArray, as_matrix, as_vector, is_frame
from mentormatch.surveys._shared import _warn

__all__ = ["GoalAttainmentScores", "goal_attainment_t"]


@dataclass(frozen=True, eq=False)
class GoalAttainmentScores(Tabular, Value):
    """Kiresuk-Sherman goal attainment T-scores.

    Attributes
    ----------
    t : numpy.ndarray
        One T-score per person (length 1 for a single person); ``nan`` when a
        person has no rated goal.
    n_goals : numpy.ndarray
        Rated (non-missing) goals per person.
    weights : numpy.ndarray
        Goal weights used (all 1 when none were given).
    rho : float
        Assumed correlation between goal scores.

    Examples
    --------
    >>> goal_attainment_t([0, 0, 0]).t
    array([50.])
    """

    t: FloatArray
    n_goals: npt.NDArray[np.int64]
    weights: FloatArray
    rho: float

    _columns = (Column("person", "count"), Column("t", "float"), Column("n_goals", "count"))
    _display_skip = ("t", "n_goals")

    def _records(self) -> list[dict[str, Any]]:
        return [
            {"person": i, "t": t, "n_goals": n}
            for i, (t, n) in enumerate(zip(self.t.tolist(), self.n_goals.tolist(), strict=True))
        ]

    def summary(self) -> str:
        """A short plain-text report for a slide.

        Examples
        --------
        >>> print(goal_attainment_t([[1, 0, 1], [0, -1, 0], [2, 1, 1]]).summary())
        Goal attainment: mean T = 57.6 across 3 people (50 = goals met as expected);
          2 of 3 above 50.
        """
        ok = ~np.isnan(self.t)
        if not ok.any():
            return "Goal attainment: no person has a rated goal."
        vals = self.t[ok]
        return (
            f"Goal attainment: mean T = {np.mean(vals):.1f} across {int(ok.sum())} people "
            f"(50 = goals met as expected);\n  {int((vals > 50).sum())} of {int(ok.sum())} "
            "above 50."
        )


def goal_attainment_t(
    attainment: Any, weights: Sequence[float] | None = None, rho: float = 0.3
) -> GoalAttainmentScores:
    """Kiresuk-Sherman goal attainment scaling (GAS) T-scores.

    Parameters
    ----------
    attainment : array-like
        Attainment levels on -2..+2 (0 = expected outcome). 1-D for one person
        (one entry per goal) or 2-D with rows = people and columns = goals;
        ``None``/``NaN`` for a goal not rated.
    weights : sequence of float or pandas.Series, optional
        One positive weight per goal column (default: all 1). A Series indexed by
        goal name is paired with a DataFrame's columns by name, whatever its order.
    rho : float, default 0.3
        Assumed intercorrelation of goal scores, in [0, 1).

    Returns
    -------
    GoalAttainmentScores

    Raises
    ------
    MentormatchError
        A level outside -2..+2 (naming person and goal), a wrong number of weights,
        a non-positive weight, or ``rho`` outside [0, 1).

    Warns
    -----
    SurveyWarning
        A person with no rated goal (their T is ``nan``).

    Notes
    -----
    ``T = 50 + 10 Σ w_i x_i / sqrt((1 - ρ) Σ w_i² + ρ (Σ w_i)²)``.
    Missing goals: the sums run over the goals rated for that person (their
    weights only), i.e. the person's T is computed as if only those goals had
    been set. With ρ = 0.3 (Kiresuk & Sherman's conventional value) and equal
    weights, one goal at +1 gives T = 60, three goals at +1 give about 63.7.

    Checked against hand computation of the published formula (values pinned in
    the tests); no mainstream Python or R package implements GAS T-scores.

    References
    ----------
    Kiresuk, T. J., & Sherman, R. E. (1968). Goal attainment scaling: a general
    method for evaluating comprehensive community mental health programs.
    Community Mental Health Journal, 4(6), 443-453.

    Examples
    --------
    >>> goal_attainment_t([1, 1, 1]).t
    array([63.69306394])
    >>> res = goal_attainment_t([[1, 0, None], [-2, -1, 0]], weights=[2, 1, 1])
    >>> res.t.round(2).tolist(), res.n_goals.tolist()
    ([58.03, 33.33], [2, 3])
    """
    if not (
        isinstance(rho, (int, float)) and not isinstance(rho, bool) and 0.0 <= float(rho) < 1.0
    ):
        raise MentormatchError(f"rho must be in [0, 1), got {rho!r}", field="rho", value=rho)
    x, names, rows = _gas_matrix(attainment)
    n_people, n_goals = x.shape
    bad = ~np.isnan(x) & ((x < -2) | (x > 2) | ~np.isfinite(x))
    if bad.any():
        i, j = (int(v) for v in np.argwhere(bad)[0])
        raise MentormatchError(
            f"person {rows[i]}, goal {j + 1}: attainment {x[i, j]:g} is outside -2..+2",
            field=names[j],
            participant_id=rows[i],
            value=float(x[i, j]),
        )
    if weights is None:
        w = np.ones(n_goals)
    else:
        weights = align_to_columns(weights, names, what="weights", labelled=is_frame(attainment))
        w = as_vector(weights, what="weights")
        if w.size != n_goals:
            raise MentormatchError(
                f"weights: got {w.size} weights for {n_goals} goals", field="weights", value=w.size
            )
        if not (np.isfinite(w).all() and (w > 0).all()):
            raise MentormatchError(
                f"weights must be positive finite numbers, got {w.tolist()}",
                field="weights",
                value=w.tolist(),
            )
    rated = ~np.isnan(x)
    wm = np.where(rated, w, 0.0)
    num = np.nansum(x * wm, axis=1)
    denom = np.sqrt((1 - rho) * (wm**2).sum(axis=1) + rho * wm.sum(axis=1) ** 2)
    t = np.full(n_people, np.nan)
    has = rated.any(axis=1)
    t[has] = 50.0 + 10.0 * num[has] / denom[has]
    if not has.all():
        empty = [rows[i] for i in np.flatnonzero(~has)]
        _warn(f"goal attainment T is undefined for {empty}: no goal was rated; returning nan")
    return GoalAttainmentScores(t, rated.sum(axis=1).astype(np.int64), w, float(rho))


def _gas_matrix(attainment: Any) -> tuple[FloatArray, list[str], list[str]]:
    if not hasattr(attainment, "columns"):
        arr = np.asarray(attainment, dtype=object)
        if arr.ndim == 1:
            v = as_vector(attainment, what="attainment")
            return v.reshape(1, -1), [f"goal{j + 1}" for j in range(v.size)], ["0"]
    x, names, rows = as_matrix(attainment, what="attainment")
    return x, names, rows
