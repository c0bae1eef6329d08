//! `/metrics` in the Prometheus (OpenMetrics) text format: requests by route, method and
//! status, their latency, the database's size and what the archive holds, and the transcripts
//! this server has taken in.

use super::AppState;
use axum::extract::{MatchedPath, Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use std::sync::atomic::AtomicU64;
use std::time::Instant;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    route: String,
    method: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct KindLabels {
    kind: String,
}

/// The server's metrics, registered once.
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RouteLabels, Histogram>,
    database_bytes: Gauge<i64, std::sync::atomic::AtomicI64>,
    page_cache_bytes: Gauge<i64, std::sync::atomic::AtomicI64>,
    archive: Family<KindLabels, Gauge<i64, std::sync::atomic::AtomicI64>>,
    /// Transcripts stored through this server (form or API) since it started.
    pub imported: Counter<u64, AtomicU64>,
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("stenogram");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP requests answered, by route, method and status",
            requests.clone(),
        );
        let latency = Family::<RouteLabels, Histogram>::new_with_constructor(|| {
            // 0.5 ms to about 16 s.
            Histogram::new(exponential_buckets(0.0005, 2.0, 16))
        });
        registry.register(
            "http_request_duration_seconds",
            "Time to answer a request, by route",
            latency.clone(),
        );
        let database_bytes = Gauge::default();
        registry.register(
            "database_bytes",
            "Size of the database file and its write-ahead log",
            database_bytes.clone(),
        );
        let page_cache_bytes = Gauge::default();
        registry.register(
            "page_cache_bytes",
            "Bytes of the pages the page cache keeps (at most 64 MiB)",
            page_cache_bytes.clone(),
        );
        let archive = Family::default();
        registry.register(
            "archive_items",
            "What the archive holds: transcripts, exchanges, turns, speakers, topics",
            archive.clone(),
        );
        let imported = Counter::default();
        registry.register(
            "transcripts_imported",
            "Transcripts stored through this server since it started",
            imported.clone(),
        );
        Metrics {
            registry,
            requests,
            latency,
            database_bytes,
            page_cache_bytes,
            archive,
            imported,
        }
    }
}

/// Counts and times every request under the route it matched (`/transcripts/{slug}`, not the
/// address itself, so that the number of series stays small).
pub async fn layer(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "unmatched".to_string());
    let method = request.method().as_str().to_string();
    let started = Instant::now();
    let response = next.run(request).await;
    let metrics = &state.metrics;
    metrics
        .requests
        .get_or_create(&RequestLabels {
            route: route.clone(),
            method,
            status: response.status().as_u16(),
        })
        .inc();
    metrics
        .latency
        .get_or_create(&RouteLabels { route })
        .observe(started.elapsed().as_secs_f64());
    response
}

/// `GET /metrics`.
pub async fn show(State(state): State<AppState>) -> Response {
    let metrics = &state.metrics;
    let mut wal = state.db_path.clone().into_os_string();
    wal.push("-wal");
    let size: u64 = [state.db_path.clone(), std::path::PathBuf::from(wal)]
        .iter()
        .filter_map(|p| std::fs::metadata(p).ok())
        .map(|m| m.len())
        .sum();
    metrics.database_bytes.set(size as i64);
    metrics.page_cache_bytes.set(state.cache.bytes() as i64);
    if let Ok(sizes) = crate::store::read::sizes(&state.pool).await {
        for (kind, n) in sizes {
            metrics
                .archive
                .get_or_create(&KindLabels { kind: kind.into() })
                .set(n);
        }
    }
    let mut body = String::new();
    if prometheus_client::encoding::text::encode(&mut body, &metrics.registry).is_err() {
        return crate::error::AppError::Internal("metrics could not be written".into())
            .into_response();
    }
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        body,
    )
        .into_response()
}
