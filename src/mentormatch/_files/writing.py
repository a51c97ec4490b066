"""Writing text tables (private): to a path atomically or to an open file, cells
formatted and neutralised against spreadsheet formulas."""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Callable
from typing import IO, TYPE_CHECKING, Any, Union

from mentormatch._errors import MentormatchError
from mentormatch._files import tables as _tables

if TYPE_CHECKING:
    pass
from mentormatch._files.tables import source_name

__all__ = [
    "PathOrFile",
    "cell_out",
    "csv_writer",
    "format_number",
    "format_of",
    "open_target",
    "put",
]

PathOrFile = Union[str, "os.PathLike[str]", IO[str], IO[bytes]]
"""A path, or a file opened in text or binary mode."""


def format_number(value: float) -> str:
    return f"{value:.4f}"


def open_target(dest: PathOrFile, fmt: str, write: Callable[[IO[str]], None]) -> None:
    """Write text to a path (atomically, via a temporary file) or to an open file."""
    if isinstance(dest, (str, os.PathLike)):
        encoding = "utf-8-sig" if fmt == "csv" else "utf-8"
        _tables.write_atomically(dest, write, encoding)
        return
    if not hasattr(dest, "write"):
        raise MentormatchError(f"expected a path or an open file, not {type(dest).__name__}")
    if isinstance(dest, (io.RawIOBase, io.BufferedIOBase)) or "b" in getattr(dest, "mode", ""):
        buffer = io.StringIO(newline="")
        write(buffer)
        dest.write(buffer.getvalue().encode("utf-8"))  # type: ignore[arg-type]
    else:
        write(dest)  # type: ignore[arg-type]


def put(handle: IO[str], text: str) -> None:
    handle.write(text)


def format_of(dest: object, fmt: str | None) -> str:
    if fmt is None:
        name = source_name(dest, "")
        fmt = "json" if name.lower().endswith(".json") else "csv"
    if fmt not in ("csv", "json"):
        raise MentormatchError(
            f"The 'format' parameter must be one of 'csv', 'json'. Got {fmt!r} instead.",
            field="format",
            value=fmt,
        )
    return fmt


def csv_writer(handle: IO[str]) -> Any:
    # "\r\n" as RFC 4180 says: the writer then quotes every cell holding "\r" or "\n"
    return csv.writer(handle, lineterminator="\r\n")


def cell_out(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return format_number(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return _tables.neutralise(str(value))
