//! Browser tests: the real binary on a free port with a seeded database, driven by headless
//! Chromium through chromedriver. Skipped (and said so) where Chromium is not installed; a
//! failure when `CI=true`. Each page type is saved under `target/pages/` (for html-validate)
//! and photographed under `target/screenshots/`; axe-core checks each page when installed.

// Tests read the archive straight from SQLite to check what the store wrote.
#![allow(clippy::disallowed_methods)]

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_stenogram");
const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");

fn find(candidates: &[&str]) -> Option<PathBuf> {
    candidates
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
        .or_else(|| {
            candidates
                .iter()
                .filter_map(|c| Path::new(c).file_name())
                .find_map(|name| {
                    std::env::var_os("PATH").and_then(|paths| {
                        std::env::split_paths(&paths)
                            .map(|d| d.join(name))
                            .find(|p| p.exists())
                    })
                })
        })
}

/// Chromium and chromedriver, or `None` (a skip) when absent outside CI.
fn browser() -> Option<(PathBuf, PathBuf)> {
    let chromium = find(&[
        "/usr/bin/chromium",
        "/usr/bin/chromium-browser",
        "/usr/bin/google-chrome",
    ]);
    let driver = find(&["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"]);
    match (chromium, driver) {
        (Some(c), Some(d)) => Some((c, d)),
        _ if std::env::var("CI").as_deref() == Ok("true") => panic!(
            "CI=true but chromium or chromedriver is missing: apt-get install -y chromium chromium-driver"
        ),
        _ => {
            eprintln!(
                "SKIPPED browser tests: chromium and chromedriver are not installed (apt-get install -y chromium chromium-driver)"
            );
            None
        }
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

struct Process(Child);

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn wait_for(port: u16, path: &str) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        if status_of(port, path).is_some() {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("nothing answered on port {port}");
}

/// The status of an HTTP/1.1 GET (chromedriver does not answer HTTP/1.0).
fn status_of(port: u16, path: &str) -> Option<u16> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut head = [0u8; 64];
    let n = stream.read(&mut head).ok()?;
    String::from_utf8_lossy(&head[..n])
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

/// A plain HTTP/1.0 GET, for the bytes the server sends.
fn fetch(port: u16, path: &str) -> Option<(u16, String)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    write!(
        stream,
        "GET {path} HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\n\r\n"
    )
    .ok()?;
    let mut out = Vec::new();
    stream.read_to_end(&mut out).ok()?;
    let text = String::from_utf8_lossy(&out).into_owned();
    let status = text.split_whitespace().nth(1)?.parse().ok()?;
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    Some((status, body))
}

struct Harness {
    _server: Process,
    _driver: Process,
    port: u16,
    client: Client,
    _dir: tempfile::TempDir,
    out: PathBuf,
}

async fn start() -> Option<Harness> {
    let (chromium, chromedriver) = browser()?;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("archive.db");
    let db_arg = db.to_str().unwrap();
    let briefings = format!("{FIXTURES}/wh-briefings/press-briefings/2021-02");
    let status = Command::new(BIN)
        .args(["import", "--db", db_arg, &briefings])
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    let mut add = Command::new(BIN)
        .args(["user", "add", "--db", db_arg, "--password-stdin", "editor"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    add.stdin
        .take()
        .unwrap()
        .write_all(b"correct horse battery\n")
        .unwrap();
    assert!(add.wait().unwrap().success());
    let port = free_port();
    let server = Process(
        Command::new(BIN)
            .args([
                "serve",
                "--addr",
                &format!("127.0.0.1:{port}"),
                "--db",
                db_arg,
            ])
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    wait_for(port, "/healthz");
    let driver_port = free_port();
    let driver = Process(
        Command::new(chromedriver)
            .arg(format!("--port={driver_port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    wait_for(driver_port, "/status");
    let profile = dir.path().join("chromium-profile");
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": chromium,
            "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--window-size=1280,1000",
                     format!("--user-data-dir={}", profile.display())]
        }),
    );
    let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{driver_port}"))
        .await
        .expect("chromedriver starts a session");
    let out = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target");
    std::fs::create_dir_all(out.join("screenshots")).unwrap();
    std::fs::create_dir_all(out.join("pages")).unwrap();
    Some(Harness {
        _server: server,
        _driver: driver,
        port,
        client,
        _dir: dir,
        out,
    })
}

/// The page's path once it satisfies `done`: a click returns before the next page has loaded.
/// The text of the first element `css` finds.
async fn text_of(c: &Client, css: &str) -> String {
    c.find(Locator::Css(css))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

async fn path_when(c: &Client, done: impl Fn(&str) -> bool) -> url::Url {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let url = c.current_url().await.unwrap();
        let ready = c
            .execute("return document.readyState;", vec![])
            .await
            .unwrap()
            == json!("complete");
        if (done(url.path()) && ready) || Instant::now() > deadline {
            return url;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

impl Harness {
    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// Imports a file into the running server's archive, as the command line does.
    fn import(&self, file: &str) {
        let db = self._dir.path().join("archive.db");
        let status = Command::new(BIN)
            .args(["import", "--db", db.to_str().unwrap(), file])
            .stdout(Stdio::null())
            .status()
            .unwrap();
        assert!(status.success());
    }

    /// Saves the page as served (for html-validate), a screenshot, and checks it with axe-core.
    async fn record(&self, name: &str) {
        let url = self.client.current_url().await.unwrap();
        let path = format!(
            "{}{}",
            url.path(),
            url.query().map(|q| format!("?{q}")).unwrap_or_default()
        );
        // Editors' pages need the browser's session: their source is taken from it.
        let editors = path.starts_with("/drafts")
            || path.starts_with("/upload")
            || url.path().ends_with("/edit");
        if !editors {
            let (_, body) = fetch(self.port, &path).unwrap();
            std::fs::write(self.out.join("pages").join(format!("{name}.html")), body).unwrap();
        } else {
            let source = self.client.source().await.unwrap();
            std::fs::write(
                self.out.join("pages").join(format!("{name}.html")),
                format!("<!DOCTYPE html>\n{source}"),
            )
            .unwrap();
        }
        let png = self.client.screenshot().await.unwrap();
        std::fs::write(
            self.out.join("screenshots").join(format!("{name}.png")),
            png,
        )
        .unwrap();
        self.axe(name).await;
    }

    async fn axe(&self, name: &str) {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("node_modules/axe-core/axe.min.js");
        let Ok(source) = std::fs::read_to_string(&script) else {
            if std::env::var("CI").as_deref() == Ok("true") {
                panic!("CI=true but axe-core is not installed: npm install axe-core");
            }
            eprintln!("SKIPPED axe-core check of {name}: npm install axe-core to run it");
            return;
        };
        self.client
            .execute(&format!("{source}\nreturn true;"), vec![])
            .await
            .unwrap();
        let violations = self
            .client
            .execute_async("const done = arguments[arguments.length - 1]; axe.run(document).then(r => done(r.violations.map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))));", vec![])
            .await
            .unwrap();
        assert_eq!(violations, json!([]), "axe-core violations on {name}");
    }
}

#[tokio::test]
async fn a_reader_follows_an_exchange_permalink_and_goes_back_into_context() {
    let Some(h) = start().await else { return };
    let c = &h.client;
    c.goto(&h.url("/")).await.unwrap();
    h.record("home").await;
    c.find(Locator::Css("a.title"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let transcript_url = path_when(c, |p| p.starts_with("/transcripts/")).await;
    assert!(
        transcript_url.path().starts_with("/transcripts/2021-02-"),
        "{transcript_url}"
    );
    h.record("transcript").await;
    c.find(Locator::Css("#q2 h2 a"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let permalink = path_when(c, |p| p.contains("/questions/")).await;
    assert!(permalink.path().ends_with("/questions/2"), "{permalink}");
    let answer = c
        .find(Locator::Css("[data-role=answer]"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(answer.len() > 20, "{answer}");
    h.record("exchange").await;
    // Selecting words of the answer offers a link to them as a URL text fragment.
    c.execute(
        "const p = document.querySelector('[data-role=answer] p[id]');\n\
         const range = document.createRange(); range.selectNodeContents(p.lastChild);\n\
         const s = window.getSelection(); s.removeAllRanges(); s.addRange(range);\n\
         document.dispatchEvent(new MouseEvent('mouseup', {bubbles: true}));\n\
         return true;",
        vec![],
    )
    .await
    .unwrap();
    let quote = c
        .wait()
        .for_element(Locator::Css("[data-test=quote-link]"))
        .await
        .unwrap()
        .attr("data-link")
        .await
        .unwrap()
        .unwrap();
    let (page, words) = quote.split_once("#:~:text=").expect("a text fragment");
    assert_eq!(url::Url::parse(page).unwrap().path(), permalink.path());
    let start = words.split(',').next().unwrap();
    let start = url::form_urlencoded::parse(format!("w={start}").as_bytes())
        .next()
        .unwrap()
        .1
        .into_owned();
    assert!(
        answer.contains(&start),
        "{start:?} is not in the answer: {answer}"
    );
    c.find(Locator::Css("[data-test=context]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let back = path_when(c, |p| !p.contains("/questions/")).await;
    assert_eq!(back.path(), transcript_url.path());
    assert_eq!(back.fragment(), Some("q2"));
    let target = c
        .execute(
            "return document.querySelector(':target') && document.querySelector(':target').id;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(target, json!("q2"));

    for (name, path) in [
        ("transcripts", "/transcripts"),
        ("speakers", "/speakers"),
        ("topics", "/topics"),
        ("topics-of-a-kind", "/topics?kind=country"),
        ("speakers-by-letter", "/speakers?letter=J"),
        ("search", "/search?q=%22national+security%22"),
        ("search-newest", "/search?q=security&sort=newest"),
        ("search-help", "/search"),
        ("not-found", "/no/such/page"),
        ("login", "/login"),
        ("api", "/api"),
    ] {
        c.goto(&h.url(path)).await.unwrap();
        h.record(name).await;
    }
    // Typing in the filter box hides the rows whose name does not hold the text.
    c.goto(&h.url("/speakers")).await.unwrap();
    let rows = "return [...document.querySelectorAll('[data-test=speakers] tbody tr')].filter(r => !r.hidden).length;";
    let shown = c.execute(rows, vec![]).await.unwrap().as_i64().unwrap();
    assert!(shown > 1, "{shown} rows");
    c.find(Locator::Id("filter"))
        .await
        .unwrap()
        .send_keys("Sulliv")
        .await
        .unwrap();
    let filtered = c.execute(rows, vec![]).await.unwrap().as_i64().unwrap();
    assert!(
        filtered >= 1 && filtered < shown,
        "{filtered} of {shown} rows"
    );
    c.goto(&h.url("/speakers")).await.unwrap();
    c.find(Locator::Css("[data-test=speakers] tbody a"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    path_when(c, |p| p.starts_with("/speakers/")).await;
    h.record("speaker").await;
    c.goto(&h.url("/topics")).await.unwrap();
    c.find(Locator::Css("[data-test=topic-kind-country] a"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    path_when(c, |p| p.starts_with("/topics/")).await;
    h.record("topic").await;
    c.clone().close().await.unwrap();
}

#[tokio::test]
async fn an_editor_signs_in_uploads_the_seed_corrects_the_title_and_publishes() {
    let Some(h) = start().await else { return };
    let c = &h.client;
    c.goto(&h.url("/upload")).await.unwrap();
    assert_eq!(path_when(c, |p| p == "/login").await.path(), "/login");
    c.find(Locator::Css("input[name=name]"))
        .await
        .unwrap()
        .send_keys("editor")
        .await
        .unwrap();
    c.find(Locator::Css("input[name=password]"))
        .await
        .unwrap()
        .send_keys("correct horse battery")
        .await
        .unwrap();
    c.find(Locator::Css("[data-test=login] button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    assert_eq!(path_when(c, |p| p == "/upload").await.path(), "/upload");
    h.record("upload").await;
    let seed = format!("{FIXTURES}/seed/lavrov-ryzhenkov-collegium-2025-11-26.txt");
    c.find(Locator::Css("input[type=file]"))
        .await
        .unwrap()
        .send_keys(&seed)
        .await
        .unwrap();
    c.find(Locator::Css("[data-test=upload-form] button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    assert!(
        path_when(c, |p| p.starts_with("/drafts/"))
            .await
            .path()
            .starts_with("/drafts/")
    );
    h.record("review").await;
    let title = c.find(Locator::Css("[data-test=title]")).await.unwrap();
    title.clear().await.unwrap();
    title
        .send_keys("Lavrov and Ryzhenkov after the joint collegium")
        .await
        .unwrap();
    c.find(Locator::Css("[data-test=publish]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let landed = path_when(c, |p| p.starts_with("/transcripts/")).await;
    assert_eq!(
        landed.path(),
        "/transcripts/2025-11-26-lavrov-and-ryzhenkov-after-the-joint-collegium"
    );
    let heading = text_of(c, "h1").await;
    assert_eq!(heading, "Lavrov and Ryzhenkov after the joint collegium");
    assert_eq!(
        c.find_all(Locator::Css("[data-test=exchange]"))
            .await
            .unwrap()
            .len(),
        4
    );
    // The same transcript in the editor, and as read before any correction.
    c.goto(&h.url(&format!("{}/edit", landed.path())))
        .await
        .unwrap();
    assert_eq!(text_of(c, "h1").await, "Correct the transcript");
    h.record("transcript-edit").await;
    c.goto(&h.url(&format!("{}/as-read", landed.path())))
        .await
        .unwrap();
    assert_eq!(
        text_of(c, "h1").await,
        "The transcript as read, before any correction"
    );
    h.record("as-read").await;
    // The same event in Russian: each exchange then shows both languages side by side.
    h.import(&format!(
        "{FIXTURES}/translations/lavrov-ryzhenkov-2025-11-26-ru.txt"
    ));
    c.goto(&h.url(&format!("{}/questions/4", landed.path())))
        .await
        .unwrap();
    let beside = c
        .find(Locator::Css("[data-test=beside]"))
        .await
        .unwrap()
        .attr("lang")
        .await
        .unwrap();
    assert_eq!(beside.as_deref(), Some("ru"));
    h.record("exchange-languages").await;
    // A speaker's editor page: rename, merge, and split off the turns of one label.
    c.goto(&h.url("/speakers/sergey-lavrov/edit"))
        .await
        .unwrap();
    let heading = text_of(c, "h1").await;
    assert_eq!(heading, "Edit the speaker Sergey Lavrov");
    assert!(
        !c.find_all(Locator::Css("select[name=label] option"))
            .await
            .unwrap()
            .is_empty()
    );
    h.record("speaker-edit").await;
    // The table of office holders, and the editor's page that adds to it.
    c.goto(&h.url("/offices/edit")).await.unwrap();
    assert_eq!(text_of(c, "h1").await, "Add an office holder");
    h.record("offices-edit").await;
    c.goto(&h.url("/offices")).await.unwrap();
    assert_eq!(text_of(c, "h1").await, "Office holders");
    h.record("offices").await;
    c.clone().close().await.unwrap();
}
