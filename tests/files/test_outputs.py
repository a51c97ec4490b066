"""Outputs never cost an input, and writes are atomic (mentormatch._files.outputs and the CLI).

The classes tested, each for every command that writes a file:

* an output that is any input of the same command (the same path, a symbolic
  link to it, a hard link to it) is refused with exit 2 before any work, and
  the input is left byte for byte as it was;
* a path that is not a regular file is written in place (a named pipe,
  ``/dev/null``, ``/dev/stdout``) or refused (a folder); ``-`` is stdout;
* a missing or read-only folder, or a read-only file, gets a clear error
  naming it; the temporary file's name never appears in a message;
* a write is atomic: permissions kept, links kept, no temporary file left,
  and Ctrl-C (SIGINT) during a write leaves the old file whole, exit 130;
* the library writers follow the same rules.
"""

from __future__ import annotations

import io
import os
import signal
import stat
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import date
from pathlib import Path

import pytest

import mentormatch as mm
from mentormatch._files import outputs as _outputs
from mentormatch.io import write_results, write_signups
from mentormatch.kpis import load_demo_relationships, programme_report
from tests.cli.cli_files import BY_NAME, COMMANDS, GOOD, WRITERS, run, snapshot, workspace

SENTINEL = b"the previous output, which must survive\n"

REFUSALS = [(c, kind) for c in WRITERS for kind in c.inputs]


def _ids(cases: list[tuple[object, str]]) -> list[str]:
    return [f"{c.name}-o-{kind}" for c, kind in cases]  # type: ignore[attr-defined]


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    return workspace(tmp_path / "in")


@contextmanager
def reading(fifo: Path) -> Iterator[list[bytes]]:
    """Read ``fifo`` in a thread while the body writes to it; never hang if it does not."""
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
    reader.start()
    try:
        yield got
    finally:
        if reader.is_alive():  # nothing opened the pipe: open it once so the reader ends
            with suppress(OSError):
                os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        reader.join(timeout=60)


def _format_flag(command: object) -> list[str]:
    """kpis and plan take their format from the name; a pipe or device has none."""
    name = command.name  # type: ignore[attr-defined]
    return {"kpis": ["--format", "md"], "plan": ["--format", "ics"]}.get(name, [])


# ----------------------------------------------------------------------------- refusals


@pytest.mark.parametrize(("command", "kind"), REFUSALS, ids=_ids(REFUSALS))
@pytest.mark.parametrize("how", ["same path", "symlink", "hard link"])
def test_an_output_that_is_an_input_is_refused(
    tmp_path: Path, files: dict[str, Path], command: object, kind: str, how: str
) -> None:
    cmd = BY_NAME[command.name]  # type: ignore[attr-defined]
    target = files[kind]
    if how == "symlink":
        target = tmp_path / "in" / f"link-to-{target.name}"
        target.symlink_to(files[kind])
    elif how == "hard link":
        target = tmp_path / "in" / f"hard-{target.name}"
        os.link(files[kind], target)
    before = snapshot(tmp_path)
    code, out, err = run(cmd.args(files, target))
    assert code == 2, err
    assert "an input of this command" in err and "choose another name" in err
    assert files[kind].name in err and "Traceback" not in err
    assert out == ""
    assert snapshot(tmp_path) == before  # the input and everything else untouched


def test_refusal_happens_before_any_work(
    files: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_work(*args: object, **kwargs: object) -> None:
        raise AssertionError("the command read or matched before checking its output")

    monkeypatch.setattr("mentormatch.io.read_signups", no_work)
    monkeypatch.setattr("mentormatch.programme.read_programme", no_work)
    code, _, err = run(BY_NAME["match"].args(files, files["signups"]))
    assert code == 2 and "an input of this command" in err


def test_the_library_resolver_compares_files_not_names(tmp_path: Path) -> None:
    a = tmp_path / "a.csv"
    a.write_text("x")
    (tmp_path / "sub").mkdir()
    spelled = tmp_path / "sub" / ".." / "a.csv"
    with pytest.raises(mm.MentormatchError, match="same file as an input"):
        _outputs.resolve(spelled, inputs=[("the sign-ups", a)])
    assert _outputs.resolve(tmp_path / "b.csv", inputs=[("the sign-ups", a)]).kind == "replace"


# ----------------------------------------------------------------------------- special paths


@pytest.mark.parametrize("command", WRITERS, ids=[c.name for c in WRITERS])
def test_dash_is_standard_output(
    capsys: pytest.CaptureFixture[str],
    files: dict[str, Path],
    command: object,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    from mentormatch.cli import main

    monkeypatch.chdir(tmp_path)  # a file named '-' would land here, not in the project
    cmd = BY_NAME[command.name]  # type: ignore[attr-defined]
    before = snapshot(files["signups"].parent)
    code = main(cmd.args(files, "-"))
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert captured.out.strip(), "the output went to stdout"
    assert "wrote standard output" in captured.err.lower()  # status lines leave stdout alone
    assert "wrote" not in captured.out.lower()
    assert snapshot(files["signups"].parent) == before
    assert not Path("-").exists()


@pytest.mark.parametrize("command", WRITERS, ids=[c.name for c in WRITERS])
def test_a_named_pipe_is_written_in_place(
    tmp_path: Path, files: dict[str, Path], command: object
) -> None:
    cmd = BY_NAME[command.name]  # type: ignore[attr-defined]
    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    with reading(fifo) as got:
        code, _, err = run([*cmd.args(files, fifo), *_format_flag(cmd)])
    assert code == 0, err
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode), "the pipe was replaced by a file"
    assert got and got[0].strip()
    assert not got[0].startswith(b"\xef\xbb\xbf")  # no byte-order mark into a pipe
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in", "out.fifo"]


def _null_device(folder: Path) -> Path:
    """A device to write to: a private copy of /dev/null in ``folder`` when the tests may
    make one (as root), so that a regression replaces it and not the machine's; else
    /dev/null itself (which a process that is not root cannot replace)."""
    private = folder / "null"
    try:
        os.mknod(private, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    except (PermissionError, AttributeError, OSError):
        private = Path("/dev/null")
    if not stat.S_ISCHR(os.stat(private).st_mode):
        pytest.fail(f"{private} is not a device; restore it (mknod /dev/null c 1 3)")
    return private


@pytest.mark.parametrize("command", WRITERS, ids=[c.name for c in WRITERS])
def test_dev_null_is_written_in_place(
    tmp_path: Path, files: dict[str, Path], command: object
) -> None:
    cmd = BY_NAME[command.name]  # type: ignore[attr-defined]
    device = _null_device(tmp_path)
    before = os.stat(device)
    code, _, err = run([*cmd.args(files, device), *_format_flag(cmd)])
    assert code == 0, err
    after = os.stat(device)
    assert stat.S_ISCHR(after.st_mode) and after.st_ino == before.st_ino


@pytest.mark.skipif(not Path("/proc/self/fd/1").exists(), reason="needs /proc/self/fd")
def test_dev_stdout_redirected_to_a_file_is_appended_to_not_replaced(tmp_path: Path) -> None:
    files = workspace(tmp_path / "in")
    log = tmp_path / "log.txt"
    log.write_text("kept line\n")
    stdout = tmp_path / "stdout"  # what /dev/stdout is, in a folder a regression may harm
    stdout.symlink_to("/proc/self/fd/1")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src")}
    with open(log, "a") as handle:
        proc = subprocess.run(
            [sys.executable, "-m", "mentormatch", *BY_NAME["match"].args(files, stdout)],
            stdout=handle,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            timeout=120,
        )
    assert proc.returncode == 0, proc.stderr
    text = log.read_text(encoding="utf-8")
    assert text.startswith("kept line\n") and "mentee_id,mentor_id" in text
    assert stdout.is_symlink() and os.readlink(stdout) == "/proc/self/fd/1"


@pytest.mark.parametrize("command", WRITERS, ids=[c.name for c in WRITERS])
def test_a_folder_is_refused(tmp_path: Path, files: dict[str, Path], command: object) -> None:
    cmd = BY_NAME[command.name]  # type: ignore[attr-defined]
    folder = tmp_path / "reports"
    folder.mkdir()
    code, _, err = run(cmd.args(files, folder))
    assert code == 2 and "this is a folder; give a file name" in err and "reports" in err
    assert list(folder.iterdir()) == []


@pytest.mark.parametrize("command", WRITERS, ids=[c.name for c in WRITERS])
def test_a_missing_folder_is_named(tmp_path: Path, files: dict[str, Path], command: object) -> None:
    cmd = BY_NAME[command.name]  # type: ignore[attr-defined]
    code, _, err = run(cmd.args(files, tmp_path / "no-such" / f"out{cmd.output}"))
    assert code == 2
    assert f"the folder {str(tmp_path / 'no-such')!r} does not exist" in err
    assert not (tmp_path / "no-such").exists()


def test_a_file_in_place_of_a_folder_is_named(tmp_path: Path, files: dict[str, Path]) -> None:
    blocker = tmp_path / "notes.txt"
    blocker.write_text("x")
    code, _, err = run(BY_NAME["match"].args(files, blocker / "out.csv"))
    assert code == 2 and "is a file, not a folder" in err


def test_a_read_only_folder_is_named(
    tmp_path: Path, files: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    real_access = os.access
    monkeypatch.setattr(
        os, "access", lambda p, mode: False if Path(p) == folder else real_access(p, mode)
    )
    code, _, err = run(BY_NAME["match"].args(files, folder / "out.csv"))
    assert code == 2 and f"the folder {str(folder)!r} is read-only" in err


def test_a_read_only_file_is_refused(
    tmp_path: Path, files: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out.csv"
    target.write_bytes(SENTINEL)
    real_access = os.access
    monkeypatch.setattr(
        os, "access", lambda p, mode: False if Path(p) == target else real_access(p, mode)
    )
    code, _, err = run(BY_NAME["match"].args(files, target))
    assert code == 2 and "the file is read-only" in err
    assert target.read_bytes() == SENTINEL


@pytest.mark.parametrize("errno_", [13, 28, 30], ids=["EACCES", "ENOSPC", "EROFS"])
@pytest.mark.parametrize("step", ["open", "replace"])
def test_a_failing_write_never_shows_the_temporary_name(
    tmp_path: Path,
    files: dict[str, Path],
    monkeypatch: pytest.MonkeyPatch,
    errno_: int,
    step: str,
) -> None:
    target = tmp_path / "out.csv"
    target.write_bytes(SENTINEL)
    real = {"open": os.open, "replace": os.replace}[step]
    seen: list[str] = []

    def failing(*args: object, **kwargs: object) -> object:
        name = str(args[0])
        if name.endswith(".tmp"):
            seen.append(name)
            raise OSError(errno_, os.strerror(errno_), name)
        return real(*args, **kwargs)  # type: ignore[operator]

    monkeypatch.setattr(os, step, failing)
    code, out, err = run(BY_NAME["match"].args(files, target))
    assert code == 2 and seen
    assert ".tmp" not in err + out and Path(seen[0]).name not in err
    assert "-o" in err and "out.csv" in err and "nothing was changed" in err
    assert target.read_bytes() == SENTINEL
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in", "out.csv"]


# ----------------------------------------------------------------------------- atomic writes


@pytest.mark.parametrize("command", WRITERS, ids=[c.name for c in WRITERS])
def test_writes_keep_permissions_and_leave_no_temporary_file(
    tmp_path: Path, files: dict[str, Path], command: object
) -> None:
    cmd = BY_NAME[command.name]  # type: ignore[attr-defined]
    target = tmp_path / f"out{cmd.output}"
    target.write_bytes(SENTINEL)
    os.chmod(target, 0o640)
    code, _, err = run(cmd.args(files, target))
    assert code == 0, err
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o640
    assert target.read_bytes() != SENTINEL
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in", target.name]


def test_a_link_is_followed_and_kept(tmp_path: Path, files: dict[str, Path]) -> None:
    real = tmp_path / "real.csv"
    real.write_bytes(SENTINEL)
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    code, _, err = run(BY_NAME["match"].args(files, link))
    assert code == 0, err
    assert link.is_symlink() and real.read_text(encoding="utf-8-sig").startswith("mentee_id")


def test_new_files_follow_the_umask(tmp_path: Path, files: dict[str, Path]) -> None:
    old = os.umask(0o077)  # a private umask: people's data stays private
    try:
        code, _, err = run(BY_NAME["match"].args(files, tmp_path / "new.csv"))
    finally:
        os.umask(old)
    assert code == 0, err
    assert stat.S_IMODE(os.stat(tmp_path / "new.csv").st_mode) == 0o600


@pytest.mark.parametrize("command", WRITERS, ids=[c.name for c in WRITERS])
def test_ctrl_c_during_a_write_keeps_the_old_file_and_exits_130(
    tmp_path: Path, files: dict[str, Path], monkeypatch: pytest.MonkeyPatch, command: object
) -> None:
    cmd = BY_NAME[command.name]  # type: ignore[attr-defined]
    target = tmp_path / f"out{cmd.output}"
    target.write_bytes(SENTINEL)
    real_fsync = os.fsync

    def interrupted(fd: int) -> None:  # the text is in the temporary file, not yet in place
        signal.raise_signal(signal.SIGINT)
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", interrupted)
    code, _out, err = run(cmd.args(files, target))
    assert code == 130
    assert err.count("\n") == 1 and "interrupted" in err and "Traceback" not in err
    assert target.read_bytes() == SENTINEL
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in", target.name]


def test_ctrl_c_before_writing_writes_nothing(
    tmp_path: Path, files: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(mm.Matcher, "match", interrupted)
    code, _, err = run(BY_NAME["match"].args(files, tmp_path / "out.csv"))
    assert code == 130 and err.strip().count("\n") == 0
    assert not (tmp_path / "out.csv").exists()


# ----------------------------------------------------------------------------- library writers


def _result() -> mm.MatchResult:
    return mm.Matcher([mm.GoalOverlap()]).match(
        [mm.Mentee(id="e1", goals=["sql"])], [mm.Mentor(id="m1", goals=["sql"])]
    )


WRITERS_LIB = {
    "write_results": lambda dest: write_results(_result(), dest, format="json"),
    "write_signups": lambda dest: write_signups([mm.Mentee(id="e1")], [mm.Mentor(id="m1")], dest),
    "report.save_html": lambda dest: programme_report(
        load_demo_relationships(), as_of=date(2026, 3, 1)
    ).save_html(dest, plots=False),
    "report.to_csv": lambda dest: programme_report(
        load_demo_relationships(), as_of=date(2026, 3, 1)
    ).to_csv(dest),
}


@pytest.mark.parametrize("writer", list(WRITERS_LIB), ids=list(WRITERS_LIB))
def test_library_writers_write_a_pipe_in_place(tmp_path: Path, writer: str) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with reading(fifo) as got:
        WRITERS_LIB[writer](fifo)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode) and got and got[0]
    assert os.listdir(tmp_path) == ["pipe"]


@pytest.mark.parametrize("writer", list(WRITERS_LIB), ids=list(WRITERS_LIB))
def test_library_writers_refuse_a_folder_and_name_a_missing_one(
    tmp_path: Path, writer: str
) -> None:
    with pytest.raises(mm.MentormatchError, match="this is a folder"):
        WRITERS_LIB[writer](tmp_path)
    with pytest.raises(mm.MentormatchError, match=r"the folder '.*nope' does not exist"):
        WRITERS_LIB[writer](tmp_path / "nope" / "file.out")
    device = _null_device(tmp_path / "dev") if (tmp_path / "dev").mkdir() is None else None
    assert device is not None
    WRITERS_LIB[writer](device)  # a device: written in place, never replaced
    assert stat.S_ISCHR(os.stat(device).st_mode)
    assert os.listdir(tmp_path) == ["dev"]


def test_a_writer_that_fails_leaves_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_bytes(SENTINEL)

    def half(handle: io.TextIOBase) -> None:
        handle.write("half a file")
        raise mm.MentormatchError("the writer found a problem")

    with pytest.raises(mm.MentormatchError, match="the writer found a problem"):
        _outputs.write_path(target, half)  # type: ignore[arg-type]
    assert target.read_bytes() == SENTINEL and os.listdir(tmp_path) == ["out.csv"]


def test_text_that_cannot_be_encoded_is_an_error_not_a_crash(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    with pytest.raises(mm.MentormatchError, match="cannot be encoded"):
        _outputs.write_path(target, lambda h: h.write("lone \ud800 surrogate"))
    assert not target.exists() and os.listdir(tmp_path) == []


def test_every_command_that_writes_is_covered() -> None:
    """The list the tests above run over holds every command with an -o option."""
    import argparse

    from mentormatch.cli import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    with_output = {
        name for name, p in sub.choices.items() if any("-o" in a.option_strings for a in p._actions)
    }
    assert with_output == {c.argv[0] for c in WRITERS}
    assert {c.argv[0] for c in COMMANDS} | {"demo"} == set(sub.choices)
    assert set(GOOD) == {k for c in COMMANDS for k in c.inputs}


# ----------------------------------------------------------------------------- spreadsheet safety

FORMULAS = ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"]


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def _formula_cells(path: Path) -> list[str]:
    import csv

    with open(path, encoding="utf-8-sig", newline="") as handle:
        return [
            cell
            for row in csv.reader(handle)
            for cell in row
            if cell[:1] in ("=", "+", "-", "@", "\t", "\r") and not _is_number(cell)
        ]


def test_every_csv_the_command_writes_is_neutralised(tmp_path: Path) -> None:
    files = workspace(tmp_path / "in")
    rows = ["role,id,name,department,goals,location"]
    for k, evil in enumerate(FORMULAS):
        quoted = '"' + evil.replace('"', '""') + '"'
        rows.append(
            f'mentor,"{evil[:1]}m{k}",{quoted},{quoted},{quoted},{quoted}'.replace("\r", "")
        )
        rows.append(
            f'mentee,"{evil[:1]}e{k}",{quoted},{quoted},{quoted},{quoted}'.replace("\r", "")
        )
    files["signups"].write_text("\n".join(rows) + "\n")
    import csv

    with open(files["relationships"], "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["mentee_id", "mentor_id", "started", "status", "department"])
        for k in range(12):
            writer.writerow(
                [f"=e{k}", f"@m{k % 2}", f"2025-01-0{1 + k % 9}", "active", FORMULAS[k % 4]]
            )
    post = ["id,q1,q2,q3,q4,q5,q6,recommend"] + [f'"={k}",3,3,3,3,3,3,9' for k in range(5)]
    files["responses"].write_text("\n".join(post) + "\n")
    runs = {
        "match.csv": ["match", str(files["signups"])],
        "rematch.csv": ["rematch", str(files["signups"]), "--format", "csv"],
        "shortlist.csv": ["shortlist", str(files["signups"]), "-k", "2"],
        "kpis.csv": ["kpis", str(files["relationships"]), "--as-of", "2025-06-01", "--by",
                     "department", "--min-group-size", "3"],
        "survey.csv": ["survey", str(files["responses"]), "--instrument", str(files["instrument"])],
    }  # fmt: skip
    for name, argv in runs.items():
        target = tmp_path / name
        code, _, err = run([*argv, "-o", str(target)])
        assert code == 0, (name, err)
        text = target.read_text(encoding="utf-8-sig")
        assert "'=" in text or "'@" in text or "'+" in text, name  # data that needed it
        assert _formula_cells(target) == [], name


@pytest.mark.skipif(not Path("/proc/self/wchan").exists(), reason="needs Linux /proc")
def test_sigint_to_a_real_process_exits_130_with_one_line(tmp_path: Path) -> None:
    """A real Ctrl-C: the command waits to write into a pipe nobody reads yet."""
    import time

    files = workspace(tmp_path / "in")
    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "mentormatch", *BY_NAME["match"].args(files, fifo)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    wchan = Path(f"/proc/{proc.pid}/wchan")
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if "partner" in wchan.read_text() or "fifo" in wchan.read_text():
            break  # blocked opening the pipe: the output is about to be written
        time.sleep(0.05)
    else:
        proc.kill()
        pytest.fail("the command never reached the write")
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert err.count("\n") == 1 and "interrupted" in err and "Traceback" not in err
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_inputs_may_be_pipes(tmp_path: Path) -> None:
    """`--config <(...)` in a shell: an input that is a pipe is read like a file."""
    files = workspace(tmp_path / "in")
    for kind in ("signups", "programme"):
        fifo = tmp_path / f"{kind}.fifo"
        os.mkfifo(fifo)
        content = files[kind].read_bytes()
        writer = threading.Thread(target=lambda f=fifo, c=content: f.write_bytes(c), daemon=True)
        writer.start()
        files[kind] = fifo
    code, out, err = run(BY_NAME["match"].args(files))
    assert code == 0, err
    assert "Matched" in out
