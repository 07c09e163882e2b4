//! Bellamy's GraphQL types, enums, filters and orders. Secrets (password hashes) are not
//! fields. Every id is a UUID (the `UUID` scalar).

use std::hash::Hash;

use async_graphql::dataloader::Loader;
use async_graphql::{Context, ErrorExtensions, Json, Object, OutputType, SimpleObject};
use chrono::{DateTime, Utc};
use entity::bellamy::enums;
use entity::bellamy::{
    comments, conversation_participants, conversations, follows, friend_requests, friendships,
    hashtags, media, messages, notifications, post_hashtags, posts, reactions, stories,
    story_viewers, users,
};
use sea_orm::entity::prelude::Uuid;
use sea_orm::{ColumnTrait, Condition, EntityTrait};

use super::access::{self, Access, Hidden};
use super::loaders::*;
use crate::batch::{self, Node, PageNodes};
use crate::connection::{Conn, TotalCount, connection};
use crate::context::{list_request, nested_connection};
use crate::error::{ApiError, ResultExt};
use crate::filter::{
    BooleanFilter, DateTimeFilter, IntFilter, StringFilter, TableFilter, UuidFilter,
};
use crate::loader::{CountRef, ListRef};
use crate::order::OrderDirection;
use crate::pagination::{Ordering, PageArgs, PageOf};
use crate::{enum_filter, filter_input, mirror_enum, order_input};

type Result<T> = async_graphql::Result<T>;

// ------------------------------------------------------------------------------- enums

mirror_enum! {
    /// Who may see a post.
    pub enum BellamyPrivacy => enums::Privacy {
        /// Everyone.
        Public,
        /// The author's friends.
        Friends,
        /// The author only.
        Private,
    }
}

mirror_enum! {
    /// The kind of a reaction.
    pub enum BellamyReactionType => enums::ReactionType {
        /// 👍
        Like,
        /// ❤️
        Love,
        /// 😆
        Haha,
        /// 😮
        Wow,
        /// 😢
        Sad,
        /// 😠
        Angry,
    }
}

mirror_enum! {
    /// What a reaction's `targetId` points at.
    pub enum BellamyReactionTargetType => enums::ReactionTargetType {
        /// A post.
        Post,
        /// A comment.
        Comment,
    }
}

mirror_enum! {
    /// The state of a friend request.
    pub enum BellamyFriendRequestStatus => enums::FriendRequestStatus {
        /// Sent, awaiting the receiver's answer.
        Pending,
        /// Accepted by the receiver: a friendship exists.
        Accepted,
        /// Declined by the receiver.
        Declined,
        /// Withdrawn by the sender.
        Cancelled,
    }
}

mirror_enum! {
    /// The medium of a story.
    pub enum BellamyStoryType => enums::StoryType {
        /// A still image.
        Image,
        /// A video clip.
        Video,
    }
}

mirror_enum! {
    /// The medium of a post attachment.
    pub enum BellamyMediaType => enums::MediaType {
        /// A still image.
        Image,
        /// A video clip.
        Video,
    }
}

mirror_enum! {
    /// The kind of a chat message.
    pub enum BellamyMessageType => enums::MessageType {
        /// Plain text.
        Text,
        /// An image message.
        Image,
        /// A video message.
        Video,
    }
}

enum_filter! {
    /// Conditions on a post's privacy.
    pub struct BellamyPrivacyFilter for BellamyPrivacy => enums::Privacy
}
enum_filter! {
    /// Conditions on a reaction's type.
    pub struct BellamyReactionTypeFilter for BellamyReactionType => enums::ReactionType
}
enum_filter! {
    /// Conditions on a reaction's target type.
    pub struct BellamyReactionTargetTypeFilter for BellamyReactionTargetType => enums::ReactionTargetType
}
enum_filter! {
    /// Conditions on a friend request's status.
    pub struct BellamyFriendRequestStatusFilter for BellamyFriendRequestStatus => enums::FriendRequestStatus
}
enum_filter! {
    /// Conditions on a story's type.
    pub struct BellamyStoryTypeFilter for BellamyStoryType => enums::StoryType
}
enum_filter! {
    /// Conditions on a media item's type.
    pub struct BellamyMediaTypeFilter for BellamyMediaType => enums::MediaType
}
enum_filter! {
    /// Conditions on a message's type.
    pub struct BellamyMessageTypeFilter for BellamyMessageType => enums::MessageType
}

// ----------------------------------------------------------------------------- filters

filter_input! {
    /// Filters Bellamy users (never by password hash, nor by email: both are private).
    pub struct BellamyUserFilter for users::Column {
        /// The user's id.
        id: UuidFilter => Id,
        /// The public handle.
        username: StringFilter => Username,
        /// The full name.
        full_name: StringFilter => FullName,
        /// The profile picture URL.
        profile_picture_url: StringFilter => ProfilePictureUrl,
        /// The cover photo URL.
        cover_photo_url: StringFilter => CoverPhotoUrl,
        /// The bio.
        bio: StringFilter => Bio,
        /// When the account was created.
        created_at: DateTimeFilter => CreatedAt,
        /// When the account was last updated.
        updated_at: DateTimeFilter => UpdatedAt,
    }
}

filter_input! {
    /// Filters Bellamy posts.
    pub struct BellamyPostFilter for posts::Column {
        /// The post's id.
        id: UuidFilter => Id,
        /// The author's id.
        author_id: UuidFilter => AuthorId,
        /// The text.
        content: StringFilter => Content,
        /// Who may see the post.
        privacy: BellamyPrivacyFilter => Privacy,
        /// When the post was created.
        created_at: DateTimeFilter => CreatedAt,
        /// When the post was last edited.
        updated_at: DateTimeFilter => UpdatedAt,
    }
}

filter_input! {
    /// Filters Bellamy comments.
    pub struct BellamyCommentFilter for comments::Column {
        /// The comment's id.
        id: UuidFilter => Id,
        /// The post's id.
        post_id: UuidFilter => PostId,
        /// The author's id.
        author_id: UuidFilter => AuthorId,
        /// The text.
        content: StringFilter => Content,
        /// The comment replied to (`isNull: true`: top-level comments).
        parent_comment_id: UuidFilter => ParentCommentId,
        /// When the comment was written.
        created_at: DateTimeFilter => CreatedAt,
    }
}

filter_input! {
    /// Filters Bellamy reactions.
    pub struct BellamyReactionFilter for reactions::Column {
        /// The reaction's id.
        id: UuidFilter => Id,
        /// Who reacted.
        user_id: UuidFilter => UserId,
        /// The post's or comment's id.
        target_id: UuidFilter => TargetId,
        /// Post or comment.
        target_type: BellamyReactionTargetTypeFilter => TargetType,
        /// The kind of reaction.
        r#type: BellamyReactionTypeFilter => Type,
        /// When the reaction was given.
        created_at: DateTimeFilter => CreatedAt,
    }
}

filter_input! {
    /// Filters Bellamy friend requests.
    pub struct BellamyFriendRequestFilter for friend_requests::Column {
        /// The request's id.
        id: UuidFilter => Id,
        /// Who asked.
        sender_id: UuidFilter => SenderId,
        /// Who is asked.
        receiver_id: UuidFilter => ReceiverId,
        /// The request's state.
        status: BellamyFriendRequestStatusFilter => Status,
        /// When the request was sent.
        created_at: DateTimeFilter => CreatedAt,
        /// When the request last changed.
        updated_at: DateTimeFilter => UpdatedAt,
        /// When the request was answered.
        responded_at: DateTimeFilter => RespondedAt,
    }
}

filter_input! {
    /// Filters Bellamy friendship rows.
    pub struct BellamyFriendshipFilter for friendships::Column {
        /// The user.
        user_id: UuidFilter => UserId,
        /// The user's friend.
        friend_id: UuidFilter => FriendId,
        /// When the two became friends.
        created_at: DateTimeFilter => CreatedAt,
    }
}

filter_input! {
    /// Filters Bellamy follow rows.
    pub struct BellamyFollowFilter for follows::Column {
        /// The user who follows.
        follower_id: UuidFilter => FollowerId,
        /// The user who is followed.
        followee_id: UuidFilter => FolloweeId,
        /// When the follow began.
        created_at: DateTimeFilter => CreatedAt,
    }
}

/// A [`StringFilter`] on a hashtag column: every value is normalised the way tags are
/// stored ([`normalize_hashtag`]: `#` dropped, lowercased) before it is compared, so
/// `{eq: "#Rust"}` finds `rust`.
///
/// [`normalize_hashtag`]: super::service::posts::normalize_hashtag
trait HashtagCondition {
    fn hashtag_condition(
        &self,
        col: impl ColumnTrait,
        budget: &mut crate::filter::Budget,
    ) -> std::result::Result<Condition, ApiError>;
}

impl HashtagCondition for StringFilter {
    fn hashtag_condition(
        &self,
        col: impl ColumnTrait,
        budget: &mut crate::filter::Budget,
    ) -> std::result::Result<Condition, ApiError> {
        use super::service::posts::normalize_hashtag as norm;
        let one = |v: &Option<String>| v.as_deref().map(norm);
        let all = |vs: &Option<Vec<String>>| {
            vs.as_ref()
                .map(|vs| vs.iter().map(|v| norm(v)).collect::<Vec<_>>())
        };
        StringFilter {
            eq: one(&self.eq),
            ne: one(&self.ne),
            is_in: all(&self.is_in),
            not_in: all(&self.not_in),
            starts_with: one(&self.starts_with),
            contains: one(&self.contains),
            is_null: self.is_null,
        }
        .condition(col, budget)
    }
}

filter_input! {
    /// Filters Bellamy hashtags.
    pub struct BellamyHashtagFilter for hashtags::Column {
        /// The hashtag's id.
        id: UuidFilter => Id,
        /// The tag, without `#`, lowercased. Every value given is normalised the same way
        /// (`"#Rust"` matches `rust`).
        tag: StringFilter => Tag [hashtag_condition],
        /// When the tag was first used.
        created_at: DateTimeFilter => CreatedAt,
    }
}

filter_input! {
    /// Filters Bellamy post–hashtag links.
    pub struct BellamyPostHashtagFilter for post_hashtags::Column {
        /// The post's id.
        post_id: UuidFilter => PostId,
        /// The hashtag's id.
        hashtag_id: UuidFilter => HashtagId,
    }
}

filter_input! {
    /// Filters Bellamy media.
    pub struct BellamyMediaFilter for media::Column {
        /// The media item's id.
        id: UuidFilter => Id,
        /// The post's id.
        post_id: UuidFilter => PostId,
        /// The file's URL.
        url: StringFilter => Url,
        /// Image or video.
        r#type: BellamyMediaTypeFilter => Type,
        /// Display position within the post.
        position: IntFilter => Position,
        /// When the item was uploaded.
        created_at: DateTimeFilter => CreatedAt,
    }
}

filter_input! {
    /// Filters Bellamy stories.
    pub struct BellamyStoryFilter for stories::Column {
        /// The story's id.
        id: UuidFilter => Id,
        /// The author's id.
        user_id: UuidFilter => UserId,
        /// The media URL.
        media_url: StringFilter => MediaUrl,
        /// Image or video.
        r#type: BellamyStoryTypeFilter => Type,
        /// When the story was posted.
        created_at: DateTimeFilter => CreatedAt,
        /// When the story expires.
        expires_at: DateTimeFilter => ExpiresAt,
    }
}

filter_input! {
    /// Filters Bellamy story views.
    pub struct BellamyStoryViewFilter for story_viewers::Column {
        /// The story's id.
        story_id: UuidFilter => StoryId,
        /// The viewer's id.
        user_id: UuidFilter => UserId,
        /// When the story was viewed.
        viewed_at: DateTimeFilter => ViewedAt,
    }
}

filter_input! {
    /// Filters Bellamy notifications.
    pub struct BellamyNotificationFilter for notifications::Column {
        /// The notification's id.
        id: UuidFilter => Id,
        /// The recipient's id.
        user_id: UuidFilter => UserId,
        /// What happened, e.g. `friend_request`.
        r#type: StringFilter => Type,
        /// The title.
        title: StringFilter => Title,
        /// The message.
        message: StringFilter => Message,
        /// Whether it was read.
        read: BooleanFilter => Read,
        /// When it was created.
        created_at: DateTimeFilter => CreatedAt,
    }
}

filter_input! {
    /// Filters Bellamy conversations.
    pub struct BellamyConversationFilter for conversations::Column {
        /// The conversation's id.
        id: UuidFilter => Id,
        /// When it was started.
        created_at: DateTimeFilter => CreatedAt,
        /// Its last activity.
        updated_at: DateTimeFilter => UpdatedAt,
    }
}

filter_input! {
    /// Filters Bellamy conversation participants.
    pub struct BellamyConversationParticipantFilter for conversation_participants::Column {
        /// The conversation's id.
        conversation_id: UuidFilter => ConversationId,
        /// The participant's id.
        user_id: UuidFilter => UserId,
        /// When they joined.
        joined_at: DateTimeFilter => JoinedAt,
        /// When they last read the conversation.
        last_read_at: DateTimeFilter => LastReadAt,
    }
}

filter_input! {
    /// Filters Bellamy messages.
    pub struct BellamyMessageFilter for messages::Column {
        /// The message's id.
        id: UuidFilter => Id,
        /// The conversation's id.
        conversation_id: UuidFilter => ConversationId,
        /// The sender's id.
        sender_id: UuidFilter => SenderId,
        /// The text.
        content: StringFilter => Content,
        /// Text, image or video.
        r#type: BellamyMessageTypeFilter => Type,
        /// Whether it was read.
        read: BooleanFilter => Read,
        /// When it was sent.
        created_at: DateTimeFilter => CreatedAt,
    }
}

// ------------------------------------------------------------------------------ orders

order_input! {
    /// Orders Bellamy users.
    pub struct BellamyUserOrder;
    /// Sortable columns of Bellamy users (not the email: it is private).
    pub enum BellamyUserOrderField for users in "bellamy.users", tie-break [Id] {
        /// The public handle.
        Username => Username (false),
        /// Creation time.
        CreatedAt => CreatedAt (false),
    }
}

order_input! {
    /// Orders Bellamy posts.
    pub struct BellamyPostOrder;
    /// Sortable columns of Bellamy posts.
    pub enum BellamyPostOrderField for posts in "bellamy.posts", tie-break [Id] {
        /// Creation time.
        CreatedAt => CreatedAt (false),
    }
}

order_input! {
    /// Orders Bellamy comments.
    pub struct BellamyCommentOrder;
    /// Sortable columns of Bellamy comments.
    pub enum BellamyCommentOrderField for comments in "bellamy.comments", tie-break [Id] {
        /// Creation time.
        CreatedAt => CreatedAt (false),
    }
}

order_input! {
    /// Orders Bellamy reactions.
    pub struct BellamyReactionOrder;
    /// Sortable columns of Bellamy reactions.
    pub enum BellamyReactionOrderField for reactions in "bellamy.reactions", tie-break [Id] {
        /// When the reaction was given.
        CreatedAt => CreatedAt (false),
    }
}

order_input! {
    /// Orders Bellamy friend requests.
    pub struct BellamyFriendRequestOrder;
    /// Sortable columns of Bellamy friend requests.
    pub enum BellamyFriendRequestOrderField for friend_requests in "bellamy.friend_requests", tie-break [Id] {
        /// When the request was sent.
        CreatedAt => CreatedAt (false),
        /// The request's state.
        Status => Status (false),
    }
}

order_input! {
    /// Orders Bellamy friendship rows.
    pub struct BellamyFriendshipOrder;
    /// Sortable columns of Bellamy friendship rows.
    pub enum BellamyFriendshipOrderField for friendships in "bellamy.friendships", tie-break [UserId, FriendId] {
        /// When the two became friends.
        CreatedAt => CreatedAt (false),
    }
}

order_input! {
    /// Orders Bellamy follow rows.
    pub struct BellamyFollowOrder;
    /// Sortable columns of Bellamy follow rows.
    pub enum BellamyFollowOrderField for follows in "bellamy.follows", tie-break [FollowerId, FolloweeId] {
        /// When the follow began.
        CreatedAt => CreatedAt (false),
    }
}

order_input! {
    /// Orders Bellamy hashtags.
    pub struct BellamyHashtagOrder;
    /// Sortable columns of Bellamy hashtags.
    pub enum BellamyHashtagOrderField for hashtags in "bellamy.hashtags", tie-break [Id] {
        /// The tag.
        Tag => Tag (false),
        /// When the tag was first used.
        CreatedAt => CreatedAt (false),
    }
}

order_input! {
    /// Orders Bellamy post–hashtag links.
    pub struct BellamyPostHashtagOrder;
    /// Sortable columns of Bellamy post–hashtag links.
    pub enum BellamyPostHashtagOrderField for post_hashtags in "bellamy.post_hashtags", tie-break [PostId, HashtagId] {
        /// The hashtag's id.
        HashtagId => HashtagId (false),
    }
}

order_input! {
    /// Orders Bellamy media.
    pub struct BellamyMediaOrder;
    /// Sortable columns of Bellamy media.
    pub enum BellamyMediaOrderField for media in "bellamy.media", tie-break [Id] {
        /// Display position within the post.
        Position => Position (false),
        /// Upload time.
        CreatedAt => CreatedAt (false),
    }
}

order_input! {
    /// Orders Bellamy stories.
    pub struct BellamyStoryOrder;
    /// Sortable columns of Bellamy stories.
    pub enum BellamyStoryOrderField for stories in "bellamy.stories", tie-break [Id] {
        /// When the story was posted.
        CreatedAt => CreatedAt (false),
        /// When the story expires.
        ExpiresAt => ExpiresAt (false),
    }
}

order_input! {
    /// Orders Bellamy story views.
    pub struct BellamyStoryViewOrder;
    /// Sortable columns of Bellamy story views.
    pub enum BellamyStoryViewOrderField for story_viewers in "bellamy.story_viewers", tie-break [StoryId, UserId] {
        /// When the story was viewed.
        ViewedAt => ViewedAt (false),
    }
}

order_input! {
    /// Orders Bellamy notifications.
    pub struct BellamyNotificationOrder;
    /// Sortable columns of Bellamy notifications.
    pub enum BellamyNotificationOrderField for notifications in "bellamy.notifications", tie-break [Id] {
        /// When it was created.
        CreatedAt => CreatedAt (false),
    }
}

order_input! {
    /// Orders Bellamy conversations.
    pub struct BellamyConversationOrder;
    /// Sortable columns of Bellamy conversations.
    pub enum BellamyConversationOrderField for conversations in "bellamy.conversations", tie-break [Id] {
        /// When it was started.
        CreatedAt => CreatedAt (false),
        /// Its last activity.
        UpdatedAt => UpdatedAt (false),
    }
}

order_input! {
    /// Orders Bellamy conversation participants.
    pub struct BellamyConversationParticipantOrder;
    /// Sortable columns of Bellamy conversation participants.
    pub enum BellamyConversationParticipantOrderField for conversation_participants in "bellamy.conversation_participants", tie-break [ConversationId, UserId] {
        /// When they joined.
        JoinedAt => JoinedAt (false),
    }
}

order_input! {
    /// Orders Bellamy messages.
    pub struct BellamyMessageOrder;
    /// Sortable columns of Bellamy messages.
    pub enum BellamyMessageOrderField for messages in "bellamy.messages", tie-break [Id] {
        /// When it was sent.
        CreatedAt => CreatedAt (false),
    }
}

/// `order`, or `field` in `direction` when the client gave none.
macro_rules! order_or {
    ($order:ident, $input:ident, $fields:ident :: $field:ident, $dir:ident) => {
        $input::ordering($order.or(Some($input {
            field: $fields::$field,
            direction: OrderDirection::$dir,
        })))
    };
}

// ----------------------------------------------------------------------------- helpers

/// A nested connection of `node` (one windowed statement per level, one `GROUP BY` per
/// level for `totalCount`).
async fn nested<P, E, F, T, PK, CK>(
    ctx: &Context<'_>,
    node: &Node<P>,
    filter: Option<&F>,
    extra: Condition,
    ordering: Ordering<E>,
    args: PageArgs,
    page_key: impl Fn(&P, &ListRef<E>) -> PK,
    count_key: impl Fn(&P, &CountRef) -> CK + Send + Sync + 'static,
) -> Result<Conn<T>>
where
    BellamyLoader: Loader<PK, Value = PageOf<E::Model>, Error = ApiError>
        + Loader<CK, Value = u64, Error = ApiError>,
    P: Send + Sync + 'static,
    E: crate::projection::Projected,
    E::Model: Send + Sync + Clone + 'static,
    F: TableFilter,
    PK: Send + Sync + Hash + Eq + Clone + 'static,
    CK: Send + Sync + Hash + Eq + Clone + 'static,
    T: OutputType + From<Node<E::Model>>,
{
    let req = list_request(filter, extra, ordering, args).extend()?;
    nested_connection::<BellamyLoader, _, _, _, _, _>(ctx, node, req, page_key, count_key).await
}

/// A many-to-many connection of `node` through a link table: one windowed statement
/// for the page of link rows (of all siblings), then one `IN (...)` lookup of the rows
/// they point at (`target_key`). Order, cursors, filter and `totalCount` are the link
/// table's; `extra` is the link rows' access rule (which makes the targets visible).
async fn linked<P, E, F, V, T, PK, CK, TK>(
    ctx: &Context<'_>,
    node: &Node<P>,
    filter: Option<&F>,
    extra: Condition,
    ordering: Ordering<E>,
    args: PageArgs,
    page_key: impl Fn(&P, &ListRef<E>) -> PK,
    count_key: impl Fn(&P, &CountRef) -> CK + Send + Sync + 'static,
    target_key: impl Fn(&E::Model) -> TK,
) -> Result<Conn<T>>
where
    BellamyLoader: Loader<PK, Value = PageOf<E::Model>, Error = ApiError>
        + Loader<CK, Value = u64, Error = ApiError>
        + Loader<TK, Value = V, Error = ApiError>,
    P: Send + Sync + 'static,
    E: EntityTrait,
    E::Model: Send + Sync + Clone + 'static,
    F: TableFilter,
    V: Send + Sync + Clone + 'static,
    PK: Send + Sync + Hash + Eq + Clone + 'static,
    CK: Send + Sync + Hash + Eq + Clone + 'static,
    TK: Send + Sync + Hash + Eq + Clone + 'static,
    T: OutputType + From<Node<V>>,
{
    let req = list_request(filter, extra, ordering, args).extend()?;
    let (cache, loader) = batch::parts::<BellamyLoader>(ctx)?;
    let tag = req.list.id().to_owned();
    let list = req.list;
    let links = batch::page(&cache, &loader, node, &tag, |p| page_key(p, &list))
        .await
        .extend()?
        .bind(&list);
    let mut edges = Vec::with_capacity(links.edges.len());
    for (cursor, link) in links.edges {
        // The first link resolves the targets of every link of the batch at once.
        if let Some(target) = batch::one::<BellamyLoader, _, _, _>(ctx, &link, &target_key).await? {
            edges.push((cursor, target));
        }
    }
    let page = PageNodes {
        edges,
        has_next_page: links.has_next_page,
        has_previous_page: links.has_previous_page,
    };
    let node = node.clone();
    let count = std::sync::Arc::new((req.count, count_key));
    let total = TotalCount::lazy(move || {
        let (cache, loader, node, tag, count) = (
            cache.clone(),
            loader.clone(),
            node.clone(),
            tag.clone(),
            count.clone(),
        );
        async move {
            let n =
                batch::value_with(&cache, &loader, &node, &tag, |p| (count.1)(p, &count.0)).await?;
            Ok(n.unwrap_or(0))
        }
    });
    Ok(connection(page, total))
}

/// Reactions to one target type (`reactions.target_type`) that the viewer may see.
fn reactions_to(ctx: &Context<'_>, target: enums::ReactionTargetType) -> Condition {
    access::reactions(&Access::of(ctx)).add(reactions::Column::TargetType.eq(target))
}

/// The row a to-one relation of `node` points at, loaded with the viewer's access rule
/// (batched with its siblings). The relation's foreign key guarantees the row exists, so
/// an absent row is a hidden one: null, with a `FORBIDDEN` error saying why.
async fn visible_one<K, M, V>(
    ctx: &Context<'_>,
    node: &Node<M>,
    key_of: impl Fn(&M) -> K,
    hidden: Hidden,
) -> Result<Option<Node<V>>>
where
    BellamyLoader: Loader<K, Value = V, Error = ApiError>,
    K: Send + Sync + Hash + Eq + Clone + 'static,
    V: Send + Sync + Clone + 'static,
{
    Ok(
        match batch::one::<BellamyLoader, _, _, _>(ctx, node, key_of).await? {
            Some(n) => Some(n),
            None => hidden.refuse(ctx),
        },
    )
}

/// The six reaction counts of `node` (one `GROUP BY` for all siblings).
async fn reaction_counts<M>(
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

/// Declares `pub struct $name(pub Node<$model>)` and its `From`.
macro_rules! node_type {
    ($(#[$m:meta])* $name:ident($model:path)) => {
        $(#[$m])*
        pub struct $name(pub Node<$model>);

        impl From<Node<$model>> for $name {
            fn from(m: Node<$model>) -> Self {
                Self(m)
            }
        }
    };
}

// ------------------------------------------------------------------------------- types

/// How many reactions of one type a post or a comment has.
#[derive(SimpleObject, Clone, Debug, PartialEq, Eq)]
pub struct BellamyReactionCount {
    /// The reaction type.
    #[graphql(name = "type")]
    pub reaction_type: BellamyReactionType,
    /// How many reactions of that type.
    pub count: i32,
}

/// A Bellamy Book account. The flag marks the account just registered in this request,
/// whose creator may read its email although the request carries no token yet.
pub struct BellamyUser(pub Node<users::Model>, pub bool);

impl From<Node<users::Model>> for BellamyUser {
    fn from(m: Node<users::Model>) -> Self {
        Self(m, false)
    }
}

/// A Bellamy Book account. The password hash is never readable; the email only by the
/// user themself. Lists under a user hold only what the viewer may see.
#[Object]
impl BellamyUser {
    /// The user's id.
    async fn id(&self) -> Uuid {
        self.0.id
    }
    /// The login email: only the user may read it (`FORBIDDEN` for anyone else; the
    /// payload of `bellamyRegister` shows it to the new account's creator).
    async fn email(&self, ctx: &Context<'_>) -> Result<Option<&str>> {
        if self.1 || Access::of(ctx).is(self.0.id) {
            Ok(Some(&self.0.email))
        } else {
            Ok(Hidden::Email.refuse(ctx))
        }
    }
    /// The public handle.
    async fn username(&self) -> &str {
        &self.0.username
    }
    /// The full name.
    async fn full_name(&self) -> &str {
        &self.0.full_name
    }
    /// The profile picture URL.
    async fn profile_picture_url(&self) -> Option<&str> {
        self.0.profile_picture_url.as_deref()
    }
    /// The cover photo URL.
    async fn cover_photo_url(&self) -> Option<&str> {
        self.0.cover_photo_url.as_deref()
    }
    /// The bio.
    async fn bio(&self) -> Option<&str> {
        self.0.bio.as_deref()
    }
    /// When the account was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When the account was last updated.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }

    /// The user's posts the viewer may see (default order: newest first).
    async fn posts(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, counting forward (default 20, at most 100).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Start after this cursor.")] after: Option<String>,
        #[graphql(desc = "Page size, counting backward.")] last: Option<i32>,
        #[graphql(desc = "End before this cursor.")] before: Option<String>,
        #[graphql(desc = "Only posts matching this filter.")] filter: Option<BellamyPostFilter>,
        #[graphql(desc = "Sort order (the id breaks ties; default: newest first).")]
        order_by: Option<BellamyPostOrder>,
    ) -> Result<Conn<BellamyPost>> {
        nested(
            ctx,
            &self.0,
            filter.as_ref(),
            access::posts(&Access::of(ctx)),
            order_or!(
                order_by,
                BellamyPostOrder,
                BellamyPostOrderField::CreatedAt,
                Desc
            ),
            PageArgs::new(first, after, last, before),
            |u, l: &ListRef<_>| PostsOfUser(u.id, l.clone()),
            |u, c: &CountRef| PostCountOfUser(u.id, c.clone()),
        )
        .await
    }

    /// The comments the user wrote on posts the viewer may see (default order: newest
    /// first).
    async fn comments(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, counting forward (default 20, at most 100).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Start after this cursor.")] after: Option<String>,
        #[graphql(desc = "Page size, counting backward.")] last: Option<i32>,
        #[graphql(desc = "End before this cursor.")] before: Option<String>,
        #[graphql(desc = "Only comments matching this filter.")] filter: Option<
            BellamyCommentFilter,
        >,
        #[graphql(desc = "Sort order (the id breaks ties; default: newest first).")]
        order_by: Option<BellamyCommentOrder>,
    ) -> Result<Conn<BellamyComment>> {
        nested(
            ctx,
            &self.0,
            filter.as_ref(),
            access::comments(&Access::of(ctx)),
            order_or!(
                order_by,
                BellamyCommentOrder,
                BellamyCommentOrderField::CreatedAt,
                Desc
            ),
            PageArgs::new(first, after, last, before),
            |u, l: &ListRef<_>| CommentsOfUser(u.id, l.clone()),
            |u, c: &CountRef| CommentCountOfUser(u.id, c.clone()),
        )
        .await
    }

    /// The reactions the user gave to posts and comments the viewer may see (default
    /// order: newest first).
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
            BellamyReactionFilter,
        >,
        #[graphql(desc = "Sort order (the id breaks ties; default: newest first).")]
        order_by: Option<BellamyReactionOrder>,
    ) -> Result<Conn<BellamyReaction>> {
        nested(
            ctx,
            &self.0,
            filter.as_ref(),
            access::reactions(&Access::of(ctx)),
            order_or!(
                order_by,
                BellamyReactionOrder,
                BellamyReactionOrderField::CreatedAt,
                Desc
            ),
            PageArgs::new(first, after, last, before),
            |u, l: &ListRef<_>| ReactionsOfUser(u.id, l.clone()),
            |u, c: &CountRef| ReactionCountOfUser(u.id, c.clone()),
        )
        .await
    }

    /// The friend requests the user sent, if the viewer sent or received them (default
    /// order: newest first).
    async fn sent_friend_requests(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, counting forward (default 20, at most 100).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Start after this cursor.")] after: Option<String>,
        #[graphql(desc = "Page size, counting backward.")] last: Option<i32>,
        #[graphql(desc = "End before this cursor.")] before: Option<String>,
        #[graphql(desc = "Only requests matching this filter.")] filter: Option<
            BellamyFriendRequestFilter,
        >,
        #[graphql(desc = "Sort order (the id breaks ties; default: newest first).")]
        order_by: Option<BellamyFriendRequestOrder>,
    ) -> Result<Conn<BellamyFriendRequest>> {
        nested(
            ctx,
            &self.0,
            filter.as_ref(),
            access::friend_requests(&Access::of(ctx)),
            order_or!(
                order_by,
                BellamyFriendRequestOrder,
                BellamyFriendRequestOrderField::CreatedAt,
                Desc
            ),
            PageArgs::new(first, after, last, before),
            |u, l: &ListRef<_>| SentRequestsOfUser(u.id, l.clone()),
            |u, c: &CountRef| SentRequestCountOfUser(u.id, c.clone()),
        )
        .await
    }

    /// The friend requests the user received, if the viewer sent or received them
    /// (default order: newest first).
    async fn received_friend_requests(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, counting forward (default 20, at most 100).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Start after this cursor.")] after: Option<String>,
        #[graphql(desc = "Page size, counting backward.")] last: Option<i32>,
        #[graphql(desc = "End before this cursor.")] before: Option<String>,
        #[graphql(desc = "Only requests matching this filter.")] filter: Option<
            BellamyFriendRequestFilter,
        >,
        #[graphql(desc = "Sort order (the id breaks ties; default: newest first).")]
        order_by: Option<BellamyFriendRequestOrder>,
    ) -> Result<Conn<BellamyFriendRequest>> {
        nested(
            ctx,
            &self.0,
            filter.as_ref(),
            access::friend_requests(&Access::of(ctx)),
            order_or!(
                order_by,
                BellamyFriendRequestOrder,
                BellamyFriendRequestOrderField::CreatedAt,
                Desc
            ),
            PageArgs::new(first, after, last, before),
            |u, l: &ListRef<_>| ReceivedRequestsOfUser(u.id, l.clone()),
            |u, c: &CountRef| ReceivedRequestCountOfUser(u.id, c.clone()),
        )
        .await
    }

    /// The user's friends, through `friendships` (default order: newest friendship
    /// first). Filter, order and cursors are the friendship rows'.
    async fn friends(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, counting forward (default 20, at most 100).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Start after this cursor.")] after: Option<String>,
        #[graphql(desc = "Page size, counting backward.")] last: Option<i32>,
        #[graphql(desc = "End before this cursor.")] before: Option<String>,
        #[graphql(desc = "Only friendships matching this filter.")] filter: Option<
            BellamyFriendshipFilter,
        >,
        #[graphql(desc = "Sort order of the friendships (default: newest first).")]
        order_by: Option<BellamyFriendshipOrder>,
    ) -> Result<Conn<BellamyUser>> {
        linked(
            ctx,
            &self.0,
            filter.as_ref(),
            access::public(),
            order_or!(
                order_by,
                BellamyFriendshipOrder,
                BellamyFriendshipOrderField::CreatedAt,
                Desc
            ),
            PageArgs::new(first, after, last, before),
            |u, l: &ListRef<_>| FriendshipsOfUser(u.id, l.clone()),
            |u, c: &CountRef| FriendshipCountOfUser(u.id, c.clone()),
            |f: &friendships::Model| UserId(f.friend_id),
        )
        .await
    }

    /// The users who follow this user, through `follows` (default order: newest follow
    /// first). Filter, order and cursors are the follow rows'.
    async fn followers(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, counting forward (default 20, at most 100).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Start after this cursor.")] after: Option<String>,
        #[graphql(desc = "Page size, counting backward.")] last: Option<i32>,
        #[graphql(desc = "End before this cursor.")] before: Option<String>,
        #[graphql(desc = "Only follows matching this filter.")] filter: Option<BellamyFollowFilter>,
        #[graphql(desc = "Sort order of the follows (default: newest first).")] order_by: Option<
            BellamyFollowOrder,
        >,
    ) -> Result<Conn<BellamyUser>> {
        linked(
            ctx,
            &self.0,
            filter.as_ref(),
            access::public(),
            order_or!(
                order_by,
                BellamyFollowOrder,
                BellamyFollowOrderField::CreatedAt,
                Desc
            ),
            PageArgs::new(first, after, last, before),
            |u, l: &ListRef<_>| FollowsOfFollowee(u.id, l.clone()),
            |u, c: &CountRef| FollowCountOfFollowee(u.id, c.clone()),
            |f: &follows::Model| UserId(f.follower_id),
        )
        .await
    }

    /// The users this user follows, through `follows` (default order: newest follow
    /// first). Filter, order and cursors are the follow rows'.
    async fn following(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, counting forward (default 20, at most 100).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Start after this cursor.")] after: Option<String>,
        #[graphql(desc = "Page size, counting backward.")] last: Option<i32>,
        #[graphql(desc = "End before this cursor.")] before: Option<String>,
        #[graphql(desc = "Only follows matching this filter.")] filter: Option<BellamyFollowFilter>,
        #[graphql(desc = "Sort order of the follows (default: newest first).")] order_by: Option<
            BellamyFollowOrder,
        >,
    ) -> Result<Conn<BellamyUser>> {
        linked(
            ctx,
            &self.0,
            filter.as_ref(),
            access::public(),
            order_or!(
                order_by,
                BellamyFollowOrder,
                BellamyFollowOrderField::CreatedAt,
                Desc
            ),
            PageArgs::new(first, after, last, before),
            |u, l: &ListRef<_>| FollowsOfFollower(u.id, l.clone()),
            |u, c: &CountRef| FollowCountOfFollower(u.id, c.clone()),
            |f: &follows::Model| UserId(f.followee_id),
        )
        .await
    }

    /// The user's stories the viewer may see: all of their own, a friend's unexpired ones
    /// (default order: newest first).
    async fn stories(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, counting forward (default 20, at most 100).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Start after this cursor.")] after: Option<String>,
        #[graphql(desc = "Page size, counting backward.")] last: Option<i32>,
        #[graphql(desc = "End before this cursor.")] before: Option<String>,
        #[graphql(desc = "Only stories matching this filter.")] filter: Option<BellamyStoryFilter>,
        #[graphql(desc = "Sort order (the id breaks ties; default: newest first).")]
        order_by: Option<BellamyStoryOrder>,
    ) -> Result<Conn<BellamyStory>> {
        nested(
            ctx,
            &self.0,
            filter.as_ref(),
            access::stories(&Access::of(ctx)),
            order_or!(
                order_by,
                BellamyStoryOrder,
                BellamyStoryOrderField::CreatedAt,
                Desc
            ),
            PageArgs::new(first, after, last, before),
            |u, l: &ListRef<_>| StoriesOfUser(u.id, l.clone()),
            |u, c: &CountRef| StoryCountOfUser(u.id, c.clone()),
        )
        .await
    }

    /// The stories this user viewed: for the user themself, or the views of the viewer's
    /// stories (default order: most recently viewed first).
    async fn story_views(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, counting forward (default 20, at most 100).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Start after this cursor.")] after: Option<String>,
        #[graphql(desc = "Page size, counting backward.")] last: Option<i32>,
        #[graphql(desc = "End before this cursor.")] before: Option<String>,
        #[graphql(desc = "Only views matching this filter.")] filter: Option<
            BellamyStoryViewFilter,
        >,
        #[graphql(desc = "Sort order (default: most recent first).")] order_by: Option<
            BellamyStoryViewOrder,
        >,
    ) -> Result<Conn<BellamyStoryView>> {
        nested(
            ctx,
            &self.0,
            filter.as_ref(),
            access::story_views(&Access::of(ctx)),
            order_or!(
                order_by,
                BellamyStoryViewOrder,
                BellamyStoryViewOrderField::ViewedAt,
                Desc
            ),
            PageArgs::new(first, after, last, before),
            |u, l: &ListRef<_>| StoryViewsOfUser(u.id, l.clone()),
            |u, c: &CountRef| StoryViewCountOfUser(u.id, c.clone()),
        )
        .await
    }

    /// The user's notifications, for the user themself only (empty for anyone else;
    /// default order: newest first).
    async fn notifications(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only unread notifications.", default = false)] unread_only: bool,
        #[graphql(desc = "Page size, counting forward (default 20, at most 100).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Start after this cursor.")] after: Option<String>,
        #[graphql(desc = "Page size, counting backward.")] last: Option<i32>,
        #[graphql(desc = "End before this cursor.")] before: Option<String>,
        #[graphql(desc = "Only notifications matching this filter.")] filter: Option<
            BellamyNotificationFilter,
        >,
        #[graphql(desc = "Sort order (the id breaks ties; default: newest first).")]
        order_by: Option<BellamyNotificationOrder>,
    ) -> Result<Conn<BellamyNotification>> {
        let mut extra = access::notifications(&Access::of(ctx));
        if unread_only {
            extra = extra.add(notifications::Column::Read.eq(false));
        }
        nested(
            ctx,
            &self.0,
            filter.as_ref(),
            extra,
            order_or!(
                order_by,
                BellamyNotificationOrder,
                BellamyNotificationOrderField::CreatedAt,
                Desc
            ),
            PageArgs::new(first, after, last, before),
            |u, l: &ListRef<_>| NotificationsOfUser(u.id, l.clone()),
            |u, c: &CountRef| NotificationCountOfUser(u.id, c.clone()),
        )
        .await
    }

    /// How many of the user's notifications are unread. Notifications are their
    /// recipient's only, so this counts for the viewer themself and is 0 for anyone else.
    async fn unread_notification_count(&self, ctx: &Context<'_>) -> Result<i32> {
        let unread = CountRef::new(
            access::notifications(&Access::of(ctx)).add(notifications::Column::Read.eq(false)),
        );
        let n = batch::value::<BellamyLoader, _, _>(ctx, &self.0, "unread", |u| {
            NotificationCountOfUser(u.id, unread.clone())
        })
        .await?;
        Ok(n.map_or(0, crate::scalars::int))
    }

    /// The conversations the user shares with the viewer, through `conversation_participants`
    /// (default order: most recently joined first). Filter, order and cursors are the
    /// participant rows'.
    async fn conversations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, counting forward (default 20, at most 100).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Start after this cursor.")] after: Option<String>,
        #[graphql(desc = "Page size, counting backward.")] last: Option<i32>,
        #[graphql(desc = "End before this cursor.")] before: Option<String>,
        #[graphql(desc = "Only memberships matching this filter.")] filter: Option<
            BellamyConversationParticipantFilter,
        >,
        #[graphql(desc = "Sort order of the memberships (default: most recently joined first).")]
        order_by: Option<BellamyConversationParticipantOrder>,
    ) -> Result<Conn<BellamyConversation>> {
        let a = Access::of(ctx);
        linked(
            ctx,
            &self.0,
            filter.as_ref(),
            access::participants(&a),
            order_or!(
                order_by,
                BellamyConversationParticipantOrder,
                BellamyConversationParticipantOrderField::JoinedAt,
                Desc
            ),
            PageArgs::new(first, after, last, before),
            |u, l: &ListRef<_>| ParticipationsOfUser(u.id, l.clone()),
            |u, c: &CountRef| ParticipationCountOfUser(u.id, c.clone()),
            move |p: &conversation_participants::Model| {
                ConversationId(p.conversation_id, a.clone())
            },
        )
        .await
    }

    /// The chat messages the user sent in conversations the viewer takes part in (default
    /// order: newest first).
    async fn messages(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, counting forward (default 20, at most 100).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Start after this cursor.")] after: Option<String>,
        #[graphql(desc = "Page size, counting backward.")] last: Option<i32>,
        #[graphql(desc = "End before this cursor.")] before: Option<String>,
        #[graphql(desc = "Only messages matching this filter.")] filter: Option<
            BellamyMessageFilter,
        >,
        #[graphql(desc = "Sort order (the id breaks ties; default: newest first).")]
        order_by: Option<BellamyMessageOrder>,
    ) -> Result<Conn<BellamyMessage>> {
        nested(
            ctx,
            &self.0,
            filter.as_ref(),
            access::messages(&Access::of(ctx)),
            order_or!(
                order_by,
                BellamyMessageOrder,
                BellamyMessageOrderField::CreatedAt,
                Desc
            ),
            PageArgs::new(first, after, last, before),
            |u, l: &ListRef<_>| MessagesOfSender(u.id, l.clone()),
            |u, c: &CountRef| MessageCountOfSender(u.id, c.clone()),
        )
        .await
    }
}

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
            BellamyCommentFilter,
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
            filter.as_ref(),
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
            BellamyReactionFilter,
        >,
        #[graphql(desc = "Sort order (the id breaks ties; default: newest first).")]
        order_by: Option<BellamyReactionOrder>,
    ) -> Result<Conn<BellamyReaction>> {
        nested(
            ctx,
            &self.0,
            filter.as_ref(),
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
        #[graphql(desc = "Only media matching this filter.")] filter: Option<BellamyMediaFilter>,
        #[graphql(desc = "Sort order (the id breaks ties; default: position).")] order_by: Option<
            BellamyMediaOrder,
        >,
    ) -> Result<Conn<BellamyMedia>> {
        nested(
            ctx,
            &self.0,
            filter.as_ref(),
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
            BellamyPostHashtagFilter,
        >,
        #[graphql(desc = "Sort order of the links (default: hashtag id).")] order_by: Option<
            BellamyPostHashtagOrder,
        >,
    ) -> Result<Conn<BellamyHashtag>> {
        let a = Access::of(ctx);
        linked(
            ctx,
            &self.0,
            filter.as_ref(),
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
            BellamyCommentFilter,
        >,
        #[graphql(desc = "Sort order (the id breaks ties; default: oldest first).")]
        order_by: Option<BellamyCommentOrder>,
    ) -> Result<Conn<BellamyComment>> {
        nested(
            ctx,
            &self.0,
            filter.as_ref(),
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
            BellamyReactionFilter,
        >,
        #[graphql(desc = "Sort order (the id breaks ties; default: newest first).")]
        order_by: Option<BellamyReactionOrder>,
    ) -> Result<Conn<BellamyReaction>> {
        nested(
            ctx,
            &self.0,
            filter.as_ref(),
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

node_type!(
    /// A request from one user to another to become friends.
    BellamyFriendRequest(friend_requests::Model)
);

/// A request from one user to another to become friends.
#[Object]
impl BellamyFriendRequest {
    /// The request's id.
    async fn id(&self) -> Uuid {
        self.0.id
    }
    /// Who asked.
    async fn sender_id(&self) -> Uuid {
        self.0.sender_id
    }
    /// Who is asked.
    async fn receiver_id(&self) -> Uuid {
        self.0.receiver_id
    }
    /// The request's state.
    async fn status(&self) -> BellamyFriendRequestStatus {
        self.0.status.into()
    }
    /// When the request was sent.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When the request last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
    /// When the request was answered (or cancelled); null while pending.
    async fn responded_at(&self) -> Option<DateTime<Utc>> {
        self.0.responded_at
    }
    /// Who asked.
    async fn sender(&self, ctx: &Context<'_>) -> Result<Option<BellamyUser>> {
        let n = batch::one::<BellamyLoader, _, _, _>(ctx, &self.0, |r| UserId(r.sender_id)).await?;
        Ok(n.map(BellamyUser::from))
    }
    /// Who is asked.
    async fn receiver(&self, ctx: &Context<'_>) -> Result<Option<BellamyUser>> {
        let n =
            batch::one::<BellamyLoader, _, _, _>(ctx, &self.0, |r| UserId(r.receiver_id)).await?;
        Ok(n.map(BellamyUser::from))
    }
}

node_type!(
    /// One direction of a friendship: `user` is friends with `friend` (every friendship
    /// is stored both ways).
    BellamyFriendship(friendships::Model)
);

/// One direction of a friendship: `user` is friends with `friend` (every friendship is
/// stored both ways).
#[Object]
impl BellamyFriendship {
    /// The user.
    async fn user_id(&self) -> Uuid {
        self.0.user_id
    }
    /// The user's friend.
    async fn friend_id(&self) -> Uuid {
        self.0.friend_id
    }
    /// When the two became friends.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// The user.
    async fn user(&self, ctx: &Context<'_>) -> Result<Option<BellamyUser>> {
        let n = batch::one::<BellamyLoader, _, _, _>(ctx, &self.0, |f| UserId(f.user_id)).await?;
        Ok(n.map(BellamyUser::from))
    }
    /// The user's friend.
    async fn friend(&self, ctx: &Context<'_>) -> Result<Option<BellamyUser>> {
        let n = batch::one::<BellamyLoader, _, _, _>(ctx, &self.0, |f| UserId(f.friend_id)).await?;
        Ok(n.map(BellamyUser::from))
    }
}

node_type!(
    /// A one-way follow: `follower` follows `followee`.
    BellamyFollow(follows::Model)
);

/// A one-way follow: `follower` follows `followee`.
#[Object]
impl BellamyFollow {
    /// The user who follows.
    async fn follower_id(&self) -> Uuid {
        self.0.follower_id
    }
    /// The user who is followed.
    async fn followee_id(&self) -> Uuid {
        self.0.followee_id
    }
    /// When the follow began.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// The user who follows.
    async fn follower(&self, ctx: &Context<'_>) -> Result<Option<BellamyUser>> {
        let n =
            batch::one::<BellamyLoader, _, _, _>(ctx, &self.0, |f| UserId(f.follower_id)).await?;
        Ok(n.map(BellamyUser::from))
    }
    /// The user who is followed.
    async fn followee(&self, ctx: &Context<'_>) -> Result<Option<BellamyUser>> {
        let n =
            batch::one::<BellamyLoader, _, _, _>(ctx, &self.0, |f| UserId(f.followee_id)).await?;
        Ok(n.map(BellamyUser::from))
    }
}

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
            BellamyPostHashtagFilter,
        >,
        #[graphql(desc = "Sort order of the links (default: post id).")] order_by: Option<
            BellamyPostHashtagOrder,
        >,
    ) -> Result<Conn<BellamyPost>> {
        let a = Access::of(ctx);
        linked(
            ctx,
            &self.0,
            filter.as_ref(),
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

node_type!(
    /// An image or video attached to a post.
    BellamyMedia(media::Model)
);

/// An image or video attached to a post.
#[Object]
impl BellamyMedia {
    /// The media item's id.
    async fn id(&self) -> Uuid {
        self.0.id
    }
    /// The post's id.
    async fn post_id(&self) -> Uuid {
        self.0.post_id
    }
    /// The file's URL.
    async fn url(&self) -> &str {
        &self.0.url
    }
    /// Image or video.
    async fn r#type(&self) -> BellamyMediaType {
        self.0.r#type.into()
    }
    /// Display position within the post, from 0.
    async fn position(&self) -> i32 {
        self.0.position
    }
    /// When the item was uploaded.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// The post.
    async fn post(&self, ctx: &Context<'_>) -> Result<Option<BellamyPost>> {
        let a = Access::of(ctx);
        let n = visible_one(ctx, &self.0, |m| PostId(m.post_id, a.clone()), Hidden::Post).await?;
        Ok(n.map(BellamyPost))
    }
}

node_type!(
    /// A short-lived image or video.
    BellamyStory(stories::Model)
);

/// A short-lived image or video.
#[Object]
impl BellamyStory {
    /// The story's id.
    async fn id(&self) -> Uuid {
        self.0.id
    }
    /// The author's id.
    async fn user_id(&self) -> Uuid {
        self.0.user_id
    }
    /// The media URL.
    async fn media_url(&self) -> &str {
        &self.0.media_url
    }
    /// Image or video.
    async fn r#type(&self) -> BellamyStoryType {
        self.0.r#type.into()
    }
    /// When the story was posted.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When the story stops being shown.
    async fn expires_at(&self) -> DateTime<Utc> {
        self.0.expires_at
    }
    /// The author.
    async fn user(&self, ctx: &Context<'_>) -> Result<Option<BellamyUser>> {
        let n = batch::one::<BellamyLoader, _, _, _>(ctx, &self.0, |s| UserId(s.user_id)).await?;
        Ok(n.map(BellamyUser::from))
    }

    /// Who viewed the story, and when: all views for the story's author, the viewer's own
    /// view for anyone else (default order: most recent first).
    async fn viewers(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, counting forward (default 20, at most 100).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Start after this cursor.")] after: Option<String>,
        #[graphql(desc = "Page size, counting backward.")] last: Option<i32>,
        #[graphql(desc = "End before this cursor.")] before: Option<String>,
        #[graphql(desc = "Only views matching this filter.")] filter: Option<
            BellamyStoryViewFilter,
        >,
        #[graphql(desc = "Sort order (default: most recent first).")] order_by: Option<
            BellamyStoryViewOrder,
        >,
    ) -> Result<Conn<BellamyStoryView>> {
        nested(
            ctx,
            &self.0,
            filter.as_ref(),
            access::story_views(&Access::of(ctx)),
            order_or!(
                order_by,
                BellamyStoryViewOrder,
                BellamyStoryViewOrderField::ViewedAt,
                Desc
            ),
            PageArgs::new(first, after, last, before),
            |s, l: &ListRef<_>| ViewsOfStory(s.id, l.clone()),
            |s, c: &CountRef| ViewCountOfStory(s.id, c.clone()),
        )
        .await
    }
}

node_type!(
    /// A user viewed a story.
    BellamyStoryView(story_viewers::Model)
);

/// A user viewed a story.
#[Object]
impl BellamyStoryView {
    /// The story's id.
    async fn story_id(&self) -> Uuid {
        self.0.story_id
    }
    /// The viewer's id.
    async fn user_id(&self) -> Uuid {
        self.0.user_id
    }
    /// When the story was viewed.
    async fn viewed_at(&self) -> DateTime<Utc> {
        self.0.viewed_at
    }
    /// The story; `FORBIDDEN` unless the viewer is its author or, until it expires, a
    /// friend of the author.
    async fn story(&self, ctx: &Context<'_>) -> Result<Option<BellamyStory>> {
        let a = Access::of(ctx);
        let n = visible_one(
            ctx,
            &self.0,
            |v| StoryId(v.story_id, a.clone()),
            Hidden::Story,
        )
        .await?;
        Ok(n.map(BellamyStory))
    }
    /// The viewer.
    async fn user(&self, ctx: &Context<'_>) -> Result<Option<BellamyUser>> {
        let n = batch::one::<BellamyLoader, _, _, _>(ctx, &self.0, |v| UserId(v.user_id)).await?;
        Ok(n.map(BellamyUser::from))
    }
}

node_type!(
    /// A notification in a user's inbox.
    BellamyNotification(notifications::Model)
);

/// A notification in a user's inbox.
#[Object]
impl BellamyNotification {
    /// The notification's id.
    async fn id(&self) -> Uuid {
        self.0.id
    }
    /// The recipient's id.
    async fn user_id(&self) -> Uuid {
        self.0.user_id
    }
    /// What happened, e.g. `friend_request`, `post_reaction` (an open set).
    async fn r#type(&self) -> &str {
        &self.0.r#type
    }
    /// The title.
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// The message.
    async fn message(&self) -> &str {
        &self.0.message
    }
    /// Free-form details of the event (ids of the post, the sender, ...).
    async fn data(&self) -> Json<serde_json::Value> {
        Json(self.0.data.clone())
    }
    /// Whether the recipient has read it.
    async fn read(&self) -> bool {
        self.0.read
    }
    /// When it was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// The recipient.
    async fn user(&self, ctx: &Context<'_>) -> Result<Option<BellamyUser>> {
        let n = batch::one::<BellamyLoader, _, _, _>(ctx, &self.0, |n| UserId(n.user_id)).await?;
        Ok(n.map(BellamyUser::from))
    }
}

node_type!(
    /// A chat between participants.
    BellamyConversation(conversations::Model)
);

/// A chat between participants.
#[Object]
impl BellamyConversation {
    /// The conversation's id.
    async fn id(&self) -> Uuid {
        self.0.id
    }
    /// When it was started.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// Its last activity.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }

    /// Who takes part (default order: first to join first).
    async fn participants(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, counting forward (default 20, at most 100).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Start after this cursor.")] after: Option<String>,
        #[graphql(desc = "Page size, counting backward.")] last: Option<i32>,
        #[graphql(desc = "End before this cursor.")] before: Option<String>,
        #[graphql(desc = "Only participants matching this filter.")] filter: Option<
            BellamyConversationParticipantFilter,
        >,
        #[graphql(desc = "Sort order (default: first to join first).")] order_by: Option<
            BellamyConversationParticipantOrder,
        >,
    ) -> Result<Conn<BellamyConversationParticipant>> {
        nested(
            ctx,
            &self.0,
            filter.as_ref(),
            access::participants(&Access::of(ctx)),
            order_or!(
                order_by,
                BellamyConversationParticipantOrder,
                BellamyConversationParticipantOrderField::JoinedAt,
                Asc
            ),
            PageArgs::new(first, after, last, before),
            |c, l: &ListRef<_>| ParticipantsOfConversation(c.id, l.clone()),
            |c, count: &CountRef| ParticipantCountOfConversation(c.id, count.clone()),
        )
        .await
    }

    /// The messages (default order: newest first).
    async fn messages(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, counting forward (default 20, at most 100).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Start after this cursor.")] after: Option<String>,
        #[graphql(desc = "Page size, counting backward.")] last: Option<i32>,
        #[graphql(desc = "End before this cursor.")] before: Option<String>,
        #[graphql(desc = "Only messages matching this filter.")] filter: Option<
            BellamyMessageFilter,
        >,
        #[graphql(desc = "Sort order (the id breaks ties; default: newest first).")]
        order_by: Option<BellamyMessageOrder>,
    ) -> Result<Conn<BellamyMessage>> {
        nested(
            ctx,
            &self.0,
            filter.as_ref(),
            access::messages(&Access::of(ctx)),
            order_or!(
                order_by,
                BellamyMessageOrder,
                BellamyMessageOrderField::CreatedAt,
                Desc
            ),
            PageArgs::new(first, after, last, before),
            |c, l: &ListRef<_>| MessagesOfConversation(c.id, l.clone()),
            |c, count: &CountRef| MessageCountOfConversation(c.id, count.clone()),
        )
        .await
    }
}

node_type!(
    /// A user's membership of a conversation.
    BellamyConversationParticipant(conversation_participants::Model)
);

/// A user's membership of a conversation.
#[Object]
impl BellamyConversationParticipant {
    /// The conversation's id.
    async fn conversation_id(&self) -> Uuid {
        self.0.conversation_id
    }
    /// The participant's id.
    async fn user_id(&self) -> Uuid {
        self.0.user_id
    }
    /// When they joined.
    async fn joined_at(&self) -> DateTime<Utc> {
        self.0.joined_at
    }
    /// When they last read the conversation; null if never.
    async fn last_read_at(&self) -> Option<DateTime<Utc>> {
        self.0.last_read_at
    }
    /// The conversation.
    async fn conversation(&self, ctx: &Context<'_>) -> Result<Option<BellamyConversation>> {
        let a = Access::of(ctx);
        let n = visible_one(
            ctx,
            &self.0,
            |p| ConversationId(p.conversation_id, a.clone()),
            Hidden::Conversation,
        )
        .await?;
        Ok(n.map(BellamyConversation))
    }
    /// The participant.
    async fn user(&self, ctx: &Context<'_>) -> Result<Option<BellamyUser>> {
        let n = batch::one::<BellamyLoader, _, _, _>(ctx, &self.0, |p| UserId(p.user_id)).await?;
        Ok(n.map(BellamyUser::from))
    }
}

node_type!(
    /// A chat message.
    BellamyMessage(messages::Model)
);

/// A chat message.
#[Object]
impl BellamyMessage {
    /// The message's id.
    async fn id(&self) -> Uuid {
        self.0.id
    }
    /// The conversation's id.
    async fn conversation_id(&self) -> Uuid {
        self.0.conversation_id
    }
    /// The sender's id.
    async fn sender_id(&self) -> Uuid {
        self.0.sender_id
    }
    /// The text (or caption).
    async fn content(&self) -> &str {
        &self.0.content
    }
    /// Text, image or video.
    async fn r#type(&self) -> BellamyMessageType {
        self.0.r#type.into()
    }
    /// Whether the message has been read.
    async fn read(&self) -> bool {
        self.0.read
    }
    /// When it was sent.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// The conversation.
    async fn conversation(&self, ctx: &Context<'_>) -> Result<Option<BellamyConversation>> {
        let a = Access::of(ctx);
        let n = visible_one(
            ctx,
            &self.0,
            |m| ConversationId(m.conversation_id, a.clone()),
            Hidden::Conversation,
        )
        .await?;
        Ok(n.map(BellamyConversation))
    }
    /// The sender.
    async fn sender(&self, ctx: &Context<'_>) -> Result<Option<BellamyUser>> {
        let n = batch::one::<BellamyLoader, _, _, _>(ctx, &self.0, |m| UserId(m.sender_id)).await?;
        Ok(n.map(BellamyUser::from))
    }
}
