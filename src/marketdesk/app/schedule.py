"""Doing a job again and again: ``quotes refresh --every 15m`` today, the polling daemon later.

The loop keeps its own rhythm (a run that takes 40 s of a 15 min interval waits 14 min 20 s),
reads time only from the Desk's services (monotonic for waiting, the clock for what it prints),
and stops on Ctrl-C between or during runs, keeping what the finished runs stored.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from marketdesk.app.desk import Desk
from marketdesk.errors import InputError

__all__ = ["MAX_BACKOFF", "MIN_EVERY", "ScheduleReport", "parse_every", "repeat", "retry_delay"]

_EVERY = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|sec|m|min|h|hr|d)?\s*$", re.IGNORECASE)
_UNIT = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hr": 3600, "d": 86400}
MIN_EVERY = 60.0  # the providers are free services: once a minute is the politest we go


def parse_every(text: str) -> float:
    """'15m', '1h', '90s', '30' (minutes) -> seconds; InputError below a minute or unreadable."""
    m = _EVERY.match(text)
    if m is None:
        raise InputError(f"--every {text!r} is not a duration; use e.g. 15m, 1h or 90s")
    seconds = float(m[1]) * _UNIT[(m[2] or "m").lower()]
    if seconds < MIN_EVERY:
        raise InputError(f"--every {text!r} is too often; the shortest interval is 1m")
    return seconds


MAX_BACKOFF = 24 * 3600.0  # a failing source is tried at least once a day
_JITTER = random.Random()


def retry_delay(every: float, failures: int, rng: random.Random = _JITTER) -> float:
    """Seconds until a failing source is tried again: its interval doubled per consecutive
    failure (at most a day, or its own interval when that is longer), spread by ±25 % so that
    sources that failed together (a network outage) do not all come back at once."""
    base = min(every * 2.0 ** max(0, failures - 1), max(every, MAX_BACKOFF))
    return base * rng.uniform(0.75, 1.25)


@dataclass(frozen=True, slots=True)
class ScheduleReport:
    runs: int  # runs that completed
    interrupted: bool


def repeat(
    desk: Desk,
    job: Callable[[], object],
    every: float,
    *,
    on_wait: Callable[[datetime], None] = lambda next_run: None,
) -> ScheduleReport:
    """Run ``job`` every ``every`` seconds until Ctrl-C; ``on_wait`` hears of each next run."""
    monotonic, sleep = desk.services.monotonic, desk.services.sleep
    runs = 0
    try:
        while True:
            started = monotonic()
            job()
            runs += 1
            wait = max(0.0, every - (monotonic() - started))
            on_wait(desk.clock() + timedelta(seconds=wait))
            sleep(wait)
    except KeyboardInterrupt:
        return ScheduleReport(runs, True)
