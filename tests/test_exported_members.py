"""The public surface: ``__all__`` is explicit, sorted, and complete."""

from __future__ import annotations

import mentormatch


def test_all_is_sorted_and_unique() -> None:
    assert list(mentormatch.__all__) == sorted(set(mentormatch.__all__))


def test_every_name_in_all_exists() -> None:
    for name in mentormatch.__all__:
        assert hasattr(mentormatch, name), name


def test_no_public_name_is_left_out_of_all() -> None:
    public = {
        name
        for name, value in vars(mentormatch).items()
        if not name.startswith("_") and getattr(value, "__module__", "").startswith("mentormatch")
    }
    assert public <= set(mentormatch.__all__)


def test_version() -> None:
    assert mentormatch.__version__.count(".") == 2
