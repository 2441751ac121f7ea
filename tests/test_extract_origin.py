"""The article's origin: another publisher than the page's own, named by a credit, or null.

Texts here are written for the project (no real page is copied)."""

from __future__ import annotations

import pytest

from marketdesk.extract import extract
from marketdesk.extract.credits import is_organisation, same_organisation
from marketdesk.model import RawDocument

PARAGRAPHS = [
    "The regional water board said on Tuesday that reservoir levels had fallen to their lowest "
    "point in a decade after the driest spring since records began in the valley.",
    "Officials asked households to cut their use by a fifth over the summer and said a ban on "
    "garden hoses would follow if the levels kept falling through the next month.",
    "Farmers, who draw most of the water in the region, said they had already left some fields "
    "unplanted and warned that vegetable prices would rise before the harvest.",
    "The board said new pipelines linking the valley to two larger reservoirs in the hills "
    "would not be ready before the end of next year at the earliest.",
]


def origin_of(lines: list[str], *, html_site: str | None = None) -> str | None:
    if html_site is None:
        text = "\n".join(["Home", "News", "Reservoirs at a ten-year low", *lines])
        raw = RawDocument(source="t.txt", content=text.encode())
        return extract(raw, "text").article.origin
    body = "".join(f"<p>{line}</p>" for line in lines)
    html = (
        f'<html><head><meta property="og:site_name" content="{html_site}">'
        "<title>Reservoirs at a ten-year low</title></head><body><nav><a href='/'>Home</a>"
        f"</nav><article><h1>Reservoirs at a ten-year low</h1>{body}</article></body></html>"
    )
    return extract(RawDocument(source="p.html", content=html.encode()), "html").article.origin


@pytest.mark.parametrize(
    "name",
    [
        "2020",
        "Copyright 2016",
        "Policy",
        "Printers",
        "All rights reserved",
        "BBC. The BBC is not responsible for the content of external sites",
        "Getty Images",
        "Foto",
        "www",
        "",
    ],
)
def test_names_that_are_no_organisation(name: str) -> None:
    assert not is_organisation(name)


@pytest.mark.parametrize(
    "name", ["South China Morning Post", "Associated Press", "dpa", "Harbour Gazette", "ISBnews"]
)
def test_organisation_names(name: str) -> None:
    assert is_organisation(name)


def test_same_organisation() -> None:
    assert same_organisation("Reuters", "Thomson Reuters")
    assert same_organisation("Associated Press", None, "apnews.example")
    assert same_organisation("Harbour Gazette", None, "harbourgazette.example")
    assert same_organisation("AP", "The Associated Press")
    assert not same_organisation("Associated Press", "Harbour Daily", "harbourdaily.example")


def test_a_credit_names_the_origin() -> None:
    credit = "This article originally appeared in the Harbour Gazette."
    assert origin_of([*PARAGRAPHS, credit]) == "Harbour Gazette"


def test_the_page_own_copyright_holder_is_no_origin() -> None:
    notice = "Copyright 2026 Harbour Media Group. All rights reserved."
    assert origin_of([*PARAGRAPHS, notice], html_site="Harbour Daily") is None


def test_a_wire_copyright_on_another_site_is_the_origin() -> None:
    notice = "Copyright 2026 The Associated Press. All rights reserved."
    assert origin_of([*PARAGRAPHS, notice], html_site="Harbour Daily") == "Associated Press"
    # On the agency's own site it is the page's own notice.
    assert origin_of([*PARAGRAPHS, notice], html_site="The Associated Press") is None


def test_a_wire_copyright_of_the_site_parent_is_no_origin() -> None:
    # A paper owned by a news agency carries the agency's copyright on its own stories; its
    # footer links to the agency's 'About' page, which says whose site it is.
    notice = "Copyright 2026 Dow Jones & Company, Inc. All Rights Reserved"
    body = "".join(f"<p>{p}</p>" for p in [*PARAGRAPHS, notice])
    footer = "<footer><ul><li><a href='/about'>About Dow Jones</a></li>" + "".join(
        f"<li><a href='/{w}'>{w.title()}</a></li>" for w in ("contact", "privacy", "careers")
    )
    html = (
        '<html><head><meta property="og:site_name" content="The Harbour Ledger">'
        "<title>Reservoirs at a ten-year low</title></head><body><article>"
        f"<h1>Reservoirs at a ten-year low</h1>{body}</article>{footer}</ul></footer></body></html>"
    )
    page = extract(RawDocument(source="p.html", content=html.encode()), "html")
    assert page.article.origin is None
    # Without that link, the agency's copyright on another paper's page is the origin.
    plain = html.replace("About Dow Jones", "About us")
    assert extract(RawDocument(source="p.html", content=plain.encode()), "html").article.origin == (
        "Dow Jones"
    )


def test_a_credit_naming_the_site_itself_is_no_origin() -> None:
    credit = "This article originally appeared in the Harbour Gazette."
    assert origin_of([*PARAGRAPHS, credit], html_site="Harbour Gazette") is None


def test_a_source_line_credits_the_story_only_at_its_end() -> None:
    assert origin_of([*PARAGRAPHS, "Source: Meridian News Service"]) == "Meridian News Service"
    inside = [*PARAGRAPHS[:2], "Source: Northfield Picture Desk", *PARAGRAPHS[2:]]
    assert origin_of(inside) is None
    several = [*PARAGRAPHS, "Source: Meridian News Service", "Source: Northfield Picture Desk"]
    assert origin_of(several) is None


def test_a_wire_dateline_on_another_site() -> None:
    first = "HARBOUR CITY (Reuters) - " + PARAGRAPHS[0]
    assert origin_of([first, *PARAGRAPHS[1:]], html_site="Harbour Daily") == "Reuters"
    assert origin_of([first, *PARAGRAPHS[1:]], html_site="Reuters") is None


def test_structured_data_names_a_partner() -> None:
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    html = (
        '<html><head><meta property="og:site_name" content="Portal Now">'
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Reservoirs",'
        ' "provider": {"@type": "Organization", "name": "Northwind Broadcasting"}}</script>'
        f"</head><body><article><h1>Reservoirs</h1>{body}</article></body></html>"
    )
    page = extract(RawDocument(source="p.html", content=html.encode()), "html")
    assert page.article.origin == "Northwind Broadcasting"


@pytest.mark.parametrize(
    "name",
    [
        "Privacy Notice",
        "Terms and Conditions",
        "Disclaimer",
        "Reprints and Permissions",
        "Cookie Settings",
        "Advertising Standards",
        "Harbour Daily 2019",
    ],
)
def test_furniture_wording_is_no_organisation(name: str) -> None:
    assert not is_organisation(name)


def test_a_credit_naming_the_page_own_copyright_holder_is_no_origin() -> None:
    # A text dump says nothing of its site; its copyright line says whose the page is.
    lines = [
        *PARAGRAPHS,
        "Source: Harbour Media Group",
        "Copyright 2026 Harbour Media Group. All rights reserved.",
    ]
    assert origin_of(lines) is None
    credited = [
        *PARAGRAPHS,
        "This article originally appeared in the Harbour Gazette.",
        "Copyright 2026 Harbour Media Group. All rights reserved.",
    ]
    assert origin_of(credited) == "Harbour Gazette"


@pytest.mark.parametrize("word", ["Printers", "Company", "Survey", "Estimates"])
def test_a_one_word_source_line_credits_no_publisher(word: str) -> None:
    assert origin_of([*PARAGRAPHS, f"Source: {word}"]) is None
    assert origin_of([*PARAGRAPHS, f"Source: {word}"], html_site="Harbour Daily") is None


@pytest.mark.parametrize(
    ("line", "origin"), [("Source: Reuters", "Reuters"), ("Source: NHK", "NHK")]
)
def test_a_one_word_source_line_naming_an_agency_or_initialism(line: str, origin: str) -> None:
    assert origin_of([*PARAGRAPHS, line], html_site="Harbour Daily") == origin


def test_a_disclaimer_or_a_year_is_no_origin() -> None:
    disclaimer = (
        "Disclaimer: This article is provided by the Harbour Daily newsroom for information only."
    )
    assert origin_of([*PARAGRAPHS, disclaimer], html_site="Harbour Daily") is None
    assert origin_of([*PARAGRAPHS, "Source: 2026"]) is None
