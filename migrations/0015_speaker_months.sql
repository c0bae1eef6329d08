-- How many of each month's transcripts each speaker speaks in: the speaker page's timeline,
-- kept by the writes that change it (a speaker's first turn in a transcript, its last going,
-- a transcript's date changing), so the page reads one speaker's months and nothing else.
CREATE TABLE speaker_month (
    speaker_id  INTEGER NOT NULL REFERENCES speaker(id) ON DELETE CASCADE,
    month       TEXT    NOT NULL,
    transcripts INTEGER NOT NULL,
    PRIMARY KEY (speaker_id, month)
) WITHOUT ROWID;

INSERT INTO speaker_month (speaker_id, month, transcripts)
SELECT st.speaker_id, substr(t.date, 1, 7), count(*)
FROM speaker_transcript st JOIN transcript t ON t.id = st.transcript_id
WHERE t.date > '' AND st.speaker_id IN (SELECT id FROM speaker)
GROUP BY st.speaker_id, substr(t.date, 1, 7);

CREATE TRIGGER speaker_month_counted AFTER INSERT ON speaker_transcript
BEGIN
    INSERT INTO speaker_month (speaker_id, month, transcripts)
    SELECT NEW.speaker_id, substr(t.date, 1, 7), 1 FROM transcript t
    WHERE t.id = NEW.transcript_id AND t.date > ''
    ON CONFLICT (speaker_id, month) DO UPDATE SET transcripts = transcripts + 1;
END;

CREATE TRIGGER speaker_month_uncounted AFTER DELETE ON speaker_transcript
BEGIN
    UPDATE speaker_month SET transcripts = transcripts - 1
    WHERE speaker_id = OLD.speaker_id
      AND month = (SELECT substr(t.date, 1, 7) FROM transcript t WHERE t.id = OLD.transcript_id);
    DELETE FROM speaker_month WHERE speaker_id = OLD.speaker_id AND transcripts <= 0;
END;

CREATE INDEX speaker_transcript_by_transcript ON speaker_transcript (transcript_id);

CREATE TRIGGER speaker_month_redated AFTER UPDATE OF date ON transcript
WHEN coalesce(OLD.date, '') IS NOT coalesce(NEW.date, '')
BEGIN
    UPDATE speaker_month SET transcripts = transcripts - 1
    WHERE month = substr(OLD.date, 1, 7)
      AND speaker_id IN (SELECT speaker_id FROM speaker_transcript WHERE transcript_id = NEW.id);
    DELETE FROM speaker_month WHERE transcripts <= 0
      AND speaker_id IN (SELECT speaker_id FROM speaker_transcript WHERE transcript_id = NEW.id);
    INSERT INTO speaker_month (speaker_id, month, transcripts)
    SELECT speaker_id, substr(NEW.date, 1, 7), 1 FROM speaker_transcript
    WHERE transcript_id = NEW.id AND NEW.date > ''
    ON CONFLICT (speaker_id, month) DO UPDATE SET transcripts = transcripts + 1;
END;
