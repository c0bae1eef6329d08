//! The command-line commands that work on the archive: import, reindex, user, token.

use crate::parse::ParseError;
use crate::store::{self, Imported, StoreError};
use indicatif::{ProgressBar, ProgressStyle};
use sqlx::{SqliteConnection, SqlitePool};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

/// At most this many transcripts, or this many bytes, are committed together. A group is
/// also what the search engine is fed at a time, once committed, so a small group lets it
/// start early.
const GROUP: usize = 64;
const GROUP_BYTES: usize = 32 * 1024 * 1024;

/// At most this many transcripts, or this many bytes, are stored with one statement per table.
const BATCH: usize = 32;
const BATCH_BYTES: usize = 2 * 1024 * 1024;

/// The search index takes new turns in runs of about this many.
const INDEX_TURNS: usize = 8192;

/// The search engine commits what it was fed, and the changes it read are forgotten, every
/// this many transcripts (and at the end).
const FEED_COMMIT: usize = 4096;

/// File endings `import` reads inside folders.
const EXTENSIONS: &[&str] = &["txt", "md", "markdown", "html", "htm"];

/// What an import run did.
#[derive(Debug, Default)]
pub struct ImportSummary {
    pub imported: usize,
    pub existing: usize,
    /// Of the imported, how many repeat the text of a transcript stored before them (a
    /// republication: the same text published again, in other bytes).
    pub repeats: usize,
    pub failed: Vec<(PathBuf, String)>,
    /// Of the imported, how many the search engine read as they were stored.
    pub indexed: usize,
    /// Why the search engine stopped reading them, if it did (the rest wait for its next
    /// catch-up).
    pub index_failed: Option<String>,
}

/// What one committed group of files did, told once the group is committed.
#[derive(Default)]
struct Group {
    files: usize,
    bytes: usize,
    imported: usize,
    existing: usize,
    repeats: usize,
    failures: Vec<(PathBuf, String)>,
    /// What to print for each file, and whether it failed.
    lines: Vec<(String, bool)>,
}

impl Group {
    fn failed(&mut self, path: &Path, reason: String) {
        self.lines
            .push((format!("failed {}: {reason}", path.display()), true));
        self.failures.push((path.to_path_buf(), reason));
    }
}

/// A file read and parsed, or why it could not be read.
type Read = (
    PathBuf,
    Result<(Vec<u8>, Result<store::write::Prepared, ParseError>), String>,
);

/// Reads and parses the files on every core, and hands them over in their order: file `i` is
/// read by reader `i mod n`, and taken from that reader's queue in turn.
struct Readers {
    queues: Vec<tokio::sync::mpsc::Receiver<Read>>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
    next: usize,
}

impl Readers {
    fn start(files: Vec<PathBuf>, offices: Vec<crate::parse::offices::Holder>) -> Self {
        let offices = std::sync::Arc::new(offices);
        let n = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .clamp(1, 8)
            .min(files.len().max(1));
        let mut queues = Vec::with_capacity(n);
        let mut tasks = Vec::with_capacity(n);
        for k in 0..n {
            let (sender, receiver) = tokio::sync::mpsc::channel(BATCH);
            let mine: Vec<PathBuf> = files.iter().skip(k).step_by(n).cloned().collect();
            let offices = offices.clone();
            tasks.push(tokio::task::spawn_blocking(move || {
                for path in mine {
                    let read = std::fs::read(&path).map_err(|e| format!("cannot read: {e}"));
                    let parsed = read.map(|bytes| {
                        let doc = store::ingest::read(
                            &store::write::Upload {
                                bytes: &bytes,
                                file_name: path.file_name().and_then(|n| n.to_str()),
                                declared_type: None,
                                uploaded_by: None,
                            },
                            &offices,
                        );
                        (bytes, doc)
                    });
                    if sender.blocking_send((path, parsed)).is_err() {
                        break;
                    }
                }
            }));
            queues.push(receiver);
        }
        Readers {
            queues,
            tasks,
            next: 0,
        }
    }

    /// The next file in order, or `None` after the last.
    async fn recv(&mut self) -> Option<Read> {
        let n = self.queues.len();
        let read = self.queues.get_mut(self.next % n)?.recv().await;
        self.next += 1;
        read
    }

    /// The next file in order if it is ready (`Some(None)` after the last), else `None`.
    fn try_recv(&mut self) -> Option<Option<Read>> {
        use tokio::sync::mpsc::error::TryRecvError;
        let n = self.queues.len();
        let read = match self.queues.get_mut(self.next % n)?.try_recv() {
            Ok(read) => Some(read),
            Err(TryRecvError::Disconnected) => None,
            Err(TryRecvError::Empty) => return None,
        };
        self.next += 1;
        Some(read)
    }

    /// Stops the readers (early, if the import stopped early) and waits for them.
    async fn finish(self) {
        drop(self.queues);
        for task in self.tasks {
            let _ = task.await;
        }
    }
}

/// Copies each committed group from the write-ahead log into the database file on a connection
/// of its own while the next group is written, so that the copy and its flush to disk stay off
/// the writer's path. The log only starts over when a write begins after a complete copy, so
/// once it has grown past [`WAL_LIMIT`] the writer copies the rest itself before it goes on.
struct Checkpointer {
    pool: SqlitePool,
    /// The checkpoint under way; it answers the size of the log, in pages.
    running: Option<tokio::task::JoinHandle<Option<i64>>>,
    /// The size of the log when a checkpoint last reported it, in pages.
    log_pages: i64,
}

/// The size of the write-ahead log, in pages, past which an import lets it start over.
const WAL_LIMIT: i64 = 32_768;

impl Checkpointer {
    async fn start(pool: &SqlitePool, conn: &mut SqliteConnection) -> Self {
        // Should this fail, the connection checkpoints as usual.
        let _ = sqlx::query("PRAGMA wal_autocheckpoint = 0")
            .execute(&mut *conn)
            .await;
        Checkpointer {
            pool: pool.clone(),
            running: None,
            log_pages: 0,
        }
    }

    /// After a group is committed: a checkpoint beside the writer, or, with a long log, one
    /// that the writer waits for.
    async fn after_commit(&mut self, conn: &mut SqliteConnection) {
        if let Some(running) = self.running.take_if(|r| r.is_finished())
            && let Ok(Some(pages)) = running.await
        {
            self.log_pages = pages;
        }
        if self.log_pages > WAL_LIMIT {
            if let Some(running) = self.running.take() {
                let _ = running.await;
            }
            let _ = checkpoint(conn).await;
            self.log_pages = 0;
        } else if self.running.is_none() {
            let pool = self.pool.clone();
            self.running = Some(tokio::spawn(async move {
                let mut conn = pool.acquire().await.ok()?;
                checkpoint(&mut conn).await
            }));
        }
    }

    /// Waits for the running checkpoint and gives the importing connection its own back.
    async fn finish(self, conn: &mut SqliteConnection) {
        if let Some(running) = self.running {
            let _ = running.await;
        }
        let _ = sqlx::query("PRAGMA wal_autocheckpoint = 1000")
            .execute(&mut *conn)
            .await;
    }
}

/// A passive checkpoint: it never waits for the writer, and what it cannot copy is left to the
/// next, or to the last connection's close. Answers the size of the log, in pages.
async fn checkpoint(conn: &mut SqliteConnection) -> Option<i64> {
    sqlx::query_as::<_, (i64, i64, i64)>("PRAGMA wal_checkpoint(PASSIVE)")
        .fetch_one(conn)
        .await
        .ok()
        .map(|(_, log, _)| log)
}

/// Feeds the search engine each committed group on tasks of its own, one group at a time, while
/// the next group is read and stored: the engine's own thread indexes beside the readers and
/// the writer instead of after them. It commits every [`FEED_COMMIT`] transcripts and at the
/// end, and then the changes it read are forgotten, on the writer's connection between groups.
/// Should it fail, it stops, and what it had not committed waits for the engine's next
/// catch-up, as after any write.
struct Feed {
    engine: std::sync::Arc<crate::search::engine::Engine>,
    pool: SqlitePool,
    running: Option<tokio::task::JoinHandle<FeedResult>>,
    /// Committed transcripts not yet fed.
    waiting: Vec<i64>,
    /// Changes read by the engine and not yet committed there.
    read: Vec<(i64, i64)>,
    /// Transcripts fed and committed.
    committed: usize,
    failed: Option<String>,
}

type FeedResult = Result<Vec<(i64, i64)>, crate::search::engine::EngineError>;

impl Feed {
    fn new(engine: std::sync::Arc<crate::search::engine::Engine>, pool: &SqlitePool) -> Self {
        Feed {
            engine,
            pool: pool.clone(),
            running: None,
            waiting: Vec::new(),
            read: Vec::new(),
            committed: 0,
            failed: None,
        }
    }

    /// Takes what a finished (or, with `wait`, the running) task read.
    async fn collect(&mut self, wait: bool) {
        let Some(running) = self.running.take_if(|r| wait || r.is_finished()) else {
            return;
        };
        match running.await {
            Ok(Ok(read)) => self.read.extend(read),
            Ok(Err(e)) => self.failed = Some(e.to_string()),
            Err(e) => self.failed = Some(e.to_string()),
        }
    }

    fn start(&mut self) {
        if self.failed.is_some() || self.running.is_some() || self.waiting.is_empty() {
            return;
        }
        let (engine, pool) = (self.engine.clone(), self.pool.clone());
        let ids = std::mem::take(&mut self.waiting);
        self.running = Some(tokio::spawn(async move { engine.feed(&pool, ids).await }));
    }

    /// After a group is committed: its new transcripts wait to be fed, and a task feeds what
    /// waits unless one is under way; past [`FEED_COMMIT`], the engine commits.
    async fn after_commit(&mut self, conn: &mut SqliteConnection, ids: Vec<i64>) {
        if self.failed.is_some() {
            return;
        }
        self.waiting.extend(ids);
        self.collect(false).await;
        if self.read.len() >= FEED_COMMIT {
            self.settle(conn).await;
        }
        self.start();
    }

    /// Commits what the engine was fed, and forgets the changes it read.
    async fn settle(&mut self, conn: &mut SqliteConnection) {
        if self.failed.is_some() {
            return;
        }
        let read = std::mem::take(&mut self.read);
        match self.engine.settle(conn, &read).await {
            Ok(()) => self.committed += read.len(),
            Err(e) => self.failed = Some(e.to_string()),
        }
    }

    /// Feeds what waits, commits and answers how many transcripts the engine read, or why it
    /// stopped.
    async fn finish(mut self, conn: &mut SqliteConnection) -> (usize, Option<String>) {
        self.collect(true).await;
        self.start();
        self.collect(true).await;
        self.settle(conn).await;
        (self.committed, self.failed)
    }
}

/// The files named, and inside the folders named every transcript file, sorted.
pub fn collect_files(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<(PathBuf, String)>) {
    let mut files = Vec::new();
    let mut missing = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut found = Vec::new();
            walk(path, &mut found);
            found.sort();
            files.extend(found);
        } else if path.is_file() {
            files.push(path.clone());
        } else {
            missing.push((path.clone(), "no such file or folder".to_string()));
        }
    }
    (files, missing)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            walk(&path, out);
        } else if path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
        {
            out.push(path);
        }
    }
}

/// Imports files and folders, each transcript all or nothing. Readers parse on every core while
/// the database writes, so a bulk import costs little more than the writes. The search engine
/// is left to catch up later ([`import_indexing`] feeds it as the import goes).
pub async fn import(pool: &SqlitePool, paths: &[PathBuf]) -> ImportSummary {
    import_indexing(pool, paths, None).await
}

/// Imports files and folders as [`import`] does, feeding `engine` each group once it is
/// committed; the engine then holds every imported transcript.
pub async fn import_indexing(
    pool: &SqlitePool,
    paths: &[PathBuf],
    engine: Option<std::sync::Arc<crate::search::engine::Engine>>,
) -> ImportSummary {
    let (files, missing) = collect_files(paths);
    let mut summary = ImportSummary {
        failed: missing,
        ..Default::default()
    };
    let bar = if std::io::stderr().is_terminal() {
        let bar = ProgressBar::new(files.len() as u64);
        bar.set_style(
            ProgressStyle::with_template("{bar:40} {pos}/{len} {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        Some(bar)
    } else {
        None
    };
    // The office holders editors added read role labels as the server would.
    let offices = match store::offices::extra_in(pool).await {
        Ok(o) => o,
        Err(e) => {
            summary
                .failed
                .push((PathBuf::new(), format!("the archive's office holders: {e}")));
            Vec::new()
        }
    };
    let mut readers = Readers::start(files, offices);
    // One connection for the whole run, so its page cache stays warm. Transcripts are committed
    // in groups (a kill loses at most the open group). Inside a group they are stored in
    // batches, each in a savepoint with a few statements per table; a batch that fails is
    // stored again one transcript at a time, so that a failing file rolls back alone. The
    // search index takes the new turns a few thousand at a time.
    let mut conn = match pool.acquire().await {
        Ok(c) => c,
        Err(e) => {
            summary
                .failed
                .push((PathBuf::from("(database)"), e.to_string()));
            return summary;
        }
    };
    let mut checkpoints = Checkpointer::start(pool, &mut conn).await;
    let mut feed = engine.map(|engine| Feed::new(engine, pool));
    let no_edits = store::write::Edits::default();
    let no_assignments = std::collections::HashMap::new();
    let mut done = false;
    while !done {
        let mut tx = match sqlx::Connection::begin_with(&mut *conn, "BEGIN IMMEDIATE").await {
            Ok(tx) => tx,
            Err(e) => {
                summary
                    .failed
                    .push((PathBuf::from("(database)"), e.to_string()));
                break;
            }
        };
        let mut group = Group::default();
        let mut stored: Vec<i64> = Vec::new();
        let mut unindexed: Vec<i64> = Vec::new();
        let mut unindexed_turns = 0usize;
        let mut indexed = Ok(());
        while group.files < GROUP && group.bytes < GROUP_BYTES && !done && indexed.is_ok() {
            // A batch is stored with a few statements per table.
            let mut batch = Vec::new();
            let mut batch_bytes = 0usize;
            // What the readers have ready, at least one file: the writer starts at once, and
            // batches grow while the writer is the slower side.
            while batch.len() < BATCH && batch_bytes < BATCH_BYTES {
                let got = if batch.is_empty() {
                    readers.recv().await
                } else {
                    match readers.try_recv() {
                        Some(read) => read,
                        None => break,
                    }
                };
                let Some((path, parsed)) = got else {
                    done = true;
                    break;
                };
                match parsed {
                    Ok((bytes, Ok(prepared))) => {
                        batch_bytes += bytes.len();
                        batch.push((path, bytes, prepared));
                    }
                    Ok((_, Err(e))) => group.failed(&path, e.to_string()),
                    Err(e) => group.failed(&path, e),
                }
            }
            group.files += batch.len();
            group.bytes += batch_bytes;
            let items: Vec<store::write::NewTranscript> = batch
                .iter()
                .map(|(path, bytes, prepared)| store::write::NewTranscript {
                    upload: store::write::Upload {
                        bytes,
                        file_name: path.file_name().and_then(|n| n.to_str()),
                        declared_type: None,
                        uploaded_by: None,
                    },
                    prepared,
                    edits: &no_edits,
                    assignments: &no_assignments,
                    // A folder of files is taken as it is: each file a transcript.
                    join_republications: false,
                })
                .collect();
            let outcomes = if items.is_empty() {
                Vec::new()
            } else {
                store::write::store_each(&mut tx, &items).await
            };
            for ((path, _, _), outcome) in batch.iter().zip(outcomes) {
                match outcome {
                    Ok(Imported::New {
                        id,
                        slug,
                        exchanges,
                        turns,
                        repeats,
                    }) => {
                        unindexed.push(id);
                        stored.push(id);
                        unindexed_turns += turns;
                        group.imported += 1;
                        let repeating = match &repeats {
                            Some(other) => {
                                group.repeats += 1;
                                format!("; the same text as {other}, published again")
                            }
                            None => String::new(),
                        };
                        group.lines.push((
                            format!(
                                "imported {} -> {slug} ({exchanges} exchanges{repeating})",
                                path.display()
                            ),
                            false,
                        ));
                    }
                    Ok(Imported::Existing { slug }) => {
                        group.existing += 1;
                        group.lines.push((
                            format!("already present {} -> {slug}", path.display()),
                            false,
                        ));
                    }
                    Err(e) => group.failed(path, StoreError::from(e).to_string()),
                }
            }
            // The search index takes the new turns a few thousand at a time, while the
            // parsers read on.
            if unindexed_turns >= INDEX_TURNS && !done {
                indexed = store::write::index_transcripts(&mut tx, &unindexed).await;
                unindexed.clear();
                unindexed_turns = 0;
            }
        }
        let committed = async {
            indexed?;
            store::write::index_transcripts(&mut tx, &unindexed).await?;
            tx.commit().await
        }
        .await;
        if let Err(e) = committed {
            // Nothing of this group was kept; say so for each file it held.
            for (line, _) in &group.lines {
                summary
                    .failed
                    .push((PathBuf::from(line.clone()), format!("not stored: {e}")));
            }
            continue;
        }
        checkpoints.after_commit(&mut conn).await;
        if let Some(feed) = &mut feed {
            feed.after_commit(&mut conn, stored).await;
        }
        summary.imported += group.imported;
        summary.existing += group.existing;
        summary.repeats += group.repeats;
        summary.failed.extend(group.failures);
        for (line, failed) in group.lines {
            match &bar {
                Some(bar) => {
                    bar.inc(1);
                    if failed {
                        bar.println(line);
                    }
                }
                None => println!("{line}"),
            }
        }
    }
    readers.finish().await;
    if let Some(feed) = feed {
        (summary.indexed, summary.index_failed) = feed.finish(&mut conn).await;
    }
    checkpoints.finish(&mut conn).await;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    summary
}

/// The search index beside the database, opened to be written; `None` (and says why) when it
/// cannot be here, as while a running server holds it: that server brings it up to date.
pub async fn open_search_index(
    db: &Path,
    pool: &SqlitePool,
) -> Option<std::sync::Arc<crate::search::engine::Engine>> {
    let dir = crate::search::engine::index_dir(db);
    match crate::search::engine::Engine::open(pool, Some(&dir)).await {
        Ok(engine) => Some(engine),
        Err(e) => {
            eprintln!("search index not updated here ({e}); a running server brings it up to date");
            None
        }
    }
}

/// Brings the search index beside the database up to date (`rebuild`: makes it anew), and says
/// so. When a running server holds the index, it is left to the server, which catches up within
/// seconds.
pub async fn update_search_index(db: &Path, pool: &SqlitePool, rebuild: bool) {
    if let Some(engine) = open_search_index(db, pool).await {
        catch_up_search_index(&engine, pool, rebuild, 0).await;
    }
}

/// Reads into the search index what waits for it (`rebuild`: everything, anew), and says how
/// many transcripts it read, after `fed` read as they were stored (by [`import_indexing`]).
pub async fn catch_up_search_index(
    engine: &std::sync::Arc<crate::search::engine::Engine>,
    pool: &SqlitePool,
    rebuild: bool,
    fed: usize,
) {
    let done = if rebuild {
        engine.rebuild(pool).await
    } else {
        engine.sync(pool).await
    };
    match done {
        Ok(n) if fed > 0 => eprintln!(
            "search index: {fed} transcripts read as they were stored, {n} read since (new, or changed by a later file); {} turns in all",
            engine.turns()
        ),
        Ok(n) => eprintln!(
            "search index: {n} transcripts indexed, {} turns in all",
            engine.turns()
        ),
        Err(e) => eprintln!(
            "search index not updated ({e}); the server brings it up to date when it starts"
        ),
    }
}
