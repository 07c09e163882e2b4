//! Inner Universe's write API through HTTP: who may write (a live Universe identity),
//! input validation, optimistic concurrency on entities (also under concurrent
//! requests), relations between existing entities, state version commits with their
//! deltas, configuration, connection and subscription status transitions, and the event
//! log: every mutation leaves exactly its events, a failed one none.

use std::sync::Arc;

use entity::Domain;
use entity::universe::{entity as node, event_log};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};

use crate::helpers::{TestApp, code, count, field, gql, ok};

// ----------------------------------------------------------------------------- harness

/// A connected identity.
struct Session {
    identity: String,
    token: String,
}

impl Session {
    async fn run(&self, app: &TestApp, query: &str, vars: Value) -> Value {
        gql(app, query, vars, Some(&self.token)).await
    }

    /// Runs a mutation that must succeed and returns its root field.
    async fn ok(&self, app: &TestApp, query: &str, vars: Value) -> Value {
        let res = self.run(app, query, vars).await;
        ok(&res);
        let data = res["data"].as_object().unwrap();
        assert_eq!(data.len(), 1);
        data.values().next().unwrap().clone()
    }
}

const CONNECT: &str = "mutation($c: String) { universeConnect(clientInfo: $c) { identity connectionId token expiresAt connection { identity connectionId status clientInfo } events { eventType source data } } }";

async fn connect(app: &TestApp) -> Session {
    let res = gql(app, CONNECT, json!({ "c": "test-sdk/1" }), None).await;
    ok(&res);
    let c = &res["data"]["universeConnect"];
    Session {
        identity: c["identity"].as_str().unwrap().to_owned(),
        token: c["token"].as_str().unwrap().to_owned(),
    }
}

const TABLES: [&str; 8] = [
    "entity",
    "relation",
    "state_version",
    "delta_record",
    "event_log",
    "config",
    "client_connection",
    "subscription",
];

/// Row counts of every Universe table, in [`TABLES`] order.
async fn counts(app: &TestApp) -> Vec<i64> {
    let mut out = Vec::new();
    for t in TABLES {
        out.push(count(app.db.get(Domain::Universe), t).await);
    }
    out
}

/// The whole event log, in order.
async fn log(app: &TestApp) -> Vec<event_log::Model> {
    event_log::Entity::find()
        .order_by_asc(event_log::Column::Timestamp)
        .order_by_asc(event_log::Column::EventId)
        .all(app.db.get(Domain::Universe))
        .await
        .unwrap()
}

/// The event types of the log from position `from` on.
async fn kinds_since(app: &TestApp, from: usize) -> Vec<String> {
    log(app)
        .await
        .into_iter()
        .skip(from)
        .map(|e| e.event_type)
        .collect()
}

/// The `eventType`s of a payload's `events`.
fn payload_kinds(payload: &Value) -> Vec<&str> {
    payload["events"]
        .as_array()
        .unwrap_or_else(|| panic!("no events in {payload}"))
        .iter()
        .map(|e| e["eventType"].as_str().unwrap())
        .collect()
}

const ENTITY_FIELDS: &str =
    "id entityType version createdAt updatedAt metadata { name description tags properties }";
const EVENT_FIELDS: &str = "eventId eventType source timestamp data";

fn create_entity_q() -> String {
    format!(
        "mutation($i: UniverseCreateEntityInput!) {{ universeCreateEntity(input: $i) {{ entity {{ {ENTITY_FIELDS} }} events {{ {EVENT_FIELDS} }} }} }}"
    )
}

fn update_entity_q() -> String {
    format!(
        "mutation($i: UniverseUpdateEntityInput!) {{ universeUpdateEntity(input: $i) {{ entity {{ {ENTITY_FIELDS} }} events {{ {EVENT_FIELDS} }} }} }}"
    )
}

const DELETE_ENTITY: &str = "mutation($i: UniverseDeleteEntityInput!) { universeDeleteEntity(input: $i) { deletedId deletedRelationIds events { eventType source data } } }";
const CREATE_RELATION: &str = "mutation($i: UniverseCreateRelationInput!) { universeCreateRelation(input: $i) { relation { id fromEntity toEntity relationType metadata { weight label properties } from { id } to { id } } events { eventType source data } } }";
const DELETE_RELATION: &str = "mutation($id: ID!) { universeDeleteRelation(id: $id) { deletedId events { eventType source data } } }";
const COMMIT: &str = "mutation($i: UniverseCommitStateVersionInput!) { universeCommitStateVersion(input: $i) { version { versionId parentVersionId description dataHash owner timestamp } deltas { deltaId stateVersionId timestamp operations { op target path value previous } metadata { author reason properties } } events { eventType source timestamp data } } }";
const SET_CONFIG: &str = "mutation($i: UniverseSetConfigInput!) { universeSetConfig(input: $i) { config { key value description updatedBy updatedAt } events { eventType source data } } }";
const SET_CONNECTION: &str = "mutation($s: UniverseConnectionStatus!) { universeSetConnectionStatus(input: { status: $s }) { connection { identity connectionId status connectedAt lastActiveAt } cancelledSubscriptions { subscriptionId status } events { eventType source data } } }";
const CREATE_SUB: &str = "mutation($q: String!) { universeCreateSubscription(input: { query: $q }) { subscription { subscriptionId identity query status createdAt updatedAt } events { eventType source data } } }";
const SET_SUB: &str = "mutation($id: ID!, $s: UniverseSubscriptionStatus!) { universeSetSubscriptionStatus(input: { subscriptionId: $id, status: $s }) { subscription { subscriptionId identity status updatedAt } events { eventType source data } } }";

fn hash(n: u8) -> String {
    format!("sha256:{}", format!("{n:02x}").repeat(32))
}

/// Every write mutation with a valid input (valid for shape; targets may not exist).
fn every_write() -> Vec<(String, Value)> {
    vec![
        (
            create_entity_q(),
            json!({ "i": { "id": "e1", "entityType": "note" } }),
        ),
        (
            update_entity_q(),
            json!({ "i": { "id": "e1", "expectedVersion": 1, "entityType": "idea" } }),
        ),
        (
            DELETE_ENTITY.into(),
            json!({ "i": { "id": "e1", "expectedVersion": 1 } }),
        ),
        (
            CREATE_RELATION.into(),
            json!({ "i": { "fromEntity": "e1", "toEntity": "e1", "relationType": "self" } }),
        ),
        (DELETE_RELATION.into(), json!({ "id": "r1" })),
        (
            COMMIT.into(),
            json!({ "i": { "description": "root", "dataHash": hash(1) } }),
        ),
        (
            SET_CONFIG.into(),
            json!({ "i": { "key": "ui.theme", "value": "dark" } }),
        ),
        (SET_CONNECTION.into(), json!({ "s": "IDLE" })),
        (CREATE_SUB.into(), json!({ "q": "SELECT * FROM entity" })),
        (SET_SUB.into(), json!({ "id": "s1", "s": "PAUSED" })),
    ]
}

// ------------------------------------------------------------------------ who may write

#[tokio::test]
async fn anonymous_and_foreign_tokens_cannot_write() {
    let app = TestApp::spawn().await;
    let bellamy = app
        .tokens
        .issue(
            Domain::Bellamy,
            "bellamy-user",
            api::auth::TokenKind::Access,
            std::time::Duration::from_secs(600),
        )
        .unwrap()
        .token;
    let before = counts(&app).await;
    for (q, vars) in every_write() {
        for token in [None, Some(bellamy.as_str())] {
            let res = gql(&app, &q, vars.clone(), token).await;
            assert_eq!(code(&res), "UNAUTHENTICATED", "{q} {token:?}: {res}");
            assert_eq!(res["data"], Value::Null, "{res}");
        }
    }
    // Identity comes before validation: an anonymous invalid input is still
    // UNAUTHENTICATED.
    let res = gql(
        &app,
        &create_entity_q(),
        json!({ "i": { "id": "", "entityType": "" } }),
        None,
    )
    .await;
    assert_eq!(code(&res), "UNAUTHENTICATED", "{res}");
    assert_eq!(counts(&app).await, before);
}

#[tokio::test]
async fn connect_records_the_connection_and_its_event() {
    let app = TestApp::spawn().await;
    let res = gql(&app, CONNECT, json!({ "c": "atlas/0.4" }), None).await;
    ok(&res);
    let c = &res["data"]["universeConnect"];
    let identity = c["identity"].as_str().unwrap();
    assert_eq!(
        c["connection"],
        json!({ "identity": identity, "connectionId": c["connectionId"], "status": "CONNECTED", "clientInfo": "atlas/0.4" })
    );
    assert_eq!(
        c["events"],
        json!([{ "eventType": "client.connected", "source": identity, "data": {
            "identity": identity, "connection_id": c["connectionId"], "client_info": "atlas/0.4"
        } }])
    );
    let events = log(&app).await;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].event_type, "client.connected");
    assert_eq!(events[0].source.as_deref(), Some(identity));

    // Too long a clientInfo is refused before anything is written.
    let res = gql(&app, CONNECT, json!({ "c": "x".repeat(513) }), None).await;
    assert_eq!(code(&res), "BAD_USER_INPUT");
    assert_eq!(field(&res), "clientInfo");
    assert_eq!(
        count(app.db.get(Domain::Universe), "client_connection").await,
        1
    );
    assert_eq!(log(&app).await.len(), 1);
}

#[tokio::test]
async fn only_a_live_session_writes() {
    let app = TestApp::spawn().await;
    // A valid Universe token for an identity that never connected.
    let ghost = app
        .tokens
        .issue(
            Domain::Universe,
            "ab".repeat(32).as_str(),
            api::auth::TokenKind::Access,
            std::time::Duration::from_secs(600),
        )
        .unwrap()
        .token;
    let res = gql(
        &app,
        &create_entity_q(),
        json!({ "i": { "id": "e1", "entityType": "note" } }),
        Some(&ghost),
    )
    .await;
    // A token whose connection does not exist names nobody: refused before anything runs.
    assert_eq!(code(&res), "UNAUTHENTICATED", "{res}");
    assert!(
        res["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("connection no longer exists"),
        "{res}"
    );
    let res = gql(&app, SET_CONNECTION, json!({ "s": "IDLE" }), Some(&ghost)).await;
    assert_eq!(code(&res), "UNAUTHENTICATED", "{res}");

    let s = connect(&app).await;
    s.ok(&app, SET_CONNECTION, json!({ "s": "DISCONNECTING" }))
        .await;
    let before = counts(&app).await;
    let events_before = log(&app).await.len();
    for (q, vars) in every_write() {
        if q == SET_CONNECTION {
            continue;
        }
        let res = s.run(&app, &q, vars).await;
        assert_eq!(code(&res), "FORBIDDEN", "{q}: {res}");
    }
    s.ok(&app, SET_CONNECTION, json!({ "s": "DISCONNECTED" }))
        .await;
    let res = s
        .run(
            &app,
            &create_entity_q(),
            json!({ "i": { "id": "e1", "entityType": "note" } }),
        )
        .await;
    assert_eq!(code(&res), "FORBIDDEN", "{res}");
    assert_eq!(counts(&app).await[0], before[0]);
    assert_eq!(log(&app).await.len(), events_before + 1);
    // Reconnected, it writes again; idle counts as live.
    s.ok(&app, SET_CONNECTION, json!({ "s": "CONNECTED" }))
        .await;
    s.ok(&app, SET_CONNECTION, json!({ "s": "IDLE" })).await;
    s.ok(
        &app,
        &create_entity_q(),
        json!({ "i": { "id": "e1", "entityType": "note" } }),
    )
    .await;
}

// ---------------------------------------------------------------------------- entities

#[tokio::test]
async fn entities_are_created_updated_and_deleted_with_their_events() {
    let app = TestApp::spawn().await;
    let s = connect(&app).await;
    let base = log(&app).await.len();

    let created = s
        .ok(
            &app,
            &create_entity_q(),
            json!({ "i": {
                "id": "concept-kg",
                "entityType": "concept",
                "metadata": {
                    "name": "  Knowledge graph ",
                    "description": "Typed nodes, typed edges.",
                    "tags": ["graph", "core", "graph"],
                    "properties": { "aliases": ["KG"] }
                }
            } }),
        )
        .await;
    let e = &created["entity"];
    assert_eq!(e["id"], "concept-kg");
    assert_eq!(e["entityType"], "concept");
    assert_eq!(e["version"], 1);
    assert_eq!(e["createdAt"], e["updatedAt"]);
    assert_eq!(
        e["metadata"],
        json!({ "name": "Knowledge graph", "description": "Typed nodes, typed edges.", "tags": ["graph", "core"], "properties": { "aliases": ["KG"] } })
    );
    let ev = &created["events"][0];
    assert_eq!(created["events"].as_array().unwrap().len(), 1);
    assert_eq!(ev["eventType"], "entity.created");
    assert_eq!(ev["source"], s.identity.as_str());
    assert_eq!(ev["timestamp"], e["createdAt"]);
    assert_eq!(
        ev["data"],
        json!({ "entity_id": "concept-kg", "entity_type": "concept", "version": 1, "metadata": {
            "name": "Knowledge graph", "description": "Typed nodes, typed edges.", "tags": ["graph", "core"], "properties": { "aliases": ["KG"] }
        } })
    );

    // What the payload says is what a read says.
    let read = gql(
        &app,
        &format!("{{ universeEntity(id: \"concept-kg\") {{ {ENTITY_FIELDS} }} }}"),
        json!({}),
        None,
    )
    .await;
    assert_eq!(read["data"]["universeEntity"], created["entity"]);
    // The event as logged is the event in the payload.
    let logged = gql(
        &app,
        &format!("query($id: ID!) {{ universeEvent(eventId: $id) {{ {EVENT_FIELDS} }} }}"),
        json!({ "id": ev["eventId"] }),
        None,
    )
    .await;
    assert_eq!(&logged["data"]["universeEvent"], ev);

    // A generated id when none is given.
    let generated = s
        .ok(
            &app,
            &create_entity_q(),
            json!({ "i": { "entityType": "note" } }),
        )
        .await;
    let gid = generated["entity"]["id"].as_str().unwrap();
    assert!(uuid::Uuid::parse_str(gid).is_ok(), "{gid}");
    assert_eq!(
        generated["entity"]["metadata"],
        json!({ "name": null, "description": null, "tags": [], "properties": {} })
    );

    // A partial update: the name is kept, the description cleared, the tags replaced.
    let updated = s
        .ok(
            &app,
            &update_entity_q(),
            json!({ "i": {
                "id": "concept-kg",
                "expectedVersion": 1,
                "metadata": { "description": null, "tags": ["kg"] }
            } }),
        )
        .await;
    let u = &updated["entity"];
    assert_eq!(u["version"], 2);
    assert_eq!(u["entityType"], "concept");
    assert_eq!(u["createdAt"], e["createdAt"]);
    assert_ne!(u["updatedAt"], e["updatedAt"]);
    assert_eq!(
        u["metadata"],
        json!({ "name": "Knowledge graph", "description": null, "tags": ["kg"], "properties": { "aliases": ["KG"] } })
    );
    assert_eq!(payload_kinds(&updated), ["entity.updated"]);
    assert_eq!(
        updated["events"][0]["data"],
        json!({
            "entity_id": "concept-kg", "version": 2, "previous_version": 1,
            "before": { "entity_type": "concept", "metadata": {
                "name": "Knowledge graph", "description": "Typed nodes, typed edges.", "tags": ["graph", "core"], "properties": { "aliases": ["KG"] } } },
            "after": { "entity_type": "concept", "metadata": {
                "name": "Knowledge graph", "description": null, "tags": ["kg"], "properties": { "aliases": ["KG"] } } }
        })
    );
    // Type and properties, from version 2.
    let updated = s
        .ok(
            &app,
            &update_entity_q(),
            json!({ "i": {
                "id": "concept-kg",
                "expectedVersion": 2,
                "entityType": "topic",
                "metadata": { "name": "KG", "properties": null }
            } }),
        )
        .await;
    assert_eq!(updated["entity"]["version"], 3);
    assert_eq!(updated["entity"]["entityType"], "topic");
    assert_eq!(
        updated["entity"]["metadata"],
        json!({ "name": "KG", "description": null, "tags": ["kg"], "properties": {} })
    );

    // Deleted as of version 3.
    let deleted = s
        .ok(
            &app,
            DELETE_ENTITY,
            json!({ "i": { "id": "concept-kg", "expectedVersion": 3 } }),
        )
        .await;
    assert_eq!(deleted["deletedId"], "concept-kg");
    assert_eq!(deleted["deletedRelationIds"], json!([]));
    assert_eq!(payload_kinds(&deleted), ["entity.deleted"]);
    assert_eq!(deleted["events"][0]["data"]["version"], 3);
    assert_eq!(deleted["events"][0]["data"]["relation_ids"], json!([]));
    assert_eq!(
        deleted["events"][0]["data"]["before"]["entity_type"],
        "topic"
    );
    let read = gql(
        &app,
        "{ universeEntity(id: \"concept-kg\") { id } }",
        json!({}),
        None,
    )
    .await;
    assert_eq!(read["data"]["universeEntity"], Value::Null);

    assert_eq!(
        kinds_since(&app, base).await,
        [
            "entity.created",
            "entity.created",
            "entity.updated",
            "entity.updated",
            "entity.deleted"
        ]
    );
    assert_eq!(count(app.db.get(Domain::Universe), "entity").await, 1);
}

#[tokio::test]
async fn stale_versions_and_missing_entities_change_nothing() {
    let app = TestApp::spawn().await;
    let s = connect(&app).await;
    s.ok(
        &app,
        &create_entity_q(),
        json!({ "i": { "id": "e1", "entityType": "note", "metadata": { "name": "one" } } }),
    )
    .await;
    s.ok(
        &app,
        &update_entity_q(),
        json!({ "i": { "id": "e1", "expectedVersion": 1, "metadata": { "name": "two" } } }),
    )
    .await;
    let before = counts(&app).await;
    let events_before = log(&app).await;

    // Written from version 1, which is no longer current.
    let res = s
        .run(
            &app,
            &update_entity_q(),
            json!({ "i": { "id": "e1", "expectedVersion": 1, "metadata": { "name": "stale" } } }),
        )
        .await;
    assert_eq!(code(&res), "CONFLICT", "{res}");
    assert!(
        res["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("version 2"),
        "{res}"
    );
    // From a version it never had.
    let res = s
        .run(
            &app,
            &update_entity_q(),
            json!({ "i": { "id": "e1", "expectedVersion": 7, "entityType": "x" } }),
        )
        .await;
    assert_eq!(code(&res), "CONFLICT", "{res}");
    let res = s
        .run(
            &app,
            DELETE_ENTITY,
            json!({ "i": { "id": "e1", "expectedVersion": 1 } }),
        )
        .await;
    assert_eq!(code(&res), "CONFLICT", "{res}");
    // Missing entities.
    let res = s
        .run(
            &app,
            &update_entity_q(),
            json!({ "i": { "id": "nope", "expectedVersion": 1, "entityType": "x" } }),
        )
        .await;
    assert_eq!(code(&res), "NOT_FOUND", "{res}");
    let res = s
        .run(
            &app,
            DELETE_ENTITY,
            json!({ "i": { "id": "nope", "expectedVersion": 1 } }),
        )
        .await;
    assert_eq!(code(&res), "NOT_FOUND", "{res}");
    // A taken id.
    let res = s
        .run(
            &app,
            &create_entity_q(),
            json!({ "i": { "id": "e1", "entityType": "note" } }),
        )
        .await;
    assert_eq!(code(&res), "CONFLICT", "{res}");

    assert_eq!(counts(&app).await, before);
    assert_eq!(log(&app).await, events_before);
    let e1 = node::Entity::find_by_id("e1".to_owned())
        .one(app.db.get(Domain::Universe))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(e1.version, 2);
    assert_eq!(e1.metadata.name.as_deref(), Some("two"));
    assert_eq!(e1.entity_type, "note");
}

#[tokio::test]
async fn entity_inputs_are_validated_before_anything_is_written() {
    let app = TestApp::spawn().await;
    let s = connect(&app).await;
    s.ok(
        &app,
        &create_entity_q(),
        json!({ "i": { "id": "e1", "entityType": "note" } }),
    )
    .await;
    let before = counts(&app).await;
    let create = create_entity_q();
    let update = update_entity_q();
    let long = "x".repeat(129);
    let cases: Vec<(&str, Value, &str)> = vec![
        (
            &create,
            json!({ "i": { "id": "", "entityType": "note" } }),
            "input.id",
        ),
        (
            &create,
            json!({ "i": { "id": "has space", "entityType": "note" } }),
            "input.id",
        ),
        (
            &create,
            json!({ "i": { "id": "a,b", "entityType": "note" } }),
            "input.id",
        ),
        (
            &create,
            json!({ "i": { "id": long, "entityType": "note" } }),
            "input.id",
        ),
        (
            &create,
            json!({ "i": { "entityType": " " } }),
            "input.entityType",
        ),
        (
            &create,
            json!({ "i": { "entityType": "x".repeat(65) } }),
            "input.entityType",
        ),
        (
            &create,
            json!({ "i": { "entityType": "note", "metadata": { "name": "  " } } }),
            "input.metadata.name",
        ),
        (
            &create,
            json!({ "i": { "entityType": "note", "metadata": { "name": "a\u{7}b" } } }),
            "input.metadata.name",
        ),
        (
            &create,
            json!({ "i": { "entityType": "note", "metadata": { "description": "d".repeat(4001) } } }),
            "input.metadata.description",
        ),
        (
            &create,
            json!({ "i": { "entityType": "note", "metadata": { "tags": ["ok", ""] } } }),
            "input.metadata.tags[1]",
        ),
        (
            &create,
            json!({ "i": { "entityType": "note", "metadata": { "tags": vec!["t"; 33] } } }),
            "input.metadata.tags",
        ),
        (
            &create,
            json!({ "i": { "entityType": "note", "metadata": { "properties": [1, 2] } } }),
            "input.metadata.properties",
        ),
        (
            &create,
            json!({ "i": { "entityType": "note", "metadata": { "properties": "text" } } }),
            "input.metadata.properties",
        ),
        (
            &create,
            json!({ "i": { "entityType": "note", "metadata": { "properties": { "big": "x".repeat(17 * 1024) } } } }),
            "input.metadata.properties",
        ),
        (
            &update,
            json!({ "i": { "id": "e1", "expectedVersion": 1 } }),
            "input",
        ),
        (
            &update,
            json!({ "i": { "id": "e1", "expectedVersion": 1, "metadata": {} } }),
            "input",
        ),
        (
            &update,
            json!({ "i": { "id": "e1", "expectedVersion": 0, "entityType": "x" } }),
            "input.expectedVersion",
        ),
        (
            &update,
            json!({ "i": { "id": "e1", "expectedVersion": -3, "entityType": "x" } }),
            "input.expectedVersion",
        ),
        (
            &update,
            json!({ "i": { "id": "", "expectedVersion": 1, "entityType": "x" } }),
            "input.id",
        ),
        (
            &update,
            json!({ "i": { "id": "e1", "expectedVersion": 1, "entityType": "no spaces" } }),
            "input.entityType",
        ),
        (
            &update,
            json!({ "i": { "id": "e1", "expectedVersion": 1, "metadata": { "name": "" } } }),
            "input.metadata.name",
        ),
        (
            &update,
            json!({ "i": { "id": "e1", "expectedVersion": 1, "metadata": { "tags": [" "] } } }),
            "input.metadata.tags[0]",
        ),
        (
            &update,
            json!({ "i": { "id": "e1", "expectedVersion": 1, "metadata": { "properties": 3 } } }),
            "input.metadata.properties",
        ),
        (
            DELETE_ENTITY,
            json!({ "i": { "id": "e1", "expectedVersion": 0 } }),
            "input.expectedVersion",
        ),
        (
            DELETE_ENTITY,
            json!({ "i": { "id": "é", "expectedVersion": 1 } }),
            "input.id",
        ),
    ];
    for (q, vars, want) in cases {
        let res = s.run(&app, q, vars.clone()).await;
        assert_eq!(code(&res), "BAD_USER_INPUT", "{vars}: {res}");
        assert_eq!(field(&res), want, "{vars}: {res}");
    }
    assert_eq!(counts(&app).await, before);
}

/// N concurrent updates made from the same read: exactly one wins, the others get
/// CONFLICT, and the log holds exactly one update. On SQLite this runs on files with a
/// real pool, so no request may fail with "database is locked".
#[tokio::test]
async fn concurrent_updates_from_one_read_let_exactly_one_through() {
    let app = Arc::new(TestApp::spawn_on_files().await);
    let mut sessions = Vec::new();
    for _ in 0..5 {
        sessions.push(Arc::new(connect(&app).await));
    }
    sessions[0]
        .ok(
            &app,
            &create_entity_q(),
            json!({ "i": { "id": "contested", "entityType": "note", "metadata": { "name": "v1" } } }),
        )
        .await;
    let base = log(&app).await.len();
    const N: usize = 20;
    let mut tasks = Vec::new();
    for i in 0..N {
        let app = Arc::clone(&app);
        let s = Arc::clone(&sessions[i % sessions.len()]);
        tasks.push(tokio::spawn(async move {
            let res = s
                .run(
                    &app,
                    &update_entity_q(),
                    json!({ "i": { "id": "contested", "expectedVersion": 1, "metadata": { "name": format!("writer {i}") } } }),
                )
                .await;
            (i, res)
        }));
    }
    let mut winners = Vec::new();
    for t in tasks {
        let (i, res) = t.await.unwrap();
        if res.get("errors").is_none() {
            assert_eq!(res["data"]["universeUpdateEntity"]["entity"]["version"], 2);
            winners.push(i);
        } else {
            assert_eq!(code(&res), "CONFLICT", "{res}");
        }
    }
    assert_eq!(winners.len(), 1, "winners: {winners:?}");
    let e = node::Entity::find_by_id("contested".to_owned())
        .one(app.db.get(Domain::Universe))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(e.version, 2);
    assert_eq!(e.metadata.name, Some(format!("writer {}", winners[0])));
    let events = log(&app).await;
    assert_eq!(events.len(), base + 1);
    assert_eq!(events[base].event_type, "entity.updated");
    assert_eq!(
        events[base].data["after"]["metadata"]["name"],
        format!("writer {}", winners[0])
    );

    // The same for deletes: one wins, the rest find it changed (CONFLICT) or gone.
    let mut tasks = Vec::new();
    for i in 0..N {
        let app = Arc::clone(&app);
        let s = Arc::clone(&sessions[i % sessions.len()]);
        tasks.push(tokio::spawn(async move {
            s.run(
                &app,
                DELETE_ENTITY,
                json!({ "i": { "id": "contested", "expectedVersion": 2 } }),
            )
            .await
        }));
    }
    let mut deleted = 0;
    for t in tasks {
        let res = t.await.unwrap();
        if res.get("errors").is_none() {
            deleted += 1;
        } else {
            assert_eq!(code(&res), "NOT_FOUND", "{res}");
        }
    }
    assert_eq!(deleted, 1);
    assert_eq!(
        kinds_since(&app, base).await,
        ["entity.updated", "entity.deleted"]
    );
}

// --------------------------------------------------------------------------- relations

#[tokio::test]
async fn relations_only_between_existing_entities() {
    let app = TestApp::spawn().await;
    let s = connect(&app).await;
    for id in ["alice", "atlas"] {
        s.ok(
            &app,
            &create_entity_q(),
            json!({ "i": { "id": id, "entityType": "thing" } }),
        )
        .await;
    }
    let base = log(&app).await.len();
    let created = s
        .ok(
            &app,
            CREATE_RELATION,
            json!({ "i": {
                "id": "r1", "fromEntity": "alice", "toEntity": "atlas", "relationType": "works_on",
                "metadata": { "weight": 0.75, "label": "lead", "properties": { "since": 2024 } }
            } }),
        )
        .await;
    assert_eq!(
        created["relation"],
        json!({
            "id": "r1", "fromEntity": "alice", "toEntity": "atlas", "relationType": "works_on",
            "metadata": { "weight": 0.75, "label": "lead", "properties": { "since": 2024 } },
            "from": { "id": "alice" }, "to": { "id": "atlas" }
        })
    );
    assert_eq!(
        created["events"],
        json!([{ "eventType": "relation.created", "source": s.identity, "data": {
            "relation_id": "r1", "from_entity": "alice", "to_entity": "atlas", "relation_type": "works_on",
            "metadata": { "weight": 0.75, "label": "lead", "properties": { "since": 2024 } }
        } }])
    );
    // A self-relation, with a generated id.
    let selfrel = s
        .ok(
            &app,
            CREATE_RELATION,
            json!({ "i": { "fromEntity": "atlas", "toEntity": "atlas", "relationType": "depends_on" } }),
        )
        .await;
    assert!(uuid::Uuid::parse_str(selfrel["relation"]["id"].as_str().unwrap()).is_ok());
    let read = gql(
        &app,
        "{ universeEntity(id: \"alice\") { outgoing { nodes { id to { id } } } connected { id } } }",
        json!({}),
        None,
    )
    .await;
    assert_eq!(
        read["data"]["universeEntity"],
        json!({ "outgoing": { "nodes": [{ "id": "r1", "to": { "id": "atlas" } }] }, "connected": [{ "id": "atlas" }] })
    );

    let before = counts(&app).await;
    let events_before = log(&app).await.len();
    let bad: Vec<(Value, &str, &str)> = vec![
        (
            json!({ "fromEntity": "ghost", "toEntity": "atlas", "relationType": "x" }),
            "BAD_USER_INPUT",
            "input.fromEntity",
        ),
        (
            json!({ "fromEntity": "alice", "toEntity": "ghost", "relationType": "x" }),
            "BAD_USER_INPUT",
            "input.toEntity",
        ),
        (
            json!({ "fromEntity": "", "toEntity": "atlas", "relationType": "x" }),
            "BAD_USER_INPUT",
            "input.fromEntity",
        ),
        (
            json!({ "fromEntity": "alice", "toEntity": "atlas", "relationType": "" }),
            "BAD_USER_INPUT",
            "input.relationType",
        ),
        (
            json!({ "fromEntity": "alice", "toEntity": "atlas", "relationType": "x", "metadata": { "label": "" } }),
            "BAD_USER_INPUT",
            "input.metadata.label",
        ),
        (
            json!({ "fromEntity": "alice", "toEntity": "atlas", "relationType": "x", "metadata": { "properties": [] } }),
            "BAD_USER_INPUT",
            "input.metadata.properties",
        ),
        (
            json!({ "id": "bad id", "fromEntity": "alice", "toEntity": "atlas", "relationType": "x" }),
            "BAD_USER_INPUT",
            "input.id",
        ),
    ];
    for (input, want_code, want_field) in bad {
        let res = s.run(&app, CREATE_RELATION, json!({ "i": input })).await;
        assert_eq!(code(&res), want_code, "{input}: {res}");
        assert_eq!(field(&res), want_field, "{input}: {res}");
    }
    let res = s
        .run(
            &app,
            CREATE_RELATION,
            json!({ "i": { "id": "r1", "fromEntity": "atlas", "toEntity": "alice", "relationType": "x" } }),
        )
        .await;
    assert_eq!(code(&res), "CONFLICT", "{res}");
    let res = s.run(&app, DELETE_RELATION, json!({ "id": "ghost" })).await;
    assert_eq!(code(&res), "NOT_FOUND", "{res}");
    let res = s.run(&app, DELETE_RELATION, json!({ "id": "" })).await;
    assert_eq!(code(&res), "BAD_USER_INPUT", "{res}");
    assert_eq!(field(&res), "id");
    assert_eq!(counts(&app).await, before);
    assert_eq!(log(&app).await.len(), events_before);

    let deleted = s.ok(&app, DELETE_RELATION, json!({ "id": "r1" })).await;
    assert_eq!(deleted["deletedId"], "r1");
    assert_eq!(payload_kinds(&deleted), ["relation.deleted"]);
    assert_eq!(deleted["events"][0]["data"]["relation_id"], "r1");
    assert_eq!(deleted["events"][0]["data"]["from_entity"], "alice");
    assert_eq!(
        kinds_since(&app, base).await,
        ["relation.created", "relation.created", "relation.deleted"]
    );
    assert_eq!(count(app.db.get(Domain::Universe), "relation").await, 1);
}

#[tokio::test]
async fn deleting_an_entity_deletes_its_relations_each_with_its_event() {
    let app = TestApp::spawn().await;
    let s = connect(&app).await;
    for id in ["hub", "a", "b", "c"] {
        s.ok(
            &app,
            &create_entity_q(),
            json!({ "i": { "id": id, "entityType": "thing" } }),
        )
        .await;
    }
    for (id, from, to) in [
        ("r-out", "hub", "a"),
        ("r-in", "b", "hub"),
        ("r-self", "hub", "hub"),
        ("r-other", "a", "c"),
    ] {
        s.ok(
            &app,
            CREATE_RELATION,
            json!({ "i": { "id": id, "fromEntity": from, "toEntity": to, "relationType": "links" } }),
        )
        .await;
    }
    let base = log(&app).await.len();
    let deleted = s
        .ok(
            &app,
            DELETE_ENTITY,
            json!({ "i": { "id": "hub", "expectedVersion": 1 } }),
        )
        .await;
    assert_eq!(
        deleted["deletedRelationIds"],
        json!(["r-in", "r-out", "r-self"])
    );
    assert_eq!(
        payload_kinds(&deleted),
        [
            "relation.deleted",
            "relation.deleted",
            "relation.deleted",
            "entity.deleted"
        ]
    );
    let events = &deleted["events"];
    for (i, id) in ["r-in", "r-out", "r-self"].iter().enumerate() {
        assert_eq!(events[i]["data"]["relation_id"], *id);
        assert_eq!(events[i]["data"]["with_entity"], "hub");
        assert_eq!(events[i]["source"], s.identity.as_str());
    }
    assert_eq!(
        events[3]["data"]["relation_ids"],
        json!(["r-in", "r-out", "r-self"])
    );
    // The log holds the same, in the same order.
    let logged: Vec<Value> = log(&app)
        .await
        .into_iter()
        .skip(base)
        .map(|e| json!({ "eventType": e.event_type, "source": e.source, "data": e.data }))
        .collect();
    assert_eq!(Value::Array(logged), deleted["events"]);
    let left: Vec<String> = entity::universe::relation::Entity::find()
        .all(app.db.get(Domain::Universe))
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(left, ["r-other"]);
}

// ---------------------------------------------------------------------------- versions

#[tokio::test]
async fn state_versions_are_committed_with_their_deltas() {
    let app = TestApp::spawn().await;
    let s = connect(&app).await;
    let base = log(&app).await.len();
    let root = s
        .ok(
            &app,
            COMMIT,
            json!({ "i": { "versionId": "v1", "description": "Empty universe", "dataHash": hash(0xAB) } }),
        )
        .await;
    assert_eq!(root["version"]["parentVersionId"], Value::Null, "{root}");
    assert_eq!(root["version"]["owner"], s.identity.as_str());
    assert_eq!(root["version"]["dataHash"], hash(0xab), "hex is lowercased");
    assert_eq!(root["deltas"], json!([]));
    assert_eq!(
        root["events"][0]["data"],
        json!({ "version_id": "v1", "parent_version_id": null, "data_hash": hash(0xab),
                "description": "Empty universe", "delta_ids": [], "operation_count": 0 })
    );

    let child = s
        .ok(
            &app,
            COMMIT,
            json!({ "i": {
                "versionId": "v2",
                "parentVersionId": "v1",
                "description": "Import core concepts",
                "dataHash": hash(2),
                "deltas": [
                    { "deltaId": "d1", "operations": [
                        { "op": "CREATE", "target": "concept-kg", "value": { "entity_type": "concept" } },
                        { "op": "UPDATE", "target": "concept-kg", "path": "metadata.tags", "value": ["core"], "previous": [] }
                    ], "metadata": { "reason": "import", "properties": { "batch": 1 } } },
                    { "operations": [
                        { "op": "DELETE", "target": "draft-1", "previous": { "entity_type": "note" } }
                    ], "metadata": { "author": "Alice" } }
                ]
            } }),
        )
        .await;
    let v = &child["version"];
    assert_eq!(v["versionId"], "v2");
    assert_eq!(v["parentVersionId"], "v1");
    assert_eq!(v["description"], "Import core concepts");
    let deltas = child["deltas"].as_array().unwrap();
    assert_eq!(deltas.len(), 2);
    assert_eq!(deltas[0]["deltaId"], "d1");
    assert_eq!(deltas[0]["stateVersionId"], "v2");
    assert_eq!(deltas[0]["timestamp"], v["timestamp"]);
    assert_eq!(
        deltas[0]["operations"],
        json!([
            { "op": "CREATE", "target": "concept-kg", "path": null, "value": { "entity_type": "concept" }, "previous": null },
            { "op": "UPDATE", "target": "concept-kg", "path": "metadata.tags", "value": ["core"], "previous": [] }
        ])
    );
    // The author defaults to the committing identity.
    assert_eq!(
        deltas[0]["metadata"],
        json!({ "author": s.identity, "reason": "import", "properties": { "batch": 1 } })
    );
    let d2 = deltas[1]["deltaId"].as_str().unwrap();
    assert!(uuid::Uuid::parse_str(d2).is_ok());
    assert_eq!(deltas[1]["metadata"]["author"], "Alice");
    assert_eq!(
        child["events"],
        json!([{ "eventType": "version.committed", "source": s.identity, "timestamp": v["timestamp"], "data": {
            "version_id": "v2", "parent_version_id": "v1", "data_hash": hash(2),
            "description": "Import core concepts", "delta_ids": ["d1", d2], "operation_count": 3
        } }])
    );

    // History is a tree: a second child of v1 is a branch, not a conflict.
    s.ok(
        &app,
        COMMIT,
        json!({ "i": { "versionId": "v2b", "parentVersionId": "v1", "description": "Branch", "dataHash": hash(3) } }),
    )
    .await;
    let read = gql(
        &app,
        "{ universeVersionHistory(versionId: \"v2\") { versionId } universeStateVersion(versionId: \"v1\") { children { nodes { versionId } } } universeDelta(deltaId: \"d1\") { version { versionId } } }",
        json!({}),
        None,
    )
    .await;
    ok(&read);
    assert_eq!(
        read["data"],
        json!({
            "universeVersionHistory": [{ "versionId": "v2" }, { "versionId": "v1" }],
            "universeStateVersion": { "children": { "nodes": [{ "versionId": "v2" }, { "versionId": "v2b" }] } },
            "universeDelta": { "version": { "versionId": "v2" } }
        })
    );
    assert_eq!(
        kinds_since(&app, base).await,
        [
            "version.committed",
            "version.committed",
            "version.committed"
        ]
    );
    assert_eq!(count(app.db.get(Domain::Universe), "delta_record").await, 2);
}

#[tokio::test]
async fn commit_inputs_are_validated_before_anything_is_written() {
    let app = TestApp::spawn().await;
    let s = connect(&app).await;
    s.ok(
        &app,
        COMMIT,
        json!({ "i": { "versionId": "v1", "description": "root", "dataHash": hash(1) } }),
    )
    .await;
    let before = counts(&app).await;
    let ok_op = json!({ "op": "UPDATE", "target": "e1", "value": 1 });
    let with = |extra: Value| {
        let mut i = json!({ "versionId": "v2", "parentVersionId": "v1", "description": "d", "dataHash": hash(2) });
        for (k, v) in extra.as_object().unwrap() {
            i[k] = v.clone();
        }
        json!({ "i": i })
    };
    let cases: Vec<(Value, &str)> = vec![
        (
            with(json!({ "parentVersionId": "ghost" })),
            "input.parentVersionId",
        ),
        (
            with(json!({ "parentVersionId": "bad id" })),
            "input.parentVersionId",
        ),
        (with(json!({ "versionId": "" })), "input.versionId"),
        (with(json!({ "description": "  " })), "input.description"),
        (
            with(json!({ "description": "d".repeat(2001) })),
            "input.description",
        ),
        (with(json!({ "dataHash": "" })), "input.dataHash"),
        (with(json!({ "dataHash": "sha256:xyz" })), "input.dataHash"),
        (
            with(json!({ "dataHash": "abababababababababababababababab" })),
            "input.dataHash",
        ),
        (
            with(json!({ "deltas": [{ "operations": [] }] })),
            "input.deltas[0].operations",
        ),
        (
            with(json!({ "deltas": [{ "operations": [ok_op], "deltaId": "x y" }] })),
            "input.deltas[0].deltaId",
        ),
        (
            with(
                json!({ "deltas": [{ "deltaId": "d", "operations": [ok_op] }, { "deltaId": "d", "operations": [ok_op] }] }),
            ),
            "input.deltas[1].deltaId",
        ),
        (
            with(
                json!({ "deltas": [{ "operations": [ok_op, { "op": "CREATE", "target": "e1" }] }] }),
            ),
            "input.deltas[0].operations[1].value",
        ),
        (
            with(
                json!({ "deltas": [{ "operations": [{ "op": "CREATE", "target": "e1", "value": 1, "previous": 0 }] }] }),
            ),
            "input.deltas[0].operations[0].previous",
        ),
        (
            with(
                json!({ "deltas": [{ "operations": [{ "op": "DELETE", "target": "e1", "value": 1 }] }] }),
            ),
            "input.deltas[0].operations[0].value",
        ),
        (
            with(
                json!({ "deltas": [{ "operations": [{ "op": "UPDATE", "target": "", "value": 1 }] }] }),
            ),
            "input.deltas[0].operations[0].target",
        ),
        (
            with(
                json!({ "deltas": [{ "operations": [{ "op": "UPDATE", "target": "e1", "path": "" , "value": 1 }] }] }),
            ),
            "input.deltas[0].operations[0].path",
        ),
        (
            with(json!({ "deltas": [{ "operations": [ok_op], "metadata": { "author": "" } }] })),
            "input.deltas[0].metadata.author",
        ),
        (
            with(json!({ "deltas": [{ "operations": [ok_op], "metadata": { "properties": 1 } }] })),
            "input.deltas[0].metadata.properties",
        ),
        (
            with(json!({ "deltas": vec![json!({ "operations": [ok_op] }); 101] })),
            "input.deltas",
        ),
        (
            with(json!({ "deltas": [{ "operations": vec![ok_op.clone(); 1001] }] })),
            "input.deltas[0].operations",
        ),
    ];
    for (vars, want) in cases {
        let res = s.run(&app, COMMIT, vars.clone()).await;
        assert_eq!(code(&res), "BAD_USER_INPUT", "{want}: {res}");
        assert_eq!(field(&res), want, "{res}");
    }
    // A taken version id.
    let res = s
        .run(
            &app,
            COMMIT,
            json!({ "i": { "versionId": "v1", "description": "again", "dataHash": hash(1) } }),
        )
        .await;
    assert_eq!(code(&res), "CONFLICT", "{res}");
    assert_eq!(counts(&app).await, before);
}

/// A commit that fails half-way (its version row already written when a taken delta
/// id is found) leaves no version, no delta and no event behind.
#[tokio::test]
async fn a_commit_failing_half_way_leaves_no_rows_and_no_events() {
    let app = TestApp::spawn().await;
    let s = connect(&app).await;
    s.ok(
        &app,
        COMMIT,
        json!({ "i": { "versionId": "v1", "description": "root", "dataHash": hash(1), "deltas": [
            { "deltaId": "d-taken", "operations": [{ "op": "CREATE", "target": "e1", "value": {} }] }
        ] } }),
    )
    .await;
    let before = counts(&app).await;
    let events_before = log(&app).await;
    let res = s
        .run(
            &app,
            COMMIT,
            json!({ "i": { "versionId": "v2", "parentVersionId": "v1", "description": "next", "dataHash": hash(2), "deltas": [
                { "deltaId": "d-new", "operations": [{ "op": "UPDATE", "target": "e1", "value": 1 }] },
                { "deltaId": "d-taken", "operations": [{ "op": "UPDATE", "target": "e1", "value": 2 }] }
            ] } }),
        )
        .await;
    assert_eq!(code(&res), "CONFLICT", "{res}");
    assert!(
        res["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("d-taken"),
        "{res}"
    );
    assert_eq!(counts(&app).await, before);
    assert_eq!(log(&app).await, events_before);
    let read = gql(
        &app,
        "{ universeStateVersion(versionId: \"v2\") { versionId } universeDelta(deltaId: \"d-new\") { deltaId } }",
        json!({}),
        None,
    )
    .await;
    assert_eq!(
        read["data"],
        json!({ "universeStateVersion": null, "universeDelta": null })
    );
}

// ------------------------------------------------------------------------------ config

#[tokio::test]
async fn config_is_set_with_who_and_when() {
    let app = TestApp::spawn().await;
    let alice = connect(&app).await;
    let bob = connect(&app).await;
    let base = log(&app).await.len();
    let first = alice
        .ok(
            &app,
            SET_CONFIG,
            json!({ "i": { "key": "history.max_depth", "value": "100", "description": "Walk limit." } }),
        )
        .await;
    assert_eq!(
        first["config"]["updatedBy"],
        alice.identity.as_str(),
        "{first}"
    );
    assert_eq!(first["config"]["description"], "Walk limit.");
    assert_eq!(
        first["events"],
        json!([{ "eventType": "config.set", "source": alice.identity, "data": {
            "key": "history.max_depth", "value": "100", "previous_value": null,
            "description": "Walk limit.", "previous_description": null
        } }])
    );
    // Bob changes the value; the description is kept when not given.
    let second = bob
        .ok(
            &app,
            SET_CONFIG,
            json!({ "i": { "key": "history.max_depth", "value": "250" } }),
        )
        .await;
    assert_eq!(
        second["config"],
        json!({ "key": "history.max_depth", "value": "250", "description": "Walk limit.",
                "updatedBy": bob.identity, "updatedAt": second["config"]["updatedAt"] })
    );
    assert_eq!(second["events"][0]["source"], bob.identity.as_str());
    assert_eq!(second["events"][0]["data"]["previous_value"], "100");
    // Null removes the description; an empty value is a value.
    let third = alice
        .ok(
            &app,
            SET_CONFIG,
            json!({ "i": { "key": "history.max_depth", "value": "", "description": null } }),
        )
        .await;
    assert_eq!(third["config"]["description"], Value::Null);
    assert_eq!(third["config"]["value"], "");
    assert_eq!(
        third["events"][0]["data"]["previous_description"],
        "Walk limit."
    );
    let read = gql(
        &app,
        "{ universeConfig(key: \"history.max_depth\") { key value description updatedBy updatedAt } }",
        json!({}),
        None,
    )
    .await;
    assert_eq!(read["data"]["universeConfig"], third["config"]);

    let before = counts(&app).await;
    for (input, want) in [
        (json!({ "key": "", "value": "1" }), "input.key"),
        (json!({ "key": "bad key", "value": "1" }), "input.key"),
        (
            json!({ "key": "k", "value": "v".repeat(4097) }),
            "input.value",
        ),
        (json!({ "key": "k", "value": "a\u{0}b" }), "input.value"),
        (
            json!({ "key": "k", "value": "1", "description": "d".repeat(1001) }),
            "input.description",
        ),
    ] {
        let res = alice.run(&app, SET_CONFIG, json!({ "i": input })).await;
        assert_eq!(code(&res), "BAD_USER_INPUT", "{res}");
        assert_eq!(field(&res), want, "{res}");
    }
    assert_eq!(counts(&app).await, before);
    assert_eq!(
        kinds_since(&app, base).await,
        ["config.set", "config.set", "config.set"]
    );
}

/// Concurrent first sets of one new key: all succeed (last writer wins), one row, one
/// event each.
#[tokio::test]
async fn concurrent_sets_of_a_new_key_all_land_on_one_row() {
    let app = Arc::new(TestApp::spawn_on_files().await);
    let s = Arc::new(connect(&app).await);
    let base = log(&app).await.len();
    let mut tasks = Vec::new();
    for i in 0..10 {
        let app = Arc::clone(&app);
        let s = Arc::clone(&s);
        tasks.push(tokio::spawn(async move {
            s.run(
                &app,
                SET_CONFIG,
                json!({ "i": { "key": "sync.batch_size", "value": i.to_string() } }),
            )
            .await
        }));
    }
    for t in tasks {
        ok(&t.await.unwrap());
    }
    assert_eq!(count(app.db.get(Domain::Universe), "config").await, 1);
    let events: Vec<event_log::Model> = log(&app).await.into_iter().skip(base).collect();
    assert_eq!(events.len(), 10);
    assert!(events.iter().all(|e| e.event_type == "config.set"));
    // Exactly one of them created the key.
    assert_eq!(
        events
            .iter()
            .filter(|e| e.data["previous_value"].is_null())
            .count(),
        1
    );
}

// ---------------------------------------------------------------------------- sessions

#[tokio::test]
async fn connection_status_follows_its_transitions() {
    let app = TestApp::spawn().await;
    let s = connect(&app).await;
    let first = gql(
        &app,
        "query($i: ID!) { universeClientConnection(identity: $i) { connectionId connectedAt } }",
        json!({ "i": s.identity }),
        None,
    )
    .await["data"]["universeClientConnection"]
        .clone();
    let base = log(&app).await.len();
    let idle = s.ok(&app, SET_CONNECTION, json!({ "s": "IDLE" })).await;
    assert_eq!(idle["connection"]["status"], "IDLE");
    assert_eq!(idle["connection"]["connectionId"], first["connectionId"]);
    assert_eq!(
        idle["events"],
        json!([{ "eventType": "client.status_changed", "source": s.identity, "data": {
            "identity": s.identity, "connection_id": first["connectionId"], "from": "connected", "to": "idle"
        } }])
    );
    s.ok(&app, SET_CONNECTION, json!({ "s": "CONNECTED" }))
        .await;

    // Two live subscriptions and a cancelled one; the disconnect cancels the live ones.
    let mut subs = Vec::new();
    for q in ["SELECT * FROM entity", "SELECT * FROM relation", "SELECT 1"] {
        let sub = s.ok(&app, CREATE_SUB, json!({ "q": q })).await;
        subs.push(
            sub["subscription"]["subscriptionId"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    s.ok(&app, SET_SUB, json!({ "id": subs[1], "s": "PAUSED" }))
        .await;
    s.ok(&app, SET_SUB, json!({ "id": subs[2], "s": "CANCELLED" }))
        .await;
    s.ok(&app, SET_CONNECTION, json!({ "s": "DISCONNECTING" }))
        .await;
    let gone = s
        .ok(&app, SET_CONNECTION, json!({ "s": "DISCONNECTED" }))
        .await;
    assert_eq!(gone["connection"]["status"], "DISCONNECTED");
    let mut live = [subs[0].clone(), subs[1].clone()];
    live.sort();
    assert_eq!(
        gone["cancelledSubscriptions"],
        json!([
            { "subscriptionId": live[0], "status": "CANCELLED" },
            { "subscriptionId": live[1], "status": "CANCELLED" }
        ])
    );
    assert_eq!(
        payload_kinds(&gone),
        [
            "client.status_changed",
            "subscription.status_changed",
            "subscription.status_changed"
        ]
    );
    let froms: Vec<&str> = gone["events"].as_array().unwrap()[1..]
        .iter()
        .map(|e| e["data"]["from"].as_str().unwrap())
        .collect();
    let want: Vec<&str> = live
        .iter()
        .map(|id| if *id == subs[0] { "active" } else { "paused" })
        .collect();
    assert_eq!(froms, want);

    // Illegal moves are refused and change nothing.
    let before = counts(&app).await;
    let events_before = log(&app).await.len();
    for to in ["IDLE", "DISCONNECTING", "DISCONNECTED"] {
        let res = s.run(&app, SET_CONNECTION, json!({ "s": to })).await;
        assert_eq!(code(&res), "BAD_USER_INPUT", "{to}: {res}");
        assert_eq!(field(&res), "input.status");
    }
    assert_eq!(counts(&app).await, before);
    assert_eq!(log(&app).await.len(), events_before);

    // A reconnect: a new connection id and connection time.
    let back = s
        .ok(&app, SET_CONNECTION, json!({ "s": "CONNECTED" }))
        .await;
    assert_eq!(back["connection"]["status"], "CONNECTED");
    assert_ne!(back["connection"]["connectionId"], first["connectionId"]);
    assert_ne!(back["connection"]["connectedAt"], first["connectedAt"]);
    assert_eq!(
        back["connection"]["connectedAt"],
        back["connection"]["lastActiveAt"]
    );
    assert_eq!(
        back["events"][0]["data"]["previous_connection_id"],
        first["connectionId"]
    );
    assert_eq!(
        back["events"][0]["data"]["connection_id"],
        back["connection"]["connectionId"]
    );
    let res = s
        .run(&app, SET_CONNECTION, json!({ "s": "CONNECTED" }))
        .await;
    assert_eq!(code(&res), "BAD_USER_INPUT", "staying put: {res}");
    s.ok(&app, SET_CONNECTION, json!({ "s": "DISCONNECTING" }))
        .await;
    let res = s.run(&app, SET_CONNECTION, json!({ "s": "IDLE" })).await;
    assert_eq!(code(&res), "BAD_USER_INPUT", "{res}");

    assert_eq!(
        kinds_since(&app, base).await,
        [
            "client.status_changed", // idle
            "client.status_changed", // connected
            "subscription.created",
            "subscription.created",
            "subscription.created",
            "subscription.status_changed", // paused
            "subscription.status_changed", // cancelled
            "client.status_changed",       // disconnecting
            "client.status_changed",       // disconnected
            "subscription.status_changed", // cancelled by it
            "subscription.status_changed", // cancelled by it
            "client.status_changed",       // reconnected
            "client.status_changed",       // disconnecting
        ]
    );
}

/// Concurrent identical transitions: one succeeds, the others find it already done.
#[tokio::test]
async fn concurrent_transitions_of_one_connection_apply_once() {
    let app = Arc::new(TestApp::spawn_on_files().await);
    let s = Arc::new(connect(&app).await);
    let base = log(&app).await.len();
    let mut tasks = Vec::new();
    for _ in 0..10 {
        let app = Arc::clone(&app);
        let s = Arc::clone(&s);
        tasks.push(tokio::spawn(async move {
            s.run(&app, SET_CONNECTION, json!({ "s": "IDLE" })).await
        }));
    }
    let mut ok = 0;
    for t in tasks {
        let res = t.await.unwrap();
        if res.get("errors").is_none() {
            ok += 1;
        } else {
            assert_eq!(code(&res), "BAD_USER_INPUT", "{res}");
        }
    }
    assert_eq!(ok, 1);
    assert_eq!(kinds_since(&app, base).await, ["client.status_changed"]);
}

#[tokio::test]
async fn subscriptions_follow_their_transitions_and_belong_to_their_identity() {
    let app = TestApp::spawn().await;
    let alice = connect(&app).await;
    let bob = connect(&app).await;
    let base = log(&app).await.len();
    let created = alice
        .ok(
            &app,
            CREATE_SUB,
            json!({ "q": "SELECT * FROM entity WHERE entity_type = 'note'" }),
        )
        .await;
    let sub = &created["subscription"];
    let id = sub["subscriptionId"].as_str().unwrap().to_owned();
    assert!(uuid::Uuid::parse_str(&id).is_ok());
    assert_eq!(sub["identity"], alice.identity.as_str());
    assert_eq!(sub["status"], "ACTIVE");
    assert_eq!(sub["createdAt"], sub["updatedAt"]);
    assert_eq!(
        created["events"],
        json!([{ "eventType": "subscription.created", "source": alice.identity, "data": {
            "subscription_id": id, "identity": alice.identity,
            "query": "SELECT * FROM entity WHERE entity_type = 'note'"
        } }])
    );
    let read = gql(
        &app,
        "query($i: ID!) { universeClientConnection(identity: $i) { subscriptions { nodes { subscriptionId status } } } }",
        json!({ "i": alice.identity }),
        None,
    )
    .await;
    assert_eq!(
        read["data"]["universeClientConnection"]["subscriptions"]["nodes"],
        json!([{ "subscriptionId": id, "status": "ACTIVE" }])
    );

    let before = counts(&app).await;
    let events_before = log(&app).await.len();
    // Bob may not touch it; unknown ids are not found; bad input is refused.
    let res = bob
        .run(&app, SET_SUB, json!({ "id": id, "s": "PAUSED" }))
        .await;
    assert_eq!(code(&res), "FORBIDDEN", "{res}");
    let res = alice
        .run(&app, SET_SUB, json!({ "id": "sub-ghost", "s": "PAUSED" }))
        .await;
    assert_eq!(code(&res), "NOT_FOUND", "{res}");
    let res = alice
        .run(&app, SET_SUB, json!({ "id": "", "s": "PAUSED" }))
        .await;
    assert_eq!(code(&res), "BAD_USER_INPUT", "{res}");
    assert_eq!(field(&res), "input.subscriptionId");
    let res = alice
        .run(&app, SET_SUB, json!({ "id": id, "s": "ACTIVE" }))
        .await;
    assert_eq!(code(&res), "BAD_USER_INPUT", "staying put: {res}");
    assert_eq!(field(&res), "input.status");
    for q in ["", "   ", &"q".repeat(4097)] {
        let res = alice.run(&app, CREATE_SUB, json!({ "q": q })).await;
        assert_eq!(code(&res), "BAD_USER_INPUT", "{res}");
        assert_eq!(field(&res), "input.query");
    }
    assert_eq!(counts(&app).await, before);
    assert_eq!(log(&app).await.len(), events_before);

    let paused = alice
        .ok(&app, SET_SUB, json!({ "id": id, "s": "PAUSED" }))
        .await;
    assert_eq!(paused["subscription"]["status"], "PAUSED");
    assert_eq!(
        paused["events"][0]["data"],
        json!({ "subscription_id": id, "identity": alice.identity, "from": "active", "to": "paused" })
    );
    alice
        .ok(&app, SET_SUB, json!({ "id": id, "s": "ACTIVE" }))
        .await;
    let cancelled = alice
        .ok(&app, SET_SUB, json!({ "id": id, "s": "CANCELLED" }))
        .await;
    assert_eq!(cancelled["subscription"]["status"], "CANCELLED");
    // Cancelled is final.
    for to in ["ACTIVE", "PAUSED", "CANCELLED"] {
        let res = alice.run(&app, SET_SUB, json!({ "id": id, "s": to })).await;
        assert_eq!(code(&res), "BAD_USER_INPUT", "{to}: {res}");
    }
    assert_eq!(
        kinds_since(&app, base).await,
        [
            "subscription.created",
            "subscription.status_changed",
            "subscription.status_changed",
            "subscription.status_changed"
        ]
    );
    let stored = entity::universe::subscription::Entity::find()
        .filter(entity::universe::subscription::Column::SubscriptionId.eq(id.clone()))
        .one(app.db.get(Domain::Universe))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        stored.status,
        entity::universe::enums::SubscriptionStatus::Cancelled
    );
}
