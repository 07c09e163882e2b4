//! `client_connection`: a connected client's session.

use sea_orm::entity::prelude::*;

use super::enums::ConnectionStatus;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "client_connection")]
pub struct Model {
    /// The client's SpacetimeDB identity (hex).
    #[sea_orm(primary_key, auto_increment = false)]
    pub identity: String,
    /// The transport-level connection id.
    pub connection_id: String,
    pub connected_at: DateTimeUtc,
    pub last_active_at: DateTimeUtc,
    /// What the client says it is (user agent, SDK version, ...).
    pub client_info: Option<String>,
    pub status: ConnectionStatus,
    /// The client's subscriptions.
    #[sea_orm(has_many)]
    pub subscriptions: HasMany<super::subscription::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
