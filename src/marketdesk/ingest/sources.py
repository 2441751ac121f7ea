"""Where a document comes from: a file, a URL, or standard input, read into a RawDocument.

Messages name what went wrong, not the source: callers print the source beside them.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import BinaryIO

from marketdesk.errors import InputError
from marketdesk.extract import MAX_INPUT_BYTES
from marketdesk.model import RawDocument

__all__ = ["STDIN", "Source", "SourceKind", "read_file", "read_source"]

STDIN = "-"

Fetch = Callable[[str], RawDocument]


class SourceKind(StrEnum):
    FILE = "file"
    URL = "url"
    STDIN = "stdin"


@dataclass(frozen=True, slots=True)
class Source:
    """One input as the user named it."""

    kind: SourceKind
    location: str  # the path or URL as given; "-" for standard input

    @classmethod
    def parse(cls, text: str) -> Source:
        if text == STDIN:
            return cls(SourceKind.STDIN, text)
        scheme = text.split("://", 1)[0].lower() if "://" in text else ""
        if scheme in ("http", "https"):
            return cls(SourceKind.URL, text)
        if scheme:
            raise InputError(f"cannot read {scheme}:// addresses; give a file, http(s) URL or -")
        return cls(SourceKind.FILE, text)

    @property
    def is_url(self) -> bool:
        return self.kind is SourceKind.URL


def read_source(
    source: Source, fetch: Fetch | None = None, stdin: BinaryIO | None = None
) -> RawDocument:
    """The source's bytes as a RawDocument, with clear errors for the usual mistakes."""
    if source.kind is SourceKind.URL:
        if fetch is None:
            raise InputError("fetching URLs is not enabled here")
        return fetch(source.location)
    if source.kind is SourceKind.STDIN:
        stream = stdin if stdin is not None else sys.stdin.buffer
        content = stream.read(MAX_INPUT_BYTES + 1)
        if len(content) > MAX_INPUT_BYTES:
            raise InputError(f"over the {MAX_INPUT_BYTES // 2**20} MiB limit for one page")
        return RawDocument(source="<stdin>", content=content)
    return read_file(Path(source.location), source=source.location)


def read_file(path: Path, *, source: str | None = None) -> RawDocument:
    """One file's bytes as a RawDocument (its source `source`, else the path), size-checked."""
    try:
        if path.is_dir():
            raise InputError("is a folder, not a file")
        size = path.stat().st_size
        if size > MAX_INPUT_BYTES:
            raise InputError(
                f"{size / 1e6:.0f} MB is over the {MAX_INPUT_BYTES // 2**20} MiB limit for one page"
            )
        with path.open("rb") as stream:
            content = stream.read(MAX_INPUT_BYTES + 1)  # it may have grown since the stat
        if len(content) > MAX_INPUT_BYTES:
            raise InputError(f"over the {MAX_INPUT_BYTES // 2**20} MiB limit for one page")
    except FileNotFoundError:
        raise InputError("no such file") from None
    except PermissionError:
        raise InputError("permission denied") from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}") from None
    return RawDocument(source=str(path) if source is None else source, content=content)
