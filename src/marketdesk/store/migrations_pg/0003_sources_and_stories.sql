-- Sources, source items, bulk checkpoints and stories (issue 10): SQLite's 0004 in PostgreSQL's
-- own types. Times are timestamptz, as everywhere here. Articles stored before this version are
-- given their site, signature and story by store/postgres.py (_regroup) in the same transaction.

-- Sources the desk polls by itself, with their state.
CREATE TABLE sources (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    url           text NOT NULL UNIQUE,     -- an http(s) URL, or an absolute path
    kind          text NOT NULL,            -- feed | page | sitemap | folder | warc
    every_s       integer NOT NULL,
    edition       text,
    tags          text[] NOT NULL,
    allow_private boolean NOT NULL,
    from_config   boolean NOT NULL,
    paused        boolean NOT NULL DEFAULT false,
    added_at      timestamptz NOT NULL,
    next_poll     timestamptz NOT NULL,
    last_fetch    timestamptz,
    last_success  timestamptz,
    etag          text,
    last_modified text,
    last_error    text,
    failures      integer NOT NULL DEFAULT 0,
    cursor        text
);
CREATE INDEX sources_due ON sources (next_poll, id) WHERE NOT paused;

-- What each source gave, by the source's own key for it (a feed entry's GUID or link, a
-- sitemap's URL, a file's path): an item seen again is stored once.
CREATE TABLE source_items (
    source_id    bigint NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    key          text NOT NULL,
    content_hash text NOT NULL,
    article_id   bigint,
    seen_at      timestamptz NOT NULL,
    PRIMARY KEY (source_id, key)
);

-- Where a bulk ingest of one path stopped, so that a killed run resumes there.
CREATE TABLE checkpoints (
    name     text PRIMARY KEY,
    position text NOT NULL,
    at       timestamptz NOT NULL
);

-- Stories: copies of one article. sort_at is the earliest copy's publication time, else when
-- the story was first seen: the order of `marketdesk stories`. published is the page's own
-- ISO 8601 text, as for articles.
CREATE TABLE stories (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    title      text,
    origin     text,
    published  text,
    first_seen timestamptz NOT NULL,
    sort_at    timestamptz NOT NULL,
    copies     integer NOT NULL DEFAULT 0
);
CREATE INDEX stories_sort ON stories (sort_at DESC, id DESC);

-- Each article: its story, its MinHash signature (stories/signature.py, versioned), the host it
-- was published on (part of its fingerprint), and the newer version that replaced it.
ALTER TABLE articles
    ADD COLUMN story_id bigint REFERENCES stories(id),
    ADD COLUMN signature bytea,
    ADD COLUMN site text NOT NULL DEFAULT '',
    ADD COLUMN replaced_by bigint REFERENCES articles(id);
CREATE INDEX articles_story ON articles (story_id);
ALTER TABLE source_items ADD CONSTRAINT source_items_article_id_fkey
    FOREIGN KEY (article_id) REFERENCES articles(id) ON DELETE SET NULL;

-- LSH bands of each article's signature: articles that share a band are candidate copies. The
-- primary key is the btree on band that the candidate lookup reads.
CREATE TABLE story_bands (
    band       bigint NOT NULL,
    article_id bigint NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    PRIMARY KEY (band, article_id)
);
