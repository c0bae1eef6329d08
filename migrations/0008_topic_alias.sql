-- The names of topics merged into others. A later reading (reindex, a new import) that finds
-- such a name again gives its exchanges to the topic it was merged into.
CREATE TABLE topic_alias (
    key      TEXT    PRIMARY KEY,
    topic_id INTEGER NOT NULL REFERENCES topic(id) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX topic_alias_by_topic ON topic_alias (topic_id);

-- Merges made before this table: a merged topic's slug is the nearest record of its name.
INSERT OR IGNORE INTO topic_alias (key, topic_id)
SELECT replace(r.slug, '-', ' '), r.topic_id FROM topic_redirect r
WHERE replace(r.slug, '-', ' ') NOT IN (SELECT key FROM topic);
