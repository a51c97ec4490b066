"""Programme families for the large-programme work (issue 13); writes benchmarks/families.md.

Usage (from the repository root)::

    python benchmarks/families.py                 # 2k x 1k and 20k x 4k, every family
    python benchmarks/families.py --sizes 100k --timeout 300   # the big ones, once
    python benchmarks/families.py --case tie tight 2000 core   # one case, JSON on stdout

Families, each *tight* (places = mentees) and *loose* (places = 2 x mentees):

- ``today``: the generator of ``benchmarks/programme.py`` (skewed goal
  popularity, an org tree, locations, a reporting line), four criteria.
- ``tie``: tie-heavy: 60 departments drawn uniformly, 30 goals, 40 skills,
  three criteria, so most mentees have many mentors of equal score.
- ``skew``: skewed popularity: 5% of mentors are wanted by most mentees, who
  name them in their stated preferences; four criteria.

Sizes: 2,000 x 1,000 (capacity 1-3 tight, 3-5 loose: the dense case; 500 x
250 and 1,000 x 500 likewise, to place ``solver="auto"``'s switch),
20,000 x 4,000 and 100,000 x 20,000 (capacity 5 tight, 10 loose).

Each measurement runs in a fresh subprocess, so its peak memory
(``ru_maxrss``) is its own. ``matcher`` times ``Matcher.match`` end to end
with its phases (``matcher-dense`` and ``matcher-sparse`` force a path; the
latter's */ Matcher* is against the former); ``core`` times the new ``mentormatch._large`` core
(encoding the criteria once, then ``solve_large`` on two threads; its peak
memory is read before the benchmark's own checks) and, where the dense
matrix fits, bare ``scipy.optimize.linear_sum_assignment`` on the same
capacity-replicated cost matrix in the same process: *core / LSA* is a ratio
within one run (medians of five runs each at 2,000 mentees, after one untimed). *Same objective*: the two paths matched the same number and
their totals agree within the grid (``n x 2**-30``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

FAMILIES = ("today", "tie", "skew")
MARKETS = ("tight", "loose")
SIZES = {
    "500": (500, 250),  # with 1k: where solver="auto" switches paths (benchmarks/matcher.md)
    "1k": (1_000, 500),
    "2k": (2_000, 1_000),
    "20k": (20_000, 4_000),
    "100k": (100_000, 20_000),
}
BARE_LIMIT = 20_000_000  # bare LSA while mentees x places is at most this


def capacity_range(n: int, m: int, market: str) -> tuple[int, int]:
    """Capacities uniform in this range: places = mentees (tight) or 2 x mentees (loose)."""
    per = n // m * (1 if market == "tight" else 2)
    return (per - 1, per + 1) if n <= 2_000 else (per, per)


def tie_programme(n: int, m: int, cap: tuple[int, int], seed: int) -> tuple[list[Any], list[Any]]:
    """Tie-heavy: 60 flat departments drawn uniformly, 30 goals, 40 skills (1-2 each)."""
    import numpy as np

    import mentormatch as mm

    rng = np.random.default_rng(seed)
    depts = [f"Dept{d:02d}" for d in range(60)]
    goals = [f"goal {g}" for g in range(30)]
    skills = [f"skill{s}" for s in range(40)]
    caps = rng.integers(cap[0], cap[1] + 1, size=m)
    out: list[list[Any]] = [[], []]
    for role, count in ((0, n), (1, m)):
        d = rng.integers(0, 60, size=count)
        g = rng.integers(0, 30, size=(count, 2))
        s = rng.integers(0, 40, size=(count, 2))
        lv = rng.integers(1, 4, size=(count, 2)) + (2 if role else 0)
        k = rng.integers(1, 3, size=count)
        for i in range(count):
            fields: dict[str, Any] = {
                "department": depts[d[i]],
                "goals": sorted({goals[x] for x in g[i, : k[i]]}),
                "skills": {skills[s[i, t]]: int(lv[i, t]) for t in range(k[i])},
            }
            if role:
                out[1].append(mm.Mentor(id=f"m{i:06d}", capacity=int(caps[i]), **fields))
            else:
                out[0].append(mm.Mentee(id=f"e{i:06d}", **fields))
    return out[0], out[1]


def skew_programme(n: int, m: int, cap: tuple[int, int], seed: int) -> tuple[list[Any], list[Any]]:
    """Today's generator, then 5% of mentors become stars that 80% of mentees name."""
    import numpy as np
    from benchmarks.programme import programme

    tees, tors = programme(n, m, cap, seed=seed)
    rng = np.random.default_rng(seed + 1)
    stars = [t.id for t in tors[: max(1, m // 20)]]
    weights = 1.0 / np.arange(1, len(stars) + 1)
    weights /= weights.sum()
    named = []
    for e in tees:
        if rng.random() < 0.8:
            k = int(rng.integers(1, 4))
            pick = rng.choice(len(stars), size=min(k, len(stars)), replace=False, p=weights)
            named.append(e.model_copy(update={"preferences": tuple(stars[p] for p in pick)}))
        else:
            named.append(e)
    return named, tors


def fmt(x: Any, digits: int = 2) -> str:
    if x is None:
        return ""
    if isinstance(x, float):
        return f"{x:.{digits}f}"
    return f"{x:,}" if isinstance(x, int) else str(x)


def build(family: str, n: int, m: int, market: str) -> tuple[Any, Any, list[Any], list[Any]]:
    sys.path.insert(0, str(ROOT / "src"))
    sys.path.insert(0, str(ROOT))
    from benchmarks.programme import constraints, criteria, programme

    import mentormatch as mm

    cap = capacity_range(n, m, market)
    seed = n + m + (0 if market == "tight" else 1)
    if family == "today":
        tees, tors = programme(n, m, cap, seed=seed)
        return tees, tors, criteria(), constraints()
    if family == "tie":
        tees, tors = tie_programme(n, m, cap, seed)
        crit = [mm.GoalOverlap(weight=2), mm.SkillGap(), mm.DepartmentDistance(prefer="different")]
        return tees, tors, crit, []
    tees, tors = skew_programme(n, m, cap, seed)
    return tees, tors, [mm.StatedPreferences(weight=2), *criteria()], constraints()


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_matcher(family: str, market: str, n: int, m: int, path: str = "matcher") -> dict[str, Any]:
    """``Matcher.match`` end to end: ``matcher`` (dense at 2,000, sparse beyond),
    ``matcher-dense`` or ``matcher-sparse``; the median of five runs at 2,000 mentees (after
    an untimed one: the first call pays for imports and caches)."""
    import mentormatch as mm

    tees, tors, crit, rules = build(family, n, m, market)
    solver = path.partition("-")[2] or ("dense" if n <= 2_000 else "sparse")
    walls, results = [], []
    if n <= 2_000:
        mm.Matcher(crit, rules, solver=solver).match(tees, tors)
    for _ in range(5 if n <= 2_000 else 1):
        t0 = time.perf_counter()
        results.append(mm.Matcher(crit, rules, solver=solver).match(tees, tors))
        walls.append(time.perf_counter() - t0)
    wall = statistics.median(walls)
    result = results[walls.index(wall)]
    meta = result.metadata
    return {
        "path": f"Matcher ({meta['solver']})",
        "places": meta["places"],
        "matched": result.n_matched,
        "total": result.total_score,
        "wall": wall,
        "walls": walls,
        "phases": dict(meta["timings"]),
        "rounds": meta.get("pricing_rounds"),
        "rescored": meta.get("rows_rescored"),
        "peak_mib": peak_mib(),
    }


def programme_scorer(crit: list[Any], rules: list[Any], tees: list[Any], tors: list[Any]) -> Any:
    """The library's block scorer (the same scoring the Matcher's large path uses)."""
    from mentormatch._scoring.blocked import ProgrammeScorer

    return ProgrammeScorer(crit, rules, (tees, tors), min_score=0.0)


def run_core(family: str, market: str, n: int, m: int, repeat: int) -> dict[str, Any]:
    import numpy as np

    from mentormatch._large import LargeOptions, solve_large

    tees, tors, crit, rules = build(family, n, m, market)
    capacity = np.array([min(t.capacity, n) for t in tors], dtype=np.int64)
    open_all = np.ones(m, dtype=bool)
    row_key = np.argsort(np.argsort([e.id for e in tees])).astype(np.int64)
    col_key = np.argsort(np.argsort([t.id for t in tors])).astype(np.int64)
    walls, sols, encodes = [], [], []
    for _ in range(repeat):
        t0 = time.perf_counter()
        ps = programme_scorer(crit, rules, tees, tors)
        t1 = time.perf_counter()
        sol = solve_large(
            lambda rows, ps=ps: ps.eligible_total(rows, open_all),
            capacity,
            n,
            row_key=row_key,
            col_key=col_key,
            options=LargeOptions(workers=2),
            score_cells=lambda rows, cols, ps=ps: ps.eligible_total(rows, open_all, cols),
        )
        walls.append(time.perf_counter() - t0)
        encodes.append(t1 - t0)
        sols.append(sol)
    peak = peak_mib()  # before the checks below, which score more rows at once
    sol = sols[-1]
    a = sol.assignment
    made = np.flatnonzero(a >= 0)
    total = 0.0
    for lo in range(0, made.size, 64):
        rows = made[lo : lo + 64]
        tot = ps.eligible_total(rows, open_all)
        total += float(tot[np.arange(rows.size), a[rows]].sum())
    out: dict[str, Any] = {
        "path": f"core ({sol.backend})",
        "places": int(capacity.sum()),
        "matched": int(made.size),
        "total": total,
        "wall": statistics.median(walls),
        "walls": walls,
        "phases": {
            "encoding": statistics.median(encodes),
            "scoring": sol.stats["scoring"],
            "solving": sol.stats["solving"],
            "pricing": sol.stats["pricing"],
        },
        "rounds": sol.certificate.rounds,
        "rescored": int(sol.stats["rows_rescored"]),
        "added": int(sol.stats["pairs_added"]),
        "certified": sol.certificate.max_reduced <= 0,
    }
    slots = np.repeat(np.arange(m), capacity)
    if n * slots.size <= BARE_LIMIT:
        from scipy.optimize import linear_sum_assignment

        full = ps.eligible_total(np.arange(n), open_all)
        ok = np.isfinite(full)
        cost = np.where(ok, -(float(n + 1) + full), 0.0)[:, slots]
        del full
        bare = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            linear_sum_assignment(cost)
            bare.append(time.perf_counter() - t0)
        out["bare_lsa"] = statistics.median(bare)
        out["ratios"] = [w / b for w, b in zip(walls, bare, strict=True)]
    out["peak_mib"] = peak
    return out


def spawn(args: list[str], timeout: float) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--case", *args]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout:.0f} s"}
    if proc.returncode != 0:
        return {"error": (proc.stderr.strip().splitlines() or ["?"])[-1]}
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


HEAD = (
    "| family | market | mentees x mentors | places | path | matched | total score "
    "| encoding s | scoring s | solving s | pricing s | explaining s | end to end s "
    "| peak MiB | rounds | rows rescored | bare LSA s | / bare LSA | / Matcher | same objective |"
)


def row_line(r: dict[str, Any]) -> str:
    head = f"| {r['family']} | {r['market']} | {r['n']:,} x {r['m']:,} | "
    if "error" in r:
        return head + f"{fmt(r.get('places'))} | {r['what']} | {r['error']} |" + " |" * 14
    ph = r["phases"]
    return (
        head
        + " | ".join(
            [
                f"{r['places']:,}",
                r["path"],
                f"{r['matched']:,}",
                f"{r['total']:.4f}",
                fmt(ph.get("encoding")),
                fmt(ph.get("scoring")),
                fmt(ph.get("solving")),
                fmt(ph.get("pricing")),
                fmt(ph.get("explaining")),
                fmt(r["wall"]),
                f"{r['peak_mib']:.0f}",
                fmt(r.get("rounds")),
                fmt(r.get("rescored")),
                fmt(r.get("bare_lsa"), 3),
                f"{r['wall'] / r['bare_lsa']:.2f}x" if r.get("bare_lsa") else "",
                r.get("vs_matcher", ""),
                r.get("same", ""),
            ]
        )
        + " |"
    )


def machine() -> str:
    import numpy
    import scipy

    try:
        import ortools

        ort = ortools.__version__
    except ImportError:
        ort = "not installed"
    return (
        f"Python {platform.python_version()}, numpy {numpy.__version__}, scipy {scipy.__version__}, "
        f"OR-Tools {ort}, {os.cpu_count()} CPUs ({platform.machine()}, {platform.processor() or '?'}), "
        f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", nargs="+", default=["2k", "20k"], choices=sorted(SIZES))
    parser.add_argument("--families", nargs="+", default=list(FAMILIES), choices=FAMILIES)
    parser.add_argument("--paths", nargs="+", default=["matcher", "core"])
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds per measurement")
    parser.add_argument("--out", default=str(HERE / "families.md"))
    parser.add_argument("--append", action="store_true", help="add to the table in --out")
    parser.add_argument("--case", nargs=4, metavar=("FAMILY", "MARKET", "N", "PATH"))
    args = parser.parse_args(argv)
    if args.case:
        family, market, n_text, path = args.case
        n = int(n_text)
        m = {s[0]: s[1] for s in SIZES.values()}[n]
        if path.startswith("matcher"):
            res = run_matcher(family, market, n, m, path)
        else:
            res = run_core(family, market, n, m, 5 if n <= 2_000 else 1)
        print(json.dumps(res))
        return 0
    rows: list[dict[str, Any]] = []
    for size in args.sizes:
        n, m = SIZES[size]
        for family in args.families:
            for market in MARKETS:
                got: dict[str, dict[str, Any]] = {}
                for what in args.paths:
                    print(f"{family} {market} {n} x {m} {what} ...", file=sys.stderr, flush=True)
                    r = spawn([family, market, str(n), what], args.timeout)
                    r.update(family=family, market=market, n=n, m=m, what=what)
                    got[what] = r
                    rows.append(r)
                    with Path(args.out).with_suffix(".jsonl").open("a") as raw:
                        raw.write(json.dumps(r) + "\n")  # kept even if a later case fails
                    print(f"  {r.get('wall', r.get('error'))}", file=sys.stderr, flush=True)
                mat, core = got.get("matcher"), got.get("core")
                if "matcher-sparse" in got:  # the large path against the dense one, end to end
                    mat, core = got.get("matcher-dense", mat), got["matcher-sparse"]
                if mat and core and "error" not in mat and "error" not in core:
                    same = (
                        mat["matched"] == core["matched"]
                        and abs(mat["total"] - core["total"]) <= n * 2.0**-30
                    )
                    core["same"] = "yes" if same else f"NO ({mat['matched']}, {mat['total']:.6f})"
                    core["vs_matcher"] = f"{core['wall'] / mat['wall']:.2f}x"
    lines = [row_line(r) for r in rows]
    out = Path(args.out)
    if args.append and out.exists():
        text = out.read_text().rstrip("\n") + "\n" + "\n".join(lines) + "\n"
    else:
        text = "\n".join(
            [
                "# Programme families (issue 13)",
                "",
                f"Written by `python benchmarks/families.py` on {time.strftime('%Y-%m-%d %H:%M')}: "
                f"{machine()}. The machine is shared: timings are noisy; ratios within one "
                "run are the figures to compare. See the module docstring for the families "
                "and what each column measures.",
                "",
                HEAD,
                "|" + "---|" * (HEAD.count("|") - 1),
                *lines,
                "",
            ]
        )
    out.write_text(text)
    print(f"wrote {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
