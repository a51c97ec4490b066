"""tools/check_dist.py: a good wheel and sdist pass, and every kind of gap is named.

The distribution files here are built by hand in a temporary folder (a real
``python -m build`` runs in ``.ci/run``), so each test changes exactly one
thing in an otherwise complete file and checks that the problem is reported.
"""

from __future__ import annotations

import importlib.util
import io
import shutil
import sys
import tarfile
import zipfile
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _load_tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("check_dist", ROOT / "tools" / "check_dist.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["check_dist"] = module  # dataclasses look the module up by name
    spec.loader.exec_module(module)
    return module


cd = _load_tool()

VERSION = "1.2.3"
LICENSE = b"MIT License\n\nCopyright (c) 2026 mentormatch developers\n"
PACKAGE_FILES = frozenset(
    {
        "__init__.py",
        "py.typed",
        "io.py",
        "criteria/__init__.py",
        "data/demo_signups.csv",
        "data/demo_relationships.csv",
    }
)
TRACKED = frozenset(
    {f"src/mentormatch/{p}" for p in PACKAGE_FILES}
    | {"LICENSE", "README.md", "CHANGELOG.md", "pyproject.toml", "tests/test_io.py", "docs/conf.py"}
)
SRC = cd.Source(version=VERSION, package_files=PACKAGE_FILES, tracked=TRACKED, license=LICENSE)
INFO = f"mentormatch_engine-{VERSION}.dist-info/"
TOP = f"mentormatch_engine-{VERSION}/"

METADATA_LINES = [
    "Metadata-Version: 2.4",
    "Name: mentormatch-engine",
    f"Version: {VERSION}",
    "Project-URL: Homepage, https://example.org",
    "Project-URL: Documentation, https://example.org/docs",
    "Project-URL: Source, https://example.org/src",
    "Project-URL: Issues, https://example.org/issues",
    "Project-URL: Changelog, https://example.org/changes",
    "License-Expression: MIT",
    "License-File: LICENSE",
    "Classifier: Programming Language :: Python :: 3.10",
    "Classifier: Programming Language :: Python :: 3.11",
    "Classifier: Programming Language :: Python :: 3.12",
    "Classifier: Programming Language :: Python :: 3.13",
    "Classifier: Typing :: Typed",
    "Requires-Python: >=3.10",
    "Provides-Extra: cli",
    "Provides-Extra: dev",
    "Provides-Extra: docs",
    "Provides-Extra: excel",
    "Provides-Extra: fast",
    "Provides-Extra: pandas",
    "Provides-Extra: plot",
    "Description-Content-Type: text/markdown",
]


def _metadata(lines: list[str]) -> bytes:
    return ("\n".join(lines) + "\n\n# mentormatch\n").encode()


def good_wheel() -> dict[str, bytes]:
    files = {f"mentormatch/{p}": b"# code\n" for p in PACKAGE_FILES}
    files[INFO + "METADATA"] = _metadata(METADATA_LINES)
    files[INFO + "WHEEL"] = b"Wheel-Version: 1.0\n"
    files[INFO + "entry_points.txt"] = b"[console_scripts]\nmentormatch = mentormatch.cli:main\n"
    files[INFO + "licenses/LICENSE"] = LICENSE
    return files


def good_sdist() -> dict[str, bytes]:
    files = {TOP + p: b"text\n" for p in TRACKED}
    files[TOP + "LICENSE"] = LICENSE
    files[TOP + "PKG-INFO"] = _metadata(METADATA_LINES)
    return files


def write_wheel(folder: Path, files: dict[str, bytes], *, record: bool = True) -> Path:
    path = folder / f"mentormatch_engine-{VERSION}-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)
        if record:
            listing = "".join(f"{n},,\n" for n in files) + f"{INFO}RECORD,,\n"
            zf.writestr(INFO + "RECORD", listing)
    return path


def write_sdist(folder: Path, files: dict[str, bytes]) -> Path:
    path = folder / f"mentormatch_engine-{VERSION}.tar.gz"
    with tarfile.open(path, "w:gz") as tf:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    return path


def _without(*names: str) -> Callable[[dict[str, bytes]], None]:
    def change(files: dict[str, bytes]) -> None:
        for n in names:
            del files[n]

    return change


def _with(name: str, data: bytes = b"x") -> Callable[[dict[str, bytes]], None]:
    def change(files: dict[str, bytes]) -> None:
        files[name] = data

    return change


def _metadata_change(
    key: str, drop: str | None = None, add: str | None = None
) -> Callable[[dict[str, bytes]], None]:
    def change(files: dict[str, bytes]) -> None:
        lines = [line for line in METADATA_LINES if line != drop]
        if add is not None:
            lines.append(add)
        files[key] = _metadata(lines)

    return change


def test_complete_files_pass(tmp_path: Path) -> None:
    write_wheel(tmp_path, good_wheel())
    write_sdist(tmp_path, good_sdist())
    assert cd.check_folder(tmp_path, SRC) == []


WHEEL_GAPS = [
    ("no py.typed", _without("mentormatch/py.typed"), "mentormatch/py.typed missing"),
    (
        "no demo sign-ups",
        _without("mentormatch/data/demo_signups.csv"),
        "mentormatch/data/demo_signups.csv missing",
    ),
    ("a module left out", _without("mentormatch/io.py"), "mentormatch/io.py missing (tracked"),
    ("no LICENSE", _without(INFO + "licenses/LICENSE"), "licenses/LICENSE missing"),
    ("another LICENSE", _with(INFO + "licenses/LICENSE", b"Apache"), "differs from LICENSE"),
    (
        "bytecode",
        _with("mentormatch/__pycache__/io.cpython-311.pyc"),
        "io.cpython-311.pyc should not ship",
    ),
    ("an untracked module", _with("mentormatch/scratch.py"), "scratch.py is not a tracked"),
    ("tests as a package", _with("tests/__init__.py"), "tests/__init__.py is outside"),
    (
        "wrong version",
        _metadata_change(INFO + "METADATA", f"Version: {VERSION}", "Version: 0.0.9"),
        "Version is '0.0.9', expected '1.2.3'",
    ),
    (
        "licence classifier",
        _metadata_change(
            INFO + "METADATA", None, "Classifier: License :: OSI Approved :: MIT License"
        ),
        "deprecated (PEP 639)",
    ),
    (
        "no licence expression",
        _metadata_change(INFO + "METADATA", "License-Expression: MIT"),
        "License-Expression is None",
    ),
    (
        "no License-File",
        _metadata_change(INFO + "METADATA", "License-File: LICENSE"),
        "no 'License-File: LICENSE'",
    ),
    (
        "no changelog URL",
        _metadata_change(INFO + "METADATA", "Project-URL: Changelog, https://example.org/changes"),
        "Project-URL 'Changelog' missing",
    ),
    (
        "no fast extra",
        _metadata_change(INFO + "METADATA", "Provides-Extra: fast"),
        "extra 'fast' missing",
    ),
    (
        "a Python version left out",
        _metadata_change(INFO + "METADATA", "Classifier: Programming Language :: Python :: 3.13"),
        "'Programming Language :: Python :: 3.13' missing",
    ),
    (
        "no Typing classifier",
        _metadata_change(INFO + "METADATA", "Classifier: Typing :: Typed"),
        "'Typing :: Typed' missing",
    ),
    (
        "README not markdown",
        _metadata_change(INFO + "METADATA", "Description-Content-Type: text/markdown"),
        "not declared as text/markdown",
    ),
    ("no command", _without(INFO + "entry_points.txt"), "console script"),
    (
        "another command",
        _with(INFO + "entry_points.txt", b"[console_scripts]\nmm = mentormatch.cli:main\n"),
        "console script",
    ),
    ("no METADATA", _without(INFO + "METADATA"), "METADATA missing"),
]


@pytest.mark.parametrize(
    ("change", "expected"), [(c, e) for _, c, e in WHEEL_GAPS], ids=[i for i, _, _ in WHEEL_GAPS]
)
def test_wheel_gap_is_named(
    tmp_path: Path, change: Callable[[dict[str, bytes]], None], expected: str
) -> None:
    files = good_wheel()
    change(files)
    problems = cd.check_wheel(write_wheel(tmp_path, files), SRC)
    assert any(expected in p for p in problems), problems


def test_wheel_without_record_is_named(tmp_path: Path) -> None:
    problems = cd.check_wheel(write_wheel(tmp_path, good_wheel(), record=False), SRC)
    assert any("RECORD missing" in p for p in problems), problems


SDIST_GAPS = [
    ("no LICENSE", _without(TOP + "LICENSE"), ": LICENSE missing"),
    ("another LICENSE", _with(TOP + "LICENSE", b"GPL"), "LICENSE differs"),
    ("no py.typed", _without(TOP + "src/mentormatch/py.typed"), "mentormatch/py.typed missing"),
    (
        "no demo data",
        _without(TOP + "src/mentormatch/data/demo_relationships.csv"),
        "demo_relationships.csv missing",
    ),
    ("a tracked test left out", _without(TOP + "tests/test_io.py"), "tests/test_io.py missing"),
    ("an untracked file", _with(TOP + "notes.txt"), "notes.txt is not tracked by git"),
    ("a virtual environment", _with(TOP + ".venv/bin/python"), ".venv/bin/python should not ship"),
    ("outside the top folder", _with("elsewhere/setup.py"), "elsewhere/setup.py is outside"),
    ("no PKG-INFO", _without(TOP + "PKG-INFO"), "PKG-INFO missing"),
    (
        "PKG-INFO of another version",
        _metadata_change(TOP + "PKG-INFO", f"Version: {VERSION}", "Version: 2.0.0"),
        "Version is '2.0.0'",
    ),
]


@pytest.mark.parametrize(
    ("change", "expected"), [(c, e) for _, c, e in SDIST_GAPS], ids=[i for i, _, _ in SDIST_GAPS]
)
def test_sdist_gap_is_named(
    tmp_path: Path, change: Callable[[dict[str, bytes]], None], expected: str
) -> None:
    files = good_sdist()
    change(files)
    problems = cd.check_sdist(write_sdist(tmp_path, files), SRC)
    assert any(expected in p for p in problems), problems


@pytest.mark.parametrize(("wheels", "sdists"), [(0, 1), (1, 0), (2, 1), (1, 2)])
def test_folder_needs_one_of_each(tmp_path: Path, wheels: int, sdists: int) -> None:
    if wheels:
        wheel = write_wheel(tmp_path, good_wheel())
        for i in range(1, wheels):
            (tmp_path / f"copy{i}-{wheel.name}").write_bytes(wheel.read_bytes())
    if sdists:
        sdist = write_sdist(tmp_path, good_sdist())
        for i in range(1, sdists):
            (tmp_path / f"copy{i}-{sdist.name}").write_bytes(sdist.read_bytes())
    problems = cd.check_folder(tmp_path, SRC)
    kind = "wheel" if wheels != 1 else "sdist"
    found = wheels if wheels != 1 else sdists
    assert f"expected one {kind}, found {found}" in "\n".join(problems), problems


def test_source_of_this_checkout() -> None:
    import mentormatch

    if not (ROOT / ".git").exists() or shutil.which("git") is None:
        pytest.skip("not a git checkout (an unpacked sdist, say): nothing to compare with")
    src = cd.source_from_checkout(ROOT)
    assert src.version == mentormatch.__version__
    assert {"py.typed", "data/demo_signups.csv", "data/demo_relationships.csv"} <= src.package_files
    assert "LICENSE" in src.tracked
    assert src.license == (ROOT / "LICENSE").read_bytes()


@pytest.mark.parametrize(
    "rel", ["py.typed", "data/demo_signups.csv", "data/demo_relationships.csv"]
)
def test_required_file_missing_from_the_source_too(tmp_path: Path, rel: str) -> None:
    """A file deleted from src/ is gone from the wheel as well: still reported."""
    src = cd.Source(
        version=VERSION,
        package_files=PACKAGE_FILES - {rel},
        tracked=TRACKED - {f"src/mentormatch/{rel}"},
        license=LICENSE,
    )
    wheel = good_wheel()
    del wheel[f"mentormatch/{rel}"]
    sdist = good_sdist()
    del sdist[f"{TOP}src/mentormatch/{rel}"]
    assert f"mentormatch/{rel} missing" in "\n".join(
        cd.check_wheel(write_wheel(tmp_path, wheel), src)
    )
    assert f"src/mentormatch/{rel} missing" in "\n".join(
        cd.check_sdist(write_sdist(tmp_path, sdist), src)
    )
