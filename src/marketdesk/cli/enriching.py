"""``marketdesk enrich [--all]``: annotate stored articles (those without annotations, or all)."""

from __future__ import annotations

import argparse

from marketdesk.app.desk import Desk, Services
from marketdesk.cli.output import Console, plural
from marketdesk.config import load_settings

__all__ = ["enrich"]


def enrich(args: argparse.Namespace, con: Console, services: Services) -> int:
    from marketdesk.app.enrichment import enrich_stored, to_enrich

    with Desk(load_settings(args.db), services=services, create=False) as desk:
        total = to_enrich(desk, everything=args.all)
        if total == 0:
            con.note("nothing to enrich" + ("" if args.all else " (every article has annotations)"))
            return 0
        with con.bar("enrich", total=total, unit=" articles") as bar:
            report = enrich_stored(desk, everything=args.all, progress=bar.update)
    con.note(f"{plural(report.enriched, 'article')} enriched with {report.model}")
    return 0
