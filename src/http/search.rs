//! The search page: full-text search with filters, or help when there is no query.

use super::{AppState, Pager, Query, encode};
use crate::error::Result;
use crate::search::{self, Params, Results};
use crate::store::read;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;

#[derive(Template, WebTemplate)]
#[template(path = "search.html")]
pub struct SearchPage {
    pub params: Params,
    pub results: Results,
    pub pager: Pager,
    pub speaker_name: Option<String>,
    pub topic_name: Option<String>,
    /// Names offered as the speaker filter is typed.
    pub speaker_list: Vec<(String, String)>,
}

impl SearchPage {
    pub fn value(v: &Option<String>) -> &str {
        v.as_deref().unwrap_or("")
    }
    pub fn role_selected(&self, role: &str) -> bool {
        self.params.role.as_deref() == Some(role)
    }
    /// This search's Atom feed: its words and filters, newest first.
    pub fn feed_url(&self) -> String {
        format!("/search/feed?{}", feed_query(&self.params))
    }

    /// The same search in the other order.
    pub fn sort_link(&self) -> String {
        let mut other = self.params.clone();
        other.sort = (!self.params.newest_first()).then(|| "newest".to_string());
        other.page = None;
        base_url(&other)
    }

    pub fn sort_selected(&self, sort: &str) -> bool {
        Params::clean(&self.params.sort)
            .as_deref()
            .unwrap_or("relevance")
            == sort
    }

    pub fn group_selected(&self, group: &str) -> bool {
        Params::clean(&self.params.group)
            .as_deref()
            .unwrap_or("exchange")
            == group
    }

    /// This search narrowed by one more filter (or with it changed), from its first page.
    pub fn narrow(&self, key: &str, value: &str) -> String {
        let mut p = self.params.clone();
        p.page = None;
        let v = Some(value.to_string());
        match key {
            "speaker" => p.speaker = v,
            "topic" => p.topic = v,
            "role" => p.role = v,
            "lang" => p.lang = v,
            "year" => {
                p.from = Some(format!("{value}-01-01"));
                p.to = Some(format!("{value}-12-31"));
            }
            _ => {}
        }
        base_url(&p)
    }

    /// This search without one filter.
    pub fn widen(&self, key: &str) -> String {
        let mut p = self.params.clone();
        p.page = None;
        match key {
            "speaker" => p.speaker = None,
            "topic" => p.topic = None,
            "role" => p.role = None,
            "lang" => p.lang = None,
            "year" => {
                p.from = None;
                p.to = None;
            }
            _ => {}
        }
        base_url(&p)
    }

    /// The closeness of a quotation's passage, in percent.
    pub fn percent(value: &f64) -> String {
        format!("{:.0}%", value * 100.0)
    }
}

/// The query string a search's feed is known by: its words and filters, without order or page.
pub fn feed_query(p: &Params) -> String {
    let mut feed = p.clone();
    feed.sort = None;
    feed.page = None;
    feed.group = None;
    feed.quote = None;
    let url = base_url(&feed);
    url.trim_start_matches("/search?")
        .trim_end_matches('&')
        .to_string()
}

/// The query string of a search with every filter but the page.
pub fn base_url(p: &Params) -> String {
    let mut url = format!("/search?q={}&", encode(&p.q));
    for (key, value) in [
        ("quote", &p.quote),
        ("speaker", &p.speaker),
        ("topic", &p.topic),
        ("role", &p.role),
        ("lang", &p.lang),
        ("from", &p.from),
        ("to", &p.to),
        ("sort", &p.sort),
        ("group", &p.group),
    ] {
        if let Some(v) = value.as_deref().filter(|v| !v.is_empty()) {
            url.push_str(&format!("{key}={}&", encode(v)));
        }
    }
    url
}

pub async fn page(
    State(state): State<AppState>,
    Query(params): Query<Params>,
) -> Result<SearchPage> {
    let pool = state.pool.clone();
    let results = if params.q.trim().is_empty() && params.quote_text().is_none() {
        search::search(&pool, &params).await?
    } else {
        let _turn = state.expensive().await?;
        state.search(&params).await?
    };
    let mut pager = Pager::new(
        Some(results.page),
        results.per_page,
        results.total,
        base_url(&params),
    );
    pager.open_ended = !results.total_known;
    let speaker_name = match (
        &results.speaker,
        params.speaker.as_deref().filter(|s| !s.is_empty()),
    ) {
        (Some(s), _) => Some(s.name.clone()),
        (None, Some(s)) => read::speaker_name(&pool, s).await?,
        (None, None) => None,
    };
    let topic_name = match (
        &results.topic,
        params.topic.as_deref().filter(|s| !s.is_empty()),
    ) {
        (Some(t), _) => Some(t.name.clone()),
        (None, Some(s)) => read::topic_name(&pool, s).await?,
        (None, None) => None,
    };
    let speaker_list = read::busiest_speakers(&pool, 100).await?;
    Ok(SearchPage {
        params,
        results,
        pager,
        speaker_name,
        topic_name,
        speaker_list,
    })
}
