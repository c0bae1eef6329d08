//! The whole archive as JSON Lines, to move it to another machine or another tool, and back.
//!
//! The first line says what the file is; each further line is one transcript, whole: its
//! source (the bytes, base64, with their hash and provenance), what editors set by hand, the
//! turns and exchanges as stored (speakers and topics by slug), the speakers editors assigned
//! to labels and the topics they added or removed. The last line holds what belongs to no one
//! transcript: the addresses that redirect (merged speakers and topics, renumbered exchanges)
//! and the topics' aliases. Editors' accounts, sessions and API tokens are never written out.
//!
//! Importing a file reads each source again with this version's parser, keeping the editors'
//! fields, slugs and provenance, then puts back the editors' choices and the redirects: the same
//! archive, as another export of it shows.

use super::ingest;
use super::write::{self, Edits, Imported, Upload};
use base64::Engine;
use serde::{Deserialize, Serialize};
use sqlx::SqlitePool;
use std::io::{BufRead, Write};

/// The format's name and version, on the first line.
pub const FORMAT: &str = "stenogram-archive";
pub const VERSION: i64 = 1;

#[derive(Serialize, Deserialize)]
struct Header {
    format: String,
    version: i64,
    transcripts: i64,
}

#[derive(Serialize, Deserialize)]
struct Source {
    sha256: String,
    media_type: String,
    file_name: Option<String>,
    uploaded_by: Option<String>,
    uploaded_at: String,
    /// The bytes as uploaded, base64 (RFC 4648).
    base64: String,
}

#[derive(Serialize, Deserialize)]
struct Turn {
    position: i64,
    speaker: String,
    speaker_slug: String,
    speaker_kind: String,
    label: Option<String>,
    role: String,
    exchange: Option<i64>,
    paragraphs: Vec<String>,
}

#[derive(Serialize, Deserialize)]
struct TopicOf {
    exchange: i64,
    slug: String,
    name: String,
    kind: String,
}

#[derive(Serialize, Deserialize)]
struct Assignment {
    label: String,
    speaker_slug: String,
}

#[derive(Serialize, Deserialize)]
struct TopicEdit {
    fingerprint: String,
    topic_slug: String,
    topic_name: String,
    topic_kind: String,
    action: String,
}

#[derive(Serialize, Deserialize)]
struct TranscriptLine {
    slug: String,
    title: String,
    date: Option<String>,
    place: Option<String>,
    source_url: Option<String>,
    language: Option<String>,
    /// What editors set by hand; it wins over the reading on import.
    edits: Edits,
    source: Source,
    turns: Vec<Turn>,
    topics: Vec<TopicOf>,
    assignments: Vec<Assignment>,
    topic_edits: Vec<TopicEdit>,
    /// The same text published elsewhere: more sources of this transcript.
    #[serde(default)]
    republications: Vec<Source>,
    /// Every correction of this transcript, oldest first, undone ones too: what the editors'
    /// fields, assignments and topic choices above add up from. An export without them (an
    /// earlier version) has its choices imported as corrections.
    #[serde(default)]
    corrections: Vec<Correction>,
    /// The transcript of the original, when this one is its translation into another language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    translation_of: Option<TranslationOf>,
}

/// The original a translation was linked to, and by whom (none when the reader found it).
#[derive(Serialize, Deserialize)]
struct TranslationOf {
    slug: String,
    linked_by: Option<String>,
}

/// One correction as exported (see migration 0013 for the kinds).
#[derive(Serialize, Deserialize, sqlx::FromRow)]
struct Correction {
    kind: String,
    target: String,
    value: Option<String>,
    before: Option<String>,
    after: Option<String>,
    place: Option<String>,
    editor: Option<String>,
    reason: Option<String>,
    at: String,
    undone_at: Option<String>,
    undone_by: Option<String>,
}

const CORRECTION_COLUMNS: &str =
    "kind, target, value, before, after, place, editor, reason, at, undone_at, undone_by";

#[derive(Serialize, Deserialize, Default)]
struct ArchiveLine {
    /// (transcript slug, exchange number, the fingerprint of its question).
    exchange_redirects: Vec<(String, i64, String)>,
    /// (old slug, the speaker's slug now).
    speaker_redirects: Vec<(String, String)>,
    /// (old slug, the topic's slug now).
    topic_redirects: Vec<(String, String)>,
    /// (folded name, the topic's slug).
    topic_aliases: Vec<(String, String)>,
    /// (key, the speaker's slug): names of merged and renamed speakers.
    #[serde(default)]
    speaker_aliases: Vec<(String, String)>,
    /// Archive-wide corrections (merges, renames, splits), oldest first.
    #[serde(default)]
    corrections: Vec<Correction>,
    /// Every speaker as (slug, name, key, surname, kind): the ones editors made, which no
    /// reading makes, come back under their own address.
    #[serde(default)]
    speakers: Vec<(String, String, String, String, String)>,
    /// The office holders editors added beside the shipped table.
    #[serde(default)]
    offices: Vec<crate::parse::offices::Holder>,
}

#[derive(Serialize, Deserialize)]
#[serde(tag = "line", rename_all = "snake_case")]
enum Line {
    Transcript(Box<TranscriptLine>),
    Archive(ArchiveLine),
}

/// A source as read: sha256, media type, file name, uploaded by, uploaded at, bytes.
type SourceRow = (
    String,
    String,
    Option<String>,
    Option<String>,
    String,
    Vec<u8>,
);

fn io(e: impl std::fmt::Display) -> anyhow::Error {
    anyhow::anyhow!("{e}")
}

/// Writes the archive to `out`, one transcript a line, in the order they were added; returns
/// how many transcripts it wrote. Reads one transcript at a time, whatever the archive's size.
pub async fn export(pool: &SqlitePool, out: &mut impl Write) -> anyhow::Result<i64> {
    let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM transcript ORDER BY id")
        .fetch_all(pool)
        .await?;
    let header = Header {
        format: FORMAT.into(),
        version: VERSION,
        transcripts: ids.len() as i64,
    };
    serde_json::to_writer(&mut *out, &header)?;
    out.write_all(b"\n")?;
    let engine = base64::engine::general_purpose::STANDARD;
    for id in &ids {
        #[allow(clippy::type_complexity)]
        let row: (
            String,
            String,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<String>,
            String,
            String,
            String,
            Option<String>,
            Option<String>,
            String,
            Vec<u8>,
        ) = sqlx::query_as(
            "SELECT t.slug, t.title, t.date, t.place, t.source_url, t.language, t.edited, \
                    s.sha256, s.media_type, s.file_name, s.uploaded_by, s.uploaded_at, s.bytes \
             FROM transcript t JOIN source s ON s.id = t.source_id WHERE t.id = ?",
        )
        .bind(id)
        .fetch_one(pool)
        .await?;
        let (
            slug,
            title,
            date,
            place,
            source_url,
            language,
            edited,
            sha256,
            media_type,
            file_name,
            uploaded_by,
            uploaded_at,
            bytes,
        ) = row;
        let turns = super::read::turns(pool, *id)
            .await?
            .into_iter()
            .map(|t| {
                let paragraphs = t.paragraphs();
                Turn {
                    position: t.position,
                    speaker: t.speaker,
                    speaker_slug: t.speaker_slug,
                    speaker_kind: t.speaker_kind,
                    label: t.label,
                    role: t.role,
                    exchange: t.exchange,
                    paragraphs,
                }
            })
            .collect();
        let topics = super::read::transcript_topics(pool, *id)
            .await?
            .into_iter()
            .map(|(exchange, t)| TopicOf {
                exchange,
                slug: t.slug,
                name: t.name,
                kind: t.kind,
            })
            .collect();
        let assignments: Vec<(String, String)> = sqlx::query_as(
            "SELECT a.label, s.slug FROM speaker_assignment a JOIN speaker s ON s.id = a.speaker_id \
             WHERE a.transcript_id = ? ORDER BY a.label",
        )
        .bind(id)
        .fetch_all(pool)
        .await?;
        let topic_edits: Vec<(String, String, String, String, String)> = sqlx::query_as(
            "SELECT e.fingerprint, tp.slug, tp.name, tp.kind, e.action FROM topic_edit e JOIN topic tp ON tp.id = e.topic_id \
             WHERE e.transcript_id = ? ORDER BY e.fingerprint, tp.slug",
        )
        .bind(id)
        .fetch_all(pool)
        .await?;
        let republished: Vec<SourceRow> = sqlx::query_as(
            "SELECT s.sha256, s.media_type, s.file_name, s.uploaded_by, s.uploaded_at, s.bytes \
             FROM republication r JOIN source s ON s.id = r.source_id WHERE r.transcript_id = ? ORDER BY s.id",
        )
        .bind(id)
        .fetch_all(pool)
        .await?;
        let corrections: Vec<Correction> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {CORRECTION_COLUMNS} FROM correction WHERE transcript_id = ? ORDER BY id"
        )))
        .bind(id)
        .fetch_all(pool)
        .await?;
        let translation_of: Option<(String, Option<String>)> = sqlx::query_as(
            "SELECT o.slug, x.linked_by FROM translation x JOIN transcript o ON o.id = x.original_id \
             WHERE x.transcript_id = ?",
        )
        .bind(id)
        .fetch_optional(pool)
        .await?;
        let line = Line::Transcript(Box::new(TranscriptLine {
            translation_of: translation_of
                .map(|(slug, linked_by)| TranslationOf { slug, linked_by }),
            corrections,
            slug,
            title,
            date,
            place,
            source_url,
            language,
            edits: serde_json::from_str(&edited).unwrap_or_default(),
            source: Source {
                sha256,
                media_type,
                file_name,
                uploaded_by,
                uploaded_at,
                base64: engine.encode(&bytes),
            },
            turns,
            topics,
            assignments: assignments
                .into_iter()
                .map(|(label, speaker_slug)| Assignment {
                    label,
                    speaker_slug,
                })
                .collect(),
            topic_edits: topic_edits
                .into_iter()
                .map(
                    |(fingerprint, topic_slug, topic_name, topic_kind, action)| TopicEdit {
                        fingerprint,
                        topic_slug,
                        topic_name,
                        topic_kind,
                        action,
                    },
                )
                .collect(),
            republications: republished
                .into_iter()
                .map(
                    |(sha256, media_type, file_name, uploaded_by, uploaded_at, bytes)| Source {
                        sha256,
                        media_type,
                        file_name,
                        uploaded_by,
                        uploaded_at,
                        base64: engine.encode(&bytes),
                    },
                )
                .collect(),
        }));
        serde_json::to_writer(&mut *out, &line)?;
        out.write_all(b"\n")?;
    }
    let archive = ArchiveLine {
        exchange_redirects: sqlx::query_as(
            "SELECT t.slug, r.number, r.fingerprint FROM exchange_redirect r JOIN transcript t ON t.id = r.transcript_id ORDER BY t.slug, r.number",
        )
        .fetch_all(pool)
        .await?,
        speaker_redirects: sqlx::query_as(
            "SELECT r.slug, s.slug FROM speaker_redirect r JOIN speaker s ON s.id = r.speaker_id ORDER BY r.slug",
        )
        .fetch_all(pool)
        .await?,
        topic_redirects: sqlx::query_as(
            "SELECT r.slug, tp.slug FROM topic_redirect r JOIN topic tp ON tp.id = r.topic_id ORDER BY r.slug",
        )
        .fetch_all(pool)
        .await?,
        topic_aliases: sqlx::query_as(
            "SELECT a.key, tp.slug FROM topic_alias a JOIN topic tp ON tp.id = a.topic_id ORDER BY a.key",
        )
        .fetch_all(pool)
        .await?,
        speaker_aliases: sqlx::query_as(
            "SELECT a.key, s.slug FROM speaker_key_alias a JOIN speaker s ON s.id = a.speaker_id ORDER BY a.key",
        )
        .fetch_all(pool)
        .await?,
        corrections: sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {CORRECTION_COLUMNS} FROM correction WHERE transcript_id IS NULL ORDER BY id"
        )))
        .fetch_all(pool)
        .await?,
        speakers: sqlx::query_as(
            "SELECT slug, name, key, surname, kind FROM speaker ORDER BY slug",
        )
        .fetch_all(pool)
        .await?,
        offices: super::offices::extra_in(pool).await?,
    };
    serde_json::to_writer(&mut *out, &Line::Archive(archive))?;
    out.write_all(b"\n")?;
    out.flush()?;
    Ok(ids.len() as i64)
}

/// What an import of an export did.
#[derive(Debug, Default)]
pub struct Restored {
    pub imported: usize,
    pub existing: usize,
    /// Editors' choices that point at a speaker or topic the file does not hold.
    pub skipped: Vec<String>,
}

/// Whether the start of a file is an export of an archive.
pub fn is_export(first_bytes: &[u8]) -> bool {
    let head = String::from_utf8_lossy(&first_bytes[..first_bytes.len().min(200)]);
    head.trim_start().starts_with('{') && head.contains(&format!("\"format\":\"{FORMAT}\""))
}

/// Reads an export into the archive at `pool`. A transcript whose bytes are stored already is
/// left as it is; a line that cannot be read stops the import with its line number, leaving
/// the transcripts before it.
pub async fn import(pool: &SqlitePool, input: impl BufRead) -> anyhow::Result<Restored> {
    let mut lines = input.lines();
    let header: Header = match lines.next() {
        Some(line) => serde_json::from_str(&line?).map_err(|e| io(format!("line 1: {e}")))?,
        None => anyhow::bail!("the file is empty"),
    };
    if header.format != FORMAT || header.version > VERSION {
        anyhow::bail!(
            "this is not a Stenogram export this version reads ({} version {})",
            header.format,
            header.version
        );
    }
    let offices = super::offices::extra_in(pool).await?;
    let engine = base64::engine::general_purpose::STANDARD;
    let mut restored = Restored::default();
    let mut choices = false;
    let mut archive = ArchiveLine::default();
    let mut transcripts: Vec<Box<TranscriptLine>> = Vec::new();
    for (i, line) in lines.enumerate() {
        let n = i + 2;
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<Line>(&line).map_err(|e| io(format!("line {n}: {e}")))? {
            Line::Archive(a) => archive = a,
            Line::Transcript(t) => {
                let bytes = engine
                    .decode(&t.source.base64)
                    .map_err(|e| io(format!("line {n}: the source is not base64: {e}")))?;
                if super::sha256_hex(&bytes) != t.source.sha256 {
                    anyhow::bail!("line {n}: the source's bytes do not match their SHA-256");
                }
                let upload = Upload {
                    bytes: &bytes,
                    file_name: t.source.file_name.as_deref(),
                    declared_type: Some(&t.source.media_type),
                    uploaded_by: t.source.uploaded_by.as_deref(),
                };
                let prepared = ingest::read(&upload, &offices)
                    .map_err(|e| io(format!("line {n} ({}): {e}", t.slug)))?;
                let mut conn = pool.acquire().await?;
                let outcome = write::store(&mut conn, &upload, &prepared)
                    .await
                    .map_err(|e| io(format!("line {n} ({}): {e}", t.slug)))?;
                match outcome {
                    Imported::New { slug, .. } => {
                        restored.imported += 1;
                        // The address it had, and when and by whom it was added.
                        sqlx::query(
                            "UPDATE transcript SET slug = ?1 WHERE slug = ?2 AND ?1 != ?2 \
                             AND NOT EXISTS (SELECT 1 FROM transcript WHERE slug = ?1)",
                        )
                        .bind(&t.slug)
                        .bind(&slug)
                        .execute(&mut *conn)
                        .await?;
                        sqlx::query("UPDATE source SET uploaded_at = ? WHERE sha256 = ?")
                            .bind(&t.source.uploaded_at)
                            .bind(&t.source.sha256)
                            .execute(&mut *conn)
                            .await?;
                        // Its other sources: the same text, so each joins this transcript.
                        for r in &t.republications {
                            let bytes = engine.decode(&r.base64).map_err(|e| {
                                io(format!("line {n}: a republication is not base64: {e}"))
                            })?;
                            let upload = Upload {
                                bytes: &bytes,
                                file_name: r.file_name.as_deref(),
                                declared_type: Some(&r.media_type),
                                uploaded_by: r.uploaded_by.as_deref(),
                            };
                            let Ok(prepared) = ingest::read(&upload, &offices) else {
                                restored
                                    .skipped
                                    .push(format!("{}: a republication could not be read", t.slug));
                                continue;
                            };
                            write::store(&mut conn, &upload, &prepared)
                                .await
                                .map_err(|e| io(format!("line {n} ({}): {e}", t.slug)))?;
                            sqlx::query("UPDATE source SET uploaded_at = ? WHERE sha256 = ?")
                                .bind(&r.uploaded_at)
                                .bind(&r.sha256)
                                .execute(&mut *conn)
                                .await?;
                        }
                        choices |= !t.assignments.is_empty() || !t.topic_edits.is_empty();
                        transcripts.push(t);
                    }
                    Imported::Existing { .. } => restored.existing += 1,
                }
            }
        }
    }
    // Editors' choices, now that every speaker and topic the readings make exists; the
    // speakers only editors made come first, under their own address and name.
    let mut tx = pool.begin().await?;
    let made: Vec<i64> = sqlx::query_scalar(
        "INSERT OR IGNORE INTO speaker (slug, name, key, surname, kind) \
         SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4 FROM json_each(?) \
         WHERE value ->> 4 IN ('person', 'outlet', 'anonymous') RETURNING id",
    )
    .bind(serde_json::to_string(&archive.speakers)?)
    .fetch_all(&mut *tx)
    .await?;
    for t in &transcripts {
        let id: Option<i64> = sqlx::query_scalar("SELECT id FROM transcript WHERE slug = ?")
            .bind(&t.slug)
            .fetch_optional(&mut *tx)
            .await?;
        let Some(id) = id else { continue };
        // The corrections the choices add up from; from an earlier export, the choices
        // themselves become corrections.
        let corrections: Vec<Correction> = if t.corrections.is_empty() {
            earlier_choices(t)
        } else {
            t.corrections.iter().map(Correction::copy).collect()
        };
        insert_corrections(&mut tx, Some(id), &corrections).await?;
        // Its languages as the file has them, whatever the reader linked on the way in.
        sqlx::query("DELETE FROM translation WHERE transcript_id = ?")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        if let Some(of) = &t.translation_of {
            sqlx::query(
                "INSERT OR REPLACE INTO translation (transcript_id, original_id, linked_by) \
                 SELECT ?1, id, ?2 FROM transcript WHERE slug = ?3 AND id <> ?1",
            )
            .bind(id)
            .bind(&of.linked_by)
            .bind(&of.slug)
            .execute(&mut *tx)
            .await?;
        }
        for a in &t.assignments {
            let done = sqlx::query(
                "INSERT OR REPLACE INTO speaker_assignment (transcript_id, label, speaker_id) \
                 SELECT ?, ?, id FROM speaker WHERE slug = ?",
            )
            .bind(id)
            .bind(&a.label)
            .bind(&a.speaker_slug)
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() == 0 {
                restored.skipped.push(format!(
                    "{}: the label {:?} was assigned to {}, who is not in the file",
                    t.slug, a.label, a.speaker_slug
                ));
            }
        }
        for e in &t.topic_edits {
            sqlx::query("INSERT OR IGNORE INTO topic (slug, name, key, kind) VALUES (?, ?, ?, ?)")
                .bind(&e.topic_slug)
                .bind(&e.topic_name)
                .bind(crate::parse::names::fold(&e.topic_name))
                .bind(&e.topic_kind)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "INSERT OR REPLACE INTO topic_edit (transcript_id, fingerprint, topic_id, action) \
                 SELECT ?, ?, id, ? FROM topic WHERE slug = ?",
            )
            .bind(id)
            .bind(&e.fingerprint)
            .bind(&e.action)
            .bind(&e.topic_slug)
            .execute(&mut *tx)
            .await?;
        }
    }
    // Each pair is (what is looked up, the slug of what it leads to now).
    for (sql, pairs) in [
        (
            "INSERT OR IGNORE INTO speaker_redirect (slug, speaker_id) \
             SELECT p.value ->> 0, s.id FROM json_each(?) p JOIN speaker s ON s.slug = p.value ->> 1",
            &archive.speaker_redirects,
        ),
        (
            "INSERT OR IGNORE INTO topic_redirect (slug, topic_id) \
             SELECT p.value ->> 0, tp.id FROM json_each(?) p JOIN topic tp ON tp.slug = p.value ->> 1",
            &archive.topic_redirects,
        ),
        (
            "INSERT OR IGNORE INTO topic_alias (key, topic_id) \
             SELECT p.value ->> 0, tp.id FROM json_each(?) p JOIN topic tp ON tp.slug = p.value ->> 1",
            &archive.topic_aliases,
        ),
    ] {
        sqlx::query(sql)
            .bind(serde_json::to_string(pairs)?)
            .execute(&mut *tx)
            .await?;
    }
    sqlx::query(
        "INSERT OR IGNORE INTO speaker_key_alias (key, speaker_id) \
         SELECT p.value ->> 0, s.id FROM json_each(?) p JOIN speaker s ON s.slug = p.value ->> 1",
    )
    .bind(serde_json::to_string(&archive.speaker_aliases)?)
    .execute(&mut *tx)
    .await?;
    insert_corrections(&mut tx, None, &archive.corrections).await?;
    // Topics editors hid stay hidden: the readings below link none of them.
    let hidden = sqlx::query(
        "UPDATE topic SET hidden = 1 WHERE slug IN (SELECT target FROM correction \
         WHERE kind = 'topic-hide' AND transcript_id IS NULL AND undone_at IS NULL)",
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    for (slug, number, fingerprint) in &archive.exchange_redirects {
        sqlx::query("INSERT OR IGNORE INTO exchange_redirect (transcript_id, number, fingerprint) SELECT id, ?, ? FROM transcript WHERE slug = ?")
            .bind(number)
            .bind(fingerprint)
            .bind(slug)
            .execute(&mut *tx)
            .await?;
    }
    // A merged topic's name read again made the topic anew before its alias was back: it goes,
    // and its exchanges go to the kept topic when the sources are read again below.
    let recreated = sqlx::query(
        "DELETE FROM topic WHERE slug IN (SELECT slug FROM topic_redirect) \
         AND id NOT IN (SELECT topic_id FROM topic_redirect)",
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    tx.commit().await?;
    // The office holders editors added: the reindex below reads every transcript with them.
    for holder in &archive.offices {
        super::offices::add(pool, holder, None).await?;
    }
    choices |= recreated > 0
        || !archive.offices.is_empty()
        || hidden > 0
        || archive
            .corrections
            .iter()
            .any(|c| c.kind == "speaker-split" && c.undone_at.is_none())
        || !archive.speaker_redirects.is_empty()
        || !archive.speaker_aliases.is_empty()
        || transcripts
            .iter()
            .any(|t| !t.corrections.is_empty() || t.edits != Edits::default());
    // The readings again, with the editors' choices applied as a reindex applies them.
    if choices {
        write::reindex(pool).await?;
    }
    // The speakers made above that no choice gave a turn to are not kept.
    sqlx::query(
        "DELETE FROM speaker WHERE id IN (SELECT value FROM json_each(?)) \
         AND NOT EXISTS (SELECT 1 FROM turn t WHERE t.speaker_id = speaker.id)",
    )
    .bind(serde_json::to_string(&made)?)
    .execute(pool)
    .await?;
    Ok(restored)
}

impl Correction {
    fn copy(&self) -> Correction {
        Correction {
            kind: self.kind.clone(),
            target: self.target.clone(),
            value: self.value.clone(),
            before: self.before.clone(),
            after: self.after.clone(),
            place: self.place.clone(),
            editor: self.editor.clone(),
            reason: self.reason.clone(),
            at: self.at.clone(),
            undone_at: self.undone_at.clone(),
            undone_by: self.undone_by.clone(),
        }
    }
}

/// The choices of an export made before corrections were recorded, as corrections.
fn earlier_choices(t: &TranscriptLine) -> Vec<Correction> {
    let at = t.source.uploaded_at.clone();
    let row =
        |kind: &str, target: &str, value: Option<&String>, place: Option<String>| Correction {
            kind: kind.into(),
            target: target.into(),
            value: value.cloned(),
            before: None,
            after: value.cloned(),
            place,
            editor: None,
            reason: None,
            at: at.clone(),
            undone_at: None,
            undone_by: None,
        };
    let mut out = Vec::new();
    for (kind, value) in [
        ("title", t.edits.title.as_ref()),
        ("date", t.edits.date.as_ref()),
        ("place", t.edits.place.as_ref()),
        ("source_url", t.edits.source_url.as_ref()),
    ] {
        if value.is_some() {
            out.push(row(kind, "", value, None));
        }
    }
    for a in &t.assignments {
        out.push(row(
            "speaker",
            &a.label,
            Some(&a.speaker_slug),
            Some(format!("label {}", a.label)),
        ));
    }
    for e in &t.topic_edits {
        let mut r = row(
            &format!("topic-{}", e.action),
            &e.fingerprint,
            Some(&e.topic_slug),
            None,
        );
        r.after = Some(e.topic_name.clone());
        out.push(r);
    }
    out
}

async fn insert_corrections(
    conn: &mut sqlx::SqliteConnection,
    transcript_id: Option<i64>,
    rows: &[Correction],
) -> Result<(), sqlx::Error> {
    if rows.is_empty() {
        return Ok(());
    }
    let json: Vec<_> = rows
        .iter()
        .map(|c| {
            (
                transcript_id,
                &c.kind,
                &c.target,
                &c.value,
                &c.before,
                &c.after,
                &c.place,
                &c.editor,
                &c.reason,
                &c.at,
                &c.undone_at,
                &c.undone_by,
            )
        })
        .collect();
    sqlx::query(
        "INSERT INTO correction (transcript_id, kind, target, value, before, after, place, editor, reason, at, undone_at, undone_by) \
         SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5, value ->> 6, value ->> 7, value ->> 8, value ->> 9, value ->> 10, value ->> 11 FROM json_each(?)",
    )
    .bind(serde_json::to_string(&json).unwrap_or_else(|_| "[]".into()))
    .execute(conn)
    .await?;
    Ok(())
}
