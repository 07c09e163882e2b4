//! Bellamy's reactions: `BellamyReaction` and the per-type counts of a post or comment.

use async_graphql::{Context, Object, Result, SimpleObject};
use chrono::{DateTime, Utc};
use entity::bellamy::enums;
use entity::bellamy::reactions;
use sea_orm::entity::prelude::Uuid;
use sea_orm::{ColumnTrait, Condition};

use super::relations::visible_one;
use super::*;
use crate::batch::{self, Node};
use crate::bellamy::access::{self, Access, Hidden};
use crate::bellamy::loaders::*;

/// How many reactions of one type a post or a comment has.
#[derive(SimpleObject, Clone, Debug, PartialEq, Eq)]
pub struct BellamyReactionCount {
    /// The reaction type.
    #[graphql(name = "type")]
    pub reaction_type: BellamyReactionType,
    /// How many reactions of that type.
    pub count: i32,
}

node_type!(
    /// A user's reaction to a post or a comment.
    BellamyReaction(reactions::Model)
);

/// A user's reaction to a post or a comment.
#[Object]
impl BellamyReaction {
    /// The reaction's id.
    async fn id(&self) -> Uuid {
        self.0.id
    }
    /// Who reacted.
    async fn user_id(&self) -> Uuid {
        self.0.user_id
    }
    /// The id of the post or comment reacted to (see `targetType`).
    async fn target_id(&self) -> Uuid {
        self.0.target_id
    }
    /// Whether `targetId` is a post or a comment.
    async fn target_type(&self) -> BellamyReactionTargetType {
        self.0.target_type.into()
    }
    /// The kind of reaction.
    async fn r#type(&self) -> BellamyReactionType {
        self.0.r#type.into()
    }
    /// When the reaction was given.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// Who reacted.
    async fn user(&self, ctx: &Context<'_>) -> Result<Option<BellamyUser>> {
        let n = batch::one::<BellamyLoader, _, _, _>(ctx, &self.0, |r| UserId(r.user_id)).await?;
        Ok(n.map(BellamyUser::from))
    }

    /// The post reacted to; null unless `targetType` is `POST`.
    async fn post(&self, ctx: &Context<'_>) -> Result<Option<BellamyPost>> {
        if self.0.target_type != enums::ReactionTargetType::Post {
            return Ok(None);
        }
        let a = Access::of(ctx);
        let n = visible_one(
            ctx,
            &self.0,
            |r| {
                MaybePostId(
                    (r.target_type == enums::ReactionTargetType::Post).then_some(r.target_id),
                    a.clone(),
                )
            },
            Hidden::Post,
        )
        .await?;
        Ok(n.map(BellamyPost))
    }

    /// The comment reacted to; null unless `targetType` is `COMMENT`.
    async fn comment(&self, ctx: &Context<'_>) -> Result<Option<BellamyComment>> {
        if self.0.target_type != enums::ReactionTargetType::Comment {
            return Ok(None);
        }
        let a = Access::of(ctx);
        let n = visible_one(
            ctx,
            &self.0,
            |r| {
                MaybeCommentId(
                    (r.target_type == enums::ReactionTargetType::Comment).then_some(r.target_id),
                    a.clone(),
                )
            },
            Hidden::Comment,
        )
        .await?;
        Ok(n.map(BellamyComment))
    }
}

/// Reactions to one target type (`reactions.target_type`) that the viewer may see.
pub(super) fn reactions_to(ctx: &Context<'_>, target: enums::ReactionTargetType) -> Condition {
    access::reactions(&Access::of(ctx)).add(reactions::Column::TargetType.eq(target))
}

/// The six reaction counts of `node` (one `GROUP BY` for all siblings).
pub(super) async fn reaction_counts<M>(
    ctx: &Context<'_>,
    node: &Node<M>,
    target: enums::ReactionTargetType,
    id: impl Fn(&M) -> Uuid,
) -> Result<Vec<BellamyReactionCount>> {
    let a = Access::of(ctx);
    let tally = batch::value::<BellamyLoader, _, _>(ctx, node, "reactionCounts", |m| {
        ReactionCountsOf(target, id(m), a.clone())
    })
    .await?
    .unwrap_or_default();
    Ok(tally
        .into_iter()
        .map(|(t, n)| BellamyReactionCount {
            reaction_type: t.into(),
            count: crate::scalars::int(n),
        })
        .collect())
}
