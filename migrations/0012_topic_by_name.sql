-- Topics found by name, in any case (the search's topic filter, another name of a place).
CREATE INDEX topic_by_name ON topic (name COLLATE NOCASE);
