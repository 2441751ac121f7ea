"""The desk under load: wrk against `marketdesk serve` on 127.0.0.1, with desks of N sample
stories (`marketdesk demo --stories N`) on SQLite and on PostgreSQL.

For each backend and each N, one server (`--workers` processes); four runs of wrk, one per
kind of page, each with C concurrent connections for D seconds: the front page (`/`), story
pages (`/stories/ID`, IDs drawn at random from the whole store), search (`/search?q=WORD`, 17
words of the sample stories' vocabulary: popular searches, which the one-second micro-cache
shares) and `search*` (every pair of those words, each of its first three pages: 408 URLs
rarely asked twice within a second, so nearly every one is searched afresh). Printed per run:
requests per second, p50, p95 and p99 latency, and errors (connect, read, write, timeout,
non-2xx). wrk (Debian's package `wrk`) must be installed.

With `--base REF`, each desk is served twice, by the commit REF (a git worktree under .bench/,
as bench_before_after.py makes) and by this checkout, and each run of wrk is made against both,
one after the other (which goes first alternates), with after/before ratios: on a shared,
noisy machine the noise falls on both alike. The desk's schema must be one both can read.

Desks are built once and kept under .bench/ (SQLite files, and PostgreSQL databases named
marketdesk_bench_N on 127.0.0.1:5432, or PREFIX_N with `--pg-prefix`); `--rebuild` builds them
again. `--pages story,search*` makes only those runs. A desk of 100,000
stories (131,711 pages) takes about 8 minutes to build on SQLite and about 40 on PostgreSQL
on a 2-core machine (benchmarks/README.md, "Building the sample desks").

    .venv/bin/python benchmarks/bench_web_load.py [--stories 1000,100000] \
        [--backend sqlite,postgres] [--clients 50] [--duration 20] [--threads 2] [--workers 2] \
        [--base REF]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / ".bench"
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
PAGES = ("front", "story", "search", "search*")
pg_prefix = "marketdesk_bench"  # --pg-prefix: the PostgreSQL desks are PREFIX_N
WORDS = (
    "rates", "inflation", "export", "controls", "merger", "profit", "oil", "dividend", "tariffs",
    "yen", "robots", "shipping", "copper", "talks", "governor", "semiconductor", "brent",
)  # fmt: skip
LUA = """
local paths = {}
for line in io.lines(os.getenv("PATHS_FILE")) do paths[#paths + 1] = line end
math.randomseed(os.time())
request = function()
  return wrk.format("GET", paths[math.random(#paths)])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "seconds": %.3f, "p50": %.3f, "p95": %.3f, "p99": %.3f, '
    .. '"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}\\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1e3,
    latency:percentile(95) / 1e3, latency:percentile(99) / 1e3,
    e.connect, e.read, e.write, e.status, e.timeout))
end
"""


def marketdesk(*argv: str) -> list[str]:
    return [sys.executable, "-m", "marketdesk", *argv]


def desk_address(backend: str, stories: int) -> str:
    if backend == "sqlite":
        return str(BENCH / f"desk-{stories}.db")
    return f"postgresql://postgres@127.0.0.1:5432/{pg_prefix}_{stories}"


def build(backend: str, stories: int, rebuild: bool) -> str:
    db = desk_address(backend, stories)
    if backend == "sqlite":
        if rebuild:
            for suffix in ("", "-wal", "-shm"):
                Path(db + suffix).unlink(missing_ok=True)
        exists = Path(db).exists()
    else:
        import psycopg

        name = f"{pg_prefix}_{stories}"
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            if rebuild:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            exists = (
                conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
                is not None
            )
            if not exists:
                conn.execute(f'CREATE DATABASE "{name}"')
    if not exists:
        print(f"building a desk of {stories:,} sample stories on {backend}…", flush=True)
        started = time.monotonic()
        subprocess.run(
            marketdesk("demo", "--stories", str(stories), "--no-serve", "--db", db), check=True
        )
        print(f"  built in {time.monotonic() - started:.0f} s", flush=True)
    return db


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve(db: str, workers: int, source: Path | None = None) -> tuple[subprocess.Popen[bytes], str]:
    """A server on ``db``, running this checkout's code or, with ``source``, another tree's."""
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(source / "src")} if source else None
    proc = subprocess.Popen(
        marketdesk("serve", "--db", db, "--port", str(port), "--workers", str(workers)),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            httpx.get(url + "/", timeout=5)
            return proc, url
        except httpx.TransportError:
            if time.monotonic() > deadline or proc.poll() is not None:
                raise SystemExit(f"the desk on {db} did not start") from None
            time.sleep(0.3)


def story_paths(url: str, count: int) -> list[str]:
    """Story pages spread over the whole store: ids read from its JSON list, newest and
    oldest alike (the first page of /.json gives the newest; ids run from 1)."""
    newest = httpx.get(url + "/.json", timeout=30).json()
    top = max((s["id"] for s in newest.get("stories", ())), default=1)
    rng = random.Random(1)
    return [f"/stories/{rng.randint(1, top)}" for _ in range(count)]


def distinct_searches() -> list[str]:
    """Searches that the micro-cache cannot answer for one another: every pair of the words,
    each of its first three pages (408 URLs, drawn at random: few repeat within a second)."""
    return [
        f"/search?q={a}+{b}&page={page}"
        for a in WORDS
        for b in WORDS
        if a < b
        for page in (1, 2, 3)
    ]


def wrk(url: str, paths: list[str], clients: int, seconds: int, threads: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "paths.lua"
        script.write_text(LUA)
        listing = Path(tmp) / "paths.txt"
        listing.write_text("\n".join(paths) + "\n")
        out = subprocess.run(
            ["wrk", "-t", str(threads), "-c", str(clients), "-d", f"{seconds}s", "--timeout",
             "10s", "-s", str(script), url],
            capture_output=True,
            text=True,
            env={**os.environ, "PATHS_FILE": str(listing)},
            check=True,
        )  # fmt: skip
    line = next(ln for ln in out.stdout.splitlines() if ln.startswith("{"))
    result: dict[str, float] = json.loads(line)
    result["rps"] = result["requests"] / result["seconds"]
    return result


def report(backend: str, stories: int, label: str, r: dict[str, float]) -> None:
    errors = sum(int(r[k]) for k in ("connect", "read", "write", "status", "timeout"))
    print(
        f"{backend:9} {stories:>8,} {label:15} {r['rps']:>8.0f} {r['p50']:>7.1f} "
        f"{r['p95']:>7.1f} {r['p99']:>7.1f} {errors:>6}",
        flush=True,
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--stories", default="1000,100000")
    ap.add_argument("--backend", default="sqlite,postgres")
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--duration", type=int, default=20)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--rebuild", action="store_true")
    ap.add_argument("--workers", type=int, default=2, help="server processes (default 2)")
    ap.add_argument("--base", help="also serve each desk with this earlier commit, side by side")
    ap.add_argument(
        "--pages", default=",".join(PAGES), help=f"which runs, of {','.join(PAGES)} (default all)"
    )
    ap.add_argument(
        "--pg-prefix",
        default="marketdesk_bench",
        help="PostgreSQL desks are named PREFIX_N (default marketdesk_bench)",
    )
    args = ap.parse_args()
    global pg_prefix
    pg_prefix = args.pg_prefix
    pages = args.pages.split(",")
    if not pages or not set(pages) <= set(PAGES):
        print(f"--pages: give some of {','.join(PAGES)}", file=sys.stderr)
        return 2
    if shutil.which("wrk") is None:
        print("wrk is not installed (Debian: apt-get install wrk)", file=sys.stderr)
        return 2
    BENCH.mkdir(exist_ok=True)
    print(
        f"{args.clients} connections, {args.threads} wrk threads, {args.duration} s a run, "
        f"{args.workers} server processes; "
        "latency in ms"
    )
    print(f"{'backend':9} {'stories':>8} {'page':15} {'req/s':>8} {'p50':>7} {'p95':>7} "
          f"{'p99':>7} {'errors':>6}")  # fmt: skip
    base = None
    if args.base:
        from bench_before_after import checkout

        base = checkout(args.base)
        print(f"each run against {args.base} (before) and this checkout (after), in turn")
    for backend in args.backend.split(","):
        for stories in (int(n) for n in args.stories.split(",")):
            db = build(backend, stories, args.rebuild)
            servers = {"after": serve(db, args.workers)}
            if base is not None:
                servers["before"] = serve(db, args.workers, base)
            try:
                url = servers["after"][1]
                rng = random.Random(2)
                kinds = {
                    "front": ["/"],
                    "story": story_paths(url, 2000),
                    "search": [f"/search?q={rng.choice(WORDS)}" for _ in range(500)],
                    "search*": distinct_searches(),
                }
                kinds = {k: v for k, v in kinds.items() if k in pages}
                for n, (kind, paths) in enumerate(kinds.items()):
                    order = ["after", "before"] if n % 2 else ["before", "after"]
                    got: dict[str, dict[str, float]] = {}
                    for name in (o for o in order if o in servers):
                        there = servers[name][1]
                        wrk(there, paths[:50], args.clients, 3, args.threads)  # warm up
                        got[name] = wrk(there, paths, args.clients, args.duration, args.threads)
                    for name in ("before", "after"):
                        if name in got:
                            label = f"{kind} ({name})" if base is not None else kind
                            report(backend, stories, label, got[name])
                    if "before" in got:
                        b, a = got["before"], got["after"]
                        print(
                            f"{'':9} {'':>8} {'ratio':15} {a['rps'] / b['rps']:>7.2f}x"
                            f" {a['p50'] / b['p50']:>6.2f}x {a['p95'] / b['p95']:>6.2f}x"
                            f" {a['p99'] / b['p99']:>6.2f}x",
                            flush=True,
                        )
            finally:
                for proc, _ in servers.values():
                    proc.terminate()
                    proc.wait(30)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
