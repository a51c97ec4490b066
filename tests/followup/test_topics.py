"""Topic banks: the shipped bank is real and complete; a user's bank replaces it; bad banks
are refused with an error that names the table or key."""

from __future__ import annotations

import string
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import mentormatch as mm
from mentormatch.followup._topics import default_bank, parse_bank, read_bank

from .helpers import result_of

START = date(2026, 1, 12)
ONE = result_of([("e1", "m1")])


def test_the_programmes_are_the_presets() -> None:
    assert tuple(mm.presets.PRESETS) == mm.followup.PROGRAMMES


def test_the_shipped_bank_is_a_real_bank() -> None:
    bank = default_bank()
    assert len(bank.general) >= 10
    assert set(bank.programmes) == set(mm.followup.PROGRAMMES)
    assert all(len(topics) >= 10 for topics in bank.programmes.values())
    assert len(bank.themes) >= 30
    assert all(len(topics) >= 2 for topics in bank.themes.values())
    everything = [
        *bank.general,
        *(t for ts in bank.programmes.values() for t in ts),
        *(t for ts in bank.themes.values() for t in ts),
    ]
    assert len(everything) == len(set(everything)), "a topic appears twice"
    for topic in everything:
        assert 15 <= len(topic) <= 100, topic
        assert topic[0].isupper() and not topic.endswith((".", "?", "!")), topic
    assert (
        "Three roles your mentor held, and which of them you would like to explore"
        in (bank.programmes["career_guidance"])
    )


def test_every_goal_and_skill_of_the_demo_has_a_theme() -> None:
    signups = mm.load_demo()
    words = {
        " ".join(w.split()).casefold()
        for person in (*signups.mentees, *signups.mentors)
        for w in (*person.goals, *person.skills)
    }
    assert words <= set(default_bank().themes)


def test_a_users_bank_replaces_the_shipped_one(tmp_path: Path) -> None:
    path = tmp_path / "topics.toml"
    path.write_text(
        '[general]\ntopics = ["Our own general topic"]\n'
        '[theme."Public Speaking"]\ntopics = ["Our own speaking topic"]\n',
        encoding="utf-8",
    )
    mentee = mm.Mentee(id="e1", goals=["public speaking"])
    mentor = mm.Mentor(id="m1", goals=["PUBLIC SPEAKING"])
    for topics in (path, str(path)):
        pair = mm.followup.plan(
            ONE, [mentee, mentor], start=START, topics=topics, programme="career_guidance"
        ).pairs[0]
        assert [t.topic for t in pair.talking_points] == [
            "Our own speaking topic",
            "Our own general topic",
        ]


def test_a_bank_without_topics_is_refused_and_n_points_0_asks_for_none() -> None:
    # a bank that holds nothing would leave every pair without a point, silently
    for empty in ({}, {"general": {}}, {"general": {"topics": []}, "theme": {"sql": {}}}):
        with pytest.raises(mm.MentormatchError, match="holds no topics"):
            read_bank(empty)
    pair = mm.followup.plan(ONE, start=START, n_points=0, programme="onboarding").pairs[0]
    assert pair.talking_points == ()
    assert read_bank({"general": {}, "theme": {"sql": {"topics": ["x"]}}}).general == ()


BAD_BANKS = {
    "unknown table": (
        "[generl]\ntopics = []\n",
        "unknown table 'generl'; the valid tables are general, programme, theme",
    ),
    "unknown key": (
        "[general]\ntopic = ['x']\n",
        "general: unknown key 'topic'; the only key is 'topics'",
    ),
    "unknown programme": (
        "[programme.careers]\ntopics = []\n",
        "unknown programme 'careers' in [programme.careers]; the valid programmes are career_guidance, onboarding, reverse_mentoring, skills_training",
    ),
    "topics not a list": ("[general]\ntopics = 'x'\n", "general: 'topics' must be a list of text"),
    "topic not text": (
        "[theme.sql]\ntopics = [3]\n",
        "theme.sql: topic 1 must be non-empty text, got 3",
    ),
    "empty topic": (
        "[general]\ntopics = ['ok', '  ']\n",
        "general: topic 2 must be non-empty text",
    ),
    "same theme twice": (
        '[theme.SQL]\ntopics = []\n[theme." sql"]\ntopics = []\n',
        "themes 'SQL' and ' sql' are the same word",
    ),
    "general not a table": ("general = 3\n", "general must be a table with a 'topics' list, got 3"),
    "theme not a table": ("theme = 3\n", "'theme' must be a table of theme tables, got 3"),
    "programme not a table": (
        "programme = [1]\n",
        "'programme' must be a table of programme tables",
    ),
    "key in theme": ("[theme.sql]\ntopics = []\nweight = 2\n", "theme.sql: unknown key 'weight'"),
    "not TOML": ("[general\ntopics = [", "not valid TOML"),
    "empty theme name": ('[theme.""]\ntopics = []\n', "a theme has an empty name"),
}


@pytest.mark.parametrize("text, message", BAD_BANKS.values(), ids=BAD_BANKS.keys())
def test_a_bad_bank_is_refused_naming_what_is_wrong(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "topics.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(mm.MentormatchError) as info:
        mm.followup.plan(ONE, start=START, topics=path)
    assert message in str(info.value)
    assert "'topics' parameter" in str(info.value)
    assert info.value.field == "topics"


def test_every_problem_of_a_bank_is_listed_at_once(tmp_path: Path) -> None:
    path = tmp_path / "topics.toml"
    path.write_text("[generl]\n[general]\ntopic = []\n[programme.x]\n", encoding="utf-8")
    with pytest.raises(mm.MentormatchError, match="3 problems in the topic bank") as info:
        mm.followup.plan(ONE, start=START, topics=path)
    assert str(path) in str(info.value)


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda p: p / "none.toml", "no such topic bank"),
        (lambda p: p, "is a folder"),
        (lambda p: (p / "b.toml").write_bytes(b"\xff\xfe[general]") and p / "b.toml", "not UTF-8"),
    ],
    ids=["missing", "folder", "not UTF-8"],
)
def test_a_bank_that_cannot_be_read(tmp_path: Path, make: Any, message: str) -> None:
    with pytest.raises(mm.MentormatchError, match=message) as info:
        mm.followup.plan(ONE, start=START, topics=make(tmp_path))
    assert info.value.field == "topics"


@pytest.mark.parametrize("topics", [3, b"x", ["a"], True])
def test_topics_of_the_wrong_kind(topics: object) -> None:
    with pytest.raises(
        mm.MentormatchError, match="'topics' parameter of plan must be a path"
    ) as info:
        mm.followup.plan(ONE, start=START, topics=topics)  # type: ignore[arg-type]
    assert info.value.field == "topics"


_leaf = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(max_size=8),
    st.lists(st.one_of(st.text(max_size=8), st.integers()), max_size=3),
)
_names = st.text(string.ascii_letters + " _", max_size=10) | st.sampled_from(
    ["general", "programme", "theme", "topics", "career_guidance", "sql"]
)
_tables = st.recursive(
    _leaf, lambda inner: st.dictionaries(_names, inner, max_size=4), max_leaves=12
)


@given(st.dictionaries(_names, _tables, max_size=4))
def test_any_parsed_table_is_a_bank_or_our_error(data: dict[str, Any]) -> None:
    try:
        bank = parse_bank(data, "fuzz")
    except mm.MentormatchError as exc:
        assert exc.field == "topics"
    else:
        assert all(isinstance(t, str) and t for t in bank.general)


@given(st.binary(max_size=60) | st.text(max_size=60).map(str.encode))
def test_any_file_is_a_bank_or_our_error(raw: bytes) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "topics.toml"
        path.write_bytes(raw)
        try:
            read_bank(path)
        except mm.MentormatchError as exc:
            assert exc.field == "topics"
