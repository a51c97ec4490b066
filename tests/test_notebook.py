"""docs/notebook.ipynb runs top to bottom in a real Jupyter kernel (nbclient with
ipykernel), from the docs folder as a reader would open it: sign-ups from Excel, a
match, DataFrames, figures in the reader's own axes, KPIs, a survey and the report.

Skips, saying why, where nbclient, nbformat or ipykernel is missing (all three are
in the dev extra), or where the notebook's own extras (pandas, matplotlib,
openpyxl) are not installed.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from typing import Any

import pytest

DOCS = Path(__file__).parents[1] / "docs"
NOTEBOOK = DOCS / "notebook.ipynb"
NEEDS = ("nbformat", "nbclient", "ipykernel", "pandas", "matplotlib", "openpyxl")


def _outputs(cell: Any) -> str:
    texts = []
    for out in cell.get("outputs", []):
        texts.append(out.get("text", ""))
        texts.append(str(out.get("data", {}).get("text/plain", "")))
    return "\n".join(texts)


@pytest.fixture(scope="module")
def executed() -> Any:
    missing = [name for name in NEEDS if importlib.util.find_spec(name) is None]
    if missing:
        pytest.skip(
            f"the notebook needs {', '.join(missing)} (pip install -e '.[dev]' brings them)"
        )
    import nbformat
    from jupyter_client.kernelspec import NoSuchKernel
    from nbclient import NotebookClient

    notebook = nbformat.read(NOTEBOOK, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": str(DOCS)}},  # run where the reader opens it
        allow_errors=False,
    )
    try:
        client.execute()
    except NoSuchKernel as exc:  # pragma: no cover - ipykernel without its kernel spec
        pytest.skip(f"no Jupyter kernel named python3 ({exc})")
    return notebook


def test_the_notebook_is_stored_without_outputs() -> None:
    import json

    cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    code = [c for c in cells if c["cell_type"] == "code"]
    assert code and all(c["outputs"] == [] and c["execution_count"] is None for c in code)


def test_the_notebook_uses_only_public_api() -> None:
    text = NOTEBOOK.read_text(encoding="utf-8")
    assert not re.search(r"mentormatch\._|from mentormatch import _|\b_tables\b|\b_report\b", text)


def test_it_runs_top_to_bottom(executed: Any) -> None:
    code = [c for c in executed.cells if c.cell_type == "code"]
    assert all(c.execution_count for c in code)
    errors = [o for c in code for o in c.outputs if o.output_type == "error"]
    assert errors == []


def test_each_step_shows_what_it_promises(executed: Any) -> None:
    code = [c for c in executed.cells if c.cell_type == "code"]
    text = {k: _outputs(c) for k, c in enumerate(code)}
    by_source = {c.source.splitlines()[0]: _outputs(c) for c in code}
    assert "(61, 25)" in by_source["mentees, mentors = mm.read_signups(frame)"]  # from Excel
    assert (
        "MatchResult(61 mentees: 58 matched" in by_source["matcher = mm.presets.career_guidance()"]
    )
    assert "mentee_id" in by_source["matches = result.to_dataframe()"]
    figures = [
        o
        for c in code
        for o in c.outputs
        if o.output_type == "display_data" and "image/png" in o.data
    ]
    assert len(figures) == 1  # the two plots, drawn into the notebook's own figure
    assert (
        "22/35 = 62.9%"
        in by_source["completion = kpis.completion_rate(relationships, as_of=as_of)"]
    )
    assert (
        "Cronbach's alpha"
        in by_source['instrument = surveys.load_instrument("example_instrument.toml")']
    )
    last = text[len(code) - 1]
    assert "Verdict: 1 of 4 targets is met" in last and "The report: report.html" in last
