"""ingest/detect.py: feed, sitemap or page from the first bytes; folder, warc or file by path."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from marketdesk.ingest.detect import path_kind, sniff_kind


@pytest.mark.parametrize(
    ("content", "media_type", "url", "expected"),
    [
        (b'<?xml version="1.0"?>\n<rss version="2.0"><channel/></rss>', None, None, "feed"),
        (b'\xef\xbb\xbf<feed xmlns="http://www.w3.org/2005/Atom">', "text/xml", None, "feed"),
        (b'<?xml version="1.0"?><rdf:RDF xmlns:rdf="x">', None, None, "feed"),
        (
            b'<?xml version="1.0"?><?xml-stylesheet href="s.xsl"?><!-- a <note> -->\n'
            b'<!DOCTYPE rss PUBLIC "-//Netscape//DTD RSS 0.91//EN" "x.dtd"><rss>',
            None,
            None,
            "feed",
        ),
        (b'{"version": "https://jsonfeed.org/version/1.1", "items": []}', None, None, "feed"),
        (b'{"version": "1", "items": []}', "application/json", None, "page"),
        (b"<urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>", None, None, "sitemap"),
        (b'<?xml version="1.0"?><sitemapindex>', None, None, "sitemap"),
        (b"<!DOCTYPE html><html><body>news</body></html>", "text/html", None, "page"),
        (b"<html><head><link rel=alternate href=/rss>", None, None, "page"),
        (b"Plain words about markets.", "text/plain", "https://x.example/a", "page"),
        (
            b"https://x.example/a\nhttps://x.example/b\n",
            None,
            "https://x.example/sitemap.txt",
            "sitemap",
        ),
        (b"", None, None, "page"),
    ],
)
def test_sniff_kind(content: bytes, media_type: str | None, url: str | None, expected: str) -> None:
    assert sniff_kind(content, media_type, url) == expected


def test_sniff_gzip() -> None:
    assert sniff_kind(gzip.compress(b"<urlset></urlset>"), None, None) == "sitemap"
    assert sniff_kind(gzip.compress(b"<rss></rss>"), None, None) == "feed"
    # a gzip head that does not show its root yet: the name decides
    junk = b"\x1f\x8b\x08\x00garbage"
    assert sniff_kind(junk, None, "https://x.example/sitemap-3.xml.gz") == "sitemap"
    assert sniff_kind(junk, None, "https://x.example/archive.gz") == "page"


def test_path_kind(tmp_path: Path) -> None:
    assert path_kind(tmp_path) == "folder"
    for name in ("a.warc", "a.warc.gz", "CC-MAIN-1.warc.wet.gz", "b.WET", "c.wet.gz"):
        assert path_kind(tmp_path / name) == "warc", name
    for name in ("a.html", "a.gz", "warc.txt"):
        assert path_kind(tmp_path / name) == "file", name
