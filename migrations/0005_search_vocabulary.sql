-- The words the search index holds, one row each with how many passages hold it: a prefix such
-- as `ukrain*` is written out as the words it stands for before a search that looks passages
-- up one at a time (search::newest_passages), where FTS5 would otherwise merge the lists of
-- every such word again for each passage.
CREATE VIRTUAL TABLE turn_vocabulary USING fts5vocab (turn_fts, 'row');
