"""The article's headline: the declared titles and the page's h1s, without the site's name."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from selectolax.lexbor import LexborNode

from marketdesk.extract.text import casefolded_words

_TITLE_PUNCT = " |-\u2013\u2014\u203a\u00bb~\u00b7\u2022:/"
_TITLE_SEPARATORS = re.compile(r"\s+(?:[|\u2013\u2014\u203a\u00bb~\u00b7\u2022]|-|::|/)\s+")


def choose_title(
    *,
    headline: str | None,
    social: str | None,
    document: str | None,
    headings: list[str],
    site: str | None,
) -> str | None:
    """The article's headline from the page's candidates, without the site's name.

    A visible h1 that the declared titles contain is the headline as the page shows
    it; otherwise the declared title loses a trailing (or leading) site-name segment.
    """
    declared = [t for t in (headline, social, document) if t]
    for h in headings:
        nh = casefolded_words(h)
        if len(nh) >= 4 and any(nh in casefolded_words(t) for t in declared):
            return h
    if headline:
        return headline
    for t in (social, document):
        if t:
            return _strip_site(t, site)
    return headings[0] if headings and headings[0] else None


_MASTHEAD_NAMES = re.compile(
    r"(?:^|[\s_-])(?:site-?title|site-?name|site-?branding|branding|logo|masthead|blog-?title|"
    r"blog-?name)(?:$|[\s_-])",
    re.I,
)


def is_masthead(heading: LexborNode) -> bool:
    """An h1 that carries the site's name (a blog's masthead), not the article's headline:
    named like a site title or logo, or a link to the site's home page."""
    parent = heading.parent
    names = [heading.attributes.get("class"), heading.attributes.get("id")]
    if parent is not None:
        names += [parent.attributes.get("class"), parent.attributes.get("id")]
    if _MASTHEAD_NAMES.search(" ".join(n for n in names if n)):
        return True
    for link in heading.css("a"):
        if "home" in (link.attributes.get("rel") or "").lower():
            return True
        href = urlsplit(link.attributes.get("href") or "")
        if (href.netloc or href.path) and href.path in ("", "/") and not href.query:
            return True
    return False


def _strip_site(title: str, site: str | None) -> str:
    parts = _TITLE_SEPARATORS.split(title)
    if len(parts) < 2:
        return title
    first, last = parts[0], parts[-1]
    site_n = casefolded_words(site or "")
    if site_n:
        # The whole site name, whatever separators it holds itself ("Figures - Club in Berlin").
        for m in _TITLE_SEPARATORS.finditer(title):
            if casefolded_words(title[m.end() :]) == site_n:
                return title[: m.start()]
            if casefolded_words(title[: m.start()]) == site_n:
                return title[m.end() :]

    def is_site(segment: str) -> bool:
        seg = casefolded_words(segment)
        return bool(site_n) and bool(seg) and (seg in site_n or site_n in seg)

    if is_site(last):
        return title[: title.rfind(last)].rstrip(_TITLE_PUNCT)  # "Headline | Site"
    if is_site(first):
        return title[len(first) :].lstrip(_TITLE_PUNCT)  # "Site - Headline"
    if not site_n and len(last.split()) <= 4 <= len(title.split()):
        return title[: title.rfind(last)].rstrip(_TITLE_PUNCT)  # a short trailing brand
    return title
