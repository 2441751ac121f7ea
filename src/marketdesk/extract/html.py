"""HTML pages to blocks and metadata, then the shared segmentation.

Parsing is lexbor (selectolax). The walk is iterative, so 10,000 levels of
nesting cost no recursion; it emits one block per block-level element with
direct text, with its link density and a furniture hint from the markup.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from selectolax.lexbor import LexborHTMLParser, LexborNode

from marketdesk.extract.dates import find_date
from marketdesk.extract.decode import decode_text
from marketdesk.extract.segment import Metadata, assemble
from marketdesk.model import Block, BlockKind, Page, RawDocument

_SKIP = frozenset(
    {
        "script",
        "style",
        "noscript",
        "template",
        "svg",
        "iframe",
        "object",
        "embed",
        "canvas",
        "button",
        "select",
        "textarea",
        "input",
        "head",
        "title",
        "meta",
        "link",
        "math",
        "video",
        "audio",
        "picture",
        "source",
        "form",
        "dialog",
    }
)
_BLOCK = frozenset(
    {
        "p",
        "div",
        "section",
        "article",
        "main",
        "li",
        "ul",
        "ol",
        "dl",
        "dd",
        "dt",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "pre",
        "table",
        "tr",
        "td",
        "th",
        "caption",
        "figcaption",
        "figure",
        "header",
        "footer",
        "nav",
        "aside",
        "address",
        "hr",
        "br",
        "center",
        "details",
        "summary",
        "body",
        "html",
    }
)
_TAG_HINT = {
    "nav": BlockKind.NAVIGATION,
    "footer": BlockKind.FOOTER,
    "aside": BlockKind.RELATED,
}
_CLASS_HINTS: tuple[tuple[re.Pattern[str], BlockKind], ...] = tuple(
    (re.compile(rf"(?:^|[\s_-]){p}(?:$|[\s_-])", re.I), kind)
    for p, kind in (
        (r"(?:nav|navbar|navigation|menu|breadcrumbs?|masthead|topbar)", BlockKind.NAVIGATION),
        (r"(?:footer|site-footer|colophon)", BlockKind.FOOTER),
        (r"(?:share|sharing|social|sharebar)", BlockKind.SHARE),
        (r"(?:comments?|disqus|discussion)", BlockKind.COMMENTS),
        (r"(?:related|recommended|more-stories|read-more|outbrain|taboola)", BlockKind.RELATED),
        (r"(?:newsletter|subscribe|signup)", BlockKind.NEWSLETTER),
        (r"(?:promo|sponsored|teaser)", BlockKind.PROMO),
        (r"(?:ad|ads|advert|advertisement|dfp|gpt-ad|ad-slot)", BlockKind.AD),
        (r"(?:cookie|consent|gdpr|cmp)", BlockKind.COOKIE),
        (r"(?:ticker|quotes?-strip|market-data)", BlockKind.TICKER),
    )
)
_ROLE_HINT = {
    "navigation": BlockKind.NAVIGATION,
    "contentinfo": BlockKind.FOOTER,
    "complementary": BlockKind.RELATED,
    "banner": BlockKind.NAVIGATION,
}
_MAX_NODES = 2_000_000
_TITLE_SPLIT = re.compile(r"\s+[|\u2013\u2014:-]\s+[^|\u2013\u2014]{2,60}$")


def extract_html(raw: RawDocument) -> Page:
    declared = _declared_charset(raw.content[:4096], raw.media_type)
    html = decode_text(raw.content, declared)
    tree = LexborHTMLParser(html)
    meta = _metadata(tree, raw.url)
    body = tree.body or tree.root
    blocks = list(_blocks(body)) if body is not None else []
    return assemble(blocks, source=raw.source, kind="html", meta=meta)


def _declared_charset(head: bytes, media_type: str | None) -> str | None:
    m = re.search(rb"<meta[^>]+charset=[\"']?([\w-]+)", head, re.I)
    if m:
        return m.group(1).decode("ascii", "replace")
    if media_type:
        m2 = re.search(r"charset=([\w-]+)", media_type, re.I)
        if m2:
            return m2.group(1)
    return None


class _Builder:
    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.parts: list[str] = []
        self.link_chars = 0
        self.tag = "p"
        self.hint: BlockKind | None = None

    def flush(self) -> None:
        text = " ".join("".join(self.parts).split())
        if text:
            self.blocks.append(
                Block(
                    text=text,
                    position=len(self.blocks),
                    tag=self.tag,
                    link_density=min(1.0, self.link_chars / max(1, len(text))),
                    hint=self.hint,
                )
            )
        self.parts = []
        self.link_chars = 0


def _blocks(root: LexborNode) -> Iterator[Block]:
    b = _Builder()
    # Stack entries: (node, exiting, hint, in_link, block_tag)
    stack: list[tuple[LexborNode, bool, BlockKind | None, bool, str]] = [
        (root, False, None, False, "p")
    ]
    seen = 0
    while stack:
        node, exiting, hint, in_link, btag = stack.pop()
        tag = node.tag or ""
        if exiting:
            if tag in _BLOCK:
                b.flush()
            continue
        seen += 1
        if seen > _MAX_NODES:
            break
        if tag == "-text":
            text = node.text_content or ""
            if text:
                if not b.parts:
                    b.tag, b.hint = btag, hint
                b.parts.append(text)
                if in_link:
                    b.link_chars += len(text.strip())
            continue
        if tag in _SKIP or tag.startswith("-"):
            continue
        if tag in _BLOCK:
            b.flush()
            if tag not in (
                "br",
                "hr",
                "div",
                "section",
                "article",
                "main",
                "body",
                "html",
                "ul",
                "ol",
                "dl",
                "table",
                "figure",
                "center",
                "details",
            ):
                btag = tag
            elif tag in ("div", "section", "article", "main"):
                btag = "p"
            hint = _hint_for(node, tag) or hint
        if tag == "a":
            in_link = True
        stack.append((node, True, hint, in_link, btag))
        children: list[LexborNode] = []
        child = node.child
        while child is not None:
            children.append(child)
            child = child.next
        for child in reversed(children):
            stack.append((child, False, hint, in_link, btag))
    b.flush()
    yield from b.blocks


def _hint_for(node: LexborNode, tag: str) -> BlockKind | None:
    if tag in _TAG_HINT:
        return _TAG_HINT[tag]
    attrs = node.attributes
    role = attrs.get("role")
    if role and role in _ROLE_HINT:
        return _ROLE_HINT[role]
    names = f"{attrs.get('class') or ''} {attrs.get('id') or ''}".strip()
    if not names or len(names) > 300:
        return None
    for rx, kind in _CLASS_HINTS:
        if rx.search(names):
            return kind
    return None


def _metadata(tree: LexborHTMLParser, url: str | None) -> Metadata:
    def meta(*names: str) -> str | None:
        for name in names:
            node = tree.css_first(f'meta[property="{name}"]') or tree.css_first(
                f'meta[name="{name}"]'
            )
            if node is not None:
                content = (node.attributes.get("content") or "").strip()
                if content:
                    return content
        return None

    ld = _json_ld(tree)
    title = _first_str(ld.get("headline")) or meta("og:title", "twitter:title")
    if not title:
        h1 = tree.css_first("h1")
        title = " ".join(h1.text().split()) if h1 is not None else None
    if not title:
        t = tree.css_first("title")
        title = _TITLE_SPLIT.sub("", " ".join(t.text().split())) if t is not None else None
    authors = _ld_names(ld.get("author"))
    if not authors:
        author = meta("author", "article:author", "parsely-author")
        if author and not author.startswith("http"):
            authors = (author,)
    published = _parse_dt(_first_str(ld.get("datePublished"))) or _parse_dt(
        meta("article:published_time", "og:published_time", "date", "pubdate", "dc.date")
    )
    if published is None:
        time_node = tree.css_first("time[datetime]")
        if time_node is not None:
            published = _parse_dt(time_node.attributes.get("datetime"))
    publisher = meta("og:site_name", "application-name") or next(
        iter(_ld_names(ld.get("publisher"))), None
    )
    html_node = tree.css_first("html")
    lang = (
        (html_node.attributes.get("lang") or "").split("-")[0].lower() or None
        if html_node
        else None
    )
    canonical = tree.css_first('link[rel="canonical"]')
    canonical_url = canonical.attributes.get("href") if canonical is not None else None
    return Metadata(
        title=title or None,
        authors=authors,
        published=published,
        publisher=publisher,
        language=lang,
        url=canonical_url or meta("og:url") or url,
        description=meta("description", "og:description"),
        image=meta("og:image", "twitter:image"),
    )


def _json_ld(tree: LexborHTMLParser) -> dict[str, Any]:
    """The first JSON-LD object that describes an article."""
    for node in tree.css('script[type="application/ld+json"]'):
        try:
            data = json.loads(node.text() or "")
        except ValueError:
            continue
        for item in _ld_items(data):
            kind = item.get("@type")
            kinds = kind if isinstance(kind, list) else [kind]
            if any(
                isinstance(k, str) and k.endswith(("Article", "BlogPosting", "Report"))
                for k in kinds
            ):
                return item
    return {}


def _ld_items(data: Any) -> Iterator[dict[str, Any]]:
    if isinstance(data, list):
        for d in data:
            yield from _ld_items(d)
    elif isinstance(data, dict):
        yield data
        if "@graph" in data:
            yield from _ld_items(data["@graph"])


def _ld_names(value: Any) -> tuple[str, ...]:
    items = value if isinstance(value, list) else [value]
    names = []
    for item in items:
        if isinstance(item, dict):
            item = item.get("name")
        if isinstance(item, str) and item.strip() and not item.startswith("http"):
            names.append(" ".join(item.split()))
    return tuple(names)


def _first_str(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    return value.strip() if isinstance(value, str) and value.strip() else None


def _parse_dt(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return find_date(value)
