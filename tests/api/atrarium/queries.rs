//! Atrarium's read API through HTTP: lookups, the seed's queries (feed skeleton, health
//! check, a user's communities), the community tree, pagination, filters, batching, demo
//! data.

use entity::Domain;
use entity::atrarium::{
    FeedMix, FilterConfig, HealthMetrics, Role, Stage, communities, memberships, post_index,
    theme_feeds,
};
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, IntoActiveModel, PaginatorTrait};
use serde_json::{Value, json};

use crate::helpers::{TestApp, code, ok, query_ok, statements};

/// 2026-01-01T00:00:00Z.
const T0: i64 = 1_767_225_600;

const ALICE: &str = "did:plc:ragtjsm2j2vknwkz3zp4oxrd";
const BOB: &str = "did:plc:44ybard66vv44zksje25o7dz";
const CAROL: &str = "did:plc:z72i7hdynmk6r22z27h6tvur";

/// Inserts Atrarium fixtures straight through the entities.
struct Fixture<'a> {
    app: &'a TestApp,
}

impl Fixture<'_> {
    fn db(&self) -> &sea_orm::DatabaseConnection {
        self.app.db.get(Domain::Atrarium)
    }

    async fn community(
        &self,
        id: i64,
        name: &str,
        stage: Stage,
        parent_id: Option<i64>,
        activity_score: Option<f64>,
    ) -> communities::Model {
        let m = communities::Model {
            id,
            name: name.to_owned(),
            stage,
            parent_id,
            feed_mix: FeedMix::default(),
            health_metrics: HealthMetrics {
                activity_score,
                growth_rate: None,
                engagement: None,
            },
            member_count: 0,
            post_count: 0,
            created_at: T0 + id * 60,
            updated_at: T0 + id * 60,
        };
        m.clone()
            .into_active_model()
            .insert(self.db())
            .await
            .unwrap();
        m
    }

    async fn feed(&self, id: i64, community_id: i64) -> theme_feeds::Model {
        let m = theme_feeds::Model {
            id,
            community_id,
            name: format!("Feed {id}"),
            feed_uri: format!("at://{ALICE}/app.bsky.feed.generator/f{id}"),
            filter_config: FilterConfig {
                hashtags: vec!["#rust".into()],
                keywords: vec![],
                authors: vec![BOB.into()],
            },
            health_metrics: HealthMetrics::default(),
            post_count: 0,
            last_post_at: None,
            created_at: T0 + id,
        };
        m.clone()
            .into_active_model()
            .insert(self.db())
            .await
            .unwrap();
        m
    }

    async fn post(&self, id: i64, feed_id: i64, created_at: i64) {
        post_index::Model {
            id,
            feed_id,
            uri: format!("at://{BOB}/app.bsky.feed.post/p{id}"),
            author_did: BOB.into(),
            created_at,
            has_media: id % 2 == 0,
        }
        .into_active_model()
        .insert(self.db())
        .await
        .unwrap();
    }

    async fn member(&self, community_id: i64, did: &str, role: Role, joined_at: i64) {
        memberships::Model {
            community_id,
            user_did: did.into(),
            role,
            joined_at,
        }
        .into_active_model()
        .insert(self.db())
        .await
        .unwrap();
    }
}

fn names(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap_or_else(|| panic!("not a list: {list}"))
        .iter()
        .map(|n| n["name"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn lookups_by_each_key_with_typed_json_and_times() {
    let app = TestApp::spawn().await;
    let f = Fixture { app: &app };
    f.community(1, "Rust", Stage::Graduated, None, Some(0.9))
        .await;
    f.feed(10, 1).await;
    f.post(100, 10, T0 + 3_600).await;
    f.member(1, ALICE, Role::Owner, T0 + 120).await;

    let data = query_ok(
        &app,
        "{ atrariumCommunity(id: 1) { id name stage parentId memberCount postCount createdAt \
           updatedAt feedMix { own parent global } \
           healthMetrics { activityScore growthRate engagement } } }",
    )
    .await;
    assert_eq!(
        data["atrariumCommunity"],
        json!({
            "id": "1", "name": "Rust", "stage": "GRADUATED", "parentId": null,
            "memberCount": 0, "postCount": 0,
            "createdAt": "2026-01-01T00:01:00+00:00", "updatedAt": "2026-01-01T00:01:00+00:00",
            "feedMix": { "own": 80, "parent": 15, "global": 5 },
            "healthMetrics": { "activityScore": 0.9, "growthRate": null, "engagement": null },
        })
    );

    let feed = json!({
        "id": "10", "communityId": "1", "name": "Feed 10",
        "feedUri": format!("at://{ALICE}/app.bsky.feed.generator/f10"),
        "filterConfig": { "hashtags": ["#rust"], "keywords": [], "authors": [BOB] },
        "postCount": 0, "lastPostAt": null, "createdAt": "2026-01-01T00:00:10+00:00",
        "community": { "name": "Rust" },
    });
    for args in [
        "id: 10".to_owned(),
        format!(r#"feedUri: "at://{ALICE}/app.bsky.feed.generator/f10""#),
    ] {
        let data = query_ok(
            &app,
            &format!(
                "{{ atrariumThemeFeed({args}) {{ id communityId name feedUri \
                 filterConfig {{ hashtags keywords authors }} postCount lastPostAt createdAt \
                 community {{ name }} }} }}"
            ),
        )
        .await;
        assert_eq!(data["atrariumThemeFeed"], feed, "{args}");
    }
    for bad in [
        "{ atrariumThemeFeed { id } }",
        r#"{ atrariumThemeFeed(id: 10, feedUri: "at://x") { id } }"#,
    ] {
        let res = app.graphql(bad, json!({})).await;
        assert_eq!(code(&res), "BAD_USER_INPUT", "{res}");
        assert_eq!(res["errors"][0]["extensions"]["field"], "id|feedUri");
    }

    let data = query_ok(
        &app,
        &format!(
            r#"{{ atrariumMembership(communityId: 1, userDid: "{ALICE}") {{
                communityId userDid role joinedAt community {{ id }} }}
                nobody: atrariumMembership(communityId: 1, userDid: "{BOB}") {{ role }} }}"#
        ),
    )
    .await;
    assert_eq!(
        data,
        json!({
            "atrariumMembership": { "communityId": "1", "userDid": ALICE, "role": "OWNER",
                "joinedAt": "2026-01-01T00:02:00+00:00", "community": { "id": "1" } },
            "nobody": null,
        })
    );

    let data = query_ok(
        &app,
        "{ atrariumPost(id: 100) { id feedId uri authorDid createdAt hasMedia feed { id } } \
           missingPost: atrariumPost(id: 5) { id } \
           missingCommunity: atrariumCommunity(id: 5) { id } \
           missingFeed: atrariumThemeFeed(id: 5) { id } }",
    )
    .await;
    assert_eq!(
        data,
        json!({
            "atrariumPost": { "id": "100", "feedId": "10",
                "uri": format!("at://{BOB}/app.bsky.feed.post/p100"), "authorDid": BOB,
                "createdAt": "2026-01-01T01:00:00+00:00", "hasMedia": true, "feed": { "id": "10" } },
            "missingPost": null, "missingCommunity": null, "missingFeed": null,
        })
    );
}

async fn skeleton(app: &TestApp, args: &str) -> Value {
    app.graphql(
        &format!("{{ atrariumFeedSkeleton({args}) {{ feed {{ post }} cursor }} }}"),
        json!({}),
    )
    .await
}

fn uris(skel: &Value) -> Vec<String> {
    skel["feed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            p["post"]
                .as_str()
                .unwrap()
                .trim_start_matches(&format!("at://{BOB}/app.bsky.feed.post/"))
                .to_owned()
        })
        .collect()
}

#[tokio::test]
async fn feed_skeleton_is_newest_first_with_a_cursor_to_the_end() {
    let app = TestApp::spawn().await;
    let f = Fixture { app: &app };
    f.community(1, "Rust", Stage::Community, None, None).await;
    f.feed(10, 1).await;
    f.feed(11, 1).await;
    // Inserted out of order; 104 and 105 share a second (the higher id comes first).
    for (id, at) in [
        (101, 10),
        (103, 30),
        (102, 20),
        (104, 40),
        (105, 40),
        (106, 60),
    ] {
        f.post(id, 10, T0 + at).await;
    }
    f.post(200, 11, T0 + 50).await;
    let uri = format!("at://{ALICE}/app.bsky.feed.generator/f10");

    // The default page (50) holds the whole feed.
    let res = skeleton(&app, &format!(r#"feedUri: "{uri}""#)).await;
    ok(&res);
    let all = &res["data"]["atrariumFeedSkeleton"];
    assert_eq!(uris(all), ["p106", "p105", "p104", "p103", "p102", "p101"]);
    assert_eq!(all["cursor"], Value::Null);

    // Two at a time, to the end.
    let mut pages = Vec::new();
    let mut after = String::new();
    loop {
        let res = skeleton(&app, &format!(r#"feedUri: "{uri}", first: 2{after}"#)).await;
        ok(&res);
        let page = res["data"]["atrariumFeedSkeleton"].clone();
        pages.push(uris(&page));
        match page["cursor"].as_str() {
            Some(c) => after = format!(r#", after: "{c}""#),
            None => break,
        }
    }
    assert_eq!(
        pages,
        [
            vec!["p106", "p105"],
            vec!["p104", "p103"],
            vec!["p102", "p101"]
        ]
    );

    // A feed's cursor is refused by another feed; bad sizes and unknown feeds are errors.
    let res = skeleton(&app, &format!(r#"feedUri: "{uri}", first: 2"#)).await;
    let cursor = res["data"]["atrariumFeedSkeleton"]["cursor"]
        .as_str()
        .unwrap()
        .to_owned();
    let other = format!("at://{ALICE}/app.bsky.feed.generator/f11");
    for (args, expected) in [
        (
            format!(r#"feedUri: "{other}", after: "{cursor}""#),
            "BAD_USER_INPUT",
        ),
        (
            format!(r#"feedUri: "{uri}", first: 1000"#),
            "BAD_USER_INPUT",
        ),
        (format!(r#"feedUri: "{uri}", first: 0"#), "BAD_USER_INPUT"),
        (
            format!(r#"feedUri: "{uri}", after: "nope""#),
            "BAD_USER_INPUT",
        ),
        (
            r#"feedUri: "at://nobody/app.bsky.feed.generator/x""#.to_owned(),
            "NOT_FOUND",
        ),
    ] {
        let res = skeleton(&app, &args).await;
        assert_eq!(code(&res), expected, "{args}: {res}");
    }
}

#[tokio::test]
async fn community_health_lists_low_activity_communities_of_a_stage() {
    let app = TestApp::spawn().await;
    let f = Fixture { app: &app };
    f.community(1, "Quiet", Stage::Theme, None, Some(0.25))
        .await;
    f.community(2, "Busy", Stage::Theme, None, Some(0.8)).await;
    f.community(3, "Silent", Stage::Theme, None, Some(0.05))
        .await;
    f.community(4, "Unscored", Stage::Theme, None, None).await;
    f.community(5, "Also quiet", Stage::Theme, None, Some(0.25))
        .await;
    f.community(6, "Dormant club", Stage::Community, None, Some(0.1))
        .await;
    f.community(7, "Borderline", Stage::Theme, None, Some(0.3))
        .await;
    f.community(8, "Slow club", Stage::Community, None, Some(0.45))
        .await;

    let data = query_ok(
        &app,
        "{ default: atrariumCommunityHealth { name healthMetrics { activityScore } } \
           club: atrariumCommunityHealth(stage: COMMUNITY, maxActivityScore: 0.5) { name stage } \
           none: atrariumCommunityHealth(stage: GRADUATED) { name } }",
    )
    .await;
    assert_eq!(
        data["default"],
        json!([
            { "name": "Silent", "healthMetrics": { "activityScore": 0.05 } },
            { "name": "Quiet", "healthMetrics": { "activityScore": 0.25 } },
            { "name": "Also quiet", "healthMetrics": { "activityScore": 0.25 } },
        ])
    );
    assert_eq!(
        data["club"],
        json!([
            { "name": "Dormant club", "stage": "COMMUNITY" },
            { "name": "Slow club", "stage": "COMMUNITY" },
        ])
    );
    assert_eq!(data["none"], json!([]));
}

#[tokio::test]
async fn user_communities_are_newest_join_first_with_role_and_community() {
    let app = TestApp::spawn().await;
    let f = Fixture { app: &app };
    for (id, name) in [
        (1, "Rust"),
        (2, "Photography"),
        (3, "Gardening"),
        (4, "Chess"),
    ] {
        f.community(id, name, Stage::Community, None, None).await;
    }
    f.member(1, ALICE, Role::Owner, T0 + 100).await;
    f.member(2, ALICE, Role::Member, T0 + 300).await;
    f.member(4, ALICE, Role::Moderator, T0 + 200).await;
    f.member(3, ALICE, Role::Member, T0 + 200).await;
    f.member(1, BOB, Role::Member, T0 + 900).await;

    let data = query_ok(
        &app,
        &format!(
            r#"{{ atrariumUserCommunities(did: "{ALICE}") {{ totalCount nodes {{
                role joinedAt community {{ id name }} }} }}
                bob: atrariumUserCommunities(did: "{BOB}") {{ nodes {{ role community {{ name }} }} }}
                nobody: atrariumUserCommunities(did: "{CAROL}") {{ totalCount nodes {{ role }} }} }}"#
        ),
    )
    .await;
    assert_eq!(
        data,
        json!({
            "atrariumUserCommunities": { "totalCount": 4, "nodes": [
                { "role": "MEMBER", "joinedAt": "2026-01-01T00:05:00+00:00",
                  "community": { "id": "2", "name": "Photography" } },
                { "role": "MODERATOR", "joinedAt": "2026-01-01T00:03:20+00:00",
                  "community": { "id": "4", "name": "Chess" } },
                { "role": "MEMBER", "joinedAt": "2026-01-01T00:03:20+00:00",
                  "community": { "id": "3", "name": "Gardening" } },
                { "role": "OWNER", "joinedAt": "2026-01-01T00:01:40+00:00",
                  "community": { "id": "1", "name": "Rust" } },
            ] },
            "bob": { "nodes": [ { "role": "MEMBER", "community": { "name": "Rust" } } ] },
            "nobody": { "totalCount": 0, "nodes": [] },
        })
    );

    // Paged two at a time.
    let q = |after: &str| {
        format!(
            r#"{{ atrariumUserCommunities(did: "{ALICE}", first: 2{after}) {{
                nodes {{ communityId }} pageInfo {{ hasNextPage endCursor }} }} }}"#
        )
    };
    let p1 = query_ok(&app, &q("")).await;
    let p1 = &p1["atrariumUserCommunities"];
    assert_eq!(
        p1["nodes"],
        json!([{ "communityId": "2" }, { "communityId": "4" }])
    );
    let end = p1["pageInfo"]["endCursor"].as_str().unwrap();
    let p2 = query_ok(&app, &q(&format!(r#", after: "{end}""#))).await;
    let p2 = &p2["atrariumUserCommunities"];
    assert_eq!(
        p2["nodes"],
        json!([{ "communityId": "3" }, { "communityId": "1" }])
    );
    assert_eq!(p2["pageInfo"]["hasNextPage"], false);
}

/// The ids of a connection's nodes under `key`.
/// `key` of every node of `conn`; `BigInt` ids (decimal strings) as numbers, to compare
/// orders with integer literals.
fn node_ids(conn: &Value, key: &str) -> Vec<Value> {
    conn["nodes"]
        .as_array()
        .unwrap_or_else(|| panic!("no nodes: {conn}"))
        .iter()
        .map(|n| match n[key].as_str().map(str::parse::<i64>) {
            Some(Ok(id)) => Value::from(id),
            _ => n[key].clone(),
        })
        .collect()
}

#[tokio::test]
async fn newest_first_lists_break_same_second_ties_by_the_latest_row_first() {
    let app = TestApp::spawn().await;
    let f = Fixture { app: &app };
    for (id, name) in [(1, "Rust"), (2, "Photography"), (3, "Gardening")] {
        f.community(id, name, Stage::Community, None, None).await;
    }
    // Alice joins 1, 2 then 3 within one second; Bob and Carol join 1 in that second too.
    f.member(1, ALICE, Role::Member, T0).await;
    f.member(2, ALICE, Role::Member, T0).await;
    f.member(3, ALICE, Role::Member, T0).await;
    f.member(1, BOB, Role::Member, T0).await;
    f.member(1, CAROL, Role::Member, T0).await;
    f.member(2, BOB, Role::Member, T0 - 60).await;
    f.feed(1, 1).await;
    for id in 1..=3 {
        f.post(id, 1, T0).await;
    }
    f.post(4, 1, T0 - 1).await;

    // The seed's "user's communities": the last join first, on every page, both ways.
    let q = |args: &str| {
        format!(
            r#"{{ atrariumUserCommunities(did: "{ALICE}"{args}) {{
                nodes {{ communityId }} pageInfo {{ startCursor endCursor }} }} }}"#
        )
    };
    let all = query_ok(&app, &q("")).await;
    assert_eq!(
        node_ids(&all["atrariumUserCommunities"], "communityId"),
        [3, 2, 1]
    );
    let mut seen = Vec::new();
    let mut args = ", first: 1".to_owned();
    for _ in 0..3 {
        let page = query_ok(&app, &q(&args)).await;
        let conn = &page["atrariumUserCommunities"];
        seen.extend(node_ids(conn, "communityId"));
        let end = conn["pageInfo"]["endCursor"].as_str().unwrap();
        args = format!(r#", first: 1, after: "{end}""#);
    }
    assert_eq!(seen, [3, 2, 1]);
    let last = query_ok(&app, &q(", last: 2")).await;
    let conn = &last["atrariumUserCommunities"];
    assert_eq!(node_ids(conn, "communityId"), [2, 1]);
    let start = conn["pageInfo"]["startCursor"].as_str().unwrap();
    let before = query_ok(&app, &q(&format!(r#", last: 2, before: "{start}""#))).await;
    assert_eq!(
        node_ids(&before["atrariumUserCommunities"], "communityId"),
        [3]
    );

    // A connection ordered newest first (root and nested), and a feed's posts by default.
    let data = query_ok(
        &app,
        r#"{ atrariumMemberships(filter: {communityId: {eq: 1}},
                    orderBy: {field: JOINED_AT, direction: DESC}) { nodes { userDid } }
                 atrariumCommunity(id: 1) {
                    memberships(orderBy: {field: JOINED_AT, direction: DESC}) { nodes { userDid } }
                    asc: memberships(orderBy: {field: JOINED_AT}) { nodes { userDid } } }
                 atrariumThemeFeed(id: 1) { posts { nodes { id } } } }"#,
    )
    .await;
    // Same second: the highest key (community id, then DID) first, exactly the reverse
    // of the ascending order.
    let desc = [CAROL, ALICE, BOB];
    assert_eq!(node_ids(&data["atrariumMemberships"], "userDid"), desc);
    let c = &data["atrariumCommunity"];
    assert_eq!(node_ids(&c["memberships"], "userDid"), desc);
    assert_eq!(node_ids(&c["asc"], "userDid"), [BOB, ALICE, CAROL]);
    assert_eq!(
        node_ids(&data["atrariumThemeFeed"]["posts"], "id"),
        [3, 2, 1, 4]
    );
}

#[tokio::test]
async fn the_community_tree_parent_children_and_ancestors() {
    let app = TestApp::spawn().await;
    let f = Fixture { app: &app };
    f.community(1, "Rust", Stage::Graduated, None, None).await;
    f.community(2, "Rust Async", Stage::Community, Some(1), None)
        .await;
    f.community(3, "Tokio", Stage::Theme, Some(2), None).await;
    f.community(4, "Tokio Console", Stage::Theme, Some(3), None)
        .await;
    f.community(5, "Rust Embedded", Stage::Theme, Some(1), None)
        .await;
    // A cycle: 7 -> 6 -> 7.
    f.community(6, "Ouroboros A", Stage::Theme, None, None)
        .await;
    f.community(7, "Ouroboros B", Stage::Theme, Some(6), None)
        .await;
    f.db()
        .execute_unprepared("UPDATE communities SET parent_id = 7 WHERE id = 6")
        .await
        .unwrap();

    let data = query_ok(
        &app,
        "{ atrariumCommunity(id: 4) {
             parent { name }
             ancestors { name }
             two: ancestors(maxDepth: 2) { name }
             one: ancestors(maxDepth: 1) { name parent { name } } }
           root: atrariumCommunity(id: 1) { parent { name } ancestors { name }
             children { totalCount nodes { name children { nodes { name } } } } }
           cycle: atrariumCommunity(id: 6) { ancestors { id } parent { id } } }",
    )
    .await;
    let c = &data["atrariumCommunity"];
    assert_eq!(c["parent"], json!({ "name": "Tokio" }));
    assert_eq!(names(&c["ancestors"]), ["Tokio", "Rust Async", "Rust"]);
    assert_eq!(names(&c["two"]), ["Tokio", "Rust Async"]);
    assert_eq!(
        c["one"],
        json!([{ "name": "Tokio", "parent": { "name": "Rust Async" } }])
    );
    assert_eq!(
        data["root"],
        json!({ "parent": null, "ancestors": [], "children": { "totalCount": 2, "nodes": [
            { "name": "Rust Async", "children": { "nodes": [ { "name": "Tokio" } ] } },
            { "name": "Rust Embedded", "children": { "nodes": [] } },
        ] } })
    );
    // The cycle stops before revisiting the start.
    assert_eq!(
        data["cycle"],
        json!({ "ancestors": [ { "id": "7" } ], "parent": { "id": "7" } })
    );

    // Every community's chain at once (one batched statement), nearest parent first.
    let data = query_ok(
        &app,
        "{ atrariumCommunities(first: 10) { nodes { id ancestors { id } } } }",
    )
    .await;
    assert_eq!(
        data["atrariumCommunities"]["nodes"],
        json!([
            { "id": "1", "ancestors": [] },
            { "id": "2", "ancestors": [ { "id": "1" } ] },
            { "id": "3", "ancestors": [ { "id": "2" }, { "id": "1" } ] },
            { "id": "4", "ancestors": [ { "id": "3" }, { "id": "2" }, { "id": "1" } ] },
            { "id": "5", "ancestors": [ { "id": "1" } ] },
            { "id": "6", "ancestors": [ { "id": "7" } ] },
            { "id": "7", "ancestors": [ { "id": "6" } ] },
        ])
    );

    // One statement for the communities, one for all their chains, one for the parents.
    assert_eq!(
        statements(
            &app,
            Domain::Atrarium,
            "{ atrariumCommunities(first: 10) { nodes { ancestors { id parent { id } } } } }"
        )
        .await,
        3
    );

    for depth in [0, 101, -1] {
        let res = app
            .graphql(
                &format!(
                    "{{ atrariumCommunity(id: 4) {{ ancestors(maxDepth: {depth}) {{ id }} }} }}"
                ),
                json!({}),
            )
            .await;
        assert_eq!(code(&res), "BAD_USER_INPUT", "{depth}: {res}");
        assert_eq!(res["errors"][0]["extensions"]["field"], "maxDepth");
    }
}

#[tokio::test]
async fn connections_filter_by_enums_and_times_and_order_by_columns() {
    let app = TestApp::spawn().await;
    let f = Fixture { app: &app };
    f.community(1, "Rust", Stage::Graduated, None, None).await;
    f.community(2, "Rust Async", Stage::Community, Some(1), None)
        .await;
    f.community(3, "Photography", Stage::Theme, None, None)
        .await;
    f.community(4, "Film", Stage::Theme, Some(3), None).await;
    f.community(5, "Rust Embedded", Stage::Theme, Some(1), None)
        .await;

    let q =
        |args: &str| format!("{{ atrariumCommunities({args}) {{ totalCount nodes {{ name }} }} }}");
    let cases = [
        (
            "filter: {stage: {eq: THEME}}",
            vec!["Photography", "Film", "Rust Embedded"],
        ),
        (
            "filter: {stage: {in: [THEME, COMMUNITY]}, name: {startsWith: \"Rust\"}}",
            vec!["Rust Async", "Rust Embedded"],
        ),
        (
            "filter: {stage: {ne: THEME}, parentId: {isNull: true}}",
            vec!["Rust"],
        ),
        (
            // Created at T0 + id minutes: after 00:02:30 means ids 3, 4, 5.
            "filter: {createdAt: {gt: \"2026-01-01T00:02:30Z\"}, stage: {notIn: [GRADUATED]}}",
            vec!["Photography", "Film", "Rust Embedded"],
        ),
        (
            "filter: {createdAt: {lte: \"2026-01-01T00:02:00Z\"}}",
            vec!["Rust", "Rust Async"],
        ),
        (
            "orderBy: {field: PARENT_ID, direction: DESC}",
            // The id breaks ties in the same direction.
            vec!["Film", "Rust Embedded", "Rust Async", "Photography", "Rust"],
        ),
        (
            "orderBy: {field: STAGE}, filter: {not: {id: {eq: 4}}}",
            // The lifecycle, not the names: theme, community, graduated; then the id.
            vec!["Photography", "Rust Embedded", "Rust Async", "Rust"],
        ),
        (
            "orderBy: {field: STAGE, direction: DESC}",
            vec!["Rust", "Rust Async", "Rust Embedded", "Film", "Photography"],
        ),
    ];
    for (args, want) in cases {
        let data = query_ok(&app, &q(args)).await;
        let conn = &data["atrariumCommunities"];
        assert_eq!(names(&conn["nodes"]), want, "{args}");
        assert_eq!(conn["totalCount"], want.len(), "{args}");
    }

    // Keyset pages by stage stay in lifecycle order, forward and backward.
    let stage_page = |args: &str| {
        format!(
            "{{ atrariumCommunities(orderBy: {{field: STAGE}}{args}) {{ nodes {{ name }} \
             pageInfo {{ startCursor endCursor hasNextPage }} }} }}"
        )
    };
    let mut seen = Vec::new();
    let mut args = ", first: 2".to_owned();
    loop {
        let data = query_ok(&app, &stage_page(&args)).await;
        let conn = &data["atrariumCommunities"];
        seen.extend(names(&conn["nodes"]));
        if conn["pageInfo"]["hasNextPage"] == false {
            break;
        }
        let end = conn["pageInfo"]["endCursor"].as_str().unwrap();
        args = format!(r#", first: 2, after: "{end}""#);
    }
    let lifecycle = ["Photography", "Film", "Rust Embedded", "Rust Async", "Rust"];
    assert_eq!(seen, lifecycle);
    let data = query_ok(&app, &stage_page(", last: 2")).await;
    assert_eq!(
        names(&data["atrariumCommunities"]["nodes"]),
        ["Rust Async", "Rust"]
    );
    let start = data["atrariumCommunities"]["pageInfo"]["startCursor"]
        .as_str()
        .unwrap();
    let data = query_ok(
        &app,
        &stage_page(&format!(r#", last: 2, before: "{start}""#)),
    )
    .await;
    assert_eq!(
        names(&data["atrariumCommunities"]["nodes"]),
        ["Film", "Rust Embedded"]
    );

    // Memberships filtered by role, newest join first.
    f.member(1, ALICE, Role::Owner, T0).await;
    f.member(1, BOB, Role::Moderator, T0 + 10).await;
    f.member(2, BOB, Role::Owner, T0 + 20).await;
    f.member(2, CAROL, Role::Member, T0 + 30).await;
    let data = query_ok(
        &app,
        "{ atrariumMemberships(filter: {role: {in: [OWNER, MODERATOR]}}, \
             orderBy: {field: JOINED_AT, direction: DESC}) { nodes { communityId userDid role } } \
           atrariumCommunity(id: 2) { memberships(filter: {role: {eq: MEMBER}}) { nodes { userDid } } } }",
    )
    .await;
    assert_eq!(
        data,
        json!({
            "atrariumMemberships": { "nodes": [
                { "communityId": "2", "userDid": BOB, "role": "OWNER" },
                { "communityId": "1", "userDid": BOB, "role": "MODERATOR" },
                { "communityId": "1", "userDid": ALICE, "role": "OWNER" },
            ] },
            "atrariumCommunity": { "memberships": { "nodes": [ { "userDid": CAROL } ] } },
        })
    );
}

#[tokio::test]
async fn nested_posts_page_to_the_end_and_refuse_oversized_pages() {
    let app = TestApp::spawn().await;
    let f = Fixture { app: &app };
    f.community(1, "Rust", Stage::Community, None, None).await;
    f.feed(10, 1).await;
    for (id, at) in [(1, 10), (2, 30), (3, 20), (4, 30), (5, 50)] {
        f.post(id, 10, T0 + at).await;
    }
    let q = |after: &str| {
        format!(
            "{{ atrariumThemeFeed(id: 10) {{ posts(first: 2{after}) {{ totalCount \
             nodes {{ id }} pageInfo {{ hasNextPage hasPreviousPage endCursor }} }} }} }}"
        )
    };
    let mut seen = Vec::new();
    let mut after = String::new();
    for round in 0.. {
        let data = query_ok(&app, &q(&after)).await;
        let posts = &data["atrariumThemeFeed"]["posts"];
        assert_eq!(posts["totalCount"], 5);
        assert_eq!(posts["pageInfo"]["hasPreviousPage"], round > 0);
        seen.push(
            posts["nodes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|n| n["id"].as_str().unwrap().parse::<i64>().unwrap())
                .collect::<Vec<_>>(),
        );
        if posts["pageInfo"]["hasNextPage"] == false {
            break;
        }
        let end = posts["pageInfo"]["endCursor"].as_str().unwrap();
        after = format!(r#", after: "{end}""#);
    }
    // Newest first; 2 and 4 share a second (the higher id, the later row, first).
    assert_eq!(seen, [vec![5, 4], vec![2, 3], vec![1]]);

    for query in [
        "{ atrariumThemeFeed(id: 10) { posts(first: 1000) { nodes { id } } } }",
        "{ atrariumCommunities(first: 1000) { nodes { id } } }",
    ] {
        let res = app.graphql(query, json!({})).await;
        assert_eq!(code(&res), "BAD_USER_INPUT", "{res}");
        assert_eq!(res["errors"][0]["extensions"]["field"], "first");
    }
}

#[tokio::test]
async fn communities_feeds_posts_cost_the_same_for_5_and_50_communities() {
    let app = TestApp::spawn().await;
    let f = Fixture { app: &app };
    let query = "{ atrariumCommunities(first: 100) { nodes { id themeFeeds(first: 5) { nodes { id \
                 posts(first: 5) { nodes { uri } } } } } } }";
    let with_counts = "{ atrariumCommunities(first: 100) { totalCount nodes { id \
                 themeFeeds(first: 5) { totalCount nodes { id \
                 posts(first: 5) { totalCount nodes { uri } } } } } } }";
    let mut costs = Vec::new();
    for n in 1..=50 {
        f.community(n, &format!("C{n}"), Stage::Theme, None, None)
            .await;
        for k in 0..2 {
            let feed = n * 10 + k;
            f.feed(feed, n).await;
            f.post(feed * 10, feed, T0 + 1).await;
            f.post(feed * 10 + 1, feed, T0 + 2).await;
        }
        if n == 5 || n == 50 {
            costs.push((
                statements(&app, Domain::Atrarium, query).await,
                statements(&app, Domain::Atrarium, with_counts).await,
            ));
        }
    }
    assert_eq!(
        costs[0], costs[1],
        "statements for 5 vs 50 communities: {costs:?}"
    );
    assert_eq!(costs[0].0, 3, "one statement per level");
    assert_eq!(costs[0].1, 6, "plus one per level asking totalCount");
    // The data is really there: 50 communities, 2 feeds each, 2 posts each.
    let data = query_ok(&app, with_counts).await;
    let nodes = data["atrariumCommunities"]["nodes"].as_array().unwrap();
    assert_eq!(nodes.len(), 50);
    assert_eq!(nodes[49]["themeFeeds"]["totalCount"], 2);
    assert_eq!(
        nodes[49]["themeFeeds"]["nodes"][1]["posts"],
        json!({ "totalCount": 2, "nodes": [
            { "uri": format!("at://{BOB}/app.bsky.feed.post/p5011") },
            { "uri": format!("at://{BOB}/app.bsky.feed.post/p5010") },
        ] })
    );
}

#[tokio::test]
async fn types_expose_exactly_their_columns_and_relations() {
    let app = TestApp::spawn().await;
    let fields = |ty: &str| {
        let app = &app;
        let ty = ty.to_owned();
        async move {
            let data = query_ok(
                app,
                &format!(r#"{{ __type(name: "{ty}") {{ fields {{ name description }} }} }}"#),
            )
            .await;
            data["__type"]["fields"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| {
                    assert!(
                        f["description"].as_str().is_some_and(|d| !d.is_empty()),
                        "{ty}.{} has no description",
                        f["name"]
                    );
                    f["name"].as_str().unwrap().to_owned()
                })
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(
        fields("AtrariumCommunity").await,
        [
            "id",
            "name",
            "stage",
            "parentId",
            "feedMix",
            "healthMetrics",
            "memberCount",
            "postCount",
            "createdAt",
            "updatedAt",
            "parent",
            "ancestors",
            "children",
            "themeFeeds",
            "memberships"
        ]
    );
    assert_eq!(
        fields("AtrariumThemeFeed").await,
        [
            "id",
            "communityId",
            "name",
            "feedUri",
            "filterConfig",
            "healthMetrics",
            "postCount",
            "lastPostAt",
            "createdAt",
            "community",
            "posts"
        ]
    );
    assert_eq!(
        fields("AtrariumPost").await,
        [
            "id",
            "feedId",
            "uri",
            "authorDid",
            "createdAt",
            "hasMedia",
            "feed",
            "pdsAccount"
        ]
    );
    // Atrarium has no secret columns: every membership column is a field.
    let membership = fields("AtrariumMembership").await;
    for f in [
        "communityId",
        "userDid",
        "role",
        "joinedAt",
        "community",
        "pdsAccount",
    ] {
        assert!(membership.iter().any(|m| m == f), "{f} in {membership:?}");
    }
}

#[tokio::test]
async fn demo_seed_inserts_once() {
    let app = TestApp::spawn().await;
    let db = app.db.get(Domain::Atrarium);
    api::demo::atrarium::seed(db).await.unwrap();
    let counts = (
        communities::Entity::find().count(db).await.unwrap(),
        theme_feeds::Entity::find().count(db).await.unwrap(),
        memberships::Entity::find().count(db).await.unwrap(),
        post_index::Entity::find().count(db).await.unwrap(),
    );
    assert_eq!(counts.0, 8);
    assert_eq!(counts.1, 11);
    assert!((12..=40).contains(&counts.2), "{counts:?}");
    assert!((55..=165).contains(&counts.3), "{counts:?}");
    api::demo::atrarium::seed(db).await.unwrap();
    let again = (
        communities::Entity::find().count(db).await.unwrap(),
        theme_feeds::Entity::find().count(db).await.unwrap(),
        memberships::Entity::find().count(db).await.unwrap(),
        post_index::Entity::find().count(db).await.unwrap(),
    );
    assert_eq!(again, counts, "the second run inserts nothing");

    // The data is linked and consistent: every community has exactly one owner, cached
    // counts match, and the tree resolves through the API.
    let data = query_ok(
        &app,
        "{ atrariumCommunities(first: 20) { nodes { name stage memberCount postCount
             ancestors { name }
             memberships(first: 10) { totalCount nodes { role } }
             themeFeeds(first: 5) { nodes { postCount posts(first: 1) { totalCount } } } } }
           low: atrariumCommunityHealth { name } }",
    )
    .await;
    let nodes = data["atrariumCommunities"]["nodes"].as_array().unwrap();
    let mut stages = std::collections::BTreeSet::new();
    for c in nodes {
        stages.insert(c["stage"].as_str().unwrap().to_owned());
        let roles: Vec<&str> = c["memberships"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["role"].as_str().unwrap())
            .collect();
        assert_eq!(roles.iter().filter(|r| **r == "OWNER").count(), 1, "{c}");
        assert_eq!(c["memberCount"], c["memberships"]["totalCount"], "{c}");
        let mut posts = 0;
        for feed in c["themeFeeds"]["nodes"].as_array().unwrap() {
            assert_eq!(feed["postCount"], feed["posts"]["totalCount"], "{c}");
            posts += feed["postCount"].as_i64().unwrap();
        }
        assert_eq!(c["postCount"], posts, "{c}");
    }
    assert_eq!(stages.len(), 3, "all three stages: {stages:?}");
    let async_rust = nodes.iter().find(|c| c["name"] == "Rust Async").unwrap();
    assert_eq!(async_rust["ancestors"], json!([{ "name": "Rust" }]));
    assert_eq!(
        data["low"],
        json!([{ "name": "Urban Gardening" }, { "name": "Rust Embedded" }, { "name": "Street Photography" }])
    );
}
