"""``/entities/{key}`` and its ``.json`` twin: a person, organisation or place, by its
knowledge-base key (``place:jp``) or, unlinked, its normalised name."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from marketdesk.app import shapes
from marketdesk.app.entities import entity_page, entity_url
from marketdesk.web.views.params import int_param
from marketdesk.web.views.state import desk, renderer


def entity(request: Request) -> Response:
    view = entity_page(desk(request), request.path_params["key"], int_param(request, "page", 1))
    return renderer(request).respond(
        request,
        "entity.html",
        lambda: shapes.entity_page_json(view),
        lambda: {"view": view, "entity_url": entity_url},
    )
