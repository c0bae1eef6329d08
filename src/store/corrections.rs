//! Corrections as data: the one owner of every change an editor makes to what the reader found.
//!
//! Each change is a row of `correction` (what, which target by a stable key, the new value, who,
//! when, why). A transcript's stored rows are derived from its reading plus its corrections that
//! are not undone, in the order they were made ([`super::write::rederive`]); making a correction
//! records it and derives its transcript again in one transaction, and reindex is the same
//! derivation over every transcript, so a correction survives reindex by construction. Undoing
//! one marks it undone and derives again: the earlier value (an older correction, or the
//! reading) comes back.

use super::derive::TopicEdit;
use super::write::{Edits, Imported, NewTranscript, Reindexed, StoreError, Upload};
use super::{fingerprint, sha256_hex, write};
use crate::parse::{self, Document, Role, SpeakerKind, names};
use serde::Serialize;
use sqlx::{SqliteConnection, SqlitePool};
use std::collections::HashMap;

/// A transcript field an editor may set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Title,
    Date,
    Place,
    SourceUrl,
}

impl Field {
    pub const ALL: [Field; 4] = [Field::Title, Field::Date, Field::Place, Field::SourceUrl];

    pub fn key(self) -> &'static str {
        match self {
            Field::Title => "title",
            Field::Date => "date",
            Field::Place => "place",
            Field::SourceUrl => "source_url",
        }
    }

    fn words(self) -> &'static str {
        match self {
            Field::Title => "title",
            Field::Date => "date",
            Field::Place => "place",
            Field::SourceUrl => "source address",
        }
    }

    fn of(self, edits: &Edits) -> Option<&String> {
        match self {
            Field::Title => edits.title.as_ref(),
            Field::Date => edits.date.as_ref(),
            Field::Place => edits.place.as_ref(),
            Field::SourceUrl => edits.source_url.as_ref(),
        }
    }

    fn set(self, edits: &mut Edits, value: Option<String>) {
        match self {
            Field::Title => edits.title = value,
            Field::Date => edits.date = value,
            Field::Place => edits.place = value,
            Field::SourceUrl => edits.source_url = value,
        }
    }

    fn parse(key: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|f| f.key() == key)
    }
}

/// One change an editor makes to one transcript. Turns and exchanges are named by their
/// position on the page the editor saw; the row keeps them by fingerprint.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// A header field; `None` clears what an editor set before (the reading's value returns).
    Field { field: Field, value: Option<String> },
    /// Every turn of a label as printed given to a stored speaker.
    Speaker { label: String, speaker_id: i64 },
    /// Every turn of a label as printed given to a new speaker of this name.
    NewSpeaker { label: String, name: String },
    /// A turn's role (0-based position in the transcript).
    Role { turn: usize, role: Role },
    /// A topic added to exchange `exchange` (its number): an existing one by name, else a new
    /// one of this kind.
    TopicAdd {
        exchange: i64,
        name: String,
        kind: String,
    },
    /// A topic (by slug) taken off exchange `exchange`.
    TopicRemove { exchange: i64, slug: String },
}

/// Who makes a correction, and why.
#[derive(Debug, Clone, Copy, Default)]
pub struct Who<'a> {
    pub editor: Option<&'a str>,
    pub reason: Option<&'a str>,
}

/// What the corrections of a transcript that are not undone add up to.
#[derive(Debug, Default)]
pub(super) struct Effective {
    pub edits: Edits,
    pub assignments: HashMap<String, i64>,
    pub roles: HashMap<String, Role>,
    pub topic_edits: Vec<TopicEdit>,
}

impl Effective {
    /// Gives the turns their corrected roles and, when any changed, groups the exchanges again.
    pub fn apply_roles(&self, doc: &mut Document) {
        if self.roles.is_empty() {
            return;
        }
        let keys = turn_keys(doc);
        let mut changed = false;
        for (turn, key) in doc.turns.iter_mut().zip(keys) {
            if let Some(role) = self.roles.get(&key)
                && turn.role != *role
            {
                turn.role = *role;
                changed = true;
            }
        }
        if changed {
            parse::rebuild_exchanges(doc);
        }
    }
}

/// A stable key for each turn: a hash of its label and folded text, with the number of the
/// occurrence when the same words come again (`Thank you.`).
pub fn turn_keys(doc: &Document) -> Vec<String> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    doc.turns
        .iter()
        .map(|t| {
            let text = format!(
                "{}\n{}",
                t.label.as_deref().unwrap_or(""),
                names::fold(&t.paragraphs.join(" "))
            );
            let base = sha256_hex(text.as_bytes())[..16].to_string();
            let n = seen.entry(base.clone()).or_default();
            *n += 1;
            if *n == 1 { base } else { format!("{base}-{n}") }
        })
        .collect()
}

/// The speaker a slug names now: its own, or where a merged or renamed slug redirects.
async fn speaker_by_slug(
    conn: &mut SqliteConnection,
    slug: &str,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT id FROM speaker WHERE slug = ?1 UNION ALL SELECT speaker_id FROM speaker_redirect WHERE slug = ?1 LIMIT 1",
    )
    .bind(slug)
    .fetch_optional(&mut *conn)
    .await
}

/// The topic a slug names now: its own, or where a merged slug redirects.
async fn topic_by_slug(
    conn: &mut SqliteConnection,
    slug: &str,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT id FROM topic WHERE slug = ?1 UNION ALL SELECT topic_id FROM topic_redirect WHERE slug = ?1 LIMIT 1",
    )
    .bind(slug)
    .fetch_optional(&mut *conn)
    .await
}

/// Adds up a transcript's corrections that are not undone, oldest first: the latest for each
/// target wins.
pub(super) async fn effective(
    conn: &mut SqliteConnection,
    transcript_id: i64,
) -> Result<Effective, sqlx::Error> {
    let rows: Vec<(String, String, Option<String>, Option<String>)> = sqlx::query_as(
        "SELECT kind, target, value, after FROM correction WHERE transcript_id = ? AND undone_at IS NULL ORDER BY id",
    )
    .bind(transcript_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut out = Effective::default();
    let mut topics: Vec<(String, String, bool, Option<String>)> = Vec::new();
    for (kind, target, value, after) in rows {
        if let Some(field) = Field::parse(&kind) {
            field.set(&mut out.edits, value);
            continue;
        }
        match kind.as_str() {
            "speaker" => {
                let Some(slug) = value else { continue };
                match speaker_by_slug(conn, &slug).await? {
                    Some(id) => {
                        out.assignments.insert(target, id);
                    }
                    // A speaker since removed: the reading decides again.
                    None => {
                        out.assignments.remove(&target);
                    }
                }
            }
            "role" => {
                if let Some(role) = value.as_deref().and_then(Role::parse) {
                    out.roles.insert(target, role);
                }
            }
            "topic-add" | "topic-remove" => {
                let Some(slug) = value else { continue };
                let add = kind == "topic-add";
                topics.retain(|(fp, s, _, _)| !(*fp == target && *s == slug));
                topics.push((target, slug, add, after));
            }
            _ => {}
        }
    }
    for (fingerprint, slug, add, name) in topics {
        let id = match topic_by_slug(conn, &slug).await? {
            Some(id) => Some(id),
            // A topic added by an editor and since gone comes back under its name.
            None if add => match name {
                Some(name) => Some(write::resolve_topic(conn, &name, "theme").await?),
                None => None,
            },
            None => None,
        };
        if let Some(topic_id) = id {
            out.topic_edits.push(TopicEdit {
                fingerprint,
                topic_id,
                add,
            });
        }
    }
    Ok(out)
}

/// Writes what the corrections add up to where the pages and the export read it: the edited
/// fields, the label assignments and the topic choices of one transcript.
pub(super) async fn write_choices(
    conn: &mut SqliteConnection,
    transcript_id: i64,
    effective: &Effective,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM speaker_assignment WHERE transcript_id = ?")
        .bind(transcript_id)
        .execute(&mut *conn)
        .await?;
    let assignments: Vec<(i64, &String, i64)> = effective
        .assignments
        .iter()
        .map(|(label, id)| (transcript_id, label, *id))
        .collect();
    sqlx::query("INSERT INTO speaker_assignment (transcript_id, label, speaker_id) SELECT value ->> 0, value ->> 1, value ->> 2 FROM json_each(?)")
        .bind(serde_json::to_string(&assignments).unwrap_or_else(|_| "[]".into()))
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM topic_edit WHERE transcript_id = ?")
        .bind(transcript_id)
        .execute(&mut *conn)
        .await?;
    let edits: Vec<(i64, &String, i64, &str)> = effective
        .topic_edits
        .iter()
        .map(|e| {
            (
                transcript_id,
                &e.fingerprint,
                e.topic_id,
                if e.add { "add" } else { "remove" },
            )
        })
        .collect();
    sqlx::query("INSERT OR REPLACE INTO topic_edit (transcript_id, fingerprint, topic_id, action) SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3 FROM json_each(?)")
        .bind(serde_json::to_string(&edits).unwrap_or_else(|_| "[]".into()))
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Lists a re-reading by a newer reader in the transcript's history.
pub(super) async fn record_reread(
    conn: &mut SqliteConnection,
    transcript_id: i64,
    was: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO correction (transcript_id, kind, value, before, after) VALUES (?, 'reread', ?, ?, ?)")
        .bind(transcript_id)
        .bind(parse::READER_VERSION.to_string())
        .bind(format!("read by reader version {was}"))
        .bind(format!("re-read with reader version {}", parse::READER_VERSION))
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// A correction row before it is written.
struct Row {
    kind: String,
    target: String,
    value: Option<String>,
    before: Option<String>,
    after: Option<String>,
    place: Option<String>,
}

/// The transcript as its page shows it now, to compare the editor's form with.
struct Current {
    title: String,
    date: Option<String>,
    place: Option<String>,
    source_url: Option<String>,
    /// Per turn: key, role, label, speaker's name.
    turns: Vec<(String, Role, Option<String>, String)>,
    /// Per exchange: number, fingerprint.
    exchanges: Vec<(i64, String)>,
}

async fn current(
    conn: &mut SqliteConnection,
    transcript_id: i64,
) -> Result<Option<Current>, StoreError> {
    type Head = (String, Option<String>, Option<String>, Option<String>);
    let head: Option<Head> =
        sqlx::query_as("SELECT title, date, place, source_url FROM transcript WHERE id = ?")
            .bind(transcript_id)
            .fetch_optional(&mut *conn)
            .await?;
    let Some((title, date, place, source_url)) = head else {
        return Ok(None);
    };
    // The keys come from the reading with the roles corrected, as the page was derived.
    let offices = super::offices::extra(conn).await?;
    let (mut doc, _, _) = write::read_source(conn, transcript_id, &offices).await??;
    effective(conn, transcript_id).await?.apply_roles(&mut doc);
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT s.name FROM turn t JOIN speaker s ON s.id = t.speaker_id WHERE t.transcript_id = ? ORDER BY t.position",
    )
    .bind(transcript_id)
    .fetch_all(&mut *conn)
    .await?;
    let keys = turn_keys(&doc);
    let turns = doc
        .turns
        .iter()
        .zip(keys)
        .enumerate()
        .map(|(i, (t, key))| {
            let name = names.get(i).cloned().unwrap_or_else(|| t.speaker.clone());
            (key, t.role, t.label.clone(), name)
        })
        .collect();
    let exchanges = doc
        .exchanges
        .iter()
        .map(|e| {
            (
                e.number as i64,
                fingerprint(&doc.turns[e.question].paragraphs),
            )
        })
        .collect();
    Ok(Some(Current {
        title,
        date,
        place,
        source_url,
        turns,
        exchanges,
    }))
}

/// The archive's count of transcripts, which topics are judged against.
async fn transcripts(conn: &mut SqliteConnection) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT count(*) FROM transcript")
        .fetch_one(conn)
        .await
}

/// Records an editor's changes to one transcript and derives it again, in one transaction.
/// Changes that would change nothing are passed over. Returns how many corrections were
/// recorded, or `None` when the transcript does not exist; a change naming a turn, an exchange
/// or a topic that does not exist is refused ([`Refused`]) and nothing is written.
pub async fn correct(
    pool: &SqlitePool,
    transcript_id: i64,
    changes: &[Change],
    who: Who<'_>,
) -> Result<Option<usize>, CorrectError> {
    let mut tx = pool
        .begin_with("BEGIN IMMEDIATE")
        .await
        .map_err(StoreError::from)?;
    let n = correct_in(&mut tx, transcript_id, changes, who).await?;
    tx.commit().await.map_err(StoreError::from)?;
    Ok(n)
}

/// Why a correction was not made.
#[derive(Debug, thiserror::Error)]
pub enum CorrectError {
    #[error("{0}")]
    Store(#[from] StoreError),
    /// The change names something the transcript does not have; the message says what.
    #[error("{0}")]
    Refused(String),
}

impl From<parse::ParseError> for CorrectError {
    fn from(e: parse::ParseError) -> Self {
        CorrectError::Store(StoreError::Parse(e))
    }
}

impl From<sqlx::Error> for CorrectError {
    fn from(e: sqlx::Error) -> Self {
        CorrectError::Store(StoreError::Db(e))
    }
}

async fn correct_in(
    tx: &mut SqliteConnection,
    transcript_id: i64,
    changes: &[Change],
    who: Who<'_>,
) -> Result<Option<usize>, CorrectError> {
    let Some(now) = current(tx, transcript_id).await? else {
        return Ok(None);
    };
    let mut rows: Vec<Row> = Vec::new();
    for change in changes {
        match change {
            Change::Field { field, value } => {
                let shown = match field {
                    Field::Title => Some(&now.title),
                    Field::Date => now.date.as_ref(),
                    Field::Place => now.place.as_ref(),
                    Field::SourceUrl => now.source_url.as_ref(),
                };
                if value.as_ref() == shown {
                    continue;
                }
                rows.push(Row {
                    kind: field.key().into(),
                    target: String::new(),
                    value: value.clone(),
                    before: shown.cloned(),
                    after: value.clone(),
                    place: Some(field.words().into()),
                });
            }
            Change::Speaker { label, speaker_id } => {
                let Some(before) = now
                    .turns
                    .iter()
                    .find(|t| t.2.as_deref().unwrap_or("") == label)
                else {
                    return Err(CorrectError::Refused(format!(
                        "No turn of this transcript is labelled `{label}`."
                    )));
                };
                let speaker: Option<(String, String)> =
                    sqlx::query_as("SELECT slug, name FROM speaker WHERE id = ?")
                        .bind(speaker_id)
                        .fetch_optional(&mut *tx)
                        .await?;
                let Some((slug, name)) = speaker else {
                    return Err(CorrectError::Refused(format!(
                        "There is no speaker number {speaker_id}; pick one from the list or type a new name."
                    )));
                };
                if before.3 == name {
                    continue;
                }
                rows.push(Row {
                    kind: "speaker".into(),
                    target: label.clone(),
                    value: Some(slug),
                    before: Some(before.3.clone()),
                    after: Some(name),
                    place: Some(label_place(label)),
                });
            }
            Change::NewSpeaker { label, name } => {
                let name = name.trim();
                let Some(before) = now
                    .turns
                    .iter()
                    .find(|t| t.2.as_deref().unwrap_or("") == label)
                else {
                    return Err(CorrectError::Refused(format!(
                        "No turn of this transcript is labelled `{label}`."
                    )));
                };
                if name.is_empty() || before.3 == name {
                    continue;
                }
                let slug = new_speaker(tx, name).await?;
                rows.push(Row {
                    kind: "speaker".into(),
                    target: label.clone(),
                    value: Some(slug),
                    before: Some(before.3.clone()),
                    after: Some(format!("{name} (new speaker)")),
                    place: Some(label_place(label)),
                });
            }
            Change::Role { turn, role } => {
                let Some((key, was, label, name)) = now.turns.get(*turn) else {
                    return Err(CorrectError::Refused(format!(
                        "This transcript has {} turns; there is no turn {}.",
                        now.turns.len(),
                        turn + 1
                    )));
                };
                if was == role {
                    continue;
                }
                rows.push(Row {
                    kind: "role".into(),
                    target: key.clone(),
                    value: Some(role.as_str().into()),
                    before: Some(was.as_str().into()),
                    after: Some(role.as_str().into()),
                    place: Some(format!(
                        "turn {} ({})",
                        turn + 1,
                        label.as_deref().unwrap_or(name)
                    )),
                });
            }
            Change::TopicAdd {
                exchange,
                name,
                kind,
            } => {
                let fp = exchange_key(&now, *exchange)?;
                let topic_id = write::resolve_topic(tx, name.trim(), kind).await?;
                let (slug, name, hidden): (String, String, bool) =
                    sqlx::query_as("SELECT slug, name, hidden FROM topic WHERE id = ?")
                        .bind(topic_id)
                        .fetch_one(&mut *tx)
                        .await?;
                if hidden {
                    return Err(CorrectError::Refused(format!(
                        "Editors hid the topic “{name}”: show it again from /topics/{slug}/edit before adding it."
                    )));
                }
                rows.push(Row {
                    kind: "topic-add".into(),
                    target: fp,
                    value: Some(slug),
                    before: None,
                    after: Some(name),
                    place: Some(format!("exchange {exchange}")),
                });
            }
            Change::TopicRemove { exchange, slug } => {
                let fp = exchange_key(&now, *exchange)?;
                let topic: Option<(String, String)> = sqlx::query_as(
                    "SELECT slug, name FROM topic WHERE id = (SELECT id FROM topic WHERE slug = ?1 UNION ALL SELECT topic_id FROM topic_redirect WHERE slug = ?1 LIMIT 1)",
                )
                .bind(slug)
                .fetch_optional(&mut *tx)
                .await?;
                let Some((slug, name)) = topic else {
                    return Err(CorrectError::Refused(format!(
                        "There is no topic `{slug}`."
                    )));
                };
                rows.push(Row {
                    kind: "topic-remove".into(),
                    target: fp,
                    value: Some(slug),
                    before: Some(name),
                    after: None,
                    place: Some(format!("exchange {exchange}")),
                });
            }
        }
    }
    if rows.is_empty() {
        return Ok(Some(0));
    }
    let recorded = rows.len();
    insert(tx, Some(transcript_id), &rows, who).await?;
    let count = transcripts(tx).await?;
    let offices = super::offices::extra(tx).await?;
    let mut report = Reindexed::default();
    let mut went = HashMap::new();
    write::rederive(tx, transcript_id, count, &offices, &mut report, &mut went).await??;
    write::redirect_emptied_speakers(tx, &went).await?;
    Ok(Some(recorded))
}

fn label_place(label: &str) -> String {
    if label.is_empty() {
        "the unlabelled turns".into()
    } else {
        format!("label {label}")
    }
}

fn exchange_key(now: &Current, number: i64) -> Result<String, CorrectError> {
    now.exchanges
        .iter()
        .find(|(n, _)| *n == number)
        .map(|(_, fp)| fp.clone())
        .ok_or_else(|| {
            CorrectError::Refused(format!(
                "This transcript has {} exchanges; there is no exchange {number}.",
                now.exchanges.len()
            ))
        })
}

/// A new speaker of this name (a person), or the stored one with the same name: its slug.
async fn new_speaker(conn: &mut SqliteConnection, name: &str) -> Result<String, sqlx::Error> {
    new_speaker_of(conn, name, SpeakerKind::Person).await
}

/// A new speaker of this name and kind, or the stored one with the same key: its slug.
async fn new_speaker_of(
    conn: &mut SqliteConnection,
    name: &str,
    kind: SpeakerKind,
) -> Result<String, sqlx::Error> {
    let key = super::derive::speaker_key(&names::fold(name), kind);
    if let Some(slug) = sqlx::query_scalar::<_, String>("SELECT slug FROM speaker WHERE key = ?")
        .bind(&key)
        .fetch_optional(&mut *conn)
        .await?
    {
        return Ok(slug);
    }
    let base = super::slugify(name, 60);
    let base = if base.is_empty() {
        "speaker".to_string()
    } else {
        base
    };
    let taken: Vec<String> = sqlx::query_scalar(
        "SELECT slug FROM speaker WHERE slug = ?1 OR (slug > ?1 || '-' AND slug < ?1 || '.') \
         UNION ALL SELECT slug FROM speaker_redirect WHERE slug = ?1 OR (slug > ?1 || '-' AND slug < ?1 || '.')",
    )
    .bind(&base)
    .fetch_all(&mut *conn)
    .await?;
    let slug = std::iter::once(base.clone())
        .chain((2..).map(|n| format!("{base}-{n}")))
        .find(|s| !taken.contains(s))
        .unwrap_or(base);
    sqlx::query("INSERT INTO speaker (slug, name, key, surname, kind) VALUES (?, ?, ?, ?, ?)")
        .bind(&slug)
        .bind(name)
        .bind(&key)
        .bind(surname_of(name, kind))
        .bind(kind.as_str())
        .execute(&mut *conn)
        .await?;
    Ok(slug)
}

async fn insert(
    conn: &mut SqliteConnection,
    transcript_id: Option<i64>,
    rows: &[Row],
    who: Who<'_>,
) -> Result<(), sqlx::Error> {
    let json: Vec<_> = rows
        .iter()
        .map(|r| {
            (
                transcript_id,
                &r.kind,
                &r.target,
                &r.value,
                &r.before,
                &r.after,
                &r.place,
                who.editor,
                who.reason.map(str::trim).filter(|r| !r.is_empty()),
            )
        })
        .collect();
    sqlx::query(
        "INSERT INTO correction (transcript_id, kind, target, value, before, after, place, editor, reason) \
         SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5, value ->> 6, value ->> 7, value ->> 8 FROM json_each(?)",
    )
    .bind(serde_json::to_string(&json).unwrap_or_else(|_| "[]".into()))
    .execute(conn)
    .await?;
    Ok(())
}

/// Stores a reviewed draft: the reading as the reader made it, then the reviewer's changes as
/// corrections by the same editor, in one transaction. `reviewed` is the draft's reading with
/// the reviewer's roles; its turns are the reading's.
pub async fn publish(
    pool: &SqlitePool,
    upload: &Upload<'_>,
    reviewed: &Document,
    edits: &Edits,
    assignments: &HashMap<String, i64>,
    reason: Option<&str>,
) -> Result<Imported, StoreError> {
    let prepared = super::ingest::read(upload, &super::offices::extra_in(pool).await?)?;
    let read = &prepared.doc;
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let none = HashMap::new();
    let item = NewTranscript {
        upload: *upload,
        prepared: &prepared,
        edits: &Edits::default(),
        assignments: &none,
        join_republications: true,
    };
    let outcome = write::store_batch(&mut tx, &[item])
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| sqlx::Error::Protocol("a batch of one stored nothing".into()))?;
    let Imported::New { id, .. } = &outcome else {
        tx.commit().await?;
        return Ok(outcome);
    };
    write::index_transcripts(&mut tx, &[*id]).await?;
    let mut changes: Vec<Change> = Field::ALL
        .into_iter()
        .filter_map(|f| {
            f.of(edits).map(|v| Change::Field {
                field: f,
                value: Some(v.clone()),
            })
        })
        .collect();
    let mut labels: Vec<(&String, &i64)> = assignments.iter().collect();
    labels.sort();
    changes.extend(labels.into_iter().map(|(label, id)| Change::Speaker {
        label: label.clone(),
        speaker_id: *id,
    }));
    if reviewed.turns.len() == read.turns.len() {
        changes.extend(
            reviewed
                .turns
                .iter()
                .zip(&read.turns)
                .enumerate()
                .filter(|(_, (a, b))| a.role != b.role)
                .map(|(turn, (a, _))| Change::Role { turn, role: a.role }),
        );
    }
    let who = Who {
        editor: upload.uploaded_by,
        reason: reason
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .or(Some("review before publishing")),
    };
    match correct_in(&mut tx, *id, &changes, who).await {
        Ok(_) => {}
        Err(CorrectError::Store(e)) => return Err(e),
        // What the review names is the reading's own: only a speaker removed meanwhile can
        // be missing; the reading's choice for that label then stands, and the rest is kept.
        Err(CorrectError::Refused(_)) => {
            changes.retain(|c| !matches!(c, Change::Speaker { .. }));
            match correct_in(&mut tx, *id, &changes, who).await {
                Ok(_) | Err(CorrectError::Refused(_)) => {}
                Err(CorrectError::Store(e)) => return Err(e),
            }
        }
    }
    // Not yet served: the address follows the title and date the review gave it.
    let slug = write::name_anew(&mut tx, *id).await?;
    let outcome = match outcome {
        Imported::New {
            id,
            exchanges,
            turns,
            repeats,
            ..
        } => Imported::New {
            id,
            slug,
            exchanges,
            turns,
            repeats,
        },
        other => other,
    };
    tx.commit().await?;
    Ok(outcome)
}

/// One entry of a transcript's (or the archive's) history.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Entry {
    pub id: i64,
    /// `title`, `date`, `place`, `source_url`, `speaker`, `role`, `topic-add`, `topic-remove`,
    /// `topic-merge`, `topic-rename`, `topic-hide`, `speaker-merge`, `speaker-rename`, `reread`,
    /// `translation`, `translation-unlink`.
    pub kind: String,
    /// Where in the transcript: `exchange 4`, `turn 12 (Q)`, `label MR. PESKOV`.
    pub place: Option<String>,
    pub before: Option<String>,
    pub after: Option<String>,
    /// The editor who made it; none for the reader's own re-reading and for choices kept from
    /// before corrections were recorded.
    pub editor: Option<String>,
    pub reason: Option<String>,
    /// When, in UTC (`2026-12-03T09:15:00Z`).
    pub at: String,
    pub undone_at: Option<String>,
    pub undone_by: Option<String>,
    /// The transcript it corrects (none for archive-wide changes).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transcript: Option<String>,
}

impl Entry {
    /// What changed, in words: `Role`, `Topic added`.
    pub fn what(&self) -> &'static str {
        match self.kind.as_str() {
            "title" => "Title",
            "date" => "Date",
            "place" => "Place",
            "source_url" => "Source address",
            "speaker" => "Speaker",
            "role" => "Role",
            "topic-add" => "Topic added",
            "topic-remove" => "Topic removed",
            "topic-merge" => "Topics merged",
            "topic-rename" => "Topic renamed",
            "topic-hide" => "Topic hidden",
            "speaker-merge" => "Speakers merged",
            "speaker-rename" => "Speaker renamed",
            "speaker-split" => "Speaker split",
            "speaker-kind" => "Speaker's kind",
            "reread" => "Read again",
            "translation" => "Linked as a translation",
            "translation-unlink" => "Languages unlinked",
            _ => "Change",
        }
    }

    /// Whether it can be undone from the history (not yet undone, and an editor's).
    pub fn undoable(&self) -> bool {
        self.undone_at.is_none() && self.kind != "reread"
    }
}

macro_rules! entry {
    () => {
        "SELECT c.id, c.kind, c.place, c.before, c.after, c.editor, c.reason, c.at, c.undone_at, c.undone_by, t.slug AS transcript \
         FROM correction c LEFT JOIN transcript t ON t.id = c.transcript_id"
    };
}

/// A transcript's corrections, newest first.
pub async fn history(
    db: impl sqlx::SqliteExecutor<'_>,
    transcript_id: i64,
) -> Result<Vec<Entry>, sqlx::Error> {
    sqlx::query_as(concat!(
        entry!(),
        " WHERE c.transcript_id = ? ORDER BY c.id DESC"
    ))
    .bind(transcript_id)
    .fetch_all(db)
    .await
}

/// One correction.
pub async fn entry(
    db: impl sqlx::SqliteExecutor<'_>,
    id: i64,
) -> Result<Option<Entry>, sqlx::Error> {
    sqlx::query_as(concat!(entry!(), " WHERE c.id = ?"))
        .bind(id)
        .fetch_optional(db)
        .await
}

/// When a transcript was last corrected and how many of its corrections stand (undone ones
/// and re-readings left out); `None` when it has none.
pub async fn last_corrected(
    db: impl sqlx::SqliteExecutor<'_>,
    transcript_id: i64,
) -> Result<Option<(String, i64)>, sqlx::Error> {
    let (at, n): (Option<String>, i64) = sqlx::query_as(
        "SELECT max(at), count(*) FROM correction WHERE transcript_id = ? AND undone_at IS NULL AND kind <> 'reread'",
    )
    .bind(transcript_id)
    .fetch_one(db)
    .await?;
    Ok(at.map(|at| (at, n)))
}

/// The archive's corrections, newest first, `limit` of them before correction `before`
/// (keyset paging).
pub async fn recent(
    db: impl sqlx::SqliteExecutor<'_>,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<Entry>, sqlx::Error> {
    sqlx::query_as(concat!(
        entry!(),
        " WHERE c.id < ? AND c.kind <> 'reread' ORDER BY c.id DESC LIMIT ?"
    ))
    .bind(before.unwrap_or(i64::MAX))
    .bind(limit)
    .fetch_all(db)
    .await
}

/// What undoing a correction did.
#[derive(Debug, PartialEq)]
pub enum Undone {
    /// The earlier value is back; the slug of the transcript (if any) it was on.
    Done(Option<String>),
    NotFound,
    /// Already undone, or of a kind that cannot be undone; the message says which.
    Refused(String),
}

/// Undoes a correction: it stays in the history, marked undone by `editor`, and its transcript
/// is derived again without it (an archive-wide rename is reversed).
pub async fn undo(pool: &SqlitePool, id: i64, editor: &str) -> Result<Undone, StoreError> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    type Stored = (
        Option<i64>,
        String,
        String,
        Option<String>,
        Option<String>,
        Option<String>,
    );
    let row: Option<Stored> = sqlx::query_as(
        "SELECT transcript_id, kind, target, before, value, undone_at FROM correction WHERE id = ?",
    )
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((transcript_id, kind, target, before, value, undone_at)) = row else {
        return Ok(Undone::NotFound);
    };
    if undone_at.is_some() {
        return Ok(Undone::Refused(
            "This correction was already undone.".into(),
        ));
    }
    match kind.as_str() {
        "reread" => {
            return Ok(Undone::Refused(
                "A re-reading by a newer reader is not an editor's correction; correct what it read instead.".into(),
            ));
        }
        "topic-merge" | "speaker-merge" => {
            let table = if kind == "topic-merge" {
                "topic"
            } else {
                "speaker"
            };
            let Some(merged) = value
                .as_deref()
                .and_then(|v| serde_json::from_str::<Merged>(v).ok())
            else {
                return Ok(Undone::Refused(if table == "topic" {
                    "This merge was made before merges kept what they took: give the exchanges back one at a time.".into()
                } else {
                    "This merge was made before merges kept what they took: split the merged speaker's labels off again from the kept speaker's edit page.".into()
                }));
            };
            if let Some(why) = merged.blocked(&mut tx, table).await? {
                return Ok(Undone::Refused(why));
            }
            sqlx::query("UPDATE correction SET undone_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), undone_by = ? WHERE id = ?")
                .bind(editor)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            merged.undo(&mut tx, table).await?;
            tx.commit().await?;
            return Ok(Undone::Done(None));
        }
        "translation" | "translation-unlink" => {
            let Some(link) = value
                .as_deref()
                .and_then(|v| serde_json::from_str::<TranslationLink>(v).ok())
            else {
                return Ok(Undone::Refused(
                    "This change does not say which transcripts it linked; link them again from the transcript's edit page.".into(),
                ));
            };
            let id_of = |slug: String| {
                sqlx::query_scalar::<_, i64>("SELECT id FROM transcript WHERE slug = ?").bind(slug)
            };
            let t: Option<i64> = id_of(link.translation).fetch_optional(&mut *tx).await?;
            let o: Option<i64> = id_of(link.original).fetch_optional(&mut *tx).await?;
            if let (Some(t), Some(o)) = (t, o) {
                if kind == "translation" {
                    let same = super::translations::original_of(&mut tx, t).await?
                        == super::translations::original_of(&mut tx, o).await?;
                    if same {
                        super::translations::unlink(&mut tx, t).await?;
                    }
                } else if let Err(why) =
                    super::translations::link(&mut tx, t, o, Some(editor)).await?
                    && why != super::translations::Refused::AlreadyLinked
                {
                    return Ok(Undone::Refused(why.message()));
                }
            }
            sqlx::query("UPDATE correction SET undone_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), undone_by = ? WHERE id = ?")
                .bind(editor)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            let slug: Option<String> = match transcript_id {
                Some(tid) => {
                    sqlx::query_scalar("SELECT slug FROM transcript WHERE id = ?")
                        .bind(tid)
                        .fetch_optional(&mut *tx)
                        .await?
                }
                None => None,
            };
            tx.commit().await?;
            return Ok(Undone::Done(slug));
        }
        _ => {}
    }
    sqlx::query("UPDATE correction SET undone_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), undone_by = ? WHERE id = ?")
        .bind(editor)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    let slug = match transcript_id {
        Some(tid) => {
            let count = transcripts(&mut tx).await?;
            let offices = super::offices::extra(&mut tx).await?;
            let mut report = Reindexed::default();
            let mut went = HashMap::new();
            write::rederive(&mut tx, tid, count, &offices, &mut report, &mut went).await??;
            write::redirect_emptied_speakers(&mut tx, &went).await?;
            sqlx::query_scalar("SELECT slug FROM transcript WHERE id = ?")
                .bind(tid)
                .fetch_optional(&mut *tx)
                .await?
        }
        None => {
            if kind == "topic-hide" {
                // Shown again: the transcripts it was taken from are read again with it.
                sqlx::query("UPDATE topic SET hidden = 0 WHERE slug = ?")
                    .bind(&target)
                    .execute(&mut *tx)
                    .await?;
                let taken: Vec<i64> = value
                    .as_deref()
                    .and_then(|v| serde_json::from_str(v).ok())
                    .unwrap_or_default();
                let count = transcripts(&mut tx).await?;
                let offices = super::offices::extra(&mut tx).await?;
                let mut report = Reindexed::default();
                let mut went = HashMap::new();
                for tid in taken {
                    // A transcript deleted since has nothing to give back.
                    let stored: Option<i64> =
                        sqlx::query_scalar("SELECT id FROM transcript WHERE id = ?")
                            .bind(tid)
                            .fetch_optional(&mut *tx)
                            .await?;
                    if stored.is_some() {
                        write::rederive(&mut tx, tid, count, &offices, &mut report, &mut went)
                            .await??;
                    }
                }
                write::redirect_emptied_speakers(&mut tx, &went).await?;
            }
            if kind == "speaker-split" {
                undo_split(&mut tx, &target, value.as_deref()).await?;
            }
            if kind == "speaker-kind"
                && let Some(old) = before.as_deref().and_then(SpeakerKind::parse)
                && let (Renamed::Taken(other), _) = rekind_in(&mut tx, &target, old).await?
            {
                return Ok(Undone::Refused(format!(
                    "Another speaker of that kind now has this name (/speakers/{other}); merge the two instead."
                )));
            }
            if kind == "topic-rename"
                && let Some(name) = &before
            {
                let other: Option<String> =
                    sqlx::query_scalar("SELECT slug FROM topic WHERE key = ? AND slug <> ?")
                        .bind(names::fold(name))
                        .bind(&target)
                        .fetch_optional(&mut *tx)
                        .await?;
                if let Some(other) = other {
                    return Ok(Undone::Refused(format!(
                        "Another topic is now called {name} (/topics/{other}); merge the two instead."
                    )));
                }
                rename_topic_in(&mut tx, &target, name).await?;
            }
            if kind == "speaker-rename"
                && let Some(name) = &before
            {
                let slug: Option<String> = sqlx::query_scalar("SELECT s.slug FROM speaker s WHERE s.id = (SELECT id FROM speaker WHERE slug = ?1 UNION ALL SELECT speaker_id FROM speaker_redirect WHERE slug = ?1 LIMIT 1)")
                    .bind(&target)
                    .fetch_optional(&mut *tx)
                    .await?;
                if let Some(slug) = slug
                    && let (Renamed::Taken(other), _, _) =
                        rename_speaker_in(&mut tx, &slug, name).await?
                {
                    return Ok(Undone::Refused(format!(
                        "Another speaker is now called {name} (/speakers/{other}); merge the two instead."
                    )));
                }
            }
            None
        }
    };
    tx.commit().await?;
    Ok(Undone::Done(slug))
}

/// Merges the topic `from` into `into` (slugs): its exchanges and editors' choices move, its
/// names become the kept one's aliases (a later reading that finds them gives their exchanges
/// to it) and its address redirects. Recorded in the archive's history. `false` when either
/// does not exist (nothing is written).
pub async fn merge_topics(
    pool: &SqlitePool,
    from: &str,
    into: &str,
    who: Who<'_>,
) -> Result<bool, sqlx::Error> {
    merge(
        pool,
        "topic",
        from,
        into,
        &[
            "INSERT OR IGNORE INTO exchange_topic (exchange_id, topic_id, origin, score, date) SELECT exchange_id, ?1, origin, score, date FROM exchange_topic WHERE topic_id = ?2",
            "UPDATE topic_stat SET exchanges = (SELECT count(*) FROM exchange_topic WHERE topic_id = ?1) WHERE topic_id = ?1 AND ?2 IS NOT NULL",
            "INSERT OR IGNORE INTO topic_edit (transcript_id, fingerprint, topic_id, action) SELECT transcript_id, fingerprint, ?1, action FROM topic_edit WHERE topic_id = ?2",
            "UPDATE topic_alias SET topic_id = ?1 WHERE topic_id = ?2",
            "INSERT OR REPLACE INTO topic_alias (key, topic_id) SELECT key, ?1 FROM topic WHERE id = ?2",
            "UPDATE topic_redirect SET topic_id = ?1 WHERE topic_id = ?2",
            "INSERT OR REPLACE INTO topic_redirect (slug, topic_id) SELECT slug, ?1 FROM topic WHERE id = ?2",
            "DELETE FROM topic WHERE id = ?2",
        ],
        who,
    )
    .await
}

/// Merges one topic or speaker (`table`) into another: runs `statements` (each bound to the
/// kept id as `?1` and the merged one as `?2`) and records the merge, in one transaction.
async fn merge(
    pool: &SqlitePool,
    table: &str,
    from: &str,
    into: &str,
    statements: &[&'static str],
    who: Who<'_>,
) -> Result<bool, sqlx::Error> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let find = match table {
        "topic" => "SELECT id, name FROM topic WHERE slug = ?",
        _ => "SELECT id, name FROM speaker WHERE slug = ?",
    };
    let from_row: Option<(i64, String)> = sqlx::query_as(find)
        .bind(from)
        .fetch_optional(&mut *tx)
        .await?;
    let into_row: Option<(i64, String)> = sqlx::query_as(find)
        .bind(into)
        .fetch_optional(&mut *tx)
        .await?;
    let (Some((from_id, from_name)), Some((into_id, into_name))) = (from_row, into_row) else {
        return Ok(false);
    };
    if from_id == into_id {
        return Ok(false);
    }
    let merged = Merged::of(&mut tx, table, from_id, into).await?;
    for &statement in statements {
        sqlx::query(statement)
            .bind(into_id)
            .bind(from_id)
            .execute(&mut *tx)
            .await?;
    }
    insert(
        &mut tx,
        None,
        &[Row {
            kind: format!("{table}-merge"),
            target: from.into(),
            value: Some(serde_json::to_string(&merged).unwrap_or_else(|_| into.to_string())),
            before: Some(from_name),
            after: Some(into_name),
            place: Some(format!("{table} {from}")),
        }],
        who,
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

/// What hiding a topic did.
#[derive(Debug, PartialEq)]
pub enum Hidden {
    /// Hidden now; how many exchanges it was taken from.
    Done(i64),
    NotFound,
    /// It was hidden already.
    Already,
}

/// Hides a topic an editor judges not to be one ("Looking forward"): its links to exchanges
/// go, no later reading links it again (nor an editor's earlier add), and its page says it was
/// hidden. Recorded in the archive's history with the transcripts it was taken from, so that
/// undoing it reads those again and gives the exchanges back.
pub async fn hide_topic(
    pool: &SqlitePool,
    slug: &str,
    who: Who<'_>,
) -> Result<Hidden, sqlx::Error> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let row: Option<(i64, String, bool)> =
        sqlx::query_as("SELECT id, name, hidden FROM topic WHERE slug = ?")
            .bind(slug)
            .fetch_optional(&mut *tx)
            .await?;
    let Some((id, name, hidden)) = row else {
        return Ok(Hidden::NotFound);
    };
    if hidden {
        return Ok(Hidden::Already);
    }
    let taken: String = sqlx::query_scalar("SELECT json_group_array(DISTINCT e.transcript_id) FROM exchange_topic et JOIN exchange e ON e.id = et.exchange_id WHERE et.topic_id = ?")
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
    let gone = sqlx::query("DELETE FROM exchange_topic WHERE topic_id = ?")
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    sqlx::query("UPDATE topic SET hidden = 1 WHERE id = ?")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    insert(
        &mut tx,
        None,
        &[Row {
            kind: "topic-hide".into(),
            target: slug.into(),
            value: Some(taken),
            before: Some(format!("{name}, on {gone} exchanges")),
            after: Some("hidden".into()),
            place: Some(format!("topic {slug}")),
        }],
        who,
    )
    .await?;
    tx.commit().await?;
    Ok(Hidden::Done(gone as i64))
}

/// The history entry that hid a topic, while it is hidden.
pub async fn topic_hidden_by(pool: &SqlitePool, slug: &str) -> Result<Option<Entry>, sqlx::Error> {
    let id: Option<i64> = sqlx::query_scalar("SELECT c.id FROM correction c JOIN topic t ON t.slug = c.target AND t.hidden = 1 WHERE c.kind = 'topic-hide' AND c.target = ? AND c.undone_at IS NULL ORDER BY c.id DESC LIMIT 1")
        .bind(slug)
        .fetch_optional(pool)
        .await?;
    match id {
        Some(id) => entry(pool, id).await,
        None => Ok(None),
    }
}

/// What a rename did.
#[derive(Debug, PartialEq)]
pub enum Renamed {
    Done,
    NotFound,
    /// Another topic or speaker has this name: the slug of the one to merge into instead.
    Taken(String),
}

/// Renames a topic; its address stays, and its old name stays an alias (a reading that finds
/// it gives its exchanges to the topic). Recorded in the archive's history; nothing is
/// recorded when the name is unchanged.
pub async fn rename_topic(
    pool: &SqlitePool,
    slug: &str,
    name: &str,
    who: Who<'_>,
) -> Result<Renamed, sqlx::Error> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let old: Option<(i64, String)> = sqlx::query_as("SELECT id, name FROM topic WHERE slug = ?")
        .bind(slug)
        .fetch_optional(&mut *tx)
        .await?;
    let Some((id, old)) = old else {
        return Ok(Renamed::NotFound);
    };
    if old == name {
        return Ok(Renamed::Done);
    }
    let other: Option<String> =
        sqlx::query_scalar("SELECT slug FROM topic WHERE key = ? AND id <> ?")
            .bind(names::fold(name))
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
    if let Some(other) = other {
        return Ok(Renamed::Taken(other));
    }
    rename_topic_in(&mut tx, slug, name).await?;
    record(
        tx,
        "topic-rename",
        slug,
        Some(name.into()),
        old,
        format!("topic {slug}"),
        who,
    )
    .await?;
    Ok(Renamed::Done)
}

async fn rename_topic_in(
    conn: &mut SqliteConnection,
    slug: &str,
    name: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT OR REPLACE INTO topic_alias (key, topic_id) SELECT key, id FROM topic WHERE slug = ?")
        .bind(slug)
        .execute(&mut *conn)
        .await?;
    let key = names::fold(name);
    sqlx::query("DELETE FROM topic_alias WHERE key = ?")
        .bind(&key)
        .execute(&mut *conn)
        .await?;
    sqlx::query("UPDATE topic SET name = ?, key = ? WHERE slug = ?")
        .bind(name)
        .bind(&key)
        .bind(slug)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Merges the speaker `from` into `into` (slugs): every turn, label and editor's choice of
/// `from` becomes `into`'s, its name finds `into` on every later reading, and its address
/// redirects. Recorded in the archive's history. `false` when either does not exist.
pub async fn merge_speakers(
    pool: &SqlitePool,
    from: &str,
    into: &str,
    who: Who<'_>,
) -> Result<bool, sqlx::Error> {
    merge(
        pool,
        "speaker",
        from,
        into,
        &[
            "UPDATE turn SET speaker_id = ?1 WHERE speaker_id = ?2",
            "INSERT OR IGNORE INTO alias (speaker_id, label) SELECT ?1, label FROM alias WHERE speaker_id = ?2",
            "UPDATE speaker_assignment SET speaker_id = ?1 WHERE speaker_id = ?2",
            "UPDATE speaker_key_alias SET speaker_id = ?1 WHERE speaker_id = ?2",
            "INSERT OR REPLACE INTO speaker_key_alias (key, speaker_id) SELECT key, ?1 FROM speaker WHERE id = ?2",
            "UPDATE speaker_redirect SET speaker_id = ?1 WHERE speaker_id = ?2",
            "INSERT OR REPLACE INTO speaker_redirect (slug, speaker_id) SELECT slug, ?1 FROM speaker WHERE id = ?2",
            "DELETE FROM speaker WHERE id = ?2",
        ],
        who,
    )
    .await
}

/// Renames a speaker (`Jean-Pierre` to `Karine Jean-Pierre`): the address follows the new name
/// and the old one redirects; the old name finds the speaker on every later reading. Recorded
/// in the archive's history. Returns the speaker's slug after the rename.
pub async fn rename_speaker(
    pool: &SqlitePool,
    slug: &str,
    name: &str,
    who: Who<'_>,
) -> Result<(Renamed, String), sqlx::Error> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let (renamed, new_slug, old) = rename_speaker_in(&mut tx, slug, name).await?;
    let Some(old) = old.filter(|_| renamed == Renamed::Done) else {
        return Ok((renamed, new_slug));
    };
    record(
        tx,
        "speaker-rename",
        new_slug.clone(),
        Some(name.into()),
        old,
        format!("speaker {new_slug}"),
        who,
    )
    .await?;
    Ok((Renamed::Done, new_slug))
}

/// Renames a speaker inside the caller's transaction: what it did, the slug after it, and the
/// name before it when it changed one.
async fn rename_speaker_in(
    tx: &mut SqliteConnection,
    slug: &str,
    name: &str,
) -> Result<(Renamed, String, Option<String>), sqlx::Error> {
    let old: Option<(i64, String, String, String)> =
        sqlx::query_as("SELECT id, name, key, kind FROM speaker WHERE slug = ?")
            .bind(slug)
            .fetch_optional(&mut *tx)
            .await?;
    let Some((id, old, old_key, kind)) = old else {
        return Ok((Renamed::NotFound, slug.into(), None));
    };
    if old == name {
        return Ok((Renamed::Done, slug.into(), None));
    }
    // The key keeps the kind's prefix (`outlet:`), so an outlet never becomes a person.
    let folded = names::fold(name);
    let key = match old_key.split_once(':') {
        Some((prefix, _)) if kind != "person" => format!("{prefix}:{folded}"),
        _ => folded,
    };
    if let Some(other) = key_holder(&mut *tx, &key, id).await? {
        return Ok((Renamed::Taken(other), slug.into(), None));
    }
    let base = super::slugify(name, 60);
    let new_slug = if base.is_empty() || base == slug {
        slug.to_string()
    } else {
        let taken: Vec<String> = sqlx::query_scalar(
            "SELECT slug FROM speaker WHERE (slug = ?1 OR (slug > ?1 || '-' AND slug < ?1 || '.')) AND id <> ?2 \
             UNION ALL SELECT slug FROM speaker_redirect WHERE (slug = ?1 OR (slug > ?1 || '-' AND slug < ?1 || '.')) AND speaker_id <> ?2",
        )
        .bind(&base)
        .bind(id)
        .fetch_all(&mut *tx)
        .await?;
        std::iter::once(base.clone())
            .chain((2..).map(|n| format!("{base}-{n}")))
            .find(|s| !taken.contains(s))
            .unwrap_or(base)
    };
    rekey(&mut *tx, id, &old_key, &key).await?;
    sqlx::query("DELETE FROM speaker_redirect WHERE slug = ?")
        .bind(&new_slug)
        .execute(&mut *tx)
        .await?;
    if new_slug != slug {
        sqlx::query("INSERT OR REPLACE INTO speaker_redirect (slug, speaker_id) VALUES (?, ?)")
            .bind(slug)
            .bind(id)
            .execute(&mut *tx)
            .await?;
    }
    sqlx::query("UPDATE speaker SET name = ?, key = ?, surname = ?, slug = ? WHERE id = ?")
        .bind(name)
        .bind(&key)
        .bind(surname_of(
            name,
            SpeakerKind::parse(&kind).unwrap_or(SpeakerKind::Person),
        ))
        .bind(&new_slug)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    Ok((Renamed::Done, new_slug, Some(old)))
}

/// Where the turns a split takes from a speaker go.
#[derive(Debug, Clone, Copy)]
pub enum SplitTo<'a> {
    /// A stored speaker, by slug.
    Speaker(&'a str),
    /// A new speaker of this name and kind (the stored one, if one has that name and kind).
    New { name: &'a str, kind: SpeakerKind },
}

/// What a split did.
#[derive(Debug, PartialEq)]
pub enum Split {
    /// `turns` turns of `transcripts` transcripts went to the speaker `to` (slug).
    Done {
        to: String,
        turns: i64,
        transcripts: usize,
    },
    NotFound,
    /// Nothing was written; the message says why and what to do instead.
    Refused(String),
}

/// The labels a speaker's turns are printed under, as printed: (label, turns, transcripts),
/// most used first.
pub async fn speaker_labels(
    db: impl sqlx::SqliteExecutor<'_>,
    speaker_id: i64,
) -> Result<Vec<(String, i64, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT label, count(*) AS n, count(DISTINCT transcript_id) FROM turn \
         WHERE speaker_id = ? AND label IS NOT NULL GROUP BY label ORDER BY n DESC, label LIMIT 200",
    )
    .bind(speaker_id)
    .fetch_all(db)
    .await
}

/// Re-derives these transcripts, then gives the address of each speaker they emptied to
/// where its turns went.
async fn rederive_all(tx: &mut SqliteConnection, ids: &[i64]) -> Result<(), StoreError> {
    let count = transcripts(&mut *tx).await?;
    let offices = super::offices::extra(&mut *tx).await?;
    let mut report = Reindexed::default();
    let mut went = HashMap::new();
    for &id in ids {
        write::rederive(&mut *tx, id, count, &offices, &mut report, &mut went).await??;
    }
    write::redirect_emptied_speakers(&mut *tx, &went).await?;
    Ok(())
}

/// Re-derives the transcripts where `speaker` has a turn printed under one of `labels`, and
/// what then became of the speakers they emptied.
async fn rederive_labelled(
    tx: &mut SqliteConnection,
    speaker: i64,
    labels: &[String],
) -> Result<Vec<i64>, StoreError> {
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT DISTINCT transcript_id FROM turn WHERE speaker_id = ? AND label IN (SELECT value FROM json_each(?)) ORDER BY transcript_id",
    )
    .bind(speaker)
    .bind(serde_json::to_string(labels).unwrap_or_else(|_| "[]".into()))
    .fetch_all(&mut *tx)
    .await?;
    rederive_all(&mut *tx, &ids).await?;
    // A label none of the speaker's turns is printed under any more is no longer theirs.
    sqlx::query(
        "DELETE FROM alias WHERE speaker_id = ?1 AND label IN (SELECT value FROM json_each(?2)) \
         AND NOT EXISTS (SELECT 1 FROM turn t WHERE t.speaker_id = ?1 AND t.label = alias.label)",
    )
    .bind(speaker)
    .bind(serde_json::to_string(labels).unwrap_or_else(|_| "[]".into()))
    .execute(&mut *tx)
    .await?;
    Ok(ids)
}

/// Splits a speaker: the turns a reading gives to `from` (slug) under `label` (as printed, in
/// any case) are another speaker's, in every transcript, on this and every later reading (a
/// reindex, a new import). Recorded in the archive's history and undone from it. An editor's
/// choice for a label in one transcript still wins there.
pub async fn split_speaker(
    pool: &SqlitePool,
    from: &str,
    label: &str,
    to: SplitTo<'_>,
    who: Who<'_>,
) -> Result<Split, StoreError> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let stored: Option<(i64, String, String)> =
        sqlx::query_as("SELECT id, slug, name FROM speaker WHERE slug = ?")
            .bind(from)
            .fetch_optional(&mut *tx)
            .await?;
    let Some((from_id, from_slug, from_name)) = stored else {
        return Ok(Split::NotFound);
    };
    let folded = names::fold(label.trim());
    // Every label the speaker was printed under (the page lists the most used few hundred).
    let printed = super::read::aliases(&mut *tx, from_id).await?;
    let matching: Vec<String> = printed
        .iter()
        .filter(|l| names::fold(l) == folded)
        .cloned()
        .collect();
    let (all, under): (i64, i64) = sqlx::query_as(
        "SELECT count(*), coalesce(sum(label IN (SELECT value FROM json_each(?))), 0) FROM turn WHERE speaker_id = ?",
    )
    .bind(serde_json::to_string(&matching).unwrap_or_else(|_| "[]".into()))
    .bind(from_id)
    .fetch_one(&mut *tx)
    .await?;
    if folded.is_empty() || under == 0 {
        let some: Vec<&str> = printed.iter().take(8).map(String::as_str).collect();
        return Ok(Split::Refused(if some.is_empty() {
            format!("No turn of {from_name} has a label to split off.")
        } else {
            format!(
                "No turn of {from_name} is printed as `{}`; their labels include: {}.",
                label.trim(),
                some.join(", ")
            )
        }));
    }
    if under == all {
        return Ok(Split::Refused(format!(
            "Every turn of {from_name} is printed as `{}`: rename {from_name}, or merge them into the speaker they are.",
            label.trim()
        )));
    }
    let (to_slug, to_name, created) = match to {
        SplitTo::Speaker(slug) => match speaker_by_slug(&mut tx, slug).await? {
            Some(id) if id == from_id => {
                return Ok(Split::Refused(format!(
                    "The turns would stay with {from_name}: name another speaker, or a new one."
                )));
            }
            Some(id) => {
                let (slug, name): (String, String) =
                    sqlx::query_as("SELECT slug, name FROM speaker WHERE id = ?")
                        .bind(id)
                        .fetch_one(&mut *tx)
                        .await?;
                (slug, name, false)
            }
            None => {
                return Ok(Split::Refused(format!(
                    "No speaker has the address /speakers/{slug}: give a stored speaker's address, or a name for a new one."
                )));
            }
        },
        SplitTo::New { name, kind } => {
            let name = name.trim();
            let existed: Option<String> =
                sqlx::query_scalar("SELECT slug FROM speaker WHERE key = ?")
                    .bind(super::derive::speaker_key(&names::fold(name), kind))
                    .fetch_optional(&mut *tx)
                    .await?;
            if existed.as_deref() == Some(from_slug.as_str()) {
                return Ok(Split::Refused(format!(
                    "{name} is {from_name}'s own name: give the other speaker's name."
                )));
            }
            let slug = new_speaker_of(&mut tx, name, kind).await?;
            (slug, name.to_string(), existed.is_none())
        }
    };
    insert(
        &mut tx,
        None,
        &[Row {
            kind: "speaker-split".into(),
            target: folded,
            value: Some(serde_json::json!([from_slug, to_slug]).to_string()),
            before: Some(from_name.clone()),
            after: Some(if created {
                format!("{to_name} (new speaker)")
            } else {
                to_name
            }),
            place: Some(format!(
                "turns printed as {} (/speakers/{from_slug})",
                matching[0]
            )),
        }],
        who,
    )
    .await?;
    let ids = rederive_labelled(&mut tx, from_id, &matching).await?;
    let turns: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM turn WHERE speaker_id = (SELECT id FROM speaker WHERE slug = ?) \
         AND transcript_id IN (SELECT value FROM json_each(?)) AND label IN (SELECT value FROM json_each(?))",
    )
    .bind(&to_slug)
    .bind(serde_json::to_string(&ids).unwrap_or_else(|_| "[]".into()))
    .bind(serde_json::to_string(&matching).unwrap_or_else(|_| "[]".into()))
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Split::Done {
        to: to_slug,
        turns,
        transcripts: ids.len(),
    })
}

/// Undoes a split inside the caller's transaction (the correction already marked undone): the
/// turns it moved are read again, and go back to whom the reading gives them.
async fn undo_split(
    tx: &mut SqliteConnection,
    label: &str,
    value: Option<&str>,
) -> Result<(), StoreError> {
    let Some((_, to)) = value.and_then(|v| serde_json::from_str::<(String, String)>(v).ok()) else {
        return Ok(());
    };
    let Some(to_id) = speaker_by_slug(&mut *tx, &to).await? else {
        return Ok(());
    };
    let labels: Vec<String> = super::read::aliases(&mut *tx, to_id)
        .await?
        .into_iter()
        .filter(|l| names::fold(l) == label)
        .collect();
    if !labels.is_empty() {
        rederive_labelled(tx, to_id, &labels).await?;
    }
    Ok(())
}

/// A transcript's reading before any correction: its stored source as the reader reads it,
/// with none of the editors' changes (the transcript as first published, read by this
/// reader), and the title the archive gives that reading. `None` when the transcript does not
/// exist or its source no longer reads.
pub async fn as_read(
    db: &SqlitePool,
    transcript_id: i64,
) -> Result<Option<(Document, String)>, sqlx::Error> {
    let mut conn = db.acquire().await?;
    let offices = super::offices::extra(&mut conn).await?;
    let read = match write::read_source(&mut conn, transcript_id, &offices).await {
        Ok(read) => read,
        Err(sqlx::Error::RowNotFound) => return Ok(None),
        Err(e) => return Err(e),
    };
    Ok(read.ok().map(|(doc, file_name, _)| {
        let title = doc
            .title
            .clone()
            .unwrap_or_else(|| write::fallback_title(file_name.as_deref(), &doc));
        (doc, title)
    }))
}

/// What a merge took from the topic or speaker that went, kept in its correction so that
/// undoing it brings that one back: its address, name, key and kind, the names and addresses
/// that led to it, and the transcripts (by slug, which an archive's export keeps) it was in.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct Merged {
    into: String,
    slug: String,
    name: String,
    key: String,
    #[serde(default)]
    surname: String,
    kind: String,
    /// Keys of the names merged or renamed into it before (aliases).
    keys: Vec<String>,
    /// Addresses that redirected to it.
    redirects: Vec<String>,
    /// The labels its turns were printed under (speakers).
    #[serde(default)]
    labels: Vec<String>,
    transcripts: Vec<String>,
}

impl Merged {
    async fn of(
        tx: &mut SqliteConnection,
        table: &str,
        id: i64,
        into: &str,
    ) -> Result<Merged, sqlx::Error> {
        let list = |sql: &'static str| sqlx::query_scalar::<_, String>(sql).bind(id);
        let topic = table == "topic";
        let (slug, name, key, surname, kind): (String, String, String, String, String) =
            sqlx::query_as(if topic {
                "SELECT slug, name, key, '', kind FROM topic WHERE id = ?"
            } else {
                "SELECT slug, name, key, surname, kind FROM speaker WHERE id = ?"
            })
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
        let (keys, redirects, labels, transcripts) = if topic {
            (
                "SELECT key FROM topic_alias WHERE topic_id = ?",
                "SELECT slug FROM topic_redirect WHERE topic_id = ?",
                None,
                "SELECT DISTINCT t.slug FROM exchange_topic et JOIN exchange e ON e.id = et.exchange_id JOIN transcript t ON t.id = e.transcript_id WHERE et.topic_id = ?1 \
                 UNION SELECT t.slug FROM topic_edit te JOIN transcript t ON t.id = te.transcript_id WHERE te.topic_id = ?1",
            )
        } else {
            (
                "SELECT key FROM speaker_key_alias WHERE speaker_id = ?",
                "SELECT slug FROM speaker_redirect WHERE speaker_id = ?",
                Some("SELECT label FROM alias WHERE speaker_id = ?"),
                "SELECT t.slug FROM speaker_transcript st JOIN transcript t ON t.id = st.transcript_id WHERE st.speaker_id = ?",
            )
        };
        Ok(Merged {
            into: into.into(),
            slug,
            name,
            key,
            surname,
            kind,
            keys: list(keys).fetch_all(&mut *tx).await?,
            redirects: list(redirects).fetch_all(&mut *tx).await?,
            labels: match labels {
                Some(sql) => list(sql).fetch_all(&mut *tx).await?,
                None => Vec::new(),
            },
            transcripts: list(transcripts).fetch_all(&mut *tx).await?,
        })
    }

    /// Why it cannot come back, when another now has its address or name.
    async fn blocked(
        &self,
        tx: &mut SqliteConnection,
        table: &str,
    ) -> Result<Option<String>, sqlx::Error> {
        let sql = if table == "topic" {
            "SELECT slug FROM topic WHERE slug = ? OR key = ? LIMIT 1"
        } else {
            "SELECT slug FROM speaker WHERE slug = ? OR key = ? LIMIT 1"
        };
        let taken: Option<String> = sqlx::query_scalar(sql)
            .bind(&self.slug)
            .bind(&self.key)
            .fetch_optional(&mut *tx)
            .await?;
        Ok(taken.map(|other| {
            format!(
                "Another {table} now has the address or the name of {} (/{table}s/{other}); rename it first.",
                self.name
            )
        }))
    }

    /// Brings it back under its address, with the names and addresses that led to it, and reads
    /// again the transcripts it was in.
    async fn undo(&self, tx: &mut SqliteConnection, table: &str) -> Result<(), StoreError> {
        let keys = serde_json::to_string(&self.keys).unwrap_or_else(|_| "[]".into());
        let slugs = serde_json::to_string(
            &self
                .redirects
                .iter()
                .chain([&self.slug])
                .collect::<Vec<_>>(),
        )
        .unwrap_or_else(|_| "[]".into());
        let ids: Vec<i64> = sqlx::query_scalar(
            "SELECT id FROM transcript WHERE slug IN (SELECT value FROM json_each(?)) ORDER BY id",
        )
        .bind(serde_json::to_string(&self.transcripts).unwrap_or_else(|_| "[]".into()))
        .fetch_all(&mut *tx)
        .await?;
        let id: i64 = if table == "topic" {
            sqlx::query_scalar(
                "INSERT INTO topic (slug, name, key, kind) VALUES (?, ?, ?, ?) RETURNING id",
            )
            .bind(&self.slug)
            .bind(&self.name)
            .bind(&self.key)
            .bind(&self.kind)
            .fetch_one(&mut *tx)
            .await?
        } else {
            sqlx::query_scalar(
                "INSERT INTO speaker (slug, name, key, surname, kind) VALUES (?, ?, ?, ?, ?) RETURNING id",
            )
            .bind(&self.slug)
            .bind(&self.name)
            .bind(&self.key)
            .bind(&self.surname)
            .bind(&self.kind)
            .fetch_one(&mut *tx)
            .await?
        };
        let statements = if table == "topic" {
            [
                "DELETE FROM topic_alias WHERE key = ?2 OR key IN (SELECT value FROM json_each(?3))",
                "INSERT OR REPLACE INTO topic_alias (key, topic_id) SELECT value, ?1 FROM json_each(?3)",
                "DELETE FROM topic_redirect WHERE slug IN (SELECT value FROM json_each(?4))",
                "INSERT INTO topic_redirect (slug, topic_id) SELECT value, ?1 FROM json_each(?4) WHERE value <> ?5",
            ]
        } else {
            [
                "DELETE FROM speaker_key_alias WHERE key = ?2 OR key IN (SELECT value FROM json_each(?3))",
                "INSERT OR REPLACE INTO speaker_key_alias (key, speaker_id) SELECT value, ?1 FROM json_each(?3)",
                "DELETE FROM speaker_redirect WHERE slug IN (SELECT value FROM json_each(?4))",
                "INSERT INTO speaker_redirect (slug, speaker_id) SELECT value, ?1 FROM json_each(?4) WHERE value <> ?5",
            ]
        };
        for sql in statements {
            sqlx::query(sql)
                .bind(id)
                .bind(&self.key)
                .bind(&keys)
                .bind(&slugs)
                .bind(&self.slug)
                .execute(&mut *tx)
                .await?;
        }
        if table == "speaker" {
            // Its turns go back where they were printed under its labels, before the
            // transcripts are read again (which keeps a label with the speaker it had).
            sqlx::query(
                "UPDATE turn SET speaker_id = ?1 WHERE transcript_id IN (SELECT value FROM json_each(?2)) \
                 AND label IN (SELECT value FROM json_each(?3)) AND speaker_id = (SELECT id FROM speaker WHERE slug = ?4)",
            )
            .bind(id)
            .bind(serde_json::to_string(&ids).unwrap_or_else(|_| "[]".into()))
            .bind(serde_json::to_string(&self.labels).unwrap_or_else(|_| "[]".into()))
            .bind(&self.into)
            .execute(&mut *tx)
            .await?;
        }
        rederive_all(&mut *tx, &ids).await
    }
}

/// Gives a speaker another kind (a person read as one who is an outlet, an anonymous official
/// read as a person): its key takes the kind's form and the old one stays an alias, so every
/// later reading of its labels still finds it. Recorded in the archive's history; undone from
/// it.
pub async fn rekind_speaker(
    pool: &SqlitePool,
    slug: &str,
    kind: SpeakerKind,
    who: Who<'_>,
) -> Result<Renamed, sqlx::Error> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let (done, old) = rekind_in(&mut tx, slug, kind).await?;
    let Some(old) = old.filter(|_| done == Renamed::Done) else {
        return Ok(done);
    };
    record(
        tx,
        "speaker-kind",
        slug,
        Some(kind.as_str().into()),
        old,
        format!("speaker {slug}"),
        who,
    )
    .await?;
    Ok(Renamed::Done)
}

/// Changes a speaker's kind inside the caller's transaction: what it did, and the kind before
/// when it changed one.
async fn rekind_in(
    tx: &mut SqliteConnection,
    slug: &str,
    kind: SpeakerKind,
) -> Result<(Renamed, Option<String>), sqlx::Error> {
    let Some(id) = speaker_by_slug(&mut *tx, slug).await? else {
        return Ok((Renamed::NotFound, None));
    };
    let (name, old_key, old_kind): (String, String, String) =
        sqlx::query_as("SELECT name, key, kind FROM speaker WHERE id = ?")
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
    if old_kind == kind.as_str() {
        return Ok((Renamed::Done, None));
    }
    let key = super::derive::speaker_key(&names::fold(&name), kind);
    if let Some(other) = key_holder(&mut *tx, &key, id).await? {
        return Ok((Renamed::Taken(other), None));
    }
    rekey(&mut *tx, id, &old_key, &key).await?;
    sqlx::query("UPDATE speaker SET kind = ?, key = ?, surname = ? WHERE id = ?")
        .bind(kind.as_str())
        .bind(&key)
        .bind(surname_of(&name, kind))
        .bind(id)
        .execute(&mut *tx)
        .await?;
    Ok((Renamed::Done, Some(old_kind)))
}

/// Records an archive-wide change from `before` to `value` and commits the transaction it was
/// made in.
async fn record(
    mut tx: sqlx::Transaction<'_, sqlx::Sqlite>,
    kind: &str,
    target: impl Into<String>,
    value: Option<String>,
    before: String,
    place: String,
    who: Who<'_>,
) -> Result<(), sqlx::Error> {
    insert(
        &mut tx,
        None,
        &[Row {
            kind: kind.into(),
            target: target.into(),
            after: value.clone(),
            value,
            before: Some(before),
            place: Some(place),
        }],
        who,
    )
    .await?;
    tx.commit().await
}

/// A speaker's key changes from `old` to `new`: the old one stays an alias of the speaker, so
/// a later reading of the old name finds them, and the new one is no alias of anyone.
async fn rekey(
    tx: &mut SqliteConnection,
    id: i64,
    old: &str,
    new: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT OR REPLACE INTO speaker_key_alias (key, speaker_id) VALUES (?, ?)")
        .bind(old)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM speaker_key_alias WHERE key = ?")
        .bind(new)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

/// The slug of the speaker other than `id` whose key is `key`.
async fn key_holder(
    tx: &mut SqliteConnection,
    key: &str,
    id: i64,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT slug FROM speaker WHERE key = ? AND id <> ?")
        .bind(key)
        .bind(id)
        .fetch_optional(&mut *tx)
        .await
}

/// The surname a speaker of this name and kind is found by: a person's as people write it,
/// else the last word of the folded name.
fn surname_of(name: &str, kind: SpeakerKind) -> String {
    match kind {
        SpeakerKind::Person => names::match_surname(name),
        _ => names::surname(&names::fold(name)).to_string(),
    }
}

/// What linking or unlinking language versions did.
#[derive(Debug, PartialEq)]
pub enum Relinked {
    Done,
    /// One of the two transcripts is not in the archive.
    NotFound,
    /// Why it cannot be done, for the editor.
    Refused(String),
}

/// The two sides of a link between language versions, as a correction's value keeps them.
#[derive(Serialize, serde::Deserialize)]
struct TranslationLink {
    translation: String,
    original: String,
}

/// Makes one transcript a translation of another (by slugs): the event of `translation` joins
/// the event of `original`, whose original stays the original. Recorded in the history of
/// `translation`, and undone from there.
pub async fn link_translation(
    pool: &SqlitePool,
    translation: &str,
    original: &str,
    who: Who<'_>,
) -> Result<Relinked, sqlx::Error> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let done = link_translation_in(&mut tx, translation, original, who).await?;
    if done == Relinked::Done {
        tx.commit().await?;
    }
    Ok(done)
}

async fn link_translation_in(
    conn: &mut SqliteConnection,
    translation: &str,
    original: &str,
    who: Who<'_>,
) -> Result<Relinked, sqlx::Error> {
    type Side = (i64, String, Option<String>);
    let side = |slug: &str| {
        sqlx::query_as::<_, Side>("SELECT id, title, language FROM transcript WHERE slug = ?")
            .bind(slug.to_string())
    };
    let Some((tid, _, tlang)) = side(translation).fetch_optional(&mut *conn).await? else {
        return Ok(Relinked::NotFound);
    };
    let Some((oid, otitle, olang)) = side(original).fetch_optional(&mut *conn).await? else {
        return Ok(Relinked::NotFound);
    };
    if tid == oid {
        return Ok(Relinked::Refused(
            super::translations::Refused::Same.message(),
        ));
    }
    if tlang.is_some() && tlang == olang {
        return Ok(Relinked::Refused(format!(
            "Both transcripts are in {}: the same text published twice is a republication, not a translation.",
            crate::search::indexed::language_name(tlang.as_deref().unwrap_or_default())
        )));
    }
    let before = super::translations::versions(&mut *conn, tid).await?;
    if let Err(why) = super::translations::link(conn, tid, oid, who.editor).await? {
        return Ok(Relinked::Refused(why.message()));
    }
    let lang = |l: &Option<String>| {
        l.as_deref()
            .map(crate::search::indexed::language_name)
            .unwrap_or_else(|| "another language".into())
    };
    insert(
        conn,
        Some(tid),
        &[Row {
            kind: "translation".into(),
            target: original.into(),
            value: serde_json::to_string(&TranslationLink {
                translation: translation.into(),
                original: original.into(),
            })
            .ok(),
            before: Some(if before.is_empty() {
                "one language".into()
            } else {
                format!("one of {} languages of another event", before.len())
            }),
            after: Some(format!(
                "the {} translation of “{otitle}” ({})",
                lang(&tlang),
                lang(&olang)
            )),
            place: Some("languages".into()),
        }],
        who,
    )
    .await?;
    Ok(Relinked::Done)
}

/// Takes a transcript out of the event it shares with its other language versions. Recorded
/// in its history, and undone from there.
pub async fn unlink_translation(
    pool: &SqlitePool,
    slug: &str,
    who: Who<'_>,
) -> Result<Relinked, sqlx::Error> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let done = unlink_translation_in(&mut tx, slug, who).await?;
    if done == Relinked::Done {
        tx.commit().await?;
    }
    Ok(done)
}

async fn unlink_translation_in(
    conn: &mut SqliteConnection,
    slug: &str,
    who: Who<'_>,
) -> Result<Relinked, sqlx::Error> {
    let id: Option<i64> = sqlx::query_scalar("SELECT id FROM transcript WHERE slug = ?")
        .bind(slug)
        .fetch_optional(&mut *conn)
        .await?;
    let Some(id) = id else {
        return Ok(Relinked::NotFound);
    };
    let versions = super::translations::versions(&mut *conn, id).await?;
    let Some(me) = versions.iter().find(|v| v.id == id) else {
        return Ok(Relinked::Refused(
            "This transcript is the only version of its event: there is nothing to unlink.".into(),
        ));
    };
    // What undoing it links again: this transcript to the original, or, for the original,
    // the one that inherits the rest to it.
    let (translation, original) = if me.original {
        let heir = versions
            .iter()
            .find(|v| !v.original)
            .map(|v| v.slug.clone());
        (heir.unwrap_or_default(), slug.to_string())
    } else {
        let root = versions.iter().find(|v| v.original).map(|v| v.slug.clone());
        (slug.to_string(), root.unwrap_or_default())
    };
    super::translations::unlink(conn, id).await?;
    let others: Vec<&str> = versions
        .iter()
        .filter(|v| v.id != id)
        .map(|v| v.slug.as_str())
        .collect();
    insert(
        conn,
        Some(id),
        &[Row {
            kind: "translation-unlink".into(),
            target: others.join(" "),
            value: serde_json::to_string(&TranslationLink {
                translation,
                original,
            })
            .ok(),
            before: Some(format!(
                "{}, one of {} languages",
                if me.original {
                    "the original"
                } else {
                    "a translation"
                },
                versions.len()
            )),
            after: Some("one language".into()),
            place: Some("languages".into()),
        }],
        who,
    )
    .await?;
    Ok(Relinked::Done)
}
