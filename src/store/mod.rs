//! The archive in SQLite: opening it, writing transcripts (each all or nothing), and the queries
//! the pages need. Query functions take `impl SqliteExecutor` so a pool, a connection or a
//! transaction all fit.

pub mod corrections;
mod derive;
pub mod editors;
pub mod ingest;
pub mod maintain;
pub mod offices;
pub mod portable;
pub mod read;
pub mod translations;
pub mod write;

use sha2::{Digest, Sha256};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteConnection, SqliteJournalMode, SqlitePool, SqlitePoolOptions,
    SqliteSynchronous,
};
use std::path::Path;
use std::str::FromStr;
use std::time::{Duration, Instant};

tokio::task_local! {
    /// When the request being served must have its answer. A connection taken from the pool
    /// inside this scope interrupts any statement still running past it, so a request the
    /// server has given up on stops using the CPU and its connection goes back to the pool.
    pub static DEADLINE: Instant;
}

/// How many SQLite virtual machine steps run between two looks at the deadline (a few
/// microseconds of work).
const STEPS_BETWEEN_CHECKS: i32 = 2000;

/// Arms a connection for the task taking it: with the task's deadline, or with none.
async fn arm(conn: &mut SqliteConnection) -> Result<(), sqlx::Error> {
    let deadline = DEADLINE.try_with(|d| *d).ok();
    let mut handle = conn.lock_handle().await?;
    match deadline {
        Some(deadline) => {
            handle.set_progress_handler(STEPS_BETWEEN_CHECKS, move || Instant::now() < deadline)
        }
        None => handle.remove_progress_handler(),
    }
    Ok(())
}

/// Whether a database failure is a fault of the file or its disk (full, read-only, locked,
/// damaged) rather than of the request: something an administrator fixes.
pub fn is_fault(e: &sqlx::Error) -> bool {
    e.as_database_error()
        .and_then(|d| d.code())
        .and_then(|c| c.parse::<i32>().ok())
        .is_some_and(|c| matches!(c & 0xff, 5 | 6 | 8 | 10 | 11 | 13 | 14 | 26))
}

/// A database failure in words that name the cause and what to do, for the faults a person can
/// fix (a full disk, a read-only or locked file, a damaged one); other failures as SQLite says.
pub fn explain(e: &sqlx::Error) -> String {
    let code = e
        .as_database_error()
        .and_then(|d| d.code())
        .and_then(|c| c.parse::<i32>().ok());
    // The primary result code is the low byte of the extended one.
    let hint = match code.map(|c| c & 0xff) {
        Some(13) => {
            "the disk is full: free some space and run it again; nothing of the failed write was kept"
        }
        Some(8) => {
            "the database file cannot be written: it, its folder or its -wal/-shm files are read-only; give the user running Stenogram write access to all of them"
        }
        Some(5) | Some(6) => {
            "the database is locked by another program that holds a write: wait for it to finish, or stop it"
        }
        Some(11) | Some(26) => {
            "the database file is damaged or is not a Stenogram database: restore it from a backup"
        }
        Some(14) => {
            "the database file cannot be opened: check that its folder exists and can be written"
        }
        Some(10) => {
            "reading or writing the database file failed (a disk error): check the disk, then restore from a backup if it is damaged"
        }
        _ => return format!("database error: {e}"),
    };
    format!("{hint} ({e})")
}

/// Whether a statement failed because its deadline passed (SQLITE_INTERRUPT).
pub fn is_interrupted(e: &sqlx::Error) -> bool {
    e.as_database_error()
        .and_then(|d| d.code())
        .is_some_and(|code| code == "9")
}

pub use write::{Imported, StoreError};

/// The migrations, embedded in the binary.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// Opens (creating it and its folder when missing) the database at `path`, in WAL mode with
/// foreign keys on, and runs the migrations.
pub async fn open(path: &Path) -> Result<SqlitePool, sqlx::Error> {
    if let Some(parent) = path.parent()
        && !parent.as_os_str().is_empty()
    {
        std::fs::create_dir_all(parent).map_err(sqlx::Error::Io)?;
    }
    let options = SqliteConnectOptions::from_str("sqlite://")?
        .filename(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(10))
        .pragma("cache_size", "-8192")
        .pragma("mmap_size", "1073741824");
    let pool = pool_of(options).await?;
    MIGRATOR.run(&pool).await?;
    upgrade(&pool).await?;
    Ok(pool)
}

/// The pool every server and command reads through: eight connections, each armed with the
/// request's deadline when it is taken.
pub(crate) async fn pool_of(options: SqliteConnectOptions) -> Result<SqlitePool, sqlx::Error> {
    SqlitePoolOptions::new()
        .max_connections(8)
        // Arming a connection talks to it, which tells as much as the default ping would.
        .test_before_acquire(false)
        .after_connect(|conn, _| Box::pin(arm(conn)))
        .before_acquire(|conn, _| Box::pin(async move { arm(conn).await.map(|()| true) }))
        .connect_with(options)
        .await
}

/// Fewer letters and digits than this, and a text is too short to tell a republication by.
const TEXT_KEY_MIN: usize = 200;

/// The fingerprint of what was said: the letters and digits of every paragraph, in order,
/// folded to lower case, so that whitespace, punctuation and markup do not change it; `None`
/// for a text too short to tell apart from another.
pub fn text_key<'a>(paragraphs: impl IntoIterator<Item = &'a str>) -> Option<String> {
    // Folded into one buffer, hashed once: hashing a character at a time costs more than the
    // reading of the text.
    let mut folded: Vec<u8> = Vec::new();
    let mut n = 0usize;
    for p in paragraphs {
        for c in p.chars().filter(|c| c.is_alphanumeric()) {
            if c.is_ascii() {
                folded.push(c.to_ascii_lowercase() as u8);
            } else {
                let mut buf = [0u8; 4];
                for l in c.to_lowercase() {
                    folded.extend_from_slice(l.encode_utf8(&mut buf).as_bytes());
                }
            }
            n += 1;
        }
    }
    (n >= TEXT_KEY_MIN).then(|| hex::encode(Sha256::digest(&folded))[..32].to_string())
}

/// Upgrades of stored data that SQL alone cannot compute, each run once (`user_version`
/// counts those done).
async fn upgrade(pool: &SqlitePool) -> Result<(), sqlx::Error> {
    let done: i64 = sqlx::query_scalar("PRAGMA user_version")
        .fetch_one(pool)
        .await?;
    if done < 1 {
        // 1: a person's surname is matched across romanisations (`Zhulyov`, `Zhulev`).
        let mut tx = pool.begin().await?;
        let people: Vec<(i64, String, String)> =
            sqlx::query_as("SELECT id, name, surname FROM speaker WHERE kind = 'person'")
                .fetch_all(&mut *tx)
                .await?;
        for (id, name, surname) in people {
            let matched = crate::parse::names::match_surname(&name);
            if matched != surname {
                sqlx::query("UPDATE speaker SET surname = ? WHERE id = ?")
                    .bind(matched)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        sqlx::query("PRAGMA user_version = 1")
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
    }
    if done < 2 {
        // 2: each transcript's text key, from its stored turns, so that republications of
        // transcripts stored before find them.
        let mut tx = pool.begin().await?;
        let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM transcript WHERE text_key IS NULL")
            .fetch_all(&mut *tx)
            .await?;
        for id in ids {
            let paragraphs: Vec<String> = sqlx::query_scalar(
                "SELECT p.value FROM turn t, json_each(t.paragraphs) p WHERE t.transcript_id = ? ORDER BY t.position, p.key",
            )
            .bind(id)
            .fetch_all(&mut *tx)
            .await?;
            sqlx::query("UPDATE transcript SET text_key = ? WHERE id = ?")
                .bind(text_key(paragraphs.iter().map(String::as_str)))
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        sqlx::query("PRAGMA user_version = 2")
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
    }
    Ok(())
}

/// Whether the database answers a statement.
pub async fn ping(pool: &SqlitePool) -> Result<(), sqlx::Error> {
    sqlx::query_scalar::<_, i64>("SELECT 1")
        .fetch_one(pool)
        .await
        .map(|_| ())
}

/// Looks for damage in the database file (`PRAGMA quick_check`): `None` when there is none,
/// else the first problem found.
pub async fn check(pool: &SqlitePool) -> Result<Option<String>, sqlx::Error> {
    let found: Vec<String> = sqlx::query_scalar("PRAGMA quick_check(5)")
        .fetch_all(pool)
        .await?;
    Ok(match found.as_slice() {
        [ok] if ok == "ok" => None,
        _ => Some(found.join("; ")),
    })
}

/// Lower-case hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// A URL slug: ASCII, lower case, words joined by hyphens, at most `max` characters.
pub fn slugify(text: &str, max: usize) -> String {
    let ascii = deunicode::deunicode(text).to_lowercase();
    let mut slug = String::new();
    for word in ascii
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if !slug.is_empty() && slug.len() + 1 + word.len() > max {
            break;
        }
        if !slug.is_empty() {
            slug.push('-');
        }
        slug.push_str(word);
    }
    if slug.len() > max {
        slug.truncate(max);
    }
    slug
}

/// The fingerprint of an exchange: a hash of its question's folded text, stable across re-parses
/// that only change numbering or spacing.
pub fn fingerprint(question: &[String]) -> String {
    let folded = crate::parse::names::fold(&question.join(" "));
    sha256_hex(folded.as_bytes())[..16].to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_ascii_words_joined_by_hyphens() {
        assert_eq!(
            slugify("Lavrov’s talks — in Minsk!", 60),
            "lavrov-s-talks-in-minsk"
        );
        assert_eq!(slugify("Сергей Лавров", 60), "sergei-lavrov");
        assert_eq!(slugify("one two three", 8), "one-two");
    }

    #[test]
    fn a_fingerprint_ignores_case_and_spacing() {
        assert_eq!(
            fingerprint(&["Did  you discuss it?".into()]),
            fingerprint(&["did you discuss it".into()])
        );
    }
}
