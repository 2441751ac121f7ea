"""``/instruments/{key}`` and its ``.json`` twin: facts, latest quote, history over a range."""

from __future__ import annotations

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import Response

from marketdesk.app import present, shapes
from marketdesk.app.instruments import instrument_view
from marketdesk.web.views.params import str_param
from marketdesk.web.views.state import desk, renderer

RECENT_ROWS = 30  # closes in the page's table
SPARK_POINTS = 250  # about a year of sessions


def instrument(request: Request) -> Response:
    view = instrument_view(
        desk(request),
        request.path_params["key"],
        start=str_param(request, "from"),
        end=str_param(request, "to"),
        resolution=request.query_params.get("resolution", "daily"),
    )

    def context() -> dict[str, object]:
        svg = present.sparkline_svg([q.last for q in view.history[-SPARK_POINTS:]])
        return {
            "view": view,
            "recent": list(reversed(view.history[-RECENT_ROWS:])),
            "sparkline": Markup(svg),  # built from numbers only, by sparkline_svg
        }

    return renderer(request).respond(
        request, "instrument.html", lambda: shapes.instrument_json(view), context
    )
