"""Syndication credits and copyright notices: who first published a story.

'This article originally appeared in the South China Morning Post (SCMP) ...'
gives origin 'South China Morning Post'. Rules here are about the grammar of
credits, which is much the same across sites, not about any one site.
"""

from __future__ import annotations

import re

# An organisation name: capitalised words, with a few lower-case joiners inside.
# A word of a name: an initialism ('U.S.'), a short abbreviation before another name word
# ('St. Louis'), or a capitalised word without a dot, so that a sentence's full stop ends the
# name ('appeared in The Conversation. Read more' gives 'The Conversation'); 'dpa' is lower-case.
_ORG_WORD = (
    r"(?:[A-Z](?:\.[A-Z])+\.?|[A-Z][a-z]{0,2}\.(?=\s+[A-Z])|[A-Z][\w&'\u2019-]*|[0-9]+|dpa\b)"
)
_ORG = (
    rf"(?P<org>{_ORG_WORD}"
    rf"(?:\s+(?:(?:of|and|for|the|de|du|des|der|die|la|le|el|&)\s+)?{_ORG_WORD})*)"
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
_WIRES = (
    r"Reuters|AP|AFP|Bloomberg|Xinhua|dpa|UPI|Kyodo|Dow Jones|MarketWatch|CNW|PRNewswire|"
    r"Business Wire|GLOBE NEWSWIRE|Associated Press|Agence France-Presse|Canadian Press|"
    r"The Canadian Press|CP|PA|ANSA|EFE|Yonhap|Bernama|IANS|PTI|Anadolu|APA|SDA|Belga|NTB|TT"
)
# 'LOS ANGELES (Reuters) -' or a bare '(Reuters) -' at the start of the story.
_WIRE_DATELINE = re.compile(
    r"^(?:[A-Z][A-Za-z0-9 .,'\-/]{1,60}\s*)?\((?P<org>" + _WIRES + r")\)\s*[-\u2013\u2014]"
)
# 'Copyright 2024 The Associated Press. All rights reserved.': the wire is the origin.
_WIRE_IN_COPYRIGHT = re.compile(
    r"\b(?P<org>Associated Press|Reuters|Agence France-Presse|AFP|Bloomberg(?: L\.P\.)?|"
    r"Deutsche Presse-Agentur|dpa|Canadian Press|Dow Jones|Xinhua|Kyodo|ANSA|EFE|Yonhap)\b"
)
_WIRE_NAMES = {
    "AP": "Associated Press",
    "AFP": "Agence France-Presse",
    "dpa": "Deutsche Presse-Agentur",
    "UPI": "United Press International",
    "CP": "The Canadian Press",
    "Canadian Press": "The Canadian Press",
    "PA": "PA Media",
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
MAX_CREDIT_WORDS = 80  # a credit is a sentence or two; longer blocks are not read


# Every credit pattern needs one of these words; most blocks have none and skip the patterns.
_CREDIT_CUE = re.compile(
    r"originally|\bfirst\s+(?:appeared|published|ran|posted)|republish|reprint|reproduc|"
    r"^\s*(?:distributed|syndicated|provided|source|quelle|fuente|fonte|źródło)\b|"
    r"\bthis\s+(?:article|story|content)\b"
)
_COPYRIGHT_CUE = re.compile(r"©|\(c\)|copyright|rights|droits|rechte|derechos")


def syndication_origin(text: str) -> str | None:
    """The original publisher named by a syndication credit, if the block is one."""
    if (
        len(text) > 1200
        or len(text.split()) > MAX_CREDIT_WORDS
        or not _CREDIT_CUE.search(text.casefold())
    ):
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
    return (
        len(text) <= 600
        and len(text.split()) <= 40
        and bool(_COPYRIGHT_CUE.search(text.casefold()))
        and bool(_COPYRIGHT.search(text))
    )


def copyright_wire(text: str) -> str | None:
    """A news agency named in a copyright line ('Copyright 2024 The Associated Press')."""
    m = _WIRE_IN_COPYRIGHT.search(text)
    if not m:
        return None
    org = m.group("org")
    return _WIRE_NAMES.get(org, org.removesuffix(" L.P."))


def copyright_holder(text: str) -> str | None:
    m = _COPYRIGHT_HOLDER.search(text)
    if not m:
        return None
    return _clean_org(_CORPORATE_SUFFIX.sub("", m.group("org"))) or None


def _clean_org(org: str) -> str:
    org = org.strip(" .,;:&")
    # Credits often end the name with a sentence: drop a trailing 'The'/'All' that starts it.
    org = re.sub(r"\s+(?:The|All|For|This|It|In|Copyright)$", "", org)
    return org.strip(" .,;:")
