"""Side-by-side comparison of mentormatch with open-source peer packages; writes benchmarks/peers.md.

Usage (from the repository root)::

    python benchmarks/peers.py --install   # create the peers' throwaway venvs under /tmp
    python benchmarks/peers.py             # run the comparison, write benchmarks/peers.md

The peers are three packages on PyPI:

* ``mentor-match==7.0.1`` (imports as ``matching``): rounds of Munkres (Hungarian)
  assignments on integer scores produced by user-written rules;
* ``matching==1.4.3``: game-theory solvers; its hospital-resident game
  (Gale-Shapley with capacities) is the one that fits;
* ``mentormatch==1.1``: an unrelated 2020 project that shares our import name;
  its deferred-acceptance matcher is driven with our scores.

Each peer is installed in its **own throwaway venv** under ``/tmp`` (``--install``;
``--venv-root`` to choose another place). They are never installed in the project's
environment and never become dependencies of mentormatch: ``mentor-match`` and
``matching`` both import as ``matching``, and ``mentormatch==1.1`` would shadow us.

For each programme size, this script builds one programme with
``benchmarks/programme.py`` (the seed ``run.py`` uses), times ``Matcher.match``
(the median of three calls after a first, untimed one), computes the score matrix ``Matcher.score(...).total`` and exports a neutral
JSON file: ids, capacities, the full score matrix, the eligible pairs (the
reporting-line rule applied) and, for the rank-based peers, each side's
preference list derived from the scores (best first, ties broken by id; only
eligible pairs are ranked). Each peer runs as a subprocess of its venv's Python
on a small adapter script written to a temporary directory at run time; the
adapter times the peer's own calls and prints its pairs as JSON. The pairs are
then scored with mentormatch's score matrix: matched count, total score, share
of the optimal total, capacities and forbidden pairs respected, peer time and
its ratio to ``Matcher.match``. Peer runs are bounded by ``--timeout`` seconds;
a peer that times out at one size is not run at larger sizes.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(HERE))

from programme import constraints, criteria, programme  # noqa: E402

import mentormatch as mm  # noqa: E402

# (mentees, mentors, min capacity, max capacity)
SIZES = [(200, 100, 1, 3), (1_000, 500, 1, 3), (2_000, 1_000, 1, 3)]

# ---------------------------------------------------------------- adapters

MENTOR_MATCH = '''
import json, sys, time
from matching.mentee import Mentee
from matching.mentor import Mentor
from matching.process import process_data
from matching.rules import rule as rl

d = json.load(open(sys.argv[1]))
score, cap = d["score"], d["capacity"]
eligible = [set(r) for r in d["eligible"]]
SCALE = 10**6
BONUS = (len(d["mentee_ids"]) + 1) * SCALE  # an allowed pair outweighs any sum of scores


class Score:
    """Integer score of an eligible pair, plus a bonus so each round matches the most."""

    def apply(self, match):
        return BONUS + round(score[match.mentee.idx][match.mentor.idx] * SCALE)

    def evaluate(self, match):
        return True


t0 = time.perf_counter()
mentees = [Mentee(grade=0, email=x) for x in d["mentee_ids"]]
mentors = [Mentor(grade=0, email=x) for x in d["mentor_ids"]]
for k, p in enumerate(mentees):
    p.idx = k
for k, p in enumerate(mentors):
    p.idx = k
rules = [
    rl.Disqualify(lambda m: m.mentor.idx not in eligible[m.mentee.idx]),
    rl.Disqualify(lambda m: len(m.mentee.mentors) > 0),
    rl.Disqualify(lambda m: len(m.mentor.mentees) >= cap[m.mentor.idx]),
    Score(),
]
t1 = time.perf_counter()
# one round per place a mentor can have: each round is one Munkres assignment
process_data(mentors, mentees, [list(rules) for _ in range(max(cap))])
t2 = time.perf_counter()
pairs = [[e.idx, t.idx] for e in mentees for t in e.mentors]
print(json.dumps({"pairs": pairs, "setup_s": t1 - t0, "solve_s": t2 - t1}))
'''

MATCHING = """
import json, sys, threading, time, warnings
from matching.games import HospitalResident
warnings.simplefilter("ignore")

d = json.load(open(sys.argv[1]))
tees, tors = d["mentee_ids"], d["mentor_ids"]
# players with an empty list can never be matched; the game refuses them
res = {tees[i]: [tors[j] for j in p] for i, p in enumerate(d["mentee_prefs"]) if p}
hos = {tors[j]: [tees[i] for i in p] for j, p in enumerate(d["mentor_prefs"]) if p}
caps = {tors[j]: c for j, c in enumerate(d["capacity"]) if tors[j] in hos}
out = {}


def run():
    t0 = time.perf_counter()
    game = HospitalResident.create_from_dictionaries(res, hos, caps)
    t1 = time.perf_counter()
    out["matching"] = game.solve(optimal="resident")
    out["t"] = (t0, t1, time.perf_counter())


# the game deep-copies its players, whose preference lists link them all to
# each other: the copy recurses once per player, past Python's default limit
sys.setrecursionlimit(1_000_000)
threading.stack_size(1 << 29)
worker = threading.Thread(target=run)
worker.start()
worker.join()
matching = out["matching"]
t0, t1, t2 = out["t"]
ti = {x: k for k, x in enumerate(tees)}
tj = {x: k for k, x in enumerate(tors)}
pairs = [[ti[r.name], tj[h.name]] for h, rs in matching.items() for r in rs]
print(json.dumps({"pairs": pairs, "setup_s": t1 - t0, "solve_s": t2 - t1}))
"""

MENTORMATCH_2020 = '''
import json, sys, time
from mentormatch.api.applicant.applicant_collection import ApplicantCollection
from mentormatch.api.applicant.applicant_factory import ApplicantFactory
from mentormatch.api.applicant.applicant_implementation_mentee import Mentee
from mentormatch.api.applicant.applicant_implementation_mentor import Mentor
from mentormatch.api.initializer.initializer_abc import Initializer
from mentormatch.api.matcher.matcher import Matcher
from mentormatch.api.sorter.sorter_abc import Sorter
from mentormatch.api.sorter.sorter_context_mgr import SorterContextMgr
from mentormatch.api.sorter.util import pairs_equal
from mentormatch.utils import PairType

d = json.load(open(sys.argv[1]))
score, cap = d["score"], d["capacity"]
eligible = d["eligible"]


class ByScore(Sorter):
    """The better pair scores higher; ties go to the lower id on the other side."""

    def __init__(self, tie):
        self.tie = tie

    def get_better_pair(self, p1, p2):
        k1 = (score[p1.mentee.wwid][p1.mentor.wwid], -self.tie(p1))
        k2 = (score[p2.mentee.wwid][p2.mentor.wwid], -self.tie(p2))
        return pairs_equal if k1 == k2 else (p1 if k1 > k2 else p2)


class Eligible(Initializer):
    def get_potential_pairs(self, mentee):
        return self._get_pairs(
            mentors=[by_index[j] for j in eligible[mentee.wwid]],
            mentee=mentee,
            pair_type=PairType.RANDOM,
        )


def applicant(k, ident, **extra):
    return {
        "wwid": k, "first_name": ident, "last_name": "x", "skills": [], "function": "",
        "position_level": 0, "years_total": 0, "location": "", "gender": "",
        "preference_yes": [], "preference_no": [], "preference_maybe": [], **extra,
    }


t0 = time.perf_counter()
# mentees rank mentors (initialising sort), mentors rank mentees (matching sort)
sorter = SorterContextMgr(
    initial_sorter=ByScore(lambda p: p.mentor.wwid), match_sorter=ByScore(lambda p: p.mentee.wwid)
)
tors = ApplicantCollection(
    [applicant(j, x, max_mentee_count=cap[j]) for j, x in enumerate(d["mentor_ids"])],
    ApplicantFactory(Mentor, sorter),
)
tees = ApplicantCollection(
    [
        applicant(i, x, favor=0, preferred_functions=[], preferred_wwids=[])
        for i, x in enumerate(d["mentee_ids"])
    ],
    ApplicantFactory(Mentee, sorter),
)
tors.assemble_applicant_objects()
tees.assemble_applicant_objects()
by_index = list(tors)
matcher = Matcher(tors, tees, Eligible(tors, None, sorter), sorter)
t1 = time.perf_counter()
matcher.execute()
t2 = time.perf_counter()
pairs = [[p.mentee.wwid, p.mentor.wwid] for t in tors for p in t.yield_pairs]
print(json.dumps({"pairs": pairs, "setup_s": t1 - t0, "solve_s": t2 - t1}))
'''

PEERS: dict[str, dict[str, str]] = {
    "mentor-match": {
        "spec": "mentor-match==7.0.1",
        "venv": "peer-mentor-match",
        "code": MENTOR_MATCH,
    },
    "matching": {"spec": "matching==1.4.3", "venv": "peer-matching", "code": MATCHING},
    "mentormatch (2020)": {
        "spec": "mentormatch==1.1",
        "venv": "peer-mentormatch",
        "code": MENTORMATCH_2020,
    },
}

# ---------------------------------------------------------------- running


def install(root: Path) -> None:
    for name, peer in PEERS.items():
        venv = root / peer["venv"]
        print(f"{name}: {venv}", file=sys.stderr, flush=True)
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "-q", peer["spec"]], check=True)


def preferences(total: np.ndarray, eligible: np.ndarray) -> tuple[list[list[int]], list[list[int]]]:
    """Each side's eligible partners, best score first, ties broken by index (= id order)."""
    n, m = total.shape
    cols = np.arange(m)
    rows = np.arange(n)
    tee = []
    for i in range(n):
        order = np.lexsort((cols, -total[i]))
        tee.append([int(j) for j in order if eligible[i, j]])
    tor = []
    for j in range(m):
        order = np.lexsort((rows, -total[:, j]))
        tor.append([int(i) for i in order if eligible[i, j]])
    return tee, tor


def version(venv: Path, dist: str) -> str:
    proc = subprocess.run(
        [
            str(venv / "bin" / "python"),
            "-c",
            f"import importlib.metadata as m; print(m.version('{dist}'))",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    return proc.stdout.strip() or "not installed"


def evaluate(pairs: list[list[int]], sm: Any, capacity: np.ndarray) -> dict[str, Any]:
    m = sm.total.shape[1]
    tees = [i for i, _ in pairs]
    load = np.bincount([j for _, j in pairs], minlength=m) if pairs else np.zeros(m, int)
    return {
        "matched": len(pairs),
        "total": float(sum(sm.total[i, j] for i, j in pairs)),
        "one_each": len(set(tees)) == len(tees),
        "capacity_ok": bool((load <= capacity).all()),
        "over": int(np.maximum(load - capacity, 0).sum()),
        "forbidden": int(sum(not sm.allowed[i, j] for i, j in pairs)),
    }


def run_size(
    n: int, m: int, lo: int, hi: int, root: Path, tmp: Path, timeout: float, skip: set[str]
) -> list[dict[str, Any]]:
    tees, tors = programme(n, m, (lo, hi), seed=n + m)
    matcher = mm.Matcher(criteria(), constraints())
    result = matcher.match(tees, tors)  # a first call pays for imports, as the adapters do untimed
    walls = []
    for _ in range(3):
        t0 = time.perf_counter()
        result = matcher.match(tees, tors)
        walls.append(time.perf_counter() - t0)
    ours = statistics.median(walls)
    sm = matcher.score(tees, tors)
    capacity = np.array([t.capacity for t in tors], dtype=np.int64)
    eligible = sm.eligible
    index = {x: k for k, x in enumerate(sm.mentor_ids)}
    tee_index = {x: k for k, x in enumerate(sm.mentee_ids)}
    own = [[tee_index[x.mentee_id], index[x.mentor_id]] for x in result.matches]
    tee_prefs, tor_prefs = preferences(sm.total, eligible)
    data = {
        "mentee_ids": list(sm.mentee_ids),
        "mentor_ids": list(sm.mentor_ids),
        "capacity": capacity.tolist(),
        "score": sm.total.tolist(),
        "eligible": [np.flatnonzero(r).tolist() for r in eligible],
        "mentee_prefs": tee_prefs,
        "mentor_prefs": tor_prefs,
    }
    path = tmp / f"programme_{n}x{m}.json"
    path.write_text(json.dumps(data))
    base = {"n": n, "m": m, "cap": f"{lo}-{hi}", "places": int(capacity.sum())}
    rows = [{**base, "peer": "mentormatch (this)", "time": ours, **evaluate(own, sm, capacity)}]
    rows[0]["method"] = result.metadata["solver"]
    best = rows[0]["total"]
    for name, peer in PEERS.items():
        row: dict[str, Any] = {**base, "peer": name}
        rows.append(row)
        if name in skip:
            row["error"] = "not run (timed out at a smaller size)"
            continue
        script = tmp / f"adapter_{peer['venv']}.py"
        script.write_text(textwrap.dedent(peer["code"]))
        py = root / peer["venv"] / "bin" / "python"
        print(f"  {name} ...", file=sys.stderr, flush=True)
        try:
            proc = subprocess.run(
                [str(py), str(script), str(path)],
                capture_output=True,
                text=True,
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired:
            row["error"] = f"timed out after {timeout:.0f} s"
            skip.add(name)
            continue
        except OSError as exc:
            row["error"] = f"cannot run: {exc}"
            continue
        if proc.returncode != 0:
            last = proc.stderr.strip().splitlines()[-1:] or ["?"]
            row["error"] = f"failed: {last[0][:200]}"
            continue
        out = json.loads(proc.stdout.strip().splitlines()[-1])
        row.update(evaluate(out["pairs"], sm, capacity))
        row["setup"], row["solve"] = out["setup_s"], out["solve_s"]
        row["time"] = out["setup_s"] + out["solve_s"]
    for r in rows:
        if "total" in r:
            r["share"] = r["total"] / best if best else 1.0
            r["ratio"] = r["time"] / ours
    return rows


def fmt(x: float | None) -> str:
    return "" if x is None else f"{x:.2f}"


def table(rows: list[dict[str, Any]]) -> str:
    head = (
        "| mentees x mentors | places | package | matched | total score | share of optimum "
        "| capacities respected | forbidden pairs | setup s | solve s | time s | time / ours |"
    )
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for r in rows:
        size = f"{r['n']:,} x {r['m']:,}"
        if "error" in r:
            lines.append(f"| {size} | {r['places']:,} | {r['peer']} | {r['error']} |" + " |" * 8)
            continue
        ok = "yes" if r["capacity_ok"] and r["one_each"] else f"NO ({r['over']} over)"
        lines.append(
            f"| {size} | {r['places']:,} | {r['peer']} | {r['matched']:,} | {r['total']:.4f} "
            f"| {100 * r['share']:.2f}% | {ok} | {r['forbidden']} "
            f"| {fmt(r.get('setup'))} | {fmt(r.get('solve'))} | {r['time']:.2f} "
            f"| {r['ratio']:.1f}x |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--install", action="store_true", help="create the peers' venvs")
    parser.add_argument("--venv-root", default="/tmp", help="where the peers' venvs live")
    parser.add_argument("--timeout", type=float, default=180.0, help="seconds per peer run")
    parser.add_argument("--max-mentees", type=int, default=2_000, help="largest size to run")
    parser.add_argument("--out", default=str(HERE / "peers.md"), help="Markdown file to write")
    args = parser.parse_args(argv)
    root = Path(args.venv_root)
    if args.install:
        install(root)
        return 0
    rows: list[dict[str, Any]] = []
    skip: set[str] = set()
    with tempfile.TemporaryDirectory(prefix="mentormatch-peers-") as tmp:
        for n, m, lo, hi in SIZES:
            if n > args.max_mentees:
                continue
            print(f"{n} x {m}, capacity {lo}-{hi}", file=sys.stderr, flush=True)
            rows += run_size(n, m, lo, hi, root, Path(tmp), args.timeout, skip)
    versions = {
        name: version(root / p["venv"], p["spec"].split("==")[0]) for name, p in PEERS.items()
    }
    cmd = "python benchmarks/peers.py" + (" " + " ".join(sys.argv[1:]) if sys.argv[1:] else "")
    md = render(rows, versions, cmd, args.timeout)
    Path(args.out).write_text(md)
    print(table(rows))
    return 0


def render(rows: list[dict[str, Any]], versions: dict[str, str], cmd: str, timeout: float) -> str:
    import importlib.metadata as md

    deps = ", ".join(f"{d} {md.version(d)}" for d in ("numpy", "scipy"))
    with contextlib.suppress(md.PackageNotFoundError):
        deps += f", ortools {md.version('ortools')}"
    peers = ", ".join(f"{PEERS[k]['spec'].split('==')[0]} {v}" for k, v in versions.items())
    return (
        PREAMBLE.format(
            date=datetime.date.today().isoformat(),
            cpus=os.cpu_count(),
            machine=f"{platform.system()} {platform.machine()}",
            python=platform.python_version(),
            ours=getattr(mm, "__version__", "?"),
            deps=deps,
            peers=peers,
            cmd=cmd,
            timeout=f"{timeout:.0f}",
        )
        + table(rows)
        + "\n"
        + MAPPING
    )


PREAMBLE = """# mentormatch and its open-source peers

Generated by `benchmarks/peers.py` on {date}.

- Command: `{cmd}` (after `python benchmarks/peers.py --install`)
- Machine: {machine}, {cpus} CPUs (shared with another benchmark; one run per
  cell, so ratios are indicative), Python {python}
- mentormatch {ours} with {deps}
- Peers, each in its own throwaway venv under /tmp (never a dependency): {peers}
- Peer runs time out after {timeout} s; a peer that times out is not run at larger sizes.

Every programme comes from `benchmarks/programme.py` (capacity 1-3, the
reporting-line rule `NotInReportingLine(depth=2)`, seed `n + m` as in
`run.py`). All rows are scored with mentormatch's score matrix
(`Matcher.score(...).total`). "share of optimum" is the peer's total score over
mentormatch's (which is the optimum: the most matches, then the largest total).
"time s" is the peer's own calls, timed inside its adapter: "setup" builds its
objects from ready-made scores or preference lists, "solve" is its matching
call. mentormatch's time is `Matcher.match` end to end, including scoring every
pair and building the explanations, so the peers are given the scores for free
(the median of three calls after a first, untimed one: the peers' adapters
likewise import and load before their timers start).

"""

MAPPING = """
## How each peer's problem was mapped

**mentor-match 7.0.1** (imports as `matching`). Its pipeline `process_data`
runs one round per list of rules; each round scores every mentor-mentee pair
with integer rules and solves one Munkres (Hungarian, pure Python) assignment in
which every mentor and every mentee gets at most one partner. A mentor taking
up to three mentees is expressed as three rounds (the package's own design gives
people several connections over rounds). Each round uses a score rule (our
score times 10^6, rounded, plus a bonus larger than any sum of scores so a round
matches as many people as it can, the role of its `UnmatchedBonus`), and
`Disqualify` rules for forbidden pairs, mentees already matched and mentors at
capacity. Each round is optimal on its own, but the rounds are greedy: round one
gives every mentor its best single mentee without knowing who else needs them,
so the total over rounds is not the capacitated optimum. Munkres in pure Python
is O(n^3) on the padded square matrix, which bounds the sizes it can take.

**matching 1.4.3**, the hospital-resident game (`HospitalResident`, Gale-Shapley
with capacities, resident-optimal). Mentees are residents, mentors are
hospitals with their capacities. Each side's preference list is derived from
our score matrix (higher score first, ties broken by id) and holds only eligible
pairs, so forbidden pairs cannot be made. The result is *stable*: no mentee and
mentor would both rather be together than with their assigned partners. That is
a different objective from mentormatch's (the most matches, then the largest
total score); a stable matching is not score-optimal by design and may leave
people unmatched that a maximum matching would place, in exchange for a
guarantee that no pair has a reason to defect. Preference lists only use the
order of scores, not their size. Its game constructor checks the inputs in
quadratic Python loops, which is the "setup" column.

**mentormatch 1.1** (2020, unrelated, same import name). Its `api.app.main`
takes applicant dicts with fixed fields (location, gender, position level,
years, skills, functions, preferred mentors) and hard-coded ranking rules,
which cannot express our criteria or rule. Its matching engine
(`api.matcher.Matcher`) is generic, so it was driven through its own classes:
an `Initializer` giving each mentee its eligible mentors and a `Sorter` ranking
pairs by our score (ties by id), one for the mentee's view and one for the
mentor's. The engine is mentee-proposing deferred acceptance with capacities,
so with these preferences it computes the same stable matching as `matching`'s
resident-optimal game (the table lets you check) and is likewise not
score-optimal by design. Its two-pass flow (preferred mentors first, then
random pairs) and its "favored" restarts are not used here: the programme has
no named preferences.

## Problems met with the peers

- **matching 1.4.3**: `HospitalResident(...)` deep-copies its players, and
  full preference lists link every player to every other, so `copy.deepcopy`
  recurses once per player and raises `RecursionError` already at 200 x 100.
  The adapter raises the recursion limit and runs the game in a thread with a
  512 MiB stack. Its input checks (`check_inputs`) use `player in other.prefs`
  on lists, quadratic in Python, hence the large "setup" time. A mentee with
  no eligible mentor must be left out of the game (`get_favourite` reads
  `prefs[0]` of an empty list).
- **mentor-match 7.0.1**: it installs the top-level package `matching`, the
  same name as the `matching` package above, so the two cannot share an
  environment either. People are equal when their `email` is (`Person.__eq__`),
  so every participant needs a distinct email. A disqualified pair still
  takes part in a round's Munkres assignment (at score 0) and is dropped
  afterwards, so a round may match fewer people than it could without the
  bonus used here. Munkres in pure Python took about 45 s at 1,000 x 500 and
  did not finish 2,000 x 1,000 within the timeout.
- **mentormatch 1.1**: the high-level entry point only takes its own survey
  fields; the generic engine had to be driven through internal classes
  (`mentormatch.api.*`), which is what the adapter does. It pulls pandas
  and fuzzytable (which pins `openpyxl==3.0.0`), though neither is used here.
"""


if __name__ == "__main__":
    raise SystemExit(main())
