"""Strip number formatting: the reference page round-trips, rounding, signs."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from marketdesk.markets.formatting import (
    change_pct,
    format_change,
    format_pct,
    format_price,
    format_strip_item,
    format_strip_line,
)
from marketdesk.markets.registry import Registry
from marketdesk.model import StripItem

SHARED = Path(__file__).resolve().parents[2] / "shared"
EXAMPLES = SHARED / "examples"
PAGE = EXAMPLES / "yahoo-finance-ca-2024-07-05.txt"
EXPECTED = EXAMPLES / "yahoo-finance-ca-2024-07-05.expected.json"


def page_strip_lines() -> list[str]:
    """The strip as the page prints it, one "NAME LAST CHANGE (PCT%)" line per instrument."""
    lines = [ln.strip() for ln in PAGE.read_text(encoding="utf-8").splitlines()[:77]]
    out = []
    for i, ln in enumerate(lines):
        if ln.startswith("•"):
            name = ln.lstrip("• ").strip()
            values = [v for v in lines[i + 1 : i + 4] if v]
            out.append(f"{name} {values[0]} {values[1]}")
    return out


@pytest.mark.shared
@pytest.mark.skipif(not EXPECTED.exists(), reason="../shared reference material is absent")
def test_reference_strip_formats_back_to_the_page() -> None:
    quotes = json.loads(EXPECTED.read_text(encoding="utf-8"))["quotes"]
    strip = Registry.bundled().strip("ca")
    page = page_strip_lines()
    assert len(quotes) == len(strip) == len(page) == 15
    for q, (inst, shown), printed in zip(quotes, strip, page, strict=True):
        assert q["name"] == shown
        line = format_strip_line(shown, q["last"], q["change"], q["change_pct"], inst.decimals)
        assert line == printed
        # The percentage computed from unrounded values matches what the page printed too.
        pct = change_pct(q["last"], q["last"] - q["change"])
        assert format_pct(pct) == printed.rsplit(" ", 1)[1], shown


def test_reference_line() -> None:
    assert format_strip_line("S&P/TSX", 22095.93, -148.09, -0.67, 2) == (
        "S&P/TSX 22,095.93 -148.09 (-0.67%)"
    )
    assert format_strip_line("10-Yr Bond", 4.272, -0.083, -1.91, 4) == (
        "10-Yr Bond 4.2720 -0.0830 (-1.91%)"
    )
    assert format_strip_line("NIKKEI 225", 40912.37, -1.28, -0.0031, 2) == (
        "NIKKEI 225 40,912.37 -1.28 (-0.00%)"
    )


@pytest.mark.parametrize(
    ("x", "decimals", "text"),
    [
        (22095.93, 2, "22,095.93"),
        (2398.7, 2, "2,398.70"),
        (0.7335, 4, "0.7335"),
        (77166.95, 2, "77,166.95"),
        (1234567.891, 2, "1,234,567.89"),
        (0.125, 2, "0.13"),  # half away from zero, on the decimal as written
        (2.675, 2, "2.68"),  # binary 2.67499999... would give 2.67
        (1.0005, 3, "1.001"),
        (-37.625, 2, "-37.63"),  # negative prices exist (WTI, April 2020)
        (-0.001, 2, "0.00"),  # no "-0.00" price
        (999.995, 2, "1,000.00"),
        (42.0, 0, "42"),
        (0, 2, "0.00"),
        (1e21, 2, "1,000,000,000,000,000,000,000.00"),
    ],
)
def test_format_price(x: float, decimals: int, text: str) -> None:
    assert format_price(x, decimals) == text


@pytest.mark.parametrize(
    ("x", "decimals", "text"),
    [
        (28.62, 2, "+28.62"),
        (-148.09, 2, "-148.09"),
        (-2676.37, 2, "-2,676.37"),
        (-0.0012, 4, "-0.0012"),
        (-0.083, 4, "-0.0830"),
        (29.3, 2, "+29.30"),
        (0.0, 2, "0.00"),  # unchanged: no sign
        (-0.0, 2, "-0.00"),  # as parsed from a page's "-0.00"
        (0.001, 2, "+0.00"),  # a gain too small to show
        (-0.001, 2, "-0.00"),  # a loss too small to show
        (-0.125, 2, "-0.13"),
    ],
)
def test_format_change(x: float, decimals: int, text: str) -> None:
    assert format_change(x, decimals) == text


@pytest.mark.parametrize(
    ("x", "text"),
    [
        (-0.67, "(-0.67%)"),
        (0.52, "(+0.52%)"),
        (-0.0031, "(-0.00%)"),
        (-0.0, "(-0.00%)"),
        (0.004, "(+0.00%)"),
        (0.0, "(0.00%)"),
        (-0.6, "(-0.60%)"),
        (0.005, "(+0.01%)"),
        (123.456, "(+123.46%)"),
    ],
)
def test_format_pct(x: float, text: str) -> None:
    assert format_pct(x) == text
    assert format_pct(x, parens=False) == text[1:-1]


def test_strip_line_leaves_out_unknown_parts() -> None:
    assert format_strip_line("X", 1.5, None, None, 2) == "X 1.50"
    assert format_strip_line("X", 1.5, 0.25, None, 2) == "X 1.50 +0.25"
    assert format_strip_line("X", 1.5, None, 2.0, 2) == "X 1.50 (+2.00%)"


def test_format_strip_item() -> None:
    item = StripItem("CAD/USD", 0.7335, -0.0012, -0.16, 4, datetime(2024, 7, 5, tzinfo=UTC), "page")
    assert format_strip_item(item) == "CAD/USD 0.7335 -0.0012 (-0.16%)"


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_non_finite_is_refused(bad: float) -> None:
    with pytest.raises(ValueError):
        format_price(bad, 2)
    with pytest.raises(ValueError):
        format_change(bad, 2)
    with pytest.raises(ValueError):
        format_pct(bad)


def test_decimals_out_of_range() -> None:
    with pytest.raises(ValueError):
        format_price(1.0, 11)
    with pytest.raises(ValueError):
        format_price(1.0, -1)


def test_change_pct() -> None:
    assert change_pct(110.0, 100.0) == pytest.approx(10.0)
    assert change_pct(40912.37, 40913.65) == pytest.approx(-0.0031285, rel=1e-4)
    # From a negative price, a rise is still a positive change.
    assert change_pct(10.0, -37.63) > 0
    assert change_pct(5.0, 5.0) == 0.0 and not math.copysign(1, change_pct(5.0, 5.0)) < 0
    with pytest.raises(ValueError):
        change_pct(1.0, 0.0)
    with pytest.raises(ValueError):
        change_pct(math.nan, 1.0)


finite = st.floats(min_value=-1e12, max_value=1e12, allow_nan=False, allow_infinity=False)


@settings(max_examples=300, database=None, deadline=None)
@given(x=finite, decimals=st.integers(0, 6))
def test_price_is_the_value_rounded(x: float, decimals: int) -> None:
    text = format_price(x, decimals)
    value = Decimal(text.replace(",", ""))
    assert abs(value - Decimal(repr(x))) <= Decimal(1).scaleb(-decimals) / 2
    if decimals:
        assert len(text.rsplit(".", 1)[1]) == decimals


@settings(max_examples=300, database=None, deadline=None)
@given(x=finite, decimals=st.integers(0, 6))
def test_change_sign_follows_the_unrounded_value(x: float, decimals: int) -> None:
    text = format_change(x, decimals)
    if x > 0:
        assert text.startswith("+")
    elif x < 0 or math.copysign(1.0, x) < 0:
        assert text.startswith("-")
    else:
        assert text[0].isdigit()
    assert text.lstrip("+-") == format_price(abs(x), decimals)
