"""``/sources`` and ``/sources.json``: each source's state, for anyone who can reach the desk;
adding one (``POST /sources``) and pausing, resuming or removing one
(``POST /sources/{id}/pause|resume|remove``) for a signed-in account, with the form's CSRF token.

HTML forms answer with a redirect back to the page (303, so a reload does not post again) or,
for a source that cannot be added, the page again with the message and the form as filled in;
the JSON twins answer with the source. Not signed in: HTML goes to the sign-in page, JSON gets
401; a missing or wrong CSRF token is a 403.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from marketdesk.app import shapes, urls
from marketdesk.app import sources as app_sources
from marketdesk.errors import InputError, MarketdeskError, NotFoundError
from marketdesk.model import Source
from marketdesk.web.auth import (
    check_csrf,
    csrf_token,
    current_session,
    form_fields,
    require_session,
)
from marketdesk.web.render import JSONResponse
from marketdesk.web.routing import wants_json
from marketdesk.web.views.state import desk, renderer

__all__ = ["source_action", "source_add", "sources_page"]

ACTIONS = ("pause", "resume", "remove")
_DONE = {"pause": "paused", "resume": "resumed", "remove": "removed"}
_NOTICES = {
    "added": "Added source {id}; it is due at once.",
    "exists": "That is source {id} already; nothing added.",
    "paused": "Paused source {id}.",
    "resumed": "Resumed source {id}; it is due at once.",
    "removed": "Removed source {id} (what it stored stays).",
}
MAX_LOCATION = 2048
_FIELDS = ("location", "kind", "every", "edition", "tags")


@dataclass(frozen=True, slots=True)
class SourceRow:
    """A source as the page shows it."""

    id: int
    url: str
    kind: str
    state: str
    paused: bool
    every: str
    edition: str | None
    tags: tuple[str, ...]
    last_fetch: str | None
    last_success: str | None
    next_poll: str | None
    last_error: str | None
    failures: int


def _when(at: datetime | None) -> str | None:
    return None if at is None else f"{at:%Y-%m-%d %H:%M} UTC"


def _every(seconds: int) -> str:
    for unit, size in (("d", 86_400), ("h", 3600), ("m", 60)):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def _row(s: Source) -> SourceRow:
    return SourceRow(
        id=s.id,
        url=app_sources.shown_url(s),
        kind=str(s.spec.kind),
        state=s.state,
        paused=s.paused,
        every=_every(s.spec.every_s),
        edition=s.spec.edition,
        tags=s.spec.tags,
        last_fetch=_when(s.last_fetch),
        last_success=_when(s.last_success),
        next_poll=None if s.paused else _when(s.next_poll),
        last_error=s.last_error,
        failures=s.failures,
    )


def _source_json(s: Source) -> dict[str, Any]:
    return {**shapes.source_json(s), "url": app_sources.shown_url(s)}


def _notice(request: Request) -> str | None:
    for key, text in _NOTICES.items():
        value = request.query_params.get(key, "")
        if value.isdigit() and len(value) < 19:
            return text.format(id=int(value))
    return None


def _page(
    request: Request,
    *,
    status: int = 200,
    error: str | None = None,
    form: dict[str, str] | None = None,
) -> Response:
    d = desk(request)
    listed = app_sources.list_sources(d)
    session = current_session(request)
    csrf = csrf_token(request)
    if wants_json(request.scope["path"], request.path_params.get("fmt")):
        return JSONResponse(
            {
                "sources": [_source_json(s) for s in listed],
                "signed_in": session is not None,
                "user": session.user.username if session else None,
                "csrf": csrf,
            },
            status_code=status,
        )
    return renderer(request).page(
        "sources.html",
        status=status,
        json_url=urls.sources(json=True),
        rows=[_row(s) for s in listed],
        user=session.user.username if session else None,
        csrf=csrf,
        notice=_notice(request),
        error=error,
        form=_filled(form or {}),
        kinds=app_sources.KINDS,
    )


def _filled(form: dict[str, str]) -> dict[str, str]:
    """The add form's fields as the user left them (empty on a first visit)."""
    return {k: form.get(k, "") for k in _FIELDS} | {"kind": form.get("kind") or "auto"}


def sources_page(request: Request) -> Response:
    return _page(request)


async def source_add(request: Request) -> Response:
    fields = await form_fields(request)
    gate = require_session(request)
    if isinstance(gate, Response):
        return gate
    check_csrf(request, fields)
    as_json = wants_json(request.scope["path"], request.path_params.get("fmt"))
    location = fields.get("location", "").strip()
    try:
        if not location:
            raise InputError("give the source's URL or path")
        if len(location) > MAX_LOCATION:
            raise InputError(f"the URL or path is too long (at most {MAX_LOCATION})")
        req = app_sources.SourceRequest(
            location=location,
            kind=fields.get("kind") or "auto",
            every=fields.get("every", "").strip() or None,
            edition=fields.get("edition", "").strip() or None,
            tags=tuple(t.strip() for t in fields.get("tags", "").split(",") if t.strip()),
            allow_private=fields.get("allow_private", "") in ("on", "true", "1", "yes"),
        )
        # A URL of kind auto is fetched once to tell what it is: off the event loop.
        source, created = await run_in_threadpool(app_sources.add_source, desk(request), req)
    except MarketdeskError as exc:
        # Whatever the reason (a path that is not there, a URL that cannot be read, a bad
        # interval), the request was at fault: 400, with the form kept as it was filled in.
        message = str(exc)
        if as_json:
            return JSONResponse({"error": message}, status_code=400)
        return await run_in_threadpool(
            lambda: _page(request, status=400, error=message, form=fields)
        )
    if as_json:
        return JSONResponse(
            {"source": _source_json(source), "created": created},
            status_code=201 if created else 200,
        )
    done = "added" if created else "exists"
    return RedirectResponse(f"{urls.sources()}?{done}={source.id}#source-{source.id}", 303)


async def source_action(request: Request) -> Response:
    action = request.path_params["action"]
    if action not in ACTIONS:
        raise NotFoundError(f"no such action {action[:40]!r}: one of {', '.join(ACTIONS)}")
    fields = await form_fields(request)
    gate = require_session(request)
    if isinstance(gate, Response):
        return gate
    check_csrf(request, fields)
    d = desk(request)
    source_id: int = request.path_params["id"]
    if action == "remove":
        source = await run_in_threadpool(app_sources.remove_source, d, source_id)
    else:
        source = await run_in_threadpool(app_sources.pause_source, d, source_id, action == "pause")
    if wants_json(request.scope["path"], request.path_params.get("fmt")):
        return JSONResponse({"source": _source_json(source), "done": _DONE[action]})
    anchor = "" if action == "remove" else f"#source-{source.id}"
    return RedirectResponse(f"{urls.sources()}?{_DONE[action]}={source.id}{anchor}", 303)
