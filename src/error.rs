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
    /// 400: the request itself is malformed (a bad query parameter, an empty upload).
    #[error("{0}")]
    BadRequest(String),
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
    /// 415: an upload in a format Stenogram does not read.
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// 422: the upload was read but cannot be a transcript.
    #[error("{0}")]
    Unprocessable(String),
    /// 429: too many failed sign-ins.
    #[error("Too many failed attempts; wait {0} seconds and try again.")]
    TooManyRequests(i64),
    /// 500: the database failed; the cause is logged, not shown.
    #[error("database error")]
    Db(#[from] sqlx::Error),
    /// 500: a template failed to render; the cause is logged, not shown.
    #[error("template error")]
    Template(#[from] askama::Error),
    /// 500: anything else that should not happen.
    #[error("internal error")]
    Internal(String),
}

/// Handlers return this.
pub type Result<T, E = AppError> = std::result::Result<T, E>;

impl From<crate::store::StoreError> for AppError {
    fn from(e: crate::store::StoreError) -> Self {
        match e {
            crate::store::StoreError::Parse(p) => {
                AppError::Unprocessable(format!("The file could not be read as a transcript: {p}."))
            }
            crate::store::StoreError::Db(d) => AppError::Db(d),
        }
    }
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound | AppError::NotFoundWithLink { .. } => StatusCode::NOT_FOUND,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Unauthorized => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            AppError::Db(_) | AppError::Template(_) | AppError::Internal(_) => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
        }
    }

    /// What the user reads: never an internal cause.
    pub fn public_message(&self) -> String {
        match self {
            AppError::Db(_) | AppError::Template(_) | AppError::Internal(_) => {
                "Something went wrong on our side. The problem has been logged; try again in a moment.".into()
            }
            other => other.to_string(),
        }
    }

    fn log(&self) {
        match self {
            AppError::Db(e) => tracing::error!(error = %e, "database error"),
            AppError::Template(e) => tracing::error!(error = %e, "template error"),
            AppError::Internal(e) => tracing::error!(error = %e, "internal error"),
            _ => {}
        }
    }

    fn heading(&self) -> &'static str {
        match self.status() {
            StatusCode::NOT_FOUND => "Page not found",
            StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => "Not allowed",
            StatusCode::PAYLOAD_TOO_LARGE => "Upload too large",
            StatusCode::TOO_MANY_REQUESTS => "Too many attempts",
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
        if let AppError::TooManyRequests(secs) = self
            && let Ok(v) = HeaderValue::from_str(&secs.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, v);
        }
        response
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
        let body = serde_json::json!({ "error": { "status": status.as_u16(), "message": self.0.public_message() } });
        let mut response = (status, axum::Json(body)).into_response();
        if status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}
