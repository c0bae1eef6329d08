//! One error type for every handler. It renders the error page (or JSON for the API), says what
//! went wrong and what to do, and logs the internal cause once; it never shows SQL or a trace.

use askama::Template;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// Everything a request can fail with.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// 404: no page at this address.
    #[error("There is nothing at this address.")]
    NotFound,
    /// 404 with a way back: the thing asked for is missing, but its parent exists.
    #[error("{message}")]
    NotFoundWithLink {
        message: String,
        href: String,
        link_text: String,
    },
    /// 410 with a way on: the thing was here and editors took it away on purpose (a hidden
    /// topic); the message says so.
    #[error("{message}")]
    Gone {
        message: String,
        href: String,
        link_text: String,
    },
    /// 400: the request itself is malformed (a bad query parameter, an empty upload).
    #[error("{0}")]
    BadRequest(String),
    /// 409: the change cannot be made in the archive's present state; the message says why
    /// and what to do instead.
    #[error("{0}")]
    Conflict(String),
    /// 401: an API request without a valid token.
    #[error(
        "Send a valid API token as `Authorization: Bearer TOKEN`; create one with `stenogram token create`."
    )]
    Unauthorized,
    /// 403: a form without its CSRF token, or an action the editor may not take.
    #[error("{0}")]
    Forbidden(String),
    /// 413: an upload over the configured limit.
    #[error(
        "The upload is larger than the limit of {0} bytes; split the transcript or raise --max-upload."
    )]
    PayloadTooLarge(usize),
    /// 413: a form larger than the server reads (the limit is the upload limit and a margin).
    #[error(
        "The form is larger than the limit of {0} bytes the server reads; send less text, or upload the transcript as a file."
    )]
    FormTooLarge(usize),
    /// 415: an upload in a format Stenogram does not read.
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// 422: the upload was read but cannot be a transcript.
    #[error("{0}")]
    Unprocessable(String),
    /// 429: too many failed sign-ins.
    #[error("Too many failed attempts; wait {0} seconds and try again.")]
    TooManyRequests(i64),
    /// 503: the request took longer than `--request-timeout`; its statements were interrupted.
    #[error(
        "This page took longer than the server allows and was stopped. Try again in a moment; if it keeps happening, narrow the search or open an earlier page."
    )]
    TimedOut,
    /// 503: the database file is damaged; nothing is written until it is restored.
    #[error(
        "The archive's database file is damaged, so it takes no changes until it is restored from a backup; reading may still work."
    )]
    Damaged,
    /// 503: too many expensive requests are being answered; this one was not started.
    #[error("The server is busy answering other searches; try again in a few seconds.")]
    Busy,
    /// 500: the database failed; the cause is logged, not shown.
    #[error("database error")]
    Db(sqlx::Error),
    /// 500: a template failed to render; the cause is logged, not shown.
    #[error("template error")]
    Template(#[from] askama::Error),
    /// 500: anything else that should not happen.
    #[error("internal error")]
    Internal(String),
}

impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        if crate::store::is_interrupted(&e) {
            // The request's deadline passed while a statement ran: the timeout's own answer.
            return AppError::TimedOut;
        }
        AppError::Db(e)
    }
}

/// Seconds a client is asked to wait before retrying a 503.
const RETRY_AFTER_SECS: &str = "5";

/// Handlers return this.
pub type Result<T, E = AppError> = std::result::Result<T, E>;

impl From<crate::store::StoreError> for AppError {
    fn from(e: crate::store::StoreError) -> Self {
        match e {
            crate::store::StoreError::Parse(p) => {
                AppError::Unprocessable(format!("The file could not be read as a transcript: {p}."))
            }
            crate::store::StoreError::Db(d) => AppError::from(d),
        }
    }
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound | AppError::NotFoundWithLink { .. } => StatusCode::NOT_FOUND,
            AppError::Gone { .. } => StatusCode::GONE,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::Unauthorized => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::PayloadTooLarge(_) | AppError::FormTooLarge(_) => {
                StatusCode::PAYLOAD_TOO_LARGE
            }
            AppError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            AppError::TimedOut | AppError::Busy | AppError::Damaged => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            AppError::Db(e) if crate::store::is_fault(e) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Db(_) | AppError::Template(_) | AppError::Internal(_) => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
        }
    }

    /// What the user reads: never an internal cause.
    pub fn public_message(&self) -> String {
        match self {
            AppError::Db(e) if crate::store::is_fault(e) => {
                "The archive cannot be read or written right now: its disk is full, or its database file is read-only, locked or damaged. The administrator will find the cause in the log; try again later.".into()
            }
            AppError::Db(_) | AppError::Template(_) | AppError::Internal(_) => {
                "Something went wrong on our side. The problem has been logged; try again in a moment.".into()
            }
            other => other.to_string(),
        }
    }

    fn log(&self) {
        match self {
            AppError::Db(e) => tracing::error!(error = %e, "{}", crate::store::explain(e)),
            AppError::Template(e) => tracing::error!(error = %e, "template error"),
            AppError::Internal(e) => tracing::error!(error = %e, "internal error"),
            AppError::TimedOut => {
                tracing::warn!("request timed out; its statements were interrupted")
            }
            _ => {}
        }
    }

    fn heading(&self) -> &'static str {
        match self.status() {
            StatusCode::NOT_FOUND => "Page not found",
            StatusCode::GONE => "No longer shown",
            StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => "Not allowed",
            StatusCode::PAYLOAD_TOO_LARGE => "Upload too large",
            StatusCode::TOO_MANY_REQUESTS => "Too many attempts",
            StatusCode::SERVICE_UNAVAILABLE => "Try again in a moment",
            s if s.is_server_error() => "Something went wrong",
            _ => "That did not work",
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    status: u16,
    heading: &'static str,
    message: String,
    link: Option<(String, String)>,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        self.log();
        let link = match &self {
            AppError::NotFoundWithLink {
                href, link_text, ..
            }
            | AppError::Gone {
                href, link_text, ..
            } => Some((href.clone(), link_text.clone())),
            _ => None,
        };
        let page = ErrorPage {
            status: self.status().as_u16(),
            heading: self.heading(),
            message: self.public_message(),
            link,
        };
        let body = page.render().unwrap_or_else(|_| {
            format!(
                "<!doctype html><title>Error</title><p>{}</p>",
                self.status()
            )
        });
        let mut response = (
            self.status(),
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            )],
            body,
        )
            .into_response();
        self.retry_after(&mut response);
        response
    }
}

impl AppError {
    /// `Retry-After` on the answers that ask the client to come back.
    fn retry_after(&self, response: &mut Response) {
        let secs = match self {
            AppError::TooManyRequests(secs) => secs.to_string(),
            AppError::TimedOut | AppError::Busy => RETRY_AFTER_SECS.to_string(),
            _ => return,
        };
        if let Ok(v) = HeaderValue::from_str(&secs) {
            response.headers_mut().insert(header::RETRY_AFTER, v);
        }
    }
}

/// The same errors, answered as JSON `{"error": {"status", "message"}}` for `/api/` addresses.
#[derive(Debug)]
pub struct ApiError(pub AppError);

impl<E: Into<AppError>> From<E> for ApiError {
    fn from(e: E) -> Self {
        ApiError(e.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        self.0.log();
        let status = self.0.status();
        let body = crate::http::api::ErrorBody {
            error: crate::http::api::ErrorDetail {
                status: status.as_u16(),
                message: self.0.public_message(),
            },
        };
        let mut response = (status, axum::Json(body)).into_response();
        self.0.retry_after(&mut response);
        if status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}
