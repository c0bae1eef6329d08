//! The JSON API under `/api/v1`: read the archive, search it, and add transcripts with a token.

use super::{AppState, Origin, Pager};
use crate::error::{ApiError, AppError};
use crate::store::read;
use crate::store::write::Imported;
use crate::{search, store};
use axum::extract::{FromRequestParts, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::{Value, json};

type ApiResult<T> = std::result::Result<T, ApiError>;

/// `Path` and `Query` whose rejections answer in JSON.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
struct Path<T>(T);

#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
struct Query<T>(T);

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/transcripts", get(list).post(create))
        .route("/transcripts/{slug}", get(transcript))
        .route("/transcripts/{slug}/questions/{n}", get(exchange))
        .route("/speakers", get(speakers))
        .route("/speakers/{slug}", get(speaker))
        .route("/topics", get(topics))
        .route("/topics/{slug}", get(topic))
        .route("/search", get(search_api))
        .fallback(|| async { ApiError(AppError::NotFound) })
}

#[derive(Deserialize)]
struct ListParams {
    year: Option<i32>,
    page: Option<i64>,
}

async fn list(
    State(state): State<AppState>,
    Query(p): Query<ListParams>,
) -> ApiResult<Json<Value>> {
    let total = read::count_transcripts(&state.pool, p.year).await?;
    let pager = Pager::new(p.page, 100, total, String::new());
    let rows = read::list(&state.pool, p.year, pager.offset(), 100).await?;
    let items: Vec<Value> = rows
        .iter()
        .map(|r| json!({"slug": r.slug, "title": r.title, "date": r.date, "place": r.place, "exchanges": r.exchange_count, "speakers": r.speakers, "url": format!("/transcripts/{}", r.slug)}))
        .collect();
    Ok(Json(
        json!({"total": total, "page": pager.page, "pages": pager.pages(), "transcripts": items}),
    ))
}

fn turn_json(t: &read::TurnRow) -> Value {
    json!({"position": t.position, "speaker": t.speaker, "speaker_slug": t.speaker_slug, "speaker_kind": t.speaker_kind, "label": t.label, "role": t.role, "exchange": t.exchange, "paragraphs": t.paragraphs()})
}

/// A turn as the API gives it; its paragraphs are the stored JSON, copied, never parsed.
#[derive(Serialize)]
struct TurnOut<'a> {
    position: i64,
    speaker: &'a str,
    speaker_slug: &'a str,
    speaker_kind: &'a str,
    label: Option<&'a str>,
    role: &'a str,
    exchange: Option<i64>,
    paragraphs: &'a RawValue,
}

impl<'a> TurnOut<'a> {
    fn of(t: &'a read::TurnRow) -> Self {
        TurnOut {
            position: t.position,
            speaker: &t.speaker,
            speaker_slug: &t.speaker_slug,
            speaker_kind: &t.speaker_kind,
            label: t.label.as_deref(),
            role: &t.role,
            exchange: t.exchange,
            paragraphs: raw_list(&t.paragraphs_json),
        }
    }
}

/// Stored JSON as it is, or an empty list where it is not JSON.
fn raw_list(json: &str) -> &RawValue {
    serde_json::from_str::<&RawValue>(json)
        .unwrap_or_else(|_| serde_json::from_str::<&RawValue>("[]").expect("an empty list is JSON"))
}

#[derive(Serialize)]
struct ExchangeOut<'a> {
    number: usize,
    question: Option<i64>,
    answers: &'a [i64],
    turns: &'a [i64],
    url: String,
    topics: &'a [read::TopicRef],
}

#[derive(Serialize)]
struct TranscriptOut<'a> {
    slug: &'a str,
    title: &'a str,
    date: Option<&'a str>,
    place: Option<&'a str>,
    source_url: Option<&'a str>,
    language: Option<&'a str>,
    preface: &'a RawValue,
    notes: &'a RawValue,
    url: String,
    turns: Vec<TurnOut<'a>>,
    exchanges: Vec<ExchangeOut<'a>>,
}

/// `GET /api/v1/transcripts/{slug}`: the whole transcript, written out in one pass over its
/// turns; what it holds is copied into the answer rather than built up as a tree first.
async fn transcript(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> ApiResult<Response> {
    let t = read::transcript(&state.pool, &slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let turns = read::turns(&state.pool, t.id).await?;
    // One pass over the turns and one over the topics, whatever the number of exchanges.
    let count = usize::try_from(t.exchange_count).unwrap_or(0);
    let mut members: Vec<Vec<i64>> = vec![Vec::new(); count];
    let mut questions: Vec<Option<i64>> = vec![None; count];
    let mut answers: Vec<Vec<i64>> = vec![Vec::new(); count];
    let mut topics: Vec<Vec<read::TopicRef>> = vec![Vec::new(); count];
    let index = |n: i64| usize::try_from(n - 1).ok().filter(|&i| i < count);
    for x in &turns {
        let Some(i) = x.exchange.and_then(index) else {
            continue;
        };
        members[i].push(x.position);
        match x.role.as_str() {
            "question" if questions[i].is_none() => questions[i] = Some(x.position),
            "answer" => answers[i].push(x.position),
            _ => {}
        }
    }
    for (n, tp) in read::transcript_topics(&state.pool, t.id).await? {
        if let Some(i) = index(n) {
            topics[i].push(tp);
        }
    }
    let exchanges: Vec<ExchangeOut> = (0..count)
        .map(|i| ExchangeOut {
            number: i + 1,
            question: questions[i],
            answers: &answers[i],
            turns: &members[i],
            url: format!("/transcripts/{}/questions/{}", t.slug, i + 1),
            topics: &topics[i],
        })
        .collect();
    let out = TranscriptOut {
        slug: &t.slug,
        title: &t.title,
        date: t.date.as_deref(),
        place: t.place.as_deref(),
        source_url: t.source_url.as_deref(),
        language: t.language.as_deref(),
        preface: raw_list(&t.preface),
        notes: raw_list(&t.notes),
        url: format!("/transcripts/{}", t.slug),
        turns: turns.iter().map(TurnOut::of).collect(),
        exchanges,
    };
    let body = serde_json::to_vec(&out).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok((
        [(
            header::CONTENT_TYPE,
            header::HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response())
}

async fn exchange(
    State(state): State<AppState>,
    Origin(origin): Origin,
    Path((slug, n)): Path<(String, i64)>,
) -> ApiResult<Json<Value>> {
    let t = read::transcript(&state.pool, &slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let turns = read::exchange_turns(&state.pool, t.id, n).await?;
    if turns.is_empty() {
        return Err(AppError::NotFound.into());
    }
    let topics = read::exchange_topics(&state.pool, t.id, n).await?;
    Ok(Json(json!({
        "transcript": {"slug": t.slug, "title": t.title, "date": t.date, "place": t.place},
        "number": n, "url": format!("{origin}/transcripts/{}/questions/{n}", t.slug),
        "turns": turns.iter().map(turn_json).collect::<Vec<_>>(), "topics": topics,
    })))
}

/// Items on one page of the API's speaker and topic lists.
const API_PER_PAGE: i64 = 100;

#[derive(Deserialize)]
struct IndexQuery {
    kind: Option<String>,
    letter: Option<String>,
    filter: Option<String>,
    page: Option<i64>,
}

impl IndexQuery {
    fn params(self) -> super::people::IndexParams {
        super::people::IndexParams {
            kind: self.kind,
            letter: self.letter,
            filter: self.filter,
            page: self.page,
        }
    }
}

/// `GET /api/v1/speakers`: speakers who said something, most active first, a page at a time;
/// `kind`, `letter` and `filter` narrow the list as on the page.
async fn speakers(
    State(state): State<AppState>,
    Query(q): Query<IndexQuery>,
) -> ApiResult<Json<Value>> {
    let params = q.params();
    let filter = params.list_filter(super::people::KINDS)?;
    let total = read::count_speakers(&state.pool, &filter).await?;
    let pager = Pager::new(params.page, API_PER_PAGE, total, String::new());
    let speakers = read::speakers(&state.pool, &filter, pager.offset(), API_PER_PAGE).await?;
    Ok(Json(
        json!({"total": total, "page": pager.page, "pages": pager.pages(), "speakers": speakers}),
    ))
}

async fn speaker(State(state): State<AppState>, Path(slug): Path<String>) -> ApiResult<Response> {
    let Some(s) = read::speaker(&state.pool, &slug).await? else {
        return match read::speaker_redirect(&state.pool, &slug).await? {
            Some(to) => Ok(crate::http::moved(&format!("/api/v1/speakers/{to}"))),
            None => Err(AppError::NotFound.into()),
        };
    };
    let aliases = read::aliases(&state.pool, s.id).await?;
    let turns = read::speaker_turns(&state.pool, s.id, 0, 100).await?;
    Ok(Json(
        json!({"speaker": s, "aliases": aliases, "answers_and_statements": turns.iter().map(|t| json!({"transcript": t.slug, "title": t.title, "date": t.date, "role": t.role, "exchange": t.exchange, "first_paragraph": t.first_paragraph()})).collect::<Vec<_>>()}),
    )
    .into_response())
}

/// `GET /api/v1/topics`: topics, most used first, a page at a time; narrowed as speakers are.
async fn topics(
    State(state): State<AppState>,
    Query(q): Query<IndexQuery>,
) -> ApiResult<Json<Value>> {
    let params = q.params();
    let filter = params.list_filter(super::topics::KINDS)?;
    let total = read::count_topics(&state.pool, &filter).await?;
    let pager = Pager::new(params.page, API_PER_PAGE, total, String::new());
    let topics = read::topics(&state.pool, &filter, pager.offset(), API_PER_PAGE).await?;
    Ok(Json(
        json!({"total": total, "page": pager.page, "pages": pager.pages(), "topics": topics}),
    ))
}

async fn topic(State(state): State<AppState>, Path(slug): Path<String>) -> ApiResult<Json<Value>> {
    let t = read::topic(&state.pool, &slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let exchanges = read::topic_exchanges(&state.pool, t.id, 0, 200).await?;
    let months = read::topic_months(&state.pool, t.id).await?;
    Ok(Json(json!({
        "topic": t,
        "months": months.into_iter().map(|(m, n)| json!({"month": m, "exchanges": n})).collect::<Vec<_>>(),
        "exchanges": exchanges.iter().map(|e| json!({"transcript": e.slug, "title": e.title, "date": e.date, "number": e.number, "question": e.question(), "url": format!("/transcripts/{}/questions/{}", e.slug, e.number)})).collect::<Vec<_>>(),
    })))
}

async fn search_api(
    State(state): State<AppState>,
    Query(params): Query<search::Params>,
) -> ApiResult<Json<search::Results>> {
    if params.q.trim().is_empty() {
        return Err(AppError::BadRequest(
            "Give a query as ?q=...; words, \"exact phrases\", prefix* and AND/OR/NOT work.".into(),
        )
        .into());
    }
    let _turn = state.expensive().await?;
    Ok(Json(search::search(&state.pool, &params).await?))
}

/// The API token from `Authorization: Bearer TOKEN`.
async fn authorise(state: &AppState, headers: &HeaderMap) -> ApiResult<String> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or(AppError::Unauthorized)?;
    store::editors::check_token(&state.pool, token)
        .await?
        .ok_or(AppError::Unauthorized.into())
}

/// `POST /api/v1/transcripts`: the file as the body. 201 with the new transcript; 200 with the
/// existing one for bytes already stored. The token, the declared type and the declared length
/// are checked before a byte of the body is read.
async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    request: axum::extract::Request,
) -> ApiResult<Response> {
    let token_name = authorise(&state, &headers).await?;
    state.writable()?;
    let max_upload = state.settings.max_upload;
    let declared = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        });
    if let Some(ct) = declared.as_deref()
        && !matches!(
            ct,
            "text/plain"
                | "text/markdown"
                | "text/x-markdown"
                | "text/html"
                | "application/xhtml+xml"
                | "application/octet-stream"
                | ""
        )
    {
        return Err(AppError::UnsupportedMediaType(format!(
            "Stenogram reads text/plain, text/markdown and text/html, not {ct}."
        ))
        .into());
    }
    let declared_length = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared_length.is_some_and(|n| n > max_upload) {
        return Err(AppError::PayloadTooLarge(max_upload).into());
    }
    let body = match axum::body::to_bytes(request.into_body(), max_upload).await {
        Ok(b) => b,
        Err(e)
            if std::error::Error::source(&e)
                .is_some_and(|s| s.is::<http_body_util::LengthLimitError>()) =>
        {
            return Err(AppError::PayloadTooLarge(max_upload).into());
        }
        Err(e) => {
            return Err(AppError::BadRequest(format!("The body could not be read: {e}.")).into());
        }
    };
    if body.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(AppError::BadRequest(
            "The body is empty: send the transcript's text as the request body.".into(),
        )
        .into());
    }
    if body.len() > state.settings.max_upload {
        return Err(AppError::PayloadTooLarge(state.settings.max_upload).into());
    }
    if let Some(slug) = store::write::existing_slug(&state.pool, &store::sha256_hex(&body)).await? {
        let exchanges = read::transcript(&state.pool, &slug)
            .await?
            .map(|t| t.exchange_count)
            .unwrap_or(0);
        return Ok((StatusCode::OK, Json(json!({"slug": slug, "url": format!("/transcripts/{slug}"), "exchanges": exchanges, "existing": true}))).into_response());
    }
    let read = super::read_upload(body.clone(), declared.clone()).await?;
    let doc = read.map_err(|e| {
        if e.message.contains("binary") {
            AppError::UnsupportedMediaType(format!(
                "The body could not be read as a transcript: {e}."
            ))
        } else {
            AppError::Unprocessable(format!("The body could not be read as a transcript: {e}."))
        }
    })?;
    let prepared = store::write::Prepared::new(doc);
    let mut conn = state.pool.acquire().await.map_err(AppError::from)?;
    let outcome = store::write::store(
        &mut conn,
        &store::write::Upload {
            bytes: &body,
            file_name: None,
            declared_type: declared.as_deref(),
            uploaded_by: Some(&format!("token:{token_name}")),
        },
        &prepared,
        &Default::default(),
        &Default::default(),
    )
    .await?;
    let (status, slug, exchanges) = match outcome {
        Imported::New {
            slug, exchanges, ..
        } => (StatusCode::CREATED, slug, exchanges as i64),
        Imported::Existing { slug } => (StatusCode::OK, slug, 0),
    };
    let url = format!("/transcripts/{slug}");
    let doc = &prepared.doc;
    let labelled = doc.turns.iter().any(|t| t.label.is_some());
    let mut response = (status, Json(json!({"slug": slug, "url": url, "exchanges": exchanges, "turns": doc.turns.len(), "labelled": labelled}))).into_response();
    if let Ok(v) = header::HeaderValue::from_str(&url) {
        response.headers_mut().insert(header::LOCATION, v);
    }
    Ok(response)
}
