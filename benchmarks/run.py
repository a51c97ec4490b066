"""Benchmark sweep of mentormatch's matching paths; writes benchmarks/results.md.

Usage (from the repository root)::

    python benchmarks/run.py            # the full sweep, 200 to 100,000 mentees
    python benchmarks/run.py --quick    # a small sweep (a minute or two)

Every case runs in a fresh subprocess so that its peak memory (``ru_maxrss``)
is its own. For each programme it times ``Matcher.match`` end to end (input
validation, scoring, solving, pricing, building the explained result) and its
phases. Where the dense matrix fits, it also times bare
``scipy.optimize.linear_sum_assignment`` on the same capacity-replicated
cost matrix, measured in the same process, and checks that the dense and
sparse paths reach the same objective (matched count, total score).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

# (mentees, mentors, min capacity, max capacity, paths to run)
FULL = [
    (200, 40, 1, 5, ("dense", "sparse")),
    (200, 100, 1, 3, ("dense", "sparse")),
    (1_000, 200, 1, 5, ("dense", "sparse")),
    (2_000, 1_000, 1, 3, ("dense", "sparse")),
    (5_000, 1_000, 1, 5, ("dense", "sparse")),
    (10_000, 5_000, 1, 3, ("dense", "sparse")),
    (20_000, 4_000, 1, 5, ("sparse",)),
    (50_000, 25_000, 1, 3, ("sparse",)),
    (100_000, 20_000, 5, 5, ("sparse",)),
]
QUICK = [
    (200, 40, 1, 5, ("dense", "sparse")),
    (1_000, 200, 1, 5, ("dense", "sparse")),
    (2_000, 1_000, 1, 3, ("dense", "sparse")),
]
BARE_LIMIT = 120_000_000  # run bare linear_sum_assignment while n x slots is at most this


def run_case(n: int, m: int, lo: int, hi: int, solver: str, bare: bool) -> dict[str, Any]:
    """One case, in this process: build the programme, match it, report."""
    sys.path.insert(0, str(ROOT / "src"))
    sys.path.insert(0, str(ROOT))
    import numpy as np
    from benchmarks.programme import constraints, criteria, programme

    import mentormatch as mm

    tees, tors = programme(n, m, (lo, hi), seed=n + m)
    matcher = mm.Matcher(criteria(), constraints(), solver=solver)
    t0 = time.perf_counter()
    result = matcher.match(tees, tors)
    wall = time.perf_counter() - t0
    meta = result.metadata
    out: dict[str, Any] = {
        "n": n,
        "m": m,
        "cap": f"{lo}-{hi}" if lo != hi else str(lo),
        "places": meta["places"],
        "solver": meta["solver"],
        "backend": meta.get("backend", "scipy LSA"),
        "matched": result.n_matched,
        "total": result.total_score,
        "wall": wall,
        "timings": meta["timings"],
        "rounds": meta.get("pricing_rounds"),
        "added": meta.get("pairs_added"),
        "candidate_pairs": meta.get("candidate_pairs"),
        "rescored": meta.get("rows_rescored"),
    }
    if bare:
        from scipy.optimize import linear_sum_assignment

        from mentormatch._solve import slot_counts

        sm = matcher.score(tees, tors)
        capacity = np.array([t.capacity for t in tors], dtype=np.int64)
        eligible = sm.eligible
        slots = slot_counts(eligible, capacity)
        big = float(n + 1)
        cost = np.where(eligible, -(big + sm.total), 0.0)
        cost = cost[:, np.repeat(np.arange(m), slots)]
        del sm, eligible
        t1 = time.perf_counter()
        linear_sum_assignment(cost)
        out["bare_lsa"] = time.perf_counter() - t1
    out["peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def spawn(n: int, m: int, lo: int, hi: int, solver: str, bare: bool) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--case", str(n), str(m), str(lo), str(hi), solver]
    if bare:
        cmd.append("--bare")
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        return {"n": n, "m": m, "cap": f"{lo}-{hi}", "solver": solver, "error": proc.stderr[-400:]}
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


def fmt(x: Any, digits: int = 2) -> str:
    if x is None:
        return ""
    if isinstance(x, float):
        return f"{x:.{digits}f}"
    return str(x)


def table(rows: list[dict[str, Any]]) -> str:
    head = (
        "| mentees | mentors | capacity | places | path | backend | matched | total score "
        "| scoring s | solving s | pricing s | explaining s | end to end s | peak MiB "
        "| rounds | pairs added | bare LSA s | match / bare LSA | same objective |"
    )
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for r in rows:
        if "error" in r:
            lines.append(
                f"| {r['n']} | {r['m']} | {r['cap']} | | {r['solver']} | | failed: "
                f"{r['error'].strip().splitlines()[-1] if r['error'].strip() else '?'} |"
                + " |"
                * 12
            )
            continue
        t = r["timings"]
        ratio = r["wall"] / r["bare_lsa"] if r.get("bare_lsa") else None
        lines.append(
            "| "
            + " | ".join(
                [
                    f"{r['n']:,}",
                    f"{r['m']:,}",
                    r["cap"],
                    f"{r['places']:,}",
                    r["solver"],
                    r["backend"],
                    f"{r['matched']:,}",
                    f"{r['total']:.4f}",
                    fmt(t.get("scoring")),
                    fmt(t.get("solving")),
                    fmt(t.get("pricing")),
                    fmt(t.get("explaining")),
                    fmt(r["wall"]),
                    f"{r['peak_mib']:.0f}",
                    fmt(r.get("rounds")),
                    fmt(r.get("added")),
                    fmt(r.get("bare_lsa")),
                    f"{ratio:.2f}x" if ratio else "",
                    r.get("same", ""),
                ]
            )
            + " |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a small sweep")
    parser.add_argument("--out", default=str(HERE / "results.md"), help="Markdown file to write")
    parser.add_argument("--case", nargs=5, metavar=("N", "M", "LO", "HI", "SOLVER"))
    parser.add_argument("--bare", action="store_true")
    args = parser.parse_args(argv)
    if args.case:
        n, m, lo, hi = map(int, args.case[:4])
        print(json.dumps(run_case(n, m, lo, hi, args.case[4], args.bare)))
        return 0
    rows: list[dict[str, Any]] = []
    for n, m, lo, hi, paths in QUICK if args.quick else FULL:
        by_path: dict[str, dict[str, Any]] = {}
        for path in paths:
            slots = m * hi
            bare = path == "dense" and n * slots <= BARE_LIMIT
            print(f"{n} x {m}, capacity {lo}-{hi}, {path} ...", file=sys.stderr, flush=True)
            r = spawn(n, m, lo, hi, path, bare)
            by_path[path] = r
            rows.append(r)
        if "dense" in by_path and "sparse" in by_path:
            d, s = by_path["dense"], by_path["sparse"]
            if "error" not in d and "error" not in s:
                same = d["matched"] == s["matched"] and abs(d["total"] - s["total"]) <= 1e-9 * max(
                    1.0, abs(d["total"])
                )
                s["same"] = "yes" if same else f"NO (dense {d['matched']}, {d['total']:.9f})"
    try:
        import ortools

        ort = ortools.__version__
    except ImportError:
        ort = "not installed"
    import numpy
    import scipy

    text = [
        "# mentormatch benchmarks",
        "",
        f"Written by `python benchmarks/run.py{' --quick' if args.quick else ''}` on "
        f"{time.strftime('%Y-%m-%d %H:%M')}: Python {platform.python_version()}, "
        f"numpy {numpy.__version__}, scipy {scipy.__version__}, OR-Tools {ort}, "
        f"{os.cpu_count()} CPUs ({platform.machine()}). The machine may be shared: "
        "timings are noisy, ratios within one run are the numbers to compare.",
        "",
        "Programmes from `benchmarks/programme.py` (skewed goal popularity, an org tree, "
        "locations, a reporting line among mentors); four criteria (GoalOverlap, SkillGap, "
        "DepartmentDistance, AttributeMatch) and NotInReportingLine. Each case runs in its own "
        "process; *peak MiB* is that process's maximum resident size (Python and the "
        "programme's participants included). *End to end* is `Matcher.match` from the "
        "participant lists to the explained result; *bare LSA* is "
        "`scipy.optimize.linear_sum_assignment` alone on the precomputed, capacity-replicated "
        "cost matrix of the same programme. *Same objective*: the sparse path's matched count "
        "and total score equal the dense path's.",
        "",
        table(rows),
        "",
    ]
    Path(args.out).write_text("\n".join(text))
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
