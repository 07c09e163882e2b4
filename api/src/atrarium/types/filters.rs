//! Atrarium's table filters and orders.

use entity::atrarium::{Stage, communities, memberships, post_index, theme_feeds};

use super::enums::{AtrariumRoleFilter, AtrariumStageFilter};
use crate::filter::{BigIntFilter, BooleanFilter, DateTimeFilter, IntFilter, StringFilter};
use crate::{filter_input, order_input};

filter_input! {
    /// Filters Atrarium communities.
    pub struct AtrariumCommunityFilter for communities::Column {
        /// The community's id.
        id: BigIntFilter => Id,
        /// The display name.
        name: StringFilter => Name,
        /// The lifecycle stage.
        stage: AtrariumStageFilter => Stage,
        /// The parent community's id (null for roots).
        parent_id: BigIntFilter => ParentId,
        /// The cached member count.
        member_count: IntFilter => MemberCount,
        /// The cached post count.
        post_count: IntFilter => PostCount,
        /// When the community was created.
        created_at: DateTimeFilter => CreatedAt [condition_epoch],
        /// When the community was last updated.
        updated_at: DateTimeFilter => UpdatedAt [condition_epoch],
    }
}

filter_input! {
    /// Filters Atrarium theme feeds.
    pub struct AtrariumThemeFeedFilter for theme_feeds::Column {
        /// The feed's id.
        id: BigIntFilter => Id,
        /// The community's id.
        community_id: BigIntFilter => CommunityId,
        /// The display name.
        name: StringFilter => Name,
        /// The AT Protocol feed generator URI.
        feed_uri: StringFilter => FeedUri,
        /// The cached post count.
        post_count: IntFilter => PostCount,
        /// When the newest indexed post was created.
        last_post_at: DateTimeFilter => LastPostAt [condition_epoch],
        /// When the feed was created.
        created_at: DateTimeFilter => CreatedAt [condition_epoch],
    }
}

filter_input! {
    /// Filters Atrarium memberships.
    pub struct AtrariumMembershipFilter for memberships::Column {
        /// The community's id.
        community_id: BigIntFilter => CommunityId,
        /// The member's DID.
        user_did: StringFilter => UserDid,
        /// The member's role.
        role: AtrariumRoleFilter => Role,
        /// When the member joined.
        joined_at: DateTimeFilter => JoinedAt [condition_epoch],
    }
}

filter_input! {
    /// Filters Atrarium indexed posts.
    pub struct AtrariumPostFilter for post_index::Column {
        /// The index row's id.
        id: BigIntFilter => Id,
        /// The theme feed's id.
        feed_id: BigIntFilter => FeedId,
        /// The post's `at://` URI.
        uri: StringFilter => Uri,
        /// The author's DID.
        author_did: StringFilter => AuthorDid,
        /// When the post was created.
        created_at: DateTimeFilter => CreatedAt [condition_epoch],
        /// Whether the post carries images or video.
        has_media: BooleanFilter => HasMedia,
    }
}

// ------------------------------------------------------------------------------ orders

order_input! {
    /// Orders Atrarium communities.
    pub struct AtrariumCommunityOrder;
    /// Sortable (indexed) columns of Atrarium communities.
    pub enum AtrariumCommunityOrderField for communities in "atrarium.communities", tie-break [Id] {
        /// Lifecycle stage, in lifecycle order: `THEME`, `COMMUNITY`, `GRADUATED`.
        Stage => Stage (false) ranked [Stage::Theme, Stage::Community, Stage::Graduated],
        /// Parent community id (roots first).
        ParentId => ParentId (true),
    }
}

order_input! {
    /// Orders Atrarium theme feeds.
    pub struct AtrariumThemeFeedOrder;
    /// Sortable (indexed) columns of Atrarium theme feeds.
    pub enum AtrariumThemeFeedOrderField for theme_feeds in "atrarium.theme_feeds", tie-break [Id] {
        /// The community's id.
        CommunityId => CommunityId (false),
        /// The feed generator URI.
        FeedUri => FeedUri (false),
    }
}

order_input! {
    /// Orders Atrarium memberships.
    pub struct AtrariumMembershipOrder;
    /// Sortable columns of Atrarium memberships.
    pub enum AtrariumMembershipOrderField for memberships in "atrarium.memberships", tie-break [CommunityId, UserDid] {
        /// The member's DID.
        UserDid => UserDid (false),
        /// The member's role (by its stored name).
        Role => Role (false),
        /// When the member joined.
        JoinedAt => JoinedAt (false),
    }
}

order_input! {
    /// Orders Atrarium indexed posts.
    pub struct AtrariumPostOrder;
    /// Sortable (indexed) columns of Atrarium indexed posts.
    pub enum AtrariumPostOrderField for post_index in "atrarium.post_index", tie-break [Id] {
        /// The theme feed's id.
        FeedId => FeedId (false),
        /// When the post was created.
        CreatedAt => CreatedAt (false),
        /// The post's URI.
        Uri => Uri (false),
        /// The author's DID.
        AuthorDid => AuthorDid (false),
    }
}
