"""A browser-like test client of the desk in process: one event loop, cookies kept between
requests (Secure ones only over https, as a browser does), no sockets."""

from __future__ import annotations

import asyncio
import re
from typing import Any

import httpx


class Browser:
    def __init__(self, app: Any, base_url: str = "http://desk") -> None:
        self.loop = asyncio.new_event_loop()
        self.client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app, client=("203.0.113.7", 50000)),
            base_url=base_url,
        )

    def request(self, method: str, path: str, **kw: Any) -> httpx.Response:
        return self.loop.run_until_complete(self.client.request(method, path, **kw))

    def get(self, path: str, **kw: Any) -> httpx.Response:
        return self.request("GET", path, **kw)

    def post(self, path: str, **kw: Any) -> httpx.Response:
        return self.request("POST", path, **kw)

    def close(self) -> None:
        self.loop.run_until_complete(self.client.aclose())
        self.loop.close()


def hidden(html: str, name: str = "csrf") -> str:
    """The value of the first hidden field ``name`` of a page."""
    found = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert found, f"no hidden {name} field"
    return found.group(1)


def set_cookies(response: httpx.Response) -> dict[str, str]:
    """Each Set-Cookie header of a response by cookie name, as sent."""
    return {h.split("=", 1)[0]: h for h in response.headers.get_list("set-cookie")}


def sign_in(browser: Browser, username: str, password: str, **fields: str) -> httpx.Response:
    form = browser.get("/signin")
    data = {"username": username, "password": password, "csrf": hidden(form.text), **fields}
    return browser.post("/signin", data=data)
