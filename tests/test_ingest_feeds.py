"""ingest/feeds.py: RSS, Atom and JSON Feed from bytes; malformed feeds read, non-feeds refused.

Every feed here is written for these tests.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from marketdesk.errors import FeedError, InputError, TooLargeError
from marketdesk.extract import MAX_INPUT_BYTES
from marketdesk.ingest.feeds import Feed, FeedEntry, parse_feed

RSS20 = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
  <title>Harbour Desk Markets</title>
  <link>https://desk.example/markets</link>
  <item>
    <title>Copper climbs as &lt;b&gt;warehouse&lt;/b&gt; stocks thin</title>
    <link>https://desk.example/markets/copper-climbs</link>
    <guid isPermaLink="false">hd-2025-0001</guid>
    <description>&lt;p&gt;Copper rose 2% on Monday.&lt;script&gt;alert(1)&lt;/script&gt;&lt;/p&gt;</description>
    <content:encoded><![CDATA[<p>Copper rose <em>2%</em> on Monday.</p><p>Traders pointed to thin stocks.</p>]]></content:encoded>
    <pubDate>Mon, 06 Jan 2025 10:00:00 +0100</pubDate>
    <dc:creator>Ana Ribeiro</dc:creator>
  </item>
  <item>
    <title>Bond yields steady</title>
    <link>/markets/bonds-steady</link>
    <description>Yields held near 4.1%.</description>
  </item>
</channel>
</rss>
"""

RSS091 = b"""<?xml version="1.0"?>
<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN"
 "http://my.netscape.com/publish/formats/rss-0.91.dtd">
<rss version="0.91">
<channel>
<title>Old Wire</title>
<link>http://oldwire.example/</link>
<description>An old-style feed</description>
<language>en-us</language>
<item>
<title>Dollar eases</title>
<link>http://oldwire.example/dollar-eases.html</link>
<description>The dollar eased against the yen.</description>
</item>
</channel>
</rss>
"""

RSS10 = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="https://rdf.example/">
    <title>RDF Desk</title>
    <link>https://rdf.example/</link>
    <description>RSS 1.0 sample</description>
    <items><rdf:Seq><rdf:li resource="https://rdf.example/oil"/></rdf:Seq></items>
  </channel>
  <item rdf:about="https://rdf.example/oil">
    <title>Oil slips</title>
    <link>https://rdf.example/oil</link>
    <description>Brent fell 1%.</description>
    <dc:date>2025-02-03T08:30:00Z</dc:date>
    <dc:creator>Lee Park</dc:creator>
  </item>
</rdf:RDF>
"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://atom.example/news/">
  <title type="html">Atom &lt;i&gt;Desk&lt;/i&gt;</title>
  <link href="https://atom.example/"/>
  <updated>2025-03-01T12:00:00Z</updated>
  <id>urn:uuid:feed-1</id>
  <entry>
    <title>Gold at a record</title>
    <link rel="alternate" href="gold-record"/>
    <id>urn:uuid:entry-1</id>
    <published>2025-03-01T09:00:00-05:00</published>
    <updated>2025-03-01T11:00:00Z</updated>
    <author><name>Mira Okafor</name></author>
    <author><name>Jon Dale</name></author>
    <summary type="html">&lt;p&gt;Gold rose to a &lt;b&gt;record&lt;/b&gt;.&lt;/p&gt;</summary>
    <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Gold rose.</p><p>Silver followed.</p></div></content>
  </entry>
</feed>
"""


def _json_feed(**extra: object) -> bytes:
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "JSON Desk",
        "home_page_url": "https://json.example/",
        "feed_url": "https://json.example/feed.json",
        "authors": [{"name": "Desk Staff"}],
        "items": [
            {
                "id": "j-1",
                "url": "https://json.example/euro",
                "title": "Euro firms",
                "content_html": "<p>The euro <b>firmed</b>.</p><p>Second line.</p>",
                "summary": "The euro firmed.",
                "date_published": "2025-04-01T10:00:00+02:00",
                "date_modified": "2025-04-01T12:00:00Z",
                "authors": [{"name": "Sam Ito"}],
            },
            {"id": 7, "url": "/yen", "content_text": "Yen weaker."},
        ],
    }
    feed.update(extra)
    return json.dumps(feed).encode()


def test_rss20_reads_entries_as_plain_text_with_utc_dates() -> None:
    feed = parse_feed(RSS20, url="https://desk.example/feed.xml")
    assert isinstance(feed, Feed)
    assert feed.kind == "rss"
    assert feed.title == "Harbour Desk Markets"
    assert feed.link == "https://desk.example/markets"
    assert len(feed.entries) == 2
    first = feed.entries[0]
    assert first.guid == "hd-2025-0001"
    assert first.key == "hd-2025-0001"
    assert first.title == "Copper climbs as warehouse stocks thin"
    assert first.summary == "Copper rose 2% on Monday."
    assert first.content == "Copper rose 2% on Monday.\nTraders pointed to thin stocks."
    assert first.published == datetime(2025, 1, 6, 9, 0, tzinfo=UTC)
    assert first.authors == ("Ana Ribeiro",)
    second = feed.entries[1]
    assert second.link == "https://desk.example/markets/bonds-steady"  # relative, resolved
    assert second.published is None
    assert second.guid is None
    assert second.key == second.link
    assert feed.warnings == ()


def test_rss091_with_its_netscape_doctype() -> None:
    feed = parse_feed(RSS091)
    assert feed.kind == "rss"
    assert feed.title == "Old Wire"
    assert [e.title for e in feed.entries] == ["Dollar eases"]
    assert feed.entries[0].link == "http://oldwire.example/dollar-eases.html"
    assert feed.entries[0].summary == "The dollar eased against the yen."


def test_rss10_rdf() -> None:
    feed = parse_feed(RSS10)
    assert feed.kind == "rss"
    (entry,) = feed.entries
    assert entry.title == "Oil slips"
    assert entry.link == "https://rdf.example/oil"
    assert entry.published == datetime(2025, 2, 3, 8, 30, tzinfo=UTC)
    assert entry.authors == ("Lee Park",)


def test_atom_with_base_authors_and_html_title() -> None:
    feed = parse_feed(ATOM, url="https://atom.example/feed.atom")
    assert feed.kind == "atom"
    assert feed.title == "Atom Desk"
    (entry,) = feed.entries
    assert entry.guid == "urn:uuid:entry-1"
    assert entry.link == "https://atom.example/news/gold-record"
    assert entry.summary == "Gold rose to a record."
    assert entry.content == "Gold rose.\nSilver followed."
    assert entry.published == datetime(2025, 3, 1, 14, 0, tzinfo=UTC)
    assert entry.updated == datetime(2025, 3, 1, 11, 0, tzinfo=UTC)
    assert entry.authors == ("Mira Okafor", "Jon Dale")


def test_json_feed_11() -> None:
    feed = parse_feed(_json_feed(), url="https://json.example/feed.json")
    assert feed.kind == "json"
    assert feed.title == "JSON Desk"
    assert feed.link == "https://json.example/"
    first, second = feed.entries
    assert first.guid == "j-1"
    assert first.content == "The euro firmed.\nSecond line."
    assert first.summary == "The euro firmed."
    assert first.published == datetime(2025, 4, 1, 8, 0, tzinfo=UTC)
    assert first.updated == datetime(2025, 4, 1, 12, 0, tzinfo=UTC)
    assert first.authors == ("Sam Ito",)
    assert second.guid == "7"
    assert second.link == "https://json.example/yen"
    assert second.content == "Yen weaker."
    assert second.authors == ("Desk Staff",)  # the feed's authors stand in


def test_json_feed_10_single_author() -> None:
    raw = json.dumps(
        {
            "version": "https://jsonfeed.org/version/1",
            "title": "One",
            "author": {"name": "Old Author"},
            "items": [{"id": "x", "content_text": "Text", "date_published": "2025-01-01T00:00:00"}],
        }
    ).encode()
    (entry,) = parse_feed(raw).entries
    assert entry.authors == ("Old Author",)
    assert entry.published == datetime(2025, 1, 1, tzinfo=UTC)


def test_the_bytes_decide_over_a_wrong_media_type() -> None:
    assert parse_feed(RSS20, media_type="application/json").kind == "rss"
    assert parse_feed(_json_feed(), media_type="text/xml").kind == "json"
    feed = parse_feed(RSS20, media_type="text/html")
    assert len(feed.entries) == 2
    assert any("not an XML media type" in w for w in feed.warnings)


def test_json_that_is_not_a_feed() -> None:
    with pytest.raises(FeedError, match=r"jsonfeed\.org"):
        parse_feed(b'{"hello": "world"}')
    with pytest.raises(FeedError, match="not valid JSON"):
        parse_feed(b'{"version": ', media_type="application/feed+json")


def test_undeclared_entity_is_read_leniently_with_a_warning() -> None:
    raw = RSS20.replace(b"Bond yields steady", b"Bond&nbsp;yields &mdash; steady")
    feed = parse_feed(raw, url="https://desk.example/feed.xml")
    assert len(feed.entries) == 2
    assert feed.entries[1].title == "Bond yields — steady"
    assert any("malformed" in w for w in feed.warnings)


def test_wrong_declared_encoding() -> None:
    raw = RSS20.replace(b'encoding="UTF-8"', b'encoding="ISO-8859-1"').replace(
        b"Bond yields steady", "Bond yields steady in Zürich".encode()
    )
    feed = parse_feed(raw)
    assert len(feed.entries) == 2
    assert feed.entries[1].title is not None
    assert feed.entries[1].title.startswith("Bond yields steady in Z")


def test_stray_bytes_and_unclosed_tags() -> None:
    raw = RSS20.replace(
        b"<title>Bond yields steady</title>", b"<title>Bond \xff\xfe yields</title>"
    )
    raw = raw.replace(b"</channel>\n</rss>", b"")  # cut off before the end
    feed = parse_feed(raw)
    assert feed.entries[0].guid == "hd-2025-0001"
    assert len(feed.entries) == 2
    assert feed.warnings


def test_bad_date_is_none() -> None:
    raw = RSS20.replace(b"Mon, 06 Jan 2025 10:00:00 +0100", b"sometime last week")
    assert parse_feed(raw).entries[0].published is None


def test_non_http_links_dropped() -> None:
    raw = RSS20.replace(
        b"https://desk.example/markets/copper-climbs", b"javascript:alert(1)"
    ).replace(b"/markets/bonds-steady", b"mailto:desk@example.org")
    feed = parse_feed(raw, url="https://desk.example/feed.xml")
    assert [e.link for e in feed.entries] == [None, None]
    assert any("dropped" in w for w in feed.warnings)


def test_key_falls_back_to_a_hash_of_title_and_summary() -> None:
    a = FeedEntry(None, None, "T", "S", None, None, None)
    b = FeedEntry(None, None, "T", "S", "other content", None, None)
    c = FeedEntry(None, None, "T", "S2", None, None, None)
    assert a.key == b.key
    assert a.key != c.key
    assert a.key.startswith("sha256:")


def test_html_page_is_not_a_feed() -> None:
    page = b"<!DOCTYPE html><html><head><title>Markets</title></head><body><p>Hi</p></body></html>"
    with pytest.raises(FeedError, match="is an HTML page, not a feed"):
        parse_feed(page, url="https://desk.example/feed", media_type="text/html")


def test_other_xml_empty_and_binary_are_refused() -> None:
    with pytest.raises(FeedError, match="root element <urlset>"):
        parse_feed(
            b'<?xml version="1.0"?><urlset><url><loc>https://x.example/</loc></url></urlset>'
        )
    with pytest.raises(FeedError, match="empty"):
        parse_feed(b"  \n")
    with pytest.raises(FeedError, match="binary"):
        parse_feed(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00")
    with pytest.raises(InputError):
        parse_feed(b"just some words, nothing like a feed")


def test_too_large_is_refused_before_parsing() -> None:
    with pytest.raises(TooLargeError):
        parse_feed(b" " * (MAX_INPUT_BYTES + 1))


def test_external_entity_does_not_read_a_local_file(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE", encoding="utf-8")
    uri = secret.as_uri().encode()
    for layout in (b"", b"\n"):  # on one line and spread over lines
        raw = (
            b'<?xml version="1.0"?>'
            + layout
            + b"<!DOCTYPE rss ["
            + layout
            + b'<!ENTITY xxe SYSTEM "'
            + uri
            + b'">'
            + layout
            + b"]>"
            + layout
            + b'<rss version="2.0"><channel><title>T</title>'
            b"<item><title>leak: &xxe;</title><description>d &xxe;</description></item>"
            b"</channel></rss>"
        )
        feed = parse_feed(raw)
        text = repr(feed)
        assert "TOP-SECRET-VALUE" not in text
        assert feed.entries[0].title is not None
        assert feed.entries[0].title.startswith("leak:")
        assert any("entity declarations" in w for w in feed.warnings)


def test_entity_bomb_is_not_expanded() -> None:
    decls = b'<!ENTITY a0 "ha">' + b"".join(
        b'<!ENTITY a%d "&a%d;&a%d;&a%d;&a%d;&a%d;&a%d;&a%d;&a%d;&a%d;&a%d;">' % (i, *([i - 1] * 10))
        for i in range(1, 10)
    )
    raw = (
        b'<?xml version="1.0"?><!DOCTYPE rss [' + decls + b"]>"
        b'<rss version="2.0"><channel><title>&a9;</title><item><title>x</title></item></channel></rss>'
    )
    feed = parse_feed(raw)
    assert len(repr(feed)) < 10_000
