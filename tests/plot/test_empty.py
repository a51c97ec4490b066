"""Nothing to draw is not an error: the Axes is titled, says what is missing and
has no ticks. Undefined figures are drawn as "undefined", never as a number."""

from __future__ import annotations

import io
import math
from datetime import date

import numpy as np
import pytest
from matplotlib.axes import Axes
from matplotlib.figure import Figure

import mentormatch as mm
from mentormatch import ConfidenceInterval, kpis, plot, surveys
from mentormatch.kpis import Breakdown, BreakdownGroup, MeetingCadence
from mentormatch.surveys import Reliability


def _ax() -> Axes:
    return Figure(figsize=(7, 3)).subplots()


def _render(ax: Axes) -> None:
    ax.figure.savefig(io.BytesIO(), format="png", dpi=30)


def _says_empty(ax: Axes, title: str, message: str) -> None:
    _render(ax)
    assert ax.get_title() == title
    assert [t.get_text() for t in ax.texts] == [message]
    assert list(ax.get_xticks()) == [] and list(ax.get_yticks()) == []
    assert not ax.lines and not ax.patches and not ax.collections


def _nobody_matched() -> mm.MatchResult:
    mentees = [mm.Mentee(id="e1"), mm.Mentee(id="e2")]
    return mm.Matcher(criteria=[mm.GoalOverlap()]).match(mentees, [mm.Mentor(id="m1", capacity=0)])


def test_a_match_with_no_pair() -> None:
    ax = plot.score_distribution(_nobody_matched(), ax=_ax())
    _says_empty(ax, "Scores of 0 matched pairs", "No matched pairs to show.")
    assert ax.get_xlabel() == ""


def test_a_score_matrix_with_no_mentor_or_no_allowed_pair() -> None:
    matcher = mm.Matcher(criteria=[mm.GoalOverlap()])
    ax = plot.score_distribution(matcher.score([mm.Mentee(id="e1")], []), ax=_ax())
    _says_empty(ax, "Scores of 0 allowed pairs", "No allowed pairs to show.")
    ruled = mm.Matcher(criteria=[mm.GoalOverlap()], constraints=[mm.ForbidPairs([("e1", "m1")])])
    ax = plot.score_distribution(ruled.score([mm.Mentee(id="e1")], [mm.Mentor(id="m1")]), ax=_ax())
    _says_empty(ax, "Scores of 0 allowed pairs", "No allowed pairs to show.")


def test_a_match_with_no_pair_against_its_matrix() -> None:
    mentees = [mm.Mentee(id="e1"), mm.Mentee(id="e2")]
    mentors = [mm.Mentor(id="m1", capacity=0)]
    matcher = mm.Matcher(criteria=[mm.GoalOverlap()])
    ax = plot.score_distribution(
        matcher.match(mentees, mentors), matcher.score(mentees, mentors), ax=_ax()
    )
    _says_empty(
        ax, "Scores of 0 matched pairs and all 2 allowed pairs", "No matched pairs to show."
    )


def test_no_rate() -> None:
    _says_empty(plot.kpis_vs_targets({}, ax=_ax()), "Key rates", "No rate to show.")
    _says_empty(
        plot.kpis_vs_targets({}, {"match_rate": 0.9}, ax=_ax()), "Key rates", "No rate to show."
    )


def test_a_breakdown_with_no_group() -> None:
    b = Breakdown("completion_rate", "department", (), None, 5)
    _says_empty(plot.breakdown(b, ax=_ax()), "Completion rate by department", "No group to show.")


def test_a_breakdown_with_every_group_suppressed_keeps_its_rows() -> None:
    b = Breakdown("completion_rate", "cohort", (BreakdownGroup("a", None, None, True),), None, 5)
    ax = plot.breakdown(b, ax=_ax())
    _render(ax)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["a", "Total"]
    assert [t.get_text() for t in ax.texts] == ["suppressed", "suppressed"]


def test_reliability_with_no_item_statistics() -> None:
    rel = Reliability(math.nan, ConfidenceInterval(math.nan, math.nan, 0.95), 0, 0, "pairwise")
    _says_empty(
        plot.reliability(rel, ax=_ax()),
        "Cronbach's alpha undefined (95% CI undefined)",
        "No item statistics to show.",
    )


def test_an_undefined_alpha_is_drawn_as_undefined() -> None:
    with pytest.warns(surveys.SurveyWarning, match="undefined"):
        rel = surveys.cronbach_alpha([[1, 2], [2, None], [None, 4]])  # never answered together
    ax = plot.reliability(rel, ax=_ax())
    _render(ax)
    assert ax.get_title() == "Cronbach's alpha undefined (95% CI undefined)"
    assert [t.get_text() for t in ax.texts] == ["r undefined; alpha without undefined"] * 2
    assert not ax.lines and not ax.patches  # no alpha line, no band, no marker


def test_an_alpha_above_one_has_no_band() -> None:
    rel = Reliability(
        1.04,
        ConfidenceInterval(math.nan, math.nan, 0.95),
        9,
        3,
        "pairwise",
        {"a": 0.9, "b": 1.1, "c": 0.8},
        {"a": 0.7, "b": 0.2, "c": 0.9},
    )
    ax = plot.reliability(rel, ax=_ax())
    _render(ax)
    assert ax.get_title() == "Cronbach's alpha 1.04 (95% CI undefined)"
    assert not ax.patches  # no band for an undefined interval
    assert ax.texts[1].get_text() == "r 0.20; alpha without 1.10 (higher)"
    assert ax.get_xlim()[1] >= 1.1


def test_a_cadence_with_no_pair_and_with_one() -> None:
    nan_ci = ConfidenceInterval(math.nan, math.nan, 0.95)
    none = MeetingCadence(
        math.nan, math.nan, nan_ci, math.nan, math.nan, math.nan, (), 0, 0, 0.0, 2
    )
    _says_empty(plot.meeting_cadence(none, ax=_ax()), "Meeting cadence", "No pair to show.")
    one = MeetingCadence(2.0, 2.0, nan_ci, 2.0, 2.0, 2.0, (2.0,), 1, 6, 3.0, 0)
    ax = plot.meeting_cadence(one, ax=_ax())
    _render(ax)
    assert ax.get_title() == "Meeting cadence: mean 2.00 per pair-month (95% CI undefined)"
    assert ax.get_ylabel() == "pairs (1 in all)"
    assert sum(p.get_height() for p in ax.patches if hasattr(p, "get_height")) >= 1


def test_a_rate_that_is_not_a_number_is_drawn_as_undefined() -> None:
    odd = kpis.Rate(math.nan, 0, 0, ConfidenceInterval(math.nan, math.nan, 0.95), "wilson")
    ax = plot.kpis_vs_targets(
        {"completion_rate": odd, "match_rate": kpis.proportion(3, 4)}, ax=_ax()
    )
    _render(ax)
    assert [t.get_text() for t in ax.texts] == ["undefined (0/0), undefined", "75.0% (3/4)"]
    [line] = [line for line in ax.lines if line.get_marker() == "o"]
    assert list(line.get_ydata()) == [0.0]  # only the defined rate has a dot


def test_nobody_matched_yet_is_a_flat_curve_with_the_median_not_reached() -> None:
    signed = {"a": "2025-01-01", "b": "2025-01-10"}
    ax = plot.time_to_match(signed, {}, date(2025, 2, 1), ax=_ax())
    _render(ax)
    [curve] = [line for line in ax.lines if line.get_label().startswith("still waiting (")]
    assert set(np.asarray(curve.get_ydata(), dtype=float)) == {100.0}
    assert ax.get_xlabel() == "days since sign-up; median not reached (95% CI not reached)"
    assert "0 of 2 matched, 2 still waiting" in ax.get_title()
    assert not ax.collections  # no band of zero width in the legend


def test_everyone_matched_on_the_day_they_signed_up() -> None:
    signed = {"a": "2025-01-01", "b": "2025-01-10"}
    ax = plot.time_to_match(signed, signed, date(2025, 2, 1), ax=_ax())
    _render(ax)
    assert ax.get_xlim() == (0.0, 1.0)  # a day wide, not zero
    [curve] = [line for line in ax.lines if line.get_label().startswith("still waiting (")]
    assert list(np.asarray(curve.get_ydata(), dtype=float)) == [100.0, 0.0]
    assert "median 0 days" in " ".join(ax.get_legend_handles_labels()[1])
