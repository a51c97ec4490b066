"""Check that the built API reference documents every public name.

Usage (from the repository root, after the Sphinx build)::

    python tools/check_docs.py build/docs/html

A name is public when it is in the ``__all__`` of a module whose dotted path
has no part starting with an underscore (``mentormatch.cli`` and its modules
are the command line, documented by ``--help``, and left out). Each public object must appear
in the reference under at least one of its public names: ``mm.GoalOverlap``
may be documented as ``mentormatch.GoalOverlap`` or as
``mentormatch.criteria.GoalOverlap``. Every module re-exported by
``mentormatch`` (``mm.kpis``, ``mm.surveys``, ...) must have its own page.

autodoc leaves out a member that has no docstring without a warning, so this
check is what notices a public function that lost its docstring, or a new
public module that has no page yet. It reads Sphinx's ``objects.inv`` (the
format intersphinx reads: four header lines, then zlib-compressed lines
``name domain:role priority uri display-name``). Exit status 0 when complete,
1 with one line per missing name otherwise.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
import types
import zlib
from collections.abc import Iterable, Sequence
from pathlib import Path

PACKAGE = "mentormatch"
NOT_API = frozenset({"mentormatch.cli"})


def read_inventory(path: Path) -> dict[str, str]:
    """Map each documented Python name to its role (``py:class``, ``py:function``...)."""
    data = path.read_bytes()
    lines = data.split(b"\n", 4)
    if len(lines) < 5 or not lines[0].startswith(b"# Sphinx inventory version 2"):
        raise ValueError(f"{path}: not a Sphinx inventory (version 2)")
    if b"zlib" not in lines[3]:
        raise ValueError(f"{path}: the inventory body is not zlib-compressed")
    body = zlib.decompress(lines[4]).decode("utf-8")
    names: dict[str, str] = {}
    for line in body.splitlines():
        # the name may contain spaces only for non-Python domains (labels, terms)
        parts = line.split(" ", 4)
        if len(parts) >= 4 and parts[1].startswith("py:"):
            names[parts[0]] = parts[1]
    return names


def public_modules(package: types.ModuleType) -> list[types.ModuleType]:
    """The package and its submodules whose dotted path has no private part."""
    found = [package]
    for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        parts = info.name.split(".")
        if any(p.startswith("_") for p in parts) or ".".join(parts[:2]) in NOT_API:
            continue
        found.append(importlib.import_module(info.name))
    return found


def public_objects(modules: Iterable[types.ModuleType]) -> dict[int, tuple[object, set[str]]]:
    """Group every public name by the object it names (one object, several names)."""
    objects: dict[int, tuple[object, set[str]]] = {}
    for module in modules:
        for name in getattr(module, "__all__", ()):
            if name.startswith("__"):
                continue  # __version__ and friends
            obj = getattr(module, name)
            if isinstance(obj, types.ModuleType):
                continue  # modules are checked by their own pages
            entry = objects.setdefault(id(obj), (obj, set()))
            entry[1].add(f"{module.__name__}.{name}")
    return objects


def missing_names(
    documented: dict[str, str], package: types.ModuleType, modules: Sequence[types.ModuleType]
) -> list[str]:
    """One message per public object or re-exported module absent from the reference."""
    problems = []
    for _, names in public_objects(modules).values():
        if not names & documented.keys():
            problems.append(
                f"{' / '.join(sorted(names))}: not in the API reference "
                "(no docstring, or no page documents its module)"
            )
    for name in getattr(package, "__all__", ()):
        value = getattr(package, name)
        if isinstance(value, types.ModuleType) and documented.get(value.__name__) != "py:module":
            problems.append(f"{value.__name__}: no page in docs/api/ (add one and list it)")
    return sorted(problems)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("html", type=Path, help="the Sphinx HTML output folder")
    args = parser.parse_args(argv)
    inventory = args.html / "objects.inv"
    if not inventory.is_file():
        print(f"{inventory}: not found; build the docs first", file=sys.stderr)
        return 1
    documented = read_inventory(inventory)
    package = importlib.import_module(PACKAGE)
    modules = public_modules(package)
    problems = missing_names(documented, package, modules)
    for line in problems:
        print(line, file=sys.stderr)
    if problems:
        print(f"{len(problems)} public name(s) missing from the API reference", file=sys.stderr)
        return 1
    n = len(public_objects(modules))
    print(f"API reference: all {n} public objects of {len(modules)} public modules documented")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
