"""``/instruments/{key}`` and its ``.json`` twin: the chart over a range, key numbers, session,
stories and paged history; ``/instruments/{key}/history.csv``: the history as a streamed CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from marketdesk.app import shapes
from marketdesk.app.instrument_page import RANGES, csv_rows, instrument_page
from marketdesk.model import Quote
from marketdesk.web.views.params import int_param, str_param
from marketdesk.web.views.state import desk, renderer

CSV_HEADER = ("date", "instrument", "last", "change", "change_pct", "open", "high", "low", "source")
_CSV_BATCH = 500  # rows a chunk of the response


def instrument(request: Request) -> Response:
    view = instrument_page(
        desk(request),
        request.path_params["key"],
        range_code=str_param(request, "range"),
        start=str_param(request, "from"),
        end=str_param(request, "to"),
        resolution=str_param(request, "resolution"),
        page=int_param(request, "page", 1),
    )

    def context() -> dict[str, object]:
        return {
            "view": view,
            "ranges": RANGES,
            "chart": Markup(view.chart_svg),  # built by app/chart.py, every text in it escaped
        }

    return renderer(request).respond(
        request, "instrument.html", lambda: shapes.instrument_page_json(view), context
    )


def instrument_csv(request: Request) -> Response:
    inst, span, quotes = csv_rows(
        desk(request),
        request.path_params["key"],
        start=str_param(request, "from"),
        end=str_param(request, "to"),
        resolution=request.query_params.get("resolution", "daily"),
    )
    daily = request.query_params.get("resolution", "daily") == "daily"

    def body() -> Iterator[str]:
        buf = io.StringIO()
        out = csv.writer(buf, lineterminator="\r\n")  # RFC 4180
        out.writerow(CSV_HEADER)
        for n, q in enumerate(quotes, 1):
            out.writerow(_row(q, daily))
            if n % _CSV_BATCH == 0:
                yield buf.getvalue()
                buf.seek(0)
                buf.truncate()
        yield buf.getvalue()

    given = str_param(request, "from") or str_param(request, "to")
    name = f"{inst.key}-{span.start:%Y%m%d}-{span.end:%Y%m%d}.csv" if given else f"{inst.key}.csv"
    return StreamingResponse(
        body(),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{name}"'},
    )


def _row(q: Quote, daily: bool) -> tuple[object, ...]:
    def n(x: float | None) -> str:
        return "" if x is None else repr(x)

    when = q.at.date().isoformat() if daily else q.at.isoformat()
    return (
        when,
        q.instrument or "",
        n(q.last),
        n(q.change),
        n(q.change_pct),
        n(q.open),
        n(q.high),
        n(q.low),
        q.source,
    )
