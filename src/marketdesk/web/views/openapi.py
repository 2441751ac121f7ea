"""``/openapi.json``: the desk's OpenAPI description (web/openapi.py), built from the app's own
routes on the first request and kept for the life of the app."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from marketdesk import __version__
from marketdesk.web.openapi import openapi_document
from marketdesk.web.render import JSONResponse
from marketdesk.web.views.state import desk


def openapi(request: Request) -> Response:
    app = request.app
    doc = getattr(app.state, "openapi", None)
    if doc is None:
        editions = [e.code for e in desk(request).registry.editions()]
        doc = openapi_document(app.routes, editions, __version__)
        app.state.openapi = doc
    return JSONResponse(doc)
