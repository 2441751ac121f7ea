"""``marketdesk quotes refresh|import|history|load-bundled``."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from marketdesk.app.desk import Desk, Services
from marketdesk.cli.output import Console, plural
from marketdesk.config import load_settings

if TYPE_CHECKING:
    from marketdesk.app.quotes import RefreshPlan

__all__ = ["quotes"]

EXIT_OK, EXIT_FAILED = 0, 1


def quotes(args: argparse.Namespace, con: Console, services: Services) -> int:
    handlers = {
        "refresh": _refresh,
        "import": _import,
        "history": _history,
        "load-bundled": _load_bundled,
    }
    return handlers[args.quotes_command](args, con, services)


def _desk(args: argparse.Namespace, services: Services, *, create: bool) -> Desk:
    return Desk(load_settings(args.db), services=services, create=create)


def _refresh(args: argparse.Namespace, con: Console, services: Services) -> int:
    from marketdesk.app.quotes import plan_refresh
    from marketdesk.app.schedule import parse_every, repeat

    with _desk(args, services, create=True) as desk:
        plan = plan_refresh(
            desk,
            edition=args.edition,
            instruments=args.instrument or (),
            provider=args.provider,
            days=args.days,
            interval=args.interval,
            allow_private=args.allow_private,
        )
        if args.every is None:
            return _refresh_once(desk, plan, con)
        every = parse_every(args.every)
        report = repeat(
            desk,
            lambda: _refresh_once(desk, plan, con),
            every,
            on_wait=lambda at: con.note(
                f"next refresh at {at:%Y-%m-%d %H:%M:%S} UTC; Ctrl-C stops"
            ),
        )
    runs = report.runs
    con.note(
        f"refresh schedule stopped after {runs} complete run{'s' if runs != 1 else ''}; "
        "stored quotes are kept"
    )
    return EXIT_OK


def _refresh_once(desk: Desk, plan: RefreshPlan, con: Console) -> int:
    from marketdesk.app.present import format_price
    from marketdesk.app.quotes import refresh

    total = len(plan.instruments)
    failed: list[str] = []
    new = 0
    for n, o in enumerate(refresh(desk, plan), 1):
        head = f"[{n}/{total}] {o.instrument.key}"
        if o.error is not None:
            failed.append(o.instrument.key)
            con.problem(f"{head}: failed: {o.error}")
            continue
        new += o.stored
        last = ""
        if o.latest is not None:
            price = format_price(o.latest.last, o.instrument.decimals)
            last = f", last {price} at {o.latest.at:%Y-%m-%d %H:%M} UTC"
        note = f" (after {'; '.join(o.skipped)})" if o.skipped else ""
        con.print(f"{head}: {o.provider}, {o.received} quotes, {o.stored} new{last}{note}")
    summary = f"refreshed {total - len(failed)} of {total} instruments, {new} new quotes"
    if failed:
        summary += f"; failed: {', '.join(failed)}"
    con.print(summary)
    return EXIT_FAILED if failed else EXIT_OK


def _import(args: argparse.Namespace, con: Console, services: Services) -> int:
    from marketdesk.app.quotes import import_csv

    with _desk(args, services, create=True) as desk:
        report = import_csv(desk, args.csv, args.instrument)
    for line, reason in report.rejected:
        con.problem(f"{args.csv}:{line}: refused: {reason}")
    summary = (
        f"{args.csv}: {plural(report.read, 'row')} read for "
        f"{report.instrument}, {plural(report.stored, 'new quote')} stored, "
        f"{plural(len(report.rejected), 'row')} refused"
    )
    if report.skipped:
        summary += f", {plural(len(report.skipped), 'row')} without a value skipped"
    con.print(summary)
    return EXIT_FAILED if report.rejected else EXIT_OK


def _history(args: argparse.Namespace, con: Console, services: Services) -> int:
    from marketdesk.app.instruments import instrument_view
    from marketdesk.app.present import history_line
    from marketdesk.app.shapes import dumps, quote_json

    with _desk(args, services, create=False) as desk:
        view = instrument_view(
            desk,
            args.key,
            start=args.start,
            end=args.end,
            resolution=args.resolution,
            start_name="--from",
            end_name="--to",
        )
    d = view.instrument.decimals
    if args.json:
        con.print(dumps([quote_json(q, d) for q in view.history]))
        return EXIT_OK
    if not view.history:
        key = view.instrument.key
        con.note(
            f"no stored quotes for {key} from {view.range.start:%Y-%m-%d} to "
            f"{view.range.end:%Y-%m-%d}; run `marketdesk quotes refresh --instrument {key}` or "
            "`marketdesk quotes load-bundled`"
        )
        return EXIT_FAILED
    for q in view.history:
        con.print(history_line(q, d, view.resolution))
    return EXIT_OK


def _load_bundled(args: argparse.Namespace, con: Console, services: Services) -> int:
    from marketdesk.app.quotes import load_bundled

    with _desk(args, services, create=True) as desk:
        con.note("loading the bundled market history…")
        added, total = load_bundled(desk)
    con.print(f"{added} new quotes stored ({total} quotes in all)")
    return EXIT_OK
