"""Numbers as pages print them: signs, arrows, and the separators of many locales."""

from __future__ import annotations

import re

# A sign or direction marker. Unicode minus and dashes are common in typeset strips.
SIGN = r"[+\-\u2212\u2013\u2014\u25b2\u25bc\u25b4\u25be\u2191\u2193]"
_NEG = frozenset("-\u2212\u2013\u2014\u25bc\u25be\u2193")
# A grouped or plain number; group separators: comma, dot, apostrophe, (narrow) no-break space.
NUMBER = (
    r"(?:\d{1,3}(?:(?:[,.'\u2019]|[ \u00a0\u202f](?=\d{3}(?!\d)))\d{3})+(?:[.,]\d+)?"
    r"|\d+(?:[.,]\d+)?)"
)
SIGNED = rf"(?:{SIGN}\s?)?{NUMBER}"
_SPACES = str.maketrans("", "", " \u00a0\u202f'\u2019")


def guess_decimal_separator(tokens: list[str]) -> str:
    """Pick ',' or '.' for a group of numbers printed together (a strip, a table).

    A token with both separators tells it outright; otherwise a comma followed by
    one, two or four-plus digits at the end can only be a decimal comma.
    """
    for tok in tokens:
        t = tok.translate(_SPACES)
        if "," in t and "." in t:
            return "," if t.rfind(",") > t.rfind(".") else "."
    for tok in tokens:
        t = tok.translate(_SPACES)
        if re.search(r",(\d{1,2}|\d{4,})$", t) and "." not in t:
            return ","
    return "."


def parse_number(token: str, decimal: str = ".") -> float:
    """Parse one printed number, sign and arrows included. Raises ValueError."""
    t = token.strip()
    negative = False
    while t and (t[0] in _NEG or t[0] in "+\u25b2\u25b4\u2191" or t[0].isspace()):
        negative = negative or t[0] in _NEG
        t = t[1:]
    t = t.translate(_SPACES)
    t = t.replace(".", "").replace(",", ".") if decimal == "," else t.replace(",", "")
    if not re.fullmatch(r"\d+(?:\.\d+)?", t):
        raise ValueError(f"not a number: {token!r}")
    value = float(t)
    return -value if negative else value


def decimals_of(token: str, decimal: str = ".") -> int:
    t = token.strip().translate(_SPACES)
    if decimal not in t:
        return 0
    return len(t) - t.rfind(decimal) - 1
