"""`marketdesk serve` as a process: it takes the port before it says it serves, serves the
editions of the user's config, and stops cleanly on SIGTERM."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

WEB = Path(__file__).parent / "fixtures" / "web"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def marketdesk(*argv: str, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "marketdesk", *argv],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **env},
    )


@pytest.fixture
def desk_db(tmp_path: Path) -> Iterator[tuple[str, dict[str, str]]]:
    db = str(tmp_path / "desk.db")
    config = tmp_path / "config.toml"
    config.write_text(
        '[editions.watch]\nlabel = "My"\ncalendar = "XTSE"\nstrip = [["tsx", "TSX"], "wti"]\n'
    )
    env = {"MARKETDESK_CONFIG": str(config)}
    ingest = marketdesk("ingest", str(WEB / "portal-syndicated.txt"), "--db", db, env=env)
    assert ingest.wait(60) == 0, ingest.communicate()
    yield db, env


def test_serve_a_user_edition_then_stop_on_sigterm(desk_db: tuple[str, dict[str, str]]) -> None:
    db, env = desk_db
    port = free_port()
    proc = marketdesk("serve", "--db", db, "--port", str(port), "--edition", "watch", env=env)
    try:
        assert proc.stderr is not None
        line = proc.stderr.readline()
        assert f"serving {db} on http://127.0.0.1:{port}" in line
        data = httpx.get(f"http://127.0.0.1:{port}/.json", timeout=10).json()
        assert data["edition"] == "watch" and data["strip"][0]["name"] == "TSX"
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(20) == 0
        assert "Traceback" not in proc.stderr.read()
    finally:
        proc.kill()
        proc.wait()


def test_a_busy_port_is_an_error_before_serving(desk_db: tuple[str, dict[str, str]]) -> None:
    db, env = desk_db
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        started = time.monotonic()
        proc = marketdesk("serve", "--db", db, "--port", str(port), env=env)
        _, err = proc.communicate(timeout=60)
    assert proc.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}: Address already in use" in err
    assert "serving" not in err and "Traceback" not in err
    assert time.monotonic() - started < 60


def test_an_unknown_edition_is_an_error_before_serving(
    desk_db: tuple[str, dict[str, str]],
) -> None:
    db, env = desk_db
    proc = marketdesk("serve", "--db", db, "--port", str(free_port()), "--edition", "zz", env=env)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 1 and "unknown edition 'zz'" in err and "watch" in err
    assert "serving" not in err


def test_serve_from_two_worker_processes_then_stop_on_sigterm(
    desk_db: tuple[str, dict[str, str]],
) -> None:
    db, env = desk_db
    port = free_port()
    proc = marketdesk(
        "serve", "--db", db, "--port", str(port), "--edition", "watch", "--workers", "2", env=env
    )
    try:
        assert proc.stderr is not None
        line = proc.stderr.readline()
        assert f"on http://127.0.0.1:{port} with 2 workers" in line
        deadline = time.monotonic() + 90
        while True:  # the workers start after the port is taken: wait for one to answer
            try:
                data = httpx.get(f"http://127.0.0.1:{port}/.json", timeout=10).json()
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline and proc.poll() is None
                time.sleep(0.3)
        assert data["edition"] == "watch" and data["strip"][0]["name"] == "TSX"
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(30) == 0
        assert "Traceback" not in proc.stderr.read()
    finally:
        proc.kill()
        proc.wait()
