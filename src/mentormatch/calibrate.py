"""Learning criterion weights from how past pairs turned out.

The code lives in :mod:`mentormatch.lifecycle.calibrate` (the lifecycle package
holds what builds on a match); this module keeps ``mentormatch.calibrate``
importable with the same public names.
"""

from mentormatch.lifecycle.calibrate import (
    WeightFit,
    fit_weights,
    pair_features,
)

__all__ = [
    "WeightFit",
    "fit_weights",
    "pair_features",
]
