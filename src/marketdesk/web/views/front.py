"""``/`` and ``/.json``: an edition's banner, strip and latest stories."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from marketdesk.app import present, shapes
from marketdesk.app.front import front_page
from marketdesk.web.views.params import int_param, str_param
from marketdesk.web.views.state import desk, renderer


def front(request: Request) -> Response:
    page = front_page(desk(request), str_param(request, "edition"), int_param(request, "page", 1))
    return renderer(request).respond(
        request,
        "index.html",
        lambda: shapes.front_json(page),
        lambda: {"front": page, "strip": present.strip_rows(page.strip)},
    )
