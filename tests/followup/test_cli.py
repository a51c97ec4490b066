"""mentormatch plan: the outputs by extension, and the matrix of bad input (exit 2, nothing
written)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

import mentormatch as mm
from mentormatch.cli import build_parser, main
from mentormatch.cli import plan as _cli_plan

ROOT = Path(__file__).resolve().parents[2]
SIGNUPS = ROOT / "src" / "mentormatch" / "data" / "demo_signups.csv"
START = "2026-01-12"


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("plan")
    signups = mm.load_demo()
    mm.io.write_results(mm.presets.career_guidance().match(*signups), folder / "matches.json")
    (folder / "signups.csv").write_bytes(SIGNUPS.read_bytes())
    (folder / "programme.toml").write_text('preset = "skills_training"\n')
    return folder


def run(capsys: pytest.CaptureFixture[str], folder: Path, *argv: str) -> tuple[int, str, str]:
    args = [a.replace("@", str(folder) + "/") for a in argv]
    code = main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_plan_is_among_the_commands() -> None:
    assert "plan" in build_parser()._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    assert "mentormatch plan" in (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("ext", [".ics", ".csv", ".json"])
def test_the_format_follows_the_extension(
    capsys: pytest.CaptureFixture[str], files: Path, ext: str, tmp_path: Path
) -> None:
    out = tmp_path / f"plan{ext.upper() if ext == '.ics' else ext}"
    code, said, err = run(
        capsys, files, "plan", "@matches.json", "@signups.csv", "--start", START, "-o", str(out)
    )
    assert (code, err) == (0, "")
    assert said.startswith("Planned 58 pairs") and str(out) in said
    text = out.read_text(encoding="utf-8")
    expected = mm.followup.plan(
        mm.io.read_results(files / "matches.json"), mm.load_demo(), start=START
    )
    if ext == ".ics":
        icalendar = pytest.importorskip("icalendar")
        events = icalendar.Calendar.from_ical(text).walk("VEVENT")
        assert len(events) == sum(len(p.meetings) + len(p.milestones) for p in expected.pairs)
    elif ext == ".csv":
        rows = list(csv.DictReader(io.StringIO(text)))
        assert len(rows) == len(expected.to_records())
        assert "mentee_name" not in rows[0]  # names only when asked
    else:
        without_names = mm.followup.read_plan(json.loads(expected.to_json()))
        assert mm.followup.read_plan(json.loads(text)) == without_names


def test_names_programme_and_config(
    capsys: pytest.CaptureFixture[str], files: Path, tmp_path: Path
) -> None:
    out = tmp_path / "plan.csv"
    code, _, _ = run(
        capsys,
        files,
        "plan",
        "@matches.json",
        "@signups.csv",
        "--start",
        START,
        "--weeks",
        "12",
        "--every",
        "7",
        "--config",
        "@programme.toml",
        "--names",
        "-o",
        str(out),
    )
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert rows[0]["mentee_name"]
    assert sum(r["event"] == "check-in" for r in rows if r["mentee_id"] == "e01") == 12
    made = mm.followup.read_plan(_plan_json(capsys, files, tmp_path, "--config", "@programme.toml"))
    assert made.programme == "skills_training"


def _plan_json(
    capsys: pytest.CaptureFixture[str], files: Path, tmp_path: Path, *extra: str
) -> dict[str, object]:
    out = tmp_path / "p.json"
    code, _, err = run(
        capsys, files, "plan", "@matches.json", "--start", START, *extra, "-o", str(out)
    )
    assert code == 0, err
    data: dict[str, object] = json.loads(out.read_text(encoding="utf-8"))
    return data


def test_a_pair_missing_from_the_signups_is_a_warning_not_a_failure(
    capsys: pytest.CaptureFixture[str], files: Path, tmp_path: Path
) -> None:
    few = tmp_path / "few.csv"
    lines = SIGNUPS.read_text(encoding="utf-8").splitlines()
    few.write_text("\n".join(line for line in lines if ",e01," not in line) + "\n")
    out = tmp_path / "plan.ics"
    code, _, err = run(
        capsys, files, "plan", "@matches.json", str(few), "--start", START, "-o", str(out)
    )
    assert code == 0 and out.exists()
    assert "warning" in err and "'e01'" in err


BAD = [
    (["--start", "2026-02-30"], "--start"),
    (["--start", "next monday"], "--start"),
    (["--start", START, "--every", "0"], "--every"),
    (["--start", START, "--every", "-14"], "--every"),
    (["--start", START, "--every", "fortnightly"], "--every"),
    (["--start", START, "--weeks", "0"], "--weeks"),
    (["--start", START, "--weeks", "521"], "--weeks"),
    (["--start", START, "--weeks", "2.5"], "--weeks"),
    (["--start", START, "--programme", "careers"], "--programme"),
    (["--start", START, "--topics", "@signups.csv"], "topic"),
    (["--start", START, "--topics", "@nope.toml"], "no such file"),
    (["--start", START, "--config", "@bad.toml"], "preset"),
    (["--start", START, "--config", "@programme.toml", "--programme", "onboarding"], "differ"),
    ([], "--start"),
]


@pytest.mark.parametrize(("extra", "named"), BAD)
@pytest.mark.parametrize("ext", [".ics", ".csv", ".json"])
def test_bad_input_exits_2_and_writes_nothing(
    capsys: pytest.CaptureFixture[str],
    files: Path,
    tmp_path: Path,
    extra: list[str],
    named: str,
    ext: str,
) -> None:
    (files / "bad.toml").write_text('preset = "speed_dating"\n')
    out = tmp_path / f"plan{ext}"
    code, said, err = run(capsys, files, "plan", "@matches.json", *extra, "-o", str(out))
    assert code == 2
    assert named in err and "Traceback" not in err
    assert said == ""
    assert not out.exists()


@pytest.mark.parametrize(
    ("output", "named"),
    [("plan.xlsx", ".ics, .csv or .json"), ("plan", ".ics, .csv or .json")],
)
def test_another_format_is_refused(
    capsys: pytest.CaptureFixture[str], files: Path, tmp_path: Path, output: str, named: str
) -> None:
    target = str(tmp_path / output)
    code, said, err = run(capsys, files, "plan", "@matches.json", "--start", START, "-o", target)
    assert code == 2 and named in err and said == ""
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("victim", ["matches.json", "signups.csv", "programme.toml"])
def test_an_output_over_an_input_is_refused_and_the_input_kept(
    capsys: pytest.CaptureFixture[str], files: Path, tmp_path: Path, victim: str
) -> None:
    copy = tmp_path / victim.replace(".", "_copy.")
    copy.write_bytes((files / victim).read_bytes())
    before = copy.read_bytes()
    # the output named like the victim, but in the ics/csv/json family: rename to match
    output = copy.with_suffix(".json") if victim.endswith(".json") else copy
    inputs = {
        "matches.json": [str(copy), "@signups.csv"],
        "signups.csv": ["@matches.json", str(copy)],
        "programme.toml": ["@matches.json", "--config", str(copy)],
    }[victim]
    code, _, err = run(capsys, files, "plan", *inputs, "--start", START, "-o", str(output))
    assert code == 2
    assert copy.read_bytes() == before
    if output == copy:
        assert "same file as an input" in err


def test_missing_files_and_a_bad_results_file(
    capsys: pytest.CaptureFixture[str], files: Path, tmp_path: Path
) -> None:
    out = tmp_path / "plan.ics"
    code, _, err = run(capsys, files, "plan", "@absent.json", "--start", START, "-o", str(out))
    assert code == 2 and "no such file" in err
    code, _, err = run(capsys, files, "plan", "@signups.csv", "--start", START, "-o", str(out))
    assert code == 2 and "results" in err
    assert not out.exists()


def test_run_takes_parsed_arguments(files: Path, tmp_path: Path) -> None:
    out = tmp_path / "plan.csv"
    args = build_parser().parse_args(
        ["plan", str(files / "matches.json"), "--start", START, "-o", str(out)]
    )
    sink = io.StringIO()
    assert _cli_plan.run(args, sink, sink) == 0
    assert out.read_text(encoding="utf-8").startswith("mentee_id,mentor_id,date,event")


def test_format_overrides_the_extension_and_dash_is_the_csv(
    capsys: pytest.CaptureFixture[str], files: Path, tmp_path: Path
) -> None:
    out = tmp_path / "plan.txt"
    code, _, _ = run(
        capsys, files, "plan", "@matches.json", "--start", START, "--format", "ics", "-o", str(out)
    )
    assert code == 0 and out.read_text(encoding="utf-8").startswith("BEGIN:VCALENDAR")
    code, said, err = run(capsys, files, "plan", "@matches.json", "--start", START, "-o", "-")
    assert code == 0 and said.startswith("mentee_id,mentor_id,date,event")
    assert "wrote standard output" in err
