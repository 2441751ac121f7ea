"""Bulk ingest on several cores: extraction and ``plan_page`` (pure, and the costly part of a
page) run in worker processes; the store stays in the calling process, and results come back
in input order, so that the bulk checkpoint written with each page stays exact.

At most ``WINDOW`` inputs a worker are in flight: a folder of 100,000 files is read as the
pages are stored, never all at once. A worker that dies (killed, a crash in C code) breaks the
whole ``ProcessPoolExecutor``, and every input then in flight fails with it: each is run again
alone in a fresh pool, so the one that broke it is known and fails, and the others are kept.
Workers ignore Ctrl-C (the parent stops them) and exit once the process that started them is
gone, so a ``kill -9`` of the parent leaves none behind.

Workers come from a fork server where the platform has one (this module loaded in it once, so
a new or restarted pool starts in milliseconds), else are spawned.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import threading
from collections import deque
from collections.abc import Callable, Generator, Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.context import BaseContext
from typing import Generic, TypeVar

from marketdesk.errors import MarketdeskError
from marketdesk.extract import extract
from marketdesk.model import Annotations, Page, RawDocument
from marketdesk.store.dedup import Plan, plan_page

__all__ = [
    "DIED",
    "WINDOW",
    "Failed",
    "Prepared",
    "Task",
    "prepare",
    "prepare_enriched",
    "prepare_in_order",
]

WINDOW = 4  # inputs in flight a worker: enough to cover a slow transaction, and no more
DIED = "the worker process extracting it died (killed, or crashed)"


@dataclass(frozen=True, slots=True)
class Prepared:
    """What a worker hands back: the page and its plan, for ``Storage.add_page``."""

    page: Page
    plan: Plan
    annotations: Annotations | None = None


@dataclass(frozen=True, slots=True)
class Failed:
    """An input that could not be prepared, with the message its outcome shows."""

    error: str


Task = Callable[[RawDocument, str], Prepared | Failed]
T = TypeVar("T")


def prepare(raw: RawDocument, kind: str) -> Prepared | Failed:
    """Extract a page and plan it (in a worker). Errors come back as values: an exception of
    ours might not survive pickling, and a bug in extraction must fail this input only."""
    try:
        page = extract(raw, kind)
        return Prepared(page, plan_page(raw, page))
    except MarketdeskError as exc:
        return Failed(str(exc))
    except Exception as exc:
        return Failed(_unexpected(exc))


def prepare_enriched(
    raw: RawDocument, kind: str, model: str | None = None, kb: str | None = None
) -> Prepared | Failed:
    """``prepare``, and the page enriched with the pipeline ``model`` (None: the bundled one)
    and the knowledge base in the file ``kb`` (None: the bundled one), each loaded once in
    each worker. A model that cannot load fails the input with its message."""
    try:
        from marketdesk.enrich import enrich, load_kb, load_pipeline  # spaCy: where it runs

        page = extract(raw, kind)
        annotations = None
        if page.article.paragraphs:
            annotations = enrich(page, load_pipeline(model), kb=load_kb(kb))
        return Prepared(page, plan_page(raw, page), annotations)
    except MarketdeskError as exc:
        return Failed(str(exc))
    except Exception as exc:
        return Failed(_unexpected(exc))


def _unexpected(exc: BaseException) -> str:
    return f"extraction failed: {type(exc).__name__}: {exc}"


def _context() -> BaseContext:
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        # Loaded once in the server, not in each worker: the main module (every worker imports
        # it otherwise, as multiprocessing does), this one, and the HTML reader.
        ctx.set_forkserver_preload(["__main__", __name__, "marketdesk.extract.html"])
        return ctx
    return multiprocessing.get_context("spawn")


def _start_worker(alive: Connection) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    threading.Thread(target=_exit_with, args=(alive,), daemon=True).start()


def _exit_with(alive: Connection) -> None:
    # A worker waiting on its queue never hears that the parent was killed (every worker holds
    # a writer of that queue, and a fork server outlives the parent while its workers live), so
    # it waits on a pipe whose one writer is the parent: nothing is sent, EOF means it is gone.
    with contextlib.suppress(EOFError, OSError):
        alive.recv_bytes()
    os._exit(1)


class _Pool:
    """A ProcessPoolExecutor that can be started again after a worker died."""

    def __init__(self, workers: int, task: Task) -> None:
        self._workers = workers
        self._task = task
        self._executor = self._start()

    def _start(self) -> ProcessPoolExecutor:
        try:
            ctx = _context()
            alive, self._alive = ctx.Pipe(duplex=False)
            return ProcessPoolExecutor(
                self._workers, mp_context=ctx, initializer=_start_worker, initargs=(alive,)
            )
        except OSError as exc:
            raise self._cannot_start(exc) from exc

    def _cannot_start(self, exc: OSError) -> MarketdeskError:
        # No semaphores (/dev/shm), no processes left: the run cannot go on, and says why.
        return MarketdeskError(
            f"cannot start {self._workers} worker processes ({exc}); --workers 1 extracts in "
            "this process"
        )

    def submit(self, raw: RawDocument, kind: str) -> Future[Prepared | Failed]:
        try:
            return self._executor.submit(self._task, raw, kind)  # starts the workers at first
        except OSError as exc:
            raise self._cannot_start(exc) from exc
        except BrokenProcessPool as exc:
            # It broke while the parent was storing: settled with the others in flight.
            broken: Future[Prepared | Failed] = Future()
            broken.set_exception(exc)
            return broken

    def restart(self) -> None:
        self.close()
        self._executor = self._start()

    def alone(self, raw: RawDocument, kind: str) -> Prepared | Failed:
        """Prepare one input with nothing else in flight: if the pool breaks, this one broke it."""
        try:
            return self.submit(raw, kind).result()
        except BrokenProcessPool:
            self.restart()
            return Failed(DIED)
        except Exception as exc:
            return Failed(_unexpected(exc))

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)
        self._alive.close()  # after the shutdown: the workers have ended by then


@dataclass(slots=True)
class _Slot(Generic[T]):
    item: T
    raw: RawDocument | None
    future: Future[Prepared | Failed] | None = None
    ready: Prepared | Failed | None = None


def _never(item: object) -> bool:
    return False


def prepare_in_order(
    items: Iterable[T],
    raw_of: Callable[[T], RawDocument | None],
    *,
    workers: int,
    kind: str = "auto",
    barrier: Callable[[T], bool] = _never,
    task: Task = prepare,
) -> Generator[tuple[T, Prepared | Failed | None], None, None]:
    """Each item with its prepared page (None for an item without a document, ``raw_of``
    None), in input order, ``workers`` processes preparing the next ones meanwhile.

    Nothing is read past an item for which ``barrier`` is true until that item has been
    handed on (the end of a bulk input: its checkpoint is cleared before the next is read).
    ``task`` is ``prepare`` unless a test needs a worker that misbehaves; it must be a
    module-level function, for pickling. Closing the iterator stops the workers.
    """
    pool = _Pool(workers, task)
    window: deque[_Slot[T]] = deque()
    upstream = iter(items)
    limit = workers * WINDOW
    held = done = False  # held: a barrier is in the window
    try:
        while True:
            while not (held or done) and len(window) < limit:
                try:
                    item = next(upstream)
                except StopIteration:
                    done = True
                    break
                slot = _Slot(item, raw_of(item))
                if slot.raw is not None:
                    slot.future = pool.submit(slot.raw, kind)
                held = barrier(item)
                window.append(slot)
            if not window:
                return
            slot = window.popleft()
            if slot.future is not None and slot.ready is None:
                slot.ready = _wait(pool, slot, window, kind)
            if barrier(slot.item):
                held = False
            yield slot.item, slot.ready
    finally:
        pool.close()


def _wait(pool: _Pool, slot: _Slot[T], rest: Iterable[_Slot[T]], kind: str) -> Prepared | Failed:
    assert slot.future is not None and slot.raw is not None
    try:
        return slot.future.result()
    except BrokenProcessPool:
        pass
    except Exception as exc:  # a result that could not be pickled, say
        return Failed(_unexpected(exc))
    # A worker died and took every input in flight with it. Each runs again alone, so that the
    # one that broke the pool is known; those that had finished before keep their results.
    pool.restart()
    ready = pool.alone(slot.raw, kind)
    for other in rest:
        if other.raw is None or other.future is None or other.ready is not None:
            continue
        if isinstance(other.future.exception(), BrokenProcessPool):
            other.ready = pool.alone(other.raw, kind)
    return ready
