-- An entity's page reads the newest RELATED_SCAN (2,000) current articles that name it, for
-- the entities it appears with. With an index on the name alone, and on the key alone, the
-- planner's best way to the newest was to walk the articles backwards by the primary key and
-- test each one's entities (30 to 40 ms for a common name at 20,000 stories). These hold each
-- name's and each key's rows in article order: the read walks them backwards and stops at
-- the 2,000th. The key's new index begins as the old one did, which it replaces.
CREATE INDEX IF NOT EXISTS article_entities_norm_newest ON article_entities(norm, article_id);
DROP INDEX IF EXISTS article_entities_key;
CREATE INDEX article_entities_key ON article_entities(key, article_id) WHERE key IS NOT NULL;
