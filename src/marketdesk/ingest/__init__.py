"""Getting documents in: the one HTTP fetcher, feeds, sources and scheduling, the pipeline."""
