//! One event in several languages. Each language is a transcript of its own (its own slug,
//! permalinks and search entries); a translation points at the transcript of the original.
//! The reader links a new transcript to the event it translates when it finds one on the same
//! date, with the same named speakers and the same number of exchanges, in another language;
//! editors link and unlink by hand, and each of their changes is a correction in the history.

use serde::Serialize;
use sqlx::SqliteConnection;

/// One language version of an event.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Version {
    pub slug: String,
    pub title: String,
    /// BCP 47 language tag (`en`, `ru`, `zh`).
    pub language: Option<String>,
    /// Whether this is the original, the others being its translations.
    pub original: bool,
    /// The editor who linked it to the original; none when the reader found the pair.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub linked_by: Option<String>,
    #[serde(skip)]
    pub id: i64,
}

/// The original of the event a transcript belongs to (itself when it is the original or stands
/// alone).
pub async fn original_of(conn: &mut SqliteConnection, id: i64) -> Result<i64, sqlx::Error> {
    let original: Option<i64> =
        sqlx::query_scalar("SELECT original_id FROM translation WHERE transcript_id = ?")
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
    Ok(original.unwrap_or(id))
}

/// Every language version of the event a transcript belongs to, the original first, then the
/// translations by language; empty when it stands alone.
pub async fn versions(
    db: impl sqlx::SqliteExecutor<'_>,
    id: i64,
) -> Result<Vec<Version>, sqlx::Error> {
    sqlx::query_as(
        "WITH root(id) AS (SELECT coalesce((SELECT original_id FROM translation WHERE transcript_id = ?1), ?1)) \
         SELECT t.id AS id, t.slug AS slug, t.title AS title, t.language AS language, 1 AS original, NULL AS linked_by FROM transcript t, root \
           WHERE t.id = root.id AND EXISTS (SELECT 1 FROM translation x WHERE x.original_id = root.id) \
         UNION ALL \
         SELECT t.id, t.slug, t.title, t.language, 0, x.linked_by FROM root \
           JOIN translation x ON x.original_id = root.id JOIN transcript t ON t.id = x.transcript_id \
         ORDER BY original DESC, language, id",
    )
    .bind(id)
    .fetch_all(db)
    .await
}

/// Why two transcripts cannot be one event in two languages.
#[derive(Debug, PartialEq)]
pub enum Refused {
    /// They are one transcript.
    Same,
    /// The event already has a version in that language (its slug).
    LanguageTaken(String),
    /// They are already versions of one event.
    AlreadyLinked,
}

impl Refused {
    pub fn message(&self) -> String {
        match self {
            Refused::Same => "A transcript cannot be a translation of itself: give the address of the other language's transcript.".into(),
            Refused::LanguageTaken(slug) => format!(
                "That event already has a transcript in this language (/transcripts/{slug}); unlink it first, or merge the two as one text."
            ),
            Refused::AlreadyLinked => "The two are already versions of one event.".into(),
        }
    }
}

/// Makes `translation` (with any versions of its own event) a translation of the event of
/// `original`, whose original stays the original. Inside the caller's transaction.
pub async fn link(
    conn: &mut SqliteConnection,
    translation: i64,
    original: i64,
    by: Option<&str>,
) -> Result<Result<(), Refused>, sqlx::Error> {
    if translation == original {
        return Ok(Err(Refused::Same));
    }
    let root = original_of(conn, original).await?;
    let moving_root = original_of(conn, translation).await?;
    if root == moving_root {
        return Ok(Err(Refused::AlreadyLinked));
    }
    let kept = versions_or_self(conn, root).await?;
    let moving = versions_or_self(conn, moving_root).await?;
    for m in &moving {
        if let Some(k) = kept
            .iter()
            .find(|k| k.language.is_some() && k.language == m.language)
        {
            return Ok(Err(Refused::LanguageTaken(k.slug.clone())));
        }
    }
    sqlx::query(
        "INSERT INTO translation (transcript_id, original_id, linked_by) \
         SELECT value, ?, ? FROM json_each(?) WHERE true \
         ON CONFLICT (transcript_id) DO UPDATE SET original_id = excluded.original_id, \
           linked_by = coalesce(excluded.linked_by, linked_by)",
    )
    .bind(root)
    .bind(by)
    .bind(
        serde_json::to_string(&moving.iter().map(|m| m.id).collect::<Vec<_>>()).unwrap_or_default(),
    )
    .execute(&mut *conn)
    .await?;
    Ok(Ok(()))
}

/// The versions of an event, or the transcript alone as its only one.
async fn versions_or_self(
    conn: &mut SqliteConnection,
    id: i64,
) -> Result<Vec<Version>, sqlx::Error> {
    let found = versions(&mut *conn, id).await?;
    if !found.is_empty() {
        return Ok(found);
    }
    sqlx::query_as(
        "SELECT id, slug, title, language, 1 AS original, NULL AS linked_by FROM transcript WHERE id = ?",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await
}

/// Takes a transcript out of its event: a translation stands alone again; an original's first
/// translation becomes the original of the rest. `false` when it was linked to nothing.
pub async fn unlink(conn: &mut SqliteConnection, id: i64) -> Result<bool, sqlx::Error> {
    let gone = sqlx::query("DELETE FROM translation WHERE transcript_id = ?")
        .bind(id)
        .execute(&mut *conn)
        .await?
        .rows_affected();
    if gone > 0 {
        return Ok(true);
    }
    let heir: Option<i64> = sqlx::query_scalar(
        "SELECT x.transcript_id FROM translation x JOIN transcript t ON t.id = x.transcript_id \
         WHERE x.original_id = ? ORDER BY t.language, t.id LIMIT 1",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(heir) = heir else {
        return Ok(false);
    };
    sqlx::query("DELETE FROM translation WHERE transcript_id = ?")
        .bind(heir)
        .execute(&mut *conn)
        .await?;
    sqlx::query("UPDATE translation SET original_id = ? WHERE original_id = ?")
        .bind(heir)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(true)
}

/// Whether a reading says of itself that it is a translation (a translator's note, an
/// "unofficial translation" line), in the languages ministries publish in.
pub fn says_it_is_a_translation(doc: &crate::parse::Document) -> bool {
    static SAYS: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(
            r"(?i)\btranslat(ion|ed)\b|перевод|переведен|译文|翻译|\btraduction\b|\btraduit\b|\btraducción\b|\btraducido\b|\bübersetzung\b|\bübersetzt\b|ترجمة|翻訳|仮訳",
        )
        .unwrap()
    });
    doc.notes
        .iter()
        .chain(&doc.preface)
        .chain(&doc.header)
        .any(|p| {
            // What a note says of the text is said at its start.
            let end = p.char_indices().nth(400).map_or(p.len(), |(i, _)| i);
            SAYS.is_match(&p[..end])
        })
}

/// Links each new transcript to the event it translates, when exactly one event fits: one
/// stored on the same date, in another language that event has no version in yet, with the
/// same number of exchanges and the same named people making statements and answering (names
/// in two scripts are one speaker). Which of the two is the original: the one that does not
/// say it is a translation; else the one not in English (ministries publish in their own
/// language and translate into English); else the one stored first. Inside the caller's
/// transaction, after the new rows are written.
pub(super) async fn find_for_new(
    conn: &mut SqliteConnection,
    new: &[(i64, bool)],
) -> Result<usize, sqlx::Error> {
    let mut linked = 0;
    for &(id, says_translated) in new {
        type Candidate = (i64, Option<String>);
        let this: Option<(Option<String>, Option<String>, i64)> =
            sqlx::query_as("SELECT date, language, exchange_count FROM transcript WHERE id = ?")
                .bind(id)
                .fetch_optional(&mut *conn)
                .await?;
        let Some((Some(date), Some(language), exchanges)) = this else {
            continue;
        };
        // One range of `transcript_newest`: the transcripts of that day.
        let candidates: Vec<Candidate> = sqlx::query_as(
            "SELECT id, language FROM transcript WHERE coalesce(date, '') = ? AND id <> ? \
             AND exchange_count = ? AND language IS NOT NULL AND language <> ?",
        )
        .bind(&date)
        .bind(id)
        .bind(exchanges)
        .bind(&language)
        .fetch_all(&mut *conn)
        .await?;
        if candidates.is_empty() {
            continue;
        }
        let mine = people(conn, id).await?;
        if mine.is_empty() {
            continue;
        }
        let mut roots: Vec<i64> = Vec::new();
        for (candidate, _) in &candidates {
            if people(conn, *candidate).await? == mine {
                let root = original_of(conn, *candidate).await?;
                if !roots.contains(&root) {
                    roots.push(root);
                }
            }
        }
        let [root] = roots[..] else {
            continue;
        };
        let language = Some(language);
        let kept = versions_or_self(conn, root).await?;
        if kept.iter().any(|k| k.language == language) {
            continue;
        }
        let root_language = kept
            .iter()
            .find(|k| k.original)
            .and_then(|k| k.language.clone());
        let new_is_original = !says_translated
            && root_language.as_deref() == Some("en")
            && language.as_deref() != Some("en");
        let done = if new_is_original {
            link(conn, root, id, None).await?
        } else {
            link(conn, id, root, None).await?
        };
        if done.is_ok() {
            linked += 1;
        }
    }
    Ok(linked)
}

/// The named people who make statements or answer in a transcript, by speaker id.
async fn people(conn: &mut SqliteConnection, id: i64) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT DISTINCT t.speaker_id FROM turn t JOIN speaker s ON s.id = t.speaker_id \
         WHERE t.transcript_id = ? AND t.role IN ('statement', 'answer') AND s.kind = 'person' \
         ORDER BY t.speaker_id",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await
}

/// A language's own name for itself, for a reader choosing between versions (`Русский`,
/// `中文`); the English name for one not listed.
pub fn autonym(code: &str) -> String {
    match code {
        "en" => "English",
        "ru" => "Русский",
        "zh" => "中文",
        "ja" => "日本語",
        "fr" => "Français",
        "es" => "Español",
        "de" => "Deutsch",
        "ar" => "العربية",
        "pt" => "Português",
        "it" => "Italiano",
        "uk" => "Українська",
        "ko" => "한국어",
        "tr" => "Türkçe",
        "fa" => "فارسی",
        "nl" => "Nederlands",
        "pl" => "Polski",
        "he" => "עברית",
        "hi" => "हिन्दी",
        "bg" => "Български",
        "sr" => "Српски",
        other => return crate::search::indexed::language_name(other),
    }
    .to_string()
}

/// The event a reading not yet stored would be linked to as a translation, by the rule of
/// [`find_for_new`] with names compared across romanisations and scripts (the reading's
/// speakers are not resolved yet): (slug, title, language) of that event's original.
pub async fn event_of_reading(
    conn: &mut SqliteConnection,
    doc: &crate::parse::Document,
) -> Result<Option<(String, String, Option<String>)>, sqlx::Error> {
    let (Some(date), Some(language)) = (&doc.date, &doc.language) else {
        return Ok(None);
    };
    let mut mine: Vec<Vec<String>> = doc
        .turns
        .iter()
        .filter(|t| {
            t.speaker_kind == crate::parse::SpeakerKind::Person
                && matches!(
                    t.role,
                    crate::parse::Role::Statement | crate::parse::Role::Answer
                )
        })
        .map(|t| crate::parse::names::match_words(&t.speaker))
        .collect();
    mine.sort();
    mine.dedup();
    if mine.is_empty() {
        return Ok(None);
    }
    let candidates: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM transcript WHERE coalesce(date, '') = ? AND exchange_count = ? \
         AND language IS NOT NULL AND language <> ?",
    )
    .bind(date)
    .bind(doc.exchanges.len() as i64)
    .bind(language)
    .fetch_all(&mut *conn)
    .await?;
    let mut roots: Vec<i64> = Vec::new();
    for candidate in candidates {
        let names: Vec<String> = sqlx::query_scalar(
            "SELECT DISTINCT s.name FROM turn t JOIN speaker s ON s.id = t.speaker_id \
             WHERE t.transcript_id = ? AND t.role IN ('statement', 'answer') AND s.kind = 'person'",
        )
        .bind(candidate)
        .fetch_all(&mut *conn)
        .await?;
        let mut theirs: Vec<Vec<String>> = names
            .iter()
            .map(|n| crate::parse::names::match_words(n))
            .collect();
        theirs.sort();
        theirs.dedup();
        if theirs == mine {
            let root = original_of(conn, candidate).await?;
            if !roots.contains(&root) {
                roots.push(root);
            }
        }
    }
    let [root] = roots[..] else {
        return Ok(None);
    };
    let kept = versions_or_self(conn, root).await?;
    if kept.iter().any(|k| k.language.as_deref() == Some(language)) {
        return Ok(None);
    }
    Ok(kept
        .into_iter()
        .find(|k| k.original)
        .map(|k| (k.slug, k.title, k.language)))
}
