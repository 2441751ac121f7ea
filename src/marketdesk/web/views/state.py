"""What views reach through the app: the Desk and the Renderer, set once by create_app, and
the live hub, made on the first live request (on the server's event loop)."""

from __future__ import annotations

from starlette.requests import Request

from marketdesk.app.desk import Desk
from marketdesk.web.live import LiveHub
from marketdesk.web.render import Renderer

__all__ = ["desk", "live_hub", "renderer"]


def desk(request: Request) -> Desk:
    found: Desk = request.app.state.desk
    return found


def renderer(request: Request) -> Renderer:
    found: Renderer = request.app.state.renderer
    return found


def live_hub(request: Request) -> LiveHub:
    found: LiveHub | None = request.app.state.live
    if found is None:
        found = LiveHub(desk(request), request.app.state.live_interval)
        request.app.state.live = found
    return found
