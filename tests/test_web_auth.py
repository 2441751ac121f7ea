"""Sign-in on the web desk, in process: the form, the session cookie, CSRF on every POST,
failures that are slowed and say nothing of which part was wrong, attempt limits, sign-out."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from marketdesk.app import auth
from marketdesk.app.desk import Desk, Services
from marketdesk.config import Settings
from marketdesk.web.app import create_app
from support import quick_fetcher
from web_client import Browser, hidden, set_cookies, sign_in

AT = datetime(2026, 3, 2, 20, 18, tzinfo=UTC)
PASSWORD = "correct horse battery"


class Clock:
    """A clock the test moves on."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


@pytest.fixture
def clock() -> Clock:
    return Clock(AT)


@pytest.fixture
def desk(db_path: str, clock: Clock) -> Iterator[Desk]:
    d = Desk(Settings(db=db_path), services=Services(clock=clock, fetcher=quick_fetcher))
    auth.create_user(d, "Ada", PASSWORD)
    yield d
    d.close()


@pytest.fixture
def browser(desk: Desk) -> Callable[..., Browser]:
    made: list[Browser] = []

    def make(
        base_url: str = "http://desk",
        *,
        delay: float = 0.0,
        throttle: auth.Throttle | None = None,
    ) -> Browser:
        app = create_app(desk)
        app.state.signin_delay = delay
        if throttle is not None:
            app.state.throttle = throttle
        b = Browser(app, base_url)
        made.append(b)
        return b

    yield make  # type: ignore[misc]
    for b in made:
        b.close()


def test_the_form_sets_a_strict_double_submit_cookie(browser: Callable[..., Browser]) -> None:
    b = browser()
    page = b.get("/signin")
    assert page.status_code == 200
    assert 'name="password" type="password"' in page.text
    cookie = set_cookies(page)["marketdesk_signin"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/" in cookie
    assert "Secure" not in cookie
    assert hidden(page.text) == b.client.cookies["marketdesk_signin"]
    assert page.headers["cache-control"] == "private, no-store"
    again = b.get("/signin")  # the browser's valid cookie is kept, not replaced
    assert "set-cookie" not in again.headers and hidden(again.text) == hidden(page.text)


def test_good_sign_in_sets_the_session_cookie_and_goes_on(
    browser: Callable[..., Browser],
) -> None:
    b = browser()
    done = sign_in(b, "ada", PASSWORD)
    assert done.status_code == 303 and done.headers["location"] == "/sources"
    cookie = set_cookies(done)["marketdesk_session"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie
    assert f"Max-Age={int(auth.SESSION_TTL.total_seconds())}" in cookie
    assert "Secure" not in cookie  # plain http
    page = b.get("/sources")
    assert "Signed in as <strong>ada</strong>" in page.text
    assert page.headers["cache-control"] == "private, no-store"
    state = b.get("/signin.json").json()
    assert state["signed_in"] is True and state["user"] == "ada"
    assert state["expires"] == (AT + auth.SESSION_TTL).isoformat()


def test_the_username_is_matched_in_any_case(browser: Callable[..., Browser]) -> None:
    assert sign_in(browser(), "  ADA ", PASSWORD).status_code == 303


def test_cookies_are_secure_over_https(browser: Callable[..., Browser]) -> None:
    b = browser("https://desk")
    assert "Secure" in set_cookies(b.get("/signin"))["marketdesk_signin"]
    done = sign_in(b, "ada", PASSWORD)
    assert "Secure" in set_cookies(done)["marketdesk_session"]
    assert b.get("/sources.json").json()["signed_in"] is True


def test_secure_cookies_setting_marks_them_secure_over_http(db_path: str) -> None:
    settings = Settings(db=db_path, secure_cookies=True)
    with Desk(settings, services=Services(fetcher=quick_fetcher)) as d:
        auth.create_user(d, "ada", PASSWORD)
        b = Browser(create_app(d))
        try:
            form = b.get("/signin")
            assert "Secure" in set_cookies(form)["marketdesk_signin"]
            # httpx keeps no Secure cookie over http; a browser told so by the proxy would
            b.client.cookies.set("marketdesk_signin", hidden(form.text))
            done = b.post(
                "/signin",
                data={"username": "ada", "password": PASSWORD, "csrf": hidden(form.text)},
            )
            assert "Secure" in set_cookies(done)["marketdesk_session"]
        finally:
            b.close()


@pytest.mark.parametrize("username", ["ada", "nobody", "x" * 300, ""])
def test_a_failure_is_slowed_and_never_says_which_part_was_wrong(
    browser: Callable[..., Browser], username: str
) -> None:
    b = browser(delay=auth.FAILED_SIGNIN_DELAY)
    started = time.monotonic()
    failed = sign_in(b, username, "not the password")
    elapsed = time.monotonic() - started
    assert failed.status_code == 401
    assert "wrong username or password" in failed.text
    assert "marketdesk_session" not in set_cookies(failed)
    assert elapsed >= auth.FAILED_SIGNIN_DELAY * 0.95
    as_json = b.post(
        "/signin.json",
        json={"username": username, "password": "nope", "csrf": hidden(failed.text)},
    )
    assert as_json.status_code == 401
    assert as_json.json()["error"] == "wrong username or password"


def test_the_wrong_password_form_keeps_the_username_escaped(
    browser: Callable[..., Browser],
) -> None:
    failed = sign_in(browser(), '<b x="1">', "nope nope")
    assert failed.status_code == 401
    assert "&lt;b x=&#34;1&#34;&gt;" in failed.text and '<b x="1">' not in failed.text


def test_attempts_are_limited_per_username_and_per_address(
    browser: Callable[..., Browser],
) -> None:
    default = auth.Throttle()
    assert (default.per_user, default.per_address, default.window_s) == (5, 20, 900)
    b = browser(throttle=auth.Throttle(per_user=3, per_address=5))
    for _ in range(3):
        assert sign_in(b, "ada", "wrong password").status_code == 401
    refused = sign_in(b, "ada", PASSWORD)  # even the right password, until the window passes
    assert refused.status_code == 429
    assert int(refused.headers["retry-after"]) > 0
    assert "too many failed sign-ins" in refused.text
    assert "marketdesk_session" not in set_cookies(refused)
    # Made-up names from one address: counted by the address too.
    for n in range(2):
        assert sign_in(b, f"guess{n}", "wrong password").status_code == 401
    assert sign_in(b, "guess-last", "wrong password").status_code == 429
    as_json = b.post("/signin.json", json={"username": "x", "password": "y", "csrf": "z"})
    assert as_json.status_code == 403  # the CSRF check comes first, and costs no hashing


def test_the_throttle_forgets_after_its_window() -> None:
    now = [0.0]
    t = auth.Throttle(per_user=2, per_address=3, window_s=60, monotonic=lambda: now[0])
    t.failed("ada", "a1")
    t.failed("ada", "a1")
    with pytest.raises(auth.TooManyAttemptsError) as refused:
        t.check("ada", "a2")
    assert 0 < refused.value.retry_after <= 61
    t.check("grace", "a2")  # another user from another address
    t.failed("grace", "a1")
    with pytest.raises(auth.TooManyAttemptsError):
        t.check("linus", "a1")  # the address's limit
    now[0] = 61.0
    t.check("ada", "a1")
    t.failed("ada", "a1")
    t.succeeded("ada")
    t.check("ada", "a1")


def test_the_throttle_remembers_a_bounded_number_of_keys() -> None:
    t = auth.Throttle(max_keys=100)
    for n in range(1000):
        t.failed(f"user{n}", None)
    assert len(t._failures) == 100


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: {},  # no token at all
        lambda token: {"csrf": "nope"},
        lambda token: {"csrf": token[:-1] + ("0" if token[-1] != "0" else "1")},
    ],
)
def test_sign_in_without_its_csrf_token_is_forbidden(
    browser: Callable[..., Browser], tamper: Callable[[str], dict[str, str]]
) -> None:
    b = browser()
    token = hidden(b.get("/signin").text)
    refused = b.post("/signin", data={"username": "ada", "password": PASSWORD, **tamper(token)})
    assert refused.status_code == 403
    assert "CSRF" in refused.text
    assert "marketdesk_session" not in set_cookies(refused)


def test_a_token_without_its_cookie_or_from_another_desk_is_forbidden(
    browser: Callable[..., Browser],
) -> None:
    ours, theirs = browser(), browser()
    token = hidden(theirs.get("/signin").text)  # signed with the other app's key
    ours.client.cookies.set("marketdesk_signin", token)
    forged = ours.post("/signin", data={"username": "ada", "password": PASSWORD, "csrf": token})
    assert forged.status_code == 403
    fresh = browser()
    own = hidden(ours.get("/signin").text)
    assert (
        fresh.post(  # a valid token, but this browser holds no cookie for it
            "/signin", data={"username": "ada", "password": PASSWORD, "csrf": own}
        ).status_code
        == 403
    )


def test_next_goes_back_within_the_desk_only(browser: Callable[..., Browser]) -> None:
    assert sign_in(browser(), "ada", PASSWORD, next="/search?q=oil").headers["location"] == (
        "/search?q=oil"
    )
    for away in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
        done = sign_in(browser(), "ada", PASSWORD, next=away)
        assert done.headers["location"] == "/sources", away


def test_sign_out_ends_the_session_for_good(browser: Callable[..., Browser]) -> None:
    b = browser()
    sign_in(b, "ada", PASSWORD)
    token = b.client.cookies["marketdesk_session"]
    page = b.get("/sources")
    missing = b.post("/signout", data={})
    assert missing.status_code == 403  # signed in, so its session's token is needed
    out = b.post("/signout", data={"csrf": hidden(page.text)})
    assert out.status_code == 303 and out.headers["location"] == "/signin"
    assert "Max-Age=0" in set_cookies(out)["marketdesk_session"]
    replay = browser()  # the old cookie, sent again, is no session
    replay.client.cookies.set("marketdesk_session", token)
    assert replay.get("/sources.json").json()["signed_in"] is False


def test_signing_in_again_replaces_the_session(browser: Callable[..., Browser]) -> None:
    b = browser()
    sign_in(b, "ada", PASSWORD)
    first = b.client.cookies["marketdesk_session"]
    sign_in(b, "ada", PASSWORD)
    second = b.client.cookies["marketdesk_session"]
    assert first != second
    for token, live in ((first, False), (second, True)):
        other = browser()
        other.client.cookies.set("marketdesk_session", token)
        assert other.get("/sources.json").json()["signed_in"] is live


def test_a_session_expires(browser: Callable[..., Browser], clock: Clock) -> None:
    b = browser()
    sign_in(b, "ada", PASSWORD)
    clock.at = AT + auth.SESSION_TTL - timedelta(seconds=1)
    assert b.get("/sources.json").json()["signed_in"] is True
    clock.at = AT + auth.SESSION_TTL
    assert b.get("/sources.json").json()["signed_in"] is False


def test_a_new_password_signs_every_browser_out(
    browser: Callable[..., Browser], desk: Desk
) -> None:
    b = browser()
    sign_in(b, "ada", PASSWORD)
    auth.change_password(desk, "ada", "a different secret")
    assert b.get("/sources.json").json()["signed_in"] is False
    assert sign_in(b, "ada", PASSWORD).status_code == 401
    assert sign_in(b, "ada", "a different secret").status_code == 303


def test_the_json_flow(browser: Callable[..., Browser], tmp_path: Path) -> None:
    b = browser()
    start = b.get("/signin.json").json()
    assert start == {"signed_in": False, "user": None, "expires": None, "csrf": start["csrf"]}
    done = b.post(
        "/signin.json", json={"username": "ada", "password": PASSWORD, "csrf": start["csrf"]}
    )
    assert done.status_code == 200 and done.json()["signed_in"] is True
    csrf = done.json()["csrf"]
    assert b.get("/sources.json").json()["csrf"] == csrf
    added = b.post(
        "/sources.json",
        data={"location": str(tmp_path)},
        headers={"X-CSRF-Token": csrf},
    )
    assert added.status_code == 201 and added.json()["source"]["kind"] == "folder"
    assert b.post("/signout.json", headers={"X-CSRF-Token": csrf}).json() == {"signed_in": False}


def test_a_stored_hash_with_old_parameters_is_rehashed_at_sign_in(
    browser: Callable[..., Browser], desk: Desk
) -> None:
    from argon2 import PasswordHasher

    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(PASSWORD)
    desk.storage.set_password("ada", weak, AT)
    assert sign_in(browser(), "ada", PASSWORD).status_code == 303
    user = desk.storage.get_user("ada")
    assert user is not None and user.password_hash != weak
    assert "m=65536" in user.password_hash


def test_bodies_that_are_too_large_or_not_forms_are_refused(
    browser: Callable[..., Browser],
) -> None:
    b = browser()
    b.get("/signin")
    big = b.post(
        "/signin",
        content=b"a=" + b"x" * 70_000,
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert big.status_code == 400 and "too large" in big.text
    odd = b.post("/signin.json", content=b"[1, 2]", headers={"content-type": "application/json"})
    assert odd.status_code == 400 and "JSON object" in odd.json()["error"]
