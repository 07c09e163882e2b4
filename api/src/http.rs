//! The HTTP router: `POST /graphql`, GraphiQL on `GET /graphql`, `/healthz`, `/metrics`.

use async_graphql::BatchRequest;
use async_graphql::http::GraphiQLSource;
use async_graphql_axum::{GraphQLBatchRequest, GraphQLResponse, GraphQLSubscription};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;
use tower_http::trace::TraceLayer;

use crate::context::with_loaders;
use crate::db::Databases;
use crate::schema::{self, Limits, MosaicSchema};

#[derive(Clone)]
struct AppState {
    schema: MosaicSchema,
    databases: Databases,
}

/// Builds the application router over `databases` with default limits.
pub fn router(databases: Databases) -> Router {
    router_with(databases, Limits::default())
}

/// Builds the application router over `databases` with `limits`.
pub fn router_with(databases: Databases, limits: Limits) -> Router {
    let schema = schema::build(Some(databases.clone()), limits);
    Router::new()
        .route("/graphql", get(graphiql).post(graphql))
        .route_service("/graphql/ws", GraphQLSubscription::new(schema.clone()))
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
        .with_state(AppState { schema, databases })
        .layer(TraceLayer::new_for_http())
}

/// Executes a request (or a batch) with fresh per-request loaders.
async fn graphql(State(state): State<AppState>, req: GraphQLBatchRequest) -> GraphQLResponse {
    let batch = match req.into_inner() {
        BatchRequest::Single(r) => BatchRequest::Single(with_loaders(r, &state.databases)),
        BatchRequest::Batch(rs) => BatchRequest::Batch(
            rs.into_iter()
                .map(|r| with_loaders(r, &state.databases))
                .collect(),
        ),
    };
    let response = match state.schema.execute_batch(batch).await {
        async_graphql::BatchResponse::Single(r) => {
            async_graphql::BatchResponse::Single(with_codes(r))
        }
        async_graphql::BatchResponse::Batch(rs) => {
            async_graphql::BatchResponse::Batch(rs.into_iter().map(with_codes).collect())
        }
    };
    response.into()
}

/// Gives every error a stable `extensions.code`. Errors raised before execution (parse
/// and validation, limits) carry none from async-graphql: they become
/// `GRAPHQL_VALIDATION_FAILED`. A resolver error without a code is not one of ours: its
/// message is masked as `INTERNAL`.
fn with_codes(mut response: async_graphql::Response) -> async_graphql::Response {
    for err in &mut response.errors {
        let has_code = err
            .extensions
            .as_ref()
            .is_some_and(|e| e.get("code").is_some());
        if has_code {
            continue;
        }
        let ext = err.extensions.get_or_insert_with(Default::default);
        if err.path.is_empty() {
            ext.set("code", "GRAPHQL_VALIDATION_FAILED");
        } else {
            let masked = crate::error::ApiError::internal(&err.message);
            ext.set("code", "INTERNAL");
            err.message = masked.to_string();
        }
    }
    response
}

async fn graphiql() -> impl IntoResponse {
    Html(
        GraphiQLSource::build()
            .endpoint("/graphql")
            .subscription_endpoint("/graphql/ws")
            .title("Mosaic GraphiQL")
            .finish(),
    )
}

/// Prometheus text exposition of the SQL statement counters.
async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    use std::fmt::Write;
    let m = state.databases.metrics();
    let mut out = String::from(
        "# HELP mosaic_sql_statements_total SQL statements executed, per domain.\n\
         # TYPE mosaic_sql_statements_total counter\n",
    );
    for d in entity::Domain::ALL {
        let _ = writeln!(
            out,
            "mosaic_sql_statements_total{{domain=\"{d}\"}} {}",
            m.statements(d)
        );
    }
    out.push_str(
        "# HELP mosaic_sql_statement_errors_total SQL statements that failed, per domain.\n\
         # TYPE mosaic_sql_statement_errors_total counter\n",
    );
    for d in entity::Domain::ALL {
        let _ = writeln!(
            out,
            "mosaic_sql_statement_errors_total{{domain=\"{d}\"}} {}",
            m.failed(d)
        );
    }
    (
        [(
            axum::http::header::CONTENT_TYPE,
            "text/plain; version=0.0.4",
        )],
        out,
    )
}

/// `200 {"status":"ok"}` when every domain's storage answers, `503` naming the ones that
/// do not otherwise.
async fn healthz(State(state): State<AppState>) -> impl IntoResponse {
    let down = state.databases.unhealthy().await;
    if down.is_empty() {
        (StatusCode::OK, Json(json!({ "status": "ok" })))
    } else {
        let names: Vec<&str> = down.iter().map(|d| d.name()).collect();
        (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({ "status": "unavailable", "domains": names })),
        )
    }
}
