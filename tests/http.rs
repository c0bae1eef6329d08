//! The HTTP layer through `app(state).oneshot(..)` on a real SQLite file: every page type,
//! errors, editors' upload flow with CSRF, and the API.

// Tests read the archive straight from SQLite to check what the store wrote.
#![allow(clippy::disallowed_methods)]

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use scraper::{Html, Selector};
use std::time::Duration;
use stenogram::http::AppState;
use stenogram::store::{self, write};
use tower::ServiceExt;

const SEED: &[u8] = include_bytes!("fixtures/seed/lavrov-ryzhenkov-collegium-2025-11-26.txt");

struct Site {
    app: Router,
    pool: sqlx::SqlitePool,
    _dir: tempfile::TempDir,
}

async fn site_with(max_upload: usize) -> Site {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("archive.db");
    let pool = store::open(&path).await.unwrap();
    let state = AppState::new(pool.clone(), path, max_upload, Duration::from_secs(30));
    Site {
        app: stenogram::app(state),
        pool,
        _dir: dir,
    }
}

async fn site() -> Site {
    site_with(10 * 1024 * 1024).await
}

async fn seeded() -> (Site, String) {
    let s = site().await;
    let slug = write::import_bytes(
        &s.pool,
        SEED,
        Some("lavrov-ryzhenkov-collegium-2025-11-26.txt"),
        None,
        None,
    )
    .await
    .unwrap()
    .slug()
    .to_string();
    (s, slug)
}

struct Reply {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: String,
}

impl Reply {
    fn html(&self) -> Html {
        Html::parse_document(&self.body)
    }
    fn select(&self, css: &str) -> Vec<String> {
        let sel = Selector::parse(css).unwrap();
        self.html()
            .select(&sel)
            .map(|e| e.text().collect::<String>())
            .collect()
    }
    fn attrs(&self, css: &str, attr: &str) -> Vec<String> {
        let sel = Selector::parse(css).unwrap();
        self.html()
            .select(&sel)
            .filter_map(|e| e.value().attr(attr).map(str::to_string))
            .collect()
    }
    fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }
    fn header(&self, name: &str) -> String {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    }
}

async fn send(app: &Router, request: Request<Body>) -> Reply {
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    Reply {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

async fn get(app: &Router, uri: &str) -> Reply {
    send(
        app,
        Request::get(uri)
            .header(header::HOST, "archive.test")
            .body(Body::empty())
            .unwrap(),
    )
    .await
}

#[tokio::test]
async fn the_home_page_of_an_empty_archive_says_how_to_start() {
    let s = site().await;
    let r = get(&s.app, "/").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.header("content-type").starts_with("text/html"));
    assert_eq!(r.select("title"), ["Diplomatic transcripts · Stenogram"]);
    let empty = r.select("[data-test=empty-archive]").join(" ");
    assert!(
        empty.contains("stenogram import") && empty.contains("upload"),
        "{empty}"
    );
    assert_eq!(r.attrs("form[role=search]", "action")[0], "/search");
}

#[tokio::test]
async fn healthz_answers_when_the_database_does() {
    let s = site().await;
    let r = get(&s.app, "/healthz").await;
    assert_eq!(r.status, StatusCode::OK);
    s.pool.close().await;
    assert_eq!(
        get(&s.app, "/healthz").await.status,
        StatusCode::SERVICE_UNAVAILABLE
    );
}

#[tokio::test]
async fn an_unknown_address_is_a_helpful_404_page_and_json_under_the_api() {
    let s = site().await;
    let r = get(&s.app, "/no/such/page").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.attrs("[data-test=error]", "data-status"), ["404"]);
    assert!(r.attrs("a", "href").contains(&"/transcripts".to_string()));
    let api = get(&s.app, "/api/v1/nothing").await;
    assert_eq!(api.status, StatusCode::NOT_FOUND);
    assert_eq!(api.json()["error"]["status"], 404);
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let s = site().await;
    for uri in ["/", "/missing"] {
        let r = get(&s.app, uri).await;
        let csp = r.header("content-security-policy");
        assert!(
            csp.contains("frame-ancestors 'none'")
                && csp.contains("script-src 'self'")
                && !csp.contains("unsafe-inline"),
            "{csp}"
        );
        assert_eq!(r.header("x-content-type-options"), "nosniff");
        assert!(!r.header("referrer-policy").is_empty());
    }
    let css = get(&s.app, "/static/style.css").await;
    assert!(css.header("cache-control").contains("max-age"));
}

#[tokio::test]
async fn the_transcript_page_shows_preface_apart_and_every_exchange_and_paragraph_anchor() {
    let (s, slug) = seeded().await;
    let list = get(&s.app, "/transcripts").await;
    assert_eq!(
        list.attrs("[data-test=transcript-row] a.title", "href"),
        [format!("/transcripts/{slug}")]
    );
    let r = get(&s.app, &format!("/transcripts/{slug}")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.select("[data-test=preface]")[0].contains("Little scrutiny"));
    let ids = r.attrs("[data-test=exchange]", "id");
    assert_eq!(ids, ["q1", "q2", "q3", "q4"]);
    assert!(r.attrs(".turn p[id]", "id").contains(&"p2-1".to_string()));
    let toc = r.attrs("nav.toc a", "href");
    assert_eq!(toc.len(), 4);
    assert!(
        r.attrs("a.name", "href")
            .contains(&"/speakers/sergey-lavrov".to_string())
    );
    let turns = r.select("[data-test=turn]").join(" ");
    assert!(!turns.contains("Little scrutiny") && !turns.contains("[My Emphasis]"));
}

#[tokio::test]
async fn an_exchange_permalink_stands_alone_and_previews_well() {
    let (s, slug) = seeded().await;
    let r = get(&s.app, &format!("/transcripts/{slug}/questions/2")).await;
    assert_eq!(r.status, StatusCode::OK);
    let roles = r.attrs("[data-test=turn]", "data-role");
    assert_eq!(roles, ["question", "answer"]);
    assert!(r.body.contains("To continue the topic of security"));
    assert_eq!(
        r.attrs("[data-test=context]", "href"),
        [format!("/transcripts/{slug}#q2")]
    );
    assert_eq!(
        r.attrs("link[rel=canonical]", "href"),
        [format!(
            "http://archive.test/transcripts/{slug}/questions/2"
        )]
    );
    assert!(
        r.attrs("meta[property='og:title']", "content")[0]
            .starts_with("To continue the topic of security")
    );
    assert!(r.attrs("meta[property='og:description']", "content")[0].starts_with("Sergey Lavrov:"));
    assert!(!r.attrs("meta[name='twitter:card']", "content").is_empty());
    assert_eq!(
        r.attrs("a[rel=prev]", "href"),
        [format!("/transcripts/{slug}/questions/1")]
    );
    assert_eq!(
        r.attrs("a[rel=next]", "href"),
        [format!("/transcripts/{slug}/questions/3")]
    );
    let citation = r.select("[data-test=citation]")[0].clone();
    assert!(
        citation.contains("Sergey Lavrov")
            && citation.contains("26 November 2025")
            && citation.contains("/questions/2"),
        "{citation}"
    );
}

#[tokio::test]
async fn a_missing_exchange_is_a_404_with_a_link_to_its_transcript() {
    let (s, slug) = seeded().await;
    for n in ["99", "0", "abc"] {
        let r = get(&s.app, &format!("/transcripts/{slug}/questions/{n}")).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{n}");
        assert!(
            r.attrs("a", "href")
                .contains(&format!("/transcripts/{slug}")),
            "{n}"
        );
    }
    assert_eq!(
        get(&s.app, "/transcripts/no-such-slug").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_page_that_has_not_changed_answers_304() {
    let (s, slug) = seeded().await;
    let first = get(&s.app, &format!("/transcripts/{slug}")).await;
    let etag = first.header("etag");
    assert!(!etag.is_empty());
    let again = send(
        &s.app,
        Request::get(format!("/transcripts/{slug}"))
            .header(header::HOST, "archive.test")
            .header(header::IF_NONE_MATCH, etag.clone())
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    // A new transcript changes the home page, and so its tag.
    let home = get(&s.app, "/").await.header("etag");
    write::import_bytes(
        &s.pool,
        b"Question: New?\n\nSergey Lavrov: Yes, new.",
        Some("new.txt"),
        None,
        None,
    )
    .await
    .unwrap();
    // A write by another process (here, outside the server) shows within a tenth of a second.
    tokio::time::sleep(Duration::from_millis(150)).await;
    assert_ne!(get(&s.app, "/").await.header("etag"), home);
}

#[tokio::test]
async fn the_speaker_pages_list_answers_questions_and_labels() {
    let (s, slug) = seeded().await;
    let index = get(&s.app, "/speakers").await;
    assert!(
        index
            .attrs("a", "href")
            .contains(&"/speakers/sergey-lavrov".to_string())
    );
    let r = get(&s.app, "/speakers/sergey-lavrov").await;
    assert_eq!(r.status, StatusCode::OK);
    let links: std::collections::BTreeSet<String> = r
        .attrs("[data-test=speaker-turns] a", "href")
        .into_iter()
        .filter(|h| h.contains("/questions/"))
        .collect();
    assert_eq!(links.len(), 4, "{links:?}");
    assert!(
        links
            .iter()
            .all(|l| l.starts_with(&format!("/transcripts/{slug}/questions/")))
    );
    assert_eq!(r.select("[data-test=questions-to] li").len(), 4);
    // The topics of the exchanges Lavrov answered, most answered first: Ukraine among them,
    // and no count above the seed's four exchanges.
    let topics = r.attrs("[data-test=speaker-topics] a", "href");
    assert!(
        topics.contains(&"/topics/ukraine".to_string()),
        "{topics:?}"
    );
    let counts: Vec<i64> = r
        .select("[data-test=speaker-topics] .n")
        .iter()
        .map(|n| n.split_whitespace().next().unwrap().parse().unwrap())
        .collect();
    assert!(counts.windows(2).all(|w| w[0] >= w[1]), "{counts:?}");
    assert!(counts.iter().all(|&n| (1..=4).contains(&n)), "{counts:?}");
    assert!(
        r.select("[data-test=aliases] li")
            .contains(&"Sergey Lavrov (speaking after Mikhail Ryzhenkov)".to_string())
    );
    // Their timeline: the one dated transcript they speak in, in its month.
    assert_eq!(r.select("[data-test=chart] rect title"), ["2025-11: 1"]);
    assert_eq!(
        r.select("figcaption"),
        ["1 transcript from 2025-11 to 2025-11; at most 1 in a month."]
    );
    assert!(
        r.attrs("a", "href")
            .contains(&"/search?speaker=sergey-lavrov".to_string())
    );
    assert_eq!(
        get(&s.app, "/speakers/nobody").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn search_finds_a_phrase_with_highlights_and_filters() {
    let (s, slug) = seeded().await;
    let r = get(&s.app, "/search?q=%22Minsk+agreements%22").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.attrs("[data-test=hit] a", "href")
            .contains(&format!("/transcripts/{slug}/questions/1"))
    );
    assert!(
        r.html()
            .select(&Selector::parse("[data-test=hit] mark").unwrap())
            .count()
            > 0
    );
    // Each filter against the same search without it: a positive control, then the subset.
    let metas = |r: &Reply| r.select("[data-test=hit] .meta");
    let everyone = metas(&get(&s.app, "/search?q=Ukraine").await);
    assert!(
        everyone.iter().any(|m| m.contains("(question)")),
        "{everyone:?}"
    );
    assert!(
        everyone.iter().any(|m| !m.contains("(question)")),
        "{everyone:?}"
    );
    let questions = metas(&get(&s.app, "/search?q=Ukraine&role=question").await);
    assert!(!questions.is_empty());
    assert!(
        questions.iter().all(|m| m.contains("(question)")),
        "{questions:?}"
    );
    assert!(questions.len() < everyone.len());
    let lavrov = metas(&get(&s.app, "/search?q=Ukraine&speaker=sergey-lavrov").await);
    assert!(!lavrov.is_empty());
    assert!(
        lavrov.iter().all(|m| m.starts_with("Sergey Lavrov")),
        "{lavrov:?}"
    );
    let nobody = get(&s.app, "/search?q=Ukraine&speaker=nobody").await;
    assert!(nobody.select("[data-test=hit]").is_empty());
    let in_range = get(&s.app, "/search?q=Ukraine&from=2025-11-01&to=2025-11").await;
    assert_eq!(metas(&in_range).len(), everyone.len());
    let dated = get(&s.app, "/search?q=Ukraine&from=2026-01-01").await;
    assert!(dated.select("[data-test=hit]").is_empty());
    let earlier = get(&s.app, "/search?q=Ukraine&to=2025-10").await;
    assert!(earlier.select("[data-test=hit]").is_empty());
}

#[tokio::test]
async fn speaker_and_topic_indexes_page_filter_and_group_by_kind() {
    let (s, _) = seeded().await;
    let people = get(&s.app, "/speakers").await;
    assert_eq!(people.status, StatusCode::OK);
    let names = people.select("[data-test=speakers] tbody td:first-child");
    assert!(names.contains(&"Sergey Lavrov".to_string()), "{names:?}");
    assert_eq!(people.select("nav.letters li").len(), 27);
    let s_names = get(&s.app, "/speakers?letter=S")
        .await
        .select("[data-test=speakers] tbody td:first-child");
    assert!(s_names.contains(&"Sergey Lavrov".to_string()));
    assert!(s_names.iter().all(|n| n.starts_with('S')), "{s_names:?}");
    let m_names = get(&s.app, "/speakers?letter=M")
        .await
        .select("[data-test=speakers] tbody td:first-child");
    assert!(!m_names.contains(&"Sergey Lavrov".to_string()));
    let filtered = get(&s.app, "/speakers?filter=lavr").await;
    assert_eq!(
        filtered.select("[data-test=speakers] tbody td:first-child"),
        ["Sergey Lavrov"]
    );
    let none = get(&s.app, "/speakers?filter=zzzz").await;
    assert_eq!(none.select("[data-test=empty]").len(), 1);
    let bad = get(&s.app, "/speakers?kind=robot").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("person, outlet, anonymous"));
    let topics = get(&s.app, "/topics").await;
    assert!(!topics.select("section.kinds").is_empty());
    let countries = get(&s.app, "/topics?kind=country").await;
    let listed = countries.select("[data-test=topic-list] li a");
    assert!(!listed.is_empty());
    let api = get(&s.app, "/api/v1/topics?kind=country").await.json();
    assert_eq!(api["total"], listed.len());
    assert!(
        api["topics"]
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["kind"] == "country")
    );
    let api = get(&s.app, "/api/v1/speakers?filter=lavrov").await.json();
    assert_eq!(api["speakers"][0]["name"], "Sergey Lavrov");
    assert_eq!(api["total"], 1);
}

#[tokio::test]
async fn a_search_that_would_cost_too_much_is_a_400_saying_how_to_narrow_it() {
    let (s, _) = seeded().await;
    let r = get(&s.app, "/search?q=a*").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(
        r.select("[data-test=error]")
            .join(" ")
            .contains("at least 3 letters")
    );
    let api = get(&s.app, "/api/v1/search?q=NEAR(sanc*+oil)").await;
    assert_eq!(api.status, StatusCode::BAD_REQUEST);
    assert!(
        api.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("NEAR")
    );
}

#[tokio::test]
async fn no_query_can_break_search() {
    let (s, _) = seeded().await;
    for q in [
        "%22unbalanced",
        "AND+OR+NOT",
        "*",
        "NEAR(",
        "%27%3B+drop+table+transcript%3B+--",
        "body%3Ax",
        "%D0%9B%D0%B0%D0%B2%D1%80%D0%BE%D0%B2",
        "((((",
        "%00",
    ] {
        let r = get(&s.app, &format!("/search?q={q}")).await;
        assert_eq!(r.status, StatusCode::OK, "{q}");
    }
    assert_eq!(
        get(&s.app, "/search?q=%22unbalanced")
            .await
            .select("[data-test=relaxed]")
            .len(),
        1
    );
    assert_eq!(
        get(&s.app, "/search")
            .await
            .select("[data-test=search-help]")
            .len(),
        1
    );
    assert_eq!(
        get(&s.app, "/search?page=abc").await.status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        get(&s.app, "/api/v1/search?q=%22Minsk").await.json()["relaxed"],
        true
    );
}

#[tokio::test]
async fn cyrillic_search_folds_yo_and_case() {
    let s = site().await;
    write::import_bytes(
        &s.pool,
        "Вопрос: Что с ёлкой?\n\nСергей Лавров: Ёлка стоит в Кремле.".as_bytes(),
        Some("ru.txt"),
        None,
        None,
    )
    .await
    .unwrap();
    let r = get(&s.app, "/search?q=%D0%B5%D0%BB%D0%BA%D0%B0").await; // елка
    assert_eq!(r.select("[data-test=hit]").len(), 1, "{}", r.body);
}

#[tokio::test]
async fn topics_show_on_exchanges_and_have_pages_with_a_chart() {
    let (s, slug) = seeded().await;
    let r = get(&s.app, &format!("/transcripts/{slug}/questions/1")).await;
    let topics: Vec<String> = r.select(".topics a");
    for want in [
        "Ukraine",
        "Belarus",
        "Minsk agreements",
        "Donald Trump",
        "Sanctions",
    ] {
        assert!(topics.iter().any(|t| t == want), "{want} not in {topics:?}");
    }
    let index = get(&s.app, "/topics").await;
    assert!(
        index
            .attrs("a", "href")
            .contains(&"/topics/ukraine".to_string())
    );
    let page = get(&s.app, "/topics/ukraine").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(
        page.html()
            .select(&Selector::parse("[data-test=chart] rect").unwrap())
            .count(),
        1
    );
    assert!(
        page.attrs("[data-test=topic-exchanges] a", "href")
            .contains(&format!("/transcripts/{slug}/questions/1"))
    );
    // The seed is one transcript of 26 November 2025: its first and latest mention.
    assert_eq!(
        page.select("[data-test=topic-span]"),
        vec!["First mentioned 26 November 2025, latest 26 November 2025.".to_string()]
    );
}

/// A signed-in editor: the session cookie and the CSRF token.
struct Signed {
    cookie: String,
    csrf: String,
}

async fn sign_in(s: &Site) -> Signed {
    store::editors::add_editor(&s.pool, "editor", "correct horse battery")
        .await
        .unwrap();
    let form = get(&s.app, "/login?next=/upload").await;
    let login_cookie = form
        .header("set-cookie")
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let csrf = form.attrs("input[name=csrf]", "value")[0].clone();
    let body = format!("name=editor&password=correct+horse+battery&csrf={csrf}&next=%2Fupload");
    let r = send(
        &s.app,
        Request::post("/login")
            .header(header::COOKIE, login_cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.header("location"), "/upload");
    let set = r
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|c| c.starts_with("stenogram_session="))
        .unwrap();
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Lax"),
        "{set}"
    );
    let cookie = set.split(';').next().unwrap().to_string();
    let page = send(
        &s.app,
        Request::get("/upload")
            .header(header::COOKIE, cookie.clone())
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    let csrf = page.attrs("input[name=csrf]", "value")[0].clone();
    Signed { cookie, csrf }
}

/// A form field: name, file name (for a file), value.
type Field<'a> = (&'a str, Option<&'a str>, &'a [u8]);

fn multipart(fields: &[Field]) -> (String, Vec<u8>) {
    let boundary = "stenogramtestboundary";
    let mut body = Vec::new();
    for (name, file, value) in fields {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        match file {
            Some(f) => body.extend_from_slice(format!("Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes()),
            None => body.extend_from_slice(format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes()),
        }
        body.extend_from_slice(value);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn upload(s: &Site, who: &Signed, fields: &[Field<'_>]) -> Reply {
    let (ctype, body) = multipart(fields);
    send(
        &s.app,
        Request::post("/upload")
            .header(header::COOKIE, who.cookie.clone())
            .header(header::CONTENT_TYPE, ctype)
            .body(Body::from(body))
            .unwrap(),
    )
    .await
}

async fn transcripts(pool: &sqlx::SqlitePool) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM transcript")
        .fetch_one(pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn anyone_not_signed_in_is_sent_to_the_login_page() {
    let s = site().await;
    let r = get(&s.app, "/upload").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.header("location"), "/login?next=%2Fupload");
    let (ctype, body) = multipart(&[("file", Some("seed.txt"), SEED)]);
    let r = send(
        &s.app,
        Request::post("/upload")
            .header(header::CONTENT_TYPE, ctype)
            .body(Body::from(body))
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(transcripts(&s.pool).await, 0);
}

#[tokio::test]
async fn a_wrong_password_is_refused_and_repeated_failures_slow_down() {
    let s = site().await;
    store::editors::add_editor(&s.pool, "editor", "correct horse battery")
        .await
        .unwrap();
    let mut statuses = Vec::new();
    for _ in 0..5 {
        statuses.push(try_sign_in(&s, "editor", "wrong").await.as_u16());
    }
    assert_eq!(&statuses[..3], [401, 401, 401]);
    assert_eq!(statuses[4], 429, "{statuses:?}");
}

/// One sign-in attempt through the form; its status.
async fn try_sign_in(s: &Site, name: &str, password: &str) -> StatusCode {
    let form = get(&s.app, "/login").await;
    let cookie = form
        .header("set-cookie")
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let csrf = form.attrs("input[name=csrf]", "value")[0].clone();
    send(
        &s.app,
        Request::post("/login")
            .header(header::COOKIE, cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(format!(
                "name={name}&password={password}&csrf={csrf}"
            )))
            .unwrap(),
    )
    .await
    .status
}

#[tokio::test]
async fn a_form_over_the_body_limit_is_a_413_that_says_so() {
    let s = site_with(1).await;
    let form = get(&s.app, "/login").await;
    let cookie = form
        .header("set-cookie")
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let r = send(
        &s.app,
        Request::post("/login")
            .header(header::COOKIE, cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(format!(
                "name=editor&password={}&csrf=x",
                "a".repeat(300_000)
            )))
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    let message = r.select("[data-test=error]").join(" ");
    // The limit stated is the one enforced: the upload limit and the form's margin.
    assert!(
        message.contains("larger than the limit of 262145 bytes"),
        "{message}"
    );
}

#[tokio::test]
async fn guesses_at_other_names_do_not_lock_the_editor_out() {
    let s = site().await;
    store::editors::add_editor(&s.pool, "editor", "correct horse battery")
        .await
        .unwrap();
    for i in 0..12 {
        assert_eq!(
            try_sign_in(&s, &format!("nobody{i}"), "guess").await,
            StatusCode::UNAUTHORIZED
        );
    }
    let counted: Vec<String> = sqlx::query_scalar("SELECT key FROM login_failure ORDER BY key")
        .fetch_all(&s.pool)
        .await
        .unwrap();
    assert!(
        counted.iter().all(|k| k.starts_with("address:")),
        "made-up names were counted: {counted:?}"
    );
    assert_eq!(
        try_sign_in(&s, "editor", "correct+horse+battery").await,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn a_form_without_its_csrf_token_is_refused() {
    let s = site().await;
    let who = sign_in(&s).await;
    let r = upload(
        &s,
        &who,
        &[("csrf", None, b"forged"), ("file", Some("seed.txt"), SEED)],
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = upload(&s, &who, &[("file", Some("seed.txt"), SEED)]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(transcripts(&s.pool).await, 0);
}

#[tokio::test]
async fn an_editor_uploads_reviews_corrects_and_publishes() {
    let s = site().await;
    let who = sign_in(&s).await;
    let (draft, review) = draft_for_review(&s, &who, "seed.txt", SEED).await;
    assert!(draft.starts_with("/drafts/"));
    assert_eq!(
        transcripts(&s.pool).await,
        0,
        "nothing is published before review"
    );
    assert_eq!(review.select("[data-test=turns] tbody tr").len(), 9);
    assert!(review.select("[data-test=labels]")[0].contains("new speaker"));
    let body = format!(
        "csrf={}&title=Lavrov+after+the+collegium&date=2025-11-26&place=Minsk&source_url=&then=publish",
        who.csrf
    );
    let r = send(
        &s.app,
        Request::post(&draft)
            .header(header::COOKIE, who.cookie.clone())
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        r.header("location"),
        "/transcripts/2025-11-26-lavrov-after-the-collegium"
    );
    let page = get(&s.app, "/transcripts/2025-11-26-lavrov-after-the-collegium").await;
    assert_eq!(page.select("h1"), ["Lavrov after the collegium"]);
    assert!(page.select(".meta")[0].contains("Minsk"));
    // The same file again is recognised.
    let again = upload(
        &s,
        &who,
        &[
            ("csrf", None, who.csrf.as_bytes()),
            ("file", Some("seed.txt"), SEED),
        ],
    )
    .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert!(
        again
            .attrs("[data-test=upload-error] a", "href")
            .contains(&"/transcripts/2025-11-26-lavrov-after-the-collegium".to_string())
    );
}

/// Uploads a text file as a draft: the draft's address and its review page.
async fn draft_for_review(s: &Site, who: &Signed, file: &str, bytes: &[u8]) -> (String, Reply) {
    let r = upload(
        s,
        who,
        &[
            ("csrf", None, who.csrf.as_bytes()),
            ("file", Some(file), bytes),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let draft = r.header("location");
    let review = send(
        &s.app,
        Request::get(&draft)
            .header(header::COOKIE, who.cookie.clone())
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(review.status, StatusCode::OK);
    (draft, review)
}

#[tokio::test]
async fn the_review_says_what_publishing_does_with_each_speaker() {
    let (s, _) = seeded().await;
    let who = sign_in(&s).await;
    // Another romanisation of a stored speaker's name, and a speaker the archive has not seen.
    let text = "Press statements, 3 March 2026\n\nSergei Lavrov: Good afternoon. We spoke about the talks at length today.\n\nQuestion: What of the talks?\n\nSergei Lavrov: They go on.\n\nMinister Okonkwo-Smith: We agree on all of it.\n";
    let (draft, review) = draft_for_review(&s, &who, "statements.txt", text.as_bytes()).await;
    let status = |label: &str| -> String {
        let sel = Selector::parse("[data-test=labels] tbody tr").unwrap();
        let td = Selector::parse("td").unwrap();
        review
            .html()
            .select(&sel)
            .find_map(|tr| {
                let cells: Vec<String> = tr.select(&td).map(|c| c.text().collect()).collect();
                (cells[0] == label).then(|| cells[2].clone())
            })
            .unwrap_or_else(|| panic!("{label} is not on the review page"))
    };
    assert!(
        status("Sergei Lavrov").starts_with("matches Sergey Lavrov"),
        "{}",
        status("Sergei Lavrov")
    );
    assert_eq!(status("Minister Okonkwo-Smith"), "new speaker");
    let r = send(
        &s.app,
        Request::post(&draft)
            .header(header::COOKIE, who.cookie.clone())
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(format!(
                "csrf={}&title=Press+statements&date=2026-03-03&place=&source_url=&then=publish",
                who.csrf
            )))
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // Publishing did what the review said: one Lavrov, and a new speaker for the other.
    let speakers: Vec<(String, String)> = sqlx::query_as(
        "SELECT DISTINCT t.label, s.slug FROM turn t JOIN speaker s ON s.id = t.speaker_id \
         JOIN transcript tr ON tr.id = t.transcript_id WHERE tr.title = 'Press statements' AND t.label IS NOT NULL",
    )
    .fetch_all(&s.pool)
    .await
    .unwrap();
    assert!(
        speakers.contains(&("Sergei Lavrov".into(), "sergey-lavrov".into())),
        "{speakers:?}"
    );
    let other = &speakers
        .iter()
        .find(|(l, _)| l == "Minister Okonkwo-Smith")
        .unwrap()
        .1;
    let transcripts: i64 = sqlx::query_scalar(
        "SELECT count(DISTINCT transcript_id) FROM turn t JOIN speaker s ON s.id = t.speaker_id WHERE s.slug = ?",
    )
    .bind(other)
    .fetch_one(&s.pool)
    .await
    .unwrap();
    assert_eq!(transcripts, 1, "{other} was new");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn more_drafts_published_at_once_than_the_pool_has_connections_are_all_stored() {
    let s = site().await;
    let who = sign_in(&s).await;
    let mut drafts = Vec::new();
    for i in 0..12 {
        let text = format!(
            "Briefing {i}\n2024-03-{:02}\n\nQuestion: Is {i} done?\n\nMinister Smith: {i} is done.\n",
            i + 1
        );
        let r = upload(
            &s,
            &who,
            &[
                ("csrf", None, who.csrf.as_bytes()),
                ("file", Some("briefing.txt"), text.as_bytes()),
            ],
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        drafts.push(r.header("location"));
    }
    // Every publish on a task of its own, all at once.
    let tasks: Vec<_> = drafts
        .iter()
        .map(|d| {
            let app = s.app.clone();
            let request = Request::post(format!("{d}/publish"))
                .header(header::COOKIE, who.cookie.clone())
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(format!("csrf={}", who.csrf)))
                .unwrap();
            tokio::spawn(async move { send(&app, request).await })
        })
        .collect();
    let answers = tokio::time::timeout(Duration::from_secs(60), async {
        let mut out = Vec::new();
        for t in tasks {
            out.push(t.await.unwrap());
        }
        out
    })
    .await
    .expect("the publishes waited on each other");
    for r in &answers {
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    }
    assert_eq!(transcripts(&s.pool).await, 12);
    let left: i64 = sqlx::query_scalar("SELECT count(*) FROM draft")
        .fetch_one(&s.pool)
        .await
        .unwrap();
    assert_eq!(left, 0, "drafts left behind");
}

#[tokio::test]
async fn the_review_page_lists_the_archives_speakers_once_and_a_label_is_assigned_by_typing() {
    let (s, _) = seeded().await;
    let who = sign_in(&s).await;
    let text = "Briefing\n2024-05-01\n\nQuestion: A?\n\nMr Speaker One: B.\n\nQuestion: C?\n\nMs Speaker Two: D.\n";
    let (draft, review) = draft_for_review(&s, &who, "b.txt", text.as_bytes()).await;
    let speakers: i64 = sqlx::query_scalar("SELECT count(*) FROM speaker")
        .fetch_one(&s.pool)
        .await
        .unwrap();
    let fields = review.attrs("[data-test=labels] input[list=speaker-choices]", "name");
    assert!(fields.len() >= 2, "{fields:?}");
    // One list for every field, not a list per field.
    assert_eq!(review.select("datalist#speaker-choices").len(), 1);
    assert_eq!(review.select("datalist option").len() as i64, speakers);
    let lavrov: i64 = sqlx::query_scalar("SELECT id FROM speaker WHERE name = 'Sergey Lavrov'")
        .fetch_one(&s.pool)
        .await
        .unwrap();
    let labels = review.select("[data-test=labels] tbody tr td:first-child");
    let two = labels.iter().position(|l| l.contains("Two")).unwrap();
    let body = format!(
        "csrf={}&title=Briefing&date=2024-05-01&place=&source_url=&speaker-{two}=Sergey+Lavrov+%23{lavrov}&then=publish",
        who.csrf
    );
    let r = post_form(&s, &who, &draft, body).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let given: Vec<String> = sqlx::query_scalar(
        "SELECT s.name FROM turn t JOIN speaker s ON s.id = t.speaker_id JOIN transcript tr ON tr.id = t.transcript_id \
         WHERE tr.title = 'Briefing' AND t.role = 'answer' ORDER BY t.position",
    )
    .fetch_all(&s.pool)
    .await
    .unwrap();
    assert_eq!(given.len(), 2);
    assert_eq!(given[1], "Sergey Lavrov", "{given:?}");
    assert_ne!(given[0], "Sergey Lavrov");
}

#[tokio::test]
async fn bad_uploads_get_their_status_and_message_and_store_nothing() {
    let s = site_with(64 * 1024).await;
    let who = sign_in(&s).await;
    let csrf = who.csrf.clone();
    let binary: Vec<u8> = (0..4096u32).map(|i| (i * 7919 % 251) as u8).collect();
    let big = vec![b'a'; 70 * 1024];
    let cases: Vec<(&str, Vec<Field>, StatusCode)> = vec![
        (
            "empty",
            vec![
                ("csrf", None, csrf.as_bytes()),
                ("file", Some("empty.txt"), b""),
            ],
            StatusCode::BAD_REQUEST,
        ),
        (
            "binary",
            vec![
                ("csrf", None, csrf.as_bytes()),
                ("file", Some("x.txt"), &binary),
            ],
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ),
        (
            "pdf",
            vec![
                ("csrf", None, csrf.as_bytes()),
                ("file", Some("x.pdf"), b"%PDF-1.4"),
            ],
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ),
        (
            "too large",
            vec![
                ("csrf", None, csrf.as_bytes()),
                ("file", Some("big.txt"), &big),
            ],
            StatusCode::PAYLOAD_TOO_LARGE,
        ),
        (
            "bad date",
            vec![
                ("csrf", None, csrf.as_bytes()),
                ("text", None, b"Question: x?\n\nA: y."),
                ("date", None, b"someday"),
            ],
            StatusCode::BAD_REQUEST,
        ),
    ];
    for (name, fields, want) in cases {
        let r = upload(&s, &who, &fields).await;
        assert_eq!(r.status, want, "{name}: {}", r.body);
        assert!(
            !r.select("[data-test=upload-error]").is_empty(),
            "{name} shows no message"
        );
    }
    assert_eq!(transcripts(&s.pool).await, 0);
    let drafts: i64 = sqlx::query_scalar("SELECT count(*) FROM draft")
        .fetch_one(&s.pool)
        .await
        .unwrap();
    assert_eq!(drafts, 0);
}

#[tokio::test]
async fn uploaded_html_and_script_are_shown_as_text() {
    let s = site().await;
    write::import_bytes(&s.pool, b"<script>alert(1)</script> hello\n\nQuestion: Is <b>this</b> bold? <img src=x onerror=alert(2)>\n\nSergey Lavrov: <script>alert(3)</script> No.", Some("x.txt"), None, None).await.unwrap();
    let slug: String = sqlx::query_scalar("SELECT slug FROM transcript")
        .fetch_one(&s.pool)
        .await
        .unwrap();
    for uri in [
        format!("/transcripts/{slug}"),
        format!("/transcripts/{slug}/questions/1"),
        "/search?q=alert".to_string(),
        "/speakers/sergey-lavrov".to_string(),
    ] {
        let r = get(&s.app, &uri).await;
        assert_eq!(r.status, StatusCode::OK, "{uri}");
        // Every script element, inline ones too: only the page's own script is there.
        assert_eq!(
            r.select("script").len(),
            1,
            "{uri}: a script element was injected"
        );
        assert_eq!(r.attrs("script", "src"), ["/static/app.js"], "{uri}");
        assert!(
            r.select("img").is_empty(),
            "{uri}: an img element was injected"
        );
        assert!(
            r.body.contains("&lt;script&gt;alert(")
                || r.body.contains("&#60;script&#62;alert(")
                || r.body.contains("&lt;script>alert("),
            "{uri}: the script's text is not shown escaped"
        );
    }
}

#[tokio::test]
async fn a_source_address_that_is_not_a_web_address_is_shown_as_text_never_as_a_link() {
    let s = site().await;
    let t = token(&s).await;
    for (n, url) in [
        "javascript:alert(document.domain)",
        " JavaScript:alert(1)",
        "data:text/html,hi",
    ]
    .iter()
    .enumerate()
    {
        let md = format!(
            "---\ntitle: Link test {n}\ndate: 2024-01-03\nsource_url: \"{url}\"\n---\n\nQuestion: Is this safe?\n\nMinister Smith: It is.\n"
        );
        let r = post_api(&s, Some(&t), "text/markdown", md.into_bytes()).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let page = get(&s.app, r.json()["url"].as_str().unwrap()).await;
        let hrefs = page.attrs("a", "href");
        assert!(
            hrefs
                .iter()
                .all(|h| h.starts_with(['/', '#']) || h.starts_with("http")),
            "{url}: {hrefs:?}"
        );
        assert_eq!(page.select("[data-test=source-url]"), [url.trim()], "{url}");
    }
    // A web address is still a link.
    let md = "---\ntitle: A linked one\ndate: 2024-01-04\nsource_url: https://mid.ru/en/1\n---\n\nQuestion: Linked?\n\nMinister Smith: Yes.\n";
    let r = post_api(&s, Some(&t), "text/markdown", md.as_bytes().to_vec()).await;
    let page = get(&s.app, r.json()["url"].as_str().unwrap()).await;
    assert!(
        page.attrs("a", "href")
            .contains(&"https://mid.ru/en/1".to_string())
    );
}

#[tokio::test]
async fn a_page_larger_than_the_page_cache_holds_is_served_whole() {
    let s = site().await;
    let answer = "The position of the ministry on this matter is well known. ".repeat(70);
    let text: String = (1..=1200)
        .map(|i| format!("Question: What of point {i}?\n\nMinister Smith: {answer}\n\n"))
        .collect();
    let text = format!("A long press conference\n2024-02-01\n\n{text}");
    let slug = write::import_bytes(&s.pool, text.as_bytes(), Some("long.txt"), None, None)
        .await
        .unwrap()
        .slug()
        .to_string();
    let r = get(&s.app, &format!("/transcripts/{slug}")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.len() > 4 * 1024 * 1024, "{} bytes", r.body.len());
    assert_eq!(r.select("[data-test=exchange]").len(), 1200);
    let api = get(&s.app, &format!("/api/v1/transcripts/{slug}"))
        .await
        .json();
    let exchanges = api["exchanges"].as_array().unwrap();
    assert_eq!(exchanges.len(), 1200);
    assert_eq!(exchanges[1199]["number"], 1200);
    assert_eq!(exchanges[1199]["question"], exchanges[1199]["turns"][0]);
    assert_eq!(exchanges[1199]["answers"].as_array().unwrap().len(), 1);
}

async fn token(s: &Site) -> String {
    store::editors::create_token(&s.pool, "tests")
        .await
        .unwrap()
}

async fn post_api(s: &Site, token: Option<&str>, ctype: &str, body: Vec<u8>) -> Reply {
    let mut req = Request::post("/api/v1/transcripts").header(header::CONTENT_TYPE, ctype);
    if let Some(t) = token {
        req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    send(&s.app, req.body(Body::from(body)).unwrap()).await
}

#[tokio::test]
async fn the_api_takes_a_transcript_with_a_token() {
    let s = site().await;
    let t = token(&s).await;
    assert_eq!(
        post_api(&s, None, "text/plain", SEED.to_vec()).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        post_api(&s, Some("stn_wrong"), "text/plain", SEED.to_vec())
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    let r = post_api(&s, Some(&t), "text/plain; charset=utf-8", SEED.to_vec()).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let json = r.json();
    assert_eq!(json["exchanges"], 4);
    let url = json["url"].as_str().unwrap().to_string();
    assert_eq!(get(&s.app, &url).await.status, StatusCode::OK);
    let again = post_api(&s, Some(&t), "text/plain", SEED.to_vec()).await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(again.json()["url"], url.as_str());
    let api = get(&s.app, &format!("/api/v1{url}")).await.json();
    assert_eq!(api["exchanges"].as_array().unwrap().len(), 4);
    assert_eq!(api["turns"][2]["speaker"], "Sergey Lavrov");
    assert_eq!(transcripts(&s.pool).await, 1);
}

#[tokio::test]
async fn the_api_answers_bad_bodies_in_json_and_stores_nothing() {
    let s = site_with(64 * 1024).await;
    let t = token(&s).await;
    let binary: Vec<u8> = (0..4096u32).map(|i| (i * 7919 % 251) as u8).collect();
    for (name, ctype, body, want) in [
        ("empty", "text/plain", Vec::new(), StatusCode::BAD_REQUEST),
        (
            "binary",
            "text/plain",
            binary,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ),
        (
            "pdf",
            "application/pdf",
            b"%PDF-1.4".to_vec(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ),
        (
            "too large",
            "text/plain",
            vec![b'a'; 400 * 1024],
            StatusCode::PAYLOAD_TOO_LARGE,
        ),
    ] {
        let r = post_api(&s, Some(&t), ctype, body).await;
        assert_eq!(r.status, want, "{name}: {}", r.body);
        assert!(r.header("content-type").contains("json"), "{name}");
        assert!(!r.json()["error"]["message"].as_str().unwrap().is_empty());
    }
    let prose = post_api(
        &s,
        Some(&t),
        "text/plain",
        b"Just a paragraph of prose with no speakers at all.".to_vec(),
    )
    .await;
    assert_eq!(prose.status, StatusCode::CREATED);
    assert_eq!(prose.json()["labelled"], false);
    assert_eq!(transcripts(&s.pool).await, 1);
}

async fn post_form(s: &Site, who: &Signed, uri: &str, body: String) -> Reply {
    send(
        &s.app,
        Request::post(uri)
            .header(header::COOKIE, who.cookie.clone())
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap(),
    )
    .await
}

#[tokio::test]
async fn an_editor_edits_a_published_transcript_and_every_address_keeps_working() {
    let (s, slug) = seeded().await;
    let who = sign_in(&s).await;
    let form = send(
        &s.app,
        Request::get(format!("/transcripts/{slug}/edit"))
            .header(header::COOKIE, who.cookie.clone())
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(form.status, StatusCode::OK);
    // The same editor as a draft's review: header, speakers, turns, and each exchange with
    // its topics and the way to edit them.
    assert_eq!(form.select("[data-test=title]").len(), 1);
    assert!(!form.select("[data-test=labels] tbody tr").is_empty());
    assert_eq!(form.select("[data-test=editor-exchanges] > li").len(), 4);
    assert!(
        form.attrs("[data-test=editor-exchanges] a", "href")
            .contains(&format!("/transcripts/{slug}/questions/1/topics"))
    );
    let read_title = get(&s.app, &format!("/transcripts/{slug}"))
        .await
        .select("h1");
    let body = format!(
        "csrf={}&title=Lavrov+in+Minsk&date=2025-11-26&place=Minsk&source_url=https%3A%2F%2Fexample.org%2Ft",
        who.csrf
    );
    let r = post_form(&s, &who, &format!("/transcripts/{slug}/edit"), body).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // Three fields changed: the editor lands on the history, which says so.
    assert_eq!(
        r.header("location"),
        format!("/transcripts/{slug}/history?saved=3")
    );
    let saved = get(&s.app, &r.header("location")).await;
    assert_eq!(saved.select("[data-test=saved]"), ["3 corrections saved."]);
    let page = get(&s.app, &format!("/transcripts/{slug}")).await;
    assert_eq!(page.select("h1"), ["Lavrov in Minsk"]);
    // The reading as first published stays viewable, from the history.
    let as_read = format!("/transcripts/{slug}/as-read");
    assert_eq!(
        saved.attrs("[data-test=as-read-link]", "href"),
        std::slice::from_ref(&as_read)
    );
    let before = get(&s.app, &as_read).await;
    assert_eq!(before.status, StatusCode::OK);
    assert!(
        before.select("[data-test=read-title]")[0].starts_with(&read_title[0]),
        "{:?}",
        before.select("[data-test=read-title]")
    );
    assert_ne!(read_title, ["Lavrov in Minsk"]);
    assert!(
        before
            .select("[data-test=read-speaker]")
            .contains(&"Sergey Lavrov".to_string())
    );
    let api = get(&s.app, &format!("/api/v1/transcripts/{slug}/as-read")).await;
    assert_eq!(api.status, StatusCode::OK, "{}", api.body);
    let json = api.json();
    assert_eq!(json["title"], read_title[0].as_str());
    assert_eq!(json["place"], serde_json::Value::Null);
    let questions = json["turns"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["role"] == "question")
        .count();
    assert_eq!(questions, 4);
    assert!(
        page.attrs("a", "href")
            .contains(&"https://example.org/t".to_string())
    );
    for n in 1..=4 {
        assert_eq!(
            get(&s.app, &format!("/transcripts/{slug}/questions/{n}"))
                .await
                .status,
            StatusCode::OK
        );
    }
    let bad = post_form(
        &s,
        &who,
        &format!("/transcripts/{slug}/edit"),
        format!("csrf={}&title=&date=2025-11-26", who.csrf),
    )
    .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let forged = post_form(
        &s,
        &who,
        &format!("/transcripts/{slug}/edit"),
        "csrf=forged&title=Hijacked".to_string(),
    )
    .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert_eq!(
        get(&s.app, &format!("/transcripts/{slug}"))
            .await
            .select("h1"),
        ["Lavrov in Minsk"]
    );
}

#[tokio::test]
async fn editors_add_remove_and_merge_topics_and_the_choices_survive_reindex() {
    let (s, slug) = seeded().await;
    let who = sign_in(&s).await;
    let topics = |r: &Reply| r.select(".topics a");
    let r = post_form(
        &s,
        &who,
        &format!("/transcripts/{slug}/questions/4/topics"),
        format!(
            "csrf={}&action=add&topic=Abu+Dhabi+talks&kind=theme",
            who.csrf
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // The reader finds Hungary on the first exchange; the editor takes it off.
    let first = format!("/transcripts/{slug}/questions/1");
    assert!(topics(&get(&s.app, &first).await).contains(&"Hungary".to_string()));
    let r = post_form(
        &s,
        &who,
        &format!("/transcripts/{slug}/questions/1/topics"),
        format!("csrf={}&action=remove&topic=hungary", who.csrf),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(!topics(&get(&s.app, &first).await).contains(&"Hungary".to_string()));
    // A merge before the reindex: the reader finds Belarus again, and it is Ukraine's.
    let belarus: Vec<String> = get(&s.app, "/topics/belarus")
        .await
        .attrs("[data-test=topic-exchanges] > li > a", "href");
    assert!(!belarus.is_empty(), "the seed has exchanges on Belarus");
    let r = post_form(
        &s,
        &who,
        "/topics/merge",
        format!("csrf={}&from=belarus&into=ukraine", who.csrf),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    store::write::reindex(&s.pool).await.unwrap();
    tokio::time::sleep(Duration::from_millis(150)).await;
    assert!(
        topics(&get(&s.app, &format!("/transcripts/{slug}/questions/4")).await)
            .contains(&"Abu Dhabi talks".to_string())
    );
    assert!(!topics(&get(&s.app, &first).await).contains(&"Hungary".to_string()));
    let slugs: Vec<String> =
        sqlx::query_scalar("SELECT slug FROM topic WHERE slug LIKE 'belarus%'")
            .fetch_all(&s.pool)
            .await
            .unwrap();
    assert!(slugs.is_empty(), "the merged topic came back: {slugs:?}");
    let old = get(&s.app, "/topics/belarus").await;
    assert_eq!(old.status, StatusCode::MOVED_PERMANENTLY);
    assert_eq!(old.header("location"), "/topics/ukraine");
    let ukraine = get(&s.app, "/topics/ukraine")
        .await
        .attrs("[data-test=topic-exchanges] > li > a", "href");
    for href in &belarus {
        assert!(ukraine.contains(href), "{href} left Ukraine after reindex");
    }
    let r = post_form(
        &s,
        &who,
        "/topics/merge",
        format!(
            "csrf={}&from=abu-dhabi-talks&into=united-arab-emirates",
            who.csrf
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let old = get(&s.app, "/topics/abu-dhabi-talks").await;
    assert_eq!(old.status, StatusCode::MOVED_PERMANENTLY);
    assert_eq!(old.header("location"), "/topics/united-arab-emirates");
}

#[tokio::test]
async fn a_permalink_keeps_the_turns_between_question_and_answer_marked_as_remarks() {
    let s = site().await;
    let text = "Press call, 3 March 2024\n\nQ: What did the two leaders agree on the ceasefire?\n\nMODERATOR: Go ahead, you are on the line.\n\nQ: Sorry, and on the hostages?\n\nMS. SMITH: On both, the talks go on, and we expect an answer by the end of the week.\n\nMODERATOR: Thank you. That is all the time we have for today, everyone.\n";
    let slug = write::import_bytes(&s.pool, text.as_bytes(), Some("call.txt"), None, None)
        .await
        .unwrap()
        .slug()
        .to_string();
    // The follow-up opens its own exchange; the moderator's words before it belong to the first.
    let r = get(&s.app, &format!("/transcripts/{slug}/questions/2")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        r.attrs("[data-test=turn]", "data-role"),
        ["question", "answer"]
    );
    let r = get(&s.app, &format!("/transcripts/{slug}/questions/1")).await;
    assert_eq!(r.attrs("[data-test=turn]", "data-role"), ["question"]);
    // A question answered after a moderator's turn: the turn stays, marked a remark.
    let text = "Press call, 4 March 2024\n\nQ: What did the two leaders agree on the ceasefire?\n\nMODERATOR: Go ahead, you are on the line.\n\nMS. SMITH: On the ceasefire, the talks go on, and we expect an answer by Friday.\n";
    let slug = write::import_bytes(&s.pool, text.as_bytes(), Some("call2.txt"), None, None)
        .await
        .unwrap()
        .slug()
        .to_string();
    let r = get(&s.app, &format!("/transcripts/{slug}/questions/1")).await;
    assert_eq!(
        r.attrs("[data-test=turn]", "data-role"),
        ["question", "remark", "answer"]
    );
    assert!(r.select("[data-role=remark] .name")[0].contains("Moderator"));
}

#[tokio::test]
async fn a_speaker_a_reindex_empties_redirects_to_where_its_turns_went() {
    let s = site().await;
    let text = "Background Press Call by Senior Administration Officials on President Biden's Call\n\nSENIOR ADMINISTRATION OFFICIAL: Thanks for joining, everyone, this call is on background.\n\nQ: What did the President say to President Putin?\n\nSENIOR ADMINISTRATION OFFICIAL: He was clear about the costs, and we will not go beyond that.\n";
    write::import_bytes(&s.pool, text.as_bytes(), Some("call.txt"), None, None)
        .await
        .unwrap();
    // As an earlier reader stored it: the official's turns under the president's name.
    sqlx::query("INSERT INTO speaker (slug, name, key, surname, kind) VALUES ('biden', 'Biden', 'biden', 'biden', 'person')")
        .execute(&s.pool)
        .await
        .unwrap();
    sqlx::query("UPDATE turn SET speaker_id = (SELECT id FROM speaker WHERE slug = 'biden') WHERE label = 'SENIOR ADMINISTRATION OFFICIAL'")
        .execute(&s.pool)
        .await
        .unwrap();
    let report = write::reindex(&s.pool).await.unwrap();
    assert_eq!(report.speakers_redirected, 1);
    let r = get(&s.app, "/speakers/biden").await;
    assert_eq!(r.status, StatusCode::MOVED_PERMANENTLY);
    assert_eq!(
        r.header("location"),
        "/speakers/senior-administration-official"
    );
    let r = get(&s.app, "/api/v1/speakers/biden").await;
    assert_eq!(r.status, StatusCode::MOVED_PERMANENTLY);
    assert_eq!(
        r.header("location"),
        "/api/v1/speakers/senior-administration-official"
    );
    let r = get(&s.app, "/speakers/senior-administration-official").await;
    assert_eq!(r.status, StatusCode::OK);
    let r = get(&s.app, "/api/v1/speakers").await;
    assert!(!r.body.contains("\"Biden\""), "{}", r.body);
}

// ---- Data out: feeds, exports, the OpenAPI description ----

/// The `href` of the page's `<link rel="alternate" type=...>`.
fn alternate(r: &Reply, media_type: &str) -> Option<String> {
    r.attrs(
        &format!("link[rel=alternate][type=\"{media_type}\"]"),
        "href",
    )
    .into_iter()
    .next()
}

/// An Atom feed's entries as (id, link, title), read with an XML parser; panics when the
/// document is not an Atom feed with the elements RFC 4287 requires.
fn atom_entries(body: &str) -> Vec<(String, String, String)> {
    const ATOM: &str = "http://www.w3.org/2005/Atom";
    let doc = roxmltree::Document::parse(body).unwrap_or_else(|e| panic!("{e}: {body}"));
    let feed = doc.root_element();
    assert!(feed.has_tag_name((ATOM, "feed")), "{body}");
    fn child<'a, 'i>(n: roxmltree::Node<'a, 'i>, name: &str) -> roxmltree::Node<'a, 'i> {
        n.children()
            .find(|c| c.has_tag_name((ATOM, name)))
            .unwrap_or_else(|| panic!("no {name} in {:?}", n.tag_name()))
    }
    for required in ["id", "title", "updated"] {
        child(feed, required);
    }
    feed.children()
        .filter(|c| c.has_tag_name((ATOM, "entry")))
        .map(|e| {
            for required in ["updated", "author", "summary"] {
                child(e, required);
            }
            (
                child(e, "id").text().unwrap_or("").to_string(),
                child(e, "link").attribute("href").unwrap_or("").to_string(),
                child(e, "title").text().unwrap_or("").to_string(),
            )
        })
        .collect()
}

#[tokio::test]
async fn home_speaker_topic_and_search_pages_announce_atom_feeds_of_permalinks() {
    let (s, slug) = seeded().await;
    let topic = get(&s.app, "/api/v1/topics").await.json()["topics"][0]["slug"]
        .as_str()
        .unwrap()
        .to_string();
    for page in [
        "/".to_string(),
        "/transcripts".to_string(),
        "/speakers/sergey-lavrov".to_string(),
        format!("/topics/{topic}"),
        "/search?q=Ukrainian&role=answer".to_string(),
    ] {
        let r = get(&s.app, &page).await;
        let feed = alternate(&r, "application/atom+xml")
            .unwrap_or_else(|| panic!("{page} announces no feed"));
        let f = get(&s.app, &feed).await;
        assert_eq!(f.status, StatusCode::OK, "{feed}");
        assert!(f.header("content-type").starts_with("application/atom+xml"));
        let entries = atom_entries(&f.body);
        assert!(!entries.is_empty(), "{feed} has no entries");
        for (id, link, title) in &entries {
            assert!(
                link.starts_with(&format!("http://archive.test/transcripts/{slug}")),
                "{feed}: {link}"
            );
            assert!(id.starts_with("http://archive.test/"), "{id}");
            assert!(!title.is_empty());
        }
        if page.starts_with("/topics") || page.starts_with("/search") {
            assert!(
                entries
                    .iter()
                    .all(|(_, l, _)| l.contains("/questions/") || l.contains("#p")),
                "{feed}: {entries:?}"
            );
        }
    }
    // The search's filters travel into its feed.
    let r = get(&s.app, "/search?q=Ukrainian&role=answer&sort=newest&page=1").await;
    assert_eq!(
        alternate(&r, "application/atom+xml").unwrap(),
        "/search/feed?q=Ukrainian&role=answer"
    );
    assert_eq!(
        get(&s.app, "/search/feed?q=").await.status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        get(&s.app, "/speakers/nobody-at-all/feed").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_feed_answers_conditional_requests() {
    let (s, _) = seeded().await;
    let first = get(&s.app, "/speakers/sergey-lavrov/feed").await;
    let etag = first.header("etag");
    let modified = first.header("last-modified");
    assert!(!etag.is_empty() && modified.ends_with(" GMT"), "{modified}");
    for (name, value) in [("if-none-match", &etag), ("if-modified-since", &modified)] {
        let again = send(
            &s.app,
            Request::get("/speakers/sergey-lavrov/feed")
                .header(header::HOST, "archive.test")
                .header(name, value.as_str())
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert_eq!(again.status, StatusCode::NOT_MODIFIED, "{name}");
        assert!(again.body.is_empty());
    }
    let stale = send(
        &s.app,
        Request::get("/speakers/sergey-lavrov/feed")
            .header(header::HOST, "archive.test")
            .header("if-modified-since", "Mon, 01 Jan 2001 00:00:00 GMT")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(stale.status, StatusCode::OK);
}

#[tokio::test]
async fn a_reader_subscribed_to_a_search_sees_a_new_matching_transcript() {
    let (s, _) = seeded().await;
    let feed = "/search/feed?q=semiconductors";
    let before = atom_entries(&get(&s.app, feed).await.body);
    let text = "Press conference on chips, 3 March 2026\n\nQuestion: Will you restrict semiconductors?\n\nSergey Lavrov: We do not restrict semiconductors; others do.\n";
    let slug = write::import_bytes(&s.pool, text.as_bytes(), Some("chips.txt"), None, None)
        .await
        .unwrap()
        .slug()
        .to_string();
    // Written outside the server, as `stenogram import` does: seen within a tenth of a second.
    tokio::time::sleep(Duration::from_millis(150)).await;
    let after = atom_entries(&get(&s.app, feed).await.body);
    let new: Vec<_> = after.iter().filter(|e| !before.contains(e)).collect();
    assert!(!new.is_empty(), "{after:?}");
    assert!(
        new.iter().all(|(_, link, _)| link.starts_with(&format!(
            "http://archive.test/transcripts/{slug}/questions/"
        ))),
        "{new:?}"
    );
}

#[tokio::test]
async fn a_transcript_is_exported_as_text_csv_json_and_akoma_ntoso() {
    let (s, slug) = seeded().await;
    let page = get(&s.app, &format!("/transcripts/{slug}")).await;
    let json = get(&s.app, &format!("/api/v1/transcripts/{slug}"))
        .await
        .json();
    let turns = json["turns"].as_array().unwrap();
    let exchanges = json["exchanges"].as_array().unwrap().len();

    let text_url = alternate(&page, "text/plain").unwrap();
    let text = get(&s.app, &text_url).await;
    assert!(text.header("content-type").starts_with("text/plain"));
    assert!(
        text.body.contains("Sergey Lavrov (answer):"),
        "{}",
        text.body
    );
    assert!(text.body.contains(&format!("== Exchange {exchanges} ==")));
    assert!(
        !text
            .body
            .contains(&format!("== Exchange {} ==", exchanges + 1))
    );

    let csv = get(&s.app, &alternate(&page, "text/csv").unwrap()).await;
    let rows = csv_rows(&csv.body);
    assert_eq!(
        rows[0],
        [
            "exchange",
            "position",
            "speaker",
            "speaker_slug",
            "role",
            "label",
            "text"
        ]
    );
    assert_eq!(rows.len(), turns.len() + 1);
    for (row, turn) in rows[1..].iter().zip(turns) {
        assert_eq!(row[1], turn["position"].to_string());
        assert_eq!(row[2], turn["speaker"].as_str().unwrap());
        assert_eq!(row[4], turn["role"].as_str().unwrap());
        let paragraphs: Vec<&str> = turn["paragraphs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p.as_str().unwrap())
            .collect();
        assert_eq!(row[6], paragraphs.join("\n\n"));
    }

    assert_eq!(
        alternate(&page, "application/json").unwrap(),
        format!("/api/v1/transcripts/{slug}")
    );

    let akn = get(&s.app, &alternate(&page, "application/akn+xml").unwrap()).await;
    assert!(
        akn.header("content-type")
            .starts_with("application/akn+xml")
    );
    const AKN: &str = "http://docs.oasis-open.org/legaldocml/ns/akn/3.0";
    let doc = roxmltree::Document::parse(&akn.body).unwrap();
    let sections: Vec<_> = doc
        .descendants()
        .filter(|n| {
            n.has_tag_name((AKN, "debateSection")) && n.attribute("name") == Some("exchange")
        })
        .collect();
    assert_eq!(sections.len(), exchanges);
    let people: Vec<String> = doc
        .descendants()
        .filter(|n| n.has_tag_name((AKN, "TLCPerson")) || n.has_tag_name((AKN, "TLCOrganization")))
        .filter_map(|n| n.attribute("eId").map(str::to_string))
        .collect();
    for section in &sections {
        let question = section
            .children()
            .filter(|c| c.has_tag_name((AKN, "question")))
            .count();
        let answers = section
            .children()
            .filter(|c| c.has_tag_name((AKN, "answer")))
            .count();
        assert_eq!(
            (question, answers > 0),
            (1, true),
            "{:?}",
            section.attribute("eId")
        );
        for speech in section
            .children()
            .filter(|c| c.is_element() && c.attribute("by").is_some())
        {
            let by = speech.attribute("by").unwrap().trim_start_matches('#');
            assert!(
                people.iter().any(|p| p == by),
                "{by} is not in the references"
            );
        }
    }
    assert!(doc.descendants().any(|n| n.has_tag_name((AKN, "FRBRWork"))));
    assert_eq!(
        get(&s.app, "/transcripts/no-such/export.csv").await.status,
        StatusCode::NOT_FOUND
    );
}

/// CSV as RFC 4180 writes it: quoted fields may hold commas, quotes and line breaks.
fn csv_rows(body: &str) -> Vec<Vec<String>> {
    let mut rows = vec![];
    let mut row = vec![];
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => field.push(c),
        }
    }
    rows
}

#[tokio::test]
async fn the_openapi_description_covers_every_api_route_and_answers_match_it() {
    let (s, slug) = seeded().await;
    let spec = get(&s.app, "/api/v1/openapi.json").await.json();
    assert!(spec["openapi"].as_str().unwrap().starts_with("3.1"));
    let paths: Vec<&str> = spec["paths"]
        .as_object()
        .unwrap()
        .keys()
        .map(|k| k.as_str())
        .collect();
    for path in [
        "/api/v1/transcripts",
        "/api/v1/transcripts/{slug}",
        "/api/v1/transcripts/{slug}/questions/{n}",
        "/api/v1/speakers",
        "/api/v1/speakers/{slug}",
        "/api/v1/topics",
        "/api/v1/topics/{slug}",
        "/api/v1/search",
    ] {
        assert!(paths.contains(&path), "{path} is not described: {paths:?}");
    }
    assert!(spec["components"]["securitySchemes"]["token"].is_object());
    // The page for people lists the same operations.
    let page = get(&s.app, "/api").await;
    let listed = page.select("[data-test=api-operation] h2 code");
    let described: usize = paths
        .iter()
        .map(|p| {
            ["get", "post"]
                .iter()
                .filter(|m| !spec["paths"][p][**m].is_null())
                .count()
        })
        .sum();
    assert_eq!(listed.len(), described, "{listed:?}");
    assert!(
        listed.contains(&"POST /api/v1/transcripts".to_string()),
        "{listed:?}"
    );
    assert!(spec["paths"]["/api/v1/transcripts"]["post"]["security"].is_array());
    // Every described GET answers at the address described, filled in from the archive.
    let topic = get(&s.app, "/api/v1/topics").await.json()["topics"][0]["slug"]
        .as_str()
        .unwrap()
        .to_string();
    for path in &paths {
        if spec["paths"][path]["get"].is_null() {
            continue;
        }
        let uri = path
            .replace("{n}", "1")
            .replace("transcripts/{slug}", &format!("transcripts/{slug}"))
            .replace("speakers/{slug}", "speakers/sergey-lavrov")
            .replace("topics/{slug}", &format!("topics/{topic}"))
            .replace("/search", "/search?q=Lavrov");
        let r = get(&s.app, &uri).await;
        assert_eq!(r.status, StatusCode::OK, "{uri}: {}", r.body);
        // The fields the description requires are there.
        let op = &spec["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
            ["$ref"];
        let name = op.as_str().unwrap().rsplit('/').next().unwrap();
        let schema = &spec["components"]["schemas"][name];
        for field in schema["required"].as_array().unwrap() {
            let field = field.as_str().unwrap();
            assert!(
                !r.json()[field].is_null()
                    || schema["properties"][field]["type"]
                        .as_array()
                        .is_some_and(|t| t.iter().any(|t| t == "null")),
                "{uri}: {field} missing"
            );
        }
    }
}

#[tokio::test]
async fn the_base_url_makes_canonical_links_feeds_and_citations_absolute() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("archive.db");
    let pool = store::open(&path).await.unwrap();
    let slug = write::import_bytes(&pool, SEED, Some("seed.txt"), None, None)
        .await
        .unwrap()
        .slug()
        .to_string();
    let state = AppState::new(pool, path, 1 << 20, Duration::from_secs(30))
        .with_base_url(Some("https://archive.example.org".into()));
    let app = stenogram::app(state);
    let page = get(&app, &format!("/transcripts/{slug}")).await;
    assert_eq!(
        page.attrs("link[rel=canonical]", "href"),
        [format!("https://archive.example.org/transcripts/{slug}")]
    );
    assert!(!page.attrs("meta[name=description]", "content")[0].is_empty());
    let exchange = get(&app, &format!("/transcripts/{slug}/questions/1")).await;
    assert!(
        exchange.select("[data-test=citation]")[0].contains(&format!(
            "https://archive.example.org/transcripts/{slug}/questions/1"
        ))
    );
    let feed = get(&app, "/transcripts/feed").await;
    assert!(
        atom_entries(&feed.body)
            .iter()
            .all(|(id, _, _)| id.starts_with("https://archive.example.org/"))
    );
}

#[tokio::test]
async fn a_read_only_replica_serves_pages_and_refuses_every_write_with_why() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("replica.db");
    let pool = store::open(&path).await.unwrap();
    let slug = write::import_bytes(&pool, SEED, Some("seed.txt"), None, None)
        .await
        .unwrap()
        .slug()
        .to_string();
    let token = store::editors::create_token(&pool, "bot").await.unwrap();
    pool.close().await;
    let before = std::fs::read(&path).unwrap();
    let pool = store::maintain::open_read_only(&path).await.unwrap();
    let app = stenogram::app(
        AppState::new(pool.clone(), path.clone(), 1 << 20, Duration::from_secs(30)).read_only(true),
    );
    for page in [
        format!("/transcripts/{slug}"),
        format!("/transcripts/{slug}/questions/1"),
        "/search?q=Ukrainian".to_string(),
        "/transcripts/feed".to_string(),
        format!("/api/v1/transcripts/{slug}"),
    ] {
        assert_eq!(get(&app, &page).await.status, StatusCode::OK, "{page}");
    }
    for page in ["/upload", "/login", &format!("/transcripts/{slug}/edit")] {
        let r = get(&app, page).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{page}");
        assert!(r.body.contains("read-only copy"), "{page}: {}", r.body);
    }
    let api = send(
        &app,
        Request::post("/api/v1/transcripts")
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::CONTENT_TYPE, "text/plain")
            .body(Body::from("Question: New?\n\nSergey Lavrov: Yes."))
            .unwrap(),
    )
    .await;
    assert_eq!(api.status, StatusCode::FORBIDDEN);
    assert!(
        api.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("read-only")
    );
    // The connection itself cannot write, whatever a handler tried.
    assert!(
        sqlx::query("DELETE FROM transcript")
            .execute(&pool)
            .await
            .is_err()
    );
    pool.close().await;
    assert!(
        std::fs::read(&path).unwrap() == before,
        "the replica's file changed"
    );
}

#[tokio::test]
async fn metrics_count_requests_by_route_and_status_and_say_what_the_archive_holds() {
    let (s, slug) = seeded().await;
    for _ in 0..3 {
        assert_eq!(
            get(&s.app, &format!("/transcripts/{slug}")).await.status,
            StatusCode::OK
        );
    }
    get(&s.app, "/transcripts/no-such-transcript").await;
    let m = get(&s.app, "/metrics").await;
    assert_eq!(m.status, StatusCode::OK);
    assert!(
        m.header("content-type")
            .starts_with("application/openmetrics-text")
    );
    let line = |prefix: &str| -> f64 {
        m.body
            .lines()
            .find(|l| l.starts_with(prefix))
            .unwrap_or_else(|| panic!("no {prefix} in\n{}", m.body))
            .rsplit(' ')
            .next()
            .unwrap()
            .parse()
            .unwrap()
    };
    assert_eq!(
        line(
            "stenogram_http_requests_total{route=\"/transcripts/{slug}\",method=\"GET\",status=\"200\"}"
        ),
        3.0
    );
    assert_eq!(
        line(
            "stenogram_http_requests_total{route=\"/transcripts/{slug}\",method=\"GET\",status=\"404\"}"
        ),
        1.0
    );
    assert_eq!(
        line("stenogram_http_request_duration_seconds_count{route=\"/transcripts/{slug}\"}"),
        4.0
    );
    assert_eq!(line("stenogram_archive_items{kind=\"transcripts\"}"), 1.0);
    assert!(line("stenogram_database_bytes") > 0.0);
    // The transcript page the reader asked for three times is kept once.
    let kept = line("stenogram_page_cache_bytes");
    assert!(kept > 0.0 && kept < 64.0 * 1024.0 * 1024.0, "{kept}");
    assert!(m.body.trim_end().ends_with("# EOF"));
}

#[tokio::test]
async fn an_exchange_is_cited_as_text_bibtex_and_csl_json_with_who_asked_and_where() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("archive.db");
    let pool = store::open(&path).await.unwrap();
    let text = "Press conference in Geneva, 3 March 2026\n\nQuestion (Reuters): Will the talks resume?\n\nSergey Lavrov: They will, in April.\n";
    let slug = write::import_bytes(&pool, text.as_bytes(), Some("geneva.txt"), None, None)
        .await
        .unwrap()
        .slug()
        .to_string();
    sqlx::query("UPDATE transcript SET source_url = 'https://www.mid.ru/en/press/1'")
        .execute(&pool)
        .await
        .unwrap();
    let app = stenogram::app(AppState::new(pool, path, 1 << 20, Duration::from_secs(30)));
    let r = get(&app, &format!("/transcripts/{slug}/questions/1")).await;
    let permalink = format!("http://archive.test/transcripts/{slug}/questions/1");
    let citation = r.select("[data-test=citation]").join("");
    for part in [
        "Sergey Lavrov",
        "Reuters",
        "3 March 2026",
        "mid.ru",
        "https://www.mid.ru/en/press/1",
        &permalink,
        "accessed 20",
    ] {
        assert!(citation.contains(part), "{part} is not in {citation}");
    }
    assert_eq!(r.select("[data-test=print-cite]").join(""), citation);
    let bibtex = r.select("[data-test=bibtex]").join("");
    assert!(
        bibtex.starts_with(&format!("@misc{{{slug}-q1,")),
        "{bibtex}"
    );
    assert!(
        bibtex.contains(&format!("url = {{{permalink}}}")),
        "{bibtex}"
    );
    let csl: serde_json::Value =
        serde_json::from_str(&r.select("[data-test=csl-json]").join("")).unwrap();
    assert_eq!(csl[0]["URL"], permalink.as_str());
    assert_eq!(
        csl[0]["issued"]["date-parts"][0],
        serde_json::json!([2026, 3, 3])
    );
}

#[tokio::test]
async fn a_republication_is_named_on_review_and_becomes_another_source_of_the_transcript() {
    let (s, slug) = seeded().await;
    let who = sign_in(&s).await;
    // The seed saved again elsewhere: other line breaks and spacing, the same words.
    let copy = String::from_utf8_lossy(SEED)
        .replace("\n\n", "\n\n\n")
        .replace(". ", ".  ");
    let (_, review) = draft_for_review(&s, &who, "repost.txt", copy.as_bytes()).await;
    let notice = review.select("[data-test=republication]").join(" ");
    assert!(notice.contains("the same text"), "{}", review.body);
    assert!(
        review.attrs("[data-test=republication] a", "href") == [format!("/transcripts/{slug}")]
    );
    let stored = write::import_bytes(&s.pool, copy.as_bytes(), Some("repost.txt"), None, None)
        .await
        .unwrap();
    assert_eq!(stored.slug(), slug);
    assert!(matches!(
        stored,
        stenogram::store::Imported::Existing { .. }
    ));
    assert_eq!(transcripts(&s.pool).await, 1);
    tokio::time::sleep(Duration::from_millis(150)).await;
    let page = get(&s.app, &format!("/transcripts/{slug}")).await;
    assert!(
        page.select("[data-test=republications]")
            .join("")
            .contains("repost.txt"),
        "{}",
        page.body
    );
    // Search shows the text once.
    let hits = get(&s.app, "/api/v1/search?q=%22Minsk+agreements%22")
        .await
        .json();
    let slugs: Vec<&str> = hits["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["slug"].as_str().unwrap())
        .collect();
    assert!(
        slugs.iter().all(|s| *s == slug) && !slugs.is_empty(),
        "{slugs:?}"
    );
}

/// A page as a signed-in editor sees it.
async fn get_signed(s: &Site, who: &Signed, uri: &str) -> Reply {
    send(
        &s.app,
        Request::get(uri)
            .header(header::COOKIE, who.cookie.clone())
            .body(Body::empty())
            .unwrap(),
    )
    .await
}

/// The kinds of a transcript's history, newest first.
async fn history_kinds(s: &Site, slug: &str) -> Vec<String> {
    let r = get(&s.app, &format!("/transcripts/{slug}/history")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.attrs("[data-test=correction]", "data-kind")
}

#[tokio::test]
async fn a_role_changed_on_a_published_transcript_survives_reindex_is_in_the_history_and_undo_restores_it()
 {
    let (s, slug) = seeded().await;
    let who = sign_in(&s).await;
    let page = get_signed(&s, &who, &format!("/transcripts/{slug}/edit")).await;
    assert_eq!(page.status, StatusCode::OK);
    // The editor's form holds every turn's role; the fifth turn becomes a remark.
    let roles = page.attrs("[data-test=turns] select option[selected]", "value");
    assert_eq!(roles.len(), 9, "one role per turn");
    let before: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM exchange WHERE transcript_id = (SELECT id FROM transcript WHERE slug = ?)",
    )
    .bind(&slug)
    .fetch_one(&s.pool)
    .await
    .unwrap();
    let question = roles.iter().position(|r| r == "question").unwrap();
    let mut body = format!(
        "csrf={}&title={}&date=2025-11-26&place=&source_url=&reason=the+moderator+asked+nothing",
        who.csrf,
        page.attrs("input[name=title]", "value")[0].replace(' ', "+")
    );
    for (i, role) in roles.iter().enumerate() {
        let role = if i == question { "remark" } else { role };
        body.push_str(&format!("&role-{i}={role}"));
    }
    let r = post_form(&s, &who, &format!("/transcripts/{slug}/edit"), body).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        r.header("location"),
        format!("/transcripts/{slug}/history?saved=1")
    );
    let saved = get(&s.app, &r.header("location")).await;
    assert_eq!(saved.select("[data-test=saved]"), ["1 correction saved."]);
    let roles_now = |s: &Site| {
        let pool = s.pool.clone();
        let slug = slug.clone();
        async move {
            sqlx::query_scalar::<_, String>(
                "SELECT t.role FROM turn t JOIN transcript tr ON tr.id = t.transcript_id WHERE tr.slug = ? ORDER BY t.position",
            )
            .bind(slug)
            .fetch_all(&pool)
            .await
            .unwrap()
        }
    };
    assert_eq!(roles_now(&s).await[question], "remark");
    let exchanges = |s: &Site| {
        let pool = s.pool.clone();
        let slug = slug.clone();
        async move {
            sqlx::query_scalar::<_, i64>(
                "SELECT count(*) FROM exchange WHERE transcript_id = (SELECT id FROM transcript WHERE slug = ?)",
            )
            .bind(slug)
            .fetch_one(&pool)
            .await
            .unwrap()
        }
    };
    assert_eq!(
        exchanges(&s).await,
        before - 1,
        "the exchanges are grouped again"
    );
    // Reindex derives the transcript from its reading and its corrections: the role stays.
    store::write::reindex(&s.pool).await.unwrap();
    assert_eq!(roles_now(&s).await[question], "remark");
    let page = get(&s.app, &format!("/transcripts/{slug}")).await;
    assert!(
        page.select("[data-test=corrected]")[0].contains("1 correction"),
        "the transcript says it was corrected"
    );
    let history = get(&s.app, &format!("/transcripts/{slug}/history")).await;
    let row = history.select("[data-test=correction]")[0].clone();
    assert!(
        row.contains("Role") && row.contains("question") && row.contains("remark"),
        "{row}"
    );
    assert!(
        row.contains("editor") && row.contains("the moderator asked nothing"),
        "{row}"
    );
    // The API says the same.
    let api = get(&s.app, &format!("/api/v1/transcripts/{slug}/history")).await;
    assert_eq!(api.json()["corrections"][0]["kind"], "role");
    assert_eq!(api.json()["corrections"][0]["before"], "question");
    // Undo: a confirmation page, then the earlier role is back and the history keeps both.
    let undo = history.attrs("[data-test=undo]", "href")[0].clone();
    let confirm = get_signed(&s, &who, &undo).await;
    assert_eq!(confirm.status, StatusCode::OK);
    let r = post_form(&s, &who, &undo, format!("csrf={}", who.csrf)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(roles_now(&s).await[question], "question");
    assert_eq!(exchanges(&s).await, before);
    let history = get(&s.app, &format!("/transcripts/{slug}/history")).await;
    assert_eq!(history.select("[data-test=undone-at]").len(), 1);
    assert!(
        get(&s.app, &format!("/transcripts/{slug}"))
            .await
            .select("[data-test=corrected]")
            .is_empty()
    );
    // A second undo is refused with a reason, not an error page.
    let r = post_form(&s, &who, &undo, format!("csrf={}", who.csrf)).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.body.contains("already undone"));
    // And the undo survives reindex too.
    store::write::reindex(&s.pool).await.unwrap();
    assert_eq!(roles_now(&s).await[question], "question");
}

#[tokio::test]
async fn a_speaker_reassigned_in_review_is_the_one_published_and_is_in_the_history() {
    let (s, seed) = seeded().await;
    let who = sign_in(&s).await;
    let lavrov: i64 = sqlx::query_scalar("SELECT id FROM speaker WHERE slug = 'sergey-lavrov'")
        .fetch_one(&s.pool)
        .await
        .unwrap();
    let text = "Press statements, 3 March 2026\n\nThe Minister: Good afternoon. We spoke about the talks at length today.\n\nQuestion: What of the talks, and of the sanctions?\n\nThe Minister: They go on, and we will say more tomorrow.\n";
    let (draft, review) = draft_for_review(&s, &who, "statements.txt", text.as_bytes()).await;
    let labels = review.select("[data-test=labels] tbody tr td:first-child");
    let minister = labels.iter().position(|l| l == "The Minister").unwrap();
    let body = format!(
        "csrf={}&title=Press+statements+in+Minsk&date=2026-03-03&place=&source_url=&speaker-{minister}=Sergey+Lavrov+%23{lavrov}&then=publish",
        who.csrf
    );
    let r = post_form(&s, &who, &draft, body).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let slug = r
        .header("location")
        .trim_start_matches("/transcripts/")
        .to_string();
    let given = |s: &Site| {
        let pool = s.pool.clone();
        let slug = slug.clone();
        async move {
            sqlx::query_scalar::<_, String>(
                "SELECT DISTINCT sp.slug FROM turn t JOIN speaker sp ON sp.id = t.speaker_id JOIN transcript tr ON tr.id = t.transcript_id \
                 WHERE tr.slug = ? AND t.label = 'The Minister'",
            )
            .bind(slug)
            .fetch_all(&pool)
            .await
            .unwrap()
        }
    };
    assert_eq!(given(&s).await, ["sergey-lavrov"]);
    let kinds = history_kinds(&s, &slug).await;
    assert!(kinds.contains(&"speaker".to_string()), "{kinds:?}");
    assert!(kinds.contains(&"title".to_string()), "{kinds:?}");
    let history = get(&s.app, &format!("/transcripts/{slug}/history")).await;
    assert!(history.body.contains("review before publishing"));
    store::write::reindex(&s.pool).await.unwrap();
    assert_eq!(given(&s).await, ["sergey-lavrov"]);
    // The seed's own history is empty, and says so.
    let empty = get(&s.app, &format!("/transcripts/{seed}/history")).await;
    assert_eq!(empty.select("[data-test=no-corrections]").len(), 1);
}

#[tokio::test]
async fn the_unlabelled_opening_goes_to_the_speaker_an_editor_names_even_a_new_one() {
    let s = site().await;
    let who = sign_in(&s).await;
    let text = "Remarks, 4 March 2026\n\nGood morning, everyone, and thank you for coming to this briefing today.\n\nQ: Will the talks resume?\n\nMS. DOE: They will, next week, in Geneva.\n";
    let slug = write::import_bytes(&s.pool, text.as_bytes(), Some("remarks.txt"), None, None)
        .await
        .unwrap()
        .slug()
        .to_string();
    let page = get_signed(&s, &who, &format!("/transcripts/{slug}/edit")).await;
    let labels = page.select("[data-test=labels] tbody tr td:first-child");
    let opening = labels.iter().position(|l| l == "(unlabelled)").unwrap();
    let body = format!(
        "csrf={}&title=Remarks&date=2026-03-04&place=&source_url=&speaker-{opening}=Jane+Roe",
        who.csrf
    );
    let r = post_form(&s, &who, &format!("/transcripts/{slug}/edit"), body).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let first = || async {
        sqlx::query_scalar::<_, String>(
            "SELECT sp.name FROM turn t JOIN speaker sp ON sp.id = t.speaker_id WHERE t.position = 0 \
             AND t.transcript_id = (SELECT id FROM transcript WHERE slug = ?)",
        )
        .bind(&slug)
        .fetch_one(&s.pool)
        .await
        .unwrap()
    };
    assert_eq!(first().await, "Jane Roe");
    store::write::reindex(&s.pool).await.unwrap();
    assert_eq!(first().await, "Jane Roe");
    let page = get(&s.app, "/speakers/jane-roe").await;
    assert_eq!(page.status, StatusCode::OK);
}

#[tokio::test]
async fn topics_and_speakers_renamed_and_merged_keep_their_addresses_and_survive_reindex() {
    let (s, slug) = seeded().await;
    let who = sign_in(&s).await;
    // A topic renamed keeps its address; its old name finds it on the next reading.
    let edit = get_signed(&s, &who, "/topics/ukraine/edit").await;
    assert_eq!(edit.status, StatusCode::OK);
    let r = post_form(
        &s,
        &who,
        "/topics/ukraine/rename",
        format!("csrf={}&name=Ukraine+crisis&reason=house+style", who.csrf),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        get(&s.app, "/topics/ukraine").await.select("h1"),
        ["Ukraine crisis"]
    );
    // A rename onto another topic's name is refused: merging is the way.
    let r = post_form(
        &s,
        &who,
        "/topics/ukraine/rename",
        format!("csrf={}&name=Belarus", who.csrf),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.body.contains("/topics/belarus"), "{}", r.body);
    // A speaker renamed moves to the new address; the old one redirects.
    let r = post_form(
        &s,
        &who,
        "/speakers/sergey-lavrov/rename",
        format!("csrf={}&name=Sergey+V.+Lavrov", who.csrf),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let new = r.header("location");
    assert_eq!(new, "/speakers/sergey-v-lavrov");
    let old = get(&s.app, "/speakers/sergey-lavrov").await;
    assert_eq!(old.status, StatusCode::MOVED_PERMANENTLY);
    assert_eq!(old.header("location"), new);
    // A second speaker merged into the first: every turn moves, the address redirects.
    let speakers: Vec<(String, i64)> = sqlx::query_as(
        "SELECT s.slug, st.turns FROM speaker s JOIN speaker_stat st ON st.speaker_id = s.id \
         WHERE s.slug <> 'sergey-v-lavrov' AND st.turns > 0 ORDER BY st.turns DESC LIMIT 1",
    )
    .fetch_all(&s.pool)
    .await
    .unwrap();
    let (other, turns) = speakers[0].clone();
    let lavrov_turns = || async {
        sqlx::query_scalar::<_, i64>(
            "SELECT turns FROM speaker_stat WHERE speaker_id = (SELECT id FROM speaker WHERE slug = 'sergey-v-lavrov')",
        )
        .fetch_one(&s.pool)
        .await
        .unwrap()
    };
    let before = lavrov_turns().await;
    let r = post_form(
        &s,
        &who,
        "/speakers/merge",
        format!(
            "csrf={}&from={other}&into=%2Fspeakers%2Fsergey-v-lavrov",
            who.csrf
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(lavrov_turns().await, before + turns);
    // Reindex reads every name again: the renamed and merged names still find the speaker
    // kept, and the renamed topic keeps its name and address.
    store::write::reindex(&s.pool).await.unwrap();
    assert_eq!(lavrov_turns().await, before + turns);
    let gone = get(&s.app, &format!("/speakers/{other}")).await;
    assert_eq!(gone.status, StatusCode::MOVED_PERMANENTLY);
    assert_eq!(gone.header("location"), "/speakers/sergey-v-lavrov");
    assert_eq!(
        get(&s.app, "/topics/ukraine").await.select("h1"),
        ["Ukraine crisis"]
    );
    let renamed: i64 =
        sqlx::query_scalar("SELECT count(*) FROM speaker WHERE slug = 'sergey-lavrov'")
            .fetch_one(&s.pool)
            .await
            .unwrap();
    assert_eq!(renamed, 0, "the old name made no speaker again");
    // The archive's corrections list all three, newest first.
    let list = get(&s.app, "/corrections").await;
    assert_eq!(
        list.attrs("[data-test=correction]", "data-kind"),
        ["speaker-merge", "speaker-rename", "topic-rename"]
    );
    // The exchange's topic tools are a page of their own, for editors.
    let tools = get_signed(&s, &who, &format!("/transcripts/{slug}/questions/1/topics")).await;
    assert_eq!(tools.status, StatusCode::OK);
    assert!(!tools.select("[data-test=exchange-topics] li").is_empty());
}

#[tokio::test]
async fn a_transcript_page_larger_than_the_page_cache_holds_answers_200_to_anyone() {
    let s = site().await;
    // About 5 MB of text: over the page cache's limit for one page.
    let mut text = String::from("Briefing, 5 March 2026\n\n");
    let answer = "MR. PRICE: ".to_string()
        + &"We continue to work with our partners on every part of it. ".repeat(40)
        + "\n\n";
    while text.len() < 5_200_000 {
        text.push_str("Q: What is the latest on the negotiations in the region today?\n\n");
        text.push_str(&answer);
    }
    let s2 = site_with(8 * 1024 * 1024).await;
    drop(s);
    let slug = write::import_bytes(&s2.pool, text.as_bytes(), Some("long.txt"), None, None)
        .await
        .unwrap()
        .slug()
        .to_string();
    for _ in 0..2 {
        let r = get(&s2.app, &format!("/transcripts/{slug}")).await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.body.len() > 5_000_000, "{}", r.body.len());
    }
}

#[tokio::test]
async fn a_form_over_the_limit_is_refused_with_the_real_limit() {
    let s = site_with(1024).await;
    let form = get(&s.app, "/login").await;
    let cookie = form
        .header("set-cookie")
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let big = "x".repeat(300 * 1024);
    let r = send(
        &s.app,
        Request::post("/login")
            .header(header::COOKIE, cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(format!("name=editor&password={big}")))
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    let limit = 1024 + 256 * 1024;
    assert!(
        r.body.contains(&format!("limit of {limit} bytes")),
        "{}",
        r.body
    );
}

#[tokio::test]
async fn a_hidden_topic_leaves_every_exchange_answers_410_survives_reindex_and_undo_brings_it_back()
{
    let (s, _slug) = seeded().await;
    let who = sign_in(&s).await;
    let links = || async {
        sqlx::query_scalar::<_, i64>(
            "SELECT count(*) FROM exchange_topic WHERE topic_id = (SELECT id FROM topic WHERE slug = 'belarus')",
        )
        .fetch_one(&s.pool)
        .await
        .unwrap()
    };
    let before = links().await;
    assert!(before > 0, "the seed files exchanges under Belarus");
    // Hiding needs the editor's token.
    let r = post_form(&s, &who, "/topics/belarus/hide", "csrf=wrong".to_string()).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(links().await, before);
    let r = post_form(
        &s,
        &who,
        "/topics/belarus/hide",
        format!("csrf={}&reason=not+a+theme+here", who.csrf),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let edit = get_signed(&s, &who, &r.header("location")).await;
    assert_eq!(
        edit.select("[data-test=hidden]").len(),
        1,
        "the editor is told it worked"
    );
    assert!(
        edit.body.contains(&format!("taken from {before} exchange")),
        "{}",
        edit.body
    );
    assert_eq!(links().await, 0);
    // Readers are told what happened, in the page, the API and the feed.
    let page = get(&s.app, "/topics/belarus").await;
    assert_eq!(page.status, StatusCode::GONE);
    assert!(page.body.contains("not a theme here"), "{}", page.body);
    assert_eq!(
        get(&s.app, "/api/v1/topics/belarus").await.status,
        StatusCode::GONE
    );
    assert_eq!(
        get(&s.app, "/topics/belarus/feed").await.status,
        StatusCode::GONE
    );
    let index = get(&s.app, "/topics").await;
    assert!(!index.body.contains("/topics/belarus\""), "{}", index.body);
    // No later reading files anything under it again.
    store::write::reindex(&s.pool).await.unwrap();
    assert_eq!(links().await, 0);
    assert_eq!(
        get(&s.app, "/topics/belarus").await.status,
        StatusCode::GONE
    );
    let list = get(&s.app, "/corrections").await;
    let kinds = list.attrs("[data-test=correction]", "data-kind");
    assert!(kinds.contains(&"topic-hide".to_string()), "{kinds:?}");
    // Undone from its history entry: the exchanges get it back.
    undo_the(&s, &who, "topic-hide").await;
    assert_eq!(links().await, before);
    assert_eq!(get(&s.app, "/topics/belarus").await.status, StatusCode::OK);
}

/// Two briefings where the reading gives the turns printed `ADMIRAL KIRBY` to John Kirby.
const KIRBY_A: &str = "Press Briefing by National Security Communications Adviser John Kirby, 3 March 2024\n\n\
MR. KIRBY: Good afternoon. We have news on the talks in Cairo today.\n\n\
Q: What about the ceasefire in the south?\n\n\
MR. KIRBY: We are working on it every day with our partners.\n\n\
Q: And the hostages held in the tunnels?\n\n\
ADMIRAL KIRBY: We will not stop until every one of them is home.\n";
const KIRBY_B: &str = "Press Briefing by National Security Communications Adviser John Kirby, 5 March 2024\n\n\
MR. KIRBY: Good morning. A few words on the aid convoys first.\n\n\
Q: Will the convoys reach the north this week?\n\n\
ADMIRAL KIRBY: They will, if the crossings open as promised.\n";

/// Each label's speaker, as (label, speaker slug, turns).
async fn labelled(pool: &sqlx::SqlitePool) -> Vec<(String, String, i64)> {
    sqlx::query_as(
        "SELECT t.label, s.slug, count(*) FROM turn t JOIN speaker s ON s.id = t.speaker_id \
         WHERE t.label LIKE '%KIRBY' GROUP BY 1, 2 ORDER BY 1, 2",
    )
    .fetch_all(pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn a_label_split_off_a_speaker_goes_to_the_other_speaker_everywhere_survives_reindex_and_undo_gives_it_back()
 {
    let s = site().await;
    for (name, text) in [("a.txt", KIRBY_A), ("b.txt", KIRBY_B)] {
        write::import_bytes(&s.pool, text.as_bytes(), Some(name), None, None)
            .await
            .unwrap();
    }
    let row = |label: &str, slug: &str, n: i64| (label.to_string(), slug.to_string(), n);
    assert_eq!(
        labelled(&s.pool).await,
        [
            row("ADMIRAL KIRBY", "john-kirby", 2),
            row("MR. KIRBY", "john-kirby", 3)
        ]
    );
    let who = sign_in(&s).await;
    let page = get_signed(&s, &who, "/speakers/john-kirby/edit").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(
        page.select("select[name=label] option"),
        [
            "MR. KIRBY (3 turns in 2 transcripts)",
            "ADMIRAL KIRBY (2 turns in 2 transcripts)"
        ]
    );
    // Neither a stored speaker nor a new one, or both: the form says what to give.
    for body in [
        "label=ADMIRAL+KIRBY",
        "label=ADMIRAL+KIRBY&to=john-kirby&name=X",
    ] {
        let r = post_form(
            &s,
            &who,
            "/speakers/john-kirby/split",
            format!("csrf={}&{body}", who.csrf),
        )
        .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    }
    // A label the speaker is never printed as is refused, naming the labels they have.
    let r = post_form(
        &s,
        &who,
        "/speakers/john-kirby/split",
        format!("csrf={}&label=MS.+PSAKI&name=Jen+Psaki", who.csrf),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(r.body.contains("ADMIRAL KIRBY"), "{}", r.body);
    // Split, with the label in another case: every transcript's turns under it move.
    let r = post_form(
        &s,
        &who,
        "/speakers/john-kirby/split",
        format!(
            "csrf={}&label=Admiral+Kirby&name=Admiral+Kirby&kind=person&reason=another+Kirby",
            who.csrf
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        r.header("location"),
        "/speakers/john-kirby/edit?split=2&to=admiral-kirby"
    );
    let after = [
        row("ADMIRAL KIRBY", "admiral-kirby", 2),
        row("MR. KIRBY", "john-kirby", 3),
    ];
    assert_eq!(labelled(&s.pool).await, after);
    let page = get_signed(
        &s,
        &who,
        "/speakers/john-kirby/edit?split=2&to=admiral-kirby",
    )
    .await;
    assert_eq!(
        page.select("[data-test=split] a"),
        ["/speakers/admiral-kirby"]
    );
    assert_eq!(
        get(&s.app, "/speakers/admiral-kirby").await.status,
        StatusCode::OK
    );
    // Splitting the one label a speaker has left would empty them: renaming is the way.
    let r = post_form(
        &s,
        &who,
        "/speakers/john-kirby/split",
        format!("csrf={}&label=MR.+KIRBY&name=Mr+Kirby", who.csrf),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(r.body.contains("rename"), "{}", r.body);
    // A later transcript and a reindex read the label the same way.
    let c = KIRBY_B
        .replace("5 March", "7 March")
        .replace("this week", "next week");
    write::import_bytes(&s.pool, c.as_bytes(), Some("c.txt"), None, None)
        .await
        .unwrap();
    store::write::reindex(&s.pool).await.unwrap();
    let after = [
        row("ADMIRAL KIRBY", "admiral-kirby", 3),
        row("MR. KIRBY", "john-kirby", 4),
    ];
    assert_eq!(labelled(&s.pool).await, after);
    // The archive's history lists it, with what it was and who made it.
    let list = get(&s.app, "/corrections").await;
    assert_eq!(
        list.attrs("[data-test=correction]", "data-kind"),
        ["speaker-split"]
    );
    assert!(list.body.contains("another Kirby"), "{}", list.body);
    // Undone: the turns go back to whom the reading gives them, and the emptied speaker's
    // address leads there.
    undo_the(&s, &who, "speaker-split").await;
    let back = [
        row("ADMIRAL KIRBY", "john-kirby", 3),
        row("MR. KIRBY", "john-kirby", 4),
    ];
    assert_eq!(labelled(&s.pool).await, back);
    let gone = get(&s.app, "/speakers/admiral-kirby").await;
    assert_eq!(gone.status, StatusCode::MOVED_PERMANENTLY);
    assert_eq!(gone.header("location"), "/speakers/john-kirby");
    store::write::reindex(&s.pool).await.unwrap();
    assert_eq!(labelled(&s.pool).await, back);
}

/// Undoes, as an editor from its history entry, the one correction of this kind.
async fn undo_the(s: &Site, who: &Signed, kind: &str) {
    let r = ask_undo(s, who, kind).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
}

/// Asks, as an editor from its history entry, to undo the one correction of this kind.
async fn ask_undo(s: &Site, who: &Signed, kind: &str) -> Reply {
    let id: i64 = sqlx::query_scalar("SELECT id FROM correction WHERE kind = ?")
        .bind(kind)
        .fetch_one(&s.pool)
        .await
        .unwrap();
    post_form(
        s,
        who,
        &format!("/corrections/{id}/undo"),
        format!("csrf={}", who.csrf),
    )
    .await
}

#[tokio::test]
async fn a_person_who_speaks_and_is_spoken_of_is_one_entity_on_the_speaker_and_topic_pages() {
    let s = with_february_2021().await;
    // Jake Sullivan briefs, and reporters ask about him.
    let topic = get(&s.app, "/topics/jake-sullivan").await;
    assert_eq!(topic.status, StatusCode::OK);
    assert_eq!(
        topic.attrs("[data-test=also-speaker] a", "href"),
        ["/speakers/jake-sullivan"]
    );
    let speaker = get(&s.app, "/speakers/jake-sullivan").await;
    assert_eq!(
        speaker.attrs("[data-test=also-topic] a", "href"),
        ["/topics/jake-sullivan"]
    );
    assert_eq!(
        get(&s.app, "/api/v1/speakers/jake-sullivan").await.json()["topic"],
        "jake-sullivan"
    );
    assert_eq!(
        get(&s.app, "/api/v1/topics/jake-sullivan").await.json()["speaker"],
        "jake-sullivan"
    );
    // Someone spoken of who never speaks here has no speaker page to lead to.
    let putin = get(&s.app, "/topics/vladimir-putin").await;
    assert_eq!(putin.status, StatusCode::OK);
    assert!(putin.select("[data-test=also-speaker]").is_empty());
    assert_eq!(
        get(&s.app, "/api/v1/topics/vladimir-putin").await.json()["speaker"],
        serde_json::Value::Null
    );
    // Renamed, the speaker is still the topic: the old name stays theirs.
    let who = sign_in(&s).await;
    let r = post_form(
        &s,
        &who,
        "/speakers/jake-sullivan/rename",
        format!("csrf={}&name=Jacob+Jeremiah+Sullivan", who.csrf),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let topic = get(&s.app, "/topics/jake-sullivan").await;
    assert_eq!(
        topic.attrs("[data-test=also-speaker] a", "href"),
        ["/speakers/jacob-jeremiah-sullivan"]
    );
    let speaker = get(&s.app, "/speakers/jacob-jeremiah-sullivan").await;
    assert_eq!(
        speaker.attrs("[data-test=also-topic] a", "href"),
        ["/topics/jake-sullivan"]
    );
}

/// Every turn's speaker and every exchange's topics, as (transcript, position, speaker slug)
/// and (transcript, exchange, topic slug).
async fn attribution(
    pool: &sqlx::SqlitePool,
) -> (Vec<(i64, i64, String)>, Vec<(i64, i64, String)>) {
    let turns = sqlx::query_as(
        "SELECT t.transcript_id, t.position, s.slug FROM turn t JOIN speaker s ON s.id = t.speaker_id ORDER BY 1, 2",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    let topics = sqlx::query_as(
        "SELECT e.transcript_id, e.number, tp.slug FROM exchange_topic et JOIN exchange e ON e.id = et.exchange_id \
         JOIN topic tp ON tp.id = et.topic_id ORDER BY 1, 2, 3",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    (turns, topics)
}

#[tokio::test]
async fn a_merge_undone_from_the_history_gives_back_the_speaker_or_topic_and_all_it_had() {
    let s = with_february_2021().await;
    let before = attribution(&s.pool).await;
    let who = sign_in(&s).await;
    for (form, kept, gone) in [
        ("/speakers/merge", "jen-psaki", "jake-sullivan"),
        ("/topics/merge", "vladimir-putin", "donald-trump"),
    ] {
        let r = post_form(
            &s,
            &who,
            form,
            format!("csrf={}&from={gone}&into={kept}", who.csrf),
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    }
    assert_ne!(attribution(&s.pool).await, before);
    for gone in ["/speakers/jake-sullivan", "/topics/donald-trump"] {
        assert_eq!(
            get(&s.app, gone).await.status,
            StatusCode::MOVED_PERMANENTLY
        );
    }
    // The history offers to undo each merge, and undoing gives back what was.
    let list = get(&s.app, "/corrections").await;
    assert_eq!(
        list.attrs("[data-test=undo]", "href").len(),
        2,
        "{}",
        list.body
    );
    undo_the(&s, &who, "speaker-merge").await;
    undo_the(&s, &who, "topic-merge").await;
    assert_eq!(attribution(&s.pool).await, before);
    for back in ["/speakers/jake-sullivan", "/topics/donald-trump"] {
        assert_eq!(get(&s.app, back).await.status, StatusCode::OK, "{back}");
    }
    // And so it stays when the archive is read again.
    store::write::reindex(&s.pool).await.unwrap();
    assert_eq!(attribution(&s.pool).await, before);
    let list = get(&s.app, "/corrections").await;
    assert_eq!(
        list.select("[data-test=undone-at]").len(),
        2,
        "{}",
        list.body
    );
}

/// A site holding the seed and the White House briefings of February 2021.
async fn with_february_2021() -> Site {
    let s = site().await;
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let summary = stenogram::commands::import(
        &s.pool,
        &[
            root.join("seed"),
            root.join("wh-briefings/press-briefings/2021-02"),
        ],
    )
    .await;
    assert!(summary.failed.is_empty(), "{:?}", summary.failed);
    s
}

#[tokio::test]
async fn a_speaker_given_another_kind_is_listed_under_it_survives_reindex_and_undo_gives_it_back() {
    let s = site().await;
    for (name, text) in [("a.txt", KIRBY_A), ("b.txt", KIRBY_B)] {
        write::import_bytes(&s.pool, text.as_bytes(), Some(name), None, None)
            .await
            .unwrap();
    }
    let kind = || async {
        sqlx::query_scalar::<_, String>("SELECT kind FROM speaker WHERE slug = 'john-kirby'")
            .fetch_one(&s.pool)
            .await
            .unwrap()
    };
    assert_eq!(kind().await, "person");
    let who = sign_in(&s).await;
    let page = get_signed(&s, &who, "/speakers/john-kirby/edit").await;
    assert_eq!(
        page.attrs("[data-test=kind] option[selected]", "value"),
        ["person"]
    );
    let bad = post_form(
        &s,
        &who,
        "/speakers/john-kirby/kind",
        format!("csrf={}&kind=robot", who.csrf),
    )
    .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("robot"), "{}", bad.body);
    let r = post_form(
        &s,
        &who,
        "/speakers/john-kirby/kind",
        format!("csrf={}&kind=anonymous&reason=the+office", who.csrf),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(kind().await, "anonymous");
    let listed = get(&s.app, "/speakers?kind=anonymous").await;
    assert!(
        listed
            .attrs("a", "href")
            .contains(&"/speakers/john-kirby".to_string()),
        "{}",
        listed.body
    );
    // A reading of the same labels still finds them, under the kind the editor gave.
    let turns = || async {
        sqlx::query_scalar::<_, i64>(
            "SELECT count(*) FROM turn WHERE speaker_id = (SELECT id FROM speaker WHERE slug = 'john-kirby')",
        )
        .fetch_one(&s.pool)
        .await
        .unwrap()
    };
    let n = turns().await;
    assert_eq!(n, 5);
    store::write::reindex(&s.pool).await.unwrap();
    assert_eq!((kind().await, turns().await), ("anonymous".to_string(), n));
    let list = get(&s.app, "/corrections").await;
    assert_eq!(
        list.attrs("[data-test=correction]", "data-kind"),
        ["speaker-kind"]
    );
    undo_the(&s, &who, "speaker-kind").await;
    assert_eq!(kind().await, "person");
    store::write::reindex(&s.pool).await.unwrap();
    assert_eq!((kind().await, turns().await), ("person".to_string(), n));
}

#[tokio::test]
async fn a_split_to_a_stored_speaker_works_and_every_wrong_target_or_blocked_undo_is_refused() {
    let s = site().await;
    for (name, text) in [("a.txt", KIRBY_A), ("b.txt", KIRBY_B)] {
        write::import_bytes(&s.pool, text.as_bytes(), Some(name), None, None)
            .await
            .unwrap();
    }
    let who = sign_in(&s).await;
    let split = |body: String| post_form(&s, &who, "/speakers/john-kirby/split", body);
    // To itself, or to an address no speaker has: nothing is written.
    for to in ["john-kirby", "%2Fspeakers%2Fnobody"] {
        let r = split(format!("csrf={}&label=ADMIRAL+KIRBY&to={to}", who.csrf)).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{to}: {}", r.body);
    }
    assert_eq!(
        labelled(&s.pool).await[0],
        ("ADMIRAL KIRBY".to_string(), "john-kirby".to_string(), 2)
    );
    // To a stored speaker, named as the suggestions show it.
    let r = split(format!(
        "csrf={}&label=ADMIRAL+KIRBY&to=Unnamed+questioner+%28unnamed-questioner%29",
        who.csrf
    ))
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        labelled(&s.pool).await[0],
        (
            "ADMIRAL KIRBY".to_string(),
            "unnamed-questioner".to_string(),
            2
        )
    );
    // The reading before any correction is there for a transcript, and a 404 for none.
    assert_eq!(
        get(&s.app, "/transcripts/no-such-transcript/as-read")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // A merge whose speaker's name another has taken since is not undone, and says why.
    let r = post_form(
        &s,
        &who,
        "/speakers/merge",
        format!("csrf={}&from=john-kirby&into=unnamed-questioner", who.csrf),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // Another speaker takes the name back.
    store::corrections::split_speaker(
        &s.pool,
        "unnamed-questioner",
        "MR. KIRBY",
        store::corrections::SplitTo::New {
            name: "John Kirby",
            kind: stenogram::parse::SpeakerKind::Person,
        },
        store::corrections::Who::default(),
    )
    .await
    .unwrap();
    let r = ask_undo(&s, &who, "speaker-merge").await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(r.body.contains("/speakers/john-kirby"), "{}", r.body);
}

const UN_BRIEFING: &str = "---\ntitle: Press encounter at Headquarters\ndate: '2003-05-05'\nsource_url: https://press.un.org/en/2003/sgsm0001.doc.htm\n---\n\nTHE SECRETARY-GENERAL: Good morning. I have a short statement on Iraq and then I will take your questions.\n\nQUESTION: What about the oil-for-food programme?\n\nTHE SECRETARY-GENERAL: We are working on it with the Council, and I expect a decision soon.\n";

#[tokio::test]
async fn an_office_holder_an_editor_adds_names_the_role_label_and_shows_on_the_speaker_page() {
    let s = site().await;
    write::import_bytes(&s.pool, UN_BRIEFING.as_bytes(), Some("un.md"), None, None)
        .await
        .unwrap();
    let speaker_of_role = || async {
        sqlx::query_scalar::<_, String>(
            "SELECT s.name FROM turn t JOIN speaker s ON s.id = t.speaker_id WHERE t.label = 'THE SECRETARY-GENERAL' LIMIT 1",
        )
        .fetch_one(&s.pool)
        .await
        .unwrap()
    };
    // The shipped table starts with Ban Ki-moon: in 2003 the role stays a role (never a person
    // called "Secretary-General", who would be every holder at once).
    assert_eq!(speaker_of_role().await, "The Secretary-General");
    let table = get(&s.app, "/offices").await;
    assert_eq!(table.status, StatusCode::OK);
    assert!(table.body.contains("Ban Ki-moon"), "{}", table.body);
    let who = sign_in(&s).await;
    let added = || async {
        sqlx::query_scalar::<_, i64>("SELECT count(*) FROM office_holder")
            .fetch_one(&s.pool)
            .await
            .unwrap()
    };
    let bad = post_form(
        &s,
        &who,
        "/offices",
        format!(
            "csrf={}&country=UN&office=secretary-general&name=Kofi+Annan&start=1+January+1997&sole=yes",
            who.csrf
        ),
    )
    .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(
        bad.select("[data-test=error]")
            .concat()
            .contains("YYYY-MM-DD"),
        "{}",
        bad.body
    );
    assert_eq!(added().await, 0);
    let form = format!(
        "csrf={}&country=un&office=Secretary-General&name=Kofi+Annan&other_names=%D0%9A%D0%BE%D1%84%D0%B8+%D0%90%D0%BD%D0%BD%D0%B0%D0%BD&start=1997-01-01&end=2007-01-01&sole=yes",
        who.csrf
    );
    let r = post_form(&s, &who, "/offices", form.clone()).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(added().await, 1);
    let again = post_form(&s, &who, "/offices", form).await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.body);
    // Read again with the added row, the role label is the person in office that day.
    store::write::reindex(&s.pool).await.unwrap();
    assert_eq!(speaker_of_role().await, "Kofi Annan");
    let page = get(&s.app, "/speakers/kofi-annan").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(
        page.select("[data-test=offices-held] li"),
        ["Secretary-general (UN): 1 January 1997 – 1 January 2007"]
    );
    let api = get(&s.app, "/api/v1/speakers/kofi-annan").await.json();
    assert_eq!(api["offices"][0]["office"], "secretary-general");
    assert_eq!(api["offices"][0]["end"], "2007-01-01");
    // A transcript uploaded after the row was added is read with it at once.
    let later = UN_BRIEFING
        .replace("2003-05-05", "2004-06-07")
        .replace("sgsm0001", "sgsm0002");
    write::import_bytes(&s.pool, later.as_bytes(), Some("un2.md"), None, None)
        .await
        .unwrap();
    let n: i64 = sqlx::query_scalar(
        "SELECT count(DISTINCT t.transcript_id) FROM turn t JOIN speaker s ON s.id = t.speaker_id WHERE s.slug = 'kofi-annan'",
    )
    .fetch_one(&s.pool)
    .await
    .unwrap();
    assert_eq!(n, 2);
    // Taken away, the row no longer names anyone.
    let edit = get_signed(&s, &who, "/offices/edit").await;
    let action = edit
        .attrs("[data-test=added] form", "action")
        .pop()
        .expect("a form to take the row away");
    let r = post_form(
        &s,
        &who,
        &action,
        format!("csrf={}&name=Kofi+Annan", who.csrf),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(added().await, 0);
    let r = post_form(&s, &who, &action, format!("csrf={}", who.csrf)).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

const SEED_RU: &[u8] = include_bytes!("fixtures/translations/lavrov-ryzhenkov-2025-11-26-ru.txt");

#[tokio::test]
async fn one_event_in_two_languages_shows_each_exchange_side_by_side_and_tells_search_engines() {
    let (s, en) = seeded().await;
    let ru = write::import_bytes(&s.pool, SEED_RU, Some("ru.txt"), None, None)
        .await
        .unwrap()
        .slug()
        .to_string();
    // The transcript page names both languages, the original first, and links each with
    // hreflang.
    let page = get(&s.app, &format!("/transcripts/{en}")).await;
    assert_eq!(page.status, StatusCode::OK);
    let languages = page.select("[data-test=languages]").concat();
    assert!(
        languages.contains("Русский (Russian), the original")
            && languages.contains("English, a translation"),
        "{languages}"
    );
    let alternates = page.attrs("link[rel=alternate][hreflang]", "hreflang");
    assert_eq!(alternates, ["ru", "en"]);
    assert!(
        page.attrs("link[rel=alternate][hreflang=ru]", "href")[0]
            .ends_with(&format!("/transcripts/{ru}"))
    );
    assert_eq!(page.select("[data-test=language]"), ["English"]);
    // An exchange's page holds the same exchange in Russian beside it, in its own language,
    // with its own permalink.
    let exchange = get(&s.app, &format!("/transcripts/{en}/questions/4")).await;
    assert_eq!(exchange.status, StatusCode::OK);
    assert_eq!(exchange.attrs("[data-test=beside]", "lang"), ["ru"]);
    let beside = exchange.select("[data-test=beside]").concat();
    assert!(beside.contains("Я Вам ответил."), "{beside}");
    assert!(beside.contains("Сергей Лавров") || beside.contains("Sergey Lavrov"));
    assert!(
        exchange
            .attrs("[data-test=beside] h2 a", "href")
            .contains(&format!("/transcripts/{ru}/questions/4"))
    );
    assert_eq!(
        exchange.attrs("link[rel=alternate][hreflang]", "hreflang"),
        ["en", "ru"]
    );
    // No id is given twice on the page.
    let ids = exchange.attrs("[id]", "id");
    let unique: std::collections::HashSet<_> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len());
    // The Russian page offers the English the same way.
    let back = get(&s.app, &format!("/transcripts/{ru}/questions/1")).await;
    assert_eq!(back.attrs("[data-test=beside]", "lang"), ["en"]);
    // Lists say which versions there are.
    let list = get(&s.app, "/transcripts").await;
    assert!(
        list.attrs("[data-test=transcript-row] a[hreflang=ru]", "href")
            .contains(&format!("/transcripts/{ru}"))
    );
    // And the API.
    let json: serde_json::Value =
        serde_json::from_str(&get(&s.app, &format!("/api/v1/transcripts/{en}")).await.body)
            .unwrap();
    let versions: Vec<(String, bool)> = json["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["language"].as_str().unwrap().to_string(),
                v["original"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        versions,
        [("ru".to_string(), true), ("en".to_string(), false)]
    );
}

#[tokio::test]
async fn an_editor_links_and_unlinks_language_versions_from_the_edit_page() {
    let (s, en) = seeded().await;
    let ru = write::import_bytes(&s.pool, SEED_RU, Some("ru.txt"), None, None)
        .await
        .unwrap()
        .slug()
        .to_string();
    let who = sign_in(&s).await;
    let csrf = who.csrf.clone();
    // Unlinked: each stands alone.
    let r = post_form(
        &s,
        &who,
        &format!("/transcripts/{en}/languages/unlink"),
        format!("csrf={csrf}&reason=not+the+same"),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = get(&s.app, &format!("/transcripts/{en}")).await;
    assert!(page.select("[data-test=languages]").is_empty());
    // A second unlink has nothing to take apart.
    let r = post_form(
        &s,
        &who,
        &format!("/transcripts/{en}/languages/unlink"),
        format!("csrf={csrf}"),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(
        r.select("[data-test=language-error]")
            .concat()
            .contains("only version")
    );
    // Linked again by its address, typed as a whole URL.
    let r = post_form(
        &s,
        &who,
        &format!("/transcripts/{en}/languages"),
        format!(
            "csrf={csrf}&other=https%3A%2F%2Farchive.example%2Ftranscripts%2F{ru}&original=other"
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = get(&s.app, &format!("/transcripts/{en}")).await;
    assert!(
        page.select("[data-test=languages]")
            .concat()
            .contains("the original")
    );
    // The history says who did it.
    let history = get(&s.app, &format!("/transcripts/{en}/history")).await;
    assert!(
        history.body.contains("Linked as a translation"),
        "{}",
        history.body
    );
    // An unknown address is a 400 that says what to give; a missing one too; a token is
    // needed.
    for (other, status) in [("no-such-transcript", 400), ("", 400)] {
        let r = post_form(
            &s,
            &who,
            &format!("/transcripts/{en}/languages"),
            format!("csrf={csrf}&other={other}"),
        )
        .await;
        assert_eq!(r.status.as_u16(), status, "{other}: {}", r.body);
        assert!(!r.select("[data-test=language-error]").is_empty());
    }
    let r = post_form(
        &s,
        &who,
        &format!("/transcripts/{en}/languages"),
        format!("csrf=wrong&other={ru}"),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_topic_index_lists_topics_of_two_exchanges_and_finds_one_of_a_single_exchange_by_name()
{
    let (s, _) = seeded().await;
    let stats: Vec<(String, String, i64)> = sqlx::query_as(
        "SELECT t.name, t.kind, st.exchanges FROM topic_stat st JOIN topic t ON t.id = st.topic_id ORDER BY st.exchanges DESC, t.name",
    )
    .fetch_all(&s.pool)
    .await
    .unwrap();
    let (often, often_kind, _) = stats.iter().find(|(_, _, n)| *n >= 2).unwrap().clone();
    let (once, once_kind, _) = stats.iter().find(|(_, _, n)| *n == 1).unwrap().clone();
    let listed = |r: &Reply| r.attrs("#topics li", "data-name");
    let index = get(&s.app, "/topics").await;
    assert!(listed(&index).contains(&often), "{often}");
    assert!(!listed(&index).contains(&once), "{once}");
    let of_kind = get(&s.app, &format!("/topics?kind={once_kind}")).await;
    assert!(!listed(&of_kind).contains(&once), "{once}");
    let of_kind = get(&s.app, &format!("/topics?kind={often_kind}")).await;
    assert!(listed(&of_kind).contains(&often), "{often}");
    // Looked for by name, a topic of one exchange is found.
    let q: String = url::form_urlencoded::byte_serialize(once.as_bytes()).collect();
    let found = get(&s.app, &format!("/topics?filter={q}")).await;
    assert!(listed(&found).contains(&once), "{once}: {}", found.body);
    // The API lists what the index lists.
    let json: serde_json::Value =
        serde_json::from_str(&get(&s.app, "/api/v1/topics").await.body).unwrap();
    let names: Vec<&str> = json["topics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&often.as_str()) && !names.contains(&once.as_str()));
}

#[tokio::test]
async fn the_review_of_a_translation_says_which_event_it_joins_and_publishing_links_them() {
    let (s, en) = seeded().await;
    let who = sign_in(&s).await;
    let (draft, review) = draft_for_review(&s, &who, "ru.txt", SEED_RU).await;
    let notice = review.select("[data-test=translation]").concat();
    assert!(
        notice.contains("same event") && notice.contains("English"),
        "{notice}"
    );
    assert!(
        review
            .attrs("[data-test=translation] a", "href")
            .contains(&format!("/transcripts/{en}"))
    );
    assert!(review.body.contains("in Russian"));
    let r = post_form(
        &s,
        &who,
        &format!("{draft}/publish"),
        format!("csrf={}", who.csrf),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = get(&s.app, &format!("/transcripts/{en}")).await;
    assert!(
        page.select("[data-test=languages]")
            .concat()
            .contains("Русский (Russian), the original")
    );
    // A text in the same language on another day says nothing of the kind.
    let (_, other) = draft_for_review(
        &s,
        &who,
        "other.txt",
        b"Question: Why?\n\nJohn Kirby: Because it is so, as we said.",
    )
    .await;
    assert!(other.select("[data-test=translation]").is_empty());
}

#[tokio::test]
async fn a_topic_page_shows_who_spoke_on_it_year_by_year() {
    let s = site().await;
    for (year, words) in [
        ("2021", "Ukraine is our partner, and we stand with Ukraine."),
        (
            "2022",
            "We stand with Ukraine today as before, Ukraine will prevail.",
        ),
        (
            "2022",
            "Our support for Ukraine goes on; Ukraine asked for more.",
        ),
    ] {
        let text = format!(
            "Press briefing, 3 March {year}\n\nQuestion: What about Ukraine? {words}\n\nJen Psaki: {words} Ukraine matters.\n"
        );
        write::import_bytes(&s.pool, text.as_bytes(), Some("b.txt"), None, None)
            .await
            .unwrap();
    }
    let page = get(&s.app, "/topics/ukraine").await;
    assert_eq!(page.status, StatusCode::OK);
    let table = "[data-test=speakers-by-year]";
    assert_eq!(
        page.select(&format!("{table} thead th")),
        ["Speaker", "2021", "2022"]
    );
    let row = page.select(&format!("{table} tbody tr td"));
    assert_eq!(row, ["1", "2"]);
    assert_eq!(page.select(&format!("{table} tbody th")), ["Jen Psaki"]);
    // The list of who spoke on it most adds the years up.
    assert!(page.body.contains("3 exchanges"), "{}", page.body);
}

#[tokio::test]
async fn versions_numbered_differently_are_offered_whole_never_paired_by_number() {
    let (s, en) = seeded().await;
    // The Russian without its last exchange: three against four. An editor links them.
    let ru_text = std::str::from_utf8(SEED_RU).unwrap();
    let shorter = &ru_text[..ru_text.find("Вопрос: То есть").unwrap()];
    let ru = write::import_bytes(&s.pool, shorter.as_bytes(), Some("ru.txt"), None, None)
        .await
        .unwrap()
        .slug()
        .to_string();
    let who = sign_in(&s).await;
    let r = post_form(
        &s,
        &who,
        &format!("/transcripts/{en}/languages"),
        format!("csrf={}&other={ru}&original=other", who.csrf),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = get(&s.app, &format!("/transcripts/{en}/questions/2")).await;
    assert!(page.select("[data-test=beside]").is_empty());
    assert!(
        page.attrs("[data-test=unaligned] a", "href")
            .contains(&format!("/transcripts/{ru}"))
    );
    // The transcript pages still name both languages.
    let whole = get(&s.app, &format!("/transcripts/{en}")).await;
    assert!(
        whole
            .select("[data-test=languages]")
            .concat()
            .contains("Русский")
    );
}
