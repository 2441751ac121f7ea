"""Workers that misbehave, for tests/test_ingest_workers.py: in a module of their own, so that a
worker process unpickles them by name without importing the test module and all it imports."""

from __future__ import annotations

import os

from marketdesk.app.workers import Failed, Prepared, prepare
from marketdesk.model import RawDocument


def dies_on_poison(raw: RawDocument, kind: str) -> Prepared | Failed:
    if b"POISON" in raw.content:
        os._exit(3)  # as a crash in C code or the OOM killer would: no exception, no goodbye
    return prepare(raw, kind)


def raises_on_poison(raw: RawDocument, kind: str) -> Prepared | Failed:
    if b"POISON" in raw.content:
        raise RuntimeError("a bug met this page")
    return prepare(raw, kind)
