"""Sources, the poller and `run --once` against news sites served on 127.0.0.1 (and 127.0.0.2,
another host), with pages written for these tests."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from marketdesk.app.daemon import Daemon
from marketdesk.app.desk import Services
from marketdesk.app.ingest import ingest
from marketdesk.app.shapes import story_json
from marketdesk.app.sources import SourceRequest, add_source
from marketdesk.cli import main
from marketdesk.cli.output import Console
from news_sites import HTML, XML, Reply, Site, article_html, rss, serve, strict_fetcher
from support import make_desk


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[Any]:
    d = make_desk(str(tmp_path / "desk.db"))
    d.services = replace(d.services, fetcher=strict_fetcher)
    with d:
        yield d


def test_a_feed_is_followed_to_its_pages_and_polled_again_without_doubling(desk: Any) -> None:
    site = Site()
    with serve(site) as url:
        site.routes["/a.html"] = (200, article_html("Oil climbs", "Crude oil rose."), HTML)
        site.routes["/b.html"] = (200, article_html("Yen slips", "The yen fell."), HTML)
        items = [
            ("a", "Oil climbs", f"{url}/a.html"),
            ("b", "Yen slips", f"{url}/b.html"),
            ("c", "Gold steady", f"{url}/gone.html"),  # 404: the entry's own text is kept
        ]

        def feed(handler: Any) -> Reply:
            if handler.headers.get("If-None-Match") == '"f1"':
                return 304, b"", {}
            return 200, rss(items), {**XML, "ETag": '"f1"'}

        site.routes["/feed.xml"] = feed
        source, created = add_source(
            desk, SourceRequest(f"{url}/feed.xml", kind="feed", allow_private=True)
        )
        assert created
        events: list[dict[str, Any]] = []
        report = Daemon(desk, log=events.append).run_once()
        assert report.ok, report
        assert report.outcomes[0].stored == 3
        counts = desk.storage.counts()
        assert (counts.articles, counts.stories, counts.sources) == (3, 3, 1)
        kinds = {a.article.title: a for a in desk.storage.latest_articles()}
        assert set(kinds) == {"Oil climbs", "Yen slips", "Gold steady"}
        assert kinds["Gold steady"].from_feed_entry  # marked as the entry's own text
        assert not kinds["Oil climbs"].from_feed_entry
        assert story_json(kinds["Gold steady"])["from_feed_entry"] is True
        assert any(e["event"] == "fetch" and e["status"] == 200 for e in events)
        assert any(e["event"] == "error" and "404" in e["error"] for e in events)
        stored = desk.storage.get_source(source.id)
        assert stored.etag == '"f1"' and stored.failures == 0

        # Again: the feed answers 304, nothing is fetched or stored twice.
        before = len(site.paths)
        report = Daemon(desk).run_once()
        assert report.ok and report.outcomes[0].not_modified
        assert [p for p in site.paths[before:] if p != "/robots.txt"] == ["/feed.xml"]
        assert desk.storage.counts().articles == 3


def test_a_changed_entry_is_stored_anew_and_replaces_its_earlier_version(desk: Any) -> None:
    site = Site()
    with serve(site) as url:
        site.routes["/a.html"] = (200, article_html("Oil climbs", "Crude oil rose."), HTML)
        site.routes["/feed.xml"] = (200, rss([("a", "Oil climbs", f"{url}/a.html")]), XML)
        add_source(desk, SourceRequest(f"{url}/feed.xml", kind="feed", allow_private=True))
        assert Daemon(desk).run_once().ok
        first = desk.storage.latest_articles()[0]
        site.routes["/a.html"] = (200, article_html("Oil climbs further", "Crude rose."), HTML)
        site.routes["/feed.xml"] = (200, rss([("a", "Oil climbs further", f"{url}/a.html")]), XML)
        assert Daemon(desk).run_once().ok
        current = desk.storage.latest_articles()
        assert [a.article.title for a in current] == ["Oil climbs further"]
        assert desk.storage.get_article(first.id) is not None  # the earlier version is kept
        assert desk.storage.story_of_article(current[0].id) == desk.storage.story_of_article(
            first.id
        )
        assert desk.storage.counts().stories == 1


def test_allow_private_lets_in_the_source_own_origin_only(desk: Any) -> None:
    inside, other = Site(), Site()
    with serve(inside) as url, serve(other, "127.0.0.2") as elsewhere:
        other.routes["/x.html"] = (200, article_html("Secret", "Internal."), HTML)
        inside.routes["/feed.xml"] = (200, rss([("x", "Rates hold", f"{elsewhere}/x.html")]), XML)
        inside.routes["/moved"] = (302, b"", {"Location": f"{elsewhere}/x.html"})
        add_source(desk, SourceRequest(f"{url}/feed.xml", kind="feed", allow_private=True))
        add_source(desk, SourceRequest(f"{url}/moved", kind="page", allow_private=True))
        events: list[dict[str, Any]] = []
        report = Daemon(desk, log=events.append).run_once()
        assert other.paths == []  # neither the entry link nor the redirect reached 127.0.0.2
        feed, page = report.outcomes
        assert feed.ok and feed.stored == 1  # the entry's own text, since its page was refused
        assert not page.ok and "refused" in (page.error or "")
        assert desk.storage.latest_articles()[0].article.title == "Rates hold"


def test_a_source_without_allow_private_is_refused(desk: Any) -> None:
    site = Site()
    with serve(site) as url:
        site.routes["/feed.xml"] = (200, rss([]), XML)
        add_source(desk, SourceRequest(f"{url}/feed.xml", kind="feed"))
        outcome = Daemon(desk).run_once().outcomes[0]
        assert not outcome.ok and "refused" in (outcome.error or "")
        assert site.paths == []


def test_html_where_a_feed_was_expected_fails_the_source_and_backs_it_off(desk: Any) -> None:
    site = Site()
    with serve(site) as url:
        site.routes["/feed.xml"] = (200, article_html("Home", "Welcome."), HTML)
        source, _ = add_source(
            desk, SourceRequest(f"{url}/feed.xml", kind="feed", every="10m", allow_private=True)
        )
        report = Daemon(desk).run_once()
        assert not report.ok
        stored = desk.storage.get_source(source.id)
        assert stored.failures == 1 and "HTML" in (stored.last_error or "")
        assert stored.state == "failing"
        wait = (stored.next_poll - stored.last_fetch).total_seconds()
        assert 0.75 * 600 <= wait <= 1.25 * 600  # the interval, with jitter
        Daemon(desk).run_once()
        again = desk.storage.get_source(source.id)
        assert again.failures == 2
        assert (again.next_poll - again.last_fetch).total_seconds() >= 0.75 * 1200


def test_run_once_exit_code_and_json_log(tmp_path: Path) -> None:
    site = Site()
    db = str(tmp_path / "cli.db")
    services = Services(fetcher=strict_fetcher)
    with serve(site) as url:
        site.routes["/a.html"] = (200, article_html("Oil climbs", "Crude oil rose."), HTML)
        site.routes["/feed.xml"] = (200, rss([("a", "Oil climbs", f"{url}/a.html")]), XML)
        out, err = io.StringIO(), io.StringIO()
        con = Console(out, err)
        add = ["sources", "add", f"{url}/feed.xml", "--allow-private", "--db", db]
        assert main(add, services=services, console=con) == 0  # kind auto: fetched, a feed
        assert "feed" in out.getvalue()
        assert (
            main(
                ["run", "--once", "--log-format", "json", "--db", db],
                services=services,
                console=con,
            )
            == 0
        )
        lines = [json.loads(x) for x in err.getvalue().splitlines() if x.startswith("{")]
        assert {"fetch", "poll"} <= {e["event"] for e in lines}
        out.truncate(0)
        assert main(["sources", "list", "--json", "--db", db], console=con) == 0
        listed = [json.loads(x) for x in out.getvalue().strip("\x00").splitlines() if x]
        assert len(listed) == 1
        assert set(listed[0]) >= {
            "id",
            "url",
            "kind",
            "state",
            "last_fetch",
            "last_error",
            "failures",
            "next_poll",
        }
        site.routes["/feed.xml"] = (500, b"oops", {})
        assert main(["run", "--once", "--db", db], services=services, console=con) == 1
        out.truncate(0)
        out.seek(0)
        assert main(["stories", "--json", "--db", db], console=con) == 0
        story = json.loads(out.getvalue().splitlines()[0])
        assert story["title"] == "Oil climbs"
        assert story["copies"][0]["source"] == f"{url}/a.html"
        out.truncate(0)
        out.seek(0)
        assert main(["status", "--json", "--db", db], console=con) == 0
        status = json.loads(out.getvalue())
        assert status["articles"] == 1 and status["sources"] == 1
        assert status["health"][0]["failures"] == 1


def test_sources_commands(tmp_path: Path) -> None:
    db = str(tmp_path / "s.db")
    folder = tmp_path / "pages"
    folder.mkdir()
    out, err = io.StringIO(), io.StringIO()
    con = Console(out, err)
    assert main(["sources", "add", str(folder), "--tag", "local", "--db", db], console=con) == 0
    assert main(["sources", "add", str(folder), "--db", db], console=con) == 0
    assert "already source 1" in err.getvalue()
    assert main(["sources", "pause", "1", "--db", db], console=con) == 0
    assert main(["sources", "list", "--db", db], console=con) == 0
    assert "paused" in out.getvalue()
    assert main(["sources", "resume", "1", "--db", db], console=con) == 0
    assert main(["sources", "remove", "1", "--db", db], console=con) == 0
    assert main(["sources", "remove", "1", "--db", db], console=con) == 1
    assert "no source 1" in err.getvalue()
    assert main(["sources", "add", "ftp://x/feed", "--db", db], console=con) == 1
    assert main(["sources", "add", str(tmp_path / "nowhere"), "--db", db], console=con) == 1


def test_a_folder_source_reads_new_files_once(desk: Any, tmp_path: Path) -> None:
    folder = tmp_path / "dump"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.html").write_bytes(article_html("Oil climbs", "Crude oil rose."))
    (folder / "sub" / "b.html").write_bytes(article_html("Yen slips", "The yen fell."))
    add_source(desk, SourceRequest(str(folder)))
    first = Daemon(desk).run_once().outcomes[0]
    assert (first.stored, first.failed) == (2, 0)
    (folder / "c.html").write_bytes(article_html("Gold steady", "Gold held."))
    second = Daemon(desk).run_once().outcomes[0]
    assert (second.stored, second.already) == (1, 2)


def test_a_bulk_ingest_that_stopped_resumes_after_its_last_stored_page(
    desk: Any, tmp_path: Path
) -> None:
    folder = tmp_path / "bulk"
    folder.mkdir()
    for i, name in enumerate(["a", "b", "c", "d"]):
        (folder / f"{name}.html").write_bytes(article_html(f"Story {name}", f"Item {i} moved."))
    run = ingest(desk, [str(folder)])
    done = [next(run), next(run)]  # then the process "dies": the generator is dropped
    del run
    assert all(o.result and o.result.document_created for o in done)
    resumed: list[tuple[str, str]] = []
    rest = list(ingest(desk, [str(folder)], on_resume=lambda a, b: resumed.append((a, b))))
    assert len(rest) == 2 and resumed and "b.html" in resumed[0][1]
    assert desk.storage.counts().documents == 4
    assert desk.storage.get_checkpoint(f"ingest:{folder.resolve()}") is None


def test_kill_9_in_the_middle_of_a_bulk_ingest_loses_and_doubles_nothing(tmp_path: Path) -> None:
    import os
    import signal
    import subprocess
    import sys

    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(60):
        (folder / f"p{i:03d}.html").write_bytes(article_html(f"Story {i}", f"Item {i} moved."))
    db = str(tmp_path / "kill.db")
    cmd = [sys.executable, "-m", "marketdesk", "ingest", str(folder), "--db", db]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None
    for _ in range(5):  # a few pages stored, then kill -9 in the middle of the run
        proc.stdout.readline()
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    again = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stderr
    assert "resuming" in again.stderr
    from marketdesk.store import open_storage

    store = open_storage(db)
    try:
        counts = store.counts()
        assert (counts.documents, counts.articles, counts.stories) == (60, 60, 60)
    finally:
        store.close()


def _processes_with(marker: str) -> list[int]:
    """Processes whose environment holds the marker: a run's parent and every worker below it."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if marker.encode() in (entry / "environ").read_bytes():
                    found.append(int(entry.name))
            except OSError:  # gone meanwhile, or not ours to read
                continue
    return found


def _all_gone(marker: str, seconds: float = 20) -> bool:
    import time

    deadline = time.monotonic() + seconds
    while _processes_with(marker) and time.monotonic() < deadline:
        time.sleep(0.1)
    return _processes_with(marker) == []


def test_kill_9_of_an_ingest_with_workers_loses_doubles_and_leaves_nothing(
    tmp_path: Path,
) -> None:
    import os
    import signal
    import subprocess
    import sys
    import uuid

    if not Path("/proc/self/environ").exists():
        pytest.skip("needs /proc to find the worker processes")
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(
        400
    ):  # enough that the run is still going when it is killed, even on a loaded machine
        (folder / f"p{i:03d}.html").write_bytes(article_html(f"Story {i}", f"Item {i} moved."))
    db = str(tmp_path / "kill.db")
    marker = uuid.uuid4().hex  # in the environment of the run and of every worker
    env = {**os.environ, "MARKETDESK_TEST_RUN": marker}
    cmd = [sys.executable, "-m", "marketdesk", "ingest", str(folder), "--db", db, "--workers", "2"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    assert proc.stdout is not None
    for _ in range(5):  # a few pages stored, then kill -9 in the middle of the run
        proc.stdout.readline()
    assert len(_processes_with(marker)) >= 3  # the run and its two workers, at least
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert _all_gone(marker)  # no worker left behind, waiting forever
    again = subprocess.run(cmd, capture_output=True, text=True, timeout=120, env=env)
    assert again.returncode == 0, again.stderr
    assert "resuming" in again.stderr and "Traceback" not in again.stderr
    from marketdesk.store import open_storage

    store = open_storage(db)
    try:
        counts = store.counts()
        assert (counts.documents, counts.articles, counts.stories) == (400, 400, 400)
    finally:
        store.close()


def test_ctrl_c_of_an_ingest_with_workers_stops_it_cleanly(tmp_path: Path) -> None:
    import os
    import signal
    import subprocess
    import sys
    import uuid

    if not Path("/proc/self/environ").exists():
        pytest.skip("needs /proc to find the worker processes")
    folder = tmp_path / "many"
    folder.mkdir()
    # Far more pages than a loaded machine stores between the fifth line and the signal.
    for i in range(1500):
        (folder / f"p{i:04d}.html").write_bytes(article_html(f"Story {i}", f"Item {i} moved."))
    marker = uuid.uuid4().hex
    env = {**os.environ, "MARKETDESK_TEST_RUN": marker}
    db = str(tmp_path / "c.db")
    proc = subprocess.Popen(
        [sys.executable, "-m", "marketdesk", "ingest", str(folder), "--db", db, "--workers", "2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        start_new_session=True,  # its own process group, as a terminal's Ctrl-C reaches
        # As from a terminal: a test run started in the background by a shell (`make test &`)
        # ignores SIGINT, and a child would inherit that and never hear the Ctrl-C.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    assert proc.stdout is not None and proc.stderr is not None
    for _ in range(5):
        proc.stdout.readline()
    os.killpg(proc.pid, signal.SIGINT)  # the parent and its workers alike
    err = proc.communicate(timeout=60)[1].decode()
    assert proc.returncode == 130 and "interrupted" in err and "Traceback" not in err
    assert _all_gone(marker)
