//! The HTTP router: `POST /graphql` (JSON), `GET /graphql` (GraphiQL for browsers, queries
//! for clients), `/graphql/ws`, `/healthz`, `/metrics`.
//!
//! Before anything executes, a request must pass, in this order: the body limit (applied
//! to the streamed body after decompression), the content-type rule (POST takes JSON; any
//! other type only with a CSRF-safe header), the batch cap, and the document guard
//! ([`crate::guard`]). A refused request runs nothing. Mutations only run over POST.
//!
//! `/graphql/ws` speaks `graphql-transport-ws` and the legacy `graphql-ws` ([`crate::ws`]);
//! its operations pass the same guard and run with the same loaders, viewer and error
//! codes.

use std::sync::Arc;
use std::time::Duration;

use async_graphql::http::GraphiQLSource;
use async_graphql::parser::types::OperationType;
use async_graphql::{BatchRequest, BatchResponse, Request, Response, ServerError};
use axum::body::Body;
use axum::extract::State;
use axum::extract::ws::{WebSocketUpgrade, rejection::WebSocketUpgradeRejection};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{Html, IntoResponse};
use axum::routing::{any, get};
use axum::{Json, Router};
use serde_json::json;
use tower_http::decompression::RequestDecompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::trace::TraceLayer;

use crate::auth::{Tokens, Viewer};
use crate::context::with_loaders;
use crate::db::Databases;
use crate::guard::{self, DocumentLimits};
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
        }
    }
}

#[derive(Clone)]
struct AppState {
    schema: MosaicSchema,
    databases: Databases,
    tokens: Tokens,
    options: HttpOptions,
    /// One permit per open WebSocket connection.
    ws_slots: Arc<tokio::sync::Semaphore>,
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
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
        .with_state(AppState {
            schema,
            databases,
            tokens,
            ws_slots: ws::slots(options.ws_max_connections),
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

/// An error response in the GraphQL shape, with a stable code.
pub(crate) fn refuse(status: StatusCode, code: &str, message: &str) -> axum::response::Response {
    (
        status,
        Json(json!({ "errors": [{ "message": message, "extensions": { "code": code } }] })),
    )
        .into_response()
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
            BatchResponse::Single(run(&state, r, &viewer, Method::POST).await)
        }
        BatchRequest::Batch(rs) => {
            let mut out = Vec::with_capacity(rs.len());
            for r in rs {
                out.push(run(&state, r, &viewer, Method::POST).await);
            }
            BatchResponse::Batch(out)
        }
    };
    respond(&headers, &response)
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
            return graphiql().into_response();
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
    let response = run(&state, request, &viewer, Method::GET).await;
    let status = if response
        .errors
        .iter()
        .any(|e| code_of(e) == Some("METHOD_NOT_ALLOWED"))
    {
        StatusCode::METHOD_NOT_ALLOWED
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

fn code_of(e: &ServerError) -> Option<&str> {
    match e.extensions.as_ref()?.get("code")? {
        async_graphql::Value::String(s) => Some(s.as_str()),
        _ => None,
    }
}

fn respond(headers: &HeaderMap, response: &BatchResponse) -> axum::response::Response {
    let content_type = if wants_graphql_response(headers) {
        "application/graphql-response+json"
    } else {
        "application/json"
    };
    match serde_json::to_vec(response) {
        Ok(body) => ([(header::CONTENT_TYPE, content_type)], body).into_response(),
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

/// A response carrying one error with `code`.
pub(crate) fn refused(code: &str, message: String) -> Response {
    let mut err = ServerError::new(message, None);
    let mut ext = async_graphql::ErrorExtensionValues::default();
    ext.set("code", code);
    err.extensions = Some(ext);
    Response::from_errors(vec![err])
}

/// A credential that was refused.
pub(crate) enum Refused {
    /// The `Authorization` bearer token.
    Bearer(crate::error::ApiError),
    /// The Orquestra API key.
    ApiKey(crate::error::ApiError),
}

/// The viewer that an `Authorization` value (`Bearer <token>`) and an Orquestra API key
/// authenticate; neither is anonymous. Shared by HTTP requests and WebSocket connections.
pub(crate) async fn authenticate(
    databases: &Databases,
    tokens: &Tokens,
    authorization: Option<&str>,
    api_key: Option<&str>,
) -> Result<Viewer, Refused> {
    let mut viewer = Viewer::from_authorization(tokens, authorization).map_err(Refused::Bearer)?;
    if let Some(key) = api_key {
        let project = crate::orquestra::api_keys::authenticate(databases.orquestra(), key)
            .await
            .map_err(Refused::ApiKey)?;
        viewer.api_key_project = Some(project);
    }
    Ok(viewer)
}

/// The request's viewer from its `Authorization` and `X-API-Key` headers; a bad token or
/// key is a `401` before anything runs.
#[allow(clippy::result_large_err)]
async fn viewer_of(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Viewer, axum::response::Response> {
    let unauthorized =
        |e: crate::error::ApiError| refuse(StatusCode::UNAUTHORIZED, e.code(), &e.to_string());
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
    authenticate(&state.databases, &state.tokens, authorization, api_key)
        .await
        .map_err(|refused| match refused {
            Refused::Bearer(e) => {
                let mut res = unauthorized(e);
                res.headers_mut()
                    .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
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
    let handler = ws::MosaicHandler::new(state.databases.clone(), state.tokens.clone());
    ws::accept(
        upgrade,
        state.schema.clone(),
        handler,
        state.options.ws(),
        &state.ws_slots,
        shutdown.map(|axum::Extension(s)| s),
    )
}

/// Guards, then executes one operation with fresh per-request loaders and a deadline.
async fn run(state: &AppState, mut request: Request, viewer: &Viewer, method: Method) -> Response {
    let limits = &state.options.document;
    if let Err(refusal) = guard::check_tokens(&request.query, limits.max_tokens) {
        return refused("GRAPHQL_VALIDATION_FAILED", refusal.to_string());
    }
    let operation_name = request.operation_name.clone();
    let doc = match request.parsed_query() {
        Ok(doc) => doc,
        Err(e) => {
            let mut r = Response::from_errors(vec![e]);
            r = with_codes(r);
            return r;
        }
    };
    if let Err(refusal) = guard::check_document(doc, limits) {
        return refused("GRAPHQL_VALIDATION_FAILED", refusal.to_string());
    }
    if method == Method::GET
        && guard::operation_type(doc, operation_name.as_deref()) != Some(OperationType::Query)
    {
        return refused(
            "METHOD_NOT_ALLOWED",
            "only queries run over GET; send mutations and subscriptions with POST".into(),
        );
    }
    let request = with_loaders(request, &state.databases)
        .data(viewer.clone())
        .data(state.tokens.clone());
    match tokio::time::timeout(state.options.request_timeout, state.schema.execute(request)).await {
        Ok(response) => with_codes(response),
        Err(_) => refused(
            "TIMEOUT",
            format!(
                "the request did not finish within {} s",
                state.options.request_timeout.as_secs()
            ),
        ),
    }
}

/// Gives every error a stable `extensions.code`. Errors raised before execution (parse
/// and validation, limits) carry none from async-graphql: they become
/// `GRAPHQL_VALIDATION_FAILED`. A resolver error without a code is not one of ours: its
/// message is masked as `INTERNAL`.
pub(crate) fn with_codes(mut response: Response) -> Response {
    for err in &mut response.errors {
        if code_of(err).is_some() {
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

fn graphiql() -> Html<String> {
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
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], out)
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
