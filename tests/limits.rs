//! What no client can do to the server: run a statement past its request's time, hold the
//! server with half-sent requests, make it read a body before its token is checked, keep it
//! from stopping, or crash it with a deeply nested page.

// Tests read the archive straight from SQLite to check what the store wrote.
#![allow(clippy::disallowed_methods)]

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use std::io::{Read, Write};
use std::time::{Duration, Instant};
use stenogram::http::AppState;
use stenogram::http::listen::{self, Limits};
use stenogram::store;
use tokio::net::TcpListener;
use tower::ServiceExt;

/// A statement that runs for minutes: it counts to a billion.
const SLOW_SQL: &str = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000000000) SELECT count(*) FROM n";

async fn archive() -> (sqlx::SqlitePool, tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("archive.db");
    let pool = store::open(&path).await.unwrap();
    (pool, dir, path)
}

#[tokio::test]
async fn a_statement_past_its_deadline_is_interrupted_and_the_pool_stays_usable() {
    let (pool, _dir, _) = archive().await;
    // More interrupted statements than the pool has connections: each must come back.
    for _ in 0..10 {
        let started = Instant::now();
        let deadline = started + Duration::from_millis(100);
        let result = store::DEADLINE
            .scope(deadline, async {
                sqlx::query_scalar::<_, i64>(SLOW_SQL)
                    .fetch_one(&pool)
                    .await
            })
            .await;
        let error = result.expect_err("a billion rows cannot be counted in 100 ms");
        assert!(store::is_interrupted(&error), "{error}");
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "interrupted after {:?}",
            started.elapsed()
        );
    }
    let one: i64 = sqlx::query_scalar("SELECT 1")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(one, 1);
}

#[tokio::test]
async fn a_connection_taken_outside_a_request_has_no_deadline() {
    let (pool, _dir, _) = archive().await;
    // Armed with a deadline once, then taken again without one: the old deadline is gone.
    let past = Instant::now();
    let _ = store::DEADLINE
        .scope(past, async {
            sqlx::query_scalar::<_, i64>(SLOW_SQL)
                .fetch_one(&pool)
                .await
        })
        .await;
    tokio::time::sleep(Duration::from_millis(10)).await;
    let n: i64 = sqlx::query_scalar(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200000) SELECT count(*) FROM n",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(n, 200_000);
}

async fn reply(
    app: &Router,
    request: Request<Body>,
) -> (StatusCode, axum::http::HeaderMap, String) {
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (
        status,
        headers,
        String::from_utf8_lossy(&bytes).into_owned(),
    )
}

#[tokio::test]
async fn a_request_out_of_time_gets_a_page_saying_so_with_retry_after() {
    let (pool, _dir, path) = archive().await;
    let state = AppState::new(pool, path, 1024 * 1024, Duration::ZERO);
    let app = stenogram::app(state);
    let (status, headers, body) = reply(
        &app,
        Request::get("/transcripts").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(headers[header::RETRY_AFTER], "5");
    assert!(
        headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert!(
        body.contains("took longer than the server allows"),
        "{body}"
    );

    let (status, headers, body) = reply(
        &app,
        Request::get("/api/v1/transcripts")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(headers[header::RETRY_AFTER], "5");
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(json["error"]["status"], 503);
}

#[tokio::test]
async fn an_upload_without_a_token_is_refused_before_its_body_is_read() {
    let (pool, _dir, path) = archive().await;
    let app = stenogram::app(AppState::new(
        pool,
        path,
        1024 * 1024,
        Duration::from_secs(30),
    ));
    // A body whose first chunk arrives and whose rest never does: reading it would hang.
    let chunks = OnceThenPending(Some(b"Question: x\n\n".to_vec()));
    let request = Request::post("/api/v1/transcripts")
        .header(header::CONTENT_TYPE, "text/plain")
        .body(Body::from_stream(chunks))
        .unwrap();
    let answered = tokio::time::timeout(Duration::from_secs(10), reply(&app, request)).await;
    let (status, _, body) = answered.expect("the answer did not wait for the body");
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
}

/// One chunk, then a stream that never ends.
struct OnceThenPending(Option<Vec<u8>>);

impl futures_core::Stream for OnceThenPending {
    type Item = Result<Vec<u8>, std::io::Error>;
    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        match self.0.take() {
            Some(chunk) => std::task::Poll::Ready(Some(Ok(chunk))),
            None => std::task::Poll::Pending,
        }
    }
}

/// A server on a free loopback port with `limits`, a route that sleeps a minute, and a way to
/// stop it; returns its address and the task that serves.
async fn serve(
    limits: Limits,
) -> (
    std::net::SocketAddr,
    tokio::sync::oneshot::Sender<()>,
    tokio::task::JoinHandle<()>,
) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = Router::new()
        .route("/", axum::routing::get(|| async { "ok" }))
        .route(
            "/slow",
            axum::routing::get(|| async {
                tokio::time::sleep(Duration::from_secs(60)).await;
                "late"
            }),
        );
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(listen::run(listener, app, limits, async {
        let _ = stopped.await;
    }));
    (addr, stop, task)
}

/// A blocking GET of `/` on a connection of its own; the status line.
fn status_line(addr: std::net::SocketAddr) -> String {
    let mut c = std::net::TcpStream::connect(addr).unwrap();
    c.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    c.write_all(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut out = String::new();
    let _ = c.read_to_string(&mut out);
    out.lines().next().unwrap_or("").to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn half_sent_requests_are_dropped_after_the_header_timeout_and_others_are_answered() {
    let limits = Limits {
        max_connections: 1000,
        header_timeout: Duration::from_millis(300),
        shutdown_grace: Duration::from_secs(1),
    };
    let (addr, stop, task) = serve(limits).await;
    let mut slow = Vec::new();
    for _ in 0..200 {
        let mut c = std::net::TcpStream::connect(addr).unwrap();
        c.write_all(b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            .unwrap();
        slow.push(c);
    }
    let line = tokio::task::spawn_blocking(move || status_line(addr))
        .await
        .unwrap();
    assert_eq!(line, "HTTP/1.1 200 OK");
    // Past the header timeout, the server has closed the half-sent requests.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let closed = tokio::task::spawn_blocking(move || {
        slow.iter()
            .filter(|c| {
                c.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
                let mut buf = [0u8; 256];
                // A closed connection reads as the end (0), or an answer and then the end.
                let mut reader: &std::net::TcpStream = c;
                reader.read(&mut buf).is_ok()
            })
            .count()
    })
    .await
    .unwrap();
    assert_eq!(closed, 200);
    let _ = stop.send(());
    task.await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_over_the_cap_are_closed_at_once() {
    let limits = Limits {
        max_connections: 3,
        header_timeout: Duration::from_secs(30),
        shutdown_grace: Duration::from_secs(1),
    };
    let (addr, stop, task) = serve(limits).await;
    let held: Vec<_> = (0..3)
        .map(|_| {
            let mut c = std::net::TcpStream::connect(addr).unwrap();
            c.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n").unwrap();
            c
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let line = tokio::task::spawn_blocking(move || status_line(addr))
        .await
        .unwrap();
    assert_eq!(line, "", "a fourth connection was served");
    drop(held);
    tokio::time::sleep(Duration::from_millis(200)).await;
    let line = tokio::task::spawn_blocking(move || status_line(addr))
        .await
        .unwrap();
    assert_eq!(line, "HTTP/1.1 200 OK");
    let _ = stop.send(());
    task.await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_with_a_slow_request_in_flight_ends_after_the_grace_period() {
    let limits = Limits {
        max_connections: 10,
        header_timeout: Duration::from_secs(10),
        shutdown_grace: Duration::from_millis(500),
    };
    let (addr, stop, task) = serve(limits).await;
    let mut c = std::net::TcpStream::connect(addr).unwrap();
    c.write_all(b"GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let started = Instant::now();
    let _ = stop.send(());
    tokio::time::timeout(Duration::from_secs(20), task)
        .await
        .expect("the server went on waiting for the minute-long request")
        .unwrap();
    assert!(started.elapsed() < Duration::from_secs(20));
}

#[test]
fn a_page_nested_a_hundred_thousand_deep_is_read_on_a_small_stack() {
    let depth = 100_000;
    let page = format!(
        "<html><body>{}<p>Question: Is it deep?</p><p>Sergey Lavrov: It is.</p>{}</body></html>",
        "<div>".repeat(depth),
        "</div>".repeat(depth)
    );
    // A worker thread's stack, smaller than the 8 MB of the main thread.
    let doc = std::thread::Builder::new()
        .stack_size(512 * 1024)
        .spawn(move || stenogram::parse::parse_bytes(page.as_bytes(), Some("text/html")))
        .unwrap()
        .join()
        .expect("the reader overflowed its stack")
        .unwrap();
    let roles: Vec<_> = doc.turns.iter().map(|t| format!("{:?}", t.role)).collect();
    assert_eq!(roles, ["Question", "Answer"]);
    assert_eq!(doc.turns[1].speaker, "Sergey Lavrov");
}

#[tokio::test]
async fn a_burst_of_searches_gets_a_quick_503_while_other_pages_answer() {
    let (pool, _dir, path) = archive().await;
    let state = AppState::new(pool, path, 1024 * 1024, Duration::from_secs(30));
    let app = stenogram::app(state.clone());
    // Every place for a search is taken, as by a burst of slow searches.
    let held = state
        .searches
        .clone()
        .acquire_many_owned(state.searches.available_permits() as u32)
        .await
        .unwrap();
    let started = Instant::now();
    let (status, headers, body) = reply(
        &app,
        Request::get("/search?q=sanctions")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(headers[header::RETRY_AFTER], "5");
    assert!(body.contains("busy"), "{body}");
    assert!(started.elapsed() < Duration::from_secs(10));
    let (status, _, body) = reply(
        &app,
        Request::get("/api/v1/search?q=sanctions")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(body.contains("\"status\":503"), "{body}");
    for other in ["/healthz", "/transcripts", "/speakers", "/search"] {
        let (status, _, _) = reply(&app, Request::get(other).body(Body::empty()).unwrap()).await;
        assert_eq!(status, StatusCode::OK, "{other}");
    }
    drop(held);
    let (status, _, _) = reply(
        &app,
        Request::get("/search?q=sanctions")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn a_damaged_database_file_is_found_reported_by_healthz_and_takes_no_uploads() {
    let (pool, dir, path) = archive().await;
    let seed = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/seed/lavrov-ryzhenkov-collegium-2025-11-26.txt"
    ))
    .unwrap();
    stenogram::store::write::import_bytes(&pool, &seed, Some("seed.txt"), None, None)
        .await
        .unwrap();
    assert_eq!(store::check(&pool).await.unwrap(), None);
    let token = store::editors::create_token(&pool, "t").await.unwrap();
    pool.close().await;
    // Pages in the middle of the file overwritten, as a failing disk would.
    let mut bytes = std::fs::read(&path).unwrap();
    let page = 4096;
    for b in &mut bytes[3 * page..6 * page] {
        *b = 0xA5;
    }
    std::fs::write(&path, &bytes).unwrap();
    let pool = store::open(&path).await.unwrap();
    let found = store::check(&pool).await;
    assert!(
        matches!(&found, Ok(Some(_)) | Err(_)),
        "no damage found: {found:?}"
    );
    let state = AppState::new(pool, path, 1024 * 1024, Duration::from_secs(30));
    state.check_database();
    let app = stenogram::app(state.clone());
    let mut status = StatusCode::OK;
    for _ in 0..100 {
        status = reply(&app, Request::get("/healthz").body(Body::empty()).unwrap())
            .await
            .0;
        if status != StatusCode::OK {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    let (_, _, body) = reply(&app, Request::get("/healthz").body(Body::empty()).unwrap()).await;
    assert!(body.contains("damaged"), "{body}");
    let (status, _, body) = reply(
        &app,
        Request::post("/api/v1/transcripts")
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::CONTENT_TYPE, "text/plain")
            .body(Body::from("Question: x?\n\nMinister Smith: y."))
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert!(body.contains("damaged"), "{body}");
    drop(dir);
}

#[tokio::test]
async fn parameters_no_page_reads_share_one_cached_page() {
    let (pool, _dir, path) = archive().await;
    let state = AppState::new(pool, path, 1024 * 1024, Duration::from_secs(30));
    let app = stenogram::app(state.clone());
    let mut etags = std::collections::HashSet::new();
    for i in 0..50 {
        let (status, headers, _) = reply(
            &app,
            Request::get(format!("/transcripts?fresh={i}&utm_source=x{i}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        etags.insert(headers[header::ETAG].to_str().unwrap().to_string());
    }
    assert_eq!(etags.len(), 1);
    assert_eq!(state.cache.len(), 1, "a page kept per unknown parameter");
    // A parameter a page reads is a page of its own.
    reply(
        &app,
        Request::get("/transcripts?year=2024")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(state.cache.len(), 2);
}

#[tokio::test]
async fn a_full_disk_and_a_read_only_file_are_named_with_what_to_do() {
    use sqlx::ConnectOptions;
    let (pool, _dir, path) = archive().await;
    let seed = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/seed/lavrov-ryzhenkov-collegium-2025-11-26.txt"
    ))
    .unwrap();
    // A database that may grow no more fails as a full disk does (SQLITE_FULL).
    let pages: i64 = sqlx::query_scalar("PRAGMA page_count")
        .fetch_one(&pool)
        .await
        .unwrap();
    let mut conn = pool.acquire().await.unwrap();
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "PRAGMA max_page_count = {pages}"
    )))
    .execute(&mut *conn)
    .await
    .unwrap();
    let prepared = stenogram::store::write::Prepared::new(
        stenogram::parse::parse_bytes(&seed, Some("seed.txt")).unwrap(),
    );
    let full = stenogram::store::write::store(
        &mut conn,
        &stenogram::store::write::Upload {
            bytes: &seed,
            file_name: Some("seed.txt"),
            declared_type: None,
            uploaded_by: None,
        },
        &prepared,
    )
    .await
    .unwrap_err()
    .to_string();
    assert!(full.contains("the disk is full"), "{full}");
    drop(conn);
    let stored: i64 = sqlx::query_scalar("SELECT count(*) FROM transcript")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(stored, 0, "a failed write left rows behind");
    // A file opened read-only refuses writes with SQLITE_READONLY.
    let mut ro = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(&path)
        .read_only(true)
        .connect()
        .await
        .unwrap();
    let e = sqlx::query("INSERT INTO editor (name, password_hash) VALUES ('x', 'y')")
        .execute(&mut ro)
        .await
        .unwrap_err();
    let said = store::explain(&e);
    assert!(
        said.contains("read-only") && said.contains("write access"),
        "{said}"
    );
}
