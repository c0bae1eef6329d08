//! Queries the pages and the API read. Each is one or two indexed queries.

use serde::Serialize;
use sqlx::{FromRow, SqliteExecutor};

/// A transcript as lists show it.
#[derive(Debug, Clone, FromRow, Serialize)]
pub struct TranscriptRow {
    #[serde(skip)]
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub date: Option<String>,
    pub place: Option<String>,
    pub exchange_count: i64,
    /// The principal speakers, comma-separated.
    pub speakers: Option<String>,
}

const ROW_COLUMNS: &str = "tr.id, tr.slug, tr.title, tr.date, tr.place, tr.exchange_count, \
    (SELECT group_concat(name, ', ') FROM (SELECT s.name FROM turn t JOIN speaker s ON s.id = t.speaker_id \
      WHERE t.transcript_id = tr.id AND t.role IN ('answer', 'statement') AND s.kind = 'person' \
      GROUP BY s.id ORDER BY count(*) DESC LIMIT 3)) AS speakers";

/// The whole transcript record.
#[derive(Debug, Clone, FromRow, Serialize)]
pub struct Transcript {
    #[serde(skip)]
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub date: Option<String>,
    pub place: Option<String>,
    pub source_url: Option<String>,
    pub language: Option<String>,
    #[serde(skip)]
    pub header: String,
    #[serde(skip)]
    pub preface: String,
    #[serde(skip)]
    pub notes: String,
    pub exchange_count: i64,
    pub created_at: String,
    pub updated_at: String,
    pub file_name: Option<String>,
    pub media_type: String,
}

impl Transcript {
    /// The source address when it can be a link: `http` or `https` only, so that a
    /// `javascript:` or `data:` address from an upload is never clickable.
    pub fn source_link(&self) -> Option<&str> {
        self.source_url.as_deref().filter(|u| is_web_address(u))
    }
}

/// Whether `url` is an absolute `http` or `https` address with a host.
pub fn is_web_address(url: &str) -> bool {
    let lower = url.trim_start().to_ascii_lowercase();
    ["http://", "https://"].iter().any(|scheme| {
        lower.strip_prefix(scheme).is_some_and(|rest| {
            rest.chars()
                .next()
                .is_some_and(|c| c.is_alphanumeric() || c == '[')
        })
    }) && !url.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// One turn with its speaker.
#[derive(Debug, Clone, FromRow, Serialize)]
pub struct TurnRow {
    #[serde(skip)]
    pub id: i64,
    pub position: i64,
    #[serde(skip)]
    pub speaker_id: i64,
    pub speaker_slug: String,
    pub speaker: String,
    pub speaker_kind: String,
    pub label: Option<String>,
    pub role: String,
    pub exchange: Option<i64>,
    #[serde(skip)]
    pub paragraphs_json: String,
}

impl TurnRow {
    pub fn paragraphs(&self) -> Vec<String> {
        serde_json::from_str(&self.paragraphs_json).unwrap_or_default()
    }
}

const TURN_COLUMNS: &str = "t.id, t.position, t.speaker_id, s.slug AS speaker_slug, s.name AS speaker, s.kind AS speaker_kind, \
    t.label, t.role, t.exchange, t.paragraphs AS paragraphs_json";

/// A topic as links show it.
#[derive(Debug, Clone, FromRow, Serialize, PartialEq)]
pub struct TopicRef {
    pub slug: String,
    pub name: String,
    pub kind: String,
}

pub async fn counts(db: impl SqliteExecutor<'_>) -> Result<(i64, i64, i64), sqlx::Error> {
    sqlx::query_as(
        "SELECT (SELECT count(*) FROM transcript), (SELECT count(*) FROM exchange), (SELECT count(*) FROM speaker WHERE kind != 'anonymous')",
    )
    .fetch_one(db)
    .await
}

/// The newest transcripts.
pub async fn latest(
    db: impl SqliteExecutor<'_>,
    limit: i64,
) -> Result<Vec<TranscriptRow>, sqlx::Error> {
    list(db, None, 0, limit).await
}

/// The filter and its value for the transcripts of one year, or of all years.
fn year_filter(year: Option<i32>) -> (&'static str, String) {
    match year {
        Some(y) => ("tr.date LIKE ?", format!("{y:04}-%")),
        None => ("(tr.date LIKE ? OR tr.date IS NULL)", "%".into()),
    }
}

/// How many transcripts there are, perhaps of one year.
pub async fn count_transcripts(
    db: impl SqliteExecutor<'_>,
    year: Option<i32>,
) -> Result<i64, sqlx::Error> {
    let (filter, pattern) = year_filter(year);
    let sql = format!("SELECT count(*) FROM transcript tr WHERE {filter}");
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
        .bind(pattern)
        .fetch_one(db)
        .await
}

/// One page of transcripts, newest first, perhaps of one year.
pub async fn list(
    db: impl SqliteExecutor<'_>,
    year: Option<i32>,
    offset: i64,
    limit: i64,
) -> Result<Vec<TranscriptRow>, sqlx::Error> {
    let (filter, pattern) = year_filter(year);
    let sql = format!(
        "SELECT {ROW_COLUMNS} FROM transcript tr WHERE {filter} ORDER BY tr.date IS NULL, tr.date DESC, tr.id DESC LIMIT ? OFFSET ?"
    );
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(pattern)
        .bind(limit)
        .bind(offset)
        .fetch_all(db)
        .await
}

/// Years with transcripts, newest first, with how many each.
pub async fn years(db: impl SqliteExecutor<'_>) -> Result<Vec<(String, i64)>, sqlx::Error> {
    sqlx::query_as("SELECT substr(date, 1, 4) AS y, count(*) FROM transcript WHERE date IS NOT NULL GROUP BY y ORDER BY y DESC").fetch_all(db).await
}

pub async fn transcript(
    db: impl SqliteExecutor<'_>,
    slug: &str,
) -> Result<Option<Transcript>, sqlx::Error> {
    sqlx::query_as(
        "SELECT t.id, t.slug, t.title, t.date, t.place, t.source_url, t.language, t.header, t.preface, t.notes, t.exchange_count, \
         t.created_at, t.updated_at, s.file_name, s.media_type FROM transcript t JOIN source s ON s.id = t.source_id WHERE t.slug = ?",
    )
    .bind(slug.to_string())
    .fetch_optional(db)
    .await
}

pub async fn turns(
    db: impl SqliteExecutor<'_>,
    transcript_id: i64,
) -> Result<Vec<TurnRow>, sqlx::Error> {
    let sql = format!(
        "SELECT {TURN_COLUMNS} FROM turn t JOIN speaker s ON s.id = t.speaker_id WHERE t.transcript_id = ? ORDER BY t.position"
    );
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(transcript_id)
        .fetch_all(db)
        .await
}

/// The question and answers of exchange `number`.
pub async fn exchange_turns(
    db: impl SqliteExecutor<'_>,
    transcript_id: i64,
    number: i64,
) -> Result<Vec<TurnRow>, sqlx::Error> {
    let sql = format!(
        "SELECT {TURN_COLUMNS} FROM turn t JOIN speaker s ON s.id = t.speaker_id WHERE t.transcript_id = ? AND t.exchange = ? ORDER BY t.position"
    );
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(transcript_id)
        .bind(number)
        .fetch_all(db)
        .await
}

/// Where the content an exchange address once showed lives now: `Some(Some(n))` for exchange n,
/// `Some(None)` when it is gone from the reading, `None` when the address never moved.
pub async fn moved_exchange(
    db: impl SqliteExecutor<'_> + Copy,
    transcript_id: i64,
    number: i64,
) -> Result<Option<Option<i64>>, sqlx::Error> {
    let fp: Option<String> = sqlx::query_scalar(
        "SELECT fingerprint FROM exchange_redirect WHERE transcript_id = ? AND number = ?",
    )
    .bind(transcript_id)
    .bind(number)
    .fetch_optional(db)
    .await?;
    let Some(fp) = fp else { return Ok(None) };
    let now: Option<i64> = sqlx::query_scalar("SELECT number FROM exchange WHERE transcript_id = ? AND fingerprint = ? ORDER BY number LIMIT 1")
        .bind(transcript_id)
        .bind(fp)
        .fetch_optional(db)
        .await?;
    Ok(Some(now))
}

/// The topics of each exchange of a transcript: (exchange number, topic).
pub async fn transcript_topics(
    db: impl SqliteExecutor<'_>,
    transcript_id: i64,
) -> Result<Vec<(i64, TopicRef)>, sqlx::Error> {
    let rows: Vec<(i64, String, String, String)> = sqlx::query_as(
        "SELECT e.number, tp.slug, tp.name, tp.kind FROM exchange e JOIN exchange_topic et ON et.exchange_id = e.id JOIN topic tp ON tp.id = et.topic_id \
         WHERE e.transcript_id = ? ORDER BY e.number, et.score DESC, tp.name",
    )
    .bind(transcript_id)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(n, slug, name, kind)| (n, TopicRef { slug, name, kind }))
        .collect())
}

pub async fn exchange_topics(
    db: impl SqliteExecutor<'_>,
    transcript_id: i64,
    number: i64,
) -> Result<Vec<TopicRef>, sqlx::Error> {
    sqlx::query_as(
        "SELECT tp.slug, tp.name, tp.kind FROM exchange e JOIN exchange_topic et ON et.exchange_id = e.id JOIN topic tp ON tp.id = et.topic_id \
         WHERE e.transcript_id = ? AND e.number = ? ORDER BY et.score DESC, tp.name",
    )
    .bind(transcript_id)
    .bind(number)
    .fetch_all(db)
    .await
}

/// A speaker with what they said.
#[derive(Debug, Clone, FromRow, Serialize)]
pub struct SpeakerRow {
    #[serde(skip)]
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub kind: String,
    pub answers: i64,
    pub statements: i64,
    pub questions: i64,
    pub transcripts: i64,
}

const SPEAKER_COLUMNS: &str = "s.id, s.slug, s.name, s.kind, coalesce(sum(t.role = 'answer'), 0) AS answers, \
    coalesce(sum(t.role = 'statement'), 0) AS statements, coalesce(sum(t.role = 'question'), 0) AS questions, \
    count(DISTINCT t.transcript_id) AS transcripts";

pub async fn speakers(db: impl SqliteExecutor<'_>) -> Result<Vec<SpeakerRow>, sqlx::Error> {
    let sql = format!(
        "SELECT {SPEAKER_COLUMNS} FROM speaker s JOIN turn t ON t.speaker_id = s.id GROUP BY s.id ORDER BY count(t.id) DESC, s.name"
    );
    sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(db).await
}

pub async fn speaker(
    db: impl SqliteExecutor<'_>,
    slug: &str,
) -> Result<Option<SpeakerRow>, sqlx::Error> {
    let sql = format!(
        "SELECT {SPEAKER_COLUMNS} FROM speaker s LEFT JOIN turn t ON t.speaker_id = s.id WHERE s.slug = ? GROUP BY s.id"
    );
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(slug.to_string())
        .fetch_optional(db)
        .await
}

/// A turn listed outside its transcript, with where it stands.
#[derive(Debug, Clone, FromRow, Serialize)]
pub struct TurnInContext {
    pub slug: String,
    pub title: String,
    pub date: Option<String>,
    pub position: i64,
    pub role: String,
    pub exchange: Option<i64>,
    pub speaker: String,
    pub speaker_slug: String,
    #[serde(skip)]
    pub paragraphs_json: String,
}

impl TurnInContext {
    pub fn first_paragraph(&self) -> String {
        first_paragraph(&self.paragraphs_json)
    }
}

/// The first paragraph of a turn's stored paragraphs (a JSON array).
fn first_paragraph(paragraphs_json: &str) -> String {
    serde_json::from_str::<Vec<String>>(paragraphs_json)
        .ok()
        .and_then(|p| p.into_iter().next())
        .unwrap_or_default()
}

/// A speaker's answers and statements, newest first.
pub async fn speaker_turns(
    db: impl SqliteExecutor<'_>,
    speaker_id: i64,
    offset: i64,
    limit: i64,
) -> Result<Vec<TurnInContext>, sqlx::Error> {
    sqlx::query_as(
        "SELECT tr.slug, tr.title, tr.date, t.position, t.role, t.exchange, s.name AS speaker, s.slug AS speaker_slug, t.paragraphs AS paragraphs_json \
         FROM turn t JOIN transcript tr ON tr.id = t.transcript_id JOIN speaker s ON s.id = t.speaker_id \
         WHERE t.speaker_id = ? AND t.role IN ('answer', 'statement') ORDER BY tr.date DESC, tr.id DESC, t.position LIMIT ? OFFSET ?",
    )
    .bind(speaker_id)
    .bind(limit)
    .bind(offset)
    .fetch_all(db)
    .await
}

/// The questions put to a speaker: those of the exchanges they answered, newest first.
pub async fn questions_to(
    db: impl SqliteExecutor<'_>,
    speaker_id: i64,
    limit: i64,
) -> Result<Vec<TurnInContext>, sqlx::Error> {
    sqlx::query_as(
        "SELECT tr.slug, tr.title, tr.date, q.position, q.role, q.exchange, s.name AS speaker, s.slug AS speaker_slug, q.paragraphs AS paragraphs_json \
         FROM turn q JOIN transcript tr ON tr.id = q.transcript_id JOIN speaker s ON s.id = q.speaker_id \
         WHERE q.role = 'question' AND EXISTS (SELECT 1 FROM turn a WHERE a.transcript_id = q.transcript_id AND a.exchange = q.exchange AND a.role = 'answer' AND a.speaker_id = ?) \
         ORDER BY tr.date DESC, tr.id DESC, q.position LIMIT ?",
    )
    .bind(speaker_id)
    .bind(limit)
    .fetch_all(db)
    .await
}

pub async fn aliases(
    db: impl SqliteExecutor<'_>,
    speaker_id: i64,
) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT label FROM alias WHERE speaker_id = ? ORDER BY label")
        .bind(speaker_id)
        .fetch_all(db)
        .await
}

/// A topic with how many exchanges carry it.
#[derive(Debug, Clone, FromRow, Serialize)]
pub struct TopicRow {
    #[serde(skip)]
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub kind: String,
    pub exchanges: i64,
}

/// Topics carried by at least `min` exchanges, most used first.
pub async fn topics(db: impl SqliteExecutor<'_>, min: i64) -> Result<Vec<TopicRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT tp.id, tp.slug, tp.name, tp.kind, count(*) AS exchanges FROM topic tp JOIN exchange_topic et ON et.topic_id = tp.id \
         GROUP BY tp.id HAVING count(*) >= ? ORDER BY count(*) DESC, tp.name",
    )
    .bind(min)
    .fetch_all(db)
    .await
}

pub async fn topic(
    db: impl SqliteExecutor<'_>,
    slug: &str,
) -> Result<Option<TopicRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT tp.id, tp.slug, tp.name, tp.kind, (SELECT count(*) FROM exchange_topic et WHERE et.topic_id = tp.id) AS exchanges FROM topic tp WHERE tp.slug = ?",
    )
    .bind(slug.to_string())
    .fetch_optional(db)
    .await
}

/// The slug a merged topic's old slug now leads to.
pub async fn topic_redirect(
    db: impl SqliteExecutor<'_>,
    slug: &str,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT tp.slug FROM topic_redirect r JOIN topic tp ON tp.id = r.topic_id WHERE r.slug = ?",
    )
    .bind(slug.to_string())
    .fetch_optional(db)
    .await
}

/// An exchange listed outside its transcript.
#[derive(Debug, Clone, FromRow, Serialize)]
pub struct ExchangeRow {
    pub slug: String,
    pub title: String,
    pub date: Option<String>,
    pub number: i64,
    #[serde(skip)]
    pub question_json: String,
}

impl ExchangeRow {
    pub fn question(&self) -> String {
        first_paragraph(&self.question_json)
    }
}

pub async fn topic_exchanges(
    db: impl SqliteExecutor<'_>,
    topic_id: i64,
    offset: i64,
    limit: i64,
) -> Result<Vec<ExchangeRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT tr.slug, tr.title, tr.date, e.number, q.paragraphs AS question_json FROM exchange_topic et JOIN exchange e ON e.id = et.exchange_id \
         JOIN transcript tr ON tr.id = e.transcript_id JOIN turn q ON q.transcript_id = e.transcript_id AND q.position = e.question \
         WHERE et.topic_id = ? ORDER BY tr.date DESC, tr.id DESC, e.number LIMIT ? OFFSET ?",
    )
    .bind(topic_id)
    .bind(limit)
    .bind(offset)
    .fetch_all(db)
    .await
}

/// Who answered most on a topic.
pub async fn topic_speakers(
    db: impl SqliteExecutor<'_>,
    topic_id: i64,
    limit: i64,
) -> Result<Vec<(String, String, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT s.slug, s.name, count(DISTINCT e.id) AS n FROM exchange_topic et JOIN exchange e ON e.id = et.exchange_id \
         JOIN turn t ON t.transcript_id = e.transcript_id AND t.exchange = e.number AND t.role = 'answer' JOIN speaker s ON s.id = t.speaker_id \
         WHERE et.topic_id = ? AND s.kind = 'person' GROUP BY s.id ORDER BY n DESC, s.name LIMIT ?",
    )
    .bind(topic_id)
    .bind(limit)
    .fetch_all(db)
    .await
}

/// How many exchanges carried a topic each month (`YYYY-MM`).
pub async fn topic_months(
    db: impl SqliteExecutor<'_>,
    topic_id: i64,
) -> Result<Vec<(String, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT substr(tr.date, 1, 7) AS month, count(*) FROM exchange_topic et JOIN exchange e ON e.id = et.exchange_id \
         JOIN transcript tr ON tr.id = e.transcript_id WHERE et.topic_id = ? AND tr.date IS NOT NULL GROUP BY month ORDER BY month",
    )
    .bind(topic_id)
    .fetch_all(db)
    .await
}

/// A speaker for the editor's choice list: id, name, how many transcripts.
pub async fn speaker_choices(
    db: impl SqliteExecutor<'_>,
) -> Result<Vec<(i64, String, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT s.id, s.name, count(DISTINCT t.transcript_id) FROM speaker s LEFT JOIN turn t ON t.speaker_id = s.id GROUP BY s.id ORDER BY s.name",
    )
    .fetch_all(db)
    .await
}

/// Speakers already in the archive under a folded name: (id, name, transcripts).
pub async fn speaker_by_key(
    db: impl SqliteExecutor<'_>,
    key: &str,
) -> Result<Option<(i64, String, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT s.id, s.name, (SELECT count(DISTINCT transcript_id) FROM turn WHERE speaker_id = s.id) FROM speaker s WHERE s.key = ?",
    )
    .bind(key.to_string())
    .fetch_optional(db)
    .await
}
