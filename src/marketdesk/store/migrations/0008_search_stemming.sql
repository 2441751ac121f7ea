-- Search stems English words, as PostgreSQL's 'english' configuration does: "rallies" finds
-- "rallied". FTS5's porter tokenizer wraps unicode61 (diacritics still folded). The index is
-- rebuilt from the articles already stored; the insert and delete triggers name the table and
-- keep working on the new one.
DROP TABLE articles_fts;
CREATE VIRTUAL TABLE articles_fts USING fts5(
    title, text, content='articles', content_rowid='id',
    tokenize='porter unicode61 remove_diacritics 2'
);
INSERT INTO articles_fts(articles_fts) VALUES ('rebuild');
