"""The arguments every command shares (private): file arguments declared as inputs
or outputs and checked before any work, the sign-up inputs, and the programme
options (``--preset``, ``--config``)."""

from __future__ import annotations

import argparse
import functools
import os
import stat
from collections.abc import Callable, Sequence
from typing import Any, TextIO

from mentormatch import io as mmio
from mentormatch import presets as _presets
from mentormatch import programme as programme_file
from mentormatch._errors import MentormatchError
from mentormatch._files import outputs as _outputs
from mentormatch._problems import (
    Problem,
    ProblemsError,
)
from mentormatch.cli._console import PROG, _BadInput, _Progress
from mentormatch.matching import Matcher
from mentormatch.participants import Mentee, Mentor
from mentormatch.programme import ProgrammeFile, apply_capacity, programme_problems

_FILES = "_files"


_Command = Callable[[argparse.Namespace, TextIO, TextIO], int]


def _file_argument(
    parser: argparse.ArgumentParser, *flags: str, role: str, what: str, **kwargs: Any
) -> None:
    """Add an argument that names a file; ``role`` is ``"input"`` or ``"output"``.

    Every file argument is declared so; :func:`_check_files` then checks them
    all before any work (inputs exist; no output is an input).
    """
    action = parser.add_argument(*flags, **kwargs)
    label = flags[0] if flags[0].startswith("-") else action.dest
    files = [*(parser.get_default(_FILES) or ()), (action.dest, role, what, label)]
    parser.set_defaults(**{_FILES: tuple(files)})


def _check_files(args: argparse.Namespace) -> None:
    """Before any work: every input exists and is not a folder; every output is checked
    by :func:`mentormatch._files.outputs.resolve` against all the inputs."""
    files = getattr(args, _FILES, ())
    inputs: list[tuple[str, str]] = []
    for dest, role, what, label in files:
        value = getattr(args, dest, None)
        if role != "input" or value is None:
            continue
        name = f"{label} {value!r}" if label.startswith("-") else repr(value)
        try:
            info = os.stat(value)
        except FileNotFoundError:
            raise MentormatchError(
                f"{name}: no such file; check the name and the folder", field=dest, value=value
            ) from None
        except (OSError, ValueError) as exc:
            raise MentormatchError(
                f"{name}: cannot read it ({getattr(exc, 'strerror', None) or exc})",
                field=dest,
                value=value,
            ) from None
        if stat.S_ISDIR(info.st_mode):
            raise MentormatchError(
                f"{name}: this is a folder, not a file; give the file inside it",
                field=dest,
                value=value,
            )
        inputs.append((what, value))
    for dest, role, _what, label in files:
        value = getattr(args, dest, None)
        if role != "output" or value is None:
            continue
        target = _outputs.resolve(
            value, label=f"{label} {value!r}", inputs=inputs, allow_stdout=True
        )
        setattr(args, f"{dest}_target", target)


def _checked(command: _Command) -> _Command:
    """Run :func:`_check_files` before the command does any work (also when a caller
    invokes ``args.func`` directly, without :func:`main`)."""

    @functools.wraps(command)
    def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
        if not getattr(args, "_files_checked", False):
            _check_files(args)
            args._files_checked = True
        return command(args, out, err)

    return run


def _add_input_arguments(parser: argparse.ArgumentParser) -> None:
    _file_argument(
        parser,
        "signups",
        role="input",
        what="the sign-ups",
        nargs="?",
        help="one CSV or JSON file of sign-ups with a 'role' column (mentor or mentee)",
    )
    _file_argument(
        parser,
        "--mentees",
        role="input",
        what="the mentees (--mentees)",
        metavar="FILE",
        help="a separate file of mentees",
    )
    _file_argument(
        parser,
        "--mentors",
        role="input",
        what="the mentors (--mentors)",
        metavar="FILE",
        help="a separate file of mentors",
    )


def _add_output_argument(parser: argparse.ArgumentParser, help: str) -> None:
    _file_argument(
        parser, "-o", "--output", role="output", what="the output", metavar="FILE", help=help
    )


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
    action = group.add_argument(
        "--config",
        metavar="PROGRAMME.toml",
        help="a programme file naming criteria, weights, rules, min_score and capacities",
    )
    files = [
        *(parser.get_default(_FILES) or ()),
        (action.dest, "input", "the programme file (--config)", "--config"),
    ]
    parser.set_defaults(**{_FILES: tuple(files)})


def _programme_of(args: argparse.Namespace) -> ProgrammeFile:
    if args.config:
        return programme_file.read_programme(args.config)
    return ProgrammeFile(_presets.PRESETS[args.preset or "career_guidance"](), {})


def _gather(readers: Sequence[tuple[str, Callable[[], Any]]]) -> list[Any]:
    """Run every reader, so that the problems of all the files are reported at once.

    One file with problems raises its own error (a :class:`~mentormatch.io.SignupsError`
    stays one); several raise one ProblemsError listing them all.
    """
    values: list[Any] = []
    failed: list[tuple[str, MentormatchError]] = []
    for what, read in readers:
        try:
            values.append(read())
        except MentormatchError as exc:
            failed.append((what, exc))
            values.append(None)
    if len(failed) == 1:
        raise failed[0][1]
    if failed:
        problems = [
            p
            for _, exc in failed
            for p in (exc.problems if isinstance(exc, ProblemsError) else [Problem(str(exc))])
        ]
        raise ProblemsError(problems, " and ".join(what for what, _ in failed))
    return values


def _programme(
    args: argparse.Namespace,
    progress: _Progress,
    more: Sequence[tuple[str, Callable[[], Any]]] = (),
) -> tuple[Matcher, list[Mentee], list[Mentor]]:
    """The matcher of ``--preset``/``--config`` and the sign-ups (and ``more`` files),
    read together and checked against each other (capacity overrides applied)."""
    progress("reading the programme and the sign-ups")
    programme, signups, *_ = _gather(
        [
            ("the programme file", lambda: _programme_of(args)),
            ("the sign-ups", lambda: _read_input(args)),
            *more,
        ]
    )
    mentees, mentors = signups
    problems = programme_problems(programme, mentees, mentors)
    if problems:
        raise ProblemsError(problems, "the programme file")
    return programme.matcher, list(mentees), apply_capacity(mentors, programme.capacity)
