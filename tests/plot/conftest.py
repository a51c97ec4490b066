"""Plot tests draw with Agg (no screen) and leave no pyplot figure behind."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402


@pytest.fixture(autouse=True)
def _no_figure_left_open() -> Iterator[None]:
    plt.close("all")
    yield
    plt.close("all")
