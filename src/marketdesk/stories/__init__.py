"""Story grouping: copies of one article (syndicated, re-templated, retitled, cut) become one
story. Pure: signatures and decisions only; storage keeps the bands and runs the lookups."""
