-- Search reads a narrow table of its own: each article's id, story, whether it is current and
-- its tsvector (title weight A, text weight B, 'english', as 0002), about eight rows a page,
-- where the articles table holds two or three (a search's floor, ranking and count read
-- thousands of matches: of wide rows, thousands of pages and their TOAST). The articles table
-- no longer computes or indexes a tsvector of its own.
--
-- Kept by triggers, whoever writes: a new article gets its row when its transaction commits
-- (deferred, so the row is written once, with the story the article joined in that
-- transaction, not written and then updated), and a later change of its story or its
-- replacement (or of its words) updates the row, only where it changes: no dead rows on a
-- server without autovacuum. Deleting an article deletes its row.
CREATE TABLE article_search (
    article_id bigint PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    story_id   bigint,
    current    boolean NOT NULL,
    search     tsvector NOT NULL
);
INSERT INTO article_search (article_id, story_id, current, search)
    SELECT id, story_id, replaced_by IS NULL, search FROM articles ORDER BY id;
CREATE INDEX article_search_words ON article_search USING gin (search);
ALTER TABLE articles DROP COLUMN search;  -- and its index, articles_search

CREATE FUNCTION article_search_row() RETURNS trigger LANGUAGE plpgsql
SET search_path FROM CURRENT AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO article_search (article_id, story_id, current, search)
        SELECT a.id, a.story_id, a.replaced_by IS NULL,
               setweight(to_tsvector('english', coalesce(a.title, '')), 'A')
               || setweight(to_tsvector('english', a.text), 'B')
        FROM articles a WHERE a.id = NEW.id
        ON CONFLICT (article_id) DO NOTHING;
    ELSIF NEW.title IS DISTINCT FROM OLD.title OR NEW.text IS DISTINCT FROM OLD.text THEN
        UPDATE article_search t SET story_id = a.story_id, current = a.replaced_by IS NULL,
            search = setweight(to_tsvector('english', coalesce(a.title, '')), 'A')
                     || setweight(to_tsvector('english', a.text), 'B')
        FROM articles a WHERE a.id = NEW.id AND t.article_id = a.id;
    ELSE
        UPDATE article_search t SET story_id = a.story_id, current = a.replaced_by IS NULL
        FROM articles a
        WHERE a.id = NEW.id AND t.article_id = a.id
          AND (t.story_id IS DISTINCT FROM a.story_id OR t.current <> (a.replaced_by IS NULL));
    END IF;
    RETURN NULL;
END
$$;
CREATE CONSTRAINT TRIGGER article_search_insert AFTER INSERT ON articles
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION article_search_row();
CREATE CONSTRAINT TRIGGER article_search_update AFTER UPDATE OF story_id, replaced_by, title, text
    ON articles
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION article_search_row();
