//! Bellamy's read API through HTTP: lookups, the seed's queries (posts by author and by
//! privacy, comment threads, reaction counts, friends and follows, conversations,
//! notifications), pagination, filters, batching, demo data. Reads of private data sign
//! in as the user allowed to see it (the access rules themselves: `bellamy/access.rs`).
//!
//! Ids are `Uuid::from_u128(n)`: users 1–99, posts 1000+, comments 2000+, reactions
//! 3000+, hashtags 4000+, media 5000+, stories 6000+, notifications 7000+,
//! conversations 8000+, messages 9000+, friend requests 10000+.

use entity::Domain;
use entity::bellamy::enums::{
    FriendRequestStatus, MediaType, MessageType, Privacy, ReactionTargetType, ReactionType,
    StoryType,
};
use entity::bellamy::{
    comments, conversation_participants, conversations, friend_requests, friendships, hashtags,
    media, messages, post_hashtags, posts, stories, story_viewers, users,
};
use sea_orm::entity::prelude::Uuid;
use sea_orm::{ActiveModelTrait, ActiveValue, EntityTrait, IntoActiveModel, PaginatorTrait};
use serde_json::{Value, json};

use super::{Fixture, at, id, ids, ok_as, s};
use crate::helpers::{TestApp, code, query_ok, statements};

#[tokio::test]
async fn user_lookup_by_each_unique_key() {
    let app = TestApp::spawn().await;
    let f = Fixture { app: &app };
    f.user(1).await;
    f.user(2).await;
    for args in [
        format!(r#"id: "{}""#, s(2)),
        r#"username: "user002""#.to_owned(),
        r#"email: "user002@example.com""#.to_owned(),
    ] {
        // Signed in as the user: the email is theirs to read (and to look up by).
        let data = ok_as(
            &app,
            2,
            &format!("{{ bellamyUser({args}) {{ id username email fullName bio }} }}"),
        )
        .await;
        assert_eq!(
            data["bellamyUser"],
            json!({"id": s(2), "username": "user002", "email": "user002@example.com",
                   "fullName": "User 2", "bio": "Bio 2"}),
            "{args}"
        );
    }
    let data = query_ok(&app, r#"{ bellamyUser(username: "nobody") { id } }"#).await;
    assert_eq!(data["bellamyUser"], Value::Null);
    for bad in [
        "{ bellamyUser { id } }".to_owned(),
        format!(
            r#"{{ bellamyUser(id: "{}", username: "user001") {{ id }} }}"#,
            s(1)
        ),
    ] {
        let res = app.graphql(&bad, json!({})).await;
        assert_eq!(code(&res), "BAD_USER_INPUT", "{res}");
    }
}

#[tokio::test]
async fn lookups_by_compound_and_unique_keys() {
    let app = TestApp::spawn().await;
    let f = Fixture { app: &app };
    f.user(1).await;
    f.user(2).await;
    f.post(1, 1, Privacy::Public, 10).await;
    f.reaction(1, 2, ReactionTargetType::Post, 1001, ReactionType::Wow)
        .await;
    f.friends(1, 2, 5).await;
    f.follow(2, 1, 6).await;
    friend_requests::Model {
        id: id(10_001),
        sender_id: id(1),
        receiver_id: id(2),
        status: FriendRequestStatus::Accepted,
        created_at: at(1),
        updated_at: at(5),
        responded_at: Some(at(5)),
    }
    .into_active_model()
    .insert(f.db())
    .await
    .unwrap();
    hashtags::Model {
        id: id(4001),
        tag: "rust".into(),
        created_at: at(1),
    }
    .into_active_model()
    .insert(f.db())
    .await
    .unwrap();

    let q = format!(
        r#"{{
        byId: bellamyReaction(id: "{r}") {{ id type }}
        byKey: bellamyReaction(userId: "{u2}", targetId: "{p1}", targetType: POST) {{ id type post {{ id }} comment {{ id }} }}
        missing: bellamyReaction(userId: "{u1}", targetId: "{p1}", targetType: POST) {{ id }}
        request: bellamyFriendRequest(senderId: "{u1}", receiverId: "{u2}") {{ id status respondedAt sender {{ username }} receiver {{ username }} }}
        friendship: bellamyFriendship(userId: "{u2}", friendId: "{u1}") {{ createdAt user {{ username }} friend {{ username }} }}
        follow: bellamyFollow(followerId: "{u2}", followeeId: "{u1}") {{ follower {{ username }} followee {{ username }} }}
        noFollow: bellamyFollow(followerId: "{u1}", followeeId: "{u2}") {{ createdAt }}
        tag: bellamyHashtag(tag: "rust") {{ id tag }}
        tagById: bellamyHashtag(id: "{h}") {{ tag }}
    }}"#,
        r = s(3001),
        u1 = s(1),
        u2 = s(2),
        p1 = s(1001),
        h = s(4001),
    );
    // Signed in as the request's sender.
    let data = ok_as(&app, 1, &q).await;
    assert_eq!(
        data,
        json!({
            "byId": {"id": s(3001), "type": "WOW"},
            "byKey": {"id": s(3001), "type": "WOW", "post": {"id": s(1001)}, "comment": null},
            "missing": null,
            "request": {"id": s(10_001), "status": "ACCEPTED", "respondedAt": "2026-01-01T00:05:00+00:00",
                        "sender": {"username": "user001"}, "receiver": {"username": "user002"}},
            "friendship": {"createdAt": "2026-01-01T00:05:00+00:00",
                           "user": {"username": "user002"}, "friend": {"username": "user001"}},
            "follow": {"follower": {"username": "user002"}, "followee": {"username": "user001"}},
            "noFollow": null,
            "tag": {"id": s(4001), "tag": "rust"},
            "tagById": {"tag": "rust"},
        })
    );
    for bad in [
        format!(r#"{{ bellamyReaction(userId: "{}") {{ id }} }}"#, s(2)),
        format!(
            r#"{{ bellamyReaction(id: "{}", userId: "{}", targetId: "{}", targetType: POST) {{ id }} }}"#,
            s(3001),
            s(2),
            s(1001)
        ),
        r#"{ bellamyHashtag(id: "00000000-0000-0000-0000-000000000001", tag: "rust") { id } }"#
            .to_owned(),
        "{ bellamyFriendRequest { id } }".to_owned(),
    ] {
        let res = app.graphql(&bad, json!({})).await;
        assert_eq!(code(&res), "BAD_USER_INPUT", "{bad}: {res}");
    }
}

#[tokio::test]
async fn posts_by_author_and_by_privacy_newest_first() {
    let app = TestApp::spawn().await;
    let f = Fixture { app: &app };
    f.user(1).await;
    f.user(2).await;
    f.post(1, 1, Privacy::Public, 10).await;
    f.post(2, 2, Privacy::Public, 20).await;
    f.post(3, 1, Privacy::Friends, 30).await;
    f.post(4, 1, Privacy::Private, 40).await;
    f.post(5, 2, Privacy::Public, 50).await;
    f.post(6, 1, Privacy::Public, 60).await;

    // Signed in as the author, who sees all of their posts.
    let data = ok_as(
        &app,
        1,
        &format!(
            r#"{{ bellamyUser(id: "{}") {{ posts {{ totalCount nodes {{ id privacy author {{ username }} }} }} }} }}"#,
            s(1)
        ),
    )
    .await;
    assert_eq!(
        data["bellamyUser"]["posts"],
        json!({"totalCount": 4, "nodes": [
            {"id": s(1006), "privacy": "PUBLIC", "author": {"username": "user001"}},
            {"id": s(1004), "privacy": "PRIVATE", "author": {"username": "user001"}},
            {"id": s(1003), "privacy": "FRIENDS", "author": {"username": "user001"}},
            {"id": s(1001), "privacy": "PUBLIC", "author": {"username": "user001"}},
        ]})
    );

    let data = ok_as(
        &app,
        1,
        "{ bellamyPosts(filter: {privacy: {eq: PUBLIC}}, orderBy: {field: CREATED_AT, direction: DESC}) \
         { totalCount nodes { id createdAt } } }",
    )
    .await;
    assert_eq!(
        data["bellamyPosts"],
        json!({"totalCount": 4, "nodes": [
            {"id": s(1006), "createdAt": "2026-01-01T01:00:00+00:00"},
            {"id": s(1005), "createdAt": "2026-01-01T00:50:00+00:00"},
            {"id": s(1002), "createdAt": "2026-01-01T00:20:00+00:00"},
            {"id": s(1001), "createdAt": "2026-01-01T00:10:00+00:00"},
        ]})
    );

    // Other enum conditions, combined with a column condition, oldest first.
    let data = ok_as(
        &app,
        1,
        &format!(
            r#"{{ bellamyPosts(filter: {{privacy: {{in: [FRIENDS, PRIVATE]}}}}, orderBy: {{field: CREATED_AT}}) {{ nodes {{ id }} }}
                 notPublic: bellamyPosts(filter: {{privacy: {{ne: PUBLIC}}, authorId: {{eq: "{}"}}, content: {{contains: "4"}}}}) {{ nodes {{ id }} }} }}"#,
            s(1)
        ),
    )
    .await;
    assert_eq!(ids(&data["bellamyPosts"]), [s(1003), s(1004)]);
    assert_eq!(ids(&data["notPublic"]), [s(1004)]);

    // A user's posts filtered by privacy use the same filter.
    let data = ok_as(
        &app,
        1,
        &format!(
            r#"{{ bellamyUser(id: "{}") {{ posts(filter: {{privacy: {{eq: PUBLIC}}}}) {{ nodes {{ id }} }} }} }}"#,
            s(1)
        ),
    )
    .await;
    assert_eq!(ids(&data["bellamyUser"]["posts"]), [s(1006), s(1001)]);
}

#[tokio::test]
async fn newest_first_breaks_equal_times_by_the_highest_id_first() {
    let app = TestApp::spawn().await;
    let f = Fixture { app: &app };
    f.user(1).await;
    for n in 1..=3 {
        f.post(n, 1, Privacy::Public, 10).await;
    }
    f.post(4, 1, Privacy::Public, 5).await;
    let want = [s(1003), s(1002), s(1001), s(1004)];
    // The default order of a user's posts, and a root list ordered newest first.
    let data = ok_as(
        &app,
        1,
        &format!(
            r#"{{ bellamyUser(id: "{}") {{ posts {{ nodes {{ id }} }} }}
                 bellamyPosts(orderBy: {{field: CREATED_AT, direction: DESC}}) {{ nodes {{ id }} }} }}"#,
            s(1)
        ),
    )
    .await;
    assert_eq!(ids(&data["bellamyUser"]["posts"]), want);
    assert_eq!(ids(&data["bellamyPosts"]), want);
    // Cursors follow the same order, one row at a time.
    let mut seen = Vec::new();
    let mut after = String::new();
    for _ in 0..4 {
        let data = ok_as(
            &app,
            1,
            &format!(
                r#"{{ bellamyPosts(first: 1{after}, orderBy: {{field: CREATED_AT, direction: DESC}})
                     {{ nodes {{ id }} pageInfo {{ endCursor }} }} }}"#
            ),
        )
        .await;
        seen.extend(ids(&data["bellamyPosts"]));
        let end = data["bellamyPosts"]["pageInfo"]["endCursor"]
            .as_str()
            .unwrap();
        after = format!(r#", after: "{end}""#);
    }
    assert_eq!(seen, want);
}

/// Post 1 with a three-level thread:
/// c1 (t10) ─ c3 (t12) ─ c5 (t14) ─ c7 (t16)
///          └ c4 (t13)
/// c2 (t11) ─ c6 (t15)
/// and c8 (t17), a top-level comment of post 2.
async fn thread_fixture(f: &Fixture<'_>) {
    f.user(1).await;
    f.user(2).await;
    f.post(1, 1, Privacy::Public, 1).await;
    f.post(2, 1, Privacy::Public, 2).await;
    for (n, post, author, parent, minute) in [
        (1, 1, 1, 0, 10),
        (2, 1, 2, 0, 11),
        (3, 1, 2, 1, 12),
        (4, 1, 1, 1, 13),
        (5, 1, 1, 3, 14),
        (6, 1, 1, 2, 15),
        (7, 1, 2, 5, 16),
        (8, 2, 2, 0, 17),
    ] {
        f.comment(n, post, author, parent, minute).await;
    }
}

#[tokio::test]
async fn comment_threads_roots_replies_and_flat_thread() {
    let app = TestApp::spawn().await;
    let f = Fixture { app: &app };
    thread_fixture(&f).await;

    let data = query_ok(
        &app,
        &format!(
            r#"{{ bellamyPost(id: "{}") {{
                comments(first: 5) {{ totalCount nodes {{ id parentCommentId
                    replies(first: 5) {{ totalCount nodes {{ id parent {{ id }}
                        replies(first: 5) {{ nodes {{ id replies(first: 5) {{ nodes {{ id }} }} }} }} }} }} }} }}
                all: comments(topLevelOnly: false) {{ totalCount nodes {{ id }} }}
                newest: comments(orderBy: {{field: CREATED_AT, direction: DESC}}) {{ nodes {{ id }} }}
            }} }}"#,
            s(1001)
        ),
    )
    .await;
    let post = &data["bellamyPost"];
    assert_eq!(
        post["comments"],
        json!({"totalCount": 2, "nodes": [
            {"id": s(2001), "parentCommentId": null, "replies": {"totalCount": 2, "nodes": [
                {"id": s(2003), "parent": {"id": s(2001)}, "replies": {"nodes": [
                    {"id": s(2005), "replies": {"nodes": [{"id": s(2007)}]}}]}},
                {"id": s(2004), "parent": {"id": s(2001)}, "replies": {"nodes": []}},
            ]}},
            {"id": s(2002), "parentCommentId": null, "replies": {"totalCount": 1, "nodes": [
                {"id": s(2006), "parent": {"id": s(2002)}, "replies": {"nodes": []}},
            ]}},
        ]})
    );
    assert_eq!(post["all"]["totalCount"], 7);
    assert_eq!(
        ids(&post["all"]),
        (1..=7).map(|n| s(2000 + n)).collect::<Vec<_>>()
    );
    assert_eq!(ids(&post["newest"]), [s(2002), s(2001)]);

    // The flat thread: depth-first, siblings oldest first, with depths.
    let data = query_ok(
        &app,
        &format!(
            r#"{{ bellamyPost(id: "{}") {{ comments {{ nodes {{ id
                thread {{ depth comment {{ id author {{ username }} }} }}
                shallow: thread(maxDepth: 1) {{ depth comment {{ id }} }} }} }} }} }}"#,
            s(1001)
        ),
    )
    .await;
    let roots = &data["bellamyPost"]["comments"]["nodes"];
    let entry = |n: u128, depth: i64, author: &str| json!({"depth": depth, "comment": {"id": s(2000 + n), "author": {"username": author}}});
    assert_eq!(
        roots[0]["thread"],
        json!([
            entry(3, 1, "user002"),
            entry(5, 2, "user001"),
            entry(7, 3, "user002"),
            entry(4, 1, "user001"),
        ])
    );
    assert_eq!(roots[1]["thread"], json!([entry(6, 1, "user001")]));
    assert_eq!(
        roots[0]["shallow"],
        json!([
            {"depth": 1, "comment": {"id": s(2003)}},
            {"depth": 1, "comment": {"id": s(2004)}},
        ])
    );

    // From a comment in the middle, two levels.
    let data = query_ok(
        &app,
        &format!(
            r#"{{ bellamyComment(id: "{}") {{ post {{ id }} thread(maxDepth: 2) {{ depth comment {{ id }} }} }} }}"#,
            s(2003)
        ),
    )
    .await;
    assert_eq!(
        data["bellamyComment"],
        json!({"post": {"id": s(1001)}, "thread": [
            {"depth": 1, "comment": {"id": s(2005)}},
            {"depth": 2, "comment": {"id": s(2007)}},
        ]})
    );
}

#[tokio::test]
async fn threads_are_cycle_safe_and_bounded() {
    let app = TestApp::spawn().await;
    let f = Fixture { app: &app };
    thread_fixture(&f).await;
    // Make a cycle: c1 now replies to c7, its own great-great-grandchild.
    let mut c1: comments::ActiveModel = comments::Entity::find_by_id(id(2001))
        .one(f.db())
        .await
        .unwrap()
        .unwrap()
        .into();
    c1.parent_comment_id = ActiveValue::Set(Some(id(2007)));
    c1.update(f.db()).await.unwrap();

    let data = query_ok(
        &app,
        &format!(
            r#"{{ bellamyComment(id: "{}") {{ thread(maxDepth: 20) {{ depth comment {{ id }} }} }} }}"#,
            s(2001)
        ),
    )
    .await;
    let thread: Vec<(i64, String)> = data["bellamyComment"]["thread"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["depth"].as_i64().unwrap(),
                e["comment"]["id"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        thread,
        [(1, s(2003)), (2, s(2005)), (3, s(2007)), (1, s(2004))]
    );

    for bad in [0, 21, -1] {
        let res = app
            .graphql(
                &format!(
                    r#"{{ bellamyComment(id: "{}") {{ thread(maxDepth: {bad}) {{ depth }} }} }}"#,
                    s(2003)
                ),
                json!({}),
            )
            .await;
        assert_eq!(code(&res), "BAD_USER_INPUT", "{bad}: {res}");
        assert_eq!(res["errors"][0]["extensions"]["field"], "maxDepth");
    }
}

#[tokio::test]
async fn reaction_counts_and_polymorphic_targets() {
    let app = TestApp::spawn().await;
    let f = Fixture { app: &app };
    for n in 1..=5 {
        f.user(n).await;
    }
    f.post(1, 1, Privacy::Public, 1).await;
    f.post(2, 1, Privacy::Public, 2).await;
    f.comment(1, 1, 2, 0, 3).await;
    use ReactionTargetType::{Comment, Post};
    use ReactionType::*;
    for (n, user, tt, target, kind) in [
        (1, 2, Post, 1001, Like),
        (2, 3, Post, 1001, Love),
        (3, 4, Post, 1001, Like),
        (4, 5, Post, 1001, Angry),
        (5, 1, Comment, 2001, Haha),
        (6, 3, Comment, 2001, Haha),
        (7, 4, Comment, 2001, Sad),
        // Same id space, other type: a reaction to post 2 must not count for comment 1.
        (8, 2, Post, 1002, Wow),
    ] {
        f.reaction(n, user, tt, target, kind).await;
    }
    let data = query_ok(
        &app,
        r#"{ bellamyPosts(first: 5, orderBy: {field: CREATED_AT}) { nodes {
            id reactionCounts { type count }
            reactions(first: 10) { totalCount nodes { id type user { username } post { id } comment { id } } }
            comments(first: 5) { nodes { reactionCounts { type count }
                reactions(first: 10) { nodes { id targetType post { id } comment { id } } } } }
        } } }"#,
    )
    .await;
    let counts = |c: [i64; 6]| {
        json!(
            ["LIKE", "LOVE", "HAHA", "WOW", "SAD", "ANGRY"]
                .iter()
                .zip(c)
                .map(|(t, n)| json!({"type": t, "count": n}))
                .collect::<Vec<_>>()
        )
    };
    let posts = &data["bellamyPosts"]["nodes"];
    assert_eq!(posts[0]["reactionCounts"], counts([2, 1, 0, 0, 0, 1]));
    assert_eq!(posts[1]["reactionCounts"], counts([0, 0, 0, 1, 0, 0]));
    assert_eq!(
        posts[0]["reactions"],
        json!({"totalCount": 4, "nodes": [
            {"id": s(3004), "type": "ANGRY", "user": {"username": "user005"}, "post": {"id": s(1001)}, "comment": null},
            {"id": s(3003), "type": "LIKE", "user": {"username": "user004"}, "post": {"id": s(1001)}, "comment": null},
            {"id": s(3002), "type": "LOVE", "user": {"username": "user003"}, "post": {"id": s(1001)}, "comment": null},
            {"id": s(3001), "type": "LIKE", "user": {"username": "user002"}, "post": {"id": s(1001)}, "comment": null},
        ]})
    );
    let comment = &posts[0]["comments"]["nodes"][0];
    assert_eq!(comment["reactionCounts"], counts([0, 0, 2, 0, 1, 0]));
    assert_eq!(
        comment["reactions"]["nodes"],
        json!([
            {"id": s(3007), "targetType": "COMMENT", "post": null, "comment": {"id": s(2001)}},
            {"id": s(3006), "targetType": "COMMENT", "post": null, "comment": {"id": s(2001)}},
            {"id": s(3005), "targetType": "COMMENT", "post": null, "comment": {"id": s(2001)}},
        ])
    );
    // A user's reactions span both target types.
    let data = query_ok(
        &app,
        &format!(
            r#"{{ bellamyUser(id: "{}") {{ reactions(orderBy: {{field: CREATED_AT}}) {{ nodes {{ id targetType }} }} }} }}"#,
            s(3)
        ),
    )
    .await;
    assert_eq!(
        data["bellamyUser"]["reactions"]["nodes"],
        json!([{"id": s(3002), "targetType": "POST"}, {"id": s(3006), "targetType": "COMMENT"}])
    );
    // Enum filters on reactions.
    let data = query_ok(
        &app,
        "{ bellamyReactions(filter: {type: {in: [HAHA, SAD]}, targetType: {eq: COMMENT}}, \
         orderBy: {field: CREATED_AT, direction: DESC}) { nodes { id } } }",
    )
    .await;
    assert_eq!(ids(&data["bellamyReactions"]), [s(3007), s(3006), s(3005)]);
}

#[tokio::test]
async fn friends_followers_and_following() {
    let app = TestApp::spawn().await;
    let f = Fixture { app: &app };
    for n in 1..=5 {
        f.user(n).await;
    }
    f.friends(1, 2, 10).await;
    f.friends(1, 3, 20).await;
    f.friends(2, 3, 30).await;
    f.follow(2, 1, 11).await;
    f.follow(4, 1, 12).await;
    f.follow(5, 1, 13).await;
    f.follow(1, 4, 14).await;

    let data = query_ok(
        &app,
        &format!(
            r#"{{ bellamyUser(id: "{}") {{
                friends {{ totalCount nodes {{ username friends {{ nodes {{ username }} }} }} }}
                followers {{ totalCount nodes {{ username }} }}
                following {{ totalCount nodes {{ username followers {{ nodes {{ username }} }} }} }}
                oldestFriend: friends(first: 1, orderBy: {{field: CREATED_AT}}) {{ nodes {{ username }} pageInfo {{ hasNextPage }} }}
            }} }}"#,
            s(1)
        ),
    )
    .await;
    assert_eq!(
        data["bellamyUser"],
        json!({
            "friends": {"totalCount": 2, "nodes": [
                {"username": "user003", "friends": {"nodes": [{"username": "user002"}, {"username": "user001"}]}},
                {"username": "user002", "friends": {"nodes": [{"username": "user003"}, {"username": "user001"}]}},
            ]},
            "followers": {"totalCount": 3, "nodes": [
                {"username": "user005"}, {"username": "user004"}, {"username": "user002"},
            ]},
            "following": {"totalCount": 1, "nodes": [
                {"username": "user004", "followers": {"nodes": [{"username": "user001"}]}},
            ]},
            "oldestFriend": {"nodes": [{"username": "user002"}], "pageInfo": {"hasNextPage": true}},
        })
    );
    // Users without any: empty connections.
    let data = query_ok(
        &app,
        &format!(
            r#"{{ bellamyUser(id: "{}") {{ friends {{ totalCount nodes {{ id }} }} following {{ nodes {{ id }} }} }} }}"#,
            s(3)
        ),
    )
    .await;
    assert_eq!(data["bellamyUser"]["friends"]["totalCount"], 2);
    assert_eq!(data["bellamyUser"]["following"]["nodes"], json!([]));
}

#[tokio::test]
async fn hashtags_media_and_stories_in_both_directions() {
    let app = TestApp::spawn().await;
    let f = Fixture { app: &app };
    for n in 1..=3 {
        f.user(n).await;
    }
    f.post(1, 1, Privacy::Public, 1).await;
    f.post(2, 2, Privacy::Public, 2).await;
    for (n, tag) in [(1, "rust"), (2, "hiking")] {
        hashtags::Model {
            id: id(4000 + n),
            tag: tag.into(),
            created_at: at(n as i64),
        }
        .into_active_model()
        .insert(f.db())
        .await
        .unwrap();
    }
    for (post, tag) in [(1, 1), (1, 2), (2, 1)] {
        post_hashtags::Model {
            post_id: id(1000 + post),
            hashtag_id: id(4000 + tag),
        }
        .into_active_model()
        .insert(f.db())
        .await
        .unwrap();
    }
    for (n, position, kind) in [(1, 1, MediaType::Video), (2, 0, MediaType::Image)] {
        media::Model {
            id: id(5000 + n),
            post_id: id(1001),
            url: format!("https://cdn.example/{n}"),
            r#type: kind,
            position,
            created_at: at(n as i64),
        }
        .into_active_model()
        .insert(f.db())
        .await
        .unwrap();
    }
    stories::Model {
        id: id(6001),
        user_id: id(1),
        media_url: "https://cdn.example/story".into(),
        r#type: StoryType::Video,
        created_at: at(10),
        expires_at: at(10 + 24 * 60),
    }
    .into_active_model()
    .insert(f.db())
    .await
    .unwrap();
    for (user, minute) in [(2, 11), (3, 12)] {
        story_viewers::Model {
            story_id: id(6001),
            user_id: id(user),
            viewed_at: at(minute),
        }
        .into_active_model()
        .insert(f.db())
        .await
        .unwrap();
    }

    // Signed in as the story's author: their story (expired by now) and who viewed it.
    let data = ok_as(
        &app,
        1,
        &format!(
            r#"{{
            bellamyPost(id: "{p1}") {{
                hashtags {{ totalCount nodes {{ tag posts {{ totalCount nodes {{ id }} }} }} }}
                media {{ nodes {{ id type position post {{ id }} }} }}
            }}
            bellamyHashtag(tag: "rust") {{ posts {{ nodes {{ id author {{ username }} }} }} }}
            bellamyUser(id: "{u1}") {{ stories {{ nodes {{ type expiresAt
                viewers {{ totalCount nodes {{ viewedAt user {{ username }} story {{ id }} }} }} }} }} }}
            viewer: bellamyUser(id: "{u3}") {{ storyViews {{ nodes {{ story {{ user {{ username }} }} }} }} }}
            links: bellamyPostHashtags(filter: {{hashtagId: {{eq: "{h1}"}}}}) {{ nodes {{ post {{ id }} hashtag {{ tag }} }} }}
            one: bellamyPostHashtag(postId: "{p1}", hashtagId: "{h2}") {{ hashtag {{ tag }} }}
            allMedia: bellamyAllMedia(filter: {{type: {{eq: VIDEO}}}}) {{ nodes {{ id }} }}
        }}"#,
            p1 = s(1001),
            u1 = s(1),
            u3 = s(3),
            h1 = s(4001),
            h2 = s(4002),
        ),
    )
    .await;
    assert_eq!(
        data["bellamyPost"],
        json!({
            "hashtags": {"totalCount": 2, "nodes": [
                {"tag": "rust", "posts": {"totalCount": 2, "nodes": [{"id": s(1001)}, {"id": s(1002)}]}},
                {"tag": "hiking", "posts": {"totalCount": 1, "nodes": [{"id": s(1001)}]}},
            ]},
            "media": {"nodes": [
                {"id": s(5002), "type": "IMAGE", "position": 0, "post": {"id": s(1001)}},
                {"id": s(5001), "type": "VIDEO", "position": 1, "post": {"id": s(1001)}},
            ]},
        })
    );
    assert_eq!(
        data["bellamyHashtag"]["posts"]["nodes"],
        json!([
            {"id": s(1001), "author": {"username": "user001"}},
            {"id": s(1002), "author": {"username": "user002"}},
        ])
    );
    assert_eq!(
        data["bellamyUser"]["stories"]["nodes"],
        json!([{"type": "VIDEO", "expiresAt": "2026-01-02T00:10:00+00:00", "viewers": {"totalCount": 2, "nodes": [
            {"viewedAt": "2026-01-01T00:12:00+00:00", "user": {"username": "user003"}, "story": {"id": s(6001)}},
            {"viewedAt": "2026-01-01T00:11:00+00:00", "user": {"username": "user002"}, "story": {"id": s(6001)}},
        ]}}])
    );
    assert_eq!(
        data["viewer"]["storyViews"]["nodes"],
        json!([{"story": {"user": {"username": "user001"}}}])
    );
    assert_eq!(
        data["links"]["nodes"],
        json!([
            {"post": {"id": s(1001)}, "hashtag": {"tag": "rust"}},
            {"post": {"id": s(1002)}, "hashtag": {"tag": "rust"}},
        ])
    );
    assert_eq!(data["one"], json!({"hashtag": {"tag": "hiking"}}));
    assert_eq!(ids(&data["allMedia"]), [s(5001)]);
}

#[tokio::test]
async fn conversations_messages_and_notifications() {
    let app = TestApp::spawn().await;
    let f = Fixture { app: &app };
    for n in 1..=3 {
        f.user(n).await;
    }
    for (n, members) in [(1, &[1, 2][..]), (2, &[2, 3, 1][..])] {
        conversations::Model {
            id: id(8000 + n),
            created_at: at(n as i64),
            updated_at: at(100),
        }
        .into_active_model()
        .insert(f.db())
        .await
        .unwrap();
        for (i, user) in members.iter().enumerate() {
            conversation_participants::Model {
                conversation_id: id(8000 + n),
                user_id: id(*user),
                joined_at: at(n as i64 * 10 + i as i64),
                last_read_at: (i == 0).then(|| at(50)),
            }
            .into_active_model()
            .insert(f.db())
            .await
            .unwrap();
        }
    }
    for (n, conversation, sender, minute, read) in [
        (1, 1, 1, 20, true),
        (2, 1, 2, 21, true),
        (3, 1, 1, 22, false),
        (4, 2, 3, 30, false),
    ] {
        messages::Model {
            id: id(9000 + n),
            conversation_id: id(8000 + conversation),
            sender_id: id(sender),
            content: format!("Message {n}"),
            r#type: MessageType::Text,
            read,
            created_at: at(minute),
        }
        .into_active_model()
        .insert(f.db())
        .await
        .unwrap();
    }
    for (n, user, read, minute) in [
        (1, 1, true, 1),
        (2, 1, false, 2),
        (3, 1, false, 3),
        (4, 2, true, 4),
        (5, 1, true, 5),
    ] {
        f.notification(n, user, read, minute).await;
    }

    // Signed in as user 1, who takes part in both conversations and reads their own
    // notifications (other users' lists and counts are theirs: empty and 0 here).
    let data = ok_as(
        &app,
        1,
        &format!(
            r#"{{
            bellamyConversation(id: "{c1}") {{
                messages {{ totalCount nodes {{ id content read sender {{ username }} conversation {{ id }} }} }}
                participants {{ nodes {{ joinedAt lastReadAt user {{ username }} }} }}
            }}
            bellamyUsers(orderBy: {{field: USERNAME}}) {{ nodes {{
                username unreadNotificationCount
                unread: notifications(unreadOnly: true) {{ nodes {{ id }} }}
                notifications {{ totalCount nodes {{ id read type data }} }}
                conversations {{ nodes {{ id participants {{ totalCount }} }} }}
                messages {{ nodes {{ id }} }}
            }} }}
            part: bellamyConversationParticipant(conversationId: "{c2}", userId: "{u3}") {{ joinedAt conversation {{ id }} }}
        }}"#,
            c1 = s(8001),
            c2 = s(8002),
            u3 = s(3),
        ),
    )
    .await;
    assert_eq!(
        data["bellamyConversation"],
        json!({
            "messages": {"totalCount": 3, "nodes": [
                {"id": s(9003), "content": "Message 3", "read": false, "sender": {"username": "user001"}, "conversation": {"id": s(8001)}},
                {"id": s(9002), "content": "Message 2", "read": true, "sender": {"username": "user002"}, "conversation": {"id": s(8001)}},
                {"id": s(9001), "content": "Message 1", "read": true, "sender": {"username": "user001"}, "conversation": {"id": s(8001)}},
            ]},
            "participants": {"nodes": [
                {"joinedAt": "2026-01-01T00:10:00+00:00", "lastReadAt": "2026-01-01T00:50:00+00:00", "user": {"username": "user001"}},
                {"joinedAt": "2026-01-01T00:11:00+00:00", "lastReadAt": null, "user": {"username": "user002"}},
            ]},
        })
    );
    let users = &data["bellamyUsers"]["nodes"];
    assert_eq!(users[0]["unreadNotificationCount"], 2);
    assert_eq!(ids(&users[0]["unread"]), [s(7003), s(7002)]);
    assert_eq!(
        users[0]["notifications"],
        json!({"totalCount": 4, "nodes": [
            {"id": s(7005), "read": true, "type": "post_reaction", "data": {"n": 5}},
            {"id": s(7003), "read": false, "type": "post_reaction", "data": {"n": 3}},
            {"id": s(7002), "read": false, "type": "post_reaction", "data": {"n": 2}},
            {"id": s(7001), "read": true, "type": "post_reaction", "data": {"n": 1}},
        ]})
    );
    // Most recently joined first.
    assert_eq!(
        users[0]["conversations"]["nodes"],
        json!([{"id": s(8002), "participants": {"totalCount": 3}}, {"id": s(8001), "participants": {"totalCount": 2}}])
    );
    assert_eq!(ids(&users[0]["messages"]), [s(9003), s(9001)]);
    assert_eq!(users[1]["unreadNotificationCount"], 0);
    assert_eq!(users[2]["unreadNotificationCount"], 0);
    assert_eq!(users[2]["unread"]["nodes"], json!([]));
    assert_eq!(
        data["part"],
        json!({"joinedAt": "2026-01-01T00:21:00+00:00", "conversation": {"id": s(8002)}})
    );
}

#[tokio::test]
async fn nested_pages_walk_to_the_end_and_sizes_are_bounded() {
    let app = TestApp::spawn().await;
    let f = Fixture { app: &app };
    f.user(1).await;
    for n in 1..=5 {
        f.post(n, 1, Privacy::Public, n as i64).await;
    }
    let mut after = String::new();
    let mut seen = Vec::new();
    loop {
        let args = if after.is_empty() {
            "first: 2".to_owned()
        } else {
            format!(r#"first: 2, after: "{after}""#)
        };
        let data = query_ok(
            &app,
            &format!(
                r#"{{ bellamyUser(id: "{}") {{ posts({args}) {{ totalCount nodes {{ id }}
                    pageInfo {{ hasNextPage hasPreviousPage endCursor }} }} }} }}"#,
                s(1)
            ),
        )
        .await;
        let page = &data["bellamyUser"]["posts"];
        assert_eq!(page["totalCount"], 5);
        assert_eq!(page["pageInfo"]["hasPreviousPage"], !after.is_empty());
        seen.push(ids(page));
        if page["pageInfo"]["hasNextPage"] == false {
            break;
        }
        after = page["pageInfo"]["endCursor"].as_str().unwrap().to_owned();
    }
    assert_eq!(
        seen,
        [
            vec![s(1005), s(1004)],
            vec![s(1003), s(1002)],
            vec![s(1001)]
        ]
    );

    for q in [
        format!(
            r#"{{ bellamyUser(id: "{}") {{ posts(first: 1000) {{ nodes {{ id }} }} }} }}"#,
            s(1)
        ),
        "{ bellamyPosts(first: 1000) { nodes { id } } }".to_owned(),
        format!(
            r#"{{ bellamyUser(id: "{}") {{ friends(first: 101) {{ nodes {{ id }} }} }} }}"#,
            s(1)
        ),
        r#"{ bellamyPosts(after: "not-a-cursor") { nodes { id } } }"#.to_owned(),
    ] {
        let res = app.graphql(&q, json!({})).await;
        assert_eq!(code(&res), "BAD_USER_INPUT", "{q}: {res}");
    }
}

#[tokio::test]
async fn users_posts_comments_cost_the_same_for_5_and_50_users() {
    let app = TestApp::spawn().await;
    let f = Fixture { app: &app };
    let query = "{ bellamyUsers(first: 100) { nodes { id posts(first: 5) { nodes { id \
                 comments(first: 5) { nodes { id } } } } } } }";
    let with_counts = "{ bellamyUsers(first: 100) { totalCount nodes { id posts(first: 5) { totalCount nodes { id \
                 comments(first: 5) { totalCount nodes { id } } } } } } }";
    let rich = "{ bellamyUsers(first: 100) { nodes { id unreadNotificationCount \
                 friends(first: 2) { nodes { username } } followers(first: 2) { nodes { username } } \
                 posts(first: 2) { nodes { id reactionCounts { type count } author { username } \
                 comments(first: 2) { nodes { id author { username } reactionCounts { count } \
                 replies(first: 2) { nodes { id } } } } } } } } }";
    let threads = "{ bellamyComments(first: 100, filter: {parentCommentId: {isNull: true}}) { nodes { \
                 thread { depth comment { author { username } } } } } }";
    let mut costs = Vec::new();
    for n in 1..=50u128 {
        f.user(n).await;
        if n > 1 {
            f.friends(n, n - 1, n as i64).await;
            f.follow(n, n - 1, n as i64).await;
        }
        f.notification(n, n, false, n as i64).await;
        for p in 0..2u128 {
            let post = n * 10 + p;
            f.post(post, n, Privacy::Public, (n * 10 + p) as i64).await;
            f.reaction(
                post,
                n,
                ReactionTargetType::Post,
                1000 + post,
                ReactionType::Love,
            )
            .await;
            let root = post * 10;
            f.comment(root, post, n, 0, 1).await;
            f.comment(root + 1, post, n, root, 2).await;
            f.comment(root + 2, post, n, root + 1, 3).await;
        }
        if n == 5 || n == 50 {
            costs.push((
                statements(&app, Domain::Bellamy, query).await,
                statements(&app, Domain::Bellamy, with_counts).await,
                statements(&app, Domain::Bellamy, rich).await,
                statements(&app, Domain::Bellamy, threads).await,
            ));
        }
    }
    let (small, large) = (costs[0], costs[1]);
    assert_eq!(
        (small.0, small.1, small.3),
        (large.0, large.1, large.3),
        "statements for 5 vs 50 users: {costs:?}"
    );
    assert_eq!(small.0, 3, "one statement per level");
    assert_eq!(small.1, 6, "plus one per level asking totalCount");
    assert_eq!(
        small.3, 3,
        "comments, their threads (one recursive statement), authors"
    );
    // The rich query has 13 batches (users; unread counts; friendships + their users;
    // follows + their users; posts; their reaction counts; their authors; comments;
    // their authors; their reaction counts; replies). The DataLoader may merge batches
    // of one key type that fall in the same window (all authors, all reaction counts),
    // so the count can be lower, but never grows with the number of users.
    assert!(
        small.2 <= 13 && large.2 <= 13,
        "statements for 5 vs 50 users: {costs:?}"
    );
}

#[tokio::test]
async fn password_hashes_are_not_fields() {
    let app = TestApp::spawn().await;
    let data = query_ok(
        &app,
        r#"{ t: __type(name: "BellamyUser") { fields { name } }
             f: __type(name: "BellamyUserFilter") { inputFields { name } } }"#,
    )
    .await;
    let names = |v: &Value, key: &str| -> Vec<String> {
        v[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["name"].as_str().unwrap().to_owned())
            .collect()
    };
    let fields = names(&data["t"], "fields");
    assert!(fields.contains(&"username".to_owned()), "{fields:?}");
    assert!(
        !fields.iter().any(|f| f.to_lowercase().contains("password")),
        "{fields:?}"
    );
    let inputs = names(&data["f"], "inputFields");
    assert!(
        !inputs.iter().any(|f| f.to_lowercase().contains("password")),
        "{inputs:?}"
    );
}

#[tokio::test]
async fn demo_seed_inserts_once() {
    let app = TestApp::spawn().await;
    let db = app.db.get(Domain::Bellamy);
    api::demo::bellamy::seed(db).await.unwrap();
    let counts = || async {
        (
            users::Entity::find().count(db).await.unwrap(),
            posts::Entity::find().count(db).await.unwrap(),
            comments::Entity::find().count(db).await.unwrap(),
            friendships::Entity::find().count(db).await.unwrap(),
            messages::Entity::find().count(db).await.unwrap(),
        )
    };
    let first = counts().await;
    assert_eq!(first, (10, 15, 18, 12, 12));
    api::demo::bellamy::seed(db).await.unwrap();
    assert_eq!(counts().await, first);

    // The shared identities resolve, and the data is linked (signed in as alice, who may
    // read her email and notifications).
    let alice = query_ok(&app, r#"{ bellamyUser(username: "alice") { id } }"#).await["bellamyUser"]
        ["id"]
        .as_str()
        .unwrap()
        .parse::<Uuid>()
        .unwrap()
        .as_u128();
    let data = ok_as(
        &app,
        alice,
        r#"{ bellamyUser(username: "alice") { email
              friends { totalCount } unreadNotificationCount
              posts(first: 1) { nodes { content hashtags { nodes { tag } } } } } }"#,
    )
    .await;
    assert_eq!(
        data["bellamyUser"],
        json!({"email": "alice@mosaic.test", "friends": {"totalCount": 3},
               "unreadNotificationCount": 2,
               "posts": {"nodes": [{"content": "Summit at sunrise. Worth the 4am alarm.",
                                     "hashtags": {"nodes": [{"tag": "hiking"}, {"tag": "photography"}]}}]}})
    );
}
