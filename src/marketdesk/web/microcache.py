"""A one-second cache of whole responses, shared by every client of a server process.

A desk left open by many people asks for the same few pages (the front page, a story in the
news, a popular search) many times a second; rendering each from the store every time is what
limits a server. A response kept for at most TTL seconds makes a busy page cost one rendering
a second, and can be stale by at most that much after it was rendered (the strip and banner
are live anyway, over server-sent events). Readers who ask for a page while it is being
rendered wait for that rendering rather than start their own.

Only what every client may share is kept: GET requests without a cookie or an
Authorization header, answered 200 with an HTML, JSON or CSV body of at most MAX_BODY bytes and
no Set-Cookie; streams (server-sent events) pass through untouched. Pure ASGI middleware.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["MAX_BODY", "TTL", "MicroCache"]

TTL = 1.0  # seconds
MAX_ENTRIES = 2048
MAX_BODY = 512 * 1024
_SHARED_TYPES = (b"text/html", b"application/json", b"text/csv")


@dataclass(frozen=True, slots=True)
class _Entry:
    at: float
    start: Message
    body: bytes


class MicroCache:
    def __init__(
        self, app: ASGIApp, ttl: float = TTL, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.app = app
        self.ttl = ttl
        self.clock = clock
        self.entries: OrderedDict[tuple[str, bytes, bytes], _Entry] = OrderedDict()
        # Pages being rendered: a request for one waits for it rather than render it again
        # (fifty readers of an expired front page cost one rendering, not fifty).
        self.rendering: dict[tuple[str, bytes, bytes], asyncio.Event] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # HEAD passes through: what answers it outside (an ETag of the body) needs the body.
        if scope["type"] != "http" or scope["method"] != "GET" or _private(scope):
            await self.app(scope, receive, send)
            return
        key = (scope["path"], scope.get("query_string", b""), _header(scope, b"accept-encoding"))
        if await self._answer(key, send):
            return
        busy = self.rendering.get(key)
        if busy is not None:
            await busy.wait()
            if await self._answer(key, send):
                return
        done = self.rendering.setdefault(key, asyncio.Event())
        try:
            await self._render(key, scope, receive, send, done)
        finally:
            self._release(key, done)

    def _release(self, key: tuple[str, bytes, bytes], done: asyncio.Event) -> None:
        """Readers waiting for this rendering go on: to the cached copy, or to their own."""
        if self.rendering.get(key) is done:
            del self.rendering[key]
        done.set()

    async def _answer(self, key: tuple[str, bytes, bytes], send: Send) -> bool:
        """Answer from the cache, if it holds a fresh copy."""
        entry = self.entries.get(key)
        if entry is None or self.clock() - entry.at >= self.ttl:
            return False
        self.entries.move_to_end(key)
        await send(_copy(entry.start))  # middleware outside may add to its headers
        await send({"type": "http.response.body", "body": entry.body, "more_body": False})
        return True

    async def _render(
        self,
        key: tuple[str, bytes, bytes],
        scope: Scope,
        receive: Receive,
        send: Send,
        done: asyncio.Event,
    ) -> None:
        start: Message | None = None
        chunks: list[bytes] = []
        keep = True

        async def capture(message: Message) -> None:
            nonlocal start, keep
            if message["type"] == "http.response.start":
                start = _copy(message)
                keep = _shareable(message)
                if not keep:
                    # Nothing to share (a stream, an error, a private page): readers waiting
                    # for it render their own now, not when this one ends (a live stream
                    # lasts as long as its reader stays).
                    self._release(key, done)
            elif message["type"] == "http.response.body" and keep:
                chunks.append(message.get("body", b""))
                if sum(len(c) for c in chunks) > MAX_BODY:
                    keep = False
                    chunks.clear()
            await send(message)

        await self.app(scope, receive, capture)
        if keep and start is not None:
            # Stamped when it is done: a page slower than TTL to render is still shared.
            self.entries[key] = _Entry(self.clock(), start, b"".join(chunks))
            self.entries.move_to_end(key)
            while len(self.entries) > MAX_ENTRIES:
                self.entries.popitem(last=False)


def _copy(start: Message) -> Message:
    return {**start, "headers": list(start.get("headers", ()))}


def _header(scope: Scope, name: bytes) -> bytes:
    return next((v for k, v in scope.get("headers", ()) if k == name), b"")


def _private(scope: Scope) -> bool:
    return any(k in (b"cookie", b"authorization") for k, _ in scope.get("headers", ()))


def _shareable(start: Message) -> bool:
    if start.get("status") != 200:
        return False
    headers = dict(start.get("headers", ()))
    if b"set-cookie" in headers:
        return False
    if b"no-store" in headers.get(b"cache-control", b"") or b"private" in headers.get(
        b"cache-control", b""
    ):
        return False
    kind: bytes = headers.get(b"content-type", b"")
    return kind.startswith(_SHARED_TYPES)
