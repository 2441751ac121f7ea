"""Market-status banners in several editions' wording.

'Canada markets close in 19 minutes', 'U.S. markets closed', 'Markets open in 2h 5m',
'Börsen geschlossen', 'US-Börsen öffnen in 25 Minuten', 'Marchés fermés',
'Les marchés ouvrent dans 25 minutes', 'Mercados cerrados', 'Borsa chiusa'.
"""

from __future__ import annotations

import re

_UNIT = (
    r"(?:h|hr|hrs|hours?|std\.?|stunden?|heures?|horas?|ore|"
    r"m|min|mins|minutes?|minuten|minutos?|minuti)"
)
_DURATION = rf"(?:\d+\s*{_UNIT}\.?\s*){{1,3}}"
_REGION = r"(?:(?P<region>[A-Z][\w.'&\- ]{0,30}?)\s+)?"
_BANNER = re.compile(
    rf"""^{_REGION}
    (?:stock\s+)?markets?\s+(?:are\s+|is\s+)?
    (?:
        (?:open|close)s?\s+in\s+{_DURATION}
      | (?:open|closed|opening|closing)(?:\s+(?:soon|now|early|today))?
      | (?:open|close)s?\s+(?:at|tomorrow|on)\b.{{0,30}}
    )\s*[.!]?$""",
    re.VERBOSE | re.IGNORECASE,
)
_FOREIGN = [
    # German: 'Börsen geschlossen', 'US-Börsen öffnen in 25 Minuten', 'Märkte geöffnet'
    re.compile(
        rf"^(?:[\w.\-]+[\s-])?(?:börsen?|märkte|markt|handel)\s+(?:(?:ist|sind)\s+)?"
        rf"(?:geschlossen|geöffnet|offen|(?:öffnet|öffnen|schließt|schließen)\s+in\s+{_DURATION})"
        r"\s*[.!]?$",
        re.IGNORECASE,
    ),
    # French: 'Marchés fermés', 'Bourse de Paris ouverte', 'Les marchés ouvrent dans 25 minutes'
    re.compile(
        r"^(?:(?:les|la|le)\s+)?(?:marchés?|bourses?)(?:\s+(?:de|d'|du|des)?\s*[\w.\-]+)?\s+"
        r"(?:(?:est|sont)\s+)?"
        rf"(?:fermée?s?|ouverte?s?|(?:ouvre|ouvrent|ferme|ferment)\s+dans\s+{_DURATION})"
        r"\s*[.!]?$",
        re.IGNORECASE,
    ),
    # Spanish and Portuguese: 'Mercados cerrados', 'Los mercados abren en 25 minutos'
    re.compile(
        r"^(?:(?:los|las|el|la|os|as|o|a)\s+)?(?:mercados?|bolsas?)(?:\s+[\w.\-]+)?\s+"
        r"(?:(?:está|están|estão)\s+)?"
        r"(?:cerrad[oa]s?|abiert[oa]s?|fechad[oa]s?|abert[oa]s?|"
        rf"(?:abren?|cierran?|abrem|fecham?)\s+(?:en|em)\s+{_DURATION})"
        r"\s*[.!]?$",
        re.IGNORECASE,
    ),
    # Italian: 'Mercati chiusi', 'Borsa aperta', 'I mercati aprono tra 25 minuti'
    re.compile(
        r"^(?:(?:i|la|il)\s+)?(?:mercat[oi]|borsa|borse)(?:\s+[\w.\-]+)?\s+"
        rf"(?:chius[oaie]|apert[oaie]|(?:apre|aprono|chiude|chiudono)\s+tra\s+{_DURATION})"
        r"\s*[.!]?$",
        re.IGNORECASE,
    ),
]
_SESSION = re.compile(
    r"^(?:pre-?market|after[- ]hours|market\s+(?:open|closed)|markets\s+(?:open|closed)|"
    r"vorbörslich|nachbörslich)$",
    re.IGNORECASE,
)
# Every banner names a market (or a session): a block without one of these is not a banner.
_CUE = re.compile(r"market|markt|märkte|börs|marché|bourse|mercad|bolsa|mercat|borsa|after")


def is_market_status(text: str) -> bool:
    t = text.strip()
    if len(t) > 80 or len(t.split()) > 10 or not _CUE.search(t.casefold()):
        return False
    if _BANNER.match(t) or _SESSION.match(t):
        return True
    return any(rx.match(t) for rx in _FOREIGN)
