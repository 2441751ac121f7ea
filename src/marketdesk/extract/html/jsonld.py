"""JSON-LD: the object that describes the article, and its values read as text."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from selectolax.lexbor import LexborHTMLParser

_BLOCK_EDGE = re.compile(r"<br\s*/?>|</?(?:p|div|h[1-6]|li|blockquote|tr|section)\b[^>]*>", re.I)


def declared_body(value: Any) -> tuple[str, ...]:
    """JSON-LD articleBody as paragraphs; markup inside it is read as text, never kept."""
    text = first_str(value)
    if not text:
        return ()
    if "<" in text:
        # Block tags end lines; inline ones (<b>, <a>) stay inside them.
        parsed = LexborHTMLParser(_BLOCK_EDGE.sub("\n", text))
        parsed.strip_tags(["script", "style", "template"])
        root = parsed.body
        text = root.text(separator="") if root is not None else ""
    return tuple(line for line in (" ".join(part.split()) for part in text.splitlines()) if line)


def article_object(tree: LexborHTMLParser) -> dict[str, Any]:
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


def ld_names(value: Any) -> tuple[str, ...]:
    """The names in a JSON-LD person or organisation value (one, a list, or plain strings)."""
    items = value if isinstance(value, list) else [value]
    names = []
    for item in items:
        if isinstance(item, dict):
            item = item.get("name")
        if isinstance(item, str) and item.strip() and not item.startswith("http"):
            names.append(" ".join(item.split()))
    return tuple(names)


def first_str(value: Any) -> str | None:
    """A JSON-LD value as one stripped string (the first of a list), or None."""
    if isinstance(value, list):
        value = value[0] if value else None
    return value.strip() if isinstance(value, str) and value.strip() else None
