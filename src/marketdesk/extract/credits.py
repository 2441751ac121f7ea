"""Syndication credits and copyright notices: who first published a story.

'This article originally appeared in the South China Morning Post (SCMP) ...'
gives origin 'South China Morning Post'. Rules here are about the grammar of
credits, which is much the same across sites, not about any one site.

The origin is another publisher than the page's own, or nothing: the page's copyright holder
is not the origin unless a credit names it, and a name must read like an organisation
(`is_organisation`): not a year, a common word, a picture agency or a sentence.
"""

from __future__ import annotations

import re
from functools import lru_cache

# An organisation name: capitalised words, with a few lower-case joiners inside.
# A word of a name: an initialism ('U.S.'), a short abbreviation before another name word
# ('St. Louis'), or a capitalised word without a dot, so that a sentence's full stop ends the
# name ('appeared in The Conversation. Read more' gives 'The Conversation'); 'dpa' is lower-case.
# A picture's credit after the name ('Provided by The Guardian Photograph: ...') ends it;
# 'Northfield Picture Agency' and 'Getty Images' are names.
_ORG_WORD = (
    r"(?!(?:Photo|Photograph|Foto|Image|Picture|Video)s?\s*:)"
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
    # '© Provided by The Guardian' (a portal's credit, written as its copyright line).
    re.compile(
        r"^\s*(?:(?:\u00a9|\(c\))\s*)?(?:Distributed|Syndicated|Provided)\s+by\s+(?:the\s+)?" + _ORG
    ),
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


# Every credit pattern needs one of these cues; most blocks have none and skip the patterns.
# Literal cues are looked for as substrings, the others only behind their literal word: one
# alternation tried at every position of a long block cost more than the rest of its reading.
_CREDIT_FIRST = re.compile(r"\bfirst\s+(?:appeared|published|ran|posted)")
_CREDIT_OPENING = re.compile(
    r"\s*(?:(?:\u00a9|\(c\))\s*)?(?:distributed|syndicated|provided|source|quelle|fuente|fonte|źródło)\b"
)
_CREDIT_THIS = re.compile(r"\bthis\s+(?:article|story|content)\b")


def _credit_cue(folded: str) -> bool:
    return (
        "originally" in folded
        or "republish" in folded
        or "reprint" in folded
        or "reproduc" in folded
        or (
            "first" in folded
            and (
                "appeared" in folded
                or "published" in folded
                or "ran" in folded
                or "posted" in folded
            )
            and _CREDIT_FIRST.search(folded) is not None
        )
        or _CREDIT_OPENING.match(folded) is not None
        or (
            "this" in folded
            and ("article" in folded or "story" in folded or "content" in folded)
            and _CREDIT_THIS.search(folded) is not None
        )
    )


def _copyright_cue(folded: str) -> bool:
    return (
        "©" in folded
        or "(c)" in folded
        or "copyright" in folded
        or "rights" in folded
        or "droits" in folded
        or "rechte" in folded
        or "derechos" in folded
    )


@lru_cache(maxsize=1024)
def syndication_origin(text: str) -> str | None:
    """The original publisher named by a syndication credit, if the block is one."""
    # Cached: the furniture rules ask it of a block, and sorting asks again of the credits.
    if len(text) > 1200 or len(text.split()) > MAX_CREDIT_WORDS or not _credit_cue(text.casefold()):
        return None
    for rx in _SYNDICATION:
        m = rx.search(text)
        if m:
            org = _clean_org(m.group("org"))
            if org:
                return org
    return None


_SOURCE_LINE = re.compile(r"^\s*(?:Source|Quelle|Fuente|Fonte|Źródło)\s*:", re.IGNORECASE)


def is_source_line(text: str) -> bool:
    """'Source: X' alone on a line: a story's source at its end, a picture's or a chart's
    source inside it (segment.py tells them apart by where the line stands)."""
    return bool(_SOURCE_LINE.match(text))


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
        and _copyright_cue(text.casefold())
        and bool(_COPYRIGHT.search(text))
    )


def copyright_wire(text: str) -> str | None:
    """A news agency named in a copyright line ('Copyright 2024 The Associated Press'); not
    one that credits a picture ('© picture alliance/dpa', 'Photograph: Jo Lee/AFP/Getty',
    'Foto: Reuters'): agencies sell pictures to sites that write their own stories."""
    for m in _WIRE_IN_COPYRIGHT.finditer(text):
        start, end = m.span()
        if text[start - 1 : start] == "/" or text[end : end + 1] == "/":
            continue  # photographer/agency/agency
        # 'Photo: Reuters', in the same sentence: not past a full stop or a copyright sign.
        clause = max(text.rfind(".", 0, start), text.rfind("\u00a9", 0, start), start - 41) + 1
        if _PICTURE_WORD.search(text, clause, start):
            continue
        org = m.group("org")
        return _WIRE_NAMES.get(org, org.removesuffix(" L.P."))
    return None


_PICTURE_WORD = re.compile(
    r"\b(?:photo(?:graph)?s?|fotos?|bild(?:er)?|images?|pictures?|picture alliance|video|"
    r"illustration|grafik|graphic)\b",
    re.IGNORECASE,
)


def copyright_holder(text: str) -> str | None:
    m = _COPYRIGHT_HOLDER.search(text)
    if not m:
        return None
    return _clean_org(_CORPORATE_SUFFIX.sub("", m.group("org"))) or None


def copyright_owner(text: str) -> str | None:
    """The copyright line's holder as written ('Harbour Media Group'), for telling the page's
    own name from a credit's; copyright_holder drops the corporate suffix."""
    m = _COPYRIGHT_HOLDER.search(text)
    return (_clean_org(m.group("org")) or None) if m else None


def _clean_org(org: str) -> str:
    org = org.strip(" .,;:&")
    # Credits often end the name with a sentence: drop a trailing 'The'/'All' that starts it.
    org = re.sub(r"\s+(?:The|All|For|This|It|In|Copyright)$", "", org)
    return org.strip(" .,;:")


# Words that a credit pattern can catch but that name no publisher: the notice's own wording,
# picture and stock-photo credits, page furniture. Compared casefolded, as the whole name.
_NOT_AN_ORG = frozenset(
    {
        "all rights reserved",
        "alle rechte vorbehalten",
        "tous droits réservés",
        "todos los derechos reservados",
        "copyright",
        "policy",
        "privacy policy",
        "printers",
        "printer",
        "headlines",
        "home",
        "news",
        "stock",
        "foto",
        "fotos",
        "photo",
        "photos",
        "image",
        "images",
        "bild",
        "www",
        "source",
        "the",
        "this",
        "wikipedia",
    }
)
# Picture agencies and photo sites credit pictures, not the article's text.
_PICTURE_AGENCY = re.compile(
    r"\b(?:Getty|Shutterstock|Unsplash|iStock|Alamy|Pixabay|Pexels|Adobe\s?Stock|imago|"
    r"picture alliance|Depositphotos|123RF)\b",
    re.IGNORECASE,
)
# Where a name reads on into a sentence ('BBC. The BBC is not responsible ...').
_SENTENCE_INSIDE = re.compile(r"[.!?;:]\s+\S|\b(?:is|are|was|not|for the)\b")
_MAX_ORG_WORDS = 8
# The wording of page furniture inside a caught name ('Privacy Notice', 'Terms and Conditions',
# 'Disclaimer', 'Reprints and Permissions'): a notice, not a publisher.
_FURNITURE_NAME = re.compile(
    r"\b(?:disclaimers?|disclosures?|privacy|terms|conditions|cookies?|reserved|notices?|"
    r"subscribe|subscriptions?|newsletters?|advertis\w*|printers?|reprints?|permissions?|"
    r"sitemap|login|sign)\b",
    re.IGNORECASE,
)
_WIRE_NAME = re.compile(rf"(?:{_WIRES})")


def is_organisation(name: str) -> bool:
    """Whether a credited name reads like an organisation: not a year or number, not a
    common word or the notice's wording, not a picture agency, not a sentence."""
    words = name.split()
    folded = casefolded_name(name)
    if not words or len(words) > _MAX_ORG_WORDS or not folded:
        return False
    if folded in _NOT_AN_ORG or folded.startswith(("copyright ", "by ", "powered by ")):
        return False
    if not any(ch.isalpha() for ch in name) or re.search(r"\b(?:19|20)\d\d\b", name):
        return False  # '2020', 'Copyright 2016', 'Vaubel Medienberatung 2018'
    if _PICTURE_AGENCY.search(name) or _SENTENCE_INSIDE.search(name):
        return False
    if _FURNITURE_NAME.search(name):
        return False
    # A name starts with a capital (or is a known lower-case wire, 'dpa').
    return words[0][0].isupper() or folded in {"dpa"}


def is_weak_source_name(name: str) -> bool:
    """Whether a name from a bare 'Source: X' line is too weak to be a publisher: one word that
    is neither an initialism ('BBC', 'CNBC') nor a news agency ('Reuters'). 'Source: Printers',
    'Source: Company' credit a chart or a table, not a story."""
    words = name.split()
    if len(words) != 1:
        return False
    word = words[0].strip(".")
    if _WIRE_NAME.fullmatch(word) or word in _WIRE_NAMES:
        return False
    capitals = sum(ch.isupper() for ch in word)
    return capitals < 2


def casefolded_name(name: str) -> str:
    return " ".join(re.findall(r"\w+", name.casefold()))


def same_organisation(name: str, *others: str | None) -> bool:
    """Whether the name is one of the others: the words of one inside the other's
    ('Reuters' and 'Thomson Reuters'), the name's words run together inside a host name
    ('Example Markets' and 'examplemarkets.com'), or its initials opening one ('Associated
    Press' and 'apnews.com')."""
    mine = casefolded_name(_WIRE_NAMES.get(name, name))
    if not mine:
        return False
    squeezed = mine.replace(" ", "")
    initials = "".join(w[0] for w in mine.split()) if len(mine.split()) > 1 else ""
    for other in others:
        if not other:
            continue
        theirs = casefolded_name(other)
        if not theirs:
            continue
        if f" {mine} " in f" {theirs} " or f" {theirs} " in f" {mine} ":
            return True
        flat = theirs.replace(" ", "")
        if squeezed in flat or (initials and flat.startswith(initials)):
            return True
    return False
