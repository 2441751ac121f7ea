"""``/stories/{id}`` and ``/stories/{id}.json``: one story."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from marketdesk.app import shapes
from marketdesk.app.stories import story as get_story
from marketdesk.web.views.state import desk, renderer


def story(request: Request) -> Response:
    found = get_story(desk(request), request.path_params["id"])
    return renderer(request).respond(
        request, "story.html", lambda: shapes.story_json(found), lambda: {"story": found}
    )
