"""The programme report as a value (:class:`ProgrammeReport`, built by
:func:`mentormatch.kpis.programme_report`) and its rendering: text, Markdown,
HTML with inline plots, CSV rows.

Every format opens with an executive summary: the programme's goal, the three
figures that matter against their targets (:func:`headline`), and one sentence
of verdict (:func:`verdict`) that counts the targets met, names those not met
or not yet decided, and says when an interval is wide or figures are
suppressed. Headings are words, never KPI keys. The HTML page is one
self-contained file (no script, no link, no external resource) with a print
stylesheet and accessible tables (caption, ``thead``, ``scope``); its figures
are :mod:`mentormatch.plot`'s, inline as SVG, when matplotlib is installed.

Everything that comes from data (the programme's name and goal, group names,
ids, reasons, notes, the survey's text) goes through :mod:`mentormatch._text`
for the format it lands in: control characters escaped in text, HTML and
Markdown syntax escaped in Markdown, everything escaped in HTML, and plot labels
drawn with mathtext and TeX off.  Group figures are the breakdowns' own, so
suppressed groups are suppressed in every format, plot and CSV row alike.
"""

# Over 600 lines: one value (ProgrammeReport) and its four renderings (text, Markdown,
# HTML with the executive summary and figures, CSV rows), which share every label,
# verdict and escape; split the HTML page off when it grows again.

from __future__ import annotations

import io
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mentormatch import _text
from mentormatch._files.tables import write_atomically, write_csv, write_table
from mentormatch._frames import Column, Tabular
from mentormatch._values import Value
from mentormatch.kpis import report_followup as _followup
from mentormatch.kpis._labels import breakdown_heading, kpi_label
from mentormatch.kpis.at_risk import AtRisk
from mentormatch.kpis.breakdown import Breakdown
from mentormatch.kpis.cohort import GoalAttainment, MeanSummary, MeetingCadence, MentorUtilisation
from mentormatch.kpis.rates import Rate
from mentormatch.kpis.targets import TargetCheck

if TYPE_CHECKING:
    import pandas as pd

CSV_HEADER = (
    "kpi",
    "by",
    "group",
    "numerator",
    "denominator",
    "value",
    "ci_low",
    "ci_high",
    "confidence",
    "method",
    "target",
    "verdict",
)

_STATUS_LABELS = {"active": "active", "completed": "completed", "ended_early": "ended early"}


def _figure_text(result: object) -> str:
    summary = getattr(result, "summary", None)
    return str(summary()) if callable(summary) else str(result)


def _title(report: ProgrammeReport) -> str:
    name = report.name or "Mentoring programme"
    return f"{name}: report as of {report.as_of.isoformat()}"


def _status_line(report: ProgrammeReport) -> str:
    parts = [f"{n} {_STATUS_LABELS[s]}" for s, n in report.status_counts.items()]
    return f"{report.pairs} pairs: " + ", ".join(parts)


def _target_for(report: ProgrammeReport, key: str) -> str:
    for check in report.target_checks:
        if check.kpi == key:
            target = (
                f"{check.target * 100:.1f}%"
                if key not in {"meeting_cadence", "satisfaction", "time_to_match_days"}
                else f"{check.target:g}"
            )
            return f"target {check.direction} {target}: {check.text}"
    return ""


def _lines(text: str) -> list[str]:
    """A multi-line text from elsewhere (a survey's summary), each line made plain."""
    return [_text.plain(line) for line in text.split("\n")]


def render_text(report: ProgrammeReport) -> str:
    plain = _text.plain
    lines = [plain(_title(report))]
    if report.goal:
        lines.append(f"Goal: {plain(report.goal)}")
    lines.append(_status_line(report))
    lines.append(f"Verdict: {plain(verdict(report))}")
    lines.append("")
    width = max([len(label) for _, label, _ in report.kpi_rows()] + [10])
    for key, label, result in report.kpi_rows():
        lines.append(f"{label:<{width}}  {plain(_figure_text(result))}")
        target = _target_for(report, key)
        if target:
            lines.append(f"{'':<{width}}  {plain(target)}")
    for check in report.target_checks:
        if check.verdict == "not computed":
            lines.append(f"Target for {_lower(kpi_label(check.kpi))}: {plain(check.text)}")
    lines += _followup.text_lines(report.readiness, report.milestones)
    for b in report.breakdowns:
        lines += ["", b.summary()]  # escapes its own group names
    lines += ["", _at_risk_heading(report)]
    for a in report.at_risk:
        lines.append(f"  {plain(a.mentee_id)} / {plain(a.mentor_id)}: {plain(a.reason)}")
        if a.next_step:
            lines.append(_followup.at_risk_line(a))
    if report.survey is not None:
        lines += ["", "Survey", *_lines(_figure_text(report.survey))]
    if report.notes:
        lines += ["", "Notes"] + [f"  {plain(n)}" for n in report.notes]
    return "\n".join(lines)


def _at_risk_heading(report: ProgrammeReport) -> str:
    if not report.at_risk:
        return f"At risk: none (no active pair silent for more than {report.max_gap_days} days)"
    return f"At risk ({len(report.at_risk)} pairs, most urgent first):"


def _md(text: object) -> str:
    return _text.markdown(text)


def _fence(text: str) -> str:
    """A code fence longer than any run of backticks in ``text``."""
    longest = max((len(run) for run in re.findall("`+", text)), default=0)
    return "`" * max(3, longest + 1)


def render_markdown(report: ProgrammeReport) -> str:
    out = [
        f"# {_md(_title(report))}",
        "",
        _md(_status_line(report)),
        "",
        "## Executive summary",
        "",
    ]
    if report.goal:
        out += [f"**Goal:** {_md(report.goal)}", ""]
    rows = headline(report)
    if rows:
        out += ["| Figure | Now | Target | Verdict |", "|---|---|---|---|"]
        for _key, label, result, check in rows:
            words = _VERDICT_WORDS[check.verdict] if check else "no target set"
            target = target_words(check) if check else "none"
            out.append(
                f"| {_md(label)} | {_md(short_figure(result))} | {_md(target)} | {_md(words)} |"
            )
        out.append("")
    out += [f"**Verdict:** {_md(verdict(report))}", "", "## Key figures", ""]
    out += ["| KPI | Figure | Target |", "|---|---|---|"]
    for key, label, result in report.kpi_rows():
        out.append(
            f"| {_md(label)} | {_md(_figure_text(result))} | {_md(_target_for(report, key))} |"
        )
    out += _followup.markdown_lines(report.readiness, report.milestones)
    for b in report.breakdowns:
        out += [
            "",
            f"## {_md(breakdown_title(b))}",
            "",
            f"Groups under {b.min_group_size} are suppressed.",
            "",
            "| Group | n | Figure |",
            "|---|---|---|",
        ]
        for g in b.groups:
            fig = "suppressed" if g.rate is None else g.rate.summary()
            out.append(f"| {_md(g.group)} | {'' if g.n is None else g.n} | {_md(fig)} |")
        total = "suppressed" if b.total is None else b.total.summary()
        out.append(
            f"| **Total** | {'' if b.total is None else b.total.denominator} | {_md(total)} |"
        )
    out += ["", "## Pairs at risk", ""]
    if report.at_risk:
        out += [
            "| Mentee | Mentor | Days since last meeting | Reason | Next step |",
            "|---|---|---|---|---|",
        ]
        for a in report.at_risk:
            out.append(
                f"| {_md(a.mentee_id)} | {_md(a.mentor_id)} | {a.days_since_last_meeting} | "
                f"{_md(a.reason)} | {_md(a.next_step)} |"
            )
    else:
        out.append(_md(_at_risk_heading(report)))
    if report.survey is not None:
        survey = "\n".join(_lines(_figure_text(report.survey)))
        fence = _fence(survey)
        out += ["", "## Survey", "", fence, survey, fence]
    if report.notes:
        out += ["", "## Notes", ""] + [f"- {_md(n)}" for n in report.notes]
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------------- CSV
def _rate_row(kpi: str, by: str, group: str, *, rate: Rate | None) -> list[object]:
    if rate is None:
        return [kpi, by, group, None, None, None, None, None, None, "suppressed"]
    return [
        kpi,
        by,
        group,
        rate.numerator,
        rate.denominator,
        rate.value,
        rate.ci.low,
        rate.ci.high,
        rate.ci.level,
        rate.method,
    ]


def csv_rows(report: ProgrammeReport) -> list[list[object]]:

    checks = {c.kpi: c for c in report.target_checks}
    rows: list[list[object]] = []
    for key, _label, result in report.kpi_rows():
        ci = getattr(result, "ci", None) or getattr(result, "mean_ci", None)
        if isinstance(result, Rate):
            row = _rate_row(key, "", "total", rate=result)
        else:
            value = getattr(result, "mean", None)
            n = getattr(result, "n", None)
            row = [
                key,
                "",
                "total",
                None,
                n,
                value,
                ci.low if ci else None,
                ci.high if ci else None,
                ci.level if ci else None,
                "mean, t-interval",
            ]
        check = checks.get(key)
        rows.append(row + ([check.target, check.verdict] if check else [None, None]))
    for b in report.breakdowns:
        for g in b.groups:
            rows.append([*_rate_row(b.kpi, b.by, g.group, rate=g.rate), None, None])
        rows.append([*_rate_row(b.kpi, b.by, "total", rate=b.total), None, None])
    rows += _followup.csv_rows(report.readiness, report.milestones, _rate_row)
    return rows


# ------------------------------------------------------------ executive summary
#: The order in which KPIs answer leadership's questions: is the programme
#: reaching people, are relationships alive, did they reach their goals.
_PRIORITY = (
    "match_rate",
    "completion_rate",
    "goal_attainment",
    "early_termination_rate",
    "meeting_cadence",
    "goals_met",
    "mentor_utilisation",
    "satisfaction",
    "time_to_match_days",
)
_NOT_RATES = {"meeting_cadence", "satisfaction", "time_to_match_days"}
#: An interval at least this wide (in points of a rate) is called wide.
WIDE = 0.25
HEADLINE_SIZE = 3


def _lower(label: str) -> str:
    return label[:1].lower() + label[1:]


def _pct(x: float) -> str:
    return "undefined" if x != x else f"{x * 100:.1f}%"


def _span(low: float, high: float, rate: bool) -> str:
    if rate:
        return f"{_pct(low).removesuffix('%')}–{_pct(high)}"
    return f"{low:.2f}–{high:.2f}"


def target_words(check: TargetCheck) -> str:
    """The target as words: ``at least 70%``, ``at most 20 days``."""
    if check.kpi in _NOT_RATES:
        unit = " days" if check.kpi == "time_to_match_days" else ""
        return f"{check.direction} {check.target:g}{unit}"
    return f"{check.direction} {check.target * 100:g}%"


_VERDICT_WORDS = {
    "met": "met",
    "not met": "not met",
    "inconclusive": "undecided: the interval spans the target",
    "not computed": "not computed: no data yet",
}


def short_figure(result: object) -> str:
    """A KPI's figure in a few words: value, counts and interval."""
    if result is None:
        return "not computed yet"
    if isinstance(result, Rate):
        level = f"{result.ci.level * 100:g}% CI"
        span = _span(result.ci.low, result.ci.high, True)
        return f"{_pct(result.value)} ({result.numerator} of {result.denominator}; {level} {span})"
    mean = getattr(result, "mean", None)
    ci = getattr(result, "mean_ci", None) or getattr(result, "ci", None)
    if isinstance(mean, float) and ci is not None:
        return f"{mean:.2f} ({ci.level * 100:g}% CI {_span(ci.low, ci.high, False)})"
    return _figure_text(result)  # pragma: no cover - every KPI is one of the above


def headline(report: ProgrammeReport) -> list[tuple[str, str, object, TargetCheck | None]]:
    """The three figures that matter: ``(key, label, result or None, check or None)``.

    The KPIs with a target first, in the order of leadership's questions
    (:data:`_PRIORITY`), then the other computed ones in that order, three in all.
    """
    results = {key: (label, result) for key, label, result in report.kpi_rows()}
    checks = {c.kpi: c for c in report.target_checks}
    targeted = [k for k in _PRIORITY if k in checks]
    others = [k for k in _PRIORITY if k in results and k not in checks]
    rows = []
    for key in (targeted + others)[:HEADLINE_SIZE]:
        label, result = results.get(key, (kpi_label(key), None))
        rows.append((key, label, result, checks.get(key)))
    return rows


def _names(checks: list[TargetCheck]) -> str:
    return ", ".join(_lower(kpi_label(c.kpi)) for c in checks)


def verdict(report: ProgrammeReport) -> str:
    """One sentence: how many targets are met, which are not (or undecided, or not
    computed), and which figures to read with care (wide intervals, suppressed groups)."""
    checks = list(report.target_checks)
    if not checks:
        parts = [
            "No target is set, so no figure is judged against one (state targets in the "
            "programme file's [targets] table)"
        ]
    else:
        met = [c for c in checks if c.verdict == "met"]
        verb = "is" if len(met) == 1 else "are"
        first = f"{len(met)} of {len(checks)} target{'s' if len(checks) != 1 else ''} {verb} met"
        parts = [first + (f" ({_names(met)})" if met else "")]
        missed = [c for c in checks if c.verdict == "not met"]
        if missed:
            parts.append(f"not met: {_names(missed)}")
        open_ = [c for c in checks if c.verdict == "inconclusive" and c.ci is not None]
        if open_:
            spans = ", ".join(
                f"{_lower(kpi_label(c.kpi))} ({_span(c.ci.low, c.ci.high, c.kpi not in _NOT_RATES)}"
                f" against {target_words(c)})"
                for c in open_
                if c.ci is not None
            )
            parts.append(f"undecided, as the interval spans the target: {spans}")
        absent = [c for c in checks if c.verdict == "not computed"]
        if absent:
            parts.append(f"not computed for lack of data: {_names(absent)}")
    decided = {c.kpi for c in checks if c.verdict == "inconclusive"}
    wide = [
        (label, result)
        for key, label, result, _ in headline(report)
        if isinstance(result, Rate)
        and key not in decided
        and result.ci.high - result.ci.low >= WIDE
    ]
    if wide:
        spans = ", ".join(
            f"{_lower(label)} {_span(r.ci.low, r.ci.high, True)} (n = {r.denominator})"
            for label, r in wide
        )
        parts.append(f"read with care, as the interval is wide: {spans}")
    hidden = sum(g.suppressed for b in report.breakdowns for g in b.groups)
    if hidden:
        sizes = sorted({b.min_group_size for b in report.breakdowns})
        parts.append(
            f"{hidden} group figure{'s are' if hidden != 1 else ' is'} suppressed in the "
            f"breakdowns (groups under {' or '.join(map(str, sizes))} people), to protect privacy"
        )
    return "; ".join(parts) + "."


# --------------------------------------------------------------------------- HTML
_CSS = """
:root{color-scheme:light}
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;max-width:62rem;margin:2rem auto;
padding:0 1rem;color:#1b1b1b;line-height:1.45;overflow-wrap:anywhere}
h1{font-size:1.7rem;margin-bottom:.2rem}h2{font-size:1.25rem;margin-top:2.2rem;
border-bottom:1px solid #ddd;padding-bottom:.2rem}
.dateline{color:#444;margin-top:0}
.summary{background:#f5f8fb;border:1px solid #c9d7e6;border-radius:6px;padding:.25rem 1rem 1rem}
.summary h2{margin-top:.8rem;border:0}
.verdict{font-size:1.05rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem}
caption{text-align:left;font-weight:600;padding:.3rem 0;color:#333}
th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #e5e5e5;vertical-align:top}
thead th{background:#eef1f4;border-bottom:2px solid #c8ced6}
tbody th,tfoot th{font-weight:600}tfoot th,tfoot td{border-top:2px solid #c8ced6}
.met{color:#1a7f37}.not-met{color:#b42318}.inconclusive{color:#8a6100}
.suppressed{color:#595959;font-style:italic}.note{color:#555;font-size:.9rem}
figure{margin:1rem 0}figure svg{display:block;max-width:100%;height:auto}
figcaption{color:#444;font-size:.9rem}
pre{background:#f7f7f7;padding:.75rem;overflow-x:auto;white-space:pre-wrap}
@media print{
@page{margin:1.6cm}
body{max-width:none;margin:0;padding:0;font-size:10.5pt;color:#000}
.summary{background:none;border:1px solid #999}
h2{break-after:avoid}table,figure,.summary,pre{break-inside:avoid}
thead{display:table-header-group}tr{break-inside:avoid}
.met,.not-met,.inconclusive{color:#000;font-weight:600}
}
"""


def _e(text: object) -> str:
    return _text.html(text)


def _verdict_class(text: str) -> str:
    if text.startswith("met"):
        return "met"
    if text.startswith("not met"):
        return "not-met"
    return "inconclusive" if text.startswith(("inconclusive", "undecided")) else ""


def _cls(name: str) -> str:
    return f' class="{name}"' if name else ""


def _table(caption: str, head: list[str], rows: list[str], foot: str = "") -> str:
    """An accessible table: caption, column headers with scope, rows as given."""
    cells = "".join(f'<th scope="col">{_e(h)}</th>' for h in head)
    return (
        f"<table><caption>{_e(caption)}</caption><thead><tr>{cells}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody>{foot}</table>"
    )


def _summary_html(report: ProgrammeReport) -> str:
    out = ['<section class="summary" aria-labelledby="summary">']
    out.append('<h2 id="summary">Executive summary</h2>')
    if report.goal:
        out.append(f"<p><strong>Goal:</strong> {_e(report.goal)}</p>")
    else:
        out.append(
            '<p class="note">No goal is stated: write it as <code>goal = "..."</code> in the '
            "programme file.</p>"
        )
    rows = []
    for _key, label, result, check in headline(report):
        words = _VERDICT_WORDS[check.verdict] if check else "no target set"
        target = target_words(check) if check else "none"
        rows.append(
            f'<tr><th scope="row">{_e(label)}</th><td>{_e(short_figure(result))}</td>'
            f"<td>{_e(target)}</td><td{_cls(_verdict_class(words))}>{_e(words)}</td></tr>"
        )
    if rows:
        out.append(
            _table(
                "The figures that matter, against their targets",
                ["Figure", "Now", "Target", "Verdict"],
                rows,
            )
        )
    out.append(f'<p class="verdict"><strong>Verdict:</strong> {_e(verdict(report))}</p>')
    out.append("</section>")
    return "".join(out)


def render_html(report: ProgrammeReport, *, plots: bool = True) -> str:
    figures, plot_note = _figures(report) if plots else ([], "")
    body: list[str] = [
        f"<header><h1>{_e(report.name or 'Mentoring programme')}</h1>",
        f'<p class="dateline">Report as of {report.as_of.isoformat()}. '
        f"{_e(_status_line(report))}.</p></header><main>",
        _summary_html(report),
        '<section aria-labelledby="figures"><h2 id="figures">Key figures</h2>',
    ]
    rows = []
    for key, label, result in report.kpi_rows():
        target = _target_for(report, key)
        cls = _verdict_class(target.split(": ", 1)[-1]) if target else ""
        rows.append(
            f'<tr><th scope="row">{_e(label)}</th><td>{_e(_figure_text(result))}</td>'
            f"<td{_cls(cls)}>{_e(target)}</td></tr>"
        )
    body.append(
        _table(
            "Every figure with its counts and confidence interval",
            ["Figure", "Value", "Target"],
            rows,
        )
    )
    for check in (c for c in report.target_checks if c.verdict == "not computed"):
        body.append(
            f'<p class="note">Target for {_e(_lower(kpi_label(check.kpi)))}: {_e(check.text)}</p>'
        )
    body.append(
        '<p class="note">Every rate shows its counts and a confidence interval. A target is '
        "met only when the whole interval clears it.</p>"
    )
    for title, svg in figures:
        body.append(f"<figure>{svg}<figcaption>{_e(title)}</figcaption></figure>")
    if plot_note:
        body.append(f'<p class="note">{_e(plot_note)}</p>')
    body.append("</section>")
    body += _followup.html_parts(report.readiness, report.milestones, _table)
    for b in report.breakdowns:
        body.append(_breakdown_html(b))
    body.append('<section aria-labelledby="at-risk"><h2 id="at-risk">Pairs at risk</h2>')
    if report.at_risk:
        rows = [
            f'<tr><th scope="row">{_e(a.mentee_id)}</th><td>{_e(a.mentor_id)}</td>'
            f"<td>{a.days_since_last_meeting}</td><td>{_e(a.reason)}</td>"
            f"<td>{_e(a.next_step)}</td></tr>"
            for a in report.at_risk
        ]
        body.append(
            _table(
                f"{len(report.at_risk)} pairs, most urgent first",
                ["Mentee", "Mentor", "Days since last meeting", "Reason", "Next step"],
                rows,
            )
        )
    else:
        body.append(f"<p>{_e(_at_risk_heading(report))}</p>")
    body.append("</section>")
    if report.survey is not None:
        body.append(
            '<section aria-labelledby="survey"><h2 id="survey">Survey</h2>'
            f"<pre>{_e(_figure_text(report.survey))}</pre></section>"
        )
    if report.notes:
        body.append(
            '<section aria-labelledby="notes"><h2 id="notes">Notes</h2><ul>'
            + "".join(f"<li>{_e(n)}</li>" for n in report.notes)
            + "</ul></section>"
        )
    body.append("</main>")
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(_title(report))}</title><style>{_CSS}</style></head><body>\n"
        + "\n".join(body)
        + "\n</body></html>\n"
    )


def breakdown_title(b: Breakdown) -> str:
    """``Completion rate by department``."""
    return breakdown_heading(b.kpi, b.by)


def _breakdown_html(b: Breakdown) -> str:
    rows = []
    for g in b.groups:
        if g.rate is None:
            rows.append(
                f'<tr><th scope="row">{_e(g.group)}</th><td></td>'
                '<td class="suppressed">suppressed</td></tr>'
            )
        else:
            rows.append(
                f'<tr><th scope="row">{_e(g.group)}</th><td>{g.n}</td><td>{_e(g.rate)}</td></tr>'
            )
    total = "suppressed" if b.total is None else str(b.total)
    n = "" if b.total is None else str(b.total.denominator)
    foot = f'<tfoot><tr><th scope="row">Total</th><td>{n}</td><td>{_e(total)}</td></tr></tfoot>'
    title = breakdown_title(b)
    return (
        f"<section><h2>{_e(title)}</h2>"
        + _table(
            f"{title}; groups under {b.min_group_size} people are suppressed",
            ["Group", "People", "Figure"],
            rows,
            foot,
        )
        + "</section>"
    )


# -------------------------------------------------------------------------- plots
_COMMENT = re.compile("<!--.*?-->", re.S)
_METADATA = re.compile("<metadata>.*?</metadata>", re.S)
_ID = re.compile(r'\bid="([^"]+)"')
_REF = re.compile(r'(url\(#|href="#)([^)"]+)')


def _svg(fig: Any, prefix: str, title: str) -> str:
    """The figure as an ``<svg>`` element for the page: text drawn as paths (no font
    needed, no text from data in the markup), no comments or metadata, its ids
    prefixed so that several figures share a page, titled for screen readers."""
    import matplotlib

    buffer = io.StringIO()
    rc: Any = {"svg.fonttype": "path", "svg.hashsalt": "mentormatch", "svg.image_inline": True}
    with matplotlib.rc_context(rc):
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    text = buffer.getvalue()
    text = _METADATA.sub("", _COMMENT.sub("", text[text.index("<svg") :]))
    text = _ID.sub(lambda m: f'id="{prefix}-{m.group(1)}"', text)
    text = _REF.sub(lambda m: f"{m.group(1)}{prefix}-{m.group(2)}", text)
    head_end = text.index(">") + 1
    return (
        text[: head_end - 1].replace("<svg ", f'<svg role="img" aria-labelledby="{prefix}-t" ', 1)
        + f'><title id="{prefix}-t">{_e(title)}</title>'
        + text[head_end:].strip()
    )


def _figures(report: ProgrammeReport) -> tuple[list[tuple[str, str]], str]:
    """``(caption, svg)`` of each figure, drawn by :mod:`mentormatch.plot`; or none and
    a note saying how to get them, without matplotlib."""
    try:
        from matplotlib.figure import Figure
    except ImportError:
        return [], "Plots need matplotlib: pip install 'mentormatch-engine[plot]'."
    from mentormatch import plot  # draws kpis' results, so it stands above kpis: see pyproject

    def size(rows: int) -> tuple[float, float]:  # as mentormatch.plot sizes its own figures
        return (9.0, 0.45 * max(rows, 1) + 1.6)

    makers: list[Callable[[], tuple[str, Any] | None]] = []

    def rates() -> tuple[str, Any] | None:
        n = sum(isinstance(r, Rate) for _, _, r in report.kpi_rows())
        if not n:
            return None
        fig = Figure(figsize=size(n), layout="constrained")
        plot.kpis_vs_targets(report, ax=fig.subplots())
        return "Key rates with their confidence intervals, against their targets", fig

    def by_group(b: Breakdown) -> Callable[[], tuple[str, Any] | None]:
        def make() -> tuple[str, Any] | None:
            if not any(g.rate is not None for g in b.groups):
                return None
            fig = Figure(figsize=size(len(b.groups) + 1), layout="constrained")
            plot.breakdown(b, ax=fig.subplots())
            hidden = [g.group for g in b.groups if g.rate is None]
            caption = breakdown_title(b) + " (diamond and dashed line: the total)"
            if hidden:
                caption += "; suppressed: " + ", ".join(hidden)
            return caption, fig

        return make

    def cadence() -> tuple[str, Any] | None:
        if report.cadence is None or report.cadence.n < 2:
            return None
        target = next((c.target for c in report.target_checks if c.kpi == "meeting_cadence"), None)
        fig = Figure(figsize=(8.0, 3.6), layout="constrained")
        plot.meeting_cadence(report.cadence, ax=fig.subplots(), target=target)
        return "Meeting cadence: meetings per month of each pair", fig

    makers.append(rates)
    makers += [by_group(b) for b in report.breakdowns if b.kpi == "completion_rate"]
    makers.append(cadence)
    out: list[tuple[str, str]] = []
    for make in makers:
        made = make()
        if made is not None:
            out.append((made[0], _svg(made[1], f"fig{len(out) + 1}", made[0])))
    return out, ""


@dataclass(frozen=True, eq=False)
class ProgrammeReport(Tabular, Value):
    """The cohort's KPIs, breakdowns, target checks and at-risk list (each pair with its
    next step), and, when asked for, preparation (``readiness``) and the milestones met
    on time (``milestones``, with their targets).

    KPIs that could not be computed (no data yet) are None and explained in
    ``notes``.  Render with :meth:`summary`, :meth:`to_markdown`, :meth:`to_html`
    or :meth:`save_html`; export the figures with :meth:`to_csv`.
    """

    as_of: date
    pairs: int
    status_counts: Mapping[str, int]
    match: Rate | None
    completion: Rate | None
    early_termination: Rate | None
    goals: GoalAttainment | None
    cadence: MeetingCadence | None
    satisfaction: MeanSummary | None
    utilisation: MentorUtilisation | None
    breakdowns: tuple[Breakdown, ...]
    at_risk: tuple[AtRisk, ...]
    target_checks: tuple[TargetCheck, ...]
    goal: str | None = None
    name: str | None = None
    survey: Any = None
    notes: tuple[str, ...] = ()
    max_gap_days: int = 30
    readiness: _followup.ReadinessFigure | None = None
    milestones: tuple[_followup.MilestoneFigure, ...] = ()

    _columns = (
        *(Column(name, "text") for name in CSV_HEADER[:3]),
        Column("numerator", "count", nullable=True),
        Column("denominator", "count", nullable=True),
        *(Column(name, "float") for name in CSV_HEADER[5:9]),
        Column(CSV_HEADER[9], "text"),
        Column(CSV_HEADER[10], "float"),
        *(Column(name, "text") for name in CSV_HEADER[11:]),
        Column("suppressed", "bool"),
    )
    _at_risk_columns = (
        Column("mentee_id", "id"),
        Column("mentor_id", "id"),
        Column("days_since_last_meeting", "count"),
        Column("last_meeting", "date"),
        Column("meetings_behind", "float"),
        Column("satisfaction_drop", "float"),
        Column("reason", "text"),
        Column("next_step", "text"),
    )
    _display_skip = ("status_counts", "survey", "notes")

    def __repr__(self) -> str:
        kpis = len(self.kpi_rows())
        return (
            f"ProgrammeReport(as_of={self.as_of.isoformat()}, pairs={self.pairs}, kpis={kpis}, "
            f"breakdowns={len(self.breakdowns)}, at_risk={len(self.at_risk)})"
        )

    def _records(self) -> list[dict[str, Any]]:
        return [
            {**dict(zip(CSV_HEADER, row, strict=True)), "suppressed": row[9] == "suppressed"}
            for row in csv_rows(self)
        ]

    def at_risk_dataframe(self) -> pd.DataFrame:
        """The at-risk list as a pandas DataFrame (needs the ``pandas`` extra).

        Columns: ``mentee_id``, ``mentor_id`` (string), ``days_since_last_meeting``
        (int64), ``last_meeting`` (datetime64, NaT when they never met),
        ``meetings_behind``, ``satisfaction_drop`` (float64, NaN when not flagged),
        ``reason`` and ``next_step`` (string).

        Examples
        --------
        >>> from mentormatch import kpis
        >>> report = kpis.programme_report(kpis.load_demo_relationships(), as_of="2026-06-30")
        >>> report.at_risk_dataframe().dtypes.astype(str).tolist()[:4]
        ['string', 'string', 'int64', 'datetime64[ns]']
        """
        from mentormatch._frames import frame

        rows = [{c.name: getattr(a, c.name) for c in self._at_risk_columns} for a in self.at_risk]
        return frame(rows, self._at_risk_columns)

    def kpi_rows(self) -> list[tuple[str, str, object]]:
        """``(key, label, result)`` for every computed KPI, in report order."""
        rows: list[tuple[str, str, object]] = [
            ("match_rate", "Match rate", self.match),
            ("completion_rate", "Completion rate", self.completion),
            ("early_termination_rate", "Early termination", self.early_termination),
            ("goals_met", "Goals met (pooled)", self.goals.goals if self.goals else None),
            (
                "goal_attainment",
                "Pairs meeting all goals",
                self.goals.all_goals if self.goals else None,
            ),
            (
                "mentor_utilisation",
                "Mentor slots used",
                self.utilisation.slots if self.utilisation else None,
            ),
            ("meeting_cadence", "Meetings per pair-month", self.cadence),
            ("satisfaction", "Satisfaction", self.satisfaction),
        ]
        return [row for row in rows if row[2] is not None]

    def summary(self) -> str:
        """Plain-text report."""
        return render_text(self)

    def __str__(self) -> str:
        return self.summary()

    def to_markdown(self) -> str:
        """Markdown report."""
        return render_markdown(self)

    def to_html(self, *, plots: bool = True) -> str:
        """One self-contained HTML page (figures inline as SVG when matplotlib is
        installed and ``plots`` is true)."""
        return render_html(self, plots=plots)

    def save_html(self, path: str | os.PathLike[str], *, plots: bool = True) -> Path:
        """Write :meth:`to_html` to ``path`` (UTF-8, atomically; a pipe or device is written
        in place, never replaced); returns the path."""
        out = Path(path)
        html = self.to_html(plots=plots)
        write_atomically(out, lambda handle: handle.write(html), "utf-8")
        return out

    def to_csv(self, path: str | os.PathLike[str] | None = None) -> str:
        """Every figure (KPIs and breakdown groups) as CSV, no personal data; text
        cells are neutralised against spreadsheet formulas."""
        return write_csv(CSV_HEADER, csv_rows(self), path)

    def at_risk_csv(self, path: str | os.PathLike[str] | None = None) -> str:
        """The at-risk list as CSV (pair ids, reason, days since last meeting, next step)."""
        rows = [
            (*r[:3], "" if r[3] is None else r[3].isoformat(), *r[4:]) for r in at_risk_rows(self)
        ]
        return write_csv(AT_RISK_HEADER, rows, path)

    def save_table(self, path: str | os.PathLike[str]) -> Path:
        """Write every figure (the rows of :meth:`to_csv`) to ``path`` as CSV or as an
        Excel workbook, as its extension says (``.csv``, ``.xlsx``: the ``[excel]``
        extra); another extension is refused before anything is written. Returns
        the path.

        >>> import tempfile
        >>> from datetime import date
        >>> from mentormatch import kpis
        >>> rel = kpis.Relationship(mentee_id="e1", mentor_id="m1", started=date(2025, 1, 6),
        ...                         status="active", meetings=[date(2025, 1, 20)])
        >>> report = kpis.programme_report([rel], as_of=date(2025, 3, 1))
        >>> folder = Path(tempfile.mkdtemp())
        >>> report.save_table(folder / "kpis.xlsx").name, report.save_at_risk(folder / "risk.csv").name
        ('kpis.xlsx', 'risk.csv')
        >>> report.save_table(folder / "kpis.md")
        Traceback (most recent call last):
        ...
        mentormatch._errors.MentormatchError: cannot write '.md' files: ...
        """
        return write_table(CSV_HEADER, csv_rows(self), path)

    def save_at_risk(self, path: str | os.PathLike[str]) -> Path:
        """Write the at-risk list (the columns of :meth:`at_risk_csv`; in a workbook
        ``last_meeting`` is a date) to ``path`` as CSV or ``.xlsx``, by its extension."""
        return write_table(AT_RISK_HEADER, at_risk_rows(self), path)


AT_RISK_HEADER = (
    "mentee_id",
    "mentor_id",
    "days_since_last_meeting",
    "last_meeting",
    "reason",
    "next_step",
)


def at_risk_rows(report: ProgrammeReport) -> list[tuple[Any, ...]]:
    """One row per pair at risk: ids, days since the last meeting, its date, the reason
    and the next step."""
    return [
        (a.mentee_id, a.mentor_id, a.days_since_last_meeting, a.last_meeting, a.reason, a.next_step)
        for a in report.at_risk
    ]
