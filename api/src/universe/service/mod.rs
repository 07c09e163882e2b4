//! Universe's business rules, independent of GraphQL.
//!
//! Reads: the graph walks of [`graph`] (re-exported here), one statement per level.
//!
//! Writes, each in one transaction through [`crate::write::Store`]:
//! - [`entities`]: entities (optimistic concurrency on `entity.version`) and relations
//!   (only between existing entities);
//! - [`versions`]: committing a state version with its delta records;
//! - [`config`]: setting a configuration parameter (`updated_by` = the actor);
//! - [`connections`]: connecting, and connection status transitions;
//! - [`subscriptions`]: creating subscriptions and their status transitions;
//! - [`sockets`]: the rows of a WebSocket's connection and subscriptions, kept true by
//!   its [`presence`].
//!
//! Event sourcing: every state change appends its events to `event_log` in the same
//! transaction as the change ([`events`]), so the log is the complete audit trail —
//! a change that commits has its events, a change that rolls back leaves none.
//!
//! Every write except [`connections::connect`] and [`connections::set_connection_status`]
//! is made by a live session: the acting identity's `client_connection` must be
//! `connected` or `idle` ([`crate::universe::access::require_live`]).

mod graph;

pub mod config;
pub mod connections;
pub mod entities;
pub mod events;
pub mod presence;
pub mod sockets;
pub mod subscriptions;
pub mod values;
pub mod versions;

pub use graph::*;

use entity::universe::enums::{ConnectionStatus, SubscriptionStatus};

/// The lowercase name of a connection status, as stored and as logged.
pub fn connection_name(s: ConnectionStatus) -> &'static str {
    match s {
        ConnectionStatus::Connected => "connected",
        ConnectionStatus::Idle => "idle",
        ConnectionStatus::Disconnecting => "disconnecting",
        ConnectionStatus::Disconnected => "disconnected",
    }
}

/// The lowercase name of a subscription status, as stored and as logged.
pub fn subscription_name(s: SubscriptionStatus) -> &'static str {
    match s {
        SubscriptionStatus::Active => "active",
        SubscriptionStatus::Paused => "paused",
        SubscriptionStatus::Cancelled => "cancelled",
    }
}
