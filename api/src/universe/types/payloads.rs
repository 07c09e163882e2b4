//! The payloads of Universe's mutations: the changed objects and the events appended.

use async_graphql::{ID, SimpleObject};
use chrono::{DateTime, Utc};

use super::*;

/// A new anonymous identity and its token.
#[derive(SimpleObject)]
pub struct UniverseIdentity {
    /// The new identity (hex).
    pub identity: String,
    /// The connection recorded for it.
    pub connection_id: String,
    /// Send as `Authorization: Bearer <token>` to act as this identity.
    pub token: String,
    /// When the token expires.
    pub expires_at: DateTime<Utc>,
    /// The connection recorded for it (status `CONNECTED`).
    pub connection: UniverseClientConnection,
    /// The events appended (`client.connected`).
    pub events: Vec<UniverseEvent>,
}

/// The result of `universeCreateEntity`.
#[derive(SimpleObject)]
pub struct UniverseCreateEntityPayload {
    /// The new entity (at version 1).
    pub entity: UniverseEntity,
    /// The events appended (`entity.created`).
    pub events: Vec<UniverseEvent>,
}

/// The result of `universeUpdateEntity`.
#[derive(SimpleObject)]
pub struct UniverseUpdateEntityPayload {
    /// The entity after the update (its version one more than the one read).
    pub entity: UniverseEntity,
    /// The events appended (`entity.updated`).
    pub events: Vec<UniverseEvent>,
}

/// The result of `universeDeleteEntity`.
#[derive(SimpleObject)]
pub struct UniverseDeleteEntityPayload {
    /// The deleted entity's id.
    pub deleted_id: ID,
    /// The ids of the relations deleted with it (both directions), in id order.
    pub deleted_relation_ids: Vec<ID>,
    /// The events appended (`relation.deleted` for each relation, then
    /// `entity.deleted`).
    pub events: Vec<UniverseEvent>,
}

/// The result of `universeCreateRelation`.
#[derive(SimpleObject)]
pub struct UniverseCreateRelationPayload {
    /// The new relation.
    pub relation: UniverseRelation,
    /// The events appended (`relation.created`).
    pub events: Vec<UniverseEvent>,
}

/// The result of `universeDeleteRelation`.
#[derive(SimpleObject)]
pub struct UniverseDeleteRelationPayload {
    /// The deleted relation's id.
    pub deleted_id: ID,
    /// The events appended (`relation.deleted`).
    pub events: Vec<UniverseEvent>,
}

/// The result of `universeCommitStateVersion`.
#[derive(SimpleObject)]
pub struct UniverseCommitStateVersionPayload {
    /// The new version.
    pub version: UniverseStateVersion,
    /// Its delta records, in the order given.
    pub deltas: Vec<UniverseDelta>,
    /// The events appended (`version.committed`).
    pub events: Vec<UniverseEvent>,
}

/// The result of `universeSetConfig`.
#[derive(SimpleObject)]
pub struct UniverseSetConfigPayload {
    /// The parameter as set.
    pub config: UniverseConfig,
    /// The events appended (`config.set`).
    pub events: Vec<UniverseEvent>,
}

/// The result of `universeSetConnectionStatus`.
#[derive(SimpleObject)]
pub struct UniverseSetConnectionStatusPayload {
    /// The caller's connection after the change.
    pub connection: UniverseClientConnection,
    /// The subscriptions a disconnect cancelled (empty otherwise).
    pub cancelled_subscriptions: Vec<UniverseSubscription>,
    /// The events appended (`client.status_changed`, then
    /// `subscription.status_changed` for each cancelled subscription).
    pub events: Vec<UniverseEvent>,
}

/// The result of `universeCreateSubscription`.
#[derive(SimpleObject)]
pub struct UniverseCreateSubscriptionPayload {
    /// The new subscription (`ACTIVE`).
    pub subscription: UniverseSubscription,
    /// The events appended (`subscription.created`).
    pub events: Vec<UniverseEvent>,
}

/// The result of `universeSetSubscriptionStatus`.
#[derive(SimpleObject)]
pub struct UniverseSetSubscriptionStatusPayload {
    /// The subscription after the change.
    pub subscription: UniverseSubscription,
    /// The events appended (`subscription.status_changed`).
    pub events: Vec<UniverseEvent>,
}
