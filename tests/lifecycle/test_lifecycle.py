"""Rematch, late joiners, diff and the administrator's review."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mentormatch as mm
from mentormatch import lifecycle
from mentormatch.lifecycle import diff, rematch, review
from tests.oracle import best_value
from tests.strategies import programmes

CRITERIA = [mm.GoalOverlap(weight=2), mm.SkillGap(), mm.DepartmentDistance()]


def matcher(min_score: float = 0.0) -> mm.Matcher:
    return mm.Matcher(CRITERIA, [mm.NotInReportingLine()], min_score=min_score)


@settings(max_examples=40)
@given(programmes(max_mentees=5, max_mentors=3), st.data())
def test_kept_pairs_never_change_and_the_rest_is_optimal(programme, data) -> None:
    mentees, mentors = programme
    mt = matcher(min_score=data.draw(st.sampled_from([0.0, 0.3])))
    before = mt.match(mentees, mentors)
    keep = (
        data.draw(st.lists(st.sampled_from(before.matches), unique_by=lambda m: m.mentee_id))
        if before.matches
        else []
    )
    if before.matches:
        kept_ids = {m.mentee_id for m in keep}
        others = [m for m in before.matches if m.mentee_id not in kept_ids]
        exclude = data.draw(st.lists(st.sampled_from(others), unique_by=id)) if others else []
    else:
        exclude = []
    after = rematch(mt, mentees, mentors, keep=keep, exclude=exclude)

    # every mentee once
    ids = [m.mentee_id for m in after.matches] + [u.mentee_id for u in after.unmatched]
    assert sorted(ids) == sorted(e.id for e in mentees)
    # kept pairs unchanged, with their scores and contributions
    got = {m.mentee_id: m for m in after.matches}
    for k in keep:
        assert got[k.mentee_id].mentor_id == k.mentor_id
        assert got[k.mentee_id].score == pytest.approx(k.score)
        assert got[k.mentee_id].contributions == pytest.approx(k.contributions)
    # excluded pairs are never made
    made = {(m.mentee_id, m.mentor_id) for m in after.matches}
    assert not made & {(x.mentee_id, x.mentor_id) for x in exclude}
    # capacities hold
    load = Counter(m.mentor_id for m in after.matches)
    assert all(load[t.id] <= t.capacity for t in mentors)
    # the rest is optimal: brute force on the free mentees with the remaining places
    scores = mt.score(mentees, mentors)
    ie = {e: i for i, e in enumerate(scores.mentee_ids)}
    im = {t: j for j, t in enumerate(scores.mentor_ids)}
    ok = scores.eligible.copy()
    for x in exclude:
        ok[ie[x.mentee_id], im[x.mentor_id]] = False
    cap = np.array([t.capacity for t in mentors])
    for k in keep:
        cap[im[k.mentor_id]] -= 1
    kept = {k.mentee_id for k in keep}
    free = [i for i, e in enumerate(scores.mentee_ids) if e not in kept]
    n_best, s_best = best_value(scores.total, ok, cap, free)
    rest = [m for m in after.matches if m.mentee_id not in kept]
    assert len(rest) == n_best
    assert sum(m.score for m in rest) == pytest.approx(s_best, abs=1e-9)


@settings(max_examples=25)
@given(programmes(max_mentees=6, max_mentors=4))
def test_no_keep_no_exclude_equals_match(programme) -> None:
    mentees, mentors = programme
    mt = matcher()
    a, b = mt.match(mentees, mentors), rematch(mt, mentees, mentors)
    assert a.n_matched == b.n_matched
    assert a.total_score == pytest.approx(b.total_score, abs=1e-9)
    assert not diff(a, b).changed or diff(a, b).cost == pytest.approx(0, abs=1e-9)


def people() -> tuple[list[mm.Mentee], list[mm.Mentor]]:
    mentees = [
        mm.Mentee(id="e1", goals=["sql"], manager_id="m1"),
        mm.Mentee(id="e2", goals=["sql", "go"]),
        mm.Mentee(id="e3", goals=["go"]),
    ]
    mentors = [
        mm.Mentor(id="m1", goals=["sql"]),
        mm.Mentor(id="m2", goals=["go"], capacity=2),
    ]
    return mentees, mentors


def test_late_joiners_fill_the_remaining_places() -> None:
    mentees, mentors = people()
    mt = matcher()
    first = mt.match(mentees[:2], mentors)
    later = rematch(mt, mentees, mentors, keep=first.matches)
    d = diff(first, later)
    assert [c.mentee_id for c in d.added] == ["e3"]
    assert d.added[0].kind == "added" and d.added[0].before_mentor is None
    assert later.metadata["kept"] == tuple((m.mentee_id, m.mentor_id) for m in first.matches)


def test_lock_overrides_min_score_but_not_rules() -> None:
    mentees, mentors = people()
    mt = matcher(min_score=0.9)
    r = rematch(mt, mentees, mentors, keep=[("e3", "m1")])
    assert r.mentor_of("e3") == "m1" and r.matches[-1].score < 0.9
    with pytest.raises(
        mm.MentormatchError, match=r"\('e1', 'm1'\) in keep is refused by the rule 'reporting_line'"
    ):
        rematch(mt, mentees, mentors, keep=[("e1", "m1")])


@pytest.mark.parametrize(
    ("keep", "exclude", "message"),
    [
        ([("e9", "m1")], [], "'e9' is not a mentee"),
        ([("e2", "m9")], [], "'m9' is not a mentor"),
        ([], [("e2", "m9")], "'m9' is not a mentor"),
        ([("e2", "m1"), ("e2", "m2")], [], "mentee 'e2' with two mentors"),
        ([("e2", "m1")], [("e2", "m1")], "in both keep and exclude"),
        ([("e2", "m1"), ("e3", "m1")], [], "capacity 1 but 2 pairs in keep"),
        (["e2m1"], [], "pairs or Match objects"),
        (("e2", "m1"), [], "the single pair"),
    ],
    ids=[
        "unknown-mentee",
        "unknown-mentor",
        "unknown-exclude",
        "two-mentors",
        "both",
        "capacity",
        "string",
        "single",
    ],
)
def test_bad_keep_and_exclude(keep, exclude, message) -> None:
    mentees, mentors = people()
    with pytest.raises(mm.MentormatchError, match=message):
        rematch(matcher(), mentees, mentors, keep=keep, exclude=exclude)


def test_excluded_pair_is_explained() -> None:
    mentees = [mm.Mentee(id="e1", goals=["sql"])]
    mentors = [mm.Mentor(id="m1", goals=["sql"])]
    r = rematch(matcher(), mentees, mentors, exclude=[("e1", "m1")])
    assert r.unmatched[0].reason.startswith("the only mentor with a free place is refused")
    assert "excluded" in r.unmatched[0].reason


def test_diff_kinds_and_cost() -> None:
    mentees, mentors = people()
    mt = matcher()
    before = mt.match(mentees, mentors)
    after = rematch(mt, mentees, mentors, exclude=before.matches[:1])
    d = diff(before, after)
    assert d.cost == pytest.approx(before.total_score - after.total_score)
    assert {c.mentee_id for c in d.changes} | set(d.unchanged) == {"e1", "e2", "e3"}
    assert sum(c.delta for c in d.changes) == pytest.approx(-d.cost)
    # the same mentor with a different score is "rescored"
    other = mm.Matcher([mm.GoalOverlap()]).match(mentees, mentors)
    kinds = {c.kind for c in diff(before, other).changes}
    assert kinds <= {"rescored", "changed", "added", "removed"}
    assert diff(before, before).changes == ()
    with pytest.raises(mm.MentormatchError, match="two MatchResult"):
        diff(before, "x")  # type: ignore[arg-type]


def test_diff_records_and_summary() -> None:
    mentees, mentors = people()
    mt = matcher()
    before = mt.match(mentees, mentors)
    after = rematch(mt, mentees, mentors, exclude=before.matches)
    d = diff(before, after)
    recs = d.to_records()
    assert len(recs) == len(d.changes) and set(recs[0]) >= {"mentee_id", "kind", "delta"}
    assert d.summary().splitlines()[0].startswith(f"{len(d.changes)} mentee")


def test_review_costs_the_overrides() -> None:
    mentees, mentors = people()
    mt = matcher()
    rv = review(mt, mentees, mentors, lock=[("e3", "m1")], forbid=[("e2", "m2")])
    assert rv.result.mentor_of("e3") == "m1"
    assert rv.result.mentor_of("e2") != "m2"
    assert rv.cost == pytest.approx(rv.baseline.total_score - rv.result.total_score)
    assert rv.cost >= 0
    assert rv.summary().startswith("Review: 1 locked, 1 forbidden.")
    with pytest.raises(mm.MentormatchError, match="in lock is refused") as err:
        review(mt, mentees, mentors, lock=[("e1", "m1")])
    assert err.value.field == "lock" and err.value.participant_id == "e1"


def test_runner_up_names_the_kept_pairs() -> None:
    mentees = [mm.Mentee(id="e1", goals=["sql"]), mm.Mentee(id="e2")]
    mentors = [mm.Mentor(id="m1", goals=["sql"]), mm.Mentor(id="m2")]
    r = rematch(mm.Matcher([mm.GoalOverlap()]), mentees, mentors, keep=[("e2", "m1")])
    assert "kept pairs (e2)" in r.explain("e1").runner_up.why_not  # type: ignore[union-attr]


def test_exclude_rule_name_does_not_clash() -> None:
    class Rule:
        name = lifecycle.EXCLUDED_RULE

        def allowed(self, mentees, mentors):  # type: ignore[no-untyped-def]
            return np.ones((len(mentees), len(mentors)), dtype=bool)

        def explain(self, mentee, mentor):  # type: ignore[no-untyped-def]
            return "never"

    mentees, mentors = people()
    r = rematch(mm.Matcher([mm.GoalOverlap()], [Rule()]), mentees, mentors, exclude=[("e2", "m1")])
    assert r.mentor_of("e2") != "m1"


def run_cli(argv: list[str]) -> str:
    import io

    from mentormatch.cli import _console
    from mentormatch.cli.lifecycle import _add_rematch, _add_shortlist

    parser = _console._Parser(prog="mentormatch")
    sub = parser.add_subparsers(dest="command", parser_class=_console._Parser)
    _add_rematch(sub)
    _add_shortlist(sub)
    args = parser.parse_args(argv)
    out, err = io.StringIO(), io.StringIO()
    assert args.func(args, out, err) == 0
    return out.getvalue()


def test_cli_rematch(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from importlib.resources import files

    signups = str(files("mentormatch") / "data" / "demo_signups.csv")
    first = tmp_path / "matches.csv"
    mentees, mentors = mm.load_demo()
    result = mm.presets.career_guidance().match(mentees, mentors)
    mm.write_results(result, first)
    ended = tmp_path / "ended.csv"
    ended.write_text(
        f"mentee_id,mentor_id\n{result.matches[0].mentee_id},{result.matches[0].mentor_id}\n"
    )
    kept = tmp_path / "kept.csv"
    kept.write_text(
        "mentee_id,mentor_id\n"
        + "".join(f"{m.mentee_id},{m.mentor_id}\n" for m in result.matches[1:])
    )
    text = run_cli(["rematch", signups, "--keep", str(kept), "--exclude", str(ended)])
    assert text.startswith(f"Kept {len(result.matches) - 1} pairs, excluded 1.")
    out = tmp_path / "new.json"
    text = run_cli(["rematch", signups, "--keep", str(first), "-o", str(out)])
    assert "wrote" in text and mm.read_results(out).n_matched == result.n_matched
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n")
    with pytest.raises(mm.MentormatchError, match="no mentee_id or mentor_id column"):
        run_cli(["rematch", signups, "--keep", str(bad)])


def test_cli_shortlist(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from importlib.resources import files

    signups = str(files("mentormatch") / "data" / "demo_signups.csv")
    text = run_cli(["shortlist", signups, "-k", "2"])
    assert text.startswith("Shortlists of up to 2 for 61 mentees")
    out = tmp_path / "lists.csv"
    text = run_cli(["shortlist", signups, "-k", "2", "-o", str(out)])
    assert out.read_text().splitlines()[0] == "mentee_id,rank,mentor_id,score,reasons"
