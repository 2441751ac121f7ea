"""Numbers as a ticker strip prints them: "S&P/TSX 22,095.93 -148.09 (-0.67%)".

Rounding is half away from zero on the decimal the float was written as (``repr``), so 0.125
shows as 0.13 the way a person expects, not 0.12 as binary floats and banker's rounding would
give.

Signs follow the reference page (Yahoo Finance):

- a change or percentage carries an explicit sign: "+28.62", "-148.09", "(+0.52%)";
- the sign is the sign of the *unrounded* value, so a tiny loss that rounds to zero still shows
  "-0.00%" (NIKKEI 225 on the reference page: -1.28, "(-0.00%)") and a tiny gain "+0.00%";
- a change of exactly zero (an unchanged quote) is printed unsigned, "0.00" and "(0.00%)", as
  Yahoo prints unchanged quotes. A negative zero (-0.0, as parsing "-0.00" yields) counts as a
  loss, so what was read from a page prints back the same.

Prices have no sign unless negative (WTI settled at -37.63 in April 2020).
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Context, Decimal

from marketdesk.model import StripItem

__all__ = [
    "change_pct",
    "format_change",
    "format_pct",
    "format_price",
    "format_strip_item",
    "format_strip_line",
]

# Wide enough that quantize never overflows for any finite float (|x| < 1e309).
_CTX = Context(prec=400, rounding=ROUND_HALF_UP)
_STEPS = [Decimal(1).scaleb(-n) for n in range(11)]


def _decimal(x: float) -> Decimal:
    if not math.isfinite(x):
        raise ValueError(f"cannot format {x!r}")
    # repr gives the shortest decimal that round-trips: the number as the source wrote it.
    return Decimal(repr(float(x)))


def _rounded(d: Decimal, decimals: int) -> Decimal:
    if not 0 <= decimals <= 10:
        raise ValueError(f"decimals must be 0..10, not {decimals}")
    return d.quantize(_STEPS[decimals], context=_CTX)


def _digits(q: Decimal, decimals: int) -> str:
    return f"{abs(q):,.{decimals}f}"


def format_price(x: float, decimals: int) -> str:
    """A last price with thousands separators: ``format_price(22095.93, 2) == "22,095.93"``."""
    q = _rounded(_decimal(x), decimals)
    return ("-" if q < 0 else "") + _digits(q, decimals)


def _signed(d: Decimal, decimals: int) -> str:
    q = _rounded(d, decimals)
    if d.is_signed():  # negative, including -0.0 and losses too small to show
        return "-" + _digits(q, decimals)
    if d == 0:
        return _digits(q, decimals)
    return "+" + _digits(q, decimals)


def format_change(x: float, decimals: int) -> str:
    """A change with explicit sign in the instrument's decimals: "-148.09", "-0.0012"."""
    return _signed(_decimal(x), decimals)


def format_pct(x: float, *, parens: bool = True) -> str:
    """A percentage change, two decimals, explicit sign: "(-0.67%)"; "-0.67%" without parens."""
    text = _signed(_decimal(x), 2) + "%"
    return f"({text})" if parens else text


def format_strip_line(
    name: str,
    last: float,
    change: float | None,
    change_pct: float | None,
    decimals: int,
) -> str:
    """One strip line, "S&P/TSX 22,095.93 -148.09 (-0.67%)"; unknown parts are left out."""
    parts = [name, format_price(last, decimals)]
    if change is not None:
        parts.append(format_change(change, decimals))
    if change_pct is not None:
        parts.append(format_pct(change_pct))
    return " ".join(parts)


def format_strip_item(item: StripItem) -> str:
    """:func:`format_strip_line` for a StripItem."""
    return format_strip_line(item.name, item.last, item.change, item.change_pct, item.decimals)


def change_pct(last: float, prev_close: float) -> float:
    """Percentage change from ``prev_close`` to ``last``, from unrounded values.

    Divides by ``abs(prev_close)`` so the sign always follows the direction of the move, even
    from a negative price. A zero or non-finite previous close raises ValueError.
    """
    if prev_close == 0 or not math.isfinite(prev_close) or not math.isfinite(last):
        raise ValueError(f"no percentage change from {prev_close!r} to {last!r}")
    return (last - prev_close) / abs(prev_close) * 100.0
