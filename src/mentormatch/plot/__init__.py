"""Figures of a programme, drawn into your own matplotlib Axes.

Every function takes the result to draw, then keyword-only options, among them
``ax``: the Axes to draw into. It draws there and nowhere else, and returns it.
Without ``ax`` it makes a new figure with pyplot (never drawing on the current
one). No function calls ``plt.show``, sets ``rcParams`` or a style, or keeps
anything between calls; the same input draws the same picture.

============================  =================================================
:func:`score_distribution`    scores of matched pairs (and of every allowed pair)
:func:`kpis_vs_targets`       key rates with their intervals, against targets
:func:`breakdown`             a KPI by group; suppressed groups say "suppressed"
:func:`time_to_match`         the share still waiting (Kaplan-Meier), censoring
:func:`meeting_cadence`       meetings per month of each pair
:func:`reliability`           alpha with its interval, and each item's part
============================  =================================================

Conventions
-----------
* matplotlib is the optional extra ``[plot]``: this module imports without it,
  and each function then raises an ``ImportError`` that says
  ``pip install 'mentormatch-engine[plot]'``. ``import mentormatch`` never
  imports matplotlib.
* Text from data (group names, item names, KPI names) is drawn as written: a
  ``$`` is a dollar sign, never mathtext or TeX; control characters are shown
  as escapes (``\\x1b``); long names are shortened in the middle.
* Colours are Okabe and Ito's, safe for colour-blind readers, and never say
  anything alone: every figure has its words beside it (counts, "met",
  "suppressed", "undefined").
* Nothing to draw (no matched pair, no group, nobody signed up yet) is not an
  error: the Axes is titled, says what is missing, and has no ticks. Data of
  the wrong kind is a :class:`~mentormatch.MentormatchError` naming the
  parameter.

Examples
--------
>>> from datetime import date
>>> from matplotlib.figure import Figure
>>> from mentormatch import kpis, plot
>>> rels = kpis.load_demo_relationships()
>>> fig = Figure(figsize=(12, 4), layout="constrained")
>>> left, right = fig.subplots(1, 2)
>>> _ = plot.breakdown(kpis.breakdown("completion_rate", rels, by="cohort",
...                                   as_of=date(2026, 3, 1)), ax=left)
>>> _ = plot.meeting_cadence(kpis.meeting_cadence(rels, date(2026, 3, 1)), ax=right)
>>> [a.get_title() for a in fig.axes]
['Completion rate by cohort', 'Meeting cadence: mean 1.14 per pair-month (95% CI 1.02–1.26)']
"""

from __future__ import annotations

from mentormatch.plot._distributions import meeting_cadence, score_distribution
from mentormatch.plot._rates import breakdown, kpis_vs_targets
from mentormatch.plot._reliability import reliability
from mentormatch.plot._survival import time_to_match

__all__ = [
    "breakdown",
    "kpis_vs_targets",
    "meeting_cadence",
    "reliability",
    "score_distribution",
    "time_to_match",
]
