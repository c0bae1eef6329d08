//! Writing the archive: a transcript with its source, speakers, turns, exchanges, topics and
//! search index, all in one transaction; and re-reading every source (`reindex`).

use super::{fingerprint, sha256_hex, slugify};
use crate::parse::{self, Document, ParseError, SpeakerKind, names};
use crate::topics;
use sqlx::{SqliteConnection, SqlitePool};
use std::collections::{HashMap, HashSet};

/// Why a transcript could not be stored. Nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{0}")]
    Parse(#[from] ParseError),
    #[error("database error: {0}")]
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
    if let Some(slug) = existing_slug(pool, &sha256_hex(bytes)).await? {
        return Ok(Imported::Existing { slug });
    }
    let hint = file_name
        .map(str::to_string)
        .or_else(|| declared_type.map(str::to_string));
    let doc = parse::parse_bytes(bytes, hint.as_deref())?;
    let mut conn = pool.acquire().await?;
    store(
        &mut conn,
        &Upload {
            bytes,
            file_name,
            declared_type,
            uploaded_by,
        },
        &Prepared::new(doc),
        &Edits::default(),
        &HashMap::new(),
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

/// Stores a document read from `bytes`, with an editor's edits and speaker assignments
/// (label as printed -> speaker id), in a transaction of its own, search index included.
pub async fn store(
    conn: &mut SqliteConnection,
    upload: &Upload<'_>,
    prepared: &Prepared,
    edits: &Edits,
    assignments: &HashMap<String, i64>,
) -> Result<Imported, StoreError> {
    let mut tx = sqlx::Connection::begin_with(conn, "BEGIN IMMEDIATE").await?;
    let outcome = store_in(&mut tx, upload, prepared, edits, assignments).await?;
    if let Imported::New { id, .. } = &outcome {
        index_transcripts(&mut tx, &[*id]).await?;
    }
    tx.commit().await?;
    Ok(outcome)
}

/// Stores a document inside the caller's transaction, all or nothing (a savepoint): a failure
/// leaves the transaction as it was. The caller indexes the new transcript for search
/// ([`index_transcripts`]) before it commits.
pub async fn store_in(
    conn: &mut SqliteConnection,
    upload: &Upload<'_>,
    prepared: &Prepared,
    edits: &Edits,
    assignments: &HashMap<String, i64>,
) -> Result<Imported, StoreError> {
    let Upload {
        bytes,
        file_name,
        declared_type,
        uploaded_by,
    } = *upload;
    let doc = &prepared.doc;
    let sha = sha256_hex(bytes);
    let mut tx = sqlx::Connection::begin(conn).await?;
    if let Some(slug) = existing_slug(&mut *tx, &sha).await? {
        return Ok(Imported::Existing { slug });
    }
    let source_id: i64 = sqlx::query_scalar(
        "INSERT INTO source (sha256, media_type, file_name, bytes, uploaded_by) VALUES (?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(sha)
    .bind(media_type(file_name, declared_type))
    .bind(file_name.map(str::to_string))
    .bind(bytes.to_vec())
    .bind(uploaded_by.map(str::to_string))
    .fetch_one(&mut *tx)
    .await?;

    let title = edits
        .title
        .clone()
        .or_else(|| doc.title.clone())
        .unwrap_or_else(|| fallback_title(file_name, doc));
    let date = edits.date.clone().or_else(|| doc.date.clone());
    let slug = unique_slug(&mut tx, date.as_deref(), &title).await?;
    let edited = serde_json::to_string(edits).unwrap_or_else(|_| "{}".into());
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO transcript (source_id, slug, title, date, place, source_url, language, edited) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(source_id)
    .bind(slug.clone())
    .bind(title)
    .bind(date)
    .bind(edits.place.clone().or_else(|| doc.place.clone()))
    .bind(edits.source_url.clone().or_else(|| doc.source_url.clone()))
    .bind(doc.language.clone())
    .bind(edited)
    .fetch_one(&mut *tx)
    .await?;
    for (label, speaker) in assignments {
        sqlx::query(
            "INSERT INTO speaker_assignment (transcript_id, label, speaker_id) VALUES (?, ?, ?)",
        )
        .bind(id)
        .bind(label.clone())
        .bind(*speaker)
        .execute(&mut *tx)
        .await?;
    }
    let n_transcripts: i64 = sqlx::query_scalar("SELECT count(*) FROM transcript")
        .fetch_one(&mut *tx)
        .await?;
    write_derived(&mut tx, id, prepared, n_transcripts, true).await?;
    tx.commit().await?;
    Ok(Imported::New {
        id,
        slug,
        exchanges: doc.exchanges.len(),
        turns: doc.turns.len(),
    })
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

async fn unique_slug(
    conn: &mut SqliteConnection,
    date: Option<&str>,
    title: &str,
) -> Result<String, sqlx::Error> {
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
    let base = if base.is_empty() {
        lead.to_string()
    } else {
        format!("{lead}-{base}")
    };
    free_slug(conn, "SELECT json_group_array(slug) FROM transcript WHERE slug = ?1 OR (slug > ?1 || '-' AND slug < ?1 || '.')", &base).await
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

/// Finds or creates the speaker a resolved name stands for, across the whole archive.
pub async fn resolve_speaker(
    conn: &mut SqliteConnection,
    name: &str,
    kind: SpeakerKind,
) -> Result<i64, sqlx::Error> {
    let folded = names::fold(name);
    let key = match kind {
        SpeakerKind::Person => folded.clone(),
        SpeakerKind::Outlet => format!("outlet:{folded}"),
        SpeakerKind::Anonymous => format!("anonymous:{folded}"),
    };
    if let Some(id) = sqlx::query_scalar::<_, i64>("SELECT id FROM speaker WHERE key = ?")
        .bind(key.clone())
        .fetch_optional(&mut *conn)
        .await?
    {
        return Ok(id);
    }
    let surname = names::surname(&folded).to_string();
    if kind == SpeakerKind::Person && !surname.is_empty() {
        let candidates: Vec<(i64, String)> =
            sqlx::query_as("SELECT id, name FROM speaker WHERE kind = 'person' AND surname = ?")
                .bind(surname.clone())
                .fetch_all(&mut *conn)
                .await?;
        let same: Vec<&(i64, String)> = candidates
            .iter()
            .filter(|(_, other)| {
                names::short_form_of(name, other) || names::short_form_of(other, name)
            })
            .collect();
        if let [(id, other)] = same.as_slice() {
            // A fuller spelling of a name known only by its short form takes over the display
            // name; the slug stays.
            if names::short_form_of(other, name) && name.len() > other.len() {
                sqlx::query("UPDATE speaker SET name = ?, key = ? WHERE id = ?")
                    .bind(name.to_string())
                    .bind(key)
                    .bind(*id)
                    .execute(&mut *conn)
                    .await?;
            }
            return Ok(*id);
        }
    }
    let base = slugify(name, 60);
    let base = if base.is_empty() {
        "speaker".to_string()
    } else {
        base
    };
    let slug = free_slug(conn, "SELECT json_group_array(slug) FROM speaker WHERE slug = ?1 OR (slug > ?1 || '-' AND slug < ?1 || '.')", &base).await?;
    sqlx::query_scalar(
        "INSERT INTO speaker (slug, name, key, surname, kind) VALUES (?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(slug)
    .bind(name.to_string())
    .bind(key)
    .bind(surname)
    .bind(kind.as_str())
    .fetch_one(&mut *conn)
    .await
}

/// Finds or creates a topic by name.
pub async fn resolve_topic(
    conn: &mut SqliteConnection,
    name: &str,
    kind: &str,
) -> Result<i64, sqlx::Error> {
    let key = names::fold(name);
    if let Some(id) = sqlx::query_scalar::<_, i64>("SELECT id FROM topic WHERE key = ?")
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

/// What can be worked out from a reading without the database, done before the write
/// transaction (on another core during a bulk import).
pub struct Prepared {
    pub doc: Document,
    fingerprints: Vec<String>,
    phrases: Vec<HashMap<String, usize>>,
    entities: Vec<topics::Entities>,
    candidates: Vec<String>,
}

impl Prepared {
    pub fn new(doc: Document) -> Self {
        let mut people: Vec<String> = doc
            .turns
            .iter()
            .filter(|t| t.speaker_kind == SpeakerKind::Person && t.speaker.contains(' '))
            .map(|t| t.speaker.clone())
            .collect();
        people.sort();
        people.dedup();
        let texts: Vec<String> = doc
            .exchanges
            .iter()
            .map(|e| {
                std::iter::once(e.question)
                    .chain(e.answers.iter().copied())
                    .flat_map(|i| doc.turns[i].paragraphs.iter().map(String::as_str))
                    .collect::<Vec<_>>()
                    .join("\n")
            })
            .collect();
        let phrases: Vec<HashMap<String, usize>> =
            texts.iter().map(|t| topics::phrases(t)).collect();
        // What the question names is what the exchange is about: it counts three times.
        let entities = texts
            .iter()
            .zip(&doc.exchanges)
            .map(|(t, e)| {
                let mut all = topics::entities(t, &people);
                for (key, weight) in
                    topics::entities(&doc.turns[e.question].paragraphs.join("\n"), &people)
                {
                    *all.entry(key).or_default() += 2.0 * weight;
                }
                all
            })
            .collect();
        let mut candidates: Vec<String> = phrases
            .iter()
            .flat_map(|counts| {
                counts
                    .iter()
                    .filter(|(_, c)| **c >= 2)
                    .map(|(p, _)| p.clone())
            })
            .collect();
        candidates.sort();
        candidates.dedup();
        let fingerprints = doc
            .exchanges
            .iter()
            .map(|e| fingerprint(&doc.turns[e.question].paragraphs))
            .collect();
        Prepared {
            doc,
            fingerprints,
            phrases,
            entities,
            candidates,
        }
    }
}

/// Turns per INSERT statement.
const TURN_BATCH: usize = 32;

/// `INSERT INTO turn ... VALUES (...), (...)` for `rows` rows.
fn turn_insert_sql(rows: usize) -> String {
    let row = "(?, ?, ?, ?, ?, ?, ?)";
    format!(
        "INSERT INTO turn (transcript_id, position, speaker_id, label, role, exchange, paragraphs) VALUES {}",
        vec![row; rows].join(", ")
    )
}

/// A stored source to read again: transcript id, slug, bytes, file name, media type, edits.
type SourceRow = (i64, String, Vec<u8>, Option<String>, String, String);

fn json_array<T: serde::Serialize>(items: &[T]) -> String {
    serde_json::to_string(items).unwrap_or_else(|_| "[]".into())
}

/// Runs one of the static statements below over rows sent as one JSON array: one prepared
/// statement and one round trip per table, whatever the number of rows.
async fn insert_json<T: serde::Serialize>(
    conn: &mut SqliteConnection,
    sql: &'static str,
    rows: &[T],
) -> Result<(), sqlx::Error> {
    if rows.is_empty() {
        return Ok(());
    }
    sqlx::query(sql)
        .bind(json_array(rows))
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Runs a query that answers one JSON object of numbers (`json_group_object`): one row back
/// instead of one per entry, each of which would be a message from the database thread.
async fn json_map(
    conn: &mut SqliteConnection,
    sql: &'static str,
    bind: String,
) -> Result<HashMap<String, i64>, sqlx::Error> {
    let json: Option<String> = sqlx::query_scalar(sql).bind(bind).fetch_one(conn).await?;
    Ok(json
        .and_then(|j| serde_json::from_str(&j).ok())
        .unwrap_or_default())
}

async fn lookup(
    conn: &mut SqliteConnection,
    keys: String,
) -> Result<HashMap<String, i64>, sqlx::Error> {
    json_map(conn, "SELECT json_group_object(key, id) FROM topic WHERE key IN (SELECT value FROM json_each(?))", keys).await
}

/// Finds or creates the topics named, in a few statements; returns name -> id.
async fn resolve_topics(
    conn: &mut SqliteConnection,
    wanted: &[(String, &'static str)],
) -> Result<HashMap<String, i64>, sqlx::Error> {
    let keys: Vec<String> = wanted.iter().map(|(n, _)| names::fold(n)).collect();
    let mut by_key: HashMap<String, i64> = lookup(&mut *conn, json_array(&keys))
        .await?
        .into_iter()
        .collect();
    let missing: Vec<usize> = (0..wanted.len())
        .filter(|&i| !by_key.contains_key(&keys[i]))
        .collect();
    if !missing.is_empty() {
        let mut seen: HashSet<&str> = HashSet::new();
        let mut rows: Vec<(String, String, String, &str)> = Vec::new();
        for &i in &missing {
            if !seen.insert(keys[i].as_str()) || keys[i].is_empty() {
                continue;
            }
            let slug = slugify(&wanted[i].0, 60);
            rows.push((
                if slug.is_empty() {
                    "topic".into()
                } else {
                    slug
                },
                wanted[i].0.clone(),
                keys[i].clone(),
                wanted[i].1,
            ));
        }
        // A slug already taken (or kept by a merged topic's redirect) is skipped here and
        // given a suffix below.
        insert_json(
            conn,
            "INSERT INTO topic (slug, name, key, kind) SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3 FROM json_each(?) \
             WHERE (value ->> 0) NOT IN (SELECT slug FROM topic_redirect) ON CONFLICT DO NOTHING",
            &rows,
        )
        .await?;
        let missing_keys: Vec<String> = missing.iter().map(|&i| keys[i].clone()).collect();
        by_key.extend(lookup(&mut *conn, json_array(&missing_keys)).await?);
        for &i in &missing {
            if !by_key.contains_key(&keys[i]) && !keys[i].is_empty() {
                let id = resolve_topic(conn, &wanted[i].0, wanted[i].1).await?;
                by_key.insert(keys[i].clone(), id);
            }
        }
    }
    Ok(wanted
        .iter()
        .zip(&keys)
        .filter_map(|((name, _), key)| by_key.get(key).map(|id| (name.clone(), *id)))
        .collect())
}

/// Writes what is derived from the reading: header fields aside, the speakers, turns, exchanges,
/// search index and topics. `count_phrases` adds this transcript's key phrases to the archive's
/// phrase frequencies.
pub async fn write_derived(
    conn: &mut SqliteConnection,
    transcript_id: i64,
    prepared: &Prepared,
    n_transcripts: i64,
    count_phrases: bool,
) -> Result<(), sqlx::Error> {
    let doc = &prepared.doc;
    sqlx::query("UPDATE transcript SET header = ?, preface = ?, notes = ?, exchange_count = ?, language = coalesce(language, ?), updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = ?")
        .bind(json_array(&doc.header))
        .bind(json_array(&doc.preface))
        .bind(json_array(&doc.notes))
        .bind(doc.exchanges.len() as i64)
        .bind(doc.language.clone())
        .bind(transcript_id)
        .execute(&mut *conn)
        .await?;

    // Speakers: one lookup per distinct speaker of the transcript.
    let assignments: HashMap<String, i64> = sqlx::query_as::<_, (String, i64)>(
        "SELECT label, speaker_id FROM speaker_assignment WHERE transcript_id = ?",
    )
    .bind(transcript_id)
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .collect();
    let mut speaker_ids: HashMap<(String, SpeakerKind), i64> = HashMap::new();
    let mut turn_speakers = Vec::with_capacity(doc.turns.len());
    let mut aliases: Vec<(i64, String)> = Vec::new();
    for turn in &doc.turns {
        let id = match turn.label.as_ref().and_then(|l| assignments.get(l)) {
            Some(id) => *id,
            None => match speaker_ids.get(&(turn.speaker.clone(), turn.speaker_kind)) {
                Some(id) => *id,
                None => {
                    let id = resolve_speaker(conn, &turn.speaker, turn.speaker_kind).await?;
                    speaker_ids.insert((turn.speaker.clone(), turn.speaker_kind), id);
                    id
                }
            },
        };
        if let Some(label) = &turn.label
            && !aliases.iter().any(|(s, l)| *s == id && l == label)
        {
            aliases.push((id, label.clone()));
        }
        turn_speakers.push(id);
    }
    insert_json(conn, "INSERT OR IGNORE INTO alias (speaker_id, label) SELECT value ->> 0, value ->> 1 FROM json_each(?)", &aliases).await?;

    // Turns and the search index.
    let mut exchange_of: HashMap<usize, u32> = HashMap::new();
    for e in &doc.exchanges {
        exchange_of.insert(e.question, e.number);
        for a in &e.answers {
            exchange_of.insert(*a, e.number);
        }
    }
    // Rows go in fixed-size batches of plain values: the text is bound as it is, with no JSON
    // to write and read again, and the few statement shapes stay in the statement cache.
    for (chunk_index, chunk) in doc.turns.chunks(TURN_BATCH).enumerate() {
        let sql = turn_insert_sql(chunk.len());
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for (k, turn) in chunk.iter().enumerate() {
            let position = chunk_index * TURN_BATCH + k;
            q = q
                .bind(transcript_id)
                .bind(position as i64)
                .bind(turn_speakers[position])
                .bind(turn.label.clone())
                .bind(turn.role.as_str())
                .bind(exchange_of.get(&position).map(|n| *n as i64))
                .bind(json_array(&turn.paragraphs));
        }
        q.execute(&mut *conn).await?;
    }

    // Exchanges.
    let fingerprints = &prepared.fingerprints;
    let exchange_rows: Vec<(u32, usize, &str)> = doc
        .exchanges
        .iter()
        .zip(fingerprints)
        .map(|(e, fp)| (e.number, e.question, fp.as_str()))
        .collect();
    if !exchange_rows.is_empty() {
        sqlx::query("INSERT INTO exchange (transcript_id, number, question, fingerprint) SELECT ?, value ->> 0, value ->> 1, value ->> 2 FROM json_each(?)")
            .bind(transcript_id)
            .bind(json_array(&exchange_rows))
            .execute(&mut *conn)
            .await?;
    }
    let exchange_ids: HashMap<i64, i64> = json_map(
        conn,
        "SELECT json_group_object(number, id) FROM exchange WHERE transcript_id = ?",
        transcript_id.to_string(),
    )
    .await?
    .into_iter()
    .filter_map(|(n, id)| n.parse().ok().map(|n| (n, id)))
    .collect();

    // Topics: key phrases are judged against the archive's phrase frequencies.
    let candidates = &prepared.candidates;
    let mut frequency: HashMap<String, f64> = HashMap::new();
    if n_transcripts >= 20 && !candidates.is_empty() {
        let known = json_map(conn, "SELECT json_group_object(phrase, transcripts) FROM phrase_frequency WHERE phrase IN (SELECT value FROM json_each(?))", json_array(candidates)).await?;
        for phrase in candidates {
            frequency.insert(
                phrase.clone(),
                known.get(phrase).copied().unwrap_or(0) as f64 / n_transcripts as f64,
            );
        }
    }
    if count_phrases && !candidates.is_empty() {
        sqlx::query("INSERT INTO phrase_frequency (phrase, transcripts) SELECT value, 1 FROM json_each(?) WHERE true ON CONFLICT (phrase) DO UPDATE SET transcripts = transcripts + 1")
            .bind(json_array(candidates))
            .execute(&mut *conn)
            .await?;
    }
    let source_topics: Vec<(String, &'static str)> = doc
        .topics
        .iter()
        .map(|t| match topics::gazetteer::NAMES.get(t.as_str()) {
            Some(e) => (e.name.to_string(), e.kind),
            None => (t.clone(), "theme"),
        })
        .collect();
    let mut chosen: Vec<(i64, String, &'static str, f64, &'static str)> = Vec::new();
    for ((e, entities), phrases) in doc
        .exchanges
        .iter()
        .zip(&prepared.entities)
        .zip(&prepared.phrases)
    {
        let lookup = |p: &str| frequency.get(p).copied();
        for f in topics::choose(entities.clone(), phrases, &lookup) {
            chosen.push((e.number as i64, f.name, f.kind, f.score, "auto"));
        }
        for (name, kind) in &source_topics {
            chosen.push((e.number as i64, name.clone(), kind, 0.5, "source"));
        }
    }
    let mut wanted: Vec<(String, &'static str)> = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    for (_, name, kind, _, _) in &chosen {
        if seen.insert(name.clone()) {
            wanted.push((name.clone(), kind));
        }
    }
    let topic_ids = resolve_topics(conn, &wanted).await?;
    let mut pairs: HashSet<(i64, i64)> = HashSet::new();
    let mut rows: Vec<(i64, i64, &str, f64)> = Vec::new();
    for (number, name, _, score, origin) in chosen {
        let (Some(exchange_id), Some(topic_id)) = (exchange_ids.get(&number), topic_ids.get(&name))
        else {
            continue;
        };
        if pairs.insert((*exchange_id, *topic_id)) {
            rows.push((*exchange_id, *topic_id, origin, score));
        }
    }
    insert_json(conn, "INSERT OR IGNORE INTO exchange_topic (exchange_id, topic_id, origin, score) SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3 FROM json_each(?)", &rows).await?;

    // Editors' choices, kept by fingerprint, win over what was found.
    let edits: Vec<(String, i64, String)> = sqlx::query_as(
        "SELECT fingerprint, topic_id, action FROM topic_edit WHERE transcript_id = ?",
    )
    .bind(transcript_id)
    .fetch_all(&mut *conn)
    .await?;
    for (fp, topic_id, action) in edits {
        for (e, efp) in doc.exchanges.iter().zip(fingerprints) {
            if *efp != fp {
                continue;
            }
            let Some(exchange_id) = exchange_ids.get(&(e.number as i64)) else {
                continue;
            };
            let sql = if action == "add" {
                "INSERT INTO exchange_topic (exchange_id, topic_id, origin, score) VALUES (?, ?, 'editor', 10) ON CONFLICT DO UPDATE SET origin = 'editor'"
            } else {
                "DELETE FROM exchange_topic WHERE exchange_id = ? AND topic_id = ?"
            };
            sqlx::query(sql)
                .bind(*exchange_id)
                .bind(topic_id)
                .execute(&mut *conn)
                .await?;
        }
    }
    Ok(())
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

/// Removes what `write_derived` wrote for a transcript, keeping the transcript row, its source,
/// its redirects and editors' choices.
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
}

/// Re-reads every stored source with the current parser and rewrites the derived rows of each
/// transcript in its own transaction. Slugs stay; an exchange whose number changed keeps its
/// old address as a redirect.
pub async fn reindex(pool: &SqlitePool) -> Result<Reindexed, sqlx::Error> {
    let rows: Vec<SourceRow> =
        sqlx::query_as("SELECT t.id, t.slug, s.bytes, s.file_name, s.media_type, t.edited FROM transcript t JOIN source s ON s.id = t.source_id ORDER BY t.id")
            .fetch_all(pool)
            .await?;
    let mut report = Reindexed::default();
    let mut docs = Vec::new();
    for (id, slug, bytes, file_name, media, edited) in rows {
        match parse::parse_bytes(&bytes, file_name.as_deref().or(Some(media.as_str()))) {
            Ok(doc) => docs.push((id, slug, file_name, doc, edited)),
            Err(e) => report.failed.push((slug, e.to_string())),
        }
    }
    // Phrase frequencies are recounted from the new readings before topics are chosen.
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    sqlx::query("DELETE FROM phrase_frequency")
        .execute(&mut *tx)
        .await?;
    for (_, _, _, doc, _) in &docs {
        let mut seen: HashSet<String> = HashSet::new();
        for e in &doc.exchanges {
            let text: String = std::iter::once(e.question)
                .chain(e.answers.iter().copied())
                .flat_map(|i| doc.turns[i].paragraphs.clone())
                .collect::<Vec<_>>()
                .join("\n");
            seen.extend(
                topics::phrases(&text)
                    .into_iter()
                    .filter(|(_, c)| *c >= 2)
                    .map(|(p, _)| p),
            );
        }
        for phrase in seen {
            sqlx::query("INSERT INTO phrase_frequency (phrase, transcripts) VALUES (?, 1) ON CONFLICT (phrase) DO UPDATE SET transcripts = transcripts + 1")
                .bind(phrase)
                .execute(&mut *tx)
                .await?;
        }
    }
    tx.commit().await?;
    let n = docs.len() as i64;
    for (id, _slug, file_name, doc, edited) in docs {
        let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
        let old: Vec<(i64, String)> =
            sqlx::query_as("SELECT number, fingerprint FROM exchange WHERE transcript_id = ?")
                .bind(id)
                .fetch_all(&mut *tx)
                .await?;
        clear_derived(&mut tx, id).await?;
        let edits: Edits = serde_json::from_str(&edited).unwrap_or_default();
        let title = edits
            .title
            .clone()
            .or_else(|| doc.title.clone())
            .unwrap_or_else(|| fallback_title(file_name.as_deref(), &doc));
        sqlx::query(
            "UPDATE transcript SET title = ?, date = ?, place = ?, source_url = ? WHERE id = ?",
        )
        .bind(title)
        .bind(edits.date.clone().or_else(|| doc.date.clone()))
        .bind(edits.place.clone().or_else(|| doc.place.clone()))
        .bind(edits.source_url.clone().or_else(|| doc.source_url.clone()))
        .bind(id)
        .execute(&mut *tx)
        .await?;
        write_derived(&mut tx, id, &Prepared::new(doc), n, false).await?;
        index_transcripts(&mut tx, &[id]).await?;
        for (number, fp) in old {
            let now: Option<String> = sqlx::query_scalar(
                "SELECT fingerprint FROM exchange WHERE transcript_id = ? AND number = ?",
            )
            .bind(id)
            .bind(number)
            .fetch_optional(&mut *tx)
            .await?;
            if now.as_deref() != Some(fp.as_str()) {
                // The first content an address showed is the one it keeps pointing to.
                let r = sqlx::query("INSERT OR IGNORE INTO exchange_redirect (transcript_id, number, fingerprint) VALUES (?, ?, ?)")
                    .bind(id)
                    .bind(number)
                    .bind(fp)
                    .execute(&mut *tx)
                    .await?;
                report.redirects += r.rows_affected() as usize;
            }
        }
        tx.commit().await?;
        report.transcripts += 1;
    }
    Ok(report)
}
