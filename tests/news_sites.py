"""News sites for the daemon's tests: pages and feeds written for them, served on 127.0.0.1
(and 127.0.0.2, another host) by a threaded http.server."""

from __future__ import annotations

import contextlib
import http.server
import random
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from typing import Any

from marketdesk.clock import Clock
from marketdesk.net import Fetcher, FetchPolicy

# (status, body, headers); a body that is an iterable of chunks is streamed without a
# Content-Length unless the headers give one, until the client hangs up.
Reply = tuple[int, bytes | Iterable[bytes], dict[str, str]]


WORDS = [
    "traders",
    "analysts",
    "rates",
    "earnings",
    "currency",
    "outlook",
    "supply",
    "demand",
    "prices",
    "banks",
    "bonds",
    "equities",
    "futures",
    "inflation",
    "growth",
    "exports",
    "imports",
    "factory",
    "jobs",
    "wages",
    "housing",
    "credit",
    "lenders",
    "regulators",
    "ministers",
    "central",
    "policy",
    "meeting",
    "quarter",
    "forecast",
    "revenue",
    "margins",
    "shipping",
    "freight",
    "refinery",
    "harvest",
    "mining",
    "copper",
    "lithium",
    "coffee",
    "cocoa",
    "sugar",
    "wheat",
    "tariffs",
    "budget",
    "deficit",
    "surplus",
    "auction",
    "yields",
    "spreads",
    "volatility",
    "hedge",
    "funds",
    "pensions",
]


def article_html(title: str, lead: str, n: int = 5) -> bytes:
    """A page of prose of its own: the words are drawn from a generator seeded by the title,
    so two titles give two different articles."""
    rng = random.Random(title)
    paragraphs = "".join(
        f"<p>{lead} " + " ".join(rng.choice(WORDS) for _ in range(40)) + ".</p>" for _ in range(n)
    )
    return (
        f"<html><head><title>{title}</title></head><body><nav><a href='/'>Home</a></nav>"
        f"<article><h1>{title}</h1>{paragraphs}</article><footer>© 2026 Example News</footer></body></html>"
    ).encode()


def rss(items: list[tuple[str, str, str]]) -> bytes:
    body = "".join(
        f"<item><guid>{g}</guid><title>{t}</title><link>{link}</link>"
        f"<description>{t}: the entry's own summary of the story, in a sentence or two.</description>"
        "<pubDate>Tue, 01 Dec 2026 09:00:00 GMT</pubDate></item>"
        for g, t, link in items
    )
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Example News</title>'
        f"<link>http://example/</link>{body}</channel></rss>"
    ).encode()


class Site:
    """Routes by path; records every request path; unknown paths are 404."""

    def __init__(self) -> None:
        self.routes: dict[str, Reply | Callable[[Any], Reply]] = {}
        self.paths: list[str] = []


@contextlib.contextmanager
def serve(site: Site, host: str = "127.0.0.1") -> Iterator[str]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            site.paths.append(self.path)
            route = site.routes.get(self.path)
            code, body, headers = (
                (404, b"no", {}) if route is None else route(self) if callable(route) else route
            )
            self.send_response(code)
            length = {"Content-Length": str(len(body))} if isinstance(body, bytes) else {}
            for k, v in {**length, **headers}.items():
                self.send_header(k, v)
            self.end_headers()
            try:
                for chunk in [body] if isinstance(body, bytes) else body:
                    self.wfile.write(chunk)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client stopped reading: what a fetcher under a size cap does

    httpd = http.server.ThreadingHTTPServer((host, 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield f"http://{host}:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


def strict_fetcher(policy: FetchPolicy, clock: Clock) -> Fetcher:
    """The real fetcher under the real address rule (private refused), without waits."""
    return Fetcher(replace(policy, min_interval=0, retries=0), now=clock)


HTML = {"Content-Type": "text/html; charset=utf-8"}
XML = {"Content-Type": "application/rss+xml"}
