//! Bellamy Book scale data (see [`crate::scale`]). Users `user_00000`… (password
//! `mosaic-scale` under one precomputed cheap scrypt hash), each with 10 posts (7 in 10
//! public, 2 friends-only, 1 private) tagged with 2 hashtags; 3 comments per post (a
//! top-level comment, a reply to it, then a reply to the reply or a new top-level one)
//! and 5 reactions; 5 friends per user (both friendship rows and the accepted request),
//! 10 follows, 5 notifications; conversations of 2 with 20 messages. User `i` befriends
//! users `i+1 … i+5` and follows `i+6 … i+15` (modulo the user count).

use chrono::{DateTime, Duration, Utc};
use entity::bellamy::enums::{
    FriendRequestStatus, MessageType, Privacy, ReactionTargetType, ReactionType,
};
use entity::bellamy::{
    comments, conversation_participants, conversations, follows, friend_requests, friendships,
    hashtags, messages, notifications, post_hashtags, posts, reactions, users,
};
use sea_orm::{DatabaseConnection, DbErr, TransactionTrait};
use serde_json::json;
use uuid::Uuid;

use crate::bellamy::service::kind;
use crate::scale::{Batch, CHUNK, Plan, Rng, at, flush_all};

/// The data tables, checked for emptiness before seeding.
pub const TABLES: &[&str] = &[
    "users",
    "posts",
    "comments",
    "reactions",
    "hashtags",
    "friendships",
    "follows",
    "conversations",
    "messages",
    "notifications",
    "stories",
];

/// Every scale user's password.
pub const PASSWORD: &str = "mosaic-scale";
/// Posts per user.
pub const POSTS_PER_USER: u64 = 10;
/// Comments per post.
pub const COMMENTS_PER_POST: u64 = 3;
/// Reactions per post.
pub const REACTIONS_PER_POST: u64 = 5;
/// Friends per user (each friendship is two rows).
pub const FRIENDS_PER_USER: u64 = 5;
/// Follows per user.
pub const FOLLOWS_PER_USER: u64 = 10;
/// Notifications per user.
pub const NOTIFICATIONS_PER_USER: u64 = 5;
/// Messages per conversation.
pub const MESSAGES_PER_CONVERSATION: u64 = 20;

const TOPICS: [&str; 10] = [
    "travel",
    "food",
    "music",
    "books",
    "fitness",
    "photography",
    "coding",
    "gaming",
    "art",
    "nature",
];
const REACTIONS: [ReactionType; 6] = [
    ReactionType::Like,
    ReactionType::Love,
    ReactionType::Haha,
    ReactionType::Wow,
    ReactionType::Sad,
    ReactionType::Angry,
];

/// When user `i` joined.
fn joined(i: u64) -> DateTime<Utc> {
    at(i * 60)
}

/// Writes Bellamy's scale data in one transaction; the rows per table.
pub async fn seed(
    db: &DatabaseConnection,
    plan: &Plan,
    seed: u64,
) -> Result<Vec<(&'static str, u64)>, DbErr> {
    let mut rng = Rng::new(seed, 3);
    let params = scrypt::Params::new(10, 8, 1, 32).map_err(|e| DbErr::Custom(e.to_string()))?;
    let password_hash =
        crate::auth::password::hash_password_salted(PASSWORD, params, &rng.bytes::<16>())
            .map_err(|e| DbErr::Custom(e.to_string()))?;
    let b = plan.bellamy_users;
    let ids: Vec<Uuid> = (0..b).map(|_| rng.uuid()).collect();
    let user = |i: u64| ids[(i % b) as usize];
    let tags: Vec<(Uuid, String)> = (0..plan.hashtags)
        .map(|h| (rng.uuid(), format!("{}{h}", TOPICS[(h % 10) as usize])))
        .collect();
    let txn = db.begin().await?;

    // Users and hashtags first: everything else points at them.
    let mut users_out = Batch::<_, users::ActiveModel>::new(&txn);
    for i in 0..b {
        users_out.push(users::Model {
            id: user(i),
            email: format!("user_{i:05}@scale.mosaic.test"),
            username: format!("user_{i:05}"),
            full_name: format!("Scale User {i}"),
            password_hash: password_hash.clone(),
            profile_picture_url: Some(format!("https://img.example.test/avatars/{i}.jpg")),
            cover_photo_url: None,
            bio: rng
                .percent(60)
                .then(|| format!("Into {} and {}.", rng.pick(&TOPICS), rng.pick(&TOPICS))),
            created_at: joined(i),
            updated_at: joined(i),
        });
        if users_out.pending() as u64 >= CHUNK {
            users_out.flush().await?;
        }
    }
    let mut tags_out = Batch::<_, hashtags::ActiveModel>::new(&txn);
    for (id, tag) in &tags {
        tags_out.push(hashtags::Model {
            id: *id,
            tag: tag.clone(),
            created_at: crate::scale::epoch(),
        });
    }
    let mut tables = vec![users_out.finish().await?, tags_out.finish().await?];

    let mut posts_out = Batch::<_, posts::ActiveModel>::new(&txn);
    let mut post_tags_out = Batch::<_, post_hashtags::ActiveModel>::new(&txn);
    let mut comments_out = Batch::<_, comments::ActiveModel>::new(&txn);
    let mut reactions_out = Batch::<_, reactions::ActiveModel>::new(&txn);
    let mut friendships_out = Batch::<_, friendships::ActiveModel>::new(&txn);
    let mut requests_out = Batch::<_, friend_requests::ActiveModel>::new(&txn);
    let mut follows_out = Batch::<_, follows::ActiveModel>::new(&txn);
    let mut notifications_out = Batch::<_, notifications::ActiveModel>::new(&txn);
    let h = plan.hashtags;
    for i in 0..b {
        let me = user(i);
        let since = joined(i);
        for p in 0..POSTS_PER_USER {
            let post_id = rng.uuid();
            let created = since + Duration::hours(i64::try_from(p).unwrap_or(0) + 1);
            let first = rng.below(h);
            let second = (first + 1 + rng.below(h - 1)) % h;
            let (t1, t2) = (&tags[first as usize], &tags[second as usize]);
            posts_out.push(posts::Model {
                id: post_id,
                author_id: me,
                content: format!(
                    "Post {p} of user {i}: a day of {} #{} #{}",
                    rng.pick(&TOPICS),
                    t1.1,
                    t2.1
                ),
                privacy: match rng.below(10) {
                    0..=6 => Privacy::Public,
                    7 | 8 => Privacy::Friends,
                    _ => Privacy::Private,
                },
                created_at: created,
                updated_at: created,
            });
            for tag in [t1, t2] {
                post_tags_out.push(post_hashtags::Model {
                    post_id,
                    hashtag_id: tag.0,
                });
            }
            let mut previous: Option<Uuid> = None;
            for c in 0..COMMENTS_PER_POST {
                let id = rng.uuid();
                let parent = match c {
                    0 => None,
                    1 => previous,
                    _ => previous.filter(|_| rng.percent(50)),
                };
                comments_out.push(comments::Model {
                    id,
                    post_id,
                    author_id: user(rng.below(b)),
                    content: if parent.is_some() {
                        "Agreed, well said.".to_owned()
                    } else {
                        format!("Nice {}!", rng.pick(&TOPICS))
                    },
                    parent_comment_id: parent,
                    created_at: created + Duration::minutes(i64::try_from(c).unwrap_or(0) + 5),
                });
                previous = Some(id);
            }
            for k in 0..REACTIONS_PER_POST {
                reactions_out.push(reactions::Model {
                    id: rng.uuid(),
                    user_id: user(i + 1 + k),
                    target_id: post_id,
                    target_type: ReactionTargetType::Post,
                    r#type: *rng.pick(&REACTIONS),
                    created_at: created + Duration::minutes(30),
                });
            }
        }
        for d in 1..=FRIENDS_PER_USER {
            let friend = user(i + d);
            let asked = since + Duration::minutes(i64::try_from(d).unwrap_or(0));
            let accepted = asked + Duration::hours(2);
            requests_out.push(friend_requests::Model {
                id: rng.uuid(),
                sender_id: me,
                receiver_id: friend,
                status: FriendRequestStatus::Accepted,
                created_at: asked,
                updated_at: accepted,
                responded_at: Some(accepted),
            });
            for (user_id, friend_id) in [(me, friend), (friend, me)] {
                friendships_out.push(friendships::Model {
                    user_id,
                    friend_id,
                    created_at: accepted,
                });
            }
        }
        for d in 0..FOLLOWS_PER_USER {
            follows_out.push(follows::Model {
                follower_id: me,
                followee_id: user(i + FRIENDS_PER_USER + 1 + d),
                created_at: since + Duration::minutes(30),
            });
        }
        for n in 0..NOTIFICATIONS_PER_USER {
            let (kind, title) = *rng.pick(&[
                (kind::COMMENT, "New comment on your post"),
                (kind::POST_REACTION, "Someone reacted to your post"),
                (kind::FRIEND_REQUEST_ACCEPTED, "Friend request accepted"),
            ]);
            notifications_out.push(notifications::Model {
                id: rng.uuid(),
                user_id: me,
                r#type: kind.to_owned(),
                title: title.to_owned(),
                message: format!("{title} ({n})"),
                data: json!({ "actor_id": user(i + 1).to_string() }),
                read: rng.percent(60),
                created_at: since + Duration::hours(i64::try_from(n).unwrap_or(0) + 2),
            });
        }
        if comments_out.pending() as u64 >= CHUNK {
            flush_all!(
                posts_out,
                post_tags_out,
                comments_out,
                reactions_out,
                requests_out,
                friendships_out,
                follows_out,
                notifications_out
            );
        }
    }
    tables.push(posts_out.finish().await?);
    tables.push(post_tags_out.finish().await?);
    tables.push(comments_out.finish().await?);
    tables.push(reactions_out.finish().await?);
    tables.push(requests_out.finish().await?);
    tables.push(friendships_out.finish().await?);
    tables.push(follows_out.finish().await?);
    tables.push(notifications_out.finish().await?);

    let mut conversations_out = Batch::<_, conversations::ActiveModel>::new(&txn);
    let mut participants_out = Batch::<_, conversation_participants::ActiveModel>::new(&txn);
    let mut messages_out = Batch::<_, messages::ActiveModel>::new(&txn);
    for k in 0..plan.conversations {
        let id = rng.uuid();
        let a = (k * 7) % b;
        let pair = [user(a), user(a + 1 + k % (b - 1))];
        let started = at(k * 90);
        let last =
            started + Duration::minutes(i64::try_from(MESSAGES_PER_CONVERSATION).unwrap_or(0));
        conversations_out.push(conversations::Model {
            id,
            created_at: started,
            updated_at: last,
        });
        for u in pair {
            participants_out.push(conversation_participants::Model {
                conversation_id: id,
                user_id: u,
                joined_at: started,
                last_read_at: Some(last),
            });
        }
        for m in 0..MESSAGES_PER_CONVERSATION {
            messages_out.push(messages::Model {
                id: rng.uuid(),
                conversation_id: id,
                sender_id: pair[(m % 2) as usize],
                content: format!("message {m}: {}", rng.pick(&TOPICS)),
                r#type: MessageType::Text,
                read: m + 2 < MESSAGES_PER_CONVERSATION,
                created_at: started + Duration::minutes(i64::try_from(m).unwrap_or(0) + 1),
            });
        }
        if messages_out.pending() as u64 >= CHUNK {
            flush_all!(conversations_out, participants_out, messages_out);
        }
    }
    tables.push(conversations_out.finish().await?);
    tables.push(participants_out.finish().await?);
    tables.push(messages_out.finish().await?);
    txn.commit().await?;
    Ok(tables)
}
