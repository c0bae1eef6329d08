-- The search engine: an index of what was said, kept in a directory beside this file and made
-- from the tables here alone (`stenogram reindex` makes it anew). `search_change` lists the
-- transcripts the index has yet to read again, each with the sequence number of its latest
-- change: the index forgets a row only once it has read that change, so a crash between the two
-- is caught up on the next start. Triggers fill it, so that no write can forget to.
CREATE TABLE search_change (
    transcript_id INTEGER PRIMARY KEY,
    seq           INTEGER NOT NULL
);
CREATE INDEX search_change_by_seq ON search_change (seq);

-- Which database an index was made from: an index beside a restored or copied file is made anew.
CREATE TABLE search_state (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    token TEXT    NOT NULL
);
INSERT INTO search_state (id, token) VALUES (1, lower(hex(randomblob(16))));

-- An archive stored before this has every transcript to index.
INSERT INTO search_change (transcript_id, seq) SELECT id, id FROM transcript;

CREATE TRIGGER search_transcript_inserted AFTER INSERT ON transcript BEGIN
    INSERT INTO search_change (transcript_id, seq)
    VALUES (NEW.id, coalesce((SELECT max(seq) FROM search_change), 0) + 1)
    ON CONFLICT (transcript_id) DO UPDATE SET seq = excluded.seq;
END;

CREATE TRIGGER search_transcript_updated AFTER UPDATE ON transcript BEGIN
    INSERT INTO search_change (transcript_id, seq)
    VALUES (NEW.id, coalesce((SELECT max(seq) FROM search_change), 0) + 1)
    ON CONFLICT (transcript_id) DO UPDATE SET seq = excluded.seq;
END;

CREATE TRIGGER search_transcript_deleted AFTER DELETE ON transcript BEGIN
    INSERT INTO search_change (transcript_id, seq)
    VALUES (OLD.id, coalesce((SELECT max(seq) FROM search_change), 0) + 1)
    ON CONFLICT (transcript_id) DO UPDATE SET seq = excluded.seq;
END;

CREATE TRIGGER search_turn_updated AFTER UPDATE OF speaker_id, role, exchange, paragraphs ON turn BEGIN
    INSERT INTO search_change (transcript_id, seq)
    VALUES (NEW.transcript_id, coalesce((SELECT max(seq) FROM search_change), 0) + 1)
    ON CONFLICT (transcript_id) DO UPDATE SET seq = excluded.seq;
END;

-- A speaker renamed: every transcript where they speak is found by the new name.
CREATE TRIGGER search_speaker_renamed AFTER UPDATE OF name ON speaker BEGIN
    INSERT INTO search_change (transcript_id, seq)
    SELECT DISTINCT t.transcript_id, coalesce((SELECT max(seq) FROM search_change), 0) + 1
    FROM turn t WHERE t.speaker_id = NEW.id AND true
    ON CONFLICT (transcript_id) DO UPDATE SET seq = excluded.seq;
END;

-- An exchange's topics changed by an editor or a merge (a transcript stored anew is already
-- listed by its own trigger).
CREATE TRIGGER search_topic_link_deleted AFTER DELETE ON exchange_topic BEGIN
    INSERT INTO search_change (transcript_id, seq)
    SELECT e.transcript_id, coalesce((SELECT max(seq) FROM search_change), 0) + 1
    FROM exchange e WHERE e.id = OLD.exchange_id AND true
    ON CONFLICT (transcript_id) DO UPDATE SET seq = excluded.seq;
END;

CREATE TRIGGER search_topic_link_updated AFTER UPDATE ON exchange_topic BEGIN
    INSERT INTO search_change (transcript_id, seq)
    SELECT e.transcript_id, coalesce((SELECT max(seq) FROM search_change), 0) + 1
    FROM exchange e WHERE e.id = NEW.exchange_id AND true
    ON CONFLICT (transcript_id) DO UPDATE SET seq = excluded.seq;
END;
