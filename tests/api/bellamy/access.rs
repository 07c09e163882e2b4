//! Bellamy's read access rules through HTTP, each from the owner or participant, from a
//! friend where it matters, from another signed-in user and anonymously: exact ids,
//! `totalCount`s and counts of lists (hidden rows are absent), `FORBIDDEN` with its path
//! for lookups, to-one relations and private fields (hidden objects read as null), and
//! filters that cannot reach hidden values. Lists stay batched for signed-in viewers.
//!
//! The cast: Ada (1) and Bob (2) are friends, Cat (3) and Dan (4) are friends; `None`
//! is anonymous. Ids follow `bellamy/mod.rs` (posts 1000+, comments 2000+, ...).

use chrono::{Duration, Utc};
use entity::Domain;
use entity::bellamy::enums::{
    FriendRequestStatus, MediaType, MessageType, Privacy, ReactionTargetType, ReactionType,
    StoryType,
};
use entity::bellamy::{
    conversation_participants, conversations, friend_requests, hashtags, media, messages,
    post_hashtags, stories, story_viewers,
};
use sea_orm::{ActiveModelTrait, IntoActiveModel};
use serde_json::{Value, json};

use super::{Fixture, at, gql_as, id, ids, ok_as, s};
use crate::helpers::{self, TestApp, bellamy_token, code, ok};

const ADA: u128 = 1;
const BOB: u128 = 2;
const CAT: u128 = 3;
const DAN: u128 = 4;

/// Every viewer of the cast, anonymous last.
const VIEWERS: [Option<u128>; 5] = [Some(ADA), Some(BOB), Some(CAT), Some(DAN), None];

/// The data of `query` for `viewer` (anonymous for `None`), asserting there are no
/// errors.
async fn data_as(app: &TestApp, viewer: Option<u128>, query: &str) -> Value {
    let res = gql_as(app, viewer, query).await;
    ok(&res);
    res["data"].clone()
}

/// Asserts `res` holds exactly one error, `FORBIDDEN` at `path`, with `message`, and
/// that the response has the field at `path`, null.
fn forbidden(res: &Value, path: &[Value], message: &str) {
    let errors = res["errors"].as_array().unwrap_or_else(|| panic!("{res}"));
    assert_eq!(errors.len(), 1, "{res}");
    assert_eq!(code(res), "FORBIDDEN", "{res}");
    assert_eq!(errors[0]["path"], json!(path), "{res}");
    assert_eq!(errors[0]["message"], message, "{res}");
    let mut v = &res["data"];
    for p in path {
        let next = match p {
            Value::String(k) => v.get(k.as_str()),
            Value::Number(i) => v.get(i.as_u64().unwrap() as usize),
            _ => unreachable!(),
        };
        v = next.unwrap_or_else(|| panic!("no {path:?} in {res}"));
    }
    assert_eq!(*v, Value::Null, "{res}");
}

/// `s(n)` of each of `ns`.
fn all(ns: &[u128]) -> Vec<String> {
    ns.iter().map(|n| s(*n)).collect()
}

/// The cast, friends both ways: Ada–Bob, Cat–Dan.
async fn cast(f: &Fixture<'_>) {
    for n in [ADA, BOB, CAT, DAN] {
        f.user(n).await;
    }
    f.friends(ADA, BOB, 1).await;
    f.friends(CAT, DAN, 2).await;
}

/// Posts of every privacy, comments (two of them replying across posts, which the
/// schema allows), reactions to posts and comments, media and hashtag links.
///
/// | post | author | privacy | comments                 | reactions        | media |
/// |------|--------|---------|--------------------------|------------------|-------|
/// | 1001 | Ada    | public  | 2001, 2007 (→ 2003)      | 3001, 3005 (2001)| 5001  |
/// | 1002 | Ada    | friends | 2002, 2004 (→ 2002)      | 3002, 3004 (2002)| 5002  |
/// | 1003 | Ada    | private | 2003, 2006 (→ 2001)      | 3003             | 5003  |
/// | 1004 | Cat    | friends | 2005                     |                  |       |
async fn posts_fixture(f: &Fixture<'_>) {
    f.post(1, ADA, Privacy::Public, 10).await;
    f.post(2, ADA, Privacy::Friends, 20).await;
    f.post(3, ADA, Privacy::Private, 30).await;
    f.post(4, CAT, Privacy::Friends, 40).await;
    for (n, post, author, parent, minute) in [
        (1, 1, BOB, 0, 41),
        (2, 2, BOB, 0, 42),
        (3, 3, ADA, 0, 43),
        (4, 2, ADA, 2, 44),
        (5, 4, CAT, 0, 45),
        (6, 3, ADA, 1, 46),
        (7, 1, BOB, 3, 47),
    ] {
        f.comment(n, post, author, parent, minute).await;
    }
    use ReactionTargetType::{Comment, Post};
    for (n, user, tt, target, kind) in [
        (1, BOB, Post, 1001, ReactionType::Like),
        (2, BOB, Post, 1002, ReactionType::Love),
        (3, ADA, Post, 1003, ReactionType::Wow),
        (4, ADA, Comment, 2002, ReactionType::Haha),
        (5, CAT, Comment, 2001, ReactionType::Sad),
    ] {
        f.reaction(n, user, tt, target, kind).await;
    }
    for n in 1..=3 {
        media::Model {
            id: id(5000 + n),
            post_id: id(1000 + n),
            url: format!("https://cdn.example/{n}"),
            r#type: MediaType::Image,
            position: 0,
            created_at: at(50 + n as i64),
        }
        .into_active_model()
        .insert(f.db())
        .await
        .unwrap();
    }
    hashtags::Model {
        id: id(4001),
        tag: "rust".into(),
        created_at: at(1),
    }
    .into_active_model()
    .insert(f.db())
    .await
    .unwrap();
    for post in 1..=3 {
        post_hashtags::Model {
            post_id: id(1000 + post),
            hashtag_id: id(4001),
        }
        .into_active_model()
        .insert(f.db())
        .await
        .unwrap();
    }
}

#[tokio::test]
async fn posts_follow_their_privacy() {
    let app = TestApp::spawn().await;
    let f = Fixture { app: &app };
    cast(&f).await;
    posts_fixture(&f).await;
    let q = format!(
        r#"{{ bellamyPosts {{ totalCount nodes {{ id }} }}
             bellamyUser(id: "{ada}") {{ posts {{ totalCount nodes {{ id }} }} }} }}"#,
        ada = s(ADA)
    );
    for (viewer, expected) in [
        (Some(ADA), vec![1001, 1002, 1003]),
        (Some(BOB), vec![1001, 1002]),
        (Some(CAT), vec![1001, 1004]),
        (Some(DAN), vec![1001, 1004]),
        (None, vec![1001]),
    ] {
        let data = data_as(&app, viewer, &q).await;
        assert_eq!(ids(&data["bellamyPosts"]), all(&expected), "{viewer:?}");
        assert_eq!(
            data["bellamyPosts"]["totalCount"],
            expected.len(),
            "{viewer:?}"
        );
        let of_ada: Vec<u128> = expected.iter().copied().filter(|p| *p < 1004).collect();
        // A user's posts: newest first.
        let newest_first: Vec<u128> = of_ada.iter().rev().copied().collect();
        assert_eq!(
            ids(&data["bellamyUser"]["posts"]),
            all(&newest_first),
            "{viewer:?}"
        );
        assert_eq!(
            data["bellamyUser"]["posts"]["totalCount"],
            of_ada.len(),
            "{viewer:?}"
        );
    }

    // Lookups: the post, null + FORBIDDEN saying why, or null when there is none.
    let lookup = |n: u128| format!(r#"{{ bellamyPost(id: "{}") {{ id privacy }} }}"#, s(n));
    let friends_only = "only the author and the author's friends may see this post";
    let author_only = "only the author may see this post";
    for (viewer, post, message) in [
        (Some(BOB), 1003, author_only),
        (Some(CAT), 1002, friends_only),
        (Some(CAT), 1003, author_only),
        (Some(ADA), 1004, friends_only),
        (Some(BOB), 1004, friends_only),
        (None, 1002, friends_only),
        (None, 1003, author_only),
    ] {
        let res = gql_as(&app, viewer, &lookup(post)).await;
        forbidden(&res, &[json!("bellamyPost")], message);
    }
    for (viewer, post, privacy) in [
        (Some(ADA), 1003, "PRIVATE"),
        (Some(BOB), 1002, "FRIENDS"),
        (Some(DAN), 1004, "FRIENDS"),
        (None, 1001, "PUBLIC"),
    ] {
        let data = data_as(&app, viewer, &lookup(post)).await;
        assert_eq!(
            data["bellamyPost"],
            json!({"id": s(post), "privacy": privacy})
        );
    }
    for viewer in VIEWERS {
        let data = data_as(&app, viewer, &lookup(1999)).await;
        assert_eq!(data["bellamyPost"], Value::Null);
    }

    // Filters and orders only narrow what the viewer may see: no privacy, author or
    // content condition reaches a hidden post.
    let data = data_as(
        &app,
        Some(BOB),
        &format!(
            r#"{{ private: bellamyPosts(filter: {{privacy: {{eq: PRIVATE}}}}) {{ totalCount nodes {{ id }} }}
                 byAda: bellamyPosts(filter: {{authorId: {{eq: "{ada}"}}}}, orderBy: {{field: CREATED_AT, direction: DESC}}) {{ totalCount nodes {{ id }} }}
                 text: bellamyPosts(filter: {{or: [{{content: {{contains: "3"}}}}, {{content: {{contains: "4"}}}}]}}) {{ totalCount nodes {{ id }} }}
                 notPublic: bellamyPosts(filter: {{not: {{privacy: {{eq: PUBLIC}}}}}}) {{ nodes {{ id }} }} }}"#,
            ada = s(ADA)
        ),
    )
    .await;
    assert_eq!(data["private"], json!({"totalCount": 0, "nodes": []}));
    assert_eq!(ids(&data["byAda"]), all(&[1002, 1001]));
    assert_eq!(data["byAda"]["totalCount"], 2);
    assert_eq!(data["text"], json!({"totalCount": 0, "nodes": []}));
    assert_eq!(ids(&data["notPublic"]), all(&[1002]));
}

#[tokio::test]
async fn comments_reactions_media_and_links_follow_their_post() {
    let app = TestApp::spawn().await;
    let f = Fixture { app: &app };
    cast(&f).await;
    posts_fixture(&f).await;
    let q = format!(
        r#"{{ bellamyComments {{ totalCount nodes {{ id }} }}
             bellamyReactions {{ totalCount nodes {{ id }} }}
             bellamyAllMedia {{ totalCount nodes {{ id }} }}
             bellamyPostHashtags {{ totalCount nodes {{ post {{ id }} }} }}
             bellamyHashtag(tag: "rust") {{ posts {{ totalCount nodes {{ id }} }} }}
             bob: bellamyUser(id: "{bob}") {{ comments {{ totalCount nodes {{ id }} }} reactions {{ totalCount nodes {{ id }} }} }}
             bellamyComment(id: "{c1}") {{ replies {{ totalCount nodes {{ id }} }} thread {{ comment {{ id }} }} }} }}"#,
        bob = s(BOB),
        c1 = s(2001),
    );
    struct Seen {
        comments: Vec<u128>,
        reactions: Vec<u128>,
        media: Vec<u128>,
        posts: Vec<u128>,
        bob_comments: Vec<u128>,
        bob_reactions: Vec<u128>,
        replies_of_2001: Vec<u128>,
    }
    for (viewer, e) in [
        (
            Some(ADA),
            Seen {
                comments: vec![2001, 2002, 2003, 2004, 2006, 2007],
                reactions: vec![3001, 3002, 3003, 3004, 3005],
                media: vec![5001, 5002, 5003],
                posts: vec![1001, 1002, 1003],
                bob_comments: vec![2007, 2002, 2001],
                bob_reactions: vec![3002, 3001],
                replies_of_2001: vec![2006],
            },
        ),
        (
            Some(BOB),
            Seen {
                comments: vec![2001, 2002, 2004, 2007],
                reactions: vec![3001, 3002, 3004, 3005],
                media: vec![5001, 5002],
                posts: vec![1001, 1002],
                bob_comments: vec![2007, 2002, 2001],
                bob_reactions: vec![3002, 3001],
                replies_of_2001: vec![],
            },
        ),
        (
            Some(CAT),
            Seen {
                comments: vec![2001, 2005, 2007],
                reactions: vec![3001, 3005],
                media: vec![5001],
                posts: vec![1001],
                bob_comments: vec![2007, 2001],
                bob_reactions: vec![3001],
                replies_of_2001: vec![],
            },
        ),
        (
            None,
            Seen {
                comments: vec![2001, 2007],
                reactions: vec![3001, 3005],
                media: vec![5001],
                posts: vec![1001],
                bob_comments: vec![2007, 2001],
                bob_reactions: vec![3001],
                replies_of_2001: vec![],
            },
        ),
    ] {
        let data = data_as(&app, viewer, &q).await;
        let check = |list: &Value, expected: &[u128], what: &str| {
            assert_eq!(ids(list), all(expected), "{what} for {viewer:?}");
            assert_eq!(list["totalCount"], expected.len(), "{what} for {viewer:?}");
        };
        check(&data["bellamyComments"], &e.comments, "comments");
        check(&data["bellamyReactions"], &e.reactions, "reactions");
        check(&data["bellamyAllMedia"], &e.media, "media");
        check(&data["bellamyHashtag"]["posts"], &e.posts, "hashtag posts");
        check(&data["bob"]["comments"], &e.bob_comments, "Bob's comments");
        check(
            &data["bob"]["reactions"],
            &e.bob_reactions,
            "Bob's reactions",
        );
        check(
            &data["bellamyComment"]["replies"],
            &e.replies_of_2001,
            "replies",
        );
        let links = &data["bellamyPostHashtags"];
        assert_eq!(links["totalCount"], e.posts.len(), "links for {viewer:?}");
        let linked: Vec<Value> = e
            .posts
            .iter()
            .map(|p| json!({"post": {"id": s(*p)}}))
            .collect();
        assert_eq!(links["nodes"], json!(linked), "links for {viewer:?}");
        let thread: Vec<Value> = e
            .replies_of_2001
            .iter()
            .map(|c| json!({"comment": {"id": s(*c)}}))
            .collect();
        assert_eq!(
            data["bellamyComment"]["thread"],
            json!(thread),
            "thread for {viewer:?}"
        );
    }

    // Under a visible post, its comments, reactions, media and counts are all there.
    let data = ok_as(
        &app,
        BOB,
        &format!(
            r#"{{ bellamyPost(id: "{}") {{ comments {{ totalCount nodes {{ id
                   replies {{ nodes {{ id }} }} thread {{ comment {{ id }} }} }} }}
                 reactions {{ totalCount nodes {{ id }} }} media {{ nodes {{ id }} }} hashtags {{ nodes {{ tag }} }}
                 reactionCounts {{ type count }} }} }}"#,
            s(1002)
        ),
    )
    .await;
    let post = &data["bellamyPost"];
    assert_eq!(post["comments"]["totalCount"], 1);
    assert_eq!(
        post["comments"]["nodes"],
        json!([{"id": s(2002), "replies": {"nodes": [{"id": s(2004)}]},
                "thread": [{"comment": {"id": s(2004)}}]}])
    );
    assert_eq!(ids(&post["reactions"]), all(&[3002]));
    assert_eq!(ids(&post["media"]), all(&[5002]));
    assert_eq!(post["hashtags"]["nodes"], json!([{"tag": "rust"}]));
    assert_eq!(
        post["reactionCounts"][1],
        json!({"type": "LOVE", "count": 1})
    );

    // Lookups of rows hanging off a hidden post.
    for (viewer, field, args, message) in [
        (
            Some(BOB),
            "bellamyComment",
            format!(r#"id: "{}""#, s(2003)),
            "this comment is on a post you may not see",
        ),
        (
            None,
            "bellamyComment",
            format!(r#"id: "{}""#, s(2002)),
            "this comment is on a post you may not see",
        ),
        (
            Some(CAT),
            "bellamyReaction",
            format!(r#"id: "{}""#, s(3002)),
            "this reaction is to a post or comment you may not see",
        ),
        (
            Some(BOB),
            "bellamyReaction",
            format!(
                r#"userId: "{}", targetId: "{}", targetType: POST"#,
                s(ADA),
                s(1003)
            ),
            "this reaction is to a post or comment you may not see",
        ),
        (
            Some(CAT),
            "bellamyReaction",
            format!(
                r#"userId: "{}", targetId: "{}", targetType: COMMENT"#,
                s(ADA),
                s(2002)
            ),
            "this reaction is to a post or comment you may not see",
        ),
        (
            Some(BOB),
            "bellamyMedia",
            format!(r#"id: "{}""#, s(5003)),
            "this media item belongs to a post you may not see",
        ),
        (
            None,
            "bellamyPostHashtag",
            format!(r#"postId: "{}", hashtagId: "{}""#, s(1002), s(4001)),
            "this hashtag link belongs to a post you may not see",
        ),
    ] {
        let key = if field == "bellamyPostHashtag" {
            "postId"
        } else {
            "id"
        };
        let res = gql_as(&app, viewer, &format!("{{ {field}({args}) {{ {key} }} }}")).await;
        forbidden(&res, &[json!(field)], message);
    }
    // The same lookups for a viewer who may see them.
    let data = ok_as(
        &app,
        ADA,
        &format!(
            r#"{{ bellamyComment(id: "{c3}") {{ id }} bellamyReaction(id: "{r2}") {{ id }}
                 bellamyMedia(id: "{m3}") {{ id }}
                 bellamyPostHashtag(postId: "{p3}", hashtagId: "{h}") {{ postId }} }}"#,
            c3 = s(2003),
            r2 = s(3002),
            m3 = s(5003),
            p3 = s(1003),
            h = s(4001),
        ),
    )
    .await;
    assert_eq!(
        data,
        json!({"bellamyComment": {"id": s(2003)}, "bellamyReaction": {"id": s(3002)},
               "bellamyMedia": {"id": s(5003)}, "bellamyPostHashtag": {"postId": s(1003)}})
    );

    // To-one relations into a hidden post or comment: null + FORBIDDEN at their path.
    let parent = format!(
        r#"{{ bellamyComment(id: "{}") {{ id parent {{ id }} }} }}"#,
        s(2007)
    );
    let data = ok_as(&app, ADA, &parent).await;
    assert_eq!(data["bellamyComment"]["parent"], json!({"id": s(2003)}));
    for viewer in [Some(BOB), Some(CAT), None] {
        let res = gql_as(&app, viewer, &parent).await;
        forbidden(
            &res,
            &[json!("bellamyComment"), json!("parent")],
            "this comment is on a post you may not see",
        );
        assert_eq!(res["data"]["bellamyComment"]["id"], s(2007));
    }
    // A visible comment's post and reactions' targets are visible: no error.
    let data = data_as(
        &app,
        None,
        r#"{ bellamyReactions { nodes { id post { id } comment { id post { privacy } } } } }"#,
    )
    .await;
    assert_eq!(
        data["bellamyReactions"]["nodes"],
        json!([
            {"id": s(3001), "post": {"id": s(1001)}, "comment": null},
            {"id": s(3005), "post": null, "comment": {"id": s(2001), "post": {"privacy": "PUBLIC"}}},
        ])
    );
}

/// Stories: Ada's 6001 (live) and 6002 (expired), Cat's 6003 (live). Views: Bob and
/// Cat saw 6001, Bob saw 6003.
async fn stories_fixture(f: &Fixture<'_>) {
    let tomorrow = Utc::now() + Duration::days(1);
    for (n, user, expires_at) in [(1, ADA, tomorrow), (2, ADA, at(60)), (3, CAT, tomorrow)] {
        stories::Model {
            id: id(6000 + n),
            user_id: id(user),
            media_url: format!("https://cdn.example/story/{n}"),
            r#type: StoryType::Image,
            created_at: at(n as i64),
            expires_at,
        }
        .into_active_model()
        .insert(f.db())
        .await
        .unwrap();
    }
    for (story, user, minute) in [(1, BOB, 10), (1, CAT, 11), (3, BOB, 12)] {
        story_viewers::Model {
            story_id: id(6000 + story),
            user_id: id(user),
            viewed_at: at(minute),
        }
        .into_active_model()
        .insert(f.db())
        .await
        .unwrap();
    }
}

/// `(storyId, userId)` of each story view of a connection, as `(story, user)` numbers.
fn views(list: &Value) -> Vec<(String, String)> {
    list["nodes"]
        .as_array()
        .unwrap_or_else(|| panic!("not a connection: {list}"))
        .iter()
        .map(|v| {
            (
                v["storyId"].as_str().unwrap().to_owned(),
                v["userId"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn stories_show_to_their_author_and_live_ones_to_friends() {
    let app = TestApp::spawn().await;
    let f = Fixture { app: &app };
    cast(&f).await;
    stories_fixture(&f).await;
    let q = format!(
        r#"{{ bellamyStories(orderBy: {{field: CREATED_AT}}) {{ totalCount nodes {{ id }} }}
             bellamyUser(id: "{ada}") {{ stories {{ totalCount nodes {{ id }} }} }} }}"#,
        ada = s(ADA)
    );
    for (viewer, expected, of_ada) in [
        (Some(ADA), vec![6001, 6002], vec![6002, 6001]),
        (Some(BOB), vec![6001], vec![6001]),
        (Some(CAT), vec![6003], vec![]),
        (Some(DAN), vec![6003], vec![]),
        (None, vec![], vec![]),
    ] {
        let data = data_as(&app, viewer, &q).await;
        assert_eq!(ids(&data["bellamyStories"]), all(&expected), "{viewer:?}");
        assert_eq!(
            data["bellamyStories"]["totalCount"],
            expected.len(),
            "{viewer:?}"
        );
        assert_eq!(
            ids(&data["bellamyUser"]["stories"]),
            all(&of_ada),
            "{viewer:?}"
        );
        assert_eq!(
            data["bellamyUser"]["stories"]["totalCount"],
            of_ada.len(),
            "{viewer:?}"
        );
    }

    let lookup = |n: u128| format!(r#"{{ bellamyStory(id: "{}") {{ id }} }}"#, s(n));
    let not_shared = "only the author and, until it expires, the author's friends may see a story";
    let expired = "this story has expired: only its author may still see it";
    for (viewer, story, message) in [
        (Some(BOB), 6002, expired),
        (Some(BOB), 6003, not_shared),
        (Some(CAT), 6001, not_shared),
        (None, 6001, not_shared),
        (None, 6002, expired),
    ] {
        let res = gql_as(&app, viewer, &lookup(story)).await;
        forbidden(&res, &[json!("bellamyStory")], message);
    }
    for (viewer, story) in [(ADA, 6002), (BOB, 6001), (DAN, 6003)] {
        let data = ok_as(&app, viewer, &lookup(story)).await;
        assert_eq!(data["bellamyStory"], json!({"id": s(story)}));
    }
}

#[tokio::test]
async fn story_views_show_to_the_story_author_and_the_viewer() {
    let app = TestApp::spawn().await;
    let f = Fixture { app: &app };
    cast(&f).await;
    stories_fixture(&f).await;
    let pair = |story: u128, user: u128| (s(story), s(user));
    let q = format!(
        r#"{{ bellamyStoryViews(orderBy: {{field: VIEWED_AT}}) {{ totalCount nodes {{ storyId userId }} }}
             bellamyUser(id: "{bob}") {{ storyViews(orderBy: {{field: VIEWED_AT}}) {{ totalCount nodes {{ storyId userId }} }} }} }}"#,
        bob = s(BOB)
    );
    for (viewer, expected, of_bob) in [
        (
            Some(ADA),
            vec![pair(6001, BOB), pair(6001, CAT)],
            vec![pair(6001, BOB)],
        ),
        (
            Some(BOB),
            vec![pair(6001, BOB), pair(6003, BOB)],
            vec![pair(6001, BOB), pair(6003, BOB)],
        ),
        (
            Some(CAT),
            vec![pair(6001, CAT), pair(6003, BOB)],
            vec![pair(6003, BOB)],
        ),
        (Some(DAN), vec![], vec![]),
        (None, vec![], vec![]),
    ] {
        let data = data_as(&app, viewer, &q).await;
        assert_eq!(views(&data["bellamyStoryViews"]), expected, "{viewer:?}");
        assert_eq!(
            data["bellamyStoryViews"]["totalCount"],
            expected.len(),
            "{viewer:?}"
        );
        let bob = &data["bellamyUser"]["storyViews"];
        assert_eq!(views(bob), of_bob, "{viewer:?}");
        assert_eq!(bob["totalCount"], of_bob.len(), "{viewer:?}");
    }

    // A story's viewers: all of them for its author, one's own view for a friend.
    let q = format!(
        r#"{{ bellamyStory(id: "{}") {{ viewers {{ totalCount nodes {{ userId }} }} }} }}"#,
        s(6001)
    );
    let data = ok_as(&app, ADA, &q).await;
    assert_eq!(
        data["bellamyStory"]["viewers"],
        json!({"totalCount": 2, "nodes": [{"userId": s(CAT)}, {"userId": s(BOB)}]})
    );
    let data = ok_as(&app, BOB, &q).await;
    assert_eq!(
        data["bellamyStory"]["viewers"],
        json!({"totalCount": 1, "nodes": [{"userId": s(BOB)}]})
    );

    // Lookups.
    let lookup = |story: u128, user: u128| {
        format!(
            r#"{{ bellamyStoryView(storyId: "{}", userId: "{}") {{ viewedAt }} }}"#,
            s(story),
            s(user)
        )
    };
    let message = "only a story's author (and the user who viewed it) may see a story view";
    for (viewer, story, user) in [
        (Some(BOB), 6001, CAT),
        (Some(DAN), 6003, BOB),
        (None, 6001, BOB),
    ] {
        let res = gql_as(&app, viewer, &lookup(story, user)).await;
        forbidden(&res, &[json!("bellamyStoryView")], message);
    }
    for (viewer, story, user) in [(ADA, 6001, CAT), (CAT, 6001, CAT), (CAT, 6003, BOB)] {
        let data = ok_as(&app, viewer, &lookup(story, user)).await;
        assert!(data["bellamyStoryView"]["viewedAt"].is_string(), "{data}");
    }

    // A visible view of a story the viewer may not see: its `story` is FORBIDDEN.
    let res = gql_as(
        &app,
        Some(BOB),
        &format!(
            r#"{{ bellamyUser(id: "{}") {{ storyViews(orderBy: {{field: VIEWED_AT}}) {{ nodes {{ storyId story {{ id }} }} }} }} }}"#,
            s(BOB)
        ),
    )
    .await;
    forbidden(
        &res,
        &[
            json!("bellamyUser"),
            json!("storyViews"),
            json!("nodes"),
            json!(1),
            json!("story"),
        ],
        "only the author and, until it expires, the author's friends may see a story",
    );
    assert_eq!(
        res["data"]["bellamyUser"]["storyViews"]["nodes"][0],
        json!({"storyId": s(6001), "story": {"id": s(6001)}})
    );
}

#[tokio::test]
async fn notifications_are_their_recipients_only() {
    let app = TestApp::spawn().await;
    let f = Fixture { app: &app };
    cast(&f).await;
    for (n, user, read, minute) in [
        (1, ADA, false, 1),
        (2, ADA, true, 2),
        (3, ADA, false, 3),
        (4, BOB, false, 4),
    ] {
        f.notification(n, user, read, minute).await;
    }
    let q = format!(
        r#"{{ bellamyNotifications {{ totalCount nodes {{ id }} }}
             unread: bellamyNotifications(filter: {{read: {{eq: false}}}}) {{ totalCount }}
             ofAda: bellamyNotifications(filter: {{userId: {{eq: "{ada}"}}}}) {{ totalCount nodes {{ id }} }}
             bellamyUsers(orderBy: {{field: USERNAME}}) {{ nodes {{ unreadNotificationCount
                 notifications {{ totalCount nodes {{ id }} }} unreadOnly: notifications(unreadOnly: true) {{ totalCount }} }} }} }}"#,
        ada = s(ADA)
    );
    for (viewer, mine, of_ada, counts) in [
        (
            Some(ADA),
            vec![7001, 7002, 7003],
            vec![7001, 7002, 7003],
            [2, 0, 0, 0],
        ),
        (Some(BOB), vec![7004], vec![], [0, 1, 0, 0]),
        (Some(CAT), vec![], vec![], [0, 0, 0, 0]),
        (None, vec![], vec![], [0, 0, 0, 0]),
    ] {
        let data = data_as(&app, viewer, &q).await;
        assert_eq!(ids(&data["bellamyNotifications"]), all(&mine), "{viewer:?}");
        assert_eq!(
            data["bellamyNotifications"]["totalCount"],
            mine.len(),
            "{viewer:?}"
        );
        assert_eq!(
            data["unread"]["totalCount"],
            counts.iter().sum::<i64>(),
            "{viewer:?}"
        );
        // A filter on the recipient cannot reach anyone else's.
        assert_eq!(ids(&data["ofAda"]), all(&of_ada), "{viewer:?}");
        assert_eq!(data["ofAda"]["totalCount"], of_ada.len(), "{viewer:?}");
        let users = data["bellamyUsers"]["nodes"].as_array().unwrap();
        for (i, user) in users.iter().enumerate() {
            let own = viewer == Some(i as u128 + 1);
            let theirs: Vec<u128> = if own { mine.clone() } else { vec![] };
            let newest_first: Vec<u128> = theirs.iter().rev().copied().collect();
            assert_eq!(
                ids(&user["notifications"]),
                all(&newest_first),
                "{viewer:?} {i}"
            );
            assert_eq!(
                user["notifications"]["totalCount"],
                theirs.len(),
                "{viewer:?} {i}"
            );
            assert_eq!(user["unreadNotificationCount"], counts[i], "{viewer:?} {i}");
            assert_eq!(
                user["unreadOnly"]["totalCount"], counts[i],
                "{viewer:?} {i}"
            );
        }
    }

    let lookup = format!(r#"{{ bellamyNotification(id: "{}") {{ id }} }}"#, s(7004));
    let data = ok_as(&app, BOB, &lookup).await;
    assert_eq!(data["bellamyNotification"], json!({"id": s(7004)}));
    for viewer in [Some(ADA), Some(CAT), None] {
        let res = gql_as(&app, viewer, &lookup).await;
        forbidden(
            &res,
            &[json!("bellamyNotification")],
            "only its recipient may see a notification",
        );
    }
}

/// Conversation 8001 between Ada and Bob (messages 9001 by Ada, 9002 by Bob), 8002
/// between Bob and Cat (9003 by Cat).
async fn conversations_fixture(f: &Fixture<'_>) {
    for (n, members) in [(1, [ADA, BOB]), (2, [BOB, CAT])] {
        conversations::Model {
            id: id(8000 + n),
            created_at: at(n as i64),
            updated_at: at(n as i64),
        }
        .into_active_model()
        .insert(f.db())
        .await
        .unwrap();
        for (i, user) in members.into_iter().enumerate() {
            conversation_participants::Model {
                conversation_id: id(8000 + n),
                user_id: id(user),
                joined_at: at(10 * n as i64 + i as i64),
                last_read_at: None,
            }
            .into_active_model()
            .insert(f.db())
            .await
            .unwrap();
        }
    }
    for (n, conversation, sender) in [(1, 1, ADA), (2, 1, BOB), (3, 2, CAT)] {
        messages::Model {
            id: id(9000 + n),
            conversation_id: id(8000 + conversation),
            sender_id: id(sender),
            content: format!("Message {n}"),
            r#type: MessageType::Text,
            read: false,
            created_at: at(30 + n as i64),
        }
        .into_active_model()
        .insert(f.db())
        .await
        .unwrap();
    }
}

#[tokio::test]
async fn conversations_are_their_participants_only() {
    let app = TestApp::spawn().await;
    let f = Fixture { app: &app };
    cast(&f).await;
    conversations_fixture(&f).await;
    let q = format!(
        r#"{{ bellamyConversations {{ totalCount nodes {{ id }} }}
             bellamyConversationParticipants {{ totalCount nodes {{ conversationId userId }} }}
             bellamyMessages(orderBy: {{field: CREATED_AT}}) {{ totalCount nodes {{ id }} }}
             inOther: bellamyMessages(filter: {{conversationId: {{eq: "{c2}"}}}}) {{ totalCount }}
             bob: bellamyUser(id: "{bob}") {{ conversations {{ totalCount nodes {{ id }} }} messages {{ totalCount nodes {{ id }} }} }}
             cat: bellamyUser(id: "{cat}") {{ messages {{ totalCount nodes {{ id }} }} }} }}"#,
        c2 = s(8002),
        bob = s(BOB),
        cat = s(CAT),
    );
    let part = |c: u128, u: u128| json!({"conversationId": s(c), "userId": s(u)});
    for (viewer, convs, parts, msgs, bob_convs, bob_msgs, cat_msgs) in [
        (
            Some(ADA),
            vec![8001],
            vec![part(8001, ADA), part(8001, BOB)],
            vec![9001, 9002],
            vec![8001],
            vec![9002],
            vec![],
        ),
        (
            Some(BOB),
            vec![8001, 8002],
            vec![
                part(8001, ADA),
                part(8001, BOB),
                part(8002, BOB),
                part(8002, CAT),
            ],
            vec![9001, 9002, 9003],
            vec![8002, 8001],
            vec![9002],
            vec![9003],
        ),
        (
            Some(CAT),
            vec![8002],
            vec![part(8002, BOB), part(8002, CAT)],
            vec![9003],
            vec![8002],
            vec![],
            vec![9003],
        ),
        (Some(DAN), vec![], vec![], vec![], vec![], vec![], vec![]),
        (None, vec![], vec![], vec![], vec![], vec![], vec![]),
    ] {
        let data = data_as(&app, viewer, &q).await;
        assert_eq!(
            ids(&data["bellamyConversations"]),
            all(&convs),
            "{viewer:?}"
        );
        assert_eq!(
            data["bellamyConversations"]["totalCount"],
            convs.len(),
            "{viewer:?}"
        );
        let participants = &data["bellamyConversationParticipants"];
        assert_eq!(participants["nodes"], json!(parts), "{viewer:?}");
        assert_eq!(participants["totalCount"], parts.len(), "{viewer:?}");
        assert_eq!(ids(&data["bellamyMessages"]), all(&msgs), "{viewer:?}");
        assert_eq!(
            data["bellamyMessages"]["totalCount"],
            msgs.len(),
            "{viewer:?}"
        );
        let in_other = usize::from(convs.contains(&8002));
        assert_eq!(data["inOther"]["totalCount"], in_other, "{viewer:?}");
        let bob = &data["bob"];
        assert_eq!(ids(&bob["conversations"]), all(&bob_convs), "{viewer:?}");
        assert_eq!(
            bob["conversations"]["totalCount"],
            bob_convs.len(),
            "{viewer:?}"
        );
        assert_eq!(ids(&bob["messages"]), all(&bob_msgs), "{viewer:?}");
        assert_eq!(bob["messages"]["totalCount"], bob_msgs.len(), "{viewer:?}");
        assert_eq!(ids(&data["cat"]["messages"]), all(&cat_msgs), "{viewer:?}");
    }

    // Inside a visible conversation, all of it; lookups of another one are FORBIDDEN.
    let data = ok_as(
        &app,
        ADA,
        &format!(
            r#"{{ bellamyConversation(id: "{}") {{ participants {{ totalCount }} messages {{ totalCount
                   nodes {{ id conversation {{ id }} sender {{ username }} }} }} }} }}"#,
            s(8001)
        ),
    )
    .await;
    assert_eq!(
        data["bellamyConversation"],
        json!({"participants": {"totalCount": 2}, "messages": {"totalCount": 2, "nodes": [
            {"id": s(9002), "conversation": {"id": s(8001)}, "sender": {"username": "user002"}},
            {"id": s(9001), "conversation": {"id": s(8001)}, "sender": {"username": "user001"}},
        ]}})
    );
    let message = "only the conversation's participants may see it";
    for (viewer, q, field) in [
        (
            Some(ADA),
            format!(r#"{{ bellamyConversation(id: "{}") {{ id }} }}"#, s(8002)),
            "bellamyConversation",
        ),
        (
            Some(DAN),
            format!(r#"{{ bellamyConversation(id: "{}") {{ id }} }}"#, s(8001)),
            "bellamyConversation",
        ),
        (
            Some(ADA),
            format!(r#"{{ bellamyMessage(id: "{}") {{ id }} }}"#, s(9003)),
            "bellamyMessage",
        ),
        (
            None,
            format!(r#"{{ bellamyMessage(id: "{}") {{ id }} }}"#, s(9001)),
            "bellamyMessage",
        ),
        (
            Some(ADA),
            format!(
                r#"{{ bellamyConversationParticipant(conversationId: "{}", userId: "{}") {{ userId }} }}"#,
                s(8002),
                s(BOB)
            ),
            "bellamyConversationParticipant",
        ),
        (
            Some(CAT),
            format!(
                r#"{{ bellamyConversationParticipant(conversationId: "{}", userId: "{}") {{ userId }} }}"#,
                s(8001),
                s(ADA)
            ),
            "bellamyConversationParticipant",
        ),
    ] {
        let res = gql_as(&app, viewer, &q).await;
        forbidden(&res, &[json!(field)], message);
    }
    let data = ok_as(
        &app,
        CAT,
        &format!(
            r#"{{ bellamyMessage(id: "{m}") {{ id }}
                 bellamyConversationParticipant(conversationId: "{c}", userId: "{bob}") {{ conversation {{ id }} }}
                 missing: bellamyConversation(id: "{none}") {{ id }} }}"#,
            m = s(9003),
            c = s(8002),
            bob = s(BOB),
            none = s(8999),
        ),
    )
    .await;
    assert_eq!(
        data,
        json!({"bellamyMessage": {"id": s(9003)},
               "bellamyConversationParticipant": {"conversation": {"id": s(8002)}},
               "missing": null})
    );
}

/// Friend requests 10001 from Cat to Ada (pending), 10002 from Ada to Bob (accepted).
async fn requests_fixture(f: &Fixture<'_>) {
    for (n, sender, receiver, status) in [
        (1, CAT, ADA, FriendRequestStatus::Pending),
        (2, ADA, BOB, FriendRequestStatus::Accepted),
    ] {
        friend_requests::Model {
            id: id(10_000 + n),
            sender_id: id(sender),
            receiver_id: id(receiver),
            status,
            created_at: at(n as i64),
            updated_at: at(n as i64),
            responded_at: None,
        }
        .into_active_model()
        .insert(f.db())
        .await
        .unwrap();
    }
}

#[tokio::test]
async fn friend_requests_are_their_sender_and_receiver_only() {
    let app = TestApp::spawn().await;
    let f = Fixture { app: &app };
    cast(&f).await;
    requests_fixture(&f).await;
    let q = format!(
        r#"{{ bellamyFriendRequests(orderBy: {{field: CREATED_AT}}) {{ totalCount nodes {{ id }} }}
             pending: bellamyFriendRequests(filter: {{status: {{eq: PENDING}}}}) {{ totalCount }}
             ada: bellamyUser(id: "{ada}") {{ sentFriendRequests {{ totalCount nodes {{ id }} }}
                 receivedFriendRequests {{ totalCount nodes {{ id }} }} }} }}"#,
        ada = s(ADA)
    );
    for (viewer, mine, sent, received) in [
        (Some(ADA), vec![10_001, 10_002], vec![10_002], vec![10_001]),
        (Some(BOB), vec![10_002], vec![10_002], vec![]),
        (Some(CAT), vec![10_001], vec![], vec![10_001]),
        (Some(DAN), vec![], vec![], vec![]),
        (None, vec![], vec![], vec![]),
    ] {
        let data = data_as(&app, viewer, &q).await;
        assert_eq!(
            ids(&data["bellamyFriendRequests"]),
            all(&mine),
            "{viewer:?}"
        );
        assert_eq!(
            data["bellamyFriendRequests"]["totalCount"],
            mine.len(),
            "{viewer:?}"
        );
        assert_eq!(
            data["pending"]["totalCount"],
            usize::from(mine.contains(&10_001)),
            "{viewer:?}"
        );
        let ada = &data["ada"];
        assert_eq!(ids(&ada["sentFriendRequests"]), all(&sent), "{viewer:?}");
        assert_eq!(ada["sentFriendRequests"]["totalCount"], sent.len());
        assert_eq!(
            ids(&ada["receivedFriendRequests"]),
            all(&received),
            "{viewer:?}"
        );
        assert_eq!(ada["receivedFriendRequests"]["totalCount"], received.len());
    }
    let by_key = format!(
        r#"{{ bellamyFriendRequest(senderId: "{}", receiverId: "{}") {{ id status }} }}"#,
        s(CAT),
        s(ADA)
    );
    let by_id = format!(
        r#"{{ bellamyFriendRequest(id: "{}") {{ id status }} }}"#,
        s(10_001)
    );
    for viewer in [Some(BOB), Some(DAN), None] {
        for q in [&by_key, &by_id] {
            let res = gql_as(&app, viewer, q).await;
            forbidden(
                &res,
                &[json!("bellamyFriendRequest")],
                "only its sender and receiver may see a friend request",
            );
        }
    }
    for viewer in [ADA, CAT] {
        for q in [&by_key, &by_id] {
            let data = ok_as(&app, viewer, q).await;
            assert_eq!(
                data["bellamyFriendRequest"],
                json!({"id": s(10_001), "status": "PENDING"})
            );
        }
    }
}

#[tokio::test]
async fn lookups_by_key_do_not_tell_whether_hidden_rows_exist() {
    let app = TestApp::spawn().await;
    let f = Fixture { app: &app };
    cast(&f).await;
    posts_fixture(&f).await;
    stories_fixture(&f).await;
    conversations_fixture(&f).await;
    requests_fixture(&f).await;
    let reaction = |user: u128, target: u128, tt: &str| {
        format!(
            r#"{{ bellamyReaction(userId: "{}", targetId: "{}", targetType: {tt}) {{ id }} }}"#,
            s(user),
            s(target)
        )
    };
    let request = |sender: u128, receiver: u128| {
        format!(
            r#"{{ bellamyFriendRequest(senderId: "{}", receiverId: "{}") {{ id }} }}"#,
            s(sender),
            s(receiver)
        )
    };
    let view = |story: u128, user: u128| {
        format!(
            r#"{{ bellamyStoryView(storyId: "{}", userId: "{}") {{ viewedAt }} }}"#,
            s(story),
            s(user)
        )
    };
    let member = |conversation: u128, user: u128| {
        format!(
            r#"{{ bellamyConversationParticipant(conversationId: "{}", userId: "{}") {{ userId }} }}"#,
            s(conversation),
            s(user)
        )
    };
    let link = |post: u128, tag: u128| {
        format!(
            r#"{{ bellamyPostHashtag(postId: "{}", hashtagId: "{}") {{ postId }} }}"#,
            s(post),
            s(tag)
        )
    };
    let reacted = "this reaction is to a post or comment you may not see";
    let requested = "only its sender and receiver may see a friend request";
    let viewed = "only a story's author (and the user who viewed it) may see a story view";
    let joined = "only the conversation's participants may see it";
    let tagged = "this hashtag link belongs to a post you may not see";
    // Each pair: a key whose row exists, and one whose row does not; same answer.
    for (viewer, queries, message, field) in [
        (
            Some(BOB),
            [reaction(ADA, 1003, "POST"), reaction(CAT, 1003, "POST")],
            reacted,
            "bellamyReaction",
        ),
        (
            Some(CAT),
            [
                reaction(ADA, 2002, "COMMENT"),
                reaction(BOB, 2002, "COMMENT"),
            ],
            reacted,
            "bellamyReaction",
        ),
        (
            Some(DAN),
            [request(CAT, ADA), request(CAT, BOB)],
            requested,
            "bellamyFriendRequest",
        ),
        (
            None,
            [request(ADA, BOB), request(BOB, ADA)],
            requested,
            "bellamyFriendRequest",
        ),
        (
            Some(DAN),
            [view(6003, BOB), view(6003, ADA)],
            viewed,
            "bellamyStoryView",
        ),
        (
            Some(CAT),
            [view(6001, BOB), view(6002, BOB)],
            viewed,
            "bellamyStoryView",
        ),
        (
            Some(DAN),
            [member(8001, ADA), member(8001, CAT)],
            joined,
            "bellamyConversationParticipant",
        ),
        (
            Some(ADA),
            [member(8002, CAT), member(8002, ADA)],
            joined,
            "bellamyConversationParticipant",
        ),
        (
            Some(BOB),
            [link(1003, 4001), link(1003, 4999)],
            tagged,
            "bellamyPostHashtag",
        ),
        (
            None,
            [link(1002, 4001), link(1002, 4999)],
            tagged,
            "bellamyPostHashtag",
        ),
    ] {
        for q in queries {
            let res = gql_as(&app, viewer, &q).await;
            forbidden(&res, &[json!(field)], message);
        }
    }
    // Within the viewer's scope, a missing row is simply null; so is a key whose parent
    // does not exist.
    for (viewer, q, field) in [
        (ADA, reaction(CAT, 1003, "POST"), "bellamyReaction"),
        (BOB, reaction(CAT, 2002, "COMMENT"), "bellamyReaction"),
        (BOB, reaction(ADA, 1999, "POST"), "bellamyReaction"),
        (CAT, request(CAT, BOB), "bellamyFriendRequest"),
        (BOB, request(CAT, BOB), "bellamyFriendRequest"),
        (CAT, view(6003, ADA), "bellamyStoryView"),
        (BOB, view(6002, BOB), "bellamyStoryView"),
        (BOB, view(6999, CAT), "bellamyStoryView"),
        (BOB, member(8002, ADA), "bellamyConversationParticipant"),
        (DAN, member(8999, DAN), "bellamyConversationParticipant"),
        (ADA, link(1003, 4999), "bellamyPostHashtag"),
        (CAT, link(1999, 4001), "bellamyPostHashtag"),
    ] {
        let data = ok_as(&app, viewer, &q).await;
        assert_eq!(data[field], Value::Null, "{q}");
        assert!(data.get(field).is_some(), "{q}");
    }
    // And rows in scope are found.
    for (viewer, q, field) in [
        (BOB, reaction(ADA, 2002, "COMMENT"), "bellamyReaction"),
        (BOB, request(ADA, BOB), "bellamyFriendRequest"),
        (CAT, view(6003, BOB), "bellamyStoryView"),
        (CAT, member(8002, BOB), "bellamyConversationParticipant"),
        (BOB, link(1002, 4001), "bellamyPostHashtag"),
    ] {
        let data = ok_as(&app, viewer, &q).await;
        assert!(data[field].is_object(), "{q}: {data}");
    }
}

#[tokio::test]
async fn emails_are_private_and_cannot_be_searched() {
    let app = TestApp::spawn().await;
    let f = Fixture { app: &app };
    cast(&f).await;
    let email = "only the user may see their email address";

    // The user reads their own; anyone else reads null + FORBIDDEN, the rest of the
    // profile being public.
    let q = format!(
        r#"{{ bellamyUser(id: "{}") {{ username bio email }} }}"#,
        s(ADA)
    );
    let data = ok_as(&app, ADA, &q).await;
    assert_eq!(
        data["bellamyUser"],
        json!({"username": "user001", "bio": "Bio 1", "email": "user001@example.com"})
    );
    for viewer in [Some(BOB), None] {
        let res = gql_as(&app, viewer, &q).await;
        forbidden(&res, &[json!("bellamyUser"), json!("email")], email);
        assert_eq!(res["data"]["bellamyUser"]["username"], "user001");
    }
    // In a list, one error per other user.
    let res = gql_as(
        &app,
        Some(BOB),
        "{ bellamyUsers(orderBy: {field: USERNAME}) { nodes { username email } } }",
    )
    .await;
    assert_eq!(
        res["data"]["bellamyUsers"]["nodes"],
        json!([
            {"username": "user001", "email": null},
            {"username": "user002", "email": "user002@example.com"},
            {"username": "user003", "email": null},
            {"username": "user004", "email": null},
        ])
    );
    let errors = res["errors"].as_array().unwrap();
    let mut paths: Vec<Value> = errors.iter().map(|e| e["path"].clone()).collect();
    paths.sort_by_key(|p| p[2].as_u64());
    assert_eq!(
        paths,
        [0, 2, 3]
            .iter()
            .map(|i| json!(["bellamyUsers", "nodes", i, "email"]))
            .collect::<Vec<_>>()
    );
    assert!(
        errors
            .iter()
            .all(|e| e["extensions"]["code"] == "FORBIDDEN" && e["message"] == email),
        "{res}"
    );

    // Looking up by email finds only the viewer's own account; any other address, taken
    // or not, is FORBIDDEN alike (nothing tells which addresses exist).
    let lookup = |e: &str| format!(r#"{{ bellamyUser(email: "{e}") {{ id }} }}"#);
    let data = ok_as(&app, ADA, &lookup("user001@example.com")).await;
    assert_eq!(data["bellamyUser"], json!({"id": s(ADA)}));
    for (viewer, address) in [
        (Some(ADA), "user002@example.com"),
        (Some(ADA), "nobody@example.com"),
        (None, "user001@example.com"),
        (None, "nobody@example.com"),
    ] {
        let res = gql_as(&app, viewer, &lookup(address)).await;
        forbidden(
            &res,
            &[json!("bellamyUser")],
            "you may look up only your own account by email",
        );
    }

    // Neither a filter nor an order on users can use the email.
    let data = ok_as(
        &app,
        ADA,
        r#"{ f: __type(name: "BellamyUserFilter") { inputFields { name } }
             o: __type(name: "BellamyUserOrderField") { enumValues { name } } }"#,
    )
    .await;
    let names = |v: &Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|f| f["name"].as_str().unwrap().to_lowercase())
            .collect()
    };
    let inputs = names(&data["f"]["inputFields"]);
    assert!(inputs.contains(&"username".to_owned()), "{inputs:?}");
    assert!(!inputs.iter().any(|n| n.contains("email")), "{inputs:?}");
    let orders = names(&data["o"]["enumValues"]);
    assert!(orders.contains(&"username".to_owned()), "{orders:?}");
    assert!(!orders.iter().any(|n| n.contains("email")), "{orders:?}");
    let res = gql_as(
        &app,
        Some(ADA),
        r#"{ bellamyUsers(filter: {email: {startsWith: "user00"}}) { nodes { id } } }"#,
    )
    .await;
    assert!(
        res["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("email"),
        "{res}"
    );
    assert!(res.get("data").is_none_or(Value::is_null), "{res}");
}

#[tokio::test]
async fn profiles_and_the_social_graph_stay_public() {
    let app = TestApp::spawn().await;
    let f = Fixture { app: &app };
    cast(&f).await;
    f.follow(CAT, ADA, 5).await;
    for viewer in VIEWERS {
        let data = data_as(
            &app,
            viewer,
            &format!(
                r#"{{ bellamyUser(id: "{}") {{ username fullName bio friends {{ totalCount nodes {{ id }} }}
                       followers {{ totalCount nodes {{ id }} }} }}
                     bellamyFriendships {{ totalCount }} bellamyFollows {{ totalCount }}
                     bellamyUsers {{ totalCount }} }}"#,
                s(ADA)
            ),
        )
        .await;
        assert_eq!(
            data,
            json!({"bellamyUser": {"username": "user001", "fullName": "User 1", "bio": "Bio 1",
                                   "friends": {"totalCount": 1, "nodes": [{"id": s(BOB)}]},
                                   "followers": {"totalCount": 1, "nodes": [{"id": s(CAT)}]}},
                   "bellamyFriendships": {"totalCount": 4}, "bellamyFollows": {"totalCount": 1},
                   "bellamyUsers": {"totalCount": 4}}),
            "{viewer:?}"
        );
    }
}

/// Runs `query` as `viewer` and returns how many SQL statements Bellamy's pool ran,
/// asserting there are no errors.
async fn statements_as(app: &TestApp, viewer: u128, query: &str) -> u64 {
    let token = bellamy_token(app, viewer);
    let (res, n) = helpers::statements_as(app, Domain::Bellamy, &token, query).await;
    ok(&res);
    n
}

#[tokio::test]
async fn access_rules_keep_lists_batched_for_signed_in_viewers() {
    let app = TestApp::spawn().await;
    let f = Fixture { app: &app };
    // Every user is friends with the previous one and writes a post of each privacy,
    // each with a comment and its reply, and a reaction.
    let simple = "{ bellamyUsers(first: 100) { nodes { id posts(first: 5) { nodes { id \
                  comments(first: 5) { nodes { id } } } } } } }";
    let with_counts = "{ bellamyUsers(first: 100) { totalCount nodes { id posts(first: 5) { totalCount nodes { id \
                  comments(first: 5) { totalCount nodes { id } } } } } } }";
    let rich = "{ bellamyUsers(first: 50) { nodes { id unreadNotificationCount \
                  notifications(first: 2) { nodes { id } } stories(first: 2) { nodes { id } } \
                  friends(first: 2) { nodes { username } } \
                  posts(first: 3) { nodes { id reactionCounts { count } \
                  reactions(first: 2) { nodes { id post { id } } } media(first: 2) { nodes { id } } \
                  hashtags(first: 2) { nodes { tag } } \
                  comments(first: 2) { nodes { id post { id } reactionCounts { count } \
                  replies(first: 2) { nodes { id parent { id } } } } } } } } } }";
    let threads = "{ bellamyComments(first: 100, filter: {parentCommentId: {isNull: true}}) { nodes { \
                  thread { depth comment { author { username } } } } } }";
    let mut costs = Vec::new();
    for n in 1..=50u128 {
        f.user(n).await;
        if n > 1 {
            f.friends(n, n - 1, n as i64).await;
        }
        f.notification(n, n, false, n as i64).await;
        for (p, privacy) in [Privacy::Public, Privacy::Friends, Privacy::Private]
            .into_iter()
            .enumerate()
        {
            let post = n * 10 + p as u128;
            f.post(post, n, privacy, post as i64).await;
            f.reaction(
                post,
                n,
                ReactionTargetType::Post,
                1000 + post,
                ReactionType::Like,
            )
            .await;
            f.comment(post * 10, post, n, 0, 1).await;
            f.comment(post * 10 + 1, post, n, post * 10, 2).await;
        }
        if n == 5 || n == 50 {
            costs.push((
                statements_as(&app, 2, simple).await,
                statements_as(&app, 2, with_counts).await,
                statements_as(&app, 2, rich).await,
                statements_as(&app, 2, threads).await,
            ));
        }
    }
    let (small, large) = (costs[0], costs[1]);
    assert_eq!(
        (small.0, small.1, small.3),
        (large.0, large.1, large.3),
        "statements for 5 vs 50 users: {costs:?}"
    );
    // Each request first checks that its viewer still exists (one statement).
    assert_eq!(small.0, 1 + 3, "one statement per level");
    assert_eq!(small.1, 1 + 6, "plus one per level asking totalCount");
    assert_eq!(small.3, 1 + 3, "comments, their threads, authors");
    // users; unread counts; notifications; stories; friendships + their users; posts;
    // their reaction counts, reactions, reactions' posts, media, hashtag links + tags;
    // comments, their posts, reaction counts, replies, replies' parents: 18 batches (the
    // DataLoader may merge batches of one key type), whatever the number of users; and
    // the viewer's check.
    assert!(small.2 <= 1 + 18 && large.2 <= 1 + 18, "{costs:?}");

    // And what the viewer sees is exact: user 2 sees their own three posts, user 1's and
    // user 3's public and friends posts, and only the public ones of everyone else.
    let data = ok_as(
        &app,
        2,
        "{ bellamyUsers(first: 100) { nodes { posts { totalCount } } } bellamyPosts { totalCount } }",
    )
    .await;
    let per_user: Vec<i64> = data["bellamyUsers"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["posts"]["totalCount"].as_i64().unwrap())
        .collect();
    let mut expected = vec![1; 50];
    expected[0] = 2;
    expected[1] = 3;
    expected[2] = 2;
    assert_eq!(per_user, expected);
    assert_eq!(data["bellamyPosts"]["totalCount"], 50 + 1 + 2 + 1);
}
