"""Fuzzing every reader: for any bytes, any JSON or TOML value, and near-valid files
with one part swapped for anything, a reader returns a value or raises a mentormatch
error (MentormatchError, or pydantic's ValidationError; both ValueError). Never
another exception: no KeyError, TypeError, OverflowError, RecursionError,
UnicodeError... escapes.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from mentormatch import cli, kpis, surveys
from mentormatch import programme as programme_file
from mentormatch._errors import FileEncodingWarning, MentormatchError
from mentormatch._files import tables as _tables
from mentormatch._files import toml as _toml
from mentormatch._files.survey import read_responses
from mentormatch.cli.lifecycle import _read_pairs
from mentormatch.io import read_results, read_signups
from tests.cli.cli_files import GOOD

OURS = (MentormatchError, ValidationError)
FUZZ = settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def reads_or_refuses(read: Callable[[], object]) -> None:
    """The one property: a value, or one of our errors (bytes that happen to be
    Windows-1252 text are read as such, with a warning)."""
    with contextlib.suppress(OURS), warnings.catch_warnings():
        warnings.simplefilter("ignore", FileEncodingWarning)
        read()


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


def _file(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


# --------------------------------------------------------------------------- strategies

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=10**20, max_value=10**400)
    | st.floats()
    | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=24,
)

toml_scalars = (
    st.booleans()
    | st.integers()
    | st.integers(min_value=2**63, max_value=10**400)
    | st.floats()
    | st.text(max_size=12)
    | st.sampled_from(["GoalOverlap", "SkillGap", "ForbidPairs", "SameAttribute", "e1", "m1",
                       "q1", "different", "same", "onboarding", "location"])
)  # fmt: skip
toml_values = st.recursive(
    toml_scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=16,
)


def _toml_string(text: str) -> str:
    out = ['"']
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        elif 0xD800 <= ord(ch) <= 0xDFFF:
            out.append("\\ufffd")
        else:
            out.append(ch)
    return "".join(out) + '"'


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return _toml_string(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return "{" + ", ".join(f"{_toml_string(k)} = {_toml_value(v)}" for k, v in value.items()) + "}"


def to_toml(doc: dict[str, Any]) -> str:
    """A TOML document for any dict of TOML values (inline tables for nesting)."""
    return "".join(f"{_toml_string(k)} = {_toml_value(v)}\n" for k, v in doc.items())


toml_docs = st.dictionaries(st.text(max_size=10), toml_values, max_size=6)

PROGRAMME_PARTS = ["type", "weight", "key", "prefer", "pairs", "ideal_gap", "name", "depth",
                   "level", "mutual"]  # fmt: skip
programme_docs = st.fixed_dictionaries(
    {},
    optional={
        "preset": st.sampled_from(["career_guidance", "onboarding", "speed"]) | toml_values,
        "min_score": toml_values,
        "name": toml_values,
        "criteria": st.lists(
            st.dictionaries(st.sampled_from(PROGRAMME_PARTS), toml_values), max_size=3
        )
        | toml_values,
        "rules": st.lists(
            st.dictionaries(st.sampled_from(PROGRAMME_PARTS), toml_values), max_size=3
        )
        | toml_values,
        "capacity": st.dictionaries(st.sampled_from(["m1", "m2", "x"]), toml_values) | toml_values,
        "targets": st.dictionaries(st.sampled_from([*list(kpis.KPI_NAMES), "goal"]), toml_values)
        | toml_values,
        "programme": toml_values,
    },
)
instrument_docs = st.fixed_dictionaries(
    {},
    optional={
        "items": st.lists(st.sampled_from(["q1", "q2", "q3"]) | toml_scalars, max_size=4)
        | toml_values,
        "scale": st.lists(toml_scalars, max_size=3) | toml_values,
        "reverse": st.lists(st.sampled_from(["q1", "q3", "q9"]), max_size=2) | toml_values,
        "subscales": st.dictionaries(
            st.text(max_size=4), st.lists(st.sampled_from(["q1", "q2"])) | toml_values
        )
        | toml_values,
        "min_answered": toml_values,
        "name": toml_values,
    },
)

CELLS = st.sampled_from(["", "e1", "m1", "e2", "mentor", "mentee", "python:4", "sql:9; x",
                         "2025-01-01", "2025-13-40", "active", "completed", "ended_early", "3",
                         "-1", "1e400", "9" * 30, "nan", '"', "=1+1", ";", "a,b", "é", "\x1b[2J"])  # fmt: skip


@st.composite
def tables(draw: st.DrawFn, columns: list[str]) -> bytes:
    header = draw(st.lists(st.sampled_from(columns) | st.text(max_size=6), min_size=1, max_size=8))
    rows = draw(st.lists(st.lists(CELLS | st.text(max_size=6), max_size=9), max_size=6))
    buffer = io.StringIO()
    import csv

    try:
        writer = csv.writer(buffer)
        writer.writerow(header)
        writer.writerows(rows)
    except csv.Error:  # Python 3.10's writer cannot write some fields without an escapechar
        buffer = io.StringIO()
        writer = csv.writer(buffer, escapechar="\\")
        writer.writerow(header)
        writer.writerows(rows)
    return buffer.getvalue().encode("utf-8", "surrogatepass")


SIGNUP_COLUMNS = ["role", "id", "name", "department", "manager_id", "capacity", "skills", "goals",
                  "preferences", "about", "location"]  # fmt: skip
RELATIONSHIP_COLUMNS = ["mentee_id", "mentor_id", "started", "status", "ended", "planned_end",
                        "meetings", "goals_set", "goals_met", "satisfaction", "department",
                        "expected_meetings_per_month"]  # fmt: skip
RESPONSE_COLUMNS = ["id", "q1", "q2", "q3", "q4", "q5", "q6", "recommend"]


def _paths(data: Any) -> list[list[Any]]:
    """Every path to a value in nested dicts and lists."""
    out: list[list[Any]] = []
    stack: list[tuple[list[Any], Any]] = [([], data)]
    while stack:
        path, node = stack.pop()
        items = (
            node.items()
            if isinstance(node, dict)
            else enumerate(node)
            if isinstance(node, list)
            else []
        )
        for key, value in items:
            out.append([*path, key])
            stack.append(([*path, key], value))
    return out


VALID_RESULTS = json.loads(GOOD["results"][1])
RESULT_PATHS = _paths(VALID_RESULTS)


@st.composite
def damaged_results(draw: st.DrawFn) -> Any:
    data = json.loads(GOOD["results"][1])
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(RESULT_PATHS))
        node = data
        try:
            for key in path[:-1]:
                node = node[key]
            if draw(st.booleans()) or not isinstance(node, dict):
                node[path[-1]] = draw(json_values)
            else:
                del node[path[-1]]
        except (KeyError, IndexError, TypeError):
            continue  # an earlier change removed this part
    return data


# --------------------------------------------------------------------------- sign-ups


@FUZZ
@given(st.binary(max_size=600))
def test_signups_any_bytes(data: bytes) -> None:
    reads_or_refuses(lambda: read_signups(io.BytesIO(data)))


@FUZZ
@given(json_values)
def test_signups_any_json(value: Any) -> None:
    text = json.dumps(value)
    reads_or_refuses(lambda: read_signups(io.StringIO(text)))
    reads_or_refuses(lambda: read_signups(mentees=io.StringIO(text), mentors=io.StringIO(text)))


@FUZZ
@given(tables(SIGNUP_COLUMNS))
def test_signups_near_valid_csv(data: bytes) -> None:
    reads_or_refuses(lambda: read_signups(io.BytesIO(data)))


@FUZZ
@given(
    st.lists(
        st.dictionaries(st.sampled_from([*SIGNUP_COLUMNS, "attributes"]), json_values), max_size=4
    )
)
def test_signups_near_valid_json(people: list[dict[str, Any]]) -> None:
    text = json.dumps(people)
    reads_or_refuses(lambda: read_signups(io.StringIO(text)))


# --------------------------------------------------------------------------- results


@FUZZ
@given(st.binary(max_size=600))
def test_results_any_bytes(data: bytes) -> None:
    reads_or_refuses(lambda: read_results(io.BytesIO(data)))


@FUZZ
@given(json_values)
def test_results_any_json(value: Any) -> None:
    reads_or_refuses(lambda: read_results(io.StringIO(json.dumps(value))))


@FUZZ
@given(damaged_results())
def test_results_damaged_anywhere(data: Any) -> None:
    try:
        result = read_results(io.StringIO(json.dumps(data)))
    except OURS:
        return
    for mentee_id in [m.mentee_id for m in result.matches] + [
        u.mentee_id for u in result.unmatched
    ]:
        # what is read can be explained, or says why not
        reads_or_refuses(lambda mentee_id=mentee_id: result.explain(mentee_id).summary())


@FUZZ
@given(st.binary(max_size=400) | st.sampled_from([GOOD["keep"][1], GOOD["results"][1]]))
def test_pairs_any_bytes(folder: Path, data: bytes) -> None:
    for name in ("pairs.csv", "pairs.json"):
        path = _file(folder, name, data)
        reads_or_refuses(lambda path=path: _read_pairs(str(path), "--keep"))


# --------------------------------------------------------------------------- TOML files


@FUZZ
@given(st.binary(max_size=400))
def test_toml_files_any_bytes(folder: Path, data: bytes) -> None:
    path = _file(folder, "any.toml", data)
    reads_or_refuses(lambda: cli.load_programme(path))
    reads_or_refuses(lambda: surveys.load_instrument(path))
    reads_or_refuses(lambda: kpis.load_targets(path))


@FUZZ
@given(st.text(max_size=300))
def test_toml_any_text(text: str) -> None:
    reads_or_refuses(lambda: _toml.loads(text, "any.toml"))


@FUZZ
@given(toml_docs)
def test_toml_files_any_document(folder: Path, doc: dict[str, Any]) -> None:
    path = _file(folder, "doc.toml", to_toml(doc).encode())
    _toml.load(path)  # the serializer writes valid TOML: this never raises
    reads_or_refuses(lambda: cli.load_programme(path))
    reads_or_refuses(lambda: surveys.load_instrument(path))
    reads_or_refuses(lambda: kpis.load_targets(path))


@FUZZ
@given(programme_docs)
def test_programme_near_valid(folder: Path, doc: dict[str, Any]) -> None:
    path = _file(folder, "programme.toml", to_toml(doc).encode())
    reads_or_refuses(lambda: cli.load_programme(path))
    reads_or_refuses(lambda: kpis.load_targets(path))
    try:
        programme = programme_file.read_programme(path)
    except OURS:
        return
    mentees, mentors = read_signups(io.BytesIO(GOOD["signups"][1]))
    programme_file.programme_problems(programme, mentees, mentors)  # never raises: it lists


@FUZZ
@given(instrument_docs, st.booleans())
def test_instrument_near_valid(folder: Path, doc: dict[str, Any], nested: bool) -> None:
    text = to_toml({"instrument": doc} if nested else doc)
    path = _file(folder, "instrument.toml", text.encode())
    reads_or_refuses(lambda: surveys.load_instrument(path))


# --------------------------------------------------------------------------- CSV files


@FUZZ
@given(st.binary(max_size=600), st.binary(max_size=200))
def test_relationships_any_bytes(data: bytes, meetings: bytes) -> None:
    reads_or_refuses(lambda: kpis.read_relationships(io.BytesIO(data)))
    reads_or_refuses(
        lambda: kpis.read_relationships(
            io.BytesIO(GOOD["relationships"][1]), meetings=io.BytesIO(meetings)
        )
    )


@FUZZ
@given(tables(RELATIONSHIP_COLUMNS), tables(["mentee_id", "mentor_id", "date"]))
def test_relationships_near_valid(data: bytes, meetings: bytes) -> None:
    reads_or_refuses(
        lambda: kpis.read_relationships(io.BytesIO(data), meetings=io.BytesIO(meetings))
    )


@FUZZ
@given(st.binary(max_size=600) | tables(RESPONSE_COLUMNS), st.booleans())
def test_responses_any_bytes(data: bytes, with_ids: bool) -> None:
    reads_or_refuses(
        lambda: read_responses(
            io.BytesIO(data),
            ["q1", "q2", "q3"],
            (1.0, 5.0),
            id_column="id" if with_ids else None,
            require_id=with_ids,
            extra={"recommend": (0.0, 10.0, "--nps-column")},
        )
    )


@FUZZ
@given(st.binary(max_size=600))
def test_table_reader_any_bytes(data: bytes) -> None:
    reads_or_refuses(lambda: _tables.read_table(io.BytesIO(data)))


@FUZZ
@given(st.text(max_size=300))
def test_json_loader_any_text(text: str) -> None:
    value, problem = _tables.load_json(text)
    assert (problem is None) or value is None
