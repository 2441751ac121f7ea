-- Search reads, for each of up to SEARCH_SCAN matches, only the article's story and whether it
-- is current; the articles' rows are wide (text, paragraphs, annotations: about 4 kB, a page or
-- more each), and reading them was most of a search at scale (2,000 matches: 10 to 20 ms).
-- This narrow index holds those columns by id: search_stories and count_stories read it, named
-- (INDEXED BY), instead of the rows (about 2 ms).
CREATE INDEX IF NOT EXISTS articles_search ON articles(id, story_id, replaced_by);
