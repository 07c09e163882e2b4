//! The known addresses of a project.

use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};
use entity::orquestra::known_addresses;

use super::*;
use crate::batch::{self, Node};
use crate::orquestra::loaders::*;

type Result<T> = async_graphql::Result<T>;

/// A labelled Solana address of a project (a treasury, an authority, ...).
pub struct OrquestraKnownAddress(pub Node<known_addresses::Model>);

impl From<Node<known_addresses::Model>> for OrquestraKnownAddress {
    fn from(m: Node<known_addresses::Model>) -> Self {
        Self(m)
    }
}

/// A labelled Solana address of a project (a treasury, an authority, ...).
#[Object]
impl OrquestraKnownAddress {
    /// The row's id (a UUID).
    async fn id(&self) -> ID {
        ID(self.0.id.clone())
    }
    /// The project's id.
    async fn project_id(&self) -> ID {
        ID(self.0.project_id.clone())
    }
    /// Human-readable label, e.g. "Treasury".
    async fn label(&self) -> &str {
        &self.0.label
    }
    /// The Solana public key.
    async fn address(&self) -> &str {
        &self.0.address
    }
    /// What the address is for.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }
    /// When the row was created.
    async fn created_at(&self) -> Option<DateTime<Utc>> {
        self.0.created_at
    }
    /// When the row was last changed.
    async fn updated_at(&self) -> Option<DateTime<Utc>> {
        self.0.updated_at
    }
    /// The project (`FORBIDDEN` if the viewer may not see it).
    async fn project(&self, ctx: &Context<'_>) -> Option<Result<OrquestraProject>> {
        async {
            let n = batch::one::<OrquestraLoader, _, _, _>(ctx, &self.0, |m| {
                ProjectId(m.project_id.clone())
            })
            .await?;
            visible_project(ctx, n)
        }
        .await
        .transpose()
    }
}
