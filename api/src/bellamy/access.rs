//! Bellamy's read access rules, in one place.
//!
//! Every list of a privacy-sensitive table, top-level or nested (and every count, batched
//! to-one load and lookup), adds the condition returned here for the request's [`Access`],
//! so what a viewer may see is decided in SQL: pages, `totalCount` and counts stay exact
//! and no hidden row is ever fetched. The rules:
//!
//! - posts: `PUBLIC` to everyone, `FRIENDS` to the author and the author's friends
//!   (`friendships`), `PRIVATE` to the author only;
//! - comments, reactions, media and post–hashtag links follow the post they belong to;
//! - stories: the author always; the author's friends until the story expires;
//! - story views: the story's author, and the user who viewed (their own view);
//! - notifications: their recipient only;
//! - conversations, their participants and messages: the conversation's participants;
//! - friend requests: their sender and receiver;
//! - users (but their email: the user only), friendships, follows and hashtags are public.
//!
//! An anonymous viewer sees public posts and what hangs off them, and the public tables.
//!
//! What a viewer may not see answers `FORBIDDEN`, saying why ([`Hidden`]): a to-one field
//! or a lookup of a hidden row is null with that error. The lookups by key decide between
//! null (no such row) and `FORBIDDEN` (a hidden one) with [`guarded`] and, for compound
//! keys, [`scope_of`] and [`scoped`].

use async_graphql::dataloader::DataLoader;
use async_graphql::{Context, ErrorExtensions};
use chrono::{DateTime, Utc};
use entity::Domain;
use entity::bellamy::enums::{Privacy, ReactionTargetType};
use entity::bellamy::{
    comments, conversation_participants, conversations, friend_requests, friendships, media,
    messages, notifications, post_hashtags, posts, reactions, stories, story_viewers,
};
use sea_orm::entity::prelude::Uuid;
use sea_orm::sea_query::{Expr, ExprTrait, Query, SelectStatement};
use sea_orm::{ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, Select};

use super::loaders::BellamyLoader;
use crate::auth::Viewer;
use crate::batch::Node;
use crate::context::databases;
use crate::error::{ApiError, ResultExt};

type Result<T> = async_graphql::Result<T>;

/// Who is reading, and when: what every access condition depends on. Part of the batched
/// loader keys, so loads for different viewers can never share a result.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Access {
    /// The signed-in Bellamy user, if any (a token whose subject is not a user id counts
    /// as anonymous).
    pub viewer: Option<Uuid>,
    /// The request's clock, fixed once per request (stories expire against it), so that
    /// sibling lists build the same condition and stay one batch.
    pub now: DateTime<Utc>,
}

impl Access {
    /// The access of the request being resolved.
    pub fn of(ctx: &Context<'_>) -> Self {
        let viewer = ctx
            .data_opt::<Viewer>()
            .and_then(|v| v.subject(Domain::Bellamy))
            .and_then(|s| Uuid::parse_str(s).ok());
        let now = ctx
            .data_opt::<std::sync::Arc<DataLoader<BellamyLoader>>>()
            .map_or_else(Utc::now, |l| l.loader().now());
        Self { viewer, now }
    }

    /// Whether the viewer is the user `id`.
    pub fn is(&self, id: Uuid) -> bool {
        self.viewer == Some(id)
    }
}

/// Matches no row.
fn nothing() -> Condition {
    Condition::all().add(Expr::val(1).eq(0))
}

/// Matches a row one of `alternatives` matches. Wrapped in an `all`, like every rule
/// here: callers `add` filters to a rule, which must narrow it, never widen it.
fn either(alternatives: Condition) -> Condition {
    Condition::all().add(alternatives)
}

/// Tables everyone may read (users, friendships, follows, hashtags).
pub fn public() -> Condition {
    Condition::all()
}

/// The ids of `user`'s friends.
fn friends_of(user: Uuid) -> SelectStatement {
    Query::select()
        .column(friendships::Column::FriendId)
        .from(friendships::Entity)
        .and_where(friendships::Column::UserId.eq(user))
        .to_owned()
}

/// The ids of the conversations `user` takes part in.
fn conversations_of(user: Uuid) -> SelectStatement {
    Query::select()
        .column(conversation_participants::Column::ConversationId)
        .from(conversation_participants::Entity)
        .and_where(conversation_participants::Column::UserId.eq(user))
        .to_owned()
}

/// Which posts the viewer may see: public ones; with a viewer also their own and their
/// friends' `FRIENDS` posts.
pub fn posts(a: &Access) -> Condition {
    let public = posts::Column::Privacy.eq(Privacy::Public);
    match a.viewer {
        None => Condition::all().add(public),
        Some(v) => either(
            Condition::any()
                .add(public)
                .add(posts::Column::AuthorId.eq(v))
                .add(
                    Condition::all()
                        .add(posts::Column::Privacy.eq(Privacy::Friends))
                        .add(posts::Column::AuthorId.in_subquery(friends_of(v))),
                ),
        ),
    }
}

/// The ids of the posts the viewer may see.
fn post_ids(a: &Access) -> SelectStatement {
    Query::select()
        .column(posts::Column::Id)
        .from(posts::Entity)
        .cond_where(posts(a))
        .to_owned()
}

/// Which comments the viewer may see: those on visible posts.
pub fn comments(a: &Access) -> Condition {
    Condition::all().add(comments::Column::PostId.in_subquery(post_ids(a)))
}

/// The ids of the comments the viewer may see.
fn comment_ids(a: &Access) -> SelectStatement {
    Query::select()
        .column(comments::Column::Id)
        .from(comments::Entity)
        .cond_where(comments(a))
        .to_owned()
}

/// Which reactions the viewer may see: those to visible posts and comments.
pub fn reactions(a: &Access) -> Condition {
    either(
        Condition::any()
            .add(
                Condition::all()
                    .add(reactions::Column::TargetType.eq(ReactionTargetType::Post))
                    .add(reactions::Column::TargetId.in_subquery(post_ids(a))),
            )
            .add(
                Condition::all()
                    .add(reactions::Column::TargetType.eq(ReactionTargetType::Comment))
                    .add(reactions::Column::TargetId.in_subquery(comment_ids(a))),
            ),
    )
}

/// Which media the viewer may see: those of visible posts.
pub fn media(a: &Access) -> Condition {
    Condition::all().add(media::Column::PostId.in_subquery(post_ids(a)))
}

/// Which post–hashtag links the viewer may see: those of visible posts.
pub fn post_hashtags(a: &Access) -> Condition {
    Condition::all().add(post_hashtags::Column::PostId.in_subquery(post_ids(a)))
}

/// Which stories the viewer may see: their own (expired ones too), and their friends'
/// until they expire. Anonymous viewers see none.
pub fn stories(a: &Access) -> Condition {
    match a.viewer {
        None => nothing(),
        Some(v) => either(
            Condition::any().add(stories::Column::UserId.eq(v)).add(
                Condition::all()
                    .add(stories::Column::UserId.in_subquery(friends_of(v)))
                    .add(stories::Column::ExpiresAt.gt(a.now)),
            ),
        ),
    }
}

/// The viewer's own stories (none when anonymous).
pub fn own_stories(a: &Access) -> Condition {
    match a.viewer {
        None => nothing(),
        Some(v) => Condition::all().add(stories::Column::UserId.eq(v)),
    }
}

/// Which story views the viewer may see: the views of their own stories, and their own
/// views.
pub fn story_views(a: &Access) -> Condition {
    match a.viewer {
        None => nothing(),
        Some(v) => either(
            Condition::any()
                .add(story_viewers::Column::UserId.eq(v))
                .add(
                    story_viewers::Column::StoryId.in_subquery(
                        Query::select()
                            .column(stories::Column::Id)
                            .from(stories::Entity)
                            .and_where(stories::Column::UserId.eq(v))
                            .to_owned(),
                    ),
                ),
        ),
    }
}

/// Which notifications the viewer may see: their own.
pub fn notifications(a: &Access) -> Condition {
    match a.viewer {
        None => nothing(),
        Some(v) => Condition::all().add(notifications::Column::UserId.eq(v)),
    }
}

/// Which conversations the viewer may see: those they take part in.
pub fn conversations(a: &Access) -> Condition {
    match a.viewer {
        None => nothing(),
        Some(v) => Condition::all().add(conversations::Column::Id.in_subquery(conversations_of(v))),
    }
}

/// Which conversation memberships the viewer may see: those of their conversations.
pub fn participants(a: &Access) -> Condition {
    match a.viewer {
        None => nothing(),
        Some(v) => Condition::all().add(
            conversation_participants::Column::ConversationId.in_subquery(conversations_of(v)),
        ),
    }
}

/// Which messages the viewer may see: those of their conversations.
pub fn messages(a: &Access) -> Condition {
    match a.viewer {
        None => nothing(),
        Some(v) => {
            Condition::all().add(messages::Column::ConversationId.in_subquery(conversations_of(v)))
        }
    }
}

/// Which friend requests the viewer may see: those they sent or received.
pub fn friend_requests(a: &Access) -> Condition {
    match a.viewer {
        None => nothing(),
        Some(v) => either(
            Condition::any()
                .add(friend_requests::Column::SenderId.eq(v))
                .add(friend_requests::Column::ReceiverId.eq(v)),
        ),
    }
}

// ------------------------------------------------------------------------- refusals

/// What a viewer reading a hidden object (or field) gets: `FORBIDDEN`, saying why.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hidden {
    /// A post that is not public.
    Post,
    /// A post shared with the author's friends.
    FriendsPost,
    /// A post only its author may see.
    PrivatePost,
    /// A comment on a hidden post.
    Comment,
    /// A reaction to a hidden post or comment.
    Reaction,
    /// A media item of a hidden post.
    Media,
    /// A hashtag link of a hidden post.
    PostHashtag,
    /// Another user's story (not a friend's, or expired).
    Story,
    /// A friend's story that has expired.
    ExpiredStory,
    /// A view of another user's story.
    StoryView,
    /// Another user's notification.
    Notification,
    /// A conversation, membership or message of a conversation the viewer is not in.
    Conversation,
    /// Another users' friend request.
    FriendRequest,
    /// Another user's email address.
    Email,
    /// An email lookup of an account that is not the viewer's.
    EmailLookup,
}

impl Hidden {
    /// The `FORBIDDEN` error, with the reason.
    pub fn error(self) -> ApiError {
        ApiError::Forbidden(
            match self {
                Hidden::Post => "this post is not shared with you",
                Hidden::FriendsPost => "only the author and the author's friends may see this post",
                Hidden::PrivatePost => "only the author may see this post",
                Hidden::Comment => "this comment is on a post you may not see",
                Hidden::Reaction => "this reaction is to a post or comment you may not see",
                Hidden::Media => "this media item belongs to a post you may not see",
                Hidden::PostHashtag => "this hashtag link belongs to a post you may not see",
                Hidden::Story => {
                    "only the author and, until it expires, the author's friends may see a story"
                }
                Hidden::ExpiredStory => "this story has expired: only its author may still see it",
                Hidden::StoryView => {
                    "only a story's author (and the user who viewed it) may see a story view"
                }
                Hidden::Notification => "only its recipient may see a notification",
                Hidden::Conversation => "only the conversation's participants may see it",
                Hidden::FriendRequest => "only its sender and receiver may see a friend request",
                Hidden::Email => "only the user may see their email address",
                Hidden::EmailLookup => "you may look up only your own account by email",
            }
            .into(),
        )
    }

    /// `null` for the field being resolved, with this `FORBIDDEN` error at its path.
    /// (Returning the error instead would make async-graphql leave the field out of the
    /// response rather than set it to null.)
    pub fn refuse<T>(self, ctx: &Context<'_>) -> Option<T> {
        let error = self.error().extend().into_server_error(ctx.item.pos);
        ctx.add_error(ctx.set_error_path(error));
        None
    }

    /// Why `post` is hidden.
    pub fn post(post: &posts::Model) -> Self {
        match post.privacy {
            Privacy::Friends => Hidden::FriendsPost,
            Privacy::Private => Hidden::PrivatePost,
            Privacy::Public => Hidden::Post,
        }
    }

    /// Why `story` is hidden from `a`.
    pub fn story(a: &Access, story: &stories::Model) -> Self {
        if story.expires_at <= a.now {
            Hidden::ExpiredStory
        } else {
            Hidden::Story
        }
    }
}

// --------------------------------------------------------------------------- lookups

/// Bellamy's pool.
fn db<'a>(ctx: &Context<'a>) -> Result<&'a DatabaseConnection> {
    Ok(databases(ctx)?.bellamy())
}

/// The one row `select` finds if the viewer may see it (`rule`); null if there is none;
/// `FORBIDDEN` (saying why: `hidden`) if there is one the viewer may not see.
pub async fn guarded<E, T>(
    ctx: &Context<'_>,
    select: Select<E>,
    rule: Condition,
    hidden: impl FnOnce(&E::Model) -> Hidden,
) -> Result<Option<T>>
where
    E: EntityTrait,
    T: From<Node<E::Model>>,
{
    let db = db(ctx)?;
    let visible = select.clone().filter(rule).one(db).await.extend()?;
    if let Some(m) = visible {
        return Ok(Some(T::from(Node::single(m))));
    }
    // Only a miss costs a second statement: is the row absent, or hidden?
    match select.one(db).await.extend()? {
        None => Ok(None),
        Some(m) => Ok(hidden(&m).refuse(ctx)),
    }
}

/// Whether the viewer may see the rows a compound key names, decided from the key (and
/// the row it hangs off) alone, so that a refusal tells nothing about whether the row
/// itself exists: whether Ada reacted to a hidden post, sent Bob a request, viewed a
/// story.
pub enum Scope {
    /// The viewer may see such rows: look the row up.
    Open,
    /// The viewer may not: `FORBIDDEN`, whether or not the row exists.
    Closed(Hidden),
    /// The row the key hangs off does not exist, so neither does the row: null.
    Absent,
}

/// The [`Scope`] of rows hanging off the one `parent` finds: open if the viewer may see
/// it (`rule`), closed (`hidden`) if it exists but is hidden, absent if there is none.
pub async fn scope_of<S: EntityTrait>(
    ctx: &Context<'_>,
    parent: Select<S>,
    rule: Condition,
    hidden: Hidden,
) -> Result<Scope> {
    let db = db(ctx)?;
    let visible = parent.clone().filter(rule).one(db).await.extend()?;
    if visible.is_some() {
        return Ok(Scope::Open);
    }
    let exists = parent.one(db).await.extend()?;
    Ok(match exists {
        Some(_) => Scope::Closed(hidden),
        None => Scope::Absent,
    })
}

/// A lookup by compound key within its `scope`: the row `select` finds if the viewer may
/// see it (`rule`, checked again), or null; `FORBIDDEN` if the scope is closed.
pub async fn scoped<E, T>(
    ctx: &Context<'_>,
    scope: Scope,
    select: Select<E>,
    rule: Condition,
) -> Result<Option<T>>
where
    E: EntityTrait,
    T: From<Node<E::Model>>,
{
    match scope {
        Scope::Open => {
            let m = select.filter(rule).one(db(ctx)?).await.extend()?;
            Ok(m.map(|m| T::from(Node::single(m))))
        }
        Scope::Closed(hidden) => Ok(hidden.refuse(ctx)),
        Scope::Absent => Ok(None),
    }
}
