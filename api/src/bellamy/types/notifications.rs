//! Bellamy's notifications: `BellamyNotification`.

use async_graphql::{Context, Json, Object, Result};
use chrono::{DateTime, Utc};
use entity::bellamy::notifications;
use sea_orm::entity::prelude::Uuid;

use super::*;
use crate::batch::{self};
use crate::bellamy::loaders::*;

node_type!(
    /// A notification in a user's inbox.
    BellamyNotification(notifications::Model)
);

/// A notification in a user's inbox.
#[Object]
impl BellamyNotification {
    /// The notification's id.
    async fn id(&self) -> Uuid {
        self.0.id
    }
    /// The recipient's id.
    async fn user_id(&self) -> Uuid {
        self.0.user_id
    }
    /// What happened, e.g. `friend_request`, `post_reaction` (an open set).
    async fn r#type(&self) -> &str {
        &self.0.r#type
    }
    /// The title.
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// The message.
    async fn message(&self) -> &str {
        &self.0.message
    }
    /// Free-form details of the event (ids of the post, the sender, ...).
    async fn data(&self) -> Json<serde_json::Value> {
        Json(self.0.data.clone())
    }
    /// Whether the recipient has read it.
    async fn read(&self) -> bool {
        self.0.read
    }
    /// When it was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// The recipient.
    async fn user(&self, ctx: &Context<'_>) -> Result<Option<BellamyUser>> {
        let n = batch::one::<BellamyLoader, _, _, _>(ctx, &self.0, |n| UserId(n.user_id)).await?;
        Ok(n.map(BellamyUser::from))
    }
}
