"""Dates as pages print them near a headline: 'Wed, May 29, 2024, 8:00 AM', '2024-05-29'."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

_MONTHS = {
    name: i + 1
    for names in (
        "january february march april may june july august september october november december",
        "jan feb mar apr may jun jul aug sep oct nov dec",
        "januar februar märz april mai juni juli august september oktober november dezember",
        "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
        "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre",
    )
    for i, name in enumerate(names.split())
}
_MONTHS["sept"] = 9
_MON = r"(?P<mon>[A-Za-zäéû]{3,9})\.?"
_TIME = (
    r"(?:[,\s]+(?:at\s+)?(?P<h>\d{1,2})[:.](?P<mi>\d{2})(?::(?P<s>\d{2}))?\s*(?P<ap>[ap]\.?m\.?)?)?"
)
_TZ = r"(?:\s*(?P<tz>UTC|GMT|Z|[+-]\d{2}:?\d{2}))?"
_PATTERNS = [
    re.compile(
        r"(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})(?:[T\s](?P<h>\d{2}):(?P<mi>\d{2})(?::(?P<s>\d{2}))?"
        r"(?:\.\d+)?(?P<tz>Z|[+-]\d{2}:?\d{2})?)?"
    ),
    re.compile(rf"{_MON}\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>\d{{4}}){_TIME}{_TZ}", re.I),
    re.compile(rf"(?P<d>\d{{1,2}})\.?\s+{_MON}\s+(?P<y>\d{{4}}){_TIME}{_TZ}", re.I),
    re.compile(r"(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4})" + _TIME),
]
# 17/02/2022, 02/17/2022 or 17 | 02 | 2022: read only where the caller knows the text is a
# date line, since the order of day and month depends on the page's locale.
_SLASHED = re.compile(
    r"(?<![\d/])(?P<a>\d{1,2})\s?(?P<sep>[/|])\s?(?P<b>\d{1,2})\s?(?P=sep)\s?(?P<y>\d{4})(?![\d/])"
    + _TIME
)


def find_date(text: str, *, slashed: bool = False, day_first: bool = True) -> datetime | None:
    """The first date in a short text; aware when the text names an offset.

    With `slashed`, numeric dates with slashes count too: day first unless `day_first` is
    False, or unless one of the two numbers cannot be a month.
    """
    for rx in _PATTERNS:
        for m in rx.finditer(text):
            parsed = _build(m.groupdict())
            if parsed is not None:
                return parsed
    if slashed:
        for m in _SLASHED.finditer(text):
            g = m.groupdict()
            a, b = int(g.pop("a")), int(g.pop("b"))
            g.pop("sep")
            if b > 12 or (not day_first and a <= 12):
                a, b = b, a
            parsed = _build({**g, "d": str(a), "m": str(b)})
            if parsed is not None:
                return parsed
    return None


def _build(g: dict[str, str | None]) -> datetime | None:
    try:
        year = int(g["y"] or 0)
        if g.get("mon"):
            month = _MONTHS.get((g["mon"] or "").lower().rstrip("."))
            if month is None:
                return None
        else:
            month = int(g["m"] or 0)
        day = int(g["d"] or 0)
        hour = int(g.get("h") or 0)
        minute = int(g.get("mi") or 0)
        second = int(g.get("s") or 0)
        ap = (g.get("ap") or "").replace(".", "").lower()
        if ap == "pm" and hour < 12:
            hour += 12
        elif ap == "am" and hour == 12:
            hour = 0
        if not 1990 <= year <= 2100:
            return None
        dt = datetime(year, month, day, hour, minute, second)
    except (ValueError, TypeError):
        return None
    tz = g.get("tz")
    if tz:
        if tz.upper() in ("Z", "UTC", "GMT"):
            return dt.replace(tzinfo=UTC)
        sign = 1 if tz[0] == "+" else -1
        digits = tz[1:].replace(":", "")
        offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:4]))
        return dt.replace(tzinfo=timezone(sign * offset))
    return dt
