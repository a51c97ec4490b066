"""``mentormatch demo``: the embedded demo programme, matched and explained."""

from __future__ import annotations

import argparse
from typing import Any, TextIO

from mentormatch import io as mmio
from mentormatch import presets as _presets
from mentormatch.cli._arguments import _checked
from mentormatch.cli._console import EXIT_OK, _check_mentee, _formatter, _Progress, _report, _say
from mentormatch.matching import MatchResult


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


@_checked
def _cmd_demo(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    progress = _Progress(err)
    progress("reading the demo programme")
    mentees, mentors = mmio.load_demo()
    progress(f"matching {len(mentees)} mentees with {len(mentors)} mentors")
    result = _presets.career_guidance().match(mentees, mentors)
    progress.done()
    mentee_id = args.mentee or _interesting(result)
    _check_mentee(result, mentee_id)
    _say(out, "Demo programme, matched with the career_guidance preset.")
    _report(result, mentees, mentors, out=out)
    _say(out, "\nWhy this mentor? (mentormatch demo --mentee ID for another mentee)")
    _say(out, result.explain(mentee_id).summary())
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
