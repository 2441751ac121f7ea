"""web/microcache.py: whole responses shared for a second, only what every client may share."""

from __future__ import annotations

import asyncio

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import Message, Receive, Scope, Send

from marketdesk.web.microcache import MicroCache


def make_app(clock: list[float]) -> tuple[MicroCache, list[str]]:
    calls: list[str] = []

    def page(request: Request) -> Response:
        calls.append(request.url.path + "?" + request.url.query)
        kind = request.query_params.get("kind", "text/html")
        response = Response(f"rendered {len(calls)}", media_type=kind)
        if request.query_params.get("cookie"):
            response.set_cookie("s", "1")
        if request.query_params.get("status"):
            response.status_code = int(request.query_params["status"])
        return response

    def private(request: Request) -> Response:
        calls.append("private")
        return PlainTextResponse("mine", headers={"cache-control": "private, no-store"})

    app = Starlette(routes=[Route("/p", page), Route("/me", private)])
    return MicroCache(app, ttl=1.0, clock=lambda: clock[0]), calls


def get(app: MicroCache, url: str, **headers: str) -> httpx.Response:
    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
            return await c.get(url, headers=headers)

    return asyncio.run(go())


def test_a_page_is_rendered_once_a_second_for_everyone() -> None:
    clock = [100.0]
    app, calls = make_app(clock)
    assert get(app, "/p").text == "rendered 1"
    assert get(app, "/p").text == "rendered 1"
    assert get(app, "/p?x=1").text == "rendered 2"  # another query, another page
    clock[0] += 1.01
    assert get(app, "/p").text == "rendered 3"
    assert len(calls) == 3


def test_what_is_not_for_everyone_is_never_shared() -> None:
    clock = [0.0]
    app, calls = make_app(clock)
    for url, headers in (
        ("/p?cookie=1", {}),  # sets a cookie
        ("/p?status=404", {}),
        ("/p?kind=text/event-stream", {}),
        ("/me", {}),  # private, no-store
        ("/p", {"cookie": "session=abc"}),  # a signed-in reader
        ("/p", {"authorization": "Bearer x"}),
    ):
        first, second = get(app, url, **headers), get(app, url, **headers)
        assert first.text != second.text or url == "/me", url
    assert calls.count("private") == 2


def test_headers_added_outside_are_not_added_twice() -> None:
    clock = [0.0]
    app, _ = make_app(clock)

    async def outer(scope, receive, send):  # type: ignore[no-untyped-def]
        async def add(message):  # type: ignore[no-untyped-def]
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), (b"x-outer", b"1")]
            await send(message)

        await app(scope, receive, add)

    async def go() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=outer)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
            return [await c.get("/p") for _ in range(3)]

    for r in asyncio.run(go()):
        assert r.headers.get_list("x-outer") == ["1"]


def test_readers_of_a_page_being_rendered_wait_for_it() -> None:
    calls: list[int] = []

    async def slow(request: Request) -> Response:
        calls.append(1)
        await asyncio.sleep(0.2)
        return Response(f"rendered {len(calls)}", media_type="text/html")

    app = MicroCache(Starlette(routes=[Route("/slow", slow)]), ttl=1.0)

    async def go() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
            return list(await asyncio.gather(*(c.get("/slow") for _ in range(10))))

    answers = asyncio.run(go())
    assert [r.text for r in answers] == ["rendered 1"] * 10 and len(calls) == 1


def test_readers_of_a_stream_do_not_wait_for_it_to_end() -> None:
    """A second reader of a live stream gets its own stream at once: only a page that can be
    shared is waited for."""
    end = asyncio.Event()
    started: list[int] = []

    async def stream(scope: Scope, receive: Receive, send: Send) -> None:
        started.append(1)
        headers = [(b"content-type", b"text/event-stream")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b"data: 1\n\n", "more_body": True})
        await end.wait()  # a stream ends when its reader goes
        await send({"type": "http.response.body", "body": b"", "more_body": False})

    app = MicroCache(stream, ttl=1.0)

    async def read(heard: asyncio.Event) -> None:
        async def receive() -> Message:
            await end.wait()
            return {"type": "http.disconnect"}

        async def send(message: Message) -> None:
            if message["type"] == "http.response.body" and message.get("body"):
                heard.set()

        scope = {"type": "http", "method": "GET", "path": "/live", "query_string": b"",
                 "headers": []}  # fmt: skip
        await app(scope, receive, send)

    async def go() -> None:
        first, second = asyncio.Event(), asyncio.Event()
        tasks = [asyncio.create_task(read(first)), asyncio.create_task(read(second))]
        await asyncio.wait_for(asyncio.gather(first.wait(), second.wait()), 5)
        assert len(started) == 2  # each reader its own stream, while the first goes on
        end.set()
        await asyncio.gather(*tasks)

    asyncio.run(go())
