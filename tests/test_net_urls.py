"""URLs: only absolute http and https URLs are fetched, anything else is a clear error; how a URL
with credentials is shown (redact) and kept (without_userinfo), and where they may follow."""

from __future__ import annotations

import httpx
import pytest

from marketdesk.errors import BlockedURLError, FetchError
from marketdesk.net.urls import credentials_may_follow, redact, redact_text, without_userinfo
from net_support import Site, make


@pytest.mark.parametrize("url", ["ftp://news.example/", "file:///etc/passwd", "javascript:x()"])
def test_other_schemes_are_refused(url: str) -> None:
    with pytest.raises(BlockedURLError, match="only http and https"):
        make(Site()).fetch(url)


@pytest.mark.parametrize("url", ["", "news.example/story", "http:///story", "http://a b.example/"])
def test_bad_urls_are_reported(url: str) -> None:
    with pytest.raises(FetchError, match=r"^not a valid URL: ") as info:
        make(Site()).fetch(url)
    assert not isinstance(info.value, BlockedURLError)


# --- credentials: how a URL is shown, what is kept ---------------------------------------------


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://user:secret@news.example/a?b=c#d", "https://user:***@news.example/a?b=c#d"),
        ("https://token@news.example/", "https://***@news.example/"),  # a lone name is a token
        ("https://:secret@news.example/", "https://:***@news.example/"),
        ("https://user:p@ss@news.example/", "https://user:***@news.example/"),  # the last @ ends it
        ("https://@news.example/", "https://news.example/"),
        ("https://news.example/@user/post", "https://news.example/@user/post"),  # a path's @ stays
        ("https://news.example/?mail=a@b.example", "https://news.example/?mail=a@b.example"),
        ("ftp://user:secret@files.example/", "ftp://user:***@files.example/"),
        ("not a url", "not a url"),
    ],
)
def test_redact(url: str, shown: str) -> None:
    assert redact(url) == shown


def test_redact_takes_parsed_urls() -> None:
    assert redact(httpx.URL("https://us%40er:p%3Ass@news.example:8443/x")) == (
        "https://us%40er:***@news.example:8443/x"
    )


def test_redact_text_masks_up_to_the_last_at_of_a_string_that_is_no_url() -> None:
    assert redact_text("http://user:pa/ss@news.example/") == "http://***@news.example/"
    assert redact_text("http://a b.example/") == "http://a b.example/"
    assert redact_text("news.example/story") == "news.example/story"


def test_without_userinfo() -> None:
    url = httpx.URL("https://user:secret@news.example:8443/a?b=c")
    assert str(without_userinfo(url)) == "https://news.example:8443/a?b=c"
    plain = httpx.URL("https://news.example/")
    assert without_userinfo(plain) is plain


@pytest.mark.parametrize(
    ("source", "target", "follow"),
    [
        ("https://news.example/a", "https://news.example/b", True),
        ("https://news.example/a", "https://news.example:443/b", True),
        ("http://news.example/a", "https://news.example/a", True),  # the upgrade httpx allows
        ("https://news.example/a", "http://news.example/a", False),  # a downgrade
        ("https://news.example/a", "https://news.example:8443/a", False),
        ("http://news.example:8080/a", "https://news.example/a", False),
        ("https://news.example/a", "https://www.news.example/a", False),
        ("https://news.example/a", "https://cdn.example/a", False),
    ],
)
def test_credentials_may_follow(source: str, target: str, follow: bool) -> None:
    assert credentials_may_follow(httpx.URL(source), httpx.URL(target)) is follow
