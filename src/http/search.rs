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
}

/// The query string a search's feed is known by: its words and filters, without order or page.
pub fn feed_query(p: &Params) -> String {
    let mut feed = p.clone();
    feed.sort = None;
    feed.page = None;
    let url = base_url(&feed);
    url.trim_start_matches("/search?")
        .trim_end_matches('&')
        .to_string()
}

/// The query string of a search with every filter but the page.
pub fn base_url(p: &Params) -> String {
    let mut url = format!("/search?q={}&", encode(&p.q));
    for (key, value) in [
        ("speaker", &p.speaker),
        ("topic", &p.topic),
        ("role", &p.role),
        ("from", &p.from),
        ("to", &p.to),
        ("sort", &p.sort),
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
    let results = if params.q.trim().is_empty() {
        search::search(&pool, &params).await?
    } else {
        let _turn = state.expensive().await?;
        search::search(&pool, &params).await?
    };
    let mut pager = Pager::new(
        Some(results.page),
        results.per_page,
        results.total,
        base_url(&params),
    );
    pager.open_ended = !results.total_known;
    let speaker_name = match params.speaker.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => read::speaker_name(&pool, s).await?,
        None => None,
    };
    let topic_name = match params.topic.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => read::topic_name(&pool, s).await?,
        None => None,
    };
    Ok(SearchPage {
        params,
        results,
        pager,
        speaker_name,
        topic_name,
    })
}
