"""What the tests of marketdesk.net share: a fake clock, a fake resolver, a MockTransport site
and a real HTTP server on 127.0.0.1.

Nothing here reaches the internet: mock tests use the fake resolver, and the real-socket tests
talk only to the server :func:`loopback_server` starts on 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import http.server
import random
import socket
import threading
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

import httpx

from marketdesk.net import Fetcher, FetchPolicy

PUBLIC = "93.184.216.34"
Route = Callable[[httpx.Request], httpx.Response]


class FakeClock:
    """Monotonic time that moves only when something sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def resolve(host: str, port: int) -> list[str]:
    table = {
        "internal.example": ["10.0.0.7"],
        "metadata.example": ["169.254.169.254"],
        "mixed.example": [PUBLIC, "192.168.1.10"],
    }
    if host.endswith(".invalid"):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
    return table.get(host, [PUBLIC])


class Site:
    """A MockTransport handler: routes by full URL, records every request; others get 404."""

    def __init__(self, clock: FakeClock | None = None) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[httpx.Request] = []
        self.times: list[float] = []
        self.clock = clock

    def route(self, url: str, *responses: Route) -> None:
        """Answer url with the given responses in turn, repeating the last."""
        queue = list(responses)

        def answer(request: httpx.Request) -> httpx.Response:
            return (queue.pop(0) if len(queue) > 1 else queue[0])(request)

        self.routes[url] = answer

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.clock is not None:
            self.times.append(self.clock.now)
        route = self.routes.get(str(request.url))
        return route(request) if route else httpx.Response(404)

    def hits(self, url: str) -> list[httpx.Request]:
        return [r for r in self.requests if str(r.url) == url]


def ok(body: bytes = b"<p>hello</p>", /, **headers: str) -> Route:
    headers.setdefault("content-type", "text/html; charset=utf-8")
    return lambda request: httpx.Response(200, content=body, headers=headers)


def status(code: int, **headers: str) -> Route:
    return lambda request: httpx.Response(code, headers=headers)


def redirect(location: str, code: int = 302) -> Route:
    return lambda request: httpx.Response(code, headers={"location": location})


def fail(exc: Exception) -> Route:
    def raise_it(request: httpx.Request) -> httpx.Response:
        raise exc

    return raise_it


def raise_from(exc: Exception, cause: BaseException) -> Route:
    def raise_it(request: httpx.Request) -> httpx.Response:
        raise exc from cause

    return raise_it


def make(
    site: Site,
    clock: FakeClock | None = None,
    *,
    now: Callable[[], datetime] | None = None,
    **policy: Any,
) -> Fetcher:
    """A Fetcher on ``site`` with the fake resolver and clock; ``policy`` is FetchPolicy's."""
    clock = clock or site.clock or FakeClock()
    wall = {} if now is None else {"now": now}
    return Fetcher(
        FetchPolicy(**policy),
        httpx.MockTransport(site),
        clock=clock,
        sleep=clock.sleep,
        resolver=resolve,
        rng=random.Random(7),
        **wall,
    )


class LoopbackHandler(http.server.BaseHTTPRequestHandler):
    paths: list[str]

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self.server.paths.append(self.path)  # type: ignore[attr-defined]
        self.server.authorizations.append(self.headers.get("Authorization"))  # type: ignore[attr-defined]
        if self.path == "/robots.txt":
            self._send(200, b"User-agent: *\nDisallow: /secret\n", "text/plain")
        elif self.path == "/page":
            if self.headers.get("If-None-Match") == '"v1"':
                self.send_response(304)
                self.end_headers()
                return
            self._send(200, b"<h1>Markets</h1>", "text/html; charset=utf-8", etag='"v1"')
        elif self.path == "/redirect":
            self.send_response(302)
            self.send_header("Location", "/page")
            self.end_headers()
        elif self.path == "/big":
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.end_headers()
            try:
                for _ in range(100):
                    self.wfile.write(b"z" * 1024)
            except OSError:
                pass  # the fetcher hung up, as it should
        else:
            self._send(404, b"no", "text/plain")

    def _send(self, code: int, body: bytes, media_type: str, etag: str | None = None) -> None:
        self.send_response(code)
        self.send_header("Content-Type", media_type)
        self.send_header("Content-Length", str(len(body)))
        if etag:
            self.send_header("ETag", etag)
        self.end_headers()
        self.wfile.write(body)


@contextlib.contextmanager
def loopback_server() -> Iterator[http.server.ThreadingHTTPServer]:
    """A LoopbackHandler server on 127.0.0.1, on a free port; ``.paths`` records the requests'
    paths, ``.authorizations`` their Authorization headers (None where there was none)."""
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), LoopbackHandler)
    httpd.daemon_threads = True
    httpd.paths = []  # type: ignore[attr-defined]
    httpd.authorizations = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield httpd
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


def base(server: http.server.ThreadingHTTPServer) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}"


def closed_port() -> int:
    """A port on 127.0.0.1 where nothing listens (bound, then closed again)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port
