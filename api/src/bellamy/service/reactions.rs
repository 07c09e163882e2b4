//! Reactions: one per user per post or comment; reacting again with another type
//! replaces it.

use entity::bellamy::enums::{ReactionTargetType, ReactionType};
use entity::bellamy::{comments, posts, reactions};
use sea_orm::entity::prelude::Uuid;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QuerySelect, Set,
};
use serde_json::json;

use super::{
    Hidden, Lock, access, access_of, acting_user, changes, excerpt, kind, notify, now, record,
    visible_post,
};
use crate::error::{ApiError, ApiResult};
use crate::write::Store;

/// What a reaction is to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Target {
    /// The post's or comment's id.
    pub id: Uuid,
    /// Post or comment.
    pub kind: ReactionTargetType,
}

/// A reaction's target as the actor sees it: the post, and the comment when the target
/// is a comment.
#[derive(Clone, Debug)]
pub struct Reacted {
    /// The post reacted to, or the post of the comment reacted to.
    pub post: posts::Model,
    /// The comment reacted to.
    pub comment: Option<comments::Model>,
}

impl Reacted {
    /// Who wrote the target.
    fn author(&self) -> Uuid {
        self.comment
            .as_ref()
            .map_or(self.post.author_id, |c| c.author_id)
    }
}

/// The target, checked visible to `actor` and locked for the rest of the transaction (so
/// that reactions to one target are serialised).
async fn lock_target<C: ConnectionTrait>(
    txn: &C,
    actor: Uuid,
    target: Target,
) -> ApiResult<Reacted> {
    match target.kind {
        ReactionTargetType::Post => Ok(Reacted {
            post: visible_post(txn, actor, target.id, Lock::Exclusive).await?,
            comment: None,
        }),
        ReactionTargetType::Comment => {
            let not_found = || ApiError::NotFound("comment".into());
            // Post first, then comment: the order every Bellamy write takes them in (a
            // comment's deletion locks its post, then deletes), so the two cannot deadlock.
            let post_id = comments::Entity::find_by_id(target.id)
                .one(txn)
                .await?
                .ok_or_else(not_found)?
                .post_id;
            let post = visible_post(txn, actor, post_id, Lock::Shared)
                .await
                .map_err(|e| match e {
                    ApiError::Forbidden(_) => Hidden::Comment.error(),
                    e => e,
                })?;
            // Deleted while the post lock was awaited: gone.
            let comment = comments::Entity::find_by_id(target.id)
                .lock_exclusive()
                .one(txn)
                .await?
                .ok_or_else(not_found)?;
            Ok(Reacted {
                post,
                comment: Some(comment),
            })
        }
    }
}

fn mine(actor: Uuid, target: Target) -> sea_orm::Select<reactions::Entity> {
    reactions::Entity::find()
        .filter(reactions::Column::UserId.eq(actor))
        .filter(reactions::Column::TargetId.eq(target.id))
        .filter(reactions::Column::TargetType.eq(target.kind))
}

/// Reacts to a post or comment the actor may see. The actor's earlier reaction to the
/// target, if any, is replaced (its type changes; nothing else does). A first reaction
/// notifies the target's author (`post_reaction` / `comment_reaction`), unless that is
/// the actor. Reacting again with the same type changes (and logs) nothing.
pub async fn react(
    store: &Store,
    actor: Uuid,
    target: Target,
    reaction: ReactionType,
) -> ApiResult<(reactions::Model, Reacted)> {
    store
        .transaction(|txn| {
            Box::pin(async move {
                // The actor's row is read only when it is needed: for a first reaction
                // (the notification names them) and to tell a signed-in user who no
                // longer exists why a target cannot be reached. An existing reaction
                // proves the actor exists (its `user_id` is a foreign key), which spares
                // the common write, changing a reaction, a statement.
                let reacted = match lock_target(txn, actor, target).await {
                    Ok(reacted) => reacted,
                    Err(e) => {
                        acting_user(txn, actor).await?;
                        return Err(e);
                    }
                };
                if let Some(existing) = mine(actor, target).one(txn).await? {
                    let previous = existing.r#type;
                    if previous == reaction {
                        return Ok((existing, reacted));
                    }
                    let mut row = existing.into_active_model();
                    row.r#type = Set(reaction);
                    let row = row.update(txn).await?;
                    let changed = changes::reaction_changed(&row, reacted.post.id, previous);
                    record(txn, actor, vec![changed]).await?;
                    return Ok((row, reacted));
                }
                let me = acting_user(txn, actor).await?;
                let row = reactions::Model {
                    id: Uuid::new_v4(),
                    user_id: actor,
                    target_id: target.id,
                    target_type: target.kind,
                    r#type: reaction,
                    created_at: now(),
                }
                .into_active_model()
                .insert(txn)
                .await?;
                let mut log = vec![changes::reaction_added(&row, reacted.post.id)];
                let author = reacted.author();
                if author != actor {
                    let name = &me.full_name;
                    let (what, kind, text) = match &reacted.comment {
                        None => ("post", kind::POST_REACTION, &reacted.post.content),
                        Some(c) => ("comment", kind::COMMENT_REACTION, &c.content),
                    };
                    let mut data = json!({
                        "postId": reacted.post.id,
                        "userId": actor,
                        "reaction": changes::reaction_name(reaction),
                    });
                    if let Some(c) = &reacted.comment {
                        data["commentId"] = json!(c.id);
                    }
                    let n = notify(
                        txn,
                        author,
                        kind,
                        format!("{name} reacted to your {what}"),
                        format!("{name} reacted to \"{}\".", excerpt(text)),
                        data,
                    )
                    .await?;
                    log.push(changes::notification(&n));
                }
                record(txn, actor, log).await?;
                Ok((row, reacted))
            })
        })
        .await
}

/// Removes the actor's reaction to a target (`NOT_FOUND` when there is none). Returns
/// the deleted reaction's id and the target, when the actor may still see it.
pub async fn unreact(
    store: &Store,
    actor: Uuid,
    target: Target,
) -> ApiResult<(Uuid, Option<Reacted>)> {
    store
        .transaction(|txn| {
            Box::pin(async move {
                let existing = mine(actor, target)
                    .lock_exclusive()
                    .one(txn)
                    .await?
                    .ok_or_else(|| ApiError::NotFound("reaction".into()))?;
                reactions::Entity::delete_by_id(existing.id)
                    .exec(txn)
                    .await?;
                // The reaction was the actor's own, so removing it needs no sight of the
                // target; the target is returned only if the actor may still see it.
                let (post_id, comment) = match target.kind {
                    ReactionTargetType::Post => (Some(target.id), None),
                    ReactionTargetType::Comment => {
                        let c = comments::Entity::find_by_id(target.id).one(txn).await?;
                        (c.as_ref().map(|c| c.post_id), c)
                    }
                };
                let post = match post_id {
                    Some(id) => {
                        posts::Entity::find_by_id(id)
                            .filter(access::posts(&access_of(actor)))
                            .one(txn)
                            .await?
                    }
                    None => None,
                };
                let reacted = post.map(|post| Reacted { post, comment });
                // The target outlives the reaction (deleting a post or a comment deletes
                // its reactions first, waiting for this one's lock), so its post is known;
                // were it not, the target's id would stand in for it in the topic.
                let removed = changes::reaction_removed(&existing, post_id.unwrap_or(target.id));
                record(txn, actor, vec![removed]).await?;
                Ok((existing.id, reacted))
            })
        })
        .await
}
