-- Editors, their sessions, API tokens, login throttling and drafts awaiting review.

CREATE TABLE editor (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);

-- A signed-in browser. Only the SHA-256 of the cookie's token is stored. `csrf` is the token
-- every form of this session must send back.
CREATE TABLE session (
    token_hash TEXT    PRIMARY KEY,
    editor_id  INTEGER NOT NULL REFERENCES editor(id) ON DELETE CASCADE,
    csrf       TEXT    NOT NULL,
    expires_at INTEGER NOT NULL
) WITHOUT ROWID;

-- Bearer tokens for the API; only their SHA-256 is stored.
CREATE TABLE api_token (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    last_used_at TEXT
);

-- Failed sign-ins per account and per address, to slow down guessing.
CREATE TABLE login_failure (
    key        TEXT    PRIMARY KEY,
    failures   INTEGER NOT NULL,
    last_at    INTEGER NOT NULL
) WITHOUT ROWID;

-- An upload under review: the bytes and the reading, with the editor's corrections.
CREATE TABLE draft (
    id         INTEGER PRIMARY KEY,
    editor_id  INTEGER NOT NULL REFERENCES editor(id) ON DELETE CASCADE,
    file_name  TEXT,
    media_type TEXT    NOT NULL,
    bytes      BLOB    NOT NULL,
    document   TEXT    NOT NULL,
    created_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
