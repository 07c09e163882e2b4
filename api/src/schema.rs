//! The GraphQL schema. [`build`] does no I/O, so the SDL can be printed and tested
//! without a running server or a database.

use async_graphql::{MergedObject, MergedSubscription, Object, Schema};

use crate::db::Databases;

/// The root query: every domain's fields, prefixed with the domain's name.
#[derive(MergedObject, Default)]
pub struct Query(
    ServerQuery,
    crate::atrarium::AtrariumQuery,
    crate::orquestra::OrquestraQuery,
    crate::bellamy::BellamyQuery,
    crate::pds::PdsQuery,
    crate::universe::UniverseQuery,
);

/// The root mutation: every domain's operations, prefixed with the domain's name. They
/// run one after another, as the GraphQL spec requires of mutations.
#[derive(MergedObject, Default)]
pub struct Mutation(
    crate::atrarium::AtrariumMutation,
    crate::orquestra::OrquestraMutation,
    crate::bellamy::BellamyMutation,
    crate::pds::PdsMutation,
    crate::universe::UniverseMutation,
);

/// The root subscription: every domain's event streams, prefixed with the domain's name.
/// Each is backed by its domain's durable log: a stream can resume after the `cursor`
/// of the last event it received, missing nothing.
#[derive(MergedSubscription, Default)]
pub struct Subscription(
    crate::atrarium::AtrariumSubscription,
    crate::orquestra::OrquestraSubscription,
    crate::bellamy::BellamySubscription,
    crate::pds::PdsSubscription,
    crate::universe::UniverseSubscriptionRoot,
);

/// Fields about the server itself.
#[derive(Default)]
pub struct ServerQuery;

#[Object]
impl ServerQuery {
    /// The version of the Mosaic server answering this request.
    async fn api_version(&self) -> &'static str {
        env!("CARGO_PKG_VERSION")
    }

    /// Who this request is authenticated as (from its `Authorization: Bearer` token).
    async fn viewer(&self, ctx: &async_graphql::Context<'_>) -> MosaicViewer {
        let viewer = ctx.data::<crate::auth::Viewer>().ok();
        let (domain, subject) = match viewer.and_then(|v| v.principal.clone()) {
            Some((domain, subject)) => (Some(domain.name().to_owned()), Some(subject)),
            None => (None, None),
        };
        MosaicViewer {
            domain,
            subject,
            api_key_project_id: viewer.and_then(|v| v.api_key_project.clone()),
        }
    }
}

/// The authenticated principal of a request; both fields are null when anonymous.
#[derive(async_graphql::SimpleObject)]
pub struct MosaicViewer {
    /// The domain the token was issued for (`pds`, `bellamy`, `orquestra`, `universe`).
    pub domain: Option<String>,
    /// The principal within that domain: a DID, a user id or an identity.
    pub subject: Option<String>,
    /// The Orquestra project authenticated by the request's `X-API-Key`, if any.
    pub api_key_project_id: Option<String>,
}

/// Mosaic's executable schema.
pub type MosaicSchema = Schema<Query, Mutation, Subscription>;

/// Query cost limits, enforced before any resolver runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Deepest selection nesting.
    pub depth: usize,
    /// Highest cost: how many objects the response may hold at most (see [`crate::cost`]).
    pub complexity: usize,
    /// Deepest recursion of the parser/validator (fragments, nested values).
    pub recursive_depth: usize,
    /// Most directives on one field.
    pub directives: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            depth: 16,
            complexity: 50_000,
            recursive_depth: 32,
            directives: 8,
        }
    }
}

/// Builds the schema with `limits`, with or without introspection (and "did you mean"
/// suggestions); `databases` is attached as data when given.
pub fn build(databases: Option<Databases>, limits: Limits, introspection: bool) -> MosaicSchema {
    let mut builder = Schema::build(
        Query::default(),
        Mutation::default(),
        Subscription::default(),
    )
    // Depth and cost are checked by `CostLimits`, which says how far over a query is.
    .extension(CostLimits {
        complexity: limits.complexity,
        depth: limits.depth,
    })
    .limit_recursive_depth(limits.recursive_depth)
    .limit_directives(limits.directives);
    if !introspection {
        builder = builder.disable_introspection().disable_suggestions();
    }
    match databases {
        Some(dbs) => builder.data(dbs).finish(),
        None => builder.finish(),
    }
}

/// The cost and depth limits, checked after validation: the cost is [`crate::cost`]'s
/// estimate of the objects the response may hold (computed when the document is parsed),
/// the depth async-graphql's. A refusal says how much the query measures and what the
/// limit is (`extensions.cost`, `extensions.limit`, `extensions.measure`), so that a user
/// can shorten it; async-graphql's own limits only say "Query is too complex.".
struct CostLimits {
    complexity: usize,
    depth: usize,
}

impl async_graphql::extensions::ExtensionFactory for CostLimits {
    fn create(&self) -> std::sync::Arc<dyn async_graphql::extensions::Extension> {
        std::sync::Arc::new(CostCheck {
            complexity: self.complexity,
            depth: self.depth,
            operation: std::sync::Mutex::new(None),
            cost: std::sync::Mutex::new(0),
        })
    }
}

/// One request's check (the factory makes one per request).
struct CostCheck {
    complexity: usize,
    depth: usize,
    /// The operation the request names, if any.
    operation: std::sync::Mutex<Option<String>>,
    /// The document's cost, once parsed.
    cost: std::sync::Mutex<u64>,
}

#[async_graphql::async_trait::async_trait]
impl async_graphql::extensions::Extension for CostCheck {
    async fn prepare_request(
        &self,
        ctx: &async_graphql::extensions::ExtensionContext<'_>,
        request: async_graphql::Request,
        next: async_graphql::extensions::NextPrepareRequest<'_>,
    ) -> async_graphql::ServerResult<async_graphql::Request> {
        if let Ok(mut operation) = self.operation.lock() {
            operation.clone_from(&request.operation_name);
        }
        next.run(ctx, request).await
    }

    async fn parse_query(
        &self,
        ctx: &async_graphql::extensions::ExtensionContext<'_>,
        query: &str,
        variables: &async_graphql::Variables,
        next: async_graphql::extensions::NextParseQuery<'_>,
    ) -> async_graphql::ServerResult<async_graphql::parser::types::ExecutableDocument> {
        let doc = next.run(ctx, query, variables).await?;
        let operation = self.operation.lock().ok().and_then(|o| o.clone());
        let cost = crate::cost::of_document(
            &ctx.schema_env.registry,
            &doc,
            operation.as_deref(),
            variables,
        );
        if let Ok(mut c) = self.cost.lock() {
            *c = cost;
        }
        Ok(doc)
    }

    async fn validation(
        &self,
        ctx: &async_graphql::extensions::ExtensionContext<'_>,
        next: async_graphql::extensions::NextValidation<'_>,
    ) -> Result<async_graphql::ValidationResult, Vec<async_graphql::ServerError>> {
        let result = next.run(ctx).await?;
        let refuse = |measure: &str, cost: u64, limit: u64, message: String| {
            let mut err = async_graphql::ServerError::new(message, None);
            let mut ext = async_graphql::ErrorExtensionValues::default();
            ext.set("code", "GRAPHQL_VALIDATION_FAILED");
            ext.set("measure", measure);
            ext.set("cost", cost);
            ext.set("limit", limit);
            err.extensions = Some(ext);
            vec![err]
        };
        let cost = self.cost.lock().map_or(u64::MAX, |c| *c);
        let limit = self.complexity as u64;
        if cost > limit {
            return Err(refuse(
                "complexity",
                cost,
                limit,
                format!(
                    "the query costs {cost}, over the limit of {limit}: ask for fewer rows (`first`) \
                     or fewer nested lists"
                ),
            ));
        }
        if result.depth > self.depth {
            return Err(refuse(
                "depth",
                result.depth as u64,
                self.depth as u64,
                format!(
                    "the query is nested {} levels deep, over the limit of {}",
                    result.depth, self.depth
                ),
            ));
        }
        Ok(result)
    }
}

/// The schema's SDL, as committed in `schema.graphql`.
pub fn sdl() -> String {
    build(None, Limits::default(), true).sdl()
}
