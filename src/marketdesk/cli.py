"""The command line: `marketdesk COMMAND --help` documents each command."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, TextIO

from marketdesk import __version__
from marketdesk.config import Settings, load_settings
from marketdesk.errors import MarketdeskError, TimestampError
from marketdesk.model import RawDocument

if TYPE_CHECKING:
    from marketdesk.ingest.fetcher import Fetcher
    from marketdesk.store.base import Storage

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="marketdesk",
        description="A self-hosted financial news desk: extract, ingest and serve market news.",
        epilog="The database is --db PATH, else $MARKETDESK_DB, else a file in your data folder.",
    )
    parser.add_argument("--version", action="version", version=f"marketdesk {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser(
        "extract",
        help="print the article, quotes and removed blocks of pages as JSON Lines",
        description="Extract each page (file or URL) and print one JSON object a line, in input "
        "order. An input that cannot be read prints an object with 'error'; the exit code is 1 if "
        "any input failed or held no article and no quotes.",
    )
    p.add_argument("inputs", nargs="+", metavar="FILE_OR_URL")
    p.add_argument(
        "--kind",
        choices=("auto", "text", "html"),
        default="auto",
        help="what the inputs are: plain-text page dumps, HTML, or auto-detect (default)",
    )
    p.add_argument("--url", help="the page's URL, for relative links and the publisher (one input)")
    p.add_argument(
        "--allow-private",
        action="store_true",
        help="allow fetching from private and loopback addresses",
    )

    p = sub.add_parser(
        "ingest",
        help="extract pages and store their articles and quotes",
        description="Store each page's article (once, however often it is ingested) and the "
        "quotes of its ticker strip, stamped with the fetch time.",
    )
    p.add_argument("inputs", nargs="+", metavar="FILE_OR_URL")
    p.add_argument("--db", help="database file")
    p.add_argument(
        "--fetched-at",
        metavar="ISO8601",
        help="when the pages were fetched, with its UTC offset (default: now)",
    )
    p.add_argument("--kind", choices=("auto", "text", "html"), default="auto")
    p.add_argument(
        "--allow-private",
        action="store_true",
        help="allow fetching from private and loopback addresses",
    )

    p = sub.add_parser(
        "serve",
        help="serve the web desk and JSON API",
        description="Serve the desk: HTML pages, each with a JSON twin.",
    )
    p.add_argument("--db", help="database file")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    p.add_argument("--edition", help="edition shown on the front page (default from config: ca)")

    p = sub.add_parser(
        "demo",
        help="load the bundled sample pages and market history, then serve the desk",
        description="Build a demo database from bundled sample pages (written for marketdesk) "
        "and public-domain market history, then serve it.",
    )
    p.add_argument("--db", help="demo database file (default: a file in your cache folder)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--no-serve", action="store_true", help="build the demo database and stop")

    p = sub.add_parser(
        "clock",
        help="print an edition's market-status banner",
        description="Print the market-status banner of an edition's home exchange, "
        "computed from its exchange calendar (holidays and early closes included).",
    )
    p.add_argument("edition", metavar="EDITION")
    p.add_argument(
        "--at",
        metavar="ISO8601",
        help="the instant (default now); without an offset, the exchange's local time is assumed",
    )
    p.add_argument("--json", action="store_true", help="print JSON instead of the banner text")

    p = sub.add_parser(
        "strip",
        help="print an edition's ticker strip from stored quotes",
        description="One instrument a line: NAME LAST CHANGE (PCT%%), formatted as "
        "the portal does, from the latest stored quote at or before --at.",
    )
    p.add_argument("edition", metavar="EDITION")
    p.add_argument("--at", metavar="ISO8601", help="the instant (default now)")
    p.add_argument("--db", help="database file")
    p.add_argument("--json", action="store_true", help="print JSON instead of lines")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(_COMMANDS[args.command](args))
    except MarketdeskError as exc:
        print(f"marketdesk: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("marketdesk: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:
        if os.environ.get("MARKETDESK_DEBUG"):
            raise
        print(
            f"marketdesk: internal error: {type(exc).__name__}: {exc} "
            "(set MARKETDESK_DEBUG=1 for details)",
            file=sys.stderr,
        )
        return 70


def _fetcher(allow_private: bool, settings: Settings | None = None) -> Fetcher:
    from marketdesk.ingest.fetcher import Fetcher, FetchPolicy

    allow = allow_private or bool(settings and settings.allow_private_urls)
    return Fetcher(FetchPolicy(allow_private=allow))


def cmd_extract(args: argparse.Namespace) -> int:
    from marketdesk.extract import extract
    from marketdesk.ingest.pipeline import is_url, read_source

    fetcher = (
        _fetcher(args.allow_private, load_settings()) if any(map(is_url, args.inputs)) else None
    )
    failed = False
    out: TextIO = sys.stdout
    try:
        for source in args.inputs:
            try:
                raw = read_source(source, fetcher.fetch if fetcher else None)
                if args.url:
                    raw = RawDocument(
                        raw.source, raw.content, raw.fetched_at, raw.media_type, args.url
                    )
                page = extract(raw, args.kind)
                record = page.to_json()
                if not page.article.paragraphs and not page.quotes:
                    failed = True
                    print(f"marketdesk: {source}: {page.reason}", file=sys.stderr)
            except MarketdeskError as exc:
                failed = True
                record = {"source": source, "error": str(exc)}
                print(f"marketdesk: {source}: {exc}", file=sys.stderr)
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            out.flush()
    finally:
        if fetcher is not None:
            fetcher.close()
    return EXIT_FAILED if failed else EXIT_OK


def _open_store(db: str | None) -> Storage:
    from marketdesk.store import open_storage

    return open_storage(load_settings(db).db)


def _parse_at(text: str | None, assume_tz: str | None) -> datetime | None:
    from marketdesk.markets.clock import parse_instant

    if text is None:
        return None
    return parse_instant(text, assume_tz)


def cmd_ingest(args: argparse.Namespace) -> int:
    from marketdesk.ingest.pipeline import ingest, is_url
    from marketdesk.markets.registry import Registry

    fetched_at = _parse_at(args.fetched_at, None)
    settings = load_settings(args.db)
    store = _open_store(args.db)
    fetcher = _fetcher(args.allow_private, settings) if any(map(is_url, args.inputs)) else None
    failed = 0
    total = len(args.inputs)
    progress = sys.stderr.isatty() and total > 1
    try:
        outcomes = ingest(
            args.inputs,
            store,
            Registry.bundled(),
            fetched_at=fetched_at,
            fetch=fetcher.fetch if fetcher else None,
            kind=args.kind,
        )
        for n, o in enumerate(outcomes, 1):
            if progress:
                print(f"\r[{n}/{total}] ", end="", file=sys.stderr)
            if o.error is not None or o.result is None or o.page is None:
                failed += 1
                print(f"{o.source}: error: {o.error}", file=sys.stderr)
                continue
            r = o.result
            if not r.document_created:
                state = "already stored"
            elif r.article_id is None:
                state = f"no article ({o.page.reason})"
                if not r.quotes_added:
                    failed += 1
            elif r.article_created:
                state = f"stored article {r.article_id}"
            else:
                state = f"same article as {r.article_id}"
            print(f"{o.source}: {state}, {r.quotes_added} quotes", file=sys.stdout)
    finally:
        store.close()
        if fetcher is not None:
            fetcher.close()
    return EXIT_FAILED if failed else EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from marketdesk.web.app import create_app

    settings = load_settings(args.db)
    app = create_app(settings.db, edition=args.edition or settings.edition)
    print(f"marketdesk: serving {settings.db} on http://{args.host}:{args.port}", file=sys.stderr)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    from marketdesk.demo import build_demo, default_demo_db

    db = args.db or default_demo_db()
    summary = build_demo(db, progress=sys.stderr)
    print(f"marketdesk: demo database {db}: {summary}", file=sys.stderr)
    if args.no_serve:
        return EXIT_OK
    args.db, args.edition = db, "us"
    return cmd_serve(args)


def cmd_clock(args: argparse.Namespace) -> int:
    from marketdesk.markets.clock import MarketClock, parse_instant
    from marketdesk.markets.registry import Registry

    registry = Registry.bundled().with_user_editions(load_settings().user_editions)
    edition = registry.edition(args.edition)
    clock = MarketClock.for_calendar(edition.calendar)
    zone = clock.tz.key if clock.tz is not None else "UTC"
    if args.at is None:
        at = datetime.now(UTC)
    else:
        try:
            at = parse_instant(args.at, None)
        except TimestampError:
            at = parse_instant(args.at, zone)  # malformed input raises again, with its message
            print(
                f"marketdesk: no UTC offset given; reading {args.at} as {zone} time",
                file=sys.stderr,
            )
    banner = clock.banner(edition.label, at)
    if args.json:
        status = clock.status(at)
        nxt = status.next_change
        print(
            json.dumps(
                {
                    "edition": edition.code,
                    "at": at.isoformat(),
                    "banner": banner,
                    "is_open": status.is_open,
                    "next_change": nxt.isoformat() if nxt else None,
                }
            )
        )
    else:
        print(banner)
    return EXIT_OK


def cmd_strip(args: argparse.Namespace) -> int:
    from marketdesk.markets.registry import Registry
    from marketdesk.markets.strip import strip_items, strip_lines

    registry = Registry.bundled().with_user_editions(load_settings(args.db).user_editions)
    edition = registry.edition(args.edition)
    at = _parse_at(args.at, None) if args.at else None
    store = _open_store(args.db)
    try:
        items = strip_items(edition, registry, store, at)
    finally:
        store.close()
    if not items:
        print(
            f"marketdesk: no quotes stored for the {edition.code} edition"
            + (f" at or before {args.at}" if args.at else "")
            + "; ingest pages with a ticker strip or run `marketdesk demo --no-serve`",
            file=sys.stderr,
        )
        return EXIT_FAILED
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "name": i.name,
                        "last": i.last,
                        "change": i.change,
                        "change_pct": i.change_pct,
                        "at": i.at.isoformat(),
                        "source": i.source,
                    }
                    for i in items
                ]
            )
        )
    else:
        for line in strip_lines(items):
            print(line)
    return EXIT_OK


_COMMANDS = {
    "extract": cmd_extract,
    "ingest": cmd_ingest,
    "serve": cmd_serve,
    "demo": cmd_demo,
    "clock": cmd_clock,
    "strip": cmd_strip,
}

if __name__ == "__main__":
    sys.exit(main())
