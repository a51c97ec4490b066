"""Tables of results as pandas DataFrames: one builder, typed by a column spec.

A tabular result declares its columns once (:class:`Column`: a name and a kind)
and yields its rows as records (dicts); :func:`frame` builds the DataFrame with
one dtype per kind, whatever the rows hold:

========  =====================  ==============================================
kind      dtype                  missing
========  =====================  ==============================================
``id``    ``string`` (pandas)    ``<NA>``
``text``  ``string`` (pandas)    ``<NA>``
``date``  ``datetime64[ns]``     ``NaT``
``count`` ``int64``; ``Int64``   ``<NA>`` (only where the column may be missing,
          when nullable          e.g. a suppressed group's ``n``)
``float`` ``float64``            ``NaN`` (a suppressed rate is NaN, never the number)
``bool``  ``bool``               never missing
========  =====================  ==============================================

pandas is the optional ``pandas`` extra, imported only when a frame is built.
The same records feed the HTML display (:mod:`mentormatch._display`), so a
notebook's table and the DataFrame show the same rows.

>>> spec = (Column("mentee_id", "id"), Column("n", "count", nullable=True))
>>> df = frame([{"mentee_id": "e1", "n": 3}, {"mentee_id": "e2", "n": None}], spec)
>>> df.dtypes.astype(str).to_dict()
{'mentee_id': 'string', 'n': 'Int64'}
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Column", "Tabular", "frame", "need_pandas"]

Kind = Literal["id", "text", "date", "count", "float", "bool"]
_KINDS = ("id", "text", "date", "count", "float", "bool")


@dataclass(frozen=True)
class Column:
    """One column of a result's table: its name, kind (see the module), and whether
    a count may be missing (then ``Int64``, pandas' nullable integer)."""

    name: str
    kind: Kind
    nullable: bool = False

    def __post_init__(self) -> None:
        if self.kind not in _KINDS:  # pragma: no cover - a programming error in a spec
            raise ValueError(f"unknown column kind {self.kind!r}; one of {_KINDS}")

    @property
    def dtype(self) -> str:
        """The pandas dtype of the column, as pandas names it."""
        if self.kind in ("id", "text"):
            return "string"
        if self.kind == "date":
            return "datetime64[ns]"
        if self.kind == "count":
            return "Int64" if self.nullable else "int64"
        return "float64" if self.kind == "float" else "bool"


def need_pandas(what: str = "to_dataframe") -> Any:
    """pandas, imported now; an ``ImportError`` naming the extra when it is missing."""
    try:
        import pandas
    except ImportError as exc:
        raise ImportError(
            f"{what} needs pandas, the optional 'pandas' extra: "
            "pip install 'mentormatch-engine[pandas]'"
        ) from exc
    return pandas


def _as_date(value: object) -> object:
    if isinstance(value, _dt.datetime):
        return value.replace(tzinfo=None) if value.tzinfo is None else value
    if isinstance(value, _dt.date):
        return _dt.datetime(value.year, value.month, value.day)
    return value


def frame(records: Iterable[Mapping[str, Any]], columns: Sequence[Column]) -> pd.DataFrame:
    """``records`` as a DataFrame with exactly ``columns``, in order, each of its kind's dtype.

    A value missing from a record (or None) is the column's missing value.

    Examples
    --------
    >>> from datetime import date
    >>> spec = (Column("day", "date"), Column("rate", "float"), Column("ok", "bool"))
    >>> frame([{"day": date(2026, 1, 2), "rate": None, "ok": True}], spec).dtypes.astype(str).tolist()
    ['datetime64[ns]', 'float64', 'bool']
    """
    pandas = need_pandas()
    rows = list(records)
    data: dict[str, Any] = {}
    for col in columns:
        values = [row.get(col.name) for row in rows]
        if col.kind in ("id", "text"):
            data[col.name] = pandas.array(
                [None if v is None else str(v) for v in values], dtype="string"
            )
        elif col.kind == "date":
            data[col.name] = pandas.to_datetime(
                pandas.Series([_as_date(v) for v in values], dtype=object)
            ).astype("datetime64[ns]")
        elif col.kind == "count":
            data[col.name] = pandas.array(values, dtype=col.dtype)
        elif col.kind == "float":
            data[col.name] = pandas.array(
                [float("nan") if v is None else float(v) for v in values], dtype="float64"
            )
        else:
            data[col.name] = pandas.array([bool(v) for v in values], dtype="bool")
    out: pd.DataFrame = pandas.DataFrame(data, index=pandas.RangeIndex(len(rows)))
    return out


class Tabular:
    """Mixin of a result that is a table: declare ``_columns`` and ``_records()``.

    It gives :meth:`to_dataframe` and, through :mod:`mentormatch._display`, the
    rows of the notebook's HTML table.
    """

    __slots__ = ()

    _columns: tuple[Column, ...] = ()

    def _records(self) -> list[dict[str, Any]]:  # pragma: no cover - every table defines it
        raise NotImplementedError

    def to_dataframe(self) -> pd.DataFrame:
        """The rows of this result as a pandas DataFrame (needs the ``pandas`` extra).

        The columns and their dtypes are the class's ``_columns`` (listed for every
        result in the "In a notebook" guide): ids and text as pandas ``string``,
        dates as ``datetime64[ns]``, counts as ``int64`` (``Int64`` where a count
        may be suppressed), rates and scores as ``float64``. A suppressed figure is
        missing, with ``suppressed`` true, never the number.

        Examples
        --------
        >>> import mentormatch as mm
        >>> b = mm.kpis.breakdown(mm.kpis.completion_rate, mm.kpis.load_demo_relationships(),
        ...                       by="department", as_of="2026-06-30")
        >>> b.to_dataframe().dtypes.astype(str).to_dict()  # doctest: +NORMALIZE_WHITESPACE
        {'group': 'string', 'n': 'Int64', 'numerator': 'Int64', 'rate': 'float64',
         'ci_low': 'float64', 'ci_high': 'float64', 'suppressed': 'bool'}
        """
        return frame(self._records(), self._columns)
