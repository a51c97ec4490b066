"""Generate the embedded demo programme (synthetic people, no real data).

Run from the repository root: ``python tools/make_demo_data.py``. The output,
``src/mentormatch/data/demo_signups.csv``, is committed; this script documents
how it was made and regenerates it identically (seeded).
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "src" / "mentormatch" / "data" / "demo_signups.csv"

FIRST = [
    "Ada",
    "Ben",
    "Chloe",
    "Dev",
    "Elif",
    "Farid",
    "Grace",
    "Hugo",
    "Ines",
    "Jonas",
    "Kemi",
    "Luca",
    "Maya",
    "Nils",
    "Omar",
    "Priya",
    "Quinn",
    "Rosa",
    "Sami",
    "Tara",
    "Umar",
    "Vera",
    "Will",
    "Xin",
    "Yara",
    "Zoe",
    "Aris",
    "Bea",
    "Carl",
    "Dana",
    "Emil",
    "Fay",
    "Gil",
    "Hana",
    "Ivan",
    "Jade",
    "Kai",
    "Lena",
    "Marc",
    "Nora",
    "Otto",
    "Pia",
    "Raj",
    "Sofia",
    "Theo",
    "Una",
    "Vik",
    "Wren",
    "Yusuf",
    "Zara",
    "Alba",
    "Bram",
    "Cleo",
    "Dario",
    "Esme",
    "Finn",
    "Greta",
    "Hedda",
    "Ilan",
    "Juno",
    "Kofi",
    "Lotte",
    "Mats",
    "Nadia",
]
LAST = [
    "Adeyemi",
    "Berg",
    "Costa",
    "Dubois",
    "Eriksen",
    "Fischer",
    "Garcia",
    "Haddad",
    "Ivanova",
    "Jensen",
    "Kowalski",
    "Laurent",
    "Moreau",
    "Novak",
    "Okafor",
    "Petrov",
    "Quaresma",
    "Rossi",
    "Schmidt",
    "Tanaka",
    "Usman",
    "Varga",
    "Weber",
    "Xu",
    "Yilmaz",
    "Zhang",
]

DEPARTMENTS = {
    "Engineering/Platform": ["python", "cloud", "system design"],
    "Engineering/Apps": ["python", "javascript", "system design"],
    "Engineering/Data": ["python", "sql", "statistics"],
    "Sales/EMEA": ["negotiation", "presenting", "crm"],
    "Sales/Americas": ["negotiation", "presenting", "crm"],
    "Marketing/Brand": ["presenting", "writing", "design"],
    "Finance/FP&A": ["excel", "financial modelling", "sql"],
    "People/Talent": ["coaching", "writing", "presenting"],
    "Operations/Supply Chain": ["excel", "project management", "sql"],
}
GOALS = [
    "leadership",
    "public speaking",
    "career growth",
    "negotiation",
    "stakeholder management",
    "work-life balance",
    "product thinking",
    "data literacy",
    "people management",
    "strategic thinking",
    "returning from leave",
    "moving into management",
]
LOCATIONS = ["London", "Berlin", "New York", "Remote"]
BIO_MENTOR = [
    "I lead a team in {dept} and enjoy helping people grow into {goal}.",
    "Twelve years in {dept}; happy to talk about {goal} and {goal2}.",
    "I moved from an individual role into managing people and can share what {goal} took.",
    "Former consultant, now in {dept}. Ask me about {goal}, {skill} and finding your voice.",
]
BIO_MENTEE = [
    "I joined {dept} last year and want to work on {goal}.",
    "Hoping to build confidence in {goal} and get better at {skill}.",
    "I would like a mentor outside my team to talk about {goal} and {goal2}.",
    "Curious about {goal}; I currently work on {skill} in {dept}.",
]


def main() -> None:
    rng = random.Random(20261129)
    names = [f"{f} {ln}" for f in FIRST for ln in LAST]
    rng.shuffle(names)
    depts = list(DEPARTMENTS)
    rows: list[dict[str, str]] = []
    # Heads of department are mentors, each managing a few of the others.
    heads = {}
    for k, dept in enumerate(depts):
        heads[dept] = f"m{k + 1:02d}"
    mentor_ids = [f"m{k:02d}" for k in range(1, 26)]
    mentee_ids = [f"e{k:02d}" for k in range(1, 61)]
    dept_of: dict[str, str] = {}
    for k, mid in enumerate(mentor_ids):
        dept_of[mid] = depts[k % len(depts)]
    for k, eid in enumerate(mentee_ids):
        dept_of[eid] = depts[(k * 7 + 3) % len(depts)]
    name_iter = iter(names)
    for k, mid in enumerate(mentor_ids):
        dept = dept_of[mid]
        skills = DEPARTMENTS[dept]
        is_head = heads[dept] == mid
        goals = rng.sample(GOALS, 3)
        offered_skills = {s: rng.randint(3, 5) for s in skills}
        if rng.random() < 0.5:
            extra = rng.choice([s for v in DEPARTMENTS.values() for s in v])
            offered_skills.setdefault(extra, rng.randint(3, 5))
        bio = rng.choice(BIO_MENTOR).format(
            dept=dept.split("/")[0], goal=goals[0], goal2=goals[1], skill=skills[0]
        )
        rows.append(
            {
                "role": "mentor",
                "id": mid,
                "name": next(name_iter),
                "department": dept,
                "manager_id": "" if is_head else heads[dept],
                "capacity": str(rng.choice([2, 2, 3, 3, 3]) if k != 24 else 0),
                "skills": "; ".join(f"{s}:{v}" for s, v in offered_skills.items()),
                "goals": "; ".join(goals),
                "preferences": "",
                "about": bio,
                "location": rng.choice(LOCATIONS),
                "language": rng.choice(["English", "English", "English", "German", "Spanish"]),
            }
        )
    for k, eid in enumerate(mentee_ids):
        dept = dept_of[eid]
        pool = DEPARTMENTS[dept] + rng.sample([s for v in DEPARTMENTS.values() for s in v], 2)
        skills = {s: rng.randint(1, 3) for s in rng.sample(sorted(set(pool)), 2)}
        goals = rng.sample(GOALS, rng.choice([1, 2, 2, 3]))
        prefs = rng.sample(mentor_ids[:24], rng.choice([0, 0, 1, 2, 3]))
        # Some mentees report to a department head who is also a mentor.
        manager = heads[dept] if k % 4 == 0 else ""
        bio = rng.choice(BIO_MENTEE).format(
            dept=dept.split("/")[0], goal=goals[0], goal2=goals[-1], skill=next(iter(skills))
        )
        rows.append(
            {
                "role": "mentee",
                "id": eid,
                "name": next(name_iter),
                "department": dept,
                "manager_id": manager,
                "capacity": "",
                "skills": "; ".join(f"{s}:{v}" for s, v in skills.items()),
                "goals": "; ".join(goals),
                "preferences": "; ".join(prefs),
                "about": bio,
                "location": rng.choice(LOCATIONS),
                "language": rng.choice(["English", "English", "English", "German", "Spanish"]),
            }
        )
    # A mentor who also signs up as a mentee, under the same id (never matched
    # with themself), and who asks for the head of another department.
    twin = dict(next(r for r in rows if r["id"] == "m24"))
    twin.update(
        role="mentee",
        capacity="",
        skills="coaching:2",
        goals="moving into management; strategic thinking",
        preferences="m05; m24",
        about="I mentor on the platform side and want to learn to lead a larger team.",
    )
    twin["preferences"] = "m05"
    rows.append(twin)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    rows_e = [r for r in rows if r["role"] == "mentee"]
    places = sum(int(r["capacity"]) for r in rows if r["role"] == "mentor")
    print(
        f"wrote {OUT.name}: {len(rows) - len(rows_e)} mentors ({places} places), {len(rows_e)} mentees"
    )


if __name__ == "__main__":
    main()
