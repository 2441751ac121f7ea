"""Bulk ingest with worker processes (app/workers.py): outcomes in input order, the bulk
checkpoint exact, a resumed run losing and doubling nothing, workers that die or raise.

The pages are written here at test time; the workers are real processes."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from marketdesk.app.ingest import IngestOutcome, ingest
from marketdesk.app.workers import DIED, Failed, Prepared, prepare_in_order
from marketdesk.extract import MAX_INPUT_BYTES, extract
from marketdesk.model import RawDocument
from marketdesk.store.dedup import plan_page
from support import make_desk
from test_daemon import article_html
from worker_tasks import dies_on_poison, raises_on_poison


@pytest.fixture
def desk(db_path: str) -> Iterator[Any]:
    with make_desk(db_path) as d:
        yield d


def bulk_folder(tmp_path: Path, pages: int = 24) -> Path:
    """Pages with trouble inside: a binary file (fails in a worker), an empty one, one over the
    size cap (fails as it is read, in this process), the same bytes twice, and an article
    again in other bytes (a re-crawl)."""
    folder = tmp_path / "bulk"
    (folder / "sub").mkdir(parents=True)
    for i in range(pages):
        (folder / f"p{i:03d}.html").write_bytes(article_html(f"Story {i}", f"Item {i} moved."))
    (folder / "p005.bin").write_bytes(bytes(range(256)) * 8)
    (folder / "p009.txt").write_bytes(b"  \n")
    with (folder / "p013.huge").open("wb") as big:
        big.truncate(MAX_INPUT_BYTES + 1)  # sparse: nothing written to disk
    (folder / "sub" / "again.html").write_bytes((folder / "p002.html").read_bytes())
    (folder / "sub" / "recrawl.html").write_bytes(
        article_html("Story 3", "Item 3 moved.").replace(b"Home", b"Start")
    )
    return folder


def summary(outcomes: list[IngestOutcome]) -> list[tuple[str, str | None, Any]]:
    """What an outcome says, without ids (PostgreSQL's sequences may skip)."""
    return [
        (
            o.source,
            o.error,
            o.result
            and (o.result.document_created, o.result.article_created, o.result.article_id is None),
        )
        for o in outcomes
    ]


def test_outcomes_come_in_input_order_as_with_one_process(desk: Any, tmp_path: Path) -> None:
    folder = bulk_folder(tmp_path)
    got = list(ingest(desk, [str(folder)], workers=2))
    with make_desk(str(tmp_path / "one.db")) as alone:
        expected = list(ingest(alone, [str(folder)], workers=1))
        assert desk.storage.counts() == alone.storage.counts()
    assert summary(got) == summary(expected)
    names = [Path(o.source).name for o in got]
    assert names[:7] == [*(f"p00{i}.html" for i in range(5)), "p005.bin", "p005.html"]
    assert names[-2:] == ["again.html", "recrawl.html"]
    errors = {Path(o.source).name: o.error for o in got if o.error}
    assert errors.keys() == {"p005.bin", "p009.txt", "p013.huge"}
    assert "binary data" in (errors["p005.bin"] or "")
    assert "empty input" in (errors["p009.txt"] or "")
    assert "MiB limit" in (errors["p013.huge"] or "")
    # Stored one by one in input order: new articles have rising ids.
    created = [o.result.article_id for o in got if o.result and o.result.article_created]
    assert created == sorted(created) and len(created) == 24
    counts = desk.storage.counts()
    assert (counts.documents, counts.articles, counts.stories) == (25, 24, 24)
    assert desk.storage.get_checkpoint(f"ingest:{folder.resolve()}") is None


def test_an_interrupted_run_resumes_after_its_last_stored_page(desk: Any, tmp_path: Path) -> None:
    folder = bulk_folder(tmp_path)
    name = f"ingest:{folder.resolve()}"
    run = ingest(desk, [str(folder)], workers=2)
    done = [next(run) for _ in range(13)]  # the workers have read further ahead than this
    run.close()  # the process "dies" here: what was read ahead was never stored
    assert Path(done[-1].source).name == "p010.html"
    assert desk.storage.get_checkpoint(name) == "p010.html"
    resumed: list[tuple[str, str]] = []
    rest = list(
        ingest(desk, [str(folder)], workers=2, on_resume=lambda a, b: resumed.append((a, b)))
    )
    assert resumed == [(str(folder), "after p010.html (13 of 29 files done)")]
    with make_desk(str(tmp_path / "one.db")) as alone:
        expected = list(ingest(alone, [str(folder)]))
        assert desk.storage.counts() == alone.storage.counts()
    assert summary(done + rest) == summary(expected)  # nothing lost, nothing twice
    assert desk.storage.get_checkpoint(name) is None


def test_a_folder_given_twice_is_read_again_only_after_its_end(desk: Any, tmp_path: Path) -> None:
    # The second pass must not see the first's checkpoint (read ahead, before it was cleared).
    folder = bulk_folder(tmp_path, pages=6)
    resumed: list[tuple[str, str]] = []
    outcomes = list(
        ingest(
            desk,
            [str(folder), str(folder)],
            workers=2,
            on_resume=lambda a, b: resumed.append((a, b)),
        )
    )
    first, second = outcomes[: len(outcomes) // 2], outcomes[len(outcomes) // 2 :]
    assert [o.source for o in first] == [o.source for o in second]
    assert not resumed
    assert all(o.error or (o.result and not o.result.document_created) for o in second)


def write_warc(path: Path, pages: int) -> Path:
    with path.open("wb") as stream:
        writer = WARCWriter(stream, gzip=True)
        for n in range(pages):
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
            body = article_html(f"Note {n}", f"Shares moved {n} points.")
            if n == 4:
                body = bytes(range(256)) * 8  # binary: fails in a worker
            writer.write_record(
                writer.create_warc_record(
                    f"https://desk.example/notes/{n}",
                    "response",
                    payload=io.BytesIO(body),
                    http_headers=http,
                    warc_headers_dict={"WARC-Date": "2025-05-06T07:08:09Z"},
                )
            )
    return path


def test_a_warc_file_in_order_and_resumed_at_its_offset(desk: Any, tmp_path: Path) -> None:
    warc = write_warc(tmp_path / "notes.warc.gz", 12)
    run = ingest(desk, [str(warc)], workers=2)
    done = [next(run) for _ in range(6)]
    run.close()
    assert desk.storage.get_checkpoint(f"ingest:{warc.resolve()}") is not None
    rest = list(ingest(desk, [str(warc)], workers=2))
    urls = [f"https://desk.example/notes/{n}" for n in range(12)]
    assert [o.source for o in done + rest] == urls
    assert [o.error is not None for o in done + rest] == [n == 4 for n in range(12)]
    assert desk.storage.counts().documents == 11
    assert desk.storage.get_checkpoint(f"ingest:{warc.resolve()}") is None


# -- workers that misbehave (tests/worker_tasks.py) ----------------------------------------------
def documents(poisoned: set[int], n: int = 16) -> list[RawDocument]:
    return [
        RawDocument(
            f"doc{i}.html",
            b"POISON" if i in poisoned else article_html(f"Story {i}", f"Item {i}."),
        )
        for i in range(n)
    ]


@pytest.mark.parametrize("poisoned", [{5}, {0, 1}, {15}])
def test_a_worker_that_dies_fails_its_input_only(poisoned: set[int]) -> None:
    docs = documents(poisoned)
    got = list(prepare_in_order(docs, lambda d: d, workers=2, task=dies_on_poison))
    assert [d.source for d, _ in got] == [d.source for d in docs]
    for i, (doc, ready) in enumerate(got):
        if i in poisoned:
            assert ready == Failed(DIED)
        else:
            page = extract(doc)
            assert ready == Prepared(page, plan_page(doc, page))


def test_a_worker_that_raises_fails_its_input_with_the_error() -> None:
    got = list(prepare_in_order(documents({3}), lambda d: d, workers=2, task=raises_on_poison))
    assert got[3][1] == Failed("extraction failed: RuntimeError: a bug met this page")
    assert all(isinstance(ready, Prepared) for i, (_, ready) in enumerate(got) if i != 3)


def test_items_without_a_document_pass_through_in_place() -> None:
    items: list[RawDocument | str] = [*documents(set(), 3), "an error", *documents(set(), 2)]
    got = list(
        prepare_in_order(items, lambda x: x if isinstance(x, RawDocument) else None, workers=2)
    )
    assert [item for item, _ in got] == items
    assert [ready is None for _, ready in got] == [False, False, False, True, False, False]


def test_workers_is_checked(desk: Any) -> None:
    with pytest.raises(ValueError, match="at least 0"):
        ingest(desk, ["x"], workers=-1)
