//! Writing the archive: a transcript with its source, speakers, turns, exchanges, topics and
//! search index, all in one transaction; and re-reading every source (`reindex`).

use super::{fingerprint, sha256_hex, slugify};
use crate::parse::{self, Document, ParseError, Role, SpeakerKind, names};
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
    New { id: i64, slug: String, exchanges: usize, turns: usize },
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
    if let Some(d) = declared.map(|d| d.split(';').next().unwrap_or("").trim()).filter(|d| !d.is_empty() && *d != "application/octet-stream") {
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
pub async fn existing_slug(pool: &SqlitePool, sha: &str) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT t.slug FROM source s JOIN transcript t ON t.source_id = s.id WHERE s.sha256 = ?")
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
    let hint = file_name.map(str::to_string).or_else(|| declared_type.map(str::to_string));
    let doc = parse::parse_bytes(bytes, hint.as_deref())?;
    store(pool, bytes, file_name, declared_type, uploaded_by, &doc, &Edits::default(), &HashMap::new()).await
}

/// Stores a document read from `bytes`, with an editor's edits and speaker assignments
/// (label as printed -> speaker id), in one transaction.
#[allow(clippy::too_many_arguments)]
pub async fn store(
    pool: &SqlitePool,
    bytes: &[u8],
    file_name: Option<&str>,
    declared_type: Option<&str>,
    uploaded_by: Option<&str>,
    doc: &Document,
    edits: &Edits,
    assignments: &HashMap<String, i64>,
) -> Result<Imported, StoreError> {
    let sha = sha256_hex(bytes);
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    if let Some(slug) = sqlx::query_scalar::<_, String>("SELECT t.slug FROM source s JOIN transcript t ON t.source_id = s.id WHERE s.sha256 = ?")
        .bind(sha.clone())
        .fetch_optional(&mut *tx)
        .await?
    {
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

    let title = edits.title.clone().or_else(|| doc.title.clone()).unwrap_or_else(|| fallback_title(file_name, doc));
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
        sqlx::query("INSERT INTO speaker_assignment (transcript_id, label, speaker_id) VALUES (?, ?, ?)")
            .bind(id)
            .bind(label.clone())
            .bind(*speaker)
            .execute(&mut *tx)
            .await?;
    }
    let n_transcripts: i64 = sqlx::query_scalar("SELECT count(*) FROM transcript").fetch_one(&mut *tx).await?;
    write_derived(&mut tx, id, doc, n_transcripts, true).await?;
    tx.commit().await?;
    Ok(Imported::New { id, slug, exchanges: doc.exchanges.len(), turns: doc.turns.len() })
}

/// A title for a source that prints none: its file name without date and extension, else the
/// principal speaker's name.
pub fn fallback_title(file_name: Option<&str>, doc: &Document) -> String {
    let from_file = file_name
        .map(|f| f.rsplit(['/', '\\']).next().unwrap_or(f))
        .map(|f| f.rsplit_once('.').map(|(stem, _)| stem).unwrap_or(f))
        .map(|stem| {
            let without_date = regex::Regex::new(r"\d{4}-\d{2}-\d{2}").map(|r| r.replace_all(stem, "").into_owned()).unwrap_or_default();
            without_date.split(['-', '_', ' ']).filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" ")
        })
        .filter(|t| t.chars().filter(|c| c.is_alphabetic()).count() >= 3);
    match from_file {
        Some(t) => {
            let mut c = t.chars();
            c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or(t)
        }
        None => match doc.principal() {
            Some(p) => format!("Transcript: {p}"),
            None => "Untitled transcript".into(),
        },
    }
}

async fn unique_slug(conn: &mut SqliteConnection, date: Option<&str>, title: &str) -> Result<String, sqlx::Error> {
    let mut base = slugify(title, 60);
    // The date leads the slug; a title that starts with the date would repeat it.
    if let Some(d) = date {
        let d_slug = slugify(d, 10);
        base = base.trim_start_matches(&d_slug).trim_start_matches('-').to_string();
    }
    let lead = date.unwrap_or("undated");
    let base = if base.is_empty() { lead.to_string() } else { format!("{lead}-{base}") };
    let mut candidate = base.clone();
    for n in 2.. {
        let taken: Option<i64> = sqlx::query_scalar("SELECT id FROM transcript WHERE slug = ?")
            .bind(candidate.clone())
            .fetch_optional(&mut *conn)
            .await?;
        if taken.is_none() {
            break;
        }
        candidate = format!("{base}-{n}");
    }
    Ok(candidate)
}

/// Finds or creates the speaker a resolved name stands for, across the whole archive.
pub async fn resolve_speaker(conn: &mut SqliteConnection, name: &str, kind: SpeakerKind) -> Result<i64, sqlx::Error> {
    let folded = names::fold(name);
    let key = match kind {
        SpeakerKind::Person => folded.clone(),
        SpeakerKind::Outlet => format!("outlet:{folded}"),
        SpeakerKind::Anonymous => format!("anonymous:{folded}"),
    };
    if let Some(id) = sqlx::query_scalar::<_, i64>("SELECT id FROM speaker WHERE key = ?").bind(key.clone()).fetch_optional(&mut *conn).await? {
        return Ok(id);
    }
    let surname = names::surname(&folded).to_string();
    if kind == SpeakerKind::Person && !surname.is_empty() {
        let candidates: Vec<(i64, String)> = sqlx::query_as("SELECT id, name FROM speaker WHERE kind = 'person' AND surname = ?")
            .bind(surname.clone())
            .fetch_all(&mut *conn)
            .await?;
        let same: Vec<&(i64, String)> = candidates
            .iter()
            .filter(|(_, other)| names::short_form_of(name, other) || names::short_form_of(other, name))
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
    let base = if base.is_empty() { "speaker".to_string() } else { base };
    let mut slug = base.clone();
    for n in 2.. {
        let taken: Option<i64> = sqlx::query_scalar("SELECT id FROM speaker WHERE slug = ?").bind(slug.clone()).fetch_optional(&mut *conn).await?;
        if taken.is_none() {
            break;
        }
        slug = format!("{base}-{n}");
    }
    sqlx::query_scalar("INSERT INTO speaker (slug, name, key, surname, kind) VALUES (?, ?, ?, ?, ?) RETURNING id")
        .bind(slug)
        .bind(name.to_string())
        .bind(key)
        .bind(surname)
        .bind(kind.as_str())
        .fetch_one(&mut *conn)
        .await
}

/// Finds or creates a topic by name.
pub async fn resolve_topic(conn: &mut SqliteConnection, name: &str, kind: &str) -> Result<i64, sqlx::Error> {
    let key = names::fold(name);
    if let Some(id) = sqlx::query_scalar::<_, i64>("SELECT id FROM topic WHERE key = ?").bind(key.clone()).fetch_optional(&mut *conn).await? {
        return Ok(id);
    }
    let base = slugify(name, 60);
    let base = if base.is_empty() { "topic".to_string() } else { base };
    let mut slug = base.clone();
    for n in 2.. {
        let taken: Option<i64> = sqlx::query_scalar("SELECT id FROM topic WHERE slug = ? UNION ALL SELECT topic_id FROM topic_redirect WHERE slug = ?")
            .bind(slug.clone())
            .bind(slug.clone())
            .fetch_optional(&mut *conn)
            .await?;
        if taken.is_none() {
            break;
        }
        slug = format!("{base}-{n}");
    }
    sqlx::query_scalar("INSERT INTO topic (slug, name, key, kind) VALUES (?, ?, ?, ?) RETURNING id")
        .bind(slug)
        .bind(name.to_string())
        .bind(key)
        .bind(kind.to_string())
        .fetch_one(&mut *conn)
        .await
}

/// Writes what is derived from the reading: header fields aside, the speakers, turns, exchanges,
/// search index and topics. `count_phrases` adds this transcript's key phrases to the archive's
/// phrase frequencies.
pub async fn write_derived(conn: &mut SqliteConnection, transcript_id: i64, doc: &Document, n_transcripts: i64, count_phrases: bool) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE transcript SET header = ?, preface = ?, notes = ?, exchange_count = ?, language = coalesce(language, ?), updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = ?")
        .bind(serde_json::to_string(&doc.header).unwrap_or_default())
        .bind(serde_json::to_string(&doc.preface).unwrap_or_default())
        .bind(serde_json::to_string(&doc.notes).unwrap_or_default())
        .bind(doc.exchanges.len() as i64)
        .bind(doc.language.clone())
        .bind(transcript_id)
        .execute(&mut *conn)
        .await?;

    let assignments: HashMap<String, i64> = sqlx::query_as::<_, (String, i64)>("SELECT label, speaker_id FROM speaker_assignment WHERE transcript_id = ?")
        .bind(transcript_id)
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .collect();
    let mut speaker_ids: HashMap<(String, SpeakerKind), i64> = HashMap::new();
    let mut aliases: HashSet<(i64, String)> = HashSet::new();
    let mut exchange_of: HashMap<usize, u32> = HashMap::new();
    for e in &doc.exchanges {
        exchange_of.insert(e.question, e.number);
        for a in &e.answers {
            exchange_of.insert(*a, e.number);
        }
    }
    for (position, turn) in doc.turns.iter().enumerate() {
        let assigned = turn.label.as_ref().and_then(|l| assignments.get(l)).copied();
        let speaker_id = match assigned {
            Some(id) => id,
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
            && aliases.insert((speaker_id, label.clone()))
        {
            sqlx::query("INSERT OR IGNORE INTO alias (speaker_id, label) VALUES (?, ?)")
                .bind(speaker_id)
                .bind(label.clone())
                .execute(&mut *conn)
                .await?;
        }
        let turn_id: i64 = sqlx::query_scalar(
            "INSERT INTO turn (transcript_id, position, speaker_id, label, role, exchange, paragraphs) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(transcript_id)
        .bind(position as i64)
        .bind(speaker_id)
        .bind(turn.label.clone())
        .bind(turn.role.as_str())
        .bind(exchange_of.get(&position).map(|n| *n as i64))
        .bind(serde_json::to_string(&turn.paragraphs).unwrap_or_default())
        .fetch_one(&mut *conn)
        .await?;
        sqlx::query("INSERT INTO turn_fts (rowid, body) VALUES (?, ?)")
            .bind(turn_id)
            .bind(search_text(&turn.paragraphs.join("\n")))
            .execute(&mut *conn)
            .await?;
    }

    // Topics: people named anywhere in the transcript help resolve bare surnames.
    let mut people: Vec<String> = doc.turns.iter().filter(|t| t.speaker_kind == SpeakerKind::Person && t.speaker.contains(' ')).map(|t| t.speaker.clone()).collect();
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
    let mut candidates: HashSet<String> = HashSet::new();
    for text in &texts {
        candidates.extend(topics::phrases(text).into_iter().filter(|(_, c)| *c >= 2).map(|(p, _)| p));
    }
    let mut frequency: HashMap<String, f64> = HashMap::new();
    for phrase in &candidates {
        let count: Option<i64> = sqlx::query_scalar("SELECT transcripts FROM phrase_frequency WHERE phrase = ?").bind(phrase.clone()).fetch_optional(&mut *conn).await?;
        if n_transcripts >= 20 {
            frequency.insert(phrase.clone(), count.unwrap_or(0) as f64 / n_transcripts as f64);
        }
        if count_phrases {
            sqlx::query("INSERT INTO phrase_frequency (phrase, transcripts) VALUES (?, 1) ON CONFLICT (phrase) DO UPDATE SET transcripts = transcripts + 1")
                .bind(phrase.clone())
                .execute(&mut *conn)
                .await?;
        }
    }
    let mut topic_ids: HashMap<String, i64> = HashMap::new();
    let source_topics: Vec<(String, &'static str)> = doc
        .topics
        .iter()
        .map(|t| {
            let kind = topics::gazetteer::NAMES.get(t.as_str()).map(|e| e.kind).unwrap_or("theme");
            let name = topics::gazetteer::NAMES.get(t.as_str()).map(|e| e.name.to_string()).unwrap_or_else(|| t.clone());
            (name, kind)
        })
        .collect();
    let edits: Vec<(String, i64, String)> = sqlx::query_as("SELECT fingerprint, topic_id, action FROM topic_edit WHERE transcript_id = ?")
        .bind(transcript_id)
        .fetch_all(&mut *conn)
        .await?;
    for (e, text) in doc.exchanges.iter().zip(&texts) {
        let fp = fingerprint(&doc.turns[e.question].paragraphs);
        let exchange_id: i64 = sqlx::query_scalar("INSERT INTO exchange (transcript_id, number, question, fingerprint) VALUES (?, ?, ?, ?) RETURNING id")
            .bind(transcript_id)
            .bind(e.number as i64)
            .bind(e.question as i64)
            .bind(fp.clone())
            .fetch_one(&mut *conn)
            .await?;
        let lookup = |p: &str| frequency.get(p).copied();
        let found = topics::extract(text, &people, &lookup);
        let mut chosen: Vec<(String, &'static str, f64, &'static str)> = found.into_iter().map(|f| (f.name, f.kind, f.score, "auto")).collect();
        chosen.extend(source_topics.iter().map(|(n, k)| (n.clone(), *k, 0.5, "source")));
        for (name, kind, score, origin) in chosen {
            let topic_id = match topic_ids.get(&name) {
                Some(id) => *id,
                None => {
                    let id = resolve_topic(conn, &name, kind).await?;
                    topic_ids.insert(name.clone(), id);
                    id
                }
            };
            sqlx::query("INSERT OR IGNORE INTO exchange_topic (exchange_id, topic_id, origin, score) VALUES (?, ?, ?, ?)")
                .bind(exchange_id)
                .bind(topic_id)
                .bind(origin)
                .bind(score)
                .execute(&mut *conn)
                .await?;
        }
        for (_, topic_id, action) in edits.iter().filter(|(f, _, _)| *f == fp) {
            let sql = if action == "add" {
                "INSERT INTO exchange_topic (exchange_id, topic_id, origin, score) VALUES (?, ?, 'editor', 10) ON CONFLICT DO UPDATE SET origin = 'editor'"
            } else {
                "DELETE FROM exchange_topic WHERE exchange_id = ? AND topic_id = ?"
            };
            sqlx::query(sql).bind(exchange_id).bind(*topic_id).execute(&mut *conn).await?;
        }
    }
    Ok(())
}

/// Text as the search index holds it: `ё` folded to `е`, which the tokenizer does not fold.
pub fn search_text(text: &str) -> String {
    if text.contains(['ё', 'Ё']) { text.replace('ё', "е").replace('Ё', "Е") } else { text.to_string() }
}

/// Removes what `write_derived` wrote for a transcript, keeping the transcript row, its source,
/// its redirects and editors' choices.
async fn clear_derived(conn: &mut SqliteConnection, transcript_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM turn_fts WHERE rowid IN (SELECT id FROM turn WHERE transcript_id = ?)").bind(transcript_id).execute(&mut *conn).await?;
    sqlx::query("DELETE FROM turn WHERE transcript_id = ?").bind(transcript_id).execute(&mut *conn).await?;
    sqlx::query("DELETE FROM exchange WHERE transcript_id = ?").bind(transcript_id).execute(&mut *conn).await?;
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
    let rows: Vec<(i64, String, Vec<u8>, Option<String>, String, String)> =
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
    sqlx::query("DELETE FROM phrase_frequency").execute(&mut *tx).await?;
    for (_, _, _, doc, _) in &docs {
        let mut seen: HashSet<String> = HashSet::new();
        for e in &doc.exchanges {
            let text: String = std::iter::once(e.question).chain(e.answers.iter().copied()).flat_map(|i| doc.turns[i].paragraphs.clone()).collect::<Vec<_>>().join("\n");
            seen.extend(topics::phrases(&text).into_iter().filter(|(_, c)| *c >= 2).map(|(p, _)| p));
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
        let old: Vec<(i64, String)> = sqlx::query_as("SELECT number, fingerprint FROM exchange WHERE transcript_id = ?").bind(id).fetch_all(&mut *tx).await?;
        clear_derived(&mut tx, id).await?;
        let edits: Edits = serde_json::from_str(&edited).unwrap_or_default();
        let title = edits.title.clone().or_else(|| doc.title.clone()).unwrap_or_else(|| fallback_title(file_name.as_deref(), &doc));
        sqlx::query("UPDATE transcript SET title = ?, date = ?, place = ?, source_url = ? WHERE id = ?")
            .bind(title)
            .bind(edits.date.clone().or_else(|| doc.date.clone()))
            .bind(edits.place.clone().or_else(|| doc.place.clone()))
            .bind(edits.source_url.clone().or_else(|| doc.source_url.clone()))
            .bind(id)
            .execute(&mut *tx)
            .await?;
        write_derived(&mut tx, id, &doc, n, false).await?;
        for (number, fp) in old {
            let now: Option<String> = sqlx::query_scalar("SELECT fingerprint FROM exchange WHERE transcript_id = ? AND number = ?")
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

/// Whether a role string from a form is one the archive knows.
pub fn valid_role(role: &str) -> Option<Role> {
    Role::parse(role)
}
