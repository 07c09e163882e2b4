//! Inner Universe's storage: migrations, catalog, constraints, cascades, round trips.

use chrono::{TimeZone, Utc};
use entity::Domain;
// `entity` is also this crate's name: the graph-node table's module is `node` here.
use entity::universe::entity as node;
use entity::universe::enums::{ConnectionStatus, SubscriptionStatus};
use entity::universe::json::{
    DeltaMetadata, DeltaOp, DeltaOperation, DeltaOperations, EntityMetadata, RelationMetadata,
};
use entity::universe::{
    client_connection, config, delta_record, event_log, relation, state_version, subscription,
};
use sea_orm::{
    ActiveEnum, ActiveModelTrait, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait,
    IntoActiveModel, Iterable, JoinType, ModelTrait, QueryFilter, QueryOrder, QuerySelect,
    RelationTrait, Statement,
};
use serde_json::json;

use crate::helpers::{
    TableSpec, TestDb, assert_catalog, assert_migrations_reversible, count, expect_rejected,
};

#[tokio::test]
async fn migrations_go_up_down_and_up_again() {
    assert_migrations_reversible(Domain::Universe).await;
}

#[tokio::test]
async fn catalog_matches_the_seed() {
    let db = TestDb::migrated().await;
    let spec = [
        TableSpec {
            name: "entity",
            columns: &[
                ("id", false),
                ("entity_type", false),
                ("created_at", false),
                ("updated_at", false),
                ("metadata", false),
                ("version", false),
            ],
            indexes: &["entity_type_idx", "entity_created_idx"],
        },
        TableSpec {
            name: "relation",
            columns: &[
                ("id", false),
                ("from_entity", false),
                ("to_entity", false),
                ("relation_type", false),
                ("created_at", false),
                ("metadata", false),
            ],
            indexes: &["from_entity_idx", "to_entity_idx", "relation_type_idx"],
        },
        TableSpec {
            name: "state_version",
            columns: &[
                ("version_id", false),
                ("parent_version_id", true),
                ("timestamp", false),
                ("description", false),
                ("data_hash", false),
                ("owner", false),
            ],
            indexes: &[
                "parent_version_idx",
                "state_version_timestamp_idx",
                "owner_idx",
            ],
        },
        TableSpec {
            name: "event_log",
            columns: &[
                ("event_id", false),
                ("event_type", false),
                ("source", true),
                ("timestamp", false),
                ("data", false),
                ("seq", true),
            ],
            indexes: &[
                "event_type_idx",
                "event_log_timestamp_idx",
                "source_idx",
                "idx_event_log_seq",
            ],
        },
        TableSpec {
            name: "delta_record",
            columns: &[
                ("delta_id", false),
                ("state_version_id", false),
                ("operations", false),
                ("timestamp", false),
                ("metadata", false),
            ],
            indexes: &["state_version_idx", "delta_record_timestamp_idx"],
        },
        TableSpec {
            name: "config",
            columns: &[
                ("key", false),
                ("value", false),
                ("description", true),
                ("updated_at", false),
                ("updated_by", false),
            ],
            indexes: &[],
        },
        TableSpec {
            name: "client_connection",
            columns: &[
                ("identity", false),
                ("connection_id", false),
                ("connected_at", false),
                ("last_active_at", false),
                ("client_info", true),
                ("status", false),
            ],
            indexes: &["client_connection_status_idx"],
        },
        TableSpec {
            name: "subscription",
            columns: &[
                ("subscription_id", false),
                ("identity", false),
                ("query", false),
                ("created_at", false),
                ("updated_at", false),
                ("status", false),
            ],
            indexes: &["subscription_identity_idx", "subscription_status_idx"],
        },
    ];
    let mut spec = spec.to_vec();
    if db.get(Domain::Universe).get_database_backend() == DbBackend::Sqlite {
        // Mosaic's index of entity tags (migration 005): PostgreSQL indexes the JSON
        // itself, SQLite needs the list as a table.
        spec.push(TableSpec {
            name: "entity_tag",
            columns: &[("tag", false), ("entity_id", false)],
            indexes: &["entity_tag_entity_idx"],
        });
    }
    assert_catalog(db.get(Domain::Universe), &spec).await;
}

/// The plan of `sql` (`EXPLAIN` / `EXPLAIN QUERY PLAN`), one line per row; on
/// PostgreSQL with sequential scans discouraged (the planner rightly prefers one on a
/// handful of rows), in a transaction so that the setting and the plan share a
/// connection.
async fn plan(conn: &sea_orm::DatabaseConnection, sql: &str) -> String {
    use sea_orm::TransactionTrait;
    let backend = conn.get_database_backend();
    let txn = conn.begin().await.unwrap();
    let explain = match backend {
        DbBackend::Postgres => {
            txn.execute_unprepared("SET LOCAL enable_seqscan = off")
                .await
                .unwrap();
            format!("EXPLAIN {sql}")
        }
        _ => format!("EXPLAIN QUERY PLAN {sql}"),
    };
    let rows = txn
        .query_all_raw(Statement::from_string(backend, explain))
        .await
        .unwrap();
    txn.rollback().await.unwrap();
    rows.iter()
        .map(|r| {
            let col = if backend == DbBackend::Postgres { 0 } else { 3 };
            r.try_get_by_index::<String>(col).unwrap()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Entities `a` (tags x, y), `b` (tag y) and `c` (no tags).
async fn insert_tagged_entities(conn: &sea_orm::DatabaseConnection) {
    run(
        conn,
        &[
            "INSERT INTO entity (id, entity_type, metadata) VALUES ('a', 'c', '{\"tags\":[\"x\",\"y\"]}')"
                .into(),
            "INSERT INTO entity (id, entity_type, metadata) VALUES ('b', 'c', '{\"tags\":[\"y\"]}')"
                .into(),
            "INSERT INTO entity (id, entity_type, metadata) VALUES ('c', 'c', '{}')".into(),
        ],
    )
    .await;
}

#[tokio::test]
async fn entities_with_a_tag_are_found_on_an_index_that_follows_every_write() {
    let db = TestDb::migrated().await;
    let conn = db.get(Domain::Universe);
    let backend = conn.get_database_backend();
    insert_tagged_entities(conn).await;
    let tagged = |tag: &'static str| {
        let condition = api::universe::service::has_tag(backend, tag.to_owned());
        node::Entity::find()
            .filter(condition)
            .order_by_asc(node::Column::Id)
            .all(conn)
    };
    let ids = |v: Vec<node::Model>| v.into_iter().map(|e| e.id).collect::<Vec<_>>();
    assert_eq!(ids(tagged("y").await.unwrap()), ["a", "b"]);
    assert_eq!(ids(tagged("x").await.unwrap()), ["a"]);
    assert!(tagged("Y").await.unwrap().is_empty(), "tags match exactly");
    // Updates and deletes move the index along.
    run(
        conn,
        &[
            "UPDATE entity SET metadata = '{\"tags\":[\"z\"]}' WHERE id = 'a'".into(),
            "UPDATE entity SET metadata = '{\"tags\":[\"x\"]}' WHERE id = 'c'".into(),
            "DELETE FROM entity WHERE id = 'b'".into(),
        ],
    )
    .await;
    assert!(tagged("y").await.unwrap().is_empty());
    assert_eq!(ids(tagged("x").await.unwrap()), ["c"]);
    assert_eq!(ids(tagged("z").await.unwrap()), ["a"]);

    // The query runs on the index.
    let sql = match backend {
        DbBackend::Postgres => "SELECT id FROM entity WHERE (metadata -> 'tags') ? 'x'",
        _ => "SELECT id FROM entity WHERE id IN (SELECT entity_id FROM entity_tag WHERE tag = 'x')",
    };
    let plan = plan(conn, sql).await;
    match backend {
        DbBackend::Postgres => assert!(plan.contains("entity_tags_idx"), "{plan}"),
        _ => {
            assert!(plan.contains("entity_tag"), "{plan}");
            assert!(!plan.contains("SCAN entity_tag"), "{plan}");
            assert!(
                !plan.contains("SCAN entity\n") && !plan.ends_with("SCAN entity"),
                "{plan}"
            );
        }
    }
}

// Raw-SQL factories (timestamps, status and version left to their defaults).

fn entity_sql(id: &str) -> String {
    format!(
        "INSERT INTO entity (id, entity_type, metadata) VALUES ('{id}', 'concept', '{{\"tags\":[\"t\"]}}')"
    )
}

fn relation_sql(id: &str, from: &str, to: &str) -> String {
    format!(
        "INSERT INTO relation (id, from_entity, to_entity, relation_type, metadata) \
         VALUES ('{id}', '{from}', '{to}', 'knows', '{{}}')"
    )
}

fn version_sql(id: &str, parent: Option<&str>) -> String {
    let parent = parent.map_or("NULL".to_owned(), |p| format!("'{p}'"));
    format!(
        "INSERT INTO state_version (version_id, parent_version_id, description, data_hash, owner) \
         VALUES ('{id}', {parent}, 'v', 'h', 'c0ffee')"
    )
}

fn delta_sql(id: &str, version: &str) -> String {
    format!(
        "INSERT INTO delta_record (delta_id, state_version_id, operations, metadata) \
         VALUES ('{id}', '{version}', '[]', '{{}}')"
    )
}

fn client_sql(identity: &str, status: &str) -> String {
    format!(
        "INSERT INTO client_connection (identity, connection_id, status) \
         VALUES ('{identity}', 'conn-{identity}', '{status}')"
    )
}

fn subscription_sql(id: &str, identity: &str, status: &str) -> String {
    format!(
        "INSERT INTO subscription (subscription_id, identity, \"query\", status) \
         VALUES ('{id}', '{identity}', 'SELECT * FROM entity', '{status}')"
    )
}

async fn run(conn: &sea_orm::DatabaseConnection, sqls: &[String]) {
    for sql in sqls {
        conn.execute_unprepared(sql).await.unwrap();
    }
}

#[tokio::test]
async fn status_checks_accept_exactly_the_enum_values() {
    let db = TestDb::migrated().await;
    let conn = db.get(Domain::Universe);
    for (i, status) in ConnectionStatus::iter().enumerate() {
        conn.execute_unprepared(&client_sql(&format!("c{i}"), &status.to_value()))
            .await
            .unwrap();
    }
    for (i, status) in SubscriptionStatus::iter().enumerate() {
        conn.execute_unprepared(&subscription_sql(
            &format!("s{i}"),
            "c0",
            &status.to_value(),
        ))
        .await
        .unwrap();
    }
    expect_rejected(conn, &client_sql("bad", "online")).await;
    expect_rejected(conn, &client_sql("bad", "Connected")).await;
    expect_rejected(conn, &subscription_sql("bad", "c0", "expired")).await;
    expect_rejected(conn, &subscription_sql("bad", "c0", "ACTIVE")).await;
    assert_eq!(count(conn, "client_connection").await, 4);
    assert_eq!(count(conn, "subscription").await, 3);
}

#[tokio::test]
async fn primary_keys_reject_duplicates() {
    let db = TestDb::migrated().await;
    let conn = db.get(Domain::Universe);
    run(
        conn,
        &[
            entity_sql("e1"),
            entity_sql("e2"),
            relation_sql("r1", "e1", "e2"),
            version_sql("v1", None),
            delta_sql("d1", "v1"),
            "INSERT INTO event_log (event_id, event_type, data) VALUES ('ev1', 'boot', '{}')"
                .into(),
            "INSERT INTO config (\"key\", \"value\", updated_by) VALUES ('k', '1', 'c0ffee')"
                .into(),
            client_sql("c1", "idle"),
            subscription_sql("s1", "c1", "active"),
        ],
    )
    .await;
    for dup in [
        entity_sql("e1"),
        relation_sql("r1", "e2", "e1"),
        version_sql("v1", None),
        delta_sql("d1", "v1"),
        "INSERT INTO event_log (event_id, event_type, data) VALUES ('ev1', 'other', '{}')".into(),
        "INSERT INTO config (\"key\", \"value\", updated_by) VALUES ('k', '2', 'beef')".into(),
        client_sql("c1", "connected"),
        subscription_sql("s1", "c1", "paused"),
    ] {
        expect_rejected(conn, &dup).await;
    }
    for table in [
        "entity",
        "relation",
        "state_version",
        "delta_record",
        "event_log",
        "config",
        "client_connection",
        "subscription",
    ] {
        let want = if table == "entity" { 2 } else { 1 };
        assert_eq!(count(conn, table).await, want, "{table}");
    }
}

#[tokio::test]
async fn foreign_keys_reject_dangling_references() {
    let db = TestDb::migrated().await;
    let conn = db.get(Domain::Universe);
    run(
        conn,
        &[
            entity_sql("e1"),
            version_sql("v1", None),
            client_sql("c1", "connected"),
        ],
    )
    .await;
    expect_rejected(conn, &relation_sql("r1", "e1", "ghost")).await;
    expect_rejected(conn, &relation_sql("r1", "ghost", "e1")).await;
    expect_rejected(conn, &delta_sql("d1", "ghost")).await;
    expect_rejected(conn, &version_sql("v2", Some("ghost"))).await;
    expect_rejected(conn, &subscription_sql("s1", "ghost", "active")).await;
    // NOT NULL bites too: a relation needs both ends, a version its hash.
    expect_rejected(
        conn,
        "INSERT INTO relation (id, from_entity, relation_type, metadata) VALUES ('r1', 'e1', 'x', '{}')",
    )
    .await;
    expect_rejected(
        conn,
        "INSERT INTO state_version (version_id, description, owner) VALUES ('v2', 'd', 'o')",
    )
    .await;
    assert_eq!(count(conn, "relation").await, 0);
    assert_eq!(count(conn, "delta_record").await, 0);
    assert_eq!(count(conn, "state_version").await, 1);
    assert_eq!(count(conn, "subscription").await, 0);
    // The references that do exist are accepted.
    run(
        conn,
        &[
            relation_sql("r1", "e1", "e1"),
            delta_sql("d1", "v1"),
            version_sql("v2", Some("v1")),
            subscription_sql("s1", "c1", "active"),
        ],
    )
    .await;
}

#[tokio::test]
async fn seed_defaults_apply() {
    let db = TestDb::migrated().await;
    let conn = db.get(Domain::Universe);
    run(
        conn,
        &[
            entity_sql("e1"),
            "INSERT INTO client_connection (identity, connection_id) VALUES ('c1', 'conn')".into(),
            "INSERT INTO subscription (subscription_id, identity, \"query\") VALUES ('s1', 'c1', 'q')"
                .into(),
        ],
    )
    .await;
    let e = node::Entity::find_by_id("e1")
        .one(conn)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(e.version, 1, "optimistic-concurrency counter starts at 1");
    assert_eq!(e.metadata.tags, vec!["t".to_owned()]);
    assert_eq!(e.metadata.name, None, "missing metadata fields default");
    assert!(
        (Utc::now() - e.created_at).num_seconds().abs() < 120,
        "{}",
        e.created_at
    );
    let c = client_connection::Entity::find_by_id("c1")
        .one(conn)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(c.status, ConnectionStatus::Connected);
    let s = subscription::Entity::find_by_id("s1")
        .one(conn)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(s.status, SubscriptionStatus::Active);
}

#[tokio::test]
async fn deleting_an_entity_removes_exactly_its_relations() {
    let db = TestDb::migrated().await;
    let conn = db.get(Domain::Universe);
    run(
        conn,
        &[
            entity_sql("a"),
            entity_sql("b"),
            entity_sql("c"),
            relation_sql("ab", "a", "b"),
            relation_sql("ca", "c", "a"),
            relation_sql("aa", "a", "a"),
            relation_sql("bc", "b", "c"),
            relation_sql("cb", "c", "b"),
        ],
    )
    .await;
    let a = node::Entity::find_by_id("a")
        .one(conn)
        .await
        .unwrap()
        .unwrap();
    a.delete(conn).await.unwrap();
    assert_eq!(count(conn, "entity").await, 2);
    let left: Vec<String> = relation::Entity::find()
        .order_by_asc(relation::Column::Id)
        .all(conn)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(
        left,
        ["bc", "cb"],
        "relations from and to `a` are gone, others stay"
    );
}

#[tokio::test]
async fn deleting_a_state_version_removes_its_deltas_but_not_its_history() {
    let db = TestDb::migrated().await;
    let conn = db.get(Domain::Universe);
    run(
        conn,
        &[
            version_sql("root", None),
            version_sql("mid", Some("root")),
            version_sql("leaf", Some("mid")),
            delta_sql("d-root", "root"),
            delta_sql("d-mid", "mid"),
            delta_sql("d-leaf-1", "leaf"),
            delta_sql("d-leaf-2", "leaf"),
        ],
    )
    .await;
    // A version with children cannot be deleted: history must not vanish.
    let mid = state_version::Entity::find_by_id("mid")
        .one(conn)
        .await
        .unwrap()
        .unwrap();
    assert!(mid.clone().delete(conn).await.is_err(), "mid has a child");
    expect_rejected(conn, "DELETE FROM state_version WHERE version_id = 'root'").await;
    assert_eq!(count(conn, "state_version").await, 3);
    assert_eq!(count(conn, "delta_record").await, 4);

    // A leaf can go, and its deltas go with it.
    let leaf = state_version::Entity::find_by_id("leaf")
        .one(conn)
        .await
        .unwrap()
        .unwrap();
    leaf.delete(conn).await.unwrap();
    assert_eq!(count(conn, "state_version").await, 2);
    let left: Vec<String> = delta_record::Entity::find()
        .order_by_asc(delta_record::Column::DeltaId)
        .all(conn)
        .await
        .unwrap()
        .into_iter()
        .map(|d| d.delta_id)
        .collect();
    assert_eq!(left, ["d-mid", "d-root"]);

    // Now `mid` is a leaf.
    mid.delete(conn).await.unwrap();
    assert_eq!(count(conn, "state_version").await, 1);
    assert_eq!(count(conn, "delta_record").await, 1);
}

#[tokio::test]
async fn deleting_a_client_connection_removes_its_subscriptions() {
    let db = TestDb::migrated().await;
    let conn = db.get(Domain::Universe);
    run(
        conn,
        &[
            client_sql("c1", "connected"),
            client_sql("c2", "idle"),
            subscription_sql("s1", "c1", "active"),
            subscription_sql("s2", "c1", "paused"),
            subscription_sql("s3", "c2", "active"),
        ],
    )
    .await;
    let c1 = client_connection::Entity::find_by_id("c1")
        .one(conn)
        .await
        .unwrap()
        .unwrap();
    c1.delete(conn).await.unwrap();
    assert_eq!(count(conn, "client_connection").await, 1);
    let left = subscription::Entity::find().all(conn).await.unwrap();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].subscription_id, "s3");
}

#[tokio::test]
async fn relation_definitions_follow_the_graph() {
    let db = TestDb::migrated().await;
    let conn = db.get(Domain::Universe);
    run(
        conn,
        &[
            entity_sql("a"),
            entity_sql("b"),
            entity_sql("c"),
            relation_sql("ab", "a", "b"),
            relation_sql("ac", "a", "c"),
            relation_sql("ca", "c", "a"),
        ],
    )
    .await;
    // The seed's "entities connected to entity": JOIN relation ON e.id = r.to_entity.
    let targets: Vec<String> = node::Entity::find()
        .join(JoinType::InnerJoin, node::Relation::Incoming.def())
        .filter(relation::Column::FromEntity.eq("a"))
        .order_by_asc(node::Column::Id)
        .all(conn)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.id)
        .collect();
    assert_eq!(targets, ["b", "c"]);
    // And the other way: who points at `a`.
    let sources: Vec<String> = node::Entity::find()
        .join(JoinType::InnerJoin, node::Relation::Outgoing.def())
        .filter(relation::Column::ToEntity.eq("a"))
        .all(conn)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.id)
        .collect();
    assert_eq!(sources, ["c"]);
}

#[tokio::test]
async fn every_table_round_trips_through_its_entity() {
    let db = TestDb::migrated().await;
    let conn = db.get(Domain::Universe);
    let t = Utc.with_ymd_and_hms(2026, 3, 1, 12, 30, 45).unwrap();
    let t2 = t + chrono::Duration::minutes(5);
    let props = |v: serde_json::Value| v.as_object().cloned().unwrap();

    let mut entities = Vec::new();
    for (id, name) in [("e1", "Ada"), ("e2", "Analytical Engine")] {
        let e = node::Model {
            id: id.into(),
            entity_type: "concept".into(),
            created_at: t,
            updated_at: t2,
            metadata: EntityMetadata {
                name: Some(name.into()),
                description: Some(format!("{name}, described")),
                tags: vec!["history".into(), "computing".into()],
                properties: props(json!({
                    "born": 1815,
                    "ratio": 0.5,
                    "aliases": ["Countess of Lovelace"],
                    "nested": {"ok": true, "none": null}
                })),
            },
            version: 7,
        };
        e.clone().into_active_model().insert(conn).await.unwrap();
        assert_eq!(
            node::Entity::find_by_id(id).one(conn).await.unwrap(),
            Some(e.clone())
        );
        entities.push(e);
    }

    let rel = relation::Model {
        id: "r1".into(),
        from_entity: "e1".into(),
        to_entity: "e2".into(),
        relation_type: "programmed".into(),
        created_at: t,
        metadata: RelationMetadata {
            weight: Some(0.75),
            label: Some("wrote the first program for".into()),
            properties: props(json!({"year": 1843, "notes": ["G"]})),
        },
    };
    rel.clone().into_active_model().insert(conn).await.unwrap();
    assert_eq!(
        relation::Entity::find_by_id("r1").one(conn).await.unwrap(),
        Some(rel)
    );

    let root = state_version::Model {
        version_id: "v1".into(),
        parent_version_id: None,
        timestamp: t,
        description: "genesis".into(),
        data_hash: "sha256:00".into(),
        owner: "c0ffee00".into(),
    };
    root.clone().into_active_model().insert(conn).await.unwrap();
    let child = state_version::Model {
        version_id: "v2".into(),
        parent_version_id: Some("v1".into()),
        timestamp: t2,
        description: "add Ada".into(),
        data_hash: "sha256:01".into(),
        owner: "c0ffee00".into(),
    };
    child
        .clone()
        .into_active_model()
        .insert(conn)
        .await
        .unwrap();
    assert_eq!(
        state_version::Entity::find_by_id("v1")
            .one(conn)
            .await
            .unwrap(),
        Some(root)
    );
    assert_eq!(
        state_version::Entity::find_by_id("v2")
            .one(conn)
            .await
            .unwrap(),
        Some(child)
    );

    let delta = delta_record::Model {
        delta_id: "d1".into(),
        state_version_id: "v2".into(),
        operations: DeltaOperations(vec![
            DeltaOperation {
                op: DeltaOp::Create,
                target: "e1".into(),
                path: Some("metadata".into()),
                value: Some(json!({"name": "Ada"})),
                previous: Some(json!({})),
            },
            DeltaOperation {
                op: DeltaOp::Update,
                target: "e2".into(),
                path: Some("metadata.tags".into()),
                value: Some(json!(["history", "computing"])),
                previous: Some(json!(["history"])),
            },
            DeltaOperation {
                op: DeltaOp::Delete,
                target: "r0".into(),
                path: Some("".into()),
                value: Some(json!(false)),
                previous: Some(json!({"relation_type": "knows"})),
            },
        ]),
        timestamp: t2,
        metadata: DeltaMetadata {
            author: Some("c0ffee00".into()),
            reason: Some("import".into()),
            properties: props(json!({"batch": 3})),
        },
    };
    delta
        .clone()
        .into_active_model()
        .insert(conn)
        .await
        .unwrap();
    assert_eq!(
        delta_record::Entity::find_by_id("d1")
            .one(conn)
            .await
            .unwrap(),
        Some(delta)
    );

    let event = event_log::Model {
        event_id: "ev1".into(),
        event_type: "entity.created".into(),
        source: Some("reducer:create_entity".into()),
        timestamp: t,
        data: json!({"entity_id": "e1", "changes": [1, 2, 3], "nested": {"ok": true}}),
        seq: None,
    };
    event
        .clone()
        .into_active_model()
        .insert(conn)
        .await
        .unwrap();
    assert_eq!(
        event_log::Entity::find_by_id("ev1")
            .one(conn)
            .await
            .unwrap(),
        Some(event)
    );

    let cfg = config::Model {
        key: "sync.interval_ms".into(),
        value: "250".into(),
        description: Some("How often clients sync".into()),
        updated_at: t,
        updated_by: "c0ffee00".into(),
    };
    cfg.clone().into_active_model().insert(conn).await.unwrap();
    assert_eq!(
        config::Entity::find_by_id("sync.interval_ms")
            .one(conn)
            .await
            .unwrap(),
        Some(cfg)
    );

    let client = client_connection::Model {
        identity: "c0ffee00".into(),
        connection_id: "conn-1".into(),
        connected_at: t,
        last_active_at: t2,
        client_info: Some("spacetimedb-sdk/1.0".into()),
        status: ConnectionStatus::Idle,
    };
    client
        .clone()
        .into_active_model()
        .insert(conn)
        .await
        .unwrap();
    assert_eq!(
        client_connection::Entity::find_by_id("c0ffee00")
            .one(conn)
            .await
            .unwrap(),
        Some(client)
    );

    let sub = subscription::Model {
        subscription_id: "s1".into(),
        identity: "c0ffee00".into(),
        query: "SELECT * FROM entity WHERE entity_type = 'concept'".into(),
        created_at: t,
        updated_at: t2,
        status: SubscriptionStatus::Paused,
    };
    sub.clone().into_active_model().insert(conn).await.unwrap();
    assert_eq!(
        subscription::Entity::find_by_id("s1")
            .one(conn)
            .await
            .unwrap(),
        Some(sub)
    );
}

#[tokio::test]
async fn entities_are_found_by_tag_and_json_is_jsonb_on_postgres() {
    let db = TestDb::migrated().await;
    let conn = db.get(Domain::Universe);
    insert_tagged_entities(conn).await;
    let backend = conn.get_database_backend();
    // The seed's `ARRAY_CONTAINS(e.metadata.tags, ?)`, in each backend's dialect.
    let sql = match backend {
        DbBackend::Postgres => "SELECT * FROM entity WHERE metadata -> 'tags' ? $1 ORDER BY id",
        _ => {
            "SELECT * FROM entity WHERE EXISTS \
             (SELECT 1 FROM json_each(entity.metadata, '$.tags') WHERE value = ?) ORDER BY id"
        }
    };
    let tagged = |tag: &'static str| {
        node::Entity::find()
            .from_raw_sql(Statement::from_sql_and_values(backend, sql, [tag.into()]))
            .all(conn)
    };
    let ids = |v: Vec<node::Model>| v.into_iter().map(|e| e.id).collect::<Vec<_>>();
    assert_eq!(ids(tagged("y").await.unwrap()), ["a", "b"]);
    assert_eq!(ids(tagged("x").await.unwrap()), ["a"]);
    assert!(tagged("z").await.unwrap().is_empty());

    if backend == DbBackend::Postgres {
        let rows = conn
            .query_all_raw(Statement::from_string(
                backend,
                "SELECT table_name::text || '.' || column_name::text FROM information_schema.columns \
                 WHERE table_schema = current_schema() AND data_type = 'jsonb' ORDER BY 1",
            ))
            .await
            .unwrap();
        let jsonb: Vec<String> = rows
            .iter()
            .map(|r| r.try_get_by_index(0).unwrap())
            .collect();
        assert_eq!(
            jsonb,
            [
                "delta_record.metadata",
                "delta_record.operations",
                "entity.metadata",
                "event_log.data",
                "relation.metadata",
            ]
        );
    }
}
