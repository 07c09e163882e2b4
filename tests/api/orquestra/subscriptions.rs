//! Orquestra's subscriptions end to end (and the subscription machinery, exercised with
//! Orquestra's events): a real WebSocket client subscribes, mutations are made over HTTP,
//! and exactly the matching events arrive, with their selected fields and nested
//! relations; resuming after a cursor; access rules at subscription and delivery time;
//! rolled-back writes; slow subscribers; caps. Then Orquestra's change log: every
//! state-changing mutation appends exactly its change events in its own transaction; a
//! refused mutation, or one that changes nothing, appends nothing; sequence numbers are
//! gap-free from 1.

use std::time::Duration;

use entity::Domain;
use sea_orm::{ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter};
use serde_json::{Value, json};

use entity::orquestra::project_socials;

use super::{
    ADDR_A, CREATE, CREATE_ADDR, CREATE_KEY, DELETE, DELETE_ADDR, DELETE_USER, PROG_A, PROG_B,
    REVOKE_KEY, SOCIALS, UPDATE, UPDATE_ADDR, VERIFY_KEY, call, users,
};
use crate::helpers::{Log, QUIET, TestApp, TestDb, code, ok, postgres_url, str_of};
use crate::ws_client::{Protocol, WsClient};

const IDL_ADDED: &str = "subscription($p: ID!, $after: String) {
    orquestraIdlVersionAdded(projectId: $p, after: $after) {
        cursor
        idlVersion { version idl project { name programId } }
    }
}";

/// Runs an Orquestra operation as `user` (anonymous for `None`).
async fn orquestra(app: &TestApp, user: Option<&str>, query: &str, vars: Value) -> Value {
    let token = match user {
        Some(u) => Some(app.token(Domain::Orquestra, u).await),
        None => None,
    };
    app.graphql_as(token.as_deref(), query, vars).await
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
            ok(&res)["orquestraCreateProject"]["project"]["id"]
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
    ok(&upload(&app, "u1", &p[1], "other").await);
    ok(&upload(&app, "u1", &p[0], "mine").await);
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
    ok(&upload(&app, "u1", &p[0], "after stop").await);
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
    ok(&upload(&app, "u1", &p[0], "v1").await);
    let (seen, cursor) = versions(&mut ws, "s", 1).await;
    assert_eq!(seen, [1]);
    ws.close().await;

    for n in 2..=4 {
        ok(&upload(&app, "u1", &p[0], &format!("v{n}")).await);
    }
    let mut ws = WsClient::connect(&app, protocol, json!({})).await;
    ws.subscribe("s", IDL_ADDED, json!({ "p": p[0], "after": cursor }))
        .await;
    let (seen, _) = versions(&mut ws, "s", 3).await;
    assert_eq!(seen, [2, 3, 4], "exactly the three missed, in order");
    ws.nothing_within(QUIET).await;
    // Then live, without a gap or a duplicate at the seam.
    ok(&upload(&app, "u1", &p[0], "v5").await);
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

    let owner =
        json!({ "authorization": format!("Bearer {}", &app.token(Domain::Orquestra, "u1").await) });
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
    ok(&upload(&app, "u1", &p[0], "secret").await);
    let (seen, _) = versions(&mut ws, "own", 1).await;
    assert_eq!(seen, [1]);
}

#[tokio::test]
async fn events_past_retention_are_pruned_and_their_cursors_are_outdated() {
    let app = TestApp::spawn().await;
    let p = owner_with_projects(&app, "u1", &[(PROG_A, true)]).await;
    for name in ["one", "two", "three"] {
        ok(&upload(&app, "u1", &p[0], name).await);
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
    ok(&upload(&app, "u1", &p[0], "four").await);
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
    ok(&upload(&app, "u1", &p[0], "one").await);
    let first_a = ws_version(&mut a, "1").await;
    let first_b = ws_version(&mut b, "x").await;
    assert_eq!(first_a, first_b);
    assert_eq!(first_a.0, 1);
    // One leaves; the other goes on, and a newcomer gets only what follows.
    a.stop("1").await;
    let mut c = WsClient::connect(&app, Protocol::TransportWs, json!({})).await;
    c.subscribe("c", live, json!({ "p": p[0] })).await;
    c.nothing_within(Duration::from_millis(100)).await;
    ok(&upload(&app, "u1", &p[0], "two").await);
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
        ok(&upload(&app, "u1", &p[0], name).await);
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
    ok(&upload(&app, "u1", &p[0], "kept").await);
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
        ok(&upload(&app, "u1", &p[0], &format!("v{n}")).await);
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
    ok(&upload(&app, "u1", &p[0], "v1").await);
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
    ok(&upload(&a, "u1", &p[0], "v1").await);
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
        ok(&upload(&a, "u1", &p[0], &format!("v{n}")).await);
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
    ok(&upload(&a, "u1", &p[0], "v5").await);
    assert_eq!(versions(&mut ws, "s", 1).await.0, [5]);
}

// ----------------------------------------------------------------------------- Change log

const UPLOAD: &str = "mutation($input: OrquestraUploadIdlInput!) {
    orquestraUploadIdl(input: $input) { idlVersion { id version } }
}";

fn project(id: &str) -> String {
    format!("project:{id}")
}

#[tokio::test]
async fn every_orquestra_write_appends_its_changes_and_a_refused_one_nothing() {
    let app = TestApp::spawn().await;
    users(&app, &["u1", "u2"]).await;
    let mut log = Log::of(&app, Domain::Orquestra);
    let u1 = Some("u1");
    let call = |user: Option<&'static str>, q: &'static str, vars: Value| {
        let app = &app;
        async move { call(app, user, None, q, vars).await }
    };

    // Projects.
    let p = super::project(&app, "u1", PROG_A, true).await;
    let rows = log
        .appended(&[("project.created", project(&p), p.clone())])
        .await;
    assert_eq!(rows[0].actor.as_deref(), Some("u1"));
    assert_eq!(rows[0].data["userId"], "u1");
    assert_eq!(rows[0].data["programId"], PROG_A);

    let input = json!({ "name": "dup", "programId": PROG_A });
    let res = call(u1, CREATE, json!({ "input": input })).await;
    assert_eq!(code(&res), "CONFLICT");
    let input = json!({ "name": "bad", "programId": "not-base58!" });
    let res = call(u1, CREATE, json!({ "input": input })).await;
    assert_eq!(code(&res), "BAD_USER_INPUT");
    let input = json!({ "id": p, "name": "theirs" });
    let res = call(Some("u2"), UPDATE, json!({ "input": input })).await;
    assert_eq!(code(&res), "FORBIDDEN");
    log.nothing().await;

    let input = json!({ "id": p, "name": "Jup", "isPublic": false });
    ok(&call(u1, UPDATE, json!({ "input": input })).await);
    let rows = log
        .appended(&[("project.updated", project(&p), p.clone())])
        .await;
    assert_eq!(rows[0].data["fields"], json!(["name", "isPublic"]));

    // IDL versions (the kind and topic subscriptions follow).
    let input = json!({ "projectId": p, "idl": { "name": "jup", "instructions": [] } });
    let res = call(u1, UPLOAD, json!({ "input": input })).await;
    let v = str_of(&ok(&res)["orquestraUploadIdl"]["idlVersion"]["id"]);
    let rows = log
        .appended(&[("idl_version.created", project(&p), v)])
        .await;
    assert_eq!(rows[0].data["version"], 1);
    let input = json!({ "projectId": p, "idl": [1, 2] });
    assert_eq!(
        code(&call(u1, UPLOAD, json!({ "input": input })).await),
        "BAD_USER_INPUT"
    );
    log.nothing().await;

    // API keys; verifying one logs nothing.
    let res = call(u1, CREATE_KEY, json!({ "input": { "projectId": p } })).await;
    let created = &ok(&res)["orquestraCreateApiKey"];
    let (k, plaintext) = (str_of(&created["apiKey"]["id"]), str_of(&created["key"]));
    let rows = log
        .appended(&[("api_key.created", project(&p), k.clone())])
        .await;
    let secret = plaintext.rsplit('_').next().unwrap();
    assert!(!rows[0].data.to_string().contains(secret));
    ok(&call(None, VERIFY_KEY, json!({ "key": plaintext })).await);
    let res = call(Some("u2"), REVOKE_KEY, json!({ "id": k })).await;
    assert_eq!(code(&res), "FORBIDDEN");
    log.nothing().await;
    ok(&call(u1, REVOKE_KEY, json!({ "id": k })).await);
    log.appended(&[("api_key.revoked", project(&p), k.clone())])
        .await;
    let res = call(u1, REVOKE_KEY, json!({ "id": k })).await;
    assert_eq!(code(&res), "NOT_FOUND");
    log.nothing().await;

    // Socials: one row, created then replaced.
    for (website, created) in [("https://jup.ag", true), ("https://jup.io", false)] {
        let input = json!({ "projectId": p, "website": website });
        ok(&call(u1, SOCIALS, json!({ "input": input })).await);
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
    let res = call(u1, SOCIALS, json!({ "input": input })).await;
    assert_eq!(code(&res), "BAD_USER_INPUT");
    log.nothing().await;

    // Known addresses.
    let input = json!({ "projectId": p, "label": "vault", "address": ADDR_A });
    let res = call(u1, CREATE_ADDR, json!({ "input": input })).await;
    let a = str_of(&ok(&res)["orquestraCreateKnownAddress"]["knownAddress"]["id"]);
    log.appended(&[("address.created", project(&p), a.clone())])
        .await;
    let input = json!({ "projectId": p, "label": "again", "address": ADDR_A });
    let res = call(u1, CREATE_ADDR, json!({ "input": input })).await;
    assert_eq!(code(&res), "CONFLICT");
    log.nothing().await;
    let input = json!({ "id": a, "label": "treasury" });
    ok(&call(u1, UPDATE_ADDR, json!({ "input": input })).await);
    let rows = log
        .appended(&[("address.updated", project(&p), a.clone())])
        .await;
    assert_eq!(rows[0].data["fields"], json!(["label"]));
    let res = call(Some("u2"), DELETE_ADDR, json!({ "id": a })).await;
    assert_eq!(code(&res), "FORBIDDEN");
    log.nothing().await;
    ok(&call(u1, DELETE_ADDR, json!({ "id": a })).await);
    let rows = log
        .appended(&[("address.deleted", project(&p), a.clone())])
        .await;
    assert_eq!(rows[0].data["projectId"], p.as_str());
    assert_eq!(rows[0].data["address"], ADDR_A);

    // Deleting a project.
    let res = call(Some("u2"), DELETE, json!({ "id": p })).await;
    assert_eq!(code(&res), "FORBIDDEN");
    log.nothing().await;
    ok(&call(u1, DELETE, json!({ "id": p })).await);
    let rows = log
        .appended(&[("project.deleted", project(&p), p.clone())])
        .await;
    assert_eq!(rows[0].data["userId"], "u1");

    // Deleting the account logs each of its projects, then the account, in one append.
    let q = super::project(&app, "u1", PROG_A, true).await;
    let r = super::project(&app, "u1", PROG_B, false).await;
    log.appended(&[
        ("project.created", project(&q), q.clone()),
        ("project.created", project(&r), r.clone()),
    ])
    .await;
    assert_eq!(
        code(&call(None, DELETE_USER, json!({})).await),
        "UNAUTHENTICATED"
    );
    log.nothing().await;
    ok(&call(u1, DELETE_USER, json!({})).await);
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
        code(&call(u1, DELETE_USER, json!({})).await),
        "UNAUTHENTICATED"
    );
    log.nothing().await;
    log.gap_free(16).await;
}
