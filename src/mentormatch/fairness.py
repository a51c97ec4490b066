"""Fairness: match for the worst-off mentee, and see whether matching favours a group.

The code lives in :mod:`mentormatch.lifecycle.fairness` (the lifecycle package
holds what builds on a match); this module keeps ``mentormatch.fairness``
importable with the same public names.
"""

from mentormatch.lifecycle.fairness import (
    GroupGap,
    GroupGaps,
    group_gaps,
    match_maximin,
)

__all__ = [
    "GroupGap",
    "GroupGaps",
    "group_gaps",
    "match_maximin",
]
