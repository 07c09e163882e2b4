//! Inner Universe's mutations: connecting (an anonymous identity, as SpacetimeDB does),
//! the knowledge graph, state versions, configuration, and the caller's connection and
//! subscriptions.
//!
//! Every mutation but `universeConnect` acts as the identity of the request's Universe
//! token (`UNAUTHENTICATED` without one) whose connection must be live (`FORBIDDEN`
//! when it is disconnecting or disconnected). Inputs are validated before any SQL;
//! each mutation runs in one transaction and appends its events to the event log in it;
//! every payload carries the changed objects and the events appended.

use async_graphql::{Context, ID, Object};
use chrono::DateTime;
use entity::Domain;
use entity::universe::event_log;

use super::access::actor;
use super::inputs::*;
use super::service::{self, config, connections, entities, subscriptions, versions};
use super::types::*;
use crate::auth::Tokens;
use crate::batch::{Node, Rows};
use crate::context::databases;
use crate::error::ResultExt;
use crate::write::Store;

type Result<T> = async_graphql::Result<T>;

fn store(ctx: &Context<'_>) -> Result<Store> {
    Ok(databases(ctx)?.store(Domain::Universe))
}

fn events(rows: Vec<event_log::Model>) -> Vec<UniverseEvent> {
    Rows::new(rows).nodes().map(UniverseEvent).collect()
}

// ----------------------------------------------------------------------------- resolvers

/// Inner Universe's part of the root mutation.
#[derive(Default)]
pub struct UniverseMutation;

/// Inner Universe's part of the root mutation.
#[Object]
impl UniverseMutation {
    /// Creates an anonymous identity (and records its client connection); the returned
    /// token acts as that identity.
    async fn universe_connect(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What the client is (user agent, SDK version; at most 512 characters).")]
        client_info: Option<String>,
    ) -> Result<UniverseIdentity> {
        let info = connections::client_info("clientInfo", client_info.as_deref()).extend()?;
        let tokens = ctx.data::<Tokens>()?;
        let written = connections::connect(&store(ctx)?, tokens, info)
            .await
            .extend()?;
        let connections::Connected { connection, token } = written.value;
        Ok(UniverseIdentity {
            identity: connection.identity.clone(),
            connection_id: connection.connection_id.clone(),
            token: token.token,
            expires_at: DateTime::from_timestamp(token.claims.exp, 0).unwrap_or_default(),
            connection: UniverseClientConnection(Node::single(connection)),
            events: events(written.events),
        })
    }

    /// Creates a knowledge-graph entity at version 1. `CONFLICT` if the id is taken.
    async fn universe_create_entity(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The entity.")] input: UniverseCreateEntityInput,
    ) -> Result<UniverseCreateEntityPayload> {
        let actor = actor(ctx).extend()?;
        let input = input.parse().extend()?;
        let written = entities::create_entity(&store(ctx)?, &actor, input)
            .await
            .extend()?;
        Ok(UniverseCreateEntityPayload {
            entity: UniverseEntity(Node::single(written.value)),
            events: events(written.events),
        })
    }

    /// Updates an entity from the version the caller read (optimistic concurrency):
    /// `CONFLICT` if it has been changed since, `NOT_FOUND` if it is gone. The version
    /// goes up by one.
    async fn universe_update_entity(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The entity, the version read and the changes.")]
        input: UniverseUpdateEntityInput,
    ) -> Result<UniverseUpdateEntityPayload> {
        let actor = actor(ctx).extend()?;
        let input = input.parse().extend()?;
        let written = entities::update_entity(&store(ctx)?, &actor, input)
            .await
            .extend()?;
        Ok(UniverseUpdateEntityPayload {
            entity: UniverseEntity(Node::single(written.value)),
            events: events(written.events),
        })
    }

    /// Deletes an entity as of the version the caller read, with all its relations:
    /// `CONFLICT` if it has been changed since, `NOT_FOUND` if it is gone.
    async fn universe_delete_entity(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The entity and the version read.")] input: UniverseDeleteEntityInput,
    ) -> Result<UniverseDeleteEntityPayload> {
        let actor = actor(ctx).extend()?;
        let (id, expected) = input.parse().extend()?;
        let written = entities::delete_entity(&store(ctx)?, &actor, id, expected)
            .await
            .extend()?;
        Ok(UniverseDeleteEntityPayload {
            deleted_id: ID(written.value.id),
            deleted_relation_ids: written.value.relation_ids.into_iter().map(ID).collect(),
            events: events(written.events),
        })
    }

    /// Creates a relation between two existing entities (`BAD_USER_INPUT` on
    /// `input.fromEntity` / `input.toEntity` otherwise). `CONFLICT` if the id is taken.
    async fn universe_create_relation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The relation.")] input: UniverseCreateRelationInput,
    ) -> Result<UniverseCreateRelationPayload> {
        let actor = actor(ctx).extend()?;
        let input = input.parse().extend()?;
        let written = entities::create_relation(&store(ctx)?, &actor, input)
            .await
            .extend()?;
        Ok(UniverseCreateRelationPayload {
            relation: UniverseRelation(Node::single(written.value)),
            events: events(written.events),
        })
    }

    /// Deletes a relation. `NOT_FOUND` if there is none.
    async fn universe_delete_relation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The relation's id.")] id: ID,
    ) -> Result<UniverseDeleteRelationPayload> {
        let actor = actor(ctx).extend()?;
        let id = service::values::Key::parse("id", &id, service::values::MAX_ID).extend()?;
        let written = entities::delete_relation(&store(ctx)?, &actor, id)
            .await
            .extend()?;
        Ok(UniverseDeleteRelationPayload {
            deleted_id: ID(written.value),
            events: events(written.events),
        })
    }

    /// Commits a state version, owned by the caller, with its delta records. The
    /// parent must exist (`BAD_USER_INPUT` on `input.parentVersionId`); a version may
    /// have several children (history is a tree). `CONFLICT` if the version id or a
    /// delta id is taken.
    async fn universe_commit_state_version(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The version and its deltas.")] input: UniverseCommitStateVersionInput,
    ) -> Result<UniverseCommitStateVersionPayload> {
        let actor = actor(ctx).extend()?;
        let input = input.parse().extend()?;
        let written = versions::commit_version(&store(ctx)?, &actor, input)
            .await
            .extend()?;
        let versions::Committed { version, deltas } = written.value;
        Ok(UniverseCommitStateVersionPayload {
            version: UniverseStateVersion(Node::single(version)),
            deltas: Rows::new(deltas).nodes().map(UniverseDelta).collect(),
            events: events(written.events),
        })
    }

    /// Sets a configuration parameter (creating it if new), recording the caller as
    /// `updatedBy`. Last writer wins.
    async fn universe_set_config(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The key, the value and optionally the description.")]
        input: UniverseSetConfigInput,
    ) -> Result<UniverseSetConfigPayload> {
        let actor = actor(ctx).extend()?;
        let input = input.parse().extend()?;
        let written = config::set_config(&store(ctx)?, &actor, input)
            .await
            .extend()?;
        Ok(UniverseSetConfigPayload {
            config: UniverseConfig(Node::single(written.value)),
            events: events(written.events),
        })
    }

    /// Moves the caller's connection to another status. Allowed: `CONNECTED` ⇄ `IDLE`;
    /// `CONNECTED`/`IDLE` → `DISCONNECTING`; `CONNECTED`/`IDLE`/`DISCONNECTING` →
    /// `DISCONNECTED`; `DISCONNECTED` → `CONNECTED` (a reconnect: new connection id).
    /// Anything else (staying put included) is `BAD_USER_INPUT` on `input.status`.
    /// Disconnecting for good cancels the caller's active and paused subscriptions.
    async fn universe_set_connection_status(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new status.")] input: UniverseSetConnectionStatusInput,
    ) -> Result<UniverseSetConnectionStatusPayload> {
        let actor = actor(ctx).extend()?;
        let written = connections::set_connection_status(&store(ctx)?, &actor, input.status.into())
            .await
            .extend()?;
        let connections::ConnectionChanged {
            connection,
            cancelled,
        } = written.value;
        Ok(UniverseSetConnectionStatusPayload {
            connection: UniverseClientConnection(Node::single(connection)),
            cancelled_subscriptions: Rows::new(cancelled)
                .nodes()
                .map(UniverseSubscription)
                .collect(),
            events: events(written.events),
        })
    }

    /// Subscribes the caller to data changes; the subscription starts `ACTIVE`.
    async fn universe_create_subscription(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The query to subscribe to.")] input: UniverseCreateSubscriptionInput,
    ) -> Result<UniverseCreateSubscriptionPayload> {
        let actor = actor(ctx).extend()?;
        let query = subscriptions::query("input.query", &input.query).extend()?;
        let written = subscriptions::create_subscription(&store(ctx)?, &actor, query)
            .await
            .extend()?;
        Ok(UniverseCreateSubscriptionPayload {
            subscription: UniverseSubscription(Node::single(written.value)),
            events: events(written.events),
        })
    }

    /// Moves one of the caller's subscriptions to another status: `ACTIVE` ⇄ `PAUSED`,
    /// either → `CANCELLED` (final). Anything else (staying put included) is
    /// `BAD_USER_INPUT` on `input.status`; another identity's subscription is
    /// `FORBIDDEN`; a missing one `NOT_FOUND`.
    async fn universe_set_subscription_status(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The subscription and its new status.")]
        input: UniverseSetSubscriptionStatusInput,
    ) -> Result<UniverseSetSubscriptionStatusPayload> {
        let actor = actor(ctx).extend()?;
        let id = input.subscription_id().extend()?;
        let written =
            subscriptions::set_subscription_status(&store(ctx)?, &actor, id, input.status.into())
                .await
                .extend()?;
        Ok(UniverseSetSubscriptionStatusPayload {
            subscription: UniverseSubscription(Node::single(written.value)),
            events: events(written.events),
        })
    }
}
