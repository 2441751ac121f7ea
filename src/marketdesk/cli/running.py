"""``marketdesk run``, ``status`` and ``stories``: the daemon and what it has gathered."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC
from typing import Any, TextIO

from marketdesk.app.desk import Desk, Services
from marketdesk.cli.output import Console, plural
from marketdesk.cli.sources import describe
from marketdesk.clock import Clock
from marketdesk.config import load_settings

__all__ = ["run", "status", "stories"]


class LogWriter:
    """One line an event on standard error: ``key=value`` text, or a JSON object."""

    def __init__(self, stream: TextIO, fmt: str, clock: Clock) -> None:
        self.stream = stream
        self.fmt = fmt
        self.clock = clock
        self._lock = threading.Lock()

    def __call__(self, event: dict[str, Any]) -> None:
        from marketdesk.app.shapes import dumps

        at = self.clock().astimezone(UTC).isoformat(timespec="milliseconds")
        at = at.replace("+00:00", "Z")
        if self.fmt == "json":
            line = dumps({"at": at, **event})
        else:
            fields = " ".join(
                f"{k}={_text(v)}" for k, v in event.items() if k != "event" and v is not None
            )
            line = f"{at} {event.get('event', 'log')} {fields}"
        with self._lock:
            print(line, file=self.stream, flush=True)


def _text(value: object) -> str:
    text = str(value)
    return f'"{text}"' if (" " in text or not text) else text


@contextmanager
def _stopping_on_signals(stop: threading.Event) -> Iterator[None]:
    """SIGTERM and Ctrl-C set ``stop``: the pages being stored finish, then the run ends."""

    def handler(signum: int, frame: object) -> None:
        stop.set()

    if threading.current_thread() is not threading.main_thread():
        yield  # tests call main() from a thread: no signals there
        return
    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def run(args: argparse.Namespace, con: Console, services: Services) -> int:
    from marketdesk.app.daemon import Daemon

    log = LogWriter(con.err if con.err is not None else sys.stderr, args.log_format, services.clock)
    stop = threading.Event()
    with Desk(load_settings(args.db), services=services, create=True) as desk:
        daemon = Daemon(desk, log=log, stop=stop, pages=args.workers)
        with _stopping_on_signals(stop):
            report = daemon.run_once() if args.once else daemon.run_forever()
    stored = sum(o.stored for o in report.outcomes)
    failed = [o for o in report.outcomes if not o.ok and not o.interrupted]
    if args.once:
        con.note(
            f"polled {plural(len(report.outcomes), 'source')}: {plural(stored, 'page')} stored,"
            f" {len(failed)} failed" + ("; stopped early" if report.interrupted else "")
        )
        return 0 if report.ok else 1
    con.note(f"stopped; {plural(stored, 'page')} stored in this run")
    return 0


def status(args: argparse.Namespace, con: Console, services: Services) -> int:
    from marketdesk.app.shapes import dumps, status_json

    with Desk(load_settings(args.db), services=services, create=False) as desk:
        counts = desk.storage.counts()
        sources = desk.storage.sources()
    if args.json:
        con.print(dumps(status_json(counts, sources)))
        return 0
    con.print(
        f"{plural(counts.documents, 'document')}, {plural(counts.articles, 'article')}, "
        f"{plural(counts.stories, 'story').replace('storys', 'stories')}, "
        f"{plural(counts.quotes, 'quote')}, {plural(counts.sources, 'source')}"
    )
    for s in sources:
        con.print(describe(s))
    return 0


def stories(args: argparse.Namespace, con: Console, services: Services) -> int:
    from marketdesk.app.market_clock import parse_at
    from marketdesk.app.shapes import dumps, story_group_json
    from marketdesk.app.stories import list_stories

    since = parse_at(args.since)
    with Desk(load_settings(args.db), services=services, create=False) as desk:
        found = list_stories(
            desk,
            limit=args.limit,
            since=since,
            entity=args.entity,
            topic=args.topic,
            country=args.country,
            instrument=args.instrument,
        )
    for story in found:
        if args.json:
            con.print(dumps(story_group_json(story)))
            continue
        when = f"{story.published:%Y-%m-%d}" if story.published else "undated"
        origin = f" · {story.origin}" if story.origin else ""
        con.print(f"{story.id:>5}  {when}  {story.title or '(untitled)'}{origin}")
        for c in story.copies:
            con.print(f"       {c.publisher or '-'}: {c.url or c.source}")
    return 0
