-- The search index keeps up to 32 MB of new terms in memory before it writes them out as a
-- segment (the default is 1 MB): a bulk import writes fewer, larger segments and merges less,
-- and search reads fewer segments. The setting is kept in the index's own config table.
INSERT INTO turn_fts (turn_fts, rank) VALUES ('hashsize', 33554432);
