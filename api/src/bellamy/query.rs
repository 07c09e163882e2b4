//! Bellamy's root query fields: a lookup per primary and unique key, and a plural
//! connection per table. Both follow [`access`]: a list holds only what the viewer may
//! see; a lookup of a hidden row is null with a `FORBIDDEN` error saying why.

use async_graphql::{Context, ErrorExtensions, MergedObject, Object};
use entity::bellamy::{
    comments, conversation_participants, conversations, follows, friend_requests, friendships,
    hashtags, media, messages, notifications, post_hashtags, posts, reactions, stories,
    story_viewers, users,
};
use sea_orm::entity::prelude::Uuid;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, Select};

use super::access::{self, Access, Hidden, Scope, guarded, scope_of, scoped};
use super::types::*;
use crate::batch::Node;
use crate::context::databases;
use crate::error::{ApiError, ResultExt};
use crate::root_list;

type Result<T> = async_graphql::Result<T>;

/// Bellamy's part of the root query.
#[derive(MergedObject, Default)]
pub struct BellamyQuery(BellamyLookups, BellamyLists);

/// Bellamy's plural root connections.
#[derive(MergedObject, Default)]
pub struct BellamyLists(
    BellamyUsersList,
    BellamyPostsList,
    BellamyCommentsList,
    BellamyReactionsList,
    BellamyFriendRequestsList,
    BellamyFriendshipsList,
    BellamyFollowsList,
    BellamyHashtagsList,
    BellamyPostHashtagsList,
    BellamyAllMediaList,
    BellamyStoriesList,
    BellamyStoryViewsList,
    BellamyNotificationsList,
    BellamyConversationsList,
    BellamyConversationParticipantsList,
    BellamyMessagesList,
);

/// The one row `select` finds, as a GraphQL object (null if none).
async fn one<E, T>(ctx: &Context<'_>, select: Select<E>) -> Result<Option<T>>
where
    E: EntityTrait,
    T: From<Node<E::Model>>,
{
    let m = select.one(databases(ctx)?.bellamy()).await.extend()?;
    Ok(m.map(|m| T::from(Node::single(m))))
}

/// Exactly one of the lookup alternatives must be given.
fn exactly_one(given: &[(&str, bool)]) -> Result<()> {
    if given.iter().filter(|(_, g)| *g).count() == 1 {
        return Ok(());
    }
    let names: Vec<&str> = given.iter().map(|(n, _)| *n).collect();
    Err(ApiError::bad_input(
        names.join("|"),
        format!("give exactly one of: {}", names.join(", ")),
    )
    .extend())
}

/// All of a compound key's parts, or none of them.
fn all_or_none(parts: &[(&str, bool)]) -> Result<bool> {
    let n = parts.iter().filter(|(_, g)| *g).count();
    if n == 0 || n == parts.len() {
        return Ok(n > 0);
    }
    let names: Vec<&str> = parts.iter().map(|(n, _)| *n).collect();
    Err(ApiError::bad_input(
        names.join("+"),
        format!("give all of {} together", names.join(", ")),
    )
    .extend())
}

/// Bellamy's lookups by primary and unique key.
#[derive(Default)]
pub struct BellamyLookups;

#[Object]
impl BellamyLookups {
    /// One user, by exactly one of `id`, `username` or `email`; null if none matches.
    /// An email address is private: looking one up finds only the viewer's own account,
    /// and is `FORBIDDEN` for any other address (whether or not an account has it).
    async fn bellamy_user(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The user's id.")] id: Option<Uuid>,
        #[graphql(desc = "The public handle (any case: usernames are stored lowercased).")]
        username: Option<String>,
        #[graphql(desc = "The viewer's own login email (no one else's).")] email: Option<String>,
    ) -> Result<Option<BellamyUser>> {
        exactly_one(&[
            ("id", id.is_some()),
            ("username", username.is_some()),
            ("email", email.is_some()),
        ])?;
        let cond = match (id, username, email) {
            (Some(id), _, _) => users::Column::Id.eq(id),
            (_, Some(u), _) => users::Column::Username.eq(u.trim().to_lowercase()),
            (_, _, Some(e)) => {
                let Some(me) = Access::of(ctx).viewer else {
                    return Ok(Hidden::EmailLookup.refuse(ctx));
                };
                let mine = users::Entity::find()
                    .filter(users::Column::Email.eq(e.trim().to_lowercase()))
                    .filter(users::Column::Id.eq(me));
                return match one(ctx, mine).await? {
                    Some(user) => Ok(Some(user)),
                    None => Ok(Hidden::EmailLookup.refuse(ctx)),
                };
            }
            _ => return Ok(None),
        };
        one(ctx, users::Entity::find().filter(cond)).await
    }

    /// One post by id; null if none matches, `FORBIDDEN` if its privacy hides it from
    /// the viewer.
    async fn bellamy_post(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The post's id.")] id: Uuid,
    ) -> Result<Option<BellamyPost>> {
        let rule = access::posts(&Access::of(ctx));
        guarded(ctx, posts::Entity::find_by_id(id), rule, Hidden::post).await
    }

    /// One comment by id; null if none matches, `FORBIDDEN` if its post is hidden from
    /// the viewer.
    async fn bellamy_comment(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The comment's id.")] id: Uuid,
    ) -> Result<Option<BellamyComment>> {
        let rule = access::comments(&Access::of(ctx));
        guarded(ctx, comments::Entity::find_by_id(id), rule, |_| {
            Hidden::Comment
        })
        .await
    }

    /// One reaction, by exactly one of `id` or the unique key `userId` + `targetId` +
    /// `targetType`; null if none matches, `FORBIDDEN` if its target is hidden from the
    /// viewer (by key: whether or not the user reacted).
    async fn bellamy_reaction(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The reaction's id.")] id: Option<Uuid>,
        #[graphql(desc = "Who reacted (with `targetId` and `targetType`).")] user_id: Option<Uuid>,
        #[graphql(desc = "The target's id (with `userId` and `targetType`).")] target_id: Option<
            Uuid,
        >,
        #[graphql(desc = "The target's type (with `userId` and `targetId`).")] target_type: Option<
            BellamyReactionTargetType,
        >,
    ) -> Result<Option<BellamyReaction>> {
        let key = all_or_none(&[
            ("userId", user_id.is_some()),
            ("targetId", target_id.is_some()),
            ("targetType", target_type.is_some()),
        ])?;
        exactly_one(&[("id", id.is_some()), ("userId+targetId+targetType", key)])?;
        let a = Access::of(ctx);
        let rule = access::reactions(&a);
        match (id, user_id, target_id, target_type) {
            (Some(id), ..) => {
                guarded(ctx, reactions::Entity::find_by_id(id), rule, |_| {
                    Hidden::Reaction
                })
                .await
            }
            (_, Some(u), Some(t), Some(tt)) => {
                use entity::bellamy::enums::ReactionTargetType as Target;
                let target = Target::from(tt);
                let scope = match target {
                    Target::Post => {
                        let post = posts::Entity::find_by_id(t);
                        scope_of(ctx, post, access::posts(&a), Hidden::Reaction).await?
                    }
                    Target::Comment => {
                        let comment = comments::Entity::find_by_id(t);
                        scope_of(ctx, comment, access::comments(&a), Hidden::Reaction).await?
                    }
                };
                let select = reactions::Entity::find()
                    .filter(reactions::Column::UserId.eq(u))
                    .filter(reactions::Column::TargetId.eq(t))
                    .filter(reactions::Column::TargetType.eq(target));
                scoped(ctx, scope, select, rule).await
            }
            _ => Ok(None),
        }
    }

    /// One friend request, by exactly one of `id` or the unique key `senderId` +
    /// `receiverId`; null if none matches, `FORBIDDEN` unless the viewer sent or received
    /// it (by key: unless the viewer is one of the two, whether or not there is one).
    async fn bellamy_friend_request(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The request's id.")] id: Option<Uuid>,
        #[graphql(desc = "Who asked (with `receiverId`).")] sender_id: Option<Uuid>,
        #[graphql(desc = "Who is asked (with `senderId`).")] receiver_id: Option<Uuid>,
    ) -> Result<Option<BellamyFriendRequest>> {
        let key = all_or_none(&[
            ("senderId", sender_id.is_some()),
            ("receiverId", receiver_id.is_some()),
        ])?;
        exactly_one(&[("id", id.is_some()), ("senderId+receiverId", key)])?;
        let a = Access::of(ctx);
        let rule = access::friend_requests(&a);
        match (id, sender_id, receiver_id) {
            (Some(id), ..) => {
                guarded(ctx, friend_requests::Entity::find_by_id(id), rule, |_| {
                    Hidden::FriendRequest
                })
                .await
            }
            (_, Some(s), Some(r)) => {
                let scope = if a.is(s) || a.is(r) {
                    Scope::Open
                } else {
                    Scope::Closed(Hidden::FriendRequest)
                };
                let select = friend_requests::Entity::find()
                    .filter(friend_requests::Column::SenderId.eq(s))
                    .filter(friend_requests::Column::ReceiverId.eq(r));
                scoped(ctx, scope, select, rule).await
            }
            _ => Ok(None),
        }
    }

    /// One friendship row by its key; null if the two are not friends.
    async fn bellamy_friendship(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The user.")] user_id: Uuid,
        #[graphql(desc = "The user's friend.")] friend_id: Uuid,
    ) -> Result<Option<BellamyFriendship>> {
        one(ctx, friendships::Entity::find_by_id((user_id, friend_id))).await
    }

    /// One follow by its key; null if `followerId` does not follow `followeeId`.
    async fn bellamy_follow(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The user who follows.")] follower_id: Uuid,
        #[graphql(desc = "The user who is followed.")] followee_id: Uuid,
    ) -> Result<Option<BellamyFollow>> {
        one(ctx, follows::Entity::find_by_id((follower_id, followee_id))).await
    }

    /// One hashtag, by exactly one of `id` or `tag`; null if none matches.
    async fn bellamy_hashtag(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The hashtag's id.")] id: Option<Uuid>,
        #[graphql(desc = "The tag, with or without `#`, in any case (`#Rust` finds `rust`).")]
        tag: Option<String>,
    ) -> Result<Option<BellamyHashtag>> {
        exactly_one(&[("id", id.is_some()), ("tag", tag.is_some())])?;
        let cond = match (id, tag) {
            (Some(id), _) => hashtags::Column::Id.eq(id),
            (_, Some(t)) => hashtags::Column::Tag.eq(super::service::posts::normalize_hashtag(&t)),
            _ => return Ok(None),
        };
        one(ctx, hashtags::Entity::find().filter(cond)).await
    }

    /// One post–hashtag link by its key; null if the post does not carry the tag,
    /// `FORBIDDEN` if the post is hidden from the viewer (whether or not it carries it).
    async fn bellamy_post_hashtag(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The post's id.")] post_id: Uuid,
        #[graphql(desc = "The hashtag's id.")] hashtag_id: Uuid,
    ) -> Result<Option<BellamyPostHashtag>> {
        let a = Access::of(ctx);
        let post = posts::Entity::find_by_id(post_id);
        let scope = scope_of(ctx, post, access::posts(&a), Hidden::PostHashtag).await?;
        let select = post_hashtags::Entity::find_by_id((post_id, hashtag_id));
        scoped(ctx, scope, select, access::post_hashtags(&a)).await
    }

    /// One media item by id; null if none matches, `FORBIDDEN` if its post is hidden
    /// from the viewer.
    async fn bellamy_media(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The media item's id.")] id: Uuid,
    ) -> Result<Option<BellamyMedia>> {
        let rule = access::media(&Access::of(ctx));
        guarded(ctx, media::Entity::find_by_id(id), rule, |_| Hidden::Media).await
    }

    /// One story by id; null if none matches, `FORBIDDEN` unless the viewer is its
    /// author or, until it expires, a friend of the author.
    async fn bellamy_story(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The story's id.")] id: Uuid,
    ) -> Result<Option<BellamyStory>> {
        let a = Access::of(ctx);
        let rule = access::stories(&a);
        guarded(ctx, stories::Entity::find_by_id(id), rule, |s| {
            Hidden::story(&a, s)
        })
        .await
    }

    /// One story view by its key; null if the user has not viewed the story,
    /// `FORBIDDEN` unless the viewer wrote the story or is that user (whether or not the
    /// user viewed it).
    async fn bellamy_story_view(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The story's id.")] story_id: Uuid,
        #[graphql(desc = "The viewer's id.")] user_id: Uuid,
    ) -> Result<Option<BellamyStoryView>> {
        let a = Access::of(ctx);
        let scope = if a.is(user_id) {
            Scope::Open
        } else {
            let story = stories::Entity::find_by_id(story_id);
            scope_of(ctx, story, access::own_stories(&a), Hidden::StoryView).await?
        };
        let select = story_viewers::Entity::find_by_id((story_id, user_id));
        scoped(ctx, scope, select, access::story_views(&a)).await
    }

    /// One notification by id; null if none matches, `FORBIDDEN` unless the viewer is
    /// its recipient.
    async fn bellamy_notification(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The notification's id.")] id: Uuid,
    ) -> Result<Option<BellamyNotification>> {
        let rule = access::notifications(&Access::of(ctx));
        guarded(ctx, notifications::Entity::find_by_id(id), rule, |_| {
            Hidden::Notification
        })
        .await
    }

    /// One conversation by id; null if none matches, `FORBIDDEN` unless the viewer
    /// takes part in it.
    async fn bellamy_conversation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The conversation's id.")] id: Uuid,
    ) -> Result<Option<BellamyConversation>> {
        let rule = access::conversations(&Access::of(ctx));
        guarded(ctx, conversations::Entity::find_by_id(id), rule, |_| {
            Hidden::Conversation
        })
        .await
    }

    /// One conversation membership by its key; null if the user does not take part,
    /// `FORBIDDEN` unless the viewer takes part in the conversation (whether or not the
    /// user does).
    async fn bellamy_conversation_participant(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The conversation's id.")] conversation_id: Uuid,
        #[graphql(desc = "The participant's id.")] user_id: Uuid,
    ) -> Result<Option<BellamyConversationParticipant>> {
        let a = Access::of(ctx);
        let conversation = conversations::Entity::find_by_id(conversation_id);
        let scope = scope_of(
            ctx,
            conversation,
            access::conversations(&a),
            Hidden::Conversation,
        )
        .await?;
        let select = conversation_participants::Entity::find_by_id((conversation_id, user_id));
        scoped(ctx, scope, select, access::participants(&a)).await
    }

    /// One message by id; null if none matches, `FORBIDDEN` unless the viewer takes
    /// part in its conversation.
    async fn bellamy_message(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The message's id.")] id: Uuid,
    ) -> Result<Option<BellamyMessage>> {
        let rule = access::messages(&Access::of(ctx));
        guarded(ctx, messages::Entity::find_by_id(id), rule, |_| {
            Hidden::Conversation
        })
        .await
    }
}

root_list! {
    /// All users (profiles are public; an email reads only for its own user).
    BellamyUsersList.bellamy_users -> BellamyUser,
    db: bellamy,
    filter: BellamyUserFilter => "Only users matching this filter.",
    order: BellamyUserOrder => "Sort order (the key breaks ties; default: key order).",
    access: |ctx| access::public(),
}
root_list! {
    /// The posts the viewer may see: public posts, and for a signed-in viewer also their
    /// own and their friends' `FRIENDS` posts. The seed's "public posts, newest first" is
    /// `bellamyPosts(filter: {privacy: {eq: PUBLIC}}, orderBy: {field: CREATED_AT, direction: DESC})`.
    BellamyPostsList.bellamy_posts -> BellamyPost,
    db: bellamy,
    filter: BellamyPostFilter => "Only posts matching this filter.",
    order: BellamyPostOrder => "Sort order (the key breaks ties; default: key order).",
    access: |ctx| access::posts(&Access::of(ctx)),
}
root_list! {
    /// The comments the viewer may see (those on visible posts).
    BellamyCommentsList.bellamy_comments -> BellamyComment,
    db: bellamy,
    filter: BellamyCommentFilter => "Only comments matching this filter.",
    order: BellamyCommentOrder => "Sort order (the key breaks ties; default: key order).",
    access: |ctx| access::comments(&Access::of(ctx)),
}
root_list! {
    /// The reactions the viewer may see (those to visible posts and comments).
    BellamyReactionsList.bellamy_reactions -> BellamyReaction,
    db: bellamy,
    filter: BellamyReactionFilter => "Only reactions matching this filter.",
    order: BellamyReactionOrder => "Sort order (the key breaks ties; default: key order).",
    access: |ctx| access::reactions(&Access::of(ctx)),
}
root_list! {
    /// The friend requests the viewer sent or received (none when anonymous).
    BellamyFriendRequestsList.bellamy_friend_requests -> BellamyFriendRequest,
    db: bellamy,
    filter: BellamyFriendRequestFilter => "Only requests matching this filter.",
    order: BellamyFriendRequestOrder => "Sort order (the key breaks ties; default: key order).",
    access: |ctx| access::friend_requests(&Access::of(ctx)),
}
root_list! {
    /// All friendship rows (two per friendship, one each way; the social graph is public).
    BellamyFriendshipsList.bellamy_friendships -> BellamyFriendship,
    db: bellamy,
    filter: BellamyFriendshipFilter => "Only friendships matching this filter.",
    order: BellamyFriendshipOrder => "Sort order (the key breaks ties; default: key order).",
    access: |ctx| access::public(),
}
root_list! {
    /// All follows (the social graph is public).
    BellamyFollowsList.bellamy_follows -> BellamyFollow,
    db: bellamy,
    filter: BellamyFollowFilter => "Only follows matching this filter.",
    order: BellamyFollowOrder => "Sort order (the key breaks ties; default: key order).",
    access: |ctx| access::public(),
}
root_list! {
    /// All hashtags.
    BellamyHashtagsList.bellamy_hashtags -> BellamyHashtag,
    db: bellamy,
    filter: BellamyHashtagFilter => "Only hashtags matching this filter.",
    order: BellamyHashtagOrder => "Sort order (the key breaks ties; default: key order).",
    access: |ctx| access::public(),
}
root_list! {
    /// The post–hashtag links of the posts the viewer may see.
    BellamyPostHashtagsList.bellamy_post_hashtags -> BellamyPostHashtag,
    db: bellamy,
    filter: BellamyPostHashtagFilter => "Only links matching this filter.",
    order: BellamyPostHashtagOrder => "Sort order (the key breaks ties; default: key order).",
    access: |ctx| access::post_hashtags(&Access::of(ctx)),
}
root_list! {
    /// The media items of the posts the viewer may see.
    BellamyAllMediaList.bellamy_all_media -> BellamyMedia,
    db: bellamy,
    filter: BellamyMediaFilter => "Only media matching this filter.",
    order: BellamyMediaOrder => "Sort order (the key breaks ties; default: key order).",
    access: |ctx| access::media(&Access::of(ctx)),
}
root_list! {
    /// The stories the viewer may see: their own (expired ones included) and their
    /// friends' unexpired ones (none when anonymous).
    BellamyStoriesList.bellamy_stories -> BellamyStory,
    db: bellamy,
    filter: BellamyStoryFilter => "Only stories matching this filter.",
    order: BellamyStoryOrder => "Sort order (the key breaks ties; default: key order).",
    access: |ctx| access::stories(&Access::of(ctx)),
}
root_list! {
    /// The story views the viewer may see: the views of their own stories, and their own
    /// views (none when anonymous).
    BellamyStoryViewsList.bellamy_story_views -> BellamyStoryView,
    db: bellamy,
    filter: BellamyStoryViewFilter => "Only views matching this filter.",
    order: BellamyStoryViewOrder => "Sort order (the key breaks ties; default: key order).",
    access: |ctx| access::story_views(&Access::of(ctx)),
}
root_list! {
    /// The viewer's notifications (none when anonymous).
    BellamyNotificationsList.bellamy_notifications -> BellamyNotification,
    db: bellamy,
    filter: BellamyNotificationFilter => "Only notifications matching this filter.",
    order: BellamyNotificationOrder => "Sort order (the key breaks ties; default: key order).",
    access: |ctx| access::notifications(&Access::of(ctx)),
}
root_list! {
    /// The conversations the viewer takes part in (none when anonymous).
    BellamyConversationsList.bellamy_conversations -> BellamyConversation,
    db: bellamy,
    filter: BellamyConversationFilter => "Only conversations matching this filter.",
    order: BellamyConversationOrder => "Sort order (the key breaks ties; default: key order).",
    access: |ctx| access::conversations(&Access::of(ctx)),
}
root_list! {
    /// The memberships of the conversations the viewer takes part in.
    BellamyConversationParticipantsList.bellamy_conversation_participants -> BellamyConversationParticipant,
    db: bellamy,
    filter: BellamyConversationParticipantFilter => "Only memberships matching this filter.",
    order: BellamyConversationParticipantOrder => "Sort order (the key breaks ties; default: key order).",
    access: |ctx| access::participants(&Access::of(ctx)),
}
root_list! {
    /// The messages of the conversations the viewer takes part in.
    BellamyMessagesList.bellamy_messages -> BellamyMessage,
    db: bellamy,
    filter: BellamyMessageFilter => "Only messages matching this filter.",
    order: BellamyMessageOrder => "Sort order (the key breaks ties; default: key order).",
    access: |ctx| access::messages(&Access::of(ctx)),
}
