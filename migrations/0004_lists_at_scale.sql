-- Lists that stay fast at any size. What a list page shows is kept beside the rows it comes
-- from, by triggers, so that it changes in the same transaction as they do; and every list is
-- read through an index in the order the page shows it, never sorted or counted on a request.

-- The transcript's date on each of its turns ('' when undated), so that one speaker's turns
-- are read newest first from an index. The trigger below keeps it when a date is edited.
ALTER TABLE turn ADD COLUMN date TEXT NOT NULL DEFAULT '';
UPDATE turn SET date = coalesce((SELECT date FROM transcript WHERE id = turn.transcript_id), '');

CREATE TRIGGER transcript_redated AFTER UPDATE OF date ON transcript
WHEN coalesce(OLD.date, '') IS NOT coalesce(NEW.date, '')
BEGIN
    UPDATE turn SET date = coalesce(NEW.date, '') WHERE transcript_id = NEW.id;
END;

-- A speaker's answers and statements, newest first (the speaker's page).
CREATE INDEX turn_spoken_by_date ON turn (speaker_id, date DESC, transcript_id DESC, position)
    WHERE role IN ('answer', 'statement');
-- A speaker's answers, newest first: the questions put to them are those of these exchanges.
CREATE INDEX turn_answers_by_date ON turn (speaker_id, date DESC, transcript_id DESC, exchange)
    WHERE role = 'answer';

-- Transcripts newest first, undated last ('' sorts below every date), by year as a range.
DROP INDEX transcript_by_date;
CREATE INDEX transcript_newest ON transcript (coalesce(date, '') DESC, id DESC);

-- What each speaker said, counted. `kind` is the speaker's, copied so that each kind's list
-- is one range of an index.
CREATE TABLE speaker_stat (
    speaker_id  INTEGER PRIMARY KEY REFERENCES speaker(id) ON DELETE CASCADE,
    kind        TEXT    NOT NULL,
    answers     INTEGER NOT NULL DEFAULT 0,
    statements  INTEGER NOT NULL DEFAULT 0,
    questions   INTEGER NOT NULL DEFAULT 0,
    turns       INTEGER NOT NULL DEFAULT 0,
    transcripts INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX speaker_stat_by_turns ON speaker_stat (turns DESC);
CREATE INDEX speaker_stat_by_kind ON speaker_stat (kind, turns DESC);

-- How many turns each speaker has in each transcript: a row appears with a speaker's first turn
-- in a transcript and goes with the last, which counts the speaker's transcripts.
CREATE TABLE speaker_transcript (
    speaker_id    INTEGER NOT NULL,
    transcript_id INTEGER NOT NULL,
    turns         INTEGER NOT NULL,
    PRIMARY KEY (speaker_id, transcript_id)
) WITHOUT ROWID;

INSERT INTO speaker_transcript (speaker_id, transcript_id, turns)
SELECT speaker_id, transcript_id, count(*) FROM turn GROUP BY speaker_id, transcript_id;

INSERT INTO speaker_stat (speaker_id, kind, answers, statements, questions, turns, transcripts)
SELECT s.id, s.kind,
       coalesce((SELECT sum(role = 'answer') FROM turn WHERE speaker_id = s.id), 0),
       coalesce((SELECT sum(role = 'statement') FROM turn WHERE speaker_id = s.id), 0),
       coalesce((SELECT sum(role = 'question') FROM turn WHERE speaker_id = s.id), 0),
       (SELECT count(*) FROM turn WHERE speaker_id = s.id),
       (SELECT count(*) FROM speaker_transcript WHERE speaker_id = s.id)
FROM speaker s;

CREATE TRIGGER speaker_counted AFTER INSERT ON speaker
BEGIN
    INSERT OR IGNORE INTO speaker_stat (speaker_id, kind) VALUES (NEW.id, NEW.kind);
END;

CREATE TRIGGER speaker_rekinded AFTER UPDATE OF kind ON speaker
BEGIN
    UPDATE speaker_stat SET kind = NEW.kind WHERE speaker_id = NEW.id;
END;

-- New turns are counted by the statement that follows each batch of them (store::derive), one
-- aggregate per batch rather than a trigger per turn, which made importing half again slower.
-- Turns deleted or given to another speaker are counted by these triggers.
CREATE TRIGGER turn_uncounted AFTER DELETE ON turn
BEGIN
    UPDATE speaker_stat SET answers = answers - (OLD.role = 'answer'),
        statements = statements - (OLD.role = 'statement'),
        questions = questions - (OLD.role = 'question'), turns = turns - 1
    WHERE speaker_id = OLD.speaker_id;
    UPDATE speaker_transcript SET turns = turns - 1
    WHERE speaker_id = OLD.speaker_id AND transcript_id = OLD.transcript_id;
    DELETE FROM speaker_transcript
    WHERE speaker_id = OLD.speaker_id AND transcript_id = OLD.transcript_id AND turns <= 0;
END;

-- A turn given to another speaker or role counts as the old turn gone and the new one added.
CREATE TRIGGER turn_recounted AFTER UPDATE OF speaker_id, role, transcript_id ON turn
BEGIN
    UPDATE speaker_stat SET answers = answers - (OLD.role = 'answer'),
        statements = statements - (OLD.role = 'statement'),
        questions = questions - (OLD.role = 'question'), turns = turns - 1
    WHERE speaker_id = OLD.speaker_id;
    UPDATE speaker_transcript SET turns = turns - 1
    WHERE speaker_id = OLD.speaker_id AND transcript_id = OLD.transcript_id;
    DELETE FROM speaker_transcript
    WHERE speaker_id = OLD.speaker_id AND transcript_id = OLD.transcript_id AND turns <= 0;
    UPDATE speaker_stat SET answers = answers + (NEW.role = 'answer'),
        statements = statements + (NEW.role = 'statement'),
        questions = questions + (NEW.role = 'question'), turns = turns + 1
    WHERE speaker_id = NEW.speaker_id;
    INSERT INTO speaker_transcript (speaker_id, transcript_id, turns)
    VALUES (NEW.speaker_id, NEW.transcript_id, 1)
    ON CONFLICT (speaker_id, transcript_id) DO UPDATE SET turns = turns + 1;
END;

CREATE TRIGGER speaker_transcript_counted AFTER INSERT ON speaker_transcript
BEGIN
    UPDATE speaker_stat SET transcripts = transcripts + 1 WHERE speaker_id = NEW.speaker_id;
END;

CREATE TRIGGER speaker_transcript_uncounted AFTER DELETE ON speaker_transcript
BEGIN
    UPDATE speaker_stat SET transcripts = transcripts - 1 WHERE speaker_id = OLD.speaker_id;
END;

-- How many exchanges carry each topic; `kind` copied as for speakers.
CREATE TABLE topic_stat (
    topic_id  INTEGER PRIMARY KEY REFERENCES topic(id) ON DELETE CASCADE,
    kind      TEXT    NOT NULL,
    exchanges INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX topic_stat_by_use ON topic_stat (exchanges DESC);
CREATE INDEX topic_stat_by_kind ON topic_stat (kind, exchanges DESC);

INSERT INTO topic_stat (topic_id, kind, exchanges)
SELECT tp.id, tp.kind, (SELECT count(*) FROM exchange_topic WHERE topic_id = tp.id) FROM topic tp;

CREATE TRIGGER topic_counted AFTER INSERT ON topic
BEGIN
    INSERT OR IGNORE INTO topic_stat (topic_id, kind) VALUES (NEW.id, NEW.kind);
END;

CREATE TRIGGER topic_rekinded AFTER UPDATE OF kind ON topic
BEGIN
    UPDATE topic_stat SET kind = NEW.kind WHERE topic_id = NEW.id;
END;

CREATE TRIGGER exchange_topic_counted AFTER INSERT ON exchange_topic
BEGIN
    UPDATE topic_stat SET exchanges = exchanges + 1 WHERE topic_id = NEW.topic_id;
END;

CREATE TRIGGER exchange_topic_uncounted AFTER DELETE ON exchange_topic
BEGIN
    UPDATE topic_stat SET exchanges = exchanges - 1 WHERE topic_id = OLD.topic_id;
END;

CREATE TRIGGER exchange_topic_moved AFTER UPDATE OF topic_id ON exchange_topic
BEGIN
    UPDATE topic_stat SET exchanges = exchanges - 1 WHERE topic_id = OLD.topic_id;
    UPDATE topic_stat SET exchanges = exchanges + 1 WHERE topic_id = NEW.topic_id;
END;
