"""`marketdesk quotes ...` as a user meets it: output, exit codes, and errors without tracebacks.

Live refreshes talk to a real http.server on 127.0.0.1 that serves hand-written answers dated
relative to today, so the staleness check sees fresh data."""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from marketdesk import cli
from marketdesk.app.desk import Services
from marketdesk.markets import providers
from marketdesk.store import open_storage
from support import services

FIXTURES = Path(__file__).parent / "fixtures" / "providers"


def run(
    capsys: pytest.CaptureFixture[str], *argv: str, with_services: Services | None = None
) -> tuple[int, str, str]:
    code = cli.main(list(argv), services=with_services or services())
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


def fresh_stooq_csv() -> bytes:
    today = datetime.now(UTC).date()
    rows = ["Date,Open,High,Low,Close,Volume"]
    for n, back in enumerate((3, 2, 1)):
        day = today - timedelta(days=back)
        rows.append(f"{day},100.0,101.0,99.0,{100.5 + n},0")
    return ("\n".join(rows) + "\n").encode()


@pytest.fixture
def stooq_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, bytes]]:
    """A 127.0.0.1 server answering Stooq's download per symbol; unknown symbols get 'No data'."""
    answers: dict[str, bytes] = {"^tsx": fresh_stooq_csv(), "^spx": fresh_stooq_csv()}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            from urllib.parse import parse_qs, urlsplit

            if self.path == "/robots.txt":
                self.send_response(404)
                self.end_headers()
                return
            symbol = parse_qs(urlsplit(self.path).query).get("s", [""])[0]
            body = answers.get(symbol, b"No data")
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setitem(
        providers.BASE_URLS, "stooq", f"http://127.0.0.1:{server.server_address[1]}/q/d/l/"
    )
    try:
        yield answers
    finally:
        server.shutdown()
        server.server_close()


def test_refresh_stores_what_it_can_and_fails_loudly_for_the_rest(
    capsys: pytest.CaptureFixture[str], db_path: str, stooq_server: dict[str, bytes]
) -> None:
    args = ("quotes", "refresh", "--provider", "stooq", "--db", db_path)
    code, out, err = run(capsys, *args, "--instrument", "tsx", "--instrument", "dax")
    assert code == 1
    assert "[1/2] tsx: stooq, 3 quotes, 3 new, last 102.50 at" in out
    assert "[2/2] dax: failed: stooq has no data for symbol '^dax'" in err
    assert "refreshed 1 of 2 instruments, 3 new quotes; failed: dax" in out
    store = open_storage(db_path)
    latest = store.latest_quote("tsx")
    store.close()
    assert latest is not None and latest.last == 102.5 and latest.source == "stooq"
    # Again: nothing new, and all good now that the symbol is known.
    stooq_server["^dax"] = fresh_stooq_csv()
    code, out, _ = run(capsys, *args, "--instrument", "tsx", "--instrument", "dax")
    assert code == 0 and "[1/2] tsx: stooq, 3 quotes, 0 new" in out


def test_refresh_keeps_the_last_good_quote_when_a_provider_turns_stale(
    capsys: pytest.CaptureFixture[str], db_path: str, stooq_server: dict[str, bytes]
) -> None:
    args = ("quotes", "refresh", "--provider", "stooq", "--instrument", "tsx", "--db", db_path)
    assert run(capsys, *args)[0] == 0
    stooq_server["^tsx"] = (FIXTURES / "stooq_daily.csv").read_bytes()  # 2024: stale
    code, _, err = run(capsys, *args)
    assert code == 1 and "days old; keeping the stored quotes" in err
    stooq_server["^tsx"] = (FIXTURES / "stooq_changed.csv").read_bytes()
    code, _, err = run(capsys, *args)
    assert code == 1 and "format may have changed" in err
    store = open_storage(db_path)
    latest = store.latest_quote("tsx")
    store.close()
    assert latest is not None and latest.last == 102.5


def test_refresh_edition_and_schedule_stops_cleanly_on_ctrl_c(
    capsys: pytest.CaptureFixture[str],
    db_path: str,
    stooq_server: dict[str, bytes],
) -> None:
    def interrupt(seconds: float) -> None:
        assert 0 < seconds <= 900
        raise KeyboardInterrupt

    code, out, err = run(
        capsys,
        "quotes", "refresh", "us", "--provider", "stooq", "--every", "15m", "--db", db_path,
        with_services=replace(services(), sleep=interrupt),
    )  # fmt: skip
    assert code == 0
    assert "sp500: stooq, 3 quotes, 3 new" in out and "refreshed 1 of" in out
    assert "next refresh at" in err
    assert "refresh schedule stopped after 1 complete run; stored quotes are kept" in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("quotes", "refresh", "zz"), "unknown edition 'zz'"),
        (("quotes", "refresh", "--instrument", "nope"), "unknown instrument 'nope'"),
        (("quotes", "refresh", "ca", "--instrument", "tsx"), "not both"),
        (("quotes", "refresh", "ca", "--every", "10s"), "shortest interval is 1m"),
        (("quotes", "refresh", "ca", "--interval", "2d"), "unknown interval"),
        (("quotes", "history", "sp500", "--from", "2024-07-05T10:00"), "no UTC offset"),
        (("quotes", "history", "sp500", "--from", "yesterday"), "neither a date"),
        (("quotes", "history", "sp500", "--from", "2024-02-30"), "not a date"),
        (("quotes", "history", "sp500", "--from", "2024-07-05", "--to", "2024-07-01"), "after"),
        (("quotes", "import", "missing.csv", "--instrument", "sp500"), "cannot read"),
        (("quotes", "import", "x.csv", "--instrument", "nope"), "unknown instrument"),
    ],
)
def test_bad_input_gives_a_message_and_exit_1(
    capsys: pytest.CaptureFixture[str], db_path: str, argv: tuple[str, ...], message: str
) -> None:
    code, out, err = run(capsys, *argv, "--db", db_path)
    assert code == 1 and message in err and out == ""


def test_load_bundled_then_history(capsys: pytest.CaptureFixture[str], db_path: str) -> None:
    code, out, _ = run(capsys, "quotes", "load-bundled", "--db", db_path)
    assert code == 0 and "new quotes stored" in out
    code, out, _ = run(capsys, "quotes", "load-bundled", "--db", db_path)
    assert code == 0 and out.startswith("0 new quotes stored")
    code, out, _ = run(
        capsys, "quotes", "history", "sp500", "--from", "2024-07-01", "--to", "2024-07-05",
        "--db", db_path,
    )  # fmt: skip
    lines = out.splitlines()
    assert code == 0 and len(lines) == 4
    assert lines[-1] == "2024-07-05 5,567.19 +30.17 (+0.54%) bundled"
    code, out, _ = run(
        capsys, "quotes", "history", "sp500", "--from", "2024-07-01", "--to",
        "2024-07-05T23:59:00Z", "--json", "--db", db_path,
    )  # fmt: skip
    rows = json.loads(out)
    assert code == 0 and rows[-1]["last"] == 5567.19 and rows[-1]["source"] == "bundled"
    code, _, err = run(capsys, "quotes", "history", "tsx", "--db", db_path)
    assert code == 1 and "no stored quotes for tsx" in err


def test_import_reports_bad_rows_and_stores_the_rest(
    capsys: pytest.CaptureFixture[str], db_path: str
) -> None:
    csv = str(FIXTURES / "import_with_bad_rows.csv")
    code, out, err = run(capsys, "quotes", "import", csv, "--instrument", "sp500", "--db", db_path)
    assert code == 1
    assert f"{csv}:4: refused: 'oops' is not a number" in err
    assert f"{csv}:7: refused:" in err and "no UTC offset" in err
    assert "3 rows read for sp500, 3 new quotes stored, 5 rows refused" in out
    code, out, _ = run(capsys, "quotes", "history", "sp500", "--from", "2024-07-01",
                       "--to", "2024-07-05", "--db", db_path)  # fmt: skip
    assert code == 0 and len(out.splitlines()) == 3 and out.rstrip().endswith("csv")


def test_provider_choices_match_the_providers() -> None:
    # cli/parser.py spells them out so that --help does not import the providers.
    quotes = cli.build_parser()._subparsers._group_actions[0].choices["quotes"]  # type: ignore[union-attr]
    refresh = quotes._subparsers._group_actions[0].choices["refresh"]  # type: ignore[union-attr]
    choices = next(a.choices for a in refresh._actions if "--provider" in a.option_strings)
    assert tuple(choices) == providers.PROVIDER_NAMES
