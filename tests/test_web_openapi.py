"""``/openapi.json``: it names every JSON route of the app, it is a valid OpenAPI 3.1 document,
and the app keeps to it: schemathesis calls each GET operation in process over a small seeded
desk (stories with annotations, quotes, a source) and checks each answer against the schema
(never a 500; status, content type, headers and body as described)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance
from starlette.applications import Starlette
from starlette.routing import Route

from marketdesk.app import auth
from marketdesk.markets.providers import SeriesRequest
from marketdesk.markets.providers.bundled import BundledProvider
from marketdesk.markets.registry import Registry
from marketdesk.model import SourceKind, SourceSpec
from marketdesk.store import open_storage
from marketdesk.web.app import create_app
from marketdesk.web.openapi import openapi_document, undocumented
from support import make_desk
from web_client import Browser
from web_pages_support import add_story, entity, get

NOW = datetime(2024, 7, 8, 12, tzinfo=UTC)
AT = datetime(2024, 6, 20, 15, tzinfo=UTC)
PASSWORD = "correct horse battery staple"


def _seed(db: str) -> None:
    reg = Registry.bundled()
    store = open_storage(db)
    bundled = BundledProvider()
    for key in ("sp500", "usdcad"):
        store.add_quotes(
            bundled.fetch(reg.instrument(key), SeriesRequest(date(2024, 1, 1), date(2024, 7, 5)))
        )
    japan = entity(0, "Japan", "place", "place:jp")
    minister = entity(1, "Ada Marlow", "person", None, ("finance minister",))
    for n in range(25):  # more than a page
        add_story(
            store, f"https://wire.example/{n}", f"Copper and tin note {n}",
            AT - timedelta(days=n), (japan, minister), publisher="Wire Example",
            topics=("trade",), instruments=("sp500",),
        )  # fmt: skip
    store.add_source(SourceSpec("https://feeds.example/rss", SourceKind("feed"), 900), NOW)
    store.close()


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Starlette]:
    db = str(tmp_path_factory.mktemp("openapi") / "desk.db")
    _seed(db)
    desk = make_desk(db, edition="us", now=NOW)
    yield create_app(desk)
    desk.close()


def _json_routes(app: Starlette) -> list[str]:
    return [r.path for r in app.routes if isinstance(r, Route) and "{fmt:fmt}" in r.path]


def test_every_route_is_described(app: Starlette) -> None:
    assert undocumented(app.routes) == []
    answer = get(app, "/openapi.json")
    # Cached like every GET answer, and no CORS: another site's script cannot read it.
    assert answer.headers["etag"] and answer.headers["cache-control"]
    assert "access-control-allow-origin" not in answer.headers
    doc = answer.json()
    assert doc["openapi"] == "3.1.0"
    paths = doc["paths"]
    for route in _json_routes(app):
        twin = route.replace("{fmt:fmt}", ".json")
        for name in ("id", "code", "key", "action"):
            twin = twin.replace(f"{{{name}:int}}", f"{{{name}}}")
            twin = twin.replace(f"{{{name}:key}}", f"{{{name}}}")
        assert twin in paths, f"{route} has no {twin} in /openapi.json"
    assert paths["/search.json"]["get"]["responses"]["400"]
    assert paths["/signin.json"]["post"]["responses"]["429"]
    assert {p["name"] for p in paths["/.json"]["get"]["parameters"]} >= {"page", "topic"}


def test_a_route_without_an_operation_is_named() -> None:
    async def nothing(request: Any) -> Any:  # pragma: no cover - never called
        raise AssertionError

    routes = [Route("/stories/{id:int}{fmt:fmt}", nothing), Route("/brand-new{fmt:fmt}", nothing)]
    assert undocumented(routes) == ["GET /brand-new{fmt:fmt}"]
    doc = openapi_document(routes, ["us"], "0")
    assert list(doc["paths"]) == ["/stories/{id}.json"]


@pytest.fixture(scope="module")
def api(app: Starlette) -> Any:
    return schemathesis.openapi.from_asgi("/openapi.json", app)


# The GET operations schemathesis calls (the live stream never ends, so it has a test of its
# own in test_web_live.py); the first test below fails when the document has one more.
GET_PATHS = (
    "/.json",
    "/editions/{code}.json",
    "/stories/{id}.json",
    "/instruments/{key}.json",
    "/instruments/{key}/history.csv",
    "/entities/{key}.json",
    "/search.json",
    "/sources.json",
    "/signin.json",
    "/openapi.json",
)


def test_every_get_operation_is_called(api: Any) -> None:
    described = {p for p, item in api.raw_schema["paths"].items() if "get" in item}
    assert described - {"/editions/{code}/live"} == set(GET_PATHS)


@pytest.mark.parametrize("path", GET_PATHS)
def test_the_app_keeps_to_its_description(api: Any, path: str) -> None:
    # Parametrized by hand: schemathesis.pytest.from_fixture does not run under pytest 9.2.
    @given(case=api[path]["GET"].as_strategy())
    @settings(
        max_examples=25,
        deadline=None,
        derandomize=True,  # the same cases on every run: a failure here is not luck
        suppress_health_check=list(HealthCheck),
    )
    def check(case: Any) -> None:
        # A well-formed filter or range can still name nothing (a country no story has, a
        # topic not in the taxonomy): a documented 400 with a message, not a rejected request.
        case.call_and_validate(excluded_checks=[positive_data_acceptance])

    check()


@pytest.mark.parametrize("path", GET_PATHS)
def test_input_outside_the_description_is_refused(api: Any, path: str) -> None:
    if not api.raw_schema["paths"][path]["get"].get("parameters"):
        pytest.skip(f"{path} takes no parameters: there is nothing to get wrong")

    # Negative cases (a page of 0, a word for a number, an unknown edition or range): a 4xx
    # with its message as the document says, never a 500 nor a 200 that pretends.
    @given(case=api[path]["GET"].as_strategy(GenerationMode.NEGATIVE))
    @settings(
        max_examples=15,
        deadline=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    def check(case: Any) -> None:
        case.call_and_validate()

    check()


def test_an_odd_story_id_is_a_404_not_a_500(app: Starlette) -> None:
    for odd in (str(2**63), "9" * 40):
        r = get(app, f"/stories/{odd}.json")
        assert r.status_code == 404 and "error" in r.json()


def test_the_forms_answer_as_described(api: Any, tmp_path: Path) -> None:
    # The POST operations, by hand: each needs the cookies and CSRF token of the call before.
    db = str(tmp_path / "forms.db")
    desk = make_desk(db, edition="us", now=NOW)
    auth.create_user(desk, "ada", PASSWORD)
    app = create_app(desk)
    app.state.signin_delay = 0.0
    b = Browser(app)

    def post(path: str, status: int, **data: str) -> dict[str, Any]:
        r = b.post(path, data=data)
        assert r.status_code == status, r.text
        api[_template(path)]["POST"].validate_response(r)
        body: dict[str, Any] = r.json()
        return body

    try:
        assert "error" in post("/signin.json", 403, username="ada", password=PASSWORD)
        form = b.get("/signin.json")
        api["/signin.json"]["GET"].validate_response(form)
        token = form.json()["csrf"]
        assert post("/signin.json", 401, username="ada", password="wrong", csrf=token)["error"]
        assert "error" in post("/sources.json", 401, location=str(tmp_path))
        signed = post("/signin.json", 200, username="ada", password=PASSWORD, csrf=token)
        csrf = signed["csrf"]
        added = post("/sources.json", 201, location=str(tmp_path), csrf=csrf)
        source = added["source"]["id"]
        assert post(f"/sources/{source}/pause.json", 200, csrf=csrf)["done"] == "paused"
        assert "error" in post(f"/sources/{source + 1000}/pause.json", 404, csrf=csrf)
        assert "error" in post(f"/sources/{source}/remove.json", 403, csrf="forged")
        assert post("/signout.json", 200, csrf=csrf) == {"signed_in": False}
    finally:
        b.close()
        desk.close()


def _template(path: str) -> str:
    """The document's path of a concrete one: /sources/3/pause.json is
    /sources/{id}/{action}.json."""
    parts = path.split("/")
    if len(parts) == 4 and parts[1] == "sources":
        return "/sources/{id}/{action}.json"
    return path
