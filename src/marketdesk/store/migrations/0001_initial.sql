-- Documents as read or fetched; the bytes are kept so pages can be re-extracted.
CREATE TABLE documents (
    id          INTEGER PRIMARY KEY,
    source      TEXT NOT NULL,
    url         TEXT,
    sha256      TEXT NOT NULL UNIQUE,
    media_type  TEXT,
    kind        TEXT NOT NULL,
    fetched_at  INTEGER NOT NULL,           -- unix microseconds, UTC
    size        INTEGER NOT NULL,
    content     BLOB NOT NULL               -- zlib-compressed original bytes
);

CREATE TABLE articles (
    id            INTEGER PRIMARY KEY,
    document_id   INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    fingerprint   TEXT NOT NULL UNIQUE,     -- sha256 of the normalised title and text
    title         TEXT,
    text          TEXT NOT NULL,
    paragraphs    TEXT NOT NULL,            -- JSON list
    authors       TEXT NOT NULL,            -- JSON list
    published     TEXT,
    publisher     TEXT,
    origin        TEXT,
    copyright     TEXT,
    language      TEXT,
    url           TEXT,
    description   TEXT,
    image         TEXT,
    market_status TEXT,
    fetched_at    INTEGER NOT NULL
);
CREATE INDEX articles_fetched ON articles(fetched_at DESC, id DESC);

CREATE TABLE removed_blocks (
    article_id  INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    kind        TEXT NOT NULL,
    text        TEXT NOT NULL,
    PRIMARY KEY (article_id, position)
);

CREATE TABLE quotes (
    id          INTEGER PRIMARY KEY,
    instrument  TEXT,                        -- registry key; NULL when the name is unknown
    name        TEXT NOT NULL,               -- as the source printed it
    at          INTEGER NOT NULL,            -- unix microseconds, UTC
    last        REAL NOT NULL,
    change      REAL,
    change_pct  REAL,
    prev_close  REAL,
    open        REAL,
    high        REAL,
    low         REAL,
    decimals    INTEGER,
    source      TEXT NOT NULL,
    document_id INTEGER REFERENCES documents(id) ON DELETE CASCADE,
    UNIQUE (source, name, at)
);
CREATE INDEX quotes_instrument_at ON quotes(instrument, at);

CREATE VIRTUAL TABLE articles_fts USING fts5(
    title, text, content='articles', content_rowid='id', tokenize='unicode61 remove_diacritics 2'
);
CREATE TRIGGER articles_ai AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
END;
CREATE TRIGGER articles_ad AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);
END;
