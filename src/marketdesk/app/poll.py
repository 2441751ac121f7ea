"""One poll of one source: fetch what is new, store it, then record the poll.

The order is what makes a crash harmless. Pages are stored first, each in its own transaction
with the source item it came from (``ItemMark``); the poll's outcome (the feed's ETag and
Last-Modified, a WARC's offset, the next poll time) is written last, by ``record_poll``. Killed
between the two, the source is polled again as if the poll never happened: the items already
stored are recognised by their key and content hash and not stored twice.

Per kind:

* feed: each entry is followed to its page and extracted; where the page cannot be fetched or
  holds no article, the entry's own title, summary, date and link are stored as the article
  (a ``feed-entry`` page). An entry seen before with the same content is skipped without a
  fetch; one whose content changed is stored anew, replacing its earlier version.
* page: fetched again when due (conditional GET); new bytes are a new version.
* sitemap: every page it lists (an index: every sitemap it lists, one level) not seen before,
  or whose lastmod changed.
* folder: every file below it not seen before with the same size and modification time.
* warc: every record after the last one stored (a checkpoint written with each page).

Only a source's own host and port pass the address rule when it was added with
``--allow-private``; its entry links, redirects and sitemap URLs are checked as any others.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import Executor, Future
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from marketdesk.app.desk import Desk
from marketdesk.app.ingest import IngestOutcome, store_document
from marketdesk.app.schedule import retry_delay
from marketdesk.errors import InputError, MarketdeskError
from marketdesk.extract import extract
from marketdesk.ingest.feeds import Feed, FeedEntry, parse_feed
from marketdesk.ingest.folders import walk_folder
from marketdesk.ingest.sitemaps import SitemapEntry, parse_sitemap
from marketdesk.ingest.sources import Source as InputSource
from marketdesk.ingest.sources import read_source
from marketdesk.ingest.warc import WarcProblem, iter_warc
from marketdesk.model import (
    Article,
    ItemMark,
    Page,
    PollRecord,
    RawDocument,
    Source,
    SourceKind,
)
from marketdesk.net import CachedResponse, host_port, redact
from marketdesk.store import Checkpoint

if TYPE_CHECKING:
    from marketdesk.net import Fetcher, FetchResult

__all__ = ["Event", "Log", "PollOutcome", "Poller", "entry_page"]

Event = dict[str, Any]  # one log line: "event" (fetch, error, poll) and its fields
Log = Callable[[Event], None]

MAX_SITEMAPS = 50  # child sitemaps read from one index per poll
MAX_PAGES = 1000  # pages fetched from one sitemap per poll; the rest wait for the next


class Interrupted(Exception):
    """The daemon is stopping: the poll ends without being recorded, and is repeated."""


@dataclass
class _Tally:
    stored: int = 0
    already: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, what: str, error: str | None = None) -> None:
        with self.lock:
            setattr(self, what, getattr(self, what) + 1)
            if error:
                self.errors.append(error)


@dataclass(frozen=True, slots=True)
class PollOutcome:
    source: Source
    stored: int = 0  # pages stored (new documents)
    already: int = 0  # seen before, nothing stored
    failed: int = 0  # items that could not be stored
    error: str | None = None  # what failed the poll: the source itself, or its first item
    not_modified: bool = False
    interrupted: bool = False

    @property
    def ok(self) -> bool:
        return self.error is None and not self.interrupted


def _hash(*parts: object) -> str:
    return hashlib.sha256(
        "\x1f".join("" if p is None else str(p) for p in parts).encode()
    ).hexdigest()


def entry_page(entry: FeedEntry, feed: Feed, source: str, fetched: Any) -> tuple[RawDocument, Page]:
    """A feed entry's own text as a document and a page: kept as the article when its page
    cannot be fetched or holds none. ``kind`` is ``feed-entry``, so it reads as what it is."""
    body = entry.content or entry.summary
    paragraphs = tuple(p.strip() for p in (body or "").split("\n\n") if p.strip())
    content = json.dumps(
        {
            "feed": feed.title,
            "guid": entry.guid,
            "link": entry.link,
            "title": entry.title,
            "summary": entry.summary,
            "content": entry.content,
            "published": entry.published.isoformat() if entry.published else None,
            "authors": list(entry.authors),
        },
        ensure_ascii=False,
        sort_keys=True,
    ).encode()
    raw = RawDocument(
        source=source,
        content=content,
        fetched_at=fetched,
        media_type="application/x-feed-entry+json",
        url=entry.link,
    )
    article = Article(
        title=entry.title,
        paragraphs=paragraphs,
        authors=entry.authors,
        published=entry.published,
        publisher=feed.title,
        url=entry.link,
        description=entry.summary,
        modified=entry.updated,
    )
    reason = None if paragraphs else "the feed entry has no text"
    return raw, Page(source=source, kind="feed-entry", article=article, reason=reason)


class Poller:
    """Polls sources through one fetcher; pages go to ``pages`` (an executor) concurrently."""

    def __init__(
        self,
        desk: Desk,
        fetcher: Fetcher,
        pages: Executor,
        *,
        log: Log = lambda event: None,
        stop: threading.Event | None = None,
    ) -> None:
        self.desk = desk
        self.fetcher = fetcher
        self.pages = pages
        self.log = log
        self.stop = stop or threading.Event()
        self._rng_lock = threading.Lock()

    # -- one source -----------------------------------------------------------------------

    def poll(self, source: Source) -> PollOutcome:
        """Poll once, store what is new, record the outcome; never raises for the source's
        own failures (they are the outcome)."""
        started = self.desk.clock()
        tally = _Tally()
        record: dict[str, Any] = {}
        not_modified = False
        try:
            kind = source.spec.kind
            if kind is SourceKind.FEED:
                not_modified = self._feed(source, tally, record)
            elif kind is SourceKind.PAGE:
                not_modified = self._page(source, tally, record)
            elif kind is SourceKind.SITEMAP:
                self._sitemap(source, tally)
            elif kind is SourceKind.FOLDER:
                self._folder(source, tally)
            else:
                self._warc(source, tally)
            error = None
            if tally.failed:
                more = f" (and {tally.failed - 1} more)" if tally.failed > 1 else ""
                error = f"{tally.errors[0]}{more}" if tally.errors else f"{tally.failed} failed"
        except Interrupted:
            outcome = PollOutcome(
                source, tally.stored, tally.already, tally.failed, interrupted=True
            )
            self.log({"event": "poll", "source": source.id, "interrupted": True})
            return outcome
        except MarketdeskError as exc:
            error = str(exc)
            self._error(source, source.spec.url, error)
        now = self.desk.clock()
        failures = source.failures + 1 if error else 0
        if error:
            with self._rng_lock:
                delay = retry_delay(source.spec.every_s, failures)
        else:
            delay = float(source.spec.every_s)
        next_poll = now + timedelta(seconds=delay)
        self.desk.storage.record_poll(
            source.id,
            PollRecord(
                at=started,
                next_poll=next_poll,
                error=error,
                etag=record.get("etag"),
                last_modified=record.get("last_modified"),
                cursor=record.get("cursor"),
            ),
        )
        outcome = PollOutcome(
            source, tally.stored, tally.already, tally.failed, error, not_modified
        )
        self.log(
            {
                "event": "poll",
                "source": source.id,
                "url": redact(source.spec.url),
                "stored": tally.stored,
                "already": tally.already,
                "failed": tally.failed,
                "ok": outcome.ok,
                "next_poll": next_poll.isoformat(),
            }
        )
        return outcome

    # -- fetching ---------------------------------------------------------------------------

    def _exempt(self, source: Source) -> list[tuple[str, int]]:
        return [host_port(source.spec.url)] if source.spec.allow_private else []

    def _fetch(
        self, source: Source, url: str, validators: CachedResponse | None = None
    ) -> FetchResult:
        self._check_stop()
        try:
            result = self.fetcher.fetch_response(
                url, exempt=self._exempt(source), validators=validators
            )
        except MarketdeskError as exc:
            self._error(source, url, str(exc))
            raise
        self.log(
            {
                "event": "fetch",
                "source": source.id,
                "url": redact(url),
                "status": result.status,
                "bytes": len(result.content),
            }
        )
        return result

    def _error(self, source: Source, url: str, message: str) -> None:
        self.log({"event": "error", "source": source.id, "url": redact(url), "error": message})

    def _check_stop(self) -> None:
        if self.stop.is_set():
            raise Interrupted

    def _seen(self, source: Source, key: str, digest: str, tally: _Tally) -> bool:
        """The item was stored before with this content: counted as already stored."""
        found = self.desk.storage.find_item(source.id, key)
        if found is not None and found[0] == digest:
            tally.add("already")
            return True
        return False

    def _store(self, raw: RawDocument, tally: _Tally, **kw: Any) -> IngestOutcome:
        outcome = store_document(self.desk, raw, **kw)
        assert outcome.result is not None
        tally.add("stored" if outcome.result.document_created else "already")
        return outcome

    def _each(self, items: Iterable[Any], work: Callable[[Any], None]) -> None:
        """Run ``work`` on every item through the page executor, then wait for all; a stop
        request lets the running ones finish and drops the rest."""
        futures: list[Future[None]] = []
        for item in items:
            self._check_stop()
            futures.append(self.pages.submit(self._guarded, work, item))
        interrupted = False
        for f in futures:
            try:
                f.result()
            except Interrupted:
                interrupted = True
        if interrupted:
            raise Interrupted

    def _guarded(self, work: Callable[[Any], None], item: Any) -> None:
        self._check_stop()
        work(item)

    # -- kinds ------------------------------------------------------------------------------

    def _validators(self, source: Source) -> CachedResponse | None:
        if source.etag or source.last_modified:
            return CachedResponse(b"", source.etag, source.last_modified)
        return None

    def _feed(self, source: Source, tally: _Tally, record: dict[str, Any]) -> bool:
        result = self._fetch(source, source.spec.url, self._validators(source))
        if result.not_modified:
            record.update(etag=source.etag, last_modified=source.last_modified)
            return True
        feed = parse_feed(result.content, url=result.url, media_type=result.media_type)

        def entry(e: FeedEntry) -> None:
            self._entry(source, feed, e, result, tally)

        self._each(feed.entries, entry)
        # Saved only now, after the entries they cover are stored.
        record.update(
            etag=result.headers.get("etag"), last_modified=result.headers.get("last-modified")
        )
        return False

    def _entry(
        self, source: Source, feed: Feed, e: FeedEntry, result: FetchResult, tally: _Tally
    ) -> None:
        key = e.key
        digest = _hash(e.title, e.summary, e.content, e.link, e.updated)
        if self._seen(source, key, digest, tally):
            return
        mark = ItemMark(source.id, key, digest)
        label = e.link or f"{redact(source.spec.url)}#{key}"
        raw: RawDocument | None = None
        page: Page | None = None
        if e.link:
            try:
                raw = self._fetch(source, e.link).to_document(source=e.link)
                page = extract(raw)
                if not page.article.paragraphs:
                    page = None
            except Interrupted:
                raise
            except MarketdeskError:
                raw = page = None  # logged by _fetch or below; the entry's own text is kept
        if page is None or raw is None:
            raw, page = entry_page(e, feed, label, result.fetched_at)
            if not page.article.paragraphs and not page.article.title:
                tally.add("failed", f"{label}: neither its page nor the entry has text")
                return
        try:
            self._store(raw, tally, page=page, mark=mark)
        except MarketdeskError as exc:
            tally.add("failed", f"{label}: {exc}")
            self._error(source, label, str(exc))

    def _page(self, source: Source, tally: _Tally, record: dict[str, Any]) -> bool:
        url = source.spec.url
        result = self._fetch(source, url, self._validators(source))
        record.update(
            etag=result.headers.get("etag") or (source.etag if result.not_modified else None),
            last_modified=result.headers.get("last-modified")
            or (source.last_modified if result.not_modified else None),
        )
        if result.not_modified:
            return True
        mark = ItemMark(source.id, url, _hash(hashlib.sha256(result.content).hexdigest()))
        if self._seen(source, url, mark.content_hash, tally):
            return False
        self._store(result.to_document(source=url), tally, mark=mark)
        return False

    def _sitemap(self, source: Source, tally: _Tally) -> None:
        result = self._fetch(source, source.spec.url)
        sitemap = parse_sitemap(result.content, url=result.url)
        entries: list[SitemapEntry] = []
        if sitemap.is_index:
            for child in sitemap.entries[:MAX_SITEMAPS]:
                try:
                    sub = self._fetch(source, child.loc)
                    entries.extend(parse_sitemap(sub.content, url=sub.url).entries)
                except MarketdeskError as exc:
                    tally.add("failed", f"{child.loc}: {exc}")
        else:
            entries = list(sitemap.entries)
        todo = []
        for entry in entries:
            digest = _hash(entry.loc, entry.lastmod)
            if not self._seen(source, entry.loc, digest, tally):
                todo.append((entry, digest))

        def page(item: tuple[SitemapEntry, str]) -> None:
            entry, digest = item
            try:
                raw = self._fetch(source, entry.loc).to_document(source=entry.loc)
                self._store(raw, tally, mark=ItemMark(source.id, entry.loc, digest))
            except Interrupted:
                raise
            except MarketdeskError as exc:
                tally.add("failed", f"{entry.loc}: {exc}")

        self._each(todo[:MAX_PAGES], page)

    def _folder(self, source: Source, tally: _Tally) -> None:
        root = Path(source.spec.url)
        if not root.is_dir():
            raise InputError(f"{root}: the folder is gone")

        def file(path: Path) -> None:
            key = str(path)
            try:
                st = path.stat()
            except OSError as exc:
                tally.add("failed", f"{path}: cannot read: {exc.strerror or exc}")
                return
            digest = _hash(st.st_size, st.st_mtime_ns)
            if self._seen(source, key, digest, tally):
                return
            try:
                raw = read_source(InputSource.parse(key))
                self._store(raw, tally, mark=ItemMark(source.id, key, digest))
            except MarketdeskError as exc:
                tally.add("failed", f"{path}: {exc}")
                self._error(source, key, str(exc))

        self._each(walk_folder(root), file)

    def _warc(self, source: Source, tally: _Tally) -> None:
        path = Path(source.spec.url)
        name = f"source:{source.id}"
        start = int(self.desk.storage.get_checkpoint(name) or 0)
        # In file order, one at a time: the checkpoint is the offset after the last stored.
        for item in iter_warc(path, start_offset=start):
            self._check_stop()
            if isinstance(item, WarcProblem):
                tally.add("failed", f"{path}: {item.message}")
                self._error(source, str(path), item.message)
                continue
            try:
                self._store(
                    item.document,
                    tally,
                    checkpoint=Checkpoint(name, str(item.next_offset)),
                )
            except MarketdeskError as exc:
                tally.add("failed", f"{item.document.source}: {exc}")
