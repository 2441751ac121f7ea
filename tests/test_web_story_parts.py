"""The story page's lists written in Python (web/story_parts.py): hostile text in every field
they place comes out inert, escaped as Jinja's autoescape escapes it."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup, escape

from marketdesk.app.chart import StoryChart
from marketdesk.markets.links import InstrumentLink
from marketdesk.model import Entity, EntityKind, Mention, StoryCopy
from marketdesk.web import story_parts

HOSTILE = "<script>alert('x')</script> & \"quoted\""
AT = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def test_every_field_of_every_list_is_escaped() -> None:
    entity = Entity(
        id=0,
        kind=EntityKind.PERSON,
        name=HOSTILE,
        mentions=(Mention(HOSTILE, 0, 5, 0),),
        salience=1.0,
        titles=(HOSTILE,),
        key=None,
        symbols=(HOSTILE, "NYSE:IBM"),
    )
    copy = StoryCopy(2, HOSTILE, HOSTILE, HOSTILE, HOSTILE, None, AT)
    link = InstrumentLink("gold", HOSTILE, None, HOSTILE, 1.0)
    chart = StoryChart("gold", HOSTILE, AT, "", 1.0, 2.0, AT, 1.0, 100.0, 2)
    parts = [
        story_parts.paragraphs([HOSTILE, "plain"]),
        story_parts.entities([entity]),
        story_parts.copies([copy], this=1),
        story_parts.instruments([link]),
        story_parts.charts([chart]),
    ]
    for part in parts:
        assert "<script>" not in part and "'x'" not in part and '"quoted"' not in part
        assert str(escape(HOSTILE)) in part
    assert "1 mention</li>" in parts[1] and "(untitled)" not in parts[2]
    assert '<span class="symbol">' + str(escape(f"{HOSTILE}, NYSE:IBM")) + "</span>" in parts[1]


def test_the_lists_keep_their_bounds_and_order() -> None:
    many = [
        Entity(id=i, kind=EntityKind.PLACE, name=f"P{i}", mentions=(), salience=i / 100)
        for i in range(30)
    ]
    shown = story_parts.entities(many)
    assert shown.count("<li") == story_parts.ENTITIES_SHOWN
    assert shown.index(">P29<") < shown.index(">P28<") and ">P5<" not in shown
    assert "0 mentions" in shown
    links = [InstrumentLink(f"k{i}", f"N{i}", None, "why", 1.0) for i in range(20)]
    assert story_parts.instruments(links).count("<li>") == story_parts.INSTRUMENTS_SHOWN
    this = StoryCopy(1, "a.html", None, None, None, None, AT)
    assert story_parts.copies([this], this=1) == (
        '<li><strong>this copy</strong> · unknown publisher · <span class="url">a.html</span></li>'
    )


def test_a_chart_whose_series_ends_before_the_story_says_so_and_shows_no_move() -> None:
    ended = StoryChart("gold", "Gold", AT, "", 1.0, 1.0, datetime(2026, 1, 30, tzinfo=UTC),
                       None, None, 2)  # fmt: skip
    shown = story_parts.charts([ended])
    assert "no quote since publication (the last is of 2026-01-30)" in shown
    assert "since publication (to" not in shown and 'class="move"' not in shown


@given(st.one_of(st.text(), st.text(alphabet="&<>'\"ab ")))
def test_text_escapes_as_markupsafe_escape_does(value: str) -> None:
    assert story_parts.text(value) == str(escape(value))
    assert type(story_parts.text(value)) is str


def test_text_of_what_is_not_text_goes_through_escape() -> None:
    for value in (EntityKind.PERSON, 3, 1.5, None, Markup("<b>kept</b>")):
        assert story_parts.text(value) == str(escape(value))
