//! Universe's business rules, independent of GraphQL.
//!
//! Reads: the graph walks of [`graph`] (re-exported here), one statement per level.
//!
//! Writes, each in one transaction through [`crate::write::Store`]:
//! - [`entities`]: entities (optimistic concurrency on `entity.version`) and relations
//!   (only between existing entities);
//! - [`versions`]: committing a state version with its delta records;
//! - [`config`]: setting a configuration parameter (`updated_by` = the actor);
//! - [`sessions`]: connecting, connection status and subscription status transitions.
//!
//! Event sourcing: every state change appends its events to `event_log` in the same
//! transaction as the change ([`events`]), so the log is the complete audit trail —
//! a change that commits has its events, a change that rolls back leaves none.
//!
//! Every write except [`sessions::connect`] and [`sessions::set_connection_status`] is
//! made by a live session: the acting identity's `client_connection` must be `connected`
//! or `idle` ([`sessions::require_live`]).

mod graph;

pub mod config;
pub mod entities;
pub mod events;
pub mod sessions;
pub mod values;
pub mod versions;

pub use graph::*;
