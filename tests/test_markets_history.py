"""Bundled market history and the generic CSV import."""

from __future__ import annotations

import gzip
import itertools
from collections import defaultdict
from datetime import UTC, date, datetime
from importlib import resources
from pathlib import Path

import pytest

from marketdesk.errors import InputError, UnknownInstrumentError
from marketdesk.markets.history import BUNDLED_SERIES, load_bundled_history, load_csv_quotes
from marketdesk.markets.registry import Registry
from marketdesk.model import Quote

SHARED_MARKETS = Path(__file__).resolve().parents[2] / "shared" / "data" / "markets"
DATA = resources.files("marketdesk").joinpath("data", "markets")

# Bundled file -> its original in the shared data packages.
ORIGINALS = {
    "sp500-daily.csv.gz": "s-and-p-500/archive/fred_sp500.csv",
    "vix-daily.csv.gz": "finance-vix/data/vix-daily.csv",
    "wti-daily.csv.gz": "oil-prices/data/wti-daily.csv",
    "brent-daily.csv.gz": "oil-prices/data/brent-daily.csv",
    "gold-monthly.csv.gz": "gold-prices/data/monthly.csv",
    "us10y-monthly.csv.gz": "bond-yields-us-10y/data/monthly.csv",
    "exchange-rates-monthly.csv.gz": "exchange-rates/data/monthly.csv",
}


@pytest.fixture(scope="module")
def history() -> dict[str, list[Quote]]:
    by_key: dict[str, list[Quote]] = defaultdict(list)
    for q in load_bundled_history(Registry.bundled()):
        assert q.instrument is not None
        by_key[q.instrument].append(q)
    return dict(by_key)


REG = Registry.bundled()


def on(quotes: list[Quote], day: str) -> Quote:
    (found,) = [q for q in quotes if q.at.date() == date.fromisoformat(day)]
    return found


def test_every_series_loads(history: dict[str, list[Quote]]) -> None:
    assert set(history) == {s.instrument for s in BUNDLED_SERIES}
    minimum = {"sp500": 2000, "vix": 9000, "wti": 10000, "brent": 9000, "gold": 2000}
    for key, n in minimum.items():
        assert len(history[key]) >= n, key
    assert "gold_futures" not in history  # monthly spot gold is not the future


def test_quotes_are_consistent(history: dict[str, list[Quote]]) -> None:
    for key, quotes in history.items():
        first = quotes[0]
        assert first.change is None and first.change_pct is None and first.prev_close is None
        for prev, q in itertools.pairwise(quotes):
            assert q.source == "bundled" and q.instrument == key
            assert q.at.tzinfo is UTC and q.at > prev.at
            assert q.prev_close == prev.last
            assert q.change == q.last - prev.last  # unrounded
            assert q.change_pct is not None
            assert q.change_pct == pytest.approx((q.last - prev.last) / abs(prev.last) * 100)


def test_daily_series_are_stamped_at_the_close(history: dict[str, list[Quote]]) -> None:
    # NYSE closed early (13:00 New York) on 2024-07-03.
    sp = on(history["sp500"], "2024-07-03")
    assert sp.at == datetime(2024, 7, 3, 17, 0, tzinfo=UTC)
    assert sp.last == 5537.02
    assert on(history["sp500"], "2024-07-05").at == datetime(2024, 7, 5, 20, 0, tzinfo=UTC)
    # Before the clock's range: the regular 16:00 New York close.
    assert on(history["vix"], "2004-01-02").at == datetime(2004, 1, 2, 21, 0, tzinfo=UTC)
    # WTI follows CME Globex hours: 17:00 Chicago.
    assert on(history["wti"], "2024-07-05").at == datetime(2024, 7, 5, 22, 0, tzinfo=UTC)


def test_blank_values_are_skipped(history: dict[str, list[Quote]]) -> None:
    # 2016-02-15 (Presidents' Day) is blank in the FRED file.
    days = {q.at.date() for q in history["sp500"]}
    assert date(2016, 2, 15) not in days
    after = on(history["sp500"], "2016-02-16")
    assert after.prev_close == 1864.78  # the 12th, not the blank


def test_vix_has_open_high_low(history: dict[str, list[Quote]]) -> None:
    q = on(history["vix"], "2026-07-23")
    assert (q.open, q.high, q.low, q.last) == (17.67, 20.31, 17.32, 18.7)


def test_monthly_series(history: dict[str, list[Quote]]) -> None:
    ten = on(history["us10y"], "2024-06-01")
    assert ten.at == datetime(2024, 6, 1, 21, 0, tzinfo=UTC)
    assert (ten.last, ten.prev_close) == (4.31, 4.48)
    gold = history["gold"]
    assert gold[0].at == datetime(1833, 1, 1, 21, 0, tzinfo=UTC)
    assert gold[0].name == "Gold"


def test_exchange_rates_point_the_right_way(history: dict[str, list[Quote]]) -> None:
    # The file gives CAD per USD (1.3705 in 2024-06); CAD/USD is its inverse, about 0.73.
    cad = on(history["cadusd"], "2024-06-01")
    assert cad.last == pytest.approx(1 / 1.3705)
    assert on(history["usdcad"], "2024-06-01").last == 1.3705
    assert on(history["eurusd"], "2024-06-01").last == pytest.approx(1 / 0.9291)
    assert on(history["gbpusd"], "2024-06-01").last == pytest.approx(1 / 0.7864)
    assert on(history["usdjpy"], "2024-06-01").last == 157.86
    # CAD/EUR = (EUR per USD) / (CAD per USD); the reference page shows 0.6764 a month later.
    assert on(history["cadeur"], "2024-06-01").last == pytest.approx(0.9291 / 1.3705)
    assert history["cadeur"][0].at.date() == date(1999, 1, 1)  # the euro's first month


def test_a_smaller_registry_loads_what_it_has() -> None:
    full = Registry.bundled()
    small = Registry([full.instrument("vix"), full.instrument("gold")], [])
    keys = {q.instrument for q in load_bundled_history(small)}
    assert keys == {"vix", "gold"}


def test_attribution_names_every_file() -> None:
    text = DATA.joinpath("ATTRIBUTION.md").read_text(encoding="utf-8")
    assert "ODC-PDDL" in text
    for name in ORIGINALS:
        assert name in text
        assert DATA.joinpath(name).is_file()
    for source in ("FRED", "Cboe", "Energy Information Administration", "World Bank", "H.15"):
        assert source in text


@pytest.mark.shared
@pytest.mark.skipif(not SHARED_MARKETS.exists(), reason="../shared market data is absent")
@pytest.mark.parametrize(("bundled", "original"), sorted(ORIGINALS.items()))
def test_bundled_files_are_the_originals(bundled: str, original: str) -> None:
    assert (
        gzip.decompress(DATA.joinpath(bundled).read_bytes())
        == (SHARED_MARKETS / original).read_bytes()
    )


# -- generic CSV import --------------------------------------------------------------------------


def write(tmp_path: Path, text: str, name: str = "q.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_csv_import(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "Date,Open,High,Low,Close\n"
        "2024-07-03,22100,22200,22000,22244.02\n"
        "2024-07-05,22250,22260,22050,22095.93\n",
    )
    got = load_csv_quotes(path, REG.instrument("tsx"))
    quotes, bad = list(got.quotes), list(got.rejected)
    assert bad == []
    assert [q.at for q in quotes] == [
        datetime(2024, 7, 3, 20, 0, tzinfo=UTC),
        datetime(2024, 7, 5, 20, 0, tzinfo=UTC),
    ]
    last = quotes[-1]
    assert (last.instrument, last.name, last.source) == ("tsx", "S&P/TSX Composite", "csv")
    assert last.change == pytest.approx(-148.09)
    assert last.change_pct == pytest.approx(-0.6657, abs=1e-4)
    assert (last.open, last.high, last.low) == (22250, 22260, 22050)


def test_csv_bad_rows_are_reported_with_line_numbers(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "\ufeffDate,Close\n"  # a byte-order mark is fine
        "2024-07-02,100\n"
        "2024-07-03,abc\n"
        "07/04/2024,101\n"
        "2024-07-05,\n"  # blank: a no-trade day, skipped silently
        "2024-07-08,.\n"  # FRED's missing marker
        "2024-02-30,5\n"
        "2024-07-09\n"
        "\n"
        "2024-07-02,102\n"
        "2024-07-10,inf\n"
        "2024-07-11T15:00:00,3\n"
        '2024-07-12,"1,234.5"\n',
    )
    got = load_csv_quotes(path, REG.instrument("sp500"))
    quotes, bad = list(got.quotes), list(got.rejected)
    assert [q.last for q in quotes] == [100, 1234.5]
    assert [line for line, _ in bad] == [3, 4, 7, 8, 10, 11, 12]
    reasons = dict(bad)
    assert "'abc' is not a number" in reasons[3]
    assert "not a date" in reasons[4]
    assert "not a valid date" in reasons[7]
    assert "columns" in reasons[8]
    assert "duplicate" in reasons[10] and "line 2" in reasons[10]
    assert "finite" in reasons[11]
    assert "offset" in reasons[12]


def test_csv_sorts_and_accepts_other_layouts(tmp_path: Path) -> None:
    # Newest first, FRED-style header, monthly and instant dates.
    path = write(
        tmp_path,
        "observation_date,DGS10\n2024-07\n2024-06,4.31\n2024-05,4.48\n",
    )
    got = load_csv_quotes(path, REG.instrument("us10y"))
    quotes, bad = list(got.quotes), list(got.rejected)
    assert bad == [(2, "expected at least 2 columns, found 1")]
    assert [q.last for q in quotes] == [4.48, 4.31]
    assert quotes[0].at == datetime(2024, 5, 1, 21, 0, tzinfo=UTC)
    assert quotes[1].change == pytest.approx(-0.17)

    path = write(tmp_path, "time;price\n2024-07-06T03:00:00Z;80000\n2024-07-06T04:00+02:00;79000\n")
    got = load_csv_quotes(path, REG.instrument("btccad"))
    quotes, bad = list(got.quotes), list(got.rejected)
    assert bad == []
    assert [q.at.hour for q in quotes] == [2, 3]
    assert [q.last for q in quotes] == [79000, 80000]


def test_csv_gzip(tmp_path: Path) -> None:
    path = tmp_path / "q.csv.gz"
    path.write_bytes(gzip.compress(b"Date,Close\n2024-07-05,83.11\n"))
    got = load_csv_quotes(path, REG.instrument("wti"))
    quotes, bad = list(got.quotes), list(got.rejected)
    assert bad == [] and quotes[0].at == datetime(2024, 7, 5, 22, 0, tzinfo=UTC)


def test_csv_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read"):
        load_csv_quotes(tmp_path / "missing.csv", REG.instrument("sp500"))
    with pytest.raises(InputError, match="no date column"):
        load_csv_quotes(write(tmp_path, "When,Close\n2024-07-05,1\n"), REG.instrument("sp500"))
    with pytest.raises(InputError, match="no value column"):
        load_csv_quotes(
            write(tmp_path, "Date,Volume,Foo\n2024-07-05,1,2\n"), REG.instrument("sp500")
        )
    with pytest.raises(InputError, match="empty"):
        load_csv_quotes(write(tmp_path, "\n\n"), REG.instrument("sp500"))
    with pytest.raises(InputError, match="UTF-8"):
        bad = tmp_path / "latin1.csv"
        bad.write_bytes(b"Date,Close\n\xff\xfe\x00,1\n")
        load_csv_quotes(bad, REG.instrument("sp500"))
    with pytest.raises(UnknownInstrumentError):
        load_csv_quotes(write(tmp_path, "Date,Close\n"), REG.instrument("nope"))
