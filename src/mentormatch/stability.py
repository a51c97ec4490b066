"""Stability: would a mentee and a mentor both rather be with each other?

The code lives in :mod:`mentormatch.lifecycle.stability` (the lifecycle package
holds what builds on a match); this module keeps ``mentormatch.stability``
importable with the same public names.
"""

from mentormatch.lifecycle.stability import (
    BlockingPair,
    StabilityReport,
    blocking_pairs,
    rank_matrices,
)

__all__ = [
    "BlockingPair",
    "StabilityReport",
    "blocking_pairs",
    "rank_matrices",
]
