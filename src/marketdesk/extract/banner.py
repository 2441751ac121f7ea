"""Market-status banners: 'Canada markets close in 19 minutes', 'U.S. markets closed'."""

from __future__ import annotations

import re

_BANNER = re.compile(
    r"""^(?:(?P<region>[A-Z][\w.'&\- ]{0,30}?)\s+)?
    (?:stock\s+)?markets?\s+(?:are\s+|is\s+)?
    (?:
        (?:open|close)s?\s+in\s+(?:\d+\s*(?:h|hr|hrs|hours?)\s*)?(?:\d+\s*(?:m|min|mins|minutes?))?
      | (?:open|closed|opening|closing)(?:\s+(?:soon|now|early|today))?
      | (?:open|close)s?\s+(?:at|tomorrow|on)\b.{0,30}
    )\s*[.!]?$""",
    re.VERBOSE | re.IGNORECASE,
)
_SESSION = re.compile(
    r"^(?:pre-?market|after[- ]hours|market\s+(?:open|closed)|markets\s+(?:open|closed))$",
    re.IGNORECASE,
)


def is_market_status(text: str) -> bool:
    t = text.strip()
    if len(t) > 80 or len(t.split()) > 10:
        return False
    return bool(_BANNER.match(t) or _SESSION.match(t))
