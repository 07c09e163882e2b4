//! Bellamy's stories and their views.

use async_graphql::{Context, Object, Result};
use chrono::{DateTime, Utc};
use entity::bellamy::{stories, story_viewers};
use sea_orm::entity::prelude::Uuid;

use super::relations::{nested, visible_one};
use super::*;
use crate::batch::{self};
use crate::bellamy::access::{self, Access, Hidden};
use crate::bellamy::loaders::*;
use crate::connection::Conn;
use crate::loader::{CountRef, ListRef};
use crate::pagination::PageArgs;

node_type!(
    /// A short-lived image or video.
    BellamyStory(stories::Model)
);

/// A short-lived image or video.
#[Object]
impl BellamyStory {
    /// The story's id.
    async fn id(&self) -> Uuid {
        self.0.id
    }
    /// The author's id.
    async fn user_id(&self) -> Uuid {
        self.0.user_id
    }
    /// The media URL.
    async fn media_url(&self) -> &str {
        &self.0.media_url
    }
    /// Image or video.
    async fn r#type(&self) -> BellamyStoryType {
        self.0.r#type.into()
    }
    /// When the story was posted.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When the story stops being shown.
    async fn expires_at(&self) -> DateTime<Utc> {
        self.0.expires_at
    }
    /// The author.
    async fn user(&self, ctx: &Context<'_>) -> Result<Option<BellamyUser>> {
        let n = batch::one::<BellamyLoader, _, _, _>(ctx, &self.0, |s| UserId(s.user_id)).await?;
        Ok(n.map(BellamyUser::from))
    }

    /// Who viewed the story, and when: all views for the story's author, the viewer's own
    /// view for anyone else (default order: most recent first).
    async fn viewers(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, counting forward (default 20, at most 100).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Start after this cursor.")] after: Option<String>,
        #[graphql(desc = "Page size, counting backward.")] last: Option<i32>,
        #[graphql(desc = "End before this cursor.")] before: Option<String>,
        #[graphql(desc = "Only views matching this filter.")] filter: Option<
            Box<BellamyStoryViewFilter>,
        >,
        #[graphql(desc = "Sort order (default: most recent first).")] order_by: Option<
            BellamyStoryViewOrder,
        >,
    ) -> Result<Conn<BellamyStoryView>> {
        nested(
            ctx,
            &self.0,
            filter.as_deref(),
            access::story_views(&Access::of(ctx)),
            order_or!(
                order_by,
                BellamyStoryViewOrder,
                BellamyStoryViewOrderField::ViewedAt,
                Desc
            ),
            PageArgs::new(first, after, last, before),
            |s, l: &ListRef<_>| ViewsOfStory(s.id, l.clone()),
            |s, c: &CountRef| ViewCountOfStory(s.id, c.clone()),
        )
        .await
    }
}

node_type!(
    /// A user viewed a story.
    BellamyStoryView(story_viewers::Model)
);

/// A user viewed a story.
#[Object]
impl BellamyStoryView {
    /// The story's id.
    async fn story_id(&self) -> Uuid {
        self.0.story_id
    }
    /// The viewer's id.
    async fn user_id(&self) -> Uuid {
        self.0.user_id
    }
    /// When the story was viewed.
    async fn viewed_at(&self) -> DateTime<Utc> {
        self.0.viewed_at
    }
    /// The story; `FORBIDDEN` unless the viewer is its author or, until it expires, a
    /// friend of the author.
    async fn story(&self, ctx: &Context<'_>) -> Result<Option<BellamyStory>> {
        let a = Access::of(ctx);
        let n = visible_one(
            ctx,
            &self.0,
            |v| StoryId(v.story_id, a.clone()),
            Hidden::Story,
        )
        .await?;
        Ok(n.map(BellamyStory))
    }
    /// The viewer.
    async fn user(&self, ctx: &Context<'_>) -> Result<Option<BellamyUser>> {
        let n = batch::one::<BellamyLoader, _, _, _>(ctx, &self.0, |v| UserId(v.user_id)).await?;
        Ok(n.map(BellamyUser::from))
    }
}
