"""The JSON shape of every public type, written once: the API and ``--json`` print these.

Numbers are the stored, unrounded values; a ``display`` block beside them carries the text the
desk shows (the instrument's decimals, explicit signs). Times are ISO 8601 with their offset.
:func:`dumps` refuses NaN and infinities, so nothing that prints is invalid JSON.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from marketdesk.app import urls
from marketdesk.app.chart import StoryChart
from marketdesk.app.entities import EntityPage, entity_url
from marketdesk.app.freshness import Freshness, zone_of
from marketdesk.app.front import FrontPage, MarketLine, Mover, StoryLine
from marketdesk.app.instrument_page import RANGES, InstrumentPage
from marketdesk.app.instruments import InstrumentView
from marketdesk.app.market_clock import MarketStatus
from marketdesk.app.present import display, quote_trend
from marketdesk.app.search import COUNT_CAP, SearchPage
from marketdesk.app.stories import SearchResults
from marketdesk.app.strip import Strip
from marketdesk.markets.links import InstrumentLink
from marketdesk.model import (
    Annotations,
    Entity,
    EntityKind,
    Event,
    EventParty,
    Instrument,
    Mention,
    Page,
    Quote,
    Source,
    StoredArticle,
    Story,
    StoryCopy,
    StripItem,
)
from marketdesk.store import StoreCounts

if TYPE_CHECKING:
    # Only their attributes are read: importing app.analyze would load spaCy for every page.
    from marketdesk.app.analyze import Analysis, TextEntities

__all__ = [
    "ENTITY_TYPES",
    "analysis_json",
    "annotations_json",
    "copy_json",
    "dumps",
    "entity_json",
    "entity_page_json",
    "event_json",
    "front_json",
    "instrument_json",
    "instrument_page_json",
    "market_line_json",
    "market_status_json",
    "mention_json",
    "page_json",
    "quote_json",
    "search_json",
    "search_page_json",
    "source_json",
    "status_json",
    "story_chart_json",
    "story_group_json",
    "story_json",
    "story_summary_json",
    "strip_json",
    "text_entities_json",
]

JSON = dict[str, Any]


def dumps(value: object) -> str:
    """Compact JSON, UTF-8 as is; raises ValueError rather than print NaN or Infinity."""
    return json.dumps(value, ensure_ascii=False, allow_nan=False)


def _iso(at: datetime | None) -> str | None:
    return at.isoformat() if at is not None else None


def _display(last: float, change: float | None, pct: float | None, decimals: int) -> JSON:
    shown = display(last, change, pct, decimals)
    return {"last": shown.last, "change": shown.change, "change_pct": shown.change_pct}


def page_json(page: Page) -> JSON:
    """An extracted page: the DESIGN.md ``extract`` contract."""
    a = page.article
    return {
        "source": page.source,
        "kind": page.kind,
        "title": a.title,
        "paragraphs": list(a.paragraphs),
        "text": a.text,
        "authors": list(a.authors),
        "published": _iso(a.published),
        "modified": _iso(a.modified),
        "publisher": a.publisher,
        "origin": a.origin,
        "copyright": a.copyright,
        "language": a.language,
        "url": a.url,
        "description": a.description,
        "image": a.image,
        "market_status": page.market_status,
        "quotes": [
            {"name": q.name, "last": q.last, "change": q.change, "change_pct": q.change_pct}
            for q in page.quotes
        ],
        "removed": [{"kind": str(r.kind), "text": r.text} for r in page.removed],
        "reason": page.reason,
    }


# The usual named-entity labels for the kinds (spaCy's, CoNLL's), for programs that read them.
ENTITY_TYPES = {
    EntityKind.PERSON: "PERSON",
    EntityKind.ORGANISATION: "ORG",
    EntityKind.PLACE: "PLACE",
}


def mention_json(m: Mention) -> JSON:
    """A mention: offsets into its part, ``Article.title`` or ``Article.text``."""
    return {"start": m.start, "end": m.end, "text": m.text, "part": m.part, "by_title": m.by_title}


def entity_json(e: Entity, wikidata: str | None = None) -> JSON:
    """An entity of an article: ``id`` is its Wikidata item where known (the knowledge base's
    link, else the gazetteer's), ``key`` the gazetteer's or knowledge base's id, ``role`` a
    person's role on the story's date (else the first title the article gives), ``country``
    the ISO 3166-1 alpha-3 code it belongs to."""
    return {
        "name": e.name,
        "type": ENTITY_TYPES[e.kind],
        "id": e.wikidata or wikidata,
        "key": e.key,
        "role": e.role or (e.titles[0] if e.titles else None),
        "country": e.country,
        "salience": e.salience,
        "symbols": list(e.symbols),
        "mentions": [mention_json(m) for m in e.mentions],
    }


def _party_json(p: EventParty) -> JSON:
    return {"id": p.id, "name": p.name, "type": ENTITY_TYPES[p.kind], "country": p.country}


def event_json(e: Event) -> JSON:
    """An event as a PLOVER record: ``actor``/``recipient`` ``id`` is the entity's place in
    ``entities`` (Entity.id; null for a country the article has no entity for), ``date`` ISO
    8601 at its granularity, ``sentence`` the sentence it was read from."""
    return {
        "type": e.type,
        "mode": e.mode,
        "actor": _party_json(e.actor),
        "recipient": None if e.recipient is None else _party_json(e.recipient),
        "location": None
        if e.location is None
        else {"id": e.location.id, "name": e.location.name, "country": e.location.country},
        "date": e.date,
        "date_text": e.date_text,
        "sentence": e.text,
        "sentence_index": e.sentence,
        "cue": e.cue,
    }


def annotations_json(
    a: Annotations,
    *,
    wikidata: Mapping[str, str] | None = None,
    countries: Sequence[str] = (),
    instruments: Sequence[InstrumentLink] = (),
) -> JSON:
    """What enrichment adds to a page (``wikidata``: items by gazetteer key; ``countries``:
    ISO 3166-1 alpha-3 codes, most salient first). Kinds not built yet are left out, not
    printed empty."""
    ids = wikidata or {}
    language = {"language": a.language} if a.language is not None else {}
    return {
        **language,
        "entities": [entity_json(e, ids.get(e.key) if e.key else None) for e in a.entities],
        "countries": list(countries),
        "topics": [
            {"code": t.code, "label": t.label, "relevance": t.relevance, "cues": list(t.cues)}
            for t in a.topics
        ],
        "tone": None if a.tone is None else {"score": a.tone.score, "label": a.tone.label},
        "events": [event_json(e) for e in a.events],
        "instruments": [
            {
                "name": i.name,
                "symbol": i.symbol,
                "reason": i.reason,
                "relevance": i.relevance,
                "key": i.key,
                "url": urls.instrument(i.key),
            }
            for i in instruments
        ],
        "notes": list(a.notes),  # text cut, not English: what the reader should know
    }


def analysis_json(a: Analysis) -> JSON:
    """``marketdesk analyze``: the ``extract`` object and the annotations, or the error."""
    if a.page is None:
        return {"source": a.source, "error": a.error}
    extra = annotations_json(
        a.annotations, wikidata=a.wikidata, countries=a.countries, instruments=a.instruments
    )
    return {**page_json(a.page), **extra}


def text_entities_json(t: TextEntities) -> JSON:
    """``marketdesk entities``: one line's every mention, by start, each with its entity's
    type and local number (``entity``); ``text`` is the input's own slice ``text[start:end]``."""
    if t.error is not None:
        return {"id": t.id, "error": t.error, "line": t.line}
    spans = sorted(
        ((m, e) for e in t.annotations.entities for m in e.mentions),
        key=lambda pair: (pair[0].start, pair[0].end),
    )
    out: JSON = {
        "id": t.id,
        "entities": [
            {
                "start": m.start,
                "end": m.end,
                "text": t.text[m.start : m.end],
                "type": ENTITY_TYPES[e.kind],
                "entity": e.id,
                "by_title": m.by_title,
            }
            for m, e in spans
        ],
    }
    if t.truncated:
        out["truncated"] = True
    language = t.annotations.language
    if language is not None and language != "en":
        out["language"] = language
    if t.annotations.notes:
        out["notes"] = list(t.annotations.notes)
    return out


def quote_json(q: Quote, decimals: int) -> JSON:
    return {
        "at": q.at.isoformat(),
        "last": q.last,
        "change": q.change,
        "change_pct": q.change_pct,
        "open": q.open,
        "high": q.high,
        "low": q.low,
        "source": q.source,
        "display": _display(q.last, q.change, q.change_pct, decimals),
    }


def strip_item_json(item: StripItem, key: str) -> JSON:
    return {
        "name": item.name,
        "instrument": key,
        "url": urls.instrument(key),
        "last": item.last,
        "change": item.change,
        "change_pct": item.change_pct,
        "display": _display(item.last, item.change, item.change_pct, item.decimals),
        "trend": quote_trend(item.change),
        "at": item.at.isoformat(),
        "source": item.source,
    }


def strip_json(
    strip: Strip, ages: Sequence[Freshness] | None = None, zone: ZoneInfo | None = None
) -> list[JSON]:
    """The strip's items; with ``ages`` (one for each), whether each is ``current``, where not
    its ``age`` ("as of Jul 5, 16:00", "2 days old"), and ``when``, what the page prints beside
    it: the age, or the local time in ``zone`` ("15:41")."""
    items = [strip_item_json(i, k) for i, k in zip(strip.items, strip.keys, strict=True)]
    if ages is not None:
        for item, age, quote in zip(items, ages, strip.items, strict=True):
            item["current"] = age.current
            item["age"] = age.age
            item["when"] = age.age or f"{quote.at.astimezone(zone):%H:%M}"
    return items


def market_line_json(line: MarketLine) -> JSON:
    """The banner and the strip at ``as_of``: the front page's top, and each live event."""
    return {
        "edition": line.edition.code,
        "as_of": line.now.isoformat(),
        "market_status": line.market_status,
        "market_open": line.market_open,
        "next_change": _iso(line.next_change),
        "strip": strip_json(line.strip, line.freshness, zone_of(line.edition.calendar)),
    }


def mover_json(m: Mover) -> JSON:
    return {
        **strip_item_json(m.item, m.key),
        "change_pct": m.change_pct,
        "display": _display(m.item.last, m.item.change, m.change_pct, m.item.decimals),
        "current": m.freshness.current,
        "age": m.freshness.age,
    }


def story_line_json(line: StoryLine) -> JSON:
    """A story on the front page: the copy shown (its id and URL are the story page's), the
    story's id, its number of copies and the publishers that carry it."""
    return {
        **story_summary_json(line.shown),
        "story_id": line.story.id,
        "copies": len(line.story.copies),
        "publishers": list(line.publishers),
    }


def story_summary_json(s: StoredArticle) -> JSON:
    a = s.article
    return {
        "id": s.id,
        "url": urls.story(s.id),
        "title": a.title,
        "origin": a.origin,
        "publisher": a.publisher,
        "published": _iso(a.published),
        "modified": _iso(a.modified),
        "fetched_at": _iso(s.fetched_at),
        "summary": a.paragraphs[0] if a.paragraphs else None,
    }


def story_json(s: StoredArticle) -> JSON:
    a = s.article
    return {
        **story_summary_json(s),
        "source": s.source,
        "paragraphs": list(a.paragraphs),
        "text": a.text,
        "authors": list(a.authors),
        "copyright": a.copyright,
        "language": a.language,
        "market_status": s.market_status,
        "removed": [{"kind": str(r.kind), "text": r.text} for r in s.removed],
        "from_feed_entry": s.from_feed_entry,
    }


def front_json(front: FrontPage) -> JSON:
    code, paging, filters = front.edition.code, front.paging, front.filters.params()

    def page_url(n: int) -> str:
        return urls.front(code, n, json=True, **filters)

    return {
        **market_line_json(front.line),
        "filters": filters,
        "top": [story_line_json(s) for s in front.top],
        "stories": [story_line_json(s) for s in front.stories],
        "gainers": [mover_json(m) for m in front.gainers],
        "losers": [mover_json(m) for m in front.losers],
        "live": urls.live(code),
        "page": paging.page,
        "next": page_url(paging.page + 1) if paging.has_next else None,
        "previous": page_url(paging.page - 1) if paging.page > 1 else None,
    }


def search_json(results: SearchResults) -> JSON:
    paging = results.paging
    return {
        "q": results.q,
        "stories": [story_summary_json(s) for s in results.stories],
        "page": paging.page,
        "next": urls.search(results.q, paging.page + 1, json=True) if paging.has_next else None,
    }


def instrument_facts_json(inst: Instrument) -> JSON:
    return {
        "key": inst.key,
        "name": inst.name,
        "kind": str(inst.kind),
        "currency": inst.currency,
        "calendar": inst.calendar,
        "decimals": inst.decimals,
        "aliases": list(inst.aliases),
        "symbols": dict(inst.symbols),
        "url": urls.instrument(inst.key),
    }


def instrument_json(view: InstrumentView) -> JSON:
    inst, d = view.instrument, view.instrument.decimals
    return {
        **instrument_facts_json(inst),
        "latest": quote_json(view.latest, d) if view.latest else None,
        "from": view.range.start.isoformat(),
        "to": view.range.end.isoformat(),
        "resolution": view.resolution,
        "history": [quote_json(q, d) for q in view.history],
    }


def instrument_page_json(view: InstrumentPage) -> JSON:
    """The instrument page: ``instrument_json``'s fields (``history`` is the chart's series,
    oldest first) and the range, key numbers, session, stories and this page of the table."""
    inst, d, st, se = view.instrument, view.instrument.decimals, view.stats, view.session
    paging, key = view.paging, view.instrument.key

    return {
        **instrument_facts_json(inst),
        "latest": quote_json(view.latest, d) if view.latest else None,
        "range": view.range_code,
        "ranges": {code: urls.instrument(key, range_code=code, json=True) for code, _ in RANGES},
        "from": view.span.start.isoformat(),
        "to": view.span.end.isoformat(),
        "resolution": view.chart_resolution,
        "series_resolution": view.series_resolution or None,
        "history": [quote_json(q, d) for q in view.series],
        "stats": {
            "day": st.day.isoformat() if st.day else None,
            "previous_close": st.previous_close,
            "open": st.open,
            "day_low": st.day_low,
            "day_high": st.day_high,
            "year_low": st.year_low,
            "year_high": st.year_high,
        },
        "session": {
            "calendar": se.calendar,
            "zone": se.zone,
            "is_open": se.is_open,
            "opens": _iso(se.opens),
            "closes": _iso(se.closes),
            "next_change": _iso(se.next_change),
            "note": se.note,
            "hours": se.hours,
        },
        "stories": [story_group_json(s) for s in view.stories],
        "table": {
            "page": paging.page,
            "rows": [quote_json(q, d) for q in view.rows],
            "next": urls.instrument(
                key,
                range_code=_range_param(view),
                page=paging.page + 1,
                json=True,
                start=_custom(view, "start"),
                end=_custom(view, "end"),
            )
            if paging.has_next
            else None,
        },
        "csv": urls.instrument_csv(key),
    }


def _range_param(view: InstrumentPage) -> str | None:
    return None if view.range_code == "custom" else view.range_code


def _custom(view: InstrumentPage, which: str) -> str | None:
    if view.range_code != "custom":
        return None
    return (view.span.start if which == "start" else view.span.end).isoformat()


def entity_page_json(view: EntityPage) -> JSON:
    """The entity page: who or what it is, the roles stories give it, its stories (this page,
    newest first) and the entities it appears with."""
    r, paging = view.record, view.paging
    return {
        "key": r.key,
        "name": r.name,
        "type": r.kind,
        "wikidata": view.wikidata,
        "wikidata_url": view.wikidata_url,
        "country": view.country,
        "articles": r.articles,
        "url": urls.entity(view.asked),
        "roles": [
            {
                "at": _iso(x.at),
                "roles": list(x.roles),
                "story": urls.story(x.article_id),
                "title": x.title,
            }
            for x in view.roles
        ],
        "stories": [story_group_json(s) for s in view.stories],
        "related": [
            {
                "name": x.name,
                "type": x.kind,
                "key": x.key,
                "stories": x.stories,
                "url": entity_url(x.key, x.name),
            }
            for x in view.related
        ],
        "page": paging.page,
        "next": urls.entity(view.asked, page=paging.page + 1, json=True)
        if paging.has_next
        else None,
    }


def search_page_json(view: SearchPage) -> JSON:
    """A search: the query and filters, the bounded count, one result a story (with its
    highlighted headline and snippet as HTML, escaped), the pages it names, paging."""
    paging = view.paging
    return {
        "q": view.q,
        "filters": {k: v for k, v in view.filters.items() if v is not None},
        "total": min(view.total, COUNT_CAP),
        "total_capped": view.capped,
        "goto": [
            {"type": g.kind, "name": g.label, "url": g.url, "detail": g.detail} for g in view.goto
        ],
        "stories": [
            {
                **story_summary_json(h.story),
                "source": h.source,
                "title_html": h.title_html,
                "snippet_html": h.snippet_html,
            }
            for h in view.hits
        ],
        "page": paging.page,
        "next": urls.search(view.q, paging.page + 1, json=True, filters=view.filters)
        if paging.has_next
        else None,
        "previous": urls.search(view.q, paging.page - 1, json=True, filters=view.filters)
        if paging.page > 1
        else None,
    }


def story_chart_json(c: StoryChart) -> JSON:
    """An instrument around a story's time: the move from publication to the latest value."""
    return {
        "instrument": c.key,
        "name": c.name,
        "url": urls.instrument(c.key),
        "at": c.at.isoformat(),
        "at_publication": c.base,
        "latest": c.latest,
        "latest_at": _iso(c.latest_at),
        "move": c.move,
        "move_pct": c.move_pct,
        "display": _display(c.latest, c.move, c.move_pct, c.decimals)
        if c.latest is not None
        else None,
    }


def market_status_json(status: MarketStatus) -> JSON:
    return {
        "edition": status.edition.code,
        "at": status.at.isoformat(),
        "banner": status.banner,
        "is_open": status.is_open,
        "next_change": _iso(status.next_change),
    }


def source_json(s: Source) -> JSON:
    """A source and its state: the ``sources list --json`` contract, and more."""
    return {
        "id": s.id,
        "url": s.spec.url,
        "kind": str(s.spec.kind),
        "state": s.state,
        "last_fetch": _iso(s.last_fetch),
        "last_error": s.last_error,
        "failures": s.failures,
        "next_poll": _iso(s.next_poll),
        "every_s": s.spec.every_s,
        "edition": s.spec.edition,
        "tags": list(s.spec.tags),
        "allow_private": s.spec.allow_private,
        "from_config": s.spec.from_config,
        "last_success": _iso(s.last_success),
    }


def copy_json(c: StoryCopy) -> JSON:
    return {
        "article_id": c.article_id,
        "source": c.source,
        "url": c.url,
        "publisher": c.publisher,
        "title": c.title,
        "published": _iso(c.published),
        "fetched_at": _iso(c.fetched_at),
    }


def story_group_json(s: Story) -> JSON:
    """A story with its copies: the ``stories --json`` contract."""
    return {
        "id": s.id,
        "title": s.title,
        "origin": s.origin,
        "published": _iso(s.published),
        "first_seen": _iso(s.first_seen),
        "copies": [copy_json(c) for c in s.copies],
    }


def status_json(counts: StoreCounts, sources: list[Source]) -> JSON:
    return {
        "documents": counts.documents,
        "articles": counts.articles,
        "stories": counts.stories,
        "quotes": counts.quotes,
        "sources": counts.sources,
        "health": [source_json(s) for s in sources],
    }
