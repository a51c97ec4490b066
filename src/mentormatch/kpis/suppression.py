"""Small-group suppression: the one rule every group figure follows (breakdowns,
:func:`mentormatch.fairness.group_gaps`, reports, the CLI, exports)."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from collections.abc import Set as AbstractSet

from mentormatch._errors import MentormatchError
from mentormatch._validation import as_whole


def check_min_group_size(min_group_size: object) -> int:
    """``min_group_size`` as an int, at least 3 (numpy integers taken, bools not)."""
    whole = as_whole(min_group_size)
    if whole is None:
        raise MentormatchError(
            f"min_group_size must be a whole number, not {min_group_size!r}",
            field="min_group_size",
            value=min_group_size,
        )
    if whole < 3:
        raise MentormatchError(
            f"min_group_size must be at least 3 (got {whole}); smaller groups "
            "could identify people",
            field="min_group_size",
            value=min_group_size,
        )
    return whole


def groups_to_hide(
    people: Mapping[str, AbstractSet[Hashable]],
    min_group_size: int,
    hidden: AbstractSet[str] = frozenset(),
) -> set[str]:
    """The groups to hide, by the one anonymity rule of every group figure.

    ``people`` maps each group to the people (distinct mentees) in the KPI's
    denominator for that group.  A group with fewer than ``min_group_size`` is
    hidden (as is every group in ``hidden``).  When a hidden group has anyone in
    it, more groups are hidden, smallest first (then by name), until at least two
    hidden groups have people in them and the hidden groups together hold at least
    ``min_group_size`` people: then no hidden group's figure can be worked out from
    the shown groups and the total.  A group with nobody in the denominator is
    hidden but shields nothing, so it is not counted.

    >>> p = {"a": {1, 2}, "b": {3, 4, 5, 6, 7, 8}, "c": set(range(9, 18)), "d": set()}
    >>> sorted(groups_to_hide(p, 5))
    ['a', 'b', 'd']
    >>> sorted(groups_to_hide({"a": {1}, "b": {2}, "c": set(range(3, 12))}, 5))
    ['a', 'b', 'c']
    """
    out = set(hidden) | {g for g, who in people.items() if len(who) < min_group_size}

    def shielded() -> bool:
        holding = [g for g in out if people[g]]
        if not holding:
            return True
        pooled: set[Hashable] = set().union(*(people[g] for g in holding))
        return len(holding) >= 2 and len(pooled) >= min_group_size

    for _, group in sorted((len(who), g) for g, who in people.items() if g not in out and who):
        if shielded():
            break
        out.add(group)
    return out
