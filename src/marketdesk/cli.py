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
from marketdesk.errors import InputError, MarketdeskError, TimestampError
from marketdesk.model import RawDocument

if TYPE_CHECKING:
    from marketdesk.markets.providers import QuoteProvider
    from marketdesk.model import Instrument
    from marketdesk.net import Fetcher
    from marketdesk.store.base import Storage

EXIT_OK, EXIT_FAILED = 0, 1  # argparse exits 2 on usage errors itself


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
    _add_quotes_commands(sub)
    return parser


def _add_quotes_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from marketdesk.markets.charts import RESOLUTIONS

    providers = ("yahoo", "stooq", "fred", "bundled")  # markets.providers.PROVIDER_NAMES
    q = sub.add_parser(
        "quotes",
        help="refresh, import, load and show stored quotes and history",
        description="Quotes and history: refresh them from live providers (Yahoo Finance, "
        "Stooq, FRED; no API keys), import a CSV, load the bundled history, show a history.",
    )
    qsub = q.add_subparsers(dest="quotes_command", metavar="SUBCOMMAND", required=True)

    p = qsub.add_parser(
        "refresh",
        help="fetch the latest quotes and recent history of an edition or instruments",
        description="Fetch each instrument's recent daily history (and latest quote) from the "
        "live providers, trying yahoo, stooq, then fred unless --provider names one. One line "
        "per instrument, then a summary; the exit code is 1 if any instrument failed (the "
        "others are still stored). A provider's bad, stale or reshaped data is refused and the "
        "last good quote stays.",
    )
    p.add_argument(
        "edition",
        metavar="EDITION",
        nargs="?",
        help="refresh this edition's strip (default: the configured edition)",
    )
    p.add_argument(
        "--instrument",
        metavar="KEY",
        action="append",
        help="refresh this instrument (repeatable) instead of an edition",
    )
    p.add_argument("--provider", choices=providers, help="use only this provider")
    p.add_argument("--days", type=int, default=31, help="days of history to fetch (default 31)")
    p.add_argument(
        "--interval",
        default="1d",
        help="bar interval: 1d (default), or 1m, 5m, 15m, 30m, 60m, 1h (intraday: yahoo only)",
    )
    p.add_argument(
        "--every",
        metavar="DURATION",
        help="repeat every DURATION (15m, 1h; at least 1m) until Ctrl-C",
    )
    p.add_argument("--db", help="database file")
    p.add_argument(
        "--allow-private",
        action="store_true",
        help="allow provider URLs on private and loopback addresses",
    )

    p = qsub.add_parser(
        "import",
        help="import a Date,Close CSV file for one instrument",
        description="Import a CSV (Date plus Close/Price/Value, optional Open, High, Low). Bad "
        "rows are reported by line number and the rest imported in one transaction; the exit "
        "code is 1 if any row was refused.",
    )
    p.add_argument("csv", metavar="CSV")
    p.add_argument("--instrument", metavar="KEY", required=True, help="instrument key (sp500)")
    p.add_argument("--db", help="database file")

    p = qsub.add_parser(
        "history",
        help="print an instrument's stored history",
        description="Print stored quotes of one instrument, oldest first, one day a line. "
        "Dates are UTC days (YYYY-MM-DD) or ISO 8601 instants with an offset; a time without an "
        "offset is refused.",
    )
    p.add_argument("key", metavar="KEY")
    p.add_argument("--from", dest="start", metavar="DATE", help="first day (default a year ago)")
    p.add_argument("--to", dest="end", metavar="DATE", help="last day (default today)")
    p.add_argument(
        "--resolution",
        choices=RESOLUTIONS,
        default="daily",
        help="daily: the last quote of each day (default); intraday: every stored quote",
    )
    p.add_argument("--db", help="database file")
    p.add_argument("--json", action="store_true", help="print JSON instead of lines")

    p = qsub.add_parser(
        "load-bundled",
        help="store the bundled public-domain market history",
        description="Store the bundled history (S&P 500, VIX, WTI, Brent, gold, US 10-year, FX; "
        "see data/markets/ATTRIBUTION.md). Running it again adds nothing twice.",
    )
    p.add_argument("--db", help="database file")


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
    from marketdesk.net import Fetcher, FetchPolicy

    allow = allow_private or bool(settings and settings.allow_private_urls)
    return Fetcher(FetchPolicy(allow_private=allow))


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


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


# -- quotes -----------------------------------------------------------------------------------


def cmd_quotes(args: argparse.Namespace) -> int:
    handlers = {
        "refresh": _quotes_refresh,
        "import": _quotes_import,
        "history": _quotes_history,
        "load-bundled": _quotes_load_bundled,
    }
    return handlers[args.quotes_command](args)


def _quotes_fetcher(allow_private: bool, settings: Settings) -> Fetcher:
    """The fetcher providers use (tests replace this to reach their 127.0.0.1 server)."""
    return _fetcher(allow_private, settings)


def _quotes_refresh(args: argparse.Namespace) -> int:
    import time as _time

    from marketdesk.markets.providers import SeriesRequest, live_providers, make_provider
    from marketdesk.markets.refresh import parse_every
    from marketdesk.markets.registry import Registry

    settings = load_settings(args.db)
    registry = Registry.bundled().with_user_editions(settings.user_editions)
    if args.instrument and args.edition:
        raise InputError("give an EDITION or --instrument keys, not both")
    if args.instrument:
        instruments = [registry.instrument(key) for key in args.instrument]
    else:
        edition = registry.edition(args.edition or settings.edition)
        instruments = [inst for inst, _ in registry.strip(edition.code)]
    if not 1 <= args.days <= 36_600:
        raise InputError(f"--days {args.days} is out of range (1 to 36600)")
    every = parse_every(args.every) if args.every else None
    try:
        request_interval = SeriesRequest(interval=args.interval).interval
    except ValueError as exc:
        raise InputError(f"--interval: {exc}") from None
    fetcher = _quotes_fetcher(args.allow_private, settings)
    store = _open_store(args.db)
    try:
        providers = (
            [make_provider(args.provider, fetcher)] if args.provider else live_providers(fetcher)
        )
        if every is None:
            return _refresh_once(instruments, providers, store, args.days, request_interval)
        runs = 0
        try:
            while True:
                started = _time.monotonic()
                _refresh_once(instruments, providers, store, args.days, request_interval)
                runs += 1
                wait = max(0.0, every - (_time.monotonic() - started))
                nxt = datetime.now(UTC).timestamp() + wait
                print(
                    f"marketdesk: next refresh at "
                    f"{datetime.fromtimestamp(nxt, UTC):%Y-%m-%d %H:%M:%S} UTC; Ctrl-C stops",
                    file=sys.stderr,
                    flush=True,
                )
                _sleep(wait)
        except KeyboardInterrupt:
            print(
                f"marketdesk: refresh schedule stopped after {runs} complete "
                f"run{'s' if runs != 1 else ''}; stored quotes are kept",
                file=sys.stderr,
            )
            return EXIT_OK
    finally:
        store.close()
        fetcher.close()


def _sleep(seconds: float) -> None:
    import time as _time

    _time.sleep(seconds)


def _refresh_once(
    instruments: Sequence[Instrument],
    providers: Sequence[QuoteProvider],
    store: Storage,
    days: int,
    interval: str,
) -> int:
    from datetime import timedelta

    from marketdesk.markets.formatting import format_price
    from marketdesk.markets.providers import SeriesRequest
    from marketdesk.markets.refresh import refresh_instruments

    end = datetime.now(UTC).date()
    request = SeriesRequest(end - timedelta(days=days), None, interval)
    total = len(instruments)
    failed: list[str] = []
    new = 0
    by_key = {inst.key: inst for inst in instruments}
    outcomes = refresh_instruments(instruments, providers, store, request)
    for n, o in enumerate(outcomes, 1):
        head = f"[{n}/{total}] {o.instrument}"
        if o.error is not None:
            failed.append(o.instrument)
            print(f"{head}: failed: {o.error}", file=sys.stderr, flush=True)
            continue
        new += o.stored
        last = ""
        if o.latest is not None:
            price = format_price(o.latest.last, by_key[o.instrument].decimals)
            last = f", last {price} at {o.latest.at:%Y-%m-%d %H:%M} UTC"
        note = f" (after {'; '.join(o.skipped)})" if o.skipped else ""
        print(f"{head}: {o.provider}, {o.received} quotes, {o.stored} new{last}{note}", flush=True)
    done = total - len(failed)
    summary = f"refreshed {done} of {total} instruments, {new} new quotes"
    if failed:
        summary += f"; failed: {', '.join(failed)}"
    print(summary, flush=True)
    return EXIT_FAILED if failed else EXIT_OK


def _quotes_import(args: argparse.Namespace) -> int:
    from marketdesk.markets.refresh import import_csv
    from marketdesk.markets.registry import Registry

    instrument = Registry.bundled().instrument(args.instrument)
    store = _open_store(args.db)
    try:
        report = import_csv(args.csv, instrument, store)
    finally:
        store.close()
    for line, reason in report.rejected:
        print(f"{args.csv}:{line}: refused: {reason}", file=sys.stderr)
    print(
        f"{args.csv}: {_n(report.read, 'row')} read for {instrument.key}, "
        f"{_n(report.stored, 'new quote')} stored, {_n(len(report.rejected), 'row')} refused"
    )
    return EXIT_FAILED if report.rejected else EXIT_OK


def _quotes_history(args: argparse.Namespace) -> int:
    from datetime import timedelta

    from marketdesk.markets.charts import daily, parse_bound
    from marketdesk.markets.formatting import format_change, format_pct, format_price
    from marketdesk.markets.registry import Registry

    instrument = Registry.bundled().instrument(args.key)
    end = parse_bound(args.end, end=True) if args.end else datetime.now(UTC)
    start = parse_bound(args.start, end=False) if args.start else end - timedelta(days=365)
    if start > end:
        raise InputError(f"--from {start:%Y-%m-%d} is after --to {end:%Y-%m-%d}")
    store = _open_store(args.db)
    try:
        quotes = store.history(instrument.key, start, end)
    finally:
        store.close()
    if args.resolution == "daily":
        quotes = daily(quotes)
    if args.json:
        print(json.dumps([q.to_json() for q in quotes]))
        return EXIT_OK
    if not quotes:
        print(
            f"marketdesk: no stored quotes for {instrument.key} from {start:%Y-%m-%d} to "
            f"{end:%Y-%m-%d}; run `marketdesk quotes refresh --instrument {instrument.key}` or "
            "`marketdesk quotes load-bundled`",
            file=sys.stderr,
        )
        return EXIT_FAILED
    d = instrument.decimals
    stamp = "%Y-%m-%d" if args.resolution == "daily" else "%Y-%m-%d %H:%M"
    for q in quotes:
        change = ""
        if q.change is not None:
            change = f" {format_change(q.change, d)}"
            if q.change_pct is not None:
                change += f" {format_pct(q.change_pct)}"
        print(f"{q.at:{stamp}} {format_price(q.last, d)}{change} {q.source}")
    return EXIT_OK


def _quotes_load_bundled(args: argparse.Namespace) -> int:
    from marketdesk.markets.history import load_bundled_history
    from marketdesk.markets.registry import Registry

    store = _open_store(args.db)
    try:
        print("marketdesk: loading the bundled market history…", file=sys.stderr)
        added = store.add_quotes(load_bundled_history(Registry.bundled()))
        total = store.counts().quotes
    finally:
        store.close()
    print(f"{added} new quotes stored ({total} quotes in all)")
    return EXIT_OK


_COMMANDS = {
    "extract": cmd_extract,
    "ingest": cmd_ingest,
    "serve": cmd_serve,
    "demo": cmd_demo,
    "clock": cmd_clock,
    "strip": cmd_strip,
    "quotes": cmd_quotes,
}

if __name__ == "__main__":
    sys.exit(main())
