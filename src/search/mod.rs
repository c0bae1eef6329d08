//! Full-text search over what was said (SQLite FTS5, ranked by bm25), with filters. A query
//! FTS5 cannot read is retried as plain words, never answered with an error.

use serde::{Deserialize, Serialize};
use sqlx::SqlitePool;

/// What was asked for.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct Params {
    #[serde(default)]
    pub q: String,
    /// A speaker's slug.
    #[serde(default)]
    pub speaker: Option<String>,
    /// A topic's slug.
    #[serde(default)]
    pub topic: Option<String>,
    /// `question`, `answer` or `statement`.
    #[serde(default)]
    pub role: Option<String>,
    /// Earliest date, `YYYY-MM-DD` (a year or month also works).
    #[serde(default)]
    pub from: Option<String>,
    /// Latest date, `YYYY-MM-DD`.
    #[serde(default)]
    pub to: Option<String>,
    #[serde(default)]
    pub page: Option<i64>,
}

impl Params {
    fn clean(value: &Option<String>) -> Option<String> {
        value
            .as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    }
}

/// One result: an exchange (or a statement), with the best-matching passage.
#[derive(Debug, Clone, Serialize)]
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
}

/// A page of results.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Results {
    pub query: String,
    /// The FTS5 query that ran.
    pub ran: String,
    /// Set when the query was not valid FTS5 syntax and was searched as plain words.
    pub relaxed: bool,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
    pub hits: Vec<Hit>,
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

/// Runs a search; an empty query gives no results (the page shows help instead).
pub async fn search(pool: &SqlitePool, params: &Params) -> Result<Results, sqlx::Error> {
    let q = params.q.trim().to_string();
    let page = params.page.unwrap_or(1).clamp(1, 10_000);
    let mut results = Results {
        query: q.clone(),
        page,
        per_page: PER_PAGE,
        ..Default::default()
    };
    if q.is_empty() {
        return Ok(results);
    }
    let direct = crate::store::write::search_text(&q);
    match run(pool, params, &direct, page).await {
        Ok((total, hits)) => {
            results.ran = direct;
            results.total = total;
            results.hits = hits;
        }
        Err(e) if is_syntax_error(&e) => {
            let plain = plain_words(&q);
            results.relaxed = true;
            results.ran = plain.clone();
            if !plain.is_empty() {
                let (total, hits) = run(pool, params, &plain, page).await?;
                results.total = total;
                results.hits = hits;
            }
        }
        Err(e) => return Err(e),
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
) -> Result<(i64, Vec<Hit>), sqlx::Error> {
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
    // One statement: the matches grouped by exchange (or statement) with the best rank, the
    // total by a window over the groups, and the snippets of the page's rows only.
    let sql = format!(
        "WITH hits AS (SELECT t.id AS turn_id, t.transcript_id AS tid, coalesce(t.exchange, -1 - t.position) AS unit, turn_fts.rank AS rank, tr.date AS date \
           FROM turn_fts JOIN turn t ON t.id = turn_fts.rowid JOIN transcript tr ON tr.id = t.transcript_id WHERE turn_fts MATCH ?{filters}), \
         best AS (SELECT turn_id, min(rank) AS best, date FROM hits GROUP BY tid, unit), \
         page AS (SELECT turn_id, best, date, count(*) OVER () AS total FROM best ORDER BY best, date DESC LIMIT ? OFFSET ?) \
         SELECT page.total, tr.slug, tr.title, tr.date, s.name, s.slug, t.role, t.exchange, t.position, \
           (SELECT snippet(turn_fts, 0, char(1), char(2), '…', 32) FROM turn_fts WHERE turn_fts MATCH ? AND rowid = page.turn_id) \
         FROM page JOIN turn t ON t.id = page.turn_id JOIN transcript tr ON tr.id = t.transcript_id JOIN speaker s ON s.id = t.speaker_id \
         ORDER BY page.best, page.date DESC"
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
    let hits = rows
        .into_iter()
        .map(
            |(_, slug, title, date, speaker, speaker_slug, role, exchange, position, snip)| {
                let snip = snip.unwrap_or_default();
                let url = match exchange {
                    Some(n) => format!("/transcripts/{slug}/questions/{n}"),
                    None => format!("/transcripts/{slug}#t{position}"),
                };
                Hit {
                    snippet_html: mark(&snip),
                    snippet: snip.replace('\u{1}', "«").replace('\u{2}', "»"),
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
            },
        )
        .collect();
    Ok((total, hits))
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
