//! The GraphQL schema. [`build`] does no I/O, so the SDL can be printed and tested
//! without a running server or a database.

use async_graphql::{MergedObject, MergedSubscription, Object, Schema};

use crate::auth::password::Passwords;
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
/// suggestions). The server's data is attached: its password hasher `passwords` (made
/// once per server), and `databases` when given.
pub fn build(
    databases: Option<Databases>,
    passwords: Passwords,
    limits: Limits,
    introspection: bool,
) -> MosaicSchema {
    let mut builder = Schema::build(
        Query::default(),
        Mutation::default(),
        Subscription::default(),
    )
    // Depth and cost are checked when an operation is admitted ([`cost_limits`],
    // [`crate::pipeline::admit`]), not by an extension: with any extension installed,
    // async-graphql resolves every field through its slower instrumented path.
    .limit_recursive_depth(limits.recursive_depth)
    .limit_directives(limits.directives);
    if !introspection {
        builder = builder.disable_introspection().disable_suggestions();
    }
    builder = builder.data(passwords);
    match databases {
        Some(dbs) => builder.data(dbs).finish(),
        None => builder.finish(),
    }
}

/// The cost and depth limits `limits` sets, measured against this schema's types.
pub fn cost_limits(limits: Limits) -> crate::cost::CostLimits {
    use async_graphql::{OutputType, SubscriptionType};
    let mut registry = async_graphql::registry::Registry {
        query_type: <Query as OutputType>::type_name().into_owned(),
        mutation_type: Some(<Mutation as OutputType>::type_name().into_owned()),
        subscription_type: Some(<Subscription as SubscriptionType>::type_name().into_owned()),
        ..Default::default()
    };
    <Query as OutputType>::create_type_info(&mut registry);
    <Mutation as OutputType>::create_type_info(&mut registry);
    <Subscription as SubscriptionType>::create_type_info(&mut registry);
    crate::cost::CostLimits::new(registry, limits.complexity, limits.depth)
}

/// The schema's SDL, as committed in `schema.graphql`.
pub fn sdl() -> String {
    build(None, Passwords::new(1), Limits::default(), true).sdl()
}
