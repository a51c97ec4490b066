"""Where output goes (private): outputs never cost an input, and writes are atomic.

:func:`resolve` checks an output path before any work is done and says what
writing there means:

* ``"-"`` (where the caller allows it) is standard output;
* a regular file, or a new one, is **replaced atomically**: the text goes to
  a temporary file in the same folder, is flushed to disk, gets the old
  file's permissions, and is then moved over the old file with
  :func:`os.replace`, so a failed or interrupted write (Ctrl-C included)
  leaves the old file whole; a link is followed and the file it points to
  is replaced, the link kept;
* a path that is not a regular file (a named pipe, a terminal, ``/dev/null``,
  ``/dev/stdout``) is **written in place**, never replaced; a folder, a disk
  device or a socket is refused;
* an output that is the same file as one of the ``inputs`` (after following
  links, hard links included: :func:`os.path.samefile`) is refused, as are a
  missing or read-only folder and a read-only file.

Every problem is a :class:`~mentormatch._errors.MentormatchError` that names
the output as given (and the folder at fault); the temporary file's name never
appears in a message.

Examples
--------
>>> import pathlib, tempfile
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> target = resolve(folder / "matches.csv")
>>> target.kind
'replace'
>>> write(target, lambda handle: handle.write("mentee_id\\n"))
>>> (folder / "matches.csv").read_text()
'mentee_id\\n'
>>> resolve(folder / "matches.csv", inputs=[("the sign-ups", folder / "matches.csv")])
Traceback (most recent call last):
...
mentormatch._errors.MentormatchError: cannot write '...matches.csv': it is the same file as an input of this command, the sign-ups '...matches.csv'; writing there would destroy it, so choose another name for the output
>>> resolve(folder / "no-such-folder" / "matches.csv")
Traceback (most recent call last):
...
mentormatch._errors.MentormatchError: cannot write '...matches.csv': the folder '...no-such-folder' does not exist; create it or choose another folder
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import IO, Any, Literal

from mentormatch._errors import MentormatchError

__all__ = ["STDOUT", "Output", "resolve", "write", "write_path"]

STDOUT = "-"
"""The output name that means standard output (where the caller allows it)."""

Writer = Callable[[IO[str]], Any]


@dataclass(frozen=True)
class Output:
    """A checked output.

    Attributes
    ----------
    given : str
        The path as the caller wrote it.
    kind : {"stdout", "replace", "in_place"}
        Standard output; a regular (or new) file replaced atomically; a pipe,
        terminal or other device written in place.
    path : str or None
        The file to replace (links followed) or to open in place.
    append : bool
        For ``in_place``: open for appending, so that a regular file reached
        through a file descriptor (``/dev/stdout`` redirected to a file) is
        not truncated.
    label : str
        How messages name this output (``"-o 'matches.csv'"``).
    """

    given: str
    kind: Literal["stdout", "replace", "in_place"]
    path: str | None
    append: bool = False
    label: str = ""


def _fail(label: str, problem: str, given: str) -> MentormatchError:
    return MentormatchError(f"{label}: {problem}", field="output", value=given)


def _through_proc(path: str) -> bool:
    """Whether ``path`` reaches its file through ``/proc`` (``/dev/stdout``, ``/dev/fd/3``)."""
    p = os.path.abspath(path)
    for _ in range(40):
        parent = os.path.realpath(os.path.dirname(p))
        if parent == "/proc" or parent.startswith("/proc/"):
            return True
        full = os.path.join(parent, os.path.basename(p))
        if not os.path.islink(full):
            return False
        p = os.path.abspath(os.path.join(parent, os.readlink(full)))
    return False


def _same_as_input(
    info: os.stat_result, inputs: Iterable[tuple[str, object]]
) -> tuple[str, str] | None:
    for what, source in inputs:
        if not isinstance(source, (str, os.PathLike)):
            continue
        try:
            other = os.stat(source)
        except (OSError, ValueError):
            continue
        if (other.st_dev, other.st_ino) == (info.st_dev, info.st_ino):
            return what, os.fspath(source)
    return None


def resolve(
    dest: str | os.PathLike[str],
    *,
    label: str | None = None,
    inputs: Iterable[tuple[str, object]] = (),
    allow_stdout: bool = False,
) -> Output:
    """Check an output path before any work is done; see the module docstring.

    Parameters
    ----------
    dest : str or path-like
        Where the output goes.
    label : str, optional
        How messages name the output; default ``"cannot write '<dest>'"``.
    inputs : iterable of (description, path)
        The inputs of the same run; an output that is one of them is refused.
    allow_stdout : bool
        Whether ``"-"`` means standard output.

    Raises
    ------
    MentormatchError
        For an output that is an input, a folder, a disk device or socket, a
        read-only file, or a missing or read-only folder.
    """
    given = os.fspath(dest)
    label = label or f"cannot write {given!r}"
    if allow_stdout and given == STDOUT:
        return Output(given, "stdout", None, label=label)
    if not given or "\x00" in given:
        raise _fail(label, "give a file name for the output", given)
    try:
        info: os.stat_result | None = os.stat(given)
    except FileNotFoundError:
        info = None
    except NotADirectoryError:
        raise _fail(
            label,
            "a part of this path is a file, not a folder; choose another place",
            given,
        ) from None
    except OSError as exc:
        raise _fail(label, f"cannot look at it ({exc.strerror or exc})", given) from None
    if info is not None:
        same = _same_as_input(info, inputs)
        if same is not None:
            what, path = same
            raise _fail(
                label,
                f"it is the same file as an input of this command, {what} {path!r}; writing "
                "there would destroy it, so choose another name for the output",
                given,
            )
        mode = info.st_mode
        if stat.S_ISDIR(mode):
            raise _fail(
                label,
                f"this is a folder; give a file name, e.g. {os.path.join(given, 'output.csv')!r}",
                given,
            )
        if stat.S_ISBLK(mode) or stat.S_ISSOCK(mode):
            kind = "disk device" if stat.S_ISBLK(mode) else "socket"
            raise _fail(
                label, f"this is a {kind}, not a file; choose a file name for the output", given
            )
        if not stat.S_ISREG(mode):  # a named pipe, a terminal, /dev/null: written in place
            return Output(given, "in_place", given, label=label)
        if _through_proc(given):  # /dev/stdout redirected to a file: append, never truncate
            return Output(given, "in_place", given, append=True, label=label)
        if not os.access(given, os.W_OK):
            raise _fail(
                label,
                "the file is read-only; make it writable or choose another name",
                given,
            )
        return Output(given, "replace", os.path.realpath(given), label=label)
    path = os.path.realpath(given)
    folder = os.path.dirname(path)
    shown = os.path.dirname(given) if not os.path.islink(given) else folder
    shown = shown or "."
    if not os.path.isdir(folder):
        if os.path.exists(folder):
            raise _fail(label, f"{shown!r} is a file, not a folder; choose another place", given)
        raise _fail(
            label, f"the folder {shown!r} does not exist; create it or choose another folder", given
        )
    if not os.access(folder, os.W_OK | os.X_OK):
        raise _fail(
            label,
            f"the folder {shown!r} is read-only (no permission to create files there); "
            "choose another folder",
            given,
        )
    return Output(given, "replace", path, label=label)


def _cannot(output: Output, exc: BaseException) -> MentormatchError:
    if isinstance(exc, UnicodeError):
        reason = f"the text holds a character that cannot be encoded ({exc})"
    elif isinstance(exc, OSError):
        reason = exc.strerror or type(exc).__name__
        if exc.errno is not None and exc.errno in (13, 30):  # EACCES, EROFS
            folder = os.path.dirname(output.path or output.given) or "."
            reason += f" (the folder {folder!r} does not accept new files)"
    else:  # pragma: no cover - only OSError and UnicodeError are passed here
        reason = type(exc).__name__
    kept = "; nothing was changed" if output.kind == "replace" else ""
    return _fail(output.label, f"writing failed: {reason}{kept}", output.given)


def _fsync_folder(folder: str) -> None:
    with contextlib.suppress(OSError, AttributeError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _replace(output: Output, writer: Writer, encoding: str) -> None:
    path = output.path or output.given
    folder = os.path.dirname(path) or "."
    try:
        old: os.stat_result | None = os.stat(path)
    except OSError:
        old = None
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    tmp = ""
    fd = -1
    try:
        for _ in range(100):
            tmp = os.path.join(folder, f".{os.path.basename(path)}.{secrets.token_hex(6)}.tmp")
            try:
                fd = os.open(tmp, flags, 0o666)  # the umask applies, as for any new file
                break
            except FileExistsError:
                continue
        handle = os.fdopen(fd, "w", encoding=encoding, newline="")
        fd = -1
        with handle:
            writer(handle)
            handle.flush()
            os.fsync(handle.fileno())
        if old is not None:
            os.chmod(tmp, stat.S_IMODE(old.st_mode))
            with contextlib.suppress(OSError, AttributeError):
                os.chown(tmp, old.st_uid, old.st_gid)
        os.replace(tmp, path)
        tmp = ""
    except (OSError, UnicodeError) as exc:
        raise _cannot(output, exc) from None
    finally:
        if fd >= 0:
            os.close(fd)
        if tmp:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
    _fsync_folder(folder)


def write(
    output: Output,
    writer: Writer,
    encoding: str = "utf-8",
    stdout: IO[str] | None = None,
) -> None:
    """Write through ``writer(handle)`` to a checked output.

    Parameters
    ----------
    output : Output
        From :func:`resolve`.
    writer : callable
        Writes the whole text to the handle it is given.
    encoding : str
        For files (standard output keeps its own).
    stdout : text stream, optional
        Standard output, for ``output.kind == "stdout"`` (default ``sys.stdout``).
    """
    if output.kind != "replace":
        # a byte-order mark helps a spreadsheet open a file, not a pipe or a terminal
        encoding = encoding.replace("-sig", "")
    if output.kind == "stdout":
        import sys

        stream = stdout if stdout is not None else sys.stdout
        writer(stream)
        stream.flush()
        return
    if output.kind == "replace":
        path = output.path or output.given
        try:
            mode = os.stat(path).st_mode
        except OSError:
            mode = stat.S_IFREG
        if stat.S_ISREG(mode):
            _replace(output, writer, encoding)
            return
        output = resolve(output.given, label=output.label)  # it changed since it was checked
        if output.kind == "replace":  # pragma: no cover - a regular file again
            _replace(output, writer, encoding)
            return
    try:
        mode_text = "a" if output.append else "w"
        with open(output.path or output.given, mode_text, encoding=encoding, newline="") as handle:
            writer(handle)
    except (OSError, UnicodeError) as exc:
        raise _cannot(output, exc) from None


def write_path(
    dest: str | os.PathLike[str], writer: Writer, encoding: str = "utf-8", label: str | None = None
) -> None:
    """:func:`resolve` then :func:`write`: what every library writer does with a path."""
    write(resolve(dest, label=label), writer, encoding)
