"""``/stories/{id}`` and ``/stories/{id}.json``: one story."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import Response

from marketdesk.app import shapes
from marketdesk.app.chart import StoryChart
from marketdesk.app.desk import Desk
from marketdesk.app.instrument_page import story_charts
from marketdesk.app.stories import shown_origin, story_page
from marketdesk.app.touched import InstrumentLink, Shown, shown
from marketdesk.model import StoredArticle, StoryCopy
from marketdesk.web import story_parts
from marketdesk.web.views.state import desk, renderer


def story(request: Request) -> Response:
    d = desk(request)
    page = story_page(d, request.path_params["id"])
    found, copies = page.article, page.copies
    known = _facts(d, found)
    touched = known[2] if known else ()
    charts = story_charts(d, page, [i.key for i in touched])
    return renderer(request).respond(
        request,
        "story.html",
        lambda: {
            **shapes.story_json(found),
            "story_origin": page.origin,
            "copies": [shapes.copy_json(c) for c in copies],
            **_enrichment(found, known),
            "markets": [shapes.story_chart_json(c) for c in charts],
        },
        lambda: {
            "story": found,
            "origin": shown_origin(page),
            "copies": copies,
            "instruments": touched,
            "charts": charts,
            "parts": _parts(found, copies, touched, charts),
        },
    )


def _parts(
    found: StoredArticle,
    copies: Sequence[StoryCopy],
    touched: Sequence[InstrumentLink],
    charts: Sequence[StoryChart],
) -> dict[str, Markup]:
    """The page's long lists as markup (web/story_parts.py), each only where it is shown."""
    entities = found.annotations.entities if found.annotations is not None else ()
    return {
        "paragraphs": story_parts.paragraphs(found.article.paragraphs),
        "entities": story_parts.entities(entities) if entities else Markup(),
        "instruments": story_parts.instruments(touched) if touched else Markup(),
        "charts": story_parts.charts(charts) if charts else Markup(),
        "copies": story_parts.copies(copies, found.id) if len(copies) > 1 else Markup(),
    }


def _facts(d: Desk, found: StoredArticle) -> Shown | None:
    return None if found.annotations is None else shown(d.registry, found.annotations)


def _enrichment(found: StoredArticle, known: Shown | None) -> dict[str, Any]:
    """The stored annotations as ``marketdesk analyze`` prints them; null when the article
    has not been enriched (yet)."""
    if found.annotations is None or known is None:
        keys = ("entities", "countries", "topics", "tone", "events", "instruments")
        return dict.fromkeys(keys)
    wikidata, countries, instruments = known
    return shapes.annotations_json(
        found.annotations, wikidata=wikidata, countries=countries, instruments=instruments
    )
