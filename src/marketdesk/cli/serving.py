"""Serving the desk: take the port first, then say so, then serve until Ctrl-C or SIGTERM."""

from __future__ import annotations

import errno
import signal
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from signal import SIGINT, SIGTERM

from marketdesk.app.desk import Desk
from marketdesk.cli.output import Console
from marketdesk.errors import MarketdeskError

__all__ = ["bind", "serve_desk", "serve_workers"]


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on host:port, or a MarketdeskError that says why not."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except (OSError, UnicodeError) as exc:
        raise MarketdeskError(f"cannot listen on {host}:{port}: unknown host ({exc})") from None
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(2048)
    except OSError as exc:
        sock.close()
        reason = exc.strerror or str(exc)
        hint = ""
        if exc.errno == errno.EADDRINUSE:
            hint = "; is another server using it? choose another with --port"
        raise MarketdeskError(f"cannot listen on {host}:{port}: {reason}{hint}") from None
    return sock


def serve_desk(desk: Desk, host: str, port: int, con: Console) -> int:
    """Serve ``desk`` on host:port; closes the desk when the server stops."""
    import uvicorn

    from marketdesk.web.app import create_app

    try:
        desk.storage  # noqa: B018  a missing or broken database fails before the port is taken
        app = create_app(desk, close_desk=True)
        sock = bind(host, port)
    except BaseException:
        desk.close()
        raise
    shown = f"[{host}]" if ":" in host else host
    con.note(f"serving {desk.location} on http://{shown}:{sock.getsockname()[1]} (Ctrl-C stops)")
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    with _stop_quietly():
        try:
            server.run(sockets=[sock])
        finally:
            sock.close()
    con.note("stopped")
    return 0


def serve_workers(desk: Desk, host: str, port: int, workers: int, con: Console) -> int:
    """Serve ``desk``'s database from ``workers`` processes on one listening socket (uvicorn's
    supervisor: a worker that dies is replaced). The desk is only checked and closed here;
    each worker opens its own (web/served.py)."""
    import os

    import uvicorn
    from uvicorn.supervisors import Multiprocess

    from marketdesk.web.served import DB_VAR, EDITION_VAR

    try:
        desk.storage  # noqa: B018  a missing or broken database fails before the port is taken
        desk.edition()  # so does an unknown edition
        location, edition = desk.settings.db, desk.settings.edition
        sock = bind(host, port)
    finally:
        desk.close()
    os.environ[DB_VAR] = str(location)
    os.environ[EDITION_VAR] = edition
    shown = f"[{host}]" if ":" in host else host
    con.note(
        f"serving {desk.location} on http://{shown}:{sock.getsockname()[1]} with {workers} "
        "workers (Ctrl-C stops)"
    )
    config = uvicorn.Config(
        "marketdesk.web.served:app",
        factory=True,
        workers=workers,
        log_level="warning",
        lifespan="on",
    )
    with _stop_quietly():
        try:
            Multiprocess(config, sockets=[sock]).run()
        finally:
            sock.close()
    con.note("stopped")
    return 0


@contextmanager
def _stop_quietly() -> Iterator[None]:
    """uvicorn shuts down gracefully on SIGINT/SIGTERM, then raises the signal again for the
    handler it found; a no-op handler there makes a requested stop exit 0, not "killed"."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {sig: signal.signal(sig, lambda *_: None) for sig in (SIGINT, SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
