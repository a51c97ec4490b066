"""A questionnaire declared as an :class:`Instrument` (items, declared scale,
reverse-keyed items, subscales, proration) and the :class:`ScoredSurvey` it makes."""

# Just over 600 lines: the Instrument, its ScoredSurvey, and the TOML file that
# declares one (load_instrument and its per-key checks), one concept.

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from mentormatch._errors import MentormatchError
from mentormatch._files import toml as _toml
from mentormatch._frames import Column, Tabular
from mentormatch._problems import Problems, ProblemsError, did_you_mean, ordered, shown
from mentormatch._stats import decimal as _decimal
from mentormatch._validation import finite
from mentormatch._values import Value
from mentormatch.surveys._input import FloatArray, as_matrix
from mentormatch.surveys._shared import _fmt

__all__ = ["Instrument", "ScoredSurvey", "load_instrument"]


def _required(min_answered: float, n_items: int) -> int:
    # exact: ceil(0.7 * 10) is 7, although 0.7 * 10 is 7.000000000000001 in floating point
    return max(1, math.ceil(_decimal(min_answered) * n_items))


@dataclass(frozen=True, eq=False)
class ScoredSurvey(Tabular, Value):
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

    _display_skip = ("total", "subscales", "n_answered", "keyed", "respondents")

    @property
    def _columns(self) -> tuple[Column, ...]:  # type: ignore[override]
        subscales = tuple(Column(f"subscale_{name}", "float") for name in self.subscales)
        return (
            Column("respondent", "text"),
            Column("total", "float"),
            *subscales,
            Column("n_answered", "count"),
        )

    def _records(self) -> list[dict[str, Any]]:
        columns = {"total": self.total.tolist(), "n_answered": self.n_answered.tolist()}
        columns |= {f"subscale_{k}": v.tolist() for k, v in self.subscales.items()}
        return [
            {"respondent": who, **{k: v[i] for k, v in columns.items()}}
            for i, who in enumerate(self.respondents)
        ]

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


_INSTRUMENT_KEYS = ("items", "scale", "reverse", "subscales", "min_answered", "name")


def _toml_names(value: object, key: str, *, sink: Problems, example: str) -> list[str] | None:
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
    table = _instrument_table(data, sink)
    _toml.unknown_keys(table, _INSTRUMENT_KEYS, sink)
    for key in ("items", "scale"):
        if key not in table:
            sink.add(
                f"the instrument needs {key} (e.g. "
                + ('items = ["q1", "q2"]' if key == "items" else "scale = [1, 5]")
                + ")",
                column=key,
            )
    items = _items_of(table, sink)
    scale = _scale_of(table, sink)
    reverse: list[str] = []
    if "reverse" in table:
        got = _toml_names(table["reverse"], "reverse", sink=sink, example='["q3"]')
        if got is not None:
            _check_members(got, "reverse", items=items, sink=sink)
            reverse = got
    subscales = _subscales_of(table, items, sink)
    min_answered = _min_answered_of(table, sink)
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


def _instrument_table(data: dict[str, Any], sink: Problems) -> dict[str, Any]:
    """The instrument's keys: an ``[instrument]`` table, or the whole file."""
    if "instrument" not in data:
        return data
    table = data["instrument"]
    _toml.unknown_keys({k: v for k, v in data.items() if k != "instrument"}, ["instrument"], sink)
    if isinstance(table, dict):
        return table
    sink.add(
        "[instrument] must be a table of items, scale, ...; write it as a [instrument] "
        f"header, not instrument = {shown(table)}",
        column="instrument",
    )
    raise ProblemsError(ordered(sink.items), "the instrument file")


def _items_of(table: Mapping[str, Any], sink: Problems) -> list[str] | None:
    """``items``: a non-empty list of distinct names (None when missing or bad)."""
    items = (
        _toml_names(table["items"], "items", sink=sink, example='["q1", "q2"]')
        if "items" in table
        else None
    )
    if items is not None:
        if not items:
            sink.add('items is empty; list the items, e.g. items = ["q1", "q2"]', column="items")
        dupes = sorted({i for i in items if items.count(i) > 1})
        if dupes:
            sink.add(f"items lists {dupes} more than once; name each item once", column="items")
    return items


def _check_members(
    members: list[str], key: str, *, items: list[str] | None, sink: Problems
) -> None:
    """Every member of ``reverse`` or a subscale must be an item."""
    if items is None:
        return
    for m in members:
        if m not in items:
            sink.add(
                f"{key} names {m!r}, which is not an item{did_you_mean(m, items)}; the items "
                f"are {', '.join(items)}",
                column=key,
            )


def _scale_of(table: Mapping[str, Any], sink: Problems) -> tuple[float, float] | None:
    """``scale``: two numbers, min below max."""
    scale: tuple[float, float] | None = None
    if "scale" in table:
        raw = table["scale"]
        bounds = [finite(v) for v in raw] if isinstance(raw, list) else []
        if len(bounds) != 2 or None in bounds:
            sink.add(
                f"scale must be [min, max], two numbers such as [1, 5]; got {shown(raw)}",
                column="scale",
            )
        elif not bounds[0] < bounds[1]:  # type: ignore[operator]
            sink.add(f"scale is {raw!r}: min must be below max, e.g. [1, 5]", column="scale")
        else:
            scale = (float(bounds[0] or 0), float(bounds[1] or 0))
    return scale


def _subscales_of(
    table: Mapping[str, Any], items: list[str] | None, sink: Problems
) -> dict[str, list[str]]:
    """``subscales``: name -> items, each an item of the instrument."""
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
                got = _toml_names(members, f"subscales.{name}", sink=sink, example='["q1", "q2"]')
                if got is None:
                    continue
                if not got:
                    sink.add(f"subscale {name!r} has no items; list its items", column="subscales")
                _check_members(got, f"subscales.{name}", items=items, sink=sink)
                subscales[name] = got
    return subscales


def _min_answered_of(table: Mapping[str, Any], sink: Problems) -> float:
    """``min_answered``: a share in (0, 1], 0.5 when not given."""
    min_answered = 0.5
    if "min_answered" in table:
        share = finite(table["min_answered"])
        if share is None or not 0 < share <= 1:
            sink.add(
                "min_answered is the share of items a respondent must answer, a number in "
                f"(0, 1] such as 0.5; got {shown(table['min_answered'])}",
                column="min_answered",
            )
        else:
            min_answered = share
    return min_answered
