"""The Desk: what every use case runs against, built once per process.

A Desk holds the settings, the one registry (bundled instruments and editions plus the user's
own editions), the store (opened on first use), the spaCy pipeline for entities (loaded on
first use), the clock, and the outbound HTTP clients it hands out. The command line builds one
per command and the web server one for its lifetime; tests build one with a fixed clock, a
store of their choosing and a fetcher for 127.0.0.1.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Self

from marketdesk.clock import Clock, system_clock
from marketdesk.config import ConfigError, Settings
from marketdesk.errors import MarketdeskError
from marketdesk.markets.registry import Edition, Registry
from marketdesk.model import Annotations, Instrument, Page
from marketdesk.store import Storage, open_storage, redacted

if TYPE_CHECKING:
    from spacy.language import Language

    from marketdesk.enrich.kb import KnowledgeBase
    from marketdesk.net import Fetcher, FetchPolicy

__all__ = ["Desk", "Services"]


def _default_fetcher(policy: FetchPolicy, clock: Clock) -> Fetcher:
    from marketdesk.net import Fetcher  # httpx loads only for commands that fetch (~0.1 s)

    return Fetcher(policy, now=clock)


@dataclass(frozen=True, slots=True)
class Services:
    """The outside world a Desk reaches: injectable, so tests replace any part of it."""

    clock: Clock = system_clock
    sleep: Callable[[float], None] = time.sleep
    monotonic: Callable[[], float] = time.monotonic
    # How an HTTP client is made for a policy (tests: one that reaches their 127.0.0.1 server).
    fetcher: Callable[[FetchPolicy, Clock], Fetcher] = field(default=_default_fetcher)


def _registry(settings: Settings) -> Registry:
    """The bundled registry with the user's editions; their mistakes name the config file."""
    try:
        return Registry.bundled().with_user_editions(settings.user_editions)
    except MarketdeskError as exc:
        where = settings.config_file or "the config"
        raise ConfigError(f"config {where}: [editions]: {exc}") from exc


class Desk:
    """The application's state for one process. Close it (or use it as a context manager)."""

    def __init__(
        self,
        settings: Settings,
        *,
        services: Services | None = None,
        storage: Storage | None = None,
        registry: Registry | None = None,
        create: bool = True,
        durable: bool = True,
    ) -> None:
        self.settings = settings
        self.services = services or Services()
        self.registry = registry or _registry(settings)
        self._create = create
        self._durable = durable  # False: commits do not wait for the disk (sample desks)
        self._storage = storage
        self._own_storage = storage is None
        self._fetchers: list[Fetcher] = []
        self._lock = threading.Lock()
        self._nlp: Language | None = None
        self._kb: KnowledgeBase | None = None
        # Its own lock: loading takes a second or more, and the store must not wait on it.
        self._nlp_lock = threading.Lock()

    # -- what use cases ask for ---------------------------------------------------------------

    @property
    def clock(self) -> Clock:
        return self.services.clock

    @property
    def location(self) -> str:
        """The database's address, fit to print (no password)."""
        return redacted(self.settings.db)

    @property
    def storage(self) -> Storage:
        """The store, opened on first use (read-only commands never create one)."""
        with self._lock:
            if self._storage is None:
                self._storage = open_storage(
                    self.settings.db, create=self._create, durable=self._durable
                )
            return self._storage

    def nlp(self) -> Language:
        """The spaCy pipeline for entities (``[enrich] model``, else the bundled small English
        one), loaded on first use, once, whichever thread asks first; a pipeline that is not
        installed is a ModelError that says how to install it."""
        self.kb()  # a malformed knowledge base stops a command before the model loads
        with self._nlp_lock:
            if self._nlp is None:
                # spaCy loads only for commands that enrich (about a second).
                from marketdesk.enrich import load_pipeline

                self._nlp = load_pipeline(self.settings.enrich_model)
            return self._nlp

    def kb_path(self) -> str | None:
        """The configured knowledge-base file (``[enrich] kb``, a relative path read from the
        config file's folder), or None for the bundled one."""
        path = self.settings.enrich_kb
        if path is None:
            return None
        folder = self.settings.config_file.parent if self.settings.config_file else None
        full = Path(path).expanduser()
        return str(full if full.is_absolute() or folder is None else folder / full)

    def kb(self) -> KnowledgeBase:
        """The knowledge base entities are linked to, read once; a malformed file is a
        KnowledgeBaseError that names the file and the line."""
        with self._lock:
            if self._kb is None:
                from marketdesk.enrich.kb import load

                self._kb = load(self.kb_path())
            return self._kb

    def annotate(self, page: Page) -> Annotations | None:
        """The page's annotations, or None: no article, or enrichment turned off."""
        if not self.settings.enrich or not page.article.paragraphs:
            return None
        from marketdesk.enrich import enrich

        nlp = self.nlp()
        with self._nlp_lock:
            found = enrich(page, nlp, kb=self.kb())
        return self.with_instruments(found)

    def with_instruments(self, annotations: Annotations) -> Annotations:
        """The annotations with the registry's instruments they touch, as they are stored."""
        from marketdesk.app.touched import with_instruments

        return with_instruments(self.registry, annotations)

    def edition(self, code: str | None = None) -> Edition:
        """The edition named ``code``, else the configured one."""
        return self.registry.edition(code or self.settings.edition)

    def instrument(self, key: str) -> Instrument:
        return self.registry.instrument(key)

    def fetcher(self, allow_private: bool = False) -> Fetcher:
        """An HTTP client under the fetch policy (private addresses as the user allows)."""
        from marketdesk.net import FetchPolicy

        policy = FetchPolicy(
            allow_private=allow_private or self.settings.allow_private_urls,
            **self.settings.fetch,
        )
        fetcher = self.services.fetcher(policy, self.clock)
        with self._lock:
            self._fetchers.append(fetcher)
        return fetcher

    # -- lifetime -----------------------------------------------------------------------------

    def close(self) -> None:
        with self._lock:
            fetchers, self._fetchers = self._fetchers, []
            storage = self._storage if self._own_storage else None
            if self._own_storage:
                self._storage = None
        for f in fetchers:
            f.close()
        if storage is not None:
            storage.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
