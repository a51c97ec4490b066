"""How results look in a notebook and a console: one mechanism for every result.

Every public result derives from :class:`mentormatch._values.Value`, which takes
its ``repr``, ``_repr_pretty_`` (IPython) and ``_repr_html_`` (Jupyter) from here:

* :func:`short_repr`: code-like, ``Name(field=value, ...)``, each value cut
  short (``reprlib``: long tuples end in ``...``, long text in ``...``, arrays by
  shape) and the whole under :data:`MAX_REPR` characters.
* :func:`pretty_lines`: a few readable lines: the result's ``summary()`` when it
  has one, else its fields, capped at :data:`MAX_LINES`.
* :func:`html`: a compact table of the result's fields, then, for a tabular
  result (:class:`mentormatch._frames.Tabular`), its rows up to :data:`MAX_ROWS`
  and "... N more rows". Every text from data is escaped (:func:`mentormatch._text.html`);
  a suppressed group shows as "suppressed", never its figures.

A result declares what it shows by overriding ``_display_rows()`` (label and
value pairs); by default these are its fields, a container shown by its size.
Nothing is shown that the result does not hold.

>>> from mentormatch.kpis import proportion
>>> print("\\n".join(pretty_lines(proportion(3, 4))))
Rate: 3/4 = 75.0% (95% CI 30.1%–95.4%, Wilson)
"""

from __future__ import annotations

import datetime as _dt
import math
import reprlib
from collections.abc import Mapping
from dataclasses import fields
from typing import Any

import numpy as np

from mentormatch import _text

__all__ = ["MAX_LINES", "MAX_REPR", "MAX_ROWS", "html", "pretty_lines", "short_repr"]

#: The longest ``repr`` of a result, in characters.
MAX_REPR = 300
#: Lines of ``_repr_pretty_`` before "... N more lines".
MAX_LINES = 12
#: Rows of the HTML table before "... N more rows".
MAX_ROWS = 20


def _is_value(x: object) -> bool:
    from mentormatch._values import Value

    return isinstance(x, Value)


class _Short(reprlib.Repr):
    """``reprlib`` with room for ids and reasons, and results, read-only dicts and
    arrays shown by their shape."""

    def __init__(self) -> None:
        super().__init__()
        self.maxlevel = 3
        self.maxtuple = self.maxlist = self.maxset = self.maxfrozenset = 4
        self.maxdict = 4
        self.maxstring = 150
        self.maxother = 80

    def repr1(self, x: Any, level: int) -> str:
        if _is_value(x):
            if _has_own_repr(x):
                text = repr(x)
                return text if len(text) <= self.maxother else text[: self.maxother - 3] + "..."
            return _fields_repr(x, level)
        if isinstance(x, Mapping) and type(x) is not dict:  # FrozenDict and friends
            return self.repr_dict(x, level)
        if isinstance(x, np.ndarray):
            text = repr(x)
            if x.ndim <= 1 and x.size <= 4 and "\n" not in text:
                return text
            return f"array(shape={x.shape}, dtype={x.dtype})"
        return super().repr1(x, level)

    def repr_dict(self, x: Any, level: int) -> str:
        """As ``reprlib``'s, but in the mapping's own order (contributions largest first)."""
        if not x:
            return "{}"
        if level <= 0:
            return "{...}"
        items = [
            f"{self.repr1(k, level - 1)}: {self.repr1(v, level - 1)}"
            for k, v in list(x.items())[: self.maxdict]
        ]
        if len(x) > self.maxdict:
            items.append("...")
        return "{" + ", ".join(items) + "}"


_SHORT = _Short()


def _has_own_repr(x: object) -> bool:
    from mentormatch._values import Value

    own = type(x).__repr__
    return own is not Value.__repr__ and own is not object.__repr__


def _fields_repr(x: Any, level: int) -> str:
    name = type(x).__name__
    if level <= 0:
        return f"{name}(...)"
    parts = [f"{f.name}={_part(getattr(x, f.name), level - 1)}" for f in fields(x) if f.repr]
    return _fit(name, parts)


#: A field's repr longer than this is abbreviated to its size or type.
_MAX_PART = 160


def _part(value: Any, level: int) -> str:
    text = _SHORT.repr1(value, level)
    if len(text) <= _MAX_PART:
        return text
    if isinstance(value, Mapping):
        return f"{{...{len(value)} items}}"
    if isinstance(value, tuple | list):
        return (
            f"(...{len(value)} items)" if isinstance(value, tuple) else f"[...{len(value)} items]"
        )
    if _is_value(value):
        return f"{type(value).__name__}(...)"
    return text[: _MAX_PART - 3] + "..."


def code_repr(name: str, items: list[tuple[str, Any]]) -> str:
    """``name(key=value, ...)`` with each value cut short and the whole under
    :data:`MAX_REPR` characters: the repr of a result that is not a dataclass."""
    return _fit(name, [f"{k}={_part(v, _SHORT.maxlevel - 1)}" for k, v in items])


def _fit(name: str, parts: list[str]) -> str:
    text = f"{name}({', '.join(parts)})"
    if len(text) <= MAX_REPR:
        return text
    kept: list[str] = []
    used = len(name) + 7  # "Name(" + ", ...)"
    for part in parts:
        if used + len(part) + 2 > MAX_REPR:
            break
        kept.append(part)
        used += len(part) + 2
    return f"{name}({', '.join([*kept, '...'])})"


def short_repr(x: Any) -> str:
    """A result's code-like repr, under :data:`MAX_REPR` characters.

    Examples
    --------
    >>> from mentormatch.lifecycle.diffs import MatchDiff, PairChange
    >>> moves = tuple(PairChange(f"e{i}", "changed", "m1", "m2", 0.5, 0.25) for i in range(500))
    >>> short_repr(MatchDiff(moves, ("e9",), 250.0, 125.0, 500, 500))
    "MatchDiff(changes=(...500 items), unchanged=('e9',), before_total=250.0, after_total=125.0, before_matched=500, after_matched=500)"
    """
    return _fields_repr(x, _SHORT.maxlevel)


def cell(value: Any) -> str:
    """One value as short text for a table cell or a line (not yet escaped)."""
    if value is None:
        return "–"
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if isinstance(value, float | np.floating):
        return "NaN" if math.isnan(value) else f"{float(value):.4g}"
    if isinstance(value, _dt.date):
        return value.isoformat()
    if _is_value(value):
        if type(value).__str__ is not object.__str__:  # type: ignore[comparison-overlap]
            return str(value)
        summary = getattr(value, "summary", None)
        if callable(summary):
            text = str(summary())
            if "\n" not in text and len(text) <= 120:
                return text
        return str(_SHORT.repr(value))
    if isinstance(value, np.ndarray):
        return "×".join(map(str, value.shape)) + f" {value.dtype}"
    if isinstance(value, Mapping):
        return f"{len(value)} entr{'y' if len(value) == 1 else 'ies'}"
    if isinstance(value, tuple | list | set | frozenset):
        if len(value) <= 3 and all(isinstance(v, str | int | float) for v in value):
            return ", ".join(str(v) for v in value)
        return f"{len(value)} item{'' if len(value) == 1 else 's'}"
    text = str(value)
    return text if len(text) <= 120 else text[:117] + "..."


def display_rows(x: Any) -> list[tuple[str, Any]]:
    """The default rows of a result: its shown fields but those in ``_display_skip``
    (the field a tabular result shows as its table, say)."""
    skip = getattr(x, "_display_skip", ())
    return [
        (f.name, getattr(x, f.name))
        for f in fields(x)
        if f.repr and f.compare and f.name not in skip
    ]


def _rows(x: Any) -> list[tuple[str, Any]]:
    own = getattr(x, "_display_rows", None)
    return list(own()) if callable(own) else display_rows(x)


def _records(x: Any) -> tuple[list[str], list[dict[str, Any]]] | None:
    columns = getattr(x, "_columns", ())
    records = getattr(x, "_records", None)
    if not columns or not callable(records):
        return None
    return [c.name for c in columns], list(records())


def pretty_lines(x: Any) -> list[str]:
    """A few readable lines: ``Name: summary`` (or the fields), at most :data:`MAX_LINES`.

    Text from data is shown through :func:`mentormatch._text.plain` (no terminal
    control characters).
    """
    name = type(x).__name__
    summary = getattr(x, "summary", None)
    if callable(summary):
        body = str(summary()).splitlines() or [""]
        lines = [f"{name}: {_text.plain(body[0])}", *(_text.plain(b) for b in body[1:])]
    elif _has_own_repr(x) and not hasattr(x, "_display_rows"):  # a repr for people: one line
        lines = [_text.plain(repr(x))]
    else:
        lines = [name, *(f"  {_text.plain(k)}: {_text.plain(cell(v))}" for k, v in _rows(x))]
    table = _records(x)
    if table is not None and not callable(summary):
        n = len(table[1])
        lines.append(f"  {n} row{'' if n == 1 else 's'} (.to_dataframe() for the table)")
    if len(lines) > MAX_LINES:
        more = len(lines) - (MAX_LINES - 1)
        lines = [*lines[: MAX_LINES - 1], f"  ... {more} more lines"]
    return lines


def pretty(x: Any, p: Any, cycle: bool) -> None:
    """IPython's ``_repr_pretty_``: the lines of :func:`pretty_lines`."""
    if cycle:
        p.text(f"{type(x).__name__}(...)")
        return
    for i, line in enumerate(pretty_lines(x)):
        if i:
            p.break_()
        p.text(line)


def _cell_html(value: Any, suppressed: bool) -> str:
    if value is None and suppressed:
        return "<td><em>suppressed</em></td>"
    return f"<td>{_text.html(cell(value))}</td>"


def html(x: Any) -> str:
    """Jupyter's ``_repr_html_``: a compact table of the fields, then the rows.

    Examples
    --------
    >>> from mentormatch.kpis import proportion
    >>> print(html(proportion(1, 2))[:74])
    <div class="mentormatch-result"><table><caption>Rate: 1/2 = 50.0% (95% CI
    """
    esc = _text.html
    summary = getattr(x, "summary", None)
    title = type(x).__name__
    if callable(summary):
        first = str(summary()).splitlines()
        if first and len(first[0]) <= 160:
            title = f"{title}: {first[0]}"
    elif _has_own_repr(x):
        title = repr(x)
    out = [f'<div class="mentormatch-result"><table><caption>{esc(title)}</caption><tbody>']
    for label, value in _rows(x):
        out.append(f'<tr><th scope="row">{esc(label)}</th><td>{esc(cell(value))}</td></tr>')
    out.append("</tbody></table>")
    table = _records(x)
    if table is not None:
        names, records = table
        out.append("<table><thead><tr>")
        out.extend(f'<th scope="col">{esc(n)}</th>' for n in names)
        out.append("</tr></thead><tbody>")
        for record in records[:MAX_ROWS]:
            hidden = bool(record.get("suppressed"))
            out.append("<tr>" + "".join(_cell_html(record.get(n), hidden) for n in names) + "</tr>")
        out.append("</tbody></table>")
        if len(records) > MAX_ROWS:
            out.append(f"<p>... {len(records) - MAX_ROWS} more rows (.to_dataframe() for all)</p>")
    out.append("</div>")
    return "".join(out)
