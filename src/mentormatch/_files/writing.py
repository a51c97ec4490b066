"""Writing text tables (private): to a path atomically or to an open file, cells
formatted and neutralised against spreadsheet formulas."""

from __future__ import annotations

import csv
import io
import os
import stat
from collections.abc import Callable, Sequence
from typing import IO, TYPE_CHECKING, Any, Union

from mentormatch._errors import MentormatchError
from mentormatch._files import tables as _tables

if TYPE_CHECKING:
    pass

__all__ = [
    "PathOrFile",
    "cell_out",
    "csv_writer",
    "extension_format",
    "format_number",
    "format_of",
    "open_target",
    "put",
    "refuse_extension",
    "write_binary",
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


def write_binary(dest: PathOrFile, data: bytes) -> None:
    """Write bytes (a workbook) to a path, atomically, or to a file open in binary mode."""
    if isinstance(dest, (str, os.PathLike)):

        def copy(handle: IO[str]) -> None:
            handle.flush()
            handle.buffer.write(data)  # type: ignore[attr-defined]  # the binary file under it

        _tables.write_atomically(dest, copy)
        return
    if isinstance(dest, (io.RawIOBase, io.BufferedIOBase)) or "b" in getattr(dest, "mode", ""):
        dest.write(data)  # type: ignore[arg-type]
        return
    raise MentormatchError(
        "an Excel workbook is binary: give a path ending in .xlsx or a file opened in "
        "binary mode ('wb'), not a text file",
        field="dest",
    )


def put(handle: IO[str], text: str) -> None:
    handle.write(text)


def extension_format(name: str, formats: Sequence[str]) -> str | None:
    """The format a file name's extension names among ``formats`` (``None``: another).

    >>> extension_format("out/Matches.XLSX", ("csv", "json", "xlsx")), extension_format("a.md", ("csv",))
    ('xlsx', None)
    """
    suffix = os.path.splitext(name)[1].lower().lstrip(".")
    suffix = {"htm": "html", "markdown": "md"}.get(suffix, suffix)
    return suffix if suffix in formats else None


def refuse_extension(
    label: str, name: str, formats: Sequence[str], who: str = "this command"
) -> MentormatchError:
    """The error for an output whose extension is not one of ``formats``.

    >>> print(refuse_extension("-o 'out.md'", "out.md", ("csv", "json")))
    -o 'out.md': this command does not write '.md' files; it writes .csv or .json: choose a file name ending in one of these
    """
    suffix = os.path.splitext(name)[1]
    taken = ", ".join(f".{f}" for f in formats[:-1]) + f" or .{formats[-1]}"
    taken = taken.removeprefix(" or ")
    what = f"does not write {suffix!r} files" if suffix else "needs an extension to know the format"
    return MentormatchError(
        f"{label}: {who} {what}; it writes {taken}: choose a file name ending in one of these",
        field="output",
        value=name,
    )


def _regular_or_new(path: str) -> bool:
    """Whether ``path`` is a regular file (links followed) or nothing yet: a pipe, a
    device or a folder has no extension to read (the writer names a folder)."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except (OSError, ValueError):
        return True


def format_of(
    dest: object, fmt: str | None, formats: Sequence[str] = ("csv", "json"), what: str = "dest"
) -> str:
    """The format to write ``dest`` in: for a path, the one its extension names (a
    ``format`` given must agree; another extension is refused, naming ``formats``);
    for an open file, a pipe or a device, ``format`` (default ``"csv"``)."""
    if fmt is not None and fmt not in formats:
        raise MentormatchError(
            f"The 'format' parameter must be one of {', '.join(map(repr, formats))}. "
            f"Got {fmt!r} instead.",
            field="format",
            value=fmt,
        )
    if isinstance(dest, (str, os.PathLike)) and _regular_or_new(os.fspath(dest)):
        name = os.fspath(dest)
        named = extension_format(name, formats)
        if named is None:
            raise refuse_extension(f"{what} {name!r}", name, formats, who="it")
        if fmt is not None and fmt != named:
            raise MentormatchError(
                f"{what} {name!r}: format={fmt!r} disagrees with the extension; "
                f"name the file .{fmt}, or leave format out",
                field="format",
                value=fmt,
            )
        return named
    return fmt or "csv"


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
