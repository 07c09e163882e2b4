//! Bellamy Book's mutations through HTTP, part 2: friend requests (send, accept, decline,
//! cancel, reopen) and friendships, follows, stories and their views, notifications,
//! conversations and messages; the notifications they cause; validation; the right and
//! the wrong party, anonymous; failed calls leaving every table as it was; and concurrent
//! requests (opposite friend requests, starting the same conversation) on file-backed
//! SQLite. Part 1 (accounts, posts, comments, reactions): `bellamy/mutations.rs`.
//!
//! The cast: Ada (1) and Bob (2) are friends; Cat (3) and Dan (4) know nobody. Fixture ids
//! follow `bellamy/mod.rs` (notifications 7000+, stories 6000+).

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use entity::Domain;
use entity::bellamy::enums::{FriendRequestStatus, StoryType};
use entity::bellamy::{
    conversation_participants, follows, friend_requests, friendships, messages, notifications,
    stories, story_viewers,
};
use sea_orm::entity::prelude::Uuid;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter};
use serde_json::{Value, json};

use super::*;
use crate::helpers::{TestApp, code, count, ok, refused};

const ADA: u128 = 1;
const BOB: u128 = 2;
const CAT: u128 = 3;
const DAN: u128 = 4;
/// No such user.
const NOBODY: u128 = 99;

/// The `FORBIDDEN` reasons of `access::Hidden` these mutations answer with.
const HIDDEN_FRIEND_REQUEST: &str = "only its sender and receiver may see a friend request";
const HIDDEN_STORY: &str =
    "only the author and, until it expires, the author's friends may see a story";
const HIDDEN_EXPIRED_STORY: &str = "this story has expired: only its author may still see it";
const HIDDEN_NOTIFICATION: &str = "only its recipient may see a notification";
const HIDDEN_CONVERSATION: &str = "only the conversation's participants may see it";

/// Ada, Bob, Cat and Dan; Ada and Bob are friends.
async fn cast(app: &TestApp) -> Fixture<'_> {
    let f = Fixture { app };
    for n in [ADA, BOB, CAT, DAN] {
        f.user(n).await;
    }
    f.friends(ADA, BOB, 1).await;
    f
}

/// A timestamp of a response.
fn ts(v: &Value) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(v.as_str().unwrap_or_else(|| panic!("not a time: {v}")))
        .unwrap()
        .with_timezone(&Utc)
}

/// `t` at whole seconds, as a GraphQL `DateTime`.
fn whole_seconds(t: DateTime<Utc>) -> (DateTime<Utc>, String) {
    let t = DateTime::from_timestamp(t.timestamp(), 0).unwrap();
    (t, t.to_rfc3339())
}

/// The friend request row `id`.
async fn request_row(app: &TestApp, rid: Uuid) -> friend_requests::Model {
    friend_requests::Entity::find_by_id(rid)
        .one(app.db.get(Domain::Bellamy))
        .await
        .unwrap()
        .expect("friend request row")
}

/// Every friendship row as `(user, friend)`, sorted.
async fn friendship_rows(app: &TestApp) -> Vec<(Uuid, Uuid)> {
    let mut v: Vec<(Uuid, Uuid)> = friendships::Entity::find()
        .all(app.db.get(Domain::Bellamy))
        .await
        .unwrap()
        .into_iter()
        .map(|f| (f.user_id, f.friend_id))
        .collect();
    v.sort();
    v
}

/// The ids of `n`'s friends through the read API (as `n`), sorted.
async fn friends_of(app: &TestApp, n: u128) -> Vec<String> {
    let res = call(
        app,
        Some(n),
        "query($id: UUID!) { bellamyUser(id: $id) { friends { nodes { id } } } }",
        json!({ "id": s(n) }),
    )
    .await;
    let mut v: Vec<String> = ok(&res)["bellamyUser"]["friends"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["id"].as_str().unwrap().to_owned())
        .collect();
    v.sort();
    v
}

/// Asserts `res` was refused with `FORBIDDEN` and the message `reason`.
fn forbidden(res: &Value, reason: &str) {
    refused(res, "FORBIDDEN", None);
    assert_eq!(res["errors"][0]["message"], reason, "{res}");
}

/// `(userId, lastReadAt)` of a conversation's participants, sorted by user.
fn participants(conversation: &Value) -> Vec<(String, Value)> {
    let mut v: Vec<(String, Value)> = conversation["participants"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["userId"].as_str().unwrap().to_owned(),
                p["lastReadAt"].clone(),
            )
        })
        .collect();
    v.sort_by(|a, b| a.0.cmp(&b.0));
    v
}

// ------------------------------------------------------------------------ friend requests

#[tokio::test]
async fn an_accepted_friend_request_makes_friends_both_ways_and_notifies_both() {
    let app = TestApp::spawn().await;
    cast(&app).await;

    let res = call(
        &app,
        Some(CAT),
        SEND_REQUEST,
        json!({ "input": { "receiverId": s(ADA) } }),
    )
    .await;
    let r = ok(&res)["bellamySendFriendRequest"]["friendRequest"].clone();
    assert_eq!(r["senderId"], s(CAT));
    assert_eq!(r["receiverId"], s(ADA));
    assert_eq!(r["status"], "PENDING");
    assert!(r["respondedAt"].is_null(), "{r}");
    assert_eq!(ts(&r["createdAt"]), ts(&r["updatedAt"]));
    let rid: Uuid = r["id"].as_str().unwrap().parse().unwrap();
    let row = request_row(&app, rid).await;
    assert_eq!(
        (row.sender_id, row.receiver_id, row.status),
        (id(CAT), id(ADA), FriendRequestStatus::Pending)
    );
    assert_eq!(row.created_at, ts(&r["createdAt"]));
    assert!(row.responded_at.is_none());
    assert_eq!(
        notifications_of(&app, ADA).await,
        vec![(
            "friend_request".to_owned(),
            json!({ "requestId": rid.to_string(), "senderId": s(CAT) })
        )]
    );
    assert!(notifications_of(&app, CAT).await.is_empty());

    let res = call(&app, Some(ADA), ACCEPT, json!({ "id": rid })).await;
    let p = &ok(&res)["bellamyAcceptFriendRequest"];
    assert_eq!(p["friendRequest"]["id"], rid.to_string());
    assert_eq!(p["friendRequest"]["status"], "ACCEPTED");
    let responded = ts(&p["friendRequest"]["respondedAt"]);
    assert_eq!(ts(&p["friendRequest"]["updatedAt"]), responded);
    assert_eq!(p["friendship"]["userId"], s(ADA));
    assert_eq!(p["friendship"]["friendId"], s(CAT));
    let row = request_row(&app, rid).await;
    assert_eq!(row.status, FriendRequestStatus::Accepted);
    assert_eq!(row.responded_at, Some(responded));
    assert!(responded > row.created_at);

    let mut expected = vec![
        (id(ADA), id(BOB)),
        (id(ADA), id(CAT)),
        (id(BOB), id(ADA)),
        (id(CAT), id(ADA)),
    ];
    expected.sort();
    assert_eq!(friendship_rows(&app).await, expected);
    let mut ada_friends = vec![s(BOB), s(CAT)];
    ada_friends.sort();
    assert_eq!(friends_of(&app, ADA).await, ada_friends);
    assert_eq!(friends_of(&app, CAT).await, vec![s(ADA)]);
    assert_eq!(
        notifications_of(&app, CAT).await,
        vec![(
            "friend_request_accepted".to_owned(),
            json!({ "requestId": rid.to_string(), "userId": s(ADA) })
        )]
    );
    assert_eq!(notifications_of(&app, ADA).await.len(), 1);

    // Now friends: asking again, either way, is a conflict; the request cannot move.
    let before = counts(&app).await;
    for (from, to) in [(CAT, ADA), (ADA, CAT), (ADA, BOB)] {
        let res = call(
            &app,
            Some(from),
            SEND_REQUEST,
            json!({ "input": { "receiverId": s(to) } }),
        )
        .await;
        refused(&res, "CONFLICT", None);
    }
    let res = call(&app, Some(ADA), ACCEPT, json!({ "id": rid })).await;
    refused(&res, "BAD_USER_INPUT", Some("id"));
    let res = call(&app, Some(ADA), DECLINE, json!({ "id": rid })).await;
    refused(&res, "BAD_USER_INPUT", Some("id"));
    let res = call(&app, Some(CAT), CANCEL, json!({ "id": rid })).await;
    refused(&res, "BAD_USER_INPUT", Some("id"));
    assert_eq!(counts(&app).await, before);
    assert_eq!(
        request_row(&app, rid).await.status,
        FriendRequestStatus::Accepted
    );
}

#[tokio::test]
async fn decline_and_cancel_set_the_status_and_sending_again_reopens_the_same_row() {
    let app = TestApp::spawn().await;
    cast(&app).await;

    let rid = send_request(&app, CAT, DAN).await;
    let res = call(&app, Some(DAN), DECLINE, json!({ "id": rid })).await;
    let r = &ok(&res)["bellamyDeclineFriendRequest"]["friendRequest"];
    assert_eq!(r["id"], rid.to_string());
    assert_eq!(r["status"], "DECLINED");
    let responded = ts(&r["respondedAt"]);
    let row = request_row(&app, rid).await;
    assert_eq!(row.status, FriendRequestStatus::Declined);
    assert_eq!(row.responded_at, Some(responded));
    assert_eq!(friendship_rows(&app).await.len(), 2, "only Ada and Bob");
    assert!(notifications_of(&app, CAT).await.is_empty());

    // Sending again reopens the declined row: same id, pending, no response.
    let res = call(
        &app,
        Some(CAT),
        SEND_REQUEST,
        json!({ "input": { "receiverId": s(DAN) } }),
    )
    .await;
    let r = &ok(&res)["bellamySendFriendRequest"]["friendRequest"];
    assert_eq!(r["id"], rid.to_string());
    assert_eq!(r["status"], "PENDING");
    assert!(r["respondedAt"].is_null(), "{r}");
    assert!(ts(&r["createdAt"]) > responded);
    assert_eq!(
        count(app.db.get(Domain::Bellamy), "friend_requests").await,
        1
    );
    let row = request_row(&app, rid).await;
    assert_eq!(row.status, FriendRequestStatus::Pending);
    assert!(row.responded_at.is_none());
    let dan = notifications_of(&app, DAN).await;
    assert_eq!(dan.len(), 2);
    assert!(dan.iter().all(|(t, d)| t == "friend_request"
        && *d == json!({ "requestId": rid.to_string(), "senderId": s(CAT) })));

    // The sender cancels; sending again reopens it once more.
    let res = call(&app, Some(CAT), CANCEL, json!({ "id": rid })).await;
    let r = &ok(&res)["bellamyCancelFriendRequest"]["friendRequest"];
    assert_eq!(r["status"], "CANCELLED");
    assert!(!r["respondedAt"].is_null(), "{r}");
    assert_eq!(
        request_row(&app, rid).await.status,
        FriendRequestStatus::Cancelled
    );
    let before = counts(&app).await;
    for q in [ACCEPT, DECLINE] {
        let res = call(&app, Some(DAN), q, json!({ "id": rid })).await;
        refused(&res, "BAD_USER_INPUT", Some("id"));
    }
    let res = call(&app, Some(CAT), CANCEL, json!({ "id": rid })).await;
    refused(&res, "BAD_USER_INPUT", Some("id"));
    assert_eq!(counts(&app).await, before);
    assert_eq!(send_request(&app, CAT, DAN).await, rid);
    assert_eq!(
        count(app.db.get(Domain::Bellamy), "friend_requests").await,
        1
    );

    // The reverse request is refused while this one is pending; the receiver accepts.
    let res = call(
        &app,
        Some(DAN),
        SEND_REQUEST,
        json!({ "input": { "receiverId": s(CAT) } }),
    )
    .await;
    refused(&res, "CONFLICT", None);
    let res = call(&app, Some(DAN), ACCEPT, json!({ "id": rid })).await;
    ok(&res);
    assert_eq!(friends_of(&app, DAN).await, vec![s(CAT)]);
}

#[tokio::test]
async fn a_pending_request_either_way_is_a_conflict() {
    let app = TestApp::spawn().await;
    cast(&app).await;
    let rid = send_request(&app, CAT, DAN).await;
    let before = counts(&app).await;
    for (from, to) in [(CAT, DAN), (DAN, CAT)] {
        let res = call(
            &app,
            Some(from),
            SEND_REQUEST,
            json!({ "input": { "receiverId": s(to) } }),
        )
        .await;
        refused(&res, "CONFLICT", None);
    }
    assert_eq!(counts(&app).await, before);
    let row = request_row(&app, rid).await;
    assert_eq!(
        (row.sender_id, row.status),
        (id(CAT), FriendRequestStatus::Pending)
    );
    assert_eq!(notifications_of(&app, DAN).await.len(), 1);
    assert!(notifications_of(&app, CAT).await.is_empty());
}

#[tokio::test]
async fn friend_requests_to_yourself_or_to_nobody_and_unknown_requests_are_refused() {
    let app = TestApp::spawn().await;
    cast(&app).await;
    let before = counts(&app).await;

    let res = call(
        &app,
        Some(CAT),
        SEND_REQUEST,
        json!({ "input": { "receiverId": s(CAT) } }),
    )
    .await;
    refused(&res, "BAD_USER_INPUT", Some("input.receiverId"));
    let res = call(
        &app,
        Some(CAT),
        SEND_REQUEST,
        json!({ "input": { "receiverId": s(NOBODY) } }),
    )
    .await;
    refused(&res, "NOT_FOUND", None);
    for q in [ACCEPT, DECLINE, CANCEL] {
        let res = call(&app, Some(CAT), q, json!({ "id": s(12_345) })).await;
        refused(&res, "NOT_FOUND", None);
    }
    assert_eq!(counts(&app).await, before);
}

#[tokio::test]
async fn only_the_receiver_answers_and_only_the_sender_cancels_a_request() {
    let app = TestApp::spawn().await;
    cast(&app).await;
    let rid = send_request(&app, CAT, DAN).await;
    let before = counts(&app).await;

    // The wrong party of the request: told who may.
    for q in [ACCEPT, DECLINE] {
        let res = call(&app, Some(CAT), q, json!({ "id": rid })).await;
        refused(&res, "FORBIDDEN", None);
        let msg = res["errors"][0]["message"].as_str().unwrap();
        assert!(msg.contains("receiver"), "{res}");
    }
    let res = call(&app, Some(DAN), CANCEL, json!({ "id": rid })).await;
    refused(&res, "FORBIDDEN", None);
    assert!(
        res["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("sender"),
        "{res}"
    );
    // Someone else: the request is hidden from them, with the read rule's reason.
    for q in [ACCEPT, DECLINE, CANCEL] {
        let res = call(&app, Some(ADA), q, json!({ "id": rid })).await;
        forbidden(&res, HIDDEN_FRIEND_REQUEST);
    }
    assert_eq!(counts(&app).await, before);
    let row = request_row(&app, rid).await;
    assert_eq!(row.status, FriendRequestStatus::Pending);
    assert!(row.responded_at.is_none());
    assert_eq!(friendship_rows(&app).await.len(), 2);
}

#[tokio::test]
async fn unfriend_removes_both_rows_and_needs_a_friendship() {
    let app = TestApp::spawn().await;
    cast(&app).await;
    let cat_dan = cast_friends_cat_and_dan(&app).await;

    let res = call(&app, Some(BOB), UNFRIEND, json!({ "userId": s(ADA) })).await;
    let u = &ok(&res)["bellamyUnfriend"]["user"];
    assert_eq!(u["id"], s(ADA));
    assert_eq!(u["username"], "user001");
    assert_eq!(
        friendship_rows(&app).await,
        vec![(id(CAT), id(DAN)), (id(DAN), id(CAT))]
    );
    assert!(friends_of(&app, ADA).await.is_empty());
    assert!(friends_of(&app, BOB).await.is_empty());

    let before = counts(&app).await;
    for (actor, other) in [(ADA, BOB), (BOB, ADA), (ADA, CAT)] {
        let res = call(&app, Some(actor), UNFRIEND, json!({ "userId": s(other) })).await;
        refused(&res, "NOT_FOUND", None);
    }
    let res = call(&app, Some(ADA), UNFRIEND, json!({ "userId": s(NOBODY) })).await;
    refused(&res, "NOT_FOUND", None);
    let res = call(&app, Some(ADA), UNFRIEND, json!({ "userId": s(ADA) })).await;
    refused(&res, "BAD_USER_INPUT", Some("userId"));
    assert_eq!(counts(&app).await, before);

    // No longer friends, they may ask again.
    let rid = send_request(&app, ADA, BOB).await;
    ok(&call(&app, Some(BOB), ACCEPT, json!({ "id": rid })).await);
    assert_eq!(friends_of(&app, ADA).await, vec![s(BOB)]);

    // Unfriending after an accepted request: asking again reopens that request.
    let res = call(&app, Some(DAN), UNFRIEND, json!({ "userId": s(CAT) })).await;
    assert_eq!(ok(&res)["bellamyUnfriend"]["user"]["id"], s(CAT));
    assert!(friends_of(&app, CAT).await.is_empty());
    assert_eq!(send_request(&app, CAT, DAN).await, cat_dan);
    let row = request_row(&app, cat_dan).await;
    assert_eq!(row.status, FriendRequestStatus::Pending);
    assert!(row.responded_at.is_none());
    assert_eq!(
        count(app.db.get(Domain::Bellamy), "friend_requests").await,
        2
    );
}

/// Cat and Dan become friends through a request Dan accepts; returns the request.
async fn cast_friends_cat_and_dan(app: &TestApp) -> Uuid {
    let rid = send_request(app, CAT, DAN).await;
    ok(&call(app, Some(DAN), ACCEPT, json!({ "id": rid })).await);
    rid
}

// -------------------------------------------------------------------------------- follows

#[tokio::test]
async fn follow_and_unfollow() {
    let app = TestApp::spawn().await;
    cast(&app).await;
    let db = app.db.get(Domain::Bellamy);

    let res = call(&app, Some(ADA), FOLLOW, json!({ "userId": s(CAT) })).await;
    let f = &ok(&res)["bellamyFollow"]["follow"];
    assert_eq!(f["followerId"], s(ADA));
    assert_eq!(f["followeeId"], s(CAT));
    let row = follows::Entity::find_by_id((id(ADA), id(CAT)))
        .one(db)
        .await
        .unwrap()
        .expect("follow row");
    assert_eq!(row.created_at, ts(&f["createdAt"]));
    assert_eq!(count(db, "follows").await, 1);
    let res = call(
        &app,
        Some(DAN),
        "query($id: UUID!) { bellamyUser(id: $id) { followers { nodes { id } } } }",
        json!({ "id": s(CAT) }),
    )
    .await;
    assert_eq!(
        ok(&res)["bellamyUser"]["followers"]["nodes"],
        json!([{ "id": s(ADA) }])
    );

    let before = counts(&app).await;
    let res = call(&app, Some(ADA), FOLLOW, json!({ "userId": s(CAT) })).await;
    refused(&res, "CONFLICT", None);
    let res = call(&app, Some(ADA), FOLLOW, json!({ "userId": s(ADA) })).await;
    refused(&res, "BAD_USER_INPUT", Some("userId"));
    let res = call(&app, Some(ADA), FOLLOW, json!({ "userId": s(NOBODY) })).await;
    refused(&res, "NOT_FOUND", None);
    assert_eq!(counts(&app).await, before);

    // Following is one way: Cat following Ada back is a second row.
    ok(&call(&app, Some(CAT), FOLLOW, json!({ "userId": s(ADA) })).await);
    assert_eq!(count(db, "follows").await, 2);

    let res = call(&app, Some(ADA), UNFOLLOW, json!({ "userId": s(CAT) })).await;
    let u = &ok(&res)["bellamyUnfollow"]["user"];
    assert_eq!(u["id"], s(CAT));
    assert_eq!(u["username"], "user003");
    assert!(
        follows::Entity::find_by_id((id(ADA), id(CAT)))
            .one(db)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        follows::Entity::find_by_id((id(CAT), id(ADA)))
            .one(db)
            .await
            .unwrap()
            .is_some()
    );

    let before = counts(&app).await;
    for other in [CAT, DAN, NOBODY] {
        let res = call(&app, Some(ADA), UNFOLLOW, json!({ "userId": s(other) })).await;
        refused(&res, "NOT_FOUND", None);
    }
    let res = call(&app, Some(ADA), UNFOLLOW, json!({ "userId": s(ADA) })).await;
    refused(&res, "BAD_USER_INPUT", Some("userId"));
    assert_eq!(counts(&app).await, before);
}

// -------------------------------------------------------------------------------- stories

#[tokio::test]
async fn a_story_expires_after_24_hours_unless_told_otherwise() {
    let app = TestApp::spawn().await;
    cast(&app).await;
    let db = app.db.get(Domain::Bellamy);

    let started = Utc::now();
    let res = call(
        &app,
        Some(ADA),
        POST_STORY,
        json!({ "input": { "mediaUrl": "https://cdn.example/a.jpg", "type": "IMAGE" } }),
    )
    .await;
    let st = &ok(&res)["bellamyPostStory"]["story"];
    assert_eq!(st["userId"], s(ADA));
    assert_eq!(st["mediaUrl"], "https://cdn.example/a.jpg");
    assert_eq!(st["type"], "IMAGE");
    let created = ts(&st["createdAt"]);
    assert!(created >= started - Duration::seconds(1) && created <= Utc::now());
    assert_eq!(ts(&st["expiresAt"]) - created, Duration::hours(24));
    let sid: Uuid = st["id"].as_str().unwrap().parse().unwrap();
    let row = stories::Entity::find_by_id(sid)
        .one(db)
        .await
        .unwrap()
        .expect("story row");
    assert_eq!(
        (row.user_id, row.r#type, row.created_at, row.expires_at),
        (
            id(ADA),
            StoryType::Image,
            created,
            created + Duration::hours(24)
        )
    );

    let (expires, expires_str) = whole_seconds(Utc::now() + Duration::hours(2));
    let res = call(
        &app,
        Some(ADA),
        POST_STORY,
        json!({ "input": {
            "mediaUrl": "https://cdn.example/b.mp4", "type": "VIDEO", "expiresAt": expires_str
        } }),
    )
    .await;
    let st = &ok(&res)["bellamyPostStory"]["story"];
    assert_eq!(st["type"], "VIDEO");
    assert_eq!(ts(&st["expiresAt"]), expires);
    let sid: Uuid = st["id"].as_str().unwrap().parse().unwrap();
    let row = stories::Entity::find_by_id(sid)
        .one(db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.expires_at, expires);
    assert_eq!(row.r#type, StoryType::Video);

    // Almost a week is fine.
    let (_, week) = whole_seconds(Utc::now() + Duration::days(7) - Duration::minutes(1));
    ok(&call(
        &app,
        Some(ADA),
        POST_STORY,
        json!({ "input": { "mediaUrl": "https://cdn.example/c.jpg", "type": "IMAGE", "expiresAt": week } }),
    )
    .await);
    assert_eq!(count(db, "stories").await, 3);
}

#[tokio::test]
async fn story_expiry_and_media_url_are_validated() {
    let app = TestApp::spawn().await;
    cast(&app).await;
    let before = counts(&app).await;
    let (_, past) = whole_seconds(Utc::now() - Duration::minutes(5));
    let (_, too_far) = whole_seconds(Utc::now() + Duration::days(7) + Duration::hours(1));
    for at in [past, too_far] {
        let res = call(
            &app,
            Some(ADA),
            POST_STORY,
            json!({ "input": { "mediaUrl": "https://cdn.example/a.jpg", "type": "IMAGE", "expiresAt": at } }),
        )
        .await;
        refused(&res, "BAD_USER_INPUT", Some("input.expiresAt"));
    }
    let long = format!("https://cdn.example/{}", "a".repeat(500));
    for url in ["ftp://cdn.example/a.jpg", "not a url", "", long.as_str()] {
        let res = call(
            &app,
            Some(ADA),
            POST_STORY,
            json!({ "input": { "mediaUrl": url, "type": "IMAGE" } }),
        )
        .await;
        refused(&res, "BAD_USER_INPUT", Some("input.mediaUrl"));
    }
    assert_eq!(counts(&app).await, before);
}

#[tokio::test]
async fn a_friend_views_a_story_once_and_the_author_is_notified_once() {
    let app = TestApp::spawn().await;
    cast(&app).await;
    let db = app.db.get(Domain::Bellamy);
    let story = post_story(&app, ADA).await;

    let res = call(&app, Some(BOB), VIEW_STORY, json!({ "storyId": story })).await;
    let p = &ok(&res)["bellamyViewStory"];
    assert_eq!(p["story"]["id"], story);
    assert_eq!(p["view"]["storyId"], story);
    assert_eq!(p["view"]["userId"], s(BOB));
    let first = ts(&p["view"]["viewedAt"]);
    let sid: Uuid = story.parse().unwrap();
    let row = story_viewers::Entity::find_by_id((sid, id(BOB)))
        .one(db)
        .await
        .unwrap()
        .expect("view row");
    assert_eq!(row.viewed_at, first);
    assert_eq!(
        notifications_of(&app, ADA).await,
        vec![(
            "story_view".to_owned(),
            json!({ "storyId": story, "userId": s(BOB) })
        )]
    );

    // Again: the first view stays, no second row or notification.
    let before = counts(&app).await;
    let res = call(&app, Some(BOB), VIEW_STORY, json!({ "storyId": story })).await;
    let p = &ok(&res)["bellamyViewStory"];
    assert_eq!(ts(&p["view"]["viewedAt"]), first);
    assert_eq!(counts(&app).await, before);
    assert_eq!(notifications_of(&app, ADA).await.len(), 1);

    // The author's own view is not recorded.
    let res = call(&app, Some(ADA), VIEW_STORY, json!({ "storyId": story })).await;
    let p = &ok(&res)["bellamyViewStory"];
    assert_eq!(p["story"]["id"], story);
    assert!(p["view"].is_null(), "{res}");
    assert_eq!(counts(&app).await, before);

    // Not a friend: hidden. Unknown: not found.
    for n in [CAT, DAN] {
        let res = call(&app, Some(n), VIEW_STORY, json!({ "storyId": story })).await;
        forbidden(&res, HIDDEN_STORY);
    }
    let res = call(&app, Some(BOB), VIEW_STORY, json!({ "storyId": s(6999) })).await;
    refused(&res, "NOT_FOUND", None);
    assert_eq!(counts(&app).await, before);
    assert_eq!(count(db, "story_viewers").await, 1);
}

#[tokio::test]
async fn an_expired_story_cannot_be_viewed_by_friends() {
    let app = TestApp::spawn().await;
    let f = cast(&app).await;
    let now = Utc::now();
    stories::Model {
        id: id(6001),
        user_id: id(ADA),
        media_url: "https://cdn.example/old.jpg".into(),
        r#type: StoryType::Image,
        created_at: now - Duration::hours(25),
        expires_at: now - Duration::hours(1),
    }
    .into_active_model()
    .insert(f.db())
    .await
    .unwrap();
    let before = counts(&app).await;
    let res = call(&app, Some(BOB), VIEW_STORY, json!({ "storyId": s(6001) })).await;
    forbidden(&res, HIDDEN_EXPIRED_STORY);
    assert_eq!(counts(&app).await, before);
    assert!(notifications_of(&app, ADA).await.is_empty());
    // Its author still may (nothing recorded).
    let res = call(&app, Some(ADA), VIEW_STORY, json!({ "storyId": s(6001) })).await;
    assert!(ok(&res)["bellamyViewStory"]["view"].is_null(), "{res}");
    assert_eq!(counts(&app).await, before);
}

#[tokio::test]
async fn only_the_author_deletes_a_story_and_its_views_go_with_it() {
    let app = TestApp::spawn().await;
    cast(&app).await;
    let db = app.db.get(Domain::Bellamy);
    let story = post_story(&app, ADA).await;
    let other = post_story(&app, BOB).await;
    ok(&call(&app, Some(BOB), VIEW_STORY, json!({ "storyId": story })).await);
    ok(&call(&app, Some(ADA), VIEW_STORY, json!({ "storyId": other })).await);
    assert_eq!(count(db, "story_viewers").await, 2);

    let before = counts(&app).await;
    for n in [BOB, CAT] {
        let res = call(&app, Some(n), DELETE_STORY, json!({ "id": story })).await;
        refused(&res, "FORBIDDEN", None);
    }
    assert_eq!(counts(&app).await, before);

    let res = call(&app, Some(ADA), DELETE_STORY, json!({ "id": story })).await;
    assert_eq!(ok(&res)["bellamyDeleteStory"]["deletedId"], story);
    let sid: Uuid = story.parse().unwrap();
    assert!(
        stories::Entity::find_by_id(sid)
            .one(db)
            .await
            .unwrap()
            .is_none()
    );
    let views = story_viewers::Entity::find().all(db).await.unwrap();
    assert_eq!(views.len(), 1, "only the view of Bob's story remains");
    assert_eq!(views[0].story_id, other.parse::<Uuid>().unwrap());
    assert_eq!(count(db, "stories").await, 1);

    let before = counts(&app).await;
    let res = call(&app, Some(ADA), DELETE_STORY, json!({ "id": story })).await;
    refused(&res, "NOT_FOUND", None);
    assert_eq!(counts(&app).await, before);
}

// -------------------------------------------------------------------------- notifications

/// Whether notification `7000 + n` is read.
async fn is_read(app: &TestApp, n: u128) -> bool {
    notifications::Entity::find_by_id(id(7000 + n))
        .one(app.db.get(Domain::Bellamy))
        .await
        .unwrap()
        .expect("notification row")
        .read
}

#[tokio::test]
async fn only_the_recipient_marks_a_notification_read() {
    let app = TestApp::spawn().await;
    let f = cast(&app).await;
    f.notification(1, ADA, false, 10).await;
    f.notification(2, BOB, false, 11).await;

    for _ in 0..2 {
        // Twice: already read stays read.
        let res = call(&app, Some(ADA), MARK_READ, json!({ "id": s(7001) })).await;
        let n = &ok(&res)["bellamyMarkNotificationRead"]["notification"];
        assert_eq!(n["id"], s(7001));
        assert_eq!(n["userId"], s(ADA));
        assert_eq!(n["read"], true);
        assert!(is_read(&app, 1).await);
    }

    let before = counts(&app).await;
    let res = call(&app, Some(ADA), MARK_READ, json!({ "id": s(7002) })).await;
    forbidden(&res, HIDDEN_NOTIFICATION);
    assert!(!is_read(&app, 2).await);
    let res = call(&app, Some(ADA), MARK_READ, json!({ "id": s(7999) })).await;
    refused(&res, "NOT_FOUND", None);
    assert_eq!(counts(&app).await, before);
}

#[tokio::test]
async fn mark_all_read_touches_only_the_actors_unread_notifications() {
    let app = TestApp::spawn().await;
    let f = cast(&app).await;
    for (n, user, read) in [
        (1, ADA, false),
        (2, ADA, false),
        (3, ADA, false),
        (4, ADA, true),
        (5, BOB, false),
        (6, CAT, false),
    ] {
        f.notification(n, user, read, n as i64).await;
    }

    let res = call(&app, Some(ADA), MARK_ALL_READ, json!({})).await;
    let p = &ok(&res)["bellamyMarkAllNotificationsRead"];
    assert_eq!(p["count"], 3);
    assert_eq!(p["user"]["id"], s(ADA));
    assert_eq!(p["user"]["unreadNotificationCount"], 0);
    for n in 1..=4 {
        assert!(is_read(&app, n).await, "notification {n}");
    }
    assert!(!is_read(&app, 5).await);
    assert!(!is_read(&app, 6).await);

    // Nothing left to mark.
    let res = call(&app, Some(ADA), MARK_ALL_READ, json!({})).await;
    assert_eq!(ok(&res)["bellamyMarkAllNotificationsRead"]["count"], 0);

    let res = call(
        &app,
        Some(BOB),
        "query($id: UUID!) { bellamyUser(id: $id) { unreadNotificationCount } }",
        json!({ "id": s(BOB) }),
    )
    .await;
    assert_eq!(ok(&res)["bellamyUser"]["unreadNotificationCount"], 1);

    // Dan has none: zero, no error.
    let res = call(&app, Some(DAN), MARK_ALL_READ, json!({})).await;
    let p = &ok(&res)["bellamyMarkAllNotificationsRead"];
    assert_eq!(
        (p["count"].clone(), p["user"]["id"].clone()),
        (json!(0), json!(s(DAN)))
    );
    assert_eq!(count(app.db.get(Domain::Bellamy), "notifications").await, 6);
}

// -------------------------------------------------------------------------- conversations

#[tokio::test]
async fn a_one_to_one_conversation_is_started_once_and_reused() {
    let app = TestApp::spawn().await;
    cast(&app).await;
    let db = app.db.get(Domain::Bellamy);

    let p = start(&app, ADA, &[BOB], Some("hi Bob")).await;
    let c = &p["conversation"];
    let cid = c["id"].as_str().unwrap().to_owned();
    assert_eq!(c["participants"]["totalCount"], 2);
    let members = participants(c);
    assert_eq!(
        members.iter().map(|m| m.0.clone()).collect::<Vec<_>>(),
        vec![s(ADA), s(BOB)]
    );
    assert!(!members[0].1.is_null(), "the starter has read it: {p}");
    assert!(members[1].1.is_null(), "Bob has not: {p}");
    let m = &p["message"];
    assert_eq!(m["conversationId"], cid);
    assert_eq!(m["senderId"], s(ADA));
    assert_eq!(m["content"], "hi Bob");
    assert_eq!(m["type"], "TEXT");
    assert_eq!(m["read"], false);
    assert_eq!(ts(&c["updatedAt"]), ts(&m["createdAt"]));
    assert_eq!(
        (
            count(db, "conversations").await,
            count(db, "conversation_participants").await,
            count(db, "messages").await
        ),
        (1, 2, 1)
    );

    // Bob starting one with Ada gets the same conversation; so does Ada listing herself
    // and Bob twice.
    let p = start(&app, BOB, &[ADA], None).await;
    assert_eq!(p["conversation"]["id"], cid);
    assert!(p["message"].is_null(), "{p}");
    let p = start(&app, ADA, &[BOB, ADA, BOB], Some("again")).await;
    assert_eq!(p["conversation"]["id"], cid);
    assert_eq!(p["message"]["content"], "again");
    assert_eq!(p["conversation"]["participants"]["totalCount"], 2);
    assert_eq!(
        (
            count(db, "conversations").await,
            count(db, "conversation_participants").await,
            count(db, "messages").await
        ),
        (1, 2, 2)
    );

    // A group of three is its own conversation; Ada and Cat have none yet.
    let p = start(&app, ADA, &[BOB, CAT], Some("hello all")).await;
    let group = p["conversation"]["id"].as_str().unwrap().to_owned();
    assert_ne!(group, cid);
    assert_eq!(p["conversation"]["participants"]["totalCount"], 3);
    assert_eq!(
        participants(&p["conversation"])
            .into_iter()
            .map(|m| m.0)
            .collect::<Vec<_>>(),
        vec![s(ADA), s(BOB), s(CAT)]
    );
    let p = start(&app, CAT, &[ADA], None).await;
    let ada_cat = p["conversation"]["id"].as_str().unwrap().to_owned();
    assert!(ada_cat != cid && ada_cat != group);
    assert_eq!(count(db, "conversations").await, 3);
    assert_eq!(count(db, "conversation_participants").await, 7);
    let group_rows = conversation_participants::Entity::find()
        .filter(
            conversation_participants::Column::ConversationId.eq(group.parse::<Uuid>().unwrap()),
        )
        .all(db)
        .await
        .unwrap();
    assert_eq!(group_rows.len(), 3);
}

#[tokio::test]
async fn starting_a_conversation_needs_other_existing_users_and_a_valid_message() {
    let app = TestApp::spawn().await;
    cast(&app).await;
    let before = counts(&app).await;
    for ids in [vec![s(ADA)], vec![], vec![s(ADA), s(ADA)]] {
        let res = call(
            &app,
            Some(ADA),
            START,
            json!({ "input": { "participantIds": ids } }),
        )
        .await;
        refused(&res, "BAD_USER_INPUT", Some("input.participantIds"));
    }
    for ids in [
        vec![s(NOBODY)],
        vec![s(BOB), s(NOBODY)],
        vec![s(BOB), s(CAT), s(NOBODY)],
    ] {
        let res = call(
            &app,
            Some(ADA),
            START,
            json!({ "input": { "participantIds": ids, "message": { "content": "hi" } } }),
        )
        .await;
        refused(&res, "BAD_USER_INPUT", Some("input.participantIds"));
        assert!(
            res["errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains(&s(NOBODY)),
            "names the missing user: {res}"
        );
    }
    let too_many: Vec<String> = (100..150).map(s).collect();
    let res = call(
        &app,
        Some(ADA),
        START,
        json!({ "input": { "participantIds": too_many } }),
    )
    .await;
    refused(&res, "BAD_USER_INPUT", Some("input.participantIds"));
    for (content, kind) in [("", "TEXT"), ("   ", "TEXT"), ("not a url", "IMAGE")] {
        let res = call(
            &app,
            Some(ADA),
            START,
            json!({ "input": {
                "participantIds": [s(BOB)], "message": { "content": content, "type": kind }
            } }),
        )
        .await;
        refused(&res, "BAD_USER_INPUT", Some("input.message.content"));
    }
    assert_eq!(counts(&app).await, before);
}

#[tokio::test]
async fn participants_send_messages_and_others_are_refused() {
    let app = TestApp::spawn().await;
    cast(&app).await;
    let db = app.db.get(Domain::Bellamy);
    let p = start(&app, ADA, &[BOB], None).await;
    let cid = p["conversation"]["id"].as_str().unwrap().to_owned();
    let created = ts(&p["conversation"]["updatedAt"]);

    let p = send(&app, BOB, &cid, "hello Ada").await;
    let m = &p["message"];
    assert_eq!(m["conversationId"], cid);
    assert_eq!(m["senderId"], s(BOB));
    assert_eq!(m["content"], "hello Ada");
    assert_eq!(m["type"], "TEXT");
    assert_eq!(m["read"], false);
    assert_eq!(p["conversation"]["id"], cid);
    let moved = ts(&p["conversation"]["updatedAt"]);
    assert!(moved > created, "{p}");
    assert_eq!(moved, ts(&m["createdAt"]));
    let mid: Uuid = m["id"].as_str().unwrap().parse().unwrap();
    let row = messages::Entity::find_by_id(mid)
        .one(db)
        .await
        .unwrap()
        .expect("message row");
    assert_eq!(
        (row.sender_id, row.content.as_str(), row.read),
        (id(BOB), "hello Ada", false)
    );
    // The sender has read up to their own message.
    let bob =
        conversation_participants::Entity::find_by_id((cid.parse::<Uuid>().unwrap(), id(BOB)))
            .one(db)
            .await
            .unwrap()
            .unwrap();
    assert_eq!(bob.last_read_at, Some(moved));

    let res = call(
        &app,
        Some(ADA),
        SEND_MESSAGE,
        json!({ "input": {
            "conversationId": cid, "content": "https://cdn.example/p.png", "type": "IMAGE"
        } }),
    )
    .await;
    let p = &ok(&res)["bellamySendMessage"];
    assert_eq!(p["message"]["type"], "IMAGE");
    assert_eq!(p["message"]["content"], "https://cdn.example/p.png");
    assert!(ts(&p["conversation"]["updatedAt"]) > moved);
    assert_eq!(count(db, "messages").await, 2);

    let before = counts(&app).await;
    for (content, kind, bad) in [
        ("", "TEXT", "input.content"),
        (" \n ", "TEXT", "input.content"),
        ("a picture", "IMAGE", "input.content"),
        ("ftp://cdn.example/v.mp4", "VIDEO", "input.content"),
    ] {
        let res = call(
            &app,
            Some(ADA),
            SEND_MESSAGE,
            json!({ "input": { "conversationId": cid, "content": content, "type": kind } }),
        )
        .await;
        refused(&res, "BAD_USER_INPUT", Some(bad));
    }
    let long = "x".repeat(10_001);
    let res = call(
        &app,
        Some(ADA),
        SEND_MESSAGE,
        json!({ "input": { "conversationId": cid, "content": long } }),
    )
    .await;
    refused(&res, "BAD_USER_INPUT", Some("input.content"));
    for n in [CAT, DAN] {
        let res = call(
            &app,
            Some(n),
            SEND_MESSAGE,
            json!({ "input": { "conversationId": cid, "content": "let me in" } }),
        )
        .await;
        forbidden(&res, HIDDEN_CONVERSATION);
    }
    let res = call(
        &app,
        Some(ADA),
        SEND_MESSAGE,
        json!({ "input": { "conversationId": s(8999), "content": "anyone?" } }),
    )
    .await;
    refused(&res, "NOT_FOUND", None);
    assert_eq!(counts(&app).await, before);
}

#[tokio::test]
async fn marking_a_conversation_read_reads_the_others_messages() {
    let app = TestApp::spawn().await;
    cast(&app).await;
    let db = app.db.get(Domain::Bellamy);
    let p = start(&app, ADA, &[BOB, CAT], Some("one")).await;
    let cid = p["conversation"]["id"].as_str().unwrap().to_owned();
    let ada_read = ts(&participants(&p["conversation"])[0].1);
    send(&app, ADA, &cid, "two").await;
    send(&app, BOB, &cid, "three").await;
    send(&app, CAT, &cid, "four").await;
    // Another conversation's messages are not touched.
    let other = start(&app, BOB, &[ADA], Some("elsewhere")).await;
    let other_id = other["conversation"]["id"].as_str().unwrap().to_owned();

    let res = call(
        &app,
        Some(ADA),
        MARK_CONVERSATION_READ,
        json!({ "conversationId": cid }),
    )
    .await;
    let p = &ok(&res)["bellamyMarkConversationRead"];
    assert_eq!(p["count"], 2);
    assert_eq!(p["participant"]["conversationId"], cid);
    assert_eq!(p["participant"]["userId"], s(ADA));
    let last_read = ts(&p["participant"]["lastReadAt"]);
    assert!(last_read > ada_read, "{res}");
    let cuid: Uuid = cid.parse().unwrap();
    let ada = conversation_participants::Entity::find_by_id((cuid, id(ADA)))
        .one(db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(ada.last_read_at, Some(last_read));
    let mut rows: Vec<(String, bool)> = messages::Entity::find()
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|m| (m.content, m.read))
        .collect();
    rows.sort();
    assert_eq!(
        rows,
        vec![
            ("elsewhere".to_owned(), false),
            ("four".to_owned(), true),
            ("one".to_owned(), false),
            ("three".to_owned(), true),
            ("two".to_owned(), false),
        ]
    );

    // Again: nothing new to read, lastReadAt still moves.
    let res = call(
        &app,
        Some(ADA),
        MARK_CONVERSATION_READ,
        json!({ "conversationId": cid }),
    )
    .await;
    let p = &ok(&res)["bellamyMarkConversationRead"];
    assert_eq!(p["count"], 0);
    assert!(ts(&p["participant"]["lastReadAt"]) > last_read);

    // Bob reads Ada's two.
    let res = call(
        &app,
        Some(BOB),
        MARK_CONVERSATION_READ,
        json!({ "conversationId": cid }),
    )
    .await;
    assert_eq!(ok(&res)["bellamyMarkConversationRead"]["count"], 2);
    assert_eq!(
        count(db, "messages").await,
        5,
        "marking read writes no message"
    );
    let unread: Vec<String> = messages::Entity::find()
        .filter(messages::Column::Read.eq(false))
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.content)
        .collect();
    assert_eq!(unread, vec!["elsewhere".to_owned()]);

    let before = counts(&app).await;
    let res = call(
        &app,
        Some(DAN),
        MARK_CONVERSATION_READ,
        json!({ "conversationId": cid }),
    )
    .await;
    forbidden(&res, HIDDEN_CONVERSATION);
    let res = call(
        &app,
        Some(CAT),
        MARK_CONVERSATION_READ,
        json!({ "conversationId": other_id }),
    )
    .await;
    forbidden(&res, HIDDEN_CONVERSATION);
    let res = call(
        &app,
        Some(ADA),
        MARK_CONVERSATION_READ,
        json!({ "conversationId": s(8999) }),
    )
    .await;
    refused(&res, "NOT_FOUND", None);
    assert_eq!(counts(&app).await, before);
}

// ------------------------------------------------------------------------------ anonymous

#[tokio::test]
async fn anonymous_callers_are_unauthenticated_for_every_social_mutation() {
    let app = TestApp::spawn().await;
    let f = cast(&app).await;
    f.notification(1, ADA, false, 1).await;
    let rid = send_request(&app, CAT, DAN).await;
    let story = post_story(&app, ADA).await;
    let conv = start(&app, ADA, &[BOB], Some("hi")).await["conversation"]["id"].clone();
    let before = counts(&app).await;

    let cases: Vec<(&str, Value)> = vec![
        (SEND_REQUEST, json!({ "input": { "receiverId": s(ADA) } })),
        (ACCEPT, json!({ "id": rid })),
        (DECLINE, json!({ "id": rid })),
        (CANCEL, json!({ "id": rid })),
        (UNFRIEND, json!({ "userId": s(ADA) })),
        (FOLLOW, json!({ "userId": s(ADA) })),
        (UNFOLLOW, json!({ "userId": s(ADA) })),
        (
            POST_STORY,
            json!({ "input": { "mediaUrl": "https://cdn.example/a.jpg", "type": "IMAGE" } }),
        ),
        (DELETE_STORY, json!({ "id": story })),
        (VIEW_STORY, json!({ "storyId": story })),
        (MARK_READ, json!({ "id": s(7001) })),
        (MARK_ALL_READ, json!({})),
        (
            START,
            json!({ "input": { "participantIds": [s(ADA)], "message": { "content": "hi" } } }),
        ),
        (
            SEND_MESSAGE,
            json!({ "input": { "conversationId": conv, "content": "hi" } }),
        ),
        (MARK_CONVERSATION_READ, json!({ "conversationId": conv })),
    ];
    assert_eq!(cases.len(), 15);
    for (q, vars) in cases {
        let res = call(&app, None, q, vars).await;
        refused(&res, "UNAUTHENTICATED", None);
    }
    assert_eq!(counts(&app).await, before);
    assert!(!is_read(&app, 1).await);
}

// ---------------------------------------------------------------------------- concurrency

/// Asserts `res` is not an internal failure (such as SQLite's "database is locked").
fn not_internal(res: &Value) {
    let c = code(res);
    assert!(c != "INTERNAL_SERVER_ERROR" && c != "INTERNAL", "{res}");
    assert!(!res.to_string().contains("database is locked"), "{res}");
}

/// Two users asking each other at the same moment: one request wins, the other is told
/// to accept it instead (`CONFLICT`). Several pairs at once so that the requests really
/// overlap.
#[tokio::test]
async fn opposite_friend_requests_at_once_leave_one_pending_request() {
    let app = Arc::new(TestApp::spawn_on_files().await);
    let f = Fixture { app: &app };
    const PAIRS: u128 = 6;
    for n in 1..=2 * PAIRS {
        f.user(10 + n).await;
    }
    let mut tasks = Vec::new();
    for pair in 0..PAIRS {
        let (a, b) = (11 + 2 * pair, 12 + 2 * pair);
        for (from, to) in [(a, b), (b, a)] {
            let app = Arc::clone(&app);
            tasks.push(tokio::spawn(async move {
                let res = call(
                    &app,
                    Some(from),
                    SEND_REQUEST,
                    json!({ "input": { "receiverId": s(to) } }),
                )
                .await;
                (pair, from, res)
            }));
        }
    }
    let mut winners = vec![Vec::new(); PAIRS as usize];
    for t in tasks {
        let (pair, from, res) = t.await.unwrap();
        not_internal(&res);
        if res.get("errors").is_none() {
            winners[pair as usize].push(from);
        } else {
            refused(&res, "CONFLICT", None);
        }
    }
    let db = app.db.get(Domain::Bellamy);
    let rows = friend_requests::Entity::find().all(db).await.unwrap();
    assert_eq!(rows.len(), PAIRS as usize, "{rows:?}");
    for (pair, won) in winners.iter().enumerate() {
        assert_eq!(won.len(), 1, "pair {pair}: {winners:?}");
        let sender = id(won[0]);
        let row = rows
            .iter()
            .find(|r| r.sender_id == sender)
            .expect("the winner's row");
        assert_eq!(row.status, FriendRequestStatus::Pending);
        let a = 11 + 2 * pair as u128;
        let other = if won[0] == a { a + 1 } else { a };
        assert_eq!(row.receiver_id, id(other));
        assert_eq!(notifications_of(&app, other).await.len(), 1);
        assert!(notifications_of(&app, won[0]).await.is_empty());
    }
}

/// Ten starts of the same one-to-one conversation at once make one conversation, with
/// every first message in it.
#[tokio::test]
async fn concurrent_starts_of_one_pair_make_one_conversation() {
    let app = Arc::new(TestApp::spawn_on_files().await);
    cast(&app).await;
    const N: usize = 10;
    let mut tasks = Vec::new();
    for i in 0..N {
        let app = Arc::clone(&app);
        let (actor, other) = if i % 2 == 0 { (ADA, BOB) } else { (BOB, ADA) };
        tasks.push(tokio::spawn(async move {
            call(
                &app,
                Some(actor),
                START,
                json!({ "input": {
                    "participantIds": [s(other)], "message": { "content": format!("hello {i}") }
                } }),
            )
            .await
        }));
    }
    let mut ids = Vec::new();
    for t in tasks {
        let res = t.await.unwrap();
        not_internal(&res);
        ids.push(
            ok(&res)["bellamyStartConversation"]["conversation"]["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 1, "{ids:?}");
    let db = app.db.get(Domain::Bellamy);
    assert_eq!(count(db, "conversations").await, 1);
    assert_eq!(count(db, "conversation_participants").await, 2);
    assert_eq!(count(db, "messages").await, N as i64);
}

/// Ten follows of the same user at once: one follow row, the others `CONFLICT`.
#[tokio::test]
async fn concurrent_follows_of_one_user_make_one_follow() {
    let app = Arc::new(TestApp::spawn_on_files().await);
    cast(&app).await;
    let mut tasks = Vec::new();
    for _ in 0..10 {
        let app = Arc::clone(&app);
        tasks.push(tokio::spawn(async move {
            call(&app, Some(CAT), FOLLOW, json!({ "userId": s(DAN) })).await
        }));
    }
    let mut followed = 0;
    for t in tasks {
        let res = t.await.unwrap();
        not_internal(&res);
        if res.get("errors").is_none() {
            followed += 1;
        } else {
            refused(&res, "CONFLICT", None);
        }
    }
    assert_eq!(followed, 1);
    assert_eq!(count(app.db.get(Domain::Bellamy), "follows").await, 1);
}

/// Ten views of one story by the same friend at once: one view row, one notification,
/// and every call answers that view.
#[tokio::test]
async fn concurrent_views_of_one_story_record_one_view_and_one_notification() {
    let app = Arc::new(TestApp::spawn_on_files().await);
    cast(&app).await;
    let story = post_story(&app, ADA).await;
    let mut tasks = Vec::new();
    for _ in 0..10 {
        let app = Arc::clone(&app);
        let story = story.clone();
        tasks.push(tokio::spawn(async move {
            call(&app, Some(BOB), VIEW_STORY, json!({ "storyId": story })).await
        }));
    }
    let mut seen = Vec::new();
    for t in tasks {
        let res = t.await.unwrap();
        not_internal(&res);
        seen.push(ok(&res)["bellamyViewStory"]["view"]["viewedAt"].clone());
    }
    seen.dedup();
    assert_eq!(seen.len(), 1, "every call answers the first view: {seen:?}");
    let db = app.db.get(Domain::Bellamy);
    assert_eq!(count(db, "story_viewers").await, 1);
    assert_eq!(
        notifications_of(&app, ADA).await,
        vec![(
            "story_view".to_owned(),
            json!({ "storyId": story, "userId": s(BOB) })
        )]
    );
}
