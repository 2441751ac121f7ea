"""`marketdesk entities` throughput: N texts as JSON Lines on standard input, timed as a user
runs it (the console script in a fresh process: start-up and model load included) and in
process (app.analyze.entities_lines after a warm pass: the steady rate of a long stream), in
its batches (32 texts, or fewer that hold 40,000 characters: what a pipe gets), in batches of
32 whatever their length, and one by one (what a terminal gets).

The texts are the article texts of the English dev pages (../shared, extracted by marketdesk;
179 of them, so some come twice), written to a temporary file and never copied here; then the
benchmark's own short written passages, in process, where batching counts most. Without
../shared, the written passages alone, repeated to N.

    .venv/bin/python benchmarks/bench_entities_cli.py [--texts N] [--repeat N]
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from itertools import cycle, islice
from pathlib import Path

from bench_entities import speed_texts, written_cases
from marketdesk.app.analyze import BATCH, BATCH_CHARS, entities_lines
from marketdesk.app.desk import Desk
from marketdesk.config import load_settings

CLI = Path(sys.executable).with_name("marketdesk")


def texts_for(n: int) -> tuple[list[str], str]:
    """The English dev article texts (bench_entities' speed set), repeated to n where there are
    fewer (179 in the dev set); without ../shared, the written passages repeated."""
    texts = speed_texts(n)
    what = "English dev article texts"
    if not texts:
        texts, what = [c.text for c in written_cases()], "written passages"
    if len(texts) < n:
        what = f"{len(texts)} {what}, {n - len(texts)} of them twice"
        texts = list(islice(cycle(texts), n))
    return texts, what


def run_cli(path: Path) -> float:
    t = time.perf_counter()
    with path.open("rb") as stdin:
        subprocess.run([str(CLI), "entities"], stdin=stdin, stdout=subprocess.DEVNULL, check=False)
    return time.perf_counter() - t


def in_process(desk: Desk, data: bytes, batch_size: int, batch_chars: int = BATCH_CHARS) -> float:
    t = time.perf_counter()
    stream = io.BytesIO(data)
    for _ in entities_lines(desk, stream, batch_size=batch_size, batch_chars=batch_chars):
        pass
    return time.perf_counter() - t


def main(argv: Iterable[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--texts", type=int, default=200, help="texts a run (default 200)")
    ap.add_argument("--repeat", type=int, default=2, help="timed rounds, median and best")
    args = ap.parse_args(list(argv) if argv is not None else None)

    texts, what = texts_for(args.texts)
    data = _jsonl(texts)
    chars = sum(map(len, texts)) / len(texts)
    print(f"{len(texts)} texts: {what}, {chars:,.0f} characters on average")

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "texts.jsonl"
        path.write_bytes(data)
        empty = Path(tmp) / "empty.jsonl"
        empty.write_bytes(b"")
        start = [run_cli(empty) for _ in range(args.repeat)]
        whole = [run_cli(path) for _ in range(args.repeat)]
    print(f"start-up (no input, model loaded): median {statistics.median(start):.2f} s")
    n = len(texts)
    print(
        f"{'marketdesk entities < texts.jsonl':<62} median {statistics.median(whole):6.2f} s "
        f"{n / statistics.median(whole):6.1f} texts/s   best {n / min(whole):6.1f} texts/s"
    )

    desk = Desk(load_settings())
    short = [c.text for c in written_cases()]
    short_data = _jsonl(list(islice(cycle(short), n)))
    for label, payload in (("these texts", data), (f"{len(short)} written passages", short_data)):
        in_process(desk, payload, BATCH)  # warm: model loaded, first pass allocations
        ways = (
            (f"{BATCH} or {BATCH_CHARS:,} chars", BATCH, BATCH_CHARS),
            (f"{BATCH}", BATCH, 10**9),
            ("1", 1, BATCH_CHARS),
        )
        for way, size, chars in ways:
            times = [in_process(desk, payload, size, chars) for _ in range(args.repeat)]
            name = f"in process, {label}, batches of {way}"
            print(
                f"{name:<62} median {statistics.median(times):6.2f} s "
                f"{n / statistics.median(times):6.1f} texts/s   best {n / min(times):6.1f} texts/s"
            )
    return 0


def _jsonl(texts: list[str]) -> bytes:
    return "".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in enumerate(texts)).encode()


if __name__ == "__main__":
    sys.exit(main())
