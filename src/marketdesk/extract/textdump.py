"""Plain-text page dumps to blocks.

A dump holds a page's visible text, one block a line; list items start with a
bullet and may carry indented continuation lines (a ticker strip prints name,
price and change on separate lines of one item).
"""

from __future__ import annotations

import re
from dataclasses import fields

from marketdesk.model import Block

_BULLET_START = frozenset("\u2022\u25cf\u25aa\u25e6\u2023\u2043*-\u00b7")
# One giant line is split on sentence ends so that scoring stays linear and bounded.
_MAX_LINE = 20_000
# Real pages have a few thousand blocks at most (the dev set's largest: about 2,300).
_MAX_BLOCKS = 20_000

# Block is a frozen dataclass: its __init__ sets each field through object.__setattr__, which
# cost as much as the rest of the splitting. A dump makes hundreds of blocks, so they are built
# through the slot descriptors instead: every field set, the others to Block's defaults.
_SET_TEXT, _SET_POSITION, _SET_TAG, _SET_LINK_DENSITY, _SET_LINES, _SET_HINT = (
    getattr(Block, name).__set__
    for name in ("text", "position", "tag", "link_density", "lines", "hint")
)
_new = object.__new__
# A field added to Block must be set below too; fail at import rather than build half a Block.
assert {f.name for f in fields(Block)} == {
    "text",
    "position",
    "tag",
    "link_density",
    "lines",
    "hint",
}


def _block(text: str, position: int, tag: str, lines: tuple[str, ...]) -> Block:
    """Block(text=text, position=position, tag=tag, lines=lines), built faster."""
    block: Block = _new(Block)
    _SET_TEXT(block, text)
    _SET_POSITION(block, position)
    _SET_TAG(block, tag)
    _SET_LINK_DENSITY(block, 0.0)
    _SET_LINES(block, lines)
    _SET_HINT(block, None)
    return block


def split_blocks(text: str) -> list[Block]:
    """Split a dump into blocks, keeping list items with their continuation lines."""
    blocks: list[Block] = []
    append = blocks.append
    item: list[str] | None = None
    item_indent = 0
    lines = _bounded_lines(text)
    # A line makes at most one block, so fewer lines than the cap need no count per line.
    capped = len(lines) > _MAX_BLOCKS
    for at, raw in enumerate(lines):
        if capped and len(blocks) >= _MAX_BLOCKS:
            # No page has this many blocks: the rest is kept as a few long blocks, so that
            # time stays bounded whatever the input.
            blocks.extend(_chunks(lines[at:], len(blocks)))
            item = None
            break
        line = raw.rstrip()
        if not line:
            continue
        first = line[0]
        if first not in _BULLET_START and not first.isspace():
            # The common case: an unindented line that is not a list item is a paragraph.
            if item is not None:
                append(_item_block(item, len(blocks)))
                item = None
            # _block(line, len(blocks), "p", (line,)), inlined: the other half of all blocks.
            block: Block = _new(Block)
            _SET_TEXT(block, line)
            _SET_POSITION(block, len(blocks))
            _SET_TAG(block, "p")
            _SET_LINK_DENSITY(block, 0.0)
            _SET_LINES(block, (line,))
            _SET_HINT(block, None)
            append(block)
            continue
        stripped = line.lstrip()
        indent = len(line) - len(stripped)
        # A bullet, whitespace, then the item's text ('  • Abo', '- one', '* two').
        if stripped[0] in _BULLET_START and len(stripped) > 1 and stripped[1].isspace():
            content = stripped[2:].strip()
            if content:
                if item is not None:
                    append(_item_block(item, len(blocks)))
                item = [content]
                item_indent = indent
                continue
        if item is not None and indent > item_indent:
            item.append(stripped)
            continue
        if item is not None:
            append(_item_block(item, len(blocks)))
            item = None
        append(_block(stripped, len(blocks), "p", (stripped,)))
    if item is not None:
        append(_item_block(item, len(blocks)))
    return blocks


def _chunks(lines: list[str], position: int) -> list[Block]:
    out: list[Block] = []
    part: list[str] = []
    size = 0
    for line in lines:
        t = line.strip()
        if not t:
            continue
        part.append(t)
        size += len(t) + 1
        if size >= _MAX_LINE:
            out.append(Block(text=" ".join(part), position=position + len(out), tag="p"))
            part, size = [], 0
    if part:
        out.append(Block(text=" ".join(part), position=position + len(out), tag="p"))
    return out


def _item_block(lines: list[str], position: int) -> Block:
    # _block(" ".join(lines), position, "li", tuple(lines)), inlined: half of all blocks.
    block: Block = _new(Block)
    _SET_TEXT(block, " ".join(lines))
    _SET_POSITION(block, position)
    _SET_TAG(block, "li")
    _SET_LINK_DENSITY(block, 0.0)
    _SET_LINES(block, tuple(lines))
    _SET_HINT(block, None)
    return block


def _bounded_lines(text: str) -> list[str]:
    if len(text) <= _MAX_LINE:
        return text.splitlines()
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
