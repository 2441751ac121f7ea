"""Ingest: inputs to stored articles and quotes, through one path (`store_document`) that the
command line, the daemon, the demo and the tests all take.

read or fetch (ingest/, the HTTP layer) -> extract (pure) -> link the strip's quotes to
instruments and check them (pure) -> one Storage transaction. One bad input never stops the
others; a refused quote is reported and the rest of the page is still stored.

Bulk inputs: a folder is read recursively (ingest/folders.py, in a stable order) and a WARC/WET
file record by record (ingest/warc.py). Each page is stored with a checkpoint of how far the
input has got, in the same transaction; a run that is killed resumes after the last page it
stored, and the checkpoint is cleared when the input is done (after its last page is stored).

With ``workers`` above 1, extraction and the page's plan run in worker processes
(app/workers.py) while this process stores the pages one by one in input order, as with one.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from functools import partial
from pathlib import Path

from marketdesk.app.desk import Desk
from marketdesk.app.workers import (
    Failed,
    Prepared,
    Task,
    prepare,
    prepare_enriched,
    prepare_in_order,
)
from marketdesk.errors import InputError, MarketdeskError
from marketdesk.extract import KINDS, extract
from marketdesk.ingest.detect import path_kind
from marketdesk.ingest.folders import walk_folder
from marketdesk.ingest.sources import Source, SourceKind, read_source
from marketdesk.ingest.warc import WarcProblem, iter_warc
from marketdesk.markets.observations import page_quotes
from marketdesk.markets.validation import split_valid
from marketdesk.model import Annotations, ItemMark, Page, Quote, RawDocument
from marketdesk.net import redact
from marketdesk.store import Checkpoint, IngestResult, Plan

__all__ = [
    "KINDS",
    "ExtractOutcome",
    "IngestOutcome",
    "extract_sources",
    "ingest",
    "ingest_documents",
    "store_document",
]


@dataclass(frozen=True, slots=True)
class IngestOutcome:
    source: str
    page: Page | None = None
    result: IngestResult | None = None
    refused: tuple[tuple[Quote, str], ...] = ()  # quotes of the page that failed the check
    error: str | None = None

    @property
    def failed(self) -> bool:
        """An error, or a new page that gave neither an article nor quotes."""
        if self.error is not None or self.result is None:
            return True
        r = self.result
        return r.document_created and r.article_id is None and not r.quotes_added


def store_document(
    desk: Desk,
    raw: RawDocument,
    *,
    kind: str = "auto",
    fetched_at: datetime | None = None,
    page: Page | None = None,
    mark: ItemMark | None = None,
    checkpoint: Checkpoint | None = None,
    plan: Plan | None = None,
    annotations: Annotations | None = None,
) -> IngestOutcome:
    """Extract one document (unless its ``page`` is given: a feed entry's own text, or a page a
    worker extracted, with its ``plan`` and ``annotations``) and store it with its checked
    quotes, stamped with its fetch time (``fetched_at``, else the transport's, else now); the
    source item and bulk checkpoint go in the same transaction.

    A new article is enriched: with the ``annotations`` given, in the same transaction;
    otherwise once it is known to be new, so a page stored before costs no enrichment (an
    article whose enrichment a crash cut off is one `marketdesk enrich` finds)."""
    when = fetched_at or raw.fetched_at or desk.clock()
    if page is None:
        page = extract(raw, kind)
    good, refused = split_valid(page_quotes(page, when, desk.registry), desk.registry.find)
    result = desk.storage.add_page(
        replace(raw, fetched_at=when),
        page,
        good,
        mark=mark,
        checkpoint=checkpoint,
        plan=plan,
        annotations=None if annotations is None else desk.with_instruments(annotations),
    )
    if result.article_created and annotations is None and result.article_id is not None:
        found = desk.annotate(page)
        if found is not None:
            desk.storage.set_annotations(result.article_id, found)
    return IngestOutcome(raw.source, page, result, tuple(refused))


OPTIMIZE_AFTER = 1000  # new pages in one run, after which the planner's statistics are renewed


@dataclass(frozen=True, slots=True)
class _Finished:
    """The end of a bulk input: its checkpoint is cleared once every page before it is stored."""

    name: str


Item = tuple[str, RawDocument | MarketdeskError | _Finished, Checkpoint | None]
Resumed = Callable[[str, str], None]  # (input, where it resumes)


def _documents(
    desk: Desk,
    sources: Iterable[str],
    allow_private: bool,
    *,
    bulk: bool = False,
    on_resume: Resumed | None = None,
) -> Iterator[Item]:
    """Each source read or fetched, or the error that stopped it (with bulk: folders and WARC
    files expanded, with their checkpoints); the HTTP client is made only when a URL comes."""
    fetch = None
    for text in sources:
        label = redact(text)  # what outcomes name: a URL's password never reaches a message
        try:
            source = Source.parse(text)
            if bulk and source.kind is SourceKind.FILE:
                found = path_kind(text)
                if found == "folder":
                    yield from _folder(desk, Path(text), on_resume)
                    continue
                if found == "warc":
                    yield from _warc(desk, Path(text), on_resume)
                    continue
            if source.is_url and fetch is None:
                fetch = desk.fetcher(allow_private).fetch
            yield label, read_source(source, fetch), None
        except MarketdeskError as exc:
            yield label, exc, None


def _checkpoint_name(path: Path) -> str:
    return f"ingest:{path.resolve()}"


def _folder(desk: Desk, root: Path, on_resume: Resumed | None) -> Iterator[Item]:
    name = _checkpoint_name(root)
    after = desk.storage.get_checkpoint(name)
    files = list(walk_folder(root))
    start = 0
    if after is not None:
        done = [i for i, f in enumerate(files) if str(f.relative_to(root)) == after]
        if done:
            start = done[0] + 1
            if on_resume is not None:
                on_resume(str(root), f"after {after} ({start} of {len(files)} files done)")
    for path in files[start:]:
        rel = str(path.relative_to(root))
        try:
            raw = read_source(Source.parse(str(path)))
        except MarketdeskError as exc:
            yield str(path), exc, None
            continue
        yield str(path), raw, Checkpoint(name, rel)
    yield str(root), _Finished(name), None


def _warc(desk: Desk, path: Path, on_resume: Resumed | None) -> Iterator[Item]:
    name = _checkpoint_name(path)
    kept = desk.storage.get_checkpoint(name)
    start = int(kept) if kept and kept.isdigit() else 0
    if start and on_resume is not None:
        on_resume(str(path), f"at byte {start:,}")
    for item in iter_warc(path, start_offset=start):
        if isinstance(item, WarcProblem):
            yield str(path), InputError(item.message), None
            continue
        yield item.document.source, item.document, Checkpoint(name, str(item.next_offset))
    yield str(path), _Finished(name), None


def ingest(
    desk: Desk,
    sources: Iterable[str],
    *,
    fetched_at: datetime | None = None,
    kind: str = "auto",
    allow_private: bool = False,
    on_resume: Resumed | None = None,
    workers: int = 1,
) -> Iterator[IngestOutcome]:
    """Ingest each input in turn (folders and WARC/WET files page by page), yielding as each
    page is stored, in input order; errors are outcomes, not raised. ``on_resume`` hears of an
    input that an earlier, interrupted run had begun. ``workers`` above 1 extracts pages in that
    many processes (0 and 1: in this one)."""
    items = _documents(desk, sources, allow_private, bulk=True, on_resume=on_resume)
    return _store(desk, items, kind=kind, fetched_at=fetched_at, workers=workers)


def ingest_documents(
    desk: Desk,
    documents: Iterable[RawDocument],
    *,
    fetched_at: datetime | None = None,
    kind: str = "auto",
    workers: int = 1,
) -> Iterator[IngestOutcome]:
    """``ingest`` of documents already read (the pipeline benchmark): the same path."""
    items: Iterator[Item] = ((doc.source, doc, None) for doc in documents)
    return _store(desk, items, kind=kind, fetched_at=fetched_at, workers=workers)


def _store(
    desk: Desk,
    items: Iterator[Item],
    *,
    kind: str,
    fetched_at: datetime | None,
    workers: int,
) -> Iterator[IngestOutcome]:
    if workers < 0:
        raise ValueError(f"workers must be at least 0, not {workers}")
    prepared: Generator[tuple[Item, Prepared | Failed | None], None, None]
    if workers <= 1:
        prepared = ((item, None) for item in items)  # extracted in store_document, here
    else:
        task: Task = prepare
        if desk.settings.enrich:
            desk.kb()  # a malformed knowledge base fails here, not in every worker
            kb = desk.kb_path()
            task = partial(prepare_enriched, model=desk.settings.enrich_model, kb=kb)
        prepared = prepare_in_order(
            items, _raw_of, workers=workers, kind=kind, barrier=_ends_an_input, task=task
        )
    return _stored(desk, prepared, kind, fetched_at)


def _raw_of(item: Item) -> RawDocument | None:
    return item[1] if isinstance(item[1], RawDocument) else None


def _ends_an_input(item: Item) -> bool:
    return isinstance(item[1], _Finished)


def _stored(
    desk: Desk,
    prepared: Generator[tuple[Item, Prepared | Failed | None], None, None],
    kind: str,
    fetched_at: datetime | None,
) -> Iterator[IngestOutcome]:
    stored = 0
    try:
        for (text, doc, checkpoint), ready in prepared:
            if isinstance(doc, _Finished):
                desk.storage.clear_checkpoint(doc.name)
                continue
            if isinstance(ready, Failed):
                yield IngestOutcome(source=text, error=ready.error)
                continue
            try:
                if isinstance(doc, MarketdeskError):
                    raise doc
                outcome = store_document(
                    desk,
                    doc,
                    kind=kind,
                    fetched_at=fetched_at,
                    checkpoint=checkpoint,
                    page=ready.page if ready else None,
                    plan=ready.plan if ready else None,
                    annotations=ready.annotations if ready else None,
                )
                stored += outcome.result is not None and outcome.result.document_created
                yield outcome
            except MarketdeskError as exc:
                yield IngestOutcome(source=text, error=str(exc))
        if stored >= OPTIMIZE_AFTER:
            desk.storage.optimize()  # a bulk import: plan the next reads on its new size
    finally:
        prepared.close()  # the workers stop now, however the run ended (an error, a break)


@dataclass(frozen=True, slots=True)
class ExtractOutcome:
    source: str
    page: Page | None = None
    error: str | None = None


def extract_sources(
    desk: Desk,
    sources: Iterable[str],
    *,
    kind: str = "auto",
    url: str | None = None,
    allow_private: bool = False,
) -> Iterator[ExtractOutcome]:
    """Extract each source without storing it (``marketdesk extract``)."""
    for text, doc, _ in _documents(desk, sources, allow_private):
        if isinstance(doc, _Finished):  # only bulk inputs have an end to mark
            continue
        try:
            if isinstance(doc, MarketdeskError):
                raise doc
            yield ExtractOutcome(text, extract(replace(doc, url=url) if url else doc, kind))
        except MarketdeskError as exc:
            yield ExtractOutcome(text, error=str(exc))
