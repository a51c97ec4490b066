"""Bad input never crashes, and exit codes mean what they say.

* The CLI matrix: every command x every input it reads x every class of bad
  content for that kind of file -> exit 2, a message on stderr that names
  the file, no traceback, the output file left untouched, nothing created.
* The classes of the issue, each with several cases, at the reader level:
  huge integers, megabyte cells, header-only, empty and binary files, wrong
  encodings, deeply nested JSON and TOML, self-contradicting results files,
  unknown keys with the nearest valid one, rules naming unknown people or
  ids of the wrong type, attributes nobody has, negative cadences, survey
  columns that do not exist, answers outside the scale, duplicate respondents,
  wrong-typed instrument tables, every problem reported at once.
* Exit codes per command: 0 done, 1 a bug (short message, traceback only with
  --debug or MENTORMATCH_DEBUG), 2 bad input, 130 interrupted.
* Control characters from data never reach the terminal.
"""

from __future__ import annotations

import io
import json
import math
import os
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import mentormatch as mm
from mentormatch import cli, kpis, surveys
from mentormatch._files.survey import read_responses
from mentormatch._problems import ProblemsError
from mentormatch.cli import _console
from mentormatch.io import ResultsError, SignupsError, read_results, read_signups
from mentormatch.shortlist import shortlist
from tests.cli.cli_files import BY_NAME, COMMANDS, FORMAT, GOOD, run, snapshot, workspace

SENTINEL = b"previous output\n"
MEGA = "x" * 2_000_000

# --------------------------------------------------------------------------- bad files, by format

HEADERS = {
    "signups": "role,id,name,capacity,skills\n",
    "keep": "mentee_id,mentor_id\n",
    "exclude": "mentee_id,mentor_id\n",
    "relationships": "mentee_id,mentor_id,started,status\n",
    "meetings": "mentee_id,mentor_id,date\n",
    "responses": "id,q1,q2,q3,q4,q5,q6,recommend\n",
    "pre": "id,q1,q2,q3,q4,q5,q6\n",
}

GENERIC: dict[str, bytes] = {
    "empty": b"",
    "blank lines": b"  \n\n \t\n",
    "binary": bytes(range(256)) * 8,
    # 0x81: neither UTF-8 nor Windows-1252 (which is read, with a warning)
    "latin-1": "nom;pr\xe9nom\nJos\xe9;\x81t\xe9\n".encode("latin-1"),
    "utf-16": "\ufeffid,name\ne1,Zo\xeb\n".encode("utf-16"),
    "zip (xlsx)": b"PK\x03\x04\x14\x00\x06\x00" + bytes(64),
    "NUL bytes": b"id,name\ne1,a\x00b\n",
}

BY_FORMAT: dict[str, dict[str, bytes]] = {
    "csv": {
        "unclosed quote": b'a,b\n"never closed,1\n',
        "wrong columns": b"colour,size\nred,3\n",
        "deep brackets": b"[" * 100_000,
        "lone surrogate": "id\n\ud800\n".encode("utf-8", "surrogatepass"),
    },
    "json": {
        "deeply nested lists": b"[" * 100_000 + b"]" * 100_000,
        "deeply nested objects": b'{"a":' * 5_000 + b"1" + b"}" * 5_000,
        "truncated": b'{"version": 1, "matches": [',
        "a list": b"[]",
        "null": b"null",
        "a number": b"5",
        "empty object": b"{}",
        "NaN": b'{"version": 1, "matches": [], "unmatched": [], "total_score": NaN}',
        "integer of 5000 digits": b'{"version": 1, "total_score": ' + b"1" * 5000 + b"}",
        "huge integer score": json.dumps(
            {
                "version": 1,
                "total_score": 1,
                "matches": [
                    {
                        "mentee_id": "e1",
                        "mentor_id": "m1",
                        "score": 10**400,
                        "contributions": {},
                        "reasons": [],
                    }
                ],
                "unmatched": [],
            }
        ).encode(),
        "lone surrogate": b'{"version": 1, "matches": [], "unmatched": [{"mentee_id": "e1", '
        b'"reason": "\\ud800"}]}',
    },
    "toml": {
        "not TOML": b"this is = = not toml\n",
        "deeply nested arrays": b"a = " + b"[" * 5_000 + b"]" * 5_000 + b"\n",
        "deeply nested tables": b"a = " + b"{b = " * 3_000 + b"1" + b"}" * 3_000 + b"\n",
        "integer of 5000 digits": b"a = " + b"1" * 5_000 + b"\n",
        "unknown key": b"min_scor = 0.2\n",
        "megabyte key": f"{'k' * 1_000_000} = 1\n".encode(),
    },
}

BY_KIND: dict[str, dict[str, bytes]] = {
    "signups": {
        "header only": HEADERS["signups"].encode(),
        "megabyte cell": f"role,id,about\nmentee,e1,{MEGA}\nmentor,m1,\n".encode(),
        "too many cells": b"role,id\nmentee,e1,extra\nmentor,m1\n",
        "manager cycle": b"role,id,manager_id\nmentee,e1,m1\nmentor,m1,e1\n",
        "bad capacity": b"role,id,capacity\nmentor,m1,1e400\nmentee,e1,\n",
    },
    "mentees": {
        "header only": b"id,goals\n",
        "a mentor in the mentees": b"id,role\ne1,mentor\n",
        "preference for nobody": b"id,preferences\ne1,m99\n",
    },
    "mentors": {
        "header only": b"id,capacity\n",
        "negative capacity": b"id,capacity\nm1,-1\n",
        "capacity of 400 digits as a float": b"id,capacity\nm1,1e400\n",
    },
    "keep": {
        "megabyte cell": f"mentee_id,mentor_id\ne1,{MEGA}\n".encode(),
        "unknown people": b"mentee_id,mentor_id\ne99,m1\ne1,m77\n",
        "huge ids": ("mentee_id,mentor_id\n" + "1" * 400 + ",m1\n").encode(),
        "results file damaged": b'{"version": 1, "matches": [{"mentee_id": 5}], "unmatched": []}',
    },
    "exclude": {
        "unknown people": b"mentee_id,mentor_id\ne1,m99\n",
        "no mentee": b"mentee_id,mentor_id\n,m1\n",
    },
    "relationships": {
        "header only": HEADERS["relationships"].encode(),
        "megabyte cell": (HEADERS["relationships"] + f"e1,m1,2025-01-01,{MEGA}\n").encode(),
        "huge goals": (
            "mentee_id,mentor_id,started,status,goals_set\ne1,m1,2025-01-01,active,"
            + "9" * 40
            + "\n"
        ).encode(),
        "negative cadence": b"mentee_id,mentor_id,started,status,expected_meetings_per_month\n"
        b"e1,m1,2025-01-01,active,-2\n",
        "bad dates": b"mentee_id,mentor_id,started,status\ne1,m1,2025-02-30,active\n",
    },
    "meetings": {
        "unknown pair": b"mentee_id,mentor_id,date\ne99,m99,2025-05-01\n",
        "bad date": b"mentee_id,mentor_id,date\ne02,m02,yesterday\n",
        "megabyte cell": f"mentee_id,mentor_id,date\ne02,m02,{MEGA}\n".encode(),
    },
    "responses": {
        "header only": HEADERS["responses"].encode(),
        "outside the scale": (HEADERS["responses"] + "e1,9,3,3,3,3,3,7\n").encode(),
        "huge answer": (HEADERS["responses"] + "e1," + "9" * 400 + ",3,3,3,3,3,7\n").encode(),
        "duplicate respondents": (
            HEADERS["responses"] + "e1,3,3,3,3,3,3,7\ne1,4,4,4,4,4,4,8\n"
        ).encode(),
        "NPS outside 0..10": (HEADERS["responses"] + "e1,3,3,3,3,3,3,11\n").encode(),
        "missing item column": b"id,q1,recommend\ne1,3,7\n",
        "no NPS column": b"id,q1,q2,q3,q4,q5,q6\ne1,3,3,3,3,3,3\n",
        "megabyte cell": (HEADERS["responses"] + f"e1,{MEGA},3,3,3,3,3,7\n").encode(),
    },
    "pre": {
        "header only": HEADERS["pre"].encode(),
        "no id column": b"q1,q2,q3,q4,q5,q6\n3,3,3,3,3,3\n",
        "empty id": (HEADERS["pre"] + ",3,3,3,3,3,3\n").encode(),
        "nan answer": (HEADERS["pre"] + "e1,nan,3,3,3,3,3\n").encode(),
    },
    "programme": {
        "huge weight": b'[[criteria]]\ntype = "GoalOverlap"\nweight = ' + b"9" * 400 + b"\n",
        "weights that overflow": b'[[criteria]]\ntype = "GoalOverlap"\nweight = 1e308\n'
        b'[[criteria]]\ntype = "SkillGap"\nweight = 1e308\n',
        "huge min_score": b'preset = "onboarding"\nmin_score = ' + b"9" * 400 + b"\n",
        "criteria not an array": b'criteria = "GoalOverlap"\n',
        "wrong-typed capacity": b'preset = "onboarding"\n[capacity]\nm1 = "two"\n',
        "unknown type": b'[[criteria]]\ntype = "GoalOverlapp"\n',
        "ids of the wrong type": b'preset = "onboarding"\n[[rules]]\ntype = "ForbidPairs"\n'
        b"pairs = [[1, 2]]\n",
        "unknown people": b'preset = "onboarding"\n[[rules]]\ntype = "ForbidPairs"\n'
        b'pairs = [["e99", "m1"]]\n',
        "attribute nobody has": b'preset = "onboarding"\n[[rules]]\ntype = "SameAttribute"\n'
        b'key = "langauge"\n',
        "capacity of nobody": b'preset = "onboarding"\n[capacity]\nm9 = 2\n',
        "targets not a table": b'preset = "onboarding"\ntargets = 5\n',
    },
    "targets": {
        "huge target": b"[targets]\nmatch_rate = " + b"9" * 400 + b"\n",
        "unknown KPI": b"[targets]\nmatch_rat = 0.8\n",
        "targets not a table": b"targets = 5\n",
        "percent": b"[targets]\ncompletion_rate = 70\n",
        "mistyped target": b'[targets]\ncompletion_rate = "high"\n',
    },
    "instrument": {
        "items not a list": b"[instrument]\nitems = 5\nscale = [1, 5]\n",
        "subscales not a table": b'[instrument]\nitems = ["q1"]\nscale = [1, 5]\nsubscales = [1]\n',
        "subscale not a list": b'[instrument]\nitems = ["q1"]\nscale = [1, 5]\n'
        b"[instrument.subscales]\na = 5\n",
        "instrument not a table": b"instrument = 5\n",
        "huge scale": b'[instrument]\nitems = ["q1"]\nscale = [1, ' + b"9" * 400 + b"]\n",
        "scale of text": b'[instrument]\nitems = ["q1"]\nscale = ["low", "high"]\n',
        "unknown reverse item": b'[instrument]\nitems = ["q1"]\nscale = [1, 5]\nreverse = ["q9"]\n',
        "bad min_answered": b'[instrument]\nitems = ["q1"]\nscale = [1, 5]\nmin_answered = 2\n',
    },
}
BY_KIND["topics"] = {
    "unknown table": b'[programmes.career_guidance]\ntopics = ["x"]\n',
    "unknown programme": b'[programme.careers]\ntopics = ["x"]\n',
    "topics not a list": b'[general]\ntopics = "x"\n',
    "empty topic": b'[general]\ntopics = [""]\n',
    "unknown key": b'[general]\ntopic = ["x"]\n',
    "megabyte topic": f'[general]\ntopics = ["{MEGA}"]\n'.encode(),
}
BY_KIND["results"] = {}


VALID_FOR = {"targets": {"empty", "blank lines"}}  # a programme file may hold no targets


def _bad_files(kind: str) -> dict[str, bytes]:
    files = {**GENERIC, **BY_FORMAT[FORMAT[kind]], **BY_KIND[kind]}
    return {k: v for k, v in files.items() if k not in VALID_FOR.get(kind, set())}


MATRIX = [
    (command.name, kind, case)
    for command in COMMANDS
    for kind in command.inputs
    for case in [*_bad_files(kind), "a folder", "missing"]
]


@pytest.mark.parametrize(("command", "kind", "case"), MATRIX, ids=["-".join(m) for m in MATRIX])
def test_every_command_answers_every_bad_input_with_exit_2(
    tmp_path: Path, command: str, kind: str, case: str
) -> None:
    cmd = BY_NAME[command]
    files = workspace(tmp_path / "in")
    bad = files[kind]
    if case == "a folder":
        bad.unlink()
        bad.mkdir()
    elif case == "missing":
        bad.unlink()
    else:
        bad.write_bytes(_bad_files(kind)[case])
    output = None
    if cmd.output is not None:
        output = tmp_path / f"out{cmd.output}"
        output.write_bytes(SENTINEL)
    before = snapshot(tmp_path)
    code, out, err = run(cmd.args(files, output))
    said = out + err
    assert code == 2, f"exit {code}\n{err}"
    assert "Traceback" not in said
    assert bad.name in said  # the message names the file
    assert len(said) < 10_000  # and does not echo a megabyte of data back
    if cmd.argv[0] != "validate":  # validate lists the problems on stdout, by design
        assert out == ""
    assert snapshot(tmp_path) == before  # nothing written, the old output untouched


def test_the_matrix_covers_every_command_and_input() -> None:
    assert {c.argv[0] for c in COMMANDS} == {
        "match",
        "validate",
        "explain",
        "rematch",
        "shortlist",
        "kpis",
        "survey",
        "plan",
    }
    assert len(MATRIX) > 300
    for kind in GOOD:
        assert len(_bad_files(kind)) >= 10, kind


def test_every_file_argument_is_declared_as_input_or_output() -> None:
    """A new file option must be declared (so that outputs are checked against it)."""
    import argparse

    parser = cli.build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    not_files = {
        "help", "debug", "preset", "format", "k", "ration", "by", "as_of", "min_group_size",
        "max_gap_days", "id_column", "nps_column", "mentee", "mentee_id", "quiet", "verbose",
        "progress", "start", "weeks", "every", "programme", "names", "readiness",
    }  # fmt: skip
    for name, p in sub.choices.items():
        declared = {dest for dest, *_ in p.get_default("_files") or ()}
        for action in p._actions:
            if action.dest in not_files:
                continue
            assert action.dest in declared, f"{name}: {action.dest} is not declared"


# --------------------------------------------------------------------------- huge numbers

HUGE = [2**63, 2**64 + 1, 10**30, 10**300]


@pytest.mark.parametrize("capacity", HUGE, ids=["2^63", "2^64+1", "10^30", "10^300"])
def test_huge_capacities_are_read_and_matched(tmp_path: Path, capacity: int) -> None:
    signups = tmp_path / "s.csv"
    signups.write_text(f"role,id,capacity\nmentor,m1,{capacity}\nmentee,e1,\nmentee,e2,\n")
    _mentees, mentors = read_signups(signups)
    assert mentors[0].capacity == capacity
    code, out, err = run(["match", str(signups)])
    assert code == 0, err and "Matched 2 of 2" in out
    toml = tmp_path / "p.toml"
    toml.write_text(f'preset = "onboarding"\n[capacity]\nm1 = {capacity}\n')
    assert run(["match", str(signups), "--config", str(toml)])[0] == 0
    data = tmp_path / "s.json"
    data.write_text(json.dumps([{"role": "mentor", "id": "m1", "capacity": capacity},
                                {"role": "mentee", "id": "e1"}]))  # fmt: skip
    assert read_signups(data).mentors[0].capacity == capacity


@pytest.mark.parametrize("k", ["5", "1000", str(10**30)])
@pytest.mark.parametrize("ration", ["2", "1e300", "1e400", "inf", str(2**1100)])
def test_shortlist_takes_huge_k_and_ration(tmp_path: Path, k: str, ration: str) -> None:
    files = workspace(tmp_path)
    code, out, err = run(["shortlist", str(files["signups"]), "-k", k, "--ration", ration])
    assert code == 0, err
    assert "Shortlists of up to" in out


@pytest.mark.parametrize("ration", ["nan", "0", "-1", "-inf", "lots"])
def test_shortlist_refuses_rations_that_are_not_numbers_above_0(
    tmp_path: Path, ration: str
) -> None:
    files = workspace(tmp_path)
    code, _, err = run(["shortlist", str(files["signups"]), "--ration", ration])
    assert code == 2 and "ration" in err and "Traceback" not in err


def bounded_3(matcher: mm.Matcher, mentees: list[mm.Mentee], mentors: list[mm.Mentor]) -> object:
    return shortlist(matcher, mentees, mentors, k=3, ration=len(mentees)).lists


def test_shortlist_library_huge_k_and_ration_match_their_bounds() -> None:
    mentees, mentors = mm.load_demo()
    matcher = mm.presets.career_guidance()
    bounded = shortlist(matcher, mentees, mentors, k=len(mentors), ration=len(mentees))
    huge = shortlist(matcher, mentees, mentors, k=10**30, ration=2**1100)
    assert huge.lists == bounded.lists and huge.load == bounded.load
    assert huge.k == 10**30 and math.isinf(huge.ration)
    assert (
        shortlist(matcher, mentees, mentors, k=3, ration=1e300).lists
        == shortlist(matcher, mentees, mentors, k=3, ration=len(mentees)).lists
    )
    assert shortlist(matcher, mentees, mentors, k=3, ration=math.inf).lists == bounded_3(
        matcher, mentees, mentors
    )
    for bad in (math.nan, 0, -1, -math.inf, True, "2"):
        with pytest.raises(mm.MentormatchError, match="'ration' parameter"):
            shortlist(matcher, mentees, mentors, ration=bad)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- results files


def _valid_results() -> dict[str, object]:
    data: dict[str, object] = json.loads(GOOD["results"][1])
    return data


def _mutate(path: list[object], value: object) -> dict[str, object]:
    data = _valid_results()
    node: object = data
    for key in path[:-1]:
        node = node[key]  # type: ignore[index]
    node[path[-1]] = value  # type: ignore[index]
    return data


def _both() -> dict[str, object]:
    data = _valid_results()
    first = data["matches"][0]["mentee_id"]  # type: ignore[index]
    data["unmatched"] = [{"mentee_id": first, "reason": "no place"}]
    return data


def _other_mentee() -> dict[str, object]:
    data = _valid_results()
    explanations = data["explanations"]
    key = next(iter(explanations))  # type: ignore[call-overload]
    other = list(explanations)[1]  # type: ignore[call-overload]
    explanations[key] = explanations[other]  # type: ignore[index]
    return data


def _stranger() -> dict[str, object]:
    data = _valid_results()
    explanations = data["explanations"]
    explanations["zz"] = explanations[next(iter(explanations))]  # type: ignore[index, call-overload]
    return data


def _twice() -> dict[str, object]:
    data = _valid_results()
    data["matches"] = [*data["matches"], data["matches"][0]]  # type: ignore[index, misc]
    return data


CONTRADICTIONS: dict[str, tuple[Callable[[], dict[str, object]], str]] = {
    "matched and unmatched": (_both, "is both matched"),
    "matched twice": (_twice, "appears twice"),
    "explanation of another mentee": (_other_mentee, "another mentee"),
    "explanation of nobody": (_stranger, "neither matched nor unmatched"),
    "null score": (lambda: _mutate(["matches", 0, "score"], None), "score must be a number"),
    "text score": (lambda: _mutate(["matches", 0, "score"], "0.5"), "score must be a number"),
    "score above 1": (lambda: _mutate(["matches", 0, "score"], 7.5), "in [0, 1]"),
    "null mentor": (lambda: _mutate(["matches", 0, "mentor_id"], None), "mentor_id must be"),
    "numeric id": (lambda: _mutate(["matches", 0, "mentee_id"], 17), "mentee_id must be"),
    "reasons not a list": (lambda: _mutate(["matches", 0, "reasons"], "x"), "list of sentences"),
    "contributions not numbers": (
        lambda: _mutate(["matches", 0, "contributions"], {"goals": "high"}),
        "contributions must map",
    ),
    "contributions that do not add up": (
        lambda: _mutate(["matches", 0, "contributions"], {"goals": 0.0}),
        "add up to",
    ),
    "wrong total": (lambda: _mutate(["total_score"], 99.0), "not the sum"),
    "null total": (lambda: _mutate(["total_score"], None), "total_score must be"),
    "bool version": (lambda: _mutate(["version"], True), "version"),
    "null explanation": (
        lambda: _mutate(["explanations", "e1"], None),
        "must be an object",
    ),
    "runner-up not an object": (
        lambda: _mutate(["explanations", "e1", "runner_up"], 5),
        "runner_up must be",
    ),
    "explanation names another mentor": (
        lambda: _mutate(["explanations", "e1", "mentor_id"], "m99"),
        "but the match is with",
    ),
    "unmatched reason missing": (
        lambda: {**_valid_results(), "unmatched": [{"mentee_id": "e9"}]},
        "reason must be text",
    ),
    "metadata not an object": (lambda: _mutate(["metadata"], [1]), "metadata must be"),
    "unknown key": (lambda: {**_valid_results(), "explanation": {}}, "did you mean 'explanations'"),
    "matches not a list": (lambda: _mutate(["matches"], {"e1": "m1"}), "must be a list"),
}


@pytest.mark.parametrize("case", list(CONTRADICTIONS), ids=list(CONTRADICTIONS))
def test_self_contradicting_results_files_are_errors(case: str) -> None:
    build, message = CONTRADICTIONS[case]
    text = json.dumps(build())
    with pytest.raises(ResultsError, match=re.escape(message)) as info:
        read_results(io.StringIO(text))
    assert all(p.message for p in info.value.problems)


def test_results_problems_are_all_reported_at_once() -> None:
    data = _both()
    data["matches"][1]["score"] = None  # type: ignore[index]
    data["total_score"] = "lots"
    with pytest.raises(ResultsError) as info:
        read_results(io.StringIO(json.dumps(data)))
    assert {p.column for p in info.value.problems} >= {
        "unmatched.mentee_id",
        "matches.score",
        "total_score",
    }


def test_a_valid_results_file_still_round_trips() -> None:
    result = read_results(io.StringIO(GOOD["results"][1].decode()))
    assert result.explain("e1").mentee_id == "e1"


# --------------------------------------------------------------------------- programme files


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("presett = 'onboarding'\n", "did you mean 'preset'?"),
        ("min_scor = 0.1\npreset = 'onboarding'\n", "did you mean 'min_score'?"),
        ("[[criterias]]\ntype = 'GoalOverlap'\n", "did you mean 'criteria'?"),
        ("[[criteria]]\ntype = 'GoalOverlapp'\n", "did you mean 'GoalOverlap'?"),
        ("[[criteria]]\ntype = 'SkillGap'\nideal = 2\n", "did you mean 'ideal_gap'?"),
        ("[[criteria]]\ntype = 'GoalOverlap'\nwieght = 2\n", "did you mean 'weight'?"),
        ("preset = 'onbording'\n", "did you mean 'onboarding'?"),
        ("[[rules]]\ntype = 'NotInReportingLines'\n", "did you mean 'NotInReportingLine'?"),
    ],
)
def test_unknown_programme_keys_name_the_nearest_valid_one(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "programme.toml"
    path.write_text(text)
    with pytest.raises(ProblemsError, match=message):
        cli.load_programme(path)


def test_programme_problems_are_all_reported_at_once(tmp_path: Path) -> None:
    path = tmp_path / "programme.toml"
    path.write_text(
        "min_scor = 0.1\nmin_score = 7\n[[criteria]]\ntype = 'GoalOverlapp'\n"
        "[[criteria]]\ntype = 'GoalOverlap'\nweight = -1\n[[rules]]\ntype = 'ForbidPairs'\n"
        "pairs = [['e1', 5]]\n[capacity]\nm1 = -3\n"
    )
    with pytest.raises(ProblemsError) as info:
        cli.load_programme(path)
    columns = [p.column for p in info.value.problems]
    assert len(columns) == 6, info.value
    assert "min_scor" in columns and "min_score" in columns and "capacity" in columns


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ('type = "ForbidPairs"\npairs = [["e99", "m1"]]', "'e99', who is not a mentee"),
        ('type = "RequirePairs"\npairs = [["e1", "m99"]]', "'m99', who is not a mentor"),
        ('type = "ForbidPairs"\npairs = [["m1", "e1"]]', "'m1', who is not a mentee"),
        ('type = "ForbidPairs"\npairs = [["e1", 3]]', "ids are text in quotes"),
        ('type = "ForbidPairs"\npairs = [[true, "m1"]]', "ids are text in quotes"),
        ('type = "SameAttribute"\nkey = "langauge"', "nobody in the sign-ups has"),
        ('type = "SameAttribute"\nkey = "lcation"', "did you mean 'location'?"),
    ],
)
def test_rules_naming_what_the_sign_ups_do_not_have(
    tmp_path: Path, rule: str, message: str
) -> None:
    files = workspace(tmp_path)
    files["programme"].write_text(f'preset = "onboarding"\n[[rules]]\n{rule}\n')
    for command in ("match", "validate", "shortlist", "rematch"):
        code, out, err = run([command, str(files["signups"]), "--config", str(files["programme"])])
        assert code == 2, (command, err)
        assert message in out + err and "programme.toml" in out + err


def test_a_criterion_on_an_attribute_nobody_has(tmp_path: Path) -> None:
    files = workspace(tmp_path)
    files["programme"].write_text('[[criteria]]\ntype = "AttributeMatch"\nkey = "langauge"\n')
    code, _, err = run(["match", str(files["signups"]), "--config", str(files["programme"])])
    assert code == 2 and "nobody in the sign-ups has the attribute 'langauge'" in err


def test_a_same_attribute_rule_one_side_lacks(tmp_path: Path) -> None:
    signups = tmp_path / "s.csv"
    signups.write_text("role,id,language\nmentor,m1,fr\nmentee,e1,\n")
    programme = tmp_path / "p.toml"
    programme.write_text(
        'preset = "onboarding"\n[[rules]]\ntype = "SameAttribute"\nkey = "language"\n'
    )
    code, _, err = run(["match", str(signups), "--config", str(programme)])
    assert code == 2 and "no mentee has the attribute 'language'" in err


# --------------------------------------------------------------------------- sign-ups


def test_manager_cycles_are_listed_with_the_other_problems() -> None:
    text = (
        "role,id,manager_id,skills\nmentee,a,b,\nmentor,b,a,python:9\nmentor,c,d,\n"
        "mentee,d,e,\nmentee,e,c,\nmentee,x,y,\nmentor,x,z,\n"
    )
    with pytest.raises(SignupsError) as info:
        read_signups(io.StringIO(text))
    messages = [p.message for p in info.value.problems]
    assert len(messages) == 4, info.value
    assert sum("the manager chain loops" in m for m in messages) == 2
    assert any("c -> d -> e -> c" in m for m in messages)
    assert any("level 9" in m for m in messages) and any("names manager" in m for m in messages)


@pytest.mark.parametrize(
    "text",
    ["[]", "{}", '{"mentees": [], "mentors": []}', '{"version": 1}'],
)
def test_people_less_json_sign_ups(text: str) -> None:
    with pytest.raises(SignupsError, match="holds no people"):
        read_signups(io.StringIO(text))


def test_deep_json_sign_ups() -> None:
    with pytest.raises(SignupsError, match="nested more than 64 levels"):
        read_signups(io.StringIO("[" * 50_000 + "]" * 50_000))
    with pytest.raises(SignupsError, match="nested more than 64 levels"):
        read_signups(
            io.StringIO('[{"role": "mentee", "id": "e1", "about": ' + "[" * 80 + "]" * 80 + "}]")
        )


def test_a_megabyte_cell_names_its_row_column_and_id() -> None:
    with pytest.raises(SignupsError) as info:
        read_signups(io.StringIO(f"role,id,about\nmentor,m1,\nmentee,e1,{MEGA}\n"))
    (problem,) = info.value.problems
    assert (problem.row, problem.column, problem.participant_id) == (3, "about", "e1")
    assert "longer than" in problem.message and "quote" in problem.message


# --------------------------------------------------------------------------- relationships


def test_the_relationships_reader_reports_every_problem_at_once() -> None:
    text = (
        "mentee_id,mentor_id,started,ended,status,goals_set,goals_met,satisfaction,"
        "expected_meetings_per_month\n"
        "e1,m1,2025-01-01,2024-12-01,completed,2,3,4,1\n"
        "e2,m1,not-a-date,,paused,x,0,inf,-1\n"
        "e1,m1,2025-01-01,,active,0,0,,\n"
        ",m2,2025-01-01,,active,0,0,,\n"
    )
    meetings = "mentee_id,mentor_id,date\ne9,m1,2025-02-01\ne1,m1,2024-01-01\ne1,m1,soon\n"
    with pytest.raises(ProblemsError) as info:
        kpis.read_relationships(io.StringIO(text), meetings=io.StringIO(meetings))
    found = {(p.row, p.column) for p in info.value.problems}
    assert {
        (2, "ended"),
        (2, "goals_met"),
        (3, "started"),
        (3, "status"),
        (3, "goals_set"),
        (3, "satisfaction"),
        (3, "expected_meetings_per_month"),
        (4, "mentee_id"),
        (5, "mentee_id"),
    } <= found
    assert sum(1 for p in info.value.problems if p.column in ("date", "mentee_id")) >= 4
    assert str(info.value).startswith(f"{len(info.value.problems)} problems in the relationships")


@pytest.mark.parametrize("cadence", ["-1", "-0.5", "nan", "-inf", "lots"])
def test_negative_or_unreadable_cadences_are_refused(cadence: str) -> None:
    text = f"mentee_id,mentor_id,started,status,expected_meetings_per_month\ne1,m1,2025-01-01,active,{cadence}\n"
    with pytest.raises(ProblemsError, match="expected_meetings_per_month"):
        kpis.read_relationships(io.StringIO(text))


@pytest.mark.parametrize("goals", ["9" * 19, "9" * 400, "1e400", "-3", "2.5", "True"])
def test_goal_counts_that_are_not_counts(goals: str) -> None:
    text = f"mentee_id,mentor_id,started,status,goals_set\ne1,m1,2025-01-01,active,{goals}\n"
    with pytest.raises(ProblemsError, match="goals_set"):
        kpis.read_relationships(io.StringIO(text))


# --------------------------------------------------------------------------- targets, instruments


def test_targets_report_every_problem_with_the_nearest_kpi(tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    path.write_text(
        '[targets]\nmatch_rat = 0.8\ncompletion_rate = 70\nmeeting_cadence = "often"\n'
        f"satisfaction = {10**400}\ngoal = 3\n"
    )
    with pytest.raises(ProblemsError) as info:
        kpis.load_targets(path)
    assert len(info.value.problems) == 5
    assert "did you mean 'match_rate'?" in str(info.value)


def test_kpis_config_is_checked_as_a_programme_file(tmp_path: Path) -> None:
    files = workspace(tmp_path)
    files["targets"].write_text("[tragets]\nmatch_rate = 0.8\n")
    code, _, err = run(["kpis", str(files["relationships"]), "--config", str(files["targets"])])
    assert code == 2 and "did you mean 'targets'?" in err


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[instrument]\nitems = 5\nscale = [1, 5]\n", "items must be a list"),
        ('[instrument]\nitems = ["q1", 2]\nscale = [1, 5]\n', "items must be a list"),
        ('[instrument]\nitems = ["q1"]\nscale = {min = 1, max = 5}\n', "scale must be"),
        ('[instrument]\nitems = ["q1"]\nscale = [5, 1]\n', "min must be below max"),
        ('[instrument]\nitems = ["q1"]\nscale = [1, nan]\n', "scale must be"),
        ('[instrument]\nitems = ["q1"]\nscale = [1, 5]\nsubscales = ["q1"]\n', "subscales must"),
        (
            '[instrument]\nitems = ["q1"]\nscale = [1, 5]\n[instrument.subscales]\na = {b = 1}\n',
            "subscales.a must be",
        ),
        ('[instrument]\nitems = ["q1"]\nscale = [1, 5]\nreverse = [1]\n', "reverse must be"),
        (
            '[instrument]\nitems = ["growth1"]\nscale = [1, 5]\nreverse = ["growht1"]\n',
            "did you mean 'growth1'",
        ),
        ('[instrument]\nitems = ["q1"]\nscale = [1, 5]\nmin_answered = "half"\n', "min_answered"),
        ('[instrument]\nitems = ["q1"]\nscale = [1, 5]\nname = 3\n', "name must be text"),
        ('[instrument]\nitems = ["q1", "q1"]\nscale = [1, 5]\n', "more than once"),
        ("instrument = [1, 2]\n", "[instrument] must be a table"),
        ('[instrument]\nitems = ["q1"]\nscale = [1, 5]\n[extra]\na = 1\n', "unknown key 'extra'"),
    ],
)
def test_wrong_typed_instrument_files(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "instrument.toml"
    path.write_text(text)
    with pytest.raises(ProblemsError) as info:
        surveys.load_instrument(path)
    assert message in str(info.value)


def test_instrument_problems_are_all_reported_at_once(tmp_path: Path) -> None:
    path = tmp_path / "instrument.toml"
    path.write_text('[instrument]\nitems = ["q1"]\nscale = [5, 1]\nreverse = ["q9"]\nrevers = 1\n')
    with pytest.raises(ProblemsError) as info:
        surveys.load_instrument(path)
    assert len(info.value.problems) == 3


# --------------------------------------------------------------------------- survey files


def _responses(text: str, **kwargs: object) -> object:
    return read_responses(io.StringIO(text), ["q1", "q2"], (1.0, 5.0), **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "kwargs", "message"),
    [
        ("id,q1\ne1,3\n", {}, "no column for item(s) ['q2']"),
        ("id,q1,Q_2\ne1,3,3\n", {}, "no column for item(s) ['q2']"),
        ("ident,q1,q2\ne1,3,3\n", {"id_column": "id", "require_id": True}, "no column 'id'"),
        ("id,q1,q2\ne1,3,3\n", {"extra": {"nps": (0, 10, "--nps-column")}}, "no column 'nps'"),
        ("id,q1,q2\ne1,6,3\n", {}, "answer 6 is outside the scale 1..5"),
        ("id,q1,q2\ne1,0.5,3\n", {}, "outside the scale"),
        ("id,q1,q2\ne1,-inf,3\n", {}, "is not a number"),
        ("id,q1,q2\ne1,three,3\n", {}, "is not a number"),
        ("id,q1,q2\ne1,3,3\ne1,4,4\n", {"id_column": "id"}, "also answers in row 2"),
        ("id,q1,q2\n,3,3\n", {"id_column": "id"}, "the respondent id is empty"),
        ("id,q1,q2,nps\ne1,3,3,10.5\n", {"extra": {"nps": (0, 10, "--nps-column")}}, "whole"),
        ("id,q1,q2\n", {}, "header but no responses"),
    ],
)
def test_survey_files(text: str, kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ProblemsError) as info:
        _responses(text, **kwargs)
    assert message in str(info.value)


def test_survey_problems_name_row_column_and_respondent_all_at_once() -> None:
    with pytest.raises(ProblemsError) as info:
        _responses("id,q1,q2\ne1,9,3\ne2,x,0\ne1,3,3\n", id_column="id")
    got = [(p.row, p.column, p.participant_id) for p in info.value.problems]
    assert got == [(2, "q1", "e1"), (3, "q1", "e2"), (3, "q2", "e2"), (4, "id", "e1")]


def test_survey_command_with_missing_columns(tmp_path: Path) -> None:
    files = workspace(tmp_path)
    base = ["survey", str(files["responses"]), "--instrument", str(files["instrument"])]
    for extra, message in (
        (["--id-column", "ident", "--pre", str(files["pre"])], "no column 'ident'"),
        (["--nps-column", "recomend"], "did you mean 'recommend'?"),
    ):
        code, _, err = run([*base, *extra])
        assert code == 2 and message in err, err


# --------------------------------------------------------------------------- exit codes

PATCHES = {
    "demo": "mentormatch.io.load_demo",
    "match": "mentormatch.matching.Matcher.match",
    "explain": "mentormatch.io.read_results",
    "validate": "mentormatch.io.read_signups",
    "kpis": "mentormatch.kpis.programme_report",
    "survey": "mentormatch.surveys.cronbach_alpha",
    "rematch": "mentormatch.cli.lifecycle.rematch",
    "shortlist": "mentormatch.cli.lifecycle.shortlist",
    "plan": "mentormatch.cli.plan.plan",
}


def _argv(command: str, files: dict[str, Path]) -> list[str]:
    return ["demo"] if command == "demo" else BY_NAME[command].args(files)


@pytest.mark.parametrize("command", list(PATCHES))
def test_exit_0_when_done(tmp_path: Path, command: str) -> None:
    code, out, err = run(_argv(command, workspace(tmp_path)))
    assert code == 0, err
    assert out


@pytest.mark.parametrize("command", list(PATCHES))
def test_exit_1_says_it_is_a_bug_without_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("an internal invariant broke")

    monkeypatch.setattr(PATCHES[command], broken)
    monkeypatch.delenv("MENTORMATCH_DEBUG", raising=False)
    argv = _argv(command, workspace(tmp_path))
    code, _, err = run(argv)
    assert code == 1
    assert "this is a bug in mentormatch" in err and "report it" in err
    assert "RuntimeError" in err and "Traceback" not in err and err.count("\n") == 1
    code, _, err = run([argv[0], "--debug", *argv[1:]])
    assert code == 1 and "Traceback (most recent call last)" in err
    code, _, err = run(["--debug", *argv])
    assert code == 1 and "Traceback (most recent call last)" in err
    monkeypatch.setenv("MENTORMATCH_DEBUG", "1")
    code, _, err = run(argv)
    assert code == 1 and "Traceback (most recent call last)" in err


@pytest.mark.parametrize("command", list(PATCHES))
def test_exit_130_when_interrupted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(PATCHES[command], interrupted)
    code, _out, err = run(_argv(command, workspace(tmp_path)))
    assert code == 130
    assert err.count("\n") == 1 and "interrupted" in err and "Traceback" not in err


@pytest.mark.parametrize("command", list(PATCHES))
@pytest.mark.parametrize("argv", [["--no-such-option"], ["--help-me"]])
def test_exit_2_on_usage_errors(tmp_path: Path, command: str, argv: list[str]) -> None:
    code, out, err = run([*_argv(command, workspace(tmp_path)), *argv])
    assert code == 2 and out == "" and "see mentormatch --help" in err


def test_a_plain_value_error_is_a_bug_not_bad_input(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only mentormatch's own errors (and pydantic's) mean bad input."""

    def broken(*args: object, **kwargs: object) -> None:
        raise ValueError("numpy said no")

    monkeypatch.setattr("mentormatch.io.load_demo", broken)
    code, _, err = run(["demo"])
    assert code == 1 and "ValueError: numpy said no" in err


# --------------------------------------------------------------------------- terminal safety

EVIL = ["\x1b[2J\x1b]0;owned\x07", "\x9b31m", "\u202egnp.exe", "a\rb", "\x08\x08x", "z\u2028y"]
SAFE_FORMAT = {"\u200c", "\u200d"}


def _unsafe_characters(text: str) -> set[str]:
    return {
        ch
        for ch in text
        if ch not in "\n\t"
        and ch not in SAFE_FORMAT
        and unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Zl", "Zp")
    }


def _evil_files(folder: Path) -> dict[str, Path]:
    files = workspace(folder)
    rows = ["role,id,name,department,goals,skills,location,manager_id"]
    for k, evil in enumerate(EVIL):
        quoted = '"' + f"x{evil}".replace('"', '""') + '"'
        rows.append(f"mentor,m{k}{evil[:2]!s},{quoted},{quoted},{quoted},python:5,{quoted},")
        rows.append(f"mentee,e{k},{quoted},Dept/{quoted},{quoted},python:2,{quoted},")
    files["signups"].write_text("\n".join(r.replace("\r", "") for r in rows) + "\n")
    rel = ["mentee_id,mentor_id,started,status,department,meetings"]
    for k in range(24):
        evil = EVIL[k % len(EVIL)].replace("\r", "")
        rel.append(f'"e{k}{evil}",m{k % 3},2025-01-0{1 + k % 9},active,"D{evil}",')
    files["relationships"].write_text("\n".join(rel) + "\n")
    return files


def test_control_characters_from_data_never_reach_the_terminal(tmp_path: Path) -> None:
    files = _evil_files(tmp_path / "evil")
    results = tmp_path / "m.json"
    runs = [
        ["match", str(files["signups"])],
        ["match", str(files["signups"]), "-o", str(results)],
        ["explain", str(results), "e0"],
        ["validate", str(files["signups"])],
        ["shortlist", str(files["signups"]), "-k", "2"],
        ["rematch", str(files["signups"])],
        ["kpis", str(files["relationships"]), "--as-of", "2025-06-01", "--by", "department",
         "--min-group-size", "3"],
        ["explain", str(results), "e\x1b[31m"],
    ]  # fmt: skip
    for argv in runs:
        code, out, err = run(argv)
        assert code in (0, 2), (argv, err)
        assert not _unsafe_characters(out + err), (argv, _unsafe_characters(out + err))
    bad = tmp_path / "bad.csv"
    bad.write_text('role,id,skills\nmentor,"m\x1b[5m",python:9\nmentee,"\u202ee1",python:0\n')
    code, out, err = run(["validate", str(bad)])
    assert code == 2 and "\\x1b[5m" in out and "\\u202e" in out
    assert not _unsafe_characters(out + err)


def test_data_written_to_a_terminal_is_escaped_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = _evil_files(tmp_path / "evil")

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    monkeypatch.setattr("sys.stdout", terminal)
    monkeypatch.chdir(tmp_path)  # a file named '-' would land here, not in the project
    assert cli.main(["match", str(files["signups"]), "-o", "-"]) == 0
    assert "mentee_id" in terminal.getvalue()
    assert not _unsafe_characters(terminal.getvalue())


def test_data_piped_out_stays_exact(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    files = _evil_files(tmp_path / "evil")
    monkeypatch.chdir(tmp_path)
    assert cli.main(["match", str(files["signups"]), "-o", "-", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert any("\x1b[2J" in r for m in data["matches"] for r in m["reasons"]) or any(
        "\x1b" in m["mentee_id"] + m["mentor_id"] for m in data["matches"]
    )


@given(st.text())
def test_safe_leaves_no_control_character(text: str) -> None:
    shown = _console._safe(text)
    assert not _unsafe_characters(shown)
    assert not _unsafe_characters(_console._safe(text, cell=True)) and "\n" not in _console._safe(
        text, cell=True
    )


@given(st.text(st.characters(blacklist_categories=("Cc", "Cf", "Cs", "Zl", "Zp"))))
def test_safe_leaves_ordinary_text_alone(text: str) -> None:
    assert _console._safe(text) == text


def test_every_print_of_the_command_goes_through_one_function() -> None:
    modules = sorted(Path(cli.__file__).parent.glob("*.py"))
    assert len(modules) >= 8  # the command's package, every module of it
    for module in modules:
        source = module.read_text()
        assert "print(" not in source, module
        assert "traceback.print_exc" not in source, module


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
def test_a_narrow_terminal_encoding_never_crashes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, encoding: str
) -> None:
    files = _evil_files(tmp_path / "evil")
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding=encoding)
    monkeypatch.setattr("sys.stdout", stream)
    assert cli.main(["match", str(files["signups"])]) == 0
    stream.flush()
    assert b"Matched" in raw.getvalue()
    _ = os.linesep  # the stream is left to the fixture


# --------------------------------------------------------------------------- all files at once

SEVERAL = [
    ("match", {"signups": "role,id\nboss,e1\n", "programme": "presett = 1\n"}),
    ("rematch", {"signups": "role,id\nboss,e1\n", "keep": "a,b\n1,2\n", "exclude": ""}),
    ("kpis", {"relationships": "mentee_id\ne1\n", "targets": "[targets]\nmatch_rat = 1\n",
              "results": "{}", "signups": ""}),
    ("survey", {"responses": "id,q1\ne1,9\n", "pre": "q1\n3\n"}),
]  # fmt: skip


@pytest.mark.parametrize(("command", "bad"), SEVERAL, ids=[c for c, _ in SEVERAL])
def test_the_problems_of_every_file_are_reported_at_once(
    tmp_path: Path, command: str, bad: dict[str, str]
) -> None:
    files = workspace(tmp_path)
    for kind, text in bad.items():
        files[kind].write_text(text)
    code, _, err = run(BY_NAME[command].args(files))
    assert code == 2, err
    for kind in bad:
        assert files[kind].name in err, (kind, err)
