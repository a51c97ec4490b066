"""Tests of the programme report: text, Markdown, HTML (with and without
matplotlib), CSV export and privacy of the outputs."""

from __future__ import annotations

import builtins
import csv
import html.parser
import io
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mentormatch._errors import MentormatchError
from mentormatch._files.tables import neutralise, write_csv
from mentormatch.kpis import (
    ProgrammeReport,
    Relationship,
    Targets,
    load_demo_relationships,
    programme_report,
)
from tests.stand_ins import StandInMatch as _Match
from tests.stand_ins import StandInResult as _Result
from tests.stand_ins import StandInUnmatched as _Unmatched

AS_OF = date(2026, 3, 1)
DEMO_CSV = Path(__file__).parents[2] / "src" / "mentormatch" / "data" / "demo_relationships.csv"


class _Survey:
    def summary(self) -> str:
        return "Survey: 40 responses, <b>mean</b> 4.1"


@pytest.fixture(scope="module")
def report() -> ProgrammeReport:
    rels = load_demo_relationships()
    result = _Result(
        tuple(_Match(r.mentee_id, r.mentor_id, 0.5) for r in rels),
        tuple(_Unmatched(f"e{i}", "no mentor") for i in range(61, 67)),
    )
    return programme_report(
        rels,
        as_of=AS_OF,
        match_result=result,
        targets=Targets(
            {
                "match_rate": 0.8,
                "completion_rate": 0.7,
                "early_termination_rate": 0.2,
                "meeting_cadence": 1.0,
                "time_to_match_days": 20,
            },
            goal="career guidance",
            name="Demo programme",
        ),
        by=["department", "cohort"],
        survey=_Survey(),
        capacities={f"m{i:02d}": 3 for i in range(1, 26)},
    )


def test_report_gathers_kpis(report: ProgrammeReport) -> None:
    assert report.pairs == 60
    assert sum(report.status_counts.values()) == 60
    assert report.match is not None and (report.match.numerator, report.match.denominator) == (
        60,
        66,
    )
    assert report.completion is not None and report.completion.denominator == 35
    assert report.utilisation is not None and report.utilisation.slots.denominator == 75
    assert len(report.breakdowns) == 6
    assert {b.by for b in report.breakdowns} == {"department", "cohort"}
    verdicts = {c.kpi: c.verdict for c in report.target_checks}
    assert verdicts["time_to_match_days"] == "not computed"
    assert set(verdicts.values()) <= {"met", "not met", "inconclusive", "not computed"}
    assert report.at_risk and report.at_risk == tuple(
        sorted(report.at_risk, key=lambda a: -a.days_since_last_meeting)
    )


def test_summary_and_markdown(report: ProgrammeReport) -> None:
    text = report.summary()
    assert text.startswith("Demo programme: report as of 2026-03-01")
    assert "Goal: career guidance" in text
    assert "Completion rate" in text and "Wilson" in text
    assert "target at least 70.0%" in text
    assert "Target for days to a match (median): not computed" in text
    assert "suppressed (small group)" in text
    assert "Survey: 40 responses" in text
    assert str(report) == text
    md = report.to_markdown()
    assert md.startswith("# Demo programme") and "| KPI | Figure | Target |" in md
    assert "## Completion rate by department" in md and "## Pairs at risk" in md
    assert md.index("## Executive summary") < md.index("## Key figures")


def test_html_is_self_contained_with_plots(report: ProgrammeReport, tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    page = report.to_html()
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert "<script" not in page and 'src="http' not in page and "<link" not in page
    figures = re.findall(r"<figure><svg [^>]*>", page)
    assert len(figures) >= 3  # key rates, completion by department and by cohort, cadence
    assert all('role="img"' in f for f in figures)
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids))  # several figures share the page without a clash
    assert "&lt;b&gt;mean&lt;/b&gt;" in page  # survey text is escaped
    assert "inconclusive" in page or "met:" in page
    out = report.save_html(tmp_path / "report.html")
    assert out.read_text(encoding="utf-8") == page


def test_html_without_matplotlib(report: ProgrammeReport, monkeypatch: pytest.MonkeyPatch) -> None:
    real_import = builtins.__import__

    def fake_import(name: str, *args: Any, **kwargs: Any) -> Any:
        if name.startswith("matplotlib"):
            raise ImportError("no matplotlib")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake_import)
    page = report.to_html()
    assert "<svg" not in page
    assert "Plots need matplotlib" in page
    assert "Completion rate" in page
    assert "<svg" not in report.to_html(plots=False)


def test_outputs_carry_no_personal_data_beyond_at_risk_ids(report: ProgrammeReport) -> None:
    flagged = {a.mentee_id for a in report.at_risk} | {a.mentor_id for a in report.at_risk}
    outputs = [report.summary(), report.to_markdown(), report.to_html(plots=False), report.to_csv()]
    for text in outputs:
        shown = set(re.findall(r"\b[em]\d\d\b", text))
        assert shown <= flagged
    assert "e01" not in report.to_csv()


def test_csv_export_neutralises_formulas(tmp_path: Path) -> None:
    rels = [
        Relationship(
            mentee_id=f"e{i}",
            mentor_id="m1",
            started=date(2025, 3, 1),
            status="completed",
            ended=date(2025, 12, 1),
            attributes={"department": '=HYPERLINK("x")' if i < 6 else "+Sales"},
        )
        for i in range(12)
    ] + [Relationship(mentee_id="@evil", mentor_id="-m2", started=date(2025, 3, 1))]
    rep = programme_report(rels, as_of=AS_OF, by="department", min_group_size=3)
    text = rep.to_csv(tmp_path / "kpis.csv")
    assert (tmp_path / "kpis.csv").read_text(encoding="utf-8") == text
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert '\'=HYPERLINK("x")' in cells and "'+Sales" in cells
    assert not any(c.startswith(("=", "+", "@", "\t", "\r")) for c in cells)
    risk = rep.at_risk_csv()
    rows = list(csv.reader(io.StringIO(risk)))
    assert rows[0][:3] == ["mentee_id", "mentor_id", "days_since_last_meeting"]
    assert rows[1][:2] == ["'@evil", "'-m2"]
    assert neutralise("\tx") == "'\tx" and neutralise("\rx") == "'\rx"
    assert write_csv(["a"], [[-0.5]]).splitlines()[1] == "-0.5"  # numbers stay numbers


def test_report_inputs(tmp_path: Path) -> None:
    toml = tmp_path / "programme.toml"
    toml.write_text(
        'goal = "career guidance"\n[targets]\ncompletion_rate = 0.5\n', encoding="utf-8"
    )
    rep = programme_report(DEMO_CSV, as_of=AS_OF, targets=toml)
    assert rep.pairs == 60 and rep.goal == "career guidance"
    assert rep.target_checks[0].kpi == "completion_rate"
    assert rep.match is None and rep.breakdowns == ()
    rep2 = programme_report(load_demo_relationships(), as_of=AS_OF, targets={"goals_met": 0.3})
    assert rep2.target_checks[0].verdict == "met"
    with pytest.raises(MentormatchError, match=r"no attribute 'team'.*cohort, department"):
        programme_report(load_demo_relationships(), as_of=AS_OF, by="team")
    with pytest.raises(MentormatchError, match="unknown KPI"):
        programme_report(load_demo_relationships(), as_of=AS_OF, targets={"nps": 1})


def test_report_with_nothing_finished_explains_missing_kpis() -> None:
    rels = [Relationship(mentee_id="e1", mentor_id="m1", started=date(2026, 2, 25))]
    rep = programme_report(rels, as_of=AS_OF, targets={"completion_rate": 0.7})
    assert rep.completion is None and rep.cadence is None and rep.satisfaction is None
    assert any(n.startswith("completion rate: not computed") for n in rep.notes)
    assert rep.target_checks[0].verdict == "not computed"
    assert "Notes" in rep.summary() and '<h2 id="notes">Notes</h2>' in rep.to_html()
    assert "At risk: none" in rep.summary()


# ------------------------------------------------ output that cannot be turned
HOSTILE = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "<http://evil.example>",
    "&lt;b&gt;",
    "A | B | C",
    "**bold** _it_ ~~gone~~ `code`",
    "[click](javascript:alert(1))",
    "![img](http://evil.example/x.png)",
    "```\n# not a heading",
    "Eng\n| fake | row |",
    "$x^2$",
    "$\\frac{1}{$",  # not valid mathtext: would end savefig with an error
    "\\$100 $ and \\",
    "\x1b[31mred\x1b[0m",
    "\x1b]8;;http://evil.example\x07link\x1b]8;;\x07",
    "over\rwrite",
    "bell\x07 nul\x00 del\x7f csi\x9b",
    "Eng \u202egnirts\u202c",
    "line\u2028separator",
]
_CONTROLS = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_OUR_TAGS = {
    "html", "head", "meta", "title", "style", "body", "h1", "h2", "p", "strong", "table",
    "tr", "th", "td", "figure", "img", "figcaption", "ul", "li", "pre",
    "header", "main", "section", "caption", "thead", "tbody", "tfoot", "code",
}  # fmt: skip
_OUR_ATTRIBUTES = {"lang", "charset", "name", "content", "class", "alt", "src", "scope", "id",
                   "aria-labelledby"}  # fmt: skip


def _hostile_report(text: str, *, plots: bool = False) -> ProgrammeReport:
    rels = [
        Relationship(
            mentee_id=f"e{i}" if i else text,  # the first is at risk: its id is shown
            mentor_id="m1",
            started=date(2025, 3, 1),
            status="completed" if i else "active",
            ended=date(2025, 12, 1) if i else None,
            attributes={"department": text if i < 9 else "Other"},
        )
        for i in range(14)
    ] + [
        Relationship(mentee_id="x1", mentor_id="m1", started=date(2025, 3, 1),
                     status="completed", ended=date(2025, 12, 1), attributes={"department": text + "2"})
    ]  # fmt: skip

    class Survey:
        def summary(self) -> str:
            return f"items: {text}"

    return programme_report(
        rels,
        as_of=AS_OF,
        by="department",
        min_group_size=5,
        targets=Targets({"completion_rate": 0.5}, goal=text, name=text),
        survey=Survey(),
    )


class _Tags(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.attributes: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attributes |= {name for name, _ in attrs}


def _check_outputs(report: ProgrammeReport, text: str) -> None:
    summary = report.summary()
    assert not _CONTROLS.search(summary), "a control character reached the text report"
    md = report.to_markdown()
    assert not _CONTROLS.search(md)
    in_fence = False
    for line in md.splitlines():
        if line.startswith("```"):
            in_fence = not in_fence
            continue
        if not in_fence:
            assert "<" not in line, line  # no HTML outside the code block, from data or not
        if not in_fence and line.startswith("|"):
            cells = re.split(r"(?<!\\)\|", line)
            assert len(cells) - 2 in (2, 3, 4, 5), line  # the tables' own columns, no more
    assert not in_fence, "a fence from data was left open"
    page = report.to_html(plots=False)
    assert not _CONTROLS.search(page)
    parser = _Tags()
    parser.feed(page)
    assert parser.tags <= _OUR_TAGS and parser.attributes <= _OUR_ATTRIBUTES


@pytest.mark.parametrize("text", HOSTILE)
def test_data_cannot_turn_the_report_against_its_reader(text: str) -> None:
    report = _hostile_report(text)
    _check_outputs(report, text)
    shown = [g.group for g in report.breakdowns[0].groups if not g.suppressed]
    assert shown == [text.strip()]  # the name appears as a shown group, with its figure


@pytest.mark.parametrize("text", [t for t in HOSTILE if "$" in t or "\\" in t])
def test_plot_labels_from_data_are_not_mathtext(text: str) -> None:
    pytest.importorskip("matplotlib")
    page = _hostile_report(text).to_html(plots=True)  # an invalid $...$ would raise here
    assert len(re.findall("<figure><svg ", page)) >= 2


def test_plot_labels_are_drawn_as_written(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("matplotlib")
    from matplotlib.axes import Axes

    seen: list[tuple[str, bool]] = []
    real = Axes.set_yticks  # the report's figures are mentormatch.plot's, which label so

    def spy(self: Axes, ticks: Any, labels: Any = None, *args: Any, **kwargs: Any) -> Any:
        out = real(self, ticks, labels, *args, **kwargs)
        if labels is not None:
            texts = self.get_yticklabels()
            seen.extend((t.get_text(), t._preprocess_math(t.get_text())[1]) for t in texts)
        return out

    monkeypatch.setattr(Axes, "set_yticks", spy)
    _hostile_report("$x^2$ team").to_html(plots=True)
    assert ("$x^2$ team", False) in seen
    assert not any(is_math for _, is_math in seen)


@settings(max_examples=60)
@given(text=st.text(min_size=1, max_size=30).filter(lambda t: t.strip() != ""))
def test_property_any_group_name_is_inert_in_every_format(text: str) -> None:
    _check_outputs(_hostile_report(text), text)
