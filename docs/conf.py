"""Sphinx configuration: the guides in this folder and the API reference.

Build (from the repository root, after ``pip install -e ".[dev,docs]"``)::

    sphinx-build -E -W --keep-going -b html docs build/docs/html

``-W`` turns every warning into an error, as in CI. The output goes under
``build/``, which git ignores. Docstrings are numpy-style and rendered by
numpydoc; the guides are Markdown, read by MyST.
"""

from __future__ import annotations

import re
from pathlib import Path

_ROOT = Path(__file__).resolve().parents[1]
_INIT = (_ROOT / "src" / "mentormatch" / "__init__.py").read_text(encoding="utf-8")
_VERSION = re.search(r'^__version__ = "([^"]+)"', _INIT, flags=re.MULTILINE)

project = "mentormatch"
author = "mentormatch developers"
copyright = "2026, mentormatch developers"
release = _VERSION.group(1) if _VERSION else "unknown"
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.viewcode",
    "numpydoc",
    "myst_parser",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build"]

# autodoc: the documented objects are imported from the installed package, so
# the reference shows what `import mentormatch` gives. Members follow each
# module's ``__all__``; private helpers stay out.
autodoc_default_options = {
    "members": True,
    # pydantic's configuration dict is an implementation detail of the records
    "exclude-members": "model_config",
}
autodoc_member_order = "bysource"
autodoc_typehints = "signature"

# numpydoc: the docstrings' own Attributes sections describe the fields, so no
# generated member tables (they would need autosummary stub pages).
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False

# MyST: the guides link to each other's sections (files.md#the-programme-file-toml).
myst_heading_anchors = 3

html_theme = "furo"
html_title = f"mentormatch {release}"
html_show_sourcelink = False


def _protocol_signature(
    app: object,
    what: str,
    name: str,
    obj: object,
    options: object,
    signature: str | None,
    return_annotation: str | None,
) -> tuple[str | None, str | None] | None:
    """Show a Protocol without the ``(*args, **kwargs)`` it inherits: it is a
    shape to follow, not a class to call."""
    if what == "class" and getattr(obj, "_is_protocol", False):
        return "", return_annotation
    return None


def setup(app: object) -> None:
    app.connect("autodoc-process-signature", _protocol_signature)  # type: ignore[attr-defined]
