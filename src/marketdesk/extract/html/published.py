"""When the page was published: declared in the markup, in the URL, printed near the top.

htmldate's quick pass is the last resort, for pages that declare and print no date.
"""

from __future__ import annotations

import re
from datetime import datetime

from selectolax.lexbor import LexborHTMLParser

from marketdesk.extract.dates import find_date
from marketdesk.extract.text import words
from marketdesk.model import Block

# htmldate reads the whole page again; an article's date sits near its top, so it reads the
# first part, which bounds its cost on long pages. Its "extensive" mode is not used: on the
# dev set it found no date that visible_date misses, gave wrong ones to pages without a
# date, and its fallback (dateparser over every locale) costs up to a second on first use.
_HTMLDATE_MAX_CHARS = 120_000


def htmldate_date(html: str, url: str | None) -> datetime | None:
    """htmldate's reading of the page, for pages that declare and print no date we can see."""
    try:
        # Imported on first use: htmldate (lxml, dateutil) adds ~80 ms to start-up, and only
        # pages that declare and print no date need it.
        from htmldate import find_date as htmldate_find

        found = htmldate_find(
            html[:_HTMLDATE_MAX_CHARS], url=url, extensive_search=False, original_date=True
        )
    except Exception:  # a third-party heuristic must not fail the extraction
        return None
    if not found:
        return None
    try:
        return datetime.fromisoformat(found)
    except ValueError:
        return None


def visible_date(
    blocks: list[Block], container: frozenset[int] | None, language: str | None
) -> datetime | None:
    """A date printed near the top of the article, when the markup declares none.

    In order of trust: a short line next to the article's start (its dateline); a paragraph
    that opens with a date ("27.1.2022 - Bei der ..."); a line that is little more than a
    date ("Datum: 03.11.2021") anywhere from just above the article to its end, nearest the
    start first.
    """
    day_first = not (language or "").startswith("en")

    def dated(text: str) -> datetime | None:
        return find_date(text, slashed=True, day_first=day_first)

    if not container:
        for block in blocks[:40]:
            if words(block.text) <= 15 and (found := dated(block.text)) is not None:
                return found
        return None
    first, last = min(container), max(container)
    for block in blocks[max(0, first - 8) : first + 6]:
        if words(block.text) <= 15 and (found := dated(block.text)) is not None:
            return found
    for block in blocks[max(0, first - 8) : first + 16]:
        if (found := dated(block.text[:_OPENING_CHARS])) is not None:
            return found
    around = range(max(0, first - _DATE_REACH), min(len(blocks), last + _DATE_REACH))
    for i in sorted(around, key=lambda i: abs(i - first)):
        text = blocks[i].text
        if words(text) <= 5 and (found := dated(text)) is not None:
            return found
    return None


_OPENING_CHARS = 48  # a date this close to a paragraph's start is its dateline
_DATE_REACH = 15  # blocks above the article (and below its end) where a date line may sit


_DATE_SELECTORS = (
    '[itemprop="datePublished"]',
    "time[pubdate]",
    "time.published",
    "time.entry-date",
    ".entry-date",
    ".published",
    ".post-date",
    ".date",
    "time[datetime]",
)
_URL_DATE = re.compile(r"/((?:19|20)\d{2})[/-](\d{1,2})[/-](\d{1,2})(?:/|[^\d]|$)")
_URL_DATE_DMY = re.compile(r"/(\d{2})-(\d{2})-((?:19|20)\d{2})(?:/|[^\d]|$)")


def markup_date(tree: LexborHTMLParser) -> datetime | None:
    """A date in the markup: schema.org datePublished, <time> and the usual date classes."""
    for selector in _DATE_SELECTORS:
        node = tree.css_first(selector)
        if node is None:
            continue
        attrs = node.attributes
        value = attrs.get("datetime") or attrs.get("content") or attrs.get("title")
        found = parse_dt(value) if value else None
        if found is None:
            text = " ".join(node.text(separator=" ").split())
            found = find_date(text) if len(text) < 80 else None
        if found is not None:
            return found
    return None


def url_date(url: str | None) -> datetime | None:
    """A date in the URL's path: /2024/05/29/, /2024-05-29-slug, or /29-05-2024."""
    if not url:
        return None
    m = _URL_DATE.search(url)
    if m:
        y, mo, d = m.groups()
    elif m := _URL_DATE_DMY.search(url):
        d, mo, y = m.groups()
    else:
        return None
    try:
        return datetime(int(y), int(mo), int(d))
    except ValueError:
        return None


def parse_dt(value: str | None) -> datetime | None:
    """An ISO 8601 timestamp as declared, else a date found in the text."""
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return find_date(value)
