"""ingest/warc.py: WARC, WARC.gz and WET.gz records as documents, damage as problems, resume.

The archives are written here at test time with warcio's WARCWriter.
"""

from __future__ import annotations

import gzip
import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from marketdesk.errors import ArchiveError, InputError
from marketdesk.extract import MAX_INPUT_BYTES
from marketdesk.ingest.warc import WarcItem, WarcProblem, iter_warc

DATE = "2025-05-06T07:08:09Z"


def _page(n: int) -> bytes:
    return (
        b"<html><head><title>Market note %d</title></head><body><p>Shares moved %d points "
        b"on the day.</p></body></html>" % (n, n)
    )


def _response(
    writer: WARCWriter, uri: str, body: bytes, status: str = "200 OK", ctype: str = "text/html"
) -> None:
    http = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
    writer.write_record(
        writer.create_warc_record(
            uri,
            "response",
            payload=io.BytesIO(body),
            http_headers=http,
            warc_headers_dict={"WARC-Date": DATE},
        )
    )


def _write_warc(path: Path, *, compressed: bool, pages: int = 3) -> Path:
    with path.open("wb") as stream:
        writer = WARCWriter(stream, gzip=compressed)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "tests"}))
        for n in range(pages):
            uri = f"https://desk.example/notes/{n}"
            request = StatusAndHeaders(f"GET /notes/{n} HTTP/1.1", [("Host", "desk.example")])
            writer.write_record(
                writer.create_warc_record(
                    uri, "request", payload=io.BytesIO(b""), http_headers=request
                )
            )
            _response(writer, uri, _page(n))
            writer.write_record(
                writer.create_warc_record(
                    uri,
                    "metadata",
                    payload=io.BytesIO(b"fetchTimeMs: 12\n"),
                    warc_content_type="application/warc-fields",
                )
            )
        _response(writer, "https://desk.example/missing", b"<p>gone</p>", status="404 Not Found")
        _response(writer, "https://desk.example/logo.png", b"\x89PNG....", ctype="image/png")
        _response(writer, "https://desk.example/logo.svg", b"<svg/>", ctype="image/svg+xml")
        _response(
            writer,
            "https://desk.example/feed",
            b"<rss/>",
            ctype="application/rss+xml; charset=utf-8",
        )
    return path


def _write_wet(path: Path) -> Path:
    with path.open("wb") as stream:
        writer = WARCWriter(stream, gzip=True)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "tests"}))
        for n in range(2):
            text = f"Market note {n}\nShares moved {n} points on the day.\n".encode()
            writer.write_record(
                writer.create_warc_record(
                    f"https://desk.example/notes/{n}",
                    "conversion",
                    payload=io.BytesIO(text),
                    warc_content_type="text/plain",
                    warc_headers_dict={"WARC-Date": DATE},
                )
            )
    return path


def _items(path: Path, start: int = 0) -> list[WarcItem | WarcProblem]:
    return list(iter_warc(path, start_offset=start))


@pytest.mark.parametrize("compressed", [False, True], ids=["warc", "warc.gz"])
def test_responses_become_documents(tmp_path: Path, compressed: bool) -> None:
    path = _write_warc(tmp_path / ("a.warc.gz" if compressed else "a.warc"), compressed=compressed)
    items = _items(path)
    assert all(isinstance(item, WarcItem) for item in items)
    docs = [item.document for item in items if isinstance(item, WarcItem)]
    assert [d.url for d in docs] == [
        "https://desk.example/notes/0",
        "https://desk.example/notes/1",
        "https://desk.example/notes/2",
        "https://desk.example/feed",
    ]
    first = docs[0]
    assert first.source == first.url
    assert first.content == _page(0)
    assert first.media_type == "text/html"
    assert first.fetched_at == datetime(2025, 5, 6, 7, 8, 9, tzinfo=UTC)
    assert docs[3].media_type == "application/rss+xml; charset=utf-8"
    offsets = [item.offset for item in items if isinstance(item, WarcItem)]
    assert offsets == sorted(offsets) and offsets[0] > 0  # the warcinfo record comes first
    last = items[-1]
    assert isinstance(last, WarcItem) and last.next_offset == path.stat().st_size


def test_wet_conversion_records(tmp_path: Path) -> None:
    items = _items(_write_wet(tmp_path / "a.warc.wet.gz"))
    docs = [item.document for item in items if isinstance(item, WarcItem)]
    assert len(docs) == 2
    assert docs[1].content == b"Market note 1\nShares moved 1 points on the day.\n"
    assert docs[1].media_type == "text/plain"
    assert docs[1].url == "https://desk.example/notes/1"


@pytest.mark.parametrize("compressed", [False, True], ids=["warc", "warc.gz"])
def test_resume_from_any_item_yields_exactly_the_rest(tmp_path: Path, compressed: bool) -> None:
    path = _write_warc(tmp_path / "r.warc", compressed=compressed, pages=5)
    items = [item for item in _items(path) if isinstance(item, WarcItem)]
    for index, item in enumerate(items):
        assert _items(path, item.offset) == items[index:]
        assert _items(path, item.next_offset) == items[index + 1 :]


@pytest.mark.parametrize("compressed", [False, True], ids=["warc", "warc.gz"])
def test_truncated_in_a_record_gives_the_records_before_and_a_problem(
    tmp_path: Path, compressed: bool
) -> None:
    whole = _write_warc(tmp_path / "w.warc", compressed=compressed)
    complete = [item for item in _items(whole) if isinstance(item, WarcItem)]
    target = complete[2]  # the third page
    data = whole.read_bytes()
    for cut in (target.offset + 30, target.offset + 300, target.next_offset - 40):
        path = tmp_path / f"cut-{cut}.warc"
        path.write_bytes(data[:cut])
        items = _items(path)
        assert items[:-1] == complete[:2], cut
        problem = items[-1]
        assert isinstance(problem, WarcProblem), cut
        assert f"at byte {cut}" in problem.message or f"at byte {target.offset}" in problem.message
        assert problem.next_offset is None


def test_garbage_between_records(tmp_path: Path) -> None:
    whole = _write_warc(tmp_path / "g.warc", compressed=True)
    complete = [item for item in _items(whole) if isinstance(item, WarcItem)]
    data = whole.read_bytes()
    at = complete[1].next_offset
    path = tmp_path / "bad.warc.gz"
    path.write_bytes(data[:at] + b"this is not a record at all\r\n" * 4 + data[at:])
    items = _items(path)
    assert items[:2] == complete[:2]
    problem = items[-1]
    assert isinstance(problem, WarcProblem)
    assert problem.message.startswith(f"damaged at byte {at}")


def test_one_gzip_stream_is_refused_with_the_fix(tmp_path: Path) -> None:
    plain = _write_warc(tmp_path / "p.warc", compressed=False)
    path = tmp_path / "one.warc.gz"
    path.write_bytes(gzip.compress(plain.read_bytes()))
    (problem,) = _items(path)
    assert isinstance(problem, WarcProblem)
    assert problem.offset == 0
    assert "warcio recompress" in problem.message


def test_not_an_archive_and_bad_offsets(tmp_path: Path) -> None:
    path = tmp_path / "page.warc"
    path.write_bytes(b"<html><body>not an archive</body></html>")
    (problem,) = _items(path)
    assert isinstance(problem, WarcProblem) and problem.offset == 0
    whole = _write_warc(tmp_path / "o.warc", compressed=False)
    (problem,) = _items(whole, whole.stat().st_size + 10)
    assert isinstance(problem, WarcProblem) and "past the end" in problem.message
    (problem,) = _items(whole, 7)  # not a record boundary
    assert isinstance(problem, WarcProblem) and "damaged at byte 7" in problem.message
    with pytest.raises(ArchiveError, match="no such file"):
        _items(tmp_path / "missing.warc")
    with pytest.raises(InputError, match="folder"):
        _items(tmp_path)


def test_body_over_the_limit_is_skipped_and_the_walk_goes_on(tmp_path: Path) -> None:
    path = tmp_path / "big.warc.gz"
    with path.open("wb") as stream:
        writer = WARCWriter(stream, gzip=True)
        _response(writer, "https://desk.example/big", b" " * (MAX_INPUT_BYTES + 1))
        _response(writer, "https://desk.example/small", _page(1))
    big, small = _items(path)
    assert isinstance(big, WarcProblem)
    assert "over the 20 MiB limit" in big.message and big.next_offset is not None
    assert isinstance(small, WarcItem) and small.offset == big.next_offset
    assert small.document.content == _page(1)


def test_a_record_with_a_wrong_length_is_read_without_warcio_writing_to_stderr(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    plain = _write_warc(tmp_path / "p.warc", compressed=False)
    data = plain.read_bytes()
    # A stray line after the first record's body, where its two blank lines should follow.
    first = next(i for i in _items(plain) if isinstance(i, WarcItem))
    cut = first.next_offset - 4
    assert data[cut : first.next_offset] == b"\r\n\r\n"
    path = tmp_path / "stray.warc"
    path.write_bytes(data[:cut] + b"stray\r\n" + data[cut:])
    assert any(isinstance(i, WarcItem) for i in _items(path))
    assert "WARNING" not in capfd.readouterr().err
