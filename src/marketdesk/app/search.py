"""Search over the stored stories: full text (stemmed: FTS5's porter tokenizer, PostgreSQL's
'english' configuration) with filters (topic, country, entity, instrument, dates, source), one
result a story, a bounded count, highlighted headlines and snippets, and a "go to" card when
the query names an instrument or an entity the desk knows (the results still follow it).

Highlighting escapes the text first and then marks the words, so article text stays inert.
A query is bounded (``MAX_QUERY_CHARS`` characters, ``MAX_TERMS`` words); a filter that names
nothing known is an ``InputError`` (HTTP 400), never an empty page that looks like no results.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from html import escape

from marketdesk.app import urls
from marketdesk.app.desk import Desk
from marketdesk.app.paging import PAGE_SIZE, Paging
from marketdesk.app.stories import story_filters
from marketdesk.errors import InputError
from marketdesk.markets.charts import parse_bound
from marketdesk.model import StoredArticle
from marketdesk.store import SearchFilters
from marketdesk.store.annotations_json import norm_name

__all__ = [
    "COUNT_CAP",
    "FILTER_NAMES",
    "MAX_FILTER_CHARS",
    "MAX_QUERY_CHARS",
    "MAX_TERMS",
    "GoTo",
    "Hit",
    "SearchPage",
    "highlight",
    "search_page",
    "snippet",
    "stem",
]

MAX_QUERY_CHARS = 200
MAX_TERMS = 16
MAX_FILTER_CHARS = 100
COUNT_CAP = 1000  # results counted exactly up to here; beyond, "more than 1,000"
SNIPPET_CHARS = 240
FILTER_NAMES = ("topic", "country", "entity", "instrument", "from", "to", "source")
_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class GoTo:
    """A page the query names: an instrument or an entity."""

    kind: str  # "instrument" or "entity"
    label: str
    url: str
    detail: str


@dataclass(frozen=True, slots=True)
class Hit:
    story: StoredArticle
    title_html: str  # escaped, the query's words in <mark>
    snippet_html: str
    when: datetime | None  # published, else fetched
    source: str  # origin, publisher or where it was read


@dataclass(frozen=True, slots=True)
class SearchPage:
    q: str
    filters: dict[str, str | None]  # as given (checked), for the links of the page
    hits: tuple[Hit, ...]
    total: int  # stories found, counted up to COUNT_CAP + 1
    paging: Paging
    goto: tuple[GoTo, ...]
    terms: tuple[str, ...]

    @property
    def capped(self) -> bool:
        return self.total > COUNT_CAP


@lru_cache(maxsize=1 << 16)  # a page of hits stems every word of ten snippets and headlines
def stem(word: str) -> str:
    """A rough English stem for highlighting only ("rallies", "rallied" and "rally" agree, as
    do "rate", "rates" and "rating"); the backends' own stemmers decide what matches."""
    w = word.casefold()
    if len(w) > 4 and w.endswith(("ies", "ied")):
        w = w[:-3] + "y"
    elif len(w) > 5 and w.endswith("ing"):
        w = w[:-3]
    elif len(w) > 4 and w.endswith(("ed", "ches", "shes", "sses", "xes", "zes")):
        w = w[:-2]
    elif len(w) > 3 and w.endswith("s") and not w.endswith("ss"):
        w = w[:-1]
    if len(w) > 3 and w.endswith("e"):
        w = w[:-1]
    return w


def highlight(text: str, terms: tuple[str, ...]) -> str:
    """``text`` escaped for HTML, each word whose stem is a term's in ``<mark>``."""
    stems = {stem(t) for t in terms}
    out: list[str] = []
    pos = 0
    for m in _WORD.finditer(text):
        if stem(m.group()) in stems:
            out.append(escape(text[pos : m.start()]))
            out.append(f"<mark>{escape(m.group())}</mark>")
            pos = m.end()
    out.append(escape(text[pos:]))
    return "".join(out)


def snippet(text: str, terms: tuple[str, ...], size: int = SNIPPET_CHARS) -> str:
    """About ``size`` characters of ``text`` around its first matching word, cut at spaces."""
    stems = {stem(t) for t in terms}
    first = next((m.start() for m in _WORD.finditer(text) if stem(m.group()) in stems), 0)
    if len(text) <= size:
        return text
    start = max(0, first - size // 3)
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < first else start
    end = min(len(text), start + size)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    return ("… " if start else "") + text[start:end] + (" …" if end < len(text) else "")


def _check(name: str, value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    if len(value) > MAX_FILTER_CHARS:
        raise InputError(f"{name} may be at most {MAX_FILTER_CHARS} characters")
    return value.strip()


def search_page(
    desk: Desk,
    q: str,
    page: int = 1,
    *,
    topic: str | None = None,
    country: str | None = None,
    entity: str | None = None,
    instrument: str | None = None,
    start: str | None = None,
    end: str | None = None,
    source: str | None = None,
) -> SearchPage:
    """Stories matching the words of ``q``, best first, one a story, narrowed by the filters
    (``start``/``end``: YYYY-MM-DD or an instant with an offset, on the story's time)."""
    paging = Paging.check(page)
    words = _WORD.findall(q[: MAX_QUERY_CHARS * 2])[:MAX_TERMS]
    q = " ".join(q.split())[:MAX_QUERY_CHARS]
    given = {
        "topic": _check("topic", topic),
        "country": _check("country", country),
        "entity": _check("entity", entity),
        "instrument": _check("instrument", instrument),
        "from": _check("from", start),
        "to": _check("to", end),
        "source": _check("source", source),
    }
    filters = _filters(desk, given)
    terms = tuple(words)
    if not terms:
        return SearchPage(q, given, (), 0, paging, (), ())
    text = " ".join(terms)
    found, total = desk.storage.search_and_count(
        text, PAGE_SIZE + 1, paging.offset, filters, COUNT_CAP
    )
    hits = tuple(_hit(s, terms) for s in found[:PAGE_SIZE])
    goto = _goto(desk, q) if paging.page == 1 else ()
    return SearchPage(q, given, hits, total, paging.seen(len(found)), goto, terms)


def _filters(desk: Desk, given: dict[str, str | None]) -> SearchFilters:
    entity, alpha3, topic, held = story_filters(
        desk, given["entity"], given["country"], given["topic"], given["instrument"]
    )
    since = parse_bound(given["from"], end=False) if given["from"] else None
    until = parse_bound(given["to"], end=True) if given["to"] else None
    if since is not None and until is not None and since > until:
        raise InputError(f"from {since:%Y-%m-%d} is after to {until:%Y-%m-%d}")
    return SearchFilters(entity, topic, held, since, until, given["source"], alpha3)


def _hit(s: StoredArticle, terms: tuple[str, ...]) -> Hit:
    a = s.article
    when = a.published or s.fetched_at
    source = a.origin or a.publisher or s.source
    return Hit(
        s,
        highlight(a.title or "(untitled)", terms),
        highlight(snippet(a.text, terms), terms),
        when,
        source,
    )


def _goto(desk: Desk, q: str) -> tuple[GoTo, ...]:
    """Pages the whole query names: an instrument of the registry, a stored entity."""
    out: list[GoTo] = []
    inst = desk.registry.find(q) or desk.registry.resolve(q)
    if inst is not None:
        out.append(GoTo("instrument", inst.name, urls.instrument(inst.key), str(inst.kind)))
    record = desk.storage.find_entity(q)
    if record is not None:
        key = record.key or norm_name(record.name)
        detail = f"{record.kind}, named in {record.articles} stored article" + (
            "s" if record.articles != 1 else ""
        )
        out.append(GoTo("entity", record.name, urls.entity(key), detail))
    return tuple(out)
