"""--quiet, --verbose and --progress on every command; library warnings about files
as one clean note; progress only on stderr."""

from __future__ import annotations

import io
import logging
from pathlib import Path

import pytest

from mentormatch.cli import build_parser
from mentormatch.cli._console import TERMINAL, Terminal, _Progress
from tests.cli.test_cli import EXAMPLE
from tests.cli.test_cli import run as _run

CP1252 = "role,id,name\nmentor,m1,Jos\xe9\nmentee,e1,Zo\xeb\n".encode("cp1252")


def test_every_command_takes_quiet_verbose_and_progress() -> None:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    for name, command in sub.choices.items():  # type: ignore[attr-defined]
        dests = {a.dest for a in command._actions}
        assert {"quiet", "verbose", "progress"} <= dests, name


def test_a_cp1252_file_is_one_note_on_stderr(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "signups.csv"
    path.write_bytes(CP1252)
    code, out, err = _run(capsys, "match", str(path))
    assert code == 0 and "Jos\xe9" in out
    (line,) = err.splitlines()
    assert line.startswith("note: ") and "signups.csv is not UTF-8" in line
    assert "Windows-1252" in line and "Warning" not in line
    code, out2, err = _run(capsys, "match", str(path), "--quiet")
    assert code == 0 and err == "" and out2 == out


def test_verbose_logs_the_library_phases_on_stderr_and_changes_no_output(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, plain, _ = _run(capsys, "match", str(EXAMPLE))
    code2, out, err = _run(capsys, "--verbose", "match", str(EXAMPLE))
    assert code == code2 == 0 and out == plain
    assert "[io.signups]: read 4 mentees and 4 mentors" in err
    assert "[matching]: matching 4 mentees with 4 mentors (5 places), dense solver" in err
    assert "Eva" not in err  # counts and phases, never a person's data
    assert logging.getLogger("mentormatch").handlers == []  # removed after the run
    code, _, err = _run(capsys, "match", str(EXAMPLE), "-q", "-v")
    assert code == 2 and "not allowed with argument" in err


def test_progress_goes_to_stderr_only_and_only_when_asked(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_Progress, "DELAY", 0.0)
    code, plain, err = _run(capsys, "match", str(EXAMPLE))
    assert code == 0 and err == ""  # stderr is not a terminal: no progress
    code, out, err = _run(capsys, "match", str(EXAMPLE), "--progress")
    assert code == 0 and out == plain
    assert "scoring" in err and "matching 4 mentees" in err
    code, out, err = _run(capsys, "match", str(EXAMPLE), "--progress", "--quiet")
    assert out == plain and err == ""


def _bars(monkeypatch: pytest.MonkeyPatch, calls: list[tuple[str, int, int]]) -> str:
    """What the progress bars write for these ``phase(name, done, total)`` calls (``--progress``)."""
    pytest.importorskip("tqdm")
    monkeypatch.setattr(_Progress, "DELAY", 0.0)
    stream = io.StringIO()
    token = TERMINAL.set(Terminal(progress=True))
    try:
        progress = _Progress(stream)
        for call in calls:
            progress.phase(*call)
        progress.done()
    finally:
        TERMINAL.reset(token)
    return stream.getvalue()


def test_progress_bars_follow_the_matchers_phases(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = [("pricing", done, 100) for done in (10, 50, 100)]
    text = _bars(monkeypatch, [*calls, ("explaining", 100, 100)])
    assert "pricing:" in text and "/100 [" in text and "explaining:" in text
    silent = io.StringIO()
    _Progress(silent).phase("pricing", 1, 2)  # not a terminal, not asked: nothing
    assert silent.getvalue() == ""


def test_the_large_paths_pricing_rounds_get_a_bar_each(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = [("scoring", 400, 800), ("scoring", 800, 800)]
    for total in (300, 40):  # two rounds of pricing, each counting its blocks from 0
        calls += [("pricing", total // 2, total), ("pricing", total, total)]
    text = _bars(monkeypatch, [*calls, ("solving", 1, 1)])
    assert "scoring:" in text and "/800 [" in text
    assert "pricing:" in text and "/300 [" in text
    assert "pricing, pass 2:" in text and "/40 [" in text
    assert "<" in text  # tqdm's time left


def test_match_on_the_large_path_shows_its_phases_and_quiet_hides_them(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("tqdm")
    from mentormatch import matching

    monkeypatch.setattr(_Progress, "DELAY", 0.0)
    monkeypatch.setattr(matching, "DENSE_LIMIT", 0)  # every programme takes the large path
    code, plain, err = _run(capsys, "match", str(EXAMPLE), "--progress")
    assert code == 0
    assert "scoring:" in err and "solving:" in err
    code, _, err = _run(capsys, "--verbose", "match", str(EXAMPLE))
    assert "sparse solver" in err and "large path:" in err
    code, out, err = _run(capsys, "match", str(EXAMPLE), "--progress", "--quiet")
    assert code == 0 and out == plain and err == ""
