-- Enrichment: each article's annotations (store/annotations_json.py; NULL: not enriched yet),
-- and its entities as rows, so that stories can be found by the people, organisations and
-- places they name.
ALTER TABLE articles ADD COLUMN annotations jsonb;

CREATE TABLE article_entities (
    article_id bigint NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    entity     integer NOT NULL,            -- Entity.id, local to the article
    kind       text NOT NULL,               -- person | organisation | place
    name       text NOT NULL,               -- the fullest form the article gives
    norm       text NOT NULL,               -- the name case-folded: what a lookup matches
    key        text,                        -- the knowledge base's id, where it knows it
    salience   double precision NOT NULL,
    mentions   integer NOT NULL,
    PRIMARY KEY (article_id, entity)
);
CREATE INDEX article_entities_norm ON article_entities(norm, kind);
CREATE INDEX article_entities_key ON article_entities(key) WHERE key IS NOT NULL;

-- Its topics (enrich/topics.py, docs/topics.md), so that stories can be found by them.
CREATE TABLE article_topics (
    article_id bigint NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    topic      text NOT NULL,               -- the taxonomy's code: "trade", "monetary", ...
    relevance  double precision NOT NULL,
    PRIMARY KEY (article_id, topic)
);
CREATE INDEX article_topics_topic ON article_topics(topic);
