//! The event log.

use async_graphql::{ID, Json, Object};
use chrono::{DateTime, Utc};
use entity::universe::event_log;

use crate::batch::Node;

/// A system event, for audit and synchronisation.
pub struct UniverseEvent(pub Node<event_log::Model>);

impl From<Node<event_log::Model>> for UniverseEvent {
    fn from(m: Node<event_log::Model>) -> Self {
        Self(m)
    }
}

/// A system event, for audit and synchronisation.
#[Object]
impl UniverseEvent {
    /// The event's id.
    async fn event_id(&self) -> ID {
        ID(self.0.event_id.clone())
    }
    /// The event's kind (e.g. `entity.created`).
    async fn event_type(&self) -> &str {
        &self.0.event_type
    }
    /// Where the event came from (a reducer, a client, a subsystem), if known.
    async fn source(&self) -> Option<&str> {
        self.0.source.as_deref()
    }
    /// When the event happened.
    async fn timestamp(&self) -> DateTime<Utc> {
        self.0.timestamp
    }
    /// The event's payload (free-form JSON).
    async fn data(&self) -> Json<serde_json::Value> {
        Json(self.0.data.clone())
    }
}
