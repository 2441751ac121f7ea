-- The registry's instruments each article touches (markets/links.py, worked out when it is
-- enriched), so that stories can be found by an instrument: `stories --instrument nikkei225`.
CREATE TABLE article_instruments (
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    instrument TEXT NOT NULL,                -- the registry's key
    relevance  REAL NOT NULL,                -- 0 to 1
    PRIMARY KEY (article_id, instrument)
) WITHOUT ROWID;
CREATE INDEX article_instruments_instrument ON article_instruments(instrument);
