//! The one way bytes become a transcript, whoever sends them: the upload form (and the
//! publishing of its draft), the API, the command line's import and an archive's import. Each
//! goes through the same steps, in this module: the same bytes are looked up first
//! ([`look`]), read with the same hint ([`read`]: a reindex reads a source again the same way),
//! prepared, and stored all or nothing ([`store`], or [`write::store_each`] for a batch).

use super::derive::Prepared;
use super::write::{self, Imported, StoreError, Upload};
use crate::parse::offices::{Holder, Offices};
use crate::parse::{self, ParseError};
use sqlx::SqlitePool;

/// What names the format to the reader: the file name, else the media type (declared, or the
/// one the file name implies).
pub fn hint(file_name: Option<&str>, declared_type: Option<&str>) -> String {
    match file_name {
        Some(name) => name.to_string(),
        None => write::media_type(None, declared_type),
    }
}

/// Reads an upload's bytes and prepares what can be worked out without the archive: the
/// reading that is stored, and that a reindex reads again.
/// `offices` are the office holders editors added ([`super::offices::extra`]).
pub fn read(upload: &Upload<'_>, offices: &[Holder]) -> Result<Prepared, ParseError> {
    let hint = hint(upload.file_name, upload.declared_type);
    parse::parse_bytes_with(upload.bytes, Some(&hint), Offices { extra: offices })
        .map(Prepared::new)
}

/// Whether a reading failed because the bytes are not text at all (answered 415, not 422).
pub fn is_binary(e: &ParseError) -> bool {
    e.message.contains("binary")
}

/// What the first steps found.
pub enum Looked {
    /// These bytes are stored already, as this transcript.
    Existing { slug: String },
    /// New bytes, as read (or why they could not be).
    Read(Result<Box<Prepared>, ParseError>),
}

/// The first steps for one upload: the same bytes already stored are found by their SHA-256,
/// else the bytes are read on a thread of its own (a large file takes a while, and the threads
/// that answer other requests keep answering meanwhile).
pub async fn look<B>(
    pool: &SqlitePool,
    bytes: B,
    file_name: Option<String>,
    declared_type: Option<String>,
) -> Result<Looked, StoreError>
where
    B: AsRef<[u8]> + Send + 'static,
{
    if let Some(slug) = write::existing_slug(pool, &super::sha256_hex(bytes.as_ref())).await? {
        return Ok(Looked::Existing { slug });
    }
    let offices = super::offices::extra_in(pool).await?;
    let read = tokio::task::spawn_blocking(move || {
        read(
            &Upload {
                bytes: bytes.as_ref(),
                file_name: file_name.as_deref(),
                declared_type: declared_type.as_deref(),
                uploaded_by: None,
            },
            &offices,
        )
    })
    .await
    .map_err(|e| sqlx::Error::Protocol(format!("the reader stopped: {e}")))?;
    Ok(Looked::Read(read.map(Box::new)))
}

/// The last step: stores one reading, all or nothing, search index included.
pub async fn store(
    pool: &SqlitePool,
    upload: &Upload<'_>,
    prepared: &Prepared,
) -> Result<Imported, StoreError> {
    let mut conn = pool.acquire().await?;
    write::store(&mut conn, upload, prepared).await
}

/// Every step for one upload that needs no review: looked up, read and stored.
pub async fn import(pool: &SqlitePool, upload: &Upload<'_>) -> Result<Imported, StoreError> {
    let looked = look(
        pool,
        upload.bytes.to_vec(),
        upload.file_name.map(str::to_string),
        upload.declared_type.map(str::to_string),
    )
    .await?;
    match looked {
        Looked::Existing { slug } => Ok(Imported::Existing { slug }),
        Looked::Read(read) => store(pool, upload, &*read?).await,
    }
}
