"""Check the built sdist and wheel against the source tree they were built from.

Usage (from the repository root, after ``python -m build``)::

    python tools/check_dist.py dist

Both files must be in the folder, one of each. The wheel must hold every file
of ``src/mentormatch`` that git tracks (the modules, ``py.typed``, the demo
data) and nothing else beside its ``.dist-info``; the sdist must hold every
tracked file of the repository and no untracked one. Both must carry the
``LICENSE`` (byte for byte), the version in ``src/mentormatch/__init__.py``
and the metadata users and the package index rely on: the licence expression,
the project URLs, the extras the error messages name, the ``mentormatch``
command. Every problem is reported, one line each; exit status 0 when there
are none, 1 otherwise.

twine checks that the metadata is well formed and the README renders; this
checks that the right things are in the files.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tarfile
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import Message
from email.parser import BytesParser
from pathlib import Path, PurePosixPath

ROOT = Path(__file__).resolve().parents[1]
DIST_NAME = "mentormatch-engine"
PACKAGE = "mentormatch"

#: Files the package cannot work, or type-check, without: named so that a file
#: missing from the source tree and the wheel alike is still reported.
REQUIRED_IN_PACKAGE = (
    "__init__.py",
    "py.typed",
    "data/demo_signups.csv",
    "data/demo_relationships.csv",
)
#: The extras that install messages name (``pip install 'mentormatch-engine[fast]'``).
EXTRAS = ("pandas", "plot", "fast", "excel", "cli", "dev", "docs")
PROJECT_URLS = ("Homepage", "Documentation", "Source", "Issues", "Changelog")
ENTRY_POINT = "mentormatch = mentormatch.cli:main"


@dataclass(frozen=True)
class Source:
    """What the distribution files must contain, read from a checkout.

    Attributes
    ----------
    version : str
        ``__version__`` in ``src/mentormatch/__init__.py``.
    package_files : frozenset of str
        Paths relative to ``src/mentormatch`` (POSIX separators).
    tracked : frozenset of str
        Every file of the repository that git tracks, relative to its root.
    license : bytes
        The ``LICENSE`` file.
    """

    version: str
    package_files: frozenset[str]
    tracked: frozenset[str]
    license: bytes


def source_from_checkout(root: Path = ROOT) -> Source:
    """Read a git checkout: its version, tracked files and LICENSE."""
    init = (root / "src" / PACKAGE / "__init__.py").read_text(encoding="utf-8")
    found = re.search(r'^__version__ = "([^"]+)"', init, flags=re.MULTILINE)
    if found is None:
        raise SystemExit(f"{root}/src/{PACKAGE}/__init__.py: no __version__ line")
    listing = subprocess.run(
        ["git", "-C", str(root), "ls-files", "-z"], check=True, capture_output=True
    ).stdout.decode("utf-8")
    tracked = frozenset(p for p in listing.split("\0") if p and (root / p).is_file())
    prefix = f"src/{PACKAGE}/"
    package = frozenset(p[len(prefix) :] for p in tracked if p.startswith(prefix))
    return Source(
        version=found.group(1),
        package_files=package,
        tracked=tracked,
        license=(root / "LICENSE").read_bytes(),
    )


def _parse_metadata(raw: bytes) -> Message:
    return BytesParser().parsebytes(raw)


def check_metadata(meta: Message, src: Source, where: str) -> list[str]:
    """The fields the index shows and users rely on."""
    problems = []

    def need(field: str, expected: str) -> None:
        got = meta.get(field)
        if got != expected:
            problems.append(f"{where}: {field} is {got!r}, expected {expected!r}")

    need("Name", DIST_NAME)
    need("Version", src.version)
    need("License-Expression", "MIT")
    need("Requires-Python", ">=3.10")
    if "LICENSE" not in meta.get_all("License-File", []):
        problems.append(f"{where}: no 'License-File: LICENSE'")
    classifiers = meta.get_all("Classifier", [])
    for c in classifiers:
        if c.startswith("License ::"):
            problems.append(
                f"{where}: classifier {c!r}: with License-Expression the licence "
                "classifiers are deprecated (PEP 639); remove it"
            )
    for minor in range(10, 14):
        c = f"Programming Language :: Python :: 3.{minor}"
        if c not in classifiers:
            problems.append(f"{where}: classifier {c!r} missing")
    if "Typing :: Typed" not in classifiers:
        problems.append(f"{where}: classifier 'Typing :: Typed' missing (py.typed ships)")
    urls = {u.split(",", 1)[0].strip() for u in meta.get_all("Project-URL", [])}
    problems += [f"{where}: Project-URL {u!r} missing" for u in PROJECT_URLS if u not in urls]
    extras = set(meta.get_all("Provides-Extra", []))
    problems += [f"{where}: extra {e!r} missing" for e in EXTRAS if e not in extras]
    if meta.get("Description-Content-Type") != "text/markdown":
        problems.append(f"{where}: the README is not declared as text/markdown")
    return problems


def _junk(name: str) -> bool:
    parts = PurePosixPath(name).parts
    return (
        name.endswith((".pyc", ".pyo"))
        or "__pycache__" in parts
        or any(p in {".venv", ".git", ".mypy_cache", ".ruff_cache", ".hypothesis"} for p in parts)
    )


def check_wheel(path: Path, src: Source) -> list[str]:
    """Problems with one wheel, each a line naming the file and the fix."""
    where = path.name
    problems: list[str] = []
    with zipfile.ZipFile(path) as zf:
        names = [i.filename for i in zf.infolist() if not i.is_dir()]
        info = f"{DIST_NAME.replace('-', '_')}-{src.version}.dist-info/"
        pkg = f"{PACKAGE}/"
        shipped = {n[len(pkg) :] for n in names if n.startswith(pkg)}
        for rel in REQUIRED_IN_PACKAGE:
            if rel not in shipped:
                problems.append(f"{where}: {pkg}{rel} missing")
        for rel in sorted(src.package_files - shipped - set(REQUIRED_IN_PACKAGE)):
            problems.append(f"{where}: {pkg}{rel} missing (tracked in src/{PACKAGE})")
        for rel in sorted(shipped - src.package_files):
            problems.append(f"{where}: {pkg}{rel} is not a tracked source file")
        for n in sorted(names):
            if not n.startswith((pkg, info)):
                problems.append(f"{where}: {n} is outside {pkg} and {info}")
        problems += [f"{where}: {n} should not ship" for n in sorted(names) if _junk(n)]
        if info + "METADATA" not in names:
            return [*problems, f"{where}: {info}METADATA missing (wrong version in the name?)"]
        lic = info + "licenses/LICENSE"
        if lic not in names:
            problems.append(f"{where}: {lic} missing")
        elif zf.read(lic) != src.license:
            problems.append(f"{where}: {lic} differs from LICENSE")
        problems += check_metadata(_parse_metadata(zf.read(info + "METADATA")), src, where)
        entry = (
            zf.read(info + "entry_points.txt").decode()
            if info + "entry_points.txt" in names
            else ""
        )
        section = entry.split("[console_scripts]", 1)[-1].split("[", 1)[0]
        if "[console_scripts]" not in entry or ENTRY_POINT not in section.splitlines():
            problems.append(f"{where}: console script {ENTRY_POINT!r} missing")
        record = info + "RECORD"
        if record in names:
            listed = {line.split(",", 1)[0] for line in zf.read(record).decode().splitlines()}
            problems += [
                f"{where}: {n} is not listed in RECORD"
                for n in sorted(names)
                if n != record and n not in listed
            ]
        else:
            problems.append(f"{where}: {record} missing")
    return problems


def check_sdist(path: Path, src: Source) -> list[str]:
    """Problems with one sdist, each a line naming the file and the fix."""
    where = path.name
    top = f"{DIST_NAME.replace('-', '_')}-{src.version}/"
    problems: list[str] = []
    with tarfile.open(path, "r:gz") as tf:
        members = {m.name: m for m in tf.getmembers() if m.isfile()}
        outside = sorted(n for n in members if not n.startswith(top))
        problems += [f"{where}: {n} is outside {top}" for n in outside]
        shipped = {n[len(top) :] for n in members if n.startswith(top)}
        required = {f"src/{PACKAGE}/{rel}" for rel in REQUIRED_IN_PACKAGE}
        required |= {"LICENSE", "README.md", "CHANGELOG.md", "pyproject.toml"}
        for rel in sorted(required - shipped):
            problems.append(f"{where}: {rel} missing")
        for rel in sorted(src.tracked - shipped - required):
            problems.append(f"{where}: {rel} missing (tracked by git)")
        for rel in sorted(shipped - src.tracked - {"PKG-INFO"}):
            problems.append(f"{where}: {rel} is not tracked by git (build from a clean checkout)")
        problems += [f"{where}: {n} should not ship" for n in sorted(members) if _junk(n)]
        lic = members.get(top + "LICENSE")
        if lic is not None:
            data = tf.extractfile(lic)
            if data is None or data.read() != src.license:
                problems.append(f"{where}: LICENSE differs from the checkout's")
        pkg_info = members.get(top + "PKG-INFO")
        if pkg_info is None:
            problems.append(f"{where}: PKG-INFO missing")
        else:
            data = tf.extractfile(pkg_info)
            raw = data.read() if data is not None else b""
            problems += check_metadata(_parse_metadata(raw), src, where)
    return problems


def check_folder(folder: Path, src: Source) -> list[str]:
    """Check the one wheel and the one sdist in ``folder``."""
    wheels = sorted(folder.glob("*.whl"))
    sdists = sorted(folder.glob("*.tar.gz"))
    problems = []
    if len(wheels) != 1:
        problems.append(f"{folder}: expected one wheel, found {len(wheels)}")
    if len(sdists) != 1:
        problems.append(f"{folder}: expected one sdist, found {len(sdists)}")
    for w in wheels:
        problems += check_wheel(w, src)
    for s in sdists:
        problems += check_sdist(s, src)
    return problems


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="the folder python -m build wrote to")
    args = parser.parse_args(argv)
    src = source_from_checkout()
    problems = check_folder(args.folder, src)
    for line in problems:
        print(line, file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s) in {args.folder}", file=sys.stderr)
        return 1
    print(
        f"{args.folder}: wheel and sdist of {DIST_NAME} {src.version} complete "
        f"({len(src.package_files)} package files, {len(src.tracked)} tracked files, LICENSE)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
