//! Corrections on the pages: a transcript's history (every change, who made it, when, why,
//! what it said before), the archive's latest corrections, undo, and the editors' tools for
//! topics and speakers (an exchange's topics, rename, merge). Every change goes through
//! [`crate::store::corrections`], which records it.

use super::auth::Editor;
use super::{AppState, Form, Path, Query};
use crate::error::{AppError, Result};
use crate::parse::SpeakerKind;
use crate::store::corrections::{
    self, Change, CorrectError, Entry, Hidden, Renamed, Split, SplitTo, Undone, Who,
};
use crate::store::read::{self, TopicRef};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

#[derive(Template, WebTemplate)]
#[template(path = "transcripts/history.html")]
pub struct HistoryPage {
    pub t: read::Transcript,
    pub entries: Vec<Entry>,
    /// How many corrections the editor just saved, when the page follows a save.
    pub saved: Option<i64>,
    pub undone: bool,
}

#[derive(Deserialize)]
pub struct HistoryParams {
    saved: Option<i64>,
    undone: Option<String>,
}

/// A transcript's history: every correction, newest first, undone ones marked.
pub async fn history(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Query(params): Query<HistoryParams>,
) -> Result<HistoryPage> {
    let t = read::transcript(&state.pool, &slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let entries = corrections::history(&state.pool, t.id).await?;
    Ok(HistoryPage {
        t,
        entries,
        saved: params.saved,
        undone: params.undone.is_some(),
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "transcripts/as_read.html")]
pub struct AsReadPage {
    pub t: read::Transcript,
    pub doc: crate::parse::Document,
    /// The title the reading gives (its own, else one made from the file name).
    pub title: String,
}

/// A transcript as the reader reads its source, before any correction.
pub async fn as_read(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<AsReadPage> {
    let t = read::transcript(&state.pool, &slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let (doc, title) = corrections::as_read(&state.pool, t.id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(AsReadPage { t, doc, title })
}

#[derive(Template, WebTemplate)]
#[template(path = "corrections.html")]
pub struct RecentPage {
    pub entries: Vec<Entry>,
    /// The id to page on from, when there are older corrections.
    pub older: Option<i64>,
}

#[derive(Deserialize)]
pub struct RecentParams {
    before: Option<i64>,
}

/// Corrections on one page of the archive's list.
const RECENT_PER_PAGE: i64 = 50;

/// The archive's corrections, newest first, paged by id.
pub async fn recent(
    State(state): State<AppState>,
    Query(params): Query<RecentParams>,
) -> Result<RecentPage> {
    let mut entries = corrections::recent(&state.pool, params.before, RECENT_PER_PAGE + 1).await?;
    let older = (entries.len() as i64 > RECENT_PER_PAGE).then(|| {
        entries.truncate(RECENT_PER_PAGE as usize);
        entries.last().map(|e| e.id)
    });
    Ok(RecentPage {
        entries,
        older: older.flatten(),
    })
}

#[derive(Deserialize)]
pub struct CsrfForm {
    csrf: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "editor/undo.html")]
pub struct UndoPage {
    pub csrf: String,
    pub e: Entry,
}

/// Asks the editor to confirm undoing a correction.
pub async fn undo_form(
    State(state): State<AppState>,
    editor: Editor,
    Path(id): Path<i64>,
) -> Result<UndoPage> {
    let e = corrections::entry(&state.pool, id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(UndoPage {
        csrf: editor.0.csrf.clone(),
        e,
    })
}

/// Undoes a correction: the earlier value comes back, and the history keeps both.
pub async fn undo(
    State(state): State<AppState>,
    editor: Editor,
    Path(id): Path<i64>,
    Form(form): Form<CsrfForm>,
) -> Result<Response> {
    editor.check_csrf(&form.csrf)?;
    state.writable()?;
    match corrections::undo(&state.pool, id, &editor.0.editor).await? {
        Undone::Done(Some(slug)) => {
            Ok(Redirect::to(&format!("/transcripts/{slug}/history?undone=1")).into_response())
        }
        Undone::Done(None) => Ok(Redirect::to("/corrections").into_response()),
        Undone::NotFound => Err(AppError::NotFound),
        Undone::Refused(message) => Err(AppError::Conflict(message)),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "editor/exchange_topics.html")]
pub struct ExchangeTopicsPage {
    pub csrf: String,
    pub t: read::Transcript,
    pub number: i64,
    pub question: String,
    pub topics: Vec<TopicRef>,
    pub kinds: &'static [(&'static str, &'static str)],
}

/// The editor's page for one exchange's topics: each with a button to take it off, and a form
/// to add one.
pub async fn exchange_topics(
    State(state): State<AppState>,
    editor: Editor,
    Path((slug, number)): Path<(String, i64)>,
) -> Result<ExchangeTopicsPage> {
    let t = read::transcript(&state.pool, &slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let turns = read::exchange_turns(&state.pool, t.id, number).await?;
    let question = turns
        .iter()
        .find(|r| r.role == "question")
        .map(|r| super::shorten(&r.paragraphs().join(" "), 300))
        .ok_or(AppError::NotFound)?;
    let topics = read::exchange_topics(&state.pool, t.id, number).await?;
    Ok(ExchangeTopicsPage {
        csrf: editor.0.csrf.clone(),
        t,
        number,
        question,
        topics,
        kinds: super::topics::KINDS,
    })
}

#[derive(Deserialize)]
pub struct TopicEdit {
    csrf: String,
    /// `add` or `remove`.
    action: String,
    /// The topic's name (to add) or slug (to remove).
    topic: String,
    kind: Option<String>,
    reason: Option<String>,
}

/// Adds a topic to an exchange or takes one off, as a correction of its transcript.
pub async fn edit_exchange_topics(
    State(state): State<AppState>,
    editor: Editor,
    Path((slug, number)): Path<(String, i64)>,
    Form(form): Form<TopicEdit>,
) -> Result<Response> {
    editor.check_csrf(&form.csrf)?;
    state.writable()?;
    let name = form.topic.trim();
    if name.is_empty() {
        return Err(AppError::BadRequest("Give the topic's name.".into()));
    }
    let change = match form.action.as_str() {
        "add" => Change::TopicAdd {
            exchange: number,
            name: name.into(),
            kind: form
                .kind
                .as_deref()
                .filter(|k| super::topics::KINDS.iter().any(|(x, _)| x == k))
                .unwrap_or("theme")
                .into(),
        },
        "remove" => Change::TopicRemove {
            exchange: number,
            slug: name.into(),
        },
        _ => {
            return Err(AppError::BadRequest(
                "The action must be `add` or `remove`.".into(),
            ));
        }
    };
    let t = read::transcript(&state.pool, &slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let who = Who {
        editor: Some(&editor.0.editor),
        reason: form.reason.as_deref(),
    };
    match corrections::correct(&state.pool, t.id, &[change], who).await {
        Ok(Some(_)) => {
            Ok(Redirect::to(&format!("/transcripts/{slug}/questions/{number}")).into_response())
        }
        Ok(None) => Err(AppError::NotFound),
        Err(CorrectError::Refused(message)) => Err(AppError::NotFoundWithLink {
            message,
            href: format!("/transcripts/{slug}"),
            link_text: "Back to the transcript".into(),
        }),
        Err(CorrectError::Store(e)) => Err(e.into()),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "editor/rename.html")]
pub struct RenamePage {
    pub csrf: String,
    /// `topic` or `speaker`.
    pub what: &'static str,
    /// Where the list of its kind is: `/topics`, `/speakers`.
    pub base: &'static str,
    pub slug: String,
    pub name: String,
    pub error: Option<String>,
    /// A hidden topic: the history entry that hid it (its undo shows it again).
    pub hidden: Option<Entry>,
    /// Just hidden: from how many exchanges.
    pub taken: Option<i64>,
    /// A speaker's labels as printed: (label, turns, transcripts), most used first.
    pub labels: Vec<(String, i64, i64)>,
    /// Just split: how many turns went to which speaker (slug).
    pub split: Option<(i64, String)>,
    /// Its kind now (`person`, `outlet`, `anonymous`; a topic's kind).
    pub kind: String,
}

/// The editor's page for a topic: rename it, or merge it into another.
pub async fn topic_edit(
    State(state): State<AppState>,
    editor: Editor,
    Path(slug): Path<String>,
    Query(query): Query<HiddenQuery>,
) -> Result<RenamePage> {
    let topic = read::topic(&state.pool, &slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let hidden = corrections::topic_hidden_by(&state.pool, &topic.slug).await?;
    Ok(RenamePage {
        csrf: editor.0.csrf.clone(),
        what: "topic",
        base: "/topics",
        slug: topic.slug,
        name: topic.name,
        error: None,
        taken: query.hidden.filter(|_| hidden.is_some()),
        hidden,
        labels: Vec::new(),
        split: None,
        kind: topic.kind,
    })
}

#[derive(Deserialize)]
pub struct HiddenQuery {
    /// Set after a hide: from how many exchanges the topic was taken.
    hidden: Option<i64>,
}

#[derive(Deserialize)]
pub struct HideForm {
    csrf: String,
    reason: Option<String>,
}

/// Hides a topic that is not one: its exchanges lose it, no later reading gives it back, its
/// page answers 410 saying so; undone from the history.
pub async fn topic_hide(
    State(state): State<AppState>,
    editor: Editor,
    Path(slug): Path<String>,
    Form(form): Form<HideForm>,
) -> Result<Response> {
    editor.check_csrf(&form.csrf)?;
    state.writable()?;
    let who = Who {
        editor: Some(&editor.0.editor),
        reason: form.reason.as_deref(),
    };
    match corrections::hide_topic(&state.pool, &slug, who).await? {
        Hidden::Done(n) => {
            Ok(Redirect::to(&format!("/topics/{slug}/edit?hidden={n}")).into_response())
        }
        Hidden::Already => Ok(Redirect::to(&format!("/topics/{slug}/edit")).into_response()),
        Hidden::NotFound => Err(AppError::NotFound),
    }
}

#[derive(Deserialize)]
pub struct SplitQuery {
    /// Set after a split: how many turns went, and to whom (slug).
    split: Option<i64>,
    to: Option<String>,
}

/// The editor's page for a speaker: rename them, merge them into another, or split the turns
/// of one label off to another speaker.
pub async fn speaker_edit(
    State(state): State<AppState>,
    editor: Editor,
    Path(slug): Path<String>,
    Query(query): Query<SplitQuery>,
) -> Result<RenamePage> {
    let speaker = read::speaker(&state.pool, &slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let labels = corrections::speaker_labels(&state.pool, speaker.id).await?;
    Ok(RenamePage {
        csrf: editor.0.csrf.clone(),
        what: "speaker",
        base: "/speakers",
        slug: speaker.slug,
        name: speaker.name,
        error: None,
        hidden: None,
        taken: None,
        labels,
        split: query.split.zip(query.to),
        kind: speaker.kind,
    })
}

#[derive(Deserialize)]
pub struct SplitForm {
    csrf: String,
    /// The label as printed whose turns are another speaker's.
    label: String,
    /// A stored speaker to give them to (address, slug, or `Name (slug)`)...
    #[serde(default)]
    to: String,
    /// ...or the name of a new one, of this kind.
    #[serde(default)]
    name: String,
    kind: Option<String>,
    reason: Option<String>,
}

/// The kind a form names, or a 400 saying which there are.
fn speaker_kind(given: &str) -> Result<SpeakerKind> {
    SpeakerKind::parse(given).ok_or_else(|| {
        AppError::BadRequest(format!(
            "A speaker is a person, an anonymous official or an outlet, not `{given}`."
        ))
    })
}

#[derive(Deserialize)]
pub struct KindForm {
    csrf: String,
    kind: String,
    reason: Option<String>,
}

/// Gives a speaker another kind (person, anonymous official, outlet).
pub async fn speaker_rekind(
    State(state): State<AppState>,
    editor: Editor,
    Path(slug): Path<String>,
    Form(form): Form<KindForm>,
) -> Result<Response> {
    editor.check_csrf(&form.csrf)?;
    state.writable()?;
    let kind = speaker_kind(&form.kind)?;
    let who = Who {
        editor: Some(&editor.0.editor),
        reason: form.reason.as_deref(),
    };
    match corrections::rekind_speaker(&state.pool, &slug, kind, who).await? {
        Renamed::Done => Ok(Redirect::to(&format!("/speakers/{slug}")).into_response()),
        Renamed::NotFound => Err(AppError::NotFound),
        Renamed::Taken(other) => Err(AppError::Conflict(format!(
            "Another speaker of that kind has this name (/speakers/{other}): merge this speaker into them instead."
        ))),
    }
}

/// Splits the turns of one label off a speaker, to a stored speaker or a new one.
pub async fn speaker_split(
    State(state): State<AppState>,
    editor: Editor,
    Path(slug): Path<String>,
    Form(form): Form<SplitForm>,
) -> Result<Response> {
    editor.check_csrf(&form.csrf)?;
    state.writable()?;
    let label = form.label.trim();
    if label.is_empty() {
        return Err(AppError::BadRequest(
            "Choose the label whose turns are another speaker's.".into(),
        ));
    }
    let to_slug = into_slug(&form.to);
    let to = match (to_slug.is_empty(), form.name.trim().is_empty()) {
        (false, true) => SplitTo::Speaker(&to_slug),
        (true, false) => SplitTo::New {
            name: checked_name(&form.name)?,
            kind: speaker_kind(form.kind.as_deref().unwrap_or("person"))?,
        },
        (true, true) => {
            return Err(AppError::BadRequest(
                "Give the speaker the turns go to: a stored speaker's address, or the name of a new one.".into(),
            ));
        }
        (false, false) => {
            return Err(AppError::BadRequest(
                "Give either a stored speaker or the name of a new one, not both.".into(),
            ));
        }
    };
    let who = Who {
        editor: Some(&editor.0.editor),
        reason: form.reason.as_deref(),
    };
    match corrections::split_speaker(&state.pool, &slug, label, to, who).await? {
        Split::Done { to, turns, .. } => Ok(Redirect::to(&format!(
            "/speakers/{slug}/edit?split={turns}&to={to}"
        ))
        .into_response()),
        Split::NotFound => Err(AppError::NotFound),
        Split::Refused(message) => Err(AppError::Conflict(message)),
    }
}

#[derive(Deserialize)]
pub struct RenameForm {
    csrf: String,
    name: String,
    reason: Option<String>,
}

fn checked_name(name: &str) -> Result<&str> {
    let name = name.trim();
    if name.is_empty() {
        return Err(AppError::BadRequest("Give the new name.".into()));
    }
    if name.chars().count() > 200 {
        return Err(AppError::BadRequest(
            "A name has at most 200 characters.".into(),
        ));
    }
    Ok(name)
}

/// Renames a topic; its address stays.
pub async fn topic_rename(
    State(state): State<AppState>,
    editor: Editor,
    Path(slug): Path<String>,
    Form(form): Form<RenameForm>,
) -> Result<Response> {
    editor.check_csrf(&form.csrf)?;
    state.writable()?;
    let name = checked_name(&form.name)?;
    let who = Who {
        editor: Some(&editor.0.editor),
        reason: form.reason.as_deref(),
    };
    match corrections::rename_topic(&state.pool, &slug, name, who).await? {
        Renamed::Done => Ok(Redirect::to(&format!("/topics/{slug}")).into_response()),
        Renamed::NotFound => Err(AppError::NotFound),
        Renamed::Taken(other) => Err(AppError::Conflict(format!(
            "Another topic is called {name} (/topics/{other}): merge this topic into it instead."
        ))),
    }
}

/// Renames a speaker; the address follows the name and the old one redirects.
pub async fn speaker_rename(
    State(state): State<AppState>,
    editor: Editor,
    Path(slug): Path<String>,
    Form(form): Form<RenameForm>,
) -> Result<Response> {
    editor.check_csrf(&form.csrf)?;
    state.writable()?;
    let name = checked_name(&form.name)?;
    let who = Who {
        editor: Some(&editor.0.editor),
        reason: form.reason.as_deref(),
    };
    match corrections::rename_speaker(&state.pool, &slug, name, who).await? {
        (Renamed::Done, slug) => Ok(Redirect::to(&format!("/speakers/{slug}")).into_response()),
        (Renamed::NotFound, _) => Err(AppError::NotFound),
        (Renamed::Taken(other), _) => Err(AppError::Conflict(format!(
            "Another speaker is called {name} (/speakers/{other}): merge this speaker into them instead."
        ))),
    }
}

#[derive(Deserialize)]
pub struct MergeForm {
    csrf: String,
    /// The slug of the one that goes away.
    from: String,
    /// The slug (or the name) of the one that stays.
    into: String,
    reason: Option<String>,
}

/// The slug a merge form's "into" names: a slug, or a name as the field's suggestions show it.
fn into_slug(into: &str) -> String {
    let into = into.trim();
    // `Name (slug)`, as the suggestions read.
    match into.rsplit_once(" (") {
        Some((_, rest)) if rest.ends_with(')') => rest.trim_end_matches(')').to_string(),
        _ => into
            .trim_start_matches('/')
            .rsplit('/')
            .next()
            .unwrap_or(into)
            .to_string(),
    }
}

/// Merges one topic into another: its exchanges move, its address redirects.
pub async fn topic_merge(
    State(state): State<AppState>,
    editor: Editor,
    Form(form): Form<MergeForm>,
) -> Result<Response> {
    editor.check_csrf(&form.csrf)?;
    state.writable()?;
    let into = into_slug(&form.into);
    if form.from == into {
        return Err(AppError::BadRequest(
            "A topic cannot be merged into itself.".into(),
        ));
    }
    let who = Who {
        editor: Some(&editor.0.editor),
        reason: form.reason.as_deref(),
    };
    if !corrections::merge_topics(&state.pool, &form.from, &into, who).await? {
        return Err(AppError::NotFoundWithLink {
            message: format!(
                "Both topics must exist: `{}` and `{into}` (give the address or slug of the topic to keep).",
                form.from
            ),
            href: "/topics".into(),
            link_text: "Topics".into(),
        });
    }
    Ok(Redirect::to(&format!("/topics/{into}")).into_response())
}

/// Merges one speaker into another: every turn moves, the address redirects.
pub async fn speaker_merge(
    State(state): State<AppState>,
    editor: Editor,
    Form(form): Form<MergeForm>,
) -> Result<Response> {
    editor.check_csrf(&form.csrf)?;
    state.writable()?;
    let into = into_slug(&form.into);
    if form.from == into {
        return Err(AppError::BadRequest(
            "A speaker cannot be merged into themselves.".into(),
        ));
    }
    let who = Who {
        editor: Some(&editor.0.editor),
        reason: form.reason.as_deref(),
    };
    if !corrections::merge_speakers(&state.pool, &form.from, &into, who).await? {
        return Err(AppError::NotFoundWithLink {
            message: format!(
                "Both speakers must exist: `{}` and `{into}` (give the address or slug of the speaker to keep).",
                form.from
            ),
            href: "/speakers".into(),
            link_text: "Speakers".into(),
        });
    }
    Ok(Redirect::to(&format!("/speakers/{into}")).into_response())
}

#[cfg(test)]
mod tests {
    use super::into_slug;

    #[test]
    fn the_kept_one_is_named_by_slug_address_or_suggestion() {
        assert_eq!(into_slug("ukraine"), "ukraine");
        assert_eq!(into_slug("/topics/ukraine"), "ukraine");
        assert_eq!(into_slug("Sergey Lavrov (sergey-lavrov)"), "sergey-lavrov");
    }
}
