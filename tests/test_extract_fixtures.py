"""Fixture pages written for the project, each with an expected-output sibling."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from marketdesk.app.shapes import page_json
from marketdesk.extract import extract
from marketdesk.model import RawDocument

FIXTURES = Path(__file__).parent / "fixtures"
CASES = sorted(FIXTURES.glob("text/*.txt")) + sorted(FIXTURES.glob("html/*.html"))


@pytest.mark.parametrize("path", CASES, ids=[f"{p.parent.name}/{p.stem}" for p in CASES])
def test_fixture(path: Path) -> None:
    expected = json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8"))
    got = page_json(extract(RawDocument(source=str(path), content=path.read_bytes())))
    for key in (
        "title",
        "language",
        "market_status",
        "origin",
        "authors",
        "published",
        "publisher",
        "url",
    ):
        if key in expected:
            assert got[key] == expected[key], key
    if "quotes" in expected:
        assert got["quotes"] == expected["quotes"]
    if "paragraph_count" in expected:
        assert len(got["paragraphs"]) == expected["paragraph_count"]
    if "first_paragraph_starts" in expected:
        assert got["paragraphs"][0].startswith(expected["first_paragraph_starts"])
    if "reason_contains" in expected:
        assert expected["reason_contains"] in (got["reason"] or "")
    kinds = Counter(r["kind"] for r in got["removed"])
    for kind, least in expected.get("removed_kinds_at_least", {}).items():
        assert kinds[kind] >= least, kind
