//! Keeping an archive safe: a consistent copy of a live archive (`stenogram backup`), a check
//! of one (`stenogram check`), and opening one read-only to serve a replica.

use super::{MIGRATOR, sha256_hex};
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool};
use sqlx::{ConnectOptions, Connection};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

/// What a backup wrote.
#[derive(Debug)]
pub struct Backup {
    pub path: PathBuf,
    pub bytes: u64,
    pub transcripts: i64,
}

/// Writes a consistent copy of the archive at `source` to `dest` while it may be serving and
/// importing: `VACUUM INTO` reads one snapshot (a read transaction, which in WAL mode never
/// blocks the writer), into a file beside `dest` that is renamed into place once it is whole.
/// `dest` must not exist yet.
pub async fn backup(source: &Path, dest: &Path) -> anyhow::Result<Backup> {
    if !source.exists() {
        anyhow::bail!(
            "there is no archive at {}; give its path with --db",
            source.display()
        );
    }
    if dest.exists() {
        anyhow::bail!(
            "{} exists already; give a new file name, or move the old backup away first",
            dest.display()
        );
    }
    let folder = match dest.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&folder)?;
    let name = dest
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "backup.db".into());
    let partial = folder.join(format!(".{name}.partial"));
    let _ = std::fs::remove_file(&partial);
    let mut conn = SqliteConnectOptions::from_str("sqlite://")?
        .filename(source)
        .read_only(true)
        .busy_timeout(Duration::from_secs(30))
        .connect()
        .await?;
    let written = sqlx::query("VACUUM INTO ?")
        .bind(partial.to_string_lossy().into_owned())
        .execute(&mut conn)
        .await;
    conn.close().await?;
    if let Err(e) = written {
        let _ = std::fs::remove_file(&partial);
        return Err(e.into());
    }
    // Counted in the copy: the archive may have taken more transcripts since it was taken.
    let transcripts = match count_transcripts(&partial).await {
        Ok(n) => n,
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            return Err(e.into());
        }
    };
    // The copy is whole before it takes the name: a backup interrupted midway leaves nothing
    // that looks like a backup.
    std::fs::File::open(&partial)?.sync_all()?;
    std::fs::rename(&partial, dest)?;
    Ok(Backup {
        path: dest.to_path_buf(),
        bytes: std::fs::metadata(dest)?.len(),
        transcripts,
    })
}

/// How many transcripts the database at `path` holds, read without writing to it.
async fn count_transcripts(path: &Path) -> Result<i64, sqlx::Error> {
    let mut conn = SqliteConnectOptions::from_str("sqlite://")?
        .filename(path)
        .read_only(true)
        .connect()
        .await?;
    let n = sqlx::query_scalar("SELECT count(*) FROM transcript")
        .fetch_one(&mut conn)
        .await;
    conn.close().await?;
    n
}

/// One finding of a check.
#[derive(Debug)]
pub struct Finding {
    pub what: &'static str,
    /// `None` when all is well, else what is wrong.
    pub problem: Option<String>,
    pub detail: String,
}

/// Checks an archive: the file's integrity, foreign keys, the search index against the turns,
/// every source's bytes against its hash, every transcript's turns and exchanges, and that its
/// schema is this version's. Reads only; opens no file that is not there.
pub async fn check(path: &Path) -> anyhow::Result<Vec<Finding>> {
    if !path.exists() {
        anyhow::bail!("there is no archive at {}", path.display());
    }
    let mut conn = SqliteConnectOptions::from_str("sqlite://")?
        .filename(path)
        .busy_timeout(Duration::from_secs(30))
        .connect()
        .await?;
    let mut findings = Vec::new();

    let integrity: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_all(&mut conn)
        .await?;
    findings.push(Finding {
        what: "file integrity",
        problem: (integrity != ["ok"]).then(|| integrity.join("; ")),
        detail: "PRAGMA integrity_check".into(),
    });

    let keys: Vec<(String, Option<i64>, String)> =
        sqlx::query_as("SELECT \"table\", rowid, parent FROM pragma_foreign_key_check")
            .fetch_all(&mut conn)
            .await?;
    findings.push(Finding {
        what: "foreign keys",
        problem: (!keys.is_empty()).then(|| {
            format!(
                "{} rows point at nothing (first: {} row {:?} → {})",
                keys.len(),
                keys[0].0,
                keys[0].1,
                keys[0].2
            )
        }),
        detail: "every reference points at a row".into(),
    });

    let applied: i64 = sqlx::query_scalar("SELECT count(*) FROM _sqlx_migrations WHERE success")
        .fetch_one(&mut conn)
        .await
        .unwrap_or(0);
    let known = MIGRATOR.iter().count() as i64;
    findings.push(Finding {
        what: "schema",
        problem: (applied < known).then(|| {
            format!("{applied} of {known} migrations applied; any other command upgrades it")
        }),
        detail: format!("{applied} migrations"),
    });

    // The index's own structure, then that it holds one document for every turn and no other.
    let fts = sqlx::query("INSERT INTO turn_fts (turn_fts) VALUES ('integrity-check')")
        .execute(&mut conn)
        .await;
    let (turns, missing, stray): (i64, i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM turn), \
           (SELECT count(*) FROM turn WHERE id NOT IN (SELECT id FROM turn_fts_docsize)), \
           (SELECT count(*) FROM turn_fts_docsize WHERE id NOT IN (SELECT id FROM turn))",
    )
    .fetch_one(&mut conn)
    .await?;
    let problem = match fts {
        Err(e) => Some(format!(
            "the index is damaged ({e}); run `stenogram reindex`"
        )),
        Ok(_) if missing > 0 || stray > 0 => Some(format!(
            "{missing} turns are not in the index and {stray} index entries have no turn; run `stenogram reindex`"
        )),
        Ok(_) => None,
    };
    findings.push(Finding {
        what: "search index",
        problem,
        detail: format!("{turns} turns indexed"),
    });

    let mut last = 0i64;
    let mut sources = 0i64;
    let mut mismatched: Vec<i64> = Vec::new();
    loop {
        let batch: Vec<(i64, String, Vec<u8>)> = sqlx::query_as(
            "SELECT id, sha256, bytes FROM source WHERE id > ? ORDER BY id LIMIT 200",
        )
        .bind(last)
        .fetch_all(&mut conn)
        .await?;
        let Some((id, _, _)) = batch.last() else {
            break;
        };
        last = *id;
        for (id, hash, bytes) in &batch {
            sources += 1;
            if sha256_hex(bytes) != *hash {
                mismatched.push(*id);
            }
        }
    }
    findings.push(Finding {
        what: "sources",
        problem: (!mismatched.is_empty()).then(|| {
            format!(
                "{} sources' bytes differ from their hash (ids {:?})",
                mismatched.len(),
                &mismatched[..mismatched.len().min(10)]
            )
        }),
        detail: format!("{sources} sources match their SHA-256"),
    });

    let (transcripts, empty, miscounted): (i64, i64, i64) = sqlx::query_as(
        "SELECT count(*), \
           coalesce(sum(NOT EXISTS (SELECT 1 FROM turn WHERE transcript_id = t.id)), 0), \
           coalesce(sum(t.exchange_count != (SELECT count(*) FROM exchange e WHERE e.transcript_id = t.id)), 0) \
         FROM transcript t",
    )
    .fetch_one(&mut conn)
    .await?;
    findings.push(Finding {
        what: "transcripts",
        problem: (empty > 0 || miscounted > 0).then(|| {
            format!("{empty} transcripts have no turns, {miscounted} count their exchanges wrong; run `stenogram reindex`")
        }),
        detail: format!("{transcripts} transcripts, each with its turns and exchanges"),
    });
    conn.close().await?;
    Ok(findings)
}

/// Opens an archive to read only, as a replica is served: nothing is created, migrated or
/// written. The schema must be this version's.
pub async fn open_read_only(path: &Path) -> anyhow::Result<SqlitePool> {
    if !path.exists() {
        anyhow::bail!("there is no archive at {}", path.display());
    }
    let options = SqliteConnectOptions::from_str("sqlite://")?
        .filename(path)
        .read_only(true)
        .busy_timeout(Duration::from_secs(10))
        .pragma("cache_size", "-8192")
        .pragma("mmap_size", "1073741824");
    let pool = super::pool_of(options).await?;
    let applied: i64 = sqlx::query_scalar("SELECT count(*) FROM _sqlx_migrations WHERE success")
        .fetch_one(&pool)
        .await
        .unwrap_or(0);
    let known = MIGRATOR.iter().count() as i64;
    if applied != known {
        pool.close().await;
        anyhow::bail!(
            "the archive at {} has {applied} of this version's {known} migrations; upgrade the primary with this version first (any command but `serve --read-only` does)",
            path.display()
        );
    }
    Ok(pool)
}
