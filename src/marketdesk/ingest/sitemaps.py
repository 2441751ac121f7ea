"""Sitemaps from bytes: urlset, sitemap index, Google News, gzip, plain text. Pure: no I/O.

The XML is read with expat directly, with handlers that refuse any DOCTYPE or entity
declaration: sitemaps have no use for them, and refusing them rules out external entities
(local files, URLs) and entity-expansion bombs without a new dependency. Gzip is decompressed
in bounded steps and refused past `SITEMAP_MAX_BYTES`, so a gzip bomb costs no more memory
than the cap.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit
from xml.parsers import expat

from marketdesk.errors import SitemapError, TooLargeError

__all__ = ["SITEMAP_MAX_BYTES", "Sitemap", "SitemapEntry", "gunzip_capped", "parse_sitemap"]

# The sitemap protocol's own limit for one file, uncompressed (sitemaps.org: 50 MB).
SITEMAP_MAX_BYTES = 52_428_800
GZIP_MAGIC = b"\x1f\x8b"
_STEP = 1 << 20  # decompress a MiB at a time
_NEWS_NS = "sitemap-news"  # in http://www.google.com/schemas/sitemap-news/0.9


@dataclass(frozen=True, slots=True)
class SitemapEntry:
    loc: str  # absolute http(s) URL: a page, or in an index another sitemap
    lastmod: datetime | None = None  # aware UTC
    news_title: str | None = None
    news_published: datetime | None = None  # aware UTC
    news_publication: str | None = None


@dataclass(frozen=True, slots=True)
class Sitemap:
    is_index: bool  # True: the entries are sitemaps, not pages
    entries: tuple[SitemapEntry, ...]
    warnings: tuple[str, ...] = ()  # what was skipped (bad locations, a damaged tail)


def parse_sitemap(
    content: bytes, *, url: str | None = None, max_bytes: int = SITEMAP_MAX_BYTES
) -> Sitemap:
    """Parse a sitemap's bytes; `url` (where they came from) resolves relative locations.

    Raises SitemapError when the bytes are not a sitemap or declare a DOCTYPE or entities,
    TooLargeError when they (or what they decompress to) pass `max_bytes`.
    """
    if content.startswith(GZIP_MAGIC):
        content = gunzip_capped(content, max_bytes)
    elif len(content) > max_bytes:
        raise TooLargeError(f"{len(content) / 1e6:.0f} MB is over the sitemap limit")
    head = content[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head:
        raise SitemapError("empty input, not a sitemap")
    if b"\x00" in head:
        raise SitemapError("is binary, not a sitemap")
    if re.search(rb"<!doctype html|<(?:html|head|body)[\s>]", head[:1024].lower()):
        raise SitemapError("is an HTML page, not a sitemap")
    if head.startswith(b"<"):
        return _parse_xml(content, url or "")
    return _parse_text(content, url or "")


def gunzip_capped(content: bytes, max_bytes: int) -> bytes:
    """Gzip bytes decompressed (all members), refused as soon as they pass `max_bytes`."""
    out = bytearray()
    data = content
    while data.startswith(GZIP_MAGIC):
        inflater = zlib.decompressobj(wbits=31)
        try:
            chunk = inflater.decompress(data, _STEP)
            while True:
                out += chunk
                if len(out) > max_bytes:
                    raise TooLargeError(
                        f"decompresses to over {max_bytes / 1e6:.0f} MB, the limit for one sitemap"
                    )
                if inflater.eof or not inflater.unconsumed_tail:
                    break
                chunk = inflater.decompress(inflater.unconsumed_tail, _STEP)
        except zlib.error as exc:
            raise SitemapError(f"damaged gzip data ({exc})") from None
        if not inflater.eof:
            raise SitemapError("gzip data cut short")
        data = inflater.unused_data  # a next gzip member, if any
    return bytes(out)


class _Refused(Exception):
    pass


class _Reader:
    """expat handlers that collect <url>/<sitemap> entries by local name."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.root: str | None = None
        self.stack: list[str] = []  # "ns local" names of the open elements
        self.text: list[str] = []
        self.fields: dict[str, str] = {}
        self.entries: list[SitemapEntry] = []
        self.dropped = 0

    def start(self, name: str, _attrs: dict[str, str]) -> None:
        if self.root is None:
            self.root = _local(name)
            if self.root not in ("urlset", "sitemapindex"):
                raise _Refused(f"is XML with root element <{self.root}>, not a sitemap")
        self.stack.append(name)
        self.text = []
        if len(self.stack) == 2:
            self.fields = {}

    def end(self, name: str) -> None:
        local = _local(name)
        depth = len(self.stack)
        self.stack.pop()
        text = "".join(self.text).strip()
        self.text = []
        if depth == 3 and local in ("loc", "lastmod"):
            self.fields[local] = text
        elif depth >= 4 and _NEWS_NS in name and local in ("title", "publication_date", "name"):
            # news:news/news:title, news:publication_date, news:publication/news:name
            self.fields["news_" + local] = " ".join(text.split())
        elif depth == 2 and local in ("url", "sitemap"):
            self._finish_entry()

    def chars(self, data: str) -> None:
        self.text.append(data)

    def _finish_entry(self) -> None:
        loc = _http_url(self.fields.get("loc", ""), self.base)
        if loc is None:
            self.dropped += 1
            return
        self.entries.append(
            SitemapEntry(
                loc=loc,
                lastmod=w3c_datetime(self.fields.get("lastmod")),
                news_title=self.fields.get("news_title") or None,
                news_published=w3c_datetime(self.fields.get("news_publication_date")),
                news_publication=self.fields.get("news_name") or None,
            )
        )


def _refuse_doctype(*_args: object) -> None:
    raise _Refused("declares a DOCTYPE, which sitemaps never need; refused as unsafe XML")


def _refuse_entity(*_args: object) -> None:
    raise _Refused("declares an XML entity; refused as unsafe XML")


def _parse_xml(content: bytes, base: str) -> Sitemap:
    reader = _Reader(base)
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = _refuse_doctype
    parser.EntityDeclHandler = _refuse_entity
    parser.UnparsedEntityDeclHandler = _refuse_entity
    parser.StartElementHandler = reader.start
    parser.EndElementHandler = reader.end
    parser.CharacterDataHandler = reader.chars
    warnings: list[str] = []
    try:
        parser.Parse(content, True)
    except _Refused as exc:
        raise SitemapError(str(exc)) from None
    except expat.ExpatError as exc:
        problem = f"not well-formed XML: {expat.ErrorString(exc.code)} at line {exc.lineno}"
        if reader.root is None or not reader.entries:
            raise SitemapError(problem) from None
        # a damaged tail (a cut-off download): keep the entries read before it
        warnings.append(problem + f"; the {len(reader.entries)} entries before it kept")
    if reader.dropped:
        warnings.append(f"{reader.dropped} entries without an absolute http(s) <loc> skipped")
    return Sitemap(
        is_index=reader.root == "sitemapindex",
        entries=tuple(reader.entries),
        warnings=tuple(warnings),
    )


def _parse_text(content: bytes, base: str) -> Sitemap:
    """A text sitemap: one URL a line (sitemaps.org), UTF-8."""
    entries: list[SitemapEntry] = []
    dropped = 0
    for line in content.decode("utf-8", "replace").splitlines():
        line = line.strip()
        if not line:
            continue
        loc = _http_url(line, base) if " " not in line else None
        if loc is None:
            dropped += 1
        else:
            entries.append(SitemapEntry(loc=loc))
    if not entries:
        raise SitemapError("is neither XML nor a list of URLs, not a sitemap")
    warnings = (f"{dropped} lines that are not http(s) URLs skipped",) if dropped else ()
    return Sitemap(is_index=False, entries=tuple(entries), warnings=warnings)


def _local(name: str) -> str:
    return name.rsplit(" ", 1)[-1]


def _http_url(value: str, base: str) -> str | None:
    value = value.strip()
    if not value:
        return None
    link = urljoin(base, value) if base else value
    parts = urlsplit(link)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return link


_W3C_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def w3c_datetime(value: str | None) -> datetime | None:
    """A W3C datetime (YYYY, YYYY-MM, YYYY-MM-DD, or with a time) as aware UTC; None if bad.

    A date or a time without an offset is taken as UTC: the protocol asks for an offset, and
    UTC is the least wrong guess when it is missing.
    """
    if not value:
        return None
    value = value.strip()
    try:
        if match := _W3C_DATE.match(value):
            year, month, day = match.groups()
            return datetime(int(year), int(month or 1), int(day or 1), tzinfo=UTC)
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)
