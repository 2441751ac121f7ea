"""``/``, ``/editions/{code}`` and their ``.json`` twins: an edition's market line (banner and
strip, live), gainers and losers, top stories and the latest, with the stories' filters."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from marketdesk.app import present, shapes, urls
from marketdesk.app.freshness import zone_of
from marketdesk.app.front import Filters, front_page
from marketdesk.web.views.params import int_param, str_param
from marketdesk.web.views.state import desk, renderer

_FILTERS = ("topic", "country", "entity", "instrument")


def _filter(request: Request, name: str) -> str | None:
    raw = str_param(request, name)
    return raw.strip() or None if raw is not None else None


def front(request: Request) -> Response:
    code = request.path_params.get("code") or str_param(request, "edition")
    filters = Filters(**{name: _filter(request, name) for name in _FILTERS})
    page = front_page(desk(request), code, int_param(request, "page", 1), filters)

    def context() -> dict[str, object]:
        zone = zone_of(page.edition.calendar)
        return {
            "front": page,
            "strip": present.strip_rows(page.strip, page.line.freshness, zone),
            "gainers": present.mover_rows(page.gainers, zone),
            "losers": present.mover_rows(page.losers, zone),
            "live_url": urls.live(page.edition.code),
            "filters": page.filters,
            "filter_params": page.filters.params(),
        }

    return renderer(request).respond(
        request, "index.html", lambda: shapes.front_json(page), context
    )
