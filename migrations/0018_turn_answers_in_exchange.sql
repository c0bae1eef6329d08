-- Who answered an exchange, found from the exchange (its transcript and number) without reading
-- the transcript's other turns: a topic's page counts the answerers of its newest 2,000
-- exchanges, and a speaker's page the topics of their newest answers.
CREATE INDEX turn_answers_in_exchange ON turn (transcript_id, exchange, speaker_id) WHERE role = 'answer';
