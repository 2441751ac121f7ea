-- Full-text search: a stored tsvector over the title (weight A) and the text (weight B), with the
-- 'english' configuration (stems and stop words: "rallies" finds "rallied"), in a GIN index.
-- store/postgres.py queries it with plainto_tsquery in the same configuration. Adding the
-- column computes it for the rows already stored, so an older database becomes searchable.
ALTER TABLE articles ADD COLUMN search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english', coalesce(title, '')), 'A')
    || setweight(to_tsvector('english', text), 'B')
) STORED;
CREATE INDEX articles_search ON articles USING gin (search);
