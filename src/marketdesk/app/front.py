"""The front page of an edition: its market line (the market-status banner and the ticker strip,
each quote's age where it is not current), gainers and losers of the edition's instruments, the
top stories and the latest ones, filtered by topic, country, entity or instrument.

A story with several copies counts once, with the publishers that carry it. Top stories are the
newest ``TOP_POOL`` stories ranked by publishers over age (``publishers / (hours + 2) ** 0.5``):
a story four publishers carry stays above a lone newer one for about a day and a half.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

from marketdesk.app.desk import Desk
from marketdesk.app.freshness import Freshness, freshness, zone_of
from marketdesk.app.paging import PAGE_SIZE, Paging
from marketdesk.app.stories import list_stories
from marketdesk.app.strip import Strip, strip_from
from marketdesk.errors import InputError, MarketdeskError
from marketdesk.markets.clock import MarketClock
from marketdesk.markets.registry import Edition
from marketdesk.model import Quote, StoredArticle, Story, StripItem

__all__ = [
    "MAX_FILTER_CHARS",
    "MOVERS",
    "TOP_POOL",
    "TOP_SIZE",
    "Filters",
    "FrontPage",
    "MarketLine",
    "Mover",
    "StoryLine",
    "front_page",
    "market_line",
    "movers",
    "publishers",
]

TOP_POOL = 60  # the newest stories the top ones are chosen from
TOP_SIZE = 5
MOVERS = 5  # gainers, and losers, shown
MAX_FILTER_CHARS = 200
_GRAVITY = 0.5


@dataclass(frozen=True, slots=True)
class Filters:
    """The front page's filters, as ``marketdesk stories`` takes them (None: not filtered)."""

    topic: str | None = None
    country: str | None = None
    entity: str | None = None
    instrument: str | None = None

    def __post_init__(self) -> None:
        for name in ("topic", "country", "entity", "instrument"):
            value = getattr(self, name)
            if value is not None and len(value) > MAX_FILTER_CHARS:
                raise InputError(f"{name} is too long (at most {MAX_FILTER_CHARS} characters)")

    @property
    def any(self) -> bool:
        return any(v is not None for v in (self.topic, self.country, self.entity, self.instrument))

    def params(self) -> dict[str, str | None]:
        return {
            "topic": self.topic,
            "country": self.country,
            "entity": self.entity,
            "instrument": self.instrument,
        }


@dataclass(frozen=True, slots=True)
class MarketLine:
    """The banner and the strip as a page shows them at ``now``: what the live stream sends."""

    edition: Edition
    now: datetime
    market_status: str | None  # None where the calendar cannot say
    market_open: bool | None
    next_change: datetime | None
    strip: Strip
    freshness: tuple[Freshness, ...]  # one for each strip item, in order


@dataclass(frozen=True, slots=True)
class Mover:
    key: str
    item: StripItem
    change_pct: float  # unrounded
    freshness: Freshness


@dataclass(frozen=True, slots=True)
class StoryLine:
    """A story as the front page lists it: once, with the copy shown and its publishers."""

    story: Story
    shown: StoredArticle  # the copy whose headline and lead are shown (the first published)
    publishers: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class FrontPage:
    edition: Edition
    market_status: str | None
    strip: Strip
    stories: tuple[StoryLine, ...]  # the latest, newest first, one page
    paging: Paging
    line: MarketLine
    top: tuple[StoryLine, ...]  # on the first page only
    gainers: tuple[Mover, ...]
    losers: tuple[Mover, ...]
    filters: Filters


def front_page(
    desk: Desk, edition: str | None = None, page: int = 1, filters: Filters | None = None
) -> FrontPage:
    ed = desk.edition(edition)
    paging = Paging.check(page)
    filters = filters or Filters()
    found = _stories(desk, filters, PAGE_SIZE + 1, paging.offset)
    top = _top(desk, filters) if paging.page == 1 else ()
    line = market_line(desk, ed)
    gainers, losers = movers(line)
    return FrontPage(
        edition=ed,
        market_status=line.market_status,
        strip=line.strip,
        stories=_lines(desk, found[:PAGE_SIZE]),
        paging=paging.seen(len(found)),
        line=line,
        top=top,
        gainers=gainers,
        losers=losers,
        filters=filters,
    )


def market_line(desk: Desk, ed: Edition, latest: Mapping[str, Quote] | None = None) -> MarketLine:
    """The edition's market line now, from ``latest`` quotes when given (else read)."""
    now = desk.clock()
    if latest is None:
        latest = desk.storage.latest_quotes([key for key, _ in ed.strip])
    shown = strip_from(desk, ed, latest)
    zone = zone_of(ed.calendar)
    ages = tuple(
        freshness(desk.instrument(key).calendar, item.at, now, zone)
        for item, key in zip(shown.items, shown.keys, strict=True)
    )
    try:
        clock = MarketClock.for_calendar(ed.calendar)
        status = clock.status(now)
        banner: str | None = clock.banner(ed.label, now)
        is_open: bool | None = status.is_open
        next_change = status.next_change
    except MarketdeskError:  # the calendar's data ends: no banner rather than no page
        banner, is_open, next_change = None, None, None
    return MarketLine(ed, now, banner, is_open, next_change, shown, ages)


def movers(line: MarketLine) -> tuple[tuple[Mover, ...], tuple[Mover, ...]]:
    """The edition's instruments that rose most and fell most, by their latest quote's change."""
    moved: list[Mover] = []
    for item, key, fresh in zip(line.strip.items, line.strip.keys, line.freshness, strict=True):
        pct = _pct(item)
        if pct is not None and pct != 0:
            moved.append(Mover(key, item, pct, fresh))
    gainers = sorted((m for m in moved if m.change_pct > 0), key=lambda m: -m.change_pct)
    losers = sorted((m for m in moved if m.change_pct < 0), key=lambda m: m.change_pct)
    return tuple(gainers[:MOVERS]), tuple(losers[:MOVERS])


def _pct(item: StripItem) -> float | None:
    if item.change_pct is not None:
        return item.change_pct
    if item.change is None or item.last == item.change:
        return None
    return item.change / (item.last - item.change) * 100


def _stories(desk: Desk, filters: Filters, limit: int, offset: int) -> list[Story]:
    f = filters
    return list_stories(
        desk,
        limit=limit,
        offset=offset,
        topic=f.topic,
        country=f.country,
        entity=f.entity,
        instrument=f.instrument,
    )


def _top(desk: Desk, filters: Filters) -> tuple[StoryLine, ...]:
    now = desk.clock()
    pool = [s for s in _stories(desk, filters, TOP_POOL, 0) if s.copies]

    def score(s: Story) -> float:
        when = s.published or s.first_seen
        if when.tzinfo is None:  # a page's own date without an offset: near enough as UTC
            when = when.replace(tzinfo=UTC)
        hours = max((now - when).total_seconds() / 3600, 0.0)
        return len(publishers(s)) / float((hours + 2) ** _GRAVITY)

    # Stable: of two equal scores, the newer story (the pool is newest first) comes first.
    return _lines(desk, sorted(pool, key=score, reverse=True)[:TOP_SIZE])


def _lines(desk: Desk, stories: list[Story]) -> tuple[StoryLine, ...]:
    # One read for the whole page: a round trip a line was most of a front page's time on
    # PostgreSQL.
    firsts = desk.storage.articles([s.copies[0].article_id for s in stories if s.copies])
    out: list[StoryLine] = []
    for s in stories:
        shown = firsts.get(s.copies[0].article_id) if s.copies else None
        if shown is not None:
            out.append(StoryLine(s, shown, publishers(s)))
    return tuple(out)


def publishers(s: Story) -> tuple[str, ...]:
    """Who carries the story, once each, in the order of its copies: the publisher a copy
    names, else its site."""
    seen: dict[str, str] = {}
    for c in s.copies:
        name = c.publisher or _site(c.url or c.source)
        seen.setdefault(name.casefold(), name)
    return tuple(seen.values())


def _site(address: str) -> str:
    host = urlsplit(address).hostname if "://" in address else None
    if host is None:
        return address
    return host.removeprefix("www.")
