"""URLs: only absolute http and https URLs are fetched; anything else is a clear error."""

from __future__ import annotations

import pytest

from marketdesk.errors import BlockedURLError, FetchError
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
