-- A topic an editor hid (junk such as "Looking forward"): the reader no longer links it to
-- exchanges, and its page says it was hidden. Undoing the hide brings its exchanges back.
ALTER TABLE topic ADD COLUMN hidden INTEGER NOT NULL DEFAULT 0;
CREATE INDEX topic_is_hidden ON topic (id) WHERE hidden = 1;
