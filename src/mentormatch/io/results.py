"""Match results out and back in: :func:`write_results` (CSV or lossless JSON)
and :func:`read_results`, which checks a results file against itself."""

# Over 600 lines: writing results and reading them back are one file format; the
# reader's checks (_ResultChecks and the helpers below it) are most of the module.

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from typing import IO, TYPE_CHECKING, Any

from mentormatch._files import tables as _tables
from mentormatch._problems import Problem, Problems, ProblemsError, did_you_mean, shown
from mentormatch._validation import finite
from mentormatch.matching import Alternative, Explanation, Match, MatchResult, Unmatched

if TYPE_CHECKING:
    pass
from mentormatch._errors import MentormatchError
from mentormatch._files.signups import read_text
from mentormatch._files.tables import source_name, write_xlsx
from mentormatch._files.writing import (
    PathOrFile,
    cell_out,
    csv_writer,
    format_of,
    open_target,
    put,
    write_binary,
)

__all__ = ["ResultsError", "read_results", "write_results"]


RESULTS_FORMAT_VERSION = 1


class ResultsError(ProblemsError):
    """A results file with problems (damaged, or contradicting itself); ``problems``
    lists every one of them, as :class:`SignupsError` does for sign-ups.

    Examples
    --------
    >>> err = ResultsError([Problem("score must be a number in [0, 1], got null", row=2,
    ...                             column="matches.score", participant_id="e1")])
    >>> print(err)
    1 problem in the results file:
      row 2, column 'matches.score', id 'e1': score must be a number in [0, 1], got null
    """

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__(problems, "the results file")


def _jsonable(value: Any) -> Any:
    """Tuples, mappings and numpy scalars as plain JSON values (non-finite floats: None)."""
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if hasattr(value, "item"):
        return _jsonable(value.item())
    return str(value)


def _results_dict(result: MatchResult) -> dict[str, Any]:
    ids = [m.mentee_id for m in result.matches] + [u.mentee_id for u in result.unmatched]
    return {
        "version": RESULTS_FORMAT_VERSION,
        "total_score": float(result.total_score),
        "metadata": _jsonable(result.metadata),
        "matches": [
            {
                "mentee_id": m.mentee_id,
                "mentor_id": m.mentor_id,
                "score": float(m.score),
                "contributions": {str(k): float(v) for k, v in m.contributions.items()},
                "reasons": list(m.reasons),
            }
            for m in result.matches
        ],
        "unmatched": [{"mentee_id": u.mentee_id, "reason": u.reason} for u in result.unmatched],
        "explanations": {i: _jsonable(result.explain(i).to_dict()) for i in ids},
    }


def _named_records(result: MatchResult, signups: Any) -> list[dict[str, Any]]:
    """:meth:`MatchResult.to_records` with ``mentee_name`` and ``mentor_name`` beside the
    ids when the sign-ups give anyone a name (empty for who has none)."""
    rows = result.to_records()
    if signups is None:
        return rows
    try:
        tees, tors = signups
        names = {("mentee", p.id): p.name for p in tees} | {("mentor", p.id): p.name for p in tors}
    except (TypeError, ValueError, AttributeError):
        raise MentormatchError(
            "signups must be the (mentees, mentors) the result was matched from "
            f"(a Signups from read_signups), not {type(signups).__name__}",
            field="signups",
        ) from None
    if not any(names.values()):
        return rows
    out = []
    for row in rows:
        named: dict[str, Any] = {}
        for key, value in row.items():
            named[key] = value
            if key in ("mentee_id", "mentor_id"):
                role = key.removesuffix("_id")
                named[f"{role}_name"] = names.get((role, value)) if value is not None else None
        out.append(named)
    return out


_RESULT_FORMATS = ("csv", "json", "xlsx")


def write_results(
    result: MatchResult,
    dest: PathOrFile,
    *,
    format: str | None = None,
    signups: Any = None,
) -> None:
    """Write a match result as CSV or an Excel workbook (for people) or JSON (lossless,
    for :func:`read_results`).

    Parameters
    ----------
    result : MatchResult
        From :meth:`Matcher.match` or :func:`read_results`.
    dest : path or open file
        A path is written atomically: to a temporary file in the same folder,
        then moved into place, so nothing is left behind if writing fails. Its
        extension names the format: ``.csv``, ``.json`` or ``.xlsx`` (the
        ``[excel]`` extra); another extension is refused before anything is
        written.
    format : {"csv", "json", "xlsx"}, optional
        For an open file (default ``"csv"``; ``"xlsx"`` needs a binary file).
        For a path it may be given, and must then agree with the extension.
    signups : Signups or (mentees, mentors), optional
        The sign-ups the result was matched from: the CSV and the workbook then
        carry ``mentee_name`` and ``mentor_name`` beside the ids (when anyone
        has a name). JSON never holds names.

    Raises
    ------
    MentormatchError
        For an extension or ``format`` it does not write, before anything is
        written; for a cell Excel cannot hold (``.xlsx``).

    Notes
    -----
    CSV: the records of :meth:`MatchResult.to_records`, one row per mentee
    (matched first, then the unmatched with their reason): ``mentee_id``,
    ``mentor_id``, ``score``, one ``contribution_<criterion>`` column per
    criterion (they add up to the score), ``reasons`` and
    ``unmatched_reason``; with ``signups``, ``mentee_name`` after
    ``mentee_id`` and ``mentor_name`` after ``mentor_id``. Numbers are written
    to 4 decimals; the file is
    UTF-8 with a byte-order mark when written to a path (so spreadsheets
    detect the encoding); every text cell a spreadsheet would run as a
    formula is neutralised with a leading apostrophe. An ``.xlsx`` workbook
    holds the same columns, numbers as numbers (exact), text neutralised.

    JSON: ``{"version": 1, "total_score", "metadata", "matches", "unmatched",
    "explanations"}``: every match with its exact score, contributions and
    reasons, every unmatched mentee with the reason, and each mentee's
    :class:`Explanation` (:meth:`Explanation.to_dict`), so that
    ``read_results(path).explain(mentee_id)`` works without the sign-ups.

    Examples
    --------
    >>> import io
    >>> import mentormatch as mm
    >>> mentees = [mm.Mentee(id="e1", goals=["sql"]), mm.Mentee(id="e2")]
    >>> result = mm.Matcher(criteria=[mm.GoalOverlap()]).match(mentees, [mm.Mentor(id="m1",
    ...                                                                   goals=["sql"])])
    >>> out = io.StringIO()
    >>> write_results(result, out)
    >>> print(*out.getvalue().splitlines(), sep="\\n")
    mentee_id,mentor_id,score,contribution_goal_overlap,reasons,unmatched_reason
    e1,m1,1.0000,1.0000,shares your goal: sql,
    e2,,,,,"capacity exhausted: ..."
    """
    fmt = format_of(dest, format, _RESULT_FORMATS)
    if fmt == "json":
        text = json.dumps(_results_dict(result), indent=2, ensure_ascii=False) + "\n"
        open_target(dest, fmt, lambda h: put(h, text))
        return
    rows = _named_records(result, signups)
    header = (
        list(rows[0])
        if rows
        else ["mentee_id", "mentor_id", "score", "reasons", "unmatched_reason"]
    )
    if fmt == "xlsx":
        write_binary(dest, write_xlsx(header, [[row.get(k) for k in header] for row in rows]))
        return

    def write(handle: IO[str]) -> None:
        writer = csv_writer(handle)
        writer.writerow(header)
        for row in rows:
            writer.writerow([cell_out(row.get(k)) for k in header])

    open_target(dest, fmt, write)


_RESULT_KEYS = ("version", "total_score", "metadata", "matches", "unmatched", "explanations")


_REWRITE = "write the file again (mentormatch match signups.csv -o matches.json)"


_TOLERANCE = 1e-6


def _kind(value: object) -> str:
    return "null" if value is None else f"{type(value).__name__} {shown(value)}"


class _ResultChecks:
    """Checks one results file, collecting every problem."""

    def __init__(self, sink: Problems) -> None:
        self.sink = sink

    def add(self, message: str, row: int | None, column: str | None, pid: object = None) -> None:
        self.sink.add(message, row, column, pid if isinstance(pid, str) else None)

    def text(
        self, entry: Mapping[str, Any], key: str, where: tuple[str, int], *, optional: bool = False
    ) -> str | None:
        value = entry.get(key)
        pid = entry.get("mentee_id")
        if value is None and optional:
            return None
        if not isinstance(value, str) or (not value.strip() and key.endswith("_id")):
            self.add(
                f"entry {where[1]} of {where[0]!r}: {key} must be "
                f"{'an id' if key.endswith('_id') else 'text'}, got {_kind(value)}; {_REWRITE}",
                where[1],
                f"{where[0]}.{key}",
                pid,
            )
            return None
        return value

    def number(
        self, entry: Mapping[str, Any], key: str, where: tuple[str, int], *, unit: bool = True
    ) -> float | None:
        value = finite(entry.get(key))
        if value is None or (unit and not -_TOLERANCE <= value <= 1 + _TOLERANCE):
            self.add(
                f"entry {where[1]} of {where[0]!r}: {key} must be a number"
                f"{' in [0, 1]' if unit else ''}, got {_kind(entry.get(key))}; {_REWRITE}",
                where[1],
                f"{where[0]}.{key}",
                entry.get("mentee_id"),
            )
            return None
        return value

    def contributions(
        self, entry: Mapping[str, Any], where: tuple[str, int]
    ) -> dict[str, float] | None:
        value = entry.get("contributions", {})
        pid = entry.get("mentee_id")
        bad = f"entry {where[1]} of {where[0]!r}: contributions must map criterion names to numbers"
        if not isinstance(value, dict):
            self.add(
                f"{bad}, got {_kind(value)}; {_REWRITE}", where[1], f"{where[0]}.contributions", pid
            )
            return None
        out: dict[str, float] = {}
        for name, share in value.items():
            number = finite(share)
            if number is None:
                self.add(
                    f"{bad}; {name!r} is {_kind(share)}; {_REWRITE}",
                    where[1],
                    f"{where[0]}.contributions",
                    pid,
                )
                return None
            out[name] = number
        return out

    def texts(
        self, entry: Mapping[str, Any], key: str, where: tuple[str, int]
    ) -> tuple[str, ...] | None:
        value = entry.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.add(
                f"entry {where[1]} of {where[0]!r}: {key} must be a list of sentences, got "
                f"{_kind(value)}; {_REWRITE}",
                where[1],
                f"{where[0]}.{key}",
                entry.get("mentee_id"),
            )
            return None
        return tuple(value)

    def entries(self, data: Mapping[str, Any], key: str) -> list[tuple[int, dict[str, Any]]]:
        items = data.get(key)
        if not isinstance(items, list):
            self.add(
                f"{key!r} must be a list of entries, got {_kind(items)}; {_REWRITE}", None, key
            )
            return []
        out = []
        for i, item in enumerate(items, start=1):
            if isinstance(item, dict):
                out.append((i, item))
            else:
                self.add(
                    f"entry {i} of {key!r} must be an object, got {_kind(item)}; {_REWRITE}", i, key
                )
        return out

    def sums_to(
        self,
        score: float | None,
        parts: Mapping[str, float] | None,
        where: tuple[str, int],
        pid: object,
    ) -> None:
        if score is None or not parts:
            return
        total = math.fsum(parts.values())
        if abs(total - score) > _TOLERANCE:
            self.add(
                f"entry {where[1]} of {where[0]!r}: the contributions add up to {total:.6g}, not "
                f"to the score {score:.6g}; the file was changed by hand or is damaged: {_REWRITE}",
                where[1],
                f"{where[0]}.contributions",
                pid,
            )


def _alternative(
    checks: _ResultChecks, raw: object, *, where: tuple[str, int], pid: object
) -> Alternative | bool | None:
    """The runner-up of an explanation; None when there is none, False when it is bad."""
    if raw is None:
        return None
    if not isinstance(raw, dict):
        checks.add(
            f"entry {where[1]} of {where[0]!r}: runner_up must be an object or null, got "
            f"{_kind(raw)}; {_REWRITE}",
            where[1],
            f"{where[0]}.runner_up",
            pid,
        )
        return False
    inner = (f"{where[0]}.runner_up", where[1])
    mentor = checks.text(raw, "mentor_id", inner)
    score = checks.number(raw, "score", inner)
    parts = checks.contributions(raw, inner)
    why = checks.text(raw, "why_not", inner)
    if mentor is None or score is None or parts is None or why is None:
        return False
    return Alternative(mentor, score, parts, why)


def _result_from_dict(data: object, sink: Problems) -> MatchResult | None:
    """The result a parsed results file holds, or None after adding its problems to ``sink``."""
    if not isinstance(data, dict) or "matches" not in data or "unmatched" not in data:
        sink.add(
            "this is not a mentormatch results file (no 'matches' and 'unmatched'); "
            "write one with: mentormatch match signups.csv -o matches.json"
        )
        return None
    checks = _ResultChecks(sink)
    _check_header(data, checks)
    seen: dict[str, str] = {}
    matches = _matches_of(data, checks, seen)
    unmatched = _unmatched_of(data, checks, seen)
    total = _total_of(data, checks, matches)
    metadata = _metadata_of(data, checks)
    explanations = _explanations_of(data, checks, seen=seen, matches=matches, unmatched=unmatched)
    if sink.items:
        return None
    return MatchResult.restore(matches, unmatched, float(total or 0.0), metadata, explanations)


def _check_header(data: dict[str, Any], checks: _ResultChecks) -> None:
    """The file's version and its top-level keys."""
    version = data.get("version")
    if version != RESULTS_FORMAT_VERSION or isinstance(version, bool):
        checks.add(
            f"results file version {version!r} is not supported (expected "
            f"{RESULTS_FORMAT_VERSION}); write it again with this version of mentormatch",
            None,
            "version",
        )
    for key in sorted(set(data) - set(_RESULT_KEYS)):
        checks.add(
            f"unknown key {shown(key)}{did_you_mean(key, _RESULT_KEYS)}; the keys of a results file "
            f"are {', '.join(_RESULT_KEYS)}",
            None,
            str(key),
        )


def _matches_of(data: dict[str, Any], checks: _ResultChecks, seen: dict[str, str]) -> list[Match]:
    """The good entries of ``matches``; each mentee seen is noted in ``seen``."""
    matches: list[Match] = []
    for i, m in checks.entries(data, "matches"):
        where = ("matches", i)
        tee = checks.text(m, "mentee_id", where)
        tor = checks.text(m, "mentor_id", where)
        score = checks.number(m, "score", where)
        parts = checks.contributions(m, where)
        reasons = checks.texts(m, "reasons", where)
        checks.sums_to(score, parts, where, tee)
        if tee is not None:
            if tee in seen:
                checks.add(
                    f"mentee {tee!r} appears twice ({seen[tee]} and entry {i} of 'matches'); "
                    f"a mentee has one mentor at most: {_REWRITE}",
                    i,
                    "matches.mentee_id",
                    tee,
                )
            seen.setdefault(tee, f"entry {i} of 'matches'")
        if tee is not None and tor is not None and tee == tor:
            checks.add(
                f"entry {i} of 'matches': {tee!r} is matched with themself; {_REWRITE}",
                i,
                "matches.mentor_id",
                tee,
            )
        if None not in (tee, tor, score, parts, reasons):
            matches.append(Match(str(tee), str(tor), float(score or 0), dict(parts or {}), reasons))
    return matches


def _unmatched_of(
    data: dict[str, Any], checks: _ResultChecks, seen: dict[str, str]
) -> list[Unmatched]:
    """The good entries of ``unmatched``; a mentee also matched is a problem."""
    unmatched: list[Unmatched] = []
    for i, u in checks.entries(data, "unmatched"):
        where = ("unmatched", i)
        tee = checks.text(u, "mentee_id", where)
        reason = checks.text(u, "reason", where)
        if tee is not None:
            if tee in seen:
                both = "matched" if seen[tee].endswith("'matches'") else "listed"
                checks.add(
                    f"mentee {tee!r} is both {both} ({seen[tee]}) and unmatched (entry {i} of "
                    f"'unmatched'); each mentee appears once: {_REWRITE}",
                    i,
                    "unmatched.mentee_id",
                    tee,
                )
            seen.setdefault(tee, f"entry {i} of 'unmatched'")
        if tee is not None and reason is not None:
            unmatched.append(Unmatched(tee, reason))
    return unmatched


def _total_of(
    data: dict[str, Any], checks: _ResultChecks, matches: Sequence[Match]
) -> float | None:
    """``total_score``, checked against the matches' scores when all else is good."""
    sink = checks.sink
    total = finite(data.get("total_score", 0.0))
    if total is None:
        checks.add(
            f"total_score must be a number, got {_kind(data.get('total_score'))}; {_REWRITE}",
            None,
            "total_score",
        )
    elif not sink.items and abs(total - math.fsum(m.score for m in matches)) > _TOLERANCE * max(
        1, len(matches)
    ):
        checks.add(
            f"total_score {total:.6g} is not the sum of the matches' scores "
            f"({math.fsum(m.score for m in matches):.6g}); {_REWRITE}",
            None,
            "total_score",
        )
    return total


def _metadata_of(data: dict[str, Any], checks: _ResultChecks) -> dict[str, Any]:
    """``metadata`` as a dict, its criteria as a tuple of names."""
    metadata = data.get("metadata") or {}
    if not isinstance(metadata, dict):
        checks.add(
            f"metadata must be an object, got {_kind(metadata)}; {_REWRITE}", None, "metadata"
        )
        metadata = {}
    metadata = dict(metadata)
    criteria = metadata.get("criteria")
    if criteria is not None:
        if not isinstance(criteria, list) or not all(isinstance(c, str) for c in criteria):
            checks.add(
                f"metadata.criteria must be a list of criterion names, got {_kind(criteria)}; "
                f"{_REWRITE}",
                None,
                "metadata.criteria",
            )
        else:
            metadata["criteria"] = tuple(criteria)
    return metadata


def _explanations_of(
    data: dict[str, Any],
    checks: _ResultChecks,
    *,
    seen: dict[str, str],
    matches: Sequence[Match],
    unmatched: Sequence[Unmatched],
) -> dict[str, Explanation]:
    """The good explanations, each consistent with its mentee's match or reason."""
    raw_explanations = data.get("explanations") or {}
    if not isinstance(raw_explanations, dict):
        checks.add(
            f"explanations must be an object of mentee id to explanation, got "
            f"{_kind(raw_explanations)}; {_REWRITE}",
            None,
            "explanations",
        )
        raw_explanations = {}
    by_mentee = {m.mentee_id: m for m in matches}
    left_out = {u.mentee_id for u in unmatched}
    explanations: dict[str, Explanation] = {}
    for k, (key, ex) in enumerate(raw_explanations.items(), start=1):
        got = _explanation(
            key, ex, k=k, checks=checks, seen=seen, by_mentee=by_mentee, left_out=left_out
        )
        if got is not None:
            explanations[key] = got
    return explanations


def _explanation(
    key: str,
    ex: object,
    *,
    k: int,
    checks: _ResultChecks,
    seen: Mapping[str, str],
    by_mentee: Mapping[str, Match],
    left_out: AbstractSet[str],
) -> Explanation | None:
    """Entry ``k`` of ``explanations``, or None after adding its problems."""
    where = ("explanations", k)
    if key not in seen:
        checks.add(
            f"there is an explanation for {key!r}, who is neither matched nor unmatched in "
            f"this file; {_REWRITE}",
            k,
            "explanations",
            key,
        )
        return None
    if not isinstance(ex, dict):
        checks.add(
            f"the explanation of {key!r} must be an object, got {_kind(ex)}; {_REWRITE}",
            k,
            "explanations",
            key,
        )
        return None
    ex_tee = checks.text(ex, "mentee_id", where)
    if ex_tee is not None and ex_tee != key:
        checks.add(
            f"the explanation stored for {key!r} explains {ex_tee!r}, another mentee; {_REWRITE}",
            k,
            "explanations.mentee_id",
            key,
        )
        return None
    ex_tor = checks.text(ex, "mentor_id", where, optional=True)
    ex_score = None
    if ex.get("score") is not None:
        ex_score = checks.number(ex, "score", where)
    parts = checks.contributions(ex, where)
    reasons = checks.texts(ex, "reasons", where)
    why = checks.text(ex, "unmatched_reason", where, optional=True)
    runner = _alternative(checks, ex.get("runner_up"), where=where, pid=key)
    match = by_mentee.get(key)
    if match is not None and (
        ex_tor != match.mentor_id or ex_score is None or abs(ex_score - match.score) > _TOLERANCE
    ):
        checks.add(
            f"the explanation of {key!r} says mentor {ex_tor!r} with score {ex_score!r}, but "
            f"the match is with {match.mentor_id!r} at {match.score:.6g}; {_REWRITE}",
            k,
            "explanations.mentor_id",
            key,
        )
        return None
    if key in left_out and ex_tor is not None:
        checks.add(
            f"the explanation of {key!r} names mentor {ex_tor!r}, but {key!r} is unmatched "
            f"in this file; {_REWRITE}",
            k,
            "explanations.mentor_id",
            key,
        )
        return None
    if parts is None or reasons is None or runner is False:
        return None
    return Explanation(
        key,
        ex_tor,
        ex_score,
        parts,
        reasons,
        why,
        runner if isinstance(runner, Alternative) else None,
    )


def read_results(source: PathOrFile) -> MatchResult:
    """Read a result written by :func:`write_results` as JSON.

    Parameters
    ----------
    source : path or open file

    Returns
    -------
    MatchResult
        Matches, unmatched mentees, total score, metadata and explanations
        exactly as written; ``explain(mentee_id)`` returns the stored
        explanation.

    Raises
    ------
    ResultsError
        Listing every problem (a ``MentormatchError``): the file is not
        JSON, or not a mentormatch results file, or is damaged (missing,
        null or mistyped fields, scores outside [0, 1], contributions or a
        total that do not add up) or contradicts itself (a mentee both
        matched and unmatched, or matched twice; an explanation of someone
        not in the file, of another mentee, or naming another mentor).
    FileNotFoundError
        If a path does not exist.

    Examples
    --------
    >>> import io
    >>> import mentormatch as mm
    >>> result = mm.Matcher(criteria=[mm.GoalOverlap()]).match(
    ...     [mm.Mentee(id="e1", goals=["sql", "r"])], [mm.Mentor(id="m1", goals=["sql"])])
    >>> buffer = io.StringIO()
    >>> write_results(result, buffer, format="json")
    >>> saved = read_results(io.StringIO(buffer.getvalue()))
    >>> saved.matches == result.matches
    True
    >>> print(saved.explain("e1").summary())
    e1 is matched with m1 (score 0.50).
      goal_overlap  0.50  shares one of your 2 goals: sql
    """
    sink = Problems(source_name(source, "the results") or None)
    text = read_text(source, sink, "the results")
    if text is not None:
        data, problem = _tables.load_json(text)
        if problem is not None:
            sink.add(
                f"{problem}; explanations are read from the JSON written by: "
                "mentormatch match signups.csv -o matches.json"
            )
        else:
            result = _result_from_dict(data, sink)
            if result is not None:
                return result
    raise ResultsError(sink.items)
