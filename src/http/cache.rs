//! A cache of rendered public pages, and ETags with 304s for every page.
//!
//! A cached page is served while the database files are unchanged: any write, by this server
//! or by `stenogram import` in another process, changes the size or time of the database or
//! its WAL file, and the cache starts over. Requests with a session cookie are never cached,
//! so an editor always sees fresh pages.

use super::AppState;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const MAX_ENTRIES: usize = 2000;
/// Pages larger than this are sent as they are made, and not kept.
const MAX_BODY: usize = 4 * 1024 * 1024;
/// The most the kept pages' bodies add up to: past it, pages are let go to make room.
const MAX_BYTES: usize = 64 * 1024 * 1024;

/// The query parameters some page reads. Others change nothing in the answer, so they are left
/// out of the cache's key: `?x=1`, `?x=2`, ... are one page, not a new entry each.
const KNOWN_PARAMS: &[&str] = &[
    "q", "speaker", "topic", "role", "from", "to", "page", "year", "kind", "letter", "filter",
    "after", "sort", "group",
];

#[derive(Clone)]
struct Entry {
    generation: u64,
    headers: HeaderMap,
    body: Bytes,
}

/// The kept pages, and how many bytes their bodies add up to.
#[derive(Default)]
struct Kept {
    pages: HashMap<String, Entry>,
    bytes: usize,
}

impl Kept {
    /// Keeps a page within `budget` bytes and `MAX_ENTRIES` pages, letting others go first
    /// (pages of an older generation, then any).
    fn insert(&mut self, key: String, entry: Entry, budget: usize) {
        if let Some(old) = self.pages.remove(&key) {
            self.bytes -= old.body.len();
        }
        let size = entry.body.len();
        if size > budget {
            return;
        }
        if self.bytes + size > budget || self.pages.len() >= MAX_ENTRIES {
            let generation = entry.generation;
            self.pages.retain(|_, e| e.generation == generation);
            self.bytes = self.pages.values().map(|e| e.body.len()).sum();
        }
        while (self.bytes + size > budget || self.pages.len() >= MAX_ENTRIES)
            && let Some(k) = self.pages.keys().next().cloned()
        {
            if let Some(e) = self.pages.remove(&k) {
                self.bytes -= e.body.len();
            }
        }
        self.bytes += size;
        self.pages.insert(key, entry);
    }

    fn clear(&mut self) {
        self.pages.clear();
        self.bytes = 0;
    }
}

pub struct PageCache {
    db_path: PathBuf,
    entries: Mutex<Kept>,
    /// Pages being made: a request for one waits for it rather than making it again.
    making: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
    /// The last generation read from the files, and when: the files are looked at no more
    /// than every `RECHECK`, and at once after this server wrote.
    checked: Mutex<Option<(Instant, u64)>>,
}

/// How stale a page may be after another process (`stenogram import`) wrote the archive.
const RECHECK: Duration = Duration::from_millis(100);

impl PageCache {
    pub fn new(db_path: PathBuf) -> Self {
        PageCache {
            db_path,
            entries: Mutex::new(Kept::default()),
            making: Mutex::new(HashMap::new()),
            checked: Mutex::new(None),
        }
    }

    /// The current generation, read from the files at most every `RECHECK`.
    pub(crate) fn generation(&self) -> u64 {
        let mut checked = self.checked.lock().unwrap_or_else(|e| e.into_inner());
        match *checked {
            Some((at, generation)) if at.elapsed() < RECHECK => generation,
            _ => {
                let generation = self.read_generation();
                *checked = Some((Instant::now(), generation));
                generation
            }
        }
    }

    /// How many pages are kept.
    pub fn len(&self) -> usize {
        self.entries.lock().map_or(0, |e| e.pages.len())
    }

    /// How many bytes the kept pages' bodies add up to.
    pub fn bytes(&self) -> usize {
        self.entries.lock().map_or(0, |e| e.bytes)
    }

    /// Whether no page is kept.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Forgets every page: this server has just written.
    fn invalidate(&self) {
        *self.checked.lock().unwrap_or_else(|e| e.into_inner()) = None;
        self.entries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }

    /// A number that changes whenever the database files change.
    fn read_generation(&self) -> u64 {
        let mut hasher = DefaultHasher::new();
        for suffix in ["", "-wal"] {
            let mut path = self.db_path.clone().into_os_string();
            path.push(suffix);
            if let Ok(meta) = std::fs::metadata(&path) {
                meta.len().hash(&mut hasher);
                meta.modified().ok().hash(&mut hasher);
            }
        }
        hasher.finish()
    }
}

fn cacheable(request: &Request) -> bool {
    let path = request.uri().path();
    (request.method() == Method::GET || request.method() == Method::HEAD)
        && !path.starts_with("/static/")
        && !matches!(path, "/healthz" | "/login" | "/upload")
        && !path.starts_with("/drafts")
        && !path.ends_with("/edit")
        && !path.ends_with("/source")
        && !request
            .headers()
            .get_all(header::COOKIE)
            .iter()
            .any(|c| c.to_str().is_ok_and(|c| c.contains(super::SESSION_COOKIE)))
}

/// The page's key: host, path and the parameters some page reads, in the order given.
/// The key of a page: the day (citations carry the date they were read), the host (absolute
/// links name it), the path and the query parameters pages read.
fn key_of(host: &str, uri: &axum::http::Uri) -> String {
    let day = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() / 86_400)
        .unwrap_or(0);
    let mut key = format!("{day}|{host}{}", uri.path());
    let mut first = true;
    for pair in uri.query().unwrap_or("").split('&') {
        let name = pair.split('=').next().unwrap_or("");
        if KNOWN_PARAMS.contains(&name) {
            key.push(if first { '?' } else { '&' });
            key.push_str(pair);
            first = false;
        }
    }
    key
}

fn etag_of(body: &[u8]) -> String {
    let mut hasher = DefaultHasher::new();
    body.hash(&mut hasher);
    format!("W/\"{:016x}\"", hasher.finish())
}

/// Whether the client has this answer already: its `If-None-Match` names the ETag, or, when it
/// sends none, its `If-Modified-Since` is the answer's own `Last-Modified` (feeds send one).
fn not_modified(
    request_headers: &HeaderMap,
    etag: &str,
    last_modified: Option<&HeaderValue>,
) -> bool {
    if let Some(v) = request_headers.get(header::IF_NONE_MATCH) {
        return v
            .to_str()
            .is_ok_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    }
    match (
        request_headers.get(header::IF_MODIFIED_SINCE),
        last_modified,
    ) {
        (Some(since), Some(lm)) => since.as_bytes().trim_ascii() == lm.as_bytes().trim_ascii(),
        _ => false,
    }
}

fn respond(request_headers: &HeaderMap, entry: &Entry) -> Response {
    let etag = entry
        .headers
        .get(header::ETAG)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let last_modified = entry.headers.get(header::LAST_MODIFIED);
    if !etag.is_empty() && not_modified(request_headers, &etag, last_modified) {
        let mut r = StatusCode::NOT_MODIFIED.into_response();
        r.headers_mut()
            .insert(header::ETAG, entry.headers[header::ETAG].clone());
        if let Some(lm) = last_modified {
            r.headers_mut().insert(header::LAST_MODIFIED, lm.clone());
        }
        return r;
    }
    let mut r = Response::new(Body::from(entry.body.clone()));
    *r.headers_mut() = entry.headers.clone();
    r
}

pub async fn layer(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if !cacheable(&request) {
        let writes = !matches!(*request.method(), Method::GET | Method::HEAD);
        let response = next.run(request).await;
        if writes {
            state.cache.invalidate();
        }
        return response;
    }
    let cache = &state.cache;
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("")
        .to_string();
    let key = key_of(&host, request.uri());
    let request_headers = request.headers().clone();
    let generation = cache.generation();
    if let Some(entry) = cache.get(&key, generation) {
        return respond(&request_headers, &entry);
    }
    // One request makes the page; the others asking for it meanwhile wait, then read it.
    let lock = {
        let mut making = cache.making.lock().unwrap_or_else(|e| e.into_inner());
        making.entry(key.clone()).or_default().clone()
    };
    let _done = Forget { cache, key: &key };
    let _making = lock.lock().await;
    if let Some(entry) = cache.get(&key, generation) {
        return respond(&request_headers, &entry);
    }
    let response = next.run(request).await;
    store(cache, &key, generation, response, &request_headers).await
}

/// Forgets that a page is being made when its request ends, answered or cancelled.
struct Forget<'a> {
    cache: &'a PageCache,
    key: &'a str,
}

impl Drop for Forget<'_> {
    fn drop(&mut self) {
        self.cache
            .making
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(self.key);
    }
}

impl PageCache {
    fn get(&self, key: &str, generation: u64) -> Option<Entry> {
        self.entries.lock().ok().and_then(|entries| {
            entries
                .pages
                .get(key)
                .filter(|e| e.generation == generation)
                .cloned()
        })
    }
}

/// Keeps a page that answered 200 and is not too large, and answers with it.
async fn store(
    cache: &PageCache,
    key: &str,
    generation: u64,
    response: Response,
    request_headers: &HeaderMap,
) -> Response {
    if response.status() != StatusCode::OK {
        return response;
    }
    let too_large = axum::body::HttpBody::size_hint(response.body())
        .upper()
        .is_none_or(|n| n > MAX_BODY as u64);
    if too_large {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_BODY).await else {
        // Only a body that was not what its size said it would be can get here.
        return (
            StatusCode::INTERNAL_SERVER_ERROR,
            "response too large to send",
        )
            .into_response();
    };
    let etag = etag_of(&bytes);
    if let Ok(v) = HeaderValue::from_str(&etag) {
        parts.headers.insert(header::ETAG, v);
    }
    parts
        .headers
        .entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("public, no-cache"));
    let entry = Entry {
        generation,
        headers: parts.headers,
        body: bytes,
    };
    if let Ok(mut entries) = cache.entries.lock() {
        entries.insert(key.to_string(), entry.clone(), MAX_BYTES);
    }
    respond(request_headers, &entry)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(generation: u64, size: usize) -> Entry {
        Entry {
            generation,
            headers: HeaderMap::new(),
            body: Bytes::from(vec![b'x'; size]),
        }
    }

    #[test]
    fn kept_pages_never_add_up_to_more_than_the_budget_and_the_newest_is_kept() {
        let mut kept = Kept::default();
        let budget = 1024 * 1024;
        for i in 0..100 {
            kept.insert(format!("/p/{i}"), page(1, 100 * 1024), budget);
            assert!(kept.bytes <= budget, "{} bytes after page {i}", kept.bytes);
            assert!(kept.pages.contains_key(&format!("/p/{i}")));
        }
        assert_eq!(kept.pages.len(), 10);
        assert_eq!(
            kept.bytes,
            kept.pages.values().map(|e| e.body.len()).sum::<usize>()
        );
        // The same page again replaces itself; it is not counted twice.
        kept.insert("/p/99".into(), page(1, 1000), budget);
        assert_eq!(
            kept.bytes,
            kept.pages.values().map(|e| e.body.len()).sum::<usize>()
        );
    }

    #[test]
    fn pages_of_an_older_generation_go_first() {
        let mut kept = Kept::default();
        for i in 0..4 {
            kept.insert(format!("/old/{i}"), page(1, 300), 1000);
        }
        kept.insert("/new".into(), page(2, 300), 1000);
        assert!(kept.pages.values().all(|e| e.generation == 2));
        assert_eq!(kept.bytes, 300);
    }

    #[test]
    fn a_page_larger_than_the_whole_budget_is_not_kept() {
        let mut kept = Kept::default();
        kept.insert("/small".into(), page(1, 10), 100);
        kept.insert("/big".into(), page(1, 101), 100);
        assert!(!kept.pages.contains_key("/big"));
        assert!(
            kept.pages.contains_key("/small"),
            "nothing was let go for it"
        );
        assert_eq!(kept.bytes, 10);
    }
}
