"""Sources the desk polls by itself: adding, listing, pausing and removing them, and the
``[[sources]]`` of the config file.

A source is an http(s) URL (a feed, a page, a sitemap) or a local folder or WARC/WET file,
kept in the store with its state. ``--kind auto`` reads a path's kind from the file system and
a URL's from its bytes: the URL is fetched once, under the fetch rules, when it is added.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from marketdesk.app.desk import Desk
from marketdesk.app.paging import MAX_ID
from marketdesk.app.schedule import parse_every
from marketdesk.errors import InputError, MarketdeskError, NotFoundError
from marketdesk.ingest.detect import path_kind, sniff_kind
from marketdesk.model import Source, SourceKind, SourceSpec
from marketdesk.net import host_port, redact

__all__ = [
    "DEFAULT_EVERY",
    "KINDS",
    "SourceRequest",
    "add_source",
    "config_sources",
    "list_sources",
    "pause_source",
    "remove_source",
    "shown_url",
    "sync_config_sources",
]

KINDS = ("auto", *(str(k) for k in SourceKind))
DEFAULT_EVERY = {  # seconds between polls when the user names none
    SourceKind.FEED: 15 * 60,
    SourceKind.PAGE: 60 * 60,
    SourceKind.SITEMAP: 60 * 60,
    SourceKind.FOLDER: 5 * 60,
    SourceKind.WARC: 24 * 3600,
}
_URL_KINDS = (SourceKind.FEED, SourceKind.PAGE, SourceKind.SITEMAP)


@dataclass(frozen=True, slots=True)
class SourceRequest:
    """What the user asked for, before it is checked (``sources add``, ``[[sources]]``)."""

    location: str
    kind: str = "auto"
    every: str | None = None  # '15m', '1h', ...
    edition: str | None = None
    tags: tuple[str, ...] = ()
    allow_private: bool = False


def _is_url(text: str) -> bool:
    return "://" in text


def _spec(desk: Desk, req: SourceRequest, *, from_config: bool) -> SourceSpec:
    """The request checked and its kind settled; InputError naming what is wrong."""
    if req.kind not in KINDS:
        raise InputError(f"unknown source kind {req.kind!r}; one of {', '.join(KINDS)}")
    if req.edition is not None:
        desk.edition(req.edition)  # UnknownEditionError names the known ones
    tags = tuple(dict.fromkeys(t.strip() for t in req.tags if t.strip()))
    if _is_url(req.location):
        url = req.location.strip()
        host_port(url)  # FetchError/BlockedURLError for a URL that is not http(s) or invalid
        kind = _url_kind(desk, url, req) if req.kind == "auto" else SourceKind(req.kind)
        if kind not in _URL_KINDS:
            raise InputError(f"a {kind} source is a local path, not a URL ({redact(url)})")
    else:
        path = Path(req.location).expanduser()
        if not path.exists():
            raise InputError(f"{req.location}: no such file or folder")
        url = str(path.resolve())
        found = path_kind(path)
        if found == "file":
            raise InputError(
                f"{req.location} is one file: ingest it with `marketdesk ingest`; a source is a "
                "folder, a WARC/WET file or a URL"
            )
        kind = SourceKind(found)
        if req.kind not in ("auto", str(kind)):
            raise InputError(f"{req.location} is a {kind}, not a {req.kind}")
        if req.allow_private:
            raise InputError("--allow-private is for URLs; a local path needs no permission")
    every = int(parse_every(req.every)) if req.every is not None else DEFAULT_EVERY[kind]
    return SourceSpec(url, kind, every, req.edition, tags, req.allow_private, from_config)


def _url_kind(desk: Desk, url: str, req: SourceRequest) -> SourceKind:
    fetcher = desk.fetcher()
    exempt = [host_port(url)] if req.allow_private else []
    try:
        result = fetcher.fetch_response(url, exempt=exempt)
    except MarketdeskError as exc:
        raise InputError(f"cannot tell what {redact(url)} is ({exc}); give --kind") from exc
    return SourceKind(sniff_kind(result.content, result.media_type, result.url))


def add_source(desk: Desk, req: SourceRequest) -> tuple[Source, bool]:
    """Store a source (due at once); (the source, False when that URL was a source already)."""
    return desk.storage.add_source(_spec(desk, req, from_config=False), desk.clock())


def list_sources(desk: Desk) -> list[Source]:
    return desk.storage.sources()


def shown_url(source: Source) -> str:
    """The source's URL or path as pages show it: credentials in a URL masked."""
    return redact(source.spec.url) if _is_url(source.spec.url) else source.spec.url


def _existing(desk: Desk, source_id: int) -> Source:
    source = desk.storage.get_source(source_id) if 0 <= source_id <= MAX_ID else None
    if source is None:
        raise NotFoundError(f"no source {source_id}; `marketdesk sources list` shows them")
    return source


def remove_source(desk: Desk, source_id: int) -> Source:
    """Forget a source (what it stored stays stored)."""
    source = _existing(desk, source_id)
    desk.storage.remove_source(source_id)
    return source


def pause_source(desk: Desk, source_id: int, paused: bool) -> Source:
    _existing(desk, source_id)
    desk.storage.pause_source(source_id, paused, desk.clock())
    return _existing(desk, source_id)


# -- the config file's [[sources]] -------------------------------------------------------------

_CONFIG_KEYS: Mapping[str, type | tuple[type, ...]] = {
    "url": str,
    "kind": str,
    "every": str,
    "edition": str,
    "tags": list,
    "allow_private": bool,
}


def config_sources(entries: Sequence[Mapping[str, Any]], where: str) -> list[SourceRequest]:
    """The ``[[sources]]`` tables as requests; InputError naming the entry for a mistake."""
    requests = []
    for n, entry in enumerate(entries, 1):
        name = f"config {where}: [[sources]] #{n}"
        for key, value in entry.items():
            want = _CONFIG_KEYS.get(key)
            if want is None:
                raise InputError(f"{name}: unknown key {key!r}; known: {', '.join(_CONFIG_KEYS)}")
            if not isinstance(value, want) or (key == "tags" and not _strings(value)):
                raise InputError(f"{name}: {key} has the wrong type ({value!r})")
        if "url" not in entry:
            raise InputError(f"{name}: needs a url (an http(s) URL or a path)")
        requests.append(
            SourceRequest(
                location=entry["url"],
                kind=entry.get("kind", "auto"),
                every=entry.get("every"),
                edition=entry.get("edition"),
                tags=tuple(entry.get("tags", ())),
                allow_private=entry.get("allow_private", False),
            )
        )
    return requests


def _strings(values: object) -> bool:
    return isinstance(values, list) and all(isinstance(v, str) for v in values)


def sync_config_sources(desk: Desk) -> list[tuple[str, str]]:
    """Store the config's sources (new ones added, known ones' settings updated); returns
    (location, problem) for each that could not be added, which the caller reports."""
    where = str(desk.settings.config_file or "the config")
    problems = []
    known = {s.spec.url: s for s in desk.storage.sources()}
    for req in config_sources(desk.settings.sources, where):
        try:
            existing = known.get(req.location.strip()) or known.get(
                str(Path(req.location).expanduser().resolve())
            )
            if existing is not None and req.kind == "auto":
                # Settled when it was first added: no fetch to tell its kind again.
                req = SourceRequest(
                    req.location,
                    str(existing.spec.kind),
                    req.every,
                    req.edition,
                    req.tags,
                    req.allow_private,
                )
            desk.storage.add_source(_spec(desk, req, from_config=True), desk.clock())
        except MarketdeskError as exc:
            problems.append((redact(req.location), str(exc)))
    return problems
