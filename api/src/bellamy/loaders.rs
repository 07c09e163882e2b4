//! Bellamy's request-scoped loaders: one typed key per relation. Two to-one fields of one
//! type that point at the same table (a friendship's `user` and `friend`) share the key
//! type [`UserId`]: sibling batches are tagged with the field name, so they stay apart.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::Hash;

use async_graphql::dataloader::Loader;
use chrono::{DateTime, Utc};
use entity::bellamy::enums::{ReactionTargetType, ReactionType};
use entity::bellamy::{
    comments, conversation_participants, conversations, follows, friend_requests, friendships,
    hashtags, media, messages, notifications, post_hashtags, posts, reactions, stories,
    story_viewers, users,
};
use sea_orm::entity::prelude::Uuid;
use sea_orm::sea_query::{Expr, ExprTrait, PostgresQueryBuilder, Query, SqliteQueryBuilder};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait,
    FromQueryResult, Iterable, ModelTrait, QueryFilter, QuerySelect, Statement, Value,
};

use super::access::{self, Access};
use crate::batch::{Node, Rows};
use crate::error::ApiError;
use crate::pagination::Key;
use crate::projection::{Placeholder, Projected, Wide};
use crate::{by_key, count_key, page_key};

/// Loads Bellamy rows in batches, for one request.
pub struct BellamyLoader {
    db: DatabaseConnection,
    now: DateTime<Utc>,
}

impl BellamyLoader {
    /// A loader over Bellamy's pool; its clock is fixed now, for the whole request.
    pub fn new(db: DatabaseConnection) -> Self {
        Self {
            db,
            now: Utc::now(),
        }
    }

    /// The request's clock (see [`Access::now`]).
    pub fn now(&self) -> DateTime<Utc> {
        self.now
    }
}

// ------------------------------------------------------------------------------ to-one

by_key!(
    /// A user by id (profiles are public).
    BellamyLoader: UserId(Uuid) => users.Id
);
by_key!(
    /// A hashtag by id (hashtags are public).
    BellamyLoader: HashtagId(Uuid) => hashtags.Id
);

/// Rows of `E` whose `column` holds one of the keys and that the keys' viewer may see
/// (`rule`): one `IN (...)` statement per distinct [`Access`] (in practice, one per
/// batch). A key whose row is absent is either missing or hidden.
async fn visible_by_keys<E, K>(
    db: &DatabaseConnection,
    column: E::Column,
    keys: &[K],
    split: impl Fn(&K) -> (Key, &Access),
    rule: impl Fn(&Access) -> Condition,
) -> Result<HashMap<K, E::Model>, ApiError>
where
    E: EntityTrait,
    E::Model: ModelTrait<Entity = E> + FromQueryResult + Sized + Send + Sync + Clone,
    K: Clone + Eq + Hash,
{
    let mut groups: HashMap<&Access, HashMap<Key, Vec<&K>>> = HashMap::new();
    for k in keys {
        let (key, access) = split(k);
        groups
            .entry(access)
            .or_default()
            .entry(key)
            .or_default()
            .push(k);
    }
    let mut out = HashMap::with_capacity(keys.len());
    for (access, wanted) in groups {
        let values: Vec<Value> = wanted.keys().filter_map(Key::value).collect();
        if values.is_empty() {
            continue;
        }
        let rows = E::find()
            .filter(rule(access))
            .filter(column.is_in(values))
            .all(db)
            .await?;
        for m in rows {
            let Some(ks) = Key::from_value(m.get(column)).and_then(|k| wanted.get(&k)) else {
                continue;
            };
            for k in ks {
                out.insert((*k).clone(), m.clone());
            }
        }
    }
    Ok(out)
}

/// Declares a to-one key `$key($ty, Access)` loading the `$entity` row whose `$col` is
/// the key, if the viewer may see it (`access::$rule`).
macro_rules! visible_key {
    ($(#[$m:meta])* $key:ident($ty:ty) => $entity:ident . $col:ident if $rule:ident, $to_key:expr) => {
        $(#[$m])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        pub struct $key(pub $ty, pub Access);

        impl Loader<$key> for BellamyLoader {
            type Value = $entity::Model;
            type Error = ApiError;

            async fn load(&self, keys: &[$key]) -> Result<HashMap<$key, Self::Value>, Self::Error> {
                let to_key: fn(&$ty) -> Key = $to_key;
                visible_by_keys::<$entity::Entity, _>(
                    &self.db,
                    $entity::Column::$col,
                    keys,
                    |k| (to_key(&k.0), &k.1),
                    access::$rule,
                )
                .await
            }
        }
    };
}

visible_key!(
    /// A post by id, if the viewer may see it.
    PostId(Uuid) => posts.Id if posts, |id| Key::Uuid(*id)
);
visible_key!(
    /// A post by id, if there is an id (a reaction's target when it is a post) and the
    /// viewer may see it.
    MaybePostId(Option<Uuid>) => posts.Id if posts, |id| id.map_or(Key::Null, Key::Uuid)
);
visible_key!(
    /// A comment by id, if there is an id (a reaction's target when it is a comment, a
    /// comment's parent) and the viewer may see it.
    MaybeCommentId(Option<Uuid>) => comments.Id if comments, |id| id.map_or(Key::Null, Key::Uuid)
);
visible_key!(
    /// A story by id, if the viewer may see it.
    StoryId(Uuid) => stories.Id if stories, |id| Key::Uuid(*id)
);
visible_key!(
    /// A conversation by id, if the viewer takes part in it.
    ConversationId(Uuid) => conversations.Id if conversations, |id| Key::Uuid(*id)
);

// ----------------------------------------------------------------------------- to-many

page_key!(
    /// A page of a user's posts.
    BellamyLoader: PostsOfUser(Uuid) => posts.AuthorId
);
count_key!(
    /// How many posts a user wrote (under a filter).
    BellamyLoader: PostCountOfUser(Uuid) => posts.AuthorId
);
page_key!(
    /// A page of a user's comments.
    BellamyLoader: CommentsOfUser(Uuid) => comments.AuthorId
);
count_key!(
    /// How many comments a user wrote (under a filter).
    BellamyLoader: CommentCountOfUser(Uuid) => comments.AuthorId
);
page_key!(
    /// A page of a user's reactions.
    BellamyLoader: ReactionsOfUser(Uuid) => reactions.UserId
);
count_key!(
    /// How many reactions a user gave (under a filter).
    BellamyLoader: ReactionCountOfUser(Uuid) => reactions.UserId
);
page_key!(
    /// A page of the friend requests a user sent.
    BellamyLoader: SentRequestsOfUser(Uuid) => friend_requests.SenderId
);
count_key!(
    /// How many friend requests a user sent (under a filter).
    BellamyLoader: SentRequestCountOfUser(Uuid) => friend_requests.SenderId
);
page_key!(
    /// A page of the friend requests a user received.
    BellamyLoader: ReceivedRequestsOfUser(Uuid) => friend_requests.ReceiverId
);
count_key!(
    /// How many friend requests a user received (under a filter).
    BellamyLoader: ReceivedRequestCountOfUser(Uuid) => friend_requests.ReceiverId
);
page_key!(
    /// A page of a user's friendship rows (`friendships.user_id` = the user).
    BellamyLoader: FriendshipsOfUser(Uuid) => friendships.UserId
);
count_key!(
    /// How many friends a user has (under a filter).
    BellamyLoader: FriendshipCountOfUser(Uuid) => friendships.UserId
);
page_key!(
    /// A page of the follow rows in which a user is followed.
    BellamyLoader: FollowsOfFollowee(Uuid) => follows.FolloweeId
);
count_key!(
    /// How many followers a user has (under a filter).
    BellamyLoader: FollowCountOfFollowee(Uuid) => follows.FolloweeId
);
page_key!(
    /// A page of the follow rows in which a user follows someone.
    BellamyLoader: FollowsOfFollower(Uuid) => follows.FollowerId
);
count_key!(
    /// How many users a user follows (under a filter).
    BellamyLoader: FollowCountOfFollower(Uuid) => follows.FollowerId
);
page_key!(
    /// A page of a user's stories.
    BellamyLoader: StoriesOfUser(Uuid) => stories.UserId
);
count_key!(
    /// How many stories a user posted (under a filter).
    BellamyLoader: StoryCountOfUser(Uuid) => stories.UserId
);
page_key!(
    /// A page of the story views of a user (the stories they viewed).
    BellamyLoader: StoryViewsOfUser(Uuid) => story_viewers.UserId
);
count_key!(
    /// How many stories a user viewed (under a filter).
    BellamyLoader: StoryViewCountOfUser(Uuid) => story_viewers.UserId
);
page_key!(
    /// A page of a user's notifications.
    BellamyLoader: NotificationsOfUser(Uuid) => notifications.UserId
);
count_key!(
    /// How many notifications a user has (under a filter, e.g. unread).
    BellamyLoader: NotificationCountOfUser(Uuid) => notifications.UserId
);
page_key!(
    /// A page of a user's conversation memberships.
    BellamyLoader: ParticipationsOfUser(Uuid) => conversation_participants.UserId
);
count_key!(
    /// How many conversations a user takes part in (under a filter).
    BellamyLoader: ParticipationCountOfUser(Uuid) => conversation_participants.UserId
);
page_key!(
    /// A page of the messages a user sent.
    BellamyLoader: MessagesOfSender(Uuid) => messages.SenderId
);
count_key!(
    /// How many messages a user sent (under a filter).
    BellamyLoader: MessageCountOfSender(Uuid) => messages.SenderId
);
page_key!(
    /// A page of a post's comments.
    BellamyLoader: CommentsOfPost(Uuid) => comments.PostId
);
count_key!(
    /// How many comments a post has (under a filter).
    BellamyLoader: CommentCountOfPost(Uuid) => comments.PostId
);
page_key!(
    /// A page of the reactions to a post or a comment (the list's condition fixes the
    /// target type).
    BellamyLoader: ReactionsOfTarget(Uuid) => reactions.TargetId
);
count_key!(
    /// How many reactions a post or a comment has (under a filter).
    BellamyLoader: ReactionCountOfTarget(Uuid) => reactions.TargetId
);
page_key!(
    /// A page of a post's media.
    BellamyLoader: MediaOfPost(Uuid) => media.PostId
);
count_key!(
    /// How many media a post has (under a filter).
    BellamyLoader: MediaCountOfPost(Uuid) => media.PostId
);
page_key!(
    /// A page of a post's hashtag links.
    BellamyLoader: TagLinksOfPost(Uuid) => post_hashtags.PostId
);
count_key!(
    /// How many hashtags a post carries (under a filter).
    BellamyLoader: TagLinkCountOfPost(Uuid) => post_hashtags.PostId
);
page_key!(
    /// A page of a hashtag's post links.
    BellamyLoader: PostLinksOfHashtag(Uuid) => post_hashtags.HashtagId
);
count_key!(
    /// How many posts carry a hashtag (under a filter).
    BellamyLoader: PostLinkCountOfHashtag(Uuid) => post_hashtags.HashtagId
);
page_key!(
    /// A page of a comment's direct replies.
    BellamyLoader: RepliesOfComment(Uuid) => comments.ParentCommentId
);
count_key!(
    /// How many direct replies a comment has (under a filter).
    BellamyLoader: ReplyCountOfComment(Uuid) => comments.ParentCommentId
);
page_key!(
    /// A page of a story's views.
    BellamyLoader: ViewsOfStory(Uuid) => story_viewers.StoryId
);
count_key!(
    /// How many users viewed a story (under a filter).
    BellamyLoader: ViewCountOfStory(Uuid) => story_viewers.StoryId
);
page_key!(
    /// A page of a conversation's participants.
    BellamyLoader: ParticipantsOfConversation(Uuid) => conversation_participants.ConversationId
);
count_key!(
    /// How many participants a conversation has (under a filter).
    BellamyLoader: ParticipantCountOfConversation(Uuid) => conversation_participants.ConversationId
);
page_key!(
    /// A page of a conversation's messages.
    BellamyLoader: MessagesOfConversation(Uuid) => messages.ConversationId
);
count_key!(
    /// How many messages a conversation holds (under a filter).
    BellamyLoader: MessageCountOfConversation(Uuid) => messages.ConversationId
);

// -------------------------------------------------------------------- reaction counts

/// The reactions of one post or comment, counted per reaction type (those the viewer may
/// see: all of them, when the viewer may see the target).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ReactionCountsOf(pub ReactionTargetType, pub Uuid, pub Access);

/// Counts per reaction type, in [`ReactionType`] declaration order.
pub type ReactionTally = Vec<(ReactionType, u64)>;

impl Loader<ReactionCountsOf> for BellamyLoader {
    type Value = ReactionTally;
    type Error = ApiError;

    async fn load(
        &self,
        keys: &[ReactionCountsOf],
    ) -> Result<HashMap<ReactionCountsOf, Self::Value>, Self::Error> {
        // One GROUP BY for the whole batch (posts and comments alike) per viewer.
        let mut by_access: HashMap<&Access, HashSet<Uuid>> = HashMap::new();
        for k in keys {
            by_access.entry(&k.2).or_default().insert(k.1);
        }
        let mut counts: HashMap<(&Access, ReactionTargetType, Uuid, ReactionType), u64> =
            HashMap::new();
        for (access, ids) in by_access {
            let rows: Vec<(ReactionTargetType, Uuid, ReactionType, i64)> =
                reactions::Entity::find()
                    .select_only()
                    .column(reactions::Column::TargetType)
                    .column(reactions::Column::TargetId)
                    .column(reactions::Column::Type)
                    .column_as(Expr::col(reactions::Column::Id).count(), "n")
                    .filter(reactions::Column::TargetId.is_in(ids))
                    .filter(access::reactions(access))
                    .group_by(reactions::Column::TargetType)
                    .group_by(reactions::Column::TargetId)
                    .group_by(reactions::Column::Type)
                    .into_tuple()
                    .all(&self.db)
                    .await?;
            for (target_type, id, kind, n) in rows {
                counts.insert((access, target_type, id, kind), Ord::max(n, 0) as u64);
            }
        }
        Ok(keys
            .iter()
            .map(|k| {
                let tally = ReactionType::iter()
                    .map(|t| (t, counts.get(&(&k.2, k.0, k.1, t)).copied().unwrap_or(0)))
                    .collect();
                (k.clone(), tally)
            })
            .collect())
    }
}

// ------------------------------------------------------------------------ comment threads

/// Deepest `maxDepth` a comment thread may be asked for.
pub const MAX_THREAD_DEPTH: i32 = 20;

/// All descendants of a comment down to a depth (the `i32`) that the viewer may see, in
/// depth-first order.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ThreadOf(pub Uuid, pub i32, pub Access);

/// One comment of a thread and its depth below the thread's root (direct replies: 1).
pub type ThreadEntry = (Node<comments::Model>, i32);

/// A `comments` row found by the recursive query, with its root and depth.
struct ThreadRow {
    root: Uuid,
    depth: i32,
    comment: comments::Model,
}

/// The text form of a UUID column inside SQL, for cycle-checking paths.
fn uuid_text(backend: DbBackend, col: &str) -> String {
    match backend {
        DbBackend::Postgres => format!("{col}::text"),
        _ => format!("hex({col})"),
    }
}

/// Every descendant of each of `roots` down to `max_depth` levels that the viewer may see
/// (the walk stops at a hidden comment), with its root and depth: one `WITH RECURSIVE`
/// statement. Each row carries the path of ids from its root; a comment already on the
/// path is not visited again, so a cycle in `parent_comment_id` ends the walk instead of
/// looping (and the depth bound ends it in any case).
async fn thread_rows(
    db: &DatabaseConnection,
    roots: &[Uuid],
    max_depth: i32,
    access: &Access,
) -> Result<Vec<ThreadRow>, ApiError> {
    if roots.is_empty() {
        return Ok(Vec::new());
    }
    let backend = db.get_database_backend();
    // The visible comments come first in the statement, so their parameters are the
    // first ones; the thread's own are numbered after them.
    let visible = Query::select()
        .column(comments::Column::Id)
        .from(comments::Entity)
        .cond_where(access::comments(access))
        .to_owned();
    let (visible_sql, visible_values) = match backend {
        DbBackend::Postgres => visible.build(PostgresQueryBuilder),
        _ => visible.build(SqliteQueryBuilder),
    };
    let mut n = visible_values.0.len();
    let mut param = || {
        n += 1;
        match backend {
            DbBackend::Postgres => format!("${n}"),
            _ => "?".to_owned(),
        }
    };
    let root_params: Vec<String> = roots.iter().map(|_| param()).collect();
    let depth_param = param();
    let position = match backend {
        DbBackend::Postgres => "strpos",
        _ => "instr",
    };
    let (parent_text, id_text, child_text) = (
        uuid_text(backend, "c.parent_comment_id"),
        uuid_text(backend, "c.id"),
        uuid_text(backend, "c.id"),
    );
    let sql = format!(
        "WITH RECURSIVE visible (id) AS ({visible_sql}), \
         thread (id, root, depth, path) AS ( \
           SELECT c.id, c.parent_comment_id, 1, '/' || {parent_text} || '/' || {id_text} || '/' \
           FROM comments c WHERE c.parent_comment_id IN ({roots}) \
             AND c.id IN (SELECT id FROM visible) \
           UNION ALL \
           SELECT c.id, t.root, t.depth + 1, t.path || {child_text} || '/' \
           FROM comments c JOIN thread t ON c.parent_comment_id = t.id \
           WHERE t.depth < {depth_param} AND {position}(t.path, '/' || {child_text} || '/') = 0 \
             AND c.id IN (SELECT id FROM visible) \
         ) \
         SELECT c.*, t.root AS thread_root, t.depth AS thread_depth \
         FROM thread t JOIN comments c ON c.id = t.id",
        roots = root_params.join(", "),
    );
    let mut values: Vec<Value> = visible_values.0;
    values.extend(roots.iter().map(|r| Value::from(*r)));
    values.push(Value::from(max_depth));
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(backend, sql, values))
        .await?;
    rows.iter()
        .map(|row| {
            Ok(ThreadRow {
                root: row.try_get::<Uuid>("", "thread_root")?,
                depth: row.try_get::<i32>("", "thread_depth")?,
                comment: comments::Model::from_query_result(row, "")?,
            })
        })
        .collect::<Result<_, sea_orm::DbErr>>()
        .map_err(ApiError::from)
}

/// Orders one root's descendants depth-first: each comment is followed by its replies
/// (oldest first, the id breaking ties) before its next sibling.
fn depth_first(root: Uuid, rows: Vec<(usize, i32, &comments::Model)>) -> Vec<(usize, i32)> {
    let mut children: HashMap<Uuid, BTreeMap<(chrono::DateTime<chrono::Utc>, Uuid), usize>> =
        HashMap::new();
    let mut depth_of: HashMap<usize, i32> = HashMap::new();
    let mut id_of: HashMap<usize, Uuid> = HashMap::new();
    for (slot, depth, c) in rows {
        if let Some(parent) = c.parent_comment_id {
            children
                .entry(parent)
                .or_default()
                .insert((c.created_at, c.id), slot);
        }
        depth_of.insert(slot, depth);
        id_of.insert(slot, c.id);
    }
    let mut out = Vec::new();
    let mut seen = HashSet::from([root]);
    // A stack of child iterators: the walk never recurses on the Rust stack.
    let mut stack: Vec<std::vec::IntoIter<usize>> = vec![
        children
            .get(&root)
            .map(|m| m.values().copied().collect::<Vec<_>>())
            .unwrap_or_default()
            .into_iter(),
    ];
    while let Some(top) = stack.last_mut() {
        let Some(slot) = top.next() else {
            stack.pop();
            continue;
        };
        let Some(&id) = id_of.get(&slot) else {
            continue;
        };
        if !seen.insert(id) {
            continue;
        }
        out.push((slot, depth_of.get(&slot).copied().unwrap_or(0)));
        let next: Vec<usize> = children
            .get(&id)
            .map(|m| m.values().copied().collect())
            .unwrap_or_default();
        stack.push(next.into_iter());
    }
    out
}

impl Loader<ThreadOf> for BellamyLoader {
    type Value = Vec<ThreadEntry>;
    type Error = ApiError;

    async fn load(&self, keys: &[ThreadOf]) -> Result<HashMap<ThreadOf, Self::Value>, Self::Error> {
        // One statement per distinct depth and viewer (in practice: one per field).
        let mut by_depth: HashMap<(i32, &Access), Vec<Uuid>> = HashMap::new();
        for k in keys {
            by_depth.entry((k.1, &k.2)).or_default().push(k.0);
        }
        let mut out = HashMap::with_capacity(keys.len());
        for ((max_depth, access), mut roots) in by_depth {
            roots.sort();
            roots.dedup();
            let rows = thread_rows(&self.db, &roots, max_depth, access).await?;
            // All threads of the batch form one sibling set, so the next level (authors,
            // reactions, ...) stays one statement.
            let mut per_root: HashMap<Uuid, Vec<(usize, i32)>> = HashMap::new();
            let mut models = Vec::with_capacity(rows.len());
            for (slot, r) in rows.into_iter().enumerate() {
                per_root.entry(r.root).or_default().push((slot, r.depth));
                models.push(r.comment);
            }
            let set = Rows::new(models.clone());
            let nodes: Vec<Node<comments::Model>> = set.nodes().collect();
            for root in roots {
                let members = per_root.remove(&root).unwrap_or_default();
                let ordered = depth_first(
                    root,
                    members
                        .into_iter()
                        .map(|(slot, depth)| (slot, depth, &models[slot]))
                        .collect(),
                );
                let entries = ordered
                    .into_iter()
                    .map(|(slot, depth)| (nodes[slot].clone(), depth))
                    .collect();
                out.insert(ThreadOf(root, max_depth, access.clone()), entries);
            }
        }
        Ok(out)
    }
}

/// A text body, read only when `content` is selected.
const CONTENT: &[&str] = &["content"];

impl Projected for posts::Entity {
    const WIDE: &'static [Wide<Self>] = &[Wide {
        column: posts::Column::Content,
        fields: CONTENT,
        placeholder: Placeholder::Text,
    }];
}

impl Projected for comments::Entity {
    const WIDE: &'static [Wide<Self>] = &[Wide {
        column: comments::Column::Content,
        fields: CONTENT,
        placeholder: Placeholder::Text,
    }];
}

impl Projected for messages::Entity {
    const WIDE: &'static [Wide<Self>] = &[Wide {
        column: messages::Column::Content,
        fields: CONTENT,
        placeholder: Placeholder::Text,
    }];
}

impl Projected for notifications::Entity {
    const WIDE: &'static [Wide<Self>] = &[Wide {
        column: notifications::Column::Data,
        fields: &["data"],
        placeholder: Placeholder::Json,
    }];
}

impl Projected for users::Entity {
    const WIDE: &'static [Wide<Self>] = &[Wide {
        column: users::Column::Bio,
        fields: &["bio"],
        placeholder: Placeholder::NullText,
    }];
}

crate::narrow!(
    conversation_participants::Entity,
    conversations::Entity,
    follows::Entity,
    friend_requests::Entity,
    friendships::Entity,
    hashtags::Entity,
    media::Entity,
    post_hashtags::Entity,
    reactions::Entity,
    stories::Entity,
    story_viewers::Entity,
);
