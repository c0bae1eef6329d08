-- Corrections as data: every change an editor makes to what the reader found is a row. A
-- transcript's stored rows are derived from its reading plus its corrections that are not
-- undone, applied in order; reindex is that derivation over every transcript.
--
-- kind:   title | date | place | source_url   (target '', value the new text or NULL)
--         speaker        (target the label as printed, value the speaker's slug)
--         role           (target the turn's fingerprint, value statement|question|answer|remark)
--         topic-add | topic-remove (target the exchange's fingerprint, value the topic's slug)
--         topic-merge | topic-rename | topic-hide | speaker-merge | speaker-rename
--                        (archive-wide: transcript_id NULL, target the slug acted on)
--         reread         (the transcript read again by a newer reader; value its version)
-- before/after/place are what the history page shows, in words.
CREATE TABLE correction (
    id INTEGER PRIMARY KEY,
    transcript_id INTEGER REFERENCES transcript(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    target TEXT NOT NULL DEFAULT '',
    value TEXT,
    before TEXT,
    after TEXT,
    place TEXT,
    editor TEXT,
    reason TEXT,
    at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    undone_at TEXT,
    undone_by TEXT
);
CREATE INDEX correction_of_transcript ON correction (transcript_id, id);
CREATE INDEX correction_by_kind ON correction (kind, target);

-- Which version of the reader last read each transcript.
ALTER TABLE transcript ADD COLUMN reader INTEGER NOT NULL DEFAULT 1;

-- The choices kept before corrections were rows become the first corrections.
INSERT INTO correction (transcript_id, kind, value, after, at)
SELECT t.id, j.key, j.value, j.value, t.updated_at
FROM transcript t, json_each(CASE WHEN json_valid(t.edited) THEN t.edited ELSE '{}' END) j
WHERE j.type = 'text' AND j.key IN ('title', 'date', 'place', 'source_url');

INSERT INTO correction (transcript_id, kind, target, value, after, place, at)
SELECT a.transcript_id, 'speaker', a.label, s.slug, s.name, 'label ' || a.label, t.updated_at
FROM speaker_assignment a JOIN speaker s ON s.id = a.speaker_id JOIN transcript t ON t.id = a.transcript_id;

INSERT INTO correction (transcript_id, kind, target, value, after, place, at)
SELECT e.transcript_id, 'topic-' || e.action, e.fingerprint, tp.slug, tp.name,
       coalesce('exchange ' || (SELECT x.number FROM exchange x WHERE x.transcript_id = e.transcript_id AND x.fingerprint = e.fingerprint), 'an exchange'),
       t.updated_at
FROM topic_edit e JOIN topic tp ON tp.id = e.topic_id JOIN transcript t ON t.id = e.transcript_id
WHERE e.action IN ('add', 'remove');

-- The names of speakers merged into others, and the old names of renamed ones: a later
-- reading (reindex, a new import) that finds such a name gives its turns to the speaker kept.
CREATE TABLE speaker_key_alias (
    key        TEXT    PRIMARY KEY,
    speaker_id INTEGER NOT NULL REFERENCES speaker(id) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX speaker_key_alias_by_speaker ON speaker_key_alias (speaker_id);
