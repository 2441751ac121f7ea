"""One view, two answers: the page as HTML from a template, or its JSON twin from the same data.

Errors take the same fork: a helpful HTML page, or ``{"error": ...}`` with the status.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from marketdesk import __version__
from marketdesk.app import present, urls
from marketdesk.app.shapes import dumps
from marketdesk.web.routing import wants_json

__all__ = ["JSONResponse", "Renderer"]


class JSONResponse(Response):
    """JSON that is always valid: shapes.dumps refuses NaN and infinities."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return dumps(content).encode("utf-8")


class Renderer:
    def __init__(self, editions: Sequence[object]) -> None:
        # Article text is untrusted plain text: autoescape makes every field of it inert.
        self.env = Environment(
            loader=PackageLoader("marketdesk.web", "templates"),
            autoescape=select_autoescape(["html"]),
            trim_blocks=True,
            lstrip_blocks=True,
            auto_reload=False,  # templates ship in the package: no stat() of them per request
        )
        # The links every page carries, built once rather than on every render.
        links = {"home": urls.front(), "search": urls.search(""), "css": urls.static("desk.css")}
        self.env.globals.update(version=__version__, editions=editions, url=urls, links=links)
        self.env.filters.update(
            price=present.format_price,
            change=present.format_change,
            pct=present.format_pct,
            trend=present.quote_trend,
            moment=present.moment,
        )

    def page(self, template: str, status: int = 200, **context: Any) -> HTMLResponse:
        return HTMLResponse(self.env.get_template(template).render(**context), status_code=status)

    def respond(
        self,
        request: Request,
        template: str,
        data: Callable[[], dict[str, Any]],
        context: Callable[[], dict[str, Any]],
    ) -> Response:
        """HTML from ``template`` with ``context()``, or ``data()`` as JSON for the .json twin:
        each is built only for the answer that needs it."""
        path = request.scope["path"]  # not request.url: a URL object costs a parse per request
        if wants_json(path, request.path_params.get("fmt")):
            return JSONResponse(data())
        json_url = urls.twin(path, request.scope["query_string"].decode("latin-1"))
        return self.page(template, json_url=json_url, **context())

    def error(self, request: Request, status: int, title: str, message: str) -> Response:
        if wants_json(request.scope["path"], request.path_params.get("fmt")):
            return JSONResponse({"error": message}, status_code=status)
        return self.page(
            "error.html", status=status, status_code=status, title=title, message=message
        )
