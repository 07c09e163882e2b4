//! The one request pipeline every GraphQL operation runs through, whatever carries it
//! (`POST /graphql`, `GET /graphql`, a WebSocket message):
//!
//! 1. **who**: [`Pipeline::authenticate`] turns an `Authorization` value and an Orquestra
//!    API key into the [`Viewer`] (HTTP headers, or a WebSocket's `connection_init`);
//! 2. **admit**: [`admit`] runs the document guard ([`crate::guard`]: token count, parse,
//!    shape) and the transport's rule (GET runs queries only) — a refused operation runs
//!    nothing;
//! 3. **prepare**: [`Pipeline::prepare`] attaches fresh per-request loaders, the viewer and
//!    the token signer;
//! 4. **run**: [`Pipeline::run`] executes within the request timeout (a subscription's
//!    stream is run by the WebSocket layer, bounded by its connection instead);
//! 5. **codes**: [`with_codes`] gives every error a stable `extensions.code`, masking what
//!    is not ours as `INTERNAL`.
//!
//! The transports ([`crate::http`], [`crate::ws`]) only speak their wire format around it.

use std::time::Duration;

use async_graphql::parser::types::OperationType;
use async_graphql::{Executor, Request, Response, ServerError};

use crate::auth::{Tokens, Viewer};
use crate::context::with_loaders;
use crate::cost::CostLimits;
use crate::db::Databases;
use crate::error::ApiError;
use crate::guard::{self, DocumentLimits};
use crate::metrics::Metrics;
use crate::parsed::ParsedDocuments;
use crate::persisted::{PersistedOptions, PersistedQueries};

/// What carries an operation; each has its rule about which operation types it runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transport {
    /// `POST /graphql`: queries and mutations (subscriptions need a WebSocket).
    Post,
    /// `GET /graphql`: queries only (a GET must be safe to repeat and to cache).
    Get,
    /// `/graphql/ws`: every operation type.
    WebSocket,
}

/// A credential that was refused.
#[derive(Debug)]
pub enum Refused {
    /// The `Authorization` bearer token.
    Bearer(ApiError),
    /// The Orquestra API key.
    ApiKey(ApiError),
}

impl Refused {
    /// The error, whichever credential it was.
    pub fn into_error(self) -> ApiError {
        match self {
            Refused::Bearer(e) | Refused::ApiKey(e) => e,
        }
    }
}

/// Everything an operation needs besides its executor: storage, the token signer, the
/// document limits and the request timeout. Cheap to clone.
#[derive(Clone)]
pub struct Pipeline {
    databases: Databases,
    tokens: Tokens,
    document: DocumentLimits,
    cost: CostLimits,
    request_timeout: Duration,
    persisted: PersistedQueries,
    parsed: std::sync::Arc<ParsedDocuments>,
    metrics: std::sync::Arc<Metrics>,
    /// Slots for queries and mutations executing at once (`None`: no limit).
    running: Option<std::sync::Arc<tokio::sync::Semaphore>>,
    /// The cost budget of queries and mutations executing at once, and its size (`None`:
    /// no limit).
    running_cost: Option<(std::sync::Arc<tokio::sync::Semaphore>, u32)>,
}

impl Pipeline {
    /// A pipeline over `databases`, signing and verifying tokens with `tokens`.
    pub fn new(
        databases: Databases,
        tokens: Tokens,
        document: DocumentLimits,
        cost: CostLimits,
        request_timeout: Duration,
    ) -> Self {
        Self {
            databases,
            tokens,
            document,
            cost,
            request_timeout,
            persisted: PersistedQueries::new(&PersistedOptions::default()),
            parsed: std::sync::Arc::default(),
            metrics: std::sync::Arc::default(),
            running: None,
            running_cost: None,
        }
    }

    /// This pipeline executing at most `limit` queries and mutations at once (0: no
    /// limit); the others wait their turn, first come first served, within their request
    /// timeout. Every executing operation holds its whole response tree, rows and futures
    /// in memory, so the limit bounds the memory a burst of clients takes; a few per core
    /// keep the cores and the database busy.
    pub fn with_max_running(mut self, limit: usize) -> Self {
        self.running = (limit > 0).then(|| std::sync::Arc::new(tokio::sync::Semaphore::new(limit)));
        self
    }

    /// This pipeline executing queries and mutations whose costs ([`crate::cost`]: the
    /// objects their responses can hold) add up to at most `budget` at once (0: no limit);
    /// the others wait their turn, first come first served, within their request timeout.
    /// An operation costing more than the whole budget runs alone.
    ///
    /// The objects an operation may return are what it holds in memory while it runs,
    /// and, with its rows, what it costs the cores; so this bounds a burst of large
    /// queries (64 clients of 721-object nested pages run 13 at a time under a budget of
    /// 10,000, which is faster than all at once: BENCHMARKS.md, run 6), while small ones
    /// (a lookup costs 1) are never held back by a count of operations.
    pub fn with_max_running_cost(mut self, budget: u64) -> Self {
        let budget = u32::try_from(budget).unwrap_or(u32::MAX);
        self.running_cost = (budget > 0).then(|| {
            let permits = budget as usize;
            (
                std::sync::Arc::new(tokio::sync::Semaphore::new(permits)),
                budget,
            )
        });
        self
    }

    /// This pipeline keeping the parsed documents it admits in a cache of at most
    /// `budget` bytes ([`crate::parsed`]; 0: parse every request's document).
    pub fn with_parsed_documents(mut self, budget: usize) -> Self {
        self.parsed = std::sync::Arc::new(ParsedDocuments::new(budget));
        self
    }

    /// The parsed documents this pipeline keeps.
    pub fn parsed(&self) -> &ParsedDocuments {
        &self.parsed
    }

    /// This pipeline counting its operations in `metrics`.
    pub fn with_metrics(mut self, metrics: std::sync::Arc<Metrics>) -> Self {
        self.metrics = metrics;
        self
    }

    /// What this pipeline counts.
    pub fn metrics(&self) -> &Metrics {
        &self.metrics
    }

    /// This pipeline with `persisted` as its persisted-query store.
    pub fn with_persisted(mut self, persisted: PersistedQueries) -> Self {
        self.persisted = persisted;
        self
    }

    /// Gives `request` its document from the persisted queries, before anything parses
    /// it ([`crate::persisted`]); the response to send when it cannot run.
    #[allow(clippy::result_large_err)]
    pub fn resolve(&self, request: &mut Request) -> Result<(), Response> {
        self.persisted.resolve(request)
    }

    /// The storage operations run against.
    pub fn databases(&self) -> &Databases {
        &self.databases
    }

    /// The document limits every operation passes.
    pub fn document(&self) -> &DocumentLimits {
        &self.document
    }

    /// The cost and depth limits every operation passes.
    pub fn cost(&self) -> &CostLimits {
        &self.cost
    }

    /// Longest a query or mutation may run.
    pub fn request_timeout(&self) -> Duration {
        self.request_timeout
    }

    /// The viewer that an `Authorization` value (`Bearer <token>`) and an Orquestra API
    /// key authenticate, checked to be current ([`crate::identity`]); neither is
    /// anonymous.
    pub async fn authenticate(
        &self,
        authorization: Option<&str>,
        api_key: Option<&str>,
    ) -> Result<Viewer, Refused> {
        let mut viewer =
            match Viewer::claims(&self.tokens, authorization).map_err(Refused::Bearer)? {
                Some(claims) => crate::identity::current(&self.databases, &claims)
                    .await
                    .map_err(Refused::Bearer)?,
                None => Viewer::anonymous(),
            };
        if let Some(key) = api_key {
            let project =
                crate::orquestra::service::api_keys::authenticate(self.databases.orquestra(), key)
                    .await
                    .map_err(Refused::ApiKey)?;
            viewer.api_key_project = Some(project);
        }
        Ok(viewer)
    }

    /// `request`, ready to execute for `viewer`: fresh per-request loaders, the viewer
    /// and the token signer attached.
    pub fn prepare(&self, request: Request, viewer: &Viewer) -> Request {
        with_loaders(request, &self.databases, self.tokens.digests())
            .data(viewer.clone())
            .data(self.tokens.clone())
    }

    /// Admits, prepares and executes one query or mutation for `viewer` within the
    /// request timeout; every error of the response carries its code.
    pub async fn run<E: Executor>(
        &self,
        executor: &E,
        mut request: Request,
        viewer: &Viewer,
        transport: Transport,
    ) -> Response {
        let started = std::time::Instant::now();
        let Admitted { kind, cost } = match admit(
            &mut request,
            &self.document,
            Some(&self.parsed),
            Some(&self.cost),
            transport,
        ) {
            Ok(admitted) => admitted,
            Err(refusal) => {
                self.metrics.observe(None, started.elapsed(), &refusal);
                return refusal;
            }
        };
        // `admit` parsed the document, so async-graphql does not read its text again: it is
        // moved out for the error codes, not copied.
        let query = std::mem::take(&mut request.query);
        let request = self.prepare(request, viewer);
        let running = async {
            // The semaphore is never closed, so a permit always comes.
            let _slot = match &self.running {
                Some(slots) => slots.acquire().await.ok(),
                None => None,
            };
            // Its share of the cost budget: the operation's cost, at least 1 and at most
            // the whole budget.
            let _share = match &self.running_cost {
                Some((budget, whole)) => {
                    let weight = u32::try_from(cost).unwrap_or(u32::MAX).clamp(1, *whole);
                    budget.acquire_many(weight).await.ok()
                }
                None => None,
            };
            executor.execute(request).await
        };
        let response = match tokio::time::timeout(self.request_timeout, running).await {
            Ok(response) => with_codes_in(response, &query),
            Err(_) => timed_out(self.request_timeout),
        };
        self.metrics.observe(kind, started.elapsed(), &response);
        response
    }
}

/// What [`admit`] learned of an operation it admitted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Admitted {
    /// The operation's type (`None` when async-graphql will report which operation is
    /// meant).
    pub kind: Option<OperationType>,
    /// Its cost ([`crate::cost`]; 0 when no cost limits were given).
    pub cost: u64,
}

/// The document guard, the cost and depth limits (when given) and the transport's rule:
/// what was learned of the operation when admitted, the response to send otherwise.
#[allow(clippy::result_large_err)]
pub fn admit(
    request: &mut Request,
    limits: &DocumentLimits,
    parsed: Option<&ParsedDocuments>,
    cost: Option<&CostLimits>,
    transport: Transport,
) -> Result<Admitted, Response> {
    let validation =
        |refusal: guard::Refusal| refused("GRAPHQL_VALIDATION_FAILED", refusal.to_string());
    let doc = match parsed.and_then(|p| p.get(&request.query, limits)) {
        Some(doc) => doc,
        None => {
            guard::check_tokens(&request.query, limits.max_tokens).map_err(validation)?;
            let doc = async_graphql::parser::parse_query(&request.query)
                .map_err(|e| with_codes(Response::from_errors(vec![e.into()])))?;
            guard::check_document(&doc, limits).map_err(validation)?;
            if let Some(parsed) = parsed {
                parsed.put(&request.query, limits, &doc);
            }
            doc
        }
    };
    let operation_name = request.operation_name.as_deref();
    let kind = guard::operation_type(&doc, operation_name);
    if transport == Transport::Get && kind != Some(OperationType::Query) {
        return Err(refused(
            "METHOD_NOT_ALLOWED",
            "only queries run over GET; send mutations and subscriptions with POST".into(),
        ));
    }
    let cost = match cost {
        Some(cost) => cost
            .check(&doc, operation_name, &request.variables)
            .map_err(|e| Response::from_errors(vec![e]))?,
        None => 0,
    };
    // async-graphql executes this document: it does not parse the text again.
    request.set_parsed_query(doc);
    Ok(Admitted { kind, cost })
}

/// An HTTP error response in the GraphQL shape, with a stable code: a request refused
/// before any operation ran (its body, its credentials, a WebSocket upgrade).
pub fn refuse(
    status: axum::http::StatusCode,
    code: &str,
    message: &str,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    (
        status,
        axum::Json(serde_json::json!({
            "errors": [{ "message": message, "extensions": { "code": code } }]
        })),
    )
        .into_response()
}

/// A response carrying one error with `code`.
pub fn refused(code: &str, message: String) -> Response {
    let mut err = ServerError::new(message, None);
    let mut ext = async_graphql::ErrorExtensionValues::default();
    ext.set("code", code);
    err.extensions = Some(ext);
    Response::from_errors(vec![err])
}

/// The refusal of an operation that ran past `limit`.
pub fn timed_out(limit: Duration) -> Response {
    refused(
        "TIMEOUT",
        format!("the request did not finish within {} s", limit.as_secs()),
    )
}

/// The `extensions.code` of an error, if it has one.
pub fn code_of(e: &ServerError) -> Option<&str> {
    match e.extensions.as_ref()?.get("code")? {
        async_graphql::Value::String(s) => Some(s.as_str()),
        _ => None,
    }
}

/// The start of async-graphql's message for a value that does not parse as its input type
/// (a malformed UUID, DateTime, Base64, ..., in an argument, an input field or a variable).
const COERCION: [&str; 2] = ["Failed to parse \"", "Expected input type \""];

/// [`with_codes`] for a response to `query`: a value that does not parse as its input
/// type is the client's error, `BAD_USER_INPUT`, naming the argument it was given for
/// (`extensions.field`; async-graphql reports it at the argument's value) — never
/// `INTERNAL`.
pub fn with_codes_in(mut response: Response, query: &str) -> Response {
    let coercion =
        |e: &ServerError| code_of(e).is_none() && COERCION.iter().any(|p| e.message.starts_with(p));
    if response.errors.iter().any(coercion) {
        let doc = async_graphql::parser::parse_query(query).ok();
        for err in response.errors.iter_mut().filter(|e| coercion(e)) {
            let argument = doc
                .as_ref()
                .zip(err.locations.first())
                .and_then(|(doc, pos)| argument_at(doc, *pos));
            let mut ext = err.extensions.take().unwrap_or_default();
            ext.set("code", "BAD_USER_INPUT");
            if let Some(argument) = argument {
                err.message = format!("argument `{argument}`: {}", err.message);
                ext.set("field", argument);
            }
            err.extensions = Some(ext);
        }
    }
    with_codes(response)
}

/// The name of the argument whose value starts at `pos` in `doc`.
fn argument_at(
    doc: &async_graphql::parser::types::ExecutableDocument,
    pos: async_graphql::Pos,
) -> Option<String> {
    use async_graphql::parser::types::{Selection, SelectionSet};
    fn walk(set: &SelectionSet, pos: async_graphql::Pos) -> Option<String> {
        set.items.iter().find_map(|item| match &item.node {
            Selection::Field(field) => field
                .node
                .arguments
                .iter()
                .find(|(_, value)| value.pos == pos)
                .map(|(name, _)| name.node.to_string())
                .or_else(|| walk(&field.node.selection_set.node, pos)),
            Selection::InlineFragment(fragment) => walk(&fragment.node.selection_set.node, pos),
            Selection::FragmentSpread(_) => None,
        })
    }
    doc.operations
        .iter()
        .find_map(|(_, op)| walk(&op.node.selection_set.node, pos))
        .or_else(|| {
            doc.fragments
                .values()
                .find_map(|f| walk(&f.node.selection_set.node, pos))
        })
}

/// Gives every error a stable `extensions.code`. Errors raised before execution (parse
/// and validation, limits) carry none from async-graphql: they become
/// `GRAPHQL_VALIDATION_FAILED`. A resolver error without a code is not one of ours: its
/// message is masked as `INTERNAL`.
pub fn with_codes(mut response: Response) -> Response {
    for err in &mut response.errors {
        if code_of(err).is_some() {
            continue;
        }
        // A database error let through with `?` still says when the database is down.
        let outage = err
            .source::<sea_orm::DbErr>()
            .and_then(crate::error::outage);
        let ext = err.extensions.get_or_insert_with(Default::default);
        if err.path.is_empty() {
            ext.set("code", "GRAPHQL_VALIDATION_FAILED");
        } else if outage.is_some() {
            ext.set("code", ApiError::ServiceUnavailable.code());
            err.message = ApiError::ServiceUnavailable.to_string();
        } else {
            let masked = ApiError::internal(&err.message);
            ext.set("code", "INTERNAL");
            err.message = masked.to_string();
        }
    }
    response
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    use async_graphql::{EmptyMutation, EmptySubscription, Object, Schema};

    use super::*;

    /// Counts the operations inside `busy` at once, and the most seen.
    #[derive(Default)]
    struct Gauge {
        now: AtomicUsize,
        most: AtomicUsize,
    }

    struct Query;

    #[derive(async_graphql::SimpleObject)]
    struct Item {
        n: i32,
    }

    /// Counts `ms` milliseconds of work in the request's gauge.
    async fn work(ctx: &async_graphql::Context<'_>, ms: u64) {
        let gauge = ctx.data_unchecked::<Arc<Gauge>>();
        let now = gauge.now.fetch_add(1, Ordering::SeqCst) + 1;
        gauge.most.fetch_max(now, Ordering::SeqCst);
        tokio::time::sleep(Duration::from_millis(ms)).await;
        gauge.now.fetch_sub(1, Ordering::SeqCst);
    }

    #[Object]
    impl Query {
        /// Stays busy for `ms` milliseconds.
        async fn busy(&self, ctx: &async_graphql::Context<'_>, ms: u64) -> i32 {
            work(ctx, ms).await;
            1
        }

        /// `first` items after `ms` milliseconds (a list: it costs `first`).
        async fn items(&self, ctx: &async_graphql::Context<'_>, first: i32, ms: u64) -> Vec<Item> {
            work(ctx, ms).await;
            (0..first).map(|n| Item { n }).collect()
        }
    }

    async fn limited(max_running: usize, timeout: Duration) -> Pipeline {
        let dir = std::env::temp_dir().join(format!("mosaic-pipeline-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let dbs = Databases::connect(&crate::DbConfig::sqlite_dir(&dir))
            .await
            .unwrap();
        let mut registry = async_graphql::registry::Registry {
            query_type: "Query".into(),
            ..Default::default()
        };
        <Query as async_graphql::OutputType>::create_type_info(&mut registry);
        Pipeline::new(
            dbs,
            Tokens::new(&crate::auth::Secret::generate().unwrap()),
            DocumentLimits::default(),
            CostLimits::new(registry, 1000, 10),
            timeout,
        )
        .with_max_running(max_running)
    }

    type TestSchema = Schema<Query, EmptyMutation, EmptySubscription>;

    /// The test schema, counting its busy operations in a fresh gauge.
    fn counted() -> (TestSchema, Arc<Gauge>) {
        let gauge = Arc::new(Gauge::default());
        let schema = Schema::build(Query, EmptyMutation, EmptySubscription)
            .data(Arc::clone(&gauge))
            .finish();
        (schema, gauge)
    }

    /// Runs `n` operations of `ms` milliseconds at once through `pipeline`.
    async fn run_many(
        pipeline: &Pipeline,
        schema: &TestSchema,
        n: usize,
        ms: u64,
    ) -> Vec<Response> {
        run_all(pipeline, schema, n, &format!("{{ busy(ms: {ms}) }}")).await
    }

    /// Runs `n` copies of `query` at once through `pipeline`.
    async fn run_all(
        pipeline: &Pipeline,
        schema: &TestSchema,
        n: usize,
        query: &str,
    ) -> Vec<Response> {
        let viewer = Viewer::anonymous();
        let runs =
            (0..n).map(|_| pipeline.run(schema, Request::new(query), &viewer, Transport::Post));
        async_graphql::futures_util::future::join_all(runs).await
    }

    #[tokio::test]
    async fn operations_run_at_once_while_their_costs_fit_the_budget() {
        let budgeted = || async {
            limited(0, Duration::from_secs(30))
                .await
                .with_max_running_cost(10)
        };
        // Costing 4 each, two fit a budget of 10 at once.
        let (schema, gauge) = counted();
        let pipeline = budgeted().await;
        for r in run_all(&pipeline, &schema, 5, "{ items(first: 4, ms: 50) { n } }").await {
            assert!(r.errors.is_empty(), "{:?}", r.errors);
            assert_eq!(
                r.data.to_string(),
                "{items: [{n: 0}, {n: 1}, {n: 2}, {n: 3}]}"
            );
        }
        assert_eq!(gauge.most.load(Ordering::SeqCst), 2);

        // Scalars only: each counts 1, so ten run together.
        let (schema, gauge) = counted();
        let pipeline = budgeted().await;
        for r in run_all(&pipeline, &schema, 12, "{ busy(ms: 50) }").await {
            assert!(r.errors.is_empty(), "{:?}", r.errors);
            assert_eq!(r.data.to_string(), "{busy: 1}");
        }
        assert_eq!(gauge.most.load(Ordering::SeqCst), 10);

        // One costing more than the whole budget runs alone, and does run.
        let (schema, gauge) = counted();
        let pipeline = budgeted().await;
        for r in run_all(&pipeline, &schema, 3, "{ items(first: 30, ms: 20) { n } }").await {
            assert!(r.errors.is_empty(), "{:?}", r.errors);
            assert_eq!(r.data.to_string().matches("{n: ").count(), 30);
        }
        assert_eq!(gauge.most.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn at_most_max_running_operations_execute_at_once_and_the_rest_wait() {
        let (schema, gauge) = counted();
        let pipeline = limited(2, Duration::from_secs(30)).await;
        for r in run_many(&pipeline, &schema, 6, 50).await {
            assert!(r.errors.is_empty(), "{:?}", r.errors);
            assert_eq!(r.data.to_string(), "{busy: 1}");
        }
        assert_eq!(gauge.most.load(Ordering::SeqCst), 2);

        // Without a limit they all run together.
        let (schema, gauge) = counted();
        let pipeline = limited(0, Duration::from_secs(30)).await;
        run_many(&pipeline, &schema, 6, 50).await;
        assert_eq!(gauge.most.load(Ordering::SeqCst), 6);
    }

    #[tokio::test]
    async fn an_operation_waiting_for_a_slot_past_its_timeout_is_refused_with_timeout() {
        let (schema, gauge) = counted();
        let pipeline = limited(1, Duration::from_millis(300)).await;
        let viewer = Viewer::anonymous();
        let first = pipeline.run(
            &schema,
            Request::new("{ busy(ms: 200) }"),
            &viewer,
            Transport::Post,
        );
        let second = async {
            // Queued behind the first, then runs past its own 300 ms.
            tokio::time::sleep(Duration::from_millis(20)).await;
            pipeline
                .run(
                    &schema,
                    Request::new("{ busy(ms: 200) }"),
                    &viewer,
                    Transport::Post,
                )
                .await
        };
        let (first, second) = tokio::join!(first, second);
        assert!(first.errors.is_empty(), "{:?}", first.errors);
        assert_eq!(second.errors.len(), 1);
        assert_eq!(code_of(&second.errors[0]), Some("TIMEOUT"));
        assert_eq!(gauge.most.load(Ordering::SeqCst), 1);
    }

    /// Runs `request` alone through `pipeline`, anonymously.
    async fn one(
        pipeline: &Pipeline,
        schema: &TestSchema,
        request: impl Into<Request>,
        transport: Transport,
    ) -> Response {
        let viewer = Viewer::anonymous();
        pipeline
            .run(schema, request.into(), &viewer, transport)
            .await
    }

    /// The code of a response's one error.
    fn only_code(r: &Response) -> Option<&str> {
        assert_eq!(r.errors.len(), 1, "{:?}", r.errors);
        code_of(&r.errors[0])
    }

    #[tokio::test]
    async fn an_admitted_document_is_parsed_once_and_its_variables_still_checked() {
        let (schema, _) = counted();
        let pipeline = limited(0, Duration::from_secs(30)).await;
        let with = |ms: serde_json::Value| {
            Request::new("query($ms: Int!) { busy(ms: $ms) }").variables(
                async_graphql::Variables::from_json(serde_json::json!({ "ms": ms })),
            )
        };
        let first = one(&pipeline, &schema, with(1.into()), Transport::Post).await;
        assert!(first.errors.is_empty(), "{:?}", first.errors);
        assert_eq!((pipeline.parsed().len(), pipeline.parsed().hits()), (1, 0));

        let again = one(&pipeline, &schema, with(2.into()), Transport::Post).await;
        assert!(again.errors.is_empty(), "{:?}", again.errors);
        assert_eq!(again.data.to_string(), "{busy: 1}");
        assert_eq!((pipeline.parsed().len(), pipeline.parsed().hits()), (1, 1));

        // The cached document with a variable of the wrong type is still refused: it is
        // validated with each request's variables.
        let bad = one(&pipeline, &schema, with("soon".into()), Transport::Post).await;
        assert_eq!(only_code(&bad), Some("GRAPHQL_VALIDATION_FAILED"));
        assert!(bad.errors[0].message.contains("ms"), "{:?}", bad.errors);
        assert_eq!(pipeline.parsed().hits(), 2);

        // A document the guard refuses is not cached, and is refused every time.
        let roots: Vec<String> = (0..60).map(|i| format!("b{i}: busy(ms: 0)")).collect();
        let wide = format!("{{ {} }}", roots.join(" "));
        for _ in 0..2 {
            let r = one(&pipeline, &schema, wide.as_str(), Transport::Post).await;
            assert_eq!(only_code(&r), Some("GRAPHQL_VALIDATION_FAILED"));
        }
        assert_eq!((pipeline.parsed().len(), pipeline.parsed().hits()), (1, 2));

        // The transport's rule is checked on every request: the second GET of this
        // mutation finds it cached, and is refused all the same.
        for _ in 0..2 {
            let r = one(&pipeline, &schema, "mutation { busy }", Transport::Get).await;
            assert_eq!(only_code(&r), Some("METHOD_NOT_ALLOWED"));
        }
        assert_eq!((pipeline.parsed().len(), pipeline.parsed().hits()), (2, 3));
    }

    #[tokio::test]
    async fn a_pipeline_without_a_document_cache_parses_every_request() {
        let (schema, _) = counted();
        let pipeline = limited(0, Duration::from_secs(30))
            .await
            .with_parsed_documents(0);
        for _ in 0..2 {
            let r = one(&pipeline, &schema, "{ busy(ms: 0) }", Transport::Post).await;
            assert!(r.errors.is_empty(), "{:?}", r.errors);
            assert_eq!(r.data.to_string(), "{busy: 1}");
        }
        assert_eq!((pipeline.parsed().len(), pipeline.parsed().hits()), (0, 0));
    }
}
