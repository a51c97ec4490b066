"""The exception of mentormatch.

::

    ValueError
     └── MentormatchError        every bad input the library detects itself
    pydantic.ValidationError      bad participant fields (also a ValueError)

Errors carry data as well as text: ``field``, ``participant_id`` and ``value``
when they are known, so a tool can point at the cell to fix.
"""

from __future__ import annotations

from typing import Any


class MentormatchError(ValueError):
    """Bad input detected by mentormatch.

    Parameters
    ----------
    message : str
        What is wrong, naming the field, the id and the fix.
    field : str, optional
        The field or column at fault.
    participant_id : str, optional
        The participant (or row) at fault.
    value : object, optional
        The offending value.

    Examples
    --------
    >>> err = MentormatchError("mentor 'm1': capacity must be >= 0", field="capacity",
    ...                        participant_id="m1", value=-1)
    >>> isinstance(err, ValueError), err.field, err.participant_id
    (True, 'capacity', 'm1')
    """

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        participant_id: str | None = None,
        value: Any = None,
    ) -> None:
        super().__init__(message)
        self.field = field
        self.participant_id = participant_id
        self.value = value


class FileEncodingWarning(UserWarning):
    """A file was read in an encoding other than UTF-8 (a guess that may be wrong).

    The message names the file and the encoding used; the cure is to save the
    file as UTF-8 ("CSV UTF-8" in Excel). Silence it with ``warnings.filterwarnings``.

    Examples
    --------
    >>> issubclass(FileEncodingWarning, UserWarning)
    True
    """
