//! Full-text search over what was said (SQLite FTS5, ranked by bm25), with filters. A query
//! FTS5 cannot read is retried as plain words, never answered with an error; a query that would
//! cost too much (a one-letter prefix, hundreds of words) is refused with how to narrow it.
//!
//! Ranking reads every match, so words that match more than [`RANK_LIMIT`] passages (`the`,
//! `president`) are listed newest first instead: transcripts are walked newest first and each
//! passage is looked up in the index, which stops as soon as the page is full.

pub mod engine;
pub mod indexed;
pub mod query;
pub mod quote;

use serde::{Deserialize, Serialize};
use sqlx::SqlitePool;

/// What was asked for.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Params {
    /// Words, "exact phrases", prefix* and AND / OR / NOT.
    #[serde(default)]
    #[param(required = true, min_length = 1, max_length = 500)]
    pub q: String,
    /// A speaker's slug.
    #[serde(default)]
    pub speaker: Option<String>,
    /// A topic's slug.
    #[serde(default)]
    pub topic: Option<String>,
    /// `question`, `answer` or `statement`.
    #[serde(default)]
    #[param(pattern = "^(question|answer|statement)?$")]
    pub role: Option<String>,
    /// Earliest date, `YYYY-MM-DD` (a year or month also works).
    #[serde(default)]
    pub from: Option<String>,
    /// Latest date, `YYYY-MM-DD`.
    #[serde(default)]
    pub to: Option<String>,
    /// The page of results, from 1.
    #[serde(default)]
    pub page: Option<i64>,
    /// `relevance` (the default), `newest` or `oldest`.
    #[serde(default)]
    #[param(pattern = "^(relevance|newest|oldest)?$")]
    pub sort: Option<String>,
    /// One result an `exchange` (the default) or a `transcript`.
    #[serde(default)]
    #[param(pattern = "^(exchange|transcript)?$")]
    pub group: Option<String>,
    /// A language code of the transcripts (`en`, `ru`, `zh`).
    #[serde(default)]
    pub lang: Option<String>,
    /// A quotation as someone wrote it down (a word changed or missing is fine): finds where
    /// it was said, closest first, instead of searching for words.
    #[serde(default)]
    #[param(max_length = 2000)]
    pub quote: Option<String>,
}

impl Params {
    /// Whether newest first was asked for.
    pub fn newest_first(&self) -> bool {
        Params::clean(&self.sort).as_deref() == Some("newest")
    }

    /// Whether oldest first was asked for.
    pub fn oldest_first(&self) -> bool {
        Params::clean(&self.sort).as_deref() == Some("oldest")
    }

    /// Whether one result is a transcript.
    pub fn by_transcript(&self) -> bool {
        Params::clean(&self.group).as_deref() == Some("transcript")
    }

    /// The quotation looked for, if any.
    pub fn quote_text(&self) -> Option<String> {
        Params::clean(&self.quote)
    }

    /// A parameter without surrounding spaces, `None` when empty.
    pub fn clean(value: &Option<String>) -> Option<String> {
        value
            .as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    }
}

/// One result: an exchange (or a statement), with the best-matching passage.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Hit {
    pub slug: String,
    pub title: String,
    pub date: Option<String>,
    pub speaker: String,
    pub speaker_slug: String,
    pub role: String,
    pub exchange: Option<i64>,
    pub position: i64,
    /// The passage, HTML-escaped, with matches wrapped in `<mark>`.
    pub snippet_html: String,
    /// The same passage as plain text, matches in «».
    pub snippet: String,
    pub url: String,
    /// For a quotation: how much of it was found in this passage, from 0 to 1.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub closeness: Option<f64>,
    /// The transcript's language.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
}

/// One value to narrow a search by, with how many matching passages have it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FacetValue {
    /// The value for the filter's parameter (a slug, a year, a role, a language code).
    pub value: String,
    pub label: String,
    pub count: u64,
}

/// Counts of the matching passages by speaker, year, topic, role and language.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct Facets {
    pub speakers: Vec<FacetValue>,
    pub years: Vec<FacetValue>,
    pub topics: Vec<FacetValue>,
    pub roles: Vec<FacetValue>,
    pub languages: Vec<FacetValue>,
    /// Whether the counts are estimates: over an even sample of the matches (more than
    /// `search::engine::FACET_SAMPLE`), or over the first `search::engine::COUNT_LIMIT`.
    pub partial: bool,
}

/// A speaker a filter may have meant.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Suggestion {
    pub name: String,
    pub slug: String,
}

/// A page of results.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct Results {
    pub query: String,
    /// The FTS5 query that ran.
    pub ran: String,
    /// Set when the query was not valid FTS5 syntax and was searched as plain words.
    pub relaxed: bool,
    pub total: i64,
    /// Whether `total` counts every result; when not, there is at least one more page when
    /// this one is full.
    pub total_known: bool,
    /// How many passages hold the words, before any filter.
    pub matches: i64,
    /// `relevance` (best first, one hit per exchange) or `newest` (newest first, every passage).
    pub order: String,
    /// Set when relevance was asked for but the words match too many passages to rank.
    pub too_many_to_rank: bool,
    /// Whether each hit is a passage (newest first over many matches) rather than the best
    /// passage of an exchange.
    pub passages: bool,
    pub page: i64,
    pub per_page: i64,
    pub hits: Vec<Hit>,
    /// `index` (the search engine) or `fts5` (SQLite's index, while the engine catches up).
    pub engine: String,
    /// `exchange` or `transcript`: what one hit stands for.
    pub group: String,
    /// Counts to narrow by; `None` when the engine was not used.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub facets: Option<Facets>,
    /// Something the reader should know about the filters (a speaker not found).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notice: Option<String>,
    /// Speakers the speaker filter may have meant, when it named none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub suggestions: Vec<Suggestion>,
    /// The speaker the filter named (slug), once resolved from a name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub speaker: Option<Suggestion>,
    /// The topic the filter named, once resolved from a name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub topic: Option<Suggestion>,
}

/// Above this many matching passages, results are listed newest first rather than ranked:
/// ranking reads every match (about 1.6 µs each), listing reads only what one page shows.
pub const RANK_LIMIT: i64 = 25_000;

/// The shortest prefix before `*`: shorter ones expand to much of the vocabulary.
pub const MIN_PREFIX: usize = 3;

/// The most words (and prefixes) one query may have.
pub const MAX_TERMS: usize = 32;

/// The longest query, in characters.
pub const MAX_QUERY_CHARS: usize = 500;

/// Why a query is refused before it runs, in words that say how to narrow it; `None` when it
/// may run.
pub fn too_costly(q: &str) -> Option<String> {
    if q.chars().count() > MAX_QUERY_CHARS {
        return Some(format!(
            "The query is longer than {MAX_QUERY_CHARS} characters; search with fewer words."
        ));
    }
    let tokens: Vec<String> = q
        .split(|c: char| c.is_whitespace() || matches!(c, '(' | ')' | ','))
        .map(|t| {
            t.trim_matches(|c: char| c == '"' || c == '^' || c == '+')
                .to_string()
        })
        .filter(|t| !t.is_empty())
        .collect();
    let operators = ["AND", "OR", "NOT", "NEAR"];
    let terms: Vec<&String> = tokens
        .iter()
        .filter(|t| !operators.contains(&t.as_str()))
        .collect();
    if terms.len() > MAX_TERMS {
        return Some(format!(
            "The query has {} words; search with at most {MAX_TERMS}, or use a filter to narrow it.",
            terms.len()
        ));
    }
    for t in &terms {
        if let Some(stem) = t.strip_suffix('*') {
            let stem = stem.trim_end_matches('*');
            let letters = stem.chars().filter(|c| c.is_alphanumeric()).count();
            // A `*` after no letters is no prefix: FTS5 refuses it, and it is read as plain words.
            if letters > 0 && letters < MIN_PREFIX {
                return Some(format!(
                    "`{t}` is too short a prefix: give at least {MIN_PREFIX} letters before the *, as in sanc*."
                ));
            }
        }
    }
    if q.contains("NEAR") && terms.iter().any(|t| t.ends_with('*')) {
        return Some(
            "NEAR with a prefix* costs too much to run; write the words out in full.".into(),
        );
    }
    None
}

pub const PER_PAGE: i64 = 20;

/// The query as plain words: each word quoted, all required. Folds `ё` to `е` as the index does.
pub fn plain_words(q: &str) -> String {
    crate::store::write::search_text(q)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| format!("\"{w}\""))
        .collect::<Vec<_>>()
        .join(" ")
}

fn is_syntax_error(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Database(d) => {
            // SQLITE_ERROR from a MATCH is the query's fault (`fts5: syntax error`, `unknown
            // special query`, `no such column`); busy or I/O errors have other codes.
            d.code().as_deref() == Some("1") || d.message().to_lowercase().contains("fts5")
        }
        _ => false,
    }
}

/// What a search can fail with: a query refused for its cost, or the database.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("{0}")]
    TooCostly(String),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
    #[error("{0}")]
    Engine(String),
}

impl From<SearchError> for crate::error::AppError {
    fn from(e: SearchError) -> Self {
        match e {
            SearchError::TooCostly(m) => crate::error::AppError::BadRequest(m),
            SearchError::Db(d) => d.into(),
            SearchError::Engine(m) => crate::error::AppError::Internal(m),
        }
    }
}

/// How a search chooses its way; [`search`] uses the defaults, tests choose.
#[derive(Debug, Clone, Copy)]
pub struct Tuning {
    /// Above this many matching passages, list newest first rather than rank.
    pub rank_limit: i64,
    /// Newest first by walking transcripts (`Some(true)`), by sorting matches (`Some(false)`),
    /// or whichever reads less (`None`).
    pub walk: Option<bool>,
}

impl Default for Tuning {
    fn default() -> Self {
        Tuning {
            rank_limit: RANK_LIMIT,
            walk: None,
        }
    }
}

/// Runs a search; an empty query gives no results (the page shows help instead).
pub async fn search(pool: &SqlitePool, params: &Params) -> Result<Results, SearchError> {
    search_tuned(pool, params, Tuning::default()).await
}

/// [`search`] with its choices given.
pub async fn search_tuned(
    pool: &SqlitePool,
    params: &Params,
    tuning: Tuning,
) -> Result<Results, SearchError> {
    let q = params.q.trim().to_string();
    let page = params.page.unwrap_or(1).clamp(1, 10_000);
    let mut results = Results {
        query: q.clone(),
        page,
        per_page: PER_PAGE,
        engine: "fts5".into(),
        group: "exchange".into(),
        ..Default::default()
    };
    if q.is_empty() {
        return Ok(results);
    }
    if let Some(why) = too_costly(&q) {
        return Err(SearchError::TooCostly(why));
    }
    let direct = crate::store::write::search_text(&q);
    match run(pool, params, &direct, page, tuning, &mut results).await {
        Ok(()) => results.ran = direct,
        Err(e) if is_syntax_error(&e) => {
            let plain = plain_words(&q);
            results.relaxed = true;
            results.ran = plain.clone();
            if !plain.is_empty() {
                run(pool, params, &plain, page, tuning, &mut results).await?;
            }
        }
        Err(e) => return Err(e.into()),
    }
    Ok(results)
}

/// total, slug, title, date, speaker, speaker slug, role, exchange, position, snippet.
type HitRow = (
    i64,
    String,
    String,
    Option<String>,
    String,
    String,
    String,
    Option<i64>,
    i64,
    Option<String>,
);

async fn run(
    pool: &SqlitePool,
    params: &Params,
    fts: &str,
    page: i64,
    tuning: Tuning,
    results: &mut Results,
) -> Result<(), sqlx::Error> {
    // Counting the passages that hold the words reads the index's lists, not the passages:
    // it tells, cheaply, whether ranking them all would cost too much.
    let matches: i64 = sqlx::query_scalar("SELECT count(*) FROM turn_fts WHERE turn_fts MATCH ?")
        .bind(fts.to_string())
        .fetch_one(pool)
        .await?;
    results.matches = matches;
    let mut filters = String::new();
    let mut binds: Vec<String> = vec![fts.to_string()];
    if let Some(s) = Params::clean(&params.speaker) {
        filters.push_str(" AND t.speaker_id = (SELECT id FROM speaker WHERE slug = ?)");
        binds.push(s);
    }
    if let Some(r) = Params::clean(&params.role)
        .filter(|r| ["question", "answer", "statement", "remark"].contains(&r.as_str()))
    {
        filters.push_str(" AND t.role = ?");
        binds.push(r);
    }
    if let Some(f) = Params::clean(&params.from) {
        filters.push_str(" AND tr.date >= ?");
        binds.push(f);
    }
    if let Some(to) = Params::clean(&params.to) {
        // `2025` or `2025-11` as an upper bound includes the whole year or month.
        filters.push_str(" AND tr.date <= ?");
        binds.push(format!("{to}\u{10ffff}"));
    }
    if let Some(tp) = Params::clean(&params.topic) {
        filters.push_str(
            " AND EXISTS (SELECT 1 FROM exchange e JOIN exchange_topic et ON et.exchange_id = e.id JOIN topic tp ON tp.id = et.topic_id \
              WHERE e.transcript_id = t.transcript_id AND e.number = t.exchange AND tp.slug = ?)",
        );
        binds.push(tp);
    }
    let newest = params.newest_first();
    if matches > tuning.rank_limit {
        results.order = "newest".into();
        results.too_many_to_rank = !newest;
        results.passages = true;
        let rows = newest_passages(pool, &filters, &mut binds, page, matches, tuning.walk).await?;
        results.total_known = filters.is_empty();
        results.total = if results.total_known {
            matches
        } else {
            // Not counted: at least what the pages so far show, and one more when this is full.
            (page - 1) * PER_PAGE + rows.len() as i64 + i64::from(rows.len() as i64 == PER_PAGE)
        };
        results.hits = rows.into_iter().map(hit).collect();
        return Ok(());
    }
    results.order = if newest { "newest" } else { "relevance" }.into();
    results.total_known = true;
    let order = if newest {
        "date DESC, best"
    } else {
        "best, date DESC"
    };
    // One statement: the matches grouped by exchange (or statement) with the best rank, the
    // total by a window over the groups, and the snippets of the page's rows only.
    let sql = format!(
        "WITH hits AS (SELECT t.id AS turn_id, t.transcript_id AS tid, coalesce(t.exchange, -1 - t.position) AS unit, turn_fts.rank AS rank, tr.date AS date \
           FROM turn_fts JOIN turn t ON t.id = turn_fts.rowid JOIN transcript tr ON tr.id = t.transcript_id WHERE turn_fts MATCH ?{filters}), \
         best AS (SELECT turn_id, min(rank) AS best, date FROM hits GROUP BY tid, unit), \
         page AS (SELECT turn_id, best, date, count(*) OVER () AS total FROM best ORDER BY {order} LIMIT ? OFFSET ?) \
         SELECT page.total, tr.slug, tr.title, tr.date, s.name, s.slug, t.role, t.exchange, t.position, \
           (SELECT snippet(turn_fts, 0, char(1), char(2), '…', 32) FROM turn_fts WHERE turn_fts MATCH ? AND rowid = page.turn_id) \
         FROM page JOIN turn t ON t.id = page.turn_id JOIN transcript tr ON tr.id = t.transcript_id JOIN speaker s ON s.id = t.speaker_id \
         ORDER BY {page_order}",
        page_order = if newest {
            "page.date DESC, page.best"
        } else {
            "page.best, page.date DESC"
        }
    );
    let mut q = sqlx::query_as::<_, HitRow>(sqlx::AssertSqlSafe(sql));
    for b in &binds {
        q = q.bind(b.clone());
    }
    // The placeholders in order: the query, the filters, the page, the query again (snippets).
    let rows = q
        .bind(PER_PAGE)
        .bind((page - 1) * PER_PAGE)
        .bind(fts.to_string())
        .fetch_all(pool)
        .await?;
    let total = match rows.first() {
        Some(row) => row.0,
        // A page past the end has no rows to carry the total: count on its own.
        None if page > 1 => {
            let count_sql = format!(
                "SELECT count(*) FROM (SELECT 1 FROM turn_fts JOIN turn t ON t.id = turn_fts.rowid JOIN transcript tr ON tr.id = t.transcript_id \
                 WHERE turn_fts MATCH ?{filters} GROUP BY t.transcript_id, coalesce(t.exchange, -1 - t.position))"
            );
            let mut count = sqlx::query_scalar(sqlx::AssertSqlSafe(count_sql));
            for b in &binds {
                count = count.bind(b.clone());
            }
            count.fetch_one(pool).await?
        }
        None => 0,
    };
    results.total = total;
    results.hits = rows.into_iter().map(hit).collect();
    Ok(())
}

/// The most words one prefix is written out as; a prefix that stands for more is kept as it is.
const MAX_EXPANSION: i64 = 64;

/// The query with each prefix outside quotes (`ukrain*`) written out as the indexed words it
/// stands for (`(ukraine OR ukrainian OR ...)`).
async fn expand_prefixes(pool: &SqlitePool, fts: &str) -> Result<String, sqlx::Error> {
    let mut out = String::with_capacity(fts.len());
    let mut quoted = false;
    let mut word = String::new();
    for c in fts.chars() {
        if c == '"' {
            quoted = !quoted;
            out.push_str(&word);
            word.clear();
            out.push(c);
        } else if !quoted && (c.is_alphanumeric() || c == '_') {
            word.push(c);
        } else if !quoted && c == '*' && !word.is_empty() {
            let stem = fold(&word);
            let terms: Vec<String> = sqlx::query_scalar(
                "SELECT term FROM turn_vocabulary WHERE term >= ?1 AND term < ?1 || char(1114111) ORDER BY doc DESC LIMIT ?2",
            )
            .bind(stem.clone())
            .bind(MAX_EXPANSION + 1)
            .fetch_all(pool)
            .await?;
            if terms.is_empty() || i64::try_from(terms.len()).unwrap_or(i64::MAX) > MAX_EXPANSION {
                out.push_str(&word);
                out.push('*');
            } else {
                let alternatives: Vec<String> = terms
                    .iter()
                    .map(|t| format!("\"{}\"", t.replace('"', "\"\"")))
                    .collect();
                out.push_str(&format!("({})", alternatives.join(" OR ")));
            }
            word.clear();
        } else {
            out.push_str(&word);
            word.clear();
            out.push(c);
        }
    }
    out.push_str(&word);
    Ok(out)
}

/// A word as the index's tokenizer keeps it: lower case, without diacritics.
fn fold(word: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    word.nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

/// A result row as a hit.
fn hit(row: HitRow) -> Hit {
    let (_, slug, title, date, speaker, speaker_slug, role, exchange, position, snip) = row;
    let snip = snip.unwrap_or_default();
    let url = match exchange {
        Some(n) => format!("/transcripts/{slug}/questions/{n}"),
        None => format!("/transcripts/{slug}#t{position}"),
    };
    Hit {
        snippet_html: mark(&snip),
        snippet: snip.replace('\u{1}', "«").replace('\u{2}', "»"),
        closeness: None,
        language: None,
        slug,
        title,
        date,
        speaker,
        speaker_slug,
        role,
        exchange,
        position,
        url,
    }
}

/// What looking one passage up in the search index costs, for each word of the query, against
/// reading one match from the index's lists and sorting it (measured: about 65 µs and 0.5 µs).
const LOOKUP_COST: i64 = 130;

/// One page of the passages that hold the words, newest transcript first and in the order
/// spoken. Two ways, whichever reads less: for words in much of the archive, transcripts are
/// walked newest first on their date index and each passage is looked up in the search index,
/// which stops when the page is full; otherwise every match is read from the index and sorted
/// by date, which costs no ranking.
async fn newest_passages(
    pool: &SqlitePool,
    filters: &str,
    binds: &mut [String],
    page: i64,
    matches: i64,
    walk: Option<bool>,
) -> Result<Vec<HitRow>, sqlx::Error> {
    let passages: i64 = sqlx::query_scalar("SELECT coalesce(max(id), 0) FROM turn")
        .fetch_one(pool)
        .await?;
    let wanted = page * PER_PAGE;
    let words = binds[0]
        .split_whitespace()
        .filter(|w| !matches!(*w, "AND" | "OR" | "NOT"))
        .count()
        .max(1) as i64;
    let lookups = wanted.saturating_mul(passages) / matches.max(1);
    let walk = walk.unwrap_or(lookups.saturating_mul(LOOKUP_COST).saturating_mul(words) < matches);
    let found = if walk {
        // A prefix is written out as its words first: looking a passage up for `ukrain*` would
        // merge the lists of every such word again each time.
        binds[0] = expand_prefixes(pool, &binds[0]).await?;
        // CROSS JOIN keeps this order of loops: SQLite would otherwise start from the index's
        // matches and sort them all.
        "SELECT t.id AS turn_id, coalesce(tr.date, '') AS day, tr.id AS tid, t.position AS position \
           FROM transcript tr CROSS JOIN turn t CROSS JOIN turn_fts \
           WHERE t.transcript_id = tr.id AND turn_fts.rowid = t.id AND turn_fts MATCH ?"
    } else {
        "SELECT t.id AS turn_id, t.date AS day, t.transcript_id AS tid, t.position AS position \
           FROM turn_fts JOIN turn t ON t.id = turn_fts.rowid JOIN transcript tr ON tr.id = t.transcript_id \
           WHERE turn_fts MATCH ?"
    };
    // The page's passages are found first; only they get a snippet, which reads their text
    // again.
    let sql = format!(
        "WITH page AS ({found}{filters} ORDER BY day DESC, tid DESC, position LIMIT ? OFFSET ?) \
         SELECT 0, tr.slug, tr.title, tr.date, s.name, s.slug, t.role, t.exchange, t.position, \
           (SELECT snippet(turn_fts, 0, char(1), char(2), '…', 32) FROM turn_fts WHERE turn_fts MATCH ? AND rowid = page.turn_id) \
         FROM page JOIN turn t ON t.id = page.turn_id JOIN transcript tr ON tr.id = t.transcript_id JOIN speaker s ON s.id = t.speaker_id \
         ORDER BY page.day DESC, page.tid DESC, page.position"
    );
    // The placeholders in order: the query, the filters, the page, the query again (snippets).
    let mut q = sqlx::query_as::<_, HitRow>(sqlx::AssertSqlSafe(sql));
    for b in binds.iter() {
        q = q.bind(b.clone());
    }
    q.bind(PER_PAGE)
        .bind((page - 1) * PER_PAGE)
        .bind(binds[0].clone())
        .fetch_all(pool)
        .await
}

/// Escapes a snippet for HTML and turns the match markers into `<mark>`.
pub fn mark(snippet: &str) -> String {
    let mut out = String::with_capacity(snippet.len() + 32);
    for c in snippet.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\u{1}' => out.push_str("<mark>"),
            '\u{2}' => out.push_str("</mark>"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_words_quote_every_word_and_drop_operators_punctuation() {
        assert_eq!(
            plain_words("\"unbalanced NEAR( *"),
            "\"unbalanced\" \"NEAR\""
        );
        assert_eq!(plain_words("Лавров ёлка"), "\"Лавров\" \"елка\"");
    }

    #[test]
    fn snippets_are_escaped_before_marks_are_added() {
        assert_eq!(mark("<script>\u{1}x\u{2}"), "&lt;script&gt;<mark>x</mark>");
    }
}
