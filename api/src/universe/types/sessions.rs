//! Client sessions: connections and their subscriptions.

use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};
use entity::universe::{client_connection, subscription};
use sea_orm::Condition;

use super::*;
use crate::batch::{self, Node};
use crate::connection::Conn;
use crate::context::{list_request, nested_connection};
use crate::error::ResultExt;
use crate::loader::{CountRef, ListRef};
use crate::pagination::PageArgs;
use crate::universe::loaders::*;

type Result<T> = async_graphql::Result<T>;

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
            Box<UniverseSubscriptionFilter>,
        >,
        #[graphql(desc = "Sort order (the id breaks ties).")] order_by: Option<
            UniverseSubscriptionOrder,
        >,
    ) -> Result<Conn<UniverseSubscription>> {
        let req = list_request(
            filter.as_deref(),
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
