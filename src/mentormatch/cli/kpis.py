"""``mentormatch kpis``: the programme report from a relationships file."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any, TextIO

from mentormatch import io as mmio
from mentormatch._errors import MentormatchError
from mentormatch._files import toml as _toml
from mentormatch._problems import (
    Problems,
    did_you_mean,
    listed,
    then,
)
from mentormatch.cli._arguments import _add_output_argument, _checked, _file_argument, _gather
from mentormatch.cli._console import (
    EXIT_OK,
    _formatter,
    _say,
    _status,
    _target,
    _write,
    _write_table,
    _written,
)
from mentormatch.kpis import load_targets
from mentormatch.kpis.report import AT_RISK_HEADER, CSV_HEADER, at_risk_rows, csv_rows
from mentormatch.programme import TOP_KEYS

if TYPE_CHECKING:
    from mentormatch.kpis import ProgrammeReport, Relationship, Targets


def _add_kpis(sub: Any) -> None:
    p = sub.add_parser(
        "kpis",
        help="programme KPIs with intervals, at-risk pairs, and a report",
        description="Read a relationships file (one row per pair) and report the programme's "
        "KPIs, each with its counts and a confidence interval, breakdowns with small groups "
        "suppressed, targets from the programme file, and the pairs at risk. Prints the text "
        "report; -o writes HTML (.html), Markdown (.md) or the figures as CSV (.csv).",
        epilog="examples:\n"
        "  mentormatch kpis relationships.csv\n"
        "  mentormatch kpis relationships.csv --by department --as-of 2026-03-01 -o report.html\n"
        "  mentormatch kpis relationships.csv --config programme.toml --meetings meetings.csv\n"
        "  mentormatch kpis relationships.csv --matches matches.json --signups signups.csv\n"
        "  mentormatch kpis relationships.csv -o - --format md",
        formatter_class=_formatter,
    )
    _file_argument(
        p,
        "relationships",
        role="input",
        what="the relationships file",
        help="CSV of pairs (see docs/kpis.md)",
    )
    _file_argument(
        p,
        "--meetings",
        role="input",
        what="the meetings file (--meetings)",
        metavar="FILE",
        help="separate meetings file (mentee_id,mentor_id,date)",
    )
    p.add_argument(
        "--by",
        action="append",
        metavar="COLUMN",
        help="break the KPIs down by this column (repeatable), e.g. department",
    )
    p.add_argument(
        "--as-of",
        metavar="YYYY-MM-DD",
        help="the day the report describes (default: today)",
    )
    p.add_argument(
        "--min-group-size",
        type=int,
        default=5,
        metavar="N",
        help="groups smaller than N are suppressed (at least 3; default 5)",
    )
    p.add_argument(
        "--max-gap-days",
        type=int,
        default=30,
        metavar="DAYS",
        help="flag pairs with no meeting for longer (default 30)",
    )
    _file_argument(
        p,
        "--config",
        role="input",
        what="the programme file (--config)",
        metavar="PROGRAMME.toml",
        help="programme file with [targets]",
    )
    _file_argument(
        p,
        "--matches",
        role="input",
        what="the matching result (--matches)",
        metavar="MATCHES.json",
        help="the matching result (from 'mentormatch match -o FILE.json'), for the match rate",
    )
    _file_argument(
        p,
        "--signups",
        role="input",
        what="the sign-ups (--signups)",
        metavar="SIGNUPS.csv",
        help="the sign-ups, for mentor utilisation (the mentors' capacities)",
    )
    p.add_argument(
        "--readiness",
        metavar="ATTRIBUTE",
        help="with --signups: the share of mentors and of mentees prepared, from this "
        "sign-up attribute (yes/true/1, or a date on or before --as-of), e.g. trained",
    )
    _file_argument(
        p,
        "--plan",
        role="input",
        what="the follow-up plan (--plan)",
        metavar="PLAN.json",
        help="the pairs' follow-up plan (from 'mentormatch plan -o plan.json'): the next "
        "step of each pair at risk names its next milestone or talking point",
    )
    _add_output_argument(
        p,
        "write the report (.html, .md), or the figures (.csv, .xlsx); '-' for stdout",
        formats=("html", "md", "csv", "xlsx"),
        default="md",
    )
    _add_output_argument(
        p,
        "write the pairs at risk (.csv or .xlsx; '-' for stdout)",
        formats=("csv", "xlsx"),
        flags=("--at-risk",),
    )
    p.add_argument(
        "--format",
        choices=["html", "md", "csv"],
        help="report format for -o '-', a pipe or a device (default md); a file's "
        "extension names its format",
    )
    p.set_defaults(func=_cmd_kpis)


@_checked
def _cmd_kpis(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from mentormatch import kpis

    fmt = getattr(args, "output_format", None)
    as_of = _as_of(args)
    _check_options(args)
    targets, relationships, match_result, signups, plan = _gather(
        [
            ("the programme file", lambda: _read_targets(args)),
            (
                "the relationships",
                lambda: kpis.read_relationships(args.relationships, meetings=args.meetings),
            ),
            ("the results file", lambda: mmio.read_results(args.matches) if args.matches else None),
            ("the sign-ups", lambda: mmio.read_signups(args.signups) if args.signups else None),
            ("the follow-up plan", lambda: _read_plan(args)),
        ]
    )
    _check_by(args, relationships)
    capacities = {m.id: m.capacity for m in signups.mentors} if signups is not None else None
    report = kpis.programme_report(
        relationships,
        as_of=as_of,
        match_result=match_result,
        capacities=capacities,
        targets=targets,
        by=args.by,
        min_group_size=args.min_group_size,
        max_gap_days=args.max_gap_days,
        participants=signups if args.readiness else None,
        readiness_key=args.readiness or "trained",
        plan=plan,
    )
    _show(report, fmt, args=args, out=out, err=err)
    return EXIT_OK


def _as_of(args: argparse.Namespace) -> date:
    """``--as-of`` as a date; today without it."""
    if args.as_of:
        try:
            return date.fromisoformat(args.as_of)
        except ValueError:
            raise MentormatchError(
                f"--as-of {args.as_of!r} is not a date; write it as YYYY-MM-DD"
            ) from None
    return date.today()


def _check_options(args: argparse.Namespace) -> None:
    """``--min-group-size`` at least 3, ``--max-gap-days`` at least 1."""
    if args.min_group_size < 3:
        raise MentormatchError(
            f"--min-group-size must be at least 3 (got {args.min_group_size}); smaller "
            "groups could identify people",
            field="min_group_size",
        )
    if args.max_gap_days < 1:
        raise MentormatchError(
            f"--max-gap-days must be at least 1 (got {args.max_gap_days}): the days a pair "
            "may go without meeting before it is flagged",
            field="max_gap_days",
        )
    if args.readiness is not None and not args.signups:
        raise MentormatchError(
            f"--readiness {args.readiness!r} needs --signups: the sign-ups say who was prepared",
            field="readiness",
        )
    if args.readiness is not None and not args.readiness.strip():
        raise MentormatchError(
            "--readiness names a sign-up attribute, e.g. --readiness trained; it is empty",
            field="readiness",
        )


def _read_plan(args: argparse.Namespace) -> Any:
    """The plan of ``--plan``, or None."""
    if not args.plan:
        return None
    from mentormatch.followup import read_plan

    return read_plan(args.plan)


def _read_targets(args: argparse.Namespace) -> Targets | None:
    """The targets of ``--config``, its top-level keys checked as a programme file's."""
    if not args.config:
        return None
    sink = Problems(args.config)
    _toml.unknown_keys(_toml.load(args.config, "programme file"), TOP_KEYS, sink)
    sink.raise_if_any("the programme file")
    return load_targets(args.config)


def _check_by(args: argparse.Namespace, relationships: Sequence[Relationship]) -> None:
    """Every ``--by`` names a column some pair has (with the nearest one)."""
    if args.by:
        from mentormatch._files.tables import normalise_column

        columns = sorted({k for r in relationships for k in r.attributes})
        for by in args.by:
            if normalise_column(by) not in columns:
                raise MentormatchError(
                    f"--by {by!r}: no pair has this column"
                    + then(
                        did_you_mean(by, columns),
                        f"the columns to break down by are: {listed(columns)}",
                    ),
                    field="by",
                    value=by,
                )


def _show(
    report: ProgrammeReport, fmt: str | None, *, args: argparse.Namespace, out: TextIO, err: TextIO
) -> None:
    """The report written to ``-o`` in its format, or printed."""
    target = _target(args)
    if target is not None:
        if fmt in ("csv", "xlsx"):
            _write_table(args, CSV_HEADER, csv_rows(report), out)
        else:
            text = report.to_markdown() if fmt == "md" else report.to_html()
            _write(target, text, encoding="utf-8", out=out)
        _say(_status(args, out, err), f"wrote {_written(args)}")
    else:
        _say(out, report.summary())
    risk = _target(args, "at_risk")
    if risk is not None:
        _write_table(args, AT_RISK_HEADER, at_risk_rows(report), out, dest="at_risk")
        where = "standard output" if risk.kind == "stdout" else str(args.at_risk)
        _say(
            err if risk.kind == "stdout" or _status(args, out, err) is err else out,
            f"wrote {len(report.at_risk)} pairs at risk to {where}",
        )
