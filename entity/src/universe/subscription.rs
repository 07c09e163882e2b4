//! `subscription`: a client's subscription to data changes (migration 002).

use sea_orm::entity::prelude::*;

use super::enums::SubscriptionStatus;

/// A row of `subscription`: one client's subscription to data changes.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "subscription")]
pub struct Model {
    /// Text primary key: a client-chosen key or a generated UUID.
    #[sea_orm(primary_key, auto_increment = false)]
    pub subscription_id: String,
    /// The subscribing client's SpacetimeDB identity (hex), a `client_connection.identity`
    /// (cascade); indexed.
    pub identity: String,
    /// The subscription's query text.
    pub query: String,
    /// When the subscription was created, UTC (defaults to now).
    pub created_at: DateTimeUtc,
    /// When the subscription (its query or status) last changed, UTC (defaults to now).
    pub updated_at: DateTimeUtc,
    /// Active, paused or cancelled (CHECK-constrained; defaults to active); indexed.
    pub status: SubscriptionStatus,
    /// The subscribing client's session, through `identity`.
    #[sea_orm(belongs_to, from = "identity", to = "identity", on_delete = "Cascade")]
    pub client_connection: BelongsTo<super::client_connection::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
