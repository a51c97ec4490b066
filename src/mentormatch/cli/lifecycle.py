"""The ``rematch`` and ``shortlist`` subcommands of the ``mentormatch`` command.

Registered by :data:`mentormatch.cli.COMMANDS` through :func:`_add_rematch`
and :func:`_add_shortlist`, in the style of the other subcommands (files
declared with ``cli._arguments._file_argument``, everything printed
through ``cli._console._say``).
"""

from __future__ import annotations

import argparse
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from mentormatch import io as mmio
from mentormatch._errors import MentormatchError
from mentormatch._files.tables import read_table_checked, source_name, write_csv
from mentormatch._problems import Problems, ProblemsError, did_you_mean
from mentormatch.cli._arguments import (
    _add_input_arguments,
    _add_output_argument,
    _add_programme_arguments,
    _checked,
    _file_argument,
    _programme,
)
from mentormatch.cli._console import (
    EXIT_OK,
    _formatter,
    _Progress,
    _report,
    _say,
    _status,
    _table,
    _target,
    _write,
    _write_results,
    _written,
)
from mentormatch.lifecycle import rematch
from mentormatch.participants import Mentee, Mentor
from mentormatch.shortlist import shortlist

__all__ = ["_add_rematch", "_add_shortlist"]


class _Named(io.BytesIO):
    """The bytes of a file, with its name for messages."""

    name = ""


@dataclass(frozen=True)
class _Pair:
    mentee_id: str
    mentor_id: str
    row: int | str | None


def _read_pairs(path: str, option: str) -> tuple[list[_Pair], Problems]:
    """``(mentee_id, mentor_id)`` pairs from a CSV with those columns or a JSON result
    (a ``match`` output of either kind works), with the problems found.

    Rows without a mentor (unmatched mentees in a result file) are skipped.
    """
    what = f"the {option} pairs"
    data = _Named(Path(path).read_bytes())  # read once: the file may be a pipe
    data.name = path
    if path.lower().endswith(".json") or data.getvalue().lstrip()[:1] == b"{":
        sink = Problems(source_name(path, option))
        try:
            result = mmio.read_results(data)
        except ProblemsError as exc:
            sink.items.extend(exc.problems)
            return [], sink
        pairs = [_Pair(m.mentee_id, m.mentor_id, k) for k, m in enumerate(result.matches, 1)]
        return pairs, sink
    table, sink = read_table_checked(data, what)
    if table is None:
        return [], sink
    missing = [c for c in ("mentee_id", "mentor_id") if c not in table.columns]
    if missing:
        hints = "".join(
            f" ({did_you_mean(name, table.columns).removeprefix('; ')})"
            for name in missing
            if did_you_mean(name, table.columns)
        )
        sink.add(
            f"no {' or '.join(missing)} column{hints}; give a CSV with mentee_id and mentor_id "
            "columns (the output of 'mentormatch match' works)",
            row=1,
            column=missing[0],
        )
        return [], sink
    out = []
    for row in table.rows:
        e, m = row.cells.get("mentee_id"), row.cells.get("mentor_id")
        if e is None and m is not None:
            sink.add("the mentee_id is empty; give the pair's mentee", row.number, "mentee_id")
        elif e is not None and m is not None:
            out.append(_Pair(str(e), str(m), row.number))
    return out, sink


def _check_pairs(
    pairs: Sequence[_Pair],
    sink: Problems,
    *,
    mentees: Sequence[Mentee],
    mentors: Sequence[Mentor],
) -> None:
    """A pair naming someone who did not sign up is a problem (with the nearest id)."""
    tee_ids = [p.id for p in mentees]
    tor_ids = [p.id for p in mentors]
    tees, tors = set(tee_ids), set(tor_ids)
    for pair in pairs:
        for pid, known, ids, role, column in (
            (pair.mentee_id, tees, tee_ids, "mentee", "mentee_id"),
            (pair.mentor_id, tors, tor_ids, "mentor", "mentor_id"),
        ):
            if pid not in known:
                hint = did_you_mean(pid, ids)
                sink.add(
                    f"{pid!r} is not a {role} in the sign-ups{hint}"
                    f"{' Correct' if hint else '; correct'} the id or remove the pair",
                    pair.row,
                    column,
                    pid,
                )


# --------------------------------------------------------------------------- rematch


def _add_rematch(sub: Any) -> None:
    p = sub.add_parser(
        "rematch",
        help="match again around pairs that stay, without pairs that did not work",
        description="Keep the pairs listed in --keep exactly as they are, refuse the pairs "
        "listed in --exclude, and match everyone else (including late joiners) into the "
        "remaining places: the most matched mentees, then the largest total score.",
        epilog="examples:\n"
        "  mentormatch rematch signups.csv --keep matches.csv --exclude ended.csv -o new.csv\n"
        "  mentormatch rematch signups.csv --keep matches.json -o with_late_joiners.json",
        formatter_class=_formatter,
    )
    _add_input_arguments(p)
    _file_argument(
        p,
        "--keep",
        role="input",
        what="the pairs to keep (--keep)",
        metavar="FILE",
        help="pairs that stay: a CSV with mentee_id and mentor_id columns, or a 'match' "
        "output (CSV or JSON)",
    )
    _file_argument(
        p,
        "--exclude",
        role="input",
        what="the pairs to exclude (--exclude)",
        metavar="FILE",
        help="pairs that must not be made (same formats)",
    )
    _add_output_argument(p, "where to write the result ('-' for standard output)")
    _add_programme_arguments(p)
    p.add_argument("--format", choices=["csv", "json"], help="output format (default: from name)")
    p.set_defaults(func=_cmd_rematch)


@_checked
def _cmd_rematch(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    progress = _Progress(err)
    read: dict[str, tuple[list[_Pair], Problems]] = {}

    def reader(option: str) -> Any:
        def read_one() -> None:
            path = getattr(args, option)
            read[option] = _read_pairs(path, f"--{option}") if path else ([], Problems(None))
            if read[option][1].items:
                raise ProblemsError(read[option][1].items, f"the --{option} pairs")

        return read_one

    matcher, mentees, mentors = _programme(
        args,
        progress,
        [("the --keep pairs", reader("keep")), ("the --exclude pairs", reader("exclude"))],
    )
    lists: dict[str, list[_Pair]] = {}
    problems = []
    for option in ("keep", "exclude"):
        pairs, sink = read[option]
        _check_pairs(pairs, sink, mentees=mentees, mentors=mentors)
        problems.extend(sink.items)
        lists[option] = pairs
    if problems:
        raise ProblemsError(problems, "the pairs")
    keep = [(p.mentee_id, p.mentor_id) for p in lists["keep"]]
    exclude = [(p.mentee_id, p.mentor_id) for p in lists["exclude"]]
    progress(f"rematching {len(mentees)} mentees around {len(keep)} kept pairs")
    result = rematch(matcher, mentees, mentors, keep=keep, exclude=exclude)
    progress.done()
    head = f"Kept {len(keep)} pairs, excluded {len(exclude)}."
    if args.output:
        _write_results(args, result, out)
        _say(
            _status(args, out, err),
            f"{head} Matched {result.n_matched} of {result.n_matched + len(result.unmatched)} "
            f"mentees (total score {result.total_score:.2f}); wrote {_written(args)}",
        )
    else:
        _say(out, head)
        _report(result, mentees, mentors, out=out)
    return EXIT_OK


# --------------------------------------------------------------------------- shortlist


def _number(text: str) -> int | float:
    """A number as written: a whole number exactly (of any size), else a float."""
    try:
        return int(text)
    except ValueError:
        return float(text)  # argparse reports a ValueError as "invalid _number value"


def _add_shortlist(sub: Any) -> None:
    p = sub.add_parser(
        "shortlist",
        help="suggest k mentors to each mentee, rationed so popular mentors are not swamped",
        description="Give each mentee up to K suggested mentors with reasons; a mentor appears "
        "on at most ceil(RATION x capacity) lists. The lists are chosen together, filled "
        "evenly, then for the largest total score.",
        epilog="examples:\n"
        "  mentormatch shortlist signups.csv -k 5 -o shortlists.csv\n"
        "  mentormatch shortlist signups.csv -k 3 --ration 1.5 --preset skills_training",
        formatter_class=_formatter,
    )
    _add_input_arguments(p)
    p.add_argument("-k", type=int, default=5, help="suggestions per mentee (default 5)")
    p.add_argument(
        "--ration",
        type=_number,
        default=2.0,
        help="lists per place a mentor may appear on (default 2.0; 'inf' for no rationing)",
    )
    _add_output_argument(p, "where to write the lists (CSV; '-' for standard output)")
    _add_programme_arguments(p)
    p.set_defaults(func=_cmd_shortlist)


@_checked
def _cmd_shortlist(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    if args.k < 1:
        raise MentormatchError(
            f"-k {args.k}: give the number of suggestions per mentee, a whole number >= 1",
            field="k",
        )
    if (isinstance(args.ration, float) and math.isnan(args.ration)) or args.ration <= 0:
        raise MentormatchError(
            f"--ration {args.ration}: give a number > 0 (2.0 lets two mentees see each place); "
            "'inf' means no rationing",
            field="ration",
        )
    progress = _Progress(err)
    matcher, mentees, mentors = _programme(args, progress)
    progress(f"shortlisting for {len(mentees)} mentees")
    lists = shortlist(matcher, mentees, mentors, k=args.k, ration=args.ration)
    progress.done()
    records = lists.to_records()
    target = _target(args)
    if target is not None:
        header = ["mentee_id", "rank", "mentor_id", "score", "reasons"]
        text = write_csv(header, [[r[h] for h in header] for r in records])
        _write(target, text, encoding="utf-8", out=out)
        _say(
            _status(args, out, err),
            f"{lists.summary().splitlines()[0]} Wrote {_written(args)}",
        )
    else:
        _say(out, lists.summary())
        rows = [
            [str(r["mentee_id"]), str(r["rank"]), str(r["mentor_id"]), f"{r['score']:.2f}"]
            for r in records
        ]
        if rows:
            _say(out, "")
            _say(out, _table(["mentee", "rank", "mentor", "score"], rows))
    return EXIT_OK
