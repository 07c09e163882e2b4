//! The event log as the audit trail: every write collects the events of its state
//! changes in an [`Events`] and appends them in its own transaction, so they commit or
//! roll back with the change.
//!
//! Each event has:
//! - `event_type`: one of the constants below (`<object>.<past tense>`, as the demo
//!   data's `entity.created` / `version.committed`);
//! - `source`: the acting identity (hex), so "what did this identity do" is the indexed
//!   `source` filter;
//! - `timestamp`: the write's one timestamp, shared with the rows it wrote;
//! - `event_id`: a time-ordered UUID (version 7 layout with a per-process counter), so
//!   the events of one write sort in the order they happened under
//!   `ORDER BY timestamp, event_id`;
//! - `data`: a JSON object naming the changed row(s), with the values before and after
//!   where there is a before.

use chrono::{DateTime, Utc};
use entity::universe::event_log;
use sea_orm::{ConnectionTrait, DbErr, EntityTrait, IntoActiveModel};
use serde_json::Value;

use crate::clock::Clock;
use crate::events::EventLog;
use crate::events::log;

/// An entity was created (`entity_id`, `entity_type`, `version`, `metadata`).
pub const ENTITY_CREATED: &str = "entity.created";
/// An entity was updated (`entity_id`, `version`, `previous_version`, `before`, `after`).
pub const ENTITY_UPDATED: &str = "entity.updated";
/// An entity was deleted (`entity_id`, `version`, `before`, `relation_ids`); each of its
/// relations gets its own [`RELATION_DELETED`] event.
pub const ENTITY_DELETED: &str = "entity.deleted";
/// A relation was created (`relation_id`, `from_entity`, `to_entity`, `relation_type`,
/// `metadata`).
pub const RELATION_CREATED: &str = "relation.created";
/// A relation was deleted (the same fields as [`RELATION_CREATED`], plus
/// `with_entity` when it went with a deleted entity).
pub const RELATION_DELETED: &str = "relation.deleted";
/// A state version was committed (`version_id`, `parent_version_id`, `data_hash`,
/// `description`, `delta_ids`, `operation_count`).
pub const VERSION_COMMITTED: &str = "version.committed";
/// A configuration parameter was set (`key`, `value`, `previous_value`, `description`,
/// `previous_description`).
pub const CONFIG_SET: &str = "config.set";
/// An identity connected (`identity`, `connection_id`, `client_info`).
pub const CLIENT_CONNECTED: &str = "client.connected";
/// A client connection changed status (`identity`, `connection_id`, `from`, `to`, and
/// `previous_connection_id` on a reconnect).
pub const CLIENT_STATUS_CHANGED: &str = "client.status_changed";
/// A subscription was created (`subscription_id`, `identity`, `query`).
pub const SUBSCRIPTION_CREATED: &str = "subscription.created";
/// A subscription changed status (`subscription_id`, `identity`, `from`, `to`, and
/// `with_connection` when a disconnect cancelled it).
pub const SUBSCRIPTION_STATUS_CHANGED: &str = "subscription.status_changed";

/// The events of one write, appended to `event_log` by [`Events::append`].
#[derive(Debug)]
pub struct Events {
    clock: Clock,
    source: String,
    at: DateTime<Utc>,
    rows: Vec<event_log::Model>,
}

impl Events {
    /// Events caused by `actor` at `at`, their ids from `clock`.
    pub fn new(clock: &Clock, actor: &str, at: DateTime<Utc>) -> Self {
        Self {
            clock: clock.clone(),
            source: actor.to_owned(),
            at,
            rows: Vec::new(),
        }
    }

    /// Records one event of `event_type` with `data`.
    pub fn push(&mut self, event_type: &str, data: Value) {
        self.rows.push(event_log::Model {
            event_id: self.clock.ordered_id(),
            event_type: event_type.to_owned(),
            source: Some(self.source.clone()),
            timestamp: self.at,
            data,
            seq: None,
        });
    }

    /// Inserts the events (one statement), numbered in the log's gap-free order, and
    /// returns them in order. Takes the log's append lock: call it as the last step of a
    /// write (see [`crate::events::log`]).
    pub async fn append<C: ConnectionTrait>(
        mut self,
        txn: &C,
    ) -> Result<Vec<event_log::Model>, DbErr> {
        if self.rows.is_empty() {
            return Ok(self.rows);
        }
        let first = log::next_seq::<EventLog, C>(txn).await?;
        for (row, seq) in self.rows.iter_mut().zip(first..) {
            row.seq = Some(seq);
        }
        event_log::Entity::insert_many(self.rows.iter().cloned().map(|m| m.into_active_model()))
            .exec_without_returning(txn)
            .await?;
        if let Some(last) = self.rows.last().and_then(|r| r.seq) {
            log::announce(txn, entity::Domain::Universe, last).await?;
        }
        Ok(self.rows)
    }
}

/// What a write did and the events it appended.
#[derive(Debug)]
pub struct Written<T> {
    /// The written row(s).
    pub value: T,
    /// The events appended for it, in order.
    pub events: Vec<event_log::Model>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_ids_are_time_ordered_uuids_that_never_go_backwards() {
        let clock = Clock::system();
        let ids: Vec<String> = (0..10_000).map(|_| clock.ordered_id()).collect();
        for pair in ids.windows(2) {
            assert!(pair[0] < pair[1], "{} then {}", pair[0], pair[1]);
        }
        let id = uuid::Uuid::parse_str(&ids[0]).unwrap();
        assert_eq!(id.get_version_num(), 7);
    }
}
