//! Enumerated columns of Inner Universe, stored as text and guarded by CHECK constraints.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// `client_connection.status`: where a client session stands.
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    Hash,
    EnumIter,
    DeriveActiveEnum,
    Serialize,
    Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
#[serde(rename_all = "lowercase")]
pub enum ConnectionStatus {
    /// Connected and active (the default).
    #[default]
    #[sea_orm(string_value = "connected")]
    Connected,
    /// Connected but quiet.
    #[sea_orm(string_value = "idle")]
    Idle,
    /// Closing.
    #[sea_orm(string_value = "disconnecting")]
    Disconnecting,
    /// Gone.
    #[sea_orm(string_value = "disconnected")]
    Disconnected,
}

/// `subscription.status`: whether a subscription delivers changes.
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    Hash,
    EnumIter,
    DeriveActiveEnum,
    Serialize,
    Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
#[serde(rename_all = "lowercase")]
pub enum SubscriptionStatus {
    /// Delivering changes (the default).
    #[default]
    #[sea_orm(string_value = "active")]
    Active,
    /// Temporarily not delivering.
    #[sea_orm(string_value = "paused")]
    Paused,
    /// Ended for good.
    #[sea_orm(string_value = "cancelled")]
    Cancelled,
}
