"""The anonymity rule of every group figure: breakdown, group_gaps, the report.

Thresholds count people (distinct mentees) in the KPI's denominator. When a
hidden group has anyone in it, more groups are hidden, smallest first, until at
least two hidden groups hold people and together they hold at least
``min_group_size`` of them; a group with nobody in the denominator shields
nothing. The properties solve what is published as a linear system: no hidden
group's numerator or denominator may lie in the row space of the published
equations (``numpy.linalg.matrix_rank``), and linear programming over
``0 <= k <= n`` bounds what an attacker can still narrow down.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.typing import NDArray
from scipy.optimize import linprog

from mentormatch import Mentee
from mentormatch.fairness import GroupGaps, group_gaps
from mentormatch.kpis import Breakdown, Relationship, breakdown, programme_report, proportion
from tests.stand_ins import StandInMatch as _Match
from tests.stand_ins import StandInResult as _Result
from tests.stand_ins import StandInUnmatched as _Unmatched

AS_OF = date(2026, 3, 1)


def pair(mentee: str, dept: str, status: str = "completed", goals: tuple[int, int] = (0, 0),
         mentor: str = "m1") -> Relationship:  # fmt: skip
    """A pair whose outcome is due (finished) unless it is active with no planned end."""
    return Relationship(
        mentee_id=mentee,
        mentor_id=mentor,
        started=date(2025, 9, 1),
        ended=None if status == "active" else date(2025, 12, 1),
        status=status,
        goals_set=goals[0],
        goals_met=goals[1],
        attributes={"department": dept},
    )


def shown(b: Breakdown) -> dict[str, tuple[int, int]]:
    return {g.group: (g.rate.numerator, g.rate.denominator) for g in b.groups if g.rate}


# ------------------------------------------------------------ the leaks
def test_goals_threshold_counts_people_not_goals() -> None:
    rs = [pair(f"e{i}", "Eng", goals=(2, 1)) for i in range(6)]
    rs.append(pair("solo", "Legal", goals=(6, 6)))  # one person, six goals
    b = breakdown("goals_met", rs, min_group_size=5, as_of=AS_OF)
    assert "Legal" not in shown(b)
    # and Legal's goals cannot be recovered from Eng and the total: Eng is hidden too
    assert "Eng" not in shown(b)
    assert b.total is not None and b.total.denominator == 18


def test_group_with_nobody_due_shields_nothing() -> None:
    rs = [pair(f"a{i}", "A") for i in range(10)]
    rs += [pair("b1", "B", "ended_early"), pair("b2", "B")]
    rs += [pair(f"c{i}", "C", "active") for i in range(3)]  # nobody due in C
    b = breakdown("completion_rate", rs, min_group_size=5, as_of=AS_OF)
    # before: B and C were the two hidden groups, and B = total - A
    assert shown(b) == {}
    assert b.total is not None and (b.total.numerator, b.total.denominator) == (11, 12)


def test_two_one_person_groups_are_not_enough() -> None:
    rs = [pair(f"a{i}", "A") for i in range(10)]
    rs += [pair("b1", "B", "ended_early"), pair("c1", "C")]
    b = breakdown("completion_rate", rs, min_group_size=5, as_of=AS_OF)
    assert shown(b) == {}  # B + C hold 2 < 5 people: A goes too


def test_threshold_counts_distinct_mentees_not_pairs() -> None:
    rs = [pair(f"a{i}", "A") for i in range(6)]
    # one mentee, rematched four times: four pairs, one person
    rs += [pair("b", "B", "ended_early", mentor=f"m{j}") for j in range(4)]
    rs += [pair(f"c{i}", "C") for i in range(5)]
    b = breakdown("completion_rate", rs, min_group_size=3, as_of=AS_OF)
    assert "B" not in shown(b)
    assert set(shown(b)) == {"A"}  # C (5), the smaller of A and C, shields B


def test_own_kpi_counts_the_people_in_its_denominator() -> None:
    records = [{"team": "t1", "mentee_id": f"p{i}", "ok": True} for i in range(5)]
    records += [{"team": "t2", "mentee_id": "q", "ok": False}] * 5  # one person, five rows
    records += [{"team": "t3", "mentee_id": f"r{i}", "ok": True} for i in range(6)]

    def ok_rate(group: Sequence[dict[str, object]]) -> object:
        return proportion(sum(bool(r["ok"]) for r in group), len(group))

    b = breakdown(ok_rate, records, by="team", min_group_size=3)
    assert "t2" not in shown(b) and set(shown(b)) == {"t3"}


def _programme(
    spec: dict[str, list[float | None]],
) -> tuple[_Result, list[Mentee]]:
    """Groups of mentees, each with a score when matched (None: unmatched)."""
    mentees, matches, unmatched = [], [], []
    for dept, scores in spec.items():
        for i, score in enumerate(scores):
            pid = f"{dept}{i}"
            mentees.append(Mentee(id=pid, department=dept))
            if score is None:
                unmatched.append(_Unmatched(pid, "no mentor"))
            else:
                matches.append(_Match(pid, "m1", score))
    return _Result(tuple(matches), tuple(unmatched)), mentees


def test_group_gaps_two_one_person_groups_are_not_enough() -> None:
    result, mentees = _programme({"A": [0.5] * 10, "B": [0.9], "C": [None]})
    gaps = group_gaps(result, mentees, min_group_size=5)  # type: ignore[arg-type]
    assert all(g.suppressed for g in gaps.groups)


def test_group_gaps_scores_count_matched_people() -> None:
    # B has 6 mentees but one matched: its mean score is that one person's score
    result, mentees = _programme({"A": [0.5] * 8, "B": [0.9, None, None, None, None, None]})
    gaps = {g.group: g for g in group_gaps(result, mentees, min_group_size=5).groups}  # type: ignore[arg-type]
    assert not gaps["B"].suppressed and gaps["B"].match_rate is not None
    assert gaps["B"].score_suppressed and gaps["B"].mean_score is None
    # A's score gap to the rest would give B's score away: hidden as well
    assert gaps["A"].score_suppressed and gaps["A"].score_gap is None
    assert "mean score suppressed" in group_gaps(result, mentees).summary()  # type: ignore[arg-type]


# ------------------------------------------------- the linear-system property
def _determined(rows: list[NDArray[np.float64]], n_vars: int, j: int) -> bool:
    """Whether unknown ``j`` is fixed by the published equations ``rows``."""
    target = np.zeros(n_vars)
    target[j] = 1.0
    if not rows:
        return False
    a = np.vstack(rows)
    return bool(np.linalg.matrix_rank(np.vstack([a, target])) == np.linalg.matrix_rank(a))


def _unit(n: int, j: int) -> NDArray[np.float64]:
    out = np.zeros(n)
    out[j] = 1.0
    return out


def _bounds(
    rows: list[NDArray[np.float64]],
    rhs: list[float],
    n_groups: int,
    j: int,
    on_numerator: bool,
) -> tuple[float, float]:
    """min and max of group ``j``'s numerator (or denominator) over every (k, n) with
    ``0 <= k <= n`` that fits the published equations (on the stacked [k, n])."""
    n_vars = 2 * n_groups
    a_ub = np.hstack([np.eye(n_groups), -np.eye(n_groups)])  # k - n <= 0
    objective = np.zeros(n_vars)
    objective[j if on_numerator else n_groups + j] = 1.0
    kwargs = {
        "A_ub": a_ub,
        "b_ub": np.zeros(n_groups),
        "A_eq": np.vstack(rows),
        "b_eq": np.array(rhs),
        "bounds": [(0, None)] * n_vars,
        "method": "highs",
    }
    low = linprog(objective, **kwargs)
    high = linprog(-objective, **kwargs)
    assert low.status == 0 and high.status == 0
    return float(low.fun), float(-high.fun)


def _check_published(
    names: list[str],
    k: dict[str, int],
    n: dict[str, int],
    people: dict[str, int],
    visible: dict[str, tuple[int, int]],
    total_shown: bool,
    threshold: int,
) -> None:
    """What is published fixes no hidden group's k or n, and bounds leave n free."""
    g = len(names)
    hidden = [name for name in names if name not in visible]
    # published: every shown group, the total, and every group known to be empty
    rows_n = [_unit(g, i) for i, name in enumerate(names) if name in visible or n[name] == 0]
    rows_k = list(rows_n)
    if total_shown:
        rows_n.append(np.ones(g))
        rows_k.append(np.ones(g))
    for name in hidden:
        if n[name] == 0:
            continue
        j = names.index(name)
        assert not _determined(rows_n, g, j), f"denominator of {name} is determined"
        assert not _determined(rows_k, g, j), f"numerator of {name} is determined"
    # what the anonymity rule promises on people
    holding = [name for name in hidden if people[name] > 0]
    assert all(people[name] >= threshold for name in visible)
    if holding and any(people[name] > 0 for name in visible):
        assert len(holding) >= 2 and sum(people[name] for name in holding) >= threshold
    if not total_shown or not holding:
        return
    # bounds: stack [k, n]; the same published rows on each half
    eq_rows, rhs = [], []
    for i, name in enumerate(names):
        if name in visible or n[name] == 0:
            eq_rows += [np.concatenate([_unit(g, i), np.zeros(g)])]
            eq_rows += [np.concatenate([np.zeros(g), _unit(g, i)])]
            rhs += [k[name], n[name]]
    eq_rows += [
        np.concatenate([np.ones(g), np.zeros(g)]),
        np.concatenate([np.zeros(g), np.ones(g)]),
    ]
    rhs += [sum(k.values()), sum(n.values())]
    hidden_k = sum(k[name] for name in holding)
    for name in holding:
        j = names.index(name)
        low_n, high_n = _bounds(eq_rows, rhs, g, j, on_numerator=False)
        assert low_n < high_n, f"denominator of {name} pinned by bounds"
        low_k, high_k = _bounds(eq_rows, rhs, g, j, on_numerator=True)
        # not protected: when nobody hidden has the outcome, each hidden k is 0
        assert low_k < high_k or hidden_k == 0


GROUP_NAMES = [f"g{i}" for i in range(8)]


@st.composite
def cohorts(draw: st.DrawFn) -> list[Relationship]:
    """Many tiny groups, one-person groups, groups with nobody due, rematched mentees."""
    out: list[Relationship] = []
    for gi in range(draw(st.integers(1, 7))):
        dept = GROUP_NAMES[gi]
        for p in range(draw(st.integers(0, 7))):
            for j in range(draw(st.sampled_from([1, 1, 1, 2, 3]))):
                status = draw(st.sampled_from(["completed", "ended_early", "active"]))
                goals_set = draw(st.sampled_from([0, 0, 1, 2, 5]))
                goals = (goals_set, draw(st.integers(0, goals_set)))
                out.append(pair(f"{dept}-p{p}", dept, status, goals, mentor=f"m{j}"))
    return out


def _truth(
    rs: list[Relationship], kpi: str
) -> tuple[dict[str, int], dict[str, int], dict[str, int]]:
    k: dict[str, int] = {}
    n: dict[str, int] = {}
    people: dict[str, int] = {}
    for r in rs:
        dept = r.attributes["department"]
        k.setdefault(dept, 0)
        n.setdefault(dept, 0)
    who: dict[str, set[str]] = {d: set() for d in n}
    for r in rs:
        dept = r.attributes["department"]
        if kpi in ("completion_rate", "early_termination_rate"):
            if r.status == "active":
                continue
            n[dept] += 1
            k[dept] += r.status == ("completed" if kpi == "completion_rate" else "ended_early")
        else:
            if r.status == "active" or r.goals_set == 0:
                continue
            n[dept] += r.goals_set if kpi == "goals_met" else 1
            k[dept] += r.goals_met if kpi == "goals_met" else r.goals_met == r.goals_set
        who[dept].add(r.mentee_id)
    people = {d: len(s) for d, s in who.items()}
    return k, n, people


@pytest.mark.parametrize(
    "kpi", ["completion_rate", "early_termination_rate", "goal_attainment", "goals_met"]
)
@given(rs=cohorts(), threshold=st.integers(3, 6))
def test_property_no_hidden_breakdown_figure_is_determined(
    kpi: str, rs: list[Relationship], threshold: int
) -> None:
    if not rs:
        return
    b = breakdown(kpi, rs, by="department", min_group_size=threshold, as_of=AS_OF)
    k, n, people = _truth(rs, kpi)
    names = sorted(n)
    visible = shown(b)
    for name, (num, den) in visible.items():
        assert (num, den) == (k[name], n[name])
    total_people = len({r.mentee_id for r in rs if _in_denominator(r, kpi)})
    assert (b.total is not None) == (total_people >= threshold)
    _check_published(names, k, n, people, visible, b.total is not None, threshold)


def _in_denominator(r: Relationship, kpi: str) -> bool:
    if r.status == "active":
        return False
    return kpi in ("completion_rate", "early_termination_rate") or r.goals_set > 0


@st.composite
def matchings(draw: st.DrawFn) -> dict[str, list[float | None]]:
    spec: dict[str, list[float | None]] = {}
    for gi in range(draw(st.integers(1, 7))):
        size = draw(st.integers(1, 8))
        spec[GROUP_NAMES[gi]] = [
            draw(st.none() | st.sampled_from([0.0, 0.25, 0.5, 1.0])) for _ in range(size)
        ]
    return spec


@given(spec=matchings(), threshold=st.integers(3, 6))
def test_property_no_hidden_group_gap_figure_is_determined(
    spec: dict[str, list[float | None]], threshold: int
) -> None:
    result, mentees = _programme(spec)
    gaps: GroupGaps = group_gaps(result, mentees, min_group_size=threshold)  # type: ignore[arg-type]
    names = sorted(spec)
    by = {g.group: g for g in gaps.groups}
    # match rate: k matched of n mentees; the gap to the rest publishes the total
    k = {g: sum(s is not None for s in spec[g]) for g in names}
    n = {g: len(spec[g]) for g in names}
    visible = {
        g: (x.match_rate.numerator, x.match_rate.denominator)
        for g, x in by.items()
        if x.match_rate is not None
    }
    for g, (num, den) in visible.items():
        assert (num, den) == (k[g], n[g])
    total_rate = any(by[g].rate_gap is not None for g in visible)
    _check_published(names, k, n, n, visible, total_rate, threshold)
    # mean score: the sum of the matched scores over the matched mentees
    score_sum = {g: sum(s for s in spec[g] if s is not None) for g in names}
    score_visible = {
        g: (round(x.mean_score * k[g], 9), k[g]) for g, x in by.items() if x.mean_score is not None
    }
    assert all(not by[g].score_suppressed for g in score_visible)
    total_score = any(by[g].score_gap is not None for g in score_visible)
    g_n = len(names)
    rows = [_unit(g_n, i) for i, g in enumerate(names) if g in score_visible or k[g] == 0]
    if total_score:
        rows.append(np.ones(g_n))
    for i, g in enumerate(names):
        if g not in score_visible and k[g] > 0:
            assert not _determined(rows, g_n, i), f"score of {g} is determined"
            assert score_sum[g] == score_sum[g]  # the unknown itself, for the record
    holding = [g for g in names if g not in score_visible and k[g] > 0]
    if holding and any(k[g] > 0 for g in score_visible):
        assert len(holding) >= 2 and sum(k[g] for g in holding) >= threshold


# --------------------------------------------- the same rule in every output
def test_report_outputs_show_no_hidden_figure() -> None:
    rs = [pair(f"a{i}", "Alpha") for i in range(7)]
    rs += [pair(f"b{i}", "Beta", "ended_early") for i in range(6)]
    rs += [pair("z1", "Zeta", "ended_early"), pair("z2", "Zeta")]
    report = programme_report(rs, as_of=AS_OF, by="department", min_group_size=5)
    b = report.breakdowns[0]
    assert set(shown(b)) == {"Alpha"} and b.total is not None
    rows = list(csv.DictReader(io.StringIO(report.to_csv())))
    for row in rows:
        if row["group"] in ("Beta", "Zeta"):
            assert row["numerator"] == row["denominator"] == row["value"] == ""
            assert row["ci_low"] == row["ci_high"] == ""
    markdown = report.to_markdown()
    for line in markdown.splitlines():
        if line.startswith(("| Beta", "| Zeta")):
            assert "suppressed" in line and "%" not in line
    html = report.to_html(plots=False)
    # group names head their rows; a suppressed group has no count
    assert "Beta</th><td></td>" in html and "Zeta</th><td></td>" in html
