"""The text and Markdown reports speak in words: no KPI key (``completion_rate``) is shown."""

from __future__ import annotations

import re
from datetime import date

import pytest

from mentormatch.kpis import KPI_NAMES, ProgrammeReport, Targets, load_demo_relationships
from mentormatch.kpis import programme_report as report_of
from mentormatch.kpis.report import breakdown_title

AS_OF = date(2026, 3, 1)
TARGETS = Targets({"completion_rate": 0.7, "early_termination_rate": 0.2, "goals_met": 0.5})


@pytest.fixture(scope="module")
def report() -> ProgrammeReport:
    return report_of(
        load_demo_relationships(),
        as_of=AS_OF,
        targets=TARGETS,
        by=["department", "cohort"],
    )


def _keys_in(text: str) -> list[str]:
    return [key for key in KPI_NAMES if re.search(rf"\b{key}\b", text)]


def test_the_text_report_shows_no_kpi_key(report: ProgrammeReport) -> None:
    text = report.summary()
    assert _keys_in(text) == []
    assert "Completion rate by department (groups under 5 suppressed)" in text
    assert "Pairs meeting all goals by cohort (groups under 5 suppressed)" in text


def test_the_markdown_report_shows_no_kpi_key(report: ProgrammeReport) -> None:
    md = report.to_markdown()
    assert _keys_in(md) == []
    headings = [line[3:] for line in md.splitlines() if line.startswith("## ")]
    assert "Completion rate by department" in headings
    assert "Early termination by cohort" in headings


def test_text_markdown_and_html_share_one_heading_per_breakdown(report: ProgrammeReport) -> None:
    html = report.to_html(plots=False)
    for b in report.breakdowns:
        title = breakdown_title(b)
        assert b.summary().splitlines()[0].startswith(title + " (groups under")
        assert f"## {title}" in report.to_markdown()
        assert title in html
