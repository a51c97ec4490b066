"""What every command prints and how (private): exit codes, the argument parser
that returns instead of exiting, terminal-safe printing (everything goes through
:func:`_say`), progress, tables, and results written to a file or the terminal."""

from __future__ import annotations

import argparse
import functools
import io
import re
import time
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any, NoReturn, TextIO

from mentormatch import io as mmio
from mentormatch._errors import MentormatchError
from mentormatch._files import outputs as _outputs
from mentormatch._problems import (
    did_you_mean,
    then,
)
from mentormatch.matching import MatchResult
from mentormatch.participants import Mentee, Mentor

EXIT_OK = 0


EXIT_UNEXPECTED = 1


EXIT_BAD_INPUT = 2


EXIT_INTERRUPTED = 130


EXIT_BROKEN_PIPE = 141


PROG = "mentormatch"


DEBUG_ENV = "MENTORMATCH_DEBUG"
"""Set to 1 to see the traceback of an unexpected error (as ``--debug`` does)."""


class _BadInput(Exception):
    """Raised by argparse instead of exiting, so that ``main`` returns the code."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise _BadInput(f"{self.prog}: {message} (see {self.prog} --help)")


def _formatter(prog: str) -> argparse.HelpFormatter:
    return argparse.RawDescriptionHelpFormatter(prog, max_help_position=32)


_ALLOWED_FORMAT = {"\u200c", "\u200d"}  # zero-width (non-)joiners: needed by some scripts


@functools.lru_cache(maxsize=2)
def _unsafe(keep_layout: bool) -> re.Pattern[str]:
    """Characters that must not reach a terminal as they are."""
    bad = []
    # the planes that hold control and format characters: the BMP, 1 and 14 (tags)
    for code in (*range(0x20000), *range(0xE0000, 0xE1000)):
        ch = chr(code)
        if unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Zl", "Zp") and ch not in _ALLOWED_FORMAT:
            if keep_layout and ch in "\n\t":
                continue
            bad.append(f"\\U{code:08x}")
    return re.compile("[" + "".join(bad) + "]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def _safe(text: object, *, cell: bool = False) -> str:
    r"""Text made harmless for a terminal: control and format characters escaped.

    ESC and the other C0 and C1 controls, DEL, bidirectional overrides and
    other invisible format characters, line and paragraph separators and lone
    surrogates are written as ``\x1b``, ``\u202e`` ... so that data (ids,
    names, reasons, group names) can neither move the cursor, recolour or
    retitle the terminal, nor reorder what is shown. Line breaks and tabs are
    kept, except in a table ``cell``, where they are escaped too so that a
    cell cannot forge a row.

    >>> _safe("e1\x1b[31m red"), _safe("a\nb"), _safe("a\nb", cell=True)
    ('e1\\x1b[31m red', 'a\nb', 'a\\x0ab')
    >>> _safe("abc\u202edef"), _safe("Zoë 👩‍👩‍👧")
    ('abc\\u202edef', 'Zoë 👩\u200d👩\u200d👧')
    """
    value = str(text)
    if value.isascii() and value.isprintable():
        return value
    return _unsafe(not cell).sub(_escape, value)


def _encodable(stream: Any, text: str) -> str:
    """``text`` with the characters ``stream`` cannot encode written as escapes."""
    encoding = getattr(stream, "encoding", None) or "utf-8"
    try:
        text.encode(encoding)
    except UnicodeEncodeError:
        return text.encode(encoding, "backslashreplace").decode(encoding)
    except LookupError:
        pass
    return text


def _say(stream: TextIO, text: object = "", *, end: str = "\n") -> None:
    """Print on ``stream`` through :func:`_safe`; characters the stream cannot encode are
    written as escapes rather than failing."""
    stream.write(_encodable(stream, _safe(text) + end))


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
        text = _safe(f"{message} ({time.perf_counter() - self.start:.1f}s)", cell=True)
        self.stream.write("\r" + text.ljust(self._width))
        self.stream.flush()
        self._width = len(text)

    def done(self) -> None:
        if self.enabled and self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self.stream.flush()
            self._width = 0


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    header = [_safe(h, cell=True) for h in header]
    rows = [[_safe(c, cell=True) for c in row] for row in rows]
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
    result: MatchResult, mentees: Sequence[Mentee], mentors: Sequence[Mentor], *, out: TextIO
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
    _say(
        out,
        f"Matched {len(result.matches)} of {n} mentees (total score {result.total_score:.2f}).\n",
    )
    if rows:
        _say(out, _table(["mentee", "mentor", "score", "top reason"], rows))
    if result.unmatched:
        _say(out, f"\nUnmatched ({len(result.unmatched)}):")
        for u in result.unmatched:
            _say(
                out,
                f"  {_safe(_label(u.mentee_id, tee_names), cell=True)}: "
                + _safe(u.reason, cell=True),
            )


def _target(args: argparse.Namespace, dest: str = "output") -> _outputs.Output | None:
    """The checked output of ``dest`` (see :func:`_check_files`), or None when not asked."""
    target: _outputs.Output | None = getattr(args, f"{dest}_target", None)
    return target


def _status(args: argparse.Namespace, out: TextIO, err: TextIO) -> TextIO:
    """Where status lines go: stderr when the output itself goes to stdout (``-o -``)."""
    target = _target(args)
    return err if target is not None and target.kind == "stdout" else out


def _written(args: argparse.Namespace) -> str:
    """The output as a status line names it."""
    return "standard output" if args.output == _outputs.STDOUT else str(args.output)


def _write(target: _outputs.Output, text: str, *, encoding: str, out: TextIO) -> None:
    """Write ``text`` to a checked output; to a terminal, through :func:`_safe`."""
    if target.kind == "stdout":
        if getattr(out, "isatty", lambda: False)():
            text = _safe(text.replace("\r\n", "\n"))
        text = _encodable(out, text)

    def put(handle: Any) -> None:
        handle.write(text)

    _outputs.write(target, put, encoding, stdout=out)


def _check_mentee(result: MatchResult, mentee_id: str) -> None:
    ids = [m.mentee_id for m in result.matches] + [u.mentee_id for u in result.unmatched]
    if mentee_id not in ids:
        raise MentormatchError(
            f"mentee {mentee_id!r} is not in this result"
            + then(did_you_mean(mentee_id, ids), "check the id"),
            participant_id=mentee_id,
        )


def _results_format(args: argparse.Namespace) -> str:
    if args.format:
        return str(args.format)
    return "json" if str(args.output).lower().endswith(".json") else "csv"


def _write_results(args: argparse.Namespace, result: MatchResult, out: TextIO) -> None:
    """Write a result to the checked ``-o`` target as CSV or JSON."""
    target = _target(args)
    assert target is not None  # only called with -o
    fmt = _results_format(args)
    buffer = io.StringIO(newline="")
    mmio.write_results(result, buffer, format=fmt)
    _write(target, buffer.getvalue(), encoding="utf-8-sig" if fmt == "csv" else "utf-8", out=out)
