"""The ``mentormatch`` command.

One function per subcommand, each registered on the subparsers by an
``_add_<name>`` function listed in :data:`COMMANDS`; a new subcommand adds its
pair and one entry there.

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
import functools
import inspect
import io
import math
import os
import re
import stat
import sys
import time
import traceback
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn, TextIO

from pydantic import ValidationError

from mentormatch import constraints as _constraints
from mentormatch import criteria as _criteria
from mentormatch import io as mmio
from mentormatch import presets as _presets
from mentormatch._errors import MentormatchError
from mentormatch._files import outputs as _outputs
from mentormatch._files import toml as _toml
from mentormatch._problems import (
    Problem,
    Problems,
    ProblemsError,
    did_you_mean,
    listed,
    shown,
    then,
)
from mentormatch.matching import Matcher, MatchResult
from mentormatch.participants import Mentee, Mentor

__all__ = ["COMMANDS", "build_parser", "load_programme", "main"]

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


# --------------------------------------------------------------------------- terminal safety

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


def _write(target: _outputs.Output, text: str, encoding: str, out: TextIO) -> None:
    """Write ``text`` to a checked output; to a terminal, through :func:`_safe`."""
    if target.kind == "stdout":
        if getattr(out, "isatty", lambda: False)():
            text = _safe(text.replace("\r\n", "\n"))
        text = _encodable(out, text)

    def put(handle: Any) -> None:
        handle.write(text)

    _outputs.write(target, put, encoding, stdout=out)


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
_TOP_KEYS = _toml.PROGRAMME_KEYS
_FILE_FIX = "correct the programme file"


@dataclass
class _Programme:
    """A programme file, read: the matcher, capacity overrides, and what the file named
    (to check against the sign-ups)."""

    matcher: Matcher
    capacity: dict[str, int]
    parts: list[tuple[str, Any]] = field(default_factory=list)
    source: str = ""


def _weight_problem(value: object) -> str | None:
    """Why a weight cannot be used, for values the criteria would fail on unkindly."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None  # the criterion's own message says what a weight must be
    try:
        number = float(value)
    except OverflowError:
        return (
            f"weight {shown(value)} is too large; weights are relative, so 3 and 1 mean the same "
            "as 300 and 100: divide them all by the same number"
        )
    if math.isnan(number) or math.isinf(number):
        return f"weight {value!r} is not a finite number; give a number > 0, such as 2"
    return None


def _build_part(
    kind: str, registry: Mapping[str, type], entry: object, index: int, sink: Problems
) -> Any:
    """The criterion or rule of one ``[[criteria]]`` / ``[[rules]]`` entry, or None (with
    its problems added to ``sink``)."""
    names = sorted(c.__name__ for c in registry.values())
    where = f"[[{kind}]] #{index}"
    column = f"{kind}[{index}]"
    if not isinstance(entry, dict):
        sink.add(
            f"{where}: each [[{kind}]] entry must be a table with a 'type'; write [[{kind}]] "
            "on its own line, then type = ... below it",
            column=column,
        )
        return None
    spec = dict(entry)
    type_name = spec.pop("type", None)
    if not isinstance(type_name, str):
        sink.add(
            f"{where}: give the {kind} 'type', one of: {', '.join(names)}", column=f"{column}.type"
        )
        return None
    cls = registry.get(_key(type_name))
    if cls is None:
        sink.add(
            f"{where}: unknown {kind} type {shown(type_name)}"
            + then(did_you_mean(type_name, names), f"valid types: {', '.join(names)}"),
            column=f"{column}.type",
        )
        return None
    where = f"{where} ({cls.__name__})"
    params = {
        n: p
        for n, p in inspect.signature(cls).parameters.items()
        if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
    }
    ok = True
    for key in spec:
        if key not in params:
            valid = ["type", *params]
            hint = did_you_mean(key, params)
            sink.add(
                f"{where}: unknown key {shown(key)[1:-1]}{hint}{' Valid' if hint else '; valid'} "
                "keys: " + ", ".join(valid),
                column=f"{column}.{key}",
            )
            ok = False
    for name, param in params.items():
        if param.default is param.empty and name not in spec:
            sink.add(f"{where}: missing key {name}", column=f"{column}.{name}")
            ok = False
    weight_problem = _weight_problem(spec.get("weight"))
    if weight_problem is not None:
        sink.add(f"{where}: {weight_problem}", column=f"{column}.weight")
        ok = False
    if "pairs" in spec:
        pairs = spec["pairs"]
        shaped = isinstance(pairs, list) and all(isinstance(p, list) and len(p) == 2 for p in pairs)
        if not shaped:
            sink.add(
                f"{where}: pairs must be a list of [mentee_id, mentor_id] pairs, "
                'e.g. pairs = [["e01", "m03"]]',
                column=f"{column}.pairs",
            )
            ok = False
        else:
            for k, pair in enumerate(pairs, start=1):
                if not all(isinstance(x, str) and x.strip() for x in pair):
                    sink.add(
                        f"{where}: pair {k} is {pair!r}; ids are text in quotes, e.g. "
                        '["e01", "m03"] (a number such as 101 becomes "101")',
                        column=f"{column}.pairs",
                    )
                    ok = False
            spec["pairs"] = [tuple(p) for p in pairs]
    if not ok:
        return None
    try:
        return cls(**spec)
    except (TypeError, ValueError, OverflowError) as exc:
        sink.add(f"{where}: {exc}", column=column)
        return None


def _read_programme(path: str | os.PathLike[str]) -> _Programme:
    """Read and check a programme file: every problem at once, in one ProblemsError."""
    where = os.fspath(path)
    data = _toml.load(path, "programme file")
    sink = Problems(where)
    _toml.unknown_keys(data, _TOP_KEYS, sink)
    for key in ("name", "goal"):
        if key in data and not isinstance(data[key], str):
            sink.add(f"{key} must be text in quotes, not {shown(data[key])}", column=key)
    if "programme" in data and not isinstance(data["programme"], dict):
        sink.add("[programme] must be a table (name, goal)", column="programme")
    if "targets" in data and not isinstance(data["targets"], dict):
        sink.add("[targets] must be a table of kpi = target", column="targets")
    min_score = data.get("min_score", 0.0)
    number = None
    if not isinstance(min_score, bool) and isinstance(min_score, (int, float)):
        with contextlib.suppress(OverflowError):
            number = float(min_score)
    if number is None or not 0 <= number <= 1:
        sink.add(
            f"min_score must be a number in [0, 1] (pairs scoring below it are not made), "
            f"got {shown(min_score)}",
            column="min_score",
        )
        number = 0.0
    parts: list[tuple[str, Any]] = []
    built: dict[str, list[Any]] = {}
    for key, registry in (("criteria", _CRITERIA), ("rules", _RULES)):
        spec = data.get(key, [])
        if not isinstance(spec, list):
            sink.add(
                f"{key} must be an array of tables: write [[{key}]] above each entry", column=key
            )
            spec = []
        built[key] = []
        for i, entry in enumerate(spec, start=1):
            part = _build_part(key, registry, entry, i, sink)
            if part is not None:
                built[key].append(part)
                parts.append((f"[[{key}]] #{i} ({type(part).__name__})", part))
    weights = [float(getattr(c, "weight", 1.0)) for c in built["criteria"]]
    if weights and not math.isfinite(sum(weights)):
        sink.add(
            "the criteria's weights add up to more than the largest number; weights are "
            "relative, so divide them all by the same number",
            column="criteria",
        )
    preset_name = data.get("preset")
    if preset_name is not None and (
        not isinstance(preset_name, str) or preset_name not in _presets.PRESETS
    ):
        sink.add(
            f"unknown preset {shown(preset_name)}"
            + did_you_mean(str(preset_name), _presets.PRESETS)
            + f"{' Valid' if did_you_mean(str(preset_name), _presets.PRESETS) else '; valid'} "
            "presets: " + ", ".join(sorted(_presets.PRESETS)),
            column="preset",
        )
        preset_name = None
    elif preset_name is None and not built["criteria"] and "criteria" not in data:
        sink.add(
            "give a preset (one of " + ", ".join(sorted(_presets.PRESETS)) + ") or at "
            "least one [[criteria]] entry",
            column="criteria",
        )
    capacity = data.get("capacity", {})
    if not isinstance(capacity, dict):
        sink.add("[capacity] must be a table of mentor_id = number", column="capacity")
        capacity = {}
    for mentor_id, value in capacity.items():
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            sink.add(
                f"[capacity] {mentor_id} = {shown(value)}; give a whole number >= 0",
                column="capacity",
                participant_id=mentor_id,
            )
    sink.raise_if_any("the programme file")
    try:
        if preset_name is not None:
            base = _presets.PRESETS[preset_name](min_score=number, constraints=built["rules"])
            matcher = Matcher(
                built["criteria"] or base.criteria, base.constraints, min_score=base.min_score
            )
        else:
            matcher = Matcher(built["criteria"], built["rules"], min_score=number)
    except (MentormatchError, TypeError, ValueError) as exc:
        sink.add(str(exc))
        sink.raise_if_any("the programme file")
        raise  # pragma: no cover - raise_if_any raised
    return _Programme(matcher, dict(capacity), parts, where)


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
        On a missing file or invalid TOML; otherwise one error listing every
        problem (``problems``): an unknown key, type or parameter (naming the
        nearest valid one), a bad value, ids that are not text.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "programme.toml"
    >>> _ = p.write_text('preset = "skills_training"\\nmin_score = 0.2\\n[capacity]\\nm01 = 3\\n')
    >>> matcher, capacity = load_programme(p)
    >>> matcher.min_score, capacity
    (0.2, {'m01': 3})
    """
    programme = _read_programme(path)
    return programme.matcher, programme.capacity


def _attribute_holders(people: Iterable[Mentee | Mentor], key: str) -> int:
    return sum(1 for p in people if str(p.attributes.get(key, "")).strip())


def _programme_problems(
    programme: _Programme, mentees: Sequence[Mentee], mentors: Sequence[Mentor]
) -> list[Problem]:
    """What the programme file names that the sign-ups do not have: capacity or pair ids
    that are nobody, attributes that nobody has."""
    sink = Problems(programme.source)
    tee_ids = [p.id for p in mentees]
    tor_ids = [p.id for p in mentors]
    tee_set, tor_set = set(tee_ids), set(tor_ids)
    for mentor_id in programme.capacity:
        if mentor_id not in tor_set:
            sink.add(
                f"[capacity] names {mentor_id!r}, not mentors in the sign-ups"
                + then(did_you_mean(mentor_id, tor_ids), "correct the id or remove the line"),
                column="capacity",
                participant_id=mentor_id,
            )
    attributes = sorted({k for p in (*mentees, *mentors) for k in p.attributes})
    for where, part in programme.parts:
        pairs = getattr(part, "pairs", None)
        if isinstance(part, (_constraints.ForbidPairs, _constraints.RequirePairs)) and pairs:
            for e, m in sorted(pairs):
                if e not in tee_set:
                    sink.add(
                        f"{where}: pair [{e!r}, {m!r}] names {e!r}, who is not a mentee in the "
                        "sign-ups"
                        + then(did_you_mean(e, tee_ids), "correct the id or remove the pair"),
                        column="rules.pairs",
                        participant_id=e,
                    )
                if m not in tor_set:
                    sink.add(
                        f"{where}: pair [{e!r}, {m!r}] names {m!r}, who is not a mentor in the "
                        "sign-ups"
                        + then(did_you_mean(m, tor_ids), "correct the id or remove the pair"),
                        column="rules.pairs",
                        participant_id=m,
                    )
        key = getattr(part, "key", None)
        if isinstance(part, (_constraints.SameAttribute, _criteria.AttributeMatch)) and key:
            n_tees = _attribute_holders(mentees, key)
            n_tors = _attribute_holders(mentors, key)
            known = listed(attributes)
            if n_tees + n_tors == 0:
                sink.add(
                    f"{where}: nobody in the sign-ups has the attribute {key!r}"
                    + then(
                        did_you_mean(key, attributes),
                        f"the attributes are the extra columns: {known}",
                    ),
                    column=f"{'rules' if where.startswith('[[rules') else 'criteria'}.key",
                )
            elif isinstance(part, _constraints.SameAttribute) and 0 in (n_tees, n_tors):
                side = "mentee" if n_tees == 0 else "mentor"
                sink.add(
                    f"{where}: no {side} has the attribute {key!r}, so this rule refuses every "
                    f"pair; add the {key} column for the {side}s or remove the rule",
                    column="rules.key",
                )
    return sink.items


def _apply_capacity(mentors: Sequence[Mentor], capacity: Mapping[str, int]) -> list[Mentor]:
    return [
        m.model_copy(update={"capacity": capacity[m.id]}) if m.id in capacity else m
        for m in mentors
    ]


# --------------------------------------------------------------------------- shared arguments

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


def _programme_of(args: argparse.Namespace) -> _Programme:
    if args.config:
        return _read_programme(args.config)
    return _Programme(_presets.PRESETS[args.preset or "career_guidance"](), {})


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
    problems = _programme_problems(programme, mentees, mentors)
    if problems:
        raise ProblemsError(problems, "the programme file")
    return programme.matcher, list(mentees), _apply_capacity(mentors, programme.capacity)


# --------------------------------------------------------------------------- demo


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
    _report(result, mentees, mentors, out)
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


def _check_mentee(result: MatchResult, mentee_id: str) -> None:
    ids = [m.mentee_id for m in result.matches] + [u.mentee_id for u in result.unmatched]
    if mentee_id not in ids:
        raise MentormatchError(
            f"mentee {mentee_id!r} is not in this result"
            + then(did_you_mean(mentee_id, ids), "check the id"),
            participant_id=mentee_id,
        )


# --------------------------------------------------------------------------- match


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
    _write(target, buffer.getvalue(), "utf-8-sig" if fmt == "csv" else "utf-8", out)


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


# --------------------------------------------------------------------------- validate


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
    programme = _Programme(_presets.career_guidance(), {})
    if args.config:
        try:
            programme = _read_programme(args.config)
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
        problems.extend(_programme_problems(programme, *signups))
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
    mentors = tuple(_apply_capacity(mentors, programme.capacity))
    places = sum(m.capacity for m in mentors)
    _say(out, f"OK: {len(mentees)} mentees, {len(mentors)} mentors, {places} places.")
    if places < len(mentees):
        _say(
            out,
            f"note: {len(mentees) - places} mentees cannot be matched with {places} places; "
            "raise some capacities or recruit mentors",
        )
    return EXIT_OK


# --------------------------------------------------------------------------- kpis

_REPORT_FORMATS = {".html": "html", ".htm": "html", ".md": "md", ".csv": "csv"}


def _add_kpis(sub: Any) -> None:
    p = sub.add_parser(
        "kpis",
        help="programme KPIs with intervals, at-risk pairs, and a report",
        description="Read a relationships file (one row per pair) and report the programme's "
        "KPIs, each with its counts and a confidence interval, breakdowns with small groups "
        "suppressed, targets from the programme file, and the pairs at risk. Prints the text "
        "report; -o writes HTML (.html), Markdown (.md) or the figures as CSV (.csv).",
        epilog="examples:\n"
        "  mentormatch kpis relationships.csv\n"
        "  mentormatch kpis relationships.csv --by department --as-of 2026-03-01 -o report.html\n"
        "  mentormatch kpis relationships.csv --config programme.toml --meetings meetings.csv\n"
        "  mentormatch kpis relationships.csv --matches matches.json --signups signups.csv\n"
        "  mentormatch kpis relationships.csv -o - --format md",
        formatter_class=_formatter,
    )
    _file_argument(
        p,
        "relationships",
        role="input",
        what="the relationships file",
        help="CSV of pairs (see docs/kpis.md)",
    )
    _file_argument(
        p,
        "--meetings",
        role="input",
        what="the meetings file (--meetings)",
        metavar="FILE",
        help="separate meetings file (mentee_id,mentor_id,date)",
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
    _file_argument(
        p,
        "--config",
        role="input",
        what="the programme file (--config)",
        metavar="PROGRAMME.toml",
        help="programme file with [targets]",
    )
    _file_argument(
        p,
        "--matches",
        role="input",
        what="the matching result (--matches)",
        metavar="MATCHES.json",
        help="the matching result (from 'mentormatch match -o FILE.json'), for the match rate",
    )
    _file_argument(
        p,
        "--signups",
        role="input",
        what="the sign-ups (--signups)",
        metavar="SIGNUPS.csv",
        help="the sign-ups, for mentor utilisation (the mentors' capacities)",
    )
    _add_output_argument(
        p, "write the report (.html, .md, or .csv for the figures; '-' for stdout)"
    )
    p.add_argument(
        "--format",
        choices=["html", "md", "csv"],
        help="report format for -o (default: from the file name; markdown for '-')",
    )
    p.set_defaults(func=_cmd_kpis)


def _report_format(args: argparse.Namespace) -> str | None:
    if args.output is None:
        return None
    if args.format:
        return str(args.format)
    if args.output == _outputs.STDOUT:
        return "md"
    fmt = _REPORT_FORMATS.get(Path(args.output).suffix.lower())
    if fmt is None:
        raise MentormatchError(
            f"-o {args.output!r}: the report is written as .html or .md (or .csv for the "
            "figures); choose one of these names, or give --format",
            field="output",
        )
    return fmt


@_checked
def _cmd_kpis(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from datetime import date

    from mentormatch import kpis

    fmt = _report_format(args)
    if args.as_of:
        try:
            as_of = date.fromisoformat(args.as_of)
        except ValueError:
            raise MentormatchError(
                f"--as-of {args.as_of!r} is not a date; write it as YYYY-MM-DD"
            ) from None
    else:
        as_of = date.today()
    if args.min_group_size < 3:
        raise MentormatchError(
            f"--min-group-size must be at least 3 (got {args.min_group_size}); smaller "
            "groups could identify people",
            field="min_group_size",
        )
    if args.max_gap_days < 1:
        raise MentormatchError(
            f"--max-gap-days must be at least 1 (got {args.max_gap_days}): the days a pair "
            "may go without meeting before it is flagged",
            field="max_gap_days",
        )

    def read_targets() -> kpis.Targets | None:
        if not args.config:
            return None
        sink = Problems(args.config)
        _toml.unknown_keys(_toml.load(args.config, "programme file"), _TOP_KEYS, sink)
        sink.raise_if_any("the programme file")
        return kpis.load_targets(args.config)

    targets, relationships, match_result, signups = _gather(
        [
            ("the programme file", read_targets),
            (
                "the relationships",
                lambda: kpis.read_relationships(args.relationships, meetings=args.meetings),
            ),
            ("the results file", lambda: mmio.read_results(args.matches) if args.matches else None),
            ("the sign-ups", lambda: mmio.read_signups(args.signups) if args.signups else None),
        ]
    )
    if args.by:
        from mentormatch._files.tables import normalise_column

        columns = sorted({k for r in relationships for k in r.attributes})
        for by in args.by:
            if normalise_column(by) not in columns:
                raise MentormatchError(
                    f"--by {by!r}: no pair has this column"
                    + then(
                        did_you_mean(by, columns),
                        f"the columns to break down by are: {listed(columns)}",
                    ),
                    field="by",
                    value=by,
                )
    capacities = {m.id: m.capacity for m in signups.mentors} if signups is not None else None
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
    target = _target(args)
    if target is not None:
        if fmt == "csv":
            text, encoding = report.to_csv(), "utf-8-sig"
        else:
            text = report.to_markdown() if fmt == "md" else report.to_html()
            encoding = "utf-8"
        _write(target, text, encoding, out)
        _say(_status(args, out, err), f"wrote {_written(args)}")
    else:
        _say(out, report.summary())
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
    _file_argument(
        p,
        "responses",
        role="input",
        what="the survey responses",
        help="CSV of responses, one row per respondent",
    )
    _file_argument(
        p,
        "--instrument",
        role="input",
        what="the instrument file (--instrument)",
        required=True,
        metavar="FILE.toml",
        help="the instrument",
    )
    _file_argument(
        p,
        "--pre",
        role="input",
        what="the earlier round (--pre)",
        metavar="FILE",
        help="an earlier round, for the pre/post change",
    )
    p.add_argument(
        "--id-column",
        metavar="NAME",
        help="column that pairs respondents across rounds (default: id; required with --pre)",
    )
    p.add_argument("--nps-column", metavar="NAME", help="0-10 'would you recommend' column")
    _add_output_argument(p, "write per-respondent scores (CSV; '-' for standard output)")
    p.set_defaults(func=_cmd_survey)


@_checked
def _cmd_survey(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    import warnings

    from mentormatch import surveys
    from mentormatch._files.survey import read_responses
    from mentormatch._files.tables import write_csv

    instrument = surveys.load_instrument(args.instrument)
    id_column = args.id_column or "id"
    require_id = bool(args.pre) or args.id_column is not None
    extra = {args.nps_column: (0.0, 10.0, "--nps-column")} if args.nps_column else {}
    post, pre = _gather(
        [
            (
                "the survey responses",
                lambda: read_responses(
                    args.responses,
                    instrument.items,
                    instrument.scale,
                    id_column=id_column,
                    require_id=require_id,
                    extra=extra,
                    what="the survey responses",
                ),
            ),
            (
                "the earlier round (--pre)",
                lambda: (
                    read_responses(
                        args.pre,
                        instrument.items,
                        instrument.scale,
                        id_column=id_column,
                        require_id=True,
                        what="the earlier round (--pre)",
                    )
                    if args.pre
                    else None
                ),
            ),
        ]
    )
    scored = instrument.score(post.answers)
    _say(out, scored.summary())
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", surveys.SurveyWarning)
        reliability = surveys.cronbach_alpha(scored)
    _say(out, reliability.summary())
    for w in caught:
        _say(err, f"note: {w.message}")
    if args.nps_column:
        _say(out, surveys.nps(post.extra[args.nps_column]).summary())
    if pre is not None:
        before = instrument.score(pre.answers)
        earlier = {pid: float(t) for pid, t in zip(pre.ids, before.total, strict=True)}
        pre_vals: list[float] = []
        post_vals: list[float] = []
        for pid, t in zip(post.ids, scored.total, strict=True):
            if pid in earlier:
                pre_vals.append(earlier[pid])
                post_vals.append(float(t))
        if not pre_vals:
            raise MentormatchError(
                f"no respondent of {args.responses} is in {args.pre} (compared by the "
                f"{id_column!r} column); check that both rounds use the same ids",
                field=id_column,
            )
        _say(out, surveys.pre_post(pre_vals, post_vals).summary())
    target = _target(args)
    if target is not None:
        names = list(scored.subscales)
        header = [id_column, "total", *names, "n_answered"]
        records = [
            [
                pid if pid is not None else "",
                *(
                    None if math.isnan(v) else float(v)
                    for v in (scored.total[k], *(scored.subscales[n][k] for n in names))
                ),
                int(scored.n_answered[k]),
            ]
            for k, pid in enumerate(post.ids)
        ]
        _write(target, write_csv(header, records), "utf-8-sig", out)
        _say(_status(args, out, err), f"wrote {_written(args)}")
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
