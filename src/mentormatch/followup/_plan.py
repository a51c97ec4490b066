"""A follow-up plan for every pair: check-ins, milestones, talking points and an agreement."""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

import numpy as np

from mentormatch._dates import DateLike, to_date
from mentormatch._errors import MentormatchError
from mentormatch._validation import WholeLike, check_int, check_option, shown
from mentormatch._values import Value
from mentormatch.followup._agreement import agreement_tail, goals_line, goals_of
from mentormatch.followup._inputs import plan_pairs, plan_people
from mentormatch.followup._milestones import Milestone, MilestoneSpec, check_milestones
from mentormatch.followup._topics import (
    PROGRAMMES,
    TalkingPoint,
    choose_points,
    largest_gap,
    read_bank,
    shared_goals,
)
from mentormatch.io import Signups
from mentormatch.kpis import Relationship
from mentormatch.matching import MatchResult
from mentormatch.participants import Mentee, Mentor

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["MAX_WEEKS", "FollowUpPlan", "FollowUpWarning", "PairPlan", "plan"]

#: The longest plan: ten years (a mentoring relationship is planned in months).
MAX_WEEKS = 520


class FollowUpWarning(UserWarning):
    """A plan was made, but with less to go on than asked: for example a pair whose mentee
    or mentor is not among the ``participants`` given gets the programme's and the general
    topics only.

    Examples
    --------
    >>> issubclass(FollowUpWarning, UserWarning)
    True
    """


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


@dataclass(frozen=True, eq=False)
class PairPlan(Value):
    """One pair's plan: when to meet, what to reach by when, what to talk about, what to agree.

    A value: frozen, ``==`` another plan of the same pair with the same dates,
    milestones, points and agreement (``created``, the time the plan was made,
    is left out); it pickles.

    Attributes
    ----------
    mentee_id, mentor_id : str
    meetings : tuple of datetime.date
        The check-ins: ``start``, ``start + every_days``, ... each before
        ``start + 7 * weeks``.
    milestones : tuple of Milestone
        In date order (milestones due on the same day in the order given).
    talking_points : tuple of TalkingPoint
        In the order of preference: shared goals, the largest skill gap, the
        programme's topics, the general ones.
    agreement : str
        The text the pair completes and keeps: goals, cadence and method,
        confidentiality, duration and a no-fault way to end. It holds no names.
    start, end : datetime.date
        The first and the last day of the plan (``end = start + 7 * weeks - 1``).
    mentee_name, mentor_name : str or None
        From ``participants``; exported only when asked (``include_names=True``).
    programme : str or None
        The programme goal the points were chosen for.
    created : datetime.datetime
        When the plan was made (UTC): the calendar's time stamp. Not part of ``==``.

    Examples
    --------
    >>> import mentormatch as mm
    >>> from datetime import date
    >>> result = mm.Matcher(criteria=[mm.GoalOverlap()]).match(
    ...     [mm.Mentee(id="e1", goals=["leadership"])], [mm.Mentor(id="m1", goals=["leadership"])])
    >>> p = mm.followup.plan(result, start=date(2026, 1, 12), weeks=4, every_days=7,
    ...                      milestones=[("kick-off", 7, "First meeting")]).for_mentee("e1")
    >>> p
    PairPlan(mentee_id='e1', mentor_id='m1', 4 check-ins from 2026-01-12 to 2026-02-02, 1 milestone, 3 talking points)
    >>> p.milestones[0].due
    datetime.date(2026, 1, 19)
    """

    mentee_id: str
    mentor_id: str
    meetings: tuple[date, ...]
    milestones: tuple[Milestone, ...]
    talking_points: tuple[TalkingPoint, ...]
    agreement: str
    start: date
    end: date
    mentee_name: str | None = None
    mentor_name: str | None = None
    programme: str | None = None
    created: datetime = field(default_factory=_now, compare=False, repr=False)

    @classmethod
    def _trusted(cls, values: dict[str, Any]) -> PairPlan:
        """A plan from parts already frozen (tuples of dates and values, text): what
        :func:`plan` builds, without checking each part again."""
        obj = cls.__new__(cls)
        obj.__dict__.update(values)
        return obj

    def __repr__(self) -> str:
        n = len(self.meetings)
        meetings = (
            f"{n} check-in{'s' if n != 1 else ''} from {self.meetings[0]} to {self.meetings[-1]}"
            if n
            else "no check-ins"
        )
        m, t = len(self.milestones), len(self.talking_points)
        return (
            f"PairPlan(mentee_id={self.mentee_id!r}, mentor_id={self.mentor_id!r}, {meetings}, "
            f"{m} milestone{'s' if m != 1 else ''}, {t} talking point{'s' if t != 1 else ''})"
        )

    def to_ics(self, *, include_names: bool = False) -> str:
        """This pair's calendar (RFC 5545 text), to attach to the pair's invitation.

        One all-day event per check-in and milestone, each with its own stable
        UID (the same pair gets the same UIDs when the plan is made again, so a
        calendar updates its events rather than doubling them). Needs the
        ``calendar`` extra (``pip install 'mentormatch-engine[calendar]'``).

        Parameters
        ----------
        include_names : bool, default False
            Put the mentee's and mentor's names in the events' titles; by
            default only their ids.

        Examples
        --------
        >>> import mentormatch as mm
        >>> from datetime import date
        >>> result = mm.Matcher(criteria=[mm.GoalOverlap()]).match([mm.Mentee(id="e1")], [mm.Mentor(id="m1")])
        >>> ics = mm.followup.plan(result, start=date(2026, 1, 12)).pairs[0].to_ics()
        >>> ics.count("BEGIN:VEVENT"), "DTSTART;VALUE=DATE:20260112" in ics
        (17, True)
        """
        from mentormatch.followup._export import to_ics

        return to_ics((self,), include_names=_names_flag(include_names))


@dataclass(frozen=True, eq=False)
class FollowUpPlan(Value):
    """The plans of every pair of a programme, and how they were made.

    A value: frozen, ``==`` another plan with the same pairs and settings
    (``created`` left out); it pickles.

    Attributes
    ----------
    pairs : tuple of PairPlan
        One per pair, sorted by mentee id (then mentor id).
    weeks, every_days : int
        The plan's length and its cadence.
    programme : str or None
        The programme goal talking points were chosen for.
    start : datetime.date or None
        The start given; ``None`` when each pair starts at its relationship's
        ``started``.
    created : datetime.datetime
        When the plan was made (UTC). Not part of ``==``.

    Examples
    --------
    >>> import mentormatch as mm
    >>> from datetime import date
    >>> signups = mm.load_demo()
    >>> result = mm.presets.career_guidance().match(*signups)
    >>> plan = mm.followup.plan(result, signups, start=date(2026, 1, 12), programme="career_guidance")
    >>> plan
    FollowUpPlan(58 pairs, 26 weeks from 2026-01-12, a check-in every 14 days, programme='career_guidance')
    """

    pairs: tuple[PairPlan, ...]
    weeks: int
    every_days: int
    programme: str | None = None
    start: date | None = None
    created: datetime = field(default_factory=_now, compare=False, repr=False)

    def __repr__(self) -> str:
        n = len(self.pairs)
        when = f" from {self.start}" if self.start is not None else ""
        return (
            f"FollowUpPlan({n} pair{'s' if n != 1 else ''}, {self.weeks} weeks{when}, a check-in "
            f"every {self.every_days} days, programme={self.programme!r})"
        )

    def __len__(self) -> int:
        return len(self.pairs)

    def for_mentee(self, mentee_id: str) -> PairPlan:
        """The plan of the pair that ``mentee_id`` is in.

        Raises
        ------
        MentormatchError
            When no pair, or more than one (a mentee with several relationships:
            use :meth:`for_pair`), holds this mentee.

        Examples
        --------
        >>> import mentormatch as mm
        >>> from datetime import date
        >>> r = mm.Matcher(criteria=[mm.GoalOverlap()]).match([mm.Mentee(id="e1")], [mm.Mentor(id="m1")])
        >>> mm.followup.plan(r, start=date(2026, 1, 12)).for_mentee("e1").mentor_id
        'm1'
        """
        found = [p for p in self.pairs if p.mentee_id == mentee_id]
        if len(found) == 1:
            return found[0]
        if not found:
            raise MentormatchError(
                f"mentee {mentee_id!r} is in no pair of this plan; check the id (unmatched "
                "mentees get no plan)",
                field="mentee_id",
                participant_id=str(mentee_id),
            )
        mentors = ", ".join(repr(p.mentor_id) for p in found)
        raise MentormatchError(
            f"mentee {mentee_id!r} is in {len(found)} pairs of this plan (mentors {mentors}); "
            "use for_pair(mentee_id, mentor_id)",
            field="mentee_id",
            participant_id=str(mentee_id),
        )

    def for_pair(self, mentee_id: str, mentor_id: str) -> PairPlan:
        """The plan of one pair.

        Examples
        --------
        >>> import mentormatch as mm
        >>> from datetime import date
        >>> r = mm.Matcher(criteria=[mm.GoalOverlap()]).match([mm.Mentee(id="e1")], [mm.Mentor(id="m1")])
        >>> mm.followup.plan(r, start=date(2026, 1, 12)).for_pair("e1", "m1").start
        datetime.date(2026, 1, 12)
        """
        for p in self.pairs:
            if p.mentee_id == mentee_id and p.mentor_id == mentor_id:
                return p
        raise MentormatchError(
            f"the pair (mentee {mentee_id!r}, mentor {mentor_id!r}) is not in this plan",
            field="mentee_id",
            participant_id=str(mentee_id),
        )

    def to_records(self, *, include_names: bool = False) -> list[dict[str, Any]]:
        """One dict per event (a check-in or a milestone), pair by pair, in date order.

        Keys ``mentee_id``, ``mentor_id``, ``date`` (datetime.date), ``event``
        (``"check-in"`` or the milestone's name) and ``description``; with
        ``include_names=True`` also ``mentee_name`` and ``mentor_name`` beside
        the ids.

        Examples
        --------
        >>> import mentormatch as mm
        >>> from datetime import date
        >>> r = mm.Matcher(criteria=[mm.GoalOverlap()]).match([mm.Mentee(id="e1")], [mm.Mentor(id="m1")])
        >>> rows = mm.followup.plan(r, start=date(2026, 1, 12)).to_records()
        >>> len(rows), rows[0]["event"], rows[0]["date"]
        (17, 'check-in', datetime.date(2026, 1, 12))
        """
        from mentormatch.followup._export import records

        return records(self.pairs, include_names=_names_flag(include_names))

    def to_dataframe(self, *, include_names: bool = False) -> pd.DataFrame:
        """The events of :meth:`to_records` as a pandas DataFrame (needs pandas); ``date`` is
        a ``datetime64`` column.

        Examples
        --------
        >>> import mentormatch as mm
        >>> from datetime import date
        >>> r = mm.Matcher(criteria=[mm.GoalOverlap()]).match([mm.Mentee(id="e1")], [mm.Mentor(id="m1")])
        >>> df = mm.followup.plan(r, start=date(2026, 1, 12)).to_dataframe()
        >>> list(df.columns), str(df["date"].dtype)
        (['mentee_id', 'mentor_id', 'date', 'event', 'description'], 'datetime64[ns]')
        """
        from mentormatch.followup._export import dataframe

        return dataframe(self.pairs, include_names=_names_flag(include_names))

    def to_csv(self, *, include_names: bool = False) -> str:
        """The events as CSV text, safe to open in a spreadsheet (see :meth:`write`).

        Examples
        --------
        >>> import mentormatch as mm
        >>> from datetime import date
        >>> r = mm.Matcher(criteria=[mm.GoalOverlap()]).match([mm.Mentee(id="e1")], [mm.Mentor(id="m1")])
        >>> print(mm.followup.plan(r, start=date(2026, 1, 12), n_points=0).to_csv().splitlines()[1])
        e1,m1,2026-01-12,check-in,Check-in 1 of 13
        """
        from mentormatch.followup._export import to_csv

        return to_csv(self.pairs, include_names=_names_flag(include_names))

    def to_json(self, *, include_names: bool = False) -> str:
        """The whole plan as JSON text: settings, and per pair the dates, milestones,
        talking points with their reasons, and the agreement (see :func:`read_plan`).

        Examples
        --------
        >>> import json, mentormatch as mm
        >>> from datetime import date
        >>> r = mm.Matcher(criteria=[mm.GoalOverlap()]).match([mm.Mentee(id="e1")], [mm.Mentor(id="m1")])
        >>> data = json.loads(mm.followup.plan(r, start=date(2026, 1, 12)).to_json())
        >>> data["weeks"], data["pairs"][0]["meetings"][:2]
        (26, ['2026-01-12', '2026-01-26'])
        """
        from mentormatch.followup._export import to_json

        return to_json(self, include_names=_names_flag(include_names))

    def to_ics(self, *, include_names: bool = False) -> str:
        """Every pair's events as one RFC 5545 calendar (see :meth:`PairPlan.to_ics`).

        Examples
        --------
        >>> import mentormatch as mm
        >>> from datetime import date
        >>> r = mm.Matcher(criteria=[mm.GoalOverlap()]).match(
        ...     [mm.Mentee(id="e1"), mm.Mentee(id="e2")], [mm.Mentor(id="m1", capacity=2)])
        >>> mm.followup.plan(r, start=date(2026, 1, 12)).to_ics().count("BEGIN:VEVENT")
        34
        """
        from mentormatch.followup._export import to_ics

        return to_ics(self.pairs, include_names=_names_flag(include_names))

    def write(self, path: str | os.PathLike[str], *, include_names: bool = False) -> None:
        """Write the plan to ``path``: a calendar (``.ics``), the events (``.csv``) or the
        whole plan (``.json``), chosen by the extension.

        The file is replaced atomically (a failed write leaves the old one
        whole). CSV cells that a spreadsheet would run as a formula are
        neutralised. Names go in only with ``include_names=True``.

        Raises
        ------
        MentormatchError
            For another extension (nothing is written), or a path that cannot
            be written.

        Examples
        --------
        >>> import mentormatch as mm, pathlib, tempfile
        >>> from datetime import date
        >>> r = mm.Matcher(criteria=[mm.GoalOverlap()]).match([mm.Mentee(id="e1")], [mm.Mentor(id="m1")])
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "plan.csv"
        >>> mm.followup.plan(r, start=date(2026, 1, 12)).write(path)
        >>> path.read_text().splitlines()[0]
        'mentee_id,mentor_id,date,event,description'
        >>> mm.followup.plan(r, start=date(2026, 1, 12)).write(path.with_suffix(".xlsx"))
        Traceback (most recent call last):
        ...
        mentormatch._errors.MentormatchError: The 'path' parameter of write must end in .ics, .csv or .json (the format is chosen by the extension). Got '...plan.xlsx' instead.
        """
        from mentormatch.followup._export import write

        write(self, path, include_names=_names_flag(include_names))


def _names_flag(value: object) -> bool:
    if not isinstance(value, bool | np.bool_):
        raise MentormatchError(
            f"The 'include_names' parameter must be True or False. Got {shown(value)} instead.",
            field="include_names",
            value=value,
        )
    return bool(value)


# --------------------------------------------------------------------------- building plans


def _schedule(
    begins: date, days: int, every: int, specs: Sequence[MilestoneSpec], pair: tuple[str, str]
) -> tuple[tuple[date, ...], tuple[Milestone, ...], date]:
    """Check-ins, milestones (date order) and the last day of a plan starting ``begins``."""
    first = np.datetime64(begins, "D")
    meetings = tuple((first + np.arange(0, days, every)).tolist())
    end = begins + timedelta(days=days - 1)
    out: list[Milestone] = []
    for spec in specs:
        if spec.due is None:
            assert spec.offset is not None
            due = begins + timedelta(days=spec.offset)
        else:
            due = spec.due
            if not begins <= due <= end:
                raise MentormatchError(
                    f"The 'milestones' parameter: milestone {spec.name!r} is due on {due}, "
                    f"outside the plan of the pair (mentee {pair[0]!r}, mentor {pair[1]!r}), "
                    f"which runs from {begins} to {end}; give it as (name, days_after_start, "
                    "description) to follow each pair's start",
                    field="milestones",
                    participant_id=pair[0],
                    value=due,
                )
        out.append(Milestone(spec.name, due, spec.description))
    out.sort(key=lambda m: m.due)  # stable: same-day milestones keep the order given
    return meetings, tuple(out), end


def plan(
    pairs: MatchResult | Iterable[Relationship],
    participants: Signups | Iterable[Mentee | Mentor] | None = None,
    *,
    start: DateLike | None = None,
    weeks: WholeLike = 26,
    every_days: WholeLike = 14,
    programme: str | None = None,
    topics: str | os.PathLike[str] | Mapping[str, Any] | None = None,
    milestones: Iterable[tuple[str, int | str, str] | Milestone] | None = None,
    n_points: WholeLike = 3,
) -> FollowUpPlan:
    """Plan every pair's follow-up: check-ins, milestones, talking points and an agreement.

    Parameters
    ----------
    pairs : MatchResult or iterable of Relationship
        The matched pairs (unmatched mentees get no plan), or relationships:
        then each pair's plan starts on its own ``started`` and ``start`` is
        left out. A pair may appear once.
    participants : Signups or iterable of Mentee and Mentor, optional
        The people, for goals, skills and names. Without them every pair gets
        the programme's and the general topics; a pair whose mentee or mentor
        is missing from them gets those too, with a :class:`FollowUpWarning`.
    start : date-like, optional
        The first day, for a match result (``date``, ``datetime``,
        ``pandas.Timestamp``, ``numpy.datetime64`` or ISO text).
    weeks : int, default 26
        The plan's length, 1 to 520: it ends on day ``7 * weeks - 1``.
    every_days : int, default 14
        The cadence: a check-in on ``start + k * every_days`` for every ``k``
        with ``k * every_days < 7 * weeks``, so ``ceil(7 * weeks / every_days)``
        check-ins.
    programme : str, optional
        The programme goal, one of the presets' names (``career_guidance``,
        ``skills_training``, ``onboarding``, ``reverse_mentoring``): its
        topics come after the pair's own.
    topics : path or mapping, optional
        A topic bank of the shipped file's shape (``[general]``,
        ``[programme.<name>]``, ``[theme.<word>]``, each a ``topics`` list)
        that replaces the shipped one.
    milestones : iterable, optional
        ``(name, days_after_start, description)`` tuples (days a whole number,
        ``"half-way"`` or ``"end"``) or :class:`Milestone` objects (a fixed
        date for every pair); default :data:`DEFAULT_MILESTONES`.
    n_points : int, default 3
        Talking points per pair (fewer when the bank runs out).

    Returns
    -------
    FollowUpPlan
        One :class:`PairPlan` per pair, sorted by mentee id: the same plan
        whatever the order of ``pairs`` and ``participants``.

    Raises
    ------
    MentormatchError
        Naming the parameter: a cadence or length of 0 or below (or a bool),
        an unknown programme, a topic bank that is not TOML or has an
        unknown table or key, a milestone past the last day, a start that is
        not a date, a pair given twice.

    Notes
    -----
    Talking points prefer, in this order: one per goal that the mentee and
    mentor share (from the bank's theme for that word, or a prompt built
    around it), one for the mentee's skill with the largest gap to the
    mentor's level, then the programme's topics, then the general ones; each
    says why it was chosen. Where a source holds several topics, each pair
    starts at a position keyed on its ids (a BLAKE2 digest, not ``hash()``),
    so pairs get varied points, and the same pair always the same ones.

    Examples
    --------
    >>> import mentormatch as mm
    >>> from datetime import date
    >>> signups = mm.load_demo()
    >>> result = mm.presets.career_guidance().match(*signups)
    >>> plan = mm.followup.plan(result, signups, start=date(2026, 1, 12), weeks=26,
    ...                         every_days=14, programme="career_guidance")
    >>> p = plan.for_mentee("e01")
    >>> len(p.meetings), p.meetings[1], [m.name for m in p.milestones]
    (13, datetime.date(2026, 1, 26), ['kick-off', 'agreement', 'mid-point review', 'closing review'])
    >>> print(p.talking_points[0].reason)
    you both listed people management
    """
    weeks = check_int("plan", "weeks", weeks, minimum=1, maximum=MAX_WEEKS)
    every = check_int("plan", "every_days", every_days, minimum=1)
    n = check_int("plan", "n_points", n_points, minimum=0)
    if programme is not None:
        check_option("plan", "programme", programme, PROGRAMMES)
    first = to_date(start, "start", missing=True)
    bank = read_bank(topics)
    specs = check_milestones(milestones, weeks)
    items = plan_pairs(pairs, first)
    book = plan_people(participants)
    days = 7 * weeks
    created = _now()

    items.sort(key=lambda t: (t[0], t[1]))
    schedules: dict[date, tuple[tuple[date, ...], tuple[Milestone, ...], date, str]] = {}
    missing: list[str] = []
    out: list[PairPlan] = []
    for mentee_id, mentor_id, begins in items:
        sched = schedules.get(begins)
        if sched is None:
            if begins > date.max - timedelta(days=days - 1):
                raise MentormatchError(
                    f"The 'start' parameter: a plan of {weeks} weeks from {begins} ends after "
                    "the year 9999; give an earlier start or fewer weeks",
                    field="start",
                    value=begins,
                )
            meetings, due, end = _schedule(begins, days, every, specs, (mentee_id, mentor_id))
            tail = agreement_tail(every, meetings, begins, end, weeks, due)
            sched = schedules[begins] = (meetings, due, end, tail)
        meetings, due, end, tail = sched
        mentee = mentor = None
        if book is not None:
            mentee, mentor = book[0].get(mentee_id), book[1].get(mentor_id)
            if mentee is None or mentor is None:
                missing.append(
                    f"mentee {mentee_id!r}" if mentee is None else f"mentor {mentor_id!r}"
                )
        if mentee is not None and mentor is not None:
            shared = shared_goals(mentee.goals, mentor.goals)
            gap = largest_gap(mentee.skills, mentor.skills)
            goals = goals_of(mentee.goals)
        else:
            shared, gap, goals = (), None, ()
        points = choose_points(bank, f"{mentee_id}\x1f{mentor_id}", programme, n, shared, gap)
        out.append(
            PairPlan._trusted(
                {
                    "mentee_id": mentee_id,
                    "mentor_id": mentor_id,
                    "meetings": meetings,
                    "milestones": due,
                    "talking_points": points,
                    "agreement": f"Mentoring agreement\n{goals_line(goals, shared)}\n{tail}",
                    "start": begins,
                    "end": end,
                    "mentee_name": mentee.name if mentee is not None else None,
                    "mentor_name": mentor.name if mentor is not None else None,
                    "programme": programme,
                    "created": created,
                }
            )
        )
    if missing:
        listed = ", ".join(missing[:5]) + (
            f" and {len(missing) - 5} more" if len(missing) > 5 else ""
        )
        warnings.warn(
            FollowUpWarning(
                f"{len(missing)} pair{'s' if len(missing) != 1 else ''} of the plan "
                f"{'have' if len(missing) != 1 else 'has'} a participant missing from "
                f"'participants' ({listed}); "
                f"{'they get' if len(missing) != 1 else 'it gets'} the programme's and the general "
                "topics only. Pass the sign-ups that hold everyone matched."
            ),
            stacklevel=2,
        )
    return FollowUpPlan(tuple(out), weeks, every, programme, first, created=created)
