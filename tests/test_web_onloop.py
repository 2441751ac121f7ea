"""Story pages run on the event loop, not in a worker thread (web/onloop.py says why)."""

from __future__ import annotations

import asyncio
import inspect
import threading
from pathlib import Path

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from marketdesk.web.app import create_app
from marketdesk.web.onloop import on_loop
from support import make_desk


def test_on_loop_runs_the_view_in_the_loop_thread() -> None:
    seen: list[int] = []

    def view(request: Request) -> Response:
        seen.append(threading.get_ident())
        return PlainTextResponse("ok")

    wrapped = on_loop(view)
    assert inspect.iscoroutinefunction(wrapped) and wrapped.__name__ == "view"
    response = asyncio.run(wrapped(Request({"type": "http", "method": "GET", "headers": []})))
    assert response.body == b"ok" and seen == [threading.get_ident()]


def _story_endpoint(db: str) -> object:
    with make_desk(db) as desk:
        app = create_app(desk)
        return next(r.endpoint for r in app.routes if isinstance(r, Route) and "stories" in r.path)


def test_story_pages_run_on_the_loop(tmp_path: Path) -> None:
    assert inspect.iscoroutinefunction(_story_endpoint(str(tmp_path / "d.db")))
