"""The Storage contract of store/base.py, clause by clause, run against every backend.

``storage_url`` (tests/conftest.py) is a fresh, not yet created database: a SQLite file, or a
fresh schema on the PostgreSQL test server.
"""

from __future__ import annotations

import importlib
import math
import multiprocessing
import sqlite3
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from marketdesk.errors import StorageError
from marketdesk.extract import extract
from marketdesk.model import (
    Annotations,
    Article,
    BlockKind,
    Entity,
    EntityKind,
    InstrumentRef,
    ItemMark,
    Mention,
    Page,
    PollRecord,
    Quote,
    RawDocument,
    RemovedBlock,
    SourceKind,
    SourceSpec,
    TopicTag,
)
from marketdesk.store import SearchFilters, Storage, annotations_json, backend_of, open_storage
from marketdesk.store.base import Checkpoint
from marketdesk.store.dedup import article_fingerprint, document_key, plan_page

ARTICLE = b"""Stocks edge higher in quiet trade

Shares rose modestly on Tuesday as investors waited for inflation data due later in the week, with trading volumes well below their monthly average.

Energy companies led the gains after crude prices climbed for a third day, while utilities lagged the broader market.
"""
AT = datetime(2024, 7, 5, 19, 41, tzinfo=UTC)
EST = timezone(timedelta(hours=-5))
IST = timezone(timedelta(hours=5, minutes=30))


# -- helpers -----------------------------------------------------------------------------------
def page(
    title: str | None,
    *paragraphs: str,
    removed: tuple[RemovedBlock, ...] = (),
    **article: Any,
) -> Page:
    return Page(
        source="x",
        kind="text",
        article=Article(title=title, paragraphs=tuple(paragraphs), **article),
        removed=removed,
    )


def raw(content: bytes | str, at: datetime | None = AT, source: str = "a.txt") -> RawDocument:
    data = content.encode() if isinstance(content, str) else content
    return RawDocument(source=source, content=data, fetched_at=at)


def quote(
    key: str,
    at: datetime,
    last: float = 100.0,
    *,
    source: str = "bundled",
    name: str | None = None,
    change: float | None = None,
    change_pct: float | None = None,
    **more: Any,
) -> Quote:
    return Quote(
        instrument=key,
        name=name or key,
        at=at,
        last=last,
        change=change,
        change_pct=change_pct,
        source=source,
        **more,
    )


def story(n: int) -> Page:
    """A distinct article, the n-th."""
    return page(f"Story number {n}", f"Paragraph of story {n}, long enough to be an article.")


@pytest.fixture
def opened(storage_url: str) -> Iterator[Callable[..., Storage]]:
    """open_storage, with every store it opened closed at the end of the test."""
    stores: list[Storage] = []

    def open_(location: str = storage_url, **kwargs: Any) -> Storage:
        store = open_storage(location, **kwargs)
        stores.append(store)
        return store

    yield open_
    for store in stores:
        store.close()


@pytest.fixture
def store(opened: Callable[..., Storage]) -> Storage:
    return opened()


def is_postgres(url: str) -> bool:
    return backend_of(url) == "postgresql"


def utc(dt: datetime | None) -> bool:
    return dt is not None and dt.utcoffset() == timedelta(0) and dt.tzname() == "UTC"


def negative_zero(x: float | None) -> bool:
    return x == 0 and math.copysign(1.0, x) < 0


# -- times -------------------------------------------------------------------------------------
def test_times_are_aware_in_and_utc_out_with_microseconds(store: Storage) -> None:
    fetched = datetime(2024, 7, 5, 23, 11, 12, 345678, tzinfo=IST)
    result = store.add_page(raw(ARTICLE, fetched), page("T", "Some text of an article."), [])
    assert result.article_id is not None
    got = store.get_article(result.article_id)
    assert got is not None and got.fetched_at == fetched and utc(got.fetched_at)
    assert got.fetched_at is not None and got.fetched_at.microsecond == 345678
    [listed] = store.latest_articles()
    assert listed.fetched_at == fetched and utc(listed.fetched_at)

    at = datetime(2024, 7, 5, 15, 41, 0, 1, tzinfo=EST)
    store.add_quotes([quote("spx", at)])
    latest = store.latest_quote("spx")
    assert latest is not None and latest.at == at and utc(latest.at)
    assert latest.at.microsecond == 1
    [hist] = store.history("spx", at, at)
    assert hist.at == at and utc(hist.at)


def test_naive_times_are_refused_and_write_nothing(store: Storage) -> None:
    naive = datetime(2024, 7, 5, 12, 0)
    with pytest.raises(ValueError, match="timezone-aware"):
        store.add_page(raw(ARTICLE, naive), page("T", "Text."), [])
    with pytest.raises(ValueError, match="fetch time"):
        store.add_page(raw(ARTICLE, None), page("T", "Text."), [])
    with pytest.raises(ValueError, match="timezone-aware"):
        store.add_quotes([quote("spx", AT), quote("spx", naive)])
    with pytest.raises(ValueError, match="timezone-aware"):
        store.add_page(raw(ARTICLE), page("T", "Text."), [quote("spx", naive, source="page")])
    assert vars_of(store.counts()) == (0, 0, 0)
    with pytest.raises(ValueError):
        store.latest_quote("spx", naive)
    with pytest.raises(ValueError):
        store.history("spx", naive, AT)
    with pytest.raises(ValueError):
        store.history("spx", AT, naive)


def vars_of(counts: Any) -> tuple[int, int, int]:
    return (counts.documents, counts.articles, counts.quotes)


def test_published_and_modified_keep_their_offset(store: Storage) -> None:
    published = datetime(2024, 7, 5, 9, 30, tzinfo=EST)
    modified = datetime(2024, 7, 6, 1, 2, 3, 456, tzinfo=timezone(timedelta(hours=9)))
    p = page("Dated", "A story with dates.", published=published, modified=modified)
    result = store.add_page(raw(b"dated"), p, [])
    assert result.article_id is not None
    got = store.get_article(result.article_id)
    assert got is not None
    assert got.article.published == published
    assert got.article.published is not None
    assert got.article.published.utcoffset() == timedelta(hours=-5)
    assert got.article.modified == modified
    assert got.article.modified is not None
    assert got.article.modified.utcoffset() == timedelta(hours=9)


def test_published_without_an_offset_stays_as_the_page_gave_it(store: Storage) -> None:
    # Extraction gives a naive date when the page prints none (extract/dates.py); it is the
    # page's own wording, kept as such, not a time the store could convert.
    p = page("Undated zone", "A story dated without a zone.", published=datetime(2024, 7, 5, 9))
    result = store.add_page(raw(b"naive published"), p, [])
    assert result.article_id is not None
    got = store.get_article(result.article_id)
    assert got is not None and got.article.published == datetime(2024, 7, 5, 9)
    assert got.article.published.tzinfo is None


# -- numbers -----------------------------------------------------------------------------------
def test_negative_zero_round_trips(store: Storage) -> None:
    store.add_quotes([quote("spx", AT, 5000.0, change=-0.0, change_pct=-0.0)])
    store.add_page(
        raw(ARTICLE),
        page("T", "Text of it."),
        [quote("tsx", AT, 22000.0, source="page", change=-0.0, change_pct=-0.0, decimals=2)],
    )
    store.add_quotes([quote("dji", AT, 40000, change=0.0, change_pct=0.0)])
    for key in ("spx", "tsx"):
        latest = store.latest_quote(key)
        assert latest is not None
        assert negative_zero(latest.change) and negative_zero(latest.change_pct), key
        [hist] = store.history(key, AT, AT)
        assert negative_zero(hist.change) and negative_zero(hist.change_pct), key
    dji = store.latest_quote("dji")
    assert dji is not None and dji.last == 40000 and isinstance(dji.last, float)
    assert dji.change == 0 and math.copysign(1.0, dji.change or 0.0) > 0


@pytest.mark.parametrize(
    "field",
    [
        {"last": math.nan},
        {"last": math.inf},
        {"change": -math.inf},
        {"change_pct": math.nan},
        {"prev_close": math.inf},
        {"high": math.nan},
    ],
)
def test_non_finite_numbers_are_refused(store: Storage, field: dict[str, float]) -> None:
    bad = replace(quote("spx", AT - timedelta(days=1)), **field)
    with pytest.raises(ValueError):
        store.add_quotes([quote("spx", AT), bad])
    with pytest.raises(ValueError):
        store.add_page(raw(ARTICLE), page("T", "Text."), [replace(bad, source="page")])
    assert vars_of(store.counts()) == (0, 0, 0)


def test_quote_fields_round_trip(store: Storage) -> None:
    q = quote(
        "wti",
        AT,
        81.25,
        name="Crude Oil",
        change=-0.31,
        change_pct=-0.38,
        prev_close=81.56,
        open=81.5,
        high=82.0,
        low=80.9,
        decimals=2,
    )
    store.add_quotes([q])
    assert store.latest_quote("wti") == q
    unknown = replace(q, instrument=None, name="Mystery Index")
    store.add_quotes([unknown])
    assert store.counts().quotes == 2


# -- one call, one transaction -----------------------------------------------------------------
def test_a_failing_call_stores_nothing(store: Storage) -> None:
    store.add_quotes([quote("spx", AT, 1.0)])
    before = vars_of(store.counts())

    def broken() -> Iterator[Quote]:
        yield quote("spx", AT - timedelta(days=1), 2.0)
        yield quote("spx", AT - timedelta(days=2), 3.0)
        raise RuntimeError("the source broke mid-way")

    with pytest.raises(RuntimeError):
        store.add_quotes(broken())
    bad_page_quotes = [quote("tsx", AT, source="page"), quote("tsx", AT, math.nan, name="x")]
    with pytest.raises(ValueError):
        store.add_page(raw(ARTICLE), page("T", "Text."), bad_page_quotes)
    assert vars_of(store.counts()) == before
    # Nothing of the failed page stayed behind: storing it again creates it.
    result = store.add_page(raw(ARTICLE), page("T", "Text."), [quote("tsx", AT, source="page")])
    assert result.document_created and result.article_created and result.quotes_added == 1


class _BlockingQuotes(list[Quote]):
    """Quotes whose iteration waits, so that a write stays open while others look."""

    def __init__(self, items: Iterable[Quote]) -> None:
        super().__init__(items)
        self.started = threading.Event()
        self.go = threading.Event()

    def __iter__(self) -> Iterator[Quote]:
        self.started.set()
        assert self.go.wait(10)
        return super().__iter__()


def test_reads_see_only_committed_data(store: Storage) -> None:
    quotes = _BlockingQuotes([quote("tsx", AT, source="page")])
    writer = threading.Thread(
        target=store.add_page, args=(raw(ARTICLE), page("T", "Text."), quotes)
    )
    writer.start()
    try:
        assert quotes.started.wait(10)  # the document is written, its transaction still open
        assert vars_of(store.counts()) == (0, 0, 0)
        assert store.latest_articles() == []
    finally:
        quotes.go.set()
        writer.join(10)
    assert vars_of(store.counts()) == (1, 1, 1)


# -- write batches -----------------------------------------------------------------------------
def test_a_write_batch_commits_every_n_writes_and_at_its_end(
    store: Storage, opened: Callable[..., Storage]
) -> None:
    other = opened()  # another connection (pool) onto the same database: another process's view
    with store.write_batch(every=3, seconds=3600):
        for n in range(2):
            assert store.add_page(raw(f"doc {n}"), story(n), []).article_created
        # Not committed yet: no reader sees them, in this thread neither.
        assert vars_of(other.counts()) == (0, 0, 0)
        assert vars_of(store.counts()) == (0, 0, 0)
        store.add_page(raw("doc 2"), story(2), [])  # the third: the batch commits
        assert vars_of(other.counts()) == (3, 3, 0)
        store.add_page(raw("doc 3"), story(3), [])
        assert vars_of(other.counts()) == (3, 3, 0)
    assert vars_of(other.counts()) == (4, 4, 0)
    assert [a.article.title for a in other.latest_articles()] == [
        f"Story number {n}" for n in (3, 2, 1, 0)
    ]


def test_a_write_batch_commits_once_its_seconds_have_passed(
    store: Storage, opened: Callable[..., Storage]
) -> None:
    other = opened()
    with store.write_batch(every=1000, seconds=0.05):
        store.add_page(raw("doc 0"), story(0), [])
        time.sleep(0.1)
        assert vars_of(other.counts()) == (0, 0, 0)  # looked at by the next write, not a timer
        store.add_page(raw("doc 1"), story(1), [])
        assert vars_of(other.counts()) == (2, 2, 0)


def test_a_failing_write_in_a_batch_leaves_the_store_as_before_it(
    store: Storage, opened: Callable[..., Storage]
) -> None:
    other = opened()

    def broken() -> Iterator[Quote]:
        yield quote("spx", AT - timedelta(days=1), 2.0)
        raise RuntimeError("the source broke mid-way")

    bad_page_quotes = [quote("tsx", AT, source="page"), quote("tsx", AT, math.nan, name="x")]
    with store.write_batch(every=100):
        first = store.add_page(raw("doc 0"), story(0), [quote("tsx", AT, source="page")])
        with pytest.raises(ValueError):
            store.add_page(raw(ARTICLE), page("T", "Text."), bad_page_quotes)
        with pytest.raises(RuntimeError):
            store.add_quotes(broken())
        second = store.add_page(raw("doc 1"), story(1), [])
    assert first.article_created and second.article_created
    assert vars_of(other.counts()) == (2, 2, 1)
    assert other.latest_quote("spx") is None
    # Nothing of the failed page stayed behind: storing it again creates it.
    again = store.add_page(raw(ARTICLE), page("T", "Text."), [quote("tsx", AT, source="page")])
    assert again.document_created and again.article_created and again.quotes_added == 0


def test_a_batch_left_by_an_exception_commits_the_writes_before_it(
    store: Storage, opened: Callable[..., Storage]
) -> None:
    other = opened()
    version = other.quotes_version()
    with pytest.raises(RuntimeError, match="caller"), store.write_batch(every=100):
        store.add_page(raw("doc 0"), story(0), [])
        store.add_quotes([quote("spx", AT, 1.0)])
        raise RuntimeError("the caller broke")
    assert vars_of(other.counts()) == (1, 1, 1)
    assert other.quotes_version() != version
    with store.write_batch():  # the store writes on as ever, in batches too
        store.add_page(raw("doc 1"), story(1), [])
    assert vars_of(other.counts()) == (2, 2, 1)


def test_quotes_version_changes_when_a_batch_commits(
    store: Storage, opened: Callable[..., Storage]
) -> None:
    other = opened()
    store.add_quotes([quote("spx", AT, 1.0)])
    before = other.quotes_version()
    with store.write_batch(every=100):
        assert store.add_quotes([quote("spx", AT + timedelta(minutes=1), 2.0)]) == 1
        assert other.quotes_version() == before
        assert other.wait_for_quotes(before, 0.05) == before  # not told before the commit
    after = other.wait_for_quotes(before, 30)
    assert after != before and after == other.quotes_version()
    latest = other.latest_quote("spx")
    assert latest is not None and latest.last == 2.0


def test_a_batch_keeps_idempotency_and_stories_over_its_own_writes(store: Storage) -> None:
    with store.write_batch(every=100):
        first = store.add_page(raw(ARTICLE), page("T", "Text."), [quote("tsx", AT, source="page")])
        again = store.add_page(raw(ARTICLE), page("T", "Text."), [quote("tsx", AT, source="page")])
        a = store.add_page(web("https://a.example/x", b"<a>"), page("Bank holds rates", *BODY), [])
        b = store.add_page(
            web("https://b.example/y", b"<b>", AT + timedelta(minutes=5)),
            page("Central bank stands pat", *BODY),
            [],
        )
    assert first.document_created and not again.document_created and again.quotes_added == 0
    assert a.article_created and b.article_created and a.story_id == b.story_id
    assert vars_of(store.counts()) == (3, 3, 1)


def test_other_threads_write_on_their_own_while_a_batch_is_open(
    store: Storage, opened: Callable[..., Storage]
) -> None:
    other = opened()
    with store.write_batch(every=100, seconds=3600):
        store.add_page(raw("doc 0"), story(0), [])
        writer = threading.Thread(target=store.add_quotes, args=([quote("spx", AT, 1.0)],))
        writer.start()
        writer.join(30)
        assert not writer.is_alive()
        assert other.counts().quotes == 1  # committed by its own call
    assert vars_of(other.counts()) == (1, 1, 1)


def test_a_batch_inside_a_batch_joins_it(store: Storage, opened: Callable[..., Storage]) -> None:
    other = opened()
    with store.write_batch(every=100, seconds=3600):
        with store.write_batch(every=1):
            store.add_page(raw("doc 0"), story(0), [])
            store.add_page(raw("doc 1"), story(1), [])
        assert vars_of(other.counts()) == (0, 0, 0)
    assert vars_of(other.counts()) == (2, 2, 0)


@pytest.mark.parametrize(
    "every, seconds", [(0, 1.0), (-1, 1.0), (True, 1.0), (2.5, 1.0), (10, 0), (10, math.nan)]
)
def test_a_write_batch_refuses_bad_rules(store: Storage, every: Any, seconds: Any) -> None:
    with (
        pytest.raises(ValueError, match="write batch"),
        store.write_batch(every=every, seconds=seconds),
    ):
        pass


# -- idempotency -------------------------------------------------------------------------------
def test_the_same_bytes_add_nothing(store: Storage) -> None:
    p = extract(RawDocument(source="a.txt", content=ARTICLE))
    first = store.add_page(raw(ARTICLE), p, [quote("tsx", AT, source="page")])
    assert first.document_created and first.article_created and first.quotes_added == 1
    later = AT + timedelta(hours=1)
    second = store.add_page(raw(ARTICLE, later), p, [quote("tsx", later, source="page")])
    assert second == type(second)(first.article_id, False, False, 0, first.story_id)
    assert vars_of(store.counts()) == (1, 1, 1)


def test_new_bytes_of_a_stored_article_store_the_document_not_the_article(store: Storage) -> None:
    first = store.add_page(raw(ARTICLE), extract(RawDocument("a.txt", ARTICLE)), [])
    recrawl = b"Home\nMenu\n" + ARTICLE
    later = AT + timedelta(hours=2)
    second = store.add_page(
        raw(recrawl, later, "b.txt"),
        extract(RawDocument("b.txt", recrawl)),
        [quote("tsx", later, source="page"), quote("dji", later, source="page")],
    )
    assert second.document_created and not second.article_created
    assert second.article_id == first.article_id and second.quotes_added == 2
    assert vars_of(store.counts()) == (2, 1, 2)
    # The fingerprint is the words: case and punctuation do not make another article.
    third = store.add_page(raw(b"3", later), page("stocks EDGE higher; in quiet trade!", "x y"), [])
    fourth = store.add_page(
        raw(b"4", later), page("Stocks edge higher in quiet trade", "X, y."), []
    )
    assert third.article_created and not fourth.article_created
    assert fourth.article_id == third.article_id


def test_bytes_seen_again_name_their_article_even_from_another_document(store: Storage) -> None:
    p = page("Shared story", "The words of the shared story.")
    first = store.add_page(raw(b"<one>"), p, [])
    second = store.add_page(raw(b"<two>"), p, [])  # other bytes, the same article
    assert second.article_id == first.article_id and not second.article_created
    again = store.add_page(raw(b"<two>", AT + timedelta(days=1)), p, [])
    assert again == type(again)(first.article_id, False, False, 0, first.story_id)
    # A document that gave no article names none when seen again.
    empty = page(None)
    assert store.add_page(raw(b"<empty>"), empty, []).article_id is None
    assert store.add_page(raw(b"<empty>"), empty, []) == type(again)(None, False, False, 0)
    assert vars_of(store.counts()) == (3, 1, 0)


def test_quotes_are_deduplicated_by_source_name_and_time(store: Storage) -> None:
    days = [AT - timedelta(days=d) for d in range(5)]
    assert store.add_quotes(quote("spx", d, 100.0 + i) for i, d in enumerate(days)) == 5
    assert store.add_quotes(quote("spx", d, 1.0) for d in days) == 0
    assert store.add_quotes([quote("spx", AT, source="yahoo")]) == 1  # another source
    assert store.add_quotes([quote("spx", AT, name="S&P 500")]) == 1  # another name
    assert store.add_quotes([quote("spx", AT.astimezone(EST))]) == 0  # the same instant
    # Within one batch the first of two quotes with one key is kept, and counted once.
    new = AT + timedelta(days=1)
    assert store.add_quotes([quote("spx", new, 7.0), quote("spx", new, 8.0)]) == 1
    assert store.counts().quotes == 8
    latest = store.latest_quote("spx")
    assert latest is not None and latest.at == new and latest.last == 7.0
    assert store.history("spx", AT, AT)[0].last == 100.0  # the first stored stays


# -- reads -------------------------------------------------------------------------------------
def test_latest_quote_at_or_before(store: Storage) -> None:
    days = [AT - timedelta(days=d) for d in range(5)]  # AT, AT-1d, ..., AT-4d
    store.add_quotes(quote("spx", d, 100.0 + i) for i, d in enumerate(days))
    store.add_quotes([quote("dji", AT + timedelta(days=1), 5.0)])
    latest = store.latest_quote("spx")
    assert latest is not None and latest.last == 100.0
    exactly = store.latest_quote("spx", days[2])
    assert exactly is not None and exactly.last == 102.0  # at its own time: included
    between = store.latest_quote("spx", days[1] - timedelta(microseconds=1))
    assert between is not None and between.last == 102.0
    in_another_zone = store.latest_quote("spx", days[1].astimezone(IST))
    assert in_another_zone is not None and in_another_zone.last == 101.0
    assert store.latest_quote("spx", days[4] - timedelta(seconds=1)) is None
    assert store.latest_quote("nope") is None


def test_latest_quotes_of_a_strip_in_one_call(store: Storage) -> None:
    store.add_quotes(
        [
            quote("spx", AT - timedelta(days=1), 1.0),
            quote("spx", AT, 2.0),
            quote("dji", AT - timedelta(days=2), 3.0),
            quote("dji", AT + timedelta(hours=1), 4.0),
        ]
    )
    got = store.latest_quotes(["spx", "dji", "nope"], AT)
    assert {k: q.last for k, q in got.items()} == {"spx": 2.0, "dji": 3.0}
    assert got == {k: store.latest_quote(k, AT) for k in ("spx", "dji")}
    assert store.latest_quotes(["spx", "dji"])["dji"].last == 4.0
    assert store.latest_quotes(["spx"], AT - timedelta(days=9)) == {}
    assert store.latest_quotes([]) == {}
    with pytest.raises(ValueError):
        store.latest_quotes(["spx"], datetime(2024, 1, 1))


def test_quotes_version_changes_when_quotes_are_stored_and_only_then(
    store: Storage, opened: Callable[..., Storage]
) -> None:
    other = opened()  # another connection (pool) onto the same database
    assert store.quotes_version() == 0
    store.add_quotes([quote("spx", AT, 1.0)])
    first = store.quotes_version()
    assert first != 0 and other.quotes_version() == first
    store.add_quotes([quote("spx", AT, 1.0)])  # nothing new
    assert store.quotes_version() == first
    store.add_page(raw(ARTICLE), page("Plain", "No strip on this page at all."), [])
    assert store.quotes_version() == first
    result = store.add_page(
        raw(ARTICLE + b" "),
        page("Strip", "A page with a strip."),
        [quote("dji", AT, 2.0, source="page")],
    )
    assert result.quotes_added == 1
    second = other.quotes_version()
    assert second not in (0, first) and store.quotes_version() == second
    with pytest.raises(ValueError):  # a refused batch stores nothing and changes nothing
        store.add_quotes([quote("spx", AT + timedelta(days=1)), quote("spx", AT, math.nan)])
    assert store.quotes_version() == second


def _store_one_quote(location: str, last: float) -> None:
    """Runs in a spawned process: another process's write."""
    store = open_storage(location)
    try:
        store.add_quotes([quote("spx", AT + timedelta(minutes=1), last, source="csv")])
    finally:
        store.close()


def test_quotes_version_sees_another_process_store_quotes(storage_url: str, store: Storage) -> None:
    store.add_quotes([quote("spx", AT, 1.0)])
    before = store.quotes_version()
    proc = multiprocessing.get_context("spawn").Process(
        target=_store_one_quote, args=(storage_url, 2.0)
    )
    proc.start()
    proc.join(60)
    assert proc.exitcode == 0
    assert store.quotes_version() != before
    latest = store.latest_quote("spx")
    assert latest is not None and latest.last == 2.0


def test_wait_for_quotes_hears_another_process_commit(storage_url: str, store: Storage) -> None:
    store.add_quotes([quote("spx", AT, 1.0)])
    before = store.quotes_version()
    started = time.monotonic()
    assert store.wait_for_quotes(before, 0.2) == before  # nothing stored: the time runs out
    assert 0.15 <= time.monotonic() - started < 5
    assert store.wait_for_quotes(before - 1, 30) == before  # already changed: at once
    proc = multiprocessing.get_context("spawn").Process(
        target=_store_one_quote, args=(storage_url, 2.0)
    )
    proc.start()
    try:
        # The other process takes seconds to start; the wait ends at its commit, not at 60 s.
        now = store.wait_for_quotes(before, 60)
        heard = time.monotonic()
    finally:
        proc.join(60)
    assert proc.exitcode == 0 and now != before and now == store.quotes_version()
    assert heard - started < 50
    assert store.wait_for_quotes(now, 0) == now  # no time: one look


def test_history_is_inclusive_and_oldest_first(store: Storage) -> None:
    days = [AT - timedelta(days=d) for d in (3, 0, 4, 1, 2)]  # stored out of order
    store.add_quotes(quote("spx", d, d.day) for d in days)
    store.add_quotes([quote("dji", AT, 1.0)])
    hist = store.history("spx", AT - timedelta(days=3), AT)
    assert [q.at for q in hist] == [AT - timedelta(days=d) for d in (3, 2, 1, 0)]
    assert [q.last for q in hist] == [float((AT - timedelta(days=d)).day) for d in (3, 2, 1, 0)]
    assert store.history("spx", AT + timedelta(seconds=1), AT + timedelta(days=9)) == []
    assert len(store.history("spx", AT.astimezone(EST), AT.astimezone(IST))) == 1
    both = store.histories(["spx", "dji", "nope"], AT - timedelta(days=3), AT)
    assert both == {"spx": hist, "dji": [q for q in store.history("dji", AT, AT)]}
    assert store.histories([], AT, AT) == {}


def test_quotes_around_is_newest_before_and_window_in_one_call(store: Storage) -> None:
    days = [AT - timedelta(days=d) for d in (5, 3, 2, 1, 0)]
    store.add_quotes(quote("spx", d, float(d.day)) for d in days)
    store.add_quotes([quote("dji", AT - timedelta(days=9), 7.0)])
    start, end = AT - timedelta(days=2), AT - timedelta(days=1)
    around = store.quotes_around(["spx", "dji", "nope"], start, end)
    assert set(around) == {"spx", "dji"}  # no quote at all: left out
    spx = around["spx"]
    assert spx.newest == store.latest_quote("spx")
    assert spx.before == store.latest_quote("spx", start)
    assert list(spx.window) == store.history("spx", start, end)
    assert [q.at for q in spx.window] == [start, end]  # inclusive, oldest first
    dji = around["dji"]  # nothing in the window; its last quote leads it
    assert dji.window == () and dji.before == dji.newest == store.latest_quote("dji")
    early = store.quotes_around(["spx"], AT - timedelta(days=30), AT - timedelta(days=20))
    assert early["spx"].before is None and early["spx"].window == ()
    assert store.quotes_around([], start, end) == {}
    with pytest.raises(ValueError):
        store.quotes_around(["spx"], start.replace(tzinfo=None), end)


def test_articles_reads_many_as_get_article_does_without_removed_blocks(
    store: Storage,
) -> None:
    ids = [store.add_page(raw(f"doc {i}", AT), story(i), []).article_id for i in range(3)]
    assert None not in ids
    wanted = [ids[2], 10**9, ids[0], ids[2]]  # an unknown id, one asked twice
    found = store.articles([i for i in wanted if i is not None])
    assert set(found) == {ids[0], ids[2]}
    for article_id, got in found.items():
        one = store.get_article(article_id)
        assert one is not None and got == replace(one, removed=())
    assert store.articles([]) == {}


def test_optimize_changes_no_data(store: Storage) -> None:
    store.optimize()  # an empty store too
    first = store.add_page(raw("doc 1", AT), story(1), [quote("spx", AT, 1.0)])
    store.add_quotes([quote("dji", AT, 2.0)])
    before = (store.counts(), store.get_article(first.article_id or 0), store.stories())
    store.optimize()
    store.optimize()  # again: nothing new to learn, nothing changed
    assert (store.counts(), store.get_article(first.article_id or 0), store.stories()) == before
    assert store.latest_quotes(["spx", "dji"]).keys() == {"spx", "dji"}


def test_a_store_that_is_not_durable_keeps_the_contract(
    opened: Callable[..., Storage],
) -> None:
    """``durable=False`` (sample desks) changes when a commit reaches the disk, not what is
    committed: another store on the same database reads every write."""
    fast = opened(durable=False)
    result = fast.add_page(raw("doc 1", AT), story(1), [quote("spx", AT, 1.0)])
    assert result.article_created and fast.add_quotes([quote("dji", AT, 2.0)]) == 1
    other = opened()
    assert other.counts() == fast.counts() and other.latest_quotes(["spx", "dji"]).keys() == {
        "spx", "dji",
    }  # fmt: skip


def test_latest_articles_order_and_paging(store: Storage) -> None:
    times = [AT, AT + timedelta(hours=2), AT + timedelta(hours=1), AT + timedelta(hours=2)]
    ids = []
    for i, t in enumerate(times):
        r = store.add_page(raw(f"doc {i}", t), story(i), [])
        ids.append(r.article_id)
    # Newest fetch first; of two fetched together, the later stored (higher id) first.
    expected = [ids[3], ids[1], ids[2], ids[0]]
    assert [a.id for a in store.latest_articles()] == expected
    assert [a.id for a in store.latest_articles(limit=2)] == expected[:2]
    assert [a.id for a in store.latest_articles(limit=2, offset=2)] == expected[2:]
    assert store.latest_articles(limit=2, offset=4) == []
    assert all(a.removed == () for a in store.latest_articles())
    for bad in ({"limit": -1}, {"offset": -1}, {"limit": 1.5}):
        with pytest.raises(ValueError, match="at least 0"):
            store.latest_articles(**bad)  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="at least 0"):
            store.search_articles("doc", **bad)  # type: ignore[arg-type]


def test_history_breaks_ties_in_time_by_storage_order(store: Storage) -> None:
    # Two sources quote the same instant: the one stored first comes first, on every backend.
    store.add_quotes([quote("spx", AT, 1.0, source="b")])
    store.add_quotes([quote("spx", AT, 2.0, source="a")])
    assert [q.source for q in store.history("spx", AT, AT)] == ["b", "a"]
    assert [q.source for q in store.histories(["spx"], AT, AT)["spx"]] == ["b", "a"]


def test_get_article_with_its_removed_blocks_in_order(store: Storage) -> None:
    removed = (
        RemovedBlock(BlockKind.NAVIGATION, "Home | Markets | Sign in"),
        RemovedBlock(BlockKind.TICKER, "TSX 22,095.93 -148.09"),
        RemovedBlock(BlockKind.AD, "Advertisement"),
        RemovedBlock(BlockKind.NAVIGATION, "Back to top"),
        RemovedBlock(BlockKind.COPYRIGHT, "© 2024 Example News"),
    )
    p = replace(
        page(
            "Full story",
            "First paragraph, “quoted” — and ünïcödé.",
            "Second paragraph.",
            authors=("Ann Writer", "Bo Reporter"),
            publisher="Example News",
            origin="Reuters",
            copyright="© 2024 Example News",
            language="en",
            url="https://example.com/story",
            description="What happened",
            image="https://example.com/p.jpg",
        ),
        removed=removed,
        market_status="Markets closed",
    )
    result = store.add_page(raw(b"full", source="https://example.com/story?x=1"), p, [])
    assert result.article_id is not None
    got = store.get_article(result.article_id)
    assert got is not None
    assert got.id == result.article_id
    assert got.article == p.article
    assert got.removed == removed
    assert got.source == "https://example.com/story?x=1"
    assert got.market_status == "Markets closed"
    assert store.get_article(result.article_id + 1000) is None
    [listed] = store.latest_articles()
    assert listed.article == p.article and listed.removed == ()


def test_counts(store: Storage) -> None:
    assert vars_of(store.counts()) == (0, 0, 0)
    store.add_page(raw(b"one"), story(1), [quote("spx", AT, source="page")])
    store.add_page(raw(b"two"), story(1), [])
    store.add_page(raw(b"three"), page(None), [])
    store.add_quotes([quote("spx", AT - timedelta(days=1))])
    assert vars_of(store.counts()) == (3, 1, 2)


# -- search ------------------------------------------------------------------------------------
HOSTILE = [
    "'\"; DROP TABLE articles; --",
    "a & b | !c",
    '"unbalanced quote',
    "crude' OR '1'='1",
    "NEAR(crude utilities)",
    "crude:* <-> (utilities",
    "title:crude",
    "\\",
    "%_%",
    "🙂 ∑ \u200b",
]


@pytest.fixture
def searchable(store: Storage) -> dict[str, int]:
    ids = {}
    r = store.add_page(raw(ARTICLE), extract(RawDocument("a.txt", ARTICLE)), [])
    ids["stocks"] = r.article_id
    r = store.add_page(
        raw(b"copper-title"),
        page("Copper rallies on supply fears", "Copper prices rose as mines closed."),
        [],
    )
    ids["copper_title"] = r.article_id
    r = store.add_page(
        raw(b"copper-text"),
        page(
            "Metals wrap",
            "Gold held steady and silver slipped while traders watched the dollar and bonds;"
            " copper was little changed by the close.",
        ),
        [],
    )
    ids["copper_text"] = r.article_id
    for n in ("one", "two"):
        r = store.add_page(
            raw(f"zinc {n}".encode()),
            page(f"Note {n}", "Zinc traders waited for the warehouse figures."),
            [],
        )
        ids[f"zinc_{n}"] = r.article_id
    assert all(v is not None for v in ids.values())
    return {k: int(v) for k, v in ids.items()}


def test_search_finds_articles_with_all_the_words(
    store: Storage, searchable: dict[str, int]
) -> None:
    assert [a.id for a in store.search_articles("crude utilities")] == [searchable["stocks"]]
    assert [a.id for a in store.search_articles("CRUDE Utilities")] == [searchable["stocks"]]
    assert store.search_articles("crude nonexistentword") == []
    assert store.search_articles("nonexistentword") == []
    assert store.search_articles("") == [] and store.search_articles("  !!! ") == []
    [hit] = store.search_articles("crude")
    assert hit.article.title == "Stocks edge higher in quiet trade" and hit.removed == ()
    assert utc(hit.fetched_at)


def test_search_ranks_best_first_then_by_id_and_pages(
    store: Storage, searchable: dict[str, int]
) -> None:
    copper = [a.id for a in store.search_articles("copper")]
    assert copper == [searchable["copper_title"], searchable["copper_text"]]
    zinc = [searchable["zinc_one"], searchable["zinc_two"]]  # equal matches: by id
    assert [a.id for a in store.search_articles("zinc")] == zinc
    assert [a.id for a in store.search_articles("zinc", limit=1)] == zinc[:1]
    assert [a.id for a in store.search_articles("zinc", limit=1, offset=1)] == zinc[1:]
    assert store.search_articles("zinc", limit=5, offset=2) == []


@pytest.mark.parametrize("query", HOSTILE)
def test_search_reads_user_words_as_words(
    store: Storage, searchable: dict[str, int], query: str
) -> None:
    results = store.search_articles(query)
    assert {a.id for a in results} <= set(searchable.values())
    assert vars_of(store.counts()) == (5, 5, 0)  # nothing dropped, nothing changed
    assert len(store.latest_articles()) == 5


def test_search_operators_are_text(store: Storage, searchable: dict[str, int]) -> None:
    stocks = [searchable["stocks"]]
    assert store.search_articles("'\"; DROP TABLE articles; --") == []
    for query in ("crude | !utilities", "-crude", '"crude', "crude* (utilities)", "crude:*"):
        assert [a.id for a in store.search_articles(query)] == stocks, query


# -- migrations and errors ---------------------------------------------------------------------
def schema_version(url: str) -> int:
    if is_postgres(url):
        import psycopg

        from marketdesk.store.postgres import parse_location

        with psycopg.connect(parse_location(url).conninfo) as conn:
            row = conn.execute("SELECT max(version) FROM schema_migrations").fetchone()
            return int(row[0]) if row else 0
    conn = sqlite3.connect(url)
    try:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])
    finally:
        conn.close()


def newest_version(url: str) -> int:
    if is_postgres(url):
        from marketdesk.store import postgres

        return postgres.migrations()[-1][0]
    from marketdesk.store import sqlite

    return sqlite.migrations()[-1][0]


def make_first_version_database(url: str) -> int:
    """A database as the first marketdesk release wrote it, with one article: its id."""
    title, text = "Nickel jumps on export ban", "Nickel prices jumped after the export ban."
    fp = article_fingerprint(Article(title=title, paragraphs=(text,)))
    if is_postgres(url):
        import psycopg

        from marketdesk.store import postgres

        where = postgres.parse_location(url)
        with psycopg.connect(where.conninfo, autocommit=True) as conn:
            postgres.migrate(conn, where.schema, create=True, upto=1)
            doc = conn.execute(
                "INSERT INTO documents (source, sha256, kind, fetched_at, size, content)"
                " VALUES ('old.txt', %s, 'text', %s, 3, %s) RETURNING id",
                (document_key(b"old"), AT, zlib.compress(b"old")),
            ).fetchone()
            assert doc is not None
            row = conn.execute(
                "INSERT INTO articles (document_id, fingerprint, title, text, paragraphs,"
                " authors, fetched_at) VALUES (%s, %s, %s, %s, %s, %s, %s) RETURNING id",
                (doc[0], fp, title, text, [text], [], AT),
            ).fetchone()
            assert row is not None
            conn.execute("UPDATE documents SET article_id = %s", (row[0],))
            return int(row[0])
    from marketdesk.store import sqlite

    conn = sqlite3.connect(url)
    version, script = sqlite.migrations()[0]
    for statement in sqlite._split_sql(script):
        conn.execute(statement)
    conn.execute(f"PRAGMA user_version={version}")
    conn.execute(
        "INSERT INTO documents (id, source, sha256, kind, fetched_at, size, content)"
        " VALUES (1, 'old.txt', ?, 'text', ?, 3, ?)",
        (document_key(b"old"), sqlite.to_micros(AT), zlib.compress(b"old")),
    )
    conn.execute(
        "INSERT INTO articles (id, document_id, fingerprint, title, text, paragraphs, authors,"
        " fetched_at) VALUES (7, 1, ?, ?, ?, ?, '[]', ?)",
        (fp, title, text, f'["{text}"]', sqlite.to_micros(AT)),
    )
    conn.commit()
    conn.close()
    return 7


def test_opening_applies_the_migrations(storage_url: str, opened: Callable[..., Storage]) -> None:
    store = opened()
    assert schema_version(storage_url) == newest_version(storage_url)
    store.add_quotes([quote("spx", AT)])
    store.close()
    again = opened(create=False)  # nothing pending: opens as it is, data kept
    assert again.counts().quotes == 1


def test_an_older_database_is_upgraded_in_place(
    storage_url: str, opened: Callable[..., Storage]
) -> None:
    article_id = make_first_version_database(storage_url)
    assert schema_version(storage_url) == 1 < newest_version(storage_url)
    store = opened(create=False)
    assert schema_version(storage_url) == newest_version(storage_url)
    got = store.get_article(article_id)
    assert got is not None and got.article.title == "Nickel jumps on export ban"
    assert got.fetched_at == AT and got.source == "old.txt"
    assert [a.id for a in store.search_articles("nickel export")] == [article_id]
    assert vars_of(store.counts()) == (1, 1, 0)
    # The old article is still what dedup finds, and the upgraded schema takes new writes.
    again = store.add_page(raw(b"old"), page("x", "y"), [])
    assert again.article_id == article_id and not again.document_created
    assert store.add_page(raw(b"new"), story(1), [quote("spx", AT, change=-0.0)]).article_created


def missing_location(storage_url: str, tmp_path: Path) -> str:
    if is_postgres(storage_url):
        base, _, name = storage_url.split("?")[0].rpartition("/")
        return f"{base}/{name}_missing"
    return str(tmp_path / "nowhere" / "missing.db")


def test_create_false_refuses_a_missing_database(
    storage_url: str, tmp_path: Path, opened: Callable[..., Storage]
) -> None:
    missing = missing_location(storage_url, tmp_path)
    with pytest.raises(StorageError, match=r"(?i)no (marketdesk )?database .*create"):
        opened(missing, create=False)
    # A fresh place (a new file, a new schema) is refused too, and left as it was.
    with pytest.raises(StorageError, match=r"no marketdesk database .*create one"):
        opened(storage_url, create=False)
    if is_postgres(storage_url):
        import psycopg

        from marketdesk.store.postgres import parse_location

        where = parse_location(storage_url)
        with psycopg.connect(where.conninfo) as conn:
            assert conn.execute("SELECT to_regnamespace(%s)", (where.schema,)).fetchone() == (None,)
        with pytest.raises(StorageError, match="createdb"):
            opened(missing)  # marketdesk makes tables, never databases
    else:
        assert not Path(missing).exists() and not Path(missing).parent.exists()
        assert not Path(storage_url).exists()


def not_a_database(storage_url: str, tmp_path: Path) -> str:
    """A location that holds something other than a marketdesk database."""
    if is_postgres(storage_url):
        import psycopg

        from marketdesk.store.postgres import parse_location

        where = parse_location(storage_url)
        with psycopg.connect(where.conninfo, autocommit=True) as conn:
            conn.execute(f'CREATE SCHEMA "{where.schema}"')
            conn.execute("CREATE TABLE documents (id int, what text)")
        return storage_url
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"this is not sqlite" * 100)
    return str(bad)


def unreachable(storage_url: str, tmp_path: Path) -> str:
    if is_postgres(storage_url):
        return "postgresql://postgres@127.0.0.1:1/marketdesk"  # nothing listens on port 1
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    return str(blocker / "desk.db")  # its folder cannot be made


def test_not_a_database_and_unreachable_servers_are_storage_errors(
    storage_url: str, tmp_path: Path, opened: Callable[..., Storage]
) -> None:
    with pytest.raises(StorageError, match=r"not a marketdesk database|cannot open") as bad:
        opened(not_a_database(storage_url, tmp_path))
    assert "Traceback" not in str(bad.value) and "\n" not in str(bad.value)
    with pytest.raises(StorageError, match=r"cannot (connect|create|open)") as gone:
        opened(unreachable(storage_url, tmp_path))
    assert "\n" not in str(gone.value)


# -- threads and processes ---------------------------------------------------------------------
PAGES = 12  # documents: 6 articles, each in two byte-versions


def corpus() -> list[tuple[RawDocument, Page, list[Quote]]]:
    """Pages shared by the concurrent writers: the same bytes, times and quotes for all."""
    out = []
    for i in range(PAGES):
        article = i // 2
        at = AT + timedelta(minutes=i)
        content = f"{'menu ' * (i % 2)}story {article}".encode()
        quotes = [
            quote(f"k{(article + j) % 8}", AT + timedelta(minutes=article), source="page")
            for j in range(3)
        ]
        out.append((raw(content, at), story(article), quotes))
    return out


def provider_batch(worker: int) -> list[Quote]:
    """Overlapping provider history: worker k stores days 500k..500k+1499, odd workers
    backwards, so that writers meet each other's keys in opposite orders."""
    days = [AT - timedelta(days=d) for d in range(500 * worker, 500 * worker + 1500)]
    batch = [quote("spx", d, 100.0 + d.day) for d in days]
    return batch[::-1] if worker % 2 else batch


def expected_totals(workers: int) -> tuple[int, int, int]:
    page_quotes = {(q.source, q.name, q.at) for _, _, qs in corpus() for q in qs}
    provider = {(q.source, q.name, q.at) for w in range(workers) for q in provider_batch(w)}
    return PAGES, PAGES // 2, len(page_quotes) + len(provider)


def write_share(store: Storage, worker: int) -> tuple[int, int, int]:
    """One writer's share: its provider batch, every page in its own order, pieces of the batch
    between pages, then the whole batch again."""
    docs = articles = 0
    batch = provider_batch(worker)
    quotes = store.add_quotes(batch)
    pages = corpus()
    order = pages[worker:] + pages[:worker]
    if worker % 2:
        order.reverse()
    for n, (r, p, qs) in enumerate(order):
        result = store.add_page(r, p, qs)
        docs += result.document_created
        articles += result.article_created
        quotes += result.quotes_added
        quotes += store.add_quotes(batch[n * 100 : n * 100 + 300])
    quotes += store.add_quotes(batch)
    return docs, articles, quotes


def test_many_threads_share_one_storage(store: Storage) -> None:
    workers = 8
    totals: list[tuple[int, int, int]] = []
    errors: list[BaseException] = []
    start = threading.Barrier(workers + 1)

    def writer(worker: int) -> None:
        try:
            start.wait()
            totals.append(write_share(store, worker % 4))
        except BaseException as exc:
            errors.append(exc)

    def reader() -> None:
        try:
            start.wait()
            for _ in range(20):
                for a in store.latest_articles(limit=5):
                    got = store.get_article(a.id)
                    assert got is not None and got.article == a.article
                store.search_articles("story paragraph")
                store.latest_quote("spx")
                store.history("spx", AT - timedelta(days=400), AT)
                c = store.counts()
                assert c.articles <= c.documents
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(workers - 1)]
    threads.append(threading.Thread(target=reader))
    for t in threads:
        t.start()
    start.wait()
    for t in threads:
        t.join(120)
    assert not errors, errors
    assert not any(t.is_alive() for t in threads)
    docs, articles, quotes = expected_totals(4)
    assert vars_of(store.counts()) == (docs, articles, quotes)
    # Every document, article and quote was counted new by exactly one call.
    assert tuple(map(sum, zip(*totals, strict=True))) == (docs, articles, quotes)


def _process_writer(location: str, worker: int, start: Any, results: Any) -> None:
    """Runs in a spawned process: open the new store together with the others (they migrate
    it at once), then write at once."""
    try:
        start.wait(60)
        store = open_storage(location)
        try:
            start.wait(60)
            results.put((worker, write_share(store, worker), None))
        finally:
            store.close()
    except BaseException as exc:
        start.abort()  # the others stop waiting for this one
        results.put((worker, None, f"{type(exc).__name__}: {exc}"))
        raise


def test_several_processes_write_at_once(storage_url: str, opened: Callable[..., Storage]) -> None:
    workers = 4
    ctx = multiprocessing.get_context("spawn")
    start = ctx.Barrier(workers)
    results = ctx.Queue()
    procs = [
        ctx.Process(target=_process_writer, args=(storage_url, w, start, results))
        for w in range(workers)
    ]
    for p in procs:
        p.start()
    outcome = [results.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(30)
    failures = [(w, err) for w, _, err in outcome if err is not None]
    assert not failures, failures
    assert [p.exitcode for p in procs] == [0] * workers
    docs, articles, quotes = expected_totals(workers)
    store = opened(create=False)
    assert vars_of(store.counts()) == (docs, articles, quotes)
    totals = [t for _, t, _ in outcome]
    assert tuple(map(sum, zip(*totals, strict=True))) == (docs, articles, quotes)
    assert schema_version(storage_url) == newest_version(storage_url)


# -- sources -----------------------------------------------------------------------------------
FEED = "https://a.example/feed.xml"


def spec(url: str = FEED, **more: Any) -> SourceSpec:
    return SourceSpec(url, more.pop("kind", SourceKind.FEED), more.pop("every_s", 600), **more)


def test_add_source_once_by_url(store: Storage) -> None:
    first, created = store.add_source(spec(tags=("macro", "ca"), edition="ca"), AT)
    assert created and first.spec == spec(tags=("macro", "ca"), edition="ca")
    assert not first.paused and first.failures == 0 and first.state == "active"
    assert first.added_at == AT and first.next_poll == AT and utc(first.next_poll)
    assert first.last_fetch is None and first.etag is None and first.cursor is None
    # The same URL again: nothing added, the stored source handed back as it was.
    again, created = store.add_source(spec(every_s=5, tags=("other",)), AT + timedelta(hours=1))
    assert not created and again == first
    # A spec from the configuration updates the stored settings, not the state.
    store.record_poll(first.id, PollRecord(AT, AT + timedelta(minutes=5), error="timed out"))
    configured = spec(kind=SourceKind.PAGE, every_s=60, tags=("x",), allow_private=True)
    updated, created = store.add_source(replace(configured, from_config=True), AT)
    assert not created and updated.id == first.id
    assert updated.spec == replace(configured, from_config=True)
    assert updated.failures == 1 and updated.last_error == "timed out"
    assert updated.added_at == AT and updated.next_poll == AT + timedelta(minutes=5)
    assert store.counts().sources == 1


def test_sources_listed_by_id_got_and_removed(store: Storage) -> None:
    ids = [store.add_source(spec(f"https://s{n}.example/"), AT)[0].id for n in (3, 1, 2)]
    assert [s.id for s in store.sources()] == sorted(ids)
    assert [s.spec.url for s in store.sources()] == [f"https://s{n}.example/" for n in (3, 1, 2)]
    got = store.get_source(ids[1])
    assert got is not None and got.spec.url == "https://s1.example/"
    assert store.get_source(max(ids) + 100) is None
    # What a source stored stays when the source goes; its items go with it.
    stored = store.add_page(raw(b"item"), story(1), [], mark=ItemMark(ids[0], "guid-1", "h1"))
    assert store.remove_source(ids[0]) and not store.remove_source(ids[0])
    assert [s.id for s in store.sources()] == ids[1:]
    assert store.get_source(ids[0]) is None and store.find_item(ids[0], "guid-1") is None
    assert stored.article_id is not None and store.get_article(stored.article_id) is not None
    assert store.counts().sources == 2 and store.counts().articles == 1


def test_pause_and_resume(store: Storage) -> None:
    s, _ = store.add_source(spec(), AT)
    later = AT + timedelta(hours=1)
    for _ in range(2):
        store.record_poll(s.id, PollRecord(AT, later, error="HTTP 503"))
    assert store.pause_source(s.id, True, AT)
    paused = store.get_source(s.id)
    assert paused is not None and paused.paused and paused.state == "paused"
    assert store.due_sources(later + timedelta(days=1)) == []
    assert store.pause_source(s.id, False, AT)
    resumed = store.get_source(s.id)
    assert resumed is not None and not resumed.paused and resumed.failures == 0
    assert resumed.next_poll == AT  # due from the moment it is resumed
    assert resumed.last_error == "HTTP 503"  # what went wrong last is still shown
    assert [d.id for d in store.due_sources(AT)] == [s.id]  # due at once
    assert not store.pause_source(s.id + 100, True, AT)


def test_due_sources_soonest_first_without_the_paused(store: Storage) -> None:
    a, _ = store.add_source(spec("https://a.example/"), AT)
    b, _ = store.add_source(spec("https://b.example/"), AT)
    c, _ = store.add_source(spec("https://c.example/"), AT)
    d, _ = store.add_source(spec("https://d.example/"), AT)
    store.record_poll(a.id, PollRecord(AT, AT + timedelta(minutes=30)))
    store.record_poll(b.id, PollRecord(AT, AT + timedelta(minutes=10)))
    store.record_poll(d.id, PollRecord(AT, AT + timedelta(hours=2)))
    store.pause_source(c.id, True, AT)
    now = AT + timedelta(hours=1)
    assert [s.id for s in store.due_sources(now)] == [b.id, a.id]
    assert [s.id for s in store.due_sources(AT + timedelta(minutes=10))] == [b.id]  # inclusive
    assert store.due_sources(AT) == []
    with pytest.raises(ValueError):
        store.due_sources(now.replace(tzinfo=None))


def test_record_poll_success_and_failure(store: Storage) -> None:
    s, _ = store.add_source(spec(), AT)
    t1, t2, t3 = (AT + timedelta(minutes=m) for m in (1, 2, 3))
    store.record_poll(s.id, PollRecord(AT, t1, error="connection refused"))
    store.record_poll(
        s.id, PollRecord(t1, t2, etag='"v1"', last_modified="Fri, 05 Jul 2024", cursor="42")
    )
    ok = store.get_source(s.id)
    assert ok is not None and ok.failures == 0 and ok.last_error is None
    assert (ok.etag, ok.last_modified, ok.cursor) == ('"v1"', "Fri, 05 Jul 2024", "42")
    assert ok.last_fetch == t1 and ok.last_success == t1 and ok.next_poll == t2
    assert utc(ok.last_fetch) and utc(ok.last_success)
    for n in (1, 2):
        store.record_poll(s.id, PollRecord(t2, t3, error=f"HTTP 50{n}", etag="ignored"))
    failing = store.get_source(s.id)
    assert failing is not None and failing.failures == 2 and failing.state == "failing"
    assert failing.last_error == "HTTP 502" and failing.last_fetch == t2
    assert failing.last_success == t1 and failing.next_poll == t3
    assert (failing.etag, failing.last_modified, failing.cursor) == (
        '"v1"',
        "Fri, 05 Jul 2024",
        "42",
    )


def test_source_times_must_be_aware(store: Storage) -> None:
    naive = AT.replace(tzinfo=None)
    with pytest.raises(ValueError):
        store.add_source(spec(), naive)
    assert store.sources() == []
    s, _ = store.add_source(spec(), AT)
    with pytest.raises(ValueError):
        store.record_poll(s.id, PollRecord(naive, AT))
    with pytest.raises(ValueError):
        store.record_poll(s.id, PollRecord(AT, naive, error="x"))
    assert store.get_source(s.id) == s


# -- items and checkpoints ---------------------------------------------------------------------
BODY = (
    "The central bank held its benchmark rate at five percent on Wednesday, as officials said"
    " inflation was cooling more slowly than they had hoped in the spring.",
    "Markets had priced in a pause, and bond yields barely moved after the statement, while the"
    " currency slipped against the dollar in late trading in Toronto and New York.",
    "Economists expect the first cut in September if wage growth keeps easing and the jobless"
    " rate continues its gradual climb through the summer months ahead.",
)


def web(url: str, content: bytes, at: datetime = AT) -> RawDocument:
    return RawDocument(source=url, content=content, url=url, fetched_at=at)


def test_items_are_written_with_their_page(store: Storage) -> None:
    s, _ = store.add_source(spec(), AT)
    assert store.find_item(s.id, "guid-1") is None
    first = store.add_page(
        web("https://a.example/x", b"v1"),
        page("Rates held", *BODY),
        [],
        mark=ItemMark(s.id, "guid-1", "h1"),
    )
    assert store.find_item(s.id, "guid-1") == ("h1", first.article_id)
    # A page without an article is an item too, naming no article.
    store.add_page(raw(b"empty"), page(None), [], mark=ItemMark(s.id, "guid-2", "h2"))
    assert store.find_item(s.id, "guid-2") == ("h2", None)
    # Bytes seen again: nothing stored, the item noted.
    again = store.add_page(
        web("https://a.example/x", b"v1"),
        page("Rates held", *BODY),
        [],
        mark=ItemMark(s.id, "guid-3", "h1"),
    )
    assert not again.document_created
    assert store.find_item(s.id, "guid-3") == ("h1", first.article_id)
    # A source removed meanwhile: the page is stored, its mark dropped.
    gone = store.add_page(raw(b"late"), story(9), [], mark=ItemMark(s.id + 100, "k", "h"))
    assert gone.article_created and store.find_item(s.id + 100, "k") is None


def test_a_changed_item_replaces_its_article_in_its_story(store: Storage) -> None:
    s, _ = store.add_source(spec(), AT)
    old = store.add_page(
        web("https://a.example/x", b"v1"),
        page("Rates held", *BODY),
        [],
        mark=ItemMark(s.id, "x", "h1"),
    )
    later = AT + timedelta(hours=1)
    new = store.add_page(
        web("https://a.example/x", b"v2", later),
        page("Rates held, bank signals cut", *BODY[:2], "An updated final paragraph."),
        [],
        mark=ItemMark(s.id, "x", "h2"),
    )
    assert old.article_id is not None and new.article_id is not None
    assert new.article_created and new.article_id != old.article_id
    assert new.story_id == old.story_id == store.story_of_article(new.article_id)
    assert store.find_item(s.id, "x") == ("h2", new.article_id)
    assert [a.id for a in store.latest_articles()] == [new.article_id]
    assert [a.id for a in store.search_articles("central bank")] == [new.article_id]
    kept = store.get_article(old.article_id)
    assert kept is not None and kept.article.title == "Rates held"
    assert new.story_id is not None
    got = store.get_story(new.story_id)
    assert got is not None and [c.article_id for c in got.copies] == [new.article_id]
    assert got.title == "Rates held, bank signals cut"
    counts = store.counts()
    assert (counts.documents, counts.articles, counts.stories) == (2, 1, 1)


def test_checkpoints_are_written_with_their_page(store: Storage) -> None:
    name = "/data/crawl.warc.gz"
    assert store.get_checkpoint(name) is None
    store.add_page(raw(b"one"), story(1), [], checkpoint=Checkpoint(name, "1024"))
    assert store.get_checkpoint(name) == "1024"
    # Bytes already stored still move the checkpoint on.
    store.add_page(raw(b"one"), story(1), [], checkpoint=Checkpoint(name, "2048"))
    assert store.get_checkpoint(name) == "2048"
    store.add_page(raw(b"two"), story(2), [], checkpoint=Checkpoint("/data/other", "7"))
    store.clear_checkpoint(name)
    assert store.get_checkpoint(name) is None and store.get_checkpoint("/data/other") == "7"
    store.clear_checkpoint(name)  # clearing nothing is fine
    # A page that fails writes no checkpoint.
    with pytest.raises(ValueError):
        store.add_page(
            raw(b"three"),
            story(3),
            [quote("spx", AT, last=math.nan)],
            checkpoint=Checkpoint(name, "9"),
        )
    assert store.get_checkpoint(name) is None


# -- stories -----------------------------------------------------------------------------------
def test_copies_of_one_article_share_a_story(store: Storage) -> None:
    a = store.add_page(
        web("https://a.example/x", b"<a>"), page("Bank holds rates", *BODY, publisher="A News"), []
    )
    b = store.add_page(
        web("https://b.example/y", b"<b>", AT + timedelta(minutes=5)),
        page("Central bank stands pat", "Subscribe to our newsletter.", *BODY, publisher="B Daily"),
        [],
    )
    other = store.add_page(
        web("https://a.example/z", b"<z>", AT + timedelta(minutes=9)), story(1), []
    )
    assert a.article_created and b.article_created and other.article_created
    assert a.article_id != b.article_id
    assert a.story_id is not None and a.story_id == b.story_id != other.story_id
    assert other.story_id is not None
    for r in (a, b, other):
        assert r.article_id is not None and store.story_of_article(r.article_id) == r.story_id
        stored = store.get_article(r.article_id)
        assert stored is not None and stored.story_id == r.story_id  # read with the article
    assert store.story_of_article(10_000) is None
    got = store.get_story(a.story_id)
    assert got is not None and got.title == "Bank holds rates" and got.first_seen == AT
    assert [(c.article_id, c.source, c.url, c.publisher, c.title) for c in got.copies] == [
        (a.article_id, "https://a.example/x", "https://a.example/x", "A News", "Bank holds rates"),
        (
            b.article_id,
            "https://b.example/y",
            "https://b.example/y",
            "B Daily",
            "Central bank stands pat",
        ),
    ]
    assert got.copies[1].fetched_at == AT + timedelta(minutes=5)
    assert store.get_story(other.story_id + a.story_id + 100) is None
    counts = store.counts()
    assert (counts.articles, counts.stories, counts.sources) == (3, 2, 0)


def test_a_plan_worked_out_beforehand_is_used_as_given(store: Storage) -> None:
    # What a worker process hands the store: the plan add_page would work out itself.
    first_raw = web("https://a.example/x", b"<a>")
    first_plan = plan_page(first_raw, page("Bank holds rates", *BODY, publisher="A News"))
    a = store.add_page(first_raw, page("Bank holds rates", *BODY), [], plan=first_plan)
    copy_raw = web("https://b.example/y", b"<b>", AT + timedelta(minutes=5))
    copy_page = page("Central bank stands pat", *BODY)
    b = store.add_page(copy_raw, copy_page, [], plan=plan_page(copy_raw, copy_page))
    assert a.article_created and b.article_created and a.story_id == b.story_id
    # The store does not work it out again: given a's plan, another page is a's article.
    c = store.add_page(web("https://a.example/z", b"<c>"), story(1), [], plan=first_plan)
    assert c.document_created and not c.article_created and c.article_id == a.article_id
    counts = store.counts()
    assert (counts.documents, counts.articles, counts.stories) == (3, 2, 1)


def test_stories_newest_first_since_and_paging(store: Storage) -> None:
    ids = [
        store.add_page(raw(f"s{n}".encode(), AT + timedelta(hours=n)), story(n), []).story_id
        for n in range(4)
    ]
    # An early publication date sorts a story by it, not by when it was fetched.
    dated = store.add_page(
        raw(b"dated", AT + timedelta(hours=9)),
        page("Dated", "A dated story, published long before.", published=AT - timedelta(days=1)),
        [],
    ).story_id
    listed = store.stories()
    assert [s.id for s in listed] == [*reversed(ids), dated]
    assert all(len(s.copies) == 1 for s in listed)
    assert listed[-1].published == AT - timedelta(days=1)
    assert [s.id for s in store.stories(limit=2, offset=1)] == [ids[2], ids[1]]
    assert [s.id for s in store.stories(since=AT + timedelta(hours=2))] == [ids[3], ids[2]]
    assert store.stories(limit=0) == []
    for bad in ({"limit": -1}, {"offset": -1}):
        with pytest.raises(ValueError):
            store.stories(**bad)
    with pytest.raises(ValueError):
        store.stories(since=AT.replace(tzinfo=None))


def test_the_fingerprint_includes_the_site(store: Storage) -> None:
    p = page("Bank holds rates", *BODY)
    a = store.add_page(web("https://a.example/x", b"<a1>"), p, [])
    b = store.add_page(web("https://www.b.example/y", b"<b1>"), p, [])
    assert a.article_created and b.article_created and a.article_id != b.article_id
    assert a.story_id == b.story_id  # two copies of one story
    # Re-crawled on one site (other bytes, another path): the same article.
    again = store.add_page(web("https://a.example/x?utm=1", b"<a2>"), p, [])
    assert again.document_created and not again.article_created
    assert again.article_id == a.article_id and again.story_id == a.story_id
    counts = store.counts()
    assert (counts.documents, counts.articles, counts.stories) == (3, 2, 1)
    got = store.get_story(a.story_id or 0)
    assert got is not None and len(got.copies) == 2


def make_pre_stories_database(url: str) -> dict[str, int]:
    """A database as written before stories (SQLite 3, PostgreSQL 2) with three articles: two
    copies of one story on two sites and an article of its own. Their ids by name."""
    articles = [
        ("a", "https://a.example/x", "Bank holds rates", BODY),
        ("b", "https://b.example/y", "Central bank stands pat", ("Subscribe now.", *BODY)),
        ("c", None, "Story number 1", story(1).article.paragraphs),
    ]
    ids = {}
    if is_postgres(url):
        import psycopg

        from marketdesk.store import postgres

        where = postgres.parse_location(url)
        with psycopg.connect(where.conninfo, autocommit=True) as conn:
            postgres.migrate(conn, where.schema, create=True, upto=2)
            for n, (name, link, title, paragraphs) in enumerate(articles):
                fp = article_fingerprint(Article(title=title, paragraphs=paragraphs))
                doc = conn.execute(
                    "INSERT INTO documents (source, url, sha256, kind, fetched_at, size, content)"
                    " VALUES (%s, %s, %s, 'html', %s, 1, %s) RETURNING id",
                    (
                        link or "c.txt",
                        link,
                        document_key(name.encode()),
                        AT + timedelta(hours=n),
                        zlib.compress(name.encode()),
                    ),
                ).fetchone()
                assert doc is not None
                row = conn.execute(
                    "INSERT INTO articles (document_id, fingerprint, title, text, paragraphs,"
                    " authors, fetched_at) VALUES (%s, %s, %s, %s, %s, %s, %s) RETURNING id",
                    (
                        doc[0],
                        fp,
                        title,
                        "\n\n".join(paragraphs),
                        list(paragraphs),
                        [],
                        AT + timedelta(hours=n),
                    ),
                ).fetchone()
                assert row is not None
                conn.execute("UPDATE documents SET article_id = %s WHERE id = %s", (row[0], doc[0]))
                ids[name] = int(row[0])
        return ids
    import json

    from marketdesk.store import sqlite

    conn = sqlite3.connect(url)
    for version, script in sqlite.migrations():
        if version <= 3:
            for statement in sqlite._split_sql(script):
                conn.execute(statement)
    conn.execute("PRAGMA user_version=3")
    for n, (name, link, title, paragraphs) in enumerate(articles):
        fp = article_fingerprint(Article(title=title, paragraphs=paragraphs))
        at = sqlite.to_micros(AT + timedelta(hours=n))
        doc = conn.execute(
            "INSERT INTO documents (source, url, sha256, kind, fetched_at, size, content)"
            " VALUES (?, ?, ?, 'html', ?, 1, ?)",
            (link or "c.txt", link, document_key(name.encode()), at, zlib.compress(name.encode())),
        ).lastrowid
        aid = conn.execute(
            "INSERT INTO articles (document_id, fingerprint, title, text, paragraphs, authors,"
            " fetched_at) VALUES (?, ?, ?, ?, ?, '[]', ?)",
            (doc, fp, title, "\n\n".join(paragraphs), json.dumps(list(paragraphs)), at),
        ).lastrowid
        conn.execute("UPDATE documents SET article_id = ? WHERE id = ?", (aid, doc))
        ids[name] = int(aid or 0)
    conn.commit()
    conn.close()
    return ids


def test_an_older_database_gets_its_stories(
    storage_url: str, opened: Callable[..., Storage]
) -> None:
    ids = make_pre_stories_database(storage_url)
    store = opened(create=False)
    assert schema_version(storage_url) == newest_version(storage_url)
    story_of = {name: store.story_of_article(aid) for name, aid in ids.items()}
    assert None not in story_of.values()
    assert story_of["a"] == story_of["b"] != story_of["c"]
    counts = store.counts()
    assert (counts.documents, counts.articles, counts.stories) == (3, 3, 2)
    listed = store.stories()
    assert [s.id for s in listed] == [story_of["c"], story_of["a"]]
    assert [c.article_id for c in listed[1].copies] == [ids["a"], ids["b"]]
    assert listed[1].title == "Bank holds rates" and listed[1].first_seen == AT
    # Fingerprints now name their site: a re-crawl of a.example is the same article, and the
    # same words on another site a copy in the story.
    again = store.add_page(
        web("https://a.example/x", b"recrawl"), page("Bank holds rates", *BODY), []
    )
    assert again.article_id == ids["a"] and not again.article_created
    copy = store.add_page(web("https://c.example/q", b"new"), page("Bank holds rates", *BODY), [])
    assert copy.article_created and copy.story_id == story_of["a"]


# -- annotations -------------------------------------------------------------------------------
def annotations(*entities: tuple[str, str, str | None]) -> Annotations:
    return Annotations(
        entities=tuple(
            Entity(
                id=i,
                kind=EntityKind(kind),
                name=name,
                mentions=(Mention(name, 0, len(name), 0), Mention(name, 40, 40 + len(name), 2)),
                salience=1.0 / (i + 1),
                titles=("prime minister",) if kind == "person" else (),
                key=key,
            )
            for i, (name, kind, key) in enumerate(entities)
        ),
        model="test-model 1",
        topics=(TopicTag("trade", "Trade and tariffs", 1.0, ("tariffs",)),),
    )


def _reannotate(location: str, article_id: int, name: str) -> None:
    store = open_storage(location)
    try:
        assert store.set_annotations(article_id, annotations((name, "organisation", None)))
    finally:
        store.close()


def test_annotations_are_read_anew_after_another_process_rewrites_them(
    storage_url: str, store: Storage
) -> None:
    # The stores keep decoded annotations by their text (annotations_json.load_text): a
    # document another process rewrote is another text, read anew on every path.
    r = store.add_page(
        web("https://a.example/boj", b"boj"),
        story(1),
        [],
        annotations=annotations(("Bank of Japan", "organisation", "org:boj")),
    )
    aid = r.article_id
    assert aid is not None

    def names() -> list[list[str]]:
        page = store.story_page(aid, timedelta(days=1))
        reads = [store.get_article(aid), store.articles([aid])[aid], page and page.article]
        return [[e.name for e in a.annotations.entities] for a in reads if a and a.annotations]

    assert names() == [["Bank of Japan"]] * 3
    first = store.get_article(aid)
    again = store.get_article(aid)
    assert first is not None and again is not None and first.annotations == again.annotations
    proc = multiprocessing.get_context("spawn").Process(
        target=_reannotate, args=(storage_url, aid, "Reserve Bank of India")
    )
    proc.start()
    proc.join(60)
    assert proc.exitcode == 0
    assert names() == [["Reserve Bank of India"]] * 3


def test_load_text_keeps_what_it_decoded_and_is_bounded() -> None:
    doc = annotations_json.dump(annotations(("Bank of Japan", "organisation", "org:boj")))
    kept = annotations_json.load_text(doc)
    assert kept == annotations_json.load(doc)
    assert annotations_json.load_text("".join(doc)) is kept  # the same text, another str
    assert annotations_json.load_text.cache_info().maxsize == annotations_json.DECODED


def test_annotations_are_stored_with_the_article_and_find_its_story(store: Storage) -> None:
    tagged = annotations(
        ("Fumio Kishida", "person", None),
        ("Japan", "place", "place:jp"),
        ("A\x00B", "organisation", None),
    )
    a = store.add_page(
        web("https://a.example/x", b"<a>"), page("Bank holds rates", *BODY), [], annotations=tagged
    )
    b = store.add_page(web("https://b.example/z", b"<z>"), story(1), [])
    assert a.article_id is not None and b.article_id is not None
    got = store.get_article(a.article_id)
    assert got is not None and got.annotations is not None
    assert got.annotations.model == "test-model 1"
    assert [e.name for e in got.annotations.entities][:2] == ["Fumio Kishida", "Japan"]
    assert got.annotations.entities[0] == tagged.entities[0]  # mentions, titles, salience kept
    assert got.annotations.topics == tagged.topics
    assert [s.id for s in store.stories(topic="trade")] == [a.story_id]
    assert store.stories(topic="energy") == []
    plain = store.get_article(b.article_id)
    assert plain is not None and plain.annotations is None
    for named in ("Fumio Kishida", "  fumio   KISHIDA ", "place:jp"):
        assert [s.id for s in store.stories(entity=named)] == [a.story_id]
    assert store.stories(entity="Kishida") == []  # a name, not a word of one
    assert store.stories(entity="Japan", since=AT + timedelta(days=1)) == []
    # The same bytes again: nothing rewritten, the annotations stay.
    again = store.add_page(web("https://a.example/x", b"<a>"), page("Bank holds rates", *BODY), [])
    assert again.article_id == a.article_id
    assert [s.id for s in store.stories(entity="japan")] == [a.story_id]


def test_stories_are_found_by_the_instruments_their_annotations_touch(store: Storage) -> None:
    linked = replace(
        annotations(("Japan", "place", "place:jp")),
        instruments=(
            InstrumentRef("nikkei225", 1.0, "Japan is named in the story"),
            InstrumentRef("usdjpy", 0.9, "Japan is named in the story"),
        ),
    )
    a = store.add_page(
        web("https://a.example/x", b"<a>"), page("Bank holds rates", *BODY), [], annotations=linked
    )
    b = store.add_page(web("https://b.example/z", b"<z>"), story(1), [])
    assert a.article_id is not None and b.article_id is not None
    got = store.get_article(a.article_id)
    assert got is not None and got.annotations is not None
    assert got.annotations.instruments == linked.instruments
    assert [s.id for s in store.stories(instrument="nikkei225")] == [a.story_id]
    assert [s.id for s in store.stories(instrument=" USDJPY ")] == [a.story_id]
    assert store.stories(instrument="sp500") == []
    # Re-enrichment replaces the links: the story is found by the new ones only.
    later = replace(linked, instruments=(InstrumentRef("sp500", 1.0, "United States"),))
    assert store.set_annotations(a.article_id, later)
    assert store.stories(instrument="nikkei225") == []
    assert [s.id for s in store.stories(instrument="sp500")] == [a.story_id]
    assert store.stories(instrument="sp500", topic="energy") == []


def test_a_filtered_story_list_is_the_same_however_it_is_read(
    store: Storage, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A backend may walk the stories newest first testing each, or read a filter's stories
    first (SQLite: by how common the filter is, WALK_RATIO, forced each way here): the same
    stories, in the same order, on every page."""
    for n in range(30):
        named = [("Japan", "place", "place:jp")] if n % 2 else []
        if n == 5:
            named.append(("Rare Holdings", "organisation", None))
        tagged = replace(
            annotations(*named),
            instruments=(InstrumentRef("nikkei225", 1.0, "Japan"),) if n % 4 == 0 else (),
            countries=("JPN",) if n % 3 == 0 else (),
        )
        p = page(f"Bank note {n}", f"The bank wrote its note {n} late.", published=AT)
        store.add_page(raw(f"note {n}", AT + timedelta(hours=n)), p, [], annotations=tagged)
    asked: list[dict[str, str]] = [
        {"entity": "place:jp"}, {"entity": "rare holdings"}, {"topic": "trade"},
        {"instrument": "nikkei225"}, {"country": "JPN"}, {"topic": "energy"},
        {"entity": "place:jp", "country": "JPN"}, {"entity": "rare holdings", "topic": "trade"},
        {"instrument": "nikkei225", "country": "jpn", "entity": "Japan"},
    ]  # fmt: skip
    backend = importlib.import_module(type(store).__module__)
    ways = []
    for ratio in (None, 0.0, 1e12):  # as it is, always the walk, always the list
        if ratio is not None:
            monkeypatch.setattr(backend, "WALK_RATIO", ratio, raising=False)
        ways.append(
            [
                [s.id for s in store.stories(limit, offset, **f)]
                for f in asked
                for limit, offset in ((3, 0), (4, 4), (50, 0))
            ]
        )
    assert ways[0] == ways[1] == ways[2]
    got = ways[0]  # a filter's three pages: its first 3, its 5th to 8th, its first 50
    assert len(got[2]) == 15 and got[1] == got[2][4:8]
    assert len(got[5]) == 1 and got[5] == got[23] and got[17] == []  # the rare name; energy


def test_stories_are_found_by_the_countries_their_annotations_store(store: Storage) -> None:
    # "Shanghai" gives the story China without China among its entities; a country named gives
    # itself. The filter reads the stored countries, not the country's entity.
    shanghai = replace(
        annotations(("Shanghai", "place", "city:shanghai")), countries=("CHN", "JPN")
    )
    a = store.add_page(
        web("https://a.example/x", b"<a>"), page("Bank holds rates", *BODY), [],
        annotations=shanghai,
    )  # fmt: skip
    b = store.add_page(
        web("https://b.example/z", b"<z>"), story(1), [],
        annotations=replace(annotations(("Japan", "place", "place:jp")), countries=("JPN",)),
    )  # fmt: skip
    c = store.add_page(  # stored before countries were kept: none stored
        web("https://c.example/w", b"<w>"), story(2), [],
        annotations=annotations(("China", "place", "place:cn")),
    )  # fmt: skip
    assert a.article_id is not None and b.article_id is not None and c.article_id is not None
    assert [s.id for s in store.stories(country="CHN")] == [a.story_id]
    assert [s.id for s in store.stories(country=" chn ")] == [a.story_id]
    assert [s.id for s in store.stories(entity="place:cn")] == [c.story_id]
    assert {s.id for s in store.stories(country="JPN")} == {a.story_id, b.story_id}
    assert [s.id for s in store.stories(country="JPN", entity="place:jp")] == [b.story_id]
    assert store.stories(country="USA") == []
    assert store.stories(country="CHN", topic="energy") == []

    def searched(**f: Any) -> set[int | None]:
        found = store.search_stories("rates", filters=SearchFilters(**f))
        return {store.story_of_article(x.id) for x in found}

    assert searched(country="chn") == {a.story_id} and searched(country="USA") == set()
    assert store.count_stories("rates", SearchFilters(country="CHN")) == 1
    hits, count = store.search_and_count("rates", filters=SearchFilters(country="JPN"))
    assert [store.story_of_article(x.id) for x in hits] == [a.story_id] and count == 1
    # Re-enrichment replaces them.
    assert store.set_annotations(a.article_id, replace(shanghai, countries=("USA",)))
    assert store.stories(country="CHN") == []
    assert [s.id for s in store.stories(country="usa")] == [a.story_id]


def test_upgrading_copies_the_countries_of_annotations_already_stored(
    storage_url: str, opened: Callable[..., Storage]
) -> None:
    store = opened()
    noted = replace(annotations(("Shanghai", "place", "city:shanghai")), countries=("CHN",))
    a = store.add_page(
        web("https://a.example/x", b"<a>"), page("Bank holds rates", *BODY), [], annotations=noted
    )
    b = store.add_page(  # annotations without countries (stored before they were kept)
        web("https://b.example/z", b"<z>"), story(1), [], annotations=annotations()
    )
    assert a.story_id is not None and b.article_id is not None
    store.close()
    # Back to the schema before the table of countries (as an older marketdesk left it).
    if is_postgres(storage_url):
        import psycopg

        from marketdesk.store import postgres

        where = postgres.parse_location(storage_url)
        with psycopg.connect(where.conninfo, autocommit=True) as conn:
            conn.execute("DROP TABLE article_countries")
            conn.execute("DELETE FROM schema_migrations WHERE version >= 9")
            conn.execute("UPDATE articles SET annotations = NULL WHERE id = %s", (b.article_id,))
    else:
        conn = sqlite3.connect(storage_url)
        conn.execute("DROP TABLE article_countries")
        conn.execute("PRAGMA user_version=8")
        conn.execute("UPDATE articles SET annotations = NULL WHERE id = ?", (b.article_id,))
        conn.commit()
        conn.close()
    again = opened()
    assert [s.id for s in again.stories(country="CHN")] == [a.story_id]
    assert again.stories(country="JPN") == []


def test_story_page_reads_the_article_its_copies_and_its_quotes_in_one_call(
    store: Storage,
) -> None:
    # Six-hourly quotes from three days before AT to three days after: a moment read in the
    # wrong zone (or the fetch time instead of the publication) moves the window by hours.
    store.add_quotes(
        quote("nikkei225", AT + timedelta(hours=6 * k), 100.0 + k) for k in range(-12, 13)
    )
    store.add_quotes([quote("usdjpy", AT - timedelta(days=30), 150.0)])  # long before: leads
    store.add_quotes([quote("sp500", AT, 5000.0)])  # quoted, but no story links it
    linked = replace(
        annotations(("Japan", "place", "place:jp")),
        instruments=(
            InstrumentRef("nikkei225", 1.0, "Japan"),
            InstrumentRef("usdjpy", 0.9, "Japan"),
            InstrumentRef("nope", 0.5, "no quote at all"),
        ),
    )
    tokyo = timezone(timedelta(hours=9))
    odd = timezone(timedelta(hours=5, minutes=30, seconds=15))  # an offset with seconds
    published = {
        "offset": datetime(2024, 7, 6, 2, 0, tzinfo=tokyo),  # AT - 17h41m
        "naive": datetime(2024, 7, 4, 7, 0),  # read as UTC
        "odd offset": datetime(2024, 7, 5, 11, 0, tzinfo=odd),
        "none": None,  # the fetch time
    }
    fetched = AT + timedelta(days=2)
    around = timedelta(days=1)
    ids = {}
    for n, (name, when) in enumerate(published.items()):
        # The first is the one copied below: the others are stories of their own.
        words = BODY if n == 0 else (f"Paragraph of the story dated {name}, an article.",)
        r = store.add_page(
            web(f"https://a.example/{n}", name.encode(), fetched),
            page(f"Story {name}", *words, published=when),
            [],
            annotations=linked,
        )
        assert r.article_id is not None
        ids[name] = r.article_id
    copy = store.add_page(
        web("https://b.example/copy", b"copy", fetched + timedelta(hours=1)),
        page("Story offset", *BODY, publisher="B Daily"),
        [],
    )
    plain = store.add_page(web("https://c.example/plain", b"plain"), story(7), [])
    assert copy.article_id is not None and plain.article_id is not None
    for name, when in published.items():
        got = store.story_page(ids[name], around)
        article = store.get_article(ids[name])
        assert got is not None and article is not None and got.article == article
        assert article.story_id is not None
        story_read = store.get_story(article.story_id)
        assert story_read is not None and got.copies == story_read.copies
        assert got.origin == story_read.origin  # the stored story's, from the copies read
        assert got.instruments == ("nikkei225", "usdjpy", "nope")
        moment = when if when is None or when.tzinfo else when.replace(tzinfo=UTC)
        moment = moment or fetched
        assert got.quotes == store.quotes_around(got.instruments, moment - around, moment + around)
        assert set(got.quotes) == {"nikkei225", "usdjpy"}
        window = got.quotes["nikkei225"].window
        assert window and moment - around <= window[0].at and window[-1].at <= moment + around
        assert got.quotes["usdjpy"].window == () and got.quotes["usdjpy"].before is not None
    assert [c.article_id for c in store.story_page(ids["offset"], around).copies] == [  # type: ignore[union-attr]
        ids["offset"],
        copy.article_id,
    ]
    # No annotations: no instruments, no quotes; copies as ever.
    bare = store.story_page(copy.article_id, around)
    assert bare is not None and bare.instruments == () and bare.quotes == {}
    offset_story = store.get_story(store.story_of_article(copy.article_id) or 0)
    assert offset_story is not None and bare.origin == offset_story.origin is not None
    assert [c.article_id for c in bare.copies] == [ids["offset"], copy.article_id]
    lone = store.story_page(plain.article_id, around)
    assert lone is not None and [c.article_id for c in lone.copies] == [plain.article_id]
    # Re-enrichment: the page follows the links as they are now.
    store.set_annotations(
        ids["naive"], replace(linked, instruments=(InstrumentRef("sp500", 1.0, "US"),))
    )
    again = store.story_page(ids["naive"], around)
    assert again is not None and again.instruments == ("sp500",) and set(again.quotes) == {"sp500"}
    assert store.story_page(10_000, around) is None


def test_set_annotations_replaces_them_and_articles_after_walks_the_store(store: Storage) -> None:
    ids = []
    for n in range(5):
        r = store.add_page(web(f"https://a.example/{n}", f"<{n}>".encode()), story(n), [])
        assert r.article_id is not None
        ids.append(r.article_id)
    assert [a.id for a in store.articles_after(0, 2)] == ids[:2]
    assert [a.id for a in store.articles_after(ids[1], 10)] == ids[2:]
    assert store.articles_after(ids[-1], 10) == []
    assert store.set_annotations(ids[1], annotations(("Bank of Japan", "organisation", "org:boj")))
    assert [a.id for a in store.articles_after(0, 10, unannotated=True)] == [
        i for i in ids if i != ids[1]
    ]
    assert len(store.stories(entity="org:boj")) == 1
    assert store.set_annotations(
        ids[1], annotations(("Reserve Bank of India", "organisation", None))
    )
    assert store.stories(entity="org:boj") == []  # the old entity rows are gone
    assert len(store.stories(entity="reserve bank of india")) == 1
    assert not store.set_annotations(max(ids) + 100, annotations())
    with pytest.raises(ValueError):
        store.articles_after(0, -1)


# -- search with filters, entities across stories ----------------------------------------------
def _tagged(
    store: Storage, url: str, p: Page, *entities: tuple[str, str, str | None], **kw: Any
) -> int:
    r = store.add_page(
        web(url, url.encode()), p, [], annotations=replace(annotations(*entities), **kw)
    )
    assert r.story_id is not None
    return r.story_id


def test_search_stories_stems_filters_counts_and_keeps_one_copy_a_story(store: Storage) -> None:
    rally = page("Copper rallied on Tuesday", *BODY, publisher="Metal Wire", published=AT)
    s1 = _tagged(
        store, "https://a.example/1", rally, ("Japan", "place", "place:jp"),
        instruments=(InstrumentRef("nikkei225", 1.0, "Japan"),),
    )  # fmt: skip
    # The same words on another site: a copy in the same story, counted and shown once.
    copy = page("Copper rallied on Tuesday", *BODY, publisher="Other Post", published=AT)
    assert _tagged(store, "https://b.example/1", copy, ("Japan", "place", "place:jp")) == s1
    later = AT + timedelta(days=30)
    other = page(
        "Copper rallies again", "Copper prices rose once more as mines shut.", published=later
    )
    s2 = store.add_page(web("https://c.example/2", b"c2", at=later), other, []).story_id
    found = store.search_stories("rallies copper")
    assert len(found) == 2 and {store.story_of_article(a.id) for a in found} == {s1, s2}
    # Hits come without annotations (a page of hits shows none); get_article reads them.
    hits, _ = store.search_and_count("rallies copper")
    assert all(a.annotations is None for a in [*found, *hits])
    tagged = store.get_article(next(a.id for a in found if store.story_of_article(a.id) == s1))
    assert tagged is not None and tagged.annotations is not None
    assert store.count_stories("rallies copper") == 2
    assert store.count_stories("rallied", cap=1) == 2  # over the cap: cap + 1
    assert store.count_stories("") == 0 and store.search_stories("  !! ") == []

    def ids(**f: Any) -> set[int | None]:
        return {
            store.story_of_article(a.id)
            for a in store.search_stories("copper", filters=SearchFilters(**f))
        }

    assert ids(entity="place:jp") == {s1} and ids(entity=" JAPAN ") == {s1}
    assert ids(instrument="nikkei225") == {s1} and ids(instrument="sp500") == set()
    assert ids(topic="trade") == {s1} and ids(topic="energy") == set()
    assert ids(since=AT + timedelta(days=1)) == {s2}
    assert ids(until=AT + timedelta(days=1)) == {s1}
    assert ids(source="metal wire") == {s1} and ids(source="c.example") == {s2}
    assert store.count_stories("copper", SearchFilters(entity="place:jp")) == 1
    with pytest.raises(ValueError):
        store.search_stories("copper", filters=SearchFilters(since=datetime(2024, 1, 1)))


def test_search_stories_ranks_among_the_latest_matches(
    store: Storage, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A common word ranks only the SEARCH_SCAN matches stored last (a bounded cost); a word
    with fewer matches than that is ranked over all of them, the oldest included; stories past
    the first page come from widening the scan."""
    backend = importlib.import_module(type(store).__module__)
    monkeypatch.setattr(backend, "SEARCH_SCAN", 4)
    ids = []
    for n in range(8):
        words = "harbour cranes" if n == 0 else "harbour"
        p = page(f"Port report {n}", f"The {words} worked late on day {n}.", published=AT)
        ids.append(store.add_page(raw(f"port {n}", AT + timedelta(hours=n)), p, []).article_id)
    found = [a.id for a in store.search_stories("harbour", limit=10)]
    assert sorted(found) == sorted(ids[4:])  # the four stored last
    assert [a.id for a in store.search_stories("cranes")] == [ids[0]]  # rare: all matches
    paged = [a.id for a in store.search_stories("harbour", limit=2, offset=2)]
    assert len(paged) == 2 and set(paged) <= set(ids[4:]) and not set(paged) & set(found[:2])
    assert store.count_stories("harbour") == 8  # counting is not bounded by the scan


def test_filters_choose_the_matches_that_are_ranked(
    store: Storage, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The SEARCH_SCAN newest matches that the filters keep are ranked, not the newest matches
    then filtered: a date range in the past or an entity named only in old stories finds
    them under a common word, and the page agrees with the count."""
    backend = importlib.import_module(type(store).__module__)
    monkeypatch.setattr(backend, "SEARCH_SCAN", 4)
    monkeypatch.setattr(backend, "COUNT_SPAN", 1, raising=False)
    ids = []
    for n in range(12):
        p = page(f"Port report {n}", f"The harbour worked late on day {n}.",
                 published=AT + timedelta(days=n))  # fmt: skip
        tagged = annotations(("Japan", "place", "place:jp")) if n < 3 else None
        r = store.add_page(raw(f"port {n}", AT + timedelta(days=n)), p, [], annotations=tagged)
        assert r.article_id is not None
        ids.append(r.article_id)
    old = SearchFilters(until=AT + timedelta(days=1, hours=1))
    for filters, want in ((SearchFilters(entity="place:jp"), ids[:3]), (old, ids[:2])):
        found, total = store.search_and_count("harbour", limit=10, filters=filters)
        assert sorted(a.id for a in found) == want, filters
        assert [a.id for a in store.search_stories("harbour", 10, 0, filters)] == [
            a.id for a in found
        ]
        assert total == store.count_stories("harbour", filters) == len(want), filters
    # Widened for a later page, the scan stays within the filter.
    later = SearchFilters(since=AT + timedelta(days=4))
    paged = [a.id for a in store.search_stories("harbour", limit=2, offset=2, filters=later)]
    assert len(paged) == 2 and set(paged) <= set(ids[8:])


def test_search_ranks_the_newest_matches_of_the_whole_store_however_they_lie(
    store: Storage, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The SEARCH_SCAN newest matches, wherever they are: all among the newest articles, some
    there and the rest older, none there, or fewer than SEARCH_SCAN in all (PostgreSQL looks
    among the newest 8 x SEARCH_SCAN articles first: 32 of the 48 here)."""
    backend = importlib.import_module(type(store).__module__)
    monkeypatch.setattr(backend, "SEARCH_SCAN", 4)
    placed = {
        "alpha": {2, 5, 9, 40},  # one among the newest, three older
        "beta": {3, 6, 20, 30, 44},  # three among the newest, the fourth older
        "gamma": {1, 10, 12, 14, 16},  # none among the newest (16: the last before them)
        "delta": {17, 18, 19, 21, 22, 47},  # enough among the newest
        "epsilon": {7, 8},  # fewer than the scan in all
    }
    ids = []
    for n in range(1, 49):
        said = " ".join(w for w, at in placed.items() if n in at) or "nothing"
        p = page(f"Port report {n}", f"The {said} harbour worked late on day {n}.")
        r = store.add_page(raw(f"port {n}", AT + timedelta(hours=n)), p, [])
        assert r.article_id is not None
        ids.append(r.article_id)
    for word, at in placed.items():
        matches = sorted(ids[n - 1] for n in at)
        found, total = store.search_and_count(word, limit=10)
        assert {a.id for a in found} == set(matches[-4:]), word
        assert [a.id for a in store.search_stories(word, limit=10)] == [a.id for a in found]
        assert total == store.count_stories(word) == len(matches), word


def test_count_stories_is_exact_under_the_cap_however_it_is_looked_for(
    store: Storage, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A backend may count among the newest articles first (PostgreSQL's COUNT_SPAN, made
    small here so that both of its ways are taken): the answer is the same."""
    backend = importlib.import_module(type(store).__module__)
    monkeypatch.setattr(backend, "COUNT_SPAN", 1, raising=False)
    for n in range(6):
        words = "harbour" if n % 3 else "quay"  # quay, harbour, harbour, quay, harbour, harbour
        p = page(f"Port report {n}", f"The {words} worked late on day {n}.", published=AT)
        store.add_page(raw(f"port {n}", AT + timedelta(hours=n)), p, [])
    assert store.count_stories("harbour", cap=1) == 2  # settled among the newest two
    assert store.count_stories("harbour", cap=2) == 3  # newest three hold two: counted all
    assert store.count_stories("harbour") == 4 and store.count_stories("quay", cap=1) == 2
    assert store.count_stories("quay") == 2 and store.count_stories("crane") == 0


def test_search_and_count_answers_as_search_stories_and_count_stories(
    store: Storage, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One call for a page of results and its count: the same answers as the two calls, on
    every way a backend may take (a small SEARCH_SCAN and COUNT_SPAN here, so that its scan
    of the newest matches, its wider spans and its whole-table reads are all taken)."""
    backend = importlib.import_module(type(store).__module__)
    monkeypatch.setattr(backend, "SEARCH_SCAN", 4)
    monkeypatch.setattr(backend, "COUNT_SPAN", 1, raising=False)
    words = ("harbour", "quay", "crane", "harbour quay", "harbour crane", "quay crane")
    for n in range(40):
        said = words[n % len(words)] if n % 7 else "harbour quay crane"
        p = page(f"Port report {n}", f"The {said} worked late on day {n} of the strike.")
        tagged = annotations(("Japan", "place", "place:jp")) if n % 5 == 0 else None
        r = store.add_page(raw(f"port {n}", AT + timedelta(hours=n)), p, [], annotations=tagged)
        assert r.article_id is not None
        if n % 4 == 0:  # a copy elsewhere: the same story, counted once
            store.add_page(web(f"https://copy.example/{n}", f"copy {n}".encode()), p, [])
    queries = ("harbour", "quay", "crane", "harbour quay", "quay crane", "harbour quay crane")
    for q in (*queries, "lighthouse", "harbour lighthouse"):  # the last two match nothing
        for filters in (None, SearchFilters(entity="place:jp"), SearchFilters(topic="energy")):
            for cap in (1, 3, 8, 1000):
                for limit, offset in ((2, 0), (3, 3), (20, 0)):
                    both = store.search_and_count(q, limit, offset, filters, cap)
                    apart = (
                        store.search_stories(q, limit, offset, filters),
                        store.count_stories(q, filters, cap),
                    )
                    assert both == apart, (q, filters, cap, limit, offset)
    assert store.search_and_count("  !! ") == ([], 0)
    with pytest.raises(ValueError):
        store.search_and_count("harbour", cap=-1)


def test_find_entity_and_the_entities_it_appears_with(store: Storage) -> None:
    assert store.find_entity("place:jp") is None and store.related_entities("place:jp") == []
    _tagged(store, "https://a.example/1", story(1), ("Japan", "place", "place:jp"),
            ("Bank of Japan", "organisation", "org:boj"), ("Ada Lune", "person", None))  # fmt: skip
    _tagged(store, "https://a.example/2", story(2), ("Japan", "place", "place:jp"),
            ("Ada Lune", "person", None))  # fmt: skip
    _tagged(store, "https://a.example/3", story(3), ("Ada Lune", "person", None))
    found = store.find_entity("place:jp")
    assert found is not None and (found.name, found.kind, found.key, found.articles) == (
        "Japan", "place", "place:jp", 2,
    )  # fmt: skip
    by_name = store.find_entity("  ada   LUNE ")
    assert by_name is not None and by_name.key is None and by_name.articles == 3
    related = store.related_entities("place:jp")
    assert [(r.name, r.kind, r.key, r.stories) for r in related] == [
        ("Ada Lune", "person", None, 2),
        ("Bank of Japan", "organisation", "org:boj", 1),
    ]
    assert [r.key for r in store.related_entities("Japan", limit=1)] == [None]
    assert {r.name for r in store.related_entities("ada lune")} == {"Japan", "Bank of Japan"}
    with pytest.raises(ValueError):
        store.related_entities("Japan", limit=-1)


def test_related_entities_read_the_newest_current_articles_named_either_way(
    store: Storage, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The entities an entity appears with come from its newest RELATED_SCAN current articles
    (2 here), whether an article names it by the name asked or carries the key asked; a
    replaced article is not among them, nor in the entity's count, and none counts twice."""
    backend = importlib.import_module(type(store).__module__)
    s, _ = store.add_source(spec(), AT)
    companions = ("Zero Co", "One Co", "Two Co", "Three Co")
    for n, companion in enumerate(companions):
        # Asked as "lab:x": the even articles name it so (no key), the odd carry the key.
        lab = ("lab:x", "organisation", None) if n % 2 == 0 else ("Lab X", "organisation", "lab:x")
        store.add_page(
            web(f"https://a.example/{n}", f"v{n}".encode()),
            page(f"Lab report {n}", f"The lab's report number {n} came out on day {n}."),
            [],
            annotations=annotations(lab, (companion, "organisation", None)),
            mark=ItemMark(s.id, str(n), "h1"),
        )

    def related() -> set[str]:
        return {r.name for r in store.related_entities("lab:x")}

    assert related() == set(companions)
    found = store.find_entity("lab:x")
    assert found is not None and (found.key, found.articles) == ("lab:x", 4)
    monkeypatch.setattr(backend, "RELATED_SCAN", 2)
    assert related() == {"Two Co", "Three Co"}
    # The newest article changes and no longer names the lab: the two before it count.
    store.add_page(
        web("https://a.example/3", b"v3 changed", AT + timedelta(hours=1)),
        page("Lab report 3, revised", "The revised report named nobody at all, it seems."),
        [],
        annotations=annotations(("Other Co", "organisation", None)),
        mark=ItemMark(s.id, "3", "h2"),
    )
    assert related() == {"One Co", "Two Co"}
    found = store.find_entity("lab:x")  # the replaced article is counted no more
    assert found is not None and found.articles == 3
    monkeypatch.setattr(backend, "RELATED_SCAN", 3)
    assert related() == {"Zero Co", "One Co", "Two Co"}
