"""Matching after the first match: rematch, late joiners, an administrator's review, and more.

The package holds what builds on a match, one module each:
:mod:`~mentormatch.lifecycle.rematching` (:func:`rematch`, :func:`review`),
:mod:`~mentormatch.lifecycle.diffs` (:func:`diff`),
:mod:`~mentormatch.lifecycle.shortlists`, :mod:`~mentormatch.lifecycle.circles`,
:mod:`~mentormatch.lifecycle.fairness`, :mod:`~mentormatch.lifecycle.stability` and
:mod:`~mentormatch.lifecycle.calibrate` (also importable as ``mentormatch.shortlist``,
``mentormatch.circles`` ... as before).

A programme is not matched once. Pairs that do not work are ended and their
mentees matched again; people join late; an administrator reviews the
proposed matches, locks some pairs and vetoes others before anything is
released. :func:`rematch` does all of these with the matcher's own objective
(the most matched mentees, then the largest total score), and :func:`diff`
says what changed between two results and what each change cost.

>>> import mentormatch as mm
>>> from mentormatch import lifecycle
>>> mentees = [mm.Mentee(id="e1", goals=["sql"]), mm.Mentee(id="e2", goals=["sql"])]
>>> mentors = [mm.Mentor(id="m1", goals=["sql"]), mm.Mentor(id="m2")]
>>> matcher = mm.Matcher(criteria=[mm.GoalOverlap()])
>>> before = matcher.match(mentees, mentors)
>>> after = lifecycle.rematch(matcher, mentees, mentors, exclude=[("e1", "m1")])
>>> print(lifecycle.diff(before, after).summary())
2 mentees changed; total score 1.00 -> 1.00 (cost 0.00); matched 2 -> 2.
  e1  m1 -> m2  score 1.00 -> 0.00 (-1.00)
  e2  m2 -> m1  score 0.00 -> 1.00 (+1.00)
"""

from mentormatch.lifecycle.diffs import MatchDiff, PairChange, diff
from mentormatch.lifecycle.rematching import EXCLUDED_RULE as EXCLUDED_RULE
from mentormatch.lifecycle.rematching import Review, rematch, review

__all__ = ["MatchDiff", "PairChange", "Review", "diff", "rematch", "review"]
