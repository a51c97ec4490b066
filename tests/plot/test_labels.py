"""Labels from data are drawn as written: never mathtext or TeX, control
characters escaped, long names shortened in the middle and never merged."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.text import Text

from mentormatch import _text, kpis, plot, surveys
from mentormatch.kpis import Breakdown, BreakdownGroup, Relationship
from mentormatch.plot._base import MAX_LABEL, shorten

HOSTILE = [
    "$x^2$ team",
    "$x^{$",  # invalid mathtext: drawing it as math raises
    "$\\alpha$",
    "cost $5 and $6",
    "\\frac{1}{2} \\\\ %s {0}",
    "_starts with an underscore",
    "Sales\x1b[2J\x1b[31m",
    "line\nbreak\rreturn\ttab",
    "bell\x07 nul\x00 del\x7f csi\x9b",
    "Eng \u202egnirts\u202c",
    "line\u2028separator",
    "<b>bold</b> & 'quotes\"",
]
CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _rate(k: int, n: int) -> kpis.Rate:
    return kpis.proportion(k, n)


def _breakdown(text: str) -> Breakdown:
    return Breakdown(
        kpi=text,
        by=text,
        groups=(
            BreakdownGroup(text, 8, _rate(6, 8), False),
            BreakdownGroup(text + " 2", None, None, True),
            BreakdownGroup(text + " 3", None, None, True),
            BreakdownGroup("plain", 9, _rate(4, 9), False),
        ),
        total=_rate(14, 24),
        min_group_size=5,
    )


def _real_breakdown(text: str) -> Breakdown:
    """Through kpis.breakdown: the name reaches the plot as HR's file had it."""
    rels = [
        Relationship(
            mentee_id=f"e{i}",
            mentor_id="m1",
            started=date(2025, 3, 1),
            status="completed" if i % 3 else "ended_early",
            ended=date(2025, 12, 1),
            attributes={"department": text if i < 7 else "Other"},
        )
        for i in range(14)
    ]
    return kpis.breakdown("completion_rate", rels, by="department", as_of=date(2026, 3, 1))


def _reliability(text: str) -> surveys.Reliability:
    rows = [[4, 5, 4], [3, 3, 2], [4, 4, 5], [2, 3, 2], [3, 4, 3], [1, 2, 2]]
    names = [text, text + " 2", "q3"]
    return surveys.cronbach_alpha([dict(zip(names, row, strict=True)) for row in rows])


DRAWS: dict[str, Callable[[str, Axes], Axes]] = {
    "breakdown": lambda t, ax: plot.breakdown(_breakdown(t), ax=ax),
    "breakdown_from_kpis": lambda t, ax: plot.breakdown(_real_breakdown(t), ax=ax),
    "kpis_vs_targets": lambda t, ax: plot.kpis_vs_targets(
        {t: _rate(3, 4), "completion_rate": _rate(5, 9)}, {"completion_rate": 0.5}, ax=ax
    ),
    "reliability": lambda t, ax: plot.reliability(_reliability(t), ax=ax),
}


def _draw(name: str, text: str) -> tuple[Axes, list[Text]]:
    fig = Figure(figsize=(9, 4))
    ax = DRAWS[name](text, fig.subplots())
    fig.savefig(io.BytesIO(), format="png", dpi=20)  # a full draw: bad mathtext would raise here
    texts = [t for t in fig.findobj(Text) if isinstance(t, Text) and t.get_text()]
    return ax, texts


def _check_inert(ax: Axes, texts: list[Text]) -> None:
    """No control character in any text; the texts that can carry data (tick labels,
    title, axis label, notes) and any text with a ``$`` or a backslash are inert."""
    ours = {id(t) for t in [*ax.get_yticklabels(), ax.title, ax.xaxis.label, *ax.texts]}
    for t in texts:
        assert not CONTROLS.search(t.get_text()), f"a control character was drawn: {t!r}"
        if id(t) in ours or "$" in t.get_text() or "\\" in t.get_text():
            assert t.get_parse_math() is False, f"drawn as mathtext: {t.get_text()!r}"
            assert t.get_usetex() is False, f"drawn with TeX: {t.get_text()!r}"


@pytest.mark.parametrize("text", HOSTILE)
@pytest.mark.parametrize("name", sorted(DRAWS))
def test_data_labels_are_drawn_as_written(name: str, text: str) -> None:
    ax, texts = _draw(name, text)
    _check_inert(ax, texts)
    ticks = [t.get_text() for t in ax.get_yticklabels()]
    assert shorten(text.strip(), MAX_LABEL) in ticks  # shown as written, escaped


def test_a_dollar_in_a_group_name_is_a_dollar() -> None:
    ax, _ = _draw("breakdown", "$x^2$ team")
    label = ax.get_yticklabels()[0]
    assert label.get_text() == "$x^2$ team"
    assert label._preprocess_math(label.get_text()) == ("$x^2$ team", False)


def test_the_title_and_axis_text_from_data_are_inert_too() -> None:
    ax, _ = _draw("breakdown", "$x^{$")
    assert ax.get_title() == "$x^{$ by $x^{$"
    assert ax.title.get_parse_math() is False


@settings(max_examples=20)
@given(
    name=st.sampled_from(["breakdown", "kpis_vs_targets", "reliability"]),
    text=st.text(min_size=1, max_size=40).filter(lambda t: t.strip() != ""),
)
@pytest.mark.filterwarnings("ignore:Glyph .* missing from:UserWarning")  # the font, not us
def test_property_any_name_draws_and_stays_inert(name: str, text: str) -> None:
    ax, texts = _draw(name, text)
    _check_inert(ax, texts)


# ---------------------------------------------------------------------- long names
def _tick_texts(names: list[str], **options: Any) -> list[str]:
    groups = tuple(BreakdownGroup(n, 6, _rate(3, 6), False) for n in names)
    b = Breakdown("completion_rate", "department", groups, _rate(3 * len(names), 6 * len(names)), 5)
    ax = plot.breakdown(b, ax=Figure().subplots(), **options)
    return [t.get_text() for t in ax.get_yticklabels()][:-1]  # the last row is the total


def test_long_names_are_shortened_in_the_middle() -> None:
    name = "Engineering/Platform/Data Infrastructure/Streaming"
    [short] = _tick_texts([name])
    assert len(short) == 30
    assert short == name[:15] + "…" + name[-14:]
    [other] = _tick_texts([name], max_label=12)
    assert other == name[:6] + "…" + name[-5:]


def test_names_that_would_shorten_alike_are_shown_in_full() -> None:
    a = "People/Talent Acquisition/EMEA/North/Recruiting/Team 1"
    b = "People/Talent Acquisition/EMEA/South/Recruiting/Team 1"
    c = "Finance"
    assert _tick_texts([a, b, c]) == [a, b, c]


def test_short_names_are_kept_whole_and_escaped() -> None:
    assert _tick_texts(["Sales\x1b[2J", "Ops"]) == ["Sales\\x1b[2J", "Ops"]


@given(names=st.lists(st.text(min_size=1, max_size=60), min_size=1, max_size=5, unique=True))
@settings(max_examples=30)
def test_property_labels_are_distinct_when_names_are(names: list[str]) -> None:
    from mentormatch.plot._base import labels

    shown = labels(names, 12)
    assert len(set(shown)) == len({_text.plain(n) for n in names})
    for name, label in zip(names, shown, strict=True):
        assert len(label) <= max(12, len(_text.plain(name)))
        assert label == labels([name], 12)[0] or label == _text.plain(name)
