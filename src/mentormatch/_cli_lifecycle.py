"""The ``rematch`` and ``shortlist`` subcommands of the ``mentormatch`` command.

Registered by :data:`mentormatch.cli.COMMANDS` through :func:`_add_rematch`
and :func:`_add_shortlist`, in the style of the other subcommands.
"""

from __future__ import annotations

import argparse
from typing import Any, TextIO

from mentormatch import cli
from mentormatch import io as mmio
from mentormatch._errors import MentormatchError
from mentormatch._tables import read_table, write_csv
from mentormatch.lifecycle import rematch
from mentormatch.shortlist import shortlist

__all__ = ["_add_rematch", "_add_shortlist"]


def _read_pairs(path: str, option: str) -> list[tuple[str, str]]:
    """``(mentee_id, mentor_id)`` from a CSV with those columns (a ``match`` output works).

    Rows without a mentor (unmatched mentees in a result file) are skipped.
    """
    table = read_table(path, what=option)
    missing = [c for c in ("mentee_id", "mentor_id") if c not in table.columns]
    if missing:
        raise MentormatchError(
            f"{option} {path}: no {' or '.join(missing)} column; give a CSV with mentee_id and "
            "mentor_id columns (the output of 'mentormatch match' works)",
            field=missing[0],
        )
    out = []
    for row in table.rows:
        e, m = row.cells.get("mentee_id"), row.cells.get("mentor_id")
        if e is not None and m is not None:
            out.append((str(e), str(m)))
    return out


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
        "  mentormatch rematch signups.csv --keep matches.csv -o with_late_joiners.json",
        formatter_class=cli._formatter,
    )
    cli._add_input_arguments(p)
    p.add_argument(
        "--keep",
        metavar="FILE",
        help="CSV of pairs that stay (mentee_id, mentor_id columns; a 'match' output works)",
    )
    p.add_argument(
        "--exclude", metavar="FILE", help="CSV of pairs that must not be made (same columns)"
    )
    p.add_argument("-o", "--output", metavar="FILE", help="where to write the result")
    cli._add_programme_arguments(p)
    p.add_argument("--format", choices=["csv", "json"], help="output format (default: from name)")
    p.set_defaults(func=_cmd_rematch)


def _cmd_rematch(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    progress = cli._Progress(err)
    matcher, mentees, mentors = cli._programme(args, progress)
    keep = _read_pairs(args.keep, "--keep") if args.keep else []
    exclude = _read_pairs(args.exclude, "--exclude") if args.exclude else []
    progress(f"rematching {len(mentees)} mentees around {len(keep)} kept pairs")
    result = rematch(matcher, mentees, mentors, keep=keep, exclude=exclude)
    progress.done()
    head = f"Kept {len(keep)} pairs, excluded {len(exclude)}."
    if args.output:
        mmio.write_results(result, args.output, format=args.format)
        print(
            f"{head} Matched {result.n_matched} of {result.n_matched + len(result.unmatched)} "
            f"mentees (total score {result.total_score:.2f}); wrote {args.output}",
            file=out,
        )
    else:
        print(head, file=out)
        cli._report(result, mentees, mentors, out)
    return cli.EXIT_OK


# --------------------------------------------------------------------------- shortlist


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
        formatter_class=cli._formatter,
    )
    cli._add_input_arguments(p)
    p.add_argument("-k", type=int, default=5, help="suggestions per mentee (default 5)")
    p.add_argument(
        "--ration",
        type=float,
        default=2.0,
        help="lists per place a mentor may appear on (default 2.0)",
    )
    p.add_argument("-o", "--output", metavar="FILE", help="where to write the lists (CSV)")
    cli._add_programme_arguments(p)
    p.set_defaults(func=_cmd_shortlist)


def _cmd_shortlist(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    progress = cli._Progress(err)
    matcher, mentees, mentors = cli._programme(args, progress)
    progress(f"shortlisting for {len(mentees)} mentees")
    lists = shortlist(matcher, mentees, mentors, k=args.k, ration=args.ration)
    progress.done()
    records = lists.to_records()
    if args.output:
        header = ["mentee_id", "rank", "mentor_id", "score", "reasons"]
        write_csv(header, [[r[h] for h in header] for r in records], args.output)
        print(f"{lists.summary().splitlines()[0]} Wrote {args.output}", file=out)
    else:
        print(lists.summary(), file=out)
        rows = [
            [str(r["mentee_id"]), str(r["rank"]), str(r["mentor_id"]), f"{r['score']:.2f}"]
            for r in records
        ]
        if rows:
            print("", file=out)
            print(cli._table(["mentee", "rank", "mentor", "score"], rows), file=out)
    return cli.EXIT_OK
