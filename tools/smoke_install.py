"""Install the built wheel into fresh virtual environments and use it.

Usage (from the repository root, after ``python -m build``)::

    python tools/smoke_install.py dist                           # a venv per extra: none, pandas, plot, fast, excel
    python tools/smoke_install.py dist --extras none,plot        # a subset
    python tools/smoke_install.py dist --other-pythons 3.10,3.13 # and the bare wheel on these Pythons

For each extra, a new venv gets ``pip install 'WHEEL[EXTRA]'`` and then runs
this same file inside it (``--inside EXTRA``), from a temporary folder and in
isolated mode (``python -I``), so what is tested is the installed package:
its modules, ``py.typed``, the demo data read through ``importlib.resources``,
the ``mentormatch`` command. Inside, it checks that the package comes from the
venv and not from this checkout, then runs the demo, reads and matches the
packaged sign-ups through the command line, and checks what the extra brings:

- none: pandas, matplotlib, OR-Tools and openpyxl are absent, and each feature
  that needs one says which extra to install (``mentormatch-engine[pandas]`` ...);
- pandas: ``MatchResult.to_dataframe()``;
- plot: the KPI report carries its plots;
- fast: the sparse path on OR-Tools reaches the dense path's answer;
- excel: the demo relationships saved as ``.xlsx`` read back the same.

The venvs are made without pip and filled by this interpreter's pip
(``pip --python VENV``) without byte-compiling, which halves the install time;
pip's cache serves every download after the first on a machine. With
``--other-pythons``, each version that is found (on PATH, or built by pyenv)
gets the wheel without extras and the same checks; a version not found is
reported as skipped. Exit status 0 when every venv passed; each step prints
how long it took.
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

EXTRAS = ("none", "pandas", "plot", "fast", "excel", "cli")
DIST_NAME = "mentormatch-engine"


# --------------------------------------------------------------------------- outside


def _run(cmd: Sequence[str], *, cwd: Path, env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, env=env, text=True, capture_output=True)
    if done.returncode != 0:
        sys.stdout.write(done.stdout)
        sys.stderr.write(done.stderr)
        raise SystemExit(f"failed ({done.returncode}): {' '.join(cmd)}")
    return time.perf_counter() - t0


def smoke(wheel: Path, extra: str, python: str, work: Path) -> None:
    """One fresh venv: install the wheel with ``extra``, then check it from inside.

    The venv is made without pip (``ensurepip`` costs seconds per venv); this
    interpreter's pip installs into it with ``pip --python``, and pip's cache
    serves every download after the first.
    """
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV"}}
    venv = work / f"venv-{extra}"  # removed after its checks, so names may repeat
    t_venv = _run([python, "-m", "venv", "--without-pip", str(venv)], cwd=work, env=env)
    py = venv / ("Scripts" if os.name == "nt" else "bin") / "python"
    spec = str(wheel) if extra == "none" else f"{wheel}[{extra}]"
    pip = [sys.executable, "-m", "pip", "--python", str(py), "install", "--quiet", "--no-compile"]
    t_pip = _run([*pip, spec], cwd=work, env=env)
    here = str(Path(__file__).resolve())
    t_check = _run([str(py), "-I", here, "--inside", extra], cwd=work, env=env)
    version = subprocess.run(
        [str(py), "-c", "import platform; print(platform.python_version())"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    t0 = time.perf_counter()
    shutil.rmtree(venv)
    t_rm = time.perf_counter() - t0
    print(
        f"[{extra}] Python {version}: venv {t_venv:.1f} s, install {t_pip:.1f} s, "
        f"checks {t_check:.1f} s, removal {t_rm:.1f} s: ok",
        flush=True,
    )


def find_python(version: str) -> str | None:
    """An interpreter of ``version`` (``"3.12"``) that runs: on PATH, or one pyenv built."""
    wanted = tuple(int(p) for p in version.split("."))
    candidates = [shutil.which(f"python{version}")]
    pyenv_root = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv"))
    candidates += [str(p) for p in sorted(pyenv_root.glob(f"versions/{version}.*/bin/python3"))]
    for c in candidates:
        if c is None:
            continue
        probe = subprocess.run(
            [c, "-c", "import sys; print(*sys.version_info[:2])"], capture_output=True, text=True
        )
        if probe.returncode == 0 and tuple(map(int, probe.stdout.split())) == wanted:
            return c
    return None


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dist", nargs="?", type=Path, help="the folder holding the wheel")
    parser.add_argument(
        "--extras", default=",".join(EXTRAS), help="comma-separated; 'none' = no extra"
    )
    parser.add_argument(
        "--python", default=sys.executable, help="the interpreter to make venvs with"
    )
    parser.add_argument(
        "--other-pythons",
        default="",
        metavar="3.X,...",
        help="also install the wheel (no extra) with these Python versions, where found",
    )
    parser.add_argument("--inside", choices=EXTRAS, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.inside is not None:
        return inside(args.inside)
    if args.dist is None:
        parser.error("give the folder holding the wheel (python -m build writes dist/)")
    wheels = sorted(args.dist.resolve().glob("*.whl"))
    if len(wheels) != 1:
        parser.error(f"{args.dist}: expected one wheel, found {len(wheels)}")
    extras = [e.strip() for e in args.extras.split(",") if e.strip()]
    unknown = sorted(set(extras) - set(EXTRAS))
    if unknown:
        parser.error(f"unknown extra(s) {unknown}; choose from {list(EXTRAS)}")
    runs = [(extra, args.python) for extra in extras]
    for version in (v.strip() for v in args.other_pythons.split(",") if v.strip()):
        found = find_python(version)
        if found is None:
            print(f"[none] Python {version}: SKIPPED, no python{version} on this machine")
        else:
            runs.append(("none", found))
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="mentormatch-smoke-") as tmp:
        for extra, python in runs:
            smoke(wheels[0], extra, python, Path(tmp))
    elapsed = time.perf_counter() - t0
    print(f"{wheels[0].name}: {len(runs)} fresh install(s) passed in {elapsed:.1f} s")
    return 0


# --------------------------------------------------------------------------- inside


def _check(ok: bool, what: str) -> None:
    if not ok:
        raise SystemExit(f"smoke check failed: {what}")


def _absent(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is None


def inside(extra: str) -> int:
    """The checks, run by the venv's own interpreter from a folder outside the checkout."""
    import importlib.metadata
    import importlib.resources

    import mentormatch as mm
    from mentormatch import kpis

    checkout = Path(__file__).resolve().parents[1]
    where = Path(mm.__file__).resolve()
    _check(where.is_relative_to(Path(sys.prefix).resolve()), f"mentormatch imported from {where}")
    _check(not where.is_relative_to(checkout), f"mentormatch imported from the checkout: {where}")

    dist = importlib.metadata.distribution(DIST_NAME)
    _check(dist.version == mm.__version__, f"version {dist.version} != {mm.__version__}")
    _check(dist.metadata["License-Expression"] == "MIT", "License-Expression")
    shipped = {str(f) for f in dist.files or ()}
    _check("mentormatch/py.typed" in shipped, "py.typed not installed")
    _check(any(f.endswith("licenses/LICENSE") for f in shipped), "LICENSE not installed")

    package = importlib.resources.files("mentormatch")
    _check(package.joinpath("py.typed").is_file(), "py.typed not readable as a resource")
    mentees, mentors = mm.load_demo()
    _check(len(mentees) > 0 and len(mentors) > 0, "the demo programme is empty")
    relationships = kpis.load_demo_relationships()
    _check(len(relationships) > 0, "the demo relationships are empty")

    matcher = mm.presets.career_guidance()
    result = matcher.match(mentees, mentors)
    _check(len(result.matches) + len(result.unmatched) == len(mentees), "a mentee went missing")

    bindir = Path(sys.executable).parent
    command = str(bindir / ("mentormatch.exe" if os.name == "nt" else "mentormatch"))
    demo = subprocess.run([command, "demo"], capture_output=True, text=True, check=True).stdout
    expected = f"Matched {len(result.matches)} of {len(mentees)} mentees"
    _check(expected in demo, f"`mentormatch demo` does not say {expected!r}")
    version = subprocess.run(
        [sys.executable, "-m", "mentormatch", "--version"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    _check(mm.__version__ in version, f"`python -m mentormatch --version` printed {version!r}")

    work = Path.cwd()
    signups = work / f"signups-{extra}.csv"
    with package.joinpath("data/demo_signups.csv").open("rb") as src, signups.open("wb") as dst:
        shutil.copyfileobj(src, dst)
    out = work / f"matches-{extra}.json"
    subprocess.run(
        [command, "match", str(signups), "-o", str(out), "--preset", "career_guidance"],
        capture_output=True,
        text=True,
        check=True,
    )
    saved = mm.read_results(out)
    _check(saved.matches == result.matches, "`mentormatch match` wrote another answer")

    as_of = max(r.started for r in relationships)
    report_html = kpis.programme_report(relationships, as_of=as_of).to_html()
    _check(report_html.startswith("<!DOCTYPE html>"), "the report is not an HTML page")

    if extra == "none":
        for module, name in (
            ("pandas", "pandas"),
            ("matplotlib", "plot"),
            ("ortools", "fast"),
            ("openpyxl", "excel"),
            ("tqdm", "cli"),
        ):
            _check(_absent(module), f"{module} is installed without the [{name}] extra")
        try:
            kpis.read_relationships(io.BytesIO(b"PK\x03\x04" + bytes(60)))
        except mm.MentormatchError as exc:
            _check(f"{DIST_NAME}[excel]" in str(exc), f"reading .xlsx hint: {exc}")
        else:
            _check(False, "an .xlsx file was read without openpyxl")
        try:
            result.to_dataframe()
        except ImportError as exc:
            _check(f"{DIST_NAME}[pandas]" in str(exc), f"to_dataframe hint: {exc}")
        else:
            _check(False, "to_dataframe worked without pandas")
        _check(f"{DIST_NAME}[plot]" in report_html, "the report does not say how to get plots")
        try:
            mm.Matcher(criteria=[mm.GoalOverlap()], backend="ortools")
        except mm.MentormatchError as exc:
            _check(f"{DIST_NAME}[fast]" in str(exc), f"backend='ortools' hint: {exc}")
        else:
            _check(False, "backend='ortools' accepted without OR-Tools")
    elif extra == "pandas":
        frame = result.to_dataframe()
        ids = [m.mentee_id for m in result.matches] + [u.mentee_id for u in result.unmatched]
        _check(list(frame["mentee_id"]) == ids, "to_dataframe: not one row per mentee")
        _check(
            int(frame["mentor_id"].notna().sum()) == len(result.matches), "to_dataframe: matches"
        )
    elif extra == "plot":
        _check("<svg" in report_html, "the report has no plots")
    elif extra == "fast":
        sparse = mm.Matcher(
            criteria=matcher.criteria,
            constraints=matcher.constraints,
            solver="sparse",
            backend="ortools",
        ).match(mentees, mentors)
        _check(sparse.metadata.get("backend") == "ortools", f"backend {sparse.metadata}")
        _check(len(sparse.matches) == len(result.matches), "the sparse path matched another count")
        _check(abs(sparse.total_score - result.total_score) < 1e-9, "the sparse path scored less")
    elif extra == "excel":
        import csv

        import openpyxl

        book = openpyxl.Workbook()
        sheet = book.active
        with package.joinpath("data/demo_relationships.csv").open(encoding="utf-8") as src:
            for record in csv.reader(src):
                sheet.append(record)
        book.save(work / "relationships.xlsx")
        read = kpis.read_relationships(work / "relationships.xlsx")
        _check(read == relationships, "the relationships read from .xlsx differ from the CSV's")
    elif extra == "cli":
        from mentormatch.cli import _console

        _console._Progress.DELAY = 0.0
        stream = io.StringIO()
        token = _console.TERMINAL.set(_console.Terminal(progress=True))
        try:
            progress = _console._Progress(stream)
            progress.phase("scoring", 1, 2)
            progress.done()
        finally:
            _console.TERMINAL.reset(token)
        _check("scoring:" in stream.getvalue(), "no progress bar with the [cli] extra (tqdm)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
