"""The programme report as a value (:class:`ProgrammeReport`, built by
:func:`mentormatch.kpis.programme_report`) and its rendering: text, Markdown,
HTML with inline plots, CSV rows.

Everything that comes from data (the programme's name and goal, group names,
ids, reasons, notes, the survey's text) goes through :mod:`mentormatch._text`
for the format it lands in: control characters escaped in text, HTML and
Markdown syntax escaped in Markdown, everything escaped in HTML, and plot labels
drawn with mathtext and TeX off.  Group figures are the breakdowns' own, so
suppressed groups are suppressed in every format, plot and CSV row alike.
"""

from __future__ import annotations

import base64
import io
import math
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from mentormatch import _text
from mentormatch._files.tables import write_atomically, write_csv
from mentormatch._values import Value
from mentormatch.kpis import report_followup as _followup
from mentormatch.kpis.at_risk import AtRisk
from mentormatch.kpis.breakdown import Breakdown
from mentormatch.kpis.cohort import GoalAttainment, MeanSummary, MeetingCadence, MentorUtilisation
from mentormatch.kpis.rates import Rate
from mentormatch.kpis.targets import TargetCheck

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
    lines.append("")
    width = max([len(label) for _, label, _ in report.kpi_rows()] + [10])
    for key, label, result in report.kpi_rows():
        lines.append(f"{label:<{width}}  {plain(_figure_text(result))}")
        target = _target_for(report, key)
        if target:
            lines.append(f"{'':<{width}}  {plain(target)}")
    for check in report.target_checks:
        if check.verdict == "not computed":
            lines.append(f"Target for {plain(check.kpi)}: {plain(check.text)}")
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
    out = [f"# {_md(_title(report))}", ""]
    if report.goal:
        out += [f"**Goal:** {_md(report.goal)}", ""]
    out += [_md(_status_line(report)), "", "| KPI | Figure | Target |", "|---|---|---|"]
    for key, label, result in report.kpi_rows():
        out.append(
            f"| {_md(label)} | {_md(_figure_text(result))} | {_md(_target_for(report, key))} |"
        )
    out += _followup.markdown_lines(report.readiness, report.milestones)
    for b in report.breakdowns:
        out += [
            "",
            f"## {_md(b.kpi)} by {_md(b.by)}",
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
            f"| **total** | {'' if b.total is None else b.total.denominator} | {_md(total)} |"
        )
    out += ["", "## At risk", ""]
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
def _rate_row(kpi: str, by: str, group: str, rate: Rate | None) -> list[object]:
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
            row = _rate_row(key, "", "total", result)
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
            rows.append([*_rate_row(b.kpi, b.by, g.group, g.rate), None, None])
        rows.append([*_rate_row(b.kpi, b.by, "total", b.total), None, None])
    rows += _followup.csv_rows(report.readiness, report.milestones, _rate_row)
    return rows


# --------------------------------------------------------------------------- HTML
_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;max-width:60rem;margin:2rem auto;
padding:0 1rem;color:#1b1b1b;line-height:1.45}
h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ddd}
table{border-collapse:collapse;width:100%;margin:.5rem 0}
th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #e5e5e5;vertical-align:top}
th{background:#f4f4f4}.met{color:#1a7f37}.not-met{color:#b42318}.inconclusive{color:#8a6100}
.suppressed{color:#777;font-style:italic}.note{color:#555;font-size:.9rem}
img{max-width:100%;height:auto}pre{background:#f7f7f7;padding:.75rem;overflow-x:auto}
"""


def _e(text: object) -> str:
    return _text.html(text)


def _verdict_class(text: str) -> str:
    if text.startswith("met"):
        return "met"
    if text.startswith("not met"):
        return "not-met"
    return "inconclusive" if text.startswith("inconclusive") else ""


def render_html(report: ProgrammeReport, *, plots: bool = True) -> str:
    images, plot_note = _plots(report) if plots else ([], "")
    body: list[str] = [f"<h1>{_e(_title(report))}</h1>"]
    if report.goal:
        body.append(f"<p><strong>Goal:</strong> {_e(report.goal)}</p>")
    body.append(f"<p>{_e(_status_line(report))}</p>")
    body.append("<h2>Key figures</h2><table><tr><th>KPI</th><th>Figure</th><th>Target</th></tr>")
    for key, label, result in report.kpi_rows():
        target = _target_for(report, key)
        cls = _verdict_class(target.split(": ", 1)[-1]) if target else ""
        body.append(
            f"<tr><td>{_e(label)}</td><td>{_e(_figure_text(result))}</td>"
            f'<td class="{cls}">{_e(target)}</td></tr>'
        )
    body.append("</table>")
    missing = [c for c in report.target_checks if c.verdict == "not computed"]
    for check in missing:
        body.append(f'<p class="note">Target for {_e(check.kpi)}: {_e(check.text)}</p>')
    body.append(
        '<p class="note">Every rate shows its counts and a confidence interval. A target is '
        "met only when the whole interval clears it.</p>"
    )
    for title, png in images:
        body.append(
            f'<figure><img alt="{_e(title)}" src="data:image/png;base64,{png}">'
            f'<figcaption class="note">{_e(title)}</figcaption></figure>'
        )
    if plot_note:
        body.append(f'<p class="note">{_e(plot_note)}</p>')
    body += _followup.html_parts(report.readiness, report.milestones)
    for b in report.breakdowns:
        body.append(_breakdown_html(b))
    body.append("<h2>At risk</h2>")
    if report.at_risk:
        body.append(
            "<table><tr><th>Mentee</th><th>Mentor</th><th>Days since last meeting</th>"
            "<th>Reason</th><th>Next step</th></tr>"
        )
        for a in report.at_risk:
            body.append(
                f"<tr><td>{_e(a.mentee_id)}</td><td>{_e(a.mentor_id)}</td>"
                f"<td>{a.days_since_last_meeting}</td><td>{_e(a.reason)}</td>"
                f"<td>{_e(a.next_step)}</td></tr>"
            )
        body.append("</table>")
    else:
        body.append(f"<p>{_e(_at_risk_heading(report))}</p>")
    if report.survey is not None:
        body.append(f"<h2>Survey</h2><pre>{_e(_figure_text(report.survey))}</pre>")
    if report.notes:
        body.append(
            "<h2>Notes</h2><ul>" + "".join(f"<li>{_e(n)}</li>" for n in report.notes) + "</ul>"
        )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(_title(report))}</title><style>{_CSS}</style></head><body>\n"
        + "\n".join(body)
        + "\n</body></html>\n"
    )


def _breakdown_html(b: Breakdown) -> str:
    rows = [
        f"<h2>{_e(b.kpi)} by {_e(b.by)}</h2>",
        f'<p class="note">Groups under {b.min_group_size} people are suppressed.</p>',
        "<table><tr><th>Group</th><th>n</th><th>Figure</th></tr>",
    ]
    for g in b.groups:
        if g.rate is None:
            rows.append(
                f'<tr><td>{_e(g.group)}</td><td></td><td class="suppressed">suppressed</td></tr>'
            )
        else:
            rows.append(f"<tr><td>{_e(g.group)}</td><td>{g.n}</td><td>{_e(g.rate)}</td></tr>")
    total = "suppressed" if b.total is None else str(b.total)
    n = "" if b.total is None else str(b.total.denominator)
    rows.append(f"<tr><th>total</th><th>{n}</th><th>{_e(total)}</th></tr></table>")
    return "".join(rows)


# -------------------------------------------------------------------------- plots
def _png(fig: Any) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100, bbox_inches="tight", metadata={"Software": None})
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _plots(report: ProgrammeReport) -> tuple[list[tuple[str, str]], str]:
    try:
        from matplotlib.figure import Figure
    except ImportError:
        return [], "Plots need matplotlib: pip install 'mentormatch-engine[plot]'."
    makers: list[Callable[[Any, ProgrammeReport], tuple[str, Any] | None]] = [_plot_kpis]
    makers += [_breakdown_plot(b) for b in report.breakdowns if b.kpi == "completion_rate"]
    makers.append(_plot_cadence)
    images = []
    for make in makers:
        made = make(Figure, report)
        if made is not None:
            images.append((made[0], _png(made[1])))
    return images, ""


def _interval_axes(ax: Any, labels: list[str], rates: list[Rate]) -> None:
    ys = list(range(len(rates)))[::-1]
    values = [r.value * 100 for r in rates]
    lows = [(r.value - r.ci.low) * 100 for r in rates]
    highs = [(r.ci.high - r.value) * 100 for r in rates]
    ax.errorbar(values, ys, xerr=[lows, highs], fmt="o", color="#1f4e79", capsize=4)
    ax.set_yticks(ys)
    # labels come from data: a "$" in a group name is a dollar, not mathtext or TeX
    ax.set_yticklabels([_text.plain(label) for label in labels], **_AS_WRITTEN)
    ax.set_xlim(0, 100)
    level = f", with {rates[0].ci.level * 100:g}% CI" if rates else ""
    ax.set_xlabel("percent" + level)
    ax.grid(axis="x", alpha=0.3)


#: Text properties for labels taken from data: drawn as written.
_AS_WRITTEN: dict[str, Any] = {"parse_math": False, "usetex": False}


def _plot_kpis(figure: Any, report: ProgrammeReport) -> tuple[str, Any] | None:

    rows = [(k, label, r) for k, label, r in report.kpi_rows() if isinstance(r, Rate)]
    if not rows:
        return None
    fig = figure(figsize=(7, 0.6 * len(rows) + 1.2))
    ax = fig.subplots()
    _interval_axes(ax, [label for _, label, _ in rows], [r for _, _, r in rows])
    targets = {c.kpi: c.target for c in report.target_checks}
    ys = list(range(len(rows)))[::-1]
    for y, (key, _, _) in zip(ys, rows, strict=True):
        if key in targets:
            ax.plot([targets[key] * 100], [y], marker="|", markersize=18, color="#b42318")
    ax.set_title("Key rates (red tick: target)")
    return "Key rates with confidence intervals and targets", fig


def _breakdown_plot(b: Breakdown) -> Callable[[Any, ProgrammeReport], tuple[str, Any] | None]:
    def make(figure: Any, report: ProgrammeReport) -> tuple[str, Any] | None:
        shown = [g for g in b.groups if g.rate is not None]
        if not shown:
            return None
        hidden = [g.group for g in b.groups if g.rate is None]
        fig = figure(figsize=(7, 0.5 * len(shown) + 1.4))
        ax = fig.subplots()
        rates = [g.rate for g in shown if g.rate is not None]
        _interval_axes(ax, [g.group for g in shown], rates)
        if b.total is not None:
            ax.axvline(b.total.value * 100, color="#777", linestyle="--", linewidth=1)
        title = f"{b.kpi.replace('_', ' ')} by {b.by}"
        ax.set_title(_text.plain(title), **_AS_WRITTEN)
        caption = title + " (dashed: total)"
        if hidden:
            caption += "; suppressed: " + ", ".join(hidden)
        return caption, fig

    return make


def _plot_cadence(figure: Any, report: ProgrammeReport) -> tuple[str, Any] | None:
    cadence = report.cadence
    if cadence is None or cadence.n < 2:
        return None
    fig = figure(figsize=(7, 3.2))
    ax = fig.subplots()
    top = max(cadence.per_pair)
    bins = max(5, min(20, math.ceil(top / 0.25)))
    ax.hist(cadence.per_pair, bins=bins, color="#9dc3e6", edgecolor="#1f4e79")
    ax.axvline(cadence.median, color="#1f4e79", linewidth=2, label=f"median {cadence.median:.2f}")
    ax.axvspan(cadence.q1, cadence.q3, color="#1f4e79", alpha=0.1, label="middle half of pairs")
    ax.set_xlabel("meetings per month, per pair")
    ax.set_ylabel("pairs")
    ax.legend(frameon=False)
    ax.set_title("Meeting cadence")
    return "Meeting cadence: distribution over pairs", fig


@dataclass(frozen=True, eq=False)
class ProgrammeReport(Value):
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
        """One self-contained HTML page (plots inline as PNG when matplotlib is
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
            (
                a.mentee_id,
                a.mentor_id,
                a.days_since_last_meeting,
                "" if a.last_meeting is None else a.last_meeting.isoformat(),
                a.reason,
                a.next_step,
            )
            for a in self.at_risk
        ]
        return write_csv(
            [
                "mentee_id",
                "mentor_id",
                "days_since_last_meeting",
                "last_meeting",
                "reason",
                "next_step",
            ],
            rows,
            path,
        )
