//! The HTTP router: `POST /graphql`, GraphiQL on `GET /graphql`, and `/healthz`.

use async_graphql::http::GraphiQLSource;
use async_graphql_axum::GraphQL;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;
use tower_http::trace::TraceLayer;

use crate::db::Databases;
use crate::schema;

/// Builds the application router over `databases`.
pub fn router(databases: Databases) -> Router {
    let schema = schema::build(Some(databases.clone()));
    Router::new()
        .route(
            "/graphql",
            get(graphiql).post_service(GraphQL::new(schema)),
        )
        .route("/healthz", get(healthz))
        .with_state(databases)
        .layer(TraceLayer::new_for_http())
}

async fn graphiql() -> impl IntoResponse {
    Html(GraphiQLSource::build().endpoint("/graphql").finish())
}

/// `200 {"status":"ok"}` when every domain's storage answers, `503` naming the ones that
/// do not otherwise.
async fn healthz(State(databases): State<Databases>) -> impl IntoResponse {
    let down = databases.unhealthy().await;
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
