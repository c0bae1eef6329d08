-- The address of a speaker that a re-reading or an editor emptied keeps answering: it
-- redirects to the speaker its turns went to.
CREATE TABLE speaker_redirect (
    slug       TEXT PRIMARY KEY,
    speaker_id INTEGER NOT NULL REFERENCES speaker(id) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX speaker_redirect_by_speaker ON speaker_redirect (speaker_id);
