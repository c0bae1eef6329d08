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
    pub language: Option<String>,
    /// The event's other language versions: `language slug` pairs joined by `|`.
    #[serde(skip)]
    pub versions: Option<String>,
}

impl TranscriptRow {
    /// The event's other language versions: (language tag, slug, the language's own name).
    pub fn other_versions(&self) -> Vec<(String, String, String)> {
        self.versions
            .as_deref()
            .unwrap_or_default()
            .split('|')
            .filter_map(|v| v.split_once(' '))
            .map(|(lang, slug)| {
                (
                    lang.to_string(),
                    slug.to_string(),
                    super::translations::autonym(lang),
                )
            })
            .collect()
    }
}

const ROW_COLUMNS: &str = "tr.id, tr.slug, tr.title, tr.date, tr.place, tr.exchange_count, tr.language, \
    (SELECT group_concat(name, ', ') FROM (SELECT s.name FROM turn t JOIN speaker s ON s.id = t.speaker_id \
      WHERE t.transcript_id = tr.id AND t.role IN ('answer', 'statement') AND s.kind = 'person' \
      GROUP BY s.id ORDER BY count(*) DESC LIMIT 3)) AS speakers, \
    (SELECT group_concat(coalesce(v.language, 'und') || ' ' || v.slug, '|') FROM transcript v \
      WHERE v.id <> tr.id AND (v.id = (SELECT original_id FROM translation WHERE transcript_id = tr.id) \
        OR v.id IN (SELECT transcript_id FROM translation WHERE original_id = \
          coalesce((SELECT original_id FROM translation WHERE transcript_id = tr.id), tr.id)))) AS versions";

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
#[derive(Debug, Clone, FromRow, Serialize, PartialEq, utoipa::ToSchema)]
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

/// The range of `coalesce(date, '')` (the order of the `transcript_newest` index) that holds
/// the transcripts of one year, or of all years.
fn year_range(year: Option<i32>) -> (String, String) {
    match year {
        Some(y) => (format!("{y:04}"), format!("{y:04}\u{10ffff}")),
        None => (String::new(), "\u{10ffff}".into()),
    }
}

/// How many transcripts there are, perhaps of one year.
pub async fn count_transcripts(
    db: impl SqliteExecutor<'_>,
    year: Option<i32>,
) -> Result<i64, sqlx::Error> {
    let (low, high) = year_range(year);
    sqlx::query_scalar(
        "SELECT count(*) FROM transcript tr WHERE coalesce(tr.date, '') >= ? AND coalesce(tr.date, '') < ?",
    )
    .bind(low)
    .bind(high)
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
    let (low, high) = year_range(year);
    // The page's rows are found on the index first; only they get their speakers.
    let sql = format!(
        "SELECT {ROW_COLUMNS} FROM (SELECT id FROM transcript WHERE coalesce(date, '') >= ? AND coalesce(date, '') < ? \
         ORDER BY coalesce(date, '') DESC, id DESC LIMIT ? OFFSET ?) page JOIN transcript tr ON tr.id = page.id \
         ORDER BY coalesce(tr.date, '') DESC, tr.id DESC"
    );
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(low)
        .bind(high)
        .bind(limit)
        .bind(offset)
        .fetch_all(db)
        .await
}

/// Years with transcripts, newest first, with how many each.
pub async fn years(db: impl SqliteExecutor<'_>) -> Result<Vec<(String, i64)>, sqlx::Error> {
    sqlx::query_as("SELECT substr(coalesce(date, ''), 1, 4) AS y, count(*) FROM transcript WHERE coalesce(date, '') > '' GROUP BY y ORDER BY y DESC").fetch_all(db).await
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

/// The question and answers of exchange `number`, with the turns between them a reader needs
/// (a moderator's "go ahead", a clarification: remarks, marked as such).
pub async fn exchange_turns(
    db: impl SqliteExecutor<'_>,
    transcript_id: i64,
    number: i64,
) -> Result<Vec<TurnRow>, sqlx::Error> {
    let sql = format!(
        "WITH span AS (SELECT min(position) AS first, max(position) AS last FROM turn \
           WHERE transcript_id = ?1 AND exchange = ?2) \
         SELECT {TURN_COLUMNS} FROM span, turn t JOIN speaker s ON s.id = t.speaker_id \
         WHERE t.transcript_id = ?1 AND t.position BETWEEN span.first AND span.last \
           AND (t.exchange = ?2 OR t.role = 'remark') ORDER BY t.position"
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
#[derive(Debug, Clone, FromRow, Serialize, utoipa::ToSchema)]
pub struct SpeakerRow {
    #[serde(skip)]
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub kind: String,
    pub answers: i64,
    pub statements: i64,
    pub questions: i64,
    /// Turns that neither ask, answer nor state: a moderator's, a host's, an aside.
    pub remarks: i64,
    pub transcripts: i64,
}

const SPEAKER_COLUMNS: &str = "s.id, s.slug, s.name, s.kind, st.answers, st.statements, st.questions, \
     st.turns - st.answers - st.statements - st.questions AS remarks, st.transcripts";

/// Which speakers or topics a list shows: of one kind, starting with a letter, or with a name
/// that holds some text.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    pub kind: Option<String>,
    pub letter: Option<char>,
    pub text: Option<String>,
}

impl ListFilter {
    /// The SQL conditions on `name` and `kind` (columns of the aliases given) and their values.
    fn conditions(&self, name: &str, kind: &str) -> (String, Vec<String>) {
        let mut sql = String::new();
        let mut binds = Vec::new();
        if let Some(k) = &self.kind {
            sql.push_str(&format!(" AND {kind} = ?"));
            binds.push(k.clone());
        }
        if let Some(l) = self.letter {
            sql.push_str(&format!(" AND {name} LIKE ? ESCAPE '\\'"));
            binds.push(format!("{}%", like_escape(&l.to_string())));
        }
        if let Some(t) = &self.text {
            sql.push_str(&format!(" AND {name} LIKE ? ESCAPE '\\'"));
            binds.push(format!("%{}%", like_escape(t)));
        }
        (sql, binds)
    }
}

fn like_escape(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// One page of speakers who said something, most active first.
pub async fn speakers(
    db: impl SqliteExecutor<'_>,
    filter: &ListFilter,
    offset: i64,
    limit: i64,
) -> Result<Vec<SpeakerRow>, sqlx::Error> {
    let (conditions, binds) = filter.conditions("s.name", "st.kind");
    let sql = format!(
        "SELECT {SPEAKER_COLUMNS} FROM speaker_stat st JOIN speaker s ON s.id = st.speaker_id \
         WHERE st.turns > 0{conditions} ORDER BY st.turns DESC, st.speaker_id LIMIT ? OFFSET ?"
    );
    let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql));
    for b in binds {
        q = q.bind(b);
    }
    q.bind(limit).bind(offset).fetch_all(db).await
}

/// How many speakers a filter lets through.
pub async fn count_speakers(
    db: impl SqliteExecutor<'_>,
    filter: &ListFilter,
) -> Result<i64, sqlx::Error> {
    let (conditions, binds) = filter.conditions("s.name", "st.kind");
    let join = if filter.letter.is_some() || filter.text.is_some() {
        " JOIN speaker s ON s.id = st.speaker_id"
    } else {
        ""
    };
    let sql = format!("SELECT count(*) FROM speaker_stat st{join} WHERE st.turns > 0{conditions}");
    let mut q = sqlx::query_scalar(sqlx::AssertSqlSafe(sql));
    for b in binds {
        q = q.bind(b);
    }
    q.fetch_one(db).await
}

/// How many speakers of each kind said something.
pub async fn speaker_kinds(db: impl SqliteExecutor<'_>) -> Result<Vec<(String, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT k.kind, (SELECT count(*) FROM speaker_stat st WHERE st.kind = k.kind AND st.turns > 0) \
         FROM (SELECT 'person' AS kind UNION ALL SELECT 'outlet' UNION ALL SELECT 'anonymous') k",
    )
    .fetch_all(db)
    .await
}

pub async fn speaker(
    db: impl SqliteExecutor<'_>,
    slug: &str,
) -> Result<Option<SpeakerRow>, sqlx::Error> {
    let sql = format!(
        "SELECT {SPEAKER_COLUMNS} FROM speaker s JOIN speaker_stat st ON st.speaker_id = s.id WHERE s.slug = ?"
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
         WHERE t.speaker_id = ? AND t.role IN ('answer', 'statement') ORDER BY t.date DESC, t.transcript_id DESC, t.position LIMIT ? OFFSET ?",
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
         FROM (SELECT DISTINCT a.date, a.transcript_id, a.exchange FROM turn a WHERE a.speaker_id = ? AND a.role = 'answer' \
               ORDER BY a.date DESC, a.transcript_id DESC, a.exchange LIMIT ?) x \
         JOIN exchange e ON e.transcript_id = x.transcript_id AND e.number = x.exchange \
         JOIN turn q ON q.transcript_id = e.transcript_id AND q.position = e.question \
         JOIN transcript tr ON tr.id = q.transcript_id JOIN speaker s ON s.id = q.speaker_id \
         ORDER BY x.date DESC, x.transcript_id DESC, x.exchange",
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
#[derive(Debug, Clone, FromRow, Serialize, utoipa::ToSchema)]
pub struct TopicRow {
    #[serde(skip)]
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub kind: String,
    pub exchanges: i64,
    /// Editors hid it: its page says so rather than listing nothing.
    #[serde(skip)]
    #[sqlx(default)]
    pub hidden: bool,
}

/// How many exchanges a topic needs to be listed: two, so that the index holds themes one can
/// follow (a topic of a single exchange stays on that exchange); one when a reader looks for a
/// name.
fn least_exchanges(filter: &ListFilter) -> i64 {
    if filter.text.is_some() { 1 } else { 2 }
}

/// One page of topics carried by two exchanges or more (one when filtered by name), most
/// used first.
pub async fn topics(
    db: impl SqliteExecutor<'_>,
    filter: &ListFilter,
    offset: i64,
    limit: i64,
) -> Result<Vec<TopicRow>, sqlx::Error> {
    let (conditions, binds) = filter.conditions("tp.name", "st.kind");
    let least = least_exchanges(filter);
    let sql = format!(
        "SELECT tp.id, tp.slug, tp.name, tp.kind, st.exchanges FROM topic_stat st JOIN topic tp ON tp.id = st.topic_id \
         WHERE st.exchanges >= {least}{conditions} ORDER BY st.exchanges DESC, st.topic_id LIMIT ? OFFSET ?"
    );
    let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql));
    for b in binds {
        q = q.bind(b);
    }
    q.bind(limit).bind(offset).fetch_all(db).await
}

/// How many topics a filter lets through.
pub async fn count_topics(
    db: impl SqliteExecutor<'_>,
    filter: &ListFilter,
) -> Result<i64, sqlx::Error> {
    let (conditions, binds) = filter.conditions("tp.name", "st.kind");
    let join = if filter.letter.is_some() || filter.text.is_some() {
        " JOIN topic tp ON tp.id = st.topic_id"
    } else {
        ""
    };
    let least = least_exchanges(filter);
    let sql = format!(
        "SELECT count(*) FROM topic_stat st{join} WHERE st.exchanges >= {least}{conditions}"
    );
    let mut q = sqlx::query_scalar(sqlx::AssertSqlSafe(sql));
    for b in binds {
        q = q.bind(b);
    }
    q.fetch_one(db).await
}

pub async fn topic(
    db: impl SqliteExecutor<'_>,
    slug: &str,
) -> Result<Option<TopicRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT tp.id, tp.slug, tp.name, tp.kind, coalesce(st.exchanges, 0) AS exchanges, tp.hidden FROM topic tp LEFT JOIN topic_stat st ON st.topic_id = tp.id WHERE tp.slug = ?",
    )
    .bind(slug.to_string())
    .fetch_optional(db)
    .await
}

/// The dates of a topic's first and latest dated exchanges: two seeks of the topic's links by
/// date (`exchange_topic_newest`).
pub async fn topic_span(
    db: &sqlx::SqlitePool,
    topic: i64,
) -> Result<(Option<String>, Option<String>), sqlx::Error> {
    let first: Option<String> =
        sqlx::query_scalar("SELECT min(date) FROM exchange_topic WHERE topic_id = ? AND date > ''")
            .bind(topic)
            .fetch_one(db)
            .await?;
    let latest: Option<String> =
        sqlx::query_scalar("SELECT max(date) FROM exchange_topic WHERE topic_id = ? AND date > ''")
            .bind(topic)
            .fetch_one(db)
            .await?;
    Ok((first, latest))
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

/// The slug an emptied speaker's old slug now leads to (migration 0007).
pub async fn speaker_redirect(
    db: impl SqliteExecutor<'_>,
    slug: &str,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT s.slug FROM speaker_redirect r JOIN speaker s ON s.id = r.speaker_id WHERE r.slug = ?",
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
    // The page's links are found on the topic's date index first; only they are joined.
    sqlx::query_as(
        "SELECT tr.slug, tr.title, tr.date, e.number, q.paragraphs AS question_json \
         FROM (SELECT exchange_id, date FROM exchange_topic WHERE topic_id = ? ORDER BY date DESC, exchange_id LIMIT ? OFFSET ?) page \
         JOIN exchange e ON e.id = page.exchange_id JOIN transcript tr ON tr.id = e.transcript_id \
         JOIN turn q ON q.transcript_id = e.transcript_id AND q.position = e.question \
         ORDER BY page.date DESC, page.exchange_id",
    )
    .bind(topic_id)
    .bind(limit)
    .bind(offset)
    .fetch_all(db)
    .await
}

/// How many of a topic's exchanges, the newest first, [`topic_speaker_years`] reads.
pub const TOPIC_SPEAKERS_OVER: i64 = 2000;

/// How many exchanges on a topic each of its speakers answered in each year (empty for
/// undated ones), in its newest [`TOPIC_SPEAKERS_OVER`] exchanges: (speaker slug, name, year,
/// exchanges). One query gives both who spoke on it most and when.
pub async fn topic_speaker_years(
    db: impl SqliteExecutor<'_>,
    topic_id: i64,
) -> Result<Vec<(String, String, String, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT s.slug, s.name, coalesce(substr(recent.date, 1, 4), '') AS year, count(DISTINCT e.id) AS n \
         FROM (SELECT exchange_id, date FROM exchange_topic WHERE topic_id = ? ORDER BY date DESC, exchange_id LIMIT ?) recent \
         JOIN exchange e ON e.id = recent.exchange_id \
         JOIN turn t ON t.transcript_id = e.transcript_id AND t.exchange = e.number AND t.role = 'answer' JOIN speaker s ON s.id = t.speaker_id \
         WHERE s.kind = 'person' GROUP BY s.id, year",
    )
    .bind(topic_id)
    .bind(TOPIC_SPEAKERS_OVER)
    .fetch_all(db)
    .await
}

/// The topics a speaker answered on most, over their newest [`TOPIC_SPEAKERS_OVER`] answers
/// (one range of `turn_answers_by_date`, whatever the archive's size): (slug, name, exchanges).
pub async fn speaker_topics(
    db: impl SqliteExecutor<'_>,
    speaker_id: i64,
    limit: i64,
) -> Result<Vec<(String, String, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT tp.slug, tp.name, count(DISTINCT e.id) AS n \
         FROM (SELECT transcript_id, exchange FROM turn INDEXED BY turn_answers_by_date \
               WHERE speaker_id = ? AND role = 'answer' ORDER BY date DESC, transcript_id DESC LIMIT ?) recent \
         JOIN exchange e ON e.transcript_id = recent.transcript_id AND e.number = recent.exchange \
         JOIN exchange_topic et ON et.exchange_id = e.id JOIN topic tp ON tp.id = et.topic_id \
         GROUP BY tp.id ORDER BY n DESC, tp.name LIMIT ?",
    )
    .bind(speaker_id)
    .bind(TOPIC_SPEAKERS_OVER)
    .bind(limit)
    .fetch_all(db)
    .await
}

/// How many exchanges carried a topic each month (`YYYY-MM`), counted on the topic's date index.
pub async fn topic_months(
    db: impl SqliteExecutor<'_>,
    topic_id: i64,
) -> Result<Vec<(String, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT substr(date, 1, 7) AS month, count(*) FROM exchange_topic WHERE topic_id = ? AND date > '' GROUP BY month ORDER BY month",
    )
    .bind(topic_id)
    .fetch_all(db)
    .await
}

/// The speaker a person topic is: the same name, or a name the speaker was merged or renamed
/// from, or one of the topic's own aliases (slug, name). One person, one entity: the topic's
/// page leads to what they said, the speaker's page to what was said about them.
pub async fn speaker_of_topic(
    db: impl SqliteExecutor<'_>,
    topic_id: i64,
) -> Result<Option<(String, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT s.slug, s.name FROM topic tp JOIN speaker s ON s.key = tp.key \
         WHERE tp.id = ?1 AND tp.kind = 'person' AND s.kind = 'person' \
         UNION ALL SELECT s.slug, s.name FROM topic tp JOIN speaker_key_alias a ON a.key = tp.key JOIN speaker s ON s.id = a.speaker_id \
         WHERE tp.id = ?1 AND tp.kind = 'person' AND s.kind = 'person' \
         UNION ALL SELECT s.slug, s.name FROM topic tp JOIN topic_alias ta ON ta.topic_id = tp.id JOIN speaker s ON s.key = ta.key \
         WHERE tp.id = ?1 AND tp.kind = 'person' AND s.kind = 'person' LIMIT 1",
    )
    .bind(topic_id)
    .fetch_optional(db)
    .await
}

/// The person topic a speaker is (see [`speaker_of_topic`]), when exchanges are filed under
/// it and editors did not hide it: (slug, name, exchanges).
pub async fn topic_of_speaker(
    db: impl SqliteExecutor<'_>,
    speaker_id: i64,
) -> Result<Option<(String, String, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT tp.slug, tp.name, st.exchanges FROM (\
           SELECT tp.id FROM speaker s JOIN topic tp ON tp.key = s.key WHERE s.id = ?1 AND s.kind = 'person' \
           UNION ALL SELECT ta.topic_id FROM speaker s JOIN topic_alias ta ON ta.key = s.key WHERE s.id = ?1 AND s.kind = 'person' \
           UNION ALL SELECT tp.id FROM speaker_key_alias a JOIN topic tp ON tp.key = a.key WHERE a.speaker_id = ?1) f \
         JOIN topic tp ON tp.id = f.id JOIN topic_stat st ON st.topic_id = tp.id \
         WHERE tp.kind = 'person' AND tp.hidden = 0 AND st.exchanges > 0 LIMIT 1",
    )
    .bind(speaker_id)
    .fetch_optional(db)
    .await
}

/// How many transcripts a speaker speaks in, by month (`2024-03`), oldest first: the counts
/// kept beside the turns (`speaker_month`).
pub async fn speaker_months(
    db: impl SqliteExecutor<'_>,
    speaker_id: i64,
) -> Result<Vec<(String, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT month, transcripts FROM speaker_month WHERE speaker_id = ? ORDER BY month",
    )
    .bind(speaker_id)
    .fetch_all(db)
    .await
}

/// A speaker for the editor's choice list: id, name, how many transcripts.
pub async fn speaker_choices(
    db: impl SqliteExecutor<'_>,
) -> Result<Vec<(i64, String, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT s.id, s.name, coalesce(st.transcripts, 0) FROM speaker s LEFT JOIN speaker_stat st ON st.speaker_id = s.id ORDER BY s.name",
    )
    .fetch_all(db)
    .await
}

/// The speakers who spoke most, for the search form's suggestions: name, slug.
pub async fn busiest_speakers(
    db: impl SqliteExecutor<'_>,
    limit: i64,
) -> Result<Vec<(String, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT s.name, s.slug FROM speaker_stat st JOIN speaker s ON s.id = st.speaker_id \
         WHERE st.kind = 'person' ORDER BY st.turns DESC LIMIT ?",
    )
    .bind(limit)
    .fetch_all(db)
    .await
}

/// Speakers by id: id -> (name, transcripts).
pub async fn speakers_by_id(
    db: impl SqliteExecutor<'_>,
    ids: &[i64],
) -> Result<std::collections::HashMap<i64, (String, i64)>, sqlx::Error> {
    let rows: Vec<(i64, String, i64)> = sqlx::query_as(
        "SELECT s.id, s.name, coalesce((SELECT transcripts FROM speaker_stat WHERE speaker_id = s.id), 0) \
         FROM speaker s WHERE s.id IN (SELECT value FROM json_each(?))",
    )
    .bind(serde_json::to_string(ids).unwrap_or_else(|_| "[]".into()))
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name, n)| (id, (name, n)))
        .collect())
}

/// A speaker's name by slug.
pub async fn speaker_name(
    db: impl SqliteExecutor<'_>,
    slug: &str,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT name FROM speaker WHERE slug = ?")
        .bind(slug.to_string())
        .fetch_optional(db)
        .await
}

/// A topic's name by slug.
pub async fn topic_name(
    db: impl SqliteExecutor<'_>,
    slug: &str,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT name FROM topic WHERE slug = ?")
        .bind(slug.to_string())
        .fetch_optional(db)
        .await
}

/// A transcript's uploaded bytes, verbatim, and the file's name.
pub async fn source(
    db: impl SqliteExecutor<'_>,
    slug: &str,
) -> Result<Option<(Vec<u8>, Option<String>)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT s.bytes, s.file_name FROM source s JOIN transcript t ON t.source_id = s.id WHERE t.slug = ?",
    )
    .bind(slug.to_string())
    .fetch_optional(db)
    .await
}

/// A transcript's labels as printed (`(unlabelled)` for turns without one), each with the
/// speaker its first turn has: (label, speaker id, name), in the order they first speak.
pub async fn labels(
    db: impl SqliteExecutor<'_>,
    transcript_id: i64,
) -> Result<Vec<(String, i64, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT coalesce(t.label, '(unlabelled)'), s.id, s.name FROM turn t JOIN speaker s ON s.id = t.speaker_id WHERE t.transcript_id = ? GROUP BY coalesce(t.label, '(unlabelled)') ORDER BY min(t.position)",
    )
    .bind(transcript_id)
    .fetch_all(db)
    .await
}

/// A transcript's other sources: the same text published elsewhere, oldest first, as
/// (address, file name, when it was added).
pub async fn republications(
    db: impl SqliteExecutor<'_>,
    transcript_id: i64,
) -> Result<Vec<(Option<String>, Option<String>, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT r.source_url, s.file_name, s.uploaded_at FROM republication r JOIN source s ON s.id = r.source_id \
         WHERE r.transcript_id = ? ORDER BY s.id",
    )
    .bind(transcript_id)
    .fetch_all(db)
    .await
}

/// When each of these transcripts last changed (RFC 3339), by slug, in one query.
pub async fn changed_at(
    db: impl SqliteExecutor<'_>,
    slugs: &[&str],
) -> Result<std::collections::HashMap<String, String>, sqlx::Error> {
    let list = serde_json::to_string(slugs).unwrap_or_else(|_| "[]".into());
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT slug, updated_at FROM transcript WHERE slug IN (SELECT value FROM json_each(?))",
    )
    .bind(list)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().collect())
}

/// When the archive last changed: its newest transcript change.
pub async fn last_change(db: impl SqliteExecutor<'_>) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT max(updated_at) FROM transcript")
        .fetch_one(db)
        .await
}

/// How many transcripts, exchanges, turns, speakers and topics the archive holds.
pub async fn sizes(db: impl SqliteExecutor<'_>) -> Result<[(&'static str, i64); 5], sqlx::Error> {
    let (transcripts, exchanges, turns, speakers, topics): (i64, i64, i64, i64, i64) =
        sqlx::query_as(
            "SELECT (SELECT count(*) FROM transcript), (SELECT count(*) FROM exchange), \
         (SELECT count(*) FROM turn), (SELECT count(*) FROM speaker), (SELECT count(*) FROM topic)",
        )
        .fetch_one(db)
        .await?;
    Ok([
        ("transcripts", transcripts),
        ("exchanges", exchanges),
        ("turns", turns),
        ("speakers", speakers),
        ("topics", topics),
    ])
}
