"""Rates with their intervals: the key rates against their targets, and a KPI by group."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from mentormatch import _text
from mentormatch._errors import MentormatchError
from mentormatch.plot import _base
from mentormatch.plot._base import AS_WRITTEN, GREY, VERMILLION, Row

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

    from mentormatch.kpis import Breakdown, ProgrammeReport, Rate, TargetCheck, Targets

_SIGN = {"at least": "≥", "at most": "≤"}


def _label(key: str) -> str:
    """A KPI's name as a reader says it, as in the report (``completion_rate``:
    "Completion rate"); any other name as written."""
    from mentormatch.kpis import KPI_NAMES
    from mentormatch.kpis._labels import kpi_label

    return kpi_label(key) if key in KPI_NAMES else key


def _rates_of(kpis: object, owner: str) -> list[tuple[str, str, Rate]]:
    """``(key, label, rate)`` of every rate in a report or a mapping of rates."""
    from mentormatch.kpis import ProgrammeReport, Rate

    if isinstance(kpis, ProgrammeReport):
        return [(k, label, r) for k, label, r in kpis.kpi_rows() if isinstance(r, Rate)]
    if not isinstance(kpis, Mapping):
        raise _base.wrong_type(
            owner,
            "kpis",
            "a ProgrammeReport (kpis.programme_report) or a mapping of KPI name to Rate",
            kpis,
        )
    out = []
    for key, value in kpis.items():
        rate = value if isinstance(value, Rate) else getattr(value, "rate", None)
        if not isinstance(rate, Rate):
            raise MentormatchError(
                f"The 'kpis' parameter of {owner}: {_text.plain(key)!r} is a "
                f"{type(value).__name__}, not a Rate (nor a result with a .rate); only rates "
                "share the percent scale of this plot (draw meeting cadence with "
                "plot.meeting_cadence)",
                field="kpis",
                value=key,
            )
        out.append((str(key), _label(str(key)), rate))
    return out


def _checks(
    kpis: object,
    rates: list[tuple[str, str, Rate]],
    targets: Targets | Mapping[str, float] | None,
    owner: str,
) -> dict[str, TargetCheck]:
    """Each drawn KPI's target check: the report's own, or made from ``targets``."""
    from mentormatch.kpis import ProgrammeReport, Targets, check_target

    if isinstance(kpis, ProgrammeReport):
        if targets is not None:
            raise MentormatchError(
                f"{owner}: a ProgrammeReport carries its own targets (report.target_checks); "
                "leave 'targets' out, or pass the rates as a mapping with your targets",
                field="targets",
            )
        return {c.kpi: c for c in kpis.target_checks if c.verdict != "not computed"}
    if targets is None:
        return {}
    if not isinstance(targets, Targets):
        if not isinstance(targets, Mapping):
            raise _base.wrong_type(
                owner, "targets", "a Targets, a mapping of KPI name to target, or None", targets
            )
        targets = Targets(dict(targets))
    return {
        key: check_target(key, targets.values[key], rate.value, rate.ci)
        for key, _, rate in rates
        if key in targets.values
    }


def kpis_vs_targets(
    kpis: ProgrammeReport | Mapping[str, object],
    targets: Targets | Mapping[str, float] | None = None,
    *,
    ax: Axes | None = None,
    max_label: int = _base.MAX_LABEL,
) -> Axes:
    """The key rates with their confidence intervals, against their targets.

    Each rate is a row: a dot at the estimate and a bar for its interval, in
    percent; its target, where it has one, is a tall vermillion tick. The
    column to the right says the figure in words, with its counts, the target
    and the verdict (``met`` only when the whole interval clears the target),
    so nothing is told by colour alone.

    Parameters
    ----------
    kpis : ProgrammeReport or mapping of str to Rate
        A report (every rate it holds, with its own labels and target checks;
        meeting cadence and satisfaction, which are not rates, are left to
        :func:`meeting_cadence` and the report's table), or a mapping of KPI
        name to :class:`~mentormatch.kpis.Rate` (or to a result with a
        ``.rate``, such as ``GoalAttainment``), drawn in its order. KPI names
        are shown as a reader says them (``completion_rate``: "Completion
        rate"), other names as written.
    targets : Targets or mapping of str to float, optional
        Targets by KPI name (see :data:`mentormatch.kpis.KPI_NAMES`; rates as
        fractions), checked with :func:`mentormatch.kpis.check_target`. A target
        for a KPI that is not drawn is not used. Leave it out for a report,
        which carries its own.
    ax : matplotlib Axes, optional
        Where to draw; by default a new figure.
    max_label : int
        Longer labels are shortened in the middle (at least 8).

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn into. With no rate to draw, it says so and has no ticks.

    Raises
    ------
    ImportError
        Without matplotlib (``pip install 'mentormatch-engine[plot]'``).
    MentormatchError
        When ``kpis`` holds something other than a rate, or a target names an
        unknown KPI.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> from mentormatch import kpis, plot
    >>> rates = {"match_rate": kpis.proportion(52, 60), "completion_rate": kpis.proportion(22, 35)}
    >>> fig = Figure(figsize=(8, 3), layout="constrained")
    >>> ax = plot.kpis_vs_targets(rates, {"completion_rate": 0.7}, ax=fig.subplots())
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['Match rate', 'Completion rate']
    >>> [t.get_text() for t in ax.texts]
    ['86.7% (52/60)', '62.9% (22/35); target ≥ 70%: inconclusive']
    """
    owner = "kpis_vs_targets"
    _base.require_matplotlib(owner)
    width = _base.check_max_label(owner, max_label)
    rates = _rates_of(kpis, owner)
    checks = _checks(kpis, rates, targets, owner)
    out = _base.axes(ax, owner, size=_base.row_height(len(rates), 9.0))
    title = "Key rates against targets" if checks else "Key rates"
    if not rates:
        return _base.empty(out, title, "No rate to show.")
    names = _base.labels([label for _, label, _ in rates], width)
    rows = []
    for (key, _, rate), name in zip(rates, names, strict=True):
        est = _base.estimate(rate)
        note = f"{_base.percent(rate.value)} ({rate.numerator}/{rate.denominator})"
        check = checks.get(key)
        if check is not None:
            sign = _SIGN.get(check.direction, check.direction)
            note += f"; target {sign} {check.target * 100:g}%: {check.verdict}"
        rows.append(Row(name, est, note if est is not None else f"{note}, undefined"))
    ys = _base.interval_rows(out, rows)
    for y, (key, _, _) in zip(ys, rates, strict=True):
        check = checks.get(key)
        if check is not None:
            out.plot(
                [check.target * 100],
                [y],
                marker="|",
                markersize=22,
                mew=3,
                color=VERMILLION,
                zorder=2,  # under the estimate, whose interval it may cover
            )
    key_text = f"dot: estimate; bar: {_levels(r for _, _, r in rates)} CI"
    if checks:
        key_text += "; tall tick: target"
    out.set_xlabel(f"percent ({key_text})", **AS_WRITTEN)
    out.set_title(title, **AS_WRITTEN)
    return out


def _levels(rates: object) -> str:
    found = sorted({_base.level(r.ci.level) for r in rates})  # type: ignore[attr-defined]
    return found[0] if len(found) == 1 else "their"


def breakdown(
    data: Breakdown,
    *,
    ax: Axes | None = None,
    max_label: int = _base.MAX_LABEL,
) -> Axes:
    """A KPI by group, with its suppressed groups shown as suppressed.

    A row per group in the breakdown's order (a dot at the rate, a bar for its
    interval, the figure and its counts to the right), then the total as a
    black diamond, with a dashed line through it for reference. A suppressed
    group keeps its row and its name, says "suppressed", and shows no value,
    no interval and no count, in any artist.

    Parameters
    ----------
    data : Breakdown
        From :func:`mentormatch.kpis.breakdown` (or a report's ``breakdowns``).
    ax : matplotlib Axes, optional
        Where to draw; by default a new figure.
    max_label : int
        Longer group names are shortened in the middle (at least 8); two that
        would read the same are both shown in full.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn into. A breakdown with no group says so and has no ticks.

    Examples
    --------
    >>> from datetime import date
    >>> from matplotlib.figure import Figure
    >>> from mentormatch import kpis, plot
    >>> b = kpis.breakdown("completion_rate", kpis.load_demo_relationships(),
    ...                    by="department", as_of=date(2026, 3, 1))
    >>> fig = Figure(figsize=(8, 4), layout="constrained")
    >>> ax = plot.breakdown(b, ax=fig.subplots())
    >>> for label, note in zip(ax.get_yticklabels(), ax.texts):
    ...     print(f"{label.get_text():<12} {note.get_text()}")
    Engineering  87.5% (7/8)
    Finance      55.6% (5/9)
    Legal        suppressed
    Marketing    suppressed
    Operations   60.0% (3/5)
    People       50.0% (3/6)
    Total        62.9% (22/35)
    """
    from mentormatch.kpis import Breakdown

    owner = "breakdown"
    _base.require_matplotlib(owner)
    if not isinstance(data, Breakdown):
        raise _base.wrong_type(owner, "data", "a Breakdown (kpis.breakdown)", data)
    width = _base.check_max_label(owner, max_label)
    out = _base.axes(ax, owner, size=_base.row_height(len(data.groups) + 1))
    by = data.by.replace("_", " ")
    title = f"{_base.shorten(_label(data.kpi), width)} by {_base.shorten(by, width)}"
    if not data.groups:
        return _base.empty(out, title, "No group to show.")
    rows = []
    names = _base.labels([g.group for g in data.groups], width)
    for g, name in zip(data.groups, names, strict=True):
        est = None if g.suppressed or g.rate is None else _base.estimate(g.rate)
        if est is None or g.rate is None:
            rows.append(Row(name, None, "suppressed"))
        else:
            rows.append(Row(name, est, f"{_base.percent(est[0])} ({_counts(g.rate)})"))
    total = None if data.total is None else _base.estimate(data.total)
    if total is None or data.total is None:
        rows.append(Row("Total", None, "suppressed", total=True))
    else:
        rows.append(Row("Total", total, f"{_base.percent(total[0])} ({_counts(data.total)})", True))
        out.axvline(total[0] * 100, color=GREY, linestyle="--", linewidth=1, zorder=1)
    _base.interval_rows(out, rows)
    out.axhline(0.5, color=GREY, linewidth=0.8)  # the total's row apart from the groups'
    rates = [r for r in [*(g.rate for g in data.groups), data.total] if r is not None]
    key_text = f"dot: group; diamond: total; bar: {_levels(rates)} CI" if rates else ""
    out.set_xlabel(
        f"percent ({key_text}); groups under {data.min_group_size} people suppressed"
        if key_text
        else f"percent; groups under {data.min_group_size} people suppressed",
        **AS_WRITTEN,
    )
    out.set_title(title, **AS_WRITTEN)
    return out


def _counts(rate: Rate) -> str:
    return f"{rate.numerator}/{rate.denominator}"
