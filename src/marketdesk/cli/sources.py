"""``marketdesk sources ...``: the sources the daemon polls."""

from __future__ import annotations

import argparse

from marketdesk.app.desk import Desk, Services
from marketdesk.cli.output import Console
from marketdesk.config import load_settings
from marketdesk.model import Source

__all__ = ["describe", "sources"]


def _when(source: Source) -> str:
    if source.paused:
        return "paused"
    return "due now" if source.last_fetch is None else f"next {source.next_poll:%Y-%m-%d %H:%M}Z"


def describe(s: Source) -> str:
    """One line: id, state, kind, URL, and what went wrong last."""
    line = f"{s.id:>3}  {s.state:<7}  {s.spec.kind:<7}  {s.spec.url}  ({_when(s)}"
    if s.spec.tags:
        line += f"; tags {', '.join(s.spec.tags)}"
    line += ")"
    if s.last_error:
        line += f"\n     {s.failures} failure{'s' if s.failures != 1 else ''}: {s.last_error}"
    return line


def sources(args: argparse.Namespace, con: Console, services: Services) -> int:
    from marketdesk.app import sources as app_sources
    from marketdesk.app.shapes import dumps, source_json

    command = args.sources_command
    read_only = command == "list"
    with Desk(load_settings(args.db), services=services, create=not read_only) as desk:
        if command == "add":
            req = app_sources.SourceRequest(
                location=args.location,
                kind=args.kind,
                every=args.every,
                edition=args.edition,
                tags=tuple(args.tags),
                allow_private=args.allow_private,
            )
            source, created = app_sources.add_source(desk, req)
            if created:
                con.print(f"added source {source.id}: {source.spec.kind} {source.spec.url}")
            else:
                con.note(f"{source.spec.url} is already source {source.id}; nothing added")
            return 0
        if command == "list":
            problems = app_sources.sync_config_sources(desk) if desk.settings.sources else []
            for location, problem in problems:
                con.problem(f"{location}: {problem}")
            for s in app_sources.list_sources(desk):
                con.print(dumps(source_json(s)) if args.json else describe(s))
            return 1 if problems else 0
        if command == "remove":
            gone = app_sources.remove_source(desk, args.source_id)
            con.print(f"removed source {gone.id}: {gone.spec.url} (its stories stay)")
            return 0
        paused = command == "pause"
        s = app_sources.pause_source(desk, args.source_id, paused)
        con.print(f"{'paused' if paused else 'resumed'} source {s.id}: {s.spec.url}")
        return 0
