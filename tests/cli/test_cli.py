"""Tests of the mentormatch command, in-process through main(argv) and once as a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from mentormatch import cli
from mentormatch.cli import _console, main

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "docs" / "example_signups.csv"
BAD = "role,id,skills,capacity\nmentor,m1,python:9,x\nmentee,,sql:2,\nmentee,e2,,\nmentee,e2,,\n"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def bad_csv(tmp_path: Path) -> Path:
    path = tmp_path / "bad.csv"
    path.write_text(BAD, encoding="utf-8")
    return path


@pytest.fixture
def results_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    path = tmp_path / "matches.json"
    assert run(capsys, "match", str(EXAMPLE), "-o", str(path))[0] == 0
    return path


# ----------------------------------------------------------------------------- help


@pytest.mark.parametrize("command", [[], ["demo"], ["match"], ["explain"], ["validate"], ["kpis"]])
def test_help_has_an_example(capsys: pytest.CaptureFixture[str], command: list[str]) -> None:
    code, out, err = run(capsys, *command, "--help")
    assert code == 0 and err == ""
    assert "example" in out and "mentormatch" in out


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--version")
    assert code == 0 and out.startswith("mentormatch ")


@pytest.mark.parametrize(
    "argv",
    [[], ["bogus"], ["match", "--preset", "nope", "x.csv"], ["explain", "only-one-arg"]],
    ids=["no command", "unknown command", "unknown preset", "missing argument"],
)
def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert "mentormatch" in err and "Traceback" not in err


# ----------------------------------------------------------------------------- demo


def test_demo(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "demo")
    assert code == 0
    assert "mentee" in out and "top reason" in out
    assert "Unmatched" in out or "Matched 6" in out
    assert "Runner-up" in out
    assert err == ""  # no progress when stderr is not a terminal


def test_demo_named_mentee(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "demo", "--mentee", "e01")
    assert code == 0 and "e01 is " in out
    code, _, err = run(capsys, "demo", "--mentee", "zz")
    assert code == 2 and "'zz' is not in this result" in err


# ----------------------------------------------------------------------------- validate


def test_validate_ok(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "validate", str(EXAMPLE))
    assert code == 0 and out.startswith("OK: 4 mentees, 4 mentors, 5 places.")


def test_validate_reports_every_problem(capsys: pytest.CaptureFixture[str], bad_csv: Path) -> None:
    code, out, err = run(capsys, "validate", str(bad_csv))
    assert code == 2
    lines = out.splitlines()
    assert len(lines) == 4
    assert "row 2, column 'skills', id 'm1'" in lines[0]
    assert "row 2, column 'capacity', id 'm1'" in lines[1]
    assert "row 3, column 'id'" in lines[2]
    assert "row 5, column 'id', id 'e2'" in lines[3] and "rows 4 and 5" in lines[3]
    assert "4 problems found" in err and "Traceback" not in err


def test_validate_separate_files_and_capacity_note(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "e.csv").write_text("id\ne1\ne2\n", encoding="utf-8")
    (tmp_path / "m.csv").write_text("id,capacity\nm1,1\n", encoding="utf-8")
    code, out, _ = run(
        capsys,
        "validate",
        "--mentees",
        str(tmp_path / "e.csv"),
        "--mentors",
        str(tmp_path / "m.csv"),
    )
    assert code == 0 and "note: 1 mentees cannot be matched" in out
    code, _, err = run(capsys, "validate", str(EXAMPLE), "--mentees", str(tmp_path / "e.csv"))
    assert code == 2 and "not both" in err
    code, _, err = run(capsys, "validate", "--mentees", str(tmp_path / "e.csv"))
    assert code == 2 and "--mentors" in err


def test_missing_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "validate", str(tmp_path / "nope.csv"))
    assert code == 2 and "no such file" in err and "Traceback" not in err


# ----------------------------------------------------------------------------- match


def test_match_csv(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "matches.csv"
    code, out, _ = run(capsys, "match", str(EXAMPLE), "-o", str(path))
    assert code == 0 and "Matched 4 of 4 mentees" in out
    text = path.read_text(encoding="utf-8-sig")
    assert text.startswith("mentee_id,mentee_name,mentor_id,mentor_name,score,contribution_goal")
    assert len(text.splitlines()) == 5


def test_match_to_stdout_and_presets(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "match", str(EXAMPLE), "--preset", "skills_training")
    assert code == 0 and "top reason" in out and "e1 (Eva Martin)" in out


def test_match_format_flag(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """A file's extension names its format; --format is for '-', pipes and devices, and
    is refused when it contradicts a file's extension."""
    path = tmp_path / "out.txt"
    code, _, err = run(capsys, "match", str(EXAMPLE), "-o", str(path), "--format", "json")
    assert code == 2 and "does not write '.txt' files" in err and not path.exists()
    code, _, err = run(capsys, "match", str(EXAMPLE), "-o", str(path.with_suffix(".csv")),
                       "--format", "json")  # fmt: skip
    assert code == 2 and "--format json disagrees with the extension" in err
    assert run(capsys, "match", str(EXAMPLE), "-o", str(tmp_path / "m.json"))[0] == 0
    assert json.loads((tmp_path / "m.json").read_text(encoding="utf-8"))["version"] == 1


def test_match_bad_input_writes_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, bad_csv: Path
) -> None:
    out_path = tmp_path / "matches.csv"
    code, out, err = run(capsys, "match", str(bad_csv), "-o", str(out_path))
    assert code == 2 and out == ""
    assert "4 problems in the sign-ups" in err and "Traceback" not in err
    assert not out_path.exists()
    out_path.write_text("previous", encoding="utf-8")
    assert run(capsys, "match", str(bad_csv), "-o", str(out_path))[0] == 2
    assert out_path.read_text(encoding="utf-8") == "previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.csv", "matches.csv"]


PROGRAMME = """
name = "Career guidance 2025"
goal = "career guidance across departments"
min_score = 0.1

[[criteria]]
type = "GoalOverlap"
weight = 3

[[criteria]]
type = "department_distance"
prefer = "different"
weight = 2

[[rules]]
type = "NotInReportingLine"
depth = 1

[[rules]]
type = "ForbidPairs"
pairs = [["e1", "m3"]]

[capacity]
m2 = 0

[targets]
match_rate = 0.9
"""


def test_match_with_config(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    config = tmp_path / "programme.toml"
    config.write_text(PROGRAMME, encoding="utf-8")
    out_path = tmp_path / "m.json"
    code, _, err = run(capsys, "match", str(EXAMPLE), "--config", str(config), "-o", str(out_path))
    assert code == 0, err
    data = json.loads(out_path.read_text(encoding="utf-8"))
    pairs = {m["mentee_id"]: m["mentor_id"] for m in data["matches"]}
    assert pairs.get("e1") != "m3"
    assert "m2" not in pairs.values()
    assert data["metadata"]["criteria"] == ["goal_overlap", "department"]


def test_load_programme_with_preset(tmp_path: Path) -> None:
    config = tmp_path / "p.toml"
    config.write_text(
        'preset = "onboarding"\nmin_score = 0.3\n[[rules]]\ntype = "SameAttribute"\nkey = "location"\n',
        encoding="utf-8",
    )
    matcher, capacity = cli.load_programme(config)
    assert matcher.min_score == 0.3 and capacity == {}
    assert [type(r).__name__ for r in matcher.constraints] == [
        "NotInReportingLine",
        "SameAttribute",
    ]


BAD_PROGRAMMES = [
    (
        "unknown top key",
        'presets = "x"\n',
        "unknown key 'presets'; did you mean 'preset'? The valid keys are name, goal",
    ),
    ("unknown criterion", '[[criteria]]\ntype = "Magic"\n', "valid types: AttributeMatch"),
    ("criterion without type", "[[criteria]]\nweight = 2\n", "give the criteria 'type'"),
    (
        "unknown parameter",
        '[[criteria]]\ntype = "SkillGap"\nideal = 2\n',
        "unknown key ideal; did you mean 'ideal_gap'? Valid keys: type, ideal_gap, weight, name",
    ),
    ("missing parameter", '[[criteria]]\ntype = "AttributeMatch"\n', "missing key key"),
    ("bad weight", '[[criteria]]\ntype = "GoalOverlap"\nweight = -1\n', "must be a number > 0"),
    ("bad pairs", '[[rules]]\ntype = "ForbidPairs"\npairs = ["e1"]\n', "pairs must be a list"),
    ("no criteria", "min_score = 0.2\n", "give a preset"),
    ("unknown preset", 'preset = "speed"\n', "unknown preset 'speed'"),
    ("bad min_score", 'preset = "onboarding"\nmin_score = "high"\n', "min_score must be"),
    ("bad capacity", 'preset = "onboarding"\n[capacity]\nm1 = -2\n', "whole number >= 0"),
    ("unknown mentor", 'preset = "onboarding"\n[capacity]\nm99 = 2\n', "'m99', not mentors"),
    ("criteria not array", 'criteria = "GoalOverlap"\n', "write [[criteria]]"),
    ("not toml", "this is = = not toml\n", "not valid TOML"),
]


@pytest.mark.parametrize(
    ("text", "message"), [c[1:] for c in BAD_PROGRAMMES], ids=[c[0] for c in BAD_PROGRAMMES]
)
def test_bad_programme_files(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, text: str, message: str
) -> None:
    config = tmp_path / "programme.toml"
    config.write_text(text, encoding="utf-8")
    code, out, err = run(capsys, "match", str(EXAMPLE), "--config", str(config))
    assert code == 2 and out == ""
    assert message in err and "Traceback" not in err


def test_preset_and_config_exclusive(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "match", str(EXAMPLE), "--preset", "onboarding", "--config", "x")
    assert code == 2 and "not allowed with" in err


# ----------------------------------------------------------------------------- explain


def test_explain(capsys: pytest.CaptureFixture[str], results_json: Path) -> None:
    code, out, _ = run(capsys, "explain", str(results_json), "e1")
    assert code == 0
    assert out.startswith("e1 is matched with m3")
    assert "Runner-up" in out


def test_explain_errors(capsys: pytest.CaptureFixture[str], results_json: Path) -> None:
    code, _, err = run(capsys, "explain", str(results_json), "e99")
    assert code == 2 and "'e99' is not in this result" in err
    code, _, err = run(capsys, "explain", str(EXAMPLE), "e1")
    assert code == 2 and "is not valid JSON" in err


# ----------------------------------------------------------------------------- unexpected errors


def test_unexpected_error_exits_1(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(*args: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("mentormatch.io.load_demo", boom)
    code, _, err = run(capsys, "demo")
    assert code == 1 and "this is a bug" in err and "RuntimeError: boom" in err


def test_progress_only_on_a_terminal() -> None:
    class Tty:
        def __init__(self) -> None:
            self.text = ""

        def isatty(self) -> bool:
            return True

        def write(self, s: str) -> None:
            self.text += s

        def flush(self) -> None:
            pass

    stream = Tty()
    progress = _console._Progress(stream)  # type: ignore[arg-type]
    progress("matching")
    progress.done()
    assert "matching" in stream.text and stream.text.endswith("\r")


# ----------------------------------------------------------------------------- subprocess


@pytest.mark.slow  # over 2 s
def test_python_dash_m(tmp_path: Path, results_json: Path) -> None:
    """Each command once as ``python -m mentormatch``, run side by side (imports are slow)."""
    (tmp_path / "bad.csv").write_text(BAD, encoding="utf-8")
    crash = (
        "import sys, mentormatch.cli as c\n"
        "def boom(*a): raise RuntimeError('boom')\n"
        "import mentormatch.io; mentormatch.io.load_demo = boom\n"
        "sys.exit(c.main(['demo']))\n"
    )
    runs = {
        "demo": ["-m", "mentormatch", "demo"],
        "validate": ["-m", "mentormatch", "validate", str(EXAMPLE)],
        "explain": ["-m", "mentormatch", "explain", str(results_json), "e2"],
        "match": ["-m", "mentormatch", "match", "bad.csv", "-o", "out.csv"],
        "crash": ["-c", crash],
    }
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    procs = {
        name: subprocess.Popen(
            [sys.executable, *args],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name, args in runs.items()
    }
    done = {name: (p.communicate(timeout=120), p.returncode) for name, p in procs.items()}

    (out, err), code = done["demo"]
    assert code == 0 and "Runner-up" in out and err == ""
    (out, _), code = done["validate"]
    assert code == 0 and out.startswith("OK:")
    (out, _), code = done["explain"]
    assert code == 0 and out.startswith("e2 is matched")
    (out, err), code = done["match"]
    assert code == 2 and out == "" and "4 problems" in err and "Traceback" not in err
    assert not (tmp_path / "out.csv").exists()
    (_, err), code = done["crash"]
    assert code == 1 and "RuntimeError: boom" in err


# ----------------------------------------------------------------------------- kpis

DEMO_PAIRS = ROOT / "src" / "mentormatch" / "data" / "demo_relationships.csv"


def test_kpis_prints_the_report(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(
        capsys, "kpis", str(DEMO_PAIRS), "--as-of", "2026-03-01", "--by", "department"
    )
    assert code == 0, err
    assert "Completion rate          22/35 = 62.9% (95% CI 46.3%–76.8%, Wilson)" in out
    assert "Completion rate by department (groups under 5 suppressed)" in out
    assert "At risk (10 pairs, most urgent first):" in out


@pytest.mark.parametrize("suffix", [".html", ".md"])
def test_kpis_writes_a_report(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, suffix: str
) -> None:
    target = tmp_path / f"report{suffix}"
    code, out, _ = run(capsys, "kpis", str(DEMO_PAIRS), "--as-of", "2026-03-01", "-o", str(target))
    assert code == 0 and out.strip() == f"wrote {target}"
    text = target.read_text(encoding="utf-8")
    assert ("<html" in text) if suffix == ".html" else text.startswith("#")
    assert not list(tmp_path.glob("*.tmp"))


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--as-of", "March"], "--as-of 'March' is not a date; write it as YYYY-MM-DD"),
        (["-o", "report.pdf"], "does not write '.pdf' files; it writes .html, .md, .csv or .xlsx"),
        (["--min-group-size", "2"], "3"),
    ],
    ids=["bad-date", "bad-suffix", "threshold-below-3"],
)
def test_kpis_bad_input_exits_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, argv: list[str], message: str
) -> None:
    argv = [a if a != "report.pdf" else str(tmp_path / a) for a in argv]
    code, _out, err = run(capsys, "kpis", str(DEMO_PAIRS), "--as-of", "2026-03-01", *argv)
    assert code == 2
    assert message in err and "Traceback" not in err
    assert not (tmp_path / "report.pdf").exists()


def test_kpis_with_matches_and_signups(
    capsys: pytest.CaptureFixture[str], results_json: Path
) -> None:
    code, out, err = run(
        capsys,
        "kpis",
        str(DEMO_PAIRS),
        "--as-of",
        "2026-03-01",
        "--matches",
        str(results_json),
        "--signups",
        str(EXAMPLE),
    )
    assert code == 0, err
    assert "Match rate" in out and "Mentor slots used" in out


# ----------------------------------------------------------------------------- survey

DOCS = ROOT / "docs"


def test_survey_scores_reliability_nps_and_change(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "scores.csv"
    code, out, err = run(
        capsys,
        "survey",
        str(DOCS / "example_post.csv"),
        "--instrument",
        str(DOCS / "example_instrument.toml"),
        "--pre",
        str(DOCS / "example_pre.csv"),
        "--nps-column",
        "recommend",
        "-o",
        str(target),
    )
    assert code == 0, err
    assert "scored for 8 of 8 respondents" in out
    assert "Cronbach's alpha = 0.97" in out
    assert "NPS +25" in out
    assert "across 7 matched pairs (1 incomplete pair left out)" in out
    lines = target.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "id,total,relationship,growth,n_answered"
    assert lines[1] == "e01,4.0,4.0,4.0,6"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            "id,q1,q2,q3,q4,q5,q6\ne1,3,x,3,3,3,3\n",
            "row 2, column 'q2', id 'e1': 'x' is not a number",
        ),
        ("id,q1\ne1,3\n", "no column for item(s) ['q2', 'q3', 'q4', 'q5', 'q6']"),
        ("id,q1,q2,q3,q4,q5,q6\ne1,3,9,3,3,3,3\n", "q2"),
    ],
    ids=["not-a-number", "missing-items", "outside-scale"],
)
def test_survey_bad_responses_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "responses.csv"
    path.write_text(content, encoding="utf-8")
    code, _, err = run(
        capsys, "survey", str(path), "--instrument", str(DOCS / "example_instrument.toml")
    )
    assert code == 2
    assert message in err and "Traceback" not in err
