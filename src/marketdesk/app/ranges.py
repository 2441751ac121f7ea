"""Date ranges as users give them (``--from``/``--to``, ``?from=&to=``), read in one place with
one set of defaults and limits for the command line and the web alike."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from marketdesk.errors import InputError
from marketdesk.markets.charts import RESOLUTIONS, parse_bound

__all__ = [
    "DEFAULT_RANGE_DAYS",
    "MAX_RANGE_DAYS",
    "RESOLUTIONS",
    "DateRange",
    "check_resolution",
]

DEFAULT_RANGE_DAYS = 365
MAX_RANGE_DAYS = 366 * 50  # more than any bundled series; bounds the work one request can ask


@dataclass(frozen=True, slots=True)
class DateRange:
    start: datetime  # aware, UTC
    end: datetime

    @classmethod
    def parse(
        cls,
        start: str | None,
        end: str | None,
        now: datetime,
        *,
        default_days: int = DEFAULT_RANGE_DAYS,
        start_name: str = "from",
        end_name: str = "to",
    ) -> DateRange:
        """Bounds as dates (YYYY-MM-DD, whole UTC days) or ISO 8601 instants with an offset;
        the end defaults to ``now`` and the start to ``default_days`` before the end."""
        stop = parse_bound(end, end=True) if end else now
        begin = parse_bound(start, end=False) if start else stop - timedelta(days=default_days)
        if begin > stop:
            raise InputError(f"{start_name} {begin:%Y-%m-%d} is after {end_name} {stop:%Y-%m-%d}")
        if stop - begin > timedelta(days=MAX_RANGE_DAYS):
            raise InputError(
                f"a range may span at most {MAX_RANGE_DAYS} days; narrow {start_name} or {end_name}"
            )
        return cls(begin, stop)


def check_resolution(resolution: str) -> str:
    if resolution not in RESOLUTIONS:
        raise InputError(f"resolution must be one of {', '.join(RESOLUTIONS)}, not {resolution!r}")
    return resolution
