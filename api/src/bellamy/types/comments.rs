//! Bellamy's comments: `BellamyComment`, its replies and threads.

use async_graphql::{Context, ErrorExtensions, Object, Result};
use chrono::{DateTime, Utc};
use entity::bellamy::comments;
use entity::bellamy::enums;
use sea_orm::entity::prelude::Uuid;

use super::reactions::{reaction_counts, reactions_to};
use super::relations::{nested, visible_one};
use super::*;
use crate::batch::{self, Node};
use crate::bellamy::access::{self, Access, Hidden};
use crate::bellamy::loaders::*;
use crate::connection::Conn;
use crate::error::ApiError;
use crate::loader::{CountRef, ListRef};
use crate::pagination::PageArgs;

node_type!(
    /// A comment on a post, possibly replying to another comment.
    BellamyComment(comments::Model)
);

/// A comment on a post, possibly replying to another comment.
#[Object]
impl BellamyComment {
    /// The comment's id.
    async fn id(&self) -> Uuid {
        self.0.id
    }
    /// The post's id.
    async fn post_id(&self) -> Uuid {
        self.0.post_id
    }
    /// The author's id.
    async fn author_id(&self) -> Uuid {
        self.0.author_id
    }
    /// The text.
    async fn content(&self) -> &str {
        &self.0.content
    }
    /// The comment this one replies to; null for a top-level comment.
    async fn parent_comment_id(&self) -> Option<Uuid> {
        self.0.parent_comment_id
    }
    /// When the comment was written.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// The post (visible whenever the comment is).
    async fn post(&self, ctx: &Context<'_>) -> Result<Option<BellamyPost>> {
        let a = Access::of(ctx);
        let n = visible_one(ctx, &self.0, |c| PostId(c.post_id, a.clone()), Hidden::Post).await?;
        Ok(n.map(BellamyPost))
    }

    /// The author.
    async fn author(&self, ctx: &Context<'_>) -> Result<Option<BellamyUser>> {
        let n = batch::one::<BellamyLoader, _, _, _>(ctx, &self.0, |c| UserId(c.author_id)).await?;
        Ok(n.map(BellamyUser::from))
    }

    /// The comment this one replies to; null for a top-level comment; `FORBIDDEN` if it is
    /// on a post the viewer may not see.
    async fn parent(&self, ctx: &Context<'_>) -> Result<Option<BellamyComment>> {
        if self.0.parent_comment_id.is_none() {
            return Ok(None);
        }
        let a = Access::of(ctx);
        let n = visible_one(
            ctx,
            &self.0,
            |c| MaybeCommentId(c.parent_comment_id, a.clone()),
            Hidden::Comment,
        )
        .await?;
        Ok(n.map(BellamyComment))
    }

    /// The direct replies (default order: oldest first). Nest `replies` for deeper
    /// levels (one statement per level), or use `thread`.
    async fn replies(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, counting forward (default 20, at most 100).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Start after this cursor.")] after: Option<String>,
        #[graphql(desc = "Page size, counting backward.")] last: Option<i32>,
        #[graphql(desc = "End before this cursor.")] before: Option<String>,
        #[graphql(desc = "Only replies matching this filter.")] filter: Option<
            Box<BellamyCommentFilter>,
        >,
        #[graphql(desc = "Sort order (the id breaks ties; default: oldest first).")]
        order_by: Option<BellamyCommentOrder>,
    ) -> Result<Conn<BellamyComment>> {
        nested(
            ctx,
            &self.0,
            filter.as_deref(),
            access::comments(&Access::of(ctx)),
            order_or!(
                order_by,
                BellamyCommentOrder,
                BellamyCommentOrderField::CreatedAt,
                Asc
            ),
            PageArgs::new(first, after, last, before),
            |c, l: &ListRef<_>| RepliesOfComment(c.id, l.clone()),
            |c, count: &CountRef| ReplyCountOfComment(c.id, count.clone()),
        )
        .await
    }

    /// Every reply below this comment that the viewer may see, down to `maxDepth`
    /// levels, flat and in thread order: depth-first, each comment followed by its own
    /// replies, siblings oldest first. One recursive statement for all sibling comments;
    /// cycle-safe.
    async fn thread(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "How many levels below this comment to include (1 to 20).",
            default = 5
        )]
        max_depth: i32,
    ) -> Result<Vec<BellamyThreadComment>> {
        if !(1..=MAX_THREAD_DEPTH).contains(&max_depth) {
            return Err(ApiError::bad_input(
                "maxDepth",
                format!("`maxDepth` must be between 1 and {MAX_THREAD_DEPTH}"),
            )
            .extend());
        }
        let tag = format!("thread:{max_depth}");
        let a = Access::of(ctx);
        let entries = batch::value::<BellamyLoader, _, _>(ctx, &self.0, &tag, |c| {
            ThreadOf(c.id, max_depth, a.clone())
        })
        .await?
        .unwrap_or_default();
        Ok(entries
            .into_iter()
            .map(|(comment, depth)| BellamyThreadComment { depth, comment })
            .collect())
    }

    /// The reactions to the comment (default order: newest first).
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
            reactions_to(ctx, enums::ReactionTargetType::Comment),
            order_or!(
                order_by,
                BellamyReactionOrder,
                BellamyReactionOrderField::CreatedAt,
                Desc
            ),
            PageArgs::new(first, after, last, before),
            |c, l: &ListRef<_>| ReactionsOfTarget(c.id, l.clone()),
            |c, count: &CountRef| ReactionCountOfTarget(c.id, count.clone()),
        )
        .await
    }

    /// How many reactions of each type the comment has: all six types, in enum order,
    /// zeros included.
    async fn reaction_counts(&self, ctx: &Context<'_>) -> Result<Vec<BellamyReactionCount>> {
        reaction_counts(ctx, &self.0, enums::ReactionTargetType::Comment, |c| c.id).await
    }
}

/// One comment of a thread, with its depth below the thread's root.
pub struct BellamyThreadComment {
    depth: i32,
    comment: Node<comments::Model>,
}

/// One comment of a thread, with its depth below the thread's root.
#[Object]
impl BellamyThreadComment {
    /// Levels below the thread's root: 1 for a direct reply, 2 for a reply to it, ...
    async fn depth(&self) -> i32 {
        self.depth
    }
    /// The comment.
    async fn comment(&self) -> BellamyComment {
        BellamyComment(self.comment.clone())
    }
}
