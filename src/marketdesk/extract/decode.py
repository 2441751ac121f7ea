"""Bytes to text: the one place that guesses encodings and refuses binary input."""

from __future__ import annotations

import codecs

from charset_normalizer import from_bytes

from marketdesk.errors import InputError

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


_CONTROLS = bytes(b for b in range(32) if b not in (9, 10, 12, 13))


def looks_binary(data: bytes) -> bool:
    """NUL bytes or many C0 controls in the first 8 KiB mean it is not text."""
    head = data[:8192]
    if not head:
        return False
    if b"\x00" in head and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return True
    controls = len(head) - len(head.translate(None, _CONTROLS))
    return controls / len(head) > 0.05


def decode_text(data: bytes, declared: str | None = None) -> str:
    """Decode page bytes. Order: BOM, declared charset if it decodes, UTF-8, then detection."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return data.decode(enc, errors="replace")
    if looks_binary(data):
        raise InputError("binary data, not a text or HTML page")
    # Valid UTF-8 with multi-byte sequences is almost never an accident, so it beats a
    # declared charset (pages often declare one and serve another).
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if declared:
        try:
            return data.decode(_normalise_codec(declared))
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong declared charset is common; fall through to detection
    best = from_bytes(data[:200_000]).best()
    if best is None or best.encoding is None:
        # Mixed encodings: keep what is UTF-8 and mark the rest rather than fail.
        return data.decode("utf-8", errors="replace")
    return data.decode(best.encoding, errors="replace")


def _normalise_codec(name: str) -> str:
    name = name.strip().strip("\"'").lower()
    # Browsers treat these labels as their supersets (WHATWG Encoding Standard).
    return {
        "iso-8859-1": "cp1252",
        "latin1": "cp1252",
        "ascii": "cp1252",
        "us-ascii": "cp1252",
    }.get(name, name)
