"""Every command writes the formats its outputs' extensions name, refuses any other
before any work, and writes names beside ids in matches.csv / .xlsx."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mentormatch as mm
from mentormatch._files.tables import read_table, write_xlsx
from tests.cli.cli_files import WRITERS, Command, snapshot, workspace
from tests.cli.cli_files import run as cli_run
from tests.cli.test_cli import EXAMPLE
from tests.cli.test_cli import run as _run

pytest.importorskip("openpyxl")

REL = "mentee_id,mentor_id,started,status,meetings\ne1,m1,2025-01-06,active,2025-01-20\n"


@pytest.fixture
def rel(tmp_path: Path) -> Path:
    path = tmp_path / "rel.csv"
    path.write_text(REL)
    return path


# command, extra arguments, what the output takes, and one extension it does not
CASES = [
    ("match", [], ("csv", "json", "xlsx"), "md"),
    ("rematch", [], ("csv", "json", "xlsx"), "html"),
    ("shortlist", ["-k", "2"], ("csv", "xlsx"), "json"),
]


@pytest.mark.parametrize(("command", "extra", "formats", "bad"), CASES)
def test_each_extension_is_written_and_another_refused_before_any_work(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    command: str,
    extra: list[str],
    formats: tuple[str, ...],
    bad: str,
) -> None:
    for fmt in formats:
        path = tmp_path / f"out.{fmt}"
        code, _, err = _run(capsys, command, str(EXAMPLE), *extra, "-o", str(path))
        assert code == 0, err
        if fmt == "json":
            assert json.loads(path.read_text(encoding="utf-8"))["version"] == 1
        else:
            table = read_table(path)
            assert "mentee_id" in table.columns and len(table.rows) >= 4
    for name in (f"out.{bad}", "out", "out.CSV.bak"):
        path = tmp_path / name
        code, out, err = _run(capsys, command, str(EXAMPLE), *extra, "-o", str(path))
        assert code == 2 and "choose a file name ending in one of these" in err
        assert ", ".join(f".{f}" for f in formats[:-1]) in err and not path.exists()
        assert out == ""


def test_kpis_writes_report_figures_and_at_risk_by_extension(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, rel: Path
) -> None:
    args = ["kpis", str(rel), "--as-of", "2025-06-01"]
    for fmt in ("html", "md", "csv", "xlsx"):
        code, _, err = _run(capsys, *args, "-o", str(tmp_path / f"k.{fmt}"))
        assert code == 0, err
    book, text = read_table(tmp_path / "k.xlsx"), read_table(tmp_path / "k.csv")
    assert book.columns == text.columns and len(book.rows) == len(text.rows)
    for a, b in zip(book.rows, text.rows, strict=True):
        assert a.cells["kpi"] == b.cells["kpi"] and a.cells["group"] == b.cells["group"]
        assert a.cells["value"] == pytest.approx(float(b.cells["value"]), rel=1e-15)
    for fmt in ("csv", "xlsx"):
        code, out, err = _run(capsys, *args, "--at-risk", str(tmp_path / f"r.{fmt}"))
        assert code == 0 and "wrote 1 pairs at risk" in out, err
        (row,) = read_table(tmp_path / f"r.{fmt}").rows
        assert row.cells["mentee_id"] == "e1" and row.cells["days_since_last_meeting"] == (
            "132" if fmt == "csv" else 132
        )
    code, _, err = _run(capsys, *args, "--at-risk", str(tmp_path / "r.json"))
    assert code == 2 and "--at-risk" in err and "it writes .csv or .xlsx" in err
    code, out, err = _run(capsys, *args, "--at-risk", "-")
    assert (
        code == 0 and out.startswith("\ufeffmentee_id,mentor_id")
    ) or "mentee_id,mentor_id" in out


def test_survey_scores_as_xlsx(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "i.toml").write_text('items = ["q1", "q2"]\nscale = [1, 5]\n')
    (tmp_path / "r.csv").write_text("id,q1,q2\ne1,4,5\ne2,2,3\n")
    argv = ["survey", str(tmp_path / "r.csv"), "--instrument", str(tmp_path / "i.toml")]
    code, _, err = _run(capsys, *argv, "-o", str(tmp_path / "s.xlsx"))
    assert code == 0, err
    assert [r.cells["id"] for r in read_table(tmp_path / "s.xlsx").rows] == ["e1", "e2"]
    code, _, err = _run(capsys, *argv, "-o", str(tmp_path / "s.md"))
    assert code == 2 and "does not write '.md' files" in err


def test_matches_carry_names_next_to_ids_neutralised(tmp_path: Path) -> None:
    mentees = [mm.Mentee(id="e1", name="=cmd|' /C calc'!A0", goals=["sql"]), mm.Mentee(id="e2")]
    mentors = [mm.Mentor(id="m1", name="Ann", goals=["sql"])]
    result = mm.Matcher(criteria=[mm.GoalOverlap()]).match(mentees, mentors)
    mm.write_results(result, tmp_path / "m.csv", signups=(mentees, mentors))
    text = (tmp_path / "m.csv").read_text(encoding="utf-8-sig")
    assert text.splitlines()[0].startswith("mentee_id,mentee_name,mentor_id,mentor_name,score")
    assert "'=cmd" in text
    mm.write_results(result, tmp_path / "m.xlsx", signups=(mentees, mentors))
    rows = read_table(tmp_path / "m.xlsx").rows
    assert [r.cells["mentee_name"] for r in rows] == ["=cmd|' /C calc'!A0", None]
    assert [r.cells["mentor_name"] for r in rows] == ["Ann", None]
    # without names anywhere, the columns are left out (nothing empty added)
    plain = io.StringIO()
    mm.write_results(result, plain, signups=([mm.Mentee(id="e1"), mm.Mentee(id="e2")], mentors[:0]))
    assert "mentee_name" not in plain.getvalue().splitlines()[0]
    with pytest.raises(mm.MentormatchError, match="signups must be the"):
        mm.write_results(result, io.StringIO(), signups=42)


def test_library_writers_refuse_extensions_they_do_not_write(tmp_path: Path) -> None:
    result = mm.Matcher(criteria=[mm.GoalOverlap()]).match([mm.Mentee(id="e1")], [])
    for name in ("m.md", "m", "m.txt"):
        with pytest.raises(mm.MentormatchError, match="choose a file name ending in"):
            mm.write_results(result, tmp_path / name)
        with pytest.raises(mm.MentormatchError, match=r"it writes \.csv or \.json"):
            mm.write_signups([mm.Mentee(id="e1")], [], tmp_path / name)
    with pytest.raises(mm.MentormatchError, match="disagrees with the extension"):
        mm.write_results(result, tmp_path / "m.csv", format="json")
    with pytest.raises(mm.MentormatchError, match="binary"):
        mm.write_results(result, io.StringIO(), format="xlsx")
    assert not list(tmp_path.iterdir())
    buffer = io.BytesIO()
    mm.write_results(result, buffer, format="xlsx")
    assert buffer.getvalue().startswith(b"PK")


@settings(max_examples=20, deadline=None)
@given(st.text(min_size=1, max_size=6).filter(lambda t: "/" not in t and "\x00" not in t))
def test_property_an_unknown_extension_is_always_refused(suffix: str) -> None:
    name = f"out.{suffix}"
    result = mm.Matcher(criteria=[mm.GoalOverlap()]).match([mm.Mentee(id="e1")], [])
    if suffix.lower() in ("csv", "json", "xlsx"):
        return
    with pytest.raises(mm.MentormatchError):
        mm.write_results(result, Path("/nonexistent-folder-for-mentormatch") / name)


@pytest.mark.parametrize("command", WRITERS, ids=[c.name for c in WRITERS])
@pytest.mark.parametrize("suffix", [".pdf", "", ".csv.bak", ".XLSM"])
def test_matrix_a_bad_output_extension_is_refused_before_any_work(
    tmp_path: Path, command: Command, suffix: str
) -> None:
    files = workspace(tmp_path / "in")
    out_path = tmp_path / f"out{suffix}"
    before = snapshot(tmp_path)
    code, out, err = cli_run(command.args(files, out_path))
    # plan words it its own way (its --format may override an extension)
    said = ("choose a file name ending in one of these", "give a name ending in")
    assert code == 2 and any(s in err for s in said) and out == "", err
    assert "Traceback" not in err and snapshot(tmp_path) == before


def test_signups_xlsx_on_the_command_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    rows = read_table(EXAMPLE)
    book = tmp_path / "signups.xlsx"
    write_xlsx(list(rows.original), [list(r.cells.values()) for r in rows.rows], book)
    code, out, err = _run(capsys, "match", str(book), "-o", str(tmp_path / "m.csv"))
    assert code == 0 and "Matched 4 of 4 mentees" in out, err
    assert (tmp_path / "m.csv").read_text(encoding="utf-8-sig") == _matched_csv(capsys, tmp_path)


def _matched_csv(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> str:
    assert _run(capsys, "match", str(EXAMPLE), "-o", str(tmp_path / "ref.csv"))[0] == 0
    return (tmp_path / "ref.csv").read_text(encoding="utf-8-sig")


def test_at_risk_never_overwrites_an_input_and_neutralises_ids(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    rel = tmp_path / "rel.csv"
    rel.write_text('mentee_id,mentor_id,started,status\n"=e1",@m1,2025-01-06,active\n')
    before = rel.read_bytes()
    code, _, err = _run(capsys, "kpis", str(rel), "--as-of", "2025-06-01", "--at-risk", str(rel))
    assert code == 2 and rel.read_bytes() == before and "--at-risk" in err
    risk = tmp_path / "risk.csv"
    code, _, err = _run(capsys, "kpis", str(rel), "--as-of", "2025-06-01", "--at-risk", str(risk))
    assert code == 0, err
    assert risk.read_text(encoding="utf-8-sig").splitlines()[1].startswith("'=e1,'@m1,")
