"""``mentormatch survey``: a survey file scored against its instrument."""

from __future__ import annotations

import argparse
import math
from typing import TYPE_CHECKING, Any, TextIO

from mentormatch._errors import MentormatchError
from mentormatch._files.survey import Responses, read_responses
from mentormatch._files.tables import write_csv
from mentormatch.cli._arguments import _add_output_argument, _checked, _file_argument, _gather
from mentormatch.cli._console import EXIT_OK, _formatter, _say, _status, _target, _write, _written

if TYPE_CHECKING:
    from mentormatch.surveys import Instrument, PairedChange, ScoredSurvey


def _add_survey(sub: Any) -> None:
    p = sub.add_parser(
        "survey",
        help="score a questionnaire: scale scores, reliability, NPS, pre/post change",
        description="Score survey responses (a CSV, one row per respondent, one column per "
        "item) with an instrument file (TOML: items, scale, reverse, subscales, min_answered). "
        "Prints the scale scores, Cronbach's alpha with its interval, and, when asked, the "
        "Net Promoter Score and the change since an earlier round.",
        epilog="examples:\n"
        "  mentormatch survey post.csv --instrument instrument.toml\n"
        "  mentormatch survey post.csv --instrument instrument.toml --pre pre.csv --id-column id\n"
        "  mentormatch survey post.csv --instrument instrument.toml --nps-column recommend "
        "-o scores.csv",
        formatter_class=_formatter,
    )
    _file_argument(
        p,
        "responses",
        role="input",
        what="the survey responses",
        help="CSV of responses, one row per respondent",
    )
    _file_argument(
        p,
        "--instrument",
        role="input",
        what="the instrument file (--instrument)",
        required=True,
        metavar="FILE.toml",
        help="the instrument",
    )
    _file_argument(
        p,
        "--pre",
        role="input",
        what="the earlier round (--pre)",
        metavar="FILE",
        help="an earlier round, for the pre/post change",
    )
    p.add_argument(
        "--id-column",
        metavar="NAME",
        help="column that pairs respondents across rounds (default: id; required with --pre)",
    )
    p.add_argument("--nps-column", metavar="NAME", help="0-10 'would you recommend' column")
    _add_output_argument(p, "write per-respondent scores (CSV; '-' for standard output)")
    p.set_defaults(func=_cmd_survey)


@_checked
def _cmd_survey(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    import warnings

    from mentormatch import surveys

    instrument = surveys.load_instrument(args.instrument)
    id_column = args.id_column or "id"
    post, pre = _read_rounds(args, instrument, id_column=id_column)
    scored = instrument.score(post.answers)
    _say(out, scored.summary())
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", surveys.SurveyWarning)
        reliability = surveys.cronbach_alpha(scored)
    _say(out, reliability.summary())
    for w in caught:
        _say(err, f"note: {w.message}")
    if args.nps_column:
        _say(out, surveys.nps(post.extra[args.nps_column]).summary())
    if pre is not None:
        _say(
            out,
            _change(
                args, instrument, pre=pre, post=post, scored=scored, id_column=id_column
            ).summary(),
        )
    _write_scores(args, post, scored, id_column=id_column, out=out, err=err)
    return EXIT_OK


def _read_rounds(
    args: argparse.Namespace, instrument: Instrument, *, id_column: str
) -> tuple[Responses, Responses | None]:
    """The responses, and the earlier round of ``--pre`` (None without it)."""
    require_id = bool(args.pre) or args.id_column is not None
    extra = {args.nps_column: (0.0, 10.0, "--nps-column")} if args.nps_column else {}
    post, pre = _gather(
        [
            (
                "the survey responses",
                lambda: read_responses(
                    args.responses,
                    instrument.items,
                    instrument.scale,
                    id_column=id_column,
                    require_id=require_id,
                    extra=extra,
                    what="the survey responses",
                ),
            ),
            (
                "the earlier round (--pre)",
                lambda: (
                    read_responses(
                        args.pre,
                        instrument.items,
                        instrument.scale,
                        id_column=id_column,
                        require_id=True,
                        what="the earlier round (--pre)",
                    )
                    if args.pre
                    else None
                ),
            ),
        ]
    )
    return post, pre


def _change(
    args: argparse.Namespace,
    instrument: Instrument,
    *,
    pre: Responses,
    post: Responses,
    scored: ScoredSurvey,
    id_column: str,
) -> PairedChange:
    """The change from the earlier round, respondents paired by id."""
    from mentormatch import surveys

    before = instrument.score(pre.answers)
    earlier = {pid: float(t) for pid, t in zip(pre.ids, before.total, strict=True)}
    pre_vals: list[float] = []
    post_vals: list[float] = []
    for pid, t in zip(post.ids, scored.total, strict=True):
        if pid in earlier:
            pre_vals.append(earlier[pid])
            post_vals.append(float(t))
    if not pre_vals:
        raise MentormatchError(
            f"no respondent of {args.responses} is in {args.pre} (compared by the "
            f"{id_column!r} column); check that both rounds use the same ids",
            field=id_column,
        )
    return surveys.pre_post(pre_vals, post_vals)


def _write_scores(
    args: argparse.Namespace,
    post: Responses,
    scored: ScoredSurvey,
    *,
    id_column: str,
    out: TextIO,
    err: TextIO,
) -> None:
    """Each respondent's scores to ``-o`` as CSV, when asked."""
    target = _target(args)
    if target is not None:
        names = list(scored.subscales)
        header = [id_column, "total", *names, "n_answered"]
        records = [
            [
                pid if pid is not None else "",
                *(
                    None if math.isnan(v) else float(v)
                    for v in (scored.total[k], *(scored.subscales[n][k] for n in names))
                ),
                int(scored.n_answered[k]),
            ]
            for k, pid in enumerate(post.ids)
        ]
        _write(target, write_csv(header, records), encoding="utf-8-sig", out=out)
        _say(_status(args, out, err), f"wrote {_written(args)}")
