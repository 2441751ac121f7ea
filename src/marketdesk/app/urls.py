"""Every URL of the desk, written once: views, templates and JSON links build them here.

Each page's JSON twin is the same path with ``.json`` added (``/`` has ``/.json``), carrying the
same query, so a link never loses the edition, the page or the range it was built with.
"""

from __future__ import annotations

import functools
from urllib.parse import quote

__all__ = [
    "edition",
    "entity",
    "front",
    "instrument",
    "instrument_csv",
    "live",
    "search",
    "signin",
    "signout",
    "source_action",
    "sources",
    "static",
    "story",
    "twin",
]


def _with_query(path: str, params: dict[str, object]) -> str:
    # Pages link dozens of URLs; building the query by hand is several times urlencode's speed.
    query = "&".join(
        f"{k}={quote(str(v), safe='')}" for k, v in params.items() if v is not None and v != ""
    )
    return f"{path}?{query}" if query else path


def _json(path: str, json: bool) -> str:
    if not json:
        return path
    return "/.json" if path == "/" else f"{path}.json"


@functools.lru_cache(maxsize=4096)  # pages link the same few editions and instruments often
def front(
    edition: str | None = None,
    page: int = 1,
    *,
    json: bool = False,
    topic: str | None = None,
    country: str | None = None,
    entity: str | None = None,
    instrument: str | None = None,
) -> str:
    return _with_query(
        _json("/", json),
        {
            "edition": edition,
            "topic": topic,
            "country": country,
            "entity": entity,
            "instrument": instrument,
            "page": page if page > 1 else None,
        },
    )


def edition(code: str, *, json: bool = False) -> str:
    """An edition's own front page: ``/editions/ca`` (the same page as ``/?edition=ca``)."""
    return _json(f"/editions/{quote(code, safe='')}", json)


def live(code: str) -> str:
    """An edition's live stream of its banner and strip (server-sent events)."""
    return f"/editions/{quote(code, safe='')}/live"


def story(story_id: int, *, json: bool = False) -> str:
    return _json(f"/stories/{story_id:d}", json)


def search(
    q: str, page: int = 1, *, json: bool = False, filters: dict[str, str | None] | None = None
) -> str:
    """``filters``: the search's other parameters (topic, country, entity, instrument, from,
    to, source), kept on the links of its pages."""
    params: dict[str, object] = {"q": q, **(filters or {}), "page": page if page > 1 else None}
    return _with_query(_json("/search", json), params)


@functools.lru_cache(maxsize=4096)  # a story page links its entities: the same few often
def entity(key: str, *, json: bool = False, page: int = 1) -> str:
    """An entity's page, by its knowledge-base key ("place:jp") or its normalised name."""
    path = _json(f"/entities/{quote(key, safe=':')}", json)
    return _with_query(path, {"page": page if page > 1 else None})


def instrument(
    key: str,
    *,
    start: str | None = None,
    end: str | None = None,
    resolution: str | None = None,
    json: bool = False,
    range_code: str | None = None,
    page: int = 1,
) -> str:
    path = _instrument_path(key, json)
    if start is None and end is None and resolution is None and range_code is None and page == 1:
        return path
    return _with_query(
        path,
        {
            "range": range_code,
            "from": start,
            "to": end,
            "resolution": resolution,
            "page": page if page > 1 else None,
        },
    )


def instrument_csv(key: str, *, start: str | None = None, end: str | None = None) -> str:
    """The history as a CSV download (every stored day, or ``start`` to ``end``)."""
    return _with_query(
        f"/instruments/{quote(key, safe='')}/history.csv", {"from": start, "to": end}
    )


@functools.lru_cache(maxsize=4096)
def _instrument_path(key: str, json: bool) -> str:
    return _json(f"/instruments/{quote(key, safe='')}", json)


def sources(*, json: bool = False) -> str:
    return _json("/sources", json)


def source_action(source_id: int, action: str, *, json: bool = False) -> str:
    """Where a source's form posts: ``action`` is pause, resume or remove."""
    return _json(f"/sources/{source_id:d}/{quote(action, safe='')}", json)


def signin(next_path: str | None = None, *, json: bool = False) -> str:
    return _with_query(_json("/signin", json), {"next": next_path})


def signout(*, json: bool = False) -> str:
    return _json("/signout", json)


def static(name: str) -> str:
    return f"/static/{quote(name)}"


def twin(path: str, query: str = "") -> str:
    """The JSON twin of an HTML path (or the page of a JSON path), keeping its query."""
    if path.endswith(".json"):
        base = path[: -len(".json")] or "/"
    else:
        base = _json(path.rstrip("/") or "/", True)
    return f"{base}?{query}" if query else base
