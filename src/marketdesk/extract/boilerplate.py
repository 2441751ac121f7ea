"""What a non-article block is: cue phrases for each kind of page furniture.

Cues describe the furniture's own wording (a call to action, an ad marker, a
share button), which is shared across sites; quoted speech is ignored so that
an article quoting a slogan is not mistaken for one.
"""

from __future__ import annotations

import re

from marketdesk.extract.banner import is_market_status
from marketdesk.extract.credits import is_copyright, syndication_origin
from marketdesk.model import Block, BlockKind

_AD_MARKERS = frozenset(
    {
        "advertisement",
        "advertisements",
        "advertising",
        "advertisment",
        "ad",
        "ads",
        "sponsored",
        "sponsored content",
        "paid content",
        "paid post",
        "promoted",
        "promoted content",
        "anzeige",
        "werbung",
        "publicité",
        "publicidad",
        "pubblicità",
        "reklama",
        "advertentie",
        "annons",
        "reklame",
        "mainos",
        "story continues below advertisement",
        "article continues below advertisement",
        "continue reading below",
        "scroll to continue with content",
        "article continues below",
        "story continues below",
        "advertisement scroll to continue",
        "skip advertisement",
        "ad feedback",
        "report this ad",
    }
)


def _rx(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


_COOKIE = _rx(
    r"\bcookies?\b.*\b(?:use|accept|consent|settings|policy|preferences)\b",
    r"\b(?:accept|reject) all\b",
    r"\bmanage (?:consent|preferences)\b",
    r"\bwe (?:and our partners )?(?:use|store) cookies\b",
    r"\bdatenschutzeinstellungen\b",
)
_NEWSLETTER = _rx(
    r"\bnewsletters?\b",
    r"\bsign up for\b.*\b(?:email|updates|briefing|daily|weekly)\b",
    r"\bdelivered (?:straight )?to your inbox\b",
    r"\bsubscribe to (?:our|the) \w+ (?:email|list)\b",
    r"\benter your email\b",
    r"\byour email address\b",
)
_PROMO = _rx(
    r"\bour (?:new |free |award-winning )?(?:app|apps|platform|podcast|website|site|service|"
    r"magazine|subscription|offers?|store|shop)\b",
    r"\bbrought to you by\b",
    r"\bget the (?:answers|app|latest|full|best)\b",
    r"\b(?:download|install|get) (?:the|our) (?:\w+ )?app\b",
    r"\bsubscribe (?:now|today|here)\b",
    r"\bsign up (?:now|today|here|free)\b",
    r"\bclick here\b",
    r"\bfree trial\b",
    r"\b(?:try|join|explore|visit|discover|follow|like) (?:us|our)\b",
    r"\bdo you (?:have|want)\b",
    r"\bunlimited (?:digital )?access\b",
    r"\blimited[- ]time\b",
    r"\bdon[’']?t miss\b",
    r"\bspecial offer\b",
    r"\bbecome a (?:member|subscriber|supporter)\b",
    r"\bsupport (?:our|us)\b",
    r"\bjetzt (?:abonnieren|testen|lesen)\b",
    r"\babonnez-vous\b",
)
_SHARE = _rx(
    r"^share\b",
    r"\bshare (?:this|on|via|article|story)\b",
    r"\bclick to (?:share|email|print)\b",
    r"^(?:facebook|twitter|x|linkedin|whatsapp|email|e-mail|print|copy link|pinterest|reddit|"
    r"telegram|messenger)$",
    r"\b(?:teilen|partager|compartir)\b$",
)
_COMMENTS = _rx(
    r"^\d+\s+comments?\b",
    r"^comments?\s*(?:\(\d+\))?$",
    r"\bleave a (?:comment|reply)\b",
    r"\bjoin the (?:conversation|discussion)\b",
    r"\b(?:log|sign) in to comment\b",
    r"\bshow comments\b",
    r"\bkommentare?\b$",
    r"\bcommentaires?\b$",
)
_RELATED = _rx(
    r"^related(?: (?:coverage|stories|articles|content|news|reading|topics|links))?:?$",
    r"^(?:read|see) (?:more|also|next)\b",
    r"^more (?:from|on|about|stories|news)\b",
    r"^you (?:may|might) (?:also )?(?:like|be interested)\b",
    r"^recommended(?: for you)?:?$",
    r"^(?:most (?:popular|read|viewed)|trending(?: now)?|top stories|latest news)$",
    r"^what to read next$",
    r"^(?:also read|mehr zum thema|lesen sie auch|à lire aussi|lea también|leggi anche)\b",
)
_NAVIGATION = _rx(
    r"^skip to (?:main )?(?:content|navigation)$",
    r"^(?:home|menu|search|sign in|log ?in|log ?out|"
    r"register|subscribe|subscribe now|my account|sections|all sections|close|back to top|"
    r"next|previous|more)$",
    r"^(?:startseite|accueil|inicio|suche|rechercher|buscar)$",
)
_FOOTER = _rx(
    r"\bprivacy (?:policy|notice|settings)\b",
    r"\bterms (?:of (?:use|service)|and conditions)\b",
    r"^(?:contact us|about us|sitemap|accessibility|careers|advertise with us|imprint|impressum|"
    r"datenschutz|mentions légales|aviso legal)$",
)
_QUOTED = re.compile(r"[\"“”«»„][^\"“”«»„]{0,400}[\"“”«»„]")


def normalise(text: str) -> str:
    """Casefolded words only: 'ADVERTISEMENT -' and 'Advertisement' compare equal."""
    return " ".join(re.sub(r"[^\w\s]", " ", text.casefold()).split())


def classify(block: Block) -> BlockKind | None:
    """The furniture kind of a block, or None when it may be article text."""
    text = block.text
    words = len(text.split())
    norm = normalise(text)
    if norm in _AD_MARKERS:
        return BlockKind.AD
    if words <= 10 and is_market_status(text):
        return BlockKind.MARKET_STATUS
    if syndication_origin(text):
        return BlockKind.SYNDICATION
    if is_copyright(text):
        return BlockKind.COPYRIGHT
    unquoted = _QUOTED.sub(" ", text)
    if words <= 60 and _COOKIE.search(unquoted):
        return BlockKind.COOKIE
    if words <= 40 and _NEWSLETTER.search(unquoted):
        return BlockKind.NEWSLETTER
    promo_cues = len({m.group(0).casefold() for m in _PROMO.finditer(unquoted)})
    if promo_cues >= 2 or (promo_cues == 1 and words <= 12):
        return BlockKind.PROMO
    if words <= 8 and _SHARE.search(norm if words <= 2 else text):
        return BlockKind.SHARE
    if words <= 8 and _COMMENTS.search(text):
        return BlockKind.COMMENTS
    if words <= 8 and _RELATED.search(text.strip()):
        return BlockKind.RELATED
    if words <= 4 and _NAVIGATION.search(norm):
        return BlockKind.NAVIGATION
    if words <= 12 and _FOOTER.search(text):
        return BlockKind.FOOTER
    return None
