"""The article's authors: declared in JSON-LD or meta tags, else named in the markup.

Bylines only: a web address, a company's legal name or the site's own name is no author
(unless the site is the only name given).
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser

from marketdesk.extract.text import casefolded_words

_AUTHOR_SELECTORS = (
    '[itemprop="author"] [itemprop="name"]',
    '[itemprop="author"]',
    'a[rel="author"]',
    ".byline .author",
    ".author .fn",
    ".vcard .fn",
    ".author-name",
    ".post-author a",
    ".entry-author a",
    ".byline a",
    "span.author",
    ".author a",
)
_AUTHOR_CLASS_SELECTOR = '[class*="author" i], [class*="byline" i], [class*="autor" i]'
_AUTHOR_CANDIDATES = 12
_NOT_A_NAME_CLASS = re.compile(
    r"bio|box|about|avatar|image|img|photo|picture|description|desc|info|title|date|"
    r"comment|more|list|link-to|social|follow",
    re.I,
)
# One to four capitalised words (initials, particles and hyphenated names allowed): a person.
_PERSON_NAME = re.compile(
    r"(?:[A-ZÀ-ÖØ-Þ][\w'’.-]*\s+(?:(?:van|von|de|der|den|da|di|del|la|le|du|dos|das|y)\s+)*){0,3}"
    r"[A-ZÀ-ÖØ-Þ][\w'’-]+"
)
_BYLINE_WORDS = frozenset(
    [
        "by",
        "von",
        "par",
        "por",
        "di",
        "door",
        "av",
        "autor",
        "autorin",
        "author",
        "authors",
        "autoren",
        "redaktion",
    ]
)
_AUTHOR_PREFIX = re.compile(
    r"^(?:by|von|par|por|di|door|av|posted by|geschrieben von|autor(?:in)?:?|author:?)\s+",
    re.IGNORECASE,
)


def split_authors(text: str) -> tuple[str, ...]:
    """The names in a byline ("By A, B and C")."""
    text = _AUTHOR_PREFIX.sub("", " ".join(text.split())).strip(" ,|:-")
    parts = re.split(r"\s*(?:,|;|&|\band\b|\bund\b|\bet\b)\s*", text)
    return tuple(p.strip() for p in parts if p.strip())


def markup_authors(tree: LexborHTMLParser) -> tuple[str, ...]:
    """The byline the markup names: schema.org and rel=author, the usual theme classes."""
    for selector in _AUTHOR_SELECTORS:
        node = tree.css_first(selector)
        if node is None:
            continue
        text = node.attributes.get("content") or node.text(separator=" ")
        name = _AUTHOR_PREFIX.sub("", " ".join((text or "").split())).strip(" ,|:-")
        if name and len(name.split()) <= 6 and not name.startswith("http") and "@" not in name:
            return split_authors(name)
    return _author_by_class(tree)


def _author_by_class(tree: LexborHTMLParser) -> tuple[str, ...]:
    """A name in an element whose class names an author ("byline__author", "td-post-author-name"),
    for themes the usual selectors miss; boxes about the author and their pictures are passed
    over, and the text must read as a person's name."""
    for node in tree.css(_AUTHOR_CLASS_SELECTOR)[:_AUTHOR_CANDIDATES]:
        names = f"{node.attributes.get('class') or ''} {node.attributes.get('id') or ''}"
        if _NOT_A_NAME_CLASS.search(names):
            continue
        text = _AUTHOR_PREFIX.sub("", " ".join(node.text(separator=" ").split())).strip(" ,|:-")
        if _PERSON_NAME.fullmatch(text) and text.casefold() not in _BYLINE_WORDS:
            return split_authors(text)
    return ()


# A web address or a company's legal form: a publisher's name, not a person's.
_NOT_A_PERSON = re.compile(
    r"www\.|https?:|\w\.(?:com|de|net|org|fr|es|it|at|ch|co\.uk)\b|"
    r"\b(?:GmbH|AG|e\.\s?V\.|Ltd|Inc|LLC|S\.A\.|SE)\b",
    re.I,
)


def people(names: tuple[str, ...], brands: list[str]) -> tuple[str, ...]:
    """The names fit for a byline: never a web address or a company's legal name; the site's
    own name only when it is the byline's only name ("Rob Picheta, CNN" is Rob Picheta)."""
    named = tuple(n for n in names if not _NOT_A_PERSON.search(n))
    brand_names = {casefolded_words(b) for b in brands}
    people = tuple(n for n in named if casefolded_words(n) not in brand_names)
    return people or named


def page_authors(
    declared: tuple[str, ...],
    meta_author: str | None,
    tree: LexborHTMLParser,
    brands: list[str],
) -> tuple[str, ...]:
    """The byline, in order of trust: JSON-LD `author`, a meta tag's author, the markup."""
    authors = people(declared, brands)
    if not authors and meta_author and not meta_author.startswith("http"):
        authors = people(split_authors(meta_author), brands)
    if not authors:
        authors = people(markup_authors(tree), brands)
    return authors
