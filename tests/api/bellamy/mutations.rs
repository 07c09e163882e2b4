//! Bellamy Book's mutations through HTTP, part 1: registration and profiles, posts (with
//! media and hashtags), comments and replies, reactions (one per user per target, also
//! under concurrent requests); notifications they cause; validation; owner, other user
//! and anonymous; failed calls leaving every table as it was. Part 2 (the social graph,
//! stories, notifications, conversations): `bellamy/mutations_social.rs`.
//!
//! Fixture ids follow `bellamy/mod.rs` (users 1–99, posts 1000+, comments 2000+).

use entity::Domain;
use entity::bellamy::enums::{Privacy, ReactionTargetType, ReactionType};
use serde_json::{Value, json};

use super::*;
use crate::helpers::{TestApp, code, count, ok, refused};

const ADA: u128 = 1;
const BOB: u128 = 2;
const CAT: u128 = 3;

/// Ada, Bob and Cat; Ada and Bob are friends.
async fn cast(app: &TestApp) -> Fixture<'_> {
    let f = Fixture { app };
    for n in [ADA, BOB, CAT] {
        f.user(n).await;
    }
    f.friends(ADA, BOB, 1).await;
    f
}

// ----------------------------------------------------------------------------- accounts

const LOGIN: &str = "mutation($email: String!, $password: String!) {
    bellamyLogin(email: $email, password: $password) { userId username }
}";

#[tokio::test]
async fn registration_creates_an_account_that_is_signed_in_and_can_log_in() {
    let app = TestApp::spawn().await;
    let res = call(&app, None, REGISTER, json!({ "input": registration() })).await;
    let out = &ok(&res)["bellamyRegister"];
    let user = &out["user"];
    assert_eq!(
        user["email"], "zoe@example.com",
        "the user reads their own email"
    );
    assert_eq!(user["username"], "zoe.q");
    assert_eq!(user["fullName"], "Zoë Quinn");
    assert_eq!(user["bio"], "Hello");
    assert_eq!(user["profilePictureUrl"], "https://img.example.com/zoe.png");
    assert_eq!(user["coverPhotoUrl"], Value::Null);
    assert_eq!(out["session"]["userId"], user["id"]);
    assert_eq!(out["session"]["username"], "zoe.q");

    // The session token signs the new user in.
    let token = out["session"]["token"].as_str().unwrap();
    let me: Value = app
        .client
        .post(app.url("/graphql"))
        .bearer_auth(token)
        .json(&json!({ "query": "{ bellamyUser(email: \"Zoe@Example.com\") { id email } }" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(ok(&me)["bellamyUser"]["id"], user["id"]);
    let res = call(
        &app,
        None,
        "{ bellamyUser(username: \"ZOE.Q\") { id fullName } }",
        json!({}),
    )
    .await;
    assert_eq!(
        ok(&res)["bellamyUser"]["id"],
        user["id"],
        "usernames match in any case"
    );

    // The password is stored as a scrypt hash and logs in.
    let hash: String = {
        use entity::bellamy::users;
        use sea_orm::EntityTrait;
        let uid: sea_orm::entity::prelude::Uuid = user["id"].as_str().unwrap().parse().unwrap();
        users::Entity::find_by_id(uid)
            .one(app.db.get(Domain::Bellamy))
            .await
            .unwrap()
            .unwrap()
            .password_hash
    };
    assert!(hash.starts_with("$scrypt$"), "{hash}");
    let vars = json!({ "email": "zoe@example.com", "password": "correct horse battery" });
    let res = call(&app, None, LOGIN, vars).await;
    assert_eq!(ok(&res)["bellamyLogin"]["userId"], user["id"]);
    let vars = json!({ "email": "zoe@example.com", "password": "wrong horse battery" });
    assert_eq!(
        code(&call(&app, None, LOGIN, vars).await),
        "UNAUTHENTICATED"
    );
}

#[tokio::test]
async fn registration_validates_every_field_and_refuses_taken_names() {
    let app = TestApp::spawn().await;
    cast(&app).await;
    let before = counts(&app).await;
    let cases: [(&str, Value, &str); 9] = [
        ("email", json!("not-an-email"), "input.email"),
        ("username", json!("ab"), "input.username"),
        ("username", json!("bad name"), "input.username"),
        ("fullName", json!("   "), "input.fullName"),
        ("password", json!("short"), "input.password"),
        ("bio", json!("x".repeat(2001)), "input.bio"),
        (
            "profilePictureUrl",
            json!("javascript:alert(1)"),
            "input.profilePictureUrl",
        ),
        ("coverPhotoUrl", json!("not a url"), "input.coverPhotoUrl"),
        (
            "coverPhotoUrl",
            json!(format!("https://x.test/{}", "a".repeat(500))),
            "input.coverPhotoUrl",
        ),
    ];
    for (key, value, at) in cases {
        let mut input = registration();
        input[key] = value;
        let res = call(&app, None, REGISTER, json!({ "input": input })).await;
        refused(&res, "BAD_USER_INPUT", Some(at));
    }
    // Fixture user 1 is user001@example.com / user001.
    let mut input = registration();
    input["email"] = json!("USER001@example.com");
    let res = call(&app, None, REGISTER, json!({ "input": input })).await;
    refused(&res, "CONFLICT", None);
    let mut input = registration();
    input["username"] = json!("User001");
    let res = call(&app, None, REGISTER, json!({ "input": input })).await;
    refused(&res, "CONFLICT", None);
    assert!(
        res["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("user001")
    );
    assert_eq!(
        counts(&app).await,
        before,
        "no failed registration wrote a row"
    );
}

#[tokio::test]
async fn profile_changes_set_clear_and_keep_fields() {
    let app = TestApp::spawn().await;
    cast(&app).await;
    let input = json!({
        "fullName": "Ada L.",
        "bio": null,
        "coverPhotoUrl": "https://img.example.com/cover.jpg",
    });
    let res = call(&app, Some(ADA), UPDATE_PROFILE, json!({ "input": input })).await;
    assert_eq!(
        ok(&res)["bellamyUpdateProfile"]["user"],
        json!({
            "id": s(ADA),
            "username": "user001",
            "fullName": "Ada L.",
            "bio": null,
            "profilePictureUrl": null,
            "coverPhotoUrl": "https://img.example.com/cover.jpg",
        })
    );
    let input = json!({ "username": "Ada_L" });
    let res = call(&app, Some(ADA), UPDATE_PROFILE, json!({ "input": input })).await;
    assert_eq!(
        ok(&res)["bellamyUpdateProfile"]["user"]["username"],
        "ada_l"
    );
    assert_eq!(
        ok(&res)["bellamyUpdateProfile"]["user"]["fullName"],
        "Ada L.",
        "absent fields stay"
    );

    let input = json!({ "username": "user002" });
    let res = call(&app, Some(ADA), UPDATE_PROFILE, json!({ "input": input })).await;
    refused(&res, "CONFLICT", None);
    let input = json!({ "fullName": "" });
    let res = call(&app, Some(ADA), UPDATE_PROFILE, json!({ "input": input })).await;
    refused(&res, "BAD_USER_INPUT", Some("input.fullName"));
    let input = json!({ "fullName": "Nobody" });
    let res = call(&app, None, UPDATE_PROFILE, json!({ "input": input })).await;
    refused(&res, "UNAUTHENTICATED", None);
    // A token whose user is gone.
    let res = call(&app, Some(99), UPDATE_PROFILE, json!({ "input": input })).await;
    refused(&res, "UNAUTHENTICATED", None);
}

// ----------------------------------------------------------------------------- posts

const READ_POST: &str = "query($id: UUID!) { bellamyPost(id: $id) { id content privacy } }";

/// The sorted tags of a post object's `hashtags`.
fn tags(post: &Value) -> Vec<String> {
    let mut t: Vec<String> = post["hashtags"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["tag"].as_str().unwrap().to_owned())
        .collect();
    t.sort();
    t
}

#[tokio::test]
async fn posts_are_created_with_their_media_and_hashtags() {
    let app = TestApp::spawn().await;
    cast(&app).await;
    let input = json!({
        "content": "Summit at dawn #Hiking #photo, again #hiking",
        "privacy": "FRIENDS",
        "media": [
            { "url": "https://cdn.example.com/a.jpg", "type": "IMAGE" },
            { "url": "https://cdn.example.com/b.mp4", "type": "VIDEO" },
        ],
    });
    let res = call(&app, Some(ADA), CREATE_POST, json!({ "input": input })).await;
    let post = &ok(&res)["bellamyCreatePost"]["post"];
    assert_eq!(post["authorId"], s(ADA));
    assert_eq!(post["privacy"], "FRIENDS");
    assert_eq!(
        post["media"]["nodes"],
        json!([
            { "url": "https://cdn.example.com/a.jpg", "type": "IMAGE", "position": 0 },
            { "url": "https://cdn.example.com/b.mp4", "type": "VIDEO", "position": 1 },
        ])
    );
    assert_eq!(tags(post), ["hiking", "photo"]);

    // A second post reuses the existing hashtag row.
    let input = json!({ "content": "More #hiking" });
    let res = call(&app, Some(BOB), CREATE_POST, json!({ "input": input })).await;
    let second = &ok(&res)["bellamyCreatePost"]["post"];
    assert_eq!(second["privacy"], "PUBLIC", "the default audience");
    assert_eq!(tags(second), ["hiking"]);
    assert_eq!(count(app.db.get(Domain::Bellamy), "hashtags").await, 2);
    assert_eq!(count(app.db.get(Domain::Bellamy), "post_hashtags").await, 3);

    // The audience applies at once: Bob (a friend) reads it, Cat may not.
    let vars = json!({ "id": post["id"] });
    let res = call(&app, Some(BOB), READ_POST, vars.clone()).await;
    assert_eq!(ok(&res)["bellamyPost"]["id"], post["id"]);
    let res = call(&app, Some(CAT), READ_POST, vars).await;
    assert_eq!(code(&res), "FORBIDDEN");
}

#[tokio::test]
async fn hashtag_lookups_and_filters_normalise_the_tag_as_it_is_stored() {
    let app = TestApp::spawn().await;
    cast(&app).await;
    create_post(&app, ADA, "Shipping #Rust and #RustLang, not #go", "PUBLIC").await;
    let stored = |res: &Value, field: &str| -> Vec<String> {
        let mut t: Vec<String> = ok(res)[field]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["tag"].as_str().unwrap().to_owned())
            .collect();
        t.sort();
        t
    };

    // By tag: any case, with or without `#`.
    let one = "query($tag: String!) { bellamyHashtag(tag: $tag) { tag posts { totalCount } } }";
    for tag in ["Rust", "#rust", "#RUST", " rust "] {
        let res = call(&app, None, one, json!({ "tag": tag })).await;
        assert_eq!(
            ok(&res)["bellamyHashtag"],
            json!({ "tag": "rust", "posts": { "totalCount": 1 } }),
            "{tag:?}"
        );
    }
    let res = call(&app, None, one, json!({ "tag": "#python" })).await;
    assert!(ok(&res)["bellamyHashtag"].is_null());

    // Filters: every string operator of `tag` normalises its values.
    let list = "query($f: BellamyHashtagFilter) {
        bellamyHashtags(filter: $f) { nodes { tag } }
    }";
    let cases = [
        (json!({ "tag": { "eq": "Rust" } }), vec!["rust"]),
        (json!({ "tag": { "eq": "#rust" } }), vec!["rust"]),
        (
            json!({ "tag": { "in": ["#RUST", "Go"] } }),
            vec!["go", "rust"],
        ),
        (json!({ "tag": { "ne": "#Rust" } }), vec!["go", "rustlang"]),
        (
            json!({ "tag": { "notIn": ["#GO", "RustLang"] } }),
            vec!["rust"],
        ),
        (
            json!({ "tag": { "startsWith": "#Rust" } }),
            vec!["rust", "rustlang"],
        ),
        (json!({ "tag": { "contains": "LANG" } }), vec!["rustlang"]),
        (
            json!({ "or": [{ "tag": { "eq": "#Go" } }, { "tag": { "eq": "#RustLang" } }] }),
            vec!["go", "rustlang"],
        ),
    ];
    for (f, want) in cases {
        let res = call(&app, None, list, json!({ "f": f })).await;
        assert_eq!(stored(&res, "bellamyHashtags"), want, "{f}");
    }
}

#[tokio::test]
async fn post_input_is_validated_before_anything_is_written() {
    let app = TestApp::spawn().await;
    cast(&app).await;
    let before = counts(&app).await;
    let media = |n: usize| {
        (0..n)
            .map(|i| json!({ "url": format!("https://cdn.example.com/{i}.jpg"), "type": "IMAGE" }))
            .collect::<Vec<_>>()
    };
    let cases = [
        (json!({ "content": "  \n " }), "input.content"),
        (json!({ "content": "x".repeat(10_001) }), "input.content"),
        (json!({ "content": "bell \u{7}" }), "input.content"),
        (
            json!({ "content": "ok", "media": media(11) }),
            "input.media",
        ),
        (
            json!({ "content": "ok", "media": [media(1)[0].clone(), { "url": "nope", "type": "IMAGE" }] }),
            "input.media[1].url",
        ),
    ];
    for (input, at) in cases {
        let res = call(&app, Some(ADA), CREATE_POST, json!({ "input": input })).await;
        refused(&res, "BAD_USER_INPUT", Some(at));
    }
    let res = call(
        &app,
        None,
        CREATE_POST,
        json!({ "input": { "content": "hi" } }),
    )
    .await;
    refused(&res, "UNAUTHENTICATED", None);
    assert_eq!(counts(&app).await, before);
}

#[tokio::test]
async fn only_the_author_edits_a_post_and_hashtags_follow_the_content() {
    let app = TestApp::spawn().await;
    cast(&app).await;
    let post = create_post(&app, ADA, "Coffee #coffee #morning", "PUBLIC").await;

    let input = json!({ "id": post, "content": "Tea now #tea #Morning", "privacy": "PRIVATE" });
    let res = call(&app, Some(ADA), UPDATE_POST, json!({ "input": input })).await;
    let p = &ok(&res)["bellamyUpdatePost"]["post"];
    assert_eq!(p["content"], "Tea now #tea #Morning");
    assert_eq!(p["privacy"], "PRIVATE");
    assert_eq!(tags(p), ["morning", "tea"]);
    let input = json!({ "id": post, "privacy": "FRIENDS" });
    let res = call(&app, Some(ADA), UPDATE_POST, json!({ "input": input })).await;
    let p = &ok(&res)["bellamyUpdatePost"]["post"];
    assert_eq!(
        p["content"], "Tea now #tea #Morning",
        "absent content stays"
    );
    assert_eq!(tags(p), ["morning", "tea"]);

    // Bob sees the post (a friend) but may not change it; Cat may not even see it.
    let input = json!({ "id": post, "content": "hijacked" });
    let res = call(
        &app,
        Some(BOB),
        UPDATE_POST,
        json!({ "input": input.clone() }),
    )
    .await;
    refused(&res, "FORBIDDEN", None);
    assert_eq!(
        res["errors"][0]["message"],
        "only the post's author may change or delete it"
    );
    let res = call(
        &app,
        Some(CAT),
        UPDATE_POST,
        json!({ "input": input.clone() }),
    )
    .await;
    refused(&res, "FORBIDDEN", None);
    assert_eq!(
        res["errors"][0]["message"],
        "only the author and the author's friends may see this post"
    );
    let res = call(&app, None, UPDATE_POST, json!({ "input": input })).await;
    refused(&res, "UNAUTHENTICATED", None);
    let input = json!({ "id": id(999_999), "content": "x" });
    let res = call(&app, Some(ADA), UPDATE_POST, json!({ "input": input })).await;
    refused(&res, "NOT_FOUND", None);
    let input = json!({ "id": post, "content": "" });
    let res = call(&app, Some(ADA), UPDATE_POST, json!({ "input": input })).await;
    refused(&res, "BAD_USER_INPUT", Some("input.content"));

    let res = call(&app, Some(ADA), READ_POST, json!({ "id": post })).await;
    assert_eq!(ok(&res)["bellamyPost"]["content"], "Tea now #tea #Morning");
}

#[tokio::test]
async fn deleting_a_post_takes_its_comments_reactions_media_and_links() {
    let app = TestApp::spawn().await;
    let f = cast(&app).await;
    let input = json!({
        "content": "Going #away",
        "media": [{ "url": "https://cdn.example.com/a.jpg", "type": "IMAGE" }],
    });
    let res = call(&app, Some(ADA), CREATE_POST, json!({ "input": input })).await;
    let post = ok(&res)["bellamyCreatePost"]["post"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let keep = create_post(&app, ADA, "Staying #home", "PUBLIC").await;
    let c1 = comment(&app, BOB, &post, None, "First").await;
    let c2 = comment(&app, CAT, &post, Some(&c1), "Reply").await;
    let _c3 = comment(&app, ADA, &post, Some(&c2), "Reply to the reply").await;
    let other = comment(&app, BOB, &keep, None, "Elsewhere").await;
    react(&app, BOB, &post, "POST", "LIKE").await;
    react(&app, CAT, &c2, "COMMENT", "HAHA").await;
    react(&app, CAT, &other, "COMMENT", "WOW").await;
    let _ = f;

    // Someone else may not delete it.
    let res = call(&app, Some(BOB), DELETE_POST, json!({ "id": post })).await;
    refused(&res, "FORBIDDEN", None);

    let res = call(&app, Some(ADA), DELETE_POST, json!({ "id": post })).await;
    assert_eq!(ok(&res)["bellamyDeletePost"]["deletedId"], post);
    let db = app.db.get(Domain::Bellamy);
    assert_eq!(count(db, "posts").await, 1);
    assert_eq!(
        count(db, "comments").await,
        1,
        "only the other post's comment"
    );
    assert_eq!(
        count(db, "reactions").await,
        1,
        "only the reaction to that comment"
    );
    assert_eq!(count(db, "media").await, 0);
    assert_eq!(count(db, "post_hashtags").await, 1);
    let res = call(&app, Some(ADA), READ_POST, json!({ "id": post })).await;
    assert_eq!(ok(&res)["bellamyPost"], Value::Null);
    let res = call(&app, Some(ADA), DELETE_POST, json!({ "id": post })).await;
    refused(&res, "NOT_FOUND", None);
}

// ----------------------------------------------------------------------------- comments

#[tokio::test]
async fn comments_and_replies_notify_the_post_and_comment_authors_but_not_the_actor() {
    let app = TestApp::spawn().await;
    cast(&app).await;
    let post = create_post(
        &app,
        ADA,
        "A long post that the notification quotes only in part, really",
        "PUBLIC",
    )
    .await;

    let c1 = comment(&app, BOB, &post, None, "Nice").await;
    assert_eq!(
        notifications_of(&app, ADA).await,
        [(
            "comment".to_owned(),
            json!({ "postId": post, "commentId": c1 })
        )]
    );
    let res = call(
        &app,
        Some(ADA),
        "{ bellamyUser(id: \"00000000-0000-0000-0000-000000000001\") {
            notifications { nodes { title message } } } }",
        json!({}),
    )
    .await;
    assert_eq!(
        ok(&res)["bellamyUser"]["notifications"]["nodes"][0],
        json!({
            "title": "User 2 commented",
            "message": "User 2 commented on your post \"A long post that the notification quotes…\".",
        })
    );

    // Cat replies to Bob: Bob gets a reply notification, Ada a comment notification.
    let c2 = comment(&app, CAT, &post, Some(&c1), "Agreed").await;
    assert_eq!(
        notifications_of(&app, BOB).await,
        [(
            "comment_reply".to_owned(),
            json!({ "postId": post, "commentId": c2, "parentCommentId": c1 })
        )]
    );
    assert_eq!(notifications_of(&app, ADA).await.len(), 2);

    // Ada replies to Bob on her own post: Bob is told, Ada is not.
    let c3 = comment(&app, ADA, &post, Some(&c1), "Thanks").await;
    assert_eq!(notifications_of(&app, BOB).await.len(), 2);
    assert_eq!(notifications_of(&app, BOB).await[1].1["commentId"], c3);
    assert_eq!(notifications_of(&app, ADA).await.len(), 2);

    // Bob replies to Ada's comment on her post: one notification (the reply), not two.
    let c4 = comment(&app, BOB, &post, Some(&c3), "Welcome").await;
    let ada = notifications_of(&app, ADA).await;
    assert_eq!(ada.len(), 3);
    assert_eq!(ada[2].0, "comment_reply");
    assert_eq!(ada[2].1["commentId"], c4);

    // The thread reads back through the API.
    let res = call(
        &app,
        Some(CAT),
        "query($id: UUID!) { bellamyPost(id: $id) {
            comments { nodes { id replies { nodes { id } } } } } }",
        json!({ "id": post }),
    )
    .await;
    assert_eq!(
        ok(&res)["bellamyPost"]["comments"]["nodes"],
        json!([{ "id": c1, "replies": { "nodes": [{ "id": c2 }, { "id": c3 }] } }])
    );
}

#[tokio::test]
async fn comments_need_a_visible_post_and_a_parent_on_the_same_post() {
    let app = TestApp::spawn().await;
    cast(&app).await;
    let friends_only = create_post(&app, ADA, "For friends", "FRIENDS").await;
    let private = create_post(&app, ADA, "For me", "PRIVATE").await;
    let other = create_post(&app, ADA, "Public", "PUBLIC").await;
    let elsewhere = comment(&app, BOB, &other, None, "On another post").await;
    // A friend may comment on a friends-only post.
    comment(&app, BOB, &friends_only, None, "Hi").await;
    let before = counts(&app).await;

    let attempt = |who: Option<u128>, post: &str, parent: Option<&str>, content: &str| {
        let input = json!({ "postId": post, "parentCommentId": parent, "content": content });
        let app = &app;
        async move { call(app, who, CREATE_COMMENT, json!({ "input": input })).await }
    };
    let res = attempt(Some(CAT), &friends_only, None, "Let me in").await;
    refused(&res, "FORBIDDEN", None);
    assert_eq!(
        res["errors"][0]["message"],
        "only the author and the author's friends may see this post"
    );
    let res = attempt(Some(BOB), &private, None, "Peek").await;
    refused(&res, "FORBIDDEN", None);
    assert_eq!(
        res["errors"][0]["message"],
        "only the author may see this post"
    );
    let res = attempt(Some(BOB), &s(999_999), None, "Nothing").await;
    refused(&res, "NOT_FOUND", None);
    let res = attempt(Some(BOB), &friends_only, Some(&elsewhere), "Crossed").await;
    refused(&res, "BAD_USER_INPUT", Some("input.parentCommentId"));
    let res = attempt(Some(BOB), &friends_only, Some(&s(999_998)), "Ghost").await;
    refused(&res, "BAD_USER_INPUT", Some("input.parentCommentId"));
    let res = attempt(Some(BOB), &friends_only, None, " ").await;
    refused(&res, "BAD_USER_INPUT", Some("input.content"));
    let res = attempt(Some(BOB), &friends_only, None, &"x".repeat(5001)).await;
    refused(&res, "BAD_USER_INPUT", Some("input.content"));
    let res = attempt(None, &other, None, "Anonymous").await;
    refused(&res, "UNAUTHENTICATED", None);
    assert_eq!(
        counts(&app).await,
        before,
        "no refused comment wrote anything"
    );
}

#[tokio::test]
async fn deleting_a_comment_takes_its_replies_and_only_its_or_the_posts_author_may() {
    let app = TestApp::spawn().await;
    cast(&app).await;
    let post = create_post(&app, ADA, "Thread", "PUBLIC").await;
    let c1 = comment(&app, BOB, &post, None, "Root").await;
    let c2 = comment(&app, CAT, &post, Some(&c1), "Reply").await;
    let c3 = comment(&app, BOB, &post, Some(&c2), "Deeper").await;
    let keep = comment(&app, CAT, &post, None, "Another root").await;
    react(&app, ADA, &c3, "COMMENT", "LOVE").await;

    // Cat wrote neither the root nor the post.
    let res = call(&app, Some(CAT), DELETE_COMMENT, json!({ "id": c1 })).await;
    refused(&res, "FORBIDDEN", None);
    // Ada wrote the post: she may delete Bob's comment and its whole thread.
    let res = call(&app, Some(ADA), DELETE_COMMENT, json!({ "id": c1 })).await;
    let out = &ok(&res)["bellamyDeleteComment"];
    assert_eq!(out["deletedId"], c1);
    assert_eq!(out["deletedIds"], json!([c1, c2, c3]));
    assert_eq!(out["post"]["id"], post);
    let db = app.db.get(Domain::Bellamy);
    assert_eq!(count(db, "comments").await, 1);
    assert_eq!(count(db, "reactions").await, 0);
    // Cat deletes her own comment.
    let res = call(&app, Some(CAT), DELETE_COMMENT, json!({ "id": keep })).await;
    assert_eq!(
        ok(&res)["bellamyDeleteComment"]["deletedIds"],
        json!([keep])
    );
    let res = call(&app, Some(CAT), DELETE_COMMENT, json!({ "id": keep })).await;
    refused(&res, "NOT_FOUND", None);
}

// ----------------------------------------------------------------------------- reactions

/// The non-zero counts of a `reactionCounts` list.
fn nonzero(counts: &Value) -> Vec<(String, i64)> {
    counts
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["count"].as_i64().unwrap() > 0)
        .map(|c| {
            (
                c["type"].as_str().unwrap().to_owned(),
                c["count"].as_i64().unwrap(),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_user_has_one_reaction_per_target_and_reacting_again_replaces_it() {
    let app = TestApp::spawn().await;
    cast(&app).await;
    let post = create_post(&app, ADA, "React to me", "PUBLIC").await;

    let first = react(&app, BOB, &post, "POST", "LIKE").await;
    assert_eq!(first["reaction"]["userId"], s(BOB));
    assert_eq!(first["reaction"]["targetId"], post);
    assert_eq!(first["reaction"]["targetType"], "POST");
    assert_eq!(first["reaction"]["type"], "LIKE");
    assert_eq!(first["comment"], Value::Null);
    assert_eq!(
        nonzero(&first["post"]["reactionCounts"]),
        [("LIKE".into(), 1)]
    );
    assert_eq!(
        notifications_of(&app, ADA).await,
        [(
            "post_reaction".to_owned(),
            json!({ "postId": post, "userId": s(BOB), "reaction": "like" })
        )]
    );

    let second = react(&app, BOB, &post, "POST", "LOVE").await;
    assert_eq!(
        second["reaction"]["id"], first["reaction"]["id"],
        "the same row"
    );
    assert_eq!(second["reaction"]["type"], "LOVE");
    assert_eq!(
        nonzero(&second["post"]["reactionCounts"]),
        [("LOVE".into(), 1)]
    );
    let again = react(&app, BOB, &post, "POST", "LOVE").await;
    assert_eq!(again["reaction"]["id"], first["reaction"]["id"]);
    assert_eq!(count(app.db.get(Domain::Bellamy), "reactions").await, 1);
    assert_eq!(
        notifications_of(&app, ADA).await.len(),
        1,
        "changing a reaction notifies no one again"
    );

    // A full name of the longest kind still fits the notification's title.
    let long = "Ö".repeat(255);
    let input = json!({ "fullName": long });
    ok(&call(&app, Some(CAT), UPDATE_PROFILE, json!({ "input": input })).await);
    react(&app, CAT, &post, "POST", "WOW").await;
    let res = call(
        &app,
        Some(ADA),
        "{ bellamyUser(id: \"00000000-0000-0000-0000-000000000001\") {
            notifications(first: 1) { nodes { type title } } } }",
        json!({}),
    )
    .await;
    let newest = &ok(&res)["bellamyUser"]["notifications"]["nodes"][0];
    assert_eq!(newest["type"], "post_reaction");
    let title = newest["title"].as_str().unwrap();
    assert_eq!(title.chars().count(), 255);
    assert!(title.starts_with(&long[..20]) && title.ends_with('…'));
    let input = json!({ "targetId": post, "targetType": "POST" });
    ok(&call(&app, Some(CAT), UNREACT, json!({ "input": input })).await);

    // Reacting to one's own post tells no one.
    let own = react(&app, ADA, &post, "POST", "HAHA").await;
    assert_eq!(
        nonzero(&own["post"]["reactionCounts"]),
        [("LOVE".into(), 1), ("HAHA".into(), 1)]
    );
    assert_eq!(
        notifications_of(&app, ADA).await.len(),
        2,
        "only Cat's first reaction added one"
    );

    // Unreact removes the row; a second unreact finds nothing.
    let input = json!({ "targetId": post, "targetType": "POST" });
    let res = call(&app, Some(BOB), UNREACT, json!({ "input": input.clone() })).await;
    assert_eq!(
        ok(&res)["bellamyUnreact"],
        json!({ "deletedId": first["reaction"]["id"], "post": { "id": post }, "comment": null })
    );
    let res = call(&app, Some(BOB), UNREACT, json!({ "input": input.clone() })).await;
    refused(&res, "NOT_FOUND", None);
    assert_eq!(count(app.db.get(Domain::Bellamy), "reactions").await, 1);
    let res = call(&app, None, UNREACT, json!({ "input": input })).await;
    refused(&res, "UNAUTHENTICATED", None);
}

/// Changing a reaction, the write the reaction benchmark repeats, takes one statement per
/// step: the token's check, then in the transaction the target's check, the actor's
/// reaction, its update and the change log's row (numbered in its insert); PostgreSQL adds
/// the `NOTIFY` that wakes other instances. The actor's own row is not
/// read again: the reaction proves it exists.
#[tokio::test]
async fn changing_a_reaction_takes_one_statement_per_step() {
    let app = TestApp::spawn().await;
    cast(&app).await;
    let post = create_post(&app, ADA, "React to me", "PUBLIC").await;
    react(&app, BOB, &post, "POST", "LIKE").await;
    let token = crate::helpers::bellamy_token(&app, BOB);
    let change = format!(
        r#"mutation {{ bellamyReact(input: {{ targetId: "{post}", targetType: POST, type: LOVE }})
            {{ reaction {{ id type }} }} }}"#
    );
    let metrics = app.db.dbs.metrics();
    metrics.start_log();
    let res = crate::helpers::request(&app, Some(&token), None, &change).await;
    let log = metrics.take_log();
    assert_eq!(ok(&res)["bellamyReact"]["reaction"]["type"], "LOVE");
    let backend = app.db.backend();
    let mut expected = vec![
        // The token's user still exists (every signed-in request checks it).
        r#"SELECT 1 FROM "users" WHERE "users"."id" ="#,
        // Then the transaction: the post, checked visible (and locked on PostgreSQL).
        r#"SELECT "posts"."id","#,
        r#"SELECT "reactions"."id","#,
        r#"UPDATE "reactions" SET "type""#,
    ];
    // (PostgreSQL's `LOCK TABLE` on the log goes unprepared, outside the pool's count.)
    expected.push(r#"INSERT INTO "change_log""#);
    if backend == sea_orm::DbBackend::Postgres {
        expected.push("SELECT pg_notify(");
    }
    assert_eq!(log.len(), expected.len(), "{log:#?}");
    for (sql, start) in log.iter().zip(expected) {
        assert!(sql.starts_with(start), "{sql} should start with {start}");
    }
    // The change log's row is numbered in its insert, not after a `SELECT MAX(seq)`.
    let insert = log
        .iter()
        .find(|sql| sql.starts_with(r#"INSERT INTO "change_log""#))
        .expect("the change log's insert");
    assert!(
        insert.contains(r#"VALUES ((SELECT COALESCE(MAX("seq"), "#),
        "{insert}"
    );
}

#[tokio::test]
async fn reactions_to_comments_notify_the_comment_author() {
    let app = TestApp::spawn().await;
    cast(&app).await;
    let post = create_post(&app, ADA, "Post", "PUBLIC").await;
    let c = comment(&app, BOB, &post, None, "A comment worth a laugh").await;
    let out = react(&app, CAT, &c, "COMMENT", "HAHA").await;
    assert_eq!(out["reaction"]["targetType"], "COMMENT");
    assert_eq!(out["post"]["id"], post);
    assert_eq!(out["comment"]["id"], c);
    assert_eq!(
        nonzero(&out["comment"]["reactionCounts"]),
        [("HAHA".into(), 1)]
    );
    assert_eq!(nonzero(&out["post"]["reactionCounts"]), []);
    assert_eq!(
        notifications_of(&app, BOB).await,
        [(
            "comment_reaction".to_owned(),
            json!({ "postId": post, "userId": s(CAT), "reaction": "haha", "commentId": c })
        )]
    );
    let input = json!({ "targetId": c, "targetType": "COMMENT" });
    let res = call(&app, Some(CAT), UNREACT, json!({ "input": input })).await;
    assert_eq!(ok(&res)["bellamyUnreact"]["comment"]["id"], c);
}

#[tokio::test]
async fn reactions_need_a_target_the_user_may_see() {
    let app = TestApp::spawn().await;
    cast(&app).await;
    let friends_only = create_post(&app, ADA, "Friends", "FRIENDS").await;
    let c = comment(&app, BOB, &friends_only, None, "Hidden from Cat").await;
    let public = create_post(&app, ADA, "Public", "PUBLIC").await;
    let before = counts(&app).await;
    let attempt = |who: u128, target: &str, kind: &str| {
        let input = json!({ "targetId": target, "targetType": kind, "type": "LIKE" });
        let app = &app;
        async move { call(app, Some(who), REACT, json!({ "input": input })).await }
    };
    let res = attempt(CAT, &friends_only, "POST").await;
    refused(&res, "FORBIDDEN", None);
    let res = attempt(CAT, &c, "COMMENT").await;
    refused(&res, "FORBIDDEN", None);
    assert_eq!(
        res["errors"][0]["message"],
        "this comment is on a post you may not see"
    );
    let res = attempt(BOB, &s(424_242), "POST").await;
    refused(&res, "NOT_FOUND", None);
    // A post id is not a comment id.
    let res = attempt(BOB, &friends_only, "COMMENT").await;
    refused(&res, "NOT_FOUND", None);
    let input = json!({ "targetId": friends_only, "targetType": "POST", "type": "LIKE" });
    let res = call(&app, None, REACT, json!({ "input": input })).await;
    refused(&res, "UNAUTHENTICATED", None);
    // A token whose user is gone is told so, whether the target is there to see or not.
    for (target, kind) in [
        (&public, "POST"),
        (&friends_only, "POST"),
        (&s(424_242), "POST"),
        (&c, "COMMENT"),
    ] {
        let res = attempt(99, target, kind).await;
        refused(&res, "UNAUTHENTICATED", None);
    }
    assert_eq!(counts(&app).await, before);

    // Bob reacted while a friend; after the friendship ends he may still take it back,
    // but the payload no longer shows him the post.
    react(&app, BOB, &friends_only, "POST", "LIKE").await;
    {
        use entity::bellamy::friendships;
        use sea_orm::EntityTrait;
        friendships::Entity::delete_many()
            .exec(app.db.get(Domain::Bellamy))
            .await
            .unwrap();
    }
    let input = json!({ "targetId": friends_only, "targetType": "POST" });
    let res = call(&app, Some(BOB), UNREACT, json!({ "input": input })).await;
    let out = &ok(&res)["bellamyUnreact"];
    assert!(out["deletedId"].is_string());
    assert_eq!(out["post"], Value::Null);
}

#[tokio::test]
async fn concurrent_reactions_by_one_user_leave_one_row() {
    let app = std::sync::Arc::new(TestApp::spawn_on_files().await);
    let f = Fixture { app: &app };
    for n in 1..=21 {
        f.user(n).await;
    }
    f.post(1, 1, Privacy::Public, 1).await;
    let post = s(1001);
    const TYPES: [&str; 6] = ["LIKE", "LOVE", "HAHA", "WOW", "SAD", "ANGRY"];

    // One user, twenty concurrent reactions of varying types.
    let mut tasks = Vec::new();
    for i in 0..20 {
        let (app, post) = (app.clone(), post.clone());
        tasks.push(tokio::spawn(async move {
            let input = json!({ "targetId": post, "targetType": "POST", "type": TYPES[i % 6] });
            call(&app, Some(2), REACT, json!({ "input": input })).await
        }));
    }
    let mut ids = std::collections::BTreeSet::new();
    for t in tasks {
        let res = t.await.unwrap();
        ids.insert(
            ok(&res)["bellamyReact"]["reaction"]["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    assert_eq!(ids.len(), 1, "every call answered the same reaction");
    assert_eq!(count(app.db.get(Domain::Bellamy), "reactions").await, 1);
    assert_eq!(
        notifications_of(&app, 1).await.len(),
        1,
        "one first reaction"
    );

    // Twenty users at once: twenty rows, counted exactly.
    let mut tasks = Vec::new();
    for user in 2..=21u128 {
        let (app, post) = (app.clone(), post.clone());
        tasks.push(tokio::spawn(async move {
            let input = json!({ "targetId": post, "targetType": "POST", "type": "WOW" });
            call(&app, Some(user), REACT, json!({ "input": input })).await
        }));
    }
    for t in tasks {
        ok(&t.await.unwrap());
    }
    assert_eq!(count(app.db.get(Domain::Bellamy), "reactions").await, 20);
    let out = react(&app, 1, &post, "POST", "WOW").await;
    assert_eq!(
        nonzero(&out["post"]["reactionCounts"]),
        [("WOW".into(), 21)]
    );
    let _ = (ReactionTargetType::Post, ReactionType::Like);
}

// ----------------------------------------------------------------------------- rollback

/// Makes every insert into `notifications` fail, as a disk or constraint failure would,
/// so that writes that notify fail half-way (after their own row is written).
async fn break_notifications(app: &TestApp) {
    use sea_orm::{ConnectionTrait, DbBackend};
    let db = app.db.get(Domain::Bellamy);
    let sql: &[&str] = match db.get_database_backend() {
        DbBackend::Sqlite => &[
            "CREATE TRIGGER no_notifications BEFORE INSERT ON notifications \
             BEGIN SELECT RAISE(ABORT, 'notifications are broken'); END",
        ],
        _ => &[
            "CREATE FUNCTION no_notifications() RETURNS trigger LANGUAGE plpgsql AS \
             $$ BEGIN RAISE EXCEPTION 'notifications are broken'; END $$",
            "CREATE TRIGGER no_notifications BEFORE INSERT ON notifications \
             FOR EACH ROW EXECUTE FUNCTION no_notifications()",
        ],
    };
    for s in sql {
        db.execute_unprepared(s).await.unwrap();
    }
}

#[tokio::test]
async fn a_write_failing_half_way_leaves_every_table_as_it_was() {
    let app = TestApp::spawn().await;
    cast(&app).await;
    let post = create_post(&app, ADA, "Before the failure", "PUBLIC").await;
    let c = comment(&app, ADA, &post, None, "Own comment").await;
    break_notifications(&app).await;
    let before = counts(&app).await;

    let failing = [
        (
            CREATE_COMMENT,
            json!({ "input": { "postId": post, "content": "Lost" } }),
        ),
        (
            REACT,
            json!({ "input": { "targetId": post, "targetType": "POST", "type": "LIKE" } }),
        ),
        (
            REACT,
            json!({ "input": { "targetId": c, "targetType": "COMMENT", "type": "SAD" } }),
        ),
        (
            "mutation($input: BellamySendFriendRequestInput!) {
                bellamySendFriendRequest(input: $input) { friendRequest { id } } }",
            json!({ "input": { "receiverId": s(CAT) } }),
        ),
    ];
    for (query, vars) in failing {
        let res = call(&app, Some(BOB), query, vars).await;
        refused(&res, "INTERNAL", None);
        let message = res["errors"][0]["message"].as_str().unwrap();
        assert!(message.starts_with("internal error (id "), "{res}");
        assert!(!message.contains("broken"), "no database text leaks: {res}");
    }
    assert_eq!(counts(&app).await, before, "nothing half-written");

    // Writes that notify no one still work.
    let res = call(
        &app,
        Some(ADA),
        REACT,
        json!({ "input": { "targetId": post, "targetType": "POST", "type": "LOVE" } }),
    )
    .await;
    ok(&res);
    assert_eq!(count(app.db.get(Domain::Bellamy), "reactions").await, 1);
}

#[tokio::test]
async fn reactions_racing_a_comment_deletion_leave_no_orphans() {
    let app = std::sync::Arc::new(TestApp::spawn_on_files().await);
    let f = Fixture { app: &app };
    for n in 1..=11 {
        f.user(n).await;
    }
    f.post(1, 1, Privacy::Public, 1).await;
    for round in 0..3u128 {
        f.comment(round + 1, 1, 1, 0, 2).await;
        let target = s(2001 + round);
        let mut tasks = Vec::new();
        for user in 2..=11u128 {
            let (a, t) = (app.clone(), target.clone());
            tasks.push(tokio::spawn(async move {
                let input = json!({ "targetId": t, "targetType": "COMMENT", "type": "LIKE" });
                call(&a, Some(user), REACT, json!({ "input": input })).await
            }));
            if user == 6 {
                let (a, t) = (app.clone(), target.clone());
                tasks.push(tokio::spawn(async move {
                    call(&a, Some(1), DELETE_COMMENT, json!({ "id": t })).await
                }));
            }
        }
        for t in tasks {
            let res = t.await.unwrap();
            if res.get("errors").is_some() {
                assert_eq!(
                    code(&res),
                    "NOT_FOUND",
                    "only a comment already gone: {res}"
                );
            }
        }
        assert_eq!(
            count(app.db.get(Domain::Bellamy), "reactions").await,
            0,
            "no reaction outlives its comment"
        );
        assert_eq!(count(app.db.get(Domain::Bellamy), "comments").await, 0);
    }
}

#[tokio::test]
async fn friend_requests_racing_comments_between_the_same_users_all_succeed() {
    // A friend request locks both users; a comment (and its notification) references
    // both through foreign keys. Neither may wait on the other in a cycle.
    let app = std::sync::Arc::new(TestApp::spawn_on_files().await);
    let f = Fixture { app: &app };
    for n in 1..=12 {
        f.user(n).await;
    }
    for round in 0..6u128 {
        let (a, b) = (2 * round + 1, 2 * round + 2);
        f.post(round + 1, a, Privacy::Public, 1).await;
        let post = s(1001 + round);
        let mut tasks = Vec::new();
        for i in 0..4 {
            let (app, post) = (app.clone(), post.clone());
            tasks.push(tokio::spawn(async move {
                let input = json!({ "postId": post, "content": format!("Comment {i}") });
                call(&app, Some(b), CREATE_COMMENT, json!({ "input": input })).await
            }));
        }
        let app2 = app.clone();
        tasks.insert(
            2,
            tokio::spawn(async move {
                call(
                    &app2,
                    Some(a),
                    "mutation($input: BellamySendFriendRequestInput!) {
                        bellamySendFriendRequest(input: $input) { friendRequest { id } } }",
                    json!({ "input": { "receiverId": s(b) } }),
                )
                .await
            }),
        );
        for t in tasks {
            ok(&t.await.unwrap());
        }
    }
    let db = app.db.get(Domain::Bellamy);
    assert_eq!(count(db, "comments").await, 24);
    assert_eq!(count(db, "friend_requests").await, 6);
    assert_eq!(count(db, "notifications").await, 30);
}

#[tokio::test]
async fn a_friend_request_does_not_wait_for_writes_that_only_reference_its_users() {
    use entity::bellamy::comments;
    use sea_orm::{ActiveModelTrait, DbBackend, IntoActiveModel, TransactionTrait};
    let app = std::sync::Arc::new(TestApp::spawn_on_files().await);
    let f = cast(&app).await;
    f.post(1, ADA, Privacy::Public, 1).await;
    let db = app.db.get(Domain::Bellamy);
    // Another writer holds a comment by Cat, uncommitted (a foreign-key reference to Bob).
    let other = db.begin().await.unwrap();
    comments::Model {
        id: id(2999),
        post_id: id(1001),
        author_id: id(CAT),
        content: "in flight".into(),
        parent_comment_id: None,
        created_at: chrono::Utc::now(),
    }
    .into_active_model()
    .insert(&other)
    .await
    .unwrap();
    let request = {
        let app = app.clone();
        tokio::spawn(async move {
            call(
                &app,
                Some(ADA),
                "mutation($input: BellamySendFriendRequestInput!) {
                    bellamySendFriendRequest(input: $input) { friendRequest { status } } }",
                json!({ "input": { "receiverId": s(CAT) } }),
            )
            .await
        })
    };
    if db.get_database_backend() == DbBackend::Postgres {
        // The request locks Ada and Cat FOR NO KEY UPDATE: it does not wait.
        let res = tokio::time::timeout(std::time::Duration::from_secs(5), request)
            .await
            .expect("the friend request waited for an unrelated writer")
            .unwrap();
        assert_eq!(
            ok(&res)["bellamySendFriendRequest"]["friendRequest"]["status"],
            "PENDING"
        );
        other.commit().await.unwrap();
    } else {
        // SQLite has one writer: the request queues behind the other, then succeeds.
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        assert!(!request.is_finished(), "SQLite admits one writer at a time");
        other.commit().await.unwrap();
        let res = request.await.unwrap();
        assert_eq!(
            ok(&res)["bellamySendFriendRequest"]["friendRequest"]["status"],
            "PENDING"
        );
    }
    assert_eq!(count(db, "comments").await, 1);
    assert_eq!(count(db, "friend_requests").await, 1);
}
