//! Editors signing in and out: a session cookie (HttpOnly, SameSite=Lax, Secure over HTTPS)
//! backed by the database, a CSRF token on every form, and slower answers after failed sign-ins.

use super::{AppState, Form, Query};
use crate::error::{AppError, Result};
use crate::store::editors::{self, Session};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{ConnectInfo, FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use serde::Deserialize;
use std::net::SocketAddr;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "stenogram_session";
/// The cookie that carries the sign-in form's CSRF token before there is a session.
const LOGIN_CSRF_COOKIE: &str = "stenogram_login_csrf";

/// A signed-in editor. Anyone else is sent to the sign-in page.
#[derive(Debug, Clone)]
pub struct Editor(pub Session);

impl Editor {
    /// Refuses a form whose CSRF token is not this session's.
    pub fn check_csrf(&self, token: &str) -> Result<()> {
        if constant_time_eq(token.as_bytes(), self.0.csrf.as_bytes()) {
            Ok(())
        } else {
            Err(AppError::Forbidden("This form has expired or did not come from this site. Reload the page and try again.".into()))
        }
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

impl FromRequestParts<AppState> for Editor {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> std::result::Result<Self, Self::Rejection> {
        let jar = CookieJar::from_headers(&parts.headers);
        if let Some(token) = jar.get(SESSION_COOKIE).map(|c| c.value().to_string()) {
            match editors::session(&state.pool, &token).await {
                Ok(Some(session)) => return Ok(Editor(session)),
                Ok(None) => {}
                Err(e) => return Err(AppError::from(e).into_response()),
            }
        }
        let next = parts
            .uri
            .path_and_query()
            .map(|p| p.as_str())
            .unwrap_or("/");
        Err(Redirect::to(&format!("/login?next={}", super::encode(next))).into_response())
    }
}

/// The address a request came from, for throttling sign-ins.
fn client_address(connect: Option<&ConnectInfo<SocketAddr>>) -> String {
    connect
        .map(|c| c.0.ip().to_string())
        .unwrap_or_else(|| "unknown".into())
}

/// Only paths of this site are followed after sign-in, never another site. Browsers drop tabs
/// and line breaks from an address and read `\\` as `/`, so `/\t/host` would lead to `//host`:
/// such characters make the path unsafe wherever they are.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.contains('\\')
                && !n.chars().any(|c| c.is_control() || c.is_whitespace())
                && n.len() <= 2000 =>
        {
            n.to_string()
        }
        _ => "/upload".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_paths_of_this_site_are_followed_after_sign_in() {
        assert_eq!(safe_next(Some("/drafts/3?x=1")), "/drafts/3?x=1");
        for bad in [
            "//evil.test",
            "/\\evil.test",
            "/\t/evil.test",
            "/\n/evil.test",
            "/ok\r\nSet-Cookie: x",
            "https://evil.test",
            "evil.test",
            "/a\\b",
        ] {
            assert_eq!(safe_next(Some(bad)), "/upload", "{bad:?}");
        }
        assert_eq!(safe_next(None), "/upload");
    }
}

fn secure(headers: &HeaderMap) -> bool {
    headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        == Some("https")
}

#[derive(Template, WebTemplate)]
#[template(path = "editor/login.html")]
pub struct LoginPage {
    pub next: String,
    pub csrf: String,
    pub error: Option<String>,
    pub name: String,
}

#[derive(Deserialize)]
pub struct NextParam {
    next: Option<String>,
}

pub async fn login_form(
    headers: HeaderMap,
    jar: CookieJar,
    Query(q): Query<NextParam>,
) -> Response {
    let csrf = editors::random_token();
    let cookie = Cookie::build((LOGIN_CSRF_COOKIE, csrf.clone()))
        .http_only(true)
        .same_site(SameSite::Strict)
        .path("/login")
        .secure(secure(&headers));
    let page = LoginPage {
        next: safe_next(q.next.as_deref()),
        csrf,
        error: None,
        name: String::new(),
    };
    (jar.add(cookie), [(header::CACHE_CONTROL, "no-store")], page).into_response()
}

#[derive(Deserialize)]
pub struct LoginForm {
    name: String,
    password: String,
    csrf: String,
    next: Option<String>,
}

pub async fn login(
    State(state): State<AppState>,
    headers: HeaderMap,
    jar: CookieJar,
    connect: Option<axum::Extension<ConnectInfo<SocketAddr>>>,
    Form(form): Form<LoginForm>,
) -> Result<Response> {
    let expected = jar
        .get(LOGIN_CSRF_COOKIE)
        .map(|c| c.value().to_string())
        .unwrap_or_default();
    if expected.is_empty() || !constant_time_eq(expected.as_bytes(), form.csrf.as_bytes()) {
        return Err(AppError::Forbidden(
            "The sign-in form has expired. Open the sign-in page again.".into(),
        ));
    }
    let account_key = format!("account:{}", form.name.trim().to_lowercase());
    let address_key = format!("address:{}", client_address(connect.as_ref().map(|c| &c.0)));
    let wait = editors::login_delay(&state.pool, &account_key, editors::ACCOUNT_THROTTLE)
        .await?
        .max(editors::login_delay(&state.pool, &address_key, editors::ADDRESS_THROTTLE).await?);
    if wait > 0 {
        return Err(AppError::TooManyRequests(wait));
    }
    let next = safe_next(form.next.as_deref());
    match editors::check_password(&state.pool, form.name.trim(), &form.password).await? {
        Some(editor_id) => {
            editors::clear_login_failures(&state.pool, &account_key).await?;
            editors::clear_login_failures(&state.pool, &address_key).await?;
            let token = editors::create_session(&state.pool, editor_id).await?;
            let cookie = Cookie::build((SESSION_COOKIE, token))
                .http_only(true)
                .same_site(SameSite::Lax)
                .path("/")
                .secure(secure(&headers))
                .max_age(time::Duration::seconds(editors::SESSION_SECONDS));
            Ok((
                jar.add(cookie)
                    .remove(Cookie::build(LOGIN_CSRF_COOKIE).path("/login")),
                Redirect::to(&next),
            )
                .into_response())
        }
        None => {
            // Only accounts that exist are counted: failures on made-up names would fill the
            // table, and say nothing about an account.
            if editors::editor_exists(&state.pool, form.name.trim()).await? {
                editors::record_login_failure(&state.pool, &account_key).await?;
            }
            editors::record_login_failure(&state.pool, &address_key).await?;
            let page = LoginPage {
                next,
                csrf: expected,
                error: Some("That name and password do not match an editor.".into()),
                name: form.name,
            };
            Ok((
                axum::http::StatusCode::UNAUTHORIZED,
                [(header::CACHE_CONTROL, "no-store")],
                page,
            )
                .into_response())
        }
    }
}

#[derive(Deserialize)]
pub struct CsrfForm {
    csrf: String,
}

pub async fn logout(
    State(state): State<AppState>,
    editor: Editor,
    jar: CookieJar,
    Form(form): Form<CsrfForm>,
) -> Result<Response> {
    editor.check_csrf(&form.csrf)?;
    if let Some(token) = jar.get(SESSION_COOKIE).map(|c| c.value().to_string()) {
        editors::end_session(&state.pool, &token).await?;
    }
    Ok((
        jar.remove(Cookie::build(SESSION_COOKIE).path("/")),
        Redirect::to("/"),
    )
        .into_response())
}
