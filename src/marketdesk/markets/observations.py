"""Quotes seen on a page, linked to the registry's instruments (pure: no I/O)."""

from __future__ import annotations

from datetime import datetime

from marketdesk.markets.registry import Registry
from marketdesk.model import Page, Quote

__all__ = ["page_quotes"]


def page_quotes(page: Page, at: datetime, registry: Registry) -> list[Quote]:
    """The page's strip as quotes stamped ``at`` (its fetch time), source "page".

    A name the registry does not know is kept with ``instrument`` None, so nothing the page
    showed is lost; only known instruments appear on strips and instrument pages.
    """
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
