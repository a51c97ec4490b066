"""Results are values: read-only mappings, equality that ignores run metadata, pickling.

Every public result of mentormatch (``MatchResult``, ``Rate``, ``Reliability``,
reports ...) is a frozen dataclass deriving from :class:`Value`:

* its mappings are :class:`FrozenDict` (read-only, and still a ``dict`` for
  ``json.dumps``, pandas and pydantic), its arrays read-only, its lists tuples;
* ``==`` compares the fields declared with ``compare=True`` (the answer), NaN
  equal to NaN and arrays element by element, and leaves out fields declared
  ``field(compare=False)`` (timings, run metadata);
* ``hash`` agrees with ``==``;
* it pickles and deep-copies, being plain data with no closures inside.

>>> d = FrozenDict({"a": 1})
>>> d == {"a": 1}, isinstance(d, dict), d
(True, True, {'a': 1})
>>> d["b"] = 2
Traceback (most recent call last):
...
TypeError: this mapping is read-only (mentormatch results are values); make a changed copy instead, e.g. {**d, key: value}
"""

from __future__ import annotations

import copy
import math
from collections.abc import Iterable, Mapping
from dataclasses import fields
from typing import Any, NoReturn, TypeVar

import numpy as np

__all__ = ["FrozenDict", "Value", "freeze", "same", "value_hash"]

K = TypeVar("K")
V = TypeVar("V")


class FrozenDict(dict[K, V]):
    """A read-only ``dict``: every mutating method raises ``TypeError``.

    A ``dict`` subclass, not a bare ``Mapping``, so that ``json.dumps``,
    ``pandas``, pydantic and every ``isinstance(x, dict)`` check take it as
    they take a dict; it compares equal to a dict with the same items, is
    hashable when its values are, pickles and deep-copies. Its repr is a
    dict's. ``copy()`` and ``d | other`` return ordinary, mutable dicts.

    Examples
    --------
    >>> import pickle
    >>> d = FrozenDict(goal_overlap=0.5)
    >>> pickle.loads(pickle.dumps(d)) == d, hash(d) == hash(FrozenDict(goal_overlap=0.5))
    (True, True)
    >>> d.copy() | {"text": 0.1}
    {'goal_overlap': 0.5, 'text': 0.1}
    """

    __slots__ = ()

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (dict(self),))

    def __copy__(self) -> FrozenDict[K, V]:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> FrozenDict[K, V]:
        return type(self)({copy.deepcopy(k, memo): copy.deepcopy(v, memo) for k, v in self.items()})

    def __hash__(self) -> int:  # type: ignore[override]
        return value_hash(self)

    @classmethod
    def fromkeys(cls, keys: Iterable[Any], value: Any = None) -> FrozenDict[Any, Any]:
        """As :meth:`dict.fromkeys`, read-only."""
        return cls(dict.fromkeys(keys, value))


def _read_only(self: object, *args: object, **kwargs: object) -> NoReturn:
    raise TypeError(
        "this mapping is read-only (mentormatch results are values); make a changed copy "
        "instead, e.g. {**d, key: value}"
    )


for _name in (
    "__setitem__",
    "__delitem__",
    "__ior__",
    "clear",
    "pop",
    "popitem",
    "setdefault",
    "update",
):
    setattr(FrozenDict, _name, _read_only)


def freeze(value: Any) -> Any:
    """``value`` made read-only: dicts to :class:`FrozenDict`, lists to tuples, sets to
    frozensets, numpy arrays to read-only views, recursively through containers.

    Anything else is returned as it is (results inside results are frozen already).

    Examples
    --------
    >>> import numpy as np
    >>> freeze({"a": [1, 2], "b": {"c": {3}}})
    {'a': (1, 2), 'b': {'c': frozenset({3})}}
    >>> freeze(np.zeros(2)).flags.writeable
    False
    """
    if isinstance(value, FrozenDict):
        if any(_needs_freezing(v) for v in value.values()):
            return FrozenDict({k: freeze(v) for k, v in value.items()})
        return value
    if isinstance(value, Mapping):
        return FrozenDict({k: freeze(v) for k, v in value.items()})
    if isinstance(value, list):
        return tuple(freeze(v) for v in value)
    if isinstance(value, tuple) and type(value) is tuple:  # not NamedTuples: keep their type
        if any(_needs_freezing(v) for v in value):
            return tuple(freeze(v) for v in value)
        return value
    if isinstance(value, set):
        return frozenset(value)
    if isinstance(value, np.ndarray) and value.flags.writeable:
        view = value.view()
        view.flags.writeable = False
        return view
    return value


def _needs_freezing(value: Any) -> bool:
    if isinstance(value, FrozenDict):
        return any(_needs_freezing(v) for v in value.values())
    if isinstance(value, tuple) and type(value) is tuple:
        return any(_needs_freezing(v) for v in value)
    if isinstance(value, np.ndarray):
        return bool(value.flags.writeable)
    return isinstance(value, Mapping | list | set)


def _is_real(value: Any) -> bool:
    return isinstance(value, float | np.floating)


def same(a: Any, b: Any) -> bool:
    """Value equality: as ``==``, but NaN equals NaN and arrays compare element by element.

    Mappings compare key by key (order aside), tuples and lists item by item;
    anything else by its own ``==`` (so results inside results use theirs).

    Examples
    --------
    >>> import numpy as np
    >>> same(float("nan"), float("nan")), same({"a": np.array([1.0, np.nan])}, {"a": np.array([1.0, np.nan])})
    (True, True)
    >>> same((1, 2), [1, 2]), same(np.zeros(2), np.zeros(3))
    (False, False)
    """
    if a is b:
        return True
    if _is_real(a) and _is_real(b):
        return bool(a == b) or (math.isnan(a) and math.isnan(b))
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        if not (isinstance(a, np.ndarray) and isinstance(b, np.ndarray)) or a.shape != b.shape:
            return False
        if a.dtype == object or b.dtype == object:
            return all(
                same(x, y) for x, y in zip(a.ravel().tolist(), b.ravel().tolist(), strict=True)
            )
        nan_ok = a.dtype.kind in "fc" and b.dtype.kind in "fc"
        return bool(np.array_equal(a, b, equal_nan=nan_ok))
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, tuple | list) and isinstance(b, tuple | list):
        if isinstance(a, tuple) != isinstance(b, tuple) or len(a) != len(b):
            return False
        return all(same(x, y) for x, y in zip(a, b, strict=True))
    if type(a) is type(b) and callable(getattr(a, "equals", None)):  # pandas objects
        return bool(a.equals(b))
    try:
        return bool(a == b)
    except (TypeError, ValueError):  # an == that gives no single truth value
        return False


_NAN_HASH = hash("mentormatch:nan")


def value_hash(value: Any) -> int:
    """A hash that agrees with :func:`same` (NaN hashes alike; arrays by their contents)."""
    if _is_real(value):
        return _NAN_HASH if math.isnan(value) else hash(float(value))
    if isinstance(value, np.ndarray):
        if value.dtype == object:
            return hash((value.shape, tuple(value_hash(v) for v in value.ravel().tolist())))
        data = value
        if data.dtype.kind in "fc":
            data = np.where(np.isnan(data), np.nan, data) + 0.0  # one NaN, and -0.0 as 0.0
        return hash((value.shape, data.dtype.kind, np.ascontiguousarray(data).tobytes()))
    if isinstance(value, Mapping):
        return hash(frozenset((k, value_hash(v)) for k, v in value.items()))
    if isinstance(value, tuple | list):
        return hash((isinstance(value, tuple), *(value_hash(v) for v in value)))
    return hash(value)


_COMPARED: dict[type, tuple[str, ...]] = {}
_ALL_FIELDS: dict[type, tuple[str, ...]] = {}


def _compared(cls: type) -> tuple[str, ...]:
    names = _COMPARED.get(cls)
    if names is None:
        names = tuple(f.name for f in fields(cls) if f.compare)
        _COMPARED[cls] = names
    return names


class Value:
    """Base of every public result: frozen fields, value equality, pickling.

    Use it under ``@dataclass(frozen=True, eq=False)``: after ``__init__`` every
    field is frozen (:func:`freeze`); ``==`` and ``hash`` use the fields declared
    with ``compare=True`` through :func:`same`, leaving ``field(compare=False)``
    ones (timings, run metadata) out.

    Examples
    --------
    >>> from dataclasses import dataclass, field
    >>> @dataclass(frozen=True, eq=False)
    ... class Run(Value):
    ...     scores: dict
    ...     seconds: float = field(default=0.0, compare=False)
    >>> a, b = Run({"x": float("nan")}, 1.5), Run({"x": float("nan")}, 2.5)
    >>> a == b, hash(a) == hash(b), type(a.scores).__name__
    (True, True, 'FrozenDict')
    """

    __slots__ = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # keep the short repr (or the one inherited): ``@dataclass`` writes its own
        # ``__repr__`` only where the class body has none
        # (and IPython takes the first class with ``__repr__`` or ``_repr_pretty_``)
        for name in ("__repr__", "_repr_pretty_"):
            if name not in cls.__dict__:
                setattr(cls, name, getattr(cls, name))

    def __repr__(self) -> str:
        """Code-like and short: ``Name(field=value, ...)``, long values cut (``_display``)."""
        from mentormatch._display import short_repr

        return short_repr(self)

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        """IPython's display: a few readable lines (see :mod:`mentormatch._display`)."""
        from mentormatch._display import pretty

        pretty(self, p, cycle)

    def _repr_html_(self) -> str:
        """Jupyter's display: a compact, escaped HTML table (see :mod:`mentormatch._display`)."""
        from mentormatch._display import html

        return html(self)

    def __post_init__(self) -> None:
        cls = type(self)
        names = _ALL_FIELDS.get(cls)
        if names is None:
            names = tuple(f.name for f in fields(cls))  # type: ignore[arg-type]
            _ALL_FIELDS[cls] = names
        state = self.__dict__
        for name in names:
            old = state[name]
            new = freeze(old)
            if new is not old:
                object.__setattr__(self, name, new)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return all(same(getattr(self, n), getattr(other, n)) for n in _compared(type(self)))

    def __hash__(self) -> int:
        return hash(
            (
                type(self).__qualname__,
                *(value_hash(getattr(self, n)) for n in _compared(type(self))),
            )
        )
