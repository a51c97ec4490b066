"""What every command prints and how (private): exit codes, the argument parser
that returns instead of exiting, terminal-safe printing (everything goes through
:func:`_say`), progress, tables, and results written to a file or the terminal."""

from __future__ import annotations

import argparse
import contextvars
import functools
import io
import logging
import re
import time
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
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

_log = logging.getLogger("mentormatch.cli")


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


@dataclass(frozen=True)
class Terminal:
    """How chatty a run is: ``quiet`` (no progress, no notes), ``progress`` (progress
    even when stderr is not a terminal: ``--progress``)."""

    quiet: bool = False
    progress: bool = False
    verbose: bool = False


TERMINAL: contextvars.ContextVar[Terminal | None] = contextvars.ContextVar("terminal", default=None)
"""The settings of the running command (set by ``main`` from ``--quiet``/``--progress``)."""


def _settings() -> Terminal:
    return TERMINAL.get() or Terminal()


def _note(stream: TextIO, text: object) -> None:
    """A ``note: ...`` line on stderr, unless ``--quiet``."""
    if not _settings().quiet:
        _say(stream, f"note: {text}")


class _Progress:
    """Progress on stderr while long work runs: status lines, and a bar (tqdm, the
    ``[cli]`` extra: phase, done/total, time left) for the phases the matcher reports
    (:meth:`phase`) that last over about a second; a phase that counts afresh (the large
    path's pricing rounds) is its next pass, with a bar of its own. Off with ``--quiet``, and when stderr is not a terminal (unless
    ``--progress``). Never on stdout."""

    DELAY = 1.0
    """Seconds a phase runs before its bar appears (short work shows none)."""

    def __init__(self, stream: TextIO) -> None:
        settings = _settings()
        self.stream = stream
        self.verbose = settings.verbose
        tty = bool(getattr(stream, "isatty", lambda: False)())
        self.enabled = not settings.quiet and (tty or settings.progress)
        self.start = time.perf_counter()
        self._width = 0
        self._bar: Any = None
        self._phase = ""
        self._passes: dict[str, int] = {}

    def __call__(self, message: str) -> None:
        _log.info("%s", message)
        if not self.enabled or self.verbose:  # --verbose: the log lines say it
            return
        self._close_bar()
        text = _safe(f"{message} ({time.perf_counter() - self.start:.1f}s)", cell=True)
        self.stream.write("\r" + text.ljust(self._width))
        self.stream.flush()
        self._width = len(text)

    def phase(self, phase: str, done: int, total: int) -> None:
        """The matcher's ``progress(phase, done, total)`` callback."""
        if phase != self._phase:
            _log.info("%s: %d items", phase, total)
        if not self.enabled:
            self._phase = phase
            return
        try:
            from tqdm import tqdm
        except ImportError:  # without the [cli] extra: the status line
            self._phase = phase
            self(f"{phase} {done} of {total}")
            return
        # the large path prices in rounds: the same phase counting afresh is its next pass
        again = self._bar is not None and (done < self._bar.n or total != self._bar.total)
        if phase != self._phase or self._bar is None or again:
            self._passes[phase] = self._passes.get(phase, 0) + 1
            n_pass = self._passes[phase]
            self._close_bar()
            self._clear()
            self._bar = tqdm(
                total=total,
                desc=phase if n_pass == 1 else f"{phase}, pass {n_pass}",
                file=self.stream,
                delay=self.DELAY,
                leave=False,
                unit="item",
            )
            self._phase = phase
        self._bar.update(max(0, done - self._bar.n))

    def _close_bar(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None
            self._phase = ""

    def _clear(self) -> None:
        if self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self.stream.flush()
            self._width = 0

    def done(self) -> None:
        self._close_bar()
        if self.enabled:
            self._clear()


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


def _write_table(
    args: argparse.Namespace,
    header: Sequence[str],
    rows: Sequence[Sequence[object]],
    out: TextIO,
    dest: str = "output",
    encoding: str = "utf-8-sig",
) -> None:
    """Write a table to a checked output in its format (CSV in ``encoding``, or a
    workbook for .xlsx)."""
    from mentormatch._files.tables import write_csv, write_xlsx

    target = _target(args, dest)
    assert target is not None  # only called with the option given
    if getattr(args, f"{dest}_format", "csv") == "xlsx":
        _write_bytes(target, write_xlsx(header, rows))
    else:
        _write(target, write_csv(header, rows), encoding=encoding, out=out)


def _write_bytes(target: _outputs.Output, data: bytes) -> None:
    """Write a workbook to a checked regular file (only files take ``.xlsx``)."""
    from mentormatch._files.writing import write_binary

    write_binary(target.path or target.given, data)


def _write_results(
    args: argparse.Namespace,
    result: MatchResult,
    out: TextIO,
    signups: tuple[Sequence[Mentee], Sequence[Mentor]] | None = None,
) -> None:
    """Write a result to the checked ``-o`` target as CSV, JSON or a workbook, with the
    names of ``signups`` beside the ids."""
    target = _target(args)
    assert target is not None  # only called with -o
    fmt = str(getattr(args, "output_format", None) or "csv")
    if fmt == "xlsx":
        data = io.BytesIO()
        mmio.write_results(result, data, format="xlsx", signups=signups)
        _write_bytes(target, data.getvalue())
        return
    buffer = io.StringIO(newline="")
    mmio.write_results(result, buffer, format=fmt, signups=signups)
    _write(target, buffer.getvalue(), encoding="utf-8-sig" if fmt == "csv" else "utf-8", out=out)
