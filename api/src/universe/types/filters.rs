//! Universe's table filters and orders. The domain holds no secrets: every column may be
//! filtered on.

use entity::universe::{
    client_connection, config, delta_record, entity as node, event_log, relation, state_version,
    subscription,
};

use super::enums::*;
use crate::filter::{DateTimeFilter, IntFilter, StringFilter};
use crate::{filter_input, order_input};

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
