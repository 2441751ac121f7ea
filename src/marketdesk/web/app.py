"""Starlette application factory.

Every HTML page has a JSON twin at the same path plus '.json' ('/' has '/.json').
Article text is untrusted: templates autoescape it, and any HTML shown passes nh3.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from importlib import resources
from typing import Any, ClassVar

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from marketdesk import __version__
from marketdesk.errors import MarketdeskError
from marketdesk.markets.charts import RESOLUTIONS, daily, parse_bound, sparkline_svg
from marketdesk.markets.clock import MarketClock
from marketdesk.markets.formatting import format_change, format_pct, format_price
from marketdesk.markets.registry import Edition, Registry
from marketdesk.markets.strip import strip_items
from marketdesk.model import Quote, StoredArticle, StripItem
from marketdesk.store.base import Storage
from marketdesk.store.sqlite import SQLiteStorage

CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
PAGE_SIZE = 20
DEFAULT_RANGE_DAYS = 365
MAX_RANGE_DAYS = 366 * 50
RECENT_ROWS = 30  # closes in the instrument page's table
SPARK_POINTS = 250  # about a year of sessions


def create_app(
    db: str,
    *,
    edition: str = "ca",
    registry: Registry | None = None,
    storage: Storage | None = None,
) -> Starlette:
    reg = registry or Registry.bundled()
    reg.edition(edition)  # fail at start-up, not on the first request
    env = Environment(
        loader=PackageLoader("marketdesk.web", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(version=__version__, editions=reg.editions())
    env.filters.update(price=format_price, change=format_change, pct=format_pct)
    state: dict[str, Any] = {"store": storage}

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        own = state["store"] is None
        if own:
            state["store"] = SQLiteStorage(db)
        try:
            yield
        finally:
            if own:
                state["store"].close()

    def store() -> Storage:
        s = state["store"]
        if s is None:  # used without lifespan (some test clients)
            s = state["store"] = SQLiteStorage(db)
        return s  # type: ignore[no-any-return]

    def pick_edition(request: Request) -> Edition:
        code = request.query_params.get("edition", edition)
        try:
            return reg.edition(code)
        except MarketdeskError as exc:
            raise HTTPException(404, str(exc)) from exc

    def render(name: str, status: int = 200, **ctx: Any) -> HTMLResponse:
        return HTMLResponse(env.get_template(name).render(**ctx), status_code=status)

    def front(request: Request) -> dict[str, Any]:
        ed = pick_edition(request)
        page = _int_param(request, "page", 1)
        now = datetime.now(UTC)
        try:
            banner = MarketClock.for_calendar(ed.calendar).banner(ed.label, now)
        except MarketdeskError:
            banner = None  # outside the calendar's range: show no banner rather than fail
        items = strip_items(ed, reg, store())
        stories = store().latest_articles(limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
        return {
            "edition": ed,
            "strip_keys": {shown: key for key, shown in ed.strip},
            "market_status": banner,
            "strip": items,
            "stories": stories,
            "page": page,
            "has_next": len(stories) == PAGE_SIZE,
        }

    def index(request: Request) -> Response:
        return render("index.html", **front(request))

    def index_json(request: Request) -> Response:
        ctx = front(request)
        return JSONResponse(
            {
                "edition": ctx["edition"].code,
                "market_status": ctx["market_status"],
                "strip": [_strip_json(i) for i in ctx["strip"]],
                "stories": [_story_summary(s) for s in ctx["stories"]],
                "page": ctx["page"],
                "next": f"/.json?page={ctx['page'] + 1}" if ctx["has_next"] else None,
            }
        )

    def get_story(request: Request) -> StoredArticle:
        story = store().get_article(int(request.path_params["id"]))
        if story is None:
            raise HTTPException(404, "no such story")
        return story

    def story(request: Request) -> Response:
        return render("story.html", story=get_story(request))

    def story_json(request: Request) -> Response:
        return JSONResponse(_story_json(get_story(request)))

    def search_results(request: Request) -> tuple[str, list[StoredArticle]]:
        q = request.query_params.get("q", "").strip()[:200]
        return q, (store().search_articles(q, limit=50) if q else [])

    def search(request: Request) -> Response:
        q, results = search_results(request)
        return render("search.html", q=q, stories=results)

    def search_json(request: Request) -> Response:
        q, results = search_results(request)
        return JSONResponse({"q": q, "stories": [_story_summary(s) for s in results]})

    def instrument_data(request: Request) -> dict[str, Any]:
        key = request.path_params["key"]
        try:
            inst = reg.instrument(key)
        except MarketdeskError as exc:
            raise HTTPException(404, str(exc).split(" Known keys:")[0]) from exc
        params = request.query_params
        try:
            end = parse_bound(params["to"], end=True) if params.get("to") else datetime.now(UTC)
            start = (
                parse_bound(params["from"], end=False)
                if params.get("from")
                else end - timedelta(days=DEFAULT_RANGE_DAYS)
            )
        except MarketdeskError as exc:
            raise HTTPException(400, str(exc)) from exc
        if start > end:
            raise HTTPException(400, "'from' is after 'to'")
        if end - start > timedelta(days=MAX_RANGE_DAYS):
            raise HTTPException(400, f"a range may span at most {MAX_RANGE_DAYS} days")
        resolution = params.get("resolution", "daily")
        if resolution not in RESOLUTIONS:
            raise HTTPException(400, f"resolution must be one of {', '.join(RESOLUTIONS)}")
        quotes = store().history(inst.key, start, end)
        if resolution == "daily":
            quotes = daily(quotes)
        return {
            "instrument": inst,
            "latest": store().latest_quote(inst.key),
            "history": quotes,
            "start": start,
            "end": end,
            "resolution": resolution,
        }

    def instrument_page(request: Request) -> Response:
        ctx = instrument_data(request)
        recent = list(reversed(ctx["history"][-RECENT_ROWS:]))
        svg = sparkline_svg([q.last for q in ctx["history"][-SPARK_POINTS:]])
        query = request.url.query
        return render(
            "instrument.html",
            recent=recent,
            sparkline=Markup(svg),  # built from numbers only, by sparkline_svg
            json_url=f"/instruments/{ctx['instrument'].key}.json" + (f"?{query}" if query else ""),
            **ctx,
        )

    def instrument_json(request: Request) -> Response:
        ctx = instrument_data(request)
        inst = ctx["instrument"]
        latest = ctx["latest"]
        return JSONResponse(
            {
                "key": inst.key,
                "name": inst.name,
                "kind": str(inst.kind),
                "currency": inst.currency,
                "calendar": inst.calendar,
                "decimals": inst.decimals,
                "aliases": list(inst.aliases),
                "symbols": dict(inst.symbols),
                "latest": _quote_json(latest, inst.decimals) if latest else None,
                "from": ctx["start"].isoformat(),
                "to": ctx["end"].isoformat(),
                "resolution": ctx["resolution"],
                "history": [_quote_json(q, inst.decimals) for q in ctx["history"]],
            }
        )

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        if request.url.path.endswith(".json"):
            return JSONResponse({"error": exc.detail}, status_code=exc.status_code)
        return render("error.html", status=exc.status_code, message=exc.detail)

    static = resources.files("marketdesk.web") / "static"
    app = Starlette(
        routes=[
            Route("/", index),
            Route("/.json", index_json),
            Route("/stories/{id:int}", story),
            Route("/stories/{id:int}.json", story_json),
            Route("/instruments/{key}.json", instrument_json),
            Route("/instruments/{key}", instrument_page),
            Route("/search", search),
            Route("/search.json", search_json),
            Mount("/static", StaticFiles(directory=str(static)), name="static"),
        ],
        lifespan=lifespan,
        exception_handlers={HTTPException: http_error},
        middleware=[Middleware(SecurityHeaders)],
    )

    return app


class SecurityHeaders:
    """Pure ASGI middleware: a strict CSP and friends on every response."""

    HEADERS: ClassVar[list[tuple[bytes, bytes]]] = [
        (b"content-security-policy", CSP.encode()),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"no-referrer"),
    ]

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *self.HEADERS]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _int_param(request: Request, name: str, default: int) -> int:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise HTTPException(400, f"{name} must be a whole number") from None
    if value < 1 or value > 100_000:
        raise HTTPException(400, f"{name} out of range")
    return value


def _strip_json(i: StripItem) -> dict[str, Any]:
    return {
        "name": i.name,
        "last": i.last,
        "change": i.change,
        "change_pct": i.change_pct,
        "display": {
            "last": format_price(i.last, i.decimals),
            "change": format_change(i.change, i.decimals) if i.change is not None else None,
            "change_pct": format_pct(i.change_pct) if i.change_pct is not None else None,
        },
        "at": i.at.isoformat(),
        "source": i.source,
    }


def _quote_json(q: Quote, decimals: int) -> dict[str, Any]:
    return {
        **q.to_json(),
        "display": {
            "last": format_price(q.last, decimals),
            "change": format_change(q.change, decimals) if q.change is not None else None,
            "change_pct": format_pct(q.change_pct) if q.change_pct is not None else None,
        },
    }


def _story_summary(s: StoredArticle) -> dict[str, Any]:
    a = s.article
    return {
        "id": s.id,
        "url": f"/stories/{s.id}",
        "title": a.title,
        "origin": a.origin,
        "publisher": a.publisher,
        "published": a.published.isoformat() if a.published else None,
        "modified": a.modified.isoformat() if a.modified else None,
        "fetched_at": s.fetched_at.isoformat() if s.fetched_at else None,
        "summary": a.paragraphs[0] if a.paragraphs else None,
    }


def _story_json(s: StoredArticle) -> dict[str, Any]:
    a = s.article
    return {
        **_story_summary(s),
        "source": s.source,
        "paragraphs": list(a.paragraphs),
        "text": a.text,
        "authors": list(a.authors),
        "copyright": a.copyright,
        "language": a.language,
        "market_status": s.market_status,
        "removed": [{"kind": str(r.kind), "text": r.text} for r in s.removed],
    }
