"""Story pages run on the event loop where the store is read in process (SQLite), and in a
worker thread where each read is a round trip to a server (PostgreSQL)."""

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


def test_story_pages_on_the_loop_only_where_reads_are_in_process(tmp_path: Path) -> None:
    assert make_desk(str(tmp_path / "d.db")).reads_in_process
    assert inspect.iscoroutinefunction(_story_endpoint(str(tmp_path / "d.db")))
    pg = "postgresql://postgres@127.0.0.1:5432/nowhere"
    assert not make_desk(pg).reads_in_process  # nothing is opened to tell
