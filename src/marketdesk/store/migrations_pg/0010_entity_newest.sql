-- An entity's page counts the current articles that name it (find_entity) and reads its newest
-- RELATED_SCAN (2,000) of them for the entities it appears with (related_entities). With an
-- index on the name alone and on the key alone, the first read every row of the name from the
-- table and every article's row for its currency (Japan at 100,000 stories, 19,860 articles:
-- 100 ms), and the second walked all articles backwards by the primary key, testing each one's
-- entities. Now a name's and a key's rows are held in article order with what the reads take
-- (a walk backwards stops at the 2,000th; a count reads the index alone), current articles
-- are read from an index of their own, and the few replaced ones from another.
DROP INDEX IF EXISTS article_entities_norm;
CREATE INDEX article_entities_norm ON article_entities(norm, article_id) INCLUDE (name, kind, key);
DROP INDEX IF EXISTS article_entities_key;
CREATE INDEX article_entities_key ON article_entities(key, article_id) INCLUDE (name, kind, norm)
    WHERE key IS NOT NULL;
CREATE INDEX IF NOT EXISTS articles_current ON articles(id, story_id) WHERE replaced_by IS NULL;
CREATE INDEX IF NOT EXISTS articles_replaced ON articles(id) WHERE replaced_by IS NOT NULL;
