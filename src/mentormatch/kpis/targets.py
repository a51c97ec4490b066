"""KPI targets from the programme file, and each KPI checked against its target."""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from mentormatch._errors import MentormatchError
from mentormatch._files import toml as _toml
from mentormatch._intervals import ConfidenceInterval
from mentormatch._problems import Problems, did_you_mean, shown
from mentormatch._values import Value
from mentormatch.kpis.cohort import _mapping
from mentormatch.kpis.milestones import MilestoneTarget, parse_milestone_targets

__all__ = ["KPI_NAMES", "TargetCheck", "Targets", "check_target", "load_targets"]


#: KPI names a programme file may set targets for, with the better direction.
KPI_NAMES: dict[str, str] = {
    "match_rate": "at least",
    "completion_rate": "at least",
    "early_termination_rate": "at most",
    "goal_attainment": "at least",
    "goals_met": "at least",
    "meeting_cadence": "at least",
    "mentor_utilisation": "at least",
    "satisfaction": "at least",
    "time_to_match_days": "at most",
}


_RATE_KPIS = {
    "match_rate",
    "completion_rate",
    "early_termination_rate",
    "goal_attainment",
    "goals_met",
    "mentor_utilisation",
}


@dataclass(frozen=True, eq=False)
class Targets(Value):
    """Targets per KPI (see :data:`KPI_NAMES`), per milestone, and the programme's stated
    goal."""

    values: Mapping[str, float] = field(default_factory=dict)
    goal: str | None = None
    name: str | None = None
    milestones: tuple[MilestoneTarget, ...] = ()

    def __post_init__(self) -> None:
        given: object = self.milestones
        items: tuple[object, ...] = tuple(given) if isinstance(given, (list, tuple)) else (given,)
        for item in items:
            if not isinstance(item, MilestoneTarget):
                raise MentormatchError(
                    f"Targets.milestones holds MilestoneTarget values, not {shown(item)}",
                    field="milestones",
                    value=item,
                )
        object.__setattr__(self, "milestones", tuple(items))
        super().__post_init__()
        _check_targets(self.values)


def _check_targets(values: Mapping[str, object]) -> None:
    for kpi, target in _mapping(values, "targets").items():
        if not isinstance(kpi, str) or kpi not in KPI_NAMES:
            raise MentormatchError(
                f"unknown KPI {kpi!r} in targets; valid names: " + ", ".join(KPI_NAMES),
                field=kpi,
                value=target,
            )
        if isinstance(target, bool) or not isinstance(target, (int, float)):
            raise MentormatchError(
                f"target for {kpi} must be a number, not {target!r}", field=kpi, value=target
            )
        if kpi in _RATE_KPIS and not 0 <= target <= 1:
            raise MentormatchError(
                f"target for {kpi} is {target}; write rates as fractions (0.8 for 80%)",
                field=kpi,
                value=target,
            )


def load_targets(path: str | os.PathLike[str]) -> Targets:
    """Targets from a programme file in TOML.

    ``[targets]`` holds ``kpi = value`` (rates as fractions; see :data:`KPI_NAMES`)
    and may hold ``goal = "..."``, and ``[targets.milestones]`` the share of pairs
    that should meet a milestone on time: ``kick-off = 0.9`` (due by day 14, as
    ``agreement`` by day 28 in the default plan) or ``"mid-point review" = {
    target = 0.8, within_days = 91 }``; ``goal`` and ``name`` may also sit at the top
    level or under ``[programme]``.  Other tables are ignored (the file may
    configure other things too). Every problem of ``[targets]`` and
    ``[programme]`` is reported at once: an unknown KPI (naming the nearest
    valid one), a value that is not a finite number, a rate outside [0, 1], a
    goal or name that is not text.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "programme.toml"
    >>> _ = p.write_text('[targets]\\nmatch_rate = 0.8\\ncompletion_rate = 0.7\\n'
    ...                  'goal = "career guidance"\\n')
    >>> load_targets(p)
    Targets(values={'match_rate': 0.8, 'completion_rate': 0.7}, goal='career guidance', name=None, milestones=())
    >>> _ = p.write_text('[targets]\\nmatch_rat = 0.8\\ncompletion_rate = 70\\n')
    >>> load_targets(p)
    Traceback (most recent call last):
    ...
    mentormatch._problems.ProblemsError: 2 problems in the targets:
      ...programme.toml, column 'targets.match_rat': unknown KPI 'match_rat' in targets; did you mean 'match_rate'? Valid names: match_rate, ...
      ...programme.toml, column 'targets.completion_rate': target for completion_rate is 70; write rates as fractions (0.8 for 80%)
    """
    data = _toml.load(path, "programme file")
    sink = Problems(os.fspath(path))
    programme = data.get("programme", {})
    table = data.get("targets", {})
    for key, value in (("targets", table), ("programme", programme)):
        if not isinstance(value, dict):
            sink.add(
                f"[{key}] must be a table, written as a [{key}] header with one key = value "
                f"per line; got {key} = {shown(value)}",
                column=key,
            )
    if not isinstance(table, dict):
        table = {}
    if not isinstance(programme, dict):
        programme = {}
    values: dict[str, float] = {}
    milestones: tuple[MilestoneTarget, ...] = ()
    for kpi, target in table.items():
        if kpi == "goal":
            continue
        if kpi == "milestones":
            milestones = parse_milestone_targets(target, sink)
            continue
        column = f"targets.{kpi}"
        if kpi not in KPI_NAMES:
            sink.add(
                f"unknown KPI {kpi!r} in targets{did_you_mean(kpi, KPI_NAMES)}"
                f"{' Valid' if did_you_mean(kpi, KPI_NAMES) else '; valid'} names: "
                + ", ".join(KPI_NAMES),
                column=column,
            )
            continue
        number: float | None = None
        if not isinstance(target, bool) and isinstance(target, (int, float)):
            try:
                number = float(target)
            except OverflowError:
                number = None
        if number is None or not math.isfinite(number):
            numeric = not isinstance(target, bool) and isinstance(target, (int, float))
            sink.add(
                f"target for {kpi} "
                + (
                    f"is {shown(target)}, not a finite number"
                    if numeric
                    else f"must be a number, not {shown(target)}"
                )
                + ("; write rates as fractions (0.8 for 80%)" if kpi in _RATE_KPIS else ""),
                column=column,
            )
            continue
        if kpi in _RATE_KPIS and not 0 <= number <= 1:
            sink.add(
                f"target for {kpi} is {target}; write rates as fractions (0.8 for 80%)",
                column=column,
            )
            continue
        values[kpi] = number
    texts: dict[str, str | None] = {}
    for key, sources in (
        ("goal", (table, programme, data)),
        ("name", (programme, data)),
    ):
        found = next((src[key] for src in sources if src.get(key) is not None), None)
        if found is not None and not isinstance(found, str):
            sink.add(f"{key} must be text in quotes, not {shown(found)}", column=key)
            found = None
        texts[key] = found or None
    sink.raise_if_any("the targets")
    return Targets(values, texts["goal"], texts["name"], milestones)


@dataclass(frozen=True, eq=False)
class TargetCheck(Value):
    """A KPI against its target: ``verdict`` is ``"met"``, ``"not met"``,
    ``"inconclusive"`` or ``"not computed"``; ``text`` explains it."""

    kpi: str
    target: float
    direction: str
    estimate: float | None
    ci: ConfidenceInterval | None
    verdict: str
    text: str


def check_target(
    kpi: str, target: float, estimate: float | None, ci: ConfidenceInterval | None
) -> TargetCheck:
    """Whether the interval clears the target.

    >>> check_target("completion_rate", 0.7, 0.8, ConfidenceInterval(0.72, 0.86)).text
    'met: CI entirely above target'
    >>> check_target("early_termination_rate", 0.1, 0.12, ConfidenceInterval(0.05, 0.2)).text
    'inconclusive: CI spans target'
    """
    if not isinstance(kpi, str):
        raise MentormatchError(f"kpi must be a KPI name, not {kpi!r}", field="kpi", value=kpi)
    if ci is not None and not isinstance(ci, ConfidenceInterval):
        raise MentormatchError(
            f"ci must be a ConfidenceInterval or None, not {type(ci).__name__}",
            field="ci",
            value=ci,
        )
    _check_targets({kpi: target})
    return judge(kpi, target, KPI_NAMES[kpi], estimate, ci)


def judge(
    kpi: str,
    target: float,
    direction: str,
    estimate: float | None,
    ci: ConfidenceInterval | None,
) -> TargetCheck:
    """The verdict of :func:`check_target` for a target already checked."""
    if estimate is None or ci is None or math.isnan(ci.low) or math.isnan(ci.high):
        return TargetCheck(
            kpi,
            target,
            direction,
            estimate,
            ci,
            "not computed",
            "not computed: no data for this KPI",
        )
    above, below = ci.low > target, ci.high < target
    if direction == "at least":
        verdict = "met" if above else "not met" if below else "inconclusive"
    else:
        verdict = "met" if below else "not met" if above else "inconclusive"
    if verdict == "inconclusive":
        text = "inconclusive: CI spans target"
    else:
        side = "above" if above else "below"
        text = f"{verdict}: CI entirely {side} target"
    return TargetCheck(kpi, target, direction, estimate, ci, verdict, text)
