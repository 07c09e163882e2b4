//! What Atrarium's writes record in its `change_log` (see [`crate::events`]), and the
//! topics subscriptions follow:
//!
//! - topic `feed:<id>`: `post.indexed`, `post.unindexed` (subject: the indexed post's id;
//!   data: `uri`, `authorDid`);
//! - topic `community:<id>`: `membership.joined` (data: `role`), `membership.role_changed` (data:
//!   `from`, `to`), `membership.left` (data: `role`, `by`: who removed the member, when
//!   not the member), subject: the member's DID.

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
