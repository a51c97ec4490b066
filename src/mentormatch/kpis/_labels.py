"""KPIs and breakdowns as a reader says them: one place for every report and figure.

Keys (``completion_rate``) stay keys in CSV headers and JSON; headings, text
reports, figures and the command's printed text use these words.
"""

from __future__ import annotations

__all__ = ["breakdown_heading", "kpi_label"]

_NAMES = {
    "match_rate": "Match rate",
    "completion_rate": "Completion rate",
    "early_termination_rate": "Early termination",
    "goals_met": "Goals met (pooled)",
    "goal_attainment": "Pairs meeting all goals",
    "mentor_utilisation": "Mentor slots used",
    "meeting_cadence": "Meetings per pair-month",
    "satisfaction": "Satisfaction",
    "time_to_match_days": "Days to a match (median)",
}


def kpi_label(key: str) -> str:
    """A KPI as a reader says it; any other name with its underscores as spaces and
    its first letter in capitals (the rest as written).

    >>> kpi_label("early_termination_rate"), kpi_label("time_to_match_days")
    ('Early termination', 'Days to a match (median)')
    >>> kpi_label("kick-off within 14 days"), kpi_label("NPS_by_site")
    ('Kick-off within 14 days', 'NPS by site')
    """
    if key in _NAMES:
        return _NAMES[key]
    text = key.replace("_", " ")
    return text[:1].upper() + text[1:]


def breakdown_heading(kpi: str, by: str) -> str:
    """``Completion rate by department``: a breakdown's heading.

    >>> breakdown_heading("goal_attainment", "start_cohort")
    'Pairs meeting all goals by start cohort'
    """
    return f"{kpi_label(kpi)} by {by.replace('_', ' ')}"
