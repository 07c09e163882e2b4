//! The API keys of a project (metadata only).

use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};
use entity::orquestra::api_keys;

use super::*;
use crate::batch::{self, Node};
use crate::orquestra::loaders::*;

type Result<T> = async_graphql::Result<T>;

/// An API key of a project. Only metadata: the key (and its hash) is never readable.
pub struct OrquestraApiKey(pub Node<api_keys::Model>);

impl From<Node<api_keys::Model>> for OrquestraApiKey {
    fn from(m: Node<api_keys::Model>) -> Self {
        Self(m)
    }
}

/// An API key of a project. Only metadata: the key (and its hash) is never readable.
#[Object]
impl OrquestraApiKey {
    /// The key's id (a UUID).
    async fn id(&self) -> ID {
        ID(self.0.id.clone())
    }
    /// How the key starts: `oq_<key id>_`, cut after 12 characters of a longer id. Not a
    /// secret (the secret part follows it), it tells keys apart.
    async fn prefix(&self) -> String {
        crate::orquestra::service::api_keys::display_prefix(&self.0.id)
    }
    /// The project's id.
    async fn project_id(&self) -> ID {
        ID(self.0.project_id.clone())
    }
    /// When the key was last used.
    async fn last_used(&self) -> Option<DateTime<Utc>> {
        self.0.last_used
    }
    /// When the key was created.
    async fn created_at(&self) -> Option<DateTime<Utc>> {
        self.0.created_at
    }
    /// When the key expires (never when null).
    async fn expires_at(&self) -> Option<DateTime<Utc>> {
        self.0.expires_at
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
