"""Enrichment of stored articles: those stored without annotations (enrichment was off, a
crash cut it off, a database from before it), or every one after a model change (`marketdesk
enrich --all`). New pages are enriched as they are stored (app/ingest.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from marketdesk.app.desk import Desk
from marketdesk.model import Page, StoredArticle

__all__ = ["BATCH", "EnrichReport", "enrich_stored", "to_enrich"]

BATCH = 32  # articles a spaCy batch and a page of the walk


@dataclass(frozen=True, slots=True)
class EnrichReport:
    enriched: int
    model: str


def to_enrich(desk: Desk, *, everything: bool) -> int | None:
    """How many current articles a run would enrich, for a progress bar's total: every one
    with ``everything``; otherwise None (unknown, some) or 0 (none), so as not to read the
    whole store once only to count it."""
    if everything:
        return desk.storage.counts().articles
    return None if desk.storage.articles_after(0, 1, unannotated=True) else 0


def _walk(desk: Desk, everything: bool) -> Iterator[list[StoredArticle]]:
    after = 0
    while batch := desk.storage.articles_after(after, BATCH, unannotated=not everything):
        yield batch
        after = batch[-1].id


def enrich_stored(
    desk: Desk, *, everything: bool = False, progress: Callable[[int], None] = lambda n: None
) -> EnrichReport:
    """Annotate the stored articles without annotations (``everything``: all current ones),
    batch by batch, each batch's annotations stored as it is done; ``progress`` hears how
    many articles each batch held. A stopped run keeps what it stored and, without
    ``everything``, goes on where it stopped when run again."""
    from marketdesk.enrich import enrich_many, model_label  # spaCy loads only here

    nlp = desk.nlp()
    done = 0
    for batch in _walk(desk, everything):
        pages = [Page(source=a.source, kind="html", article=a.article) for a in batch]
        for stored, found in zip(batch, enrich_many(pages, nlp, kb=desk.kb()), strict=True):
            desk.storage.set_annotations(stored.id, desk.with_instruments(found))
        done += len(batch)
        progress(len(batch))
    return EnrichReport(done, model_label(nlp))
