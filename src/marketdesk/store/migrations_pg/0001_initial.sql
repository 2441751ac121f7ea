-- The tables of store/migrations/ (SQLite, as of its 0003) in PostgreSQL's own types.
-- Times are timestamptz (UTC instants, microsecond precision); published and modified are the
-- page's own ISO 8601 text, offset or none, as in SQLite.

-- Documents as read or fetched; the bytes are kept so pages can be re-extracted.
CREATE TABLE documents (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source      text NOT NULL,
    url         text,
    sha256      text NOT NULL UNIQUE,
    media_type  text,
    kind        text NOT NULL,
    fetched_at  timestamptz NOT NULL,
    size        bigint NOT NULL,
    content     bytea NOT NULL,           -- zlib-compressed original bytes
    article_id  bigint                    -- the article these bytes gave (see below)
);
-- The content is compressed already: EXTERNAL keeps TOAST from trying again.
ALTER TABLE documents ALTER COLUMN content SET STORAGE EXTERNAL;

CREATE TABLE articles (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    document_id   bigint NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    fingerprint   text NOT NULL UNIQUE,   -- sha256 of the normalised title and text
    title         text,
    text          text NOT NULL,
    paragraphs    text[] NOT NULL,
    authors       text[] NOT NULL,
    published     text,
    modified      text,
    publisher     text,
    origin        text,
    copyright     text,
    language      text,
    url           text,
    description   text,
    image         text,
    market_status text,
    fetched_at    timestamptz NOT NULL
);
CREATE INDEX articles_fetched ON articles (fetched_at DESC, id DESC);

-- Bytes seen again lead to their article even when it was first stored from other bytes.
ALTER TABLE documents ADD CONSTRAINT documents_article_id_fkey
    FOREIGN KEY (article_id) REFERENCES articles(id) ON DELETE SET NULL;

CREATE TABLE removed_blocks (
    article_id  bigint NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    position    integer NOT NULL,
    kind        text NOT NULL,
    text        text NOT NULL,
    PRIMARY KEY (article_id, position)
);

-- double precision keeps negative zero ("-0.00%" must print back as one).
CREATE TABLE quotes (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    instrument  text,                     -- registry key; NULL when the name is unknown
    name        text NOT NULL,            -- as the source printed it
    at          timestamptz NOT NULL,
    last        double precision NOT NULL,
    change      double precision,
    change_pct  double precision,
    prev_close  double precision,
    open        double precision,
    high        double precision,
    low         double precision,
    decimals    integer,
    source      text NOT NULL,
    document_id bigint REFERENCES documents(id) ON DELETE CASCADE,
    UNIQUE (source, name, at)
);
CREATE INDEX quotes_instrument_at ON quotes (instrument, at);
