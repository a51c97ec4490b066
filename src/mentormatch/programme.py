"""A programme file (TOML) read into what the matching needs: the Matcher its
criteria and rules describe, mentor capacity, and the problems found, all at once
(:func:`load_programme`). The ``mentormatch`` command reads ``--config`` with it."""

from __future__ import annotations

import contextlib
import inspect
import math
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mentormatch import constraints as _constraints
from mentormatch import criteria as _criteria
from mentormatch import presets as _presets
from mentormatch._errors import MentormatchError
from mentormatch._files import toml as _toml
from mentormatch._problems import (
    Problem,
    Problems,
    did_you_mean,
    listed,
    shown,
    then,
)
from mentormatch.matching import Matcher
from mentormatch.participants import Mentee, Mentor

__all__ = ["load_programme"]


def _key(name: str) -> str:
    return "".join(ch for ch in name.lower() if ch.isalnum())


_CRITERIA: dict[str, type] = {
    _key(c.__name__): c
    for c in (
        _criteria.GoalOverlap,
        _criteria.SkillGap,
        _criteria.DepartmentDistance,
        _criteria.StatedPreferences,
        _criteria.TextSimilarity,
        _criteria.AttributeMatch,
    )
}


_RULES: dict[str, type] = {
    _key(c.__name__): c
    for c in (
        _constraints.ForbidPairs,
        _constraints.RequirePairs,
        _constraints.NotInReportingLine,
        _constraints.SameAttribute,
        _constraints.DifferentDepartment,
        _constraints.RequireAttribute,
    )
}


TOP_KEYS = _toml.PROGRAMME_KEYS


_FILE_FIX = "correct the programme file"


@dataclass
class ProgrammeFile:
    """A programme file, read: the matcher, capacity overrides, and what the file named
    (to check against the sign-ups)."""

    matcher: Matcher
    capacity: dict[str, int]
    parts: list[tuple[str, Any]] = field(default_factory=list)
    source: str = ""


def _weight_problem(value: object) -> str | None:
    """Why a weight cannot be used, for values the criteria would fail on unkindly."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None  # the criterion's own message says what a weight must be
    try:
        number = float(value)
    except OverflowError:
        return (
            f"weight {shown(value)} is too large; weights are relative, so 3 and 1 mean the same "
            "as 300 and 100: divide them all by the same number"
        )
    if math.isnan(number) or math.isinf(number):
        return f"weight {value!r} is not a finite number; give a number > 0, such as 2"
    return None


def _build_part(
    kind: str, registry: Mapping[str, type], entry: object, *, index: int, sink: Problems
) -> Any:
    """The criterion or rule of one ``[[criteria]]`` / ``[[rules]]`` entry, or None (with
    its problems added to ``sink``)."""
    names = sorted(c.__name__ for c in registry.values())
    where = f"[[{kind}]] #{index}"
    column = f"{kind}[{index}]"
    if not isinstance(entry, dict):
        sink.add(
            f"{where}: each [[{kind}]] entry must be a table with a 'type'; write [[{kind}]] "
            "on its own line, then type = ... below it",
            column=column,
        )
        return None
    spec = dict(entry)
    type_name = spec.pop("type", None)
    if not isinstance(type_name, str):
        sink.add(
            f"{where}: give the {kind} 'type', one of: {', '.join(names)}", column=f"{column}.type"
        )
        return None
    cls = registry.get(_key(type_name))
    if cls is None:
        sink.add(
            f"{where}: unknown {kind} type {shown(type_name)}"
            + then(did_you_mean(type_name, names), f"valid types: {', '.join(names)}"),
            column=f"{column}.type",
        )
        return None
    where = f"{where} ({cls.__name__})"
    params = {
        n: p
        for n, p in inspect.signature(cls).parameters.items()
        if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
    }
    ok = True
    for key in spec:
        if key not in params:
            valid = ["type", *params]
            hint = did_you_mean(key, params)
            sink.add(
                f"{where}: unknown key {shown(key)[1:-1]}{hint}{' Valid' if hint else '; valid'} "
                "keys: " + ", ".join(valid),
                column=f"{column}.{key}",
            )
            ok = False
    for name, param in params.items():
        if param.default is param.empty and name not in spec:
            sink.add(f"{where}: missing key {name}", column=f"{column}.{name}")
            ok = False
    weight_problem = _weight_problem(spec.get("weight"))
    if weight_problem is not None:
        sink.add(f"{where}: {weight_problem}", column=f"{column}.weight")
        ok = False
    if "pairs" in spec:
        pairs = spec["pairs"]
        shaped = isinstance(pairs, list) and all(isinstance(p, list) and len(p) == 2 for p in pairs)
        if not shaped:
            sink.add(
                f"{where}: pairs must be a list of [mentee_id, mentor_id] pairs, "
                'e.g. pairs = [["e01", "m03"]]',
                column=f"{column}.pairs",
            )
            ok = False
        else:
            for k, pair in enumerate(pairs, start=1):
                if not all(isinstance(x, str) and x.strip() for x in pair):
                    sink.add(
                        f"{where}: pair {k} is {pair!r}; ids are text in quotes, e.g. "
                        '["e01", "m03"] (a number such as 101 becomes "101")',
                        column=f"{column}.pairs",
                    )
                    ok = False
            spec["pairs"] = [tuple(p) for p in pairs]
    if not ok:
        return None
    try:
        return cls(**spec)
    except (TypeError, ValueError, OverflowError) as exc:
        sink.add(f"{where}: {exc}", column=column)
        return None


def read_programme(path: str | os.PathLike[str]) -> ProgrammeFile:
    """Read and check a programme file: every problem at once, in one ProblemsError."""
    where = os.fspath(path)
    data = _toml.load(path, "programme file")
    sink = Problems(where)
    _toml.unknown_keys(data, TOP_KEYS, sink)
    for key in ("name", "goal"):
        if key in data and not isinstance(data[key], str):
            sink.add(f"{key} must be text in quotes, not {shown(data[key])}", column=key)
    if "programme" in data and not isinstance(data["programme"], dict):
        sink.add("[programme] must be a table (name, goal)", column="programme")
    if "targets" in data and not isinstance(data["targets"], dict):
        sink.add("[targets] must be a table of kpi = target", column="targets")
    number = _min_score_of(data, sink)
    built, parts = _parts_of(data, sink)
    weights = [float(getattr(c, "weight", 1.0)) for c in built["criteria"]]
    if weights and not math.isfinite(sum(weights)):
        sink.add(
            "the criteria's weights add up to more than the largest number; weights are "
            "relative, so divide them all by the same number",
            column="criteria",
        )
    preset_name = _preset_of(data, built, sink)
    capacity = _capacity_of(data, sink)
    sink.raise_if_any("the programme file")
    try:
        if preset_name is not None:
            base = _presets.PRESETS[preset_name](min_score=number, constraints=built["rules"])
            matcher = Matcher(
                built["criteria"] or base.criteria, base.constraints, min_score=base.min_score
            )
        else:
            matcher = Matcher(built["criteria"], built["rules"], min_score=number)
    except (MentormatchError, TypeError, ValueError) as exc:
        sink.add(str(exc))
        sink.raise_if_any("the programme file")
        raise  # pragma: no cover - raise_if_any raised
    return ProgrammeFile(matcher, dict(capacity), parts, where)


def _min_score_of(data: Mapping[str, Any], sink: Problems) -> float:
    """``min_score``, a number in [0, 1] (0 when it is not one, with a problem)."""
    min_score = data.get("min_score", 0.0)
    number = None
    if not isinstance(min_score, bool) and isinstance(min_score, (int, float)):
        with contextlib.suppress(OverflowError):
            number = float(min_score)
    if number is None or not 0 <= number <= 1:
        sink.add(
            f"min_score must be a number in [0, 1] (pairs scoring below it are not made), "
            f"got {shown(min_score)}",
            column="min_score",
        )
        number = 0.0
    return number


def _parts_of(
    data: Mapping[str, Any], sink: Problems
) -> tuple[dict[str, list[Any]], list[tuple[str, Any]]]:
    """The criteria and rules built from ``[[criteria]]`` and ``[[rules]]``, and each
    with where it came from."""
    parts: list[tuple[str, Any]] = []
    built: dict[str, list[Any]] = {}
    for key, registry in (("criteria", _CRITERIA), ("rules", _RULES)):
        spec = data.get(key, [])
        if not isinstance(spec, list):
            sink.add(
                f"{key} must be an array of tables: write [[{key}]] above each entry", column=key
            )
            spec = []
        built[key] = []
        for i, entry in enumerate(spec, start=1):
            part = _build_part(key, registry, entry, index=i, sink=sink)
            if part is not None:
                built[key].append(part)
                parts.append((f"[[{key}]] #{i} ({type(part).__name__})", part))
    return built, parts


def _preset_of(
    data: Mapping[str, Any], built: Mapping[str, list[Any]], sink: Problems
) -> str | None:
    """The name of a known preset, or None (a problem when neither a preset nor a
    criterion is given)."""
    preset_name = data.get("preset")
    if preset_name is not None and (
        not isinstance(preset_name, str) or preset_name not in _presets.PRESETS
    ):
        sink.add(
            f"unknown preset {shown(preset_name)}"
            + did_you_mean(str(preset_name), _presets.PRESETS)
            + f"{' Valid' if did_you_mean(str(preset_name), _presets.PRESETS) else '; valid'} "
            "presets: " + ", ".join(sorted(_presets.PRESETS)),
            column="preset",
        )
        preset_name = None
    elif preset_name is None and not built["criteria"] and "criteria" not in data:
        sink.add(
            "give a preset (one of " + ", ".join(sorted(_presets.PRESETS)) + ") or at "
            "least one [[criteria]] entry",
            column="criteria",
        )
    return preset_name


def _capacity_of(data: Mapping[str, Any], sink: Problems) -> dict[str, Any]:
    """``[capacity]``: mentor id -> a whole number >= 0."""
    capacity = data.get("capacity", {})
    if not isinstance(capacity, dict):
        sink.add("[capacity] must be a table of mentor_id = number", column="capacity")
        capacity = {}
    for mentor_id, value in capacity.items():
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            sink.add(
                f"[capacity] {mentor_id} = {shown(value)}; give a whole number >= 0",
                column="capacity",
                participant_id=mentor_id,
            )
    return capacity


def load_programme(path: str | Path) -> tuple[Matcher, dict[str, int]]:
    """Read a programme file (TOML): the matcher it describes and its capacity overrides.

    Parameters
    ----------
    path : str or Path
        The programme file; its format is described in ``docs/files.md``.

    Returns
    -------
    (Matcher, dict of str to int)
        The matcher (from ``preset``, ``criteria``, ``rules`` and
        ``min_score``) and the capacity per mentor id from ``[capacity]``.

    Raises
    ------
    MentormatchError
        On a missing file or invalid TOML; otherwise one error listing every
        problem (``problems``): an unknown key, type or parameter (naming the
        nearest valid one), a bad value, ids that are not text.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "programme.toml"
    >>> _ = p.write_text('preset = "skills_training"\\nmin_score = 0.2\\n[capacity]\\nm01 = 3\\n')
    >>> matcher, capacity = load_programme(p)
    >>> matcher.min_score, capacity
    (0.2, {'m01': 3})
    """
    programme = read_programme(path)
    return programme.matcher, programme.capacity


def _attribute_holders(people: Iterable[Mentee | Mentor], key: str) -> int:
    return sum(1 for p in people if str(p.attributes.get(key, "")).strip())


def programme_problems(
    programme: ProgrammeFile, mentees: Sequence[Mentee], mentors: Sequence[Mentor]
) -> list[Problem]:
    """What the programme file names that the sign-ups do not have: capacity or pair ids
    that are nobody, attributes that nobody has."""
    sink = Problems(programme.source)
    tee_ids = [p.id for p in mentees]
    tor_ids = [p.id for p in mentors]
    tee_set, tor_set = set(tee_ids), set(tor_ids)
    for mentor_id in programme.capacity:
        if mentor_id not in tor_set:
            sink.add(
                f"[capacity] names {mentor_id!r}, not mentors in the sign-ups"
                + then(did_you_mean(mentor_id, tor_ids), "correct the id or remove the line"),
                column="capacity",
                participant_id=mentor_id,
            )
    attributes = sorted({k for p in (*mentees, *mentors) for k in p.attributes})
    for where, part in programme.parts:
        pairs = getattr(part, "pairs", None)
        if isinstance(part, (_constraints.ForbidPairs, _constraints.RequirePairs)) and pairs:
            for e, m in sorted(pairs):
                if e not in tee_set:
                    sink.add(
                        f"{where}: pair [{e!r}, {m!r}] names {e!r}, who is not a mentee in the "
                        "sign-ups"
                        + then(did_you_mean(e, tee_ids), "correct the id or remove the pair"),
                        column="rules.pairs",
                        participant_id=e,
                    )
                if m not in tor_set:
                    sink.add(
                        f"{where}: pair [{e!r}, {m!r}] names {m!r}, who is not a mentor in the "
                        "sign-ups"
                        + then(did_you_mean(m, tor_ids), "correct the id or remove the pair"),
                        column="rules.pairs",
                        participant_id=m,
                    )
        key = getattr(part, "key", None)
        if isinstance(part, (_constraints.SameAttribute, _criteria.AttributeMatch)) and key:
            n_tees = _attribute_holders(mentees, key)
            n_tors = _attribute_holders(mentors, key)
            known = listed(attributes)
            if n_tees + n_tors == 0:
                sink.add(
                    f"{where}: nobody in the sign-ups has the attribute {key!r}"
                    + then(
                        did_you_mean(key, attributes),
                        f"the attributes are the extra columns: {known}",
                    ),
                    column=f"{'rules' if where.startswith('[[rules') else 'criteria'}.key",
                )
            elif isinstance(part, _constraints.SameAttribute) and 0 in (n_tees, n_tors):
                side = "mentee" if n_tees == 0 else "mentor"
                sink.add(
                    f"{where}: no {side} has the attribute {key!r}, so this rule refuses every "
                    f"pair; add the {key} column for the {side}s or remove the rule",
                    column="rules.key",
                )
    return sink.items


def apply_capacity(mentors: Sequence[Mentor], capacity: Mapping[str, int]) -> list[Mentor]:
    return [
        m.model_copy(update={"capacity": capacity[m.id]}) if m.id in capacity else m
        for m in mentors
    ]
