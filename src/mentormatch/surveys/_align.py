"""Two survey inputs that must pair up, paired by person, never silently by position.

pandas Series (and one-column DataFrames) carry who each answer is from in
their index: two of them are paired by index label, whatever their row order.
A pairing that cannot be made safely is refused with a
:class:`~mentormatch.MentormatchError`:

* a label twice in one index (who is this row?);
* no label in common (two different surveys?);
* labels on one side only, unless the caller says ``align="inner"`` (keep the
  people in both; those on one side count as incomplete pairs);
* a pandas input with a real index paired with a plain list (the list has no
  labels): pass both as pandas objects, or both as plain sequences to pair by
  position. A default ``RangeIndex`` (0, 1, ... n - 1) is position already.
"""

from __future__ import annotations

from typing import Any, Literal

from mentormatch._errors import MentormatchError
from mentormatch._validation import shown
from mentormatch.surveys._input import is_frame, is_series

__all__ = ["Align", "align_pair", "align_to_columns"]

Align = Literal["exact", "inner"]
_ALIGNS = ("exact", "inner")


def _index(data: Any) -> Any:
    return data.index if is_series(data) or is_frame(data) else None


def _is_positional(index: Any) -> bool:
    return type(index).__name__ == "RangeIndex" and index.start == 0 and index.step == 1


def _check_unique(index: Any, what: str) -> None:
    if not index.is_unique:
        twice = list(dict.fromkeys(index[index.duplicated()].tolist()))
        raise MentormatchError(
            f"{what}: the index has {len(twice)} label(s) more than once, e.g. "
            f"{shown(twice[:3])}; each person must appear once to be paired by index "
            "(drop or merge the repeated rows first)",
            field=what,
            value=twice[:3],
        )


def align_pair(
    first: Any, second: Any, *, names: tuple[str, str], align: str = "exact"
) -> tuple[Any, Any, int]:
    """``first`` and ``second`` in the same person order, and how many people were on
    one side only (left out with ``align="inner"``).

    Inputs without an index come back as they are (paired by position).

    Examples
    --------
    >>> import pandas as pd
    >>> a, b, only = align_pair(pd.Series([1, 2], index=["p1", "p2"]),
    ...                         pd.Series([5, 4], index=["p2", "p1"]), names=("pre", "post"))
    >>> b.tolist(), only
    ([4, 5], 0)
    """
    if align not in _ALIGNS:
        raise MentormatchError(
            f"align must be 'exact' (the same people on both sides) or 'inner' (the "
            f"people in both), not {shown(align)}",
            field="align",
            value=align,
        )
    ia, ib = _index(first), _index(second)
    if ia is None and ib is None:
        return first, second, 0
    if ia is None or ib is None:
        labelled, plain = (names[0], names[1]) if ib is None else (names[1], names[0])
        index = ia if ib is None else ib
        if _is_positional(index):
            return first, second, 0
        raise MentormatchError(
            f"{labelled} is a pandas object indexed by person but {plain} has no index, "
            "so they cannot be paired by person; pass both as pandas Series indexed by "
            "person, or both as plain lists (e.g. .to_numpy()) to pair them by position",
            field=plain,
        )
    _check_unique(ia, names[0])
    _check_unique(ib, names[1])
    in_both = ia.isin(ib)
    common = int(in_both.sum())
    if common == 0:
        raise MentormatchError(
            f"{names[0]} and {names[1]} have no index label in common (e.g. "
            f"{shown(ia[:2].tolist())} and {shown(ib[:2].tolist())}), so nobody can be "
            "paired; index both by the same person ids",
            field=names[1],
        )
    only_first = len(ia) - common
    only_second = len(ib) - common
    if (only_first or only_second) and align == "exact":
        lone_a = ia[~in_both][:2].tolist()
        lone_b = ib[~ib.isin(ia)][:2].tolist()
        raise MentormatchError(
            f"{names[0]} and {names[1]} are not about the same people: {only_first} only "
            f"in {names[0]} (e.g. {shown(lone_a)}), {only_second} only in {names[1]} "
            f"(e.g. {shown(lone_b)}); pass align='inner' to use the {common} people in "
            "both (the others count as incomplete pairs), or fix the exports",
            field=names[1],
            value=(only_first, only_second),
        )
    order = ia[in_both]
    return first.loc[order], second.loc[order], only_first + only_second


def align_to_columns(values: Any, columns: list[str], *, what: str, labelled: bool) -> Any:
    """``values`` (one per column of a table) in the table's column order.

    A pandas Series indexed by column name is reordered to ``columns``; its labels
    must be exactly the column names. A plain sequence (or a default index) is
    taken in column order.

    Examples
    --------
    >>> import pandas as pd
    >>> align_to_columns(pd.Series([2.0, 1.0], index=["b", "a"]), ["a", "b"],
    ...                  what="weights", labelled=True).tolist()
    [1.0, 2.0]
    """
    index = _index(values)
    if index is None or _is_positional(index):
        return values
    if not labelled:
        raise MentormatchError(
            f"{what} is indexed by name, but the table has no column names to pair it "
            f"with; pass the table as a DataFrame, or {what} as a plain list in column order",
            field=what,
        )
    _check_unique(index, what)
    labels = [str(v) for v in index]
    missing = [c for c in columns if c not in labels]
    extra = [label for label in labels if label not in columns]
    if missing or extra:
        raise MentormatchError(
            f"{what}: the index must name each column once; missing {shown(missing[:3])}, "
            f"not a column {shown(extra[:3])}",
            field=what,
            value=(missing[:3], extra[:3]),
        )
    return values.iloc[[labels.index(c) for c in columns]]
