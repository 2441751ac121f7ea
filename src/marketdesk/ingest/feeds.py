"""RSS 0.9x/1.0/2.0, Atom and JSON Feed, from bytes to a `Feed`. Pure: no I/O.

feedparser reads the XML kinds. It is only ever handed a BytesIO: given a str or bytes it would
treat them as a URL or a path and fetch or open it. The feed's own URL goes in as the
Content-Location header, which is how feedparser learns the base for relative links. Its SAX
parser does not load external entities, and entity declarations in the prolog are removed here
before feedparser sees them, so a feed cannot make us read a local file or expand an entity bomb.

feedparser 6.0.14 has no JSON Feed reader (that came later), so JSON Feed 1.0/1.1 is read here
with `json`.

Text fields come out as plain text: HTML is parsed with selectolax and only its text is kept.
"""

from __future__ import annotations

import calendar
import hashlib
import io
import json
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal
from urllib.parse import urljoin, urlsplit

import feedparser
from selectolax.lexbor import LexborHTMLParser

from marketdesk.errors import FeedError, TooLargeError
from marketdesk.extract import MAX_INPUT_BYTES

__all__ = ["Feed", "FeedEntry", "FeedKind", "parse_feed"]

FeedKind = Literal["rss", "atom", "json"]

_HEAD = 4096  # enough of the start to see a prolog, a stylesheet and the root element
_DOCTYPE_SUBSET = re.compile(rb"<!DOCTYPE[^\[>]*\[.*?\]\s*>", re.DOTALL | re.IGNORECASE)
_ENTITY_DECL = re.compile(rb"<!ENTITY[^>]*>", re.IGNORECASE)
_LOOKS_LIKE_HTML = re.compile(r"<[A-Za-z!/]|&(?:#\d+|#x[0-9A-Fa-f]+|\w+);")
_BLOCK_TAGS = frozenset(
    {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote"}
    | {"pre", "tr", "table", "section", "article", "figure", "hr", "dd", "dt"}
)
_HTML_START = re.compile(rb"<!doctype html|<(?:html|head|body)[\s>]")


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One item of a feed, its text fields as plain text and its times aware UTC."""

    guid: str | None
    link: str | None  # absolute http(s) only; other schemes are dropped
    title: str | None
    summary: str | None
    content: str | None  # content:encoded, Atom content or JSON content, as text
    published: datetime | None
    updated: datetime | None
    authors: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        """The entry's identity: its guid, else its link, else a hash of title and summary."""
        if self.guid:
            return self.guid
        if self.link:
            return self.link
        text = f"{self.title or ''}\n{self.summary or ''}"
        return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class Feed:
    title: str | None
    link: str | None
    entries: tuple[FeedEntry, ...]
    kind: FeedKind
    warnings: tuple[str, ...] = ()  # what was malformed but read anyway


def parse_feed(content: bytes, *, url: str | None = None, media_type: str | None = None) -> Feed:
    """Parse a feed's bytes; `url` (where they came from) resolves relative links.

    Raises FeedError when the bytes are not a feed (empty, binary, an HTML page, other XML),
    TooLargeError over MAX_INPUT_BYTES.
    """
    if len(content) > MAX_INPUT_BYTES:
        raise TooLargeError(
            f"{len(content) / 1e6:.0f} MB is over the {MAX_INPUT_BYTES // 2**20} MiB limit "
            "for one feed"
        )
    head = content[:_HEAD].lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head:
        raise FeedError("empty input, not a feed")
    if b"\x00" in head and not _utf16_or_32(content):
        raise FeedError("is binary, not a feed")
    if head.startswith(b"{"):  # the bytes decide: servers label feeds wrongly both ways
        return _parse_json_feed(content, url)
    return _parse_xml_feed(content, url, media_type)


def _utf16_or_32(content: bytes) -> bool:
    # XML may be UTF-16/32 (NUL bytes everywhere); feedparser decodes those from the BOM.
    return content.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff", b"<\x00", b"\x00<"))


def _parse_xml_feed(content: bytes, url: str | None, media_type: str | None) -> Feed:
    warnings: list[str] = []
    content, removed = _without_entity_declarations(content)
    if removed:
        warnings.append("entity declarations in the DOCTYPE ignored")
    headers = {"content-location": url or "", "content-type": media_type or "application/xml"}
    # BytesIO, never the bytes themselves: feedparser opens a str or bytes as a URL or a path.
    parsed = feedparser.parse(io.BytesIO(content), response_headers=headers)
    version: str = parsed.get("version") or ""
    entries_in = parsed.get("entries") or []
    if not version and not entries_in:
        raise FeedError(_not_a_feed(content))
    if parsed.get("bozo"):
        warnings.append(f"malformed, read leniently: {_bozo_message(parsed.get('bozo_exception'))}")
    kind: FeedKind = "atom" if version.startswith("atom") else "rss"
    meta = parsed.get("feed") or {}
    base = url or ""
    entries = []
    dropped = 0
    for item in entries_in:
        entry, had_link = _xml_entry(item, base, rss=kind == "rss")
        if had_link and entry.link is None:
            dropped += 1
        entries.append(entry)
    if dropped:
        warnings.append(f"{dropped} entry link(s) dropped: not absolute http(s)")
    return Feed(
        title=_text_field(meta.get("title"), meta.get("title_detail")),
        link=_http_link(meta.get("link"), base),
        entries=tuple(entries),
        kind=kind,
        warnings=tuple(warnings),
    )


def _without_entity_declarations(content: bytes) -> tuple[bytes, bool]:
    """The bytes with any DOCTYPE internal subset (where entities are declared) removed."""
    start = re.search(rb"<[A-Za-z]", content)  # the root element: the prolog ends there
    end = start.start() if start else len(content)
    prolog = content[:end]
    if b"<!ENTITY" not in prolog.upper() and b"[" not in prolog:
        return content, False
    cleaned = _ENTITY_DECL.sub(b"", _DOCTYPE_SUBSET.sub(b"", prolog))
    return cleaned + content[end:], cleaned != prolog


def _not_a_feed(content: bytes) -> str:
    head = content[:_HEAD].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if _HTML_START.search(head):
        return "is an HTML page, not a feed"
    if head.startswith(b"<"):
        root = re.search(rb"<([A-Za-z][\w:.-]*)", re.sub(rb"<[?!][^>]*>", b"", head))
        name = root.group(1).decode("ascii", "replace") if root else "?"
        return f"is XML with root element <{name}>, not an RSS or Atom feed"
    return "is not a feed (no RSS, Atom or JSON Feed found)"


def _bozo_message(exc: object) -> str:
    if exc is None:
        return "unknown problem"
    text = getattr(exc, "getMessage", None)
    message = text() if callable(text) else str(exc)
    line = getattr(exc, "getLineNumber", None)
    if callable(line):
        message = f"{message} (line {line()})"
    return f"{type(exc).__name__}: {message}"


def _xml_entry(item: dict[str, Any], base: str, *, rss: bool) -> tuple[FeedEntry, bool]:
    # dict.get, not item.get: FeedParserDict maps a missing "updated" to "published" (and warns)
    published = _struct_time(dict.get(item, "published_parsed"))
    updated = _struct_time(dict.get(item, "updated_parsed"))
    # RSS has one date an item (pubDate, or RSS 1.0's dc:date, which feedparser files as
    # "updated"): it is the publication date
    raw_link = item.get("link")
    content_parts = item.get("content") or []
    content = "\n\n".join(
        text
        for part in content_parts
        if (text := _text_field(part.get("value"), part, block=True)) is not None
    )
    summary = _text_field(item.get("summary"), item.get("summary_detail"), block=True)
    return (
        FeedEntry(
            guid=_clean(item.get("id")),
            link=_http_link(raw_link, base),
            title=_text_field(item.get("title"), item.get("title_detail")),
            summary=summary,
            content=content or None,
            published=published or (updated if rss else None),
            updated=updated,
            authors=_authors(item),
        ),
        bool(raw_link),
    )


def _authors(item: Mapping[str, Any]) -> tuple[str, ...]:
    names: list[str] = []
    for author in item.get("authors") or []:
        name = _plain(str(author.get("name") or author.get("email") or ""))
        if name and name not in names:
            names.append(name)
    if not names and item.get("author"):
        names.append(_plain(str(item["author"])))
    return tuple(n for n in names if n)


def _struct_time(value: object) -> datetime | None:
    # feedparser gives its parsed dates as UTC struct_times
    if not isinstance(value, time.struct_time):
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(value), tz=UTC)
    except (OverflowError, ValueError, OSError):
        return None


def _http_link(value: object, base: str) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    link = urljoin(base, value.strip()) if base else value.strip()
    parts = urlsplit(link)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return link


def _clean(value: object) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _text_field(value: object, detail: object = None, *, block: bool = False) -> str | None:
    """A feed's text field as plain text: HTML (declared, or plainly there) reduced to its text."""
    if not isinstance(value, str) or not value.strip():
        return None
    kind = detail.get("type", "") if isinstance(detail, Mapping) else ""
    if "html" in kind or _LOOKS_LIKE_HTML.search(value):
        text = html_to_text(value, block=block)
    else:
        text = _plain(value)
    return text or None


def _plain(text: str) -> str:
    return " ".join(text.split())


def html_to_text(markup: str, *, block: bool = False) -> str:
    """The text of an HTML fragment; with `block`, one line per paragraph-like element."""
    tree = LexborHTMLParser(markup)
    tree.strip_tags(["script", "style", "noscript", "template"])
    root = tree.body or tree.root
    if root is None:
        return ""
    if not block:
        return _plain(root.text(separator=" "))
    pieces: list[str] = []
    for node in root.traverse(include_text=True):
        if node.tag == "-text":
            pieces.append(node.text_content or "")
        elif node.tag in _BLOCK_TAGS:
            pieces.append("\n")
    lines = (_plain(line) for line in "".join(pieces).split("\n"))
    return "\n".join(line for line in lines if line)


def _parse_json_feed(content: bytes, url: str | None) -> Feed:
    try:
        data = json.loads(content.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise FeedError("is JSON that is not UTF-8, not a JSON Feed") from None
    except json.JSONDecodeError as exc:
        raise FeedError(f"is not valid JSON ({exc.msg} at line {exc.lineno}), not a feed") from None
    if not isinstance(data, dict) or not str(data.get("version", "")).startswith(
        ("https://jsonfeed.org/version/", "http://jsonfeed.org/version/")
    ):
        raise FeedError("is JSON without a jsonfeed.org version, not a JSON Feed")
    base = url or str(data.get("feed_url") or "")
    warnings: list[str] = []
    items = data.get("items")
    if not isinstance(items, list):
        warnings.append("no items list")
        items = []
    entries = []
    for item in items:
        if not isinstance(item, dict):
            warnings.append("an item that is not an object skipped")
            continue
        html = item.get("content_html")
        content_text = _text_field(item.get("content_text"), {"type": "text/plain"}, block=True)
        if content_text is None and isinstance(html, str):
            content_text = html_to_text(html, block=True) or None
        guid = item.get("id")
        entries.append(
            FeedEntry(
                guid=_clean(guid) if isinstance(guid, str | int) else None,
                link=_http_link(item.get("url") or item.get("external_url"), base),
                title=_text_field(item.get("title")),
                summary=_text_field(item.get("summary"), block=True),
                content=content_text,
                published=_iso_time(item.get("date_published")),
                updated=_iso_time(item.get("date_modified")),
                authors=_json_authors(item) or _json_authors(data),
            )
        )
    return Feed(
        title=_text_field(data.get("title")),
        link=_http_link(data.get("home_page_url"), base),
        entries=tuple(entries),
        kind="json",
        warnings=tuple(warnings),
    )


def _json_authors(obj: Mapping[str, Any]) -> tuple[str, ...]:
    # 1.1 has "authors", 1.0 a single "author"
    people = obj.get("authors")
    if not isinstance(people, list):
        people = [obj.get("author")]
    names = [_plain(str(p["name"])) for p in people if isinstance(p, dict) and p.get("name")]
    return tuple(dict.fromkeys(n for n in names if n))


def _iso_time(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    # RFC 3339 requires an offset; a feed that leaves it out most likely means UTC
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)
