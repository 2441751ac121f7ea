"""``/stories/{id}`` and ``/stories/{id}.json``: one story."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response

from marketdesk.app import shapes
from marketdesk.app.desk import Desk
from marketdesk.app.stories import copies as story_copies
from marketdesk.app.stories import story as get_story
from marketdesk.model import StoredArticle
from marketdesk.web.views.state import desk, renderer

if TYPE_CHECKING:
    from marketdesk.app.analyze import InstrumentLink  # loading it loads spaCy


def story(request: Request) -> Response:
    d = desk(request)
    found = get_story(d, request.path_params["id"])
    copies = story_copies(d, found.id)
    return renderer(request).respond(
        request,
        "story.html",
        lambda: {
            **shapes.story_json(found),
            "copies": [shapes.copy_json(c) for c in copies],
            **_enrichment(d, found),
        },
        lambda: {"story": found, "copies": copies, "instruments": _links(d, found)},
    )


def _enrichment(d: Desk, found: StoredArticle) -> dict[str, Any]:
    """The stored annotations as ``marketdesk analyze`` prints them; null when the article
    has not been enriched (yet)."""
    if found.annotations is None:
        return {"entities": None, "countries": None, "topics": None, "instruments": None}
    # Imported here: the gazetteer comes with spaCy, which the other pages never load.
    from marketdesk.app.analyze import countries, wikidata_ids

    entities = found.annotations.entities
    return shapes.annotations_json(
        found.annotations,
        wikidata=wikidata_ids(entities),
        countries=countries(entities),
        instruments=_links(d, found),
    )


def _links(d: Desk, found: StoredArticle) -> tuple[InstrumentLink, ...]:
    if found.annotations is None:
        return ()
    from marketdesk.app.analyze import links

    return links(d, found.annotations)
