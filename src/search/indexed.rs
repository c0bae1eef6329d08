//! A search as the reader asked for it: filters by name or slug, then the search engine (or
//! SQLite's own index while the engine is catching up with a large change), hits read back from
//! the database with their passages marked, and facets named.

use std::sync::Arc;

use sqlx::SqlitePool;

use super::engine::{self, Engine, Filters, Group, Sort};
use super::{FacetValue, Facets, Hit, PER_PAGE, Params, Results, SearchError, Suggestion, quote};

/// Above this many transcripts waiting, a search does not wait for the engine to catch up: it
/// is answered from SQLite's index until the engine has.
pub const CATCH_UP_INLINE: i64 = 500;

/// The most words of a quotation compared.
pub const MAX_QUOTE_WORDS: usize = 120;

/// How close a passage must be to a quotation to be shown.
pub const MIN_CLOSENESS: f64 = 0.5;

impl From<engine::EngineError> for SearchError {
    fn from(e: engine::EngineError) -> Self {
        match e {
            engine::EngineError::Db(d) => SearchError::Db(d),
            other => SearchError::Engine(other.to_string()),
        }
    }
}

/// A speaker named by slug, former slug, name, a label as printed, or surname (the most active
/// speaker of that surname).
pub async fn resolve_speaker(
    pool: &SqlitePool,
    given: &str,
) -> Result<Option<(i64, Suggestion)>, sqlx::Error> {
    let slug = slugish(given);
    let row: Option<(i64, String, String)> = sqlx::query_as(
        "SELECT id, slug, name FROM (\
           SELECT id, slug, name, 1 AS k FROM speaker WHERE slug = ?1 \
           UNION ALL SELECT s.id, s.slug, s.name, 2 FROM speaker_redirect r JOIN speaker s ON s.id = r.speaker_id WHERE r.slug = ?1 \
           UNION ALL SELECT id, slug, name, 3 FROM speaker WHERE name = ?2 COLLATE NOCASE \
           UNION ALL SELECT s.id, s.slug, s.name, 4 FROM alias a JOIN speaker s ON s.id = a.speaker_id WHERE a.label = ?2 COLLATE NOCASE \
           UNION ALL SELECT * FROM (SELECT s.id, s.slug, s.name, 5 FROM speaker s LEFT JOIN speaker_stat st ON st.speaker_id = s.id \
             WHERE s.surname = ?2 COLLATE NOCASE ORDER BY coalesce(st.turns, 0) DESC LIMIT 1) \
           UNION ALL SELECT id, slug, name, 6 FROM speaker WHERE replace(slug, '-', '') = replace(?1, '-', '')) \
         ORDER BY k LIMIT 1",
    )
    .bind(slug)
    .bind(given.trim().to_string())
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|(id, slug, name)| (id, Suggestion { name, slug })))
}

/// Speakers whose name holds a word of what was given, most active first.
pub async fn speaker_suggestions(
    pool: &SqlitePool,
    given: &str,
) -> Result<Vec<Suggestion>, sqlx::Error> {
    let Some(word) = super::query::words(given)
        .into_iter()
        .max_by_key(|w| w.chars().count())
    else {
        return Ok(Vec::new());
    };
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT s.name, s.slug FROM speaker s LEFT JOIN speaker_stat st ON st.speaker_id = s.id \
         WHERE s.name LIKE '%' || ?1 || '%' OR s.slug LIKE '%' || ?2 || '%' \
         ORDER BY coalesce(st.turns, 0) DESC LIMIT 5",
    )
    .bind(word.clone())
    .bind(slugish(&word))
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(name, slug)| Suggestion { name, slug })
        .collect())
}

/// A topic named by slug, former slug, alias or name.
pub async fn resolve_topic(
    pool: &SqlitePool,
    given: &str,
) -> Result<Option<(i64, Suggestion)>, sqlx::Error> {
    let slug = slugish(given);
    // Another name of a place or an organisation, in any script (`欧盟`, `Евросоюз`: the EU).
    let known = crate::topics::gazetteer::NAMES
        .get(given.trim())
        .map(|e| e.name);
    let row: Option<(i64, String, String)> = sqlx::query_as(
        "SELECT id, slug, name FROM (\
           SELECT id, slug, name, 1 AS k FROM topic WHERE slug = ?1 \
           UNION ALL SELECT t.id, t.slug, t.name, 2 FROM topic_redirect r JOIN topic t ON t.id = r.topic_id WHERE r.slug = ?1 \
           UNION ALL SELECT t.id, t.slug, t.name, 3 FROM topic_alias a JOIN topic t ON t.id = a.topic_id WHERE a.key = ?3 \
           UNION ALL SELECT id, slug, name, 4 FROM topic WHERE name = ?2 COLLATE NOCASE \
           UNION ALL SELECT id, slug, name, 5 FROM topic WHERE name = ?4 COLLATE NOCASE) \
         ORDER BY k LIMIT 1",
    )
    .bind(slug.clone())
    .bind(given.trim().to_string())
    .bind(slug.replace('-', " "))
    .bind(known)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|(id, slug, name)| (id, Suggestion { name, slug })))
}

/// A name written as a slug: Latin letters, lower case, words joined by `-`.
fn slugish(given: &str) -> String {
    deunicode::deunicode(given.trim())
        .to_lowercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

/// `YYYY`, `YYYY-MM` or `YYYY-MM-DD` as the first (or last) day it stands for, `YYYYMMDD`.
pub fn date_bound(given: &str, upper: bool) -> Option<i64> {
    let parts: Vec<i64> = given
        .trim()
        .split('-')
        .map(|p| p.parse::<i64>().ok())
        .collect::<Option<Vec<_>>>()?;
    let (y, m, d) = match parts.as_slice() {
        [y] => (*y, if upper { 12 } else { 1 }, if upper { 31 } else { 1 }),
        [y, m] => (*y, *m, if upper { 31 } else { 1 }),
        [y, m, d] => (*y, *m, *d),
        _ => return None,
    };
    (0..=9999)
        .contains(&y)
        .then_some(y * 10_000 + m.clamp(0, 12) * 100 + d.clamp(0, 31))
}

/// A search with the engine when it is ready, else with SQLite's index.
pub async fn find(
    pool: &SqlitePool,
    engine: Option<&Arc<Engine>>,
    params: &Params,
) -> Result<Results, SearchError> {
    let q = params.q.trim().to_string();
    let quotation = params.quote_text();
    let page = params.page.unwrap_or(1).clamp(1, 10_000);
    let mut results = Results {
        query: q.clone(),
        page,
        per_page: PER_PAGE,
        engine: "index".into(),
        group: if params.by_transcript() {
            "transcript"
        } else {
            "exchange"
        }
        .into(),
        ..Default::default()
    };
    if q.is_empty() && quotation.is_none() {
        return Ok(results);
    }
    if !q.is_empty()
        && let Some(why) = super::too_costly(&q)
    {
        return Err(SearchError::TooCostly(why));
    }
    let mut filters = Filters::default();
    let mut fts_params = params.clone();
    for (kind, given) in [("speaker", &params.speaker), ("topic", &params.topic)] {
        let Some(given) = Params::clean(given) else {
            continue;
        };
        let speaker = kind == "speaker";
        let named = if speaker {
            resolve_speaker(pool, &given).await?
        } else {
            resolve_topic(pool, &given).await?
        };
        let Some((id, named)) = named else {
            let what_to_do = if speaker {
                "choose one of those below, or clear the speaker filter"
            } else {
                "see the topics index, or clear the topic filter"
            };
            results.notice = Some(format!("No {kind} is called “{given}”: {what_to_do}."));
            if speaker {
                results.suggestions = speaker_suggestions(pool, &given).await?;
            }
            results.total_known = true;
            return Ok(results);
        };
        if speaker {
            filters.speaker = Some(id);
            fts_params.speaker = Some(named.slug.clone());
            results.speaker = Some(named);
        } else {
            filters.topic = Some(id);
            fts_params.topic = Some(named.slug.clone());
            results.topic = Some(named);
        }
    }
    filters.role = Params::clean(&params.role)
        .filter(|r| ["question", "answer", "statement", "remark"].contains(&r.as_str()));
    filters.lang = Params::clean(&params.lang).map(|l| l.to_lowercase());
    filters.from = Params::clean(&params.from).and_then(|d| date_bound(&d, false));
    filters.to = Params::clean(&params.to).and_then(|d| date_bound(&d, true));

    // The engine answers once it has read the whole archive, and catches up a few waiting
    // transcripts inline (also when a catch-up has taken the last of them and not yet
    // committed: this waits for it); SQLite's index answers while it reads a larger backlog.
    let ready = match engine {
        Some(e) => {
            let waiting = e.pending(pool, CATCH_UP_INLINE + 1).await?;
            if waiting > CATCH_UP_INLINE {
                None
            } else {
                if waiting > 0 || !e.is_built() {
                    e.sync(pool).await?;
                }
                Some(e.clone())
            }
        }
        None => None,
    };
    let Some(engine) = ready else {
        if quotation.is_some() && q.is_empty() {
            results.engine = "fts5".into();
            results.notice = Some(
                "Finding a quotation needs the search index, which is being brought up to date; try again in a minute.".into(),
            );
            return Ok(results);
        }
        let mut r = super::search_tuned(pool, &fts_params, super::Tuning::default()).await?;
        r.speaker = results.speaker;
        r.topic = results.topic;
        return Ok(r);
    };
    if let Some(quotation) = quotation {
        return find_quote(pool, &engine, &quotation, &filters, results).await;
    }
    let Some(parsed) = super::query::parse(&q) else {
        results.total_known = true;
        return Ok(results);
    };
    results.relaxed = parsed.relaxed;
    results.ran = parsed.node.show();
    let mut marks = engine::Marks::default();
    let Some(query) = engine.query(&parsed.node, &mut marks) else {
        results.total_known = true;
        return Ok(results);
    };
    let sort = if params.newest_first() {
        Sort::Newest
    } else if params.oldest_first() {
        Sort::Oldest
    } else {
        Sort::Relevance
    };
    results.order = match sort {
        Sort::Relevance => "relevance",
        Sort::Newest => "newest",
        Sort::Oldest => "oldest",
    }
    .into();
    let group = if params.by_transcript() {
        Group::Transcript
    } else {
        Group::Exchange
    };
    let offset = ((page - 1) * PER_PAGE) as usize;
    let searcher = engine.clone();
    let f = filters.clone();
    let found = tokio::task::spawn_blocking(move || {
        let page = engine::Page {
            sort,
            group,
            offset,
            limit: PER_PAGE as usize,
            facets: true,
        };
        searcher.search(query, &f, &page)
    })
    .await
    .map_err(|e| SearchError::Engine(e.to_string()))??;
    results.matches = found.passages as i64;
    results.total = found.results as i64;
    results.total_known = found.complete;
    let with_text = hits(pool, &found.turns).await?;
    results.hits = with_text
        .into_iter()
        .map(|(mut hit, text)| {
            let snip = engine.snippet(&text, hit.language.as_deref().unwrap_or(""), &marks, 220);
            hit.snippet_html = super::mark(&snip);
            hit.snippet = snip.replace('\u{1}', "«").replace('\u{2}', "»");
            hit
        })
        .collect();
    results.facets = Some(facets(pool, &found).await?);
    Ok(results)
}

/// slug, title, date, speaker, speaker slug, role, exchange, position, paragraphs, language.
type TurnRow = (
    i64,
    String,
    String,
    Option<String>,
    String,
    String,
    String,
    Option<i64>,
    i64,
    String,
    Option<String>,
);

/// The turns found, read back from the database in the order given; a turn the database no
/// longer holds is left out.
async fn hits(pool: &SqlitePool, turns: &[i64]) -> Result<Vec<(Hit, String)>, sqlx::Error> {
    if turns.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<TurnRow> = sqlx::query_as(
        "SELECT t.id, tr.slug, tr.title, tr.date, s.name, s.slug, t.role, t.exchange, t.position, \
           (SELECT group_concat(p.value, char(10)) FROM json_each(t.paragraphs) p), tr.language \
         FROM turn t JOIN transcript tr ON tr.id = t.transcript_id JOIN speaker s ON s.id = t.speaker_id \
         WHERE t.id IN (SELECT value FROM json_each(?))",
    )
    .bind(serde_json::to_string(turns).unwrap_or_else(|_| "[]".into()))
    .fetch_all(pool)
    .await?;
    let mut by_id: std::collections::HashMap<i64, TurnRow> =
        rows.into_iter().map(|r| (r.0, r)).collect();
    Ok(turns
        .iter()
        .filter_map(|id| by_id.remove(id))
        .map(
            |(
                _,
                slug,
                title,
                date,
                speaker,
                speaker_slug,
                role,
                exchange,
                position,
                text,
                language,
            )| {
                let url = match exchange {
                    Some(n) => format!("/transcripts/{slug}/questions/{n}"),
                    None => format!("/transcripts/{slug}#t{position}"),
                };
                (
                    Hit {
                        slug,
                        title,
                        date,
                        speaker,
                        speaker_slug,
                        role,
                        exchange,
                        position,
                        snippet_html: String::new(),
                        snippet: String::new(),
                        url,
                        closeness: None,
                        language,
                    },
                    text,
                )
            },
        )
        .collect())
}

/// The facets' values named.
async fn facets(pool: &SqlitePool, found: &engine::Found) -> Result<Facets, sqlx::Error> {
    let ids = |v: &[(i64, u64)]| {
        serde_json::to_string(&v.iter().map(|x| x.0).collect::<Vec<_>>()).unwrap_or_default()
    };
    let speakers: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT id, slug, name FROM speaker WHERE id IN (SELECT value FROM json_each(?))",
    )
    .bind(ids(&found.speakers))
    .fetch_all(pool)
    .await?;
    let topics: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT id, slug, name FROM topic WHERE id IN (SELECT value FROM json_each(?))",
    )
    .bind(ids(&found.topics))
    .fetch_all(pool)
    .await?;
    let named = |counts: &[(i64, u64)], names: &[(i64, String, String)]| -> Vec<FacetValue> {
        counts
            .iter()
            .filter_map(|(id, count)| {
                names.iter().find(|n| n.0 == *id).map(|n| FacetValue {
                    value: n.1.clone(),
                    label: n.2.clone(),
                    count: *count,
                })
            })
            .collect()
    };
    Ok(Facets {
        speakers: named(&found.speakers, &speakers),
        topics: named(&found.topics, &topics),
        years: found
            .years
            .iter()
            .map(|(y, c)| FacetValue {
                value: y.to_string(),
                label: y.to_string(),
                count: *c,
            })
            .collect(),
        roles: found
            .roles
            .iter()
            .filter(|(r, _)| r != "remark")
            .map(|(r, c)| FacetValue {
                value: r.clone(),
                label: match r.as_str() {
                    "question" => "Questions",
                    "answer" => "Answers",
                    _ => "Statements",
                }
                .into(),
                count: *c,
            })
            .collect(),
        languages: found
            .languages
            .iter()
            .map(|(l, c)| FacetValue {
                value: l.clone(),
                label: language_name(l),
                count: *c,
            })
            .collect(),
        partial: !found.complete || found.sampled,
    })
}

/// Where a quotation was said: the passages holding most of its words, compared word by word,
/// closest first.
async fn find_quote(
    pool: &SqlitePool,
    engine: &Arc<Engine>,
    quotation: &str,
    filters: &Filters,
    mut results: Results,
) -> Result<Results, SearchError> {
    let mut units = quote::units(quotation);
    units.truncate(MAX_QUOTE_WORDS);
    results.order = "closeness".into();
    results.total_known = true;
    results.ran = units
        .iter()
        .map(|u| u.folded.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    if units.is_empty() {
        return Ok(results);
    }
    let searcher = engine.clone();
    let (u, f) = (units.clone(), filters.clone());
    let candidates = tokio::task::spawn_blocking(move || searcher.quote_candidates(&u, &f, 60))
        .await
        .map_err(|e| SearchError::Engine(e.to_string()))??;
    let mut found: Vec<(Hit, f64)> = Vec::new();
    for (mut hit, text) in hits(pool, &candidates).await? {
        let Some(place) = quote::find(&units, &text) else {
            continue;
        };
        if place.closeness < MIN_CLOSENESS {
            continue;
        }
        let width = text[place.range.clone()].chars().count() + 80;
        let snip = engine::passage(&text, &[(place.range.start, place.range.end)], width);
        hit.snippet_html = super::mark(&snip);
        hit.snippet = snip.replace('\u{1}', "«").replace('\u{2}', "»");
        hit.closeness = Some((place.closeness * 100.0).round() / 100.0);
        found.push((hit, place.closeness));
    }
    // Closest first; among equals, the engine's order (most of the words, rarest first).
    found.sort_by(|a, b| b.1.total_cmp(&a.1));
    results.total = found.len() as i64;
    results.matches = results.total;
    let offset = ((results.page - 1) * PER_PAGE) as usize;
    results.hits = found
        .into_iter()
        .skip(offset)
        .take(PER_PAGE as usize)
        .map(|(h, _)| h)
        .collect();
    Ok(results)
}

/// A language's English name, by its code; the code itself for one not listed.
pub fn language_name(code: &str) -> String {
    match code {
        "en" => "English",
        "ru" => "Russian",
        "zh" => "Chinese",
        "ja" => "Japanese",
        "fr" => "French",
        "es" => "Spanish",
        "de" => "German",
        "ar" => "Arabic",
        "pt" => "Portuguese",
        "it" => "Italian",
        "uk" => "Ukrainian",
        "ko" => "Korean",
        "tr" => "Turkish",
        "fa" => "Persian",
        "nl" => "Dutch",
        "pl" => "Polish",
        "he" => "Hebrew",
        "hi" => "Hindi",
        "bg" => "Bulgarian",
        "sr" => "Serbian",
        other => return other.to_string(),
    }
    .to_string()
}
