"""The desk in a real browser: headless Chromium (Debian's package, driven by Playwright with
``executable_path``) loads every page of a seeded desk that the front page leads to, and checks
what a user would meet: no console errors and no Content-Security-Policy violations, keyboard
focus that moves and shows, no sideways scrolling at a phone's width (390 px), and axe-core's
accessibility rules (contrast among them) with no serious or critical violation. Screenshots of
each page at both widths go to build/screenshots/.

`make test` runs scripts/browser-deps.sh first, which installs what is missing; where Chromium,
Playwright or axe-core is still missing these tests skip and say which.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx
import pytest

ROOT = Path(__file__).resolve().parent.parent
AXE = ROOT / ".cache" / "browser" / "node_modules" / "axe-core" / "axe.min.js"
SHOTS = ROOT / "build" / "screenshots"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
MAX_PAGES = 16
WIDTHS = {"desktop": (1280, 900), "mobile": (390, 844)}

try:
    from playwright.sync_api import Browser, ConsoleMessage, Page, sync_playwright
except ImportError:  # pragma: no cover - the dev extras install it
    sync_playwright = None  # type: ignore[assignment]

pytestmark = [
    pytest.mark.skipif(
        CHROMIUM is None, reason="no chromium (scripts/browser-deps.sh installs Debian's)"
    ),
    pytest.mark.skipif(sync_playwright is None, reason="no playwright (pip install -e '.[dev]')"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, dict[str, str]]]:
    """A served desk: the demo pages and history plus sample stories, on a free port."""
    folder = tmp_path_factory.mktemp("browser")
    db = str(folder / "desk.db")
    config = folder / "config.toml"
    config.write_text("")  # the defaults, whatever the user running the tests has configured
    env = {**os.environ, "MARKETDESK_CONFIG": str(config)}
    build = subprocess.run(
        [sys.executable, "-m", "marketdesk", "demo", "--stories", "40", "--no-serve", "--db", db],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert build.returncode == 0, build.stderr
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "marketdesk", "serve", "--db", db, "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(url, timeout=2)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise AssertionError("the desk did not start") from None
                time.sleep(0.2)
        yield url, db, env
    finally:
        server.terminate()
        server.wait(30)


@pytest.fixture(scope="module")
def desk_url(served: tuple[str, str, dict[str, str]]) -> str:
    return served[0]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert sync_playwright is not None and CHROMIUM is not None
    with sync_playwright() as p:
        try:
            b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        except Exception as exc:  # a chromium that cannot start here: say so, do not fail
            pytest.skip(f"chromium would not start: {exc}")
        yield b
        b.close()


@pytest.fixture(scope="module")
def pages(desk_url: str) -> list[str]:
    return _pages(desk_url)


def _kind(url: str) -> str:
    """A page's kind: its path with ids and keys left out (/stories/1 stands for every story,
    /entities/place:jp for every entity, /instruments/sp500/history.csv for every history)."""
    parts = urlsplit(url).path.strip("/").split("/")
    return "/".join(p for n, p in enumerate(parts) if n % 2 == 0) or "front"


def _pages(desk_url: str) -> list[str]:
    """One page of each kind the front page leads to, two links deep, at most MAX_PAGES."""
    seen: dict[str, str] = {}
    queue = [desk_url]
    for depth in range(3):
        following: list[str] = []
        for url in queue:
            kind = _kind(url)
            if kind in seen or len(seen) >= MAX_PAGES:
                continue
            response = httpx.get(url, timeout=10)
            if response.status_code != 200 or "text/html" not in response.headers.get(
                "content-type", ""
            ):
                continue
            seen[kind] = url
            if depth < 2:
                for href in re.findall(r'href="([^"#]+)"', response.text):
                    link = urljoin(url, href.replace("&amp;", "&"))
                    same = urlsplit(link).netloc == urlsplit(desk_url).netloc
                    if same and not urlsplit(link).path.startswith("/static/"):
                        following.append(link.split("#")[0])
        queue = following
    return list(seen.values())


def _name(url: str) -> str:
    parts = urlsplit(url)
    return re.sub(r"[^\w.-]+", "_", (parts.path.strip("/") or "front") + parts.query)[:80]


def _open(browser: Browser, url: str, width: str) -> tuple[Page, list[str]]:
    w, h = WIDTHS[width]
    page = browser.new_page(viewport={"width": w, "height": h})
    problems: list[str] = []

    def on_console(msg: ConsoleMessage) -> None:
        if msg.type == "error":  # CSP violations are reported here too ("Refused to ...")
            problems.append(f"console: {msg.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    response = page.goto(url, wait_until="load")
    assert response is not None and response.ok, f"{url}: {response and response.status}"
    return page, problems


def test_every_page_loads_without_console_errors_or_csp_violations(
    pages: list[str], browser: Browser
) -> None:
    assert len(pages) >= 3, pages  # the front page, a story, an instrument at least
    SHOTS.mkdir(parents=True, exist_ok=True)
    failures: list[str] = []
    for url in pages:
        for width in WIDTHS:
            page, problems = _open(browser, url, width)
            page.wait_for_timeout(300)  # a script's first work, a live stream's first event
            page.screenshot(path=str(SHOTS / f"{_name(url)}-{width}.png"), full_page=True)
            failures += [f"{url} ({width}): {p}" for p in problems]
            if width == "mobile":
                sideways = page.evaluate(
                    "document.documentElement.scrollWidth - document.documentElement.clientWidth"
                )
                if sideways > 0:
                    failures.append(f"{url} (390 px): scrolls sideways by {sideways} px")
            page.close()
    assert not failures, "\n".join(failures)


def test_keyboard_focus_moves_through_each_page_and_shows(
    pages: list[str], browser: Browser
) -> None:
    failures: list[str] = []
    for url in pages:
        page, _ = _open(browser, url, "desktop")
        focused: list[dict[str, Any]] = []
        for _ in range(6):
            page.keyboard.press("Tab")
            focused.append(
                page.evaluate(
                    """() => {
                      const e = document.activeElement;
                      if (!e || e === document.body) return {tag: null};
                      const s = getComputedStyle(e);
                      const r = e.getBoundingClientRect();
                      return {tag: e.tagName, text: (e.textContent || '').trim().slice(0, 40),
                              outline: s.outlineStyle !== 'none' && s.outlineWidth !== '0px',
                              shadow: s.boxShadow !== 'none', visible: r.width > 0 && r.height > 0};
                    }"""
                )
            )
        reached = [f for f in focused if f["tag"]]
        if not reached:
            failures.append(f"{url}: Tab reaches nothing")
        for f in reached:
            if not f["visible"] or not (f["outline"] or f["shadow"]):
                failures.append(f"{url}: focus on {f['tag']} {f['text']!r} does not show")
        page.close()
    assert not failures, "\n".join(failures)


@pytest.mark.skipif(not AXE.exists(), reason="no axe-core (scripts/browser-deps.sh installs it)")
def test_axe_finds_no_serious_accessibility_violations(pages: list[str], browser: Browser) -> None:
    source = AXE.read_text(encoding="utf-8")
    failures: list[str] = []
    for url in pages:
        for width in WIDTHS:
            page, _ = _open(browser, url, width)
            # Evaluated through the browser's debugging protocol, which the page's CSP does
            # not govern: the page's own policy stays as strict as it is served.
            page.evaluate(source)
            result = page.evaluate(
                "axe.run(document, {resultTypes: ['violations']}).then(r => r.violations"
                ".map(v => ({id: v.id, impact: v.impact, help: v.help,"
                " nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))})))"
            )
            for v in result:
                if v["impact"] in ("serious", "critical"):
                    failures.append(
                        f"{url} ({width}): {v['id']}: {v['help']} {json.dumps(v['nodes'])}"
                    )
            page.close()
    assert not failures, "\n".join(failures)


def test_the_strip_updates_live_when_another_process_stores_a_quote(
    served: tuple[str, str, dict[str, str]], browser: Browser, tmp_path: Path
) -> None:
    url, db, env = served
    front = httpx.get(url + ".json", timeout=10).json()
    first = front["strip"][0]
    page, problems = _open(browser, url, "desktop")
    page.wait_for_timeout(500)  # the stream opens
    price = 98765.43
    csv = tmp_path / "quote.csv"
    today = datetime.now(UTC).date() - timedelta(days=1)  # a closed day, newer than the demo's
    csv.write_text(f"Date,Close\n{today.isoformat()},{price}\n")
    stored = subprocess.run(
        [sys.executable, "-m", "marketdesk", "quotes", "import", str(csv),
         "--instrument", first["instrument"], "--db", db],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    assert stored.returncode == 0, stored.stderr
    strip = page.locator(".strip li").first
    strip.filter(has_text="98,765.43").wait_for(timeout=15_000)  # no reload
    page.screenshot(path=str(SHOTS / "front-live-desktop.png"))
    assert not problems, problems
    page.close()
