"""The entity page: who or what an entity is (kind, name, knowledge-base key, Wikidata item),
the roles stories give it on each date, the stories that name it over time, and the entities it
appears with.

An entity is asked for by its knowledge-base key (``place:jp``, ``org:boj``) or, for one the
knowledge base does not know, by its name as stories write it (any case and spacing). What is
said of it comes from the stored annotations, so an entity no current story names is not found.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from marketdesk.app import urls
from marketdesk.app.desk import Desk
from marketdesk.app.paging import PAGE_SIZE, Paging
from marketdesk.errors import InputError, NotFoundError
from marketdesk.model import Entity, Story
from marketdesk.store import EntityRecord, RelatedEntity
from marketdesk.store.annotations_json import norm_name

__all__ = [
    "MAX_KEY_CHARS",
    "RELATED_SHOWN",
    "EntityPage",
    "EntityRole",
    "entity_key",
    "entity_page",
    "wikidata_url",
]

MAX_KEY_CHARS = 200
RELATED_SHOWN = 24


@dataclass(frozen=True, slots=True)
class EntityRole:
    """What one story calls the entity: its titles there ("prime minister"), on its date."""

    at: datetime
    roles: tuple[str, ...]
    article_id: int
    title: str | None


@dataclass(frozen=True, slots=True)
class EntityPage:
    asked: str  # the key or name in the URL
    record: EntityRecord
    wikidata: str | None  # its Wikidata item ("Q17"), where the knowledge base gives one
    country: str | None  # a country's ISO 3166-1 alpha-3 code
    stories: tuple[Story, ...]  # this page, newest first
    roles: tuple[EntityRole, ...]  # the roles this page's stories give it, newest first
    related: tuple[RelatedEntity, ...]
    paging: Paging

    @property
    def wikidata_url(self) -> str | None:
        return wikidata_url(self.wikidata)


def wikidata_url(item: str | None) -> str | None:
    return f"https://www.wikidata.org/wiki/{item}" if item else None


def entity_key(e: Entity) -> str:
    """What an entity's page is found by: its knowledge-base key, else its normalised name."""
    return e.key or norm_name(e.name)


def entity_page(desk: Desk, key: str, page: int = 1) -> EntityPage:
    asked = key.strip()
    if not asked:
        raise InputError("give an entity: a knowledge-base key (place:jp) or a name")
    if len(asked) > MAX_KEY_CHARS:
        raise InputError(f"an entity key or name has at most {MAX_KEY_CHARS} characters")
    paging = Paging.check(page)
    record = desk.storage.find_entity(asked)
    if record is None:
        raise NotFoundError(f"no stored story names {asked[:80]!r}")
    found = desk.storage.stories(limit=PAGE_SIZE + 1, offset=paging.offset, entity=asked)
    stories = tuple(found[:PAGE_SIZE])
    related = [
        r
        for r in desk.storage.related_entities(asked, RELATED_SHOWN + 1)
        if not (record.key and r.key == record.key)
    ][:RELATED_SHOWN]
    wikidata, country = _known(record.key)
    roles, linked = _roles(desk, stories, record, asked)
    # A person is known to the knowledge base through the stories' linked entities.
    wikidata = wikidata or next((e.wikidata for e in linked if e.wikidata), None)
    country = country or next((e.country for e in linked if e.country), None)
    return EntityPage(
        asked,
        record,
        wikidata,
        country,
        stories,
        roles,
        tuple(related),
        paging.seen(len(found)),
    )


def _known(key: str | None) -> tuple[str | None, str | None]:
    if key is None:
        return None, None
    # Imported here: the gazetteer comes with the enrichment package, which loads spaCy.
    from marketdesk.enrich import known

    facts = known(key)
    return (facts.wikidata, facts.alpha3) if facts is not None else (None, None)


def _roles(
    desk: Desk, stories: tuple[Story, ...], record: EntityRecord, asked: str
) -> tuple[tuple[EntityRole, ...], list[Entity]]:
    """The role each story's first copy gives the entity (the knowledge base's role on the
    story's date where it is linked, else the article's titles; one read for the page),
    and the entity as each of those stories has it."""
    names = {norm_name(asked), norm_name(record.name)}
    out = []
    linked: list[Entity] = []
    firsts = desk.storage.articles([s.copies[0].article_id for s in stories if s.copies])
    for s in stories:
        if not s.copies:
            continue
        article = firsts.get(s.copies[0].article_id)
        if article is None or article.annotations is None:
            continue
        for e in article.annotations.entities:
            same = (record.key is not None and e.key == record.key) or norm_name(e.name) in names
            if not same:
                continue
            linked.append(e)
            roles = (e.role,) if e.role else e.titles
            if roles:
                at = s.published or s.first_seen
                out.append(EntityRole(at, roles, article.id, article.article.title))
            break
    return tuple(out), linked


def entity_url(key: str | None, name: str) -> str:
    """The page of an entity known by ``key`` or, without one, by ``name``."""
    return urls.entity(key or norm_name(name))
