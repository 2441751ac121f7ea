"""``/stories/{id}`` and ``/stories/{id}.json``: one story."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from marketdesk.app import shapes
from marketdesk.app.stories import copies as story_copies
from marketdesk.app.stories import story as get_story
from marketdesk.web.views.state import desk, renderer


def story(request: Request) -> Response:
    d = desk(request)
    found = get_story(d, request.path_params["id"])
    copies = story_copies(d, found.id)
    return renderer(request).respond(
        request,
        "story.html",
        lambda: {**shapes.story_json(found), "copies": [shapes.copy_json(c) for c in copies]},
        lambda: {"story": found, "copies": copies},
    )
