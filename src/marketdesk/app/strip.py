"""An edition's ticker strip from stored quotes: the latest quote at or before an instant for
each instrument of the edition, in the edition's order and names."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from marketdesk.app.desk import Desk
from marketdesk.markets.formatting import format_strip_item
from marketdesk.markets.registry import Edition
from marketdesk.model import Quote, StripItem

__all__ = ["Strip", "strip", "strip_from"]


@dataclass(frozen=True, slots=True)
class Strip:
    edition: Edition
    at: datetime | None  # None: the latest quotes
    items: tuple[StripItem, ...]
    keys: tuple[str, ...]  # each item's instrument key, in order

    def lines(self) -> list[str]:
        """The strip as the reference page prints it: "S&P/TSX 22,095.93 -148.09 (-0.67%)"."""
        return [format_strip_item(i) for i in self.items]


def strip(desk: Desk, edition: str | None = None, at: datetime | None = None) -> Strip:
    ed = desk.edition(edition)
    return strip_from(desk, ed, desk.storage.latest_quotes([key for key, _ in ed.strip], at), at)


def strip_from(
    desk: Desk, ed: Edition, latest: Mapping[str, Quote], at: datetime | None = None
) -> Strip:
    """The strip of quotes already read (``latest``: instrument key to its latest quote): the
    live stream reads them once for every client of an edition."""
    items: list[StripItem] = []
    keys: list[str] = []
    for key, shown in ed.strip:
        quote = latest.get(key)
        if quote is None:
            continue
        items.append(
            StripItem(
                name=shown,
                last=quote.last,
                change=quote.change,
                change_pct=quote.change_pct,
                decimals=desk.instrument(key).decimals,
                at=quote.at,
                source=quote.source,
            )
        )
        keys.append(key)
    return Strip(ed, at, tuple(items), tuple(keys))
