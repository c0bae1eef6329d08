//! The pages people read and cite: home, the transcript list, a transcript, an exchange permalink.

use super::{Origin, Pager, Path, Query, human_date, shorten};
use crate::error::{AppError, Result};
use crate::store::read::{self, TopicRef, Transcript, TranscriptRow, TurnRow};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use sqlx::SqlitePool;
use std::collections::HashMap;

#[derive(Template, WebTemplate)]
#[template(path = "home.html")]
pub struct HomePage {
    pub transcripts: i64,
    pub exchanges: i64,
    pub speakers: i64,
    pub latest: Vec<TranscriptRow>,
}

pub async fn home(State(pool): State<SqlitePool>) -> Result<HomePage> {
    let (transcripts, exchanges, speakers) = read::counts(&pool).await?;
    let latest = read::latest(&pool, 10).await?;
    Ok(HomePage {
        transcripts,
        exchanges,
        speakers,
        latest,
    })
}

#[derive(Deserialize)]
pub struct ListParams {
    year: Option<String>,
    page: Option<i64>,
}

#[derive(Template, WebTemplate)]
#[template(path = "transcripts/list.html")]
pub struct TranscriptsPage {
    pub rows: Vec<TranscriptRow>,
    pub years: Vec<(String, i64)>,
    pub year: Option<i32>,
    pub current_year: String,
    pub pager: Pager,
}

pub const PER_PAGE: i64 = 25;

pub async fn transcripts(
    State(pool): State<SqlitePool>,
    Query(params): Query<ListParams>,
) -> Result<TranscriptsPage> {
    let year = match params
        .year
        .as_deref()
        .map(str::trim)
        .filter(|y| !y.is_empty())
    {
        None => None,
        Some(y) => Some(
            y.parse::<i32>()
                .ok()
                .filter(|y| (1000..=9999).contains(y))
                .ok_or_else(|| {
                    AppError::BadRequest(format!(
                        "`{y}` is not a year; use four digits, as in ?year=2025."
                    ))
                })?,
        ),
    };
    let total = read::count_transcripts(&pool, year).await?;
    let base = match year {
        Some(y) => format!("/transcripts?year={y}&"),
        None => "/transcripts?".to_string(),
    };
    let pager = Pager::new(params.page, PER_PAGE, total, base);
    let rows = read::list(&pool, year, pager.offset(), PER_PAGE).await?;
    let years = read::years(&pool).await?;
    Ok(TranscriptsPage {
        rows,
        years,
        year,
        current_year: year.map(|y| y.to_string()).unwrap_or_default(),
        pager,
    })
}

/// A turn as the pages show it.
pub struct TurnView {
    pub position: i64,
    pub speaker: String,
    pub speaker_slug: String,
    pub speaker_kind: String,
    /// The label as printed, when it says more than the speaker's name.
    pub label: Option<String>,
    pub role: String,
    pub paragraphs: Vec<(String, String)>,
}

impl TurnView {
    pub fn from_row(row: &TurnRow) -> Self {
        let label = row
            .label
            .clone()
            .filter(|l| l != &row.speaker && !matches!(l.as_str(), "Q" | "Question" | "QUESTION"));
        let paragraphs = row
            .paragraphs()
            .into_iter()
            .enumerate()
            .map(|(i, p)| (format!("p{}-{}", row.position, i + 1), p))
            .collect();
        TurnView {
            position: row.position,
            speaker: row.speaker.clone(),
            speaker_slug: row.speaker_slug.clone(),
            speaker_kind: row.speaker_kind.clone(),
            label,
            role: row.role.clone(),
            paragraphs,
        }
    }

    pub fn role_label(&self) -> &'static str {
        match self.role.as_str() {
            "question" => "Question",
            "answer" => "Answer",
            "statement" => "Statement",
            _ => "Remark",
        }
    }

    pub fn first_words(&self, max: usize) -> String {
        shorten(
            self.paragraphs
                .first()
                .map(|(_, p)| p.as_str())
                .unwrap_or(""),
            max,
        )
    }
}

/// A run of turns: the opening (number 0) or one exchange with what follows it.
pub struct Section {
    pub number: i64,
    pub turns: Vec<TurnView>,
    pub topics: Vec<TopicRef>,
}

impl Section {
    pub fn question(&self) -> String {
        self.turns
            .iter()
            .find(|t| t.role == "question")
            .map(|t| t.first_words(110))
            .unwrap_or_default()
    }
    pub fn asker(&self) -> String {
        self.turns
            .iter()
            .find(|t| t.role == "question")
            .map(|t| t.label.clone().unwrap_or_else(|| t.speaker.clone()))
            .unwrap_or_default()
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "transcripts/show.html")]
pub struct TranscriptPage {
    pub t: Transcript,
    pub date: String,
    pub header: Vec<String>,
    pub preface: Vec<String>,
    pub notes: Vec<String>,
    pub opening: Vec<TurnView>,
    pub sections: Vec<Section>,
    /// Where the archive is reached, for the canonical link.
    pub origin: String,
    pub description: String,
    /// The same text published elsewhere: (address when it is a web address, what to show, day added).
    pub republications: Vec<(Option<String>, String, String)>,
    /// When editors last corrected it (as people read the date) and how many corrections stand.
    pub corrected: Option<(String, i64)>,
    /// The event's versions in each language, this one included; empty when it has one.
    pub versions: Vec<VersionView>,
    /// The English name of the transcript's language.
    pub language: Option<String>,
}

/// One language version of an event, as a page offers it.
#[derive(Clone)]
pub struct VersionView {
    pub slug: String,
    /// BCP 47 tag, for `lang` and `hreflang`.
    pub lang: String,
    /// The language's own name (`Русский`).
    pub autonym: String,
    /// Its English name (`Russian`).
    pub english: String,
    pub original: bool,
    /// Whether it is the transcript of the page.
    pub current: bool,
    pub id: i64,
    pub exchange_count: i64,
}

/// The language versions of a transcript's event, the original first; empty when it has one.
pub(super) async fn version_views(pool: &SqlitePool, t: &Transcript) -> Result<Vec<VersionView>> {
    let versions = crate::store::translations::versions(pool, t.id).await?;
    Ok(versions
        .into_iter()
        .map(|v| {
            let lang = v.language.unwrap_or_else(|| "und".into());
            VersionView {
                current: v.slug == t.slug,
                autonym: crate::store::translations::autonym(&lang),
                english: crate::search::indexed::language_name(&lang),
                slug: v.slug,
                lang,
                original: v.original,
                id: v.id,
                exchange_count: v.exchange_count,
            }
        })
        .collect())
}

async fn find(pool: &SqlitePool, slug: &str) -> Result<Transcript> {
    read::transcript(pool, slug)
        .await?
        .ok_or(AppError::NotFound)
}

/// A stored JSON list of paragraphs; empty where it is not one.
pub(super) fn json_list(s: &str) -> Vec<String> {
    serde_json::from_str(s).unwrap_or_default()
}

pub async fn transcript(
    State(pool): State<SqlitePool>,
    Origin(origin): Origin,
    Path(slug): Path<String>,
) -> Result<TranscriptPage> {
    let t = find(&pool, &slug).await?;
    let rows = read::turns(&pool, t.id).await?;
    let mut topics: HashMap<i64, Vec<TopicRef>> = HashMap::new();
    for (n, topic) in read::transcript_topics(&pool, t.id).await? {
        topics.entry(n).or_default().push(topic);
    }
    let mut opening = Vec::new();
    let mut sections: Vec<Section> = Vec::new();
    for row in &rows {
        let view = TurnView::from_row(row);
        if row.role == "question" {
            let number = row.exchange.unwrap_or(sections.len() as i64 + 1);
            let topics = topics.remove(&number).unwrap_or_default();
            sections.push(Section {
                number,
                turns: vec![view],
                topics,
            });
        } else if let Some(section) = sections.last_mut() {
            section.turns.push(view);
        } else {
            opening.push(view);
        }
    }
    let date = human_date(t.date.as_deref());
    let mut answerers: Vec<&str> = Vec::new();
    for row in rows
        .iter()
        .filter(|r| matches!(r.role.as_str(), "answer" | "statement"))
    {
        if row.speaker_kind == "person" && !answerers.contains(&row.speaker.as_str()) {
            answerers.push(&row.speaker);
        }
    }
    let description = shorten(
        &format!(
            "{}, {date}{}: {} exchanges{}.",
            t.title,
            t.place
                .as_deref()
                .map(|p| format!(", {p}"))
                .unwrap_or_default(),
            sections.len(),
            if answerers.is_empty() {
                String::new()
            } else {
                format!(", with {}", answerers.join(", "))
            }
        ),
        250,
    );
    let republications = read::republications(&pool, t.id)
        .await?
        .into_iter()
        .map(|(url, file, added)| {
            let shown = url
                .clone()
                .or(file)
                .unwrap_or_else(|| "an upload".to_string());
            (
                url.filter(|u| read::is_web_address(u)),
                shown,
                added.chars().take(10).collect(),
            )
        })
        .collect();
    let corrected = crate::store::corrections::last_corrected(&pool, t.id)
        .await?
        .map(|(at, n)| (human_date(Some(&at[..at.len().min(10)])), n));
    let versions = version_views(&pool, &t).await?;
    let language = t
        .language
        .as_deref()
        .map(crate::search::indexed::language_name);
    Ok(TranscriptPage {
        versions,
        language,
        corrected,
        date,
        origin,
        description,
        republications,
        header: json_list(&t.header),
        preface: json_list(&t.preface),
        notes: json_list(&t.notes),
        t,
        opening,
        sections,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "transcripts/exchange.html")]
pub struct ExchangePage {
    pub t: Transcript,
    pub date: String,
    pub number: i64,
    pub turns: Vec<TurnView>,
    pub topics: Vec<TopicRef>,
    pub prev: Option<i64>,
    pub next: Option<i64>,
    pub url: String,
    pub og_title: String,
    pub og_description: String,
    pub answerers: String,
    pub citation: String,
    pub bibtex: String,
    pub csl_json: String,
    /// The event's versions in each language, this one included; empty when it has one.
    pub versions: Vec<VersionView>,
    /// The same exchange in the event's other languages, shown beside this one.
    pub beside: Vec<Beside>,
    /// The event's other versions whose exchanges are numbered otherwise: offered whole.
    pub unaligned: Vec<VersionView>,
    pub origin: String,
}

/// The same exchange in another language.
pub struct Beside {
    pub version: VersionView,
    pub turns: Vec<TurnView>,
}

pub async fn exchange(
    State(pool): State<SqlitePool>,
    Origin(origin): Origin,
    Path((slug, n)): Path<(String, String)>,
) -> Result<Response> {
    let t = find(&pool, &slug).await?;
    let missing = || AppError::NotFoundWithLink {
        message: format!(
            "“{}” has no exchange {n}; it has {} exchanges.",
            t.title, t.exchange_count
        ),
        href: format!("/transcripts/{}", t.slug),
        link_text: "Read the whole transcript".into(),
    };
    let Ok(number) = n.parse::<i64>() else {
        return Err(missing());
    };
    if let Some(moved) = read::moved_exchange(&pool, t.id, number).await? {
        let to = match moved {
            Some(now) if now != number => format!("/transcripts/{}/questions/{now}", t.slug),
            Some(_) => String::new(),
            None => format!("/transcripts/{}", t.slug),
        };
        if !to.is_empty() {
            return Ok(super::moved(&to));
        }
    }
    let rows = read::exchange_turns(&pool, t.id, number).await?;
    if rows.is_empty() {
        return Err(missing());
    }
    let topics = read::exchange_topics(&pool, t.id, number).await?;
    let turns: Vec<TurnView> = rows.iter().map(TurnView::from_row).collect();
    let question = turns
        .iter()
        .find(|t| t.role == "question")
        .map(|q| {
            q.paragraphs
                .iter()
                .map(|(_, p)| p.as_str())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_default();
    let answer = turns
        .iter()
        .find(|t| t.role == "answer")
        .map(|a| {
            a.paragraphs
                .iter()
                .map(|(_, p)| p.as_str())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_default();
    let mut answerers: Vec<String> = Vec::new();
    for turn in turns.iter().filter(|t| t.role == "answer") {
        if !answerers.contains(&turn.speaker) {
            answerers.push(turn.speaker.clone());
        }
    }
    let answerers = answerers.join(", ");
    let url = format!("{origin}/transcripts/{}/questions/{number}", t.slug);
    let date = human_date(t.date.as_deref());
    let who = if answerers.is_empty() {
        "Unanswered".to_string()
    } else {
        answerers.clone()
    };
    let asker = turns
        .iter()
        .find(|t| t.role == "question")
        .map(|q| match &q.label {
            // An unnamed questioner is best named by the label printed: `Question (Reuters)`.
            Some(label) if q.speaker_kind == "anonymous" => label.clone(),
            _ => q.speaker.clone(),
        })
        .unwrap_or_default();
    let accessed = super::cite::today();
    let cited = super::cite::Cited {
        answerers: &answerers,
        asker: &asker,
        title: &t.title,
        place: t.place.as_deref(),
        date: t.date.as_deref(),
        human_date: &date,
        source_url: t.source_url.as_deref(),
        permalink: &url,
        slug: &t.slug,
        number,
        accessed: &accessed,
    };
    let citation = cited.text();
    let bibtex = cited.bibtex();
    let csl_json = cited.csl_json();
    let versions = version_views(&pool, &t).await?;
    let mut beside = Vec::new();
    let mut unaligned = Vec::new();
    for v in versions.iter().filter(|v| !v.current) {
        // Exchanges are paired by number only where both versions have as many: else the
        // same number may be another question, and the version is offered whole instead.
        if v.exchange_count != t.exchange_count {
            unaligned.push(v.clone());
            continue;
        }
        let rows = read::exchange_turns(&pool, v.id, number).await?;
        if !rows.is_empty() {
            beside.push(Beside {
                version: v.clone(),
                turns: rows.iter().map(TurnView::from_row).collect(),
            });
        }
    }
    let page = ExchangePage {
        versions,
        beside,
        unaligned,
        origin: origin.clone(),
        og_title: shorten(&question, 90),
        og_description: if answer.is_empty() {
            format!("From “{}”, {date}.", t.title)
        } else {
            shorten(&format!("{who}: {answer}"), 200)
        },
        prev: (number > 1).then_some(number - 1),
        next: (number < t.exchange_count).then_some(number + 1),
        date,
        number,
        turns,
        topics,
        url,
        answerers,
        citation,
        bibtex,
        csl_json,
        t,
    };
    Ok(page.into_response())
}

/// The uploaded bytes, verbatim, as a download.
pub async fn source(State(pool): State<SqlitePool>, Path(slug): Path<String>) -> Result<Response> {
    let (bytes, file_name) = read::source(&pool, &slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let name = file_name
        .unwrap_or_else(|| format!("{slug}.txt"))
        .replace(['"', '\\', '\r', '\n'], "_");
    // Served as an opaque download, in whatever encoding it came, so that a stored HTML page
    // can never run here.
    Ok((
        [
            (header::CONTENT_TYPE, "application/octet-stream".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}
