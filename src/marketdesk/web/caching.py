"""HTTP caching of every GET answer: an ETag from the body, 304 for ``If-None-Match``, and a
``Cache-Control`` that fits the page. Pure ASGI middleware, so it covers every route, error
pages and static files alike.

The policy, first rule that applies:

- anything with a session: a request that carries the session cookie, an answer that sets a
  cookie, and the sign-in and sources pages (forms with CSRF tokens): ``private, no-store``;
- an error, or an answer to anything but GET and HEAD: ``no-store``;
- a ``Cache-Control`` the view set itself: kept;
- static files (``/static/``): ``public, max-age=86400`` (their ETag and 304 are Starlette's,
  from the file's size and time);
- every other page and its JSON twin (live pages: the front page, quotes, stories):
  ``no-cache``, so a browser keeps its copy and asks each time, and the ETag makes the answer
  an empty 304 when nothing changed.

A body is hashed only when the answer gives its length (a ``Response``, not a stream such as
server-sent events) and is at most ``MAX_HASHED`` bytes; others pass as they come. No CORS
header is ever added: the JSON API is for same-origin pages and for clients that are not
browsers.
"""

from __future__ import annotations

import hashlib

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["MAX_HASHED", "PRIVATE", "CachingHeaders", "etag_matches"]

MAX_HASHED = 16 * 1024 * 1024
PRIVATE = "private, no-store"
STATIC = "public, max-age=86400"
LIVE = "no-cache"
# Pages that hold a form's CSRF token or say who is signed in: never kept by any cache.
_PRIVATE_PREFIXES = ("/signin", "/signout", "/sources")
# Headers a 304 carries over from the answer it stands for (RFC 9110 15.4.5).
_KEPT_ON_304 = {b"cache-control", b"etag", b"vary", b"expires", b"content-location", b"date"}


def etag_matches(if_none_match: str, etag: str) -> bool:
    """``If-None-Match`` against an ETag, by the weak comparison a GET uses."""
    if if_none_match.strip() == "*":
        return True
    bare = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == bare for tag in if_none_match.split(","))


class CachingHeaders:
    def __init__(self, app: ASGIApp, *, session_cookie: str) -> None:
        self.app = app
        self.session_cookie = session_cookie

    def _private_request(self, scope: Scope, headers: Headers) -> bool:
        path: str = scope["path"]
        if path.startswith(_PRIVATE_PREFIXES):
            return True
        cookie = headers.get("cookie", "")
        return f"{self.session_cookie}=" in cookie

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_headers = Headers(scope=scope)
        method = scope["method"]
        readable = method in ("GET", "HEAD")
        private = self._private_request(scope, request_headers)
        static = scope["path"].startswith("/static/")
        if_none_match = request_headers.get("if-none-match")
        start: Message | None = None
        chunks: list[bytes] = []

        def policy(status: int, headers: MutableHeaders) -> str:
            if private or "set-cookie" in headers:
                return PRIVATE
            if not readable or status >= 400:
                return "no-store"
            if "cache-control" in headers:
                return headers["cache-control"]
            return STATIC if static else LIVE

        async def send_cached(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                headers = MutableHeaders(scope=message)
                status = message["status"]
                headers["cache-control"] = policy(status, headers)
                length = headers.get("content-length")
                hashable = (
                    readable
                    and status == 200
                    and "etag" not in headers
                    and length is not None
                    and length.isdigit()
                    and int(length) <= MAX_HASHED
                )
                if hashable:
                    start = message  # held until the body is in, to put its ETag first
                    return
                if (
                    readable
                    and status == 200
                    and if_none_match
                    and "etag" in headers
                    and etag_matches(if_none_match, headers["etag"])
                ):
                    await send(_not_modified(message))
                    await send({"type": "http.response.body", "body": b""})
                    start = _SENT
                    return
                await send(message)
                return
            if start is _SENT:
                return  # the 304 has no body: the view's is dropped
            if start is None:
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            body = b"".join(chunks)
            headers = MutableHeaders(scope=start)
            etag = f'"{hashlib.blake2b(body, digest_size=16).hexdigest()}"'
            headers["etag"] = etag
            if if_none_match and etag_matches(if_none_match, etag):
                await send(_not_modified(start))
                await send({"type": "http.response.body", "body": b""})
                return
            await send(start)
            await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, send_cached)


_SENT: Message = {"type": "sent"}  # a 304 went out in place of the view's answer


def _not_modified(start: Message) -> Message:
    kept = [(k, v) for k, v in start.get("headers", []) if k.lower() in _KEPT_ON_304]
    return {"type": "http.response.start", "status": 304, "headers": kept}
