"""Topic banks and the choice of a pair's talking points (private; see ``followup.plan``).

A topic bank is a TOML file of this shape (every table optional)::

    [general]                      # for any programme
    topics = ["...", "..."]
    [programme.career_guidance]    # per programme goal (the presets' names)
    topics = ["..."]
    [theme.leadership]             # per goal or skill word, compared trimmed and case-folded
    topics = ["..."]

The bank shipped in package data (``mentormatch/data/topics.toml``) is read
with :func:`importlib.resources.files`, so it works from a wheel or a zip.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any, Literal

from mentormatch._errors import MentormatchError
from mentormatch._validation import fold, shown
from mentormatch._values import FrozenDict, Value
from mentormatch.followup._files import load_toml, loads_toml
from mentormatch.presets import PRESETS

__all__ = ["PROGRAMMES", "TalkingPoint", "TopicBank", "choose_points", "default_bank", "read_bank"]

#: The programme goals a bank may hold topics for: the presets' names.
PROGRAMMES: tuple[str, ...] = tuple(PRESETS)

Source = Literal["shared goal", "skill gap", "programme", "general"]

_TABLES = ("general", "programme", "theme")
_KEYS = ("topics",)


@dataclass(frozen=True, eq=False)
class TalkingPoint(Value):
    """One thing a pair could talk about, and why it was chosen for them.

    Attributes
    ----------
    topic : str
        The prompt, from the topic bank (or, for a shared goal or a skill the
        bank has no theme for, a prompt built around that word).
    reason : str
        Why this pair got it: ``"you both listed leadership"``, ``"the largest
        skill gap between you: sql, level 2 against the mentor's 5"``, ``"a topic
        for career_guidance programmes"`` or ``"a topic for any mentoring pair"``.
    source : {"shared goal", "skill gap", "programme", "general"}
        Which rule chose it, in the order of preference.

    Examples
    --------
    >>> p = TalkingPoint("A decision you had to lead on", "you both listed leadership", "shared goal")
    >>> str(p)
    'A decision you had to lead on (you both listed leadership)'
    """

    topic: str
    reason: str
    source: Source

    def __str__(self) -> str:
        return f"{self.topic} ({self.reason})"


@dataclass(frozen=True, eq=False)
class TopicBank(Value):
    """A topic bank, checked: general topics, topics per programme, topics per theme.

    Attributes
    ----------
    general : tuple of str
    programmes : mapping of str to tuple of str
        Keyed by preset name.
    themes : mapping of str to tuple of str
        Keyed by the theme word trimmed and case-folded.
    """

    general: tuple[str, ...] = ()
    # default_factory, not a default: Python 3.10's dataclasses refuse any dict
    # subclass as a default, however immutable.
    programmes: Mapping[str, tuple[str, ...]] = field(default_factory=FrozenDict)
    themes: Mapping[str, tuple[str, ...]] = field(default_factory=FrozenDict)


#: The longest talking point, in characters: a sentence or two, to read in a calendar.
MAX_TOPIC = 1000


def _topic_list(value: object, where: str, problems: list[str]) -> tuple[str, ...]:
    if not isinstance(value, list):
        problems.append(f"{where}: 'topics' must be a list of text, got {shown(value)}")
        return ()
    out: list[str] = []
    for i, item in enumerate(value):
        if not isinstance(item, str) or not item.strip():
            problems.append(
                f"{where}: topic {i + 1} must be non-empty text, got {shown(item)}; "
                "write each topic as a quoted string"
            )
            continue
        text = " ".join(item.split())
        if len(text) > MAX_TOPIC:
            problems.append(
                f"{where}: topic {i + 1} is {len(text):,} characters long; a talking point is "
                f"a sentence or two (at most {MAX_TOPIC:,} characters)"
            )
            continue
        out.append(text)
    return tuple(out)


def _topics_table(value: object, where: str, problems: list[str]) -> tuple[str, ...]:
    if not isinstance(value, Mapping):
        problems.append(
            f"{where} must be a table with a 'topics' list, got {shown(value)}; "
            f"write it as [{where}] followed by topics = [...]"
        )
        return ()
    for key in value:
        if key not in _KEYS:
            problems.append(f"{where}: unknown key {shown(key)}; the only key is 'topics'")
    if "topics" not in value:
        return ()
    return _topic_list(value["topics"], where, problems)


def parse_bank(data: Mapping[str, Any], where: str) -> TopicBank:
    """Check a parsed topic bank; every problem found is listed in one error.

    Examples
    --------
    >>> bank = parse_bank({"theme": {"Public Speaking ": {"topics": ["A talk"]}}}, "topics.toml")
    >>> dict(bank.themes)
    {'public speaking': ('A talk',)}
    >>> parse_bank({"themes": {}, "general": {"topic": []}}, "topics.toml")
    Traceback (most recent call last):
    ...
    mentormatch._errors.MentormatchError: The 'topics' parameter: 2 problems in the topic bank topics.toml:
      unknown table 'themes'; the valid tables are general, programme, theme
      general: unknown key 'topic'; the only key is 'topics'
    """
    problems: list[str] = []
    for key in data:
        if key not in _TABLES:
            problems.append(
                f"unknown table {shown(key)}; the valid tables are " + ", ".join(_TABLES)
            )
    general = _topics_table(data["general"], "general", problems) if "general" in data else ()
    programmes: dict[str, tuple[str, ...]] = {}
    table = data.get("programme", {})
    if not isinstance(table, Mapping):
        problems.append(f"'programme' must be a table of programme tables, got {shown(table)}")
        table = {}
    for name, value in table.items():
        if name not in PROGRAMMES:
            problems.append(
                f"unknown programme {shown(name)} in [programme.{name}]; the valid programmes "
                "are " + ", ".join(PROGRAMMES)
            )
            continue
        programmes[name] = _topics_table(value, f"programme.{name}", problems)
    themes: dict[str, tuple[str, ...]] = {}
    spelled: dict[str, str] = {}
    table = data.get("theme", {})
    if not isinstance(table, Mapping):
        problems.append(f"'theme' must be a table of theme tables, got {shown(table)}")
        table = {}
    for word, value in table.items():
        key = fold(word)
        if not key:
            problems.append("a theme has an empty name; name it after a goal or skill word")
            continue
        if key in spelled:
            problems.append(
                f"themes {shown(spelled[key])} and {shown(word)} are the same word (themes are "
                "compared trimmed and case-folded); keep one"
            )
            continue
        spelled[key] = word
        themes[key] = _topics_table(value, f"theme.{word}", problems)
    if not problems and not (general or any(programmes.values()) or any(themes.values())):
        problems.append(
            "it holds no topics, so no pair would get a talking point; give at least one, "
            'e.g. [general] topics = ["What you would like the next month to look like"]'
        )
    if problems:
        count = f"{len(problems)} problem{'s' if len(problems) > 1 else ''}"
        raise MentormatchError(
            f"The 'topics' parameter: {count} in the topic bank {where}:\n  "
            + "\n  ".join(problems),
            field="topics",
            value=where,
        )
    return TopicBank(general, FrozenDict(programmes), FrozenDict(themes))


@lru_cache(maxsize=1)
def default_bank() -> TopicBank:
    """The topic bank shipped in package data.

    Examples
    --------
    >>> bank = default_bank()
    >>> len(bank.programmes["career_guidance"]) >= 10, "leadership" in bank.themes
    (True, True)
    """
    text = resources.files("mentormatch").joinpath("data/topics.toml").read_text("utf-8")
    return parse_bank(loads_toml(text, "mentormatch/data/topics.toml"), "shipped with mentormatch")


def read_bank(topics: object) -> TopicBank:
    """The bank that ``topics=`` names: ``None`` for the shipped one, a path to a TOML
    file, a mapping of the same shape, or a :class:`TopicBank`."""
    if topics is None:
        return default_bank()
    if isinstance(topics, TopicBank):
        return topics
    if isinstance(topics, Mapping):
        return parse_bank(topics, "given")
    if isinstance(topics, str | os.PathLike):
        where = os.fspath(topics)
        try:
            data = load_toml(topics, "topic bank")
        except MentormatchError as exc:
            raise MentormatchError(
                f"The 'topics' parameter: {exc}", field="topics", value=where
            ) from None
        return parse_bank(data, repr(where))
    raise MentormatchError(
        "The 'topics' parameter of plan must be a path to a TOML topic bank, a mapping of the "
        f"same shape, or None for the shipped bank. Got {shown(topics)} instead.",
        field="topics",
        value=topics,
    )


# --------------------------------------------------------------------------- choosing points


@lru_cache(maxsize=1 << 12)
def _salt(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big")


def _offset(key: int, salt: str, size: int) -> int:
    """A stable position in a list of ``size``, keyed on the pair's digest ``key`` and the
    list's name (no ``hash()``, no randomness)."""
    return ((key ^ _salt(salt)) * 0x9E3779B97F4A7C15 >> 16) % size


def _shown_word(text: str) -> str:
    return " ".join(text.split())


def shared_goals(mentee_goals: Sequence[str], mentor_goals: Sequence[str]) -> tuple[str, ...]:
    """The mentee's goals that the mentor offers too, in the mentee's order, as the mentee
    spelled them (trimmed), each once.

    >>> shared_goals(["Leadership", " SQL", "leadership"], ["sql", "LEADERSHIP"])
    ('Leadership', 'SQL')
    """
    offered = {fold(g) for g in mentor_goals}
    out: dict[str, str] = {}
    for goal in mentee_goals:
        key = fold(goal)
        if key and key in offered and key not in out:
            out[key] = _shown_word(goal)
    return tuple(out.values())


def largest_gap(
    mentee_skills: Mapping[str, int], mentor_skills: Mapping[str, int]
) -> tuple[str, int, int] | None:
    """The mentee's skill where the mentor is furthest ahead: ``(skill, mentee level, mentor
    level)``, or None when the mentor is ahead in none. Ties go to the skill first in
    case-folded alphabetical order.

    >>> largest_gap({"SQL": 2, "python": 3, "Excel": 1}, {"sql": 5, "python": 4, "excel": 4})
    ('Excel', 1, 4)
    """
    theirs = {fold(k): v for k, v in mentor_skills.items()}
    best: tuple[int, str, str, int, int] | None = None
    for skill, mine in mentee_skills.items():
        key = fold(skill)
        level = theirs.get(key)
        if level is None or level <= mine:
            continue
        candidate = (-(level - mine), key, _shown_word(skill), mine, level)
        if best is None or candidate < best:
            best = candidate
    return None if best is None else (best[2], best[3], best[4])


def choose_points(
    bank: TopicBank,
    pair_key: str,
    programme: str | None,
    n_points: int,
    shared: Sequence[str] = (),
    gap: tuple[str, int, int] | None = None,
) -> tuple[TalkingPoint, ...]:
    """Up to ``n_points`` distinct talking points for one pair, in the order of preference.

    One point per shared goal (in the mentee's order), then one for the
    skill with the largest gap, then the programme's topics, then the general
    ones. Where a source holds several topics, the pair starts at a position
    keyed on its ids (``pair_key``), so pairs in one programme get different
    points, and the same pair always the same ones.

    Examples
    --------
    >>> bank = TopicBank(("Talk about the week",), {}, {"leadership": ("A decision you led",)})
    >>> [p.reason for p in choose_points(bank, "e1|m1", None, 3, ["Leadership"], ("sql", 2, 5))]
    ['you both listed Leadership', "the largest skill gap between you: sql, level 2 against the mentor's 5", 'a topic for any mentoring pair']
    """
    if n_points <= 0:
        return ()
    points: list[TalkingPoint] = []
    seen: set[str] = set()
    key = _salt(pair_key)
    for goal in shared:
        word = fold(goal)
        topics = bank.themes.get(word) or _goal_prompt(goal)
        _add(points, seen, n_points, key, topics, word, _goal_reason(goal), "shared goal", 1)
    if gap is not None:
        skill, mine, theirs = gap
        word = fold(skill)
        topics = bank.themes.get(word) or _skill_prompt(skill)
        reason = _gap_reason(skill, mine, theirs)
        _add(points, seen, n_points, key, topics, word, reason, "skill gap", 1)
    if programme:
        topics = bank.programmes.get(programme, ())
        reason = _programme_reason(programme)
        _add(points, seen, n_points, key, topics, "programme", reason, "programme", n_points)
    _add(points, seen, n_points, key, bank.general, "general", _GENERAL, "general", n_points)
    return tuple(points)


_GENERAL = "a topic for any mentoring pair"


def _add(
    points: list[TalkingPoint],
    seen: set[str],
    n_points: int,
    key: int,
    topics: Sequence[str],
    salt: str,
    reason: str,
    source: Source,
    most: int,
) -> None:
    """Up to ``most`` topics not chosen yet, from a position keyed on the pair."""
    if not topics:
        return
    first = _offset(key, salt, len(topics))
    taken = 0
    for i in range(len(topics)):
        topic = topics[(first + i) % len(topics)]
        if topic in seen:
            continue
        if len(points) >= n_points or taken >= most:
            return
        seen.add(topic)
        points.append(_point(topic, reason, source))
        taken += 1


@lru_cache(maxsize=1 << 12)
def _goal_prompt(goal: str) -> tuple[str]:
    return (f"What progress on {goal} would look like for you by the closing review",)


@lru_cache(maxsize=1 << 12)
def _skill_prompt(skill: str) -> tuple[str]:
    return (f"A piece of {skill} work your mentor is proud of, and how they learned to do it",)


@lru_cache(maxsize=1 << 12)
def _goal_reason(goal: str) -> str:
    return f"you both listed {goal}"


@lru_cache(maxsize=1 << 12)
def _gap_reason(skill: str, mine: int, theirs: int) -> str:
    return f"the largest skill gap between you: {skill}, level {mine} against the mentor's {theirs}"


@lru_cache(maxsize=16)
def _programme_reason(programme: str) -> str:
    return f"a topic for {programme.replace('_', ' ')} programmes"


@lru_cache(maxsize=1 << 14)
def _point(topic: str, reason: str, source: Source) -> TalkingPoint:
    """Points are values: equal ones are shared between pairs."""
    return TalkingPoint(topic, reason, source)
