-- Sources the desk polls by itself, with their state (issue 10).
CREATE TABLE sources (
    id            INTEGER PRIMARY KEY,
    url           TEXT NOT NULL UNIQUE,      -- an http(s) URL, or an absolute path
    kind          TEXT NOT NULL,             -- feed | page | sitemap | folder | warc
    every_s       INTEGER NOT NULL,
    edition       TEXT,
    tags          TEXT NOT NULL,             -- JSON list
    allow_private INTEGER NOT NULL,
    from_config   INTEGER NOT NULL,
    paused        INTEGER NOT NULL DEFAULT 0,
    added_at      INTEGER NOT NULL,          -- unix microseconds, UTC (as every time here)
    next_poll     INTEGER NOT NULL,
    last_fetch    INTEGER,
    last_success  INTEGER,
    etag          TEXT,
    last_modified TEXT,
    last_error    TEXT,
    failures      INTEGER NOT NULL DEFAULT 0,
    cursor        TEXT
);
CREATE INDEX sources_due ON sources(paused, next_poll);

-- What each source gave, by the source's own key for it (a feed entry's GUID or link, a
-- sitemap's URL, a file's path): an item seen again is stored once.
CREATE TABLE source_items (
    source_id    INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    key          TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    article_id   INTEGER REFERENCES articles(id) ON DELETE SET NULL,
    seen_at      INTEGER NOT NULL,
    PRIMARY KEY (source_id, key)
);

-- Where a bulk ingest of one path stopped, so that a killed run resumes there.
CREATE TABLE checkpoints (
    name     TEXT PRIMARY KEY,
    position TEXT NOT NULL,
    at       INTEGER NOT NULL
);

-- Stories: copies of one article. sort_at is the earliest copy's publication time, else when
-- the story was first seen: the order of `marketdesk stories`.
CREATE TABLE stories (
    id         INTEGER PRIMARY KEY,
    title      TEXT,
    origin     TEXT,
    published  TEXT,
    first_seen INTEGER NOT NULL,
    sort_at    INTEGER NOT NULL,
    copies     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX stories_sort ON stories(sort_at DESC, id DESC);

-- Each article: its story, its MinHash signature (stories/signature.py, versioned), the host it
-- was published on (part of its fingerprint), and the newer version that replaced it.
ALTER TABLE articles ADD COLUMN story_id INTEGER REFERENCES stories(id);
ALTER TABLE articles ADD COLUMN signature BLOB;
ALTER TABLE articles ADD COLUMN site TEXT NOT NULL DEFAULT '';
ALTER TABLE articles ADD COLUMN replaced_by INTEGER REFERENCES articles(id);
CREATE INDEX articles_story ON articles(story_id);

-- LSH bands of each article's signature: articles that share a band are candidate copies.
CREATE TABLE story_bands (
    band       INTEGER NOT NULL,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    PRIMARY KEY (band, article_id)
) WITHOUT ROWID;
