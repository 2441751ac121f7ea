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
_DIGIT = re.compile(r"\d")
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
    # Every pattern, slashed or not, reads digits: a text without one holds no date (most
    # blocks asked), decided by one scan instead of four.
    if _DIGIT.search(text) is None:
        return None
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


# What a date line says besides its date ('Updated', 'Published on', 'am', 'Uhr', 'ET'): with
# these and the month names taken out, a date line has a few words left at most (a name).
_STAMP_TEXT = (
    "updated published posted modified last on at by the am pm a p m et est edt cet cest "
    "pst pdt gmt utc bst ist uhr um le el de del al à las h stand zuletzt geändert "
    "aktualisiert publiziert veröffentlicht erstellt actualizado publicado publié mis jour "
    "dernière mise aggiornato pubblicato il alle of in monday tuesday wednesday thursday "
    "friday saturday sunday mon tue wed thu fri sat sun montag dienstag mittwoch donnerstag "
    "freitag samstag sonntag lundi mardi mercredi jeudi vendredi samedi dimanche"
)
_STAMP_WORDS = frozenset(_STAMP_TEXT.split())
_LETTERS = re.compile(r"[^\W\d_]{2,}")
_DATELINE_MAX_WORDS = 14
_DATELINE_REST = 4


def is_dateline(text: str) -> bool:
    """A short line that is a date and little else: 'Updated July 23, 2012, 11:27 p.m. ET',
    '19.10.2019, 05:00 Uhr', 'Bettina Kugler 19.10.2019' (a name at most beside it)."""
    if len(text.split()) > _DATELINE_MAX_WORDS or find_date(text, slashed=True) is None:
        return False
    rest = [
        w
        for w in _LETTERS.findall(text)
        if (f := w.casefold()) not in _STAMP_WORDS and f.rstrip(".") not in _MONTHS
    ]
    return len(rest) <= _DATELINE_REST
