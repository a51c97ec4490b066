"""Follow-up and structure: a plan for every matched pair.

Relationships go cold when nobody follows up, when nothing was agreed and
written down, and when "schedule the next meeting" is the only prompt.
:func:`plan` gives every pair, on day one, its check-in dates, milestones
with due dates, talking points tied to the pair's own shared goals and skill
gaps and to the programme's goal (each saying why it was chosen), and a
written agreement to complete: goals, cadence and method, confidentiality,
duration, and a no-fault way to end. Plans export as event rows (a pandas
DataFrame, CSV), JSON, and RFC 5545 calendars (the ``calendar`` extra).

Examples
--------
>>> import mentormatch as mm
>>> from datetime import date
>>> signups = mm.load_demo()
>>> result = mm.presets.career_guidance().match(*signups)
>>> plan = mm.followup.plan(result, signups, start=date(2026, 1, 12), programme="career_guidance")
>>> len(plan.pairs) == len(result.matches)
True
"""

from mentormatch.followup import _milestones, _topics
from mentormatch.followup._export import read_plan
from mentormatch.followup._milestones import Milestone
from mentormatch.followup._plan import FollowUpPlan, FollowUpWarning, PairPlan, plan
from mentormatch.followup._topics import TalkingPoint

#: The milestones every plan gets unless ``milestones=`` says otherwise, as
#: ``(name, days_after_start, description)``: ``kick-off`` (day 14), ``agreement``
#: (day 28), ``mid-point review`` (``"half-way"``: half the plan's days) and
#: ``closing review`` (``"end"``: the plan's last day).
DEFAULT_MILESTONES = _milestones.DEFAULT_MILESTONES

#: The programme goals that ``programme=`` and a topic bank's ``[programme.<name>]``
#: tables accept: the presets' names.
PROGRAMMES = _topics.PROGRAMMES

__all__ = [
    "DEFAULT_MILESTONES",
    "PROGRAMMES",
    "FollowUpPlan",
    "FollowUpWarning",
    "Milestone",
    "PairPlan",
    "TalkingPoint",
    "plan",
    "read_plan",
]
