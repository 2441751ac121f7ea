"""The instrument page (chart with range buttons, key numbers, session, stories, paged history)
and its CSV download, in process, from bundled history and stories written for the test."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from marketdesk.app.chart import ChartPoint, date_ticks, line_chart_svg, story_chart, value_ticks
from marketdesk.app.instrument_page import detect_resolution
from marketdesk.markets.providers import SeriesRequest
from marketdesk.markets.providers.bundled import BundledProvider
from marketdesk.markets.registry import Registry
from marketdesk.model import Quote
from marketdesk.store import open_storage
from marketdesk.web.app import create_app
from support import make_desk
from web_pages_support import add_story, get

NOW = datetime(2024, 7, 8, 12, tzinfo=UTC)  # a Monday, before New York opens (13:30 UTC)


@pytest.fixture
def app(db_path: str) -> Iterator[object]:
    reg = Registry.bundled()
    store = open_storage(db_path)
    bundled = BundledProvider()
    store.add_quotes(
        bundled.fetch(reg.instrument("sp500"), SeriesRequest(date(2023, 1, 1), date(2024, 7, 5)))
    )
    store.add_quotes(
        bundled.fetch(reg.instrument("gold"), SeriesRequest(date(2015, 1, 1), date(2024, 6, 30)))
    )
    add_story(
        store, "https://news.example/chips", "Chip makers <b>lift</b> Wall Street",
        datetime(2024, 6, 20, 15, tzinfo=UTC), instruments=("sp500",),
    )  # fmt: skip
    store.close()
    desk = make_desk(db_path, edition="us", now=NOW)
    yield create_app(desk)
    desk.close()


def closes(app: object, **params: str) -> list[Quote]:
    data = get(app, "/instruments/sp500.json", params).json()
    return data["history"]  # type: ignore[no-any-return]


def test_range_buttons_each_draw_their_span(app: object) -> None:
    html = get(app, "/instruments/sp500", {"range": "1m"}).text
    for code, label in (("1d", "1D"), ("5d", "5D"), ("ytd", "YTD"), ("5y", "5Y"), ("max", "Max")):
        assert f'<a href="/instruments/sp500?range={code}">{label}</a>' in html
    assert '<a href="/instruments/sp500?range=1m" aria-current="page">1M</a>' in html
    spans = {}
    for code in ("5d", "1m", "6m", "ytd", "1y", "5y", "max"):
        data = get(app, "/instruments/sp500.json", {"range": code}).json()
        assert data["range"] == code and data["resolution"] in ("daily", "intraday")
        spans[code] = [h["at"][:10] for h in data["history"]]
        assert spans[code][-1] == "2024-07-05"  # ranges end at the latest stored quote
    assert len(spans["5d"]) == 5 and spans["5d"][0] == "2024-06-28"
    assert spans["1m"][0] >= "2024-06-05" and spans["ytd"][0] == "2024-01-02"
    assert spans["1y"][0] >= "2023-07-05" and spans["max"][0] == spans["5y"][0] <= "2023-01-04"
    one_day = get(app, "/instruments/sp500", {"range": "1d"}).text
    assert "too few to draw" in one_day  # a daily series has one value on its last day


def test_chart_has_axes_hover_values_and_story_marks(app: object) -> None:
    html = get(app, "/instruments/sp500", {"range": "1m"}).text
    svg = html[html.index('<svg class="chart') : html.index("</svg>")]
    assert "<script" not in html and "style=" not in html
    ticks = re.findall(r'<text class="tick"[^>]*>([^<]+)</text>', svg)
    assert any(t.replace(",", "").isdigit() for t in ticks)  # values
    assert any(re.fullmatch(r"[A-Z][a-z]{2} \d\d", t) for t in ticks)  # dates
    assert "<title>2024-07-05: 5,567.19</title>" in svg  # a value on hover
    assert (
        '<g class="mark"><title>2024-06-20: Chip makers &lt;b&gt;lift&lt;/b&gt; Wall Street' in svg
    )
    assert "<b>lift</b>" not in html  # the story's title stays text
    assert re.search(r'<a href="/stories/\d+">Chip makers &lt;b&gt;lift', html)  # the timeline


def test_key_numbers_and_session(app: object) -> None:
    data = get(app, "/instruments/sp500.json").json()
    year = [h["last"] for h in data["history"]]  # 1Y: a year of closes up to the latest
    stats = data["stats"]
    assert stats["day"] == "2024-07-05"
    assert stats["previous_close"] == pytest.approx(data["history"][-2]["last"])
    assert stats["year_low"] <= min(year) and stats["year_high"] >= max(year)
    session = data["session"]
    assert session["calendar"] == "XNYS" and session["zone"] == "America/New_York"
    assert session["is_open"] is False and session["hours"] == "09:30–16:00 EDT"
    assert session["opens"] == "2024-07-08T13:30:00+00:00"
    assert session["note"] == "Closed; opens 09:30 EDT"
    html = get(app, "/instruments/sp500").text
    assert "<dt>Previous close</dt>" in html and "<dt>52-week range</dt>" in html
    assert "Closed; opens 09:30 EDT · today: 09:30–16:00 EDT" in html


def test_monthly_series_are_called_monthly(app: object) -> None:
    data = get(app, "/instruments/gold.json", {"range": "5y"}).json()
    assert data["series_resolution"] == "monthly"
    html = get(app, "/instruments/gold", {"range": "5y"}).text
    assert "Monthly values" in html and "Daily closes" not in html
    assert "Daily closes" in get(app, "/instruments/sp500").text


def test_history_is_paged_newest_first(app: object) -> None:
    first = get(app, "/instruments/sp500.json").json()["table"]
    assert len(first["rows"]) == 30 and first["rows"][0]["at"][:10] == "2024-07-05"
    assert first["next"] == "/instruments/sp500.json?range=1y&page=2"
    second = get(app, "/instruments/sp500.json", {"range": "1y", "page": "2"}).json()["table"]
    assert second["rows"][0]["at"] < first["rows"][-1]["at"]
    html = get(app, "/instruments/sp500", {"range": "1y", "page": "2"}).text
    assert 'href="/instruments/sp500?range=1y">Newer</a>' in html
    assert 'href="/instruments/sp500?range=1y&amp;page=3">Older</a>' in html


def test_history_downloads_as_csv(app: object) -> None:
    response = get(
        app, "/instruments/sp500/history.csv", {"from": "2024-06-01", "to": "2024-07-05"}
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == (
        'attachment; filename="sp500-20240601-20240705.csv"'
    )
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0] == [
        "date",
        "instrument",
        "last",
        "change",
        "change_pct",
        "open",
        "high",
        "low",
        "source",
    ]
    days = [h["at"][:10] for h in closes(app, **{"from": "2024-06-01", "to": "2024-07-05"})]
    assert [r[0] for r in rows[1:]] == days
    assert rows[-1][:3] == ["2024-07-05", "sp500", "5567.19"]
    whole = get(app, "/instruments/sp500/history.csv")
    assert whole.headers["content-disposition"] == 'attachment; filename="sp500.csv"'
    lines = whole.text.splitlines()
    assert lines[1].startswith("2023-01-03,") and lines[-1].startswith("2024-07-05,")
    assert len(lines) - 1 == len(set(line[:10] for line in lines[1:]))  # a day once


def test_bad_input_is_a_400_or_404_with_a_message(app: object) -> None:
    for params in ({"range": "2w"}, {"page": "0"}, {"page": "x"}, {"from": "soon"}):
        response = get(app, "/instruments/sp500.json", params)
        assert response.status_code == 400 and response.json()["error"], params
    assert get(app, "/instruments/sp500/history.csv", {"from": "2024-13-01"}).status_code == 400
    assert get(app, "/instruments/nope/history.csv").status_code == 404
    assert get(app, "/instruments/nope").status_code == 404


def test_chart_helpers() -> None:
    assert value_ticks(5012.0, 5567.0) == [5000.0, 5200.0, 5400.0, 5600.0]
    assert value_ticks(1.0, 1.0)[0] <= 1.0 <= value_ticks(1.0, 1.0)[-1]
    ticks = date_ticks(datetime(2024, 1, 1, tzinfo=UTC), datetime(2024, 7, 1, tzinfo=UTC))
    assert [label for _, label in ticks] == ["Jan 2024", "Feb 2024", "Mar 2024", "Apr 2024",
                                              "May 2024", "Jun 2024", "Jul 2024"]  # fmt: skip
    years = date_ticks(datetime(1990, 3, 1, tzinfo=UTC), datetime(2024, 7, 1, tzinfo=UTC))
    assert all(at.month == 1 and at.day == 1 for at, _ in years) and 3 <= len(years) <= 12
    assert line_chart_svg([ChartPoint(NOW, 1.0)], decimals=2, label="x") == ""
    many = [
        ChartPoint(datetime.fromtimestamp(1e9 + i * 3600, UTC), float(i % 97))
        for i in range(20_000)
    ]
    svg = line_chart_svg(many, decimals=2, label="big")
    assert svg.count("<rect") <= 401 and len(svg) < 200_000  # thinned, hover bounded


def test_a_story_chart_drawn_again_is_the_same_and_keeps_its_own_moment() -> None:
    window = [ChartPoint(NOW - timedelta(hours=h), 100.0 + h) for h in (20, 10, 0)]
    first = story_chart("gold", "Gold", NOW, window, base=110.0, latest=None, decimals=2)
    again = story_chart("gold", "Gold", NOW, list(window), base=110.0, latest=None, decimals=2)
    assert first.svg and again.svg == first.svg
    assert "story published 2024-07-08 12:00 UTC" in first.svg
    # The same instant given at another offset: equal datetimes, but its own label.
    tokyo = NOW.astimezone(timezone(timedelta(hours=9)))
    there = story_chart("gold", "Gold", tokyo, window, base=110.0, latest=None, decimals=2)
    assert "story published 2024-07-08 21:00" in there.svg and there.svg != first.svg
    other = story_chart("gold", "Gold", NOW, window[1:], base=110.0, latest=None, decimals=2)
    assert other.svg != first.svg  # other points, another chart


def test_resolution_is_read_from_the_points() -> None:
    def series(*days: int) -> list[Quote]:
        return [
            Quote("x", "x", datetime.fromtimestamp(d * 86_400, UTC), 1.0, None, None, "t")
            for d in days
        ]

    assert detect_resolution(series(0, 1, 2, 3, 6, 7)) == "daily"
    assert detect_resolution(series(0, 31, 59, 90)) == "monthly"
    assert detect_resolution(series(0, 7, 14)) == "weekly"
    assert detect_resolution(series(0)) == ""


def test_a_series_that_ends_before_the_story_has_no_move_since_publication() -> None:
    before = [ChartPoint(NOW - timedelta(days=d), 100.0 + d) for d in (40, 30)]
    ended = story_chart("gold", "Gold", NOW, before, base=130.0, latest=before[-1], decimals=2)
    assert ended.move is None and ended.move_pct is None and ended.latest_at == before[-1].at
    after = ChartPoint(NOW + timedelta(hours=3), 143.0)
    moved = story_chart("gold", "Gold", NOW, before, base=130.0, latest=after, decimals=2)
    assert moved.move == 13.0 and moved.move_pct == 10.0
