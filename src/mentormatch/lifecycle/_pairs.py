"""Pairs named by id: read from tuples or matches, and checked against a programme."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from mentormatch._errors import MentormatchError

__all__ = ["Pair", "as_pairs", "check_known"]

Pair = tuple[str, str]


def as_pairs(param: str, pairs: Iterable[Any]) -> list[Pair]:
    """``(mentee_id, mentor_id)`` tuples from tuples or :class:`Match`-like objects."""
    if (
        isinstance(pairs, str | tuple)
        and len(pairs) == 2
        and all(isinstance(p, str) for p in pairs)
    ):
        raise MentormatchError(
            f"{param} takes a list of (mentee_id, mentor_id) pairs; got the single pair "
            f"{pairs!r}. Write {param}=[{pairs!r}].",
            field=param,
            value=pairs,
        )
    out: list[Pair] = []
    for p in pairs:
        if hasattr(p, "mentee_id") and hasattr(p, "mentor_id"):
            out.append((str(p.mentee_id), str(p.mentor_id)))
            continue
        items = None if isinstance(p, str) else tuple(p)
        if items is None or len(items) != 2:
            raise MentormatchError(
                f"{param} takes (mentee_id, mentor_id) pairs or Match objects; got {p!r}. "
                "Write pairs as tuples, e.g. [('e1', 'm3')].",
                field=param,
                value=p,
            )
        out.append((str(items[0]), str(items[1])))
    return out


def check_known(
    param: str, pairs: Sequence[Pair], *, tee_index: dict[str, int], tor_index: dict[str, int]
) -> None:
    for e, m in pairs:
        if e not in tee_index:
            raise MentormatchError(
                f"{param} names the pair ({e!r}, {m!r}), but {e!r} is not a mentee in this "
                "programme; remove the pair or add the mentee",
                field=param,
                participant_id=e,
                value=(e, m),
            )
        if m not in tor_index:
            raise MentormatchError(
                f"{param} names the pair ({e!r}, {m!r}), but {m!r} is not a mentor in this "
                "programme; remove the pair or add the mentor",
                field=param,
                participant_id=m,
                value=(e, m),
            )
