//! HTTP: the router with every address in one place, the middleware stack, and what handlers
//! share (state, extractors, pagination, the page cache).

pub mod api;
mod auth;
pub mod cache;
mod cite;
mod corrections;
mod docs;
mod exports;
mod feeds;
pub mod listen;
pub mod metrics;
pub mod offices;
mod pages;
mod people;
mod search;
mod topics;
pub mod upload;

use crate::error::AppError;
use axum::Router;
use axum::extract::{DefaultBodyLimit, FromRef, FromRequest, FromRequestParts};
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use sqlx::SqlitePool;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

pub use auth::SESSION_COOKIE;

/// Everything handlers share, behind one reference count: each request's layers and handler
/// take it several times, and a copy of each part (a path, a pool, five counted references)
/// every time cost a fifth of the server's time on a cached page.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl std::ops::Deref for AppState {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// What [`AppState`] holds.
#[derive(Clone)]
pub struct Shared {
    pub pool: SqlitePool,
    pub settings: Arc<Settings>,
    pub cache: Arc<cache::PageCache>,
    /// Places for searches being answered at once; see [`AppState::expensive`].
    pub searches: Arc<tokio::sync::Semaphore>,
    /// What the check of the database file found, once it has run: `None` while it runs or
    /// when it found nothing wrong, else what it found.
    pub damage: Arc<std::sync::Mutex<Option<String>>>,
    /// The database file, whose size `/metrics` reports.
    pub db_path: PathBuf,
    pub metrics: Arc<metrics::Metrics>,
    /// The search engine, opened beside the database at the first search (a read-only replica
    /// makes its own; none when another process holds it: SQLite's index answers then).
    pub engine: Arc<tokio::sync::OnceCell<Option<Arc<crate::search::engine::Engine>>>>,
}

/// How many searches are answered at once; more wait their turn.
const SEARCHES_AT_ONCE: usize = 4;

/// How long a search waits for its turn before it is answered 503 with `Retry-After`.
const SEARCH_QUEUE_WAIT: Duration = Duration::from_secs(3);

/// Settings from the command line.
#[derive(Debug, Clone)]
pub struct Settings {
    pub max_upload: usize,
    pub request_timeout: Duration,
    /// Where readers reach the archive, without a trailing slash; `None`: the request's host.
    pub base_url: Option<String>,
    /// A replica: nothing is written, and the editors' addresses say so.
    pub read_only: bool,
}

impl AppState {
    /// `db_path` is watched by the page cache: a write by any process makes cached pages stale.
    pub fn new(
        pool: SqlitePool,
        db_path: PathBuf,
        max_upload: usize,
        request_timeout: Duration,
    ) -> Self {
        AppState(Arc::new(Shared {
            pool,
            settings: Arc::new(Settings {
                max_upload,
                request_timeout,
                base_url: None,
                read_only: false,
            }),
            cache: Arc::new(cache::PageCache::new(db_path.clone())),
            db_path,
            metrics: Arc::new(metrics::Metrics::default()),
            searches: Arc::new(tokio::sync::Semaphore::new(SEARCHES_AT_ONCE)),
            damage: Arc::new(std::sync::Mutex::new(None)),
            engine: Arc::new(tokio::sync::OnceCell::new()),
        }))
    }

    /// The state with its settings changed, before it is shared.
    fn with_settings(self, change: impl FnOnce(&mut Settings)) -> Self {
        let mut shared = Arc::unwrap_or_clone(self.0);
        let mut settings = (*shared.settings).clone();
        change(&mut settings);
        shared.settings = Arc::new(settings);
        AppState(Arc::new(shared))
    }

    /// The search engine, opened on first use; `None` when it cannot be (see [`AppState::engine`]).
    pub async fn search_engine(&self) -> Option<Arc<crate::search::engine::Engine>> {
        self.engine
            .get_or_init(|| async {
                let dir = crate::search::engine::index_dir(&self.db_path);
                let opened = if self.settings.read_only {
                    crate::search::engine::Engine::open_replica(&self.pool, &dir).await
                } else {
                    crate::search::engine::Engine::open(&self.pool, Some(&dir)).await
                };
                match opened {
                    Ok(engine) => Some(engine),
                    Err(e) => {
                        tracing::warn!(
                            "the search index at {} cannot be opened ({e}); searches use SQLite's index",
                            dir.display()
                        );
                        None
                    }
                }
            })
            .await
            .clone()
    }

    /// Keeps the search engine up to date in the background: on start (a large archive, or one
    /// written while the server was down) and whenever another process has written.
    pub fn keep_search_index(&self) {
        let state = self.clone();
        tokio::spawn(async move {
            let Some(engine) = state.search_engine().await else {
                return;
            };
            let mut files = None;
            loop {
                // A replica's archive is written by another process: when its files change
                // (the page cache's generation), the engine looks at what changed.
                let now = state.settings.read_only.then(|| state.cache.generation());
                if now.is_some() && files != now {
                    match engine.follow(&state.pool).await {
                        Ok(_) => files = now,
                        Err(e) => tracing::warn!(
                            "search index: cannot tell whether the archive changed: {e}"
                        ),
                    }
                }
                match engine.sync(&state.pool).await {
                    Ok(0) => {}
                    Ok(n) => tracing::info!("search index: {n} transcripts indexed"),
                    Err(e) => tracing::warn!("search index: catching up failed: {e}"),
                }
                tokio::time::sleep(Duration::from_secs(2)).await;
            }
        });
    }

    /// A search with the engine when it is ready, else SQLite's index.
    pub async fn search(
        &self,
        params: &crate::search::Params,
    ) -> Result<crate::search::Results, AppError> {
        let engine = self.search_engine().await;
        Ok(crate::search::indexed::find(&self.pool, engine.as_ref(), params).await?)
    }

    /// Serves the archive as reached at `base_url` (absolute links, feeds, citations).
    pub fn with_base_url(self, base_url: Option<String>) -> Self {
        self.with_settings(|s| s.base_url = base_url)
    }

    /// Serves a replica: every write and every editor's address is refused with why.
    pub fn read_only(self, read_only: bool) -> Self {
        self.with_settings(|s| s.read_only = read_only)
    }

    /// Checks the database file in the background (`PRAGMA quick_check`, which reads every
    /// page, so a large archive is not kept from serving meanwhile) and keeps what it finds.
    pub fn check_database(&self) {
        let (pool, damage) = (self.pool.clone(), self.damage.clone());
        tokio::spawn(async move {
            let found = match crate::store::check(&pool).await {
                Ok(None) => {
                    tracing::info!("database check: no damage found");
                    return;
                }
                Ok(Some(problem)) => problem,
                Err(e) => e.to_string(),
            };
            tracing::error!(
                "the database file is damaged ({found}); it takes no more changes: restore it from a backup"
            );
            *damage.lock().unwrap_or_else(|e| e.into_inner()) = Some(found);
        });
    }

    /// Refuses a change to a damaged archive.
    pub fn writable(&self) -> Result<(), AppError> {
        if self.settings.read_only {
            return Err(AppError::Forbidden(READ_ONLY.into()));
        }
        match self
            .damage
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
        {
            Some(_) => Err(AppError::Damaged),
            None => Ok(()),
        }
    }

    /// A place among the searches answered at once, waited for a little. A burst of searches
    /// queues, then gets a quick 503, while permalinks, pages and `/healthz` keep answering:
    /// the database's connections are never all taken by searches.
    pub async fn expensive(&self) -> Result<tokio::sync::OwnedSemaphorePermit, AppError> {
        match tokio::time::timeout(SEARCH_QUEUE_WAIT, self.searches.clone().acquire_owned()).await {
            Ok(Ok(permit)) => Ok(permit),
            _ => Err(AppError::Busy),
        }
    }
}

impl FromRef<AppState> for SqlitePool {
    fn from_ref(state: &AppState) -> Self {
        state.pool.clone()
    }
}

/// `Path`, with a bad segment answered by the error page.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(AppError))]
pub struct Path<T>(pub T);

/// `Query`, with a bad parameter answered by the error page.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(AppError))]
pub struct Query<T>(pub T);

/// `Form`, with a bad form answered by the error page.
/// A form, whose rejection states the real limit when it is too large.
pub struct Form<T>(pub T);

/// What a request body may hold beyond the upload limit (a form's other fields).
const FORM_MARGIN: usize = 256 * 1024;

impl<T, S> FromRequest<S> for Form<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
    AppState: FromRef<S>,
{
    type Rejection = AppError;

    async fn from_request(
        request: axum::extract::Request,
        state: &S,
    ) -> std::result::Result<Self, AppError> {
        match axum::extract::Form::<T>::from_request(request, state).await {
            Ok(axum::extract::Form(value)) => Ok(Form(value)),
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => Err(AppError::FormTooLarge(
                AppState::from_ref(state).settings.max_upload + FORM_MARGIN,
            )),
            Err(e) => Err(e.into()),
        }
    }
}

impl From<axum::extract::rejection::PathRejection> for AppError {
    fn from(_: axum::extract::rejection::PathRejection) -> Self {
        AppError::NotFound
    }
}

impl From<axum::extract::rejection::QueryRejection> for AppError {
    fn from(e: axum::extract::rejection::QueryRejection) -> Self {
        AppError::BadRequest(format!(
            "The address has a parameter that cannot be read: {}.",
            e.body_text()
        ))
    }
}

impl From<axum::extract::rejection::FormRejection> for AppError {
    fn from(e: axum::extract::rejection::FormRejection) -> Self {
        AppError::BadRequest(format!("The form could not be read: {}.", e.body_text()))
    }
}

/// What a replica answers to a write or an editor's address.
const READ_ONLY: &str = "This server serves a read-only copy of the archive: signing in, uploads and edits are made on the primary server.";

/// On a replica, refuses writes and editors' addresses before any handler runs.
async fn read_only_guard(
    axum::extract::State(state): axum::extract::State<AppState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    if !state.settings.read_only {
        return next.run(request).await;
    }
    let path = request.uri().path();
    let editor = ["/upload", "/login", "/logout", "/drafts"]
        .iter()
        .any(|p| path == *p || path.starts_with(&format!("{p}/")))
        || path.ends_with("/edit")
        || path.ends_with("/rename")
        || path.ends_with("/undo")
        || path.ends_with("/hide")
        || path.ends_with("/split")
        || path.ends_with("/kind")
        || path.ends_with("/topics") && path.contains("/questions/")
        || path == "/topics/merge"
        || path == "/speakers/merge";
    let writes = !matches!(
        *request.method(),
        axum::http::Method::GET | axum::http::Method::HEAD
    );
    if !(editor || writes) {
        return next.run(request).await;
    }
    let error = AppError::Forbidden(READ_ONLY.into());
    if path.starts_with("/api/") {
        crate::error::ApiError(error).into_response()
    } else {
        error.into_response()
    }
}

/// Builds the application: every address, then the middleware stack.
pub fn app(state: AppState) -> Router {
    let max_body = state.settings.max_upload + FORM_MARGIN;
    let timeout = state.settings.request_timeout;
    let routes = Router::new()
        .route("/", get(pages::home))
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics::show))
        .route("/transcripts", get(pages::transcripts))
        .route("/transcripts/feed", get(feeds::transcripts))
        .route("/transcripts/{slug}", get(pages::transcript))
        .route("/transcripts/{slug}/questions/{n}", get(pages::exchange))
        .route("/transcripts/{slug}/source", get(pages::source))
        .route("/transcripts/{slug}/export.txt", get(exports::text))
        .route("/transcripts/{slug}/export.csv", get(exports::csv))
        .route(
            "/transcripts/{slug}/export.akn.xml",
            get(exports::akoma_ntoso),
        )
        .route(
            "/transcripts/{slug}/edit",
            get(upload::edit_form).post(upload::edit_save),
        )
        .route(
            "/transcripts/{slug}/questions/{n}/topics",
            get(corrections::exchange_topics).post(corrections::edit_exchange_topics),
        )
        .route(
            "/transcripts/{slug}/languages",
            post(upload::languages_link),
        )
        .route(
            "/transcripts/{slug}/languages/unlink",
            post(upload::languages_unlink),
        )
        .route("/transcripts/{slug}/history", get(corrections::history))
        .route("/transcripts/{slug}/as-read", get(corrections::as_read))
        .route("/corrections", get(corrections::recent))
        .route(
            "/corrections/{id}/undo",
            get(corrections::undo_form).post(corrections::undo),
        )
        .route("/offices", get(offices::index).post(offices::add))
        .route("/offices/edit", get(offices::edit))
        .route("/offices/{id}/remove", post(offices::remove))
        .route("/speakers", get(people::speakers))
        .route("/speakers/merge", post(corrections::speaker_merge))
        .route("/speakers/{slug}", get(people::speaker))
        .route("/speakers/{slug}/edit", get(corrections::speaker_edit))
        .route("/speakers/{slug}/rename", post(corrections::speaker_rename))
        .route("/speakers/{slug}/split", post(corrections::speaker_split))
        .route("/speakers/{slug}/kind", post(corrections::speaker_rekind))
        .route("/speakers/{slug}/feed", get(feeds::speaker))
        .route("/topics", get(topics::index))
        .route("/topics/merge", post(corrections::topic_merge))
        .route("/topics/{slug}", get(topics::topic))
        .route("/topics/{slug}/edit", get(corrections::topic_edit))
        .route("/topics/{slug}/rename", post(corrections::topic_rename))
        .route("/topics/{slug}/hide", post(corrections::topic_hide))
        .route("/topics/{slug}/feed", get(feeds::topic))
        .route("/search", get(search::page))
        .route("/search/feed", get(feeds::search))
        .route("/login", get(auth::login_form).post(auth::login))
        .route("/logout", post(auth::logout))
        .route("/upload", get(upload::form).post(upload::submit))
        .route(
            "/drafts/{id}",
            get(upload::review).post(upload::review_save),
        )
        .route("/drafts/{id}/publish", post(upload::publish))
        .route("/drafts/{id}/discard", post(upload::discard))
        .route("/static/style.css", get(static_css))
        .route("/static/app.js", get(static_js))
        .route("/favicon.ico", get(favicon))
        .route("/api", get(docs::page))
        .nest("/api/v1", api::router("/api/v1"))
        .fallback(fallback)
        .with_state(state.clone());

    // Outermost first: trace every request, turn a panic into the error page, set the security
    // headers on everything (errors included), bound the time, compress, then the page cache
    // (which stores uncompressed bodies) and the body limit closest to the handlers.
    routes
        .layer(DefaultBodyLimit::max(max_body))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            read_only_guard,
        ))
        .layer(axum::middleware::from_fn_with_state(state.clone(), cache::layer))
        .layer(axum::middleware::from_fn_with_state(state, metrics::layer))
        .layer(CompressionLayer::new().gzip(true).br(true))
        .layer(axum::middleware::from_fn_with_state(timeout, deadline))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(SetResponseHeaderLayer::if_not_present(header::REFERRER_POLICY, HeaderValue::from_static("strict-origin-when-cross-origin")))
        .layer(SetResponseHeaderLayer::if_not_present(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        .layer(CatchPanicLayer::custom(|_| AppError::Internal("a handler panicked".into()).into_response()))
        .layer(TraceLayer::new_for_http())
}

/// Bounds a request's time. Statements still running at the deadline are interrupted (see
/// [`crate::store::DEADLINE`]), so the work ends with the wait, and the client reads why: the
/// error page, or JSON under `/api/`, with 503 and `Retry-After`.
async fn deadline(
    axum::extract::State(timeout): axum::extract::State<Duration>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let api = request.uri().path().starts_with("/api/");
    let deadline = std::time::Instant::now() + timeout;
    let work = crate::store::DEADLINE.scope(deadline, next.run(request));
    let timed_out = || {
        if api {
            crate::error::ApiError(AppError::TimedOut).into_response()
        } else {
            AppError::TimedOut.into_response()
        }
    };
    // The clock is looked at first: work that is ready after its deadline is not answered
    // (the timer alone may first fire a millisecond late).
    if std::time::Instant::now() >= deadline {
        return timed_out();
    }
    tokio::select! {
        biased;
        () = tokio::time::sleep_until(deadline.into()) => timed_out(),
        response = work => response,
    }
}

async fn healthz(axum::extract::State(state): axum::extract::State<AppState>) -> Response {
    if let Some(found) = state
        .damage
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clone()
    {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            [(header::CACHE_CONTROL, "no-store")],
            format!("database damaged: {found}; restore it from a backup\n"),
        )
            .into_response();
    }
    match crate::store::ping(&state.pool).await {
        Ok(()) => (
            StatusCode::OK,
            [(header::CACHE_CONTROL, "no-store")],
            "ok\n",
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                [(header::CACHE_CONTROL, "no-store")],
                "database unavailable\n",
            )
                .into_response()
        }
    }
}

async fn fallback(uri: axum::http::Uri) -> Response {
    if uri.path().starts_with("/api/") {
        return crate::error::ApiError(AppError::NotFound).into_response();
    }
    AppError::NotFound.into_response()
}

const STYLE: &str = include_str!("../../static/style.css");
const SCRIPT: &str = include_str!("../../static/app.js");
const FAVICON: &str = include_str!("../../static/favicon.svg");

fn static_file(body: &'static str, content_type: &'static str) -> Response {
    let etag = format!("\"{}\"", &crate::store::sha256_hex(body.as_bytes())[..16]);
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=86400"),
            ),
            (
                header::ETAG,
                HeaderValue::from_str(&etag).unwrap_or(HeaderValue::from_static("\"0\"")),
            ),
        ],
        body,
    )
        .into_response()
}

async fn static_css() -> Response {
    static_file(STYLE, "text/css; charset=utf-8")
}

async fn static_js() -> Response {
    static_file(SCRIPT, "text/javascript; charset=utf-8")
}

async fn favicon() -> Response {
    static_file(FAVICON, "image/svg+xml")
}

/// 301 to where content now lives: the answer DESIGN.md promises for an address that moved.
pub fn moved(to: &str) -> Response {
    match HeaderValue::from_str(to) {
        Ok(location) => (
            StatusCode::MOVED_PERMANENTLY,
            [(header::LOCATION, location)],
        )
            .into_response(),
        Err(_) => AppError::NotFound.into_response(),
    }
}

/// Pagination over `total` items.
#[derive(Debug, Clone)]
pub struct Pager {
    pub page: i64,
    pub per_page: i64,
    pub total: i64,
    /// The address of the list with every parameter but `page`, ending in `?` or `&`.
    pub base: String,
    /// Set when `total` is a lower bound: the pages are not counted, only whether there is a
    /// next one.
    pub open_ended: bool,
}

impl Pager {
    pub fn new(page: Option<i64>, per_page: i64, total: i64, base: String) -> Self {
        let pages = ((total + per_page - 1) / per_page).max(1);
        Pager {
            page: page.unwrap_or(1).clamp(1, pages),
            per_page,
            total,
            base,
            open_ended: false,
        }
    }
    pub fn offset(&self) -> i64 {
        (self.page - 1) * self.per_page
    }
    pub fn pages(&self) -> i64 {
        ((self.total + self.per_page - 1) / self.per_page).max(1)
    }
    pub fn prev(&self) -> Option<String> {
        (self.page > 1).then(|| format!("{}page={}", self.base, self.page - 1))
    }
    pub fn next(&self) -> Option<String> {
        (self.page < self.pages()).then(|| format!("{}page={}", self.base, self.page + 1))
    }
}

/// Where the archive is reached, for absolute links (canonical, OpenGraph, feeds, citations):
/// the `--base-url` setting, else the scheme and host the request came to.
pub struct Origin(pub String);

impl FromRequestParts<AppState> for Origin {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if let Some(base) = &state.settings.base_url {
            return Ok(Origin(base.clone()));
        }
        let host = parts
            .headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .filter(|h| valid_host(h))
            .unwrap_or("localhost");
        let scheme = parts
            .headers
            .get(HeaderName::from_static("x-forwarded-proto"))
            .and_then(|h| h.to_str().ok())
            .filter(|p| *p == "https")
            .unwrap_or("http");
        Ok(Origin(format!("{scheme}://{host}")))
    }
}

fn valid_host(host: &str) -> bool {
    !host.is_empty()
        && host.len() < 256
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
}

/// Percent-encodes a query parameter value.
pub fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A count with its noun, singular for one: `1 answer`, `56 answers`.
pub fn counted(n: &i64, one: &str, many: &str) -> String {
    if *n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// Shortens text to about `max` characters at a word boundary.
pub fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max).collect();
    let cut = match cut.rfind(' ') {
        Some(i) if i > max / 2 => cut[..i].to_string(),
        _ => cut,
    };
    format!("{}…", cut.trim_end_matches([',', ';', ':', '.', ' ']))
}

/// `2025-11-26` as `26 November 2025`.
pub fn human_date(date: Option<&str>) -> String {
    let Some(d) = date else {
        return "Undated".into();
    };
    let parts: Vec<&str> = d.split('-').collect();
    if let [y, m, day] = parts.as_slice()
        && let (Ok(m), Ok(day)) = (m.parse::<u8>(), day.parse::<u32>())
        && let Ok(month) = time::Month::try_from(m)
    {
        return format!("{day} {month} {y}");
    }
    d.to_string()
}

#[cfg(test)]
mod tests {
    use super::human_date;

    #[test]
    fn dates_read_as_day_month_year() {
        assert_eq!(human_date(Some("2025-11-26")), "26 November 2025");
        assert_eq!(human_date(Some("2021-01-05")), "5 January 2021");
        assert_eq!(human_date(None), "Undated");
        // What is not a date is shown as it is.
        assert_eq!(human_date(Some("2025-13-01")), "2025-13-01");
    }
}
