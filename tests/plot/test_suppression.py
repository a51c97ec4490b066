"""A suppressed group is shown as suppressed: its row and name stay, it says
"suppressed", and no artist carries its value, its interval or its counts."""

from __future__ import annotations

import io
from datetime import date

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.text import Text

from mentormatch import kpis, plot
from mentormatch.kpis import Breakdown, BreakdownGroup


def _draw(b: Breakdown) -> Axes:
    fig = Figure(figsize=(8, 4))
    ax = plot.breakdown(b, ax=fig.subplots())
    fig.savefig(io.BytesIO(), format="png", dpi=20)
    return ax


def _row_y(ax: Axes) -> dict[str, float]:
    """Each tick label's text and its y position."""
    return {
        t.get_text(): float(y) for t, y in zip(ax.get_yticklabels(), ax.get_yticks(), strict=True)
    }


def _points(ax: Axes) -> list[tuple[float, float]]:
    """Every (x, y) in data coordinates drawn by a line or a segment of the Axes
    (markers, bars, caps); reference lines across the Axes are left to the tests."""
    out: list[tuple[float, float]] = []
    for artist in ax.get_children():
        if isinstance(artist, Line2D) and artist.get_transform() == ax.transData:
            x, y = artist.get_data()
            out += list(
                zip(np.atleast_1d(x).astype(float), np.atleast_1d(y).astype(float), strict=True)
            )
        elif isinstance(artist, LineCollection):
            for seg in artist.get_segments():
                out += [(float(x), float(y)) for x, y in seg]
    return out


def _note_at(ax: Axes, y: float) -> str:
    [note] = [t.get_text() for t in ax.texts if t.xy[1] == y]  # type: ignore[attr-defined]
    return note


def _texts(ax: Axes) -> list[str]:
    return [t.get_text() for t in ax.figure.findobj(Text) if isinstance(t, Text)]


def _check(b: Breakdown) -> Axes:
    ax = _draw(b)
    rows = _row_y(ax)
    points = _points(ax)
    hidden_ys = []
    for g in b.groups:
        y = rows[g.group]
        if g.suppressed or g.rate is None:
            hidden_ys.append(y)
            assert _note_at(ax, y) == "suppressed"
            # nothing drawn on its row: no marker, no interval, no cap
            assert not [p for p in points if abs(p[1] - y) < 0.45 and np.isfinite(p[0])], g.group
        else:
            assert g.rate is not None
            assert (g.rate.value * 100, y) in points
            assert _note_at(ax, y).startswith(f"{g.rate.value * 100:.1f}%")
    return ax


def test_the_total_is_a_reference_line_and_a_row() -> None:
    total = kpis.proportion(7, 12)
    b = Breakdown(
        "completion_rate", "cohort", (BreakdownGroup("2025", 12, total, False),), total, 5
    )
    ax = _check(b)
    [dashed] = [line for line in ax.lines if line.get_linestyle() == "--"]
    assert list(dashed.get_xdata()) == [total.value * 100] * 2
    assert (total.value * 100, _row_y(ax)["Total"]) in _points(ax)


def test_the_demo_breakdown() -> None:
    b = kpis.breakdown(
        "completion_rate", kpis.load_demo_relationships(), by="department", as_of=date(2026, 3, 1)
    )
    assert {g.group for g in b.groups if g.suppressed} == {"Legal", "Marketing"}
    ax = _check(b)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert "Legal" in labels and "Marketing" in labels  # the row stays, named


def _leaky(rate: kpis.Rate, n: int) -> BreakdownGroup:
    """A group marked suppressed that still carries its figure (a hand-made or
    buggy breakdown): the plot must trust the mark, not the figure."""
    return BreakdownGroup("Legal", n, rate, True)


def test_a_suppressed_group_that_still_carries_a_figure_shows_none_of_it() -> None:
    secret = kpis.proportion(2, 3)  # 66.7%, 2/3
    b = Breakdown(
        "completion_rate",
        "department",
        (BreakdownGroup("Finance", 9, kpis.proportion(5, 9), False), _leaky(secret, 3)),
        kpis.proportion(7, 12),
        5,
    )
    ax = _check(b)
    shown = " ".join(_texts(ax))
    assert "66.7" not in shown and "2/3" not in shown and "(n=3" not in shown
    xs = [x for x, _ in _points(ax)]
    for value in (secret.value, secret.ci.low, secret.ci.high):
        assert not any(abs(x - value * 100) < 1e-9 for x in xs)


def test_a_suppressed_total_says_so_and_draws_no_reference_line() -> None:
    b = Breakdown(
        "completion_rate",
        "cohort",
        (BreakdownGroup("2025", None, None, True), BreakdownGroup("2026", None, None, True)),
        None,
        5,
    )
    ax = _check(b)
    assert _note_at(ax, _row_y(ax)["Total"]) == "suppressed"
    assert _points(ax) == []  # no diamond, no dot, no bar
    assert not [line for line in ax.lines if line.get_linestyle() == "--"]  # no total line
    assert "suppressed" in ax.get_xlabel()


rates = st.builds(
    lambda n, k: kpis.proportion(min(k, n), n), st.integers(1, 200), st.integers(0, 200)
)
groups = st.lists(st.tuples(st.booleans(), rates), min_size=1, max_size=8).map(
    lambda rows: tuple(
        BreakdownGroup(
            f"g{i}", None if hidden else r.denominator, None if hidden and i % 2 else r, hidden
        )
        for i, (hidden, r) in enumerate(rows)
    )
)


@settings(max_examples=30)
@given(groups=groups, total=st.one_of(st.none(), rates))
def test_property_no_suppressed_group_ever_shows_a_value(
    groups: tuple[BreakdownGroup, ...], total: kpis.Rate | None
) -> None:
    b = Breakdown("goal_attainment", "department", groups, total, 5)
    ax = _check(b)
    shown = [g for g in groups if not g.suppressed]
    assert len([t for t in ax.texts if t.get_text() == "suppressed"]) == (
        len(groups) - len(shown) + (total is None)
    )
