"""``mentormatch kpis`` with the follow-up inputs: ``--readiness`` (with ``--signups``)
adds the share of prepared mentors and mentees, ``--plan`` ties each at-risk pair's next
step to its plan; bad values are exit 2 with nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest

import mentormatch as mm
from mentormatch.cli import main

DATA = Path(mm.__file__).parent / "data"
SIGNUPS = str(DATA / "demo_signups.csv")
RELATIONSHIPS = str(DATA / "demo_relationships.csv")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_readiness_from_the_signups(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    text = Path(SIGNUPS).read_text(encoding="utf-8").splitlines()
    rows = [text[0] + ",trained"] + [
        line + (",yes" if i % 2 else ",no") for i, line in enumerate(text[1:])
    ]
    signups = tmp_path / "signups.csv"
    signups.write_text("\n".join(rows) + "\n", encoding="utf-8")
    code, out, _ = run(
        capsys, "kpis", RELATIONSHIPS, "--as-of", "2026-06-30", "--signups", str(signups),
        "--readiness", "trained",
    )  # fmt: skip
    assert code == 0
    assert "Preparation (trained)" in out
    people = mm.read_signups(signups)
    expected = mm.kpis.readiness(people, "trained", as_of="2026-06-30")
    assert f"{expected.mentors.numerator}/{expected.mentors.denominator}" in out
    assert f"{expected.mentees.numerator}/{expected.mentees.denominator}" in out


def test_readiness_needs_the_signups(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    report = tmp_path / "report.md"
    code, _, err = run(capsys, "kpis", RELATIONSHIPS, "--readiness", "trained", "-o", str(report))
    assert code == 2 and "--readiness 'trained' needs --signups" in err
    assert not report.exists()
    code, _, err = run(capsys, "kpis", RELATIONSHIPS, "--signups", SIGNUPS, "--readiness", " ")
    assert code == 2 and "--readiness names a sign-up attribute" in err


def test_the_plan_gives_each_pair_at_risk_its_next_step(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    rels = mm.kpis.read_relationships(RELATIONSHIPS)
    plan = mm.followup.plan(rels, start=None)
    plan.write(tmp_path / "plan.json")
    code, out, _ = run(
        capsys,
        "kpis",
        RELATIONSHIPS,
        "--as-of",
        "2026-06-30",
        "--plan",
        str(tmp_path / "plan.json"),
    )
    assert code == 0
    expected = mm.kpis.programme_report(rels, as_of="2026-06-30", plan=plan)
    assert expected.at_risk
    for a in expected.at_risk:
        assert f"next step: {a.next_step}" in out


@pytest.mark.parametrize("content", ["{}", "not json", '{"kind": "mentormatch follow-up plan"}'])
def test_a_bad_plan_is_exit_2_and_nothing_written(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, content: str
) -> None:
    bad = tmp_path / "plan.json"
    bad.write_text(content, encoding="utf-8")
    report = tmp_path / "report.html"
    code, _, err = run(capsys, "kpis", RELATIONSHIPS, "--plan", str(bad), "-o", str(report))
    assert code == 2 and "plan" in err
    assert not report.exists()
    assert "Traceback" not in err
