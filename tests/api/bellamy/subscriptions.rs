//! Bellamy Book's subscriptions end to end (comments, notifications, conversation
//! messages over a real WebSocket client), then its change log: every state-changing
//! mutation, driven through HTTP, appends exactly its change events (kind, topic,
//! subject, in order) in its own transaction; a refused mutation, or one that changes
//! nothing, appends nothing; sequence numbers are gap-free from 1.

use entity::Domain;
use entity::bellamy::conversation_participants;
use entity::bellamy::enums::Privacy;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};

use super::*;
use crate::helpers::{Log, QUIET, Row, TestApp, bellamy_token, ok, refused, str_of};
use crate::ws_client::{Protocol, WsClient};

const ADA: u128 = 1;
const BOB: u128 = 2;
const CAT: u128 = 3;

fn bearer(app: &TestApp, n: u128) -> Value {
    json!({ "authorization": format!("Bearer {}", bellamy_token(app, n)) })
}

async fn comment_on(app: &TestApp, actor: u128, post: u128, content: &str) {
    let res = call(
        app,
        Some(actor),
        "mutation($input: BellamyCreateCommentInput!) { bellamyCreateComment(input: $input) { comment { id } } }",
        json!({ "input": { "postId": s(1000 + post), "content": content } }),
    )
    .await;
    ok(&res);
}

#[tokio::test]
async fn comments_on_a_post_and_the_authors_notifications_are_delivered() {
    let app = TestApp::spawn().await;
    let f = Fixture { app: &app };
    for n in [ADA, BOB, CAT] {
        f.user(n).await;
    }
    f.post(1, ADA, Privacy::Public, 1).await;
    f.post(2, ADA, Privacy::Public, 2).await;
    let mut anon = WsClient::connect(&app, Protocol::TransportWs, json!({})).await;
    anon.subscribe(
        "c",
        "subscription($p: UUID!) { bellamyCommentAdded(postId: $p) {
            cursor comment { content author { username } post { content } }
        } }",
        json!({ "p": s(1001) }),
    )
    .await;
    let mut ada = WsClient::connect(&app, Protocol::TransportWs, bearer(&app, ADA)).await;
    ada.subscribe(
        "n",
        "subscription { bellamyNotificationReceived { notification { type title read } } }",
        json!({}),
    )
    .await;
    anon.nothing_within(std::time::Duration::from_millis(100))
        .await;
    comment_on(&app, BOB, 2, "elsewhere").await;
    comment_on(&app, BOB, 1, "hello").await;
    let d = anon.data("c").await;
    assert_eq!(
        d["bellamyCommentAdded"]["comment"],
        json!({ "content": "hello", "author": { "username": "user002" }, "post": { "content": "Post 1" } })
    );
    anon.nothing_within(QUIET).await;
    for _ in 0..2 {
        let d = ada.data("n").await;
        let n = &d["bellamyNotificationReceived"]["notification"];
        assert_eq!(
            (n["type"].as_str(), n["read"].as_bool()),
            (Some("comment"), Some(false))
        );
    }
    // Ada's own comment notifies nobody; Cat's does.
    comment_on(&app, ADA, 1, "mine").await;
    assert_eq!(
        anon.data("c").await["bellamyCommentAdded"]["comment"]["content"],
        "mine"
    );
    ada.nothing_within(QUIET).await;

    // Anonymous subscribers may not follow notifications.
    anon.subscribe(
        "n",
        "subscription { bellamyNotificationReceived { cursor } }",
        json!({}),
    )
    .await;
    assert_eq!(anon.error_code("n").await, "UNAUTHENTICATED");
    // Nor comments of a post they may not see.
    f.post(3, ADA, Privacy::Friends, 3).await;
    anon.subscribe(
        "hidden",
        "subscription($p: UUID!) { bellamyCommentAdded(postId: $p) { cursor } }",
        json!({ "p": s(1003) }),
    )
    .await;
    assert_eq!(anon.error_code("hidden").await, "FORBIDDEN");
}

#[tokio::test]
async fn conversation_messages_reach_participants_only_and_stop_when_one_leaves() {
    for protocol in Protocol::BOTH {
        conversation_messages_reach_participants_only_and_stop_when_one_leaves_over(protocol).await;
    }
}

async fn conversation_messages_reach_participants_only_and_stop_when_one_leaves_over(
    protocol: Protocol,
) {
    let app = TestApp::spawn().await;
    let f = Fixture { app: &app };
    for n in [ADA, BOB, CAT] {
        f.user(n).await;
    }
    let res = call(
        &app,
        Some(ADA),
        "mutation($input: BellamyStartConversationInput!) {
            bellamyStartConversation(input: $input) { conversation { id } }
        }",
        json!({ "input": { "participantIds": [s(BOB)] } }),
    )
    .await;
    let conv = ok(&res)["bellamyStartConversation"]["conversation"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    const SENT: &str = "subscription($c: UUID!) { bellamyMessageSent(conversationId: $c) {
        cursor message { content sender { username } }
    } }";
    let mut cat = WsClient::connect(&app, protocol, bearer(&app, CAT)).await;
    cat.subscribe("m", SENT, json!({ "c": conv })).await;
    assert_eq!(cat.error_code("m").await, "FORBIDDEN");
    let mut bob = WsClient::connect(&app, protocol, bearer(&app, BOB)).await;
    bob.subscribe("m", SENT, json!({ "c": conv })).await;
    bob.nothing_within(std::time::Duration::from_millis(100))
        .await;
    let send = |content: &'static str| {
        let app = &app;
        let conv = conv.clone();
        async move {
            let res = call(
                app,
                Some(ADA),
                "mutation($input: BellamySendMessageInput!) { bellamySendMessage(input: $input) { message { id } } }",
                json!({ "input": { "conversationId": conv, "content": content } }),
            )
            .await;
            ok(&res);
        }
    };
    send("hi bob").await;
    assert_eq!(
        bob.data("m").await["bellamyMessageSent"]["message"],
        json!({ "content": "hi bob", "sender": { "username": "user001" } })
    );
    // Bob leaves the conversation: the next message is not his to read.
    conversation_participants::Entity::delete_by_id((
        sea_orm::entity::prelude::Uuid::parse_str(&conv).unwrap(),
        id(BOB),
    ))
    .exec(app.db.get(Domain::Bellamy))
    .await
    .unwrap();
    send("secret").await;
    assert_eq!(bob.error_code("m").await, "FORBIDDEN");
    bob.nothing_within(QUIET).await;
}

// ----------------------------------------------------------------------------- Change log

const DAN: u128 = 4;

fn post(p: &str) -> String {
    format!("post:{p}")
}

fn user(n: u128) -> String {
    format!("user:{}", s(n))
}

/// The id of the newest notification of user `n`.
async fn newest_notification(app: &TestApp, n: u128) -> String {
    use entity::bellamy::notifications;
    notifications::Entity::find()
        .filter(notifications::Column::UserId.eq(id(n)))
        .order_by_desc(notifications::Column::CreatedAt)
        .one(app.db.get(Domain::Bellamy))
        .await
        .unwrap()
        .unwrap()
        .id
        .to_string()
}

/// A notification row of user `n`: the newest one.
async fn notified(app: &TestApp, n: u128) -> Row {
    (
        "notification.created",
        user(n),
        newest_notification(app, n).await,
    )
}

/// Ada, Bob, Cat and Dan; Ada and Bob are friends (fixtures log nothing).
async fn cast(app: &TestApp) {
    let f = Fixture { app };
    for n in [ADA, BOB, CAT, DAN] {
        f.user(n).await;
    }
    f.friends(ADA, BOB, 1).await;
}

#[tokio::test]
async fn bellamy_accounts_posts_comments_and_reactions_append_their_changes() {
    let app = TestApp::spawn().await;
    cast(&app).await;
    let mut log = Log::of(&app, Domain::Bellamy);
    log.nothing().await;

    // Accounts.
    let input = registration();
    let res = call(&app, None, REGISTER, json!({ "input": input })).await;
    let zoe = str_of(&ok(&res)["bellamyRegister"]["user"]["id"]);
    let rows = log
        .appended(&[("user.registered", format!("user:{zoe}"), zoe.clone())])
        .await;
    assert_eq!(rows[0].actor.as_deref(), Some(zoe.as_str()));
    let res = call(&app, None, REGISTER, json!({ "input": input })).await;
    refused(&res, "CONFLICT", None);
    log.nothing().await;

    let input = json!({ "fullName": "Ada L.", "bio": null });
    ok(&call(&app, Some(ADA), UPDATE_PROFILE, json!({ "input": input })).await);
    let rows = log
        .appended(&[("profile.updated", user(ADA), s(ADA))])
        .await;
    assert_eq!(rows[0].data["fields"], json!(["fullName", "bio"]));
    let input = json!({ "username": "user002" });
    let res = call(&app, Some(ADA), UPDATE_PROFILE, json!({ "input": input })).await;
    refused(&res, "CONFLICT", None);
    log.nothing().await;

    // Posts.
    let p = create_post(&app, ADA, "Coffee #coffee", "PUBLIC").await;
    let rows = log.appended(&[("post.created", post(&p), p.clone())]).await;
    assert_eq!(rows[0].data["authorId"], s(ADA));
    assert_eq!(rows[0].actor, Some(s(ADA)));
    let input = json!({ "id": p, "content": "mine now" });
    let res = call(&app, Some(BOB), UPDATE_POST, json!({ "input": input })).await;
    refused(&res, "FORBIDDEN", None);
    let input = json!({ "content": "", "privacy": "PUBLIC" });
    let res = call(&app, Some(ADA), CREATE_POST, json!({ "input": input })).await;
    refused(&res, "BAD_USER_INPUT", None);
    log.nothing().await;
    let input = json!({ "id": p, "privacy": "FRIENDS" });
    ok(&call(&app, Some(ADA), UPDATE_POST, json!({ "input": input })).await);
    let rows = log.appended(&[("post.updated", post(&p), p.clone())]).await;
    assert_eq!(rows[0].data["fields"], json!(["privacy"]));

    // Comments: the comment, then the notifications it causes, in one append.
    let c = comment(&app, BOB, &p, None, "Nice").await;
    let ada_n = notified(&app, ADA).await;
    log.appended(&[("comment.created", post(&p), c.clone()), ada_n])
        .await;
    let input = json!({ "postId": p, "content": "hi" });
    let res = call(
        &app,
        Some(CAT),
        "mutation($input: BellamyCreateCommentInput!) { bellamyCreateComment(input: $input) { comment { id } } }",
        json!({ "input": input }),
    )
    .await;
    refused(&res, "FORBIDDEN", None);
    log.nothing().await;
    let reply = comment(&app, ADA, &p, Some(&c), "Thanks").await;
    let bob_n = notified(&app, BOB).await;
    log.appended(&[("comment.created", post(&p), reply.clone()), bob_n])
        .await;

    // Reactions: added (with its notification), same again (nothing), changed, removed.
    let r = str_of(&react(&app, BOB, &p, "POST", "LIKE").await["reaction"]["id"]);
    let ada_n = notified(&app, ADA).await;
    let rows = log
        .appended(&[("reaction.added", post(&p), r.clone()), ada_n])
        .await;
    assert_eq!(
        rows[0].data,
        json!({
            "postId": p, "targetType": "post", "targetId": p,
            "userId": s(BOB), "reaction": "like",
        })
    );
    react(&app, BOB, &p, "POST", "LIKE").await;
    log.nothing().await;
    react(&app, BOB, &p, "POST", "LOVE").await;
    let rows = log
        .appended(&[("reaction.changed", post(&p), r.clone())])
        .await;
    assert_eq!(rows[0].data["previous"], "like");
    assert_eq!(rows[0].data["reaction"], "love");
    let rc = str_of(&react(&app, ADA, &c, "COMMENT", "WOW").await["reaction"]["id"]);
    let bob_n = notified(&app, BOB).await;
    let rows = log
        .appended(&[("reaction.added", post(&p), rc.clone()), bob_n])
        .await;
    assert_eq!(rows[0].data["targetType"], "comment");
    assert_eq!(rows[0].data["targetId"], c.as_str());
    let input = json!({ "targetId": p, "targetType": "POST" });
    ok(&call(&app, Some(BOB), UNREACT, json!({ "input": input })).await);
    let rows = log
        .appended(&[("reaction.removed", post(&p), r.clone())])
        .await;
    assert_eq!(rows[0].data["reaction"], "love");
    let res = call(&app, Some(BOB), UNREACT, json!({ "input": input })).await;
    refused(&res, "NOT_FOUND", None);
    let input = json!({ "targetId": p, "targetType": "POST", "type": "LIKE" });
    let res = call(&app, Some(CAT), REACT, json!({ "input": input })).await;
    refused(&res, "FORBIDDEN", None);
    log.nothing().await;

    // Deleting a comment logs it and each reply it takes (their reactions go silently).
    let res = call(&app, Some(CAT), DELETE_COMMENT, json!({ "id": c })).await;
    refused(&res, "FORBIDDEN", None);
    log.nothing().await;
    ok(&call(&app, Some(BOB), DELETE_COMMENT, json!({ "id": c })).await);
    let rows = log
        .appended(&[
            ("comment.deleted", post(&p), c.clone()),
            ("comment.deleted", post(&p), reply.clone()),
        ])
        .await;
    assert_eq!(rows[1].data, json!({ "postId": p, "rootId": c }));

    // Deleting the post.
    let res = call(&app, Some(BOB), DELETE_POST, json!({ "id": p })).await;
    refused(&res, "FORBIDDEN", None);
    log.nothing().await;
    ok(&call(&app, Some(ADA), DELETE_POST, json!({ "id": p })).await);
    log.appended(&[("post.deleted", post(&p), p.clone())]).await;
    log.gap_free(17).await;
}

#[tokio::test]
async fn bellamy_social_graph_stories_notifications_and_chat_append_their_changes() {
    let app = TestApp::spawn().await;
    cast(&app).await;
    let mut log = Log::of(&app, Domain::Bellamy);
    let pair = |a: &str, b: &str| format!("{a}:{b}");

    // Friend requests: the topic is the party that did not act.
    let r1 = send_request(&app, CAT, ADA).await.to_string();
    let ada_n = notified(&app, ADA).await;
    let rows = log
        .appended(&[("friend_request.sent", user(ADA), r1.clone()), ada_n])
        .await;
    assert_eq!(
        rows[0].data,
        json!({ "senderId": s(CAT), "receiverId": s(ADA) })
    );
    let input = json!({ "receiverId": s(ADA) });
    let res = call(&app, Some(CAT), SEND_REQUEST, json!({ "input": input })).await;
    refused(&res, "CONFLICT", None);
    let res = call(&app, Some(CAT), ACCEPT, json!({ "id": r1 })).await;
    refused(&res, "FORBIDDEN", None);
    log.nothing().await;
    ok(&call(&app, Some(ADA), ACCEPT, json!({ "id": r1 })).await);
    let cat_n = notified(&app, CAT).await;
    log.appended(&[("friend_request.accepted", user(CAT), r1.clone()), cat_n])
        .await;
    let res = call(&app, Some(ADA), DECLINE, json!({ "id": r1 })).await;
    refused(&res, "BAD_USER_INPUT", None);
    log.nothing().await;

    let r2 = send_request(&app, DAN, ADA).await.to_string();
    let ada_n = notified(&app, ADA).await;
    log.appended(&[("friend_request.sent", user(ADA), r2.clone()), ada_n])
        .await;
    ok(&call(&app, Some(ADA), DECLINE, json!({ "id": r2 })).await);
    log.appended(&[("friend_request.declined", user(DAN), r2.clone())])
        .await;
    let r3 = send_request(&app, DAN, CAT).await.to_string();
    let cat_n = notified(&app, CAT).await;
    log.appended(&[("friend_request.sent", user(CAT), r3.clone()), cat_n])
        .await;
    ok(&call(&app, Some(DAN), CANCEL, json!({ "id": r3 })).await);
    log.appended(&[("friend_request.cancelled", user(CAT), r3.clone())])
        .await;

    // Friendships and follows.
    let vars = json!({ "userId": s(BOB) });
    ok(&call(&app, Some(ADA), UNFRIEND, vars.clone()).await);
    let rows = log
        .appended(&[("friendship.ended", user(BOB), pair(&s(ADA), &s(BOB)))])
        .await;
    assert_eq!(
        rows[0].data,
        json!({ "userId": s(ADA), "friendId": s(BOB) })
    );
    let res = call(&app, Some(ADA), UNFRIEND, vars).await;
    refused(&res, "NOT_FOUND", None);
    log.nothing().await;
    let vars = json!({ "userId": s(ADA) });
    ok(&call(&app, Some(DAN), FOLLOW, vars.clone()).await);
    let follow = pair(&s(DAN), &s(ADA));
    log.appended(&[("follow.created", user(ADA), follow.clone())])
        .await;
    let res = call(&app, Some(DAN), FOLLOW, vars.clone()).await;
    refused(&res, "CONFLICT", None);
    log.nothing().await;
    ok(&call(&app, Some(DAN), UNFOLLOW, vars.clone()).await);
    log.appended(&[("follow.removed", user(ADA), follow)]).await;

    // Stories: a first view by someone else is logged (with its notification), no other.
    let st = post_story(&app, ADA).await;
    let story = format!("story:{st}");
    let rows = log
        .appended(&[("story.posted", story.clone(), st.clone())])
        .await;
    assert_eq!(rows[0].data["userId"], s(ADA));
    let vars = json!({ "storyId": st });
    ok(&call(&app, Some(CAT), VIEW_STORY, vars.clone()).await);
    let ada_n = notified(&app, ADA).await;
    log.appended(&[("story.viewed", story.clone(), pair(&st, &s(CAT))), ada_n])
        .await;
    ok(&call(&app, Some(CAT), VIEW_STORY, vars.clone()).await);
    ok(&call(&app, Some(ADA), VIEW_STORY, vars.clone()).await);
    let res = call(&app, Some(DAN), VIEW_STORY, vars).await;
    refused(&res, "FORBIDDEN", None);
    let res = call(&app, Some(CAT), DELETE_STORY, json!({ "id": st })).await;
    refused(&res, "FORBIDDEN", None);
    log.nothing().await;
    ok(&call(&app, Some(ADA), DELETE_STORY, json!({ "id": st })).await);
    log.appended(&[("story.deleted", story, st.clone())]).await;

    // Notifications: Ada has three, unread; marking one read twice logs once.
    let n = newest_notification(&app, ADA).await;
    let res = call(&app, Some(BOB), MARK_READ, json!({ "id": n })).await;
    refused(&res, "FORBIDDEN", None);
    log.nothing().await;
    for _ in 0..2 {
        ok(&call(&app, Some(ADA), MARK_READ, json!({ "id": n })).await);
    }
    log.appended(&[("notification.read", user(ADA), n)]).await;
    for _ in 0..2 {
        ok(&call(&app, Some(ADA), MARK_ALL_READ, json!({})).await);
    }
    let rows = log
        .appended(&[("notifications.read_all", user(ADA), s(ADA))])
        .await;
    assert_eq!(rows[0].data["count"], 2);

    // Conversations: started with a first message in one append; a reused one-to-one
    // conversation logs only its message.
    let started = start(&app, ADA, &[CAT], Some("hi")).await;
    let k = str_of(&started["conversation"]["id"]);
    let conv = format!("conversation:{k}");
    let rows = log
        .appended(&[
            ("conversation.started", conv.clone(), k.clone()),
            (
                "message.created",
                conv.clone(),
                str_of(&started["message"]["id"]),
            ),
        ])
        .await;
    let mut ids = vec![s(ADA), s(CAT)];
    ids.sort();
    assert_eq!(rows[0].data, json!({ "participantIds": ids }));
    let again = start(&app, ADA, &[CAT], None).await;
    assert_eq!(again["conversation"]["id"], k.as_str());
    log.nothing().await;
    let input = json!({ "participantIds": [s(ADA)] });
    let res = call(
        &app,
        Some(ADA),
        "mutation($input: BellamyStartConversationInput!) { bellamyStartConversation(input: $input) { conversation { id } } }",
        json!({ "input": input }),
    )
    .await;
    refused(&res, "BAD_USER_INPUT", None);
    log.nothing().await;
    let sent = send(&app, CAT, &k, "hello").await;
    log.appended(&[(
        "message.created",
        conv.clone(),
        str_of(&sent["message"]["id"]),
    )])
    .await;
    let vars = json!({ "conversationId": k });
    let res = call(&app, Some(DAN), MARK_CONVERSATION_READ, vars.clone()).await;
    refused(&res, "FORBIDDEN", None);
    log.nothing().await;
    ok(&call(&app, Some(ADA), MARK_CONVERSATION_READ, vars).await);
    let rows = log
        .appended(&[("conversation.read", conv, pair(&k, &s(ADA)))])
        .await;
    assert_eq!(rows[0].data, json!({ "userId": s(ADA), "messagesRead": 1 }));
    log.gap_free(23).await;
}
