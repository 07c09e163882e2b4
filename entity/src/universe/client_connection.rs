//! `client_connection`: a connected client's session.

use sea_orm::entity::prelude::*;

use super::enums::ConnectionStatus;

/// A row of `client_connection`: the session of one connected client, keyed by its
/// identity.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "client_connection")]
pub struct Model {
    /// The client's SpacetimeDB identity (hex).
    #[sea_orm(primary_key, auto_increment = false)]
    pub identity: String,
    /// The transport-level connection id (a UUID, renewed when the client reconnects).
    pub connection_id: String,
    /// When the client connected, UTC (defaults to now).
    pub connected_at: DateTimeUtc,
    /// When the client was last seen active, UTC (defaults to now).
    pub last_active_at: DateTimeUtc,
    /// What the client says it is (user agent, SDK version, ...); `None` if it said
    /// nothing.
    pub client_info: Option<String>,
    /// Connected, idle, disconnecting or disconnected (CHECK-constrained; defaults to
    /// connected); indexed.
    pub status: ConnectionStatus,
    /// The client's subscriptions (`subscription.identity`); deleted with the connection
    /// row.
    #[sea_orm(has_many)]
    pub subscriptions: HasMany<super::subscription::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
