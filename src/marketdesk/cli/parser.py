"""The command line's grammar: every command, option and help text (``--help`` prints these)."""

from __future__ import annotations

import argparse
import re
from datetime import date

from marketdesk import __version__

__all__ = ["KINDS", "PROVIDER_NAMES", "RESOLUTIONS", "build_parser", "port"]

# Spelled out so that --help imports no extraction or provider code (tests check they match).
KINDS = ("auto", "text", "html")
PROVIDER_NAMES = ("yahoo", "stooq", "fred", "bundled")
RESOLUTIONS = ("daily", "intraday")

EPILOG = (
    "The database is --db (a file path, sqlite:///PATH or postgresql://USER@HOST:PORT/DBNAME), "
    "else $MARKETDESK_DB, else a file in your data folder."
)
DB_HELP = "database: a file path, sqlite:///PATH or postgresql://USER@HOST:PORT/DBNAME"


def port(text: str) -> int:
    """An argparse type: a TCP port, 1 to 65535."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"port {value} is out of range (1 to 65535)")
    return value


class Parser(argparse.ArgumentParser):
    """An unknown option is named as such, even before a command is chosen."""

    def parse_args(  # type: ignore[override]
        self, args: list[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> argparse.Namespace:
        parsed, extras = self.parse_known_args(args, namespace)
        if extras:
            self.error(f"unrecognized arguments: {' '.join(extras)}")
        if getattr(parsed, "command", None) is None:
            self.error("choose a COMMAND (marketdesk --help lists them)")
        return parsed


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="marketdesk",
        description="A self-hosted financial news desk: extract, ingest and serve market news.",
        epilog=EPILOG,
    )
    parser.add_argument("--version", action="version", version=f"marketdesk {__version__}")
    sub = parser.add_subparsers(
        dest="command", metavar="COMMAND", parser_class=argparse.ArgumentParser
    )

    p = sub.add_parser(
        "extract",
        help="print the article, quotes and removed blocks of pages as JSON Lines",
        description="Extract each page (file, URL, or - for standard input) and print one JSON "
        "object a line, in input order. An input that cannot be read prints an object with "
        "'error'; the exit code is 1 if any input failed or held no article and no quotes.",
    )
    _page_inputs(p)
    p.add_argument("--url", help="the page's URL, for relative links and the publisher (one input)")
    _allow_private(p, "allow fetching from private and loopback addresses")

    p = sub.add_parser(
        "analyze",
        help="print the extraction of pages with their entities, countries, topics, tone, "
        "events and instruments as JSON Lines",
        description="Extract each page (file, URL, or - for standard input) as extract does and "
        "add its entities (people, organisations, places, each with every mention), the "
        "countries it is about (ISO 3166-1 alpha-3, most salient first), its topics, its tone, "
        "its events (who did what to whom, where and when, as PLOVER records: docs/events.md) "
        "and the instruments it touches; one JSON object a line, in input order. An input "
        "that cannot be read prints an object with 'error'; the exit code is 1 if any input "
        "failed or held no article and no quotes.",
    )
    _page_inputs(p)
    _allow_private(p, "allow fetching from private and loopback addresses")
    p.add_argument(
        "--date",
        type=_iso_date,
        metavar="YYYY-MM-DD",
        help="the story's date, for pages that carry none: event dates such as 'on Wednesday' "
        "are resolved against it",
    )

    sub.add_parser(
        "entities",
        help="print the entity spans of texts: JSON Lines in, JSON Lines out",
        description='Read JSON Lines {"id", "text"} on standard input and print one line per '
        'input line, in order: {"id", "entities": [{"start", "end", "text", "type"}, ...]}, '
        "every mention of a person (PERSON), organisation (ORG) or place (PLACE), by start, "
        "as character offsets into the text. A line that is not such an object prints "
        '{"id", "error"}, is named on stderr, and the run goes on; the exit code is 1 if any '
        "line failed.",
    )

    p = sub.add_parser(
        "ingest",
        help="extract pages and store their articles and quotes",
        description="Store each page's article (once, however often it is ingested) and the "
        "quotes of its ticker strip, stamped with the fetch time. Folders are read "
        "recursively; WARC/WET files (.warc, .warc.gz, .wet, .wet.gz) record by record. A run "
        "that was stopped resumes after the last page it stored. Prints one line a page, a "
        "progress bar on a terminal, and a summary line; exit 1 if any input failed.",
    )
    p.add_argument("inputs", nargs="+", metavar="PATH_OR_URL")
    _db(p)
    p.add_argument(
        "--fetched-at",
        metavar="ISO8601",
        help="when the pages were fetched, with its UTC offset (default: now)",
    )
    p.add_argument("--kind", choices=KINDS, default="auto")
    _allow_private(p, "allow fetching from private and loopback addresses")
    p.add_argument(
        "--workers",
        type=_workers,
        default=1,
        metavar="N",
        help="processes extracting pages at once, 1 to 64; the pages are still stored one by "
        "one, in input order (default 1: all in this process)",
    )

    p = sub.add_parser(
        "serve",
        help="serve the web desk and JSON API",
        description="Serve the desk: HTML pages, each with a JSON twin. The database must "
        "exist (ingest pages or load quotes first).",
    )
    _db(p)
    _listen(p)
    p.add_argument("--edition", help="edition shown on the front page (default from config: ca)")
    p.add_argument(
        "--workers",
        type=_count,
        default=1,
        metavar="N",
        help="serve from N processes (default 1; one a CPU core for a busy desk)",
    )

    p = sub.add_parser(
        "demo",
        help="load the bundled sample pages and market history, then serve the desk",
        description="Build a demo database from bundled sample pages (written for marketdesk) "
        "and public-domain market history, then serve it.",
    )
    p.add_argument("--db", help="demo database (default: a file in your cache folder)")
    _listen(p)
    p.add_argument("--no-serve", action="store_true", help="build the demo database and stop")
    p.add_argument(
        "--stories",
        type=_count,
        default=0,
        metavar="N",
        help="also write N generated sample stories (marked as such: made-up people, companies "
        "and events), with copies, entities and topics, spread over eight years",
    )

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
        description="One instrument a line: NAME LAST CHANGE (PCT%), formatted as "
        "the portal does, from the latest stored quote at or before --at.",
    )
    p.add_argument("edition", metavar="EDITION")
    p.add_argument("--at", metavar="ISO8601", help="the instant (default now)")
    _db(p)
    p.add_argument("--json", action="store_true", help="print JSON instead of lines")
    _add_quotes_commands(sub)
    _add_kb_commands(sub)
    _add_sources_commands(sub)
    _add_admin_commands(sub)

    p = sub.add_parser(
        "run",
        help="poll the sources when due and store what is new (the daemon)",
        description="Poll every active source when it is due, process its pages concurrently "
        "and store them, until SIGTERM or Ctrl-C (which let the pages being stored finish). "
        "One log line per fetch, per error and per poll, on standard error.",
    )
    _db(p)
    p.add_argument(
        "--once",
        action="store_true",
        help="poll every active source once, due or not, then exit: 0 when every source "
        "succeeded, 1 otherwise",
    )
    p.add_argument(
        "--log-format",
        choices=("text", "json"),
        default="text",
        help="log lines as text (default) or as JSON objects",
    )
    p.add_argument(
        "--workers", type=_workers, default=4, help="pages processed at once (default 4)"
    )

    p = sub.add_parser(
        "status",
        help="what is stored, and each source's health",
        description="Counts of documents, articles, stories, quotes and sources, then one line "
        "a source: its state, last fetch, failures and last error.",
    )
    _db(p)
    p.add_argument("--json", action="store_true", help="print one JSON object")

    p = sub.add_parser(
        "stories",
        help="list stories (copies of one article grouped), newest first",
        description="One line a story, newest first: its title, origin and copies; with "
        "--json one object a line with id, title, origin, published and copies.",
    )
    _db(p)
    p.add_argument("--json", action="store_true", help="print JSON Lines")
    p.add_argument("--limit", type=_count, default=50, help="how many (default 50; 0 for all)")
    p.add_argument("--since", metavar="ISO8601", help="only stories at or after this instant")
    p.add_argument(
        "--entity",
        metavar="NAME",
        help="only stories that name this person, organisation or place (any case)",
    )
    p.add_argument(
        "--country",
        metavar="ISO3",
        help="only stories whose enrichment stored this country (ISO 3166-1 alpha-3: JPN, CHN,"
        " USA, ...): named, or a place in it named (Tokyo for JPN)",
    )
    p.add_argument(
        "--topic",
        metavar="CODE",
        help="only stories about this topic (trade, sanctions, monetary, ...: docs/topics.md)",
    )
    p.add_argument(
        "--instrument",
        metavar="KEY",
        help="only stories that touch this instrument (a key, name or symbol: nikkei225, ^N225)",
    )

    p = sub.add_parser(
        "enrich",
        help="annotate stored articles: people, organisations and places",
        description="Enrich the stored articles that have no annotations yet (enrichment was "
        "off, or a run was cut off); with --all every current article again, after a change "
        "of model. A progress bar shows on a terminal.",
    )
    _db(p)
    p.add_argument("--all", action="store_true", help="re-enrich every current article")
    return parser


def _page_inputs(p: argparse.ArgumentParser) -> None:
    """The inputs of a command that reads pages (``extract``, ``analyze``), and their kind."""
    p.add_argument("inputs", nargs="+", metavar="FILE_OR_URL")
    p.add_argument(
        "--kind",
        choices=KINDS,
        default="auto",
        help="what the inputs are: plain-text page dumps, HTML, or auto-detect (default)",
    )


def _iso_date(text: str) -> date:
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise ValueError
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} is below 0")
    return value


def _workers(text: str) -> int:
    value = _count(text)
    if not 1 <= value <= 64:
        raise argparse.ArgumentTypeError(f"{text!r} is not between 1 and 64")
    return value


def _source_id(text: str) -> int:
    value = _count(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a source id")
    return value


SOURCE_KINDS = ("auto", "feed", "page", "sitemap", "folder", "warc")


def _add_sources_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    s = sub.add_parser(
        "sources",
        help="add, list, pause, resume and remove the sources `run` polls",
        description="Sources the daemon polls: feeds (RSS, Atom, JSON Feed), pages, sitemaps, "
        "local folders and WARC/WET files, each with its interval, edition, tags and state. "
        "[[sources]] tables in the config file are added too.",
    )
    ssub = s.add_subparsers(dest="sources_command", metavar="SUBCOMMAND", required=True)
    p = ssub.add_parser(
        "add",
        help="add a source",
        description="Add a source, due at once. With --kind auto a URL is fetched once to tell "
        "a feed, a sitemap or a page apart; a path is a folder or a WARC/WET file.",
    )
    p.add_argument("location", metavar="URL_OR_PATH")
    p.add_argument("--kind", choices=SOURCE_KINDS, default="auto")
    p.add_argument(
        "--every",
        metavar="DURATION",
        help="poll interval, e.g. 15m, 1h, 1d (default: 15m feeds, 1h pages and sitemaps, "
        "5m folders, 1d WARC files; at least 1m)",
    )
    p.add_argument("--edition", help="the edition its stories belong to")
    p.add_argument(
        "--tag", action="append", default=[], dest="tags", help="a tag (repeat for more)"
    )
    _allow_private(
        p,
        "allow this source's own host and port to be a private or loopback address (its "
        "redirects and links to other private addresses are still refused)",
    )
    _db(p)
    p = ssub.add_parser(
        "list",
        help="list the sources and their state",
        description="One line a source; with --json one JSON object a line (id, url, kind, "
        "state, last_fetch, last_error, failures, next_poll).",
    )
    p.add_argument("--json", action="store_true", help="print JSON Lines")
    _db(p)
    for name, text in (
        ("remove", "forget a source (what it stored stays)"),
        ("pause", "stop polling a source until it is resumed"),
        ("resume", "poll a paused source again, at once"),
    ):
        p = ssub.add_parser(name, help=text, description=text[0].upper() + text[1:] + ".")
        p.add_argument("source_id", type=_source_id, metavar="ID")
        _db(p)


def _add_admin_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    a = sub.add_parser(
        "admin",
        help="make, change and remove the accounts that sign in to the web desk",
        description="Local accounts of the web desk: signed in, an account adds, pauses, "
        "resumes and removes sources on /sources. Passwords (8 to 1024 characters) are "
        "asked twice on the terminal, or read as one line from standard input with "
        "--password-stdin, and stored as argon2id hashes.",
    )
    asub = a.add_subparsers(dest="admin_command", metavar="SUBCOMMAND", required=True)
    for name, text in (
        ("create", "make an account"),
        ("passwd", "change an account's password (its browsers are signed out)"),
        ("remove", "remove an account (its browsers are signed out)"),
    ):
        p = asub.add_parser(name, help=text, description=text[0].upper() + text[1:] + ".")
        p.add_argument("username", metavar="USERNAME", help="1 to 64 letters, digits, . _ - @")
        if name != "remove":
            p.add_argument(
                "--password-stdin",
                action="store_true",
                help="read the password as one line from standard input (for scripts)",
            )
        _db(p)


def _db(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", help=DB_HELP)


def _allow_private(p: argparse.ArgumentParser, text: str) -> None:
    p.add_argument("--allow-private", action="store_true", help=text)


def _listen(p: argparse.ArgumentParser) -> None:
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=port, default=8000, help="port, 1 to 65535 (default 8000)")


def _add_kb_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    k = sub.add_parser(
        "kb",
        help="the knowledge base entities are linked to: rebuild it from Wikidata",
        description="The knowledge base (countries, organisations, companies, people and the "
        "offices they held): `kb refresh` rebuilds it from Wikidata (CC0).",
    )
    ksub = k.add_subparsers(dest="kb_command", metavar="SUBCOMMAND", required=True)
    p = ksub.add_parser(
        "refresh",
        help="rebuild the knowledge base from Wikidata's public SPARQL endpoint",
        description="Ask Wikidata's SPARQL endpoint for the offices listed in "
        "marketdesk.app.kb_refresh.OFFICES with their holders, for countries with their ISO "
        "3166 codes, demonyms and capitals, and for the listings of the knowledge base's "
        "companies; merge them over the bundled knowledge base and write the file "
        "atomically, after checking that it loads. A network error leaves the old file as it "
        "was. Set [enrich] kb to the file to use it.",
    )
    p.add_argument(
        "--out",
        metavar="PATH",
        help="the file to write (default: the configured [enrich] kb)",
    )
    p.add_argument(
        "--endpoint",
        metavar="URL",
        default=None,
        help="the SPARQL endpoint (default https://query.wikidata.org/sparql)",
    )
    _allow_private(p, "allow an endpoint on a private or loopback address")


def _add_quotes_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
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
    p.add_argument("--provider", choices=PROVIDER_NAMES, help="use only this provider")
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
    _db(p)
    _allow_private(p, "allow provider URLs on private and loopback addresses")

    p = qsub.add_parser(
        "import",
        help="import a Date,Close CSV file for one instrument",
        description="Import a CSV (Date plus Close/Price/Value, optional Open, High, Low). Bad "
        "rows are reported by line number and the rest imported in one transaction; the exit "
        "code is 1 if any row was refused.",
    )
    p.add_argument("csv", metavar="CSV")
    p.add_argument("--instrument", metavar="KEY", required=True, help="instrument key (sp500)")
    _db(p)

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
    _db(p)
    p.add_argument("--json", action="store_true", help="print JSON instead of lines")

    p = qsub.add_parser(
        "load-bundled",
        help="store the bundled public-domain market history",
        description="Store the bundled history (S&P 500, VIX, WTI, Brent, gold, US 10-year, FX; "
        "see data/markets/ATTRIBUTION.md). Running it again adds nothing twice.",
    )
    _db(p)
