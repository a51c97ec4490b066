"""What every plot shares: matplotlib on demand, the Axes to draw in, safe labels,
colours, and the empty plot.

Nothing here changes global state: no ``rcParams``, no style, no backend. With
an ``ax`` a plot draws only into it; without one it asks pyplot for a new
figure of its own (never the current one), as scikit-learn's displays do.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from mentormatch import _text
from mentormatch._errors import MentormatchError
from mentormatch._validation import as_real, check_int

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

#: What to run when matplotlib is missing.
INSTALL = "pip install 'mentormatch-engine[plot]'"

# Okabe & Ito's palette (2008): told apart with every common colour-vision
# deficiency, and each used with a shape or a text label as well, never alone.
BLUE = "#0072B2"
SKY = "#56B4E9"
ORANGE = "#E69F00"
VERMILLION = "#D55E00"
GREEN = "#009E73"
GREY = "#595959"  # text on white at a contrast above 7:1
LIGHT = "#D9D9D9"

#: Text properties for every label drawn: as written. A ``$`` in a group name
#: is a dollar sign, never mathtext or TeX, whatever the user's rcParams say.
AS_WRITTEN: dict[str, Any] = {"parse_math": False, "usetex": False}

#: Labels from data longer than this are shortened in the middle.
MAX_LABEL = 30


def require_matplotlib(owner: str) -> None:
    """Raise an ImportError naming the extra to install, when matplotlib is missing."""
    try:
        import matplotlib  # noqa: F401
    except ImportError as exc:
        raise ImportError(
            f"mentormatch.plot.{owner} needs matplotlib: {INSTALL}", name="matplotlib"
        ) from exc


def axes(ax: object, owner: str, *, size: tuple[float, float]) -> Axes:
    """The Axes to draw in: ``ax`` itself, or a new figure's when ``ax`` is None.

    A new figure is made with pyplot (so a notebook shows it) and constrained
    layout; ``size`` is its width and height in inches.
    """
    require_matplotlib(owner)
    from matplotlib.axes import Axes

    if ax is None:
        import matplotlib.pyplot as plt

        _, new = plt.subplots(figsize=size, layout="constrained")
        return new
    if not isinstance(ax, Axes):
        raise MentormatchError(
            f"The 'ax' parameter of {owner} must be a matplotlib Axes (for example "
            f"fig.subplots() or plt.gca()) or None for a new figure. "
            f"Got {type(ax).__name__} instead.",
            field="ax",
            value=ax,
        )
    return ax


def wrong_type(owner: str, param: str, expected: str, value: object) -> MentormatchError:
    """The error for data of the wrong kind: what was expected and where it comes from."""
    return MentormatchError(
        f"The {param!r} parameter of {owner} must be {expected}. "
        f"Got {type(value).__name__} instead.",
        field=param,
        value=value,
    )


def check_max_label(owner: str, value: object) -> int:
    return check_int(owner, "max_label", value, minimum=8)


def shorten(text: object, width: int) -> str:
    """``text`` made plain (control characters escaped) and cut in the middle to ``width``.

    The start and the end are kept (``Engineering/…rastructure``): group
    names often share a start and differ at the end, or the other way round.

    Examples
    --------
    >>> shorten("Engineering/Platform/Data Infrastructure", 24)
    'Engineering/…rastructure'
    >>> shorten("Sales\\x1b[2J", 24)
    'Sales\\\\x1b[2J'
    """
    plain = _text.plain(text)
    if len(plain) <= width:
        return plain
    keep = width - 1
    head = (keep + 1) // 2
    return plain[:head] + "…" + plain[len(plain) - (keep - head) :]


def labels(texts: Sequence[object], width: int) -> list[str]:
    """Each text shortened (see :func:`shorten`); where two would read the same,
    they are shown in full, so that no two groups share a label.

    Examples
    --------
    >>> labels(["People/Recruiting/EMEA/Team 1", "People/Staffing/APAC/Team 1", "Finance"], 12)
    ['People/Recruiting/EMEA/Team 1', 'People/Staffing/APAC/Team 1', 'Finance']
    >>> labels(["People/Recruiting/EMEA/North", "Finance/Controlling/Paris"], 12)
    ['People…North', 'Financ…Paris']
    """
    full = [_text.plain(t) for t in texts]
    out = [shorten(t, width) for t in texts]
    while True:
        counts = Counter(out)
        clash = [i for i, s in enumerate(out) if counts[s] > 1 and s != full[i]]
        if not clash:
            return out
        for i in clash:
            out[i] = full[i]


def percent(x: float) -> str:
    return "undefined" if not math.isfinite(x) else f"{x * 100:.1f}%"


def level(confidence: float) -> str:
    return f"{confidence * 100:g}%"


def number(x: object) -> str:
    """A figure to two decimals, or "undefined" when it is not a finite number."""
    real = as_real(x)
    return "undefined" if real is None or not math.isfinite(real) else f"{real:.2f}"


def interval(ci: object) -> str:
    """``95% CI 0.53–0.96``, or ``95% CI undefined`` when an end is not a number."""
    low, high = number(getattr(ci, "low", None)), number(getattr(ci, "high", None))
    text = "undefined" if "undefined" in (low, high) else f"{low}–{high}"
    return f"{level(getattr(ci, 'level', math.nan))} CI {text}"


def empty(ax: Axes, title: str, message: str) -> Axes:
    """An empty plot that says why it is empty."""
    ax.set_title(title, **AS_WRITTEN)
    ax.text(
        0.5,
        0.5,
        message,
        transform=ax.transAxes,
        ha="center",
        va="center",
        color=GREY,
        wrap=True,
        **AS_WRITTEN,
    )
    ax.set_xticks([])
    ax.set_yticks([])
    return ax


def legend_above(ax: Axes, title: str, *, ncols: int = 2) -> None:
    """A legend of the Axes' labelled artists in a band between the title and the
    plot, where it can hide no data; the title is lifted above it."""
    from matplotlib.font_manager import FontProperties

    handles, texts = ax.get_legend_handles_labels()
    ax.legend(
        handles,
        texts,
        loc="lower center",
        bbox_to_anchor=(0.5, 1.0),
        ncols=ncols,
        frameon=False,
        fontsize="small",
        borderaxespad=0.2,
    )
    rows = math.ceil(len(texts) / ncols)
    size = FontProperties(size="small").get_size_in_points()
    ax.set_title(title, pad=rows * 1.75 * size + 6, **AS_WRITTEN)


def row_height(rows: int, width: float = 8.0) -> tuple[float, float]:
    """A new figure's size for ``rows`` labelled rows."""
    return (width, 0.45 * max(rows, 1) + 1.6)


@dataclass(frozen=True)
class Row:
    """One row of an interval plot: its label, its estimate and interval in [0, 1]
    (None: nothing is drawn), the note to its right, and whether it is a total."""

    label: str
    estimate: tuple[float, float, float] | None
    note: str
    total: bool = False


def estimate(rate: object) -> tuple[float, float, float] | None:
    """``(value, low, high)`` of a rate, or None when any of them is not a finite number."""
    ci = getattr(rate, "ci", None)
    numbers = (getattr(rate, "value", None), getattr(ci, "low", None), getattr(ci, "high", None))
    out = tuple(as_real(x) for x in numbers)
    if any(x is None or not math.isfinite(x) for x in out):
        return None
    return cast(tuple[float, float, float], out)


def interval_rows(ax: Axes, rows: Sequence[Row]) -> list[float]:
    """One row each, top to bottom: a dot at the estimate and a bar for its
    interval, drawn as percent (a total as a black diamond), or nothing where
    the estimate is None; each row's note in a column to the right of the axes.
    Returns the rows' y positions."""
    ys = [float(y) for y in range(len(rows))][::-1]
    for total in (False, True):
        drawn = [(y, r.estimate) for y, r in zip(ys, rows, strict=True) if r.total is total]
        shown = [(y, e) for y, e in drawn if e is not None]
        if not shown:
            continue
        colour = "black" if total else BLUE
        ax.errorbar(
            [e[0] * 100 for _, e in shown],
            [y for y, _ in shown],
            xerr=[
                [max(e[0] - e[1], 0.0) * 100 for _, e in shown],
                [max(e[2] - e[0], 0.0) * 100 for _, e in shown],
            ],
            fmt="D" if total else "o",
            color=colour,
            ecolor=colour,
            elinewidth=2,
            capsize=4,
            markersize=7,
            zorder=3,
        )
    ax.set_yticks(ys, [r.label for r in rows], **AS_WRITTEN)
    ax.set_ylim(-0.7, len(rows) - 0.3)
    ax.set_xlim(0, 100)
    ax.grid(axis="x", color=LIGHT, linewidth=0.8)
    ax.set_axisbelow(True)
    for y, r in zip(ys, rows, strict=True):
        ax.annotate(
            r.note,
            xy=(1.02, y),
            xycoords=("axes fraction", "data"),
            va="center",
            ha="left",
            color="black" if r.estimate is not None else GREY,
            style="normal" if r.estimate is not None else "italic",
            annotation_clip=False,
            **AS_WRITTEN,
        )
    return ys
