"""Tests of mentormatch.io: reading sign-ups, writing results, spreadsheet safety."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mentormatch as mm
from mentormatch import io as mmio
from mentormatch.io import Problem, SignupsError, read_results, read_signups, write_results

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "example_signups.csv"
HAS_DEMO = (Path(mm.__file__).parent / "data" / "demo_signups.csv").is_file()


def read_text(text: str) -> mmio.Signups:
    return read_signups(io.StringIO(text, newline=""))


def problems_of(text: str | bytes) -> list[Problem]:
    source = io.BytesIO(text) if isinstance(text, bytes) else io.StringIO(text, newline="")
    with pytest.raises(SignupsError) as info:
        read_signups(source)
    return list(info.value.problems)


# ----------------------------------------------------------------------------- reading


def test_example_file() -> None:
    mentees, mentors = read_signups(EXAMPLE)
    assert [p.id for p in mentees] == ["e1", "e2", "e3", "e4"]
    assert [p.id for p in mentors] == ["m1", "m2", "m3", "m4"]
    m1 = mentors[0]
    assert m1.capacity == 2
    assert m1.skills == {"python": 5, "sql": 4}
    assert m1.goals == ("leadership", "system design")
    assert m1.preferences == ("e2",)
    assert m1.attributes == {"location": "Lyon"}
    assert m1.manager_id == "m4"
    assert mentors[1].manager_id is None
    assert mentors[1].about.startswith("Sales director; moved")
    assert mentees[0].preferences == ("m4", "m3")


def test_semicolon_bom_crlf_quoted_newlines_and_loose_headers() -> None:
    text = (
        "\ufeff ROLE ;Id; Manager ID ;Skills;About;Office Location;empty\r\n"
        'mentor;m1;;"python:5";"line one\r\nline; two";Paris;\r\n'
        "Mentee ; e1 ;m1;python : 2;;;\r\n"
        ";;;;;;\r\n"
    )
    mentees, mentors = read_text(text)
    assert mentors[0].about == "line one\r\nline; two"
    assert mentors[0].attributes == {"office location": "Paris"}
    assert mentees[0].id == "e1" and mentees[0].manager_id == "m1"
    assert mentees[0].skills == {"python": 2}
    assert mentees[0].attributes == {}


def test_binary_file_objects_and_tabs() -> None:
    data = b"role\tid\tgoals\nmentee\te1\ta; b;\nmentor\tm1\t\n"
    mentees, mentors = read_signups(io.BytesIO(data))
    assert mentees[0].goals == ("a", "b")
    assert mentors[0].capacity == 1


def test_separate_files(tmp_path: Path) -> None:
    (tmp_path / "tees.csv").write_text("id,preferences\ne1,m1\n", encoding="utf-8")
    (tmp_path / "tors.csv").write_text("id,role,capacity\nm1,mentor,3\n", encoding="utf-8")
    mentees, mentors = read_signups(mentees=tmp_path / "tees.csv", mentors=tmp_path / "tors.csv")
    assert mentees[0].preferences == ("m1",)
    assert mentors[0].capacity == 3


def test_separate_files_role_must_agree() -> None:
    with pytest.raises(SignupsError) as info:
        read_signups(mentees=io.StringIO("id,role\ne1,mentor\n"), mentors=io.StringIO("id\nm1\n"))
    (problem,) = info.value.problems
    assert (problem.row, problem.column, problem.participant_id) == (2, "role", "e1")
    assert "file of mentees" in problem.message


def test_source_or_both_files_required() -> None:
    with pytest.raises(mm.MentormatchError, match="either one combined source"):
        read_signups(io.StringIO(""), mentees=io.StringIO(""))
    with pytest.raises(mm.MentormatchError, match="read_signups"):
        read_signups(mentees=io.StringIO("id\ne1\n"))


def test_json_list_and_object() -> None:
    listed = [
        {"role": "mentor", "id": "m1", "skills": {"python": 5}, "capacity": 2, "floor": 3},
        {
            "Role": "mentee",
            "ID": "e1",
            "goals": ["a", "b"],
            "preferences": "m1",
            "attributes": {"site": "Lyon"},
        },
    ]
    mentees, mentors = read_signups(io.StringIO(json.dumps(listed)))
    assert mentors[0].skills == {"python": 5} and mentors[0].capacity == 2
    assert mentors[0].attributes == {"floor": "3"}
    assert mentees[0].goals == ("a", "b") and mentees[0].attributes == {"site": "Lyon"}
    obj = {"mentees": [{"id": "e1", "skills": "sql:2"}], "mentors": [{"id": "m1"}]}
    mentees, mentors = read_signups(io.StringIO(json.dumps(obj)))
    assert mentees[0].skills == {"sql": 2} and mentors[0].id == "m1"


def test_json_problems_are_numbered() -> None:
    data = {"mentees": [{"id": "e1"}, {"id": ""}, 3], "mentors": [], "extra": 1}
    problems = problems_of(json.dumps(data))
    messages = " | ".join(str(p) for p in problems)
    assert "unknown top-level keys ['extra']" in messages
    assert any(p.row == 2 and p.column == "id" for p in problems)
    assert any(p.row == 3 and "must be an object" in p.message for p in problems)


def test_dataframe() -> None:
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(
        {
            "role": ["mentor", "mentee", "mentor"],
            "id": ["m1", "e1", "m2"],
            "capacity": [2, None, 0],
            "Floor": [3.0, None, 4.5],
            "skills": ["python:5", "python:2", None],
        }
    )
    mentees, mentors = read_signups(frame)
    assert [m.capacity for m in mentors] == [2, 0]
    assert mentors[0].attributes == {"floor": "3"} and mentors[1].attributes == {"floor": "4.5"}
    assert mentees[0].skills == {"python": 2} and mentees[0].attributes == {}
    bad = pd.DataFrame({"role": ["mentor"], "id": ["m1"], "capacity": [1.5]})
    with pytest.raises(SignupsError) as info:
        read_signups(bad)
    assert info.value.problems[0].row == 2


# ----------------------------------------------------------------------------- bad input

BAD_INPUT = [
    ("missing id column", "role,name\nmentor,Ann\n", 1, "id", "missing required column id"),
    ("missing role column", "id,name\nm1,Ann\n", 1, "role", "missing required column role"),
    ("empty id", "role,id\nmentor,\n", 2, "id", "the id is empty"),
    ("unknown role", "role,id\ncoach,m1\n", 2, "role", "unknown role 'coach'"),
    ("empty role", "role,id\n,m1\n", 2, "role", "the role is empty"),
    ("capacity not whole", "role,id,capacity\nmentor,m1,1.5\n", 2, "capacity", "whole number"),
    ("capacity text", "role,id,capacity\nmentor,m1,two\n", 2, "capacity", "got 'two'"),
    ("capacity negative", "role,id,capacity\nmentor,m1,-1\n", 2, "capacity", "set it to 0"),
    ("capacity on mentee", "role,id,capacity\nmentee,e1,1\n", 2, "capacity", "mentors only"),
    ("skill without level", "role,id,skills\nmentee,e1,python\n", 2, "skills", "no level"),
    ("skill with commas", 'role,id,skills\nmentee,e1,"a:1, b:2"\n', 2, "skills", "with ';'"),
    ("skill level text", "role,id,skills\nmentee,e1,python:high\n", 2, "skills", "whole number"),
    ("skill level 0", "role,id,skills\nmentee,e1,python:0\n", 2, "skills", "from 1 to 5"),
    ("skill level 6", "role,id,skills\nmentee,e1,python:6\n", 2, "skills", "from 1 to 5"),
    ("skill twice", "role,id,skills\nmentee,e1,sql:1; SQL:2\n", 2, "skills", "listed twice"),
    ("skill no name", "role,id,skills\nmentee,e1,:3\n", 2, "skills", "no name"),
    ("unknown preference", "role,id,preferences\nmentee,e1,m9\n", 2, "preferences", "'m9'"),
    (
        "preference twice",
        "role,id,preferences\nmentee,e1,m1;m1\nmentor,m1,\n",
        2,
        "preferences",
        "more than once",
    ),
    ("manager is self", "role,id,manager_id\nmentee,e1,e1\n", 2, "manager_id", "themself"),
    ("manager cycle", "role,id,manager_id\nmentee,a,b\nmentor,b,a\n", 2, "manager_id", "loops"),
    ("empty file", "", None, None, "the file is empty"),
    ("blank file", "\n \n", None, None, "the file is empty"),
    ("header only", "role,id\n", None, None, "no people"),
    ("too many cells", "role,id\nmentee,e1,extra\n", 2, None, "enclosed in double quotes"),
    ("unclosed quote", 'role,id\nmentee,"e1\n', 2, None, "not valid CSV"),
    ("stray quote", 'role,id\nmentee,"e1"x\n', 2, None, "not valid CSV"),
    ("duplicate column", "role,id,ID \nmentee,e1,e2\n", 1, "id", "both mean 'id'"),
    ("unnamed column", "role,id,\nmentee,e1,x\n", 1, None, "no name"),
    ("broken json", '{"mentees": [', None, None, "not valid JSON"),
    ("neither json nor csv", "[1", 1, "id", "missing required columns id, role"),
]


@pytest.mark.parametrize(
    ("text", "row", "column", "message"),
    [case[1:] for case in BAD_INPUT],
    ids=[case[0] for case in BAD_INPUT],
)
def test_bad_input(text: str, row: int | None, column: str | None, message: str) -> None:
    problems = problems_of(text)
    assert any(p.row == row and p.column == column and message in p.message for p in problems), (
        problems
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"PK\x03\x04rest", "Excel workbook"),
        (b"role,id\n\x81\xfe,x\n", "not UTF-8"),  # 0x81: not cp1252 either
        (b"role,id\x00\n", "binary"),
    ],
    ids=["xlsx", "latin-1", "nul"],
)
def test_not_csv(data: bytes, message: str) -> None:
    (problem,) = problems_of(data)
    assert message in problem.message


def test_every_problem_reported_at_once() -> None:
    text = (
        "role,id,skills,capacity,preferences\n"
        "mentor,m1,python:9,x,e9\n"  # row 2: level, capacity, unknown preference
        "mentee,e1,python:2,,m1\n"
        "mentee,e1,sql,,\n"  # row 4: skill without level; duplicate id
        "boss,b1,,,\n"  # row 5: unknown role
    )
    with pytest.raises(SignupsError) as info:
        read_text(text)
    found = {(p.row, p.column) for p in info.value.problems}
    assert found == {
        (2, "skills"),
        (2, "capacity"),
        (2, "preferences"),
        (4, "skills"),
        (4, "id"),
        (5, "role"),
    }
    duplicate = next(p for p in info.value.problems if p.column == "id")
    assert "rows 3 and 4" in duplicate.message
    message = str(info.value)
    assert message.startswith("6 problems in the sign-ups:")
    assert "row 4, column 'id', id 'e1'" in message
    assert isinstance(info.value, ValueError)


def test_duplicates_across_separate_files_name_both() -> None:
    with pytest.raises(SignupsError) as info:
        read_signups(
            mentees=io.StringIO("id\ne1\n"),
            mentors=io.StringIO("id\nm1\nm1\n"),
        )
    (problem,) = info.value.problems
    assert problem.source == "mentors" and "rows 2 and 3" in problem.message


def test_missing_file_is_file_not_found(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        read_signups(tmp_path / "nope.csv")


def test_problem_str_and_error_fields() -> None:
    err = SignupsError([Problem("bad", row=3, column="skills", participant_id="e1", source="f")])
    assert (err.field, err.participant_id, err.value) == ("skills", "e1", 3)
    assert str(err.problems[0]) == "f, row 3, column 'skills', id 'e1': bad"


# ----------------------------------------------------------------------------- hypothesis

_text = st.text(
    alphabet=st.characters(exclude_categories=["Cs"], exclude_characters="\x00"),
    max_size=12,
)
_item = _text.map(str.strip).filter(lambda s: s and ";" not in s and "," not in s)
_value = _text.map(str.strip).filter(bool)


@st.composite
def programmes(draw: st.DrawFn) -> tuple[list[mm.Mentee], list[mm.Mentor]]:
    n_tees = draw(st.integers(0, 4))
    n_tors = draw(st.integers(1, 4))
    tee_ids = [f"e{i}" for i in range(n_tees)]
    tor_ids = [f"m{i}" for i in range(n_tors)]
    keys = draw(st.lists(st.sampled_from(["location", "language", "team x"]), unique=True))

    def common(pid: str, others: list[str]) -> dict[str, Any]:
        skills = draw(
            st.dictionaries(
                _item.filter(lambda s: ":" not in s[-1:]), st.integers(1, 5), max_size=3
            )
        )
        folded: dict[str, int] = {}
        for name, level in skills.items():
            if name.casefold() not in {k.casefold() for k in folded}:
                folded[name] = level
        return {
            "id": pid,
            "name": draw(st.none() | _value),
            "department": draw(st.just("") | _value),
            "skills": folded,
            "goals": draw(st.lists(_item, max_size=3)),
            "preferences": draw(st.lists(st.sampled_from(others), unique=True)) if others else [],
            "about": draw(st.just("") | _value),
            "attributes": {k: draw(_value) for k in keys if draw(st.booleans())},
        }

    mentees = [mm.Mentee(**common(i, tor_ids)) for i in tee_ids]
    mentors = [mm.Mentor(capacity=draw(st.integers(0, 3)), **common(i, tee_ids)) for i in tor_ids]
    return mentees, mentors


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    programme=programmes(),
    delimiter=st.sampled_from([",", ";", "\t"]),
    quoting=st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]),
    bom=st.booleans(),
    crlf=st.booleans(),
)
def test_csv_files_of_odd_text_load_exactly(
    programme: tuple[list[mm.Mentee], list[mm.Mentor]],
    delimiter: str,
    quoting: Any,
    bom: bool,
    crlf: bool,
) -> None:
    mentees, mentors = programme
    buffer = io.StringIO()
    mmio.write_signups(mentees, mentors, buffer)
    rows = list(csv.reader(io.StringIO(buffer.getvalue(), newline="")))
    if not crlf:
        # with "\n" line ends Python's writer leaves a bare "\r" unquoted: not valid CSV
        quoting = csv.QUOTE_ALL
    out = io.StringIO()
    csv.writer(
        out, delimiter=delimiter, quoting=quoting, lineterminator="\r\n" if crlf else "\n"
    ).writerows(rows)
    data = ("\ufeff" if bom else "") + out.getvalue()
    got = read_signups(io.BytesIO(data.encode("utf-8")))
    assert got.mentees == tuple(mentees)
    assert got.mentors == tuple(mentors)


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list('role,id;mentee"\n\r :1e5xm\t=')), max_size=80))
def test_arbitrary_text_loads_or_reports_numbered_problems(text: str) -> None:
    try:
        read_signups(io.StringIO(text))
    except SignupsError as exc:
        assert exc.problems
        for p in exc.problems:
            assert p.message
            assert p.row is None or p.row >= 1
            # file-level problems only: everything about a row names the row
            if p.row is None:
                assert any(
                    w in p.message for w in ("empty", "no people", "JSON", "list", "object")
                ), p


@settings(max_examples=40, deadline=None)
@given(programme=programmes())
def test_json_signups_round_trip(programme: tuple[list[mm.Mentee], list[mm.Mentor]]) -> None:
    mentees, mentors = programme
    buffer = io.StringIO()
    mmio.write_signups(mentees, mentors, buffer, format="json")
    assert read_signups(io.StringIO(buffer.getvalue())) == (tuple(mentees), tuple(mentors))


# ----------------------------------------------------------------------------- writing


def test_write_signups_refuses_what_csv_cannot_hold() -> None:
    with pytest.raises(mm.MentormatchError, match="write JSON instead"):
        mmio.write_signups([mm.Mentee(id="e1", goals=["a;b"])], [], io.StringIO())
    with pytest.raises(mm.MentormatchError, match="cannot be a CSV column"):
        mmio.write_signups([mm.Mentee(id="e1", attributes={"Site": "x"})], [], io.StringIO())


def test_write_format_is_checked() -> None:
    with pytest.raises(mm.MentormatchError, match="'format' parameter"):
        mmio.write_signups([], [], io.StringIO(), format="xlsx")


def _result() -> mm.MatchResult:
    mentees, mentors = read_signups(EXAMPLE)
    return mm.presets.career_guidance().match(mentees, mentors)


def test_results_csv(tmp_path: Path) -> None:
    result = _result()
    path = tmp_path / "matches.csv"
    write_results(result, path)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert [r["mentee_id"] for r in rows] == ["e1", "e2", "e3", "e4"]
    contribution_columns = [c for c in rows[0] if c.startswith("contribution_")]
    assert contribution_columns == [f"contribution_{k}" for k in result.metadata["criteria"]]
    for row, match in zip(rows, result.matches, strict=True):
        assert row["mentor_id"] == match.mentor_id
        assert float(row["score"]) == pytest.approx(match.score, abs=5e-5)
        total = sum(float(row[c]) for c in contribution_columns)
        assert total == pytest.approx(match.score, abs=5e-4)
        assert row["reasons"] == "; ".join(match.reasons)
    assert oct(path.stat().st_mode & 0o777) == oct(0o644)
    assert list(tmp_path.iterdir()) == [path]


def test_unmatched_rows_carry_the_reason(tmp_path: Path) -> None:
    result = mm.Matcher(criteria=[mm.GoalOverlap()]).match(
        [mm.Mentee(id="e1"), mm.Mentee(id="e2")], [mm.Mentor(id="m1")]
    )
    out = io.StringIO()
    write_results(result, out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert [r["mentee_id"] for r in rows] == ["e1", "e2"]
    assert rows[1]["mentor_id"] == "" and "capacity exhausted" in rows[1]["unmatched_reason"]


def test_results_json_round_trip(tmp_path: Path) -> None:
    result = _result()
    path = tmp_path / "matches.json"
    write_results(result, path)
    saved = read_results(path)
    assert saved.matches == result.matches
    assert saved.unmatched == result.unmatched
    assert saved.total_score == result.total_score
    assert saved.to_records() == result.to_records()
    for m in result.matches:
        assert saved.explain(m.mentee_id) == result.explain(m.mentee_id)
        assert saved.explain(m.mentee_id).summary() == result.explain(m.mentee_id).summary()
    with pytest.raises(mm.MentormatchError, match="not in this result"):
        saved.explain("nobody")
    # and once more: a result read back writes the same file
    again = tmp_path / "again.json"
    write_results(saved, again)
    assert json.loads(again.read_text()) == json.loads(path.read_text())


def test_read_results_rejects_other_files(tmp_path: Path) -> None:
    with pytest.raises(mm.MentormatchError, match="is not valid JSON"):
        read_results(EXAMPLE)
    with pytest.raises(mm.MentormatchError, match="not a mentormatch results file"):
        read_results(io.StringIO("[]"))
    with pytest.raises(mm.MentormatchError, match="version 7"):
        read_results(io.StringIO('{"version": 7, "matches": [], "unmatched": []}'))
    with pytest.raises(mmio.ResultsError, match="entry 1 of 'matches': mentee_id must be an id"):
        read_results(io.StringIO('{"version": 1, "matches": [{}], "unmatched": []}'))


def test_round_trip_read_match_write_read(tmp_path: Path) -> None:
    mentees, mentors = read_signups(EXAMPLE)
    result = mm.presets.career_guidance().match(mentees, mentors)
    write_results(result, tmp_path / "m.json")
    for name in ("s.csv", "s.json"):
        mmio.write_signups(mentees, mentors, tmp_path / name)
        again = read_signups(tmp_path / name)
        assert again == (mentees, mentors)
        assert mm.presets.career_guidance().match(*again).matches == result.matches
    assert read_results(tmp_path / "m.json").matches == result.matches


# ----------------------------------------------------------------------------- spreadsheet safety

DANGEROUS = ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "'=already", '=HYPERLINK("x")']


@pytest.mark.parametrize("value", DANGEROUS)
def test_formula_cells_are_neutralised_and_read_back(value: str) -> None:
    mentee = mm.Mentee(id="e1", about=value, attributes={"note": value}, goals=[value.strip()])
    out = io.StringIO()
    mmio.write_signups([mentee], [], out)
    for row in list(csv.reader(io.StringIO(out.getvalue(), newline="")))[1:]:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), row
    # the reader removes the apostrophe again (strip: cells are trimmed on reading)
    got = read_signups(io.StringIO(out.getvalue(), newline="")).mentees[0]
    assert got.attributes["note"] == value.strip()
    assert got.goals == (value.strip(),)


def test_results_csv_neutralises_reasons_and_ids() -> None:
    result = mm.MatchResult(
        matches=(mm.Match("=e1", "@m1", 0.5, {"goals": 0.5}, ("-shares", "+x")),),
        unmatched=(mm.Unmatched("-e2", "=reason"),),
        total_score=0.5,
        metadata={"criteria": ("goals",)},
    )
    out = io.StringIO()
    write_results(result, out)
    lines = out.getvalue().splitlines()
    assert lines[1] == "'=e1,'@m1,0.5000,0.5000,'-shares; +x,"
    assert lines[2] == "'-e2,,,,,'=reason"


def test_nothing_is_written_when_writing_fails(tmp_path: Path) -> None:
    class Boom:
        def __str__(self) -> str:
            raise RuntimeError("boom")

    class Result:
        def to_records(self) -> list[dict[str, object]]:
            return [{"mentee_id": "e1"}, {"mentee_id": Boom()}]

    path = tmp_path / "matches.csv"
    path.write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError, match="boom"):
        write_results(Result(), path)  # type: ignore[arg-type]
    assert path.read_text(encoding="utf-8") == "old"
    assert sorted(os.listdir(tmp_path)) == ["matches.csv"]


@pytest.mark.skipif(not HAS_DEMO, reason="the demo data is not there yet")
def test_load_demo() -> None:
    mentees, mentors = mmio.load_demo()
    assert len(mentees) >= 40 and len(mentors) >= 15
    assert mentees[0].id == "e01" and mentors[0].id == "m01"
