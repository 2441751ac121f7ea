"""The bundled public-domain history (data/markets, see ATTRIBUTION.md there) as a provider."""

from __future__ import annotations

from datetime import UTC, datetime, time

from marketdesk.markets.history import BUNDLED_SERIES, load_bundled_history
from marketdesk.markets.providers.base import NotCoveredError, SeriesRequest
from marketdesk.markets.registry import Registry
from marketdesk.model import Instrument, Quote

__all__ = ["BundledProvider"]

_COVERED = frozenset(s.instrument for s in BUNDLED_SERIES)


class BundledProvider:
    """History shipped with marketdesk; offline, daily or monthly, never fresh (not live)."""

    name = "bundled"
    live = False

    def covers(self, instrument: Instrument) -> bool:
        return instrument.key in _COVERED

    def fetch(self, instrument: Instrument, request: SeriesRequest) -> list[Quote]:
        if not self.covers(instrument):
            raise NotCoveredError(
                f"no bundled history for {instrument.key}; bundled: {', '.join(sorted(_COVERED))}",
                provider=self.name,
                instrument=instrument.key,
            )
        if request.interval != "1d":
            raise NotCoveredError(
                "bundled history is daily or monthly, not intraday",
                provider=self.name,
                instrument=instrument.key,
            )
        # A one-instrument registry makes load_bundled_history read only that series' file.
        quotes = list(load_bundled_history(Registry([instrument], [])))
        start = datetime.combine(request.start, time.min, UTC) if request.start else None
        end = datetime.combine(request.end, time.max, UTC) if request.end else None
        return [
            q for q in quotes if (start is None or q.at >= start) and (end is None or q.at <= end)
        ]
