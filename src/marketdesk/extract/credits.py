"""Syndication credits and copyright notices: who first published a story.

'This article originally appeared in the South China Morning Post (SCMP) ...'
gives origin 'South China Morning Post'. Rules here are about the grammar of
credits, which is much the same across sites, not about any one site.
"""

from __future__ import annotations

import re

# An organisation name: capitalised words, with a few lower-case joiners inside.
_ORG = (
    r"(?P<org>(?:[A-Z][\w.&'\u2019-]*|[0-9]+)"
    r"(?:\s+(?:(?:of|and|for|the|de|du|des|der|die|la|le|el|&)\s+)?(?:[A-Z][\w.&'\u2019-]*|[0-9]+))*)"
)
_SYNDICATION = [
    re.compile(
        r"\b(?:originally|first)\s+(?:appeared|published|ran|posted)\s+(?:in|on|at|by)\s+"
        r"(?:the\s+)?" + _ORG
    ),
    re.compile(
        r"\b(?:was|is)\s+(?:republished|reprinted|reproduced)\s+(?:with\s+permission\s+)?"
        r"(?:from|of|by)\s+(?:the\s+)?" + _ORG
    ),
    re.compile(r"^\s*(?:Distributed|Syndicated|Provided)\s+by\s+(?:the\s+)?" + _ORG),
    re.compile(
        r"^\s*(?:Source|Quelle|Fuente|Fonte|Źródło)\s*:\s*(?:the\s+)?" + _ORG + r"\s*\.?\s*$"
    ),
    re.compile(r"\bThis\s+(?:article|story|content)\s+(?:is\s+)?(?:from|by)\s+(?:the\s+)?" + _ORG),
]
_WIRE_DATELINE = re.compile(
    r"^[A-Z][A-Z .,'\-/]{1,60}\((?P<org>Reuters|AP|AFP|Bloomberg|Xinhua|dpa|UPI|Kyodo|"
    r"Dow Jones|MarketWatch|CNW|PRNewswire|Business Wire|GLOBE NEWSWIRE)\)\s*[-\u2013\u2014]"
)
_WIRE_NAMES = {
    "AP": "Associated Press",
    "AFP": "Agence France-Presse",
    "dpa": "Deutsche Presse-Agentur",
    "UPI": "United Press International",
}
_COPYRIGHT = re.compile(
    r"^\s*(?:copyright\b|\u00a9|\(c\)\s*\d{4})|\ball rights reserved\b"
    r"|\btous droits r[ée]serv[ée]s\b"
    r"|\balle rechte vorbehalten\b|\btodos los derechos reservados\b",
    re.IGNORECASE,
)
_COPYRIGHT_HOLDER = re.compile(
    r"(?:copyright|\u00a9|\(c\))\s*(?:\u00a9|\(c\))?\s*(?:\d{4}(?:\s*[-\u2013]\s*\d{4})?)?[.,]?\s*"
    r"(?:the\s+)?" + _ORG,
    re.IGNORECASE,
)
_CORPORATE_SUFFIX = re.compile(
    r"\s+(?:Publishers?|Publishing|Media|Group|Holdings|Ltd\.?|Limited|Inc\.?|LLC|Corp\.?|"
    r"Co\.?|GmbH|AG|S\.A\.|plc|PLC)\b.*$"
)
_MAX_WORDS = 80


def syndication_origin(text: str) -> str | None:
    """The original publisher named by a syndication credit, if the block is one."""
    if len(text.split()) > _MAX_WORDS:
        return None
    for rx in _SYNDICATION:
        m = rx.search(text)
        if m:
            org = _clean_org(m.group("org"))
            if org:
                return org
    return None


def wire_dateline_origin(text: str) -> str | None:
    """'LOS ANGELES (Reuters) - ...' opens wire copy; the wire is the origin."""
    m = _WIRE_DATELINE.match(text)
    if not m:
        return None
    org = m.group("org")
    return _WIRE_NAMES.get(org, org)


def is_copyright(text: str) -> bool:
    return len(text.split()) <= 40 and bool(_COPYRIGHT.search(text))


def copyright_holder(text: str) -> str | None:
    m = _COPYRIGHT_HOLDER.search(text)
    if not m:
        return None
    return _clean_org(_CORPORATE_SUFFIX.sub("", m.group("org"))) or None


def _clean_org(org: str) -> str:
    org = org.strip(" .,;:")
    # Credits often end the name with a sentence: drop a trailing 'The'/'All' that starts it.
    org = re.sub(r"\s+(?:The|All|For|This|It|In|Copyright)$", "", org)
    return org.strip(" .,;:")
