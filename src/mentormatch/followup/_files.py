"""The one door from ``followup`` to the project's file helpers (private).

The atomic writer (outputs never cost an input; a failed write leaves the
old file whole), the spreadsheet-formula neutraliser and the TOML reader live
in ``mentormatch._files`` (``outputs``, ``tables``, ``toml``). Every other
module of this package imports them from here, so a change there changes
this file only.
"""

from __future__ import annotations

from mentormatch._files.outputs import write_path
from mentormatch._files.tables import neutralise
from mentormatch._files.toml import load as load_toml
from mentormatch._files.toml import loads as loads_toml

__all__ = ["load_toml", "loads_toml", "neutralise", "write_path"]
