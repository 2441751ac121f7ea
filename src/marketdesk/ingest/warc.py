"""WARC and WET archives (plain or gzip) as RawDocuments, resumable at record boundaries.

Kept: `response` records of an HTTP 200 with an HTML, text or XML Content-Type (the body, as
the server sent it once transfer encodings are undone), and WET `conversion` records (the
plain text of a page). Passed over without a word: warcinfo, request, metadata, revisit and
resource records, other statuses, other content types.

Each item carries its record's byte offset and the offset of the record after it. Seeking to
an offset works because a .warc.gz holds one gzip member a record (warcio and Common Crawl write
them so), and in a plain WARC every record starts with its own header. A bulk ingest that commits
`next_offset` with each document resumes exactly after the last one it committed.

Damage never raises: a file cut inside a record, garbage between records or a bad gzip member
yields the complete records before it, then one `WarcProblem` naming the byte, and ends.
A body over MAX_INPUT_BYTES is a `WarcProblem` for that record, and the walk goes on.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from warcio.archiveiterator import ArchiveIterator

from marketdesk.errors import ArchiveError
from marketdesk.extract import MAX_INPUT_BYTES
from marketdesk.model import RawDocument

__all__ = ["WarcItem", "WarcProblem", "iter_warc"]

_ONE_STREAM = (
    "gzipped as one stream, not one gzip member a record, so records cannot be found by "
    "offset; `warcio recompress` rewrites it"
)
_KEPT_TYPES = ("html", "xml", "text/")  # text/html, application/xhtml+xml, text/plain, ...


@dataclass(frozen=True, slots=True)
class WarcItem:
    """A document from one record; `offset` is the record's first byte, `next_offset` the next's."""

    document: RawDocument
    offset: int
    next_offset: int


@dataclass(frozen=True, slots=True)
class WarcProblem:
    """A record that could not be read. `next_offset` is where reading may go on, or None
    when the damage ends what can be read of the file.
    """

    offset: int
    message: str
    next_offset: int | None = None


def iter_warc(path: Path, *, start_offset: int = 0) -> Iterator[WarcItem | WarcProblem]:
    """The documents of a WARC/WET file (.warc, .warc.gz, .wet, .wet.gz), from `start_offset`,
    which must be a record's offset (0, or an item's `offset` or `next_offset`).

    Raises ArchiveError only when the file cannot be opened at all.
    """
    if start_offset < 0:
        raise ArchiveError(f"offset {start_offset} is negative")
    try:
        stream = path.open("rb")
    except FileNotFoundError:
        raise ArchiveError("no such file") from None
    except IsADirectoryError:
        raise ArchiveError("is a folder, not an archive") from None
    except PermissionError:
        raise ArchiveError("permission denied") from None
    except OSError as exc:
        raise ArchiveError(f"cannot read: {exc.strerror or exc}") from None
    with stream:
        size = os.fstat(stream.fileno()).st_size
        if start_offset > size:
            yield WarcProblem(start_offset, f"offset {start_offset} is past the end ({size} bytes)")
            return
        stream.seek(start_offset)
        yield from _records(stream, start_offset, size)


class _QuietIterator(ArchiveIterator):  # type: ignore[misc]
    # warcio writes this warning to sys.stderr itself, in the middle of a progress bar; a
    # record that is not followed by its blank lines is still read, and real damage is a
    # WarcProblem, so the warning says nothing the caller does not hear otherwise.
    INC_RECORD = ""


def _records(stream: Any, start: int, size: int) -> Iterator[WarcItem | WarcProblem]:
    records = _QuietIterator(stream)
    end = start  # where the last complete record ended: the next one starts here
    while True:
        try:
            record = next(records)
        except StopIteration:
            break
        except Exception as exc:  # warcio raises assorted errors on damage; none is a bug here
            reason = _ONE_STREAM if "non-chunked gzip" in str(exc) else _reason(exc)
            yield WarcProblem(end, f"damaged at byte {end}: {reason}")
            return
        offset = end
        try:
            item = _read(record)
            # the offset attribute is where warcio's reader stands after the record: the next
            # record's first byte (get_record_offset has drained the body first)
            offset = int(records.get_record_offset())
            after = int(records.offset)
        except Exception as exc:
            yield WarcProblem(offset, f"damaged at byte {offset}: {_reason(exc)}")
            return
        if offset < end or after <= offset:
            # warcio's offsets run backwards inside a file gzipped as one stream
            yield WarcProblem(end, _ONE_STREAM)
            return
        end = after
        short = _incomplete(record)
        if short:
            message = f"truncated at byte {size}: the record at byte {offset} {short}"
            yield WarcProblem(offset, message)
            return
        if isinstance(item, str):
            yield WarcProblem(offset, f"record at byte {offset}: {item}", end)
        elif item is not None:
            yield WarcItem(item, offset, end)
    if end < size:
        stream.seek(end)
        if stream.read(64).strip():
            yield WarcProblem(
                end, f"truncated at byte {size}: the record at byte {end} is incomplete"
            )


def _incomplete(record: Any) -> str | None:
    """What the file lacks of the record (read to its end), or None when it is complete."""
    if record.length is None:  # warcio makes a record of a header cut before Content-Length
        return "is cut inside its header"
    # the body reader counts down from Content-Length; what is left never came
    missing = int(getattr(record.raw_stream, "limit", 0) or 0)
    return f"lacks {missing} of its {record.length} bytes" if missing else None


def _read(record: Any) -> RawDocument | str | None:
    """The record's document; a string saying why it was skipped; None when not a document."""
    uri = (record.rec_headers.get_header("WARC-Target-URI") or "").strip("<> ")
    if record.rec_type == "response":
        http = record.http_headers
        if http is None or http.get_statuscode() != "200":
            return None
        media_type = http.get_header("Content-Type")
    elif record.rec_type == "conversion":
        media_type = record.rec_headers.get_header("Content-Type") or "text/plain"
    else:
        return None
    if not _is_document_type(media_type):
        return None
    try:
        body = record.content_stream().read(MAX_INPUT_BYTES + 1)
    except Exception as exc:  # a body whose Content-Encoding does not decode
        return f"cannot decode the body of {uri}: {_reason(exc)}"
    if len(body) > MAX_INPUT_BYTES:
        return f"the body of {uri} is over the {MAX_INPUT_BYTES // 2**20} MiB limit; skipped"
    return RawDocument(
        source=uri,
        content=body,
        fetched_at=_warc_date(record.rec_headers.get_header("WARC-Date")),
        media_type=media_type,
        url=uri or None,
    )


def _is_document_type(media_type: str | None) -> bool:
    mtype = (media_type or "").split(";")[0].strip().lower()
    if mtype.startswith(("image/", "audio/", "video/", "font/")):  # image/svg+xml is no page
        return False
    return any(kind in mtype for kind in _KEPT_TYPES)


def _warc_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)


def _reason(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 200 else text[:197] + "..."
