"""The web desk: a Starlette app over one Desk.

One route per page answers both ways: ``/stories/1`` is HTML and ``/stories/1.json`` its JSON
twin, from the same view and the same data (``/`` has ``/.json``). Article text is untrusted
plain text; templates autoescape it and pages carry a strict CSP (scripts from /static only).
``/editions/{code}/live`` streams an edition's banner and strip (web/live.py). Errors are a
helpful page for HTML and ``{"error": ...}`` for JSON: 404 for what does not exist, 400 for a
request that cannot be answered as asked.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from marketdesk.app.desk import Desk
from marketdesk.errors import (
    InputError,
    MarketdeskError,
    NotFoundError,
    StorageError,
    TimestampError,
    UnknownEditionError,
    UnknownInstrumentError,
)
from marketdesk.web import routing
from marketdesk.web.render import Renderer
from marketdesk.web.security import SecurityHeaders
from marketdesk.web.views.front import front
from marketdesk.web.views.instruments import instrument
from marketdesk.web.views.live import live
from marketdesk.web.views.search import search
from marketdesk.web.views.stories import story

__all__ = ["create_app"]

log = logging.getLogger(__name__)

_NOT_FOUND = (NotFoundError, UnknownEditionError, UnknownInstrumentError)
_BAD_REQUEST = (InputError, TimestampError)


def create_app(desk: Desk, *, close_desk: bool = False, live_interval: float = 1.0) -> Starlette:
    """The desk's ASGI app. ``close_desk``: close the Desk when the server shuts down;
    ``live_interval``: seconds between the live stream's looks at the store."""
    routing.install()
    desk.edition()  # an unknown default edition fails at start-up, not on the first request
    renderer = Renderer(desk.registry.editions())

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            if app.state.live is not None:
                await app.state.live.close()
            if close_desk:
                desk.close()

    async def desk_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, MarketdeskError)
        if isinstance(exc, _NOT_FOUND):
            return renderer.error(request, 404, "Not found", str(exc))
        if isinstance(exc, _BAD_REQUEST):
            return renderer.error(request, 400, "Bad request", str(exc))
        log.error("%s: %s", request.url.path, exc)
        status = 503 if isinstance(exc, StorageError) else 500
        return renderer.error(request, status, "Unavailable", str(exc))

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        title = "Not found" if exc.status_code == 404 else "Error"
        message = "no page here" if exc.status_code == 404 else str(exc.detail)
        return renderer.error(request, exc.status_code, title, message)

    static = resources.files("marketdesk.web") / "static"
    app = Starlette(
        routes=[
            Route("/{fmt:fmt}", front),
            Route("/editions/{code:key}{fmt:fmt}", front),
            Route("/editions/{code:key}/live", live),
            Route("/stories/{id:int}{fmt:fmt}", story),
            Route("/instruments/{key:key}{fmt:fmt}", instrument),
            Route("/search{fmt:fmt}", search),
            Mount("/static", StaticFiles(directory=str(static)), name="static"),
        ],
        lifespan=lifespan,
        exception_handlers={MarketdeskError: desk_error, HTTPException: http_error},
        middleware=[Middleware(SecurityHeaders)],
    )
    app.state.desk = desk
    app.state.renderer = renderer
    app.state.live = None  # the live hub, made on the first live request
    app.state.live_interval = live_interval
    return app
