"""What views reach through the app: the Desk and the Renderer, set once by create_app."""

from __future__ import annotations

from starlette.requests import Request

from marketdesk.app.desk import Desk
from marketdesk.web.render import Renderer

__all__ = ["desk", "renderer"]


def desk(request: Request) -> Desk:
    found: Desk = request.app.state.desk
    return found


def renderer(request: Request) -> Renderer:
    found: Renderer = request.app.state.renderer
    return found
