"""The reference page: every value the issue names, read from ../shared's expected file."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from marketdesk.app.shapes import page_json
from marketdesk.extract import extract
from marketdesk.model import RawDocument


def _page(path: Path) -> dict[str, Any]:
    return page_json(extract(RawDocument(source=str(path), content=path.read_bytes())))


def test_title_and_paragraphs(reference_page: Path, reference_expected: dict[str, Any]) -> None:
    got = _page(reference_page)
    assert got["title"] == reference_expected["title"]
    assert got["paragraphs"] == reference_expected["paragraphs"]
    assert got["text"] == "\n\n".join(reference_expected["paragraphs"])


def test_surroundings_become_data(reference_page: Path, reference_expected: dict[str, Any]) -> None:
    got = _page(reference_page)
    assert got["origin"] == reference_expected["origin"]
    assert got["market_status"] == reference_expected["market_status"]
    assert got["quotes"] == reference_expected["quotes"]
    assert got["copyright"] and "South China Morning Post" in got["copyright"]
    assert got["language"] == "en"


def test_removed_blocks_have_kinds(
    reference_page: Path, reference_expected: dict[str, Any]
) -> None:
    got = _page(reference_page)
    kinds = Counter(r["kind"] for r in got["removed"])
    for kind, least in reference_expected["removed_kinds_at_least"].items():
        assert kinds[kind] >= least, kind
    assert kinds["market_status"] == 1
    assert kinds["ticker"] == 1  # the strip is one block, a line an instrument
    strip = next(r["text"] for r in got["removed"] if r["kind"] == "ticker")
    assert len(strip.splitlines()) == len(reference_expected["quotes"])
    # Nothing of the article is among the removed blocks, and nothing removed is in the article.
    body = set(got["paragraphs"])
    assert not any(r["text"] in body for r in got["removed"])
