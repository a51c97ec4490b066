"""Learning criterion weights from how past pairs turned out.

A programme's first weights are a judgement. After a cohort, the outcomes
(did the pair complete? how satisfied were they?) say which criteria went
with good pairs. :func:`fit_weights` fits a regularised model of the outcome
on the pairs' criterion scores, reports how well it predicts with an
interval, and refuses when the data cannot support weights.

>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> records = [{"goals": g, "department": d, "completed": bool(rng.random() < 0.2 + 0.7 * g)}
...            for g, d in rng.random((120, 2))]
>>> fit = fit_weights(records, outcome="completed")
>>> fit.metric, fit.supported, max(fit.weights, key=fit.weights.get)
('roc_auc', True, 'goals')
"""

from __future__ import annotations

import copy
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, cast

import numpy as np
from numpy.typing import NDArray

from mentormatch._errors import MentormatchError
from mentormatch._intervals import ConfidenceInterval
from mentormatch._results import PairLike
from mentormatch._stats import check_confidence
from mentormatch._validation import (
    BoolLike,
    RealLike,
    WholeLike,
    as_real,
    check_bool,
    check_int,
)
from mentormatch._values import Value
from mentormatch.criteria.base import CriterionLike
from mentormatch.lifecycle._pairs import as_pairs, check_known
from mentormatch.matching import Matcher, ScoreMatrix

__all__ = ["WeightFit", "fit_weights", "pair_features"]

_CHANCE = {"roc_auc": 0.5, "r2": 0.0}


def pair_features(scores: ScoreMatrix, pairs: Iterable[PairLike]) -> list[dict[str, str | float]]:
    """Each pair's criterion scores ``s_i`` in [0, 1], ready for :func:`fit_weights`.

    Parameters
    ----------
    scores : ScoreMatrix
        From :meth:`Matcher.score` on the cohort.
    pairs : iterable of (mentee_id, mentor_id) or Match

    Returns
    -------
    list of dict
        One dict per pair, ``{criterion name: score}`` plus ``mentee_id`` and
        ``mentor_id``; add the outcome to each before fitting.

    Examples
    --------
    >>> import mentormatch as mm
    >>> e, m = [mm.Mentee(id="e1", goals=["sql"])], [mm.Mentor(id="m1", goals=["sql"])]
    >>> sm = mm.Matcher([mm.GoalOverlap(), mm.DepartmentDistance()]).score(e, m)
    >>> pair_features(sm, [("e1", "m1")])
    [{'mentee_id': 'e1', 'mentor_id': 'm1', 'goal_overlap': 1.0, 'department': 0.0}]
    """
    listed = as_pairs("pairs", pairs)
    ie = {e: i for i, e in enumerate(scores.mentee_ids)}
    im = {m: j for j, m in enumerate(scores.mentor_ids)}
    check_known("pairs", listed, tee_index=ie, tor_index=im)
    rows = np.array([ie[e] for e, _ in listed], dtype=np.intp)
    cols = np.array([im[m] for _, m in listed], dtype=np.intp)
    values = {name: s[rows, cols] for name, s in scores.by_criterion.items()}
    return [
        {"mentee_id": e, "mentor_id": m, **{k: float(v[n]) for k, v in values.items()}}
        for n, (e, m) in enumerate(listed)
    ]


@dataclass(frozen=True, eq=False)
class WeightFit(Value):
    """Criterion weights learned from outcomes, and how far to trust them.

    Attributes
    ----------
    weights : dict of str to float
        Non-negative, adding up to 1; a criterion whose coefficient came out
        negative gets 0 (see ``clipped``).
    coefficients : dict of str to float
        The fitted model's coefficients on the criterion scores.
    clipped : tuple of str
        Criteria whose negative coefficient was set to 0: higher scores went
        with worse outcomes, which a matching weight cannot express.
    kind : {"binary", "numeric"}
    metric : {"roc_auc", "r2"}
        Cross-validated AUC (binary) or R² (numeric).
    score : float
        The metric on out-of-fold predictions.
    ci : ConfidenceInterval
        Percentile bootstrap interval of ``score``.
    n : int
        Pairs used.
    supported : bool
        Whether the interval's lower bound is above chance (AUC 0.5, R² 0):
        only then does :meth:`matcher` build a matcher without ``force``.
    """

    weights: Mapping[str, float]
    coefficients: Mapping[str, float]
    clipped: tuple[str, ...]
    kind: str
    metric: str
    score: float
    ci: ConfidenceInterval
    n: int
    supported: bool

    def summary(self) -> str:
        """The weights, the prediction quality and a recommendation, for a manager."""
        label = "AUC" if self.metric == "roc_auc" else "R²"
        lines = [
            f"Weights learned from {self.n} pairs ({self.kind} outcome), "
            f"cross-validated {label} {self.score:.2f} ({self.ci.level * 100:g}% CI "
            f"{self.ci.low:.2f} to {self.ci.high:.2f}; chance is {_CHANCE[self.metric]:g}):"
        ]
        width = max(len(k) for k in self.weights)
        for name, w in sorted(self.weights.items(), key=lambda kv: -kv[1]):
            note = "  (negative coefficient, set to 0)" if name in self.clipped else ""
            lines.append(f"  {name:<{width}}  {w:.2f}{note}")
        if self.supported:
            lines.append("The weights predict outcomes better than chance; consider them.")
        else:
            lines.append(
                "Not recommended: the interval includes chance, so these data do not show "
                "that the weights predict outcomes. Keep the current weights."
            )
        return "\n".join(lines)

    def matcher(
        self, base: Matcher | Iterable[CriterionLike], *, force: BoolLike = False
    ) -> Matcher:
        """A :class:`Matcher` with the learned weights.

        Parameters
        ----------
        base : Matcher or sequence of criteria
            The criteria to reweight (copied, not changed); a Matcher's rules,
            ``min_score`` and solver options (``solver``, ``candidates``,
            ``backend``, ``progress``) are kept. Fitted criteria share the weight in
            the learned proportions; a criterion left out of the fit (say,
            one with no variation among the pairs made) keeps its share of
            the total weight; criteria with learned weight 0 are left out.
        force : bool, default False
            Build it even when the fit is not ``supported``.

        Examples
        --------
        >>> import mentormatch as mm
        >>> fit = WeightFit({"goal_overlap": 0.75, "department": 0.25}, {}, (), "binary",
        ...                 "roc_auc", 0.7, ConfidenceInterval(0.6, 0.8), 100, True)
        >>> fit.matcher([mm.GoalOverlap(), mm.DepartmentDistance()])
        Matcher(criteria=[GoalOverlap(weight=0.75), DepartmentDistance(weight=0.25)])
        """
        force = check_bool("WeightFit.matcher", "force", force)
        if not self.supported and not force:
            label = "AUC" if self.metric == "roc_auc" else "R²"
            raise MentormatchError(
                f"the learned weights do not predict outcomes better than chance "
                f"(cross-validated {label} {self.score:.2f}, {self.ci}); keep the current "
                "weights, or pass force=True to use them anyway",
                field="weights",
                value=self.score,
            )
        criteria = list(base.criteria) if isinstance(base, Matcher) else list(base)
        total = sum(float(c.weight) for c in criteria)
        others = [c for c in criteria if c.name not in self.weights]
        if len(others) == len(criteria):
            raise MentormatchError(
                f"none of the criteria ({', '.join(c.name for c in criteria)}) was fitted "
                f"(fitted: {', '.join(self.weights)}); name the features after the criteria",
                field="criteria",
            )
        # criteria left out of the fit keep their share of the total weight
        kept_share = sum(float(c.weight) for c in others) / total
        out = []
        for c in criteria:
            w = (
                float(c.weight) / total
                if c.name not in self.weights
                else (1 - kept_share) * self.weights[c.name]
            )
            if w > 0:
                c2 = copy.copy(c)
                try:
                    cast(Any, c2).weight = float(w)
                except AttributeError:
                    raise MentormatchError(
                        f"criterion {c.name!r} does not let its weight be set; give "
                        "WeightFit.matcher criteria whose weight is a plain attribute",
                        field="criteria",
                    ) from None
                out.append(c2)
        if isinstance(base, Matcher):
            return base._derive(criteria=out)
        return Matcher(out)


def _column(records: Sequence[Mapping[str, Any]], key: str, what: str) -> NDArray[np.float64]:
    out = np.empty(len(records))
    for n, r in enumerate(records):
        v = r.get(key)
        if isinstance(v, bool | np.bool_):
            v = float(v)
        if not isinstance(v, int | float | np.integer | np.floating) or not math.isfinite(v):
            raise MentormatchError(
                f"record {n}: {what} {key!r} is {v!r}; it must be a finite number "
                "(drop the record or fill it in)",
                field=key,
                participant_id=str(r.get("mentee_id", n)),
                value=v,
            )
        out[n] = float(v)
    return out


def _records(records: object) -> list[dict[str, object]]:
    """The records as dicts: any iterable of mappings, a pandas DataFrame (one row each), read once."""
    if type(records).__name__ == "DataFrame":
        records = cast(Any, records).to_dict("records")
    if isinstance(records, str | bytes | Mapping) or not isinstance(records, Iterable):
        raise MentormatchError(
            "records must be an iterable of mappings (one per past pair) or a DataFrame; got "
            f"{type(records).__name__}; see pair_features",
            field="records",
        )
    rows = []
    for n, r in enumerate(records):
        if not isinstance(r, Mapping):
            raise MentormatchError(
                f"record {n} is a {type(r).__name__}, not a mapping of criterion scores and the "
                "outcome; see pair_features",
                field="records",
            )
        rows.append(dict(r))
    return rows


def fit_weights(
    records: Iterable[Mapping[str, object]],
    outcome: str = "outcome",
    *,
    features: Sequence[str] | None = None,
    kind: str = "auto",
    min_pairs: WholeLike = 30,
    min_per_class: WholeLike = 10,
    n_boot: WholeLike = 500,
    confidence: RealLike = 0.95,
    seed: WholeLike = 0,
) -> WeightFit:
    """Fit criterion weights to past pairs' outcomes, with an honest measure of fit.

    Parameters
    ----------
    records : iterable of mapping, or a pandas DataFrame
        One per past pair (a row of a DataFrame; a generator is read once): the criterion scores ``s_i`` in [0, 1] (as
        :func:`pair_features` gives them, or ``ScoreMatrix.by_criterion``
        values) and the outcome.
    outcome : str, default "outcome"
        The key of the outcome: a bool or 0/1 (completed) or a number
        (satisfaction).
    features : sequence of str, optional
        The criterion keys; default every numeric key found in all records,
        other than the outcome.
    kind : {"auto", "binary", "numeric"}
        ``"auto"``: binary when the outcome takes only the values 0 and 1.
    min_pairs : int, default 30
        Fewer pairs are refused.
    min_per_class : int, default 10
        Binary outcomes: fewer pairs in the rarer class are refused.
    n_boot : int, default 500
        Bootstrap resamples of the out-of-fold predictions for the interval.
    confidence : float, default 0.95
    seed : int, default 0
        Seeds the folds and the bootstrap: the same data give the same fit.

    Returns
    -------
    WeightFit

    Raises
    ------
    MentormatchError
        When the data cannot support weights: too few pairs, too few of the
        rarer outcome, an outcome or a criterion that does not vary, missing
        values, or no criterion going with better outcomes.

    Notes
    -----
    Binary outcomes: L2-regularised logistic regression of the outcome on
    the scores, the strength C in {0.1, 1, 10, 100} chosen by 3-fold cross-validated AUC
    (scikit-learn ``LogisticRegression(solver="newton-cholesky")`` in
    ``GridSearchCV``). Numeric: ridge
    regression with non-negative coefficients (``Ridge(positive=True)``), its
    penalty chosen by ``RidgeCV``. The scores share one scale, [0, 1], and are
    not standardised, so a coefficient is the change in the outcome's
    log-odds (or value) per unit of that criterion's score: proportional to
    the weight that criterion should have in the weighted-mean score. Negative
    logistic coefficients are clipped to 0 (and listed in ``clipped``); the
    rest are scaled to add up to 1. The quality is measured on out-of-fold
    predictions of an outer 5-fold split (stratified for binary), so the
    tuning never sees the pairs it is scored on; the interval is a
    percentile bootstrap over pairs of those predictions (it reflects
    sampling of pairs, not the refitting of the model). Weights are
    ``supported`` when the interval's lower bound clears chance.

    Examples
    --------
    >>> fit_weights([{"goals": 0.5, "outcome": True}] * 12)
    Traceback (most recent call last):
    ...
    mentormatch._errors.MentormatchError: only 12 pairs with outcomes; learning weights needs at least 30 (pool more cohorts, or keep the current weights)
    """
    min_pairs = check_int("fit_weights", "min_pairs", min_pairs, minimum=10)
    min_per_class = check_int("fit_weights", "min_per_class", min_per_class, minimum=5)
    n_boot = check_int("fit_weights", "n_boot", n_boot, minimum=100)
    confidence = _check_kind_and_level(kind, confidence)
    seed = check_int("fit_weights", "seed", seed, minimum=0, maximum=2**32 - 2)
    rows = _records(records)
    n = len(rows)
    if n < min_pairs:
        raise MentormatchError(
            f"only {n} pairs with outcomes; learning weights needs at least {min_pairs} "
            "(pool more cohorts, or keep the current weights)",
            field="records",
            value=n,
        )
    names = _feature_names(rows, features, outcome)
    x = np.column_stack([_column(rows, k, "criterion") for k in names])
    y = _column(rows, outcome, "outcome")
    binary = _is_binary(y, outcome=outcome, kind=kind, min_per_class=min_per_class)
    _check_varies(x, names)
    pred, coef, metric = _fit(x, y, binary=binary, seed=seed)
    score, boots = _bootstrap(y, pred, binary=binary, n_boot=n_boot, seed=seed)
    alpha = 1 - confidence
    low, high = np.quantile(boots, [alpha / 2, 1 - alpha / 2])
    ci = ConfidenceInterval(float(low), float(high), confidence)
    positive = np.clip(coef, 0.0, None)
    if positive.sum() <= 0:
        raise MentormatchError(
            f"no criterion goes with better outcomes of {outcome!r} in these data (every "
            "coefficient is zero or negative); there are no weights to recommend",
            field=outcome,
        )
    weights = positive / positive.sum()
    return WeightFit(
        weights={k: float(w) for k, w in zip(names, weights, strict=True)},
        coefficients={k: float(c) for k, c in zip(names, coef, strict=True)},
        clipped=tuple(k for k, c in zip(names, coef, strict=True) if c < 0),
        kind="binary" if binary else "numeric",
        metric=metric,
        score=score,
        ci=ci,
        n=n,
        supported=bool(ci.low > _CHANCE[metric]),
    )


def _bootstrap(
    y: NDArray[np.float64], pred: NDArray[np.float64], *, binary: bool, n_boot: int, seed: int
) -> tuple[float, NDArray[np.float64]]:
    """The metric (AUC or R²) of ``pred``, and its values over bootstrap resamples of pairs.

    Vectorised: a resample is a vector of counts (multinomial), and both
    metrics are computed from weighted sums, all resamples at once. AUC is
    the Mann-Whitney form, ties counting one half, as
    ``sklearn.metrics.roc_auc_score``; R² as ``sklearn.metrics.r2_score``.
    """
    n = y.size
    rng = np.random.default_rng(seed)
    weights = np.vstack([np.ones(n), rng.multinomial(n, np.full(n, 1 / n), size=n_boot)])
    if binary:
        values, where = np.unique(pred, return_inverse=True)
        onehot = np.zeros((n, values.size))
        onehot[np.arange(n), where] = 1.0
        pos = (weights * (y == 1)) @ onehot  # positives' weight per distinct prediction
        neg = (weights * (y == 0)) @ onehot
        below = np.cumsum(neg, axis=1) - neg
        num = (pos * (below + 0.5 * neg)).sum(axis=1)
        den = pos.sum(axis=1) * neg.sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            metric = num / den
    else:
        wsum = weights.sum(axis=1)
        mean = (weights @ y) / wsum
        sse = weights @ (y - pred) ** 2
        sst = (weights * (y[None, :] - mean[:, None]) ** 2).sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            metric = 1 - sse / sst
    boots = metric[1:]
    return float(metric[0]), boots[np.isfinite(boots)]


@cache
def _positive_ridge_class() -> Any:
    """The estimator class, defined on first use (scikit-learn is slow to import)."""
    from sklearn.base import BaseEstimator, RegressorMixin

    class _PositiveRidge(BaseEstimator, RegressorMixin):  # type: ignore[misc]
        """Ridge regression with non-negative coefficients, its penalty chosen by ``RidgeCV``.

        A scikit-learn estimator, so that ``cross_val_predict`` refits it, tuning
        included, in every fold.
        """

        def fit(self, x: NDArray[np.float64], y: NDArray[np.float64]) -> _PositiveRidge:
            from sklearn.linear_model import Ridge, RidgeCV

            alpha = float(RidgeCV(alphas=np.logspace(-3, 3, 13)).fit(x, y).alpha_)
            fitted = Ridge(alpha=alpha, positive=True).fit(x, y)
            self.coef_ = np.asarray(fitted.coef_, dtype=np.float64)
            self.intercept_ = float(fitted.intercept_)
            return self

        def predict(self, x: NDArray[np.float64]) -> NDArray[np.float64]:
            return np.asarray(x @ self.coef_ + self.intercept_, dtype=np.float64)

    return _PositiveRidge


def _check_kind_and_level(kind: str, confidence: RealLike) -> float:
    """``kind`` one of the three; ``confidence`` as a float in (0, 1)."""
    if kind not in ("auto", "binary", "numeric"):
        raise MentormatchError(
            f"The 'kind' parameter of fit_weights must be one of 'auto', 'binary', 'numeric'. "
            f"Got {kind!r} instead.",
            field="kind",
            value=kind,
        )
    check_confidence(confidence)
    return cast(float, as_real(confidence))  # a number: just checked


def _feature_names(
    rows: Sequence[Mapping[str, Any]], features: Iterable[str] | None, outcome: str
) -> list[str]:
    """The criteria to learn weights for: given, or every number every record has."""
    if features is None:
        common = set(rows[0]).intersection(*rows[1:]) - {outcome}
        features = [
            k
            for k in rows[0]
            if k in common
            and all(
                isinstance(r[k], int | float | np.integer | np.floating)
                and not isinstance(r[k], bool)
                for r in rows
            )
        ]
    names = list(features)
    if not names:
        raise MentormatchError(
            "the records hold no criterion scores; give each record one number per criterion "
            "(see pair_features)",
            field="features",
        )
    return names


def _is_binary(y: NDArray[np.float64], *, outcome: str, kind: str, min_per_class: int) -> bool:
    """Whether the outcome is a yes/no one, checked to vary (and, if yes/no, to have enough
    of each)."""
    values = np.unique(y)
    binary = kind == "binary" or (kind == "auto" and set(values.tolist()) <= {0.0, 1.0})
    if values.size < 2:
        raise MentormatchError(
            f"the outcome {outcome!r} is {values[0]:g} for every pair; with no variation "
            "there is nothing to learn weights from",
            field=outcome,
            value=float(values[0]),
        )
    if not binary:
        return False
    if not set(values.tolist()) <= {0.0, 1.0}:
        raise MentormatchError(
            f"kind='binary' needs an outcome of True/False or 0/1; {outcome!r} has "
            f"{values.size} distinct values (use kind='numeric')",
            field=outcome,
        )
    rare = int(min((y == 1).sum(), (y == 0).sum()))
    if rare < min_per_class:
        raise MentormatchError(
            f"only {rare} pairs have the rarer outcome of {outcome!r}; learning weights "
            f"needs at least {min_per_class} of each (pool more cohorts)",
            field=outcome,
            value=rare,
        )
    return True


def _check_varies(x: NDArray[np.float64], names: Sequence[str]) -> None:
    """Refuse a criterion with the same score for every pair: its weight cannot be learned."""
    flat = np.flatnonzero(np.ptp(x, axis=0) == 0)
    if flat.size:
        k = names[int(flat[0])]
        raise MentormatchError(
            f"criterion {k!r} has the same score ({x[0, flat[0]]:g}) for every pair; its "
            f"weight cannot be learned from these data: leave it out with features=[...] "
            "and keep its current weight",
            field=k,
        )


def _fit(
    x: NDArray[np.float64], y: NDArray[np.float64], *, binary: bool, seed: int
) -> tuple[NDArray[np.float64], NDArray[np.float64], str]:
    """Out-of-fold predictions, the coefficients fitted on all pairs, and the metric's name."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GridSearchCV, KFold, StratifiedKFold, cross_val_predict

    model: Any
    if binary:
        inner = StratifiedKFold(3, shuffle=True, random_state=seed)
        outer: Any = StratifiedKFold(5, shuffle=True, random_state=seed + 1)
        model = GridSearchCV(
            LogisticRegression(solver="newton-cholesky", max_iter=200),
            {"C": np.logspace(-1, 2, 4)},
            cv=inner,
            scoring="roc_auc",
        )
        pred = cross_val_predict(model, x, y.astype(int), cv=outer, method="decision_function")
        model.fit(x, y.astype(int))
        return pred, np.asarray(model.best_estimator_.coef_[0], dtype=np.float64), "roc_auc"
    outer = KFold(5, shuffle=True, random_state=seed + 1)
    model = _positive_ridge_class()()
    pred = cross_val_predict(model, x, y, cv=outer)
    model.fit(x, y)
    return pred, np.asarray(model.coef_, dtype=np.float64), "r2"
