"""Tables in and out (private): every reader and writer of files as plain rows.

Each package builds its own objects from these rows (``mentormatch.io`` the
participants and results, ``mentormatch.kpis`` the relationships,
``mentormatch.surveys`` the responses), and every reader reports the problems
of a file all at once, each with its file, row, column, id and the fix
(:mod:`mentormatch._problems`).
"""
