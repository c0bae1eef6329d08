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
    #[serde(skip)]
    pub exchange_count: i64,
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
         SELECT t.id AS id, t.slug AS slug, t.title AS title, t.language AS language, 1 AS original, NULL AS linked_by, \
           t.exchange_count AS exchange_count FROM transcript t, root \
           WHERE t.id = root.id AND EXISTS (SELECT 1 FROM translation x WHERE x.original_id = root.id) \
         UNION ALL \
         SELECT t.id, t.slug, t.title, t.language, 0, x.linked_by, t.exchange_count FROM root \
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
        "SELECT id, slug, title, language, 1 AS original, NULL AS linked_by, exchange_count FROM transcript WHERE id = ?",
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

/// A transcript just stored, as [`find_for_new`] needs it.
pub(super) struct Stored {
    pub id: i64,
    pub date: Option<String>,
    pub language: Option<String>,
    pub exchanges: i64,
    /// Whether it says of itself that it is a translation.
    pub says_translated: bool,
}

/// Links each new transcript to the event it translates, when exactly one event fits (see
/// [`event_of`]). Which of the two is the original: the one that does not say it is a
/// translation; else the one not in English (ministries publish in their own language and
/// translate into English); else the one stored first. Inside the caller's transaction, after
/// the new rows are written.
pub(super) async fn find_for_new(
    conn: &mut SqliteConnection,
    new: &[Stored],
) -> Result<usize, sqlx::Error> {
    let mut linked = 0;
    for t in new {
        let (Some(date), Some(language)) = (&t.date, &t.language) else {
            continue;
        };
        // Most texts have no transcript of their day to be a version of: the people of the
        // text are read only for one that has.
        let candidates = same_day(conn, date, language, t.exchanges, t.id).await?;
        if candidates.is_empty() {
            continue;
        }
        let mine = people(conn, t.id).await?;
        let Some(kept) = event_among(conn, candidates, language, &mine).await? else {
            continue;
        };
        let Some(root) = kept.iter().find(|k| k.original) else {
            continue;
        };
        let new_is_original =
            !t.says_translated && root.language.as_deref() == Some("en") && language != "en";
        let done = if new_is_original {
            link(conn, root.id, t.id, None).await?
        } else {
            link(conn, t.id, root.id, None).await?
        };
        if done.is_ok() {
            linked += 1;
        }
    }
    Ok(linked)
}

/// The one stored event a text of this date, language and number of exchanges, with these
/// people making statements and answering, is another language's version of: its versions
/// (or the transcript alone), the original first. `None` when no event fits, when more than
/// one does, or when the event already has a version in this language. `except` is the text's
/// own transcript, once stored.
async fn event_of(
    conn: &mut SqliteConnection,
    date: &str,
    language: &str,
    exchanges: i64,
    except: i64,
    people_of_text: &[Vec<String>],
) -> Result<Option<Vec<Version>>, sqlx::Error> {
    if people_of_text.is_empty() {
        return Ok(None);
    }
    let candidates = same_day(conn, date, language, exchanges, except).await?;
    event_among(conn, candidates, language, people_of_text).await
}

/// The transcripts of that day in another language with as many exchanges, but `except`.
async fn same_day(
    conn: &mut SqliteConnection,
    date: &str,
    language: &str,
    exchanges: i64,
    except: i64,
) -> Result<Vec<i64>, sqlx::Error> {
    // One range of `transcript_newest`: the transcripts of that day.
    sqlx::query_scalar(
        "SELECT id FROM transcript WHERE coalesce(date, '') = ? AND id <> ? \
         AND exchange_count = ? AND language IS NOT NULL AND language <> ?",
    )
    .bind(date)
    .bind(except)
    .bind(exchanges)
    .bind(language)
    .fetch_all(&mut *conn)
    .await
}

/// Of these candidates ([`same_day`]), the one event whose people are the text's, as
/// [`event_of`] answers.
async fn event_among(
    conn: &mut SqliteConnection,
    candidates: Vec<i64>,
    language: &str,
    people_of_text: &[Vec<String>],
) -> Result<Option<Vec<Version>>, sqlx::Error> {
    if people_of_text.is_empty() {
        return Ok(None);
    }
    let mut roots: Vec<i64> = Vec::new();
    for candidate in candidates {
        if people(conn, candidate).await? == people_of_text {
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
    Ok(Some(kept))
}

/// The named people who make statements or answer in a stored transcript, as their names
/// match across romanisations and scripts (`Сергей Лавров`, `Sergey Lavrov`).
async fn people(conn: &mut SqliteConnection, id: i64) -> Result<Vec<Vec<String>>, sqlx::Error> {
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT DISTINCT s.name FROM turn t JOIN speaker s ON s.id = t.speaker_id \
         WHERE t.transcript_id = ? AND t.role IN ('statement', 'answer') AND s.kind = 'person'",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(match_keys(names.iter().map(String::as_str)))
}

/// Names as they match across romanisations and scripts, each once, in order.
fn match_keys<'a>(names: impl Iterator<Item = &'a str>) -> Vec<Vec<String>> {
    let mut keys: Vec<Vec<String>> = names.map(crate::parse::names::match_words).collect();
    keys.sort();
    keys.dedup();
    keys
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
/// [`find_for_new`], its people named as the reading names them: (slug, title, language) of
/// that event's original.
pub async fn event_of_reading(
    conn: &mut SqliteConnection,
    doc: &crate::parse::Document,
) -> Result<Option<(String, String, Option<String>)>, sqlx::Error> {
    let (Some(date), Some(language)) = (&doc.date, &doc.language) else {
        return Ok(None);
    };
    let mine = match_keys(
        doc.turns
            .iter()
            .filter(|t| {
                t.speaker_kind == crate::parse::SpeakerKind::Person
                    && matches!(
                        t.role,
                        crate::parse::Role::Statement | crate::parse::Role::Answer
                    )
            })
            .map(|t| t.speaker.as_str()),
    );
    let found = event_of(conn, date, language, doc.exchanges.len() as i64, 0, &mine).await?;
    Ok(found
        .into_iter()
        .flatten()
        .find(|k| k.original)
        .map(|k| (k.slug, k.title, k.language)))
}
