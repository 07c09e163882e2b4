//! Inner Universe's read API through HTTP: lookups, the seed's queries (entities by type
//! and tag, relations, connected entities, version history and descendants, latest
//! version, events), pagination, filters, batching, the demo data set.

use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, TimeZone, Utc};
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
    ActiveModelTrait, ConnectionTrait, DatabaseConnection, EntityTrait, IntoActiveModel,
    PaginatorTrait,
};
use serde_json::{Map, Value, json};

use crate::helpers::{TestApp, code, ok, statements};

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap()
}

/// The `key` strings of a list of objects.
fn strs<'a>(list: &'a Value, key: &str) -> Vec<&'a str> {
    list.as_array()
        .unwrap_or_else(|| panic!("not a list: {list}"))
        .iter()
        .map(|v| v[key].as_str().unwrap_or_else(|| panic!("no {key} in {v}")))
        .collect()
}

/// Inserts Universe fixtures straight through the entities.
struct Fixture<'a> {
    app: &'a TestApp,
}

impl Fixture<'_> {
    fn db(&self) -> &DatabaseConnection {
        self.app.db.get(Domain::Universe)
    }

    async fn entity(&self, id: &str, ty: &str, tags: &[&str], minute: i64) {
        node::Model {
            id: id.into(),
            entity_type: ty.into(),
            created_at: t0() + Duration::minutes(minute),
            updated_at: t0() + Duration::minutes(minute),
            metadata: EntityMetadata {
                name: Some(format!("Entity {id}")),
                description: None,
                tags: tags.iter().map(|t| (*t).to_owned()).collect(),
                properties: Map::new(),
            },
            version: 1,
        }
        .into_active_model()
        .insert(self.db())
        .await
        .unwrap();
    }

    async fn relation(&self, id: &str, from: &str, to: &str, ty: &str) {
        relation::Model {
            id: id.into(),
            from_entity: from.into(),
            to_entity: to.into(),
            relation_type: ty.into(),
            created_at: t0(),
            metadata: RelationMetadata {
                weight: Some(0.5),
                label: Some(format!("{from} {ty} {to}")),
                properties: Map::new(),
            },
        }
        .into_active_model()
        .insert(self.db())
        .await
        .unwrap();
    }

    fn version_model(id: &str, parent: Option<&str>, minute: i64) -> state_version::Model {
        state_version::Model {
            version_id: id.into(),
            parent_version_id: parent.map(Into::into),
            timestamp: t0() + Duration::minutes(minute),
            description: format!("version {id}"),
            data_hash: format!("sha256:{id}"),
            owner: "c0ffee".into(),
        }
    }

    async fn version(&self, id: &str, parent: Option<&str>, minute: i64) {
        Self::version_model(id, parent, minute)
            .into_active_model()
            .insert(self.db())
            .await
            .unwrap();
    }

    /// A chain `v0000 <- v0001 <- ... <- v{n-1}`, inserted in chunks.
    async fn chain(&self, n: usize) {
        let all: Vec<state_version::ActiveModel> = (0..n)
            .map(|i| {
                let parent = (i > 0).then(|| format!("v{:04}", i - 1));
                Self::version_model(&format!("v{i:04}"), parent.as_deref(), i as i64)
                    .into_active_model()
            })
            .collect();
        for chunk in all.chunks(100) {
            state_version::Entity::insert_many(chunk.to_vec())
                .exec(self.db())
                .await
                .unwrap();
        }
    }

    async fn delta(&self, id: &str, version: &str, minute: i64, ops: Vec<DeltaOperation>) {
        delta_record::Model {
            delta_id: id.into(),
            state_version_id: version.into(),
            operations: DeltaOperations(ops),
            timestamp: t0() + Duration::minutes(minute),
            metadata: DeltaMetadata {
                author: Some("alice".into()),
                reason: Some(format!("reason {id}")),
                properties: Map::new(),
            },
        }
        .into_active_model()
        .insert(self.db())
        .await
        .unwrap();
    }

    async fn event(&self, id: &str, ty: &str, hour: i64) {
        event_log::Model {
            event_id: id.into(),
            event_type: ty.into(),
            source: Some("reducer".into()),
            timestamp: t0() + Duration::hours(hour),
            data: json!({"n": hour}),
            seq: None,
        }
        .into_active_model()
        .insert(self.db())
        .await
        .unwrap();
    }

    async fn connection(&self, identity: &str, status: ConnectionStatus) {
        client_connection::Model {
            identity: identity.into(),
            connection_id: format!("conn-{identity}"),
            connected_at: t0(),
            last_active_at: t0() + Duration::minutes(5),
            client_info: Some("sdk/1.0".into()),
            status,
        }
        .into_active_model()
        .insert(self.db())
        .await
        .unwrap();
    }

    async fn subscription(&self, id: &str, identity: &str, status: SubscriptionStatus) {
        subscription::Model {
            subscription_id: id.into(),
            identity: identity.into(),
            query: format!("SELECT * FROM {id}"),
            created_at: t0(),
            updated_at: t0(),
            status,
        }
        .into_active_model()
        .insert(self.db())
        .await
        .unwrap();
    }
}

#[tokio::test]
async fn every_table_is_looked_up_by_its_primary_key() {
    let app = TestApp::spawn().await;
    let f = Fixture { app: &app };
    f.entity("e1", "concept", &["a"], 1).await;
    f.entity("e2", "person", &[], 2).await;
    f.relation("r1", "e1", "e2", "authored_by").await;
    f.version("v1", None, 1).await;
    f.delta("d1", "v1", 1, vec![]).await;
    f.event("ev1", "entity.created", 1).await;
    f.connection("aa01", ConnectionStatus::Idle).await;
    f.subscription("s1", "aa01", SubscriptionStatus::Paused)
        .await;
    config::Model {
        key: "sync.batch_size".into(),
        value: "250".into(),
        description: None,
        updated_at: t0(),
        updated_by: "aa01".into(),
    }
    .into_active_model()
    .insert(f.db())
    .await
    .unwrap();

    let res = app
        .graphql(
            r#"{
                e: universeEntity(id: "e1") { id entityType version metadata { name description tags properties } }
                r: universeRelation(id: "r1") { id fromEntity toEntity relationType metadata { weight label properties } }
                v: universeStateVersion(versionId: "v1") { versionId parentVersionId description dataHash owner }
                d: universeDelta(deltaId: "d1") { deltaId stateVersionId operations { op } metadata { author reason } }
                ev: universeEvent(eventId: "ev1") { eventId eventType source data }
                c: universeConfig(key: "sync.batch_size") { key value description updatedBy }
                cc: universeClientConnection(identity: "aa01") { identity connectionId clientInfo status }
                s: universeSubscription(subscriptionId: "s1") { subscriptionId identity query status }
                none1: universeEntity(id: "nope") { id }
                none2: universeStateVersion(versionId: "nope") { versionId }
                none3: universeSubscription(subscriptionId: "nope") { subscriptionId }
            }"#,
            json!({}),
        )
        .await;
    ok(&res);
    assert_eq!(
        res["data"],
        json!({
            "e": {"id": "e1", "entityType": "concept", "version": 1,
                  "metadata": {"name": "Entity e1", "description": null, "tags": ["a"], "properties": {}}},
            "r": {"id": "r1", "fromEntity": "e1", "toEntity": "e2", "relationType": "authored_by",
                  "metadata": {"weight": 0.5, "label": "e1 authored_by e2", "properties": {}}},
            "v": {"versionId": "v1", "parentVersionId": null, "description": "version v1",
                  "dataHash": "sha256:v1", "owner": "c0ffee"},
            "d": {"deltaId": "d1", "stateVersionId": "v1", "operations": [],
                  "metadata": {"author": "alice", "reason": "reason d1"}},
            "ev": {"eventId": "ev1", "eventType": "entity.created", "source": "reducer", "data": {"n": 1}},
            "c": {"key": "sync.batch_size", "value": "250", "description": null, "updatedBy": "aa01"},
            "cc": {"identity": "aa01", "connectionId": "conn-aa01", "clientInfo": "sdk/1.0", "status": "IDLE"},
            "s": {"subscriptionId": "s1", "identity": "aa01", "query": "SELECT * FROM s1", "status": "PAUSED"},
            "none1": null, "none2": null, "none3": null,
        })
    );
    // Every lookup argument is required: no table has a second unique key to choose.
    let res = app.graphql("{ universeEntity { id } }", json!({})).await;
    assert!(res["errors"][0]["message"].as_str().is_some(), "{res}");
}

#[tokio::test]
async fn entities_by_type_most_recent_and_by_tag() {
    let app = TestApp::spawn().await;
    let f = Fixture { app: &app };
    f.entity("e01", "concept", &["a", "b"], 5).await;
    f.entity("e02", "person", &["b"], 1).await;
    f.entity("e03", "concept", &[], 3).await;
    f.entity("e04", "note", &["b", "c"], 4).await;
    f.entity("e05", "concept", &["b", "ab"], 2).await;

    // By type, a page at a time.
    let q = |args: &str| {
        format!(
            "{{ universeEntities({args}) {{ totalCount nodes {{ id }} \
             pageInfo {{ hasNextPage endCursor }} }} }}"
        )
    };
    let res = app
        .graphql(
            &q(r#"first: 2, filter: {entityType: {eq: "concept"}}"#),
            json!({}),
        )
        .await;
    ok(&res);
    let conn = &res["data"]["universeEntities"];
    assert_eq!(strs(&conn["nodes"], "id"), ["e01", "e03"]);
    assert_eq!(conn["totalCount"], 3);
    assert_eq!(conn["pageInfo"]["hasNextPage"], true);
    let after = conn["pageInfo"]["endCursor"].as_str().unwrap();
    let res = app
        .graphql(
            &q(&format!(
                r#"first: 2, after: "{after}", filter: {{entityType: {{eq: "concept"}}}}"#
            )),
            json!({}),
        )
        .await;
    ok(&res);
    assert_eq!(
        strs(&res["data"]["universeEntities"]["nodes"], "id"),
        ["e05"]
    );
    assert_eq!(
        res["data"]["universeEntities"]["pageInfo"]["hasNextPage"],
        false
    );

    // Most recently created first.
    let res = app
        .graphql(
            &q("first: 3, orderBy: {field: CREATED_AT, direction: DESC}"),
            json!({}),
        )
        .await;
    ok(&res);
    assert_eq!(
        strs(&res["data"]["universeEntities"]["nodes"], "id"),
        ["e01", "e04", "e03"]
    );

    // By tag: exact element match (not substring, case-sensitive), by id by default.
    let by_tag = |args: &str| {
        format!(
            "{{ universeEntitiesByTag({args}) {{ totalCount nodes {{ id metadata {{ tags }} }} \
             pageInfo {{ hasNextPage endCursor }} }} }}"
        )
    };
    let res = app.graphql(&by_tag(r#"tag: "b""#), json!({})).await;
    ok(&res);
    let conn = &res["data"]["universeEntitiesByTag"];
    assert_eq!(strs(&conn["nodes"], "id"), ["e01", "e02", "e04", "e05"]);
    assert_eq!(conn["totalCount"], 4);
    assert_eq!(conn["nodes"][0]["metadata"]["tags"], json!(["a", "b"]));
    for (tag, want) in [
        ("a", vec!["e01"]),
        ("ab", vec!["e05"]),
        ("c", vec!["e04"]),
        ("B", vec![]),
        ("zzz", vec![]),
    ] {
        let res = app
            .graphql(&by_tag(&format!(r#"tag: "{tag}""#)), json!({}))
            .await;
        ok(&res);
        assert_eq!(
            strs(&res["data"]["universeEntitiesByTag"]["nodes"], "id"),
            want,
            "{tag}"
        );
    }
    // With a filter, an order and pages.
    let res = app
        .graphql(
            &by_tag(
                r#"tag: "b", first: 2, filter: {entityType: {eq: "concept"}},
                   orderBy: {field: CREATED_AT, direction: DESC}"#,
            ),
            json!({}),
        )
        .await;
    ok(&res);
    assert_eq!(
        strs(&res["data"]["universeEntitiesByTag"]["nodes"], "id"),
        ["e01", "e05"]
    );
    let res = app
        .graphql(&by_tag(r#"tag: "b", first: 3"#), json!({}))
        .await;
    ok(&res);
    let after = res["data"]["universeEntitiesByTag"]["pageInfo"]["endCursor"]
        .as_str()
        .unwrap()
        .to_owned();
    let res = app
        .graphql(
            &by_tag(&format!(r#"tag: "b", first: 3, after: "{after}""#)),
            json!({}),
        )
        .await;
    ok(&res);
    assert_eq!(
        strs(&res["data"]["universeEntitiesByTag"]["nodes"], "id"),
        ["e05"]
    );
    assert_eq!(
        res["data"]["universeEntitiesByTag"]["pageInfo"]["hasNextPage"],
        false
    );
    let res = app
        .graphql(&by_tag(r#"tag: "b", first: 1000"#), json!({}))
        .await;
    assert_eq!(code(&res), "BAD_USER_INPUT", "{res}");
}

/// A, B, C, D with relations: r1 A→B relates_to, r2 A→C part_of, r3 C→A relates_to,
/// r4 B→C relates_to, r5 A→B authored_by.
async fn small_graph(f: &Fixture<'_>) {
    for (i, id) in ["A", "B", "C", "D"].into_iter().enumerate() {
        f.entity(id, "concept", &[], i as i64).await;
    }
    f.relation("r1", "A", "B", "relates_to").await;
    f.relation("r2", "A", "C", "part_of").await;
    f.relation("r3", "C", "A", "relates_to").await;
    f.relation("r4", "B", "C", "relates_to").await;
    f.relation("r5", "A", "B", "authored_by").await;
}

#[tokio::test]
async fn relations_from_and_to_an_entity_and_by_type() {
    let app = TestApp::spawn().await;
    let f = Fixture { app: &app };
    small_graph(&f).await;
    let res = app
        .graphql(
            r#"{ universeEntity(id: "A") {
                outgoing { totalCount nodes { id relationType to { id } from { id } } }
                incoming { totalCount nodes { id from { id } } }
                partOf: outgoing(filter: {relationType: {eq: "part_of"}}) { totalCount nodes { id } }
                byType: outgoing(orderBy: {field: RELATION_TYPE, direction: DESC}) { nodes { id } }
            } }"#,
            json!({}),
        )
        .await;
    ok(&res);
    assert_eq!(
        res["data"]["universeEntity"],
        json!({
            "outgoing": {"totalCount": 3, "nodes": [
                {"id": "r1", "relationType": "relates_to", "to": {"id": "B"}, "from": {"id": "A"}},
                {"id": "r2", "relationType": "part_of", "to": {"id": "C"}, "from": {"id": "A"}},
                {"id": "r5", "relationType": "authored_by", "to": {"id": "B"}, "from": {"id": "A"}},
            ]},
            "incoming": {"totalCount": 1, "nodes": [{"id": "r3", "from": {"id": "C"}}]},
            "partOf": {"totalCount": 1, "nodes": [{"id": "r2"}]},
            "byType": {"nodes": [{"id": "r1"}, {"id": "r2"}, {"id": "r5"}]},
        })
    );

    // The seed's "relations of an entity" (either end) and "relations by type".
    let res = app
        .graphql(
            r#"{
                either: universeRelations(filter: {or: [{fromEntity: {eq: "A"}}, {toEntity: {eq: "A"}}]}) { totalCount nodes { id } }
                typed: universeRelations(filter: {relationType: {eq: "relates_to"}}) { nodes { id } }
                notA: universeRelations(filter: {not: {fromEntity: {in: ["A", "C"]}}}) { nodes { id } }
            }"#,
            json!({}),
        )
        .await;
    ok(&res);
    assert_eq!(
        strs(&res["data"]["either"]["nodes"], "id"),
        ["r1", "r2", "r3", "r5"]
    );
    assert_eq!(res["data"]["either"]["totalCount"], 4);
    assert_eq!(
        strs(&res["data"]["typed"]["nodes"], "id"),
        ["r1", "r3", "r4"]
    );
    assert_eq!(strs(&res["data"]["notA"]["nodes"], "id"), ["r4"]);
}

#[tokio::test]
async fn connected_entities_are_distinct_and_ordered_by_id() {
    let app = TestApp::spawn().await;
    let f = Fixture { app: &app };
    small_graph(&f).await;
    let res = app
        .graphql(
            r#"{ universeEntities { nodes {
                id
                both: connected { id }
                out: connected(direction: OUTGOING) { id }
                in: connected(direction: INCOMING) { id }
                partOf: connected(relationType: "part_of") { id }
                outRelates: connected(direction: OUTGOING, relationType: "relates_to") { id entityType }
            } } }"#,
            json!({}),
        )
        .await;
    ok(&res);
    // Per entity: both, outgoing, incoming, part_of (both ways), outgoing relates_to.
    let want = [
        ("A", ["B C", "B C", "C", "C", "B"]),
        ("B", ["A C", "C", "A", "", "C"]),
        ("C", ["A B", "A", "A B", "A", "A"]),
        ("D", ["", "", "", "", ""]),
    ];
    let nodes = &res["data"]["universeEntities"]["nodes"];
    assert_eq!(strs(nodes, "id"), ["A", "B", "C", "D"]);
    for (i, (id, lists)) in want.into_iter().enumerate() {
        for (field, list) in ["both", "out", "in", "partOf", "outRelates"]
            .into_iter()
            .zip(lists)
        {
            let expected: Vec<&str> = list.split_whitespace().collect();
            assert_eq!(strs(&nodes[i][field], "id"), expected, "{id}.{field}");
        }
    }
}

fn history_query(version: &str, args: &str) -> String {
    format!(r#"{{ universeVersionHistory(versionId: "{version}"{args}) {{ versionId }} }}"#)
}

#[tokio::test]
async fn version_history_of_a_chain_of_1000_versions() {
    let app = TestApp::spawn().await;
    let f = Fixture { app: &app };
    f.chain(1000).await;

    let res = app
        .graphql(&history_query("v0999", ", maxDepth: 10000"), json!({}))
        .await;
    ok(&res);
    let h = strs(&res["data"]["universeVersionHistory"], "versionId");
    assert_eq!(h.len(), 1000);
    assert_eq!((h[0], h[1], h[999]), ("v0999", "v0998", "v0000"));
    let want: Vec<String> = (0..1000).rev().map(|i| format!("v{i:04}")).collect();
    assert_eq!(h, want);

    // The default depth is 100 parent steps: 101 versions.
    let res = app.graphql(&history_query("v0999", ""), json!({})).await;
    ok(&res);
    let h = strs(&res["data"]["universeVersionHistory"], "versionId");
    assert_eq!((h.len(), h[0], h[100]), (101, "v0999", "v0899"));

    // A version in the middle, a small depth, ancestors and descendants.
    let res = app
        .graphql(
            r#"{
                mid: universeVersionHistory(versionId: "v0500", maxDepth: 3) { versionId }
                root: universeVersionHistory(versionId: "v0000") { versionId }
                tip: universeStateVersion(versionId: "v0999") {
                    ancestors(maxDepth: 10000) { versionId }
                    parent { versionId parent { versionId } }
                }
                first: universeStateVersion(versionId: "v0000") {
                    descendants(maxDepth: 10000) { versionId }
                    few: descendants(maxDepth: 2) { versionId }
                    parent { versionId }
                }
                unknown: universeVersionHistory(versionId: "nope") { versionId }
            }"#,
            json!({}),
        )
        .await;
    ok(&res);
    let d = &res["data"];
    assert_eq!(
        strs(&d["mid"], "versionId"),
        ["v0500", "v0499", "v0498", "v0497"]
    );
    assert_eq!(strs(&d["root"], "versionId"), ["v0000"]);
    let anc = strs(&d["tip"]["ancestors"], "versionId");
    assert_eq!((anc.len(), anc[0], anc[998]), (999, "v0998", "v0000"));
    assert_eq!(
        d["tip"]["parent"],
        json!({"versionId": "v0998", "parent": {"versionId": "v0997"}})
    );
    let desc = strs(&d["first"]["descendants"], "versionId");
    assert_eq!((desc.len(), desc[0], desc[998]), (999, "v0001", "v0999"));
    assert_eq!(strs(&d["first"]["few"], "versionId"), ["v0001", "v0002"]);
    assert_eq!(d["first"]["parent"], Value::Null);
    assert_eq!(d["unknown"], json!([]));

    // Depths out of range.
    for args in [", maxDepth: 0", ", maxDepth: 10001", ", maxDepth: -5"] {
        let res = app.graphql(&history_query("v0999", args), json!({})).await;
        assert_eq!(code(&res), "BAD_USER_INPUT", "{args}: {res}");
        assert_eq!(res["errors"][0]["extensions"]["field"], "maxDepth");
    }
    let res = app
        .graphql(
            r#"{ universeStateVersion(versionId: "v0001") { descendants(maxDepth: 0) { versionId } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(code(&res), "BAD_USER_INPUT", "{res}");
}

/// root ─ a1 ─ a2 ─ a3
///   │     └─ c1
///   └─ b1 ─ b2
async fn tree(f: &Fixture<'_>) {
    f.version("root", None, 0).await;
    f.version("a1", Some("root"), 1).await;
    f.version("b1", Some("root"), 2).await;
    f.version("a2", Some("a1"), 3).await;
    f.version("b2", Some("b1"), 4).await;
    f.version("c1", Some("a1"), 5).await;
    f.version("a3", Some("a2"), 6).await;
}

#[tokio::test]
async fn version_history_and_descendants_on_a_branching_tree() {
    let app = TestApp::spawn().await;
    let f = Fixture { app: &app };
    tree(&f).await;
    let res = app
        .graphql(
            r#"{
                a3: universeVersionHistory(versionId: "a3") { versionId }
                b2: universeVersionHistory(versionId: "b2") { versionId }
                c1: universeVersionHistory(versionId: "c1") { versionId }
                root: universeStateVersion(versionId: "root") {
                    descendants { versionId }
                    top: descendants(maxDepth: 1) { versionId }
                    children { totalCount nodes { versionId parent { versionId } } }
                    parent { versionId }
                    ancestors { versionId }
                }
                a1: universeStateVersion(versionId: "a1") {
                    descendants { versionId }
                    ancestors { versionId }
                    children(orderBy: {field: TIMESTAMP, direction: DESC}) { nodes { versionId } }
                }
                latest: universeLatestVersion { versionId }
            }"#,
            json!({}),
        )
        .await;
    ok(&res);
    assert_eq!(
        res["data"],
        json!({
            "a3": [{"versionId": "a3"}, {"versionId": "a2"}, {"versionId": "a1"}, {"versionId": "root"}],
            "b2": [{"versionId": "b2"}, {"versionId": "b1"}, {"versionId": "root"}],
            "c1": [{"versionId": "c1"}, {"versionId": "a1"}, {"versionId": "root"}],
            "root": {
                "descendants": [
                    {"versionId": "a1"}, {"versionId": "b1"},
                    {"versionId": "a2"}, {"versionId": "b2"}, {"versionId": "c1"},
                    {"versionId": "a3"},
                ],
                "top": [{"versionId": "a1"}, {"versionId": "b1"}],
                "children": {"totalCount": 2, "nodes": [
                    {"versionId": "a1", "parent": {"versionId": "root"}},
                    {"versionId": "b1", "parent": {"versionId": "root"}},
                ]},
                "parent": null,
                "ancestors": [],
            },
            "a1": {
                "descendants": [{"versionId": "a2"}, {"versionId": "c1"}, {"versionId": "a3"}],
                "ancestors": [{"versionId": "root"}],
                "children": {"nodes": [{"versionId": "c1"}, {"versionId": "a2"}]},
            },
            "latest": {"versionId": "a3"},
        })
    );

    // Latest version: the newest timestamp; among equal timestamps, the largest id (the
    // tie-break follows the direction, as in the DESC list).
    f.version("z9", Some("a3"), 10).await;
    f.version("z1", Some("a3"), 10).await;
    let res = app
        .graphql(
            "{ universeLatestVersion { versionId } \
               universeStateVersions(first: 1, orderBy: {field: TIMESTAMP, direction: DESC}) { nodes { versionId } } }",
            json!({}),
        )
        .await;
    ok(&res);
    assert_eq!(res["data"]["universeLatestVersion"]["versionId"], "z9");
    assert_eq!(
        res["data"]["universeStateVersions"]["nodes"][0]["versionId"],
        "z9"
    );
}

#[tokio::test]
async fn a_cycle_in_the_history_ends_promptly_with_each_version_once() {
    let app = TestApp::spawn().await;
    let f = Fixture { app: &app };
    f.version("x", None, 0).await;
    f.version("y", Some("x"), 1).await;
    f.version("z", Some("y"), 2).await;
    f.version("w", Some("z"), 3).await;
    // Close the loop: x → z → y → x.
    f.db()
        .execute_unprepared(
            "UPDATE state_version SET parent_version_id = 'z' WHERE version_id = 'x'",
        )
        .await
        .unwrap();
    let query = r#"{
        z: universeVersionHistory(versionId: "z", maxDepth: 10000) { versionId }
        x: universeVersionHistory(versionId: "x", maxDepth: 10000) { versionId }
        w: universeVersionHistory(versionId: "w") { versionId }
        xv: universeStateVersion(versionId: "x") {
            ancestors(maxDepth: 10000) { versionId }
            descendants(maxDepth: 10000) { versionId }
        }
    }"#;
    let res = tokio::time::timeout(StdDuration::from_secs(10), app.graphql(query, json!({})))
        .await
        .expect("the walk terminates");
    ok(&res);
    assert_eq!(
        res["data"],
        json!({
            "z": [{"versionId": "z"}, {"versionId": "y"}, {"versionId": "x"}],
            "x": [{"versionId": "x"}, {"versionId": "z"}, {"versionId": "y"}],
            "w": [{"versionId": "w"}, {"versionId": "z"}, {"versionId": "y"}, {"versionId": "x"}],
            "xv": {
                "ancestors": [{"versionId": "z"}, {"versionId": "y"}],
                "descendants": [{"versionId": "y"}, {"versionId": "z"}, {"versionId": "w"}],
            },
        })
    );

    // Siblings walk together (one statement for all their starts): each start's walk,
    // its cycle check included, is its own.
    let query = r#"{ universeStateVersions(orderBy: {field: TIMESTAMP, direction: ASC}) {
        nodes {
            versionId
            ancestors(maxDepth: 10000) { versionId }
            descendants(maxDepth: 10000) { versionId }
        }
    } }"#;
    let res = tokio::time::timeout(StdDuration::from_secs(10), app.graphql(query, json!({})))
        .await
        .expect("the walks terminate");
    ok(&res);
    let ids = |v: &[&str]| -> Value { v.iter().map(|id| json!({"versionId": id})).collect() };
    let version = |id: &str, anc: &[&str], desc: &[&str]| json!({"versionId": id, "ancestors": ids(anc), "descendants": ids(desc)});
    assert_eq!(
        res["data"]["universeStateVersions"]["nodes"],
        json!([
            version("x", &["z", "y"], &["y", "z", "w"]),
            version("y", &["x", "z"], &["z", "x", "w"]),
            version("z", &["y", "x"], &["x", "w", "y"]),
            version("w", &["z", "y", "x"], &[]),
        ])
    );
}

#[tokio::test]
async fn recent_events_and_events_by_type_and_time_range() {
    let app = TestApp::spawn().await;
    let f = Fixture { app: &app };
    f.event("ev1", "entity.created", 1).await;
    f.event("ev2", "version.committed", 2).await;
    f.event("ev3", "entity.created", 3).await;
    f.event("ev4", "entity.created", 4).await;
    f.event("ev5", "version.committed", 5).await;
    f.event("ev6", "entity.created", 6).await;
    let res = app
        .graphql(
            r#"{
                recent: universeEvents(first: 3) { totalCount nodes { eventId } }
                oldest: universeEvents(first: 2, orderBy: {field: TIMESTAMP}) { nodes { eventId } }
                range: universeEvents(filter: {
                    eventType: {eq: "entity.created"},
                    timestamp: {gte: "2026-01-01T03:00:00Z", lte: "2026-01-01T06:00:00Z"}
                }) { totalCount nodes { eventId eventType data } }
                byType: universeEvents(orderBy: {field: EVENT_TYPE, direction: DESC}, first: 2) { nodes { eventId } }
            }"#,
            json!({}),
        )
        .await;
    ok(&res);
    let d = &res["data"];
    assert_eq!(
        strs(&d["recent"]["nodes"], "eventId"),
        ["ev6", "ev5", "ev4"]
    );
    assert_eq!(d["recent"]["totalCount"], 6);
    assert_eq!(strs(&d["oldest"]["nodes"], "eventId"), ["ev1", "ev2"]);
    assert_eq!(
        d["range"],
        json!({"totalCount": 3, "nodes": [
            {"eventId": "ev6", "eventType": "entity.created", "data": {"n": 6}},
            {"eventId": "ev4", "eventType": "entity.created", "data": {"n": 4}},
            {"eventId": "ev3", "eventType": "entity.created", "data": {"n": 3}},
        ]})
    );
    // Equal types: the id breaks the tie in the same (descending) direction.
    assert_eq!(strs(&d["byType"]["nodes"], "eventId"), ["ev5", "ev2"]);
}

#[tokio::test]
async fn deltas_of_a_version_in_timestamp_order() {
    let app = TestApp::spawn().await;
    let f = Fixture { app: &app };
    f.version("v1", None, 0).await;
    f.version("v2", Some("v1"), 1).await;
    f.delta("d-late", "v2", 30, vec![]).await;
    f.delta(
        "d-early",
        "v2",
        10,
        vec![
            DeltaOperation {
                op: DeltaOp::Create,
                target: "e1".into(),
                path: None,
                value: Some(json!({"name": "Ada"})),
                previous: None,
            },
            DeltaOperation {
                op: DeltaOp::Update,
                target: "e1".into(),
                path: Some("metadata.tags".into()),
                value: Some(json!(["math"])),
                previous: Some(json!([])),
            },
            DeltaOperation {
                op: DeltaOp::Delete,
                target: "r9".into(),
                path: None,
                value: None,
                previous: Some(json!({"relation_type": "knows"})),
            },
        ],
    )
    .await;
    f.delta("d-mid", "v2", 20, vec![]).await;
    f.delta("d-other", "v1", 5, vec![]).await;
    let res = app
        .graphql(
            r#"{ universeStateVersion(versionId: "v2") {
                deltas { totalCount nodes { deltaId version { versionId } } }
                newest: deltas(first: 1, orderBy: {field: TIMESTAMP, direction: DESC}) { nodes { deltaId } }
                early: deltas(filter: {deltaId: {eq: "d-early"}}) { nodes {
                    operations { op target path value previous }
                    metadata { author reason properties }
                } }
            } }"#,
            json!({}),
        )
        .await;
    ok(&res);
    assert_eq!(
        res["data"]["universeStateVersion"],
        json!({
            "deltas": {"totalCount": 3, "nodes": [
                {"deltaId": "d-early", "version": {"versionId": "v2"}},
                {"deltaId": "d-mid", "version": {"versionId": "v2"}},
                {"deltaId": "d-late", "version": {"versionId": "v2"}},
            ]},
            "newest": {"nodes": [{"deltaId": "d-late"}]},
            "early": {"nodes": [{
                "operations": [
                    {"op": "CREATE", "target": "e1", "path": null, "value": {"name": "Ada"}, "previous": null},
                    {"op": "UPDATE", "target": "e1", "path": "metadata.tags", "value": ["math"], "previous": []},
                    {"op": "DELETE", "target": "r9", "path": null, "value": null, "previous": {"relation_type": "knows"}},
                ],
                "metadata": {"author": "alice", "reason": "reason d-early", "properties": {}},
            }]},
        })
    );
}

#[tokio::test]
async fn connections_subscriptions_and_enum_filters() {
    let app = TestApp::spawn().await;
    let f = Fixture { app: &app };
    f.connection("aa01", ConnectionStatus::Connected).await;
    f.connection("bb02", ConnectionStatus::Idle).await;
    f.connection("cc03", ConnectionStatus::Disconnected).await;
    f.subscription("s1", "aa01", SubscriptionStatus::Active)
        .await;
    f.subscription("s2", "bb02", SubscriptionStatus::Paused)
        .await;
    f.subscription("s3", "aa01", SubscriptionStatus::Cancelled)
        .await;
    f.subscription("s4", "aa01", SubscriptionStatus::Paused)
        .await;
    let res = app
        .graphql(
            r#"{
                idle: universeClientConnections(filter: {status: {in: [IDLE, DISCONNECTED]}}) { nodes { identity status } }
                notConnected: universeClientConnections(filter: {status: {ne: CONNECTED}}, orderBy: {field: STATUS, direction: DESC}) { nodes { identity } }
                aa01: universeClientConnection(identity: "aa01") {
                    subscriptions { totalCount nodes { subscriptionId status connection { identity } } }
                    live: subscriptions(filter: {status: {notIn: [CANCELLED]}}) { nodes { subscriptionId } }
                }
                subs: universeSubscriptions(filter: {status: {eq: PAUSED}}, orderBy: {field: IDENTITY, direction: DESC}) {
                    nodes { subscriptionId connection { identity status } }
                }
            }"#,
            json!({}),
        )
        .await;
    ok(&res);
    assert_eq!(
        res["data"],
        json!({
            "idle": {"nodes": [
                {"identity": "bb02", "status": "IDLE"},
                {"identity": "cc03", "status": "DISCONNECTED"},
            ]},
            "notConnected": {"nodes": [{"identity": "bb02"}, {"identity": "cc03"}]},
            "aa01": {
                "subscriptions": {"totalCount": 3, "nodes": [
                    {"subscriptionId": "s1", "status": "ACTIVE", "connection": {"identity": "aa01"}},
                    {"subscriptionId": "s3", "status": "CANCELLED", "connection": {"identity": "aa01"}},
                    {"subscriptionId": "s4", "status": "PAUSED", "connection": {"identity": "aa01"}},
                ]},
                "live": {"nodes": [{"subscriptionId": "s1"}, {"subscriptionId": "s4"}]},
            },
            "subs": {"nodes": [
                {"subscriptionId": "s2", "connection": {"identity": "bb02", "status": "IDLE"}},
                {"subscriptionId": "s4", "connection": {"identity": "aa01", "status": "CONNECTED"}},
            ]},
        })
    );
}

#[tokio::test]
async fn a_nested_connection_pages_to_the_end() {
    let app = TestApp::spawn().await;
    let f = Fixture { app: &app };
    f.entity("hub", "concept", &[], 0).await;
    for i in 1..=5 {
        f.entity(&format!("t{i}"), "note", &[], i).await;
        f.relation(&format!("r{i}"), "hub", &format!("t{i}"), "relates_to")
            .await;
    }
    let mut after = String::new();
    let mut seen = Vec::new();
    let mut pages = 0;
    loop {
        let args = if after.is_empty() {
            "first: 2".to_owned()
        } else {
            format!(r#"first: 2, after: "{after}""#)
        };
        let res = app
            .graphql(
                &format!(
                    r#"{{ universeEntity(id: "hub") {{ outgoing({args}) {{ totalCount
                        nodes {{ id to {{ id }} }} pageInfo {{ hasNextPage hasPreviousPage endCursor }} }} }} }}"#
                ),
                json!({}),
            )
            .await;
        ok(&res);
        let conn = &res["data"]["universeEntity"]["outgoing"];
        assert_eq!(conn["totalCount"], 5);
        assert_eq!(conn["pageInfo"]["hasPreviousPage"], pages > 0);
        for n in conn["nodes"].as_array().unwrap() {
            seen.push((
                n["id"].as_str().unwrap().to_owned(),
                n["to"]["id"].as_str().unwrap().to_owned(),
            ));
        }
        pages += 1;
        if conn["pageInfo"]["hasNextPage"] == false {
            break;
        }
        after = conn["pageInfo"]["endCursor"].as_str().unwrap().to_owned();
    }
    assert_eq!(pages, 3);
    assert_eq!(
        seen,
        (1..=5)
            .map(|i| (format!("r{i}"), format!("t{i}")))
            .collect::<Vec<_>>()
    );
    let res = app
        .graphql(
            r#"{ universeEntity(id: "hub") { outgoing(first: 1000) { nodes { id } } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(code(&res), "BAD_USER_INPUT", "{res}");
    assert_eq!(res["errors"][0]["extensions"]["field"], "first");
}

#[tokio::test]
async fn entity_relation_target_costs_the_same_for_5_and_50_entities() {
    let app = TestApp::spawn().await;
    let f = Fixture { app: &app };
    let query =
        "{ universeEntities(first: 100) { nodes { id outgoing { nodes { id to { id } } } } } }";
    let with_counts = "{ universeEntities(first: 100) { totalCount nodes { id \
                       outgoing(first: 5) { totalCount nodes { id to { id incoming(first: 5) { totalCount nodes { id } } } } } } } }";
    let graph = "{ universeEntities(first: 100) { nodes { id connected { id connected(direction: OUTGOING) { id } } } } }";
    let versions = "{ universeStateVersions(first: 100) { nodes { versionId parent { versionId } \
                    ancestors { versionId } descendants(maxDepth: 2) { versionId deltas { nodes { deltaId } } } \
                    children { nodes { versionId } } } } }";
    let mut costs = Vec::new();
    for n in 1..=50 {
        f.entity(&format!("e{n:02}"), "concept", &[], n).await;
        if n > 1 {
            f.relation(
                &format!("r{n:02}a"),
                &format!("e{n:02}"),
                &format!("e{:02}", n - 1),
                "relates_to",
            )
            .await;
            f.relation(&format!("r{n:02}b"), &format!("e{n:02}"), "e01", "part_of")
                .await;
        }
        let parent = (n > 2).then(|| format!("v{:02}", n / 2));
        f.version(&format!("v{n:02}"), parent.as_deref(), n).await;
        f.delta(&format!("d{n:02}"), &format!("v{n:02}"), n, vec![])
            .await;
        if n == 5 || n == 50 {
            costs.push([
                statements(&app, Domain::Universe, query).await,
                statements(&app, Domain::Universe, with_counts).await,
                statements(&app, Domain::Universe, graph).await,
                statements(&app, Domain::Universe, versions).await,
            ]);
        }
    }
    assert_eq!(
        costs[0], costs[1],
        "statements for 5 vs 50 entities: {costs:?}"
    );
    assert_eq!(costs[0][0], 3, "one statement per level");
    assert_eq!(costs[0][1], 7, "plus one per level asking totalCount");
    assert_eq!(costs[0][2], 3);
    assert_eq!(costs[0][3], 6);
}

#[tokio::test]
async fn every_column_is_a_field_and_there_is_nothing_secret() {
    let app = TestApp::spawn().await;
    let fields = |ty: &'static str| {
        let app = &app;
        async move {
            let res = app
                .graphql(
                    &format!(r#"{{ __type(name: "{ty}") {{ fields {{ name }} }} }}"#),
                    json!({}),
                )
                .await;
            ok(&res);
            strs(&res["data"]["__type"]["fields"], "name")
                .into_iter()
                .map(str::to_owned)
                .collect::<Vec<_>>()
        }
    };
    let cases: [(&str, &[&str]); 8] = [
        (
            "UniverseEntity",
            &[
                "id",
                "entityType",
                "createdAt",
                "updatedAt",
                "metadata",
                "version",
                "outgoing",
                "incoming",
                "connected",
            ],
        ),
        (
            "UniverseRelation",
            &[
                "id",
                "fromEntity",
                "toEntity",
                "relationType",
                "createdAt",
                "metadata",
                "from",
                "to",
            ],
        ),
        (
            "UniverseStateVersion",
            &[
                "versionId",
                "parentVersionId",
                "timestamp",
                "description",
                "dataHash",
                "owner",
                "parent",
                "children",
                "deltas",
                "ancestors",
                "descendants",
            ],
        ),
        (
            "UniverseEvent",
            &["eventId", "eventType", "source", "timestamp", "data"],
        ),
        (
            "UniverseDelta",
            &[
                "deltaId",
                "stateVersionId",
                "operations",
                "timestamp",
                "metadata",
                "version",
            ],
        ),
        (
            "UniverseConfig",
            &["key", "value", "description", "updatedAt", "updatedBy"],
        ),
        (
            "UniverseClientConnection",
            &[
                "identity",
                "connectionId",
                "connectedAt",
                "lastActiveAt",
                "clientInfo",
                "status",
                "subscriptions",
            ],
        ),
        (
            "UniverseSubscription",
            &[
                "subscriptionId",
                "identity",
                "query",
                "createdAt",
                "updatedAt",
                "status",
                "connection",
            ],
        ),
    ];
    for (ty, want) in cases {
        assert_eq!(fields(ty).await, want, "{ty}");
    }
}

#[tokio::test]
async fn demo_data_seeds_once_and_links_up() {
    let app = TestApp::spawn().await;
    let db = app.db.get(Domain::Universe);
    api::demo::universe::seed(db).await.unwrap();
    let counts = || async {
        (
            node::Entity::find().count(db).await.unwrap(),
            relation::Entity::find().count(db).await.unwrap(),
            state_version::Entity::find().count(db).await.unwrap(),
            delta_record::Entity::find().count(db).await.unwrap(),
            event_log::Entity::find().count(db).await.unwrap(),
            config::Entity::find().count(db).await.unwrap(),
            client_connection::Entity::find().count(db).await.unwrap(),
            subscription::Entity::find().count(db).await.unwrap(),
        )
    };
    let first = counts().await;
    assert_eq!(first, (20, 30, 8, 8, 30, 5, 2, 4));
    api::demo::universe::seed(db).await.unwrap();
    assert_eq!(counts().await, first, "a second run inserts nothing");

    let res = app
        .graphql(
            r#"{
                main: universeVersionHistory(versionId: "v8") { versionId }
                branch: universeVersionHistory(versionId: "v6") { versionId }
                latest: universeLatestVersion { versionId deltas { nodes { deltaId } } }
                sql: universeEntitiesByTag(tag: "sql") { nodes { id } }
                alice: universeEntity(id: "person-alice") { metadata { properties } incoming { totalCount } }
            }"#,
            json!({}),
        )
        .await;
    ok(&res);
    let d = &res["data"];
    assert_eq!(
        strs(&d["main"], "versionId"),
        ["v8", "v7", "v4", "v3", "v2", "v1"]
    );
    assert_eq!(
        strs(&d["branch"], "versionId"),
        ["v6", "v5", "v3", "v2", "v1"]
    );
    assert_eq!(
        d["latest"],
        json!({"versionId": "v8", "deltas": {"nodes": [{"deltaId": "d-08"}]}})
    );
    assert_eq!(
        strs(&d["sql"]["nodes"], "id"),
        [
            "concept-recursive-queries",
            "note-cycle-safety",
            "note-tag-index",
            "person-carol"
        ]
    );
    assert_eq!(
        d["alice"]["metadata"]["properties"]["did"],
        "did:plc:ragtjsm2j2vknwkz3zp4oxrd"
    );
    assert_eq!(d["alice"]["incoming"]["totalCount"], 2);
}
