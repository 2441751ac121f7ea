"""The ingest pipeline: read or fetch, extract, link quotes to instruments, store.

Only this module and the fetcher touch the outside world during ingest;
extraction stays pure.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from marketdesk.errors import InputError, MarketdeskError
from marketdesk.extract import MAX_INPUT_BYTES, extract
from marketdesk.markets.registry import Registry
from marketdesk.model import Page, Quote, RawDocument
from marketdesk.store.base import IngestResult, Storage


def is_url(source: str) -> bool:
    return source.startswith(("http://", "https://"))


def read_source(source: str, fetch: Callable[[str], RawDocument] | None) -> RawDocument:
    """A file path or URL to a RawDocument, with clear errors for the usual mistakes."""
    if is_url(source):
        if fetch is None:
            raise InputError("fetching URLs is not enabled here")
        return fetch(source)
    path = Path(source)
    try:
        if path.is_dir():
            raise InputError(f"{source} is a folder, not a file")
        size = path.stat().st_size
        if size > MAX_INPUT_BYTES:
            raise InputError(
                f"{size / 1e6:.0f} MB is over the {MAX_INPUT_BYTES // 2**20} MiB limit for one page"
            )
        content = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"no such file: {source}") from None
    except PermissionError:
        raise InputError(f"permission denied: {source}") from None
    except OSError as exc:
        raise InputError(f"cannot read {source}: {exc.strerror or exc}") from None
    return RawDocument(source=source, content=content)


def page_quotes(page: Page, at: datetime, registry: Registry) -> list[Quote]:
    """Quotes seen on a page become observations stamped with the page's fetch time."""
    out = []
    for q in page.quotes:
        inst = registry.resolve(q.name)
        prev = q.last - q.change if q.change is not None else None
        out.append(
            Quote(
                instrument=inst.key if inst else None,
                name=q.name,
                at=at,
                last=q.last,
                change=q.change,
                change_pct=q.change_pct,
                source="page",
                prev_close=prev,
                decimals=q.decimals,
            )
        )
    return out


@dataclass(frozen=True, slots=True)
class Outcome:
    source: str
    page: Page | None = None
    result: IngestResult | None = None
    error: str | None = None


def ingest(
    sources: Iterable[str],
    storage: Storage,
    registry: Registry,
    *,
    fetched_at: datetime | None = None,
    fetch: Callable[[str], RawDocument] | None = None,
    kind: str = "auto",
) -> Iterator[Outcome]:
    """Ingest each source in turn; one bad source never stops the others."""
    for source in sources:
        try:
            raw = read_source(source, fetch)
            when = fetched_at or raw.fetched_at or datetime.now(UTC)
            page = extract(raw, kind)
            result = storage.add_page(
                replace(raw, fetched_at=when), page, page_quotes(page, when, registry)
            )
        except MarketdeskError as exc:
            yield Outcome(source=source, error=str(exc))
            continue
        yield Outcome(source=source, page=page, result=result)
