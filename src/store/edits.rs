//! The changes an editor makes to the published archive: a transcript's fields and speakers,
//! an exchange's topics, topic merges. Each runs in one transaction of its own.

use super::write::{Edits, resolve_topic};
use sqlx::{SqliteConnection, SqlitePool};

/// What an editor does to one exchange's topics.
pub enum TopicChange<'a> {
    /// Adds the topic of this name (created, of this kind, when new).
    Add { name: &'a str, kind: &'a str },
    /// Removes the topic of this slug.
    Remove { slug: &'a str },
}

/// Adds or removes a topic of exchange `number` of a transcript; the choice is kept by the
/// exchange's fingerprint so that it survives reindex. `false` when the exchange or the topic
/// to remove does not exist (nothing is written).
pub async fn change_exchange_topic(
    pool: &SqlitePool,
    slug: &str,
    number: i64,
    change: TopicChange<'_>,
) -> Result<bool, sqlx::Error> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let row: Option<(i64, i64, String)> = sqlx::query_as(
        "SELECT t.id, e.id, e.fingerprint FROM transcript t JOIN exchange e ON e.transcript_id = t.id WHERE t.slug = ? AND e.number = ?",
    )
    .bind(slug.to_string())
    .bind(number)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((transcript_id, exchange_id, fp)) = row else {
        return Ok(false);
    };
    let (topic_id, action) = match change {
        TopicChange::Add { name, kind } => {
            let id = resolve_topic(&mut tx, name, kind).await?;
            sqlx::query("INSERT INTO exchange_topic (exchange_id, topic_id, origin, score) VALUES (?, ?, 'editor', 10) ON CONFLICT DO UPDATE SET origin = 'editor'")
                .bind(exchange_id)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            recount_topic(&mut tx, id).await?;
            (id, "add")
        }
        TopicChange::Remove { slug } => {
            let Some(id): Option<i64> = sqlx::query_scalar("SELECT id FROM topic WHERE slug = ?")
                .bind(slug.to_string())
                .fetch_optional(&mut *tx)
                .await?
            else {
                return Ok(false);
            };
            sqlx::query("DELETE FROM exchange_topic WHERE exchange_id = ? AND topic_id = ?")
                .bind(exchange_id)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            (id, "remove")
        }
    };
    sqlx::query("INSERT INTO topic_edit (transcript_id, fingerprint, topic_id, action) VALUES (?, ?, ?, ?) ON CONFLICT DO UPDATE SET action = excluded.action")
        .bind(transcript_id)
        .bind(fp)
        .bind(topic_id)
        .bind(action)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(true)
}

/// Sets a topic's count of exchanges from its links (migration 0009: inserts are counted by
/// their writers).
async fn recount_topic(conn: &mut SqliteConnection, topic_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE topic_stat SET exchanges = (SELECT count(*) FROM exchange_topic WHERE topic_id = ?1) WHERE topic_id = ?1")
        .bind(topic_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Merges the topic `from` into `into` (slugs): its exchanges and editors' choices move, its
/// address redirects. `false` when either does not exist (nothing is written).
pub async fn merge_topics(pool: &SqlitePool, from: &str, into: &str) -> Result<bool, sqlx::Error> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let id = "SELECT id FROM topic WHERE slug = ?";
    let from_id: Option<i64> = sqlx::query_scalar(id)
        .bind(from.to_string())
        .fetch_optional(&mut *tx)
        .await?;
    let into_id: Option<i64> = sqlx::query_scalar(id)
        .bind(into.to_string())
        .fetch_optional(&mut *tx)
        .await?;
    let (Some(from_id), Some(into_id)) = (from_id, into_id) else {
        return Ok(false);
    };
    sqlx::query("INSERT OR IGNORE INTO exchange_topic (exchange_id, topic_id, origin, score, date) SELECT exchange_id, ?, origin, score, date FROM exchange_topic WHERE topic_id = ?")
        .bind(into_id)
        .bind(from_id)
        .execute(&mut *tx)
        .await?;
    recount_topic(&mut tx, into_id).await?;
    sqlx::query("INSERT OR IGNORE INTO topic_edit (transcript_id, fingerprint, topic_id, action) SELECT transcript_id, fingerprint, ?, action FROM topic_edit WHERE topic_id = ?")
        .bind(into_id)
        .bind(from_id)
        .execute(&mut *tx)
        .await?;
    // The merged topic's name and aliases stay as aliases of the kept one: a later reading that
    // finds them (reindex, a new import) gives their exchanges to it.
    sqlx::query("UPDATE topic_alias SET topic_id = ? WHERE topic_id = ?")
        .bind(into_id)
        .bind(from_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT OR REPLACE INTO topic_alias (key, topic_id) SELECT key, ? FROM topic WHERE id = ?",
    )
    .bind(into_id)
    .bind(from_id)
    .execute(&mut *tx)
    .await?;
    // Its address answers with a redirect to the kept one.
    sqlx::query("UPDATE topic_redirect SET topic_id = ? WHERE topic_id = ?")
        .bind(into_id)
        .bind(from_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("INSERT OR REPLACE INTO topic_redirect (slug, topic_id) VALUES (?, ?)")
        .bind(from.to_string())
        .bind(into_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM topic WHERE id = ?")
        .bind(from_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(true)
}

/// Saves an editor's fields of a published transcript and gives labels to other speakers
/// (label -> speaker id; unknown speakers are passed over). The slug never changes.
pub async fn edit_transcript(
    pool: &SqlitePool,
    transcript_id: i64,
    edits: &Edits,
    speakers: &[(String, i64)],
) -> Result<(), sqlx::Error> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    sqlx::query("UPDATE transcript SET title = ?, date = ?, place = ?, source_url = ?, edited = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = ?")
        .bind(edits.title.clone())
        .bind(edits.date.clone())
        .bind(edits.place.clone())
        .bind(edits.source_url.clone())
        .bind(serde_json::to_string(edits).unwrap_or_default())
        .bind(transcript_id)
        .execute(&mut *tx)
        .await?;
    for (label, speaker) in speakers {
        let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM speaker WHERE id = ?")
            .bind(*speaker)
            .fetch_optional(&mut *tx)
            .await?;
        if exists.is_none() {
            continue;
        }
        sqlx::query("INSERT INTO speaker_assignment (transcript_id, label, speaker_id) VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET speaker_id = excluded.speaker_id")
            .bind(transcript_id)
            .bind(label.clone())
            .bind(*speaker)
            .execute(&mut *tx)
            .await?;
        sqlx::query("UPDATE turn SET speaker_id = ? WHERE transcript_id = ? AND label = ?")
            .bind(*speaker)
            .bind(transcript_id)
            .bind(label.clone())
            .execute(&mut *tx)
            .await?;
        sqlx::query("INSERT OR IGNORE INTO alias (speaker_id, label) VALUES (?, ?)")
            .bind(*speaker)
            .bind(label.clone())
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}
