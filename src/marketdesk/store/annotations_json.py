"""Annotations as the stores keep them: one JSON document an article, read back leniently.

Fields added by later enrichment steps have defaults, so an older document reads as
Annotations without them; a key that this version does not know is ignored, so a newer
database read by an older marketdesk still shows what it can.

The stores read a document's text through ``load_text``, which keeps the DECODED most recently
read: Annotations are immutable and a pure function of the text, so the same text is the same
annotations, whichever process wrote it and whenever (a changed document is another text, a
miss). An article shown again (the front page's stories, a story in the news) is not decoded
again; a miss costs the text's hash beside the decoding.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from marketdesk.model import (
    Annotations,
    Entity,
    EntityKind,
    Event,
    EventParty,
    InstrumentRef,
    Mention,
    Tone,
    TopicTag,
)

__all__ = ["DECODED", "dump", "load", "load_text", "norm_name"]

DECODED = 1024  # documents kept decoded by load_text, a few MB


def norm_name(name: str) -> str:
    """An entity's name as it is looked up: case-folded, spacing collapsed."""
    return " ".join(name.casefold().split())


def dump(annotations: Annotations) -> str:
    return json.dumps(
        {
            "model": annotations.model,
            "language": annotations.language,
            "notes": list(annotations.notes),
            "topics": [[t.code, t.label, t.relevance, list(t.cues)] for t in annotations.topics],
            "tone": None
            if annotations.tone is None
            else [
                annotations.tone.score,
                annotations.tone.label,
                annotations.tone.positive,
                annotations.tone.negative,
            ],
            "instruments": [[i.key, i.relevance, i.reason] for i in annotations.instruments],
            "countries": None if annotations.countries is None else list(annotations.countries),
            "entities": [
                {
                    "id": e.id,
                    "kind": str(e.kind),
                    "name": e.name,
                    "salience": e.salience,
                    "titles": list(e.titles),
                    "key": e.key,
                    "symbols": list(e.symbols),
                    "wikidata": e.wikidata,
                    "country": e.country,
                    "role": e.role,
                    "mentions": [
                        [m.text, m.start, m.end, m.sentence, m.part, m.by_title] for m in e.mentions
                    ],
                }
                for e in annotations.entities
            ],
            "events": [_event_json(e) for e in annotations.events],
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )


def load(text: str | dict[str, Any]) -> Annotations:
    data = json.loads(text) if isinstance(text, str) else text
    entities = []
    for e in data.get("entities", ()):
        try:
            kind = EntityKind(e["kind"])
        except ValueError:
            continue  # a kind a newer version added
        entities.append(
            Entity(
                id=int(e["id"]),
                kind=kind,
                name=str(e["name"]),
                mentions=tuple(
                    Mention(str(t), int(s), int(n), int(sent), str(part), bool(by))
                    for t, s, n, sent, part, by in e.get("mentions", ())
                ),
                salience=float(e.get("salience", 0.0)),
                titles=tuple(e.get("titles", ())),
                key=e.get("key"),
                symbols=tuple(e.get("symbols", ())),
                wikidata=e.get("wikidata"),
                country=e.get("country"),
                role=e.get("role"),
            )
        )
    topics = tuple(
        TopicTag(str(code), str(label), float(relevance), tuple(cues))
        for code, label, relevance, cues in data.get("topics", ())
    )
    raw_tone = data.get("tone")
    tone = None
    if raw_tone:
        score, label, positive, negative = raw_tone
        tone = Tone(float(score), str(label), int(positive), int(negative))
    language = data.get("language")
    instruments = tuple(
        InstrumentRef(str(key), float(relevance), str(reason))
        for key, relevance, reason in data.get("instruments", ())
    )
    stored_countries = data.get("countries")
    return Annotations(
        entities=tuple(entities),
        countries=None if stored_countries is None else tuple(map(str, stored_countries)),
        model=str(data.get("model", "")),
        topics=topics,
        tone=tone,
        language=None if language is None else str(language),
        notes=tuple(str(n) for n in data.get("notes", ())),
        instruments=instruments,
        events=tuple(e for raw in data.get("events", ()) if (e := _event(raw)) is not None),
    )


@lru_cache(maxsize=DECODED)
def load_text(text: str) -> Annotations:
    """``load`` of a stored document's text, kept (see above)."""
    return load(text)


def _party_json(p: EventParty | None) -> list[Any] | None:
    return None if p is None else [p.id, p.name, str(p.kind), p.country]


def _event_json(e: Event) -> dict[str, Any]:
    return {
        "type": e.type,
        "mode": e.mode,
        "actor": _party_json(e.actor),
        "recipient": _party_json(e.recipient),
        "location": _party_json(e.location),
        "date": e.date,
        "date_text": e.date_text,
        "sentence": e.sentence,
        "text": e.text,
        "cue": e.cue,
    }


def _party(raw: list[Any] | None) -> EventParty | None:
    if not raw:
        return None
    ident, name, kind, country = raw
    return EventParty(None if ident is None else int(ident), str(name), EntityKind(kind), country)


def _event(raw: dict[str, Any]) -> Event | None:
    try:
        actor = _party(raw["actor"])
        recipient = _party(raw.get("recipient"))
        location = _party(raw.get("location"))
    except ValueError:
        return None  # a kind a newer version added
    if actor is None:
        return None
    return Event(
        type=str(raw["type"]),
        actor=actor,
        recipient=recipient,
        sentence=int(raw.get("sentence", 0)),
        text=str(raw.get("text", "")),
        cue=str(raw.get("cue", "")),
        mode=raw.get("mode"),
        location=location,
        date=raw.get("date"),
        date_text=raw.get("date_text"),
    )
