"""Providers replay hand-written responses (tests/fixtures/providers) through the one Fetcher:
httpx.MockTransport for most, a real http.server on 127.0.0.1 for one. No test leaves the host."""

from __future__ import annotations

import http.server
import math
import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from marketdesk.app.quotes import import_csv, refresh_instrument
from marketdesk.app.schedule import parse_every
from marketdesk.errors import StorageError
from marketdesk.markets.providers import (
    NotCoveredError,
    ProviderUnavailableError,
    QuoteProvider,
    RateLimitedError,
    ResponseFormatError,
    SeriesRequest,
    StaleDataError,
    UnknownSymbolError,
    check_series,
    make_provider,
)
from marketdesk.markets.providers.bundled import BundledProvider
from marketdesk.markets.providers.csvfile import CsvProvider
from marketdesk.markets.registry import Registry
from marketdesk.model import Instrument, Quote
from marketdesk.net import Fetcher, FetchPolicy
from marketdesk.store.sqlite import SQLiteStorage
from support import make_desk

FIXTURES = Path(__file__).parent / "fixtures" / "providers"
REG = Registry.bundled()
NOW = datetime(2024, 7, 5, 21, 0, tzinfo=UTC)  # the fixtures' "now": after Friday's close
PUBLIC = ["93.184.216.34"]  # what the fake resolver answers, so the address policy passes

Handler = Callable[[httpx.Request], httpx.Response]


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def fetcher(handler: Handler) -> Fetcher:
    def with_robots(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/robots.txt":
            return httpx.Response(404)
        return handler(request)

    return Fetcher(
        FetchPolicy(min_interval=0, retries=0),
        transport=httpx.MockTransport(with_robots),
        resolver=lambda host, port: PUBLIC,
    )


def serve(body: bytes, status: int = 200) -> Handler:
    return lambda request: httpx.Response(status, content=body)


def fetch(name: str, handler: Handler, key: str, interval: str = "1d") -> list[Quote]:
    with fetcher(handler) as f:
        provider = make_provider(name, f)
        return provider.fetch(REG.instrument(key), SeriesRequest(interval=interval))


# -- yahoo ------------------------------------------------------------------------------------


def test_yahoo_daily_bars_are_stamped_at_the_close_and_changes_use_unrounded_closes() -> None:
    seen: list[httpx.URL] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url)
        return httpx.Response(200, content=fixture("yahoo_chart_daily.json"))

    quotes = fetch("yahoo", handler, "sp500")
    assert seen[0].raw_path.startswith(b"/v8/finance/chart/%5EGSPC?")
    assert seen[0].params["interval"] == "1d" and seen[0].params["range"] == "1mo"
    assert [q.last for q in quotes] == [5100.25, 5112.75, 5141.6]  # the null bar is a gap
    assert quotes[0].at == datetime(2024, 7, 1, 20, 0, tzinfo=UTC)  # NYSE close, EDT
    assert quotes[-1].at == datetime(2024, 7, 5, 19, 41, tzinfo=UTC)  # session still open
    assert quotes[0].change is None
    assert quotes[-1].change == pytest.approx(5141.6 - 5112.75)
    assert quotes[-1].change_pct == pytest.approx((5141.6 / 5112.75 - 1) * 100)
    assert {q.source for q in quotes} == {"yahoo"}
    assert quotes[-1].high == 5150.0 and quotes[-1].instrument == "sp500"


def test_yahoo_intraday_change_is_against_the_previous_days_close() -> None:
    quotes = fetch("yahoo", serve(fixture("yahoo_chart_intraday.json")), "sp500", "60m")
    assert [q.at.hour for q in quotes] == [15, 16, 13, 14]
    assert [q.prev_close for q in quotes] == [5120.0, 5120.0, 5130.0, 5130.0]
    assert quotes[-1].change == pytest.approx(10.0)


def test_yahoo_period_request_uses_epoch_seconds() -> None:
    with fetcher(serve(b"")) as f:
        url = httpx.URL(
            make_provider("yahoo", f).url(  # type: ignore[attr-defined]
                "CAD=X", SeriesRequest(date(2024, 7, 1), date(2024, 7, 5))
            )
        )
    assert url.raw_path.startswith(b"/v8/finance/chart/CAD%3DX?")
    assert url.params["period1"] == "1719792000"
    assert url.params["period2"] == "1720224000"


@pytest.mark.parametrize(
    ("handler", "error"),
    [
        (serve(b"{}", 404), UnknownSymbolError),
        (serve(fixture("yahoo_not_found.json")), UnknownSymbolError),
        (serve(b"Too Many Requests", 429), RateLimitedError),
        (serve(fixture("yahoo_changed.json")), ResponseFormatError),
        (serve(b"<html><body>Sorry, we are down</body></html>"), ResponseFormatError),
        (serve(b"oops", 503), ProviderUnavailableError),
    ],
)
def test_yahoo_failures_are_clear_provider_errors(handler: Handler, error: type) -> None:
    with pytest.raises(error) as caught:
        fetch("yahoo", handler, "sp500")
    assert caught.value.provider == "yahoo" and caught.value.instrument == "sp500"
    assert "yahoo" in str(caught.value)


# -- stooq and fred ---------------------------------------------------------------------------


def test_stooq_daily_csv() -> None:
    seen: list[httpx.URL] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url)
        return httpx.Response(200, content=fixture("stooq_daily.csv"))

    quotes = fetch("stooq", handler, "tsx")
    assert seen[0].params["s"] == "^tsx" and seen[0].params["i"] == "d"
    assert len(quotes) == 4
    last = quotes[-1]
    assert last.at == datetime(2024, 7, 5, 20, 0, tzinfo=UTC)  # Toronto close
    assert last.change == pytest.approx(22095.93 - 22244.02)
    assert round(last.change_pct or 0, 2) == -0.67  # as the reference page prints it


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ("stooq_nodata.txt", UnknownSymbolError),
        ("stooq_limit.txt", RateLimitedError),
        ("stooq_apikey.txt", ProviderUnavailableError),
        ("stooq_changed.csv", ResponseFormatError),
    ],
)
def test_stooq_failures(body: str, error: type) -> None:
    with pytest.raises(error, match="stooq"):
        fetch("stooq", serve(fixture(body)), "tsx")


def test_fred_csv_skips_blank_days_and_stamps_early_closes() -> None:
    quotes = fetch("fred", serve(fixture("fred_dgs10.csv")), "us10y")
    assert [q.last for q in quotes] == [4.40, 4.45, 4.38, 4.30]
    assert quotes[2].at == datetime(2024, 7, 3, 17, 0, tzinfo=UTC)  # NYSE early close


def test_fred_error_page_and_wrong_series() -> None:
    with pytest.raises(UnknownSymbolError):
        fetch("fred", serve(fixture("fred_error.html")), "us10y")
    with pytest.raises(ResponseFormatError, match="DGS10"):
        fetch("fred", serve(fixture("fred_dgs10.csv")), "sp500")  # answers DGS10 for SP500


def test_providers_refuse_what_they_do_not_cover() -> None:
    with fetcher(serve(b"")) as f:
        with pytest.raises(NotCoveredError):
            make_provider("stooq", f).fetch(REG.instrument("russell2000"), SeriesRequest())
        with pytest.raises(NotCoveredError, match="daily"):
            make_provider("stooq", f).fetch(REG.instrument("tsx"), SeriesRequest(interval="5m"))
    with pytest.raises(ValueError, match="interval"):
        SeriesRequest(interval="2d")


# -- a real server on 127.0.0.1 ------------------------------------------------------------------


@pytest.fixture
def local_server() -> Iterator[tuple[str, list[str]]]:
    paths: list[str] = []
    body = fixture("stooq_daily.csv")

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            paths.append(self.path)
            if self.path == "/robots.txt":
                self.send_response(404)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/csv")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/q/d/l/", paths
    finally:
        server.shutdown()
        server.server_close()


def test_stooq_over_a_real_loopback_server(
    local_server: tuple[str, list[str]], tmp_path: Path
) -> None:
    from marketdesk.markets.providers.stooq import StooqProvider

    url, paths = local_server
    with Fetcher(FetchPolicy(allow_private=True, min_interval=0, retries=0)) as f:
        provider = StooqProvider(f, url)
        store = SQLiteStorage(tmp_path / "d.db")
        outcome = refresh_instrument(
            make_desk(store, now=NOW), REG.instrument("tsx"), [provider], SeriesRequest()
        )
        latest = store.latest_quote("tsx")
        store.close()
    assert outcome.ok and outcome.stored == 4 and outcome.provider == "stooq"
    assert latest is not None and latest.last == 22095.93 and latest.source == "stooq"
    assert any(p.startswith("/q/d/l/?s=%5Etsx&i=d") for p in paths)


def test_the_default_fetcher_refuses_loopback_provider_urls() -> None:
    from marketdesk.markets.providers.stooq import StooqProvider

    with Fetcher(FetchPolicy(min_interval=0, retries=0)) as f:
        provider = StooqProvider(f, "http://127.0.0.1:9/q/d/l/")
        with pytest.raises(ProviderUnavailableError, match="stooq"):
            provider.fetch(REG.instrument("tsx"), SeriesRequest())


# -- checks before storage: the last good quote stays -----------------------------------------


def _quote(inst: Instrument, last: float, at: datetime) -> Quote:
    return Quote(inst.key, inst.name, at, last, None, None, "test")


def test_check_series_refuses_bad_numbers_future_and_stale() -> None:
    sp = REG.instrument("sp500")
    good = [_quote(sp, 5000.0, NOW - timedelta(days=1))]
    assert check_series(good, sp, "t", now=NOW) == good
    for bad in (math.nan, math.inf, -1.0, 0.0):
        with pytest.raises(ResponseFormatError):
            check_series([_quote(sp, bad, NOW)], sp, "t", now=NOW)
    with pytest.raises(ResponseFormatError, match="future"):
        check_series([_quote(sp, 5000.0, NOW + timedelta(days=2))], sp, "t", now=NOW)
    with pytest.raises(StaleDataError, match="days old"):
        check_series([_quote(sp, 5000.0, NOW - timedelta(days=30))], sp, "t", now=NOW)
    with pytest.raises(ResponseFormatError, match="no observations"):
        check_series([], sp, "t", now=NOW)
    wti = REG.instrument("wti")
    assert check_series([_quote(wti, -37.63, NOW)], wti, "t", now=NOW)  # April 2020 happened


class FakeProvider:
    live = True

    def __init__(self, name: str, result: list[Quote] | Exception) -> None:
        self.name = name
        self.result = result

    def covers(self, instrument: Instrument) -> bool:
        return True

    def fetch(self, instrument: Instrument, request: SeriesRequest) -> list[Quote]:
        if isinstance(self.result, Exception):
            raise self.result
        return self.result


def test_bad_data_never_replaces_the_last_good_quote(tmp_path: Path) -> None:
    sp = REG.instrument("sp500")
    store = SQLiteStorage(tmp_path / "d.db")
    good = replace(_quote(sp, 5100.0, NOW - timedelta(hours=2)), source="yahoo")
    ok = refresh_instrument(
        make_desk(store, now=NOW), sp, [FakeProvider("yahoo", [good])], SeriesRequest()
    )
    assert ok.ok and ok.stored == 1
    attempts: list[QuoteProvider] = [
        FakeProvider("yahoo", [replace(good, at=NOW, last=math.nan)]),
        FakeProvider("stooq", [replace(good, at=NOW - timedelta(days=40), source="stooq")]),
        FakeProvider("fred", RateLimitedError("fred: slow down", provider="fred")),
    ]
    outcome = refresh_instrument(make_desk(store, now=NOW), sp, attempts, SeriesRequest())
    assert not outcome.ok and outcome.stored == 0
    assert "yahoo" in (outcome.error or "") and "stale" not in (outcome.error or "")
    assert "days old" in (outcome.error or "") and "slow down" in (outcome.error or "")
    assert store.latest_quote("sp500") == replace(good, document_id=None)
    store.close()


def test_refresh_falls_back_to_the_next_provider(tmp_path: Path) -> None:
    sp = REG.instrument("sp500")
    store = SQLiteStorage(tmp_path / "d.db")
    good = replace(_quote(sp, 5100.0, NOW), source="stooq")
    providers: list[QuoteProvider] = [
        FakeProvider("yahoo", RateLimitedError("yahoo: HTTP 429", provider="yahoo")),
        FakeProvider("stooq", [good]),
    ]
    outcome = refresh_instrument(make_desk(store, now=NOW), sp, providers, SeriesRequest())
    assert outcome.ok and outcome.provider == "stooq" and "429" in outcome.skipped[0]
    store.close()


# -- bundled and csv --------------------------------------------------------------------------


def test_bundled_provider_reads_one_series_in_a_range() -> None:
    provider = BundledProvider()
    quotes = provider.fetch(
        REG.instrument("sp500"), SeriesRequest(date(2024, 7, 1), date(2024, 7, 5))
    )
    assert [q.at.date() for q in quotes][-1] == date(2024, 7, 5)
    assert len(quotes) == 4 and {q.source for q in quotes} == {"bundled"}
    assert not provider.covers(REG.instrument("tsx"))
    with pytest.raises(NotCoveredError):
        provider.fetch(REG.instrument("tsx"), SeriesRequest())


def test_csv_provider_keeps_refused_rows() -> None:
    provider = CsvProvider(FIXTURES / "import_with_bad_rows.csv", "sp500")
    quotes = provider.fetch(REG.instrument("sp500"), SeriesRequest())
    assert [q.last for q in quotes] == [5100.25, 5112.75, 5141.60]
    lines = [line for line, _ in provider.rejected]
    assert lines == [4, 5, 7, 8, 9]
    reasons = dict(provider.rejected)
    assert "not a number" in reasons[4] and "no UTC offset" in reasons[7]
    assert "duplicate" in reasons[8] and "columns" in reasons[9]


def test_csv_import_is_all_or_nothing_on_storage_errors(tmp_path: Path) -> None:
    store = SQLiteStorage(tmp_path / "d.db")
    real_add = store.add_quotes

    def failing_add(quotes: object) -> int:
        def rows() -> Iterator[Quote]:
            for n, q in enumerate(quotes):  # type: ignore[call-overload]
                if n == 2:
                    raise StorageError("disk full")
                yield q

        return real_add(rows())

    store.add_quotes = failing_add  # type: ignore[method-assign]
    with pytest.raises(StorageError):
        import_csv(make_desk(store), FIXTURES / "import_with_bad_rows.csv", "sp500")
    assert store.counts().quotes == 0
    store.add_quotes = real_add  # type: ignore[method-assign]
    report = import_csv(make_desk(store), FIXTURES / "import_with_bad_rows.csv", "sp500")
    assert report.stored == 3 and len(report.rejected) == 5
    store.close()


def test_parse_every() -> None:
    assert parse_every("15m") == 900 and parse_every("1h") == 3600 and parse_every("90s") == 90
    assert parse_every("30") == 1800
    for bad in ("10s", "soon", "", "-5m"):
        with pytest.raises(Exception, match="--every"):
            parse_every(bad)
