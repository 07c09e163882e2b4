//! `subscription`: a client's subscription to data changes (migration 002).

use sea_orm::entity::prelude::*;

use super::enums::SubscriptionStatus;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "subscription")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub subscription_id: String,
    /// The subscribing client's identity (hex); `client_connection.identity`.
    pub identity: String,
    /// The subscription's query text.
    pub query: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub status: SubscriptionStatus,
    #[sea_orm(belongs_to, from = "identity", to = "identity", on_delete = "Cascade")]
    pub client_connection: BelongsTo<super::client_connection::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
