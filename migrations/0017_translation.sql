-- One event in several languages. Each language is a transcript of its own, with its own slug,
-- permalinks and search entries; a translation points at the transcript of the original, which
-- has no row here. `linked_by` is the editor who linked the two; NULL when the reader found the
-- pair itself (the same date and named speakers and the same number of exchanges, in another
-- language).
CREATE TABLE translation (
    transcript_id INTEGER PRIMARY KEY REFERENCES transcript(id) ON DELETE CASCADE,
    original_id   INTEGER NOT NULL REFERENCES transcript(id) ON DELETE CASCADE,
    linked_by     TEXT,
    linked_at     TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    CHECK (transcript_id <> original_id)
);
CREATE INDEX translation_by_original ON translation (original_id);
