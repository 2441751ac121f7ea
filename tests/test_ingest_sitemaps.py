"""ingest/sitemaps.py: urlset, index, news, gzip, text; bombs and DOCTYPEs refused."""

from __future__ import annotations

import gzip
import time
from datetime import UTC, datetime

import pytest

from marketdesk.errors import InputError, SitemapError, TooLargeError
from marketdesk.ingest.sitemaps import Sitemap, SitemapEntry, parse_sitemap, w3c_datetime

URLSET = b"""<?xml version="1.0" encoding="UTF-8"?>
<?xml-stylesheet type="text/xsl" href="/sitemap.xsl"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc>https://desk.example/markets/a</loc><lastmod>2025-01-02</lastmod>
       <changefreq>daily</changefreq><priority>0.8</priority></url>
  <url><loc> https://desk.example/markets/b?x=1&amp;y=2 </loc>
       <lastmod>2025-01-03T10:30:00+01:00</lastmod></url>
  <url><loc>/markets/c</loc><lastmod>not a date</lastmod></url>
  <url><loc>ftp://desk.example/file</loc></url>
</urlset>
"""

INDEX = b"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>https://desk.example/sitemap-1.xml.gz</loc><lastmod>2025-02</lastmod></sitemap>
  <sitemap><loc>https://desk.example/sitemap-2.xml</loc></sitemap>
</sitemapindex>
"""

NEWS = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"
        xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">
  <url>
    <loc>https://desk.example/news/copper</loc>
    <news:news>
      <news:publication><news:name>Harbour Desk</news:name><news:language>en</news:language></news:publication>
      <news:publication_date>2025-03-04T07:15:00Z</news:publication_date>
      <news:title>Copper &amp; zinc climb</news:title>
    </news:news>
    <image:image><image:loc>https://desk.example/i/copper.jpg</image:loc><image:title>Not the news title</image:title></image:image>
  </url>
  <url><loc>https://desk.example/news/plain</loc></url>
</urlset>
"""


def test_urlset() -> None:
    sitemap = parse_sitemap(URLSET, url="https://desk.example/sitemap.xml")
    assert isinstance(sitemap, Sitemap)
    assert not sitemap.is_index
    assert [e.loc for e in sitemap.entries] == [
        "https://desk.example/markets/a",
        "https://desk.example/markets/b?x=1&y=2",
        "https://desk.example/markets/c",
    ]
    assert sitemap.entries[0].lastmod == datetime(2025, 1, 2, tzinfo=UTC)
    assert sitemap.entries[1].lastmod == datetime(2025, 1, 3, 9, 30, tzinfo=UTC)
    assert sitemap.entries[2].lastmod is None
    assert sitemap.entries[0].news_title is None
    assert any("1 entries" in w for w in sitemap.warnings)


def test_index() -> None:
    sitemap = parse_sitemap(INDEX)
    assert sitemap.is_index
    assert sitemap.entries == (
        SitemapEntry("https://desk.example/sitemap-1.xml.gz", datetime(2025, 2, 1, tzinfo=UTC)),
        SitemapEntry("https://desk.example/sitemap-2.xml"),
    )


def test_news_sitemap() -> None:
    first, second = parse_sitemap(NEWS).entries
    assert first.loc == "https://desk.example/news/copper"
    assert first.news_title == "Copper & zinc climb"
    assert first.news_publication == "Harbour Desk"
    assert first.news_published == datetime(2025, 3, 4, 7, 15, tzinfo=UTC)
    assert second.news_title is None and second.news_published is None


def test_gzip_and_multi_member_gzip() -> None:
    assert parse_sitemap(gzip.compress(URLSET)).entries == parse_sitemap(URLSET).entries
    half = len(INDEX) // 2
    members = gzip.compress(INDEX[:half]) + gzip.compress(INDEX[half:])
    assert len(parse_sitemap(members).entries) == 2


def test_gzip_bomb_is_refused_without_inflating_it_all() -> None:
    bomb = gzip.compress(b"<urlset>" + b" " * (200 * 2**20), compresslevel=9)
    assert len(bomb) < 300_000
    started = time.perf_counter()
    with pytest.raises(TooLargeError, match="decompresses to over"):
        parse_sitemap(bomb)
    assert time.perf_counter() - started < 5
    with pytest.raises(TooLargeError):
        parse_sitemap(gzip.compress(URLSET), max_bytes=100)


def test_damaged_gzip() -> None:
    with pytest.raises(SitemapError, match="gzip"):
        parse_sitemap(gzip.compress(URLSET)[:-20])
    with pytest.raises(SitemapError, match="gzip"):
        parse_sitemap(b"\x1f\x8b" + b"\x00garbage" * 10)


def test_entity_bomb_is_refused() -> None:
    decls = b'<!ENTITY a0 "ha">' + b"".join(
        b'<!ENTITY a%d "%s">' % (i, b"&a%d;" % (i - 1) * 10) for i in range(1, 10)
    )
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE urlset ['
        + decls
        + b"]><urlset><url><loc>&a9;</loc></url></urlset>"
    )
    with pytest.raises(SitemapError, match="DOCTYPE"):
        parse_sitemap(bomb)


def test_external_entity_is_refused() -> None:
    raw = (
        b'<?xml version="1.0"?><!DOCTYPE urlset [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b"<urlset><url><loc>https://x.example/&x;</loc></url></urlset>"
    )
    with pytest.raises(SitemapError, match="unsafe XML"):
        parse_sitemap(raw)


def test_plain_text_sitemap() -> None:
    text = b"https://desk.example/a\r\n\nhttps://desk.example/b\nnot a url\n"
    sitemap = parse_sitemap(text)
    assert [e.loc for e in sitemap.entries] == ["https://desk.example/a", "https://desk.example/b"]
    assert sitemap.warnings == ("1 lines that are not http(s) URLs skipped",)


def test_not_sitemaps() -> None:
    with pytest.raises(SitemapError, match="is an HTML page, not a sitemap"):
        parse_sitemap(b"<!doctype html><html><body>Not found</body></html>")
    with pytest.raises(SitemapError, match="root element <rss>"):
        parse_sitemap(b'<rss version="2.0"><channel/></rss>')
    with pytest.raises(SitemapError, match="empty"):
        parse_sitemap(b"")
    with pytest.raises(SitemapError, match="binary"):
        parse_sitemap(b"PK\x03\x04\x00\x00")
    with pytest.raises(InputError, match="not a sitemap"):
        parse_sitemap(b"hello there\nno urls here\n")
    with pytest.raises(SitemapError, match="not well-formed"):
        parse_sitemap(b"<urlset><url><loc>https://x.example/</loc>")


def test_damaged_tail_keeps_the_entries_before_it() -> None:
    cut = URLSET[: URLSET.index(b"<url><loc>/markets/c")] + b"<url><lo"
    sitemap = parse_sitemap(cut)
    assert len(sitemap.entries) == 2
    assert any("not well-formed" in w for w in sitemap.warnings)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025", datetime(2025, 1, 1, tzinfo=UTC)),
        ("2025-06-07T08:09Z", datetime(2025, 6, 7, 8, 9, tzinfo=UTC)),
        ("2025-06-07T08:09:10.5-02:00", datetime(2025, 6, 7, 10, 9, 10, 500000, tzinfo=UTC)),
        ("2025-06-07T08:09:10", datetime(2025, 6, 7, 8, 9, 10, tzinfo=UTC)),
        ("2025-13-01", None),
        ("", None),
    ],
)
def test_w3c_datetime(text: str, expected: datetime | None) -> None:
    assert w3c_datetime(text) == expected
