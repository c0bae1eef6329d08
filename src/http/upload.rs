//! Editors add transcripts: the upload form, the review of the reading (header fields, roles,
//! speaker matches), publishing in one transaction, and later edits that keep permalinks.

use super::auth::Editor;
use super::{AppState, Form, Path};
use crate::error::{AppError, Result};
use crate::parse::{self, Document, Role, SpeakerKind};
use crate::store::corrections::{self, Change, CorrectError, Field, Who};
use crate::store::ingest::{self, Looked};
use crate::store::write::{self, Edits, Imported};
use crate::store::{self, editors, read};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// File endings the form takes.
const ACCEPTED: &[&str] = &["txt", "text", "md", "markdown", "html", "htm"];

#[derive(Template, WebTemplate)]
#[template(path = "editor/upload.html")]
pub struct UploadPage {
    pub editor: String,
    pub csrf: String,
    pub error: Option<String>,
    pub existing: Option<String>,
    pub text: String,
    pub title: String,
    pub date: String,
    pub place: String,
    pub source_url: String,
    pub drafts: Vec<(i64, Option<String>, String)>,
    pub max_upload: usize,
}

impl UploadPage {
    async fn new(state: &AppState, editor: &Editor) -> Result<Self> {
        Ok(UploadPage {
            editor: editor.0.editor.clone(),
            csrf: editor.0.csrf.clone(),
            error: None,
            existing: None,
            text: String::new(),
            title: String::new(),
            date: String::new(),
            place: String::new(),
            source_url: String::new(),
            drafts: editors::drafts(&state.pool, editor.0.editor_id).await?,
            max_upload: state.settings.max_upload,
        })
    }
}

pub async fn form(State(state): State<AppState>, editor: Editor) -> Result<UploadPage> {
    UploadPage::new(&state, &editor).await
}

/// The draft's reading with the editor's corrections.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DraftState {
    pub doc: Document,
    pub edits: Edits,
    /// Label as printed -> id of an existing speaker it is assigned to.
    pub assignments: BTreeMap<String, i64>,
    /// Why the reviewer changed what they changed, for the history.
    #[serde(default)]
    pub reason: Option<String>,
}

fn nonempty(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

fn valid_date(s: &str) -> Result<Option<String>> {
    match nonempty(s) {
        None => Ok(None),
        Some(d) => match parse::header::parse_date(&d) {
            Some(iso) => Ok(Some(iso)),
            None => Err(AppError::BadRequest(format!(
                "“{d}” is not a date; write it as YYYY-MM-DD, for example 2025-11-26."
            ))),
        },
    }
}

fn valid_url(s: &str) -> Result<Option<String>> {
    match nonempty(s) {
        None => Ok(None),
        Some(u)
            if (u.starts_with("https://") || u.starts_with("http://"))
                && !u.contains(char::is_whitespace) =>
        {
            Ok(Some(u))
        }
        Some(u) => Err(AppError::BadRequest(format!(
            "“{u}” is not a web address; it must start with https:// or http://."
        ))),
    }
}

/// The header fields an editor typed, checked: a date that reads as one, a web address.
fn checked_edits(title: &str, date: &str, place: &str, source_url: &str) -> Result<Edits> {
    Ok(Edits {
        title: nonempty(title),
        date: valid_date(date)?,
        place: nonempty(place),
        source_url: valid_url(source_url)?,
    })
}

/// What to say about a form that could not be read: too large (413) or malformed (400).
fn unreadable(
    e: &axum::extract::multipart::MultipartError,
    max_upload: usize,
) -> (StatusCode, String) {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        (
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("The upload is larger than the limit of {max_upload} bytes."),
        )
    } else {
        (
            StatusCode::BAD_REQUEST,
            format!("The form could not be read: {}.", e.body_text()),
        )
    }
}

pub async fn submit(
    State(state): State<AppState>,
    editor: Editor,
    multipart: std::result::Result<Multipart, MultipartRejection>,
) -> Result<Response> {
    state.writable()?;
    let mut page = UploadPage::new(&state, &editor).await?;
    let fail = |page: UploadPage, status: StatusCode, message: String| -> Result<Response> {
        Ok((
            status,
            UploadPage {
                error: Some(message),
                ..page
            },
        )
            .into_response())
    };
    let mut multipart = match multipart {
        Ok(m) => m,
        Err(e) => {
            return fail(
                page,
                StatusCode::BAD_REQUEST,
                format!("The form could not be read: {}.", e.body_text()),
            );
        }
    };
    let mut csrf = String::new();
    let mut file: Option<(Option<String>, Option<String>, Vec<u8>)> = None;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => {
                let (status, message) = unreadable(&e, state.settings.max_upload);
                return fail(page, status, message);
            }
        };
        let name = field.name().unwrap_or("").to_string();
        let file_name = field.file_name().map(str::to_string);
        let content_type = field.content_type().map(str::to_string);
        let bytes = match field.bytes().await {
            Ok(b) => b,
            Err(e) => {
                let (status, message) = unreadable(&e, state.settings.max_upload);
                return fail(page, status, message);
            }
        };
        let text = || String::from_utf8_lossy(&bytes).into_owned();
        match name.as_str() {
            "csrf" => csrf = text(),
            "text" => page.text = text(),
            "title" => page.title = text(),
            "date" => page.date = text(),
            "place" => page.place = text(),
            "source_url" => page.source_url = text(),
            "file" if !bytes.is_empty() => file = Some((file_name, content_type, bytes.to_vec())),
            _ => {}
        }
    }
    editor.check_csrf(&csrf)?;
    let (file_name, content_type, bytes) = match file {
        Some(f) => f,
        None if !page.text.trim().is_empty() => (
            None,
            Some("text/plain".to_string()),
            page.text.clone().into_bytes(),
        ),
        None => {
            return fail(
                page,
                StatusCode::BAD_REQUEST,
                "Nothing to read: choose a file or paste the transcript's text.".into(),
            );
        }
    };
    if let Some(name) = &file_name {
        let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
        if ext.as_deref().is_some_and(|e| !ACCEPTED.contains(&e)) {
            return fail(
                page,
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                format!(
                    "“{name}” is not a format Stenogram reads: upload plain text (.txt), Markdown (.md) or HTML (.html), or paste the text."
                ),
            );
        }
    }
    if bytes.len() > state.settings.max_upload {
        return fail(
            page,
            StatusCode::PAYLOAD_TOO_LARGE,
            format!(
                "The upload is larger than the limit of {} bytes.",
                state.settings.max_upload
            ),
        );
    }
    let edits = match checked_edits(&page.title, &page.date, &page.place, &page.source_url) {
        Ok(edits) => edits,
        Err(e) => return fail(page, StatusCode::BAD_REQUEST, e.public_message()),
    };
    let looked = ingest::look(
        &state.pool,
        bytes.clone(),
        file_name.clone(),
        content_type.clone(),
    )
    .await?;
    let read = match looked {
        Looked::Existing { slug } => {
            page.existing = Some(slug);
            return fail(
                page,
                StatusCode::CONFLICT,
                "This exact file is already in the archive.".into(),
            );
        }
        Looked::Read(read) => read,
    };
    let doc = match read {
        Ok(prepared) => prepared.doc,
        Err(e) => {
            let status = if ingest::is_binary(&e) {
                StatusCode::UNSUPPORTED_MEDIA_TYPE
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            return fail(
                page,
                status,
                format!("The file could not be read as a transcript: {e}."),
            );
        }
    };
    let media = store::write::media_type(file_name.as_deref(), content_type.as_deref());
    let draft = DraftState {
        doc,
        edits,
        assignments: BTreeMap::new(),
        reason: None,
    };
    let json = serde_json::to_string(&draft).map_err(|e| AppError::Internal(e.to_string()))?;
    let id = editors::create_draft(
        &state.pool,
        editor.0.editor_id,
        file_name.as_deref(),
        &media,
        &bytes,
        &json,
    )
    .await?;
    Ok(Redirect::to(&format!("/drafts/{id}")).into_response())
}

/// A speaker as a speaker field shows and sends it: the name, then `#` and the id.
pub fn speaker_value(id: impl std::fmt::Display, name: &str) -> String {
    format!("{name} #{id}")
}

/// The speaker id a speaker field sent: the number after the last `#`, or a bare number;
/// `None` for an empty field (as read) or text that names no id.
fn speaker_field(value: &str) -> Option<i64> {
    let value = value.trim();
    value
        .rsplit_once('#')
        .map_or(value, |(_, id)| id)
        .trim()
        .parse()
        .ok()
}

/// One label of the draft, with whom it resolves to.
pub struct LabelView {
    pub index: usize,
    pub label: String,
    pub resolved: String,
    pub kind: String,
    /// `matches Sergey Lavrov, 12 transcripts`, or `new`.
    pub status: String,
    /// The speaker the label is assigned to, as the speaker field shows it; empty: as read.
    pub assigned: String,
}

pub struct TurnRowView {
    pub index: usize,
    pub speaker: String,
    pub label: String,
    pub role: String,
    pub text: String,
    pub exchange: Option<u32>,
}

/// The one editor of a transcript's reading: the review of a draft before it is published,
/// and the correction of a published transcript. Both show the same header, speakers (each
/// with what the resolver publishing uses makes of it), turns and exchanges, and both record
/// the changes as corrections by the editor.
#[derive(Template, WebTemplate)]
#[template(path = "editor/transcript.html")]
pub struct TranscriptEditor {
    pub csrf: String,
    /// Where the form posts.
    pub action: String,
    /// A draft under review.
    pub draft: Option<DraftView>,
    /// A published transcript, as stored.
    pub published: Option<read::Transcript>,
    pub title: String,
    pub date: String,
    pub place: String,
    pub source_url: String,
    pub preface: Vec<String>,
    pub notes: Vec<String>,
    pub labels: Vec<LabelView>,
    /// The archive's speakers, once, for every label's speaker field: (id, name, transcripts).
    pub choices: Vec<(i64, String, i64)>,
    pub turns: Vec<TurnRowView>,
    pub exchanges: Vec<ExchangeView>,
    /// Each label's speaker now, on a published transcript: (label as printed, or empty for
    /// unlabelled turns; id; name).
    pub current: Vec<(String, i64, String)>,
    pub error: Option<String>,
    /// A published transcript's event in each language, itself included; empty when it has one.
    pub versions: Vec<super::pages::VersionView>,
    /// What went wrong with linking a translation, shown beside that form.
    pub language_error: Option<String>,
}

pub struct DraftView {
    pub id: i64,
    pub file_name: String,
    /// The transcript this text repeats: (slug, title, date as people read it).
    pub republishes: Option<(String, String, String)>,
    /// The event this reading is another language's version of: (slug, title, its language).
    pub translates: Option<(String, String, String)>,
    /// The language the reading is in, by its English name.
    pub language: Option<String>,
    pub no_labels: bool,
}

pub struct ExchangeView {
    pub number: u32,
    /// The question, shortened.
    pub question: String,
    /// Its topics, on a published transcript.
    pub topics: Vec<read::TopicRef>,
}

/// The roles an editor can give a turn.
pub const ROLES: [&str; 4] = ["statement", "question", "answer", "remark"];

async fn load(state: &AppState, editor: &Editor, id: i64) -> Result<(editors::Draft, DraftState)> {
    let draft = editors::draft(&state.pool, id, editor.0.editor_id)
        .await?
        .ok_or_else(|| AppError::NotFoundWithLink {
            message: "This draft does not exist: it was published or discarded.".into(),
            href: "/upload".into(),
            link_text: "Upload a transcript".into(),
        })?;
    let state_json: DraftState = serde_json::from_str(&draft.document)
        .map_err(|e| AppError::Internal(format!("draft {id}: {e}")))?;
    Ok((draft, state_json))
}

fn labels_of(doc: &Document) -> Vec<(String, String, SpeakerKind)> {
    let mut out: Vec<(String, String, SpeakerKind)> = Vec::new();
    for t in &doc.turns {
        let label = t.label.clone().unwrap_or_else(|| "(unlabelled)".into());
        if !out.iter().any(|(l, _, _)| *l == label) {
            out.push((label, t.speaker.clone(), t.speaker_kind));
        }
    }
    out
}

async fn review_page(
    state: &AppState,
    editor: &Editor,
    id: i64,
    error: Option<String>,
) -> Result<TranscriptEditor> {
    let (draft, ds) = load(state, editor, id).await?;
    let doc = &ds.doc;
    let choices = read::speaker_choices(&state.pool).await?;
    let republishes = write::republication_of(&state.pool, doc)
        .await?
        .map(|(slug, title, date)| (slug, title, super::human_date(date.as_deref())));
    let translates = match &republishes {
        Some(_) => None,
        None => {
            let mut conn = state.pool.acquire().await?;
            store::translations::event_of_reading(&mut conn, doc)
                .await?
                .map(|(slug, title, language)| {
                    (
                        slug,
                        title,
                        crate::search::indexed::language_name(language.as_deref().unwrap_or("und")),
                    )
                })
        }
    };
    let mut labels = Vec::new();
    let found = labels_of(doc);
    let names: Vec<(Option<String>, String, SpeakerKind)> = found
        .iter()
        .map(|(l, r, k)| {
            let printed = doc
                .turns
                .iter()
                .any(|t| t.label.as_deref() == Some(l.as_str()));
            (printed.then(|| l.clone()), r.clone(), *k)
        })
        .collect();
    // The same rules publishing follows, so that the page says what publishing will do.
    let matches = write::speaker_matches(&state.pool, &names).await?;
    for (index, ((label, resolved, kind), matched)) in found.into_iter().zip(matches).enumerate() {
        let status = match matched {
            Some((_, name, n)) => format!(
                "matches {name}, {n} transcript{}",
                if n == 1 { "" } else { "s" }
            ),
            None => "new speaker".into(),
        };
        let assigned = ds
            .assignments
            .get(&label)
            .and_then(|id| choices.iter().find(|(c, _, _)| c == id))
            .map(|(id, name, _)| speaker_value(*id, name))
            .unwrap_or_default();
        labels.push(LabelView {
            index,
            label,
            resolved,
            kind: kind.as_str().into(),
            status,
            assigned,
        });
    }
    let exchange_of = doc.exchange_of();
    let turns = doc
        .turns
        .iter()
        .enumerate()
        .map(|(index, t)| TurnRowView {
            index,
            speaker: t.speaker.clone(),
            label: t.label.clone().unwrap_or_default(),
            role: t.role.as_str().into(),
            text: super::shorten(&t.paragraphs.join(" "), 160),
            exchange: exchange_of.get(&index).copied(),
        })
        .collect();
    let exchanges = doc
        .exchanges
        .iter()
        .map(|e| ExchangeView {
            number: e.number,
            question: doc
                .turns
                .get(e.question)
                .map(|t| super::shorten(&t.paragraphs.join(" "), 160))
                .unwrap_or_default(),
            topics: Vec::new(),
        })
        .collect();
    let or_read = |edited: &Option<String>, read: &Option<String>| {
        edited.clone().or_else(|| read.clone()).unwrap_or_default()
    };
    Ok(TranscriptEditor {
        csrf: editor.0.csrf.clone(),
        action: format!("/drafts/{id}"),
        draft: Some(DraftView {
            id,
            file_name: draft
                .file_name
                .clone()
                .unwrap_or_else(|| "pasted text".into()),
            republishes,
            translates,
            language: doc
                .language
                .as_deref()
                .map(crate::search::indexed::language_name),
            no_labels: doc.turns.iter().all(|t| t.label.is_none()),
        }),
        published: None,
        versions: Vec::new(),
        language_error: None,
        title: ds
            .edits
            .title
            .clone()
            .or_else(|| doc.title.clone())
            .unwrap_or_else(|| store::write::fallback_title(draft.file_name.as_deref(), doc)),
        date: or_read(&ds.edits.date, &doc.date),
        place: or_read(&ds.edits.place, &doc.place),
        source_url: or_read(&ds.edits.source_url, &doc.source_url),
        preface: doc.preface.clone(),
        notes: doc.notes.clone(),
        labels,
        choices,
        turns,
        exchanges,
        current: Vec::new(),
        error,
    })
}

pub async fn review(
    State(state): State<AppState>,
    editor: Editor,
    Path(id): Path<i64>,
) -> Result<TranscriptEditor> {
    review_page(&state, &editor, id, None).await
}

/// A form field's value, or empty when the form lacks it.
fn field(form: &[(String, String)], key: &str) -> String {
    form.iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}

/// Applies the review form to the draft: header fields, roles, speaker assignments.
pub async fn review_save(
    State(state): State<AppState>,
    editor: Editor,
    Path(id): Path<i64>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response> {
    let get = |k: &str| field(&form, k);
    editor.check_csrf(&get("csrf"))?;
    let (_, mut ds) = load(&state, &editor, id).await?;
    ds.edits = match checked_edits(
        &get("title"),
        &get("date"),
        &get("place"),
        &get("source_url"),
    ) {
        Ok(edits) => edits,
        Err(e) => {
            let page = review_page(&state, &editor, id, Some(e.public_message())).await?;
            return Ok((StatusCode::BAD_REQUEST, page).into_response());
        }
    };
    for (i, turn) in ds.doc.turns.iter_mut().enumerate() {
        if let Some(role) = Role::parse(&get(&format!("role-{i}"))) {
            turn.role = role;
        }
    }
    parse::rebuild_exchanges(&mut ds.doc);
    let labels = labels_of(&ds.doc);
    ds.assignments.clear();
    for (index, (label, _, _)) in labels.iter().enumerate() {
        if let Some(speaker) = speaker_field(&get(&format!("speaker-{index}"))) {
            ds.assignments.insert(label.clone(), speaker);
        }
    }
    ds.reason = nonempty(&get("reason"));
    let json = serde_json::to_string(&ds).map_err(|e| AppError::Internal(e.to_string()))?;
    editors::update_draft(&state.pool, id, &json).await?;
    if get("then") == "publish" {
        return publish_draft(&state, &editor, id).await;
    }
    Ok(Redirect::to(&format!("/drafts/{id}")).into_response())
}

#[derive(Deserialize)]
pub struct CsrfOnly {
    csrf: String,
}

async fn publish_draft(state: &AppState, editor: &Editor, id: i64) -> Result<Response> {
    state.writable()?;
    let (draft, ds) = load(state, editor, id).await?;
    let assignments: HashMap<String, i64> = ds.assignments.clone().into_iter().collect();
    // The reading as the reader made it, then the review's changes as this editor's
    // corrections: the same derivation as every later edit and every reindex.
    let outcome = corrections::publish(
        &state.pool,
        &store::write::Upload {
            bytes: &draft.bytes,
            file_name: draft.file_name.as_deref(),
            declared_type: Some(&draft.media_type),
            uploaded_by: Some(&editor.0.editor),
        },
        &ds.doc,
        &ds.edits,
        &assignments,
        ds.reason.as_deref(),
    )
    .await?;
    editors::delete_draft(&state.pool, id).await?;
    if matches!(outcome, Imported::New { .. }) {
        state.metrics.imported.inc();
    }
    match outcome {
        Imported::New { slug, .. } | Imported::Existing { slug } => {
            Ok(Redirect::to(&format!("/transcripts/{slug}")).into_response())
        }
    }
}

pub async fn publish(
    State(state): State<AppState>,
    editor: Editor,
    Path(id): Path<i64>,
    Form(form): Form<CsrfOnly>,
) -> Result<Response> {
    editor.check_csrf(&form.csrf)?;
    publish_draft(&state, &editor, id).await
}

pub async fn discard(
    State(state): State<AppState>,
    editor: Editor,
    Path(id): Path<i64>,
    Form(form): Form<CsrfOnly>,
) -> Result<Response> {
    editor.check_csrf(&form.csrf)?;
    load(&state, &editor, id).await?;
    editors::delete_draft(&state.pool, id).await?;
    Ok(Redirect::to("/upload").into_response())
}

/// How the editor's pages show the turns of unlabelled speech.
const UNLABELLED: &str = "(unlabelled)";

async fn edit_page(
    state: &AppState,
    editor: &Editor,
    slug: &str,
    error: Option<String>,
) -> Result<TranscriptEditor> {
    let t = read::transcript(&state.pool, slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let found = read::labels(&state.pool, t.id).await?;
    let choices = read::speaker_choices(&state.pool).await?;
    let rows = read::turns(&state.pool, t.id).await?;
    let labels = found
        .iter()
        .enumerate()
        .map(|(index, (label, id, name))| LabelView {
            index,
            label: label.clone(),
            resolved: name.clone(),
            kind: String::new(),
            status: match choices.iter().find(|(c, _, _)| c == id) {
                Some((_, _, n)) => format!(
                    "now {name}, {n} transcript{}",
                    if *n == 1 { "" } else { "s" }
                ),
                None => format!("now {name}"),
            },
            assigned: speaker_value(id, name),
        })
        .collect();
    let turns = rows
        .iter()
        .enumerate()
        .map(|(index, r)| TurnRowView {
            index,
            speaker: r.speaker.clone(),
            label: r.label.clone().unwrap_or_default(),
            role: r.role.clone(),
            text: super::shorten(&r.paragraphs().join(" "), 160),
            exchange: r.exchange.map(|n| n as u32),
        })
        .collect();
    let mut exchanges: Vec<ExchangeView> = Vec::new();
    for r in &rows {
        if let Some(n) = r.exchange.map(|n| n as u32)
            && r.role == "question"
            && !exchanges.iter().any(|e| e.number == n)
        {
            exchanges.push(ExchangeView {
                number: n,
                question: super::shorten(&r.paragraphs().join(" "), 160),
                topics: Vec::new(),
            });
        }
    }
    for (n, topic) in read::transcript_topics(&state.pool, t.id).await? {
        if let Some(e) = exchanges.iter_mut().find(|e| i64::from(e.number) == n) {
            e.topics.push(topic);
        }
    }
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    Ok(TranscriptEditor {
        csrf: editor.0.csrf.clone(),
        action: format!("/transcripts/{}/edit", t.slug),
        draft: None,
        title: t.title.clone(),
        date: text(&t.date),
        place: text(&t.place),
        source_url: text(&t.source_url),
        preface: super::pages::json_list(&t.preface),
        notes: super::pages::json_list(&t.notes),
        current: found
            .into_iter()
            .map(|(label, id, name)| {
                let label = if label == UNLABELLED {
                    String::new()
                } else {
                    label
                };
                (label, id, name)
            })
            .collect(),
        labels,
        choices,
        turns,
        exchanges,
        versions: super::pages::version_views(&state.pool, &t).await?,
        language_error: None,
        published: Some(t),
        error,
    })
}

pub async fn edit_form(
    State(state): State<AppState>,
    editor: Editor,
    Path(slug): Path<String>,
) -> Result<TranscriptEditor> {
    edit_page(&state, &editor, &slug, None).await
}

/// Saves an editor's changes to a published transcript as corrections: the header fields,
/// each label's speaker (one of the archive's, or a new one by name), each turn's role, with
/// the editor's reason. The slug never changes, so every address keeps working; the history
/// lists each change and reindex keeps it.
pub async fn edit_save(
    State(state): State<AppState>,
    editor: Editor,
    Path(slug): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response> {
    let get = |k: &str| field(&form, k);
    editor.check_csrf(&get("csrf"))?;
    state.writable()?;
    let page = edit_page(&state, &editor, &slug, None).await?;
    let refuse = |page: TranscriptEditor, message: String| {
        (
            StatusCode::BAD_REQUEST,
            TranscriptEditor {
                error: Some(message),
                ..page
            },
        )
            .into_response()
    };
    let checked = checked_edits(
        &get("title"),
        &get("date"),
        &get("place"),
        &get("source_url"),
    )
    .and_then(|edits| match edits.title {
        Some(_) => Ok(edits),
        None => Err(AppError::BadRequest("A transcript needs a title.".into())),
    });
    let edits = match checked {
        Ok(edits) => edits,
        Err(e) => return Ok(refuse(page, e.public_message())),
    };
    let Some(t) = page.published.as_ref() else {
        return Err(AppError::NotFound);
    };
    let mut changes: Vec<Change> = Vec::new();
    for (field, now, new) in [
        (Field::Title, Some(&t.title), edits.title.as_ref()),
        (Field::Date, t.date.as_ref(), edits.date.as_ref()),
        (Field::Place, t.place.as_ref(), edits.place.as_ref()),
        (
            Field::SourceUrl,
            t.source_url.as_ref(),
            edits.source_url.as_ref(),
        ),
    ] {
        if now == new {
            continue;
        }
        // An emptied field is cleared, not given back to the reading.
        changes.push(Change::Field {
            field,
            value: Some(new.cloned().unwrap_or_default()),
        });
    }
    for (index, (label, current, name)) in page.current.iter().enumerate() {
        let sent = get(&format!("speaker-{index}"));
        let sent = sent.trim();
        if sent.is_empty() {
            continue;
        }
        match speaker_field(sent) {
            Some(id) if id == *current => {}
            Some(id) => changes.push(Change::Speaker {
                label: label.clone(),
                speaker_id: id,
            }),
            None if sent == name => {}
            None => changes.push(Change::NewSpeaker {
                label: label.clone(),
                name: sent.to_string(),
            }),
        }
    }
    for turn in &page.turns {
        if let Some(role) = Role::parse(&get(&format!("role-{}", turn.index)))
            && role.as_str() != turn.role
        {
            changes.push(Change::Role {
                turn: turn.index,
                role,
            });
        }
    }
    let reason = get("reason");
    let who = Who {
        editor: Some(&editor.0.editor),
        reason: Some(reason.as_str()),
    };
    match corrections::correct(&state.pool, t.id, &changes, who).await {
        Ok(Some(n)) => {
            Ok(Redirect::to(&format!("/transcripts/{slug}/history?saved={n}")).into_response())
        }
        Ok(None) => Err(AppError::NotFound),
        Err(CorrectError::Refused(message)) => Ok(refuse(page, message)),
        Err(CorrectError::Store(e)) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct LanguagesForm {
    csrf: String,
    /// The other transcript: its address or slug.
    #[serde(default)]
    other: String,
    /// Which of the two is the original: `other` (the default) or `this`.
    #[serde(default)]
    original: String,
    reason: Option<String>,
}

/// The slug in what an editor typed for a transcript: a slug, a path or a whole address.
fn slug_typed(typed: &str) -> String {
    let typed = typed.trim();
    let path = typed
        .split_once("/transcripts/")
        .map_or(typed, |(_, rest)| rest);
    path.split(['/', '?', '#'])
        .next()
        .unwrap_or_default()
        .to_string()
}

/// Links a published transcript with its version in another language: the same event, each
/// language keeping its own address. Recorded as a correction in the history.
pub async fn languages_link(
    State(state): State<AppState>,
    editor: Editor,
    Path(slug): Path<String>,
    Form(form): Form<LanguagesForm>,
) -> Result<Response> {
    editor.check_csrf(&form.csrf)?;
    state.writable()?;
    let refuse = |status: StatusCode, page: TranscriptEditor, message: String| {
        (
            status,
            TranscriptEditor {
                language_error: Some(message),
                ..page
            },
        )
            .into_response()
    };
    let other = slug_typed(&form.other);
    let page = edit_page(&state, &editor, &slug, None).await?;
    if other.is_empty() {
        return Ok(refuse(
            StatusCode::BAD_REQUEST,
            page,
            "Give the address of the same event's transcript in the other language, such as /transcripts/2025-11-26-press-conference.".into(),
        ));
    }
    let (translation, original) = match form.original.as_str() {
        "this" => (other.as_str(), slug.as_str()),
        "other" | "" => (slug.as_str(), other.as_str()),
        _ => {
            return Ok(refuse(
                StatusCode::BAD_REQUEST,
                page,
                "Say which of the two is the original: this transcript or the other.".into(),
            ));
        }
    };
    let who = Who {
        editor: Some(&editor.0.editor),
        reason: form.reason.as_deref().filter(|r| !r.trim().is_empty()),
    };
    match corrections::link_translation(&state.pool, translation, original, who).await? {
        corrections::Relinked::Done => {
            Ok(Redirect::to(&format!("/transcripts/{slug}")).into_response())
        }
        corrections::Relinked::NotFound => Ok(refuse(
            StatusCode::BAD_REQUEST,
            page,
            format!(
                "No transcript has the address /transcripts/{other}: copy it from that transcript's page."
            ),
        )),
        corrections::Relinked::Refused(why) => Ok(refuse(StatusCode::CONFLICT, page, why)),
    }
}

#[derive(Deserialize)]
pub struct UnlinkForm {
    csrf: String,
    reason: Option<String>,
}

/// Takes a transcript out of the event it shares with versions in other languages. Recorded
/// as a correction in the history.
pub async fn languages_unlink(
    State(state): State<AppState>,
    editor: Editor,
    Path(slug): Path<String>,
    Form(form): Form<UnlinkForm>,
) -> Result<Response> {
    editor.check_csrf(&form.csrf)?;
    state.writable()?;
    let who = Who {
        editor: Some(&editor.0.editor),
        reason: form.reason.as_deref().filter(|r| !r.trim().is_empty()),
    };
    match corrections::unlink_translation(&state.pool, &slug, who).await? {
        corrections::Relinked::Done => {
            Ok(Redirect::to(&format!("/transcripts/{slug}")).into_response())
        }
        corrections::Relinked::NotFound => Err(AppError::NotFound),
        corrections::Relinked::Refused(why) => {
            let page = edit_page(&state, &editor, &slug, None).await?;
            Ok((
                StatusCode::CONFLICT,
                TranscriptEditor {
                    language_error: Some(why),
                    ..page
                },
            )
                .into_response())
        }
    }
}
