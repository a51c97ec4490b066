"""Text from data, made safe for where it goes: a terminal, Markdown, HTML.

Group names, ids, reasons and notes come from the user's files. Each function
here takes such a text and returns it so that it reads as plain text where it
lands, and can neither forge a line, drive a terminal, nor turn into markup:

* :func:`plain` (terminals, text reports): control characters (ESC and the
  rest of C0 and C1, DEL, line and paragraph separators, bidirectional
  overrides) are shown as escapes such as ``\\x1b`` and ``\\n``.
* :func:`markdown`: :func:`plain`, then HTML's ``& < >`` as entities and
  Markdown's inline syntax (``\\ ` * _ [ ] | ~ $ !``) backslash-escaped.
* :func:`html`: :func:`plain`, then :func:`html.escape` (quotes too).

Plot labels from data are drawn with ``parse_math=False`` and ``usetex=False``
(see :mod:`mentormatch.kpis.report`), so a ``$`` in a group name is a dollar sign.
"""

from __future__ import annotations

import html as _html
import re

__all__ = ["html", "markdown", "of_yours", "ordinal", "plain"]

# C0 and C1 controls, DEL, line/paragraph separators, bidi marks, embeddings,
# overrides and isolates
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_MARKDOWN = re.compile(r"([\\`*_\[\]|~$!])")


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def ordinal(n: int) -> str:
    """``1st``, ``2nd``, ``3rd``, ``4th`` ... ``11th``, ``12th``, ``13th``, ``21st``.

    Examples
    --------
    >>> [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 112)]
    ['1st', '2nd', '3rd', '4th', '11th', '12th', '13th', '21st', '112th']
    """
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def of_yours(k: int, n: int, noun: str, nouns: str) -> str:
    """``k`` (at least 1) of the mentee's ``n`` things, in words: no "1 of your 1 goals".

    Examples
    --------
    >>> [of_yours(k, n, "goal", "goals") for k, n in ((1, 1), (2, 2), (3, 3), (1, 3), (2, 3))]
    ['your goal', 'both of your goals', 'all 3 of your goals', 'one of your 3 goals', '2 of your 3 goals']
    """
    if n == 1:
        return f"your {noun}"
    if k == n:
        return f"both of your {nouns}" if n == 2 else f"all {n} of your {nouns}"
    return f"{'one' if k == 1 else k} of your {n} {nouns}"


def plain(text: object) -> str:
    """``text`` with every control character shown as an escape.

    Examples
    --------
    >>> plain("Sales\\x1b[2J\\nTotal: 100%")
    'Sales\\\\x1b[2J\\\\nTotal: 100%'
    >>> plain("Eng \\u202egnirts")
    'Eng \\\\u202egnirts'
    """
    return _CONTROL.sub(_escape, str(text))


def markdown(text: object) -> str:
    """``text`` for a Markdown line or table cell: no HTML, no markup, no new cell.

    Examples
    --------
    >>> markdown("<img src=x onerror=alert(1)> | **bold** [link](http://x)")
    '&lt;img src=x onerror=alert(1)&gt; \\\\| \\\\*\\\\*bold\\\\*\\\\* \\\\[link\\\\](http://x)'
    """
    escaped = _html.escape(plain(text), quote=False)
    return _MARKDOWN.sub(r"\\\1", escaped)


def html(text: object) -> str:
    """``text`` for HTML text or an attribute value.

    Examples
    --------
    >>> html('"><script>alert(1)</script>')
    '&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;'
    """
    return _html.escape(plain(text), quote=True)
