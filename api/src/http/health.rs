//! The operator's endpoints: `/healthz` (the process answers), `/readyz` (every domain
//! answers and is migrated) and Prometheus `/metrics`.

use std::time::Duration;

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use serde_json::json;

use super::AppState;

/// `GET /metrics`: the Prometheus text exposition ([`crate::metrics`]).
pub(super) async fn metrics_text(State(state): State<AppState>) -> impl IntoResponse {
    let open_websockets = state
        .options
        .ws_max_connections
        .clamp(1, tokio::sync::Semaphore::MAX_PERMITS)
        .saturating_sub(state.ws_slots.available_permits());
    let text = crate::metrics::render(
        &state.metrics,
        &state.databases,
        crate::metrics::Gauges { open_websockets },
    );
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], text)
}

/// How long `/healthz` waits for the domains' storage (all pinged at once).
const HEALTH_BUDGET: Duration = Duration::from_secs(1);

/// `200 {"status":"ok","domains":{"atrarium":"ok",...}}` when every domain's storage
/// answers within [`HEALTH_BUDGET`]; otherwise `503 {"status":"unavailable","domains":
/// {...,"pds":"unavailable: timeout"}}`, each domain saying whether it is up.
pub(super) async fn healthz(State(state): State<AppState>) -> impl IntoResponse {
    let health = state.databases.health(HEALTH_BUDGET).await;
    let all_up = health.iter().all(|(_, answer)| answer.is_ok());
    let domains: serde_json::Map<String, serde_json::Value> = health
        .into_iter()
        .map(|(domain, answer)| {
            let state = match answer {
                Ok(()) => "ok".to_owned(),
                Err(why) => format!("unavailable: {why}"),
            };
            (domain.name().to_owned(), state.into())
        })
        .collect();
    if all_up {
        (
            StatusCode::OK,
            Json(json!({ "status": "ok", "domains": domains })),
        )
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({ "status": "unavailable", "domains": domains })),
        )
    }
}

/// `200 {"status":"ready","domains":{"atrarium":"ready",...}}` when every domain's storage
/// answers within [`HEALTH_BUDGET`] and has every migration applied; otherwise `503
/// {"status":"unready","domains":{...,"pds":"unavailable: connection refused"}}`, each
/// domain saying why. For a load balancer: send traffic only while ready (it follows the
/// database, with no restart).
pub(super) async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    let readiness = state.databases.readiness(HEALTH_BUDGET).await;
    let ready = readiness.iter().all(|(_, answer)| answer.is_ok());
    let domains: serde_json::Map<String, serde_json::Value> = readiness
        .into_iter()
        .map(|(domain, answer)| {
            let state = answer.map_or_else(|why| why, |()| "ready".to_owned());
            (domain.name().to_owned(), state.into())
        })
        .collect();
    let (status, word) = if ready {
        (StatusCode::OK, "ready")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "unready")
    };
    (status, Json(json!({ "status": word, "domains": domains })))
}
