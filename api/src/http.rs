//! The HTTP router: `POST /graphql` (JSON), `GET /graphql` (GraphiQL for browsers, queries
//! for clients), `/graphql/ws`, `/healthz`, `/metrics`.
//!
//! Before anything executes, a request must pass, in this order: the body limit (applied
//! to the streamed body after decompression), the content-type rule (POST takes JSON; any
//! other type only with a CSRF-safe header), the credentials, the batch cap; then each
//! operation runs through the shared [`crate::pipeline`] (document guard, GET runs
//! queries only, loaders, viewer, timeout, error codes). A refused request runs nothing.
//!
//! `/graphql/ws` speaks `graphql-transport-ws` and the legacy `graphql-ws` ([`crate::ws`]);
//! its operations run through the same pipeline.
//!
//! Requests and responses are async-graphql's types ([`BatchRequest`], [`BatchResponse`],
//! `parse_query_string` for GET). async-graphql-axum's extractor and responder are not
//! used: its body parsing lets serde read a request object from a JSON *array*
//! (`["{ apiVersion }"]` runs as a query, `[]` as an empty one) and reads every
//! non-multipart type as JSON; its responder always answers
//! `application/graphql-response+json`, whatever the client accepts, and `unwrap`s the
//! serialisation. [`respond`] negotiates the media type and keeps the response's HTTP
//! headers and `Cache-Control` as async-graphql-axum does.

use std::sync::Arc;
use std::time::Duration;

use async_graphql::{BatchRequest, BatchResponse, Request, Response};
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
use tower_http::trace::TraceLayer;

use crate::auth::{Tokens, Viewer};
use crate::db::Databases;
use crate::guard::DocumentLimits;
use crate::pipeline::{Pipeline, Refused, Transport, code_of, refuse};
use crate::schema::{self, Limits, MosaicSchema};
use crate::ws::{self, WsOptions};

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
}

/// Builds the application router over `databases`, signing tokens with `tokens`, with
/// default options.
pub fn router(databases: Databases, tokens: Tokens) -> Router {
    router_with(databases, tokens, HttpOptions::default())
}

/// Builds the application router over `databases` with `options`.
pub fn router_with(databases: Databases, tokens: Tokens, options: HttpOptions) -> Router {
    let schema = schema::build(
        Some(databases.clone()),
        options.limits,
        options.introspection,
    );
    let cors = cors_layer(&options.cors_origins);
    let body_limit = options.body_limit;
    let router = Router::new()
        .route("/graphql", get(graphql_get).post(graphql_post))
        .route("/graphql/ws", any(graphql_ws))
        .route("/graphiql/assets/{name}", get(graphiql_asset))
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
        .with_state(AppState {
            schema,
            pipeline: Pipeline::new(
                databases.clone(),
                tokens,
                options.document,
                schema::cost_limits(options.limits),
                options.request_timeout,
            ),
            databases,
            ws_slots: ws::slots(options.ws_max_connections),
            fanout: ws::Fanout::default(),
            graphiql: crate::graphiql::Assets::load(&options.graphiql_dir),
            options,
        })
        // Outermost first for requests: decompress, then limit the decompressed stream.
        .layer(RequestBodyLimitLayer::new(body_limit))
        .layer(RequestDecompressionLayer::new());
    match cors {
        Some(cors) => router.layer(cors).layer(TraceLayer::new_for_http()),
        None => router.layer(TraceLayer::new_for_http()),
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

fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .is_some_and(|v| v == "application/json" || v == "application/graphql-response+json")
}

fn wants_graphql_response(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("application/graphql-response+json"))
}

/// `POST /graphql`: a JSON request or batch.
async fn graphql_post(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> axum::response::Response {
    if !is_json(&headers) && !csrf_safe(&headers) {
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
    let batch = match parse_batch(&bytes, state.options.max_batch) {
        Ok(b) => b,
        Err(message) => return refuse(StatusCode::BAD_REQUEST, "BAD_REQUEST", &message),
    };
    let response = match batch {
        BatchRequest::Single(r) => {
            BatchResponse::Single(run(&state, r, &viewer, Transport::Post).await)
        }
        BatchRequest::Batch(rs) => {
            let mut out = Vec::with_capacity(rs.len());
            for r in rs {
                out.push(run(&state, r, &viewer, Transport::Post).await);
            }
            BatchResponse::Batch(out)
        }
    };
    let unavailable = match &response {
        BatchResponse::Single(r) => unavailable(r),
        BatchResponse::Batch(rs) => rs.iter().all(unavailable),
    };
    let mut res = respond(&headers, &response);
    if unavailable && res.status() == StatusCode::OK {
        *res.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
    }
    res
}

/// Whether an operation failed as a whole because the database is unavailable: no data
/// and every error `SERVICE_UNAVAILABLE`. Its HTTP status is then 503, which proxies and
/// clients retry; a partial result stays 200, as any response with data.
fn unavailable(response: &Response) -> bool {
    matches!(response.data, async_graphql::Value::Null)
        && !response.errors.is_empty()
        && response
            .errors
            .iter()
            .all(|e| code_of(e) == Some("SERVICE_UNAVAILABLE"))
}

/// A JSON body as one request (an object) or a batch (a non-empty array of at most
/// `max_batch` objects).
fn parse_batch(bytes: &[u8], max_batch: usize) -> Result<BatchRequest, String> {
    let value: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|e| format!("the body is not valid JSON: {e}"))?;
    let one = |v: serde_json::Value| -> Result<Request, String> {
        if !v.is_object() {
            return Err("a GraphQL request is a JSON object with a `query`".into());
        }
        serde_json::from_value(v).map_err(|e| format!("not a GraphQL request: {e}"))
    };
    match value {
        serde_json::Value::Array(items) => {
            if items.is_empty() {
                return Err("the batch is empty".into());
            }
            if items.len() > max_batch {
                return Err(format!("a batch holds at most {max_batch} operations"));
            }
            items
                .into_iter()
                .map(one)
                .collect::<Result<Vec<_>, _>>()
                .map(BatchRequest::Batch)
        }
        v => one(v).map(BatchRequest::Single),
    }
}

/// Runs one operation through the shared pipeline.
async fn run(
    state: &AppState,
    request: Request,
    viewer: &Viewer,
    transport: Transport,
) -> Response {
    state
        .pipeline
        .run(&state.schema, request, viewer, transport)
        .await
}

/// `GET /graphql`: GraphiQL for a browser without a query; otherwise a query (never a
/// mutation) from the URL's `query`, `variables`, `operationName`.
async fn graphql_get(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: axum::http::Uri,
) -> axum::response::Response {
    let query = uri.query().unwrap_or_default();
    if !query.split('&').any(|kv| kv.starts_with("query=")) {
        let browser = headers
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("text/html"));
        if browser || query.is_empty() {
            return crate::graphiql::page(state.graphiql.as_deref());
        }
        return refuse(
            StatusCode::BAD_REQUEST,
            "BAD_REQUEST",
            "missing `query` parameter",
        );
    }
    let request = match async_graphql::http::parse_query_string(query) {
        Ok(r) => r,
        Err(e) => {
            return refuse(
                StatusCode::BAD_REQUEST,
                "BAD_REQUEST",
                &format!("invalid GraphQL GET request: {e}"),
            );
        }
    };
    let viewer = match viewer_of(&state, &headers).await {
        Ok(v) => v,
        Err(res) => return res,
    };
    let response = run(&state, request, &viewer, Transport::Get).await;
    let status = if response
        .errors
        .iter()
        .any(|e| code_of(e) == Some("METHOD_NOT_ALLOWED"))
    {
        StatusCode::METHOD_NOT_ALLOWED
    } else if unavailable(&response) {
        StatusCode::SERVICE_UNAVAILABLE
    } else {
        StatusCode::OK
    };
    let mut res = respond(&headers, &BatchResponse::Single(response));
    *res.status_mut() = status;
    if status == StatusCode::METHOD_NOT_ALLOWED {
        res.headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("POST"));
    }
    res
}

fn respond(headers: &HeaderMap, response: &BatchResponse) -> axum::response::Response {
    let content_type = if wants_graphql_response(headers) {
        "application/graphql-response+json"
    } else {
        "application/json"
    };
    match serde_json::to_vec(response) {
        Ok(body) => {
            let mut res = ([(header::CONTENT_TYPE, content_type)], body).into_response();
            // What resolvers asked for (`Context::insert_http_header`, cache hints), as
            // async-graphql-axum's responder does.
            if response.is_ok()
                && let Some(value) = response.cache_control().value()
                && let Ok(value) = HeaderValue::from_str(&value)
            {
                res.headers_mut().insert(header::CACHE_CONTROL, value);
            }
            res.headers_mut().extend(response.http_headers());
            res
        }
        Err(e) => {
            let masked = crate::error::ApiError::internal(e);
            refuse(
                StatusCode::INTERNAL_SERVER_ERROR,
                "INTERNAL",
                &masked.to_string(),
            )
        }
    }
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
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], out)
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
