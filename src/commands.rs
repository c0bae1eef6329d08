//! The command-line commands that work on the archive: import, reindex, user, token.

use crate::store::{self, Imported, StoreError};
use indicatif::{ProgressBar, ProgressStyle};
use sqlx::SqlitePool;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

/// At most this many transcripts, or this many bytes, are committed together.
const GROUP: usize = 256;
const GROUP_BYTES: usize = 32 * 1024 * 1024;

/// File endings `import` reads inside folders.
const EXTENSIONS: &[&str] = &["txt", "md", "markdown", "html", "htm"];

/// What an import run did.
#[derive(Debug, Default)]
pub struct ImportSummary {
    pub imported: usize,
    pub existing: usize,
    pub failed: Vec<(PathBuf, String)>,
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

/// Imports files and folders, one transaction per transcript. Parsing runs on the other core
/// while the database writes, so a bulk import costs little more than the writes.
pub async fn import(pool: &SqlitePool, paths: &[PathBuf]) -> ImportSummary {
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
    let (sender, mut receiver) = tokio::sync::mpsc::channel(4);
    let reader = tokio::task::spawn_blocking(move || {
        for path in files {
            let read = std::fs::read(&path).map_err(|e| format!("cannot read: {e}"));
            let parsed = read.map(|bytes| {
                let sha = store::sha256_hex(&bytes);
                let doc = crate::parse::parse_bytes(&bytes, path.to_str())
                    .map(store::write::Prepared::new);
                (bytes, sha, doc)
            });
            if sender.blocking_send((path, parsed)).is_err() {
                break;
            }
        }
    });
    // One connection for the whole run, so its page cache stays warm. Transcripts are stored
    // in groups, each in a savepoint of its own inside one transaction: a failing file rolls
    // back alone, and the search index is written once per group.
    let mut conn = match pool.acquire().await {
        Ok(c) => c,
        Err(e) => {
            summary
                .failed
                .push((PathBuf::from("(database)"), e.to_string()));
            return summary;
        }
    };
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
        let mut stored: Vec<i64> = Vec::new();
        let mut lines: Vec<(String, bool)> = Vec::new();
        let mut group_bytes = 0usize;
        let mut counts = (0usize, 0usize);
        let mut failures: Vec<(PathBuf, String)> = Vec::new();
        while stored.len() < GROUP && group_bytes < GROUP_BYTES {
            let Some((path, parsed)) = receiver.recv().await else {
                done = true;
                break;
            };
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .map(str::to_string);
            let outcome = match parsed {
                Err(e) => Err(e),
                Ok((bytes, sha, doc)) => match store::write::existing_slug(&mut *tx, &sha).await {
                    Ok(Some(slug)) => Ok(Imported::Existing { slug }),
                    Err(e) => Err(StoreError::from(e).to_string()),
                    Ok(None) => match doc {
                        Err(e) => Err(e.to_string()),
                        Ok(prepared) => {
                            group_bytes += bytes.len();
                            store::write::store_in(
                                &mut tx,
                                &store::write::Upload {
                                    bytes: &bytes,
                                    file_name: name.as_deref(),
                                    declared_type: None,
                                    uploaded_by: None,
                                },
                                &prepared,
                                &Default::default(),
                                &Default::default(),
                            )
                            .await
                            .map_err(|e| e.to_string())
                        }
                    },
                },
            };
            let line = match &outcome {
                Ok(Imported::New {
                    id,
                    slug,
                    exchanges,
                    ..
                }) => {
                    stored.push(*id);
                    counts.0 += 1;
                    format!(
                        "imported {} -> {slug} ({exchanges} exchanges)",
                        path.display()
                    )
                }
                Ok(Imported::Existing { slug }) => {
                    counts.1 += 1;
                    format!("already present {} -> {slug}", path.display())
                }
                Err(reason) => {
                    failures.push((path.clone(), reason.clone()));
                    format!("failed {}: {reason}", path.display())
                }
            };
            lines.push((line, outcome.is_err()));
        }
        let committed = async {
            store::write::index_transcripts(&mut tx, &stored).await?;
            tx.commit().await
        }
        .await;
        if let Err(e) = committed {
            // Nothing of this group was kept; say so for each file it held.
            for (line, _) in &lines {
                summary
                    .failed
                    .push((PathBuf::from(line.clone()), format!("not stored: {e}")));
            }
            continue;
        }
        summary.imported += counts.0;
        summary.existing += counts.1;
        summary.failed.extend(failures);
        for (line, failed) in lines {
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
    let _ = reader.await;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    summary
}
