"""Data of the wrong kind and bad options: a MentormatchError naming the
parameter, raised before any figure is made."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from datetime import date
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure

import mentormatch as mm
from mentormatch import kpis, plot
from tests.plot.samples import AS_OF, cases


def _case(name: str, **kwargs: Any) -> Callable[[], Any]:
    return lambda: cases()[name].draw(**kwargs)


def _arg(name: str, *args: Any, **kwargs: Any) -> Callable[[], Any]:
    return lambda: cases()[name].func(*args, **kwargs)


def _report() -> Any:
    return cases()["kpis_vs_targets"].args[0]


def _result() -> Any:
    return cases()["score_distribution"].args[0]


def _scores() -> Any:
    return cases()["score_distribution_matrix"].args[0]


SIGNED = {"a": "2025-01-01", "b": "2025-01-03"}

BAD: list[tuple[str, Callable[[], Any], str, str]] = [
    # (id, call, field, words in the message)
    ("ax a list", _case("breakdown", ax=[1]), "ax", "matplotlib Axes"),
    ("ax a Figure", _case("reliability", ax=Figure()), "ax", "Got Figure"),
    ("ax text", _case("time_to_match", ax="left"), "ax", "Got str"),
    ("breakdown of a list", _arg("breakdown", []), "data", "a Breakdown"),
    ("breakdown of a Rate", _arg("breakdown", kpis.proportion(1, 2)), "data", "Got Rate"),
    ("reliability of a dict", _arg("reliability", {"alpha": 0.8}), "data", "a Reliability"),
    ("cadence of a list", _arg("meeting_cadence", [1.0, 2.0]), "cadence", "MeetingCadence"),
    ("score of a list", _arg("score_distribution", [0.5, 0.7]), "data", "a MatchResult"),
    ("score of None", _arg("score_distribution", None), "data", "Got NoneType"),
    (
        "scores with a matrix as data",
        lambda: plot.score_distribution(_scores(), _scores()),
        "scores",
        "goes with a MatchResult",
    ),
    (
        "scores not a matrix",
        lambda: plot.score_distribution(_result(), _result()),
        "scores",
        "must be a ScoreMatrix",
    ),
    ("kpis a list", _arg("kpis_vs_targets", [kpis.proportion(1, 2)]), "kpis", "a mapping"),
    (
        "kpis holding a float",
        _arg("kpis_vs_targets", {"completion_rate": 0.8}),
        "kpis",
        "'completion_rate' is a float, not a Rate",
    ),
    (
        "kpis holding a cadence",
        lambda: plot.kpis_vs_targets({"cadence": _report().cadence}),
        "kpis",
        "draw meeting cadence with plot.meeting_cadence",
    ),
    (
        "report with targets",
        lambda: plot.kpis_vs_targets(_report(), {"completion_rate": 0.7}),
        "targets",
        "carries its own targets",
    ),
    (
        "targets a list",
        _arg("kpis_vs_targets", {"x": kpis.proportion(1, 2)}, [0.7]),
        "targets",
        "a mapping of KPI name to target",
    ),
    (
        "target for an unknown KPI",
        _arg("kpis_vs_targets", {"x": kpis.proportion(1, 2)}, {"completion": 0.7}),
        "completion",
        "unknown KPI 'completion'",
    ),
    (
        "rate target as a percent",
        _arg(
            "kpis_vs_targets", {"completion_rate": kpis.proportion(1, 2)}, {"completion_rate": 70}
        ),
        "completion_rate",
        "write rates as fractions",
    ),
    ("bins 0", _case("score_distribution", bins=0), "bins", "integer in 1..1000"),
    ("bins True", _case("score_distribution", bins=True), "bins", "Got True"),
    ("bins 2.5", _case("score_distribution", bins=2.5), "bins", "Got 2.5"),
    ("bins huge", _case("score_distribution", bins=10**9), "bins", "in 1..1000"),
    ("max_label 3", _case("breakdown", max_label=3), "max_label", ">= 8"),
    ("max_label True", _case("kpis_vs_targets", max_label=True), "max_label", "Got True"),
    ("max_label text", _case("reliability", max_label="30"), "max_label", "Got '30'"),
    ("cadence None", _arg("meeting_cadence", None, target=-1), "cadence", "MeetingCadence"),
    (
        "cadence target negative",
        lambda: plot.meeting_cadence(_report().cadence, target=-1),
        "target",
        ">= 0",
    ),
    (
        "cadence target nan",
        lambda: plot.meeting_cadence(_report().cadence, target=math.nan),
        "target",
        "Got nan",
    ),
    (
        "cadence target True",
        lambda: plot.meeting_cadence(_report().cadence, target=True),
        "target",
        "Got True",
    ),
    (
        "cadence target text",
        lambda: plot.meeting_cadence(_report().cadence, target="1.5"),
        "target",
        "Got '1.5'",
    ),
    (
        "as_of before the first sign-up",
        lambda: plot.time_to_match(SIGNED, {}, "2024-12-31"),
        "as_of",
        "before the programme began",
    ),
    (
        "matched before signing up",
        lambda: plot.time_to_match(SIGNED, {"a": "2024-12-01"}, AS_OF),
        "",
        "before signing up",
    ),
    ("no sign-ups", lambda: plot.time_to_match({}, {}, AS_OF), "signup_dates", "no sign-ups"),
    (
        "sign-up dates a list",
        lambda: plot.time_to_match(["2025-01-01"], {}, AS_OF),  # type: ignore[arg-type]
        "signup_dates",
        "mappings of id to date",
    ),
    (
        "a sign-up date that is not a date",
        lambda: plot.time_to_match({"a": "soon"}, {}, AS_OF),
        "signup_dates['a']",
        "soon",
    ),
    ("as_of not a date", lambda: plot.time_to_match(SIGNED, {}, "today"), "as_of", "today"),
    (
        "confidence 2",
        lambda: plot.time_to_match(SIGNED, {}, AS_OF, confidence=2),
        "confidence",
        "between 0 and 1",
    ),
]


@pytest.mark.parametrize(("call", "field", "words"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_input_is_a_clear_error_before_any_figure(
    call: Callable[[], Any], field: str, words: str
) -> None:
    before = set(plt.get_fignums())
    with pytest.raises(mm.MentormatchError, match=re.escape(words)) as caught:
        call()
    if field:
        assert caught.value.field == field
    assert set(plt.get_fignums()) == before, "a figure was made before the error"


def test_pandas_and_numpy_values_are_taken_where_python_ones_are() -> None:
    pd = pytest.importorskip("pandas")
    signed = {
        "a": pd.Timestamp("2025-01-01"),
        "b": np.datetime64("2025-01-03"),
        "c": date(2025, 1, 4),
    }
    matched = {"a": pd.Timestamp("2025-01-11"), "b": pd.NaT, "c": None}
    ax = plot.time_to_match(signed, matched, pd.Timestamp("2025-02-01"), confidence=np.float64(0.9))
    assert "1 of 3 matched" in ax.get_title()
    case = cases()["score_distribution"]
    assert case.draw(bins=np.int64(10)).patches
    assert plot.meeting_cadence(_report().cadence, target=np.float32(1.5)).get_legend()
    assert plot.breakdown(cases()["breakdown"].args[0], max_label=np.int16(12)).get_yticklabels()
