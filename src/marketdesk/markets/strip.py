"""An edition's ticker strip from stored quotes, formatted as the reference page does."""

from __future__ import annotations

import math
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
        pct = quote.change_pct
        if pct == 0 and quote.change:
            # SQLite keeps no negative zero; a loss too small to show prints as -0.00%.
            pct = math.copysign(0.0, quote.change)
        items.append(
            StripItem(
                name=display,
                last=quote.last,
                change=quote.change,
                change_pct=pct,
                decimals=inst.decimals,
                at=quote.at,
                source=quote.source,
            )
        )
    return items


def strip_lines(items: list[StripItem]) -> list[str]:
    return [format_strip_line(i.name, i.last, i.change, i.change_pct, i.decimals) for i in items]
