//! Universe's root query fields: a lookup and a connection per table, and the seed's
//! documented queries (entities by tag, version history, latest version).

use async_graphql::{Context, ID, MergedObject, Object};
use entity::universe::{
    client_connection, config, delta_record, entity as node, event_log, relation, state_version,
    subscription,
};
use sea_orm::{Condition, EntityTrait, PrimaryKeyTrait, QueryOrder};

use super::service::{self, Walk};
use super::types::*;
use crate::batch::{Node, Rows};
use crate::connection::Conn;
use crate::context::{databases, list_request, root_connection};
use crate::error::ResultExt;
use crate::order::OrderDirection;
use crate::pagination::PageArgs;
use crate::root_list;

type Result<T> = async_graphql::Result<T>;

/// The row of `E` with primary key `id`, as a `T`; null if none.
async fn by_id<E, T>(ctx: &Context<'_>, id: ID) -> Result<Option<T>>
where
    E: EntityTrait,
    E::Model: Send + Sync,
    String: Into<<E::PrimaryKey as PrimaryKeyTrait>::ValueType>,
    T: From<Node<E::Model>>,
{
    let db = databases(ctx)?.universe();
    let m = E::find_by_id(id.0).one(db).await.extend()?;
    Ok(m.map(|m| T::from(Node::single(m))))
}

/// Universe's part of the root query.
#[derive(MergedObject, Default)]
pub struct UniverseQuery(UniverseLookups, UniverseLists);

/// Universe's plural root connections.
#[derive(MergedObject, Default)]
pub struct UniverseLists(
    UniverseEntitiesList,
    UniverseRelationsList,
    UniverseStateVersionsList,
    UniverseEventsList,
    UniverseDeltasList,
    UniverseConfigsList,
    UniverseClientConnectionsList,
    UniverseSubscriptionsList,
);

/// Universe's single-object lookups and other root fields.
#[derive(Default)]
pub struct UniverseLookups;

#[Object]
impl UniverseLookups {
    /// One entity by id; null if none matches.
    async fn universe_entity(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The entity's id.")] id: ID,
    ) -> Result<Option<UniverseEntity>> {
        by_id::<node::Entity, _>(ctx, id).await
    }

    /// One relation by id; null if none matches.
    async fn universe_relation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The relation's id.")] id: ID,
    ) -> Result<Option<UniverseRelation>> {
        by_id::<relation::Entity, _>(ctx, id).await
    }

    /// One state version by id; null if none matches.
    async fn universe_state_version(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The version's id.")] version_id: ID,
    ) -> Result<Option<UniverseStateVersion>> {
        by_id::<state_version::Entity, _>(ctx, version_id).await
    }

    /// One event by id; null if none matches.
    async fn universe_event(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The event's id.")] event_id: ID,
    ) -> Result<Option<UniverseEvent>> {
        by_id::<event_log::Entity, _>(ctx, event_id).await
    }

    /// One delta record by id; null if none matches.
    async fn universe_delta(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The delta's id.")] delta_id: ID,
    ) -> Result<Option<UniverseDelta>> {
        by_id::<delta_record::Entity, _>(ctx, delta_id).await
    }

    /// One configuration parameter by key; null if none matches.
    async fn universe_config(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The parameter's key.")] key: ID,
    ) -> Result<Option<UniverseConfig>> {
        by_id::<config::Entity, _>(ctx, key).await
    }

    /// One client connection by identity; null if none matches.
    async fn universe_client_connection(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The client's identity (hex).")] identity: ID,
    ) -> Result<Option<UniverseClientConnection>> {
        by_id::<client_connection::Entity, _>(ctx, identity).await
    }

    /// One subscription by id; null if none matches.
    async fn universe_subscription(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The subscription's id.")] subscription_id: ID,
    ) -> Result<Option<UniverseSubscription>> {
        by_id::<subscription::Entity, _>(ctx, subscription_id).await
    }

    /// The entities whose `metadata.tags` contain `tag` (the seed's "entities with tag"),
    /// by id unless `orderBy` says otherwise.
    async fn universe_entities_by_tag(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The tag, matched exactly (case-sensitive).")] tag: String,
        #[graphql(desc = "Page size, counting forward (default 20, at most 100).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Start after this cursor.")] after: Option<String>,
        #[graphql(desc = "Page size, counting backward.")] last: Option<i32>,
        #[graphql(desc = "End before this cursor.")] before: Option<String>,
        #[graphql(desc = "Only entities also matching this filter.")] filter: Option<
            Box<UniverseEntityFilter>,
        >,
        #[graphql(desc = "Sort order (the id breaks ties; default: id).")] order_by: Option<
            UniverseEntityOrder,
        >,
    ) -> Result<Conn<UniverseEntity>> {
        let db = databases(ctx)?.universe();
        let req = list_request(
            filter.as_deref(),
            Condition::all().add(service::has_tag(db.get_database_backend(), tag)),
            UniverseEntityOrder::ordering(order_by),
            PageArgs::new(first, after, last, before),
        )
        .extend()?;
        root_connection(ctx, db, req).await
    }

    /// The seed's version history: the version `versionId` and its ancestors, walking
    /// `parentVersionId` towards the root, nearest first. At most `maxDepth` parent steps
    /// (so at most `maxDepth + 1` versions); a cycle in the data ends the walk with every
    /// version listed once. An unknown `versionId` gives an empty list.
    async fn universe_version_history(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The version to start from.")] version_id: ID,
        #[graphql(
            default = 100,
            desc = "How many parent steps to walk at most (1 to 10000, default 100)."
        )]
        max_depth: i32,
    ) -> Result<Vec<UniverseStateVersion>> {
        let depth = service::check_depth(max_depth).extend()?;
        let db = databases(ctx)?.universe();
        let mut found = service::walk_versions(
            db,
            std::slice::from_ref(&version_id.0),
            depth,
            Walk::Up,
            true,
        )
        .await
        .extend()?;
        let rows = Rows::new(found.remove(&version_id.0).unwrap_or_default());
        Ok(rows.nodes().map(UniverseStateVersion).collect())
    }

    /// The seed's latest version: the one with the newest timestamp (among equal
    /// timestamps, the largest id, as in `universeStateVersions(orderBy: {field:
    /// TIMESTAMP, direction: DESC})`, whose tie-break follows the direction); null when
    /// there is none.
    async fn universe_latest_version(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Option<UniverseStateVersion>> {
        let db = databases(ctx)?.universe();
        let m = state_version::Entity::find()
            .order_by_desc(state_version::Column::Timestamp)
            .order_by_desc(state_version::Column::VersionId)
            .one(db)
            .await
            .extend()?;
        Ok(m.map(|m| UniverseStateVersion(Node::single(m))))
    }
}

root_list! {
    /// All entities of the knowledge graph. The seed's "entities by type" is
    /// `filter: {entityType: {eq: ...}}`; "recently created" is
    /// `orderBy: {field: CREATED_AT, direction: DESC}`.
    UniverseEntitiesList.universe_entities -> UniverseEntity,
    db: universe,
    filter: UniverseEntityFilter => "Only entities matching this filter.",
    order: UniverseEntityOrder => "Sort order (the id breaks ties; default: id).",
    access: |ctx| Condition::all(),
}

root_list! {
    /// All relations. The seed's "relations of an entity" is
    /// `filter: {or: [{fromEntity: {eq: ...}}, {toEntity: {eq: ...}}]}`; "by type" is
    /// `filter: {relationType: {eq: ...}}`.
    UniverseRelationsList.universe_relations -> UniverseRelation,
    db: universe,
    filter: UniverseRelationFilter => "Only relations matching this filter.",
    order: UniverseRelationOrder => "Sort order (the id breaks ties; default: id).",
    access: |ctx| Condition::all(),
}

root_list! {
    /// All state versions.
    UniverseStateVersionsList.universe_state_versions -> UniverseStateVersion,
    db: universe,
    filter: UniverseStateVersionFilter => "Only versions matching this filter.",
    order: UniverseStateVersionOrder => "Sort order (the id breaks ties; default: id).",
    access: |ctx| Condition::all(),
}

root_list! {
    /// The event log, newest first unless `orderBy` says otherwise. The seed's "events by
    /// type and time range" is `filter: {eventType: {eq: ...}, timestamp: {gte: ..., lte: ...}}`.
    UniverseEventsList.universe_events -> UniverseEvent,
    db: universe,
    filter: UniverseEventFilter => "Only events matching this filter.",
    order: UniverseEventOrder => "Sort order (the id breaks ties; default: newest first).",
    default_order: UniverseEventOrder {
        field: UniverseEventOrderField::Timestamp,
        direction: OrderDirection::Desc,
    },
    access: |ctx| Condition::all(),
}

root_list! {
    /// All delta records.
    UniverseDeltasList.universe_deltas -> UniverseDelta,
    db: universe,
    filter: UniverseDeltaFilter => "Only delta records matching this filter.",
    order: UniverseDeltaOrder => "Sort order (the id breaks ties; default: id).",
    access: |ctx| Condition::all(),
}

root_list! {
    /// All configuration parameters.
    UniverseConfigsList.universe_configs -> UniverseConfig,
    db: universe,
    filter: UniverseConfigFilter => "Only configuration parameters matching this filter.",
    order: UniverseConfigOrder => "Sort order (the key breaks ties; default: key).",
    access: |ctx| Condition::all(),
}

root_list! {
    /// All client connections.
    UniverseClientConnectionsList.universe_client_connections -> UniverseClientConnection,
    db: universe,
    filter: UniverseClientConnectionFilter => "Only client connections matching this filter.",
    order: UniverseClientConnectionOrder => "Sort order (the identity breaks ties; default: identity).",
    access: |ctx| Condition::all(),
}

root_list! {
    /// All subscriptions.
    UniverseSubscriptionsList.universe_subscriptions -> UniverseSubscription,
    db: universe,
    filter: UniverseSubscriptionFilter => "Only subscriptions matching this filter.",
    order: UniverseSubscriptionOrder => "Sort order (the id breaks ties; default: id).",
    access: |ctx| Condition::all(),
}
