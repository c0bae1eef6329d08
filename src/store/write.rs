//! Writing the archive: transcripts with their sources, speakers, turns, exchanges, topics and
//! search index, each all or nothing, alone or in batches; and re-reading every source
//! (`reindex`).

pub use super::derive::Prepared;
use super::derive::{
    Context, Known, ReadingFields, Rows, Scope, SourceInsert, TranscriptInsert, claim_slug, derive,
    json_array,
};
use super::{sha256_hex, slugify};
use crate::parse::{self, Document, ParseError, SpeakerKind, names};
use sqlx::{SqliteConnection, SqlitePool};
use std::collections::{HashMap, HashSet};

/// Why a transcript could not be stored. Nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{0}")]
    Parse(#[from] ParseError),
    #[error("{}", super::explain(.0))]
    Db(#[from] sqlx::Error),
}

/// What an import did.
#[derive(Debug, Clone, PartialEq)]
pub enum Imported {
    New {
        id: i64,
        slug: String,
        exchanges: usize,
        turns: usize,
        /// The transcript already stored whose text this one repeats (a republication kept as
        /// a transcript of its own, as a bulk import of files does).
        repeats: Option<String>,
    },
    /// The same bytes were already in the archive; nothing changed.
    Existing { slug: String },
}

impl Imported {
    pub fn slug(&self) -> &str {
        match self {
            Imported::New { slug, .. } | Imported::Existing { slug } => slug,
        }
    }
}

/// Fields an editor set by hand, which win over the parser's reading.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Edits {
    pub title: Option<String>,
    pub date: Option<String>,
    pub place: Option<String>,
    pub source_url: Option<String>,
}

/// The media type to record for a file name or declared type.
pub fn media_type(file_name: Option<&str>, declared: Option<&str>) -> String {
    if let Some(d) = declared
        .map(|d| d.split(';').next().unwrap_or("").trim())
        .filter(|d| !d.is_empty() && *d != "application/octet-stream")
    {
        return d.to_string();
    }
    let name = file_name.unwrap_or("").to_ascii_lowercase();
    if name.ends_with(".html") || name.ends_with(".htm") {
        "text/html".into()
    } else if name.ends_with(".md") || name.ends_with(".markdown") {
        "text/markdown".into()
    } else {
        "text/plain".into()
    }
}

/// The slug of the transcript stored from these bytes, if any.
pub async fn existing_slug(
    pool: impl sqlx::SqliteExecutor<'_>,
    sha: &str,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT t.slug FROM source s JOIN transcript t ON t.source_id = s.id WHERE s.sha256 = ?",
    )
    .bind(sha.to_string())
    .fetch_optional(pool)
    .await
}

/// Reads and stores one file's bytes. The same bytes twice are one transcript.
pub async fn import_bytes(
    pool: &SqlitePool,
    bytes: &[u8],
    file_name: Option<&str>,
    declared_type: Option<&str>,
    uploaded_by: Option<&str>,
) -> Result<Imported, StoreError> {
    super::ingest::import(
        pool,
        &Upload {
            bytes,
            file_name,
            declared_type,
            uploaded_by,
        },
    )
    .await
}

/// The bytes as they came, and what came with them.
#[derive(Debug, Clone, Copy)]
pub struct Upload<'a> {
    pub bytes: &'a [u8],
    /// The file name, which also names the format.
    pub file_name: Option<&'a str>,
    /// The media type the sender declared.
    pub declared_type: Option<&'a str>,
    /// The editor's name, or `token:NAME` for the API.
    pub uploaded_by: Option<&'a str>,
}

/// One new transcript: the bytes as they came, the reading, and an editor's choices.
#[derive(Clone, Copy)]
pub struct NewTranscript<'a> {
    pub upload: Upload<'a>,
    pub prepared: &'a Prepared,
    pub edits: &'a Edits,
    /// Label as printed -> speaker id, chosen by an editor.
    pub assignments: &'a HashMap<String, i64>,
    /// Whether a text already stored (a republication) joins that transcript as another source,
    /// as an upload reviewed by an editor does, rather than becoming a transcript of its own,
    /// as a bulk import of files does.
    pub join_republications: bool,
}

/// Stores a document read from `bytes` as it was read, in a transaction of its own, search
/// index included. An editor's choices are corrections, made afterwards
/// ([`super::corrections::publish`] does both in one transaction).
pub async fn store(
    conn: &mut SqliteConnection,
    upload: &Upload<'_>,
    prepared: &Prepared,
) -> Result<Imported, StoreError> {
    let mut tx = sqlx::Connection::begin_with(conn, "BEGIN IMMEDIATE").await?;
    let none = HashMap::new();
    let item = NewTranscript {
        upload: *upload,
        prepared,
        edits: &Edits::default(),
        assignments: &none,
        join_republications: true,
    };
    let outcome = one(store_batch(&mut tx, &[item]).await?)?;
    if let Imported::New { id, .. } = &outcome {
        index_transcripts(&mut tx, &[*id]).await?;
    }
    tx.commit().await?;
    Ok(outcome)
}

/// The single outcome of a batch of one.
fn one(outcomes: Vec<Imported>) -> Result<Imported, sqlx::Error> {
    outcomes
        .into_iter()
        .next()
        .ok_or_else(|| sqlx::Error::Protocol("a batch of one stored nothing".into()))
}

/// Stores new transcripts inside the caller's transaction, all or nothing (a savepoint): a
/// failure leaves the transaction as it was. Bytes already stored, or given twice, make one
/// transcript. Speakers, topics and slugs are resolved in memory against the archive, read in
/// one statement, and each table is written with a few statements. The caller indexes the new
/// transcripts for search ([`index_transcripts`]) before it commits, and holds the write lock
/// (`BEGIN IMMEDIATE`), since the new rows are numbered here.
pub async fn store_batch(
    conn: &mut SqliteConnection,
    items: &[NewTranscript<'_>],
) -> Result<Vec<Imported>, sqlx::Error> {
    struct Head {
        sha: String,
        title: String,
        date: Option<String>,
        slug: String,
    }
    let heads: Vec<Head> = items
        .iter()
        .map(|item| {
            let doc = &item.prepared.doc;
            let title = item
                .edits
                .title
                .clone()
                .or_else(|| doc.title.clone())
                .unwrap_or_else(|| fallback_title(item.upload.file_name, doc));
            let date = item.edits.date.clone().or_else(|| doc.date.clone());
            Head {
                sha: sha256_hex(item.upload.bytes),
                slug: transcript_slug(date.as_deref(), &title),
                title,
                date,
            }
        })
        .collect();
    let mut scope = Scope::default();
    for (item, head) in items.iter().zip(&heads) {
        scope.source(&head.sha, &head.slug);
        scope.reading(item.prepared);
    }
    let mut tx = sqlx::Connection::begin(conn).await?;
    let mut known = Known::load(&mut tx, scope).await?;
    // Transcripts whose text these readings repeat: (text key -> id, slug).
    let keys: Vec<Option<&str>> = items.iter().map(|item| item.prepared.text_key()).collect();
    let wanted: Vec<&str> = keys.iter().flatten().copied().collect();
    let mut texts: HashMap<String, (i64, String)> = sqlx::query_as::<_, (String, i64, String)>(
        "SELECT text_key, id, slug FROM transcript WHERE text_key IN (SELECT value FROM json_each(?))",
    )
    .bind(serde_json::to_string(&wanted).unwrap_or_else(|_| "[]".into()))
    .fetch_all(&mut *tx)
    .await?
    .into_iter()
    .map(|(key, id, slug)| (key, (id, slug)))
    .collect();
    let mut republications: Vec<(i64, i64, Option<String>)> = Vec::new();
    let mut rows = Rows::default();
    let mut out = Vec::with_capacity(items.len());
    for ((item, head), key) in items.iter().zip(heads).zip(keys) {
        if let Some(slug) = known.shas.get(&head.sha) {
            out.push(Imported::Existing { slug: slug.clone() });
            continue;
        }
        let Upload {
            bytes,
            file_name,
            declared_type,
            uploaded_by,
        } = item.upload;
        let doc = &item.prepared.doc;
        let source_id = known.next_source();
        rows.sources.push(SourceInsert {
            id: source_id,
            sha: head.sha.clone(),
            media_type: media_type(file_name, declared_type),
            file_name,
            bytes,
            uploaded_by,
        });
        let repeated = key.and_then(|k| texts.get(k)).cloned();
        if let Some((transcript_id, slug)) = repeated.clone().filter(|_| item.join_republications) {
            // The same text again: another source of the transcript it repeats.
            known.shas.insert(head.sha, slug.clone());
            republications.push((
                source_id,
                transcript_id,
                item.edits
                    .source_url
                    .clone()
                    .or_else(|| doc.source_url.clone()),
            ));
            out.push(Imported::Existing { slug });
            continue;
        }
        let id = known.next_transcript();
        let slug = claim_slug(&mut known.transcript_slugs, &head.slug);
        known.shas.insert(head.sha, slug.clone());
        if let Some(k) = key {
            texts.entry(k.to_string()).or_insert((id, slug.clone()));
        }
        known.transcripts += 1;
        let date = head.date;
        rows.transcripts.push(TranscriptInsert {
            id,
            source_id,
            slug: slug.clone(),
            title: head.title,
            date: date.clone(),
            place: item.edits.place.clone().or_else(|| doc.place.clone()),
            source_url: item
                .edits
                .source_url
                .clone()
                .or_else(|| doc.source_url.clone()),
            language: doc.language.clone(),
            edited: serde_json::to_string(item.edits).unwrap_or_else(|_| "{}".into()),
            fields: ReadingFields::with_key(doc, key.map(str::to_string)),
        });
        rows.assignments.extend(
            item.assignments
                .iter()
                .map(|(label, speaker)| (id, label.clone(), *speaker)),
        );
        derive(
            &mut known,
            &mut rows,
            item.prepared,
            &Context {
                transcript_id: id,
                date: date.as_deref(),
                assignments: item.assignments,
                previous: &HashMap::new(),
                topic_edits: &[],
                count_phrases: true,
            },
        );
        out.push(Imported::New {
            id,
            slug,
            exchanges: doc.exchanges.len(),
            turns: doc.turns.len(),
            repeats: repeated.map(|(_, slug)| slug),
        });
    }
    rows.write(&mut tx).await?;
    // The new transcript rows, in the order of the new outcomes.
    let mut stored_rows = rows.transcripts.iter();
    let new: Vec<super::translations::Stored> = items
        .iter()
        .zip(&out)
        .filter_map(|(item, outcome)| match outcome {
            Imported::New { id, exchanges, .. } => {
                let stored = stored_rows.next().filter(|t| t.id == *id)?;
                Some(super::translations::Stored {
                    id: *id,
                    date: stored.date.clone(),
                    language: stored.language.clone(),
                    exchanges: *exchanges as i64,
                    says_translated: super::translations::says_it_is_a_translation(
                        &item.prepared.doc,
                    ),
                })
            }
            Imported::Existing { .. } => None,
        })
        .collect();
    super::translations::find_for_new(&mut tx, &new).await?;
    if !republications.is_empty() {
        sqlx::query(
            "INSERT INTO republication (source_id, transcript_id, source_url) \
             SELECT value ->> 0, value ->> 1, value ->> 2 FROM json_each(?)",
        )
        .bind(serde_json::to_string(&republications).unwrap_or_else(|_| "[]".into()))
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(out)
}

/// The transcript a reading repeats, when its text is one already stored: (slug, title, date).
pub async fn republication_of(
    db: impl sqlx::SqliteExecutor<'_>,
    doc: &crate::parse::Document,
) -> Result<Option<(String, String, Option<String>)>, sqlx::Error> {
    let Some(key) = super::derive::doc_key(doc) else {
        return Ok(None);
    };
    sqlx::query_as("SELECT slug, title, date FROM transcript WHERE text_key = ? LIMIT 1")
        .bind(key)
        .fetch_optional(db)
        .await
}

/// Stores each transcript, as [`store_batch`] does: all in one batch when that works, else one
/// at a time, so that a transcript that cannot be stored is left out alone.
pub async fn store_each(
    conn: &mut SqliteConnection,
    items: &[NewTranscript<'_>],
) -> Vec<Result<Imported, sqlx::Error>> {
    match store_batch(conn, items).await {
        Ok(stored) => stored.into_iter().map(Ok).collect(),
        Err(e) if items.len() == 1 => vec![Err(e)],
        Err(_) => {
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                out.push(match store_batch(conn, std::slice::from_ref(item)).await {
                    Ok(stored) => one(stored),
                    Err(e) => Err(e),
                });
            }
            out
        }
    }
}

/// The slug a transcript would like: `YYYY-MM-DD-short-title` (`undated-...` without a date).
fn transcript_slug(date: Option<&str>, title: &str) -> String {
    let mut base = slugify(title, 60);
    // The date leads the slug; a title that starts with the date would repeat it.
    if let Some(d) = date {
        let d_slug = slugify(d, 10);
        base = base
            .trim_start_matches(&d_slug)
            .trim_start_matches('-')
            .to_string();
    }
    let lead = date.unwrap_or("undated");
    if base.is_empty() {
        lead.to_string()
    } else {
        format!("{lead}-{base}")
    }
}

/// Gives a transcript stored in this transaction, and not yet served, the address its title
/// and date as corrected ask for (a review that fixes the title publishes it under that title).
pub(super) async fn name_anew(conn: &mut SqliteConnection, id: i64) -> Result<String, sqlx::Error> {
    let (slug, title, date): (String, String, Option<String>) =
        sqlx::query_as("SELECT slug, title, date FROM transcript WHERE id = ?")
            .bind(id)
            .fetch_one(&mut *conn)
            .await?;
    let base = transcript_slug(date.as_deref(), &title);
    if slug == base
        || slug.strip_prefix(base.as_str()).is_some_and(|rest| {
            rest.strip_prefix('-')
                .is_some_and(|n| n.bytes().all(|b| b.is_ascii_digit()))
        })
    {
        return Ok(slug);
    }
    let free = free_slug(
        conn,
        "SELECT json_group_array(slug) FROM transcript WHERE slug = ?1 OR (slug > ?1 || '-' AND slug < ?1 || '.')",
        &base,
    )
    .await?;
    sqlx::query("UPDATE transcript SET slug = ? WHERE id = ?")
        .bind(&free)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(free)
}

/// A title for a source that prints none: its file name without date and extension, else the
/// principal speaker's name.
pub fn fallback_title(file_name: Option<&str>, doc: &Document) -> String {
    let from_file = file_name
        .map(|f| f.rsplit(['/', '\\']).next().unwrap_or(f))
        .map(|f| f.rsplit_once('.').map(|(stem, _)| stem).unwrap_or(f))
        .map(|stem| {
            let without_date = regex::Regex::new(r"\d{4}-\d{2}-\d{2}")
                .map(|r| r.replace_all(stem, "").into_owned())
                .unwrap_or_default();
            without_date
                .split(['-', '_', ' '])
                .filter(|w| !w.is_empty())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .filter(|t| t.chars().filter(|c| c.is_alphabetic()).count() >= 3);
    match from_file {
        Some(t) => {
            let mut c = t.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect())
                .unwrap_or(t)
        }
        None => match doc.principal() {
            Some(p) => format!("Transcript: {p}"),
            None => "Untitled transcript".into(),
        },
    }
}

/// `base`, or `base-2`, `base-3`, ...: the first not taken, found with one query (`sql` lists
/// the taken ones, `base` and those that start `base-`, as a JSON array, by a range on the
/// slug's index) however many namesakes there are.
async fn free_slug(
    conn: &mut SqliteConnection,
    sql: &'static str,
    base: &str,
) -> Result<String, sqlx::Error> {
    let taken: Option<String> = sqlx::query_scalar(sql)
        .bind(base.to_string())
        .fetch_one(&mut *conn)
        .await?;
    let taken: HashSet<String> = taken
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default();
    if !taken.contains(base) {
        return Ok(base.to_string());
    }
    Ok((2..)
        .map(|n| format!("{base}-{n}"))
        .find(|s| !taken.contains(s))
        .unwrap_or_else(|| base.to_string()))
}

/// Finds or creates a topic by name; the name of a topic merged into another finds the kept one.
pub async fn resolve_topic(
    conn: &mut SqliteConnection,
    name: &str,
    kind: &str,
) -> Result<i64, sqlx::Error> {
    let key = names::fold(name);
    if let Some(id) = sqlx::query_scalar::<_, i64>(
        "SELECT id FROM topic WHERE key = ?1 UNION ALL SELECT topic_id FROM topic_alias WHERE key = ?1 LIMIT 1",
    )
    .bind(key.clone())
        .fetch_optional(&mut *conn)
        .await?
    {
        return Ok(id);
    }
    let base = slugify(name, 60);
    let base = if base.is_empty() {
        "topic".to_string()
    } else {
        base
    };
    let slug = free_slug(
        conn,
        "SELECT json_group_array(slug) FROM (SELECT slug FROM topic WHERE slug = ?1 OR (slug > ?1 || '-' AND slug < ?1 || '.') \
         UNION ALL SELECT slug FROM topic_redirect WHERE slug = ?1 OR (slug > ?1 || '-' AND slug < ?1 || '.'))",
        &base,
    )
    .await?;
    sqlx::query_scalar("INSERT INTO topic (slug, name, key, kind) VALUES (?, ?, ?, ?) RETURNING id")
        .bind(slug)
        .bind(name.to_string())
        .bind(key)
        .bind(kind.to_string())
        .fetch_one(&mut *conn)
        .await
}

/// The stored speaker each resolved name would be given on publishing, found by the rules
/// publishing follows (the same key, else the one person of that surname whose name is a
/// short or full form of it, then an editor's split of its label): its id, name and number of
/// transcripts, or `None` where publishing would create a new speaker. Each is (the label as
/// printed, the name the reading resolved it to, its kind).
pub async fn speaker_matches(
    pool: &SqlitePool,
    speakers: &[(Option<String>, String, SpeakerKind)],
) -> Result<Vec<Option<(i64, String, i64)>>, sqlx::Error> {
    let mut scope = Scope::default();
    for (_, name, kind) in speakers {
        scope.speaker(name, *kind);
    }
    let mut conn = pool.acquire().await?;
    let known = Known::load(&mut conn, scope).await?;
    let ids: Vec<Option<i64>> = speakers
        .iter()
        .map(|(label, name, kind)| known.existing_speaker(label.as_deref(), name, *kind))
        .collect();
    let found: Vec<i64> = ids.iter().flatten().copied().collect();
    let stored = super::read::speakers_by_id(&mut *conn, &found).await?;
    Ok(ids
        .into_iter()
        .map(|id| {
            let id = id?;
            stored.get(&id).map(|(name, n)| (id, name.clone(), *n))
        })
        .collect())
}

/// Reads a transcript's stored source with the current reader, without any correction: the
/// reading, the file name and the version of the reader that last read it.
/// `offices` are the office holders editors added ([`super::offices::extra`]), read once by
/// the caller for all the transcripts it reads.
pub(super) async fn read_source(
    conn: &mut SqliteConnection,
    id: i64,
    offices: &[parse::offices::Holder],
) -> Result<Result<(Document, Option<String>, i64), ParseError>, sqlx::Error> {
    let (bytes, file_name, media, reader): (Vec<u8>, Option<String>, String, i64) =
        sqlx::query_as("SELECT s.bytes, s.file_name, s.media_type, t.reader FROM transcript t JOIN source s ON s.id = t.source_id WHERE t.id = ?")
            .bind(id)
            .fetch_one(&mut *conn)
            .await?;
    Ok(parse::parse_bytes_with(
        &bytes,
        Some(&super::ingest::hint(file_name.as_deref(), Some(&media))),
        parse::offices::Offices { extra: offices },
    )
    .map(|doc| (doc, file_name, reader)))
}

/// A turn's text as the search index holds it: the same expression as the `turn_text` view
/// (migrations), written out so that writes read the turns by index, never through the view.
macro_rules! turn_body {
    () => {
        "replace(replace((SELECT group_concat(p.value, char(10)) FROM json_each(t.paragraphs) p), 'ё', 'е'), 'Ё', 'Е')"
    };
}

/// Adds the turns of these transcripts to the search index, in one statement: the index is
/// written once per batch rather than once per transcript. Call it in the same transaction
/// that stored them.
pub async fn index_transcripts(
    conn: &mut SqliteConnection,
    ids: &[i64],
) -> Result<(), sqlx::Error> {
    if ids.is_empty() {
        return Ok(());
    }
    // The text is read straight from the turns; `ё` is folded to `е`, which the tokenizer
    // does not fold.
    sqlx::query(concat!(
        "INSERT INTO turn_fts (rowid, body) SELECT t.id, ",
        turn_body!(),
        " FROM turn t WHERE t.transcript_id IN (SELECT value FROM json_each(?))"
    ))
    .bind(json_array(ids))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Text as the search index holds it: `ё` folded to `е`, which the tokenizer does not fold.
pub fn search_text(text: &str) -> String {
    if text.contains(['ё', 'Ё']) {
        text.replace('ё', "е").replace('Ё', "Е")
    } else {
        text.to_string()
    }
}

/// Removes the rows derived from a transcript's reading (see `derive`), keeping the transcript
/// row, its source, its redirects and editors' choices.
async fn clear_derived(conn: &mut SqliteConnection, transcript_id: i64) -> Result<(), sqlx::Error> {
    // An index over external content forgets a row when it is told the row's old text.
    sqlx::query(concat!(
        "INSERT INTO turn_fts (turn_fts, rowid, body) SELECT 'delete', t.id, ",
        turn_body!(),
        " FROM turn t WHERE t.transcript_id = ?"
    ))
    .bind(transcript_id)
    .execute(&mut *conn)
    .await?;
    sqlx::query("DELETE FROM turn WHERE transcript_id = ?")
        .bind(transcript_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM exchange WHERE transcript_id = ?")
        .bind(transcript_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// What `reindex` did.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Reindexed {
    pub transcripts: usize,
    pub failed: Vec<(String, String)>,
    pub redirects: usize,
    /// Speakers left with no turns, now redirecting to where their turns went.
    pub speakers_redirected: usize,
}

/// Re-reads every stored source with the current parser and rewrites the derived rows of each
/// transcript in its own transaction. Slugs stay; an exchange whose number changed keeps its
/// old address as a redirect.
pub async fn reindex(pool: &SqlitePool) -> Result<Reindexed, sqlx::Error> {
    // One source in memory at a time, however large the archive: a first pass counts the key
    // phrases of the new readings, a second rewrites each transcript.
    let transcripts: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, slug FROM transcript ORDER BY id")
            .fetch_all(pool)
            .await?;
    let mut report = Reindexed::default();
    let mut counts: HashMap<String, i64> = HashMap::new();
    let mut readable = Vec::with_capacity(transcripts.len());
    let mut conn = pool.acquire().await?;
    let offices = super::offices::extra(&mut conn).await?;
    for (id, slug) in transcripts {
        match read_source(&mut conn, id, &offices).await? {
            Ok((doc, _, _)) => {
                let prepared = Prepared::new(doc);
                for phrase in prepared.candidates() {
                    *counts.entry(phrase.clone()).or_default() += 1;
                }
                readable.push((id, slug));
            }
            Err(e) => report.failed.push((slug, e.to_string())),
        }
    }
    // Phrase frequencies are recounted from the new readings before topics are chosen.
    let counts: Vec<(String, i64)> = counts.into_iter().collect();
    drop(conn);
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    sqlx::query("DELETE FROM phrase_frequency")
        .execute(&mut *tx)
        .await?;
    sqlx::query("INSERT INTO phrase_frequency (phrase, transcripts) SELECT value ->> 0, value ->> 1 FROM json_each(?)")
        .bind(serde_json::to_string(&counts).unwrap_or_else(|_| "[]".into()))
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    let n = readable.len() as i64;
    let mut went: HashMap<i64, HashMap<i64, usize>> = HashMap::new();
    for (id, slug) in readable {
        let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
        match rederive(&mut tx, id, n, &offices, &mut report, &mut went).await? {
            Ok(()) => {
                tx.commit().await?;
                report.transcripts += 1;
            }
            Err(e) => report.failed.push((slug, e.to_string())),
        }
    }
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    report.speakers_redirected = redirect_emptied_speakers(&mut tx, &went).await?;
    tx.commit().await?;
    Ok(report)
}

/// Derives one transcript's rows again, inside the caller's transaction: its source read by
/// the current reader, then its corrections that are not undone, in the order they were made
/// ([`super::corrections`]). Reindex does this for every transcript; a correction does it for
/// its transcript. `n` is the archive's count of transcripts (topics are judged against it);
/// `offices` the office holders editors added;
/// `went` collects where each label's turns went, for the speakers left with none.
pub(super) async fn rederive(
    tx: &mut SqliteConnection,
    id: i64,
    n: i64,
    offices: &[parse::offices::Holder],
    report: &mut Reindexed,
    went: &mut HashMap<i64, HashMap<i64, usize>>,
) -> Result<Result<(), ParseError>, sqlx::Error> {
    let (mut doc, file_name, reader) = match read_source(&mut *tx, id, offices).await? {
        Ok(read) => read,
        Err(e) => return Ok(Err(e)),
    };
    let effective = super::corrections::effective(&mut *tx, id).await?;
    effective.apply_roles(&mut doc);
    let prepared = Prepared::new(doc);
    let old: Vec<(i64, String)> =
        sqlx::query_as("SELECT number, fingerprint FROM exchange WHERE transcript_id = ?")
            .bind(id)
            .fetch_all(&mut *tx)
            .await?;
    let previous: HashMap<String, (i64, String, String)> = sqlx::query_as::<_, (String, i64, String, String)>(
        "SELECT DISTINCT t.label, t.speaker_id, s.name, s.kind FROM turn t JOIN speaker s ON s.id = t.speaker_id \
         WHERE t.transcript_id = ? AND t.label IS NOT NULL",
    )
    .bind(id)
    .fetch_all(&mut *tx)
    .await?
    .into_iter()
    .map(|(label, speaker, name, kind)| (label, (speaker, name, kind)))
    .collect();
    clear_derived(&mut *tx, id).await?;
    let edits = &effective.edits;
    let title = edits
        .title
        .clone()
        .or_else(|| prepared.doc.title.clone())
        .unwrap_or_else(|| fallback_title(file_name.as_deref(), &prepared.doc));
    let doc = &prepared.doc;
    let fields = ReadingFields::with_key(doc, prepared.text_key().map(str::to_string));
    // An editor's empty value clears what the reading found.
    let date = edits
        .date
        .clone()
        .or_else(|| doc.date.clone())
        .filter(|v| !v.is_empty());
    sqlx::query(
        "UPDATE transcript SET title = ?, date = ?, place = ?, source_url = ?, header = ?, preface = ?, notes = ?, exchange_count = ?, \
         text_key = ?, language = coalesce(?, language), edited = ?, reader = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = ?",
    )
    .bind(title)
    .bind(date.clone())
    .bind(
        edits
            .place
            .clone()
            .or_else(|| doc.place.clone())
            .filter(|v| !v.is_empty()),
    )
    .bind(
        edits
            .source_url
            .clone()
            .or_else(|| doc.source_url.clone())
            .filter(|v| !v.is_empty()),
    )
    .bind(fields.header)
    .bind(fields.preface)
    .bind(fields.notes)
    .bind(fields.exchange_count)
    .bind(fields.text_key)
    .bind(doc.language.clone())
    .bind(serde_json::to_string(edits).unwrap_or_else(|_| "{}".into()))
    .bind(parse::READER_VERSION)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    if reader != parse::READER_VERSION {
        super::corrections::record_reread(&mut *tx, id, reader).await?;
    }
    // The editors' choices as the corrections give them now, for the pages and the export.
    super::corrections::write_choices(&mut *tx, id, &effective).await?;
    let mut scope = Scope::default();
    scope.reading(&prepared);
    let mut known = Known::load(&mut *tx, scope).await?;
    known.transcripts = n;
    let mut rows = Rows::default();
    derive(
        &mut known,
        &mut rows,
        &prepared,
        &Context {
            transcript_id: id,
            date: date.as_deref(),
            assignments: &effective.assignments,
            previous: &previous,
            topic_edits: &effective.topic_edits,
            count_phrases: false,
        },
    );
    rows.write(&mut *tx).await?;
    index_transcripts(&mut *tx, &[id]).await?;
    // The first content an address showed is the one it keeps pointing to.
    let now: HashMap<i64, &str> = prepared
        .doc
        .exchanges
        .iter()
        .zip(prepared.fingerprints())
        .map(|(e, fp)| (e.number as i64, fp.as_str()))
        .collect();
    let moved: Vec<(i64, String)> = old
        .into_iter()
        .filter(|(number, fp)| now.get(number) != Some(&fp.as_str()))
        .collect();
    if !moved.is_empty() {
        let r = sqlx::query("INSERT OR IGNORE INTO exchange_redirect (transcript_id, number, fingerprint) SELECT ?, value ->> 0, value ->> 1 FROM json_each(?)")
            .bind(id)
            .bind(serde_json::to_string(&moved).unwrap_or_else(|_| "[]".into()))
            .execute(&mut *tx)
            .await?;
        report.redirects += r.rows_affected() as usize;
    }
    // Where each label's turns went: a speaker left with none redirects there.
    let now_speakers: Vec<(String, i64)> = sqlx::query_as(
        "SELECT DISTINCT label, speaker_id FROM turn WHERE transcript_id = ? AND label IS NOT NULL",
    )
    .bind(id)
    .fetch_all(&mut *tx)
    .await?;
    for (label, new_id) in now_speakers {
        if let Some((old_id, _, _)) = previous.get(&label)
            && *old_id != new_id
        {
            *went.entry(*old_id).or_default().entry(new_id).or_default() += 1;
        }
    }
    Ok(Ok(()))
}

/// Speakers a re-reading left with no turns: each is removed and its address redirects to the
/// speaker most of its labels went to (and so do addresses that redirected to it).
pub(super) async fn redirect_emptied_speakers(
    tx: &mut SqliteConnection,
    went: &HashMap<i64, HashMap<i64, usize>>,
) -> Result<usize, sqlx::Error> {
    let mut redirected = 0;
    for (old, targets) in went {
        let kind: Option<String> = sqlx::query_scalar(
            "SELECT s.kind FROM speaker s WHERE s.id = ? AND NOT EXISTS (SELECT 1 FROM turn t WHERE t.speaker_id = s.id)",
        )
        .bind(old)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(kind) = kind else { continue };
        // A speaker of the same kind first (a person's page leads to a person), then the one
        // most of the labels went to.
        let ids: Vec<i64> = targets.keys().copied().collect();
        let same_kind: HashMap<i64, bool> = sqlx::query_as(
            "SELECT id, kind = ? FROM speaker WHERE id IN (SELECT value FROM json_each(?))",
        )
        .bind(&kind)
        .bind(serde_json::to_string(&ids).unwrap_or_else(|_| "[]".into()))
        .fetch_all(&mut *tx)
        .await?
        .into_iter()
        .collect();
        let Some((&target, _)) = targets
            .iter()
            .max_by_key(|(id, n)| (same_kind.get(*id).copied().unwrap_or(false), **n, -**id))
        else {
            continue;
        };
        sqlx::query("UPDATE speaker_redirect SET speaker_id = ? WHERE speaker_id = ?")
            .bind(target)
            .bind(old)
            .execute(&mut *tx)
            .await?;
        sqlx::query("INSERT OR REPLACE INTO speaker_redirect (slug, speaker_id) SELECT slug, ? FROM speaker WHERE id = ?")
            .bind(target)
            .bind(old)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM speaker WHERE id = ?")
            .bind(old)
            .execute(&mut *tx)
            .await?;
        redirected += 1;
    }
    Ok(redirected)
}
