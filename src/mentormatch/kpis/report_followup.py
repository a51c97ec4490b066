"""The report's follow-up sections: preparation (readiness), milestones met on time
against their targets, and the at-risk list with next steps, each under the one
suppression rule of every group figure (:mod:`mentormatch.kpis.suppression`), and
their rendering as text, Markdown, HTML and CSV rows."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from mentormatch import _text
from mentormatch._values import Value
from mentormatch.kpis.at_risk import AtRisk
from mentormatch.kpis.breakdown import Breakdown, breakdown
from mentormatch.kpis.milestones import MILESTONE_DAYS, MilestoneTarget, milestone_rate
from mentormatch.kpis.rates import NoDataError, Rate
from mentormatch.kpis.readiness import Readiness, readiness
from mentormatch.kpis.relationships import Relationship
from mentormatch.kpis.targets import TargetCheck, judge

__all__ = ["MilestoneFigure", "ReadinessFigure"]


@dataclass(frozen=True, eq=False)
class MilestoneFigure(Value):
    """A milestone met on time in the report: the rate (``None`` when suppressed or when
    no pair was due yet), the people behind it, and its target check."""

    name: str
    within_days: int
    rate: Rate | None
    suppressed: bool
    check: TargetCheck | None = None

    @property
    def label(self) -> str:
        """``"kick-off within 14 days"``."""
        return f"{self.name} within {self.within_days} days"

    @property
    def kpi(self) -> str:
        """The figure's name in the CSV export: ``"milestone:kick-off"``."""
        return f"milestone:{self.name}"


@dataclass(frozen=True, eq=False)
class ReadinessFigure(Value):
    """Readiness in the report: a role whose figure is suppressed holds ``None``."""

    key: str
    mentors: Rate | None
    mentees: Rate | None
    mentors_suppressed: bool
    mentees_suppressed: bool


def _shown(rate: Rate | None, min_group_size: int) -> tuple[Rate | None, bool]:
    """The rate, or None and True when fewer than ``min_group_size`` people are behind it."""
    if rate is None:
        return None, False
    if rate.denominator < min_group_size:
        return None, True
    return rate, False


def readiness_figure(
    participants: Any, key: str, day: date, min_group_size: int, confidence: float
) -> ReadinessFigure:
    """Readiness of everyone in ``participants``, small roles suppressed."""
    got: Readiness = readiness(participants, key, as_of=day, confidence=confidence)
    mentors, hide_mentors = _shown(got.mentors, min_group_size)
    mentees, hide_mentees = _shown(got.mentees, min_group_size)
    return ReadinessFigure(got.key, mentors, mentees, hide_mentors, hide_mentees)


def _asked(rels: Sequence[Relationship], targets: Sequence[MilestoneTarget]) -> list[Any]:
    """The milestones to report: those with a target, then the default plan's fixed ones
    when the data record any milestone."""
    out: list[tuple[str, int, float | None]] = [(t.name, t.within_days, t.target) for t in targets]
    if any(r.milestones for r in rels):
        named = {name.casefold() for name, _, _ in out}
        out += [(n, d, None) for n, d in MILESTONE_DAYS.items() if n not in named]
    return out


def _rate_of(name: str, days: int, confidence: float) -> Callable[..., Rate]:
    def on_time(records: Sequence[Relationship], *, as_of: date) -> Rate:
        return milestone_rate(records, name, within_days=days, as_of=as_of, confidence=confidence)

    on_time.__name__ = f"{name} within {days} days"
    return on_time


def milestone_figures(
    rels: Sequence[Relationship],
    day: date,
    targets: Sequence[MilestoneTarget],
    by: Sequence[str],
    min_group_size: int,
    confidence: float,
) -> tuple[tuple[MilestoneFigure, ...], tuple[Breakdown, ...]]:
    """Each milestone's on-time rate (a total under fewer than ``min_group_size`` distinct
    mentees suppressed, as a breakdown's total is) with its target check, and its
    breakdown by each of ``by``."""
    figures: list[MilestoneFigure] = []
    breakdowns: list[Breakdown] = []
    for name, days, target in _asked(rels, targets):
        kpi = _rate_of(name, days, confidence)
        total = breakdown(kpi, rels, lambda r: "all", min_group_size, as_of=day)
        try:
            rate: Rate | None = kpi(rels, as_of=day)
        except NoDataError:
            rate = None
        shown = total.total
        suppressed = rate is not None and shown is None
        check = None
        if target is not None:
            check = judge(
                f"milestone:{name}",
                target,
                "at least",
                None if shown is None else shown.value,
                None if shown is None else shown.ci,
            )
            if suppressed:
                check = TargetCheck(
                    check.kpi,
                    target,
                    "at least",
                    None,
                    None,
                    "not computed",
                    f"not computed: fewer than {min_group_size} pairs due (suppressed)",
                )
        figures.append(MilestoneFigure(name, days, shown, suppressed, check))
        breakdowns += [breakdown(kpi, rels, b, min_group_size, as_of=day) for b in by]
    return tuple(figures), tuple(breakdowns)


# ----------------------------------------------------------------------- rendering


def _figure(rate: Rate | None, suppressed: bool, what: str) -> str:
    if suppressed:
        return "suppressed (small group)"
    return f"not computed (no {what})" if rate is None else rate.summary()


def _target(f: MilestoneFigure) -> str:
    if f.check is None:
        return ""
    return f"target {f.check.direction} {f.check.target * 100:.1f}%: {f.check.text}"


def _readiness_rows(r: ReadinessFigure) -> list[tuple[str, str]]:
    return [
        (f"{role} prepared", _figure(rate, hidden, role))
        for role, rate, hidden in (
            ("mentors", r.mentors, r.mentors_suppressed),
            ("mentees", r.mentees, r.mentees_suppressed),
        )
    ]


def _milestone_rows(figures: Sequence[MilestoneFigure]) -> list[tuple[str, str, str]]:
    return [(f.label, _figure(f.rate, f.suppressed, "pair due yet"), _target(f)) for f in figures]


def text_lines(readiness: ReadinessFigure | None, figures: Sequence[MilestoneFigure]) -> list[str]:
    plain = _text.plain
    lines: list[str] = []
    if readiness is not None:
        lines += ["", f"Preparation ({plain(readiness.key)})"]
        lines += [f"  {label:<16}  {fig}" for label, fig in _readiness_rows(readiness)]
    if figures:
        rows = _milestone_rows(figures)
        width = max(len(plain(label)) for label, _, _ in rows)
        lines += ["", "Milestones met on time"]
        for label, fig, target in rows:
            lines.append(f"  {plain(label):<{width}}  {fig}")
            if target:
                lines.append(f"  {'':<{width}}  {plain(target)}")
    return lines


def markdown_lines(
    readiness: ReadinessFigure | None, figures: Sequence[MilestoneFigure]
) -> list[str]:
    md = _text.markdown
    out: list[str] = []
    if readiness is not None:
        out += ["", f"## Preparation ({md(readiness.key)})", "", "| Who | Figure |", "|---|---|"]
        out += [f"| {label} | {fig} |" for label, fig in _readiness_rows(readiness)]
    if figures:
        out += ["", "## Milestones met on time", "", "| Milestone | Figure | Target |"]
        out.append("|---|---|---|")
        out += [
            f"| {md(label)} | {fig} | {md(target)} |"
            for label, fig, target in _milestone_rows(figures)
        ]
    return out


def html_parts(
    readiness: ReadinessFigure | None,
    figures: Sequence[MilestoneFigure],
    table: Callable[[str, list[str], list[str]], str],
) -> list[str]:
    """The report's follow-up sections as HTML, each an accessible ``table(caption,
    column headers, rows)`` of the report (caption, ``thead``, row headers with scope)."""
    e = _text.html
    out: list[str] = []

    def cell(fig: str) -> str:
        cls = ' class="suppressed"' if fig.startswith("suppressed") else ""
        return f"<td{cls}>{e(fig)}</td>"

    if readiness is not None:
        rows = [
            f'<tr><th scope="row">{e(lbl)}</th>{cell(fig)}</tr>'
            for lbl, fig in _readiness_rows(readiness)
        ]
        out.append(f"<section><h2>Preparation ({e(readiness.key)})</h2>")
        out.append(table(f"Share of people prepared ({readiness.key})", ["Who", "Figure"], rows))
        out.append("</section>")
    if figures:
        rows = [
            f'<tr><th scope="row">{e(label)}</th>{cell(fig)}<td>{e(target)}</td></tr>'
            for label, fig, target in _milestone_rows(figures)
        ]
        out.append("<section><h2>Milestones met on time</h2>")
        out.append(
            table("Pairs that met each milestone on time", ["Milestone", "Figure", "Target"], rows)
        )
        out.append("</section>")
    return out


def csv_rows(
    readiness: ReadinessFigure | None,
    figures: Sequence[MilestoneFigure],
    rate_row: Callable[..., list[object]],
) -> list[list[object]]:
    def row(kpi: str, rate: Rate | None, suppressed: bool) -> list[object]:
        if rate is None and not suppressed:  # nobody to measure: not a hidden figure
            return [kpi, "", "total", None, None, None, None, None, None, "not computed"]
        return rate_row(kpi, "", "total", rate=rate)

    rows: list[list[object]] = []
    if readiness is not None:
        for role, rate, hidden in (
            ("mentors", readiness.mentors, readiness.mentors_suppressed),
            ("mentees", readiness.mentees, readiness.mentees_suppressed),
        ):
            rows.append([*row(f"readiness:{role}", rate, hidden), None, None])
    for f in figures:
        check = [f.check.target, f.check.verdict] if f.check else [None, None]
        rows.append([*row(f.kpi, f.rate, f.suppressed), *check])
    return rows


def at_risk_line(a: AtRisk) -> str:
    """The at-risk item's next step, for the text report."""
    return f"    next step: {_text.plain(a.next_step)}"
