-- The registry's instruments each article touches (markets/links.py, worked out when it is
-- enriched), so that stories can be found by an instrument: `stories --instrument nikkei225`.
CREATE TABLE article_instruments (
    article_id bigint NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    instrument text NOT NULL,               -- the registry's key
    relevance  double precision NOT NULL,   -- 0 to 1
    PRIMARY KEY (article_id, instrument)
);
CREATE INDEX article_instruments_instrument ON article_instruments(instrument);
