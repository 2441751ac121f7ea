"""HTTP caching of the web desk, in process: an ETag on every GET answer and its JSON twin,
304 for If-None-Match, Cache-Control per page, and no CORS header anywhere."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route

from marketdesk.app import auth
from marketdesk.app.desk import Desk
from marketdesk.app.ingest import store_document
from marketdesk.model import RawDocument
from marketdesk.web.app import create_app
from marketdesk.web.caching import CachingHeaders, etag_matches
from marketdesk.web.microcache import TTL
from support import make_desk
from web_client import Browser, sign_in

AT = datetime(2026, 3, 2, 20, 18, tzinfo=UTC)
WEB = Path(__file__).parent / "fixtures" / "web"


@pytest.fixture
def desk(db_path: str) -> Iterator[Desk]:
    d = make_desk(db_path, now=AT)
    store_document(
        d, RawDocument(source="a.txt", content=(WEB / "portal-syndicated.txt").read_bytes())
    )
    yield d
    d.close()


@pytest.fixture
def browser(desk: Desk) -> Iterator[Browser]:
    b = Browser(create_app(desk))
    yield b
    b.close()


PAGES = [
    "/",
    "/.json",
    "/search?q=lumber",
    "/search.json?q=lumber",
    "/stories/1",
    "/stories/1.json",
    "/instruments/tsx",
    "/instruments/tsx.json",
]


@pytest.mark.parametrize("path", PAGES)
def test_live_pages_revalidate_with_their_etag(browser: Browser, path: str) -> None:
    first = browser.get(path)
    assert first.status_code == 200, path
    etag = first.headers["etag"]
    assert etag.startswith('"') and etag.endswith('"') and len(etag) > 10
    assert first.headers["cache-control"] == "no-cache"
    again = browser.get(path)
    assert again.headers["etag"] == etag  # the same body, the same tag
    for sent in (etag, f"W/{etag}", f'"other", {etag}', "*"):
        cached = browser.get(path, headers={"If-None-Match": sent})
        assert cached.status_code == 304, sent
        assert cached.content == b""
        assert cached.headers["etag"] == etag and cached.headers["cache-control"] == "no-cache"
        assert "content-length" not in cached.headers or cached.headers["content-length"] == "0"
    changed = browser.get(path, headers={"If-None-Match": '"something-else"'})
    assert changed.status_code == 200 and changed.content == first.content


def test_the_etag_follows_the_content(desk: Desk, browser: Browser) -> None:
    before = browser.get("/.json").headers["etag"]
    store_document(
        desk, RawDocument(source="b.txt", content=(WEB / "portal-hostile.txt").read_bytes())
    )
    time.sleep(TTL + 0.1)  # a page is shared for a second (web/microcache.py), then renewed
    after = browser.get("/.json", headers={"If-None-Match": before})
    assert after.status_code == 200 and after.headers["etag"] != before


def test_head_answers_like_get(browser: Browser) -> None:
    etag = browser.get("/").headers["etag"]
    head = browser.request("HEAD", "/")
    assert head.status_code == 200 and head.headers["etag"] == etag
    assert browser.request("HEAD", "/", headers={"If-None-Match": etag}).status_code == 304


def test_static_files_are_public_for_a_day(browser: Browser) -> None:
    css = browser.get("/static/desk.css")
    assert css.status_code == 200
    assert css.headers["cache-control"] == "public, max-age=86400"
    cached = browser.get("/static/desk.css", headers={"If-None-Match": css.headers["etag"]})
    assert cached.status_code == 304
    assert cached.headers["cache-control"] == "public, max-age=86400"


def test_sign_in_pages_and_signed_in_browsers_are_never_stored(
    desk: Desk, browser: Browser
) -> None:
    for path in ("/signin", "/signin.json", "/sources", "/sources.json"):
        answer = browser.get(path)
        assert answer.headers["cache-control"] == "private, no-store", path
        assert "etag" in answer.headers
    auth.create_user(desk, "ada", "correct horse battery")
    done = sign_in(browser, "ada", "correct horse battery")
    assert done.headers["cache-control"] == "private, no-store"  # it sets the cookie
    for path in ("/", "/.json", "/stories/1"):  # any page, once the browser has a session
        assert browser.get(path).headers["cache-control"] == "private, no-store", path


def test_errors_and_posts_are_not_stored(browser: Browser) -> None:
    missing = browser.get("/stories/999")
    assert missing.status_code == 404 and missing.headers["cache-control"] == "no-store"
    assert "etag" not in missing.headers
    bad = browser.get("/.json?page=x")
    assert bad.status_code == 400 and bad.headers["cache-control"] == "no-store"
    post = browser.post("/signin", data={})
    assert post.status_code == 403 and post.headers["cache-control"] == "private, no-store"


def test_no_cors_header_anywhere(browser: Browser) -> None:
    origin = {"Origin": "https://elsewhere.example"}
    for path in ("/", "/.json", "/sources.json", "/static/desk.css"):
        answer = browser.get(path, headers=origin)
        assert not [h for h in answer.headers if h.lower().startswith("access-control-")], path
    preflight = browser.request(
        "OPTIONS",
        "/sources.json",
        headers={**origin, "Access-Control-Request-Method": "POST"},
    )
    assert preflight.status_code == 405
    assert "access-control-allow-origin" not in preflight.headers


def _tiny_app() -> CachingHeaders:
    async def stream(request: Request) -> Response:
        async def parts() -> AsyncIterator[bytes]:
            yield b"data: one\n\n"
            yield b"data: two\n\n"

        return StreamingResponse(parts(), media_type="text/event-stream")

    def own(request: Request) -> Response:
        return PlainTextResponse("history", headers={"Cache-Control": "public, max-age=300"})

    app = Starlette(routes=[Route("/events", stream), Route("/own", own)])
    return CachingHeaders(app, session_cookie="s")


def _get(app: CachingHeaders, path: str, **headers: str) -> httpx.Response:
    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
            return await c.get(path, headers=headers)

    return asyncio.run(go())


def test_streams_pass_as_they_come_and_a_views_own_policy_is_kept() -> None:
    app = _tiny_app()
    events = _get(app, "/events")
    assert events.text == "data: one\n\ndata: two\n\n"
    assert "etag" not in events.headers and events.headers["cache-control"] == "no-cache"
    own = _get(app, "/own")
    assert own.headers["cache-control"] == "public, max-age=300" and "etag" in own.headers
    assert _get(app, "/own", cookie="s=token").headers["cache-control"] == "private, no-store"


def test_etag_comparison() -> None:
    assert etag_matches('"a"', '"a"') and etag_matches('W/"a"', '"a"')
    assert etag_matches(' "b" , W/"a"', '"a"') and etag_matches("*", '"a"')
    assert not etag_matches('"ab"', '"a"') and not etag_matches("", '"a"')
