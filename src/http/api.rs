//! The JSON API under `/api/v1`: read the archive, search it, and add transcripts with a token.

use super::{AppState, Origin, Pager};
use crate::error::{ApiError, AppError};
use crate::store::ingest::{self, Looked};
use crate::store::read;
use crate::store::write::Imported;
use crate::{search, store};
use axum::extract::{FromRequestParts, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use serde_json::value::RawValue;
use utoipa::{IntoParams, OpenApi, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

type ApiResult<T> = std::result::Result<T, ApiError>;

/// `Path` and `Query` whose rejections answer in JSON.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
struct Path<T>(T);

#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
struct Query<T>(T);

/// The description of the API, made from the handlers and the types they answer with.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Stenogram API",
        description = "Read a Stenogram archive of diplomatic transcripts: transcripts, exchanges (a question and its answers), speakers, topics and full-text search; add transcripts with an API token (`stenogram token create NAME`).\n\nLists are paginated: `page` counts from 1, and every list says its `total`, `page` and `pages`. Errors answer with their HTTP status and `{\"error\": {\"status\", \"message\"}}`; 503 comes with `Retry-After`. Addresses that moved (a merged speaker or topic) answer 301 with `Location`.",
        license(name = "AGPL-3.0-or-later", identifier = "AGPL-3.0-or-later")
    ),
    modifiers(&BearerToken),
    tags((name = "read", description = "Reading the archive; no authentication."),
         (name = "write", description = "Adding transcripts; needs an API token."))
)]
struct ApiDoc;

struct BearerToken;

impl utoipa::Modify for BearerToken {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("An API token from `stenogram token create NAME`."))
                    .build(),
            ),
        );
    }
}

/// The API's routes, and its OpenAPI description made from the same handlers, so that the two
/// cannot differ. `prefix` is where the router is nested (`/api/v1`).
pub fn router(prefix: &str) -> Router<AppState> {
    let (routes, spec) = parts(prefix);
    let spec = std::sync::Arc::new(spec.to_pretty_json().unwrap_or_else(|_| "{}".into()));
    routes
        .route(
            "/openapi.json",
            get(move || {
                let spec = spec.clone();
                async move {
                    (
                        [(header::CONTENT_TYPE, "application/json")],
                        spec.as_str().to_string(),
                    )
                }
            }),
        )
        .fallback(|| async { ApiError(AppError::NotFound) })
}

/// The description of the API as JSON, for the page that shows it to people.
pub fn description(prefix: &str) -> Value {
    serde_json::to_value(parts(prefix).1).unwrap_or(Value::Null)
}

fn parts(prefix: &str) -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let (routes, mut spec) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(list, create))
        .routes(routes!(transcript))
        .routes(routes!(history))
        .routes(routes!(as_read))
        .routes(routes!(exchange))
        .routes(routes!(speakers))
        .routes(routes!(speaker))
        .routes(routes!(topics))
        .routes(routes!(topic))
        .routes(routes!(search_api))
        .split_for_parts();
    // Paths are given whole (`/api/v1/...`), so that the description holds for the server's
    // own address whatever base a client joins them to.
    spec.paths.paths = std::mem::take(&mut spec.paths.paths)
        .into_iter()
        .map(|(path, item)| (format!("{prefix}{path}"), item))
        .collect();
    (routes, spec)
}

/// An error: its HTTP status again, and what to do about it.
#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Serialize, ToSchema)]
pub struct ErrorDetail {
    pub status: u16,
    pub message: String,
}

/// The pages of a list: `page` of `pages`, `total` items in all.
#[derive(Serialize, ToSchema)]
struct TranscriptList {
    total: i64,
    page: i64,
    pages: i64,
    transcripts: Vec<TranscriptSummary>,
}

#[derive(Serialize, ToSchema)]
struct TranscriptSummary {
    slug: String,
    title: String,
    /// `YYYY-MM-DD`.
    date: Option<String>,
    place: Option<String>,
    /// How many exchanges (a question and its answers) it has.
    exchanges: i64,
    /// Its principal speakers, comma-separated.
    speakers: Option<String>,
    url: String,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct ListParams {
    /// Only transcripts of this year.
    year: Option<i32>,
    /// The page, from 1; 100 transcripts a page.
    page: Option<i64>,
}

/// The transcripts, newest first, 100 a page.
#[utoipa::path(get, path = "/transcripts", tag = "read", params(ListParams),
    responses((status = 200, body = TranscriptList), (status = 400, body = ErrorBody), (status = 503, body = ErrorBody)))]
async fn list(
    State(state): State<AppState>,
    Query(p): Query<ListParams>,
) -> ApiResult<Json<TranscriptList>> {
    let total = read::count_transcripts(&state.pool, p.year).await?;
    let pager = Pager::new(p.page, 100, total, String::new());
    let rows = read::list(&state.pool, p.year, pager.offset(), 100).await?;
    let transcripts = rows
        .into_iter()
        .map(|r| TranscriptSummary {
            url: format!("/transcripts/{}", r.slug),
            slug: r.slug,
            title: r.title,
            date: r.date,
            place: r.place,
            exchanges: r.exchange_count,
            speakers: r.speakers,
        })
        .collect();
    Ok(Json(TranscriptList {
        total,
        page: pager.page,
        pages: pager.pages(),
        transcripts,
    }))
}

/// A turn: one speaker's uninterrupted speech; its paragraphs are the stored JSON, copied,
/// never parsed.
#[derive(Serialize, ToSchema)]
struct TurnOut<'a> {
    /// Its place in the transcript, from 0.
    position: i64,
    speaker: &'a str,
    speaker_slug: &'a str,
    /// `person`, `outlet` or `anonymous`.
    speaker_kind: &'a str,
    /// The label as printed.
    label: Option<&'a str>,
    /// `statement`, `question`, `answer` or `remark`.
    role: &'a str,
    /// The exchange it belongs to, from 1.
    exchange: Option<i64>,
    #[schema(value_type = Vec<String>)]
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

/// An exchange: a question and the answers that follow it.
#[derive(Serialize, ToSchema)]
struct ExchangeOut<'a> {
    number: usize,
    /// The position of its question turn.
    question: Option<i64>,
    /// The positions of its answer turns.
    answers: &'a [i64],
    /// The positions of every turn in it.
    turns: &'a [i64],
    url: String,
    topics: &'a [read::TopicRef],
}

#[derive(Serialize, ToSchema)]
struct TranscriptOut<'a> {
    slug: &'a str,
    title: &'a str,
    date: Option<&'a str>,
    place: Option<&'a str>,
    source_url: Option<&'a str>,
    /// The language of the text (BCP 47), when known.
    language: Option<&'a str>,
    /// The publisher's editorial paragraphs before the transcript.
    #[schema(value_type = Vec<String>)]
    preface: &'a RawValue,
    /// Text that belongs to no turn.
    #[schema(value_type = Vec<String>)]
    notes: &'a RawValue,
    url: String,
    turns: Vec<TurnOut<'a>>,
    exchanges: Vec<ExchangeOut<'a>>,
    /// The same event in each language, this transcript included, the original first; empty
    /// when it has one language.
    versions: Vec<crate::store::translations::Version>,
    /// The other places the same text was published.
    republications: Vec<RepublicationOut>,
}

/// Another publication of a transcript's text.
#[derive(Serialize, ToSchema)]
struct RepublicationOut {
    /// Where it was published, when known.
    url: Option<String>,
    /// The name of the file it was uploaded as, when known.
    file_name: Option<String>,
    /// When it was added (UTC).
    added: String,
}

/// The whole transcript, written out in one pass over its turns; what it holds is copied into
/// the answer rather than built up as a tree first.
#[utoipa::path(get, path = "/transcripts/{slug}", tag = "read",
    params(("slug" = String, Path, description = "The transcript's slug, `YYYY-MM-DD-short-title`.")),
    responses((status = 200, body = TranscriptOut), (status = 404, body = ErrorBody), (status = 503, body = ErrorBody)))]
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
        versions: crate::store::translations::versions(&state.pool, t.id).await?,
        republications: read::republications(&state.pool, t.id)
            .await?
            .into_iter()
            .map(|(url, file_name, added)| RepublicationOut {
                url,
                file_name,
                added,
            })
            .collect(),
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

/// The transcript an exchange belongs to.
#[derive(Serialize, ToSchema)]
struct TranscriptBrief {
    slug: String,
    title: String,
    date: Option<String>,
    place: Option<String>,
}

#[derive(Serialize, ToSchema)]
struct ExchangeDetail<'a> {
    transcript: TranscriptBrief,
    number: i64,
    /// The exchange's permalink, absolute.
    url: String,
    turns: Vec<TurnOut<'a>>,
    topics: Vec<read::TopicRef>,
}

/// One exchange: its question, its answers and the remarks between them.
/// A transcript's corrections, newest first.
#[derive(Serialize, ToSchema)]
pub struct History {
    pub transcript: String,
    /// Where the transcript's page is.
    pub url: String,
    pub corrections: Vec<crate::store::corrections::Entry>,
}

/// Every correction editors made to a transcript, newest first, undone ones marked, with the
/// reader's own re-readings.
#[utoipa::path(get, path = "/transcripts/{slug}/history", tag = "read",
    params(("slug" = String, Path, description = "The transcript's slug.")),
    responses((status = 200, body = History), (status = 404, body = ErrorBody), (status = 503, body = ErrorBody)))]
async fn history(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> ApiResult<Json<History>> {
    let t = read::transcript(&state.pool, &slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let corrections = crate::store::corrections::history(&state.pool, t.id).await?;
    Ok(Json(History {
        url: format!("/transcripts/{}", t.slug),
        transcript: t.slug,
        corrections,
    }))
}

/// A transcript as the reader reads its source, before any correction.
#[derive(Serialize, ToSchema)]
pub struct AsRead {
    pub transcript: String,
    /// Where the corrected transcript's page is.
    pub url: String,
    /// The title the reading gives (its own, else one made from the file name).
    pub title: String,
    pub date: Option<String>,
    pub place: Option<String>,
    pub source_url: Option<String>,
    pub preface: Vec<String>,
    pub turns: Vec<ReadTurn>,
    pub notes: Vec<String>,
}

/// One turn as read.
#[derive(Serialize, ToSchema)]
pub struct ReadTurn {
    /// The name the reader resolved the label to.
    pub speaker: String,
    /// `person`, `outlet` or `anonymous`.
    pub speaker_kind: String,
    /// The label as printed; none for unlabelled speech.
    pub label: Option<String>,
    /// `statement`, `question`, `answer` or `remark`.
    pub role: String,
    /// The number of the exchange it asks or answers in.
    pub exchange: Option<u32>,
    pub paragraphs: Vec<String>,
}

/// The transcript as the reader reads its uploaded file, with none of the editors'
/// corrections: the transcript as first published.
#[utoipa::path(get, path = "/transcripts/{slug}/as-read", tag = "read",
    params(("slug" = String, Path, description = "The transcript's slug.")),
    responses((status = 200, body = AsRead), (status = 404, body = ErrorBody), (status = 503, body = ErrorBody)))]
async fn as_read(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> ApiResult<Json<AsRead>> {
    let t = read::transcript(&state.pool, &slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let (doc, title) = crate::store::corrections::as_read(&state.pool, t.id)
        .await?
        .ok_or(AppError::NotFound)?;
    let exchange_of = doc.exchange_of();
    let turns = doc
        .turns
        .into_iter()
        .enumerate()
        .map(|(i, turn)| ReadTurn {
            speaker: turn.speaker,
            speaker_kind: turn.speaker_kind.as_str().into(),
            label: turn.label,
            role: turn.role.as_str().into(),
            exchange: exchange_of.get(&i).copied(),
            paragraphs: turn.paragraphs,
        })
        .collect();
    Ok(Json(AsRead {
        url: format!("/transcripts/{}", t.slug),
        transcript: t.slug,
        title,
        date: doc.date,
        place: doc.place,
        source_url: doc.source_url,
        preface: doc.preface,
        turns,
        notes: doc.notes,
    }))
}

#[utoipa::path(get, path = "/transcripts/{slug}/questions/{n}", tag = "read",
    params(("slug" = String, Path, description = "The transcript's slug."),
           ("n" = i64, Path, description = "The exchange's number, from 1.")),
    responses((status = 200, body = ExchangeDetail), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 503, body = ErrorBody)))]
async fn exchange(
    State(state): State<AppState>,
    Origin(origin): Origin,
    Path((slug, n)): Path<(String, i64)>,
) -> ApiResult<Response> {
    let t = read::transcript(&state.pool, &slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let turns = read::exchange_turns(&state.pool, t.id, n).await?;
    if turns.is_empty() {
        return Err(AppError::NotFound.into());
    }
    let topics = read::exchange_topics(&state.pool, t.id, n).await?;
    let url = format!("{origin}/transcripts/{}/questions/{n}", t.slug);
    let out = ExchangeDetail {
        transcript: TranscriptBrief {
            slug: t.slug,
            title: t.title,
            date: t.date,
            place: t.place,
        },
        number: n,
        url,
        turns: turns.iter().map(TurnOut::of).collect(),
        topics,
    };
    Ok(Json(out).into_response())
}

/// Items on one page of the API's speaker and topic lists.
const API_PER_PAGE: i64 = 100;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct IndexQuery {
    /// Only this kind: for speakers `person`, `outlet` or `anonymous`; for topics `country`,
    /// `person`, `organisation`, `theme`, `place`, `agreement` or `phrase`.
    kind: Option<String>,
    /// Only names starting with this letter.
    letter: Option<String>,
    /// Only names holding this text.
    filter: Option<String>,
    /// The page, from 1; 100 a page.
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

#[derive(Serialize, ToSchema)]
struct SpeakerList {
    total: i64,
    page: i64,
    pages: i64,
    speakers: Vec<read::SpeakerRow>,
}

/// Speakers who said something, most active first, a page at a time; `kind`, `letter` and
/// `filter` narrow the list as on the page.
#[utoipa::path(get, path = "/speakers", tag = "read", params(IndexQuery),
    responses((status = 200, body = SpeakerList), (status = 400, body = ErrorBody), (status = 503, body = ErrorBody)))]
async fn speakers(
    State(state): State<AppState>,
    Query(q): Query<IndexQuery>,
) -> ApiResult<Json<SpeakerList>> {
    let params = q.params();
    let filter = params.list_filter(super::people::KINDS)?;
    let total = read::count_speakers(&state.pool, &filter).await?;
    let pager = Pager::new(params.page, API_PER_PAGE, total, String::new());
    let speakers = read::speakers(&state.pool, &filter, pager.offset(), API_PER_PAGE).await?;
    Ok(Json(SpeakerList {
        total,
        page: pager.page,
        pages: pager.pages(),
        speakers,
    }))
}

/// One of a speaker's answers or statements.
#[derive(Serialize, ToSchema)]
struct SpeakerTurn {
    /// The transcript's slug.
    transcript: String,
    title: String,
    date: Option<String>,
    role: String,
    exchange: Option<i64>,
    first_paragraph: String,
}

#[derive(Serialize, ToSchema)]
struct SpeakerDetail {
    speaker: read::SpeakerRow,
    /// Every label that resolved to this speaker.
    aliases: Vec<String>,
    /// The newest 100 answers and statements.
    answers_and_statements: Vec<SpeakerTurn>,
    /// The transcripts they speak in, by month.
    months: Vec<SpeakerMonth>,
    /// The person topic they are, when exchanges are about them: its slug.
    topic: Option<String>,
    /// The offices they held, by the table of office holders (`/offices`), oldest first.
    offices: Vec<OfficeTerm>,
}

/// One term of office.
#[derive(Serialize, ToSchema)]
struct OfficeTerm {
    /// `US`, `RU`, `CN`, `UN`…
    country: String,
    /// `president`, `foreign minister`…
    office: String,
    /// `YYYY-MM-DD`.
    start: String,
    /// `YYYY-MM-DD`, not included; null while in office.
    end: Option<String>,
}

#[derive(Serialize, ToSchema)]
struct SpeakerMonth {
    /// `2024-03`.
    month: String,
    transcripts: i64,
}

/// One speaker, the labels they were printed under, and their newest answers and statements.
#[utoipa::path(get, path = "/speakers/{slug}", tag = "read",
    params(("slug" = String, Path, description = "The speaker's slug.")),
    responses((status = 200, body = SpeakerDetail),
              (status = 301, description = "The speaker was merged into another; `Location` says where."),
              (status = 404, body = ErrorBody), (status = 503, body = ErrorBody)))]
async fn speaker(State(state): State<AppState>, Path(slug): Path<String>) -> ApiResult<Response> {
    let Some(s) = read::speaker(&state.pool, &slug).await? else {
        return match read::speaker_redirect(&state.pool, &slug).await? {
            Some(to) => Ok(crate::http::moved(&format!("/api/v1/speakers/{to}"))),
            None => Err(AppError::NotFound.into()),
        };
    };
    let aliases = read::aliases(&state.pool, s.id).await?;
    let turns = read::speaker_turns(&state.pool, s.id, 0, 100).await?;
    let answers_and_statements = turns
        .iter()
        .map(|t| SpeakerTurn {
            first_paragraph: t.first_paragraph(),
            transcript: t.slug.clone(),
            title: t.title.clone(),
            date: t.date.clone(),
            role: t.role.clone(),
            exchange: t.exchange,
        })
        .collect();
    let months = read::speaker_months(&state.pool, s.id)
        .await?
        .into_iter()
        .map(|(month, transcripts)| SpeakerMonth { month, transcripts })
        .collect();
    let topic = read::topic_of_speaker(&state.pool, s.id)
        .await?
        .map(|(slug, _, _)| slug);
    let offices = crate::store::offices::of_speaker(&state.pool, &s.name, &aliases)
        .await?
        .into_iter()
        .map(|h| OfficeTerm {
            country: h.country,
            office: h.office,
            start: h.start,
            end: h.end,
        })
        .collect();
    Ok(Json(SpeakerDetail {
        speaker: s,
        aliases,
        answers_and_statements,
        months,
        topic,
        offices,
    })
    .into_response())
}

#[derive(Serialize, ToSchema)]
struct TopicList {
    total: i64,
    page: i64,
    pages: i64,
    topics: Vec<read::TopicRow>,
}

/// Topics of two exchanges or more (one, when `filter` names it), most used first, a page at
/// a time; narrowed as speakers are.
#[utoipa::path(get, path = "/topics", tag = "read", params(IndexQuery),
    responses((status = 200, body = TopicList), (status = 400, body = ErrorBody), (status = 503, body = ErrorBody)))]
async fn topics(
    State(state): State<AppState>,
    Query(q): Query<IndexQuery>,
) -> ApiResult<Json<TopicList>> {
    let params = q.params();
    let filter = params.list_filter(super::topics::KINDS)?;
    let total = read::count_topics(&state.pool, &filter).await?;
    let pager = Pager::new(params.page, API_PER_PAGE, total, String::new());
    let topics = read::topics(&state.pool, &filter, pager.offset(), API_PER_PAGE).await?;
    Ok(Json(TopicList {
        total,
        page: pager.page,
        pages: pager.pages(),
        topics,
    }))
}

#[derive(Serialize, ToSchema)]
struct TopicMonth {
    /// `YYYY-MM`.
    month: String,
    exchanges: i64,
}

#[derive(Serialize, ToSchema)]
struct TopicExchange {
    /// The transcript's slug.
    transcript: String,
    title: String,
    date: Option<String>,
    number: i64,
    /// The first paragraph of its question.
    question: String,
    url: String,
}

#[derive(Serialize, ToSchema)]
struct TopicDetail {
    topic: read::TopicRow,
    /// Exchanges a month.
    months: Vec<TopicMonth>,
    /// The newest 200 exchanges.
    exchanges: Vec<TopicExchange>,
    /// A person who is also a speaker: their speaker's slug.
    speaker: Option<String>,
}

/// One topic: exchanges a month and its newest exchanges.
#[utoipa::path(get, path = "/topics/{slug}", tag = "read",
    params(("slug" = String, Path, description = "The topic's slug.")),
    responses((status = 200, body = TopicDetail),
              (status = 301, description = "The topic was merged into another; `Location` says where."),
              (status = 404, body = ErrorBody),
              (status = 410, body = ErrorBody, description = "Editors hid the topic; the message says when, by whom and why."),
              (status = 503, body = ErrorBody)))]
async fn topic(State(state): State<AppState>, Path(slug): Path<String>) -> ApiResult<Response> {
    let Some(t) = read::topic(&state.pool, &slug).await? else {
        return match read::topic_redirect(&state.pool, &slug).await? {
            Some(to) => Ok(crate::http::moved(&format!("/api/v1/topics/{to}"))),
            None => Err(AppError::NotFound.into()),
        };
    };
    if t.hidden {
        return Err(crate::http::topics::gone(&state.pool, &t).await.into());
    }
    let exchanges = read::topic_exchanges(&state.pool, t.id, 0, 200).await?;
    let months = read::topic_months(&state.pool, t.id).await?;
    let speaker = read::speaker_of_topic(&state.pool, t.id)
        .await?
        .map(|(slug, _)| slug);
    Ok(Json(TopicDetail {
        speaker,
        topic: t,
        months: months
            .into_iter()
            .map(|(month, exchanges)| TopicMonth { month, exchanges })
            .collect(),
        exchanges: exchanges
            .iter()
            .map(|e| TopicExchange {
                question: e.question(),
                url: format!("/transcripts/{}/questions/{}", e.slug, e.number),
                transcript: e.slug.clone(),
                title: e.title.clone(),
                date: e.date.clone(),
                number: e.number,
            })
            .collect(),
    })
    .into_response())
}

/// Full-text search, grouped to exchanges, with the search page's filters.
#[utoipa::path(get, path = "/search", tag = "read", params(search::Params),
    responses((status = 200, body = search::Results),
              (status = 400, description = "No query, or one too costly to run; the message says how to narrow it.", body = ErrorBody),
              (status = 503, description = "Too many searches at once, or the search took too long; `Retry-After` says when to try again.", body = ErrorBody)))]
async fn search_api(
    State(state): State<AppState>,
    Query(params): Query<search::Params>,
) -> ApiResult<Json<search::Results>> {
    if params.q.trim().is_empty() && params.quote_text().is_none() {
        return Err(AppError::BadRequest(
            "Give a query as ?q=...; words, \"exact phrases\", prefix* and AND/OR/NOT work; or a quotation as ?quote=....".into(),
        )
        .into());
    }
    let _turn = state.expensive().await?;
    Ok(Json(state.search(&params).await?))
}

/// What adding a transcript made.
#[derive(Serialize, ToSchema)]
struct Created {
    slug: String,
    url: String,
    exchanges: i64,
    /// How many turns were read (new transcripts only).
    #[serde(skip_serializing_if = "Option::is_none")]
    turns: Option<usize>,
    /// Whether speakers' labels were found; without them the text is one statement.
    #[serde(skip_serializing_if = "Option::is_none")]
    labelled: Option<bool>,
    /// Set when the same bytes were stored already.
    #[serde(skip_serializing_if = "Option::is_none")]
    existing: Option<bool>,
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

/// Add a transcript: the file as the body (text, Markdown or HTML). 201 with the new transcript;
/// 200 with the existing one for bytes already stored. The token, the declared type and the
/// declared length are checked before a byte of the body is read.
#[utoipa::path(post, path = "/transcripts", tag = "write", security(("token" = [])),
    request_body(description = "The transcript file, verbatim.",
                 content((String = "text/plain"), (String = "text/markdown"), (String = "text/html"))),
    responses((status = 201, body = Created, headers(("Location" = String, description = "The new transcript's page."))),
              (status = 200, description = "These bytes are stored already.", body = Created),
              (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 413, body = ErrorBody),
              (status = 415, body = ErrorBody), (status = 422, body = ErrorBody), (status = 503, body = ErrorBody)))]
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
    let looked = ingest::look(&state.pool, body.clone(), None, declared.clone()).await?;
    let read = match looked {
        Looked::Read(read) => read,
        Looked::Existing { slug } => {
            let exchanges = read::transcript(&state.pool, &slug)
                .await?
                .map(|t| t.exchange_count)
                .unwrap_or(0);
            return Ok((
                StatusCode::OK,
                Json(Created {
                    url: format!("/transcripts/{slug}"),
                    slug,
                    exchanges,
                    turns: None,
                    labelled: None,
                    existing: Some(true),
                }),
            )
                .into_response());
        }
    };
    let prepared = read.map_err(|e| {
        if ingest::is_binary(&e) {
            AppError::UnsupportedMediaType(format!(
                "The body could not be read as a transcript: {e}."
            ))
        } else {
            AppError::Unprocessable(format!("The body could not be read as a transcript: {e}."))
        }
    })?;
    let outcome = ingest::store(
        &state.pool,
        &store::write::Upload {
            bytes: &body,
            file_name: None,
            declared_type: declared.as_deref(),
            uploaded_by: Some(&format!("token:{token_name}")),
        },
        &prepared,
    )
    .await?;
    let (status, slug, exchanges) = match outcome {
        Imported::New {
            slug, exchanges, ..
        } => {
            state.metrics.imported.inc();
            (StatusCode::CREATED, slug, exchanges as i64)
        }
        Imported::Existing { slug } => (StatusCode::OK, slug, 0),
    };
    let url = format!("/transcripts/{slug}");
    let doc = &prepared.doc;
    let labelled = doc.turns.iter().any(|t| t.label.is_some());
    let mut response = (
        status,
        Json(Created {
            slug,
            url: url.clone(),
            exchanges,
            turns: Some(doc.turns.len()),
            labelled: Some(labelled),
            existing: None,
        }),
    )
        .into_response();
    if let Ok(v) = header::HeaderValue::from_str(&url) {
        response.headers_mut().insert(header::LOCATION, v);
    }
    Ok(response)
}
