"""Every command that touches the database, on each backend: `--db` takes a SQLite path or a
postgresql:// URL and the commands behave alike on both."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from marketdesk.cli import main
from marketdesk.cli.output import Console
from support import services
from test_cli_serve import free_port

WEB = Path(__file__).parent / "fixtures" / "web"
PAGE = WEB / "portal-syndicated.txt"


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), services=services(), console=Console(out, err))
    assert "Traceback" not in err.getvalue()
    return code, out.getvalue(), err.getvalue()


def test_the_commands_on_each_backend(storage_url: str, tmp_path: Path) -> None:
    db = storage_url
    # A read before anything is stored: no database yet, and none made.
    code, _, err = run("strip", "ca", "--db", db)
    assert code == 1 and "no marketdesk database" in err
    code, out, _ = run("ingest", str(PAGE), "--db", db, "--fetched-at", "2026-03-02T20:18:00Z")
    assert code == 0 and out.strip() == f"{PAGE}: stored article 1, 5 quotes"
    code, out, _ = run("ingest", str(PAGE), "--db", db)
    assert code == 0 and "already stored, 0 quotes" in out
    code, out, _ = run("strip", "ca", "--at", "2026-03-02T20:18:00Z", "--db", db)
    assert code == 0 and out.splitlines()[0] == "S&P/TSX 21,480.12 -95.30 (-0.44%)"
    assert "DOW 38,990.55 -0.11 (-0.00%)" in out.splitlines()
    code, out, _ = run("quotes", "load-bundled", "--db", db)
    assert code == 0 and out.startswith("42514 new quotes stored")
    csv = tmp_path / "q.csv"
    csv.write_text("Date,Close\n2026-02-02,5500.5\n2026-02-03,1e308\n")
    code, out, err = run("quotes", "import", str(csv), "--instrument", "sp500", "--db", db)
    assert code == 1 and "1 row read for sp500, 1 new quote stored, 1 row refused" in out
    code, out, _ = run("quotes", "history", "sp500", "--from", "2024-07-01", "--to",
                       "2024-07-05", "--json", "--db", db)  # fmt: skip
    rows = json.loads(out)
    assert code == 0 and rows[-1]["display"]["last"] == "5,567.19"


def test_demo_and_serve_on_each_backend(storage_url: str) -> None:
    code, _, err = run("demo", "--no-serve", "--db", storage_url)
    assert code == 0 and "3 new sample pages" in err
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "marketdesk", "serve", "--db", storage_url, "--port", str(port)],
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "MARKETDESK_EDITION": "us"},
    )
    try:
        assert proc.stderr is not None
        assert "serving" in proc.stderr.readline()
        front = httpx.get(f"http://127.0.0.1:{port}/.json", timeout=10).json()
        assert front["edition"] == "us" and len(front["stories"]) == 3
        hits = httpx.get(f"http://127.0.0.1:{port}/search.json?q=oil", timeout=10).json()
        assert hits["stories"]
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(20) == 0
    finally:
        proc.kill()
        proc.wait()


@pytest.mark.postgres
def test_a_password_in_the_url_is_never_printed(pg_url: str) -> None:
    secret = pg_url.replace("postgresql://postgres@", "postgresql://postgres:hunter2@")
    code, out, err = run("strip", "ca", "--db", secret)
    assert code == 1 and "no marketdesk database" in err and "hunter2" not in out + err
