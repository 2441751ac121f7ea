-- Enrichment: each article's annotations (store/annotations_json.py; NULL: not enriched yet),
-- and its entities as rows, so that stories can be found by the people, organisations and
-- places they name.
ALTER TABLE articles ADD COLUMN annotations TEXT;

CREATE TABLE article_entities (
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    entity     INTEGER NOT NULL,             -- Entity.id, local to the article
    kind       TEXT NOT NULL,                -- person | organisation | place
    name       TEXT NOT NULL,                -- the fullest form the article gives
    norm       TEXT NOT NULL,                -- the name case-folded: what a lookup matches
    key        TEXT,                         -- the knowledge base's id, where it knows it
    salience   REAL NOT NULL,
    mentions   INTEGER NOT NULL,
    PRIMARY KEY (article_id, entity)
) WITHOUT ROWID;
CREATE INDEX article_entities_norm ON article_entities(norm, kind);
CREATE INDEX article_entities_key ON article_entities(key) WHERE key IS NOT NULL;

-- Its topics (enrich/topics.py, docs/topics.md), so that stories can be found by them.
CREATE TABLE article_topics (
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    topic      TEXT NOT NULL,                -- the taxonomy's code: "trade", "monetary", ...
    relevance  REAL NOT NULL,
    PRIMARY KEY (article_id, topic)
) WITHOUT ROWID;
CREATE INDEX article_topics_topic ON article_topics(topic);
