//! The table of office holders: the shipped rows and those editors added, and the editor's
//! page to add and take away rows. The reader resolves role labels (`THE PRESIDENT`) and bare
//! surnames with both.

use super::auth::Editor;
use super::{AppState, Path};
use crate::error::{AppError, Result};
use crate::parse::offices::{Holder, SHIPPED};
use crate::store::offices::{self, Added, Adding};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Form, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

/// One row of the table as the pages show it.
pub struct Term {
    pub holder: Holder,
    /// Set for a row an editor added: (id, who, when).
    pub added: Option<(i64, Option<String>, String)>,
}

/// A term's dates for people: `13 May 2022 – 20 January 2025`, `7 May 2012 – today`.
pub fn span(h: &Holder) -> String {
    format!(
        "{} – {}",
        super::human_date(Some(&h.start)),
        match &h.end {
            Some(end) => super::human_date(Some(end)),
            None => "today".into(),
        }
    )
}

/// `Press secretary (US)`.
pub fn office_name(h: &Holder) -> String {
    let mut office = h.office.clone();
    if let Some(first) = office.get(..1) {
        office = first.to_uppercase() + &office[1..];
    }
    format!("{office} ({})", h.country)
}

fn terms(added: Vec<Added>) -> Vec<Term> {
    let mut all: Vec<Term> = SHIPPED
        .iter()
        .map(|h| Term {
            holder: h.clone(),
            added: None,
        })
        .chain(added.into_iter().map(|a| Term {
            holder: a.holder,
            added: Some((a.id, a.added_by, a.added_at)),
        }))
        .collect();
    all.sort_by(|a, b| {
        (&a.holder.country, &a.holder.office, &b.holder.start).cmp(&(
            &b.holder.country,
            &b.holder.office,
            &a.holder.start,
        ))
    });
    all
}

#[derive(Template, WebTemplate)]
#[template(path = "offices/list.html")]
pub struct OfficesPage {
    pub terms: Vec<Term>,
    pub added: usize,
}

/// Every office holder the reader knows, by country and office, newest term first.
pub async fn index(State(state): State<AppState>) -> Result<OfficesPage> {
    let mut conn = state.pool.acquire().await?;
    let added = offices::added(&mut conn).await?;
    let n = added.len();
    Ok(OfficesPage {
        terms: terms(added),
        added: n,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "offices/edit.html")]
pub struct EditPage {
    pub csrf: String,
    pub added: Vec<Term>,
    pub error: Option<String>,
    pub done: Option<String>,
    pub form: TermForm,
}

#[derive(Deserialize, Default)]
pub struct EditQuery {
    added: Option<String>,
    removed: Option<String>,
}

async fn edit_page(
    state: &AppState,
    editor: &Editor,
    error: Option<String>,
    done: Option<String>,
    form: TermForm,
) -> Result<EditPage> {
    let mut conn = state.pool.acquire().await?;
    let added = offices::added(&mut conn).await?;
    Ok(EditPage {
        csrf: editor.0.csrf.clone(),
        added: terms(added)
            .into_iter()
            .filter(|t| t.added.is_some())
            .collect(),
        error,
        done,
        form,
    })
}

/// The editor's page: add a term, take away one that was added.
pub async fn edit(
    State(state): State<AppState>,
    editor: Editor,
    Query(q): Query<EditQuery>,
) -> Result<EditPage> {
    let done = match (q.added, q.removed) {
        (Some(name), _) => Some(format!(
            "Added {name}. Transcripts read from now on use it; run `stenogram reindex` to read those already stored again with it."
        )),
        (None, Some(name)) => Some(format!("Took away the term of {name}.")),
        _ => None,
    };
    edit_page(&state, &editor, None, done, TermForm::default()).await
}

#[derive(Deserialize, Default)]
pub struct TermForm {
    #[serde(default)]
    pub csrf: String,
    #[serde(default)]
    pub country: String,
    #[serde(default)]
    pub office: String,
    #[serde(default)]
    pub start: String,
    #[serde(default)]
    pub end: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub other_names: String,
    /// `yes` when one person holds the office at a time.
    pub sole: Option<String>,
}

/// Adds a term; a wrong field answers 400 with the form as typed and what to change.
pub async fn add(
    State(state): State<AppState>,
    editor: Editor,
    Form(form): Form<TermForm>,
) -> Result<Response> {
    editor.check_csrf(&form.csrf)?;
    state.writable()?;
    let checked = offices::check(
        &form.country,
        &form.office,
        &form.start,
        &form.end,
        &form.name,
        &form.other_names,
        form.sole.as_deref() == Some("yes"),
    );
    let holder = match checked {
        Ok(h) => h,
        Err(e) => {
            let page = edit_page(&state, &editor, Some(e), None, form).await?;
            return Ok((axum::http::StatusCode::BAD_REQUEST, page).into_response());
        }
    };
    match offices::add(&state.pool, &holder, Some(&editor.0.editor)).await? {
        Adding::Done(_) => Ok(Redirect::to(&format!(
            "/offices/edit?added={}",
            super::encode(&holder.name)
        ))
        .into_response()),
        Adding::Known => Err(AppError::Conflict(format!(
            "The table already has {} as {} ({}) from {}.",
            holder.name, holder.office, holder.country, holder.start
        ))),
    }
}

#[derive(Deserialize)]
pub struct RemoveForm {
    csrf: String,
    name: Option<String>,
}

/// Takes away a term an editor added (the shipped rows stay).
pub async fn remove(
    State(state): State<AppState>,
    editor: Editor,
    Path(id): Path<i64>,
    Form(form): Form<RemoveForm>,
) -> Result<Response> {
    editor.check_csrf(&form.csrf)?;
    state.writable()?;
    if !offices::remove(&state.pool, id).await? {
        return Err(AppError::NotFound);
    }
    Ok(Redirect::to(&format!(
        "/offices/edit?removed={}",
        super::encode(form.name.as_deref().unwrap_or("one"))
    ))
    .into_response())
}
