"""Every reader of tables opens its file through one seam, ``_files.tables.open_source``,
so a new format or encoding added there reaches them all."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import mentormatch as mm
from mentormatch import kpis, surveys
from mentormatch._files import tables
from mentormatch._files.survey import read_responses
from mentormatch._problems import Problems

RELATIONSHIPS = "mentee_id,mentor_id,started,status\ne1,m1,2025-01-06,active\n"
MEETINGS = "mentee_id,mentor_id,date\ne1,m1,2025-01-20\n"
SIGNUPS = "role,id,goals\nmentee,e1,sql\nmentor,m1,sql\n"
RESPONSES = "id,q1,q2\nr1,4,5\nr2,3,\n"


def _results_json(tmp: Path) -> Path:
    mentees, mentors = mm.io.read_signups(io.StringIO(SIGNUPS))
    path = tmp / "matches.json"
    mm.io.write_results(mm.Matcher([mm.GoalOverlap()]).match(mentees, mentors), path)
    return path


READERS: dict[str, Callable[[Path], object]] = {
    "relationships": lambda tmp: kpis.read_relationships(io.StringIO(RELATIONSHIPS)),
    "relationships and meetings": lambda tmp: kpis.read_relationships(
        io.StringIO(RELATIONSHIPS), meetings=io.StringIO(MEETINGS)
    ),
    "sign-ups": lambda tmp: mm.io.read_signups(io.StringIO(SIGNUPS)),
    "survey responses": lambda tmp: read_responses(
        io.StringIO(RESPONSES), ["q1", "q2"], (1, 5), id_column="id"
    ),
    "results": lambda tmp: mm.io.read_results(_results_json(tmp)),
    "a table": lambda tmp: tables.read_table(io.StringIO(RELATIONSHIPS)),
}


@pytest.mark.parametrize("reader", list(READERS))
def test_every_reader_opens_its_file_through_the_seam(
    reader: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[tables.TableSource | None] = []
    real = tables.open_source

    def spy(*args: Any, **kwargs: Any) -> tables.TableSource | None:
        got = real(*args, **kwargs)
        opened.append(got)
        return got

    monkeypatch.setattr(tables, "open_source", spy)
    READERS[reader](tmp_path)
    assert opened, f"{reader} read its file without open_source"
    assert all(o is not None and o.text is not None for o in opened)


def test_the_seam_names_what_it_cannot_open() -> None:
    sink = Problems(None)
    assert tables.open_source(b"not a path", "the table", sink) is None
    assert "expected a path, an open file or a pandas DataFrame" in sink.items[0].message
    sink = Problems(None)
    assert tables.open_source(io.BytesIO(b"PK\x03\x04zip"), "the table", sink) is None
    assert "zip file" in sink.items[0].message


def test_a_workbook_is_handed_on_only_to_readers_that_take_one() -> None:
    data = b"PK\x03\x04rest of a zip"
    got = tables.open_source(io.BytesIO(data), "the table", Problems(None), workbooks=True)
    assert got is not None and got.workbook == data and got.text is None


def test_a_missing_file_is_a_problem_or_raises_as_asked(tmp_path: Path) -> None:
    sink = Problems(None)
    assert tables.open_source(tmp_path / "none.csv", "the table", sink) is None
    assert sink.items[0].message.startswith("no such file")
    with pytest.raises(FileNotFoundError):
        tables.open_source(tmp_path / "none.csv", "the table", Problems(None), missing="raise")


def test_the_surveys_read_what_the_seam_opened() -> None:
    got = read_responses(io.StringIO(RESPONSES), ["q1", "q2"], (1, 5), id_column="id")
    inst = surveys.Instrument(items=["q1", "q2"], scale=(1, 5))
    assert inst.score(got.answers).n_answered.tolist() == [2, 1]
