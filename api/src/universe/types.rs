//! Universe's GraphQL types, filters and orders. The domain holds no secrets: every
//! column is a field.

use crate::error::ResultExt;
use async_graphql::{Context, Enum, ID, Json, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entity::universe::enums::{ConnectionStatus, SubscriptionStatus};
use entity::universe::json::{
    DeltaMetadata, DeltaOp, DeltaOperation, EntityMetadata, RelationMetadata,
};
use entity::universe::{
    client_connection, config, delta_record, entity as node, event_log, relation, state_version,
    subscription,
};
use sea_orm::Condition;

use super::loaders::{
    AncestorsOf, ChildCountOf, ChildrenOf, ConnectedOf, ConnectionIdentity, DeltaCountOf, DeltasOf,
    DescendantsOf, EntityId, IncomingCountOf, IncomingOf, OutgoingCountOf, OutgoingOf, ParentOf,
    SubscriptionCountOf, SubscriptionsOf, UniverseLoader, VersionId,
};
use super::service::{self, Reach};
use crate::batch::{self, Node};
use crate::connection::Conn;
use crate::context::{list_request, nested_connection};
use crate::filter::{DateTimeFilter, IntFilter, StringFilter};
use crate::loader::{CountRef, ListRef};
use crate::order::OrderDirection;
use crate::pagination::PageArgs;
use crate::{enum_filter, filter_input, mirror_enum, order_input};

type Result<T> = async_graphql::Result<T>;

fn json_map(m: &serde_json::Map<String, serde_json::Value>) -> Json<serde_json::Value> {
    Json(serde_json::Value::Object(m.clone()))
}

// ------------------------------------------------------------------------------- enums

mirror_enum! {
    /// Where a client session stands.
    pub enum UniverseConnectionStatus => ConnectionStatus {
        /// Connected and active.
        Connected,
        /// Connected but quiet.
        Idle,
        /// Closing.
        Disconnecting,
        /// Gone.
        Disconnected,
    }
}

mirror_enum! {
    /// Whether a subscription delivers changes.
    pub enum UniverseSubscriptionStatus => SubscriptionStatus {
        /// Delivering changes.
        Active,
        /// Temporarily not delivering.
        Paused,
        /// Ended for good.
        Cancelled,
    }
}

mirror_enum! {
    /// What a delta operation does to its target.
    pub enum UniverseDeltaOp => DeltaOp {
        /// The target came into being.
        Create,
        /// The target (or the value at `path` inside it) changed.
        Update,
        /// The target went away.
        Delete,
    }
}

/// Which relations link an entity to the entities connected to it.
#[derive(Enum, Copy, Clone, Debug, Default, PartialEq, Eq)]
pub enum UniverseDirection {
    /// Relations leaving the entity: their targets.
    Outgoing,
    /// Relations arriving at the entity: their sources.
    Incoming,
    /// Both ways.
    #[default]
    Both,
}

impl From<UniverseDirection> for Reach {
    fn from(d: UniverseDirection) -> Self {
        match d {
            UniverseDirection::Outgoing => Reach::Outgoing,
            UniverseDirection::Incoming => Reach::Incoming,
            UniverseDirection::Both => Reach::Both,
        }
    }
}

enum_filter! {
    /// Filters client connection statuses.
    pub struct UniverseConnectionStatusFilter for UniverseConnectionStatus => ConnectionStatus
}

enum_filter! {
    /// Filters subscription statuses.
    pub struct UniverseSubscriptionStatusFilter for UniverseSubscriptionStatus => SubscriptionStatus
}

// ----------------------------------------------------------------------------- filters

filter_input! {
    /// Filters knowledge-graph entities.
    pub struct UniverseEntityFilter for node::Column {
        /// The entity's id.
        id: StringFilter => Id,
        /// The entity's kind (e.g. `person`).
        entity_type: StringFilter => EntityType,
        /// When the entity was created.
        created_at: DateTimeFilter => CreatedAt,
        /// When the entity was last updated.
        updated_at: DateTimeFilter => UpdatedAt,
        /// The optimistic-concurrency counter.
        version: IntFilter => Version,
    }
}

filter_input! {
    /// Filters knowledge-graph relations.
    pub struct UniverseRelationFilter for relation::Column {
        /// The relation's id.
        id: StringFilter => Id,
        /// The entity the relation leaves.
        from_entity: StringFilter => FromEntity,
        /// The entity the relation reaches.
        to_entity: StringFilter => ToEntity,
        /// The relation's kind (e.g. `part_of`).
        relation_type: StringFilter => RelationType,
        /// When the relation was created.
        created_at: DateTimeFilter => CreatedAt,
    }
}

filter_input! {
    /// Filters state versions.
    pub struct UniverseStateVersionFilter for state_version::Column {
        /// The version's id.
        version_id: StringFilter => VersionId,
        /// The parent version's id (`isNull: true` for roots).
        parent_version_id: StringFilter => ParentVersionId,
        /// When the version was made.
        timestamp: DateTimeFilter => Timestamp,
        /// The description.
        description: StringFilter => Description,
        /// The content hash.
        data_hash: StringFilter => DataHash,
        /// The creator's identity.
        owner: StringFilter => Owner,
    }
}

filter_input! {
    /// Filters events of the event log.
    pub struct UniverseEventFilter for event_log::Column {
        /// The event's id.
        event_id: StringFilter => EventId,
        /// The event's kind (e.g. `entity.created`).
        event_type: StringFilter => EventType,
        /// Where the event came from.
        source: StringFilter => Source,
        /// When the event happened.
        timestamp: DateTimeFilter => Timestamp,
    }
}

filter_input! {
    /// Filters delta records.
    pub struct UniverseDeltaFilter for delta_record::Column {
        /// The delta's id.
        delta_id: StringFilter => DeltaId,
        /// The version the delta produced.
        state_version_id: StringFilter => StateVersionId,
        /// When the delta was recorded.
        timestamp: DateTimeFilter => Timestamp,
    }
}

filter_input! {
    /// Filters configuration parameters.
    pub struct UniverseConfigFilter for config::Column {
        /// The parameter's key.
        key: StringFilter => Key,
        /// The value.
        value: StringFilter => Value,
        /// The description.
        description: StringFilter => Description,
        /// When the value was last changed.
        updated_at: DateTimeFilter => UpdatedAt,
        /// Who last changed the value (identity).
        updated_by: StringFilter => UpdatedBy,
    }
}

filter_input! {
    /// Filters client connections.
    pub struct UniverseClientConnectionFilter for client_connection::Column {
        /// The client's identity.
        identity: StringFilter => Identity,
        /// The transport-level connection id.
        connection_id: StringFilter => ConnectionId,
        /// When the client connected.
        connected_at: DateTimeFilter => ConnectedAt,
        /// When the client was last active.
        last_active_at: DateTimeFilter => LastActiveAt,
        /// What the client says it is.
        client_info: StringFilter => ClientInfo,
        /// The session's status.
        status: UniverseConnectionStatusFilter => Status,
    }
}

filter_input! {
    /// Filters subscriptions.
    pub struct UniverseSubscriptionFilter for subscription::Column {
        /// The subscription's id.
        subscription_id: StringFilter => SubscriptionId,
        /// The subscribing client's identity.
        identity: StringFilter => Identity,
        /// The query text.
        query: StringFilter => Query,
        /// When the subscription was created.
        created_at: DateTimeFilter => CreatedAt,
        /// When the subscription was last updated.
        updated_at: DateTimeFilter => UpdatedAt,
        /// The subscription's status.
        status: UniverseSubscriptionStatusFilter => Status,
    }
}

// ------------------------------------------------------------------------------ orders

order_input! {
    /// Orders entities.
    pub struct UniverseEntityOrder;
    /// Sortable (indexed) columns of entities.
    pub enum UniverseEntityOrderField for node in "universe.entity", tie-break [Id] {
        /// The entity's kind.
        EntityType => EntityType (false),
        /// Creation time.
        CreatedAt => CreatedAt (false),
    }
}

order_input! {
    /// Orders relations.
    pub struct UniverseRelationOrder;
    /// Sortable (indexed) columns of relations.
    pub enum UniverseRelationOrderField for relation in "universe.relation", tie-break [Id] {
        /// The source entity.
        FromEntity => FromEntity (false),
        /// The target entity.
        ToEntity => ToEntity (false),
        /// The relation's kind.
        RelationType => RelationType (false),
    }
}

order_input! {
    /// Orders state versions.
    pub struct UniverseStateVersionOrder;
    /// Sortable (indexed) columns of state versions.
    pub enum UniverseStateVersionOrderField for state_version in "universe.state_version", tie-break [VersionId] {
        /// When the version was made.
        Timestamp => Timestamp (false),
        /// The parent version (roots first).
        ParentVersionId => ParentVersionId (true),
        /// The creator's identity.
        Owner => Owner (false),
    }
}

order_input! {
    /// Orders events.
    pub struct UniverseEventOrder;
    /// Sortable (indexed) columns of events.
    pub enum UniverseEventOrderField for event_log in "universe.event_log", tie-break [EventId] {
        /// When the event happened.
        Timestamp => Timestamp (false),
        /// The event's kind.
        EventType => EventType (false),
        /// Where the event came from (unknown sources first).
        Source => Source (true),
    }
}

order_input! {
    /// Orders delta records.
    pub struct UniverseDeltaOrder;
    /// Sortable (indexed) columns of delta records.
    pub enum UniverseDeltaOrderField for delta_record in "universe.delta_record", tie-break [DeltaId] {
        /// When the delta was recorded.
        Timestamp => Timestamp (false),
        /// The version the delta produced.
        StateVersionId => StateVersionId (false),
    }
}

order_input! {
    /// Orders configuration parameters.
    pub struct UniverseConfigOrder;
    /// Sortable columns of configuration parameters.
    pub enum UniverseConfigOrderField for config in "universe.config", tie-break [Key] {
        /// When the value was last changed.
        UpdatedAt => UpdatedAt (false),
    }
}

order_input! {
    /// Orders client connections.
    pub struct UniverseClientConnectionOrder;
    /// Sortable (indexed) columns of client connections.
    pub enum UniverseClientConnectionOrderField for client_connection in "universe.client_connection", tie-break [Identity] {
        /// The session's status.
        Status => Status (false),
    }
}

order_input! {
    /// Orders subscriptions.
    pub struct UniverseSubscriptionOrder;
    /// Sortable (indexed) columns of subscriptions.
    pub enum UniverseSubscriptionOrderField for subscription in "universe.subscription", tie-break [SubscriptionId] {
        /// The subscribing client.
        Identity => Identity (false),
        /// The subscription's status.
        Status => Status (false),
    }
}

// -------------------------------------------------------------------------- JSON shapes

/// The descriptive part of an entity (`entity.metadata`).
#[derive(SimpleObject)]
pub struct UniverseEntityMetadata {
    /// Human-readable name.
    pub name: Option<String>,
    /// Free-text description.
    pub description: Option<String>,
    /// Tags (see `universeEntitiesByTag`).
    pub tags: Vec<String>,
    /// Any further attributes (a JSON object).
    pub properties: Json<serde_json::Value>,
}

impl From<&EntityMetadata> for UniverseEntityMetadata {
    fn from(m: &EntityMetadata) -> Self {
        Self {
            name: m.name.clone(),
            description: m.description.clone(),
            tags: m.tags.clone(),
            properties: json_map(&m.properties),
        }
    }
}

/// The descriptive part of a relation (`relation.metadata`).
#[derive(SimpleObject)]
pub struct UniverseRelationMetadata {
    /// Strength of the edge, if it has one.
    pub weight: Option<f64>,
    /// Human-readable label.
    pub label: Option<String>,
    /// Any further attributes (a JSON object).
    pub properties: Json<serde_json::Value>,
}

impl From<&RelationMetadata> for UniverseRelationMetadata {
    fn from(m: &RelationMetadata) -> Self {
        Self {
            weight: m.weight,
            label: m.label.clone(),
            properties: json_map(&m.properties),
        }
    }
}

/// One change of a state transition.
#[derive(SimpleObject)]
pub struct UniverseDeltaOperation {
    /// Create, update or delete.
    pub op: UniverseDeltaOp,
    /// The entity or relation id (or config key) changed.
    pub target: String,
    /// Where inside the target the change applies (e.g. `metadata.tags`); null for the
    /// whole target.
    pub path: Option<String>,
    /// The value after the change (null for deletes).
    pub value: Option<Json<serde_json::Value>>,
    /// The value before the change (null for creates).
    pub previous: Option<Json<serde_json::Value>>,
}

impl From<&DeltaOperation> for UniverseDeltaOperation {
    fn from(o: &DeltaOperation) -> Self {
        Self {
            op: o.op.into(),
            target: o.target.clone(),
            path: o.path.clone(),
            value: o.value.clone().map(Json),
            previous: o.previous.clone().map(Json),
        }
    }
}

/// Who made a delta and why (`delta_record.metadata`).
#[derive(SimpleObject)]
pub struct UniverseDeltaMetadata {
    /// The author (an identity or a display name).
    pub author: Option<String>,
    /// Why the change was made.
    pub reason: Option<String>,
    /// Any further attributes (a JSON object).
    pub properties: Json<serde_json::Value>,
}

impl From<&DeltaMetadata> for UniverseDeltaMetadata {
    fn from(m: &DeltaMetadata) -> Self {
        Self {
            author: m.author.clone(),
            reason: m.reason.clone(),
            properties: json_map(&m.properties),
        }
    }
}

// ------------------------------------------------------------------------------- types

/// A node of the knowledge graph.
pub struct UniverseEntity(pub Node<node::Model>);

impl From<Node<node::Model>> for UniverseEntity {
    fn from(m: Node<node::Model>) -> Self {
        Self(m)
    }
}

/// A node of the knowledge graph.
#[Object]
impl UniverseEntity {
    /// The entity's id.
    async fn id(&self) -> ID {
        ID(self.0.id.clone())
    }
    /// The entity's kind (e.g. `person`, `concept`).
    async fn entity_type(&self) -> &str {
        &self.0.entity_type
    }
    /// When the entity was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When the entity was last updated.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
    /// Name, description, tags and free properties.
    async fn metadata(&self) -> UniverseEntityMetadata {
        (&self.0.metadata).into()
    }
    /// The optimistic-concurrency counter: 1 when created, bumped by every write.
    async fn version(&self) -> i32 {
        crate::scalars::int(self.0.version)
    }

    /// The relations leaving this entity (default order: id).
    async fn outgoing(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, counting forward (default 20, at most 100).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Start after this cursor.")] after: Option<String>,
        #[graphql(desc = "Page size, counting backward.")] last: Option<i32>,
        #[graphql(desc = "End before this cursor.")] before: Option<String>,
        #[graphql(desc = "Only relations matching this filter.")] filter: Option<
            UniverseRelationFilter,
        >,
        #[graphql(desc = "Sort order (the id breaks ties).")] order_by: Option<
            UniverseRelationOrder,
        >,
    ) -> Result<Conn<UniverseRelation>> {
        let req = list_request(
            filter.as_ref(),
            Condition::all(),
            UniverseRelationOrder::ordering(order_by),
            PageArgs::new(first, after, last, before),
        )
        .extend()?;
        nested_connection::<UniverseLoader, _, _, _, _, _>(
            ctx,
            &self.0,
            req,
            |e, l: &ListRef<_>| OutgoingOf(e.id.clone(), l.clone()),
            |e, c: &CountRef| OutgoingCountOf(e.id.clone(), c.clone()),
        )
        .await
    }

    /// The relations arriving at this entity (default order: id).
    async fn incoming(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, counting forward (default 20, at most 100).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Start after this cursor.")] after: Option<String>,
        #[graphql(desc = "Page size, counting backward.")] last: Option<i32>,
        #[graphql(desc = "End before this cursor.")] before: Option<String>,
        #[graphql(desc = "Only relations matching this filter.")] filter: Option<
            UniverseRelationFilter,
        >,
        #[graphql(desc = "Sort order (the id breaks ties).")] order_by: Option<
            UniverseRelationOrder,
        >,
    ) -> Result<Conn<UniverseRelation>> {
        let req = list_request(
            filter.as_ref(),
            Condition::all(),
            UniverseRelationOrder::ordering(order_by),
            PageArgs::new(first, after, last, before),
        )
        .extend()?;
        nested_connection::<UniverseLoader, _, _, _, _, _>(
            ctx,
            &self.0,
            req,
            |e, l: &ListRef<_>| IncomingOf(e.id.clone(), l.clone()),
            |e, c: &CountRef| IncomingCountOf(e.id.clone(), c.clone()),
        )
        .await
    }

    /// The entities this one is linked to by relations: distinct, ordered by id. Batched
    /// with sibling entities (one statement per level).
    async fn connected(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            default,
            desc = "`OUTGOING`: targets of relations leaving this entity; `INCOMING`: sources of relations arriving at it; `BOTH` (default): either."
        )]
        direction: UniverseDirection,
        #[graphql(desc = "Only through relations of this type.")] relation_type: Option<String>,
    ) -> Result<Vec<UniverseEntity>> {
        let (cache, loader) = batch::parts::<UniverseLoader>(ctx)?;
        let reach = Reach::from(direction);
        let tag = format!("connected:{reach:?}:{relation_type:?}");
        let page = batch::page(&cache, &loader, &self.0, &tag, |e| {
            ConnectedOf(e.id.clone(), reach, relation_type.clone())
        })
        .await
        .extend()?;
        Ok(page
            .edges
            .into_iter()
            .map(|(_, n)| UniverseEntity(n))
            .collect())
    }
}

/// A directed, typed edge between two entities.
pub struct UniverseRelation(pub Node<relation::Model>);

impl From<Node<relation::Model>> for UniverseRelation {
    fn from(m: Node<relation::Model>) -> Self {
        Self(m)
    }
}

/// A directed, typed edge between two entities.
#[Object]
impl UniverseRelation {
    /// The relation's id.
    async fn id(&self) -> ID {
        ID(self.0.id.clone())
    }
    /// The id of the entity the relation leaves.
    async fn from_entity(&self) -> ID {
        ID(self.0.from_entity.clone())
    }
    /// The id of the entity the relation reaches.
    async fn to_entity(&self) -> ID {
        ID(self.0.to_entity.clone())
    }
    /// The relation's kind (e.g. `part_of`).
    async fn relation_type(&self) -> &str {
        &self.0.relation_type
    }
    /// When the relation was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// Weight, label and free properties.
    async fn metadata(&self) -> UniverseRelationMetadata {
        (&self.0.metadata).into()
    }
    /// The entity the relation leaves.
    async fn from(&self, ctx: &Context<'_>) -> Result<Option<UniverseEntity>> {
        let n = batch::one::<UniverseLoader, _, _, _>(ctx, &self.0, |r| {
            EntityId(r.from_entity.clone())
        })
        .await?;
        Ok(n.map(UniverseEntity))
    }
    /// The entity the relation reaches.
    async fn to(&self, ctx: &Context<'_>) -> Result<Option<UniverseEntity>> {
        let n =
            batch::one::<UniverseLoader, _, _, _>(ctx, &self.0, |r| EntityId(r.to_entity.clone()))
                .await?;
        Ok(n.map(UniverseEntity))
    }
}

/// One version of the system state; versions form a history tree through their parent.
pub struct UniverseStateVersion(pub Node<state_version::Model>);

impl From<Node<state_version::Model>> for UniverseStateVersion {
    fn from(m: Node<state_version::Model>) -> Self {
        Self(m)
    }
}

/// One version of the system state; versions form a history tree through their parent.
#[Object]
impl UniverseStateVersion {
    /// The version's id.
    async fn version_id(&self) -> ID {
        ID(self.0.version_id.clone())
    }
    /// The id of the version this one was derived from; null for a root.
    async fn parent_version_id(&self) -> Option<ID> {
        self.0.parent_version_id.clone().map(ID)
    }
    /// When the version was made.
    async fn timestamp(&self) -> DateTime<Utc> {
        self.0.timestamp
    }
    /// What the version is.
    async fn description(&self) -> &str {
        &self.0.description
    }
    /// Hash of the state's content at this version.
    async fn data_hash(&self) -> &str {
        &self.0.data_hash
    }
    /// The creator's identity (hex).
    async fn owner(&self) -> &str {
        &self.0.owner
    }

    /// The version this one was derived from; null for a root.
    async fn parent(&self, ctx: &Context<'_>) -> Result<Option<UniverseStateVersion>> {
        let n = batch::one::<UniverseLoader, _, _, _>(ctx, &self.0, |v| {
            ParentOf(v.parent_version_id.clone())
        })
        .await?;
        Ok(n.map(UniverseStateVersion))
    }

    /// The versions derived directly from this one (default order: oldest first).
    async fn children(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, counting forward (default 20, at most 100).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Start after this cursor.")] after: Option<String>,
        #[graphql(desc = "Page size, counting backward.")] last: Option<i32>,
        #[graphql(desc = "End before this cursor.")] before: Option<String>,
        #[graphql(desc = "Only versions matching this filter.")] filter: Option<
            UniverseStateVersionFilter,
        >,
        #[graphql(desc = "Sort order (the id breaks ties; default: timestamp).")] order_by: Option<
            UniverseStateVersionOrder,
        >,
    ) -> Result<Conn<UniverseStateVersion>> {
        let order = order_by.or(Some(UniverseStateVersionOrder {
            field: UniverseStateVersionOrderField::Timestamp,
            direction: OrderDirection::Asc,
        }));
        let req = list_request(
            filter.as_ref(),
            Condition::all(),
            UniverseStateVersionOrder::ordering(order),
            PageArgs::new(first, after, last, before),
        )
        .extend()?;
        nested_connection::<UniverseLoader, _, _, _, _, _>(
            ctx,
            &self.0,
            req,
            |v, l: &ListRef<_>| ChildrenOf(v.version_id.clone(), l.clone()),
            |v, c: &CountRef| ChildCountOf(v.version_id.clone(), c.clone()),
        )
        .await
    }

    /// The delta records that produced this version (default order: timestamp).
    async fn deltas(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, counting forward (default 20, at most 100).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Start after this cursor.")] after: Option<String>,
        #[graphql(desc = "Page size, counting backward.")] last: Option<i32>,
        #[graphql(desc = "End before this cursor.")] before: Option<String>,
        #[graphql(desc = "Only deltas matching this filter.")] filter: Option<UniverseDeltaFilter>,
        #[graphql(desc = "Sort order (the id breaks ties; default: timestamp).")] order_by: Option<
            UniverseDeltaOrder,
        >,
    ) -> Result<Conn<UniverseDelta>> {
        let order = order_by.or(Some(UniverseDeltaOrder {
            field: UniverseDeltaOrderField::Timestamp,
            direction: OrderDirection::Asc,
        }));
        let req = list_request(
            filter.as_ref(),
            Condition::all(),
            UniverseDeltaOrder::ordering(order),
            PageArgs::new(first, after, last, before),
        )
        .extend()?;
        nested_connection::<UniverseLoader, _, _, _, _, _>(
            ctx,
            &self.0,
            req,
            |v, l: &ListRef<_>| DeltasOf(v.version_id.clone(), l.clone()),
            |v, c: &CountRef| DeltaCountOf(v.version_id.clone(), c.clone()),
        )
        .await
    }

    /// The versions this one descends from, nearest (the parent) first, up to the root
    /// or `maxDepth` steps. Cycle-safe: a cycle in the data lists each version once.
    async fn ancestors(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            default = 100,
            desc = "How many parent steps to walk at most (1 to 10000, default 100)."
        )]
        max_depth: i32,
    ) -> Result<Vec<UniverseStateVersion>> {
        let depth = service::check_depth(max_depth).extend()?;
        let (cache, loader) = batch::parts::<UniverseLoader>(ctx)?;
        let page = batch::page(
            &cache,
            &loader,
            &self.0,
            &format!("ancestors:{depth}"),
            |v| AncestorsOf(v.version_id.clone(), depth),
        )
        .await
        .extend()?;
        Ok(page
            .edges
            .into_iter()
            .map(|(_, n)| UniverseStateVersion(n))
            .collect())
    }

    /// The versions derived from this one, directly or not, level by level (then by
    /// timestamp and id), at most `maxDepth` levels down. Cycle-safe: a cycle in the data
    /// lists each version once.
    async fn descendants(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            default = 100,
            desc = "How many levels to descend at most (1 to 10000, default 100)."
        )]
        max_depth: i32,
    ) -> Result<Vec<UniverseStateVersion>> {
        let depth = service::check_depth(max_depth).extend()?;
        let (cache, loader) = batch::parts::<UniverseLoader>(ctx)?;
        let page = batch::page(
            &cache,
            &loader,
            &self.0,
            &format!("descendants:{depth}"),
            |v| DescendantsOf(v.version_id.clone(), depth),
        )
        .await
        .extend()?;
        Ok(page
            .edges
            .into_iter()
            .map(|(_, n)| UniverseStateVersion(n))
            .collect())
    }
}

/// A system event, for audit and synchronisation.
pub struct UniverseEvent(pub Node<event_log::Model>);

impl From<Node<event_log::Model>> for UniverseEvent {
    fn from(m: Node<event_log::Model>) -> Self {
        Self(m)
    }
}

/// A system event, for audit and synchronisation.
#[Object]
impl UniverseEvent {
    /// The event's id.
    async fn event_id(&self) -> ID {
        ID(self.0.event_id.clone())
    }
    /// The event's kind (e.g. `entity.created`).
    async fn event_type(&self) -> &str {
        &self.0.event_type
    }
    /// Where the event came from (a reducer, a client, a subsystem), if known.
    async fn source(&self) -> Option<&str> {
        self.0.source.as_deref()
    }
    /// When the event happened.
    async fn timestamp(&self) -> DateTime<Utc> {
        self.0.timestamp
    }
    /// The event's payload (free-form JSON).
    async fn data(&self) -> Json<serde_json::Value> {
        Json(self.0.data.clone())
    }
}

/// The detailed changes of one state transition.
pub struct UniverseDelta(pub Node<delta_record::Model>);

impl From<Node<delta_record::Model>> for UniverseDelta {
    fn from(m: Node<delta_record::Model>) -> Self {
        Self(m)
    }
}

/// The detailed changes of one state transition.
#[Object]
impl UniverseDelta {
    /// The delta's id.
    async fn delta_id(&self) -> ID {
        ID(self.0.delta_id.clone())
    }
    /// The id of the version these changes produced.
    async fn state_version_id(&self) -> ID {
        ID(self.0.state_version_id.clone())
    }
    /// The ordered operations.
    async fn operations(&self) -> Vec<UniverseDeltaOperation> {
        self.0.operations.0.iter().map(Into::into).collect()
    }
    /// When the delta was recorded.
    async fn timestamp(&self) -> DateTime<Utc> {
        self.0.timestamp
    }
    /// Author, reason and free properties.
    async fn metadata(&self) -> UniverseDeltaMetadata {
        (&self.0.metadata).into()
    }
    /// The version these changes produced.
    async fn version(&self, ctx: &Context<'_>) -> Result<Option<UniverseStateVersion>> {
        let n = batch::one::<UniverseLoader, _, _, _>(ctx, &self.0, |d| {
            VersionId(d.state_version_id.clone())
        })
        .await?;
        Ok(n.map(UniverseStateVersion))
    }
}

/// A system configuration parameter.
pub struct UniverseConfig(pub Node<config::Model>);

impl From<Node<config::Model>> for UniverseConfig {
    fn from(m: Node<config::Model>) -> Self {
        Self(m)
    }
}

/// A system configuration parameter.
#[Object]
impl UniverseConfig {
    /// The parameter's key.
    async fn key(&self) -> ID {
        ID(self.0.key.clone())
    }
    /// The value.
    async fn value(&self) -> &str {
        &self.0.value
    }
    /// What the parameter does.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }
    /// When the value was last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
    /// The identity (hex) of whoever last changed the value.
    async fn updated_by(&self) -> &str {
        &self.0.updated_by
    }
}

/// A connected client's session.
pub struct UniverseClientConnection(pub Node<client_connection::Model>);

impl From<Node<client_connection::Model>> for UniverseClientConnection {
    fn from(m: Node<client_connection::Model>) -> Self {
        Self(m)
    }
}

/// A connected client's session.
#[Object]
impl UniverseClientConnection {
    /// The client's identity (hex).
    async fn identity(&self) -> ID {
        ID(self.0.identity.clone())
    }
    /// The transport-level connection id.
    async fn connection_id(&self) -> &str {
        &self.0.connection_id
    }
    /// When the client connected.
    async fn connected_at(&self) -> DateTime<Utc> {
        self.0.connected_at
    }
    /// When the client was last active.
    async fn last_active_at(&self) -> DateTime<Utc> {
        self.0.last_active_at
    }
    /// What the client says it is (user agent, SDK version, ...).
    async fn client_info(&self) -> Option<&str> {
        self.0.client_info.as_deref()
    }
    /// Where the session stands.
    async fn status(&self) -> UniverseConnectionStatus {
        self.0.status.into()
    }

    /// The client's subscriptions (default order: id).
    async fn subscriptions(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, counting forward (default 20, at most 100).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Start after this cursor.")] after: Option<String>,
        #[graphql(desc = "Page size, counting backward.")] last: Option<i32>,
        #[graphql(desc = "End before this cursor.")] before: Option<String>,
        #[graphql(desc = "Only subscriptions matching this filter.")] filter: Option<
            UniverseSubscriptionFilter,
        >,
        #[graphql(desc = "Sort order (the id breaks ties).")] order_by: Option<
            UniverseSubscriptionOrder,
        >,
    ) -> Result<Conn<UniverseSubscription>> {
        let req = list_request(
            filter.as_ref(),
            Condition::all(),
            UniverseSubscriptionOrder::ordering(order_by),
            PageArgs::new(first, after, last, before),
        )
        .extend()?;
        nested_connection::<UniverseLoader, _, _, _, _, _>(
            ctx,
            &self.0,
            req,
            |c, l: &ListRef<_>| SubscriptionsOf(c.identity.clone(), l.clone()),
            |c, n: &CountRef| SubscriptionCountOf(c.identity.clone(), n.clone()),
        )
        .await
    }
}

/// A client's subscription to data changes.
pub struct UniverseSubscription(pub Node<subscription::Model>);

impl From<Node<subscription::Model>> for UniverseSubscription {
    fn from(m: Node<subscription::Model>) -> Self {
        Self(m)
    }
}

/// A client's subscription to data changes.
#[Object]
impl UniverseSubscription {
    /// The subscription's id.
    async fn subscription_id(&self) -> ID {
        ID(self.0.subscription_id.clone())
    }
    /// The subscribing client's identity (hex).
    async fn identity(&self) -> ID {
        ID(self.0.identity.clone())
    }
    /// The subscription's query text.
    async fn query(&self) -> &str {
        &self.0.query
    }
    /// When the subscription was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When the subscription was last updated.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
    /// Whether the subscription delivers changes.
    async fn status(&self) -> UniverseSubscriptionStatus {
        self.0.status.into()
    }
    /// The subscribing client's connection.
    async fn connection(&self, ctx: &Context<'_>) -> Result<Option<UniverseClientConnection>> {
        let n = batch::one::<UniverseLoader, _, _, _>(ctx, &self.0, |s| {
            ConnectionIdentity(s.identity.clone())
        })
        .await?;
        Ok(n.map(UniverseClientConnection))
    }
}
