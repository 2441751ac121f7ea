"""Plain-text page dumps to blocks.

A dump holds a page's visible text, one block a line; list items start with a
bullet and may carry indented continuation lines (a ticker strip prints name,
price and change on separate lines of one item).
"""

from __future__ import annotations

import re

from marketdesk.model import Block

_BULLET = re.compile(r"^(\s*)(?:[\u2022\u25cf\u25aa\u25e6\u2023\u2043*\-\u00b7])\s+(.*)$")
# One giant line is split on sentence ends so that scoring stays linear and bounded.
_MAX_LINE = 20_000


def split_blocks(text: str) -> list[Block]:
    """Split a dump into blocks, keeping list items with their continuation lines."""
    lines = _bounded_lines(text)
    blocks: list[Block] = []
    item: list[str] | None = None
    item_indent = 0

    def flush_item() -> None:
        nonlocal item
        if item:
            blocks.append(
                Block(text=" ".join(item), position=len(blocks), tag="li", lines=tuple(item))
            )
        item = None

    for raw in lines:
        line = raw.rstrip()
        stripped = line.strip()
        if not stripped:
            continue
        indent = len(line) - len(line.lstrip())
        bullet = _BULLET.match(line)
        if bullet and bullet.group(2).strip():
            flush_item()
            item = [bullet.group(2).strip()]
            item_indent = len(bullet.group(1))
            continue
        if item is not None and indent > item_indent:
            item.append(stripped)
            continue
        flush_item()
        blocks.append(Block(text=stripped, position=len(blocks), tag="p", lines=(stripped,)))
    flush_item()
    return blocks


def _bounded_lines(text: str) -> list[str]:
    out: list[str] = []
    for line in text.splitlines():
        if len(line) <= _MAX_LINE:
            out.append(line)
            continue
        # Split on sentence ends; a run without any is cut hard.
        for part in re.split(r"(?<=[.!?])\s+", line):
            while len(part) > _MAX_LINE:
                out.append(part[:_MAX_LINE])
                part = part[_MAX_LINE:]
            out.append(part)
    return out
