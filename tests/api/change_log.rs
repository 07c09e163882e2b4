//! The change logs of Orquestra and Bellamy Book: every state-changing mutation, driven
//! through HTTP, appends exactly its change events (kind, topic, subject, in order) in
//! its own transaction; a refused mutation, or one that changes nothing, appends nothing;
//! sequence numbers are gap-free from 1.

use entity::Domain;
use entity::change_log;
use entity::orquestra::project_socials;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};

use crate::bellamy_graphql::{Fixture, id, s};
use crate::bellamy_mutations as bm;
use crate::bellamy_social_mutations as bs;
use crate::helpers::TestApp;
use crate::orquestra_mutations as om;

/// One expected row: kind, topic, subject.
type Row = (&'static str, String, String);

/// Reads a domain's `change_log` as it grows.
struct Log<'a> {
    app: &'a TestApp,
    domain: Domain,
    seen: i64,
}

impl<'a> Log<'a> {
    fn of(app: &'a TestApp, domain: Domain) -> Self {
        Self {
            app,
            domain,
            seen: 0,
        }
    }

    /// Every row, in `seq` order.
    async fn all(&self) -> Vec<change_log::Model> {
        change_log::Entity::find()
            .order_by_asc(change_log::Column::Seq)
            .all(self.app.db.get(self.domain))
            .await
            .unwrap()
    }

    /// Asserts that the rows appended since the last check are exactly `expected`, with
    /// the next sequence numbers; returns them (for their `data` and `actor`).
    async fn appended(&mut self, expected: &[Row]) -> Vec<change_log::Model> {
        let rows = change_log::Entity::find()
            .filter(change_log::Column::Seq.gt(self.seen))
            .order_by_asc(change_log::Column::Seq)
            .all(self.app.db.get(self.domain))
            .await
            .unwrap();
        let got: Vec<(String, String, String)> = rows
            .iter()
            .map(|r| (r.kind.clone(), r.topic.clone(), r.subject.clone()))
            .collect();
        let want: Vec<(String, String, String)> = expected
            .iter()
            .map(|(k, t, s)| ((*k).to_owned(), t.clone(), s.clone()))
            .collect();
        assert_eq!(got, want, "rows after seq {}", self.seen);
        let seqs: Vec<i64> = rows.iter().map(|r| r.seq).collect();
        let next: Vec<i64> = (self.seen + 1..).take(rows.len()).collect();
        assert_eq!(seqs, next, "sequence numbers continue without a gap");
        self.seen += rows.len() as i64;
        rows
    }

    /// Asserts that nothing was appended since the last check.
    async fn nothing(&mut self) {
        self.appended(&[]).await;
    }

    /// Asserts that the whole log is numbered 1..=n and holds `n` rows.
    async fn gap_free(&self, n: i64) {
        let seqs: Vec<i64> = self.all().await.iter().map(|r| r.seq).collect();
        assert_eq!(seqs, (1..=n).collect::<Vec<_>>());
    }
}

fn str_of(v: &Value) -> String {
    v.as_str()
        .unwrap_or_else(|| panic!("not a string: {v}"))
        .to_owned()
}

// ----------------------------------------------------------------------------- Orquestra

const UPLOAD: &str = "mutation($input: OrquestraUploadIdlInput!) {
    orquestraUploadIdl(input: $input) { idlVersion { id version } }
}";

fn project(id: &str) -> String {
    format!("project:{id}")
}

#[tokio::test]
async fn every_orquestra_write_appends_its_changes_and_a_refused_one_nothing() {
    let app = TestApp::spawn().await;
    om::users(&app, &["u1", "u2"]).await;
    let mut log = Log::of(&app, Domain::Orquestra);
    let u1 = Some("u1");
    let call = |user: Option<&'static str>, q: &'static str, vars: Value| {
        let app = &app;
        async move { om::call(app, user, None, q, vars).await }
    };

    // Projects.
    let p = om::project(&app, "u1", om::PROG_A, true).await;
    let rows = log
        .appended(&[("project.created", project(&p), p.clone())])
        .await;
    assert_eq!(rows[0].actor.as_deref(), Some("u1"));
    assert_eq!(rows[0].data["userId"], "u1");
    assert_eq!(rows[0].data["programId"], om::PROG_A);

    let input = json!({ "name": "dup", "programId": om::PROG_A });
    let res = call(u1, om::CREATE, json!({ "input": input })).await;
    assert_eq!(om::code(&res), "CONFLICT");
    let input = json!({ "name": "bad", "programId": "not-base58!" });
    let res = call(u1, om::CREATE, json!({ "input": input })).await;
    assert_eq!(om::code(&res), "BAD_USER_INPUT");
    let input = json!({ "id": p, "name": "theirs" });
    let res = call(Some("u2"), om::UPDATE, json!({ "input": input })).await;
    assert_eq!(om::code(&res), "FORBIDDEN");
    log.nothing().await;

    let input = json!({ "id": p, "name": "Jup", "isPublic": false });
    om::ok(&call(u1, om::UPDATE, json!({ "input": input })).await);
    let rows = log
        .appended(&[("project.updated", project(&p), p.clone())])
        .await;
    assert_eq!(rows[0].data["fields"], json!(["name", "isPublic"]));

    // IDL versions (the kind and topic subscriptions follow).
    let input = json!({ "projectId": p, "idl": { "name": "jup", "instructions": [] } });
    let res = call(u1, UPLOAD, json!({ "input": input })).await;
    let v = str_of(&om::ok(&res)["orquestraUploadIdl"]["idlVersion"]["id"]);
    let rows = log
        .appended(&[("idl_version.created", project(&p), v)])
        .await;
    assert_eq!(rows[0].data["version"], 1);
    let input = json!({ "projectId": p, "idl": [1, 2] });
    assert_eq!(
        om::code(&call(u1, UPLOAD, json!({ "input": input })).await),
        "BAD_USER_INPUT"
    );
    log.nothing().await;

    // API keys; verifying one logs nothing.
    let res = call(u1, om::CREATE_KEY, json!({ "input": { "projectId": p } })).await;
    let created = &om::ok(&res)["orquestraCreateApiKey"];
    let (k, plaintext) = (str_of(&created["apiKey"]["id"]), str_of(&created["key"]));
    let rows = log
        .appended(&[("api_key.created", project(&p), k.clone())])
        .await;
    let secret = plaintext.rsplit('_').next().unwrap();
    assert!(!rows[0].data.to_string().contains(secret));
    om::ok(&call(None, om::VERIFY_KEY, json!({ "key": plaintext })).await);
    let res = call(Some("u2"), om::REVOKE_KEY, json!({ "id": k })).await;
    assert_eq!(om::code(&res), "FORBIDDEN");
    log.nothing().await;
    om::ok(&call(u1, om::REVOKE_KEY, json!({ "id": k })).await);
    log.appended(&[("api_key.revoked", project(&p), k.clone())])
        .await;
    let res = call(u1, om::REVOKE_KEY, json!({ "id": k })).await;
    assert_eq!(om::code(&res), "NOT_FOUND");
    log.nothing().await;

    // Socials: one row, created then replaced.
    for (website, created) in [("https://jup.ag", true), ("https://jup.io", false)] {
        let input = json!({ "projectId": p, "website": website });
        om::ok(&call(u1, om::SOCIALS, json!({ "input": input })).await);
        let row = project_socials::Entity::find()
            .filter(project_socials::Column::ProjectId.eq(p.clone()))
            .one(app.db.get(Domain::Orquestra))
            .await
            .unwrap()
            .unwrap();
        let rows = log
            .appended(&[("socials.updated", project(&p), row.id)])
            .await;
        assert_eq!(rows[0].data["created"], created);
    }
    let input = json!({ "projectId": p, "website": "ftp://jup" });
    let res = call(u1, om::SOCIALS, json!({ "input": input })).await;
    assert_eq!(om::code(&res), "BAD_USER_INPUT");
    log.nothing().await;

    // Known addresses.
    let input = json!({ "projectId": p, "label": "vault", "address": om::ADDR_A });
    let res = call(u1, om::CREATE_ADDR, json!({ "input": input })).await;
    let a = str_of(&om::ok(&res)["orquestraCreateKnownAddress"]["knownAddress"]["id"]);
    log.appended(&[("address.created", project(&p), a.clone())])
        .await;
    let input = json!({ "projectId": p, "label": "again", "address": om::ADDR_A });
    let res = call(u1, om::CREATE_ADDR, json!({ "input": input })).await;
    assert_eq!(om::code(&res), "CONFLICT");
    log.nothing().await;
    let input = json!({ "id": a, "label": "treasury" });
    om::ok(&call(u1, om::UPDATE_ADDR, json!({ "input": input })).await);
    let rows = log
        .appended(&[("address.updated", project(&p), a.clone())])
        .await;
    assert_eq!(rows[0].data["fields"], json!(["label"]));
    let res = call(Some("u2"), om::DELETE_ADDR, json!({ "id": a })).await;
    assert_eq!(om::code(&res), "FORBIDDEN");
    log.nothing().await;
    om::ok(&call(u1, om::DELETE_ADDR, json!({ "id": a })).await);
    let rows = log
        .appended(&[("address.deleted", project(&p), a.clone())])
        .await;
    assert_eq!(rows[0].data["projectId"], p.as_str());
    assert_eq!(rows[0].data["address"], om::ADDR_A);

    // Deleting a project.
    let res = call(Some("u2"), om::DELETE, json!({ "id": p })).await;
    assert_eq!(om::code(&res), "FORBIDDEN");
    log.nothing().await;
    om::ok(&call(u1, om::DELETE, json!({ "id": p })).await);
    let rows = log
        .appended(&[("project.deleted", project(&p), p.clone())])
        .await;
    assert_eq!(rows[0].data["userId"], "u1");

    // Deleting the account logs each of its projects, then the account, in one append.
    let q = om::project(&app, "u1", om::PROG_A, true).await;
    let r = om::project(&app, "u1", om::PROG_B, false).await;
    log.appended(&[
        ("project.created", project(&q), q.clone()),
        ("project.created", project(&r), r.clone()),
    ])
    .await;
    assert_eq!(
        om::code(&call(None, om::DELETE_USER, json!({})).await),
        "UNAUTHENTICATED"
    );
    log.nothing().await;
    om::ok(&call(u1, om::DELETE_USER, json!({})).await);
    let mut gone = [q.clone(), r.clone()];
    gone.sort();
    log.appended(&[
        ("project.deleted", project(&gone[0]), gone[0].clone()),
        ("project.deleted", project(&gone[1]), gone[1].clone()),
        ("user.deleted", "user:u1".into(), "u1".into()),
    ])
    .await;
    // The deleted user's token names nobody now.
    assert_eq!(
        om::code(&call(u1, om::DELETE_USER, json!({})).await),
        "UNAUTHENTICATED"
    );
    log.nothing().await;
    log.gap_free(16).await;
}

// ----------------------------------------------------------------------------- Bellamy

const ADA: u128 = 1;
const BOB: u128 = 2;
const CAT: u128 = 3;
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
    let input = bm::registration();
    let res = bm::call(&app, None, bm::REGISTER, json!({ "input": input })).await;
    let zoe = str_of(&bm::ok(&res)["bellamyRegister"]["user"]["id"]);
    let rows = log
        .appended(&[("user.registered", format!("user:{zoe}"), zoe.clone())])
        .await;
    assert_eq!(rows[0].actor.as_deref(), Some(zoe.as_str()));
    let res = bm::call(&app, None, bm::REGISTER, json!({ "input": input })).await;
    bm::refused(&res, "CONFLICT", None);
    log.nothing().await;

    let input = json!({ "fullName": "Ada L.", "bio": null });
    bm::ok(
        &bm::call(
            &app,
            Some(ADA),
            bm::UPDATE_PROFILE,
            json!({ "input": input }),
        )
        .await,
    );
    let rows = log
        .appended(&[("profile.updated", user(ADA), s(ADA))])
        .await;
    assert_eq!(rows[0].data["fields"], json!(["fullName", "bio"]));
    let input = json!({ "username": "user002" });
    let res = bm::call(
        &app,
        Some(ADA),
        bm::UPDATE_PROFILE,
        json!({ "input": input }),
    )
    .await;
    bm::refused(&res, "CONFLICT", None);
    log.nothing().await;

    // Posts.
    let p = bm::create_post(&app, ADA, "Coffee #coffee", "PUBLIC").await;
    let rows = log.appended(&[("post.created", post(&p), p.clone())]).await;
    assert_eq!(rows[0].data["authorId"], s(ADA));
    assert_eq!(rows[0].actor, Some(s(ADA)));
    let input = json!({ "id": p, "content": "mine now" });
    let res = bm::call(&app, Some(BOB), bm::UPDATE_POST, json!({ "input": input })).await;
    bm::refused(&res, "FORBIDDEN", None);
    let input = json!({ "content": "", "privacy": "PUBLIC" });
    let res = bm::call(&app, Some(ADA), bm::CREATE_POST, json!({ "input": input })).await;
    bm::refused(&res, "BAD_USER_INPUT", None);
    log.nothing().await;
    let input = json!({ "id": p, "privacy": "FRIENDS" });
    bm::ok(&bm::call(&app, Some(ADA), bm::UPDATE_POST, json!({ "input": input })).await);
    let rows = log.appended(&[("post.updated", post(&p), p.clone())]).await;
    assert_eq!(rows[0].data["fields"], json!(["privacy"]));

    // Comments: the comment, then the notifications it causes, in one append.
    let c = bm::comment(&app, BOB, &p, None, "Nice").await;
    let ada_n = notified(&app, ADA).await;
    log.appended(&[("comment.created", post(&p), c.clone()), ada_n])
        .await;
    let input = json!({ "postId": p, "content": "hi" });
    let res = bm::call(
        &app,
        Some(CAT),
        "mutation($input: BellamyCreateCommentInput!) { bellamyCreateComment(input: $input) { comment { id } } }",
        json!({ "input": input }),
    )
    .await;
    bm::refused(&res, "FORBIDDEN", None);
    log.nothing().await;
    let reply = bm::comment(&app, ADA, &p, Some(&c), "Thanks").await;
    let bob_n = notified(&app, BOB).await;
    log.appended(&[("comment.created", post(&p), reply.clone()), bob_n])
        .await;

    // Reactions: added (with its notification), same again (nothing), changed, removed.
    let r = str_of(&bm::react(&app, BOB, &p, "POST", "LIKE").await["reaction"]["id"]);
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
    bm::react(&app, BOB, &p, "POST", "LIKE").await;
    log.nothing().await;
    bm::react(&app, BOB, &p, "POST", "LOVE").await;
    let rows = log
        .appended(&[("reaction.changed", post(&p), r.clone())])
        .await;
    assert_eq!(rows[0].data["previous"], "like");
    assert_eq!(rows[0].data["reaction"], "love");
    let rc = str_of(&bm::react(&app, ADA, &c, "COMMENT", "WOW").await["reaction"]["id"]);
    let bob_n = notified(&app, BOB).await;
    let rows = log
        .appended(&[("reaction.added", post(&p), rc.clone()), bob_n])
        .await;
    assert_eq!(rows[0].data["targetType"], "comment");
    assert_eq!(rows[0].data["targetId"], c.as_str());
    let input = json!({ "targetId": p, "targetType": "POST" });
    bm::ok(&bm::call(&app, Some(BOB), bm::UNREACT, json!({ "input": input })).await);
    let rows = log
        .appended(&[("reaction.removed", post(&p), r.clone())])
        .await;
    assert_eq!(rows[0].data["reaction"], "love");
    let res = bm::call(&app, Some(BOB), bm::UNREACT, json!({ "input": input })).await;
    bm::refused(&res, "NOT_FOUND", None);
    let input = json!({ "targetId": p, "targetType": "POST", "type": "LIKE" });
    let res = bm::call(&app, Some(CAT), bm::REACT, json!({ "input": input })).await;
    bm::refused(&res, "FORBIDDEN", None);
    log.nothing().await;

    // Deleting a comment logs it and each reply it takes (their reactions go silently).
    let res = bm::call(&app, Some(CAT), bm::DELETE_COMMENT, json!({ "id": c })).await;
    bm::refused(&res, "FORBIDDEN", None);
    log.nothing().await;
    bm::ok(&bm::call(&app, Some(BOB), bm::DELETE_COMMENT, json!({ "id": c })).await);
    let rows = log
        .appended(&[
            ("comment.deleted", post(&p), c.clone()),
            ("comment.deleted", post(&p), reply.clone()),
        ])
        .await;
    assert_eq!(rows[1].data, json!({ "postId": p, "rootId": c }));

    // Deleting the post.
    let res = bm::call(&app, Some(BOB), bm::DELETE_POST, json!({ "id": p })).await;
    bm::refused(&res, "FORBIDDEN", None);
    log.nothing().await;
    bm::ok(&bm::call(&app, Some(ADA), bm::DELETE_POST, json!({ "id": p })).await);
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
    let r1 = bs::send_request(&app, CAT, ADA).await.to_string();
    let ada_n = notified(&app, ADA).await;
    let rows = log
        .appended(&[("friend_request.sent", user(ADA), r1.clone()), ada_n])
        .await;
    assert_eq!(
        rows[0].data,
        json!({ "senderId": s(CAT), "receiverId": s(ADA) })
    );
    let input = json!({ "receiverId": s(ADA) });
    let res = bm::call(&app, Some(CAT), bs::SEND_REQUEST, json!({ "input": input })).await;
    bm::refused(&res, "CONFLICT", None);
    let res = bm::call(&app, Some(CAT), bs::ACCEPT, json!({ "id": r1 })).await;
    bm::refused(&res, "FORBIDDEN", None);
    log.nothing().await;
    bm::ok(&bm::call(&app, Some(ADA), bs::ACCEPT, json!({ "id": r1 })).await);
    let cat_n = notified(&app, CAT).await;
    log.appended(&[("friend_request.accepted", user(CAT), r1.clone()), cat_n])
        .await;
    let res = bm::call(&app, Some(ADA), bs::DECLINE, json!({ "id": r1 })).await;
    bm::refused(&res, "BAD_USER_INPUT", None);
    log.nothing().await;

    let r2 = bs::send_request(&app, DAN, ADA).await.to_string();
    let ada_n = notified(&app, ADA).await;
    log.appended(&[("friend_request.sent", user(ADA), r2.clone()), ada_n])
        .await;
    bm::ok(&bm::call(&app, Some(ADA), bs::DECLINE, json!({ "id": r2 })).await);
    log.appended(&[("friend_request.declined", user(DAN), r2.clone())])
        .await;
    let r3 = bs::send_request(&app, DAN, CAT).await.to_string();
    let cat_n = notified(&app, CAT).await;
    log.appended(&[("friend_request.sent", user(CAT), r3.clone()), cat_n])
        .await;
    bm::ok(&bm::call(&app, Some(DAN), bs::CANCEL, json!({ "id": r3 })).await);
    log.appended(&[("friend_request.cancelled", user(CAT), r3.clone())])
        .await;

    // Friendships and follows.
    let vars = json!({ "userId": s(BOB) });
    bm::ok(&bm::call(&app, Some(ADA), bs::UNFRIEND, vars.clone()).await);
    let rows = log
        .appended(&[("friendship.ended", user(BOB), pair(&s(ADA), &s(BOB)))])
        .await;
    assert_eq!(
        rows[0].data,
        json!({ "userId": s(ADA), "friendId": s(BOB) })
    );
    let res = bm::call(&app, Some(ADA), bs::UNFRIEND, vars).await;
    bm::refused(&res, "NOT_FOUND", None);
    log.nothing().await;
    let vars = json!({ "userId": s(ADA) });
    bm::ok(&bm::call(&app, Some(DAN), bs::FOLLOW, vars.clone()).await);
    let follow = pair(&s(DAN), &s(ADA));
    log.appended(&[("follow.created", user(ADA), follow.clone())])
        .await;
    let res = bm::call(&app, Some(DAN), bs::FOLLOW, vars.clone()).await;
    bm::refused(&res, "CONFLICT", None);
    log.nothing().await;
    bm::ok(&bm::call(&app, Some(DAN), bs::UNFOLLOW, vars.clone()).await);
    log.appended(&[("follow.removed", user(ADA), follow)]).await;

    // Stories: a first view by someone else is logged (with its notification), no other.
    let st = bs::post_story(&app, ADA).await;
    let story = format!("story:{st}");
    let rows = log
        .appended(&[("story.posted", story.clone(), st.clone())])
        .await;
    assert_eq!(rows[0].data["userId"], s(ADA));
    let vars = json!({ "storyId": st });
    bm::ok(&bm::call(&app, Some(CAT), bs::VIEW_STORY, vars.clone()).await);
    let ada_n = notified(&app, ADA).await;
    log.appended(&[("story.viewed", story.clone(), pair(&st, &s(CAT))), ada_n])
        .await;
    bm::ok(&bm::call(&app, Some(CAT), bs::VIEW_STORY, vars.clone()).await);
    bm::ok(&bm::call(&app, Some(ADA), bs::VIEW_STORY, vars.clone()).await);
    let res = bm::call(&app, Some(DAN), bs::VIEW_STORY, vars).await;
    bm::refused(&res, "FORBIDDEN", None);
    let res = bm::call(&app, Some(CAT), bs::DELETE_STORY, json!({ "id": st })).await;
    bm::refused(&res, "FORBIDDEN", None);
    log.nothing().await;
    bm::ok(&bm::call(&app, Some(ADA), bs::DELETE_STORY, json!({ "id": st })).await);
    log.appended(&[("story.deleted", story, st.clone())]).await;

    // Notifications: Ada has three, unread; marking one read twice logs once.
    let n = newest_notification(&app, ADA).await;
    let res = bm::call(&app, Some(BOB), bs::MARK_READ, json!({ "id": n })).await;
    bm::refused(&res, "FORBIDDEN", None);
    log.nothing().await;
    for _ in 0..2 {
        bm::ok(&bm::call(&app, Some(ADA), bs::MARK_READ, json!({ "id": n })).await);
    }
    log.appended(&[("notification.read", user(ADA), n)]).await;
    for _ in 0..2 {
        bm::ok(&bm::call(&app, Some(ADA), bs::MARK_ALL_READ, json!({})).await);
    }
    let rows = log
        .appended(&[("notifications.read_all", user(ADA), s(ADA))])
        .await;
    assert_eq!(rows[0].data["count"], 2);

    // Conversations: started with a first message in one append; a reused one-to-one
    // conversation logs only its message.
    let started = bs::start(&app, ADA, &[CAT], Some("hi")).await;
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
    let again = bs::start(&app, ADA, &[CAT], None).await;
    assert_eq!(again["conversation"]["id"], k.as_str());
    log.nothing().await;
    let input = json!({ "participantIds": [s(ADA)] });
    let res = bm::call(
        &app,
        Some(ADA),
        "mutation($input: BellamyStartConversationInput!) { bellamyStartConversation(input: $input) { conversation { id } } }",
        json!({ "input": input }),
    )
    .await;
    bm::refused(&res, "BAD_USER_INPUT", None);
    log.nothing().await;
    let sent = bs::send(&app, CAT, &k, "hello").await;
    log.appended(&[(
        "message.created",
        conv.clone(),
        str_of(&sent["message"]["id"]),
    )])
    .await;
    let vars = json!({ "conversationId": k });
    let res = bm::call(&app, Some(DAN), bs::MARK_CONVERSATION_READ, vars.clone()).await;
    bm::refused(&res, "FORBIDDEN", None);
    log.nothing().await;
    bm::ok(&bm::call(&app, Some(ADA), bs::MARK_CONVERSATION_READ, vars).await);
    let rows = log
        .appended(&[("conversation.read", conv, pair(&k, &s(ADA)))])
        .await;
    assert_eq!(rows[0].data, json!({ "userId": s(ADA), "messagesRead": 1 }));
    log.gap_free(23).await;
}
