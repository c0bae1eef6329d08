-- One event, many sources: a republication (the same text published elsewhere, or saved again
-- with changed whitespace or markup) is kept as another source of the transcript it repeats.
-- `text_key` fingerprints what was said (letters and digits of every turn, folded to lower
-- case), so that two sources of one text find each other; NULL for texts too short to tell.
ALTER TABLE transcript ADD COLUMN text_key TEXT;
CREATE INDEX transcript_by_text_key ON transcript (text_key) WHERE text_key IS NOT NULL;

CREATE TABLE republication (
    source_id     INTEGER PRIMARY KEY REFERENCES source(id) ON DELETE CASCADE,
    transcript_id INTEGER NOT NULL REFERENCES transcript(id) ON DELETE CASCADE,
    -- Where this copy was published, as its page or the uploader said.
    source_url    TEXT
);
CREATE INDEX republication_by_transcript ON republication (transcript_id);
