"""The demo desk: bundled sample pages plus public-domain market history, offline."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from importlib import resources
from pathlib import Path

from platformdirs import user_cache_dir

from marketdesk.app.desk import Desk
from marketdesk.app.ingest import store_document
from marketdesk.app.quotes import load_bundled
from marketdesk.model import RawDocument

__all__ = ["DEMO_PAGES", "build_demo", "default_demo_db"]

# When each sample page was "fetched": after the close of the day its strip shows.
DEMO_PAGES = {
    "2026-02-06-stocks-rally.txt": "2026-02-06T21:35:00+00:00",
    "2026-02-10-rates-week.txt": "2026-02-10T23:00:00+00:00",
    "2026-02-11-oil-climbs.txt": "2026-02-11T22:10:00+00:00",
}


def default_demo_db() -> str:
    return str(Path(user_cache_dir("marketdesk")) / "demo.db")


def build_demo(desk: Desk, progress: Callable[[str], None] = lambda line: None) -> str:
    """Load history and sample pages into the desk's store; running it again adds nothing twice.

    Returns a one-line summary."""
    progress("loading bundled market history…")
    quotes, _ = load_bundled(desk)
    pages = 0
    demo = resources.files("marketdesk.data") / "demo"
    for name, when in DEMO_PAGES.items():
        raw = RawDocument(source=f"demo:{name}", content=(demo / name).read_bytes())
        outcome = store_document(desk, raw, kind="text", fetched_at=datetime.fromisoformat(when))
        assert outcome.result is not None
        pages += int(outcome.result.document_created)
        quotes += outcome.result.quotes_added
    desk.storage.optimize()  # tens of thousands of quotes since the reads were planned
    counts = desk.storage.counts()
    return (
        f"{pages} new sample pages, {quotes} new quotes "
        f"({counts.articles} stories, {counts.quotes} quotes in all)"
    )
