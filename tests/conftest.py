"""Shared fixtures. Real material lives in ../shared; tests that need it skip without it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
REFERENCE = SHARED / "examples" / "yahoo-finance-ca-2024-07-05.txt"
REFERENCE_EXPECTED = SHARED / "examples" / "yahoo-finance-ca-2024-07-05.expected.json"
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def reference_page() -> Path:
    if not REFERENCE.is_file():
        pytest.skip("../shared/examples is not present")
    return REFERENCE


@pytest.fixture
def reference_expected() -> dict[str, Any]:
    if not REFERENCE_EXPECTED.is_file():
        pytest.skip("../shared/examples is not present")
    data: dict[str, Any] = json.loads(REFERENCE_EXPECTED.read_text(encoding="utf-8"))
    return data


@pytest.fixture
def db_path(tmp_path: Path) -> str:
    return str(tmp_path / "desk.db")
