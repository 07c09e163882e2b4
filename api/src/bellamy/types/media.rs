//! Bellamy's post attachments: `BellamyMedia`.

use async_graphql::{Context, Object, Result};
use chrono::{DateTime, Utc};
use entity::bellamy::media;
use sea_orm::entity::prelude::Uuid;

use super::relations::visible_one;
use super::*;
use crate::bellamy::access::{Access, Hidden};
use crate::bellamy::loaders::*;

node_type!(
    /// An image or video attached to a post.
    BellamyMedia(media::Model)
);

/// An image or video attached to a post.
#[Object]
impl BellamyMedia {
    /// The media item's id.
    async fn id(&self) -> Uuid {
        self.0.id
    }
    /// The post's id.
    async fn post_id(&self) -> Uuid {
        self.0.post_id
    }
    /// The file's URL.
    async fn url(&self) -> &str {
        &self.0.url
    }
    /// Image or video.
    async fn r#type(&self) -> BellamyMediaType {
        self.0.r#type.into()
    }
    /// Display position within the post, from 0.
    async fn position(&self) -> i32 {
        self.0.position
    }
    /// When the item was uploaded.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// The post.
    async fn post(&self, ctx: &Context<'_>) -> Result<Option<BellamyPost>> {
        let a = Access::of(ctx);
        let n = visible_one(ctx, &self.0, |m| PostId(m.post_id, a.clone()), Hidden::Post).await?;
        Ok(n.map(BellamyPost))
    }
}
