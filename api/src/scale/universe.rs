//! Inner Universe scale data (see [`crate::scale`]).
//!
//! One timeline of 10 events per state version, one a second from the epoch, numbered
//! `seq` 1… in that order (the order the event log's readers rely on: gap-free, and
//! `ORDER BY timestamp, event_id` agrees with `seq`; event ids are time-ordered UUIDs in
//! the version 7 layout, as the API writes them):
//! 1. `entity.created` for every entity (3 tags each out of 40);
//! 2. `relation.created` for 3 relations per entity (to another entity);
//! 3. the rest, evenly mixed: `version.committed` for every state version, and
//!    `entity.updated` for the others (each bumps a random entity's `version` and its
//!    `properties.score`; the stored entities carry the result of all their updates).
//!
//! The version tree: the first 1,000 versions (fewer at small scales) are one chain, each
//! the child of the one before; every later version's parent is a random earlier one.
//! Each version has 2 deltas. Client connections each have 2 subscriptions.

use chrono::{DateTime, Utc};
use entity::universe::enums::{ConnectionStatus, SubscriptionStatus};
use entity::universe::json::{
    DeltaMetadata, DeltaOp, DeltaOperation, DeltaOperations, EntityMetadata, RelationMetadata,
};
use entity::universe::{
    client_connection, delta_record, entity as node, event_log, relation, state_version,
    subscription,
};
use sea_orm::{DatabaseConnection, DbErr, TransactionTrait};
use serde_json::{Map, Value, json};

use crate::scale::{Batch, CHUNK, Plan, Rng, at, flush_all};
use crate::universe::service::events as kinds;

/// The data tables, checked for emptiness before seeding.
pub const TABLES: &[&str] = &[
    "entity",
    "relation",
    "state_version",
    "delta_record",
    "event_log",
    "client_connection",
    "subscription",
];

/// Events per state version.
pub const EVENTS_PER_VERSION: u64 = 10;
/// Relations per entity.
pub const RELATIONS_PER_ENTITY: u64 = 3;
/// Deltas per state version.
pub const DELTAS_PER_VERSION: u64 = 2;
/// Subscriptions per client connection.
pub const SUBSCRIPTIONS_PER_CONNECTION: u64 = 2;
/// Length of the one long chain of versions.
pub const CHAIN: u64 = 1_000;
/// Distinct entity tags.
pub const TAGS: u64 = 40;

const TYPES: [&str; 4] = ["concept", "person", "project", "note"];
const RELATION_TYPES: [&str; 4] = ["depends_on", "related_to", "part_of", "authored_by"];

/// Tag `t`.
pub fn tag(t: u64) -> String {
    format!("tag-{t:02}")
}

/// A time-ordered event id for event `i` (at `at`).
fn event_id(rng: &mut Rng, when: DateTime<Utc>) -> String {
    let millis = u64::try_from(when.timestamp_millis()).unwrap_or(0);
    let mut tail = [0u8; 10];
    tail[2..].copy_from_slice(&rng.bytes::<8>());
    uuid::Builder::from_unix_timestamp_millis(millis, &tail)
        .into_uuid()
        .to_string()
}

fn metadata(rng: &mut Rng, e: u64, score: u64) -> EntityMetadata {
    let first = rng.below(TAGS);
    let mut properties = Map::new();
    properties.insert("score".into(), json!(score));
    EntityMetadata {
        name: Some(format!("Entity {e}")),
        description: Some(format!("Generated entity number {e}.")),
        tags: vec![tag(first), tag((first + 1) % TAGS), tag((first + 7) % TAGS)],
        properties,
    }
}

/// What an event of the third phase is.
enum Late {
    Version(u64),
    Update(u64),
}

/// The schedule of phase 3: version commits spread evenly over `rest` events; the
/// update targets come from their own stream, so two passes see the same ones.
struct Schedule {
    versions: u64,
    rest: u64,
    updates: Rng,
    entities: u64,
}

impl Schedule {
    fn at(&mut self, j: u64) -> Late {
        let (now, next) = (
            u128::from(j) * u128::from(self.versions) / u128::from(self.rest),
            u128::from(j + 1) * u128::from(self.versions) / u128::from(self.rest),
        );
        if next > now {
            Late::Version(u64::try_from(now).unwrap_or(0))
        } else {
            Late::Update(self.updates.below(self.entities))
        }
    }
}

/// Writes Inner Universe's scale data in one transaction; the rows per table.
pub async fn seed(
    db: &DatabaseConnection,
    plan: &Plan,
    seed: u64,
) -> Result<Vec<(&'static str, u64)>, DbErr> {
    let mut rng = Rng::new(seed, 5);
    let (n_entities, n_versions) = (plan.entities, plan.versions);
    let total = n_versions * EVENTS_PER_VERSION;
    let early = n_entities * (1 + RELATIONS_PER_ENTITY);
    let schedule = || Schedule {
        versions: n_versions,
        rest: total - early,
        updates: Rng::new(seed, 51),
        entities: n_entities,
    };
    let identities: Vec<String> = (0..plan.connections).map(|_| rng.hex(64)).collect();
    let actor = |rng: &mut Rng| identities[rng.below(identities.len() as u64) as usize].clone();
    let entity_ids: Vec<String> = (0..n_entities).map(|_| rng.uuid().to_string()).collect();

    // Pass 1: each entity's final version and last update.
    let mut updates = vec![(0u64, None::<u64>); n_entities as usize];
    let mut plan_of = schedule();
    for j in 0..total - early {
        if let Late::Update(e) = plan_of.at(j) {
            let slot = &mut updates[e as usize];
            slot.0 += 1;
            slot.1 = Some(early + j);
        }
    }

    let txn = db.begin().await?;
    let mut entities_out = Batch::<_, node::ActiveModel>::new(&txn);
    let mut relations_out = Batch::<_, relation::ActiveModel>::new(&txn);
    let mut versions_out = Batch::<_, state_version::ActiveModel>::new(&txn);
    let mut deltas_out = Batch::<_, delta_record::ActiveModel>::new(&txn);
    let mut events_out = Batch::<_, event_log::ActiveModel>::new(&txn);
    let event = |rng: &mut Rng, i: u64, kind: &str, source: String, data: Value| {
        let when = at(i);
        event_log::Model {
            event_id: event_id(rng, when),
            event_type: kind.to_owned(),
            source: Some(source),
            timestamp: when,
            data,
            seq: Some(i64::try_from(i + 1).unwrap_or(i64::MAX)),
        }
    };

    // Phase 1: entities.
    for e in 0..n_entities {
        let id = &entity_ids[e as usize];
        let entity_type = TYPES[(e % 4) as usize];
        let mut meta = metadata(&mut rng, e, 0);
        let source = actor(&mut rng);
        events_out.push(event(
            &mut rng,
            e,
            kinds::ENTITY_CREATED,
            source,
            json!({ "entity_id": id, "entity_type": entity_type, "version": 1, "metadata": meta }),
        ));
        let (n_updates, last) = updates[e as usize];
        meta.properties.insert("score".into(), json!(n_updates));
        entities_out.push(node::Model {
            id: id.clone(),
            entity_type: entity_type.to_owned(),
            created_at: at(e),
            updated_at: at(last.unwrap_or(e)),
            metadata: meta,
            version: i64::try_from(n_updates + 1).unwrap_or(i64::MAX),
        });
        if events_out.pending() as u64 >= CHUNK {
            flush_all!(entities_out, events_out);
        }
    }
    flush_all!(entities_out, events_out);

    // Phase 2: relations.
    for r in 0..n_entities * RELATIONS_PER_ENTITY {
        let i = n_entities + r;
        let from = r / RELATIONS_PER_ENTITY;
        let to = (from + 1 + rng.below(n_entities - 1)) % n_entities;
        let id = rng.uuid().to_string();
        let relation_type = *rng.pick(&RELATION_TYPES);
        let meta = RelationMetadata {
            weight: Some(f64::from(u32::try_from(rng.below(100)).unwrap_or(0)) / 100.0),
            label: None,
            properties: Map::new(),
        };
        let source = actor(&mut rng);
        events_out.push(event(
            &mut rng,
            i,
            kinds::RELATION_CREATED,
            source,
            json!({
                "relation_id": id,
                "from_entity": entity_ids[from as usize],
                "to_entity": entity_ids[to as usize],
                "relation_type": relation_type,
                "metadata": meta,
            }),
        ));
        relations_out.push(relation::Model {
            id,
            from_entity: entity_ids[from as usize].clone(),
            to_entity: entity_ids[to as usize].clone(),
            relation_type: relation_type.to_owned(),
            created_at: at(i),
            metadata: meta,
        });
        if events_out.pending() as u64 >= CHUNK {
            flush_all!(relations_out, events_out);
        }
    }
    flush_all!(relations_out, events_out);

    // Phase 3: versions and updates.
    let mut version_ids: Vec<String> = Vec::with_capacity(n_versions as usize);
    let mut scores = vec![0u64; n_entities as usize];
    let mut plan_of = schedule();
    for j in 0..total - early {
        let i = early + j;
        let source = actor(&mut rng);
        match plan_of.at(j) {
            Late::Update(e) => {
                let score = &mut scores[e as usize];
                *score += 1;
                events_out.push(event(
                    &mut rng,
                    i,
                    kinds::ENTITY_UPDATED,
                    source,
                    json!({
                        "entity_id": entity_ids[e as usize],
                        "version": *score + 1,
                        "previous_version": *score,
                        "before": { "properties": { "score": *score - 1 } },
                        "after": { "properties": { "score": *score } },
                    }),
                ));
            }
            Late::Version(v) => {
                let id = rng.uuid().to_string();
                let parent = match v {
                    0 => None,
                    v if v < CHAIN => version_ids.last().cloned(),
                    v => Some(version_ids[rng.below(v) as usize].clone()),
                };
                let data_hash = format!("sha256:{}", rng.hex(64));
                let description = format!("commit {v}");
                let mut delta_ids = Vec::new();
                for d in 0..DELTAS_PER_VERSION {
                    let delta_id = rng.uuid().to_string();
                    let target = entity_ids[rng.below(n_entities) as usize].clone();
                    deltas_out.push(delta_record::Model {
                        delta_id: delta_id.clone(),
                        state_version_id: id.clone(),
                        operations: DeltaOperations(vec![DeltaOperation {
                            op: DeltaOp::Update,
                            target,
                            path: Some("properties.score".into()),
                            value: Some(json!(d + 1)),
                            previous: Some(json!(d)),
                        }]),
                        timestamp: at(i),
                        metadata: DeltaMetadata {
                            author: Some(source.clone()),
                            reason: Some("generated".into()),
                            properties: Map::new(),
                        },
                    });
                    delta_ids.push(delta_id);
                }
                events_out.push(event(
                    &mut rng,
                    i,
                    kinds::VERSION_COMMITTED,
                    source.clone(),
                    json!({
                        "version_id": id,
                        "parent_version_id": parent,
                        "data_hash": data_hash,
                        "description": description,
                        "delta_ids": delta_ids,
                        "operation_count": DELTAS_PER_VERSION,
                    }),
                ));
                versions_out.push(state_version::Model {
                    version_id: id.clone(),
                    parent_version_id: parent,
                    timestamp: at(i),
                    description,
                    data_hash,
                    owner: source,
                });
                version_ids.push(id);
            }
        }
        if events_out.pending() as u64 >= CHUNK {
            flush_all!(versions_out, deltas_out, events_out);
        }
    }
    let mut tables = vec![
        entities_out.finish().await?,
        relations_out.finish().await?,
        versions_out.finish().await?,
        deltas_out.finish().await?,
        events_out.finish().await?,
    ];

    let mut connections_out = Batch::<_, client_connection::ActiveModel>::new(&txn);
    let mut subscriptions_out = Batch::<_, subscription::ActiveModel>::new(&txn);
    for (c, identity) in identities.iter().enumerate() {
        let since = at(total + c as u64);
        connections_out.push(client_connection::Model {
            identity: identity.clone(),
            connection_id: rng.uuid().to_string(),
            connected_at: since,
            last_active_at: since,
            client_info: Some(format!("scale-client/{c}")),
            status: if c % 4 == 3 {
                ConnectionStatus::Idle
            } else {
                ConnectionStatus::Connected
            },
        });
        for s in 0..SUBSCRIPTIONS_PER_CONNECTION {
            subscriptions_out.push(subscription::Model {
                subscription_id: rng.uuid().to_string(),
                identity: identity.clone(),
                query: format!("entities tagged {}", tag(rng.below(TAGS))),
                created_at: since,
                updated_at: since,
                status: if s == 0 {
                    SubscriptionStatus::Active
                } else {
                    SubscriptionStatus::Paused
                },
            });
        }
    }
    tables.push(connections_out.finish().await?);
    tables.push(subscriptions_out.finish().await?);
    txn.commit().await?;
    Ok(tables)
}
