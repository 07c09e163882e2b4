//! Configuration parameters.

use async_graphql::{ID, Object};
use chrono::{DateTime, Utc};
use entity::universe::config;

use crate::batch::Node;

/// A system configuration parameter.
pub struct UniverseConfig(pub Node<config::Model>);

impl From<Node<config::Model>> for UniverseConfig {
    fn from(m: Node<config::Model>) -> Self {
        Self(m)
    }
}

/// A system configuration parameter.
#[Object]
impl UniverseConfig {
    /// The parameter's key.
    async fn key(&self) -> ID {
        ID(self.0.key.clone())
    }
    /// The value.
    async fn value(&self) -> &str {
        &self.0.value
    }
    /// What the parameter does.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }
    /// When the value was last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
    /// The identity (hex) of whoever last changed the value.
    async fn updated_by(&self) -> &str {
        &self.0.updated_by
    }
}
