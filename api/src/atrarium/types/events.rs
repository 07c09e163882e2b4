//! The events Atrarium's subscriptions deliver.

use async_graphql::SimpleObject;

use super::{AtrariumMembership, AtrariumMembershipChangeKind, AtrariumPost, AtrariumRole};

/// A post, delivered as it is indexed into a feed.
#[derive(SimpleObject)]
pub struct AtrariumFeedPostEvent {
    /// This event's place in Atrarium's change log: pass it as `after` to resume after it.
    pub cursor: String,
    /// The indexed post.
    pub post: AtrariumPost,
}

/// A membership change, delivered as it is made.
#[derive(SimpleObject)]
pub struct AtrariumMembershipEvent {
    /// This event's place in Atrarium's change log: pass it as `after` to resume after it.
    pub cursor: String,
    /// What happened.
    pub kind: AtrariumMembershipChangeKind,
    /// The member's DID.
    pub user_did: String,
    /// The member's role after the change (for `LEFT`: the role they had).
    pub role: Option<AtrariumRole>,
    /// The membership as it is now; null once the member has left.
    pub membership: Option<AtrariumMembership>,
}
