"""Bylines: 'By Jill Serjeant', 'By A. Smith and B. Jones, Reuters', 'Von Max Muster'."""

from __future__ import annotations

import re

_BYLINE = re.compile(
    r"^(?:by|von|par|por|di|door|av|af|przez)\s+(?P<names>[^\W\d_][^|•\n]{1,150}?)\s*"
    r"(?:[|•,]\s*(?:Reuters|Bloomberg|AP|AFP|Associated Press|Staff|Correspondent|"
    r"Updated|Published|\w+ \d{1,2}).*)?$",
    re.IGNORECASE,
)
_SPLIT = re.compile(r"\s*(?:,|&|\band\b|\bund\b|\bet\b|\by\b|\be\b)\s*", re.IGNORECASE)
_NAME = re.compile(r"^[^\W\d_][\w.'\u2019-]*(?:\s+[^\W\d_][\w.'\u2019-]*){0,4}$")


def parse_byline(text: str) -> tuple[str, ...]:
    """Author names from a byline block; empty when the block is not a byline."""
    t = text.strip()
    if len(t.split()) > 16:
        return ()
    m = _BYLINE.match(t)
    if not m:
        return ()
    names = []
    for part in _SPLIT.split(m.group("names")):
        part = part.strip(" .")
        if part and _NAME.match(part) and part[0].isupper():
            names.append(part)
    return tuple(names)
