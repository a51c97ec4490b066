"""Files as HR tools export them: UTF-8 with or without a byte-order mark, Windows-1252
(read with a warning that names the file), and Excel workbooks read and written
through openpyxl (the ``[excel]`` extra): cells as Excel holds them, a bad-input
matrix, and the round trip as a property."""

from __future__ import annotations

import io
import math
import re
import warnings
from datetime import date, datetime, time, timezone
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mentormatch import kpis, read_signups
from mentormatch._errors import FileEncodingWarning, MentormatchError
from mentormatch._files import tables as _tables
from mentormatch._files.tables import read_table, read_table_checked, write_table, write_xlsx
from mentormatch._problems import ProblemsError

openpyxl = pytest.importorskip("openpyxl")

DEMO = Path(__file__).parents[2] / "src" / "mentormatch" / "data"
RELATIONSHIPS = (DEMO / "demo_relationships.csv").read_text(encoding="utf-8")


def _book(
    rows: list[list[Any]], *, title: str = "Sheet1", more: dict[str, list[list[Any]]] | None = None
) -> bytes:
    """A workbook made with openpyxl itself, as Excel or pandas would save it."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    for name, extra in (more or {}).items():
        other = book.create_sheet(name)
        for row in extra:
            other.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _problems(source: object, **kwargs: Any) -> list[str]:
    _, problems = read_table_checked(source, **kwargs)
    return [f"{p.row}|{p.column}|{p.message}" for p in problems.items]


# ------------------------------------------------------------------ encodings
def test_utf8_with_and_without_bom_read_the_same(tmp_path: Path) -> None:
    text = "mentee_id,name\ne1,Zoë Ångström\n"
    plain = tmp_path / "plain.csv"
    plain.write_text(text, encoding="utf-8")
    marked = tmp_path / "marked.csv"
    marked.write_text(text, encoding="utf-8-sig")
    assert marked.read_bytes().startswith(b"\xef\xbb\xbf")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert read_table(plain) == read_table(marked)
    assert read_table(plain).rows[0].cells["name"] == "Zoë Ångström"


def test_windows_1252_is_read_with_a_warning_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "export from excel.csv"
    path.write_bytes("mentee_id;name\ne1;José Müller – “Ops”\n".encode("cp1252"))
    with pytest.warns(FileEncodingWarning) as caught:
        table = read_table(path)
    assert table.rows[0].cells == {"mentee_id": "e1", "name": "José Müller – “Ops”"}
    (warning,) = caught
    message = str(warning.message)
    assert str(path) in message and "Windows-1252" in message and "cp1252" in message
    assert "CSV UTF-8" in message  # the cure


def test_windows_1252_relationships_and_signups(tmp_path: Path) -> None:
    rels = tmp_path / "relationships.csv"
    rels.write_bytes(RELATIONSHIPS.replace("People", "Ressources humaines é").encode("cp1252"))
    with pytest.warns(FileEncodingWarning, match="relationships.csv"):
        read = kpis.read_relationships(rels)
    assert read[0].attributes["department"] == "Ressources humaines é"
    signups = tmp_path / "signups.csv"
    text = (DEMO / "demo_signups.csv").read_text(encoding="utf-8")
    first = text.splitlines()[1].split(",")[2]  # a name
    signups.write_bytes(text.replace(first, first + " Pérez", 1).encode("cp1252"))
    with pytest.warns(FileEncodingWarning, match="signups.csv"):
        people = read_signups(signups)
    assert any(p.name == first + " Pérez" for p in [*people.mentees, *people.mentors])


@pytest.mark.parametrize(
    "data",
    [
        "id\nZoë\n".encode() + b"\xff\n",  # UTF-8 with one damaged byte: not a cp1252 guess
        b"\xef\xbb\xbfid\n\xe9\n",  # marked as UTF-8 by its byte-order mark
        b"id\n\x81\n",  # 0x81 is not a cp1252 character
        "id\n\ud800\n".encode("utf-8", "surrogatepass"),  # an encoded surrogate
    ],
    ids=["damaged utf-8", "bom", "not cp1252", "surrogate"],
)
def test_text_that_is_not_windows_1252_is_an_error_not_a_guess(data: bytes) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        (problem,) = _problems(io.BytesIO(data))
    assert "UTF-8" in problem


# ------------------------------------------------------------------ reading .xlsx
def test_xlsx_cells_come_as_excel_holds_them() -> None:
    data = _book(
        [
            [None, None],  # a blank first row: the header is the first row with a value
            ["Mentee ID", "Started", "Goals", "Score", "Note", "Active"],
            ["e1", datetime(2025, 3, 1), 2.0, 0.5, "  trimmed  ", True],
            [None, None, None, None, None, None],  # an empty row is skipped
            ["e2", date(2025, 4, 1), 3, None, "", False],
        ]
    )
    table = read_table(io.BytesIO(data))
    assert table.columns == ("mentee_id", "started", "goals", "score", "note", "active")
    assert table.original[0] == "Mentee ID"
    assert [r.number for r in table.rows] == [3, 5]  # as Excel numbers its rows
    first, second = (r.cells for r in table.rows)
    assert first == {
        "mentee_id": "e1",
        "started": datetime(2025, 3, 1),
        "goals": 2,
        "score": 0.5,
        "note": "trimmed",
        "active": True,
    }
    assert type(first["goals"]) is int
    assert second["started"] == datetime(2025, 4, 1) and second["score"] is None
    assert second["note"] is None and second["active"] is False


def test_named_sheet_and_first_sheet(tmp_path: Path) -> None:
    data = _book([["id"], ["first"]], title="Intro", more={"People": [["id"], ["second"]]})
    path = tmp_path / "book.xlsx"
    path.write_bytes(data)
    assert read_table(path).rows[0].cells == {"id": "first"}
    assert read_table(path, sheet="People").rows[0].cells == {"id": "second"}
    with pytest.raises(ProblemsError, match=r"no sheet 'Staff'; its sheets are 'Intro', 'People'"):
        read_table(path, sheet="Staff")


def test_relationships_saved_by_pandas_as_xlsx_read_the_same(tmp_path: Path) -> None:
    pd = pytest.importorskip("pandas")
    frame = pd.read_csv(
        DEMO / "demo_relationships.csv", parse_dates=["started", "planned_end", "ended"]
    )
    path = tmp_path / "relationships.xlsx"
    frame.to_excel(path, index=False)
    assert kpis.read_relationships(path) == kpis.load_demo_relationships()


def _error_cell_book() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["mentee_id", "goals_met"])
    sheet.append(["e1", 1])
    sheet.append(["e2", None])
    sheet["B3"].value = "#DIV/0!"
    sheet["B3"].data_type = "e"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


BAD_XLSX: dict[str, tuple[Any, dict[str, Any], str]] = {
    "empty sheet": (_book([]), {}, "None|None|the sheet 'Sheet1' is empty"),
    "empty named sheet": (
        _book([["id"], ["e1"]], more={"Blank": []}),
        {"sheet": "Blank"},
        "the sheet 'Blank' is empty",
    ),
    "unknown sheet": (
        _book([["id"]]),
        {"sheet": "Nope"},
        "no sheet 'Nope'; its sheets are 'Sheet1'",
    ),
    "unnamed column": (_book([["id", None, "x"], ["e1", 1, 2]]), {}, "1|None|column 2 has no name"),
    "same column twice": (
        _book([["Mentee ID", "mentee id"], ["e1", "e2"]]),
        {},
        "1|mentee_id|columns 'Mentee ID' and 'mentee id' both mean 'mentee_id'",
    ),
    "value beyond the header": (
        _book([["id"], ["e1", None, "stray"]]),
        {},
        "2|None|the row has a value in column B or later, but the header names only 1 columns",
    ),
    "excel error": (
        _error_cell_book(),
        {},
        "3|goals_met|the cell holds the Excel error #DIV/0!; fix the formula or clear the cell",
    ),
    "damaged zip": (b"PK\x03\x04" + bytes(60), {}, "not a readable Excel workbook (.xlsx)"),
    "zip that is not a workbook": (None, {}, "not a readable Excel workbook (.xlsx)"),
    "old .xls": (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(60),
        {},
        "old-style Excel file (.xls)",
    ),
    "sheet for a CSV": (b"id\ne1\n", {"sheet": "People"}, "this is not an Excel workbook"),
}


def _plain_zip() -> bytes:
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "hello")
    return buffer.getvalue()


@pytest.mark.parametrize("case", list(BAD_XLSX), ids=list(BAD_XLSX))
def test_bad_workbooks_are_refused_naming_the_cell_and_the_fix(case: str, tmp_path: Path) -> None:
    data, kwargs, expected = BAD_XLSX[case]
    if data is None:
        data = _plain_zip()
    path = tmp_path / "book.xlsx"
    path.write_bytes(data)
    found = _problems(path, **kwargs)
    assert any(expected in f for f in found), found
    with pytest.raises(ProblemsError) as info:  # what the public readers raise
        read_table(path, **kwargs)
    assert isinstance(info.value, MentormatchError) and str(path) in str(info.value)


def test_without_openpyxl_the_error_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    data = _book([["id"], ["e1"]])
    monkeypatch.setattr(_tables, "_openpyxl", lambda: None)
    (problem,) = _problems(io.BytesIO(data))
    assert "pip install 'mentormatch-engine[excel]'" in problem and "CSV UTF-8" in problem
    with pytest.raises(
        MentormatchError, match=r"needs openpyxl: pip install 'mentormatch-engine\[excel\]'"
    ):
        write_xlsx(["id"], [["e1"]])
    with pytest.raises(MentormatchError, match="mentormatch-engine"):
        kpis.read_relationships(io.BytesIO(data))


# ------------------------------------------------------------------ writing .xlsx
def test_written_text_never_becomes_a_formula(tmp_path: Path) -> None:
    path = tmp_path / "out.xlsx"
    hostile = ['=HYPERLINK("http://evil.example","x")', "+1", "-2", "@SUM(A1)", "\tx", "'=x"]
    write_xlsx(["id", "note"], [[h, h] for h in hostile], path)
    book = openpyxl.load_workbook(path)  # formulas as written, not their values
    cells = [c for row in book.active.iter_rows(min_row=2) for c in row]
    assert all(c.data_type == "s" for c in cells)
    assert [c.value for c in cells[::2]] == ["'" + h for h in hostile]
    back = read_table(path)
    assert [r.cells["note"] for r in back.rows] == [h.strip() for h in hostile]


def test_written_numbers_dates_and_missing_values(tmp_path: Path) -> None:
    pd = pytest.importorskip("pandas")
    row = [np.int64(3), np.float64(0.25), np.bool_(True), float("nan"), None, pd.NaT,
           pd.Timestamp("2025-03-01"), np.datetime64("2025-03-02"), date(2025, 3, 3), time(9, 30)]  # fmt: skip
    header = [f"c{i}" for i in range(len(row))]
    cells = read_table(io.BytesIO(write_xlsx(header, [row]))).rows[0].cells
    assert list(cells.values()) == [
        3, 0.25, True, None, None, None,
        datetime(2025, 3, 1), datetime(2025, 3, 2), datetime(2025, 3, 3), time(9, 30),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("bell\x07", "control character (U+0007)"),
        ("a\rb", "control character (U+000D)"),
        ("x" * 32_768, "32,768 characters; an Excel cell holds 32,767"),
        (datetime(2025, 3, 1, tzinfo=timezone.utc), "Excel dates have no time zone"),
        (math.inf, "infinite number"),
        (1.7976931348623155e308, "close to the largest float"),  # 16 digits round it up to inf
        (2**60, "too long for Excel"),
    ],
    ids=[
        "bell",
        "carriage return",
        "too long",
        "time zone",
        "infinity",
        "near infinity",
        "huge integer",
    ],
)
def test_cells_excel_cannot_hold_are_refused_naming_row_and_column(
    value: object, message: str, tmp_path: Path
) -> None:
    path = tmp_path / "out.xlsx"
    with pytest.raises(
        MentormatchError,
        match=r"row 3, column 'note': .*" + re.escape(message),
    ) as info:
        write_xlsx(["id", "note"], [["e1", "ok"], ["e2", value]], path)
    assert info.value.field == "note"
    assert not path.exists()  # nothing half-written


def test_write_table_chooses_the_format_by_extension(tmp_path: Path) -> None:
    rows = [["e1", 0.5]]
    csv_path = write_table(["id", "score"], rows, tmp_path / "out.csv")
    assert csv_path.read_text(encoding="utf-8") == "id,score\ne1,0.5\n"
    xlsx_path = write_table(["id", "score"], rows, tmp_path / "OUT.XLSX")
    assert xlsx_path.read_bytes().startswith(b"PK\x03\x04")
    assert read_table(xlsx_path).rows[0].cells == {"id": "e1", "score": 0.5}
    for name in ("out.md", "out.json", "out"):
        with pytest.raises(MentormatchError, match=r"should end in \.csv or \.xlsx"):
            write_table(["id"], rows, tmp_path / name)
        assert not (tmp_path / name).exists()


def test_an_output_never_replaces_an_input_folder(tmp_path: Path) -> None:
    with pytest.raises(MentormatchError, match="folder"):
        write_xlsx(["id"], [["e1"]], tmp_path)


def test_the_same_table_gives_the_same_workbook() -> None:
    import zipfile

    data = write_xlsx(["id", "started"], [["e1", date(2025, 3, 1)]])
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    core = archive.read("docProps/core.xml").decode()
    assert str(datetime.now().year) not in core  # no clock reading, not even "last modified"
    assert data == write_xlsx(["id", "started"], [["e1", date(2025, 3, 1)]])
    assert "creator" not in core  # no author either
    assert openpyxl.load_workbook(io.BytesIO(data)).active.cell(2, 2).value == datetime(2025, 3, 1)


# ------------------------------------------------------------------ the round trip
_XML_SAFE = st.characters(
    blacklist_categories=("Cs",),
    blacklist_characters="\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\r\x0e\x0f\x10\x11"
    "\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f\ufffe\uffff",
)
_cells = st.one_of(
    st.none(),
    st.text(_XML_SAFE, max_size=20),
    st.integers(-(2**53), 2**53),
    st.floats(allow_nan=False, allow_infinity=False, width=64, max_value=1e308, min_value=-1e308),
    st.booleans(),
    st.dates(min_value=date(1900, 3, 1), max_value=date(9999, 12, 31)),
    st.datetimes(min_value=datetime(1900, 3, 1), max_value=datetime(9999, 12, 31)).map(
        lambda d: d.replace(microsecond=0)
    ),
)


def _as_read(value: object) -> object:
    """What a cell written as ``value`` reads back as."""
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, date) and not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day)
    return value


def _same(read: object, written: object) -> bool:
    """Equal, numbers to the 16 significant digits a workbook keeps (Excel shows 15)."""
    if isinstance(written, float) and not isinstance(read, bool) and isinstance(read, (int, float)):
        return math.isclose(read, written, rel_tol=1e-15, abs_tol=0.0)
    return type(read) is type(_as_read(written)) and read == _as_read(written)


@settings(max_examples=80, deadline=None)
@given(
    columns=st.lists(
        st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True), min_size=1, max_size=4, unique=True
    ),
    data=st.data(),
)
def test_property_a_table_written_to_xlsx_reads_back_the_same(
    columns: list[str], data: st.DataObject
) -> None:
    rows = data.draw(
        st.lists(st.lists(_cells, min_size=len(columns), max_size=len(columns)), max_size=6)
    )
    back = read_table(io.BytesIO(write_xlsx(columns, rows)))
    assert back.columns == tuple(columns)
    kept = [(k + 2, row) for k, row in enumerate(rows) if any(_as_read(v) is not None for v in row)]
    assert [r.number for r in back.rows] == [k for k, _ in kept]  # empty rows are skipped
    for read, (_, written) in zip(back.rows, kept, strict=True):
        values = list(read.cells.values())
        assert all(_same(r, w) for r, w in zip(values, written, strict=True)), (values, written)


_VALID = write_xlsx(["id", "started", "score"], [["e1", date(2025, 3, 1), 0.5], ["e2", None, 3]])


@settings(max_examples=60, deadline=None)
@given(
    edits=st.lists(
        st.tuples(st.integers(0, len(_VALID) - 1), st.integers(0, 255)), min_size=1, max_size=8
    ),
    cut=st.integers(4, len(_VALID)),
)
def test_property_a_damaged_workbook_reads_or_is_refused_never_crashes(
    edits: list[tuple[int, int]], cut: int
) -> None:
    data = bytearray(_VALID[:cut])
    for at, byte in edits:
        if at < len(data):
            data[at] = byte
    if not data.startswith(b"PK\x03\x04"):
        data[:4] = b"PK\x03\x04"
    table, problems = read_table_checked(io.BytesIO(bytes(data)))
    assert table is not None or len(problems) > 0
