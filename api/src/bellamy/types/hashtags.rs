//! Bellamy's hashtags and the links of posts to them.

use async_graphql::{Context, Object, Result};
use chrono::{DateTime, Utc};
use entity::bellamy::{hashtags, post_hashtags};
use sea_orm::entity::prelude::Uuid;

use super::relations::{linked, visible_one};
use super::*;
use crate::batch::{self};
use crate::bellamy::access::{self, Access, Hidden};
use crate::bellamy::loaders::*;
use crate::connection::Conn;
use crate::loader::{CountRef, ListRef};
use crate::pagination::PageArgs;

node_type!(
    /// A hashtag used in posts.
    BellamyHashtag(hashtags::Model)
);

/// A hashtag used in posts.
#[Object]
impl BellamyHashtag {
    /// The hashtag's id.
    async fn id(&self) -> Uuid {
        self.0.id
    }
    /// The tag, without its `#`.
    async fn tag(&self) -> &str {
        &self.0.tag
    }
    /// When the tag was first used.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// The posts carrying the tag that the viewer may see, through `post_hashtags` (in link
    /// order: post id).
    async fn posts(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, counting forward (default 20, at most 100).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Start after this cursor.")] after: Option<String>,
        #[graphql(desc = "Page size, counting backward.")] last: Option<i32>,
        #[graphql(desc = "End before this cursor.")] before: Option<String>,
        #[graphql(desc = "Only links matching this filter.")] filter: Option<
            Box<BellamyPostHashtagFilter>,
        >,
        #[graphql(desc = "Sort order of the links (default: post id).")] order_by: Option<
            BellamyPostHashtagOrder,
        >,
    ) -> Result<Conn<BellamyPost>> {
        let a = Access::of(ctx);
        linked(
            ctx,
            &self.0,
            filter.as_deref(),
            access::post_hashtags(&a),
            BellamyPostHashtagOrder::ordering(order_by),
            PageArgs::new(first, after, last, before),
            |h, l: &ListRef<_>| PostLinksOfHashtag(h.id, l.clone()),
            |h, c: &CountRef| PostLinkCountOfHashtag(h.id, c.clone()),
            move |l: &post_hashtags::Model| PostId(l.post_id, a.clone()),
        )
        .await
    }
}

node_type!(
    /// A post carries a hashtag.
    BellamyPostHashtag(post_hashtags::Model)
);

/// A post carries a hashtag.
#[Object]
impl BellamyPostHashtag {
    /// The post's id.
    async fn post_id(&self) -> Uuid {
        self.0.post_id
    }
    /// The hashtag's id.
    async fn hashtag_id(&self) -> Uuid {
        self.0.hashtag_id
    }
    /// The post.
    async fn post(&self, ctx: &Context<'_>) -> Result<Option<BellamyPost>> {
        let a = Access::of(ctx);
        let n = visible_one(ctx, &self.0, |l| PostId(l.post_id, a.clone()), Hidden::Post).await?;
        Ok(n.map(BellamyPost))
    }
    /// The hashtag.
    async fn hashtag(&self, ctx: &Context<'_>) -> Result<Option<BellamyHashtag>> {
        let n =
            batch::one::<BellamyLoader, _, _, _>(ctx, &self.0, |l| HashtagId(l.hashtag_id)).await?;
        Ok(n.map(BellamyHashtag))
    }
}
