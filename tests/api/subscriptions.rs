//! Subscriptions end to end: a real WebSocket client subscribes, mutations are made over
//! HTTP, and exactly the matching events arrive, with their selected fields and nested
//! relations; resuming after a cursor; access rules at subscription and delivery time;
//! rolled-back writes; slow subscribers; caps.

use std::time::Duration;

use entity::Domain;
use entity::bellamy::conversation_participants;
use entity::bellamy::enums::Privacy;
use sea_orm::{ConnectionTrait, DbBackend, EntityTrait};
use serde_json::{Value, json};

use crate::access_pds::token;
use crate::bellamy_graphql::{Fixture, id, s};
use crate::bellamy_mutations::{call, ok};
use crate::helpers::{TestApp, TestDb, postgres_url};
use crate::ws_client::{Protocol, WsClient};

const PROG_A: &str = "So11111111111111111111111111111111111111112";
const PROG_B: &str = "Stake11111111111111111111111111111111111111";

/// A short wait in which an unwanted event would have arrived.
const QUIET: Duration = Duration::from_millis(300);

const IDL_ADDED: &str = "subscription($p: ID!, $after: String) {
    orquestraIdlVersionAdded(projectId: $p, after: $after) {
        cursor
        idlVersion { version idl project { name programId } }
    }
}";

/// Runs an Orquestra operation as `user` (anonymous for `None`).
async fn orquestra(app: &TestApp, user: Option<&str>, query: &str, vars: Value) -> Value {
    let token = match user {
        Some(u) => Some(token(app, Domain::Orquestra, u).await),
        None => None,
    };
    app.graphql_as(token.as_deref(), query, vars).await
}

fn data(res: &Value) -> &Value {
    assert!(res.get("errors").is_none(), "unexpected errors: {res}");
    &res["data"]
}

/// The Orquestra user `u`, with a project per program (public unless `private`); their
/// ids.
async fn owner_with_projects(app: &TestApp, u: &str, programs: &[(&str, bool)]) -> Vec<String> {
    use entity::orquestra::users;
    use sea_orm::{ActiveModelTrait, IntoActiveModel};
    users::Model {
        id: u.to_owned(),
        github_id: u.len() as i64,
        username: format!("user-{u}"),
        email: format!("{u}@example.com"),
        avatar_url: None,
        created_at: Some(chrono::Utc::now()),
        updated_at: None,
    }
    .into_active_model()
    .insert(app.db.get(Domain::Orquestra))
    .await
    .unwrap();
    let mut ids = Vec::new();
    for (program, public) in programs {
        let res = orquestra(
            app,
            Some(u),
            "mutation($input: OrquestraCreateProjectInput!) {
                orquestraCreateProject(input: $input) { project { id } }
            }",
            json!({ "input": { "name": format!("P {program}"), "programId": program, "isPublic": public } }),
        )
        .await;
        ids.push(
            data(&res)["orquestraCreateProject"]["project"]["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    ids
}

/// Uploads an IDL named `name` to `project` as `u`; the response.
async fn upload(app: &TestApp, u: &str, project: &str, name: &str) -> Value {
    orquestra(
        app,
        Some(u),
        "mutation($input: OrquestraUploadIdlInput!) {
            orquestraUploadIdl(input: $input) { idlVersion { version } }
        }",
        json!({ "input": { "projectId": project, "idl": { "name": name, "instructions": [] } } }),
    )
    .await
}

/// The versions of `n` events of `id`, and the last cursor.
async fn versions(ws: &mut WsClient, id: &str, n: usize) -> (Vec<i64>, String) {
    let mut seen = Vec::new();
    let mut cursor = String::new();
    for _ in 0..n {
        let d = ws.data(id).await;
        let e = &d["orquestraIdlVersionAdded"];
        seen.push(e["idlVersion"]["version"].as_i64().unwrap());
        cursor = e["cursor"].as_str().unwrap().to_owned();
    }
    (seen, cursor)
}

#[tokio::test]
async fn new_idl_versions_reach_the_subscriber_with_nested_fields_and_nothing_else() {
    for protocol in Protocol::BOTH {
        new_idl_versions_reach_the_subscriber_with_nested_fields_and_nothing_else_over(protocol)
            .await;
    }
}

async fn new_idl_versions_reach_the_subscriber_with_nested_fields_and_nothing_else_over(
    protocol: Protocol,
) {
    let app = TestApp::spawn().await;
    let p = owner_with_projects(&app, "u1", &[(PROG_A, true), (PROG_B, true)]).await;
    let mut ws = WsClient::connect(&app, protocol, json!({})).await;
    ws.subscribe("s", IDL_ADDED, json!({ "p": p[0] })).await;
    // Give the subscription a moment to be running before the writes.
    ws.nothing_within(Duration::from_millis(100)).await;
    data(&upload(&app, "u1", &p[1], "other").await);
    data(&upload(&app, "u1", &p[0], "mine").await);
    let d = ws.data("s").await;
    let e = &d["orquestraIdlVersionAdded"];
    assert_eq!(e["idlVersion"]["version"], 1);
    assert_eq!(e["idlVersion"]["idl"]["name"], "mine");
    assert_eq!(
        e["idlVersion"]["project"],
        json!({ "name": format!("P {PROG_A}"), "programId": PROG_A })
    );
    assert!(e["cursor"].as_str().unwrap().parse::<i64>().unwrap() > 0);
    ws.nothing_within(QUIET).await;
    // Completing the operation stops it.
    ws.stop("s").await;
    data(&upload(&app, "u1", &p[0], "after stop").await);
    ws.nothing_within(QUIET).await;
}

#[tokio::test]
async fn a_subscriber_that_reconnects_with_its_cursor_misses_nothing() {
    for protocol in Protocol::BOTH {
        a_subscriber_that_reconnects_with_its_cursor_misses_nothing_over(protocol).await;
    }
}

async fn a_subscriber_that_reconnects_with_its_cursor_misses_nothing_over(protocol: Protocol) {
    let app = TestApp::spawn().await;
    let p = owner_with_projects(&app, "u1", &[(PROG_A, true)]).await;
    let mut ws = WsClient::connect(&app, protocol, json!({})).await;
    ws.subscribe("s", IDL_ADDED, json!({ "p": p[0] })).await;
    ws.nothing_within(Duration::from_millis(100)).await;
    data(&upload(&app, "u1", &p[0], "v1").await);
    let (seen, cursor) = versions(&mut ws, "s", 1).await;
    assert_eq!(seen, [1]);
    ws.close().await;

    for n in 2..=4 {
        data(&upload(&app, "u1", &p[0], &format!("v{n}")).await);
    }
    let mut ws = WsClient::connect(&app, protocol, json!({})).await;
    ws.subscribe("s", IDL_ADDED, json!({ "p": p[0], "after": cursor }))
        .await;
    let (seen, _) = versions(&mut ws, "s", 3).await;
    assert_eq!(seen, [2, 3, 4], "exactly the three missed, in order");
    ws.nothing_within(QUIET).await;
    // Then live, without a gap or a duplicate at the seam.
    data(&upload(&app, "u1", &p[0], "v5").await);
    let (seen, _) = versions(&mut ws, "s", 1).await;
    assert_eq!(seen, [5]);

    // From the start of the log: everything, in order.
    let mut ws = WsClient::connect(&app, protocol, json!({})).await;
    ws.subscribe("all", IDL_ADDED, json!({ "p": p[0], "after": "0" }))
        .await;
    let (seen, _) = versions(&mut ws, "all", 5).await;
    assert_eq!(seen, [1, 2, 3, 4, 5]);
}

#[tokio::test]
async fn bad_cursors_and_hidden_projects_are_refused_with_their_codes() {
    let app = TestApp::spawn().await;
    let p = owner_with_projects(&app, "u1", &[(PROG_A, false)]).await;
    let mut ws = WsClient::connect(&app, Protocol::TransportWs, json!({})).await;
    ws.subscribe("private", IDL_ADDED, json!({ "p": p[0] }))
        .await;
    assert_eq!(ws.error_code("private").await, "FORBIDDEN");
    ws.subscribe("missing", IDL_ADDED, json!({ "p": "nope" }))
        .await;
    assert_eq!(ws.error_code("missing").await, "NOT_FOUND");

    let owner = json!({ "authorization": format!("Bearer {}", token(&app, Domain::Orquestra, "u1").await) });
    let mut ws = WsClient::connect(&app, Protocol::TransportWs, owner).await;
    for (id, cursor) in [
        ("future", "999999"),
        ("garbage", "yesterday"),
        ("negative", "-5"),
    ] {
        ws.subscribe(id, IDL_ADDED, json!({ "p": p[0], "after": cursor }))
            .await;
        assert_eq!(ws.error_code(id).await, "BAD_USER_INPUT", "{cursor}");
    }
    // The owner may follow the private project.
    ws.subscribe("own", IDL_ADDED, json!({ "p": p[0] })).await;
    ws.nothing_within(Duration::from_millis(100)).await;
    data(&upload(&app, "u1", &p[0], "secret").await);
    let (seen, _) = versions(&mut ws, "own", 1).await;
    assert_eq!(seen, [1]);
}

#[tokio::test]
async fn events_past_retention_are_pruned_and_their_cursors_are_outdated() {
    let app = TestApp::spawn().await;
    let p = owner_with_projects(&app, "u1", &[(PROG_A, true)]).await;
    for name in ["one", "two", "three"] {
        data(&upload(&app, "u1", &p[0], name).await);
    }
    let db = app.db.get(Domain::Orquestra);
    let seqs = |db: &sea_orm::DatabaseConnection| {
        let db = db.clone();
        async move {
            db.query_all_raw(sea_orm::Statement::from_string(
                db.get_database_backend(),
                "SELECT seq FROM change_log ORDER BY seq",
            ))
            .await
            .unwrap()
            .iter()
            .map(|r| r.try_get::<i64>("", "seq").unwrap())
            .collect::<Vec<i64>>()
        }
    };
    let all = seqs(db).await;
    let head = *all.last().unwrap();
    // Everything is ten days old; a week's retention keeps only the newest event, which
    // holds the head of the log.
    db.execute_unprepared(&format!(
        "UPDATE change_log SET created_at = '{}'",
        (chrono::Utc::now() - chrono::Duration::days(10)).format("%Y-%m-%d %H:%M:%S")
    ))
    .await
    .unwrap();
    let week = Duration::from_secs(7 * 24 * 3600);
    let pruned = api::events::retention::prune(&app.db.dbs, week)
        .await
        .unwrap();
    assert_eq!(pruned[Domain::Orquestra.index()], all.len() as u64 - 1);
    assert_eq!(pruned.iter().sum::<u64>(), all.len() as u64 - 1);
    assert_eq!(seqs(db).await, [head]);
    assert_eq!(
        api::events::retention::prune(&app.db.dbs, week)
            .await
            .unwrap(),
        [0; 5]
    );

    let mut ws = WsClient::connect(&app, Protocol::TransportWs, json!({})).await;
    ws.subscribe("old", IDL_ADDED, json!({ "p": p[0], "after": "0" }))
        .await;
    assert_eq!(ws.error_code("old").await, "OUTDATED_CURSOR");
    // From the event before the oldest kept one, nothing is missing: it replays.
    ws.subscribe(
        "kept",
        IDL_ADDED,
        json!({ "p": p[0], "after": (head - 1).to_string() }),
    )
    .await;
    let (seen, _) = versions(&mut ws, "kept", 1).await;
    assert_eq!(seen, [3]);
    // Numbering goes on from the head.
    data(&upload(&app, "u1", &p[0], "four").await);
    let (seen, cursor) = versions(&mut ws, "kept", 1).await;
    assert_eq!((seen, cursor), (vec![4], (head + 1).to_string()));
}

#[tokio::test]
async fn identical_subscribers_on_both_protocols_share_a_stream_and_leave_it_alone() {
    let app = TestApp::spawn().await;
    let p = owner_with_projects(&app, "u1", &[(PROG_A, true)]).await;
    let live = "subscription($p: ID!) {
        orquestraIdlVersionAdded(projectId: $p) { cursor idlVersion { version } }
    }";
    let mut a = WsClient::connect(&app, Protocol::TransportWs, json!({})).await;
    let mut b = WsClient::connect(&app, Protocol::Legacy, json!({})).await;
    a.subscribe("1", live, json!({ "p": p[0] })).await;
    b.subscribe("x", live, json!({ "p": p[0] })).await;
    a.nothing_within(Duration::from_millis(100)).await;
    b.nothing_within(Duration::from_millis(100)).await;
    data(&upload(&app, "u1", &p[0], "one").await);
    let first_a = ws_version(&mut a, "1").await;
    let first_b = ws_version(&mut b, "x").await;
    assert_eq!(first_a, first_b);
    assert_eq!(first_a.0, 1);
    // One leaves; the other goes on, and a newcomer gets only what follows.
    a.stop("1").await;
    let mut c = WsClient::connect(&app, Protocol::TransportWs, json!({})).await;
    c.subscribe("c", live, json!({ "p": p[0] })).await;
    c.nothing_within(Duration::from_millis(100)).await;
    data(&upload(&app, "u1", &p[0], "two").await);
    assert_eq!(ws_version(&mut b, "x").await.0, 2);
    assert_eq!(ws_version(&mut c, "c").await.0, 2);
    a.nothing_within(QUIET).await;
}

/// The version and cursor of the next `orquestraIdlVersionAdded` result of `id`.
async fn ws_version(ws: &mut WsClient, id: &str) -> (i64, String) {
    let d = ws.data(id).await;
    let e = &d["orquestraIdlVersionAdded"];
    (
        e["idlVersion"]["version"].as_i64().unwrap(),
        e["cursor"].as_str().unwrap().to_owned(),
    )
}

#[tokio::test]
async fn a_subscription_resumed_after_a_cursor_replays_what_followed_it() {
    use futures::StreamExt;
    // What a subscriber detached from a shared stream runs: its own stream, resuming
    // after the cursor of the last result it was given.
    let app = TestApp::spawn().await;
    let p = owner_with_projects(&app, "u1", &[(PROG_A, true)]).await;
    let mut ws = WsClient::connect(&app, Protocol::TransportWs, json!({})).await;
    ws.subscribe("all", IDL_ADDED, json!({ "p": p[0], "after": "0" }))
        .await;
    for name in ["one", "two", "three"] {
        data(&upload(&app, "u1", &p[0], name).await);
    }
    let (seen, _) = versions(&mut ws, "all", 1).await;
    assert_eq!(seen, [1]);
    let (_, after_first) = {
        let d = ws.data("all").await;
        let e = &d["orquestraIdlVersionAdded"];
        (
            e["idlVersion"]["version"].as_i64().unwrap(),
            e["cursor"].as_str().unwrap().to_owned(),
        )
    };
    let schema = api::schema::build(
        Some(app.db.dbs.clone()),
        app.passwords.clone(),
        Default::default(),
        true,
    );
    let pipeline = api::pipeline::Pipeline::new(
        app.db.dbs.clone(),
        app.tokens.clone(),
        Default::default(),
        api::schema::cost_limits(Default::default()),
        Duration::from_secs(30),
    );
    let request = async_graphql::Request::new(
        "subscription($p: ID!) { orquestraIdlVersionAdded(projectId: $p) { idlVersion { version } } }",
    )
    .variables(async_graphql::Variables::from_json(json!({ "p": p[0] })));
    let request = pipeline
        .prepare(request, &api::auth::Viewer::anonymous())
        .data(api::events::ResumeAfter(after_first.parse().unwrap()));
    let mut stream = schema.execute_stream(request);
    let next = stream.next().await.unwrap().into_result().unwrap();
    assert_eq!(
        next.data.into_json().unwrap()["orquestraIdlVersionAdded"]["idlVersion"]["version"],
        3
    );
}

/// Makes every insert into Orquestra's change log fail.
async fn break_change_log(app: &TestApp) {
    let db = app.db.get(Domain::Orquestra);
    let sql: &[&str] = match db.get_database_backend() {
        DbBackend::Sqlite => &["CREATE TRIGGER no_changes AFTER INSERT ON change_log \
             BEGIN SELECT RAISE(ABORT, 'the log is broken'); END"],
        _ => &[
            "CREATE FUNCTION no_changes() RETURNS trigger LANGUAGE plpgsql AS \
             $$ BEGIN RAISE EXCEPTION 'the log is broken'; END $$",
            "CREATE TRIGGER no_changes AFTER INSERT ON change_log \
             FOR EACH ROW EXECUTE FUNCTION no_changes()",
        ],
    };
    for s in sql {
        db.execute_unprepared(s).await.unwrap();
    }
}

#[tokio::test]
async fn a_rolled_back_write_delivers_nothing() {
    let app = TestApp::spawn().await;
    let p = owner_with_projects(&app, "u1", &[(PROG_A, true)]).await;
    let mut ws = WsClient::connect(&app, Protocol::TransportWs, json!({})).await;
    ws.subscribe("s", IDL_ADDED, json!({ "p": p[0] })).await;
    ws.nothing_within(Duration::from_millis(100)).await;
    break_change_log(&app).await;
    let res = upload(&app, "u1", &p[0], "lost").await;
    assert_eq!(res["errors"][0]["extensions"]["code"], "INTERNAL", "{res}");
    ws.nothing_within(QUIET).await;
    app.db
        .get(Domain::Orquestra)
        .execute_unprepared("DROP TRIGGER no_changes ON change_log")
        .await
        .or(app
            .db
            .get(Domain::Orquestra)
            .execute_unprepared("DROP TRIGGER no_changes")
            .await)
        .unwrap();
    data(&upload(&app, "u1", &p[0], "kept").await);
    let (seen, _) = versions(&mut ws, "s", 1).await;
    assert_eq!(seen, [1], "the rolled-back version left no trace");
}

#[tokio::test]
async fn a_subscriber_that_stops_reading_does_not_delay_another() {
    let app = TestApp::spawn().await;
    let p = owner_with_projects(&app, "u1", &[(PROG_A, true)]).await;
    let mut stalled = WsClient::connect(&app, Protocol::TransportWs, json!({})).await;
    stalled
        .subscribe("s", IDL_ADDED, json!({ "p": p[0] }))
        .await;
    let mut ws = WsClient::connect(&app, Protocol::TransportWs, json!({})).await;
    ws.subscribe("s", IDL_ADDED, json!({ "p": p[0] })).await;
    ws.nothing_within(Duration::from_millis(100)).await;
    for n in 1..=40 {
        data(&upload(&app, "u1", &p[0], &format!("v{n}")).await);
    }
    let (seen, _) = versions(&mut ws, "s", 40).await;
    assert_eq!(seen, (1..=40).collect::<Vec<i64>>());
    // The stalled one still has all of them, in order, when it reads at last.
    let (seen, _) = versions(&mut stalled, "s", 40).await;
    assert_eq!(seen, (1..=40).collect::<Vec<i64>>());
}

#[tokio::test]
async fn a_burst_larger_than_the_fan_out_buffer_is_caught_up_from_the_log() {
    let app = TestApp::spawn().await;
    let p = owner_with_projects(&app, "u1", &[(PROG_A, true)]).await;
    let mut ws = WsClient::connect(&app, Protocol::TransportWs, json!({})).await;
    ws.subscribe(
        "s",
        "subscription($p: ID!) { orquestraIdlVersionAdded(projectId: $p) { idlVersion { version } } }",
        json!({ "p": p[0] }),
    )
    .await;
    ws.nothing_within(Duration::from_millis(100)).await;
    // 1,500 versions and their events in one transaction: more than the in-memory ring
    // holds, broadcast in one burst.
    let db = app.db.get(Domain::Orquestra);
    let n = 1500;
    let values: Vec<String> = (1..=n)
        .map(|v| format!("('iv{v}', '{}', '{{}}', {v})", p[0]))
        .collect();
    let changes: Vec<String> = (1..=n)
        .map(|v| {
            format!(
                "({}, 'project:{}', 'idl_version.created', 'iv{v}', '{{}}')",
                1000 + v,
                p[0]
            )
        })
        .collect();
    for sql in [
        format!(
            "INSERT INTO idl_versions (id, project_id, idl_json, version) VALUES {}",
            values.join(",")
        ),
        format!(
            "INSERT INTO change_log (seq, topic, kind, subject, data) VALUES {}",
            changes.join(",")
        ),
    ] {
        db.execute_unprepared(&sql).await.unwrap();
    }
    app.db.dbs.feeds().orquestra.wake();
    for v in 1..=n {
        let d = ws.data("s").await;
        assert_eq!(d["orquestraIdlVersionAdded"]["idlVersion"]["version"], v);
    }
}

#[tokio::test]
async fn the_server_wide_cap_on_subscriptions_holds() {
    let db = TestDb::migrated_with(|c| c.max_subscriptions = 2).await;
    let app = TestApp::spawn_on(
        db,
        api::http::HttpOptions::default(),
        api::server::ServerTimeouts::default(),
    )
    .await;
    let p = owner_with_projects(&app, "u1", &[(PROG_A, true)]).await;
    let mut a = WsClient::connect(&app, Protocol::TransportWs, json!({})).await;
    let mut b = WsClient::connect(&app, Protocol::TransportWs, json!({})).await;
    a.subscribe("1", IDL_ADDED, json!({ "p": p[0] })).await;
    a.subscribe("2", IDL_ADDED, json!({ "p": p[0] })).await;
    a.nothing_within(Duration::from_millis(100)).await;
    b.subscribe("3", IDL_ADDED, json!({ "p": p[0] })).await;
    assert_eq!(b.error_code("3").await, "TOO_MANY_SUBSCRIPTIONS");
    // Ending one frees its place.
    a.stop("1").await;
    a.nothing_within(Duration::from_millis(100)).await;
    b.subscribe("4", IDL_ADDED, json!({ "p": p[0] })).await;
    b.nothing_within(Duration::from_millis(100)).await;
    data(&upload(&app, "u1", &p[0], "v1").await);
    assert_eq!(versions(&mut b, "4", 1).await.0, [1]);
    assert_eq!(versions(&mut a, "2", 1).await.0, [1]);
}

/// The backend pids of the NOTIFY listeners on the test database.
async fn listeners(app: &TestApp) -> Vec<i32> {
    let rows = app
        .db
        .get(Domain::Orquestra)
        .query_all_raw(sea_orm::Statement::from_string(
            DbBackend::Postgres,
            format!(
                "SELECT pid FROM pg_stat_activity WHERE application_name = '{}' \
                 AND datname = current_database() ORDER BY pid",
                api::events::listen::APPLICATION_NAME
            ),
        ))
        .await
        .unwrap();
    rows.iter()
        .map(|r| r.try_get::<i32>("", "pid").unwrap())
        .collect()
}

#[tokio::test]
async fn a_subscriber_on_another_instance_receives_changes_also_across_a_listener_drop() {
    if postgres_url().is_none() {
        return; // Instances share events through PostgreSQL; SQLite is one process.
    }
    let a = TestApp::spawn().await;
    let b = TestApp::spawn_on(
        TestDb::sharing(&a.db).await,
        api::http::HttpOptions::default(),
        api::server::ServerTimeouts::default(),
    )
    .await;
    let p = owner_with_projects(&a, "u1", &[(PROG_A, true)]).await;
    let mut ws = WsClient::connect(&b, Protocol::TransportWs, json!({})).await;
    ws.subscribe("s", IDL_ADDED, json!({ "p": p[0] })).await;
    ws.nothing_within(Duration::from_millis(200)).await;
    data(&upload(&a, "u1", &p[0], "v1").await);
    assert_eq!(
        versions(&mut ws, "s", 1).await.0,
        [1],
        "made on A, seen on B"
    );

    // Kill both instances' listener connections, and write while they reconnect.
    let before = listeners(&a).await;
    assert_eq!(before.len(), 2, "one listener per instance");
    a.db.get(Domain::Orquestra)
        .execute_unprepared(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE application_name = 'mosaic-listener' AND datname = current_database()",
        )
        .await
        .unwrap();
    for n in 2..=4 {
        data(&upload(&a, "u1", &p[0], &format!("v{n}")).await);
    }
    assert_eq!(versions(&mut ws, "s", 3).await.0, [2, 3, 4]);
    // The listeners reconnect on their own (with a backoff): wait for both, up to 10 s.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    let mut after = listeners(&a).await;
    while after.len() < 2 && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
        after = listeners(&a).await;
    }
    assert_eq!(after.len(), 2, "both listeners reconnected");
    assert!(
        after.iter().all(|pid| !before.contains(pid)),
        "{before:?} {after:?}"
    );
    // And live again.
    data(&upload(&a, "u1", &p[0], "v5").await);
    assert_eq!(versions(&mut ws, "s", 1).await.0, [5]);
}

// ----------------------------------------------------------------------------- Bellamy

const ADA: u128 = 1;
const BOB: u128 = 2;
const CAT: u128 = 3;

fn bearer(app: &TestApp, n: u128) -> Value {
    json!({ "authorization": format!("Bearer {}", crate::bellamy_graphql::token(app, n)) })
}

async fn comment(app: &TestApp, actor: u128, post: u128, content: &str) {
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
    anon.nothing_within(Duration::from_millis(100)).await;
    comment(&app, BOB, 2, "elsewhere").await;
    comment(&app, BOB, 1, "hello").await;
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
    comment(&app, ADA, 1, "mine").await;
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
    bob.nothing_within(Duration::from_millis(100)).await;
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

// ----------------------------------------------------------------------------- PDS

const REPO_EVENTS: &str = "subscription($c: String) {
    pdsRepoEvents(cursor: $c) { seq did eventType event }
}";

/// `(seq, eventType)` of the next `n` repo events of `id`, checking each event's DAG-CBOR
/// carries its own `seq`; and the events' bytes.
async fn repo_events(ws: &mut WsClient, id: &str, n: usize) -> (Vec<(i64, String)>, Vec<Vec<u8>>) {
    use base64::Engine;
    let mut seen = Vec::new();
    let mut bytes = Vec::new();
    for _ in 0..n {
        let d = ws.data(id).await;
        let e = &d["pdsRepoEvents"];
        let raw = base64::engine::general_purpose::STANDARD
            .decode(e["event"].as_str().unwrap())
            .unwrap();
        seen.push((
            e["seq"].as_str().unwrap().parse::<i64>().unwrap(),
            e["eventType"].as_str().unwrap().to_owned(),
        ));
        bytes.push(raw);
    }
    (seen, bytes)
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

#[tokio::test]
async fn account_writes_append_firehose_events_that_replay_from_seq_zero() {
    // One protocol: creating an account hashes a password with scrypt, slow in debug
    // builds; both protocols are covered by the other streams.
    account_writes_append_firehose_events_that_replay_from_seq_zero_over(Protocol::Legacy).await;
}

async fn account_writes_append_firehose_events_that_replay_from_seq_zero_over(protocol: Protocol) {
    use crate::pds_mutations::{CREATE, HANDLE, PASSWORD, STATUS, cid, gql};
    use crate::pds_repo::{PUT, blocks, commit, empty_mst, signing_key, tid_in};
    let app = TestApp::spawn().await;
    let mut live = WsClient::connect(&app, protocol, json!({})).await;
    live.subscribe("f", REPO_EVENTS, json!({})).await;
    live.nothing_within(Duration::from_millis(100)).await;

    let res = gql(
        &app,
        CREATE,
        json!({ "i": { "handle": "ada.test", "email": "ada@example.com", "password": PASSWORD } }),
        None,
    )
    .await;
    let did = data(&res)["pdsCreateAccount"]["account"]["did"]
        .as_str()
        .unwrap()
        .to_owned();
    let (seen, raw) = repo_events(&mut live, "f", 3).await;
    assert_eq!(
        seen,
        [
            (1, "IDENTITY".into()),
            (2, "ACCOUNT".into()),
            (3, "APPEND".into())
        ]
    );
    assert!(contains(&raw[0], "ada.test") && contains(&raw[0], &did));
    assert!(contains(&raw[1], "active"));
    assert!(contains(&raw[2], "commit") && contains(&raw[2], "rev"));

    let res = gql(
        &app,
        HANDLE,
        json!({ "i": { "did": did, "handle": "ada2.test" } }),
        Some(&did),
    )
    .await;
    data(&res);
    let mst = empty_mst();
    let commit_1 = commit(&did, &tid_in(1), &mst, &signing_key(&app, &did).await);
    let res = gql(
        &app,
        PUT,
        json!({ "i": { "did": did, "blocks": blocks(&[&mst, &commit_1]), "root": cid(&commit_1) } }),
        Some(&did),
    )
    .await;
    data(&res);
    let res = gql(
        &app,
        STATUS,
        json!({ "i": { "did": did, "status": "DEACTIVATED" } }),
        Some(&did),
    )
    .await;
    data(&res);
    let (seen, raw) = repo_events(&mut live, "f", 3).await;
    assert_eq!(
        seen,
        [
            (4, "IDENTITY".into()),
            (5, "APPEND".into()),
            (6, "ACCOUNT".into())
        ]
    );
    assert!(contains(&raw[0], "ada2.test"));
    assert!(contains(&raw[1], &cid(&commit_1)));
    assert!(contains(&raw[2], "deactivated"));
    live.nothing_within(QUIET).await;

    // The whole stream again from seq 0, and from the middle.
    let mut ws = WsClient::connect(&app, protocol, json!({})).await;
    ws.subscribe("all", REPO_EVENTS, json!({ "c": "0" })).await;
    let (seen, _) = repo_events(&mut ws, "all", 6).await;
    assert_eq!(
        seen.iter().map(|(s, _)| *s).collect::<Vec<_>>(),
        [1, 2, 3, 4, 5, 6]
    );
    ws.subscribe("mid", REPO_EVENTS, json!({ "c": "4" })).await;
    let (seen, _) = repo_events(&mut ws, "mid", 2).await;
    assert_eq!(seen.iter().map(|(s, _)| *s).collect::<Vec<_>>(), [5, 6]);
    ws.subscribe("future", REPO_EVENTS, json!({ "c": "7" }))
        .await;
    assert_eq!(ws.error_code("future").await, "BAD_USER_INPUT");
}

// ----------------------------------------------------------------------------- Universe

#[tokio::test]
async fn universe_entity_changes_and_filtered_event_logs_are_delivered() {
    let app = TestApp::spawn().await;
    let res = app
        .graphql(
            "mutation { universeConnect(clientInfo: \"test\") { identity token } }",
            json!({}),
        )
        .await;
    let me = data(&res)["universeConnect"]["identity"]
        .as_str()
        .unwrap()
        .to_owned();
    let session = data(&res)["universeConnect"]["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let auth = json!({ "authorization": format!("Bearer {session}") });
    let mut ws = WsClient::connect(&app, Protocol::TransportWs, auth).await;
    ws.subscribe(
        "created",
        "subscription { universeEventLogged(eventType: \"entity.created\") { eventType source } }",
        json!({}),
    )
    .await;
    ws.nothing_within(Duration::from_millis(100)).await;
    let gql = |query: &'static str, vars: Value| {
        let app = &app;
        let session = session.clone();
        async move {
            app.client
                .post(app.url("/graphql"))
                .bearer_auth(session)
                .json(&json!({ "query": query, "variables": vars }))
                .send()
                .await
                .unwrap()
                .json::<Value>()
                .await
                .unwrap()
        }
    };
    let res = gql(
        "mutation { universeCreateEntity(input: { entityType: \"note\" }) { entity { id } } }",
        json!({}),
    )
    .await;
    let id = data(&res)["universeCreateEntity"]["entity"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let d = ws.data("created").await;
    assert_eq!(
        d["universeEventLogged"],
        json!({ "eventType": "entity.created", "source": me })
    );
    ws.subscribe(
        "changes",
        "subscription($id: ID!) { universeEntityChanged(entityId: $id, after: \"0\") {
            event { eventType } entity { id entityType }
        } }",
        json!({ "id": id }),
    )
    .await;
    // Replayed from the start of the log: the creation, with the entity as it is now.
    let d = ws.data("changes").await;
    assert_eq!(
        d["universeEntityChanged"],
        json!({ "event": { "eventType": "entity.created" }, "entity": { "id": id, "entityType": "note" } })
    );
    ws.nothing_within(QUIET).await;
}

/// A new Universe identity: its id and its bearer token.
async fn universe_identity(app: &TestApp) -> (String, String) {
    let res = app
        .graphql(
            "mutation { universeConnect(clientInfo: \"http\") { identity token } }",
            json!({}),
        )
        .await;
    let c = &data(&res)["universeConnect"];
    (text(&c["identity"]), text(&c["token"]))
}

/// Runs a Universe operation as the identity holding `token`.
async fn universe(app: &TestApp, token: &str, query: &str, vars: Value) -> Value {
    app.graphql_as(Some(token), query, vars).await
}

/// `identity`'s `client_connection` row and its `subscription` rows.
async fn presence(app: &TestApp, identity: &str) -> (Value, Vec<Value>) {
    let res = app
        .graphql(
            "query($me: ID!, $f: UniverseSubscriptionFilter) {
                universeClientConnection(identity: $me) { connectionId status clientInfo }
                universeSubscriptions(filter: $f, first: 100) {
                    nodes { subscriptionId query status }
                }
            }",
            json!({ "me": identity, "f": { "identity": { "eq": identity } } }),
        )
        .await;
    let d = data(&res);
    let rows = d["universeSubscriptions"]["nodes"]
        .as_array()
        .unwrap()
        .clone();
    (d["universeClientConnection"].clone(), rows)
}

/// Waits (up to 10 s) until `identity`'s rows satisfy `done`; the rows then.
async fn presence_until(
    app: &TestApp,
    identity: &str,
    done: impl Fn(&Value, &[Value]) -> bool,
) -> (Value, Vec<Value>) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let (conn, rows) = presence(app, identity).await;
        if done(&conn, &rows) {
            return (conn, rows);
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "rows never reached the state: {conn} {rows:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn text(v: &Value) -> String {
    v.as_str()
        .unwrap_or_else(|| panic!("a string, not {v}"))
        .to_owned()
}

/// The statuses of `rows`, sorted.
fn statuses(rows: &[Value]) -> Vec<&str> {
    let mut all: Vec<&str> = rows.iter().map(|r| r["status"].as_str().unwrap()).collect();
    all.sort();
    all
}

/// The row of subscription `id`.
fn row<'a>(rows: &'a [Value], id: &Value) -> &'a Value {
    rows.iter()
        .find(|r| r["subscriptionId"] == *id)
        .unwrap_or_else(|| panic!("no row {id} in {rows:?}"))
}

const SUBSCRIPTIONS_CREATED: &str = "subscription($me: String) {
    universeEventLogged(eventType: \"subscription.created\", source: $me, after: \"0\") { data }
}";

const ENTITY_CREATED: &str =
    "subscription { universeEventLogged(eventType: \"entity.created\") { eventType } }";

async fn create_entity(app: &TestApp, token: &str) {
    let res = universe(
        app,
        token,
        "mutation { universeCreateEntity(input: { entityType: \"note\" }) { entity { id } } }",
        json!({}),
    )
    .await;
    data(&res);
}

async fn set_subscription(app: &TestApp, token: &str, id: &str, status: &str) {
    let res = universe(
        app,
        token,
        "mutation($id: ID!, $s: UniverseSubscriptionStatus!) {
            universeSetSubscriptionStatus(input: {subscriptionId: $id, status: $s}) { subscription { status } }
        }",
        json!({ "id": id, "s": status }),
    )
    .await;
    assert_eq!(
        data(&res)["universeSetSubscriptionStatus"]["subscription"]["status"],
        status
    );
}

#[tokio::test]
async fn a_universe_clients_socket_and_subscriptions_are_its_connection_and_subscription_rows() {
    for protocol in Protocol::BOTH {
        a_universe_clients_socket_and_subscriptions_are_its_rows_over(protocol).await;
    }
}

async fn a_universe_clients_socket_and_subscriptions_are_its_rows_over(protocol: Protocol) {
    let app = TestApp::spawn().await;
    let (me, token) = universe_identity(&app).await;
    let (before, _) = presence(&app, &me).await;
    let auth = json!({ "authorization": format!("Bearer {token}"), "clientInfo": "ws-test/1" });
    let mut ws = WsClient::connect(&app, protocol, auth).await;

    // Acknowledged: the connection is the socket's.
    let (conn, rows) = presence(&app, &me).await;
    assert_eq!(conn["status"], "CONNECTED");
    assert_eq!(conn["clientInfo"], "ws-test/1");
    assert_ne!(conn["connectionId"], before["connectionId"]);
    assert!(rows.is_empty());

    // Each subscription is a row, `active` while it runs; "created" replays its own
    // creation, so once it arrives the row exists.
    ws.subscribe("created", SUBSCRIPTIONS_CREATED, json!({ "me": me }))
        .await;
    let first = ws.data("created").await["universeEventLogged"]["data"].clone();
    ws.subscribe("a", ENTITY_CREATED, json!({})).await;
    let a = ws.data("created").await["universeEventLogged"]["data"].clone();
    let a_id = text(&a["subscription_id"]);
    assert_eq!(a["transport"], "websocket");
    assert_eq!(a["connection_id"], conn["connectionId"]);
    let (_, rows) = presence(&app, &me).await;
    assert_eq!(statuses(&rows), ["ACTIVE", "ACTIVE"]);
    assert_eq!(
        row(&rows, &first["subscription_id"])["query"],
        SUBSCRIPTIONS_CREATED
    );
    assert_eq!(row(&rows, &a["subscription_id"])["query"], ENTITY_CREATED);

    create_entity(&app, &token).await;
    assert_eq!(
        ws.data("a").await["universeEventLogged"]["eventType"],
        "entity.created"
    );

    // Paused through its row: nothing is delivered, and nothing is lost on resuming.
    set_subscription(&app, &token, &a_id, "PAUSED").await;
    create_entity(&app, &token).await;
    ws.nothing_within(QUIET).await;
    set_subscription(&app, &token, &a_id, "ACTIVE").await;
    assert_eq!(
        ws.data("a").await["universeEventLogged"]["eventType"],
        "entity.created"
    );

    // Completed by the client: the row is cancelled.
    ws.stop("a").await;
    let (_, rows) = presence_until(&app, &me, |_, rows| {
        statuses(rows) == ["ACTIVE", "CANCELLED"]
    })
    .await;
    assert_eq!(row(&rows, &a["subscription_id"])["status"], "CANCELLED");

    // Cancelled through its row: the client's operation completes.
    ws.subscribe("b", ENTITY_CREATED, json!({})).await;
    let b = ws.data("created").await["universeEventLogged"]["data"].clone();
    set_subscription(&app, &token, &text(&b["subscription_id"]), "CANCELLED").await;
    assert_eq!(ws.event("b").await, crate::ws_client::Event::Complete);

    // The socket closes: the connection is disconnected, every subscription cancelled.
    ws.subscribe("c", ENTITY_CREATED, json!({})).await;
    ws.data("created").await;
    ws.close().await;
    let (conn, rows) = presence_until(&app, &me, |conn, _| conn["status"] == "DISCONNECTED").await;
    assert_eq!(statuses(&rows), ["CANCELLED"; 4]);
    assert_eq!(conn["clientInfo"], "ws-test/1");
}

#[tokio::test]
async fn a_newer_socket_takes_the_connection_over_and_a_dropped_one_is_noticed() {
    let app = TestApp::spawn().await;
    let (me, token) = universe_identity(&app).await;
    let auth = json!({ "authorization": format!("Bearer {token}") });
    let mut old = WsClient::connect(&app, Protocol::TransportWs, auth.clone()).await;
    let (first, _) = presence(&app, &me).await;
    old.subscribe("created", SUBSCRIPTIONS_CREATED, json!({ "me": me }))
        .await;
    old.data("created").await;
    let new = WsClient::connect(&app, Protocol::Legacy, auth).await;
    let (second, _) = presence(&app, &me).await;
    assert_eq!(second["status"], "CONNECTED");
    assert_ne!(second["connectionId"], first["connectionId"]);

    // The old socket vanishes without a close frame: its subscription is cancelled, and
    // the connection, now the new socket's, stays connected.
    drop(old);
    let (conn, _) = presence_until(&app, &me, |_, rows| statuses(rows) == ["CANCELLED"]).await;
    assert_eq!(conn["status"], "CONNECTED");
    assert_eq!(conn["connectionId"], second["connectionId"]);

    new.close().await;
    presence_until(&app, &me, |conn, _| conn["status"] == "DISCONNECTED").await;

    // A socket of an identity whose connection row is gone is refused.
    let (ghost, ghost_token) = universe_identity(&app).await;
    app.db
        .dbs
        .universe()
        .execute_unprepared(&format!(
            "DELETE FROM client_connection WHERE identity = '{ghost}'"
        ))
        .await
        .unwrap();
    let refused = WsClient::refused(
        &app,
        Protocol::TransportWs,
        json!({ "authorization": format!("Bearer {ghost_token}") }),
    )
    .await;
    assert_eq!(refused["close"], 4403, "{refused}");
}

// ----------------------------------------------------------------------------- Atrarium

#[tokio::test]
async fn feed_posts_and_membership_changes_of_a_community_are_delivered() {
    use crate::atrarium_mutations::{
        ALICE, BOB, CAROL, T0, Who, feed, id_of, index, ok as done, post_uri, remove, staffed,
        unindex,
    };
    let app = TestApp::spawn().await;
    let community = staffed(&app).await;
    let (f1, f2) = (
        feed(&app, community, "one").await,
        feed(&app, community, "two").await,
    );
    let mut ws = WsClient::connect(&app, Protocol::TransportWs, json!({})).await;
    ws.subscribe(
        "m",
        "subscription($c: BigInt!) { atrariumMembershipChanged(communityId: $c, after: \"0\") {
            kind userDid role membership { role }
        } }",
        json!({ "c": community }),
    )
    .await;
    // Replayed: Alice created it, Bob and Carol joined, Bob became a moderator.
    let mut seen = Vec::new();
    for _ in 0..4 {
        seen.push(ws.data("m").await["atrariumMembershipChanged"].clone());
    }
    assert_eq!(
        seen,
        [
            json!({ "kind": "JOINED", "userDid": ALICE, "role": "OWNER", "membership": { "role": "OWNER" } }),
            json!({ "kind": "JOINED", "userDid": BOB, "role": "MEMBER", "membership": { "role": "MODERATOR" } }),
            json!({ "kind": "JOINED", "userDid": CAROL, "role": "MEMBER", "membership": { "role": "MEMBER" } }),
            json!({ "kind": "ROLE_CHANGED", "userDid": BOB, "role": "MODERATOR", "membership": { "role": "MODERATOR" } }),
        ]
    );
    ws.subscribe(
        "p",
        "subscription($f: BigInt!) { atrariumPostIndexed(feedId: $f) { post { uri authorDid } } }",
        json!({ "f": f1 }),
    )
    .await;
    ws.nothing_within(Duration::from_millis(100)).await;
    // Live: Alice removes Carol; a post goes into each feed; one comes out again.
    done(
        remove(&app, Who::Atrarium(ALICE), community, CAROL).await,
        "atrariumRemoveMember",
    );
    assert_eq!(
        ws.data("m").await["atrariumMembershipChanged"],
        json!({ "kind": "LEFT", "userDid": CAROL, "role": "MEMBER", "membership": null })
    );
    let other = post_uri(BOB, "3kother");
    let mine = post_uri(BOB, "3kmine");
    done(
        index(&app, Who::Atrarium(ALICE), f2, &other, T0).await,
        "atrariumIndexPost",
    );
    let posted = done(
        index(&app, Who::Atrarium(ALICE), f1, &mine, T0).await,
        "atrariumIndexPost",
    );
    assert_eq!(
        ws.data("p").await["atrariumPostIndexed"]["post"],
        json!({ "uri": mine, "authorDid": BOB })
    );
    let id = id_of(&posted["post"]["id"]);
    done(
        unindex(&app, Who::Atrarium(ALICE), id).await,
        "atrariumUnindexPost",
    );
    ws.nothing_within(QUIET).await;
    ws.subscribe(
        "missing",
        "subscription { atrariumPostIndexed(feedId: 999) { cursor } }",
        json!({}),
    )
    .await;
    assert_eq!(ws.error_code("missing").await, "NOT_FOUND");
}

#[tokio::test]
async fn every_atrarium_write_records_its_change_in_order_and_refusals_record_nothing() {
    use crate::atrarium_mutations::{
        ALICE, BOB, Who, advance, community, feed, gql, join, ok as done,
    };
    use entity::change_log;
    use sea_orm::QueryOrder;
    let app = TestApp::spawn().await;
    let c = community(&app, ALICE, "Logged", None).await;
    let f = feed(&app, c, "logged").await;
    done(
        join(&app, Who::Atrarium(BOB), c).await,
        "atrariumJoinCommunity",
    );
    // Refused: Bob may not advance the stage, nor join twice.
    assert!(advance(&app, Who::Atrarium(BOB), c, "COMMUNITY").await["errors"].is_array());
    assert!(join(&app, Who::Atrarium(BOB), c).await["errors"].is_array());
    done(
        advance(&app, Who::Atrarium(ALICE), c, "COMMUNITY").await,
        "atrariumAdvanceCommunityStage",
    );
    done(
        gql(
            &app,
            Who::Atrarium(ALICE),
            "mutation($id: BigInt!) { atrariumDeleteThemeFeed(id: $id) { deletedId } }",
            json!({ "id": f }),
        )
        .await,
        "atrariumDeleteThemeFeed",
    );
    done(
        gql(
            &app,
            Who::Atrarium(ALICE),
            "mutation($id: BigInt!) { atrariumDeleteCommunity(id: $id) { deletedId } }",
            json!({ "id": c }),
        )
        .await,
        "atrariumDeleteCommunity",
    );
    let rows = change_log::Entity::find()
        .order_by_asc(change_log::Column::Seq)
        .all(app.db.get(Domain::Atrarium))
        .await
        .unwrap();
    let got: Vec<(i64, String, String, String, Option<String>)> = rows
        .into_iter()
        .map(|r| (r.seq, r.kind, r.topic, r.subject, r.actor))
        .collect();
    let topic = format!("community:{c}");
    let row = |seq: i64, kind: &str, subject: &str, actor: &str| {
        (
            seq,
            kind.to_owned(),
            topic.clone(),
            subject.to_owned(),
            Some(actor.to_owned()),
        )
    };
    assert_eq!(
        got,
        [
            row(1, "community.created", &c.to_string(), ALICE),
            row(2, "membership.joined", ALICE, ALICE),
            row(3, "feed.created", &f.to_string(), ALICE),
            row(4, "membership.joined", BOB, BOB),
            row(5, "community.stage_advanced", &c.to_string(), ALICE),
            row(6, "feed.deleted", &f.to_string(), ALICE),
            row(7, "community.deleted", &c.to_string(), ALICE),
        ]
    );
}
