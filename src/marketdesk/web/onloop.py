"""Views that run on the server's event loop rather than in a worker thread.

Starlette runs a plain (sync) view in a thread of anyio's pool. For a view that does a few
sub-millisecond reads of the store and renders a template, the hand-over costs more than the
work: the result waits for the loop thread to take the GIL back, and under load the request
threads and the loop thread convoy on it (story pages: 390 requests a second in threads, 1,280
on the loop, two workers under wrk, issue 12's benchmark). The story page runs on the loop on
both backends: its one statement takes about a millisecond on PostgreSQL, and the loop waiting
that out costs less than a thread's hand-over and its wait for the GIL (100,000 stories, two
workers: 1,400 -> 1,740 requests a second, p95 62-70 -> 42-45 ms; benchmarks/README.md, round
ten). The price: where PostgreSQL stops answering, a story page holds its process's loop until
the pool gives up (10 s), as every page of that process would fail anyway. What may take long
(search over a large store, a sign-in's password hash, a source's fetch) stays in threads, and
a server's concurrency comes from its worker processes (``serve --workers``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import wraps

from starlette.requests import Request
from starlette.responses import Response

__all__ = ["on_loop"]

View = Callable[[Request], Response]


def on_loop(view: View) -> Callable[[Request], Awaitable[Response]]:
    """``view`` as a coroutine that runs it on the event loop: only for views whose work is
    short and bounded (a page of a few indexed reads), never one that may wait long."""

    @wraps(view)
    async def run(request: Request) -> Response:
        return view(request)

    return run
