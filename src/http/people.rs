//! Speakers: the index, and one speaker's answers, statements, questions put to them and labels.

use super::{Pager, Path, Query};
use crate::error::{AppError, Result};
use crate::store::read::{self, SpeakerRow, TurnInContext};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use sqlx::SqlitePool;

/// The kinds of speaker, in the order the index shows them: (kind, heading).
pub const KINDS: &[(&str, &str)] = &[
    ("person", "People"),
    ("outlet", "Outlets"),
    ("anonymous", "Unnamed"),
];

/// Speakers on one page of the index.
pub const SPEAKERS_PER_PAGE: i64 = 50;

/// What an index of speakers or topics is asked for: a kind, a first letter, a filter, a page.
#[derive(Debug, Default, Deserialize)]
pub struct IndexParams {
    pub kind: Option<String>,
    pub letter: Option<String>,
    pub filter: Option<String>,
    pub page: Option<i64>,
}

impl IndexParams {
    /// The filter these parameters ask for, with `kinds` the kinds there are; a kind or letter
    /// that cannot be one is a 400 that says what can.
    pub fn list_filter(&self, kinds: &[(&str, &str)]) -> Result<read::ListFilter> {
        let kind = match self
            .kind
            .as_deref()
            .map(str::trim)
            .filter(|k| !k.is_empty())
        {
            None => None,
            Some(k) if kinds.iter().any(|(known, _)| *known == k) => Some(k.to_string()),
            Some(k) => {
                let known: Vec<&str> = kinds.iter().map(|(k, _)| *k).collect();
                return Err(AppError::BadRequest(format!(
                    "`{k}` is not a kind here; use one of {}.",
                    known.join(", ")
                )));
            }
        };
        let letter = match self
            .letter
            .as_deref()
            .map(str::trim)
            .filter(|l| !l.is_empty())
        {
            None => None,
            Some(l) => {
                let mut chars = l.chars();
                match (chars.next(), chars.next()) {
                    (Some(c), None) if c.is_alphanumeric() => Some(c),
                    _ => {
                        return Err(AppError::BadRequest(format!(
                            "`{l}` is not a letter; use one, as in ?letter=L."
                        )));
                    }
                }
            }
        };
        let text = self
            .filter
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(|t| t.chars().take(100).collect());
        Ok(read::ListFilter { kind, letter, text })
    }

    /// The address of the index with these parameters but the page, ending in `?` or `&`.
    pub fn base(&self, path: &str, filter: &read::ListFilter) -> String {
        let mut base = format!("{path}?");
        if let Some(k) = &filter.kind {
            base.push_str(&format!("kind={}&", super::encode(k)));
        }
        if let Some(l) = filter.letter {
            base.push_str(&format!("letter={}&", super::encode(&l.to_string())));
        }
        if let Some(t) = &filter.text {
            base.push_str(&format!("filter={}&", super::encode(t)));
        }
        base
    }
}

/// The letters of the A–Z bar.
pub fn letters() -> Vec<char> {
    ('A'..='Z').collect()
}

#[derive(Template, WebTemplate)]
#[template(path = "speakers/list.html")]
pub struct SpeakersPage {
    /// (kind, heading, how many speakers).
    pub kinds: Vec<(String, String, i64)>,
    pub kind: String,
    pub heading: String,
    pub letter: Option<char>,
    pub filter: String,
    pub speakers: Vec<SpeakerRow>,
    pub pager: Pager,
}

impl SpeakersPage {
    pub fn letters(&self) -> Vec<char> {
        letters()
    }
}

pub async fn speakers(
    State(pool): State<SqlitePool>,
    Query(params): Query<IndexParams>,
) -> Result<SpeakersPage> {
    let mut filter = params.list_filter(KINDS)?;
    let kind = filter.kind.get_or_insert_with(|| "person".into()).clone();
    let heading = KINDS
        .iter()
        .find(|(k, _)| *k == kind)
        .map_or("Speakers", |(_, h)| *h)
        .to_string();
    let counts = read::speaker_kinds(&pool).await?;
    let kinds = KINDS
        .iter()
        .map(|(k, h)| {
            let n = counts.iter().find(|(c, _)| c == k).map_or(0, |(_, n)| *n);
            (k.to_string(), h.to_string(), n)
        })
        .collect();
    let total = read::count_speakers(&pool, &filter).await?;
    let pager = Pager::new(
        params.page,
        SPEAKERS_PER_PAGE,
        total,
        params.base("/speakers", &filter),
    );
    let speakers = read::speakers(&pool, &filter, pager.offset(), SPEAKERS_PER_PAGE).await?;
    Ok(SpeakersPage {
        kinds,
        kind,
        heading,
        letter: filter.letter,
        filter: filter.text.clone().unwrap_or_default(),
        speakers,
        pager,
    })
}

#[derive(Deserialize)]
pub struct PageParam {
    page: Option<i64>,
}

#[derive(Template, WebTemplate)]
#[template(path = "speakers/show.html")]
pub struct SpeakerPage {
    pub s: SpeakerRow,
    pub turns: Vec<TurnInContext>,
    pub questions: Vec<TurnInContext>,
    pub aliases: Vec<String>,
    pub pager: Pager,
    /// The topics they answered on most (first page only).
    pub topics: Vec<(String, String, i64)>,
    /// The transcripts they speak in, by month (first page only).
    pub chart: Option<super::topics::Chart>,
    /// The topic they are, when exchanges are about them: (slug, name, exchanges).
    pub about: Option<(String, String, i64)>,
    /// The offices they held, by the table of office holders, oldest first.
    pub offices: Vec<crate::parse::offices::Holder>,
}

impl SpeakerPage {
    pub fn link(t: &TurnInContext) -> String {
        match t.exchange {
            Some(n) => format!("/transcripts/{}/questions/{n}", t.slug),
            None => format!("/transcripts/{}#t{}", t.slug, t.position),
        }
    }
}

pub const PER_PAGE: i64 = 20;

pub async fn speaker(
    State(pool): State<SqlitePool>,
    Path(slug): Path<String>,
    Query(params): Query<PageParam>,
) -> Result<Response> {
    let Some(s) = read::speaker(&pool, &slug).await? else {
        return match read::speaker_redirect(&pool, &slug).await? {
            Some(to) => Ok(super::moved(&format!("/speakers/{to}"))),
            None => Err(AppError::NotFound),
        };
    };
    let pager = Pager::new(
        params.page,
        PER_PAGE,
        s.answers + s.statements,
        format!("/speakers/{}?", s.slug),
    );
    let turns = read::speaker_turns(&pool, s.id, pager.offset(), PER_PAGE).await?;
    let questions = if pager.page == 1 {
        read::questions_to(&pool, s.id, 10).await?
    } else {
        Vec::new()
    };
    let aliases = read::aliases(&pool, s.id).await?;
    let about = read::topic_of_speaker(&pool, s.id).await?;
    let offices = crate::store::offices::of_speaker(&pool, &s.name, &aliases).await?;
    let (topics, chart) = if pager.page == 1 {
        let months = read::speaker_months(&pool, s.id).await?;
        (
            read::speaker_topics(&pool, s.id, 10).await?,
            Some(super::topics::chart(
                &months,
                format!("Transcripts {} speaks in, by month", s.name),
                "transcripts",
            )),
        )
    } else {
        (Vec::new(), None)
    };
    Ok(SpeakerPage {
        s,
        turns,
        questions,
        aliases,
        pager,
        topics,
        chart,
        about,
        offices,
    }
    .into_response())
}
