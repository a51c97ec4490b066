"""Reading TOML files (programme files, instruments): stdlib tomllib, or tomli on 3.10."""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path
from typing import Any

from mentormatch._errors import MentormatchError


def loads(text: str, where: str) -> dict[str, Any]:
    """Parse TOML text; a syntax error names ``where`` and the line.

    >>> loads('a = 1', "programme.toml")
    {'a': 1}
    >>> loads('a = ', "programme.toml")
    Traceback (most recent call last):
    ...
    mentormatch._errors.MentormatchError: programme.toml: not valid TOML: ...
    """
    module = importlib.import_module("tomllib" if sys.version_info >= (3, 11) else "tomli")
    try:
        data: dict[str, Any] = module.loads(text)
    except module.TOMLDecodeError as exc:
        raise MentormatchError(f"{where}: not valid TOML: {exc}") from None
    return data


def load(path: str | os.PathLike[str], what: str = "file") -> dict[str, Any]:
    """Read and parse a TOML file (UTF-8, with or without a byte-order mark)."""
    p = Path(path)
    if not p.is_file():
        raise MentormatchError(f"no such {what} {str(p)!r}", value=str(p))
    return loads(p.read_text(encoding="utf-8-sig"), str(p))
