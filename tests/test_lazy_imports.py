"""``import mentormatch`` is quick: heavy libraries are imported at first use.

Each check runs in a fresh interpreter (this one has imported everything
already) and reads ``sys.modules``; it is a behaviour, not a timing. The timing
is measured by ``benchmarks/import_time.py``.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

import mentormatch

#: Never imported by ``import mentormatch`` itself.
HEAVY = ("pandas", "matplotlib", "sklearn", "scipy.stats", "openpyxl", "icalendar", "ortools")


def _imported_after(code: str) -> set[str]:
    """The names in ``sys.modules`` after running ``code`` in a fresh interpreter."""
    probe = f"import sys\n{code}\nimport json\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    ).stdout
    return set(json.loads(out.splitlines()[-1]))


def test_import_mentormatch_imports_no_heavy_library() -> None:
    loaded = _imported_after("import mentormatch")
    assert loaded.isdisjoint(HEAVY), sorted(loaded & set(HEAVY))
    assert not any(name == "scipy" or name.startswith("scipy.") for name in loaded)


@pytest.mark.parametrize(
    "names",
    [
        "Mentee, mm.Mentor, mm.validate_programme",
        "Matcher, mm.GoalOverlap, mm.MatchResult",
        "read_signups, mm.write_results",
    ],
)
def test_matching_names_do_not_import_statistics_or_dataframes(names: str) -> None:
    loaded = _imported_after(f"import mentormatch as mm\nmm.{names}")
    assert loaded.isdisjoint(HEAVY), sorted(loaded & set(HEAVY))


@pytest.mark.parametrize("package", ["kpis", "surveys", "followup", "lifecycle", "plot"])
def test_subpackages_import_no_optional_library(package: str) -> None:
    loaded = _imported_after(f"import mentormatch.{package}")
    assert loaded.isdisjoint(HEAVY), sorted(loaded & set(HEAVY))


def test_a_match_still_runs_from_a_fresh_interpreter() -> None:
    code = (
        "import mentormatch as mm\n"
        "r = mm.Matcher(criteria=[mm.GoalOverlap()]).match("
        "[mm.Mentee(id='e1', goals=['sql'])], [mm.Mentor(id='m1', goals=['sql'])])\n"
        "assert r.matches[0].mentor_id == 'm1'"
    )
    assert "scipy.optimize" in _imported_after(code)


def test_every_lazy_name_is_in_all_and_resolves_to_its_module() -> None:
    lazy = mentormatch._LAZY
    assert set(lazy) == set(mentormatch.__all__) - {"__version__"}
    for name, module in lazy.items():
        value = getattr(mentormatch, name)
        if module:
            assert value is getattr(sys.modules[f"mentormatch.{module}"], name), name
        else:
            assert value is sys.modules[f"mentormatch.{name}"], name


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'Matchr'"):
        mentormatch.Matchr  # noqa: B018
    assert "Matcher" in dir(mentormatch)


def test_from_import_star_gives_every_public_name() -> None:
    namespace: dict[str, object] = {}
    exec("from mentormatch import *", namespace)
    assert set(mentormatch.__all__) <= set(namespace)


def test_the_type_checking_imports_name_the_same_modules_as_the_lazy_table() -> None:
    tree = ast.parse(Path(mentormatch.__file__).read_text(encoding="utf-8"))
    block = next(
        node
        for node in tree.body
        if isinstance(node, ast.If)
        and isinstance(node.test, ast.Name)
        and node.test.id == "TYPE_CHECKING"
    )
    imported = {
        alias.name: (node.module or "").removeprefix("mentormatch").lstrip(".")
        for node in block.body
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }
    assert imported == mentormatch._LAZY
