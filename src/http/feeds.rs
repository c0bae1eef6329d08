//! Atom feeds (RFC 4287): the newest transcripts, one speaker's answers and statements, one
//! topic's exchanges, and any search, newest first, so that a saved search is an alert. Each is
//! announced on its page with `<link rel="alternate" type="application/atom+xml">`.
//!
//! Entry ids are the entries' absolute addresses, which never change (an address that once
//! worked keeps working); set `--base-url` so that they do not depend on the host a reader used.

use super::exports::xml_escape;
use super::{AppState, Origin, Path, Query, shorten};
use crate::error::{AppError, Result};
use crate::search::Params;
use crate::store::read;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use sqlx::SqlitePool;
use std::fmt::Write;

/// Entries in one feed: the newest ones.
pub const ENTRIES: i64 = 50;

/// One entry, before it is written.
struct Entry {
    id: String,
    title: String,
    link: String,
    /// The transcript's slug: its last change is the entry's `updated`.
    slug: String,
    /// The day it was said (`YYYY-MM-DD`), when known.
    date: Option<String>,
    /// Who said it; the archive when no one is named.
    authors: Vec<String>,
    summary: String,
}

struct Feed {
    title: String,
    /// The page the feed follows, absolute.
    page: String,
    /// The feed's own address, absolute.
    this: String,
    entries: Vec<Entry>,
}

/// The time of a day, for `published`.
fn day_start(date: &str) -> String {
    format!("{date}T00:00:00Z")
}

/// An HTTP date (RFC 9110) of an RFC 3339 time stored as `YYYY-MM-DDTHH:MM:SSZ`.
fn http_date(stamp: &str) -> Option<String> {
    let t = time::PrimitiveDateTime::parse(
        stamp.trim_end_matches('Z'),
        time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]"),
    )
    .ok()?;
    t.format(time::macros::format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    ))
    .ok()
}

/// Parses an HTTP date back, for `If-Modified-Since`.
fn parse_http_date(value: &str) -> Option<time::PrimitiveDateTime> {
    time::PrimitiveDateTime::parse(
        value.trim(),
        time::macros::format_description!(
            "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
        ),
    )
    .ok()
}

/// The feed as Atom, with `Last-Modified`; 304 when the reader has it already.
async fn write(
    pool: &SqlitePool,
    feed: Feed,
    if_modified_since: Option<&HeaderValue>,
) -> Result<Response> {
    let slugs: Vec<&str> = feed.entries.iter().map(|e| e.slug.as_str()).collect();
    let changed = read::changed_at(pool, &slugs).await?;
    let updated = match changed.values().max() {
        Some(u) => u.clone(),
        None => read::last_change(pool)
            .await?
            .unwrap_or_else(|| "2000-01-01T00:00:00Z".to_string()),
    };
    let last_modified = http_date(&updated);
    if let (Some(since), Some(lm)) = (if_modified_since, last_modified.as_deref())
        && let (Some(since), Some(changed)) = (
            since.to_str().ok().and_then(parse_http_date),
            parse_http_date(lm),
        )
        && changed <= since
    {
        let mut response = axum::http::StatusCode::NOT_MODIFIED.into_response();
        if let Ok(v) = HeaderValue::from_str(lm) {
            response.headers_mut().insert(header::LAST_MODIFIED, v);
        }
        return Ok(response);
    }

    let mut x = String::with_capacity(2048 + feed.entries.len() * 800);
    x.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    x.push_str("<feed xmlns=\"http://www.w3.org/2005/Atom\">\n");
    let _ = writeln!(x, "<title>{}</title>", xml_escape(&feed.title));
    let _ = writeln!(x, "<id>{}</id>", xml_escape(&feed.this));
    let _ = writeln!(x, "<updated>{}</updated>", xml_escape(&updated));
    let _ = writeln!(
        x,
        "<link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>",
        xml_escape(&feed.this)
    );
    let _ = writeln!(
        x,
        "<link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
        xml_escape(&feed.page)
    );
    x.push_str("<author><name>Stenogram</name></author>\n");
    x.push_str("<generator>Stenogram</generator>\n");
    for e in &feed.entries {
        let entry_updated = changed.get(&e.slug).unwrap_or(&updated);
        x.push_str("<entry>\n");
        let _ = writeln!(x, "<id>{}</id>", xml_escape(&e.id));
        let _ = writeln!(x, "<title>{}</title>", xml_escape(&e.title));
        let _ = writeln!(
            x,
            "<link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
            xml_escape(&e.link)
        );
        let _ = writeln!(x, "<updated>{}</updated>", xml_escape(entry_updated));
        if let Some(d) = &e.date {
            let _ = writeln!(x, "<published>{}</published>", xml_escape(&day_start(d)));
        }
        for author in &e.authors {
            let _ = writeln!(x, "<author><name>{}</name></author>", xml_escape(author));
        }
        let _ = writeln!(
            x,
            "<summary type=\"text\">{}</summary>",
            xml_escape(&e.summary)
        );
        x.push_str("</entry>\n");
    }
    x.push_str("</feed>\n");
    let mut response = (
        [(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")],
        x,
    )
        .into_response();
    if let Some(lm) = last_modified.and_then(|v| HeaderValue::from_str(&v).ok()) {
        response.headers_mut().insert(header::LAST_MODIFIED, lm);
    }
    Ok(response)
}

/// Where a turn is read: its exchange's permalink, or its paragraph in the transcript.
fn turn_link(origin: &str, slug: &str, exchange: Option<i64>, position: i64) -> String {
    match exchange {
        Some(n) => format!("{origin}/transcripts/{slug}/questions/{n}"),
        None => format!("{origin}/transcripts/{slug}#p{position}-1"),
    }
}

fn dated(title: &str, date: Option<&str>) -> String {
    match date {
        Some(d) => format!("{title} ({d})"),
        None => title.to_string(),
    }
}

/// `GET /transcripts/feed`: the newest transcripts.
pub async fn transcripts(
    State(pool): State<SqlitePool>,
    Origin(origin): Origin,
    headers: axum::http::HeaderMap,
) -> Result<Response> {
    let rows = read::list(&pool, None, 0, ENTRIES).await?;
    let entries = rows
        .into_iter()
        .map(|r| {
            let link = format!("{origin}/transcripts/{}", r.slug);
            let speakers = r.speakers.clone().filter(|s| !s.is_empty());
            let mut summary = format!("{} exchanges", r.exchange_count);
            if let Some(s) = &speakers {
                let _ = write!(summary, " with {s}");
            }
            if let Some(p) = &r.place {
                let _ = write!(summary, "; {p}");
            }
            summary.push('.');
            Entry {
                id: link.clone(),
                title: r.title.clone(),
                link,
                authors: speakers
                    .map(|s| s.split(", ").map(str::to_string).collect())
                    .unwrap_or_else(|| vec!["Stenogram".into()]),
                date: r.date.clone(),
                slug: r.slug,
                summary,
            }
        })
        .collect();
    let feed = Feed {
        title: "Stenogram: newest transcripts".into(),
        page: format!("{origin}/transcripts"),
        this: format!("{origin}/transcripts/feed"),
        entries,
    };
    write(&pool, feed, headers.get(header::IF_MODIFIED_SINCE)).await
}

/// `GET /speakers/{slug}/feed`: a speaker's newest answers and statements.
pub async fn speaker(
    State(pool): State<SqlitePool>,
    Origin(origin): Origin,
    Path(slug): Path<String>,
    headers: axum::http::HeaderMap,
) -> Result<Response> {
    let Some(s) = read::speaker(&pool, &slug).await? else {
        return match read::speaker_redirect(&pool, &slug).await? {
            Some(to) => Ok(super::moved(&format!("/speakers/{to}/feed"))),
            None => Err(AppError::NotFound),
        };
    };
    let turns = read::speaker_turns(&pool, s.id, 0, ENTRIES).await?;
    let entries = turns
        .into_iter()
        .map(|t| {
            let link = turn_link(&origin, &t.slug, t.exchange, t.position);
            let what = if t.role == "answer" {
                match t.exchange {
                    Some(n) => format!("answer to question {n}"),
                    None => "answer".into(),
                }
            } else {
                "statement".into()
            };
            Entry {
                id: format!("{origin}/transcripts/{}#p{}-1", t.slug, t.position),
                title: format!("{}, {what}: {}", s.name, dated(&t.title, t.date.as_deref())),
                link,
                authors: vec![s.name.clone()],
                date: t.date.clone(),
                summary: shorten(&t.first_paragraph(), 500),
                slug: t.slug,
            }
        })
        .collect();
    let feed = Feed {
        title: format!("Stenogram: {}", s.name),
        page: format!("{origin}/speakers/{}", s.slug),
        this: format!("{origin}/speakers/{}/feed", s.slug),
        entries,
    };
    write(&pool, feed, headers.get(header::IF_MODIFIED_SINCE)).await
}

/// `GET /topics/{slug}/feed`: a topic's newest exchanges.
pub async fn topic(
    State(pool): State<SqlitePool>,
    Origin(origin): Origin,
    Path(slug): Path<String>,
    headers: axum::http::HeaderMap,
) -> Result<Response> {
    let Some(topic) = read::topic(&pool, &slug).await? else {
        return match read::topic_redirect(&pool, &slug).await? {
            Some(to) => Ok(super::moved(&format!("/topics/{to}/feed"))),
            None => Err(AppError::NotFound),
        };
    };
    if topic.hidden {
        return Err(super::topics::gone(&pool, &topic).await);
    }
    let exchanges = read::topic_exchanges(&pool, topic.id, 0, ENTRIES).await?;
    let entries = exchanges
        .into_iter()
        .map(|e| {
            let link = format!("{origin}/transcripts/{}/questions/{}", e.slug, e.number);
            Entry {
                id: link.clone(),
                title: format!(
                    "Question {} of {}",
                    e.number,
                    dated(&e.title, e.date.as_deref())
                ),
                link,
                authors: vec!["Stenogram".into()],
                date: e.date.clone(),
                summary: shorten(&e.question(), 500),
                slug: e.slug,
            }
        })
        .collect();
    let feed = Feed {
        title: format!("Stenogram: {}", topic.name),
        page: format!("{origin}/topics/{}", topic.slug),
        this: format!("{origin}/topics/{}/feed", topic.slug),
        entries,
    };
    write(&pool, feed, headers.get(header::IF_MODIFIED_SINCE)).await
}

/// `GET /search/feed?q=...`: a search's newest passages, with the search page's filters.
pub async fn search(
    State(state): State<AppState>,
    Origin(origin): Origin,
    Query(mut params): Query<Params>,
    headers: axum::http::HeaderMap,
) -> Result<Response> {
    if params.q.trim().is_empty() {
        return Err(AppError::BadRequest(
            "A search feed needs words to look for: /search/feed?q=sanctions, with the search page's filters if you like.".into(),
        ));
    }
    let query = super::search::feed_query(&params);
    params.page = None;
    params.sort = Some("newest".into());
    let results = {
        let _turn = state.expensive().await?;
        state.search(&params).await?
    };
    let entries = results
        .hits
        .into_iter()
        .map(|h| {
            let link = turn_link(&origin, &h.slug, h.exchange, h.position);
            let what = match (h.role.as_str(), h.exchange) {
                ("question", Some(n)) => format!("question {n}"),
                ("answer", Some(n)) => format!("answer to question {n}"),
                (role, _) => role.to_string(),
            };
            Entry {
                id: format!("{origin}/transcripts/{}#p{}-1", h.slug, h.position),
                title: format!(
                    "{}, {what}: {}",
                    h.speaker,
                    dated(&h.title, h.date.as_deref())
                ),
                link,
                authors: vec![h.speaker.clone()],
                date: h.date.clone(),
                summary: h.snippet.clone(),
                slug: h.slug,
            }
        })
        .collect();
    let feed = Feed {
        title: format!("Stenogram: search for {}", params.q.trim()),
        page: format!("{origin}/search?{query}"),
        this: format!("{origin}/search/feed?{query}"),
        entries,
    };
    write(&state.pool, feed, headers.get(header::IF_MODIFIED_SINCE)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_dates_go_there_and_back() {
        let d = http_date("2026-12-02T20:26:52Z").expect("a stored time");
        assert_eq!(d, "Wed, 02 Dec 2026 20:26:52 GMT");
        assert!(parse_http_date(&d).is_some());
        assert!(http_date("not a time").is_none());
    }
}
