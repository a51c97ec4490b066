"""Import the package before pytest collects any of its files.

The doctests of ``src/mentormatch`` are collected with ``--import-mode=importlib``;
were one of those files collected first (``pytest src/mentormatch/x.py tests/...``),
its module could exist twice, and a value built from one copy would not pickle as
the other's class. Importing the package here, once, gives every test the same
modules whatever the order of the paths on the command line.
"""

import mentormatch  # noqa: F401
