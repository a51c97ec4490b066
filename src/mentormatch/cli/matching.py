"""``mentormatch match``, ``explain`` and ``validate``."""

from __future__ import annotations

import argparse
from typing import Any, TextIO

from mentormatch import io as mmio
from mentormatch import presets as _presets
from mentormatch import programme as programme_file
from mentormatch._errors import MentormatchError
from mentormatch._problems import (
    Problem,
    ProblemsError,
)
from mentormatch.cli._arguments import (
    _add_input_arguments,
    _add_output_argument,
    _add_programme_arguments,
    _checked,
    _file_argument,
    _programme,
    _read_input,
)
from mentormatch.cli._console import (
    EXIT_BAD_INPUT,
    EXIT_OK,
    _check_mentee,
    _formatter,
    _Progress,
    _report,
    _say,
    _status,
    _write_results,
    _written,
)
from mentormatch.programme import ProgrammeFile, apply_capacity, programme_problems


def _add_match(sub: Any) -> None:
    p = sub.add_parser(
        "match",
        help="match mentees with mentors and write the result",
        description="Read sign-ups, match mentees with mentors, and write one row per mentee "
        "(mentor, score, each criterion's contribution, reasons; the unmatched with "
        "their reason). Without -o, print the table.",
        epilog="examples:\n"
        "  mentormatch match signups.csv -o matches.csv\n"
        "  mentormatch match signups.csv -o matches.json --preset skills_training\n"
        "  mentormatch match signups.csv -o - --format json | jq .\n"
        "  mentormatch match --mentees mentees.csv --mentors mentors.csv "
        "--config programme.toml -o matches.csv",
        formatter_class=_formatter,
    )
    _add_input_arguments(p)
    _add_output_argument(p, "where to write the result ('-' for standard output)")
    _add_programme_arguments(p)
    p.add_argument(
        "--format",
        choices=["csv", "json"],
        help="output format (default: from the file name; json is what 'explain' reads)",
    )
    p.set_defaults(func=_cmd_match)


@_checked
def _cmd_match(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    progress = _Progress(err)
    matcher, mentees, mentors = _programme(args, progress)
    progress(f"matching {len(mentees)} mentees with {len(mentors)} mentors")
    result = matcher.match(mentees, mentors)
    if args.output:
        progress(f"writing {args.output}")
        _write_results(args, result, out)
        progress.done()
        n = len(result.matches) + len(result.unmatched)
        _say(
            _status(args, out, err),
            f"Matched {len(result.matches)} of {n} mentees (total score "
            f"{result.total_score:.2f}); wrote {_written(args)}",
        )
    else:
        progress.done()
        _report(result, mentees, mentors, out=out)
    return EXIT_OK


def _add_explain(sub: Any) -> None:
    p = sub.add_parser(
        "explain",
        help="why a mentee got their mentor, and why not the runner-up",
        description="Explain one mentee's match from a JSON result written by "
        "'mentormatch match ... -o matches.json'.",
        epilog="example:\n"
        "  mentormatch match signups.csv -o matches.json\n"
        "  mentormatch explain matches.json e07",
        formatter_class=_formatter,
    )
    _file_argument(
        p,
        "results",
        role="input",
        what="the results file",
        help="a JSON result written by 'mentormatch match -o FILE.json'",
    )
    p.add_argument("mentee_id", metavar="MENTEE_ID", help="the mentee to explain")
    p.set_defaults(func=_cmd_explain)


@_checked
def _cmd_explain(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    result = mmio.read_results(args.results)
    _check_mentee(result, args.mentee_id)
    _say(out, result.explain(args.mentee_id).summary())
    return EXIT_OK


def _add_validate(sub: Any) -> None:
    p = sub.add_parser(
        "validate",
        help="check sign-ups (and a programme file) without matching",
        description="Check sign-up files (and a programme file against them) and report "
        "every problem at once: file, row, column, id and how to fix it. Exit code 0 when "
        "the files are fine, 2 when not.",
        epilog="examples:\n"
        "  mentormatch validate signups.csv\n"
        "  mentormatch validate --mentees mentees.csv --mentors mentors.csv "
        "--config programme.toml",
        formatter_class=_formatter,
    )
    _add_input_arguments(p)
    _file_argument(
        p,
        "--config",
        role="input",
        what="the programme file (--config)",
        metavar="PROGRAMME.toml",
        help="also check this programme file",
    )
    p.set_defaults(func=_cmd_validate)


@_checked
def _cmd_validate(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    problems: list[Problem] = []
    programme = ProgrammeFile(_presets.career_guidance(), {})
    if args.config:
        try:
            programme = programme_file.read_programme(args.config)
        except ProblemsError as exc:
            problems.extend(exc.problems)
        except MentormatchError as exc:  # missing or not TOML at all
            problems.append(Problem(str(exc)))
    signups: mmio.Signups | None = None
    try:
        signups = _read_input(args)
    except mmio.SignupsError as exc:
        problems.extend(exc.problems)
    if signups is not None and not problems:
        problems.extend(programme_problems(programme, *signups))
    if problems:
        for problem in problems:
            _say(out, str(problem))
        n = len(problems)
        out.flush()
        _say(err, f"{n} problem{'s' if n != 1 else ''} found; nothing was matched.")
        return EXIT_BAD_INPUT
    if signups is None:  # pragma: no cover - a failed read always leaves a problem
        return EXIT_BAD_INPUT
    mentees, mentors = signups
    mentors = tuple(apply_capacity(mentors, programme.capacity))
    places = sum(m.capacity for m in mentors)
    _say(out, f"OK: {len(mentees)} mentees, {len(mentors)} mentors, {places} places.")
    if places < len(mentees):
        _say(
            out,
            f"note: {len(mentees) - places} mentees cannot be matched with {places} places; "
            "raise some capacities or recruit mentors",
        )
    return EXIT_OK
