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
    /// Highest complexity; connection fields cost their children once per requested item.
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
            complexity: 25_000,
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
    // Depth and complexity are checked by `CostLimits`, which says how far over a query is.
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

/// The complexity and depth limits, checked after validation on the figures async-graphql
/// computes for every document. A refusal says how much the query measures and what the
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
        })
    }
}

struct CostCheck {
    complexity: usize,
    depth: usize,
}

#[async_graphql::async_trait::async_trait]
impl async_graphql::extensions::Extension for CostCheck {
    async fn validation(
        &self,
        ctx: &async_graphql::extensions::ExtensionContext<'_>,
        next: async_graphql::extensions::NextValidation<'_>,
    ) -> Result<async_graphql::ValidationResult, Vec<async_graphql::ServerError>> {
        let result = next.run(ctx).await?;
        let refuse = |measure: &str, cost: usize, limit: usize, message: String| {
            let mut err = async_graphql::ServerError::new(message, None);
            let mut ext = async_graphql::ErrorExtensionValues::default();
            ext.set("code", "GRAPHQL_VALIDATION_FAILED");
            ext.set("measure", measure);
            ext.set("cost", cost as u64);
            ext.set("limit", limit as u64);
            err.extensions = Some(ext);
            vec![err]
        };
        if result.complexity > self.complexity {
            return Err(refuse(
                "complexity",
                result.complexity,
                self.complexity,
                format!(
                    "the query costs {}, over the limit of {}: ask for fewer rows (`first`) \
                     or fewer fields",
                    result.complexity, self.complexity
                ),
            ));
        }
        if result.depth > self.depth {
            return Err(refuse(
                "depth",
                result.depth,
                self.depth,
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
