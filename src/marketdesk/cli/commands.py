"""One function a command: build the Desk, call the use case, print its result.

Application modules are imported inside each command, so ``--help`` and ``clock`` do not pay
for loading extraction or provider code they never use.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import replace

from marketdesk.app.desk import Desk, Services
from marketdesk.cli.admin import admin
from marketdesk.cli.enriching import enrich
from marketdesk.cli.output import Console, plural
from marketdesk.cli.quotes import quotes
from marketdesk.cli.running import run, status, stories
from marketdesk.cli.sources import sources
from marketdesk.config import load_settings
from marketdesk.errors import InputError

__all__ = ["COMMANDS"]

EXIT_OK, EXIT_FAILED = 0, 1


def _desk(args: argparse.Namespace, services: Services, *, create: bool) -> Desk:
    return Desk(load_settings(getattr(args, "db", None)), services=services, create=create)


def extract(args: argparse.Namespace, con: Console, services: Services) -> int:
    from marketdesk.app.ingest import extract_sources
    from marketdesk.app.shapes import dumps, page_json

    if args.url and len(args.inputs) > 1:
        raise InputError("--url names the page of one input; give one FILE_OR_URL with it")
    failed = False
    with _desk(args, services, create=False) as desk:
        outcomes = extract_sources(
            desk, args.inputs, kind=args.kind, url=args.url, allow_private=args.allow_private
        )
        for o in outcomes:
            if o.page is None:
                failed = True
                con.problem(f"{o.source}: {o.error}")
                con.print(dumps({"source": o.source, "error": o.error}))
                continue
            if not o.page.article.paragraphs and not o.page.quotes:
                failed = True
                con.problem(f"{o.source}: {o.page.reason}")
            con.print(dumps(page_json(o.page)))
    return EXIT_FAILED if failed else EXIT_OK


def analyze(args: argparse.Namespace, con: Console, services: Services) -> int:
    from marketdesk.app.analyze import analyze_sources
    from marketdesk.app.shapes import analysis_json, dumps

    failed = False
    with _desk(args, services, create=False) as desk:
        for a in analyze_sources(
            desk, args.inputs, kind=args.kind, allow_private=args.allow_private, date=args.date
        ):
            if a.page is None:
                con.problem(f"{a.source}: {a.error}")
            elif a.failed:
                con.problem(f"{a.source}: {a.page.reason}")
            failed = failed or a.failed
            con.print(dumps(analysis_json(a)))
    return EXIT_FAILED if failed else EXIT_OK


def kb(args: argparse.Namespace, con: Console, services: Services) -> int:
    """``kb refresh``: the knowledge base rebuilt from Wikidata, step by step on stderr."""
    from marketdesk.app.kb_refresh import ENDPOINT, refresh_kb

    steps = ("countries", "people", "companies", "checking", "writing")
    with _desk(args, services, create=False) as desk:
        report = refresh_kb(
            desk,
            out=args.out,
            endpoint=args.endpoint or ENDPOINT,
            allow_private=args.allow_private,
            progress=lambda step: con.note(f"[{steps.index(step) + 1}/{len(steps)}] {step}"),
        )
    con.print(
        f"{report.path}: {report.countries} countries, {report.people} people "
        f"({report.kept} kept from the bundled knowledge base), {report.companies} companies"
    )
    return EXIT_OK


def entities(args: argparse.Namespace, con: Console, services: Services) -> int:
    from marketdesk.app.analyze import BATCH, entities_lines
    from marketdesk.app.shapes import dumps, text_entities_json

    failed = False
    stdin = con.stdin
    # Someone typing lines waits for each one's answer; a pipe is read a batch at a time.
    batch_size = 1 if stdin.isatty() else BATCH
    with _desk(args, services, create=False) as desk:
        for batch in entities_lines(desk, stdin, batch_size=batch_size):
            for t in batch:
                if t.error is not None:
                    failed = True
                    con.problem(f"line {t.line}: {t.error}")
            con.print_batch(dumps(text_entities_json(t)) for t in batch)
    return EXIT_FAILED if failed else EXIT_OK


def ingest(args: argparse.Namespace, con: Console, services: Services) -> int:
    from marketdesk.app.ingest import ingest as run_ingest
    from marketdesk.app.market_clock import parse_at

    fetched_at = parse_at(args.fetched_at)
    stored = already = failed = 0
    with _desk(args, services, create=True) as desk, con.bar("ingest") as bar:
        outcomes = run_ingest(
            desk,
            args.inputs,
            fetched_at=fetched_at,
            kind=args.kind,
            allow_private=args.allow_private,
            on_resume=lambda what, where: con.note(f"{what}: resuming {where}"),
            workers=args.workers,
        )
        for o in outcomes:
            bar.update(1)
            for quote, reason in o.refused:
                con.problem(f"{o.source}: quote {quote.name} refused: {reason}")
            if o.result is None or o.page is None:
                failed += 1
                con.problem(f"{o.source}: {o.error}")
                continue
            r = o.result
            if o.failed:
                failed += 1
            elif r.document_created:
                stored += 1
            else:
                already += 1
            if not r.document_created:
                state = "already stored"
            elif r.article_id is None:
                state = f"no article ({o.page.reason})"
            elif r.article_created:
                state = f"stored article {r.article_id}"
            else:
                state = f"same article as {r.article_id}"
            con.print(f"{o.source}: {state}, {plural(r.quotes_added, 'quote')}")
    con.note(f"{stored} stored, {already} already stored, {failed} failed")
    return EXIT_FAILED if failed else EXIT_OK


def serve(args: argparse.Namespace, con: Console, services: Services) -> int:
    from marketdesk.cli.serving import serve_desk, serve_workers

    settings = load_settings(args.db)
    if args.edition:
        settings = replace(settings, edition=args.edition.strip().lower())
    desk = Desk(settings, services=services, create=False)
    if args.workers > 1:
        return serve_workers(desk, args.host, args.port, args.workers, con)
    return serve_desk(desk, args.host, args.port, con)


def demo(args: argparse.Namespace, con: Console, services: Services) -> int:
    from marketdesk.app.demo import build_demo, default_demo_db
    from marketdesk.cli.serving import serve_desk

    settings = load_settings()
    db = args.db or default_demo_db()
    # A sample desk: commits need not wait for the disk (a crash may lose the last writes;
    # running demo again adds them), which builds it several times faster.
    desk = Desk(
        replace(settings, db=db, edition="us"), services=services, create=True, durable=False
    )
    try:
        summary = build_demo(desk, progress=con.note)
        if args.stories:
            from marketdesk.app.sample_stories import build_sample_stories

            with con.bar("sample stories", total=args.stories, unit=" stories") as bar:
                report = build_sample_stories(desk, args.stories, progress=bar.update)
            summary += (
                f"; {report.stories} sample stories written, {report.pages} new sample pages"
                " (their copies included)"
            )
    except BaseException:
        desk.close()
        raise
    con.note(f"demo database {db}: {summary}")
    if args.no_serve:
        desk.close()
        return EXIT_OK
    return serve_desk(desk, args.host, args.port, con)


def clock(args: argparse.Namespace, con: Console, services: Services) -> int:
    from marketdesk.app.market_clock import market_status
    from marketdesk.app.shapes import dumps, market_status_json

    with _desk(args, services, create=False) as desk:
        status = market_status(desk, args.edition, args.at)
    if status.assumed_zone:
        con.note(f"no UTC offset given; reading {args.at} as {status.assumed_zone} time")
    con.print(dumps(market_status_json(status)) if args.json else status.banner)
    return EXIT_OK


def strip(args: argparse.Namespace, con: Console, services: Services) -> int:
    from marketdesk.app.market_clock import parse_at
    from marketdesk.app.shapes import dumps, strip_json
    from marketdesk.app.strip import strip as edition_strip

    at = parse_at(args.at)
    with _desk(args, services, create=False) as desk:
        found = edition_strip(desk, args.edition, at)
    if not found.items:
        when = f" at or before {args.at}" if args.at else ""
        con.note(
            f"no quotes stored for the {found.edition.code} edition{when}; run "
            "`marketdesk quotes refresh`, `marketdesk quotes load-bundled` or ingest pages with "
            "a ticker strip"
        )
        return EXIT_FAILED
    if args.json:
        con.print(dumps(strip_json(found)))
    else:
        for line in found.lines():
            con.print(line)
    return EXIT_OK


COMMANDS: dict[str, Callable[[argparse.Namespace, Console, Services], int]] = {
    "extract": extract,
    "analyze": analyze,
    "kb": kb,
    "entities": entities,
    "ingest": ingest,
    "serve": serve,
    "demo": demo,
    "clock": clock,
    "strip": strip,
    "quotes": quotes,
    "sources": sources,
    "admin": admin,
    "run": run,
    "status": status,
    "stories": stories,
    "enrich": enrich,
}
