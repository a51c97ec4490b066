"""The ``mentormatch`` command.

One module per command group (``demo``, ``matching``: match, explain and
validate, ``kpis``, ``survey``, ``lifecycle``: rematch and shortlist), each
command a ``_cmd_<name>`` function registered on the subparsers by an
``_add_<name>`` function listed in :data:`COMMANDS`; a new command adds its pair
(in its group's module or a new one) and one entry there. What every command
shares lives in ``cli._console`` (exit codes, safe printing, progress, writing
results) and ``cli._arguments`` (file arguments, sign-up inputs, programme
options). No library logic lives here: the programme file is read by
:mod:`mentormatch.programme` (``load_programme`` is importable from here too).

Every command follows the same rules (``docs/guarantees.md``):

* **Exit codes**: 0 done; 2 bad input or a refused output (a message on
  stderr naming the file, no traceback, nothing written); 130 interrupted
  (Ctrl-C); 1 an unexpected error, which is a bug: a short message says so
  and where to report it, and ``--debug`` (or ``MENTORMATCH_DEBUG=1``) shows
  the traceback. 141 when the reader of the output went away (``| head``).
* **Files**: every file argument is declared as an input or an output
  (:func:`_file_argument`). Before any work, inputs must exist and outputs
  are checked by :func:`mentormatch._files.outputs.resolve`: an output that is one of
  the command's inputs is refused, ``-`` is standard output, a pipe or device
  is written in place, anything else is replaced atomically.
* **Terminal safety**: everything printed goes through :func:`_say`, which
  escapes control and format characters from the data (:func:`_safe`).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TextIO

from pydantic import ValidationError

from mentormatch import io as mmio
from mentormatch._errors import MentormatchError
from mentormatch.cli._console import (
    DEBUG_ENV,
    EXIT_BAD_INPUT,
    EXIT_BROKEN_PIPE,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_UNEXPECTED,
    PROG,
    _BadInput,
    _formatter,
    _Parser,
    _say,
)
from mentormatch.cli.demo import _add_demo
from mentormatch.cli.kpis import _add_kpis
from mentormatch.cli.lifecycle import _add_rematch, _add_shortlist
from mentormatch.cli.matching import _add_explain, _add_match, _add_validate
from mentormatch.cli.plan import add_parser as _add_plan
from mentormatch.cli.survey import _add_survey
from mentormatch.programme import load_programme

__all__ = ["COMMANDS", "build_parser", "load_programme", "main"]


COMMANDS: list[Callable[[Any], None]] = [
    _add_demo,
    _add_match,
    _add_explain,
    _add_validate,
    _add_kpis,
    _add_survey,
    _add_rematch,
    _add_shortlist,
    _add_plan,
]
"""The ``_add_<name>(subparsers)`` functions; each registers one subcommand."""


_DEBUG_HELP = f"on an unexpected error, show the full traceback (also {DEBUG_ENV}=1)"


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
        "Run 'mentormatch COMMAND --help' for a command's options.\n"
        "Exit codes: 0 done, 2 bad input or refused output, 130 interrupted, 1 a bug.",
        formatter_class=_formatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--debug", action="store_true", help=_DEBUG_HELP)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    for add in COMMANDS:
        add(sub)
    for command in sub.choices.values():
        command.add_argument(
            "--debug", action="store_true", default=argparse.SUPPRESS, help=_DEBUG_HELP
        )
    return parser


def _debugging(args: argparse.Namespace | None) -> bool:
    env = os.environ.get(DEBUG_ENV, "").strip().lower()
    return bool(getattr(args, "debug", False)) or env not in ("", "0", "false", "no")


def _bug(exc: BaseException, err: TextIO, debug: bool) -> None:
    """Say that an unexpected error is a bug and where to report it; the traceback only
    when debugging."""
    from mentormatch import __version__

    frames = traceback.extract_tb(exc.__traceback__)
    where = f" at {Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else ""
    first = (str(exc).strip().splitlines() or [""])[0][:200]
    what = f"{type(exc).__name__}: {first}" if first else type(exc).__name__
    if isinstance(exc, MemoryError):
        _say(
            err,
            f"{PROG}: out of memory{where}; the input is too large for this machine. Split the "
            "programme or use a machine with more memory.",
        )
        return
    _say(
        err,
        f"{PROG}: unexpected error ({what}{where}); this is a bug in mentormatch "
        f"{__version__}, not a problem with your files. Please report it to the mentormatch "
        f"maintainers with the command you ran and the output of the same command with "
        f"--debug (or {DEBUG_ENV}=1).",
    )
    if debug:
        _say(err, "".join(traceback.format_exception(exc)).rstrip())


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``mentormatch`` command; return its exit code.

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments after the program name (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        0 on success; 2 on bad input or a refused output (the message is
        printed on stderr, nothing is written); 130 when interrupted (Ctrl-C);
        1 on an unexpected error (a bug; ``--debug`` shows the traceback).

    Examples
    --------
    >>> main(["validate", "no-such-file.csv"])
    2
    """
    out, err = sys.stdout, sys.stderr
    args: argparse.Namespace | None = None
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        code: int = args.func(args, out, err)
        return code
    except SystemExit as exc:  # --help and --version
        return exc.code if isinstance(exc.code, int) else EXIT_OK
    except _BadInput as exc:
        _say(err, exc)
        return EXIT_BAD_INPUT
    except mmio.SignupsError as exc:
        _say(err, f"{PROG}: error: {exc}")
        _say(err, "Run 'mentormatch validate' on the file for the same list.")
        return EXIT_BAD_INPUT
    except (MentormatchError, ValidationError) as exc:
        _say(err, f"{PROG}: error: {exc}")
        return EXIT_BAD_INPUT
    except BrokenPipeError:  # e.g. `mentormatch demo | head`
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    except FileNotFoundError as exc:
        _say(err, f"{PROG}: error: no such file: {exc.filename}")
        return EXIT_BAD_INPUT
    except OSError as exc:
        what = f" {exc.filename}" if exc.filename else ""
        _say(err, f"{PROG}: error: cannot access{what}: {exc.strerror or exc}")
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        _say(err, f"{PROG}: interrupted; no file was replaced by a half-written one")
        return EXIT_INTERRUPTED
    except Exception as exc:
        _bug(exc, err, _debugging(args))
        return EXIT_UNEXPECTED
