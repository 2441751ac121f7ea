"""The sources page, in process: each source's state for anyone, and adding, pausing, resuming
and removing a source through the page for a signed-in account with the form's CSRF token."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from marketdesk.app import auth
from marketdesk.app import sources as app_sources
from marketdesk.app.desk import Desk
from marketdesk.model import PollRecord
from marketdesk.web.app import create_app
from support import make_desk
from web_client import Browser, hidden, sign_in

AT = datetime(2026, 3, 2, 20, 18, tzinfo=UTC)
PASSWORD = "correct horse battery"


@pytest.fixture
def desk(db_path: str) -> Iterator[Desk]:
    d = make_desk(db_path, now=AT)
    auth.create_user(d, "ada", PASSWORD)
    yield d
    d.close()


@pytest.fixture
def browser(desk: Desk) -> Iterator[Browser]:
    b = Browser(create_app(desk))
    yield b
    b.close()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    place = tmp_path / "pages"
    place.mkdir()
    return place


def signed_in(b: Browser) -> str:
    """Sign in; the page's CSRF token."""
    assert sign_in(b, "ada", PASSWORD).status_code == 303
    return hidden(b.get("/sources").text)


def test_the_page_shows_each_sources_state(desk: Desk, browser: Browser, folder: Path) -> None:
    feed, _ = app_sources.add_source(
        desk,
        app_sources.SourceRequest(
            "https://reader:s3cret@news.example/feed.xml", kind="feed", tags=("wire",)
        ),
    )
    local, _ = app_sources.add_source(desk, app_sources.SourceRequest(str(folder)))
    desk.storage.record_poll(
        feed.id,
        PollRecord(at=AT, next_poll=AT + timedelta(minutes=30), error="HTTP 503 from news.example"),
    )
    desk.storage.record_poll(
        feed.id,
        PollRecord(AT + timedelta(minutes=30), AT + timedelta(hours=1), error="timed out"),
    )
    app_sources.pause_source(desk, local.id, True)
    page = browser.get("/sources")
    assert page.status_code == 200
    assert "s3cret" not in page.text and "reader:***@news.example/feed.xml" in page.text
    assert "failing" in page.text and "2 failures in a row: timed out" in page.text
    assert "2026-03-02 20:48 UTC" in page.text  # the last fetch
    assert "2026-03-02 21:18 UTC" in page.text  # the next poll
    assert "paused" in page.text and str(folder) in page.text
    assert "Sign in</a> to add, pause or remove sources" in page.text
    assert "<form" not in page.text.split("<main>")[1]  # no forms without sign-in
    data = browser.get("/sources.json").json()
    assert data["signed_in"] is False and data["csrf"] is None
    first, second = data["sources"]
    assert first["url"] == "https://reader:***@news.example/feed.xml"
    assert first["state"] == "failing" and first["failures"] == 2
    assert first["last_error"] == "timed out" and first["tags"] == ["wire"]
    assert first["last_fetch"] == "2026-03-02T20:48:00+00:00"
    assert first["next_poll"] == "2026-03-02T21:18:00+00:00"
    assert second["state"] == "paused" and second["kind"] == "folder"


def test_the_page_without_sources(browser: Browser) -> None:
    assert "No sources yet." in browser.get("/sources").text
    assert browser.get("/sources.json").json()["sources"] == []


@pytest.mark.parametrize("path", ["/sources", "/sources/1/pause", "/sources/1/remove"])
def test_changes_need_sign_in(desk: Desk, browser: Browser, folder: Path, path: str) -> None:
    app_sources.add_source(desk, app_sources.SourceRequest(str(folder)))
    html = browser.post(path, data={"location": str(folder)})
    assert html.status_code == 303
    assert html.headers["location"] == "/signin?next=%2Fsources"
    as_json = browser.post(f"{path}.json", data={"location": str(folder)})
    assert as_json.status_code == 401 and "sign in first" in as_json.json()["error"]
    (only,) = desk.storage.sources()
    assert not only.paused


def test_add_pause_resume_and_remove_through_the_page(
    desk: Desk, browser: Browser, folder: Path
) -> None:
    csrf = signed_in(browser)
    added = browser.post(
        "/sources",
        data={
            "location": str(folder),
            "kind": "auto",
            "every": "2h",
            "tags": "local, test",
            "edition": "us",
            "csrf": csrf,
        },
    )
    assert added.status_code == 303
    (source,) = desk.storage.sources()
    assert added.headers["location"] == f"/sources?added={source.id}#source-{source.id}"
    assert source.spec.kind == "folder" and source.spec.every_s == 7200
    assert source.spec.tags == ("local", "test") and source.spec.edition == "us"
    page = browser.get(added.headers["location"])
    assert f"Added source {source.id}; it is due at once." in page.text
    assert f'action="/sources/{source.id}/pause"' in page.text
    again = browser.post("/sources", data={"location": str(folder), "csrf": csrf})
    assert again.headers["location"].startswith(f"/sources?exists={source.id}")

    paused = browser.post(f"/sources/{source.id}/pause", data={"csrf": csrf})
    assert paused.status_code == 303 and desk.storage.sources()[0].paused
    page = browser.get(paused.headers["location"])
    assert f"Paused source {source.id}." in page.text
    assert f'action="/sources/{source.id}/resume"' in page.text
    resumed = browser.post(f"/sources/{source.id}/resume", data={"csrf": csrf})
    assert resumed.status_code == 303 and not desk.storage.sources()[0].paused

    removed = browser.post(f"/sources/{source.id}/remove", data={"csrf": csrf})
    assert removed.status_code == 303
    assert removed.headers["location"] == f"/sources?removed={source.id}"
    assert desk.storage.sources() == []


def test_the_json_twins_of_the_forms(desk: Desk, browser: Browser, folder: Path) -> None:
    csrf = signed_in(browser)
    headers = {"X-CSRF-Token": csrf}
    made = browser.post(
        "/sources.json", json={"location": str(folder), "every": "10m"}, headers=headers
    )
    assert made.status_code == 201
    body = made.json()
    assert body["created"] is True and body["source"]["every_s"] == 600
    sid = body["source"]["id"]
    same = browser.post("/sources.json", json={"location": str(folder)}, headers=headers)
    assert same.status_code == 200 and same.json()["created"] is False
    paused = browser.post(f"/sources/{sid}/pause.json", headers=headers)
    assert paused.json()["source"]["state"] == "paused" and paused.json()["done"] == "paused"
    gone = browser.post(f"/sources/{sid}/remove.json", headers=headers)
    assert gone.json()["done"] == "removed"
    assert browser.get("/sources.json").json()["sources"] == []


@pytest.mark.parametrize("token", [None, "wrong"])
def test_a_form_without_its_csrf_token_is_forbidden(
    desk: Desk, browser: Browser, folder: Path, token: str | None
) -> None:
    signed_in(browser)
    source, _ = app_sources.add_source(desk, app_sources.SourceRequest(str(folder)))
    extra = {} if token is None else {"csrf": token}
    for path in ("/sources", f"/sources/{source.id}/pause", f"/sources/{source.id}/remove"):
        refused = browser.post(path, data={"location": str(folder / "x"), **extra})
        assert refused.status_code == 403, path
        assert "CSRF" in refused.text
        refused = browser.post(f"{path}.json", data=extra)
        assert refused.status_code == 403 and "CSRF" in refused.json()["error"]
    (still,) = desk.storage.sources()
    assert not still.paused


def test_the_sign_in_forms_token_is_not_enough_once_signed_in(
    desk: Desk, browser: Browser, folder: Path
) -> None:
    signed_in(browser)
    token = browser.client.cookies["marketdesk_signin"]
    refused = browser.post("/sources", data={"location": str(folder), "csrf": token})
    assert refused.status_code == 403 and desk.storage.sources() == []


def test_a_source_that_cannot_be_added_keeps_the_form(
    desk: Desk, browser: Browser, tmp_path: Path
) -> None:
    csrf = signed_in(browser)
    missing = str(tmp_path / "not-there")
    refused = browser.post(
        "/sources", data={"location": missing, "every": "2h", "tags": "<b>", "csrf": csrf}
    )
    assert refused.status_code == 400
    assert "no such file or folder" in refused.text
    assert f'value="{missing}"' in refused.text and 'value="&lt;b&gt;"' in refused.text
    for data, words in (
        ({"location": ""}, "give the source's URL or path"),
        ({"location": str(tmp_path), "every": "often"}, "often"),
        ({"location": str(tmp_path), "kind": "carrier-pigeon"}, "unknown source kind"),
        ({"location": "x" * 3000}, "too long"),
        ({"location": str(tmp_path), "edition": "zz"}, "zz"),
    ):
        answer = browser.post("/sources.json", data={**data, "csrf": csrf})
        assert answer.status_code == 400, data
        assert words in answer.json()["error"], data
    assert desk.storage.sources() == []


def test_unknown_sources_and_actions_are_404(browser: Browser) -> None:
    csrf = signed_in(browser)
    gone = browser.post("/sources/999/pause", data={"csrf": csrf})
    assert gone.status_code == 404 and "no source 999" in gone.text
    assert browser.post("/sources/999/explode.json", data={"csrf": csrf}).status_code == 404
    assert browser.get("/sources/999/pause").status_code == 405


def test_notices_read_only_ids(browser: Browser) -> None:
    page = browser.get("/sources?added=<script>")
    assert "Added source" not in page.text and "<script>" not in page.text
