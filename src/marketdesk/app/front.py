"""The front page of an edition: its market-status banner, its strip and the latest stories."""

from __future__ import annotations

from dataclasses import dataclass

from marketdesk.app.desk import Desk
from marketdesk.app.market_clock import front_banner
from marketdesk.app.paging import PAGE_SIZE, Paging
from marketdesk.app.strip import Strip, strip
from marketdesk.markets.registry import Edition
from marketdesk.model import StoredArticle

__all__ = ["FrontPage", "front_page"]


@dataclass(frozen=True, slots=True)
class FrontPage:
    edition: Edition
    market_status: str | None
    strip: Strip
    stories: tuple[StoredArticle, ...]
    paging: Paging


def front_page(desk: Desk, edition: str | None = None, page: int = 1) -> FrontPage:
    ed = desk.edition(edition)
    paging = Paging.check(page)
    found = desk.storage.latest_articles(limit=PAGE_SIZE + 1, offset=paging.offset)
    return FrontPage(
        edition=ed,
        market_status=front_banner(desk, ed),
        strip=strip(desk, ed.code),
        stories=tuple(found[:PAGE_SIZE]),
        paging=paging.seen(len(found)),
    )
