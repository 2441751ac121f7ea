"""The demo desk: bundled sample pages plus public-domain market history, offline."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import TextIO

from platformdirs import user_cache_dir

from marketdesk.extract import extract
from marketdesk.ingest.pipeline import page_quotes
from marketdesk.markets.history import load_bundled_history
from marketdesk.markets.registry import Registry
from marketdesk.model import RawDocument
from marketdesk.store.sqlite import SQLiteStorage

# When each sample page was "fetched": after the close of the day its strip shows.
DEMO_PAGES = {
    "2026-02-06-stocks-rally.txt": "2026-02-06T21:35:00+00:00",
    "2026-02-10-rates-week.txt": "2026-02-10T23:00:00+00:00",
    "2026-02-11-oil-climbs.txt": "2026-02-11T22:10:00+00:00",
}


def default_demo_db() -> str:
    return str(Path(user_cache_dir("marketdesk")) / "demo.db")


def build_demo(db: str, progress: TextIO | None = None) -> str:
    """Load history and sample pages into `db`; running it again adds nothing twice."""
    registry = Registry.bundled()
    store = SQLiteStorage(db)
    try:
        if progress:
            print("marketdesk: loading bundled market history…", file=progress)
        quotes = store.add_quotes(load_bundled_history(registry))
        pages = 0
        demo = resources.files("marketdesk.data") / "demo"
        for name, when in DEMO_PAGES.items():
            raw = RawDocument(source=f"demo:{name}", content=(demo / name).read_bytes())
            fetched_at = datetime.fromisoformat(when)
            page = extract(raw, "text")
            raw = replace(raw, fetched_at=fetched_at)
            result = store.add_page(raw, page, page_quotes(page, fetched_at, registry))
            pages += int(result.document_created)
            quotes += result.quotes_added
        counts = store.counts()
    finally:
        store.close()
    return (
        f"{pages} new sample pages, {quotes} new quotes "
        f"({counts.articles} stories, {counts.quotes} quotes in all)"
    )
