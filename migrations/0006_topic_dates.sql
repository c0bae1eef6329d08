-- Each exchange's date on its topic links ('' when undated), so that a topic's exchanges are
-- listed newest first and counted by month from one index range, whatever the archive's size.
ALTER TABLE exchange_topic ADD COLUMN date TEXT NOT NULL DEFAULT '';
UPDATE exchange_topic SET date = coalesce((SELECT tr.date FROM exchange e JOIN transcript tr ON tr.id = e.transcript_id
                                          WHERE e.id = exchange_topic.exchange_id), '');
CREATE INDEX exchange_topic_newest ON exchange_topic (topic_id, date DESC, exchange_id);
DROP INDEX exchange_topic_by_topic;

-- A link written without its date (an editor's choice, a merge) takes its exchange's.
CREATE TRIGGER exchange_topic_dated AFTER INSERT ON exchange_topic WHEN NEW.date = ''
BEGIN
    UPDATE exchange_topic SET date = coalesce((SELECT tr.date FROM exchange e JOIN transcript tr ON tr.id = e.transcript_id
                                              WHERE e.id = NEW.exchange_id), '')
    WHERE exchange_id = NEW.exchange_id AND topic_id = NEW.topic_id;
END;

-- An edited date moves the transcript's turns (0004) and its topic links.
CREATE TRIGGER transcript_redated_topics AFTER UPDATE OF date ON transcript
WHEN coalesce(OLD.date, '') IS NOT coalesce(NEW.date, '')
BEGIN
    UPDATE exchange_topic SET date = coalesce(NEW.date, '')
    WHERE exchange_id IN (SELECT id FROM exchange WHERE transcript_id = NEW.id);
END;
