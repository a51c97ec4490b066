"""Score programme surveys and report them with honest uncertainty.

The module covers the survey steps of a mentoring programme evaluation:

* :class:`Instrument` declares a questionnaire (items, scale bounds, reverse-keyed
  items, subscales, how many answers a person needs) and scores responses into a
  :class:`ScoredSurvey`.
* :func:`cronbach_alpha`, :func:`standardized_alpha` and :func:`omega_total`
  estimate internal consistency.
* :func:`nps` computes a Net Promoter Score with an adjusted-Wald interval.
* :func:`pre_post` describes matched before/after change (t test, Wilcoxon, effect sizes).
* :func:`goal_attainment_t` computes Kiresuk-Sherman goal attainment T-scores.

Statistics that are undefined for the data at hand (one item, one respondent, no
variance) come back as ``nan`` with a :class:`SurveyWarning` saying why; input
that cannot be scored at all raises :class:`~mentormatch._errors.MentormatchError`.
Stored values are never rounded; only ``summary()`` text is.
"""

from __future__ import annotations

import math
import os
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
from scipy import optimize, stats

from mentormatch import _text
from mentormatch._errors import MentormatchError
from mentormatch._files import toml as _toml
from mentormatch._intervals import ConfidenceInterval
from mentormatch._problems import Problems, ProblemsError, did_you_mean, shown
from mentormatch._stats import check_confidence as _check_confidence
from mentormatch._stats import decimal as _decimal
from mentormatch._stats import feldt as _feldt
from mentormatch._survey_input import FloatArray, as_matrix, as_vector
from mentormatch._values import Value

__all__ = [
    "NPS",
    "GoalAttainment",
    "Instrument",
    "Omega",
    "PairedChange",
    "Reliability",
    "ScoredSurvey",
    "SurveyWarning",
    "cronbach_alpha",
    "goal_attainment_t",
    "load_instrument",
    "nps",
    "omega_total",
    "pre_post",
    "standardized_alpha",
]

MissingPolicy = Literal["pairwise", "listwise"]
_MISSING_POLICIES: tuple[str, ...] = ("pairwise", "listwise")


class SurveyWarning(RuntimeWarning):
    """A survey statistic is undefined for this input and was returned as ``nan``.

    The message says which statistic and why (one item, one respondent, no
    variance, ...). Filter it like any warning::

        warnings.simplefilter("ignore", SurveyWarning)

    Examples
    --------
    >>> issubclass(SurveyWarning, RuntimeWarning)
    True
    """


def _warn(message: str) -> None:
    warnings.warn(message, SurveyWarning, stacklevel=3)


def _check_missing(missing: str) -> None:
    if not isinstance(missing, str) or missing not in _MISSING_POLICIES:
        raise MentormatchError(
            f"missing={missing!r} is not a valid policy; valid values are "
            f"{', '.join(repr(m) for m in _MISSING_POLICIES)}",
            field="missing",
            value=missing,
        )


def _fmt(x: float, digits: int = 2, sign: bool = False) -> str:
    if math.isnan(x):
        return "undefined"
    return f"{x:+.{digits}f}" if sign else f"{x:.{digits}f}"


def _fmt_ci(ci: ConfidenceInterval, digits: int = 2, sign: bool = False) -> str:
    pct = f"{ci.level * 100:g}%"
    if math.isnan(ci.low) or math.isnan(ci.high):
        return f"{pct} CI undefined"
    return f"{pct} CI {_fmt(ci.low, digits, sign)} to {_fmt(ci.high, digits, sign)}"


def _fmt_p(p: float) -> str:
    if math.isnan(p):
        return "p undefined"
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


# --------------------------------------------------------------------------------------
# Instrument and scoring
# --------------------------------------------------------------------------------------


def _required(min_answered: float, n_items: int) -> int:
    # exact: ceil(0.7 * 10) is 7, although 0.7 * 10 is 7.000000000000001 in floating point
    return max(1, math.ceil(_decimal(min_answered) * n_items))


def _rounding(*arrays: FloatArray) -> float:
    """How far apart two results of one subtraction or mean of these numbers may lie by
    rounding alone: a few units in the last place of the largest magnitude."""
    top = max((float(np.max(np.abs(a))) for a in arrays if a.size), default=0.0)
    return float(8.0 * np.finfo(np.float64).eps * top)


def _snap(values: FloatArray, tolerance: float) -> FloatArray:
    """``values`` with numbers that differ by rounding only made equal (and those that
    are zero but for rounding made 0), so ties and zeros are decided as written:
    0.3 - 0.1 and 0.4 - 0.2 are the same change."""
    out = values.astype(np.float64, copy=True)
    if out.size == 0 or tolerance == 0:
        return out
    out[np.abs(out) <= tolerance] = 0.0
    order = np.argsort(out, kind="stable")
    ordered = out[order]
    starts = np.concatenate([[True], np.diff(ordered) > tolerance])
    leader = np.maximum.accumulate(np.where(starts, np.arange(ordered.size), 0))
    out[order] = ordered[leader]
    return out


@dataclass(frozen=True, eq=False)
class ScoredSurvey(Value):
    """Scores of one administration of an :class:`Instrument`.

    Attributes
    ----------
    total : numpy.ndarray
        Scale score per respondent: the mean of the answered (reverse-keyed) items,
        ``nan`` when fewer than :attr:`min_required` items were answered.
    subscales : dict of str to numpy.ndarray
        Subscale score per respondent, same rule with the subscale's own item count.
    n_answered : numpy.ndarray
        Number of the instrument's items each respondent answered (int).
    keyed : numpy.ndarray
        Respondents × items matrix after reverse keying, ``nan`` for skipped answers;
        pass it to :func:`cronbach_alpha`.
    items : tuple of str
        Column names of :attr:`keyed`.
    respondents : tuple of str
        Row labels (``row 0`` ... or the DataFrame index).
    min_required : int
        Items needed for a total score, ``ceil(min_answered * n_items)``.
    scale : tuple of float
        The declared ``(min, max)`` of the items.

    Examples
    --------
    >>> inst = Instrument(items=["a", "b"], scale=(1, 5))
    >>> s = inst.score([[4, 5], [2, None]])
    >>> s.total.tolist(), s.n_answered.tolist()
    ([4.5, 2.0], [2, 1])
    """

    total: FloatArray
    subscales: Mapping[str, FloatArray]
    n_answered: npt.NDArray[np.int64]
    keyed: FloatArray
    items: tuple[str, ...]
    respondents: tuple[str, ...]
    min_required: int
    scale: tuple[float, float]

    @property
    def n_respondents(self) -> int:
        """Number of respondent rows."""
        return int(self.total.shape[0])

    def summary(self) -> str:
        """A short plain-text report for a slide.

        Examples
        --------
        >>> inst = Instrument(items=["a", "b"], scale=(1, 5))
        >>> print(inst.score([[4, 5], [2, None], [None, None]]).summary())
        Scale score (1-5): mean 3.25 (SD 1.77), scored for 2 of 3 respondents
          (1 not scored: fewer than 1 of 2 items answered).
        """
        scored = ~np.isnan(self.total)
        n_ok = int(scored.sum())
        lo, hi = self.scale
        head = f"Scale score ({lo:g}-{hi:g}): "
        if n_ok == 0:
            head += f"no respondent answered enough items (of {self.n_respondents})."
        else:
            vals = self.total[scored]
            sd = float(np.std(vals, ddof=1)) if n_ok > 1 else math.nan
            head += (
                f"mean {np.mean(vals):.2f} (SD {_fmt(sd)}), "
                f"scored for {n_ok} of {self.n_respondents} respondents"
            )
            if n_ok < self.n_respondents:
                head += (
                    f"\n  ({self.n_respondents - n_ok} not scored: fewer than "
                    f"{self.min_required} of {len(self.items)} items answered)."
                )
            else:
                head += "."
        lines = [head]
        for name, values in self.subscales.items():
            ok = ~np.isnan(values)
            mean = f"{np.mean(values[ok]):.2f}" if ok.any() else "undefined"
            lines.append(f"  {name}: mean {mean} (n = {int(ok.sum())})")
        return "\n".join(lines)


class Instrument:
    """A questionnaire: its items, scale bounds, reverse-keyed items and subscales.

    Parameters
    ----------
    items : sequence of str
        Item identifiers, in the order of the columns of array input.
    scale : tuple of (float, float)
        Declared ``(min, max)`` of every item, e.g. ``(1, 5)`` for a 5-point Likert item.
    reverse : sequence of str, optional
        Reverse-keyed items; scored as ``min + max - x`` using the declared bounds.
    subscales : mapping of str to sequence of str, optional
        Subscale name to its item identifiers.
    min_answered : float, default 0.5
        Share of items (0 < share <= 1) a respondent must answer to get a score.

    Raises
    ------
    MentormatchError
        Duplicate or unknown item names (listing them), ``min >= max``, or
        ``min_answered`` outside ``(0, 1]``.

    Notes
    -----
    Scale and subscale scores are the **mean of the answered items** (proration):
    a respondent who answered at least ``ceil(min_answered * n_items)`` of the
    ``n_items`` items gets the mean of those items, otherwise ``nan``. This equals
    the sum-score prorated to the full item count, divided by the item count. The
    mean is on the item scale, so scores stay within ``scale``. Reverse keying uses
    the *declared* bounds, never the observed range, so a scale whose respondents
    never used the extremes is still keyed correctly.

    Checked against R psych 2.2.9 ``scoreItems(keys, x, min=1, max=5,
    impute="none", totals=FALSE)``: identical scores when ``min_answered`` is low
    enough to score every respondent psych scores (psych has no minimum-answered
    rule; it scores anyone with one answer).

    References
    ----------
    Revelle, W. psych: Procedures for Psychological, Psychometric, and Personality
    Research (``scoreItems``). Newman, D. A. (2014). Missing data: five practical
    guidelines. Organizational Research Methods, 17(4), 372-411 (proration).

    Examples
    --------
    >>> inst = Instrument(
    ...     items=["q1", "q2", "q3", "q4"], scale=(1, 5), reverse=["q3"],
    ...     subscales={"relationship": ["q1", "q2"], "growth": ["q3", "q4"]},
    ...     min_answered=0.5,
    ... )
    >>> scored = inst.score([[5, 4, 1, 4], [3, None, 2, None], [2, None, None, None]])
    >>> scored.total
    array([4.5, 3.5, nan])
    >>> scored.subscales["growth"]
    array([4.5, 4. , nan])
    >>> scored.n_answered
    array([4, 2, 1])
    """

    __slots__ = ("_items", "_min_answered", "_reverse", "_scale", "_subscales")

    def __init__(
        self,
        items: Sequence[str],
        scale: tuple[float, float],
        reverse: Sequence[str] = (),
        subscales: Mapping[str, Sequence[str]] | None = None,
        min_answered: float = 0.5,
    ) -> None:
        if isinstance(items, str):
            raise MentormatchError("items must be a list of item names, not one string")
        item_list = [str(i) for i in items]
        if not item_list:
            raise MentormatchError("an instrument needs at least one item", field="items")
        dupes = sorted({i for i in item_list if item_list.count(i) > 1})
        if dupes:
            raise MentormatchError(f"duplicate item names: {dupes}", field="items", value=dupes)
        try:
            lo, hi = (float(scale[0]), float(scale[1]))
        except (TypeError, ValueError, IndexError) as exc:
            raise MentormatchError(
                f"scale must be a (min, max) pair of numbers, got {scale!r}",
                field="scale",
                value=scale,
            ) from exc
        if len(scale) != 2 or not (math.isfinite(lo) and math.isfinite(hi)) or lo >= hi:
            raise MentormatchError(
                f"scale must be a (min, max) pair with min < max, got {scale!r}",
                field="scale",
                value=scale,
            )
        if isinstance(reverse, str):
            reverse = [reverse]
        rev = [str(r) for r in reverse]
        unknown = [r for r in rev if r not in item_list]
        if unknown:
            raise MentormatchError(
                f"reverse names unknown item(s) {unknown}; the items are {item_list}",
                field="reverse",
                value=unknown,
            )
        subs: dict[str, tuple[str, ...]] = {}
        for name, members in (subscales or {}).items():
            if isinstance(members, str):
                members = [members]
            member_list = [str(m) for m in members]
            unknown = [m for m in member_list if m not in item_list]
            if unknown:
                raise MentormatchError(
                    f"subscale {name!r} names unknown item(s) {unknown}; the items are {item_list}",
                    field="subscales",
                    value=unknown,
                )
            if not member_list:
                raise MentormatchError(f"subscale {name!r} has no items", field="subscales")
            subs[str(name)] = tuple(member_list)
        if not (
            isinstance(min_answered, (int, float))
            and not isinstance(min_answered, bool)
            and 0.0 < float(min_answered) <= 1.0
        ):
            raise MentormatchError(
                f"min_answered is a share of items and must be in (0, 1], got {min_answered!r}",
                field="min_answered",
                value=min_answered,
            )
        self._items = tuple(item_list)
        self._scale = (lo, hi)
        self._reverse = tuple(dict.fromkeys(rev))
        self._subscales = subs
        self._min_answered = float(min_answered)

    @property
    def items(self) -> tuple[str, ...]:
        """Item identifiers."""
        return self._items

    @property
    def scale(self) -> tuple[float, float]:
        """Declared ``(min, max)``."""
        return self._scale

    @property
    def reverse(self) -> tuple[str, ...]:
        """Reverse-keyed items."""
        return self._reverse

    @property
    def subscales(self) -> dict[str, tuple[str, ...]]:
        """Subscale name to item identifiers (a copy)."""
        return dict(self._subscales)

    @property
    def min_answered(self) -> float:
        """Share of items a respondent must answer."""
        return self._min_answered

    def __repr__(self) -> str:
        subs = {k: list(v) for k, v in self._subscales.items()}
        return (
            f"Instrument(items={list(self._items)}, scale={self._scale}, "
            f"reverse={list(self._reverse)}, subscales={subs}, "
            f"min_answered={self._min_answered})"
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Instrument):
            return NotImplemented
        return (
            self._items == other._items
            and self._scale == other._scale
            and set(self._reverse) == set(other._reverse)
            and self._subscales == other._subscales
            and self._min_answered == other._min_answered
        )

    def __hash__(self) -> int:
        return hash((self._items, self._scale, frozenset(self._reverse), self._min_answered))

    def reverse_key(self, values: FloatArray) -> FloatArray:
        """Apply reverse keying (``min + max - x``) to a respondents × items matrix.

        Applying it twice returns the input.

        Examples
        --------
        >>> inst = Instrument(items=["a", "b"], scale=(1, 5), reverse=["b"])
        >>> inst.reverse_key(np.array([[1.0, 1.0], [5.0, 2.0]]))
        array([[1., 5.],
               [5., 4.]])
        """
        out = np.array(values, dtype=np.float64, copy=True)
        lo, hi = self._scale
        for name in self._reverse:
            j = self._items.index(name)
            out[:, j] = lo + hi - out[:, j]
        return out

    def score(self, responses: Any) -> ScoredSurvey:
        """Score responses.

        Parameters
        ----------
        responses : array-like, pandas.DataFrame or list of dict
            Rows are respondents. A 2-D array or nested list has one column per item
            in :attr:`items` order; a DataFrame is matched by column name (extra
            columns ignored); a list of dicts maps item name to answer (absent
            keys are skipped answers). ``None``/``NaN`` mark skipped answers.

        Returns
        -------
        ScoredSurvey

        Raises
        ------
        MentormatchError
            An answer outside the declared scale or not a number (naming the
            respondent row and item), a missing column, or a wrong column count.

        Notes
        -----
        See the class Notes for the proration rule.

        Examples
        --------
        >>> inst = Instrument(items=["a", "b", "c"], scale=(0, 4), reverse=["c"])
        >>> inst.score([{"a": 4, "b": 3, "c": 0}, {"a": 1, "c": 3}]).total
        array([3.66666667, 1.        ])
        """
        x, _, rows = as_matrix(responses, columns=self._items, what="responses")
        lo, hi = self._scale
        bad = ~np.isnan(x) & ((x < lo) | (x > hi) | ~np.isfinite(x))
        if bad.any():
            i, j = (int(v) for v in np.argwhere(bad)[0])
            raise MentormatchError(
                f"respondent {rows[i]}, item {self._items[j]!r}: answer {x[i, j]:g} is outside "
                f"the declared scale {lo:g}..{hi:g} ({int(bad.sum())} such answer(s) in total)",
                field=self._items[j],
                participant_id=rows[i],
                value=float(x[i, j]),
            )
        keyed = self.reverse_key(x)
        answered = ~np.isnan(keyed)
        n_answered = answered.sum(axis=1).astype(np.int64)

        def _mean(cols: Sequence[int]) -> FloatArray:
            sub = keyed[:, list(cols)]
            count = (~np.isnan(sub)).sum(axis=1)
            need = _required(self._min_answered, len(cols))
            sums = np.nansum(sub, axis=1)
            out = np.full(sub.shape[0], np.nan)
            ok = count >= need
            out[ok] = sums[ok] / count[ok]
            # guard against floating error pushing a mean a hair outside the scale
            clipped: FloatArray = np.clip(out, lo, hi)
            return clipped

        total = _mean(range(len(self._items)))
        subs = {
            name: _mean([self._items.index(m) for m in members])
            for name, members in self._subscales.items()
        }
        return ScoredSurvey(
            total=total,
            subscales=subs,
            n_answered=n_answered,
            keyed=keyed,
            items=self._items,
            respondents=tuple(rows),
            min_required=_required(self._min_answered, len(self._items)),
            scale=self._scale,
        )


# --------------------------------------------------------------------------------------
# Reliability
# --------------------------------------------------------------------------------------


_INSTRUMENT_KEYS = ("items", "scale", "reverse", "subscales", "min_answered", "name")


def _toml_number(value: object) -> float | None:
    """A TOML number as a finite float; None for text, bools, nan, inf or a huge integer."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


def _toml_names(value: object, key: str, sink: Problems, example: str) -> list[str] | None:
    """A list of names (a single name allowed for ``reverse``), else None with a problem."""
    if isinstance(value, str) and key != "items":
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        sink.add(
            f"{key} must be a list of item names in quotes, e.g. {key} = {example}; got {value!r}"[
                :300
            ],
            column=key,
        )
        return None
    return [v.strip() for v in value]


def load_instrument(path: str | os.PathLike[str]) -> Instrument:
    r"""Read an instrument's structure from a TOML file.

    The keys sit in an ``[instrument]`` table (or at the top level): ``items``
    (list of item ids, the response file's column names), ``scale`` (``[min,
    max]``), and optionally ``reverse``, ``min_answered``, ``name`` and an
    ``[instrument.subscales]`` table of name = item list. Only structure, never
    item wording.

    Parameters
    ----------
    path : str or path-like

    Returns
    -------
    Instrument

    Raises
    ------
    MentormatchError
        When the file is missing or not valid TOML; or one error listing every
        problem of its content (:class:`~mentormatch._problems.ProblemsError`,
        with ``problems``): an unknown key (naming the nearest valid one), a
        value of the wrong type (``items = 5``, ``subscales = [...]``), a scale
        that is not two finite numbers with min < max, a reverse or subscale
        item that is not an item, a ``min_answered`` outside (0, 1].

    Examples
    --------
    >>> import pathlib, tempfile
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "instrument.toml"
    >>> _ = p.write_text(
    ...     '[instrument]\nitems = ["q1", "q2", "q3"]\nscale = [1, 5]\nreverse = ["q3"]\n'
    ...     '[instrument.subscales]\ncore = ["q1", "q2"]\n'
    ... )
    >>> load_instrument(p)
    Instrument(items=['q1', 'q2', 'q3'], scale=(1.0, 5.0), reverse=['q3'], subscales={'core': ['q1', 'q2']}, min_answered=0.5)
    >>> _ = p.write_text('[instrument]\nitems = ["q1", "q2"]\nscale = [1, 5]\nrevers = ["q3"]\n')
    >>> load_instrument(p)
    Traceback (most recent call last):
    ...
    mentormatch._problems.ProblemsError: 1 problem in the instrument file:
      ...instrument.toml, column 'revers': unknown key 'revers'; did you mean 'reverse'? The valid keys are items, scale, reverse, subscales, min_answered, name
    """
    data = _toml.load(path, "instrument file")
    sink = Problems(os.fspath(path))
    if "instrument" in data:
        table = data["instrument"]
        _toml.unknown_keys(
            {k: v for k, v in data.items() if k != "instrument"}, ["instrument"], sink
        )
        if not isinstance(table, dict):
            sink.add(
                "[instrument] must be a table of items, scale, ...; write it as a [instrument] "
                f"header, not instrument = {shown(table)}",
                column="instrument",
            )
            sink.raise_if_any("the instrument file")
    else:
        table = data
    _toml.unknown_keys(table, _INSTRUMENT_KEYS, sink)
    for key in ("items", "scale"):
        if key not in table:
            sink.add(
                f"the instrument needs {key} (e.g. "
                + ('items = ["q1", "q2"]' if key == "items" else "scale = [1, 5]")
                + ")",
                column=key,
            )
    items = _toml_names(table["items"], "items", sink, '["q1", "q2"]') if "items" in table else None
    if items is not None:
        if not items:
            sink.add('items is empty; list the items, e.g. items = ["q1", "q2"]', column="items")
        dupes = sorted({i for i in items if items.count(i) > 1})
        if dupes:
            sink.add(f"items lists {dupes} more than once; name each item once", column="items")
    known = items or []

    def check_members(members: list[str], key: str) -> None:
        if items is None:
            return
        for m in members:
            if m not in known:
                sink.add(
                    f"{key} names {m!r}, which is not an item{did_you_mean(m, known)}; the items "
                    f"are {', '.join(known)}",
                    column=key,
                )

    scale: tuple[float, float] | None = None
    if "scale" in table:
        raw = table["scale"]
        bounds = [_toml_number(v) for v in raw] if isinstance(raw, list) else []
        if len(bounds) != 2 or None in bounds:
            sink.add(
                f"scale must be [min, max], two numbers such as [1, 5]; got {shown(raw)}",
                column="scale",
            )
        elif not bounds[0] < bounds[1]:  # type: ignore[operator]
            sink.add(f"scale is {raw!r}: min must be below max, e.g. [1, 5]", column="scale")
        else:
            scale = (float(bounds[0] or 0), float(bounds[1] or 0))
    reverse: list[str] = []
    if "reverse" in table:
        got = _toml_names(table["reverse"], "reverse", sink, '["q3"]')
        if got is not None:
            check_members(got, "reverse")
            reverse = got
    subscales: dict[str, list[str]] = {}
    if "subscales" in table:
        raw_subs = table["subscales"]
        if not isinstance(raw_subs, dict):
            sink.add(
                "subscales must be a table of name = list of items, written as "
                '[instrument.subscales] then growth = ["q4", "q5"]; got '
                f"{shown(raw_subs)}",
                column="subscales",
            )
        else:
            for name, members in raw_subs.items():
                got = _toml_names(members, f"subscales.{name}", sink, '["q1", "q2"]')
                if got is None:
                    continue
                if not got:
                    sink.add(f"subscale {name!r} has no items; list its items", column="subscales")
                check_members(got, f"subscales.{name}")
                subscales[name] = got
    min_answered = 0.5
    if "min_answered" in table:
        share = _toml_number(table["min_answered"])
        if share is None or not 0 < share <= 1:
            sink.add(
                "min_answered is the share of items a respondent must answer, a number in "
                f"(0, 1] such as 0.5; got {shown(table['min_answered'])}",
                column="min_answered",
            )
        else:
            min_answered = share
    if "name" in table and not isinstance(table["name"], str):
        sink.add(f"name must be text in quotes; got {shown(table['name'])}", column="name")
    sink.raise_if_any("the instrument file")
    assert items is not None and scale is not None  # else a problem was raised
    try:
        return Instrument(
            items=items,
            scale=scale,
            reverse=reverse,
            subscales=subscales or None,
            min_answered=min_answered,
        )
    except MentormatchError as exc:  # pragma: no cover - every rule is checked above
        sink.add(str(exc), column=exc.field)
        raise ProblemsError(sink.items, "the instrument file") from None


def _items_matrix(data: Any) -> tuple[FloatArray, list[str]]:
    if isinstance(data, ScoredSurvey):
        return data.keyed.astype(np.float64), list(data.items)
    x, names, _ = as_matrix(data, what="data")
    if x.shape[0] == 0 or x.shape[1] == 0:
        raise MentormatchError(
            f"data: need at least one respondent and one item, got shape {x.shape}",
            value=x.shape,
        )
    if np.isinf(x).any():
        raise MentormatchError("data: infinite values cannot be scored", value="inf")
    return x, names


def _pairwise_cov(x: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Pairwise-complete covariance matrix (ddof=1) and its correlation matrix.

    Each covariance uses the rows where both items were answered, with that
    subset's own means, exactly like ``pandas.DataFrame.cov()`` and R's
    ``cov(use="pairwise")``. The correlation matrix is ``cov2cor`` of it
    (``C_ij / sqrt(C_ii C_jj)``, each variance from all answers to that item), as
    R psych does; pandas ``.corr()`` instead recomputes both variances per pair.
    The two agree without missing data.
    """
    k = x.shape[1]
    cov = np.full((k, k), np.nan)
    obs = ~np.isnan(x)
    for i in range(k):
        for j in range(i, k):
            both = obs[:, i] & obs[:, j]
            m = int(both.sum())
            if m < 2:
                continue
            a = x[both, i]
            b = x[both, j]
            if np.ptp(a) == 0 or np.ptp(b) == 0:
                c = 0.0  # exactly: a float mean of equal numbers can miss them by rounding
            else:
                c = float((a - a.mean()) @ (b - b.mean())) / (m - 1)
            cov[i, j] = cov[j, i] = c
    with np.errstate(invalid="ignore", divide="ignore"):
        sd = np.sqrt(np.diag(cov))
        cor = cov / np.outer(sd, sd)
    cor[~np.isfinite(cor)] = np.nan
    return cov, cor


def _prepare(x: FloatArray, missing: str) -> tuple[FloatArray, FloatArray, int]:
    """Covariance, correlation and the n used, under the missing-data policy."""
    if missing == "listwise":
        complete = x[~np.isnan(x).any(axis=1)]
        n = int(complete.shape[0])
        if n < 2:
            k = x.shape[1]
            return np.full((k, k), np.nan), np.full((k, k), np.nan), n
        cov, cor = _pairwise_cov(complete)
        return cov, cor, n
    n = int(((~np.isnan(x)).sum(axis=1) >= 2).sum())
    cov, cor = _pairwise_cov(x)
    return cov, cor, n


def _no_total_variance(cov: FloatArray) -> bool:
    """Whether the total score has no variance: ``sum(C) <= 0``, or so close to 0
    against the size of its terms that only rounding is left."""
    total = float(cov.sum())
    return not total > 64 * np.finfo(np.float64).eps * float(np.abs(cov).sum())


def _is_psd(cov: FloatArray) -> bool:
    """Whether a covariance matrix is positive semidefinite (up to rounding)."""
    eig = np.linalg.eigvalsh(cov)
    return bool(eig.min() >= -1e-10 * max(1.0, float(np.abs(eig).max())))


def _alpha_from_cov(cov: FloatArray) -> float:
    """Alpha of a covariance matrix.  Above 1 only by rounding when the matrix is
    positive semidefinite (then it is 1); a value above 1 is kept only for a matrix
    that is not (pairwise deletion), and is the caller's to flag."""
    k = cov.shape[0]
    if k < 2 or np.isnan(cov).any() or _no_total_variance(cov):
        return math.nan
    alpha = float((k / (k - 1)) * (1.0 - float(np.trace(cov)) / float(cov.sum())))
    if alpha > 1 and _is_psd(cov):
        return 1.0
    return alpha


def _undefined_reason(x: FloatArray, cov: FloatArray, n: int, k: int, missing: str) -> str | None:
    if k < 2:
        return "it needs at least two items (got 1)"
    if n < 2:
        rows = "complete rows" if missing == "listwise" else "respondents with two or more answers"
        return f"it needs at least two {rows} (got {n})"
    if np.isnan(cov).any():
        i, j = (int(v) for v in np.argwhere(np.isnan(cov))[0])
        return (
            f"items {i + 1} and {j + 1} were answered together by fewer than two respondents "
            "(pairwise covariance undefined)"
        )
    if _no_total_variance(cov):
        return "the total score has no variance (everyone gave the same answers)"
    return None


@dataclass(frozen=True, eq=False)
class Reliability(Value):
    """Cronbach's alpha with its Feldt interval and item diagnostics.

    Attributes
    ----------
    alpha : float
        Cronbach's alpha (``nan`` when undefined).
    ci : ConfidenceInterval
        Feldt (1987) interval for alpha.
    n : int
        Respondents used: complete rows (listwise) or rows with at least two
        answered items (pairwise).
    k : int
        Number of items.
    missing : str
        ``"pairwise"`` or ``"listwise"``.
    alpha_if_dropped : dict of str to float
        Alpha of the remaining ``k - 1`` items with each item left out (same rows
        and covariances).
    item_rest : dict of str to float
        Corrected item-total (item-rest) correlation of each item with the sum
        of the other items.

    Examples
    --------
    >>> rel = cronbach_alpha([[1, 2, 1], [2, 3, 3], [4, 4, 3], [3, 3, 4]])
    >>> round(rel.alpha, 4), rel.n, rel.k
    (0.887, 4, 3)
    """

    alpha: float
    ci: ConfidenceInterval
    n: int
    k: int
    missing: str
    alpha_if_dropped: Mapping[str, float] = field(default_factory=dict)
    item_rest: Mapping[str, float] = field(default_factory=dict)

    def summary(self) -> str:
        """A short plain-text report for a slide.

        Examples
        --------
        >>> data = [[4, 5, 4, 4], [3, 3, 2, 3], [4, 4, 5, 4], [2, 3, 2, 1],
        ...         [3, 4, 3, 5], [3, 2, 3, 3], [1, 2, 2, 2], [5, 5, 4, None]]
        >>> print(cronbach_alpha(data).summary())
        Cronbach's alpha = 0.90 (95% CI 0.70 to 0.98); 4 items, 8 respondents
          (pairwise deletion). Weakest item: item4 (item-rest r = 0.67, alpha without it 0.91).
        """
        text = (
            f"Cronbach's alpha = {_fmt(self.alpha)} ({_fmt_ci(self.ci)}); "
            f"{self.k} items, {self.n} respondents\n  ({self.missing} deletion)."
        )
        finite = {k: v for k, v in self.item_rest.items() if not math.isnan(v)}
        if finite:
            worst = min(finite, key=lambda name: finite[name])
            text += (
                f" Weakest item: {_text.plain(worst)} (item-rest r = {finite[worst]:.2f}, "
                f"alpha without it {_fmt(self.alpha_if_dropped.get(worst, math.nan))})."
            )
        return text


def cronbach_alpha(
    data: Any, missing: MissingPolicy | str = "pairwise", confidence: float = 0.95
) -> Reliability:
    """Cronbach's alpha with a Feldt confidence interval and item diagnostics.

    Parameters
    ----------
    data : array-like, pandas.DataFrame, list of dict or ScoredSurvey
        Respondents × items, already reverse-keyed (e.g. ``scored.keyed``);
        ``None``/``NaN`` for skipped answers. A :class:`ScoredSurvey` contributes
        its ``keyed`` matrix and item names.
    missing : {"pairwise", "listwise"}, default "pairwise"
        ``"listwise"`` drops every row with a skipped answer. ``"pairwise"`` builds
        each covariance from the rows that answered both items.
    confidence : float, default 0.95
        Level of the interval.

    Returns
    -------
    Reliability

    Raises
    ------
    MentormatchError
        Unknown ``missing`` (listing the valid values), no data, non-numeric data.

    Warns
    -----
    SurveyWarning
        When alpha is undefined (fewer than two items, fewer than two usable
        respondents, an item pair never answered together, or no variance); the
        value is then ``nan``. Also when pairwise deletion gives an alpha above
        1 (see Notes): the interval is then ``nan``.

    Notes
    -----
    ``alpha = k / (k - 1) * (1 - trace(C) / sum(C))`` with ``C`` the item
    covariance matrix (ddof = 1). The Feldt interval is
    ``[1 - (1 - alpha) F_{a/2}, 1 - (1 - alpha) F_{1-a/2}]`` with upper-tail F
    quantiles on ``(n - 1, (n - 1)(k - 1))`` degrees of freedom, ``a = 1 - confidence``.

    **Which n.** Listwise: the number of complete rows. Pairwise: the number of
    rows with at least two answered items (a row with one answer contributes to no
    covariance; an empty row to nothing). pingouin 0.7.0 instead uses *all* rows
    of the table, before dropping, for both policies: its pairwise interval
    equals ours whenever every row has two or more answers, but its listwise
    interval is too narrow when rows were dropped (it uses the pre-drop n).

    **Alpha above 1.** Alpha cannot exceed 1 for a positive semidefinite ``C``.
    With pairwise deletion each covariance comes from a different set of
    respondents, ``C`` need not be positive semidefinite, and alpha can come out
    above 1. We return that alpha as computed (so it can be compared with other
    packages), warn with the reason, and give an undefined (``nan``) interval:
    Feldt's formula would put both ends above 1, low above high. pingouin 0.7.0
    returns the same alpha with such an inverted interval (e.g. ``[1.156,
    1.002]``) and no word of why. Use ``missing="listwise"``, whose ``C`` is
    always positive semidefinite, for an interval. An alpha above 1 by rounding
    alone (identical items) is 1.

    ``item_rest`` is computed from ``C``: ``cov(i, rest) / sqrt(var(i) var(rest))``
    with ``rest`` the sum of the other items (as R psych's ``r.drop``); with
    listwise deletion it equals the Pearson correlation of the item with the
    rest score. ``alpha_if_dropped`` is alpha of ``C`` without that item's row and
    column (``nan`` when only one item remains).

    Checked against pingouin 0.7.0 ``cronbach_alpha`` (alpha, pairwise interval,
    alpha without each item) and R psych 2.2.9 ``alpha(x, use="pairwise")`` /
    ``use="complete.obs"`` (``raw_alpha``, ``alpha.drop``, ``r.drop``, Feldt bounds).

    References
    ----------
    Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests.
    Psychometrika, 16(3), 297-334.
    Feldt, L. S., Woodruff, D. J., & Salih, F. A. (1987). Statistical inference for
    coefficient alpha. Applied Psychological Measurement, 11(1), 93-103.

    Examples
    --------
    >>> data = [[4, 5, 4, 4], [3, 3, 2, 3], [4, 4, 5, 4], [2, 3, 2, 1],
    ...         [3, 4, 3, 5], [3, 2, 3, 3], [1, 2, 2, 2], [5, 5, 4, None]]
    >>> rel = cronbach_alpha(data)
    >>> round(rel.alpha, 3), rel.n, rel.k
    (0.898, 8, 4)
    >>> rel.ci
    ConfidenceInterval(low=0.6964..., high=0.9770..., level=0.95)
    >>> cronbach_alpha(data, missing="listwise").n
    7
    """
    _check_missing(missing)
    _check_confidence(confidence)
    x, names = _items_matrix(data)
    k = x.shape[1]
    cov, _, n = _prepare(x, missing)
    reason = _undefined_reason(x, cov, n, k, missing)
    if reason is not None:
        _warn(f"Cronbach's alpha is undefined: {reason}; returning nan")
        nan_map = dict.fromkeys(names, math.nan)
        return Reliability(
            math.nan,
            ConfidenceInterval(math.nan, math.nan, confidence),
            n,
            k,
            missing,
            dict(nan_map),
            dict(nan_map),
        )
    alpha = _alpha_from_cov(cov)
    ci = _feldt(alpha, n, k, confidence)
    if alpha > 1:
        _warn(
            f"Cronbach's alpha is {alpha:.3f}, above its maximum of 1: with pairwise "
            "deletion the item covariances come from different respondents and their "
            "matrix is not positive semidefinite. The interval is undefined (nan); use "
            "missing='listwise', or collect the missing answers"
        )
    dropped: dict[str, float] = {}
    rest_r: dict[str, float] = {}
    for j, name in enumerate(names):
        keep = [i for i in range(k) if i != j]
        sub = cov[np.ix_(keep, keep)]
        dropped[name] = _alpha_from_cov(sub) if k > 2 else math.nan
        cov_rest = float(cov[j, keep].sum())
        no_spread = cov[j, j] == 0 or _no_total_variance(sub)
        denom = cov[j, j] * float(sub.sum())
        rest_r[name] = math.nan if no_spread or not denom > 0 else cov_rest / math.sqrt(denom)
    if k == 2:
        _warn("alpha if an item is dropped is undefined with only two items; returning nan")
    no_var = [name for name, r in rest_r.items() if math.isnan(r)]
    if no_var:
        _warn(
            f"item-rest correlation is undefined for {no_var}: no variance in the item "
            "or in the rest score; returning nan"
        )
    return Reliability(alpha, ci, n, k, missing, dropped, rest_r)


def standardized_alpha(data: Any, missing: MissingPolicy | str = "pairwise") -> float:
    """Standardized Cronbach's alpha (alpha of the z-scored items).

    Parameters
    ----------
    data : array-like, pandas.DataFrame, list of dict or ScoredSurvey
        Respondents × items, reverse-keyed; ``None``/``NaN`` for skipped answers.
    missing : {"pairwise", "listwise"}, default "pairwise"
        Missing-data policy for the correlation matrix.

    Returns
    -------
    float
        ``nan`` (with a :class:`SurveyWarning`) when undefined.

    Notes
    -----
    ``alpha_std = k r̄ / (1 + (k - 1) r̄)`` with ``r̄`` the mean off-diagonal
    Pearson correlation. Under ``"pairwise"`` the correlation matrix is
    ``cov2cor`` of the pairwise covariance matrix (as R psych), not pandas'
    per-pair ``.corr()``; the two agree without missing data.

    Checked against R psych 2.2.9 ``alpha()$total$std.alpha`` (identical on the
    pairwise and complete data sets in the tests). pingouin has no standardized alpha.

    References
    ----------
    Cronbach, L. J. (1951). Psychometrika, 16(3), 297-334.

    Examples
    --------
    >>> data = [[4, 5, 4, 4], [3, 3, 2, 3], [4, 4, 5, 4], [2, 3, 2, 1],
    ...         [3, 4, 3, 5], [3, 2, 3, 3], [1, 2, 2, 2], [5, 5, 4, None]]
    >>> round(standardized_alpha(data), 4)
    0.9011
    """
    _check_missing(missing)
    x, _ = _items_matrix(data)
    k = x.shape[1]
    cov, cor, n = _prepare(x, missing)
    reason = _undefined_reason(x, cov, n, k, missing)
    if reason is None and np.isnan(cor).any():
        reason = "an item has no variance, so its correlations are undefined"
    if reason is not None:
        _warn(f"standardized alpha is undefined: {reason}; returning nan")
        return math.nan
    rbar = float(cor[np.triu_indices(k, 1)].mean())
    return float(k * rbar / (1 + (k - 1) * rbar))


@dataclass(frozen=True, eq=False)
class Omega(Value):
    """McDonald's omega total from a one-factor model.

    Attributes
    ----------
    omega : float
        Omega total, ``(Σλ)² / ((Σλ)² + Σψ)``.
    loadings : dict of str to float
        Standardized one-factor loadings λ (sign chosen so that Σλ > 0).
    uniquenesses : dict of str to float
        ψ = 1 - λ².
    n : int
        Respondents used (as in :func:`cronbach_alpha`).
    k : int
        Number of items.
    method : str
        ``"minres"``: unweighted least squares on the correlation matrix.
    missing : str
        ``"pairwise"`` or ``"listwise"``.

    Examples
    --------
    >>> om = omega_total(
    ...     [[4, 5, 4, 4], [3, 3, 2, 3], [4, 4, 5, 4], [2, 3, 2, 1], [3, 4, 3, 5], [1, 2, 2, 2]]
    ... )
    >>> om.method, om.k
    ('minres', 4)
    """

    omega: float
    loadings: Mapping[str, float]
    uniquenesses: Mapping[str, float]
    n: int
    k: int
    method: str
    missing: str

    def summary(self) -> str:
        """A short plain-text report for a slide.

        Examples
        --------
        >>> data = [[4, 5, 4, 4], [3, 3, 2, 3], [4, 4, 5, 4], [2, 3, 2, 1],
        ...         [3, 4, 3, 5], [3, 2, 3, 3], [1, 2, 2, 2], [5, 5, 4, None]]
        >>> print(omega_total(data).summary())
        McDonald's omega total = 0.90 (one-factor minres fit); 4 items, 8 respondents.
        """
        return (
            f"McDonald's omega total = {_fmt(self.omega)} (one-factor {self.method} fit); "
            f"{self.k} items, {self.n} respondents."
        )


def _fit_one_factor_minres(cor: FloatArray) -> FloatArray:
    """One-factor minres (ULS) loadings: minimise Σ_{i<j} (r_ij - λ_i λ_j)²."""
    k = cor.shape[0]
    iu = np.triu_indices(k, 1)
    target = cor[iu]
    try:
        smc = 1.0 - 1.0 / np.diag(np.linalg.inv(cor))
    except np.linalg.LinAlgError:
        smc = np.full(k, 0.5)
    start = np.sqrt(np.clip(smc, 0.05, 0.95))

    def resid(lam: FloatArray) -> FloatArray:
        r: FloatArray = np.outer(lam, lam)[iu] - target
        return r

    def jac(lam: FloatArray) -> FloatArray:
        out = np.zeros((target.size, k))
        rows = np.arange(target.size)
        out[rows, iu[0]] = lam[iu[1]]
        out[rows, iu[1]] = lam[iu[0]]
        return out

    fit = optimize.least_squares(
        resid, start, jac=jac, bounds=(-1.0, 1.0), xtol=1e-14, ftol=1e-14, gtol=1e-14
    )
    lam = np.asarray(fit.x, dtype=np.float64)
    if lam.sum() < 0:
        lam = -lam
    return lam


def omega_total(data: Any, missing: MissingPolicy | str = "pairwise") -> Omega:
    """McDonald's omega total from a one-factor minres model fitted here.

    Parameters
    ----------
    data : array-like, pandas.DataFrame, list of dict or ScoredSurvey
        Respondents × items, reverse-keyed; ``None``/``NaN`` for skipped answers.
    missing : {"pairwise", "listwise"}, default "pairwise"
        Missing-data policy for the correlation matrix.

    Returns
    -------
    Omega

    Warns
    -----
    SurveyWarning
        Fewer than three items (a one-factor model is not identified), too few
        respondents, no variance (``nan`` returned), or a Heywood case (a loading
        at ±1, i.e. a uniqueness of 0: the fit is at its boundary).

    Notes
    -----
    The one-factor model is fitted to the Pearson correlation matrix by minimum
    residual (minres = unweighted least squares): the loadings λ minimise the sum
    of squared off-diagonal residuals ``Σ_{i<j} (r_ij - λ_i λ_j)²`` (scipy
    ``least_squares``, start at the square roots of the squared multiple
    correlations, loadings bounded to [-1, 1]). Then
    ``omega_total = (Σλ)² / ((Σλ)² + Σ(1 - λ²))`` (McDonald 1999), the model-implied
    share of total-score variance due to the common factor.

    Checked against R psych 2.2.9: ``fa(x, nfactors=1, fm="minres")`` loadings
    (agree to ~1e-5, psych stops its optimiser earlier) and
    ``omega(x, nfactors=1)$omega.tot``. psych's ``omega.tot`` divides by the
    *observed* total variance ``sum(R)`` instead of the model-implied one; the two
    agree when the model fits (1e-6 on the test data). No dependency on
    factor_analyzer.

    References
    ----------
    McDonald, R. P. (1999). Test theory: A unified treatment. Erlbaum.
    Harman, H. H., & Jones, W. H. (1966). Factor analysis by minimizing residuals
    (minres). Psychometrika, 31(3), 351-368.

    Examples
    --------
    >>> data = [[4, 5, 4, 4], [3, 3, 2, 3], [4, 4, 5, 4], [2, 3, 2, 1],
    ...         [3, 4, 3, 5], [3, 2, 3, 3], [1, 2, 2, 2], [5, 5, 4, None]]
    >>> om = omega_total(data)
    >>> round(om.omega, 3), round(om.loadings["item1"], 3)
    (0.904, 0.925)
    """
    _check_missing(missing)
    x, names = _items_matrix(data)
    k = x.shape[1]
    cov, cor, n = _prepare(x, missing)
    reason = _undefined_reason(x, cov, n, k, missing)
    if reason is None and k < 3:
        reason = "a one-factor model needs at least three items to be identified"
    if reason is None and np.isnan(cor).any():
        reason = "an item has no variance, so its correlations are undefined"
    if reason is not None:
        _warn(f"omega total is undefined: {reason}; returning nan")
        nan_map = dict.fromkeys(names, math.nan)
        return Omega(math.nan, dict(nan_map), dict(nan_map), n, k, "minres", missing)
    lam = _fit_one_factor_minres(cor)
    if np.any(np.abs(lam) > 0.999):
        _warn(
            "Heywood case in the one-factor fit: a loading reached ±1 (uniqueness 0); "
            "omega total is at the boundary and may overstate reliability"
        )
    psi = 1.0 - lam**2
    s = float(lam.sum())
    omega = s**2 / (s**2 + float(psi.sum()))
    return Omega(
        omega,
        {nm: float(v) for nm, v in zip(names, lam, strict=True)},
        {nm: float(v) for nm, v in zip(names, psi, strict=True)},
        n,
        k,
        "minres",
        missing,
    )


# --------------------------------------------------------------------------------------
# Net Promoter Score
# --------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class NPS(Value):
    """A Net Promoter Score with its adjusted-Wald interval.

    Attributes
    ----------
    score : float
        % promoters - % detractors, on -100..100 (unadjusted).
    promoters, passives, detractors : int
        Counts of answers 9-10, 7-8 and 0-6.
    n : int
        Answers counted (skipped answers excluded).
    n_skipped : int
        ``None``/``NaN`` answers.
    ci : ConfidenceInterval
        Interval for the score on -100..100.
    method : str
        ``"adjusted-wald"``.

    Examples
    --------
    >>> r = nps([10, 9, 8, 3])
    >>> r.score, r.promoters, r.passives, r.detractors
    (25.0, 2, 1, 1)
    """

    score: float
    promoters: int
    passives: int
    detractors: int
    n: int
    n_skipped: int
    ci: ConfidenceInterval
    method: str

    def summary(self) -> str:
        """A short plain-text report for a slide.

        Examples
        --------
        >>> print(nps([10, 9, 9, 8, 7, 3, None]).summary())
        NPS +33 (95% CI -27 to +71) from 6 answers: 50% promoters, 33% passives,
          17% detractors; 1 skipped.
        """
        pct = [100.0 * c / self.n for c in (self.promoters, self.passives, self.detractors)]
        return (
            f"NPS {_fmt(self.score, 0, sign=True)} ({_fmt_ci(self.ci, 0, sign=True)}) "
            f"from {self.n} answers: {pct[0]:.0f}% promoters, {pct[1]:.0f}% passives,\n"
            f"  {pct[2]:.0f}% detractors; {self.n_skipped} skipped."
        )


def nps(answers: Any, confidence: float = 0.95) -> NPS:
    """Net Promoter Score with an adjusted-Wald confidence interval.

    Parameters
    ----------
    answers : sequence of int, numpy array or pandas.Series
        Likelihood-to-recommend answers on 0..10; ``None``/``NaN`` = skipped.
    confidence : float, default 0.95
        Level of the interval.

    Returns
    -------
    NPS

    Raises
    ------
    MentormatchError
        An answer outside 0..10 or not a whole number (naming its position), or no
        answers at all.

    Notes
    -----
    Promoters answer 9-10, passives 7-8, detractors 0-6;
    ``score = 100 (P - D) / n``. The interval is the adjusted-Wald interval
    recommended by Rocks (2016) in the form published by Sauro & Lewis
    (MeasuringU, 2021): add 3 pseudo-observations, ¾ to the promoters and ¾ to the
    detractors (so 1.5 to the passives), ``n' = n + 3``,
    ``p' = (P + 0.75) / n'``, ``d' = (D + 0.75) / n'``,
    ``var = p' + d' - (p' - d')²``, and
    ``100 [(p' - d') ± z sqrt(var / n')]``, clipped to [-100, 100]. It does not
    collapse when every answer is a promoter. The interval is centred on the
    adjusted score ``p' - d'``, not on ``score``; when that puts ``score`` outside
    it (only for unanimous or near-unanimous samples: at 95% only when n = 1, at
    90% for unanimous samples of n <= 4, more often at lower levels) the bound is
    extended to ``score``, so the interval always contains the reported score.
    This extension is ours, not part of the published recipe.

    Checked against an independent re-implementation of the published recipe (R
    4.2 arithmetic, values pinned in the tests); no mainstream Python package
    implements it. R package NPS (Rocks) offers a plain Wald interval, which
    collapses to zero width at 100% promoters.

    References
    ----------
    Rocks, B. (2016). Interval estimation for the "net promoter score". The
    American Statistician, 70(4), 365-372.
    Lewis, J. R., & Sauro, J. (2021). Evaluating NPS confidence intervals with
    real-world data. MeasuringU. https://measuringu.com/nps-three-confidence-intervals/

    Examples
    --------
    >>> r = nps([10, 10, 9, 9, 8, 7, 6, 3, None])
    >>> r.score, r.n, r.n_skipped
    (25.0, 8, 1)
    >>> r.ci
    ConfidenceInterval(low=-29.4167..., high=65.7803..., level=0.95)
    >>> nps([10] * 20).ci.high > nps([10] * 20).ci.low
    True
    """
    _check_confidence(confidence)
    v = as_vector(answers, what="answers")
    skipped = np.isnan(v)
    vals = v[~skipped]
    bad = (vals < 0) | (vals > 10) | (vals != np.round(vals))
    if bad.any():
        pos = np.flatnonzero(~skipped)[np.flatnonzero(bad)[0]]
        raise MentormatchError(
            f"answers[{pos}]: {v[pos]:g} is not a whole number on the 0..10 scale",
            field="answers",
            participant_id=f"row {pos}",
            value=float(v[pos]),
        )
    n = int(vals.size)
    if n == 0:
        raise MentormatchError(
            f"answers: no answers to score ({int(skipped.sum())} skipped)", field="answers"
        )
    pro = int((vals >= 9).sum())
    det = int((vals <= 6).sum())
    pas = n - pro - det
    score = 100.0 * (pro - det) / n
    z = float(stats.norm.isf((1 - confidence) / 2))
    n_adj = n + 3.0
    p_adj = (pro + 0.75) / n_adj
    d_adj = (det + 0.75) / n_adj
    centre = p_adj - d_adj
    var = p_adj + d_adj - centre**2
    half = z * math.sqrt(var / n_adj)
    low = max(-100.0, 100.0 * (centre - half))
    high = min(100.0, 100.0 * (centre + half))
    # The adjusted interval is centred on the shrunken score; for (near-)unanimous small
    # samples or low confidence levels it can miss the observed score. Extend it to the
    # observed score then, so the reported interval always contains the reported score.
    ci = ConfidenceInterval(min(low, score), max(high, score), confidence)
    return NPS(score, pro, pas, det, n, int(skipped.sum()), ci, "adjusted-wald")


# --------------------------------------------------------------------------------------
# Pre/post change
# --------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class PairedChange(Value):
    """Matched before/after change (``diff = post - pre``).

    Attributes
    ----------
    n : int
        Pairs with both values.
    mean_diff : float
        Mean of ``post - pre``.
    ci : ConfidenceInterval
        t interval for ``mean_diff``.
    t : float
        Paired t statistic.
    df : int
        ``n - 1``.
    p : float
        Two-sided p-value of the paired t test.
    d_z : float
        ``mean(diff) / sd(diff)`` (Cohen's d_z).
    g_z : float
        Hedges-corrected d_z: ``d_z * (1 - 3 / (4 df - 1))``.
    d_av : float
        ``mean(diff) / ((sd_pre + sd_post) / 2)`` (Cumming's d_av, as printed in
        Lakens 2013).
    wilcoxon_w : float
        Wilcoxon signed-rank statistic W+ = sum of the ranks of positive
        differences (zeros dropped), as R's ``V``.
    wilcoxon_p : float
        Two-sided Wilcoxon p-value (see :attr:`wilcoxon_method`).
    rank_biserial : float
        Matched-pairs rank-biserial correlation ``(W+ - W-) / (W+ + W-)``; positive
        when post tends to exceed pre.
    wilcoxon_method : str
        ``"exact"`` or ``"normal approximation"``.
    n_dropped : int
        Pairs dropped because a value was missing.

    Examples
    --------
    >>> ch = pre_post([2, 3, 3, 4], [3, 4, 5, 4])
    >>> ch.n, ch.mean_diff, ch.df
    (4, 1.0, 3)
    """

    n: int
    mean_diff: float
    ci: ConfidenceInterval
    t: float
    df: int
    p: float
    d_z: float
    g_z: float
    d_av: float
    wilcoxon_w: float
    wilcoxon_p: float
    rank_biserial: float
    wilcoxon_method: str = "exact"
    n_dropped: int = 0

    def summary(self) -> str:
        """A short plain-text report for a slide.

        Examples
        --------
        >>> print(pre_post([2, 3, 3, 4, 2, 3], [3, 4, 5, 4, 4, 3]).summary())
        Mean change +1.00 (95% CI +0.06 to +1.94) across 6 matched pairs.
          Paired t(5) = 2.74, p = 0.041; Wilcoxon p = 0.095 (normal approximation);
          d_z = 1.12, rank-biserial r = 1.00.
        """
        text = (
            f"Mean change {_fmt(self.mean_diff, sign=True)} ({_fmt_ci(self.ci, sign=True)}) "
            f"across {self.n} matched pairs"
        )
        if self.n_dropped:
            plural = "s" if self.n_dropped > 1 else ""
            text += f" ({self.n_dropped} incomplete pair{plural} left out)"
        return text + (
            f".\n  Paired t({self.df}) = {_fmt(self.t)}, {_fmt_p(self.p)}; "
            f"Wilcoxon {_fmt_p(self.wilcoxon_p)} ({self.wilcoxon_method});\n"
            f"  d_z = {_fmt(self.d_z)}, rank-biserial r = {_fmt(self.rank_biserial)}."
        )


def _wilcoxon(diff: FloatArray) -> tuple[float, float, float, str]:
    """W+, p, rank-biserial and method name for the differences."""
    nz = diff[diff != 0]
    m = int(nz.size)
    if m == 0:
        _warn("Wilcoxon test is undefined: every pair has zero change; returning nan")
        return math.nan, math.nan, math.nan, "undefined"
    ranks = stats.rankdata(np.abs(nz))
    w_plus = float(ranks[nz > 0].sum())
    w_minus = float(ranks[nz < 0].sum())
    rbc = (w_plus - w_minus) / (w_plus + w_minus)
    has_ties = np.unique(np.abs(nz)).size < m
    has_zeros = m < diff.size
    exact = m < 50 and not has_ties and not has_zeros
    method = "exact" if exact else "normal approximation"
    with warnings.catch_warnings():
        # scipy < 1.11 warns that n < 10 is small for the normal approximation;
        # we state the method in the result instead.
        warnings.filterwarnings("ignore", message=".*[Ss]ample size too small.*")
        res = stats.wilcoxon(
            nz,
            zero_method="wilcox",
            correction=not exact,
            alternative="two-sided",
            method="exact" if exact else "approx",
        )
    return w_plus, float(res.pvalue), rbc, method


def pre_post(pre: Any, post: Any, confidence: float = 0.95) -> PairedChange:
    """Describe matched before/after change with a t interval, tests and effect sizes.

    Parameters
    ----------
    pre, post : sequence of float, numpy array or pandas.Series
        Scores of the same people before and after (same length and order);
        ``None``/``NaN`` for a missing score. Pairs missing either value are dropped.
    confidence : float, default 0.95
        Level of the interval for the mean change.

    Returns
    -------
    PairedChange

    Raises
    ------
    MentormatchError
        Different lengths, non-numeric values, or no complete pair.

    Warns
    -----
    SurveyWarning
        Fewer than two pairs, identical changes for everyone (sd of the differences
        is 0), or all changes zero; the affected statistics are ``nan``.

    Notes
    -----
    ``diff = post - pre``; ``mean_diff ± t_{1-a/2, n-1} sd(diff) / sqrt(n)``;
    ``t = mean(diff) / (sd(diff) / sqrt(n))`` with a two-sided p-value on ``n - 1``
    df (identical to ``scipy.stats.ttest_rel(post, pre)``).
    Effect sizes: ``d_z = mean(diff) / sd(diff)``; ``g_z = d_z (1 - 3 / (4 (n - 1) - 1))``
    (Hedges' approximate small-sample correction); ``d_av = mean(diff) /
    ((sd_pre + sd_post) / 2)`` with the SDs of the complete pairs (ddof = 1).

    Differences that are equal but for floating-point rounding (``0.3 - 0.1`` and
    ``0.4 - 0.2``; within 8 units in the last place of the largest score) are taken
    as equal, and as zero when they are zero but for rounding, before the
    Wilcoxon ranks, ties and zeros, and the "everyone changed alike" check are
    decided (R's ``wilcox.test(digits.rank=)`` offers the like; scipy and pingouin
    rank the raw floats).

    Wilcoxon signed-rank: zero differences are dropped (``zero_method="wilcox"``);
    the p-value is exact when fewer than 50 non-zero differences remain and there are
    no ties and no zeros, otherwise the normal approximation with tie-corrected
    variance and continuity correction. This is R's ``wilcox.test(post, pre,
    paired=TRUE)`` rule; ``W`` is R's ``V`` (sum of positive ranks). scipy's
    default ``method="auto"`` (and so pingouin 0.7.0) uses the exact distribution
    even with ties, and reports ``min(W+, W-)``.

    Checked against R 4.2.2 ``t.test(post, pre, paired=TRUE)`` and ``wilcox.test``
    (t, df, p, interval, V, p) and pingouin 0.7.0 (``ttest`` paired, ``wilcoxon``
    RBC, ``compute_effsize(..., eftype="cohen_dz")`` and Hedges g of the
    differences). pingouin's paired ``cohen`` is ``mean(diff) / sqrt((var_pre +
    var_post) / 2)`` (Cumming's RMS form), not ``d_av`` as defined here.

    References
    ----------
    Lakens, D. (2013). Calculating and reporting effect sizes to facilitate
    cumulative science. Frontiers in Psychology, 4, 863.
    Kerby, D. S. (2014). The simple difference formula: an approach to teaching
    nonparametric correlation. Comprehensive Psychology, 3, 11.IT.3.1.
    Hedges, L. V. (1981). Distribution theory for Glass's estimator of effect size.
    Journal of Educational Statistics, 6(2), 107-128.

    Examples
    --------
    >>> ch = pre_post([3, 2, 4, 3, 2, None], [4, 3, 4, 5, 3, 4])
    >>> ch.n, ch.n_dropped, round(ch.mean_diff, 2)
    (5, 1, 1.0)
    >>> round(ch.t, 3), round(ch.p, 4)
    (3.162, 0.0341)
    """
    _check_confidence(confidence)
    a = as_vector(pre, what="pre")
    b = as_vector(post, what="post")
    if a.shape != b.shape:
        raise MentormatchError(
            f"pre and post must have the same length (one entry per person), got "
            f"{a.size} and {b.size}",
            field="post",
            value=(a.size, b.size),
        )
    if np.isinf(a).any() or np.isinf(b).any():
        raise MentormatchError("pre/post: infinite values cannot be scored", value="inf")
    ok = ~np.isnan(a) & ~np.isnan(b)
    n = int(ok.sum())
    if n == 0:
        raise MentormatchError("pre_post: no person has both a pre and a post value")
    a, b = a[ok], b[ok]
    diff = b - a
    # changes equal but for rounding (0.3 - 0.1 and 0.4 - 0.2) are equal; zero is zero
    snapped = _snap(diff, _rounding(a, b))
    mean_diff = float(diff.mean())
    nan_ci = ConfidenceInterval(math.nan, math.nan, confidence)
    df = n - 1
    if n < 2:
        _warn("pre_post: one pair gives no spread, so t, p, the interval and effect sizes are nan")
        w, wp, rbc, method = _wilcoxon(snapped)
        return PairedChange(
            n, mean_diff, nan_ci, math.nan, df, math.nan, math.nan, math.nan, math.nan,
            w, wp, rbc, method, int((~ok).sum()),
        )  # fmt: skip
    sd = float(diff.std(ddof=1))
    if np.ptp(snapped) > 0:
        se = sd / math.sqrt(n)
        t = mean_diff / se
        p = float(2 * stats.t.sf(abs(t), df))
        crit = float(stats.t.isf((1 - confidence) / 2, df))
        ci = ConfidenceInterval(mean_diff - crit * se, mean_diff + crit * se, confidence)
        d_z = mean_diff / sd
        g_z = d_z * (1 - 3 / (4 * df - 1)) if df > 0 else math.nan
    else:
        _warn(
            "pre_post: every person changed by exactly the same amount (sd of the "
            "differences is 0), so t, p, the interval, d_z and g_z are nan"
        )
        t = p = d_z = g_z = math.nan
        ci = nan_ci
    sd_avg = (float(a.std(ddof=1)) + float(b.std(ddof=1))) / 2
    if np.ptp(a) > 0 or np.ptp(b) > 0:
        d_av = mean_diff / sd_avg
    else:
        _warn("pre_post: neither pre nor post scores vary, so d_av is nan")
        d_av = math.nan
    w, wp, rbc, method = _wilcoxon(snapped)
    return PairedChange(
        n, mean_diff, ci, t, df, p, d_z, g_z, d_av, w, wp, rbc, method, int((~ok).sum())
    )


# --------------------------------------------------------------------------------------
# Goal attainment scaling
# --------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class GoalAttainment(Value):
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
) -> GoalAttainment:
    """Kiresuk-Sherman goal attainment scaling (GAS) T-scores.

    Parameters
    ----------
    attainment : array-like
        Attainment levels on -2..+2 (0 = expected outcome). 1-D for one person
        (one entry per goal) or 2-D with rows = people and columns = goals;
        ``None``/``NaN`` for a goal not rated.
    weights : sequence of float, optional
        One positive weight per goal column (default: all 1).
    rho : float, default 0.3
        Assumed intercorrelation of goal scores, in [0, 1).

    Returns
    -------
    GoalAttainment

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
    return GoalAttainment(t, rated.sum(axis=1).astype(np.int64), w, float(rho))


def _gas_matrix(attainment: Any) -> tuple[FloatArray, list[str], list[str]]:
    if not hasattr(attainment, "columns"):
        arr = np.asarray(attainment, dtype=object)
        if arr.ndim == 1:
            v = as_vector(attainment, what="attainment")
            return v.reshape(1, -1), [f"goal{j + 1}" for j in range(v.size)], ["0"]
    x, names, rows = as_matrix(attainment, what="attainment")
    return x, names, rows
