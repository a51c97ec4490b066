"""The time-to-match curve is the Kaplan-Meier estimate of the people in the
cohort on ``as_of``, with a mark for each person still waiting, and the median
of :func:`mentormatch.kpis.time_to_match`."""

from __future__ import annotations

from datetime import date, timedelta
from fractions import Fraction

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from mentormatch import kpis, plot
from mentormatch.plot._survival import _curve

START = date(2025, 1, 1)


def _oracle(waits: list[tuple[int, bool]]) -> dict[int, Fraction]:
    """The product-limit estimate after each day someone was matched, in fractions."""
    out: dict[int, Fraction] = {}
    share = Fraction(1)
    for day in sorted({d for d, matched in waits if matched}):
        at_risk = sum(d >= day for d, _ in waits)
        matched = sum(d == day and m for d, m in waits)
        share *= Fraction(at_risk - matched, at_risk)
        out[day] = share
    return out


def _lines(ax: Axes) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    return {
        str(line.get_label()): (
            np.asarray(line.get_xdata(), dtype=float),
            np.asarray(line.get_ydata(), dtype=float),
        )
        for line in ax.lines
    }


people = st.lists(
    st.tuples(st.integers(0, 60), st.one_of(st.none(), st.integers(0, 90))), min_size=1, max_size=25
)


@settings(max_examples=40)
@given(people=people, as_of=st.integers(0, 100))
def test_property_the_curve_is_kaplan_meier_of_the_cohort(
    people: list[tuple[int, int | None]], as_of: int
) -> None:
    first = min(s for s, _ in people)
    as_of = max(as_of, first)
    # ids of mixed kinds: kpis.time_to_match takes them as text, so must the plot
    signed = {(i if i % 2 else str(i)): START + timedelta(s) for i, (s, _) in enumerate(people)}
    matched = {str(i): START + timedelta(s + w) for i, (s, w) in enumerate(people) if w is not None}
    day = START + timedelta(as_of)
    ax = plot.time_to_match(signed, matched, day, ax=Figure().subplots())
    result = kpis.time_to_match(signed, matched, day)

    waits = [
        ((min(s + w, as_of) if w is not None else as_of) - s, w is not None and s + w <= as_of)
        for s, w in people
        if s <= as_of
    ]
    expected = _oracle(waits)
    lines = _lines(ax)
    x, y = lines["still waiting (Kaplan-Meier)"]
    assert x[0] == 0 and y[0] == 100
    for t, share in expected.items():
        at = np.searchsorted(x, t, side="right") - 1
        assert abs(y[at] - float(share) * 100) < 1e-9, (t, share)
    assert set(x[1:]) == {float(d) for d, _ in waits}  # every observed wait, and no other
    censored = [d for d, m in waits if not m]
    marks = [v for k, v in lines.items() if k.endswith("(censored)")]
    if censored:
        [(cx, _)] = marks
        assert sorted(cx) == sorted(float(d) for d in censored)
        assert len(cx) == result.censored
    else:
        assert marks == []
    medians = [v for k, v in lines.items() if k.startswith("median ")]
    if result.median_days is None:
        assert medians == []
    else:
        [(mx, my)] = medians
        assert list(mx) == [0, result.median_days, result.median_days]
        assert list(my) == [50, 50, 0]
    assert f"{result.matched} of {result.n} matched, {result.censored} still waiting" in (
        ax.get_title()
    )


@settings(max_examples=40)
@given(people=st.lists(st.tuples(st.integers(0, 40), st.booleans()), min_size=1, max_size=30))
def test_property_the_band_holds_the_curve_and_is_it_where_undefined(
    people: list[tuple[int, bool]],
) -> None:
    waits = np.array([w for w, _ in people], dtype=np.int64)
    matched = np.array([m for _, m in people], dtype=bool)
    times, curve, low, high = _curve(waits, matched, 0.95)
    assert list(times) == sorted({float(w) for w in waits})
    assert np.all((low >= 0) & (low <= curve) & (curve <= high) & (high <= 1))
    edge = (curve == 0) | (curve == 1)  # where the log(-log) band is undefined
    assert np.array_equal(low[edge], curve[edge]) and np.array_equal(high[edge], curve[edge])


def test_the_band_holds_the_curve() -> None:
    signed = {f"p{i}": START + timedelta(i % 7) for i in range(30)}
    matched = {f"p{i}": START + timedelta(i % 7 + i) for i in range(0, 30, 2)}
    ax = plot.time_to_match(signed, matched, START + timedelta(40), ax=Figure().subplots())
    x, y = _lines(ax)["still waiting (Kaplan-Meier)"]
    [band] = ax.collections
    [path] = band.get_paths()
    vertices = path.vertices
    for t, v in zip(x, y, strict=True):
        at_t = vertices[np.isclose(vertices[:, 0], t)][:, 1]
        assert at_t.min() <= v + 1e-9 and at_t.max() >= v - 1e-9
    assert vertices[:, 1].min() >= 0 and vertices[:, 1].max() <= 100
