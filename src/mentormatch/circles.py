"""Mentoring circles: one mentor with a small group of mentees who share goals.

The code lives in :mod:`mentormatch.lifecycle.circles` (the lifecycle package
holds what builds on a match); this module keeps ``mentormatch.circles``
importable with the same public names.
"""

from mentormatch.lifecycle.circles import (
    Circle,
    Circles,
    match_circles,
)

__all__ = [
    "Circle",
    "Circles",
    "match_circles",
]
