//! The social links of a project.

use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};
use entity::orquestra::project_socials;

use super::*;
use crate::batch::{self, Node};
use crate::orquestra::loaders::*;

type Result<T> = async_graphql::Result<T>;

/// A project's social links (one set per project).
pub struct OrquestraProjectSocials(pub Node<project_socials::Model>);

impl From<Node<project_socials::Model>> for OrquestraProjectSocials {
    fn from(m: Node<project_socials::Model>) -> Self {
        Self(m)
    }
}

/// A project's social links (one set per project).
#[Object]
impl OrquestraProjectSocials {
    /// The row's id (a UUID).
    async fn id(&self) -> ID {
        ID(self.0.id.clone())
    }
    /// The project's id.
    async fn project_id(&self) -> ID {
        ID(self.0.project_id.clone())
    }
    /// Twitter/X profile URL.
    async fn twitter(&self) -> Option<&str> {
        self.0.twitter.as_deref()
    }
    /// Discord server invite.
    async fn discord(&self) -> Option<&str> {
        self.0.discord.as_deref()
    }
    /// Telegram group or channel.
    async fn telegram(&self) -> Option<&str> {
        self.0.telegram.as_deref()
    }
    /// GitHub repository URL.
    async fn github(&self) -> Option<&str> {
        self.0.github.as_deref()
    }
    /// Project website URL.
    async fn website(&self) -> Option<&str> {
        self.0.website.as_deref()
    }
    /// When the links were first set.
    async fn created_at(&self) -> Option<DateTime<Utc>> {
        self.0.created_at
    }
    /// When the links were last changed.
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
