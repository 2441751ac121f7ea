-- Each document names the article it gave, so bytes seen again lead to their article even when
-- that article was first stored from another document (a re-crawl with other furniture).
ALTER TABLE documents ADD COLUMN article_id INTEGER REFERENCES articles(id) ON DELETE SET NULL;
UPDATE documents SET article_id = (SELECT a.id FROM articles a WHERE a.document_id = documents.id);

-- REAL columns turn -0.0 into 0.0, and a loss too small to show ("-0.00%") must print back as
-- one: change and change_pct get no declared type (so values are kept as given) and a CHECK
-- that keeps them numbers. Rows stored before lost the sign; a zero percentage beside a
-- negative change was a negative zero.
CREATE TABLE quotes_v3 (
    id          INTEGER PRIMARY KEY,
    instrument  TEXT,
    name        TEXT NOT NULL,
    at          INTEGER NOT NULL,
    last        REAL NOT NULL,
    change      CHECK (change IS NULL OR typeof(change) = 'real'),
    change_pct  CHECK (change_pct IS NULL OR typeof(change_pct) = 'real'),
    prev_close  REAL,
    open        REAL,
    high        REAL,
    low         REAL,
    decimals    INTEGER,
    source      TEXT NOT NULL,
    document_id INTEGER REFERENCES documents(id) ON DELETE CASCADE,
    UNIQUE (source, name, at)
);
INSERT INTO quotes_v3 (id, instrument, name, at, last, change, change_pct, prev_close, open, high,
                       low, decimals, source, document_id)
SELECT id, instrument, name, at, last, CAST(change AS REAL),
       CASE WHEN change_pct = 0 AND change < 0 THEN -0.0 ELSE CAST(change_pct AS REAL) END,
       prev_close, open, high, low, decimals, source, document_id
FROM quotes;
DROP TABLE quotes;
ALTER TABLE quotes_v3 RENAME TO quotes;
CREATE INDEX quotes_instrument_at ON quotes(instrument, at);
