"""A user's typed script (``tests/typing/user_script.py``) runs, and passes ``mypy --strict``.

The strict check also runs in CI (``.ci/run``). It uses the interpreter's own
Python version: the library is checked as Python 3.10, its oldest, but a
user's script runs on the interpreter at hand, with that interpreter's pandas
stubs (those of pandas 3 need Python 3.11).
"""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).parent / "typing" / "user_script.py"


def test_the_users_script_runs(capsys: pytest.CaptureFixture[str]) -> None:
    runpy.run_path(str(SCRIPT), run_name="__main__")
    out = capsys.readouterr().out
    assert "Mentoring programme: report as of 2025-06-30" in out
    assert "alpha" in out and "NPS" in out


@pytest.mark.slow  # over 2 s
def test_the_users_script_passes_mypy_strict() -> None:
    api = pytest.importorskip("mypy.api")
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    out, err, status = api.run(["--strict", "--python-version", version, str(SCRIPT)])
    assert status == 0, out + err
