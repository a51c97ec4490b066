"""Synthetic programmes for the benchmarks: realistic fields, reproducible from a seed."""

from __future__ import annotations

import numpy as np

import mentormatch as mm

GOALS = [f"goal {k}" for k in range(40)]
SKILLS = [f"skill{k}" for k in range(20)]
DIVISIONS = ["Engineering", "Sales", "Finance", "People", "Operations", "Product", "Legal", "Data"]
LOCATIONS = ["Paris", "Berlin", "London", "Madrid", "Lisbon", "Warsaw", "Remote", ""]


def departments(rng: np.random.Generator) -> list[str]:
    out = []
    for d in DIVISIONS:
        for t in range(int(rng.integers(3, 8))):
            out.append(f"{d}/Team{t}")
            out += [f"{d}/Team{t}/Squad{s}" for s in range(int(rng.integers(0, 3)))]
    return out


def programme(
    n_mentees: int, n_mentors: int, cap: tuple[int, int] = (1, 3), seed: int = 0
) -> tuple[list[mm.Mentee], list[mm.Mentor]]:
    """``n_mentees`` mentees and ``n_mentors`` mentors with capacities uniform in ``cap``.

    Goals follow a skewed popularity (some themes are wanted by many), so
    the popular mentors are contested, as in real programmes.
    """
    rng = np.random.default_rng(seed)
    depts = departments(rng)
    pop = 1.0 / np.arange(1, len(GOALS) + 1) ** 0.7
    pop /= pop.sum()
    n_goal = rng.integers(1, 4, size=n_mentees + n_mentors)
    n_skill = rng.integers(1, 4, size=n_mentees + n_mentors)
    goal_idx = [rng.choice(len(GOALS), k, replace=False, p=pop) for k in n_goal]
    skill_idx = [rng.choice(len(SKILLS), k, replace=False) for k in n_skill]
    dept = rng.integers(0, len(depts), size=n_mentees + n_mentors)
    loc = rng.integers(0, len(LOCATIONS), size=n_mentees + n_mentors)
    caps = rng.integers(cap[0], cap[1] + 1, size=n_mentors)
    mentors = []
    for j in range(n_mentors):
        k = n_mentees + j
        mentors.append(
            mm.Mentor(
                id=f"m{j:06d}",
                capacity=int(caps[j]),
                department=depts[dept[k]],
                goals=[GOALS[g] for g in goal_idx[k]],
                skills={SKILLS[s]: int(rng.integers(3, 6)) for s in skill_idx[k]},
                attributes={"location": LOCATIONS[loc[k]]} if LOCATIONS[loc[k]] else {},
                # a mentor's manager is another mentor (an org chart among the senior staff)
                manager_id=f"m{int(rng.integers(0, j)):06d}" if j and rng.random() < 0.5 else None,
            )
        )
    mentees = []
    for i in range(n_mentees):
        mentees.append(
            mm.Mentee(
                id=f"e{i:06d}",
                department=depts[dept[i]],
                goals=[GOALS[g] for g in goal_idx[i]],
                skills={SKILLS[s]: int(rng.integers(1, 4)) for s in skill_idx[i]},
                attributes={"location": LOCATIONS[loc[i]]} if LOCATIONS[loc[i]] else {},
                manager_id=f"m{int(rng.integers(0, n_mentors)):06d}" if n_mentors else None,
            )
        )
    return mentees, mentors


def criteria() -> list[object]:
    """The four criteria of the benchmark (a career-guidance flavour)."""
    return [
        mm.GoalOverlap(weight=3),
        mm.SkillGap(weight=2),
        mm.DepartmentDistance(prefer="different"),
        mm.AttributeMatch("location"),
    ]


def constraints() -> list[object]:
    return [mm.NotInReportingLine(depth=2)]
