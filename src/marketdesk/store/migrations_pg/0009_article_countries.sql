-- The countries each article's annotations store (Annotations.countries: the countries it
-- names and those of the places it names, ISO 3166-1 alpha-3), so that stories can be found by
-- a country: `stories --country JPN`, the front page's and search's country filter. Copied from
-- the annotations already stored; those stored before countries were kept have none (`marketdesk
-- enrich --all` works them out).
CREATE TABLE article_countries (
    article_id bigint NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    country    text NOT NULL,               -- ISO 3166-1 alpha-3, upper case
    PRIMARY KEY (article_id, country)
);
CREATE INDEX article_countries_country ON article_countries(country);
INSERT INTO article_countries (article_id, country)
    SELECT a.id, upper(c.value) FROM articles a,
        jsonb_array_elements_text(a.annotations -> 'countries') c
    WHERE jsonb_typeof(a.annotations -> 'countries') = 'array'
    ON CONFLICT DO NOTHING;
