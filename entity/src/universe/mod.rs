//! Inner Universe: a knowledge graph (`entity`, `relation`), versioned state
//! (`state_version`, `delta_record`), an event log (`event_log`), configuration
//! (`config`) and client sessions with their subscriptions (`client_connection`,
//! `subscription`) (seed 004, SpacetimeDB in the seed).
//!
//! SpacetimeDB `Identity` values are stored as their hex text; `Timestamp`s as
//! `timestamptz`.

pub mod client_connection;
pub mod config;
pub mod delta_record;
pub mod entity;
pub mod enums;
pub mod event_log;
pub mod json;
pub mod relation;
pub mod state_version;
pub mod subscription;
