"""Bad arguments to the statistics never end in an exception other than ours.

Every parameter of every public KPI, fairness and survey statistic is given
values of the wrong kind (None, numbers, text, bytes, containers, arrays,
objects, dates) and random values; the call either answers or raises a
MentormatchError (or pydantic's ValidationError), both ValueError.
"""

from __future__ import annotations

import contextlib
import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from mentormatch import Mentee, kpis, surveys
from mentormatch._errors import MentormatchError
from mentormatch._intervals import ConfidenceInterval
from mentormatch.fairness import group_gaps
from mentormatch.kpis import Relationship

AS_OF = date(2025, 7, 1)
RS = [
    Relationship(
        mentee_id=f"e{i}", mentor_id="m1", started="2025-01-01", status="completed",
        ended="2025-06-01", goals_set=1, goals_met=1, satisfaction=4.0,
        meetings=["2025-02-01"], attributes={"department": "A"},
    )
    for i in range(6)
]  # fmt: skip


@dataclass(frozen=True)
class _Match:
    mentee_id: str
    mentor_id: str
    score: float


@dataclass(frozen=True)
class _Result:
    matches: tuple[_Match, ...]
    unmatched: tuple[()] = ()


MENTEES = [Mentee(id=f"e{i}", department="A") for i in range(6)]
RESULT = _Result(tuple(_Match(f"e{i}", "m1", 0.5) for i in range(6)))

CALLS: dict[str, tuple[Callable[..., Any], tuple[Any, ...], dict[str, Any]]] = {
    "completion_rate": (kpis.completion_rate, (RS,), {"as_of": AS_OF, "confidence": 0.95}),
    "early_termination_rate": (kpis.early_termination_rate, (RS,), {"as_of": AS_OF, "method": "wilson"}),
    "goal_attainment": (kpis.goal_attainment, (RS,), {"as_of": AS_OF, "include_active": False}),
    "satisfaction_summary": (kpis.satisfaction_summary, (RS,), {"as_of": AS_OF}),
    "meeting_cadence": (kpis.meeting_cadence, (RS, AS_OF), {"min_days": 14}),
    "mentor_utilisation": (kpis.mentor_utilisation, (RS, {"m1": 3}), {"as_of": AS_OF}),
    "at_risk": (
        kpis.at_risk,
        (RS, AS_OF),
        {"max_gap_days": 30, "expected_per_month": 1.0, "satisfaction_history": {},
         "satisfaction_drop": 1.0},
    ),
    "breakdown": (
        kpis.breakdown,
        ("completion_rate", RS),
        {"by": "department", "min_group_size": 3, "as_of": AS_OF},
    ),
    "time_to_match": (
        kpis.time_to_match, ({"a": date(2025, 1, 1)}, {"a": date(2025, 2, 1)}), {"as_of": AS_OF}
    ),
    "programme_report": (
        kpis.programme_report,
        (RS,),
        {"as_of": AS_OF, "by": "department", "min_group_size": 3,
         "targets": {"completion_rate": 0.5}, "capacities": {"m1": 3}, "max_gap_days": 30},
    ),
    "proportion": (kpis.proportion, (3, 10), {"confidence": 0.95, "method": "wilson"}),
    "compare_rates": (kpis.compare_rates, (3, 10, 4, 10), {"confidence": 0.95}),
    "match_rate": (kpis.match_rate, (3, 10), {}),
    "check_target": (
        kpis.check_target, ("completion_rate", 0.5, 0.6, ConfidenceInterval(0.5, 0.7)), {}
    ),
    "group_gaps": (group_gaps, (RESULT, MENTEES), {"min_group_size": 3, "confidence": 0.95}),
    "cronbach_alpha": (
        surveys.cronbach_alpha, ([[1, 2, 3], [2, 3, 4], [3, 3, 5]],),
        {"missing": "pairwise", "confidence": 0.95},
    ),
    "omega_total": (surveys.omega_total, ([[1, 2, 3], [2, 3, 4], [3, 3, 5], [1, 1, 2]],), {"missing": "pairwise"}),
    "standardized_alpha": (surveys.standardized_alpha, ([[1, 2, 3], [2, 3, 4], [3, 3, 5]],), {"missing": "listwise"}),
    "nps": (surveys.nps, ([9, 10, 3],), {"confidence": 0.95}),
    "pre_post": (surveys.pre_post, ([1, 2, 3], [2, 3, 5]), {"confidence": 0.95}),
    "goal_attainment_t": (surveys.goal_attainment_t, ([[1, 0], [2, -1]],), {"weights": [1, 2], "rho": 0.3}),
}  # fmt: skip

JUNK: list[Any] = [
    None, 5, -1, 2**70, 2.5, math.nan, math.inf, "x", "", [], {}, [1, 2], {"a": 1}, object(),
    True, b"xx", date(2025, 1, 1), np.array([1, 2]), np.array([[1.0, np.nan]]), (1,), [None],
    [[None, None]], {"m1": -1},
]  # fmt: skip

SLOTS = [(name, slot) for name, (_, args, kw) in CALLS.items() for slot in [*range(len(args)), *kw]]


def _call(name: str, slot: int | str, value: Any) -> None:
    func, args, kw = CALLS[name]
    positional, keywords = list(args), dict(kw)
    if isinstance(slot, int):
        positional[slot] = value
    else:
        keywords[slot] = value
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SurveyWarning for undefined statistics
        with contextlib.suppress(MentormatchError, ValidationError):
            func(*positional, **keywords)


@pytest.mark.parametrize(("name", "slot"), SLOTS, ids=[f"{n}-{s}" for n, s in SLOTS])
def test_wrong_kinds_of_argument_get_our_error(name: str, slot: int | str) -> None:
    for value in JUNK:
        _call(name, slot, value)


VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5) | st.dates(),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=3), inner, max_size=3)
    ),
    max_leaves=8,
)


@settings(max_examples=400)
@given(choice=st.sampled_from(SLOTS), value=VALUES)
def test_property_any_argument_gets_an_answer_or_our_error(
    choice: tuple[str, int | str], value: Any
) -> None:
    _call(*choice, value)
