-- The archive: sources (verbatim bytes), transcripts, speakers and their aliases, turns,
-- exchanges, topics, and the full-text index of what was said.

-- The uploaded bytes, kept verbatim forever. The same bytes twice are one source.
CREATE TABLE source (
    id          INTEGER PRIMARY KEY,
    sha256      TEXT    NOT NULL UNIQUE,
    media_type  TEXT    NOT NULL,
    file_name   TEXT,
    bytes       BLOB    NOT NULL,
    uploaded_by TEXT,
    uploaded_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);

-- One event. The slug never changes once published. `header`, `preface` and `notes` are JSON
-- arrays of paragraphs. `edited` lists (as JSON) the fields an editor fixed; reindex keeps them.
CREATE TABLE transcript (
    id             INTEGER PRIMARY KEY,
    source_id      INTEGER NOT NULL UNIQUE REFERENCES source(id),
    slug           TEXT    NOT NULL UNIQUE,
    title          TEXT    NOT NULL,
    date           TEXT,
    place          TEXT,
    source_url     TEXT,
    language       TEXT,
    header         TEXT    NOT NULL DEFAULT '[]',
    preface        TEXT    NOT NULL DEFAULT '[]',
    notes          TEXT    NOT NULL DEFAULT '[]',
    exchange_count INTEGER NOT NULL DEFAULT 0,
    edited         TEXT    NOT NULL DEFAULT '{}',
    created_at     TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    updated_at     TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX transcript_by_date ON transcript (date DESC, id DESC);

-- A person, an outlet or an anonymous questioner. `key` is the folded name (see parse::names::fold),
-- prefixed by the kind for outlets and anonymous speakers so that they never merge with a person.
CREATE TABLE speaker (
    id      INTEGER PRIMARY KEY,
    slug    TEXT NOT NULL UNIQUE,
    name    TEXT NOT NULL,
    key     TEXT NOT NULL UNIQUE,
    surname TEXT NOT NULL,
    kind    TEXT NOT NULL CHECK (kind IN ('person', 'outlet', 'anonymous'))
);
CREATE INDEX speaker_by_surname ON speaker (surname);

-- Every label, as printed, that resolved to a speaker.
CREATE TABLE alias (
    speaker_id INTEGER NOT NULL REFERENCES speaker(id) ON DELETE CASCADE,
    label      TEXT    NOT NULL,
    PRIMARY KEY (speaker_id, label)
) WITHOUT ROWID;

-- One speaker's uninterrupted speech. `paragraphs` is a JSON array. `exchange` is the number of
-- the exchange the turn asks or answers in.
CREATE TABLE turn (
    id            INTEGER PRIMARY KEY,
    transcript_id INTEGER NOT NULL REFERENCES transcript(id) ON DELETE CASCADE,
    position      INTEGER NOT NULL,
    speaker_id    INTEGER NOT NULL REFERENCES speaker(id),
    label         TEXT,
    role          TEXT    NOT NULL CHECK (role IN ('statement', 'question', 'answer', 'remark')),
    exchange      INTEGER,
    paragraphs    TEXT    NOT NULL,
    UNIQUE (transcript_id, position)
);
CREATE INDEX turn_by_speaker ON turn (speaker_id, role);

-- A question and its answers, numbered from 1. `fingerprint` is a hash of the question's folded
-- text: it finds the exchange again after a re-parse renumbers it.
CREATE TABLE exchange (
    id            INTEGER PRIMARY KEY,
    transcript_id INTEGER NOT NULL REFERENCES transcript(id) ON DELETE CASCADE,
    number        INTEGER NOT NULL,
    question      INTEGER NOT NULL,
    fingerprint   TEXT    NOT NULL,
    UNIQUE (transcript_id, number)
);
CREATE INDEX exchange_by_fingerprint ON exchange (transcript_id, fingerprint);

-- An exchange address that once answered with other content: where its content lives now.
CREATE TABLE exchange_redirect (
    transcript_id INTEGER NOT NULL REFERENCES transcript(id) ON DELETE CASCADE,
    number        INTEGER NOT NULL,
    fingerprint   TEXT    NOT NULL,
    PRIMARY KEY (transcript_id, number)
) WITHOUT ROWID;

-- Themes, people, countries and organisations. `key` is the folded name.
CREATE TABLE topic (
    id   INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    key  TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL
);

-- Topics of an exchange: found automatically, given by the source, or chosen by an editor.
CREATE TABLE exchange_topic (
    exchange_id INTEGER NOT NULL REFERENCES exchange(id) ON DELETE CASCADE,
    topic_id    INTEGER NOT NULL REFERENCES topic(id) ON DELETE CASCADE,
    origin      TEXT    NOT NULL CHECK (origin IN ('auto', 'source', 'editor')),
    score       REAL    NOT NULL DEFAULT 0,
    PRIMARY KEY (exchange_id, topic_id)
) WITHOUT ROWID;
CREATE INDEX exchange_topic_by_topic ON exchange_topic (topic_id);

-- Editors' topic choices, keyed by the exchange's fingerprint so that they survive reindex.
CREATE TABLE topic_edit (
    transcript_id INTEGER NOT NULL REFERENCES transcript(id) ON DELETE CASCADE,
    fingerprint   TEXT    NOT NULL,
    topic_id      INTEGER NOT NULL REFERENCES topic(id) ON DELETE CASCADE,
    action        TEXT    NOT NULL CHECK (action IN ('add', 'remove')),
    PRIMARY KEY (transcript_id, fingerprint, topic_id)
) WITHOUT ROWID;

-- The slug of a topic merged into another keeps answering with a redirect.
CREATE TABLE topic_redirect (
    slug     TEXT    PRIMARY KEY,
    topic_id INTEGER NOT NULL REFERENCES topic(id) ON DELETE CASCADE
) WITHOUT ROWID;

-- In how many transcripts each key phrase occurs: what every transcript says is no topic.
CREATE TABLE phrase_frequency (
    phrase      TEXT    PRIMARY KEY,
    transcripts INTEGER NOT NULL
) WITHOUT ROWID;

-- An editor's assignment of a label to a speaker in one transcript; reindex keeps it.
CREATE TABLE speaker_assignment (
    transcript_id INTEGER NOT NULL REFERENCES transcript(id) ON DELETE CASCADE,
    label         TEXT    NOT NULL,
    speaker_id    INTEGER NOT NULL REFERENCES speaker(id) ON DELETE CASCADE,
    PRIMARY KEY (transcript_id, label)
) WITHOUT ROWID;

-- The text of each turn as search reads it: paragraphs joined, `ё` folded to `е` (which the
-- tokenizer does not fold).
CREATE VIEW turn_text AS
SELECT id,
       replace(replace((SELECT group_concat(p.value, char(10)) FROM json_each(turn.paragraphs) p), 'ё', 'е'), 'Ё', 'Е') AS body
FROM turn;

-- What was said, for search: one row per turn (rowid = turn.id), its text read from
-- `turn_text` rather than stored twice. Diacritics are folded so that `Macron` finds `Macrón`.
-- Rows are added and removed with the turns, in the same transaction (store::write).
CREATE VIRTUAL TABLE turn_fts USING fts5 (
    body,
    content = 'turn_text',
    content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);
