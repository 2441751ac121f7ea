"""An edition's ticker strip from stored quotes, formatted as the reference page does."""

from __future__ import annotations

from datetime import datetime

from marketdesk.markets.formatting import format_strip_line
from marketdesk.markets.registry import Edition, Registry
from marketdesk.model import StripItem
from marketdesk.store.base import Storage


def strip_items(
    edition: Edition, registry: Registry, storage: Storage, at: datetime | None = None
) -> list[StripItem]:
    """The latest quote at or before `at` for each instrument of the edition, in order."""
    items = []
    for key, display in edition.strip:
        quote = storage.latest_quote(key, at)
        if quote is None:
            continue
        inst = registry.instrument(key)
        items.append(
            StripItem(
                name=display,
                last=quote.last,
                change=quote.change,
                change_pct=quote.change_pct,
                decimals=inst.decimals,
                at=quote.at,
                source=quote.source,
            )
        )
    return items


def strip_lines(items: list[StripItem]) -> list[str]:
    return [format_strip_line(i.name, i.last, i.change, i.change_pct, i.decimals) for i in items]
