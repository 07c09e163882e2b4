//! What Atrarium's writes record in its `change_log` (see [`crate::events`]), and the
//! topics subscriptions follow:
//!
//! - topic `feed:<id>`: `post.indexed`, `post.unindexed` (subject: the indexed post's id;
//!   data: `uri`, `authorDid`);
//! - topic `community:<id>`: `membership.joined` (data: `role`), `membership.role_changed` (data:
//!   `from`, `to`), `membership.left` (data: `role`, `by`: who removed the member, when
//!   not the member), subject: the member's DID;
//! - topic `community:<id>` too: `community.created`, `community.updated`,
//!   `community.stage_advanced` (data: `from`, `to`), `community.deleted` (subject: the
//!   community's id), `feed.created`, `feed.updated`, `feed.deleted` (subject: the feed's
//!   id).

use entity::atrarium::{Role, memberships, post_index};
use sea_orm::{ActiveEnum, ConnectionTrait};
use serde_json::json;

use crate::error::ApiResult;
use crate::events::Change;

/// A post was indexed into a feed.
pub const POST_INDEXED: &str = "post.indexed";
/// A post was taken out of a feed.
pub const POST_UNINDEXED: &str = "post.unindexed";
/// Someone joined a community.
pub const MEMBERSHIP_JOINED: &str = "membership.joined";
/// A member's role changed.
pub const MEMBERSHIP_ROLE_CHANGED: &str = "membership.role_changed";
/// Someone left a community, or was removed.
pub const MEMBERSHIP_LEFT: &str = "membership.left";

/// A community was created (its creator's `membership.joined` follows).
pub const COMMUNITY_CREATED: &str = "community.created";
/// A community's settings changed.
pub const COMMUNITY_UPDATED: &str = "community.updated";
/// A community moved to its next stage.
pub const COMMUNITY_STAGE_ADVANCED: &str = "community.stage_advanced";
/// A community was deleted (with its feeds, posts and memberships).
pub const COMMUNITY_DELETED: &str = "community.deleted";
/// A theme feed was created.
pub const FEED_CREATED: &str = "feed.created";
/// A theme feed's settings changed.
pub const FEED_UPDATED: &str = "feed.updated";
/// A theme feed was deleted (with its posts).
pub const FEED_DELETED: &str = "feed.deleted";

/// `kind` happened to community `id`.
pub fn community_change(kind: &'static str, id: i64) -> Change {
    Change::new(community(id), kind, id.to_string())
}

/// `kind` happened to feed `feed_id` of community `community_id`.
pub fn feed_change(kind: &'static str, community_id: i64, feed_id: i64) -> Change {
    Change::new(community(community_id), kind, feed_id.to_string())
}

/// The topic of a feed's posts.
pub fn feed(id: i64) -> String {
    format!("feed:{id}")
}

/// The topic of a community's memberships.
pub fn community(id: i64) -> String {
    format!("community:{id}")
}

/// `post` was indexed (`kind` [`POST_INDEXED`]) or taken out ([`POST_UNINDEXED`]).
pub fn post(kind: &'static str, post: &post_index::Model) -> Change {
    Change::new(feed(post.feed_id), kind, post.id.to_string())
        .with(json!({ "uri": post.uri, "authorDid": post.author_did }))
}

/// `m` joined its community.
pub fn joined(m: &memberships::Model) -> Change {
    Change::new(
        community(m.community_id),
        MEMBERSHIP_JOINED,
        m.user_did.clone(),
    )
    .with(json!({ "role": m.role.to_value() }))
}

/// `m`'s role changed from `from`.
pub fn role_changed(m: &memberships::Model, from: Role) -> Change {
    Change::new(
        community(m.community_id),
        MEMBERSHIP_ROLE_CHANGED,
        m.user_did.clone(),
    )
    .with(json!({ "from": from.to_value(), "to": m.role.to_value() }))
}

/// `m` left its community (removed by `by`, when someone else).
pub fn left(m: &memberships::Model, by: Option<&str>) -> Change {
    Change::new(
        community(m.community_id),
        MEMBERSHIP_LEFT,
        m.user_did.clone(),
    )
    .with(json!({ "role": m.role.to_value(), "by": by }))
}

/// Appends `changes` by `actor` to Atrarium's change log: the last step of a write.
pub async fn record<C: ConnectionTrait>(
    txn: &C,
    actor: &str,
    changes: Vec<Change>,
) -> ApiResult<()> {
    crate::events::log::record(txn, entity::Domain::Atrarium, Some(actor), changes).await?;
    Ok(())
}
