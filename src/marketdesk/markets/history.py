"""Market history: the bundled public-domain series, and a generic Date,Close CSV import.

The bundled files (``data/markets/*.csv.gz``, see ATTRIBUTION.md there) give the desk real
history to show with no network access. Every quote's change and percentage are computed here
from the unrounded previous observation, never from rounded display values.

Timestamps: a daily observation is stamped at the close of that day's session on the instrument's
exchange calendar (exact, early closes included, for 2019 on; the regular closing time before
that or on a non-session day); round-the-clock instruments and monthly observations are stamped
21:00 UTC, roughly the New York close, on the date the file gives (the first of the month for
monthly data).
"""

from __future__ import annotations

import csv
import gzip
import io
import math
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from importlib import resources
from pathlib import Path

from marketdesk.errors import InputError, MarketdeskError
from marketdesk.markets.clock import ALWAYS_OPEN, MarketClock
from marketdesk.markets.formatting import change_pct
from marketdesk.markets.registry import Registry
from marketdesk.markets.validation import price_problem, quote_problem
from marketdesk.model import Instrument, Quote

__all__ = [
    "BUNDLED_SERIES",
    "BundledSeries",
    "CsvImport",
    "close_stamper",
    "load_bundled_history",
    "load_csv_quotes",
]

_FALLBACK_CLOSE = time(21, 0)  # about the New York close; for data without a usable calendar
_MISSING = frozenset({"", ".", "na", "n/a", "nan", "null", "none", "-"})  # bundled files
_NO_TRADE = frozenset({"", "."})  # what a user's CSV may leave for a day without a value


@dataclass(frozen=True, slots=True)
class BundledSeries:
    """One bundled series: which instrument it feeds, from which file, and where it came from."""

    instrument: str
    file: str
    frequency: str  # 'daily' or 'monthly'
    source: str


# The exchange-rates file gives every currency as units per USD (see ATTRIBUTION.md), so USD-quoted
# pairs are inverted and crosses divide two USD rates: (numerator country, denominator country).
_FX_FILE = "exchange-rates-monthly.csv.gz"
_FX_SERIES: dict[str, tuple[str | None, str | None]] = {
    "cadusd": (None, "Canada"),  # 1 / (CAD per USD)
    "usdcad": ("Canada", None),
    "eurusd": (None, "Euro"),
    "gbpusd": (None, "United Kingdom"),
    "audusd": (None, "Australia"),
    "usdjpy": ("Japan", None),
    "usdchf": ("Switzerland", None),
    "usdinr": ("India", None),
    "usdhkd": ("Hong Kong", None),
    "usdcny": ("China", None),
    "cadeur": ("Euro", "Canada"),  # EUR per USD / CAD per USD = EUR per CAD
    "gbpeur": ("Euro", "United Kingdom"),
    "eurgbp": ("United Kingdom", "Euro"),
    "eurjpy": ("Japan", "Euro"),
}

BUNDLED_SERIES: tuple[BundledSeries, ...] = (
    BundledSeries("sp500", "sp500-daily.csv.gz", "daily", "FRED SP500"),
    BundledSeries("vix", "vix-daily.csv.gz", "daily", "Cboe VIX history"),
    BundledSeries("wti", "wti-daily.csv.gz", "daily", "EIA Cushing WTI spot"),
    BundledSeries("brent", "brent-daily.csv.gz", "daily", "EIA Europe Brent spot"),
    BundledSeries("gold", "gold-monthly.csv.gz", "monthly", "World Bank gold price"),
    BundledSeries("us10y", "us10y-monthly.csv.gz", "monthly", "Federal Reserve H.15 10-year"),
    *(BundledSeries(key, _FX_FILE, "monthly", "FRED exchange rates (H.10)") for key in _FX_SERIES),
)


@dataclass(frozen=True, slots=True)
class Bar:
    """One observation as a provider gives it, before change and percentage are computed."""

    at: datetime  # aware
    close: float
    open: float | None = None
    high: float | None = None
    low: float | None = None
    day: date | None = None  # the trading day it belongs to (intraday bars: to find prev close)


def bars_to_quotes(
    instrument: Instrument,
    bars: Iterable[Bar],
    source: str,
    *,
    first_prev_close: float | None = None,
) -> list[Quote]:
    """Quotes from bars, oldest first, with change computed from unrounded previous closes.

    Daily bars compare with the previous bar. Intraday bars (those with ``day`` set) compare with
    the last bar of the previous trading day, so an intraday quote's change is the day's change,
    as a strip shows it; ``first_prev_close`` is the close before the first day, when known.
    """
    out: list[Quote] = []
    prev_bar: float | None = first_prev_close
    day_prev: float | None = first_prev_close
    current_day: date | None = None
    for bar in sorted(bars, key=lambda b: b.at):
        if bar.day is not None:
            if current_day is not None and bar.day != current_day:
                day_prev = prev_bar
            current_day = bar.day
            base = day_prev
        else:
            base = prev_bar
        change = None if base is None else bar.close - base
        pct = None if base is None or base == 0 else change_pct(bar.close, base)
        out.append(
            Quote(
                instrument=instrument.key,
                name=instrument.name,
                at=bar.at.astimezone(UTC),
                last=bar.close,
                change=change,
                change_pct=pct,
                source=source,
                prev_close=base,
                open=bar.open,
                high=bar.high,
                low=bar.low,
            )
        )
        prev_bar = bar.close
    return out


# -- bundled history ------------------------------------------------------------------------------


def load_bundled_history(registry: Registry | None = None) -> Iterator[Quote]:
    """Every bundled observation as a Quote (source "bundled"), series by series, oldest first.

    Series whose instrument the registry does not have are skipped, so a trimmed registry loads
    what it can.
    """
    reg = registry if registry is not None else Registry.bundled()
    known = {inst.key: inst for inst in reg.instruments()}
    fx_rates: dict[str, dict[date, float]] | None = None
    for series in BUNDLED_SERIES:
        inst = known.get(series.instrument)
        if inst is None:
            continue
        if series.file == _FX_FILE:
            if fx_rates is None:
                fx_rates = _read_fx_rates()
            observations = _fx_series(fx_rates, *_FX_SERIES[inst.key])
        elif series.instrument == "vix":
            observations = _read_vix(_daily_stamper(inst))
        else:
            stamp = _daily_stamper(inst) if series.frequency == "daily" else _fallback_stamp
            observations = _read_two_columns(series.file, stamp)
        yield from bars_to_quotes(inst, observations, "bundled")


def _open_bundled(name: str) -> io.TextIOWrapper:
    ref = resources.files("marketdesk").joinpath("data", "markets", name)
    return io.TextIOWrapper(gzip.GzipFile(fileobj=ref.open("rb")), encoding="utf-8", newline="")


def _read_two_columns(name: str, stamp: Callable[[date], datetime]) -> list[Bar]:
    out = []
    with _open_bundled(name) as fh:
        rows = csv.reader(fh)
        next(rows)  # header: the files differ in names, not in layout (date, value)
        for row in rows:
            if len(row) < 2 or row[1].strip() in _MISSING:
                continue  # blank value: a holiday in FRED data
            out.append(Bar(stamp(_parse_day(row[0])), float(row[1])))
    return out


def _read_vix(stamp: Callable[[date], datetime]) -> list[Bar]:
    out = []
    with _open_bundled("vix-daily.csv.gz") as fh:
        for row in csv.DictReader(fh):
            if row["CLOSE"].strip() in _MISSING:
                continue
            out.append(
                Bar(
                    stamp(_parse_day(row["DATE"])),
                    float(row["CLOSE"]),
                    _opt_float(row.get("OPEN")),
                    _opt_float(row.get("HIGH")),
                    _opt_float(row.get("LOW")),
                )
            )
    return out


def _read_fx_rates() -> dict[str, dict[date, float]]:
    rates: dict[str, dict[date, float]] = {}
    with _open_bundled(_FX_FILE) as fh:
        for row in csv.DictReader(fh):
            value = _opt_float(row.get("Exchange rate"))
            if value is None or value <= 0:
                continue
            rates.setdefault(row["Country"], {})[_parse_day(row["Date"])] = value
    return rates


def _fx_series(
    rates: dict[str, dict[date, float]], numerator: str | None, denominator: str | None
) -> list[Bar]:
    num = rates.get(numerator, {}) if numerator else None
    den = rates.get(denominator, {}) if denominator else None
    if num is None and den is None:
        return []
    days = set(num) if num is not None else set(den or {})
    if num is not None and den is not None:
        days &= set(den)  # a cross needs both legs
    out = []
    for day in sorted(days):
        top = num[day] if num is not None else 1.0
        bottom = den[day] if den is not None else 1.0
        out.append(Bar(_fallback_stamp(day), top / bottom))
    return out


# -- timestamps -----------------------------------------------------------------------------------


def _fallback_stamp(day: date) -> datetime:
    return datetime.combine(day, _FALLBACK_CLOSE, tzinfo=UTC)


def close_stamper(inst: Instrument) -> Callable[[date], datetime]:
    """Day -> the instant a daily observation of ``inst`` is stamped with (see the module doc)."""
    return _daily_stamper(inst)


def _daily_stamper(inst: Instrument) -> Callable[[date], datetime]:
    if inst.calendar in (ALWAYS_OPEN, "24/5"):
        return _fallback_stamp
    try:
        clock = MarketClock.for_calendar(inst.calendar)
    except MarketdeskError:
        return _fallback_stamp

    def stamp(day: date) -> datetime:
        return clock.session_close(day) or clock.nominal_close(day) or _fallback_stamp(day)

    return stamp


# -- generic CSV import ---------------------------------------------------------------------------

_DATE_COLUMNS = ("date", "observation_date", "datetime", "timestamp", "time", "day")
_CLOSE_COLUMNS = ("close", "price", "last", "value", "rate", "adj close", "adj_close")
_ISO_DAY = re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$")
_ISO_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_GROUPED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$")


@dataclass(frozen=True, slots=True)
class CsvImport:
    """What a CSV file gave: the good quotes, the refused rows as (line number, reason), and
    the lines skipped as no-trade days (a blank value, or FRED's ".")."""

    quotes: tuple[Quote, ...]
    rejected: tuple[tuple[int, str], ...]
    skipped: tuple[int, ...] = ()


def load_csv_quotes(path: str | Path, instrument: Instrument) -> CsvImport:
    """Quotes from a Date,Close CSV (source "csv"), oldest first, and the rows that were refused.

    The header names the columns: a date column (Date, observation_date, ...) and a value column
    (Close, Price, Value, Rate, ...; with exactly two columns, the other one), plus optional Open,
    High, Low. Dates are YYYY-MM-DD (stamped at that day's close), YYYY-MM (monthly, 21:00 UTC on
    the first) or ISO 8601 instants with an offset. A blank value or FRED's "." is a no-trade day,
    skipped and counted; every other unusable row, including one with more cells than the header
    and one that fails the quote check (``markets/validation.py``), is refused with its line
    number and reason. Gzipped files (``.gz``) are read transparently.
    """
    inst = instrument
    p = Path(path)
    try:
        raw = p.read_bytes()
        if p.suffix == ".gz":
            raw = gzip.decompress(raw)
        text = raw.decode("utf-8-sig")
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise InputError(f"cannot read {p}: {getattr(exc, 'strerror', None) or exc}") from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"{p} is not UTF-8 text: {exc}") from exc

    first_line = next((ln for ln in text.splitlines() if ln.strip()), "")
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    if "\t" in first_line and "," not in first_line and ";" not in first_line:
        delimiter = "\t"
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] | None = None
    for row in reader:
        if any(cell.strip() for cell in row):
            header = [cell.strip().lower() for cell in row]
            break
    if header is None:
        raise InputError(f"{p} is empty")
    columns = _csv_columns(header, p)

    stamp = _daily_stamper(inst)
    bad: list[tuple[int, str]] = []
    skipped: list[int] = []
    seen: dict[datetime, int] = {}
    observations: list[Bar] = []
    width = max(columns.values()) + 1
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        while len(row) > len(header) and not row[-1].strip():
            row.pop()  # trailing empty cells: a spreadsheet's habit, not data
        if len(row) < width:
            bad.append((line, f"expected at least {width} columns, found {len(row)}"))
            continue
        if len(row) > len(header):
            bad.append((line, f"{len(row)} cells, but the header names {len(header)} columns"))
            continue
        try:
            close = _parse_number(row[columns["close"]])
            if close is None:
                skipped.append(line)  # no value that day
                continue
            at = _parse_csv_instant(row[columns["date"]], stamp)
            opened, high, low = (
                _parse_number(row[columns[c]]) if c in columns else None
                for c in ("open", "high", "low")
            )
        except ValueError as exc:
            bad.append((line, str(exc)))
            continue
        if (problem := price_problem(inst, close, opened, high, low)) is not None:
            bad.append((line, problem))
            continue
        if at in seen:
            bad.append((line, f"duplicate date {at:%Y-%m-%d %H:%M} (first on line {seen[at]})"))
            continue
        seen[at] = line
        observations.append(Bar(at, close, opened, high, low))
    quotes = []
    for q in bars_to_quotes(inst, observations, "csv"):
        if (problem := quote_problem(q, inst)) is not None:
            bad.append((seen[q.at], problem))  # a change no market makes, from its neighbour
        else:
            quotes.append(q)
    return CsvImport(tuple(quotes), tuple(sorted(bad)), tuple(skipped))


def _csv_columns(header: list[str], path: Path) -> dict[str, int]:
    def find(names: Iterable[str]) -> int | None:
        for name in names:
            if name in header:
                return header.index(name)
        return None

    date_col = find(_DATE_COLUMNS)
    if date_col is None:
        raise InputError(f"{path}: no date column in header {header!r} (expected Date)")
    close_col = find(_CLOSE_COLUMNS)
    if close_col is None and len(header) == 2:
        close_col = 1 - date_col  # e.g. FRED's "observation_date,SP500"
    if close_col is None:
        raise InputError(f"{path}: no value column in header {header!r} (expected Close)")
    columns = {"date": date_col, "close": close_col}
    for extra in ("open", "high", "low"):
        if extra in header:
            columns[extra] = header.index(extra)
    return columns


def _parse_number(cell: str) -> float | None:
    s = cell.strip()
    if s in _NO_TRADE:
        return None
    if _GROUPED.match(s):
        s = s.replace(",", "")  # "22,095.93": thousands separators, never a decimal comma
    try:
        value = float(s)
    except ValueError:
        raise ValueError(f"{cell.strip()!r} is not a number") from None
    if not math.isfinite(value):
        raise ValueError(f"{cell.strip()!r} is not a finite number")
    return value


def _parse_csv_instant(cell: str, stamp: Callable[[date], datetime]) -> datetime:
    s = cell.strip()
    if m := _ISO_DAY.match(s):
        try:
            return stamp(date(int(m[1]), int(m[2]), int(m[3])))
        except ValueError:
            raise ValueError(f"{s!r} is not a valid date") from None
    if m := _ISO_MONTH.match(s):
        try:
            return _fallback_stamp(date(int(m[1]), int(m[2]), 1))
        except ValueError:
            raise ValueError(f"{s!r} is not a valid month") from None
    try:
        dt = datetime.fromisoformat(s[:-1] + "+00:00" if s[-1:] in ("Z", "z") else s)
    except ValueError:
        raise ValueError(f"{s!r} is not a date (expected YYYY-MM-DD)") from None
    if dt.tzinfo is None:
        raise ValueError(f"{s!r} has a time but no UTC offset")
    return dt.astimezone(UTC)


def _parse_day(text: str) -> date:
    s = text.strip()
    if len(s) == 7:  # YYYY-MM: a monthly value
        return date(int(s[:4]), int(s[5:7]), 1)
    return date.fromisoformat(s)


def _opt_float(cell: str | None) -> float | None:
    if cell is None or cell.strip() in _MISSING:
        return None
    return float(cell)
