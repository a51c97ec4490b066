"""Sign-ups, relationships and survey responses as HR exports them: ``.xlsx``
workbooks (any sheet, by ``sheet=``) and Windows-1252 CSV."""

from __future__ import annotations

import io
import warnings

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mentormatch as mm
from mentormatch import kpis
from mentormatch._files.survey import read_responses
from mentormatch._files.tables import write_xlsx
from mentormatch._problems import ProblemsError

pytest.importorskip("openpyxl")

HEADER = ["Role", "ID", "Name", "Skills", "Capacity", "Home Office"]
ROWS = [
    ["mentor", "m1", "Ann", "python:5", 2, "Paris"],
    ["mentee", "e1", "Bob", "python:2", None, "Lyon"],
]


def _two_sheets() -> bytes:
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(write_xlsx(["x"], [["ignored"]])))
    other = book.create_sheet("Sign-ups")
    for row in [HEADER, *ROWS]:
        other.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_signups_from_a_workbook_equal_the_same_csv() -> None:
    csv_text = "\n".join(",".join("" if c is None else str(c) for c in r) for r in [HEADER, *ROWS])
    from_csv = mm.read_signups(io.StringIO(csv_text + "\n"))
    from_xlsx = mm.read_signups(io.BytesIO(write_xlsx(HEADER, ROWS)))
    assert from_xlsx == from_csv
    assert from_xlsx.mentors[0].capacity == 2
    assert from_xlsx.mentees[0].attributes == {"home office": "Lyon"}


def test_signups_sheet_by_name_and_a_missing_sheet_named(tmp_path) -> None:
    path = tmp_path / "signups.xlsx"
    path.write_bytes(_two_sheets())
    got = mm.read_signups(path, sheet="Sign-ups")
    assert [m.id for m in got.mentors] == ["m1"]
    with pytest.raises(
        mm.SignupsError, match="no sheet 'Nope'; its sheets are 'Sheet1', 'Sign-ups'"
    ):
        mm.read_signups(path, sheet="Nope")
    with pytest.raises(mm.SignupsError, match="missing required column"):
        mm.read_signups(path)  # the first sheet is not the sign-ups


def test_sheet_is_refused_for_csv_and_dataframes() -> None:
    with pytest.raises(mm.SignupsError, match="not an Excel workbook"):
        mm.read_signups(io.StringIO("role,id\nmentor,m1\nmentee,e1\n"), sheet="x")
    with pytest.raises(ProblemsError, match="not an Excel workbook"):
        kpis.read_relationships(
            io.StringIO("mentee_id,mentor_id,started,status\ne1,m1,2025-01-01,active\n"),
            sheet="x",
        )


def test_bad_cells_of_a_workbook_name_row_and_column() -> None:
    rows = [["mentee", "e1", "Bob", "python:9", None, "Lyon"]]
    with pytest.raises(mm.SignupsError, match=r"row 2, column 'skills', id 'e1'"):
        mm.read_signups(io.BytesIO(write_xlsx(HEADER, rows)))


def test_relationships_and_responses_take_a_sheet(tmp_path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    book.active.title = "Notes"
    rel = book.create_sheet("Pairs")
    rel.append(["mentee_id", "mentor_id", "started", "status"])
    rel.append(["e1", "m1", "2025-03-01", "active"])
    survey = book.create_sheet("Survey")
    survey.append(["id", "q1"])
    survey.append(["e1", 4])
    path = tmp_path / "hr.xlsx"
    book.save(path)
    (pair,) = kpis.read_relationships(path, sheet="Pairs")
    assert (pair.mentee_id, pair.status) == ("e1", "active")
    got = read_responses(path, ["q1"], (1, 5), id_column="id", sheet="Survey")
    assert got.answers == [{"q1": 4.0}]


def test_file_encoding_warning_is_public() -> None:
    assert issubclass(mm.FileEncodingWarning, UserWarning)
    data = "role,id,name\nmentor,m1,Jos\xe9\nmentee,e1,Zo\xeb\n".encode("cp1252")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        got = mm.read_signups(io.BytesIO(data))
    assert [type(w.message) for w in caught] == [mm.FileEncodingWarning]
    assert got.mentors[0].name == "Jos\xe9"


@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.text(
            st.characters(min_codepoint=32, max_codepoint=0x2FF, exclude_categories=["Cs"]),
            min_size=1,
            max_size=12,
        ).filter(lambda t: t.strip() == t and t.strip()),
        min_size=1,
        max_size=5,
        unique=True,
    )
)
def test_property_workbook_names_read_back_as_written(names: list[str]) -> None:
    rows = [["mentor", f"m{i}", name, "", 1, ""] for i, name in enumerate(names)]
    rows.append(["mentee", "e0", "x", "", None, ""])
    got = mm.read_signups(io.BytesIO(write_xlsx(HEADER, rows)))
    assert [m.name for m in got.mentors] == names
