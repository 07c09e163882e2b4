//! Demo data for GraphiQL: a small, linked Bellamy Book. The four shared identities
//! (alice, bob, carol, dave @ mosaic.test) and six more users; friendships, follows,
//! friend requests; public, friends-only and private posts with hashtags and media;
//! comment threads three levels deep; reactions of every kind; stories with viewers;
//! notifications (some read); two conversations.
//!
//! Ids are fixed (`b311a0TT-0000-4000-8000-0000000000NN`: table `TT`, row `NN`) so that
//! the data set is the same on every machine.

use chrono::{DateTime, Duration, TimeZone, Utc};
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
    ActiveModelTrait, DatabaseConnection, DbErr, EntityTrait, IntoActiveModel, TransactionTrait,
};
use serde_json::json;

/// A placeholder in the shape of an argon2id hash. It is not the hash of any password:
/// demo accounts cannot be logged into.
const PLACEHOLDER_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$ZGVtby1zYWx0$ZGVtby1wbGFjZWhvbGRlci1ub3QtYS1yZWFsLWhhc2g";

const USER: u32 = 1;
const POST: u32 = 2;
const COMMENT: u32 = 3;
const REACTION: u32 = 4;
const REQUEST: u32 = 5;
const HASHTAG: u32 = 6;
const MEDIA: u32 = 7;
const STORY: u32 = 8;
const NOTIFICATION: u32 = 9;
const CONVERSATION: u32 = 10;
const MESSAGE: u32 = 11;

/// The fixed id of row `n` of `table`.
fn id(table: u32, n: u32) -> Uuid {
    Uuid::from_u128(
        (0xb311_a000_u128 + u128::from(table)) << 96 | 0x4000_8000_u128 << 48 | u128::from(n),
    )
}

/// Demo time: `minutes` after 2026-03-01 09:00 UTC.
fn at(minutes: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0)
        .single()
        .unwrap_or_default()
        + Duration::minutes(minutes)
}

/// Users: (n, username, full name, bio).
const USERS: [(u32, &str, &str, &str); 10] = [
    (
        1,
        "alice",
        "Alice Nakamura",
        "Trail runner, Rust programmer, coffee snob.",
    ),
    (
        2,
        "bob",
        "Bob Okafor",
        "Baker by night. Sourdough evangelist.",
    ),
    (
        3,
        "carol",
        "Carol Jensen",
        "Landscape photographer based in Bergen.",
    ),
    (
        4,
        "dave",
        "Dave Moreau",
        "GraphQL at work, mountains at the weekend.",
    ),
    (
        5,
        "erin",
        "Erin Walsh",
        "Reads everything, finishes nothing.",
    ),
    (6, "frank", "Frank Petrov", "Cyclist. Occasional poet."),
    (
        7,
        "grace",
        "Grace Lindqvist",
        "Urban sketcher and tea drinker.",
    ),
    (8, "heidi", "Heidi Alvarez", "New here, say hi!"),
    (
        9,
        "ivan",
        "Ivan Kowalski",
        "Espresso machine repairman. Ask me anything.",
    ),
    (10, "judy", "Judy Chen", "Product designer, amateur potter."),
];

/// A demo post: (n, author, privacy, minute, text, hashtags).
type DemoPost = (u32, u32, Privacy, i64, &'static str, &'static [u32]);

/// The demo posts.
const POSTS: [DemoPost; 15] = [
    (
        1,
        1,
        Privacy::Public,
        10,
        "Finally shipped the new parser in Rust. Zero allocations on the hot path!",
        &[1],
    ),
    (
        2,
        2,
        Privacy::Public,
        25,
        "Day 3 of the new starter: bubbly and smells like green apples.",
        &[5],
    ),
    (
        3,
        3,
        Privacy::Public,
        40,
        "Fog rolling over the fjord this morning.",
        &[4, 2],
    ),
    (
        4,
        4,
        Privacy::Friends,
        55,
        "Anyone up for the ridge trail on Saturday?",
        &[2],
    ),
    (
        5,
        1,
        Privacy::Friends,
        70,
        "Third espresso today. Do not talk to me about decaf.",
        &[3],
    ),
    (
        6,
        5,
        Privacy::Public,
        85,
        "Started 'The Dispossessed' again. Fourth attempt.",
        &[],
    ),
    (
        7,
        4,
        Privacy::Public,
        100,
        "Wrote up how we batch GraphQL resolvers: one query per level.",
        &[6, 1],
    ),
    (
        8,
        6,
        Privacy::Private,
        115,
        "Note to self: new chain before the spring season.",
        &[],
    ),
    (
        9,
        2,
        Privacy::Friends,
        130,
        "Crumb shot. Be honest.",
        &[5, 4],
    ),
    (
        10,
        7,
        Privacy::Public,
        145,
        "Sketched the old tram depot over lunch.",
        &[4],
    ),
    (
        11,
        3,
        Privacy::Private,
        160,
        "Editing backlog: 2,400 photos. Send coffee.",
        &[3, 4],
    ),
    (
        12,
        1,
        Privacy::Public,
        175,
        "Summit at sunrise. Worth the 4am alarm.",
        &[2, 4],
    ),
    (
        13,
        8,
        Privacy::Public,
        190,
        "Hello Bellamy! First post.",
        &[],
    ),
    (
        14,
        4,
        Privacy::Public,
        205,
        "Hot take: every API needs cursor pagination.",
        &[6],
    ),
    (
        15,
        10,
        Privacy::Public,
        220,
        "Glazed my first set of mugs. Only one cracked!",
        &[3],
    ),
];

/// Hashtags: (n, tag).
const HASHTAGS: [(u32, &str); 6] = [
    (1, "rust"),
    (2, "hiking"),
    (3, "coffee"),
    (4, "photography"),
    (5, "sourdough"),
    (6, "graphql"),
];

/// Comments: (n, post, author, parent, minute, text). Threads on posts 1, 3 and 7 go
/// three levels deep.
const COMMENTS: [(u32, u32, u32, u32, i64, &str); 18] = [
    (
        1,
        1,
        4,
        0,
        12,
        "Nice! Which crate did you use for the lexer?",
    ),
    (
        2,
        1,
        1,
        1,
        14,
        "Hand-written. logos was close, but I wanted the spans my way.",
    ),
    (3, 1, 4, 2, 16, "Fair. Would love a write-up."),
    (
        4,
        1,
        2,
        0,
        18,
        "I understood none of that, congrats anyway!",
    ),
    (5, 1, 1, 4, 20, "Thanks Bob :)"),
    (6, 3, 1, 0, 42, "Stunning. What lens?"),
    (7, 3, 3, 6, 44, "The old 24-70, stopped down to f/8."),
    (8, 3, 1, 7, 46, "Of course it was. Still jealous."),
    (9, 3, 5, 0, 48, "Framing this one."),
    (10, 7, 1, 0, 102, "The per-level batching trick is great."),
    (11, 7, 4, 10, 104, "It saved us from a 900-query page."),
    (12, 7, 1, 11, 106, "900! Was that the comments page?"),
    (13, 7, 3, 10, 108, "Bookmarking this for the team."),
    (14, 2, 1, 0, 27, "Green apples is a good sign."),
    (15, 2, 2, 14, 29, "Fingers crossed for the first bake."),
    (16, 12, 4, 0, 177, "Which route did you take?"),
    (17, 12, 1, 16, 179, "The north ridge. Icy at the top."),
    (18, 13, 1, 0, 192, "Welcome, Heidi!"),
];

/// Reactions: (n, user, target type, target, kind, minute).
const REACTIONS: [(u32, u32, ReactionTargetType, u32, ReactionType, i64); 26] = [
    (1, 2, ReactionTargetType::Post, 1, ReactionType::Like, 11),
    (2, 3, ReactionTargetType::Post, 1, ReactionType::Love, 12),
    (3, 4, ReactionTargetType::Post, 1, ReactionType::Wow, 13),
    (4, 5, ReactionTargetType::Post, 1, ReactionType::Like, 14),
    (5, 1, ReactionTargetType::Post, 2, ReactionType::Haha, 26),
    (6, 3, ReactionTargetType::Post, 2, ReactionType::Like, 27),
    (7, 1, ReactionTargetType::Post, 3, ReactionType::Love, 41),
    (8, 2, ReactionTargetType::Post, 3, ReactionType::Love, 43),
    (9, 4, ReactionTargetType::Post, 3, ReactionType::Wow, 45),
    (10, 7, ReactionTargetType::Post, 3, ReactionType::Love, 47),
    (11, 2, ReactionTargetType::Post, 5, ReactionType::Haha, 72),
    (12, 3, ReactionTargetType::Post, 5, ReactionType::Sad, 73),
    (13, 1, ReactionTargetType::Post, 7, ReactionType::Like, 101),
    (14, 3, ReactionTargetType::Post, 7, ReactionType::Like, 103),
    (
        15,
        6,
        ReactionTargetType::Post,
        14,
        ReactionType::Angry,
        207,
    ),
    (16, 1, ReactionTargetType::Post, 14, ReactionType::Like, 208),
    (17, 1, ReactionTargetType::Post, 13, ReactionType::Love, 191),
    (
        18,
        1,
        ReactionTargetType::Comment,
        1,
        ReactionType::Like,
        13,
    ),
    (
        19,
        4,
        ReactionTargetType::Comment,
        2,
        ReactionType::Like,
        15,
    ),
    (20, 2, ReactionTargetType::Comment, 2, ReactionType::Wow, 17),
    (
        21,
        1,
        ReactionTargetType::Comment,
        4,
        ReactionType::Haha,
        19,
    ),
    (
        22,
        3,
        ReactionTargetType::Comment,
        6,
        ReactionType::Like,
        43,
    ),
    (
        23,
        4,
        ReactionTargetType::Comment,
        11,
        ReactionType::Wow,
        105,
    ),
    (
        24,
        8,
        ReactionTargetType::Comment,
        18,
        ReactionType::Love,
        193,
    ),
    (25, 9, ReactionTargetType::Post, 15, ReactionType::Love, 221),
    (26, 3, ReactionTargetType::Post, 15, ReactionType::Like, 222),
];

/// Friend requests: (n, sender, receiver, status, minute).
const REQUESTS: [(u32, u32, u32, FriendRequestStatus, i64); 10] = [
    (1, 1, 2, FriendRequestStatus::Accepted, 1),
    (2, 3, 1, FriendRequestStatus::Accepted, 2),
    (3, 2, 4, FriendRequestStatus::Accepted, 3),
    (4, 4, 3, FriendRequestStatus::Accepted, 4),
    (5, 5, 1, FriendRequestStatus::Accepted, 5),
    (6, 7, 6, FriendRequestStatus::Accepted, 6),
    (7, 8, 1, FriendRequestStatus::Pending, 186),
    (8, 6, 2, FriendRequestStatus::Declined, 60),
    (9, 4, 8, FriendRequestStatus::Pending, 195),
    (10, 7, 3, FriendRequestStatus::Cancelled, 80),
];

/// Follows: (follower, followee, minute).
const FOLLOWS: [(u32, u32, i64); 15] = [
    (1, 4, 3),
    (2, 1, 4),
    (3, 1, 5),
    (4, 1, 6),
    (5, 1, 7),
    (1, 3, 8),
    (4, 3, 9),
    (6, 7, 10),
    (7, 3, 11),
    (8, 1, 187),
    (8, 4, 188),
    (2, 3, 50),
    (9, 1, 210),
    (10, 3, 211),
    (9, 10, 223),
];

/// Media: (n, post, kind, position, file).
const MEDIA_ITEMS: [(u32, u32, MediaType, i32, &str); 8] = [
    (1, 2, MediaType::Image, 0, "starter-day3.jpg"),
    (2, 3, MediaType::Image, 0, "fjord-fog-1.jpg"),
    (3, 3, MediaType::Image, 1, "fjord-fog-2.jpg"),
    (4, 3, MediaType::Video, 2, "fjord-timelapse.mp4"),
    (5, 9, MediaType::Image, 0, "crumb.jpg"),
    (6, 10, MediaType::Image, 0, "tram-depot-sketch.jpg"),
    (7, 12, MediaType::Image, 0, "summit-sunrise.jpg"),
    (8, 12, MediaType::Video, 1, "summit-panorama.mp4"),
];

/// Notifications: (n, recipient, type, title, message, data, read, minute).
fn notification_rows() -> Vec<notifications::Model> {
    let rows = [
        (
            1,
            1,
            "friend_request",
            "New friend request",
            "Heidi Alvarez sent you a friend request.",
            json!({"requestId": id(REQUEST, 7), "senderId": id(USER, 8)}),
            false,
            186,
        ),
        (
            2,
            1,
            "post_reaction",
            "Bob liked your post",
            "Bob Okafor reacted to \"Finally shipped the new parser…\"",
            json!({"postId": id(POST, 1), "userId": id(USER, 2), "reaction": "like"}),
            true,
            11,
        ),
        (
            3,
            1,
            "post_reaction",
            "Carol loved your post",
            "Carol Jensen reacted to \"Finally shipped the new parser…\"",
            json!({"postId": id(POST, 1), "userId": id(USER, 3), "reaction": "love"}),
            true,
            12,
        ),
        (
            4,
            1,
            "comment",
            "Dave commented",
            "Dave Moreau commented on your post.",
            json!({"postId": id(POST, 1), "commentId": id(COMMENT, 1)}),
            true,
            12,
        ),
        (
            5,
            1,
            "comment_reply",
            "Dave replied",
            "Dave Moreau replied to your comment.",
            json!({"postId": id(POST, 7), "commentId": id(COMMENT, 11)}),
            false,
            104,
        ),
        (
            6,
            4,
            "comment",
            "Alice commented",
            "Alice Nakamura commented on your post.",
            json!({"postId": id(POST, 7), "commentId": id(COMMENT, 10)}),
            false,
            102,
        ),
        (
            7,
            4,
            "post_reaction",
            "Frank reacted to your post",
            "Frank Petrov reacted to \"Hot take…\"",
            json!({"postId": id(POST, 14), "userId": id(USER, 6), "reaction": "angry"}),
            false,
            207,
        ),
        (
            8,
            3,
            "comment",
            "Alice commented",
            "Alice Nakamura commented on your photo.",
            json!({"postId": id(POST, 3), "commentId": id(COMMENT, 6)}),
            true,
            42,
        ),
        (
            9,
            8,
            "friend_request",
            "New friend request",
            "Dave Moreau sent you a friend request.",
            json!({"requestId": id(REQUEST, 9), "senderId": id(USER, 4)}),
            false,
            195,
        ),
        (
            10,
            2,
            "story_view",
            "Alice viewed your story",
            "Alice Nakamura viewed your story.",
            json!({"storyId": id(STORY, 2), "userId": id(USER, 1)}),
            true,
            150,
        ),
    ];
    rows.into_iter()
        .map(
            |(n, user, kind, title, message, data, read, minute)| notifications::Model {
                id: id(NOTIFICATION, n),
                user_id: id(USER, user),
                r#type: kind.to_owned(),
                title: title.to_owned(),
                message: message.to_owned(),
                data,
                read,
                created_at: at(minute),
            },
        )
        .collect()
}

/// Messages: (n, conversation, sender, minute, kind, text, read).
const MESSAGES: [(u32, u32, u32, i64, MessageType, &str, bool); 12] = [
    (
        1,
        1,
        1,
        30,
        MessageType::Text,
        "Are we still on for Saturday?",
        true,
    ),
    (
        2,
        1,
        4,
        32,
        MessageType::Text,
        "Yes! Ridge trail, 7am at the car park.",
        true,
    ),
    (3, 1, 1, 33, MessageType::Text, "I'll bring coffee.", true),
    (
        4,
        1,
        4,
        35,
        MessageType::Image,
        "The forecast looks good",
        true,
    ),
    (
        5,
        1,
        1,
        120,
        MessageType::Text,
        "Boots are drying, see you there.",
        false,
    ),
    (
        6,
        2,
        2,
        60,
        MessageType::Text,
        "Bread club this Thursday, who's in?",
        true,
    ),
    (
        7,
        2,
        3,
        62,
        MessageType::Text,
        "Me! I'll bring the rye.",
        true,
    ),
    (8, 2, 4, 63, MessageType::Text, "Count me in.", true),
    (
        9,
        2,
        2,
        65,
        MessageType::Video,
        "Shaping demo for the newcomers",
        true,
    ),
    (
        10,
        2,
        3,
        140,
        MessageType::Text,
        "Can we move it to 7?",
        true,
    ),
    (11, 2, 2, 141, MessageType::Text, "7 works.", false),
    (
        12,
        2,
        4,
        142,
        MessageType::Text,
        "Great, see you then.",
        false,
    ),
];

/// Inserts the demo data set into Bellamy's database, in one transaction. Does nothing
/// if Bellamy already holds users.
pub async fn seed(db: &DatabaseConnection) -> Result<(), DbErr> {
    if users::Entity::find().one(db).await?.is_some() {
        return Ok(());
    }
    let txn = db.begin().await?;

    for (n, username, full_name, bio) in USERS {
        users::Model {
            id: id(USER, n),
            email: format!("{username}@mosaic.test"),
            username: username.to_owned(),
            full_name: full_name.to_owned(),
            password_hash: PLACEHOLDER_HASH.to_owned(),
            profile_picture_url: Some(format!("https://cdn.bellamy.test/avatars/{username}.jpg")),
            cover_photo_url: (n <= 4)
                .then(|| format!("https://cdn.bellamy.test/covers/{username}.jpg")),
            bio: Some(bio.to_owned()),
            created_at: at(-10_000 + i64::from(n) * 60),
            updated_at: at(-10_000 + i64::from(n) * 60),
        }
        .into_active_model()
        .insert(&txn)
        .await?;
    }

    for (n, tag) in HASHTAGS {
        hashtags::Model {
            id: id(HASHTAG, n),
            tag: tag.to_owned(),
            created_at: at(i64::from(n)),
        }
        .into_active_model()
        .insert(&txn)
        .await?;
    }

    for (n, author, privacy, minute, content, tags) in POSTS {
        posts::Model {
            id: id(POST, n),
            author_id: id(USER, author),
            content: content.to_owned(),
            privacy,
            created_at: at(minute),
            updated_at: at(minute),
        }
        .into_active_model()
        .insert(&txn)
        .await?;
        for tag in tags {
            post_hashtags::Model {
                post_id: id(POST, n),
                hashtag_id: id(HASHTAG, *tag),
            }
            .into_active_model()
            .insert(&txn)
            .await?;
        }
    }

    for (n, post, kind, position, file) in MEDIA_ITEMS {
        media::Model {
            id: id(MEDIA, n),
            post_id: id(POST, post),
            url: format!("https://cdn.bellamy.test/media/{file}"),
            r#type: kind,
            position,
            created_at: at(i64::from(post) * 15),
        }
        .into_active_model()
        .insert(&txn)
        .await?;
    }

    // Parents come before their replies in COMMENTS.
    for (n, post, author, parent, minute, content) in COMMENTS {
        comments::Model {
            id: id(COMMENT, n),
            post_id: id(POST, post),
            author_id: id(USER, author),
            content: content.to_owned(),
            parent_comment_id: (parent != 0).then(|| id(COMMENT, parent)),
            created_at: at(minute),
        }
        .into_active_model()
        .insert(&txn)
        .await?;
    }

    for (n, user, target_type, target, kind, minute) in REACTIONS {
        let table = match target_type {
            ReactionTargetType::Post => POST,
            ReactionTargetType::Comment => COMMENT,
        };
        reactions::Model {
            id: id(REACTION, n),
            user_id: id(USER, user),
            target_id: id(table, target),
            target_type,
            r#type: kind,
            created_at: at(minute),
        }
        .into_active_model()
        .insert(&txn)
        .await?;
    }

    for (n, sender, receiver, status, minute) in REQUESTS {
        let answered = status != FriendRequestStatus::Pending;
        friend_requests::Model {
            id: id(REQUEST, n),
            sender_id: id(USER, sender),
            receiver_id: id(USER, receiver),
            status,
            created_at: at(minute - 120),
            updated_at: at(minute),
            responded_at: answered.then(|| at(minute)),
        }
        .into_active_model()
        .insert(&txn)
        .await?;
        if status == FriendRequestStatus::Accepted {
            for (a, b) in [(sender, receiver), (receiver, sender)] {
                friendships::Model {
                    user_id: id(USER, a),
                    friend_id: id(USER, b),
                    created_at: at(minute),
                }
                .into_active_model()
                .insert(&txn)
                .await?;
            }
        }
    }

    for (follower, followee, minute) in FOLLOWS {
        follows::Model {
            follower_id: id(USER, follower),
            followee_id: id(USER, followee),
            created_at: at(minute),
        }
        .into_active_model()
        .insert(&txn)
        .await?;
    }

    // Stories: carol's fjord video (viewed by four), bob's bake (viewed by alice), and
    // an expired one of dave's.
    let story_rows = [
        (1, 3, StoryType::Video, "fjord-story.mp4", 150, 24 * 60),
        (2, 2, StoryType::Image, "bake-story.jpg", 140, 24 * 60),
        (3, 4, StoryType::Image, "trailhead.jpg", -2000, 24 * 60),
    ];
    for (n, user, kind, file, minute, ttl) in story_rows {
        stories::Model {
            id: id(STORY, n),
            user_id: id(USER, user),
            media_url: format!("https://cdn.bellamy.test/stories/{file}"),
            r#type: kind,
            created_at: at(minute),
            expires_at: at(minute + ttl),
        }
        .into_active_model()
        .insert(&txn)
        .await?;
    }
    for (story, user, minute) in [
        (1, 1, 151),
        (1, 4, 153),
        (1, 5, 158),
        (1, 7, 162),
        (2, 1, 150),
        (3, 1, -1990),
    ] {
        story_viewers::Model {
            story_id: id(STORY, story),
            user_id: id(USER, user),
            viewed_at: at(minute),
        }
        .into_active_model()
        .insert(&txn)
        .await?;
    }

    for n in notification_rows() {
        n.into_active_model().insert(&txn).await?;
    }

    // Conversations: alice & dave planning a hike; bob, carol & dave's bread club.
    for (n, created, updated, members) in [
        (1, 29, 120, &[(1, 29, Some(120)), (4, 29, Some(35))][..]),
        (
            2,
            59,
            142,
            &[(2, 59, Some(142)), (3, 59, Some(140)), (4, 61, None)][..],
        ),
    ] {
        conversations::Model {
            id: id(CONVERSATION, n),
            created_at: at(created),
            updated_at: at(updated),
        }
        .into_active_model()
        .insert(&txn)
        .await?;
        for (user, joined, read) in members {
            conversation_participants::Model {
                conversation_id: id(CONVERSATION, n),
                user_id: id(USER, *user),
                joined_at: at(*joined),
                last_read_at: read.map(at),
            }
            .into_active_model()
            .insert(&txn)
            .await?;
        }
    }
    for (n, conversation, sender, minute, kind, content, read) in MESSAGES {
        messages::Model {
            id: id(MESSAGE, n),
            conversation_id: id(CONVERSATION, conversation),
            sender_id: id(USER, sender),
            content: content.to_owned(),
            r#type: kind,
            read,
            created_at: at(minute),
        }
        .into_active_model()
        .insert(&txn)
        .await?;
    }

    txn.commit().await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_distinct_per_table_and_row() {
        assert_eq!(
            id(USER, 1).to_string(),
            "b311a001-0000-4000-8000-000000000001"
        );
        assert_ne!(id(USER, 2), id(POST, 2));
    }
}
