//! The HTTP server loop: a cap on open connections, a time limit for a request's headers, and a
//! shutdown that lets requests in flight finish for a bounded time.
//!
//! `axum::serve` has neither a header timeout nor a cap, so a few thousand clients that never
//! finish their headers hold the server's file descriptors until nothing else can connect.

use axum::Router;
use axum::extract::ConnectInfo;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::ServiceExt;

/// What the server allows its clients.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// The most connections open at once; more are closed as they arrive.
    pub max_connections: usize,
    /// How long a client has to send a request's headers, and how long a kept-alive
    /// connection may wait for its next request.
    pub header_timeout: Duration,
    /// How long requests in flight may go on after a shutdown signal.
    pub shutdown_grace: Duration,
}

impl Limits {
    /// The limits `serve` runs with: `max_connections` as given, or what the process may open.
    pub fn new(max_connections: usize) -> Self {
        Limits {
            max_connections: connection_cap(max_connections),
            header_timeout: Duration::from_secs(10),
            shutdown_grace: Duration::from_secs(10),
        }
    }
}

/// Descriptors kept back for the database, its journal and the log beside the connections.
const RESERVED_DESCRIPTORS: u64 = 64;

/// How many connections can be open at once: `wanted`, or fewer where the process may not open
/// that many files (the soft limit is raised toward the hard one first).
fn connection_cap(wanted: usize) -> usize {
    let limit = rlimit::increase_nofile_limit(wanted as u64 + RESERVED_DESCRIPTORS).unwrap_or(1024);
    let cap = (limit.saturating_sub(RESERVED_DESCRIPTORS) as usize).clamp(1, wanted.max(1));
    if cap < wanted {
        tracing::warn!(
            "the process may open {limit} files; serving at most {cap} connections instead of {wanted}"
        );
    }
    cap
}

/// Serves `app` on `listener` until `shutdown` completes, then lets requests in flight finish
/// for up to `limits.shutdown_grace`.
pub async fn run(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()>,
) {
    let open = Arc::new(Semaphore::new(limits.max_connections));
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (tcp, addr) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(e) => {
                    // Out of descriptors, or a connection reset before it was taken: wait a
                    // moment rather than spin on the error.
                    tracing::warn!(error = %e, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let Ok(permit) = open.clone().try_acquire_owned() else {
            // Over the cap: closing at once keeps the descriptors for the connections served.
            drop(tcp);
            continue;
        };
        // Without NODELAY each small response waits on the peer's delayed ACK.
        let _ = tcp.set_nodelay(true);
        let app = app.clone();
        let service = hyper::service::service_fn(move |request: hyper::Request<_>| {
            let mut request = request.map(axum::body::Body::new);
            request.extensions_mut().insert(ConnectInfo(addr));
            app.clone().oneshot(request)
        });
        let connection = http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(limits.header_timeout)
            .serve_connection(TokioIo::new(tcp), service);
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(error = %e, "connection ended with an error");
            }
            drop(permit);
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(limits.shutdown_grace) => {
            tracing::warn!("requests still in flight after {:?}; stopping without them", limits.shutdown_grace);
        }
    }
}
