//! Bellamy Book's storage: migrations, catalog, constraints, cascades, relations, round
//! trips.
//!
//! Raw SQL writes ids as `#N`, the UUID `Uuid::from_u128(N)`, rendered as the literal each
//! backend stores for a `Uuid` bound by SeaORM (`'…'` on PostgreSQL, a 16-byte blob
//! `X'…'` on SQLite), so rows inserted raw can be read and deleted through the entities.
//! Ids by table: users 1–9, posts 11–19, comments 21–29, reactions 31–39, friend requests
//! 41–49, hashtags 51–59, media 61–69, stories 71–79, notifications 81–89,
//! conversations 91–99, messages 101–109; 999 exists nowhere.

use chrono::{TimeZone, Utc};
use entity::Domain;
use entity::bellamy::enums::{
    FriendRequestStatus, MediaType, MessageType, Privacy, ReactionTargetType, ReactionType,
    StoryType,
};
use entity::bellamy::{
    comments, conversation_participants, conversations, follows, friend_requests, friendships,
    hashtags, media, messages, notifications, post_hashtags, posts, reactions, stories,
    story_viewers, users,
};
use sea_orm::entity::prelude::Uuid;
use sea_orm::{
    ActiveEnum, ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend,
    EntityTrait, IntoActiveModel, Iterable, JoinType, QueryFilter, QueryOrder, QuerySelect,
    RelationTrait,
};

use crate::helpers::{
    CHANGE_LOG, TableSpec, TestDb, assert_catalog, assert_migrations_reversible, count,
    expect_rejected,
};

/// The UUID written `#n` in the SQL of these tests.
fn id(n: u128) -> Uuid {
    Uuid::from_u128(n)
}

/// `sql` with every `#N` replaced by the backend's literal for `id(N)`.
fn sql_for(backend: DbBackend, sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 64);
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '#' || !chars.peek().is_some_and(char::is_ascii_digit) {
            out.push(c);
            continue;
        }
        let mut digits = String::new();
        while let Some(d) = chars.peek().copied().filter(char::is_ascii_digit) {
            digits.push(d);
            chars.next();
        }
        let uuid = id(digits.parse().unwrap());
        match backend {
            DbBackend::Postgres => out.push_str(&format!("'{uuid}'")),
            _ => out.push_str(&format!("X'{}'", uuid.simple())),
        }
    }
    out
}

/// Runs each statement (with `#N` ids), asserting that it succeeds.
async fn exec(conn: &DatabaseConnection, statements: &[&str]) {
    for sql in statements {
        let sql = sql_for(conn.get_database_backend(), sql);
        if let Err(e) = conn.execute_unprepared(&sql).await {
            panic!("{sql}: {e}");
        }
    }
}

/// Runs each statement (with `#N` ids), asserting that the database rejects it.
async fn reject(conn: &DatabaseConnection, statements: &[&str]) {
    for sql in statements {
        expect_rejected(conn, &sql_for(conn.get_database_backend(), sql)).await;
    }
}

/// Asserts the row count of each table.
async fn assert_counts(conn: &DatabaseConnection, expected: &[(&str, i64)]) {
    for (table, n) in expected {
        assert_eq!(count(conn, table).await, *n, "rows of {table}");
    }
}

const ADA: &str = "INSERT INTO users (id, email, username, full_name, password_hash) \
                   VALUES (#1, 'ada@example.com', 'ada', 'Ada Lovelace', 'argon2:ada')";
const BOB: &str = "INSERT INTO users (id, email, username, full_name, password_hash) \
                   VALUES (#2, 'bob@example.com', 'bob', 'Bob Babbage', 'argon2:bob')";
const CAT: &str = "INSERT INTO users (id, email, username, full_name, password_hash) \
                   VALUES (#3, 'cat@example.com', 'cat', 'Cat Herschel', 'argon2:cat')";
const POST: &str = "INSERT INTO posts (id, author_id, content, privacy) \
                    VALUES (#11, #1, 'Hello, world', 'public')";
const COMMENT: &str = "INSERT INTO comments (id, post_id, author_id, content) \
                       VALUES (#21, #11, #2, 'Welcome!')";

#[tokio::test]
async fn migrations_go_up_down_and_up_again() {
    assert_migrations_reversible(Domain::Bellamy).await;
}

#[tokio::test]
async fn catalog_matches_the_seed() {
    let db = TestDb::migrated().await;
    let spec = [
        TableSpec {
            name: "users",
            columns: &[
                ("id", false),
                ("email", false),
                ("username", false),
                ("full_name", false),
                ("password_hash", false),
                ("profile_picture_url", true),
                ("cover_photo_url", true),
                ("bio", true),
                ("created_at", false),
                ("updated_at", false),
            ],
            indexes: &["idx_users_email", "idx_users_username"],
        },
        TableSpec {
            name: "posts",
            columns: &[
                ("id", false),
                ("author_id", false),
                ("content", false),
                ("privacy", false),
                ("created_at", false),
                ("updated_at", false),
            ],
            indexes: &["idx_posts_author_created", "idx_posts_privacy_created"],
        },
        TableSpec {
            name: "comments",
            columns: &[
                ("id", false),
                ("post_id", false),
                ("author_id", false),
                ("content", false),
                ("parent_comment_id", true),
                ("created_at", false),
            ],
            indexes: &["idx_comments_post_created", "idx_comments_parent"],
        },
        TableSpec {
            name: "reactions",
            columns: &[
                ("id", false),
                ("user_id", false),
                ("target_id", false),
                ("target_type", false),
                ("type", false),
                ("created_at", false),
            ],
            indexes: &["idx_reactions_target", "idx_reactions_user"],
        },
        TableSpec {
            name: "friend_requests",
            columns: &[
                ("id", false),
                ("sender_id", false),
                ("receiver_id", false),
                ("status", false),
                ("created_at", false),
                ("updated_at", false),
                ("responded_at", true),
            ],
            indexes: &["idx_friend_requests_receiver_status"],
        },
        TableSpec {
            name: "friendships",
            columns: &[
                ("user_id", false),
                ("friend_id", false),
                ("created_at", false),
            ],
            indexes: &["idx_friendships_friend_id"],
        },
        TableSpec {
            name: "follows",
            columns: &[
                ("follower_id", false),
                ("followee_id", false),
                ("created_at", false),
            ],
            indexes: &["idx_follows_followee_id"],
        },
        TableSpec {
            name: "hashtags",
            columns: &[("id", false), ("tag", false), ("created_at", false)],
            indexes: &[],
        },
        TableSpec {
            name: "post_hashtags",
            columns: &[("post_id", false), ("hashtag_id", false)],
            indexes: &["idx_post_hashtags_hashtag_id"],
        },
        TableSpec {
            name: "media",
            columns: &[
                ("id", false),
                ("post_id", false),
                ("url", false),
                ("type", false),
                ("position", false),
                ("created_at", false),
            ],
            indexes: &["idx_media_post_position"],
        },
        TableSpec {
            name: "stories",
            columns: &[
                ("id", false),
                ("user_id", false),
                ("media_url", false),
                ("type", false),
                ("created_at", false),
                ("expires_at", false),
            ],
            indexes: &["idx_stories_user_created", "idx_stories_expires"],
        },
        TableSpec {
            name: "story_viewers",
            columns: &[
                ("story_id", false),
                ("user_id", false),
                ("viewed_at", false),
            ],
            indexes: &["idx_story_viewers_user_id"],
        },
        TableSpec {
            name: "notifications",
            columns: &[
                ("id", false),
                ("user_id", false),
                ("type", false),
                ("title", false),
                ("message", false),
                ("data", false),
                ("read", false),
                ("created_at", false),
            ],
            indexes: &[
                "idx_notifications_user_created",
                "idx_notifications_user_read",
            ],
        },
        TableSpec {
            name: "conversations",
            columns: &[("id", false), ("created_at", false), ("updated_at", false)],
            indexes: &[],
        },
        TableSpec {
            name: "conversation_participants",
            columns: &[
                ("conversation_id", false),
                ("user_id", false),
                ("joined_at", false),
                ("last_read_at", true),
            ],
            indexes: &["idx_conversation_participants_user_id"],
        },
        TableSpec {
            name: "messages",
            columns: &[
                ("id", false),
                ("conversation_id", false),
                ("sender_id", false),
                ("content", false),
                ("type", false),
                ("read", false),
                ("created_at", false),
            ],
            indexes: &[
                "idx_messages_conversation_created",
                "idx_messages_sender_created",
            ],
        },
        CHANGE_LOG,
    ];
    assert_catalog(db.get(Domain::Bellamy), &spec).await;
}

#[tokio::test]
async fn unique_constraints_reject_duplicates() {
    let db = TestDb::migrated().await;
    let conn = db.get(Domain::Bellamy);
    exec(conn, &[ADA, POST]).await;
    reject(
        conn,
        &[
            // Same id, same email, same username.
            "INSERT INTO users (id, email, username, full_name, password_hash) \
             VALUES (#1, 'other@example.com', 'other', 'Other', 'h')",
            "INSERT INTO users (id, email, username, full_name, password_hash) \
             VALUES (#2, 'ada@example.com', 'other', 'Other', 'h')",
            "INSERT INTO users (id, email, username, full_name, password_hash) \
             VALUES (#2, 'other@example.com', 'ada', 'Other', 'h')",
        ],
    )
    .await;

    // One reaction per user and target; the same id as a comment target is another target.
    exec(
        conn,
        &[
            "INSERT INTO reactions (id, user_id, target_id, target_type, type) \
           VALUES (#31, #1, #11, 'post', 'like')",
        ],
    )
    .await;
    reject(
        conn,
        &[
            "INSERT INTO reactions (id, user_id, target_id, target_type, type) \
           VALUES (#32, #1, #11, 'post', 'love')",
        ],
    )
    .await;
    exec(
        conn,
        &[
            "INSERT INTO reactions (id, user_id, target_id, target_type, type) \
           VALUES (#32, #1, #11, 'comment', 'love')",
        ],
    )
    .await;

    // One friend request per (sender, receiver).
    exec(
        conn,
        &[
            BOB,
            "INSERT INTO friend_requests (id, sender_id, receiver_id) VALUES (#41, #1, #2)",
        ],
    )
    .await;
    reject(
        conn,
        &[
            "INSERT INTO friend_requests (id, sender_id, receiver_id, status) \
           VALUES (#42, #1, #2, 'declined')",
        ],
    )
    .await;

    // Hashtags are unique.
    exec(
        conn,
        &["INSERT INTO hashtags (id, tag) VALUES (#51, 'rust')"],
    )
    .await;
    reject(
        conn,
        &["INSERT INTO hashtags (id, tag) VALUES (#52, 'rust')"],
    )
    .await;

    assert_counts(
        conn,
        &[
            ("users", 2),
            ("reactions", 2),
            ("friend_requests", 1),
            ("hashtags", 1),
        ],
    )
    .await;
}

#[tokio::test]
async fn composite_primary_keys_reject_duplicates() {
    let db = TestDb::migrated().await;
    let conn = db.get(Domain::Bellamy);
    exec(
        conn,
        &[
            ADA,
            BOB,
            POST,
            "INSERT INTO friendships (user_id, friend_id) VALUES (#1, #2)",
            "INSERT INTO friendships (user_id, friend_id) VALUES (#2, #1)",
            "INSERT INTO follows (follower_id, followee_id) VALUES (#1, #2)",
            "INSERT INTO follows (follower_id, followee_id) VALUES (#2, #1)",
            "INSERT INTO hashtags (id, tag) VALUES (#51, 'rust')",
            "INSERT INTO post_hashtags (post_id, hashtag_id) VALUES (#11, #51)",
            "INSERT INTO stories (id, user_id, media_url, type, expires_at) \
             VALUES (#71, #1, 'https://cdn.example/s.jpg', 'image', '2030-01-01 00:00:00')",
            "INSERT INTO story_viewers (story_id, user_id) VALUES (#71, #2)",
            "INSERT INTO conversations (id) VALUES (#91)",
            "INSERT INTO conversation_participants (conversation_id, user_id) VALUES (#91, #1)",
        ],
    )
    .await;
    reject(
        conn,
        &[
            "INSERT INTO friendships (user_id, friend_id) VALUES (#1, #2)",
            "INSERT INTO follows (follower_id, followee_id) VALUES (#1, #2)",
            "INSERT INTO post_hashtags (post_id, hashtag_id) VALUES (#11, #51)",
            "INSERT INTO story_viewers (story_id, user_id) VALUES (#71, #2)",
            "INSERT INTO conversation_participants (conversation_id, user_id) VALUES (#91, #1)",
        ],
    )
    .await;
    assert_counts(
        conn,
        &[
            ("friendships", 2),
            ("follows", 2),
            ("post_hashtags", 1),
            ("story_viewers", 1),
            ("conversation_participants", 1),
        ],
    )
    .await;
}

#[tokio::test]
async fn enumerated_columns_reject_unknown_values() {
    let db = TestDb::migrated().await;
    let conn = db.get(Domain::Bellamy);
    exec(
        conn,
        &[
            ADA,
            BOB,
            POST,
            "INSERT INTO conversations (id) VALUES (#91)",
        ],
    )
    .await;
    reject(
        conn,
        &[
            "INSERT INTO posts (id, author_id, content, privacy) VALUES (#12, #1, 'x', 'secret')",
            "INSERT INTO posts (id, author_id, content, privacy) VALUES (#12, #1, 'x', 'PUBLIC')",
            "INSERT INTO reactions (id, user_id, target_id, target_type, type) \
             VALUES (#31, #1, #11, 'post', 'meh')",
            "INSERT INTO reactions (id, user_id, target_id, target_type, type) \
             VALUES (#31, #1, #11, 'story', 'like')",
            "INSERT INTO friend_requests (id, sender_id, receiver_id, status) \
             VALUES (#41, #1, #2, 'ignored')",
            "INSERT INTO media (id, post_id, url, type) \
             VALUES (#61, #11, 'https://cdn.example/a.gif', 'gif')",
            "INSERT INTO stories (id, user_id, media_url, type, expires_at) \
             VALUES (#71, #1, 'https://cdn.example/s.mp3', 'audio', '2030-01-01 00:00:00')",
            "INSERT INTO messages (id, conversation_id, sender_id, content, type) \
             VALUES (#101, #91, #1, 'hi', 'sticker')",
        ],
    )
    .await;
    assert_counts(
        conn,
        &[
            ("posts", 1),
            ("reactions", 0),
            ("friend_requests", 0),
            ("media", 0),
            ("stories", 0),
            ("messages", 0),
        ],
    )
    .await;
}

/// Every value of every entity enum is accepted by its column's CHECK: the Rust enums and
/// the migrations agree.
#[tokio::test]
async fn every_enum_value_is_accepted() {
    let db = TestDb::migrated().await;
    let conn = db.get(Domain::Bellamy);
    exec(
        conn,
        &[
            ADA,
            BOB,
            POST,
            "INSERT INTO conversations (id) VALUES (#91)",
        ],
    )
    .await;
    let backend = conn.get_database_backend();
    let run = |sql: String| async move {
        let sql = sql_for(backend, &sql);
        if let Err(e) = conn.execute_unprepared(&sql).await {
            panic!("{sql}: {e}");
        }
    };
    for (i, v) in Privacy::iter().enumerate() {
        run(format!(
            "INSERT INTO posts (id, author_id, content, privacy) VALUES (#{}, #1, 'p', '{}')",
            1000 + i,
            v.to_value()
        ))
        .await;
    }
    for (i, t) in ReactionType::iter().enumerate() {
        for (j, target) in ReactionTargetType::iter().enumerate() {
            run(format!(
                "INSERT INTO reactions (id, user_id, target_id, target_type, type) \
                 VALUES (#{}, #1, #{}, '{}', '{}')",
                2000 + 10 * i + j,
                3000 + i,
                target.to_value(),
                t.to_value()
            ))
            .await;
        }
    }
    for (i, s) in FriendRequestStatus::iter().enumerate() {
        run(format!(
            "INSERT INTO users (id, email, username, full_name, password_hash) \
             VALUES (#{}, 'u{i}@example.com', 'u{i}', 'U', 'h')",
            4000 + i
        ))
        .await;
        run(format!(
            "INSERT INTO friend_requests (id, sender_id, receiver_id, status) \
             VALUES (#{}, #1, #{}, '{}')",
            5000 + i,
            4000 + i,
            s.to_value()
        ))
        .await;
    }
    for (i, t) in MediaType::iter().enumerate() {
        run(format!(
            "INSERT INTO media (id, post_id, url, type) VALUES (#{}, #11, 'u', '{}')",
            6000 + i,
            t.to_value()
        ))
        .await;
    }
    for (i, t) in StoryType::iter().enumerate() {
        run(format!(
            "INSERT INTO stories (id, user_id, media_url, type, expires_at) \
             VALUES (#{}, #1, 'u', '{}', '2030-01-01 00:00:00')",
            7000 + i,
            t.to_value()
        ))
        .await;
    }
    for (i, t) in MessageType::iter().enumerate() {
        run(format!(
            "INSERT INTO messages (id, conversation_id, sender_id, content, type) \
             VALUES (#{}, #91, #1, 'c', '{}')",
            8000 + i,
            t.to_value()
        ))
        .await;
    }
    assert_counts(
        conn,
        &[
            ("posts", 4),
            ("reactions", 12),
            ("friend_requests", 4),
            ("media", 2),
            ("stories", 2),
            ("messages", 3),
        ],
    )
    .await;
}

#[tokio::test]
async fn no_user_can_befriend_follow_or_ask_themself() {
    let db = TestDb::migrated().await;
    let conn = db.get(Domain::Bellamy);
    exec(conn, &[ADA, BOB]).await;
    reject(
        conn,
        &[
            "INSERT INTO follows (follower_id, followee_id) VALUES (#1, #1)",
            "INSERT INTO friendships (user_id, friend_id) VALUES (#1, #1)",
            "INSERT INTO friend_requests (id, sender_id, receiver_id) VALUES (#41, #1, #1)",
        ],
    )
    .await;
    assert_counts(
        conn,
        &[("follows", 0), ("friendships", 0), ("friend_requests", 0)],
    )
    .await;
}

#[tokio::test]
async fn foreign_keys_reject_dangling_references() {
    let db = TestDb::migrated().await;
    let conn = db.get(Domain::Bellamy);
    exec(
        conn,
        &[
            ADA,
            POST,
            "INSERT INTO hashtags (id, tag) VALUES (#51, 'rust')",
            "INSERT INTO conversations (id) VALUES (#91)",
        ],
    )
    .await;
    reject(
        conn,
        &[
            "INSERT INTO posts (id, author_id, content, privacy) VALUES (#12, #999, 'x', 'public')",
            "INSERT INTO comments (id, post_id, author_id, content) VALUES (#21, #999, #1, 'x')",
            "INSERT INTO comments (id, post_id, author_id, content) VALUES (#21, #11, #999, 'x')",
            "INSERT INTO comments (id, post_id, author_id, content, parent_comment_id) \
             VALUES (#21, #11, #1, 'x', #999)",
            "INSERT INTO reactions (id, user_id, target_id, target_type, type) \
             VALUES (#31, #999, #11, 'post', 'like')",
            "INSERT INTO friend_requests (id, sender_id, receiver_id) VALUES (#41, #1, #999)",
            "INSERT INTO friendships (user_id, friend_id) VALUES (#1, #999)",
            "INSERT INTO follows (follower_id, followee_id) VALUES (#999, #1)",
            "INSERT INTO post_hashtags (post_id, hashtag_id) VALUES (#11, #999)",
            "INSERT INTO post_hashtags (post_id, hashtag_id) VALUES (#999, #51)",
            "INSERT INTO media (id, post_id, url, type) VALUES (#61, #999, 'u', 'image')",
            "INSERT INTO stories (id, user_id, media_url, type, expires_at) \
             VALUES (#71, #999, 'u', 'image', '2030-01-01 00:00:00')",
            "INSERT INTO story_viewers (story_id, user_id) VALUES (#999, #1)",
            "INSERT INTO notifications (id, user_id, type, title, message) \
             VALUES (#81, #999, 'x', 't', 'm')",
            "INSERT INTO conversation_participants (conversation_id, user_id) VALUES (#999, #1)",
            "INSERT INTO conversation_participants (conversation_id, user_id) VALUES (#91, #999)",
            "INSERT INTO messages (id, conversation_id, sender_id, content, type) \
             VALUES (#101, #999, #1, 'x', 'text')",
            "INSERT INTO messages (id, conversation_id, sender_id, content, type) \
             VALUES (#101, #91, #999, 'x', 'text')",
        ],
    )
    .await;
    // NOT NULL bites too.
    reject(
        conn,
        &[
            "INSERT INTO posts (id, author_id, content) VALUES (#12, #1, 'no privacy')",
            "INSERT INTO stories (id, user_id, media_url, type) VALUES (#71, #1, 'u', 'image')",
        ],
    )
    .await;
    assert_counts(
        conn,
        &[
            ("users", 1),
            ("posts", 1),
            ("comments", 0),
            ("reactions", 0),
            ("friend_requests", 0),
            ("friendships", 0),
            ("follows", 0),
            ("post_hashtags", 0),
            ("media", 0),
            ("stories", 0),
            ("story_viewers", 0),
            ("notifications", 0),
            ("conversation_participants", 0),
            ("messages", 0),
        ],
    )
    .await;
}

#[tokio::test]
async fn defaults_apply() {
    let db = TestDb::migrated().await;
    let conn = db.get(Domain::Bellamy);
    exec(
        conn,
        &[
            ADA,
            BOB,
            POST,
            "INSERT INTO friend_requests (id, sender_id, receiver_id) VALUES (#41, #1, #2)",
            "INSERT INTO media (id, post_id, url, type) VALUES (#61, #11, 'u', 'image')",
            "INSERT INTO notifications (id, user_id, type, title, message) \
             VALUES (#81, #1, 'friend_request', 'Bob', 'Bob wants to be friends')",
            "INSERT INTO conversations (id) VALUES (#91)",
            "INSERT INTO messages (id, conversation_id, sender_id, content, type) \
             VALUES (#101, #91, #1, 'hi', 'text')",
        ],
    )
    .await;
    let request = friend_requests::Entity::find_by_id(id(41))
        .one(conn)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(request.status, FriendRequestStatus::Pending);
    assert_eq!(request.responded_at, None);
    assert!(
        (Utc::now() - request.created_at).num_seconds().abs() < 120,
        "{}",
        request.created_at
    );
    let m = media::Entity::find_by_id(id(61))
        .one(conn)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(m.position, 0);
    let n = notifications::Entity::find_by_id(id(81))
        .one(conn)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(n.data, serde_json::json!({}));
    assert!(!n.read);
    let msg = messages::Entity::find_by_id(id(101))
        .one(conn)
        .await
        .unwrap()
        .unwrap();
    assert!(!msg.read);
    let user = users::Entity::find_by_id(id(1))
        .one(conn)
        .await
        .unwrap()
        .unwrap();
    assert!((Utc::now() - user.updated_at).num_seconds().abs() < 120);
}

#[tokio::test]
async fn deleting_a_conversation_removes_its_participants_and_messages() {
    let db = TestDb::migrated().await;
    let conn = db.get(Domain::Bellamy);
    exec(
        conn,
        &[
            ADA,
            BOB,
            CAT,
            "INSERT INTO conversations (id) VALUES (#91)",
            "INSERT INTO conversations (id) VALUES (#92)",
            "INSERT INTO conversation_participants (conversation_id, user_id) VALUES (#91, #1)",
            "INSERT INTO conversation_participants (conversation_id, user_id) VALUES (#91, #2)",
            "INSERT INTO conversation_participants (conversation_id, user_id) VALUES (#92, #1)",
            "INSERT INTO conversation_participants (conversation_id, user_id) VALUES (#92, #3)",
            "INSERT INTO messages (id, conversation_id, sender_id, content, type) \
             VALUES (#101, #91, #1, 'hi bob', 'text')",
            "INSERT INTO messages (id, conversation_id, sender_id, content, type) \
             VALUES (#102, #91, #2, 'hi ada', 'text')",
            "INSERT INTO messages (id, conversation_id, sender_id, content, type) \
             VALUES (#103, #92, #3, 'hi ada, cat here', 'text')",
        ],
    )
    .await;
    conversations::Entity::delete_by_id(id(91))
        .exec(conn)
        .await
        .unwrap();
    assert_counts(
        conn,
        &[
            ("conversations", 1),
            ("conversation_participants", 2),
            ("messages", 1),
            ("users", 3),
        ],
    )
    .await;
    let left = messages::Entity::find().all(conn).await.unwrap();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].id, id(103));
}

#[tokio::test]
async fn deleting_a_story_removes_its_viewers() {
    let db = TestDb::migrated().await;
    let conn = db.get(Domain::Bellamy);
    exec(
        conn,
        &[
            ADA,
            BOB,
            CAT,
            "INSERT INTO stories (id, user_id, media_url, type, expires_at) \
             VALUES (#71, #1, 'https://cdn.example/1.jpg', 'image', '2030-01-01 00:00:00')",
            "INSERT INTO stories (id, user_id, media_url, type, expires_at) \
             VALUES (#72, #1, 'https://cdn.example/2.mp4', 'video', '2030-01-01 00:00:00')",
            "INSERT INTO story_viewers (story_id, user_id) VALUES (#71, #2)",
            "INSERT INTO story_viewers (story_id, user_id) VALUES (#71, #3)",
            "INSERT INTO story_viewers (story_id, user_id) VALUES (#72, #2)",
        ],
    )
    .await;
    stories::Entity::delete_by_id(id(71))
        .exec(conn)
        .await
        .unwrap();
    assert_counts(conn, &[("stories", 1), ("story_viewers", 1), ("users", 3)]).await;
    let left = story_viewers::Entity::find().all(conn).await.unwrap();
    assert_eq!((left[0].story_id, left[0].user_id), (id(72), id(2)));
}

#[tokio::test]
async fn deleting_a_post_removes_its_media_and_hashtag_links_but_not_its_comments() {
    let db = TestDb::migrated().await;
    let conn = db.get(Domain::Bellamy);
    exec(
        conn,
        &[
            ADA,
            BOB,
            POST,
            "INSERT INTO posts (id, author_id, content, privacy) \
             VALUES (#12, #1, 'Second post #rust', 'friends')",
            "INSERT INTO hashtags (id, tag) VALUES (#51, 'rust')",
            "INSERT INTO hashtags (id, tag) VALUES (#52, 'hello')",
            "INSERT INTO post_hashtags (post_id, hashtag_id) VALUES (#11, #51)",
            "INSERT INTO post_hashtags (post_id, hashtag_id) VALUES (#11, #52)",
            "INSERT INTO post_hashtags (post_id, hashtag_id) VALUES (#12, #51)",
            "INSERT INTO media (id, post_id, url, type, position) VALUES (#61, #12, 'a', 'image', 0)",
            "INSERT INTO media (id, post_id, url, type, position) VALUES (#62, #12, 'b', 'video', 1)",
            "INSERT INTO media (id, post_id, url, type, position) VALUES (#63, #11, 'c', 'image', 0)",
            COMMENT,
            "INSERT INTO reactions (id, user_id, target_id, target_type, type) \
             VALUES (#31, #2, #11, 'post', 'love')",
        ],
    )
    .await;

    // Post 11 has a comment: the seed's plain REFERENCES refuse to delete it.
    assert!(
        posts::Entity::delete_by_id(id(11))
            .exec(conn)
            .await
            .is_err()
    );
    assert_counts(
        conn,
        &[
            ("posts", 2),
            ("comments", 1),
            ("media", 3),
            ("post_hashtags", 3),
        ],
    )
    .await;

    // Post 12 has none: its media and hashtag links go, the hashtags stay.
    posts::Entity::delete_by_id(id(12))
        .exec(conn)
        .await
        .unwrap();
    assert_counts(
        conn,
        &[
            ("posts", 1),
            ("media", 1),
            ("post_hashtags", 2),
            ("hashtags", 2),
            ("comments", 1),
            ("reactions", 1),
            ("users", 2),
        ],
    )
    .await;

    // A comment with replies cannot be deleted either (plain self-reference).
    exec(
        conn,
        &[
            "INSERT INTO comments (id, post_id, author_id, content, parent_comment_id) \
           VALUES (#22, #11, #1, 'Thanks!', #21)",
        ],
    )
    .await;
    assert!(
        comments::Entity::delete_by_id(id(21))
            .exec(conn)
            .await
            .is_err()
    );
    assert_eq!(count(conn, "comments").await, 2);
}

#[tokio::test]
async fn deleting_a_user_removes_their_links_unless_they_authored_content() {
    let db = TestDb::migrated().await;
    let conn = db.get(Domain::Bellamy);
    exec(
        conn,
        &[
            ADA,
            BOB,
            CAT,
            POST,
            "INSERT INTO friend_requests (id, sender_id, receiver_id) VALUES (#41, #2, #3)",
            "INSERT INTO friend_requests (id, sender_id, receiver_id) VALUES (#42, #1, #2)",
            "INSERT INTO friendships (user_id, friend_id) VALUES (#1, #2)",
            "INSERT INTO friendships (user_id, friend_id) VALUES (#2, #1)",
            "INSERT INTO friendships (user_id, friend_id) VALUES (#1, #3)",
            "INSERT INTO friendships (user_id, friend_id) VALUES (#3, #1)",
            "INSERT INTO follows (follower_id, followee_id) VALUES (#2, #1)",
            "INSERT INTO follows (follower_id, followee_id) VALUES (#3, #2)",
            "INSERT INTO stories (id, user_id, media_url, type, expires_at) \
             VALUES (#71, #1, 'u', 'image', '2030-01-01 00:00:00')",
            "INSERT INTO story_viewers (story_id, user_id) VALUES (#71, #2)",
            "INSERT INTO notifications (id, user_id, type, title, message) \
             VALUES (#81, #2, 'friend_request', 't', 'm')",
            "INSERT INTO conversations (id) VALUES (#91)",
            "INSERT INTO conversation_participants (conversation_id, user_id) VALUES (#91, #2)",
            "INSERT INTO conversation_participants (conversation_id, user_id) VALUES (#91, #3)",
        ],
    )
    .await;
    // Ada wrote a post: the seed's plain REFERENCES keep her.
    assert!(users::Entity::delete_by_id(id(1)).exec(conn).await.is_err());
    assert_eq!(count(conn, "users").await, 3);

    // Bob wrote nothing: his requests, friendships, follows, story views, notifications
    // and memberships go with him; everyone else's stay.
    users::Entity::delete_by_id(id(2)).exec(conn).await.unwrap();
    assert_counts(
        conn,
        &[
            ("users", 2),
            ("friend_requests", 0),
            ("friendships", 2),
            ("follows", 0),
            ("stories", 1),
            ("story_viewers", 0),
            ("notifications", 0),
            ("conversations", 1),
            ("conversation_participants", 1),
            ("posts", 1),
        ],
    )
    .await;

    // A user who sent a message is kept too (messages.sender_id is a plain reference).
    exec(
        conn,
        &[
            "INSERT INTO messages (id, conversation_id, sender_id, content, type) \
           VALUES (#101, #91, #3, 'anyone?', 'text')",
        ],
    )
    .await;
    assert!(users::Entity::delete_by_id(id(3)).exec(conn).await.is_err());
    assert_eq!(count(conn, "users").await, 2);
}

#[tokio::test]
async fn relations_follow_the_foreign_keys() {
    let db = TestDb::migrated().await;
    let conn = db.get(Domain::Bellamy);
    exec(
        conn,
        &[
            ADA,
            BOB,
            CAT,
            POST,
            COMMENT,
            "INSERT INTO comments (id, post_id, author_id, content, parent_comment_id) \
             VALUES (#22, #11, #1, 'Thanks!', #21)",
            "INSERT INTO friend_requests (id, sender_id, receiver_id) VALUES (#41, #1, #2)",
            "INSERT INTO friendships (user_id, friend_id) VALUES (#1, #3)",
            "INSERT INTO friendships (user_id, friend_id) VALUES (#3, #1)",
            "INSERT INTO follows (follower_id, followee_id) VALUES (#2, #1)",
            "INSERT INTO follows (follower_id, followee_id) VALUES (#3, #1)",
            "INSERT INTO hashtags (id, tag) VALUES (#51, 'rust')",
            "INSERT INTO post_hashtags (post_id, hashtag_id) VALUES (#11, #51)",
        ],
    )
    .await;
    let usernames = |users: Vec<users::Model>| {
        let mut names: Vec<String> = users.into_iter().map(|u| u.username).collect();
        names.sort();
        names
    };

    // Two foreign keys to users from one table: each relation joins on its own column.
    let senders = users::Entity::find()
        .join(
            JoinType::InnerJoin,
            users::Relation::SentFriendRequests.def(),
        )
        .all(conn)
        .await
        .unwrap();
    assert_eq!(usernames(senders), ["ada"]);
    let receivers = users::Entity::find()
        .join(
            JoinType::InnerJoin,
            users::Relation::ReceivedFriendRequests.def(),
        )
        .all(conn)
        .await
        .unwrap();
    assert_eq!(usernames(receivers), ["bob"]);
    let followed = users::Entity::find()
        .join(
            JoinType::InnerJoin,
            users::Relation::FollowsAsFollowee.def(),
        )
        .distinct()
        .all(conn)
        .await
        .unwrap();
    assert_eq!(usernames(followed), ["ada"]);
    let following = users::Entity::find()
        .join(
            JoinType::InnerJoin,
            users::Relation::FollowsAsFollower.def(),
        )
        .all(conn)
        .await
        .unwrap();
    assert_eq!(usernames(following), ["bob", "cat"]);

    // The comment thread: the replies of a comment and the parent of a reply.
    let thread = comments::Entity::load()
        .with(comments::Relation::Parent)
        .with(comments::Relation::Replies)
        .order_by_asc(comments::Column::CreatedAt)
        .order_by_asc(comments::Column::Content)
        .all(conn)
        .await
        .unwrap();
    let top = thread.iter().find(|c| c.id == id(21)).unwrap();
    let reply = thread.iter().find(|c| c.id == id(22)).unwrap();
    assert!(top.parent.is_unloaded_or_not_found());
    assert_eq!(
        top.replies.iter().map(|c| c.id).collect::<Vec<_>>(),
        [id(22)]
    );
    assert_eq!(reply.parent.as_ref().unwrap().id, id(21));
    assert!(reply.replies.is_empty());

    // Many-to-many through the link tables.
    let ada_post = posts::Entity::find_by_id(id(11))
        .one(conn)
        .await
        .unwrap()
        .unwrap();
    let tags = sea_orm::ModelTrait::find_related(&ada_post, hashtags::Entity)
        .all(conn)
        .await
        .unwrap();
    assert_eq!(tags.len(), 1);
    assert_eq!(tags[0].tag, "rust");
    let ada = users::Entity::find_by_id(id(1))
        .one(conn)
        .await
        .unwrap()
        .unwrap();
    let ada_comments = sea_orm::ModelTrait::find_related(&ada, comments::Entity)
        .order_by_asc(comments::Column::CreatedAt)
        .all(conn)
        .await
        .unwrap();
    assert_eq!(ada_comments.len(), 1);

    // The entity loader resolves the self-referencing many-to-many relations.
    let loaded = users::Entity::load()
        .filter(users::Column::Id.eq(id(1)))
        .with(friendships::Entity)
        .with(follows::Entity)
        .one(conn)
        .await
        .unwrap()
        .unwrap();
    let friends: Vec<&str> = loaded.friends.iter().map(|u| u.username.as_str()).collect();
    assert_eq!(friends, ["cat"]);
    let mut followers: Vec<&str> = loaded
        .followers
        .iter()
        .map(|u| u.username.as_str())
        .collect();
    followers.sort();
    assert_eq!(followers, ["bob", "cat"]);
}

#[tokio::test]
async fn every_table_round_trips_through_its_entity() {
    let db = TestDb::migrated().await;
    let conn = db.get(Domain::Bellamy);
    let t = Utc.with_ymd_and_hms(2026, 3, 1, 12, 30, 45).unwrap();
    let later = t + chrono::Duration::hours(24);

    macro_rules! round_trip {
        ($module:ident, $model:expr, $pk:expr) => {{
            let model = $model;
            model
                .clone()
                .into_active_model()
                .insert(conn)
                .await
                .unwrap();
            assert_eq!(
                $module::Entity::find_by_id($pk).one(conn).await.unwrap(),
                Some(model)
            );
        }};
    }

    for (n, name) in [(1u128, "ada"), (2, "bob")] {
        round_trip!(
            users,
            users::Model {
                id: id(n),
                email: format!("{name}@example.com"),
                username: name.into(),
                full_name: format!("{name} of Bellamy"),
                password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into(),
                profile_picture_url: Some(format!("https://cdn.example/{name}.jpg")),
                cover_photo_url: Some(format!("https://cdn.example/{name}-cover.jpg")),
                bio: Some("Poet of numbers.\nSecond line ✨".into()),
                created_at: t,
                updated_at: later,
            },
            id(n)
        );
    }
    round_trip!(
        posts,
        posts::Model {
            id: id(11),
            author_id: id(1),
            content: "The Analytical Engine weaves algebraic patterns #rust".into(),
            privacy: Privacy::Friends,
            created_at: t,
            updated_at: later,
        },
        id(11)
    );
    round_trip!(
        comments,
        comments::Model {
            id: id(21),
            post_id: id(11),
            author_id: id(2),
            content: "Like the Jacquard loom!".into(),
            parent_comment_id: None,
            created_at: t,
        },
        id(21)
    );
    round_trip!(
        comments,
        comments::Model {
            id: id(22),
            post_id: id(11),
            author_id: id(1),
            content: "Exactly.".into(),
            parent_comment_id: Some(id(21)),
            created_at: later,
        },
        id(22)
    );
    round_trip!(
        reactions,
        reactions::Model {
            id: id(31),
            user_id: id(2),
            target_id: id(21),
            target_type: ReactionTargetType::Comment,
            r#type: ReactionType::Haha,
            created_at: t,
        },
        id(31)
    );
    round_trip!(
        friend_requests,
        friend_requests::Model {
            id: id(41),
            sender_id: id(1),
            receiver_id: id(2),
            status: FriendRequestStatus::Accepted,
            created_at: t,
            updated_at: later,
            responded_at: Some(later),
        },
        id(41)
    );
    round_trip!(
        friendships,
        friendships::Model {
            user_id: id(1),
            friend_id: id(2),
            created_at: later,
        },
        (id(1), id(2))
    );
    round_trip!(
        follows,
        follows::Model {
            follower_id: id(2),
            followee_id: id(1),
            created_at: t,
        },
        (id(2), id(1))
    );
    round_trip!(
        hashtags,
        hashtags::Model {
            id: id(51),
            tag: "rust".into(),
            created_at: t,
        },
        id(51)
    );
    round_trip!(
        post_hashtags,
        post_hashtags::Model {
            post_id: id(11),
            hashtag_id: id(51),
        },
        (id(11), id(51))
    );
    round_trip!(
        media,
        media::Model {
            id: id(61),
            post_id: id(11),
            url: "https://cdn.example/engine.mp4".into(),
            r#type: MediaType::Video,
            position: 2,
            created_at: t,
        },
        id(61)
    );
    round_trip!(
        stories,
        stories::Model {
            id: id(71),
            user_id: id(1),
            media_url: "https://cdn.example/story.jpg".into(),
            r#type: StoryType::Image,
            created_at: t,
            expires_at: later,
        },
        id(71)
    );
    round_trip!(
        story_viewers,
        story_viewers::Model {
            story_id: id(71),
            user_id: id(2),
            viewed_at: t + chrono::Duration::minutes(5),
        },
        (id(71), id(2))
    );
    round_trip!(
        notifications,
        notifications::Model {
            id: id(81),
            user_id: id(1),
            r#type: "post_reaction".into(),
            title: "New reaction".into(),
            message: "bob reacted 😆 to your comment".into(),
            data: serde_json::json!({
                "reaction": "haha",
                "targetId": id(21).to_string(),
                "actor": { "id": id(2).to_string(), "username": "bob" },
                "count": 3,
                "tags": ["rust", null, true],
            }),
            read: true,
            created_at: t,
        },
        id(81)
    );
    round_trip!(
        conversations,
        conversations::Model {
            id: id(91),
            created_at: t,
            updated_at: later,
        },
        id(91)
    );
    round_trip!(
        conversation_participants,
        conversation_participants::Model {
            conversation_id: id(91),
            user_id: id(1),
            joined_at: t,
            last_read_at: Some(later),
        },
        (id(91), id(1))
    );
    round_trip!(
        messages,
        messages::Model {
            id: id(101),
            conversation_id: id(91),
            sender_id: id(1),
            content: "https://cdn.example/engine.png".into(),
            r#type: MessageType::Image,
            read: true,
            created_at: later,
        },
        id(101)
    );
    assert_counts(
        conn,
        &[
            ("users", 2),
            ("posts", 1),
            ("comments", 2),
            ("reactions", 1),
            ("friend_requests", 1),
            ("friendships", 1),
            ("follows", 1),
            ("hashtags", 1),
            ("post_hashtags", 1),
            ("media", 1),
            ("stories", 1),
            ("story_viewers", 1),
            ("notifications", 1),
            ("conversations", 1),
            ("conversation_participants", 1),
            ("messages", 1),
        ],
    )
    .await;
}
