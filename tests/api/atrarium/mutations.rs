//! Atrarium's write API through HTTP: every mutation's happy path, validation and
//! authorization (owner, moderator, member, other DID, anonymous), the lifecycle and
//! last-owner rules, exact counters under concurrent writes, and rollback of a mutation
//! that fails half-way.

use entity::Domain;
use entity::atrarium::{communities, memberships, post_index, theme_feeds};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, QueryOrder};
use serde_json::{Value, json};

use super::*;
use crate::helpers::{TestApp, Who, failure, gql_by, ok_field, pds_account, refused_code};

/// Signed in, but not a member.
const DAVE: &str = "did:plc:abcdefghijklmnopqrstuvwx";

impl std::fmt::Display for Id {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl serde::Serialize for Id {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0.to_string())
    }
}

/// The `n`th generated `did:plc:` DID.
fn did(n: usize) -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz234567";
    let mut id = vec![b'a'; 24];
    let mut rest = n;
    for slot in id.iter_mut().rev() {
        *slot = ALPHABET[rest % 32];
        rest /= 32;
    }
    format!("did:plc:{}", String::from_utf8(id).unwrap())
}

/// Every Atrarium row, to compare before and after a failed mutation.
#[derive(Debug, PartialEq)]
struct Snapshot {
    communities: Vec<communities::Model>,
    feeds: Vec<theme_feeds::Model>,
    memberships: Vec<memberships::Model>,
    posts: Vec<post_index::Model>,
}

fn db(app: &TestApp) -> &DatabaseConnection {
    app.db.get(Domain::Atrarium)
}

async fn snapshot(app: &TestApp) -> Snapshot {
    let db = db(app);
    Snapshot {
        communities: communities::Entity::find()
            .order_by_asc(communities::Column::Id)
            .all(db)
            .await
            .unwrap(),
        feeds: theme_feeds::Entity::find()
            .order_by_asc(theme_feeds::Column::Id)
            .all(db)
            .await
            .unwrap(),
        memberships: memberships::Entity::find()
            .order_by_asc(memberships::Column::CommunityId)
            .order_by_asc(memberships::Column::UserDid)
            .all(db)
            .await
            .unwrap(),
        posts: post_index::Entity::find()
            .order_by_asc(post_index::Column::Id)
            .all(db)
            .await
            .unwrap(),
    }
}

/// Asserts every cached counter equals what the rows say: `member_count` and
/// `post_count` of each community, `post_count` and `last_post_at` of each feed.
async fn assert_counters_exact(app: &TestApp) {
    let s = snapshot(app).await;
    for f in &s.feeds {
        let posts: Vec<_> = s.posts.iter().filter(|p| p.feed_id == f.id).collect();
        assert_eq!(
            f.post_count as usize,
            posts.len(),
            "post_count of feed {}",
            f.id
        );
        assert_eq!(
            f.last_post_at,
            posts.iter().map(|p| p.created_at).max(),
            "last_post_at of feed {}",
            f.id
        );
    }
    for c in &s.communities {
        let members = s
            .memberships
            .iter()
            .filter(|m| m.community_id == c.id)
            .count();
        assert_eq!(c.member_count as usize, members, "member_count of {}", c.id);
        let posts: i32 = s
            .feeds
            .iter()
            .filter(|f| f.community_id == c.id)
            .map(|f| f.post_count)
            .sum();
        assert_eq!(c.post_count, posts, "post_count of community {}", c.id);
    }
}

// ------------------------------------------------------------------------------ builders

async fn leave(app: &TestApp, who: Who<'_>, community_id: Id) -> Value {
    gql_by(
        app,
        who,
        &format!(
            "mutation($id: BigInt!) {{ atrariumLeaveCommunity(communityId: $id) \
             {{ userDid community {{ {COMMUNITY} }} }} }}"
        ),
        json!({ "id": community_id }),
    )
    .await
}

async fn update_community(app: &TestApp, who: Who<'_>, input: Value) -> Value {
    gql_by(
        app,
        who,
        &format!(
            "mutation($input: AtrariumUpdateCommunityInput!) {{ atrariumUpdateCommunity(input: $input) \
             {{ community {{ {COMMUNITY} parent {{ id }} }} }} }}"
        ),
        json!({ "input": input }),
    )
    .await
}

// ----------------------------------------------------------------------------- communities

#[tokio::test]
async fn creating_a_community_makes_a_theme_owned_by_its_creator() {
    let app = TestApp::spawn().await;
    let created = ok_field(
        create(
            &app,
            Who::Atrarium(ALICE),
            json!({ "name": "  Rustaceans  " }),
        )
        .await,
        "atrariumCreateCommunity",
    );
    let id = id_of(&created["community"]["id"]);
    assert_eq!(
        created,
        json!({
            "community": {
                "id": id, "name": "Rustaceans", "stage": "THEME", "parentId": null,
                "memberCount": 1, "postCount": 0,
                "feedMix": { "own": 80, "parent": 15, "global": 5 },
                "healthMetrics": { "activityScore": null, "growthRate": null, "engagement": null },
            },
            "membership": { "communityId": id, "userDid": ALICE, "role": "OWNER" },
        })
    );

    // A PDS session's DID acts in Atrarium too; a moderator of the parent may nest.
    pds_account(
        &app,
        BOB,
        "bob.test",
        entity::pds::enums::AccountStatus::Active,
    )
    .await;
    ok_field(join(&app, Who::Pds(BOB), id).await, "atrariumJoinCommunity");
    ok_field(
        set_role(&app, Who::Atrarium(ALICE), id, BOB, "MODERATOR").await,
        "atrariumChangeMemberRole",
    );
    let child = ok_field(
        create(
            &app,
            Who::Pds(BOB),
            json!({
                "name": "Async Rust",
                "parentId": id,
                "feedMix": { "own": 60, "parent": 30, "global": 10 },
                "healthMetrics": { "activityScore": 0.25, "growthRate": -0.5, "engagement": 1.5 },
            }),
        )
        .await,
        "atrariumCreateCommunity",
    );
    assert_eq!(child["community"]["parentId"], json!(id));
    assert_eq!(
        child["community"]["feedMix"],
        json!({ "own": 60, "parent": 30, "global": 10 })
    );
    assert_eq!(
        child["community"]["healthMetrics"],
        json!({ "activityScore": 0.25, "growthRate": -0.5, "engagement": 1.5 })
    );
    assert_eq!(
        child["membership"],
        json!({ "communityId": child["community"]["id"], "userDid": BOB, "role": "OWNER" })
    );

    // Reads see the same rows.
    let read = ok_field(
        gql_by(
            &app,
            Who::Anonymous,
            "query($id: BigInt!) { atrariumCommunity(id: $id) { children { totalCount nodes { name } } \
             memberships { totalCount } } }",
            json!({ "id": id }),
        )
        .await,
        "atrariumCommunity",
    );
    assert_eq!(
        read,
        json!({
            "children": { "totalCount": 1, "nodes": [{ "name": "Async Rust" }] },
            "memberships": { "totalCount": 2 },
        })
    );
    assert_counters_exact(&app).await;
}

#[tokio::test]
async fn creating_a_community_checks_who_and_what_before_writing() {
    let app = TestApp::spawn().await;
    let parent = staffed(&app).await;
    let before = snapshot(&app).await;

    let refused: Vec<(Who, Value, &str, Option<&str>)> = vec![
        (
            Who::Anonymous,
            json!({ "name": "x" }),
            "UNAUTHENTICATED",
            None,
        ),
        (
            Who::Other(Domain::Bellamy, ALICE),
            json!({ "name": "x" }),
            "UNAUTHENTICATED",
            None,
        ),
        (
            Who::Atrarium("alice"),
            json!({ "name": "x" }),
            "UNAUTHENTICATED",
            None,
        ),
        (
            Who::Atrarium(ALICE),
            json!({ "name": "   " }),
            "BAD_USER_INPUT",
            Some("input.name"),
        ),
        (
            Who::Atrarium(ALICE),
            json!({ "name": "x".repeat(101) }),
            "BAD_USER_INPUT",
            Some("input.name"),
        ),
        (
            Who::Atrarium(ALICE),
            json!({ "name": "x", "feedMix": { "own": 80, "parent": 15, "global": 4 } }),
            "BAD_USER_INPUT",
            Some("input.feedMix"),
        ),
        (
            Who::Atrarium(ALICE),
            json!({ "name": "x", "feedMix": { "own": 110, "parent": -10, "global": 0 } }),
            "BAD_USER_INPUT",
            Some("input.feedMix.own"),
        ),
        (
            Who::Atrarium(ALICE),
            json!({ "name": "x", "healthMetrics": { "activityScore": 1.5 } }),
            "BAD_USER_INPUT",
            Some("input.healthMetrics.activityScore"),
        ),
        (
            Who::Atrarium(ALICE),
            json!({ "name": "x", "healthMetrics": { "engagement": -0.1 } }),
            "BAD_USER_INPUT",
            Some("input.healthMetrics.engagement"),
        ),
        (
            Who::Atrarium(ALICE),
            json!({ "name": "x", "parentId": 999 }),
            "NOT_FOUND",
            None,
        ),
        // Nesting needs an owner or moderator of the parent.
        (
            Who::Atrarium(CAROL),
            json!({ "name": "x", "parentId": parent }),
            "FORBIDDEN",
            None,
        ),
        (
            Who::Atrarium(DAVE),
            json!({ "name": "x", "parentId": parent }),
            "FORBIDDEN",
            None,
        ),
    ];
    for (who, input, want_code, want_field) in refused {
        let body = create(&app, who, input.clone()).await;
        let (code, field) = failure(&body);
        assert_eq!(code, want_code, "{input}: {body}");
        assert_eq!(field.as_deref(), want_field, "{input}: {body}");
    }
    assert_eq!(
        snapshot(&app).await,
        before,
        "refused creations wrote nothing"
    );
}

#[tokio::test]
async fn only_owners_update_a_community() {
    let app = TestApp::spawn().await;
    let id = staffed(&app).await;
    let before = snapshot(&app).await;
    let change = json!({ "id": id, "name": "Renamed" });
    assert_eq!(
        refused_code(&update_community(&app, Who::Anonymous, change.clone()).await),
        "UNAUTHENTICATED"
    );
    for who in [BOB, CAROL, DAVE] {
        assert_eq!(
            refused_code(&update_community(&app, Who::Atrarium(who), change.clone()).await),
            "FORBIDDEN",
            "{who}"
        );
    }
    assert_eq!(
        refused_code(
            &update_community(
                &app,
                Who::Atrarium(ALICE),
                json!({ "id": 999, "name": "x" })
            )
            .await
        ),
        "NOT_FOUND"
    );
    for (input, field) in [
        (json!({ "id": id }), "input"),
        (json!({ "id": id, "name": "" }), "input.name"),
        (
            json!({ "id": id, "feedMix": { "own": 50, "parent": 50, "global": 50 } }),
            "input.feedMix",
        ),
        (
            json!({ "id": id, "healthMetrics": { "activityScore": -1 } }),
            "input.healthMetrics.activityScore",
        ),
    ] {
        let body = update_community(&app, Who::Atrarium(ALICE), input).await;
        assert_eq!(
            failure(&body),
            ("BAD_USER_INPUT".into(), Some(field.into()))
        );
    }
    assert_eq!(snapshot(&app).await, before);

    let updated = ok_field(
        update_community(
            &app,
            Who::Atrarium(ALICE),
            json!({
                "id": id,
                "name": "Renamed",
                "feedMix": { "own": 100, "parent": 0, "global": 0 },
                "healthMetrics": { "activityScore": 0.9 },
            }),
        )
        .await,
        "atrariumUpdateCommunity",
    );
    assert_eq!(
        updated["community"],
        json!({
            "id": id, "name": "Renamed", "stage": "THEME", "parentId": null, "parent": null,
            "memberCount": 3, "postCount": 0,
            "feedMix": { "own": 100, "parent": 0, "global": 0 },
            "healthMetrics": { "activityScore": 0.9, "growthRate": null, "engagement": null },
        })
    );
}

#[tokio::test]
async fn a_community_is_never_nested_under_itself() {
    let app = TestApp::spawn().await;
    let a = community(&app, ALICE, "A", None).await;
    let b = community(&app, ALICE, "B", Some(a)).await;
    let c = community(&app, ALICE, "C", Some(b)).await;
    let other = community(&app, DAVE, "Dave's", None).await;
    let before = snapshot(&app).await;

    for parent in [a, b, c] {
        let body = update_community(
            &app,
            Who::Atrarium(ALICE),
            json!({ "id": a, "parentId": parent }),
        )
        .await;
        assert_eq!(
            failure(&body),
            ("BAD_USER_INPUT".into(), Some("input.parentId".into())),
            "A under {parent}"
        );
    }
    assert_eq!(
        refused_code(
            &update_community(
                &app,
                Who::Atrarium(ALICE),
                json!({ "id": a, "parentId": 999 })
            )
            .await
        ),
        "NOT_FOUND"
    );
    // Alice has no role in Dave's community: she cannot nest hers there.
    assert_eq!(
        refused_code(
            &update_community(
                &app,
                Who::Atrarium(ALICE),
                json!({ "id": a, "parentId": other })
            )
            .await
        ),
        "FORBIDDEN"
    );
    assert_eq!(snapshot(&app).await, before);

    // C to the root, then A under C: legal now.
    let moved = ok_field(
        update_community(
            &app,
            Who::Atrarium(ALICE),
            json!({ "id": c, "parentId": null }),
        )
        .await,
        "atrariumUpdateCommunity",
    );
    assert_eq!(moved["community"]["parentId"], Value::Null);
    let moved = ok_field(
        update_community(
            &app,
            Who::Atrarium(ALICE),
            json!({ "id": a, "parentId": c }),
        )
        .await,
        "atrariumUpdateCommunity",
    );
    assert_eq!(moved["community"]["parent"], json!({ "id": c }));
    // ... and now C under B (a descendant of C through A) is a cycle.
    let body = update_community(
        &app,
        Who::Atrarium(ALICE),
        json!({ "id": c, "parentId": b }),
    )
    .await;
    assert_eq!(failure(&body).1.as_deref(), Some("input.parentId"));
}

#[tokio::test]
async fn stages_advance_one_step_at_a_time_by_owners() {
    let app = TestApp::spawn().await;
    let id = staffed(&app).await;
    assert_eq!(
        refused_code(&advance(&app, Who::Anonymous, id, "COMMUNITY").await),
        "UNAUTHENTICATED"
    );
    for who in [BOB, CAROL, DAVE] {
        assert_eq!(
            refused_code(&advance(&app, Who::Atrarium(who), id, "COMMUNITY").await),
            "FORBIDDEN"
        );
    }
    assert_eq!(
        refused_code(&advance(&app, Who::Atrarium(ALICE), Id(999), "COMMUNITY").await),
        "NOT_FOUND"
    );
    let owner = Who::Atrarium(ALICE);
    for stage in ["THEME", "GRADUATED"] {
        let body = advance(&app, owner, id, stage).await;
        assert_eq!(
            failure(&body),
            ("BAD_USER_INPUT".into(), Some("input.stage".into())),
            "{stage}"
        );
    }
    let body = ok_field(
        advance(&app, owner, id, "COMMUNITY").await,
        "atrariumAdvanceCommunityStage",
    );
    assert_eq!(body["community"], json!({ "id": id, "stage": "COMMUNITY" }));
    // Already there: someone else advanced it (or the client is stale).
    assert_eq!(
        refused_code(&advance(&app, owner, id, "COMMUNITY").await),
        "CONFLICT"
    );
    let body = ok_field(
        advance(&app, owner, id, "GRADUATED").await,
        "atrariumAdvanceCommunityStage",
    );
    assert_eq!(body["community"]["stage"], "GRADUATED");
    let body = advance(&app, owner, id, "COMMUNITY").await;
    assert_eq!(
        failure(&body),
        ("BAD_USER_INPUT".into(), Some("input.stage".into()))
    );
    assert_eq!(
        refused_code(&advance(&app, owner, id, "GRADUATED").await),
        "CONFLICT"
    );
}

#[tokio::test]
async fn deleting_a_community_takes_its_feeds_posts_and_members_along() {
    let app = TestApp::spawn().await;
    let parent = staffed(&app).await;
    let child = community(&app, ALICE, "Child", Some(parent)).await;
    ok_field(
        join(&app, Who::Atrarium(CAROL), child).await,
        "atrariumJoinCommunity",
    );
    let f = feed(&app, child, "child").await;
    ok_field(
        index(&app, Who::Atrarium(ALICE), f, &post_uri(CAROL, "p1"), T0).await,
        "atrariumIndexPost",
    );

    let delete = |id: Id| {
        let app = &app;
        async move {
            gql_by(
                app,
                Who::Atrarium(ALICE),
                "mutation($id: BigInt!) { atrariumDeleteCommunity(id: $id) { deletedId parent { id name } } }",
                json!({ "id": id }),
            )
            .await
        }
    };
    let before = snapshot(&app).await;
    assert_eq!(
        refused_code(&delete(parent).await),
        "CONFLICT",
        "it has a child"
    );
    assert_eq!(refused_code(&delete(Id(999)).await), "NOT_FOUND");
    for who in [
        Who::Atrarium(BOB),
        Who::Atrarium(CAROL),
        Who::Atrarium(DAVE),
    ] {
        let body = gql_by(
            &app,
            who,
            "mutation($id: BigInt!) { atrariumDeleteCommunity(id: $id) { deletedId } }",
            json!({ "id": parent }),
        )
        .await;
        assert_eq!(refused_code(&body), "FORBIDDEN");
    }
    assert_eq!(snapshot(&app).await, before);

    let body = ok_field(delete(child).await, "atrariumDeleteCommunity");
    assert_eq!(
        body,
        json!({ "deletedId": child, "parent": { "id": parent, "name": "Rustaceans" } })
    );
    let after = snapshot(&app).await;
    assert_eq!(after.communities.len(), 1);
    assert!(after.feeds.is_empty() && after.posts.is_empty());
    assert!(after.memberships.iter().all(|m| m.community_id == parent.0));
    let body = ok_field(delete(parent).await, "atrariumDeleteCommunity");
    assert_eq!(body, json!({ "deletedId": parent, "parent": null }));
    assert!(snapshot(&app).await.memberships.is_empty());
}

// ----------------------------------------------------------------------------- theme feeds

#[tokio::test]
async fn owners_and_moderators_create_update_and_delete_theme_feeds() {
    let app = TestApp::spawn().await;
    let id = staffed(&app).await;
    let input = |rkey: &str| {
        json!({
            "communityId": id,
            "name": "TypeScript",
            "feedUri": feed_uri(rkey),
            "filterConfig": {
                "hashtags": ["#TypeScript", "#React"],
                "keywords": ["webdev", " frontend "],
                "authors": [BOB, "did:web:example.com"],
            },
            "healthMetrics": { "activityScore": 0.5 },
        })
    };
    let before = snapshot(&app).await;
    assert_eq!(
        refused_code(&create_feed(&app, Who::Anonymous, input("a")).await),
        "UNAUTHENTICATED"
    );
    for who in [CAROL, DAVE] {
        assert_eq!(
            refused_code(&create_feed(&app, Who::Atrarium(who), input("a")).await),
            "FORBIDDEN"
        );
    }
    let mut missing = input("a");
    missing["communityId"] = json!(999);
    assert_eq!(
        refused_code(&create_feed(&app, Who::Atrarium(ALICE), missing).await),
        "NOT_FOUND"
    );
    assert_eq!(snapshot(&app).await, before);

    let created = ok_field(
        create_feed(&app, Who::Atrarium(ALICE), input("ts")).await,
        "atrariumCreateThemeFeed",
    );
    let feed_id = id_of(&created["themeFeed"]["id"]);
    assert_eq!(
        created["themeFeed"],
        json!({
            "id": feed_id, "communityId": id, "name": "TypeScript", "feedUri": feed_uri("ts"),
            "postCount": 0, "lastPostAt": null,
            "filterConfig": {
                "hashtags": ["#TypeScript", "#React"],
                "keywords": ["webdev", "frontend"],
                "authors": [BOB, "did:web:example.com"],
            },
            "healthMetrics": { "activityScore": 0.5 },
            "community": { "id": id, "name": "Rustaceans" },
        })
    );
    // A moderator creates too; a feed URI is unique.
    ok_field(
        create_feed(&app, Who::Atrarium(BOB), input("mod")).await,
        "atrariumCreateThemeFeed",
    );
    let before = snapshot(&app).await;
    assert_eq!(
        refused_code(&create_feed(&app, Who::Atrarium(BOB), input("ts")).await),
        "CONFLICT"
    );
    assert_eq!(snapshot(&app).await, before);

    let update = |who, input: Value| {
        let app = &app;
        async move {
            gql_by(
                app,
                who,
                &format!(
                    "mutation($input: AtrariumUpdateThemeFeedInput!) {{ \
                     atrariumUpdateThemeFeed(input: $input) {{ themeFeed {{ {FEED} }} }} }}"
                ),
                json!({ "input": input }),
            )
            .await
        }
    };
    let change = json!({ "id": feed_id, "name": "TS", "filterConfig": { "keywords": ["deno"] } });
    assert_eq!(
        refused_code(&update(Who::Anonymous, change.clone()).await),
        "UNAUTHENTICATED"
    );
    assert_eq!(
        refused_code(&update(Who::Atrarium(CAROL), change.clone()).await),
        "FORBIDDEN"
    );
    assert_eq!(
        refused_code(&update(Who::Atrarium(DAVE), change.clone()).await),
        "FORBIDDEN"
    );
    assert_eq!(
        refused_code(&update(Who::Atrarium(BOB), json!({ "id": 999, "name": "x" })).await),
        "NOT_FOUND"
    );
    let updated = ok_field(
        update(Who::Atrarium(BOB), change).await,
        "atrariumUpdateThemeFeed",
    );
    assert_eq!(updated["themeFeed"]["name"], "TS");
    assert_eq!(
        updated["themeFeed"]["filterConfig"],
        json!({ "hashtags": [], "keywords": ["deno"], "authors": [] })
    );
    assert_eq!(
        updated["themeFeed"]["healthMetrics"],
        json!({ "activityScore": 0.5 })
    );

    // Deleting a feed takes its posts out of the community's count.
    for (n, t) in [(1, T0), (2, T0 + 60)] {
        ok_field(
            index(
                &app,
                Who::Atrarium(BOB),
                feed_id,
                &post_uri(CAROL, &format!("p{n}")),
                t,
            )
            .await,
            "atrariumIndexPost",
        );
    }
    let delete = |who| {
        let app = &app;
        async move {
            gql_by(
                app,
                who,
                &format!(
                    "mutation($id: BigInt!) {{ atrariumDeleteThemeFeed(id: $id) \
                     {{ deletedId community {{ {COMMUNITY} }} }} }}"
                ),
                json!({ "id": feed_id }),
            )
            .await
        }
    };
    assert_eq!(
        refused_code(&delete(Who::Anonymous).await),
        "UNAUTHENTICATED"
    );
    assert_eq!(
        refused_code(&delete(Who::Atrarium(CAROL)).await),
        "FORBIDDEN"
    );
    assert_eq!(
        refused_code(&delete(Who::Atrarium(DAVE)).await),
        "FORBIDDEN"
    );
    let deleted = ok_field(delete(Who::Atrarium(BOB)).await, "atrariumDeleteThemeFeed");
    assert_eq!(deleted["deletedId"], json!(feed_id));
    assert_eq!(deleted["community"]["postCount"], 0);
    assert_eq!(refused_code(&delete(Who::Atrarium(BOB)).await), "NOT_FOUND");
    assert!(snapshot(&app).await.posts.is_empty());
    assert_counters_exact(&app).await;
}

#[tokio::test]
async fn theme_feed_inputs_are_validated_before_writing() {
    let app = TestApp::spawn().await;
    let id = staffed(&app).await;
    let existing = feed(&app, id, "existing").await;
    let before = snapshot(&app).await;
    let base = json!({
        "communityId": id, "name": "Feed", "feedUri": feed_uri("new"), "filterConfig": {},
    });
    let with = |key: &str, value: Value| {
        let mut v = base.clone();
        v[key] = value;
        v
    };
    let cases = [
        (with("name", json!("")), "input.name"),
        (
            with("feedUri", json!("https://bsky.app/feed")),
            "input.feedUri",
        ),
        (
            with("feedUri", json!("at://alice/app.bsky.feed.generator/x")),
            "input.feedUri",
        ),
        (
            with("feedUri", json!(post_uri(ALICE, "not-a-generator"))),
            "input.feedUri",
        ),
        (
            with("filterConfig", json!({ "hashtags": ["rust"] })),
            "input.filterConfig.hashtags[0]",
        ),
        (
            with(
                "filterConfig",
                json!({ "hashtags": ["#rust", "#has space"] }),
            ),
            "input.filterConfig.hashtags[1]",
        ),
        (
            with("filterConfig", json!({ "hashtags": ["#Rust", "#rust"] })),
            "input.filterConfig.hashtags[1]",
        ),
        (
            with("filterConfig", json!({ "keywords": ["ok", "  "] })),
            "input.filterConfig.keywords[1]",
        ),
        (
            with(
                "filterConfig",
                json!({ "authors": [BOB, "did:example:bob"] }),
            ),
            "input.filterConfig.authors[1]",
        ),
        (
            with("filterConfig", json!({ "authors": ["did:plc:short"] })),
            "input.filterConfig.authors[0]",
        ),
        (
            with(
                "filterConfig",
                json!({ "keywords": (0..51).map(|i| format!("k{i}")).collect::<Vec<_>>() }),
            ),
            "input.filterConfig.keywords",
        ),
        (
            with("healthMetrics", json!({ "activityScore": 2 })),
            "input.healthMetrics.activityScore",
        ),
    ];
    for (input, field) in cases {
        let body = create_feed(&app, Who::Atrarium(ALICE), input.clone()).await;
        assert_eq!(
            failure(&body),
            ("BAD_USER_INPUT".into(), Some(field.into())),
            "{input}: {body}"
        );
    }
    let body = gql_by(
        &app,
        Who::Atrarium(ALICE),
        "mutation($input: AtrariumUpdateThemeFeedInput!) { atrariumUpdateThemeFeed(input: $input) { themeFeed { id } } }",
        json!({ "input": { "id": existing } }),
    )
    .await;
    assert_eq!(
        failure(&body),
        ("BAD_USER_INPUT".into(), Some("input".into()))
    );
    assert_eq!(snapshot(&app).await, before, "refused inputs wrote nothing");
}

// ----------------------------------------------------------------------------- memberships

#[tokio::test]
async fn joining_and_leaving_keep_member_count_exact() {
    let app = TestApp::spawn().await;
    let id = community(&app, ALICE, "Rustaceans", None).await;
    assert_eq!(
        refused_code(&join(&app, Who::Anonymous, id).await),
        "UNAUTHENTICATED"
    );
    assert_eq!(
        refused_code(&join(&app, Who::Atrarium(BOB), Id(999)).await),
        "NOT_FOUND"
    );

    let joined = ok_field(
        join(&app, Who::Atrarium(BOB), id).await,
        "atrariumJoinCommunity",
    );
    assert_eq!(
        joined["membership"],
        json!({ "communityId": id, "userDid": BOB, "role": "MEMBER" })
    );
    assert_eq!(joined["community"]["memberCount"], 2);
    pds_account(
        &app,
        CAROL,
        "carol.test",
        entity::pds::enums::AccountStatus::Active,
    )
    .await;
    let joined = ok_field(
        join(&app, Who::Pds(CAROL), id).await,
        "atrariumJoinCommunity",
    );
    assert_eq!(joined["community"]["memberCount"], 3);

    let before = snapshot(&app).await;
    assert_eq!(
        refused_code(&join(&app, Who::Atrarium(BOB), id).await),
        "CONFLICT"
    );
    assert_eq!(
        refused_code(&join(&app, Who::Atrarium(ALICE), id).await),
        "CONFLICT"
    );
    assert_eq!(
        refused_code(&leave(&app, Who::Atrarium(DAVE), id).await),
        "NOT_FOUND"
    );
    assert_eq!(
        refused_code(&leave(&app, Who::Anonymous, id).await),
        "UNAUTHENTICATED"
    );
    assert_eq!(snapshot(&app).await, before);

    let left = ok_field(
        leave(&app, Who::Atrarium(BOB), id).await,
        "atrariumLeaveCommunity",
    );
    assert_eq!(left["userDid"], BOB);
    assert_eq!(left["community"]["memberCount"], 2);
    assert_eq!(
        refused_code(&leave(&app, Who::Atrarium(BOB), id).await),
        "NOT_FOUND"
    );
    assert_counters_exact(&app).await;
}

#[tokio::test]
async fn the_last_owner_can_neither_leave_nor_be_demoted_nor_removed() {
    let app = TestApp::spawn().await;
    let id = staffed(&app).await;
    let before = snapshot(&app).await;
    assert_eq!(
        refused_code(&leave(&app, Who::Atrarium(ALICE), id).await),
        "CONFLICT"
    );
    for role in ["MODERATOR", "MEMBER"] {
        assert_eq!(
            refused_code(&set_role(&app, Who::Atrarium(ALICE), id, ALICE, role).await),
            "CONFLICT"
        );
    }
    // Removing oneself is leaving.
    assert_eq!(
        refused_code(&remove(&app, Who::Atrarium(ALICE), id, ALICE).await),
        "CONFLICT"
    );
    assert_eq!(snapshot(&app).await, before);

    // With a second owner, the first may step down; the second is then the last one.
    let body = ok_field(
        set_role(&app, Who::Atrarium(ALICE), id, BOB, "OWNER").await,
        "atrariumChangeMemberRole",
    );
    assert_eq!(body["membership"]["role"], "OWNER");
    let body = ok_field(
        set_role(&app, Who::Atrarium(BOB), id, ALICE, "MEMBER").await,
        "atrariumChangeMemberRole",
    );
    assert_eq!(body["membership"]["role"], "MEMBER");
    assert_eq!(
        refused_code(&set_role(&app, Who::Atrarium(BOB), id, BOB, "MEMBER").await),
        "CONFLICT"
    );
    assert_eq!(
        refused_code(&leave(&app, Who::Atrarium(BOB), id).await),
        "CONFLICT"
    );
    assert_eq!(
        refused_code(&remove(&app, Who::Atrarium(ALICE), id, BOB).await),
        "FORBIDDEN"
    );

    // An owner may remove another owner, never the last.
    ok_field(
        set_role(&app, Who::Atrarium(BOB), id, ALICE, "OWNER").await,
        "atrariumChangeMemberRole",
    );
    let body = ok_field(
        remove(&app, Who::Atrarium(ALICE), id, BOB).await,
        "atrariumRemoveMember",
    );
    assert_eq!(
        body,
        json!({ "userDid": BOB, "community": { "id": id, "memberCount": 2 } })
    );
    assert_eq!(
        refused_code(&leave(&app, Who::Atrarium(ALICE), id).await),
        "CONFLICT"
    );
    assert_counters_exact(&app).await;
}

#[tokio::test]
async fn owners_manage_every_role_and_moderators_manage_members() {
    let app = TestApp::spawn().await;
    let id = staffed(&app).await;
    let erin = did(7);
    ok_field(
        join(&app, Who::Atrarium(&erin), id).await,
        "atrariumJoinCommunity",
    );
    let before = snapshot(&app).await;

    let refused = [
        (Who::Anonymous, CAROL, "MODERATOR", "UNAUTHENTICATED"),
        (Who::Atrarium(DAVE), CAROL, "MODERATOR", "FORBIDDEN"),
        (Who::Atrarium(CAROL), &erin, "MODERATOR", "FORBIDDEN"),
        (Who::Atrarium(CAROL), CAROL, "OWNER", "FORBIDDEN"),
        // Moderators never make owners, nor touch moderators and owners.
        (Who::Atrarium(BOB), CAROL, "OWNER", "FORBIDDEN"),
        (Who::Atrarium(BOB), BOB, "MEMBER", "FORBIDDEN"),
        (Who::Atrarium(BOB), ALICE, "MEMBER", "FORBIDDEN"),
        (Who::Atrarium(ALICE), DAVE, "MEMBER", "NOT_FOUND"),
    ];
    for (who, target, role, want) in refused {
        assert_eq!(
            refused_code(&set_role(&app, who, id, target, role).await),
            want,
            "{target} {role}"
        );
    }
    assert_eq!(
        refused_code(&set_role(&app, Who::Atrarium(ALICE), Id(999), CAROL, "MEMBER").await),
        "NOT_FOUND"
    );
    let body = set_role(&app, Who::Atrarium(ALICE), id, "carol", "MEMBER").await;
    assert_eq!(
        failure(&body),
        ("BAD_USER_INPUT".into(), Some("input.userDid".into()))
    );
    assert_eq!(snapshot(&app).await, before);

    // A moderator makes a member a moderator; the owner demotes them again.
    let body = ok_field(
        set_role(&app, Who::Atrarium(BOB), id, CAROL, "MODERATOR").await,
        "atrariumChangeMemberRole",
    );
    assert_eq!(
        body["membership"],
        json!({ "communityId": id, "userDid": CAROL, "role": "MODERATOR", "community": { "memberCount": 4 } })
    );
    assert_eq!(
        refused_code(&set_role(&app, Who::Atrarium(BOB), id, CAROL, "MEMBER").await),
        "FORBIDDEN"
    );
    let body = ok_field(
        set_role(&app, Who::Atrarium(ALICE), id, CAROL, "MEMBER").await,
        "atrariumChangeMemberRole",
    );
    assert_eq!(body["membership"]["role"], "MEMBER");
    // Setting the role a member has changes nothing and succeeds.
    let body = ok_field(
        set_role(&app, Who::Atrarium(BOB), id, CAROL, "MEMBER").await,
        "atrariumChangeMemberRole",
    );
    assert_eq!(body["membership"]["role"], "MEMBER");
    // The owner makes an owner of a member.
    let body = ok_field(
        set_role(&app, Who::Atrarium(ALICE), id, &erin, "OWNER").await,
        "atrariumChangeMemberRole",
    );
    assert_eq!(body["membership"]["role"], "OWNER");
    assert_counters_exact(&app).await;
}

#[tokio::test]
async fn owners_and_moderators_remove_members() {
    let app = TestApp::spawn().await;
    let id = staffed(&app).await;
    let erin = did(8);
    ok_field(
        join(&app, Who::Atrarium(&erin), id).await,
        "atrariumJoinCommunity",
    );
    let before = snapshot(&app).await;
    assert_eq!(
        refused_code(&remove(&app, Who::Anonymous, id, CAROL).await),
        "UNAUTHENTICATED"
    );
    assert_eq!(
        refused_code(&remove(&app, Who::Atrarium(DAVE), id, CAROL).await),
        "FORBIDDEN"
    );
    assert_eq!(
        refused_code(&remove(&app, Who::Atrarium(CAROL), id, &erin).await),
        "FORBIDDEN"
    );
    assert_eq!(
        refused_code(&remove(&app, Who::Atrarium(BOB), id, ALICE).await),
        "FORBIDDEN"
    );
    assert_eq!(
        refused_code(&remove(&app, Who::Atrarium(BOB), id, DAVE).await),
        "NOT_FOUND"
    );
    let body = remove(&app, Who::Atrarium(BOB), id, "did:plc:").await;
    assert_eq!(
        failure(&body),
        ("BAD_USER_INPUT".into(), Some("input.userDid".into()))
    );
    assert_eq!(snapshot(&app).await, before);

    let body = ok_field(
        remove(&app, Who::Atrarium(BOB), id, CAROL).await,
        "atrariumRemoveMember",
    );
    assert_eq!(
        body,
        json!({ "userDid": CAROL, "community": { "id": id, "memberCount": 3 } })
    );
    // A member removing themselves leaves.
    let body = ok_field(
        remove(&app, Who::Atrarium(&erin), id, &erin).await,
        "atrariumRemoveMember",
    );
    assert_eq!(body["community"]["memberCount"], 2);
    let body = ok_field(
        remove(&app, Who::Atrarium(ALICE), id, BOB).await,
        "atrariumRemoveMember",
    );
    assert_eq!(body["community"]["memberCount"], 1);
    assert_counters_exact(&app).await;
}

// ----------------------------------------------------------------------------------- posts

#[tokio::test]
async fn indexing_posts_keeps_post_counts_and_last_post_at_exact() {
    let app = TestApp::spawn().await;
    let id = staffed(&app).await;
    let f1 = feed(&app, id, "one").await;
    let f2 = feed(&app, id, "two").await;

    let first = ok_field(
        index(
            &app,
            Who::Atrarium(ALICE),
            f1,
            &post_uri(CAROL, "3k2a"),
            T0 + 100,
        )
        .await,
        "atrariumIndexPost",
    );
    let post_id = id_of(&first["post"]["id"]);
    assert_eq!(
        first["post"],
        json!({
            "id": post_id, "feedId": f1, "uri": post_uri(CAROL, "3k2a"), "authorDid": CAROL,
            "createdAt": rfc3339(T0 + 100), "hasMedia": true,
        })
    );
    assert_eq!(first["themeFeed"]["postCount"], 1);
    assert_eq!(first["themeFeed"]["lastPostAt"], rfc3339(T0 + 100));
    assert_eq!(first["community"]["postCount"], 1);

    // An older post does not move lastPostAt back; a moderator indexes too.
    let older = ok_field(
        index(&app, Who::Atrarium(BOB), f1, &post_uri(BOB, "3k1z"), T0).await,
        "atrariumIndexPost",
    );
    assert_eq!(older["themeFeed"]["postCount"], 2);
    assert_eq!(older["themeFeed"]["lastPostAt"], rfc3339(T0 + 100));
    let other_feed = ok_field(
        index(
            &app,
            Who::Atrarium(ALICE),
            f2,
            &post_uri(CAROL, "3k2a"),
            T0 + 50,
        )
        .await,
        "atrariumIndexPost",
    );
    assert_eq!(other_feed["themeFeed"]["postCount"], 1);
    assert_eq!(other_feed["community"]["postCount"], 3);

    let before = snapshot(&app).await;
    let refused = [
        (
            Who::Anonymous,
            f1,
            post_uri(DAVE, "x"),
            T0,
            "UNAUTHENTICATED",
        ),
        (
            Who::Atrarium(CAROL),
            f1,
            post_uri(DAVE, "x"),
            T0,
            "FORBIDDEN",
        ),
        (
            Who::Atrarium(DAVE),
            f1,
            post_uri(DAVE, "x"),
            T0,
            "FORBIDDEN",
        ),
        (
            Who::Atrarium(ALICE),
            Id(999),
            post_uri(DAVE, "x"),
            T0,
            "NOT_FOUND",
        ),
        // Already in this feed.
        (
            Who::Atrarium(ALICE),
            f1,
            post_uri(CAROL, "3k2a"),
            T0,
            "CONFLICT",
        ),
    ];
    for (who, feed_id, uri, t, want) in refused {
        assert_eq!(
            refused_code(&index(&app, who, feed_id, &uri, t).await),
            want,
            "{uri}"
        );
    }
    let far_future = chrono::Utc::now().timestamp() + 3600;
    for (uri, t, field) in [
        ("https://bsky.app/post/1".to_owned(), T0, "input.uri"),
        (feed_uri("not-a-post"), T0, "input.uri"),
        (
            "at://did:plc:short/app.bsky.feed.post/x".to_owned(),
            T0,
            "input.uri",
        ),
        (post_uri(DAVE, "future"), far_future, "input.createdAt"),
    ] {
        let body = index(&app, Who::Atrarium(ALICE), f1, &uri, t).await;
        assert_eq!(
            failure(&body),
            ("BAD_USER_INPUT".into(), Some(field.into())),
            "{uri}"
        );
    }
    assert_eq!(snapshot(&app).await, before, "refused posts wrote nothing");

    // Taking the newest post out moves lastPostAt back to the next newest.
    assert_eq!(
        refused_code(&unindex(&app, Who::Anonymous, post_id).await),
        "UNAUTHENTICATED"
    );
    assert_eq!(
        refused_code(&unindex(&app, Who::Atrarium(CAROL), post_id).await),
        "FORBIDDEN"
    );
    assert_eq!(
        refused_code(&unindex(&app, Who::Atrarium(DAVE), post_id).await),
        "FORBIDDEN"
    );
    assert_eq!(
        refused_code(&unindex(&app, Who::Atrarium(ALICE), Id(999)).await),
        "NOT_FOUND"
    );
    let out = ok_field(
        unindex(&app, Who::Atrarium(BOB), post_id).await,
        "atrariumUnindexPost",
    );
    assert_eq!(out["deletedId"], json!(post_id));
    assert_eq!(out["themeFeed"]["postCount"], 1);
    assert_eq!(out["themeFeed"]["lastPostAt"], rfc3339(T0));
    assert_eq!(out["community"]["postCount"], 2);
    let last = id_of(&older["post"]["id"]);
    let out = ok_field(
        unindex(&app, Who::Atrarium(ALICE), last).await,
        "atrariumUnindexPost",
    );
    assert_eq!(out["themeFeed"]["postCount"], 0);
    assert_eq!(out["themeFeed"]["lastPostAt"], Value::Null);
    assert_eq!(
        refused_code(&unindex(&app, Who::Atrarium(ALICE), last).await),
        "NOT_FOUND"
    );
    assert_counters_exact(&app).await;
}

// ----------------------------------------------------------------------------- concurrency

#[tokio::test]
async fn fifty_concurrent_joins_count_fifty_members() {
    let app = std::sync::Arc::new(TestApp::spawn_on_files().await);
    let id = community(&app, ALICE, "Popular", None).await;
    let mut tasks = Vec::new();
    for n in 0..50 {
        let app = app.clone();
        tasks.push(tokio::spawn(async move {
            join(&app, Who::Atrarium(&did(1000 + n)), id).await
        }));
    }
    for t in tasks {
        ok_field(t.await.unwrap(), "atrariumJoinCommunity");
    }
    let c = snapshot(&app).await.communities[0].clone();
    assert_eq!(c.member_count, 1 + 50, "the owner and fifty joiners");
    assert_counters_exact(&app).await;

    let mut tasks = Vec::new();
    for n in 0..50 {
        let app = app.clone();
        tasks.push(tokio::spawn(async move {
            leave(&app, Who::Atrarium(&did(1000 + n)), id).await
        }));
    }
    for t in tasks {
        ok_field(t.await.unwrap(), "atrariumLeaveCommunity");
    }
    assert_eq!(snapshot(&app).await.communities[0].member_count, 1);
    assert_counters_exact(&app).await;
}

#[tokio::test]
async fn concurrent_joins_of_one_did_leave_one_membership() {
    let app = std::sync::Arc::new(TestApp::spawn_on_files().await);
    let id = community(&app, ALICE, "Popular", None).await;
    let mut tasks = Vec::new();
    for _ in 0..10 {
        let app = app.clone();
        tasks.push(tokio::spawn(async move {
            join(&app, Who::Atrarium(BOB), id).await
        }));
    }
    let mut codes = Vec::new();
    for t in tasks {
        let body = t.await.unwrap();
        codes.push(if body.get("errors").is_some() {
            refused_code(&body)
        } else {
            "OK".into()
        });
    }
    codes.sort();
    let mut want = vec!["CONFLICT".to_owned(); 9];
    want.push("OK".into());
    assert_eq!(codes, want);
    assert_eq!(snapshot(&app).await.communities[0].member_count, 2);
    assert_counters_exact(&app).await;
}

#[tokio::test]
async fn concurrent_owners_leaving_never_leave_a_community_ownerless() {
    let app = std::sync::Arc::new(TestApp::spawn_on_files().await);
    for round in 0..5 {
        let id = community(&app, ALICE, &format!("Round {round}"), None).await;
        ok_field(
            join(&app, Who::Atrarium(BOB), id).await,
            "atrariumJoinCommunity",
        );
        ok_field(
            set_role(&app, Who::Atrarium(ALICE), id, BOB, "OWNER").await,
            "atrariumChangeMemberRole",
        );
        let (a, b) = tokio::join!(
            leave(&app, Who::Atrarium(ALICE), id),
            // Demoting oneself races the other owner's leaving.
            set_role(&app, Who::Atrarium(BOB), id, BOB, "MEMBER"),
        );
        let failed = [&a, &b]
            .iter()
            .filter(|r| r.get("errors").is_some())
            .count();
        assert_eq!(failed, 1, "exactly one wins: {a} {b}");
        let failing = if a.get("errors").is_some() { &a } else { &b };
        assert_eq!(refused_code(failing), "CONFLICT");
        let owners = snapshot(&app)
            .await
            .memberships
            .into_iter()
            .filter(|m| m.community_id == id.0 && m.role == entity::atrarium::Role::Owner)
            .count();
        assert_eq!(owners, 1, "round {round}");
    }
    assert_counters_exact(&app).await;
}

#[tokio::test]
async fn concurrent_indexing_counts_every_post() {
    let app = std::sync::Arc::new(TestApp::spawn_on_files().await);
    let id = staffed(&app).await;
    let f = feed(&app, id, "busy").await;
    let mut tasks = Vec::new();
    for n in 0..30 {
        let app = app.clone();
        let who = if n % 2 == 0 { ALICE } else { BOB };
        tasks.push(tokio::spawn(async move {
            index(
                &app,
                Who::Atrarium(who),
                f,
                &post_uri(CAROL, &format!("p{n}")),
                T0 + n,
            )
            .await
        }));
    }
    for t in tasks {
        ok_field(t.await.unwrap(), "atrariumIndexPost");
    }
    let s = snapshot(&app).await;
    assert_eq!(s.feeds[0].post_count, 30);
    assert_eq!(s.feeds[0].last_post_at, Some(T0 + 29));
    assert_eq!(s.communities[0].post_count, 30);
    assert_counters_exact(&app).await;
}

// -------------------------------------------------------------------------------- rollback

/// Makes every change of a community's counters fail inside the database, so a mutation
/// that has already written other rows fails half-way.
async fn break_counters(app: &TestApp) {
    let db = db(app);
    match db.get_database_backend() {
        DbBackend::Postgres => {
            db.execute_unprepared(
                "CREATE FUNCTION refuse_counters() RETURNS trigger LANGUAGE plpgsql AS \
                 $$ BEGIN RAISE EXCEPTION 'counters are frozen'; END $$",
            )
            .await
            .unwrap();
            db.execute_unprepared(
                "CREATE TRIGGER refuse_counters BEFORE UPDATE OF member_count, post_count \
                 ON communities FOR EACH ROW EXECUTE FUNCTION refuse_counters()",
            )
            .await
            .unwrap();
        }
        _ => {
            db.execute_unprepared(
                "CREATE TRIGGER refuse_counters BEFORE UPDATE OF member_count, post_count \
                 ON communities BEGIN SELECT RAISE(ABORT, 'counters are frozen'); END",
            )
            .await
            .unwrap();
        }
    }
}

#[tokio::test]
async fn a_mutation_failing_half_way_changes_nothing() {
    let app = TestApp::spawn().await;
    let id = staffed(&app).await;
    let f = feed(&app, id, "frozen").await;
    ok_field(
        index(&app, Who::Atrarium(ALICE), f, &post_uri(CAROL, "p0"), T0).await,
        "atrariumIndexPost",
    );
    break_counters(&app).await;
    let before = snapshot(&app).await;

    // Each of these writes rows first (a membership, a post and the feed's counters, a
    // cascade of posts) and then fails on the community's counter.
    assert_eq!(
        refused_code(&join(&app, Who::Atrarium(DAVE), id).await),
        "INTERNAL"
    );
    assert_eq!(
        refused_code(&leave(&app, Who::Atrarium(CAROL), id).await),
        "INTERNAL"
    );
    assert_eq!(
        refused_code(&remove(&app, Who::Atrarium(BOB), id, CAROL).await),
        "INTERNAL"
    );
    assert_eq!(
        refused_code(
            &index(
                &app,
                Who::Atrarium(ALICE),
                f,
                &post_uri(CAROL, "p1"),
                T0 + 1
            )
            .await
        ),
        "INTERNAL"
    );
    let post = Id(before.posts[0].id);
    assert_eq!(
        refused_code(&unindex(&app, Who::Atrarium(ALICE), post).await),
        "INTERNAL"
    );
    let body = gql_by(
        &app,
        Who::Atrarium(ALICE),
        "mutation($id: BigInt!) { atrariumDeleteThemeFeed(id: $id) { deletedId } }",
        json!({ "id": f }),
    )
    .await;
    assert_eq!(refused_code(&body), "INTERNAL");
    // Internal details never reach the client.
    assert!(!body.to_string().contains("frozen"), "{body}");

    assert_eq!(
        snapshot(&app).await,
        before,
        "every failed mutation rolled back"
    );
    assert_counters_exact(&app).await;
    // Writes that do not touch the counters still work.
    ok_field(
        update_community(
            &app,
            Who::Atrarium(ALICE),
            json!({ "id": id, "name": "Still here" }),
        )
        .await,
        "atrariumUpdateCommunity",
    );
}
