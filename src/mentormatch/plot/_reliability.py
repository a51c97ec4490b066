"""A scale's reliability: alpha with its interval, and what each item adds."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from mentormatch import _text
from mentormatch._validation import as_real
from mentormatch.plot import _base
from mentormatch.plot._base import AS_WRITTEN, BLUE, GREY, ORANGE

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

    from mentormatch.surveys import Reliability


def _finite(x: object) -> float | None:
    real = as_real(x)
    return real if real is not None and math.isfinite(real) else None


def reliability(
    data: Reliability,
    *,
    ax: Axes | None = None,
    max_label: int = _base.MAX_LABEL,
) -> Axes:
    """Cronbach's alpha with its interval, and each item's alpha-if-dropped and
    item-rest correlation.

    A row per item: a filled circle at alpha without the item and a hollow
    square at its item-rest correlation, on one scale with the scale's alpha
    (a vertical line) and its interval (the shaded band). An item whose circle
    lies right of the line raises alpha when left out; the column to the right
    says both numbers in words ("higher" where alpha rises), and "undefined"
    where a figure is not a number.

    Parameters
    ----------
    data : Reliability
        From :func:`mentormatch.surveys.cronbach_alpha`.
    ax : matplotlib Axes, optional
        Where to draw; by default a new figure.
    max_label : int
        Longer item names are shortened in the middle (at least 8).

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn into. With no item statistics, it says so and has no ticks.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> from mentormatch import plot, surveys
    >>> rel = surveys.cronbach_alpha([[4, 5, 4, 4], [3, 3, 2, 3], [4, 4, 5, 4], [2, 3, 2, 1],
    ...                               [3, 4, 3, 5], [3, 2, 3, 3], [1, 2, 2, 2], [5, 5, 4, 2]])
    >>> fig = Figure(figsize=(7, 3.5), layout="constrained")
    >>> ax = plot.reliability(rel, ax=fig.subplots())
    >>> ax.get_title()
    "Cronbach's alpha 0.84 (95% CI 0.53–0.96)"
    >>> [t.get_text() for t in ax.texts]
    ['r 0.79; alpha without 0.75', 'r 0.74; alpha without 0.77', 'r 0.80; alpha without 0.75', 'r 0.43; alpha without 0.91 (higher)']
    """
    from mentormatch.surveys import Reliability

    owner = "reliability"
    _base.require_matplotlib(owner)
    if not isinstance(data, Reliability):
        raise _base.wrong_type(owner, "data", "a Reliability (surveys.cronbach_alpha)", data)
    width = _base.check_max_label(owner, max_label)
    items = list(dict.fromkeys([*data.alpha_if_dropped, *data.item_rest]))
    out = _base.axes(ax, owner, size=_base.row_height(len(items), 8.5))
    alpha, low, high = _finite(data.alpha), _finite(data.ci.low), _finite(data.ci.high)
    level = _base.level(data.ci.level)
    title = f"Cronbach's alpha {_base.number(alpha)} ({_base.interval(data.ci)})"
    if not items:
        return _base.empty(out, title, "No item statistics to show.")
    dropped = [_finite(data.alpha_if_dropped.get(i)) for i in items]
    rest = [_finite(data.item_rest.get(i)) for i in items]
    ys = [float(y) for y in range(len(items))][::-1]
    if alpha is not None:
        out.axvline(alpha, color="black", linewidth=1.5, zorder=2, label="alpha of the scale")
    if low is not None and high is not None:
        out.axvspan(low, high, color=GREY, alpha=0.15, linewidth=0, label=f"{level} CI of alpha")
    markers = (
        (dropped, "alpha without the item", {"marker": "o", "color": BLUE}),
        (rest, "item-rest correlation", {"marker": "s", "mfc": "white", "mec": ORANGE, "mew": 2}),
    )
    for series, label, style in markers:  # a circle and a square: told apart without colour
        pts = [(x, y) for x, y in zip(series, ys, strict=True) if x is not None]
        if pts:
            out.plot(
                [x for x, _ in pts],
                [y for _, y in pts],
                linestyle="none",
                markersize=8,
                zorder=3,
                label=label,
                **style,
            )
    for y, d, r in zip(ys, dropped, rest, strict=True):
        higher = " (higher)" if d is not None and alpha is not None and d > alpha else ""
        out.annotate(
            f"r {_base.number(r)}; alpha without {_base.number(d)}{higher}",
            xy=(1.02, y),
            xycoords=("axes fraction", "data"),
            va="center",
            ha="left",
            annotation_clip=False,
            **AS_WRITTEN,
        )
    values = [v for v in [*dropped, *rest, alpha, low, high] if v is not None]
    out.set_xlim(min([0.0, *values]) - 0.05, max([1.0, *values]) + 0.02)
    out.set_yticks(ys, _base.labels(items, width), **AS_WRITTEN)
    out.set_ylim(-0.7, len(items) - 0.3)
    out.grid(axis="x", color=_base.LIGHT, linewidth=0.8)
    out.set_axisbelow(True)
    out.set_xlabel(
        f"coefficient; {data.k} items, {data.n} respondents ({_text.plain(data.missing)} deletion)",
        **AS_WRITTEN,
    )
    _base.legend_above(out, title)
    return out
