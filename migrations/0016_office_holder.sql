-- Office holders editors add to the table that ships with Stenogram (reference/offices.tsv):
-- the reader resolves role labels and surnames with both. Same columns as the shipped table.
CREATE TABLE office_holder (
    id          INTEGER PRIMARY KEY,
    country     TEXT    NOT NULL,
    office      TEXT    NOT NULL,
    sole        INTEGER NOT NULL DEFAULT 1,
    start       TEXT    NOT NULL,
    "end"       TEXT,
    name        TEXT    NOT NULL,
    other_names TEXT    NOT NULL DEFAULT '',
    added_by    TEXT,
    added_at    TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    UNIQUE (country, office, start, name)
);
