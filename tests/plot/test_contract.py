"""What every plot function promises: it draws into the given Axes and nowhere
else, makes one new figure without one, returns the Axes, changes no global
state, never shows, takes its options by keyword, and renders."""

from __future__ import annotations

import inspect
import io
import subprocess
import sys
import warnings
from typing import Any

import matplotlib as mpl
import matplotlib.pyplot as plt
import pytest
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from mentormatch import plot
from tests.plot.samples import cases

NAMES = sorted(cases())
PUBLIC = [getattr(plot, name) for name in plot.__all__]


def _state(ax: Axes) -> tuple[Any, ...]:
    """What a plot would change on an Axes it drew into."""
    return (
        len(ax.get_children()),
        ax.get_title(),
        ax.get_xlabel(),
        ax.get_ylabel(),
        ax.get_xlim(),
        ax.get_ylim(),
        ax.get_legend(),
        len(ax.texts),
    )


@pytest.mark.parametrize("name", NAMES)
def test_draws_into_the_given_axes_of_a_users_grid_only(name: str) -> None:
    fig = Figure(figsize=(12, 8))
    grid = fig.subplots(2, 2)
    grid[0, 0].plot([0, 1], [1, 0], label="the user's own line")
    before = {i: _state(a) for i, a in enumerate(grid.flat)}
    target = grid[1, 0]
    got = cases()[name].draw(ax=target)
    assert got is target
    assert fig.axes == list(grid.flat)  # no new Axes (no twin, no colour bar, no inset)
    for i, a in enumerate(grid.flat):
        if a is not target:
            assert _state(a) == before[i], f"drew into Axes {i}"
    assert _state(target) != before[2]
    assert plt.get_fignums() == []  # pyplot was not asked for a figure
    fig.savefig(io.BytesIO(), format="png", dpi=30)


@pytest.mark.parametrize("name", NAMES)
def test_without_ax_draws_in_a_new_figure_not_the_current_one(name: str) -> None:
    current = plt.figure()
    current_ax = current.subplots()
    current_ax.plot([1, 2, 3])
    before = _state(current_ax)
    got = cases()[name].draw()
    assert isinstance(got, Axes)
    assert got.figure is not current
    assert len(plt.get_fignums()) == 2
    assert got.figure.axes == [got]
    assert _state(current_ax) == before
    assert got.get_title()


@pytest.mark.parametrize("name", NAMES)
def test_changes_no_global_state_and_never_shows(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_show(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("plt.show was called")

    monkeypatch.setattr(plt, "show", no_show)
    monkeypatch.setattr(Figure, "show", no_show)
    filters = list(warnings.filters)
    backend = mpl.get_backend()
    with mpl.rc_context():
        mpl.rcdefaults()  # from a known state: a change made by an earlier test shows too
        rc = dict(mpl.rcParams)
        ax = cases()[name].draw(ax=Figure().subplots())
        ax.figure.savefig(io.BytesIO(), format="png", dpi=30)
        assert dict(mpl.rcParams) == rc
    assert warnings.filters == filters
    assert mpl.get_backend() == backend


@pytest.mark.parametrize("name", NAMES)
def test_the_same_input_draws_the_same_picture(name: str) -> None:
    def png() -> bytes:
        fig = Figure(figsize=(8, 4), layout="constrained")
        cases()[name].draw(ax=fig.subplots())
        out = io.BytesIO()
        fig.savefig(out, format="png", dpi=60, metadata={"Software": None})
        return out.getvalue()

    first = png()
    assert first.startswith(b"\x89PNG\r\n\x1a\n")
    assert png() == first


@pytest.mark.parametrize("func", PUBLIC, ids=lambda f: f.__name__)
def test_options_are_keyword_only_and_ax_defaults_to_none(func: Any) -> None:
    params = inspect.signature(func).parameters
    assert params["ax"].kind is inspect.Parameter.KEYWORD_ONLY
    assert params["ax"].default is None
    kinds = [p.kind for p in params.values()]
    first_keyword = kinds.index(inspect.Parameter.KEYWORD_ONLY)
    assert all(k is inspect.Parameter.KEYWORD_ONLY for k in kinds[first_keyword:])
    assert inspect.signature(func).return_annotation == "Axes"
    assert func.__doc__ and "Examples" in func.__doc__


def test_every_public_function_has_a_case() -> None:
    drawn = {case.func for case in cases().values()}
    assert drawn == set(PUBLIC)


# ------------------------------------------------------------------ the optional extra
_BLOCK_MATPLOTLIB = (
    "import sys\n"
    "tried = []\n"
    "class Block:\n"
    "    def find_spec(self, name, path=None, target=None):\n"
    "        if name == 'matplotlib' or name.startswith('matplotlib.'):\n"
    "            tried.append(name)\n"
    "            raise ImportError('blocked: ' + name)\n"
    "sys.meta_path.insert(0, Block())\n"
)


def test_without_matplotlib_the_module_imports_and_each_call_says_what_to_install() -> None:
    code = _BLOCK_MATPLOTLIB + (
        "from datetime import date\n"
        "import mentormatch as mm\n"
        "from mentormatch import kpis, plot, surveys\n"
        "print('tried at import:', tried)\n"
        "rels = kpis.load_demo_relationships()\n"
        "b = kpis.breakdown('completion_rate', rels, by='cohort', as_of=date(2026, 3, 1))\n"
        "calls = [\n"
        "    lambda: plot.breakdown(b),\n"
        "    lambda: plot.kpis_vs_targets({'x': kpis.proportion(1, 2)}),\n"
        "    lambda: plot.meeting_cadence(kpis.meeting_cadence(rels, date(2026, 3, 1))),\n"
        "    lambda: plot.reliability(surveys.cronbach_alpha([[1, 2], [2, 3], [3, 3]])),\n"
        "    lambda: plot.score_distribution(None),\n"
        "    lambda: plot.time_to_match({'a': '2025-01-01'}, {}, '2025-02-01'),\n"
        "]\n"
        "for call in calls:\n"
        "    try:\n"
        "        call()\n"
        "    except ImportError as exc:\n"
        "        print(type(exc).__name__, exc)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    first, *lines = done.stdout.splitlines()
    # import mentormatch (and mentormatch.plot) never even tries matplotlib
    assert first == "tried at import: []"
    names = [
        "breakdown",
        "kpis_vs_targets",
        "meeting_cadence",
        "reliability",
        "score_distribution",
        "time_to_match",
    ]
    assert lines == [
        f"ImportError mentormatch.plot.{name} needs matplotlib: "
        "pip install 'mentormatch-engine[plot]'"
        for name in names
    ]


@pytest.mark.parametrize("name", NAMES)
def test_a_new_figure_holds_everything_drawn(name: str) -> None:
    """Nothing is cut off at the figure's edges: titles, legends, notes to the right."""
    ax = cases()[name].draw()
    fig = ax.figure
    fig.canvas.draw()
    box = ax.get_tightbbox(fig.canvas.get_renderer())
    assert box is not None
    edge = fig.bbox
    assert box.x0 >= edge.x0 - 1 and box.y0 >= edge.y0 - 1, (box, edge)
    assert box.x1 <= edge.x1 + 1 and box.y1 <= edge.y1 + 1, (box, edge)
