"""What an input is, for `--kind auto`: a fetched URL's bytes, or a local path by its name.

`sniff_kind` reads only the first few KB (a gzip sitemap's first KB once decompressed); the
parsers in feeds.py and sitemaps.py give the real verdict and a message when it was wrong.
"""

from __future__ import annotations

import re
import zlib
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

__all__ = ["ContentKind", "PathKind", "path_kind", "sniff_kind"]

ContentKind = Literal["feed", "sitemap", "page"]
PathKind = Literal["folder", "warc", "file"]

WARC_SUFFIXES = (".warc", ".warc.gz", ".wet", ".wet.gz")
_HEAD = 4096  # the root element can follow an XML declaration, a stylesheet and comments
_GZIP_MAGIC = b"\x1f\x8b"
_FEED_ROOTS = frozenset({"rss", "feed", "rdf", "channel"})  # rdf:RDF is RSS 1.0/0.90
_SITEMAP_ROOTS = frozenset({"urlset", "sitemapindex"})
_PROLOG = re.compile(rb"\s*(?:<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^\[>]*(?:\[.*?\])?\s*>)", re.DOTALL)
_ROOT = re.compile(rb"\s*<([A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)")
_FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json")


def sniff_kind(content: bytes, media_type: str | None, url: str | None) -> ContentKind:
    """'feed', 'sitemap' or 'page' from the start of the bytes, the media type and the URL."""
    name = urlsplit(url).path.lower() if url else ""
    head = content[:_HEAD]
    if head.startswith(_GZIP_MAGIC):
        head = _gunzip_head(content)
        if not head:
            return "sitemap" if name.endswith(".xml.gz") else "page"
    head = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    kind = _by_root(head)
    if kind is not None:
        return kind
    if head.startswith(b"{") and b"jsonfeed.org/version" in head[:1024]:
        return "feed"
    mtype = (media_type or "").split(";")[0].strip().lower()
    if mtype in _FEED_TYPES and not head.startswith(b"<"):
        return "feed"  # declared a feed and not visibly markup of another kind
    if name.endswith((".xml.gz", "sitemap.txt")) and _all_urls(head):
        return "sitemap"
    return "page"


def _by_root(head: bytes) -> ContentKind | None:
    """The kind an XML document's root element names, past its prolog; None if not XML."""
    position = 0
    while match := _PROLOG.match(head, position):
        position = match.end()
    root = _ROOT.match(head, position)
    if root is None:
        return None
    local = root.group(2).decode("ascii").lower()
    if local in _FEED_ROOTS:
        return "feed"
    if local in _SITEMAP_ROOTS:
        return "sitemap"
    return "page"


def _gunzip_head(content: bytes) -> bytes:
    try:
        return zlib.decompressobj(wbits=31).decompress(content[:65536], _HEAD)
    except zlib.error:
        return b""


def _all_urls(head: bytes) -> bool:
    lines = [line.strip() for line in head.splitlines()[:-1] or head.splitlines()]
    lines = [line for line in lines if line]
    return bool(lines) and all(line.startswith((b"http://", b"https://")) for line in lines)


def path_kind(path: Path | str) -> PathKind:
    """'folder' for a directory, 'warc' for .warc, .warc.gz, .wet, .wet.gz, else 'file'."""
    path = Path(path)
    if path.is_dir():
        return "folder"
    if path.name.lower().endswith(WARC_SUFFIXES):
        return "warc"
    return "file"
