//! Bellamy's posts: `BellamyPost`, its comments, reactions, media and hashtags.

use async_graphql::{Context, Object, Result};
use chrono::{DateTime, Utc};
use entity::bellamy::enums;
use entity::bellamy::{comments, post_hashtags, posts};
use sea_orm::ColumnTrait;
use sea_orm::entity::prelude::Uuid;

use super::reactions::{reaction_counts, reactions_to};
use super::relations::{linked, nested};
use super::*;
use crate::batch::{self};
use crate::bellamy::access::{self, Access};
use crate::bellamy::loaders::*;
use crate::connection::Conn;
use crate::loader::{CountRef, ListRef};
use crate::pagination::PageArgs;

node_type!(
    /// A post on a user's feed.
    BellamyPost(posts::Model)
);

/// A post on a user's feed.
#[Object]
impl BellamyPost {
    /// The post's id.
    async fn id(&self) -> Uuid {
        self.0.id
    }
    /// The author's id.
    async fn author_id(&self) -> Uuid {
        self.0.author_id
    }
    /// The text.
    async fn content(&self) -> &str {
        &self.0.content
    }
    /// Who may see the post: everyone, the author's friends, or the author only.
    async fn privacy(&self) -> BellamyPrivacy {
        self.0.privacy.into()
    }
    /// When the post was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When the post was last edited.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }

    /// The author.
    async fn author(&self, ctx: &Context<'_>) -> Result<Option<BellamyUser>> {
        let n = batch::one::<BellamyLoader, _, _, _>(ctx, &self.0, |p| UserId(p.author_id)).await?;
        Ok(n.map(BellamyUser::from))
    }

    /// The post's comments, oldest first by default. With `topLevelOnly` (the default)
    /// only the thread roots (comments that reply to no comment); replies are under each
    /// comment's `replies` and `thread`.
    async fn comments(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Only top-level comments (no `parentCommentId`).",
            default = true
        )]
        top_level_only: bool,
        #[graphql(desc = "Page size, counting forward (default 20, at most 100).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Start after this cursor.")] after: Option<String>,
        #[graphql(desc = "Page size, counting backward.")] last: Option<i32>,
        #[graphql(desc = "End before this cursor.")] before: Option<String>,
        #[graphql(desc = "Only comments matching this filter.")] filter: Option<
            Box<BellamyCommentFilter>,
        >,
        #[graphql(desc = "Sort order (the id breaks ties; default: oldest first).")]
        order_by: Option<BellamyCommentOrder>,
    ) -> Result<Conn<BellamyComment>> {
        let mut extra = access::comments(&Access::of(ctx));
        if top_level_only {
            extra = extra.add(comments::Column::ParentCommentId.is_null());
        }
        nested(
            ctx,
            &self.0,
            filter.as_deref(),
            extra,
            order_or!(
                order_by,
                BellamyCommentOrder,
                BellamyCommentOrderField::CreatedAt,
                Asc
            ),
            PageArgs::new(first, after, last, before),
            |p, l: &ListRef<_>| CommentsOfPost(p.id, l.clone()),
            |p, c: &CountRef| CommentCountOfPost(p.id, c.clone()),
        )
        .await
    }

    /// The reactions to the post (default order: newest first).
    async fn reactions(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, counting forward (default 20, at most 100).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Start after this cursor.")] after: Option<String>,
        #[graphql(desc = "Page size, counting backward.")] last: Option<i32>,
        #[graphql(desc = "End before this cursor.")] before: Option<String>,
        #[graphql(desc = "Only reactions matching this filter.")] filter: Option<
            Box<BellamyReactionFilter>,
        >,
        #[graphql(desc = "Sort order (the id breaks ties; default: newest first).")]
        order_by: Option<BellamyReactionOrder>,
    ) -> Result<Conn<BellamyReaction>> {
        nested(
            ctx,
            &self.0,
            filter.as_deref(),
            reactions_to(ctx, enums::ReactionTargetType::Post),
            order_or!(
                order_by,
                BellamyReactionOrder,
                BellamyReactionOrderField::CreatedAt,
                Desc
            ),
            PageArgs::new(first, after, last, before),
            |p, l: &ListRef<_>| ReactionsOfTarget(p.id, l.clone()),
            |p, c: &CountRef| ReactionCountOfTarget(p.id, c.clone()),
        )
        .await
    }

    /// How many reactions of each type the post has: all six types, in enum order,
    /// zeros included.
    async fn reaction_counts(&self, ctx: &Context<'_>) -> Result<Vec<BellamyReactionCount>> {
        reaction_counts(ctx, &self.0, enums::ReactionTargetType::Post, |p| p.id).await
    }

    /// The post's images and videos (default order: display position).
    async fn media(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, counting forward (default 20, at most 100).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Start after this cursor.")] after: Option<String>,
        #[graphql(desc = "Page size, counting backward.")] last: Option<i32>,
        #[graphql(desc = "End before this cursor.")] before: Option<String>,
        #[graphql(desc = "Only media matching this filter.")] filter: Option<
            Box<BellamyMediaFilter>,
        >,
        #[graphql(desc = "Sort order (the id breaks ties; default: position).")] order_by: Option<
            BellamyMediaOrder,
        >,
    ) -> Result<Conn<BellamyMedia>> {
        nested(
            ctx,
            &self.0,
            filter.as_deref(),
            access::media(&Access::of(ctx)),
            order_or!(
                order_by,
                BellamyMediaOrder,
                BellamyMediaOrderField::Position,
                Asc
            ),
            PageArgs::new(first, after, last, before),
            |p, l: &ListRef<_>| MediaOfPost(p.id, l.clone()),
            |p, c: &CountRef| MediaCountOfPost(p.id, c.clone()),
        )
        .await
    }

    /// The post's hashtags, through `post_hashtags` (in link order: hashtag id).
    async fn hashtags(
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
        #[graphql(desc = "Sort order of the links (default: hashtag id).")] order_by: Option<
            BellamyPostHashtagOrder,
        >,
    ) -> Result<Conn<BellamyHashtag>> {
        let a = Access::of(ctx);
        linked(
            ctx,
            &self.0,
            filter.as_deref(),
            access::post_hashtags(&a),
            order_or!(
                order_by,
                BellamyPostHashtagOrder,
                BellamyPostHashtagOrderField::HashtagId,
                Asc
            ),
            PageArgs::new(first, after, last, before),
            |p, l: &ListRef<_>| TagLinksOfPost(p.id, l.clone()),
            |p, c: &CountRef| TagLinkCountOfPost(p.id, c.clone()),
            |l: &post_hashtags::Model| HashtagId(l.hashtag_id),
        )
        .await
    }
}
