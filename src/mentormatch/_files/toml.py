"""Reading TOML files (programme files, instruments): stdlib tomllib, or tomli on 3.10.

Whatever the bytes, :func:`load` returns a table or raises a
:class:`~mentormatch._errors.MentormatchError` naming the file: not UTF-8,
not valid TOML (with the line), nested too deeply, or a number too long to
read. :data:`PROGRAMME_KEYS` are the top-level keys of a programme file, the
one file that ``match --config`` and ``kpis --config`` both read.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from mentormatch._errors import MentormatchError
from mentormatch._problems import Problems, did_you_mean, shown

PROGRAMME_KEYS = (
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
"""The top-level keys of a programme file (see ``docs/files.md``)."""


def loads(text: str, where: str) -> dict[str, Any]:
    """Parse TOML text; a syntax error names ``where`` and the line.

    >>> loads('a = 1', "programme.toml")
    {'a': 1}
    >>> loads('a = ', "programme.toml")
    Traceback (most recent call last):
    ...
    mentormatch._errors.MentormatchError: programme.toml: not valid TOML: ...
    >>> loads("a = " + "[" * 5000 + "]" * 5000, "programme.toml")
    Traceback (most recent call last):
    ...
    mentormatch._errors.MentormatchError: programme.toml: not valid TOML: the arrays or tables are nested too deeply ...
    """
    module = importlib.import_module("tomllib" if sys.version_info >= (3, 11) else "tomli")
    try:
        data: dict[str, Any] = module.loads(text)
    except module.TOMLDecodeError as exc:
        raise MentormatchError(f"{where}: not valid TOML: {exc}") from None
    except RecursionError:
        raise MentormatchError(
            f"{where}: not valid TOML: the arrays or tables are nested too deeply to read "
            f"(more than {MAX_DEPTH} levels); a mentormatch file nests only a few levels"
        ) from None
    except ValueError as exc:  # an integer of more than 4300 digits
        raise MentormatchError(f"{where}: not valid TOML: {exc}") from None
    if _depth(data) > MAX_DEPTH:  # the same answer whatever the interpreter's recursion limit
        raise MentormatchError(
            f"{where}: not valid TOML: the arrays or tables are nested too deeply to read "
            f"(more than {MAX_DEPTH} levels); a mentormatch file nests only a few levels"
        )
    return data


#: Deeper tables or arrays than this are refused (a mentormatch file nests about 3 levels).
MAX_DEPTH = 64


def _depth(value: object) -> int:
    """How deeply ``value``'s lists and tables nest, counted without recursion."""
    deepest = 0
    stack: list[tuple[object, int]] = [(value, 0)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, Mapping):
            children: Iterable[object] = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, level + 1)
        if deepest > MAX_DEPTH:
            break
        stack.extend((child, level + 1) for child in children)
    return deepest


def load(path: str | os.PathLike[str], what: str = "file") -> dict[str, Any]:
    """Read and parse a TOML file (UTF-8, with or without a byte-order mark)."""
    p = Path(path)
    if p.is_dir():
        raise MentormatchError(
            f"{str(p)!r} is a folder, not a {what}; give the file inside it", value=str(p)
        )
    if not p.exists():  # a pipe (<(...) in a shell) is read like a file
        raise MentormatchError(f"no such {what} {str(p)!r}", value=str(p))
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise MentormatchError(
            f"{p!s}: cannot read the {what} ({exc.strerror or exc})", value=str(p)
        ) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise MentormatchError(
            f"{p!s}: the {what} is not UTF-8 text (undecodable byte at offset {exc.start}); "
            "save it as UTF-8"
        ) from None
    return loads(text, str(p))


def unknown_keys(
    table: Mapping[str, Any], valid: Iterable[str], sink: Problems, where: str = ""
) -> None:
    """Add a problem for each key of ``table`` not in ``valid``, with the nearest valid key.

    >>> sink = Problems("programme.toml")
    >>> unknown_keys({"min_scor": 0.2}, PROGRAMME_KEYS, sink)
    >>> print(sink.items[0])
    programme.toml, column 'min_scor': unknown key 'min_scor'; did you mean 'min_score'? The valid keys are name, goal, programme, preset, min_score, criteria, rules, capacity, targets
    """
    names = list(valid)
    for key in table:
        if key not in names:
            hint = did_you_mean(key, names)
            sink.add(
                f"{where}unknown key {shown(key)}{hint}{' The' if hint else '; the'} valid keys are "
                + ", ".join(names),
                column=str(key),
            )
