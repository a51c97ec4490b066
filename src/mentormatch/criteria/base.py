"""The criterion interface: a weighted, vectorised scorer of mentee-mentor pairs.

A criterion is any object with a ``name`` (str), a ``weight`` (> 0) and two
methods, ``score(mentees, mentors)`` and ``explain(mentee, mentor, value)``;
:class:`Criterion` is a convenient base class, not a requirement. The
:class:`~mentormatch.Matcher` checks what each criterion returns (shape,
finite, in [0, 1]) and names the criterion when it is wrong.
"""

from __future__ import annotations

import inspect
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import numpy as np
from numpy.typing import ArrayLike, NDArray

from mentormatch._errors import MentormatchError
from mentormatch._validation import RealLike, check_weight, shown

if TYPE_CHECKING:
    from mentormatch.participants import Mentee, Mentor

__all__ = ["BlockScorer", "Criterion", "CriterionLike", "FunctionCriterion"]

#: ``scorer(rows, cols)``: scores of the mentees at ``rows`` against the mentors
#: at ``cols`` (all mentors when ``cols`` is None), shape ``(len(rows), len(cols))``.
BlockScorer = Callable[[NDArray[np.intp], "NDArray[np.intp] | None"], NDArray[np.float64]]


@runtime_checkable
class CriterionLike(Protocol):
    """The shape every criterion has; user classes need not inherit anything.

    ``name`` and ``weight`` may be plain attributes or properties. ``score``
    may return any array-like of shape ``(len(mentees), len(mentors))``: a
    numpy array, nested lists, a pandas DataFrame, a scipy sparse matrix; the
    :class:`~mentormatch.Matcher` checks its shape and values.
    """

    @property
    def name(self) -> str:
        """The label in contributions and exports."""
        ...

    @property
    def weight(self) -> float:
        """Relative importance, > 0."""
        ...

    def score(self, mentees: Sequence[Mentee], mentors: Sequence[Mentor]) -> ArrayLike:
        """Scores in [0, 1], shape ``(len(mentees), len(mentors))``."""
        ...

    def explain(self, mentee: Mentee, mentor: Mentor, value: float) -> str:
        """One sentence a mentee understands."""
        ...


class Criterion(ABC):
    """Base class of the built-in criteria.

    Subclasses implement :meth:`score` (vectorised over all pairs) and
    :meth:`explain`. The constructor arguments are stored unchanged, and the
    repr reads like the call that built the criterion.

    Parameters
    ----------
    weight : float, default 1.0
        Relative importance, > 0.
    name : str, optional
        Label used in contributions and exports; defaults to a snake_case
        name of the class (``goal_overlap``).

    Examples
    --------
    >>> from mentormatch import GoalOverlap
    >>> GoalOverlap(weight=2)
    GoalOverlap(weight=2.0)
    >>> GoalOverlap().name
    'goal_overlap'
    """

    default_name: str = "criterion"

    def __init__(self, *, weight: RealLike = 1.0, name: str | None = None) -> None:
        self.weight = check_weight(type(self).__name__, weight)
        if name is not None and (not isinstance(name, str) or not name.strip()):
            raise MentormatchError(
                f"The 'name' parameter of {type(self).__name__} must be a non-empty string. "
                f"Got {shown(name)} instead.",
                field="name",
                value=name,
            )
        self.name = name if name is not None else self.default_name

    @abstractmethod
    def score(self, mentees: Sequence[Mentee], mentors: Sequence[Mentor]) -> NDArray[np.float64]:
        """Score every pair.

        Parameters
        ----------
        mentees, mentors : sequence of Mentee, sequence of Mentor

        Returns
        -------
        ndarray of shape (len(mentees), len(mentors))
            Values in [0, 1], higher is better.
        """

    @abstractmethod
    def explain(self, mentee: Mentee, mentor: Mentor, value: float) -> str:
        """One plain sentence about this pair, for the mentee to read."""

    def encode(self, mentees: Sequence[Mentee], mentors: Sequence[Mentor]) -> BlockScorer:
        """Encode the programme once; return a scorer of blocks of it.

        Large programmes are scored a block of mentees at a time so that the
        full ``(n_mentees, n_mentors)`` matrix never exists. The returned
        ``scorer(rows, cols)`` gives the scores of the mentees at ``rows``
        against the mentors at ``cols`` (all mentors when ``cols`` is None),
        equal to the same slice of ``score(mentees, mentors)``.

        This default scores each block by calling :meth:`score` on the
        sub-lists, which is right for any criterion whose score of a pair
        depends only on the two people; the built-ins override it to encode
        the participants once (vocabularies, codes, a TF-IDF fit over
        everyone) and score each block with array operations.

        Examples
        --------
        >>> import numpy as np
        >>> from mentormatch import GoalOverlap, Mentee, Mentor
        >>> e = [Mentee(id="e1", goals=["sql"]), Mentee(id="e2", goals=["go", "sql"])]
        >>> m = [Mentor(id="m1", goals=["sql"]), Mentor(id="m2", goals=["go"])]
        >>> scorer = GoalOverlap().encode(e, m)
        >>> scorer(np.array([1]), None)
        array([[0.5, 0.5]])
        >>> scorer(np.array([0, 1]), np.array([1]))
        array([[0. ],
               [0.5]])
        """
        tees, tors = list(mentees), list(mentors)

        def scorer(rows: NDArray[np.intp], cols: NDArray[np.intp] | None) -> NDArray[np.float64]:
            block_tors = tors if cols is None else [tors[j] for j in cols]
            return np.asarray(self.score([tees[i] for i in rows], block_tors), dtype=np.float64)

        return scorer

    def __repr__(self) -> str:
        params = []
        for pname, param in inspect.signature(type(self).__init__).parameters.items():
            if pname == "self" or param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
                continue
            value = getattr(self, pname, param.default)
            if pname == "name" and value == self.default_name:
                continue
            if param.default is param.empty or value != param.default:
                shown = value.__name__ if callable(value) and hasattr(value, "__name__") else value
                params.append(
                    repr(shown) if param.kind == param.POSITIONAL_ONLY else f"{pname}={shown!r}"
                )
        return f"{type(self).__name__}({', '.join(params)})"


class FunctionCriterion(Criterion):
    """Turn a plain function into a criterion.

    Parameters
    ----------
    func : callable
        ``func(mentees, mentors) -> ndarray`` of shape
        ``(len(mentees), len(mentors))`` with values in [0, 1].
    name : str
        Label used in contributions and exports (required).
    weight : float, default 1.0
        Relative importance, > 0.
    explain : callable, optional
        ``explain(mentee, mentor, value) -> str``; by default a sentence
        giving the name and the value.

    Examples
    --------
    >>> import numpy as np
    >>> from mentormatch import FunctionCriterion, Mentee, Mentor
    >>> def same_language(mentees, mentors):
    ...     a = np.array([e.attributes.get("language", "") for e in mentees])
    ...     b = np.array([m.attributes.get("language", "") for m in mentors])
    ...     return (a[:, None] == b[None, :]).astype(float)
    >>> crit = FunctionCriterion(same_language, name="language", weight=2)
    >>> crit
    FunctionCriterion(same_language, name='language', weight=2.0)
    >>> e = [Mentee(id="e1", attributes={"language": "fr"})]
    >>> m = [Mentor(id="m1", attributes={"language": "fr"}), Mentor(id="m2")]
    >>> crit.score(e, m)
    array([[1., 0.]])
    >>> crit.explain(e[0], m[0], 1.0)
    'language: 1.00 of 1'
    """

    def __init__(
        self,
        func: Callable[[Sequence[Mentee], Sequence[Mentor]], Any],
        *,
        name: str,
        weight: RealLike = 1.0,
        explain: Callable[[Mentee, Mentor, float], str] | None = None,
    ) -> None:
        if not callable(func):
            raise MentormatchError(
                "The 'func' parameter of FunctionCriterion must be callable. "
                f"Got {shown(func)} instead.",
                field="func",
                value=func,
            )
        if explain is not None and not callable(explain):
            raise MentormatchError(
                "The 'explain' parameter of FunctionCriterion must be callable or None. "
                f"Got {shown(explain)} instead.",
                field="explain",
                value=explain,
            )
        super().__init__(weight=weight, name=name)
        self.func = func
        self._explain = explain

    def score(self, mentees: Sequence[Mentee], mentors: Sequence[Mentor]) -> NDArray[np.float64]:
        """Call ``func``; the matcher checks its shape and values."""
        return np.asarray(self.func(mentees, mentors), dtype=float)

    def explain(self, mentee: Mentee, mentor: Mentor, value: float) -> str:
        """The user's sentence, or ``"<name>: <value> of 1"``."""
        if self._explain is not None:
            return self._explain(mentee, mentor, value)
        return f"{self.name}: {value:.2f} of 1"

    def __repr__(self) -> str:
        fname = getattr(self.func, "__name__", repr(self.func))
        return f"FunctionCriterion({fname}, name={self.name!r}, weight={self.weight!r})"
