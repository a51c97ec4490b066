"""The ``mentormatch`` command.

One function per subcommand, each registered on the subparsers by an
``_add_<name>`` function listed in :data:`COMMANDS`; a new subcommand adds its
pair and one entry there. Exit codes: 0 success, 2 bad input (a message on
stderr, no traceback), 1 an unexpected error (a bug: please report it).
"""

from __future__ import annotations

import argparse
import contextlib
import inspect
import os
import sys
import time
import traceback
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, NoReturn, TextIO

from mentormatch import _toml
from mentormatch import constraints as _constraints
from mentormatch import criteria as _criteria
from mentormatch import io as mmio
from mentormatch import presets as _presets
from mentormatch._errors import MentormatchError
from mentormatch.matching import Matcher, MatchResult
from mentormatch.participants import Mentee, Mentor

__all__ = ["COMMANDS", "build_parser", "load_programme", "main"]

EXIT_OK = 0
EXIT_UNEXPECTED = 1
EXIT_BAD_INPUT = 2

PROG = "mentormatch"


class _BadInput(Exception):
    """Raised by argparse instead of exiting, so that ``main`` returns the code."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise _BadInput(f"{self.prog}: {message} (see {self.prog} --help)")


def _formatter(prog: str) -> argparse.HelpFormatter:
    return argparse.RawDescriptionHelpFormatter(prog, max_help_position=32)


# --------------------------------------------------------------------------- output helpers


class _Progress:
    """Status lines on stderr while long work runs; silent when stderr is not a terminal."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.enabled = bool(getattr(stream, "isatty", lambda: False)())
        self.start = time.perf_counter()
        self._width = 0

    def __call__(self, message: str) -> None:
        if not self.enabled:
            return
        text = f"{message} ({time.perf_counter() - self.start:.1f}s)"
        self.stream.write("\r" + text.ljust(self._width))
        self.stream.flush()
        self._width = len(text)

    def done(self) -> None:
        if self.enabled and self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self.stream.flush()
            self._width = 0


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [len(h) for h in header]
    for row in rows:
        widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    for row in rows:
        lines.append("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
    return "\n".join(lines)


def _label(pid: str, names: Mapping[str, str | None]) -> str:
    name = names.get(pid)
    return f"{pid} ({name})" if name else pid


def _report(
    result: MatchResult, mentees: Sequence[Mentee], mentors: Sequence[Mentor], out: TextIO
) -> None:
    """The readable table of a result: pairs, then the unmatched with their reasons."""
    tee_names = {p.id: p.name for p in mentees}
    tor_names = {p.id: p.name for p in mentors}
    rows = [
        [
            _label(m.mentee_id, tee_names),
            _label(m.mentor_id, tor_names),
            f"{m.score:.2f}",
            m.reasons[0] if m.reasons else "",
        ]
        for m in result.matches
    ]
    n = len(result.matches) + len(result.unmatched)
    print(
        f"Matched {len(result.matches)} of {n} mentees (total score {result.total_score:.2f}).\n",
        file=out,
    )
    if rows:
        print(_table(["mentee", "mentor", "score", "top reason"], rows), file=out)
    if result.unmatched:
        print(f"\nUnmatched ({len(result.unmatched)}):", file=out)
        for u in result.unmatched:
            print(f"  {_label(u.mentee_id, tee_names)}: {u.reason}", file=out)


# --------------------------------------------------------------------------- programme files


def _key(name: str) -> str:
    return "".join(ch for ch in name.lower() if ch.isalnum())


_CRITERIA: dict[str, type] = {
    _key(c.__name__): c
    for c in (
        _criteria.GoalOverlap,
        _criteria.SkillGap,
        _criteria.DepartmentDistance,
        _criteria.StatedPreferences,
        _criteria.TextSimilarity,
        _criteria.AttributeMatch,
    )
}
_RULES: dict[str, type] = {
    _key(c.__name__): c
    for c in (
        _constraints.ForbidPairs,
        _constraints.RequirePairs,
        _constraints.NotInReportingLine,
        _constraints.SameAttribute,
        _constraints.DifferentDepartment,
    )
}
_TOP_KEYS = (
    "name",
    "goal",
    "programme",
    "preset",
    "min_score",
    "criteria",
    "rules",
    "capacity",
    "targets",
)


def _build_part(kind: str, registry: Mapping[str, type], entry: object, where: str) -> Any:
    names = ", ".join(sorted(c.__name__ for c in registry.values()))
    if not isinstance(entry, dict):
        raise MentormatchError(f"{where}: each [[{kind}]] entry must be a table with a 'type'")
    spec = dict(entry)
    type_name = spec.pop("type", None)
    if not isinstance(type_name, str):
        raise MentormatchError(f"{where}: give the {kind} 'type', one of: {names}", field="type")
    cls = registry.get(_key(type_name))
    if cls is None:
        raise MentormatchError(
            f"{where}: unknown {kind} type {type_name!r}; valid types: {names}",
            field="type",
            value=type_name,
        )
    where = f"{where} ({cls.__name__})"
    params = {
        n: p
        for n, p in inspect.signature(cls).parameters.items()
        if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
    }
    unknown = sorted(set(spec) - set(params))
    if unknown:
        valid = ", ".join(["type", *params])
        raise MentormatchError(
            f"{where}: unknown key{'s' if len(unknown) > 1 else ''} {', '.join(unknown)}; "
            f"valid keys: {valid}",
            field=unknown[0],
        )
    missing = [n for n, p in params.items() if p.default is p.empty and n not in spec]
    if missing:
        raise MentormatchError(f"{where}: missing key {', '.join(missing)}", field=missing[0])
    if "pairs" in spec and isinstance(spec["pairs"], list):
        pairs = spec["pairs"]
        if not all(isinstance(p, list) and len(p) == 2 for p in pairs):
            raise MentormatchError(
                f"{where}: pairs must be a list of [mentee_id, mentor_id] pairs, "
                'e.g. pairs = [["e01", "m03"]]',
                field="pairs",
            )
        spec["pairs"] = [tuple(p) for p in pairs]
    try:
        return cls(**spec)
    except (TypeError, ValueError) as exc:
        raise MentormatchError(f"{where}: {exc}") from None


def load_programme(path: str | Path) -> tuple[Matcher, dict[str, int]]:
    """Read a programme file (TOML): the matcher it describes and its capacity overrides.

    Parameters
    ----------
    path : str or Path
        The programme file; its format is described in ``docs/files.md``.

    Returns
    -------
    (Matcher, dict of str to int)
        The matcher (from ``preset``, ``criteria``, ``rules`` and
        ``min_score``) and the capacity per mentor id from ``[capacity]``.

    Raises
    ------
    MentormatchError
        On invalid TOML, an unknown key (the message lists the valid ones),
        an unknown criterion or rule type, or a bad value.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "programme.toml"
    >>> _ = p.write_text('preset = "skills_training"\\nmin_score = 0.2\\n[capacity]\\nm01 = 3\\n')
    >>> matcher, capacity = load_programme(p)
    >>> matcher.min_score, capacity
    (0.2, {'m01': 3})
    """
    where = str(path)
    data = _toml.loads(Path(path).read_text(encoding="utf-8-sig"), where)
    unknown = sorted(set(data) - set(_TOP_KEYS))
    if unknown:
        raise MentormatchError(
            f"{where}: unknown key{'s' if len(unknown) > 1 else ''} {', '.join(unknown)}; "
            f"valid keys: {', '.join(_TOP_KEYS)}",
            field=unknown[0],
        )
    min_score = data.get("min_score", 0.0)
    if isinstance(min_score, bool) or not isinstance(min_score, (int, float)):
        raise MentormatchError(
            f"{where}: min_score must be a number in [0, 1], got {min_score!r}", field="min_score"
        )
    criteria_spec = data.get("criteria", [])
    rules_spec = data.get("rules", [])
    for key, value in (("criteria", criteria_spec), ("rules", rules_spec)):
        if not isinstance(value, list):
            raise MentormatchError(
                f"{where}: {key} must be an array of tables: write [[{key}]] above each entry",
                field=key,
            )
    criteria = [
        _build_part("criteria", _CRITERIA, e, f"{where}: [[criteria]] #{i}")
        for i, e in enumerate(criteria_spec, start=1)
    ]
    rules = [
        _build_part("rules", _RULES, e, f"{where}: [[rules]] #{i}")
        for i, e in enumerate(rules_spec, start=1)
    ]
    preset_name = data.get("preset")
    try:
        if preset_name is not None:
            if not isinstance(preset_name, str) or preset_name not in _presets.PRESETS:
                raise MentormatchError(
                    f"unknown preset {preset_name!r}; valid presets: "
                    + ", ".join(sorted(_presets.PRESETS)),
                    field="preset",
                )
            base = _presets.PRESETS[preset_name](min_score=float(min_score), constraints=rules)
            matcher = Matcher(criteria or base.criteria, base.constraints, min_score=base.min_score)
        else:
            if not criteria:
                raise MentormatchError(
                    "give a preset (one of " + ", ".join(sorted(_presets.PRESETS)) + ") or at "
                    "least one [[criteria]] entry",
                    field="criteria",
                )
            matcher = Matcher(criteria, rules, min_score=float(min_score))
    except MentormatchError as exc:
        raise MentormatchError(f"{where}: {exc}", field=exc.field, value=exc.value) from None
    capacity = data.get("capacity", {})
    if not isinstance(capacity, dict):
        raise MentormatchError(f"{where}: [capacity] must be a table of mentor_id = number")
    for mentor_id, value in capacity.items():
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise MentormatchError(
                f"{where}: [capacity] {mentor_id} = {value!r}; give a whole number >= 0",
                field="capacity",
                participant_id=mentor_id,
                value=value,
            )
    return matcher, dict(capacity)


def _apply_capacity(mentors: Sequence[Mentor], capacity: Mapping[str, int]) -> list[Mentor]:
    ids = {m.id for m in mentors}
    unknown = sorted(set(capacity) - ids)
    if unknown:
        raise MentormatchError(
            f"[capacity] names {', '.join(repr(u) for u in unknown)}, not mentors in the "
            "sign-ups; correct the id or remove the line",
            field="capacity",
            participant_id=unknown[0],
        )
    return [
        m.model_copy(update={"capacity": capacity[m.id]}) if m.id in capacity else m
        for m in mentors
    ]


# --------------------------------------------------------------------------- shared arguments


def _add_input_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "signups",
        nargs="?",
        help="one CSV or JSON file of sign-ups with a 'role' column (mentor or mentee)",
    )
    parser.add_argument("--mentees", metavar="FILE", help="a separate file of mentees")
    parser.add_argument("--mentors", metavar="FILE", help="a separate file of mentors")


def _read_input(args: argparse.Namespace) -> mmio.Signups:
    if args.signups and (args.mentees or args.mentors):
        raise _BadInput(
            f"{PROG}: error: give either one sign-ups file or --mentees and --mentors, not both"
        )
    if args.signups:
        return mmio.read_signups(args.signups)
    if args.mentees and args.mentors:
        return mmio.read_signups(mentees=args.mentees, mentors=args.mentors)
    raise _BadInput(
        f"{PROG}: error: give a sign-ups file (e.g. signups.csv) or both --mentees FILE and "
        "--mentors FILE"
    )


def _add_programme_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument(
        "--preset",
        choices=sorted(_presets.PRESETS),
        help="a matcher configured for the programme's goal (default: career_guidance)",
    )
    group.add_argument(
        "--config",
        metavar="PROGRAMME.toml",
        help="a programme file naming criteria, weights, rules, min_score and capacities",
    )


def _matcher(args: argparse.Namespace) -> tuple[Matcher, dict[str, int]]:
    if args.config:
        return load_programme(args.config)
    return _presets.PRESETS[args.preset or "career_guidance"](), {}


# --------------------------------------------------------------------------- demo


def _programme(
    args: argparse.Namespace, progress: _Progress
) -> tuple[Matcher, list[Mentee], list[Mentor]]:
    """The matcher of ``--preset``/``--config`` and the sign-ups, capacity overrides applied."""
    progress("reading the programme")
    matcher, capacity = _matcher(args)
    progress("reading the sign-ups")
    mentees, mentors = _read_input(args)
    return matcher, list(mentees), _apply_capacity(mentors, capacity)


def _add_demo(sub: Any) -> None:
    p = sub.add_parser(
        "demo",
        help="match and explain the embedded demo programme",
        description="Match the embedded demo programme (about 60 mentees, 25 mentors) with the "
        "career_guidance preset, and explain the result.",
        epilog="example:\n  mentormatch demo\n  mentormatch demo --mentee e07",
        formatter_class=_formatter,
    )
    p.add_argument("--mentee", metavar="ID", help="the mentee whose explanation is shown")
    p.set_defaults(func=_cmd_demo)


def _cmd_demo(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    progress = _Progress(err)
    progress("reading the demo programme")
    mentees, mentors = mmio.load_demo()
    progress(f"matching {len(mentees)} mentees with {len(mentors)} mentors")
    result = _presets.career_guidance().match(mentees, mentors)
    progress.done()
    print("Demo programme, matched with the career_guidance preset.", file=out)
    _report(result, mentees, mentors, out)
    mentee_id = args.mentee or _interesting(result)
    print("\nWhy this mentor? (mentormatch demo --mentee ID for another mentee)", file=out)
    print(result.explain(mentee_id).summary(), file=out)
    return EXIT_OK


def _interesting(result: MatchResult) -> str:
    """A mentee worth explaining: one whose runner-up scored higher than their match."""
    for m in result.matches:
        runner_up = result.explain(m.mentee_id).runner_up
        if runner_up is not None and runner_up.score > m.score:
            return m.mentee_id
    if result.matches:
        return result.matches[0].mentee_id
    return result.unmatched[0].mentee_id


# --------------------------------------------------------------------------- match


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
        "  mentormatch match --mentees mentees.csv --mentors mentors.csv "
        "--config programme.toml -o matches.csv",
        formatter_class=_formatter,
    )
    _add_input_arguments(p)
    p.add_argument("-o", "--output", metavar="FILE", help="where to write the result")
    _add_programme_arguments(p)
    p.add_argument(
        "--format",
        choices=["csv", "json"],
        help="output format (default: from the file name; json is what 'explain' reads)",
    )
    p.set_defaults(func=_cmd_match)


def _cmd_match(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    progress = _Progress(err)
    matcher, mentees, mentors = _programme(args, progress)
    progress(f"matching {len(mentees)} mentees with {len(mentors)} mentors")
    result = matcher.match(mentees, mentors)
    if args.output:
        progress(f"writing {args.output}")
        mmio.write_results(result, args.output, format=args.format)
        progress.done()
        n = len(result.matches) + len(result.unmatched)
        print(
            f"Matched {len(result.matches)} of {n} mentees (total score "
            f"{result.total_score:.2f}); wrote {args.output}",
            file=out,
        )
    else:
        progress.done()
        _report(result, mentees, mentors, out)
    return EXIT_OK


# --------------------------------------------------------------------------- explain


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
    p.add_argument("results", help="a JSON result written by 'mentormatch match -o FILE.json'")
    p.add_argument("mentee_id", metavar="MENTEE_ID", help="the mentee to explain")
    p.set_defaults(func=_cmd_explain)


def _cmd_explain(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    result = mmio.read_results(args.results)
    print(result.explain(args.mentee_id).summary(), file=out)
    return EXIT_OK


# --------------------------------------------------------------------------- validate


def _add_validate(sub: Any) -> None:
    p = sub.add_parser(
        "validate",
        help="check sign-ups (and a programme file) without matching",
        description="Check sign-up files and report every problem at once: row, column, id "
        "and how to fix it. Exit code 0 when the files are fine, 2 when not.",
        epilog="examples:\n"
        "  mentormatch validate signups.csv\n"
        "  mentormatch validate --mentees mentees.csv --mentors mentors.csv "
        "--config programme.toml",
        formatter_class=_formatter,
    )
    _add_input_arguments(p)
    p.add_argument("--config", metavar="PROGRAMME.toml", help="also check this programme file")
    p.set_defaults(func=_cmd_validate)


def _cmd_validate(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    capacity: dict[str, int] = {}
    if args.config:
        _, capacity = load_programme(args.config)
    try:
        mentees, mentors = _read_input(args)
    except mmio.SignupsError as exc:
        for problem in exc.problems:
            print(problem, file=out)
        n = len(exc.problems)
        out.flush()
        print(f"{n} problem{'s' if n != 1 else ''} found; nothing was matched.", file=err)
        return EXIT_BAD_INPUT
    mentors = tuple(_apply_capacity(mentors, capacity))
    places = sum(m.capacity for m in mentors)
    print(
        f"OK: {len(mentees)} mentees, {len(mentors)} mentors, {places} places.",
        file=out,
    )
    if places < len(mentees):
        print(
            f"note: {len(mentees) - places} mentees cannot be matched with {places} places; "
            "raise some capacities or recruit mentors",
            file=out,
        )
    return EXIT_OK


# --------------------------------------------------------------------------- kpis


def _add_kpis(sub: Any) -> None:
    p = sub.add_parser(
        "kpis",
        help="programme KPIs with intervals, at-risk pairs, and a report",
        description="Read a relationships file (one row per pair) and report the programme's "
        "KPIs, each with its counts and a confidence interval, breakdowns with small groups "
        "suppressed, targets from the programme file, and the pairs at risk. Prints the text "
        "report; -o writes HTML (.html) or Markdown (.md).",
        epilog="examples:\n"
        "  mentormatch kpis relationships.csv\n"
        "  mentormatch kpis relationships.csv --by department --as-of 2026-03-01 -o report.html\n"
        "  mentormatch kpis relationships.csv --config programme.toml --meetings meetings.csv\n"
        "  mentormatch kpis relationships.csv --matches matches.json --signups signups.csv",
        formatter_class=_formatter,
    )
    p.add_argument("relationships", help="CSV of pairs (see docs/kpis.md)")
    p.add_argument(
        "--meetings", metavar="FILE", help="separate meetings file (mentee_id,mentor_id,date)"
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
    p.add_argument("--config", metavar="PROGRAMME.toml", help="programme file with [targets]")
    p.add_argument(
        "--matches",
        metavar="MATCHES.json",
        help="the matching result (from 'mentormatch match -o FILE.json'), for the match rate",
    )
    p.add_argument(
        "--signups",
        metavar="SIGNUPS.csv",
        help="the sign-ups, for mentor utilisation (the mentors' capacities)",
    )
    p.add_argument("-o", "--output", metavar="FILE", help="write the report (.html or .md)")
    p.set_defaults(func=_cmd_kpis)


def _cmd_kpis(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from datetime import date

    from mentormatch import kpis

    if args.as_of:
        try:
            as_of = date.fromisoformat(args.as_of)
        except ValueError:
            raise MentormatchError(
                f"--as-of {args.as_of!r} is not a date; write it as YYYY-MM-DD"
            ) from None
    else:
        as_of = date.today()
    relationships = kpis.read_relationships(args.relationships, meetings=args.meetings)
    targets = kpis.load_targets(args.config) if args.config else None
    match_result = mmio.read_results(args.matches) if args.matches else None
    capacities = (
        {m.id: m.capacity for m in mmio.read_signups(args.signups).mentors}
        if args.signups
        else None
    )
    report = kpis.programme_report(
        relationships,
        as_of=as_of,
        match_result=match_result,
        capacities=capacities,
        targets=targets,
        by=args.by,
        min_group_size=args.min_group_size,
        max_gap_days=args.max_gap_days,
    )
    if args.output:
        suffix = Path(args.output).suffix.lower()
        if suffix not in (".html", ".htm", ".md"):
            raise MentormatchError(
                f"-o {args.output!r}: the report is written as .html or .md; choose one"
            )
        text = report.to_markdown() if suffix == ".md" else report.to_html()
        mmio._open_target(args.output, suffix, lambda handle: mmio._put(handle, text))
        print(f"wrote {args.output}", file=out)
    else:
        print(report.summary(), file=out)
    return EXIT_OK


# --------------------------------------------------------------------------- survey


def _add_survey(sub: Any) -> None:
    p = sub.add_parser(
        "survey",
        help="score a questionnaire: scale scores, reliability, NPS, pre/post change",
        description="Score survey responses (a CSV, one row per respondent, one column per "
        "item) with an instrument file (TOML: items, scale, reverse, subscales, min_answered). "
        "Prints the scale scores, Cronbach's alpha with its interval, and, when asked, the "
        "Net Promoter Score and the change since an earlier round.",
        epilog="examples:\n"
        "  mentormatch survey post.csv --instrument instrument.toml\n"
        "  mentormatch survey post.csv --instrument instrument.toml --pre pre.csv --id-column id\n"
        "  mentormatch survey post.csv --instrument instrument.toml --nps-column recommend "
        "-o scores.csv",
        formatter_class=_formatter,
    )
    p.add_argument("responses", help="CSV of responses, one row per respondent")
    p.add_argument("--instrument", required=True, metavar="FILE.toml", help="the instrument")
    p.add_argument("--pre", metavar="FILE", help="an earlier round, for the pre/post change")
    p.add_argument(
        "--id-column",
        default="id",
        metavar="NAME",
        help="column that pairs respondents across rounds (default: id)",
    )
    p.add_argument("--nps-column", metavar="NAME", help="0-10 'would you recommend' column")
    p.add_argument("-o", "--output", metavar="FILE.csv", help="write per-respondent scores")
    p.set_defaults(func=_cmd_survey)


def _survey_rows(path: str, instrument: Any, extra: Sequence[str]) -> list[dict[str, Any]]:
    """Read responses: item cells as numbers (empty = skipped), other columns as text."""
    from mentormatch._tables import normalise_column, read_table

    table = read_table(path, "responses")
    items = {normalise_column(i): i for i in instrument.items}
    missing = [i for key, i in items.items() if key not in table.columns]
    if missing:
        raise MentormatchError(
            f"{path}: no column for item(s) {missing}; the columns are {', '.join(table.original)}",
            field=missing[0],
        )
    rows: list[dict[str, Any]] = []
    for row in table.rows:
        record: dict[str, Any] = {}
        for key, item in items.items():
            cell = row.cells.get(key)
            try:
                record[item] = None if cell is None else float(cell)
            except (TypeError, ValueError):
                raise MentormatchError(
                    f"{path}: row {row.number}, column {item!r}: {cell!r} is not a number; "
                    "write the answer's number, or leave the cell empty if skipped",
                    field=item,
                    participant_id=str(row.number),
                ) from None
        for name in extra:
            record[name] = row.cells.get(normalise_column(name))
        rows.append(record)
    return rows


def _cmd_survey(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    import math
    import warnings

    from mentormatch import surveys

    instrument = surveys.load_instrument(args.instrument)
    extra = [args.id_column] + ([args.nps_column] if args.nps_column else [])
    rows = _survey_rows(args.responses, instrument, extra)
    scored = instrument.score([{i: r[i] for i in instrument.items} for r in rows])
    print(scored.summary(), file=out)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", surveys.SurveyWarning)
        reliability = surveys.cronbach_alpha(scored)
    print(reliability.summary(), file=out)
    for w in caught:
        print(f"note: {w.message}", file=err)
    if args.nps_column:
        answers = [r[args.nps_column] for r in rows]
        try:
            values = [None if a is None else float(a) for a in answers]
        except (TypeError, ValueError):
            raise MentormatchError(
                f"{args.responses}: column {args.nps_column!r} must hold numbers 0-10"
            ) from None
        print(surveys.nps(values).summary(), file=out)
    if args.pre:
        before_rows = _survey_rows(args.pre, instrument, [args.id_column])
        before = instrument.score([{i: r[i] for i in instrument.items} for r in before_rows])
        key = args.id_column
        if any(r[key] is None for r in (*rows, *before_rows)):
            raise MentormatchError(
                f"every row needs a value in the {key!r} column to pair the two rounds"
            )
        earlier = {str(r[key]): float(t) for r, t in zip(before_rows, before.total, strict=True)}
        pre_vals: list[float] = []
        post_vals: list[float] = []
        for r, t in zip(rows, scored.total, strict=True):
            if str(r[key]) in earlier:
                pre_vals.append(earlier[str(r[key])])
                post_vals.append(float(t))
        print(surveys.pre_post(pre_vals, post_vals).summary(), file=out)
    if args.output:
        names = list(scored.subscales)
        header = [args.id_column, "total", *names, "n_answered"]
        records = [
            [
                r[args.id_column] if r[args.id_column] is not None else "",
                *(
                    None if math.isnan(v) else float(v)
                    for v in (scored.total[k], *(scored.subscales[n][k] for n in names))
                ),
                int(scored.n_answered[k]),
            ]
            for k, r in enumerate(rows)
        ]
        from mentormatch._tables import write_csv

        text = write_csv(header, records)
        mmio._open_target(args.output, "csv", lambda handle: mmio._put(handle, text))
        print(f"wrote {args.output}", file=out)
    return EXIT_OK


# --------------------------------------------------------------------------- main

from mentormatch._cli_lifecycle import _add_rematch, _add_shortlist  # noqa: E402

COMMANDS: list[Callable[[Any], None]] = [
    _add_demo,
    _add_match,
    _add_explain,
    _add_validate,
    _add_kpis,
    _add_survey,
    _add_rematch,
    _add_shortlist,
]
"""The ``_add_<name>(subparsers)`` functions; each registers one subcommand."""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``mentormatch`` command.

    Examples
    --------
    >>> build_parser().parse_args(["match", "signups.csv", "-o", "out.csv"]).output
    'out.csv'
    """
    from mentormatch import __version__

    parser = _Parser(
        prog=PROG,
        description="Exact, explainable mentor matching.",
        epilog="examples:\n"
        "  mentormatch demo\n"
        "  mentormatch validate signups.csv\n"
        "  mentormatch match signups.csv -o matches.json --preset career_guidance\n"
        "  mentormatch explain matches.json e07\n\n"
        "Run 'mentormatch COMMAND --help' for a command's options.",
        formatter_class=_formatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    for add in COMMANDS:
        add(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``mentormatch`` command; return its exit code.

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments after the program name (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        0 on success, 2 on bad input (the message is printed on stderr), 1 on
        an unexpected error.

    Examples
    --------
    >>> main(["validate", "no-such-file.csv"])
    2
    """
    out, err = sys.stdout, sys.stderr
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        code: int = args.func(args, out, err)
        return code
    except SystemExit as exc:  # --help and --version
        return exc.code if isinstance(exc.code, int) else EXIT_OK
    except _BadInput as exc:
        print(exc, file=err)
        return EXIT_BAD_INPUT
    except mmio.SignupsError as exc:
        print(f"{PROG}: error: {exc}", file=err)
        print("Run 'mentormatch validate' on the file for the same list.", file=err)
        return EXIT_BAD_INPUT
    except (MentormatchError, ValueError) as exc:
        print(f"{PROG}: error: {exc}", file=err)
        return EXIT_BAD_INPUT
    except BrokenPipeError:  # e.g. `mentormatch demo | head`
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except FileNotFoundError as exc:
        print(f"{PROG}: error: no such file: {exc.filename}", file=err)
        return EXIT_BAD_INPUT
    except OSError as exc:
        what = f" {exc.filename}" if exc.filename else ""
        print(f"{PROG}: error: cannot access{what}: {exc.strerror or exc}", file=err)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=err)
        return 130
    except Exception:
        print(
            f"{PROG}: unexpected error; this is a bug, please report it with the details below.",
            file=err,
        )
        traceback.print_exc(file=err)
        return EXIT_UNEXPECTED
