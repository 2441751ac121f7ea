"""Time expressions in a sentence, resolved against the story's date (the anchor).

    find_dates("Kishida met Xi last November.", date(2024, 5, 29))
    -> (TimeExpression("last November", 14, 27, "2023-11", "month"),)

Pure string work, no spaCy. The rules (docs/events.md says the same):

- Absolute dates resolve without an anchor: ISO dates ("2024-05-29"), "July 5, 2024",
  "5 July 2024" (day); "March 2023", "in March 2023" (month); "in 2022", "since 2019" (year).
- Everything else needs the anchor; without one the expression is kept, its date None.
- A weekday ("on Wednesday", "later on Wednesday", "Sunday's") is the most recent such day on
  or before the anchor, within 6 days, as news uses it; in a clause that speaks of the future
  ("will", "is due to", "is set to", ...) the coming one on or after the anchor. "last Friday"
  is strictly before the anchor, "next Friday" strictly after.
- A month without a year: "last November" is the most recent November before the anchor's
  month, "next November" the first after it, "this November" the anchor's year; a bare "in
  November" the most recent on or before the anchor's month (the coming one in a future
  clause). "on 5 July" / "July 5" without a year: the nearest such day to the anchor (the
  first on or after it in a future clause).
- "yesterday", "today", "tonight", "tomorrow", "last night", "this morning" (day); "last
  week", "this week", "next week", "last weekend" (an ISO week: 2024-W21); "last month",
  "earlier this month" (month); "last year", "earlier this year" (year); "three days ago"
  and the like.

Dates are ISO 8601 at the expression's granularity: YYYY-MM-DD (day), YYYY-Www (week),
YYYY-MM (month), YYYY (year).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

__all__ = ["Granularity", "TimeExpression", "find_dates", "resolve_weekday"]


class Granularity:
    """How precise a resolved date is (the string values of TimeExpression.granularity)."""

    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"


@dataclass(frozen=True, slots=True)
class TimeExpression:
    """A time expression as written in a text, with the date it stands for."""

    text: str  # as written, with its preposition or modifier: "later on Wednesday"
    start: int  # character offsets into the text searched (plus the offset given)
    end: int
    date: str | None  # ISO 8601 at its granularity; None: no anchor to resolve it against
    granularity: str  # "day", "week", "month" or "year"


_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
# AP-style abbreviations ("Sept. 12"), only before a day number.
_MONTH_ABBR = {
    "Jan": 1,
    "Feb": 2,
    "Mar": 3,
    "Apr": 4,
    "Jun": 6,
    "Jul": 7,
    "Aug": 8,
    "Sep": 9,
    "Sept": 9,
    "Oct": 10,
    "Nov": 11,
    "Dec": 12,
}
_MONTH_NUMBER = {name: n for n, name in enumerate(_MONTHS, start=1)}
_NUMBER_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
}

_M = "(?:" + "|".join(_MONTHS) + ")"
_MA = "(?:" + "|".join((*_MONTHS, *_MONTH_ABBR)) + r")\.?"
_WD = "(?:" + "|".join(_WEEKDAYS) + ")"
_ORD = r"(?:st|nd|rd|th)?"
_EDGE = r"(?<![\w-])"  # not inside a word or a hyphenated compound
# The words around a month or weekday may open a sentence ("Last May", "On Monday").
_SOON = r"(?:(?i:earlier|later|early|late)\s+)?"
_ON = r"(?:(?i:on|since|by|until|till|from|before|through)\s+)?"

# Words after which a weekday is a name, not a day: "Black Friday", "Cyber Monday".
_NAMED_DAYS = re.compile(r"(?:Black|Good|Cyber|Super|Ash|Easter|Holy|Bloody|Giving)\s+$")
# A clause that speaks of what is to come: a bare weekday or month in it is the coming one.
_FUTURE = re.compile(
    r"\b(?:will|shall|won't|'ll|(?:is|are|was|were)\s+(?:due|set|scheduled|expected|slated|"
    r"to)\b|plans?\s+to|upcoming|next)\b",
    re.IGNORECASE,
)
_CLAUSE_BREAK = re.compile(r"[,;:.!?\u2014]|\s-\s")


@dataclass(frozen=True, slots=True)
class _Rule:
    pattern: re.Pattern[str]
    resolve: Callable[[re.Match[str], date | None, bool], tuple[str | None, str] | None]
    needs: frozenset[str]  # what a text it matches must hold (_features): a fast test first


def find_dates(
    text: str, anchor: date | None = None, *, offset: int = 0
) -> tuple[TimeExpression, ...]:
    """The time expressions of a text (a sentence, usually), in order, none overlapping: where
    two overlap the one that starts first wins, then the longer. Offsets are into ``text``
    plus ``offset`` (a sentence's start in its article)."""
    found: list[tuple[int, int, str | None, str]] = []
    held = _features(text)
    for rule in _RULES:
        if not rule.needs <= held:
            continue
        for m in rule.pattern.finditer(text):
            if m.group("w") and _NAMED_DAYS.search(text, max(0, m.start() - 12), m.start()):
                continue
            resolved = rule.resolve(m, anchor, _future(text, m.start()))
            if resolved is not None:
                found.append((m.start(), m.end(), *resolved))
    found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
    out: list[TimeExpression] = []
    last_end = -1
    for start, end, iso, granularity in found:
        if start < last_end:
            continue
        out.append(TimeExpression(text[start:end], start + offset, end + offset, iso, granularity))
        last_end = end
    return tuple(out)


def resolve_weekday(
    weekday: int, anchor: date, *, relation: str = "", future: bool = False
) -> date:
    """The day a weekday (0 Monday .. 6 Sunday) names, told on ``anchor``: ``relation`` is
    "last", "next", "this" or "" (bare)."""
    back = (anchor.weekday() - weekday) % 7
    ahead = (weekday - anchor.weekday()) % 7
    if relation == "last":
        return anchor - timedelta(days=back or 7)
    if relation == "next":
        return anchor + timedelta(days=ahead or 7)
    return anchor + timedelta(days=ahead) if future else anchor - timedelta(days=back)


def _future(text: str, at: int) -> bool:
    """Whether the clause before ``at`` speaks of the future."""
    start = max(0, at - 160)  # a clause is shorter than this; the search stays short
    for b in _CLAUSE_BREAK.finditer(text, start, at):
        start = b.end()
    return _FUTURE.search(text, start, at) is not None


def _day(d: date) -> tuple[str, str]:
    return d.isoformat(), Granularity.DAY


def _month(year: int, month: int) -> tuple[str, str]:
    return f"{year:04d}-{month:02d}", Granularity.MONTH


def _week(d: date) -> tuple[str, str]:
    year, week, _ = d.isocalendar()
    return f"{year:04d}-W{week:02d}", Granularity.WEEK


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _month_of(name: str) -> int:
    name = name.rstrip(".")
    return _MONTH_NUMBER.get(name) or _MONTH_ABBR[name]


def _iso(m: re.Match[str], anchor: date | None, future: bool) -> tuple[str | None, str] | None:
    d = _safe_date(int(m["y"]), int(m["mo"]), int(m["d"]))
    return _day(d) if d else None


def _full(m: re.Match[str], anchor: date | None, future: bool) -> tuple[str | None, str] | None:
    d = _safe_date(int(m["y"]), _month_of(m["m"]), int(m["d"]))
    return _day(d) if d else None


def _day_month(
    m: re.Match[str], anchor: date | None, future: bool
) -> tuple[str | None, str] | None:
    month, day = _month_of(m["m"]), int(m["d"])
    if not 1 <= day <= 31:
        return None
    if anchor is None:
        return (None, Granularity.DAY) if _safe_date(2024, month, day) else None
    options = [
        d
        for y in (anchor.year - 1, anchor.year, anchor.year + 1)
        if (d := _safe_date(y, month, day))
    ]
    if not options:
        return None
    if future:
        return _day(min((d for d in options if d >= anchor), default=options[-1]))
    return _day(min(options, key=lambda d: (abs((d - anchor).days), d)))


def _month_year(
    m: re.Match[str], anchor: date | None, future: bool
) -> tuple[str | None, str] | None:
    return _month(int(m["y"]), _month_of(m["m"]))


def _named_month(
    m: re.Match[str], anchor: date | None, future: bool
) -> tuple[str | None, str] | None:
    month = _month_of(m["m"])
    relation = (m["rel"] or "").lower()
    if anchor is None:
        return None, Granularity.MONTH
    y, here = anchor.year, anchor.month
    if relation == "last":
        return _month(y if month < here else y - 1, month)
    if relation == "next":
        return _month(y if month > here else y + 1, month)
    if relation == "this":
        return _month(y, month)
    if future:
        return _month(y if month >= here else y + 1, month)
    return _month(y if month <= here else y - 1, month)


def _weekday(m: re.Match[str], anchor: date | None, future: bool) -> tuple[str | None, str] | None:
    if anchor is None:
        return None, Granularity.DAY
    relation = (m["rel"] or "").lower()
    return _day(resolve_weekday(_WEEKDAYS.index(m["w"]), anchor, relation=relation, future=future))


def _day_word(m: re.Match[str], anchor: date | None, future: bool) -> tuple[str | None, str] | None:
    if anchor is None:
        return None, Granularity.DAY
    word = m["dw"].lower()
    if word == "yesterday" or word == "last night":
        return _day(anchor - timedelta(days=1))
    if word == "tomorrow":
        return _day(anchor + timedelta(days=1))
    return _day(anchor)


_UNIT_STEP = {"week": 7}


def _relative_unit(
    m: re.Match[str], anchor: date | None, future: bool
) -> tuple[str | None, str] | None:
    unit = m["unit"].lower()
    granularity = {"week": Granularity.WEEK, "month": Granularity.MONTH}.get(unit, Granularity.YEAR)
    if anchor is None:
        return None, granularity
    step = {"last": -1, "this": 0, "next": 1}[m["rel"].lower()]
    if unit == "week":
        return _week(anchor + timedelta(days=7 * step))
    if unit == "month":
        index = anchor.year * 12 + anchor.month - 1 + step
        return _month(index // 12, index % 12 + 1)
    return f"{anchor.year + step:04d}", Granularity.YEAR


def _weekend(m: re.Match[str], anchor: date | None, future: bool) -> tuple[str | None, str] | None:
    """ "last weekend": the week of the last Saturday before the anchor; "this weekend", "at
    the weekend": the one before it, or the coming one in a future clause; "next weekend"
    the one after the coming one."""
    if anchor is None:
        return None, Granularity.WEEK
    relation = (m["rel"] or "").lower()
    if relation == "next":
        return _week(resolve_weekday(5, anchor, relation="next") + timedelta(days=7))
    if relation == "last" or (not future and relation != "this"):
        return _week(resolve_weekday(5, anchor, relation="last"))
    return _week(resolve_weekday(5, anchor, future=True))


def _ago(m: re.Match[str], anchor: date | None, future: bool) -> tuple[str | None, str] | None:
    unit = m["unit"].lower()
    n = int(m["n"]) if m["n"].isdigit() else _NUMBER_WORDS[m["n"].lower()]
    granularity = {
        "day": Granularity.DAY,
        "week": Granularity.WEEK,
        "month": Granularity.MONTH,
    }.get(unit, Granularity.YEAR)
    if anchor is None:
        return None, granularity
    if unit == "day":
        return _day(anchor - timedelta(days=n))
    if unit == "week":
        return _week(anchor - timedelta(days=7 * n))
    if unit == "month":
        index = anchor.year * 12 + anchor.month - 1 - n
        return _month(index // 12, index % 12 + 1)
    return f"{anchor.year - n:04d}", Granularity.YEAR


def _year(m: re.Match[str], anchor: date | None, future: bool) -> tuple[str | None, str] | None:
    return m["y"], Granularity.YEAR


def _rule(
    pattern: str,
    resolve: Callable[[re.Match[str], date | None, bool], tuple[str | None, str] | None],
    *needs: str,
    flags: int = 0,
) -> _Rule:
    # Every pattern has a group "w" (a weekday) so that named days can be told apart.
    if "(?P<w>" not in pattern:
        pattern += "(?P<w>(?!))?"
    return _Rule(re.compile(pattern, flags), resolve, frozenset(needs))


_DIGIT = re.compile(r"\d")
_MONTH_STEMS = tuple(m[:3] for m in _MONTHS)
_DAY_WORDS = (
    "yesterday",
    "today",
    "tomorrow",
    "tonight",
    "night",
    "morning",
    "afternoon",
    "evening",
)


def _features(text: str) -> frozenset[str]:
    """What a text holds that some rule needs: a digit, a month's name, "day", ..."""
    low = text.lower()
    held = {"-"} if "-" in text else set()
    if _DIGIT.search(text):
        held.add("digit")
    if any(m in text for m in _MONTH_STEMS):
        held.add("month")
    if "day" in low:
        held.add("day")
    if any(w in low for w in _DAY_WORDS):
        held.add("day word")
    if "week" in low or "month" in low or "year" in low:
        held.add("unit")
    if "week" in low:
        held.add("week")
    if " ago" in low:
        held.add("ago")
    return frozenset(held)


_NUMBER = "|".join((*_NUMBER_WORDS, r"\d{1,2}"))
_RULES = (
    _rule(
        _EDGE + r"(?:on\s+)?(?P<y>\d{4})-(?P<mo>\d{2})-(?P<d>\d{2})(?![\w-])", _iso, "digit", "-"
    ),
    _rule(
        _EDGE + r"(?:on\s+)?(?P<m>" + _MA + r")\s+(?P<d>\d{1,2})" + _ORD + r",?\s+(?P<y>\d{4})\b",
        _full,
        "digit",
        "month",
    ),
    _rule(
        _EDGE
        + r"(?:on\s+)?(?:the\s+)?(?P<d>\d{1,2})"
        + _ORD
        + r"\s+(?:of\s+)?(?P<m>"
        + _MA
        + r"),?\s+(?P<y>\d{4})\b",
        _full,
        "digit",
        "month",
    ),
    _rule(
        _EDGE + _ON + r"(?P<m>" + _MA + r")\s+(?P<d>\d{1,2})" + _ORD + r"(?![\w:.,]*\d)",
        _day_month,
        "digit",
        "month",
    ),
    _rule(
        _EDGE + _ON + r"(?:the\s+)?(?P<d>\d{1,2})" + _ORD + r"\s+(?:of\s+)?(?P<m>" + _M + r")\b",
        _day_month,
        "digit",
        "month",
    ),
    _rule(
        _EDGE
        + r"(?:(?:in|since|by|until|from|during|through|of)\s+)?"
        + r"(?:(?:early|late|mid-|mid)\s*)?(?P<m>"
        + _M
        + r"),?\s+(?P<y>\d{4})\b",
        _month_year,
        "digit",
        "month",
    ),
    _rule(
        _EDGE + _SOON + r"(?:(?P<rel>(?i:last|next|this))\s+)(?P<m>" + _M + r")\b(?!\s+\d)",
        _named_month,
        "month",
    ),
    _rule(
        _EDGE
        + r"(?i:in|since|by|until|till|from|through|during|(?:early|late|mid-|mid)\s*|"
        + r"(?:earlier|later)\s+in)\s+(?P<rel>)(?P<m>"
        + _M
        + r")\b(?!\s+\d)",
        _named_month,
        "month",
    ),
    _rule(
        _EDGE
        + r"(?:(?i:later|earlier|early|late)\s+(?i:on\s+)?)?"
        + r"(?:(?:(?P<rel>(?i:last|next|this))|"
        + r"(?i:on|since|by|until|till|from|before|through))\s+)?"
        + r"(?P<w>"
        + _WD
        + r")(?:['\u2019]s)?(?:\s+(?:morning|afternoon|evening|night))?\b",
        _weekday,
        "day",
    ),
    _rule(
        r"(?<![\w-])(?<!USA )(?:(?:earlier|later)\s+)?(?P<dw>yesterday|today|tomorrow|tonight|"
        r"last\s+night|this\s+(?:morning|afternoon|evening))\b",
        _day_word,
        "day word",
        flags=re.IGNORECASE,
    ),
    _rule(
        _EDGE + r"(?:(?:earlier|later|early|late)\s+)?(?P<rel>last|this|next)\s+"
        r"(?P<unit>week|month|year)\b",
        _relative_unit,
        "unit",
        flags=re.IGNORECASE,
    ),
    _rule(
        _EDGE + r"(?:(?:at|over)\s+the\s+weekend|(?P<rel>last|this|next)\s+weekend)\b",
        _weekend,
        "week",
        flags=re.IGNORECASE,
    ),
    _rule(
        _EDGE + r"(?P<n>" + _NUMBER + r")\s+(?P<unit>day|week|month|year)s?\s+ago\b",
        _ago,
        "ago",
        flags=re.IGNORECASE,
    ),
    _rule(
        _EDGE
        + r"(?:(?:in|since|by|until|from|during|through|of|early|late|mid|fiscal)\s+|mid-)"
        + r"(?:(?:early|late|mid-)\s*)?(?P<y>(?:19|20)\d{2})\b(?![\d-])",
        _year,
        "digit",
    ),
)
