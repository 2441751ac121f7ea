"""The story page's long lists, written in Python: its paragraphs, entities, instruments, small
charts and copies, each as one piece of markup that story.html places.

Jinja made these a few hundred small outputs a page (a loop step, a lookup and an escape for
every field of every item), about half of what the page's template cost. Here each list is one
string built once. Every value placed is escaped as Jinja's autoescape escapes it, on the very
values the template placed, so the page reads byte for byte as the template wrote it: the
paragraphs with ``markupsafe.escape``, the short fields with ``text``, markupsafe's own
replacements of ``& > < ' "`` on the value's ``str`` without a ``Markup`` made for each (a third
of the cost; tests/test_web_story_parts.py holds it to ``escape`` on any text). The charts' SVG
comes escaped from app/chart.py.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

from marketdesk.app import present, urls
from marketdesk.app.chart import StoryChart
from marketdesk.app.entities import entity_key
from marketdesk.app.touched import InstrumentLink
from marketdesk.model import Entity, StoryCopy

__all__ = [
    "ENTITIES_SHOWN",
    "INSTRUMENTS_SHOWN",
    "charts",
    "copies",
    "entities",
    "instruments",
    "paragraphs",
    "text",
]

ENTITIES_SHOWN = 24  # the most salient first
INSTRUMENTS_SHOWN = 12
_KIND_LABELS = {"person": "person", "organisation": "organisation", "place": "place"}


def text(value: object) -> str:
    """``str(markupsafe.escape(value))``: for text, the same five replacements in markupsafe's
    order, without the ``Markup``; anything else (an enum, a number) through ``escape``."""
    if type(value) is not str:
        return str(escape(value))
    s = value
    if "&" in s or ">" in s or "<" in s or "'" in s or '"' in s:
        return (
            s.replace("&", "&amp;")
            .replace(">", "&gt;")
            .replace("<", "&lt;")
            .replace("'", "&#39;")
            .replace('"', "&#34;")
        )
    return s


def paragraphs(texts: Sequence[str]) -> Markup:
    return Markup("".join(f"  <p>{escape(p)}</p>\n" for p in texts))


def entities(found: Sequence[Entity]) -> Markup:
    """The items of the entity list, the most salient first (ties in the article's order)."""
    out = []
    for e in sorted(found, key=_salience, reverse=True)[:ENTITIES_SHOWN]:
        role = f' · <span class="role">{text(e.titles[0])}</span>' if e.titles else ""
        symbols = (
            f' · <span class="symbol">{text(", ".join(e.symbols))}</span>' if e.symbols else ""
        )
        count = len(e.mentions)
        out.append(
            f'<li class="entity {text(e.kind)}"><a class="name" href="'
            f'{text(urls.entity(entity_key(e)))}">{text(e.name)}</a> <span class="kind">'
            f"{text(_KIND_LABELS.get(e.kind, ''))}</span>{role}{symbols} · {count} mention"
            f"{'s' if count != 1 else ''}</li>"
        )
    return Markup("".join(out))


def _salience(e: Entity) -> float:
    return e.salience


def instruments(touched: Sequence[InstrumentLink]) -> Markup:
    return Markup(
        "".join(
            f'<li><a href="{text(urls.instrument(i.key))}">{text(i.name)}</a>'
            f' <span class="why">{text(i.reason)}</span></li>'
            for i in touched[:INSTRUMENTS_SHOWN]
        )
    )


def charts(shown: Sequence[StoryChart]) -> Markup:
    """Each chart's figure: its instrument, the move since publication and the SVG."""
    out = []
    for c in shown:
        move = ""
        if c.move is not None:
            pct = f" {text(present.format_pct(c.move_pct))}" if c.move_pct is not None else ""
            to = f" (to {text(c.latest_at.strftime('%Y-%m-%d'))})" if c.latest_at else ""
            move = (
                f' · <span class="move">{text(present.format_change(c.move, c.decimals))}'
                f"{pct}</span> since publication{to}"
            )
        elif c.latest_at is not None and c.latest_at <= c.at:
            move = f" · no quote since publication (the last is of {c.latest_at:%Y-%m-%d})"
        body = (
            c.svg  # app/chart.py escapes its text
            if c.svg
            else f'<p class="empty">Too few quotes around {text(c.at.strftime("%Y-%m-%d"))}'
            " to draw.</p>"
        )
        out.append(
            f'  <figure class="{text(c.trend)}">\n    <figcaption><a href="'
            f'{text(urls.instrument(c.key))}">{text(c.name)}</a>{move}</figcaption>\n'
            f"{body}  </figure>\n"
        )
    return Markup("".join(out))


def copies(shown: Sequence[StoryCopy], this: int) -> Markup:
    """The copies of the story, ``this`` (the page's article) unlinked."""
    out = []
    for c in shown:
        if c.article_id == this:
            head = "<strong>this copy</strong>"
        else:
            title = text(c.title or "(untitled)")
            head = f'<a href="{text(urls.story(c.article_id))}">{title}</a>'
        out.append(
            f"<li>{head} · {text(c.publisher or 'unknown publisher')} · "
            f'<span class="url">{text(c.url or c.source)}</span></li>'
        )
    return Markup("".join(out))
