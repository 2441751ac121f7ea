-- A counter that every transaction storing quotes bumps as its last quote statement, so that
-- the live strip sees any process's new quotes by polling one row (Storage.quotes_version).
-- The largest quote id would not do here: writers run at once, and a lower id can commit after
-- a higher one has been seen.
CREATE TABLE quotes_version (
    one     boolean PRIMARY KEY DEFAULT true CHECK (one),
    version bigint NOT NULL
);
INSERT INTO quotes_version (version) SELECT count(*) FROM quotes;
