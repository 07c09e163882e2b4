//! The HTTP router: `POST /graphql` (JSON), `GET /graphql` (GraphiQL for browsers, queries
//! for clients), `/graphql/ws`, `/healthz`, `/readyz`, `/metrics`. Every request carries
//! an id (`http/request_id.rs`).
//!
//! Before anything executes, a request must pass, in this order: the body limit (applied
//! to the streamed body after decompression), the content-type rule (POST takes JSON; any
//! other type only with a CSRF-safe header), the credentials, the batch cap; then each
//! operation gets its document from the persisted queries ([`crate::persisted`]) and runs
//! through the shared [`crate::pipeline`] (document guard, GET runs queries only, loaders,
//! viewer, timeout, error codes). A refused request runs nothing.
//!
//! `/graphql/ws` speaks `graphql-transport-ws` and the legacy `graphql-ws` ([`crate::ws`]);
//! its operations run through the same pipeline.
//!
//! Requests and responses are async-graphql's types ([`BatchRequest`], `BatchResponse`),
//! read and written by `http/wire.rs` (GraphQL over HTTP: media types, status codes, GET's
//! parameters). async-graphql-axum's extractor and responder are not used: its body
//! parsing lets serde read a request object from a JSON *array* (`["{ apiVersion }"]` runs
//! as a query, `[]` as an empty one) and reads every non-multipart type as JSON; its
//! responder always answers `application/graphql-response+json`, whatever the client
//! accepts, and `unwrap`s the serialisation; and async-graphql's `parse_query_string`
//! loses GET's `operationName`.

use std::sync::Arc;
use std::time::Duration;

use async_graphql::{BatchRequest, Request, Response};
use axum::body::Body;
use axum::extract::State;
use axum::extract::ws::{WebSocketUpgrade, rejection::WebSocketUpgradeRejection};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::{any, get};
use axum::{Json, Router};
use serde_json::json;
use tower_http::decompression::RequestDecompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;

use crate::auth::password::Passwords;
use crate::auth::{Tokens, Viewer};
use crate::db::Databases;
use crate::guard::DocumentLimits;
use crate::persisted::{PersistedOptions, PersistedQueries};
use crate::pipeline::{Pipeline, Refused, Transport, refuse};
use crate::schema::{self, Limits, MosaicSchema};
use crate::ws::{self, WsOptions};

mod request_id;
mod wire;

pub use wire::MediaType;

/// Everything the HTTP layer enforces. Defaults are safe for the open internet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpOptions {
    /// Origins allowed to call the API from a browser (CORS). Empty: same origin only.
    pub cors_origins: Vec<String>,
    /// Query cost limits checked by async-graphql.
    pub limits: Limits,
    /// Document shape limits checked before parsing is trusted.
    pub document: DocumentLimits,
    /// Largest request body, in bytes, after decompression.
    pub body_limit: usize,
    /// Most operations in one batched request.
    pub max_batch: usize,
    /// Longest a request may run.
    pub request_timeout: Duration,
    /// Whether introspection and "did you mean" suggestions are served.
    pub introspection: bool,
    /// Longest a WebSocket client may take to send `connection_init`.
    pub ws_init_timeout: Duration,
    /// Most operations running at once on one WebSocket connection.
    pub ws_max_operations: usize,
    /// Most WebSocket connections open at once.
    pub ws_max_connections: usize,
    /// How often the server pings a WebSocket client; one silent for two intervals (or
    /// not reading for one) is disconnected.
    pub ws_keepalive: Duration,
    /// How often an open WebSocket checks that its credentials still stand.
    pub ws_credential_check: Duration,
    /// The `node_modules` holding GraphiQL's code ([`crate::graphiql`]).
    pub graphiql_dir: std::path::PathBuf,
    /// Automatic persisted queries and trusted documents ([`crate::persisted`]).
    pub persisted: PersistedOptions,
}

impl Default for HttpOptions {
    fn default() -> Self {
        Self {
            cors_origins: Vec::new(),
            limits: Limits::default(),
            document: DocumentLimits::default(),
            body_limit: 2 * 1024 * 1024,
            max_batch: 10,
            request_timeout: Duration::from_secs(30),
            introspection: true,
            ws_init_timeout: Duration::from_secs(10),
            ws_max_operations: 100,
            ws_max_connections: 1000,
            ws_keepalive: Duration::from_secs(30),
            ws_credential_check: Duration::from_secs(5),
            graphiql_dir: crate::graphiql::Assets::default_dir(),
            persisted: PersistedOptions::default(),
        }
    }
}

impl HttpOptions {
    /// The WebSocket endpoint's options: the HTTP body limit bounds a message, and the
    /// document limits and request timeout apply to each operation.
    pub fn ws(&self) -> WsOptions {
        WsOptions {
            init_timeout: self.ws_init_timeout,
            max_operations: self.ws_max_operations,
            max_message: self.body_limit,
            keepalive: self.ws_keepalive,
            document: self.document,
            request_timeout: self.request_timeout,
            credential_check: self.ws_credential_check,
        }
    }
}

#[derive(Clone)]
struct AppState {
    schema: MosaicSchema,
    databases: Databases,
    pipeline: Pipeline,
    options: HttpOptions,
    /// One permit per open WebSocket connection.
    ws_slots: Arc<tokio::sync::Semaphore>,
    /// Subscriptions shared by identical subscribers on every connection.
    fanout: ws::Fanout,
    /// GraphiQL's code, when installed.
    graphiql: Option<Arc<crate::graphiql::Assets>>,
    /// What `/metrics` reports.
    metrics: Arc<crate::metrics::Metrics>,
}

/// Builds the application router over `databases`, signing tokens with `tokens`, with
/// default options (and a password hasher of one permit per core).
pub fn router(databases: Databases, tokens: Tokens) -> Router {
    router_with(
        databases,
        tokens,
        Passwords::default(),
        HttpOptions::default(),
    )
}

/// Builds the application router over `databases`, hashing passwords with `passwords`,
/// with `options`.
pub fn router_with(
    databases: Databases,
    tokens: Tokens,
    passwords: Passwords,
    options: HttpOptions,
) -> Router {
    let schema = schema::build(
        Some(databases.clone()),
        passwords,
        options.limits,
        options.introspection,
    );
    let cors = cors_layer(&options.cors_origins);
    let body_limit = options.body_limit;
    let metrics = Arc::new(crate::metrics::Metrics::default());
    let router = Router::new()
        .route("/graphql", get(graphql_get).post(graphql_post))
        .route("/graphql/ws", any(graphql_ws))
        .route("/graphiql/assets/{name}", get(graphiql_asset))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics_text))
        .with_state(AppState {
            schema,
            pipeline: Pipeline::new(
                databases.clone(),
                tokens,
                options.document,
                schema::cost_limits(options.limits),
                options.request_timeout,
            )
            .with_persisted(PersistedQueries::new(&options.persisted))
            .with_metrics(Arc::clone(&metrics)),
            metrics,
            databases,
            ws_slots: ws::slots(options.ws_max_connections),
            fanout: ws::Fanout::default(),
            graphiql: crate::graphiql::Assets::load(&options.graphiql_dir),
            options,
        })
        // Outermost first for requests: decompress, then limit the decompressed stream.
        .layer(RequestBodyLimitLayer::new(body_limit))
        .layer(RequestDecompressionLayer::new());
    // Outermost: every response, refused ones included, carries its request id.
    let request_id = axum::middleware::from_fn(request_id::layer);
    match cors {
        Some(cors) => router.layer(cors).layer(request_id),
        None => router.layer(request_id),
    }
}

/// CORS for the configured origins; `None` (no CORS headers: browsers keep to the same
/// origin) when there are none. `*` allows any origin, without credentials.
fn cors_layer(origins: &[String]) -> Option<tower_http::cors::CorsLayer> {
    use tower_http::cors::{AllowOrigin, CorsLayer};
    if origins.is_empty() {
        return None;
    }
    let allow = if origins.iter().any(|o| o == "*") {
        AllowOrigin::any()
    } else {
        AllowOrigin::list(
            origins
                .iter()
                .filter_map(|o| HeaderValue::from_str(o.trim_end_matches('/')).ok()),
        )
    };
    Some(
        CorsLayer::new()
            .allow_origin(allow)
            .allow_methods([Method::GET, Method::POST])
            .allow_headers([
                header::CONTENT_TYPE,
                header::AUTHORIZATION,
                header::ACCEPT,
                axum::http::HeaderName::from_static("x-api-key"),
                axum::http::HeaderName::from_static("apollo-require-preflight"),
                axum::http::HeaderName::from_static("x-mosaic-csrf"),
            ])
            .max_age(Duration::from_secs(600)),
    )
}

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
async fn graphql_post(
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
    let viewer = match viewer_of(&state, &headers).await {
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
async fn graphql_get(
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
    let viewer = match viewer_of(&state, &headers).await {
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

/// The request's viewer from its `Authorization` and `X-API-Key` headers; a bad token or
/// key is a `401` before anything runs.
#[allow(clippy::result_large_err)]
async fn viewer_of(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Viewer, axum::response::Response> {
    let unauthorized = |e: crate::error::ApiError| {
        let status = match e {
            // Checking a credential needs the database: not the client's fault.
            crate::error::ApiError::ServiceUnavailable => StatusCode::SERVICE_UNAVAILABLE,
            _ => StatusCode::UNAUTHORIZED,
        };
        refuse(status, e.code(), &e.to_string())
    };
    let authorization = match headers.get(header::AUTHORIZATION).map(|v| v.to_str()) {
        None => None,
        Some(Ok(v)) => Some(v),
        Some(Err(_)) => {
            return Err(refuse(
                StatusCode::UNAUTHORIZED,
                "UNAUTHENTICATED",
                "the Authorization header is not readable",
            ));
        }
    };
    let api_key = match headers.get("x-api-key").map(|v| v.to_str()) {
        None => None,
        Some(Ok(v)) => Some(v),
        Some(Err(_)) => {
            return Err(unauthorized(crate::error::ApiError::Unauthenticated(
                "the API key is not valid".into(),
            )));
        }
    };
    state
        .pipeline
        .authenticate(authorization, api_key)
        .await
        .map_err(|refused| match refused {
            Refused::Bearer(e) => {
                let mut res = unauthorized(e);
                if res.status() == StatusCode::UNAUTHORIZED {
                    res.headers_mut()
                        .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
                }
                res
            }
            Refused::ApiKey(e) => unauthorized(e),
        })
}

/// `/graphql/ws`: a `graphql-transport-ws` or `graphql-ws` WebSocket ([`crate::ws`]),
/// closed when the server shuts down (the [`crate::server::Shutdown`] that
/// [`crate::server::serve`] gives every request).
async fn graphql_ws(
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
async fn graphiql_asset(
    State(state): State<AppState>,
    axum::extract::Path(name): axum::extract::Path<String>,
) -> axum::response::Response {
    crate::graphiql::asset(state.graphiql.as_deref(), &name)
}

/// `GET /metrics`: the Prometheus text exposition ([`crate::metrics`]).
async fn metrics_text(State(state): State<AppState>) -> impl IntoResponse {
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
async fn healthz(State(state): State<AppState>) -> impl IntoResponse {
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
async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
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
