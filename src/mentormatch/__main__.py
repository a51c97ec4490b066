"""``python -m mentormatch``: the same as the ``mentormatch`` command."""

from __future__ import annotations

import sys

from mentormatch.cli import main

if __name__ == "__main__":
    sys.exit(main())
