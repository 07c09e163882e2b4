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

use axum::Router;
use axum::http::{HeaderValue, Method, header};
use axum::routing::{any, get};
use tower_http::decompression::RequestDecompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;

use crate::auth::Tokens;
use crate::auth::password::Passwords;
use crate::db::Databases;
use crate::guard::DocumentLimits;
use crate::persisted::{PersistedOptions, PersistedQueries};
use crate::pipeline::Pipeline;
use crate::schema::{self, Limits, MosaicSchema};
use crate::ws::{self, WsOptions};

mod auth;
mod graphql;
mod health;
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
    /// Most queries and mutations sent over HTTP executing at once (0: no limit); the
    /// others wait their turn within their request timeout. (A WebSocket's operations are
    /// bounded per connection by `ws_max_operations`.)
    pub max_running: usize,
    /// Largest total cost ([`crate::cost`]) of the queries and mutations sent over HTTP
    /// executing at once (0: no limit; default [`DEFAULT_MAX_RUNNING_COST`]); see
    /// [`Pipeline::with_max_running_cost`].
    pub max_running_cost: u64,
    /// Most memory, in bytes, the cache of parsed documents takes ([`crate::parsed`]; 0:
    /// every request's document is parsed).
    pub document_cache: usize,
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

/// Default of [`HttpOptions::max_running_cost`]: 13 of the benchmark's nested pages (721
/// objects each) at once, a fifth of the complexity limit. Under 64 clients of such pages it answered 8% more
/// of them, and 12% more with `totalCount`, with 40% less memory, than no limit; point
/// lookups (cost 1) were not held back (BENCHMARKS.md, run 6).
pub const DEFAULT_MAX_RUNNING_COST: u64 = 10_000;

impl Default for HttpOptions {
    fn default() -> Self {
        Self {
            cors_origins: Vec::new(),
            limits: Limits::default(),
            document: DocumentLimits::default(),
            body_limit: 2 * 1024 * 1024,
            max_batch: 10,
            request_timeout: Duration::from_secs(30),
            max_running: 0,
            max_running_cost: DEFAULT_MAX_RUNNING_COST,
            document_cache: crate::parsed::DEFAULT_BUDGET_BYTES,
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

/// What every handler reads: one allocation shared by all requests, so that extracting
/// it (axum clones the state for each request) costs a reference count, not a copy of the
/// options, the schema handle and every database handle.
#[derive(Clone)]
struct AppState(Arc<Shared>);

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

struct Shared {
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
        .route(
            "/graphql",
            get(graphql::graphql_get).post(graphql::graphql_post),
        )
        .route("/graphql/ws", any(graphql::graphql_ws))
        .route("/graphiql/assets/{name}", get(graphql::graphiql_asset))
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(health::metrics_text))
        .with_state(AppState(Arc::new(Shared {
            schema,
            pipeline: Pipeline::new(
                databases.clone(),
                tokens,
                options.document,
                schema::cost_limits(options.limits),
                options.request_timeout,
            )
            .with_persisted(PersistedQueries::new(&options.persisted))
            .with_metrics(Arc::clone(&metrics))
            .with_max_running(options.max_running)
            .with_max_running_cost(options.max_running_cost)
            .with_parsed_documents(options.document_cache),
            metrics,
            databases,
            ws_slots: ws::slots(options.ws_max_connections),
            fanout: ws::Fanout::default(),
            graphiql: crate::graphiql::Assets::load(&options.graphiql_dir),
            options,
        })))
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
