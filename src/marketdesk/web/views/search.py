"""``/search`` and ``/search.json``: full-text search over stored stories, with filters,
highlighting, a bounded count and paging; a query that names an instrument or an entity gets a
"go to" card above its results."""

from __future__ import annotations

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import Response

from marketdesk.app import shapes
from marketdesk.app.search import COUNT_CAP, search_page
from marketdesk.web.views.params import int_param, str_param
from marketdesk.web.views.state import desk, renderer


def search(request: Request) -> Response:
    view = search_page(
        desk(request),
        request.query_params.get("q", ""),
        int_param(request, "page", 1),
        topic=str_param(request, "topic"),
        country=str_param(request, "country"),
        entity=str_param(request, "entity"),
        instrument=str_param(request, "instrument"),
        start=str_param(request, "from"),
        end=str_param(request, "to"),
        source=str_param(request, "source"),
    )

    def context() -> dict[str, object]:
        hits = [
            # app/search.py escapes the text before it marks the words.
            (h, Markup(h.title_html), Markup(h.snippet_html))
            for h in view.hits
        ]
        return {"results": view, "q": view.q, "hits": hits, "cap": COUNT_CAP}

    return renderer(request).respond(
        request, "search.html", lambda: shapes.search_page_json(view), context
    )
