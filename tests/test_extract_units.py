from __future__ import annotations

import pytest

from marketdesk.errors import InputError
from marketdesk.extract import detect_kind, extract
from marketdesk.extract.banner import is_market_status
from marketdesk.extract.credits import syndication_origin, wire_dateline_origin
from marketdesk.extract.numerals import guess_decimal_separator, parse_number
from marketdesk.extract.textdump import split_blocks
from marketdesk.model import RawDocument


@pytest.mark.parametrize(
    ("token", "decimal", "value"),
    [
        ("22,095.93", ".", 22095.93),
        ("-148.09", ".", -148.09),
        ("\u2212148.09", ".", -148.09),
        ("\u25bc 12.5", ".", -12.5),
        ("\u25b2 12.5", ".", 12.5),
        ("22 095,93", ",", 22095.93),
        ("22.095,93", ",", 22095.93),
        ("22\u202f095,93", ",", 22095.93),
        ("1'234.5", ".", 1234.5),
        ("+0.0012", ".", 0.0012),
    ],
)
def test_parse_number(token: str, decimal: str, value: float) -> None:
    assert parse_number(token, decimal) == pytest.approx(value)


def test_parse_number_rejects_words() -> None:
    with pytest.raises(ValueError):
        parse_number("abc")


def test_decimal_separator_from_the_group() -> None:
    assert guess_decimal_separator(["0,62", "18.235,45"]) == ","
    assert guess_decimal_separator(["-0.67", "22,095.93"]) == "."
    assert guess_decimal_separator(["1,174"]) == "."


@pytest.mark.parametrize(
    "text",
    [
        "Canada markets close in 19 minutes",
        "U.S. markets open in 25 minutes",
        "U.S. markets closed",
        "Canada markets close in 3h 55m",
        "Market open",
    ],
)
def test_banners(text: str) -> None:
    assert is_market_status(text)


def test_not_a_banner() -> None:
    assert not is_market_status("Markets closed higher on Friday after a volatile week of trading.")


def test_syndication_origin() -> None:
    assert (
        syndication_origin("This article originally appeared in the Financial Planning Journal.")
        == "Financial Planning Journal"
    )
    assert syndication_origin("Distributed by Tribune Content Agency, LLC.") == (
        "Tribune Content Agency"
    )
    assert syndication_origin("The bank said it would originally plan to expand.") is None
    assert wire_dateline_origin("TOKYO (AP) \u2014 Shares fell.") == "Associated Press"


def test_list_items_keep_continuation_lines() -> None:
    blocks = split_blocks("  \u2022 DOW\n\n    39,357.27\n    +49.27 (+0.13%)\n\nHeadline here\n")
    assert [b.tag for b in blocks] == ["li", "p"]
    assert blocks[0].lines == ("DOW", "39,357.27", "+49.27 (+0.13%)")


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "empty"), (b"   \n\n", "empty"), (b"\x00\x01\x02binary\x00" * 50, "binary")],
)
def test_bad_input_is_a_clear_error(content: bytes, message: str) -> None:
    with pytest.raises(InputError, match=message):
        extract(RawDocument(source="x", content=content))


def test_one_giant_line_is_bounded() -> None:
    text = ("word " * 400_000).encode()
    page = extract(RawDocument(source="giant", content=text))
    assert page.kind == "text"


def test_kind_detection() -> None:
    assert detect_kind(RawDocument("a.txt", b"<!DOCTYPE html><html>")) == "html"
    assert detect_kind(RawDocument("a.txt", b"Canada markets closed")) == "text"
    assert detect_kind(RawDocument("u", b"x", media_type="text/html")) == "html"


def test_unknown_kind() -> None:
    with pytest.raises(InputError, match="unknown kind"):
        extract(RawDocument("a", b"text"), kind="pdf")


def test_mixed_encoding_does_not_fail() -> None:
    content = "Caf\u00e9 prices rose sharply this week.".encode() + b" \xe9t\xe9 " * 3
    page = extract(RawDocument("mixed", content * 5))
    assert page.kind == "text"
