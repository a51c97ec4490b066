"""The ``plan`` subcommand of the ``mentormatch`` command: a follow-up plan for every
matched pair, written as a calendar (``.ics``), events (``.csv``) or the whole plan
(``.json``).

Registered by :data:`mentormatch.cli.COMMANDS` through :func:`add_parser`, in the style
of the other subcommands: files declared with :func:`mentormatch.cli._arguments._file_argument`
(inputs checked and the output refused when it is one of them, before any work),
everything printed through :func:`mentormatch.cli._console._say`, bad input exit 2 with nothing
written.
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from typing import Any, TextIO

from mentormatch import io as mmio
from mentormatch._errors import MentormatchError
from mentormatch._files import outputs as _outputs
from mentormatch._files import toml as _toml
from mentormatch._problems import ProblemsError
from mentormatch.cli._arguments import _add_output_argument, _checked, _file_argument, _gather
from mentormatch.cli._console import (
    EXIT_OK,
    PROG,
    _formatter,
    _Progress,
    _say,
    _status,
    _target,
    _write,
    _written,
)
from mentormatch.followup import PROGRAMMES, FollowUpWarning, plan
from mentormatch.programme import programme_problems, read_programme

__all__ = ["FORMATS", "add_parser", "run"]

#: The output formats, by the output's extension.
FORMATS = (".ics", ".csv", ".json")


def add_parser(subparsers: Any) -> None:
    """Register ``mentormatch plan`` on the ``subparsers`` of :func:`mentormatch.cli.build_parser`.

    Examples
    --------
    >>> from mentormatch import cli
    >>> args = cli.build_parser().parse_args(
    ...     ["plan", "matches.json", "signups.csv", "--start", "2026-01-12", "-o", "plan.ics"])
    >>> args.weeks, args.every, args.start
    (26, 14, '2026-01-12')
    """
    p = subparsers.add_parser(
        "plan",
        help="a follow-up plan for every pair: check-ins, milestones, talking points",
        description="Plan every matched pair's follow-up: check-in dates on a cadence, "
        "milestones with due dates (kick-off, agreement, mid-point and closing reviews), "
        "talking points from the pair's shared goals and skill gaps and the programme's "
        "goal, and an agreement to complete. Written as a calendar (.ics), one row per event "
        "(.csv) or the whole plan (.json), chosen by the output's extension. Names go in "
        "only with --names.",
        epilog="examples:\n"
        "  mentormatch plan matches.json signups.csv --start 2026-01-12 -o plan.ics\n"
        "  mentormatch plan matches.json signups.csv --start 2026-01-12 --weeks 26 --every 14 "
        "--programme career_guidance -o plan.csv\n"
        "  mentormatch plan matches.json --start 2026-01-12 --config programme.toml -o plan.json",
        formatter_class=_formatter,
    )
    _file_argument(
        p,
        "matches",
        role="input",
        what="the results file",
        help="the matches: the JSON output of 'mentormatch match -o matches.json'",
    )
    _file_argument(
        p,
        "signups",
        role="input",
        what="the sign-ups",
        nargs="?",
        help="the sign-ups (CSV or JSON), for goals, skills and names; without them every "
        "pair gets the programme's and the general topics",
    )
    p.add_argument("--start", metavar="DATE", required=True, help="the first day, YYYY-MM-DD")
    p.add_argument(
        "--weeks", type=int, default=26, metavar="N", help="the plan's length (default 26)"
    )
    p.add_argument(
        "--every",
        type=int,
        default=14,
        metavar="DAYS",
        help="days between check-ins (default 14)",
    )
    p.add_argument(
        "--programme",
        metavar="NAME",
        help="the programme goal for talking points: " + ", ".join(PROGRAMMES),
    )
    _file_argument(
        p,
        "--config",
        role="input",
        what="the programme file (--config)",
        metavar="PROGRAMME.toml",
        help="a programme file; its preset is the programme goal",
    )
    _file_argument(
        p,
        "--topics",
        role="input",
        what="the topic bank (--topics)",
        metavar="TOPICS.toml",
        help="your own topic bank, replacing the shipped one",
    )
    p.add_argument(
        "--names", action="store_true", help="put names beside the ids (default: ids only)"
    )
    _add_output_argument(
        p, "the plan: a .ics, .csv or .json file (none, or '-': the CSV on standard output)"
    )
    p.add_argument(
        "--format",
        choices=[ext[1:] for ext in FORMATS],
        help="the output format (default: from the output's extension; needed for a pipe or a "
        "device)",
    )
    p.set_defaults(func=run)


def _format(output: str | None, chosen: str | None) -> str:
    """The output's format: ``--format``, else its extension; anything else is refused
    before any work."""
    if chosen is not None:
        return f".{chosen}"
    if output is None or output == _outputs.STDOUT:
        return ".csv"  # standard output: the events, one row each, to read or pipe on
    ext = os.path.splitext(output)[1].lower()
    if ext not in FORMATS:
        raise MentormatchError(
            f"-o {output!r}: the format is chosen by the extension; give a name ending in "
            ".ics, .csv or .json, or --format ics, csv or json",
            field="output",
            value=output,
        )
    return ext


#: The options of the command, by the parameter of :func:`mentormatch.followup.plan`.
_OPTIONS = {
    "start": "--start",
    "weeks": "--weeks",
    "every_days": "--every",
    "programme": "--programme",
    "topics": "--topics",
}


def _as_option(exc: MentormatchError) -> MentormatchError:
    """A :func:`plan` error as the command's user knows it: naming the option."""
    option = _OPTIONS.get(str(exc.field))
    if option is None:
        return exc
    text = str(exc)
    for said in (f"The {exc.field!r} parameter of plan", f"The {exc.field!r} parameter"):
        text = text.replace(said, option)
    return MentormatchError(
        text, field=exc.field, participant_id=exc.participant_id, value=exc.value
    )


def _programme(args: argparse.Namespace) -> tuple[Any, str | None]:
    """The programme file read and checked as every command reads it (every problem at
    once), and the goal: ``--programme``, or the file's preset; the two must agree."""
    if not args.config:
        return None, args.programme
    programme = read_programme(args.config)
    preset = _toml.load(args.config, "programme file").get("preset")
    if args.programme is not None and preset is not None and args.programme != preset:
        raise MentormatchError(
            f"--programme {args.programme!r} and the preset {preset!r} of --config "
            f"{args.config!r} differ; give one of them",
            field="programme",
            value=args.programme,
        )
    return programme, args.programme if args.programme is not None else preset


def run(args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Run ``mentormatch plan``; return the exit code (0 done; bad input raises, and
    :func:`mentormatch.cli.main` turns it into exit 2 with nothing written).

    Examples
    --------
    >>> from mentormatch import cli
    >>> cli.main(["plan", "matches.json", "--start", "2026-01-12", "-o", "plan.xlsx"])
    2
    """
    checked = _checked(_run)
    return int(
        checked(args, sys.stdout if out is None else out, sys.stderr if err is None else err)
    )


def _run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    ext = _format(args.output, args.format)
    progress = _Progress(err)
    progress("reading the matches and the sign-ups")
    (config, programme), result, signups = _gather(
        [
            ("the programme file", lambda: _programme(args)),
            ("the results file", lambda: mmio.read_results(args.matches)),
            ("the sign-ups", lambda: mmio.read_signups(args.signups) if args.signups else None),
        ]
    )
    if config is not None and signups is not None:
        problems = programme_problems(config, *signups)
        if problems:
            raise ProblemsError(problems, "the programme file")
    progress(f"planning {len(result.matches)} pairs")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", FollowUpWarning)
        try:
            made = plan(
                result,
                signups,
                start=args.start,
                weeks=args.weeks,
                every_days=args.every,
                programme=programme,
                topics=args.topics,
            )
        except MentormatchError as exc:
            raise _as_option(exc) from None
    progress.done()
    for warning in caught:
        if issubclass(warning.category, FollowUpWarning):
            _say(err, f"{PROG}: warning: {warning.message}")
    if ext == ".ics":
        text = made.to_ics(include_names=args.names)
    elif ext == ".csv":
        text = made.to_csv(include_names=args.names)
    else:
        text = made.to_json(include_names=args.names)
    target = _target(args)
    if target is None:  # no -o: standard output, as with -o -
        args.output = _outputs.STDOUT
        target = _outputs.resolve(_outputs.STDOUT, label="-o '-'", inputs=[], allow_stdout=True)
        args.output_target = target
    _write(target, text, encoding="utf-8", out=out)
    if target.kind == "stdout":
        out.flush()
    events = sum(len(p.meetings) + len(p.milestones) for p in made.pairs)
    _say(
        _status(args, out, err),
        f"Planned {len(made.pairs)} pairs ({events} events, {made.weeks} weeks, a check-in "
        f"every {made.every_days} days); wrote {_written(args)}",
    )
    return EXIT_OK
