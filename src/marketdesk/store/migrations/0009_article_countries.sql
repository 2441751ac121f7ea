-- The countries each article's annotations store (Annotations.countries: the countries it
-- names and those of the places it names, ISO 3166-1 alpha-3), so that stories can be found by
-- a country: `stories --country JPN`, the front page's and search's country filter. Copied from
-- the annotations already stored; those stored before countries were kept have none (`marketdesk
-- enrich --all` works them out).
CREATE TABLE article_countries (
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    country    TEXT NOT NULL,                -- ISO 3166-1 alpha-3, upper case
    PRIMARY KEY (article_id, country)
) WITHOUT ROWID;
CREATE INDEX article_countries_country ON article_countries(country);
INSERT OR IGNORE INTO article_countries(article_id, country)
    SELECT a.id, upper(c.value) FROM articles a, json_each(a.annotations, '$.countries') c
    WHERE a.annotations IS NOT NULL AND json_type(a.annotations, '$.countries') = 'array'
    AND c.type = 'text';
