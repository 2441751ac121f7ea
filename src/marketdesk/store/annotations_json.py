"""Annotations as the stores keep them: one JSON document an article, read back leniently.

Fields added by later enrichment steps have defaults, so an older document reads as
Annotations without them; a key that this version does not know is ignored, so a newer
database read by an older marketdesk still shows what it can.
"""

from __future__ import annotations

import json
from typing import Any

from marketdesk.model import (
    Annotations,
    Entity,
    EntityKind,
    InstrumentRef,
    Mention,
    Tone,
    TopicTag,
)

__all__ = ["dump", "load", "norm_name"]


def norm_name(name: str) -> str:
    """An entity's name as it is looked up: case-folded, spacing collapsed."""
    return " ".join(name.casefold().split())


def dump(annotations: Annotations) -> str:
    return json.dumps(
        {
            "model": annotations.model,
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
    instruments = tuple(
        InstrumentRef(str(key), float(relevance), str(reason))
        for key, relevance, reason in data.get("instruments", ())
    )
    return Annotations(
        entities=tuple(entities),
        model=str(data.get("model", "")),
        topics=topics,
        tone=tone,
        instruments=instruments,
    )
