//! The operations endpoints: `POST /graphql`, `GET /graphql` (queries for clients,
//! GraphiQL for browsers, and its assets) and the WebSocket upgrade at `/graphql/ws`.

use async_graphql::{BatchRequest, Request, Response};
use axum::body::Body;
use axum::extract::State;
use axum::extract::ws::{WebSocketUpgrade, rejection::WebSocketUpgradeRejection};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};

use super::AppState;
use super::wire::{self, MediaType};
use crate::auth::Viewer;
use crate::pipeline::{Transport, refuse};
use crate::ws::{self};

/// Headers a browser cannot send cross-site without a CORS preflight.
fn csrf_safe(headers: &HeaderMap) -> bool {
    [
        "x-apollo-operation-name",
        "apollo-require-preflight",
        "x-mosaic-csrf",
    ]
    .iter()
    .any(|h| headers.get(*h).is_some_and(|v| !v.is_empty()))
}

/// `POST /graphql`: a JSON request or batch.
pub(super) async fn graphql_post(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> axum::response::Response {
    if !wire::is_json(&headers) && !csrf_safe(&headers) {
        return refuse(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "BAD_REQUEST",
            "POST /graphql takes `Content-Type: application/json` \
             (other types need an `Apollo-Require-Preflight` or `X-Mosaic-CSRF` header)",
        );
    }
    let viewer = match super::auth::viewer_of(&state, &headers).await {
        Ok(v) => v,
        Err(res) => return res,
    };
    let bytes = match axum::body::to_bytes(body, state.options.body_limit).await {
        Ok(b) => b,
        Err(_) => {
            return refuse(
                StatusCode::PAYLOAD_TOO_LARGE,
                "PAYLOAD_TOO_LARGE",
                &format!(
                    "the request body is larger than {} bytes (or could not be read)",
                    state.options.body_limit
                ),
            );
        }
    };
    let batch = match wire::parse_batch(&bytes, state.options.max_batch) {
        Ok(b) => b,
        Err(message) => return refuse(StatusCode::BAD_REQUEST, "BAD_REQUEST", &message),
    };
    let media = MediaType::of(&headers);
    match batch {
        BatchRequest::Single(r) => {
            wire::respond_single(media, run(&state, r, &viewer, Transport::Post).await)
        }
        BatchRequest::Batch(rs) => {
            let mut out = Vec::with_capacity(rs.len());
            for r in rs {
                out.push(run(&state, r, &viewer, Transport::Post).await);
            }
            wire::respond_batch(media, out)
        }
    }
}

/// Runs one operation through the shared pipeline, its document first resolved from the
/// persisted queries.
async fn run(
    state: &AppState,
    mut request: Request,
    viewer: &Viewer,
    transport: Transport,
) -> Response {
    if let Err(refusal) = state.pipeline.resolve(&mut request) {
        return refusal;
    }
    state
        .pipeline
        .run(&state.schema, request, viewer, transport)
        .await
}

/// `GET /graphql`: GraphiQL for a browser (`Accept: text/html`) without a query;
/// otherwise a query (never a mutation) from the URL's `query` (or a persisted query's
/// hash in `extensions`), `variables`, `operationName`. A response with errors is never
/// cached.
pub(super) async fn graphql_get(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: axum::http::Uri,
) -> axum::response::Response {
    let request = match wire::parse_get(uri.query().unwrap_or_default()) {
        Ok(r) => r,
        Err(e) => {
            return refuse(
                StatusCode::BAD_REQUEST,
                "BAD_REQUEST",
                &format!("invalid GraphQL GET request: {e}"),
            );
        }
    };
    if request.query.is_empty() && request.extensions.is_empty() && wire::wants_html(&headers) {
        return crate::graphiql::page(state.graphiql.as_deref());
    }
    let viewer = match super::auth::viewer_of(&state, &headers).await {
        Ok(v) => v,
        Err(res) => return res,
    };
    let response = run(&state, request, &viewer, Transport::Get).await;
    let failed = !response.errors.is_empty();
    let mut res = wire::respond_single(MediaType::of(&headers), response);
    if failed {
        res.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}

/// `/graphql/ws`: a `graphql-transport-ws` or `graphql-ws` WebSocket ([`crate::ws`]),
/// closed when the server shuts down (the [`crate::server::Shutdown`] that
/// [`crate::server::serve`] gives every request).
pub(super) async fn graphql_ws(
    State(state): State<AppState>,
    shutdown: Option<axum::Extension<crate::server::Shutdown>>,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> axum::response::Response {
    let handler = ws::MosaicHandler::new(state.pipeline.clone());
    ws::accept(
        upgrade,
        state.schema.clone(),
        handler,
        state.options.ws(),
        &state.ws_slots,
        &state.fanout,
        shutdown.map(|axum::Extension(s)| s),
    )
}

/// `GET /graphiql/assets/{name}`: GraphiQL's code ([`crate::graphiql`]).
pub(super) async fn graphiql_asset(
    State(state): State<AppState>,
    axum::extract::Path(name): axum::extract::Path<String>,
) -> axum::response::Response {
    crate::graphiql::asset(state.graphiql.as_deref(), &name)
}
