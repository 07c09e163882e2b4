//! Bellamy Book's write rules, independent of GraphQL: accounts and profiles, posts,
//! comments and reactions, friend requests, friendships and follows, stories and their
//! views, notifications, and conversations.
//!
//! Every function takes the acting user's id (the Bellamy principal) and already parsed
//! input, and runs in one transaction ([`crate::write::Store::transaction`]): a failed
//! call leaves no row behind. Notifications a write causes (comments, replies, reactions,
//! friend requests, story views) are written in the same transaction as the write. So are
//! its change events ([`changes`]): one [`record`] call with all of them, as the
//! transaction's last step, after every other row is written; a write that changes
//! nothing records nothing.
//!
//! Authorization follows the read rules of [`super::access`]: what the actor may not see
//! answers `FORBIDDEN` with the same reason a read gives (a friends-only post of a
//! stranger, someone else's conversation); what the actor sees but may not change (another
//! user's post) answers `FORBIDDEN` saying who may; what does not exist answers
//! `NOT_FOUND`.
//!
//! Concurrency: read-then-write rules lock the row they depend on first (`SELECT ... FOR
//! UPDATE` on PostgreSQL; SQLite's writer lock already serialises writes): a reaction locks
//! its target, a friend request or a new one-to-one conversation both users (in id order,
//! so two opposite requests cannot deadlock), a message its conversation. Posts are always
//! locked before their comments (a comment's deletion holds its post exclusively; a new
//! comment or a reaction to a comment holds it shared), so a reaction or a reply cannot
//! land on a comment being deleted, and no two writes wait on each other in a cycle.

pub mod auth;
pub mod changes;
pub mod chat;
pub mod notifications;
pub mod posts;
pub mod reactions;
pub mod social;
pub mod stories;
pub mod users;

use chrono::{DateTime, Utc};
use entity::bellamy::{friendships, posts as post_rows, users as user_rows};
use sea_orm::entity::prelude::Uuid;
use sea_orm::sea_query::LockType;
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, QuerySelect,
};

use super::access::{self, Access, Hidden};
use crate::error::{ApiError, ApiResult};

/// The clock of a write, at the microsecond precision both backends store (so a payload
/// shows exactly what a later read returns).
pub(crate) fn now() -> DateTime<Utc> {
    let t = Utc::now();
    DateTime::from_timestamp_micros(t.timestamp_micros()).unwrap_or(t)
}

/// The acting user's row; `UNAUTHENTICATED` when the account no longer exists (a token
/// outliving its user).
pub(crate) async fn acting_user<C: ConnectionTrait>(
    txn: &C,
    actor: Uuid,
) -> ApiResult<user_rows::Model> {
    user_rows::Entity::find_by_id(actor)
        .one(txn)
        .await?
        .ok_or_else(|| ApiError::Unauthenticated("the signed-in user no longer exists".into()))
}

/// The user `id`, or `NOT_FOUND`.
pub(crate) async fn user<C: ConnectionTrait>(txn: &C, id: Uuid) -> ApiResult<user_rows::Model> {
    user_rows::Entity::find_by_id(id)
        .one(txn)
        .await?
        .ok_or_else(|| ApiError::NotFound("user".into()))
}

/// Locks the users `a` and `b` for the rest of the transaction, in id order (so that two
/// transactions locking the same pair cannot deadlock). `NOT_FOUND` names a missing one.
/// Returns the rows in argument order.
///
/// The lock is `FOR NO KEY UPDATE`: it serialises writes that lock the same users, but
/// does not conflict with the `KEY SHARE` locks foreign-key checks take, so rows that
/// merely reference these users (a comment, a notification) are written meanwhile, and a
/// transaction that wrote such a row and now waits for another user row can never be
/// waited on in return.
pub(crate) async fn lock_pair<C: ConnectionTrait>(
    txn: &C,
    a: Uuid,
    b: Uuid,
) -> ApiResult<(user_rows::Model, user_rows::Model)> {
    let (first, second) = if a <= b { (a, b) } else { (b, a) };
    let mut rows = Vec::with_capacity(2);
    for id in [first, second] {
        let row = user_rows::Entity::find_by_id(id)
            .lock(LockType::NoKeyUpdate)
            .one(txn)
            .await?;
        rows.push(row);
    }
    let (r1, r2) = (rows.remove(0), rows.remove(0));
    let (ra, rb) = if a <= b { (r1, r2) } else { (r2, r1) };
    let ra =
        ra.ok_or_else(|| ApiError::Unauthenticated("the signed-in user no longer exists".into()))?;
    let rb = rb.ok_or_else(|| ApiError::NotFound("user".into()))?;
    Ok((ra, rb))
}

/// Whether `a` and `b` are friends.
pub(crate) async fn are_friends<C: ConnectionTrait>(txn: &C, a: Uuid, b: Uuid) -> ApiResult<bool> {
    Ok(friendships::Entity::find_by_id((a, b))
        .one(txn)
        .await?
        .is_some())
}

/// The read access of `actor` at this write's clock: writes apply the same rules as
/// reads ([`super::access`]), as SQL conditions, so there is one copy of each rule.
pub(crate) fn access_of(actor: Uuid) -> Access {
    Access {
        viewer: Some(actor),
        now: now(),
    }
}

/// How a row is locked for the rest of the transaction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Lock {
    /// `FOR SHARE`: the row cannot be changed or deleted until the transaction ends.
    Shared,
    /// `FOR UPDATE`: as `Shared`, and other lockers wait.
    Exclusive,
}

/// The post `id` as `actor` may see it: `NOT_FOUND` when it does not exist, `FORBIDDEN`
/// (with the read rule's reason) when the actor may not see it.
pub(crate) async fn visible_post<C: ConnectionTrait>(
    txn: &C,
    actor: Uuid,
    id: Uuid,
    lock: Lock,
) -> ApiResult<post_rows::Model> {
    let q = post_rows::Entity::find_by_id(id).filter(access::posts(&access_of(actor)));
    let q = match lock {
        Lock::Shared => q.lock_shared(),
        Lock::Exclusive => q.lock_exclusive(),
    };
    if let Some(post) = q.one(txn).await? {
        return Ok(post);
    }
    match post_rows::Entity::find_by_id(id).one(txn).await? {
        None => Err(ApiError::NotFound("post".into())),
        Some(hidden) => Err(Hidden::post(&hidden).error()),
    }
}

/// Notification types this API writes (`notifications.type`).
pub mod kind {
    /// Someone commented on the recipient's post.
    pub const COMMENT: &str = "comment";
    /// Someone replied to the recipient's comment.
    pub const COMMENT_REPLY: &str = "comment_reply";
    /// Someone reacted to the recipient's post.
    pub const POST_REACTION: &str = "post_reaction";
    /// Someone reacted to the recipient's comment.
    pub const COMMENT_REACTION: &str = "comment_reaction";
    /// Someone asked the recipient to be friends.
    pub const FRIEND_REQUEST: &str = "friend_request";
    /// The recipient's friend request was accepted.
    pub const FRIEND_REQUEST_ACCEPTED: &str = "friend_request_accepted";
    /// Someone viewed the recipient's story.
    pub const STORY_VIEW: &str = "story_view";
}

/// Longest notification title (the column holds 255).
pub const TITLE_MAX: usize = 255;

/// `text` cut to at most `max` characters, with an ellipsis when cut.
fn clamp(text: String, max: usize) -> String {
    if text.chars().count() <= max {
        return text;
    }
    let cut: String = text.chars().take(max - 1).collect();
    format!("{cut}…")
}

/// A notification for `recipient`, written in the caller's transaction. The title, which
/// quotes a name of up to 255 characters, is cut to fit its column.
pub(crate) async fn notify<C: ConnectionTrait>(
    txn: &C,
    recipient: Uuid,
    kind: &str,
    title: String,
    message: String,
    data: serde_json::Value,
) -> ApiResult<entity::bellamy::notifications::Model> {
    Ok(entity::bellamy::notifications::Model {
        id: Uuid::new_v4(),
        user_id: recipient,
        r#type: kind.to_owned(),
        title: clamp(title, TITLE_MAX),
        message,
        data,
        read: false,
        created_at: now(),
    }
    .into_active_model()
    .insert(txn)
    .await?)
}

/// Appends `changes` by `actor` to Bellamy's change log: the last step of a write.
pub(crate) async fn record<C: ConnectionTrait>(
    txn: &C,
    actor: Uuid,
    changes: Vec<crate::events::Change>,
) -> ApiResult<()> {
    crate::events::log::record(
        txn,
        entity::Domain::Bellamy,
        Some(&actor.to_string()),
        changes,
    )
    .await?;
    Ok(())
}

/// The first characters of `text`, on one line, for a notification.
pub(crate) fn excerpt(text: &str) -> String {
    const MAX: usize = 40;
    let line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.chars().count() <= MAX {
        line
    } else {
        let cut: String = line.chars().take(MAX).collect();
        format!("{}…", cut.trim_end())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpts_are_one_short_line() {
        assert_eq!(excerpt("  hello\n  world "), "hello world");
        let long = "a".repeat(50);
        assert_eq!(excerpt(&long), format!("{}…", "a".repeat(40)));
    }

    #[test]
    fn titles_are_cut_to_their_column() {
        assert_eq!(clamp("short".into(), 10), "short");
        let long = clamp("é".repeat(300), TITLE_MAX);
        assert_eq!(long.chars().count(), TITLE_MAX);
        assert!(long.ends_with('…'));
    }

    #[test]
    fn the_write_clock_has_microsecond_precision() {
        assert_eq!(now().timestamp_subsec_nanos() % 1_000, 0);
    }
}
