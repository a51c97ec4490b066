"""Hypothesis strategies: random small programmes with every feature switched on."""

from __future__ import annotations

from hypothesis import strategies as st

from mentormatch import Mentee, Mentor

GOALS = ["leadership", "sql", "speaking", "growth", "balance"]
SKILLS = ["python", "sql", "excel"]
DEPTS = ["", "Eng", "Eng/Data", "Eng/Apps", "Sales", "Sales/EMEA"]
LOCATIONS = ["", "Paris", "Berlin"]


@st.composite
def programmes(
    draw: st.DrawFn,
    max_mentees: int = 6,
    max_mentors: int = 4,
    max_capacity: int = 3,
    shared_ids: bool = True,
) -> tuple[list[Mentee], list[Mentor]]:
    """A programme of a few mentees and mentors with goals, skills, departments,
    preferences, attributes, managers (no cycles) and sometimes a person in both roles."""
    n_e = draw(st.integers(0, max_mentees))
    n_m = draw(st.integers(0, max_mentors))
    tee_ids = [f"e{i}" for i in range(n_e)]
    tor_ids = [f"m{j}" for j in range(n_m)]
    if shared_ids and n_e and n_m and draw(st.booleans()):
        tee_ids[-1] = tor_ids[0]  # the same person signs up in both roles
    # managers point "upwards" only, from later to earlier people: no cycles
    everyone = [*tor_ids, *[t for t in tee_ids if t not in tor_ids]]

    def manager(pid: str) -> str | None:
        k = everyone.index(pid)
        if k == 0 or not draw(st.booleans()):
            return None
        return everyone[draw(st.integers(0, k - 1))]

    managers = {pid: manager(pid) for pid in everyone}

    def common() -> dict[str, object]:
        loc = draw(st.sampled_from(LOCATIONS))
        return {
            "department": draw(st.sampled_from(DEPTS)),
            "goals": draw(st.lists(st.sampled_from(GOALS), unique=True, max_size=3)),
            "skills": draw(st.dictionaries(st.sampled_from(SKILLS), st.integers(1, 5), max_size=2)),
            "attributes": {"location": loc} if loc else {},
            "about": " ".join(draw(st.lists(st.sampled_from(GOALS + SKILLS), max_size=4))),
        }

    mentors = [
        Mentor(
            id=mid,
            capacity=draw(st.integers(0, max_capacity)),
            manager_id=managers[mid],
            preferences=draw(st.lists(st.sampled_from(tee_ids), unique=True, max_size=2))
            if tee_ids
            else [],
            **common(),  # type: ignore[arg-type]
        )
        for mid in tor_ids
    ]
    mentees = [
        Mentee(
            id=eid,
            manager_id=managers[eid],
            preferences=draw(st.lists(st.sampled_from(tor_ids), unique=True, max_size=3))
            if tor_ids
            else [],
            **common(),  # type: ignore[arg-type]
        )
        for eid in tee_ids
    ]
    return mentees, mentors
