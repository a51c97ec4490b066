"""The matcher: criteria and rules in, an exact, explained assignment out.

:class:`Matcher` is a thin facade: it checks its parts, then takes the
dense path (score the full matrix with :mod:`mentormatch._scoring`, solve it
with :mod:`mentormatch._solve`, build the result with
:mod:`mentormatch._explain`) or, for large programmes, the sparse one
(:mod:`mentormatch._large_match`: blocked scoring behind the exact core
:mod:`mentormatch._large`, candidates, pricing to an optimality proof). The
result types live in :mod:`mentormatch._results` and are re-exported here.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from mentormatch._errors import MentormatchError
from mentormatch._explain import Recipe, build_result, build_sparse_result
from mentormatch._large import Progress as ProgressFn
from mentormatch._large import have_ortools, total_places
from mentormatch._large_match import solve_blocks
from mentormatch._results import (
    Alternative,
    Explanation,
    Match,
    MatchResult,
    PairLike,
    Unmatched,
    with_metadata,
)
from mentormatch._scoring import (
    ProgrammeScorer,
    ScoreMatrix,
    check_constraints,
    check_criteria,
    score_programme,
)
from mentormatch._solve import solve_in_id_order
from mentormatch._validation import (
    RealLike,
    WholeLike,
    check_int,
    check_option,
    check_unit_interval,
)
from mentormatch.constraints import ConstraintLike
from mentormatch.criteria.base import CriterionLike
from mentormatch.participants import Mentee, Mentor, capacities, validate_programme

if TYPE_CHECKING:
    from mentormatch.lifecycle.shortlists import Shortlist

__all__ = [
    "Alternative",
    "Explanation",
    "Match",
    "MatchResult",
    "Matcher",
    "ScoreMatrix",
    "Unmatched",
]

SOLVERS = ("auto", "dense", "sparse")
BACKENDS = ("auto", "ortools", "scipy")
#: ``solver="auto"`` takes the dense path while ``n_mentees x places`` is at most this
#: (the sparse path measures faster beyond: see the ``solver`` parameter of :class:`Matcher`).
DENSE_LIMIT = 3_000_000


_log = logging.getLogger(__name__)


class Matcher:
    """Match mentees with mentors, exactly and explainably.

    Parameters
    ----------
    criteria : sequence of criteria
        Scorers with a ``name``, a ``weight`` > 0, ``score`` and ``explain``
        (the built-ins, :class:`FunctionCriterion`, or any object of that shape).
    constraints : sequence of rules, optional
        Hard rules with a ``name``, ``allowed`` and ``explain``.
    min_score : float in [0, 1], default 0.0
        Pairs scoring below it are not made.
    solver : {"auto", "dense", "sparse"}, default "auto"
        The assignment path; every path returns the same answer (the same
        number of matches and total score; under exact ties the pairs may
        differ). ``"dense"`` builds the full score matrix and solves it with
        Hungarian / Jonker-Volgenant. ``"sparse"`` (the large-programme
        path) scores in blocks, keeps each mentee's best candidates, solves
        that sparse problem exactly (a min-cost flow on a ``2**-30`` score
        grid) and proves the answer optimal for the full problem by pricing
        every pair left out against the dual values. ``"auto"`` takes the
        dense path while ``n_mentees x places`` is at most ``DENSE_LIMIT``
        (3 million, about 1,500 mentees with as many places), the sparse path
        beyond: measured end to end on 2,000 x 1,000 programmes the sparse
        path takes 0.44 to 0.81 of the dense path's time (0.60 to 1.03 under
        load) and under half its memory; below 1,000 x 500 the two are within
        milliseconds of each other (``benchmarks/matcher.md``,
        ``docs/scale.md``). The result's ``metadata["solver"]`` says which
        path ran.
    candidates : int, optional
        Sparse path: how many best mentors per mentee to start from (default
        adaptive: 8 in a loose market, 16 to 32 where places are scarce).
        Pricing adds any pair the proof needs, so this changes the speed,
        never the answer.
    backend : {"auto", "ortools", "scipy"}, default "auto"
        Sparse path: the solver of the candidate problem. ``"ortools"`` (the
        optional extra ``mentormatch-engine[fast]``) is much faster on large
        programmes; ``"scipy"`` needs nothing more; ``"auto"`` uses OR-Tools
        when it is installed.
    progress : callable, optional
        ``progress(phase, done, total)``, called as the work advances, with
        ``phase`` one of ``"scoring"``, ``"solving"``, ``"pricing"``,
        ``"explaining"``. For progress bars on large programmes: the sparse
        path reports its scoring and pricing blocks as they finish (each
        pricing round counts its blocks afresh, from 0), then ``"solving"``
        once, then the explaining of the unmatched.

    Notes
    -----
    The score of a pair is the weighted mean of its criterion scores,
    ``sum(w_i s_i) / sum(w_i)``, in [0, 1]; its contributions are the terms
    ``w_i s_i / sum(w_i)``. :meth:`match` first matches as many mentees as
    capacities and rules allow, then maximises the total score among those
    assignments, exactly (see :func:`mentormatch._solve.solve_dense`).
    The weights enter through their exact shares (:func:`shares`), so
    weights that differ only by a common factor give bit for bit the same
    scores and the same match. Ties are broken by sorting mentees and mentors
    by id before solving, and every explanation ranks and lists mentors and
    mentees by score, then id, so neither the result nor a word of its
    explanations depends on the order of the input.

    A matcher made of the built-in criteria and rules pickles (for a process
    pool, say); so does one with your own criteria when they are defined at
    module level.

    Examples
    --------
    >>> import mentormatch as mm
    >>> mentees = [mm.Mentee(id="e1", goals=["leadership"], department="Sales"),
    ...            mm.Mentee(id="e2", goals=["python"], department="Engineering")]
    >>> mentors = [mm.Mentor(id="m1", goals=["python"], department="Sales"),
    ...            mm.Mentor(id="m2", goals=["leadership"], department="Finance")]
    >>> matcher = mm.Matcher(criteria=[mm.GoalOverlap(weight=2), mm.DepartmentDistance()])
    >>> result = matcher.match(mentees, mentors)
    >>> result
    MatchResult(2 mentees: 2 matched, 0 unmatched; total_score=2.0000)
    >>> [(m.mentee_id, m.mentor_id, round(m.score, 3)) for m in result.matches]
    [('e1', 'm2', 1.0), ('e2', 'm1', 1.0)]
    >>> result.matches[0].reasons
    ('shares your goal: leadership', 'works in Finance, outside your part of the organisation')
    """

    def __init__(
        self,
        criteria: Iterable[CriterionLike],
        constraints: Iterable[ConstraintLike] = (),
        *,
        min_score: RealLike = 0.0,
        solver: str = "auto",
        candidates: WholeLike | None = None,
        backend: str = "auto",
        progress: ProgressFn | None = None,
    ) -> None:
        self.criteria = check_criteria(criteria)
        self.constraints = check_constraints(constraints)
        self.min_score = check_unit_interval("Matcher", "min_score", min_score)
        self.solver = check_option("Matcher", "solver", solver, SOLVERS)
        self.candidates = (
            None
            if candidates is None
            else check_int("Matcher", "candidates", candidates, minimum=1)
        )
        self.backend = check_option("Matcher", "backend", backend, BACKENDS)
        if backend == "ortools" and not have_ortools():
            raise MentormatchError(
                "backend='ortools' needs OR-Tools: pip install 'mentormatch-engine[fast]' "
                "(or use backend='scipy')",
                field="backend",
                value=backend,
            )
        if progress is not None and not callable(progress):
            raise MentormatchError(
                f"The 'progress' parameter of Matcher must be callable. Got {progress!r} instead.",
                field="progress",
                value=progress,
            )
        self.progress = progress

    def _derive(
        self,
        criteria: Iterable[CriterionLike] | None = None,
        constraints: Iterable[ConstraintLike] | None = None,
    ) -> Matcher:
        """This matcher with other criteria or rules, and the same ``min_score`` and solver options."""
        return Matcher(
            self.criteria if criteria is None else criteria,
            self.constraints if constraints is None else constraints,
            min_score=self.min_score,
            solver=self.solver,
            candidates=self.candidates,
            backend=self.backend,
            progress=self.progress,
        )

    def __repr__(self) -> str:
        parts = [f"criteria={list(self.criteria)!r}"]
        if self.constraints:
            parts.append(f"constraints={list(self.constraints)!r}")
        if self.min_score:
            parts.append(f"min_score={self.min_score!r}")
        if self.solver != "auto":
            parts.append(f"solver={self.solver!r}")
        return f"Matcher({', '.join(parts)})"

    def score(self, mentees: Iterable[Mentee], mentors: Iterable[Mentor]) -> ScoreMatrix:
        """Score every pair and apply the rules.

        Parameters
        ----------
        mentees : iterable of Mentee
        mentors : iterable of Mentor
            Lists, tuples, generators (read once), pandas Series or numpy
            object arrays.

        Returns
        -------
        ScoreMatrix

        Raises
        ------
        MentormatchError
            Bad participants (see :func:`validate_programme`), or a criterion
            or rule returning the wrong shape, NaN, or values outside [0, 1];
            the message names the criterion or rule.
        """
        tees, tors = validate_programme(mentees, mentors)
        return self._score(tees, tors)

    def _score(self, tees: Sequence[Mentee], tors: Sequence[Mentor]) -> ScoreMatrix:
        return score_programme(
            self.criteria, self.constraints, (tees, tors), min_score=self.min_score
        )

    # -- matching ----------------------------------------------------------------

    def match(
        self,
        mentees: Iterable[Mentee],
        mentors: Iterable[Mentor],
        *,
        keep: Iterable[PairLike] = (),
        exclude: Iterable[PairLike] = (),
    ) -> MatchResult:
        """Match mentees with mentors: the most matches, then the largest total score.

        Parameters
        ----------
        mentees : iterable of Mentee
        mentors : iterable of Mentor
            Lists, tuples, generators (read once), pandas Series or numpy
            object arrays; the order does not change the result.
        keep : iterable of (mentee_id, mentor_id) pairs or Match, optional
            Pairs that stay as they are (an administrator's locks, pairs that
            work); everyone else is matched optimally into the places left.
            See :func:`mentormatch.lifecycle.rematch`.
        exclude : iterable of (mentee_id, mentor_id) pairs, optional
            Pairs that must not be made again (they did not work).

        Returns
        -------
        MatchResult
            Every mentee once, in ``matches`` or ``unmatched`` (with a reason).

        Examples
        --------
        >>> import mentormatch as mm
        >>> mentees = [mm.Mentee(id="e1", manager_id="m1", goals=["sql"]), mm.Mentee(id="e2")]
        >>> mentors = [mm.Mentor(id="m1", goals=["sql"])]
        >>> result = mm.Matcher([mm.GoalOverlap()], [mm.NotInReportingLine()]).match(mentees, mentors)
        >>> result.matches[0].mentee_id, result.unmatched
        ('e2', (Unmatched(mentee_id='e1', reason="the only mentor with a free place is refused: 'm1' is your manager"),))
        """
        keep, exclude = tuple(keep), tuple(exclude)
        if keep or exclude:
            # lifecycle builds on this module: imported here, a named exception in the
            # import-linter contract "matching-layers" (pyproject.toml)
            from mentormatch.lifecycle import rematch

            return rematch(self, mentees, mentors, keep=keep, exclude=exclude)
        t0 = time.perf_counter()
        tees, tors = validate_programme(mentees, mentors)
        capacity = capacities(tors, len(tees))
        path = _pick_path(self.solver, len(tees), capacity)
        _log.info(
            "matching %d mentees with %d mentors (%d places), %s solver",
            len(tees),
            len(tors),
            int(np.sum(capacity)),
            path,
        )
        if path == "sparse":
            return _match_sparse(self, (tees, tors), capacity=capacity, t0=t0)
        scores = self._score(tees, tors)
        t1 = time.perf_counter()
        _log.info("scored %d pairs in %.2f s", len(tees) * len(tors), t1 - t0)
        _report(self.progress, "scoring", done=len(tees), total=len(tees))
        assignment = solve_in_id_order(
            scores.total,
            scores.eligible,
            capacity,
            tee_ids=scores.mentee_ids,
            tor_ids=scores.mentor_ids,
        )
        t2 = time.perf_counter()
        _log.info("solved the assignment in %.2f s", t2 - t1)
        _report(self.progress, "solving", done=1, total=1)
        result = build_result(Recipe.of(self, (tees, tors), capacity), scores, assignment)
        t3 = time.perf_counter()
        _report(self.progress, "explaining", done=len(tees), total=len(tees))
        return with_metadata(
            result,
            solver="dense",
            timings={
                "scoring": t1 - t0,
                "solving": t2 - t1,
                "pricing": 0.0,
                "explaining": t3 - t2,
            },
        )

    def shortlist(
        self,
        mentees: Iterable[Mentee],
        mentors: Iterable[Mentor],
        *,
        k: WholeLike = 5,
        ration: RealLike = 2.0,
    ) -> Shortlist:
        """Suggest ``k`` mentors to each mentee, rationed so popular mentors are not swamped.

        See :func:`mentormatch.shortlist.shortlist` for the objective and the
        returned :class:`~mentormatch.shortlist.Shortlist`.

        Examples
        --------
        >>> import mentormatch as mm
        >>> e = [mm.Mentee(id="e1", goals=["sql"]), mm.Mentee(id="e2", goals=["sql"])]
        >>> m = [mm.Mentor(id="m1", goals=["sql"]), mm.Mentor(id="m2")]
        >>> lists = mm.Matcher([mm.GoalOverlap()]).shortlist(e, m, k=1, ration=1.0)
        >>> sorted(len(entries) for entries in lists.lists.values())
        [1, 1]
        """
        # lifecycle builds on this module: imported here, a named exception in the
        # import-linter contract "matching-layers" (pyproject.toml)
        from mentormatch.lifecycle.shortlists import shortlist

        return shortlist(self, mentees, mentors, k=k, ration=ration)


def _report(progress: ProgressFn | None, phase: str, *, done: int, total: int) -> None:
    if progress is not None:
        progress(phase, done, total)


def _dense_only(matcher: Matcher | None, operation: str) -> None:
    """Refuse ``solver="sparse"`` for an operation that has no large form (it needs every score).

    ``"auto"`` and ``"dense"`` run such an operation on the dense path, whatever
    the size; its docstring says so.
    """
    if matcher is not None and matcher.solver == "sparse":
        raise MentormatchError(
            f"{operation} has no large-programme form: it needs every pair's score at once "
            "(the full score matrix), but the matcher asks for solver='sparse'. Give it a "
            "Matcher with solver='auto' or 'dense' (it then scores the full matrix), or use "
            "Matcher.match for a programme too large for that",
            field="solver",
            value=matcher.solver,
        )


def _pick_path(solver: str, n: int, capacity: NDArray[np.int64]) -> str:
    """``"dense"`` or ``"sparse"``: what ``solver`` means for a programme of this size."""
    if solver != "auto":
        return solver
    return "dense" if n * total_places(capacity, n) <= DENSE_LIMIT else "sparse"


def _match_sparse(
    matcher: Matcher,
    people: tuple[Sequence[Mentee], Sequence[Mentor]],
    *,
    capacity: NDArray[np.int64],
    t0: float,
) -> MatchResult:
    """The large-programme path: the programme's block scorer behind the exact core."""
    ps = ProgrammeScorer(matcher.criteria, matcher.constraints, people, min_score=matcher.min_score)
    t1 = time.perf_counter()
    run = solve_blocks(matcher, ps, capacity, progress=matcher.progress)
    t2 = time.perf_counter()
    recipe = Recipe.of(matcher, people, capacity)
    result = build_sparse_result(recipe, ps, run.assignment, progress=matcher.progress)
    timings = dict(run.metadata["timings"])
    timings["encoding"] += t1 - t0
    timings["explaining"] = time.perf_counter() - t2
    _log.info(
        "large path: %d rounds, %d rows rescored, %d proved by bound, in %.2f s",
        run.metadata["pricing_rounds"],
        run.metadata["rows_rescored"],
        run.metadata["rows_proved_by_bound"],
        t2 - t0,
    )
    return with_metadata(result, **{**run.metadata, "timings": timings})
