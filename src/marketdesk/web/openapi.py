"""The desk's OpenAPI 3.1 description, served at ``/openapi.json``.

A pure function of the app's route list, the edition codes and the component schemas written
here by hand, one for each JSON twin (``app/shapes.py`` and the views build those answers). Each
route is matched to its operation by its path with the converters left out
(``/stories/{id}{fmt}``); a route without one is left out of the document and named by
:func:`undocumented`, which the tests keep empty. Only the JSON twins are described (the path
with ``{fmt}`` as ``.json``), with the CSV download and the live stream beside them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from starlette.routing import BaseRoute, Route

from marketdesk.app.front import MAX_FILTER_CHARS as FRONT_FILTER_CHARS
from marketdesk.app.instrument_page import RANGES
from marketdesk.app.paging import MAX_ID, MAX_PAGE
from marketdesk.app.ranges import RESOLUTIONS
from marketdesk.app.search import MAX_FILTER_CHARS as SEARCH_FILTER_CHARS

__all__ = ["OPENAPI_PATH", "openapi_document", "operation_key", "undocumented"]

OPENAPI_PATH = "/openapi.json"
JSON = dict[str, Any]
_CONVERTER = re.compile(r"\{(\w+)(?::\w+)?\}")


def _ref(name: str) -> JSON:
    return {"$ref": f"#/components/schemas/{name}"}


def _null(schema: JSON) -> JSON:
    """``schema`` or null (OpenAPI 3.1 is JSON Schema: null is a type)."""
    if "type" in schema and "$ref" not in schema:
        return {**schema, "type": [schema["type"], "null"]}
    return {"anyOf": [schema, {"type": "null"}]}


def _obj(props: JSON, required: Iterable[str] | None = None) -> JSON:
    """An object; every property is always present unless ``required`` says otherwise."""
    return {
        "type": "object",
        "properties": props,
        "required": sorted(props if required is None else required),
    }


def _array(items: JSON) -> JSON:
    return {"type": "array", "items": items}


STR: JSON = {"type": "string"}
INT: JSON = {"type": "integer"}
NUM: JSON = {"type": "number"}
BOOL: JSON = {"type": "boolean"}
TIME: JSON = {"type": "string", "format": "date-time"}
NSTR, NNUM, NTIME, NBOOL = _null(STR), _null(NUM), _null(TIME), _null(BOOL)
STRS = _array(STR)
ENTITY_TYPE: JSON = {"type": "string", "enum": ["PERSON", "ORG", "PLACE"]}


def _schemas() -> JSON:
    display = _obj({"last": STR, "change": NSTR, "change_pct": NSTR})
    quote = _obj(
        {
            "at": TIME,
            "last": NUM,
            "change": NNUM,
            "change_pct": NNUM,
            "open": NNUM,
            "high": NNUM,
            "low": NNUM,
            "source": STR,
            "display": _ref("Display"),
        }
    )
    strip_props: JSON = {
        "name": STR,
        "instrument": STR,
        "url": STR,
        "last": NUM,
        "change": NNUM,
        "change_pct": NNUM,
        "display": _ref("Display"),
        "trend": {"type": "string", "enum": ["up", "down", ""]},
        "at": TIME,
        "source": STR,
    }
    strip_item = _obj(
        {**strip_props, "current": BOOL, "age": NSTR, "when": STR}, required=strip_props
    )
    mover = _obj({**strip_props, "current": BOOL, "age": NSTR})
    summary_props: JSON = {
        "id": INT,
        "url": STR,
        "title": NSTR,
        "origin": NSTR,
        "publisher": NSTR,
        "published": NTIME,
        "modified": NTIME,
        "fetched_at": NTIME,
        "summary": NSTR,
    }
    story_line = _obj({**summary_props, "story_id": INT, "copies": INT, "publishers": STRS})
    copy = _obj(
        {
            "article_id": INT,
            "source": STR,
            "url": NSTR,
            "publisher": NSTR,
            "title": NSTR,
            "published": NTIME,
            "fetched_at": NTIME,
        }
    )
    story_group = _obj(
        {
            "id": INT,
            "title": NSTR,
            "origin": NSTR,
            "published": NTIME,
            "first_seen": NTIME,
            "copies": _array(_ref("Copy")),
        }
    )
    market_props: JSON = {
        "edition": STR,
        "as_of": TIME,
        "market_status": NSTR,
        "market_open": NBOOL,
        "next_change": NTIME,
        "strip": _array(_ref("StripItem")),
    }
    paging: JSON = {"page": {"type": "integer", "minimum": 1}, "next": NSTR}
    front = _obj(
        {
            **market_props,
            "filters": _obj({name: NSTR for name in ("topic", "country", "entity", "instrument")}),
            "top": _array(_ref("StoryLine")),
            "stories": _array(_ref("StoryLine")),
            "gainers": _array(_ref("Mover")),
            "losers": _array(_ref("Mover")),
            "live": STR,
            **paging,
            "previous": NSTR,
        }
    )
    mention = _obj({"start": INT, "end": INT, "text": STR, "part": STR, "by_title": BOOL})
    entity = _obj(
        {
            "name": STR,
            "type": ENTITY_TYPE,
            "id": NSTR,
            "key": NSTR,
            "role": NSTR,
            "country": NSTR,
            "salience": NUM,
            "symbols": STRS,
            "mentions": _array(_ref("Mention")),
        }
    )
    party = _obj({"id": _null(INT), "name": STR, "type": ENTITY_TYPE, "country": NSTR})
    event = _obj(
        {
            "type": STR,
            "mode": NSTR,
            "actor": _ref("EventParty"),
            "recipient": _null(_ref("EventParty")),
            "location": _null(_obj({"id": _null(INT), "name": STR, "country": NSTR})),
            "date": NSTR,
            "date_text": NSTR,
            "sentence": STR,
            "sentence_index": INT,
            "cue": STR,
        }
    )
    topic = _obj({"code": STR, "label": STR, "relevance": NUM, "cues": STRS})
    linked = _obj(
        {"name": STR, "symbol": NSTR, "reason": STR, "relevance": NUM, "key": STR, "url": STR}
    )
    story_chart = _obj(
        {
            "instrument": STR,
            "name": STR,
            "url": STR,
            "at": TIME,
            "at_publication": NNUM,
            "latest": NNUM,
            "latest_at": NTIME,
            "move": NNUM,
            "move_pct": NNUM,
            "display": _null(_ref("Display")),
        }
    )
    removed = _obj({"kind": STR, "text": STR})
    story = _obj(
        {
            **summary_props,
            "source": STR,
            "paragraphs": STRS,
            "text": STR,
            "authors": STRS,
            "copyright": NSTR,
            "language": NSTR,
            "market_status": NSTR,
            "removed": _array(_ref("Removed")),
            "from_feed_entry": BOOL,
            # The story's original publisher, from all its copies (``origin`` is this copy's
            # own credit).
            "story_origin": NSTR,
            "copies": _array(_ref("Copy")),
            # Null until the article is enriched.
            "entities": _null(_array(_ref("Entity"))),
            "countries": _null(STRS),
            "topics": _null(_array(_ref("Topic"))),
            "tone": _null(_obj({"score": NUM, "label": STR})),
            "events": _null(_array(_ref("Event"))),
            "instruments": _null(_array(_ref("LinkedInstrument"))),
            "markets": _array(_ref("StoryChart")),
        }
    )
    instrument = _obj(
        {
            "key": STR,
            "name": STR,
            "kind": STR,
            "currency": NSTR,
            "calendar": STR,
            "decimals": INT,
            "aliases": STRS,
            "symbols": {"type": "object", "additionalProperties": STR},
            "url": STR,
            "latest": _null(_ref("Quote")),
            "range": {"type": "string", "enum": [c for c, _ in RANGES] + ["custom"]},
            "ranges": {"type": "object", "additionalProperties": STR},
            "from": TIME,
            "to": TIME,
            "resolution": {"type": "string", "enum": list(RESOLUTIONS)},
            "series_resolution": NSTR,
            "history": _array(_ref("Quote")),
            "stats": _obj(
                {
                    "day": _null({"type": "string", "format": "date"}),
                    "previous_close": NNUM,
                    "open": NNUM,
                    "day_low": NNUM,
                    "day_high": NNUM,
                    "year_low": NNUM,
                    "year_high": NNUM,
                }
            ),
            "session": _obj(
                {
                    "calendar": STR,
                    "zone": NSTR,
                    "is_open": NBOOL,
                    "opens": NTIME,
                    "closes": NTIME,
                    "next_change": NTIME,
                    "note": STR,
                    "hours": NSTR,
                }
            ),
            "stories": _array(_ref("StoryGroup")),
            "table": _obj({"page": paging["page"], "rows": _array(_ref("Quote")), "next": NSTR}),
            "csv": STR,
        }
    )
    entity_page = _obj(
        {
            "key": NSTR,
            "name": STR,
            "type": STR,
            "wikidata": NSTR,
            "wikidata_url": NSTR,
            "country": NSTR,
            "articles": INT,
            "url": STR,
            "roles": _array(_obj({"at": NTIME, "roles": STRS, "story": STR, "title": NSTR})),
            "stories": _array(_ref("StoryGroup")),
            "related": _array(
                _obj({"name": STR, "type": STR, "key": NSTR, "stories": INT, "url": STR})
            ),
            **paging,
        }
    )
    hit = _obj({**summary_props, "source": STR, "title_html": STR, "snippet_html": STR})
    search = _obj(
        {
            "q": STR,
            "filters": {"type": "object", "additionalProperties": STR},
            "total": {"type": "integer", "minimum": 0},
            "total_capped": BOOL,
            "goto": _array(
                _obj(
                    {
                        "type": {"type": "string", "enum": ["instrument", "entity"]},
                        "name": STR,
                        "url": STR,
                        "detail": STR,
                    }
                )
            ),
            "stories": _array(_ref("SearchHit")),
            **paging,
            "previous": NSTR,
        }
    )
    source = _obj(
        {
            "id": INT,
            "url": STR,
            "kind": STR,
            "state": {"type": "string", "enum": ["active", "failing", "paused"]},
            "last_fetch": NTIME,
            "last_error": NSTR,
            "failures": {"type": "integer", "minimum": 0},
            "next_poll": NTIME,
            "every_s": INT,
            "edition": NSTR,
            "tags": STRS,
            "allow_private": BOOL,
            "from_config": BOOL,
            "last_success": NTIME,
        }
    )
    sources = _obj(
        {"sources": _array(_ref("Source")), "signed_in": BOOL, "user": NSTR, "csrf": NSTR}
    )
    signin = _obj(
        {"signed_in": BOOL, "user": NSTR, "expires": NTIME, "csrf": STR, "error": STR},
        required=("signed_in", "user", "expires", "csrf"),
    )
    return {
        "Error": _obj({"error": STR}),
        "Display": display,
        "Quote": quote,
        "StripItem": strip_item,
        "Mover": mover,
        "StoryLine": story_line,
        "Copy": copy,
        "StoryGroup": story_group,
        "Front": front,
        "Mention": mention,
        "Entity": entity,
        "EventParty": party,
        "Event": event,
        "Topic": topic,
        "LinkedInstrument": linked,
        "StoryChart": story_chart,
        "Removed": removed,
        "Story": story,
        "InstrumentPage": instrument,
        "EntityPage": entity_page,
        "SearchHit": hit,
        "Search": search,
        "Source": source,
        "Sources": sources,
        "SignIn": signin,
        "SourceAnswer": _obj({"source": _ref("Source"), "created": BOOL}),
        "SourceDone": _obj(
            {
                "source": _ref("Source"),
                "done": {"type": "string", "enum": ["paused", "resumed", "removed"]},
            }
        ),
        "SignedOut": _obj({"signed_in": {"const": False}}),
    }


# -- parameters -------------------------------------------------------------------------------


def _query(name: str, schema: JSON, description: str) -> JSON:
    return {"name": name, "in": "query", "required": False, "schema": schema,
            "description": description}  # fmt: skip


def _path(name: str, schema: JSON, description: str) -> JSON:
    return {"name": name, "in": "path", "required": True, "schema": schema,
            "description": description}  # fmt: skip


PAGE = _query("page", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE}, "the page, from 1")
DATE_BOUND: JSON = {"type": "string", "maxLength": 40}
STORY_ID = _path("id", {"type": "integer", "minimum": 0, "maximum": MAX_ID}, "a story's id")
KEY: JSON = {"type": "string", "minLength": 1, "maxLength": 200, "pattern": "^[^/]+$"}


def _front_filters(max_chars: int) -> list[JSON]:
    text = {"type": "string", "maxLength": max_chars}
    return [
        _query("topic", text, "a topic code (trade, monetary, ...)"),
        _query("country", text, "an ISO 3166-1 alpha-3 country code"),
        _query("entity", text, "an entity's key or name"),
        _query("instrument", text, "an instrument's key, name or symbol"),
    ]


def _errors(*codes: int, html: bool = False) -> JSON:
    """The error answers: ``{"error": ...}``, or (``html``, for paths without a JSON twin)
    the desk's error page."""
    why = {
        304: "not modified since the ETag sent in If-None-Match",
        400: "a query parameter that cannot be answered as asked",
        401: "not signed in",
        403: "no CSRF token, or a wrong one",
        404: "nothing here",
        429: "too many failed sign-ins; see Retry-After",
    }
    out: JSON = {}
    for code in codes:
        if code == 304:
            out["304"] = {"description": why[304]}
        else:
            body = (
                {"text/html": {"schema": STR}}
                if html
                else {"application/json": {"schema": _ref("Error")}}
            )
            out[str(code)] = {"description": why[code], "content": body}
    return out


def _get(summary: str, schema: str, params: Sequence[JSON], *codes: int) -> JSON:
    return {
        "summary": summary,
        "parameters": list(params),
        "responses": {
            "200": {
                "description": summary,
                "headers": {"ETag": {"schema": STR}, "Cache-Control": {"schema": STR}},
                "content": {"application/json": {"schema": _ref(schema)}},
            },
            **_errors(304, *codes),
        },
    }


def _form(props: JSON, required: Sequence[str] = ()) -> JSON:
    schema = {"type": "object", "properties": {**props, "csrf": STR}, "required": [*required]}
    return {"required": True, "content": {"application/x-www-form-urlencoded": {"schema": schema}}}


def _post(summary: str, body: JSON, ok: JSON, *codes: int) -> JSON:
    return {
        "summary": summary,
        "description": "Also takes the CSRF token as the X-CSRF-Token header. The HTML form "
        "(the path without .json) answers 303 to the page it goes to.",
        "requestBody": body,
        "responses": {**ok, **_errors(*codes)},
    }


def _json_answer(schema: str, description: str) -> JSON:
    return {"description": description, "content": {"application/json": {"schema": _ref(schema)}}}


def _operations(editions: Sequence[str]) -> dict[tuple[str, str], JSON]:
    """The operation of each (route path without converters, method)."""
    code = _path("code", {"type": "string", "enum": list(editions)}, "an edition's code")
    edition = _query("edition", {"type": "string", "enum": list(editions)}, "an edition's code")
    front_params = [PAGE, *_front_filters(FRONT_FILTER_CHARS)]
    ranges = {"type": "string", "enum": [c for c, _ in RANGES]}
    bounds = [
        _query("from", DATE_BOUND, "start: YYYY-MM-DD or an ISO 8601 instant with offset"),
        _query("to", DATE_BOUND, "end: YYYY-MM-DD or an ISO 8601 instant with offset"),
        _query("resolution", {"type": "string", "enum": list(RESOLUTIONS)}, "daily or intraday"),
    ]
    inst_key = _path("key", KEY, "an instrument's key (sp500)")
    search_text = {"type": "string", "maxLength": SEARCH_FILTER_CHARS}
    return {
        ("/{fmt}", "GET"): _get(
            "The default edition's front page", "Front", [edition, *front_params], 400, 404
        ),
        ("/editions/{code}{fmt}", "GET"): _get(
            "An edition's front page", "Front", [code, *front_params], 400, 404
        ),
        ("/editions/{code}/live", "GET"): {
            "summary": "The edition's banner and strip as server-sent events (event: market, "
            "data: the front page's market fields)",
            "parameters": [code],
            "responses": {
                "200": {
                    "description": "an event stream",
                    "content": {"text/event-stream": {"schema": STR}},
                },
                **_errors(404, html=True),
            },
        },
        ("/stories/{id}{fmt}", "GET"): _get("One story", "Story", [STORY_ID], 404),
        ("/instruments/{key}{fmt}", "GET"): _get(
            "An instrument: chart series, key numbers, session, stories, history",
            "InstrumentPage",
            [inst_key, _query("range", ranges, "the chart's range"), *bounds, PAGE],
            400,
            404,
        ),
        ("/instruments/{key}/history.csv", "GET"): {
            "summary": "An instrument's history as CSV (RFC 4180)",
            "parameters": [inst_key, *bounds],
            "responses": {
                "200": {
                    "description": "date, instrument, last, change, change_pct, open, "
                    "high, low, source",
                    "content": {"text/csv": {"schema": STR}},
                },
                **_errors(304),
                **_errors(400, 404, html=True),
            },
        },
        ("/entities/{key}{fmt}", "GET"): _get(
            "A person, organisation or place",
            "EntityPage",
            [_path("key", KEY, "a knowledge-base key (place:jp) or a name"), PAGE],
            400,
            404,
        ),
        ("/search{fmt}", "GET"): _get(
            "Full-text search over stories",
            "Search",
            [
                _query("q", STR, "the words to find (cut to 200 characters and 16 words)"),
                PAGE,
                *_front_filters(SEARCH_FILTER_CHARS),
                _query("from", DATE_BOUND, "published on or after: YYYY-MM-DD"),
                _query("to", DATE_BOUND, "published on or before: YYYY-MM-DD"),
                _query("source", search_text, "a publisher or origin"),
            ],
            400,
        ),
        ("/sources{fmt}", "GET"): _get("Each source's state", "Sources", []),
        ("/sources{fmt}", "POST"): _post(
            "Add a source (signed in)",
            _form(
                {
                    "location": {"type": "string", "maxLength": 2048},
                    "kind": STR,
                    "every": STR,
                    "edition": STR,
                    "tags": {"type": "string", "description": "comma-separated"},
                    "allow_private": STR,
                },
                ["location"],
            ),
            {
                "200": _json_answer("SourceAnswer", "the source was there already"),
                "201": _json_answer("SourceAnswer", "the source, added"),
            },
            400,
            401,
            403,
        ),
        ("/sources/{id}/{action}{fmt}", "POST"): {
            **_post(
                "Pause, resume or remove a source (signed in)",
                _form({}),
                {"200": _json_answer("SourceDone", "the source, as it is now")},
                401,
                403,
                404,
            ),
            "parameters": [
                _path("id", {"type": "integer", "minimum": 0, "maximum": MAX_ID}, "a source"),
                _path("action", {"type": "string", "enum": ["pause", "resume", "remove"]}, ""),
            ],
        },
        ("/signin{fmt}", "GET"): _get(
            "Whether this browser is signed in, and the CSRF token its next POST needs",
            "SignIn",
            [_query("next", STR, "where the HTML form goes after signing in")],
        ),
        ("/signin{fmt}", "POST"): _post(
            "Sign in",
            _form({"username": STR, "password": STR, "next": STR}, ["username", "password"]),
            {
                "200": _json_answer("SignIn", "signed in; the session cookie is set"),
                # After a fixed delay, whichever part was wrong: the form's answer again.
                "401": _json_answer("SignIn", "wrong username or password (error)"),
                "429": {
                    **_json_answer("SignIn", "too many failed sign-ins (error)"),
                    "headers": {"Retry-After": {"schema": INT}},
                },
            },
            403,
        ),
        ("/signout{fmt}", "POST"): _post(
            "Sign out",
            _form({}),
            {"200": _json_answer("SignedOut", "signed out; the session cookie is cleared")},
            403,
        ),
        (OPENAPI_PATH, "GET"): {
            "summary": "This description",
            "responses": {
                "200": {
                    "description": "OpenAPI 3.1",
                    "content": {"application/json": {"schema": {"type": "object"}}},
                },
                **_errors(304),
            },
        },
    }


# -- the document -----------------------------------------------------------------------------


def operation_key(route: Route) -> str:
    """A route's path without its converters: ``/stories/{id:int}{fmt:fmt}`` is
    ``/stories/{id}{fmt}``."""
    return _CONVERTER.sub(r"{\1}", route.path)


def _methods(route: Route) -> list[str]:
    return sorted(m for m in (route.methods or {"GET"}) if m != "HEAD")


def _routes(routes: Iterable[BaseRoute]) -> list[Route]:
    return [r for r in routes if isinstance(r, Route)]  # a Mount (/static) has no JSON


def undocumented(routes: Iterable[BaseRoute], editions: Sequence[str] = ()) -> list[str]:
    """``METHOD path`` of each route that the document has no operation for."""
    known = _operations(editions)
    return [
        f"{method} {route.path}"
        for route in _routes(routes)
        for method in _methods(route)
        if (operation_key(route), method) not in known
    ]


def openapi_document(routes: Iterable[BaseRoute], editions: Sequence[str], version: str) -> JSON:
    """The OpenAPI 3.1 document of ``routes``: each route's JSON twin (``{fmt}`` is ``.json``)."""
    known = _operations(editions)
    paths: dict[str, JSON] = {}
    for route in _routes(routes):
        key = operation_key(route)
        for method in _methods(route):
            op = known.get((key, method))
            if op is None:
                continue
            path = key.replace("{fmt}", ".json")
            paths.setdefault(path, {})[method.lower()] = op
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "marketdesk",
            "version": version,
            "description": "The desk's JSON API: every page's JSON twin (the page's path with "
            ".json). Every GET answer carries an ETag and a Cache-Control; send the ETag back "
            'in If-None-Match for a 304. Errors are {"error": message}.',
        },
        "paths": dict(sorted(paths.items())),
        "components": {"schemas": _schemas()},
    }
