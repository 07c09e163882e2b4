//! Bellamy Book's tests and their fixtures: users, posts, comments, reactions, friends,
//! follows and notifications inserted through the entities, and the mutations the tests
//! share.
//!
//! Ids are `Uuid::from_u128(n)`: users 1–99, posts 1000+, comments 2000+, reactions
//! 3000+, hashtags 4000+, media 5000+, stories 6000+, notifications 7000+,
//! conversations 8000+, messages 9000+, friend requests 10000+.

mod access;
mod mutations;
mod mutations_social;
mod queries;
mod storage;
mod subscriptions;

use chrono::{DateTime, Duration, TimeZone, Utc};
use entity::Domain;
use entity::bellamy::enums::{Privacy, ReactionTargetType, ReactionType};
use entity::bellamy::{comments, follows, friendships, notifications, posts, reactions, users};
use sea_orm::entity::prelude::Uuid;
use sea_orm::{ActiveModelTrait, DatabaseConnection, IntoActiveModel};
use serde_json::{Value, json};

use crate::helpers::{TestApp, bellamy_token, count, ok};

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap()
}

pub fn at(minutes: i64) -> DateTime<Utc> {
    t0() + Duration::minutes(minutes)
}

pub fn id(n: u128) -> Uuid {
    Uuid::from_u128(n)
}

/// The UUID `n` as the API prints it.
pub fn s(n: u128) -> String {
    id(n).to_string()
}

/// Inserts Bellamy fixtures straight through the entities.
pub struct Fixture<'a> {
    pub app: &'a TestApp,
}

impl Fixture<'_> {
    pub fn db(&self) -> &DatabaseConnection {
        self.app.db.get(Domain::Bellamy)
    }

    pub async fn user(&self, n: u128) {
        users::Model {
            id: id(n),
            email: format!("user{n:03}@example.com"),
            username: format!("user{n:03}"),
            full_name: format!("User {n}"),
            password_hash: "$argon2id$placeholder".into(),
            profile_picture_url: None,
            cover_photo_url: None,
            bio: Some(format!("Bio {n}")),
            created_at: at(n as i64),
            updated_at: at(n as i64),
        }
        .into_active_model()
        .insert(self.db())
        .await
        .unwrap();
    }

    pub async fn post(&self, n: u128, author: u128, privacy: Privacy, minute: i64) {
        posts::Model {
            id: id(1000 + n),
            author_id: id(author),
            content: format!("Post {n}"),
            privacy,
            created_at: at(minute),
            updated_at: at(minute),
        }
        .into_active_model()
        .insert(self.db())
        .await
        .unwrap();
    }

    /// Comment `2000 + n` on post `1000 + post`, replying to comment `2000 + parent`
    /// (0: top level).
    pub async fn comment(&self, n: u128, post: u128, author: u128, parent: u128, minute: i64) {
        comments::Model {
            id: id(2000 + n),
            post_id: id(1000 + post),
            author_id: id(author),
            content: format!("Comment {n}"),
            parent_comment_id: (parent != 0).then(|| id(2000 + parent)),
            created_at: at(minute),
        }
        .into_active_model()
        .insert(self.db())
        .await
        .unwrap();
    }

    pub async fn reaction(
        &self,
        n: u128,
        user: u128,
        target_type: ReactionTargetType,
        target: u128,
        kind: ReactionType,
    ) {
        reactions::Model {
            id: id(3000 + n),
            user_id: id(user),
            target_id: id(target),
            target_type,
            r#type: kind,
            created_at: at(n as i64),
        }
        .into_active_model()
        .insert(self.db())
        .await
        .unwrap();
    }

    pub async fn friends(&self, a: u128, b: u128, minute: i64) {
        for (x, y) in [(a, b), (b, a)] {
            friendships::Model {
                user_id: id(x),
                friend_id: id(y),
                created_at: at(minute),
            }
            .into_active_model()
            .insert(self.db())
            .await
            .unwrap();
        }
    }

    pub async fn follow(&self, follower: u128, followee: u128, minute: i64) {
        follows::Model {
            follower_id: id(follower),
            followee_id: id(followee),
            created_at: at(minute),
        }
        .into_active_model()
        .insert(self.db())
        .await
        .unwrap();
    }

    pub async fn notification(&self, n: u128, user: u128, read: bool, minute: i64) {
        notifications::Model {
            id: id(7000 + n),
            user_id: id(user),
            r#type: "post_reaction".into(),
            title: format!("Notification {n}"),
            message: "Someone reacted".into(),
            data: json!({"n": n as u64}),
            read,
            created_at: at(minute),
        }
        .into_active_model()
        .insert(self.db())
        .await
        .unwrap();
    }
}

/// POSTs `query` signed in as user `viewer` (anonymously for `None`).
pub async fn gql_as(app: &TestApp, viewer: Option<u128>, query: &str) -> Value {
    let mut req = app
        .client
        .post(app.url("/graphql"))
        .json(&json!({ "query": query, "variables": {} }));
    if let Some(n) = viewer {
        req = req.bearer_auth(bellamy_token(app, n));
    }
    req.send().await.unwrap().json().await.unwrap()
}

/// The data of `query` signed in as user `n`, asserting there are no errors.
pub async fn ok_as(app: &TestApp, n: u128, query: &str) -> Value {
    let res = gql_as(app, Some(n), query).await;
    ok(&res).clone()
}

/// The `id`s of a connection's nodes (or of a list's items).
pub fn ids(list: &Value) -> Vec<String> {
    let items = list.get("nodes").unwrap_or(list);
    items
        .as_array()
        .unwrap_or_else(|| panic!("not a list: {list}"))
        .iter()
        .map(|n| n["id"].as_str().unwrap().to_owned())
        .collect()
}

/// Runs `query` with `vars` as user `viewer` (anonymous for `None`).
pub async fn call(app: &TestApp, viewer: Option<u128>, query: &str, vars: Value) -> Value {
    let mut req = app
        .client
        .post(app.url("/graphql"))
        .json(&json!({ "query": query, "variables": vars }));
    if let Some(n) = viewer {
        req = req.bearer_auth(bellamy_token(app, n));
    }
    req.send().await.unwrap().json().await.unwrap()
}

/// Row counts of every Bellamy table, to compare before and after a failed call.
pub async fn counts(app: &TestApp) -> Vec<(&'static str, i64)> {
    let db = app.db.get(Domain::Bellamy);
    let mut v = Vec::new();
    for t in [
        "users",
        "posts",
        "comments",
        "reactions",
        "friend_requests",
        "friendships",
        "follows",
        "hashtags",
        "post_hashtags",
        "media",
        "stories",
        "story_viewers",
        "notifications",
        "conversations",
        "conversation_participants",
        "messages",
    ] {
        v.push((t, count(db, t).await));
    }
    v
}

/// The notifications of user `n` as `(type, data)`, oldest first (read straight from
/// the table).
pub async fn notifications_of(app: &TestApp, n: u128) -> Vec<(String, Value)> {
    use entity::bellamy::notifications;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
    notifications::Entity::find()
        .filter(notifications::Column::UserId.eq(id(n)))
        .order_by_asc(notifications::Column::CreatedAt)
        .all(app.db.get(Domain::Bellamy))
        .await
        .unwrap()
        .into_iter()
        .map(|n| (n.r#type, n.data))
        .collect()
}

pub const REGISTER: &str = "mutation($input: BellamyRegisterInput!) {
    bellamyRegister(input: $input) {
        user { id email username fullName bio profilePictureUrl coverPhotoUrl }
        session { userId username token }
    }
}";

pub const UPDATE_PROFILE: &str = "mutation($input: BellamyUpdateProfileInput!) {
    bellamyUpdateProfile(input: $input) {
        user { id username fullName bio profilePictureUrl coverPhotoUrl }
    }
}";

pub fn registration() -> Value {
    json!({
        "email": "  Zoe@Example.COM ",
        "username": "Zoe.Q",
        "fullName": "Zoë Quinn",
        "password": "correct horse battery",
        "bio": "Hello",
        "profilePictureUrl": "https://img.example.com/zoe.png",
    })
}

pub const CREATE_POST: &str = "mutation($input: BellamyCreatePostInput!) {
    bellamyCreatePost(input: $input) {
        post {
            id authorId content privacy
            media { nodes { url type position } }
            hashtags { nodes { tag } }
        }
    }
}";

pub const UPDATE_POST: &str = "mutation($input: BellamyUpdatePostInput!) {
    bellamyUpdatePost(input: $input) {
        post { id content privacy hashtags { nodes { tag } } }
    }
}";

pub const DELETE_POST: &str = "mutation($id: UUID!) { bellamyDeletePost(id: $id) { deletedId } }";

/// Creates a post of `author` through the API and returns its id.
pub async fn create_post(app: &TestApp, author: u128, content: &str, privacy: &str) -> String {
    let input = json!({ "content": content, "privacy": privacy });
    let res = call(app, Some(author), CREATE_POST, json!({ "input": input })).await;
    ok(&res)["bellamyCreatePost"]["post"]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

pub const DELETE_COMMENT: &str = "mutation($id: UUID!) {
    bellamyDeleteComment(id: $id) { deletedId deletedIds post { id } }
}";

/// Comments on `post` as `author` (replying to `parent`) and returns the comment's id.
pub async fn comment(
    app: &TestApp,
    author: u128,
    post: &str,
    parent: Option<&str>,
    content: &str,
) -> String {
    let input = json!({ "postId": post, "parentCommentId": parent, "content": content });
    let res = call(app, Some(author), CREATE_COMMENT, json!({ "input": input })).await;
    let c = &ok(&res)["bellamyCreateComment"];
    assert_eq!(c["post"]["id"], post);
    assert_eq!(c["comment"]["authorId"], s(author));
    assert_eq!(c["comment"]["content"], content);
    assert_eq!(c["comment"]["parentCommentId"], json!(parent));
    c["comment"]["id"].as_str().unwrap().to_owned()
}

pub const REACT: &str = "mutation($input: BellamyReactInput!) {
    bellamyReact(input: $input) {
        reaction { id userId targetId targetType type }
        post { id reactionCounts { type count } }
        comment { id reactionCounts { type count } }
    }
}";

pub const UNREACT: &str = "mutation($input: BellamyUnreactInput!) {
    bellamyUnreact(input: $input) { deletedId post { id } comment { id } }
}";

/// Reacts as `user` and returns the payload.
pub async fn react(app: &TestApp, user: u128, target: &str, kind: &str, reaction: &str) -> Value {
    let input = json!({ "targetId": target, "targetType": kind, "type": reaction });
    let res = call(app, Some(user), REACT, json!({ "input": input })).await;
    ok(&res)["bellamyReact"].clone()
}

pub const SEND_REQUEST: &str = "mutation($input: BellamySendFriendRequestInput!) {
    bellamySendFriendRequest(input: $input) {
        friendRequest { id senderId receiverId status createdAt updatedAt respondedAt }
    }
}";

pub const ACCEPT: &str = "mutation($id: UUID!) {
    bellamyAcceptFriendRequest(id: $id) {
        friendRequest { id senderId receiverId status updatedAt respondedAt }
        friendship { userId friendId createdAt }
    }
}";

pub const DECLINE: &str = "mutation($id: UUID!) {
    bellamyDeclineFriendRequest(id: $id) {
        friendRequest { id status updatedAt respondedAt }
    }
}";

pub const CANCEL: &str = "mutation($id: UUID!) {
    bellamyCancelFriendRequest(id: $id) {
        friendRequest { id status updatedAt respondedAt }
    }
}";

pub const UNFRIEND: &str = "mutation($userId: UUID!) {
    bellamyUnfriend(userId: $userId) { user { id username } }
}";

pub const FOLLOW: &str = "mutation($userId: UUID!) {
    bellamyFollow(userId: $userId) { follow { followerId followeeId createdAt } }
}";

pub const UNFOLLOW: &str = "mutation($userId: UUID!) {
    bellamyUnfollow(userId: $userId) { user { id username } }
}";

pub const POST_STORY: &str = "mutation($input: BellamyPostStoryInput!) {
    bellamyPostStory(input: $input) {
        story { id userId mediaUrl type createdAt expiresAt }
    }
}";

pub const DELETE_STORY: &str = "mutation($id: UUID!) {
    bellamyDeleteStory(id: $id) { deletedId }
}";

pub const VIEW_STORY: &str = "mutation($storyId: UUID!) {
    bellamyViewStory(storyId: $storyId) {
        story { id userId }
        view { storyId userId viewedAt }
    }
}";

pub const MARK_READ: &str = "mutation($id: UUID!) {
    bellamyMarkNotificationRead(id: $id) { notification { id userId read } }
}";

pub const MARK_ALL_READ: &str = "mutation {
    bellamyMarkAllNotificationsRead { count user { id unreadNotificationCount } }
}";

const START: &str = "mutation($input: BellamyStartConversationInput!) {
    bellamyStartConversation(input: $input) {
        conversation {
            id createdAt updatedAt
            participants { totalCount nodes { userId joinedAt lastReadAt } }
        }
        message { id conversationId senderId content type read createdAt }
    }
}";

const SEND_MESSAGE: &str = "mutation($input: BellamySendMessageInput!) {
    bellamySendMessage(input: $input) {
        message { id conversationId senderId content type read createdAt }
        conversation { id createdAt updatedAt }
    }
}";

pub const MARK_CONVERSATION_READ: &str = "mutation($conversationId: UUID!) {
    bellamyMarkConversationRead(conversationId: $conversationId) {
        count
        participant { conversationId userId lastReadAt }
    }
}";

/// Sends a friend request from `from` to `to`, which must succeed; returns its id.
pub async fn send_request(app: &TestApp, from: u128, to: u128) -> Uuid {
    let res = call(
        app,
        Some(from),
        SEND_REQUEST,
        json!({ "input": { "receiverId": s(to) } }),
    )
    .await;
    let r = &ok(&res)["bellamySendFriendRequest"]["friendRequest"];
    assert_eq!(r["status"], "PENDING", "{res}");
    r["id"].as_str().unwrap().parse().unwrap()
}

/// Posts a story of `author` expiring by default; returns its id.
pub async fn post_story(app: &TestApp, author: u128) -> String {
    let res = call(
        app,
        Some(author),
        POST_STORY,
        json!({ "input": { "mediaUrl": "https://cdn.example/s.jpg", "type": "IMAGE" } }),
    )
    .await;
    ok(&res)["bellamyPostStory"]["story"]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Starts a conversation of `actor` with `others` (and a text message when given), which
/// must succeed; returns the payload.
pub async fn start(app: &TestApp, actor: u128, others: &[u128], text: Option<&str>) -> Value {
    let ids: Vec<String> = others.iter().map(|n| s(*n)).collect();
    let mut input = json!({ "participantIds": ids });
    if let Some(t) = text {
        input["message"] = json!({ "content": t });
    }
    let res = call(app, Some(actor), START, json!({ "input": input })).await;
    ok(&res)["bellamyStartConversation"].clone()
}

/// Sends the text message `content` to `conversation` as `actor`, which must succeed;
/// returns the payload.
pub async fn send(app: &TestApp, actor: u128, conversation: &str, content: &str) -> Value {
    let res = call(
        app,
        Some(actor),
        SEND_MESSAGE,
        json!({ "input": { "conversationId": conversation, "content": content } }),
    )
    .await;
    ok(&res)["bellamySendMessage"].clone()
}

const CREATE_COMMENT: &str = "mutation($input: BellamyCreateCommentInput!) {
    bellamyCreateComment(input: $input) {
        comment { id postId authorId content parentCommentId }
        post { id }
    }
}";
