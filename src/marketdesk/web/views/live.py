"""``/editions/{code}/live``: the edition's banner and strip as server-sent events.

Each event is ``event: market`` with the market line as its JSON data (the front page JSON's
``edition``, ``as_of``, ``market_status``, ``market_open``, ``next_change`` and ``strip``): one
at once, then one each time it changes (web/live.py). A comment every 15 seconds keeps proxies
from closing a quiet stream; the stream ends when the client goes or the server stops.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import aclosing

from sse_starlette import EventSourceResponse, ServerSentEvent
from starlette.requests import Request
from starlette.responses import Response

from marketdesk.web.views.state import desk, live_hub

KEEP_ALIVE_S = 15
SEND_TIMEOUT_S = 30  # a client that takes no bytes for this long is let go
RETRY_MS = 3000  # how long a browser waits before it reconnects


async def live(request: Request) -> Response:
    code = desk(request).edition(request.path_params["code"]).code  # unknown: a 404
    hub = live_hub(request)

    async def events() -> AsyncIterator[ServerSentEvent]:
        # aclosing: a client gone closes this generator at its yield, and the watch with it
        # (its watcher counted off at once, not whenever the collector gets to it).
        async with aclosing(hub.watch(code)) as watched:
            async for event in watched:
                yield ServerSentEvent(
                    data=event.data, event="market", id=str(event.id), retry=RETRY_MS
                )

    return EventSourceResponse(events(), ping=KEEP_ALIVE_S, send_timeout=SEND_TIMEOUT_S)
