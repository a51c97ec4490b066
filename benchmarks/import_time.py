"""Import time of mentormatch, before and after lazy imports; writes benchmarks/import_time.md.

Usage (from the repository root)::

    python benchmarks/import_time.py                 # before = d20e2e2, after = this tree
    python benchmarks/import_time.py --before REF    # another commit as "before"
    python benchmarks/import_time.py --quick         # 3 runs each, printed only

"Before" is ``src/`` of a git commit (by default d20e2e2, the last commit
that imported every subpackage, scipy.stats and scipy.optimize eagerly),
extracted with ``git archive`` and put first on ``PYTHONPATH``; "after" is
the working tree. Each measurement runs in a fresh interpreter:

- ``import mentormatch``: the cumulative time of the ``mentormatch`` line of
  ``python -X importtime -c "import mentormatch"`` (the issue's measure),
  median of ``--runs``;
- first use: wall-clock time (``time.perf_counter``) of ``import mentormatch
  as mm`` followed by touching one public name, which imports what that name
  needs, median of ``--runs``.

The machine is shared, so figures move from run to run; compare the columns
of one run, not runs of different days.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DEFAULT_BEFORE = "d20e2e2"

#: A public name each, touched after ``import mentormatch as mm``.
FIRST_USE = ("Mentee", "Matcher", "read_signups", "kpis", "surveys", "lifecycle", "followup")


def _run(code: str, src: Path | None, *, importtime: bool = False) -> str:
    env = dict(os.environ)
    if src is not None:
        env["PYTHONPATH"] = os.pathsep.join([str(src), env.get("PYTHONPATH", "")]).rstrip(
            os.pathsep
        )
    args = [sys.executable, *(["-X", "importtime"] if importtime else []), "-c", code]
    done = subprocess.run(
        args, capture_output=True, text=True, env=env, check=True, cwd=tempfile.gettempdir()
    )
    return done.stderr if importtime else done.stdout


def _check_source(src: Path | None) -> None:
    where = _run("import mentormatch; print(mentormatch.__file__)", src).strip()
    expected = str(src) if src is not None else str(ROOT / "src")
    if not where.startswith(expected):
        raise SystemExit(f"mentormatch was imported from {where}, expected under {expected}")


def _parse(stderr: str) -> list[tuple[float, str]]:
    """(cumulative s, module name with its nesting) of each line of ``-X importtime``."""
    rows = []
    for line in stderr.splitlines():
        if line.startswith("import time:") and "cumulative" not in line:
            _, cumulative, name = line[len("import time:") :].split("|")
            rows.append((int(cumulative) / 1e6, name.rstrip()))
    return rows


#: The imports of an interpreter that runs nothing (site, encodings...), left out of the tables.
_STARTUP = {
    name
    for _, name in _parse(
        subprocess.run(
            [sys.executable, "-X", "importtime", "-c", "pass"], capture_output=True, text=True
        ).stderr
    )
}


def _importtime(src: Path | None, code: str) -> list[tuple[float, str]]:
    return [row for row in _parse(_run(code, src, importtime=True)) if row[1] not in _STARTUP]


def _import_mentormatch(src: Path | None) -> float:
    """Seconds of the top-level ``mentormatch`` line of ``import mentormatch``."""
    rows = _importtime(src, "import mentormatch")
    return next(c for c, name in rows if name == " mentormatch")


def _first_use(name: str, src: Path | None) -> float:
    code = (
        "import time\nt = time.perf_counter()\nimport mentormatch as mm\n"
        f"mm.{name}\nprint(time.perf_counter() - t)"
    )
    return float(_run(code, src).strip())


@dataclass
class Measured:
    times: list[float]  # s, every run of `import mentormatch`
    first: dict[str, float]  # s, median first use of each name
    rows: list[tuple[float, str]]  # the imports of one `import mentormatch as mm; mm.Matcher`

    @property
    def median(self) -> float:
        return statistics.median(self.times)


def _measure(src: Path | None, runs: int) -> Measured:
    _check_source(src)
    times = [_import_mentormatch(src) for _ in range(runs)]
    first = {
        name: statistics.median(_first_use(name, src) for _ in range(runs)) for name in FIRST_USE
    }
    return Measured(times, first, _importtime(src, "import mentormatch as mm; mm.Matcher"))


def _top(rows: list[tuple[float, str]], k: int = 12) -> list[tuple[float, str]]:
    """The modules with the largest cumulative time, by name (nesting removed)."""
    best: dict[str, float] = {}
    for cumulative, name in rows:
        key = name.strip()
        best[key] = max(best.get(key, 0.0), cumulative)
    return sorted(((c, n) for n, c in best.items()), reverse=True)[:k]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--before", default=DEFAULT_BEFORE, help="git commit for the 'before' column"
    )
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="3 runs each, print only")
    args = parser.parse_args(argv)
    runs = 3 if args.quick else args.runs

    with tempfile.TemporaryDirectory() as tmp:
        archive = Path(tmp) / "before.tar"
        subprocess.run(
            ["git", "archive", "--format=tar", "-o", str(archive), args.before, "src/mentormatch"],
            cwd=ROOT,
            check=True,
        )
        with tarfile.open(archive) as tar:
            tar.extractall(tmp, filter="data")
        before = _measure(Path(tmp) / "src", runs)
    after = _measure(None, runs)

    def ms(seconds: float) -> str:
        return f"{seconds * 1000:,.0f}"

    lines = [
        "# Import time",
        "",
        f"Made by `python benchmarks/import_time.py` (median of {runs} runs, each in a fresh "
        f"interpreter; CPython {platform.python_version()}, {platform.machine()}, "
        f"{os.cpu_count()} cores shared with other work, load average "
        f"{', '.join(f'{x:.1f}' for x in os.getloadavg())}). Before = `src/` of commit "
        f"`{args.before}`, after = this tree.",
        "",
        '## `python -X importtime -c "import mentormatch"`',
        "",
        "| | before (ms) | after (ms) | ratio after / before |",
        "|---|---:|---:|---:|",
        f"| `import mentormatch` | {ms(before.median)} | {ms(after.median)} | "
        f"{after.median / before.median:.3f} |",
        "",
        f"Every run, before: {', '.join(ms(t) for t in before.times)} ms; "
        f"after: {', '.join(ms(t) for t in after.times)} ms.",
        "",
        "## First use of a name (wall clock, `import mentormatch as mm; mm.<name>`)",
        "",
        "Touching a name imports what it needs; scipy.stats is imported by the first "
        "statistic computed, scipy.optimize by the first match solved, pandas, matplotlib, "
        "openpyxl, icalendar and ortools by the calls that use them.",
        "",
        "| name | before (ms) | after (ms) |",
        "|---|---:|---:|",
    ]
    lines += [
        f"| `mm.{name}` | {ms(before.first[name])} | {ms(after.first[name])} |"
        for name in FIRST_USE
    ]
    for label, result in (("before", before), ("after", after)):
        lines += [
            "",
            f"## Top modules by cumulative import time, {label}",
            "",
            "One run of `import mentormatch as mm; mm.Matcher` (the interpreter's own start-up "
            "imports left out).",
            "",
            "| module | cumulative (ms) |",
            "|---|---:|",
        ]
        lines += [f"| `{name}` | {ms(c)} |" for c, name in _top(result.rows)]
    text = "\n".join(lines) + "\n"
    print(text)
    if not args.quick:
        (HERE / "import_time.md").write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
