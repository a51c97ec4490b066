"""Benchmark of follow-up plans: build a plan for every pair and write it as CSV.

Usage (from the repository root)::

    python benchmarks/followup.py            # 1,000, 5,000 and 20,000 pairs; writes benchmarks/followup.md
    python benchmarks/followup.py --quick    # 1,000 and 5,000 pairs, printed only

For each size it times, best of ``--repeat`` runs, ``mentormatch.followup.plan``
(26 weeks, a check-in every 14 days, the default milestones, three talking
points from the shipped bank, participants with goals and skills) and
``FollowUpPlan.write("plan.csv")`` (17 rows per pair; atomic, formula-safe).
The baseline is Python's ``csv.writer`` writing the same rows, already
built, to a file. The ratio is ours (plan + write) over that baseline: below
1 when building the plan and writing it costs less than ``csv.writer`` alone
takes for the rows. Two inputs: a match result (every pair starts on the same
day) and relationships (each pair on its own day, 180 distinct starts).
Setup (people, pairs) is outside the timed calls.
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))

import mentormatch as mm  # noqa: E402
from mentormatch.kpis import Relationship  # noqa: E402
from mentormatch.matching import Match, MatchResult  # noqa: E402

GOALS = [
    "leadership", "public speaking", "career growth", "negotiation", "people management",
    "work-life balance", "product thinking", "data literacy", "kubernetes", "strategic thinking",
]  # fmt: skip
SKILLS = ["python", "sql", "excel", "writing", "presenting", "cloud", "design", "statistics"]
START = date(2026, 1, 12)


def _people(n: int, seed: int = 7) -> tuple[list[mm.Mentee], list[mm.Mentor]]:
    rng = random.Random(seed)
    mentees = [
        mm.Mentee(
            id=f"e{i:06d}",
            name=f"Mentee {i}",
            goals=rng.sample(GOALS, 2),
            skills={s: rng.randint(1, 3) for s in rng.sample(SKILLS, 2)},
        )
        for i in range(n)
    ]
    mentors = [
        mm.Mentor(
            id=f"m{i:06d}",
            name=f"Mentor {i}",
            goals=rng.sample(GOALS, 3),
            skills={s: rng.randint(2, 5) for s in rng.sample(SKILLS, 3)},
        )
        for i in range(n)
    ]
    return mentees, mentors


def _inputs(n: int) -> dict[str, Any]:
    mentees, mentors = _people(n)
    pairs = [(mentees[i].id, mentors[(i * 7919) % n].id) for i in range(n)]
    result = MatchResult(tuple(Match(e, m, 0.5, {}, ()) for e, m in pairs), (), 0.5 * n)
    rels = [
        Relationship(mentee_id=e, mentor_id=m, started=START + timedelta(days=i % 180))
        for i, (e, m) in enumerate(pairs)
    ]
    return {"signups": mm.Signups(mentees, mentors), "result": result, "relationships": rels}


def _best(func: Any, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - t0)
    return best


def run_case(n: int, kind: str, inputs: dict[str, Any], repeat: int, folder: str) -> dict[str, Any]:
    signups = inputs["signups"]
    path = os.path.join(folder, "plan.csv")
    floor_path = os.path.join(folder, "floor.csv")

    def make() -> mm.followup.FollowUpPlan:
        if kind == "match result":
            return mm.followup.plan(
                inputs["result"], signups, start=START, programme="career_guidance"
            )
        return mm.followup.plan(inputs["relationships"], signups, programme="career_guidance")

    plan = make()
    rows = [
        (r["mentee_id"], r["mentor_id"], r["date"].isoformat(), r["event"], r["description"])
        for r in plan.to_records()
    ]

    def floor() -> None:
        with open(floor_path, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(["mentee_id", "mentor_id", "date", "event", "description"])
            writer.writerows(rows)

    t_plan = _best(make, repeat)
    t_write = _best(lambda: plan.write(path), repeat)
    t_both = _best(lambda: make().write(path), repeat)
    t_floor = _best(floor, repeat)
    return {
        "pairs": n,
        "input": kind,
        "rows": len(rows),
        "plan_s": t_plan,
        "write_s": t_write,
        "plan_write_s": t_both,
        "csv_floor_s": t_floor,
        "ratio": t_both / t_floor,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="1,000 and 5,000 pairs, printed only")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    sizes = [1_000, 5_000] if args.quick else [1_000, 5_000, 20_000]
    results = []
    with tempfile.TemporaryDirectory() as folder:
        for n in sizes:
            inputs = _inputs(n)
            for kind in ("match result", "relationships"):
                r = run_case(n, kind, inputs, args.repeat, folder)
                results.append(r)
                print(
                    f"{r['pairs']:>7,} pairs ({r['input']}): plan {r['plan_s']:.3f} s, write "
                    f"{r['write_s']:.3f} s, plan + write {r['plan_write_s']:.3f} s; csv module "
                    f"{r['csv_floor_s']:.3f} s for the same {r['rows']:,} rows; ratio {r['ratio']:.2f}",
                    flush=True,
                )
    if args.quick:
        return
    lines = [
        "# Follow-up plans: build and write as CSV",
        "",
        "Made by `python benchmarks/followup.py` (best of "
        f"{args.repeat}; {platform.python_implementation()} {platform.python_version()}, "
        f"{os.cpu_count()} cores, shared with other work). 26 weeks, a check-in every 14 days, "
        "the default milestones, three talking points per pair. The csv module column is "
        "Python's `csv.writer` writing the same rows, already built, to a file. "
        "Ratio = (plan + write) / csv module.",
        "",
        "| pairs | input | rows | plan (s) | write (s) | plan + write (s) | csv module (s) | ratio |",
        "|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r['pairs']:,} | {r['input']} | {r['rows']:,} | {r['plan_s']:.3f} | "
            f"{r['write_s']:.3f} | {r['plan_write_s']:.3f} | {r['csv_floor_s']:.3f} | "
            f"{r['ratio']:.2f} |"
        )
    (HERE / "followup.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
