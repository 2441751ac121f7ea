"""Hostile and broken HTML: a clear result or a clear error, in bounded time."""

from __future__ import annotations

import time

import pytest

from marketdesk.errors import InputError
from marketdesk.extract import extract
from marketdesk.model import Page, RawDocument
from support import slowdown

PROSE = (
    "<p>The central bank left its key rate unchanged on Thursday and said it would keep "
    "watching wages and services prices before deciding its next move.</p>"
)


def _extract(content: bytes, kind: str = "html") -> Page:
    return extract(RawDocument(source="t.html", content=content), kind)


def test_truncated_html_still_yields_the_article() -> None:
    page = _extract(f"<html><body><article>{PROSE}{PROSE}<p>The rate".encode())
    assert "central bank" in page.article.text


def test_unclosed_and_misnested_tags() -> None:
    html = f"<div><p><b>{PROSE}<i></div></b></span>{PROSE}</table></html>".encode()
    page = _extract(html)
    assert page.article.paragraphs


def test_all_script_page_has_no_article() -> None:
    html = (
        b"<html><head><script>" + b"var x = 1;" * 50_000 + b"</script></head><body></body></html>"
    )
    page = _extract(html)
    assert page.article.paragraphs == ()
    assert page.reason


def test_non_html_bytes_are_refused() -> None:
    with pytest.raises(InputError, match="binary"):
        _extract(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 20)


def test_thirty_megabytes_is_refused_clearly() -> None:
    with pytest.raises(InputError, match="limit"):
        _extract(b"<html><body>" + b"<p>word</p>" * (30 * 1024 * 1024 // 11) + b"</body></html>")


def test_wide_and_deep_page_in_bounded_time() -> None:
    wide = "".join(f"<div><span>item {i}</span></div>" for i in range(50_000))
    deep = "<div>" * 10_000 + PROSE + "</div>" * 10_000
    before = slowdown()
    t0 = time.perf_counter()
    page = _extract(f"<html><body>{wide}{deep}{PROSE}</body></html>".encode())
    elapsed = time.perf_counter() - t0
    factor = max(before, slowdown())
    # 0.9 s measured on the development machine (2 cores, shared); five times that is room for
    # a loaded CI machine.
    assert elapsed < 4.5 * factor, f"{elapsed:.2f} s (this machine {factor:.1f}x slower now)"
    assert "central bank" in page.article.text


def test_entities_and_wrong_charset_declaration() -> None:
    html = (
        '<html><head><meta charset="iso-8859-1"></head><body>'
        + PROSE.replace("Thursday", "Th&uuml;rsday &amp; Friday")
        + PROSE
        + "</body></html>"
    ).encode("utf-8")
    page = _extract(html)
    assert "Thürsday & Friday" in page.article.text
