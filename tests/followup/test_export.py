"""Plans out: records, DataFrame, CSV and JSON that round-trip, and calendars parsed back
with icalendar (UIDs unique and stable, dates right, names only when asked)."""

from __future__ import annotations

import csv
import io
import json
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mentormatch as mm
from mentormatch._files.tables import unneutralise
from mentormatch.followup import FollowUpPlan, Milestone

from .helpers import people, result_of

icalendar = pytest.importorskip("icalendar")

START = date(2026, 1, 12)
MENTEES, MENTORS = people(8)
PAIRS = [(f"e{i:03d}", f"m{(3 * i) % 8:03d}") for i in range(8)]


def _plan(**kw: object) -> FollowUpPlan:
    kw.setdefault("start", START)
    return mm.followup.plan(result_of(PAIRS), [*MENTEES, *MENTORS], **kw)  # type: ignore[arg-type]


def _events(ics: str) -> list[icalendar.Event]:
    return list(icalendar.Calendar.from_ical(ics).walk("VEVENT"))


# --------------------------------------------------------------------------- event rows


def test_records_hold_every_check_in_and_milestone_in_date_order() -> None:
    p = _plan(programme="skills_training")
    rows = p.to_records()
    assert list(rows[0]) == ["mentee_id", "mentor_id", "date", "event", "description"]
    assert len(rows) == sum(len(x.meetings) + len(x.milestones) for x in p.pairs) == 8 * 17
    for pair in p.pairs:
        mine = [r for r in rows if r["mentee_id"] == pair.mentee_id]
        assert {r["mentor_id"] for r in mine} == {pair.mentor_id}
        assert [r["date"] for r in mine] == sorted(r["date"] for r in mine)
        assert [r["date"] for r in mine if r["event"] == "check-in"] == list(pair.meetings)
        assert [
            (r["event"], r["date"], r["description"]) for r in mine if r["event"] != "check-in"
        ] == [(m.name, m.due, m.description) for m in pair.milestones]
        texts = [r["description"] for r in mine if r["event"] == "check-in"]
        assert texts[0] == f"Check-in 1 of 13. Suggested topic: {pair.talking_points[0].topic}"
        assert texts[3] == f"Check-in 4 of 13. Suggested topic: {pair.talking_points[0].topic}"
    # on the same day, the check-in comes before the milestone (kick-off on day 14)
    day14 = [r["event"] for r in rows[:17] if r["date"] == START + timedelta(days=14)]
    assert day14 == ["check-in", "kick-off"]


def test_names_only_when_asked() -> None:
    p = _plan()
    assert all("name" not in key for key in p.to_records()[0])
    for text in (p.to_csv(), p.to_json(), p.to_ics()):
        assert "Mentee 3" not in text and "Mentor 3" not in text
    rows = p.to_records(include_names=True)
    assert list(rows[0])[:4] == ["mentee_id", "mentee_name", "mentor_id", "mentor_name"]
    assert rows[0]["mentee_name"] == "Mentee 0"
    for text in (
        p.to_csv(include_names=True),
        p.to_json(include_names=True),
        p.to_ics(include_names=True),
    ):
        assert "Mentee 3" in text and "Mentor 3" in text
    with pytest.raises(
        mm.MentormatchError, match="'include_names' parameter must be True or False"
    ):
        p.to_csv(include_names=1)  # type: ignore[arg-type]


def test_no_talking_points_no_suggested_topic() -> None:
    rows = _plan(n_points=0).to_records()
    assert rows[0]["description"] == "Check-in 1 of 13"


def test_the_dataframe_is_the_records() -> None:
    pd = pytest.importorskip("pandas")
    p = _plan()
    for names in (False, True):
        df = p.to_dataframe(include_names=names)
        expected = pd.DataFrame.from_records(p.to_records(include_names=names))
        expected["date"] = pd.to_datetime(expected["date"]).astype("datetime64[ns]")
        assert str(df["date"].dtype) == "datetime64[ns]"
        pd.testing.assert_frame_equal(df, expected, check_dtype=False)
    empty = mm.followup.plan(result_of([]), start=START).to_dataframe()
    assert list(empty.columns) == ["mentee_id", "mentor_id", "date", "event", "description"]
    assert len(empty) == 0


def _read_csv(text: str) -> list[dict[str, str]]:
    return [
        {k: unneutralise(v) for k, v in row.items()} for row in csv.DictReader(io.StringIO(text))
    ]


def test_csv_round_trips_to_the_records(tmp_path: Path) -> None:
    p = _plan(programme="career_guidance")
    path = tmp_path / "plan.CSV"
    p.write(path, include_names=True)
    back = _read_csv(path.read_text(encoding="utf-8"))
    assert back == [
        {k: (v.isoformat() if isinstance(v, date) else v) for k, v in r.items()}
        for r in p.to_records(include_names=True)
    ]


def test_csv_cells_cannot_become_formulas() -> None:
    mentee = mm.Mentee(id="=cmd|' /C calc'!A0", name="+Ana", goals=["x"])
    mentor = mm.Mentor(id="@m1", name="-Ben")
    p = mm.followup.plan(
        result_of([(mentee.id, mentor.id)]),
        [mentee, mentor],
        start=START,
        milestones=[("=HYPERLINK(1)", 3, "=1+1"), ("-x", 4, "\tindented")],
    )
    text = p.to_csv(include_names=True)
    for row in csv.reader(io.StringIO(text)):
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    assert _read_csv(text)[0]["mentee_id"] == mentee.id
    assert {r["event"] for r in _read_csv(text)} == {"check-in", "=HYPERLINK(1)", "-x"}
    assert {r["description"] for r in _read_csv(text)} >= {"=1+1", "\tindented"}


TRICKY = ["plain", "a,b", 'say "hi"', "two\nlines", "cr\rhere", " spaced ", "=1", "'=1", "", "é ü"]


# Python 3.10's csv reader refuses a NUL ("line contains NUL"); later ones read it
_TEXT = st.text(max_size=8).filter(lambda t: sys.version_info >= (3, 11) or "\x00" not in t)


@given(st.lists(st.sampled_from(TRICKY) | _TEXT, min_size=3, max_size=3))
def test_the_csv_is_what_the_csv_module_writes(texts: list[str]) -> None:
    from mentormatch._files.tables import neutralise

    name, description, milestone = texts
    mentee = mm.Mentee(id="e,1", name=name or None)
    mentor = mm.Mentor(id='m"1', name=description or None)
    milestones = [(milestone, 3, description)] if milestone.strip() else []
    p = mm.followup.plan(
        result_of([(mentee.id, mentor.id)]), [mentee, mentor], start=START, milestones=milestones
    )
    ours = p.to_csv(include_names=True)
    rows = p.to_records(include_names=True)
    expected = [list(rows[0])] + [
        [neutralise(v.isoformat() if isinstance(v, date) else v or "") for v in r.values()]
        for r in rows
    ]
    assert list(csv.reader(io.StringIO(ours, newline=""))) == expected
    if "\r" not in ours:  # csv.writer leaves a lone \r unquoted (unreadable); we quote it
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows(expected)
        assert ours == buffer.getvalue()


# --------------------------------------------------------------------------- JSON


def test_json_round_trips(tmp_path: Path) -> None:
    rels = [
        mm.kpis.Relationship(mentee_id="e001", mentor_id="m001", started="2025-02-03"),
        mm.kpis.Relationship(mentee_id="e000", mentor_id="m002", started="2025-04-07"),
    ]
    plans = [
        _plan(programme="reverse_mentoring", milestones=[Milestone("day", "2026-03-01", "x")]),
        mm.followup.plan(rels, [*MENTEES, *MENTORS], weeks=8, every_days=10, milestones=[]),
        mm.followup.plan(result_of([]), start=START),
    ]
    for p in plans:
        path = tmp_path / "plan.json"
        p.write(path)
        back = mm.followup.read_plan(path)
        assert (back != p) == bool(p.pairs)  # the names were left out ...
        assert all(x.mentee_name is None and x.mentor_name is None for x in back.pairs)
        assert back.to_records() == p.to_records()  # ... and nothing else
        p.write(path, include_names=True)
        assert mm.followup.read_plan(path) == p
        assert mm.followup.read_plan(json.loads(path.read_text(encoding="utf-8"))) == p


def _json() -> dict[str, object]:
    return json.loads(_plan().to_json())  # type: ignore[no-any-return]


def _broken(change: str) -> object:
    data = _json()
    pair = data["pairs"][0]  # type: ignore[index]
    if change == "kind":
        data["kind"] = "something else"
    elif change == "version":
        data["version"] = 99
    elif change == "weeks":
        data["weeks"] = True
    elif change == "pairs":
        data["pairs"] = {"a": 1}
    elif change == "meeting":
        pair["meetings"][2] = "2026-02-31"
    elif change == "mentee_id":
        del pair["mentee_id"]
    elif change == "milestone":
        pair["milestones"][0] = "kick-off"
    elif change == "source":
        pair["talking_points"][0]["source"] = "luck"
    elif change == "programme":
        data["programme"] = "careers"
    elif change == "name":
        pair["mentee_name"] = 3
    return data


@pytest.mark.parametrize(
    "change, message",
    [
        ("kind", "not a follow-up plan"),
        ("version", "version 99 is not one this mentormatch reads"),
        ("weeks", "'weeks' has the wrong type"),
        ("pairs", "'pairs' has the wrong type"),
        ("meeting", "pair (mentee 'e000', mentor 'm000'): a meeting is not a date: '2026-02-31'"),
        ("mentee_id", "pair 1: 'mentee_id' is missing"),
        ("milestone", "a milestone must be an object"),
        ("source", "unknown source 'luck'"),
        ("programme", "unknown programme 'careers'"),
        ("name", "'mentee_name' must be text or null"),
    ],
)
def test_a_damaged_plan_file_is_refused(tmp_path: Path, change: str, message: str) -> None:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(_broken(change)), encoding="utf-8")
    with pytest.raises(mm.MentormatchError) as info:
        mm.followup.read_plan(path)
    assert message in str(info.value)


@pytest.mark.parametrize("raw", [b"", b"{", b"\xff\xfe", b"[1, 2]", b'"x"', b"[" * 5000])
def test_a_file_that_is_not_a_plan(tmp_path: Path, raw: bytes) -> None:
    path = tmp_path / "plan.json"
    path.write_bytes(raw)
    with pytest.raises(mm.MentormatchError, match=r"plan\.json"):
        mm.followup.read_plan(path)
    with pytest.raises(mm.MentormatchError, match="cannot read the plan"):
        mm.followup.read_plan(tmp_path / "none.json")
    with pytest.raises(mm.MentormatchError, match="'source' parameter of read_plan"):
        mm.followup.read_plan(3)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- calendars


def test_the_calendar_parses_back_with_every_event_on_its_day() -> None:
    p = _plan(programme="onboarding")
    events = _events(p.to_ics())
    rows = p.to_records()
    assert len(events) == len(rows)
    for event, row in zip(events, rows, strict=True):
        assert event.decoded("dtstart") == row["date"]
        assert event.decoded("dtend") == row["date"] + timedelta(days=1)
        assert row["mentee_id"] in str(event["summary"]) and row["mentor_id"] in str(
            event["summary"]
        )
        assert event.decoded("dtstamp") == p.created
    uids = [str(e["uid"]) for e in events]
    assert len(set(uids)) == len(uids)
    cal = icalendar.Calendar.from_ical(p.to_ics())
    assert str(cal["version"]) == "2.0" and "mentormatch" in str(cal["prodid"])


def test_the_kick_off_lists_the_points_and_the_agreement_event_holds_the_agreement() -> None:
    pair = _plan().pairs[0]
    by_name = {str(e["summary"]).split(":")[0]: e for e in _events(pair.to_ics())}
    kick_off = str(by_name["Mentoring milestone, kick-off"]["description"])
    assert all(t.topic in kick_off for t in pair.talking_points)
    assert pair.agreement in str(by_name["Mentoring milestone, agreement"]["description"])


@settings(max_examples=25)
@given(st.integers(2, 12), st.integers(3, 30), st.integers(5, 20))
def test_uids_are_unique_and_stable(n: int, every: int, weeks: int) -> None:
    pairs = [(f"e{i}", f"m{i % 3}") for i in range(n)]
    one = mm.followup.plan(result_of(pairs), start=START, every_days=every, weeks=weeks)
    uids = [str(e["uid"]) for e in _events(one.to_ics())]
    assert len(set(uids)) == len(uids)
    later = mm.followup.plan(
        result_of(pairs[::-1]), start=START + timedelta(days=7), every_days=every, weeks=weeks
    )
    assert [str(e["uid"]) for e in _events(later.to_ics())] == uids  # moved, not doubled


def test_a_pairs_calendar_is_its_share_of_the_plans() -> None:
    p = _plan()
    everything = {str(e["uid"]): e for e in _events(p.to_ics(include_names=True))}
    for pair in p.pairs:
        own = _events(pair.to_ics(include_names=True))
        assert len(own) == len(pair.meetings) + len(pair.milestones)
        for e in own:
            assert everything[str(e["uid"])].to_ical() == e.to_ical()


def test_names_in_the_calendar_only_when_asked() -> None:
    pair = _plan().pairs[1]
    plain = pair.to_ics()
    assert pair.mentee_name is not None and pair.mentor_name is not None
    assert pair.mentee_name not in plain and pair.mentor_name not in plain
    named = _events(pair.to_ics(include_names=True))
    assert f"{pair.mentee_name} ({pair.mentee_id})" in str(named[0]["summary"])


# --------------------------------------------------------------------------- files


@pytest.mark.parametrize("ext", [".ics", ".csv", ".json", ".ICS"])
def test_write_chooses_the_format_by_extension(tmp_path: Path, ext: str) -> None:
    p = _plan()
    path = tmp_path / f"plan{ext}"
    p.write(path)
    text = path.read_bytes().decode("utf-8")
    expected = {".ics": p.to_ics(), ".csv": p.to_csv(), ".json": p.to_json()}[ext.lower()]
    if ext.lower() == ".json":  # the same plan; the text differs only by nothing
        assert json.loads(text) == json.loads(expected)
    else:
        assert text == expected


@pytest.mark.parametrize("name", ["plan.xlsx", "plan", "plan.ics.txt", "plan.tsv"])
def test_write_refuses_other_extensions_and_writes_nothing(tmp_path: Path, name: str) -> None:
    with pytest.raises(mm.MentormatchError, match=r"must end in \.ics, \.csv or \.json") as info:
        _plan().write(tmp_path / name)
    assert info.value.field == "path"
    assert list(tmp_path.iterdir()) == []


def test_write_refuses_a_folder_and_keeps_the_old_file(tmp_path: Path) -> None:
    folder = tmp_path / "x.csv"
    folder.mkdir()
    with pytest.raises(mm.MentormatchError, match="this is a folder"):
        _plan().write(folder)
    with pytest.raises(mm.MentormatchError, match="'path' parameter of write"):
        _plan().write(3)  # type: ignore[arg-type]


def test_a_hand_made_plan_without_events_exports() -> None:
    empty = mm.followup.PairPlan("e1", "m1", (), (), (), "", START, START)
    plan = FollowUpPlan((empty,), 1, 7)
    assert plan.to_records() == []
    assert plan.to_csv() == "mentee_id,mentor_id,date,event,description\n"
    assert _events(plan.to_ics()) == []
    assert repr(empty).endswith("no check-ins, 0 milestones, 0 talking points)")
