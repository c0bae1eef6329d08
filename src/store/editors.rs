//! Editors (argon2 password hashes), their sessions, API tokens, login throttling and drafts.

use super::sha256_hex;
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use rand::Rng;
use sqlx::{SqliteExecutor, SqlitePool};

/// How long a sign-in lasts.
pub const SESSION_SECONDS: i64 = 14 * 24 * 3600;

/// A random token of 32 URL-safe characters.
pub fn random_token() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = rand::rng();
    (0..32)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect()
}

fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

pub fn hash_password(password: &str) -> Result<String, sqlx::Error> {
    let bytes: [u8; 16] = rand::rng().random();
    let salt = SaltString::encode_b64(&bytes)
        .map_err(|e| sqlx::Error::Protocol(format!("cannot make a salt: {e}")))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| sqlx::Error::Protocol(format!("cannot hash the password: {e}")))
}

pub async fn add_editor(pool: &SqlitePool, name: &str, password: &str) -> Result<i64, sqlx::Error> {
    let hash = hash_password(password)?;
    sqlx::query_scalar("INSERT INTO editor (name, password_hash) VALUES (?, ?) RETURNING id")
        .bind(name.to_string())
        .bind(hash)
        .fetch_one(pool)
        .await
}

pub async fn set_password(
    pool: &SqlitePool,
    name: &str,
    password: &str,
) -> Result<bool, sqlx::Error> {
    let hash = hash_password(password)?;
    let r = sqlx::query("UPDATE editor SET password_hash = ? WHERE name = ?")
        .bind(hash)
        .bind(name.to_string())
        .execute(pool)
        .await?;
    if r.rows_affected() > 0 {
        sqlx::query("DELETE FROM session WHERE editor_id = (SELECT id FROM editor WHERE name = ?)")
            .bind(name.to_string())
            .execute(pool)
            .await?;
    }
    Ok(r.rows_affected() > 0)
}

pub async fn editor_count(db: impl SqliteExecutor<'_>) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT count(*) FROM editor")
        .fetch_one(db)
        .await
}

/// On a database with no editor, creates `admin` with a random password and returns it.
pub async fn ensure_first_editor(pool: &SqlitePool) -> Result<Option<String>, sqlx::Error> {
    if editor_count(pool).await? > 0 {
        return Ok(None);
    }
    let password = random_token()[..20].to_string();
    add_editor(pool, "admin", &password).await?;
    Ok(Some(password))
}

/// The editor's id when name and password match.
pub async fn check_password(
    pool: &SqlitePool,
    name: &str,
    password: &str,
) -> Result<Option<i64>, sqlx::Error> {
    let row: Option<(i64, String)> =
        sqlx::query_as("SELECT id, password_hash FROM editor WHERE name = ?")
            .bind(name.to_string())
            .fetch_optional(pool)
            .await?;
    let password = password.to_string();
    let ok = match &row {
        Some((_, hash)) => {
            let hash = hash.clone();
            tokio::task::spawn_blocking(move || {
                PasswordHash::new(&hash).is_ok_and(|h| {
                    Argon2::default()
                        .verify_password(password.as_bytes(), &h)
                        .is_ok()
                })
            })
            .await
            .unwrap_or(false)
        }
        None => {
            // Spend the same time on an unknown name so that names cannot be probed by timing.
            let _ = tokio::task::spawn_blocking(move || hash_password(&password)).await;
            false
        }
    };
    Ok(if ok { row.map(|(id, _)| id) } else { None })
}

/// A signed-in editor.
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    pub editor_id: i64,
    pub editor: String,
    pub csrf: String,
}

/// Starts a session; returns the cookie's token.
pub async fn create_session(pool: &SqlitePool, editor_id: i64) -> Result<String, sqlx::Error> {
    let token = random_token();
    sqlx::query("DELETE FROM session WHERE expires_at < ?")
        .bind(now())
        .execute(pool)
        .await?;
    sqlx::query(
        "INSERT INTO session (token_hash, editor_id, csrf, expires_at) VALUES (?, ?, ?, ?)",
    )
    .bind(sha256_hex(token.as_bytes()))
    .bind(editor_id)
    .bind(random_token())
    .bind(now() + SESSION_SECONDS)
    .execute(pool)
    .await?;
    Ok(token)
}

pub async fn session(
    db: impl SqliteExecutor<'_>,
    token: &str,
) -> Result<Option<Session>, sqlx::Error> {
    let row: Option<(i64, String, String)> = sqlx::query_as(
        "SELECT e.id, e.name, s.csrf FROM session s JOIN editor e ON e.id = s.editor_id WHERE s.token_hash = ? AND s.expires_at > ?",
    )
    .bind(sha256_hex(token.as_bytes()))
    .bind(now())
    .fetch_optional(db)
    .await?;
    Ok(row.map(|(editor_id, editor, csrf)| Session {
        editor_id,
        editor,
        csrf,
    }))
}

pub async fn end_session(db: impl SqliteExecutor<'_>, token: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM session WHERE token_hash = ?")
        .bind(sha256_hex(token.as_bytes()))
        .execute(db)
        .await?;
    Ok(())
}

/// How failed sign-ins slow the next attempt for one key.
#[derive(Debug, Clone, Copy)]
pub struct Throttle {
    /// Failures that cost nothing.
    pub free: i64,
    /// The longest wait, in seconds.
    pub most: i64,
}

/// An account: three tries, then a wait doubling up to five minutes.
pub const ACCOUNT_THROTTLE: Throttle = Throttle { free: 3, most: 300 };

/// An address, which many people can share (an office, a proxy): twenty tries, then a wait
/// doubling up to one minute, so that guessing at many names is slowed while the owner of an
/// account is never locked out for long.
pub const ADDRESS_THROTTLE: Throttle = Throttle { free: 20, most: 60 };

/// Whether an editor of this name exists.
pub async fn editor_exists(db: impl SqliteExecutor<'_>, name: &str) -> Result<bool, sqlx::Error> {
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM editor WHERE name = ?")
        .bind(name.to_string())
        .fetch_one(db)
        .await?;
    Ok(n > 0)
}

/// Seconds to wait before the next attempt for this key (an account or an address), given its
/// recent failures and its throttle.
pub async fn login_delay(
    db: impl SqliteExecutor<'_>,
    key: &str,
    throttle: Throttle,
) -> Result<i64, sqlx::Error> {
    let row: Option<(i64, i64)> =
        sqlx::query_as("SELECT failures, last_at FROM login_failure WHERE key = ?")
            .bind(key.to_string())
            .fetch_optional(db)
            .await?;
    Ok(match row {
        Some((failures, last_at)) if failures >= throttle.free => {
            let wait = (1i64 << (failures - throttle.free).min(16)).min(throttle.most);
            (last_at + wait - now()).max(0)
        }
        _ => 0,
    })
}

pub async fn record_login_failure(
    db: impl SqliteExecutor<'_>,
    key: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO login_failure (key, failures, last_at) VALUES (?, 1, ?) ON CONFLICT (key) DO UPDATE SET failures = failures + 1, last_at = excluded.last_at")
        .bind(key.to_string())
        .bind(now())
        .execute(db)
        .await?;
    Ok(())
}

pub async fn clear_login_failures(
    db: impl SqliteExecutor<'_>,
    key: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM login_failure WHERE key = ?")
        .bind(key.to_string())
        .execute(db)
        .await?;
    Ok(())
}

/// Creates an API token; only its hash is stored.
pub async fn create_token(pool: &SqlitePool, name: &str) -> Result<String, sqlx::Error> {
    let token = format!("stn_{}", random_token());
    sqlx::query("INSERT INTO api_token (name, token_hash) VALUES (?, ?)")
        .bind(name.to_string())
        .bind(sha256_hex(token.as_bytes()))
        .execute(pool)
        .await?;
    Ok(token)
}

/// The name of the token, when it is a valid one.
pub async fn check_token(pool: &SqlitePool, token: &str) -> Result<Option<String>, sqlx::Error> {
    let hash = sha256_hex(token.as_bytes());
    let name: Option<String> =
        sqlx::query_scalar("SELECT name FROM api_token WHERE token_hash = ?")
            .bind(hash.clone())
            .fetch_optional(pool)
            .await?;
    if name.is_some() {
        sqlx::query("UPDATE api_token SET last_used_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE token_hash = ?").bind(hash).execute(pool).await?;
    }
    Ok(name)
}

/// An upload under review.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Draft {
    pub id: i64,
    pub editor_id: i64,
    pub file_name: Option<String>,
    pub media_type: String,
    pub bytes: Vec<u8>,
    pub document: String,
}

pub async fn create_draft(
    pool: &SqlitePool,
    editor_id: i64,
    file_name: Option<&str>,
    media_type: &str,
    bytes: &[u8],
    document: &str,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("INSERT INTO draft (editor_id, file_name, media_type, bytes, document) VALUES (?, ?, ?, ?, ?) RETURNING id")
        .bind(editor_id)
        .bind(file_name.map(str::to_string))
        .bind(media_type.to_string())
        .bind(bytes.to_vec())
        .bind(document.to_string())
        .fetch_one(pool)
        .await
}

pub async fn draft(
    db: impl SqliteExecutor<'_>,
    id: i64,
    editor_id: i64,
) -> Result<Option<Draft>, sqlx::Error> {
    sqlx::query_as("SELECT id, editor_id, file_name, media_type, bytes, document FROM draft WHERE id = ? AND editor_id = ?")
        .bind(id)
        .bind(editor_id)
        .fetch_optional(db)
        .await
}

pub async fn update_draft(
    db: impl SqliteExecutor<'_>,
    id: i64,
    document: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE draft SET document = ? WHERE id = ?")
        .bind(document.to_string())
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

pub async fn delete_draft(db: impl SqliteExecutor<'_>, id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM draft WHERE id = ?")
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

/// The drafts an editor has not yet published or discarded.
pub async fn drafts(
    db: impl SqliteExecutor<'_>,
    editor_id: i64,
) -> Result<Vec<(i64, Option<String>, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, file_name, created_at FROM draft WHERE editor_id = ? ORDER BY id DESC",
    )
    .bind(editor_id)
    .fetch_all(db)
    .await
}
