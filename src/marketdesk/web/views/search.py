"""``/search`` and ``/search.json``: full-text search over stored stories."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from marketdesk.app import shapes
from marketdesk.app.stories import search as run_search
from marketdesk.web.views.params import int_param
from marketdesk.web.views.state import desk, renderer


def search(request: Request) -> Response:
    q = request.query_params.get("q", "")
    results = run_search(desk(request), q, int_param(request, "page", 1))
    return renderer(request).respond(
        request,
        "search.html",
        lambda: shapes.search_json(results),
        lambda: {"results": results, "q": results.q},
    )
