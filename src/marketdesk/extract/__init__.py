"""Extraction: a RawDocument in, a Page out. Pure functions, no I/O."""

from __future__ import annotations

from marketdesk.errors import InputError
from marketdesk.extract.decode import decode_text
from marketdesk.extract.segment import Metadata, assemble
from marketdesk.extract.textdump import split_blocks
from marketdesk.model import Page, RawDocument

KINDS = ("auto", "text", "html")
MAX_INPUT_BYTES = 20 * 1024 * 1024  # real pages are far smaller; bounds time and memory


def detect_kind(raw: RawDocument) -> str:
    """'html' when the transport says so or the bytes start like markup, else 'text'."""
    if raw.media_type and ("html" in raw.media_type or "xml" in raw.media_type):
        return "html"
    head = raw.content[:2048].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html", b"<?xml", b"<head", b"<meta", b"<body")):
        return "html"
    if raw.source.lower().endswith((".html", ".htm", ".xhtml")) and b"<" in head:
        return "html"
    return "text"


def extract(raw: RawDocument, kind: str = "auto") -> Page:
    """Extract the article, its metadata and its surroundings from one document."""
    if kind not in KINDS:
        raise InputError(f"unknown kind {kind!r}: choose one of {', '.join(KINDS)}")
    if len(raw.content) > MAX_INPUT_BYTES:
        raise InputError(
            f"{len(raw.content) / 1e6:.0f} MB is over the {MAX_INPUT_BYTES // 2**20} MiB limit "
            "for one page"
        )
    if not raw.content.strip():
        raise InputError("empty input")
    if kind == "auto":
        kind = detect_kind(raw)
    if kind == "html":
        # Imported on the first HTML page, not at start-up: the parser (selectolax) and the
        # HTML modules cost a run of text dumps ~10 ms for nothing. Not a cycle: the modules
        # below import their siblings, never a name defined here.
        from marketdesk.extract.html import extract_html

        return extract_html(raw)
    text = decode_text(raw.content)
    return assemble(split_blocks(text), source=raw.source, kind="text", meta=Metadata(url=raw.url))
