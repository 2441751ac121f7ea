from __future__ import annotations

import time

import pytest

from marketdesk.app.shapes import JSON, page_json
from marketdesk.extract import extract
from marketdesk.model import RawDocument
from support import slowdown

PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Miners rally on copper | Example Markets</title>
<meta property="og:site_name" content="Example Markets">
<meta property="og:title" content="Miners rally as copper hits a record">
<link rel="canonical" href="https://markets.example/miners">
<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Miners rally as copper hits a record",
 "author": {"@type": "Person", "name": "Ana Lopez"}, "datePublished": "2024-05-20T14:00:00Z",
 "dateModified": "2024-05-21T09:30:00Z"}</script>
</head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/m">Markets</a></li></ul></nav>
<div class="ticker"><span>FTSE 100</span> <span>8,424.20</span> <span>+3.94 (+0.05%)</span></div>
<article><h1>Miners rally as copper hits a record</h1>
<p>Shares of the largest mining companies rose sharply on Monday after copper prices reached a record high on supply worries.</p>
<div class="ad-slot">Advertisement</div>
<p>Traders said a shortage of ore from several big mines and steady demand from power grids had pushed buyers to pay up for metal.</p>
<p>Analysts expect prices to stay volatile for the rest of the quarter as inventories remain thin across major warehouses.</p>
<p>Copyright 2024 Example Wire Services</p>
</article>
<footer><a href="/privacy">Privacy Policy</a></footer>
<script>alert(1)</script>
</body></html>"""


def test_html_article_and_metadata() -> None:
    page = page_json(extract(RawDocument(source="p.html", content=PAGE.encode())))
    assert page["kind"] == "html"
    assert page["title"] == "Miners rally as copper hits a record"
    assert page["authors"] == ["Ana Lopez"]
    assert page["published"] == "2024-05-20T14:00:00+00:00"
    assert page["modified"] == "2024-05-21T09:30:00+00:00"
    assert page["publisher"] == "Example Markets"
    assert page["url"] == "https://markets.example/miners"
    assert page["language"] == "en"
    assert len(page["paragraphs"]) == 3
    assert page["paragraphs"][0].startswith("Shares of the largest mining")
    assert "alert" not in page["text"]
    # A copyright holder other than the site is not a credit: sites hold the rights to what
    # they carry ('Hearst' on an AP story), so no origin without a syndication credit.
    assert page["origin"] is None
    kinds = {r["kind"] for r in page["removed"]}
    assert {"navigation", "ad", "copyright", "footer"} <= kinds


def test_html_deep_nesting_is_bounded() -> None:
    deep = (
        "<div>" * 10_000
        + "<p>Deep text that is long enough to count as a sentence here.</p>"
        + ("</div>" * 10_000)
    )
    before = slowdown()
    t0 = time.perf_counter()
    page = extract(
        RawDocument(source="deep.html", content=f"<html><body>{deep}</body></html>".encode())
    )
    elapsed = time.perf_counter() - t0
    factor = max(before, slowdown())
    # 0.18 s measured on the development machine (2 cores, shared); ten times that leaves
    # room for a burst of load on a CI machine, and a walk quadratic in depth still fails.
    assert elapsed < 2.0 * factor, f"{elapsed:.2f} s (this machine {factor:.1f}x slower now)"
    assert page.kind == "html"


def test_wrong_declared_charset() -> None:
    body = "<html><head><meta charset='ascii'></head><body><p>Caf\u00e9 au lait co\u00fbte plus cher cette ann\u00e9e \u00e0 Paris, selon une \u00e9tude publi\u00e9e mardi par un institut de conjoncture.</p><p>Les torr\u00e9facteurs ont relev\u00e9 leurs tarifs apr\u00e8s une mauvaise r\u00e9colte au Br\u00e9sil et au Vietnam.</p></body></html>"
    page = extract(RawDocument(source="c.html", content=body.encode("utf-8")))
    assert "Caf\u00e9" in page.article.text


def _article_page(lang: str, before: str, first_paragraph: str = "", url_path: str = "") -> bytes:
    """A page with no declared date; what it prints decides the published date."""
    prose = (
        "The central bank kept its main rate unchanged on Thursday and said inflation was "
        "easing more slowly than it had expected at the start of the year."
    )
    canonical = f'<link rel="canonical" href="https://news.example{url_path}">' if url_path else ""
    return (
        f'<html lang="{lang}"><head><title>Rates held</title>{canonical}</head><body>'
        f"<nav><a href='/'>Home</a> <a href='/a'>Markets</a></nav><article><h1>Rates held</h1>"
        f"{before}<p>{first_paragraph}{prose}</p><p>{prose}</p><p>{prose}</p></article></body></html>"
    ).encode()


def _published(content: bytes) -> str | None:
    page = page_json(extract(RawDocument(source="d.html", content=content)))
    return page["published"]


def test_printed_slashed_date_follows_the_page_language() -> None:
    assert _published(_article_page("de", "<p>Familie</p><div>03/04/2022</div>")) == (
        "2022-04-03T00:00:00"
    )
    assert _published(_article_page("en", "<div>03/04/2022</div>")) == "2022-03-04T00:00:00"
    # A number above 12 can only be the day, whatever the language.
    assert _published(_article_page("en", "<div>17/02/2022</div>")) == "2022-02-17T00:00:00"


def test_date_opening_the_first_paragraph() -> None:
    content = _article_page("de", "", first_paragraph="27.1.2022 - ")
    assert _published(content) == "2022-01-27T00:00:00"


def test_day_month_year_in_the_canonical_url() -> None:
    content = _article_page("de", "", url_path="/meldungen/29-10-2021")
    assert _published(content) == "2021-10-29T00:00:00"


def test_no_printed_date_gives_none() -> None:
    assert _published(_article_page("en", "")) is None


# Paragraphs of one article, each its own: an article does not say a paragraph twice.
_SECOND = (
    "Economists had expected the pause, and bond yields barely moved after the decision was "
    "published at noon, while the currency rose against the dollar for a third day."
)
_THIRD = (
    "The governor told reporters that the council would look again at rates in six weeks, "
    "once the figures for wages and for retail sales in the autumn were in."
)
_FOURTH = (
    "Lenders said mortgage rates would stay where they were for now, though two of the "
    "largest had already cut the rates they offer on fixed loans of five years."
)


def test_author_box_and_caption_inside_the_article_are_removed() -> None:
    prose = (
        "The central bank kept its main rate unchanged on Thursday and said inflation was "
        "easing more slowly than it had expected at the start of the year."
    )
    bio = (
        "Jane Doe writes about central banks and bond markets for the paper and has covered "
        "monetary policy in Frankfurt and London for more than a decade before joining us."
    )
    caption = (
        "The bank's headquarters in the city centre, where the council met on Thursday "
        "morning to decide on rates for the coming quarter of the year."
    )
    second, third = _SECOND, _THIRD
    content = (
        "<html lang='en'><body><article><h1>Rates held</h1>"
        f"<p>{prose}</p><figure><img src='a.jpg'><figcaption>{caption}</figcaption></figure>"
        f"<p>{second}</p><p>{third}</p><div class='author-box'><p>{bio}</p></div>"
        "</article></body></html>"
    ).encode()
    page = page_json(extract(RawDocument(source="a.html", content=content)))
    assert page["paragraphs"] == [prose, second, third]
    removed = {r["text"]: r["kind"] for r in page["removed"]}
    assert removed[caption] == "caption"
    assert removed[bio] == "byline"


def test_japanese_article_without_spaces_is_found() -> None:
    paragraphs = [
        "東京株式市場で日経平均株価は三日ぶりに反落した。前日の米国市場でハイテク株が売られた"
        "流れを受け、半導体関連銘柄を中心に売りが先行した。",
        "市場関係者は、日本銀行の金融政策決定会合を来週に控えて、積極的な買いを見送る投資家が"
        "多いと話している。外国為替市場では円相場が対ドルでやや上昇した。",
        "一方で、好決算を発表した小売り大手の株価は大幅に上昇し、相場全体の下げ幅を縮める場面も"
        "あった。東証株価指数も小幅に下落して取引を終えた。",
    ]
    body = "".join(f"<p>{t}</p>" for t in paragraphs)
    content = (
        "<html lang='ja'><head><meta charset='utf-8'><title>日経平均が反落</title></head><body>"
        "<nav><a href='/'>ホーム</a> <a href='/m'>マーケット</a> <a href='/n'>ニュース</a></nav>"
        f"<article><h1>日経平均が反落</h1>{body}</article>"
        "<footer><a href='/p'>プライバシーポリシー</a></footer></body></html>"
    ).encode()
    page = page_json(extract(RawDocument(source="ja.html", content=content)))
    assert page["paragraphs"] == paragraphs
    assert page["language"] == "ja"


def test_ruby_readings_are_not_text() -> None:
    sentence = (
        "<ruby>子<rt>こ</rt></ruby>どもを<ruby>守<rp>(</rp><rt>まも</rt><rp>)</rp></ruby>るための"
        "新しい法律が国会で成立し、来年の春から施行されることが決まりました。"
    )
    content = f"<html lang='ja'><body><article><p>{sentence}</p><p>{sentence}</p></article>"
    page = extract(RawDocument(source="r.html", content=(content + "</body></html>").encode()))
    assert page.article.paragraphs[0].startswith("子どもを守るための新しい法律")


def test_author_from_a_theme_specific_class() -> None:
    content = _article_page(
        "de",
        '<div class="td-post-author-name"><span class="td-author-by">Von</span> '
        '<a href="/autor/jane">Jane Doe</a></div>',
    )
    page = page_json(extract(RawDocument(source="a.html", content=content)))
    assert page["authors"] == ["Jane Doe"]


def test_author_box_text_is_no_author_name() -> None:
    content = _article_page(
        "en", '<div class="author-bio">Writes about markets for the paper.</div>'
    )
    assert page_json(extract(RawDocument(source="a.html", content=content)))["authors"] == []


_STRIP = [
    ("S&amp;P/TSX", "22,095.93", "-148.09", "(-0.67%)"),
    ("S&amp;P 500", "5,567.19", "+30.17", "(+0.54%)"),
    ("Dow 30", "39,375.87", "+67.87", "(+0.17%)"),
]
_STRIP_QUOTES = [
    {"name": "S&P/TSX", "last": 22095.93, "change": -148.09, "change_pct": -0.67},
    {"name": "S&P 500", "last": 5567.19, "change": 30.17, "change_pct": 0.54},
    {"name": "Dow 30", "last": 39375.87, "change": 67.87, "change_pct": 0.17},
]


def _strip_page(items: str) -> bytes:
    prose = (
        "The central bank kept its main rate unchanged on Thursday and said inflation was "
        "easing more slowly than it had expected at the start of the year."
    )
    more = (
        "Economists had expected the pause, and bond yields barely moved after the decision "
        "was published at noon in the capital."
    )
    return (
        f"<html><body><div>Canada markets close in 19 minutes</div>{items}<article>"
        f"<h1>Rates held</h1><p>{prose}</p><p>{more}</p></article></body></html>"
    ).encode()


@pytest.mark.parametrize(
    "item",
    [
        # fields in adjacent inline elements, no space between them
        "<li><a href='/q'><span>{}</span><span>{}</span><span>{}</span><span>{}</span></a></li>",
        # the name in a heading, the numbers in custom elements after it
        "<li><a href='/q'><h3>{}</h3><fin-streamer>{}</fin-streamer>"
        "<fin-streamer>{}</fin-streamer><fin-streamer>{}</fin-streamer></a></li>",
        # a table row, a cell a field
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
    ],
)
def test_html_ticker_strips_become_quotes(item: str) -> None:
    rows = "".join(item.format(*fields) for fields in _STRIP)
    wrapper = "<table>{}</table>" if item.startswith("<tr>") else "<ul>{}</ul>"
    page = extract(RawDocument(source="s.html", content=_strip_page(wrapper.format(rows))))
    out = page_json(page)
    assert out["quotes"] == _STRIP_QUOTES
    assert out["market_status"] == "Canada markets close in 19 minutes"
    assert [r["kind"] for r in out["removed"]].count("ticker") == 1
    assert len(out["paragraphs"]) == 2


def test_subheadings_between_paragraphs_stay_in_the_article() -> None:
    prose = (
        "The central bank kept its main rate unchanged on Thursday and said inflation was "
        "easing more slowly than it had expected at the start of the year, while wages rose."
    )
    content = (
        "<html lang='en'><body><nav><a href='/'>Home</a> <a href='/m'>Markets</a></nav>"
        f"<article><h1>Rates held</h1><p>{prose}</p><p>{_SECOND}</p><h2>What comes next</h2>"
        f"<p>{_THIRD}</p><p>{_FOURTH}</p></article>"
        "<aside><h2>Most read</h2><ul><li><a href='/a'>Another story</a></li></ul></aside>"
        "</body></html>"
    ).encode()
    page = page_json(extract(RawDocument(source="h.html", content=content)))
    assert page["paragraphs"] == [prose, _SECOND, "What comes next", _THIRD, _FOURTH]


def test_keep_subheadings_decision() -> None:
    from marketdesk.extract.segment import _keep_subheadings
    from marketdesk.model import Block, BlockKind

    prose = (
        "The central bank kept its main rate unchanged on Thursday and said inflation was "
        "easing more slowly than it had expected at the start of the year, while wages rose."
    )
    texts = [prose, "What comes next", prose, "* * *", prose, "Most read", "Another story"]
    tags = ["p", "h2", "p", "h3", "p", "h2", "li"]
    blocks = [
        Block(text=t, position=i, tag=g) for i, (t, g) in enumerate(zip(texts, tags, strict=True))
    ]
    kinds: list[BlockKind | None] = [None] * len(blocks)
    chosen = [True, False, True, False, True, False, False]
    _keep_subheadings(blocks, kinds, chosen)
    # The heading between prose is kept; a separator and a heading before a list are not.
    assert chosen == [True, True, True, False, True, False, False]


def test_keep_short_sentences_between_kept_paragraphs() -> None:
    from marketdesk.extract.segment import _keep_subheadings
    from marketdesk.model import Block, BlockKind

    prose = (
        "The miner said on Tuesday that output at its two largest pits fell in the quarter, "
        "and that it expected the new smelter to reach full capacity before the winter."
    )
    texts = [prose, "The company declined to comment.", prose, "Share", prose, "Lunch is ready.",
             "Subscribe now.", prose]  # fmt: skip
    blocks = [Block(text=t, position=i) for i, t in enumerate(texts)]
    blocks[6] = Block(text=texts[6], position=6, hint=BlockKind.NEWSLETTER)
    kinds: list[BlockKind | None] = [None] * len(blocks)
    chosen = [True, False, True, False, True, False, False, True]
    _keep_subheadings(blocks, kinds, chosen)
    # A plain sentence between prose stays; a one-word label does not, nor a short sentence
    # beside a block that markup names as furniture.
    assert chosen == [True, True, True, False, True, False, False, True]


def test_script_rendered_article_falls_back_to_declared_body() -> None:
    body = (
        "Shares of the largest miners rose on Monday after copper reached a record.\\n"
        "Traders said a shortage of ore and steady demand from power grids pushed buyers to pay "
        "up for metal.<p><b>Analysts</b> expect prices to stay volatile.</p><script>x()<\\/script>"
    )
    content = (
        "<html><head><script type='application/ld+json'>"
        '{"@type": "NewsArticle", "headline": "Copper at a record", "articleBody": "'
        + body
        + '"}</script></head><body><div id="app"></div><noscript>Enable JavaScript</noscript>'
        "</body></html>"
    ).encode()
    page = page_json(extract(RawDocument(source="js.html", content=content)))
    assert page["paragraphs"] == [
        "Shares of the largest miners rose on Monday after copper reached a record.",
        "Traders said a shortage of ore and steady demand from power grids pushed buyers to "
        "pay up for metal.",
        "Analysts expect prices to stay volatile.",
    ]


@pytest.mark.parametrize(
    "masthead",
    [
        '<h1 class="site-title"><a href="https://blog.example/" rel="home">Ein Hundetagebuch</a></h1>',
        '<h1><a href="https://blog.example/">Ein Hundetagebuch</a></h1>',
        '<div class="site-branding"><h1>Ein Hundetagebuch</h1></div>',
    ],
)
def test_blog_masthead_h1_is_not_the_headline(masthead: str) -> None:
    prose = (
        "After far too long a break we went back to the lake this weekend, and the dog ran "
        "straight into the water as if she had never been away from it at all."
    )
    content = (
        "<html lang='en'><head><title>Back at the lake after far too long | Ein Hundetagebuch"
        f"</title></head><body><header>{masthead}</header><article>"
        f"<h2 class='entry-title'>Back at the lake after far too long</h2><p>{prose}</p>"
        f"<p>{prose}</p></article></body></html>"
    ).encode()
    page = page_json(extract(RawDocument(source="b.html", content=content)))
    assert page["title"] == "Back at the lake after far too long"


def test_site_name_with_its_own_separators_is_cut_whole() -> None:
    from marketdesk.extract.html.title import choose_title

    title = choose_title(
        headline=None,
        social=None,
        document="Enchufla Figures - Salsa Figures - Rueda in Berlin",
        headings=[],
        site="Salsa Figures - Rueda in Berlin",
    )
    assert title == "Enchufla Figures"


def test_bylines_are_people_not_web_addresses_or_the_site() -> None:
    from marketdesk.extract.html.authors import people

    brands = ["CNN"]
    assert people(("Rob Picheta", "CNN"), brands) == ("Rob Picheta",)
    assert people(("CNN",), brands) == ("CNN",)  # the site's own byline stays when alone
    assert people(("Web Commerce GmbH www.w-commerce.de",), brands) == ()
    assert people(("Frank Example - http://example.de",), brands) == ()
    assert people(("jungefreiheit.de",), brands) == ()


def test_class_hint_pattern_matches_group_by_group_search() -> None:
    """The one-boundary pattern names the same kind as searching each group with its own."""
    import re

    from marketdesk.extract.html.blocks import _CLASS_HINT_RX, _CLASS_HINTS

    reference = re.compile(
        "|".join(
            rf"(?P<k{i}>(?:^|[\s_-]){p}(?:$|[\s_-]))" for i, (p, _) in enumerate(_CLASS_HINTS)
        ),
        re.I,
    )
    names = [
        "nav", "foo-nav bar", "author-box", "authorbox", "about-the-author", "skiplink",
        "skip-link", "more_stories", "more-stories", "x-ad-slot", "ad", "read-more",
        "wp-caption-text", "shortBiography", "ArticlePage-authorInfo-bio", "a--nav",
        "comments-area", "post-author-bio", "market-data quotes-strip", "cookie consent",
        "header", "", " ", "navigation_menu", "tags_list", "headline adjacent", "sidebar ad",
        "promo-nav", "entry-content post", "share-bar social", "gpt-ad-top", "cmp-banner",
    ]  # fmt: skip
    for name in names:
        want = reference.search(name)
        got = _CLASS_HINT_RX.search(name)
        assert (got.lastgroup if got else None) == (want.lastgroup if want else None), name


ABOUT_ME_BLOG = (
    """<html><head><title>Harbour Notes: Tide tables for the new season</title></head>
<body><div class="widget Header"><h1><a href="/" rel="home">Harbour Notes</a></h1>
<p class="description">I have kept boats on this coast for thirty years and write here about the
harbour, the weather, the people who work on the water and the small changes that come with each
season, in the hope that newcomers find their way around a little faster than I did when I began.</p>
</div>
<div class="widget Blog"><div class="post"><h2>Tide tables for the new season</h2>
<div class="post-body"><p>The harbour office printed the tide tables for the coming season today.</p>
<p>Copies are free at the office and at the chandlery on the quay.</p>
<p>The spring tides in March run higher than usual, so mind the lower slipway.</p></div>
</div></div>
<div id="sidebar"><ul>"""
    + "".join(
        f'<li><a href="/{i}">Older post number {i} in the archive</a></li>' for i in range(20)
    )
    + """</ul></div></body></html>"""
)


def test_short_post_after_its_headline_beats_a_longer_blurb_before_it() -> None:
    """The blurb under the blog's name outweighs the post; the headline shows which is which."""
    page = extract(RawDocument(source="b.html", content=ABOUT_ME_BLOG.encode()))
    text = page.article.text
    assert "tide tables for the coming season" in text
    assert "lower slipway" in text


def test_post_class_naming_its_author_is_no_author_box() -> None:
    """'entry-author-NAME' names the post's author on the post's own element; a bare
    'entry-author' is the byline's."""
    from selectolax.lexbor import LexborHTMLParser

    from marketdesk.extract.html.blocks import walk_blocks
    from marketdesk.model import BlockKind

    html = """<html><body>
<div class="entry-author-jane_roe entry-type-post entry"><div class="entry-body">
<p>This week the reading room reopened after the repairs to its roof.</p></div></div>
<div class="entry-author">By Jane Roe</div></body></html>"""
    body = LexborHTMLParser(html).body
    assert body is not None
    blocks = walk_blocks(body).blocks
    assert [b.hint for b in blocks] == [None, BlockKind.BYLINE]


def test_one_sentence_post_under_its_headline() -> None:
    """Too short for any element to hold 'real prose': the text under the declared headline."""
    html = """<html><head><title>Harbour Notes | New moorings open</title>
<meta property="og:title" content="New moorings open"></head><body>
<ul class="menu"><li><a href="/">Home</a></li><li><a href="/about">About</a></li></ul>
<h2>New moorings open</h2><p class="meta">By Ann Lee, 01 June 2010</p>
<p>The new moorings by the north wall open today, for small boats</p>
<h3>Archive</h3><ul><li><a href="/1">May 2010</a></li><li><a href="/2">April 2010</a></li></ul>
</body></html>"""
    page = extract(RawDocument(source="m.html", content=html.encode()))
    assert page.article.paragraphs == (
        "The new moorings by the north wall open today, for small boats",
    )
    assert page.reason is None


_BLURB_BLOG = (
    """<html><head><title>Pebble Log: Kites over the dunes</title>
<meta property="og:title" content="Kites over the dunes"></head><body>
<div id="top"><h1><a href="/">Pebble Log</a></h1>
<div class="profile"><p><a href="/me">Tom Reed (@pebblelog)</a></p>
<p>I walk. I collect. I write it down. Here I keep the odd things found along the shore, and
the people who find them with me.</p></div></div>
<div id="side"><h3>Labels</h3><ul>"""
    + "".join(f'<li><a href="/l/{i}">label number {i}</a></li>' for i in range(12))
    + """</ul></div>
<div id="main"><div class="posts"><div class="post">
<p class="when">12 Aug 2011</p>
<h2><a href="/kites">Kites over the dunes</a></h2>
<div class="body"><p><a href="http://example.net/k">via example.net</a></p>
<p>Flying a kite is a fine way to spend a windy day. @pebblelog</p></div>
<p><a href="/kites#c">Comments &raquo;</a></p>
</div></div></div>
<div id="foot"><p><a href="/rss">RSS</a></p></div></body></html>"""
)


def test_short_post_under_its_headline_beats_a_blurb_above() -> None:
    """The blog's 'about me' is the page's only prose; the post under the headline, however
    short (a line ending in a handle reads as no sentence), is the article."""
    page = extract(RawDocument(source="k.html", content=_BLURB_BLOG.encode()))
    assert page.article.paragraphs == (
        "Flying a kite is a fine way to spend a windy day. @pebblelog",
    )
    assert any("I walk. I collect." in r.text for r in page.removed)


def test_the_sites_welcome_above_the_headline_is_no_part_of_the_article() -> None:
    """Kept above the headline, outside its element, outweighed by what is kept under it."""
    html = """<html><head><title>Tide tables for the autumn | The Shore Log</title>
<meta property="og:title" content="Tide tables for the autumn"></head><body><div id="page">
<div id="masthead"><div class="intro"><p>Welcome to The Shore Log, where we write about the
coast, its boats and its weather every week. If you are new here, you may want to read our
guide for first visits, or sign up for the letter.</p></div></div>
<div id="content"><div class="posts"><div class="post"><div class="post-head">
<h1>Tide tables for the autumn</h1></div>
<p>The harbour office printed its tide tables for the autumn on Friday, a week later than
usual, after the survey boat was out of the water for repairs to its engine.</p>
<p>Spring tides in October will reach higher than last year's, the office said, and the
lower slipway will be closed on the two days of the highest water in the month.</p>
<p>The tables are free at the office and at the chandlery on the quay, and boat owners can
ask for them to be sent by post for the cost of a stamp.</p></div></div></div></div>
</body></html>"""
    page = extract(RawDocument(source="t.html", content=html.encode()))
    assert len(page.article.paragraphs) == 3
    assert page.article.paragraphs[0].startswith("The harbour office printed")
    assert any(r.text.startswith("Welcome to The Shore Log") for r in page.removed)


def test_a_short_brief_under_its_headline_stays_beside_a_most_read_list() -> None:
    """The headline shown again in a 'most read' list below a brief: the brief, shown under
    its own headline, is the article, not the teasers under the list's entry."""
    html = """<html><head><title>Ferry fares frozen - The Coast Times</title>
<meta property="og:title" content="Ferry fares frozen"></head><body>
<div class="story"><h1>Ferry fares frozen</h1>
<p>The island council froze ferry fares for another year on Monday, saying that the cost of
fuel had eased since the spring and that traffic was back to where it was.</p></div>
<div class="most-read"><h3>Most read</h3><ol>
<li><a href="/a">Ferry fares frozen</a></li>
<li><a href="/b">Harbour wall repairs to start in June, the works office says</a></li>
<li><a href="/c">School bus timetable changes after the holiday</a></li></ol></div>
</body></html>"""
    page = extract(RawDocument(source="f.html", content=html.encode()))
    assert len(page.article.paragraphs) == 1
    assert page.article.paragraphs[0].startswith("The island council froze ferry fares")


def _article(*parts: str) -> bytes:
    return (
        "<html lang='en'><head><title>Rates held - The Daily</title></head><body>"
        "<article><h1>Rates held</h1>" + "".join(parts) + "</article></body></html>"
    ).encode()


_LEAD = (
    "The central bank kept its main rate unchanged on Thursday and said inflation was "
    "easing more slowly than it had expected at the start of the year."
)


def test_the_lead_said_again_under_the_article_is_a_link_not_text() -> None:
    # A teaser of the story itself below it: the lead and the next paragraph joined, cut.
    teaser = _LEAD + " " + _SECOND[:60]
    page = page_json(
        extract(
            RawDocument(
                source="e.html",
                content=_article(
                    f"<p>{_LEAD}</p><p>{_SECOND}</p><p>{_THIRD}</p>",
                    "<h3>Also on The Daily:</h3>",
                    f"<p>{teaser}</p>",
                ),
            )
        )
    )
    assert page["paragraphs"] == [_LEAD, _SECOND, _THIRD]
    removed = {r["text"]: r["kind"] for r in page["removed"]}
    assert removed[teaser] == "related"
    assert removed["Also on The Daily:"] == "related"


def test_a_standfirst_that_the_body_goes_on_from_keeps_the_body() -> None:
    # The standfirst is the body's first sentence; the body's paragraph says more: it stays.
    first = _LEAD.split(" and said")[0] + "."
    body = _LEAD + " " + _SECOND
    page = page_json(
        extract(
            RawDocument(
                source="s.html",
                content=_article(f"<p>{first}</p><p>{body}</p><p>{_THIRD}</p><p>{_FOURTH}</p>"),
            )
        )
    )
    assert body in page["paragraphs"] and _FOURTH in page["paragraphs"]


def _page_with_bio(bio: str) -> JSON:
    """Jane Doe's article of three paragraphs, then the paragraph given."""
    content = (
        "<html lang='en'><head><meta name='author' content='Jane Doe'></head><body><article>"
        f"<h1>Rates held</h1><p>{_LEAD}</p><p>{_SECOND}</p><p>{_THIRD}</p><p>{bio}</p>"
        "</article></body></html>"
    ).encode()
    return page_json(extract(RawDocument(source="b.html", content=content)))


def test_the_writers_bio_after_the_article_is_a_byline() -> None:
    bio = (
        "Jane Doe covers central banks and bond markets for the paper from Frankfurt, where "
        "she has lived since she joined it from a news agency in 2015."
    )
    page = _page_with_bio(bio)
    assert page["authors"] == ["Jane Doe"]
    assert page["paragraphs"] == [_LEAD, _SECOND, _THIRD]
    assert {r["text"]: r["kind"] for r in page["removed"]}[bio] == "byline"


_DESKS = ("bond", "rates", "currency", "oil", "metals", "grain", "sugar", "coffee", "gas")


def test_a_long_bio_that_opens_as_bios_do_is_a_byline() -> None:
    bio = (
        "Jane Doe is the founder of a newsletter on central banks, which she has written from "
        "Frankfurt since 2015. "
        + " ".join(
            f"Before that she spent {n} years at a news agency, on the {desk} desk."
            for n, desk in enumerate(_DESKS, start=2)
        )
    )
    assert len(bio.split()) > 80
    page = _page_with_bio(bio)
    assert page["paragraphs"] == [_LEAD, _SECOND, _THIRD]
    assert {r["text"]: r["kind"] for r in page["removed"]}[bio] == "byline"


@pytest.mark.parametrize(
    "end", [" [...]", " […]", " more »", " Continue reading →", " READ FULL STORY"]
)
def test_a_cut_excerpt_is_a_teaser(end: str) -> None:
    teaser = "Lenders said mortgage rates would stay where they were for now, though two" + end
    page = page_json(
        extract(
            RawDocument(
                source="t.html",
                content=_article(f"<p>{_LEAD}</p><p>{_SECOND}</p><p>{_THIRD}</p><p>{teaser}</p>"),
            )
        )
    )
    assert page["paragraphs"] == [_LEAD, _SECOND, _THIRD]
    assert {r["text"]: r["kind"] for r in page["removed"]}[teaser] == "related"


def test_a_blogs_masthead_is_not_taken_for_the_posts_headline() -> None:
    # 'Blog name: Post title', both parts shown: the one shown first is the masthead.
    from marketdesk.extract.html import _headline_blocks
    from marketdesk.extract.segment import Metadata
    from marketdesk.model import Block

    texts = ["Small Investor Notes", "A blurb about the blog", "The bakery went public", "x"]
    blocks = [Block(text=t, position=i) for i, t in enumerate(texts)]
    meta = Metadata(
        title="Small Investor Notes: The bakery went public",
        declared_titles=("Small Investor Notes: The bakery went public",),
    )
    assert _headline_blocks(blocks, meta) == [2]
    # Shown whole, the title is the headline wherever it is.
    whole = [*blocks, Block(text="Small Investor Notes: The bakery went public", position=4)]
    assert _headline_blocks(whole, meta) == [2, 4]


def test_the_model_is_cut_to_a_container_that_holds_most_of_its_choice() -> None:
    import numpy as np

    from marketdesk.extract import htmlmodel
    from marketdesk.model import Block

    lengths = [40, 30, 30, 12, 10]  # a blurb far above, the lead, two paragraphs, a bio
    blocks = [Block(text=" ".join(["word"] * n), position=i) for i, n in enumerate(lengths)]
    extra = np.zeros((5, len(htmlmodel.EXTRA_FEATURES)))
    extra[:, htmlmodel.EXTRA_FEATURES.index("container_found")] = 1.0
    extra[[2, 3], htmlmodel.EXTRA_FEATURES.index("in_container")] = 1.0
    chosen = [False, True, True, True, False]
    # The container holds 42 of 72 words: under the share, the model stands.
    assert htmlmodel._within_container(chosen, blocks, extra) == chosen
    # It holds most (42 of 57): the bio outside goes, the lead just above the container stays.
    chosen = [False, True, True, True, True]
    extra[1, htmlmodel.EXTRA_FEATURES.index("in_container")] = 0.0
    blocks[1] = Block(text="word " * 5, position=1)
    assert htmlmodel._within_container(chosen, blocks, extra) == [False, True, True, True, False]


_BREAKWATER = (
    "The harbour authority said on Monday that the new breakwater would be finished by the "
    "spring, two years later than planned, after storms damaged the first sections.",
    "Engineers had to rebuild the foundations of the northern arm, which the winter storms "
    "had undermined, and the cost of the work rose by a third, the authority said.",
    "Fishing crews, who moor inside the old wall, said they had lost weeks of work to the "
    "delays and asked for lower berth fees until the work is done.",
    "The authority said it would consider the request at its next meeting and that the new "
    "berths would open in stages from the summer onwards.",
)


def test_a_blurb_standing_alone_after_the_article_is_not_article_text() -> None:
    blurb = (
        "Coastline Weekly is a small newsroom that covers ports, shipping and the towns along "
        "the coast, with a long read for its readers every Friday."
    )
    links = "".join(
        f"<p><a href='/{n}'>{text}</a></p>"
        for n, text in enumerate(("Photo gallery of the week", "Ships in port today", "Sea"))
    )
    html = (
        "<html lang='en'><head><title>Breakwater late - Coastline Weekly</title></head><body>"
        "<article><h1>Breakwater late</h1>"
        + "".join(f"<p>{p}</p>" for p in _BREAKWATER)
        + f"{links}<p>{blurb}</p></article></body></html>"
    )
    page = extract(RawDocument(source="b.html", content=html.encode()))
    assert page.article.paragraphs == _BREAKWATER
    assert blurb in {r.text for r in page.removed}


_HARBOUR_POST = """<h1>Harbour dues to rise in spring</h1>
<div class="entry"><p>The harbour board voted on Tuesday to raise mooring dues by four per
cent from the first of April, the first rise in three years, citing the cost of dredging.</p>
<p>Owners of boats under eight metres will pay the old rate until the summer, the board said,
after the sailing club asked for time to tell its members about the change.</p>
<p>The board's chair said the extra money would go to the north channel, where silt has built
up since the storms of last winter and larger boats can only pass at high water.</p></div>"""


def test_a_blurb_kept_after_the_post_outside_its_element_is_removed() -> None:
    """The post's element holds most of what is kept; the blog's 'about' box after it, in the
    same column but outside that element, is the site's, not the article's; a comment that
    quotes the lead does not move the lead out of the post."""
    html = f"""<html><head><title>Harbour dues to rise in spring | Quay Notes</title>
<meta property="og:title" content="Harbour dues to rise in spring"></head><body>
<div id="main"><div class="post">{_HARBOUR_POST}</div>
<div class="about"><p>Quay Notes is written by two retired harbour pilots who have spent forty
years on the water and still like to know what the board is up to every month.</p></div>
<div class="comments"><h3>Comments</h3><p>Joan said:</p><p>The harbour board voted on Tuesday to
raise mooring dues by four per cent from the first of April, the first rise in three years,
citing the cost of dredging.</p></div></div></body></html>"""
    page = extract(RawDocument(source="q.html", content=html.encode()))
    assert len(page.article.paragraphs) == 3
    assert page.article.paragraphs[0].startswith("The harbour board voted on Tuesday")
    assert any(r.text.startswith("Quay Notes is written by") for r in page.removed)


_SECTION = (
    "The {n} stop on the walk is the {what}, where the guide tells the story of the {who} "
    "who built it and of the families who lived beside it for {years} years before the war."
)


def _sections(stops: tuple[tuple[str, str, str, int], ...]) -> str:
    return "".join(
        f"<p>{_SECTION.format(n=n, what=what, who=who, years=y)}</p>" for n, what, who, y in stops
    )


def test_an_article_part_in_an_element_of_its_own_stays_in_the_article() -> None:
    """A run of five paragraphs of prose in an element of its own after the post's element
    (a second section after a picture) is a part of the article, not furniture."""
    first = _sections(
        (
            ("first", "old mill", "miller", 90),
            ("second", "chapel", "masons", 120),
            ("third", "rope walk", "rope makers", 60),
            ("fourth", "lock", "canal company", 75),
            ("fifth", "school", "parish", 50),
            ("sixth", "bridge", "railway", 80),
        )
    )
    second = _sections(
        (
            ("seventh", "brewery", "brothers", 40),
            ("eighth", "market hall", "town council", 110),
            ("ninth", "tannery", "tanners", 30),
            ("tenth", "toll house", "turnpike trust", 70),
            ("eleventh", "boat yard", "shipwrights", 65),
        )
    )
    html = f"""<html><head><title>A walk along the old canal | Town Walks</title>
<meta property="og:title" content="A walk along the old canal"></head><body>
<div id="story"><div class="part"><div class="head"><h1>A walk along the old canal</h1></div>
<div class="text">{first}</div></div>
<figure><img src="/canal.jpg"><figcaption>The lock in the snow</figcaption></figure>
<div class="part"><div class="text">{second}</div></div></div></body></html>"""
    page = extract(RawDocument(source="w.html", content=html.encode()))
    assert len(page.article.paragraphs) == 11
    assert page.article.paragraphs[-1].startswith("The eleventh stop")


def test_the_headline_is_the_heading_nearest_the_post_not_the_title_bar() -> None:
    """The title shown first in the page's title bar, then as the post's heading with nothing
    kept between them: the post's element is the heading's, and the box after it is the
    site's."""
    html = f"""<html><head><title>Harbour dues to rise in spring | Quay Notes</title>
<meta property="og:title" content="Harbour dues to rise in spring"></head><body>
<div class="titlebar"><h2>Harbour dues to rise in spring</h2></div>
<div id="main"><div class="post">{_HARBOUR_POST}</div>
<div class="about"><p>Quay Notes is kept by a couple who sold their boat yard on the estuary
and now spend the winters reading the minutes of every meeting held on the quay.</p></div>
</div></body></html>"""
    page = extract(RawDocument(source="t.html", content=html.encode()))
    assert len(page.article.paragraphs) == 3
    assert any(r.text.startswith("Quay Notes is kept by") for r in page.removed)
