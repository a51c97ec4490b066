"""The one door from ``followup`` to the project's file helpers (private).

The atomic writer (outputs never cost an input; a failed write leaves the
old file whole), the spreadsheet-formula neutraliser and the TOML reader live
today in ``mentormatch._outputs``, ``mentormatch._files.tables`` and
``mentormatch._toml``; the architecture redesign moves them into
``mentormatch._files``. Every other module of this package imports them from
here, so that move changes this file only.
"""

from __future__ import annotations

from mentormatch._files.tables import neutralise
from mentormatch._outputs import write_path
from mentormatch._toml import load as load_toml
from mentormatch._toml import loads as loads_toml

__all__ = ["load_toml", "loads_toml", "neutralise", "write_path"]
