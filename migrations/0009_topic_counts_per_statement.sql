-- Topic counts are added once per write rather than once per link: an import adds a
-- transcript's links in a few statements and then each topic's count in one (see
-- `Rows::write`), and an editor's change recounts the topics it touched. Removals are still
-- counted by `exchange_topic_uncounted`.
DROP TRIGGER exchange_topic_counted;
