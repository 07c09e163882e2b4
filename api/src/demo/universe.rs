//! A small, linked Inner Universe data set for GraphiQL: a knowledge graph of concepts,
//! people, projects and notes; a version history with one branch and its deltas; a few
//! days of events; configuration; two client sessions with subscriptions.
//!
//! The people carry the shared Mosaic DIDs and handles in their properties, so they can
//! be matched with the AT Protocol domains.

use chrono::{DateTime, Duration, Utc};
use entity::universe::enums::{ConnectionStatus, SubscriptionStatus};
use entity::universe::json::{
    DeltaMetadata, DeltaOp, DeltaOperation, DeltaOperations, EntityMetadata, RelationMetadata,
};
use entity::universe::{
    client_connection, config, delta_record, entity as node, event_log, relation, state_version,
    subscription,
};
use sea_orm::{DatabaseConnection, DbErr, EntityTrait, IntoActiveModel, TransactionTrait};
use serde_json::{Map, Value, json};

/// Alice's workstation identity (hex).
const ALICE: &str = "03376718a4ffa7d954dc900cb43956e85d042d7e2c7b6213e3d4e8fc02bdfbd6";
/// Bob's laptop identity (hex).
const BOB: &str = "b8187a8d97cb4bb11e4673439ca4f7291bf3982edfaf9bc8e6bad3d3309b0e3c";
/// The server's own reducer identity (hex).
const SYSTEM: &str = "e65dd3eaf81b7b2b0975fc66c7982824530d5ef53d3e728258f4705be8f52e32";

fn props(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

/// `(id, type, name, description, tags, properties)` of the graph's entities.
type EntitySpec = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static [&'static str],
    Value,
);

fn entities() -> Vec<EntitySpec> {
    vec![
        (
            "concept-knowledge-graph",
            "concept",
            "Knowledge graph",
            "Typed entities linked by typed relations.",
            &["graph", "core"],
            json!({"aliases": ["KG"]}),
        ),
        (
            "concept-temporal-versioning",
            "concept",
            "Temporal versioning",
            "Every state change yields a version; history is a tree.",
            &["versioning", "core"],
            json!({}),
        ),
        (
            "concept-event-sourcing",
            "concept",
            "Event sourcing",
            "State as the fold of an append-only event log.",
            &["events", "architecture"],
            json!({}),
        ),
        (
            "concept-delta-encoding",
            "concept",
            "Delta encoding",
            "Storing a version as the operations leading to it.",
            &["versioning", "storage"],
            json!({}),
        ),
        (
            "concept-recursive-queries",
            "concept",
            "Recursive queries",
            "WITH RECURSIVE for ancestry and reachability.",
            &["sql", "graph"],
            json!({"dialects": ["sqlite", "postgresql"]}),
        ),
        (
            "concept-optimistic-concurrency",
            "concept",
            "Optimistic concurrency",
            "Compare a version counter, then write and bump it.",
            &["storage", "core"],
            json!({}),
        ),
        (
            "person-alice",
            "person",
            "Alice",
            "Maintainer of the graph engine.",
            &["team", "maintainer"],
            json!({"did": "did:plc:ragtjsm2j2vknwkz3zp4oxrd", "handle": "alice.mosaic.test"}),
        ),
        (
            "person-bob",
            "person",
            "Bob",
            "Works on synchronisation and subscriptions.",
            &["team"],
            json!({"did": "did:plc:44ybard66vv44zksje25o7dz", "handle": "bob.mosaic.test"}),
        ),
        (
            "person-carol",
            "person",
            "Carol",
            "Writes the query planner notes.",
            &["team", "sql"],
            json!({"did": "did:plc:z72i7hdynmk6r22z27h6tvur", "handle": "carol.mosaic.test"}),
        ),
        (
            "person-dave",
            "person",
            "Dave",
            "Reviews storage and migration changes.",
            &["reviewer"],
            json!({"did": "did:plc:ewvi7nxzyoun6zhxrhs64oiz", "handle": "dave.mosaic.test"}),
        ),
        (
            "project-inner-universe",
            "project",
            "Inner Universe",
            "The persistence layer of the knowledge graph.",
            &["core", "active"],
            json!({"repository": "https://example.org/inner-universe", "status": "active"}),
        ),
        (
            "project-sync-gateway",
            "project",
            "Sync gateway",
            "Pushes deltas to subscribed clients.",
            &["events", "active"],
            json!({"status": "active"}),
        ),
        (
            "project-atlas",
            "project",
            "Atlas notebook",
            "A notebook UI over the graph.",
            &["ui"],
            json!({"status": "planning"}),
        ),
        (
            "note-cycle-safety",
            "note",
            "Cycle safety in history walks",
            "Track visited ids in a path so a corrupted parent chain still terminates.",
            &["sql", "versioning"],
            json!({"words": 412}),
        ),
        (
            "note-tag-index",
            "note",
            "Indexing tags",
            "jsonb ? on PostgreSQL, json_each on SQLite.",
            &["sql", "storage"],
            json!({"words": 268}),
        ),
        (
            "note-branching",
            "note",
            "Branching versions",
            "A branch is just a second child of the same parent.",
            &["versioning"],
            json!({"words": 190}),
        ),
        (
            "note-subscription-fanout",
            "note",
            "Subscription fan-out",
            "One delta, many subscribers: batch by query.",
            &["events"],
            json!({"words": 355}),
        ),
        (
            "note-event-retention",
            "note",
            "Event retention",
            "Keep thirty days online, archive the rest.",
            &["events", "storage"],
            json!({"words": 150}),
        ),
        (
            "note-concurrency-review",
            "note",
            "Concurrency review",
            "Where the version counter is compared and bumped.",
            &["storage", "review"],
            json!({"words": 520}),
        ),
        (
            "note-onboarding",
            "note",
            "Onboarding",
            "Start at the knowledge graph, then read the history notes.",
            &["team"],
            json!({"words": 300}),
        ),
    ]
}

/// `(from, to, type, weight, label)` of the graph's relations.
fn relations() -> Vec<(
    &'static str,
    &'static str,
    &'static str,
    Option<f64>,
    &'static str,
)> {
    vec![
        (
            "note-cycle-safety",
            "person-carol",
            "authored_by",
            None,
            "written by",
        ),
        (
            "note-tag-index",
            "person-carol",
            "authored_by",
            None,
            "written by",
        ),
        (
            "note-branching",
            "person-alice",
            "authored_by",
            None,
            "written by",
        ),
        (
            "note-subscription-fanout",
            "person-bob",
            "authored_by",
            None,
            "written by",
        ),
        (
            "note-event-retention",
            "person-bob",
            "authored_by",
            None,
            "written by",
        ),
        (
            "note-concurrency-review",
            "person-dave",
            "authored_by",
            None,
            "written by",
        ),
        (
            "note-onboarding",
            "person-alice",
            "authored_by",
            None,
            "written by",
        ),
        (
            "concept-knowledge-graph",
            "project-inner-universe",
            "part_of",
            Some(1.0),
            "core of",
        ),
        (
            "concept-temporal-versioning",
            "project-inner-universe",
            "part_of",
            Some(0.9),
            "feature of",
        ),
        (
            "concept-delta-encoding",
            "project-inner-universe",
            "part_of",
            Some(0.7),
            "feature of",
        ),
        (
            "concept-optimistic-concurrency",
            "project-inner-universe",
            "part_of",
            Some(0.6),
            "feature of",
        ),
        (
            "concept-event-sourcing",
            "project-sync-gateway",
            "part_of",
            Some(0.9),
            "basis of",
        ),
        (
            "concept-recursive-queries",
            "project-inner-universe",
            "part_of",
            Some(0.5),
            "used by",
        ),
        (
            "note-subscription-fanout",
            "project-sync-gateway",
            "part_of",
            None,
            "design note of",
        ),
        (
            "note-onboarding",
            "project-atlas",
            "part_of",
            None,
            "guide of",
        ),
        (
            "project-atlas",
            "project-inner-universe",
            "part_of",
            Some(0.3),
            "client of",
        ),
        (
            "concept-temporal-versioning",
            "concept-delta-encoding",
            "relates_to",
            Some(0.8),
            "implemented by",
        ),
        (
            "concept-event-sourcing",
            "concept-temporal-versioning",
            "relates_to",
            Some(0.6),
            "complements",
        ),
        (
            "concept-recursive-queries",
            "concept-temporal-versioning",
            "relates_to",
            Some(0.7),
            "walks",
        ),
        (
            "concept-recursive-queries",
            "concept-knowledge-graph",
            "relates_to",
            Some(0.7),
            "traverses",
        ),
        (
            "concept-optimistic-concurrency",
            "concept-temporal-versioning",
            "relates_to",
            Some(0.4),
            "guards",
        ),
        (
            "note-cycle-safety",
            "concept-recursive-queries",
            "relates_to",
            None,
            "about",
        ),
        (
            "note-tag-index",
            "concept-knowledge-graph",
            "relates_to",
            None,
            "about",
        ),
        (
            "note-branching",
            "concept-temporal-versioning",
            "relates_to",
            None,
            "about",
        ),
        (
            "note-event-retention",
            "concept-event-sourcing",
            "relates_to",
            None,
            "about",
        ),
        (
            "note-concurrency-review",
            "concept-optimistic-concurrency",
            "relates_to",
            None,
            "about",
        ),
        (
            "person-alice",
            "project-inner-universe",
            "relates_to",
            None,
            "maintains",
        ),
        (
            "person-bob",
            "project-sync-gateway",
            "relates_to",
            None,
            "maintains",
        ),
        (
            "person-carol",
            "project-inner-universe",
            "relates_to",
            None,
            "contributes to",
        ),
        (
            "person-dave",
            "project-inner-universe",
            "relates_to",
            None,
            "reviews",
        ),
    ]
}

/// `(id, parent, hours after the start, description, owner)`: a main line v1..v4, v7, v8
/// and a branch v5, v6 off v3.
fn versions() -> Vec<(
    &'static str,
    Option<&'static str>,
    i64,
    &'static str,
    &'static str,
)> {
    vec![
        ("v1", None, 0, "Genesis: empty graph", SYSTEM),
        ("v2", Some("v1"), 6, "Import core concepts", ALICE),
        ("v3", Some("v2"), 20, "Add the team and projects", ALICE),
        ("v4", Some("v3"), 30, "Link notes to their authors", BOB),
        (
            "v5",
            Some("v3"),
            34,
            "Experiment: alternative tag taxonomy",
            BOB,
        ),
        ("v6", Some("v5"), 40, "Experiment: retag notes", BOB),
        ("v7", Some("v4"), 52, "Relate concepts to each other", ALICE),
        (
            "v8",
            Some("v7"),
            70,
            "Review pass: concurrency notes",
            ALICE,
        ),
    ]
}

/// Inserts the demo data set in one transaction, unless Universe already holds data.
pub async fn seed(db: &DatabaseConnection) -> Result<(), DbErr> {
    if node::Entity::find().one(db).await?.is_some()
        || state_version::Entity::find().one(db).await?.is_some()
    {
        return Ok(());
    }
    let now = Utc::now();
    let start: DateTime<Utc> = now - Duration::days(4);
    let txn = db.begin().await?;

    let ents: Vec<node::ActiveModel> = entities()
        .into_iter()
        .enumerate()
        .map(|(i, (id, ty, name, description, tags, properties))| {
            let created = start + Duration::minutes(37 * i as i64);
            node::Model {
                id: id.into(),
                entity_type: ty.into(),
                created_at: created,
                updated_at: created + Duration::hours(2),
                metadata: EntityMetadata {
                    name: Some(name.into()),
                    description: Some(description.into()),
                    tags: tags.iter().map(|t| (*t).to_owned()).collect(),
                    properties: props(properties),
                },
                version: 1,
            }
            .into_active_model()
        })
        .collect();
    node::Entity::insert_many(ents).exec(&txn).await?;

    let rels: Vec<relation::ActiveModel> = relations()
        .into_iter()
        .enumerate()
        .map(|(i, (from, to, ty, weight, label))| {
            relation::Model {
                id: format!("rel-{:03}", i + 1),
                from_entity: from.into(),
                to_entity: to.into(),
                relation_type: ty.into(),
                created_at: start + Duration::hours(13) + Duration::minutes(11 * i as i64),
                metadata: RelationMetadata {
                    weight,
                    label: Some(label.into()),
                    properties: Map::new(),
                },
            }
            .into_active_model()
        })
        .collect();
    relation::Entity::insert_many(rels).exec(&txn).await?;

    let vs = versions();
    let version_models: Vec<state_version::ActiveModel> = vs
        .iter()
        .enumerate()
        .map(|(i, (id, parent, hours, description, owner))| {
            state_version::Model {
                version_id: (*id).into(),
                parent_version_id: parent.map(Into::into),
                timestamp: start + Duration::hours(*hours),
                description: (*description).into(),
                data_hash: format!("sha256:{:064x}", 0x9e37_79b9_u64.wrapping_mul(i as u64 + 1)),
                owner: (*owner).into(),
            }
            .into_active_model()
        })
        .collect();
    state_version::Entity::insert_many(version_models)
        .exec(&txn)
        .await?;

    let op = |op: DeltaOp,
              target: &str,
              path: Option<&str>,
              value: Option<Value>,
              previous: Option<Value>| DeltaOperation {
        op,
        target: target.into(),
        path: path.map(Into::into),
        value,
        previous,
    };
    let deltas: Vec<(&str, &str, Vec<DeltaOperation>, &str)> = vec![
        (
            "d-01",
            "v2",
            vec![
                op(
                    DeltaOp::Create,
                    "concept-knowledge-graph",
                    None,
                    Some(json!({"entity_type": "concept"})),
                    None,
                ),
                op(
                    DeltaOp::Create,
                    "concept-temporal-versioning",
                    None,
                    Some(json!({"entity_type": "concept"})),
                    None,
                ),
            ],
            "initial import",
        ),
        (
            "d-02",
            "v2",
            vec![op(
                DeltaOp::Create,
                "concept-event-sourcing",
                None,
                Some(json!({"entity_type": "concept"})),
                None,
            )],
            "initial import, second batch",
        ),
        (
            "d-03",
            "v3",
            vec![
                op(
                    DeltaOp::Create,
                    "person-alice",
                    None,
                    Some(json!({"entity_type": "person"})),
                    None,
                ),
                op(
                    DeltaOp::Create,
                    "project-inner-universe",
                    None,
                    Some(json!({"entity_type": "project"})),
                    None,
                ),
            ],
            "team and projects",
        ),
        (
            "d-04",
            "v4",
            vec![op(
                DeltaOp::Create,
                "rel-001",
                None,
                Some(json!({"relation_type": "authored_by"})),
                None,
            )],
            "authorship",
        ),
        (
            "d-05",
            "v5",
            vec![op(
                DeltaOp::Update,
                "note-tag-index",
                Some("metadata.tags"),
                Some(json!(["sql", "indexing"])),
                Some(json!(["sql", "storage"])),
            )],
            "try a finer taxonomy",
        ),
        (
            "d-06",
            "v6",
            vec![
                op(
                    DeltaOp::Update,
                    "note-branching",
                    Some("metadata.tags"),
                    Some(json!(["history"])),
                    Some(json!(["versioning"])),
                ),
                op(
                    DeltaOp::Delete,
                    "max_page_size",
                    None,
                    None,
                    Some(json!("100")),
                ),
            ],
            "retag and drop an obsolete key",
        ),
        (
            "d-07",
            "v7",
            vec![op(
                DeltaOp::Create,
                "rel-017",
                None,
                Some(json!({"relation_type": "relates_to"})),
                None,
            )],
            "concept links",
        ),
        (
            "d-08",
            "v8",
            vec![op(
                DeltaOp::Update,
                "note-concurrency-review",
                Some("metadata.description"),
                Some(json!("Where the version counter is compared and bumped.")),
                Some(json!("Draft.")),
            )],
            "review",
        ),
    ];
    let hours: std::collections::HashMap<&str, i64> =
        vs.iter().map(|(id, _, h, _, _)| (*id, *h)).collect();
    let delta_models: Vec<delta_record::ActiveModel> = deltas
        .into_iter()
        .enumerate()
        .map(|(i, (id, version, ops, reason))| {
            let h = hours.get(version).copied().unwrap_or_default();
            delta_record::Model {
                delta_id: id.into(),
                state_version_id: version.into(),
                operations: DeltaOperations(ops),
                timestamp: start + Duration::hours(h) - Duration::minutes(10 - i as i64),
                metadata: DeltaMetadata {
                    author: Some(if h < 30 { "alice" } else { "bob" }.into()),
                    reason: Some(reason.into()),
                    properties: Map::new(),
                },
            }
            .into_active_model()
        })
        .collect();
    delta_record::Entity::insert_many(delta_models)
        .exec(&txn)
        .await?;

    // Thirty events over the last four days: creations, commits, sessions, queries.
    let kinds = [
        ("entity.created", "reducer:create_entity"),
        ("relation.created", "reducer:create_relation"),
        ("version.committed", "reducer:commit_version"),
        ("client.connected", "gateway"),
        ("query.executed", "graphql"),
    ];
    let first = crate::events::log::next_seq::<crate::events::EventLog, _>(&txn).await?;
    let events: Vec<event_log::ActiveModel> = (0..30)
        .map(|i: i64| {
            let (kind, source) = kinds[(i as usize) % kinds.len()];
            let data = match kind {
                "entity.created" => json!({"entity_id": entities()[(i as usize) % 20].0}),
                "relation.created" => json!({"relation_id": format!("rel-{:03}", i % 30 + 1)}),
                "version.committed" => json!({"version_id": format!("v{}", i % 8 + 1)}),
                "client.connected" => json!({"identity": if i % 2 == 0 { ALICE } else { BOB }}),
                _ => json!({"operation": "universeEntitiesByTag", "ms": 3 + i % 7}),
            };
            event_log::Model {
                event_id: format!("evt-{:04}", i + 1),
                event_type: kind.into(),
                source: (i % 7 != 6).then(|| source.to_owned()),
                timestamp: start + Duration::minutes(190 * i),
                data,
                seq: Some(first + i),
            }
            .into_active_model()
        })
        .collect();
    event_log::Entity::insert_many(events).exec(&txn).await?;

    let configs = [
        (
            "history.max_depth",
            "100",
            "Default depth limit of version history walks.",
        ),
        (
            "events.retention_days",
            "30",
            "How long events stay in the online log.",
        ),
        (
            "sync.batch_size",
            "250",
            "Deltas pushed to a subscriber per message.",
        ),
        (
            "graph.default_relation",
            "relates_to",
            "Relation type used when none is given.",
        ),
        ("ui.theme", "dark", "Theme of the Atlas notebook."),
    ];
    let config_models: Vec<config::ActiveModel> = configs
        .into_iter()
        .enumerate()
        .map(|(i, (key, value, description))| {
            config::Model {
                key: key.into(),
                value: value.into(),
                description: Some(description.into()),
                updated_at: start + Duration::hours(3 * i as i64),
                updated_by: if i % 2 == 0 { ALICE } else { SYSTEM }.into(),
            }
            .into_active_model()
        })
        .collect();
    config::Entity::insert_many(config_models)
        .exec(&txn)
        .await?;

    let connections = [
        (
            ALICE,
            "conn-7f3a",
            now - Duration::hours(5),
            now - Duration::minutes(2),
            "atlas-notebook/0.4 (macOS)",
            ConnectionStatus::Connected,
        ),
        (
            BOB,
            "conn-91c2",
            now - Duration::hours(30),
            now - Duration::hours(3),
            "spacetime-sdk-rust/1.1",
            ConnectionStatus::Idle,
        ),
    ];
    let connection_models: Vec<client_connection::ActiveModel> = connections
        .into_iter()
        .map(|(identity, cid, at, active, info, status)| {
            client_connection::Model {
                identity: identity.into(),
                connection_id: cid.into(),
                connected_at: at,
                last_active_at: active,
                client_info: Some(info.into()),
                status,
            }
            .into_active_model()
        })
        .collect();
    client_connection::Entity::insert_many(connection_models)
        .exec(&txn)
        .await?;

    let subs = [
        (
            "sub-001",
            ALICE,
            "SELECT * FROM entity WHERE entity_type = 'note'",
            SubscriptionStatus::Active,
        ),
        (
            "sub-002",
            ALICE,
            "SELECT * FROM state_version",
            SubscriptionStatus::Active,
        ),
        (
            "sub-003",
            BOB,
            "SELECT * FROM event_log WHERE event_type = 'version.committed'",
            SubscriptionStatus::Paused,
        ),
        (
            "sub-004",
            BOB,
            "SELECT * FROM relation",
            SubscriptionStatus::Cancelled,
        ),
    ];
    let sub_models: Vec<subscription::ActiveModel> = subs
        .into_iter()
        .enumerate()
        .map(|(i, (id, identity, query, status))| {
            let created = now - Duration::hours(29) + Duration::minutes(20 * i as i64);
            subscription::Model {
                subscription_id: id.into(),
                identity: identity.into(),
                query: query.into(),
                created_at: created,
                updated_at: created + Duration::hours(1),
                status,
            }
            .into_active_model()
        })
        .collect();
    subscription::Entity::insert_many(sub_models)
        .exec(&txn)
        .await?;

    txn.commit().await
}
