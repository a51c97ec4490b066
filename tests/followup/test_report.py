"""The report's follow-up sections: readiness, milestones against targets, next steps,
under the one suppression rule."""

from __future__ import annotations

import csv
import io
import pickle
from datetime import date, timedelta
from pathlib import Path

import mentormatch as mm
from mentormatch.kpis import MilestoneTarget, Relationship, Targets, programme_report

from .helpers import result_of

START = date(2026, 1, 12)
AS_OF = date(2026, 3, 1)


def cohort(n: int, departments: str = "AB") -> list[Relationship]:
    """n pairs; every other one met kick-off on day 5, every third met agreement late."""
    out = []
    for i in range(n):
        met = {}
        if i % 2 == 0:
            met["kick-off"] = START + timedelta(days=5)
        if i % 3 == 0:
            met["agreement"] = START + timedelta(days=40)
        out.append(
            Relationship(
                mentee_id=f"e{i:02d}",
                mentor_id=f"m{i % 4}",
                started=START,
                meetings=[START + timedelta(days=1)],
                milestones=met,
                attributes={"department": departments[i % len(departments)]},
            )
        )
    return out


def people(n_mentors: int, n_mentees: int) -> list[mm.Mentee | mm.Mentor]:
    return [
        *(
            mm.Mentor(id=f"m{i}", attributes={"trained": "yes" if i % 2 else "no"})
            for i in range(n_mentors)
        ),
        *(mm.Mentee(id=f"e{i}", attributes={"trained": "2026-01-05"}) for i in range(n_mentees)),
    ]


def test_readiness_shows_each_role_and_suppresses_a_small_one() -> None:
    rep = programme_report(cohort(10), as_of=AS_OF, participants=people(6, 3))
    assert rep.readiness is not None
    assert rep.readiness.mentors is not None and rep.readiness.mentors.numerator == 3
    assert rep.readiness.mentees is None and rep.readiness.mentees_suppressed
    text = rep.summary()
    assert "mentors prepared  3/6 = 50.0%" in text
    assert "mentees prepared  suppressed (small group)" in text
    assert "| mentees prepared | suppressed (small group) |" in rep.to_markdown()
    rows = {r[0]: r for r in csv.reader(io.StringIO(rep.to_csv()))}
    assert rows["readiness:mentors"][3:5] == ["3", "6"]
    assert rows["readiness:mentees"][3:5] == ["", ""]
    assert "suppressed" in rows["readiness:mentees"]
    assert programme_report(cohort(10), as_of=AS_OF).readiness is None


def test_milestones_are_checked_against_their_targets(tmp_path: Path) -> None:
    toml = tmp_path / "programme.toml"
    toml.write_text(
        "[targets]\n[targets.milestones]\nkick-off = 0.9\n"
        '"closing review" = { target = 0.8, within_days = 181 }\n'
    )
    rep = programme_report(cohort(20), as_of=AS_OF, targets=toml)
    by_name = {f.name: f for f in rep.milestones}
    assert list(by_name) == ["kick-off", "closing review", "agreement"]
    kick = by_name["kick-off"]
    assert kick.rate is not None and (kick.rate.numerator, kick.rate.denominator) == (10, 20)
    assert kick.check is not None and kick.check.verdict == "not met"
    assert by_name["closing review"].rate is None  # nobody due yet
    assert by_name["closing review"].check.verdict == "not computed"  # type: ignore[union-attr]
    agreement = by_name["agreement"]
    assert agreement.rate is not None and agreement.rate.numerator == 0  # met late
    assert agreement.check is None
    text = rep.summary()
    assert "kick-off within 14 days" in text and "target at least 90.0%: not met" in text
    rows = {r[0]: r for r in csv.reader(io.StringIO(rep.to_csv()))}
    assert rows["milestone:kick-off"][3:5] == ["10", "20"]
    assert rows["milestone:kick-off"][-2:] == ["0.9", "not met"]
    assert rows["milestone:closing review"][9] == "not computed"
    assert pickle.loads(pickle.dumps(rep)) == rep


def test_milestone_figures_follow_the_suppression_rule() -> None:
    targets = Targets({}, milestones=(MilestoneTarget("kick-off", 14, 0.5),))
    small = programme_report(cohort(4), as_of=AS_OF, targets=targets)
    (kick, _) = small.milestones
    assert kick.rate is None and kick.suppressed
    assert kick.check is not None and "suppressed" in kick.check.text
    # by department: a group under the threshold is hidden, and one more with it
    rels = cohort(14, "AAAAAAB")  # 12 in A, 2 in B
    rels += cohort(20, "C")[14:]  # 6 in C, ids e14..e19
    rep = programme_report(rels, as_of=AS_OF, targets=targets, by="department")
    split = next(b for b in rep.breakdowns if b.kpi == "kick-off within 14 days")
    hidden = [g.group for g in split.groups if g.suppressed]
    assert hidden == ["B", "C"]  # B is small; C, the next smallest, shields it
    assert split.total is not None and split.total.denominator == 20


def test_the_at_risk_list_carries_next_steps_in_every_format() -> None:
    rels = cohort(6)
    plan = mm.followup.plan(result_of([(r.mentee_id, r.mentor_id) for r in rels]), start=START)
    rep = programme_report(rels, as_of=AS_OF, plan=plan)
    assert rep.at_risk and all(a.next_step for a in rep.at_risk)
    first = rep.at_risk[0]
    assert "milestone" in first.next_step or "open with" in first.next_step
    assert f"next step: {first.next_step}" in rep.summary()
    assert first.next_step in rep.to_markdown()
    assert '<th scope="col">Next step</th>' in rep.to_html(plots=False)
    rows = list(csv.reader(io.StringIO(rep.at_risk_csv())))
    assert rows[0][-1] == "next_step" and rows[1][-1] == first.next_step
