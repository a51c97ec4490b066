"""Plans out: event rows (records, DataFrame, CSV), JSON (and back), RFC 5545 calendars.

Private; the public doors are the methods of ``FollowUpPlan`` and ``PairPlan``
and :func:`read_plan`. Every pair's events are laid out from a template
shared by all pairs with the same dates (with a match result, every pair), so
a plan of 20,000 pairs costs a few list operations per pair, not per event.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import json
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import IO, TYPE_CHECKING, Any, cast

import numpy as np

from mentormatch._dates import to_date
from mentormatch._errors import MentormatchError
from mentormatch._validation import as_whole, shown
from mentormatch.followup._files import neutralise, write_path
from mentormatch.followup._milestones import Milestone
from mentormatch.followup._topics import PROGRAMMES, TalkingPoint

if TYPE_CHECKING:
    import pandas as pd

    from mentormatch.followup._plan import FollowUpPlan, PairPlan

__all__ = ["COLUMNS", "dataframe", "read_plan", "records", "to_csv", "to_ics", "to_json", "write"]

#: The event columns, without names; ``include_names=True`` puts a name beside each id.
COLUMNS = ("mentee_id", "mentor_id", "date", "event", "description")
CHECK_IN = "check-in"
FORMATS = (".ics", ".csv", ".json")
_JSON_KIND = "mentormatch follow-up plan"
_JSON_VERSION = 1
_EPOCH = date(1970, 1, 1).toordinal()


def _columns(include_names: bool) -> tuple[str, ...]:
    if not include_names:
        return COLUMNS
    return ("mentee_id", "mentee_name", "mentor_id", "mentor_name", "date", "event", "description")


@dataclass
class _Template:
    """The events of every pair sharing one set of dates, in the order they are written."""

    days: list[date]
    ordinals: list[int]
    iso: list[str]
    events: list[str]
    descriptions: list[str | None]  # None: a check-in, whose text depends on the pair
    check_ins: list[int]  # for each check-in row, its number k (1-based)
    check_in_rows: list[int]
    milestones: list[Milestone | None]


def _template(meetings: Sequence[date], milestones: Sequence[Milestone]) -> _Template:
    rows: list[tuple[date, int, int, Milestone | None]] = [
        (d, 0, k, None) for k, d in enumerate(meetings, 1)
    ]
    rows += [(m.due, 1, i, m) for i, m in enumerate(milestones)]
    rows.sort(key=lambda r: (r[0], r[1], r[2]))  # same day: check-in first, milestones as given
    t = _Template([], [], [], [], [], [], [], [])
    for j, (day, _kind, k, milestone) in enumerate(rows):
        t.days.append(day)
        t.ordinals.append(day.toordinal() - _EPOCH)
        t.iso.append(day.isoformat())
        t.milestones.append(milestone)
        if milestone is None:
            t.events.append(CHECK_IN)
            t.descriptions.append(None)
            t.check_ins.append(k)
            t.check_in_rows.append(j)
        else:
            t.events.append(milestone.name)
            t.descriptions.append(milestone.description)
    return t


def _check_in_text(k: int, n: int, points: Sequence[TalkingPoint]) -> str:
    text = f"Check-in {k} of {n}"
    if points:
        text += f". Suggested topic: {points[(k - 1) % len(points)].topic}"
    return text


def _lay_out(
    pairs: Sequence[PairPlan], include_names: bool, for_csv: bool, dates: str
) -> dict[str, list[Any]]:
    """The event columns. ``for_csv``: each text cell as it goes into a CSV file (neutralised
    for a spreadsheet, then quoted where needed); ``dates``: ``"date"`` (datetime.date),
    ``"iso"`` (text) or ``"ordinal"`` (days since 1970-01-01).

    Vectorised: pairs that share their dates share a template of rows, laid
    out for all of them at once with numpy; only the check-in texts, which
    carry each pair's suggested topics, differ, and those are built once per
    distinct set of topics.
    """
    names = _columns(include_names)
    if not pairs:
        return {c: [] for c in names}
    cell = _csv_cell if for_csv else _same
    groups: dict[tuple[int, int], list[int]] = {}
    templates: dict[tuple[int, int], _Template] = {}
    for i, p in enumerate(pairs):
        key = (id(p.meetings), id(p.milestones))
        group = groups.get(key)
        if group is None:
            groups[key] = group = []
            templates[key] = _template(p.meetings, p.milestones)
        group.append(i)
    sizes = np.empty(len(pairs), dtype=np.intp)
    for key, group in groups.items():
        sizes[group] = len(templates[key].days)
    first_row = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    total = int(sizes.sum())
    out = {c: np.empty(total, dtype=object) for c in names}
    texts_by_points: dict[tuple[int, tuple[str, ...]], list[str]] = {}
    for key, group in groups.items():
        t = templates[key]
        size = len(t.days)
        members = np.asarray(group, dtype=np.intp)
        rows = (first_row[members][:, None] + np.arange(size)[None, :]).ravel()
        day = t.iso if dates == "iso" else t.ordinals if dates == "ordinal" else t.days
        out["date"][rows] = np.tile(np.asarray(day, dtype=object), len(group))
        out["event"][rows] = np.tile(
            np.asarray([cell(e) for e in t.events], dtype=object), len(group)
        )
        text = np.asarray([None if d is None else cell(d) for d in t.descriptions], dtype=object)
        block = np.tile(text, (len(group), 1))
        if t.check_ins:
            n = len(t.check_ins)
            per_pair = []
            for i in group:
                topics = tuple(tp.topic for tp in pairs[i].talking_points)
                found = texts_by_points.get((n, topics))
                if found is None:
                    found = [
                        cell(_check_in_text(k, n, pairs[i].talking_points)) for k in t.check_ins
                    ]
                    texts_by_points[(n, topics)] = found
                per_pair.append(found)
            block[:, t.check_in_rows] = np.asarray(per_pair, dtype=object).reshape(len(group), n)
        out["description"][rows] = block.ravel()
    for column, attr in (
        ("mentee_id", "mentee_id"),
        ("mentor_id", "mentor_id"),
        ("mentee_name", "mentee_name"),
        ("mentor_name", "mentor_name"),
    ):
        if column in out:
            values = [getattr(p, attr) for p in pairs]
            if for_csv:
                values = [cell(v or "") for v in values]
            out[column] = np.repeat(np.asarray(values, dtype=object), sizes)
    return {c: out[c].tolist() for c in names}


def _same(text: str) -> str:
    return text


def _csv_cell(text: str) -> str:
    """A text cell as it stands in a CSV file: neutralised (a spreadsheet never runs it as
    a formula), then quoted as :data:`csv.QUOTE_MINIMAL` quotes (and wherever a line break
    is inside, ``\\r`` included).

    >>> _csv_cell("=1+1"), _csv_cell('say "hi", then go'), _csv_cell("plain")
    ("'=1+1", '"say ""hi"", then go"', 'plain')
    """
    text = neutralise(text)
    if "," in text or '"' in text or "\n" in text or "\r" in text:
        return '"' + text.replace('"', '""') + '"'
    return text


def records(pairs: Sequence[PairPlan], *, include_names: bool) -> list[dict[str, Any]]:
    cols = _lay_out(pairs, include_names, for_csv=False, dates="date")
    names = list(cols)
    return [dict(zip(names, row, strict=True)) for row in zip(*cols.values(), strict=True)]


def dataframe(pairs: Sequence[PairPlan], *, include_names: bool) -> pd.DataFrame:
    try:
        import pandas as pd
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(
            "to_dataframe needs pandas: pip install 'mentormatch-engine[pandas]'"
        ) from exc
    cols = _lay_out(pairs, include_names, for_csv=False, dates="ordinal")
    data: dict[str, Any] = dict(cols)
    days = np.asarray(cols["date"], dtype=np.int64).astype("datetime64[D]")
    data["date"] = days.astype("datetime64[ns]")
    for name in cols:
        if name != "date":
            data[name] = np.asarray(cols[name], dtype=object)
    return cast("pd.DataFrame", pd.DataFrame(data, columns=list(cols)))


def _csv_writer(pairs: Sequence[PairPlan], include_names: bool) -> Callable[[IO[str]], None]:
    """Lay the rows out now (so that a problem shows before the file is opened); write them
    straight into the handle it is given.

    Each distinct cell is encoded once (:func:`_csv_cell`), so a row is a join
    of ready cells: the same file as :mod:`csv` writes, at a fraction of the
    cost (a plan repeats its ids, dates and texts on many rows).
    """
    cols = _lay_out(pairs, include_names, for_csv=True, dates="iso")

    def put(handle: IO[str]) -> None:
        handle.write(",".join(_csv_cell(c) for c in cols) + "\n")
        rows = zip(*cols.values(), strict=True)
        while chunk := [",".join(r) for r in itertools.islice(rows, 50_000)]:
            handle.write("\n".join(chunk) + "\n")

    return put


def to_csv(pairs: Sequence[PairPlan], *, include_names: bool) -> str:
    buffer = io.StringIO()
    _csv_writer(pairs, include_names)(buffer)
    return buffer.getvalue()


# --------------------------------------------------------------------------- JSON


def _pair_dict(p: PairPlan, include_names: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"mentee_id": p.mentee_id}
    if include_names:
        out["mentee_name"] = p.mentee_name
    out["mentor_id"] = p.mentor_id
    if include_names:
        out["mentor_name"] = p.mentor_name
    out.update(
        start=p.start.isoformat(),
        end=p.end.isoformat(),
        meetings=[d.isoformat() for d in p.meetings],
        milestones=[
            {"name": m.name, "due": m.due.isoformat(), "description": m.description}
            for m in p.milestones
        ],
        talking_points=[
            {"topic": t.topic, "reason": t.reason, "source": t.source} for t in p.talking_points
        ],
        agreement=p.agreement,
    )
    return out


def to_json(plan: FollowUpPlan, *, include_names: bool) -> str:
    data = {
        "kind": _JSON_KIND,
        "version": _JSON_VERSION,
        "created": plan.created.isoformat(),
        "programme": plan.programme,
        "start": None if plan.start is None else plan.start.isoformat(),
        "weeks": plan.weeks,
        "every_days": plan.every_days,
        "pairs": [_pair_dict(p, include_names) for p in plan.pairs],
    }
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


class _Reader:
    """Reads a plan's JSON back, naming the field and the pair of the first problem."""

    def __init__(self, where: str) -> None:
        self.where = where

    def fail(self, problem: str, at: str = "") -> MentormatchError:
        place = f", {at}" if at else ""
        return MentormatchError(f"{self.where}{place}: {problem}", field="plan")

    def get(
        self, table: Mapping[str, Any], key: str, kind: type | tuple[type, ...], at: str
    ) -> Any:
        if key not in table:
            raise self.fail(f"{key!r} is missing", at)
        value = table[key]
        if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
            raise self.fail(f"{key!r} has the wrong type, {shown(value)}", at)
        return value

    def day(self, value: object, what: str, at: str) -> date:
        if not isinstance(value, str):
            raise self.fail(f"{what} must be a date as text, got {shown(value)}", at)
        try:
            return to_date(value, what)
        except MentormatchError:
            raise self.fail(f"{what} is not a date: {shown(value)}", at) from None

    def whole(self, table: Mapping[str, Any], key: str, minimum: int) -> int:
        value = as_whole(self.get(table, key, int, ""))
        if value is None or value < minimum:
            raise self.fail(f"{key!r} must be a whole number >= {minimum}")
        return value


def _pair_from(
    r: _Reader, item: object, i: int, programme: str | None, created: datetime
) -> PairPlan:
    from mentormatch.followup._plan import PairPlan

    if not isinstance(item, Mapping):
        raise r.fail(f"pair {i + 1} must be an object, got {shown(item)}")
    at = f"pair {i + 1}"
    mentee = r.get(item, "mentee_id", str, at)
    mentor = r.get(item, "mentor_id", str, at)
    at = f"pair (mentee {mentee!r}, mentor {mentor!r})"
    meetings = tuple(r.day(d, "a meeting", at) for d in r.get(item, "meetings", list, at))
    milestones = []
    for m in r.get(item, "milestones", list, at):
        if not isinstance(m, Mapping):
            raise r.fail(f"a milestone must be an object, got {shown(m)}", at)
        name = r.get(m, "name", str, at)
        milestones.append(
            Milestone(
                name,
                r.day(m.get("due"), f"the due date of {name!r}", at),
                r.get(m, "description", str, at),
            )
        )
    points = []
    for t in r.get(item, "talking_points", list, at):
        if not isinstance(t, Mapping):
            raise r.fail(f"a talking point must be an object, got {shown(t)}", at)
        source = r.get(t, "source", str, at)
        if source not in ("shared goal", "skill gap", "programme", "general"):
            raise r.fail(f"a talking point has an unknown source {shown(source)}", at)
        points.append(TalkingPoint(r.get(t, "topic", str, at), r.get(t, "reason", str, at), source))
    names = {}
    for key in ("mentee_name", "mentor_name"):
        value = item.get(key)
        if value is not None and not isinstance(value, str):
            raise r.fail(f"{key!r} must be text or null, got {shown(value)}", at)
        names[key] = value
    return PairPlan(
        mentee,
        mentor,
        meetings,
        tuple(milestones),
        tuple(points),
        r.get(item, "agreement", str, at),
        r.day(item.get("start"), "start", at),
        r.day(item.get("end"), "end", at),
        programme=programme,
        created=created,
        **names,
    )


def read_plan(source: str | os.PathLike[str] | Mapping[str, Any]) -> FollowUpPlan:
    """Read a plan written as JSON (:meth:`FollowUpPlan.write` to ``.json``) back.

    The plan read is ``==`` the plan written (names only when they were
    written), so a later step (next steps for quiet pairs, a report) can work
    from the file.

    Parameters
    ----------
    source : path or mapping
        The JSON file, or its content already parsed.

    Raises
    ------
    MentormatchError
        When the file cannot be read, is not JSON, or is not a follow-up plan;
        the message names the field and the pair.

    Examples
    --------
    >>> import mentormatch as mm, pathlib, tempfile
    >>> from datetime import date
    >>> r = mm.Matcher(criteria=[mm.GoalOverlap()]).match([mm.Mentee(id="e1")], [mm.Mentor(id="m1")])
    >>> plan = mm.followup.plan(r, start=date(2026, 1, 12))
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "plan.json"
    >>> plan.write(path)
    >>> mm.followup.read_plan(path) == plan
    True
    """
    from mentormatch.followup._plan import FollowUpPlan

    if isinstance(source, Mapping):
        data: object = source
        r = _Reader("the plan")
    elif isinstance(source, str | os.PathLike):
        r = _Reader(repr(os.fspath(source)))
        try:
            with open(source, "rb") as handle:
                raw = handle.read()
        except OSError as exc:
            raise r.fail(f"cannot read the plan ({exc.strerror or type(exc).__name__})") from None
        try:
            data = json.loads(raw.decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError, RecursionError) as exc:
            raise r.fail(f"not a JSON plan ({type(exc).__name__}: {exc})") from None
    else:
        raise MentormatchError(
            f"The 'source' parameter of read_plan must be a path or a mapping. Got {shown(source)} "
            "instead.",
            field="source",
            value=source,
        )
    if not isinstance(data, Mapping) or data.get("kind") != _JSON_KIND:
        raise r.fail(
            f"not a follow-up plan (no \"kind\": {_JSON_KIND!r}); write one with plan.write('plan.json')"
        )
    if data.get("version") != _JSON_VERSION:
        raise r.fail(
            f"version {shown(data.get('version'))} is not one this mentormatch reads ({_JSON_VERSION})"
        )
    programme = data.get("programme")
    if programme is not None and programme not in PROGRAMMES:
        raise r.fail(f"unknown programme {shown(programme)}")
    start = None if data.get("start") is None else r.day(data.get("start"), "start", "")
    created_text = data.get("created")
    try:
        created = datetime.fromisoformat(created_text) if isinstance(created_text, str) else None
    except ValueError:
        created = None
    if created is None:
        created = datetime.now(timezone.utc).replace(microsecond=0)
    pairs = tuple(
        _pair_from(r, item, i, programme, created)
        for i, item in enumerate(r.get(data, "pairs", list, ""))
    )
    return FollowUpPlan(
        pairs,
        r.whole(data, "weeks", 1),
        r.whole(data, "every_days", 1),
        programme,
        start,
        created=created,
    )


# --------------------------------------------------------------------------- calendars


def _uid(p: PairPlan, kind: str, key: object) -> str:
    text = json.dumps([p.programme or "", p.mentee_id, p.mentor_id, kind, key])
    return hashlib.sha256(text.encode()).hexdigest()[:32] + "@mentormatch"


def _who(p: PairPlan, include_names: bool) -> str:
    if include_names:
        mentee = f"{p.mentee_name} ({p.mentee_id})" if p.mentee_name else p.mentee_id
        mentor = f"{p.mentor_name} ({p.mentor_id})" if p.mentor_name else p.mentor_id
        return f"{mentee} with mentor {mentor}"
    return f"mentee {p.mentee_id} with mentor {p.mentor_id}"


def to_ics(pairs: Iterable[PairPlan], *, include_names: bool) -> str:
    try:
        import icalendar
    except ImportError as exc:
        raise ImportError(
            "calendars need icalendar: pip install 'mentormatch-engine[calendar]'"
        ) from exc
    cal = icalendar.Calendar()
    cal.add("prodid", "-//mentormatch//follow-up plan//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    for p in pairs:
        t = _template(p.meetings, p.milestones)
        n = len(t.check_ins)
        who = _who(p, include_names)
        k_of = dict(zip(t.check_in_rows, t.check_ins, strict=True))
        points = "\n".join(f"- {tp}" for tp in p.talking_points)
        for j, day in enumerate(t.days):
            event = icalendar.Event()
            milestone = t.milestones[j]
            if milestone is None:
                k = k_of[j]
                event.add("uid", _uid(p, CHECK_IN, k))
                event.add("summary", f"Mentoring check-in {k} of {n}: {who}")
                event.add("description", _check_in_text(k, n, p.talking_points))
            else:
                event.add("uid", _uid(p, "milestone", milestone.name.casefold()))
                event.add("summary", f"Mentoring milestone, {milestone.name}: {who}")
                text = milestone.description
                if milestone.name.casefold() == "kick-off" and points:
                    text += f"\n\nTalking points:\n{points}"
                if milestone.name.casefold() == "agreement":
                    text += f"\n\n{p.agreement}"
                event.add("description", text)
            event.add("dtstamp", p.created)
            event.add("dtstart", day)
            event.add("dtend", day + timedelta(days=1))
            event.add("transp", "TRANSPARENT")
            cal.add_component(event)
    return cast(bytes, cal.to_ical()).decode("utf-8")


# --------------------------------------------------------------------------- files


def write(plan: FollowUpPlan, path: str | os.PathLike[str], *, include_names: bool) -> None:
    if not isinstance(path, str | os.PathLike):
        raise MentormatchError(
            f"The 'path' parameter of write must be a file name. Got {shown(path)} instead.",
            field="path",
            value=path,
        )
    given = os.fspath(path)
    ext = os.path.splitext(given)[1].lower()
    if ext not in FORMATS:
        raise MentormatchError(
            f"The 'path' parameter of write must end in .ics, .csv or .json (the format is "
            f"chosen by the extension). Got {shown(given)} instead.",
            field="path",
            value=given,
        )
    if ext == ".csv":
        write_path(path, _csv_writer(plan.pairs, include_names))
        return
    if ext == ".ics":
        text = to_ics(plan.pairs, include_names=include_names)
    else:
        text = to_json(plan, include_names=include_names)
    write_path(path, lambda handle: handle.write(text))
