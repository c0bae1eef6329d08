//! Topics: the index by kind, a topic's page with its exchanges, speakers and a monthly chart,
//! and editors' changes (add, remove, merge) that survive reindex.

use super::{Pager, Path, Query};
use crate::error::{AppError, Result};
use crate::store::read::{self, ExchangeRow, TopicRow};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use sqlx::SqlitePool;

/// The kinds of topic, in the order the index shows them.
pub const KINDS: &[(&str, &str)] = &[
    ("person", "People"),
    ("country", "Countries and places"),
    ("organisation", "Organisations"),
    ("agreement", "Agreements and projects"),
    ("theme", "Themes"),
];

/// The most used topics of one kind, as the overview shows them.
pub struct KindGroup {
    pub kind: String,
    pub label: String,
    pub total: i64,
    pub topics: Vec<TopicRow>,
}

/// Topics of each kind on the overview; the rest are a click away.
const OVERVIEW_PER_KIND: i64 = 30;

/// Topics on one page of a filtered list.
pub const TOPICS_PER_PAGE: i64 = 100;

#[derive(Template, WebTemplate)]
#[template(path = "topics/list.html")]
pub struct TopicsPage {
    /// The overview: each kind's most used topics; empty when a list was asked for.
    pub groups: Vec<KindGroup>,
    /// The list asked for (a kind, a letter or a filter), a page at a time.
    pub list: Option<(Vec<TopicRow>, Pager)>,
    pub kind: String,
    pub heading: String,
    pub letter: Option<char>,
    pub filter: String,
}

impl TopicsPage {
    pub fn letters(&self) -> Vec<char> {
        super::people::letters()
    }
    pub fn kind_label(kind: &str) -> &'static str {
        KINDS
            .iter()
            .find(|(k, _)| *k == kind)
            .map_or("Themes", |(_, l)| *l)
    }
}

pub async fn index(
    State(pool): State<SqlitePool>,
    Query(params): Query<super::people::IndexParams>,
) -> Result<TopicsPage> {
    let filter = params.list_filter(KINDS)?;
    let kind = filter.kind.clone().unwrap_or_default();
    let heading = if kind.is_empty() {
        "Topics".to_string()
    } else {
        TopicsPage::kind_label(&kind).to_string()
    };
    let mut page = TopicsPage {
        groups: Vec::new(),
        list: None,
        heading,
        kind,
        letter: filter.letter,
        filter: filter.text.clone().unwrap_or_default(),
    };
    if filter.kind.is_none() && filter.letter.is_none() && filter.text.is_none() {
        for (k, l) in KINDS {
            let of_kind = read::ListFilter {
                kind: Some(k.to_string()),
                ..Default::default()
            };
            let total = read::count_topics(&pool, &of_kind).await?;
            if total == 0 {
                continue;
            }
            page.groups.push(KindGroup {
                kind: k.to_string(),
                label: l.to_string(),
                total,
                topics: read::topics(&pool, &of_kind, 0, OVERVIEW_PER_KIND).await?,
            });
        }
        return Ok(page);
    }
    let total = read::count_topics(&pool, &filter).await?;
    let pager = Pager::new(
        params.page,
        TOPICS_PER_PAGE,
        total,
        params.base("/topics", &filter),
    );
    let topics = read::topics(&pool, &filter, pager.offset(), TOPICS_PER_PAGE).await?;
    page.list = Some((topics, pager));
    Ok(page)
}

#[derive(Template, WebTemplate)]
#[template(path = "topics/show.html")]
pub struct TopicPage {
    pub topic: TopicRow,
    pub exchanges: Vec<ExchangeRow>,
    pub speakers: Vec<(String, String, i64)>,
    pub chart: Chart,
    pub pager: Pager,
    /// The dates of its first and latest dated exchanges.
    pub span: (Option<String>, Option<String>),
    /// A person who is also a speaker: their speaker page (slug, name).
    pub speaker: Option<(String, String)>,
    /// Who spoke on it most, year by year.
    pub by_year: YearGrid,
}

/// Who answered most of a topic's exchanges, from their counts by year: (slug, name,
/// exchanges), most first, then by name.
fn most_answered(
    counts: &[(String, String, String, i64)],
    limit: usize,
) -> Vec<(String, String, i64)> {
    let mut totals: Vec<(String, String, i64)> = Vec::new();
    for (slug, name, _, n) in counts {
        match totals.iter_mut().find(|t| &t.0 == slug) {
            Some(t) => t.2 += n,
            None => totals.push((slug.clone(), name.clone(), *n)),
        }
    }
    totals.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| a.1.cmp(&b.1)));
    totals.truncate(limit);
    totals
}

/// The topic's main speakers by year: the years as columns, a row per speaker with the
/// exchanges they answered on it in each (empty when there is one year or none).
#[derive(Default)]
pub struct YearGrid {
    pub years: Vec<String>,
    /// (slug, name, exchanges each year, in the order of `years`).
    pub rows: Vec<(String, String, Vec<i64>)>,
}

impl YearGrid {
    /// How many of the main speakers it shows.
    const SPEAKERS: usize = 5;
    /// How many years, the latest, it shows.
    const YEARS: usize = 12;

    fn new(speakers: &[(String, String, i64)], counts: &[(String, String, String, i64)]) -> Self {
        let top: Vec<&(String, String, i64)> = speakers.iter().take(Self::SPEAKERS).collect();
        let mut years: Vec<String> = counts
            .iter()
            .filter(|(slug, _, year, _)| !year.is_empty() && top.iter().any(|t| &t.0 == slug))
            .map(|(_, _, year, _)| year.clone())
            .collect();
        years.sort();
        years.dedup();
        let years: Vec<String> = years.split_off(years.len().saturating_sub(Self::YEARS));
        if years.len() < 2 {
            return YearGrid::default();
        }
        let rows = top
            .into_iter()
            .map(|(slug, name, _)| {
                let cells = years
                    .iter()
                    .map(|y| {
                        counts
                            .iter()
                            .find(|(s, _, year, _)| s == slug && year == y)
                            .map_or(0, |c| c.3)
                    })
                    .collect();
                (slug.clone(), name.clone(), cells)
            })
            .collect();
        YearGrid { years, rows }
    }
}

/// A bar per month, drawn as SVG on the server.
pub struct Chart {
    /// What it counts, for its title: `Exchanges on Ukraine by month`.
    pub title: String,
    pub width: i64,
    pub height: i64,
    pub bars: Vec<Bar>,
    pub labels: Vec<(i64, String)>,
    pub max: i64,
    pub summary: String,
}

pub struct Bar {
    pub x: i64,
    pub y: i64,
    pub w: i64,
    pub h: i64,
    pub title: String,
}

fn month_index(m: &str) -> Option<i64> {
    let (y, mo) = m.split_once('-')?;
    Some(y.parse::<i64>().ok()? * 12 + mo.parse::<i64>().ok()? - 1)
}

/// A monthly bar chart of `months` (`2024-03`, count), titled `title`, counting `unit`
/// (`exchanges`, `transcripts`).
pub fn chart(months: &[(String, i64)], title: String, unit: &str) -> Chart {
    let counts: Vec<(i64, i64)> = months
        .iter()
        .filter_map(|(m, c)| month_index(m).map(|i| (i, *c)))
        .collect();
    let (width, height) = (640i64, 160i64);
    let Some(first) = counts.first().map(|c| c.0) else {
        return Chart {
            title,
            width,
            height,
            bars: Vec::new(),
            labels: Vec::new(),
            max: 0,
            summary: format!("No dated {unit}."),
        };
    };
    let last = counts.last().map(|c| c.0).unwrap_or(first);
    let span = (last - first + 1).max(1);
    let max = counts.iter().map(|c| c.1).max().unwrap_or(1).max(1);
    let plot_h = height - 20;
    let step = (width - 30) as f64 / span as f64;
    // A bar is at most 24 units wide, so one month does not fill the whole chart.
    let w = (step * 0.8).clamp(1.0, 24.0) as i64;
    let name = |i: i64| format!("{:04}-{:02}", i / 12, i % 12 + 1);
    let bars = counts
        .iter()
        .map(|(i, c)| {
            let h = ((*c as f64 / max as f64) * (plot_h - 5) as f64)
                .round()
                .max(1.0) as i64;
            Bar {
                x: 30 + ((i - first) as f64 * step) as i64,
                y: plot_h - h,
                w,
                h,
                title: format!("{}: {c}", name(*i)),
            }
        })
        .collect();
    let mut labels = Vec::new();
    for year_start in (first / 12)..=(last / 12) {
        let i = (year_start * 12).max(first);
        labels.push((
            30 + ((i - first) as f64 * step) as i64,
            (year_start).to_string(),
        ));
    }
    let total: i64 = counts.iter().map(|c| c.1).sum();
    Chart {
        title,
        width,
        height,
        bars,
        labels,
        max,
        summary: format!(
            "{total} {} from {} to {}; at most {max} in a month.",
            if total == 1 {
                unit.trim_end_matches('s')
            } else {
                unit
            },
            name(first),
            name(last)
        ),
    }
}

#[derive(Deserialize)]
pub struct PageParam {
    page: Option<i64>,
}

pub const PER_PAGE: i64 = 25;

pub async fn topic(
    State(pool): State<SqlitePool>,
    Path(slug): Path<String>,
    Query(params): Query<PageParam>,
) -> Result<Response> {
    let Some(topic) = read::topic(&pool, &slug).await? else {
        return match read::topic_redirect(&pool, &slug).await? {
            Some(to) => Ok(super::moved(&format!("/topics/{to}"))),
            None => Err(AppError::NotFound),
        };
    };
    if topic.hidden {
        return Err(gone(&pool, &topic).await);
    }
    let pager = Pager::new(
        params.page,
        PER_PAGE,
        topic.exchanges,
        format!("/topics/{}?", topic.slug),
    );
    let exchanges = read::topic_exchanges(&pool, topic.id, pager.offset(), PER_PAGE).await?;
    let counts = read::topic_speaker_years(&pool, topic.id).await?;
    let speakers = most_answered(&counts, 10);
    let chart = chart(
        &read::topic_months(&pool, topic.id).await?,
        format!("Exchanges on {} by month", topic.name),
        "exchanges",
    );
    let span = read::topic_span(&pool, topic.id).await?;
    let speaker = read::speaker_of_topic(&pool, topic.id).await?;
    let by_year = YearGrid::new(&speakers, &counts);
    Ok(TopicPage {
        by_year,
        topic,
        exchanges,
        speakers,
        chart,
        pager,
        span,
        speaker,
    }
    .into_response())
}

/// The answer for a topic editors hid: 410, saying who hid it, when and why, with a way to its
/// history entry (where an editor can undo it).
pub(super) async fn gone(pool: &SqlitePool, topic: &read::TopicRow) -> AppError {
    let entry = match crate::store::corrections::topic_hidden_by(pool, &topic.slug).await {
        Ok(entry) => entry,
        Err(e) => return e.into(),
    };
    let mut message = format!(
        "Editors hid the topic “{}”: it was not a topic (a stock phrase, a title or a mistaken reading), so no exchange is filed under it.",
        topic.name
    );
    if let Some(entry) = &entry {
        message.push_str(&format!(
            " Hidden on {}",
            entry.at.get(..10).unwrap_or(&entry.at)
        ));
        if let Some(editor) = &entry.editor {
            message.push_str(&format!(" by {editor}"));
        }
        match &entry.reason {
            Some(reason) if !reason.trim().is_empty() => {
                message.push_str(&format!(": {}.", reason.trim().trim_end_matches('.')))
            }
            _ => message.push('.'),
        }
    }
    AppError::Gone {
        message,
        href: "/corrections".into(),
        link_text: "The archive's corrections".into(),
    }
}
