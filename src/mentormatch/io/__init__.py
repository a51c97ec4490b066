"""Sign-ups in, results out: CSV, JSON and pandas DataFrames.

Reading
    :func:`read_signups` reads one CSV of sign-ups with a ``role`` column, or
    separate mentee and mentor files, or JSON, or pandas DataFrames, into
    :class:`~mentormatch.Mentee` and :class:`~mentormatch.Mentor` objects. It
    checks the whole input and raises one :class:`SignupsError` listing every
    problem (row, column, id and the fix), so a file is fixed in one pass.
    :func:`load_demo` returns the embedded demo programme.

Writing
    :func:`write_results` writes a match result as CSV (one row per mentee,
    one column per criterion contribution) or as lossless JSON, which
    :func:`read_results` reads back (for a DataFrame, use
    :meth:`MatchResult.to_dataframe`). :func:`write_signups` writes
    participants back in the sign-up format. Files are written to a temporary
    file and moved into place, so a failed write never leaves half a file.

Every text cell of a CSV export that a spreadsheet would run as a formula
(starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) is
neutralised with a leading apostrophe; the readers remove that apostrophe
again, so exports read back unchanged.

The file formats are described in ``docs/files.md``.

This package is the public face of the files; the rows are read and written
by the private ``mentormatch._files`` (one error style for every reader), and
its modules build the objects: :mod:`mentormatch.io.signups` (reading
sign-ups), ``mentormatch.io.fields`` (cells to participant fields),
:mod:`mentormatch.io.export` (writing sign-ups) and :mod:`mentormatch.io.results`.
"""

from __future__ import annotations

from mentormatch._files.writing import PathOrFile as PathOrFile
from mentormatch._problems import Problem
from mentormatch.io.export import write_signups
from mentormatch.io.results import RESULTS_FORMAT_VERSION as RESULTS_FORMAT_VERSION
from mentormatch.io.results import ResultsError, read_results, write_results
from mentormatch.io.signups import Signups, SignupsError, load_demo, read_signups
from mentormatch.io.signups import Source as Source

__all__ = [
    "Problem",
    "ResultsError",
    "Signups",
    "SignupsError",
    "load_demo",
    "read_results",
    "read_signups",
    "write_results",
    "write_signups",
]

# The errors show under the module users catch them from (``mentormatch.io.SignupsError``).
SignupsError.__module__ = ResultsError.__module__ = __name__
