"""The web desk: a Starlette app over one Desk.

One route per page answers both ways: ``/stories/1`` is HTML and ``/stories/1.json`` its JSON
twin, from the same view and the same data (``/`` has ``/.json``). Article text is untrusted
plain text; templates autoescape it and pages carry a strict CSP (scripts from /static only).
``/editions/{code}/live`` streams an edition's banner and strip (web/live.py). Errors are a
helpful page for HTML and ``{"error": ...}`` for JSON: 404 for what does not exist, 400 for a
request that cannot be answered as asked, 401 for a JSON write without sign-in, 403 for a form
without its CSRF token, 429 for too many failed sign-ins. Every GET answer gets an ETag and a
Cache-Control (``web/caching.py``); sign-in and its cookies are ``web/auth.py``.
``/openapi.json`` describes the JSON twins (``web/openapi.py``).
"""

from __future__ import annotations

import logging
import secrets
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

from marketdesk.app.auth import FAILED_SIGNIN_DELAY, Throttle
from marketdesk.app.desk import Desk
from marketdesk.errors import (
    ForbiddenError,
    InputError,
    MarketdeskError,
    NotFoundError,
    SignInError,
    StorageError,
    TimestampError,
    TooManyAttemptsError,
    UnknownEditionError,
    UnknownInstrumentError,
)
from marketdesk.web import routing
from marketdesk.web.auth import SESSION_COOKIE
from marketdesk.web.caching import CachingHeaders
from marketdesk.web.microcache import MicroCache
from marketdesk.web.onloop import on_loop
from marketdesk.web.render import Renderer
from marketdesk.web.security import SecurityHeaders
from marketdesk.web.views.entities import entity
from marketdesk.web.views.front import front
from marketdesk.web.views.instruments import instrument, instrument_csv
from marketdesk.web.views.live import live
from marketdesk.web.views.openapi import openapi
from marketdesk.web.views.search import search
from marketdesk.web.views.signin import signin_form, signin_post, signout_post
from marketdesk.web.views.sources import source_action, source_add, sources_page
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
        if isinstance(exc, TooManyAttemptsError):
            response = renderer.error(request, 429, "Too many attempts", str(exc))
            response.headers["retry-after"] = str(exc.retry_after)
            return response
        if isinstance(exc, SignInError):
            return renderer.error(request, 401, "Sign in", str(exc))
        if isinstance(exc, ForbiddenError):
            return renderer.error(request, 403, "Forbidden", str(exc))
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
            Route("/stories/{id:int}{fmt:fmt}", on_loop(story)),
            Route("/instruments/{key:key}{fmt:fmt}", instrument),
            Route("/instruments/{key:key}/history.csv", instrument_csv),
            Route("/entities/{key:key}{fmt:fmt}", entity),
            Route("/search{fmt:fmt}", search),
            Route("/sources{fmt:fmt}", sources_page, methods=["GET", "HEAD"]),
            Route("/sources{fmt:fmt}", source_add, methods=["POST"]),
            Route("/sources/{id:int}/{action:key}{fmt:fmt}", source_action, methods=["POST"]),
            Route("/signin{fmt:fmt}", signin_form, methods=["GET", "HEAD"]),
            Route("/signin{fmt:fmt}", signin_post, methods=["POST"]),
            Route("/signout{fmt:fmt}", signout_post, methods=["POST"]),
            Route("/openapi.json", openapi),
            Mount("/static", StaticFiles(directory=str(static)), name="static"),
        ],
        lifespan=lifespan,
        exception_handlers={MarketdeskError: desk_error, HTTPException: http_error},
        # Outermost first: the caching headers (ETag, 304) see what the micro-cache answers.
        middleware=[
            Middleware(SecurityHeaders),
            Middleware(CachingHeaders, session_cookie=SESSION_COOKIE),
            Middleware(MicroCache),
        ],
    )
    app.state.desk = desk
    app.state.renderer = renderer
    # Sign-in: the key of the sign-in form's CSRF tokens (made anew at each start), the
    # failed-attempt counts of this process, and the delay every failure waits.
    app.state.csrf_key = secrets.token_bytes(32)
    app.state.throttle = Throttle(monotonic=desk.services.monotonic)
    app.state.signin_delay = FAILED_SIGNIN_DELAY
    app.state.live = None  # the live hub, made on the first live request
    app.state.live_interval = live_interval
    return app
