-- When the publisher last changed the article (HTML pages often say), beside when it was published.
ALTER TABLE articles ADD COLUMN modified TEXT;
