//! Stenogram: a self-hosted web archive of diplomatic transcripts.
//!
//! Bytes are decoded and read into a [`parse::Document`] (pure, in [`parse`]), stored in one
//! transaction with their speakers, exchanges, topics and search index ([`store`]), and served as
//! HTML and JSON ([`http`]). [`app`] builds the router; [`serve`] runs it.

// SQL is written in these three modules only (clippy.toml's disallowed-methods).
#[allow(clippy::disallowed_methods)]
pub mod commands;
pub mod config;
pub mod error;
pub mod http;
pub mod parse;
#[allow(clippy::disallowed_methods)]
pub mod search;
#[allow(clippy::disallowed_methods)]
pub mod store;
pub mod topics;

pub use http::{AppState, app};
pub use store::MIGRATOR;

/// Logs to standard error; `RUST_LOG` sets the level (default `info`), and
/// `STENOGRAM_LOG_FORMAT=json` writes one JSON object a line, for log collectors.
pub fn init_tracing() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=info"));
    let json = std::env::var("STENOGRAM_LOG_FORMAT").is_ok_and(|f| f.eq_ignore_ascii_case("json"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = if json {
        builder.json().flatten_event(true).try_init()
    } else {
        builder.try_init()
    };
}

/// Opens the database and serves until Ctrl-C or SIGTERM; requests in flight then have a bounded
/// time to finish.
pub async fn serve(args: config::ServeArgs) -> anyhow::Result<()> {
    let pool = if args.read_only {
        store::maintain::open_read_only(&args.db.db).await?
    } else {
        store::open(&args.db.db).await?
    };
    if !args.read_only
        && let Some(password) = store::editors::ensure_first_editor(&pool).await?
    {
        tracing::warn!(
            "created the editor account `admin` with password {password} (shown once; change it with `stenogram user passwd admin`)"
        );
    }
    let state = AppState::new(
        pool.clone(),
        args.db.db.clone(),
        args.max_upload,
        std::time::Duration::from_secs(args.request_timeout),
    )
    .with_base_url(args.base_url.clone())
    .read_only(args.read_only);
    state.check_database();
    state.keep_search_index();
    let listener = tokio::net::TcpListener::bind(args.addr).await?;
    let limits = http::listen::Limits::new(args.max_connections);
    tracing::info!(
        "listening on http://{} with database {}{}",
        args.addr,
        args.db.db.display(),
        if args.read_only { " (read-only)" } else { "" }
    );
    http::listen::run(listener, app(state), limits, shutdown_signal()).await;
    // The background check of the database file may still be reading it: it is not waited for.
    if tokio::time::timeout(std::time::Duration::from_secs(5), pool.close())
        .await
        .is_err()
    {
        tracing::warn!("a database connection was still busy at shutdown; stopping without it");
    }
    tracing::info!("stopped");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
