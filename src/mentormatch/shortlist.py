"""Self-selection: give each mentee a short list of mentors to choose from, rationed.

The code lives in :mod:`mentormatch.lifecycle.shortlists` (the lifecycle package
holds what builds on a match); this module keeps ``mentormatch.shortlist``
importable with the same public names.
"""

from mentormatch.lifecycle.shortlists import (
    Shortlist,
    ShortlistEntry,
    shortlist,
    slot_bonus,
)

__all__ = [
    "Shortlist",
    "ShortlistEntry",
    "shortlist",
    "slot_bonus",
]
