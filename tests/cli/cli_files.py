"""Every command with every file it reads: good files to start from, and the commands.

Shared by the output-safety tests (``test_outputs.py``) and the bad-input matrix
(``test_bad_input.py``). :func:`workspace` writes one good file per input kind
into a folder; :data:`COMMANDS` runs each command on them, so that a test can
swap any one input for a bad one, or aim ``-o`` at any one input.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import mentormatch as mm
from mentormatch.cli import main

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
DATA = ROOT / "src" / "mentormatch" / "data"

PROGRAMME = """\
name = "Career guidance 2025"
preset = "career_guidance"
min_score = 0.0

[[rules]]
type = "ForbidPairs"
pairs = [["e1", "m3"]]

[capacity]
m1 = 2

[targets]
completion_rate = 0.6
"""


def _results() -> bytes:
    mentees, mentors = mm.read_signups(DOCS / "example_signups.csv")
    result = mm.presets.career_guidance().match(mentees, mentors)
    buffer = io.StringIO()
    mm.write_results(result, buffer, format="json")
    return buffer.getvalue().encode("utf-8")


GOOD: dict[str, tuple[str, bytes]] = {
    "signups": ("signups.csv", (DOCS / "example_signups.csv").read_bytes()),
    "mentees": ("mentees.csv", b"id,goals,preferences\ne1,leadership,m1\ne2,sql,\n"),
    "mentors": ("mentors.csv", b"id,goals,capacity\nm1,leadership,2\nm2,sql,1\n"),
    "programme": ("programme.toml", PROGRAMME.encode()),
    "results": ("matches.json", _results()),
    "keep": ("keep.csv", b"mentee_id,mentor_id\ne2,m1\n"),
    "exclude": ("exclude.csv", b"mentee_id,mentor_id\ne3,m4\n"),
    "relationships": ("relationships.csv", (DATA / "demo_relationships.csv").read_bytes()),
    "meetings": ("meetings.csv", b"mentee_id,mentor_id,date\ne02,m02,2025-05-01\n"),
    "targets": ("targets.toml", b'[targets]\ncompletion_rate = 0.6\ngoal = "career guidance"\n'),
    "responses": ("post.csv", (DOCS / "example_post.csv").read_bytes()),
    "instrument": ("instrument.toml", (DOCS / "example_instrument.toml").read_bytes()),
    "pre": ("pre.csv", (DOCS / "example_pre.csv").read_bytes()),
    "topics": (
        "topics.toml",
        b'[general]\ntopics = ["What went well this month"]\n'
        b'[theme.leadership]\ntopics = ["A decision you led"]\n',
    ),
}
"""Per input kind: a file name and good content."""

FORMAT = {
    "signups": "csv",
    "mentees": "csv",
    "mentors": "csv",
    "programme": "toml",
    "results": "json",
    "keep": "csv",
    "exclude": "csv",
    "relationships": "csv",
    "meetings": "csv",
    "targets": "toml",
    "responses": "csv",
    "instrument": "toml",
    "pre": "csv",
    "topics": "toml",
}


@dataclass(frozen=True)
class Command:
    """One command run on the good files; ``{kind}`` in ``argv`` is that kind's file."""

    name: str
    argv: tuple[str, ...]
    output: str | None  # the suffix of its -o file, None when it writes no file

    @property
    def inputs(self) -> list[str]:
        return [a[1:-1] for a in self.argv if a.startswith("{") and a.endswith("}")]

    def args(self, files: dict[str, Path], output: Path | str | None = None) -> list[str]:
        out = [str(files[a[1:-1]]) if a.startswith("{") else a for a in self.argv]
        if output is not None:
            out += ["-o", str(output)]
        return out


COMMANDS = [
    Command("match", ("match", "{signups}", "--config", "{programme}"), ".csv"),
    Command(
        "match-separate", ("match", "--mentees", "{mentees}", "--mentors", "{mentors}"), ".json"
    ),
    Command("validate", ("validate", "{signups}", "--config", "{programme}"), None),
    Command(
        "validate-separate", ("validate", "--mentees", "{mentees}", "--mentors", "{mentors}"), None
    ),
    Command("explain", ("explain", "{results}", "e1"), None),
    Command(
        "rematch",
        (
            "rematch",
            "{signups}",
            "--config",
            "{programme}",
            "--keep",
            "{keep}",
            "--exclude",
            "{exclude}",
        ),
        ".json",
    ),
    Command("shortlist", ("shortlist", "{signups}", "--config", "{programme}", "-k", "2"), ".csv"),
    Command(
        "kpis",
        (
            "kpis",
            "{relationships}",
            "--meetings",
            "{meetings}",
            "--config",
            "{targets}",
            "--matches",
            "{results}",
            "--signups",
            "{signups}",
            "--as-of",
            "2026-03-01",
            "--by",
            "department",
        ),
        ".md",
    ),
    Command(
        "survey",
        (
            "survey",
            "{responses}",
            "--instrument",
            "{instrument}",
            "--pre",
            "{pre}",
            "--nps-column",
            "recommend",
        ),
        ".csv",
    ),
]
COMMANDS.append(
    Command(
        "plan",
        (
            "plan",
            "{results}",
            "{signups}",
            "--start",
            "2026-01-12",
            "--config",
            "{programme}",
            "--topics",
            "{topics}",
        ),
        ".ics",
    )
)
BY_NAME = {c.name: c for c in COMMANDS}
WRITERS = [c for c in COMMANDS if c.output is not None]


def workspace(folder: Path) -> dict[str, Path]:
    """Write one good file per input kind into ``folder``; return kind -> path."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {}
    for kind, (name, content) in GOOD.items():
        path = folder / name
        path.write_bytes(content)
        files[kind] = path
    return files


def run(argv: list[str]) -> tuple[int, str, str]:
    """``main(argv)`` with stdout and stderr captured."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file in ``folder`` (recursively) and its bytes: to prove nothing changed."""
    return {
        str(p.relative_to(folder)): p.read_bytes() if p.is_file() else b"<special>"
        for p in sorted(folder.rglob("*"))
        if not p.is_dir()
    }


@contextlib.contextmanager
def chdir(folder: Path) -> Iterator[None]:
    old = Path.cwd()
    import os

    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(old)
